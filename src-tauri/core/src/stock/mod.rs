//! Stock as a ledger: locations, movements (never changed, only appended), the levels derived
//! from them (on hand, committed, available = on hand − committed), reorder rules and the
//! low-stock list, manual adjustments. Beside it: transfers between locations (`transfer.rs`),
//! stocktakes (`stocktake.rs`), suppliers and purchase orders (`purchase.rs`) and the stock
//! report with its valuation (`report.rs`), the locations themselves (`location.rs`).

mod location;
pub use location::{LocationEdit, LocationRow};
pub mod purchase;
pub mod report;
pub mod stocktake;
pub mod transfer;

/// How much of a variant's movement history its stock panel shows.
pub const MOVES_SHOWN: u32 = 500;

use crate::audit::{self, Change};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::Money;
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Arg, Conn, Engine, Param, Row};
use crate::Shop;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MoveReason {
    Receive,
    Sale,
    Commit,
    Release,
    Ship,
    Return,
    Adjust,
    Count,
    TransferOut,
    TransferIn,
}

impl MoveReason {
    pub const ALL: [MoveReason; 10] = [
        MoveReason::Receive,
        MoveReason::Sale,
        MoveReason::Commit,
        MoveReason::Release,
        MoveReason::Ship,
        MoveReason::Return,
        MoveReason::Adjust,
        MoveReason::Count,
        MoveReason::TransferOut,
        MoveReason::TransferIn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MoveReason::Receive => "receive",
            MoveReason::Sale => "sale",
            MoveReason::Commit => "commit",
            MoveReason::Release => "release",
            MoveReason::Ship => "ship",
            MoveReason::Return => "return",
            MoveReason::Adjust => "adjust",
            MoveReason::Count => "count",
            MoveReason::TransferOut => "transfer_out",
            MoveReason::TransferIn => "transfer_in",
        }
    }
    fn from_db(s: &str) -> MoveReason {
        MoveReason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .unwrap_or(MoveReason::Adjust)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Location {
    pub id: String,
    pub name: String,
    pub position: u32,
}

/// One movement as the history shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StockMove {
    pub id: String,
    pub at: Timestamp,
    pub location: String,
    pub reason: MoveReason,
    pub on_hand_delta: i64,
    pub committed_delta: i64,
    pub unit_cost: Option<Money>,
    /// The document it came from ("purchase_order", "transfer", "stocktake", "catalog_import"…).
    pub doc_type: String,
    pub doc_id: String,
    pub note: String,
    pub staff: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StockLevel {
    pub location_id: String,
    pub location: String,
    pub on_hand: i64,
    pub committed: i64,
    pub available: i64,
    pub reorder_point: Option<i64>,
    pub reorder_qty: Option<i64>,
}

/// A movement to append. Only `record_move` writes the ledger; levels follow by trigger.
pub(crate) struct Move<'a> {
    pub variant_id: &'a str,
    pub location_id: &'a str,
    pub reason: MoveReason,
    pub on_hand: i64,
    pub committed: i64,
    pub unit_cost: Option<i64>,
    pub doc: Option<(&'a str, &'a str)>,
    pub note: &'a str,
    pub staff_id: Option<&'a str>,
    pub at: Timestamp,
}

pub(crate) fn record_move<'c>(conn: impl Into<Conn<'c>>, m: &Move) -> Result<()> {
    if m.on_hand == 0 && m.committed == 0 {
        return Ok(());
    }
    conn.into().execute(
        "INSERT INTO stock_move (id, variant_id, location_id, reason, on_hand_delta, committed_delta,
             unit_cost_minor, doc_type, doc_id, note, staff_id, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        args![
            new_id(),
            m.variant_id,
            m.location_id,
            m.reason.as_str(),
            m.on_hand,
            m.committed,
            m.unit_cost,
            m.doc.map(|d| d.0),
            m.doc.map(|d| d.1),
            m.note,
            m.staff_id,
            m.at.0
        ],
    )?;
    Ok(())
}

