//! Commands of stock: levels, moves, adjustments, reorder rules, the stock report, transfers,
//! suppliers, purchase orders and stocktakes (core `stock/`).
//! Each is a few lines over core; no rule lives here.

use super::{as_staff, export_to_file, ById, SavedFile};
use serde::Deserialize;
use shopdesk_core::stock::purchase::{
    PurchaseDraft, PurchaseOrder, PurchaseReceipt, RestockResult, Supplier, SupplierDraft,
    SupplierItemDraft,
};
use shopdesk_core::stock::report::StockReport;
use shopdesk_core::stock::stocktake::{CountEntry, CountScan, Stocktake};
use shopdesk_core::stock::transfer::{Transfer, TransferDraft};
use shopdesk_core::stock::{
    Location, LocationEdit, LocationRow, LowStockLine, ReorderRule, StockAdjustment, StockLevel,
    StockMove,
};
use shopdesk_core::ErrorBody;
use tauri::AppHandle;
use ts_rs::TS;

#[derive(Debug, Deserialize, TS)]
pub struct NewLocation {
    pub name: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct AtLocation {
    /// Absent: every location.
    pub location_id: Option<String>,
}

#[derive(Debug, Deserialize, TS)]
pub struct PurchaseUpdate {
    pub id: String,
    pub draft: PurchaseDraft,
}

#[tauri::command]
pub async fn locations_list(app: AppHandle, req: ()) -> Result<Vec<Location>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.locations(s)).await
}

#[tauri::command]
pub async fn location_create(app: AppHandle, req: NewLocation) -> Result<Location, ErrorBody> {
    as_staff(app, move |shop, s| shop.create_location(s, &req.name)).await
}

#[tauri::command]
pub async fn locations_all(app: AppHandle, req: ()) -> Result<Vec<LocationRow>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.all_locations(s)).await
}

#[tauri::command]
pub async fn location_update(app: AppHandle, req: LocationEdit) -> Result<LocationRow, ErrorBody> {
    as_staff(app, move |shop, s| shop.update_location(s, &req)).await
}

/// Location ids in the order they should be listed.
#[derive(Debug, Deserialize, TS)]
pub struct LocationOrder {
    pub ids: Vec<String>,
}

#[tauri::command]
pub async fn locations_order(
    app: AppHandle,
    req: LocationOrder,
) -> Result<Vec<LocationRow>, ErrorBody> {
    as_staff(app, move |shop, s| shop.order_locations(s, &req.ids)).await
}

#[tauri::command]
pub async fn stock_levels(app: AppHandle, req: ById) -> Result<Vec<StockLevel>, ErrorBody> {
    as_staff(app, move |shop, s| shop.stock_levels(s, &req.id)).await
}

#[tauri::command]
pub async fn stock_moves(app: AppHandle, req: ById) -> Result<Vec<StockMove>, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.stock_moves(s, &req.id, shopdesk_core::stock::MOVES_SHOWN)
    })
    .await
}

#[tauri::command]
pub async fn stock_adjust(
    app: AppHandle,
    req: StockAdjustment,
) -> Result<Vec<StockLevel>, ErrorBody> {
    as_staff(app, move |shop, s| shop.adjust_stock(s, req)).await
}

#[tauri::command]
pub async fn reorder_set(app: AppHandle, req: ReorderRule) -> Result<Vec<StockLevel>, ErrorBody> {
    as_staff(app, move |shop, s| shop.set_reorder_rule(s, req)).await
}

#[tauri::command]
pub async fn low_stock(app: AppHandle, req: ()) -> Result<Vec<LowStockLine>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.low_stock(s)).await
}

#[tauri::command]
pub async fn stock_report(app: AppHandle, req: AtLocation) -> Result<StockReport, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.stock_report(s, req.location_id.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn stock_report_export(app: AppHandle, req: AtLocation) -> Result<SavedFile, ErrorBody> {
    export_to_file(app, "shopdesk-stock", move |shop, s, out| {
        shop.stock_report_csv(s, req.location_id.as_deref(), out)
    })
    .await
}

#[tauri::command]
pub async fn transfers_list(app: AppHandle, req: ()) -> Result<Vec<Transfer>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.transfers(s)).await
}

