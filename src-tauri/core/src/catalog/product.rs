//! Products and their variants: up to three options (Size, Colour, Material…), a variant per
//! combination with its own SKU, barcode, prices, cost, weight, tax class, selling policy and bin.
//! Validation, create/edit as one grid, and the audit of each change live here; search lives in
//! `catalog`, stock in `stock`.

use crate::audit::{self, AuditEvent, Change};
use crate::catalog::barcode;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::{Currency, Money};
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{self, args, Conn};
use crate::Shop;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashSet;
use ts_rs::TS;

pub(crate) use crate::catalog::product_draft::{
    clean_barcode, clean_product, clean_sku, normalise_tags, parse_amount, slug, CleanProduct,
    CleanVariant,
};

pub const MAX_OPTIONS: usize = 3;
/// Shopify's limit, and a sane one for a grid a person edits.
pub const MAX_VARIANTS: usize = 2000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    #[default]
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
    pub fn from_code(s: &str) -> Option<ProductStatus> {
        match s.trim().to_ascii_lowercase().as_str() {
            "active" => Some(ProductStatus::Active),
            "draft" => Some(ProductStatus::Draft),
            "archived" => Some(ProductStatus::Archived),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WeightUnit {
    G,
    Kg,
    Lb,
    Oz,
}

impl WeightUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            WeightUnit::G => "g",
            WeightUnit::Kg => "kg",
            WeightUnit::Lb => "lb",
            WeightUnit::Oz => "oz",
        }
    }
    pub fn from_code(s: &str) -> Option<WeightUnit> {
        match s.trim().to_ascii_lowercase().as_str() {
            "g" => Some(WeightUnit::G),
            "kg" => Some(WeightUnit::Kg),
            "lb" => Some(WeightUnit::Lb),
            "oz" => Some(WeightUnit::Oz),
            _ => None,
        }
    }
    pub(crate) fn grams(self) -> f64 {
        match self {
            WeightUnit::G => 1.0,
            WeightUnit::Kg => 1000.0,
            WeightUnit::Lb => 453.592_37,
            WeightUnit::Oz => 28.349_523_125,
        }
    }
    /// A weight in grams shown in this unit ("0.5" kg), at most three decimals, no trailing zeros.
    pub fn show(self, grams: i64) -> String {
        let v = grams as f64 / self.grams();
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Whether the counter may sell a variant it has none of (Shopify's "deny" / "continue").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InventoryPolicy {
    Deny,
    Continue,
}

impl InventoryPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            InventoryPolicy::Deny => "deny",
            InventoryPolicy::Continue => "continue",
        }
    }
    pub fn from_code(s: &str) -> Option<InventoryPolicy> {
        match s.trim().to_ascii_lowercase().as_str() {
            "deny" => Some(InventoryPolicy::Deny),
            "continue" => Some(InventoryPolicy::Continue),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Variant {
    pub id: String,
    pub position: u32,
    /// One value per product option, in the product's option order.
    pub options: Vec<String>,
    /// The option values joined ("M / Sage"), empty for a product without options.
    pub title: String,
    pub sku: String,
    pub barcode: String,
    pub price: Money,
    pub compare_at: Option<Money>,
    pub cost: Option<Money>,
    pub weight_grams: i64,
    pub weight_unit: WeightUnit,
    /// The weight as shown and typed in its unit ("0.25" kg).
    pub weight: String,
    pub tax_class: String,
    pub inventory_policy: InventoryPolicy,
    pub bin: String,
    pub image_src: String,
    /// Totals over every location, derived from the stock ledger.
    pub on_hand: i64,
    pub committed: i64,
    pub available: i64,
    /// The supplier that ships it to the customer (dropship), or None: the shop ships it.
    pub dropship_supplier_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Product {
    pub id: String,
    pub handle: String,
    pub title: String,
    pub body_html: String,
    pub vendor: String,
    pub product_type: String,
    pub tags: Vec<String>,
    pub status: ProductStatus,
    /// Option names ("Size", "Colour"), at most three.
    pub options: Vec<String>,
    pub hs_code: String,
    pub origin_country: String,
    pub images: Vec<String>,
    pub variants: Vec<Variant>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// One row of the variant grid as the person typed it. Amounts and weight are text; core parses
/// them exactly so no screen ever does arithmetic. Empty text means "none".
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[serde(default)]
pub struct VariantDraft {
    /// Set when editing an existing variant; absent for a new row.
    pub id: Option<String>,
    pub options: Vec<String>,
    pub sku: String,
    pub barcode: String,
    pub price: String,
    pub compare_at: String,
    pub cost: String,
    pub weight: String,
    pub weight_unit: Option<WeightUnit>,
    pub tax_class: String,
    pub inventory_policy: Option<InventoryPolicy>,
    pub bin: String,
    pub image_src: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[serde(default)]
pub struct ProductDraft {
    pub title: String,
    pub body_html: String,
    pub vendor: String,
    pub product_type: String,
    /// Comma-separated, as people type them.
    pub tags: String,
    pub status: ProductStatus,
    pub options: Vec<String>,
    pub hs_code: String,
    pub origin_country: String,
    pub images: Vec<String>,
    pub variants: Vec<VariantDraft>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ProductEdit {
    pub id: String,
    pub product: ProductDraft,
}

/// A handle for a new product, made unique with a number if needed.
pub(crate) fn new_handle<'c>(conn: impl Into<Conn<'c>>, title: &str) -> Result<String> {
    let conn = conn.into();
    let base = slug(title);
    let base = if base.is_empty() {
        "product"
    } else {
        base.as_str()
    };
    let mut handle = base.to_string();
    let mut n = 1;
    while conn
        .query_opt(
            "SELECT 1 FROM product WHERE handle = ?1",
            args![handle],
            |_| Ok(()),
        )?
        .is_some()
    {
        n += 1;
        handle = format!("{base}-{n}");
    }
    Ok(handle)
}

/// Refuses a variant whose SKU or barcode another variant holds, naming the product that holds
/// it (asked before writing, so both engines say the same and nothing is half-written).
fn refuse_taken(conn: Conn, id: Option<&str>, v: &CleanVariant) -> Result<()> {
    for (col, what, value) in [("sku", "SKU", &v.sku), ("barcode", "barcode", &v.barcode)] {
        let Some(value) = value else { continue };
        let holder: Option<String> = conn.query_opt(
            &format!(
                "SELECT p.title FROM variant v JOIN product p ON p.id = v.product_id
                 WHERE v.{col} = ?1 AND v.id <> ?2"
            ),
            args![value, id.unwrap_or("")],
            |r| r.get(0),
        )?;
        if let Some(title) = holder {
            let shown = if col == "sku" {
                format!("'{value}'")
            } else {
                value.clone()
            };
            return Err(Error::Conflict(format!(
                "{what} {shown} is already used by '{title}'"
            )));
        }
    }
    Ok(())
}

/// What a UNIQUE refusal on a variant means once SKU and barcode were free: two rows of one
/// product with the same options.
fn same_options(v: &CleanVariant) -> impl FnOnce() -> String + '_ {
    move || format!("two variants are both '{}'", v.options.join(" / "))
}

fn opt(options: &[String], i: usize) -> Option<&str> {
    options.get(i).map(String::as_str)
}

pub(crate) fn insert_variant<'c>(
    conn: impl Into<Conn<'c>>,
    at: Timestamp,
    product_id: &str,
    position: usize,
    v: &CleanVariant,
) -> Result<String> {
    let conn = conn.into();
    refuse_taken(conn, None, v)?;
    let id = new_id();
    conn.execute_unique(
        "INSERT INTO variant (id, product_id, position, option1, option2, option3, sku, barcode,
             price_minor, compare_at_minor, cost_minor, weight_grams, weight_unit, tax_class,
             inventory_policy, bin, image_src, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18)",
        args![
            id, product_id, position as i64, opt(&v.options, 0), opt(&v.options, 1), opt(&v.options, 2),
            v.sku, v.barcode, v.price, v.compare_at, v.cost, v.weight_grams, v.weight_unit.as_str(),
            v.tax_class, v.policy.as_str(), v.bin, v.image_src, at.0
        ],
        same_options(v),
    )?;
    Ok(id)
}

pub(crate) fn update_variant<'c>(
    conn: impl Into<Conn<'c>>,
    at: Timestamp,
    id: &str,
    position: usize,
    v: &CleanVariant,
) -> Result<()> {
    let conn = conn.into();
    refuse_taken(conn, Some(id), v)?;
    let n = conn.execute_unique(
        "UPDATE variant SET position = ?2, option1 = ?3, option2 = ?4, option3 = ?5, sku = ?6,
             barcode = ?7, price_minor = ?8, compare_at_minor = ?9, cost_minor = ?10,
             weight_grams = ?11, weight_unit = ?12, tax_class = ?13, inventory_policy = ?14,
             bin = ?15, image_src = ?16, updated_at = ?17
         WHERE id = ?1",
        args![
            id,
            position as i64,
            opt(&v.options, 0),
            opt(&v.options, 1),
            opt(&v.options, 2),
            v.sku,
            v.barcode,
            v.price,
            v.compare_at,
            v.cost,
            v.weight_grams,
            v.weight_unit.as_str(),
            v.tax_class,
            v.policy.as_str(),
            v.bin,
            v.image_src,
            at.0
        ],
        same_options(v),
    )?;
    if n == 0 {
        return Err(Error::NotFound { what: "variant" });
    }
    Ok(())
}

fn write_images(conn: Conn, product_id: &str, images: &[String]) -> Result<()> {
    conn.execute(
        "DELETE FROM product_image WHERE product_id = ?1",
        args![product_id],
    )?;
    for (i, src) in images.iter().enumerate() {
        conn.execute(
            "INSERT INTO product_image (id, product_id, position, src) VALUES (?1, ?2, ?3, ?4)",
            args![new_id(), product_id, i as i64 + 1, src],
        )?;
    }
    Ok(())
}

/// Inserts a product and its variants without a permission check; callers check (the demo
/// loader and the CSV import run inside their own authorised transactions).
pub(crate) fn insert_product<'c>(
    conn: impl Into<Conn<'c>>,
    at: Timestamp,
    handle: Option<&str>,
    p: &CleanProduct,
) -> Result<String> {
    let conn = conn.into();
    let id = new_id();
    let handle = match handle {
        Some(h) => h.to_string(),
        None => new_handle(conn, &p.title)?,
    };
    conn.execute_unique(
        "INSERT INTO product (id, handle, title, body_html, vendor, product_type, tags, status,
             option1_name, option2_name, option3_name, hs_code, origin_country, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
        args![
            id, handle, p.title, p.body_html, p.vendor, p.product_type, p.tags, p.status.as_str(),
            opt(&p.options, 0), opt(&p.options, 1), opt(&p.options, 2), p.hs_code, p.origin_country, at.0
        ],
        || format!("a product with handle '{handle}' already exists"),
    )?;
    write_images(conn, &id, &p.images)?;
    for (i, v) in p.variants.iter().enumerate() {
        insert_variant(conn, at, &id, i + 1, v)?;
    }
    Ok(id)
}

