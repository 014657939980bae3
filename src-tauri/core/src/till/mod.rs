//! A till on a shop several stations share: it sells journal-first. A sale, a shift's open,
//! cash move and close commit to the till's own file — its own receipt and shift series, its
//! own journal chain — with, in the same transaction, an action in its outbox holding the rows
//! the server is to hold. `send_waiting` then applies each action to the shop's server exactly
//! once, in order (`shopdesk_station::drain`), so the network is never on the checkout path and
//! no sale is lost or doubled by a lost reply, a killed server or a killed till. The till's file
//! holds what selling needs, read from the server and kept fresh (`cache`).

mod cache;
pub mod sharing;

use cache::seed;
pub(crate) use cache::till_name;

use crate::clock::{Clock, Timestamp};
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::store::{pg::Server, Db};
use crate::Shop;
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use shopdesk_station::drain::{drain, Action, Drained, Journal};
use std::path::Path;
use std::sync::Arc;
use ts_rs::TS;

/// How long a till keeps what the server took (a week; the server's own backups are kept two
/// days): a server restored from a backup taken before those sales gets them again.
const SENT_KEPT_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// The till this file is, in SQL: '' on a standalone shop and on the server.
pub(crate) const THIS_TILL: &str = "coalesce((SELECT till FROM shop WHERE id = 1), '')";

/// What a till sends: one document and the rows it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A completed or voided sale: its customer, lines, taxes, tenders, stock moves, gift cards,
    /// store credit, trail and journal entry. An open cart never leaves the till.
    Sale,
    /// A shift as it stands (opened, a cash move, closed), its cash moves and its close entry.
    Shift,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Sale => "sale",
            Kind::Shift => "shift",
        }
    }

    /// The tables the document's rows are in, parents first, each with the rows' filter on
    /// the document id (`?1`).
    fn rows(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kind::Sale => &[
                // A customer the clerk added at this till arrives with their first sale.
                (
                    "customer",
                    "id = (SELECT customer_id FROM sale WHERE id = ?1)",
                ),
                ("sale", "id = ?1"),
                ("sale_line", "sale_id = ?1"),
                (
                    "sale_line_tax",
                    "line_id IN (SELECT id FROM sale_line WHERE sale_id = ?1)",
                ),
                ("tender", "sale_id = ?1"),
                ("gift_card", "sale_id = ?1"),
                ("gift_card_move", "sale_id = ?1"),
                ("store_credit_move", "sale_id = ?1"),
                ("stock_move", "doc_type = 'sale' AND doc_id = ?1"),
                (
                    "audit_event",
                    "(entity = 'sale' AND entity_id = ?1) OR (entity = 'sale_line'
                      AND entity_id IN (SELECT id FROM sale_line WHERE sale_id = ?1))",
                ),
                ("journal", "doc_id = ?1"),
            ],
            Kind::Shift => &[
                ("shift", "id = ?1"),
                ("cash_move", "shift_id = ?1"),
                ("journal", "doc_id = ?1"),
            ],
        }
    }
}

/// Rows of one table as the server is to hold them, each a JSON object by column name.
#[derive(Debug, Serialize, Deserialize)]
struct Rows {
    table: String,
    rows: Vec<Map<String, Value>>,
}

/// How far this till's sales are from the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TillState {
    /// This till's name, on its receipts; '' when the shop is standalone.
    pub till: String,
    /// Actions (sales, shift changes) made here that the server does not have yet.
    pub waiting: u32,
    /// Why the shop's server could not be reached the last time it was tried (the till then
    /// works from its own copy); None when it was, and on a standalone shop.
    pub offline: Option<String>,
    /// Why the server refused the oldest sale waiting here (the server's own words), which
    /// holds back the ones after it until the owner sees to it; None when nothing is refused.
    pub refused: Option<String>,
    /// Actions the owner set aside after the server refused them (kept on this till).
    pub set_aside: u32,
}

/// A job of the shop and the station running it now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct JobStation {
    pub job: crate::server::Job,
    /// None: no station runs it now (one takes it when it can: a station open, holding the key
    /// or password the job needs).
    pub station: Option<String>,
}

/// What one send did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct Sent {
    /// Applied now.
    pub applied: u32,
    /// Found already applied (a lost reply, or a till killed before it noted the server's
    /// commit) and only noted.
    pub already: u32,
    /// Sent before, and sent again because the server no longer had them: it was restored
    /// from a backup taken before them.
    pub resent: u32,
    /// Still waiting, and why the send stopped: the server gone or refusing an action.
    pub waiting: u32,
    pub stopped: Option<String>,
}

