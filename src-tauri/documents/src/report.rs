//! A report as a PDF: its title, period, comparison and "as of" time, any tie-out that failed,
//! and its table on landscape pages with the header repeated. Figures come computed from core.

use crate::page::{Align, Column, Sheet, MARGIN};
use shopdesk_core::order::invoice::PaperSize;
use shopdesk_core::report::{ColumnKind, Report};
use shopdesk_core::{Currency, Money, ShopZone};

pub fn report_pdf(r: &Report, paper: PaperSize) -> Vec<u8> {
    let mut s = Sheet::landscape(paper, format!("{} · {} – {}", r.title, r.from, r.to));
    let top = s.y();
    s.put(MARGIN, top - 18.0, &r.title, 18.0, true);
    let mut line = format!("{} – {}", r.from, r.to);
    if let Some(c) = &r.compared {
        line.push_str(&format!(", compared with {c}"));
    }
    s.put(MARGIN, top - 34.0, &line, 10.0, false);
    let as_of = ShopZone::named(&r.time_zone).date_time_text(r.as_of);
    s.put(
        MARGIN,
        top - 48.0,
        &format!(
            "As of {as_of} ({}), amounts in {} before tax unless named",
            r.time_zone, r.currency
        ),
        8.5,
        false,
    );
    s.set_y(top - 62.0);
    let money = |minor: i64| match Currency::from_code(&r.currency) {
        Ok(cur) => Money::from_minor(minor, cur).to_decimal_string(),
        Err(_) => minor.to_string(),
    };
    for t in r.tie_outs.iter().filter(|t| !t.holds()) {
        s.paragraph(
            MARGIN,
            s.text_width(),
            &format!(
                "Does not reconcile: {} (documents {}, report {})",
                t.what,
                money(t.expected_minor),
                money(t.actual_minor)
            ),
            9.0,
            true,
        );
    }
    s.gap(6.0);
    let weights: Vec<f32> = r
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match (i, c.kind) {
            (0, _) => 3.0,
            (_, ColumnKind::Text) => 1.6,
            _ => 1.0,
        })
        .collect();
    let sum: f32 = weights.iter().sum();
    s.start_table(
        r.columns
            .iter()
            .zip(&weights)
            .map(|(c, w)| Column {
                title: c.label.clone().into(),
                width: 100.0 * w / sum,
                align: if c.kind == ColumnKind::Text {
                    Align::Left
                } else {
                    Align::Right
                },
            })
            .collect(),
    );
    for row in r.text_rows() {
        s.row(&row, 8.0);
    }
    s.end_table();
    s.finish()
}
