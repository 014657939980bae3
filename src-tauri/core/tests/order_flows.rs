//! Orders end to end in core: verification and holds, committed stock through accept, hold,
//! release, cancel and ship; invoices (gapless under concurrent issuing) and credit notes;
//! returns and refund limits; claims; the outbox; customers and GDPR; the inbox.

mod common;

use common::*;
use shopdesk_core::invoice::{InvoiceKind, Party};
use shopdesk_core::order::{
    Address, BulkAction, CheckLevel, ClaimDraft, ClaimKind, ClaimResolution, Fulfilment,
    InboxQuery, InboxView, Order, OrderDraft, OrderLineDraft, OrderStatus, PaymentDraft,
    PaymentStatus, ReturnDraft, ReturnLineDraft, ReturnReceipt, ReturnStatus, ShipmentDraft,
};
use shopdesk_core::stock::StockLevel;
use shopdesk_core::Session;

/// A shop with the tee in stock: 10 of each variant on the shop floor.
fn shop() -> (Fixture, Vec<String>) {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let (floor, _) = locations(&f);
    let ids: Vec<String> = p.variants.iter().map(|v| v.id.clone()).collect();
    for v in &ids {
        adjust(&f, v, &floor, 10);
    }
    (f, ids)
}

fn dublin(name: &str) -> Address {
    Address {
        name: name.into(),
        line1: "1 Grafton Street".into(),
        city: "Dublin".into(),
        postal_code: "D02 X285".into(),
        country: "IE".into(),
        ..Default::default()
    }
}

fn line(sku: &str, qty: i64) -> OrderLineDraft {
    OrderLineDraft {
        sku: sku.into(),
        quantity: qty,
        ..Default::default()
    }
}

fn order_draft(email: &str, lines: Vec<OrderLineDraft>) -> OrderDraft {
    OrderDraft {
        email: email.into(),
        shipping: dublin("Zoë Müller"),
        lines,
        shipping_method: "An Post".into(),
        shipping_price: "5.00".into(),
        ..Default::default()
    }
}

fn level(f: &Fixture, variant: &str) -> StockLevel {
    f.shop.stock_levels(&f.owner, variant).unwrap().remove(0)
}

fn pay_all(f: &Fixture, o: &Order) -> Order {
    f.shop
        .record_order_payment(
            &f.owner,
            &o.id,
            &PaymentDraft {
                method: "card".into(),
                ..Default::default()
            },
        )
        .unwrap()
}

