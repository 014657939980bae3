//! Fulfilment against each channel's promise: every order's fate (how far it got, the hours and
//! carrier of its first shipment, whether that was late, whether it was ever held) counted per
//! local day it was placed, channel and location — made for the days a write marked (as the
//! other report sums in `rollup.rs`) and read live for days marked since — and the report.

use super::tables::{blank, col, n, opt, ratio_bp, row, t, Context};
use super::{ColumnKind, Period, Report, ReportName};
use crate::clock::{Date, ShopZone};
use crate::error::Result;
use crate::packing::shipping::{percentile, ship_by, Promises};
use crate::sql::{args, Arg, Conn};
use crate::Timestamp;
use std::collections::{BTreeMap, BTreeSet};

/// What a count of orders is kept apart by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Fate {
    pub day: Date,
    pub channel: String,
    pub location: String,
    /// shipped, partly, open, on_hold or cancelled.
    pub stage: String,
    pub carrier: String,
    /// Whole hours from placing to the first shipment; None before one.
    pub hours: Option<i64>,
    /// The first shipment went after the promise.
    pub late: bool,
    pub held: bool,
}

pub(crate) type Fates = BTreeMap<Fate, i64>;

/// The fates of the orders placed on local days [first, last], from the orders themselves.
pub(crate) fn made(conn: Conn, zone: &ShopZone, first: Date, last: Date) -> Result<Fates> {
    let after = last.tomorrow().unwrap_or(last);
    // Each figure a subquery by the order's id, which both engines answer from an index per
    // order (on the server once it has statistics: sharing takes them). A set-based form summed
    // over the days' orders had the server scan every shipment and line of the whole history
    // for each run of days.
    let sql = "SELECT o.channel, o.status, o.created_at,
                (SELECT min(at) FROM shipment WHERE order_id = o.id),
                (SELECT carrier FROM shipment WHERE order_id = o.id ORDER BY at, id LIMIT 1),
                (SELECT coalesce(sum(quantity), 0) FROM order_line
                 WHERE order_id = o.id AND kind = 'item'),
                (SELECT coalesce(sum(sl.quantity), 0) FROM shipment_line sl
                 JOIN shipment s ON s.id = sl.shipment_id WHERE s.order_id = o.id),
                EXISTS (SELECT 1 FROM order_event WHERE order_id = o.id AND kind = 'held'),
                o.location_id
         FROM customer_order o WHERE o.created_at >= ?1 AND o.created_at < ?2";
    let rows = conn.query_map(
        sql,
        args![zone.start_of(first).0, zone.start_of(after).0],
        |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<i64>(2)?,
                r.get::<Option<i64>>(3)?,
                r.get::<Option<String>>(4)?,
                r.get::<i64>(5)?,
                r.get::<i64>(6)?,
                r.get::<bool>(7)?,
                r.get::<String>(8)?,
            ))
        },
    )?;
    let promises = Promises::read(conn)?;
    let mut out = Fates::new();
    for (channel, status, placed, first, carrier, units, sent, held, location) in rows {
        let stage = match status.as_str() {
            "cancelled" => "cancelled",
            "on_hold" => "on_hold",
            _ if units > 0 && sent >= units => "shipped",
            _ if sent > 0 => "partly",
            _ => "open",
        };
        let due = ship_by(zone, Timestamp(placed), promises.days(&channel));
        let fate = Fate {
            day: zone.date(Timestamp(placed)),
            channel,
            location,
            stage: stage.into(),
            carrier: first.and(carrier).unwrap_or_default(),
            // Rounded here: a percentile of rounded hours is the rounded percentile.
            hours: first.map(|f| ((f - placed) as f64 / 3_600_000.0).round() as i64),
            late: first.is_some_and(|f| f >= due.0),
            held,
        };
        *out.entry(fate).or_default() += 1;
    }
    Ok(out)
}

/// Replaces the stored fates of the days [first, last] (in the fold's transaction).
pub(crate) fn store(tx: Conn, zone: &ShopZone, first: Date, last: Date) -> Result<()> {
    tx.execute(
        "DELETE FROM report_fulfilment WHERE day >= ?1 AND day <= ?2",
        args![first.to_string(), last.to_string()],
    )?;
    let mut values: Vec<Arg> = Vec::new();
    for (f, orders) in made(tx, zone, first, last)? {
        values.extend([
            f.day.to_string().into(),
            f.channel.into(),
            f.location.into(),
            f.stage.into(),
            f.carrier.into(),
            f.hours.unwrap_or(-1).into(),
            f.late.into(),
            f.held.into(),
            orders.into(),
        ]);
    }
    tx.insert_rows("report_fulfilment", 9, &values)
}

