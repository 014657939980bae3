//! Sharing a standalone shop with other stations: the demo shop with orders, customers and
//! counter sales copied into a private PostgreSQL, verified table by table, and working there
//! (search, ledgers, identities); a copy that fails leaves the server empty; a clerk cannot.

use postgres::{Client, NoTls};
use shopdesk_core::demo::DemoRequest;
use shopdesk_core::{server, ErrorCode, FixedClock, Session, Shop};
use shopdesk_testkit::postgres::Postgres;
use std::sync::Arc;

fn server() -> (Postgres, Client) {
    let pg = Postgres::start().expect("a private PostgreSQL");
    pg.psql("postgres", "CREATE DATABASE shop").unwrap();
    let client = Client::connect(&pg.url("shop"), NoTls).unwrap();
    (pg, client)
}

/// A new standalone shop, its owner signed in.
fn new_shop() -> (tempfile::TempDir, Shop, Session) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(1_790_000_000_000));
    let (shop, owner) =
        shopdesk_testkit::shop::open(dir.path(), "Corner Books", "ie", "EUR", clock);
    (dir, shop, owner)
}

fn count(pg: &mut Client, sql: &str) -> i64 {
    pg.query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn a_standalone_shop_is_shared_whole_verified_and_working() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite3");
    let shop = Shop::open(&path, Arc::new(FixedClock::at(1_790_000_000_000))).unwrap();
    let (owner, _, _) = shop
        .load_demo(&DemoRequest {
            country: "IE".into(),
        })
        .unwrap();
    shop.fill_orders_for_benchmark(300, 7).unwrap();
    shop.fill_customers_for_benchmark(100, 7).unwrap();
    shop.fill_counter_for_benchmark(300, 7).unwrap();
    // What COPY's text format must escape, and bytes, travel as they are.
    let lite = rusqlite::Connection::open(&path).unwrap();
    lite.execute_batch(
        "UPDATE product SET body_html = 'tab\there' || char(10) || 'back\\slash' || char(13)
         WHERE id = (SELECT min(id) FROM product);
         INSERT INTO attachment_data (sha256, bytes) VALUES ('x', x'00ff0a5c09');",
    )
    .unwrap();

    let (_pg, mut pg) = server();
    let shared = shop.share_with_stations(&owner, &mut pg).unwrap();
    assert_eq!(shared.version, server::latest());
    server::check_version(&mut pg).unwrap();

    assert!(
        shared.tables.len() > 70,
        "every table: {}",
        shared.tables.len()
    );
    let mut total = 0;
    for t in &shared.tables {
        let in_lite: i64 = lite
            .query_row(&format!("SELECT count(*) FROM \"{}\"", t.table), [], |r| {
                r.get(0)
            })
            .unwrap();
        let on_server = count(&mut pg, &format!("SELECT count(*) FROM \"{}\"", t.table));
        assert_eq!((t.rows, on_server), (in_lite, in_lite), "{}", t.table);
        total += t.rows;
    }
    assert!(total > 3_000, "a shop with history, {total} rows");
    let body: String = pg
        .query_one("SELECT body_html FROM product ORDER BY id LIMIT 1", &[])
        .unwrap()
        .get(0);
    assert_eq!(body, "tab\there\nback\\slash\r");
    let bytes: Vec<u8> = pg
        .query_one("SELECT bytes FROM attachment_data WHERE sha256 = 'x'", &[])
        .unwrap()
        .get(0);
    assert_eq!(bytes, [0x00, 0xff, 0x0a, 0x5c, 0x09]);

    // The search is made on the server from the copied rows: accents and case aside.
    assert_eq!(
        count(&mut pg, "SELECT count(*) FROM variant_search"),
        count(&mut pg, "SELECT count(*) FROM variant")
    );
    assert!(
        count(
            &mut pg,
            "SELECT count(*) FROM variant_search WHERE doc @@ to_tsquery('simple', 'mug')"
        ) > 0
    );
    assert!(
        count(
            &mut pg,
            "SELECT count(*) FROM customer_search WHERE doc @@ to_tsquery('simple', 'zoe')"
        ) > 0,
        "Zoë is found as zoe"
    );

    // The server goes on from the copy: a new move takes the next key and moves its level.
    let (variant, location, seq, on_hand): (String, String, i64, i64) = {
        let r = pg
            .query_one(
                "SELECT m.variant_id, m.location_id, (SELECT max(seq) FROM stock_move), l.on_hand
                 FROM stock_move m JOIN stock_level l USING (variant_id, location_id)
                 ORDER BY m.seq DESC LIMIT 1",
                &[],
            )
            .unwrap();
        (r.get(0), r.get(1), r.get(2), r.get(3))
    };
    let new_seq: i64 = pg
        .query_one(
            "INSERT INTO stock_move (id, variant_id, location_id, reason, on_hand_delta, committed_delta, at)
             VALUES ('m-new', $1, $2, 'adjust', 5, 0, 0) RETURNING seq",
            &[&variant, &location],
        )
        .unwrap()
        .get(0);
    assert_eq!(new_seq, seq + 1);
    let level: i64 = pg
        .query_one(
            "SELECT on_hand FROM stock_level WHERE variant_id = $1 AND location_id = $2",
            &[&variant, &location],
        )
        .unwrap()
        .get(0);
    assert_eq!(level, on_hand + 5);

    // The ledgers stay append-only on the server, TRUNCATE included.
    for sql in [
        "UPDATE stock_move SET note = 'x'",
        "DELETE FROM journal",
        "TRUNCATE journal CASCADE",
        "UPDATE invoice SET total_minor = 0",
    ] {
        let e = pg.batch_execute(sql).unwrap_err();
        assert_eq!(
            e.code(),
            Some(&postgres::error::SqlState::RESTRICT_VIOLATION),
            "{sql}: {e}"
        );
    }

    // Sharing again into the same database is refused, and changes nothing.
    let orders = count(&mut pg, "SELECT count(*) FROM customer_order");
    let again = shop.share_with_stations(&owner, &mut pg).unwrap_err();
    assert_eq!(again.code(), ErrorCode::Conflict);
    assert_eq!(
        count(&mut pg, "SELECT count(*) FROM customer_order"),
        orders
    );
}

