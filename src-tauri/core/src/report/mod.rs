//! Reports (F7): how the business did over a stretch of the shop's own days — sales, payments,
//! taxes, returns, staff, channels — each compared with an earlier period, with the documents
//! behind every row and checks that say out loud when two figures fail to tie out.
//!
//! Beside this file: `facts.rs` (the sold lines every report sums), `rollup.rs` (those facts
//! summed per hour and day, kept up to date, for long periods), `lines.rs` (item lines, taxes
//! and discounts per day and month), `buyers.rs` (who bought, per customer), `tables.rs` (what
//! every report shares, and the tie-outs), `sales.rs` and `grouped.rs` (the sales reports),
//! `chart.rs` (what each report draws), `more.rs` (discounts, customers and cohorts, inventory
//! value and age, sell-through), `fulfilment.rs` (orders' fates against each channel's promise),
//! `documents.rs` (the documents behind a row) and `home.rs` (the owner's home screen).

mod buyers;
mod chart;
mod documents;
mod facts;
mod fulfilment;
mod grouped;
mod home;
mod lines;
mod more;
mod rollup;
mod sales;
mod tables;

use crate::clock::{parse_day, Date, ShopZone};
use crate::error::{Error, Result};
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::Conn;
use crate::{Shop, Timestamp};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use home::{DaySales, Home, LastZ};
pub use tables::{DocumentRow, Kpi};

/// What of the sold lines a report reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reads {
    /// The facts summed per local hour.
    Hours,
    /// Item lines, taxes and discounts summed per day and month.
    Lines,
    /// Who bought, per customer, summed per day and month (`buyers.rs`).
    Buyers,
    /// No sold line: the orders' fates counted per day (`fulfilment.rs`).
    Fates,
    /// None of the sums: the report reads payments or stock.
    Nothing,
}

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReportName {
    Summary,
    OverTime,
    Products,
    Categories,
    Vendors,
    Channels,
    Staff,
    Payments,
    Taxes,
    Returns,
    Discounts,
    Fulfilment,
    Customers,
    Cohorts,
    Inventory,
    SellThrough,
}

impl ReportName {
    pub const ALL: [ReportName; 16] = [
        ReportName::Summary,
        ReportName::OverTime,
        ReportName::Products,
        ReportName::Categories,
        ReportName::Vendors,
        ReportName::Channels,
        ReportName::Staff,
        ReportName::Payments,
        ReportName::Taxes,
        ReportName::Returns,
        ReportName::Discounts,
        ReportName::Fulfilment,
        ReportName::Customers,
        ReportName::Cohorts,
        ReportName::Inventory,
        ReportName::SellThrough,
    ];

    /// The name scripts use: `shopdesk report over-time`.
    pub fn slug(self) -> &'static str {
        match self {
            ReportName::Summary => "summary",
            ReportName::OverTime => "over-time",
            ReportName::Products => "products",
            ReportName::Categories => "categories",
            ReportName::Vendors => "vendors",
            ReportName::Channels => "channels",
            ReportName::Staff => "staff",
            ReportName::Payments => "payments",
            ReportName::Taxes => "taxes",
            ReportName::Returns => "returns",
            ReportName::Discounts => "discounts",
            ReportName::Fulfilment => "fulfilment",
            ReportName::Customers => "customers",
            ReportName::Cohorts => "cohorts",
            ReportName::Inventory => "inventory",
            ReportName::SellThrough => "sell-through",
        }
    }

    pub fn from_slug(slug: &str) -> Result<ReportName> {
        ReportName::ALL
            .into_iter()
            .find(|n| n.slug() == slug)
            .ok_or_else(|| {
                let all: Vec<&str> = ReportName::ALL.iter().map(|n| n.slug()).collect();
                Error::invalid(format!(
                    "there is no report '{slug}': pick one of {}",
                    all.join(", ")
                ))
            })
    }

    /// Whether the report sums sold lines (and so checks itself against the documents).
    pub fn reads_sales(self) -> bool {
        matches!(self.reads(), Reads::Hours | Reads::Lines | Reads::Buyers)
    }

    /// Which sums of the sold lines the report reads (`rollup.rs`), or every line.
    pub(crate) fn reads(self) -> Reads {
        match self {
            ReportName::Summary
            | ReportName::OverTime
            | ReportName::Channels
            | ReportName::Staff => Reads::Hours,
            ReportName::Products
            | ReportName::Categories
            | ReportName::Vendors
            | ReportName::Taxes
            | ReportName::Returns
            | ReportName::Discounts
            | ReportName::SellThrough => Reads::Lines,
            ReportName::Customers | ReportName::Cohorts => Reads::Buyers,
            ReportName::Fulfilment => Reads::Fates,
            ReportName::Payments | ReportName::Inventory => Reads::Nothing,
        }
    }

    /// Whether the report shows a compared period beside its own.
    pub fn compares(self) -> bool {
        matches!(
            self,
            ReportName::Summary
                | ReportName::OverTime
                | ReportName::Products
                | ReportName::Categories
                | ReportName::Vendors
                | ReportName::Channels
        )
    }

    pub fn title(self) -> &'static str {
        match self {
            ReportName::Summary => "Sales summary",
            ReportName::OverTime => "Sales over time",
            ReportName::Products => "Sales by product",
            ReportName::Categories => "Sales by category",
            ReportName::Vendors => "Sales by vendor",
            ReportName::Channels => "Sales by channel",
            ReportName::Staff => "Sales by staff",
            ReportName::Payments => "Payments by method",
            ReportName::Taxes => "Taxes by rate",
            ReportName::Returns => "Returns",
            ReportName::Discounts => "Discounts",
            ReportName::Fulfilment => "Fulfilment",
            ReportName::Customers => "Customers",
            ReportName::Cohorts => "Customer cohorts",
            ReportName::Inventory => "Inventory value and age",
            ReportName::SellThrough => "Sell-through and reorder",
        }
    }
}