pub(crate) fn this_till(conn: &Connection) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT till FROM shop WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

/// Puts the document `doc_id` in the outbox, in the caller's transaction, when this file is a
/// till; a standalone shop has no outbox.
pub(crate) fn queue(conn: &Connection, kind: Kind, doc_id: &str, at: Timestamp) -> Result<()> {
    if this_till(conn)?.is_empty() {
        return Ok(());
    }
    let rows = kind
        .rows()
        .iter()
        .map(|(table, filter)| read_rows(conn, table, filter, doc_id))
        .collect::<Result<Vec<Rows>>>()?;
    let payload = serde_json::to_string(&rows).map_err(|e| Error::Storage(e.to_string()))?;
    conn.prepare_cached(
        "INSERT INTO station_outbox (id, kind, payload, made_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![new_id(), kind.as_str(), payload, at.0])?;
    Ok(())
}

/// The rows of `table` matching `filter` on `id`. A row's local sequence (`stock_move.seq`) is
/// the file's own; the server gives its own.
fn read_rows(conn: &Connection, table: &str, filter: &str, id: &str) -> Result<Rows> {
    let mut st = conn.prepare_cached(&format!("SELECT * FROM {table} WHERE {filter}"))?;
    let names: Vec<String> = st.column_names().into_iter().map(String::from).collect();
    let local = |n: &str| table == "stock_move" && n == "seq";
    let rows = st
        .query_map([id], |r| {
            let mut row = Map::new();
            for (i, name) in names.iter().enumerate().filter(|(_, n)| !local(n)) {
                row.insert(name.clone(), json_value(r.get_ref(i)?));
            }
            Ok(row)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Rows {
        table: table.to_string(),
        rows,
    })
}

fn json_value(v: ValueRef) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(f) => f.into(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into(),
        // No table a till sends or reads holds bytes.
        ValueRef::Blob(_) => Value::Null,
    }
}

/// Writes an action's rows on the server, in its transaction. A shift's row is written as it
/// now stands; a cash move an earlier action of the same shift sent, or a customer the server
/// already has, is kept; anything else already there is a conflict, which refuses the action.
fn apply_rows(tx: &mut postgres::Transaction, payload: &str) -> Result<()> {
    let tables: Vec<Rows> = serde_json::from_str(payload)
        .map_err(|e| Error::Storage(format!("an outbox action: {e}")))?;
    tx.batch_execute("SET CONSTRAINTS ALL DEFERRED")?;
    for Rows { table, rows } in tables.iter().filter(|t| !t.rows.is_empty()) {
        let columns: Vec<&str> = rows[0].keys().map(String::as_str).collect();
        let list = columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let conflict = match (table.as_str(), columns.contains(&"id")) {
            ("shift", _) => format!(
                "ON CONFLICT (id) DO UPDATE SET {}",
                columns
                    .iter()
                    .filter(|c| **c != "id")
                    .map(|c| format!("\"{c}\" = EXCLUDED.\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            // Sent again with each change of their shift; a customer the server has is kept
            // as the server holds it.
            ("cash_move" | "customer", true) => "ON CONFLICT (id) DO NOTHING".to_string(),
            _ => String::new(),
        };
        let json = serde_json::to_string(rows).map_err(|e| Error::Storage(e.to_string()))?;
        tx.execute(
            &format!(
                "INSERT INTO {table} ({list}) SELECT {list}
                 FROM json_populate_recordset(NULL::{table}, $1::text::json) {conflict}"
            ),
            &[&json],
        )?;
    }
    Ok(())
}

/// The till's outbox, as the drain reads it.
struct Outbox<'s>(&'s Shop);

impl Journal for Outbox<'_> {
    fn waiting(&mut self, max: usize) -> std::result::Result<Vec<Action>, String> {
        self.0
            .db
            .read(|c| {
                let mut st = c.prepare_cached(
                    "SELECT id, kind, payload FROM station_outbox ORDER BY seq LIMIT ?1",
                )?;
                let rows = st.query_map([max as i64], |r| {
                    Ok(Action {
                        id: r.get(0)?,
                        kind: r.get(1)?,
                        payload: r.get(2)?,
                    })
                })?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .map_err(|e| e.to_string())
    }

    fn applied(&mut self, id: &str) -> std::result::Result<(), String> {
        self.0
            .db
            .own_write(|tx| {
                let now = self.0.clock.now().0;
                tx.prepare_cached(
                    "INSERT INTO station_sent (id, kind, payload, made_at, sent_at)
                     SELECT id, kind, payload, made_at, ?2 FROM station_outbox WHERE id = ?1",
                )?
                .execute(params![id, now])?;
                tx.prepare_cached("DELETE FROM station_outbox WHERE id = ?1")?
                    .execute([id])?;
                tx.prepare_cached("DELETE FROM station_sent WHERE sent_at < ?1")?
                    .execute([now - SENT_KEPT_MS])?;
                Ok(())
            })
            .map_err(|e| e.to_string())
    }
}

impl Shop {
    /// Opens the till `till`'s own database at `path` for a shop several stations share on the
    /// server at `server_url` (whose schema must be this build's). What is ported to both
    /// engines runs on the server; the counter sells from this file (made from the server the
    /// first time) and sends its sales on (`send_waiting`).
    pub fn open_station(
        path: &Path,
        server_url: &str,
        till: &str,
        clock: Arc<dyn Clock>,
    ) -> Result<Shop> {
        let till = till_name(till)?;
        let mut db = Db::open(path, None)?;
        db.attach_server(Server::at(server_url, clock.clone()).for_station(&till));
        let mine: Option<String> = db.read(|c| {
            Ok(
                c.query_row("SELECT till FROM shop WHERE id = 1", [], |r| r.get(0))
                    .optional()?,
            )
        })?;
        match mine {
            None => seed(&db, &till)?,
            Some(held) if held == till => {
                // A till starts whether or not its server is there (it sells from its file);
                // one of another schema is refused all the same.
                if let Some(server) = db.server() {
                    match server.with_client(|_, _| Ok(())) {
                        Ok(()) | Err(Error::ServerOffline(_)) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            Some(held) if held.is_empty() => {
                return Err(Error::Conflict(
                    "this file is a standalone shop: a till works from a file of its own".into(),
                ))
            }
            Some(held) => {
                return Err(Error::Conflict(format!(
                    "this file is till {held}'s, not {till}'s"
                )))
            }
        }
        Ok(Shop { db, clock })
    }

    /// Brings this till's copy of the catalog, stock levels, staff, customers and settings up
    /// to the server's, once everything it made is there (else it waits for the next time);
    /// the rows written. A standalone shop has nothing to refresh.
    pub fn refresh_till(&self) -> Result<usize> {
        if self.db.server().is_none() || self.till_state()?.waiting > 0 {
            return Ok(0);
        }
        cache::refresh(&self.db)
    }

    /// Waits up to `wait` for a change to the shop made at any station; whether one came (a
    /// standalone shop just waits). The till's refresh follows it at once.
    pub fn wait_for_change(&self, wait: std::time::Duration) -> bool {
        match self.db.server() {
            Some(server) => server.changed_within(wait),
            None => {
                std::thread::sleep(wait);
                false
            }
        }
    }

    /// Whether this computer runs the shop's `job` now (the marketplace sync, the mailbox, the
    /// outbox, the server's backup): always when standalone; on a station of a shared shop,
    /// while it holds the job — one station at a time, so an order is pulled, a message fetched
    /// or sent once; another takes over when it stops or loses the server.
    pub fn runs_job(&self, job: crate::server::Job) -> bool {
        self.db.runs(job).unwrap_or(false)
    }

    /// Leaves the shop's `job` to another station (one that holds the key or password it
    /// needs: those stay in the keychain of the computer they were entered on). Nothing on a
    /// standalone shop, which runs every job itself.
    pub fn leave_job(&self, job: crate::server::Job) {
        self.db.leave(job)
    }

    /// Which station runs each of the shop's jobs now; nothing on a standalone shop, which runs
    /// them all itself. Read from the server, so refused while it is away.
    pub fn job_stations(&self) -> Result<Vec<JobStation>> {
        use crate::server::Job;
        let Some(server) = self.db.server() else {
            return Ok(Vec::new());
        };
        let jobs = [Job::Sync, Job::Mail, Job::Mailbox, Job::Backup];
        let stations = server.job_stations(&jobs)?;
        Ok(jobs
            .into_iter()
            .zip(stations)
            .map(|(job, station)| JobStation { job, station })
            .collect())
    }

    /// Whether this computer is a station of a shop shared on a server.
    pub fn is_station(&self) -> bool {
        self.db.server().is_some()
    }

    /// This till and what it has not yet sent.
    pub fn till_state(&self) -> Result<TillState> {
        self.db.read(|c| {
            Ok(TillState {
                till: this_till(c)?,
                waiting: c.query_row("SELECT count(*) FROM station_outbox", [], |r| r.get(0))?,
                offline: self.db.server().and_then(|s| s.offline()),
                refused: self.db.server().and_then(|s| s.refused()),
                set_aside: c
                    .query_row("SELECT count(*) FROM station_set_aside", [], |r| r.get(0))?,
            })
        })
    }

    /// Puts back in the outbox what this till sent that the shop's server no longer has (it
    /// was restored from a backup taken before), ahead of what waits and in the order it was
    /// first sent; how many. The server's `applied_actions`, restored with everything else,
    /// says which: one statement asks for the last action sent, and only a server without it
    /// is asked for the rest.
    fn resend_lost(&self, client: &mut postgres::Client) -> Result<u32> {
        let sent_ids = |sql: &str| {
            self.db.read(|c| {
                let mut st = c.prepare_cached(sql)?;
                let ids = st.query_map([], |r| r.get(0))?;
                Ok(ids.collect::<rusqlite::Result<Vec<String>>>()?)
            })
        };
        let last = sent_ids("SELECT id FROM station_sent ORDER BY seq DESC LIMIT 1")?;
        let on_server = "SELECT action_id FROM applied_actions WHERE action_id = ANY($1)";
        if last.is_empty() || !client.query(on_server, &[&last])?.is_empty() {
            return Ok(0);
        }
        let kept = sent_ids("SELECT id FROM station_sent ORDER BY seq")?;
        let held: std::collections::HashSet<String> = client
            .query(on_server, &[&kept])?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let lost: Vec<&String> = kept.iter().filter(|id| !held.contains(*id)).collect();
        self.db.own_write(|tx| {
            // Keys below the outbox's first: drained first, in their order.
            let first: i64 = tx.query_row(
                "SELECT coalesce(min(seq), 1) FROM station_outbox",
                [],
                |r| r.get(0),
            )?;
            let mut back = tx.prepare(
                "INSERT INTO station_outbox (seq, id, kind, payload, made_at)
                 SELECT ?1, id, kind, payload, made_at FROM station_sent WHERE id = ?2",
            )?;
            let mut gone = tx.prepare("DELETE FROM station_sent WHERE id = ?1")?;
            for (i, id) in lost.iter().enumerate() {
                back.execute(params![first - (lost.len() - i) as i64, id])?;
                gone.execute([id])?;
            }
            Ok(())
        })?;
        Ok(lost.len() as u32)
    }

    /// Sends what this till made to the shop's server, oldest first, each action exactly once.
    /// Stops at the first action the server could not take (it is offline, or refused one): the
    /// rest wait, in order, for the next send. A standalone shop has nothing to send.
    pub fn send_waiting(&self) -> Result<Sent> {
        let Some(server) = self.db.server() else {
            return Ok(Sent::default());
        };
        let till = self.db.read(|c| this_till(c))?;
        let mut resent = 0;
        let mut send = || -> Result<Drained> {
            let sent = server.with_client(|client, new| {
                if *new {
                    resent += self.resend_lost(client)?;
                    *new = false;
                }
                let done = drain(&mut Outbox(self), client, &till, 64, |tx, action| {
                    apply_rows(tx, &action.payload)
                })
                .map_err(Error::Storage)?;
                // Stopped with the connection still up: the server refused the action itself.
                let refused = done.stopped.clone().filter(|_| !client.is_closed());
                server.note_refused(refused);
                Ok(done)
            });
            match sent {
                // Not reached: everything waits for the next send.
                Err(Error::ServerOffline(why)) => Ok(Drained {
                    stopped: Some(why),
                    ..Default::default()
                }),
                other => other,
            }
        };
        // A connection held from before an outage is found dead only when used: one more try
        // on a new one (applying is idempotent, so a try that did reach the server costs nothing).
        let stale = server.connected();
        let mut done = send()?;
        if stale && done.stopped.is_some() && done.applied + done.already == 0 {
            done = send()?;
        }
        Ok(Sent {
            applied: done.applied as u32,
            already: done.already as u32,
            resent,
            waiting: self.till_state()?.waiting,
            stopped: done.stopped,
        })
    }
}
