//! Who bought: per customer (and the counter's sales without one), their documents and the net
//! of their items, summed per local day and per month — made from the facts for the days a write
//! marked, like the other report sums (`rollup.rs`) — for the customers and cohorts reports.

use super::facts::{Doc, Fact, LineKind};
use super::lines::ItemKey;
use super::rollup::{parse_day, HourKey};
use super::tables::Only;
use crate::clock::{Date, ShopZone};
use crate::error::Result;
use rusqlite::{params, Connection};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// A day's (or a month's) documents and net of one customer ("" for none) in one
/// (doc, channel, location, staff); `item` and `reason` of the key stay empty.
pub(crate) type Buyers = BTreeMap<ItemKey, (i64, i64)>;

/// Who bought in a period as the customers and cohorts reports read it: customer ("" for the
/// counter's sales without one) → each month's (first day of the month, documents, net). Summed
/// as the rows are read, so a year of tens of thousands of buyers is a map of customers, not a
/// row per customer, day and till.
pub(crate) type Months = HashMap<String, Vec<(Date, i64, i64)>>;

fn add(out: &mut Months, customer: &str, month: Date, docs: i64, net: i64) {
    let months = match out.get_mut(customer) {
        Some(months) => months,
        None => out.entry(customer.to_string()).or_default(),
    };
    match months.iter_mut().find(|m| m.0 == month) {
        Some(m) => (m.1, m.2) = (m.1 + docs, m.2 + net),
        None => months.push((month, docs, net)),
    }
}

/// Adds buyers made from the facts that `only` keeps.
pub(crate) fn add_made(out: &mut Months, buyers: &Buyers, only: Only) {
    for (k, (docs, net)) in buyers {
        if only.keeps(&k.channel, &k.location, &k.staff) {
            add(out, &k.item, k.day.first_of_month(), *docs, *net);
        }
    }
}

/// Adds the stored rows of a span ("day" or "month") in [first, last] that `only` keeps, but
/// for the days in `skip`; a row's customer is read in place, copied once per customer.
pub(crate) fn add_stored(
    conn: &Connection,
    span: &str,
    first: Date,
    last: Date,
    skip: &BTreeSet<Date>,
    only: Only,
    out: &mut Months,
) -> Result<()> {
    let mut st = conn.prepare_cached(
        "SELECT day, customer, docs, net FROM report_buyer
         WHERE span = ?1 AND day >= ?2 AND day <= ?3
           AND ?4 IN ('', channel) AND ?5 IN ('', location) AND ?6 IN ('', staff)",
    )?;
    let mut rows = st.query(params![
        span,
        first.to_string(),
        last.to_string(),
        only.channel,
        only.location,
        only.staff
    ])?;
    // Rows come in the key's order: a day is parsed once for all of its rows.
    let mut day: Option<(String, Date)> = None;
    while let Some(r) = rows.next()? {
        // Read in place: a year is hundreds of thousands of rows, its customers tens of thousands.
        let text = |i: usize| -> Result<&str> {
            Ok(r.get_ref(i)?.as_str().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
            })?)
        };
        let at = text(0)?;
        let date = match &day {
            Some((seen, date)) if seen == at => *date,
            _ => {
                let date = parse_day(at)?;
                day = Some((at.to_string(), date));
                date
            }
        };
        if span == "day" && skip.contains(&date) {
            continue;
        }
        add(out, text(1)?, date.first_of_month(), r.get(2)?, r.get(3)?);
    }
    Ok(())
}

/// The facts summed per day and customer: documents bought (returns are not a purchase) and the
/// net of items. A counter sale without a customer counts under "".
pub(crate) fn aggregate(zone: &ShopZone, facts: &[Fact]) -> Buyers {
    let mut out = Buyers::new();
    let mut seen: HashSet<(ItemKey, String)> = HashSet::new();
    for f in facts.iter().filter(|f| f.kind != LineKind::GiftCard) {
        if f.customer.is_none() && f.doc != Doc::Sale {
            continue;
        }
        let customer = f.customer.clone().unwrap_or_default();
        let key = ItemKey::new(HourKey::of_day(zone, f), customer, String::new());
        let bought = f.doc != Doc::OrderReturn && !f.is_return();
        let new = bought && seen.insert((key.clone(), f.doc_id.clone()));
        let e = out.entry(key).or_default();
        e.0 += i64::from(new);
        if f.kind == LineKind::Item && f.customer.is_some() {
            e.1 += f.net;
        }
    }
    out
}

/// Replaces the day rows of [first, last] with `buyers` (in the fold's transaction).
pub(crate) fn store(tx: &Connection, first: Date, last: Date, buyers: &Buyers) -> Result<()> {
    tx.execute(
        "DELETE FROM report_buyer WHERE span = 'day' AND day >= ?1 AND day <= ?2",
        params![first.to_string(), last.to_string()],
    )?;
    let mut put = tx.prepare_cached(
        "INSERT INTO report_buyer VALUES ('day', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (k, (docs, net)) in buyers {
        put.execute(params![
            k.day.to_string(),
            k.doc.text(),
            k.channel,
            k.location,
            k.staff,
            k.item,
            docs,
            net
        ])?;
    }
    Ok(())
}

/// Makes the month rows of `month` again: the sum of its days.
pub(crate) fn store_month(tx: &Connection, month: Date) -> Result<()> {
    let next = month.last_of_month().tomorrow().unwrap_or(month);
    tx.execute(
        "DELETE FROM report_buyer WHERE span = 'month' AND day = ?1",
        [month.to_string()],
    )?;
    tx.execute(
        "INSERT INTO report_buyer
         SELECT 'month', ?1, doc, channel, location, staff, customer, sum(docs), sum(net)
         FROM report_buyer WHERE span = 'day' AND day >= ?1 AND day < ?2
         GROUP BY doc, channel, location, staff, customer",
        params![month.to_string(), next.to_string()],
    )?;
    Ok(())
}

/// The stored rows of a span ("day" or "month") in [first, last], but for the days in `skip`.
pub(crate) fn stored(
    conn: &Connection,
    span: &str,
    first: Date,
    last: Date,
    skip: &BTreeSet<Date>,
    out: &mut Buyers,
) -> Result<()> {
    let mut st = conn.prepare_cached(
        "SELECT day, doc, channel, location, staff, customer, docs, net FROM report_buyer
         WHERE span = ?1 AND day >= ?2 AND day <= ?3",
    )?;
    let mut rows = st.query(params![span, first.to_string(), last.to_string()])?;
    while let Some(r) = rows.next()? {
        let bucket = HourKey::read(r)?;
        if span == "day" && skip.contains(&bucket.day) {
            continue;
        }
        let key = ItemKey::new(bucket, r.get(5)?, String::new());
        out.insert(key, (r.get(6)?, r.get(7)?));
    }
    Ok(())
}