/// What the period is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Compare {
    #[default]
    None,
    /// The same number of days just before.
    Previous,
    /// The same dates a year earlier.
    Year,
}

/// How sales over time are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    /// Hour of the day, 0–23, over the whole period: when the shop is busy.
    Hour,
    #[default]
    Day,
    /// Weeks starting on the shop's first weekday.
    Week,
    Month,
}

/// A report asked for: the shop's days from `from` to `to` (both included, "2026-11-01").
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ReportQuery {
    pub from: String,
    pub to: String,
    pub compare: Compare,
    pub bucket: Bucket,
    /// Only this channel ("counter", "shopify", …).
    pub channel: Option<String>,
    /// Only this location (its id).
    pub location: Option<String>,
    /// Only this staff member (their id).
    pub staff: Option<String>,
    /// Only products of this category (product type), vendor or tag.
    pub category: Option<String>,
    pub vendor: Option<String>,
    pub tag: Option<String>,
}

/// How a column's numbers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Text,
    Count,
    /// Minor units of the report's currency.
    Money,
    /// Basis points: 1234 is 12.34 %.
    Percent,
    /// Each row says (the summary lists counts, money and percentages in one column).
    ByRow,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReportColumn {
    pub key: String,
    pub label: String,
    pub kind: ColumnKind,
}

/// One cell: text, a number (read by its column's kind), or nothing to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Number(i64),
    Empty,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReportRow {
    /// What the row is about, for the documents behind it (a variant id, channel, staff id, …).
    pub key: String,
    #[ts(type = "Array<string | number | null>")]
    pub cells: Vec<Cell>,
    /// The kind of this row's figures in `ByRow` columns.
    pub kind: Option<ColumnKind>,
}

/// One point of a report's chart: a stretch of time, or one of the table's leading rows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Point {
    pub label: String,
    /// A second part of the label (a bar's location, reason or rate); "" for none.
    pub detail: String,
    /// Read by the chart's `value_kind`.
    #[ts(type = "number")]
    pub value: i64,
    /// The compared period's figure: its bucket at the same position, or the same row's.
    #[ts(type = "number | null")]
    pub compared: Option<i64>,
}

/// How a report's points are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// A figure over time.
    Line,
    /// The table's leading rows by one figure, largest first.
    Bars,
}

/// What a report's chart draws; its numbers are the table's, one glance away.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReportChart {
    pub kind: ChartKind,
    /// The figure drawn ("Net sales").
    pub label: String,
    pub value_kind: ColumnKind,
}

/// Two figures that must be equal. A report shows a warning when one is not.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TieOut {
    pub what: String,
    #[ts(type = "number")]
    pub expected_minor: i64,
    #[ts(type = "number")]
    pub actual_minor: i64,
}

