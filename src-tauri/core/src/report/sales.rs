//! The sales reports: the summary, over time, by product, category, vendor and channel, by staff,
//! payments with the Z reports, taxes per rate, returns.

use super::facts::{Doc, Fact, LineKind};
use super::lines::{ItemKey, Lines};
use super::rollup::HourRow;
use super::tables::{
    blank, change_bp, col, n, opt, ratio_bp, row, sum_hours, t, Context, Kpi, Sums,
};
use super::{Bucket, Cell, ColumnKind, Period, Point, Report, ReportName, ReportRow};
use crate::clock::Date;
use crate::error::Result;
use crate::sale::shift::ZReport;
use crate::sql::{args, Conn};
use crate::Timestamp;
use std::collections::{BTreeMap, HashMap};

const SUMMARY: [(&str, &str, ColumnKind); 14] = [
    ("orders", "Orders", ColumnKind::Count),
    ("units", "Units sold", ColumnKind::Count),
    ("gross", "Gross sales", ColumnKind::Money),
    ("discounts", "Discounts", ColumnKind::Money),
    ("returns", "Returns", ColumnKind::Money),
    ("net", "Net sales", ColumnKind::Money),
    ("shipping", "Shipping", ColumnKind::Money),
    ("tax", "Tax", ColumnKind::Money),
    ("total", "Total sales", ColumnKind::Money),
    ("average", "Average order value", ColumnKind::Money),
    ("gift_cards", "Gift cards sold", ColumnKind::Money),
    ("profit", "Gross profit", ColumnKind::Money),
    ("margin", "Gross margin", ColumnKind::Percent),
    (
        "without_cost",
        "Lines sold without a known cost",
        ColumnKind::Count,
    ),
];

fn summary_values(s: &Sums) -> [Option<i64>; 14] {
    [
        Some(s.orders()),
        Some(s.units),
        Some(s.gross),
        Some(s.discounts),
        Some(s.returns),
        Some(s.net()),
        Some(s.shipping),
        Some(s.tax),
        Some(s.total()),
        Some(s.average()),
        Some(s.gift_cards),
        Some(s.profit()),
        s.margin_bp(),
        Some(s.without_cost),
    ]
}

pub(super) fn summary(hours: &[HourRow], before: Option<&[HourRow]>) -> Report {
    let now = summary_values(&sum_hours(hours));
    let then = before.map(|b| summary_values(&sum_hours(b)));
    let mut r = blank(
        ReportName::Summary,
        vec![
            col("figure", "Figure", ColumnKind::Text),
            col("value", "This period", ColumnKind::ByRow),
            col("compared", "Compared period", ColumnKind::ByRow),
            col("change", "Change", ColumnKind::Percent),
        ],
    );
    for (i, (key, label, kind)) in SUMMARY.iter().enumerate() {
        let compared = then.and_then(|t| t[i]);
        let value = now[i].unwrap_or(0);
        let change = change_bp(value, compared);
        r.kpis.push(Kpi {
            key: (*key).into(),
            label: (*label).into(),
            kind: *kind,
            value,
            compared,
            change_bp: change,
        });
        r.rows.push(ReportRow {
            kind: Some(*kind),
            ..row(
                *key,
                vec![t(*label), opt(now[i]), opt(compared), opt(change)],
            )
        });
    }
    r
}