#[tauri::command]
pub async fn transfer_send(app: AppHandle, req: TransferDraft) -> Result<Transfer, ErrorBody> {
    as_staff(app, move |shop, s| shop.send_transfer(s, req)).await
}

#[tauri::command]
pub async fn transfer_receive(app: AppHandle, req: ById) -> Result<Transfer, ErrorBody> {
    as_staff(app, move |shop, s| shop.receive_transfer(s, &req.id)).await
}

#[tauri::command]
pub async fn suppliers_list(app: AppHandle, req: ()) -> Result<Vec<Supplier>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.suppliers(s)).await
}

#[tauri::command]
pub async fn supplier_save(app: AppHandle, req: SupplierDraft) -> Result<Supplier, ErrorBody> {
    as_staff(app, move |shop, s| shop.save_supplier(s, req)).await
}

#[tauri::command]
pub async fn supplier_item_set(app: AppHandle, req: SupplierItemDraft) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, s| shop.set_supplier_item(s, req)).await
}

#[tauri::command]
pub async fn purchase_orders_list(
    app: AppHandle,
    req: (),
) -> Result<Vec<PurchaseOrder>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.purchase_orders(s)).await
}

#[tauri::command]
pub async fn purchase_order_get(app: AppHandle, req: ById) -> Result<PurchaseOrder, ErrorBody> {
    as_staff(app, move |shop, s| shop.purchase_order(s, &req.id)).await
}

#[tauri::command]
pub async fn purchase_order_create(
    app: AppHandle,
    req: PurchaseDraft,
) -> Result<PurchaseOrder, ErrorBody> {
    as_staff(app, move |shop, s| shop.create_purchase_order(s, req)).await
}

#[tauri::command]
pub async fn purchase_order_update(
    app: AppHandle,
    req: PurchaseUpdate,
) -> Result<PurchaseOrder, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.update_purchase_order(s, &req.id, req.draft)
    })
    .await
}

#[tauri::command]
pub async fn purchase_order_send(app: AppHandle, req: ById) -> Result<PurchaseOrder, ErrorBody> {
    as_staff(app, move |shop, s| shop.send_purchase_order(s, &req.id)).await
}

#[tauri::command]
pub async fn purchase_receive(
    app: AppHandle,
    req: PurchaseReceipt,
) -> Result<PurchaseOrder, ErrorBody> {
    as_staff(app, move |shop, s| shop.receive_purchase(s, req)).await
}

#[tauri::command]
pub async fn purchase_order_close(app: AppHandle, req: ById) -> Result<PurchaseOrder, ErrorBody> {
    as_staff(app, move |shop, s| shop.close_purchase_order(s, &req.id)).await
}

#[tauri::command]
pub async fn restock(app: AppHandle, req: ()) -> Result<RestockResult, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.restock(s)).await
}

#[tauri::command]
pub async fn stocktakes_list(app: AppHandle, req: ()) -> Result<Vec<Stocktake>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.stocktakes(s)).await
}

#[tauri::command]
pub async fn stocktake_start(app: AppHandle, req: ById) -> Result<Stocktake, ErrorBody> {
    as_staff(app, move |shop, s| shop.start_stocktake(s, &req.id)).await
}

#[tauri::command]
pub async fn stocktake_get(app: AppHandle, req: ById) -> Result<Stocktake, ErrorBody> {
    as_staff(app, move |shop, s| shop.stocktake(s, &req.id)).await
}

#[tauri::command]
pub async fn stocktake_scan(app: AppHandle, req: CountScan) -> Result<Stocktake, ErrorBody> {
    as_staff(app, move |shop, s| shop.count_scan(s, req)).await
}

#[tauri::command]
pub async fn stocktake_set(app: AppHandle, req: CountEntry) -> Result<Stocktake, ErrorBody> {
    as_staff(app, move |shop, s| shop.set_count(s, req)).await
}

#[tauri::command]
pub async fn stocktake_apply(app: AppHandle, req: ById) -> Result<Stocktake, ErrorBody> {
    as_staff(app, move |shop, s| shop.apply_stocktake(s, &req.id)).await
}

#[tauri::command]
pub async fn stocktake_cancel(app: AppHandle, req: ById) -> Result<Stocktake, ErrorBody> {
    as_staff(app, move |shop, s| shop.cancel_stocktake(s, &req.id)).await
}
