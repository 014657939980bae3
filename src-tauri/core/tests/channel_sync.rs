//! Marketplace sync in core: orders in exactly once (same page twice, overlap, updates with
//! payment, refunds and cancellation), quarantine, the SKU fix-it list, stock marked for push by
//! any move, tracking pushes with backoff, the watermark and the health panel.

mod common;

use common::orders::*;
use common::*;
use shopdesk_core::channel::{
    NewChannel, Pulled, RemoteListing, RemoteOrder, RemoteRefund, SyncErrorKind,
};
use shopdesk_core::customer::list::CustomerQuery;
use shopdesk_core::customer::CustomerDraft;
use shopdesk_core::order::{OrderStatus, PaymentStatus, ShipmentDraft};
use shopdesk_core::{Error, Timestamp};

const T0: i64 = 1_790_000_000_000;

fn channel(f: &Fixture) -> String {
    f.shop
        .add_channel(
            &f.owner,
            &NewChannel {
                name: "shopify".into(),
                kind: "shopify".into(),
                base_url: "https://corner-books.myshopify.com".into(),
                interval_secs: 0,
            },
        )
        .unwrap()
        .id
}

/// `common::orders::remote_order` in Dublin, each line at its own price, the marketplace's
/// total 44.95.
fn remote(id: &str, updated: i64, lines: Vec<(&str, &str, i64, i64)>) -> RemoteOrder {
    let shape: Vec<(&str, &str, i64)> = lines
        .iter()
        .map(|&(rid, sku, q, _)| (rid, sku, q))
        .collect();
    let mut o = remote_order(id, updated, "EUR", &shape);
    for (line, &(.., price)) in o.lines.iter_mut().zip(&lines) {
        line.unit_price_minor = price;
    }
    o.shipping = dublin("Aoife Byrne");
    o.total_minor = 4495;
    o
}

fn page(orders: &[RemoteOrder]) -> Vec<Pulled> {
    orders
        .iter()
        .cloned()
        .map(|o| Pulled::Order(Box::new(o)))
        .collect()
}

fn order_count(f: &Fixture) -> usize {
    f.shop.inbox(&f.owner, &Default::default()).unwrap().len()
}

#[test]
fn a_page_served_twice_and_an_overlapping_window_make_each_order_once() {
    let (f, _) = shop();
    let ch = channel(&f);
    let a = remote("1001", T0 - 60_000, vec![("L1", "TEE-S-SAGE", 2, 2000)]);
    let b = remote("1002", T0 - 30_000, vec![("L2", "TEE-M-INK", 1, 2000)]);
    let first = f
        .shop
        .ingest_orders(&ch, &page(&[a.clone(), b.clone()]))
        .unwrap();
    assert_eq!((first.created, first.unchanged), (2, 0));
    assert_eq!(first.newest, Some(Timestamp(T0 - 30_000)));

    let again = f.shop.ingest_orders(&ch, &page(&[a.clone(), b])).unwrap();
    assert_eq!(
        (again.created, again.unchanged),
        (0, 2),
        "the same page again is a no-op"
    );
    assert_eq!(order_count(&f), 2, "never a duplicate order");

    let o = f.shop.order_by_number(&f.owner, "#1").unwrap();
    assert_eq!(o.external_id.as_deref(), Some("1001"));
    assert_eq!(o.channel, "shopify");
    assert_eq!(
        o.status,
        OrderStatus::Open,
        "a clean marketplace order is accepted"
    );
    assert_eq!(
        o.payment_status,
        PaymentStatus::Paid,
        "paid on the marketplace, once"
    );
    assert_eq!(
        o.lines[0].unit_price.minor(),
        2000,
        "money exact from the marketplace"
    );
    let committed = level(&f, &o.lines[0].variant_id.clone().unwrap()).committed;
    assert_eq!(committed, 2, "its stock is committed");
}

