//! Shopify connector against the testkit's fake of the Admin GraphQL API: cursor pages to the
//! last one through throttles, a 500, JSON cut short and a bad token; an order updated
//! mid-pass; compare-and-set stock that finds a changed level; a fulfilment whose answer was
//! lost, found again by reading back; a first pull by bulk export (and one that fails or
//! expires); the store's products into the catalog import.

mod common;

use common::*;
use serde_json::json;
use shopdesk_core::channel::SyncErrorKind;
use shopdesk_sync::{run, Connector, Shopify, SyncOptions, SHOPIFY_API_VERSION};
use shopdesk_testkit::shopify::{
    fake_order, iso, products, Bucket, FakeShopify, Fate, Fault, Store, QUERY_COST,
};
use std::time::{Duration, Instant};
use wiremock::MockServer;

async fn shopify(store: Store) -> (MockServer, FakeShopify) {
    shopdesk_testkit::shopify::start(store, SHOPIFY_API_VERSION).await
}

const T0: i64 = 1_790_000_000_000;

/// Order 5 as the shop has it, asserted cancelled and refunded in full (`cancel_five`).
fn cancelled_five(f: &Fixture, why: &str) -> shopdesk_core::order::Order {
    let five = f
        .shop
        .order_by_number(&f.owner, "gid://shopify/Order/5")
        .unwrap();
    assert_eq!(
        five.status,
        shopdesk_core::order::OrderStatus::Cancelled,
        "{why}"
    );
    assert_eq!(five.refunded.minor(), five.paid.minor(), "{why}");
    five
}

/// `n` orders, updated a second apart from T0.
fn orders_a_second_apart(n: usize) -> Vec<serde_json::Value> {
    (0..n)
        .map(|n| fake_order(n, T0 + n as i64 * 1000))
        .collect()
}

/// Order 5 is cancelled and refunded in the store, a second after the store's clock.
fn cancel_five(s: &mut Store) {
    s.clock += 1000;
    let t = iso(s.clock);
    s.orders[5]["updatedAt"] = json!(t);
    s.orders[5]["cancelledAt"] = json!(t);
    s.orders[5]["displayFinancialStatus"] = json!("REFUNDED");
    s.orders[5]["refunds"] = json!([{ "id": "gid://shopify/Refund/1", "totalRefundedSet": { "shopMoney": { "amount": "29.00" } } }]);
}

fn opts() -> SyncOptions {
    SyncOptions {
        listings: true,
        timeout: Duration::from_secs(5),
    }
}

/// The test shop with the fake connected as channel "shopify", and its connector.
fn connected(server: &MockServer) -> (Fixture, shopdesk_core::channel::Channel, Shopify) {
    let f = shop();
    let ch = f.channel("shopify", "shopify", &server.uri());
    let c = Shopify::new(&ch.base_url, "shpat_good", opts().timeout);
    (f, ch, c)
}

fn shop() -> Fixture {
    shop_with(
        "USD",
        "us",
        &[("VMUG-BLUE", "12.00", 1000), ("VTOTE-NAT", "18.00", 50)],
    )
}

#[tokio::test]
async fn every_page_comes_in_once_through_throttles_errors_and_an_update_mid_pass() {
    let orders = orders_a_second_apart(230);
    let (server, fake) = shopify(Store {
        orders,
        faults: vec![
            Fault::Throttled,
            Fault::TooMany,
            Fault::ServerError,
            Fault::Truncated,
        ],
        clock: T0 + 1_000_000,
        // Before page 3, order 5 (already read) and order 200 (not yet) are edited.
        on_page: Some((3, |s| {
            cancel_five(s);
            s.orders[200]["updatedAt"] = s.orders[5]["updatedAt"].clone();
        })),
        ..Store::default()
    })
    .await;
    let (f, ch, mut c) = connected(&server);
    let r = run(&f.shop, &ch, &mut c, opts(), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        r.orders.created, 230,
        "every order, once, through the faults: {r:?}"
    );
    assert!(r.pages >= 5, "50 a page: {} pages", r.pages);
    assert_eq!(f.order_count(), 230);
    assert!(
        fake.0.lock().unwrap().faults.is_empty(),
        "every fault was served and survived"
    );

    let ch = f.shop.channel("shopify").unwrap();
    let r = run(&f.shop, &ch, &mut c, opts(), &|_| {}).await;
    assert_eq!(r.orders.created, 0, "a second pass makes nothing new");
    cancelled_five(&f, "the mid-pass edit was seen");
    assert_eq!(f.order_count(), 230);
}

