//! The report sums: the facts summed per local hour by kind of document, channel, location and
//! staff member (item lines, taxes and discounts in `lines.rs`, buyers in `buyers.rs`, orders'
//! fates in `fulfilment.rs`), the marks, the fold and the check — so that a quarter or a year of
//! a busy shop is read in thousands of rows instead of a million lines. The sums are made from
//! the same facts every report reads (`facts.rs`), never from SQL of their own; the store marks
//! the hours a write changed (migration 0018), a report folds their days first and reads any day
//! marked since from the facts, so a report can never be behind the documents.

use super::buyers::{self, Buyers};
use super::facts::{self, Doc, Fact};
use super::fulfilment::{self, Fates};
use super::lines::{self, ItemKey, ItemSums, Lines};
use super::tables::Sums;
use super::Period;
use crate::clock::{Date, ShopZone};
use crate::error::Result;
use crate::sql::{args, Arg, Conn, Engine, Row};
use crate::Timestamp;
use std::collections::{BTreeMap, BTreeSet};

const HOUR_MS: i64 = 3_600_000;
/// At most this many days of facts are loaded at once while folding: a fold's transaction
/// (`most_days`, 31 from the app) is then one run, each of its statements asked once a month
/// of history instead of once a week — on the server, where each is a round trip, 20,000
/// orders folded in 2.7 s instead of 3.7 s (the file's 1.4 s unchanged).
const FOLD_DAYS: i64 = 31;
/// The server's advisory lock held by a station folding the report sums.
const FOLD_LOCK: i64 = 0x5348_4f50_5245_5054; // "SHOPREPT"

/// What an hour's sums are kept apart by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct HourKey {
    pub day: Date,
    /// The local hour, 0–23 (a night the clocks go back sums both of its hours in one).
    pub hour: i8,
    pub doc: Doc,
    pub channel: String,
    pub location: String,
    pub staff: String,
}

impl HourKey {
    /// A fact's bucket: its local day and hour.
    pub fn of(zone: &ShopZone, f: &Fact) -> HourKey {
        HourKey {
            day: zone.date(f.at),
            hour: zone.hour(f.at),
            doc: f.doc,
            channel: f.channel.clone(),
            location: f.location.clone(),
            staff: f.staff.clone(),
        }
    }

    /// A fact's bucket for a day's sums (hour 0).
    pub fn of_day(zone: &ShopZone, f: &Fact) -> HourKey {
        HourKey {
            hour: 0,
            ..HourKey::of(zone, f)
        }
    }

    /// The bucket of a stored row whose first five columns are its day, doc, channel, location
    /// and staff — the order every sums table keeps them in (hour 0).
    pub fn read(r: &Row) -> Result<HourKey> {
        Ok(HourKey {
            day: parse_day(&r.get::<String>(0)?)?,
            hour: 0,
            doc: Doc::of_text(&r.get::<String>(1)?),
            channel: r.get(2)?,
            location: r.get(3)?,
            staff: r.get(4)?,
        })
    }
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
        by.entry(HourKey::of(zone, f)).or_default().add(f);
    }
    by.into_iter()
        .map(|(key, mut sums)| {
            sums.counted_docs = sums.docs.len() as i64;
            sums.docs.clear();
            HourRow { key, sums }
        })
        .collect()
}

pub(crate) fn made_in(conn: Conn) -> Result<Option<String>> {
    conn.query_opt(
        "SELECT zone FROM report_rollup WHERE id = 1",
        args![],
        |r| r.get(0),
    )
}

/// The marked hours within [from, to), each with the local days it touches (an hour can
/// straddle two where the offset is not whole hours).
fn stale_hours(conn: Conn, zone: &ShopZone, from: i64, to: i64) -> Result<Vec<(i64, [Date; 2])>> {
    conn.query_map(
        "SELECT hour FROM report_stale WHERE hour >= ?1 AND hour < ?2",
        args![from, to],
        |r| {
            let hour: i64 = r.get(0)?;
            Ok((
                hour,
                [hour, hour + HOUR_MS - 1].map(|at| zone.date(Timestamp(at))),
            ))
        },
    )
}

