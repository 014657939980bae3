//! The IPC contract in one table: every command with its request and response type, and every
//! event the app emits with its payload. The same table registers the Tauri handlers and
//! generates ui/src/lib/ipc-types.ts — the command and event maps and every type reachable from
//! them — so a new command is its function plus one row here, and the UI's typed `call()` can
//! never name a command or a type the app does not have.

use std::any::TypeId;
use std::collections::{BTreeMap, HashSet};
use ts_rs::{TypeVisitor, TS};

macro_rules! ipc_table {
    (
        commands { $($name:ident($req:ty) -> $res:ty;)* }
        events { $($event:ident = $event_name:literal => $payload:ty;)* }
    ) => {
        $(
            #[doc = concat!("The `", $event_name, "` event's name; its payload is `", stringify!($payload), "`.")]
            pub const $event: &str = $event_name;
        )*
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
            out.push_str("}\n\nexport interface Events {\n");
            $(out.push_str(&format!("  \"{}\": {};\n", $event_name, <$payload as TS>::name(cfg)));)*
            out.push_str("}\n");
            out
        }

        /// Every declaration the table's types need, by walking their ts-rs dependencies.
        fn declarations(cfg: &ts_rs::Config) -> BTreeMap<String, String> {
            let mut walk = Declarations::new(cfg);
            // Errors cross as `{code, message}` whatever the command.
            walk.visit::<shopdesk_core::ErrorBody>();
            $(walk.visit::<$req>(); walk.visit::<$res>();)*
            $(walk.visit::<$payload>();)*
            walk.found
        }
    };
}

/// Collects the TypeScript declaration of every named type it is shown and of everything those
/// types mention, recursively (ts-rs lists a type's fields and generic arguments).
struct Declarations<'a> {
    cfg: &'a ts_rs::Config,
    seen: HashSet<TypeId>,
    found: BTreeMap<String, String>,
}

impl<'a> Declarations<'a> {
    fn new(cfg: &'a ts_rs::Config) -> Self {
        Declarations {
            cfg,
            seen: HashSet::new(),
            found: BTreeMap::new(),
        }
    }
}

