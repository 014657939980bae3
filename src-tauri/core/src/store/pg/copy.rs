//! Sharing a standalone shop: its SQLite data set copied into an empty PostgreSQL database in
//! one transaction — the schema, every row of every table, the identities moved past the copied
//! keys, the search rebuilt — and verified before that transaction commits: every table read
//! back from the server must hold exactly the rows SQLite holds (count and checksum), every stock
//! level must equal the sum of its ledger, and every foreign key must hold. A failed check
//! leaves the server as it was and the shop on its own computer.

use crate::error::{Error, Result};
use crate::store::Db;
use postgres::{Client, Transaction};
use rusqlite::types::ValueRef;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Write};
use ts_rs::TS;

/// Tables only the server has: its own bookkeeping, and the search tables it makes from the
/// copied rows (SQLite's are FTS5 tables of another shape).
const SERVER_ONLY: &[&str] = &[
    "schema_migration",
    "applied_actions",
    "variant_search",
    "customer_search",
];

/// One table of the copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct TableCount {
    pub table: String,
    pub rows: i64,
}

/// What was copied: the server's schema version and every table's rows, each verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Shared {
    pub version: i64,
    pub tables: Vec<TableCount>,
}

impl Shared {
    /// Every row copied, all tables together.
    pub fn rows(&self) -> i64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// A table's rows: how many, and the sum of their hashes (order does not matter, so SQLite's
/// and the server's row order need not agree).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Tally {
    rows: i64,
    sum: u128,
}

impl Tally {
    fn add(&mut self, line: &[u8]) {
        let digest = Sha256::digest(line);
        let mut first = [0u8; 16];
        first.copy_from_slice(&digest[..16]);
        self.rows += 1;
        self.sum = self.sum.wrapping_add(u128::from_be_bytes(first));
    }
}

/// Copies the shop in `db` into the database `client` is connected to, which must hold no
/// shop, then runs `then` (the shop's logins) in the same PostgreSQL transaction: on any error
/// nothing stays on the server.
pub fn share(
    db: &Db,
    client: &mut Client,
    then: impl FnOnce(&mut Transaction) -> Result<()>,
) -> Result<Shared> {
    let mut tx = client.transaction()?;
    let version = super::migrate_in(&mut tx)?;
    if tx
        .query_one("SELECT EXISTS (SELECT 1 FROM shop)", &[])?
        .get(0)
    {
        return Err(Error::Conflict(
            "this server database already holds a shop: share into a new, empty database".into(),
        ));
    }
    let tables = server_tables(&mut tx)?;
    // Derived rows (levels, sums, search keys) are copied as they are, not made again by the
    // triggers; the foreign keys are checked once, at the end.
    tx.batch_execute("SET CONSTRAINTS ALL DEFERRED")?;
    set_triggers(&mut tx, &tables, "DISABLE")?;
    let copied = db.read(|lite| {
        tables
            .iter()
            .map(|(table, columns)| copy_table(lite, &mut tx, table, columns))
            .collect::<Result<Vec<Tally>>>()
    })?;
    // Every row is in: the foreign keys are checked now (a table's triggers cannot change
    // while checks on it are pending).
    tx.batch_execute("SET CONSTRAINTS ALL IMMEDIATE")?;
    set_triggers(&mut tx, &tables, "ENABLE")?;
    move_identities(&mut tx)?;
    tx.batch_execute(REBUILD_SEARCH)?;
    analyze_filled(&mut tx)?;
    for ((table, columns), sent) in tables.iter().zip(&copied) {
        let found = server_tally(&mut tx, table, columns)?;
        if found != *sent {
            return Err(Error::Storage(format!(
                "the copy of {table} did not verify ({} rows sent, {} found on the server): \
                 nothing was shared",
                sent.rows, found.rows
            )));
        }
    }
    verify_ledger(&mut tx)?;
    then(&mut tx)?;
    tx.commit()?;
    Ok(Shared {
        version,
        tables: tables
            .into_iter()
            .zip(copied)
            .map(|((table, _), t)| TableCount {
                table,
                rows: t.rows,
            })
            .collect(),
    })
}

