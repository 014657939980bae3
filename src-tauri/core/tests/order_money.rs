//! The money side of orders in core: invoices (gapless under concurrent issuing) and credit
//! notes, returns and refund limits, claims, the outbox, customers and GDPR.

mod common;

use common::orders::*;
use shopdesk_core::order::invoice::{InvoiceKind, Party};
use shopdesk_core::order::{
    ClaimDraft, ClaimKind, ClaimResolution, InboxQuery, InboxView, PaymentStatus, ReturnDraft,
    ReturnLineDraft, ReturnReceipt, ReturnStatus,
};
use shopdesk_core::Error;

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
        matches!(err, Error::NotReturnable { returnable: 0, .. }),
        "not shipped yet: {err:?}"
    );
    let o = ship_all(&f, &o);
    let err = f
        .shop
        .authorise_return(&f.owner, &o.id, &ret(4))
        .unwrap_err();
    assert!(
        matches!(err, Error::NotReturnable { returnable: 3, .. }),
        "{err:?}"
    );

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
    assert!(
        matches!(err, Error::NotReturnable { returnable: 0, .. }),
        "{err:?}"
    );
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
    let Some(shopdesk_core::order::outbox::Attachment::Invoice(inv)) = &due[1].attachment else {
        panic!("the invoice e-mail carries the PDF");
    };
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
        ..Party::default()
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

#[test]
fn who_may_send_mail_now_and_change_the_smtp_password_is_core_s_rule() {
    let (f, _) = shop();
    let packer = shopdesk_testkit::shop::staff(&f.shop, &f.owner, "Kim", "Packer", "4444");
    f.shop
        .create_role(
            &f.owner,
            shopdesk_core::shop::staff::NewRole {
                name: "Stockroom".into(),
                permissions: vec![shopdesk_core::Permission::CatalogView],
            },
        )
        .unwrap();
    let stockroom = shopdesk_testkit::shop::staff(&f.shop, &f.owner, "Lou", "Stockroom", "5555");

    // Anyone who works the orders may push the outbox along; the stockroom may not. Without a
    // mail server the answer says so, with what waits.
    let err = f.shop.ready_to_send_mail_now(&stockroom).unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
    f.shop
        .create_order(
            &f.owner,
            &order_draft("zoe@example.ie", vec![line("TEE-S-SAGE", 1)]),
        )
        .unwrap();
    let err = f.shop.ready_to_send_mail_now(&packer).unwrap_err();
    assert!(
        matches!(err, Error::MailNotSetUp { waiting: 1 }),
        "the order's confirmation waits: {err:?}"
    );
    let mut settings = f.shop.order_settings(&f.owner).unwrap();
    settings.mail.smtp_host = "127.0.0.1".into();
    f.shop.save_order_settings(&f.owner, &settings).unwrap();
    f.shop.ready_to_send_mail_now(&packer).unwrap();

    // The SMTP password is a settings change: the owner may, a packer may not.
    assert!(f.shop.smtp_account_to_change(&f.owner).is_ok());
    let err = f.shop.smtp_account_to_change(&packer).unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err:?}");
}
