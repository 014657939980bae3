//! Commands of the shop itself: which screen to show, first-run setup, the demo shop, sign-in,
//! staff and roles (core `shop/`).
//! Each is a few lines over core; no rule lives here.

use super::{as_staff, blocking, export_path, write_file, SavedFile};
use crate::state::AppState;
use serde::{Deserialize, Serialize};
use shopdesk_core::backup::BackupEntry;
use shopdesk_core::demo::{DemoPin, DemoRequest};
use shopdesk_core::shop::staff::{NewRole, NewStaff, Role, RoleUpdate, StaffMember, StaffUpdate};
use shopdesk_core::shop::trail::{TrailPage, TrailQuery};
use shopdesk_core::shop::{countries, time_zones, Country, NewShop, ShopProfile};
use shopdesk_core::{Clock, Currency, ErrorBody, SessionInfo, SystemClock};
use tauri::AppHandle;
use ts_rs::TS;

/// Which screen the app should be on, with what that screen needs.
#[derive(Debug, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AppStatus {
    /// The database could not be opened (or failed its check at start); nothing was changed.
    /// The screen explains, offers a retry, and the newest backup that verifies if one exists.
    DbFailed {
        error: ErrorBody,
        db_path: String,
        last_good: Option<BackupEntry>,
    },
    FirstRun {
        countries: Vec<Country>,
        /// IANA names for the time zone picker.
        time_zones: Vec<String>,
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

pub(crate) fn status(state: &AppState) -> Result<AppStatus, ErrorBody> {
    let db_path = state.db_path.display().to_string();
    let shop = match state.shop() {
        Ok(shop) => shop,
        Err(error) => {
            let key = shopdesk_keychain::database_key(&state.db_path);
            let last_good = shopdesk_core::backup::last_good(&state.db_path, key.as_ref());
            return Ok(AppStatus::DbFailed {
                error,
                db_path,
                last_good,
            });
        }
    };
    let Some(profile) = shop.profile()? else {
        return Ok(AppStatus::FirstRun {
            countries: countries(),
            time_zones: time_zones(),
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

/// The countries core knows by name, for forms that ask for one (addresses, setup).
#[tauri::command]
pub fn countries_list(req: ()) -> Vec<Country> {
    let () = req;
    countries()
}

/// Every IANA time zone, for the shop's settings.
#[tauri::command]
pub fn time_zones_list(req: ()) -> Vec<String> {
    let () = req;
    time_zones()
}

#[tauri::command]
pub async fn app_status(app: AppHandle, req: ()) -> Result<AppStatus, ErrorBody> {
    let () = req;
    blocking(app, status).await
}

/// This computer as a till of a shared shop: its name, what waits for the server, and whether
/// the server is away ('' and nothing waiting on a standalone shop).
#[tauri::command]
pub async fn till_state(app: AppHandle) -> Result<shopdesk_core::till::TillState, ErrorBody> {
    as_staff(app, |shop, _| shop.till_state()).await
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

/// Puts the newest good backup in place of a database that cannot be opened (the damaged file
/// is kept beside it), then opens the shop again.
#[tauri::command]
pub async fn restore_last_good(app: AppHandle, req: ()) -> Result<AppStatus, ErrorBody> {
    let () = req;
    blocking(app, |state| {
        let key = shopdesk_keychain::database_key(&state.db_path);
        let (used, kept) = shopdesk_core::backup::restore_damaged(
            &state.db_path,
            key.as_ref(),
            SystemClock.now(),
        )?;
        log::warn!(
            "restored {} over a damaged database (kept as {})",
            used.name,
            kept.display()
        );
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
        // The demo shop opens on its sign-in screen, which shows the demo PINs: its owner signs
        // in like anyone else, so the first thing a newcomer learns is how staff sign in.
        state.shop()?.load_demo(&req)?;
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
pub async fn staff_all(app: AppHandle, req: ()) -> Result<Vec<StaffMember>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, s| shop.staff_all(s)).await
}

/// Active staff, for the counter's "manager approves" PIN prompt.
#[tauri::command]
pub async fn staff_active(
    app: AppHandle,
    req: (),
) -> Result<Vec<shopdesk_core::shop::staff::StaffMember>, ErrorBody> {
    let () = req;
    as_staff(app, |shop, _| shop.staff_list()).await
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

#[tauri::command]
pub async fn audit_trail(app: AppHandle, req: TrailQuery) -> Result<TrailPage, ErrorBody> {
    as_staff(app, move |shop, s| shop.audit_trail(s, &req)).await
}

/// The trail as CSV in the exports folder (every entry that matches, not only the page shown).
#[tauri::command]
pub async fn audit_trail_export(app: AppHandle, req: TrailQuery) -> Result<SavedFile, ErrorBody> {
    let path = export_path(&app, "shopdesk-audit-trail", "csv")?;
    as_staff(app, move |shop, s| {
        let bytes = shop.audit_trail_csv(s, &req)?;
        write_file(path, &bytes)
    })
    .await
}
