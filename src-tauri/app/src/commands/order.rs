//! Commands of the orders back office: the inbox, orders and their actions, invoices, returns,
//! claims, e-mail and the orders settings (core `order/`; PDFs from the documents crate, SMTP and
//! the keychain from the mail crate).
//! Each is a few lines over core; no rule lives here.

use super::{as_staff, export_path, write_file, ById, IdText, SavedFile, Text};
use serde::Deserialize;
use shopdesk_core::order::invoice::{Invoice, Party};
use shopdesk_core::order::outbox::{EmailTemplate, Message};
use shopdesk_core::order::settings::OrderSettings;
use shopdesk_core::order::{
    BulkAction, BulkResult, ClaimDraft, ClaimResolution, InboxQuery, InboxRow, Order, OrderDraft,
    PaymentDraft, ReturnDraft, ReturnReceipt, ShipmentDraft,
};
use shopdesk_core::ErrorBody;
use shopdesk_documents::{invoice_pdf, print_pdf};
use shopdesk_mail::SendReport;
use tauri::AppHandle;
use ts_rs::TS;

#[derive(Debug, Deserialize, TS)]
pub struct OrderUpdate {
    pub id: String,
    pub draft: OrderDraft,
}

#[derive(Debug, Deserialize, TS)]
pub struct OrderPayment {
    pub id: String,
    pub payment: PaymentDraft,
}

#[derive(Debug, Deserialize, TS)]
pub struct OrderShipment {
    pub id: String,
    pub shipment: ShipmentDraft,
}

#[derive(Debug, Deserialize, TS)]
pub struct Bulk {
    pub ids: Vec<String>,
    pub action: BulkAction,
}

#[derive(Debug, Deserialize, TS)]
pub struct SaleInvoice {
    pub sale_id: String,
    pub buyer: Party,
}

#[derive(Debug, Deserialize, TS)]
pub struct OrderEmail {
    pub id: String,
    /// order_confirmation, invoice or shipment.
    pub kind: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct Reply {
    pub order_id: String,
    pub from: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct ReturnRequest {
    pub order_id: String,
    pub draft: ReturnDraft,
}

#[derive(Debug, Deserialize, TS)]
pub struct ReturnReceive {
    pub return_id: String,
    pub receipt: ReturnReceipt,
}

#[derive(Debug, Deserialize, TS)]
pub struct ClaimOpen {
    pub order_id: String,
    pub draft: ClaimDraft,
}

#[derive(Debug, Deserialize, TS)]
pub struct ClaimResolve {
    pub claim_id: String,
    pub resolution: ClaimResolution,
}

#[tauri::command]
pub async fn inbox(app: AppHandle, req: InboxQuery) -> Result<Vec<InboxRow>, ErrorBody> {
    as_staff(app, move |shop, s| shop.inbox(s, &req)).await
}

#[tauri::command]
pub async fn order_get(app: AppHandle, req: ById) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| shop.order(s, &req.id)).await
}

#[tauri::command]
pub async fn order_create(app: AppHandle, req: OrderDraft) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| shop.create_order(s, &req)).await
}

#[tauri::command]
pub async fn order_update(app: AppHandle, req: OrderUpdate) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.update_order(s, &req.id, &req.draft)
    })
    .await
}

#[tauri::command]
pub async fn order_hold(app: AppHandle, req: IdText) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| shop.hold_order(s, &req.id, &req.text)).await
}

#[tauri::command]
pub async fn order_release(app: AppHandle, req: IdText) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.release_order(s, &req.id, &req.text)
    })
    .await
}

#[tauri::command]
pub async fn order_cancel(app: AppHandle, req: IdText) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| shop.cancel_order(s, &req.id, &req.text)).await
}

#[tauri::command]
pub async fn order_note(app: AppHandle, req: IdText) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.add_order_note(s, &req.id, &req.text)
    })
    .await
}

#[tauri::command]
pub async fn order_pay(app: AppHandle, req: OrderPayment) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.record_order_payment(s, &req.id, &req.payment)
    })
    .await
}

#[tauri::command]
pub async fn order_ship(app: AppHandle, req: OrderShipment) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.ship_order(s, &req.id, &req.shipment)
    })
    .await
}

#[tauri::command]
pub async fn orders_bulk(app: AppHandle, req: Bulk) -> Result<Vec<BulkResult>, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.bulk_orders(s, &req.ids, &req.action)
    })
    .await
}