impl TieOut {
    pub fn holds(&self) -> bool {
        self.expected_minor == self.actual_minor
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Report {
    pub name: ReportName,
    pub title: String,
    pub from: String,
    pub to: String,
    /// The period compared with, when asked ("2026-10-01 – 2026-10-31").
    pub compared: Option<String>,
    /// When the figures were read: they are live, never a cached copy.
    pub as_of: Timestamp,
    pub currency: String,
    /// Decimal places of the currency: money cells are minor units.
    pub exponent: u32,
    pub time_zone: String,
    pub kpis: Vec<Kpi>,
    /// Drawn as `chart` says; none for a report without a chart.
    pub chart: Option<ReportChart>,
    pub points: Vec<Point>,
    pub columns: Vec<ReportColumn>,
    pub rows: Vec<ReportRow>,
    pub total: Option<ReportRow>,
    pub tie_outs: Vec<TieOut>,
}

impl Report {
    /// A cell as text, the same in CSV, PDF and the terminal: money and percentages as plain
    /// decimals ("1234.50", "12.34"), so a spreadsheet reads numbers.
    pub fn text(&self, row: &ReportRow, column: usize) -> String {
        let cell = row.cells.get(column).unwrap_or(&Cell::Empty);
        let kind = match self
            .columns
            .get(column)
            .map_or(ColumnKind::Text, |c| c.kind)
        {
            ColumnKind::ByRow => row.kind.unwrap_or(ColumnKind::Count),
            kind => kind,
        };
        match (cell, kind) {
            (Cell::Text(t), _) => t.clone(),
            (Cell::Empty, _) => String::new(),
            (Cell::Number(n), ColumnKind::Money) => crate::Currency::from_code(&self.currency)
                .map(|cur| crate::Money::from_minor(*n, cur).to_decimal_string())
                .unwrap_or_else(|_| n.to_string()),
            (Cell::Number(n), ColumnKind::Percent) => {
                let sign = if *n < 0 { "-" } else { "" };
                format!("{sign}{}.{:02}", n.abs() / 100, n.abs() % 100)
            }
            (Cell::Number(n), _) => n.to_string(),
        }
    }

    /// Every row and the total row, as text.
    pub fn text_rows(&self) -> Vec<Vec<String>> {
        self.rows
            .iter()
            .chain(&self.total)
            .map(|row| (0..row.cells.len()).map(|i| self.text(row, i)).collect())
            .collect()
    }

    /// The table as CSV, with the header row.
    pub fn to_csv(&self) -> Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let csv_error = |e: csv::Error| Error::invalid(format!("cannot write the CSV: {e}"));
        w.write_record(self.columns.iter().map(|c| c.label.as_str()))
            .map_err(csv_error)?;
        for row in self.text_rows() {
            w.write_record(row).map_err(csv_error)?;
        }
        let bytes = w.into_inner().map_err(|e| Error::invalid(e.to_string()))?;
        Ok(String::from_utf8(bytes).unwrap_or_default())
    }
}

/// A period resolved to the shop's clock: [start, end) in UTC, and the local days it covers.
#[derive(Debug, Clone)]
pub(crate) struct Period {
    pub first: Date,
    pub last: Date,
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Period {
    fn new(zone: &ShopZone, first: Date, last: Date) -> Period {
        let after = last.tomorrow().unwrap_or(last);
        Period {
            first,
            last,
            start: zone.start_of(first),
            end: zone.start_of(after),
        }
    }

    pub fn days(&self) -> i64 {
        i64::from((self.last - self.first).get_days()) + 1
    }

    fn label(&self) -> String {
        format!("{} – {}", self.first, self.last)
    }

    /// The period compared with: the days just before, or the same dates a year earlier.
    fn compared(&self, zone: &ShopZone, compare: Compare) -> Option<Period> {
        let span = |days: i64| jiff::Span::new().days(days);
        match compare {
            Compare::None => None,
            Compare::Previous => {
                let last = self.first.yesterday().ok()?;
                let first = last.checked_sub(span(self.days() - 1)).ok()?;
                Some(Period::new(zone, first, last))
            }
            Compare::Year => {
                let year = jiff::Span::new().years(1);
                Some(Period::new(
                    zone,
                    self.first.checked_sub(year).ok()?,
                    self.last.checked_sub(year).ok()?,
                ))
            }
        }
    }
}

/// The longest period a report reads at once: ten years of days.
const MAX_DAYS: i64 = 3660;

impl ReportQuery {
    fn period(&self, zone: &ShopZone) -> Result<Period> {
        let (first, last) = (parse_day(&self.from, "from")?, parse_day(&self.to, "to")?);
        if last < first {
            return Err(Error::invalid(format!(
                "the period ends ({last}) before it starts ({first})"
            )));
        }
        let p = Period::new(zone, first, last);
        if p.days() > MAX_DAYS {
            return Err(Error::invalid("a report covers at most ten years"));
        }
        Ok(p)
    }
}

/// Sunday-first countries; everyone else starts the week on Monday (ISO 8601).
fn week_starts_sunday(country: &str) -> bool {
    matches!(
        country,
        "US" | "CA" | "MX" | "BR" | "JP" | "IL" | "PH" | "ZA"
    )
}

impl Shop {
    /// The shop's time zone, as reports, receipts and invoices count days.
    pub fn zone(&self) -> Result<ShopZone> {
        self.db.read(|c| crate::shop::zone(c))
    }

