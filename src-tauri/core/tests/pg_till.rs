//! A till on a shared shop sells journal-first: the sale commits to the till's own file under its
//! own receipt series, whatever the network does, and reaches the shop's server exactly once —
//! through a server gone, a lost COMMIT reply and a till closed before it noted the server's
//! commit. Two tills number their receipts each in its own series, and the server holds both.

mod common;

use common::stations::{demo_pair, Pair, Shared};
use postgres::Client;
use shopdesk_core::sale::{SaleEdit, TenderDraft, TenderKind};
use shopdesk_core::{ErrorCode, FixedClock, Session, Shop};
use shopdesk_testkit::proxy::{Fault, FaultProxy};
use std::path::Path;
use std::sync::Arc;

/// A well-stocked item of the demo shop: its SKU and the server's units of it.
fn stocked_sku(client: &mut Client) -> (String, i64) {
    let r = client
        .query_one(
            "SELECT v.sku, sum(l.on_hand)::bigint FROM variant v JOIN stock_level l ON l.variant_id = v.id
             JOIN product p ON p.id = v.product_id
             WHERE v.sku IS NOT NULL AND p.status = 'active' GROUP BY v.sku ORDER BY sum(l.on_hand) DESC, v.sku LIMIT 1",
            &[],
        )
        .unwrap();
    (r.get(0), r.get(1))
}

fn on_hand(client: &mut Client, sku: &str) -> i64 {
    client
        .query_one(
            "SELECT sum(l.on_hand)::bigint FROM variant v JOIN stock_level l ON l.variant_id = v.id
             WHERE v.sku = $1",
            &[&sku],
        )
        .unwrap()
        .get(0)
}

/// Rings up `units` of `sku` for cash; the receipt's code.
fn sell(till: &Shop, who: &Session, sku: &str, units: usize) -> String {
    let sale = till.new_sale(who).unwrap();
    for _ in 0..units {
        till.edit_sale(who, &sale.id, &SaleEdit::Scan { code: sku.into() }, None)
            .unwrap();
    }
    let cash = TenderDraft {
        kind: Some(TenderKind::Cash),
        amount: "10000.00".into(),
        ..TenderDraft::default()
    };
    let done = till.complete_sale(who, &sale.id, &[cash]).unwrap();
    done.receipt_code.unwrap()
}

/// Makes the server refuse the sales `condition` picks, in `words` (as a constraint or a trigger
/// of a newer server might).
fn refuse_sales(client: &mut Client, condition: &str, words: &str) {
    client
        .batch_execute(&format!(
            "CREATE FUNCTION refuse_sale() RETURNS TRIGGER LANGUAGE plpgsql AS $$
             BEGIN
                 IF {condition} THEN RAISE EXCEPTION '{words}'; END IF;
                 RETURN NEW;
             END $$;
             CREATE TRIGGER refuse_sale BEFORE INSERT ON sale
                 FOR EACH ROW EXECUTE FUNCTION refuse_sale();"
        ))
        .unwrap();
}

fn count(client: &mut Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).unwrap().get(0)
}

/// The demo shop shared on a private server, and its best-stocked item: the folder of the files,
/// the owner, the server, the item's SKU and its units.
fn demo_shop() -> (tempfile::TempDir, Session, Shared, String, i64) {
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        owner, mut shared, ..
    } = demo_pair(dir.path(), 0, 0);
    let (sku, units) = stocked_sku(&mut shared.client);
    (dir, owner, shared, sku, units)
}

fn till(dir: &Path, url: &str, name: &str) -> Shop {
    Shop::open_station(
        &dir.join(format!("{name}.sqlite3")),
        url,
        name,
        Arc::new(FixedClock::at(1_790_000_500_000)),
    )
    .unwrap()
}

