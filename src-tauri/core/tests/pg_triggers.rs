//! The triggers do the same on both engines: a shared shop gets the same writes — in SQL both
//! dialects read alike — on its SQLite file and on the server, and every table the triggers keep
//! (stock levels, listings due for a push, customer figures and search, report hours to make
//! again, cost history, the catalog search) must then hold the same rows on both.

use postgres::{Client, NoTls};
use shopdesk_core::FixedClock;
use shopdesk_testkit::postgres::Postgres;
use std::sync::Arc;

/// The writes, each touching what one or more triggers watch.
const WRITES: &str = "
INSERT INTO customer (id, name, email, phone, created_at, updated_at, address)
    VALUES ('c1', 'Zoë Byrne', 'zoe@example.com', '+353 87 123 4567', 10, 10, '{\"postal_code\": \"H91 X2Y3\"}');
INSERT INTO customer (id, name, created_at, updated_at) VALUES ('c2', 'Liam Kelly', 11, 11);
INSERT INTO customer_contact (id, customer_id, kind, value) VALUES ('cc1', 'c1', 'phone', '091-555 0140');
INSERT INTO customer_contact (id, customer_id, kind, value) VALUES ('cc2', 'c1', 'email', 'zoe@work.example');
UPDATE customer SET name = 'Zoë Byrne-Walsh', tags = 'vip' WHERE id = 'c1';
DELETE FROM customer_contact WHERE id = 'cc2';
INSERT INTO customer_order (id, number, channel, status, customer_id, billing, shipping, address_key,
        location_id, prices_include_tax, subtotal_minor, discount_minor, shipping_minor, tax_minor,
        total_minor, created_at, updated_at)
    VALUES ('o1', 9001, 'manual', 'open', 'c1', '{}', '{}', 'k', (SELECT min(id) FROM location),
        1, 2000, 0, 500, 300, 2500, 7200000, 7200000);
INSERT INTO customer_order (id, number, channel, status, customer_id, billing, shipping, address_key,
        location_id, prices_include_tax, subtotal_minor, discount_minor, shipping_minor, tax_minor,
        total_minor, created_at, updated_at)
    VALUES ('o2', 9002, 'manual', 'on_hold', 'c2', '{}', '{}', 'k', (SELECT min(id) FROM location),
        1, 1000, 0, 0, 100, 1000, 10800000, 10800000);
INSERT INTO order_line (id, order_id, position, kind, variant_id, title, quantity, unit_price_minor,
        amount_minor, tax_minor)
    VALUES ('ol1', 'o1', 1, 'item', (SELECT min(id) FROM variant), 'Mug', 2, 1000, 2000, 300);
UPDATE customer_order SET status = 'open' WHERE id = 'o2';
UPDATE customer_order SET status = 'cancelled' WHERE id = 'o2';
UPDATE customer_order SET customer_id = 'c2' WHERE id = 'o1';
INSERT INTO order_payment (id, order_id, kind, amount_minor, method, at)
    VALUES ('p1', 'o1', 'refund', 700, 'card', 14400000);
INSERT INTO order_event (id, order_id, at, kind) VALUES ('e1', 'o1', 14400000, 'held');
INSERT INTO shipment (id, order_id, at) VALUES ('s1', 'o1', 18000000);
INSERT INTO shipment_line (shipment_id, order_line_id, quantity) VALUES ('s1', 'ol1', 2);
INSERT INTO order_return (id, order_id, number, status, reason, created_at, updated_at)
    VALUES ('r1', 'o1', 9001, 'refunded', 'damaged', 21600000, 21600000);
INSERT INTO order_return_line (return_id, order_line_id, quantity) VALUES ('r1', 'ol1', 1);
UPDATE order_line SET amount_minor = 1900 WHERE id = 'ol1';
INSERT INTO channel (id, name, kind, base_url, added_by, created_at)
    VALUES ('ch1', 'my-shop', 'shopify', 'https://my-shop.example', (SELECT min(id) FROM staff), 0);
INSERT INTO channel_listing (channel_id, remote_id, variant_id)
    VALUES ('ch1', 'gid-1', (SELECT min(id) FROM variant));
INSERT INTO stock_move (id, variant_id, location_id, reason, on_hand_delta, committed_delta, at)
    VALUES ('m1', (SELECT min(id) FROM variant), (SELECT min(id) FROM location), 'adjust', -3, 0, 25200000);
INSERT INTO stock_move (id, variant_id, location_id, reason, on_hand_delta, committed_delta, at)
    VALUES ('m2', (SELECT max(id) FROM variant), (SELECT max(id) FROM location), 'receive', 12, 0, 25200000);
