//! The catalog in Shopify's product CSV format, the file shops already have: import with a
//! preview of every row's problems (line, column, reason) and a commit of all valid rows in one
//! transaction, and an export that imports back to the same catalog.
//!
//! Layout rules followed (from Shopify's CSV documentation): rows are grouped by Handle; the first
//! row of a handle carries the product's fields; later rows carry another variant and/or another
//! image; a product without options is written as Option1 Name "Title" / Value "Default Title".
//! Both the classic headers ("Variant SKU") and the newer ones ("SKU") are understood.

use crate::audit::{self, Change};
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::{Currency, Money};
use crate::product::{
    self, clean_barcode, clean_sku, normalise_tags, parse_amount, CleanProduct, CleanVariant,
    InventoryPolicy, ProductStatus, WeightUnit,
};
use crate::shop::shop_currency;
use crate::staff::{authorize, Permission, Session};
use crate::stock::{self, Move, MoveReason};
use crate::Shop;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Col {
    Handle,
    Title,
    Body,
    Vendor,
    Type,
    Tags,
    Published,
    OptName(usize),
    OptValue(usize),
    Sku,
    Grams,
    Qty,
    Policy,
    Price,
    CompareAt,
    Taxable,
    Barcode,
    ImageSrc,
    ImagePosition,
    VariantImage,
    WeightUnit,
    Cost,
    Status,
    TaxClass,
    Bin,
    HsCode,
    Origin,
}

/// Header names per column: the first is what export writes, the rest are accepted on import.
const HEADERS: &[(Col, &[&str])] = &[
    (Col::Handle, &["Handle", "URL handle"]),
    (Col::Title, &["Title"]),
    (Col::Body, &["Body (HTML)", "Description"]),
    (Col::Vendor, &["Vendor"]),
    (Col::Type, &["Type"]),
    (Col::Tags, &["Tags"]),
    (Col::Published, &["Published", "Published on online store"]),
    (Col::OptName(0), &["Option1 Name"]),
    (Col::OptValue(0), &["Option1 Value"]),
    (Col::OptName(1), &["Option2 Name"]),
    (Col::OptValue(1), &["Option2 Value"]),
    (Col::OptName(2), &["Option3 Name"]),
    (Col::OptValue(2), &["Option3 Value"]),
    (Col::Sku, &["Variant SKU", "SKU"]),
    (Col::Grams, &["Variant Grams", "Weight value (grams)"]),
    (Col::Qty, &["Variant Inventory Qty", "Inventory quantity"]),
    (Col::Policy, &["Variant Inventory Policy"]),
    (Col::Price, &["Variant Price", "Price"]),
    (
        Col::CompareAt,
        &["Variant Compare At Price", "Compare-at price"],
    ),
    (Col::Taxable, &["Variant Taxable", "Charge tax"]),
    (Col::Barcode, &["Variant Barcode", "Barcode"]),
    (Col::ImageSrc, &["Image Src", "Product image URL"]),
    (Col::ImagePosition, &["Image Position", "Image position"]),
    (Col::VariantImage, &["Variant Image", "Variant image URL"]),
    (
        Col::WeightUnit,
        &["Variant Weight Unit", "Weight unit for display"],
    ),
    (Col::Cost, &["Cost per item"]),
    (Col::Status, &["Status"]),
    (Col::TaxClass, &["Tax Class (Shopdesk)"]),
    (Col::Bin, &["Bin Location (Shopdesk)"]),
    (Col::HsCode, &["HS Code (Shopdesk)"]),
    (Col::Origin, &["Country of Origin (Shopdesk)"]),
];

fn header_name(col: Col) -> &'static str {
    HEADERS
        .iter()
        .find(|(c, _)| *c == col)
        .map(|(_, n)| n[0])
        .unwrap_or("")
}