pub(crate) fn update_product_fields<'c>(
    conn: impl Into<Conn<'c>>,
    at: Timestamp,
    id: &str,
    p: &CleanProduct,
) -> Result<()> {
    let conn = conn.into();
    conn.execute(
        "UPDATE product SET title = ?2, body_html = ?3, vendor = ?4, product_type = ?5, tags = ?6,
             status = ?7, option1_name = ?8, option2_name = ?9, option3_name = ?10, hs_code = ?11,
             origin_country = ?12, updated_at = ?13
         WHERE id = ?1",
        args![
            id,
            p.title,
            p.body_html,
            p.vendor,
            p.product_type,
            p.tags,
            p.status.as_str(),
            opt(&p.options, 0),
            opt(&p.options, 1),
            opt(&p.options, 2),
            p.hs_code,
            p.origin_country,
            at.0
        ],
    )?;
    write_images(conn, id, &p.images)
}

/// A variant that has moved stock or appears on a document keeps its history; it cannot go.
fn remove_variant(conn: Conn, id: &str, title: &str) -> Result<()> {
    let used: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM stock_move WHERE variant_id = ?1)
             OR EXISTS (SELECT 1 FROM purchase_line WHERE variant_id = ?1)
             OR EXISTS (SELECT 1 FROM transfer_line WHERE variant_id = ?1)
             OR EXISTS (SELECT 1 FROM stocktake_count WHERE variant_id = ?1)",
        args![id],
        |r| r.get(0),
    )?;
    if used {
        return Err(Error::Conflict(format!(
            "variant '{title}' has stock history and cannot be removed; archive the product instead"
        )));
    }
    conn.execute("DELETE FROM variant WHERE id = ?1", args![id])?;
    Ok(())
}