#[test]
fn later_versions_bring_refunds_once_and_a_cancellation_releases_stock() {
    let (f, ids) = shop();
    let ch = channel(&f);
    let mut a = remote("2001", T0, vec![("L1", "TEE-S-SAGE", 2, 2000)]);
    f.shop.ingest_orders(&ch, &page(&[a.clone()])).unwrap();
    assert_eq!(level(&f, &ids[0]).committed, 2);

    a.updated_at = Timestamp(T0 + 1_000);
    a.refunds = vec![RemoteRefund {
        id: "R1".into(),
        amount_minor: 4495,
    }];
    let t = f.shop.ingest_orders(&ch, &page(&[a.clone()])).unwrap();
    assert_eq!(t.updated, 1);
    a.updated_at = Timestamp(T0 + 2_000);
    a.cancelled = true;
    f.shop
        .ingest_orders(&ch, &page(&[a.clone(), a.clone()]))
        .unwrap();

    let o = f.shop.order_by_number(&f.owner, "#1").unwrap();
    assert_eq!(
        o.refunded.minor(),
        o.total.minor(),
        "refund R1 applied exactly once"
    );
    assert_eq!(o.status, OrderStatus::Cancelled);
    assert_eq!(
        level(&f, &ids[0]).committed,
        0,
        "the cancellation released the stock"
    );
    assert!(o
        .timeline
        .iter()
        .any(|e| e.detail == "cancelled on shopify"));
}

#[test]
fn a_malformed_or_foreign_currency_order_is_quarantined_and_the_page_goes_on() {
    let (f, _) = shop();
    let ch = channel(&f);
    let mut usd = remote("3001", T0, vec![("L1", "TEE-S-SAGE", 1, 2000)]);
    usd.currency = "USD".into();
    let zero = remote("3002", T0, vec![("L2", "TEE-S-SAGE", 0, 2000)]);
    let good = remote("3003", T0, vec![("L3", "TEE-S-SAGE", 1, 2000)]);
    let mut p = page(&[usd, zero, good]);
    p.insert(
        0,
        Pulled::Malformed {
            external_id: "3000".into(),
            error: "total_price 'abc' is not a decimal amount".into(),
            raw: "{\"id\":3000}".into(),
        },
    );
    let t = f.shop.ingest_orders(&ch, &p).unwrap();
    assert_eq!((t.created, t.quarantined), (1, 3));
    assert_eq!(
        order_count(&f),
        1,
        "only the good order, nothing half-written"
    );
    let q = f.shop.quarantined_orders(&f.owner).unwrap();
    let errors: Vec<(&str, &str)> = q
        .iter()
        .map(|q| (q.external_id.as_str(), q.error.as_str()))
        .collect();
    assert!(
        errors
            .iter()
            .any(|(id, e)| *id == "3001" && e.contains("USD")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(id, e)| *id == "3000" && e.contains("abc")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|(id, _)| *id == "3002"), "{errors:?}");
    let health = &f.shop.sync_health(&f.owner).unwrap()[0];
    assert_eq!((health.quarantined, health.orders_imported), (3, 1));
}

#[test]
fn a_refusal_after_good_orders_keeps_them_once_and_skips_no_number() {
    let (f, _) = shop();
    let ch = channel(&f);
    // The page is first written whole; the refused order comes after two good ones, so that
    // attempt is rolled back and the page written again order by order.
    let first = remote("4001", T0, vec![("L1", "TEE-S-SAGE", 1, 2000)]);
    let second = remote("4002", T0, vec![("L2", "TEE-S-SAGE", 1, 2000)]);
    let refused = remote("4003", T0, vec![("L3", "TEE-S-SAGE", 0, 2000)]);
    let after = remote("4004", T0, vec![("L4", "TEE-S-SAGE", 1, 2000)]);
    let t = f
        .shop
        .ingest_orders(&ch, &page(&[first, second, refused, after]))
        .unwrap();
    assert_eq!((t.created, t.quarantined), (3, 1));
    assert_eq!(order_count(&f), 3);
    for n in 1..=3 {
        let o = f.shop.order_by_number(&f.owner, &n.to_string()).unwrap();
        let created = o.timeline.iter().filter(|e| e.kind == "created").count();
        assert_eq!(created, 1, "order {n} written once, numbers without a gap");
    }
    let q = f.shop.quarantined_orders(&f.owner).unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].external_id, "4003");
}