/// The period's days that marked hours touch.
pub(crate) fn stale_days(conn: Conn, zone: &ShopZone, p: &Period) -> Result<BTreeSet<Date>> {
    let hours = stale_hours(conn, zone, p.start.0 - HOUR_MS, p.end.0)?;
    Ok(hours
        .into_iter()
        .flat_map(|(_, days)| days)
        .filter(|d| *d >= p.first && *d <= p.last)
        .collect())
}

/// Runs of consecutive days, at most `FOLD_DAYS` long: [(first, last)].
pub(crate) fn runs(days: &BTreeSet<Date>) -> Vec<(Date, Date)> {
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

fn facts_of_days(conn: Conn, zone: &ShopZone, first: Date, last: Date) -> Result<Vec<Fact>> {
    let after = last.tomorrow().unwrap_or(last);
    facts::load(conn, zone.start_of(first), zone.start_of(after))
}

/// Makes the marked hours' days again (every day, when the sums were made in another zone or
/// never), at most `most_days` of them, in the caller's write transaction: true when none is
/// left. A shop with years of history folds in several transactions, so a sale never waits long.
pub(crate) fn fold(tx: Conn, zone: &ShopZone, most_days: usize) -> Result<bool> {
    if tx.engine() == Engine::Postgres {
        // Stations reading reports at once fold one after the other: the second then finds
        // the days made (its reads come after the first's commit) instead of writing them
        // twice. SQLite has one writer already.
        tx.query_row("SELECT pg_advisory_xact_lock(?1)", args![FOLD_LOCK], |_| {
            Ok(())
        })?;
    }
    if made_in(tx)?.as_deref() != Some(zone.name()) {
        // Days move with the zone: nothing made in another one is kept.
        tx.execute_batch(
            "DELETE FROM report_hour; DELETE FROM report_item; DELETE FROM report_tax;
             DELETE FROM report_discount; DELETE FROM report_buyer; DELETE FROM report_fulfilment;
             DELETE FROM report_buyer_month; DELETE FROM report_customer;
             INSERT INTO report_stale SELECT hour FROM (
                 SELECT completed_at - completed_at % 3600000 AS hour FROM sale
                 WHERE completed_at IS NOT NULL
                 UNION SELECT created_at - created_at % 3600000 FROM customer_order
                 UNION SELECT updated_at - updated_at % 3600000 FROM order_return
                 WHERE status = 'refunded') AS marked
             WHERE true ON CONFLICT DO NOTHING;",
        )?;
        tx.execute(
            "INSERT INTO report_rollup (id, zone) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET zone = ?1",
            args![zone.name()],
        )?;
    }
    let hours = stale_hours(tx, zone, i64::MIN, i64::MAX)?;
    let days: BTreeSet<Date> = hours.iter().flat_map(|(_, d)| *d).collect();
    let chosen: BTreeSet<Date> = days.iter().take(most_days).copied().collect();
    let mut catalog = lines::CatalogGroups::new(tx);
    for (first, last) in runs(&chosen) {
        let facts = facts_of_days(tx, zone, first, last)?;
        let (from, to) = (first.to_string(), last.to_string());
        tx.execute(
            "DELETE FROM report_hour WHERE day >= ?1 AND day <= ?2",
            args![from, to],
        )?;
        let mut values: Vec<Arg> = Vec::new();
        for row in aggregate(zone, &facts) {
            let (k, s) = (&row.key, &row.sums);
            values.extend([
                k.day.to_string().into(),
                i64::from(k.hour).into(),
                k.doc.text().into(),
                (&k.channel).into(),
                (&k.location).into(),
                (&k.staff).into(),
            ]);
            values.extend(
                [
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
                    s.without_cost,
                ]
                .map(Arg::Int),
            );
        }
        tx.insert_rows(
            "report_hour (day, hour, doc, channel, location, staff, docs, units, gross,
                 discounts, returns, returned_units, shipping, tax, tax_parts, gift_cards, cost,
                 costed_net, without_cost)",
            19,
            &values,
        )?;
        // Each day's hours summed, for the reports that need no hour.
        tx.execute(
            "INSERT INTO report_hour
             SELECT day, -1, doc, channel, location, staff, sum(docs), sum(units), sum(gross),
                    sum(discounts), sum(returns), sum(returned_units), sum(shipping), sum(tax),
                    sum(tax_parts), sum(gift_cards), sum(cost), sum(costed_net), sum(without_cost)
             FROM report_hour WHERE day >= ?1 AND day <= ?2 AND hour >= 0
             GROUP BY day, doc, channel, location, staff",
            args![from, to],
        )?;
        let made = lines::aggregate(zone, &facts, &mut catalog)?;
        lines::store(tx, zone, first, last, &made)?;
        buyers::store(tx, first, last, &buyers::aggregate(zone, &facts))?;
        fulfilment::store(tx, zone, first, last)?;
    }
    // Each month touched is the sum of its days again once none of its days is left marked
    // (until then its reads take the days): a fold of years in steps of 31 days sums each
    // month once, not once for each step that touches it.
    let unmade: BTreeSet<Date> = days
        .difference(&chosen)
        .map(|d| d.first_of_month())
        .collect();
    let months: BTreeSet<Date> = chosen
        .iter()
        .map(|d| d.first_of_month())
        .filter(|m| !unmade.contains(m))
        .collect();
    for month in months {
        lines::store_month(tx, zone, month)?;
        buyers::store_month(tx, month)?;
    }
    // The hours whose days are all made, unmarked a few hundred a statement (a year of history
    // is thousands of hours: one round trip each to the server would add seconds).
    let made: Vec<Arg> = hours
        .iter()
        .filter(|(_, touched)| touched.iter().all(|d| chosen.contains(d)))
        .map(|(hour, _)| Arg::Int(*hour))
        .collect();
    tx.execute_in("DELETE FROM report_stale WHERE hour IN ({})", &[], &made)?;
    Ok(chosen.len() == days.len())
}

