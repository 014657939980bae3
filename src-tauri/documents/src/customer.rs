//! A customer's record as a readable PDF, beside the JSON of a GDPR access request: who they
//! are, how to reach them, their consent, and every order, counter sale, store credit move,
//! claim and message the shop holds, with times on the shop's clock.

use crate::page::{Align, Column, Sheet, MARGIN};
use crate::roll::local_text;
use shopdesk_core::customer::record::CustomerProfile;
use shopdesk_core::order::invoice::PaperSize;

/// `zone` is the shop's time zone; `made` when the export was made (already on the shop's clock).
pub fn customer_record_pdf(
    p: &CustomerProfile,
    shop: &str,
    zone: &str,
    made: &str,
    paper: PaperSize,
) -> Vec<u8> {
    let mut s = Sheet::new(
        paper,
        format!("{shop} · data held about {}", p.customer.name),
    );
    let top = s.y();
    s.put(MARGIN, top - 18.0, "YOUR DATA", 18.0, true);
    s.put(
        MARGIN,
        top - 34.0,
        &format!("Held by {shop} about {} · exported {made}", p.customer.name),
        10.0,
        false,
    );
    s.set_y(top - 52.0);
    let width = s.text_width();
    let when = |t| local_text(zone, t);
    let mut facts = vec![format!("Name: {}", p.customer.name)];
    facts.extend(p.customer.email.iter().map(|e| format!("E-mail: {e}")));
    facts.extend(
        p.emails
            .iter()
            .map(|c| format!("E-mail ({}): {}", label(&c.label), c.value)),
    );
    facts.extend(p.customer.phone.iter().map(|t| format!("Phone: {t}")));
    facts.extend(
        p.phones
            .iter()
            .map(|c| format!("Phone ({}): {}", label(&c.label), c.value)),
    );
    let a = &p.address;
    let address: Vec<&str> = [
        &a.line1,
        &a.line2,
        &a.city,
        &a.region,
        &a.postal_code,
        &a.country,
    ]
    .into_iter()
    .map(String::as_str)
    .filter(|l| !l.is_empty())
    .collect();
    if !address.is_empty() {
        facts.push(format!("Address: {}", address.join(", ")));
    }
    facts.push(match (p.consent.given, p.consent.at) {
        (true, Some(at)) => format!(
            "Marketing e-mail: agreed {} ({})",
            when(at),
            p.consent.source
        ),
        (false, Some(at)) => format!(
            "Marketing e-mail: withdrawn {} ({})",
            when(at),
            p.consent.source
        ),
        _ => "Marketing e-mail: never agreed".to_string(),
    });
    if !p.tags.is_empty() {
        facts.push(format!("Tags: {}", p.tags.join(", ")));
    }
    if !p.note.is_empty() {
        facts.push(format!("Note: {}", p.note));
    }
    facts.push(format!("Customer since {}", when(p.created_at)));
    for f in &facts {
        s.paragraph(MARGIN, width, f, 10.0, false);
    }
    s.gap(10.0);
    s.put(MARGIN, s.y() - 12.0, "Orders and counter sales", 11.0, true);
    s.gap(18.0);
    s.start_table(vec![
        Column::new("Document", 0.4, Align::Left),
        Column::new("Date", 0.3, Align::Left),
        Column::new("Status", 0.15, Align::Left),
        Column::new("Total", 0.15, Align::Right),
    ]);
    for h in &p.history {
        s.row(
            &[
                format!(
                    "{} {}",
                    if h.kind == "sale" { "Receipt" } else { "Order" },
                    h.name
                ),
                when(h.at),
                h.status.clone(),
                h.total.to_decimal_string(),
            ],
            9.0,
        );
    }
    s.end_table();
    if !p.credit_moves.is_empty() {
        s.gap(14.0);
        s.start_table(vec![
            Column::new("Store credit", 0.55, Align::Left),
            Column::new("Date", 0.3, Align::Left),
            Column::new("Amount", 0.15, Align::Right),
        ]);
        for m in &p.credit_moves {
            s.row(
                &[
                    m.receipt.clone().unwrap_or_else(|| "Adjustment".into()),
                    when(m.at),
                    m.amount.to_decimal_string(),
                ],
                9.0,
            );
        }
        s.end_table();
    }
    if !p.claims.is_empty() {
        s.gap(14.0);
        s.start_table(vec![
            Column::new("Claim", 0.4, Align::Left),
            Column::new("Date", 0.3, Align::Left),
            Column::new("Status", 0.3, Align::Left),
        ]);
        for c in &p.claims {
            s.row(
                &[
                    format!("{} on order {}", c.kind.replace('_', " "), c.order_name),
                    when(c.created_at),
                    c.resolution.clone().unwrap_or_else(|| c.status.clone()),
                ],
                9.0,
            );
        }
        s.end_table();
    }
    if !p.messages.is_empty() {
        s.gap(14.0);
        s.start_table(vec![
            Column::new("Message", 0.7, Align::Left),
            Column::new("Date", 0.3, Align::Left),
        ]);
        for m in &p.messages {
            let way = if m.direction == "in" {
                "From you"
            } else {
                "To you"
            };
            s.row(&[format!("{way}: {}", m.subject), when(m.created_at)], 9.0);
        }
        s.end_table();
    }
    s.gap(12.0);
    s.paragraph(
        MARGIN,
        width,
        "Amounts are as charged. The full record, field by field, is in the JSON file exported with \
         this one.",
        8.5,
        false,
    );
    s.finish()
}

fn label(text: &str) -> &str {
    if text.is_empty() {
        "other"
    } else {
        text
    }
}
