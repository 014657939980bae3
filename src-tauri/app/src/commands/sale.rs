//! Commands of the counter: the cart, payment, receipts, shifts and Z reports, and the counter's
//! settings (core `sale/`).
//! Each is a few lines over core; no rule lives here.

use super::{as_staff, export_path, write_file, ById, Code, SavedFile, Text};
use serde::Deserialize;
use shopdesk_core::packing::shipping::Station;
use shopdesk_core::sale::settings::{CounterSettings, DiscountCodeDraft};
use shopdesk_core::sale::shift::{DenominationCount, Shift, ZReport};
use shopdesk_core::sale::{
    Approval, PaymentPreview, Sale, SaleEdit, SaleStatus, SaleSummary, TenderDraft,
};
use shopdesk_core::{ErrorBody, Money};
use shopdesk_documents::{print_pdf, receipt_pdf, z_report_pdf, Paper};
use tauri::AppHandle;
use ts_rs::TS;

#[derive(Debug, Deserialize, TS)]
pub struct SaleEditRequest {
    /// The cart to edit; none starts a new cart with this edit.
    pub sale_id: Option<String>,
    pub edit: SaleEdit,
    pub approval: Option<Approval>,
}

#[derive(Debug, Deserialize, TS)]
pub struct Payment {
    pub sale_id: String,
    pub tenders: Vec<TenderDraft>,
}

#[derive(Debug, Deserialize, TS)]
pub struct SalesQuery {
    pub status: Option<SaleStatus>,
    pub limit: u32,
}

#[derive(Debug, Deserialize, TS)]
pub struct ReceiptRequest {
    pub sale_id: String,
    /// 58 mm paper instead of 80 mm.
    pub narrow: bool,
}

#[derive(Debug, Deserialize, TS)]
pub struct CashMoveRequest {
    pub amount: String,
    pub out: bool,
    pub reason: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct ShiftClose {
    pub counts: Vec<DenominationCount>,
}

fn paper(narrow: bool) -> Paper {
    if narrow {
        Paper::Roll58
    } else {
        Paper::Roll80
    }
}

#[tauri::command]
pub async fn sale_current(app: AppHandle, req: ()) -> Result<Option<Sale>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.current_sale(s)).await
}

#[tauri::command]
pub async fn sale_get(app: AppHandle, req: ById) -> Result<Sale, ErrorBody> {
    as_staff(app, move |shop, s| shop.sale(s, &req.id)).await
}

#[tauri::command]
pub async fn sale_edit(app: AppHandle, req: SaleEditRequest) -> Result<Sale, ErrorBody> {
    as_staff(app, move |shop, s| match &req.sale_id {
        Some(id) => shop.edit_sale(s, id, &req.edit, req.approval.as_ref()),
        None => shop.start_sale(s, &req.edit, req.approval.as_ref()),
    })
    .await
}

#[tauri::command]
pub async fn sale_by_receipt(app: AppHandle, req: Code) -> Result<Sale, ErrorBody> {
    as_staff(app, move |shop, s| shop.sale_by_receipt(s, &req.code)).await
}

#[tauri::command]
pub async fn sales_list(app: AppHandle, req: SalesQuery) -> Result<Vec<SaleSummary>, ErrorBody> {
    as_staff(app, move |shop, s| shop.sales(s, req.status, req.limit)).await
}

#[tauri::command]
pub async fn payment_preview(app: AppHandle, req: Payment) -> Result<PaymentPreview, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.payment_preview(s, &req.sale_id, &req.tenders)
    })
    .await
}

#[tauri::command]
pub async fn sale_complete(app: AppHandle, req: Payment) -> Result<Sale, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.complete_sale(s, &req.sale_id, &req.tenders)
    })
    .await
}

/// This computer's station (its receipt printer and paper) and the printers it can print to,
/// for the counter and Settings → Counter.
#[derive(Debug, serde::Serialize, TS)]
pub struct CounterPrinting {
    pub station: Station,
    pub printers: Vec<shopdesk_documents::Printer>,
}

#[tauri::command]
pub async fn counter_printing(app: AppHandle, req: ()) -> Result<CounterPrinting, ErrorBody> {
    let () = req;
    as_staff(app, |shop, _| {
        Ok(CounterPrinting {
            station: shop.station(&super::station_name())?,
            printers: shopdesk_documents::printers(),
        })
    })
    .await
}

#[tauri::command]
pub async fn receipt_save(app: AppHandle, req: ReceiptRequest) -> Result<SavedFile, ErrorBody> {
    let path = export_path(&app, "shopdesk-receipt", "pdf")?;
    as_staff(app, move |shop, s| {
        let r = shop.receipt(s, &req.sale_id)?;
        write_file(path, &receipt_pdf(&r, paper(req.narrow)))
    })
    .await
}

#[tauri::command]
pub async fn receipt_print(app: AppHandle, req: ReceiptRequest) -> Result<String, ErrorBody> {
    as_staff(app, move |shop, s| {
        let r = shop.receipt(s, &req.sale_id)?;
        // This computer's receipt printer (Settings → Counter), else the system's default.
        let station = shop.station(&super::station_name())?;
        let printer = Some(station.receipt_printer.as_str()).filter(|p| !p.is_empty());
        Ok(print_pdf(&receipt_pdf(&r, paper(req.narrow)), printer)?)
    })
    .await
}

#[tauri::command]
pub async fn gift_card_balance(app: AppHandle, req: Code) -> Result<Money, ErrorBody> {
    as_staff(app, move |shop, s| shop.gift_card_balance(s, &req.code)).await
}

#[tauri::command]
pub async fn shift_current(app: AppHandle, req: ()) -> Result<Option<Shift>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.current_shift(s)).await
}

#[tauri::command]
pub async fn shift_open(app: AppHandle, req: Text) -> Result<Shift, ErrorBody> {
    as_staff(app, move |shop, s| shop.open_shift(s, &req.text)).await
}

#[tauri::command]
pub async fn shift_cash(app: AppHandle, req: CashMoveRequest) -> Result<Shift, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.cash_move(s, &req.amount, req.out, &req.reason)
    })
    .await
}

#[tauri::command]
pub async fn shift_close(app: AppHandle, req: ShiftClose) -> Result<ZReport, ErrorBody> {
    let z = as_staff(app.clone(), move |shop, s| shop.close_shift(s, &req.counts)).await?;
    super::back_up_in_background(&app, shopdesk_core::backup::BackupReason::ZClose);
    Ok(z)
}

#[tauri::command]
pub async fn z_report_save(app: AppHandle, req: ById) -> Result<SavedFile, ErrorBody> {
    let path = export_path(&app, "shopdesk-z-report", "pdf")?;
    as_staff(app, move |shop, s| {
        let z = shop.shift_report(s, &req.id)?;
        write_file(path, &z_report_pdf(&z, Paper::Roll80))
    })
    .await
}

#[tauri::command]
pub async fn counter_settings_get(app: AppHandle, req: ()) -> Result<CounterSettings, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.counter_settings(s)).await
}

#[tauri::command]
pub async fn counter_settings_save(
    app: AppHandle,
    req: CounterSettings,
) -> Result<CounterSettings, ErrorBody> {
    as_staff(app, move |shop, s| shop.save_counter_settings(s, &req)).await
}

#[tauri::command]
pub async fn discount_code_save(app: AppHandle, req: DiscountCodeDraft) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, s| shop.save_discount_code(s, &req)).await
}
