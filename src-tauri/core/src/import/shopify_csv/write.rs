//! Writing the catalog as a Shopify product CSV, in the layout Shopify itself exports.

use super::{Col, HEADERS};
use crate::catalog::product::{self, ProductStatus};
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use rusqlite::Connection;

pub(super) fn write_csv(
    c: &Connection,
    currency: Currency,
    out: &mut dyn std::io::Write,
) -> Result<u32> {
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
