//! What every report shares: the query's context and filters, the sums of sold lines, the table
//! helpers, which report to build, and the tie-out checks against the documents.

use super::buyers;
use super::facts::{self, Doc, Fact, LineKind};
use super::grouped::{channels, grouped};
use super::lines::{self, Lines};
use super::more;
use super::rollup::{self, HourRow};
use super::sales::{names, over_time, payments, returns, staff, summary, taxes, z_reports};
use super::{
    Bucket, Cell, ColumnKind, Period, Reads, Report, ReportColumn, ReportName, ReportQuery,
    ReportRow, TieOut,
};
use crate::clock::ShopZone;
use crate::error::Result;
use crate::sql::{args, Conn};
use crate::Timestamp;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use ts_rs::TS;

pub(crate) struct Context<'a> {
    pub conn: Conn<'a>,
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

/// The channel, location and staff member a query keeps ("" for any): checked on summed rows
/// and facts here, and asked of the store by the buyers' reader.
#[derive(Clone, Copy)]
pub(crate) struct Only<'q> {
    pub channel: &'q str,
    pub location: &'q str,
    pub staff: &'q str,
}

impl<'q> Only<'q> {
    pub fn of(q: &'q ReportQuery) -> Self {
        Only {
            channel: q.channel.as_deref().unwrap_or_default(),
            location: q.location.as_deref().unwrap_or_default(),
            staff: q.staff.as_deref().unwrap_or_default(),
        }
    }

    /// Whether a line of this channel, location and staff member passes.
    pub fn keeps(&self, channel: &str, location: &str, staff: &str) -> bool {
        let keep = |want: &str, have: &str| want.is_empty() || want == have;
        keep(self.channel, channel) && keep(self.location, location) && keep(self.staff, staff)
    }

    /// The SQL that keeps only these rows, with its values: ` AND channel = ?N` per filter set,
    /// numbered from `next` (a condition for an unset filter would still be tested on every row).
    pub fn sql(&self, mut next: usize) -> (String, Vec<&'q str>) {
        let (mut sql, mut values) = (String::new(), Vec::new());
        for (column, want) in [
            ("channel", self.channel),
            ("location", self.location),
            ("staff", self.staff),
        ] {
            if !want.is_empty() {
                sql.push_str(&format!(" AND {column} = ?{next}"));
                values.push(want);
                next += 1;
            }
        }
        (sql, values)
    }
}

pub(super) fn facts_of(ctx: &Context, p: &Period) -> Result<Vec<Fact>> {
    facts_of_variant(ctx, p, None)
}

/// The period's facts that pass the query's filters, only `variant`'s lines when given.
pub(super) fn facts_of_variant(
    ctx: &Context,
    p: &Period,
    variant: Option<&str>,
) -> Result<Vec<Fact>> {
    let (only, products) = (Only::of(ctx.query), product_filter(ctx)?);
    Ok(facts::load_of(ctx.conn, p.start, p.end, variant)?
        .into_iter()
        .filter(|f| {
            only.keeps(&f.channel, &f.location, &f.staff)
                && products
                    .as_ref()
                    .is_none_or(|ids| f.variant_id.as_ref().is_some_and(|v| ids.contains(v)))
        })
        .collect())
}

/// The period's facts summed by hour: from the rollup, or — when a category, vendor or tag
/// keeps only some lines of a document — from the facts that pass.
pub(super) fn hours_of(ctx: &Context, p: &Period, hourly: bool) -> Result<Vec<HourRow>> {
    if product_filter(ctx)?.is_some() {
        return Ok(rollup::aggregate(ctx.zone, &facts_of(ctx, p)?));
    }
    let mut rows = rollup::read(ctx.conn, ctx.zone, p, hourly)?;
    let only = Only::of(ctx.query);
    rows.retain(|r| only.keeps(&r.key.channel, &r.key.location, &r.key.staff));
    Ok(rows)
}

