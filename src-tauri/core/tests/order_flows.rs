//! Orders in core: verification and holds, committed stock through accept, hold, release,
//! cancel and ship; risk; bad input; the inbox and bulk actions.

mod common;

use common::orders::*;
use shopdesk_core::order::{
    Address, BulkAction, CheckLevel, Fulfilment, InboxQuery, InboxView, OrderDraft, OrderStatus,
    PaymentStatus, ShipmentDraft,
};
use shopdesk_core::{Error, ErrorCode};

#[test]
fn an_accepted_order_commits_stock_and_shipping_turns_it_into_shipped() {
    let (f, ids) = shop();
    let o = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("zoe@example.ie", vec![line("TEE-S-SAGE", 3)]),
        )
        .unwrap();
    assert_eq!(o.status, OrderStatus::Open, "checks: {:?}", o.checks);
    assert_eq!(o.name, "#1");
    // 3 × 24.00 + 5.00 shipping, VAT included (IE 23 %).
    assert_eq!(o.total.minor(), 7700);
    assert_eq!(
        o.tax.minor(),
        1440,
        "23/123 of 77.00 = 14.398…, rounded on the total"
    );
    assert_eq!(o.fulfilment, Fulfilment::Unfulfilled);
    assert_eq!(o.payment_status, PaymentStatus::Unpaid);
    let l = level(&f, &ids[0]);
    assert_eq!((l.on_hand, l.committed, l.available), (10, 3, 7));
    assert_eq!(
        o.customer.as_ref().unwrap().name,
        "Zoë Müller",
        "customer made from the order"
    );

    let line_id = o.items().next().unwrap().id.clone();
    let o = f
        .shop
        .ship_order(
            &f.owner,
            &o.id,
            &ShipmentDraft {
                carrier: "An Post".into(),
                tracking: "CE1".into(),
                lines: vec![(line_id.clone(), 1)],
            },
        )
        .unwrap();
    assert_eq!(o.fulfilment, Fulfilment::Partial);
    let l = level(&f, &ids[0]);
    assert_eq!((l.on_hand, l.committed), (9, 2));
    let err = f
        .shop
        .ship_order(
            &f.owner,
            &o.id,
            &ShipmentDraft {
                lines: vec![(line_id, 3)],
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::NothingLeftToShip { left: 2, .. }),
        "{err:?}"
    );
    let o = ship_all(&f, &o);
    assert_eq!(o.fulfilment, Fulfilment::Fulfilled);
    let l = level(&f, &ids[0]);
    assert_eq!((l.on_hand, l.committed), (7, 0));
    let err = f
        .shop
        .cancel_order(&f.owner, &o.id, "changed mind")
        .unwrap_err();
    assert_eq!(
        err.code(),
        ErrorCode::Conflict,
        "a shipped order is returned, not cancelled: {err}"
    );
    let kinds: Vec<&str> = o.timeline.iter().map(|e| e.kind.as_str()).collect();
    for k in ["created", "accepted", "shipped", "email_queued"] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
}

