//! The two engines hold one schema: SQLite's migrations and PostgreSQL's, each applied to a fresh
//! database, are compared table by table — columns in order with their kind and nullability,
//! primary keys, unique keys, foreign keys, named indexes, triggers and views. What truly
//! differs is listed here, and nothing else may. A station also refuses a server whose schema
//! is not its own.

use postgres::{Client, NoTls};
use shopdesk_core::{server, ErrorCode, FixedClock};
use shopdesk_testkit::postgres::Postgres;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Full-text search: FTS5 virtual tables (and their shadow tables) in SQLite, plain tables with
/// a tsvector in PostgreSQL; compared by the searches that use them, not here.
const SEARCH: &[&str] = &["variant_search", "customer_search"];
/// Keys kept per till on the server, where every till's rows meet; a file holds one till's
/// (SQLite's step 22): the table, its key on a file, the same key on the server.
const PER_TILL: &[(&str, &str, &str)] = &[
    ("sale", "number", "station,number"),
    ("shift", "number", "station,number"),
    ("journal", "seq", "station,seq"),
];
/// The server's own bookkeeping.
const SERVER_ONLY: &[&str] = &["schema_migration", "applied_actions"];

#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    /// name, kind (integer, text, blob), NOT NULL
    columns: Vec<(String, &'static str, bool)>,
    primary_key: Vec<String>,
    unique: BTreeSet<Vec<String>>,
    foreign_keys: BTreeSet<(Vec<String>, String)>,
    /// name, unique, partial
    indexes: BTreeSet<(String, bool, bool)>,
    triggers: BTreeSet<String>,
}

fn sqlite_kind(declared: &str) -> &'static str {
    match declared {
        "INTEGER" => "integer",
        "TEXT" => "text",
        "BLOB" => "blob",
        other => panic!("SQLite column type {other} has no PostgreSQL twin yet"),
    }
}

fn pg_kind(udt: &str) -> &'static str {
    match udt {
        "int8" => "integer",
        "text" | "citext" => "text",
        "bytea" => "blob",
        other => panic!("PostgreSQL column type {other} has no SQLite twin"),
    }
}

fn sqlite_shapes(conn: &rusqlite::Connection) -> (BTreeMap<String, Shape>, BTreeSet<String>) {
    let names: Vec<(String, String)> = conn
        .prepare(
            "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let is_search = |t: &str| {
        SEARCH.iter().any(|s| {
            t == *s
                || ["data", "idx", "content", "docsize", "config"]
                    .iter()
                    .any(|shadow| t == format!("{s}_{shadow}"))
        })
    };
    let views = names
        .iter()
        .filter(|(k, _)| k == "view")
        .map(|(_, n)| n.clone())
        .collect();
    let mut shapes = BTreeMap::new();
    for (_, table) in names.iter().filter(|(k, n)| k == "table" && !is_search(n)) {
        let mut shape = Shape::default();
        let mut pk: Vec<(i64, String)> = Vec::new();
        let mut stmt = conn
            .prepare(&format!("PRAGMA table_info(\"{table}\")"))
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let name: String = r.get(1).unwrap();
            let declared: String = r.get(2).unwrap();
            let not_null: bool = r.get(3).unwrap();
            let pk_pos: i64 = r.get(5).unwrap();
            if pk_pos > 0 {
                pk.push((pk_pos, name.clone()));
            }
            // A primary key column is never NULL in PostgreSQL; in SQLite it is by declaration.
            shape
                .columns
                .push((name, sqlite_kind(&declared), not_null || pk_pos > 0));
        }
        pk.sort();
        shape.primary_key = pk.into_iter().map(|(_, n)| n).collect();
        let indexes: Vec<(String, bool, String, bool)> = conn
            .prepare(&format!("PRAGMA index_list(\"{table}\")"))
            .unwrap()
            .query_map([], |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (name, unique, origin, partial) in indexes {
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    let cols: Vec<String> = conn
                        .prepare(&format!("PRAGMA index_info(\"{name}\")"))
                        .unwrap()
                        .query_map([], |r| r.get(2))
                        .unwrap()
                        .map(Result::unwrap)
                        .collect();
                    shape.unique.insert(cols);
                }
                _ => {
                    shape.indexes.insert((name, unique, partial));
                }
            }
        }
        let mut fks: BTreeMap<i64, (Vec<String>, String)> = BTreeMap::new();
        let mut stmt = conn
            .prepare(&format!("PRAGMA foreign_key_list(\"{table}\")"))
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let entry = fks.entry(r.get(0).unwrap()).or_default();
            entry.0.push(r.get(3).unwrap());
            entry.1 = r.get(2).unwrap();
        }
        shape.foreign_keys = fks.into_values().collect();
        shape.triggers = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1")
            .unwrap()
            .query_map([table], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        shapes.insert(table.clone(), shape);
    }
    (shapes, views)
}

