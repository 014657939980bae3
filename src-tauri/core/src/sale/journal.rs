//! The tamper-evident journal: every completed sale, return, void and shift close is appended
//! with a SHA-256 hash over its content and the previous entry's hash (the chaining French NF525
//! and German KassenSichV-style rules expect). Verification recomputes the chain and compares each
//! entry with the rows it describes, so an edited, removed or unjournaled record is found.

use crate::clock::Timestamp;
use crate::error::Result;
use crate::shop::staff::{authorize, Permission, Session};
use crate::till::THIS_TILL;
use crate::Shop;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use ts_rs::TS;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Sale,
    Return,
    Void,
    Close,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Sale => "sale",
            Kind::Return => "return",
            Kind::Void => "void",
            Kind::Close => "close",
        }
    }
}

fn entry_hash(seq: i64, at: i64, kind: &str, doc_id: &str, payload: &str, prev: &str) -> String {
    let mut h = Sha256::new();
    h.update(format!("{seq}\n{at}\n{kind}\n{doc_id}\n{payload}\n{prev}").as_bytes());
    format!("{:x}", h.finalize())
}

/// Appends an entry in the caller's transaction (the one that writes what it records).
pub(crate) fn append(
    conn: &Connection,
    at: Timestamp,
    kind: Kind,
    doc_id: &str,
    payload: &Value,
) -> Result<()> {
    let (seq, prev): (i64, String) = conn
        .prepare_cached("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| r.try_into())
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    let seq = seq + 1;
    // The hash covers this exact text; verification compares content as JSON values, so the key
    // order a build's serde_json features choose never matters.
    let payload = payload.to_string();
    let hash = entry_hash(seq, at.0, kind.as_str(), doc_id, &payload, &prev);
    conn.prepare_cached(&format!(
        "INSERT INTO journal (seq, at, kind, doc_id, payload, prev_hash, hash, station)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {THIS_TILL})"
    ))?
    .execute(params![
        seq,
        at.0,
        kind.as_str(),
        doc_id,
        payload,
        prev,
        hash
    ])?;
    Ok(())
}

/// What the journal records of a completed sale: its number, figures, lines and tenders, read
/// from the frozen rows (so verification can read them again and compare).
pub(crate) fn sale_payload(conn: &Connection, sale_id: &str) -> Result<Value> {
    type Head = (
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<String>,
    );
    let head: Head = conn
        .prepare_cached(
            "SELECT number, total_minor, tax_minor, rounding_minor, change_minor, shift_id FROM sale WHERE id = ?1",
        )?
        .query_row([sale_id], |r| r.try_into())?;
    let mut st = conn.prepare_cached(
        "SELECT id, kind, variant_id, quantity, amount_minor, tax_minor FROM sale_line
         WHERE sale_id = ?1 AND void_reason IS NULL ORDER BY position",
    )?;
    let lines: Vec<Value> = st
        .query_map([sale_id], |r| {
            Ok(json!([
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<i64>>(5)?
            ]))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = conn.prepare_cached(
        "SELECT kind, amount_minor, reference FROM tender WHERE sale_id = ?1 ORDER BY position",
    )?;
    let tenders: Vec<Value> = st
        .query_map([sale_id], |r| {
            Ok(json!([
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?
            ]))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(json!({
        "number": head.0, "total": head.1, "tax": head.2, "rounding": head.3, "change": head.4,
        "shift": head.5, "lines": lines, "tenders": tenders,
    }))
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct JournalCheck {
    #[ts(type = "number")]
    pub entries: i64,
    /// Empty when the journal and the records agree.
    pub problems: Vec<String>,
}

fn parse(text: &str) -> Option<Value> {
    serde_json::from_str(text).ok()
}

pub(crate) fn verify(conn: &Connection) -> Result<JournalCheck> {
    let mut problems = Vec::new();
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_string();
    let mut st = conn.prepare(
        "SELECT seq, at, kind, doc_id, payload, prev_hash, hash FROM journal ORDER BY seq",
    )?;
    let mut rows = st.query([])?;
    let mut entries = 0;
    // (what the entry records, document) → payload; a sale and a return are both "sale".
    let mut journaled: HashMap<(&'static str, String), String> = HashMap::new();
    while let Some(r) = rows.next()? {
        let (seq, at, kind, doc, payload, prev_hash, hash): (
            i64,
            i64,
            String,
            String,
            String,
            String,
            String,
        ) = (
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        );
        entries += 1;
        if seq != expected_seq {
            problems.push(format!("entries {expected_seq}–{} are missing", seq - 1));
        }
        if prev_hash != prev {
            problems.push(format!("entry {seq} does not follow the entry before it"));
        }
        if entry_hash(seq, at, &kind, &doc, &payload, &prev_hash) != hash {
            problems.push(format!("entry {seq} ({kind} {doc}) was edited"));
        }
        prev = hash;
        expected_seq = seq + 1;
        let what = match kind.as_str() {
            "sale" | "return" => "sale",
            "close" => "close",
            _ => "void",
        };
        journaled.insert((what, doc), payload);
    }
    drop(rows);
    // Every record the journal should hold, compared with what it holds.
    let mut st = conn.prepare("SELECT id FROM sale WHERE status = 'completed' ORDER BY number")?;
    let sales: Vec<String> = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in sales {
        let now = sale_payload(conn, &id)?;
        match journaled.get(&("sale", id.clone())) {
            None => problems.push(format!("sale {id} is not in the journal")),
            Some(p) if parse(p) != Some(now) => {
                problems.push(format!("sale {id} differs from its journal entry"))
            }
            Some(_) => {}
        }
    }
    let mut st = conn.prepare("SELECT id, report FROM shift WHERE status = 'closed'")?;
    let closes: Vec<(String, Option<String>)> = st
        .query_map([], |r| r.try_into())?
        .collect::<rusqlite::Result<_>>()?;
    for (id, report) in closes {
        let now = report.as_deref().and_then(parse);
        match journaled.get(&("close", id.clone())) {
            None => problems.push(format!("shift close {id} is not in the journal")),
            Some(p) if now.is_none() || parse(p) != now => {
                problems.push(format!("shift close {id} differs from its journal entry"))
            }
            Some(_) => {}
        }
    }
    Ok(JournalCheck { entries, problems })
}

impl Shop {
    /// Recomputes the journal's hash chain and compares it with the sales and closes.
    pub fn verify_journal(&self, session: &Session) -> Result<JournalCheck> {
        self.db.read(|c| {
            authorize(c, session, Permission::ReportsView)?;
            verify(c)
        })
    }
}