/// Who the customer search finds for `text`, by e-mail.
fn found(f: &Fixture, text: &str) -> Vec<String> {
    let q = CustomerQuery {
        text: text.into(),
        ..CustomerQuery::default()
    };
    let rows = f.shop.customer_list(&f.owner, &q).unwrap().rows;
    rows.into_iter().filter_map(|r| r.email).collect()
}

#[test]
fn the_customers_a_page_makes_or_moves_are_searchable_when_it_lands_either_way_it_is_written() {
    let (f, _) = shop();
    let ch = channel(&f);
    let first = remote("5001", T0, vec![("L1", "TEE-S-SAGE", 1, 2000)]);
    f.shop.ingest_orders(&ch, &page(&[first])).unwrap();
    assert_eq!(found(&f, "D02"), ["buyer5001@example.ie"]);

    // The returning buyer has moved; a new buyer comes in the same page, which a refused order
    // makes be written again order by order.
    let mut moved = remote("5002", T0, vec![("L2", "TEE-S-SAGE", 1, 2000)]);
    moved.email = "buyer5001@example.ie".into();
    moved.shipping.postal_code = "H91 X2Y3".into();
    let new = remote("5003", T0, vec![("L3", "TEE-S-SAGE", 1, 2000)]);
    let refused = remote("5004", T0, vec![("L4", "TEE-S-SAGE", 0, 2000)]);
    let t = f
        .shop
        .ingest_orders(&ch, &page(&[moved, new, refused]))
        .unwrap();
    assert_eq!((t.created, t.quarantined), (2, 1));
    assert_eq!(found(&f, "H91"), ["buyer5001@example.ie"]);
    assert_eq!(found(&f, "D02"), ["buyer5003@example.ie"]);
    assert_eq!(found(&f, "buyer5003"), ["buyer5003@example.ie"]);
    assert!(
        found(&f, "buyer5004").is_empty(),
        "the refused order made no one"
    );

    // Outside a page, a customer is indexed as it is made.
    let walk_in = CustomerDraft {
        name: "Saoirse Kelly".into(),
        email: "saoirse@example.ie".into(),
        phone: String::new(),
    };
    f.shop.create_customer(&f.owner, &walk_in).unwrap();
    assert_eq!(found(&f, "saoirse"), ["saoirse@example.ie"]);
}