const VARIANT_COLUMNS: &str = "v.id, v.position, v.option1, v.option2, v.option3, v.sku, v.barcode,
    v.price_minor, v.compare_at_minor, v.cost_minor, v.weight_grams, v.weight_unit, v.tax_class,
    v.inventory_policy, v.bin, v.image_src,
    (SELECT coalesce(sum(on_hand), 0) FROM stock_level WHERE variant_id = v.id),
    (SELECT coalesce(sum(committed), 0) FROM stock_level WHERE variant_id = v.id),
    v.dropship_supplier_id";

pub(crate) fn options_of(r: &rusqlite::Row, first: usize) -> rusqlite::Result<Vec<String>> {
    let mut out = Vec::new();
    for i in first..first + 3 {
        if let Some(o) = r.get::<_, Option<String>>(i)? {
            out.push(o);
        }
    }
    Ok(out)
}

/// `options_of` on either engine's row.
fn options_in(r: &sql::Row, first: usize) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for i in first..first + 3 {
        if let Some(o) = r.get::<Option<String>>(i)? {
            out.push(o);
        }
    }
    Ok(out)
}

fn variant_from_row(r: &sql::Row, currency: Currency) -> Result<Variant> {
    let options = options_in(r, 2)?;
    let money = |m: Option<i64>| m.map(|m| Money::from_minor(m, currency));
    let on_hand: i64 = r.get(16)?;
    let committed: i64 = r.get(17)?;
    let weight_grams: i64 = r.get(10)?;
    let weight_unit = WeightUnit::from_code(r.text(11)?).unwrap_or(WeightUnit::Kg);
    Ok(Variant {
        id: r.get(0)?,
        position: r.get(1)?,
        title: options.join(" / "),
        options,
        sku: r.get::<Option<String>>(5)?.unwrap_or_default(),
        barcode: r.get::<Option<String>>(6)?.unwrap_or_default(),
        price: Money::from_minor(r.get(7)?, currency),
        compare_at: money(r.get(8)?),
        cost: money(r.get(9)?),
        weight_grams,
        weight_unit,
        weight: if weight_grams == 0 {
            String::new()
        } else {
            weight_unit.show(weight_grams)
        },
        tax_class: r.get(12)?,
        inventory_policy: InventoryPolicy::from_code(r.text(13)?).unwrap_or(InventoryPolicy::Deny),
        bin: r.get(14)?,
        image_src: r.get::<Option<String>>(15)?.unwrap_or_default(),
        on_hand,
        committed,
        available: on_hand - committed,
        dropship_supplier_id: r.get(18)?,
    })
}