fn ship_all(f: &Fixture, o: &Order) -> Order {
    f.shop
        .ship_order(
            &f.owner,
            &o.id,
            &ShipmentDraft {
                carrier: "An Post".into(),
                tracking: "CE123456789IE".into(),
                lines: vec![],
            },
        )
        .unwrap()
}

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
    assert!(err.to_string().contains("2 left to ship"), "{err}");
    let o = ship_all(&f, &o);
    assert_eq!(o.fulfilment, Fulfilment::Fulfilled);
    let l = level(&f, &ids[0]);
    assert_eq!((l.on_hand, l.committed), (7, 0));
    let err = f
        .shop
        .cancel_order(&f.owner, &o.id, "changed mind")
        .unwrap_err();
    assert!(err.to_string().contains("return"), "{err}");
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
    assert!(
        err.to_string().contains("fix this before releasing"),
        "{err}"
    );

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

    let mut cheap = line("TEE-M-INK", 11);
    cheap.unit_price = "20.00".into();
    let o = f
        .shop
        .create_order(&f.owner, &order_draft("x@example.ie", vec![cheap]))
        .unwrap();
    let price = o.checks.iter().find(|c| c.code == "price_differs").unwrap();
    assert_eq!(price.level, CheckLevel::Warn);
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
fn invoices_are_issued_once_gapless_and_never_change() {
    let (f, _) = shop();
    let o = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("inv@example.ie", vec![line("TEE-S-SAGE", 1)]),
        )
        .unwrap();
    let a = f.shop.issue_order_invoice(&f.owner, &o.id).unwrap();
    let b = f.shop.issue_order_invoice(&f.owner, &o.id).unwrap();
    assert_eq!(a, b, "issuing twice returns the same invoice");
    assert_eq!(a.code, "INV-2026-00001");
    assert_eq!(a.buyer.name, "Zoë Müller");
    assert_eq!(a.total.minor(), 2900);
    assert_eq!(a.taxes.len(), 1);
    assert_eq!(a.taxes[0].tax_minor, a.tax.minor());
    assert!(a.payment_terms.contains("14 days"), "{}", a.payment_terms);

    // The database itself refuses to change an issued invoice.
    let conn = rusqlite::Connection::open(f.shop.db_path()).unwrap();
    let err = conn
        .execute("UPDATE invoice SET total_minor = 1 WHERE id = ?1", [&a.id])
        .unwrap_err();
    assert!(err.to_string().contains("never changes"), "{err}");

    // Issued from many threads at once: numbers 2..=21, none twice, none skipped.
    let shop = std::sync::Arc::new(f.shop);
    let orders: Vec<String> = (0..20)
        .map(|i| {
            shop.create_order(
                &f.owner,
                &order_draft(&format!("c{i}@example.ie"), vec![line("TEE-M-SAGE", 1)]),
            )
            .unwrap()
            .id
        })
        .collect();
    let threads: Vec<_> = orders
        .chunks(5)
        .map(|chunk| {
            let (shop, owner, chunk) = (shop.clone(), f.owner.clone(), chunk.to_vec());
            std::thread::spawn(move || {
                chunk
                    .iter()
                    .map(|id| shop.issue_order_invoice(&owner, id).unwrap().code)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut codes: Vec<String> = threads
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    codes.sort();
    let want: Vec<String> = (2..=21).map(|n| format!("INV-2026-{n:05}")).collect();
    assert_eq!(codes, want);
}

#[test]
fn a_shipped_order_is_returned_received_and_refunded_never_beyond_what_was_paid() {
    let (f, ids) = shop();
    let o = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("ret@example.ie", vec![line("TEE-S-SAGE", 3)]),
        )
        .unwrap();
    let o = pay_all(&f, &o);
    assert_eq!(o.payment_status, PaymentStatus::Paid);
    let invoice = f.shop.issue_order_invoice(&f.owner, &o.id).unwrap();
    assert!(invoice.payment_terms.contains("Paid"));
    let item = o.items().next().unwrap().id.clone();
    let ret = |q| ReturnDraft {
        reason: "too small".into(),
        lines: vec![ReturnLineDraft {
            order_line_id: item.clone(),
            quantity: q,
        }],
    };
    let err = f
        .shop
        .authorise_return(&f.owner, &o.id, &ret(1))
        .unwrap_err();
    assert!(
        err.to_string().contains("0 can be returned"),
        "not shipped yet: {err}"
    );
    let o = ship_all(&f, &o);
    let err = f
        .shop
        .authorise_return(&f.owner, &o.id, &ret(4))
        .unwrap_err();
    assert!(err.to_string().contains("3 can be returned"), "{err}");

    let o = f.shop.authorise_return(&f.owner, &o.id, &ret(1)).unwrap();
    let r = &o.returns[0];
    assert_eq!(
        (r.name.as_str(), r.status),
        ("RMA-1", ReturnStatus::Authorised)
    );
    assert!(
        f.shop.refund_return(&f.owner, &r.id, "card").is_err(),
        "refund after receiving"
    );
    let o = f
        .shop
        .receive_return(&f.owner, &r.id, &ReturnReceipt::default())
        .unwrap();
    assert_eq!(
        level(&f, &ids[0]).on_hand,
        8,
        "7 after shipping + 1 restocked"
    );
    let o = f
        .shop
        .refund_return(&f.owner, &o.returns[0].id, "card")
        .unwrap();
    assert_eq!(o.refunded.minor(), 2400);
    assert_eq!(o.payment_status, PaymentStatus::PartiallyRefunded);
    let note = o
        .invoices
        .iter()
        .find(|i| i.kind == InvoiceKind::CreditNote)
        .unwrap();
    assert_eq!(note.code, "CN-2026-00001");
    assert_eq!(note.total.minor(), -2400);
    let cn = f.shop.invoice(&f.owner, &note.id).unwrap();
    assert_eq!(cn.credits.as_deref(), Some("INV-2026-00001"));
    assert_eq!(cn.taxes[0].tax_minor, -449, "23/123 of 24.00");
    assert!(o
        .messages
        .iter()
        .any(|m| m.kind == "refund" && m.attachment.as_deref() == Some("CN-2026-00001.pdf")));

    // The other two plus postage, written off: everything paid comes back, and not a cent more.
    let shipping = o
        .lines
        .iter()
        .find(|l| l.kind == "shipping")
        .unwrap()
        .id
        .clone();
    let o = f
        .shop
        .authorise_return(
            &f.owner,
            &o.id,
            &ReturnDraft {
                reason: "damaged".into(),
                lines: vec![
                    ReturnLineDraft {
                        order_line_id: item.clone(),
                        quantity: 2,
                    },
                    ReturnLineDraft {
                        order_line_id: shipping.clone(),
                        quantity: 1,
                    },
                ],
            },
        )
        .unwrap();
    let r2 = o.returns[1].id.clone();
    f.shop
        .receive_return(
            &f.owner,
            &r2,
            &ReturnReceipt {
                write_off: vec![item.clone()],
                location_id: None,
            },
        )
        .unwrap();
    assert_eq!(
        level(&f, &ids[0]).on_hand,
        8,
        "written off: not back on the shelf"
    );
    let o = f.shop.refund_return(&f.owner, &r2, "card").unwrap();
    assert_eq!(o.refunded, o.paid);
    assert_eq!(o.payment_status, PaymentStatus::Refunded);
    let err = f
        .shop
        .authorise_return(&f.owner, &o.id, &ret(1))
        .unwrap_err();
    assert!(err.to_string().contains("0 can be returned"), "{err}");
}

#[test]
fn claims_settle_by_refund_reship_or_rejection() {
    let (f, ids) = shop();
    let o = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("cl@example.ie", vec![line("TEE-M-INK", 2)]),
        )
        .unwrap();
    let claim = ClaimDraft {
        kind: Some(ClaimKind::Damaged),
        evidence: "box crushed, photo received".into(),
    };
    assert!(
        f.shop.open_claim(&f.owner, &o.id, &claim).is_err(),
        "nothing shipped yet"
    );
    let o = ship_all(&f, &pay_all(&f, &o));
    let o = f.shop.open_claim(&f.owner, &o.id, &claim).unwrap();
    let c = o.claims[0].id.clone();
    let too_much = ClaimResolution::Refund {
        amount: "100.00".into(),
        method: "card".into(),
    };
    assert!(f.shop.resolve_claim(&f.owner, &c, &too_much).is_err());
    let o = f
        .shop
        .resolve_claim(
            &f.owner,
            &c,
            &ClaimResolution::Refund {
                amount: "10.00".into(),
                method: "card".into(),
            },
        )
        .unwrap();
    assert_eq!(o.refunded.minor(), 1000);
    assert_eq!(o.claims[0].resolution.as_deref(), Some("refund"));
    assert!(
        f.shop
            .resolve_claim(&f.owner, &c, &ClaimResolution::Reship)
            .is_err(),
        "settled once"
    );

    let o = f
        .shop
        .open_claim(
            &f.owner,
            &o.id,
            &ClaimDraft {
                kind: Some(ClaimKind::Missing),
                evidence: String::new(),
            },
        )
        .unwrap();
    let o = f
        .shop
        .resolve_claim(&f.owner, &o.claims[1].id, &ClaimResolution::Reship)
        .unwrap();
    let reship = f
        .shop
        .order(&f.owner, o.claims[1].reship_order_id.as_ref().unwrap())
        .unwrap();
    assert_eq!(reship.total.minor(), 0, "goods and postage at no charge");
    assert_eq!(reship.shipping_method, "An Post");
    assert_eq!(reship.items().next().unwrap().quantity, 2);
    assert_eq!(
        level(&f, &ids[2]).committed,
        2,
        "the replacement commits stock"
    );
}

#[test]
fn the_outbox_retries_with_backoff_and_records_what_was_sent() {
    let (f, _) = shop();
    let o = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("mail@example.ie", vec![line("TEE-S-SAGE", 1)]),
        )
        .unwrap();
    f.shop.email_order(&f.owner, &o.id, "invoice").unwrap();
    let due = f.shop.mail_due(10).unwrap();
    assert_eq!(due.len(), 2);
    assert_eq!(due[0].to, "mail@example.ie");
    assert!(
        due[0].body.contains("Zoë Müller") && due[0].body.contains("29.00 EUR"),
        "{}",
        due[0].body
    );
    let inv = due[1]
        .attachment
        .as_ref()
        .expect("the invoice e-mail carries the PDF");
    assert_eq!(inv.code, "INV-2026-00001");

    f.shop
        .mail_failed(&due[0].id, "connection refused")
        .unwrap();
    assert_eq!(
        f.shop.mail_due(10).unwrap().len(),
        1,
        "the failed one waits"
    );
    f.clock.advance_ms(61_000);
    assert_eq!(
        f.shop.mail_due(10).unwrap().len(),
        2,
        "and comes back after a minute"
    );
    f.shop
        .mail_failed(&due[0].id, "connection refused")
        .unwrap();
    f.clock.advance_ms(61_000);
    assert_eq!(
        f.shop.mail_due(10).unwrap().len(),
        1,
        "the second wait is two minutes"
    );
    f.shop.mail_sent(&due[1].id).unwrap();
    let o = f.shop.order(&f.owner, &o.id).unwrap();
    assert!(o
        .timeline
        .iter()
        .any(|e| e.kind == "emailed" && e.detail.contains("invoice")));
    let waiting = f.shop.outbox(&f.owner).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].attempts, 2);
    assert_eq!(waiting[0].last_error.as_deref(), Some("connection refused"));
}