#[test]
fn unknown_skus_import_as_titled_lines_and_a_link_fixes_later_orders_and_stock() {
    let (f, ids) = shop();
    let ch = channel(&f);
    f.shop
        .ingest_orders(
            &ch,
            &page(&[remote("4001", T0, vec![("L1", "SHOP-TEE-S", 1, 2000)])]),
        )
        .unwrap();
    let o = f.shop.order_by_number(&f.owner, "#1").unwrap();
    assert_eq!(o.lines[0].variant_id, None);
    assert!(
        o.lines[0].title.contains("SHOP-TEE-S"),
        "{}",
        o.lines[0].title
    );
    let unmatched = f.shop.unmatched_skus(&f.owner).unwrap();
    assert_eq!(unmatched.len(), 1);
    assert_eq!(unmatched[0].sku, "SHOP-TEE-S");

    f.shop
        .save_listings(
            &ch,
            &[RemoteListing {
                remote_id: "gid://shopify/ProductVariant/1".into(),
                inventory_ref: "gid://shopify/InventoryItem/1".into(),
                sku: "SHOP-TEE-S".into(),
                title: "Tee S".into(),
                stock: Some(3),
            }],
        )
        .unwrap();
    assert!(
        f.shop.stock_due(&ch).unwrap().is_empty(),
        "unmatched listings never push"
    );

    let err = f
        .shop
        .link_channel_sku(&f.owner, "shopify", "SHOP-TEE-S", "NOPE")
        .unwrap_err();
    assert!(matches!(err, Error::Invalid(_)));
    f.shop
        .link_channel_sku(&f.owner, "shopify", "SHOP-TEE-S", "TEE-S-SAGE")
        .unwrap();
    assert!(f.shop.unmatched_skus(&f.owner).unwrap().is_empty());
    let due = f.shop.stock_due(&ch).unwrap();
    assert_eq!(due.len(), 1, "the linked listing pushes at once");
    assert_eq!((due[0].available, due[0].last_known), (10, Some(3)));

    f.shop
        .ingest_orders(
            &ch,
            &page(&[remote("4002", T0, vec![("L1", "SHOP-TEE-S", 1, 2000)])]),
        )
        .unwrap();
    let o2 = f.shop.order_by_number(&f.owner, "#2").unwrap();
    assert_eq!(o2.lines[0].variant_id.as_deref(), Some(ids[0].as_str()));
}

#[test]
fn any_stock_move_makes_the_listing_due_and_a_move_during_a_push_stays_due() {
    let (f, ids) = shop();
    let ch = channel(&f);
    let (floor, _) = locations(&f);
    f.shop
        .save_listings(
            &ch,
            &[RemoteListing {
                remote_id: "V1".into(),
                inventory_ref: "I1".into(),
                sku: "TEE-S-SAGE".into(),
                stock: Some(10),
                ..Default::default()
            }],
        )
        .unwrap();
    let due = f.shop.stock_due(&ch).unwrap();
    assert_eq!(
        due.len(),
        1,
        "an existing item is pushed once when first matched"
    );
    f.shop
        .stock_pushed(&ch, "V1", due[0].available, due[0].seq)
        .unwrap();
    assert!(f.shop.stock_due(&ch).unwrap().is_empty());

    // An order from another channel commits 3: available 10 → 7.
    f.shop
        .create_order(
            &f.owner,
            &order_draft("zoe@example.ie", vec![line("TEE-S-SAGE", 3)]),
        )
        .unwrap();
    let due = f.shop.stock_due(&ch).unwrap();
    assert_eq!((due[0].available, due[0].last_known), (7, Some(10)));

    // A count lands while that push is on the wire: the acknowledgement covers only its own move.
    adjust(&f, &ids[0], &floor, -2);
    f.shop
        .stock_pushed(&ch, "V1", due[0].available, due[0].seq)
        .unwrap();
    let due = f.shop.stock_due(&ch).unwrap();
    assert_eq!(due.len(), 1, "the later move is still due");
    assert_eq!((due[0].available, due[0].last_known), (5, Some(7)));
    assert_eq!(f.shop.sync_health(&f.owner).unwrap()[0].stock_queued, 1);
}