pub(crate) fn load<'c>(conn: impl Into<Conn<'c>>, id: &str, currency: Currency) -> Result<Product> {
    let conn = conn.into();
    let mut p = conn
        .query_opt(
            "SELECT id, handle, title, body_html, vendor, product_type, tags, status,
                 option1_name, option2_name, option3_name, hs_code, origin_country, created_at, updated_at
             FROM product WHERE id = ?1",
            args![id],
            |r| {
                Ok(Product {
                    id: r.get(0)?,
                    handle: r.get(1)?,
                    title: r.get(2)?,
                    body_html: r.get(3)?,
                    vendor: r.get(4)?,
                    product_type: r.get(5)?,
                    tags: r
                        .text(6)?
                        .split(", ")
                        .filter(|t| !t.is_empty())
                        .map(str::to_string)
                        .collect(),
                    status: ProductStatus::from_code(r.text(7)?).unwrap_or(ProductStatus::Draft),
                    options: options_in(r, 8)?,
                    hs_code: r.get(11)?,
                    origin_country: r.get(12)?,
                    images: Vec::new(),
                    variants: Vec::new(),
                    created_at: Timestamp(r.get(13)?),
                    updated_at: Timestamp(r.get(14)?),
                })
            },
        )?
        .ok_or(Error::NotFound { what: "product" })?;
    p.images = conn.query_map(
        "SELECT src FROM product_image WHERE product_id = ?1 ORDER BY position",
        args![id],
        |r| r.get(0),
    )?;
    p.variants = conn.query_map(
        &format!(
            "SELECT {VARIANT_COLUMNS} FROM variant v WHERE v.product_id = ?1 ORDER BY v.position"
        ),
        args![id],
        |r| variant_from_row(r, currency),
    )?;
    Ok(p)
}

