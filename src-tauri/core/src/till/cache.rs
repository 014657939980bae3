//! A till's own file holds what selling needs, read from the shop's server: the shop and its
//! settings, staff and roles, locations and stations, taxes, the catalog with its stock
//! levels, discount codes, customers. It is made in one transaction when the till first
//! opens (`seed`), and kept fresh while the till runs (`refresh`) — only when everything the
//! till made is on the server, so a level read back already counts the till's own sales. The
//! counter then works from this file whatever the network does; its own sales and shifts are
//! the only history it keeps, so its receipt and shift series start at 1 under its own name.

use crate::error::{Error, Result};
use crate::sql::Conn;
use crate::store::Db;
use rusqlite::types::Value as Sql;
use rusqlite::Connection;
use serde_json::{Map, Value};
use std::sync::atomic::Ordering;

/// What a till copies, parents before the rows that point at them. (A variant's cost history
/// is made on the till by its own trigger; a sale reads the variant's cost.)
const SELLING: &[&str] = &[
    "shop",
    "role",
    "staff",
    "location",
    "station",
    "tax_rate",
    "supplier",
    "product",
    "variant",
    "stock_level",
    "discount_code",
    "customer",
];

/// Tables whose rows say when they last changed: a refresh reads those changed since the
/// newest this file holds, less a margin for stations whose clocks run behind.
const STAMPED: &[&str] = &[
    "role", "staff", "supplier", "product", "variant", "customer",
];
const CLOCK_MARGIN_MS: i64 = 10 * 60 * 1000;

/// Small tables read whole at each refresh; of these, rows the server no longer has (a
/// discount code or tax rate taken out) leave the till too.
const WHOLE: &[&str] = &["shop", "location", "station", "tax_rate", "discount_code"];
const FOLLOW_DELETES: &[&str] = &["tax_rate", "discount_code"];

/// Rows written per transaction while refreshing, so a sale never waits long for the file.
const CHUNK: usize = 2_000;

/// A till's name as printed on its receipts (`R-T1-00000042`): one to eight letters or digits.
pub(crate) fn till_name(name: &str) -> Result<String> {
    let name = name.trim().to_ascii_uppercase();
    if name.is_empty() || name.len() > 8 || !name.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::invalid(
            "a till's name is one to eight letters or digits (T1, BENCH2)",
        ));
    }
    Ok(name)
}

fn server_rows(c: Conn, table: &str, filter: &str) -> Result<Vec<Map<String, Value>>> {
    let json: String = c.query_row(
        &format!("SELECT coalesce(json_agg(t), '[]')::text FROM {table} t WHERE {filter}"),
        &[],
        |r| r.get(0),
    )?;
    serde_json::from_str(&json).map_err(|e| Error::Storage(e.to_string()))
}

