//! The Tauri commands: each parses its request, calls core off the main thread, and maps the
//! error to `{code, message}`. No business rule lives here.

pub mod channels;
pub mod counter;
pub mod orders;
pub mod packing;
pub use channels::*;
pub use counter::*;
pub use orders::*;
pub use packing::*;

use crate::state::AppState;
use serde::{Deserialize, Serialize};
use shopdesk_core::audit::AuditEvent;
use shopdesk_core::catalog::product::{Product, ProductDraft, ProductEdit};
use shopdesk_core::catalog::{CatalogFacets, CatalogPage, CatalogQuery, VariantRow};
use shopdesk_core::demo::{DemoPin, DemoRequest};
use shopdesk_core::import::shopify_csv::{ImportPreview, ImportResult};
use shopdesk_core::shop::staff::{NewRole, NewStaff, Role, RoleUpdate, StaffMember, StaffUpdate};
use shopdesk_core::shop::{countries, Country, NewShop, ShopProfile};
use shopdesk_core::stock::purchase::{
    PurchaseDraft, PurchaseOrder, PurchaseReceipt, RestockResult, Supplier, SupplierDraft,
    SupplierItemDraft,
};
use shopdesk_core::stock::report::StockReport;
use shopdesk_core::stock::stocktake::{CountEntry, CountScan, Stocktake};
use shopdesk_core::stock::transfer::{Transfer, TransferDraft};
use shopdesk_core::stock::{
    Location, LowStockLine, ReorderRule, StockAdjustment, StockLevel, StockMove,
};
use shopdesk_core::{Currency, ErrorBody, Session, SessionInfo, Shop};
use tauri::{AppHandle, Manager};
use ts_rs::TS;

/// Which screen the app should be on, with what that screen needs.
#[derive(Debug, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AppStatus {
    /// The database could not be opened; nothing was changed. The screen explains and offers a retry.
    DbFailed { error: ErrorBody, db_path: String },
    FirstRun {
        countries: Vec<Country>,
        /// Every currency core can keep books in (ISO 4217 codes).
        currencies: Vec<String>,
        db_path: String,
    },
    SignedOut {
        shop: ShopProfile,
        staff: Vec<StaffMember>,
        demo_pins: Vec<DemoPin>,
    },
    SignedIn {
        shop: ShopProfile,
        session: SessionInfo,
    },
}

#[derive(Debug, Deserialize, TS)]
pub struct SignIn {
    pub staff_id: String,
    pub pin: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct ById {
    pub id: String,
}

/// A typed or scanned code: SKU or barcode.
#[derive(Debug, Deserialize, TS)]
pub struct Code {
    pub code: String,
}

/// A CSV file's text, read by the UI from the file the person picked.
#[derive(Debug, Deserialize, TS)]
pub struct CsvText {
    pub text: String,
}

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

/// Where an export was written, for the UI to show.
#[derive(Debug, Serialize, TS)]
pub struct SavedFile {
    pub path: String,
}

/// Runs `work` on the blocking pool so SQLite and PIN hashing never stall the window.
pub(crate) async fn blocking<T: Send + 'static>(
    app: AppHandle,
    work: impl FnOnce(&AppState) -> Result<T, ErrorBody> + Send + 'static,
) -> Result<T, ErrorBody> {
    tauri::async_runtime::spawn_blocking(move || work(&app.state::<AppState>()))
        .await
        .map_err(|e| ErrorBody {
            code: "internal".into(),
            message: e.to_string(),
        })?
}

/// Like `blocking`, for actions that need someone signed in; core checks what they may do.
pub(crate) async fn as_staff<T: Send + 'static>(
    app: AppHandle,
    work: impl FnOnce(&Shop, &Session) -> shopdesk_core::Result<T> + Send + 'static,
) -> Result<T, ErrorBody> {
    blocking(app, move |state| {
        let (shop, session) = state.signed_in()?;
        work(&shop, &session).map_err(ErrorBody::from)
    })
    .await
}

