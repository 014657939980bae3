//! Products, the first catalog slice: title, unique SKU, price in the shop's currency, status;
//! create, edit, list and search. Every change is permission-checked and audited in its own
//! transaction. (Variants, barcodes and stock arrive with the catalog work.)

use crate::audit::{self, AuditEvent, Change};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::{Currency, Money};
use crate::shop::shop_currency;
use crate::staff::{authorize, unique_conflict, Permission, Session};
use crate::Shop;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

pub const MAX_PAGE: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Active,
    Draft,
    Archived,
}

impl ProductStatus {
    /// The status's code, as stored and as it crosses IPC ("active", "draft", "archived").
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Active => "active",
            ProductStatus::Draft => "draft",
            ProductStatus::Archived => "archived",
        }
    }
    fn from_db(s: &str) -> ProductStatus {
        match s {
            "draft" => ProductStatus::Draft,
            "archived" => ProductStatus::Archived,
            _ => ProductStatus::Active,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Product {
    pub id: String,
    pub title: String,
    pub sku: String,
    pub price: Money,
    pub status: ProductStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// What a person fills in to create or edit a product. The price is the text they typed; core
/// parses it exactly in the shop's currency so no screen ever does money arithmetic.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct ProductDraft {
    pub title: String,
    pub sku: String,
    pub price: String,
    pub status: ProductStatus,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ProductEdit {
    pub id: String,
    pub product: ProductDraft,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct ProductQuery {
    /// Words that must each appear in the title or SKU; an exact SKU match sorts first.
    pub text: Option<String>,
    pub status: Option<ProductStatus>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProductPage {
    pub items: Vec<Product>,
    pub total: u32,
}

/// A draft that passed validation; only this can be inserted.
pub(crate) struct CleanDraft {
    title: String,
    sku: String,
    price: Money,
    status: ProductStatus,
}

pub(crate) fn clean(draft: &ProductDraft, currency: Currency) -> Result<CleanDraft> {
    let title = draft.title.trim();
    if title.is_empty() {
        return Err(Error::invalid("a product needs a title"));
    }
    if title.chars().count() > 255 {
        return Err(Error::invalid("the title is longer than 255 characters"));
    }
    let sku = draft.sku.trim();
    if sku.is_empty() {
        return Err(Error::invalid("a product needs a SKU"));
    }
    if sku.chars().count() > 64 || sku.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            "a SKU is at most 64 characters with no spaces",
        ));
    }
    let price = Money::parse(&draft.price, currency)?;
    if price.minor() < 0 {
        return Err(Error::invalid("a price cannot be negative"));
    }
    Ok(CleanDraft {
        title: title.to_string(),
        sku: sku.to_string(),
        price,
        status: draft.status,
    })
}

const COLUMNS: &str = "id, title, sku, price_minor, status, created_at, updated_at";

fn from_row(r: &Row, currency: Currency) -> rusqlite::Result<Product> {
    Ok(Product {
        id: r.get(0)?,
        title: r.get(1)?,
        sku: r.get(2)?,
        price: Money::from_minor(r.get(3)?, currency),
        status: ProductStatus::from_db(&r.get::<_, String>(4)?),
        created_at: Timestamp(r.get(5)?),
        updated_at: Timestamp(r.get(6)?),
    })
}

fn load(conn: &Connection, id: &str, currency: Currency) -> Result<Product> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM product WHERE id = ?1"),
        [id],
        |r| from_row(r, currency),
    )
    .optional()?
    .ok_or(Error::NotFound { what: "product" })
}

fn sku_conflict(conn: &Connection, e: rusqlite::Error, sku: &str) -> Error {
    let holder: Option<String> = conn
        .query_row("SELECT title FROM product WHERE sku = ?1", [sku], |r| {
            r.get(0)
        })
        .optional()
        .ok()
        .flatten();
    let who = holder.map(|t| format!(" by '{t}'")).unwrap_or_default();
    unique_conflict(e, format!("SKU '{sku}' is already used{who}"))
}

fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Inserts a product without a permission check; callers check (the demo loader runs as owner).
pub(crate) fn insert(conn: &Connection, at: Timestamp, d: &CleanDraft) -> Result<String> {
    let id = new_id();
    conn.execute(
        "INSERT INTO product (id, title, sku, price_minor, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![id, d.title, d.sku, d.price.minor(), d.status.as_str(), at.0],
    )
    .map_err(|e| sku_conflict(conn, e, &d.sku))?;
    Ok(id)
}

