//! A shared shop's server backed up by the one station that runs the job: the back office
//! shares the demo shop (its login kept in the OS keychain), takes the hourly `pg_dump`, which
//! `pg_restore` reads back whole; a second station does not take it meanwhile, and the next is
//! due only an hour later. Restoring it puts the backup in the shop's place with every number
//! issued since carried on, and the till sends again the sale the restored server lacks.

use shopdesk_core::demo::DemoRequest;
use shopdesk_core::sale::{SaleEdit, TenderDraft, TenderKind};
use shopdesk_core::till::sharing::ServerLogin;
use shopdesk_core::{Clock, FixedClock, Session, Shop, SystemClock};
use shopdesk_testkit::postgres::{Postgres, USER};
use shopdesk_testkit::shop::dublin_order;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

/// The demo shop shared on a private server (database `harbour`) by its back office, whose file
/// is `shop.sqlite3` in the folder: the folder, the file, the shared clock, the owner, the
/// server and the back office.
struct Office {
    dir: tempfile::TempDir,
    db: PathBuf,
    clock: Arc<FixedClock>,
    owner: Session,
    pg: Postgres,
    office: Shop,
}

fn shared_office() -> Office {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.sqlite3");
    let clock = Arc::new(FixedClock::at(SystemClock.now().0));
    let shop = Shop::open(&db, clock.clone()).unwrap();
    let (owner, _, _) = shop
        .load_demo(&DemoRequest {
            country: "IE".into(),
        })
        .unwrap();
    assert!(!shop.server_backup_due().unwrap(), "standalone: no server");
    let pg = Postgres::start().expect("a private PostgreSQL");
    let admin = ServerLogin {
        host: "127.0.0.1".into(),
        port: pg.port,
        database: "harbour".into(),
        user: USER.into(),
        password: String::new(),
    };
    let (_, _, office) =
        shopdesk_keychain::share_shop(&db, &shop, &owner, &admin, "OFFICE", clock.clone()).unwrap();
    Office {
        dir,
        db,
        clock,
        owner,
        pg,
        office,
    }
}

#[test]
fn the_station_holding_the_job_backs_up_the_server_hourly() {
    let Office {
        dir,
        db,
        clock,
        owner,
        pg,
        office,
    } = shared_office();

    assert!(office.server_backup_due().unwrap());
    // Another station asks while the back office holds the job: not its turn.
    let code = office.add_station(&owner, "B1").unwrap().code;
    let (bench, _) = Shop::join_shop(
        &dir.path().join("bench.sqlite3"),
        ("127.0.0.1", pg.port, "harbour"),
        &code,
        clock.clone(),
    )
    .unwrap();
    assert!(!bench.server_backup_due().unwrap());

    let taken = shopdesk_keychain::back_up_server(&db, &office).unwrap();
    let listed = Command::new("pg_restore")
        .env("PATH", pg_bin_path())
        .arg("--list")
        .arg(&taken)
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    for table in ["sale", "customer_order", "stock_move", "variant"] {
        assert!(
            listed.contains(&format!("TABLE DATA public {table} ")),
            "{table} in the backup"
        );
    }
    assert!(!office.server_backup_due().unwrap(), "taken this hour");
    clock.advance_ms(60 * 60_000);
    assert!(office.server_backup_due().unwrap(), "an hour later");
}