#[test]
fn customers_are_matched_by_email_exported_and_erased_without_breaking_the_books() {
    let (f, _) = shop();
    let a = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("Lena@Example.ie", vec![line("TEE-S-SAGE", 1)]),
        )
        .unwrap();
    let b = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("lena@example.ie", vec![line("TEE-M-INK", 1)]),
        )
        .unwrap();
    let cust = a.customer.clone().unwrap();
    assert_eq!(
        b.customer.as_ref().unwrap().id,
        cust.id,
        "matched by e-mail, any case"
    );
    let p = f.shop.customer_profile(&f.owner, &cust.id).unwrap();
    assert_eq!(p.history.len(), 2);
    assert_eq!(p.lifetime_value.minor(), 2900 + 3100);
    assert_eq!(p.address.city, "Dublin");
    let inv = f.shop.issue_order_invoice(&f.owner, &a.id).unwrap();

    let export = f.shop.export_customer(&f.owner, &cust.id).unwrap();
    assert_eq!(export["orders"].as_array().unwrap().len(), 2);
    assert_eq!(export["orders"][0]["shipping"]["city"], "Dublin");
    assert_eq!(export["invoices"][0]["code"], inv.code.as_str());

    let p = f.shop.erase_customer(&f.owner, &cust.id).unwrap();
    assert!(p.erased);
    assert_eq!(p.customer.name, "Erased customer");
    assert_eq!(p.customer.email, None);
    let a = f.shop.order(&f.owner, &a.id).unwrap();
    assert_eq!(a.email, None);
    assert_eq!(a.shipping.line1, "");
    assert_eq!(
        a.shipping.country, "IE",
        "the country stays for the tax books"
    );
    assert_eq!(a.total.minor(), 2900, "amounts stay");
    assert_eq!(
        f.shop.invoice(&f.owner, &inv.id).unwrap(),
        inv,
        "issued invoices are kept as issued"
    );
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
    assert!(
        results[0].message.contains("is on hold"),
        "{}",
        results[0].message
    );
    assert_eq!(view(InboxView::OnHold).len(), 3);
    let _: &Session = &f.owner;
}