/// Bucket boundaries over the period: [(label, start, end)].
pub(super) fn buckets(
    ctx: &Context,
    p: &Period,
    bucket: Bucket,
) -> Vec<(String, Timestamp, Timestamp)> {
    let zone = ctx.zone;
    let step = |d: Date| -> Date {
        let next = match bucket {
            Bucket::Week => d.checked_add(jiff::Span::new().days(7)),
            Bucket::Month => d.first_of_month().checked_add(jiff::Span::new().months(1)),
            _ => d.tomorrow(),
        };
        next.unwrap_or(d)
    };
    let start_of = |d: Date| -> Date {
        match bucket {
            Bucket::Week => {
                let back = if ctx.sunday_first {
                    d.weekday().to_sunday_zero_offset()
                } else {
                    d.weekday().to_monday_zero_offset()
                };
                d.checked_sub(jiff::Span::new().days(i64::from(back)))
                    .unwrap_or(d)
            }
            Bucket::Month => d.first_of_month(),
            _ => d,
        }
    };
    let mut out = Vec::new();
    let mut d = start_of(p.first);
    while d <= p.last {
        let next = step(d);
        let label = match bucket {
            Bucket::Month => d.strftime("%Y-%m").to_string(),
            _ => d.to_string(),
        };
        let (from, to) = (d.max(p.first), next);
        out.push((label, zone.start_of(from), zone.start_of(to).min(p.end)));
        if next <= d {
            break;
        }
        d = next;
    }
    out
}

/// Sales per `bucket` of the period, with the compared period's at the same positions, drawn as a
/// line of net sales.
pub(super) fn over_time(
    ctx: &Context,
    hours: &[HourRow],
    period: &Period,
    before: Option<&[HourRow]>,
    compared: Option<&Period>,
    bucket: Bucket,
) -> Report {
    let mut r = blank(
        ReportName::OverTime,
        vec![
            col(
                "period",
                if bucket == Bucket::Hour {
                    "Hour"
                } else {
                    "Period"
                },
                ColumnKind::Text,
            ),
            col("orders", "Orders", ColumnKind::Count),
            col("units", "Units", ColumnKind::Count),
            col("net", "Net sales", ColumnKind::Money),
            col("total", "Total sales", ColumnKind::Money),
            col("compared", "Compared net sales", ColumnKind::Money),
        ],
    );
    // Each bucket is a list of (key, sums now, sums compared).
    let rows: Vec<(String, String, Sums, Option<Sums>)> = if bucket == Bucket::Hour {
        let by_hour = |rows: &[HourRow]| {
            let mut hours: Vec<Sums> = vec![Sums::default(); 24];
            for r in rows {
                hours[r.key.hour.clamp(0, 23) as usize].merge(&r.sums);
            }
            hours
        };
        let now = by_hour(hours);
        let mut then = before.map(by_hour).map(|v| v.into_iter());
        now.into_iter()
            .enumerate()
            .map(|(h, s)| {
                let label = format!("{h:02}:00");
                (
                    format!("hour:{h}"),
                    label,
                    s,
                    then.as_mut().and_then(|t| t.next()),
                )
            })
            .collect()
    } else {
        // Buckets are whole days, so an hour's row sits where its day starts.
        let sum_in = |rows: &[HourRow], b: &[(String, Timestamp, Timestamp)]| -> Vec<Sums> {
            let mut out = vec![Sums::default(); b.len()];
            for r in rows {
                let at = ctx.zone.start_of(r.key.day);
                let i = b.partition_point(|(_, start, _)| *start <= at);
                if i > 0 && at < b[i - 1].2 {
                    out[i - 1].merge(&r.sums);
                }
            }
            out
        };
        let now_b = buckets(ctx, period, bucket);
        let now = sum_in(hours, &now_b);
        let mut then = match (before, compared) {
            (Some(fs), Some(p)) => Some(sum_in(fs, &buckets(ctx, p, bucket)).into_iter()),
            _ => None,
        };
        now_b
            .into_iter()
            .zip(now)
            .map(|((label, start, end), s)| {
                let key = format!("at:{}-{}", start.0, end.0);
                (key, label, s, then.as_mut().and_then(|t| t.next()))
            })
            .collect()
    };
    for (key, label, s, c) in rows {
        let compared = c.as_ref().map(Sums::net);
        r.points.push(Point {
            label: label.clone(),
            detail: String::new(),
            value: s.net(),
            compared,
        });
        r.rows.push(row(
            key,
            vec![
                t(label),
                n(s.orders()),
                n(s.units),
                n(s.net()),
                n(s.total()),
                opt(compared),
            ],
        ));
    }
    let all = sum_hours(hours);
    r.total = Some(row(
        String::new(),
        vec![
            t("Total"),
            n(all.orders()),
            n(all.units),
            n(all.net()),
            n(all.total()),
            opt(before.map(|b| sum_hours(b).net())),
        ],
    ));
    super::chart::line(&mut r, "Net sales");
    r
}