/// One problem in the file, where a person can find it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ImportIssue {
    /// 1-based line of the file where the row starts (the header is line 1).
    pub line: u64,
    /// The column's header as written in the file, empty for a problem with the whole row.
    pub column: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ImportPreview {
    pub rows: u32,
    pub products_new: u32,
    pub products_updated: u32,
    pub variants: u32,
    pub images: u32,
    /// Rows left out because of an error (a row can have more than one problem listed).
    pub skipped_rows: u32,
    pub errors: Vec<ImportIssue>,
    /// Columns this importer does not use (they are left out, not an error).
    pub ignored_columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ImportResult {
    pub preview: ImportPreview,
    pub import_id: String,
}

struct RowVariant {
    line: u64,
    clean: CleanVariant,
    qty: Option<i64>,
}

struct ParsedProduct {
    line: u64,
    handle: String,
    product: CleanProduct,
    variants: Vec<RowVariant>,
}

struct Parsed {
    rows: u32,
    products: Vec<ParsedProduct>,
    errors: Vec<ImportIssue>,
    ignored: Vec<String>,
}

struct Row<'a> {
    line: u64,
    fields: &'a csv::StringRecord,
    cols: &'a HashMap<Col, usize>,
    headers: &'a csv::StringRecord,
}

impl Row<'_> {
    fn get(&self, c: Col) -> &str {
        self.cols
            .get(&c)
            .and_then(|&i| self.fields.get(i))
            .map(str::trim)
            .unwrap_or("")
    }
    fn issue(&self, c: Col, message: impl Into<String>) -> ImportIssue {
        let column = self
            .cols
            .get(&c)
            .and_then(|&i| self.headers.get(i))
            .unwrap_or(header_name(c))
            .to_string();
        ImportIssue {
            line: self.line,
            column,
            message: message.into(),
        }
    }
    fn has_variant(&self) -> bool {
        [
            Col::OptValue(0),
            Col::OptValue(1),
            Col::OptValue(2),
            Col::Sku,
            Col::Price,
            Col::Barcode,
        ]
        .iter()
        .any(|&c| !self.get(c).is_empty())
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// The variant fields of a row, each problem reported against its column.
fn row_variant(
    row: &Row,
    options: &[String],
    currency: Currency,
) -> Result<RowVariant, ImportIssue> {
    let mut values = Vec::new();
    for i in 0..3 {
        let v = row.get(Col::OptValue(i));
        match (options.get(i), v.is_empty()) {
            (Some(name), true) => {
                return Err(row.issue(Col::OptValue(i), format!("no value for option '{name}'")))
            }
            (Some(_), false) => values.push(v.to_string()),
            (None, false) if !(i == 0 && options.is_empty() && v == "Default Title") => {
                return Err(row.issue(
                    Col::OptValue(i),
                    format!(
                        "unknown option value '{v}': the product has no Option{} Name",
                        i + 1
                    ),
                ))
            }
            (None, _) => {}
        }
    }
    let amount = |c: Col, what: &str| {
        parse_amount(row.get(c), what, currency)
            .map_err(|e| row.issue(c, format!("bad number: {e}")))
    };
    let price = amount(Col::Price, "a price")?
        .ok_or_else(|| row.issue(Col::Price, "a variant needs a price"))?;
    let int = |c: Col| -> Result<Option<i64>, ImportIssue> {
        let t = row.get(c);
        if t.is_empty() {
            return Ok(None);
        }
        t.parse::<i64>()
            .map(Some)
            .map_err(|_| row.issue(c, format!("bad number: '{t}' is not a whole number")))
    };
    let grams = int(Col::Grams)?.unwrap_or(0);
    if grams < 0 {
        return Err(row.issue(Col::Grams, "bad number: a weight cannot be negative"));
    }
    let unit = match row.get(Col::WeightUnit) {
        "" => WeightUnit::Kg,
        u => WeightUnit::from_code(u)
            .ok_or_else(|| row.issue(Col::WeightUnit, format!("'{u}' is not g, kg, lb or oz")))?,
    };
    let policy = match row.get(Col::Policy) {
        "" => InventoryPolicy::Deny,
        p => InventoryPolicy::from_code(p)
            .ok_or_else(|| row.issue(Col::Policy, format!("'{p}' is not deny or continue")))?,
    };
    let tax_class = match (row.get(Col::TaxClass), parse_bool(row.get(Col::Taxable))) {
        ("", Some(false)) => "exempt".to_string(),
        ("", _) => "standard".to_string(),
        (t, _) => t.to_string(),
    };
    Ok(RowVariant {
        line: row.line,
        qty: int(Col::Qty)?,
        clean: CleanVariant {
            id: None,
            options: values,
            sku: clean_sku(row.get(Col::Sku)).map_err(|e| row.issue(Col::Sku, e.to_string()))?,
            barcode: clean_barcode(row.get(Col::Barcode))
                .map_err(|e| row.issue(Col::Barcode, e.to_string()))?,
            price,
            compare_at: amount(Col::CompareAt, "a compare-at price")?,
            cost: amount(Col::Cost, "a cost")?,
            weight_grams: grams,
            weight_unit: unit,
            tax_class,
            policy,
            bin: row.get(Col::Bin).to_string(),
            image_src: Some(row.get(Col::VariantImage).to_string()).filter(|s| !s.is_empty()),
        },
    })
}

/// The product fields of the first row of a handle.
fn row_product(row: &Row) -> Result<CleanProduct, ImportIssue> {
    let title = row.get(Col::Title);
    if title.is_empty() {
        return Err(row.issue(Col::Title, "the first row of a product needs a Title"));
    }
    let mut options = Vec::new();
    for i in 0..3 {
        let name = row.get(Col::OptName(i));
        if name.is_empty()
            || (i == 0 && name == "Title" && row.get(Col::OptValue(0)) == "Default Title")
        {
            continue;
        }
        if options.len() != i {
            return Err(row.issue(
                Col::OptName(i),
                format!("Option{i} Name is empty but Option{} Name is set", i + 1),
            ));
        }
        options.push(name.to_string());
    }
    let status = match (row.get(Col::Status), row.get(Col::Published)) {
        ("", published) => match parse_bool(published) {
            Some(false) => ProductStatus::Draft,
            _ => ProductStatus::Active,
        },
        (s, _) => ProductStatus::from_code(s).ok_or_else(|| {
            row.issue(
                Col::Status,
                format!("'{s}' is not active, draft or archived"),
            )
        })?,
    };
    Ok(CleanProduct {
        title: title.to_string(),
        body_html: ammonia::clean(row.get(Col::Body)),
        vendor: row.get(Col::Vendor).to_string(),
        product_type: row.get(Col::Type).to_string(),
        tags: normalise_tags(row.get(Col::Tags)),
        status,
        options,
        hs_code: row.get(Col::HsCode).to_string(),
        origin_country: row.get(Col::Origin).to_ascii_uppercase(),
        images: Vec::new(),
        variants: Vec::new(),
    })
}

/// Reads the whole file into products, every problem collected with its line and column.
fn parse(text: &str, currency: Currency) -> Parsed {
    let mut out = Parsed {
        rows: 0,
        products: Vec::new(),
        errors: Vec::new(),
        ignored: Vec::new(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            out.errors.push(ImportIssue {
                line: 1,
                column: String::new(),
                message: format!("the header row cannot be read: {e}"),
            });
            return out;
        }
    };
    let mut cols = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        match HEADERS
            .iter()
            .find(|(_, names)| names.iter().any(|n| n.eq_ignore_ascii_case(h)))
        {
            Some((c, _)) => {
                cols.entry(*c).or_insert(i);
            }
            None if h.is_empty() => {}
            None => out.ignored.push(h.to_string()),
        }
    }
    if !cols.contains_key(&Col::Handle) && !cols.contains_key(&Col::Title) {
        out.errors.push(ImportIssue {
            line: 1,
            column: String::new(),
            message: "this is not a Shopify product CSV: there is no Handle or Title column".into(),
        });
        return out;
    }
    let mut by_handle: HashMap<String, usize> = HashMap::new();
    let mut skus: HashMap<String, u64> = HashMap::new();
    let mut codes: HashMap<String, u64> = HashMap::new();
    let mut failed_handles: HashMap<String, u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                out.errors.push(ImportIssue {
                    line,
                    column: String::new(),
                    message: format!("unreadable row: {e}"),
                });
                break;
            }
        }
        out.rows += 1;
        // The reader's position is where the next row starts; the row we have started at `line`.
        let line = record.position().map(|p| p.line()).unwrap_or(line);
        if record.len() != headers.len() {
            let multiline = record.iter().any(|f| f.contains('\n'));
            let message = if multiline && record.len() < headers.len() {
                format!(
                    "unbalanced quote: a quoted field opened on this row is never closed, so the \
                     rows after it were read into it ({} of {} fields)",
                    record.len(),
                    headers.len()
                )
            } else {
                format!(
                    "this row has {} fields but the header has {}",
                    record.len(),
                    headers.len()
                )
            };
            out.errors.push(ImportIssue {
                line,
                column: String::new(),
                message,
            });
            continue;
        }
        let row = Row {
            line,
            fields: &record,
            cols: &cols,
            headers: &headers,
        };
        let handle = match row.get(Col::Handle) {
            "" => product::slug(row.get(Col::Title)),
            h => h.to_lowercase(),
        };
        if handle.is_empty() {
            out.errors.push(row.issue(
                Col::Handle,
                "a row needs a Handle (or a Title to make one from)",
            ));
            continue;
        }
        if let Some(first) = failed_handles.get(&handle) {
            out.errors.push(row.issue(
                Col::Handle,
                format!("skipped: the first row of '{handle}' (line {first}) has an error"),
            ));
            continue;
        }
        let idx = match by_handle.get(&handle) {
            Some(&i) => i,
            None => match row_product(&row) {
                Ok(p) => {
                    out.products.push(ParsedProduct {
                        line,
                        handle: handle.clone(),
                        product: p,
                        variants: Vec::new(),
                    });
                    by_handle.insert(handle.clone(), out.products.len() - 1);
                    out.products.len() - 1
                }
                Err(issue) => {
                    out.errors.push(issue);
                    failed_handles.insert(handle, line);
                    continue;
                }
            },
        };
        let pp = &mut out.products[idx];
        let src = row.get(Col::ImageSrc);
        if !src.is_empty() && !pp.product.images.iter().any(|i| i == src) {
            pp.product.images.push(src.to_string());
        }
        if !row.has_variant() {
            if src.is_empty() && pp.line != line {
                out.errors
                    .push(row.issue(Col::Handle, "this row has neither a variant nor an image"));
            }
            continue;
        }
        let v = match row_variant(&row, &pp.product.options, currency) {
            Ok(v) => v,
            Err(issue) => {
                out.errors.push(issue);
                continue;
            }
        };
        let key = v.clean.options.join("\u{1f}").to_lowercase();
        if let Some(dup) = pp
            .variants
            .iter()
            .find(|o| o.clean.options.join("\u{1f}").to_lowercase() == key)
        {
            let what = if key.is_empty() {
                "the product has no options, so only one variant".to_string()
            } else {
                format!(
                    "variant '{}' is already on line {}",
                    v.clean.options.join(" / "),
                    dup.line
                )
            };
            out.errors
                .push(row.issue(Col::OptValue(0), format!("duplicate variant: {what}")));
            continue;
        }
        if let Some(s) = &v.clean.sku {
            if let Some(first) = skus.get(&s.to_lowercase()) {
                out.errors.push(row.issue(
                    Col::Sku,
                    format!("duplicate SKU '{s}': already on line {first}"),
                ));
                continue;
            }
        }
        if let Some(b) = &v.clean.barcode {
            if let Some(first) = codes.get(b) {
                out.errors.push(row.issue(
                    Col::Barcode,
                    format!("duplicate barcode {b}: already on line {first}"),
                ));
                continue;
            }
        }
        if let Some(s) = &v.clean.sku {
            skus.insert(s.to_lowercase(), line);
        }
        if let Some(b) = &v.clean.barcode {
            codes.insert(b.clone(), line);
        }
        pp.variants.push(v);
    }
    out.products.retain(|p| {
        if p.variants.is_empty() {
            out.errors.push(ImportIssue {
                line: p.line,
                column: String::new(),
                message: format!(
                    "product '{}' has no valid variant rows, so it is not imported",
                    p.handle
                ),
            });
            false
        } else {
            true
        }
    });
    out.errors.sort_by_key(|e| e.line);
    out
}

