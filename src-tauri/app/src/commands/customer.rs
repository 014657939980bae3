//! Commands of customers: search and create at the counter, a customer's record, and the GDPR
//! export and erase (core `customer/`).
//! Each is a few lines over core; no rule lives here.

use super::{as_staff, export_path, write_file, ById, IdText, SavedFile, Text};
use shopdesk_core::customer::record::CustomerProfile;
use shopdesk_core::customer::{Customer, CustomerDraft};
use shopdesk_core::{Error, ErrorBody};
use tauri::AppHandle;

#[tauri::command]
pub async fn customers_search(app: AppHandle, req: Text) -> Result<Vec<Customer>, ErrorBody> {
    as_staff(app, move |shop, s| shop.customers(s, &req.text)).await
}

#[tauri::command]
pub async fn customer_create(app: AppHandle, req: CustomerDraft) -> Result<Customer, ErrorBody> {
    as_staff(app, move |shop, s| shop.create_customer(s, &req)).await
}

#[tauri::command]
pub async fn customer_profile(app: AppHandle, req: ById) -> Result<CustomerProfile, ErrorBody> {
    as_staff(app, move |shop, s| shop.customer_profile(s, &req.id)).await
}

#[tauri::command]
pub async fn customer_note(app: AppHandle, req: IdText) -> Result<CustomerProfile, ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.save_customer_note(s, &req.id, &req.text)
    })
    .await
}

#[tauri::command]
pub async fn customer_export(app: AppHandle, req: ById) -> Result<SavedFile, ErrorBody> {
    let path = export_path(&app, "shopdesk-customer", "json")?;
    as_staff(app, move |shop, s| {
        let data = shop.export_customer(s, &req.id)?;
        let text =
            serde_json::to_string_pretty(&data).map_err(|e| Error::Storage(e.to_string()))?;
        write_file(path, text.as_bytes())
    })
    .await
}

#[tauri::command]
pub async fn customer_erase(app: AppHandle, req: ById) -> Result<CustomerProfile, ErrorBody> {
    as_staff(app, move |shop, s| shop.erase_customer(s, &req.id)).await
}
