//! Finding variants fast: the catalog list a page at a time, full-text search (FTS5 in SQLite, a
//! tsvector in the shop's PostgreSQL) over title, SKU, barcode, vendor, tags, type and option
//! values, filters, and the exact SKU/barcode lookup a scanner needs — on either engine.

use crate::catalog::barcode;
use crate::catalog::product::ProductStatus;
use crate::error::Result;
use crate::money::{Currency, Money};
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn, Engine, Param, Row, TextMatch};
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Without a reorder rule, a variant of an active product is low when what is available across
/// every location is at or below this: a shop that has set no rules still sees what runs out.
pub const LOW_WITHOUT_RULE: i64 = 1;

pub const MAX_PAGE: u32 = 500;
/// A search matching more than this many variants is "broad": it is counted only up to here (the
/// list says "1000+") and listed in catalog order, because sorting every match of a one-letter
/// search over 100k variants costs more than the 20 ms a keystroke may take.
pub const COUNT_CAP: u32 = 1_000;

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct CatalogQuery {
    /// Words that must each start a word of the title, SKU, barcode, vendor, tags, type or an
    /// option value; an exact SKU or barcode match sorts first.
    pub text: Option<String>,
    pub status: Option<ProductStatus>,
    pub vendor: Option<String>,
    pub product_type: Option<String>,
    pub tag: Option<String>,
    /// Only variants at or below their reorder point somewhere.
    pub low_stock: bool,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

/// One line of the catalog list: a variant with its product's title and its stock totals.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct VariantRow {
    pub variant_id: String,
    pub product_id: String,
    pub title: String,
    pub variant_title: String,
    pub sku: String,
    pub barcode: String,
    pub vendor: String,
    pub status: ProductStatus,
    pub price: Money,
    pub on_hand: i64,
    pub available: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CatalogPage {
    pub items: Vec<VariantRow>,
    /// Matches; for a text search at most `COUNT_CAP`, with `capped` saying there are more.
    pub total: u32,
    pub capped: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CatalogFacets {
    pub vendors: Vec<String>,
    pub product_types: Vec<String>,
}

const ROW_COLUMNS: &str = "v.id, p.id, p.title, v.option1, v.option2, v.option3, v.sku, v.barcode,
    p.vendor, p.status, v.price_minor,
    (SELECT coalesce(sum(on_hand), 0) FROM stock_level WHERE variant_id = v.id),
    (SELECT coalesce(sum(on_hand - committed), 0) FROM stock_level WHERE variant_id = v.id)";

fn row(r: &Row, currency: Currency) -> Result<VariantRow> {
    let options: Vec<String> = (3..6)
        .filter_map(|i| r.get::<Option<String>>(i).transpose())
        .collect::<Result<_>>()?;
    Ok(VariantRow {
        variant_id: r.get(0)?,
        product_id: r.get(1)?,
        title: r.get(2)?,
        variant_title: options.join(" / "),
        sku: r.get::<Option<String>>(6)?.unwrap_or_default(),
        barcode: r.get::<Option<String>>(7)?.unwrap_or_default(),
        vendor: r.get(8)?,
        status: ProductStatus::from_code(&r.get::<String>(9)?).unwrap_or(ProductStatus::Draft),
        price: Money::from_minor(r.get(10)?, currency),
        on_hand: r.get(11)?,
        available: r.get(12)?,
    })
}

pub(crate) fn lookup_in<'c>(conn: impl Into<Conn<'c>>, code: &str) -> Result<Option<VariantRow>> {
    let c = conn.into();
    let currency = shop_currency(c)?;
    let by_sku = format!(
        "SELECT {ROW_COLUMNS} FROM variant v JOIN product p ON p.id = v.product_id WHERE v.sku = ?1"
    );
    if let Some(found) = c.query_opt(&by_sku, args![code.trim()], |r| row(r, currency))? {
        return Ok(Some(found));
    }
    let by_code = format!(
        "SELECT {ROW_COLUMNS} FROM variant v JOIN product p ON p.id = v.product_id WHERE v.barcode = ?1"
    );
    for form in barcode::lookup_forms(code) {
        if let Some(found) = c.query_opt(&by_code, args![form], |r| row(r, currency))? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

impl Shop {
    /// The catalog list or a search, a page at a time, with the count for the pager.
    pub fn catalog(&self, session: &Session, q: &CatalogQuery) -> Result<CatalogPage> {
        let text = q.text.as_deref().unwrap_or("").trim();
        let limit = q.limit.unwrap_or(100).clamp(1, MAX_PAGE);
        let offset = q.offset.unwrap_or(0);
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            let currency = shop_currency(c)?;
            let mut filter = String::from("1 = 1");
            let mut args: Vec<String> = Vec::new();
            let arg = |v: String, args: &mut Vec<String>| {
                args.push(v);
                args.len()
            };
            if let Some(s) = q.status {
                let n = arg(s.as_str().into(), &mut args);
                filter.push_str(&format!(" AND p.status = ?{n}"));
            }
            if let Some(vendor) = q.vendor.as_deref().filter(|v| !v.is_empty()) {
                let n = arg(vendor.into(), &mut args);
                filter.push_str(&format!(" AND {}", c.nocase_eq("p.vendor", n)));
            }
            if let Some(t) = q.product_type.as_deref().filter(|v| !v.is_empty()) {
                let n = arg(t.into(), &mut args);
                filter.push_str(&format!(" AND {}", c.nocase_eq("p.product_type", n)));
            }
            if let Some(tag) = q.tag.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                let n = arg(tag.to_lowercase(), &mut args);
                filter.push_str(&format!(
                    " AND {}",
                    c.contains("', ' || lower(p.tags) || ','", &format!("', ' || ?{n} || ','"))
                ));
            }
            // Low as the Stock screen's Low stock says it: at or under a reorder rule, or, for a
            // variant with no rule, at most LOW_WITHOUT_RULE available across every location.
            if q.low_stock {
                filter.push_str(&format!(
                    " AND (EXISTS (SELECT 1 FROM reorder_rule r LEFT JOIN stock_level l
                         ON l.variant_id = r.variant_id AND l.location_id = r.location_id
                         WHERE r.variant_id = v.id
                           AND coalesce(l.on_hand - l.committed, 0) <= r.reorder_point)
                       OR (NOT EXISTS (SELECT 1 FROM reorder_rule r WHERE r.variant_id = v.id)
                           AND (SELECT coalesce(sum(l.on_hand - l.committed), 0) FROM stock_level l
                                WHERE l.variant_id = v.id) <= {}))",
                    LOW_WITHOUT_RULE
                ));
            }
            let unfiltered = args.is_empty() && !q.low_stock;
            let title = c.nocase("p.title");
            let rows = |sql: &str, args: &[String]| -> Result<Vec<VariantRow>> {
                let params: Vec<&dyn Param> = args.iter().map(|a| a as &dyn Param).collect();
                c.query_map(sql, &params, |r| row(r, currency))
            };
            let count = |sql: &str, args: &[String]| -> Result<u32> {
                let params: Vec<&dyn Param> = args.iter().map(|a| a as &dyn Param).collect();
                Ok(c.query_row(sql, &params, |r| r.get::<i64>(0))? as u32)
            };
            let search = c.text_match("variant_search", "s", text, char::is_whitespace, args.len() + 1);
            let Some(TextMatch { query: m, condition: matches, key }) = search else {
                // The plain list walks products in title order and each one's variants in grid
                // order, so the first page never sorts the whole catalog (SQLite is told the
                // join order; PostgreSQL's planner finds it: `Conn::hinted`).
                let total = if unfiltered {
                    count("SELECT count(*) FROM variant", &[])?
                } else {
                    count(&c.hinted(&format!("SELECT count(*) FROM product p CROSS JOIN variant v ON v.product_id = p.id WHERE {filter}")), &args)?
                };
                let items = rows(&c.hinted(&format!(
                    "SELECT {ROW_COLUMNS} FROM product p CROSS JOIN variant v ON v.product_id = p.id
                     WHERE {filter} ORDER BY {title}, p.id, v.position
                     LIMIT {limit} OFFSET {offset}"
                )), &args)?;
                return Ok(CatalogPage { items, total, capped: false });
            };
            arg(m, &mut args);
            let matched = format!("{filter} AND v.seq IN (SELECT {key} FROM variant_search s WHERE {matches})");
            let counted = count(&format!(
                "SELECT count(*) FROM (SELECT 1 FROM variant v JOIN product p ON p.id = v.product_id
                 WHERE {matched} LIMIT {}) AS m",
                COUNT_CAP + 1
            ), &args)?;
            let items = if counted > COUNT_CAP {
                // Broad: in the search index's own order, which needs no sort at all.
                rows(&format!(
                    "SELECT {ROW_COLUMNS} FROM variant_search s JOIN variant v ON v.seq = s.{key}
                     JOIN product p ON p.id = v.product_id
                     WHERE {matches} AND {filter}
                     ORDER BY s.{key} LIMIT {limit} OFFSET {offset}"
                ), &args)?
            } else {
                // Narrow: an exact SKU or barcode first, then by product and grid order. (A
                // variant without a barcode compares as NULL, which PostgreSQL would sort first
                // in a descending order and SQLite last: hence the coalesce.)
                let e = arg(text.to_string(), &mut args);
                rows(&format!(
                    "SELECT {ROW_COLUMNS} FROM variant v JOIN product p ON p.id = v.product_id
                     WHERE {matched}
                     ORDER BY (coalesce(v.sku, '') = ?{e} OR coalesce(v.barcode, '') = ?{e}) DESC,
                              {title}, p.id, v.position
                     LIMIT {limit} OFFSET {offset}"
                ), &args)?
            };
            Ok(CatalogPage { items, total: counted.min(COUNT_CAP), capped: counted > COUNT_CAP })
        })
    }

    /// Exact lookup for a scanner or a typed code: SKU (any case), then barcode (UPC-A and its
    /// EAN-13 form find each other). `None` when nothing carries the code.
    pub fn lookup(&self, session: &Session, code: &str) -> Result<Option<VariantRow>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            lookup_in(c, code)
        })
    }

    /// Vendors and product types in use, for the filter menus.
    pub fn catalog_facets(&self, session: &Session) -> Result<CatalogFacets> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            let list = |col: &str| -> Result<Vec<String>> {
                c.query_map(
                    &format!(
                        "SELECT {col} FROM product WHERE {col} <> '' GROUP BY {col} ORDER BY {}",
                        c.nocase(col)
                    ),
                    &[],
                    |r| r.get(0),
                )
            };
            Ok(CatalogFacets {
                vendors: list("vendor")?,
                product_types: list("product_type")?,
            })
        })
    }
}

