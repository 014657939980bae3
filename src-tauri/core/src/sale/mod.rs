//! Sales at the counter: the cart (kept in the database from the first scan, so a crash never
//! loses one), its edits, tenders, completion, counter returns and exchanges, and history. Beside
//! it: the till's shifts and Z reports (`shift.rs`), the hash-chained journal (`journal.rs`) and
//! the counter's settings — discount limit, cash rounding, discount codes (`settings.rs`).
//!
//! Invariants: a sale completes at most once, in one transaction with its lines, tenders, stock
//! moves and journal entry; what a completed sale charged is frozen on its rows and never
//! recomputed; a sold line is never refunded beyond its quantity, across any number of returns.

mod cart;
mod edit;
pub mod journal;
mod pay;
pub(crate) mod pricing;
pub mod set_aside;
pub mod settings;
pub mod shift;
mod view;

pub use crate::shop::staff::Approval;
pub use edit::{DiscountDraft, DiscountKind, SaleEdit};
pub use pay::{PaymentPreview, TenderDraft, TenderKind};
pub(crate) use view::{price_rules, sold};
pub use view::{Sale, SaleCustomer, SaleLine, SaleSummary, Tender};

use crate::error::{Error, Result};
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::Conn;
use crate::Shop;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SaleStatus {
    Open,
    Parked,
    Completed,
    Voided,
}

impl SaleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SaleStatus::Open => "open",
            SaleStatus::Parked => "parked",
            SaleStatus::Completed => "completed",
            SaleStatus::Voided => "voided",
        }
    }
    fn parse(s: &str) -> SaleStatus {
        match s {
            "parked" => SaleStatus::Parked,
            "completed" => SaleStatus::Completed,
            "voided" => SaleStatus::Voided,
            _ => SaleStatus::Open,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    Item,
    GiftCard,
    Return,
}

impl LineKind {
    fn as_str(self) -> &'static str {
        match self {
            LineKind::Item => "item",
            LineKind::GiftCard => "gift_card",
            LineKind::Return => "return",
        }
    }
    fn parse(s: &str) -> LineKind {
        match s {
            "gift_card" => LineKind::GiftCard,
            "return" => LineKind::Return,
            _ => LineKind::Item,
        }
    }
}

/// A discount as stored: percent in basis points (1000 = 10 %) or a fixed amount in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Discount {
    Percent(#[ts(type = "number")] i64),
    Fixed(#[ts(type = "number")] i64),
}

impl Discount {
    fn from_row(kind: Option<String>, value: Option<i64>) -> Option<Discount> {
        match (kind.as_deref(), value) {
            (Some("percent"), Some(v)) => Some(Discount::Percent(v)),
            (Some("fixed"), Some(v)) => Some(Discount::Fixed(v)),
            _ => None,
        }
    }
    fn to_row(d: Option<Discount>) -> (Option<&'static str>, Option<i64>) {
        match d {
            Some(Discount::Percent(v)) => (Some("percent"), Some(v)),
            Some(Discount::Fixed(v)) => (Some("fixed"), Some(v)),
            None => (None, None),
        }
    }
}

/// What a receipt prints: the shop and a completed sale.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Receipt {
    pub shop_name: String,
    /// Under the name: the address lines, the VAT / tax number and the contact e-mail, each a
    /// printed line; empty lines are left out.
    pub header: Vec<String>,
    pub footer: String,
    /// The shop's IANA zone: the receipt prints local time.
    pub time_zone: String,
    pub sale: Sale,
}