#[test]
fn a_shipment_of_an_imported_order_queues_one_tracking_push_with_backoff_until_acknowledged() {
    let (f, _) = shop();
    let ch = channel(&f);
    f.shop
        .ingest_orders(
            &ch,
            &page(&[remote(
                "5001",
                T0,
                vec![("L1", "TEE-S-SAGE", 2, 2000), ("L2", "TEE-M-INK", 1, 2000)],
            )]),
        )
        .unwrap();
    let o = f.shop.order_by_number(&f.owner, "#1").unwrap();
    let ink = o
        .lines
        .iter()
        .find(|l| l.sku == "TEE-M-INK")
        .unwrap()
        .id
        .clone();
    f.shop
        .ship_order(
            &f.owner,
            &o.id,
            &ShipmentDraft {
                carrier: "dhl".into(),
                tracking: "1234567890".into(),
                lines: vec![(ink, 1)],
            },
        )
        .unwrap();
    let due = f.shop.fulfilments_due(&ch).unwrap();
    assert_eq!(due.len(), 1, "a partial shipment is one push");
    let p = &due[0];
    assert_eq!(p.external_order_id, "5001");
    assert_eq!(p.tracking, "1234567890");
    assert!(p.tracking_url.contains("1234567890"), "{}", p.tracking_url);
    assert_eq!(p.lines.len(), 1);
    assert_eq!(
        (p.lines[0].remote_line_id.as_str(), p.lines[0].quantity),
        ("L2", 1)
    );

    f.shop
        .fulfilment_failed(&p.id, "503 Service Unavailable")
        .unwrap();
    assert!(
        f.shop.fulfilments_due(&ch).unwrap().is_empty(),
        "backing off"
    );
    assert!(
        !f.shop.pushes_due(&ch).unwrap(),
        "nothing for the scheduler to do"
    );
    let h = &f.shop.sync_health(&f.owner).unwrap()[0];
    assert_eq!(
        (h.fulfilments_queued, h.fulfilments_failing),
        (1, 1),
        "visible while failing"
    );
    f.clock.advance_ms(11_000);
    assert_eq!(
        f.shop.fulfilments_due(&ch).unwrap().len(),
        1,
        "due again after 5–10 s"
    );
    assert!(f.shop.pushes_due(&ch).unwrap());
    f.shop.fulfilment_failed(&p.id, "timeout").unwrap();
    assert_eq!(
        f.shop
            .retry_channel_now(&f.owner, " shopify ")
            .unwrap()
            .as_deref(),
        Some("shopify")
    );
    assert_eq!(f.shop.retry_channel_now(&f.owner, "").unwrap(), None);
    assert_eq!(
        f.shop.fulfilments_due(&ch).unwrap()[0].attempts,
        2,
        "retry now skips the wait"
    );

    f.shop
        .fulfilment_pushed(&p.id, "gid://shopify/Fulfillment/9")
        .unwrap();
    assert!(f.shop.fulfilments_due(&ch).unwrap().is_empty());
    let h = &f.shop.sync_health(&f.owner).unwrap()[0];
    assert_eq!(
        (h.fulfilments_queued, h.fulfilments_sent),
        (0, 1),
        "the panel reports it sent"
    );
    assert!(
        f.shop.fulfilment_pushed(&p.id, "again").is_err(),
        "acknowledged once"
    );
    let o = f.shop.order(&f.owner, &o.id).unwrap();
    assert!(o.timeline.iter().any(|e| e.kind == "fulfilment_pushed"));
}

#[test]
fn the_watermark_moves_only_forward_and_health_says_what_to_do() {
    let (f, _) = shop();
    let ch = channel(&f);
    f.shop.finish_pull(&ch, Some(Timestamp(T0))).unwrap();
    f.shop
        .finish_pull(&ch, Some(Timestamp(T0 - 5_000)))
        .unwrap();
    f.shop.finish_pull(&ch, None).unwrap();
    assert_eq!(
        f.shop.channel("shopify").unwrap().watermark,
        Some(Timestamp(T0))
    );

    f.shop.sync_started(&ch).unwrap();
    f.shop.sync_succeeded(&ch).unwrap();
    f.clock.advance_ms(90_000);
    f.shop
        .sync_failed(
            &ch,
            SyncErrorKind::Auth,
            "401: Invalid API key or access token",
        )
        .unwrap();
    let h = &f.shop.sync_health(&f.owner).unwrap()[0];
    assert!(h.failing);
    assert_eq!(h.lag_ms, Some(90_000));
    assert!(h.advice.as_deref().unwrap().contains("access token"));
    f.clock.advance_ms(60_000);
    f.shop.sync_succeeded(&ch).unwrap();
    assert!(
        !f.shop.sync_health(&f.owner).unwrap()[0].failing,
        "a later success clears it"
    );
}

