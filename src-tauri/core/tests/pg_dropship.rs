//! Dropship and an order's e-mails on the shop's server: a supplier's item forwarded with its
//! supplier order e-mailed, the supplier's tracking completing the shipment once, an order's
//! e-mail sent by hand, a customer's reply recorded and the templates edited — alike on the
//! standalone file and on a station of the same shop shared.

mod common;

use common::orders::{line, order_draft, shop};
use common::stations::without_ids;
use shopdesk_core::order::outbox::EmailTemplate;
use shopdesk_core::stock::purchase::SupplierDraft;
use shopdesk_core::{Session, Shop};

fn story(shop: &Shop, owner: &Session, ink: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut said = |what: &str, text: String| seen.push(format!("{what}: {text}"));
    let supplier = shop
        .save_supplier(
            owner,
            SupplierDraft {
                name: "Print Co".into(),
                email: "orders@printco.example".into(),
                ..Default::default()
            },
        )
        .unwrap();
    shop.set_dropship_supplier(owner, ink, Some(&supplier.id))
        .unwrap();
    said(
        "unknown supplier",
        shop.set_dropship_supplier(owner, ink, Some("no-such-supplier"))
            .unwrap_err()
            .to_string(),
    );
    let order = shop
        .create_order(
            owner,
            &order_draft(
                "zoe@example.ie",
                vec![line("TEE-S-SAGE", 1), line("TEE-M-INK", 2)],
            ),
        )
        .unwrap();
    let sent = shop.forward_dropship(owner, &order.id).unwrap();
    said("forwarded", without_ids(&sent));
    said(
        "again",
        shop.forward_dropship(owner, &order.id)
            .unwrap_err()
            .to_string(),
    );
    said(
        "levels",
        without_ids(&shop.stock_levels(owner, ink).unwrap()),
    );

    let mut template = shop
        .email_templates(owner)
        .unwrap()
        .into_iter()
        .find(|t| t.kind == "invoice")
        .unwrap();
    template.subject = "Your invoice for {order_number}".into();
    shop.save_email_template(owner, &template).unwrap();
    let not_a_template = EmailTemplate {
        kind: "poem".into(),
        ..template.clone()
    };
    said(
        "not a template",
        shop.save_email_template(owner, &not_a_template)
            .unwrap_err()
            .to_string(),
    );
    said(
        "templates",
        format!(
            "{:?}",
            shop.email_templates(owner)
                .unwrap()
                .iter()
                .map(|t| (&t.kind, &t.subject))
                .collect::<Vec<_>>()
        ),
    );
    said(
        "invoice mailed",
        without_ids(&shop.email_order(owner, &order.id, "invoice").unwrap()),
    );
    said(
        "not shipped",
        shop.email_order(owner, &order.id, "shipment")
            .unwrap_err()
            .to_string(),
    );
    said(
        "reply",
        without_ids(
            &shop
                .record_reply(
                    owner,
                    &order.id,
                    "zoe@example.ie",
                    "Re: your order",
                    "Thanks!",
                )
                .unwrap(),
        ),
    );

    let shipped = shop
        .complete_dropship(owner, &sent[0].id, "An Post", "CE000111222IE")
        .unwrap();
    said("completed", without_ids(&shipped));
    said(
        "completed again",
        shop.complete_dropship(owner, &sent[0].id, "An Post", "CE000111222IE")
            .unwrap_err()
            .to_string(),
    );
    said(
        "supplier orders",
        without_ids(&shop.supplier_orders_of(owner, &order.id).unwrap()),
    );
    said(
        "shipment mailed",
        without_ids(&shop.email_order(owner, &order.id, "shipment").unwrap()),
    );
    said("outbox", without_ids(&shop.outbox(owner).unwrap()));
    seen
}

#[test]
fn dropship_and_an_orders_emails_run_alike_on_the_file_and_on_the_server() {
    let (f, ids) = shop();
    let shared = common::stations::share(&f.shop, &f.owner);
    let dir = tempfile::tempdir().unwrap();
    let station = shared.station(dir.path(), "office2", f.clock.clone());

    let on_file = story(&f.shop, &f.owner, &ids[2]);
    let on_server = story(&station, &f.owner, &ids[2]);
    // The same on both, and what it should be.
    let step = common::stations::alike(&on_file, &on_server);
    assert!(
        step("forwarded").contains("DS-00001"),
        "{}",
        step("forwarded")
    );
    assert!(
        step("again").contains("nothing a supplier ships"),
        "{}",
        step("again")
    );
    assert!(step("not a template").contains("not a template"));
    assert!(step("templates").contains("Your invoice for {order_number}"));
    assert!(
        step("invoice mailed").contains("Your invoice for #1"),
        "{}",
        step("invoice mailed")
    );
    assert!(step("not shipped").contains("not shipped yet"));
    assert!(step("completed").contains("CE000111222IE"));
    assert!(
        step("completed again").contains("already shipped"),
        "{}",
        step("completed again")
    );
    assert!(step("shipment mailed").contains("CE000111222IE"));
}