    /// A report over the shop's days `from`–`to`, compared when asked; read live.
    pub fn report(&self, session: &Session, name: ReportName, q: &ReportQuery) -> Result<Report> {
        let as_of = self.clock.now();
        // Every sales report reads the sums, if only for its tie-outs.
        if name.reads() != Reads::Nothing {
            self.fold_report_hours(session)?;
        }
        self.db.server_read(|c: Conn| {
            authorize(c, session, Permission::ReportsView)?;
            let zone = crate::shop::zone(c)?;
            let period = q.period(&zone)?;
            let compared = period
                .compared(&zone, q.compare)
                .filter(|_| name.compares());
            let country: String =
                c.query_row("SELECT country FROM shop WHERE id = 1", &[], |r| r.get(0))?;
            let ctx = tables::Context {
                conn: c,
                zone: &zone,
                query: q,
                sunday_first: week_starts_sunday(&country),
                now: as_of,
            };
            let mut report = tables::build(&ctx, name, &period, compared.as_ref())?;
            report.title = name.title().into();
            report.from = period.first.to_string();
            report.to = period.last.to_string();
            report.compared = compared.map(|p| p.label());
            report.as_of = as_of;
            let currency = shop_currency(c)?;
            report.currency = currency.code().into();
            report.exponent = currency.exponent();
            report.time_zone = zone.name().into();
            Ok(report)
        })
    }

    /// Brings the hours' sums up to date with the documents, when a write marked any since.
    /// Reports by time, channel and staff do this first; a shop with years of history just
    /// upgraded (or a bulk load) pays it once, a month of days per write transaction.
    pub fn fold_report_hours(&self, session: &Session) -> Result<()> {
        let stale = self.db.server_read(|c: Conn| {
            authorize(c, session, Permission::ReportsView)?;
            rollup::needs_fold(c, &crate::shop::zone(c)?)
        })?;
        if stale {
            while !self
                .db
                .shared_write(|tx: Conn| rollup::fold(tx, &crate::shop::zone(tx)?, 31))?
            {
            }
        }
        Ok(())
    }

    /// The stored report sums that differ from the same sums made again from the documents,
    /// after bringing them up to date: empty when they agree, else one line per sum.
    pub fn report_sums_check(&self, session: &Session) -> Result<Vec<String>> {
        self.fold_report_hours(session)?;
        self.db
            .server_read(|c: Conn| rollup::differences(c, &crate::shop::zone(c)?))
    }

    /// Everyone on the staff, former members included — their sales stay in the reports — for
    /// the reports' staff filter: whoever may read reports may filter by anyone (names and roles
    /// only). Active members first.
    pub fn report_staff(&self, session: &Session) -> Result<Vec<crate::shop::staff::StaffMember>> {
        let mut all = self.db.shared_read(|c: Conn| {
            authorize(c, session, Permission::ReportsView)?;
            crate::shop::staff::list_staff(c)
        })?;
        all.sort_by_key(|s| !s.active);
        Ok(all)
    }

    /// The documents behind a report row (`key` as the row gave it; "" for all of the period).
    pub fn report_documents(
        &self,
        session: &Session,
        name: ReportName,
        q: &ReportQuery,
        key: &str,
    ) -> Result<Vec<DocumentRow>> {
        let now = self.clock.now();
        self.db.server_read(|c: Conn| {
            authorize(c, session, Permission::ReportsView)?;
            let zone = crate::shop::zone(c)?;
            let period = q.period(&zone)?;
            let ctx = tables::Context {
                conn: c,
                zone: &zone,
                query: q,
                sunday_first: false,
                now,
            };
            documents::documents(&ctx, name, &period, key)
        })
    }
}
