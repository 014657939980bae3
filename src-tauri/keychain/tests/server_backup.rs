//! A shared shop's server backed up by the one station that runs the job: the back office
//! shares the demo shop (its login kept in the OS keychain), takes the hourly `pg_dump`, which
//! `pg_restore` reads back whole; a second station does not take it meanwhile, and the next is
//! due only an hour later.

use shopdesk_core::demo::DemoRequest;
use shopdesk_core::till::sharing::ServerLogin;
use shopdesk_core::{Clock, FixedClock, Shop, SystemClock};
use shopdesk_testkit::postgres::{Postgres, USER};
use std::process::Command;
use std::sync::Arc;

#[test]
fn the_station_holding_the_job_backs_up_the_server_hourly() {
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
    drop(shop);

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