fn pg_shapes(pg: &mut Client) -> (BTreeMap<String, Shape>, BTreeSet<String>) {
    let mut shapes: BTreeMap<String, Shape> = BTreeMap::new();
    for r in pg
        .query(
            "SELECT c.table_name::text, c.column_name::text, c.udt_name::text, c.is_nullable = 'NO'
             FROM information_schema.columns c JOIN information_schema.tables t
               ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
             ORDER BY c.table_name, c.ordinal_position",
            &[],
        )
        .unwrap()
    {
        let table: String = r.get(0);
        if SEARCH.contains(&table.as_str()) || SERVER_ONLY.contains(&table.as_str()) {
            continue;
        }
        let udt: String = r.get(2);
        shapes
            .entry(table)
            .or_default()
            .columns
            .push((r.get(1), pg_kind(&udt), r.get(3)));
    }
    // Constraints: primary, unique and foreign keys with their columns in key order.
    for r in pg
        .query(
            "SELECT t.relname::text, c.contype::text,
                    array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                          ORDER BY k.i),
                    coalesce(f.relname::text, '')
             FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
             LEFT JOIN pg_class f ON f.oid = c.confrelid
             WHERE t.relnamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u', 'f')",
            &[],
        )
        .unwrap()
    {
        let Some(shape) = shapes.get_mut(&r.get::<_, String>(0)) else { continue };
        let cols: Vec<String> = r.get(2);
        match r.get::<_, String>(1).as_str() {
            "p" => shape.primary_key = cols,
            "u" => {
                shape.unique.insert(cols);
            }
            _ => {
                shape.foreign_keys.insert((cols, r.get(3)));
            }
        }
    }
    // Named indexes: those no constraint made.
    for r in pg
        .query(
            "SELECT t.relname::text, i.relname::text, x.indisunique, x.indpred IS NOT NULL
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
             WHERE t.relnamespace = current_schema()::regnamespace
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
            &[],
        )
        .unwrap()
    {
        if let Some(shape) = shapes.get_mut(&r.get::<_, String>(0)) {
            shape.indexes.insert((r.get(1), r.get(2), r.get(3)));
        }
    }
    for r in pg
        .query(
            "SELECT t.relname::text, g.tgname::text FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
             WHERE NOT g.tgisinternal AND t.relnamespace = current_schema()::regnamespace",
            &[],
        )
        .unwrap()
    {
        let name: String = r.get(1);
        // PostgreSQL's ledgers also refuse TRUNCATE, which SQLite does not have.
        if name.ends_with("_no_truncate") {
            continue;
        }
        if let Some(shape) = shapes.get_mut(&r.get::<_, String>(0)) {
            shape.triggers.insert(name);
        }
    }
    let views = pg
        .query(
            "SELECT table_name::text FROM information_schema.views WHERE table_schema = current_schema()",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    (shapes, views)
}

fn server() -> (Postgres, Client) {
    let pg = Postgres::start().expect("a private PostgreSQL");
    pg.psql("postgres", "CREATE DATABASE shop").unwrap();
    let client = Client::connect(&pg.url("shop"), NoTls).unwrap();
    (pg, client)
}

#[test]
fn both_engines_hold_one_schema_table_by_table() {
    let dir = tempfile::tempdir().unwrap();
    let (_shop, _owner) = shopdesk_testkit::shop::open(
        dir.path(),
        "Corner Books",
        "ie",
        "EUR",
        Arc::new(FixedClock::at(1_790_000_000_000)),
    );
    let lite = rusqlite::Connection::open(dir.path().join("shop.sqlite3")).unwrap();
    let (mut lite_shapes, lite_views) = sqlite_shapes(&lite);
    let cols = |k: &str| k.split(',').map(String::from).collect::<Vec<_>>();
    for (table, on_file, on_server) in PER_TILL {
        let shape = lite_shapes.get_mut(*table).unwrap();
        if shape.primary_key == cols(on_file) {
            shape.primary_key = cols(on_server);
        } else {
            assert!(shape.unique.remove(&cols(on_file)), "{table} has its key");
            shape.unique.insert(cols(on_server));
        }
    }

    let (_pg, mut client) = server();
    assert_eq!(server::migrate(&mut client).unwrap(), server::latest());
    let (pg_shapes, pg_views) = pg_shapes(&mut client);

    assert_eq!(
        lite_shapes.keys().collect::<Vec<_>>(),
        pg_shapes.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    // The readers see the whole schema, so an empty reading cannot pass as a match.
    let total = |f: fn(&Shape) -> usize| lite_shapes.values().map(f).sum::<usize>();
    assert!(total(|s| s.columns.len()) > 700, "columns read");
    assert!(total(|s| s.foreign_keys.len()) > 100, "foreign keys read");
    assert!(total(|s| s.unique.len()) > 20, "unique keys read");
    assert!(total(|s| s.indexes.len()) > 60, "indexes read");
    assert!(total(|s| s.triggers.len()) > 40, "triggers read");
    for (table, lite) in &lite_shapes {
        assert_eq!(
            lite, &pg_shapes[table],
            "table {table} differs between the engines"
        );
    }
    assert_eq!(lite_views, pg_views, "the same views");
}

#[test]
fn a_station_refuses_a_server_of_another_schema_and_says_which_to_upgrade() {
    let (_pg, mut client) = server();
    let empty = server::check_version(&mut client).unwrap_err();
    assert_eq!(empty.code(), ErrorCode::SchemaSkew);
    assert!(empty.to_string().contains("no shop yet"), "{empty}");

    server::migrate(&mut client).unwrap();
    server::check_version(&mut client).unwrap();
    assert_eq!(
        server::migrate(&mut client).unwrap(),
        server::latest(),
        "a second run does nothing"
    );

    // A newer Shopdesk upgraded the server: this one writes nothing and says what to install.
    let newer = server::latest() + 1;
    client
        .execute(
            "INSERT INTO schema_migration (version) VALUES ($1)",
            &[&newer],
        )
        .unwrap();
    let e = server::check_version(&mut client).unwrap_err();
    assert_eq!(e.code(), ErrorCode::SchemaSkew);
    assert!(e.to_string().contains("install the newer Shopdesk"), "{e}");
    assert_eq!(
        server::migrate(&mut client).unwrap_err().code(),
        ErrorCode::SchemaSkew
    );

    // An older server: the back office upgrades it.
    client
        .batch_execute(
            "DELETE FROM schema_migration; INSERT INTO schema_migration (version) VALUES (20)",
        )
        .unwrap();
    let e = server::check_version(&mut client).unwrap_err();
    assert!(e.to_string().contains("back-office PC first"), "{e}");
}