#[test]
fn an_address_problem_holds_the_order_until_it_is_fixed_and_released() {
    let (f, ids) = shop();
    let mut d = order_draft("ana@example.ie", vec![line("TEE-M-SAGE", 2)]);
    d.shipping.postal_code = "12345".into();
    let o = f.shop.create_order(&f.owner, &d).unwrap();
    assert_eq!(o.status, OrderStatus::OnHold);
    let block = o
        .checks
        .iter()
        .find(|c| c.level == CheckLevel::Block)
        .unwrap();
    assert!(
        block.message.contains("postal code '12345'"),
        "{}",
        block.message
    );
    assert_eq!(
        level(&f, &ids[1]).committed,
        0,
        "a held order commits nothing"
    );
    assert!(o.messages.is_empty(), "no confirmation while held");

    let err = f
        .shop
        .release_order(&f.owner, &o.id, "looks fine")
        .unwrap_err();
    assert!(matches!(err, Error::ReleaseBlocked { .. }), "{err}");

    d.shipping.postal_code = "D02 X285".into();
    let o = f.shop.update_order(&f.owner, &o.id, &d).unwrap();
    assert_eq!(
        o.status,
        OrderStatus::OnHold,
        "fixing does not release by itself"
    );
    assert!(o.checks.iter().all(|c| c.level != CheckLevel::Block));
    let o = f
        .shop
        .release_order(&f.owner, &o.id, "address corrected by phone")
        .unwrap();
    assert_eq!(o.status, OrderStatus::Open);
    assert_eq!(level(&f, &ids[1]).committed, 2);
    assert_eq!(o.messages.len(), 1);
    assert_eq!(o.messages[0].kind, "order_confirmation");
    assert!(o.messages[0].subject.contains("#1"));
    let released = o.timeline.iter().find(|e| e.kind == "released").unwrap();
    assert_eq!(released.detail, "address corrected by phone");
    assert_eq!(released.staff.as_deref(), Some("Nora"));

    let o = f
        .shop
        .hold_order(&f.owner, &o.id, "customer asked to wait")
        .unwrap();
    assert_eq!(level(&f, &ids[1]).committed, 0, "holding releases");
    let o = f
        .shop
        .cancel_order(&f.owner, &o.id, "customer cancelled")
        .unwrap();
    assert_eq!(o.status, OrderStatus::Cancelled);
    assert!(f.shop.release_order(&f.owner, &o.id, "x").is_err());
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let (f, _) = shop();
    for (d, want) in [
        (order_draft("a@example.ie", vec![]), "at least one line"),
        (
            order_draft("a@example.ie", vec![line("NOPE", 1)]),
            "no product with SKU",
        ),
        (
            order_draft("a@example.ie", vec![line("TEE-S-SAGE", 0)]),
            "at least 1",
        ),
        (
            OrderDraft {
                shipping_price: "abc".into(),
                ..order_draft("a@example.ie", vec![line("TEE-S-SAGE", 1)])
            },
            "not an amount",
        ),
    ] {
        let err = f.shop.create_order(&f.owner, &d).unwrap_err();
        assert_eq!(err.code(), ErrorCode::Invalid, "{err}");
        // Which rule refused the draft is only in the words: the form shows them as they are.
        assert!(err.to_string().contains(want), "{err} should say {want}");
    }
    assert!(f
        .shop
        .inbox(&f.owner, &InboxQuery::default())
        .unwrap()
        .is_empty());
}

#[test]
fn risk_adds_up_its_reasons_and_the_threshold_is_a_setting() {
    let (f, _) = shop();
    let mut d = order_draft("new@example.com", vec![line("TEE-S-SAGE", 1)]);
    d.billing = Some(Address {
        country: "US".into(),
        postal_code: "10001".into(),
        ..dublin("Zoë Müller")
    });
    d.express = true;
    let o = f.shop.create_order(&f.owner, &d).unwrap();
    let reasons: Vec<&str> = o
        .checks
        .iter()
        .filter(|c| c.level == CheckLevel::Risk)
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(reasons, vec!["country_mismatch", "new_customer_express"]);
    assert_eq!(o.risk_score, 50);
    assert_eq!(
        o.status,
        OrderStatus::Open,
        "50 is under the default threshold of 60"
    );

    let mut s = f.shop.order_settings(&f.owner).unwrap();
    s.risk.hold_score = 40;
    f.shop.save_order_settings(&f.owner, &s).unwrap();
    let mut d2 = d.clone();
    d2.email = "other@example.com".into();
    d2.lines = vec![line("TEE-M-INK", 1)];
    let o2 = f.shop.create_order(&f.owner, &d2).unwrap();
    assert_eq!(o2.status, OrderStatus::OnHold);
    assert!(o2
        .checks
        .iter()
        .any(|c| c.code == "risk" && c.message.contains("threshold 40")));

    // A marketplace's own "high" rating counts too.
    let mut d3 = order_draft("m@example.ie", vec![line("TEE-M-INK", 1)]);
    d3.channel = "shopify".into();
    d3.external_id = Some("5001".into());
    d3.channel_risk = Some("high".into());
    let o3 = f.shop.create_order(&f.owner, &d3).unwrap();
    assert_eq!(o3.status, OrderStatus::OnHold);
    assert!(
        o3.messages.is_empty(),
        "marketplaces send their own confirmation"
    );
    // Imported again: the same order, not a second one.
    let again = f.shop.create_order(&f.owner, &d3).unwrap();
    assert_eq!(again.id, o3.id);
}