/// (on hand, committed) of a variant at a location: one row of the derived levels.
pub(crate) fn level<'c>(
    conn: impl Into<Conn<'c>>,
    variant_id: &str,
    location_id: &str,
) -> Result<(i64, i64)> {
    Ok(conn
        .into()
        .query_opt(
            "SELECT on_hand, committed FROM stock_level WHERE variant_id = ?1 AND location_id = ?2",
            args![variant_id, location_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?
        .unwrap_or((0, 0)))
}

/// Stock levels by variant: (on hand, committed).
pub(crate) type Levels = std::collections::HashMap<String, (i64, i64)>;

/// `level` of each of `variants` at a location, in one read; a variant never stocked there is
/// missing (its level is 0, 0).
pub(crate) fn levels(conn: Conn, location_id: &str, variants: &[&str]) -> Result<Levels> {
    let keys: Vec<Arg> = variants.iter().map(|v| Arg::from(*v)).collect();
    let rows = conn.query_in_with(
        "SELECT variant_id, on_hand, committed FROM stock_level
         WHERE location_id = ?1 AND variant_id IN ({})",
        &[Arg::from(location_id)],
        &keys,
        |r| Ok((r.get::<String>(0)?, (r.get(1)?, r.get(2)?))),
    )?;
    Ok(rows.into_iter().collect())
}

/// `level`, the row held until the caller's transaction ends: several stations taking the same
/// last unit take it one after the other, and the second sees it gone. (SQLite's one writer
/// already works one transaction at a time.)
pub(crate) fn level_held(c: Conn, variant_id: &str, location_id: &str) -> Result<(i64, i64)> {
    let sql = match c.engine() {
        Engine::Sqlite => return level(c, variant_id, location_id),
        Engine::Postgres => {
            "SELECT on_hand, committed FROM stock_level WHERE variant_id = ?1 AND location_id = ?2
             FOR UPDATE"
        }
    };
    Ok(c.query_opt(sql, args![variant_id, location_id], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?
    .unwrap_or((0, 0)))
}

/// On hand over every location: the base of the moving-average cost.
pub(crate) fn total_on_hand<'c>(conn: impl Into<Conn<'c>>, variant_id: &str) -> Result<i64> {
    conn.into().query_row(
        "SELECT coalesce(sum(on_hand), 0) FROM stock_level WHERE variant_id = ?1",
        args![variant_id],
        |r| r.get(0),
    )
}

pub(crate) fn location_exists<'c>(conn: impl Into<Conn<'c>>, id: &str) -> Result<String> {
    conn.into()
        .query_opt(
            "SELECT name FROM location WHERE id = ?1 AND active = 1",
            args![id],
            |r| r.get(0),
        )?
        .ok_or(Error::NotFound { what: "location" })
}

pub(crate) fn variant_label<'c>(conn: impl Into<Conn<'c>>, variant_id: &str) -> Result<String> {
    conn.into()
        .query_opt(
            "SELECT p.title, v.option1, v.option2, v.option3, v.sku FROM variant v
             JOIN product p ON p.id = v.product_id WHERE v.id = ?1",
            args![variant_id],
            |r| line_name(r, 0),
        )?
        .ok_or(Error::NotFound { what: "variant" })
}

/// A variant's name read from a row holding its product's title at `at` and its three options
/// after it: "Tee (M / Sage)".
pub(crate) fn line_name(r: &Row, at: usize) -> Result<String> {
    let opts: Vec<String> = (at + 1..at + 4)
        .filter_map(|i| r.get::<Option<String>>(i).transpose())
        .collect::<Result<_>>()?;
    let title: String = r.get(at)?;
    Ok(if opts.is_empty() {
        title
    } else {
        format!("{title} ({})", opts.join(" / "))
    })
}

/// The first location: where the counter sells from and imports put their stock.
pub(crate) fn default_location<'c>(conn: impl Into<Conn<'c>>) -> Result<String> {
    conn.into()
        .query_opt(
            "SELECT id FROM location WHERE active = 1 ORDER BY position LIMIT 1",
            &[],
            |r| r.get(0),
        )?
        .ok_or(Error::NotFound { what: "location" })
}

