//! Transfers: stock sent from one location leaves it at once and arrives at the other when
//! received, each step a pair of ledger movements tied to the transfer.

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::stock::{location_exists, record_move, take_out, variant_label, Move, MoveReason};
use crate::store::next_number;
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Deserialize, TS)]
pub struct TransferLineDraft {
    pub variant_id: String,
    pub qty: i64,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct TransferDraft {
    pub from_id: String,
    pub to_id: String,
    pub lines: Vec<TransferLineDraft>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TransferLine {
    pub variant_id: String,
    pub label: String,
    pub qty: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TransferStatus {
    Sent,
    Received,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Transfer {
    pub id: String,
    pub number: i64,
    pub from: String,
    pub to: String,
    pub status: TransferStatus,
    pub sent_at: Timestamp,
    pub received_at: Option<Timestamp>,
    pub lines: Vec<TransferLine>,
}

fn load_transfer<'c>(conn: impl Into<Conn<'c>>, id: &str) -> Result<Transfer> {
    let conn = conn.into();
    let mut t = conn
        .query_opt(
            "SELECT t.id, t.number, f.name, o.name, t.status, t.sent_at, t.received_at
             FROM transfer t JOIN location f ON f.id = t.from_id JOIN location o ON o.id = t.to_id
             WHERE t.id = ?1",
            args![id],
            |r| {
                Ok(Transfer {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    from: r.get(2)?,
                    to: r.get(3)?,
                    status: if r.text(4)? == "received" {
                        TransferStatus::Received
                    } else {
                        TransferStatus::Sent
                    },
                    sent_at: Timestamp(r.get(5)?),
                    received_at: r.get::<Option<i64>>(6)?.map(Timestamp),
                    lines: Vec::new(),
                })
            },
        )?
        .ok_or(Error::NotFound { what: "transfer" })?;
    let ids: Vec<(String, i64)> = conn.query_map(
        "SELECT variant_id, qty FROM transfer_line WHERE transfer_id = ?1 ORDER BY variant_id",
        args![id],
        |r| r.tuple(),
    )?;
    for (variant_id, qty) in ids {
        t.lines.push(TransferLine {
            label: variant_label(conn, &variant_id)?,
            variant_id,
            qty,
        });
    }
    Ok(t)
}

impl Shop {
    /// Sends stock from one location: it leaves the sender now and arrives when received.
    pub fn send_transfer(&self, session: &Session, d: TransferDraft) -> Result<Transfer> {
        if d.from_id == d.to_id {
            return Err(Error::invalid(
                "a transfer goes between two different locations",
            ));
        }
        if d.lines.is_empty() {
            return Err(Error::invalid("a transfer needs at least one line"));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            location_exists(tx, &d.from_id)?;
            location_exists(tx, &d.to_id)?;
            let id = new_id();
            let number = next_number(tx, "transfer")?;
            let now = self.clock.now();
            tx.execute(
                "INSERT INTO transfer (id, number, from_id, to_id, status, sent_by, sent_at)
                 VALUES (?1, ?2, ?3, ?4, 'sent', ?5, ?6)",
                args![id, number, d.from_id, d.to_id, session.staff_id(), now.0],
            )?;
            for line in &d.lines {
                if line.qty <= 0 {
                    return Err(Error::invalid("transfer quantities are 1 or more"));
                }
                take_out(tx, &line.variant_id, &d.from_id, line.qty)?;
                tx.execute_unique(
                    "INSERT INTO transfer_line (transfer_id, variant_id, qty) VALUES (?1, ?2, ?3)",
                    args![id, line.variant_id, line.qty],
                    || "a variant is on the transfer twice".into(),
                )?;
                record_move(
                    tx,
                    &Move {
                        variant_id: &line.variant_id,
                        location_id: &d.from_id,
                        reason: MoveReason::TransferOut,
                        on_hand: -line.qty,
                        committed: 0,
                        unit_cost: None,
                        doc: Some(("transfer", &id)),
                        note: "",
                        staff_id: Some(session.staff_id()),
                        at: now,
                    },
                )?;
            }
            load_transfer(tx, &id)
        })
    }

    pub fn receive_transfer(&self, session: &Session, id: &str) -> Result<Transfer> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            let t = load_transfer(tx, id)?;
            let now = self.clock.now();
            // Received once: the status changes first and only from "sent", so two stations
            // receiving the same transfer at once cannot both put its stock on the shelf.
            let to_id: Option<String> = tx.query_opt(
                "UPDATE transfer SET status = 'received', received_at = ?2
                 WHERE id = ?1 AND status = 'sent' RETURNING to_id",
                args![id, now.0],
                |r| r.get(0),
            )?;
            let Some(to_id) = to_id else {
                return Err(Error::Conflict(format!(
                    "transfer {} was already received",
                    t.number
                )));
            };
            for line in &t.lines {
                record_move(
                    tx,
                    &Move {
                        variant_id: &line.variant_id,
                        location_id: &to_id,
                        reason: MoveReason::TransferIn,
                        on_hand: line.qty,
                        committed: 0,
                        unit_cost: None,
                        doc: Some(("transfer", id)),
                        note: "",
                        staff_id: Some(session.staff_id()),
                        at: now,
                    },
                )?;
            }
            load_transfer(tx, id)
        })
    }

    pub fn transfers(&self, session: &Session) -> Result<Vec<Transfer>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            let ids: Vec<String> = c.query_map(
                "SELECT id FROM transfer ORDER BY number DESC LIMIT 200",
                args![],
                |r| r.get(0),
            )?;
            ids.iter().map(|id| load_transfer(c, id)).collect()
        })
    }
}
