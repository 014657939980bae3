//! The documents behind a report row: the sales, orders and returns whose lines make it up.

use super::facts::{Doc, Fact, LineKind};
use super::more;
use super::rollup;
use super::sales::{names, return_key, tax_parts};
use super::tables::{facts_of_variant, Context, DocumentRow};
use super::{Period, ReportName};
use crate::clock::Date;
use crate::error::Result;
use crate::sql::{args, Arg, Conn, Param};
use crate::Timestamp;
use std::collections::{BTreeSet, HashMap, HashSet};

/// How a sales table groups its facts: (key, label, sku).
enum Grouping {
    Product,
    /// Variant → its product's category or vendor.
    Catalog(HashMap<String, String>),
}

impl Grouping {
    fn of(&self, f: &Fact) -> Option<(String, String, String)> {
        match self {
            Grouping::Product => {
                if f.kind != LineKind::Item {
                    return None;
                }
                let key = f
                    .variant_id
                    .clone()
                    .unwrap_or_else(|| format!("title:{}", f.title));
                Some((key, f.title.clone(), f.sku.clone()))
            }
            Grouping::Catalog(map) => {
                if f.kind != LineKind::Item {
                    return None;
                }
                let group = f
                    .variant_id
                    .as_ref()
                    .and_then(|v| map.get(v))
                    .filter(|g| !g.is_empty())
                    .cloned()
                    .unwrap_or_else(|| "(none)".into());
                Some((group.clone(), group, String::new()))
            }
        }
    }
}

fn product_groups(conn: Conn, vendor: bool) -> Result<HashMap<String, String>> {
    names(
        conn,
        if vendor {
            "SELECT v.id, p.vendor FROM variant v JOIN product p ON p.id = v.product_id"
        } else {
            "SELECT v.id, p.product_type FROM variant v JOIN product p ON p.id = v.product_id"
        },
    )
}

/// The documents behind one row of a report (all of the period for an empty key).
pub(crate) fn documents(
    ctx: &Context,
    name: ReportName,
    p: &Period,
    key: &str,
) -> Result<Vec<DocumentRow>> {
    let (conn, zone) = (ctx.conn, ctx.zone);
    let range = key
        .strip_prefix("at:")
        .and_then(|r| r.split_once('-'))
        .and_then(|(a, b)| Some((a.parse::<i64>().ok()?, b.parse::<i64>().ok()?)));
    // A bucket of the over-time report reads only its own stretch of the period.
    let within = match range {
        Some((a, b)) => Period {
            start: Timestamp(a.max(p.start.0)),
            end: Timestamp(b.min(p.end.0)),
            ..*p
        },
        None => p.clone(),
    };
    let variant_key = key.split('@').next().unwrap_or_default();
    // A product's documents need only its own lines.
    let variant = match name {
        ReportName::Products | ReportName::Inventory | ReportName::SellThrough
            if !key.is_empty() && !key.starts_with("title:") =>
        {
            Some(variant_key)
        }
        _ => None,
    };
    // A product's lines are found by their variant over the whole period at once; other rows
    // read only the days they have sums on.
    let days = match variant {
        Some(_) => None,
        None => days_of_row(ctx, name, &within, key)?,
    };
    let facts = match days {
        Some(days) => {
            let mut facts = Vec::new();
            for (first, last) in rollup::runs(&days) {
                let days = Period::new(zone, first, last);
                facts.extend(facts_of_variant(ctx, &days, variant)?);
            }
            facts
        }
        None => facts_of_variant(ctx, &within, variant)?,
    };
    let cohort_of = if name == ReportName::Cohorts {
        more::first_purchases(ctx)?
            .into_iter()
            .map(|(c, at)| (c, zone.date(Timestamp(at)).strftime("%Y-%m").to_string()))
            .collect()
    } else {
        HashMap::new()
    };
    let grouping = match name {
        ReportName::Products => Some(Grouping::Product),
        ReportName::Categories | ReportName::Vendors => Some(Grouping::Catalog(product_groups(
            conn,
            name == ReportName::Vendors,
        )?)),
        _ => None,
    };
    let paid_by: Option<HashSet<String>> = (name == ReportName::Payments && !key.is_empty())
        .then(|| {
            let ids = conn.query_map(
                "SELECT sale_id FROM tender WHERE label = ?1
                 UNION SELECT order_id FROM order_payment WHERE method = ?1",
                args![key],
                |r| r.get(0),
            )?;
            Ok::<_, crate::Error>(ids.into_iter().collect::<HashSet<String>>())
        })
        .transpose()?;
    let hour = key.strip_prefix("hour:").and_then(|h| h.parse::<i8>().ok());
    let belongs = |f: &Fact| -> bool {
        if key.is_empty() {
            return true;
        }
        if let Some((a, b)) = range {
            return f.at.0 >= a && f.at.0 < b;
        }
        if let Some(h) = hour {
            return zone.hour(f.at) == h;
        }
        match name {
            ReportName::Staff => f.doc == Doc::Sale && f.staff == key,
            ReportName::Channels => key.split_once('|') == Some((&f.channel, &f.location)),
            ReportName::Payments => paid_by.as_ref().is_some_and(|ids| ids.contains(&f.doc_id)),
            ReportName::Taxes => tax_parts(f)
                .iter()
                .any(|(n, rate, ..)| format!("{n}|{rate}") == key),
            ReportName::Returns => f.is_return() && return_key(f) == key,
            ReportName::Discounts => more::used_discount(f, key),
            ReportName::Fulfilment => f.doc == Doc::Order && f.channel == key,
            ReportName::Customers => f.customer.as_deref() == Some(key),
            ReportName::Cohorts => f
                .customer
                .as_ref()
                .and_then(|c| cohort_of.get(c))
                .is_some_and(|month| month == key),
            ReportName::Inventory | ReportName::SellThrough => {
                f.variant_id.as_deref() == Some(variant_key)
            }
            _ => grouping
                .as_ref()
                .and_then(|g| g.of(f))
                .is_some_and(|(k, ..)| k == key),
        }
    };
    let mut docs: Vec<DocumentRow> = Vec::new();
    let mut index: HashMap<(Doc, String, String), usize> = HashMap::new();
    for f in facts.iter().filter(|f| belongs(f)) {
        let id = (f.doc, f.doc_id.clone(), f.doc_name.clone());
        let i = *index.entry(id).or_insert_with(|| {
            docs.push(DocumentRow {
                kind: f.doc.text().into(),
                id: f.doc_id.clone(),
                name: f.doc_name.clone(),
                at: f.at,
                channel: f.channel.clone(),
                net_minor: 0,
                tax_minor: 0,
            });
            docs.len() - 1
        });
        // The row's figure: goods for product-like rows, everything for the rest.
        let goods_only = grouping.is_some();
        if !goods_only || f.kind == LineKind::Item {
            docs[i].net_minor += if f.kind == LineKind::GiftCard {
                0
            } else {
                f.net
            };
            docs[i].tax_minor += f.tax;
        }
    }
    docs.sort_by_key(|d| d.at);
    Ok(docs)
}

