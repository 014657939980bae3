//! Commands that bring other systems' files in and out: Shopify's product CSV (core `import/`).
//! Each is a few lines over core; no rule lives here.

use super::channel::ChannelName;
use super::{as_staff, export_to_file, SavedFile};
use serde::{Deserialize, Serialize};
use shopdesk_core::channel::Channel;
use shopdesk_core::import::shopify_csv::{ImportPreview, ImportResult};
use shopdesk_core::{Error, ErrorBody};
use tauri::{AppHandle, Emitter};
use ts_rs::TS;

/// A CSV file's text, read by the UI from the file the person picked (or from a store).
#[derive(Debug, Serialize, Deserialize, TS)]
pub struct CsvText {
    pub text: String,
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

/// How far an import has got: products written of the file's total.
#[derive(Debug, Clone, Copy, Serialize, TS)]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
}

#[tauri::command]
pub async fn catalog_import(app: AppHandle, req: CsvText) -> Result<ImportResult, ErrorBody> {
    let events = app.clone();
    as_staff(app, move |shop, s| {
        shop.import_catalog(s, &req.text, &mut |done, total| {
            let _ = events.emit(crate::ipc::IMPORT_PROGRESS, ImportProgress { done, total });
        })
    })
    .await
}

/// The connected stores whose products the import can read.
#[tauri::command]
pub async fn catalog_stores(app: AppHandle, req: ()) -> Result<Vec<Channel>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.catalog_stores(s)).await
}

/// A connected store's products, read by one bulk export, as the CSV the import previews.
#[tauri::command]
pub async fn store_catalog(app: AppHandle, req: ChannelName) -> Result<CsvText, ErrorBody> {
    let ch = as_staff(app, move |shop, s| shop.catalog_store(s, &req.name)).await?;
    let text = shopdesk_sync::store_catalog(&ch)
        .await
        .map_err(|e| Error::Conflict(format!("{}: {}", ch.name, e.message)).body())?;
    Ok(CsvText { text })
}

#[tauri::command]
pub async fn catalog_export(app: AppHandle, req: ()) -> Result<SavedFile, ErrorBody> {
    let () = req;
    export_to_file(app, "shopdesk-catalog", |shop, s, out| {
        shop.export_catalog(s, out).map(|_| ())
    })
    .await
}
