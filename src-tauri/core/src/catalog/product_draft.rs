//! What makes a product draft a valid product: trimmed and bounded text, exact amounts, weights
//! in grams, checked barcodes, unique SKUs and option combinations within the grid. Only a
//! `CleanProduct` can be written; the editor, the demo loader and the CSV import all come here.

use crate::catalog::barcode;
use crate::catalog::product::{
    InventoryPolicy, ProductDraft, ProductStatus, VariantDraft, WeightUnit, MAX_OPTIONS,
    MAX_VARIANTS,
};
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use std::collections::HashSet;

/// A variant that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CleanVariant {
    pub id: Option<String>,
    pub options: Vec<String>,
    pub sku: Option<String>,
    pub barcode: Option<String>,
    pub price: i64,
    pub compare_at: Option<i64>,
    pub cost: Option<i64>,
    pub weight_grams: i64,
    pub weight_unit: WeightUnit,
    pub tax_class: String,
    pub policy: InventoryPolicy,
    pub bin: String,
    pub image_src: Option<String>,
}

/// A product that passed validation; only this can be written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CleanProduct {
    pub title: String,
    pub body_html: String,
    pub vendor: String,
    pub product_type: String,
    pub tags: String,
    pub status: ProductStatus,
    pub options: Vec<String>,
    pub hs_code: String,
    pub origin_country: String,
    pub images: Vec<String>,
    pub variants: Vec<CleanVariant>,
}

fn short_text(value: &str, what: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(Error::invalid(format!(
            "{what} is longer than {max} characters"
        )));
    }
    Ok(v.to_string())
}

/// "summer, Linen ,summer" → "summer, Linen": trimmed, empty and repeated tags dropped.
pub(crate) fn normalise_tags(tags: &str) -> String {
    let mut seen = HashSet::new();
    tags.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty() && seen.insert(t.to_lowercase()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn clean_sku(sku: &str) -> Result<Option<String>> {
    let sku = sku.trim();
    if sku.is_empty() {
        return Ok(None);
    }
    if sku.chars().count() > 64 || sku.chars().any(char::is_whitespace) {
        return Err(Error::invalid(format!(
            "SKU '{sku}' must be at most 64 characters with no spaces"
        )));
    }
    Ok(Some(sku.to_string()))
}

pub(crate) fn clean_barcode(code: &str) -> Result<Option<String>> {
    let code = code.trim();
    if code.is_empty() {
        return Ok(None);
    }
    barcode::classify(code)?;
    Ok(Some(code.to_string()))
}

pub(crate) fn parse_amount(text: &str, what: &str, currency: Currency) -> Result<Option<i64>> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let m = Money::parse(text, currency)?;
    if m.minor() < 0 {
        return Err(Error::invalid(format!("{what} cannot be negative")));
    }
    Ok(Some(m.minor()))
}

/// A weight as typed in `unit` → whole grams (how Shopify stores it too).
pub(crate) fn parse_weight(text: &str, unit: WeightUnit) -> Result<i64> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(0);
    }
    let v: f64 = t
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0 && *v < 1e7)
        .ok_or_else(|| Error::invalid(format!("'{t}' is not a weight")))?;
    Ok((v * unit.grams()).round() as i64)
}

pub(crate) fn clean_variant(v: &VariantDraft, currency: Currency) -> Result<CleanVariant> {
    let price = parse_amount(&v.price, "a price", currency)?
        .ok_or_else(|| Error::invalid("every variant needs a price"))?;
    let unit = v.weight_unit.unwrap_or(WeightUnit::Kg);
    let tax_class = short_text(&v.tax_class, "a tax class", 32)?;
    Ok(CleanVariant {
        id: v.id.clone(),
        options: v.options.iter().map(|o| o.trim().to_string()).collect(),
        sku: clean_sku(&v.sku)?,
        barcode: clean_barcode(&v.barcode)?,
        price,
        compare_at: parse_amount(&v.compare_at, "a compare-at price", currency)?,
        cost: parse_amount(&v.cost, "a cost", currency)?,
        weight_grams: parse_weight(&v.weight, unit)?,
        weight_unit: unit,
        tax_class: if tax_class.is_empty() {
            "standard".into()
        } else {
            tax_class
        },
        policy: v.inventory_policy.unwrap_or(InventoryPolicy::Deny),
        bin: short_text(&v.bin, "a bin location", 32)?,
        image_src: Some(v.image_src.trim().to_string()).filter(|s| !s.is_empty()),
    })
}

