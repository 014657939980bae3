//! Commands of the packing bench: open and scan an order, complete the parcel and print its
//! papers, the station, the print queue, late orders and dropship (core `packing/`).
//! Each is a few lines over core; no rule lives here.

use super::{as_staff, blocking, export_path, write_file, ById, Code, SavedFile};
use serde::{Deserialize, Serialize};
use shopdesk_core::order::carrier::Carrier;
use shopdesk_core::order::supplier_order::SupplierOrder;
use shopdesk_core::order::Order;
use shopdesk_core::packing::print_queue::{self, PrintJob};
use shopdesk_core::packing::shipping::{Delivery, LateOrder, PackagePreset, ShipPromise, Station};
use shopdesk_core::packing::{PackDone, Packed, Packing, Scan};
use shopdesk_core::sale::Approval;
use shopdesk_core::{Error, ErrorBody, Session, Shop};
use shopdesk_documents::{pick_lists_pdf, print_jobs, render_job, Printer};
use tauri::AppHandle;
use ts_rs::TS;

/// What the bench screen needs to start: this station, carriers, box presets, printers.
#[derive(Debug, Serialize, TS)]
pub struct Bench {
    pub station: Station,
    pub carriers: Vec<Carrier>,
    pub presets: Vec<PackagePreset>,
    pub printers: Vec<Printer>,
    /// The order left open on the bench, if any.
    pub packing: Option<Packing>,
}

#[derive(Debug, Deserialize, TS)]
pub struct PackComplete {
    pub done: PackDone,
    /// A manager's PIN when the parcel leaves without every item scanned.
    pub approval: Option<Approval>,
}

#[derive(Debug, Deserialize, TS)]
pub struct PickRequest {
    /// Order numbers, slip codes or marketplace ids.
    pub orders: Vec<String>,
    pub per_order: bool,
}

#[derive(Debug, Deserialize, TS)]
pub struct DropshipShipped {
    pub id: String,
    pub carrier: String,
    pub tracking: String,
}

fn no_order() -> Error {
    Error::Conflict("no order is open at the bench: scan a packing slip first".into())
}

#[tauri::command]
pub async fn pack_bench(app: AppHandle) -> Result<Bench, ErrorBody> {
    blocking(app, |state| {
        let shop = state.shop()?;
        let packing = state
            .packing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        Ok(Bench {
            station: shop.station(&super::station_name())?,
            carriers: shop.carriers()?,
            presets: shop.package_presets()?,
            printers: shopdesk_documents::printers(),
            packing,
        })
    })
    .await
}

/// Carriers and the ship promise per channel, for Settings → Shipping.
#[derive(Debug, Serialize, TS)]
pub struct ShippingSettings {
    pub carriers: Vec<Carrier>,
    pub promises: Vec<ShipPromise>,
}

#[tauri::command]
pub async fn shipping_settings(app: AppHandle, req: ()) -> Result<ShippingSettings, ErrorBody> {
    let () = req;
    as_staff(app, |shop, _| {
        Ok(ShippingSettings {
            carriers: shop.carriers()?,
            promises: shop.ship_promises()?,
        })
    })
    .await
}

#[tauri::command]
pub async fn carrier_save(app: AppHandle, req: Carrier) -> Result<Carrier, ErrorBody> {
    as_staff(app, move |shop, s| shop.save_carrier(s, &req)).await
}

#[tauri::command]
pub async fn ship_promise_save(app: AppHandle, req: ShipPromise) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, s| shop.save_ship_promise(s, &req)).await
}

#[tauri::command]
pub async fn station_save(app: AppHandle, req: Station) -> Result<Station, ErrorBody> {
    as_staff(app, move |shop, s| shop.save_station(s, &req)).await
}

#[tauri::command]
pub async fn pack_open(app: AppHandle, req: Code) -> Result<Packing, ErrorBody> {
    blocking(app, move |state| {
        let (shop, session) = state.signed_in()?;
        let p = shop
            .open_packing(&session, &req.code)
            .map_err(|e| e.body())?;
        *state.packing.lock().unwrap_or_else(|p| p.into_inner()) = Some(p.clone());
        Ok(p)
    })
    .await
}

#[tauri::command]
pub async fn pack_scan(app: AppHandle, req: Code) -> Result<Scan, ErrorBody> {
    blocking(app, move |state| {
        let shop = state.shop()?;
        let mut guard = state.packing.lock().unwrap_or_else(|p| p.into_inner());
        let packing = guard.as_mut().ok_or_else(|| no_order().body())?;
        shop.pack_scan(packing, &req.code).map_err(|e| e.body())
    })
    .await
}