/// Field-by-field before/after of two JSON objects, so history reads like a diff.
fn product_changes(before: &Product, after: &Product) -> Value {
    let skip = ["variants", "updated_at", "created_at"];
    let mut changes = audit::diff(&json!(before), &json!(after), &skip);
    let vskip = ["on_hand", "committed", "available", "position"];
    for v in &after.variants {
        let name = if v.title.is_empty() {
            "default".to_string()
        } else {
            v.title.clone()
        };
        match before.variants.iter().find(|b| b.id == v.id) {
            Some(b) => {
                let d = audit::diff(&json!(b), &json!(v), &vskip);
                if !d.is_empty() {
                    changes.insert(format!("variant {name}"), Value::Object(d));
                }
            }
            None => {
                changes.insert(format!("variant {name}"), json!("added"));
            }
        }
    }
    for b in &before.variants {
        if !after.variants.iter().any(|v| v.id == b.id) {
            changes.insert(format!("variant {}", b.title), json!("removed"));
        }
    }
    Value::Object(changes)
}

impl Shop {
    pub fn create_product(&self, session: &Session, draft: ProductDraft) -> Result<Product> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::CatalogEdit)?;
            let currency = shop_currency(tx)?;
            let p = clean_product(&draft, currency)?;
            let now = self.clock.now();
            let id = insert_product(tx, now, None, &p)?;
            let product = load(tx, &id, currency)?;
            audit::record(tx, Change::by(now, session.staff_id(), "product_created", ("product", &id),
                json!({ "title": p.title, "handle": product.handle, "variants": p.variants.len() })))?;
            Ok(product)
        })
    }

    /// Saves the product and its whole variant grid: rows with an id are updated, rows without
    /// one are added, and variants missing from the grid are removed (refused if they have stock
    /// history). One transaction: a bad row leaves everything as it was.
    pub fn update_product(&self, session: &Session, edit: ProductEdit) -> Result<Product> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::CatalogEdit)?;
            let currency = shop_currency(tx)?;
            let p = clean_product(&edit.product, currency)?;
            let before = load(tx, &edit.id, currency)?;
            let now = self.clock.now();
            update_product_fields(tx, now, &edit.id, &p)?;
            let kept: HashSet<&str> = p.variants.iter().filter_map(|v| v.id.as_deref()).collect();
            for old in &before.variants {
                if !kept.contains(old.id.as_str()) {
                    remove_variant(tx, &old.id, &old.title)?;
                }
            }
            // Park kept rows on unused positions and option values first, so swapping two rows'
            // options or SKUs never trips a UNIQUE index half-way through.
            for v in &before.variants {
                if kept.contains(v.id.as_str()) {
                    tx.execute(
                        "UPDATE variant SET option1 = id, sku = NULL, barcode = NULL WHERE id = ?1",
                        args![v.id],
                    )?;
                }
            }
            for (i, v) in p.variants.iter().enumerate() {
                match &v.id {
                    Some(id) if before.variants.iter().any(|b| &b.id == id) => {
                        update_variant(tx, now, id, i + 1, v)?
                    }
                    Some(_) => return Err(Error::NotFound { what: "variant" }),
                    None => {
                        insert_variant(tx, now, &edit.id, i + 1, v)?;
                    }
                }
            }
            let after = load(tx, &edit.id, currency)?;
            audit::record(
                tx,
                Change::by(
                    now,
                    session.staff_id(),
                    "product_updated",
                    ("product", &edit.id),
                    product_changes(&before, &after),
                ),
            )?;
            Ok(after)
        })
    }

    pub fn product(&self, session: &Session, id: &str) -> Result<Product> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            load(c, id, shop_currency(c)?)
        })
    }

    pub fn product_history(&self, session: &Session, id: &str) -> Result<Vec<AuditEvent>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            audit::history(c, "product", Some(id), 200)
        })
    }

    /// The next unused in-store EAN-13 (prefix 2), for an item that arrived without a barcode.
    pub fn new_in_store_barcode(&self, session: &Session) -> Result<String> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::CatalogEdit)?;
            barcode::next_in_store(tx)
        })
    }
}
