//! Stations on the shop's server: a shared shop opened by two stations, each with its own file,
//! reads and writes the one shop on the server (the parts ported to both engines so far: the
//! profile, signing in with its failed-PIN lockout, the permission check, the staff list);
//! numbers stay gapless with several writers; a server gone is said plainly and in seconds (the
//! station reading its own copy meanwhile), and a station carries on when it returns.

mod common;

use common::stations::Shared;
use postgres::{Client, NoTls};
use shopdesk_core::{ErrorCode, FixedClock, Shop};
use shopdesk_testkit::shop::OWNER_PIN;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A shop set up standalone, then shared into a private PostgreSQL; the folder of its files.
fn shared_shop() -> (tempfile::TempDir, Shared) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(1_790_000_000_000));
    let (shop, owner) =
        shopdesk_testkit::shop::open(dir.path(), "Corner Books", "ie", "EUR", clock);
    let shared = common::stations::share(&shop, &owner);
    (dir, shared)
}

fn station(dir: &tempfile::TempDir, shared: &Shared, name: &str) -> Shop {
    shared.station(
        dir.path(),
        name,
        Arc::new(FixedClock::at(1_790_000_100_000)),
    )
}

#[test]
fn two_stations_sign_in_against_the_one_shop_on_the_server() {
    let (dir, shared) = shared_shop();
    let till = station(&dir, &shared, "till");
    let bench = station(&dir, &shared, "bench");

    // Each station's own file is empty; the shop they see is the server's.
    assert_eq!(till.profile().unwrap().unwrap().name, "Corner Books");
    shared
        .pg
        .psql("shop", "UPDATE shop SET name = 'Corner Books & Games'")
        .unwrap();
    assert_eq!(
        bench.profile().unwrap().unwrap().name,
        "Corner Books & Games"
    );

    let nora = till
        .staff_list()
        .unwrap()
        .into_iter()
        .find(|s| s.name == "Nora")
        .unwrap();
    let (session, info) = till.sign_in(&nora.id, OWNER_PIN).unwrap();
    assert_eq!(info.role_name, "Owner");
    // The session holds on any station: permissions are the server's.
    bench
        .require(&session, shopdesk_core::Permission::SettingsManage)
        .unwrap();

    // Wrong PINs at the till lock Nora out at the bench too: the count is the server's.
    for _ in 0..5 {
        assert_eq!(
            till.sign_in(&nora.id, "0000").unwrap_err().code(),
            ErrorCode::WrongPin
        );
    }
    assert_eq!(
        bench.sign_in(&nora.id, OWNER_PIN).unwrap_err().code(),
        ErrorCode::LockedOut
    );
    let mut client = Client::connect(&shared.url, NoTls).unwrap();
    let trail: i64 = client
        .query_one(
            "SELECT count(*) FROM audit_event WHERE action IN ('signed_in', 'locked_out')",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(
        trail >= 2,
        "the sign-in and the lockout are on the server's trail"
    );
}

#[test]
fn a_server_gone_is_said_in_seconds_and_the_station_carries_on_when_it_returns() {
    let (dir, mut shared) = shared_shop();
    let till = station(&dir, &shared, "till");
    assert!(till.profile().unwrap().is_some());

    let nora = till.staff_list().unwrap()[0].id.clone();
    let (owner, _) = till.sign_in(&nora, OWNER_PIN).unwrap();
    shared.pg.kill();
    let started = Instant::now();
    // What needs the server says so within seconds; reads come from the station's own copy.
    let e = till.send_waiting().unwrap();
    assert!(e.stopped.is_none(), "nothing to send");
    let e = till.sign_in("nobody", "0000").map(|_| ()).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotFound, "read from the copy: {e}");
    let e = till.create_location(&owner, "Back room").unwrap_err();
    assert_eq!(e.code(), ErrorCode::ServerOffline, "{e}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(till.till_state().unwrap().offline.is_some());
    assert_eq!(till.profile().unwrap().unwrap().name, "Corner Books");

    shared.pg.restart().unwrap();
    shared
        .pg
        .psql("shop", "UPDATE shop SET name = 'Corner Books & Games'")
        .unwrap();
    till.send_waiting().unwrap();
    assert_eq!(till.till_state().unwrap().offline, None);
    assert_eq!(
        till.profile().unwrap().unwrap().name,
        "Corner Books & Games"
    );
}

#[test]
fn a_station_refuses_a_server_that_holds_no_shop_of_its_version() {
    let (_dir, shared) = shared_shop();
    shared
        .pg
        .psql(
            "shop",
            "INSERT INTO schema_migration (version) VALUES (9999)",
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let e = Shop::open_station(
        &dir.path().join("s.sqlite3"),
        &shared.url,
        "T9",
        Arc::new(FixedClock::at(0)),
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), ErrorCode::SchemaSkew);
}
