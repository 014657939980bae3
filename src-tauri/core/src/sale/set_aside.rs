//! A sale the shop's server refused: it holds back the till's later sales, in order, until the
//! owner sees to it. Either the cause is put right at the back office and the till's next send
//! takes it, or the owner sets it aside — it leaves the queue for the till's own list of set-aside
//! actions, with the server's words and who decided, and the sales after it go on. The till's
//! journal keeps the sale either way; the list says what the server's books lack, and once the
//! cause is put right a set-aside sale is sent again.

use crate::audit::{self, Change};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::args;
use crate::Shop;
use serde::Serialize;
use ts_rs::TS;

/// An action the owner set aside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SetAside {
    pub id: String,
    /// What it was: a sale, a shift opened or closed.
    pub kind: String,
    /// The receipt, when it was a sale (R-T1-00000042).
    pub receipt: Option<String>,
    pub made_at: Timestamp,
    /// The server's words when it refused it.
    pub reason: String,
    pub set_aside_at: Timestamp,
    pub set_aside_by: String,
}

impl Shop {
    /// Sets the refused action — the oldest this till has waiting — aside, for someone who may
    /// change the shop's settings. Refused when the server has refused nothing (an action that
    /// merely waits for an absent server is never set aside).
    pub fn set_aside_refused(&self, session: &Session) -> Result<SetAside> {
        let reason = self.db.server().and_then(|s| s.refused()).ok_or_else(|| {
            Error::Conflict(
                "the shop's server has refused nothing from this till: what waits goes out \
                     on its own"
                    .into(),
            )
        })?;
        let now = self.clock.now();
        let id = self.db.own_write(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            let c = crate::sql::Conn::from(&**tx);
            let id: String = c
                .query_opt(
                    "SELECT id FROM station_outbox ORDER BY seq LIMIT 1",
                    args![],
                    |r| r.get(0),
                )?
                .ok_or_else(|| Error::Conflict("nothing waits to be sent".into()))?;
            c.execute(
                "INSERT INTO station_set_aside (id, kind, payload, made_at, reason, set_aside_at,
                     set_aside_by)
                 SELECT id, kind, payload, made_at, ?2, ?3, ?4 FROM station_outbox WHERE id = ?1",
                args![id, reason, now.0, session.staff_id()],
            )?;
            c.execute("DELETE FROM station_outbox WHERE id = ?1", args![id])?;
            audit::record(
                c,
                Change::by(
                    now,
                    session.staff_id(),
                    "station.set_aside",
                    ("station_outbox", &id),
                    serde_json::json!({ "reason": reason }),
                ),
            )?;
            Ok(id)
        })?;
        // The refusal was this action's: the next send says whether another follows.
        if let Some(server) = self.db.server() {
            server.note_refused(None);
        }
        self.set_aside(session)?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or(Error::NotFound { what: "action" })
    }

    /// Puts an action set aside back in the queue, last, once the cause was put right at the
    /// back office (a product restored, a setting changed): the till's next send offers it to
    /// the server again. Refused again, it holds back the queue as before and can be set aside
    /// again. For someone who may change the shop's settings; on the audit trail.
    pub fn send_again(&self, session: &Session, id: &str) -> Result<()> {
        let now = self.clock.now();
        self.db.own_write(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            let c = crate::sql::Conn::from(&**tx);
            let moved = c.execute(
                "INSERT INTO station_outbox (id, kind, payload, made_at)
                 SELECT id, kind, payload, made_at FROM station_set_aside WHERE id = ?1",
                args![id],
            )?;
            if moved == 0 {
                return Err(Error::NotFound { what: "action" });
            }
            c.execute("DELETE FROM station_set_aside WHERE id = ?1", args![id])?;
            audit::record(
                c,
                Change::by(
                    now,
                    session.staff_id(),
                    "station.send_again",
                    ("station_outbox", id),
                    serde_json::json!({}),
                ),
            )
        })
    }

    /// What this till set aside, newest first.
    pub fn set_aside(&self, session: &Session) -> Result<Vec<SetAside>> {
        self.db.read(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            let c = crate::sql::Conn::from(&**tx);
            c.query_map(
                "SELECT a.id, a.kind, a.made_at, a.reason, a.set_aside_at, coalesce(s.name, ''),
                        a.payload
                 FROM station_set_aside a LEFT JOIN staff s ON s.id = a.set_aside_by
                 ORDER BY a.set_aside_at DESC, a.seq DESC",
                args![],
                |r| {
                    let payload: String = r.get(6)?;
                    Ok(SetAside {
                        id: r.get(0)?,
                        kind: r.get(1)?,
                        receipt: receipt_of(&payload),
                        made_at: Timestamp(r.get(2)?),
                        reason: r.get(3)?,
                        set_aside_at: Timestamp(r.get(4)?),
                        set_aside_by: r.get(5)?,
                    })
                },
            )
        })
    }
}

/// The receipt a sale's rows carry (its `sale` row's station and number).
fn receipt_of(payload: &str) -> Option<String> {
    let tables: Vec<serde_json::Value> = serde_json::from_str(payload).ok()?;
    let sale = tables
        .iter()
        .find(|t| t["table"] == "sale")?
        .get("rows")?
        .get(0)?
        .clone();
    let number = sale.get("number")?.as_i64()?;
    let station = sale.get("station").and_then(|s| s.as_str()).unwrap_or("");
    Some(super::receipt_code(station, number))
}
