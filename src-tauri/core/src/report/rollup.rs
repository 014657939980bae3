//! The facts summed per local hour, kind of document, channel, location and staff member, so
//! that a quarter or a year of a busy shop is read in thousands of rows instead of a million
//! lines. The sums are made from the same facts every report reads (`facts.rs`), never from SQL of
//! their own; the store marks the hours a write changed (migration 0018), a report folds them
//! first and reads any hour marked since from the facts, so a report can never be behind.

use super::facts::{self, Doc, Fact};
use super::tables::Sums;
use super::Period;
use crate::clock::{Date, ShopZone};
use crate::error::Result;
use crate::Timestamp;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::{BTreeMap, BTreeSet};

const HOUR_MS: i64 = 3_600_000;
/// At most this many days of facts are loaded at once while folding.
const FOLD_DAYS: i64 = 7;

/// What an hour's sums are kept apart by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct HourKey {
    pub day: Date,
    /// The local hour, 0–23 (a night the clocks go back sums both of its hours in one).
    pub hour: i8,
    pub doc: Doc,
    pub channel: String,
    pub location: String,
    pub staff: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HourRow {
    pub key: HourKey,
    /// Its documents counted (`counted_docs`), never listed.
    pub sums: Sums,
}

/// The facts summed by hour, the one way rows are made (folded, or read live for marked hours).
pub(crate) fn aggregate(zone: &ShopZone, facts: &[Fact]) -> Vec<HourRow> {
    let mut by: BTreeMap<HourKey, Sums> = BTreeMap::new();
    for f in facts {
        let key = HourKey {
            day: zone.date(f.at),
            hour: zone.hour(f.at),
            doc: f.doc,
            channel: f.channel.clone(),
            location: f.location.clone(),
            staff: f.staff.clone(),
        };
        by.entry(key).or_default().add(f);
    }
    by.into_iter()
        .map(|(key, mut sums)| {
            sums.counted_docs = sums.docs.len() as i64;
            sums.docs.clear();
            HourRow { key, sums }
        })
        .collect()
}

