//! The counter receipt (80 or 58 mm): shop header, lines with their discounts, totals, the tax
//! breakdown per rate, tenders and change, the receipt number as a Code128 barcode to scan for a
//! return, and the shop's return policy.

use crate::roll::{local_text, Roll};
use crate::Paper;
use shopdesk_core::money::Money;
use shopdesk_core::sale::{LineKind, Receipt};

fn amount(m: Money) -> String {
    m.to_decimal_string()
}

pub fn receipt_pdf(r: &Receipt, paper: Paper) -> Vec<u8> {
    let s = &r.sale;
    let mut roll = Roll::new(paper);
    roll.center(&r.shop_name, true);
    for line in &r.header {
        roll.center(line, false);
    }
    roll.gap();
    let code = s.receipt_code.clone().unwrap_or_default();
    let refund = s.total.minor() < 0;
    roll.pair(if refund { "Refund" } else { "Receipt" }, &code);
    roll.line(
        s.completed_at
            .map(|t| local_text(&r.time_zone, t))
            .unwrap_or_default(),
    );
    roll.line(format!("Served by {}", s.staff_name));
    if let Some(c) = &s.customer {
        roll.line(format!("Customer: {}", c.name));
    }
    roll.rule();
    for l in s.lines.iter().filter(|l| l.void_reason.is_none()) {
        roll.line(match l.kind {
            LineKind::Return => format!("RETURN {}", l.title),
            _ => l.title.clone(),
        });
        let qty = format!("  {} x {}", l.quantity, amount(l.unit_price));
        let gross = l
            .unit_price
            .times(l.quantity)
            .map(amount)
            .unwrap_or_default();
        match l.kind {
            LineKind::Return => roll.pair(&qty, &amount(l.amount)),
            _ => {
                roll.pair(&qty, &gross);
                if l.unit_price != l.list_price {
                    roll.line(format!("  price changed from {}", amount(l.list_price)));
                }
                if l.discount_amount.minor() != 0 {
                    roll.pair("  discount", &format!("-{}", amount(l.discount_amount)));
                }
            }
        }
    }
    roll.rule();
    roll.pair("Subtotal", &amount(s.subtotal));
    if s.discount.minor() != 0 {
        let label = match &s.discount_code {
            Some(c) => format!("Discounts (code {c})"),
            None => "Discounts".into(),
        };
        roll.pair(&label, &format!("-{}", amount(s.discount)));
    }
    if s.returns.minor() != 0 {
        roll.pair("Returns", &amount(s.returns));
    }
    if !s.prices_include_tax {
        roll.pair("Tax", &amount(s.tax));
    }
    if s.rounding.minor() != 0 {
        roll.pair("Cash rounding", &amount(s.rounding));
    }
    roll.bold(format!(
        "{:<w$}{:>10}",
        if refund { "REFUND" } else { "TOTAL" },
        amount(s.total),
        w = roll.columns() - 10
    ));
    roll.gap();
    for t in &s.tenders {
        let label = match (&t.given, t.amount.minor() > 0) {
            (Some(g), true) if *g != t.amount => format!("{} (given {})", t.label, amount(*g)),
            _ => t.label.clone(),
        };
        roll.pair(&label, &amount(t.amount));
        if let Some(r) = &t.reference {
            roll.line(format!("  {r}"));
        }
    }
    if s.change.minor() != 0 {
        roll.pair("Change", &amount(s.change));
    }
    roll.rule();
    roll.line(if s.prices_include_tax {
        "Tax included:"
    } else {
        "Tax:"
    });
    for t in &s.taxes {
        roll.pair(
            &format!(
                "  {} on {}",
                t.name,
                amount(Money::from_minor(t.base_minor, s.total.currency()))
            ),
            &amount(Money::from_minor(t.tax_minor, s.total.currency())),
        );
    }
    roll.pair("  Total tax", &amount(s.tax));
    roll.line(format!("Amounts in {}", s.total.currency().code()));
    if !code.is_empty() {
        roll.barcode(&code);
    }
    if !r.footer.is_empty() {
        roll.gap();
        roll.line(r.footer.clone());
    }
    roll.finish()
}