#[test]
fn two_tills_sell_in_their_own_series_and_the_server_holds_each_sale_once() {
    let (dir, owner, mut shared, sku, before) = demo_shop();
    let history = count(&mut shared.client, "SELECT count(*) FROM sale");

    let t1 = till(dir.path(), &shared.url, "t1");
    let t2 = till(dir.path(), &shared.url, "T2");
    for t in [&t1, &t2] {
        t.open_shift(&owner, "50.00").unwrap();
    }
    assert_eq!(sell(&t1, &owner, &sku, 2), "R-T1-00000001");
    assert_eq!(sell(&t2, &owner, &sku, 1), "R-T2-00000001");
    assert_eq!(sell(&t1, &owner, &sku, 1), "R-T1-00000002");
    // Nothing reached the server yet: the sales are in each till's file and outbox.
    assert_eq!(
        count(&mut shared.client, "SELECT count(*) FROM sale"),
        history
    );
    let state = t1.till_state().unwrap();
    assert_eq!(
        (state.till.as_str(), state.waiting),
        ("T1", 3),
        "a shift and two sales"
    );

    for t in [&t1, &t2] {
        let sent = t.send_waiting().unwrap();
        assert_eq!((sent.waiting, sent.stopped), (0, None));
    }
    assert_eq!(t1.till_state().unwrap().waiting, 0);
    let c = &mut shared.client;
    assert_eq!(count(c, "SELECT count(*) FROM sale") - history, 3);
    assert_eq!(
        count(
            c,
            "SELECT count(*) FROM sale WHERE station = 'T1' AND number IN (1, 2)"
        ),
        2
    );
    assert_eq!(
        on_hand(c, &sku),
        before - 4,
        "the server's stock took every unit once"
    );
    assert_eq!(
        count(
            c,
            "SELECT count(*) FROM stock_move WHERE doc_type = 'sale' AND on_hand_delta < 0
                  AND doc_id IN (SELECT id FROM sale WHERE station <> '')"
        ),
        3,
        "one move a line"
    );
    assert_eq!(
        count(c, "SELECT count(*) FROM tender WHERE sale_id IN (SELECT id FROM sale WHERE station <> '')"),
        3
    );
    assert_eq!(
        count(
            c,
            "SELECT count(*) FROM shift WHERE station IN ('T1', 'T2') AND status = 'open'"
        ),
        2,
        "each till's shift open at once"
    );
    // Each till's journal is its own chain on the server: T1's second entry follows its first.
    let chained: bool = c
        .query_one(
            "SELECT b.prev_hash = a.hash FROM journal a JOIN journal b
               ON b.station = a.station AND b.seq = a.seq + 1 WHERE a.station = 'T1' AND a.seq = 1",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(chained);
    assert_eq!(count(c, "SELECT count(*) FROM applied_actions"), 5);

    // A customer the clerk adds at the till arrives with their first sale.
    let ada = t2
        .create_customer(
            &owner,
            &shopdesk_core::customer::CustomerDraft {
                name: "Ada Till".into(),
                email: "ada.till@example.com".into(),
                phone: String::new(),
            },
        )
        .unwrap();
    let sale = t2.new_sale(&owner).unwrap();
    let who = SaleEdit::Customer {
        customer_id: Some(ada.id.clone()),
    };
    t2.edit_sale(&owner, &sale.id, &who, None).unwrap();
    t2.edit_sale(
        &owner,
        &sale.id,
        &SaleEdit::Scan { code: sku.clone() },
        None,
    )
    .unwrap();
    let card = TenderDraft {
        kind: Some(TenderKind::Card),
        ..TenderDraft::default()
    };
    t2.complete_sale(&owner, &sale.id, &[card]).unwrap();
    assert_eq!(t2.send_waiting().unwrap().waiting, 0);
    assert_eq!(
        count(
            c,
            &format!(
                "SELECT count(*) FROM sale s JOIN customer k ON k.id = s.customer_id
                           WHERE k.id = '{}' AND k.name = 'Ada Till'",
                ada.id
            )
        ),
        1
    );

    // A till takes back its own sales: another till's receipt is said to be that till's.
    assert_eq!(
        t1.sale_by_receipt(&owner, "2")
            .unwrap()
            .receipt_code
            .unwrap(),
        "R-T1-00000002"
    );
    let e = t1.sale_by_receipt(&owner, "R-T2-00000001").unwrap_err();
    assert_eq!(e.code(), ErrorCode::Invalid);
    assert!(e.to_string().contains("till T2"), "{e}");

    // Closing the shift sends the shift as it now stands, its Z report frozen.
    t1.close_shift(&owner, &[]).unwrap();
    t1.send_waiting().unwrap();
    assert_eq!(
        count(
            c,
            "SELECT count(*) FROM shift WHERE station = 'T1' AND status = 'closed'
                  AND report IS NOT NULL"
        ),
        1
    );
    // A second send finds nothing to do.
    let again = t1.send_waiting().unwrap();
    assert_eq!((again.applied, again.already, again.waiting), (0, 0, 0));
}

#[test]
fn the_till_sells_through_an_outage_and_its_sales_arrive_once() {
    let (dir, owner, mut shared, sku, before) = demo_shop();
    let proxy = FaultProxy::start(([127, 0, 0, 1], shared.pg.port).into()).unwrap();
    let t1 = till(dir.path(), &shared.pg.url_via(proxy.port, "shop"), "T1");
    t1.open_shift(&owner, "0").unwrap();
    let demo = t1.demo_pins().unwrap().remove(0);

    proxy.set(Fault::Sever);
    for _ in 0..3 {
        sell(&t1, &owner, &sku, 1);
    }
    let sent = t1.send_waiting().unwrap();
    assert_eq!((sent.applied, sent.waiting), (0, 4), "{sent:?}");
    assert!(sent.stopped.is_some());
    // The till says it is offline and works from its own copy: the profile, products, staff —
    // a clerk signs in against it; what must be written on the server says it cannot be.
    assert!(t1.till_state().unwrap().offline.is_some());
    let name: String = shared
        .client
        .query_one("SELECT name FROM shop", &[])
        .unwrap()
        .get(0);
    let started = std::time::Instant::now();
    assert_eq!(t1.profile().unwrap().unwrap().name, name);
    let found = t1.lookup(&owner, &sku).unwrap().unwrap();
    assert!(
        started.elapsed().as_millis() < 500,
        "{:?}",
        started.elapsed()
    );
    let staff = t1.staff_list().unwrap();
    let member = staff.iter().find(|m| m.name == demo.name).unwrap();
    let (clerk, _) = t1.sign_in(&member.id, &demo.pin).unwrap();
    let e = t1
        .adjust_stock(
            &clerk,
            shopdesk_core::stock::StockAdjustment {
                variant_id: found.variant_id,
                location_id: t1.locations(&clerk).unwrap()[0].id.clone(),
                delta: 1,
                note: "count".into(),
            },
        )
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::ServerOffline);
    sell(&t1, &clerk, &sku, 1);

    // The reply to the first COMMIT is lost: the server has that action, the till does not
    // know; the next send finds it applied and only notes it.
    proxy.set(Fault::Pass);
    proxy.lose_next_commit_reply();
    let sent = t1.send_waiting().unwrap();
    assert_eq!((sent.applied, sent.waiting), (0, 5), "{sent:?}");
    assert!(!proxy.commit_reply_armed());
    let sent = t1.send_waiting().unwrap();
    assert_eq!(
        (sent.applied, sent.already, sent.waiting),
        (4, 1, 0),
        "{sent:?}"
    );
    assert_eq!(t1.till_state().unwrap().offline, None);

    let c = &mut shared.client;
    assert_eq!(
        count(c, "SELECT count(*) FROM sale WHERE station = 'T1'"),
        4
    );
    assert_eq!(on_hand(c, &sku), before - 4);
}