/// The columns of `table`'s primary key, in order.
fn primary_key(tx: &Connection, table: &str) -> Result<Vec<String>> {
    Ok(tx
        .prepare_cached(&format!(
            "SELECT name FROM pragma_table_info('{table}') WHERE pk > 0 ORDER BY pk"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Writes `rows` into `table` of this file: new ones inserted, known ones updated in place (so
/// the search index's triggers see an update, not a second row).
fn upsert(tx: &Connection, table: &str, rows: &[Map<String, Value>]) -> Result<()> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let columns: Vec<&String> = first.keys().collect();
    let key = primary_key(tx, table)?;
    let quoted = |c: &&String| format!("\"{c}\"");
    let names = columns.iter().map(quoted).collect::<Vec<_>>().join(", ");
    let marks = (1..=columns.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let updates = columns
        .iter()
        .filter(|c| !key.contains(c))
        .map(|c| format!("\"{c}\" = excluded.\"{c}\""))
        .collect::<Vec<_>>();
    let on_conflict = if updates.is_empty() {
        "DO NOTHING".to_string()
    } else {
        format!("DO UPDATE SET {}", updates.join(", "))
    };
    let mut insert = tx.prepare_cached(&format!(
        "INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({}) {on_conflict}",
        key.join(", ")
    ))?;
    for row in rows {
        insert.execute(rusqlite::params_from_iter(
            columns.iter().map(|c| sql_value(&row[c.as_str()])),
        ))?;
    }
    Ok(())
}

/// Makes the till `till` of `db`, a file that holds no shop yet, from the server's rows.
pub(crate) fn seed(db: &Db, till: &str) -> Result<()> {
    let server = db
        .server()
        .ok_or_else(|| Error::invalid("a till needs the shop's server"))?;
    let (tables, mark) = server.read(|c| {
        let rows = SELLING
            .iter()
            .map(|table| server_rows(c, table, "true"))
            .collect::<Result<Vec<_>>>()?;
        Ok((rows, stock_mark(c)?))
    })?;
    db.own_write(|tx| {
        if tx.query_row("SELECT EXISTS (SELECT 1 FROM shop)", [], |r| r.get(0))? {
            return Err(Error::Conflict(
                "this file already holds a shop: a till starts from a file of its own".into(),
            ));
        }
        // Rows point at each other within a table (a merged customer); checked at the commit.
        tx.pragma_update(None, "defer_foreign_keys", true)?;
        // A new file's defaults (its first location, the built-in roles) give way to the shop's.
        for table in SELLING.iter().rev() {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        for (table, rows) in SELLING.iter().zip(&tables) {
            upsert(tx, table, rows)?;
        }
        tx.execute("UPDATE shop SET till = ?1 WHERE id = 1", [till])?;
        Ok(())
    })?;
    db.till_stock_mark.store(mark, Ordering::Relaxed);
    Ok(())
}

/// The server's newest stock move: levels read with it hold every move up to it.
fn stock_mark(c: Conn) -> Result<i64> {
    c.query_row("SELECT coalesce(max(seq), 0) FROM stock_move", &[], |r| {
        r.get(0)
    })
}

/// How many rows a refresh wrote.
pub(crate) fn refresh(db: &Db) -> Result<usize> {
    let Some(server) = db.server() else {
        return Ok(0);
    };
    let marks: Vec<(String, i64)> = db.read(|c| {
        STAMPED
            .iter()
            .map(|t| {
                let newest: i64 = c.query_row(
                    &format!("SELECT coalesce(max(updated_at), 0) FROM {t}"),
                    [],
                    |r| r.get(0),
                )?;
                Ok((t.to_string(), newest - CLOCK_MARGIN_MS))
            })
            .collect()
    })?;
    let stock_seen = db.till_stock_mark.load(Ordering::Relaxed);
    // One snapshot of the server: the levels and the mark they are read at agree.
    let (mut tables, stock_now) = server.read(|c| {
        let mut out: Vec<(&str, Vec<Map<String, Value>>)> = Vec::new();
        for t in WHOLE {
            out.push((t, server_rows(c, t, "true")?));
        }
        for (t, mark) in &marks {
            let t = STAMPED.iter().find(|s| *s == t).expect("a stamped table");
            out.push((t, server_rows(c, t, &format!("updated_at >= {mark}"))?));
        }
        let changed = if stock_seen == 0 {
            "true".to_string()
        } else {
            format!(
                "(variant_id, location_id) IN (SELECT variant_id, location_id FROM stock_move
                   WHERE seq > {stock_seen})"
            )
        };
        out.push(("stock_level", server_rows(c, "stock_level", &changed)?));
        Ok((out, stock_mark(c)?))
    })?;
    // Parents first, as in a seed.
    tables.sort_by_key(|(t, _)| SELLING.iter().position(|s| s == t));
    let mut written = 0;
    for (table, rows) in &tables {
        for chunk in rows.chunks(CHUNK) {
            db.own_write(|tx| {
                // Nothing the till made waits for the server, or these rows would not count it.
                if tx.query_row("SELECT EXISTS (SELECT 1 FROM station_outbox)", [], |r| {
                    r.get(0)
                })? {
                    return Err(Error::Conflict("the till has sales to send first".into()));
                }
                let till = super::this_till(tx)?;
                tx.pragma_update(None, "defer_foreign_keys", true)?;
                upsert(tx, table, chunk)?;
                if *table == "shop" {
                    // The server's shop row is every till's; this file's name stays its own.
                    tx.execute("UPDATE shop SET till = ?1 WHERE id = 1", [till])?;
                }
                Ok(())
            })?;
            written += chunk.len();
        }
        if FOLLOW_DELETES.contains(table) {
            // Each of these tables is keyed by one column.
            db.own_write(|tx| {
                let key = primary_key(tx, table)?.join("");
                let keep: Vec<&Value> = rows.iter().filter_map(|r| r.get(&key)).collect();
                let keep =
                    serde_json::to_string(&keep).map_err(|e| Error::Storage(e.to_string()))?;
                tx.execute(
                    &format!(
                        "DELETE FROM {table} WHERE {key} NOT IN (SELECT value FROM json_each(?1))"
                    ),
                    [keep],
                )?;
                Ok(())
            })?;
        }
    }
    db.till_stock_mark.store(stock_now, Ordering::Relaxed);
    Ok(written)
}

fn sql_value(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(*b as i64),
        Value::Number(n) => n
            .as_i64()
            .map(Sql::Integer)
            .unwrap_or_else(|| Sql::Real(n.as_f64().unwrap_or_default())),
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}