#[tokio::test]
async fn the_pull_waits_for_the_cost_bucket_instead_of_being_throttled() {
    // A bucket that pays for three pages, refilling one page's cost in 0.2 s: the connector
    // reads each answer's bucket status and waits before the call it could not pay for. Its
    // first page of 50 is over Shopify's single-query limit: refused once, it shrinks to fit
    // (6 orders with 30 lines each) and keeps that size.
    let orders = orders_a_second_apart(60);
    let (server, fake) = shopify(Store {
        orders,
        bucket: Some(Bucket::new(3.0 * QUERY_COST, 5.0 * QUERY_COST)),
        ..Store::default()
    })
    .await;
    let (f, ch, mut c) = connected(&server);
    let started = Instant::now();
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!((r.pages, r.orders.created), (10, 60));
    let s = fake.0.lock().unwrap();
    assert_eq!(
        s.refused, 1,
        "refused once for its price, then sized to fit"
    );
    assert_eq!(
        s.bucket.as_ref().unwrap().throttled,
        0,
        "never THROTTLED: the connector paced itself"
    );
    drop(s);
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "7 pages beyond the bucket wait about 0.2 s each"
    );
}

#[tokio::test]
async fn a_bad_token_is_reported_in_plain_words_and_the_channel_stays_on() {
    let (server, _) = shopify(Store {
        orders: vec![fake_order(1, T0)],
        ..Store::default()
    })
    .await;
    let f = shop();
    let ch = f.channel("shopify", "shopify", &server.uri());
    let r = run(
        &f.shop,
        &ch,
        &mut Shopify::new(&ch.base_url, "shpat_revoked", opts().timeout),
        opts(),
        &|_| {},
    )
    .await;
    assert!(r.errors[0].contains("Invalid API key"), "{:?}", r.errors);
    let h = &f.shop.sync_health(&f.owner).unwrap()[0];
    assert!(h.failing);
    assert_eq!(h.last_error_kind, Some(SyncErrorKind::Auth));
    assert!(h.advice.as_deref().unwrap().contains("access token"));
    let r = run(
        &f.shop,
        &ch,
        &mut Shopify::new(&ch.base_url, "shpat_good", opts().timeout),
        opts(),
        &|_| {},
    )
    .await;
    assert_eq!(
        r.orders.created, 1,
        "the next run with a good token just works"
    );
    assert!(!f.shop.sync_health(&f.owner).unwrap()[0].failing);
}

#[tokio::test]
async fn stock_is_set_by_compare_and_set_and_a_lost_fulfilment_answer_is_read_back() {
    let (server, fake) = shopify(Store {
        orders: vec![fake_order(7, T0)],
        stock: vec![
            ("gid://shopify/InventoryItem/1".into(), 40),
            ("gid://shopify/InventoryItem/2".into(), 50),
        ],
        ..Store::default()
    })
    .await;
    let (f, ch, mut c) = connected(&server);
    let r = run(&f.shop, &ch, &mut c, opts(), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        fake.0.lock().unwrap().stock[0].1,
        998,
        "1000 on hand − 2 committed"
    );

    // Someone sets the level in Shopify's admin; Shopdesk's next push meets a stale CAS, reads
    // the new level and sets its own again.
    fake.0.lock().unwrap().stock[0].1 = 3;
    f.adjust("VMUG-BLUE", -8);
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(fake.0.lock().unwrap().stock[0].1, 990);

    let o = f
        .shop
        .order_by_number(&f.owner, "gid://shopify/Order/7")
        .unwrap();
    f.ship(&o.id, "usps", "9400111899560000000002", vec![]);
    let due = f.shop.fulfilments_due(&ch.id).unwrap();
    c.fulfil(&due[0]).await.unwrap(); // reached Shopify; the answer "lost"
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert_eq!(r.fulfilments_pushed, 1);
    let fs = fake.0.lock().unwrap().fulfilments.clone();
    assert_eq!(fs.len(), 1, "one fulfilment, not two");
    assert_eq!(fs[0].1, "9400111899560000000002");
    assert_eq!(
        fs[0].2,
        vec![("gid://shopify/FulfillmentOrderLineItem/7".to_string(), 2)]
    );
}