/// Checks the product-level fields and how its variants fit together (options, duplicates).
pub(crate) fn clean_product(d: &ProductDraft, currency: Currency) -> Result<CleanProduct> {
    let title = d.title.trim();
    if title.is_empty() {
        return Err(Error::invalid("a product needs a title"));
    }
    if title.chars().count() > 255 {
        return Err(Error::invalid("the title is longer than 255 characters"));
    }
    let options: Vec<String> = d.options.iter().map(|o| o.trim().to_string()).collect();
    if options.len() > MAX_OPTIONS {
        return Err(Error::invalid("a product has at most three options"));
    }
    let mut names = HashSet::new();
    for o in &options {
        if o.is_empty() {
            return Err(Error::invalid("every option needs a name"));
        }
        if !names.insert(o.to_lowercase()) {
            return Err(Error::invalid(format!("option '{o}' is named twice")));
        }
    }
    if d.variants.is_empty() {
        return Err(Error::invalid("a product needs at least one variant"));
    }
    if d.variants.len() > MAX_VARIANTS {
        return Err(Error::invalid(format!(
            "a product has at most {MAX_VARIANTS} variants"
        )));
    }
    if options.is_empty() && d.variants.len() > 1 {
        return Err(Error::invalid(
            "a product with more than one variant needs options (Size, Colour…) to tell them apart",
        ));
    }
    let mut variants = Vec::with_capacity(d.variants.len());
    let (mut combos, mut skus, mut codes) = (HashSet::new(), HashSet::new(), HashSet::new());
    for (i, vd) in d.variants.iter().enumerate() {
        let v = clean_variant(vd, currency)
            .map_err(|e| Error::invalid(format!("variant {}: {e}", i + 1)))?;
        if v.options.len() != options.len() || v.options.iter().any(String::is_empty) {
            return Err(Error::invalid(format!(
                "variant {} needs a value for each option ({})",
                i + 1,
                options.join(", ")
            )));
        }
        if !combos.insert(v.options.join("\u{1f}").to_lowercase()) {
            return Err(Error::invalid(format!(
                "two variants are both '{}'",
                v.options.join(" / ")
            )));
        }
        if let Some(s) = &v.sku {
            if !skus.insert(s.to_lowercase()) {
                return Err(Error::invalid(format!("SKU '{s}' is used by two variants")));
            }
        }
        if let Some(b) = &v.barcode {
            if !codes.insert(b.clone()) {
                return Err(Error::invalid(format!(
                    "barcode {b} is used by two variants"
                )));
            }
        }
        variants.push(v);
    }
    let mut images: Vec<String> = Vec::new();
    for src in d.images.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if !images.iter().any(|i| i == src) {
            images.push(src.to_string());
        }
    }
    Ok(CleanProduct {
        title: title.to_string(),
        body_html: ammonia::clean(d.body_html.trim()),
        vendor: short_text(&d.vendor, "the vendor", 255)?,
        product_type: short_text(&d.product_type, "the product type", 255)?,
        tags: normalise_tags(&d.tags),
        status: d.status,
        options,
        hs_code: short_text(&d.hs_code, "the HS code", 16)?,
        origin_country: short_text(&d.origin_country, "the country of origin", 2)?
            .to_ascii_uppercase(),
        images,
        variants,
    })
}

/// "Linen Apron — Sage!" → "linen-apron-sage": how Shopify makes a handle from a title.
pub(crate) fn slug(title: &str) -> String {
    let mut base = String::new();
    for c in title.to_lowercase().chars() {
        if c.is_alphanumeric() {
            base.push(c);
        } else if !base.ends_with('-') && !base.is_empty() {
            base.push('-');
        }
    }
    base.trim_end_matches('-').to_string()
}