/// Debian's PostgreSQL programs first on the PATH.
fn pg_bin_path() -> String {
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin"))
        .max()
        .unwrap();
    format!(
        "{}:{}",
        newest.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// The counter's every number series on the server: name and next.
fn counters(client: &mut postgres::Client) -> Vec<(String, i64)> {
    client
        .query("SELECT name, next FROM counter ORDER BY name", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

fn count(client: &mut postgres::Client, sql: &str, id: &str) -> i64 {
    client.query_one(sql, &[&id]).unwrap().get(0)
}

/// The SKU of an item the demo shop has units of.
fn stocked_sku(shop: &Shop, owner: &Session) -> String {
    shop.catalog(owner, &Default::default())
        .unwrap()
        .items
        .into_iter()
        .find(|v| !v.sku.is_empty() && v.available > 5)
        .expect("a stocked item")
        .sku
}

/// Rings up one unit of `sku` for cash at `till`; the sale's id.
fn sell(till: &Shop, who: &Session, sku: &str) -> String {
    let sale = till.new_sale(who).unwrap();
    till.edit_sale(who, &sale.id, &SaleEdit::Scan { code: sku.into() }, None)
        .unwrap();
    let cash = TenderDraft {
        kind: Some(TenderKind::Cash),
        amount: "1000.00".into(),
        ..TenderDraft::default()
    };
    till.complete_sale(who, &sale.id, &[cash]).unwrap();
    sale.id
}

#[test]
fn a_restored_server_carries_its_numbers_on_and_gets_the_tills_sales_again() {
    let Office {
        dir,
        db,
        clock,
        owner,
        pg,
        office,
    } = shared_office();
    let code = office.add_station(&owner, "T1").unwrap().code;
    let (till, _) = Shop::join_shop(
        &dir.path().join("t1.sqlite3"),
        ("127.0.0.1", pg.port, "harbour"),
        &code,
        clock.clone(),
    )
    .unwrap();
    let sku = stocked_sku(&office, &owner);
    till.open_shift(&owner, "50.00").unwrap();
    let before_backup = sell(&till, &owner, &sku);
    assert_eq!(till.send_waiting().unwrap().waiting, 0);
    let backup = shopdesk_keychain::back_up_server(&db, &office).unwrap();

    // After the backup: a till's sale reaches the server, the back office numbers an order.
    clock.advance_ms(10 * 60_000);
    let after_backup = sell(&till, &owner, &sku);
    assert_eq!(till.send_waiting().unwrap().waiting, 0);
    let order = office
        .create_order(&owner, &dublin_order(&[(&sku, 1)]))
        .unwrap();
    let url = |db: &str| format!("host=127.0.0.1 port={} user={USER} dbname={db}", pg.port);
    let mut server = postgres::Client::connect(&url("harbour"), postgres::NoTls).unwrap();
    let issued = counters(&mut server);
    drop(server);

    let listed = office.server_backup_list(&owner).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].path, backup.display().to_string());
    let wrong = shopdesk_keychain::restore_server(&office, &owner, "0000", (USER, ""), &backup);
    assert!(wrong.is_err(), "the PIN is asked again");
    let restored =
        shopdesk_keychain::restore_server(&office, &owner, "1111", (USER, ""), &backup).unwrap();
    let kept = restored
        .kept_as
        .clone()
        .expect("the replaced database kept");
    assert!(restored.series_carried.unwrap() >= 1, "{restored:?}");

    let mut server = postgres::Client::connect(&url("harbour"), postgres::NoTls).unwrap();
    let sale = "SELECT count(*) FROM sale WHERE id = $1";
    assert_eq!(count(&mut server, sale, &before_backup), 1);
    assert_eq!(
        count(&mut server, sale, &after_backup),
        0,
        "not in the backup"
    );
    let orders = "SELECT count(*) FROM customer_order WHERE id = $1";
    assert_eq!(
        count(&mut server, orders, &order.id),
        0,
        "not in the backup"
    );
    assert_eq!(
        counters(&mut server),
        issued,
        "every number issued since the backup stays issued"
    );
    let trail =
        "SELECT count(*) FROM audit_event WHERE action = 'server_restored' AND entity_id = $1";
    let name = backup.file_name().unwrap().to_str().unwrap();
    assert_eq!(count(&mut server, trail, name), 1);
    // The stations' rights are the shop's again: only the back office adds a station.
    let may = "SELECT has_function_privilege($1, 'shopdesk_add_station(text, text, timestamptz)', 'EXECUTE')::int::bigint";
    assert_eq!(count(&mut server, may, "harbour_st_office"), 1);
    assert_eq!(count(&mut server, may, "harbour_st_t1"), 0);
    assert_eq!(count(&mut server, may, "public"), 0);
    let closed = "SELECT count(*) FROM pg_database WHERE datname = $1 AND NOT datallowconn";
    assert_eq!(count(&mut server, closed, &kept), 1, "kept, closed");

    // The till's round (as the app runs it): its refresh finds its connection ended and makes
    // a new one; its send on that finds the later sale missing and sends it again, once.
    till.refresh_till().unwrap();
    let sent = till.send_waiting().unwrap();
    assert_eq!(
        (sent.resent, sent.applied, sent.waiting),
        (1, 1, 0),
        "{sent:?}"
    );
    assert_eq!(count(&mut server, sale, &after_backup), 1);
    let again = till.send_waiting().unwrap();
    assert_eq!((again.resent, again.applied), (0, 0));
    assert_eq!(count(&mut server, sale, &after_backup), 1);
    // The back office works on the restored shop: the next order takes a number never issued.
    let next = office
        .create_order(&owner, &dublin_order(&[(&sku, 1)]))
        .unwrap();
    assert!(
        next.number > order.number,
        "{} after {}",
        next.number,
        order.number
    );
}

#[test]
fn a_restore_that_fails_leaves_the_shops_server_as_it_was() {
    let Office {
        dir,
        owner,
        pg,
        office,
        db,
        ..
    } = shared_office();
    let taken = shopdesk_keychain::back_up_server(&db, &office).unwrap();
    let mut server = postgres::Client::connect(
        &format!(
            "host=127.0.0.1 port={} user={USER} dbname=postgres",
            pg.port
        ),
        postgres::NoTls,
    )
    .unwrap();
    let databases = |server: &mut postgres::Client| -> Vec<(String, bool)> {
        server
            .query(
                "SELECT datname::text, datallowconn FROM pg_database
                 WHERE datname LIKE 'harbour%' ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    };
    let before = databases(&mut server);
    assert_eq!(before, vec![("harbour".to_string(), true)]);

    // A backup cut short (a copy that stopped half-way): pg_restore refuses it.
    let bytes = std::fs::read(&taken).unwrap();
    let cut = dir.path().join("server-1790000000000.dump");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let err = shopdesk_keychain::restore_server(&office, &owner, "1111", (USER, ""), &cut)
        .unwrap_err()
        .to_string();
    assert!(err.contains("pg_restore"), "{err}");
    assert_eq!(
        databases(&mut server),
        before,
        "nothing made, nothing closed"
    );
    // A login the server refuses: nothing is made.
    let err = shopdesk_keychain::restore_server(
        &office,
        &owner,
        "1111",
        ("harbour_st_office", "not its password"),
        &taken,
    )
    .unwrap_err();
    assert_eq!(databases(&mut server), before, "{err}");
    // A file not named as the backup job names them.
    let other = dir.path().join("shop.dump");
    std::fs::copy(&taken, &other).unwrap();
    let err = shopdesk_keychain::restore_server(&office, &owner, "1111", (USER, ""), &other)
        .unwrap_err()
        .to_string();
    assert!(err.contains("server-<time>.dump"), "{err}");
    // The shop works on as it was, on its server.
    let sku = stocked_sku(&office, &owner);
    office
        .create_order(&owner, &dublin_order(&[(&sku, 1)]))
        .unwrap();
    assert_eq!(databases(&mut server), before);
}
