//! A till's own file, made from the shop's server: the tables selling needs (the shop and its
//! settings, staff and roles, locations and stations, taxes, the catalog with its costs and
//! stock levels, discount codes, customers), copied in one transaction. The counter then works
//! from this file whatever the network does; its own sales and shifts are the only history it
//! keeps, so its receipt and shift series start at 1 under its own name.

use crate::error::{Error, Result};
use crate::store::Db;
use rusqlite::types::Value as Sql;
use serde_json::{Map, Value};

/// What a till copies, parents before the rows that point at them.
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
    "variant_cost",
    "stock_level",
    "discount_code",
    "customer",
];

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

/// Makes the till `till` of `db`, a file that holds no shop yet, from the server's rows.
pub(crate) fn seed(db: &Db, till: &str) -> Result<()> {
    let server = db
        .server()
        .ok_or_else(|| Error::invalid("a till needs the shop's server"))?;
    let tables = server.read(|c| {
        SELLING
            .iter()
            .map(|table| {
                c.query_row(
                    &format!("SELECT coalesce(json_agg(t), '[]')::text FROM {table} t"),
                    &[],
                    |r| r.get::<String>(0),
                )
            })
            .collect::<Result<Vec<String>>>()
    })?;
    db.write(|tx| {
        if tx.query_row("SELECT EXISTS (SELECT 1 FROM shop)", [], |r| r.get(0))? {
            return Err(Error::Conflict(
                "this file already holds a shop: a till starts from a file of its own".into(),
            ));
        }
        // Rows point at each other within a table (a merged customer); checked at the commit.
        tx.pragma_update(None, "defer_foreign_keys", true)?;
        for (table, json) in SELLING.iter().zip(&tables) {
            let rows: Vec<Map<String, Value>> =
                serde_json::from_str(json).map_err(|e| Error::Storage(e.to_string()))?;
            let Some(first) = rows.first() else { continue };
            let columns: Vec<&String> = first.keys().collect();
            let names = columns
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let marks = (1..=columns.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            // Rows a trigger already made from an earlier table's (a variant's cost) are
            // replaced by the server's.
            let mut insert = tx.prepare(&format!(
                "INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})"
            ))?;
            for row in &rows {
                insert.execute(rusqlite::params_from_iter(
                    columns.iter().map(|c| sql_value(&row[c.as_str()])),
                ))?;
            }
        }
        tx.execute("UPDATE shop SET till = ?1 WHERE id = 1", [till])?;
        Ok(())
    })
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
