//! A page of marketplace orders reads ahead what its orders would each look up (whether the
//! channel has them, their SKUs' variants and stock, their customers, an order entered under
//! the same id), takes its new orders' numbers together, and keeps that up to date as it writes
//! them: what it enters must be exactly what the same orders entered one page each make —
//! customers found or made earlier in the page, stock its earlier orders took or gave back, a
//! repeat of an order in the page, the numbers after it — on the file and on the server alike,
//! and so must the page written again order by order after a refusal.

mod common;

use common::orders::remote_order;
use shopdesk_core::channel::{NewChannel, Pulled, RemoteOrder, RemoteRefund};
use shopdesk_core::customer::edit::CustomerMerge;
use shopdesk_core::customer::list::CustomerQuery;
use shopdesk_core::customer::CustomerDraft;
use shopdesk_core::order::{OrderDraft, OrderLineDraft};
use shopdesk_core::{FixedClock, Session, Shop, Timestamp};
use std::sync::Arc;

const T0: i64 = 1_790_000_000_000;

/// Order `id` from `email`, of (SKU, quantity) lines, each buyer at an address of their own.
fn remote(id: &str, email: &str, lines: &[(&str, i64)]) -> RemoteOrder {
    let ids: Vec<String> = (0..lines.len()).map(|i| format!("{id}-{i}")).collect();
    let lines: Vec<_> = ids
        .iter()
        .zip(lines)
        .map(|(rid, (sku, q))| (rid.as_str(), *sku, *q))
        .collect();
    let mut o = remote_order(id, T0, "EUR", &lines);
    o.email = email.into();
    o.shipping.line1 = format!("{id} Quay Street");
    o
}

/// `o` with its one line's unit price `minor`.
fn priced(mut o: RemoteOrder, minor: i64) -> RemoteOrder {
    o.lines[0].unit_price_minor = minor;
    o
}

/// The orders of the story's pages: every case a page's own earlier orders change for a later
/// one, and what was in the shop before.
fn pages() -> Vec<Vec<Pulled>> {
    let order = |o: RemoteOrder| Pulled::Order(Box::new(o));
    let ana = remote("7001", "ANA@Example.ie", &[("MUG-1", 2)]);
    let ana_refunded = RemoteOrder {
        updated_at: Timestamp(T0 + 60_000),
        refunds: vec![RemoteRefund {
            id: "R-7001".into(),
            amount_minor: 500,
        }],
        ..ana.clone()
    };
    let new = remote("7002", "new@example.ie", &[("mug-1", 1), ("ZZZ-9", 1)]);
    // The same buyer and total again within the page: a likely duplicate of 7002.
    let again = RemoteOrder {
        external_id: "7003".into(),
        ..new.clone()
    };
    let first = vec![
        order(ana),
        order(new),
        order(again),
        // A further address of Ana's, from the customer merged into her.
        order(remote("7004", "work@example.ie", &[("POSTER-9", 1)])),
        // Entered by hand before under the channel's name and this id.
        order(remote("7005", "ana@example.ie", &[("POSTER-9", 1)])),
        order(ana_refunded),
        // More than the page's earlier orders left.
        order(remote("7006", "late@example.ie", &[("MUG-1", 4)])),
        // A SKU linked by hand to the poster.
        order(remote("7007", "late@example.ie", &[("OLD-1", 1)])),
        // Worth over five times the usual order of those before the page, but not of those
        // with the page's own orders, which it is weighed by too.
        order(priced(
            remote("7009", "rich@example.ie", &[("POSTER-9", 1)]),
            9_500,
        )),
        // Cancelled as it arrives, so no longer among the orders the usual value is made of:
        // the next is weighed without it, and is unusual.
        order(RemoteOrder {
            cancelled: true,
            paid: false,
            ..priced(
                remote("7013", "gone@example.ie", &[("POSTER-9", 1)]),
                900_000,
            )
        }),
        order(priced(
            remote("7014", "after@example.ie", &[("POSTER-9", 1)]),
            49_500,
        )),
        // Three mugs taken and given back as it arrives: the next takes the same three.
        order(RemoteOrder {
            cancelled: true,
            paid: false,
            ..remote("7015", "undone@example.ie", &[("MUG-1", 3)])
        }),
        order(remote("7016", "three@example.ie", &[("MUG-1", 3)])),
        Pulled::Malformed {
            external_id: "7008".into(),
            error: "no line items".into(),
            raw: "{}".into(),
        },
    ];
    // A refusal in the middle: the page is written again, order by order.
    let second = vec![
        order(remote("7010", "second@example.ie", &[("MUG-1", 1)])),
        order(remote("7011", "second@example.ie", &[("MUG-1", 0)])),
        order(remote("7012", "SECOND@example.ie", &[("POSTER-9", 1)])),
        order(remote("7002", "new@example.ie", &[("MUG-1", 1)])),
    ];
    vec![first, second]
}