fn status(state: &AppState) -> Result<AppStatus, ErrorBody> {
    let db_path = state.db_path.display().to_string();
    let shop = match state.shop() {
        Ok(shop) => shop,
        Err(error) => return Ok(AppStatus::DbFailed { error, db_path }),
    };
    let Some(profile) = shop.profile()? else {
        return Ok(AppStatus::FirstRun {
            countries: countries(),
            currencies: Currency::all_codes().map(String::from).collect(),
            db_path,
        });
    };
    if let Some(session) = state.session() {
        match shop.session_info(&session) {
            Ok(info) => {
                return Ok(AppStatus::SignedIn {
                    shop: profile,
                    session: info,
                })
            }
            Err(_) => state.set_session(None), // deactivated meanwhile: back to sign-in
        }
    }
    Ok(AppStatus::SignedOut {
        shop: profile,
        staff: shop.staff_list()?,
        demo_pins: shop.demo_pins()?,
    })
}

#[tauri::command]
pub async fn app_status(app: AppHandle, req: ()) -> Result<AppStatus, ErrorBody> {
    let () = req;
    blocking(app, status).await
}

#[tauri::command]
pub async fn retry_open(app: AppHandle, req: ()) -> Result<AppStatus, ErrorBody> {
    let () = req;
    blocking(app, |state| {
        state.reopen();
        status(state)
    })
    .await
}

#[tauri::command]
pub async fn create_shop(app: AppHandle, req: NewShop) -> Result<AppStatus, ErrorBody> {
    blocking(app, move |state| {
        let (session, _) = state.shop()?.create_shop(req)?;
        state.set_session(Some(session));
        status(state)
    })
    .await
}

#[tauri::command]
pub async fn load_demo(app: AppHandle, req: DemoRequest) -> Result<AppStatus, ErrorBody> {
    blocking(app, move |state| {
        let (session, _, _) = state.shop()?.load_demo(&req)?;
        state.set_session(Some(session));
        status(state)
    })
    .await
}

#[tauri::command]
pub async fn sign_in(app: AppHandle, req: SignIn) -> Result<AppStatus, ErrorBody> {
    blocking(app, move |state| {
        let (session, _) = state.shop()?.sign_in(&req.staff_id, &req.pin)?;
        state.set_session(Some(session));
        status(state)
    })
    .await
}

#[tauri::command]
pub async fn sign_out(app: AppHandle, req: ()) -> Result<AppStatus, ErrorBody> {
    let () = req;
    blocking(app, |state| {
        state.set_session(None);
        status(state)
    })
    .await
}

#[tauri::command]
pub async fn catalog_list(app: AppHandle, req: CatalogQuery) -> Result<CatalogPage, ErrorBody> {
    as_staff(app, move |shop, s| shop.catalog(s, &req)).await
}

#[tauri::command]
pub async fn catalog_lookup(app: AppHandle, req: Code) -> Result<Option<VariantRow>, ErrorBody> {
    as_staff(app, move |shop, s| shop.lookup(s, &req.code)).await
}

#[tauri::command]
pub async fn catalog_facets(app: AppHandle, req: ()) -> Result<CatalogFacets, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.catalog_facets(s)).await
}

#[tauri::command]
pub async fn barcode_in_store(app: AppHandle, req: ()) -> Result<String, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.new_in_store_barcode(s)).await
}

#[tauri::command]
pub async fn catalog_import_preview(
    app: AppHandle,
    req: CsvText,
) -> Result<ImportPreview, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.preview_catalog_import(s, &req.text)
    })
    .await
}

#[tauri::command]
pub async fn catalog_import(app: AppHandle, req: CsvText) -> Result<ImportResult, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.import_catalog(s, &req.text, &mut |_, _| {})
    })
    .await
}

/// A file in the person's Downloads folder (else their home), named for what it holds and when.
pub(crate) fn export_path(
    app: &AppHandle,
    stem: &str,
    ext: &str,
) -> Result<std::path::PathBuf, ErrorBody> {
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| ErrorBody {
            code: "export_failed".into(),
            message: e.to_string(),
        })?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    Ok(dir.join(format!("{stem}-{stamp}.{ext}")))
}

