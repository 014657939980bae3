//! What every report shares: the query's context and filters, the sums of sold lines, the table
//! helpers, which report to build, and the tie-out checks against the documents.

use super::facts::{self, Doc, Fact, LineKind};
use super::more;
use super::sales::{
    grouped, names, over_time, payments, product_groups, returns, staff, summary, taxes, z_reports,
    Grouping,
};
use super::{
    Cell, ColumnKind, Period, Report, ReportColumn, ReportName, ReportQuery, ReportRow, TieOut,
};
use crate::clock::ShopZone;
use crate::error::Result;
use crate::Timestamp;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::HashSet;
use ts_rs::TS;

pub(crate) struct Context<'a> {
    pub conn: &'a Connection,
    pub zone: &'a ShopZone,
    pub query: &'a ReportQuery,
    pub sunday_first: bool,
    /// When the report is read (what is late is late by now).
    pub now: Timestamp,
}

/// A headline figure with its compared value.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Kpi {
    pub key: String,
    pub label: String,
    pub kind: ColumnKind,
    #[ts(type = "number")]
    pub value: i64,
    #[ts(type = "number | null")]
    pub compared: Option<i64>,
    /// value against compared, in basis points; None when there is nothing to compare with.
    #[ts(type = "number | null")]
    pub change_bp: Option<i64>,
}

/// A document behind a report row.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DocumentRow {
    /// "sale", "order" or "return".
    pub kind: String,
    /// The sale's or order's id (a return's order), to open it.
    pub id: String,
    pub name: String,
    pub at: Timestamp,
    pub channel: String,
    /// Its lines that count in the row, before tax.
    #[ts(type = "number")]
    pub net_minor: i64,
    #[ts(type = "number")]
    pub tax_minor: i64,
}

pub(super) fn facts_of(ctx: &Context, p: &Period) -> Result<Vec<Fact>> {
    let q = ctx.query;
    let keep = |want: &Option<String>, have: &str| {
        want.as_deref()
            .filter(|w| !w.is_empty())
            .is_none_or(|w| w == have)
    };
    let products = product_filter(ctx)?;
    Ok(facts::load(ctx.conn, p.start, p.end)?
        .into_iter()
        .filter(|f| {
            keep(&q.channel, &f.channel)
                && keep(&q.location, &f.location)
                && keep(&q.staff, &f.staff)
                && products
                    .as_ref()
                    .is_none_or(|ids| f.variant_id.as_ref().is_some_and(|v| ids.contains(v)))
        })
        .collect())
}

/// The variants a category, vendor or tag filter lets through; None without one.
pub(super) fn product_filter(ctx: &Context) -> Result<Option<HashSet<String>>> {
    let q = ctx.query;
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let (category, vendor, tag) = (given(&q.category), given(&q.vendor), given(&q.tag));
    if category.is_none() && vendor.is_none() && tag.is_none() {
        return Ok(None);
    }
    let mut st = ctx.conn.prepare_cached(
        "SELECT v.id FROM variant v JOIN product p ON p.id = v.product_id
         WHERE (?1 IS NULL OR p.product_type = ?1 COLLATE NOCASE)
           AND (?2 IS NULL OR p.vendor = ?2 COLLATE NOCASE)
           AND (?3 IS NULL OR (', ' || lower(p.tags) || ', ') LIKE '%, ' || lower(?3) || ', %')",
    )?;
    let ids = st.query_map(params![category, vendor, tag], |r| r.get(0))?;
    Ok(Some(ids.collect::<rusqlite::Result<_>>()?))
}

pub(super) fn filtered(q: &ReportQuery) -> bool {
    [
        &q.channel,
        &q.location,
        &q.staff,
        &q.category,
        &q.vendor,
        &q.tag,
    ]
    .iter()
    .any(|f| f.as_deref().is_some_and(|v| !v.is_empty()))
}

/// The sums every sales report is made of.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Sums {
    pub docs: HashSet<(bool, String)>,
    pub units: i64,
    pub gross: i64,
    pub discounts: i64,
    /// Returned, before tax, as a positive amount.
    pub returns: i64,
    pub returned_units: i64,
    pub shipping: i64,
    pub tax: i64,
    pub gift_cards: i64,
    pub cost: i64,
    /// Net of the lines whose cost was known, for a margin that is not flattered by the others.
    pub costed_net: i64,
    pub without_cost: i64,
}

