//! The reports beyond sales lines: discounts by source, fulfilment against each channel's
//! promise, customers (new, returning, best) and their cohorts, stock value and age as of the
//! period's end, and sell-through with what to reorder.

use super::buyers::Months;
use super::facts::Fact;
use super::lines::Lines;
use super::tables::{blank, col, n, opt, product_filter, ratio_bp, row, t, Context, Sums};
use super::{Cell, ColumnKind, Period, Report, ReportName, ReportRow};
use crate::error::Result;
use crate::sql::{args, Param};
use crate::Timestamp;
use std::collections::{BTreeMap, HashMap, HashSet};

const DAY: i64 = 86_400_000;

/// Discounts by where they came from: codes, the clerk's cart and line discounts, marketplaces.
pub(crate) fn discounts(lines: &Lines) -> Report {
    // source → (documents using it, discount, net of those documents)
    let mut uses: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    for ((_, source), (docs, amount, net)) in &lines.discounts {
        let e = uses.entry(source.clone()).or_default();
        *e = (e.0 + docs, e.1 + amount, e.2 + net);
    }
    let mut r = blank(
        ReportName::Discounts,
        vec![
            col("name", "Discount", ColumnKind::Text),
            col("uses", "Orders", ColumnKind::Count),
            col("amount", "Discount given", ColumnKind::Money),
            col("net", "Net sales of those orders", ColumnKind::Money),
            col("share", "Discount of their gross", ColumnKind::Percent),
        ],
    );
    let mut rows: Vec<(i64, ReportRow)> = uses
        .into_iter()
        .map(|(source, (docs, amount, net))| {
            let cells = vec![
                t(source.clone()),
                n(docs),
                n(amount),
                n(net),
                opt(ratio_bp(amount, net + amount)),
            ];
            (amount, row(source, cells))
        })
        .collect();
    rows.sort_by_key(|(amount, _)| std::cmp::Reverse(*amount));
    let mut all = Sums::default();
    for (_, v) in &lines.items {
        all.merge(&v.sums);
    }
    r.rows = rows.into_iter().map(|(_, row)| row).collect();
    r.total = Some(row(
        "",
        vec![
            t("Total"),
            Cell::Empty,
            n(all.discounts),
            Cell::Empty,
            opt(ratio_bp(all.discounts, all.gross)),
        ],
    ));
    r
}

/// Whether a fact's document used the discount `source` (for its documents).
pub(crate) fn used_discount(f: &Fact, source: &str) -> bool {
    f.discounts.iter().any(|(s, _)| s == source)
}

