//! The Z report of a closed shift, on the receipt roll (and readable as a PDF on screen): sales,
//! discounts, returns, voids, taxes per rate, totals per tender and the cash count.

use crate::roll::{local_text, Roll};
use crate::Paper;
use shopdesk_core::money::{Currency, Money};
use shopdesk_core::sale::shift::ZReport;

pub fn z_report_pdf(z: &ZReport, paper: Paper) -> Vec<u8> {
    let cur = Currency::from_code(&z.currency).ok();
    let amount = |v: i64| match cur {
        Some(c) => Money::from_minor(v, c).to_decimal_string(),
        None => v.to_string(),
    };
    let mut roll = Roll::new(paper);
    roll.center(&z.shop_name, true);
    roll.center(&format!("Z REPORT - SHIFT {}", z.shift_number), true);
    roll.gap();
    roll.line(format!(
        "Opened {} by {}",
        local_text(&z.time_zone, z.opened_at),
        z.opened_by
    ));
    roll.line(format!(
        "Closed {} by {}",
        local_text(&z.time_zone, z.closed_at),
        z.closed_by
    ));
    roll.line(format!("Amounts in {}", z.currency));
    roll.rule();
    roll.pair(
        &format!("Sales ({})", z.sales_count),
        &amount(z.gross_minor),
    );
    roll.pair("Discounts", &amount(-z.discounts_minor));
    roll.pair(
        &format!("Returns ({})", z.returns_count),
        &amount(z.returns_minor),
    );
    roll.pair("Cash rounding", &amount(z.rounding_minor));
    roll.pair("NET TAKINGS", &amount(z.net_minor));
    roll.pair(
        &format!("Voided sales ({})", z.voided_sales),
        &amount(z.voided_minor),
    );
    roll.pair("Voided lines", &z.voided_lines.to_string());
    roll.rule();
    roll.line("Tax");
    for t in &z.taxes {
        roll.pair(
            &format!("  {} on {}", t.name, amount(t.base_minor)),
            &amount(t.tax_minor),
        );
    }
    roll.pair("  Total tax", &amount(z.tax_minor));
    roll.rule();
    roll.line("Tenders");
    for t in &z.tenders {
        roll.pair(
            &format!("  {} ({})", t.label, t.count),
            &amount(t.amount_minor),
        );
    }
    roll.rule();
    roll.line("Cash drawer");
    roll.pair("  Float", &amount(z.float_minor));
    roll.pair("  Cash in", &amount(z.cash_in_minor));
    roll.pair("  Cash out", &amount(z.cash_out_minor));
    roll.pair("  Expected", &amount(z.expected_cash_minor));
    for c in &z.counts {
        roll.pair(
            &format!("    {} x {}", c.count, amount(c.denomination_minor)),
            &amount(c.count * c.denomination_minor),
        );
    }
    roll.pair("  Counted", &amount(z.counted_cash_minor));
    roll.bold(format!(
        "{:<w$}{:>12}",
        if z.over_short_minor < 0 {
            "  SHORT"
        } else {
            "  OVER"
        },
        amount(z.over_short_minor),
        w = roll.columns() - 12
    ));
    roll.finish()
}