/// Puts the open order aside (nothing was written; its scans are forgotten).
#[tauri::command]
pub async fn pack_close(app: AppHandle) -> Result<(), ErrorBody> {
    blocking(app, |state| {
        *state.packing.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    })
    .await
}

/// Ships the open order and hands its documents to the station's printers before answering.
#[tauri::command]
pub async fn pack_complete(app: AppHandle, req: PackComplete) -> Result<Packed, ErrorBody> {
    blocking(app, move |state| {
        let (shop, session) = state.signed_in()?;
        let packing = state
            .packing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| no_order().body())?;
        let mut packed = shop
            .complete_packing(&session, &packing, &req.done, req.approval.as_ref())
            .map_err(|e| e.body())?;
        *state.packing.lock().unwrap_or_else(|p| p.into_inner()) = None;
        // The parcel has shipped: a failure to reach the print queue is logged, not returned as
        // if the completion had failed; the jobs stay queued for a reprint.
        match print_at_station(&shop, &session, &packed.jobs) {
            Ok(jobs) => packed.jobs = jobs,
            Err(e) => log::error!("printing {}: {e}", packed.order.name),
        }
        Ok(packed)
    })
    .await
}

fn print_at_station(
    shop: &Shop,
    session: &Session,
    jobs: &[PrintJob],
) -> shopdesk_core::Result<Vec<PrintJob>> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let station = shop.station(&super::station_name())?;
    print_jobs(shop, session, &station, jobs)
}

#[tauri::command]
pub async fn print_queue(app: AppHandle) -> Result<Vec<PrintJob>, ErrorBody> {
    as_staff(app, |shop, s| {
        let station = shop.station(&super::station_name())?;
        shop.print_jobs(s, &station.id, print_queue::JOBS_SHOWN)
    })
    .await
}

/// Retries a failed job or reprints a sent one, and prints it now.
#[tauri::command]
pub async fn print_again(app: AppHandle, req: ById) -> Result<PrintJob, ErrorBody> {
    as_staff(app, move |shop, s| {
        let job = shop.reprint(s, &req.id)?;
        Ok(print_at_station(shop, s, &[job])?.remove(0))
    })
    .await
}

/// Saves a job's document as PDF in Downloads: the way forward when no printer takes it.
#[tauri::command]
pub async fn print_job_save(app: AppHandle, req: ById) -> Result<SavedFile, ErrorBody> {
    let path = export_path(&app, "shopdesk-document", "pdf")?;
    as_staff(app, move |shop, s| {
        let (job, station) = shop.print_job(s, &req.id)?;
        let (pdf, _) = render_job(shop, s, &job, &station)?;
        write_file(path, &pdf)
    })
    .await
}

#[tauri::command]
pub async fn pick_list_save(app: AppHandle, req: PickRequest) -> Result<SavedFile, ErrorBody> {
    let path = export_path(&app, "shopdesk-picklist", "pdf")?;
    as_staff(app, move |shop, s| {
        let lists = shop.pick_lists(s, &req.orders, req.per_order)?;
        write_file(path, &pick_lists_pdf(&lists))
    })
    .await
}

#[tauri::command]
pub async fn late_orders(app: AppHandle) -> Result<Vec<LateOrder>, ErrorBody> {
    as_staff(app, |shop, s| shop.late_orders(s)).await
}

#[derive(Debug, Deserialize, TS)]
pub struct DropshipSupplier {
    pub variant_id: String,
    /// None: the shop ships it itself.
    pub supplier_id: Option<String>,
}

#[tauri::command]
pub async fn variant_dropship_set(app: AppHandle, req: DropshipSupplier) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.set_dropship_supplier(s, &req.variant_id, req.supplier_id.as_deref())
    })
    .await
}

#[derive(Debug, Deserialize, TS)]
pub struct ShipmentDelivery {
    pub shipment_id: String,
    pub delivery: Delivery,
}

#[tauri::command]
pub async fn shipment_delivery_set(app: AppHandle, req: ShipmentDelivery) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.set_delivery(s, &req.shipment_id, req.delivery)
    })
    .await
}

#[tauri::command]
pub async fn dropship_forward(app: AppHandle, req: ById) -> Result<Vec<SupplierOrder>, ErrorBody> {
    as_staff(app, move |shop, s| shop.forward_dropship(s, &req.id)).await
}

#[tauri::command]
pub async fn dropship_list(app: AppHandle, req: ById) -> Result<Vec<SupplierOrder>, ErrorBody> {
    as_staff(app, move |shop, s| shop.supplier_orders_of(s, &req.id)).await
}

#[tauri::command]
pub async fn dropship_shipped(app: AppHandle, req: DropshipShipped) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.complete_dropship(s, &req.id, &req.carrier, &req.tracking)
    })
    .await
}
