//! The fault proxy does to real PostgreSQL traffic what it says: a COMMIT it loses the reply of
//! is committed all the same, a severed proxy refuses until passed again, a held connection
//! goes through once the cable is back.

use shopdesk_testkit::postgres::Postgres;
use shopdesk_testkit::proxy::{Fault, FaultProxy};
use std::time::{Duration, Instant};

fn server() -> (Postgres, FaultProxy) {
    let pg = Postgres::start().expect("a private PostgreSQL");
    pg.psql("postgres", "CREATE DATABASE shop").unwrap();
    pg.psql("shop", "CREATE TABLE sale (id text PRIMARY KEY)")
        .unwrap();
    let proxy = FaultProxy::start(([127, 0, 0, 1], pg.port).into()).unwrap();
    (pg, proxy)
}

const SALE: &str = "BEGIN;\nINSERT INTO sale VALUES ('s1');\nCOMMIT;\n";

#[test]
fn a_commit_whose_reply_is_lost_is_committed_and_the_client_cannot_know() {
    let (pg, proxy) = server();
    proxy.lose_next_commit_reply();
    let lost = pg.psql_script(proxy.port, "shop", SALE).unwrap_err();
    assert!(lost.contains("connection"), "{lost}");
    assert!(!proxy.commit_reply_armed(), "the fault is used once");
    assert_eq!(pg.psql("shop", "SELECT count(*) FROM sale").unwrap(), "1");
    // The next COMMIT goes through whole: its retry is refused as the duplicate it is.
    let again = pg.psql_script(proxy.port, "shop", SALE).unwrap_err();
    assert!(again.contains("duplicate key"), "{again}");
}

#[test]
fn a_severed_proxy_refuses_until_it_passes_again() {
    let (pg, proxy) = server();
    proxy.set(Fault::Sever);
    assert!(pg.psql_script(proxy.port, "shop", "SELECT 1;").is_err());
    proxy.set(Fault::Pass);
    assert_eq!(
        pg.psql_script(proxy.port, "shop", "SELECT 1;").unwrap(),
        "1"
    );
}

#[test]
fn a_held_connection_goes_through_when_the_cable_is_back() {
    let (pg, proxy) = server();
    proxy.set(Fault::Blackhole);
    let started = Instant::now();
    let answer = std::thread::scope(|s| {
        let query = s.spawn(|| pg.psql_script(proxy.port, "shop", "SELECT 41 + 1;"));
        std::thread::sleep(Duration::from_millis(400));
        assert!(!query.is_finished(), "nothing passes a pulled cable");
        proxy.set(Fault::Pass);
        query.join().unwrap()
    });
    assert_eq!(answer.unwrap(), "42");
    assert!(started.elapsed() >= Duration::from_millis(400));
}
