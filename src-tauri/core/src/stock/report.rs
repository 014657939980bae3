//! Stock reports: on hand, committed and available per variant and location, valued at the
//! moving-average cost, on screen and as CSV.

use crate::catalog::product::options_of;
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::Shop;
use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

/// Stock on hand and its value at cost, per variant and location.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StockReportLine {
    pub variant_id: String,
    pub sku: String,
    pub label: String,
    pub location: String,
    pub on_hand: i64,
    pub committed: i64,
    pub available: i64,
    pub unit_cost: Option<Money>,
    /// On hand × moving-average cost; stock below zero is valued at nothing.
    pub value: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StockReport {
    pub lines: Vec<StockReportLine>,
    pub total_on_hand: i64,
    pub total_value: Money,
}

pub(crate) fn stock_report_in(
    conn: &Connection,
    currency: Currency,
    location_id: Option<&str>,
) -> Result<StockReport> {
    let mut st = conn.prepare(
        // Items at zero are part of the picture (what has sold out is what to reorder): every
        // level a variant has, and an active variant never stocked anywhere shows at zero at the
        // first location (or the one asked for). Archived items show only while stock remains.
        "SELECT v.id, coalesce(v.sku, ''), p.title, v.option1, v.option2, v.option3, l.name,
                coalesce(s.on_hand, 0), coalesce(s.committed, 0), v.cost_minor
         FROM variant v JOIN product p ON p.id = v.product_id
         JOIN location l ON (?1 IS NULL OR l.id = ?1)
         LEFT JOIN stock_level s ON s.variant_id = v.id AND s.location_id = l.id
         WHERE CASE WHEN s.variant_id IS NOT NULL
                    THEN p.status <> 'archived' OR s.on_hand <> 0 OR s.committed <> 0
                    ELSE p.status = 'active'
                         AND l.id = coalesce(?1, (SELECT id FROM location ORDER BY position LIMIT 1))
                         AND NOT EXISTS (SELECT 1 FROM stock_level x WHERE x.variant_id = v.id
                                         AND (?1 IS NULL OR x.location_id = ?1))
               END
         ORDER BY p.title COLLATE NOCASE, v.position, l.position",
    )?;
    let mut total_on_hand = 0;
    let mut total_value = 0i64;
    let lines = st
        .query_map([location_id], |r| {
            let opts = options_of(r, 3)?;
            let title: String = r.get(2)?;
            let on_hand: i64 = r.get(7)?;
            let committed: i64 = r.get(8)?;
            let cost: Option<i64> = r.get(9)?;
            let value = on_hand.max(0).saturating_mul(cost.unwrap_or(0));
            Ok(StockReportLine {
                variant_id: r.get(0)?,
                sku: r.get(1)?,
                label: if opts.is_empty() {
                    title
                } else {
                    format!("{title} ({})", opts.join(" / "))
                },
                location: r.get(6)?,
                on_hand,
                committed,
                available: on_hand - committed,
                unit_cost: cost.map(|c| Money::from_minor(c, currency)),
                value: Money::from_minor(value, currency),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for l in &lines {
        total_on_hand += l.on_hand;
        total_value = total_value.saturating_add(l.value.minor());
    }
    Ok(StockReport {
        lines,
        total_on_hand,
        total_value: Money::from_minor(total_value, currency),
    })
}

impl Shop {
    /// The stock report as CSV, for a spreadsheet or the accountant.
    pub fn stock_report_csv(
        &self,
        session: &Session,
        location_id: Option<&str>,
        out: &mut dyn std::io::Write,
    ) -> Result<()> {
        let report = self.stock_report(session, location_id)?;
        let io = |e: csv::Error| Error::Storage(format!("cannot write the CSV: {e}"));
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "SKU",
            "Item",
            "Location",
            "On hand",
            "Committed",
            "Available",
            "Unit cost",
            "Value",
        ])
        .map_err(io)?;
        for l in &report.lines {
            let cost = l
                .unit_cost
                .map(|c| c.to_decimal_string())
                .unwrap_or_default();
            w.write_record([
                &l.sku,
                &l.label,
                &l.location,
                &l.on_hand.to_string(),
                &l.committed.to_string(),
                &l.available.to_string(),
                &cost,
                &l.value.to_decimal_string(),
            ])
            .map_err(io)?;
        }
        w.flush()
            .map_err(|e| Error::Storage(format!("cannot write the CSV: {e}")))?;
        self.note_export(session, "stock report", report.lines.len() as i64)
    }

    /// On hand and valuation at cost, for one location or all.
    pub fn stock_report(
        &self,
        session: &Session,
        location_id: Option<&str>,
    ) -> Result<StockReport> {
        self.db.read(|c| {
            authorize(c, session, Permission::ReportsView)?;
            stock_report_in(c, shop_currency(c)?, location_id)
        })
    }
}