pub(super) fn names(conn: Conn, sql: &str) -> Result<HashMap<String, String>> {
    let rows = conn.query_map(sql, args![], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.into_iter().collect())
}

pub(super) fn staff(ctx: &Context, hours: &[HourRow], p: &Period) -> Result<Report> {
    let names = names(ctx.conn, "SELECT id, name FROM staff")?;
    let mut voids: HashMap<String, i64> = HashMap::new();
    {
        let rows = ctx.conn.query_map(
            &ctx.conn.hinted("SELECT voided_by, count(*) FROM (
                 SELECT voided_by FROM sale WHERE status = 'voided' AND voided_by IS NOT NULL
                     AND updated_at >= ?1 AND updated_at < ?2
                 UNION ALL
                 SELECT l.voided_by FROM sale_line l INDEXED BY sale_line_voided
                 JOIN sale s ON s.id = l.sale_id
                 WHERE l.voided_by IS NOT NULL AND s.updated_at >= ?1 AND s.updated_at < ?2) AS voids
             GROUP BY voided_by"),
            args![p.start.0, p.end.0],
            |r| Ok((r.get::<String>(0)?, r.get::<i64>(1)?)),
        )?;
        voids.extend(rows);
    }
    let mut by: BTreeMap<String, Sums> = BTreeMap::new();
    let counter = || hours.iter().filter(|r| r.key.doc == Doc::Sale);
    for r in counter() {
        by.entry(r.key.staff.clone()).or_default().merge(&r.sums);
    }
    for who in voids.keys() {
        by.entry(who.clone()).or_default();
    }
    let mut r = blank(
        ReportName::Staff,
        vec![
            col("name", "Staff", ColumnKind::Text),
            col("sales", "Sales", ColumnKind::Count),
            col("net", "Net sales", ColumnKind::Money),
            col("average", "Average ticket", ColumnKind::Money),
            col("discounts", "Discounts given", ColumnKind::Money),
            col("refunds", "Refunds", ColumnKind::Money),
            col("voids", "Voids", ColumnKind::Count),
        ],
    );
    let staff_row = |key: String, label: String, s: &Sums, v: i64| {
        row(
            key,
            vec![
                t(label),
                n(s.orders()),
                n(s.net()),
                n(s.average()),
                n(s.discounts),
                n(s.returns),
                n(v),
            ],
        )
    };
    for (who, s) in &by {
        let label = names.get(who).cloned().unwrap_or_else(|| who.clone());
        r.rows.push(staff_row(
            who.clone(),
            label,
            s,
            voids.get(who).copied().unwrap_or(0),
        ));
    }
    let all = sum_hours(counter());
    r.total = Some(staff_row(
        String::new(),
        "Total".into(),
        &all,
        voids.values().sum(),
    ));
    Ok(r)
}