/// What the database already says: which handles exist, and which SKUs and barcodes belong to
/// other products (a clash is a row error, not a failed import).
fn check_against(conn: &Connection, parsed: &mut Parsed) -> Result<HashMap<String, String>> {
    let mut existing = HashMap::new();
    let mut by_handle = conn.prepare_cached("SELECT id FROM product WHERE handle = ?1")?;
    let mut sku_owner = conn.prepare_cached(
        "SELECT p.handle, p.title FROM variant v JOIN product p ON p.id = v.product_id WHERE v.sku = ?1",
    )?;
    let mut code_owner = conn.prepare_cached(
        "SELECT p.handle, p.title FROM variant v JOIN product p ON p.id = v.product_id WHERE v.barcode = ?1",
    )?;
    for p in &mut parsed.products {
        if let Some(id) = by_handle
            .query_row([&p.handle], |r| r.get::<_, String>(0))
            .optional()?
        {
            existing.insert(p.handle.clone(), id);
        }
        let mut kept = Vec::with_capacity(p.variants.len());
        for v in p.variants.drain(..) {
            let mut clash = None;
            if let Some(s) = &v.clean.sku {
                if let Some((h, t)) = sku_owner
                    .query_row([s], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                    })
                    .optional()?
                {
                    if !h.eq_ignore_ascii_case(&p.handle) {
                        clash = Some((
                            Col::Sku,
                            format!("duplicate SKU '{s}': already used by '{t}'"),
                        ));
                    }
                }
            }
            if let (None, Some(b)) = (&clash, &v.clean.barcode) {
                if let Some((h, t)) = code_owner
                    .query_row([b], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                    })
                    .optional()?
                {
                    if !h.eq_ignore_ascii_case(&p.handle) {
                        clash = Some((
                            Col::Barcode,
                            format!("duplicate barcode {b}: already used by '{t}'"),
                        ));
                    }
                }
            }
            match clash {
                Some((col, message)) => parsed.errors.push(ImportIssue {
                    line: v.line,
                    column: header_name(col).into(),
                    message,
                }),
                None => kept.push(v),
            }
        }
        if kept.is_empty() {
            parsed.errors.push(ImportIssue {
                line: p.line,
                column: String::new(),
                message: format!(
                    "product '{}' has no valid variant rows, so it is not imported",
                    p.handle
                ),
            });
        }
        p.variants = kept;
    }
    parsed.products.retain(|p| !p.variants.is_empty());
    parsed.errors.sort_by_key(|e| e.line);
    Ok(existing)
}