#[test]
fn duplicates_short_stock_velocity_and_price_differences_are_explained() {
    let (f, _) = shop();
    let d = order_draft("dup@example.ie", vec![line("TEE-S-SAGE", 1)]);
    let first = f.shop.create_order(&f.owner, &d).unwrap();
    let second = f.shop.create_order(&f.owner, &d).unwrap();
    assert_eq!(second.status, OrderStatus::OnHold);
    let dup = second
        .checks
        .iter()
        .find(|c| c.code == "duplicate")
        .unwrap();
    assert!(dup.message.contains(&first.name), "{}", dup.message);
    let third = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("dup@example.ie", vec![line("TEE-M-SAGE", 1)]),
        )
        .unwrap();
    assert!(
        third
            .checks
            .iter()
            .any(|c| c.code == "velocity" && c.message.contains("3 orders from this e-mail")),
        "{:?}",
        third.checks
    );
    // All three to the same address, too.
    assert!(
        third
            .checks
            .iter()
            .any(|c| c.code == "velocity" && c.message.contains("3 orders from this address")),
        "{:?}",
        third.checks
    );

    let mut cheap = line("TEE-M-INK", 11);
    cheap.unit_price = "20.00".into();
    let o = f
        .shop
        .create_order(&f.owner, &order_draft("x@example.ie", vec![cheap]))
        .unwrap();
    let price = o.checks.iter().find(|c| c.code == "price_differs").unwrap();
    assert_eq!(price.level, CheckLevel::Warn);
    // Worth far more than the orders before it (the default: over 5× their average).
    let high = o.checks.iter().find(|c| c.code == "high_value").unwrap();
    assert!(high.message.contains("225.00"), "{}", high.message);
    assert!(price.message.contains("20.00") && price.message.contains("26.00"));
    let short = o.checks.iter().find(|c| c.code == "stock_short").unwrap();
    assert!(
        short.message.contains("11 ordered, 10 available"),
        "{}",
        short.message
    );
    assert_eq!(o.status, OrderStatus::OnHold);
}

#[test]
fn the_inbox_shows_every_channel_with_views_search_and_bulk_actions() {
    let (f, _) = shop();
    let held = {
        let mut d = order_draft("h@example.ie", vec![line("TEE-S-SAGE", 1)]);
        d.shipping.city = String::new();
        f.shop.create_order(&f.owner, &d).unwrap()
    };
    f.clock.advance_ms(1000);
    let open = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("o@example.ie", vec![line("TEE-M-SAGE", 1)]),
        )
        .unwrap();
    f.clock.advance_ms(1000);
    let mut shopify = order_draft("s@example.ie", vec![line("TEE-M-INK", 1)]);
    shopify.channel = "shopify".into();
    shopify.external_id = Some("gid-77".into());
    let s = f.shop.create_order(&f.owner, &shopify).unwrap();
    let view = |v: InboxView| -> Vec<String> {
        f.shop
            .inbox(
                &f.owner,
                &InboxQuery {
                    view: v,
                    ..Default::default()
                },
            )
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect()
    };
    assert_eq!(
        view(InboxView::All),
        vec![s.name.clone(), open.name.clone(), held.name.clone()]
    );
    assert_eq!(view(InboxView::OnHold), vec![held.name.clone()]);
    assert_eq!(
        view(InboxView::ToPack),
        vec![s.name.clone(), open.name.clone()]
    );
    let found = f
        .shop
        .inbox(
            &f.owner,
            &InboxQuery {
                text: "gid-77".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].channel, "shopify");
    let by_number = f
        .shop
        .inbox(
            &f.owner,
            &InboxQuery {
                text: open.name.clone(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        by_number.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
        vec![open.name.clone()]
    );

    let results = f
        .shop
        .bulk_orders(
            &f.owner,
            &[held.id.clone(), open.id.clone(), s.id.clone()],
            &BulkAction::Hold {
                reason: "stock check".into(),
            },
        )
        .unwrap();
    assert_eq!(results.iter().filter(|r| r.ok).count(), 2);
    assert_eq!(
        results[0].code,
        Some(ErrorCode::Conflict),
        "holding a held order is refused: {}",
        results[0].message
    );
    assert_eq!(view(InboxView::OnHold).len(), 3);
}