#[test]
fn a_till_closed_before_it_noted_the_servers_commit_sends_nothing_twice() {
    let (dir, owner, mut shared, sku, before) = demo_shop();
    let t1 = till(dir.path(), &shared.url, "T1");
    t1.open_shift(&owner, "0").unwrap();
    sell(&t1, &owner, &sku, 2);
    // What the till's file held before the send: as if the till died between the server's
    // commit and its own note of it.
    let file = dir.path().join("T1.sqlite3");
    let copy = dir.path().join("T1-before.sqlite3");
    rusqlite::Connection::open(&file)
        .unwrap()
        .execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
        .unwrap();
    assert_eq!(t1.send_waiting().unwrap().applied, 2);
    drop(t1);
    std::fs::copy(&copy, &file).unwrap();
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", file.display()));
    }

    let t1 = till(dir.path(), &shared.url, "T1");
    assert_eq!(t1.till_state().unwrap().waiting, 2);
    let sent = t1.send_waiting().unwrap();
    assert_eq!((sent.applied, sent.already, sent.waiting), (0, 2, 0));
    let c = &mut shared.client;
    assert_eq!(
        count(c, "SELECT count(*) FROM sale WHERE station = 'T1'"),
        1
    );
    assert_eq!(on_hand(c, &sku), before - 2);

    // A file is one till's: opened as another, or a standalone shop's file as a till, it is
    // refused before anything is written.
    drop(t1);
    let e = Shop::open_station(&file, &shared.url, "T2", Arc::new(FixedClock::at(0)))
        .err()
        .unwrap();
    assert_eq!(e.code(), ErrorCode::Conflict);
    let e = Shop::open_station(
        &dir.path().join("demo.sqlite3"),
        &shared.url,
        "T3",
        Arc::new(FixedClock::at(0)),
    )
    .err()
    .unwrap();
    assert_eq!(e.code(), ErrorCode::Conflict);
}