/// Writes an export through core into a new file and says where it went.
async fn export_to_file(
    app: AppHandle,
    stem: &'static str,
    write: impl FnOnce(&Shop, &Session, &mut dyn std::io::Write) -> shopdesk_core::Result<()>
        + Send
        + 'static,
) -> Result<SavedFile, ErrorBody> {
    let path = export_path(&app, stem, "csv")?;
    as_staff(app, move |shop, s| {
        let file = std::fs::File::create(&path).map_err(|e| {
            shopdesk_core::Error::invalid(format!("cannot write {}: {e}", path.display()))
        })?;
        let mut out = std::io::BufWriter::new(file);
        write(shop, s, &mut out)?;
        std::io::Write::flush(&mut out).map_err(|e| {
            shopdesk_core::Error::invalid(format!("cannot write {}: {e}", path.display()))
        })?;
        Ok(SavedFile {
            path: path.display().to_string(),
        })
    })
    .await
}

#[tauri::command]
pub async fn catalog_export(app: AppHandle, req: ()) -> Result<SavedFile, ErrorBody> {
    let () = req;
    export_to_file(app, "shopdesk-catalog", |shop, s, out| {
        shop.export_catalog(s, out).map(|_| ())
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
pub async fn locations_list(app: AppHandle, req: ()) -> Result<Vec<Location>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.locations(s)).await
}

#[tauri::command]
pub async fn location_create(app: AppHandle, req: NewLocation) -> Result<Location, ErrorBody> {
    as_staff(app, move |shop, s| shop.create_location(s, &req.name)).await
}

#[tauri::command]
pub async fn stock_levels(app: AppHandle, req: ById) -> Result<Vec<StockLevel>, ErrorBody> {
    as_staff(app, move |shop, s| shop.stock_levels(s, &req.id)).await
}

#[tauri::command]
pub async fn stock_moves(app: AppHandle, req: ById) -> Result<Vec<StockMove>, ErrorBody> {
    as_staff(app, move |shop, s| shop.stock_moves(s, &req.id, 500)).await
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

#[tauri::command]
pub async fn product_get(app: AppHandle, req: ById) -> Result<Product, ErrorBody> {
    as_staff(app, move |shop, s| shop.product(s, &req.id)).await
}

#[tauri::command]
pub async fn product_create(app: AppHandle, req: ProductDraft) -> Result<Product, ErrorBody> {
    as_staff(app, move |shop, s| shop.create_product(s, req)).await
}

#[tauri::command]
pub async fn product_update(app: AppHandle, req: ProductEdit) -> Result<Product, ErrorBody> {
    as_staff(app, move |shop, s| shop.update_product(s, req)).await
}

#[tauri::command]
pub async fn product_history(app: AppHandle, req: ById) -> Result<Vec<AuditEvent>, ErrorBody> {
    as_staff(app, move |shop, s| shop.product_history(s, &req.id)).await
}

#[tauri::command]
pub async fn staff_all(app: AppHandle, req: ()) -> Result<Vec<StaffMember>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.staff_all(s)).await
}

#[tauri::command]
pub async fn staff_create(app: AppHandle, req: NewStaff) -> Result<StaffMember, ErrorBody> {
    as_staff(app, move |shop, s| shop.create_staff(s, req)).await
}

#[tauri::command]
pub async fn staff_update(app: AppHandle, req: StaffUpdate) -> Result<StaffMember, ErrorBody> {
    as_staff(app, move |shop, s| shop.update_staff(s, req)).await
}

#[tauri::command]
pub async fn roles_list(app: AppHandle, req: ()) -> Result<Vec<Role>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.roles(s)).await
}

#[tauri::command]
pub async fn role_create(app: AppHandle, req: NewRole) -> Result<Role, ErrorBody> {
    as_staff(app, move |shop, s| shop.create_role(s, req)).await
}

#[tauri::command]
pub async fn role_update(app: AppHandle, req: RoleUpdate) -> Result<Role, ErrorBody> {
    as_staff(app, move |shop, s| shop.update_role(s, req)).await
}

/// The UI calls this once its first screen has painted. Under `SHOPDESK_BENCH=1` it prints a
/// marker the benchmark command times cold start by; otherwise it does nothing.
#[tauri::command]
pub fn ui_rendered(req: ()) {
    let () = req;
    if std::env::var_os("SHOPDESK_BENCH").is_some() {
        println!("SHOPDESK_RENDERED");
    }
}
