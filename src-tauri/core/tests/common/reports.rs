//! Report fixtures: a Dublin shop on a clock the test moves, counter sales, and two days of trade
//! every report reads; helpers to read a report's figures.

use super::orders::{dublin, line, pay_all, ship_all};
use super::*;
use shopdesk_core::order::{OrderDraft, ReturnDraft, ReturnLineDraft, ReturnReceipt};
use shopdesk_core::report::{Cell, Report, ReportName, ReportQuery};
use shopdesk_core::sale::shift::DenominationCount;
use shopdesk_core::sale::{DiscountDraft, DiscountKind, SaleEdit, TenderDraft, TenderKind};
use shopdesk_core::{FixedClock, Timestamp};
use std::sync::Arc;

pub fn at(text: &str) -> i64 {
    Timestamp::parse_rfc3339(text).unwrap().0
}

/// A Dublin shop on a clock the test moves, with the tee in stock at a cost of 10.00: the shop,
/// the tee's variant ids and its product id.
pub fn shop_at(when: &str) -> (Fixture, Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(at(when)));
    let (shop, owner) =
        shopdesk_testkit::shop::open(dir.path(), "Corner Books", "ie", "EUR", clock.clone());
    let f = Fixture {
        _dir: dir,
        clock,
        shop,
        owner,
    };
    let mut draft = tee();
    for v in &mut draft.variants {
        v.cost = "10.00".into();
    }
    let p = f.shop.create_product(&f.owner, draft).unwrap();
    let (floor, _) = locations(&f);
    let ids: Vec<String> = p.variants.iter().map(|v| v.id.clone()).collect();
    for v in &ids {
        adjust(&f, v, &floor, 50);
    }
    (f, ids, p.id)
}

pub fn move_to(f: &Fixture, when: &str) {
    let target = at(when);
    let current = shopdesk_core::Clock::now(&*f.clock).0;
    assert!(target >= current, "the test clock only moves forward");
    f.clock.advance_ms(target - current);
}

pub fn sell(f: &Fixture, codes: &[&str], discount: Option<&str>) -> shopdesk_core::sale::Sale {
    sell_as(f, &f.owner, codes, discount)
}

/// A counter sale rung up by `by`, paid by card.
pub fn sell_as(
    f: &Fixture,
    by: &shopdesk_core::Session,
    codes: &[&str],
    discount: Option<&str>,
) -> shopdesk_core::sale::Sale {
    let s = f.shop.new_sale(by).unwrap();
    for c in codes {
        f.shop
            .edit_sale(by, &s.id, &SaleEdit::Scan { code: (*c).into() }, None)
            .unwrap();
    }
    if let Some(d) = discount {
        f.shop
            .edit_sale(
                by,
                &s.id,
                &SaleEdit::CartDiscount {
                    discount: Some(DiscountDraft {
                        kind: DiscountKind::Percent,
                        value: d.into(),
                    }),
                },
                None,
            )
            .unwrap();
    }
    f.shop
        .complete_sale(
            by,
            &s.id,
            &[TenderDraft {
                kind: Some(TenderKind::Card),
                ..TenderDraft::default()
            }],
        )
        .unwrap()
}

pub fn query(from: &str, to: &str) -> ReportQuery {
    ReportQuery {
        from: from.into(),
        to: to.into(),
        ..ReportQuery::default()
    }
}

pub fn report(f: &Fixture, name: ReportName, q: &ReportQuery) -> Report {
    f.shop.report(&f.owner, name, q).unwrap()
}

pub fn kpi(r: &Report, key: &str) -> i64 {
    r.kpis.iter().find(|k| k.key == key).unwrap().value
}

/// The column `key` of a table, summed over its rows (not its total row).
pub fn column_sum(r: &Report, key: &str) -> i64 {
    let i = r.columns.iter().position(|c| c.key == key).unwrap();
    r.rows
        .iter()
        .map(|row| match row.cells[i] {
            Cell::Number(n) => n,
            _ => 0,
        })
        .sum()
}