pub(crate) fn parse_day(text: &str) -> Result<Date> {
    text.parse()
        .map_err(|e| crate::error::Error::invalid(format!("a report day: {e}")))
}

/// Where a period's rows are read: ("month", the month, the month) for each whole month with no
/// marked day, ("day", first, last) for the rest.
fn spans(p: &Period, stale: &BTreeSet<Date>) -> Vec<(&'static str, Date, Date)> {
    let mut out = Vec::new();
    let mut month = p.first.first_of_month();
    while month <= p.last {
        let last = month.last_of_month();
        let whole = month >= p.first && last <= p.last;
        if whole && !stale.iter().any(|d| *d >= month && *d <= last) {
            out.push(("month", month, month));
        } else {
            out.push(("day", month.max(p.first), last.min(p.last)));
        }
        match last.tomorrow() {
            Ok(next) => month = next,
            Err(_) => break,
        }
    }
    out
}

/// Who bought in the period, customer by customer and month, that `only` keeps: whole months
/// from the month rows, other days from the day rows, and days marked since the last fold from
/// the facts.
pub(crate) fn read_buyers(
    conn: Conn,
    zone: &ShopZone,
    p: &Period,
    only: super::tables::Only,
) -> Result<buyers::Months> {
    let mut out = buyers::Months::new();
    if made_in(conn)?.as_deref() != Some(zone.name()) {
        let made = buyers::aggregate(zone, &facts::load(conn, p.start, p.end)?);
        buyers::add_made(&mut out, &made, only);
        return Ok(out);
    }
    let stale = stale_days(conn, zone, p)?;
    let mut months = Vec::new();
    for (span, first, last) in spans(p, &stale) {
        match span {
            "month" => months.push(first),
            _ => buyers::add_stored_days(conn, first, last, &stale, only, &mut out)?,
        }
    }
    buyers::add_stored_months(conn, &months, only, &mut out)?;
    for (first, last) in runs(&stale) {
        let made = buyers::aggregate(zone, &facts_of_days(conn, zone, first, last)?);
        buyers::add_made(&mut out, &made, only);
    }
    Ok(out)
}

/// The item lines, taxes and discounts of the period: whole months from the month rows, other
/// days from the day rows, and days marked since the last fold from the facts.
pub(crate) fn read_lines(conn: Conn, zone: &ShopZone, p: &Period) -> Result<Lines> {
    let mut catalog = lines::CatalogGroups::new(conn);
    if made_in(conn)?.as_deref() != Some(zone.name()) {
        return lines::aggregate(zone, &facts::load(conn, p.start, p.end)?, &mut catalog);
    }
    let stale = stale_days(conn, zone, p)?;
    let mut out = Lines::default();
    for (span, first, last) in spans(p, &stale) {
        lines::stored_items(conn, span, first, last, &stale, &mut out)?;
    }
    lines::stored_taxes_and_discounts(conn, p.first, p.last, &stale, &mut out)?;
    for (first, last) in runs(&stale) {
        let facts = facts_of_days(conn, zone, first, last)?;
        out.extend(lines::aggregate(zone, &facts, &mut catalog)?);
    }
    Ok(out)
}