/// Leaves the search rows of the variants a bulk write adds for `index_deferred`, in the same
/// transaction (migration 0017 says why).
pub(crate) fn defer_search(tx: Conn) -> Result<()> {
    tx.execute(
        "INSERT INTO variant_search_deferred (since_seq) SELECT coalesce(max(seq), 0) FROM variant",
        args![],
    )?;
    Ok(())
}

/// Indexes every variant added since `defer_search`, in one statement, and ends the deferral.
/// A variant already indexed meanwhile (changed again after it was added) is left as it is.
pub(crate) fn index_deferred(tx: Conn) -> Result<()> {
    tx.execute_batch(match tx.engine() {
        Engine::Sqlite => {
            "INSERT INTO variant_search (rowid, title, sku, barcode, vendor, tags, product_type, options)
             SELECT v.seq, p.title, v.sku, v.barcode, p.vendor, p.tags, p.product_type,
                    concat_ws(' ', v.option1, v.option2, v.option3)
             FROM variant v JOIN product p ON p.id = v.product_id
             WHERE v.seq > (SELECT since_seq FROM variant_search_deferred)
               AND v.seq NOT IN (SELECT rowid FROM variant_search
                                 WHERE rowid > (SELECT since_seq FROM variant_search_deferred));
             DELETE FROM variant_search_deferred;"
        }
        // The server's search row is written by the function its trigger calls.
        Engine::Postgres => {
            "SELECT variant_search_write(v.seq) FROM variant v
             WHERE v.seq > (SELECT since_seq FROM variant_search_deferred)
               AND NOT EXISTS (SELECT 1 FROM variant_search s WHERE s.seq = v.seq);
             DELETE FROM variant_search_deferred;"
        }
    })
}