impl Shop {
    pub fn create_product(&self, session: &Session, draft: ProductDraft) -> Result<Product> {
        self.db.write(|tx| {
            authorize(tx, session, Permission::CatalogEdit)?;
            let currency = shop_currency(tx)?;
            let d = clean(&draft, currency)?;
            let now = self.clock.now();
            let id = insert(tx, now, &d)?;
            audit::record(tx, Change::by(now, session.staff_id(), "product_created", ("product", &id), json!({ "title": d.title, "sku": d.sku, "price_minor": d.price.minor(), "status": d.status })))?;
            load(tx, &id, currency)
        })
    }

    pub fn update_product(&self, session: &Session, edit: ProductEdit) -> Result<Product> {
        self.db.write(|tx| {
            authorize(tx, session, Permission::CatalogEdit)?;
            let currency = shop_currency(tx)?;
            let d = clean(&edit.product, currency)?;
            let before = load(tx, &edit.id, currency)?;
            let now = self.clock.now();
            tx.execute(
                "UPDATE product SET title = ?2, sku = ?3, price_minor = ?4, status = ?5, updated_at = ?6 WHERE id = ?1",
                params![edit.id, d.title, d.sku, d.price.minor(), d.status.as_str(), now.0],
            )
            .map_err(|e| sku_conflict(tx, e, &d.sku))?;
            // Record only what changed, with before and after, so history reads like a diff.
            let mut changed = serde_json::Map::new();
            if before.title != d.title {
                changed.insert("title".into(), json!([before.title, d.title]));
            }
            if before.sku != d.sku {
                changed.insert("sku".into(), json!([before.sku, d.sku]));
            }
            if before.price != d.price {
                changed.insert("price_minor".into(), json!([before.price.minor(), d.price.minor()]));
            }
            if before.status != d.status {
                changed.insert("status".into(), json!([before.status, d.status]));
            }
            audit::record(tx, Change::by(now, session.staff_id(), "product_updated", ("product", &edit.id), serde_json::Value::Object(changed)))?;
            load(tx, &edit.id, currency)
        })
    }

    pub fn product(&self, session: &Session, id: &str) -> Result<Product> {
        self.db.read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            load(c, id, shop_currency(c)?)
        })
    }

    pub fn product_history(&self, session: &Session, id: &str) -> Result<Vec<AuditEvent>> {
        self.db.read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            audit::history(c, "product", Some(id), 200)
        })
    }

    /// Lists or searches products, a page at a time, with the total for the pager.
    pub fn products(&self, session: &Session, q: &ProductQuery) -> Result<ProductPage> {
        let text = q.text.as_deref().unwrap_or("").trim().to_string();
        let mut filter = String::from("1 = 1");
        let mut args: Vec<String> = Vec::new();
        for word in text.split_whitespace() {
            args.push(format!("%{}%", escape_like(word)));
            let n = args.len();
            filter.push_str(&format!(
                " AND (title LIKE ?{n} ESCAPE '\\' OR sku LIKE ?{n} ESCAPE '\\')"
            ));
        }
        if let Some(status) = q.status {
            args.push(status.as_str().to_string());
            filter.push_str(&format!(" AND status = ?{}", args.len()));
        }
        let limit = q.limit.unwrap_or(100).clamp(1, MAX_PAGE);
        let offset = q.offset.unwrap_or(0);
        self.db.read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            let currency = shop_currency(c)?;
            let total: u32 = c.query_row(
                &format!("SELECT count(*) FROM product WHERE {filter}"),
                params_from_iter(args.iter()),
                |r| r.get(0),
            )?;
            let exact = args.len() + 1;
            let sql = format!(
                "SELECT {COLUMNS} FROM product WHERE {filter}
                 ORDER BY (sku = ?{exact}) DESC, title COLLATE NOCASE, sku LIMIT {limit} OFFSET {offset}"
            );
            let mut st = c.prepare_cached(&sql)?;
            let all_args = args.iter().map(String::as_str).chain(std::iter::once(text.as_str()));
            let items = st
                .query_map(params_from_iter(all_args), |r| from_row(r, currency))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ProductPage { items, total })
        })
    }
}
