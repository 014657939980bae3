//! The customer list (F6): search by name, e-mail, phone, postcode, tag or order number; filters
//! (tag, store credit, an open ticket, bought in the last N days); sorted by name, lifetime value or last
//! purchase; a page at a time with the count, from the figures the store keeps per customer.

use crate::clock::Timestamp;
use crate::error::Result;
use crate::money::Money;
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{Arg, Engine, Param};
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The most rows one page returns.
pub const PAGE_MAX: u32 = 500;
/// A search or a filter counts its matches up to this many.
pub const SEARCH_COUNT_CAP: i64 = 1000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CustomerSort {
    #[default]
    Name,
    /// Highest lifetime value first.
    Value,
    /// Most recent purchase first.
    LastPurchase,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct CustomerQuery {
    /// Words of a name, e-mail, phone, postcode or tag; or an order number ("1042", "#1042").
    #[serde(default)]
    pub text: String,
    /// Only customers with this tag.
    #[serde(default)]
    pub tag: Option<String>,
    /// Only customers with store credit to spend.
    #[serde(default)]
    pub has_credit: bool,
    /// Only customers with a ticket not yet resolved.
    #[serde(default)]
    pub has_open_ticket: bool,
    /// Only customers who bought in the last this many days.
    #[serde(default)]
    pub bought_within_days: Option<u32>,
    #[serde(default)]
    pub sort: CustomerSort,
    #[serde(default)]
    pub offset: u32,
    /// Rows wanted (at most `PAGE_MAX`; 0 means 100).
    #[serde(default)]
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CustomerRow {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub tags: Vec<String>,
    /// Orders not cancelled plus counter sales.
    #[ts(type = "number")]
    pub orders: i64,
    pub lifetime_value: Money,
    pub last_purchase: Option<Timestamp>,
    pub store_credit: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CustomerPage {
    pub rows: Vec<CustomerRow>,
    /// Customers that match, on every page (at most `SEARCH_COUNT_CAP` for a search or filter).
    #[ts(type = "number")]
    pub total: i64,
    /// More match than `total` says: the count stopped at the cap.
    pub capped: bool,
}

/// "vip, Wholesale ,, vip" → ["vip", "Wholesale"]: trimmed, empty and repeated ones dropped.
pub(crate) fn split_tags(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            out.push(t.to_string());
        }
    }
    out
}

/// "1042" or "#1042": an order number to look customers up by as well.
fn order_number(text: &str) -> Option<i64> {
    text.trim().trim_start_matches('#').parse().ok()
}

impl Shop {
    /// One page of customers for the list. Merged-away and erased customers are left out.
    pub fn customer_list(&self, session: &Session, q: &CustomerQuery) -> Result<CustomerPage> {
        let now = self.clock.now().0;
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let cur = shop_currency(c)?;
            let mut filter = String::from("c.merged_into IS NULL AND c.erased_at IS NULL");
            let mut args: Vec<Arg> = Vec::new();
            let arg = |v: Arg, args: &mut Vec<Arg>| {
                args.push(v);
                format!("?{}", args.len())
            };
            let text = q.text.trim();
            // The keys of the customers the text finds: the search index holds live customers
            // only (FTS5 on SQLite, the tsvector on the server).
            let split = |ch: char| ch.is_whitespace() || ch == '@' || ch == '.';
            let search = c
                .text_match("customer_search", "customer_search", text, split, args.len() + 1)
                .map(|m| {
                    arg(Arg::Text(m.query), &mut args);
                    format!("SELECT {} AS seq FROM customer_search WHERE {}", m.key, m.condition)
                });
            let found = search.map(|words| match order_number(text) {
                Some(n) => {
                    let n = arg(Arg::Int(n), &mut args);
                    format!(
                        "{words} UNION SELECT k.seq FROM customer_order o
                           JOIN customer c ON c.id = o.customer_id JOIN customer_key k ON k.customer_id = c.id
                          WHERE o.number = {n} AND c.merged_into IS NULL AND c.erased_at IS NULL"
                    )
                }
                None => words,
            });
            let tag = q.tag.as_deref().map(str::trim).filter(|t| !t.is_empty());
            let filtered =
                tag.is_some() || q.has_credit || q.has_open_ticket || q.bought_within_days.is_some();
            if let Some(tag) = tag {
                let t = arg(Arg::Text(tag.to_lowercase()), &mut args);
                filter = format!(
                    "{filter} AND {}",
                    c.contains(
                        "',' || replace(lower(c.tags), ', ', ',') || ','",
                        &format!("',' || {t} || ','")
                    )
                );
            }
            if q.has_credit {
                filter = format!(
                    "{filter} AND (SELECT coalesce(sum(delta_minor), 0) FROM store_credit_move m WHERE m.customer_id = c.id) > 0"
                );
            }
            if q.has_open_ticket {
                filter = format!(
                    "{filter} AND EXISTS (SELECT 1 FROM ticket t WHERE t.customer_id = c.id
                                          AND t.status IN ('open', 'waiting_customer', 'waiting_us'))"
                );
            }
            if let Some(days) = q.bought_within_days {
                let since = now - i64::from(days) * 86_400_000;
                let s = arg(Arg::Int(since), &mut args);
                filter = format!("{filter} AND st.last_at >= {s}");
            }
            let limit = match q.limit {
                0 => 100,
                n => n.min(PAGE_MAX),
            };
            let offset = q.offset;
            // The order as SQLite's indexes give it (ties in the index's own order), and the same
            // on the server, told: ties by the customer's id, the never-bought last.
            let server = c.engine() == Engine::Postgres;
            let then = |tie: &str| if server { format!(", {tie}") } else { String::new() };
            let (from, order, paged, counted) = match (&found, q.sort, filtered) {
                // Words alone, by name: the page is chosen off the search keys, which carry the
                // name, and only its rows are read; the count is the index's own.
                (Some(found), CustomerSort::Name, false) => (
                    format!(
                        "(SELECT k.customer_id, k.sort_name FROM ({found}) f JOIN customer_key k ON k.seq = f.seq
                          ORDER BY {}{} LIMIT {limit} OFFSET {offset}) p
                         JOIN customer c ON c.id = p.customer_id JOIN customer_stats st ON st.customer_id = c.id",
                        c.nocase("k.sort_name"),
                        then("k.customer_id")
                    ),
                    format!("{}{}", c.nocase("p.sort_name"), then("c.id")),
                    String::new(),
                    format!("SELECT 1 FROM ({found}) AS f"),
                ),
                // One key each otherwise, so the first page is read off an index.
                (_, sort, _) => {
                    if let Some(found) = &found {
                        filter = format!(
                            "{filter} AND c.id IN (SELECT k.customer_id FROM ({found}) f JOIN customer_key k ON k.seq = f.seq)"
                        );
                    }
                    let from = "customer c JOIN customer_stats st ON st.customer_id = c.id";
                    let order = match sort {
                        CustomerSort::Name => format!("{}{}", c.nocase("c.name"), then("c.id")),
                        CustomerSort::Value => {
                            format!("st.value_minor DESC{}", then("st.customer_id DESC"))
                        }
                        CustomerSort::LastPurchase if server => {
                            "st.last_at DESC NULLS LAST, st.customer_id DESC".to_string()
                        }
                        CustomerSort::LastPurchase => "st.last_at DESC".to_string(),
                    };
                    // Every customer has a stats row: the count joins it only to filter on it.
                    let counted = match q.bought_within_days {
                        Some(_) => format!("SELECT 1 FROM {from} WHERE {filter}"),
                        None => format!("SELECT 1 FROM customer c WHERE {filter}"),
                    };
                    let from = format!("{from} WHERE {filter}");
                    (from, order, format!("LIMIT {limit} OFFSET {offset}"), counted)
                }
            };
            let params: Vec<&dyn Param> = args.iter().map(|a| a as &dyn Param).collect();
            // A search or filter that matches half the shop is counted only so far: "1,000+"
            // says enough, and counting 50,000 matches would cost more than the page itself.
            let cap = if found.is_none() && !filtered { i64::MAX } else { SEARCH_COUNT_CAP };
            let total: i64 = c.query_row(
                &format!("SELECT count(*) FROM ({counted} LIMIT {}) AS n", cap.saturating_add(1)),
                &params,
                |r| r.get(0),
            )?;
            let capped = total > cap;
            let total = total.min(cap);
            let rows = c.query_map(
                &format!(
                    "SELECT c.id, c.name, c.email, c.phone, c.tags, st.orders, st.value_minor, st.last_at,
                            (SELECT coalesce(sum(delta_minor), 0) FROM store_credit_move m WHERE m.customer_id = c.id)
                     FROM {from} ORDER BY {order} {paged}"
                ),
                &params,
                |r| {
                    Ok(CustomerRow {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        email: r.get(2)?,
                        phone: r.get(3)?,
                        tags: split_tags(&r.get::<String>(4)?),
                        orders: r.get(5)?,
                        lifetime_value: Money::from_minor(r.get(6)?, cur),
                        last_purchase: r.get::<Option<i64>>(7)?.map(Timestamp),
                        store_credit: Money::from_minor(r.get(8)?, cur),
                    })
                },
            )?;
            Ok(CustomerPage {
                rows,
                total,
                capped,
            })
        })
    }

    /// Every tag in use, for the list's filter.
    pub fn customer_tags(&self, session: &Session) -> Result<Vec<String>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let texts: Vec<String> = c.query_map(
                "SELECT DISTINCT tags FROM customer WHERE tags <> '' AND merged_into IS NULL",
                &[],
                |r| r.get(0),
            )?;
            let mut all: Vec<String> = Vec::new();
            for text in texts {
                for t in split_tags(&text) {
                    if !all.iter().any(|a| a.eq_ignore_ascii_case(&t)) {
                        all.push(t);
                    }
                }
            }
            all.sort_by_key(|t| t.to_lowercase());
            Ok(all)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_and_kept_once() {
        assert_eq!(
            split_tags(" vip, Wholesale ,, VIP"),
            vec!["vip", "Wholesale"]
        );
        assert!(split_tags(" , ").is_empty());
    }

    #[test]
    fn an_order_number_is_read_with_or_without_its_hash() {
        assert_eq!(order_number("#1042"), Some(1042));
        assert_eq!(order_number("Byrne"), None);
    }
}
