//! Commands of a shop shared by several stations (core `till/sharing.rs`, the login kept by
//! `shopdesk-keychain`): sharing this shop, adding a station, joining one, what this computer
//! is, and restoring the shop's server from a backup. Each is a few lines over core; no rule
//! lives here.

use super::{as_staff, blocking, ById};
use crate::commands::shop::{status, AppStatus};
use serde::{Deserialize, Serialize};
use shopdesk_core::backup::server_restore::{ServerBackup, ServerRestored};
use shopdesk_core::sale::set_aside::SetAside;
use shopdesk_core::till::sharing::{ServerLogin, StationLogin, StationPairing};
use shopdesk_core::{ErrorBody, SystemClock};
use std::sync::Arc;
use tauri::{AppHandle, Manager};
use ts_rs::TS;

#[derive(Debug, Deserialize, TS)]
pub struct ShareRequest {
    pub admin: ServerLogin,
    /// This computer's name as a station (OFFICE).
    pub till: String,
}

/// What sharing copied, verified, for the window to say.
#[derive(Debug, Serialize, TS)]
pub struct ShareDone {
    #[ts(type = "number")]
    pub tables: usize,
    #[ts(type = "number")]
    pub rows: i64,
    pub login: StationLogin,
}

#[derive(Debug, Deserialize, TS)]
pub struct JoinRequest {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub code: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct ServerRestore {
    /// One of `server_backups`' files.
    pub path: String,
    /// The restoring person's own PIN, asked again.
    pub pin: String,
    /// The server's admin login, used for this restore and not kept.
    pub user: String,
    pub password: String,
}

#[derive(Debug, Deserialize, TS)]
pub struct NewStation {
    pub till: String,
}

/// How this computer reaches its shared shop; None for a standalone shop.
#[tauri::command]
pub async fn station_login(app: AppHandle, req: ()) -> Result<Option<StationLogin>, ErrorBody> {
    let () = req;
    blocking(app, |state| {
        Ok(shopdesk_keychain::station_login(&state.db_path)?)
    })
    .await
}

/// Shares this standalone shop on the PostgreSQL server the admin login reaches; this computer
/// then works as its station (signed in as before).
#[tauri::command]
pub async fn share_shop(app: AppHandle, req: ShareRequest) -> Result<ShareDone, ErrorBody> {
    blocking(app, move |state| {
        let (shop, session) = state.signed_in()?;
        let (shared, login, station) = shopdesk_keychain::share_shop(
            &state.db_path,
            &shop,
            &session,
            &req.admin,
            &req.till,
            Arc::new(SystemClock),
        )?;
        state.switch_to(station);
        Ok(ShareDone {
            tables: shared.tables.len(),
            rows: shared.rows(),
            login,
        })
    })
    .await
}

/// A one-time code for another computer to join as the station `till`.
#[tauri::command]
pub async fn station_add(app: AppHandle, req: NewStation) -> Result<StationPairing, ErrorBody> {
    as_staff(app, move |shop, session| {
        shop.add_station(session, &req.till)
    })
    .await
}

/// Joins a shared shop with the back office's pairing code; this computer is its station from
/// now on (the first screen then asks who is signing in).
#[tauri::command]
pub async fn join_shop(app: AppHandle, req: JoinRequest) -> Result<AppStatus, ErrorBody> {
    blocking(app, move |state| {
        let shop = shopdesk_keychain::join_shop(
            &state.db_path,
            (&req.host, req.port, &req.database),
            &req.code,
            Arc::new(SystemClock),
        )?;
        state.switch_to(shop);
        status(state)
    })
    .await
}

/// Sets aside the sale the shop's server refused, so this till's later sales go on.
#[tauri::command]
pub async fn till_set_aside(app: AppHandle, req: ()) -> Result<SetAside, ErrorBody> {
    let () = req;
    as_staff(app, |shop, session| shop.set_aside_refused(session)).await
}

/// Puts a set-aside sale back in this till's queue (its cause put right at the back office).
#[tauri::command]
pub async fn till_send_again(app: AppHandle, req: ById) -> Result<(), ErrorBody> {
    as_staff(app, move |shop, session| shop.send_again(session, &req.id)).await
}

/// Which station runs each of the shop's jobs now (none listed when standalone).
#[tauri::command]
pub async fn station_jobs(
    app: AppHandle,
    req: (),
) -> Result<Vec<shopdesk_core::till::JobStation>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, _| shop.job_stations()).await
}

/// What this till set aside, newest first.
#[tauri::command]
pub async fn till_set_aside_list(app: AppHandle, req: ()) -> Result<Vec<SetAside>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, session| shop.set_aside(session)).await
}

/// The shop server's backups this station holds, newest first.
#[tauri::command]
pub async fn server_backups(app: AppHandle, req: ()) -> Result<Vec<ServerBackup>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, session| shop.server_backup_list(session)).await
}

/// Backs up the shop's server now, from this station.
#[tauri::command]
pub async fn server_backup_now(app: AppHandle, req: ()) -> Result<(), ErrorBody> {
    let () = req;
    blocking(app, |state| {
        let (shop, session) = state.signed_in()?;
        shopdesk_keychain::back_up_server_now(&state.db_path, &shop, &session)?;
        Ok(())
    })
    .await
}

/// Restores the shop's server from one of its backups; sign-ins end (the restored staff list
/// may differ), and the marketplaces are pulled again from the backup's watermark.
#[tauri::command]
pub async fn server_restore(
    app: AppHandle,
    req: ServerRestore,
) -> Result<ServerRestored, ErrorBody> {
    let sync = app.clone();
    let done = blocking(app, move |state| {
        let (shop, session) = state.signed_in()?;
        let done = shopdesk_keychain::restore_server(
            &shop,
            &session,
            &req.pin,
            (&req.user, &req.password),
            std::path::Path::new(&req.path),
        )?;
        state.set_session(None);
        Ok(done)
    })
    .await?;
    sync.state::<shopdesk_sync::Scheduler>().sync_now(None);
    Ok(done)
}
