//! Commands of the encrypted database: a new key and its recovery sheet (printed or saved),
//! turning encryption on (the shop closed, encrypted in place, opened again with the key from
//! the keychain), and opening an encrypted shop with the recovery key on a computer whose
//! keychain has no key for it. Each is a few lines over core and the keychain; no rule lives
//! here.

use super::shop::{status, AppStatus};
use super::{blocking, export_path, write_file, SavedFile};
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use shopdesk_core::{DbKey, Error, ErrorBody, SystemClock};
use shopdesk_documents::{print_pdf, recovery_sheet_pdf};
use std::sync::Arc;
use tauri::AppHandle;
use ts_rs::TS;

#[derive(Debug, Serialize, TS)]
pub struct NewRecoveryKey {
    /// 56 letters and digits in groups of four, to print and keep away from the computer.
    pub recovery_key: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct RecoverySheetRequest {
    /// True: to this computer's default printer; false: saved as a PDF.
    pub print: bool,
}

#[derive(Debug, Deserialize, TS)]
pub struct EncryptionTurnOn {
    /// The recovery key typed back from the sheet.
    pub recovery_key: String,
    /// The person's own PIN, asked again.
    pub pin: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct Unlock {
    pub recovery_key: String,
}

/// The key made by `encryption_start`, still waiting to be used.
fn new_key(state: &AppState) -> Result<DbKey, ErrorBody> {
    state
        .new_key
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .ok_or_else(|| Error::invalid("start again: make a new recovery key first").body())
}

/// Makes the key encryption will use and shows its recovery key; nothing is encrypted yet.
#[tauri::command]
pub async fn encryption_start(app: AppHandle, req: ()) -> Result<NewRecoveryKey, ErrorBody> {
    let () = req;
    blocking(app, |state| {
        let (shop, session) = state.signed_in()?;
        let key = shop.new_database_key(&session)?;
        let recovery_key = key.recovery_key();
        *state.new_key.lock().unwrap_or_else(|p| p.into_inner()) = Some(key);
        Ok(NewRecoveryKey { recovery_key })
    })
    .await
}

/// The recovery sheet of the key just made: printed, or saved as a PDF (the window says where).
#[tauri::command]
pub async fn encryption_sheet(
    app: AppHandle,
    req: RecoverySheetRequest,
) -> Result<SavedFile, ErrorBody> {
    let path = export_path(&app, "shopdesk-recovery-key", "pdf")?;
    blocking(app, move |state| {
        let (shop, session) = state.signed_in()?;
        let key = new_key(state)?;
        let pdf = recovery_sheet_pdf(&shop.recovery_sheet(&session, &key)?);
        if req.print {
            let job = print_pdf(&pdf, None).map_err(|e| Error::PrintFailed(e.to_string()))?;
            return Ok(SavedFile { path: job });
        }
        Ok(write_file(path, &pdf)?)
    })
    .await
}

/// Turns encryption on with the key just made, once its recovery key is typed back and the
/// PIN given: the key goes into the keychain first, then the shop is closed, encrypted in place
/// and opened again with the key read back from the keychain.
#[tauri::command]
pub async fn encryption_turn_on(app: AppHandle, req: EncryptionTurnOn) -> Result<(), ErrorBody> {
    blocking(app, move |state| {
        let (shop, session) = state.signed_in()?;
        let key = new_key(state)?;
        shop.may_encrypt(&session, &req.pin, &key, &req.recovery_key)?;
        shopdesk_keychain::save_database_key(&state.db_path, &key)?;
        drop(shop);
        state.with_shop_closed(|| {
            shopdesk_core::encrypt_database(&state.db_path, Arc::new(SystemClock), &key, &session)
                .map(drop)
                .map_err(ErrorBody::from)
        })?;
        *state.new_key.lock().unwrap_or_else(|p| p.into_inner()) = None;
        log::info!(
            "the database at {} is now encrypted",
            state.db_path.display()
        );
        Ok(())
    })
    .await
}

/// Opens an encrypted shop with the owner's recovery key; the keychain keeps the key after.
#[tauri::command]
pub async fn unlock_database(app: AppHandle, req: Unlock) -> Result<AppStatus, ErrorBody> {
    blocking(app, move |state| {
        state.unlock(&req.recovery_key)?;
        status(state)
    })
    .await
}
