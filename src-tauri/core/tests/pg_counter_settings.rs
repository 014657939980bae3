//! The counter's settings are kept alike on both engines: the same taxes, rounding, footer and
//! discount code saved, and the same refusals (a negative cash step, a rate without a name, a
//! code of two words), on the standalone shop and on a station of the shared one; and so are the
//! back office's order settings (legal details, risk, the mail account) and its carriers.

mod common;

use shopdesk_core::order::carrier::Carrier;
use shopdesk_core::sale::settings::{CounterSettings, DiscountCodeDraft};
use shopdesk_core::tax::TaxRate;
use shopdesk_core::{Session, Shop};

fn edits(shop: &Shop, owner: &Session) -> (CounterSettings, Vec<String>) {
    let mut s = shop.counter_settings(owner).unwrap();
    s.receipt_footer = "Thank you — see you at the harbour".into();
    s.cash_rounding = "0.05".into();
    s.discount_limit_percent = "12.5".into();
    s.rates.push(TaxRate {
        tax_class: "books".into(),
        name: "VAT 0%".into(),
        rate_bp: 0,
    });
    let saved = shop.save_counter_settings(owner, &s).unwrap();
    let mut refused = Vec::new();
    let mut bad = s.clone();
    bad.cash_rounding = "-0.05".into();
    refused.push(
        shop.save_counter_settings(owner, &bad)
            .unwrap_err()
            .to_string(),
    );
    let mut bad = s.clone();
    bad.rates[0].name = " ".into();
    refused.push(
        shop.save_counter_settings(owner, &bad)
            .unwrap_err()
            .to_string(),
    );
    let code = |code: &str| DiscountCodeDraft {
        code: code.into(),
        kind: "percent".into(),
        value: "10".into(),
    };
    shop.save_discount_code(owner, &code("harbour10")).unwrap();
    shop.save_discount_code(owner, &code("HARBOUR10")).unwrap();
    refused.push(
        shop.save_discount_code(owner, &code("two words"))
            .unwrap_err()
            .to_string(),
    );
    assert_eq!(
        shop.counter_settings(owner).unwrap(),
        saved,
        "refusals changed nothing"
    );
    (saved, refused)
}

#[test]
fn counter_settings_are_kept_alike_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let pair = common::stations::demo_pair(dir.path(), 0, 0);
    let on_file = edits(&pair.standalone, &pair.owner);
    let on_server = edits(&pair.station, &pair.owner);
    assert_eq!(on_server, on_file);
    assert_eq!(on_file.0.cash_rounding, "0.05");
    assert_eq!(on_file.1.len(), 3);
    // The code once, upper-cased, on the server.
    let mut pair = pair;
    let held: Vec<(String, i64)> = pair
        .shared
        .client
        .query("SELECT code::text, value FROM discount_code", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(held, [("HARBOUR10".to_string(), 1000)]);
}

/// The back office's order settings (legal details, risk, the mail account) and a carrier of
/// its own, saved and refused alike.
fn order_edits(shop: &Shop, owner: &Session) -> Vec<String> {
    let mut s = shop.order_settings(owner).unwrap();
    s.legal.legal_name = "Harbour & Pine Ltd".into();
    s.legal.invoice_prefix = "hp".into();
    s.legal.payment_terms_days = 14;
    s.risk.hold_score = 70;
    s.mail.smtp_host = "smtp.harbour.example".into();
    s.mail.smtp_port = 587;
    s.mail.smtp_username = "orders".into();
    s.mail.mail_from = "Harbour & Pine <orders@harbour.example>".into();
    let saved = shop.save_order_settings(owner, &s).unwrap();
    let mut seen = vec![format!("{:?}", saved)];
    let mut bad = s.clone();
    bad.legal.credit_note_prefix = "HP".into();
    seen.push(
        shop.save_order_settings(owner, &bad)
            .unwrap_err()
            .to_string(),
    );
    let mut bad = s.clone();
    bad.mail.mail_from = "not an address".into();
    seen.push(
        shop.save_order_settings(owner, &bad)
            .unwrap_err()
            .to_string(),
    );
    seen.push(format!("{:?}", shop.mail_settings().unwrap()));
    seen.push(format!("{:?}", shop.order_settings(owner).unwrap()));

    let courier = Carrier {
        code: String::new(),
        name: "Galway Bike Courier".into(),
        tracking_url: "https://bike.example/t/{tracking}".into(),
        own: true,
        custom: true,
        claim_days: 10,
    };
    seen.push(format!("{:?}", shop.save_carrier(owner, &courier).unwrap()));
    let again = Carrier {
        claim_days: 20,
        code: "galway_bike_courier".into(),
        ..courier.clone()
    };
    seen.push(format!("{:?}", shop.save_carrier(owner, &again).unwrap()));
    let same_name = Carrier {
        code: "other".into(),
        ..courier.clone()
    };
    seen.push(
        shop.save_carrier(owner, &same_name)
            .unwrap_err()
            .to_string(),
    );
    let bad = Carrier {
        tracking_url: "http://bike.example".into(),
        ..courier
    };
    seen.push(shop.save_carrier(owner, &bad).unwrap_err().to_string());
    seen.push(format!("{:?}", shop.carriers().unwrap()));
    seen
}

#[test]
fn order_settings_and_carriers_are_kept_alike_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let pair = common::stations::demo_pair(dir.path(), 0, 0);
    let on_file = order_edits(&pair.standalone, &pair.owner);
    let on_server = order_edits(&pair.station, &pair.owner);
    let _ = common::stations::alike(&on_file, &on_server);
    assert!(
        on_file[0].contains("invoice_prefix: \"HP\""),
        "{}",
        on_file[0]
    );
    assert!(on_file[1].contains("different prefixes"), "{}", on_file[1]);
    assert!(
        on_file[2].contains("not a sender address"),
        "{}",
        on_file[2]
    );
    assert!(on_file[3].contains("smtp_port: 587"), "{}", on_file[3]);
    assert!(on_file[6].contains("claim_days: 20"), "{}", on_file[6]);
    assert!(on_file[7].contains("already called"), "{}", on_file[7]);
    assert!(on_file[8].contains("https://"), "{}", on_file[8]);
    assert!(on_file[9].contains("Galway Bike Courier"), "{}", on_file[9]);
}