/// The shop before the pages: a mug and a poster in stock, Ana with a further address from the
/// customer merged into her; the variants. (Made before sharing: on a station a new customer
/// waits in its own file for the sale that names them.)
fn stock_and_customers(shop: &Shop, owner: &Session) -> [String; 2] {
    let mug = shopdesk_testkit::shop::stocked(shop, owner, "Mug", "MUG-1", "12.00", "A1", 6);
    let poster =
        shopdesk_testkit::shop::stocked(shop, owner, "Poster", "POSTER-9", "12.00", "A2", 9);
    let customer = |name: &str, email: &str| {
        let draft = CustomerDraft {
            name: name.into(),
            email: email.into(),
            phone: String::new(),
        };
        shop.create_customer(owner, &draft).unwrap().id
    };
    let (ana, work) = (
        customer("Ana", "ana@example.ie"),
        customer("Ana at work", "work@example.ie"),
    );
    let merge = CustomerMerge {
        keep_id: ana,
        merge_id: work,
    };
    shop.merge_customers(owner, &merge).unwrap();
    [mug, poster]
}

/// Everything the pages leave in the shop, said as text.
fn story(
    shop: &Shop,
    owner: &Session,
    [mug, poster]: &[String; 2],
    one_by_one: bool,
) -> Vec<String> {
    let ch = shop
        .add_channel(
            owner,
            &NewChannel {
                name: "harbour".into(),
                kind: "shopify".into(),
                base_url: "https://harbour.myshopify.com".into(),
                interval_secs: 0,
            },
        )
        .unwrap();
    let by_hand = OrderDraft {
        channel: "harbour".into(),
        external_id: Some("7005".into()),
        email: "ana@example.ie".into(),
        shipping: shopdesk_testkit::shop::dublin_order(&[]).shipping,
        lines: vec![OrderLineDraft {
            sku: "POSTER-9".into(),
            quantity: 1,
            ..OrderLineDraft::default()
        }],
        ..OrderDraft::default()
    };
    shop.create_order(owner, &by_hand).unwrap();
    shop.ingest_orders(
        &ch.id,
        &[Pulled::Order(Box::new(remote("0", "", &[("OLD-1", 1)])))],
    )
    .unwrap();
    shop.link_channel_sku(owner, "harbour", "OLD-1", "POSTER-9")
        .unwrap();

    let mut seen = Vec::new();
    for (i, page) in pages().iter().enumerate() {
        let mut tally = shopdesk_core::channel::IngestTally::default();
        if one_by_one {
            for p in page {
                tally.add(&shop.ingest_orders(&ch.id, std::slice::from_ref(p)).unwrap());
            }
        } else {
            tally = shop.ingest_orders(&ch.id, page).unwrap();
        }
        seen.push(format!("page {i}: {tally:?}"));
    }
    // A page takes its orders' numbers together: the series goes on after them without a gap.
    let next = OrderDraft {
        external_id: Some("after".into()),
        ..by_hand.clone()
    };
    let next = shop.create_order(owner, &next).unwrap();
    seen.push(format!("after the pages: order {}", next.number));
    for n in 1.. {
        let Ok(o) = shop.order_by_number(owner, &n.to_string()) else {
            break;
        };
        let checks: Vec<&str> = o.checks.iter().map(|c| c.code.as_str()).collect();
        let lines: Vec<_> = o
            .lines
            .iter()
            .map(|l| (l.variant_id.is_some(), &l.title, l.quantity))
            .collect();
        let timeline: Vec<_> = o.timeline.iter().map(|e| (&e.kind, &e.detail)).collect();
        seen.push(format!(
            "order {n}: {:?} {:?} {:?} {:?} {} paid {} refunded {} {checks:?} {lines:?} {timeline:?}",
            o.external_id,
            o.status,
            o.customer.map(|c| c.name),
            o.email,
            o.total.minor(),
            o.paid.minor(),
            o.refunded.minor()
        ));
    }
    let customers = shop
        .customer_list(owner, &CustomerQuery::default())
        .unwrap();
    let mut customers: Vec<_> = customers
        .rows
        .iter()
        .map(|c| format!("{} {:?} {}", c.name, c.email, c.orders))
        .collect();
    customers.sort();
    seen.push(format!("customers: {}", customers.join("; ")));
    for (name, variant) in [("mug", mug), ("poster", poster)] {
        let level = &shop.stock_levels(owner, variant).unwrap()[0];
        seen.push(format!("{name}: {} {}", level.on_hand, level.committed));
    }
    let unmatched: Vec<_> = shop
        .unmatched_skus(owner)
        .unwrap()
        .into_iter()
        .map(|u| u.sku)
        .collect();
    seen.push(format!("unmatched: {unmatched:?}"));
    let quarantined: Vec<_> = shop
        .quarantined_orders(owner)
        .unwrap()
        .into_iter()
        .map(|q| (q.external_id, q.error))
        .collect();
    seen.push(format!("quarantined: {quarantined:?}"));
    seen
}