/// The fates of the orders placed in the period: stored, and made again for days marked since.
pub(crate) fn read_fates(conn: Conn, zone: &ShopZone, p: &Period) -> Result<Fates> {
    if made_in(conn)?.as_deref() != Some(zone.name()) {
        return fulfilment::made(conn, zone, p.first, p.last);
    }
    let stale = stale_days(conn, zone, p)?;
    let mut fates = fulfilment::stored(conn, p.first, p.last, &stale)?;
    for (first, last) in runs(&stale) {
        fates.extend(fulfilment::made(conn, zone, first, last)?);
    }
    Ok(fates)
}

/// Whether a report would find hours to fold (or no sums made in this zone).
pub(crate) fn needs_fold(conn: Conn, zone: &ShopZone) -> Result<bool> {
    Ok(made_in(conn)?.as_deref() != Some(zone.name())
        || conn.query_row("SELECT EXISTS (SELECT 1 FROM report_stale)", args![], |r| {
            r.get(0)
        })?)
}

/// The period's hours: the stored sums, and the facts of any day marked since they were made.
/// Without `hourly`, a stored day comes as one row a bucket (its hour -1).
pub(crate) fn read(conn: Conn, zone: &ShopZone, p: &Period, hourly: bool) -> Result<Vec<HourRow>> {
    if made_in(conn)?.as_deref() != Some(zone.name()) {
        return Ok(aggregate(zone, &facts::load(conn, p.start, p.end)?));
    }
    let stale = stale_days(conn, zone, p)?;
    let stored = conn.query_map(
        "SELECT day, doc, channel, location, staff, hour, docs, units, gross, discounts, returns,
                returned_units, shipping, tax, tax_parts, gift_cards, cost, costed_net, without_cost
         FROM report_hour WHERE day >= ?1 AND day <= ?2 AND (hour >= 0) = ?3",
        args![p.first.to_string(), p.last.to_string(), hourly],
        |r| {
            let key = HourKey {
                hour: r.get::<i64>(5)? as i8,
                ..HourKey::read(r)?
            };
            if stale.contains(&key.day) {
                return Ok(None);
            }
            Ok(Some(HourRow {
                key,
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
            }))
        },
    )?;
    let mut rows: Vec<HourRow> = stored.into_iter().flatten().collect();
    for (first, last) in runs(&stale) {
        rows.extend(aggregate(zone, &facts_of_days(conn, zone, first, last)?));
    }
    Ok(rows)
}