#[tauri::command]
pub async fn invoice_issue(app: AppHandle, req: ById) -> Result<Invoice, ErrorBody> {
    as_staff(app, move |shop, s| shop.issue_order_invoice(s, &req.id)).await
}

#[tauri::command]
pub async fn sale_invoice(app: AppHandle, req: SaleInvoice) -> Result<Invoice, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.issue_sale_invoice(s, &req.sale_id, &req.buyer)
    })
    .await
}

#[tauri::command]
pub async fn invoice_save(app: AppHandle, req: ById) -> Result<SavedFile, ErrorBody> {
    let path = export_path(&app, "shopdesk-invoice", "pdf")?;
    as_staff(app, move |shop, s| {
        let inv = shop.invoice(s, &req.id)?;
        write_file(path, &invoice_pdf(&inv))
    })
    .await
}

#[tauri::command]
pub async fn invoice_print(app: AppHandle, req: ById) -> Result<String, ErrorBody> {
    as_staff(app, move |shop, s| {
        let inv = shop.invoice(s, &req.id)?;
        Ok(print_pdf(&invoice_pdf(&inv), None)?)
    })
    .await
}

#[tauri::command]
pub async fn order_email(app: AppHandle, req: OrderEmail) -> Result<Message, ErrorBody> {
    as_staff(app, move |shop, s| shop.email_order(s, &req.id, &req.kind)).await
}

#[tauri::command]
pub async fn order_reply(app: AppHandle, req: Reply) -> Result<Message, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.record_reply(s, &req.order_id, &req.from, &req.subject, &req.body)
    })
    .await
}

#[tauri::command]
pub async fn outbox_list(app: AppHandle, req: ()) -> Result<Vec<Message>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.outbox(s)).await
}

#[tauri::command]
pub async fn outbox_retry(app: AppHandle, req: ById) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, s| shop.retry_message(s, &req.id)).await
}

#[tauri::command]
pub async fn mail_send_now(app: AppHandle, req: ()) -> Result<SendReport, ErrorBody> {
    let () = req;
    as_staff(app, shopdesk_mail::send_now).await
}

#[tauri::command]
pub async fn return_authorise(app: AppHandle, req: ReturnRequest) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.authorise_return(s, &req.order_id, &req.draft)
    })
    .await
}

#[tauri::command]
pub async fn return_receive(app: AppHandle, req: ReturnReceive) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.receive_return(s, &req.return_id, &req.receipt)
    })
    .await
}

#[tauri::command]
pub async fn return_refund(app: AppHandle, req: IdText) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.refund_return(s, &req.id, &req.text)
    })
    .await
}

#[tauri::command]
pub async fn return_cancel(app: AppHandle, req: ById) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| shop.cancel_return(s, &req.id)).await
}

#[tauri::command]
pub async fn claim_open(app: AppHandle, req: ClaimOpen) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.open_claim(s, &req.order_id, &req.draft)
    })
    .await
}

#[tauri::command]
pub async fn claim_evidence(app: AppHandle, req: IdText) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.add_claim_evidence(s, &req.id, &req.text)
    })
    .await
}

#[tauri::command]
pub async fn claim_resolve(app: AppHandle, req: ClaimResolve) -> Result<Order, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.resolve_claim(s, &req.claim_id, &req.resolution)
    })
    .await
}

#[tauri::command]
pub async fn order_settings_get(app: AppHandle, req: ()) -> Result<OrderSettings, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.order_settings(s)).await
}

#[tauri::command]
pub async fn order_settings_save(
    app: AppHandle,
    req: OrderSettings,
) -> Result<OrderSettings, ErrorBody> {
    as_staff(app, move |shop, s| shop.save_order_settings(s, &req)).await
}

/// Stores the SMTP password in the OS keychain (never in the database).
#[tauri::command]
pub async fn smtp_password_save(app: AppHandle, req: Text) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, s| {
        shopdesk_mail::change_password(shop, s, &req.text)
    })
    .await
}

#[tauri::command]
pub async fn email_templates(app: AppHandle, req: ()) -> Result<Vec<EmailTemplate>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.email_templates(s)).await
}

#[tauri::command]
pub async fn email_template_save(app: AppHandle, req: EmailTemplate) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, s| shop.save_email_template(s, &req)).await
}