/// Takes stock out of a location for something physical (adjustment, transfer): you cannot send
/// or write off more than is on the shelf — nor can two stations both take its last unit.
pub(crate) fn take_out<'c>(
    conn: impl Into<Conn<'c>>,
    variant_id: &str,
    location_id: &str,
    qty: i64,
) -> Result<()> {
    let c = conn.into();
    let (on_hand, _) = level_held(c, variant_id, location_id)?;
    if on_hand < qty {
        let loc = location_exists(c, location_id)?;
        return Err(Error::NotEnoughStock {
            available: on_hand,
            message: format!(
                "only {on_hand} of {} on hand at {loc}",
                variant_label(c, variant_id)?
            ),
        });
    }
    Ok(())
}

/// Reserves stock for an open order (`qty` > 0) or releases it (`qty` < 0): committed changes,
/// on hand does not. Orders call this in their own transaction.
pub(crate) fn commit_stock<'c>(
    conn: impl Into<Conn<'c>>,
    variant_id: &str,
    location_id: &str,
    qty: i64,
    doc: (&str, &str),
    staff_id: Option<&str>,
    at: Timestamp,
) -> Result<()> {
    record_move(
        conn,
        &Move {
            variant_id,
            location_id,
            reason: if qty >= 0 {
                MoveReason::Commit
            } else {
                MoveReason::Release
            },
            on_hand: 0,
            committed: qty,
            unit_cost: None,
            doc: Some(doc),
            note: "",
            staff_id,
            at,
        },
    )
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct StockAdjustment {
    pub variant_id: String,
    pub location_id: String,
    /// Signed change to on hand (+3 found, −2 damaged).
    pub delta: i64,
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReorderRule {
    pub variant_id: String,
    pub location_id: String,
    /// Absent to remove the rule.
    pub reorder_point: Option<i64>,
    pub reorder_qty: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LowStockLine {
    pub variant_id: String,
    pub label: String,
    pub sku: String,
    pub location_id: String,
    pub location: String,
    pub available: i64,
    pub reorder_point: i64,
    pub reorder_qty: i64,
    /// False for a variant with no reorder rule, low by [`LOW_WITHOUT_RULE`] across every
    /// location (`location_id` is empty): shown so it is not missed, never restocked by itself.
    pub has_rule: bool,
}

/// Catalog's low-stock filter says "low" the same way, so the rule sits in the lower layer.
pub use crate::catalog::LOW_WITHOUT_RULE;

impl Shop {
    /// Levels of one variant at every location, with its reorder rules.
    pub fn stock_levels(&self, session: &Session, variant_id: &str) -> Result<Vec<StockLevel>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            variant_label(c, variant_id)?;
            c.query_map(
                "SELECT l.id, l.name, coalesce(s.on_hand, 0), coalesce(s.committed, 0),
                        r.reorder_point, r.reorder_qty
                 FROM location l
                 LEFT JOIN stock_level s ON s.location_id = l.id AND s.variant_id = ?1
                 LEFT JOIN reorder_rule r ON r.location_id = l.id AND r.variant_id = ?1
                 WHERE l.active = 1 ORDER BY l.position",
                args![variant_id],
                |r| {
                    let on_hand: i64 = r.get(2)?;
                    let committed: i64 = r.get(3)?;
                    Ok(StockLevel {
                        location_id: r.get(0)?,
                        location: r.get(1)?,
                        on_hand,
                        committed,
                        available: on_hand - committed,
                        reorder_point: r.get(4)?,
                        reorder_qty: r.get(5)?,
                    })
                },
            )
        })
    }

    /// Movement history of one variant, newest first (`MOVES_SHOWN` on the variant's panel).
    pub fn stock_moves(
        &self,
        session: &Session,
        variant_id: &str,
        limit: u32,
    ) -> Result<Vec<StockMove>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            let currency = shop_currency(c)?;
            c.query_map(
                "SELECT m.id, m.at, l.name, m.reason, m.on_hand_delta, m.committed_delta,
                        m.unit_cost_minor, coalesce(m.doc_type, ''), coalesce(m.doc_id, ''), m.note,
                        coalesce(s.name, '')
                 FROM stock_move m JOIN location l ON l.id = m.location_id
                 LEFT JOIN staff s ON s.id = m.staff_id
                 WHERE m.variant_id = ?1 ORDER BY m.seq DESC LIMIT ?2",
                args![variant_id, limit.clamp(1, 10_000)],
                |r| {
                    Ok(StockMove {
                        id: r.get(0)?,
                        at: Timestamp(r.get(1)?),
                        location: r.get(2)?,
                        reason: MoveReason::from_db(&r.get::<String>(3)?),
                        on_hand_delta: r.get(4)?,
                        committed_delta: r.get(5)?,
                        unit_cost: r
                            .get::<Option<i64>>(6)?
                            .map(|c| Money::from_minor(c, currency)),
                        doc_type: r.get(7)?,
                        doc_id: r.get(8)?,
                        note: r.get(9)?,
                        staff: r.get(10)?,
                    })
                },
            )
        })
    }

    /// A manual correction with a reason in words (found, damaged, gift…).
    pub fn adjust_stock(&self, session: &Session, a: StockAdjustment) -> Result<Vec<StockLevel>> {
        if a.delta == 0 {
            return Err(Error::invalid(
                "an adjustment needs a quantity other than 0",
            ));
        }
        let note = a.note.trim();
        if note.is_empty() {
            return Err(Error::invalid(
                "say why the stock is adjusted (damaged, found, …)",
            ));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            location_exists(tx, &a.location_id)?;
            let label = variant_label(tx, &a.variant_id)?;
            if a.delta < 0 {
                take_out(tx, &a.variant_id, &a.location_id, -a.delta)?;
            }
            audit::record(
                tx,
                Change::by(
                    self.clock.now(),
                    session.staff_id(),
                    "stock_adjusted",
                    ("variant", &a.variant_id),
                    json!({ "item": label, "location_id": a.location_id, "delta": a.delta, "note": note }),
                ),
            )?;
            record_move(
                tx,
                &Move {
                    variant_id: &a.variant_id,
                    location_id: &a.location_id,
                    reason: MoveReason::Adjust,
                    on_hand: a.delta,
                    committed: 0,
                    unit_cost: None,
                    doc: None,
                    note,
                    staff_id: Some(session.staff_id()),
                    at: self.clock.now(),
                },
            )
        })?;
        self.stock_levels(session, &a.variant_id)
    }

    pub fn set_reorder_rule(
        &self,
        session: &Session,
        rule: ReorderRule,
    ) -> Result<Vec<StockLevel>> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            location_exists(tx, &rule.location_id)?;
            variant_label(tx, &rule.variant_id)?;
            match (rule.reorder_point, rule.reorder_qty) {
                (None, _) => {
                    tx.execute(
                        "DELETE FROM reorder_rule WHERE variant_id = ?1 AND location_id = ?2",
                        args![rule.variant_id, rule.location_id],
                    )?;
                }
                (Some(point), qty) => {
                    let qty = qty.unwrap_or(0);
                    if point < 0 || qty <= 0 {
                        return Err(Error::invalid(
                            "a reorder point is 0 or more and a reorder quantity at least 1",
                        ));
                    }
                    tx.execute(
                        "INSERT INTO reorder_rule (variant_id, location_id, reorder_point, reorder_qty)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (variant_id, location_id)
                         DO UPDATE SET reorder_point = ?3, reorder_qty = ?4",
                        args![rule.variant_id, rule.location_id, point, qty],
                    )?;
                }
            }
            Ok(())
        })?;
        self.stock_levels(session, &rule.variant_id)
    }

    /// Variants whose available stock at a location is at or below its reorder point.
    pub fn low_stock(&self, session: &Session) -> Result<Vec<LowStockLine>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            low_stock_in(c)
        })
    }
}