#[test]
fn a_page_enters_its_orders_as_one_page_each_would_on_the_file_and_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(T0));
    let open = |name: &str| {
        let dir = dir.path().join(name);
        std::fs::create_dir(&dir).unwrap();
        shopdesk_testkit::shop::open(&dir, "Corner Books", "ie", "EUR", clock.clone())
    };
    let (paged, owner) = open("paged");
    let (single, single_owner) = open("single");
    let stocked = stock_and_customers(&paged, &owner);
    let by_page = story(&paged, &owner, &stocked, false);
    let stocked = stock_and_customers(&single, &single_owner);
    let alone = story(&single, &single_owner, &stocked, true);
    let step = common::stations::alike(&alone, &by_page);

    // What it should be, so that both being wrong alike is caught too.
    assert!(step("page 0").contains("created: 12") && step("page 0").contains("updated: 1"));
    assert!(step("page 1").contains("created: 2") && step("page 1").contains("quarantined: 1"));
    // #1 entered by hand, #2 the order that met the unknown SKU; the pages' orders after them.
    let order = |n: usize| step(&format!("order {n}"));
    assert!(order(1).contains("Some(\"7005\")") && order(1).contains("paid on harbour"));
    assert!(order(3).contains("\"7001\"") && order(3).contains("Some(\"Ana\")"));
    assert!(order(3).contains("refunded 500"), "{}", order(3));
    assert!(order(5).contains("Some(\"7003\") OnHold") && order(5).contains("duplicate"));
    assert!(order(6).contains("\"7004\"") && order(6).contains("Some(\"Ana\")"));
    assert!(order(7).contains("OnHold") && order(7).contains("stock_short"));
    assert!(order(8).contains("(true, \"Poster\", 1)"), "{}", order(8));
    assert!(!order(9).contains("high_value"), "{}", order(9));
    assert!(order(10).contains("Cancelled"), "{}", order(10));
    assert!(order(11).contains("high_value"), "{}", order(11));
    assert!(order(12).contains("\"7015\") Cancelled"), "{}", order(12));
    assert!(order(13).contains("\"7016\") Open"), "{}", order(13));
    assert!(order(14).contains("\"7010\") OnHold"), "{}", order(14));
    assert!(order(15).contains("\"7012\""), "{}", order(15));
    assert_eq!(step("after the pages"), "after the pages: order 16");
    assert!(
        step("customers").contains("Aoife Byrne Some(\"second@example.ie\") 2"),
        "{}",
        step("customers")
    );
    assert_eq!(step("mug"), "mug: 6 6");
    assert!(step("unmatched").contains("ZZZ-9"));
    assert!(step("quarantined").contains("7008") && step("quarantined").contains("7011"));

    // The same on the server, a page at a time.
    let (standalone, owner) = open("shared");
    let stocked = stock_and_customers(&standalone, &owner);
    let shared = common::stations::share(&standalone, &owner);
    let station = shared.station(dir.path(), "b1", clock.clone());
    let on_server = story(&station, &owner, &stocked, false);
    let step = common::stations::alike(&by_page, &on_server);
    assert_eq!(step("mug"), "mug: 6 6");
}