/// Every stored sum against the same sums made again from the documents — hours, days' item
/// lines, taxes and discounts, and months as the sum of their days — one line per one that
/// differs. Days marked since the last fold are read from the documents, so fold first to check
/// what is stored.
pub(crate) fn differences(conn: Conn, zone: &ShopZone) -> Result<Vec<String>> {
    let span: Option<(i64, i64)> = conn.query_row(
        "SELECT min(at), max(at) FROM (
             SELECT min(completed_at) AS at FROM sale UNION ALL SELECT max(completed_at) FROM sale
             UNION ALL SELECT min(created_at) FROM customer_order
             UNION ALL SELECT max(created_at) FROM customer_order
             UNION ALL SELECT min(updated_at) FROM order_return
             UNION ALL SELECT max(updated_at) FROM order_return) AS spans",
        args![],
        |r| Ok(r.get::<Option<i64>>(0)?.zip(r.get::<Option<i64>>(1)?)),
    )?;
    let Some((from, to)) = span else {
        return Ok(Vec::new());
    };
    let all = Period::new(zone, zone.date(Timestamp(from)), zone.date(Timestamp(to)));
    let facts = facts::load(conn, all.start, all.end)?;
    let mut out = Vec::new();

    let keyed = |rows: Vec<HourRow>| -> BTreeMap<HourKey, Sums> {
        rows.into_iter().map(|r| (r.key, r.sums)).collect()
    };
    let made = aggregate(zone, &facts);
    let whole_days = |rows: &[HourRow]| -> BTreeMap<HourKey, Sums> {
        let mut by: BTreeMap<HourKey, Sums> = BTreeMap::new();
        for r in rows {
            let day = HourKey {
                hour: -1,
                ..r.key.clone()
            };
            by.entry(day).or_default().merge(&r.sums);
        }
        by
    };
    compare(
        &keyed(read(conn, zone, &all, false)?),
        &whole_days(&made),
        "day",
        &mut out,
    );
    compare(
        &keyed(read(conn, zone, &all, true)?),
        &keyed(made),
        "hour",
        &mut out,
    );

    let made = lines::aggregate(zone, &facts, &mut lines::CatalogGroups::new(conn))?;
    let mut days = Lines::default();
    let none = BTreeSet::new();
    lines::stored_items(conn, "day", all.first, all.last, &none, &mut days)?;
    lines::stored_taxes_and_discounts(conn, all.first, all.last, &none, &mut days)?;
    let made_items: BTreeMap<ItemKey, ItemSums> = made.items.into_iter().collect();
    compare(
        &days.items.into_iter().collect(),
        &made_items,
        "items of the day",
        &mut out,
    );
    compare(&days.taxes, &made.taxes, "tax of the day", &mut out);
    compare(
        &days.discounts,
        &made.discounts,
        "discount of the day",
        &mut out,
    );

    let mut months = Lines::default();
    let first_month = all.first.first_of_month();
    lines::stored_items(conn, "month", first_month, all.last, &none, &mut months)?;
    let mut made_months: BTreeMap<ItemKey, ItemSums> = BTreeMap::new();
    for (k, v) in made_items {
        let month = ItemKey {
            day: k.day.first_of_month(),
            ..k
        };
        made_months.entry(month).or_default().add(&v);
    }
    // A month's title and groups are any of its days'; its figures are what count.
    let figures = |m: BTreeMap<ItemKey, ItemSums>| -> BTreeMap<ItemKey, ItemSums> {
        m.into_iter()
            .map(|(k, v)| {
                (
                    k,
                    ItemSums {
                        title: String::new(),
                        sku: String::new(),
                        category: String::new(),
                        vendor: String::new(),
                        ..v
                    },
                )
            })
            .collect()
    };
    compare(
        &figures(months.items.into_iter().collect()),
        &figures(made_months),
        "items of the month",
        &mut out,
    );
    let made_buyers = buyers::aggregate(zone, &facts);
    let mut stored_buyers = Buyers::new();
    buyers::stored(conn, false, all.first, all.last, &mut stored_buyers)?;
    compare(&stored_buyers, &made_buyers, "buyers of the day", &mut out);
    let mut months_made = Buyers::new();
    for (k, (docs, net)) in made_buyers {
        let e = months_made
            .entry(ItemKey {
                day: k.day.first_of_month(),
                ..k
            })
            .or_default();
        *e = (e.0 + docs, e.1 + net);
    }
    let mut months_stored = Buyers::new();
    buyers::stored(conn, true, first_month, all.last, &mut months_stored)?;
    compare(
        &months_stored,
        &months_made,
        "buyers of the month",
        &mut out,
    );
    compare(
        &fulfilment::stored(conn, all.first, all.last, &none)?,
        &fulfilment::made(conn, zone, all.first, all.last)?,
        "orders' fate",
        &mut out,
    );
    Ok(out)
}

/// Adds a line to `out` for every key whose stored value is not the one made again.
fn compare<K: Ord + std::fmt::Debug, V: PartialEq + std::fmt::Debug>(
    stored: &BTreeMap<K, V>,
    made: &BTreeMap<K, V>,
    what: &str,
    out: &mut Vec<String>,
) {
    for (k, v) in made {
        match stored.get(k) {
            Some(have) if have == v => {}
            have => out.push(format!(
                "{what} {k:?}: stored {have:?}, the documents' {v:?}"
            )),
        }
    }
    for (k, v) in stored {
        if !made.contains_key(k) {
            out.push(format!("{what} {k:?}: stored {v:?}, no documents"));
        }
    }
}
