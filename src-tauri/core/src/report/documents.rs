//! The documents behind a report row: the sales, orders and returns whose lines make it up.

use super::facts::{Doc, Fact, LineKind};
use super::more;
use super::sales::{names, return_key, tax_parts};
use super::tables::{facts_of, Context, DocumentRow};
use super::{Period, ReportName};
use crate::error::Result;
use crate::Timestamp;
use std::collections::{HashMap, HashSet};

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

fn product_groups(conn: &rusqlite::Connection, vendor: bool) -> Result<HashMap<String, String>> {
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
    let facts = facts_of(ctx, &within)?;
    let cohort_of = if name == ReportName::Cohorts {
        more::first_purchases(ctx)?
            .into_iter()
            .map(|(c, at)| (c, zone.date(Timestamp(at)).strftime("%Y-%m").to_string()))
            .collect()
    } else {
        HashMap::new()
    };
    let variant_key = key.split('@').next().unwrap_or_default();
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
            let mut st = conn.prepare_cached(
                "SELECT sale_id FROM tender WHERE label = ?1
                 UNION SELECT order_id FROM order_payment WHERE method = ?1",
            )?;
            let ids = st.query_map([key], |r| r.get(0))?;
            ids.collect::<rusqlite::Result<HashSet<String>>>()
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
