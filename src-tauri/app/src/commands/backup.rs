//! Commands of backups (core `backup/`): status, list, take now, what one holds, verify, the
//! second place, and restore — after which everyone signs in again and the marketplaces are
//! pulled and pushed at once. Each is a few lines over core; no rule lives here.

use super::{as_staff, blocking};
use serde::Deserialize;
use shopdesk_core::backup::{BackupEntry, BackupHolds, BackupReason, BackupStatus, Restored};
use shopdesk_core::ErrorBody;
use shopdesk_sync::Scheduler;
use tauri::{AppHandle, Manager};
use ts_rs::TS;

#[derive(Debug, Deserialize, TS)]
pub struct BackupFile {
    pub path: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct BackupRestore {
    pub path: String,
    /// The restoring person's own PIN, asked again.
    pub pin: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct SecondPlace {
    /// A full path, or null to stop copying.
    pub dir: Option<String>,
}

#[tauri::command]
pub async fn backup_status(app: AppHandle) -> Result<BackupStatus, ErrorBody> {
    as_staff(app, |shop, s| shop.backup_status(s)).await
}

#[tauri::command]
pub async fn backups_list(app: AppHandle) -> Result<Vec<BackupEntry>, ErrorBody> {
    as_staff(app, |shop, s| shop.backups(s)).await
}

#[tauri::command]
pub async fn backup_now(app: AppHandle) -> Result<BackupEntry, ErrorBody> {
    as_staff(app, |shop, s| shop.back_up_now(s)).await
}

#[tauri::command]
pub async fn backup_holds(app: AppHandle, req: BackupFile) -> Result<BackupHolds, ErrorBody> {
    as_staff(app, move |shop, s| shop.backup_holds(s, &req.path)).await
}

#[tauri::command]
pub async fn backup_verify(app: AppHandle, req: BackupFile) -> Result<BackupEntry, ErrorBody> {
    as_staff(app, move |shop, s| shop.verify_backup(s, &req.path)).await
}

#[tauri::command]
pub async fn backup_second_place(app: AppHandle, req: SecondPlace) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, s| {
        shop.set_backup_second_dir(s, req.dir.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn backup_restore(app: AppHandle, req: BackupRestore) -> Result<Restored, ErrorBody> {
    let sync = app.clone();
    let done = blocking(app, move |state| {
        let (shop, session) = state.signed_in()?;
        let done = shop.restore_backup(&session, &req.path, &req.pin)?;
        state.set_session(None);
        Ok(done)
    })
    .await?;
    sync.state::<Scheduler>().sync_now(None);
    Ok(done)
}

/// A backup for the app's own schedule (hourly, at a Z close), off the window's threads; a
/// failure is kept by core for the status line and logged here.
pub fn back_up_in_background(app: &AppHandle, reason: BackupReason) {
    let app = app.clone();
    std::thread::spawn(move || {
        if let Ok(shop) = app.state::<crate::state::AppState>().shop() {
            if let Err(e) = shop.back_up(reason) {
                log::warn!("backup ({}) failed: {e}", reason.code());
            }
        }
    });
}