/// Money in and out by method: counter tenders (a negative tender is money paid back) and order
/// payments and refunds, with the cash over/short the period's Z reports counted. The period's
/// sales are found by completion time (named: the planner would read every completed sale).
pub(super) fn payments(ctx: &Context, p: &Period) -> Result<Report> {
    let mut by: BTreeMap<String, (i64, i64, Option<i64>)> = BTreeMap::new();
    let rows = ctx.conn.query_map(
        &ctx.conn.hinted(
            "SELECT t.label,
                sum(CASE WHEN t.amount_minor > 0 THEN t.amount_minor ELSE 0 END),
                sum(CASE WHEN t.amount_minor < 0 THEN t.amount_minor ELSE 0 END)
         FROM sale s INDEXED BY sale_completed JOIN tender t ON t.sale_id = s.id
         WHERE s.status = 'completed' AND s.completed_at >= ?1 AND s.completed_at < ?2
         GROUP BY t.label
         UNION ALL
         SELECT method, sum(CASE kind WHEN 'payment' THEN amount_minor ELSE 0 END),
                -sum(CASE kind WHEN 'refund' THEN amount_minor ELSE 0 END)
         FROM order_payment WHERE at >= ?1 AND at < ?2 GROUP BY method",
        ),
        args![p.start.0, p.end.0],
        |r| Ok((r.get::<String>(0)?, r.get::<i64>(1)?, r.get::<i64>(2)?)),
    )?;
    for (method, taken, back) in rows {
        let e = by.entry(method).or_default();
        e.0 += taken;
        e.1 -= back;
    }
    let over_short: i64 = z_reports(ctx.conn, p)?
        .iter()
        .map(|z| z.over_short_minor)
        .sum();
    if let Some(cash) = by.iter_mut().find(|(m, _)| m.eq_ignore_ascii_case("cash")) {
        cash.1 .2 = Some(over_short);
    } else if over_short != 0 {
        by.insert("Cash".into(), (0, 0, Some(over_short)));
    }
    let mut r = blank(
        ReportName::Payments,
        vec![
            col("method", "Method", ColumnKind::Text),
            col("collected", "Collected", ColumnKind::Money),
            col("refunded", "Refunded", ColumnKind::Money),
            col("net", "Net", ColumnKind::Money),
            col("over_short", "Over/short (Z reports)", ColumnKind::Money),
        ],
    );
    let (mut taken, mut back) = (0, 0);
    for (method, (c, b, z)) in by {
        taken += c;
        back += b;
        r.rows.push(row(
            method.clone(),
            vec![t(method), n(c), n(b), n(c - b), opt(z)],
        ));
    }
    r.total = Some(row(
        String::new(),
        vec![
            t("Total"),
            n(taken),
            n(back),
            n(taken - back),
            n(over_short),
        ],
    ));
    Ok(r)
}

pub(super) fn z_reports(conn: Conn, p: &Period) -> Result<Vec<ZReport>> {
    let rows = conn.query_map(
        "SELECT report FROM shift WHERE status = 'closed' AND closed_at >= ?1 AND closed_at < ?2",
        args![p.start.0, p.end.0],
        |r| r.get::<String>(0),
    )?;
    Ok(rows
        .iter()
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect())
}

/// A fact's tax split by rate; tax a marketplace sent without its rates is its own line, so the
/// table still adds up to the tax charged.
pub(super) fn tax_parts(f: &Fact) -> Vec<(String, i64, i64, i64)> {
    let mut parts: Vec<(String, i64, i64, i64)> = f
        .taxes
        .iter()
        .map(|p| (p.name.clone(), p.rate_bp, p.base_minor, p.tax_minor))
        .collect();
    let rest = f.tax - parts.iter().map(|p| p.3).sum::<i64>();
    if rest != 0 || (parts.is_empty() && f.net != 0 && f.kind != LineKind::GiftCard) {
        let base = f.net - parts.iter().map(|p| p.2).sum::<i64>();
        parts.push(("Rate not given".into(), -1, base, rest));
    }
    parts
}

