//! An order's life written on the server as on the file: the same drafts entered, edited, held,
//! released, paid, noted, shipped, returned, refunded, claimed and cancelled on the demo shop standalone and on a station of the same
//! shop shared, give the same orders (numbers, checks, holds, customers, stock committed and
//! released, timelines, queued e-mails), and what is refused leaves nothing written on either.

mod common;

use shopdesk_core::order::{
    Address, ClaimDraft, ClaimKind, ClaimResolution, Order, OrderDraft, OrderLineDraft,
    PaymentDraft, ReturnDraft, ReturnLineDraft, ReturnReceipt, ShipmentDraft,
};
use shopdesk_core::{Session, Shop};

fn galway(name: &str, line1: &str) -> Address {
    Address {
        name: name.into(),
        line1: line1.into(),
        city: "Galway".into(),
        postal_code: "H91 X2Y3".into(),
        country: "IE".into(),
        ..Default::default()
    }
}

fn draft(email: &str, name: &str, lines: &[(&str, i64)]) -> OrderDraft {
    OrderDraft {
        email: email.into(),
        shipping: galway(name, "3 Quay Street"),
        lines: lines
            .iter()
            .map(|(sku, quantity)| OrderLineDraft {
                sku: (*sku).into(),
                quantity: *quantity,
                ..Default::default()
            })
            .collect(),
        shipping_method: "An Post".into(),
        shipping_price: "4.50".into(),
        ..Default::default()
    }
}

