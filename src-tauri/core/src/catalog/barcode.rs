//! Barcodes: which symbology a code is, GS1 check digits for EAN-13, EAN-8 and UPC-A, Code128
//! free text for everything else, and in-store EAN-13 codes (GS1 prefix 2) for unlabelled items.

use crate::error::{Error, Result};
use crate::sql::{args, Conn};
use crate::store::next_number;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Symbology {
    Ean13,
    Ean8,
    UpcA,
    Code128,
}

/// The GS1 check digit for the digits before it: weights 3,1,3,1… from the right.
fn gs1_check_digit(body: &[u8]) -> u8 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// A GS1 code from its digits without the check digit ("590123412345" → "5901234123457").
pub fn with_check_digit(body: &str) -> String {
    let digits: Vec<u8> = body.bytes().map(|b| b.wrapping_sub(b'0')).collect();
    format!("{body}{}", gs1_check_digit(&digits))
}

/// Checks a barcode as typed or scanned and says what it is. All-digit codes of 8, 12 or 13
/// digits are GS1 codes and must carry the right check digit (a misread or mistyped digit is
/// caught here, not at the counter); anything else printable is Code128.
pub fn classify(code: &str) -> Result<Symbology> {
    if code.is_empty() {
        return Err(Error::invalid("a barcode cannot be empty"));
    }
    if code.bytes().all(|b| b.is_ascii_digit()) {
        let kind = match code.len() {
            8 => Symbology::Ean8,
            12 => Symbology::UpcA,
            13 => Symbology::Ean13,
            _ => return Ok(Symbology::Code128),
        };
        let digits: Vec<u8> = code.bytes().map(|b| b - b'0').collect();
        let (body, check) = digits.split_at(digits.len() - 1);
        let want = gs1_check_digit(body);
        if check[0] != want {
            let name = match kind {
                Symbology::Ean8 => "EAN-8",
                Symbology::UpcA => "UPC-A",
                _ => "EAN-13",
            };
            return Err(Error::invalid(format!(
                "barcode {code} has a bad check digit for {name} (expected {want}, found {})",
                check[0]
            )));
        }
        return Ok(kind);
    }
    if code.len() > 48 || !code.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Err(Error::invalid(format!(
            "barcode '{code}' is not printable in Code128 (at most 48 plain ASCII characters)"
        )));
    }
    Ok(Symbology::Code128)
}

/// The forms a scanned code may be stored under: a UPC-A scan also matches its EAN-13 form
/// (a leading 0), and the other way round, because scanners and suppliers disagree on which.
pub fn lookup_forms(code: &str) -> Vec<String> {
    let code = code.trim();
    let mut forms = vec![code.to_string()];
    if code.bytes().all(|b| b.is_ascii_digit()) {
        if code.len() == 12 {
            forms.push(format!("0{code}"));
        } else if code.len() == 13 && code.starts_with('0') {
            forms.push(code[1..].to_string());
        }
    }
    forms
}

/// The next unused in-store EAN-13: "2" + eleven digits from a counter + check digit. GS1 keeps
/// prefix 2 for codes a shop assigns itself, so these never clash with a manufacturer's.
pub(crate) fn next_in_store<'c>(conn: impl Into<Conn<'c>>) -> Result<String> {
    let conn = conn.into();
    loop {
        let n = next_number(conn, "in_store_barcode")?;
        let body = format!("2{n:011}");
        if body.len() != 12 {
            return Err(Error::Conflict("in-store barcodes are used up".into()));
        }
        let code = with_check_digit(&body);
        let taken = conn
            .query_opt(
                "SELECT 1 FROM variant WHERE barcode = ?1",
                args![code],
                |_| Ok(()),
            )?
            .is_some();
        if !taken {
            return Ok(code);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_codes_pass_their_check_digit() {
        assert_eq!(classify("4006381333931").unwrap(), Symbology::Ean13);
        assert_eq!(classify("96385074").unwrap(), Symbology::Ean8);
        assert_eq!(classify("036000291452").unwrap(), Symbology::UpcA);
        assert_eq!(classify("5901234123457").unwrap(), Symbology::Ean13);
    }

    #[test]
    fn one_wrong_digit_is_caught() {
        for bad in ["4006381333932", "96385075", "036000291453", "5901234123458"] {
            let e = classify(bad).unwrap_err();
            assert_eq!(e.code(), crate::ErrorCode::Invalid, "{bad}");
            assert!(e.to_string().contains("check digit"), "{e}");
        }
        // Swapped neighbours change the weighted sum too.
        assert!(classify("4006383133931").is_err());
    }

    #[test]
    fn other_text_is_code128_within_limits() {
        assert_eq!(classify("MUG-SAGE-01").unwrap(), Symbology::Code128);
        assert_eq!(classify("12345").unwrap(), Symbology::Code128);
        assert!(classify("").is_err());
        assert!(classify("café").is_err());
        assert!(classify(&"X".repeat(49)).is_err());
    }

    #[test]
    fn upc_and_ean_forms_find_each_other() {
        assert_eq!(
            lookup_forms("036000291452"),
            ["036000291452", "0036000291452"]
        );
        assert_eq!(
            lookup_forms("0036000291452"),
            ["0036000291452", "036000291452"]
        );
        assert_eq!(lookup_forms("ABC"), ["ABC"]);
    }

    #[test]
    fn in_store_codes_are_valid_prefix_2_and_skip_used_ones() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE counter (name TEXT PRIMARY KEY, next INTEGER NOT NULL);
             CREATE TABLE variant (barcode TEXT);",
        )
        .unwrap();
        let first = next_in_store(&conn).unwrap();
        assert_eq!(first.len(), 13);
        assert!(first.starts_with("200000000001"));
        assert_eq!(classify(&first).unwrap(), Symbology::Ean13);
        // Someone typed the next one in by hand: it is skipped, not duplicated.
        let next = with_check_digit("200000000002");
        conn.execute("INSERT INTO variant VALUES (?1)", [&next])
            .unwrap();
        let second = next_in_store(&conn).unwrap();
        assert_ne!(second, next);
        assert!(second.starts_with("200000000003"));
    }
}
