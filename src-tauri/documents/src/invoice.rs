//! An invoice or credit note on A4 or Letter: seller and buyer, lines, tax per rate, totals,
//! payment terms. Every figure comes from core's frozen `Invoice`.

use crate::page::{Align, Column, Sheet, MARGIN};
use shopdesk_core::order::invoice::{Invoice, InvoiceKind};
use shopdesk_core::{Money, ShopZone};

fn amount(m: &Money) -> String {
    m.to_decimal_string()
}

fn rate_text(bp: i64) -> String {
    let whole = bp / 100;
    match bp % 100 {
        0 => format!("{whole}%"),
        frac if frac % 10 == 0 => format!("{whole}.{}%", frac / 10),
        frac => format!("{whole}.{frac:02}%"),
    }
}

pub fn invoice_pdf(inv: &Invoice) -> Vec<u8> {
    let credit = inv.kind == InvoiceKind::CreditNote;
    let mut footer = inv.seller.name.clone();
    if !inv.seller.tax_id.is_empty() {
        footer.push_str(&format!(" · VAT/Tax ID {}", inv.seller.tax_id));
    }
    footer.push_str(&format!(" · {}", inv.code));
    let mut s = Sheet::new(inv.paper, footer);
    let right = s.right();
    let top = s.y();

    // Seller, top left.
    s.put(MARGIN, top - 16.0, &inv.seller.name, 16.0, true);
    let mut y = top - 32.0;
    let mut seller_lines = inv.seller.lines.clone();
    if !inv.seller.tax_id.is_empty() {
        seller_lines.push(format!("VAT/Tax ID: {}", inv.seller.tax_id));
    }
    for contact in [&inv.seller.email, &inv.seller.phone] {
        if !contact.is_empty() {
            seller_lines.push(contact.clone());
        }
    }
    for l in &seller_lines {
        s.put(MARGIN, y, l, 9.0, false);
        y -= 12.0;
    }

    // Title and references, top right.
    let title = if credit { "CREDIT NOTE" } else { "INVOICE" };
    s.put_right(right, top - 18.0, title, 20.0, true);
    let mut refs: Vec<(String, String)> = vec![
        ("Number".into(), inv.code.clone()),
        (
            "Date".into(),
            ShopZone::named(&inv.time_zone).date_text(inv.issued_at),
        ),
    ];
    if let Some(d) = inv.due_at {
        refs.push(("Due".into(), ShopZone::named(&inv.time_zone).date_text(d)));
    }
    if let Some(c) = &inv.credits {
        refs.push(("Corrects invoice".into(), c.clone()));
    }
    if let Some(o) = &inv.order {
        refs.push(("Order".into(), o.clone()));
    }
    if let Some(r) = &inv.receipt {
        refs.push(("Receipt".into(), r.clone()));
    }
    let mut ry = top - 38.0;
    for (k, v) in &refs {
        s.put_right(right - 110.0, ry, k, 9.0, false);
        s.put_right(right, ry, v, 9.0, true);
        ry -= 12.0;
    }
    s.set_y(y.min(ry) - 16.0);

    // Buyer and delivery address.
    let block_top = s.y();
    s.put(MARGIN, block_top, "Bill to", 8.5, true);
    let mut by = block_top - 13.0;
    let mut buyer = vec![inv.buyer.name.clone()];
    buyer.extend(inv.buyer.lines.iter().cloned());
    if !inv.buyer.tax_id.is_empty() {
        buyer.push(format!("VAT/Tax ID: {}", inv.buyer.tax_id));
    }
    if !inv.buyer.email.is_empty() {
        buyer.push(inv.buyer.email.clone());
    }
    for l in buyer.iter().filter(|l| !l.is_empty()) {
        s.put(MARGIN, by, l, 9.5, false);
        by -= 12.5;
    }
    let mut sy = block_top - 13.0;
    if !inv.ship_to.is_empty() {
        let x = MARGIN + s.text_width() / 2.0;
        s.put(x, block_top, "Ship to", 8.5, true);
        for l in &inv.ship_to {
            s.put(x, sy, l, 9.5, false);
            sy -= 12.5;
        }
    }
    s.set_y(by.min(sy) - 14.0);

    // Lines.
    s.start_table(vec![
        Column {
            title: "Description".into(),
            width: 40.0,
            align: Align::Left,
        },
        Column {
            title: "Qty".into(),
            width: 7.0,
            align: Align::Right,
        },
        Column {
            title: "Unit price".into(),
            width: 12.0,
            align: Align::Right,
        },
        Column {
            title: "Discount".into(),
            width: 11.0,
            align: Align::Right,
        },
        Column {
            title: "Tax".into(),
            width: 14.0,
            align: Align::Right,
        },
        Column {
            title: "Amount".into(),
            width: 13.0,
            align: Align::Right,
        },
    ]);
    for l in &inv.lines {
        let mut description = l.description.clone();
        if !l.sku.is_empty() {
            description.push_str(&format!(" ({})", l.sku));
        }
        let tax = if l.tax_rate.is_empty() {
            amount(&l.tax)
        } else {
            format!(
                "{} {}",
                amount(&l.tax),
                l.tax_rate.split(' ').next_back().unwrap_or("")
            )
        };
        let discount = if l.discount.minor() == 0 {
            String::new()
        } else {
            amount(&l.discount)
        };
        let line_amount = if inv.prices_include_tax {
            &l.total
        } else {
            &l.net
        };
        s.row(
            &[
                description,
                l.quantity.to_string(),
                amount(&l.unit_price),
                discount,
                tax,
                amount(line_amount),
            ],
            9.0,
        );
    }
    s.end_table();

    // Totals, right aligned.
    s.ensure(40.0 + 14.0 * (inv.taxes.len() as f32 + 5.0));
    let label_x = right - 130.0;
    let total_line = |s: &mut Sheet, label: &str, value: String, bold: bool| {
        s.gap(14.0);
        let y = s.y();
        s.put_right(label_x, y, label, 9.5, bold);
        s.put_right(right, y, &value, 9.5, bold);
    };
    s.gap(4.0);
    total_line(&mut s, "Net", amount(&inv.net), false);
    if inv.discount.minor() != 0 {
        total_line(&mut s, "of which discounts", amount(&inv.discount), false);
    }
    for t in &inv.taxes {
        // Rate names usually carry their rate ("VAT 23%"); add it when they do not.
        let name = if t.name.contains('%') {
            t.name.clone()
        } else {
            format!("{} {}", t.name, rate_text(t.rate_bp))
        };
        let label = format!(
            "{name} on {}",
            Money::from_minor(t.base_minor, inv.total.currency()).to_decimal_string()
        );
        total_line(
            &mut s,
            &label,
            Money::from_minor(t.tax_minor, inv.total.currency()).to_decimal_string(),
            false,
        );
    }
    let total_label = if credit { "Total credited" } else { "Total" };
    total_line(
        &mut s,
        total_label,
        format!("{} {}", amount(&inv.total), inv.currency),
        true,
    );
    if !credit {
        total_line(&mut s, "Paid", amount(&inv.paid), false);
        total_line(
            &mut s,
            "Balance due",
            format!("{} {}", amount(&inv.balance), inv.currency),
            true,
        );
    }
    if inv.prices_include_tax {
        s.gap(16.0);
        let y = s.y();
        s.put(MARGIN, y, "Prices include tax.", 8.5, false);
    }
    s.gap(10.0);
    let width = s.text_width();
    if !inv.payment_terms.is_empty() {
        s.paragraph(MARGIN, width, &inv.payment_terms, 9.5, true);
    }
    if !inv.note.is_empty() {
        s.paragraph(MARGIN, width, &format!("Reason: {}", inv.note), 9.5, false);
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_print_as_people_write_them() {
        assert_eq!(rate_text(2300), "23%");
        assert_eq!(rate_text(1350), "13.5%");
        assert_eq!(rate_text(725), "7.25%");
    }
}
