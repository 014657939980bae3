//! Stocktakes: a count session at one location driven by the scanner (each scan adds one) or
//! typed quantities, the variance report (expected vs counted, valued at cost) and applying it as
//! count movements in one transaction. Only what was counted is corrected: a partial count (one
//! shelf, one brand) never zeroes the rest of the shop.

use crate::audit::{self, Change};
use crate::catalog::lookup_in;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::{Currency, Money};
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::stock::{level, location_exists, record_move, variant_label, Move, MoveReason};
use crate::store::next_number;
use crate::Shop;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StocktakeStatus {
    Open,
    Applied,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CountLine {
    pub variant_id: String,
    pub label: String,
    pub sku: String,
    /// On hand at the location now (while open) or when applied.
    pub expected: i64,
    pub counted: i64,
    pub variance: i64,
    pub unit_cost: Option<Money>,
    pub variance_value: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Stocktake {
    pub id: String,
    pub number: i64,
    pub location_id: String,
    pub location: String,
    pub status: StocktakeStatus,
    pub started_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    pub lines: Vec<CountLine>,
    pub units_counted: i64,
    pub net_variance: i64,
    pub variance_value: Money,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CountEntry {
    pub stocktake_id: String,
    pub variant_id: String,
    pub counted: i64,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct CountScan {
    pub stocktake_id: String,
    pub code: String,
}

/// (variant, SKU, counted, unit cost, on-hand change the count booked once applied)
type CountRow = (String, String, i64, Option<i64>, Option<i64>);

fn load<'c>(conn: impl Into<Conn<'c>>, id: &str, currency: Currency) -> Result<Stocktake> {
    let conn = conn.into();
    let (number, location_id, location, status, started_at, closed_at): (
        i64,
        String,
        String,
        String,
        i64,
        Option<i64>,
    ) = conn
        .query_opt(
            "SELECT t.number, t.location_id, l.name, t.status, t.started_at, t.closed_at
             FROM stocktake t JOIN location l ON l.id = t.location_id WHERE t.id = ?1",
            args![id],
            |r| r.tuple(),
        )?
        .ok_or(Error::NotFound { what: "stocktake" })?;
    let status = match status.as_str() {
        "applied" => StocktakeStatus::Applied,
        "cancelled" => StocktakeStatus::Cancelled,
        _ => StocktakeStatus::Open,
    };
    // Once applied, "expected" is what the count movement corrected from, read off the ledger.
    let rows: Vec<CountRow> = conn.query_map(
        "SELECT c.variant_id, coalesce(v.sku, ''), c.counted, v.cost_minor,
                (SELECT on_hand_delta FROM stock_move m WHERE m.doc_type = 'stocktake'
                   AND m.doc_id = c.stocktake_id AND m.variant_id = c.variant_id)
         FROM stocktake_count c JOIN variant v ON v.id = c.variant_id
         WHERE c.stocktake_id = ?1 ORDER BY v.sku, v.id",
        args![id],
        |r| r.tuple(),
    )?;
    let mut t = Stocktake {
        id: id.to_string(),
        number,
        location_id,
        location,
        status,
        started_at: Timestamp(started_at),
        closed_at: closed_at.map(Timestamp),
        lines: Vec::new(),
        units_counted: 0,
        net_variance: 0,
        variance_value: Money::zero(currency),
    };
    let mut value = 0i64;
    for (variant_id, sku, counted, cost, applied_delta) in rows {
        let expected = match status {
            StocktakeStatus::Applied => counted - applied_delta.unwrap_or(0),
            _ => level(conn, &variant_id, &t.location_id)?.0,
        };
        let variance = counted - expected;
        let line_value = variance.saturating_mul(cost.unwrap_or(0));
        value = value.saturating_add(line_value);
        t.units_counted += counted;
        t.net_variance += variance;
        t.lines.push(CountLine {
            label: variant_label(conn, &variant_id)?,
            variant_id,
            sku,
            expected,
            counted,
            variance,
            unit_cost: cost.map(|c| Money::from_minor(c, currency)),
            variance_value: Money::from_minor(line_value, currency),
        });
    }
    t.variance_value = Money::from_minor(value, currency);
    Ok(t)
}

fn open_one(conn: Conn, id: &str) -> Result<()> {
    let status: String = conn
        .query_opt(
            "SELECT status FROM stocktake WHERE id = ?1",
            args![id],
            |r| r.get(0),
        )?
        .ok_or(Error::NotFound { what: "stocktake" })?;
    if status != "open" {
        return Err(Error::Conflict(format!(
            "this stocktake is already {status}"
        )));
    }
    Ok(())
}

impl Shop {
    /// Opens a count at a location; one open count per location at a time.
    pub fn start_stocktake(&self, session: &Session, location_id: &str) -> Result<Stocktake> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            let name = location_exists(tx, location_id)?;
            let open: Option<i64> = tx.query_opt(
                "SELECT number FROM stocktake WHERE location_id = ?1 AND status = 'open'",
                args![location_id],
                |r| r.get(0),
            )?;
            if let Some(n) = open {
                return Err(Error::Conflict(format!(
                    "stocktake {n} is still open at {name}; finish or cancel it first"
                )));
            }
            let id = new_id();
            let number = next_number(tx, "stocktake")?;
            tx.execute(
                "INSERT INTO stocktake (id, number, location_id, status, started_by, started_at)
                 VALUES (?1, ?2, ?3, 'open', ?4, ?5)",
                args![
                    id,
                    number,
                    location_id,
                    session.staff_id(),
                    self.clock.now().0
                ],
            )?;
            load(tx, &id, shop_currency(tx)?)
        })
    }

    /// One scan: finds the item by SKU or barcode and adds one to its count.
    pub fn count_scan(&self, session: &Session, s: CountScan) -> Result<Stocktake> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            open_one(tx, &s.stocktake_id)?;
            let found = lookup_in(tx, &s.code)?.ok_or_else(|| Error::UnknownCode {
                code: s.code.trim().to_string(),
            })?;
            tx.execute(
                "INSERT INTO stocktake_count (stocktake_id, variant_id, counted) VALUES (?1, ?2, 1)
                 ON CONFLICT (stocktake_id, variant_id)
                 DO UPDATE SET counted = stocktake_count.counted + 1",
                args![s.stocktake_id, found.variant_id],
            )?;
            load(tx, &s.stocktake_id, shop_currency(tx)?)
        })
    }

    /// A typed quantity replaces the count so far (a case of 24 is faster typed than scanned).
    pub fn set_count(&self, session: &Session, e: CountEntry) -> Result<Stocktake> {
        if e.counted < 0 {
            return Err(Error::invalid("a count cannot be negative"));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            open_one(tx, &e.stocktake_id)?;
            variant_label(tx, &e.variant_id)?;
            tx.execute(
                "INSERT INTO stocktake_count (stocktake_id, variant_id, counted) VALUES (?1, ?2, ?3)
                 ON CONFLICT (stocktake_id, variant_id) DO UPDATE SET counted = ?3",
                args![e.stocktake_id, e.variant_id, e.counted],
            )?;
            load(tx, &e.stocktake_id, shop_currency(tx)?)
        })
    }

    pub fn stocktake(&self, session: &Session, id: &str) -> Result<Stocktake> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            load(c, id, shop_currency(c)?)
        })
    }

    pub fn stocktakes(&self, session: &Session) -> Result<Vec<Stocktake>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            let currency = shop_currency(c)?;
            let ids: Vec<String> = c.query_map(
                "SELECT id FROM stocktake ORDER BY number DESC LIMIT 100",
                args![],
                |r| r.get(0),
            )?;
            ids.iter().map(|id| load(c, id, currency)).collect()
        })
    }

    /// Books every variance as a count movement, all in one transaction, and closes the count.
    pub fn apply_stocktake(&self, session: &Session, id: &str) -> Result<Stocktake> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            open_one(tx, id)?;
            let currency = shop_currency(tx)?;
            let before = load(tx, id, currency)?;
            if before.lines.is_empty() {
                return Err(Error::invalid("nothing has been counted yet"));
            }
            let now = self.clock.now();
            // Applied once: the status changes first and only from "open", so two stations
            // applying the same count at once cannot both book its variances.
            let closed = tx.execute(
                "UPDATE stocktake SET status = 'applied', closed_at = ?2
                 WHERE id = ?1 AND status = 'open'",
                args![id, now.0],
            )?;
            if closed == 0 {
                return Err(Error::Conflict("this stocktake is already applied".into()));
            }
            for line in &before.lines {
                record_move(tx, &Move {
                    variant_id: &line.variant_id,
                    location_id: &before.location_id,
                    reason: MoveReason::Count,
                    on_hand: line.variance,
                    committed: 0,
                    unit_cost: None,
                    doc: Some(("stocktake", id)),
                    note: "",
                    staff_id: Some(session.staff_id()),
                    at: now,
                })?;
            }
            audit::record(tx, Change::by(now, session.staff_id(), "stocktake_applied", ("stocktake", id), json!({ "number": before.number, "net_variance": before.net_variance, "variance_value_minor": before.variance_value.minor() })))?;
            load(tx, id, currency)
        })
    }

    pub fn cancel_stocktake(&self, session: &Session, id: &str) -> Result<Stocktake> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            open_one(tx, id)?;
            tx.execute(
                "UPDATE stocktake SET status = 'cancelled', closed_at = ?2 WHERE id = ?1",
                args![id, self.clock.now().0],
            )?;
            load(tx, id, shop_currency(tx)?)
        })
    }
}
