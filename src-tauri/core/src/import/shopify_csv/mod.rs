//! The catalog in Shopify's product CSV format, the file shops already have: import with a
//! preview of every row's problems (line, column, reason) and a commit of all valid rows in one
//! transaction, and an export that imports back to the same catalog.
//!
//! Layout rules followed (from Shopify's CSV documentation): rows are grouped by Handle; the first
//! row of a handle carries the product's fields; later rows carry another variant and/or another
//! image; a product without options is written as Option1 Name "Title" / Value "Default Title".
//! Both the classic headers ("Variant SKU") and the newer ones ("SKU") are understood.

mod apply;
mod read;
mod write;

use crate::audit::{self, Change};
use crate::catalog::{defer_search, index_deferred};
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::stock::{self, Move, MoveReason};
use crate::Shop;
use apply::{apply_product, check_against, preview_of};
use read::parse;
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;
use write::write_csv;

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
    /// The product's handle, where the row names one: how a person finds the product when the
    /// file was made for them (a connected store's products).
    pub product: String,
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

impl Shop {
    /// Reads a file and reports what an import would do and every row it would skip, changing
    /// nothing.
    pub fn preview_catalog_import(&self, session: &Session, text: &str) -> Result<ImportPreview> {
        self.db.shared_read(|c| {
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
        self.db.shared_write(|tx| {
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
            defer_search(tx)?;
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
            index_deferred(tx)?;
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
        let rows = self.db.read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            let currency = shop_currency(c)?;
            write_csv(c, currency, out)
        })?;
        self.note_export(session, "catalog", i64::from(rows))?;
        Ok(rows)
    }
}