/// Everything low: under a rule, and (for the Low stock list and the catalog filter) without one.
pub(crate) fn low_stock_in(c: Conn) -> Result<Vec<LowStockLine>> {
    let mut lines = low_by_rule(c)?;
    lines.extend(low_lines(
        c,
        "SELECT v.id, coalesce(v.sku, ''), '', '', avail, CAST(?1 AS BIGINT), 0, 0
         FROM (SELECT v.id, v.sku, v.product_id,
                      (SELECT coalesce(sum(s.on_hand - s.committed), 0) FROM stock_level s
                       WHERE s.variant_id = v.id) AS avail
               FROM variant v
               WHERE NOT EXISTS (SELECT 1 FROM reorder_rule r WHERE r.variant_id = v.id)) v
         JOIN product p ON p.id = v.product_id AND p.status = 'active'
         WHERE avail <= CAST(?1 AS BIGINT)",
        args![LOW_WITHOUT_RULE],
    )?);
    // What is shortest first: a shop sees the empty shelves before the nearly empty ones.
    lines.sort_by(|a, b| (a.available, &a.label).cmp(&(b.available, &b.label)));
    Ok(lines)
}

/// Variants at or below their reorder point at a location: what Restock orders.
pub(crate) fn low_by_rule(c: Conn) -> Result<Vec<LowStockLine>> {
    low_lines(
        c,
        "SELECT r.variant_id, coalesce(v.sku, ''), r.location_id, l.name,
                coalesce(s.on_hand - s.committed, 0), r.reorder_point, r.reorder_qty, 1
         FROM reorder_rule r JOIN variant v ON v.id = r.variant_id
         JOIN location l ON l.id = r.location_id
         LEFT JOIN stock_level s ON s.variant_id = r.variant_id AND s.location_id = r.location_id
         WHERE coalesce(s.on_hand - s.committed, 0) <= r.reorder_point
         ORDER BY l.position, v.sku",
        args![],
    )
}

