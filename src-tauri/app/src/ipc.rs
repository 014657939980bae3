//! The IPC contract in one table: every command with its request and response type. The same
//! table registers the Tauri handlers and generates ui/src/lib/ipc-types.ts, so the UI's typed
//! `call()` can never name a command or a type the app does not have.

use ts_rs::TS;

macro_rules! ipc_table {
    ($($name:ident($req:ty) -> $res:ty;)*) => {
        /// The invoke handler for every command in the table.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(crate::commands::$name),*]
        }

        fn command_map(cfg: &ts_rs::Config) -> String {
            let mut out = String::from("export interface Commands {\n");
            $(out.push_str(&format!(
                "  {}: {{ req: {}; res: {} }};\n",
                stringify!($name),
                <$req as TS>::name(cfg),
                <$res as TS>::name(cfg)
            ));)*
            out.push_str("}\n");
            out
        }
    };
}

use crate::commands::{AppStatus, ById, SignIn};
use shopdesk_core::audit::AuditEvent;
use shopdesk_core::demo::{DemoPin, DemoRequest};
use shopdesk_core::product::{
    Product, ProductDraft, ProductEdit, ProductPage, ProductQuery, ProductStatus,
};
use shopdesk_core::shop::{Country, NewShop, ShopProfile};
use shopdesk_core::staff::{NewRole, NewStaff, Role, RoleUpdate, StaffMember, StaffUpdate};
use shopdesk_core::{ErrorBody, Money, Permission, SessionInfo, Timestamp};

ipc_table! {
    app_status(()) -> AppStatus;
    retry_open(()) -> AppStatus;
    create_shop(NewShop) -> AppStatus;
    load_demo(DemoRequest) -> AppStatus;
    sign_in(SignIn) -> AppStatus;
    sign_out(()) -> AppStatus;
    products_list(ProductQuery) -> ProductPage;
    product_get(ById) -> Product;
    product_create(ProductDraft) -> Product;
    product_update(ProductEdit) -> Product;
    product_history(ById) -> Vec<AuditEvent>;
    staff_all(()) -> Vec<StaffMember>;
    staff_create(NewStaff) -> StaffMember;
    staff_update(StaffUpdate) -> StaffMember;
    roles_list(()) -> Vec<Role>;
    role_create(NewRole) -> Role;
    role_update(RoleUpdate) -> Role;
    ui_rendered(()) -> ();
}

/// The whole generated TypeScript module: every type that crosses IPC, then the command map.
pub fn typescript() -> String {
    // JSON numbers: ids are text and amounts stay far below 2^53, so i64 is a plain number.
    let cfg = ts_rs::Config::new().with_large_int("number");
    let decls = [
        AppStatus::decl(&cfg),
        AuditEvent::decl(&cfg),
        ById::decl(&cfg),
        Country::decl(&cfg),
        DemoPin::decl(&cfg),
        DemoRequest::decl(&cfg),
        ErrorBody::decl(&cfg),
        Money::decl(&cfg),
        NewShop::decl(&cfg),
        Permission::decl(&cfg),
        Product::decl(&cfg),
        ProductDraft::decl(&cfg),
        ProductEdit::decl(&cfg),
        ProductPage::decl(&cfg),
        ProductQuery::decl(&cfg),
        ProductStatus::decl(&cfg),
        SessionInfo::decl(&cfg),
        ShopProfile::decl(&cfg),
        NewRole::decl(&cfg),
        NewStaff::decl(&cfg),
        Role::decl(&cfg),
        RoleUpdate::decl(&cfg),
        StaffUpdate::decl(&cfg),
        SignIn::decl(&cfg),
        StaffMember::decl(&cfg),
        Timestamp::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from Rust by `make types` (src-tauri/app/src/ipc.rs). Do not edit by hand:\n\
         // the test command fails when this file is stale.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    out.push_str(&command_map(&cfg));
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Fails when ui/src/lib/ipc-types.ts differs from what the Rust types generate; run with
    /// SHOPDESK_WRITE_TYPES=1 (`make types`) to regenerate it.
    #[test]
    fn generated_ui_types_are_fresh() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/ipc-types.ts");
        let fresh = super::typescript();
        if std::env::var_os("SHOPDESK_WRITE_TYPES").is_some() {
            std::fs::write(&path, &fresh).expect("write ipc-types.ts");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "{} is stale: run `make types` and commit it",
            path.display()
        );
    }
}
