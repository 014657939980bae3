//! Reading a Shopify product CSV into products and variants, every problem kept with its line and
//! column; nothing here touches the database.

use super::{header_name, Col, ImportIssue, HEADERS};
use crate::catalog::product::{
    self, clean_barcode, clean_sku, normalise_tags, parse_amount, CleanProduct, CleanVariant,
    InventoryPolicy, ProductStatus, WeightUnit,
};
use crate::error::Result;
use crate::money::Currency;
use std::collections::HashMap;

pub(super) struct RowVariant {
    pub(super) line: u64,
    pub(super) clean: CleanVariant,
    pub(super) qty: Option<i64>,
}

pub(super) struct ParsedProduct {
    pub(super) line: u64,
    pub(super) handle: String,
    pub(super) product: CleanProduct,
    pub(super) variants: Vec<RowVariant>,
}

pub(super) struct Parsed {
    pub(super) rows: u32,
    pub(super) products: Vec<ParsedProduct>,
    pub(super) errors: Vec<ImportIssue>,
    pub(super) ignored: Vec<String>,
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
            product: self.handle(),
            message: message.into(),
        }
    }
    /// The row's product handle: its Handle, else one made from its Title.
    fn handle(&self) -> String {
        match self.get(Col::Handle) {
            "" => product::slug(self.get(Col::Title)),
            h => h.to_lowercase(),
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
pub(super) fn parse(text: &str, currency: Currency) -> Parsed {
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
                product: String::new(),
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
            product: String::new(),
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
                    product: String::new(),
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
                product: String::new(),
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
        let handle = row.handle();
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
                product: p.handle.clone(),
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
