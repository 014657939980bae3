//! The audit trail, readable: who changed what and when — prices, stock adjustments, discounts
//! and voids approved, permissions, settings, refunds, exports, erasures, restores — with before
//! and after, filtered by person, kind, days and document, and as CSV.

use super::staff::{authorize, Permission, Session};
use crate::audit::{self, Change};
use crate::clock::parse_day;
use crate::error::{Error, Result};
use crate::sql::{Arg, Conn, Param};
use crate::{Shop, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// The most entries one page shows.
pub const TRAIL_PAGE: u32 = 200;

#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct TrailQuery {
    /// First day, on the shop's calendar ("2026-11-01"); empty for no limit.
    #[serde(default)]
    pub from: String,
    /// Last day, included.
    #[serde(default)]
    pub to: String,
    /// Only what this staff member did.
    #[serde(default)]
    pub staff_id: Option<String>,
    /// Only this kind of change ("refund_issued", "settings.counter", …).
    #[serde(default)]
    pub action: Option<String>,
    /// Only entries about this document or record: its id, or a number or code it mentions
    /// ("R00000042", "#1042", a SKU).
    #[serde(default)]
    pub document: String,
    #[serde(default)]
    pub offset: u32,
}

/// One field's before and after ("price": "12.00" → "14.00").
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TrailChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TrailEntry {
    pub id: String,
    pub at: Timestamp,
    /// Who, by name; None for the app itself (a sync, a restore's own record).
    pub staff: Option<String>,
    /// The station it was done at (its name, "T1"); '' on a standalone shop.
    pub station: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    /// Fields recorded as [before, after].
    pub changes: Vec<TrailChange>,
    /// Everything else the entry recorded, as "key: value".
    pub facts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TrailPage {
    pub entries: Vec<TrailEntry>,
    /// Entries that match, on every page.
    #[ts(type = "number")]
    pub total: i64,
    /// Every kind of change recorded, for the filter.
    pub actions: Vec<String>,
}

fn text(v: &Value) -> String {
    // An amount as people write it ("25.50 EUR"), not as it crosses the wire.
    let money = v.as_object().and_then(|m| {
        let currency = crate::Currency::from_code(m.get("currency")?.as_str()?).ok()?;
        let minor = m.get("minor")?.as_i64()?;
        Some(format!(
            "{} {}",
            crate::Money::from_minor(minor, currency).to_decimal_string(),
            currency.code()
        ))
    });
    if let Some(m) = money {
        return m;
    }
    match v {
        Value::Null => "—".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Splits a recorded detail into before/after pairs (`{field: [before, after]}`, one level of
/// nesting for a variant's fields) and plain facts.
fn split(detail: &Value) -> (Vec<TrailChange>, Vec<String>) {
    let (mut changes, mut facts) = (Vec::new(), Vec::new());
    let Some(map) = detail.as_object() else {
        if !detail.is_null() {
            facts.push(text(detail));
        }
        return (changes, facts);
    };
    for (key, value) in map {
        match value {
            Value::Array(pair) if pair.len() == 2 => changes.push(TrailChange {
                field: key.clone(),
                before: text(&pair[0]),
                after: text(&pair[1]),
            }),
            Value::Object(inner)
                if inner
                    .values()
                    .all(|v| v.as_array().is_some_and(|a| a.len() == 2)) =>
            {
                for (field, pair) in inner {
                    let pair = pair.as_array().map(Vec::as_slice).unwrap_or_default();
                    changes.push(TrailChange {
                        field: format!("{key} · {field}"),
                        before: text(&pair[0]),
                        after: text(&pair[1]),
                    });
                }
            }
            other => facts.push(format!("{key}: {}", text(other))),
        }
    }
    (changes, facts)
}

/// The WHERE clause every trail read shares, with its parameters.
fn matching(conn: Conn, q: &TrailQuery) -> Result<(String, Vec<Arg>)> {
    let zone = super::zone(conn)?;
    let mut sql = String::from("WHERE 1 = 1");
    let mut args: Vec<Arg> = Vec::new();
    // Each condition with its parameter numbered in turn (`?N`, as both engines read them).
    let mut add = |condition: &str, value: Arg| {
        args.push(value);
        sql.push_str(&condition.replace('?', &format!("?{}", args.len())));
    };
    let from = Some(q.from.trim()).filter(|s| !s.is_empty());
    let to = Some(q.to.trim()).filter(|s| !s.is_empty());
    let first = from.map(|d| parse_day(d, "first")).transpose()?;
    let last = to.map(|d| parse_day(d, "last")).transpose()?;
    if let (Some(f), Some(l)) = (first, last) {
        if l < f {
            return Err(Error::invalid("the last day is before the first"));
        }
    }
    if let Some(f) = first {
        add(" AND a.at >= ?", zone.start_of(f).0.into());
    }
    if let Some(l) = last {
        let next = l
            .tomorrow()
            .map_err(|_| Error::invalid("the last day is out of range"))?;
        add(" AND a.at < ?", zone.start_of(next).0.into());
    }
    if let Some(staff) = q.staff_id.as_deref().filter(|s| !s.is_empty()) {
        add(" AND a.staff_id = ?", staff.into());
    }
    if let Some(action) = q.action.as_deref().filter(|s| !s.is_empty()) {
        add(" AND a.action = ?", action.into());
    }
    let doc = q.document.trim().trim_start_matches('#');
    if !doc.is_empty() {
        // An id, or a number or code the detail mentions.
        add(" AND (a.entity_id = ?", doc.into());
        add(
            &format!(" OR {})", conn.contains("a.detail", "?")),
            doc.into(),
        );
    }
    Ok((sql, args))
}

fn read(conn: Conn, q: &TrailQuery, limit: Option<u32>) -> Result<TrailPage> {
    let (filter, args) = matching(conn, q)?;
    let params: Vec<&dyn Param> = args.iter().map(|a| a as &dyn Param).collect();
    let total: i64 = conn.query_row(
        &format!("SELECT count(*) FROM audit_event a {filter}"),
        &params,
        |r| r.get(0),
    )?;
    let page = match limit {
        Some(n) => format!("LIMIT {n} OFFSET {}", q.offset),
        None => String::new(),
    };
    let entries = conn.query_map(
        &format!(
            "SELECT a.id, a.at, s.name, a.action, a.entity, a.entity_id, a.detail, a.station
             FROM audit_event a LEFT JOIN staff s ON s.id = a.staff_id {filter}
             ORDER BY a.at DESC, a.id DESC {page}"
        ),
        &params,
        |r| {
            let detail: String = r.get(6)?;
            let (changes, facts) = split(&serde_json::from_str(&detail).unwrap_or(Value::Null));
            Ok(TrailEntry {
                id: r.get(0)?,
                at: Timestamp(r.get(1)?),
                staff: r.get(2)?,
                station: r.get(7)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                changes,
                facts,
            })
        },
    )?;
    let actions = conn.query_map(
        "SELECT DISTINCT action FROM audit_event ORDER BY action",
        &[],
        |r| r.get(0),
    )?;
    Ok(TrailPage {
        entries,
        total,
        actions,
    })
}

impl Shop {
    /// A page of the trail, newest first, for owners and managers (whoever reads reports).
    pub fn audit_trail(&self, session: &Session, q: &TrailQuery) -> Result<TrailPage> {
        self.db.shared_read(|c: Conn| {
            authorize(c, session, Permission::ReportsView)?;
            read(c, q, Some(TRAIL_PAGE))
        })
    }

    /// Every entry that matches, as CSV (one row per changed field, so a spreadsheet can filter
    /// on it). The export is itself on the trail.
    pub fn audit_trail_csv(&self, session: &Session, q: &TrailQuery) -> Result<Vec<u8>> {
        let (page, zone) = self.db.shared_read(|c: Conn| {
            authorize(c, session, Permission::ReportsView)?;
            Ok((read(c, q, None)?, super::zone(c)?))
        })?;
        let mut out = csv::Writer::from_writer(Vec::new());
        let row = |out: &mut csv::Writer<Vec<u8>>, cells: [&str; 9]| {
            out.write_record(cells)
                .map_err(|e| Error::Internal(e.to_string()))
        };
        row(
            &mut out,
            [
                "time", "staff", "action", "record", "id", "field", "before", "after", "station",
            ],
        )?;
        for e in &page.entries {
            let at = zone.date_time_text(e.at);
            let (staff, id) = (
                e.staff.as_deref().unwrap_or(""),
                e.entity_id.as_deref().unwrap_or(""),
            );
            let head = [at.as_str(), staff, e.action.as_str(), e.entity.as_str(), id];
            for c in &e.changes {
                row(
                    &mut out,
                    [
                        head[0], head[1], head[2], head[3], head[4], &c.field, &c.before, &c.after,
                        &e.station,
                    ],
                )?;
            }
            let facts = e.facts.join("; ");
            if e.changes.is_empty() || !facts.is_empty() {
                row(
                    &mut out,
                    [
                        head[0], head[1], head[2], head[3], head[4], "", "", &facts, &e.station,
                    ],
                )?;
            }
        }
        let bytes = out
            .into_inner()
            .map_err(|e| Error::Internal(e.to_string()))?;
        self.note_export(session, "audit_trail", page.total)?;
        Ok(bytes)
    }

    /// Puts an export (a file of the shop's data leaving the app) on the trail.
    pub fn note_export(&self, session: &Session, what: &str, rows: i64) -> Result<()> {
        let now = self.clock.now();
        // On the shop's trail wherever the file was made; a till without its server keeps it
        // in its own file (an export must not wait on the network).
        self.db.shared_or_own_write(|tx| {
            audit::record(
                tx,
                Change::by(
                    now,
                    session.staff_id(),
                    "exported",
                    ("export", what),
                    serde_json::json!({ "what": what, "rows": rows }),
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_detail_splits_into_before_after_and_facts() {
        let (changes, facts) = split(&serde_json::json!({
            "title": ["Mug", "Big mug"],
            "variant Blue": { "price_minor": [1200, 1400] },
            "note": "found in the back",
        }));
        assert_eq!(
            changes,
            vec![
                TrailChange {
                    field: "title".into(),
                    before: "Mug".into(),
                    after: "Big mug".into()
                },
                TrailChange {
                    field: "variant Blue · price_minor".into(),
                    before: "1200".into(),
                    after: "1400".into()
                },
            ]
        );
        assert_eq!(facts, vec!["note: found in the back".to_string()]);
    }
}
