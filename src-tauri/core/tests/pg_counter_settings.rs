//! The counter's settings are kept alike on both engines: the same taxes, rounding, footer and
//! discount code saved, and the same refusals (a negative cash step, a rate without a name, a
//! code of two words), on the standalone shop and on a station of the shared one.

mod common;

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
