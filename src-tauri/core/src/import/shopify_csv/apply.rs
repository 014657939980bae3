//! Checking parsed products against the shop (existing handles, SKUs and barcodes held by other
//! products) and writing them.

use super::read::{Parsed, ParsedProduct};
use super::{header_name, Col, ImportIssue, ImportPreview};
use crate::catalog::product;
use crate::error::Result;
use crate::sql::{args, Conn};
use std::collections::HashMap;

/// What the database already says: which handles exist, and which SKUs and barcodes belong to
/// other products (a clash is a row error, not a failed import).
pub(super) fn check_against(conn: Conn, parsed: &mut Parsed) -> Result<HashMap<String, String>> {
    let mut existing = HashMap::new();
    let owner = |column: &str, code: &str| -> Result<Option<(String, String)>> {
        conn.query_opt(
            &format!(
                "SELECT p.handle, p.title FROM variant v JOIN product p ON p.id = v.product_id
                 WHERE v.{column} = ?1"
            ),
            args![code],
            |r| r.tuple(),
        )
    };
    for p in &mut parsed.products {
        if let Some(id) = conn.query_opt(
            "SELECT id FROM product WHERE handle = ?1",
            args![p.handle],
            |r| r.get::<String>(0),
        )? {
            existing.insert(p.handle.clone(), id);
        }
        let mut kept = Vec::with_capacity(p.variants.len());
        for v in p.variants.drain(..) {
            let mut clash = None;
            if let Some(s) = &v.clean.sku {
                if let Some((h, t)) = owner("sku", s)? {
                    if !h.eq_ignore_ascii_case(&p.handle) {
                        clash = Some((
                            Col::Sku,
                            format!("duplicate SKU '{s}': already used by '{t}'"),
                        ));
                    }
                }
            }
            if let (None, Some(b)) = (&clash, &v.clean.barcode) {
                if let Some((h, t)) = owner("barcode", b)? {
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
                    product: p.handle.clone(),
                    message,
                }),
                None => kept.push(v),
            }
        }
        if kept.is_empty() {
            parsed.errors.push(ImportIssue {
                line: p.line,
                column: String::new(),
                product: p.handle.clone(),
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

pub(super) fn preview_of(parsed: &Parsed, existing: &HashMap<String, String>) -> ImportPreview {
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
pub(super) fn apply_product(
    conn: Conn,
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
            let vids: Vec<String> = conn.query_map(
                "SELECT id FROM variant WHERE product_id = ?1 ORDER BY position",
                args![id],
                |r| r.get(0),
            )?;
            out.extend(
                vids.into_iter()
                    .zip(p.variants.iter())
                    .map(|(id, v)| (id, v.qty, true)),
            );
        }
        Some(id) => {
            product::update_product_fields(conn, at, id, &product)?;
            let find = format!(
                "SELECT id FROM variant WHERE product_id = ?1 AND {} AND {} AND {}",
                conn.nocase_eq("coalesce(option1, '')", 2),
                conn.nocase_eq("coalesce(option2, '')", 3),
                conn.nocase_eq("coalesce(option3, '')", 4)
            );
            let next: i64 = conn.query_row(
                "SELECT coalesce(max(position), 0) FROM variant WHERE product_id = ?1",
                args![id],
                |r| r.get(0),
            )?;
            let mut added = 0;
            for v in &p.variants {
                let o = |i: usize| v.clean.options.get(i).cloned().unwrap_or_default();
                let found: Option<String> =
                    conn.query_opt(&find, args![id, o(0), o(1), o(2)], |r| r.get(0))?;
                let (vid, new) = match found {
                    Some(vid) => {
                        let pos: i64 = conn.query_row(
                            "SELECT position FROM variant WHERE id = ?1",
                            args![vid],
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