/// Every step's result, as text without ids: an order, or the refusal's code and message.
fn life(shop: &Shop, owner: &Session, skus: &[String]) -> Vec<String> {
    let said = |r: shopdesk_core::Result<Order>| match r {
        Ok(o) => common::stations::without_ids(&o),
        Err(e) => format!("{:?}: {e}", e.code()),
    };
    let done = |r: shopdesk_core::Result<()>| match r {
        Ok(()) => "done".to_string(),
        Err(e) => format!("{:?}: {e}", e.code()),
    };
    let mut steps = Vec::new();
    let (a, b, c) = (&skus[0], &skus[1], &skus[2]);
    // A new buyer's order: a customer made from the address, stock committed, ours confirmed.
    let first = shop
        .create_order(
            owner,
            &draft("aoife@example.ie", "Aoife Byrne", &[(a, 1), (b, 2)]),
        )
        .unwrap();
    steps.push(common::stations::without_ids(&first));
    // The same buyer and total again within a day: held as a likely duplicate.
    let again = shop
        .create_order(
            owner,
            &draft("AOIFE@example.ie", "Aoife Byrne", &[(a, 1), (b, 2)]),
        )
        .unwrap();
    steps.push(common::stations::without_ids(&again));
    // More than there is: held for stock.
    steps.push(said(shop.create_order(
        owner,
        &draft("ciaran@example.ie", "Ciarán Ó Sé", &[(c, 100_000)]),
    )));
    // A marketplace's order twice is one order.
    let mut market = draft("dara@example.ie", "Dara Walsh", &[(c, 1)]);
    market.channel = "etsy".into();
    market.external_id = Some("etsy-5501".into());
    market.express = true;
    market.channel_risk = Some("medium".into());
    let m1 = shop.create_order(owner, &market).unwrap();
    let m2 = shop.create_order(owner, &market).unwrap();
    assert_eq!(
        m1.id, m2.id,
        "a repeated marketplace order is the same order"
    );
    steps.push(common::stations::without_ids(&m1));
    // Refused drafts: nothing written.
    steps.push(said(shop.create_order(
        owner,
        &draft("x@example.ie", "X", &[("NO-SUCH-SKU", 1)]),
    )));
    steps.push(said(
        shop.create_order(owner, &draft("x@example.ie", "X", &[])),
    ));
    // Edit the first (a line more), release the duplicate after review, pay, note.
    let mut edited = draft("aoife@example.ie", "Aoife Byrne", &[(a, 1), (b, 2), (c, 1)]);
    edited.note = "gift wrap".into();
    steps.push(said(shop.update_order(owner, &first.id, &edited)));
    steps.push(said(shop.release_order(
        owner,
        &again.id,
        "same buyer, two gifts",
    )));
    steps.push(said(shop.record_order_payment(
        owner,
        &first.id,
        &PaymentDraft {
            method: "card".into(),
            reference: "slip 88".into(),
            ..Default::default()
        },
    )));
    steps.push(said(shop.record_order_payment(
        owner,
        &first.id,
        &PaymentDraft {
            amount: "1.00".into(),
            method: "card".into(),
            ..Default::default()
        },
    )));
    steps.push(said(shop.add_order_note(
        owner,
        &first.id,
        "rang to confirm",
    )));
    // Shipped by hand: one unit first, then the rest; a third time there is nothing left.
    let line = shop.order(owner, &first.id).unwrap().lines[1].id.clone();
    let mut ship = ShipmentDraft {
        carrier: "An Post".into(),
        tracking: "RR123456785IE".into(),
        lines: vec![(line.clone(), 1)],
    };
    steps.push(said(shop.ship_order(owner, &first.id, &ship)));
    ship.lines.clear();
    steps.push(said(shop.ship_order(owner, &first.id, &ship)));
    steps.push(said(shop.ship_order(owner, &first.id, &ship)));
    // The carrier says the first parcel arrived; an unknown parcel is not found.
    let parcel = shop.order(owner, &first.id).unwrap().shipments[0]
        .id
        .clone();
    let delivered = shopdesk_core::packing::shipping::Delivery::Delivered;
    steps.push(done(shop.set_delivery(owner, &parcel, delivered)));
    steps.push(done(shop.set_delivery(owner, "no such parcel", delivered)));
    steps.push(said(shop.order(owner, &first.id)));
    // The shop promises two business days everywhere, one on the web; 31 is refused.
    for (channel, business_days) in [("*", 2), ("Web", 1), ("Web", 31)] {
        let promise = shopdesk_core::packing::shipping::ShipPromise {
            channel: channel.into(),
            business_days,
        };
        steps.push(done(shop.save_ship_promise(owner, &promise)));
    }
    steps.push(format!("{:?}", shop.ship_promises().unwrap()));
    // A unit comes back: authorised, received (restocked), refunded with a credit note; a
    // second return is cancelled; a third asks for more than was shipped.
    let back = |quantity: i64| ReturnDraft {
        reason: "too small".into(),
        lines: vec![ReturnLineDraft {
            order_line_id: line.clone(),
            quantity,
        }],
    };
    let with_return = shop.authorise_return(owner, &first.id, &back(1)).unwrap();
    steps.push(common::stations::without_ids(&with_return));
    let rma = with_return.returns[0].id.clone();
    steps.push(said(shop.receive_return(
        owner,
        &rma,
        &ReturnReceipt::default(),
    )));
    steps.push(said(shop.refund_return(owner, &rma, "card")));
    steps.push(said(shop.refund_return(owner, &rma, "card")));
    let other = shop.authorise_return(owner, &first.id, &back(1)).unwrap();
    let other_id = other.returns.last().unwrap().id.clone();
    steps.push(said(shop.cancel_return(owner, &other_id)));
    steps.push(said(shop.authorise_return(owner, &first.id, &back(50))));
    // A claim on the carrier: opened, evidence added, settled by a reshipment; another by a
    // refund; a settled claim is not settled again.
    let claim = |kind| ClaimDraft {
        kind: Some(kind),
        evidence: "box crushed".into(),
    };
    let claimed = shop
        .open_claim(owner, &first.id, &claim(ClaimKind::Damaged))
        .unwrap();
    steps.push(common::stations::without_ids(&claimed));
    let claim_id = claimed.claims[0].id.clone();
    steps.push(said(shop.add_claim_evidence(
        owner,
        &claim_id,
        "photo of the corner",
    )));
    steps.push(said(shop.resolve_claim(
        owner,
        &claim_id,
        &ClaimResolution::Reship,
    )));
    steps.push(said(shop.resolve_claim(
        owner,
        &claim_id,
        &ClaimResolution::Reship,
    )));
    let second = shop
        .open_claim(owner, &first.id, &claim(ClaimKind::Missing))
        .unwrap();
    let second_id = second.claims.last().unwrap().id.clone();
    steps.push(said(shop.resolve_claim(
        owner,
        &second_id,
        &ClaimResolution::Refund {
            amount: "2.00".into(),
            method: "card".into(),
        },
    )));
    // Hold and cancel: the shipped order is refused, the other held, then cancelled.
    steps.push(said(shop.cancel_order(owner, &first.id, "changed mind")));
    steps.push(said(shop.hold_order(owner, &again.id, "address check")));
    steps.push(said(shop.hold_order(owner, &again.id, "twice")));
    steps.push(said(shop.cancel_order(
        owner,
        &again.id,
        "duplicate after all",
    )));
    steps.push(said(shop.cancel_order(owner, &again.id, "again")));
    // The stock the orders committed and released, and the customers they made.
    for sku in [a, b, c] {
        let variant = shop
            .catalog(
                owner,
                &shopdesk_core::catalog::CatalogQuery {
                    text: Some(sku.clone()),
                    ..Default::default()
                },
            )
            .unwrap()
            .items
            .into_iter()
            .find(|v| &v.sku == sku)
            .unwrap()
            .variant_id;
        let levels = shop.stock_levels(owner, &variant).unwrap();
        steps.push(format!("{sku}: {levels:?}"));
    }
    steps
}

