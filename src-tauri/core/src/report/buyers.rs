//! Who bought: per customer (and the counter's sales without one), their documents and the net
//! of their items, summed per local day and per month — made from the facts for the days a write
//! marked, like the other report sums (`rollup.rs`) — for the customers and cohorts reports.

use super::facts::{Doc, Fact, LineKind};
use super::lines::ItemKey;
use super::rollup::{parse_day, HourKey};
use super::tables::Only;
use crate::clock::{Date, ShopZone};
use crate::error::Result;
use crate::sql::{args, Arg, Conn, Param, Row};
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
    // Rows come month by month: the month looked for is most often the last one added.
    match months.iter_mut().rev().find(|m| m.0 == month) {
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

/// Adds the stored day rows in [first, last] that `only` keeps, but for the days in `skip`; a
/// row's customer is read in place, copied once per customer.
pub(crate) fn add_stored_days(
    conn: Conn,
    first: Date,
    last: Date,
    skip: &BTreeSet<Date>,
    only: Only,
    out: &mut Months,
) -> Result<()> {
    let (kept, values) = only.sql(3);
    let (first, last) = (first.to_string(), last.to_string());
    let mut day = DayText::default();
    conn.query_map(
        &format!(
            "SELECT day, customer, docs, net FROM report_buyer
             WHERE span = 'day' AND day >= ?1 AND day <= ?2{kept}"
        ),
        &bound(&[&first, &last], &values),
        |r| {
            let date = day.read(r, 0)?;
            if !skip.contains(&date) {
                add(out, r.text(1)?, date.first_of_month(), r.get(2)?, r.get(3)?);
            }
            Ok(())
        },
    )?;
    Ok(())
}

/// Adds the stored rows of whole `months` that `only` keeps. Rows are summed per customer
/// number into a list indexed by it (a year of a busy shop is half a million rows), and each
/// customer's id is looked up once at the end.
pub(crate) fn add_stored_months(
    conn: Conn,
    months: &[Date],
    only: Only,
    out: &mut Months,
) -> Result<()> {
    let (kept, values) = only.sql(2);
    let sql = format!("SELECT customer, docs, net FROM report_buyer_month WHERE month = ?1{kept}");
    let mut by_no: Vec<Vec<(Date, i64, i64)>> = Vec::new();
    for &month in months {
        let text = month.to_string();
        conn.query_map(&sql, &bound(&[&text], &values), |r| {
            let no = usize::try_from(r.get::<i64>(0)?).unwrap_or_default();
            if no >= by_no.len() {
                by_no.resize_with(no + 1, Vec::new);
            }
            let (docs, net): (i64, i64) = (r.get(1)?, r.get(2)?);
            // A customer's rows of a month come together (the key's order).
            match by_no[no].last_mut() {
                Some(m) if m.0 == month => (m.1, m.2) = (m.1 + docs, m.2 + net),
                _ => by_no[no].push((month, docs, net)),
            }
            Ok(())
        })?;
    }
    conn.query_map(
        "SELECT no, id FROM report_customer WHERE no < ?1",
        args![by_no.len() as i64],
        |r| {
            let no = usize::try_from(r.get::<i64>(0)?).unwrap_or_default();
            let bought = std::mem::take(&mut by_no[no]);
            if bought.is_empty() {
                return Ok(());
            }
            let id = r.text(1)?;
            match out.get_mut(id) {
                Some(_) => bought
                    .into_iter()
                    .for_each(|(m, d, n)| add(out, id, m, d, n)),
                None => {
                    out.insert(id.to_string(), bought);
                }
            }
            Ok(())
        },
    )?;
    Ok(())
}

/// The statement's values: `first` then the filters' (`Only::sql`).
fn bound<'a>(first: &[&'a String], filters: &'a [&'a str]) -> Vec<&'a dyn Param> {
    let mut all: Vec<&dyn Param> = first.iter().map(|v| *v as _).collect();
    all.extend(filters.iter().map(|v| v as &dyn Param));
    all
}

/// The day of rows that come in day order, parsed once for all of that day's rows.
#[derive(Default)]
struct DayText(Option<(String, Date)>);

impl DayText {
    fn read(&mut self, r: &Row, i: usize) -> Result<Date> {
        let at = r.text(i)?;
        match &self.0 {
            Some((seen, date)) if seen == at => Ok(*date),
            _ => {
                let date = parse_day(at)?;
                self.0 = Some((at.to_string(), date));
                Ok(date)
            }
        }
    }
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
pub(crate) fn store(tx: Conn, first: Date, last: Date, buyers: &Buyers) -> Result<()> {
    tx.execute(
        "DELETE FROM report_buyer WHERE span = 'day' AND day >= ?1 AND day <= ?2",
        args![first.to_string(), last.to_string()],
    )?;
    let mut values: Vec<Arg> = Vec::new();
    for (k, (docs, net)) in buyers {
        values.extend([
            "day".into(),
            k.day.to_string().into(),
            k.doc.text().into(),
            (&k.channel).into(),
            (&k.location).into(),
            (&k.staff).into(),
            (&k.item).into(),
            (*docs).into(),
            (*net).into(),
        ]);
    }
    tx.insert_rows("report_buyer", 9, &values)
}

/// Makes the month rows of `month` again: the sum of its days, by customer number (numbering
/// customers seen for the first time).
pub(crate) fn store_month(tx: Conn, month: Date) -> Result<()> {
    let next = month.last_of_month().tomorrow().unwrap_or(month);
    let (month, next) = (month.to_string(), next.to_string());
    tx.execute(
        "DELETE FROM report_buyer_month WHERE month = ?1",
        args![month],
    )?;
    tx.execute(
        "INSERT INTO report_customer (id)
         SELECT DISTINCT customer FROM report_buyer
         WHERE span = 'day' AND day >= ?1 AND day < ?2
         ON CONFLICT DO NOTHING",
        args![month, next],
    )?;
    tx.execute(
        "INSERT INTO report_buyer_month
         SELECT CAST(?1 AS TEXT), c.no, b.doc, b.channel, b.location, b.staff, sum(b.docs), sum(b.net)
         FROM report_buyer b JOIN report_customer c ON c.id = b.customer
         WHERE b.span = 'day' AND b.day >= ?1 AND b.day < ?2
         GROUP BY c.no, b.doc, b.channel, b.location, b.staff",
        args![month, next],
    )?;
    Ok(())
}

/// The stored day rows in [first, last] (`months` false), or the month rows of the months that
/// begin in it (`months` true), for the check against the documents.
pub(crate) fn stored(
    conn: Conn,
    months: bool,
    first: Date,
    last: Date,
    out: &mut Buyers,
) -> Result<()> {
    let sql = if months {
        "SELECT m.month, m.doc, m.channel, m.location, m.staff, c.id, m.docs, m.net
         FROM report_buyer_month m JOIN report_customer c ON c.no = m.customer
         WHERE m.month >= ?1 AND m.month <= ?2"
    } else {
        "SELECT day, doc, channel, location, staff, customer, docs, net FROM report_buyer
         WHERE span = 'day' AND day >= ?1 AND day <= ?2"
    };
    conn.query_map(sql, args![first.to_string(), last.to_string()], |r| {
        let key = ItemKey::new(HourKey::read(r)?, r.get(5)?, String::new());
        out.insert(key, (r.get(6)?, r.get(7)?));
        Ok(())
    })?;
    Ok(())
}