/// Each customer's first purchase ever (counter sale or order), for new against returning.
pub(super) fn first_purchases(ctx: &Context) -> Result<HashMap<String, i64>> {
    // Kept by the store with every sale and order (migration 0013's customer figures).
    let rows = ctx.conn.query_map(
        "SELECT customer_id, first_at FROM customer_stats WHERE first_at IS NOT NULL",
        args![],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(rows.into_iter().collect())
}

/// Customers who bought in the period: new and returning, the repeat rate, and the best ones.
pub(crate) fn customers(ctx: &Context, buyers: &Months, p: &Period) -> Result<Report> {
    let first = first_purchases(ctx)?;
    // customer → (documents bought, net); "" holds the counter's sales without a customer.
    let mut by: HashMap<&str, (i64, i64)> = buyers
        .iter()
        .map(|(c, months)| {
            let sum = months.iter().fold((0, 0), |s, m| (s.0 + m.1, s.1 + m.2));
            (c.as_str(), sum)
        })
        .collect();
    let anonymous = by.remove("").map_or(0, |(docs, _)| docs);
    let is_new = |c: &str| {
        first
            .get(c)
            .is_some_and(|&at| at >= p.start.0 && at < p.end.0)
    };
    let new = by.keys().filter(|c| is_new(c)).count() as i64;
    let returning = by.len() as i64 - new;
    let repeat = by.values().filter(|v| v.0 >= 2).count() as i64;
    let mut r = blank(
        ReportName::Customers,
        vec![
            col("name", "Customer", ColumnKind::Text),
            col("kind", "New or returning", ColumnKind::Text),
            col("orders", "Orders", ColumnKind::Count),
            col("net", "Net sales", ColumnKind::Money),
            col("first", "First purchase", ColumnKind::Text),
        ],
    );
    for (key, label, value, kind) in [
        (
            "customers",
            "Customers who bought",
            by.len() as i64,
            ColumnKind::Count,
        ),
        ("new", "New customers", new, ColumnKind::Count),
        (
            "returning",
            "Returning customers",
            returning,
            ColumnKind::Count,
        ),
        ("repeat", "Bought more than once", repeat, ColumnKind::Count),
        (
            "repeat_rate",
            "Repeat rate",
            ratio_bp(repeat, by.len() as i64).unwrap_or(0),
            ColumnKind::Percent,
        ),
        (
            "anonymous",
            "Counter sales without a customer",
            anonymous,
            ColumnKind::Count,
        ),
    ] {
        r.kpis.push(super::Kpi {
            key: key.into(),
            label: label.into(),
            kind,
            value,
            compared: None,
            change_bp: None,
        });
    }
    let mut best: Vec<(&str, (i64, i64))> = by.into_iter().collect();
    // Ties in the customer's id, so the same history always lists the same way.
    best.sort_by_key(|&(id, v)| (std::cmp::Reverse(v.1), id));
    best.truncate(200);
    // Names of the best customers only, not of every customer the shop has, in one read.
    let ids: Vec<&dyn Param> = best.iter().map(|(id, _)| id as &dyn Param).collect();
    let marks = (1..=ids.len()).map(|i| format!("?{i}")).collect::<Vec<_>>();
    let names: HashMap<String, String> = if ids.is_empty() {
        HashMap::new()
    } else {
        ctx.conn
            .query_map(
                &format!(
                    "SELECT id, name FROM customer WHERE id IN ({})",
                    marks.join(", ")
                ),
                &ids,
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .into_iter()
            .collect()
    };
    for (id, (docs, net)) in best {
        let since = first
            .get(id)
            .map(|&at| ctx.zone.date_text(Timestamp(at)))
            .unwrap_or_default();
        let kind = if is_new(id) { "New" } else { "Returning" };
        let name = names.get(id).cloned().unwrap_or_default();
        r.rows
            .push(row(id, vec![t(name), t(kind), n(docs), n(net), t(since)]));
    }
    Ok(r)
}

/// Customers by the month of their first purchase (the cohort), and how many of each bought
/// again in each later month of the period.
pub(crate) fn cohorts(ctx: &Context, buyers: &Months, p: &Period) -> Result<Report> {
    let first = first_purchases(ctx)?;
    let month = |at: i64| {
        let d = ctx.zone.date(Timestamp(at));
        (i32::from(d.year()), i32::from(d.month()))
    };
    let (y0, m0) = month(p.start.0);
    let (y1, m1) = month(p.end.0 - 1);
    let months = ((y1 - y0) * 12 + (m1 - m0) + 1).clamp(1, 24) as usize;
    // cohort month index → active customers per month offset
    let mut grid: BTreeMap<usize, Vec<HashSet<&str>>> = BTreeMap::new();
    // A customer is active in a month they bought in (a return is not a purchase).
    for (c, bought) in buyers.iter().filter(|(c, _)| !c.is_empty()) {
        let Some(&started) = first.get(c) else {
            continue;
        };
        if started < p.start.0 || started >= p.end.0 {
            continue;
        }
        let (cy, cm) = month(started);
        let cohort = ((cy - y0) * 12 + (cm - m0)) as usize;
        for (day, ..) in bought.iter().filter(|m| m.1 > 0) {
            let (fy, fm) = (i32::from(day.year()), i32::from(day.month()));
            let offset = ((fy - cy) * 12 + (fm - cm)) as usize;
            if cohort < months && offset < months {
                grid.entry(cohort)
                    .or_insert_with(|| vec![HashSet::new(); months])[offset]
                    .insert(c.as_str());
            }
        }
    }
    let mut columns = vec![
        col("cohort", "First purchase in", ColumnKind::Text),
        col("customers", "Customers", ColumnKind::Count),
    ];
    for m in 1..months {
        columns.push(col(
            &format!("m{m}"),
            &format!("Month {m}"),
            ColumnKind::Percent,
        ));
    }
    let mut r = blank(ReportName::Cohorts, columns);
    for (cohort, active) in grid {
        let size = active[0].len() as i64;
        let total = (y0 * 12 + m0 - 1) as usize + cohort;
        let label = format!("{}-{:02}", total / 12, total % 12 + 1);
        let mut cells = vec![t(label.clone()), n(size)];
        for (m, a) in active.iter().enumerate().skip(1) {
            cells.push(if cohort + m < months {
                opt(ratio_bp(a.len() as i64, size))
            } else {
                Cell::Empty
            });
        }
        r.rows.push(row(label, cells));
    }
    Ok(r)
}

/// Stock on hand at the period's end per variant and location, valued at cost and at retail,
/// and aged by the receipts that still make it up (first in, first out).
pub(crate) fn inventory(ctx: &Context, p: &Period) -> Result<Report> {
    let q = ctx.query;
    let moves =
        "SELECT m.variant_id, m.location_id, m.on_hand_delta, m.at, coalesce(v.sku, ''),
                p.title || coalesce(' (' || nullif(trim(coalesce(v.option1, '') || ' ' || coalesce(v.option2, '')), '') || ')', ''),
                coalesce(v.cost_minor, 0), v.price_minor, l.name
         FROM stock_move m
         JOIN variant v ON v.id = m.variant_id JOIN product p ON p.id = v.product_id
         JOIN location l ON l.id = m.location_id
         WHERE m.at < ?1 AND m.on_hand_delta <> 0
         ORDER BY m.variant_id, m.location_id, m.seq";
    struct Line {
        sku: String,
        label: String,
        cost: i64,
        price: i64,
        location: String,
        on_hand: i64,
        /// (when, units) of stock that came in, oldest first.
        ins: Vec<(i64, i64)>,
    }
    let allowed = product_filter(ctx)?;
    let mut lines: BTreeMap<(String, String), Line> = BTreeMap::new();
    ctx.conn.query_map(moves, args![p.end.0], |r| {
        let (variant, location): (String, String) = (r.get(0)?, r.get(1)?);
        if q.location
            .as_deref()
            .is_some_and(|l| !l.is_empty() && l != location)
            || allowed.as_ref().is_some_and(|ids| !ids.contains(&variant))
        {
            return Ok(());
        }
        let delta: i64 = r.get(2)?;
        let at: i64 = r.get(3)?;
        let line = lines.entry((variant, location)).or_insert(Line {
            sku: r.get(4)?,
            label: r.get(5)?,
            cost: r.get(6)?,
            price: r.get(7)?,
            location: r.get(8)?,
            on_hand: 0,
            ins: Vec::new(),
        });
        line.on_hand += delta;
        if delta > 0 {
            line.ins.push((at, delta));
        }
        Ok(())
    })?;
    let mut r = blank(
        ReportName::Inventory,
        vec![
            col("sku", "SKU", ColumnKind::Text),
            col("name", "Item", ColumnKind::Text),
            col("location", "Location", ColumnKind::Text),
            col("on_hand", "On hand", ColumnKind::Count),
            col("cost", "Unit cost", ColumnKind::Money),
            col("value", "Value at cost", ColumnKind::Money),
            col("retail", "Value at retail", ColumnKind::Money),
            col("d30", "0–30 days", ColumnKind::Count),
            col("d90", "31–90 days", ColumnKind::Count),
            col("d180", "91–180 days", ColumnKind::Count),
            col("older", "181+ days", ColumnKind::Count),
        ],
    );
    let mut total = [0i64; 7];
    // The cost of the day valued (migration 0019), so a month-end snapshot keeps that month's
    // cost; today's where none was known then.
    for ((variant, location), mut line) in lines {
        if line.on_hand <= 0 {
            continue;
        }
        let then: Option<Option<i64>> = ctx.conn.query_opt(
            "SELECT cost_minor FROM variant_cost WHERE variant_id = ?1 AND at < ?2
             ORDER BY at DESC, seq DESC LIMIT 1",
            args![variant, p.end.0],
            |r| r.get(0),
        )?;
        if let Some(Some(cost)) = then {
            line.cost = cost;
        }
        // The newest receipts make up what is left; older ones were sold first.
        let mut left = line.on_hand;
        let mut ages = [0i64; 4];
        for &(at, units) in line.ins.iter().rev() {
            if left == 0 {
                break;
            }
            let take = units.min(left);
            left -= take;
            let days = (p.end.0 - at) / DAY;
            ages[match days {
                ..=30 => 0,
                31..=90 => 1,
                91..=180 => 2,
                _ => 3,
            }] += take;
        }
        ages[3] += left;
        let figures = [
            line.on_hand,
            line.on_hand * line.cost,
            line.on_hand * line.price,
            ages[0],
            ages[1],
            ages[2],
            ages[3],
        ];
        for (t, v) in total.iter_mut().zip(figures) {
            *t += v;
        }
        r.rows.push(row(
            format!("{variant}@{location}"),
            vec![
                t(line.sku),
                t(line.label),
                t(line.location),
                n(figures[0]),
                n(line.cost),
                n(figures[1]),
                n(figures[2]),
                n(ages[0]),
                n(ages[1]),
                n(ages[2]),
                n(ages[3]),
            ],
        ));
    }
    r.total = Some(row(
        "",
        vec![
            t("Total"),
            Cell::Empty,
            Cell::Empty,
            n(total[0]),
            Cell::Empty,
            n(total[1]),
            n(total[2]),
            n(total[3]),
            n(total[4]),
            n(total[5]),
            n(total[6]),
        ],
    ));
    Ok(r)
}

/// Per variant: sold in the period against what is left, days of cover at the period's pace,
/// the last sale, dead stock, and how many to order for thirty days of cover (or the reorder
/// rule's quantity when the level is at or below its point).
pub(crate) fn sell_through(ctx: &Context, lines: &Lines, p: &Period) -> Result<Report> {
    const COVER_DAYS: i64 = 30;
    // Units sold less units returned, per variant.
    let mut sold: HashMap<&str, i64> = HashMap::new();
    for (k, v) in lines
        .items
        .iter()
        .filter(|(k, _)| !k.item.starts_with("title:"))
    {
        *sold.entry(k.item.as_str()).or_default() += v.sums.units - v.sums.returned_units;
    }
    let rows = ctx.conn.query_map(
        // The ledger summed once per variant, not looked up variant by variant: one pass over
        // the moves on either engine.
        "SELECT v.id, coalesce(v.sku, ''),
                p.title || coalesce(' (' || nullif(trim(coalesce(v.option1, '') || ' ' || coalesce(v.option2, '')), '') || ')', ''),
                coalesce(m.on_hand, 0), m.last_sold, r.point, r.qty
         FROM variant v JOIN product p ON p.id = v.product_id
         LEFT JOIN (SELECT variant_id, sum(on_hand_delta) AS on_hand,
                           max(CASE WHEN reason IN ('sale', 'ship') THEN at END) AS last_sold
                    FROM stock_move WHERE at < ?1 GROUP BY variant_id) m ON m.variant_id = v.id
         LEFT JOIN (SELECT variant_id, sum(reorder_point) AS point, sum(reorder_qty) AS qty
                    FROM reorder_rule GROUP BY variant_id) r ON r.variant_id = v.id
         WHERE p.status <> 'archived'
         ORDER BY p.title, v.position",
        args![p.end.0],
        |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<String>(2)?,
                r.get::<i64>(3)?,
                r.get::<Option<i64>>(4)?,
                r.get::<Option<i64>>(5)?,
                r.get::<Option<i64>>(6)?,
            ))
        },
    )?;
    let days = p.days().max(1);
    let allowed = product_filter(ctx)?;
    let mut r = blank(
        ReportName::SellThrough,
        vec![
            col("sku", "SKU", ColumnKind::Text),
            col("name", "Item", ColumnKind::Text),
            col("sold", "Sold", ColumnKind::Count),
            col("on_hand", "On hand at the end", ColumnKind::Count),
            col("sell_through", "Sell-through", ColumnKind::Percent),
            col("cover", "Days of cover", ColumnKind::Count),
            col("last", "Last sold", ColumnKind::Text),
            col("dead", "No sale in the period", ColumnKind::Text),
            col("reorder", "Suggested order", ColumnKind::Count),
        ],
    );
    let mut out: Vec<(i64, ReportRow)> = Vec::new();
    for (id, sku, label, on_hand, last, point, rule_qty) in rows {
        if allowed.as_ref().is_some_and(|ids| !ids.contains(&id)) {
            continue;
        }
        let sold = sold.get(id.as_str()).copied().unwrap_or(0);
        if sold == 0 && on_hand <= 0 {
            continue;
        }
        let cover = (sold > 0).then(|| on_hand.max(0) * days / sold);
        let suggest = match (point, rule_qty) {
            (Some(point), Some(qty)) if on_hand <= point => qty,
            (Some(_), Some(_)) => 0,
            _ => ((sold * COVER_DAYS + days - 1) / days - on_hand).max(0),
        };
        let dead = sold <= 0 && on_hand > 0;
        let cells = vec![
            t(sku),
            t(label),
            n(sold),
            n(on_hand),
            opt(ratio_bp(sold, sold + on_hand.max(0))),
            opt(cover),
            t(last
                .map(|at| ctx.zone.date_text(Timestamp(at)))
                .unwrap_or_default()),
            t(if dead { "dead stock" } else { "" }),
            n(suggest),
        ];
        out.push((suggest * 1000 + sold, row(id, cells)));
    }
    out.sort_by_key(|(k, _)| std::cmp::Reverse(*k));
    r.rows = out.into_iter().map(|(_, row)| row).collect();
    Ok(r)
}