impl Sums {
    pub fn add(&mut self, f: &Fact) {
        if f.doc != Doc::OrderReturn && !f.is_return() {
            self.docs.insert((f.doc == Doc::Sale, f.doc_id.clone()));
        }
        self.tax += f.tax;
        match f.kind {
            LineKind::Shipping => self.shipping += f.net,
            LineKind::GiftCard => self.gift_cards += f.net,
            LineKind::Item if f.is_return() => {
                self.returns -= f.net;
                self.returned_units -= f.quantity;
            }
            LineKind::Item => {
                self.units += f.quantity;
                self.gross += f.gross;
                self.discounts += f.discount;
            }
        }
        if f.kind == LineKind::Item {
            match f.cost {
                Some(c) => {
                    self.cost += c;
                    self.costed_net += f.net;
                }
                None => self.without_cost += 1,
            }
        }
    }

    pub fn of<'a>(facts: impl IntoIterator<Item = &'a Fact>) -> Sums {
        let mut s = Sums::default();
        for f in facts {
            s.add(f);
        }
        s
    }

    pub fn orders(&self) -> i64 {
        self.docs.len() as i64
    }
    /// Sales of goods after discounts and returns, before tax and shipping.
    pub fn net(&self) -> i64 {
        self.gross - self.discounts - self.returns
    }
    /// What customers paid for it all: net, shipping and tax (gift cards sold are not sales).
    pub fn total(&self) -> i64 {
        self.net() + self.shipping + self.tax
    }
    pub fn profit(&self) -> i64 {
        self.costed_net - self.cost
    }
    pub fn margin_bp(&self) -> Option<i64> {
        ratio_bp(self.profit(), self.costed_net)
    }
    pub fn average(&self) -> i64 {
        if self.orders() == 0 {
            0
        } else {
            (self.gross - self.discounts) / self.orders()
        }
    }
}

pub(super) fn ratio_bp(part: i64, whole: i64) -> Option<i64> {
    (whole != 0).then(|| crate::money::share(part, 10_000, whole))
}

pub(super) fn change_bp(value: i64, compared: Option<i64>) -> Option<i64> {
    compared.and_then(|c| ratio_bp(value - c, c.abs()))
}

pub(super) fn col(key: &str, label: &str, kind: ColumnKind) -> ReportColumn {
    ReportColumn {
        key: key.into(),
        label: label.into(),
        kind,
    }
}

pub(super) fn blank(name: ReportName, columns: Vec<ReportColumn>) -> Report {
    Report {
        name,
        title: String::new(),
        from: String::new(),
        to: String::new(),
        compared: None,
        as_of: Timestamp(0),
        currency: String::new(),
        exponent: 2,
        time_zone: String::new(),
        kpis: Vec::new(),
        points: Vec::new(),
        columns,
        rows: Vec::new(),
        total: None,
        tie_outs: Vec::new(),
    }
}

/// A row of cells with nothing special about its figures' kinds.
pub(super) fn row(key: impl Into<String>, cells: Vec<Cell>) -> ReportRow {
    ReportRow {
        key: key.into(),
        cells,
        kind: None,
    }
}

pub(super) fn n(v: i64) -> Cell {
    Cell::Number(v)
}
pub(super) fn t(v: impl Into<String>) -> Cell {
    Cell::Text(v.into())
}
pub(super) fn opt(v: Option<i64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Number)
}