fn preview_of(parsed: &Parsed, existing: &HashMap<String, String>) -> ImportPreview {
    ImportPreview {
        rows: parsed.rows,
        products_new: parsed
            .products
            .iter()
            .filter(|p| !existing.contains_key(&p.handle))
            .count() as u32,
        products_updated: parsed
            .products
            .iter()
            .filter(|p| existing.contains_key(&p.handle))
            .count() as u32,
        variants: parsed
            .products
            .iter()
            .map(|p| p.variants.len() as u32)
            .sum(),
        images: parsed
            .products
            .iter()
            .map(|p| p.product.images.len() as u32)
            .sum(),
        skipped_rows: {
            let mut lines: Vec<u64> = parsed.errors.iter().map(|e| e.line).collect();
            lines.dedup();
            lines.len() as u32
        },
        errors: parsed.errors.clone(),
        ignored_columns: parsed.ignored.clone(),
    }
}

/// Writes one parsed product: new handles are created; an existing handle has its fields
/// replaced and its variants matched by option values (updated, or added when new). Variants the
/// file does not mention are kept, so a partial file never deletes stock history. Returns each
/// written variant with its quantity from the file and whether it is new (a new variant has no
/// stock yet, so its level need not be read).
fn apply_product(
    conn: &Connection,
    at: crate::Timestamp,
    p: &ParsedProduct,
    existing: Option<&String>,
) -> Result<Vec<(String, Option<i64>, bool)>> {
    let mut product = p.product.clone();
    product.variants = p.variants.iter().map(|v| v.clean.clone()).collect();
    let mut out = Vec::with_capacity(p.variants.len());
    match existing {
        None => {
            let id = product::insert_product(conn, at, Some(&p.handle), &product)?;
            let mut ids = conn
                .prepare_cached("SELECT id FROM variant WHERE product_id = ?1 ORDER BY position")?;
            let vids: Vec<String> = ids
                .query_map([&id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            out.extend(
                vids.into_iter()
                    .zip(p.variants.iter())
                    .map(|(id, v)| (id, v.qty, true)),
            );
        }
        Some(id) => {
            product::update_product_fields(conn, at, id, &product)?;
            let mut find = conn.prepare_cached(
                "SELECT id FROM variant WHERE product_id = ?1 AND ifnull(option1, '') = ?2 COLLATE NOCASE
                 AND ifnull(option2, '') = ?3 COLLATE NOCASE AND ifnull(option3, '') = ?4 COLLATE NOCASE",
            )?;
            let next: i64 = conn.query_row(
                "SELECT ifnull(max(position), 0) FROM variant WHERE product_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            let mut added = 0;
            for v in &p.variants {
                let o = |i: usize| v.clean.options.get(i).cloned().unwrap_or_default();
                let found: Option<String> = find
                    .query_row([id.clone(), o(0), o(1), o(2)], |r| r.get(0))
                    .optional()?;
                let (vid, new) = match found {
                    Some(vid) => {
                        let pos: i64 = conn.query_row(
                            "SELECT position FROM variant WHERE id = ?1",
                            [&vid],
                            |r| r.get(0),
                        )?;
                        product::update_variant(conn, at, &vid, pos as usize, &v.clean)?;
                        (vid, false)
                    }
                    None => {
                        added += 1;
                        let pos = (next + added) as usize;
                        (product::insert_variant(conn, at, id, pos, &v.clean)?, true)
                    }
                };
                out.push((vid, v.qty, new));
            }
        }
    }
    Ok(out)
}

impl Shop {
    /// Reads a file and reports what an import would do and every row it would skip, changing
    /// nothing.
    pub fn preview_catalog_import(&self, session: &Session, text: &str) -> Result<ImportPreview> {
        self.db.read(|c| {
            authorize(c, session, Permission::CatalogEdit)?;
            let mut parsed = parse(text, shop_currency(c)?);
            let existing = check_against(c, &mut parsed)?;
            Ok(preview_of(&parsed, &existing))
        })
    }

    /// Imports every valid row in one transaction; rows with errors are skipped and reported.
    /// Inventory quantities become the variant's total on hand, booked as an adjustment at the
    /// first location. `progress(done, total)` is called as products are written.
    pub fn import_catalog(
        &self,
        session: &Session,
        text: &str,
        progress: &mut dyn FnMut(u32, u32),
    ) -> Result<ImportResult> {
        self.db.write(|tx| {
            authorize(tx, session, Permission::CatalogEdit)?;
            let currency = shop_currency(tx)?;
            let mut parsed = parse(text, currency);
            let existing = check_against(tx, &mut parsed)?;
            let preview = preview_of(&parsed, &existing);
            if parsed.products.is_empty() {
                return Err(Error::invalid(match preview.errors.first() {
                    Some(e) => format!("nothing to import: line {}: {}", e.line, e.message),
                    None => "nothing to import: the file has no product rows".into(),
                }));
            }
            let now = self.clock.now();
            let import_id = new_id();
            let location = stock::default_location(tx)?;
            let total = parsed.products.len() as u32;
            for (i, p) in parsed.products.iter().enumerate() {
                let written = apply_product(tx, now, p, existing.get(&p.handle))
                    .map_err(|e| Error::invalid(format!("line {}: {e}", p.line)))?;
                for (variant_id, qty, new) in written {
                    let Some(qty) = qty else { continue };
                    let on_hand = if new {
                        0
                    } else {
                        stock::total_on_hand(tx, &variant_id)?
                    };
                    stock::record_move(
                        tx,
                        &Move {
                            variant_id: &variant_id,
                            location_id: &location,
                            reason: MoveReason::Adjust,
                            on_hand: qty - on_hand,
                            committed: 0,
                            unit_cost: None,
                            doc: Some(("catalog_import", &import_id)),
                            note: "inventory quantity from a catalog import",
                            staff_id: Some(session.staff_id()),
                            at: now,
                        },
                    )?;
                }
                if i % 500 == 0 {
                    progress(i as u32, total);
                }
            }
            progress(total, total);
            audit::record(
                tx,
                Change::by(
                    now,
                    session.staff_id(),
                    "catalog_imported",
                    ("catalog_import", &import_id),
                    json!({
                "products_new": preview.products_new, "products_updated": preview.products_updated,
                "variants": preview.variants, "skipped_rows": preview.errors.len() }),
                ),
            )?;
            Ok(ImportResult { preview, import_id })
        })
    }

    /// The whole catalog as a Shopify product CSV, products by handle, variants in grid order.
    pub fn export_catalog(&self, session: &Session, out: &mut dyn std::io::Write) -> Result<u32> {
        self.db.read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            let currency = shop_currency(c)?;
            write_csv(c, currency, out)
        })
    }
}

fn write_csv(c: &Connection, currency: Currency, out: &mut dyn std::io::Write) -> Result<u32> {
    let io = |e: csv::Error| Error::Storage(format!("cannot write the CSV: {e}"));
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADERS.iter().map(|(_, n)| n[0]))
        .map_err(io)?;
    let mut products = c.prepare(
        "SELECT id, handle, title, body_html, vendor, product_type, tags, status,
                option1_name, option2_name, option3_name, hs_code, origin_country
         FROM product ORDER BY handle",
    )?;
    let mut images =
        c.prepare_cached("SELECT src FROM product_image WHERE product_id = ?1 ORDER BY position")?;
    let mut variants = c.prepare_cached(
        "SELECT v.option1, v.option2, v.option3, ifnull(v.sku, ''), v.weight_grams,
                (SELECT ifnull(sum(on_hand), 0) FROM stock_level WHERE variant_id = v.id),
                v.inventory_policy, v.price_minor, v.compare_at_minor, v.tax_class,
                ifnull(v.barcode, ''), ifnull(v.image_src, ''), v.weight_unit, v.cost_minor, v.bin
         FROM variant v WHERE v.product_id = ?1 ORDER BY v.position",
    )?;
    let money = |m: Option<i64>| {
        m.map(|m| Money::from_minor(m, currency).to_decimal_string())
            .unwrap_or_default()
    };
    let mut rows = products.query([])?;
    let mut count = 0;
    while let Some(p) = rows.next()? {
        count += 1;
        let id: String = p.get(0)?;
        let options = product::options_of(p, 8)?;
        let imgs: Vec<String> = images
            .query_map([&id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut vrows = variants.query([&id])?;
        let mut n = 0usize;
        let mut lines: Vec<Vec<String>> = Vec::new();
        while let Some(v) = vrows.next()? {
            let mut rec = vec![String::new(); HEADERS.len()];
            let set = |rec: &mut Vec<String>, col: Col, val: String| {
                if let Some(i) = HEADERS.iter().position(|(c, _)| *c == col) {
                    rec[i] = val;
                }
            };
            set(&mut rec, Col::Handle, p.get(1)?);
            if n == 0 {
                let status = ProductStatus::from_code(&p.get::<_, String>(7)?)
                    .unwrap_or(ProductStatus::Draft);
                set(&mut rec, Col::Title, p.get(2)?);
                set(&mut rec, Col::Body, p.get(3)?);
                set(&mut rec, Col::Vendor, p.get(4)?);
                set(&mut rec, Col::Type, p.get(5)?);
                set(&mut rec, Col::Tags, p.get(6)?);
                set(
                    &mut rec,
                    Col::Published,
                    if status == ProductStatus::Active {
                        "TRUE"
                    } else {
                        "FALSE"
                    }
                    .into(),
                );
                set(&mut rec, Col::Status, status.as_str().into());
                set(&mut rec, Col::HsCode, p.get(11)?);
                set(&mut rec, Col::Origin, p.get(12)?);
                if options.is_empty() {
                    set(&mut rec, Col::OptName(0), "Title".into());
                } else {
                    for (i, o) in options.iter().enumerate() {
                        set(&mut rec, Col::OptName(i), o.clone());
                    }
                }
            }
            let values = product::options_of(v, 0)?;
            if options.is_empty() {
                set(&mut rec, Col::OptValue(0), "Default Title".into());
            }
            for (i, o) in values.iter().enumerate() {
                set(&mut rec, Col::OptValue(i), o.clone());
            }
            let tax_class: String = v.get(9)?;
            set(&mut rec, Col::Sku, v.get(3)?);
            set(&mut rec, Col::Grams, v.get::<_, i64>(4)?.to_string());
            set(&mut rec, Col::Qty, v.get::<_, i64>(5)?.to_string());
            set(&mut rec, Col::Policy, v.get(6)?);
            set(&mut rec, Col::Price, money(v.get(7)?));
            set(&mut rec, Col::CompareAt, money(v.get(8)?));
            set(
                &mut rec,
                Col::Taxable,
                if tax_class == "exempt" {
                    "FALSE"
                } else {
                    "TRUE"
                }
                .into(),
            );
            set(&mut rec, Col::TaxClass, tax_class);
            set(&mut rec, Col::Barcode, v.get(10)?);
            set(&mut rec, Col::VariantImage, v.get(11)?);
            set(&mut rec, Col::WeightUnit, v.get(12)?);
            set(&mut rec, Col::Cost, money(v.get(13)?));
            set(&mut rec, Col::Bin, v.get(14)?);
            if let Some(src) = imgs.get(n) {
                set(&mut rec, Col::ImageSrc, src.clone());
                set(&mut rec, Col::ImagePosition, (n + 1).to_string());
            }
            lines.push(rec);
            n += 1;
        }
        // Images beyond the variant rows get image-only rows, as Shopify writes them.
        for (i, src) in imgs.iter().enumerate().skip(n) {
            let mut rec = vec![String::new(); HEADERS.len()];
            rec[0] = p.get(1)?;
            let at = |col: Col| HEADERS.iter().position(|(c, _)| *c == col).unwrap_or(0);
            rec[at(Col::ImageSrc)] = src.clone();
            rec[at(Col::ImagePosition)] = (i + 1).to_string();
            lines.push(rec);
        }
        for rec in lines {
            w.write_record(&rec).map_err(io)?;
        }
    }
    w.flush()
        .map_err(|e| Error::Storage(format!("cannot write the CSV: {e}")))?;
    Ok(count)
}