#[test]
fn an_orders_life_is_the_same_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        station,
        mut shared,
    } = common::stations::demo_pair(dir.path(), 0, 0);
    let skus: Vec<String> = standalone
        .catalog(&owner, &Default::default())
        .unwrap()
        .items
        .into_iter()
        .map(|v| v.sku)
        .filter(|s| !s.is_empty())
        .take(3)
        .collect();
    let count = |client: &mut postgres::Client| -> i64 {
        client
            .query_one("SELECT count(*) FROM customer_order", &[])
            .unwrap()
            .get(0)
    };
    let before = count(&mut shared.client);

    let here = life(&standalone, &owner, &skus);
    let there = life(&station, &owner, &skus);
    for (n, (mine, theirs)) in here.iter().zip(&there).enumerate() {
        let differs = mine.lines().zip(theirs.lines()).position(|(a, b)| a != b);
        if let Some(at) = differs {
            let near = |t: &str| {
                t.lines()
                    .skip(at.saturating_sub(3))
                    .take(7)
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            panic!(
                "step {n}, line {at}:\nhere:\n{}\nserver:\n{}",
                near(mine),
                near(theirs)
            );
        }
        assert_eq!(mine, theirs, "step {n}");
    }
    assert_eq!(here.len(), there.len());

    // The station wrote on the server, not its own file: four orders more there, and the
    // claim's reshipment.
    assert_eq!(count(&mut shared.client), before + 5);
    let refused: Vec<&String> = here.iter().filter(|s| !s.starts_with('{')).collect();
    assert!(
        refused.iter().any(|s| s.starts_with("Invalid"))
            && refused.iter().any(|s| s.starts_with("Conflict")),
        "refusals were made: {refused:?}"
    );
    for held in [&here[1], &here[2]] {
        assert!(held.contains("\"status\": \"on_hold\""), "{held}");
    }
    assert!(
        here[0].contains("order_confirmation"),
        "our confirmation is queued"
    );
    assert!(
        here.iter().any(|s| s.contains("\"status\": \"refunded\"")),
        "a return refunded"
    );
    assert!(
        refused.iter().any(|s| s.starts_with("NotReturnable")),
        "{refused:?}"
    );
    let shipped = here.iter().filter(|s| s.contains("RR123456785IE")).count();
    assert!(shipped >= 2, "both shipments recorded: {shipped}");
    assert!(
        refused.iter().any(|s| s.contains("nothing left to ship")),
        "{refused:?}"
    );
}

/// The shop's mail is sent by one station at a time: the one holding the mail job's lock on
/// the server gets the messages due; another gets none until the first is gone.
#[test]
fn one_station_sends_the_shops_mail() {
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        station: office,
        mut shared,
    } = common::stations::demo_pair(dir.path(), 0, 0);
    let sku = common::stations::stocked(&standalone, &owner, 6).sku;
    drop(standalone);
    let clock = std::sync::Arc::new(shopdesk_core::FixedClock::at(1_790_000_000_000));
    let bench = shared.station(dir.path(), "B1", clock);
    let confirmation = |shop: &Shop, email: &str| {
        let o = shop
            .create_order(&owner, &draft(email, "Eimear Daly", &[(&sku, 1)]))
            .unwrap();
        o.messages
            .iter()
            .find(|m| m.kind == "order_confirmation")
            .unwrap()
            .id
            .clone()
    };
    let first = confirmation(&office, "eimear@example.ie");

    let due = office.mail_due(1000).unwrap();
    assert!(due.iter().any(|m| m.id == first), "the office sends it");
    assert!(
        bench.mail_due(1000).unwrap().is_empty(),
        "the bench leaves the shop's mail to the office"
    );
    office.mail_sent(&first).unwrap();
    let status: String = shared
        .client
        .query_one("SELECT status FROM message WHERE id = $1", &[&first])
        .unwrap()
        .get(0);
    assert_eq!(status, "sent", "recorded on the server");

    // The office closes: the bench takes the mail over.
    let second = confirmation(&bench, "aine@example.ie");
    drop(office);
    let mut taken = Vec::new();
    for _ in 0..50 {
        taken = bench.mail_due(1000).unwrap();
        if !taken.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let ids: Vec<&str> = taken.iter().map(|m| m.id.as_str()).collect();
    assert!(
        ids.contains(&second.as_str()) && !ids.contains(&first.as_str()),
        "what is still due, not what was sent"
    );
}
