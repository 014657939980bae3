//! Sharing with logins and pairing stations, against a private PostgreSQL that asks every role
//! but its superuser for a SCRAM password: the back office shares the shop with an admin login
//! used once, adds a station, another computer joins with the one-time code; the code does not
//! work twice nor after an hour; a station's login may not rewrite the append-only records nor
//! add stations; a wrong database name or code is refused with nothing made.

use postgres::{Client, NoTls};
use shopdesk_core::demo::DemoRequest;
use shopdesk_core::till::sharing::ServerLogin;
use shopdesk_core::{Clock, ErrorCode, FixedClock, Shop, SystemClock};
use shopdesk_testkit::postgres::{Postgres, USER};
use std::sync::Arc;

/// Why joining failed (a shop has no Debug to unwrap_err with).
fn refused(
    joined: shopdesk_core::Result<(Shop, shopdesk_core::till::sharing::StationLogin)>,
) -> shopdesk_core::Error {
    match joined {
        Ok(_) => panic!("the station joined"),
        Err(e) => e,
    }
}

fn admin(pg: &Postgres, database: &str) -> ServerLogin {
    ServerLogin {
        host: "127.0.0.1".into(),
        port: pg.port,
        database: database.into(),
        user: USER.into(),
        password: "not asked of the superuser here".into(),
    }
}

#[test]
fn the_back_office_shares_adds_a_station_and_it_joins_once() {
    let dir = tempfile::tempdir().unwrap();
    // The server checks a code's hour on its own clock: the shop's is today's here.
    let clock = Arc::new(FixedClock::at(SystemClock.now().0));
    let shop = Shop::open(&dir.path().join("shop.sqlite3"), clock.clone()).unwrap();
    let (owner, _, _) = shop
        .load_demo(&DemoRequest {
            country: "IE".into(),
        })
        .unwrap();
    let pg = Postgres::start().expect("a private PostgreSQL");

    let err = shop
        .share_shop(&owner, &admin(&pg, "Harbour Books!"), "OFFICE")
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Invalid, "{err}");
    let (shared, login) = shop
        .share_shop(&owner, &admin(&pg, "harbour"), "office")
        .unwrap();
    assert!(shared
        .tables
        .iter()
        .any(|t| t.table == "variant" && t.rows > 0));
    assert_eq!(
        (login.till.as_str(), login.database.as_str()),
        ("OFFICE", "harbour")
    );
    let err = shop
        .share_shop(&owner, &admin(&pg, "harbour"), "OFFICE")
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");

    let office = Shop::open_station(
        &dir.path().join("office.sqlite3"),
        &login.url(),
        &login.till,
        clock.clone(),
    )
    .unwrap();
    let pairing = office.add_station(&owner, "t2").unwrap();
    assert!(pairing.code.starts_with("T2-"), "{}", pairing.code);
    assert_eq!(pairing.code.len(), "T2-".len() + 19);
    assert_eq!(
        (pairing.port, pairing.database.as_str()),
        (pg.port, "harbour")
    );
    let err = office.add_station(&owner, "office").unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");

    // Typed in lower case with spaces, as people do.
    let typed = pairing
        .code
        .to_lowercase()
        .replace('-', " ")
        .replacen(' ', "-", 1);
    let server = ("127.0.0.1", pg.port, "harbour");
    let (t2, t2_login) = Shop::join_shop(
        &dir.path().join("t2.sqlite3"),
        server,
        &typed,
        clock.clone(),
    )
    .unwrap();
    assert_eq!(t2_login.till, "T2");
    assert_ne!(t2_login.password, "", "a password of its own");
    let variant = t2.catalog(&owner, &Default::default()).unwrap().items[0].clone();
    assert_eq!(t2.till_state().unwrap().till, "T2");

    // The code worked once: the station's password replaced it.
    let err = refused(Shop::join_shop(
        &dir.path().join("t2b.sqlite3"),
        server,
        &pairing.code,
        clock.clone(),
    ));
    assert_eq!(err.code(), ErrorCode::Invalid, "{err}");
    assert!(err.to_string().contains("pairing code"), "{err}");

    // A station's own login writes the shop but never rewrites its records or its schema.
    let mut own = Client::connect(&t2_login.url(), NoTls).unwrap();
    own.execute(
        "UPDATE variant SET price_minor = price_minor WHERE id = $1",
        &[&variant.variant_id],
    )
    .unwrap();
    for refused in [
        "UPDATE stock_move SET reason = reason",
        "DELETE FROM journal",
        "DELETE FROM invoice",
        "TRUNCATE customer_order",
        "INSERT INTO schema_migration (version) VALUES (999)",
        "CREATE TABLE mine (id int)",
        "SELECT shopdesk_add_station('harbour_st_t9', 'x', now())",
    ] {
        let e = own.batch_execute(refused).unwrap_err();
        assert_eq!(
            e.code(),
            Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
            "{refused}: {e}"
        );
    }
    // Only the back office adds stations.
    let err = t2.add_station(&owner, "T3").unwrap_err();
    assert_eq!(err.code(), ErrorCode::Forbidden, "{err}");
    assert!(err.to_string().contains("only the back office"), "{err}");

    // A code is good for an hour (by the server's clock): one made two hours ago is not.
    clock.advance_ms(-2 * 60 * 60 * 1000);
    let stale = office.add_station(&owner, "T3").unwrap();
    let err = refused(Shop::join_shop(
        &dir.path().join("t3.sqlite3"),
        server,
        &stale.code,
        clock.clone(),
    ));
    assert_eq!(err.code(), ErrorCode::Invalid, "{err}");
    let err = refused(Shop::join_shop(
        &dir.path().join("t3.sqlite3"),
        server,
        "T3-ABCD",
        clock.clone(),
    ));
    assert_eq!(err.code(), ErrorCode::Invalid, "{err}");

    // Both stations' work is on the shop's audit trail under their names.
    t2.note_export(&owner, "catalog", 3).unwrap();
    let mut admin_client = Client::connect(&pg.url("harbour"), NoTls).unwrap();
    let exported: i64 = admin_client
        .query_one(
            "SELECT count(*) FROM audit_event WHERE action = 'exported' AND station = 'T2'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(exported, 1);
    let added: i64 = admin_client
        .query_one(
            "SELECT count(*) FROM audit_event WHERE action = 'station_added' AND station = 'OFFICE'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(added, 2);
}