fn made_in(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT zone FROM report_rollup WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The marked hours within [from, to), each with the local days it touches (an hour can
/// straddle two where the offset is not whole hours).
fn stale_hours(
    conn: &Connection,
    zone: &ShopZone,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, [Date; 2])>> {
    let mut st =
        conn.prepare_cached("SELECT hour FROM report_stale WHERE hour >= ?1 AND hour < ?2")?;
    let hours = st.query_map(params![from, to], |r| r.get::<_, i64>(0))?;
    let mut out = Vec::new();
    for hour in hours {
        let hour = hour?;
        let days = [hour, hour + HOUR_MS - 1].map(|at| zone.date(Timestamp(at)));
        out.push((hour, days));
    }
    Ok(out)
}

/// The period's days that marked hours touch.
fn stale_days(conn: &Connection, zone: &ShopZone, p: &Period) -> Result<BTreeSet<Date>> {
    let hours = stale_hours(conn, zone, p.start.0 - HOUR_MS, p.end.0)?;
    Ok(hours
        .into_iter()
        .flat_map(|(_, days)| days)
        .filter(|d| *d >= p.first && *d <= p.last)
        .collect())
}

/// Runs of consecutive days, at most `FOLD_DAYS` long: [(first, last)].
fn runs(days: &BTreeSet<Date>) -> Vec<(Date, Date)> {
    let mut out: Vec<(Date, Date)> = Vec::new();
    for &d in days {
        match out.last_mut() {
            Some((first, last))
                if last.tomorrow().ok() == Some(d)
                    && i64::from((d - *first).get_days()) < FOLD_DAYS =>
            {
                *last = d
            }
            _ => out.push((d, d)),
        }
    }
    out
}

fn facts_of_days(conn: &Connection, zone: &ShopZone, first: Date, last: Date) -> Result<Vec<Fact>> {
    let after = last.tomorrow().unwrap_or(last);
    facts::load(conn, zone.start_of(first), zone.start_of(after))
}

/// Makes the marked hours' days again (every day, when the sums were made in another zone or
/// never), at most `most_days` of them, in the caller's write transaction: true when none is
/// left. A shop with years of history folds in several transactions, so a sale never waits long.
pub(crate) fn fold(tx: &Connection, zone: &ShopZone, most_days: usize) -> Result<bool> {
    if made_in(tx)?.as_deref() != Some(zone.name()) {
        tx.execute_batch(
            "DELETE FROM report_hour;
             INSERT OR IGNORE INTO report_stale
             SELECT completed_at - completed_at % 3600000 FROM sale WHERE completed_at IS NOT NULL;
             INSERT OR IGNORE INTO report_stale
             SELECT created_at - created_at % 3600000 FROM customer_order;
             INSERT OR IGNORE INTO report_stale
             SELECT updated_at - updated_at % 3600000 FROM order_return WHERE status = 'refunded';",
        )?;
        tx.execute(
            "INSERT INTO report_rollup (id, zone) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET zone = ?1",
            [zone.name()],
        )?;
    }
    let hours = stale_hours(tx, zone, i64::MIN, i64::MAX)?;
    let days: BTreeSet<Date> = hours.iter().flat_map(|(_, d)| *d).collect();
    let chosen: BTreeSet<Date> = days.iter().take(most_days).copied().collect();
    let mut clear = tx.prepare_cached("DELETE FROM report_hour WHERE day >= ?1 AND day <= ?2")?;
    let mut put = tx.prepare_cached(
        "INSERT INTO report_hour (day, hour, doc, channel, location, staff, docs, units, gross,
             discounts, returns, returned_units, shipping, tax, tax_parts, gift_cards, cost,
             costed_net, without_cost)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    )?;
    for (first, last) in runs(&chosen) {
        clear.execute(params![first.to_string(), last.to_string()])?;
        for row in aggregate(zone, &facts_of_days(tx, zone, first, last)?) {
            let (k, s) = (&row.key, &row.sums);
            put.execute(params![
                k.day.to_string(),
                k.hour,
                k.doc.text(),
                k.channel,
                k.location,
                k.staff,
                s.counted_docs,
                s.units,
                s.gross,
                s.discounts,
                s.returns,
                s.returned_units,
                s.shipping,
                s.tax,
                s.tax_parts,
                s.gift_cards,
                s.cost,
                s.costed_net,
                s.without_cost
            ])?;
        }
    }
    let mut done = tx.prepare_cached("DELETE FROM report_stale WHERE hour = ?1")?;
    for (hour, touched) in &hours {
        if touched.iter().all(|d| chosen.contains(d)) {
            done.execute([hour])?;
        }
    }
    Ok(chosen.len() == days.len())
}

/// Whether a report would find hours to fold (or no sums made in this zone).
pub(crate) fn needs_fold(conn: &Connection, zone: &ShopZone) -> Result<bool> {
    Ok(made_in(conn)?.as_deref() != Some(zone.name())
        || conn.query_row("SELECT EXISTS (SELECT 1 FROM report_stale)", [], |r| {
            r.get(0)
        })?)
}

/// The period's hours: the stored sums, and the facts of any day marked since they were made.
pub(crate) fn read(conn: &Connection, zone: &ShopZone, p: &Period) -> Result<Vec<HourRow>> {
    if made_in(conn)?.as_deref() != Some(zone.name()) {
        return Ok(aggregate(zone, &facts::load(conn, p.start, p.end)?));
    }
    let stale = stale_days(conn, zone, p)?;
    let mut st = conn.prepare_cached(
        "SELECT day, hour, doc, channel, location, staff, docs, units, gross, discounts, returns,
                returned_units, shipping, tax, tax_parts, gift_cards, cost, costed_net, without_cost
         FROM report_hour WHERE day >= ?1 AND day <= ?2",
    )?;
    let mut rows = Vec::new();
    let mut found = st.query(params![p.first.to_string(), p.last.to_string()])?;
    while let Some(r) = found.next()? {
        let day: Date = r
            .get::<_, String>(0)?
            .parse()
            .map_err(|e| crate::error::Error::invalid(format!("a report day: {e}")))?;
        if stale.contains(&day) {
            continue;
        }
        rows.push(HourRow {
            key: HourKey {
                day,
                hour: r.get(1)?,
                doc: Doc::of_text(&r.get::<_, String>(2)?),
                channel: r.get(3)?,
                location: r.get(4)?,
                staff: r.get(5)?,
            },
            sums: Sums {
                counted_docs: r.get(6)?,
                units: r.get(7)?,
                gross: r.get(8)?,
                discounts: r.get(9)?,
                returns: r.get(10)?,
                returned_units: r.get(11)?,
                shipping: r.get(12)?,
                tax: r.get(13)?,
                tax_parts: r.get(14)?,
                gift_cards: r.get(15)?,
                cost: r.get(16)?,
                costed_net: r.get(17)?,
                without_cost: r.get(18)?,
                ..Sums::default()
            },
        });
    }
    for (first, last) in runs(&stale) {
        rows.extend(aggregate(zone, &facts_of_days(conn, zone, first, last)?));
    }
    Ok(rows)
}

/// An hour whose stored sums are not what its documents add up to.
pub(crate) type Difference = (HourKey, Option<Sums>, Option<Sums>);

/// Every stored row against the same hours made again from the documents: the hours that differ
/// (stored, made again). Hours marked since the last fold are read from the documents, so fold
/// first to check what is stored.
pub(crate) fn differences(conn: &Connection, zone: &ShopZone) -> Result<Vec<Difference>> {
    let span: Option<(i64, i64)> = conn.query_row(
        "SELECT min(at), max(at) FROM (
             SELECT min(completed_at) AS at FROM sale UNION ALL SELECT max(completed_at) FROM sale
             UNION ALL SELECT min(created_at) FROM customer_order
             UNION ALL SELECT max(created_at) FROM customer_order
             UNION ALL SELECT min(updated_at) FROM order_return
             UNION ALL SELECT max(updated_at) FROM order_return)",
        [],
        |r| Ok(r.get::<_, Option<i64>>(0)?.zip(r.get::<_, Option<i64>>(1)?)),
    )?;
    let Some((from, to)) = span else {
        return Ok(Vec::new());
    };
    let all = Period::new(zone, zone.date(Timestamp(from)), zone.date(Timestamp(to)));
    let keyed = |rows: Vec<HourRow>| -> BTreeMap<HourKey, Sums> {
        rows.into_iter().map(|r| (r.key, r.sums)).collect()
    };
    let mut stored = keyed(read(conn, zone, &all)?);
    let made = keyed(aggregate(zone, &facts::load(conn, all.start, all.end)?));
    let mut out = Vec::new();
    for (key, sums) in made {
        let have = stored.remove(&key);
        if have.as_ref() != Some(&sums) {
            out.push((key, have, Some(sums)));
        }
    }
    out.extend(stored.into_iter().map(|(key, s)| (key, Some(s), None)));
    Ok(out)
}