impl Shop {
    /// A completed sale with what its receipt needs around it (for printing and reprints).
    pub fn receipt(&self, session: &Session, sale_id: &str) -> Result<Receipt> {
        self.db.read(|c| {
            authorize(c, session, Permission::Sell)?;
            let sale = view::load(c, sale_id)?;
            if sale.status != SaleStatus::Completed {
                return Err(Error::invalid("only a completed sale has a receipt"));
            }
            let (shop_name, footer, address, tax_id, email, phone): (
                String,
                String,
                String,
                String,
                String,
                String,
            ) = c.query_row(
                "SELECT name, receipt_footer, legal_address, tax_id, shop_email, phone FROM shop
                 WHERE id = 1",
                [],
                |r| r.try_into(),
            )?;
            let mut header: Vec<String> = address.lines().map(|l| l.trim().to_string()).collect();
            if !tax_id.trim().is_empty() {
                header.push(format!("Tax no. {}", tax_id.trim()));
            }
            header.push(email);
            header.push(phone);
            header.retain(|l| !l.trim().is_empty());
            Ok(Receipt {
                shop_name,
                header,
                footer,
                time_zone: crate::shop::zone(c)?.name().to_string(),
                sale,
            })
        })
    }
}

/// The human number printed (and as Code128 barcode) on a receipt: "R" and eight digits, so a
/// scan can tell it from any product barcode; a till of a shared shop puts its name between
/// (`R-T1-00000042`), since each till numbers its own receipts.
pub fn receipt_code(till: &str, number: i64) -> String {
    if till.is_empty() {
        format!("R{number:08}")
    } else {
        format!("R-{till}-{number:08}")
    }
}

/// Reads a receipt code or a plain receipt number back: the till ('' for a standalone shop's)
/// and the number.
pub fn parse_receipt_code(text: &str) -> Option<(String, i64)> {
    let t = text.trim();
    let t = t
        .strip_prefix('R')
        .or_else(|| t.strip_prefix('r'))
        .unwrap_or(t);
    let (till, digits) = match t.strip_prefix('-').and_then(|rest| rest.rsplit_once('-')) {
        Some((till, digits))
            if !till.is_empty() && till.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            (till.to_ascii_uppercase(), digits)
        }
        Some(_) => return None,
        None => (String::new(), t),
    };
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok().map(|n| (till, n)))
        .flatten()
}

/// The sale's status, refusing anything but the ones an action may touch.
fn status_of(conn: &Connection, sale_id: &str) -> Result<SaleStatus> {
    let s: String = conn
        .prepare_cached("SELECT status FROM sale WHERE id = ?1")?
        .query_row([sale_id], |r| r.get(0))
        .optional()?
        .ok_or(Error::NotFound { what: "sale" })?;
    Ok(SaleStatus::parse(&s))
}

fn require_open(conn: &Connection, sale_id: &str) -> Result<()> {
    match status_of(conn, sale_id)? {
        SaleStatus::Open => Ok(()),
        SaleStatus::Parked => Err(Error::SaleParked),
        SaleStatus::Completed => Err(Error::Conflict("this sale is already complete".into())),
        SaleStatus::Voided => Err(Error::Conflict("this sale was voided".into())),
    }
}

/// A customer's store credit: the sum of their moves (a ledger like stock, so the balance is
/// always the sum of what happened; tenders and refunds to credit append to it).
pub(crate) fn store_credit<'c>(conn: impl Into<Conn<'c>>, customer_id: &str) -> Result<i64> {
    conn.into().query_row(
        "SELECT coalesce(sum(delta_minor), 0) FROM store_credit_move WHERE customer_id = ?1",
        crate::sql::args![customer_id],
        |r| r.get(0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_codes_read_back() {
        let read = |t| parse_receipt_code(t);
        assert_eq!(receipt_code("", 42), "R00000042");
        assert_eq!(read("R00000042"), Some((String::new(), 42)));
        assert_eq!(read("42"), Some((String::new(), 42)));
        assert_eq!(receipt_code("T1", 42), "R-T1-00000042");
        assert_eq!(read("r-t1-00000042"), Some(("T1".into(), 42)));
        assert_eq!(read("R-T1-"), None);
        assert_eq!(read("R--00000042"), None);
        assert_eq!(read("R"), None);
        assert_eq!(read("R12a"), None);
    }
}