pub(super) fn taxes(lines: &Lines) -> Report {
    // (rate, name) → (base sold, tax sold, tax refunded)
    let mut by: BTreeMap<(i64, String), (i64, i64, i64)> = BTreeMap::new();
    for ((_, name, rate), (base, tax, back)) in &lines.taxes {
        let e = by.entry((*rate, name.clone())).or_default();
        *e = (e.0 + base, e.1 + tax, e.2 + back);
    }
    let mut r = blank(
        ReportName::Taxes,
        vec![
            col("name", "Tax", ColumnKind::Text),
            col("rate", "Rate", ColumnKind::Percent),
            col("base", "Taxable sales", ColumnKind::Money),
            col("tax", "Tax collected", ColumnKind::Money),
            col("refunded", "Tax refunded", ColumnKind::Money),
            col("net", "Net tax", ColumnKind::Money),
        ],
    );
    let mut total = (0, 0, 0);
    for ((rate, name), (base, tax, back)) in by {
        total = (total.0 + base, total.1 + tax, total.2 + back);
        r.rows.push(row(
            format!("{name}|{rate}"),
            vec![
                t(name),
                opt((rate >= 0).then_some(rate)),
                n(base),
                n(tax),
                n(back),
                n(tax - back),
            ],
        ));
    }
    r.total = Some(row(
        String::new(),
        vec![
            t("Total"),
            Cell::Empty,
            n(total.0),
            n(total.1),
            n(total.2),
            n(total.1 - total.2),
        ],
    ));
    r
}

pub(super) fn return_key(f: &Fact) -> String {
    let product = f.variant_id.clone().unwrap_or_else(|| f.title.clone());
    format!("{product}|{}|{}", f.reason, f.channel)
}

/// One row of the returns table.
#[derive(Default)]
struct Returned {
    title: String,
    reason: String,
    channel: String,
    product: String,
    units: i64,
    refunds: i64,
    restocked: i64,
    written_off: i64,
}

pub(super) fn returns(lines: &Lines) -> Report {
    // A line without a variant is known by its title, as its documents are (`return_key`).
    let product_of =
        |k: &ItemKey| -> String { k.item.strip_prefix("title:").unwrap_or(&k.item).to_string() };
    let mut sold: HashMap<String, i64> = HashMap::new();
    for (k, v) in &lines.items {
        *sold.entry(product_of(k)).or_default() += v.sums.units;
    }
    let mut by: BTreeMap<String, Returned> = BTreeMap::new();
    for (k, v) in lines
        .items
        .iter()
        .filter(|(_, v)| v.sums.returned_units != 0)
    {
        let product = product_of(k);
        let key = format!("{product}|{}|{}", k.reason, k.channel);
        let e = by.entry(key).or_insert_with(|| Returned {
            title: v.title.clone(),
            reason: k.reason.clone(),
            channel: k.channel.clone(),
            product,
            ..Returned::default()
        });
        e.units += v.sums.returned_units;
        e.refunds += v.refunds;
        e.restocked += v.restocked;
        e.written_off += v.written_off;
    }
    let mut r = blank(
        ReportName::Returns,
        vec![
            col("product", "Product", ColumnKind::Text),
            col("reason", "Reason", ColumnKind::Text),
            col("channel", "Channel", ColumnKind::Text),
            col("units", "Units returned", ColumnKind::Count),
            col("rate", "Return rate", ColumnKind::Percent),
            col("refunds", "Refunded", ColumnKind::Money),
            col("restocked", "Restocked", ColumnKind::Count),
            col("written_off", "Written off", ColumnKind::Count),
        ],
    );
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by_key(|(_, g)| std::cmp::Reverse(g.units));
    let mut total = Returned::default();
    for (key, g) in rows {
        total.units += g.units;
        total.refunds += g.refunds;
        total.restocked += g.restocked;
        total.written_off += g.written_off;
        let rate = ratio_bp(g.units, sold.get(&g.product).copied().unwrap_or(0));
        r.rows.push(row(
            key,
            vec![
                t(g.title),
                t(g.reason),
                t(g.channel),
                n(g.units),
                opt(rate),
                n(g.refunds),
                n(g.restocked),
                n(g.written_off),
            ],
        ));
    }
    r.total = Some(row(
        String::new(),
        vec![
            t("Total"),
            Cell::Empty,
            Cell::Empty,
            n(total.units),
            opt(ratio_bp(total.units, sold.values().sum())),
            n(total.refunds),
            n(total.restocked),
            n(total.written_off),
        ],
    ));
    r
}
