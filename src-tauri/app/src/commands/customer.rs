//! Commands of customers: search and create at the counter, the list (F6), a customer's record,
//! editing and merging, and the GDPR export (JSON and a readable PDF) and erase (core
//! `customer/`).
//! Each is a few lines over core; no rule lives here.

use super::{as_staff, export_path, write_file, ById, IdText, SavedFile, Text};
use serde::Serialize;
use shopdesk_core::customer::edit::{CustomerEdit, CustomerMerge};
use shopdesk_core::customer::list::{CustomerPage, CustomerQuery};
use shopdesk_core::customer::record::CustomerProfile;
use shopdesk_core::customer::{Customer, CustomerDraft};
use shopdesk_core::order::invoice::PaperSize;
use shopdesk_core::{Clock, Error, ErrorBody, ShopZone, SystemClock};
use tauri::AppHandle;
use ts_rs::TS;

/// Where a GDPR export was written: the full record as JSON and a readable PDF.
#[derive(Debug, Serialize, TS)]
pub struct CustomerExported {
    pub json: String,
    pub pdf: String,
}

#[tauri::command]
pub async fn customers_list(app: AppHandle, req: CustomerQuery) -> Result<CustomerPage, ErrorBody> {
    as_staff(app, move |shop, s| shop.customer_list(s, &req)).await
}

#[tauri::command]
pub async fn customer_tags(app: AppHandle, req: ()) -> Result<Vec<String>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.customer_tags(s)).await
}

#[tauri::command]
pub async fn customer_save(
    app: AppHandle,
    req: CustomerEdit,
) -> Result<CustomerProfile, ErrorBody> {
    as_staff(app, move |shop, s| shop.save_customer(s, &req)).await
}

#[tauri::command]
pub async fn customer_merge(
    app: AppHandle,
    req: CustomerMerge,
) -> Result<CustomerProfile, ErrorBody> {
    as_staff(app, move |shop, s| shop.merge_customers(s, &req)).await
}

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
pub async fn customer_export(app: AppHandle, req: ById) -> Result<CustomerExported, ErrorBody> {
    let json_path = export_path(&app, "shopdesk-customer", "json")?;
    let pdf_path = json_path.with_extension("pdf");
    as_staff(app, move |shop, s| {
        let data = shop.export_customer(s, &req.id)?;
        let text =
            serde_json::to_string_pretty(&data).map_err(|e| Error::Storage(e.to_string()))?;
        let profile = shop.customer_profile(s, &req.id)?;
        let me = shop.profile()?.ok_or(Error::NoShop)?;
        let made = ShopZone::named(&me.time_zone).date_time_text(SystemClock.now());
        let pdf = shopdesk_documents::customer_record_pdf(
            &profile,
            &me.name,
            &me.time_zone,
            &made,
            PaperSize::for_country(&me.country),
        );
        let json: SavedFile = write_file(json_path, text.as_bytes())?;
        let pdf: SavedFile = write_file(pdf_path, &pdf)?;
        Ok(CustomerExported {
            json: json.path,
            pdf: pdf.path,
        })
    })
    .await
}

#[tauri::command]
pub async fn customer_erase(app: AppHandle, req: ById) -> Result<CustomerProfile, ErrorBody> {
    as_staff(app, move |shop, s| shop.erase_customer(s, &req.id)).await
}