#[tokio::test]
async fn a_first_pull_reads_an_export_then_pages_what_changed_while_it_ran() {
    let orders = orders_a_second_apart(1200);
    let (server, fake) = shopify(Store {
        orders,
        fate: Fate::Completes,
        clock: T0 + 2_000_000,
        // While the export runs (its file already made), order 5 is cancelled and refunded.
        while_exporting: Some(cancel_five),
        ..Store::default()
    })
    .await;
    let (f, ch, mut c) = connected(&server);
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(c.paged_because(), None);
    assert_eq!(r.orders.created, 1200, "every order of the export, once");
    f.shop
        .order_by_number(&f.owner, "gid://shopify/Order/1199")
        .unwrap();
    let five = cancelled_five(
        &f,
        "the change made while the export ran came in by the paged pull after it",
    );
    let items: Vec<_> = five.lines.iter().filter(|l| l.kind == "item").collect();
    assert_eq!(
        (items.len(), items[0].sku.as_str(), items[0].quantity),
        (1, "VMUG-BLUE", 2),
        "its line came with it"
    );
    {
        let s = fake.0.lock().unwrap();
        assert_eq!(s.exports.len(), 1);
        assert_eq!(s.orders_requests, 1, "one page of what changed since");
    }

    // The next pull is small: cursor pages, no export.
    let ch = f.shop.channel("shopify").unwrap();
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert_eq!((r.orders.created, r.errors.len()), (0, 0));
    assert_eq!(fake.0.lock().unwrap().exports.len(), 1);

    // 600 new orders (a long time offline): over the few hundred a pull pages, so an export of
    // just what changed since the last pull.
    {
        let mut s = fake.0.lock().unwrap();
        let from = s.clock + 10_000;
        for n in 2000..2600 {
            s.orders.push(fake_order(n, from + n as i64));
        }
        s.clock = from + 100_000;
    }
    let ch = f.shop.channel("shopify").unwrap();
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.orders.created, 600);
    let s = fake.0.lock().unwrap();
    assert_eq!(s.exports.len(), 2);
    assert_eq!(
        s.exports[1].file.lines().count(),
        1202,
        "the second export holds the 600 new orders and their lines, and order 5 again (the \
         last change the pull saw, inside its overlap)"
    );
}

#[tokio::test]
async fn an_export_cut_off_is_read_again_whole_on_the_next_run() {
    let orders = orders_a_second_apart(700);
    let (server, fake) = shopify(Store {
        orders,
        fate: Fate::Completes,
        clock: T0 + 1_000_000,
        cut_next_file: true,
        ..Store::default()
    })
    .await;
    let (f, ch, mut c) = connected(&server);
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert!(
        r.errors[0].contains("a line of the export"),
        "{:?}",
        r.errors
    );
    let first = r.orders.created;
    assert!(
        (250..700).contains(&first),
        "the pages before the cut are kept: {first}"
    );
    let ch = f.shop.channel("shopify").unwrap();
    assert_eq!(ch.watermark, None, "the pull did not finish");
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(
        (
            first + r.orders.created,
            fake.0.lock().unwrap().exports.len()
        ),
        (700, 2),
        "a second export, read from its start: every order once"
    );
}

#[tokio::test]
async fn a_failed_or_expired_export_leaves_the_pull_to_cursor_pages() {
    for (fate, said) in [
        (Fate::Fails, "ended FAILED (INTERNAL_SERVER_ERROR)"),
        (Fate::Expires, "ended EXPIRED"),
    ] {
        let orders = orders_a_second_apart(120);
        let (server, fake) = shopify(Store {
            orders,
            fate,
            ..Store::default()
        })
        .await;
        let (f, ch, mut c) = connected(&server);
        let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
        assert!(r.errors.is_empty(), "{fate:?}: {:?}", r.errors);
        assert_eq!(r.orders.created, 120, "{fate:?}");
        assert!(
            c.paged_because().unwrap().ends_with(said),
            "{:?}",
            c.paged_because()
        );
        assert_eq!(
            fake.0.lock().unwrap().orders_requests,
            20,
            "6 a page (30 lines an order)"
        );
    }
}

