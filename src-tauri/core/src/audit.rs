//! The audit trail: who changed what and when, written in the same transaction as the change so
//! the record and the change can never disagree.

use crate::clock::Timestamp;
use crate::error::Result;
use crate::id::new_id;
use crate::sql::{args, Conn, Engine};

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AuditEvent {
    pub id: String,
    pub at: Timestamp,
    pub staff_id: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    #[ts(type = "unknown")]
    pub detail: serde_json::Value,
}

/// One change, recorded by the action that makes it.
pub struct Change<'a> {
    pub at: Timestamp,
    pub staff_id: Option<&'a str>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<&'a str>,
    pub detail: serde_json::Value,
}

impl<'a> Change<'a> {
    /// The common case: a staff member changed one record.
    pub fn by(
        at: Timestamp,
        staff_id: &'a str,
        action: &'a str,
        (entity, entity_id): (&'a str, &'a str),
        detail: serde_json::Value,
    ) -> Self {
        Change {
            at,
            staff_id: Some(staff_id),
            action,
            entity,
            entity_id: Some(entity_id),
            detail,
        }
    }
}

/// What changed between two records, field by field: `{field: [before, after]}`, the shape the
/// Audit screen shows as before → after. Fields in `skip` (timestamps, computed figures) are left
/// out.
pub(crate) fn diff(
    before: &serde_json::Value,
    after: &serde_json::Value,
    skip: &[&str],
) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    if let (Some(b), Some(a)) = (before.as_object(), after.as_object()) {
        for (k, av) in a {
            if skip.contains(&k.as_str()) {
                continue;
            }
            let bv = b.get(k).unwrap_or(&serde_json::Value::Null);
            if bv != av {
                out.insert(k.clone(), serde_json::json!([bv, av]));
            }
        }
    }
    out
}

/// Records a change, with the station it was made at: a till's own name from its file, the
/// station's from its server connection (`shopdesk.station`), '' on a standalone shop.
pub(crate) fn record<'c>(conn: impl Into<Conn<'c>>, c: Change) -> Result<()> {
    let conn = conn.into();
    let station = match conn.engine() {
        Engine::Sqlite => "(SELECT till FROM shop WHERE id = 1)",
        Engine::Postgres => "coalesce(current_setting('shopdesk.station', true), '')",
    };
    conn.execute(
        &format!(
            "INSERT INTO audit_event (id, at, staff_id, action, entity, entity_id, detail, station)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {station})"
        ),
        args![
            new_id(),
            c.at.0,
            c.staff_id,
            c.action,
            c.entity,
            c.entity_id,
            c.detail.to_string()
        ],
    )?;
    Ok(())
}

/// The history of one record (or of a whole kind when `entity_id` is None), newest first.
pub(crate) fn history<'c>(
    conn: impl Into<Conn<'c>>,
    entity: &str,
    entity_id: Option<&str>,
    limit: u32,
) -> Result<Vec<AuditEvent>> {
    conn.into().query_map(
        "SELECT id, at, staff_id, action, entity, entity_id, detail FROM audit_event
         WHERE entity = ?1 AND (CAST(?2 AS TEXT) IS NULL OR entity_id = ?2)
         ORDER BY at DESC, id DESC LIMIT ?3",
        args![entity, entity_id, i64::from(limit)],
        |r| {
            Ok(AuditEvent {
                id: r.get(0)?,
                at: Timestamp(r.get(1)?),
                staff_id: r.get(2)?,
                action: r.get(3)?,
                entity: r.get(4)?,
                entity_id: r.get(5)?,
                detail: serde_json::from_str(r.text(6)?).unwrap_or(serde_json::Value::Null),
            })
        },
    )
}