pub(crate) fn build(
    ctx: &Context,
    name: ReportName,
    period: &Period,
    compared: Option<&Period>,
) -> Result<Report> {
    // Only what a report reads is loaded: a year of a busy shop is hundreds of thousands of lines.
    let facts = if name.reads_sales() {
        facts_of(ctx, period)?
    } else {
        Vec::new()
    };
    let before = compared
        .filter(|_| name.compares())
        .map(|p| facts_of(ctx, p))
        .transpose()?;
    let mut report = match name {
        ReportName::Summary => summary(&facts, before.as_deref()),
        ReportName::OverTime => over_time(ctx, &facts, period, before.as_deref(), compared),
        ReportName::Products => grouped(name, &facts, before.as_deref(), &Grouping::Product),
        ReportName::Categories | ReportName::Vendors => {
            let catalog = product_groups(ctx.conn, name == ReportName::Vendors)?;
            grouped(name, &facts, before.as_deref(), &Grouping::Catalog(catalog))
        }
        ReportName::Channels => {
            let locations = names(ctx.conn, "SELECT id, name FROM location")?;
            grouped(
                name,
                &facts,
                before.as_deref(),
                &Grouping::Channel(locations),
            )
        }
        ReportName::Staff => staff(ctx, &facts, period)?,
        ReportName::Payments => payments(ctx, period)?,
        ReportName::Taxes => taxes(&facts),
        ReportName::Returns => returns(&facts),
        ReportName::Discounts => more::discounts(&facts),
        ReportName::Fulfilment => more::fulfilment(ctx, period)?,
        ReportName::Customers => more::customers(ctx, &facts, period)?,
        ReportName::Cohorts => more::cohorts(ctx, &facts, period)?,
        ReportName::Inventory => more::inventory(ctx, period)?,
        ReportName::SellThrough => more::sell_through(ctx, &facts, period)?,
    };
    if name.reads_sales() && !filtered(ctx.query) {
        report.tie_outs = tie_outs(ctx.conn, period, &facts)?;
    }
    Ok(report)
}

/// Figures read straight from the documents, against the same figures summed from the facts.
fn tie_outs(conn: &Connection, p: &Period, facts: &[Fact]) -> Result<Vec<TieOut>> {
    let one = |sql: &str| -> Result<i64> {
        Ok(conn.query_row(sql, params![p.start.0, p.end.0], |r| r.get(0))?)
    };
    let sum_facts = |doc: Doc, what: fn(&Fact) -> i64| -> i64 {
        facts.iter().filter(|f| f.doc == doc).map(what).sum()
    };
    let counter =
        "FROM sale WHERE status = 'completed' AND completed_at >= ?1 AND completed_at < ?2";
    let orders =
        "FROM customer_order WHERE status <> 'cancelled' AND created_at >= ?1 AND created_at < ?2";
    let parts: i64 = facts
        .iter()
        .flat_map(|f| f.taxes.iter().map(|t| t.tax_minor))
        .sum();
    let z = z_reports(conn, p)?;
    let z_tenders: i64 = z
        .iter()
        .flat_map(|z| &z.tenders)
        .map(|t| t.amount_minor)
        .sum();
    let shift_tenders = one(
        "SELECT ifnull(sum(t.amount_minor), 0) FROM tender t JOIN sale s ON s.id = t.sale_id
         JOIN shift sh ON sh.id = s.shift_id
         WHERE s.status = 'completed' AND sh.status = 'closed'
           AND sh.closed_at >= ?1 AND sh.closed_at < ?2",
    )?;
    Ok(vec![
        TieOut {
            what: "Counter sales against their receipts".into(),
            expected_minor: one(&format!(
                "SELECT ifnull(sum(total_minor - ifnull(rounding_minor, 0)), 0) {counter}"
            ))?,
            actual_minor: sum_facts(Doc::Sale, |f| f.net + f.tax),
        },
        TieOut {
            what: "Orders against their totals".into(),
            expected_minor: one(&format!("SELECT ifnull(sum(total_minor), 0) {orders}"))?,
            actual_minor: sum_facts(Doc::Order, |f| f.net + f.tax),
        },
        TieOut {
            what: "Tax by rate against the tax on receipts and orders".into(),
            expected_minor: one(&format!("SELECT ifnull(sum(tax_minor), 0) {counter}"))?
                + one(&format!("SELECT ifnull(sum(tax_minor), 0) {orders}"))?
                + sum_facts(Doc::OrderReturn, |f| f.tax),
            actual_minor: parts,
        },
        TieOut {
            what: "Counter payments against the Z reports".into(),
            expected_minor: z_tenders,
            actual_minor: shift_tenders,
        },
    ])
}