#[tokio::test]
async fn the_stores_products_come_in_through_the_catalog_imports_preview() {
    let (server, _fake) = shopify(Store {
        fate: Fate::Completes,
        products: products("VMUG-BLUE"),
        ..Store::default()
    })
    .await;
    let (f, _, mut c) = connected(&server);
    let csv = c.catalog_csv().await.unwrap();

    let preview = f.shop.preview_catalog_import(&f.owner, &csv).unwrap();
    assert_eq!(
        (
            preview.products_new,
            preview.variants,
            preview.images,
            preview.skipped_rows
        ),
        (1, 2, 2, 1),
        "{preview:?}"
    );
    assert!(
        preview.errors[0]
            .message
            .contains("duplicate SKU 'VMUG-BLUE'")
            && preview.errors[0].product == "mug-again",
        "{:?}",
        preview.errors
    );
    let done = f
        .shop
        .import_catalog(&f.owner, &csv, &mut |_, _| {})
        .unwrap();
    assert_eq!(done.preview.products_new, 1);
    let row = f.shop.lookup(&f.owner, "4006381333931").unwrap().unwrap();
    let tee = f.shop.product(&f.owner, &row.product_id).unwrap();
    assert_eq!(
        (
            tee.handle.as_str(),
            tee.title.as_str(),
            tee.vendor.as_str(),
            tee.product_type.as_str()
        ),
        ("sage-tee", "Sage Tee", "Corner", "Tops")
    );
    assert_eq!(tee.options, ["Size", "Colour"]);
    assert_eq!(tee.tags, ["summer", "cotton"]);
    assert_eq!(
        tee.images,
        [
            "https://cdn.shopify.com/s/files/1/tee-21.jpg",
            "https://cdn.shopify.com/s/files/1/tee-23.jpg"
        ]
    );
    let v: Vec<String> = tee
        .variants
        .iter()
        .map(|v| {
            format!(
                "{} {} price {} cost {:?} on hand {}",
                v.sku,
                v.options.join("/"),
                v.price.minor(),
                v.cost.map(|c| c.minor()),
                v.on_hand
            )
        })
        .collect();
    assert_eq!(
        v,
        [
            "TEE-S S/Sage price 2500 cost Some(950) on hand 0",
            "TEE-M M/Sage price 2650 cost Some(950) on hand 0"
        ],
        "stock stays the shop's own count"
    );
}

#[tokio::test]
#[ignore = "a benchmark: run by make benchmark"]
async fn benchmark_ten_thousand_orders_pulled_by_an_export() {
    const N: usize = 10_000;
    let orders = orders_a_second_apart(N);
    let (server, fake) = shopify(Store {
        orders,
        fate: Fate::Completes,
        bucket: Some(Bucket::plus()),
        clock: T0 + N as i64 * 1000,
        ..Store::default()
    })
    .await;
    let f = shop();
    let ch = f.channel("shopify", "shopify", &server.uri());
    let mut c = Shopify::new(&ch.base_url, "shpat_good", Duration::from_secs(30));
    let started = Instant::now();
    let r = run(&f.shop, &ch, &mut c, without_listings(opts()), &|_| {}).await;
    let took = started.elapsed().as_secs_f64();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(c.paged_because(), None);
    assert_eq!(r.orders.created, N as i64, "every order, once");
    let s = fake.0.lock().unwrap();
    shopdesk_testkit::stats::Row::new(
        format!(
            "{N} orders, a store's first pull from the local Shopify fake: one bulk export ({} polls, a {:.1} MB JSONL file read as a stream, Plus cost bucket), {} pages committed",
            s.exports[0].polls,
            s.exports[0].file.len() as f64 / 1e6,
            r.pages
        ),
        format!("{took:.1} s ({:.0} orders/s)", N as f64 / took),
    )
    .against("< 30 s")
    .print();
}
