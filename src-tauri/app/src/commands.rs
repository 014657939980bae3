//! The Tauri commands: each parses its request, calls core off the main thread, and maps the
//! error to `{code, message}`. No business rule lives here.

use crate::state::AppState;
use serde::{Deserialize, Serialize};
use shopdesk_core::audit::AuditEvent;
use shopdesk_core::demo::{DemoPin, DemoRequest};
use shopdesk_core::product::{Product, ProductDraft, ProductEdit, ProductPage, ProductQuery};
use shopdesk_core::shop::{countries, Country, NewShop, ShopProfile};
use shopdesk_core::staff::{NewRole, NewStaff, Role, RoleUpdate, StaffMember, StaffUpdate};
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

/// Runs `work` on the blocking pool so SQLite and PIN hashing never stall the window.
async fn blocking<T: Send + 'static>(
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
async fn as_staff<T: Send + 'static>(
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
pub async fn products_list(app: AppHandle, req: ProductQuery) -> Result<ProductPage, ErrorBody> {
    as_staff(app, move |shop, s| shop.products(s, &req)).await
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