impl TypeVisitor for Declarations<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        // Derived types have an output path; primitives and wrappers (Vec, Option) do not.
        if T::output_path().is_some() {
            let name = T::ident(self.cfg);
            let decl = T::decl(self.cfg);
            if let Some(other) = self.found.insert(name.clone(), decl.clone()) {
                assert_eq!(
                    other, decl,
                    "two different Rust types are both called {name} in TypeScript: rename one"
                );
            }
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

use crate::commands::*;
use shopdesk_core::{
    audit, backup, catalog, channel, customer, demo, import, order, packing, report, sale, shop,
    stock, till, Money,
};

ipc_table! {
    commands {
        app_status(()) -> AppStatus;
        countries_list(()) -> Vec<shop::Country>;
        time_zones_list(()) -> Vec<String>;
        retry_open(()) -> AppStatus;
        restore_last_good(()) -> AppStatus;
        create_shop(shop::NewShop) -> AppStatus;
        load_demo(demo::DemoRequest) -> AppStatus;
        sign_in(SignIn) -> AppStatus;
        sign_out(()) -> AppStatus;
        catalog_list(catalog::CatalogQuery) -> catalog::CatalogPage;
        catalog_lookup(Code) -> Option<catalog::VariantRow>;
        catalog_facets(()) -> catalog::CatalogFacets;
        barcode_in_store(()) -> String;
        catalog_import_preview(CsvText) -> import::shopify_csv::ImportPreview;
        catalog_import(CsvText) -> import::shopify_csv::ImportResult;
        catalog_stores(()) -> Vec<channel::Channel>;
        store_catalog(ChannelName) -> CsvText;
        catalog_export(()) -> SavedFile;
        product_get(ById) -> catalog::product::Product;
        product_create(catalog::product::ProductDraft) -> catalog::product::Product;
        product_update(catalog::product::ProductEdit) -> catalog::product::Product;
        product_history(ById) -> Vec<audit::AuditEvent>;
        staff_all(()) -> Vec<shop::staff::StaffMember>;
        staff_create(shop::staff::NewStaff) -> shop::staff::StaffMember;
        staff_update(shop::staff::StaffUpdate) -> shop::staff::StaffMember;
        roles_list(()) -> Vec<shop::staff::Role>;
        audit_trail(shop::trail::TrailQuery) -> shop::trail::TrailPage;
        audit_trail_export(shop::trail::TrailQuery) -> SavedFile;
        role_create(shop::staff::NewRole) -> shop::staff::Role;
        role_update(shop::staff::RoleUpdate) -> shop::staff::Role;
        locations_list(()) -> Vec<stock::Location>;
        location_create(NewLocation) -> stock::Location;
        locations_all(()) -> Vec<stock::LocationRow>;
        location_update(stock::LocationEdit) -> stock::LocationRow;
        locations_order(LocationOrder) -> Vec<stock::LocationRow>;
        stock_levels(ById) -> Vec<stock::StockLevel>;
        stock_moves(ById) -> Vec<stock::StockMove>;
        stock_adjust(stock::StockAdjustment) -> Vec<stock::StockLevel>;
        reorder_set(stock::ReorderRule) -> Vec<stock::StockLevel>;
        low_stock(()) -> Vec<stock::LowStockLine>;
        stock_report(AtLocation) -> stock::report::StockReport;
        stock_report_export(AtLocation) -> SavedFile;
        report_run(ReportRequest) -> report::Report;
        report_documents(ReportRowRequest) -> Vec<report::DocumentRow>;
        report_staff(()) -> Vec<shop::staff::StaffMember>;
        report_export(ReportExport) -> SavedFile;
        home(()) -> report::Home;
        backup_status(()) -> backup::BackupStatus;
        till_state(()) -> till::TillState;
        station_login(()) -> Option<till::sharing::StationLogin>;
        share_shop(ShareRequest) -> ShareDone;
        station_add(NewStation) -> till::sharing::StationPairing;
        join_shop(JoinRequest) -> AppStatus;
        till_set_aside(()) -> sale::set_aside::SetAside;
        till_set_aside_list(()) -> Vec<sale::set_aside::SetAside>;
        till_send_again(ById) -> ();
        station_jobs(()) -> Vec<till::JobStation>;
        server_backups(()) -> Vec<backup::server_restore::ServerBackup>;
        server_backup_now(()) -> ();
        server_restore(ServerRestore) -> backup::server_restore::ServerRestored;
        backups_list(()) -> Vec<backup::BackupEntry>;
        backup_now(()) -> backup::BackupEntry;
        backup_holds(BackupFile) -> backup::BackupHolds;
        backup_verify(BackupFile) -> backup::BackupEntry;
        backup_second_place(SecondPlace) -> ();
        backup_restore(BackupRestore) -> backup::Restored;
        encryption_start(()) -> NewRecoveryKey;
        encryption_sheet(RecoverySheetRequest) -> SavedFile;
        encryption_turn_on(EncryptionTurnOn) -> ();
        unlock_database(Unlock) -> AppStatus;
        transfers_list(()) -> Vec<stock::transfer::Transfer>;
        transfer_send(stock::transfer::TransferDraft) -> stock::transfer::Transfer;
        transfer_receive(ById) -> stock::transfer::Transfer;
        suppliers_list(()) -> Vec<stock::purchase::Supplier>;
        supplier_save(stock::purchase::SupplierDraft) -> stock::purchase::Supplier;
        supplier_item_set(stock::purchase::SupplierItemDraft) -> ();
        purchase_orders_list(()) -> Vec<stock::purchase::PurchaseOrder>;
        purchase_order_get(ById) -> stock::purchase::PurchaseOrder;
        purchase_order_create(stock::purchase::PurchaseDraft) -> stock::purchase::PurchaseOrder;
        purchase_order_update(PurchaseUpdate) -> stock::purchase::PurchaseOrder;
        purchase_order_send(ById) -> stock::purchase::PurchaseOrder;
        purchase_receive(stock::purchase::PurchaseReceipt) -> stock::purchase::PurchaseOrder;
        purchase_order_close(ById) -> stock::purchase::PurchaseOrder;
        restock(()) -> stock::purchase::RestockResult;
        stocktakes_list(()) -> Vec<stock::stocktake::Stocktake>;
        stocktake_start(ById) -> stock::stocktake::Stocktake;
        stocktake_get(ById) -> stock::stocktake::Stocktake;
        stocktake_scan(stock::stocktake::CountScan) -> stock::stocktake::Stocktake;
        stocktake_set(stock::stocktake::CountEntry) -> stock::stocktake::Stocktake;
        stocktake_apply(ById) -> stock::stocktake::Stocktake;
        stocktake_cancel(ById) -> stock::stocktake::Stocktake;
        sale_current(()) -> Option<sale::Sale>;
        sale_get(ById) -> sale::Sale;
        sale_edit(SaleEditRequest) -> sale::Sale;
        sale_by_receipt(Code) -> sale::Sale;
        sales_list(SalesQuery) -> Vec<sale::SaleSummary>;
        payment_preview(Payment) -> sale::PaymentPreview;
        sale_complete(Payment) -> sale::Sale;
        receipt_save(ReceiptRequest) -> SavedFile;
        receipt_print(ReceiptRequest) -> String;
        counter_printing(()) -> CounterPrinting;
        gift_card_balance(Code) -> Money;
        customers_search(Text) -> Vec<customer::Customer>;
        customer_create(customer::CustomerDraft) -> customer::Customer;
        shift_current(()) -> Option<sale::shift::Shift>;
        shift_open(Text) -> sale::shift::Shift;
        shift_cash(CashMoveRequest) -> sale::shift::Shift;
        shift_close(ShiftClose) -> sale::shift::ZReport;
        z_report_save(ById) -> SavedFile;
        counter_settings_get(()) -> sale::settings::CounterSettings;
        counter_settings_save(sale::settings::CounterSettings) -> sale::settings::CounterSettings;
        discount_code_save(sale::settings::DiscountCodeDraft) -> ();
        staff_active(()) -> Vec<shop::staff::StaffMember>;
        inbox(order::InboxQuery) -> Vec<order::InboxRow>;
        order_get(ById) -> order::Order;
        order_create(order::OrderDraft) -> order::Order;
        order_update(OrderUpdate) -> order::Order;
        order_hold(IdText) -> order::Order;
        order_release(IdText) -> order::Order;
        order_cancel(IdText) -> order::Order;
        order_note(IdText) -> order::Order;
        order_pay(OrderPayment) -> order::Order;
        order_ship(OrderShipment) -> order::Order;
        orders_bulk(Bulk) -> Vec<order::BulkResult>;
        invoice_issue(ById) -> order::invoice::Invoice;
        sale_invoice(SaleInvoice) -> order::invoice::Invoice;
        invoice_save(ById) -> SavedFile;
        invoice_print(ById) -> String;
        order_email(OrderEmail) -> order::outbox::Message;
        order_reply(Reply) -> order::outbox::Message;
        outbox_list(()) -> Vec<order::outbox::Message>;
        outbox_retry(ById) -> ();
        mail_send_now(()) -> shopdesk_mail::SendReport;
        return_authorise(ReturnRequest) -> order::Order;
        return_receive(ReturnReceive) -> order::Order;
        return_refund(IdText) -> order::Order;
        return_cancel(ById) -> order::Order;
        claim_open(ClaimOpen) -> order::Order;
        claim_evidence(IdText) -> order::Order;
        claim_resolve(ClaimResolve) -> order::Order;
        customer_profile(ById) -> customer::record::CustomerProfile;
        customer_note(IdText) -> customer::record::CustomerProfile;
        customer_export(ById) -> CustomerExported;
        customers_list(customer::list::CustomerQuery) -> customer::list::CustomerPage;
        customer_tags(()) -> Vec<String>;
        customer_save(customer::edit::CustomerEdit) -> customer::record::CustomerProfile;
        customer_merge(customer::edit::CustomerMerge) -> customer::record::CustomerProfile;
        customer_erase(ById) -> customer::record::CustomerProfile;
        tickets_list(customer::ticket::TicketQuery) -> customer::ticket::TicketPage;
        ticket_get(ById) -> customer::ticket::Ticket;
        ticket_log(customer::ticket::NewInquiry) -> customer::ticket::Ticket;
        ticket_change(TicketUpdate) -> customer::ticket::Ticket;
        ticket_note(IdText) -> customer::ticket::Ticket;
        ticket_reply(IdText) -> customer::ticket::Ticket;
        ticket_claim(TicketClaim) -> order::claim_file::ClaimFile;
        saved_replies(()) -> Vec<customer::reply::SavedReply>;
        saved_reply_save(customer::reply::SavedReply) -> customer::reply::SavedReply;
        saved_reply_delete(ById) -> ();
        saved_reply_fill(SavedReplyFill) -> String;
        claim_file(ById) -> order::claim_file::ClaimFile;
        claim_attach(ClaimAttach) -> order::claim_file::ClaimFile;
        attachment_save(ById) -> SavedFile;
        mailbox_settings_get(()) -> customer::mailbox::MailboxSettings;
        mailbox_settings_save(customer::mailbox::MailboxSettings) -> customer::mailbox::MailboxSettings;
        mailbox_status(()) -> customer::mailbox::MailboxStatus;
        imap_password_save(Text) -> ();
        mail_fetch_now(()) -> shopdesk_mail::inbox::FetchReport;
        order_settings_get(()) -> order::settings::OrderSettings;
        order_settings_save(order::settings::OrderSettings) -> order::settings::OrderSettings;
        smtp_password_save(Text) -> ();
        email_templates(()) -> Vec<order::outbox::EmailTemplate>;
        email_template_save(order::outbox::EmailTemplate) -> ();
        pack_bench(()) -> Bench;
        shipping_settings(()) -> ShippingSettings;
        carrier_save(order::carrier::Carrier) -> order::carrier::Carrier;
        ship_promise_save(packing::shipping::ShipPromise) -> ();
        station_save(packing::shipping::Station) -> packing::shipping::Station;
        pack_open(Code) -> packing::Packing;
        pack_scan(Code) -> packing::Scan;
        pack_close(()) -> ();
        pack_complete(PackComplete) -> packing::Packed;
        print_queue(()) -> Vec<packing::print_queue::PrintJob>;
        print_again(ById) -> packing::print_queue::PrintJob;
        print_job_save(ById) -> SavedFile;
        file_open(Text) -> ();
        pick_list_save(PickRequest) -> SavedFile;
        late_orders(()) -> Vec<packing::shipping::LateOrder>;
        variant_dropship_set(DropshipSupplier) -> ();
        shipment_delivery_set(ShipmentDelivery) -> ();
        dropship_forward(ById) -> Vec<order::supplier_order::SupplierOrder>;
        dropship_list(ById) -> Vec<order::supplier_order::SupplierOrder>;
        dropship_shipped(DropshipShipped) -> order::Order;
        channel_add(ChannelAdd) -> channel::Channel;
        channel_key_save(ChannelKey) -> channel::Channel;
        channels_health(()) -> Vec<channel::ChannelHealth>;
        channel_sync_now(ChannelName) -> ();
        quarantined_orders(()) -> Vec<channel::QuarantinedOrder>;
        unmatched_skus(()) -> Vec<channel::UnmatchedSku>;
        channel_link(SkuLink) -> ();
        ui_rendered(()) -> ();
    }
    events {
        SYNC_PROGRESS = "sync-progress" => shopdesk_sync::RunReport;
        SYNC_FINISHED = "sync-finished" => shopdesk_sync::RunReport;
        IMPORT_PROGRESS = "import-progress" => crate::commands::import::ImportProgress;
    }
}

/// The whole generated TypeScript module: every type that crosses IPC, then the command map and
/// the events the app emits.
pub fn typescript() -> String {
    // JSON numbers: ids are text and amounts stay far below 2^53, so i64 is a plain number.
    let cfg = ts_rs::Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated from Rust by `make types` (src-tauri/app/src/ipc.rs). Do not edit by hand:\n\
         // the test command fails when this file is stale.\n\n",
    );
    for decl in declarations(&cfg).values() {
        out.push_str("export ");
        out.push_str(decl);
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
