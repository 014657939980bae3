//! A Shopify store's products, read by one bulk export and written as a Shopify product CSV, so
//! connecting a store brings its catalog in through the catalog import: the same preview of
//! every row's problems (a SKU another product has, a bad price), the same commit and report.
//! Stock stays out: Shopdesk counts the shop's stock and pushes it to the store, not back.

use super::bulk::Fallback;
use super::Shopify;
use crate::http::{SyncError, SyncResult};
use crate::text;
use serde_json::Value;

/// Products with their options, variants (SKU, barcode, prices, cost) and images by address.
/// Two nested connections: each variant and image comes on a line of its own after its product.
pub(super) const PRODUCTS: &str = r#"{ products { edges { node {
  id handle title descriptionHtml vendor productType tags status
  options { name position }
  variants { edges { node { id sku barcode price compareAtPrice
    selectedOptions { name value } inventoryItem { unitCost { amount } } } } }
  media { edges { node { ... on MediaImage { id image { url } } } } }
} } } }"#;

/// The CSV's columns, by the names the catalog import reads (Shopify's own headers).
const HEADERS: [&str; 20] = [
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Type",
    "Tags",
    "Status",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Option3 Name",
    "Option3 Value",
    "Variant SKU",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Barcode",
    "Cost per item",
    "Image Src",
    "Image Position",
];

impl Shopify {
    /// The store's products as a Shopify product CSV, for the catalog import's preview.
    pub async fn catalog_csv(&mut self) -> SyncResult<String> {
        let mut export = match self.export(PRODUCTS).await {
            Ok(export) => export,
            Err(Fallback::Stop(e)) => return Err(e),
            Err(Fallback::Pages(why)) => {
                return Err(SyncError::new(
                    shopdesk_core::channel::SyncErrorKind::Server,
                    format!("the store's products could not be read: {why}; try again later"),
                ))
            }
        };
        let mut csv = csv::Writer::from_writer(Vec::new());
        let written = |e: csv::Error| SyncError::unreadable(e);
        csv.write_record(HEADERS).map_err(written)?;
        loop {
            let products = export.next_objects(250).await?;
            for (product, children) in &products {
                for row in rows(product, children) {
                    csv.write_record(&row).map_err(written)?;
                }
            }
            if products.len() < 250 {
                break;
            }
        }
        let bytes = csv
            .into_inner()
            .map_err(|e| SyncError::unreadable(e.to_string()))?;
        String::from_utf8(bytes).map_err(SyncError::unreadable)
    }
}

/// One CSV row, its fields set by header.
struct Row(Vec<String>);

impl Row {
    fn put(&mut self, header: &str, value: impl Into<String>) {
        let at = HEADERS.iter().position(|h| *h == header);
        debug_assert!(at.is_some(), "no column {header}");
        if let Some(at) = at {
            self.0[at] = value.into();
        }
    }
}

/// A product's rows, as Shopify lays a product out in its CSV: the first row carries the
/// product's fields and option names, each row a variant, and images beyond the variants on rows
/// of their own.
fn rows(product: &Value, children: &[Value]) -> Vec<Vec<String>> {
    let kind = |v: &Value, of: &str| text(v, "id").starts_with(&format!("gid://shopify/{of}/"));
    let variants: Vec<&Value> = children
        .iter()
        .filter(|c| kind(c, "ProductVariant"))
        .collect();
    // A video or 3D model is media too, with nothing to show at a counter.
    let images: Vec<String> = children
        .iter()
        .filter(|c| kind(c, "MediaImage"))
        .filter_map(|m| m.pointer("/image/url").and_then(Value::as_str))
        .map(String::from)
        .collect();
    let mut options: Vec<(i64, String)> = product["options"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| (o["position"].as_i64().unwrap_or(0), text(o, "name")))
        .collect();
    options.sort();
    options.truncate(3);
    let mut out = Vec::new();
    for i in 0..variants.len().max(images.len()).max(1) {
        let mut row = Row(vec![String::new(); HEADERS.len()]);
        row.put("Handle", text(product, "handle"));
        if i == 0 {
            for (header, field) in [
                ("Title", "title"),
                ("Body (HTML)", "descriptionHtml"),
                ("Vendor", "vendor"),
                ("Type", "productType"),
            ] {
                row.put(header, text(product, field));
            }
            let tags: Vec<&str> = product["tags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            row.put("Tags", tags.join(", "));
            row.put("Status", text(product, "status").to_lowercase());
            for (n, (_, name)) in options.iter().enumerate() {
                row.put(&format!("Option{} Name", n + 1), name.clone());
            }
        }
        if let Some(v) = variants.get(i) {
            for (n, (_, name)) in options.iter().enumerate() {
                let value = v["selectedOptions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|o| text(o, "name") == *name)
                    .map(|o| text(o, "value"))
                    .unwrap_or_default();
                row.put(&format!("Option{} Value", n + 1), value);
            }
            for (header, field) in [
                ("Variant SKU", "sku"),
                ("Variant Price", "price"),
                ("Variant Compare At Price", "compareAtPrice"),
                ("Variant Barcode", "barcode"),
            ] {
                row.put(header, text(v, field));
            }
            let cost = v.pointer("/inventoryItem/unitCost/amount");
            row.put(
                "Cost per item",
                cost.and_then(Value::as_str).unwrap_or_default(),
            );
        }
        if let Some(src) = images.get(i) {
            row.put("Image Src", src.as_str());
            row.put("Image Position", (i + 1).to_string());
        }
        out.push(row.0);
    }
    out
}