fn low_lines(c: Conn, sql: &str, params: &[&dyn Param]) -> Result<Vec<LowStockLine>> {
    type Row = (String, String, String, String, i64, i64, i64, bool);
    let rows: Vec<Row> = c.query_map(sql, params, |r| r.tuple())?;
    rows.into_iter()
        .map(
            |(variant_id, sku, location_id, location, available, point, qty, has_rule)| {
                Ok(LowStockLine {
                    label: variant_label(c, &variant_id)?,
                    variant_id,
                    sku,
                    location_id,
                    location,
                    available,
                    reorder_point: point,
                    reorder_qty: qty,
                    has_rule,
                })
            },
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_through_their_codes() {
        for r in MoveReason::ALL {
            assert_eq!(MoveReason::from_db(r.as_str()), r);
        }
    }

    #[test]
    fn committing_reserves_stock_without_moving_it() {
        use crate::catalog::product::{ProductDraft, VariantDraft};
        let dir = tempfile::tempdir().unwrap();
        let shop = Shop::open(
            &dir.path().join("s.sqlite3"),
            std::sync::Arc::new(crate::FixedClock::at(0)),
        )
        .unwrap();
        let (owner, _) = shop
            .create_shop(crate::shop::NewShop {
                name: "S".into(),
                currency: "EUR".into(),
                country: "IE".into(),
                owner_name: "O".into(),
                owner_pin: "1234".into(),
                ..Default::default()
            })
            .unwrap();
        let p = shop
            .create_product(
                &owner,
                ProductDraft {
                    title: "T".into(),
                    variants: vec![VariantDraft {
                        sku: "T".into(),
                        price: "1".into(),
                        ..VariantDraft::default()
                    }],
                    ..ProductDraft::default()
                },
            )
            .unwrap();
        let v = &p.variants[0].id;
        let loc = shop.locations(&owner).unwrap()[0].id.clone();
        shop.adjust_stock(
            &owner,
            StockAdjustment {
                variant_id: v.clone(),
                location_id: loc.clone(),
                delta: 5,
                note: "n".into(),
            },
        )
        .unwrap();
        let at = |s: &Shop| {
            s.stock_levels(&owner, v)
                .unwrap()
                .into_iter()
                .find(|l| l.location_id == loc)
                .unwrap()
        };
        shop.db
            .write(|tx| commit_stock(tx, v, &loc, 2, ("order", "o1"), None, Timestamp(1)))
            .unwrap();
        let l = at(&shop);
        assert_eq!((l.on_hand, l.committed, l.available), (5, 2, 3));
        shop.db
            .write(|tx| commit_stock(tx, v, &loc, -2, ("order", "o1"), None, Timestamp(2)))
            .unwrap();
        let l = at(&shop);
        assert_eq!((l.on_hand, l.committed, l.available), (5, 0, 5));
        let reasons: Vec<MoveReason> = shop
            .stock_moves(&owner, v, 10)
            .unwrap()
            .iter()
            .map(|m| m.reason)
            .collect();
        assert_eq!(
            reasons,
            [MoveReason::Release, MoveReason::Commit, MoveReason::Adjust]
        );
    }
}
