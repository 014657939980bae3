//! Invoices and credit notes read back with poppler: page size by the shop's country, names in
//! Latin, Greek and Cyrillic extractable as text, the font embedded as a subset, and a long
//! invoice breaking across pages with its table header repeated.

use shopdesk_core::order::{
    Address, OrderDraft, OrderLineDraft, PaymentDraft, ReturnDraft, ReturnLineDraft, ReturnReceipt,
    ShipmentDraft,
};
use shopdesk_documents::invoice_pdf;

mod common;
use common::{harbour_gifts, run, stocked};

fn pdf_text(dir: &std::path::Path, name: &str, pdf: &[u8]) -> (String, String) {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    let p = path.to_str().unwrap();
    (run("pdfinfo", &[p]), run("pdftotext", &["-layout", p, "-"]))
}

#[test]
fn an_invoice_and_its_credit_note_read_back_in_every_script() {
    let dir = tempfile::tempdir().unwrap();
    let (shop, owner, _) = harbour_gifts(dir.path(), "IE", "EUR");
    let mut s = shop.order_settings(&owner).unwrap();
    s.legal.legal_name = "Harbour Gifts Ltd".into();
    s.legal.legal_address = "3 Quay Street\nGalway H91 X2Y3".into();
    s.legal.tax_id = "IE1234567T".into();
    shop.save_order_settings(&owner, &s).unwrap();
    stocked(&shop, &owner, "Café Mug — Ελένη edition", "MUG", "", 500);
    stocked(&shop, &owner, "Открытка Юлия", "CARD", "", 500);
    let lines: Vec<OrderLineDraft> = (0..60)
        .map(|i| OrderLineDraft {
            sku: if i % 2 == 0 { "MUG" } else { "CARD" }.into(),
            quantity: 1 + i % 3,
            ..Default::default()
        })
        .collect();
    let order = shop
        .create_order(
            &owner,
            &OrderDraft {
                email: "zoe@example.pl".into(),
                shipping: Address {
                    name: "Zoë Müller".into(),
                    line1: "ul. Piotrkowska 1".into(),
                    city: "Łódź".into(),
                    postal_code: "90-001".into(),
                    country: "PL".into(),
                    ..Default::default()
                },
                lines,
                shipping_method: "DHL".into(),
                shipping_price: "9.90".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let inv = shop.issue_order_invoice(&owner, &order.id).unwrap();
    let started = std::time::Instant::now();
    let pdf = invoice_pdf(&inv);
    let took = started.elapsed();
    let (info, text) = pdf_text(dir.path(), "invoice.pdf", &pdf);
    assert!(info.contains("595.28 x 841.89 pts (A4)"), "{info}");
    let pages: usize = info
        .lines()
        .find(|l| l.starts_with("Pages:"))
        .and_then(|l| l.split_whitespace().last())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(pages >= 2, "60 lines need more than one page: {pages}");
    for want in [
        "INVOICE",
        &inv.code,
        "Harbour Gifts Ltd",
        "IE1234567T",
        "Zoë Müller",
        "Łódź",
        "Ελένη",
        "Юлия",
        "VAT 23% on 1208.05",
        "Balance due",
        &format!("{} EUR", inv.total.to_decimal_string()),
        &format!("Page {pages} of {pages}"),
    ] {
        assert!(text.contains(want), "'{want}' missing from:\n{text}");
    }
    assert_eq!(
        text.matches("Description").count(),
        pages,
        "the table header is repeated on every page"
    );
    let fonts = run(
        "pdffonts",
        &[dir.path().join("invoice.pdf").to_str().unwrap()],
    );
    assert!(
        fonts.contains("DejaVuSans") && fonts.contains("CID TrueType"),
        "{fonts}"
    );
    assert!(
        fonts.lines().skip(2).all(|l| l.contains("yes yes yes")),
        "embedded, subset, with a ToUnicode map:\n{fonts}"
    );
    assert!(
        pdf.len() < 120_000,
        "a subset, not the whole font: {} bytes",
        pdf.len()
    );
    assert!(took.as_millis() < 2000, "rendering took {took:?}");

    // Ship, return one mug, refund: the credit note.
    let paid = shop
        .record_order_payment(
            &owner,
            &order.id,
            &PaymentDraft {
                method: "card".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let shipped = shop
        .ship_order(&owner, &paid.id, &ShipmentDraft::default())
        .unwrap();
    let mug = shipped.items().next().unwrap().id.clone();
    let o = shop
        .authorise_return(
            &owner,
            &order.id,
            &ReturnDraft {
                reason: "chipped".into(),
                lines: vec![ReturnLineDraft {
                    order_line_id: mug,
                    quantity: 1,
                }],
            },
        )
        .unwrap();
    shop.receive_return(&owner, &o.returns[0].id, &ReturnReceipt::default())
        .unwrap();
    let o = shop
        .refund_return(&owner, &o.returns[0].id, "card")
        .unwrap();
    let cn = o
        .invoices
        .iter()
        .find(|i| i.code.starts_with("CN-"))
        .unwrap();
    let cn = shop.invoice(&owner, &cn.id).unwrap();
    let (_, text) = pdf_text(dir.path(), "credit.pdf", &invoice_pdf(&cn));
    for want in [
        "CREDIT NOTE",
        cn.code.as_str(),
        inv.code.as_str(),
        "-12.30",
        "Reason: chipped",
        "Total credited",
    ] {
        assert!(text.contains(want), "'{want}' missing from:\n{text}");
    }
}

#[test]
fn a_us_shop_prints_on_letter() {
    let dir = tempfile::tempdir().unwrap();
    let (shop, owner, _) = harbour_gifts(dir.path(), "US", "USD");
    stocked(&shop, &owner, "Mug", "MUG", "", 5);
    let order = shop
        .create_order(
            &owner,
            &OrderDraft {
                email: "sam@example.com".into(),
                shipping: Address {
                    name: "Sam Lee".into(),
                    line1: "1 Main St".into(),
                    city: "Albany".into(),
                    region: "NY".into(),
                    postal_code: "12207".into(),
                    country: "US".into(),
                    ..Default::default()
                },
                lines: vec![OrderLineDraft {
                    sku: "MUG".into(),
                    quantity: 1,
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .unwrap();
    let inv = shop.issue_order_invoice(&owner, &order.id).unwrap();
    let (info, text) = pdf_text(dir.path(), "letter.pdf", &invoice_pdf(&inv));
    assert!(info.contains("612 x 792 pts (letter)"), "{info}");
    assert!(
        text.contains("Sam Lee") && text.contains("Page 1 of 1"),
        "{text}"
    );
}