UPDATE variant SET cost_minor = 450, updated_at = 28800000 WHERE id = (SELECT min(id) FROM variant);
UPDATE variant SET cost_minor = 450, updated_at = 28800001 WHERE id = (SELECT min(id) FROM variant);
UPDATE product SET vendor = 'Harbour Pottery', title = 'Harbour Mug' WHERE id = (SELECT min(product_id) FROM variant);
UPDATE variant SET option1 = 'Sea Blue' WHERE id = (SELECT max(id) FROM variant);
";

/// The tables the triggers keep, each read as text in both engines.
const KEPT: &[(&str, &str)] = &[
    ("stock_level", "variant_id, location_id, on_hand, committed"),
    ("channel_listing", "channel_id, remote_id, dirty_seq"),
    (
        "customer_stats",
        "customer_id, orders, value_minor, first_at, last_at",
    ),
    ("customer_key", "seq, customer_id, sort_name"),
    (
        "customer_search",
        "seq, name, emails, phones, postcode, tags",
    ),
    (
        "variant_search",
        "seq, title, sku, barcode, vendor, tags, product_type, options",
    ),
    ("report_stale", "hour"),
    ("variant_cost", "seq, variant_id, at, cost_minor"),
];

fn sqlite_rows(
    conn: &rusqlite::Connection,
    table: &str,
    columns: &str,
) -> Vec<Vec<Option<String>>> {
    // FTS5's key is its rowid; the server's search tables call it seq.
    let columns = if table.ends_with("_search") {
        columns.replacen("seq", "rowid", 1)
    } else {
        columns.to_string()
    };
    let n = columns.split(',').count();
    let list: Vec<String> = columns
        .split(',')
        .map(|c| format!("CAST({} AS TEXT)", c.trim()))
        .collect();
    let mut rows: Vec<Vec<Option<String>>> = conn
        .prepare(&format!("SELECT {} FROM {table}", list.join(", ")))
        .unwrap()
        .query_map([], |r| (0..n).map(|i| r.get(i)).collect())
        .unwrap()
        .map(Result::unwrap)
        .collect();
    rows.sort();
    rows
}

fn pg_rows(pg: &mut Client, table: &str, columns: &str) -> Vec<Vec<Option<String>>> {
    let list: Vec<String> = columns
        .split(',')
        .map(|c| format!("CAST({} AS TEXT)", c.trim()))
        .collect();
    let mut rows: Vec<Vec<Option<String>>> = pg
        .query(&format!("SELECT {} FROM {table}", list.join(", ")), &[])
        .unwrap()
        .iter()
        .map(|r| (0..r.len()).map(|i| r.get(i)).collect())
        .collect();
    rows.sort();
    rows
}

#[test]
fn the_same_writes_keep_the_same_derived_rows_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(1_790_000_000_000));
    let (shop, owner) =
        shopdesk_testkit::shop::open(dir.path(), "Corner Books", "ie", "EUR", clock);
    shopdesk_testkit::shop::stocked(&shop, &owner, "Mug", "MUG-1", "12.00", "A1", 5);
    shopdesk_testkit::shop::stocked(&shop, &owner, "Tee", "TEE-1", "20.00", "A2", 3);

    let pg_server = Postgres::start().expect("a private PostgreSQL");
    pg_server.psql("postgres", "CREATE DATABASE shop").unwrap();
    let mut pg = Client::connect(&pg_server.url("shop"), NoTls).unwrap();
    shop.share_with_stations(&owner, &mut pg).unwrap();

    let lite = rusqlite::Connection::open(dir.path().join("shop.sqlite3")).unwrap();
    let before: Vec<_> = KEPT.iter().map(|(t, c)| sqlite_rows(&lite, t, c)).collect();
    for (i, (table, columns)) in KEPT.iter().enumerate() {
        assert_eq!(
            before[i],
            pg_rows(&mut pg, table, columns),
            "{table} as shared"
        );
    }

    lite.execute_batch(&format!("BEGIN; {WRITES} COMMIT;"))
        .unwrap();
    pg.batch_execute(&format!("BEGIN; {WRITES} COMMIT;"))
        .unwrap();

    for (i, (table, columns)) in KEPT.iter().enumerate() {
        let after = sqlite_rows(&lite, table, columns);
        assert_eq!(
            after,
            pg_rows(&mut pg, table, columns),
            "{table} after the same writes"
        );
        // Every kept table changed, so the comparison is of the triggers' work, not of two
        // copies left alone.
        assert_ne!(after, before[i], "{table} was not touched by the writes");
    }
}