pub(super) fn sum_hours<'a>(rows: impl IntoIterator<Item = &'a HourRow>) -> Sums {
    let mut s = Sums::default();
    for r in rows {
        s.merge(&r.sums);
    }
    s
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
    let c = ctx.conn;
    let ids = c.query_map(
        &format!(
            "SELECT v.id FROM variant v JOIN product p ON p.id = v.product_id
             WHERE (CAST(?1 AS TEXT) IS NULL OR {})
               AND (CAST(?2 AS TEXT) IS NULL OR {})
               AND (CAST(?3 AS TEXT) IS NULL
                    OR (', ' || lower(p.tags) || ', ') LIKE '%, ' || lower(?3) || ', %')",
            c.nocase_eq("p.product_type", 1),
            c.nocase_eq("p.vendor", 2),
        ),
        args![category, vendor, tag],
        |r| r.get(0),
    )?;
    Ok(Some(ids.into_iter().collect()))
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
    /// The documents seen while adding facts one by one.
    pub docs: HashSet<(bool, String)>,
    /// Documents counted already, in sums made elsewhere (an hour's rollup).
    pub counted_docs: i64,
    pub units: i64,
    pub gross: i64,
    pub discounts: i64,
    /// Returned, before tax, as a positive amount.
    pub returns: i64,
    pub returned_units: i64,
    pub shipping: i64,
    pub tax: i64,
    /// The tax of the lines' tax parts (rate by rate), which must come to `tax`.
    pub tax_parts: i64,
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
        self.tax_parts += f.taxes.iter().map(|t| t.tax_minor).sum::<i64>();
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

    /// Adds sums of other documents (no document is in both).
    pub fn merge(&mut self, o: &Sums) {
        self.merge_counting(o, o.orders());
    }

    /// Adds other sums, counting `docs` of their documents (those not counted elsewhere).
    pub fn merge_counting(&mut self, o: &Sums, docs: i64) {
        self.counted_docs += docs;
        self.units += o.units;
        self.gross += o.gross;
        self.discounts += o.discounts;
        self.returns += o.returns;
        self.returned_units += o.returned_units;
        self.shipping += o.shipping;
        self.tax += o.tax;
        self.tax_parts += o.tax_parts;
        self.gift_cards += o.gift_cards;
        self.cost += o.cost;
        self.costed_net += o.costed_net;
        self.without_cost += o.without_cost;
    }

    pub fn orders(&self) -> i64 {
        self.docs.len() as i64 + self.counted_docs
    }
    /// Every line before tax as charged: goods after discounts and returns, shipping, gift cards.
    pub fn charged_net(&self) -> i64 {
        self.net() + self.shipping + self.gift_cards
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
        chart: None,
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
    // Only what a report reads is loaded: a year of a busy shop is more than a million lines, so
    // most reports read the hours', days' and months' sums (`rollup.rs`) instead.
    let compared = compared.filter(|_| name.compares());
    let reads = |what: Reads| name.reads() == what;
    let (lines, lines_before) = if reads(Reads::Lines) {
        let before = compared.map(|p| lines_of(ctx, p)).transpose()?;
        (lines_of(ctx, period)?, before)
    } else {
        (Lines::default(), None)
    };
    // The tie-outs read the hours too.
    let tie_out = name.reads_sales() && !filtered(ctx.query);
    let hourly = name == ReportName::OverTime && ctx.query.bucket == Bucket::Hour;
    let (hours, hours_before) = if reads(Reads::Hours) || tie_out {
        let before = compared
            .filter(|_| reads(Reads::Hours))
            .map(|p| hours_of(ctx, p, hourly))
            .transpose()?;
        (hours_of(ctx, period, hourly)?, before)
    } else {
        (Vec::new(), None)
    };
    let mut report = match name {
        ReportName::Summary | ReportName::OverTime => {
            // The summary's chart is net sales per day (per week or month over a long period).
            let bucket = match (name, (period.last - period.first).get_days()) {
                (ReportName::OverTime, _) => ctx.query.bucket,
                (_, ..=92) => Bucket::Day,
                (_, 93..=731) => Bucket::Week,
                _ => Bucket::Month,
            };
            let before = hours_before.as_deref();
            let by_time = over_time(ctx, &hours, period, before, compared, bucket);
            if name == ReportName::OverTime {
                by_time
            } else {
                let mut r = summary(&hours, before);
                (r.chart, r.points) = (by_time.chart, by_time.points);
                r
            }
        }
        ReportName::Products | ReportName::Categories | ReportName::Vendors => {
            grouped(name, &lines, lines_before.as_ref())
        }
        ReportName::Channels => {
            let locations = names(ctx.conn, "SELECT id, name FROM location")?;
            channels(&hours, hours_before.as_deref(), &locations)
        }
        ReportName::Staff => staff(ctx, &hours, period)?,
        ReportName::Payments => payments(ctx, period)?,
        ReportName::Taxes => taxes(&lines),
        ReportName::Returns => returns(&lines),
        ReportName::Discounts => more::discounts(&lines),
        ReportName::Fulfilment => super::fulfilment::report(ctx, period)?,
        ReportName::Customers => more::customers(ctx, &buyers_of(ctx, period)?, period)?,
        ReportName::Cohorts => more::cohorts(ctx, &buyers_of(ctx, period)?, period)?,
        ReportName::Inventory => more::inventory(ctx, period)?,
        ReportName::SellThrough => more::sell_through(ctx, &lines, period)?,
    };
    super::chart::bars(&mut report);
    if tie_out {
        let mut by_doc: HashMap<Doc, Sums> = HashMap::new();
        for r in &hours {
            by_doc.entry(r.key.doc).or_default().merge(&r.sums);
        }
        report.tie_outs = tie_outs(ctx.conn, period, &by_doc)?;
    }
    Ok(report)
}

/// Who bought in the period, customer by customer and month: from the rollup, or from the
/// facts that pass a category, vendor or tag filter.
fn buyers_of(ctx: &Context, p: &Period) -> Result<buyers::Months> {
    let only = Only::of(ctx.query);
    if product_filter(ctx)?.is_some() {
        let mut out = buyers::Months::new();
        buyers::add_made(
            &mut out,
            &buyers::aggregate(ctx.zone, &facts_of(ctx, p)?),
            only,
        );
        return Ok(out);
    }
    rollup::read_buyers(ctx.conn, ctx.zone, p, only)
}

/// The period's item lines, taxes and discounts: from the rollup, or from the facts that pass a
/// category, vendor or tag filter.
pub(super) fn lines_of(ctx: &Context, p: &Period) -> Result<Lines> {
    if product_filter(ctx)?.is_some() {
        let mut catalog = lines::CatalogGroups::new(ctx.conn);
        return lines::aggregate(ctx.zone, &facts_of(ctx, p)?, &mut catalog);
    }
    let mut lines = rollup::read_lines(ctx.conn, ctx.zone, p)?;
    let only = Only::of(ctx.query);
    lines
        .items
        .retain(|(k, _)| only.keeps(&k.channel, &k.location, &k.staff));
    lines
        .taxes
        .retain(|(k, ..), _| only.keeps(&k.channel, &k.location, &k.staff));
    lines
        .discounts
        .retain(|(k, _), _| only.keeps(&k.channel, &k.location, &k.staff));
    Ok(lines)
}

/// Figures read straight from the documents, against the same figures summed from the facts.
fn tie_outs(conn: Conn, p: &Period, by_doc: &HashMap<Doc, Sums>) -> Result<Vec<TieOut>> {
    // (total, tax) of the period's documents, each table read once from an index that carries
    // the figures.
    let two = |sql: &str| -> Result<(i64, i64)> {
        conn.query_row(&conn.hinted(sql), args![p.start.0, p.end.0], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
    };
    let sum_of = |doc: Doc, what: fn(&Sums) -> i64| -> i64 { by_doc.get(&doc).map_or(0, what) };
    let (receipts, receipts_tax) = two(
        "SELECT coalesce(sum(total_minor - coalesce(rounding_minor, 0)), 0), coalesce(sum(tax_minor), 0)
         FROM sale INDEXED BY sale_completed
         WHERE status = 'completed' AND completed_at >= ?1 AND completed_at < ?2",
    )?;
    let (orders, orders_tax) = two(
        "SELECT coalesce(sum(total_minor), 0), coalesce(sum(tax_minor), 0) FROM customer_order
         WHERE status <> 'cancelled' AND created_at >= ?1 AND created_at < ?2",
    )?;
    let parts: i64 = by_doc.values().map(|s| s.tax_parts).sum();
    let z = z_reports(conn, p)?;
    let z_tenders: i64 = z
        .iter()
        .flat_map(|z| &z.tenders)
        .map(|t| t.amount_minor)
        .sum();
    // From the period's closed shifts to their sales (CROSS JOIN keeps that order: the other
    // way reads every completed sale).
    let shift_tenders: i64 = conn.query_row(
        &conn.hinted(
            "SELECT coalesce(sum(t.amount_minor), 0) FROM shift sh
             CROSS JOIN sale s ON s.shift_id = sh.id CROSS JOIN tender t ON t.sale_id = s.id
             WHERE sh.status = 'closed' AND sh.closed_at >= ?1 AND sh.closed_at < ?2
               AND s.status = 'completed'",
        ),
        args![p.start.0, p.end.0],
        |r| r.get(0),
    )?;
    Ok(vec![
        TieOut {
            what: "Counter sales against their receipts".into(),
            expected_minor: receipts,
            actual_minor: sum_of(Doc::Sale, |s| s.charged_net() + s.tax),
        },
        TieOut {
            what: "Orders against their totals".into(),
            expected_minor: orders,
            actual_minor: sum_of(Doc::Order, |s| s.charged_net() + s.tax),
        },
        TieOut {
            what: "Tax by rate against the tax on receipts and orders".into(),
            expected_minor: receipts_tax + orders_tax + sum_of(Doc::OrderReturn, |s| s.tax),
            actual_minor: parts,
        },
        TieOut {
            what: "Counter payments against the Z reports".into(),
            expected_minor: z_tenders,
            actual_minor: shift_tenders,
        },
    ])
}
