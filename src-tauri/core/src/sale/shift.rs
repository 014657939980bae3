//! Shifts at the till: opening with a cash float, cash in and out with reasons, and the close —
//! cash counted by denomination against what is expected, and the Z report, in one transaction.
//!
//! Invariants: at most one shift is open; a sale belongs to the shift open when it completed
//! (set in the sale's own transaction), so the close counts every sale of its shift exactly once,
//! however the app was stopped in between; a closed shift's report is frozen and journaled.

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::{Currency, Money};
use crate::sale::journal;
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::stock::default_location;
use crate::store::next_number;
use crate::tax::TaxPart;
use crate::till::{self, THIS_TILL};
use crate::Shop;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Notes and coins to count, largest first, in minor units.
pub fn denominations(currency: Currency) -> Vec<i64> {
    match currency.code() {
        "EUR" => vec![
            50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1,
        ],
        "GBP" => vec![5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1],
        "USD" => vec![10000, 5000, 2000, 1000, 500, 100, 25, 10, 5, 1],
        "AUD" | "NZD" => vec![10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5],
        "CAD" => vec![10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5],
        _ => {
            let unit = 10i64.pow(currency.exponent());
            [100, 50, 20, 10, 5, 2, 1]
                .iter()
                .map(|d| d * unit)
                .collect()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DenominationCount {
    #[ts(type = "number")]
    pub denomination_minor: i64,
    #[ts(type = "number")]
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CashMove {
    pub amount: Money,
    pub reason: String,
    pub staff_name: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Shift {
    pub id: String,
    #[ts(type = "number")]
    pub number: i64,
    pub open: bool,
    pub opened_by: String,
    pub opened_at: Timestamp,
    pub float: Money,
    #[ts(type = "number")]
    pub sales: i64,
    pub expected_cash: Money,
    pub cash_moves: Vec<CashMove>,
    pub denominations: Vec<Money>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TenderTotal {
    pub kind: String,
    pub label: String,
    #[ts(type = "number")]
    pub count: i64,
    #[ts(type = "number")]
    pub amount_minor: i64,
}

/// The end-of-shift report, frozen at the close (all amounts in minor units of `currency`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ZReport {
    pub shop_name: String,
    pub currency: String,
    #[ts(type = "number")]
    pub shift_number: i64,
    pub opened_by: String,
    pub closed_by: String,
    pub opened_at: Timestamp,
    pub closed_at: Timestamp,
    /// The shop's IANA zone at the close: times print local. Empty on reports frozen before
    /// shops had a zone (those print in UTC).
    #[serde(default)]
    pub time_zone: String,
    #[ts(type = "number")]
    pub sales_count: i64,
    #[ts(type = "number")]
    pub returns_count: i64,
    /// List value sold, before discounts.
    #[ts(type = "number")]
    pub gross_minor: i64,
    #[ts(type = "number")]
    pub discounts_minor: i64,
    /// Paid back for returns (negative or 0).
    #[ts(type = "number")]
    pub returns_minor: i64,
    /// Everything taken less everything paid back.
    #[ts(type = "number")]
    pub net_minor: i64,
    #[ts(type = "number")]
    pub tax_minor: i64,
    pub taxes: Vec<TaxPart>,
    pub tenders: Vec<TenderTotal>,
    #[ts(type = "number")]
    pub rounding_minor: i64,
    #[ts(type = "number")]
    pub voided_lines: i64,
    #[ts(type = "number")]
    pub voided_sales: i64,
    #[ts(type = "number")]
    pub voided_minor: i64,
    #[ts(type = "number")]
    pub float_minor: i64,
    #[ts(type = "number")]
    pub cash_in_minor: i64,
    #[ts(type = "number")]
    pub cash_out_minor: i64,
    #[ts(type = "number")]
    pub expected_cash_minor: i64,
    #[ts(type = "number")]
    pub counted_cash_minor: i64,
    /// Counted less expected: positive is over, negative short.
    #[ts(type = "number")]
    pub over_short_minor: i64,
    pub counts: Vec<DenominationCount>,
}

/// The open shift and the location it sells from.
pub(crate) fn open_shift(conn: &Connection) -> Result<Option<(String, String)>> {
    Ok(conn
        .prepare_cached("SELECT id, location_id FROM shift WHERE status = 'open'")?
        .query_row([], |r| r.try_into())
        .optional()?)
}

fn one(conn: &Connection, sql: &str, shift_id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(sql)?
        .query_row([shift_id], |r| r.get(0))?)
}

/// Cash that should be in the drawer: float, cash taken less cash paid back, cash in and out.
fn expected_cash(conn: &Connection, shift_id: &str) -> Result<i64> {
    one(
        conn,
        "SELECT float_minor
              + (SELECT ifnull(sum(t.amount_minor), 0) FROM tender t JOIN sale s ON s.id = t.sale_id
                 WHERE s.shift_id = shift.id AND s.status = 'completed' AND t.kind = 'cash')
              + (SELECT ifnull(sum(amount_minor), 0) FROM cash_move WHERE shift_id = shift.id)
         FROM shift WHERE id = ?1",
        shift_id,
    )
}

fn load(conn: &Connection, shift_id: &str) -> Result<Shift> {
    let cur = shop_currency(conn)?;
    let m = |v| Money::from_minor(v, cur);
    let mut st = conn.prepare_cached(
        "SELECT c.amount_minor, c.reason, st.name, c.at FROM cash_move c
         JOIN staff st ON st.id = c.staff_id WHERE c.shift_id = ?1 ORDER BY c.at",
    )?;
    let cash_moves = st
        .query_map([shift_id], |r| {
            Ok(CashMove {
                amount: m(r.get(0)?),
                reason: r.get(1)?,
                staff_name: r.get(2)?,
                at: Timestamp(r.get(3)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let (number, status, opened_by, opened_at, float): (i64, String, String, i64, i64) = conn
        .query_row(
            "SELECT sh.number, sh.status, st.name, sh.opened_at, sh.float_minor FROM shift sh
             JOIN staff st ON st.id = sh.opened_by WHERE sh.id = ?1",
            [shift_id],
            |r| r.try_into(),
        )
        .optional()?
        .ok_or(Error::NotFound { what: "shift" })?;
    Ok(Shift {
        id: shift_id.to_string(),
        number,
        open: status == "open",
        opened_by,
        opened_at: Timestamp(opened_at),
        float: m(float),
        sales: one(
            conn,
            "SELECT count(*) FROM sale WHERE shift_id = ?1 AND status = 'completed'",
            shift_id,
        )?,
        expected_cash: m(expected_cash(conn, shift_id)?),
        cash_moves,
        denominations: denominations(cur).into_iter().map(m).collect(),
    })
}

/// Works out the Z report of a shift from its sales (called inside the close's transaction).
fn z_report(
    conn: &Connection,
    shift_id: &str,
    closed_by: &str,
    closed_at: Timestamp,
    counts: Vec<DenominationCount>,
) -> Result<ZReport> {
    let completed = "FROM sale WHERE shift_id = ?1 AND status = 'completed'";
    let sum = |col: &str| {
        one(
            conn,
            &format!("SELECT ifnull(sum({col}), 0) {completed}"),
            shift_id,
        )
    };
    let mut st = conn.prepare(
        "SELECT t.kind, t.label, count(*), sum(t.amount_minor) FROM tender t
         JOIN sale s ON s.id = t.sale_id WHERE s.shift_id = ?1 AND s.status = 'completed'
         GROUP BY t.kind, t.label ORDER BY t.kind, t.label",
    )?;
    let tenders = st
        .query_map([shift_id], |r| {
            Ok(TenderTotal {
                kind: r.get(0)?,
                label: r.get(1)?,
                count: r.get(2)?,
                amount_minor: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = conn.prepare(
        "SELECT t.name, t.rate_bp, sum(t.base_minor), sum(t.tax_minor) FROM sale_line_tax t
         JOIN sale_line l ON l.id = t.line_id JOIN sale s ON s.id = l.sale_id
         WHERE s.shift_id = ?1 AND s.status = 'completed'
         GROUP BY t.name, t.rate_bp ORDER BY t.rate_bp DESC, t.name",
    )?;
    let taxes = st
        .query_map([shift_id], |r| {
            Ok(TaxPart {
                name: r.get(0)?,
                rate_bp: r.get(1)?,
                base_minor: r.get(2)?,
                tax_minor: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let line_sum = |kind: &str, col: &str| {
        one(
            conn,
            &format!(
                "SELECT ifnull(sum(l.{col}), 0) FROM sale_line l JOIN sale s ON s.id = l.sale_id
                 WHERE s.shift_id = ?1 AND s.status = 'completed' AND l.kind = '{kind}'
                   AND l.void_reason IS NULL"
            ),
            shift_id,
        )
    };
    let included: bool = one(
        conn,
        "SELECT ifnull(max(prices_include_tax), 1) FROM sale WHERE shift_id = ?1 AND status = 'completed'",
        shift_id,
    )? == 1;
    let returns_minor = line_sum("return", "amount_minor")?
        + if included {
            0
        } else {
            line_sum("return", "tax_minor")?
        };
    let (float, opened_by, opened_at, number): (i64, String, i64, i64) = conn.query_row(
        "SELECT sh.float_minor, st.name, sh.opened_at, sh.number FROM shift sh
         JOIN staff st ON st.id = sh.opened_by WHERE sh.id = ?1",
        [shift_id],
        |r| r.try_into(),
    )?;
    let expected = expected_cash(conn, shift_id)?;
    let counted: i64 = counts.iter().map(|c| c.denomination_minor * c.count).sum();
    Ok(ZReport {
        shop_name: conn.query_row("SELECT name FROM shop WHERE id = 1", [], |r| r.get(0))?,
        currency: shop_currency(conn)?.code().to_string(),
        shift_number: number,
        opened_by,
        closed_by: conn.query_row("SELECT name FROM staff WHERE id = ?1", [closed_by], |r| r.get(0))?,
        opened_at: Timestamp(opened_at),
        closed_at,
        time_zone: crate::shop::zone(conn)?.name().to_string(),
        sales_count: one(conn, &format!("SELECT count(*) {completed} AND total_minor >= 0"), shift_id)?,
        returns_count: one(conn, &format!("SELECT count(*) {completed} AND total_minor < 0"), shift_id)?,
        gross_minor: sum("subtotal_minor")?,
        discounts_minor: sum("discount_minor")?,
        returns_minor,
        net_minor: sum("total_minor")?,
        tax_minor: sum("tax_minor")?,
        taxes,
        tenders,
        rounding_minor: sum("rounding_minor")?,
        voided_lines: one(
            conn,
            "SELECT count(*) FROM sale_line l JOIN sale s ON s.id = l.sale_id
             WHERE s.shift_id = ?1 AND s.status = 'completed' AND l.void_reason IS NOT NULL",
            shift_id,
        )?,
        voided_sales: one(conn, "SELECT count(*) FROM sale WHERE shift_id = ?1 AND status = 'voided'", shift_id)?,
        voided_minor: one(
            conn,
            "SELECT ifnull(sum(total_minor), 0) FROM sale WHERE shift_id = ?1 AND status = 'voided'",
            shift_id,
        )?,
        float_minor: float,
        cash_in_minor: one(conn, "SELECT ifnull(sum(amount_minor), 0) FROM cash_move WHERE shift_id = ?1 AND amount_minor > 0", shift_id)?,
        cash_out_minor: one(conn, "SELECT ifnull(sum(amount_minor), 0) FROM cash_move WHERE shift_id = ?1 AND amount_minor < 0", shift_id)?,
        expected_cash_minor: expected,
        counted_cash_minor: counted,
        over_short_minor: counted - expected,
        counts,
    })
}

fn money_text(text: &str, cur: Currency, what: &str) -> Result<i64> {
    let m = Money::parse(text, cur)?.minor();
    if m < 0 {
        return Err(Error::invalid(format!("{what} cannot be negative")));
    }
    Ok(m)
}

impl Shop {
    /// Opens the till with a float counted into the drawer.
    pub fn open_shift(&self, session: &Session, float: &str) -> Result<Shift> {
        self.db.own_write(|tx| {
            authorize(tx, session, Permission::Sell)?;
            if open_shift(tx)?.is_some() {
                return Err(Error::Conflict(
                    "a shift is already open; close it first".into(),
                ));
            }
            let float = money_text(float, shop_currency(tx)?, "the float")?;
            let id = new_id();
            tx.execute(
                &format!(
                    "INSERT INTO shift (id, number, status, location_id, float_minor, opened_by,
                         opened_at, station)
                     VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?6, {THIS_TILL})"
                ),
                params![
                    id,
                    next_number(tx, "shift")?,
                    default_location(tx)?,
                    float,
                    session.staff_id(),
                    self.clock.now().0
                ],
            )?;
            till::queue(tx, till::Kind::Shift, &id, self.clock.now())?;
            load(tx, &id)
        })
    }

    /// The open shift, if any.
    pub fn current_shift(&self, session: &Session) -> Result<Option<Shift>> {
        self.db.read(|c| {
            authorize(c, session, Permission::Sell)?;
            open_shift(c)?.map(|(id, _)| load(c, &id)).transpose()
        })
    }

    /// Cash put into (`out` false) or taken out of the drawer, with a reason.
    pub fn cash_move(
        &self,
        session: &Session,
        amount: &str,
        out: bool,
        reason: &str,
    ) -> Result<Shift> {
        self.db.own_write(|tx| {
            authorize(tx, session, Permission::Sell)?;
            let (shift_id, _) =
                open_shift(tx)?.ok_or_else(|| Error::invalid("no shift is open"))?;
            let amount = money_text(amount, shop_currency(tx)?, "an amount")?;
            if amount == 0 {
                return Err(Error::invalid("an amount above 0"));
            }
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(Error::invalid(
                    "say why the cash moves (bank deposit, change, …)",
                ));
            }
            if out && amount > expected_cash(tx, &shift_id)? {
                return Err(Error::invalid("more than the drawer should hold"));
            }
            tx.execute(
                "INSERT INTO cash_move (id, shift_id, amount_minor, reason, staff_id, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    new_id(),
                    shift_id,
                    if out { -amount } else { amount },
                    reason,
                    session.staff_id(),
                    self.clock.now().0
                ],
            )?;
            till::queue(tx, till::Kind::Shift, &shift_id, self.clock.now())?;
            load(tx, &shift_id)
        })
    }

    /// Closes the open shift with the cash counted by denomination; returns the Z report. One
    /// transaction: the report, the close and its journal entry commit together or not at all.
    pub fn close_shift(&self, session: &Session, counts: &[DenominationCount]) -> Result<ZReport> {
        self.db.own_write(|tx| {
            authorize(tx, session, Permission::Sell)?;
            let (shift_id, _) =
                open_shift(tx)?.ok_or_else(|| Error::invalid("no shift is open"))?;
            let known = denominations(shop_currency(tx)?);
            let mut clean: Vec<DenominationCount> = Vec::new();
            for c in counts.iter().filter(|c| c.count != 0) {
                if c.count < 0 || !known.contains(&c.denomination_minor) {
                    return Err(Error::invalid("count each note and coin as 0 or more"));
                }
                clean.push(c.clone());
            }
            let now = self.clock.now();
            let report = z_report(tx, &shift_id, session.staff_id(), now, clean)?;
            let json = serde_json::to_value(&report).map_err(|e| Error::Storage(e.to_string()))?;
            tx.execute(
                "UPDATE shift SET status = 'closed', closed_by = ?2, closed_at = ?3,
                     expected_minor = ?4, counted_minor = ?5, report = ?6 WHERE id = ?1",
                params![
                    shift_id,
                    session.staff_id(),
                    now.0,
                    report.expected_cash_minor,
                    report.counted_cash_minor,
                    json.to_string()
                ],
            )?;
            journal::append(tx, now, journal::Kind::Close, &shift_id, &json)?;
            till::queue(tx, till::Kind::Shift, &shift_id, now)?;
            Ok(report)
        })
    }

    /// A closed shift's Z report, as frozen at its close.
    pub fn shift_report(&self, session: &Session, shift_id: &str) -> Result<ZReport> {
        self.db.read(|c| {
            authorize(c, session, Permission::Sell)?;
            let report: Option<String> = c
                .query_row("SELECT report FROM shift WHERE id = ?1", [shift_id], |r| {
                    r.get(0)
                })
                .optional()?
                .ok_or(Error::NotFound { what: "shift" })?;
            let report = report.ok_or_else(|| Error::invalid("this shift is still open"))?;
            serde_json::from_str(&report).map_err(|e| Error::Storage(e.to_string()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_currency_has_something_to_count() {
        let eur = Currency::from_code("EUR").unwrap();
        assert_eq!(denominations(eur)[0], 50000);
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(denominations(jpy), vec![100, 50, 20, 10, 5, 2, 1]);
    }
}