/// The days of the period on which a row has sums, read from the report sums with any day
/// marked since they were made, so the documents of a row that sold on a few days of a year
/// are read from those days only. None: every day (a report without such sums, a stretch of
/// the over-time report, or sums made in another zone).
fn days_of_row(
    ctx: &Context,
    name: ReportName,
    p: &Period,
    key: &str,
) -> Result<Option<BTreeSet<Date>>> {
    use ReportName::*;
    let (conn, zone) = (ctx.conn, ctx.zone);
    if key.is_empty()
        || key.starts_with("at:")
        || rollup::made_in(conn)?.as_deref() != Some(zone.name())
    {
        return Ok(None);
    }
    let text = |s: &str| Arg::Text(s.to_string());
    let (first, last) = (text(&p.first.to_string()), text(&p.last.to_string()));
    // Each: the query of the row's days, and what it is asked with.
    let (sql, values): (&str, Vec<Arg>) = match name {
        // A variant's documents are found from its lines (`documents`); these are a product
        // without one ("title:…") and a return row (product, reason, channel), whose product's
        // lines say its days.
        Products | Returns => {
            let item = key.split(['@', '|']).next().unwrap_or_default();
            let item = if name == Returns && !is_variant(conn, item)? {
                format!("title:{item}")
            } else {
                item.to_string()
            };
            (
                "SELECT DISTINCT day FROM report_item INDEXED BY report_item_of
                 WHERE span = 'day' AND item = ?1 AND day_start >= ?2 AND day_start < ?3",
                vec![Arg::Text(item), Arg::Int(p.start.0), Arg::Int(p.end.0)],
            )
        }
        Categories => (
            "SELECT DISTINCT day FROM report_item
             WHERE span = 'day' AND day >= ?1 AND day <= ?2 AND category = ?3",
            vec![first, last, text(if key == "(none)" { "" } else { key })],
        ),
        Vendors => (
            "SELECT DISTINCT day FROM report_item
             WHERE span = 'day' AND day >= ?1 AND day <= ?2 AND vendor = ?3",
            vec![first, last, text(if key == "(none)" { "" } else { key })],
        ),
        Staff => (
            "SELECT DISTINCT day FROM report_hour
             WHERE hour = -1 AND day >= ?1 AND day <= ?2 AND doc = 'sale' AND staff = ?3",
            vec![first, last, text(key)],
        ),
        Channels => {
            let (channel, location) = key.split_once('|').unwrap_or((key, ""));
            (
                "SELECT DISTINCT day FROM report_hour
                 WHERE hour = -1 AND day >= ?1 AND day <= ?2 AND channel = ?3 AND location = ?4",
                vec![first, last, text(channel), text(location)],
            )
        }
        Taxes => {
            let (tax, rate) = key.rsplit_once('|').unwrap_or((key, ""));
            (
                "SELECT DISTINCT day FROM report_tax
                 WHERE day >= ?1 AND day <= ?2 AND name = ?3 AND rate_bp = ?4",
                vec![first, last, text(tax), Arg::Int(rate.parse().unwrap_or(-1))],
            )
        }
        Discounts => (
            "SELECT DISTINCT day FROM report_discount
             WHERE day >= ?1 AND day <= ?2 AND source = ?3",
            vec![first, last, text(key)],
        ),
        Customers => (
            "SELECT DISTINCT day FROM report_buyer
             WHERE span = 'day' AND day >= ?1 AND day <= ?2 AND customer = ?3",
            vec![first, last, text(key)],
        ),
        _ => return Ok(None),
    };
    // Days marked since the sums were made are read from the documents whatever the sums say.
    let mut days = rollup::stale_days(conn, zone, p)?;
    let values: Vec<&dyn Param> = values.iter().map(|v| v as &dyn Param).collect();
    conn.query_map(&conn.hinted(sql), &values, |r| {
        days.insert(rollup::parse_day(r.text(0)?)?);
        Ok(())
    })?;
    Ok(Some(days))
}

fn is_variant(conn: Conn, id: &str) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM variant WHERE id = ?1)",
        args![id],
        |r| r.get(0),
    )
}