/// The stored fates of the days [first, last], but for the days in `skip`.
pub(crate) fn stored(conn: Conn, first: Date, last: Date, skip: &BTreeSet<Date>) -> Result<Fates> {
    let mut out = Fates::new();
    conn.query_map(
        "SELECT day, channel, location, stage, carrier, hours, late, held, orders
         FROM report_fulfilment WHERE day >= ?1 AND day <= ?2",
        args![first.to_string(), last.to_string()],
        |r| {
            let day = super::rollup::parse_day(&r.get::<String>(0)?)?;
            if skip.contains(&day) {
                return Ok(());
            }
            let hours: i64 = r.get(5)?;
            let fate = Fate {
                day,
                channel: r.get(1)?,
                location: r.get(2)?,
                stage: r.get(3)?,
                carrier: r.get(4)?,
                hours: (hours >= 0).then_some(hours),
                late: r.get(6)?,
                held: r.get(7)?,
            };
            out.insert(fate, r.get(8)?);
            Ok(())
        },
    )?;
    Ok(out)
}

/// Orders placed in the period, per channel: where they stand, how fast they shipped, and how
/// many missed the channel's promise (shipped after it, or still open past it by now).
pub(crate) fn report(ctx: &Context, p: &Period) -> Result<Report> {
    let q = ctx.query;
    let fates = super::rollup::read_fates(ctx.conn, ctx.zone, p)?;
    let promises = Promises::read(ctx.conn)?;
    #[derive(Default)]
    struct Channel {
        placed: i64,
        shipped: i64,
        partly: i64,
        open: i64,
        on_hold: i64,
        cancelled: i64,
        held_ever: i64,
        late: i64,
        hours: Vec<f64>,
        carriers: BTreeSet<String>,
    }
    let keep = |want: &Option<String>, have: &str| {
        want.as_deref()
            .filter(|w| !w.is_empty())
            .is_none_or(|w| w == have)
    };
    // Whether an order placed on `day` and not shipped is late by now: a promise counts whole
    // days from the placing day, so one answer serves the day's orders.
    let mut due_by_now: BTreeMap<(Date, &str), bool> = BTreeMap::new();
    let mut by: BTreeMap<String, Channel> = BTreeMap::new();
    for (f, &count) in &fates {
        if !keep(&q.channel, &f.channel) || !keep(&q.location, &f.location) {
            continue;
        }
        let c = by.entry(f.channel.clone()).or_default();
        c.placed += count;
        c.held_ever += if f.held { count } else { 0 };
        match f.stage.as_str() {
            "cancelled" => c.cancelled += count,
            "on_hold" => c.on_hold += count,
            "shipped" => c.shipped += count,
            "partly" => c.partly += count,
            _ => c.open += count,
        }
        let late = match f.hours {
            Some(h) => {
                c.hours
                    .extend(std::iter::repeat_n(h as f64, count as usize));
                c.carriers.insert(f.carrier.clone());
                f.late
            }
            None => {
                f.stage != "cancelled"
                    && *due_by_now.entry((f.day, &f.channel)).or_insert_with(|| {
                        let due = ship_by(
                            ctx.zone,
                            ctx.zone.start_of(f.day),
                            promises.days(&f.channel),
                        );
                        ctx.now >= due
                    })
            }
        };
        c.late += if late { count } else { 0 };
    }
    let mut r = blank(
        ReportName::Fulfilment,
        vec![
            col("name", "Channel", ColumnKind::Text),
            col("carriers", "Carriers", ColumnKind::Text),
            col("placed", "Placed", ColumnKind::Count),
            col("shipped", "Shipped", ColumnKind::Count),
            col("partly", "Partly shipped", ColumnKind::Count),
            col("open", "Not shipped", ColumnKind::Count),
            col("on_hold", "On hold", ColumnKind::Count),
            col("cancelled", "Cancelled", ColumnKind::Count),
            col("held", "Ever held", ColumnKind::Count),
            col("median", "Median hours to ship", ColumnKind::Count),
            col("p90", "90% shipped within (hours)", ColumnKind::Count),
            col("late", "Late against the promise", ColumnKind::Count),
            col("on_time", "On time", ColumnKind::Percent),
        ],
    );
    let cells = |name: &str, c: &mut Channel| {
        c.hours.sort_by(f64::total_cmp);
        let hours = |p: f64| (!c.hours.is_empty()).then(|| percentile(&c.hours, p).round() as i64);
        let counted = c.placed - c.cancelled;
        vec![
            t(name),
            t(c.carriers
                .iter()
                .filter(|k| !k.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")),
            n(c.placed),
            n(c.shipped),
            n(c.partly),
            n(c.open),
            n(c.on_hold),
            n(c.cancelled),
            n(c.held_ever),
            opt(hours(0.5)),
            opt(hours(0.9)),
            n(c.late),
            opt(ratio_bp(counted - c.late, counted)),
        ]
    };
    let mut all = Channel::default();
    for (channel, mut c) in by {
        all.placed += c.placed;
        all.shipped += c.shipped;
        all.partly += c.partly;
        all.open += c.open;
        all.on_hold += c.on_hold;
        all.cancelled += c.cancelled;
        all.held_ever += c.held_ever;
        all.late += c.late;
        all.hours.extend(&c.hours);
        all.carriers.extend(c.carriers.iter().cloned());
        r.rows.push(row(channel.clone(), cells(&channel, &mut c)));
    }
    r.total = Some(row("", cells("Total", &mut all)));
    Ok(r)
}