pub fn cell(r: &Report, row_key: &str, col: &str) -> i64 {
    let i = r.columns.iter().position(|c| c.key == col).unwrap();
    let row = r.rows.iter().find(|row| row.key == row_key).unwrap();
    match row.cells[i] {
        Cell::Number(n) => n,
        ref other => panic!("{col} of {row_key} is {other:?}"),
    }
}

/// Two days of trade: counter sales with discounts and a return, a closed shift, orders shipped,
/// one returned and refunded, one cancelled.
pub fn history() -> (Fixture, Vec<String>) {
    let (f, ids, _) = shop_at("2026-11-02T09:00:00Z");
    f.shop.open_shift(&f.owner, "100.00").unwrap();
    let first = sell(&f, &["TEE-S-SAGE", "TEE-S-SAGE", "TEE-M-INK"], Some("10"));
    sell(&f, &["TEE-M-SAGE"], None);
    move_to(&f, "2026-11-02T15:00:00Z");
    let r = f.shop.new_sale(&f.owner).unwrap();
    f.shop
        .edit_sale(
            &f.owner,
            &r.id,
            &SaleEdit::Return {
                line_id: first.lines[0].id.clone(),
                quantity: 1,
                restock: true,
            },
            None,
        )
        .unwrap();
    f.shop
        .complete_sale(
            &f.owner,
            &r.id,
            &[TenderDraft {
                kind: Some(TenderKind::Cash),
                ..TenderDraft::default()
            }],
        )
        .unwrap();
    move_to(&f, "2026-11-02T18:00:00Z");
    let z = f.shop.current_shift(&f.owner).unwrap().unwrap();
    f.shop
        .close_shift(
            &f.owner,
            &[
                DenominationCount {
                    denomination_minor: 100,
                    count: z.expected_cash.minor() / 100,
                },
                DenominationCount {
                    denomination_minor: 1,
                    count: z.expected_cash.minor() % 100,
                },
            ],
        )
        .unwrap();

    move_to(&f, "2026-11-03T10:00:00Z");
    let draft = |email: &str, lines| OrderDraft {
        email: email.into(),
        shipping: dublin("Zoë Müller"),
        lines,
        shipping_method: "An Post".into(),
        shipping_price: "5.00".into(),
        channel: "shopify".into(),
        ..OrderDraft::default()
    };
    let o1 = f
        .shop
        .create_order(
            &f.owner,
            &draft("zoe@example.ie", vec![line("TEE-M-INK", 2)]),
        )
        .unwrap();
    let o1 = ship_all(&f, &pay_all(&f, &o1));
    let o2 = f
        .shop
        .create_order(
            &f.owner,
            &draft(
                "ann@example.ie",
                vec![line("TEE-S-SAGE", 1), line("TEE-M-SAGE", 3)],
            ),
        )
        .unwrap();
    ship_all(&f, &pay_all(&f, &o2));
    let o3 = f
        .shop
        .create_order(
            &f.owner,
            &draft("bob@example.ie", vec![line("TEE-M-SAGE", 1)]),
        )
        .unwrap();
    f.shop
        .cancel_order(&f.owner, &o3.id, "customer asked")
        .unwrap();
    move_to(&f, "2026-11-03T16:00:00Z");
    let ink = o1.lines.iter().find(|l| l.sku == "TEE-M-INK").unwrap();
    let o1 = f
        .shop
        .authorise_return(
            &f.owner,
            &o1.id,
            &ReturnDraft {
                reason: "too small".into(),
                lines: vec![ReturnLineDraft {
                    order_line_id: ink.id.clone(),
                    quantity: 1,
                }],
            },
        )
        .unwrap();
    let ret = o1.returns[0].id.clone();
    f.shop
        .receive_return(&f.owner, &ret, &ReturnReceipt::default())
        .unwrap();
    f.shop.refund_return(&f.owner, &ret, "card").unwrap();
    (f, ids)
}