#[test]
fn a_counter_sale_gets_an_invoice_on_request() {
    let (f, _) = shop();
    f.shop.open_shift(&f.owner, "0").unwrap();
    let sale = f.shop.new_sale(&f.owner).unwrap();
    let sale = f
        .shop
        .edit_sale(
            &f.owner,
            &sale.id,
            &shopdesk_core::sale::SaleEdit::Scan {
                code: "TEE-S-SAGE".into(),
            },
            None,
        )
        .unwrap();
    let sale = f
        .shop
        .complete_sale(
            &f.owner,
            &sale.id,
            &[shopdesk_core::sale::TenderDraft {
                kind: Some(shopdesk_core::sale::TenderKind::Card),
                amount: "24.00".into(),
                reference: "A1".into(),
                last4: "4242".into(),
            }],
        )
        .unwrap();
    let buyer = Party {
        name: "Łódź Trading Sp. z o.o.".into(),
        lines: vec!["ul. Piotrkowska 1".into(), "90-001 Łódź".into()],
        tax_id: "PL1234567890".into(),
        email: String::new(),
    };
    let inv = f
        .shop
        .issue_sale_invoice(&f.owner, &sale.id, &buyer)
        .unwrap();
    assert_eq!(inv.receipt.as_deref(), Some("R00000001"));
    assert_eq!(inv.total.minor(), 2400);
    assert_eq!(inv.buyer.tax_id, "PL1234567890");
    assert_eq!(
        f.shop
            .issue_sale_invoice(&f.owner, &sale.id, &buyer)
            .unwrap()
            .code,
        inv.code
    );
    let rows = f
        .shop
        .inbox(
            &f.owner,
            &InboxQuery {
                view: InboxView::Counter,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].name, "R00000001");
}