#[test]
fn a_copy_that_fails_leaves_the_server_as_it_was() {
    let (dir, shop, owner) = new_shop();
    // SQLite text may hold a NUL character; PostgreSQL text cannot, so this row stops the copy
    // half-way through.
    rusqlite::Connection::open(dir.path().join("shop.sqlite3"))
        .unwrap()
        .execute_batch("UPDATE shop SET receipt_footer = 'before' || char(0) || 'after'")
        .unwrap();

    let (_pg, mut pg) = server();
    let e = shop.share_with_stations(&owner, &mut pg).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Storage, "{e}");
    assert_eq!(
        server::server_version(&mut pg).unwrap(),
        0,
        "no schema either"
    );
    assert_eq!(
        count(
            &mut pg,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ),
        0
    );
}

#[test]
fn only_someone_who_manages_settings_shares_the_shop() {
    let (_dir, shop, owner) = new_shop();
    let clerk = shopdesk_testkit::shop::staff(&shop, &owner, "Cara", "Clerk", "1357");
    let (_pg, mut pg) = server();
    let e = shop.share_with_stations(&clerk, &mut pg).unwrap_err();
    assert_eq!(e.code(), ErrorCode::Forbidden);
    assert_eq!(server::server_version(&mut pg).unwrap(), 0);
}

/// A table empty when the shop is shared is not taken as empty for good: a lookup by key into
/// it is planned on its index (planned as a full scan, a connection kept that plan while the
/// table grew — every new buyer's order checked its customer over all of them), while a table
/// with rows has the planner's statistics from the start.
#[test]
fn a_table_empty_when_shared_is_still_looked_up_by_its_index() {
    let (_dir, shop, owner) = new_shop();
    let (_pg, mut pg) = server();
    shop.share_with_stations(&owner, &mut pg).unwrap();
    assert_eq!(count(&mut pg, "SELECT count(*) FROM customer"), 0);
    let plan: String = pg
        .query(
            "EXPLAIN SELECT 1 FROM ONLY customer WHERE id = 'c-1' FOR KEY SHARE",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(plan.contains("Index Scan using customer_pkey"), "{plan}");
    let analyzed: bool = pg
        .query_one(
            "SELECT reltuples > 0 FROM pg_class WHERE relname = 'staff'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(analyzed, "the staff the shop has are counted");
}