/// The till's own file's units of `sku` (what its counter checks a sale against).
fn till_units(file: &Path, sku: &str) -> i64 {
    rusqlite::Connection::open(file)
        .unwrap()
        .query_row(
            "SELECT sum(l.on_hand) FROM variant v JOIN stock_level l ON l.variant_id = v.id
             WHERE v.sku = ?1",
            [sku],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_till_takes_the_back_offices_prices_stock_and_codes_once_its_own_sales_are_sent() {
    let (dir, owner, mut shared, sku, before) = demo_shop();
    let t1 = till(dir.path(), &shared.url, "T1");
    let office = till(dir.path(), &shared.url, "OFFICE");
    t1.open_shift(&owner, "0").unwrap();
    sell(&t1, &owner, &sku, 1);

    // The back office receives stock (on the server) and changes the price; a code is added,
    // another taken out.
    let variant = office.lookup(&owner, &sku).unwrap().unwrap();
    let floor = office.locations(&owner).unwrap()[0].id.clone();
    office
        .adjust_stock(
            &owner,
            shopdesk_core::stock::StockAdjustment {
                variant_id: variant.variant_id.clone(),
                location_id: floor,
                delta: 7,
                note: "delivery".into(),
            },
        )
        .unwrap();
    let c = &mut shared.client;
    c.batch_execute(&format!(
        "UPDATE variant SET price_minor = 4321, updated_at = 1790000600000 WHERE sku = '{sku}';
         INSERT INTO discount_code (code, kind, value, active, created_at)
         VALUES ('TILLTEN', 'percent', 1000, 1, 1790000600000);"
    ))
    .unwrap();
    let codes = count(c, "SELECT count(*) FROM discount_code");

    // The till's sale is not on the server yet: its levels would not count it, so it waits.
    assert_eq!(t1.refresh_till().unwrap(), 0);
    let file = dir.path().join("T1.sqlite3");
    assert_eq!(till_units(&file, &sku), before - 1);

    t1.send_waiting().unwrap();
    assert!(t1.refresh_till().unwrap() > 0);
    assert_eq!(
        till_units(&file, &sku),
        before - 1 + 7,
        "the server's level, the sale in it"
    );
    let sale = t1.new_sale(&owner).unwrap();
    let sale = t1
        .edit_sale(
            &owner,
            &sale.id,
            &SaleEdit::Scan { code: sku.clone() },
            None,
        )
        .unwrap();
    assert_eq!(
        sale.lines[0].unit_price.minor(),
        4321,
        "the new price at the till"
    );
    let lite = rusqlite::Connection::open(&file).unwrap();
    let here: i64 = lite
        .query_row("SELECT count(*) FROM discount_code", [], |r| r.get(0))
        .unwrap();
    assert_eq!(here, codes);

    // A code taken out on the server leaves the till at the next refresh; only what moved
    // since the last one is read again.
    c.batch_execute("DELETE FROM discount_code WHERE code = 'TILLTEN'")
        .unwrap();
    let again = t1.refresh_till().unwrap();
    let here: i64 = lite
        .query_row("SELECT count(*) FROM discount_code", [], |r| r.get(0))
        .unwrap();
    assert_eq!(here, codes - 1);
    let whole: i64 = count(c, "SELECT count(*) FROM stock_level");
    assert!(
        again < whole as usize,
        "{again} rows, not every level ({whole})"
    );
}

#[test]
fn a_sale_the_server_refuses_is_said_and_holds_the_ones_after_it_until_it_goes_through() {
    let (dir, owner, mut shared, sku, _) = demo_shop();
    let t1 = till(dir.path(), &shared.url, "T1");
    t1.open_shift(&owner, "0").unwrap();
    assert_eq!(t1.send_waiting().unwrap().waiting, 0);
    // The server refuses new sales (as a constraint or a trigger of a newer server might).
    refuse_sales(&mut shared.client, "TRUE", "sales are refused for the test");
    sell(&t1, &owner, &sku, 1);
    sell(&t1, &owner, &sku, 1);
    let sent = t1.send_waiting().unwrap();
    assert_eq!((sent.applied, sent.waiting), (0, 2));
    let state = t1.till_state().unwrap();
    assert_eq!(state.offline, None, "the server was reached");
    assert!(
        state
            .refused
            .as_deref()
            .is_some_and(|why| why.contains("sales are refused for the test")),
        "{state:?}"
    );
    assert_eq!(
        count(
            &mut shared.client,
            "SELECT count(*) FROM sale WHERE station = 'T1'"
        ),
        0
    );

    // Seen to: the refused sale and the one after it go through, in order, and nothing is
    // said any more.
    shared
        .client
        .batch_execute("DROP TRIGGER refuse_sale ON sale")
        .unwrap();
    let sent = t1.send_waiting().unwrap();
    assert_eq!((sent.applied, sent.waiting), (2, 0));
    assert_eq!(t1.till_state().unwrap().refused, None);
    assert_eq!(
        count(
            &mut shared.client,
            "SELECT count(*) FROM sale WHERE station = 'T1'"
        ),
        2
    );
}

#[test]
fn the_audit_trail_says_at_which_station_each_change_was_made() {
    let (dir, owner, mut shared, sku, _) = demo_shop();
    let t1 = till(dir.path(), &shared.url, "T1");
    t1.open_shift(&owner, "0").unwrap();
    // A price overridden at the till is on the trail of the till's file, sent with its sale.
    let sale = t1.new_sale(&owner).unwrap();
    let sale = t1
        .edit_sale(
            &owner,
            &sale.id,
            &SaleEdit::Scan { code: sku.clone() },
            None,
        )
        .unwrap();
    let line = sale.lines[0].id.clone();
    t1.edit_sale(
        &owner,
        &sale.id,
        &SaleEdit::Price {
            line_id: line.clone(),
            price: "1.00".into(),
        },
        None,
    )
    .unwrap();
    let cash = TenderDraft {
        kind: Some(TenderKind::Cash),
        amount: "100.00".into(),
        ..TenderDraft::default()
    };
    t1.complete_sale(&owner, &sale.id, &[cash]).unwrap();
    assert_eq!(t1.send_waiting().unwrap().waiting, 0);
    // A stock adjustment made at the till is written on the server, which learns the station
    // from its connection.
    let variant = t1.lookup(&owner, &sku).unwrap().unwrap().variant_id;
    let location = t1.locations(&owner).unwrap()[0].id.clone();
    t1.adjust_stock(
        &owner,
        shopdesk_core::stock::StockAdjustment {
            variant_id: variant,
            location_id: location,
            delta: 1,
            note: "found one".into(),
        },
    )
    .unwrap();
    let mut on_server = |action: &str| -> String {
        shared
            .client
            .query_one(
                "SELECT station FROM audit_event WHERE action = $1 ORDER BY at DESC LIMIT 1",
                &[&action],
            )
            .unwrap()
            .get(0)
    };
    assert_eq!(on_server("price_overridden"), "T1");
    assert_eq!(on_server("stock_adjusted"), "T1");
    // The trail, read at any station, says it.
    let trail = t1
        .audit_trail(&owner, &shopdesk_core::shop::trail::TrailQuery::default())
        .unwrap();
    let entry = |action: &str| trail.entries.iter().find(|e| e.action == action).unwrap();
    assert_eq!(entry("price_overridden").station, "T1");
    assert_eq!(entry("stock_adjusted").station, "T1");
    // What the shop did before it was shared was done standalone.
    let before: i64 = shared
        .client
        .query_one("SELECT count(*) FROM audit_event WHERE station = ''", &[])
        .unwrap()
        .get(0);
    assert!(before > 0);
}

#[test]
fn a_company_invoice_at_the_till_is_the_shops_once_its_sale_has_reached_the_server() {
    use shopdesk_core::order::invoice::Party;
    let (dir, owner, mut shared, sku, _) = demo_shop();
    let t1 = till(dir.path(), &shared.url, "t1");
    t1.open_shift(&owner, "50.00").unwrap();
    let receipt = sell(&t1, &owner, &sku, 1);
    let sale = t1.sale_by_receipt(&owner, &receipt).unwrap().id;
    let buyer = Party {
        name: "Harbour Café Ltd".into(),
        lines: vec!["3 Quay Street".into(), "Galway".into()],
        tax_id: "IE1234567T".into(),
        ..Party::default()
    };
    let issued = |client: &mut Client| {
        count(
            client,
            &format!("SELECT count(*) FROM invoice WHERE sale_id = '{sale}'"),
        )
    };
    // Still in the till's outbox: the shop's server cannot number an invoice for it yet.
    let early = t1.issue_sale_invoice(&owner, &sale, &buyer).unwrap_err();
    assert_eq!(early.code(), ErrorCode::Conflict);
    assert!(
        early.to_string().contains("not reached the shop's server"),
        "{early}"
    );
    assert_eq!(issued(&mut shared.client), 0, "nothing written");

    t1.send_waiting().unwrap();
    let last = shared
        .client
        .query_one("SELECT max(code) FROM invoice WHERE kind = 'invoice'", &[])
        .unwrap()
        .get::<_, Option<String>>(0);
    let invoice = t1.issue_sale_invoice(&owner, &sale, &buyer).unwrap();
    assert_eq!(invoice.buyer.tax_id, "IE1234567T");
    assert_eq!(invoice.receipt.as_deref(), Some(receipt.as_str()));
    assert!(
        last.as_ref().is_none_or(|l| invoice.code > *l),
        "the next in the shop's one series: {} after {last:?}",
        invoice.code
    );
    let again = t1.issue_sale_invoice(&owner, &sale, &buyer).unwrap();
    assert_eq!(again.code, invoice.code, "one invoice per sale");
    assert_eq!(issued(&mut shared.client), 1);

    // The back office invoices another of the till's sales from the server's copy: the same
    // figures as the sale rung up at the till.
    let office = till(dir.path(), &shared.url, "OFFICE");
    let receipt = sell(&t1, &owner, &sku, 2);
    let rung = t1.sale_by_receipt(&owner, &receipt).unwrap();
    let unknown = office
        .issue_sale_invoice(&owner, &rung.id, &buyer)
        .unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound, "not on the server yet");
    t1.send_waiting().unwrap();
    let later = office.issue_sale_invoice(&owner, &rung.id, &buyer).unwrap();
    assert!(later.code > invoice.code, "the next in the series");
    assert_eq!(later.receipt.as_deref(), Some(receipt.as_str()));
    assert_eq!(
        (later.total, later.tax, later.taxes.clone()),
        (rung.total, rung.tax, rung.taxes.clone())
    );
    assert_eq!(later.lines.len(), 1);
    assert_eq!(
        (later.lines[0].quantity, later.lines[0].total),
        (2, rung.total)
    );
}

#[test]
fn the_owner_sets_a_refused_sale_aside_and_the_sales_after_it_go_on() {
    let (dir, owner, mut shared, sku, _) = demo_shop();
    let t1 = till(dir.path(), &shared.url, "T1");
    t1.open_shift(&owner, "0").unwrap();
    assert_eq!(t1.send_waiting().unwrap().waiting, 0);
    let nothing = t1.set_aside_refused(&owner).unwrap_err();
    assert_eq!(nothing.code(), ErrorCode::Conflict, "nothing was refused");
    // The server refuses this till's first sale, and only it.
    refuse_sales(
        &mut shared.client,
        "NEW.station = 'T1' AND NEW.number = 1",
        "this sale is refused for the test",
    );
    sell(&t1, &owner, &sku, 1);
    sell(&t1, &owner, &sku, 1);
    let sent = t1.send_waiting().unwrap();
    assert_eq!((sent.applied, sent.waiting), (0, 2), "held back behind it");

    let aside = t1.set_aside_refused(&owner).unwrap();
    assert_eq!(aside.receipt.as_deref(), Some("R-T1-00000001"));
    assert!(aside.reason.contains("refused for the test"), "{aside:?}");
    let state = t1.till_state().unwrap();
    assert_eq!(
        (state.waiting, state.set_aside, state.refused),
        (1, 1, None)
    );
    let sent = t1.send_waiting().unwrap();
    assert_eq!(
        (sent.applied, sent.waiting),
        (1, 0),
        "the next sale goes on"
    );
    let numbers: Vec<i64> = shared
        .client
        .query(
            "SELECT number FROM sale WHERE station = 'T1' ORDER BY number",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(numbers, [2], "the server holds the one after it");
    assert_eq!(t1.set_aside(&owner).unwrap(), std::slice::from_ref(&aside));
    // The till's own journal still holds both.
    assert!(t1.sale_by_receipt(&owner, "R-T1-00000001").is_ok());

    // Sent again while the cause stands: refused again, holding the queue, set aside again.
    let unknown = t1.send_again(&owner, "no-such-action").unwrap_err();
    assert_eq!(unknown.code(), ErrorCode::NotFound);
    t1.send_again(&owner, &aside.id).unwrap();
    let sent = t1.send_waiting().unwrap();
    assert_eq!((sent.applied, sent.waiting), (0, 1), "{sent:?}");
    assert!(t1.till_state().unwrap().refused.is_some());
    let aside = t1.set_aside_refused(&owner).unwrap();
    // The cause put right at the back office: sent again, it reaches the server, once.
    shared
        .client
        .batch_execute("DROP TRIGGER refuse_sale ON sale")
        .unwrap();
    t1.send_again(&owner, &aside.id).unwrap();
    let state = t1.till_state().unwrap();
    assert_eq!((state.waiting, state.set_aside), (1, 0));
    let sent = t1.send_waiting().unwrap();
    assert_eq!((sent.applied, sent.waiting), (1, 0), "{sent:?}");
    assert_eq!(
        count(
            &mut shared.client,
            "SELECT count(*) FROM sale WHERE station = 'T1' AND number = 1"
        ),
        1
    );
    assert!(t1.set_aside(&owner).unwrap().is_empty());
    let audited: i64 = rusqlite::Connection::open(dir.path().join("T1.sqlite3"))
        .unwrap()
        .query_row(
            "SELECT count(*) FROM audit_event WHERE action = 'station.send_again'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 2, "on the till's audit trail");
}

#[test]
fn a_till_keeps_what_the_server_took_for_a_week() {
    let (dir, owner, shared, sku, _) = demo_shop();
    let clock = Arc::new(FixedClock::at(1_790_000_500_000));
    let file = dir.path().join("T1.sqlite3");
    let t1 = Shop::open_station(&file, &shared.url, "T1", clock.clone()).unwrap();
    t1.open_shift(&owner, "50.00").unwrap();
    sell(&t1, &owner, &sku, 1);
    t1.send_waiting().unwrap();
    let kept = |sql: &str| -> i64 {
        rusqlite::Connection::open(&file)
            .unwrap()
            .query_row(sql, [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(
        kept("SELECT count(*) FROM station_sent"),
        2,
        "a shift and a sale"
    );
    clock.advance_ms(7 * 24 * 60 * 60 * 1000 + 1);
    sell(&t1, &owner, &sku, 1);
    t1.send_waiting().unwrap();
    assert_eq!(
        kept("SELECT count(*) FROM station_sent"),
        1,
        "only the week's sale"
    );
}