#[test]
fn channels_refuse_clear_text_keys_reserved_names_and_duplicates() {
    let f = new_shop();
    let add = |name: &str, kind: &str, url: &str| {
        f.shop.add_channel(
            &f.owner,
            &NewChannel {
                name: name.into(),
                kind: kind.into(),
                base_url: url.into(),
                interval_secs: 0,
            },
        )
    };
    assert!(add("", "etsy", "https://x.example").is_err());
    assert!(
        add("", "woocommerce", "http://shop.example").is_err(),
        "http off this machine"
    );
    assert!(add("manual", "vendure", "http://127.0.0.1:3000").is_err());
    let c = add("", "woo", "https://shop.example/").unwrap();
    assert_eq!(
        (c.name.as_str(), c.base_url.as_str(), c.interval_secs),
        ("woocommerce", "https://shop.example", 60)
    );
    assert!(matches!(
        add("WooCommerce", "woo", "https://b.example"),
        Err(Error::Conflict(_))
    ));
}

/// After a restore the marketplace is caught up: the orders taken since the backup come back
/// (each once), and every listing's stock is pushed again, since the marketplace's own counts
/// moved with those orders.
#[test]
fn after_a_restore_the_orders_since_the_backup_come_back_once_and_stock_is_pushed_again() {
    let (f, _) = shop();
    let ch = channel(&f);
    f.shop
        .save_listings(
            &ch,
            &[RemoteListing {
                remote_id: "gid://shopify/ProductVariant/1".into(),
                inventory_ref: "gid://shopify/InventoryItem/1".into(),
                sku: "TEE-S-SAGE".into(),
                title: "Tee S".into(),
                stock: Some(10),
            }],
        )
        .unwrap();
    for p in f.shop.stock_due(&ch).unwrap() {
        f.shop
            .stock_pushed(&ch, &p.remote_id, p.available, p.seq)
            .unwrap();
    }
    assert!(f.shop.stock_due(&ch).unwrap().is_empty());
    let a = remote("1001", T0 - 60_000, vec![("L1", "TEE-S-SAGE", 1, 2000)]);
    f.shop
        .ingest_orders(&ch, &page(std::slice::from_ref(&a)))
        .unwrap();
    f.shop
        .finish_pull(&ch, Some(Timestamp(T0 - 60_000)))
        .unwrap();
    for p in f.shop.stock_due(&ch).unwrap() {
        f.shop
            .stock_pushed(&ch, &p.remote_id, p.available, p.seq)
            .unwrap();
    }
    let backup = f.shop.back_up_now(&f.owner).unwrap();

    let b = remote("1002", T0 - 30_000, vec![("L2", "TEE-M-INK", 1, 2000)]);
    f.shop
        .ingest_orders(&ch, &page(std::slice::from_ref(&b)))
        .unwrap();
    f.shop
        .finish_pull(&ch, Some(Timestamp(T0 - 30_000)))
        .unwrap();
    for p in f.shop.stock_due(&ch).unwrap() {
        f.shop
            .stock_pushed(&ch, &p.remote_id, p.available, p.seq)
            .unwrap();
    }
    assert_eq!(order_count(&f), 2);

    f.shop
        .restore_backup(&f.owner, &backup.path, shopdesk_testkit::shop::OWNER_PIN)
        .unwrap();
    assert_eq!(order_count(&f), 1, "1002 came after the backup");
    assert_eq!(
        f.shop.channel("shopify").unwrap().watermark,
        Some(Timestamp(T0 - 60_000)),
        "the next pull starts where the backup's did"
    );
    assert_eq!(
        f.shop.stock_due(&ch).unwrap().len(),
        1,
        "every listing pushes again"
    );
    // The next pull reads from the backup's watermark: both orders, each once.
    f.shop.ingest_orders(&ch, &page(&[a, b])).unwrap();
    assert_eq!(order_count(&f), 2);
}