/// The server's tables a shop's rows go to, with their columns in order.
fn server_tables(tx: &mut Transaction) -> Result<Vec<(String, Vec<String>)>> {
    let rows = tx.query(
        "SELECT c.table_name::text, array_agg(c.column_name::text ORDER BY c.ordinal_position)
         FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
           AND NOT (c.table_name = ANY ($1))
         GROUP BY c.table_name ORDER BY c.table_name",
        &[&SERVER_ONLY],
    )?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// The planner's statistics, taken now rather than when autovacuum gets to the new tables: a
/// shop's first reports on the server otherwise ran lookups by order as full scans (a fold of
/// the report sums 4× slower until then). Own inserts count as rows here.
///
/// Only tables that hold rows: an empty one analyzed is taken as empty until autovacuum looks
/// again (a minute, and only after 50 rows), and a lookup by key planned into it meanwhile is a
/// full scan that every connection keeps for the statement — the foreign-key checks on
/// `customer` made by each new buyer's order ran over every customer (70 µs each and growing,
/// a third of a marketplace order's time on the server). Never analyzed, the planner assumes
/// a table of some pages and looks keys up in their index.
fn analyze_filled(tx: &mut Transaction) -> Result<()> {
    let tables = tx.query(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
        &[],
    )?;
    // Which of them hold a row, asked in one statement (the shop's own table names).
    let any: Vec<String> = tables
        .iter()
        .map(|r| r.get::<_, String>(0))
        .map(|t| format!("SELECT '\"{t}\"' WHERE EXISTS (SELECT 1 FROM \"{t}\")"))
        .collect();
    let filled: Vec<String> = tx
        .query(&any.join(" UNION ALL "), &[])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if !filled.is_empty() {
        tx.batch_execute(&format!("ANALYZE {}", filled.join(", ")))?;
    }
    Ok(())
}

fn set_triggers(tx: &mut Transaction, tables: &[(String, Vec<String>)], how: &str) -> Result<()> {
    let sql: String = tables
        .iter()
        .map(|(t, _)| format!("ALTER TABLE \"{t}\" {how} TRIGGER USER;\n"))
        .collect();
    tx.batch_execute(&sql)?;
    Ok(())
}

fn column_list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Streams one table from SQLite to the server with COPY, in COPY's text format — the form the
/// server writes its rows back in, so each row is hashed as the same bytes on both sides.
fn copy_table(
    lite: &rusqlite::Connection,
    tx: &mut Transaction,
    table: &str,
    columns: &[String],
) -> Result<Tally> {
    let list = column_list(columns);
    let mut stmt = lite.prepare(&format!("SELECT {list} FROM \"{table}\""))?;
    let mut rows = stmt.query([])?;
    let mut out = tx.copy_in(&format!("COPY \"{table}\" ({list}) FROM STDIN"))?;
    let mut tally = Tally::default();
    let mut line = Vec::new();
    while let Some(row) = rows.next()? {
        line.clear();
        for i in 0..columns.len() {
            if i > 0 {
                line.push(b'\t');
            }
            encode(row.get_ref(i)?, &mut line);
        }
        tally.add(&line);
        line.push(b'\n');
        out.write_all(&line)
            .map_err(|e| Error::ServerOffline(e.to_string()))?;
    }
    out.finish()?;
    Ok(tally)
}

/// One value as COPY's text format writes it: `\N` for NULL, backslash escapes for the
/// characters that would end a field or a row, bytes as `\\x` and hex.
fn encode(value: ValueRef, line: &mut Vec<u8>) {
    match value {
        ValueRef::Null => line.extend_from_slice(b"\\N"),
        ValueRef::Integer(i) => line.extend_from_slice(i.to_string().as_bytes()),
        ValueRef::Real(f) => line.extend_from_slice(f.to_string().as_bytes()),
        ValueRef::Text(text) => crate::sql::copy_text(text, line),
        ValueRef::Blob(bytes) => {
            line.extend_from_slice(b"\\\\x");
            for b in bytes {
                line.extend_from_slice(format!("{b:02x}").as_bytes());
            }
        }
    }
}

/// A table's rows as the server now holds them.
fn server_tally(tx: &mut Transaction, table: &str, columns: &[String]) -> Result<Tally> {
    let list = column_list(columns);
    let reader = tx.copy_out(&format!("COPY (SELECT {list} FROM \"{table}\") TO STDOUT"))?;
    let mut reader = BufReader::new(reader);
    let mut tally = Tally::default();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::ServerOffline(e.to_string()))?;
        if n == 0 {
            return Ok(tally);
        }
        if line.last() == Some(&b'\n') {
            line.pop();
        }
        tally.add(&line);
    }
}

/// Keys the server makes itself (`seq`, `no`) carry on after the copied ones.
fn move_identities(tx: &mut Transaction) -> Result<()> {
    let identities = tx.query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
        &[],
    )?;
    for row in identities {
        let (table, column): (String, String) = (row.get(0), row.get(1));
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence($1, $2),
                               coalesce((SELECT max(\"{column}\") FROM \"{table}\"), 0) + 1, false)"
            ),
            &[&table, &column],
        )?;
    }
    Ok(())
}

/// The server's search rows, made from the copied catalog and customers.
const REBUILD_SEARCH: &str = "
INSERT INTO variant_search (seq, title, sku, barcode, vendor, tags, product_type, options, doc)
SELECT v.seq, p.title, v.sku, v.barcode, p.vendor, p.tags, p.product_type,
       concat_ws(' ', v.option1, v.option2, v.option3), ''
FROM variant v JOIN product p ON p.id = v.product_id;
INSERT INTO customer_search (seq, name, emails, phones, postcode, tags, doc)
SELECT seq, name, emails, phones, postcode, tags, '' FROM customer_search_row;
";

/// Every stock level is the sum of its moves, on the server as on the till.
fn verify_ledger(tx: &mut Transaction) -> Result<()> {
    let off: i64 = tx
        .query_one(
            "SELECT count(*) FROM (
                 SELECT variant_id, location_id, sum(on_hand_delta) AS on_hand,
                        sum(committed_delta) AS committed
                 FROM stock_move GROUP BY variant_id, location_id) m
             FULL JOIN stock_level l USING (variant_id, location_id)
             WHERE l.on_hand IS DISTINCT FROM m.on_hand OR l.committed IS DISTINCT FROM m.committed",
            &[],
        )?
        .get(0);
    if off > 0 {
        return Err(Error::Storage(format!(
            "{off} stock level(s) on the server do not equal their ledger: nothing was shared"
        )));
    }
    Ok(())
}
