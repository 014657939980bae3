//! One SQL connection over either engine — the shop's SQLite file or its PostgreSQL server —
//! for the statements both dialects read alike. SQL is written once, with numbered parameters
//! (`?1`, rewritten to `$1` for PostgreSQL); values go in and come out as the few kinds the
//! shop stores (integers, text, bytes), so a count that PostgreSQL returns as `bigint`, a sum it
//! returns as `numeric` or a comparison it returns as `boolean` read as SQLite's integers do.
//! What truly differs between the engines is not hidden here: it is written twice where it is
//! used (`Conn::engine`).

mod value;

use crate::error::{Error, Result};
use postgres::types::ToSql;
use std::cell::RefCell;
use std::collections::HashMap;
pub(crate) use value::args;
pub use value::{Arg, Cell, FromCell, Param, Value};
use value::{PgCell, PgParam};

/// Which engine a connection talks to, for the few statements written twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A PostgreSQL transaction with the statements its connection has prepared: a statement is
/// parsed and planned once per connection, as SQLite's statement cache does.
pub struct PgTx<'t> {
    tx: RefCell<postgres::Transaction<'t>>,
    prepared: &'t RefCell<HashMap<String, postgres::Statement>>,
}

impl<'t> PgTx<'t> {
    pub fn new(
        tx: postgres::Transaction<'t>,
        prepared: &'t RefCell<HashMap<String, postgres::Statement>>,
    ) -> PgTx<'t> {
        PgTx {
            tx: RefCell::new(tx),
            prepared,
        }
    }

    pub fn commit(self) -> Result<()> {
        Ok(self.tx.into_inner().commit()?)
    }

    fn statement(&self, sql: &str) -> Result<postgres::Statement, postgres::Error> {
        if let Some(s) = self.prepared.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.borrow_mut().prepare(&numbered(sql))?;
        self.prepared
            .borrow_mut()
            .insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

/// What a connection asks of a PostgreSQL transaction (a trait, so `Conn` carries one lifetime).
/// The server's own errors come back as they are, for `Conn` to read their codes.
pub trait PgRun {
    fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<u64, postgres::Error>;
    fn query(
        &self,
        sql: &str,
        params: &[&dyn Param],
    ) -> Result<Vec<postgres::Row>, postgres::Error>;
    fn batch(&self, sql: &str) -> Result<(), postgres::Error>;
    /// `COPY … FROM STDIN` with `data` in COPY's text format; the rows written.
    fn copy_in(&self, sql: &str, data: &[u8]) -> Result<u64, postgres::Error>;
}

impl PgRun for PgTx<'_> {
    fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<u64, postgres::Error> {
        let s = self.statement(sql)?;
        self.tx
            .borrow_mut()
            .execute(&s, &pg_refs(&pg_params(params)))
    }

    fn query(
        &self,
        sql: &str,
        params: &[&dyn Param],
    ) -> Result<Vec<postgres::Row>, postgres::Error> {
        let s = self.statement(sql)?;
        self.tx.borrow_mut().query(&s, &pg_refs(&pg_params(params)))
    }

    fn batch(&self, sql: &str) -> Result<(), postgres::Error> {
        self.tx.borrow_mut().batch_execute(sql)
    }

    fn copy_in(&self, sql: &str, data: &[u8]) -> Result<u64, postgres::Error> {
        use std::io::Write;
        let mut tx = self.tx.borrow_mut();
        let mut rows = tx.copy_in(sql)?;
        // A write fails only with the connection lost, which `finish` then reports as the
        // server's error.
        let _ = rows.write_all(data);
        rows.finish()
    }
}

/// `text` as a field of COPY's text format: backslash escapes for what would end a field or a
/// row.
pub(crate) fn copy_text(text: &[u8], line: &mut Vec<u8>) {
    for &b in text {
        match b {
            b'\\' => line.extend_from_slice(b"\\\\"),
            b'\t' => line.extend_from_slice(b"\\t"),
            b'\n' => line.extend_from_slice(b"\\n"),
            b'\r' => line.extend_from_slice(b"\\r"),
            0x08 => line.extend_from_slice(b"\\b"),
            0x0b => line.extend_from_slice(b"\\v"),
            0x0c => line.extend_from_slice(b"\\f"),
            b => line.push(b),
        }
    }
}

/// A connection inside one transaction, on either engine.
#[derive(Clone, Copy)]
pub enum Conn<'c> {
    Lite(&'c rusqlite::Connection),
    Pg(&'c dyn PgRun),
}

impl<'c> From<&'c rusqlite::Connection> for Conn<'c> {
    fn from(c: &'c rusqlite::Connection) -> Self {
        Conn::Lite(c)
    }
}

impl<'c, 't> From<&'c rusqlite::Transaction<'t>> for Conn<'c> {
    fn from(c: &'c rusqlite::Transaction<'t>) -> Self {
        Conn::Lite(c)
    }
}

/// One row of a result.
pub enum Row<'r> {
    Lite(&'r rusqlite::Row<'r>),
    Pg(&'r postgres::Row),
}

impl<'r> Row<'r> {
    /// Column `i` (from 0) read as `T`.
    pub fn get<T: FromCell>(&self, i: usize) -> Result<T> {
        let cell = match self {
            Row::Lite(r) => match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => Cell::Null,
                rusqlite::types::ValueRef::Integer(v) => Cell::Int(v),
                rusqlite::types::ValueRef::Real(v) => Cell::Real(v),
                rusqlite::types::ValueRef::Text(t) => {
                    Cell::Text(String::from_utf8_lossy(t).into_owned())
                }
                rusqlite::types::ValueRef::Blob(b) => Cell::Bytes(b.to_vec()),
            },
            Row::Pg(r) => r.try_get::<_, PgCell>(i)?.0,
        };
        T::from_cell(cell).map_err(|e| Error::Storage(format!("column {i}: {e}")))
    }

    /// The row's first columns as a tuple of the caller's types, in order.
    pub fn tuple<T: FromRow>(&self) -> Result<T> {
        T::from_row(self)
    }

    /// Text column `i` read in place, without a copy (for reads of hundreds of thousands of rows).
    pub fn text(&self, i: usize) -> Result<&'r str> {
        match *self {
            Row::Lite(r) => r
                .get_ref(i)?
                .as_str()
                .map_err(|e| Error::Storage(format!("column {i}: {e}"))),
            Row::Pg(r) => Ok(r.try_get::<_, &str>(i)?),
        }
    }
}

/// A row read whole as a tuple (`Row::tuple`), as rusqlite's rows convert into tuples.
pub trait FromRow: Sized {
    fn from_row(r: &Row) -> Result<Self>;
}

macro_rules! tuple_from_row {
    ($($t:ident $i:tt),+) => {
        impl<$($t: FromCell),+> FromRow for ($($t,)+) {
            fn from_row(r: &Row) -> Result<Self> {
                Ok(($(r.get::<$t>($i)?,)+))
            }
        }
    };
}
tuple_from_row!(A 0, B 1);
tuple_from_row!(A 0, B 1, C 2);
tuple_from_row!(A 0, B 1, C 2, D 3);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);

impl Conn<'_> {
    pub fn engine(&self) -> Engine {
        match self {
            Conn::Lite(_) => Engine::Sqlite,
            Conn::Pg(_) => Engine::Postgres,
        }
    }

    /// Text ordered without regard to case, as each engine's indexes hold it: SQLite's NOCASE
    /// collation, PostgreSQL's lower() in code point order (the "C" collation, whatever the
    /// server's locale), so both engines list in the same order.
    pub fn nocase(&self, expr: &str) -> String {
        match self.engine() {
            Engine::Sqlite => format!("{expr} COLLATE NOCASE"),
            Engine::Postgres => format!("lower({expr}) COLLATE \"C\""),
        }
    }

    /// `expr` equal to the parameter `?n` regardless of case, by each engine's indexes.
    pub fn nocase_eq(&self, expr: &str, n: usize) -> String {
        match self.engine() {
            Engine::Sqlite => format!("{expr} = ?{n} COLLATE NOCASE"),
            Engine::Postgres => format!("lower({expr}) COLLATE \"C\" = lower(?{n})"),
        }
    }

    /// `expr` LIKE the pattern `?n` (a backslash escaping `%` and `_`), ignoring case as SQLite's LIKE
    /// does: ILIKE on the server.
    pub fn like(&self, expr: &str, n: usize) -> String {
        let like = match self.engine() {
            Engine::Sqlite => "LIKE",
            Engine::Postgres => "ILIKE",
        };
        format!("{expr} {like} ?{n} ESCAPE '\\'")
    }

    /// Whether the text `haystack` holds `needle` (both SQL expressions), case and all:
    /// SQLite's `instr`, PostgreSQL's `strpos`.
    pub fn contains(&self, haystack: &str, needle: &str) -> String {
        let find = match self.engine() {
            Engine::Sqlite => "instr",
            Engine::Postgres => "strpos",
        };
        format!("{find}({haystack}, {needle}) > 0")
    }

    /// The text of the top-level `key` of a JSON document held as text.
    pub fn json_text(&self, expr: &str, key: &str) -> String {
        match self.engine() {
            Engine::Sqlite => format!("json_extract({expr}, '$.{key}')"),
            Engine::Postgres => format!("({expr}::jsonb ->> '{key}')"),
        }
    }

    /// The larger of two values, neither NULL: SQLite's two-argument `max`, PostgreSQL's
    /// `greatest`.
    pub fn greatest(&self, a: &str, b: &str) -> String {
        match self.engine() {
            Engine::Sqlite => format!("max({a}, {b})"),
            Engine::Postgres => format!("greatest({a}, {b})"),
        }
    }

    /// `sql` as this engine should plan it. A few reads steer SQLite's planner with `CROSS JOIN`
    /// (keep this join order) and `INDEXED BY` (use this index); PostgreSQL plans from its own
    /// statistics and has neither, so it reads them as plain joins.
    pub fn hinted(&self, sql: &str) -> String {
        match self.engine() {
            Engine::Sqlite => sql.to_string(),
            Engine::Postgres => {
                let mut out = sql.replace("CROSS JOIN", "JOIN");
                while let Some(at) = out.find(" INDEXED BY ") {
                    let rest = &out[at + " INDEXED BY ".len()..];
                    let name = rest
                        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .unwrap_or(rest.len());
                    out.replace_range(at..at + " INDEXED BY ".len() + name, "");
                }
                out
            }
        }
    }

    /// Runs a statement; the number of rows it changed.
    pub fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<usize> {
        match self {
            Conn::Lite(c) => Ok(c
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(lite_params(params)))?),
            Conn::Pg(t) => Ok(t.execute(sql, params)? as usize),
        }
    }

    /// `execute`, a UNIQUE violation told as a conflict the person can act on (`conflict`: "a
    /// location named 'Back room' already exists"); other errors pass through.
    pub fn execute_unique(
        &self,
        sql: &str,
        params: &[&dyn Param],
        conflict: impl FnOnce() -> String,
    ) -> Result<usize> {
        match self {
            Conn::Lite(c) => {
                let done = c
                    .prepare_cached(sql)
                    .and_then(|mut s| s.execute(rusqlite::params_from_iter(lite_params(params))));
                done.map_err(|e| match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::ConstraintViolation)
                        if e.to_string().contains("UNIQUE") =>
                    {
                        Error::Conflict(conflict())
                    }
                    _ => Error::from(e),
                })
            }
            Conn::Pg(t) => t.execute(sql, params).map(|n| n as usize).map_err(|e| {
                if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
                    Error::Conflict(conflict())
                } else {
                    Error::from(e)
                }
            }),
        }
    }

    /// Every row of a query, each read by `f`.
    pub fn query_map<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        mut f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        match self {
            Conn::Lite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(lite_params(params)))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    out.push(f(&Row::Lite(r))?);
                }
                Ok(out)
            }
            Conn::Pg(t) => t
                .query(sql, params)?
                .iter()
                .map(|r| f(&Row::Pg(r)))
                .collect(),
        }
    }

    /// The first row of a query, if there is one.
    pub fn query_opt<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        match self {
            Conn::Lite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(lite_params(params)))?;
                rows.next()?.map(|r| f(&Row::Lite(r))).transpose()
            }
            Conn::Pg(t) => t
                .query(sql, params)?
                .first()
                .map(|r| f(&Row::Pg(r)))
                .transpose(),
        }
    }

    /// The first row of a query, which must have one.
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        self.query_opt(sql, params, f)?
            .ok_or_else(|| Error::Storage("the query returned no row".into()))
    }

    /// `query_map` over a list of keys: `sql` holds `{}` where the list goes ("… WHERE id IN
    /// ({})"), run for a few hundred keys at a time — one round trip per batch to the server
    /// instead of one per key.
    pub fn query_in<T>(
        &self,
        sql: &str,
        keys: &[Arg],
        f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.query_in_with(sql, &[], keys, f)
    }

    /// `query_in` with `fixed` parameters first (`?1` … `?n` in `sql`), the list's after them.
    pub fn query_in_with<T>(
        &self,
        sql: &str,
        fixed: &[Arg],
        keys: &[Arg],
        mut f: impl FnMut(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        for (sql, params) in in_batches(sql, fixed, keys) {
            let params: Vec<&dyn Param> = params.iter().map(|a| a as &dyn Param).collect();
            out.extend(self.query_map(&sql, &params, &mut f)?);
        }
        Ok(out)
    }

    /// `execute` over a list of keys, as `query_in_with` reads them; the rows changed.
    pub fn execute_in(&self, sql: &str, fixed: &[Arg], keys: &[Arg]) -> Result<usize> {
        let mut changed = 0;
        for (sql, params) in in_batches(sql, fixed, keys) {
            let params: Vec<&dyn Param> = params.iter().map(|a| a as &dyn Param).collect();
            changed += self.execute(&sql, &params)?;
        }
        Ok(changed)
    }

    /// Inserts one row into `into` ("order_event (id, order_id, …)") now, or, given `later`,
    /// with the rows it holds when it is written.
    pub fn insert_row(
        &self,
        later: Option<&LaterRows>,
        into: &'static str,
        row: Vec<Arg>,
    ) -> Result<()> {
        if let Some(later) = later {
            later.add(into, row);
            return Ok(());
        }
        let marks: Vec<String> = (1..=row.len()).map(|i| format!("?{i}")).collect();
        let params: Vec<&dyn Param> = row.iter().map(|a| a as &dyn Param).collect();
        self.execute(
            &format!("INSERT INTO {into} VALUES ({})", marks.join(", ")),
            &params,
        )?;
        Ok(())
    }

    /// Inserts rows of `width` values each (`values` one row after another, in the table's
    /// column order — or in the order of the columns `table` lists: "report_hour (day, hour, …)")
    /// into `table`. On the server, one `COPY` for them all: one round trip, no
    /// statement to plan and no parameter to bind (a multi-row INSERT was a new prepared
    /// statement for each row count, binding every value). SQLite, in the process, is fastest
    /// with one cached statement run a row at a time (measured on the report sums: a statement
    /// of many rows is parsed per size and steps slower).
    pub fn insert_rows(&self, table: &str, width: usize, values: &[Arg]) -> Result<()> {
        match self {
            Conn::Lite(c) => {
                let marks = (1..=width)
                    .map(|c| format!("?{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut stmt =
                    c.prepare_cached(&format!("INSERT INTO {table} VALUES ({marks})"))?;
                for row in values.chunks(width) {
                    let params: Vec<&dyn Param> = row.iter().map(|v| v as &dyn Param).collect();
                    stmt.execute(rusqlite::params_from_iter(lite_params(&params)))?;
                }
            }
            Conn::Pg(t) => {
                if values.is_empty() {
                    return Ok(());
                }
                let mut data = Vec::with_capacity(values.len() * 8);
                for row in values.chunks(width) {
                    for (i, v) in row.iter().enumerate() {
                        if i > 0 {
                            data.push(b'\t');
                        }
                        match v {
                            Arg::Null => data.extend_from_slice(b"\\N"),
                            Arg::Int(n) => data.extend_from_slice(n.to_string().as_bytes()),
                            Arg::Text(text) => copy_text(text.as_bytes(), &mut data),
                        }
                    }
                    data.push(b'\n');
                }
                t.copy_in(&format!("COPY {table} FROM STDIN"), &data)?;
            }
        }
        Ok(())
    }

    /// Runs statements separated by semicolons, without parameters.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Lite(c) => Ok(c.execute_batch(sql)?),
            Conn::Pg(t) => Ok(t.batch(sql)?),
        }
    }
}

fn lite_params<'p>(params: &'p [&'p dyn Param]) -> Vec<rusqlite::types::ToSqlOutput<'p>> {
    use rusqlite::types::{ToSqlOutput, ValueRef};
    params
        .iter()
        .map(|p| {
            ToSqlOutput::Borrowed(match p.value() {
                Value::Null => ValueRef::Null,
                Value::Int(i) => ValueRef::Integer(i),
                Value::Text(s) => ValueRef::Text(s.as_bytes()),
                Value::Bytes(b) => ValueRef::Blob(b),
            })
        })
        .collect()
}

fn pg_params<'p>(params: &'p [&'p dyn Param]) -> Vec<PgParam<'p>> {
    params.iter().map(|p| PgParam(*p)).collect()
}

fn pg_refs<'p>(params: &'p [PgParam<'p>]) -> Vec<&'p (dyn ToSql + Sync)> {
    params.iter().map(|p| p as _).collect()
}

/// A full-text search in a query: the parameter it takes, the condition on the search table,
/// and that table's key (FTS5's rowid; the server table's seq).
pub struct TextMatch {
    pub query: String,
    pub condition: String,
    pub key: &'static str,
}

impl Conn<'_> {
    /// Typed words as a full-text search of `table` (aliased `alias` in the caller's query) with
    /// the parameter `?n`: FTS5's MATCH on SQLite, the tsvector `doc` on the server, each word a
    /// prefix; `split` says what separates words. None when nothing searchable was typed.
    pub fn text_match(
        &self,
        table: &str,
        alias: &str,
        text: &str,
        split: impl Fn(char) -> bool,
        n: usize,
    ) -> Option<TextMatch> {
        match self.engine() {
            Engine::Sqlite => fts_prefix_query(text, split).map(|query| TextMatch {
                query,
                condition: format!("{table} MATCH ?{n}"),
                key: "rowid",
            }),
            Engine::Postgres => tsquery_prefix(text, split).map(|query| TextMatch {
                query,
                condition: format!("{alias}.doc @@ to_tsquery('simple', unaccent(?{n}))"),
                key: "seq",
            }),
        }
    }
}

/// Typed words → an FTS5 query where each word is a quoted prefix, so punctuation in what a
/// person types (quotes, hyphens, colons) can never become query syntax. `split` says what
/// separates words.
fn fts_prefix_query(text: &str, split: impl Fn(char) -> bool) -> Option<String> {
    let words: Vec<String> = text
        .split(split)
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

/// Typed words → a PostgreSQL tsquery, the server's form of `fts_prefix_query`: each word's runs
/// of letters and digits (the tokens the search rows hold) a phrase whose last token is a prefix
/// (`mug-sa` → `('mug' <-> 'sa':*)`), the words joined by AND. Only letters and digits reach the
/// query, so what a person types never becomes query syntax.
fn tsquery_prefix(text: &str, split: impl Fn(char) -> bool) -> Option<String> {
    let words: Vec<String> = text
        .split(split)
        .filter_map(|w| {
            let parts: Vec<&str> = w
                .split(|c: char| !c.is_alphanumeric())
                .filter(|p| !p.is_empty())
                .collect();
            let (last, first) = parts.split_last()?;
            let mut phrase: Vec<String> = first.iter().map(|p| format!("'{p}'")).collect();
            phrase.push(format!("'{last}':*"));
            Some(format!("({})", phrase.join(" <-> ")))
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" & "))
}

/// `?N` → `$N`, outside string literals and quoted names.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for ch in sql.chars() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(ch),
            (None, '?') => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(ch);
    }
    out
}

/// Rows kept to be inserted together at the end of a batch of work — a statement (a `COPY` on
/// the server) a table instead of one a row — for rows nothing reads before then. The tables
/// are written in the order their first row came, so a row may refer to one of an earlier table.
#[derive(Default)]
pub struct LaterRows {
    tables: RefCell<Vec<(&'static str, usize, Vec<Arg>)>>,
}

impl LaterRows {
    fn add(&self, into: &'static str, row: Vec<Arg>) {
        let mut tables = self.tables.borrow_mut();
        match tables.iter_mut().find(|(t, _, _)| *t == into) {
            Some((_, _, values)) => values.extend(row),
            None => tables.push((into, row.len(), row)),
        }
    }

    /// Inserts the rows kept, and forgets them.
    pub fn write(&self, conn: Conn) -> Result<()> {
        for (into, width, values) in self.tables.take() {
            conn.insert_rows(into, width, &values)?;
        }
        Ok(())
    }
}

/// `sql` with its `{}` made into `?n+1, ?n+2, …` for each batch of `keys`, after the `n`
/// `fixed` parameters; each batch's parameters are the fixed ones, then its keys.
fn in_batches<'k>(
    sql: &'k str,
    fixed: &'k [Arg],
    keys: &'k [Arg],
) -> impl Iterator<Item = (String, Vec<Arg>)> + 'k {
    keys.chunks(500).map(move |batch| {
        let n = fixed.len();
        let marks: Vec<String> = (1..=batch.len()).map(|i| format!("?{}", n + i)).collect();
        let params = fixed.iter().chain(batch).cloned().collect();
        (sql.replacen("{}", &marks.join(", "), 1), params)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_punctuation_never_becomes_full_text_syntax() {
        let fts = |t| fts_prefix_query(t, char::is_whitespace);
        assert_eq!(fts("  "), None);
        assert_eq!(fts("mug sage").unwrap(), "\"mug\"* AND \"sage\"*");
        assert_eq!(fts("a\"b OR").unwrap(), "\"a\"\"b\"* AND \"OR\"*");
        let email = |c: char| c.is_whitespace() || c == '@' || c == '.';
        assert_eq!(
            fts_prefix_query("aoife.byrne@exa", email).unwrap(),
            "\"aoife\"* AND \"byrne\"* AND \"exa\"*"
        );
        assert_eq!(
            tsquery_prefix("aoife.byrne@exa", email).unwrap(),
            "('aoife':*) & ('byrne':*) & ('exa':*)"
        );
        let ts = |t| tsquery_prefix(t, char::is_whitespace);
        assert_eq!(ts("  "), None);
        assert_eq!(ts("mug sage").unwrap(), "('mug':*) & ('sage':*)");
        assert_eq!(ts("TEE-SAGE-m").unwrap(), "('TEE' <-> 'SAGE' <-> 'm':*)");
        assert_eq!(ts("o'b\\ & !x").unwrap(), "('o' <-> 'b':*) & ('x':*)");
    }

    #[test]
    fn sqlites_planner_hints_become_plain_joins_for_postgresql() {
        struct NoServer;
        impl PgRun for NoServer {
            fn execute(&self, _: &str, _: &[&dyn Param]) -> Result<u64, postgres::Error> {
                unreachable!()
            }
            fn query(
                &self,
                _: &str,
                _: &[&dyn Param],
            ) -> Result<Vec<postgres::Row>, postgres::Error> {
                unreachable!()
            }
            fn batch(&self, _: &str) -> Result<(), postgres::Error> {
                unreachable!()
            }
            fn copy_in(&self, _: &str, _: &[u8]) -> Result<u64, postgres::Error> {
                unreachable!()
            }
        }
        let sql = "SELECT 1 FROM sale s INDEXED BY sale_completed CROSS JOIN tender t ON t.sale_id = s.id";
        assert_eq!(
            Conn::Pg(&NoServer).hinted(sql),
            "SELECT 1 FROM sale s JOIN tender t ON t.sale_id = s.id"
        );
        let lite = rusqlite::Connection::open_in_memory().unwrap();
        assert_eq!(Conn::from(&lite).hinted(sql), sql);
    }

    #[test]
    fn a_row_reads_whole_as_a_tuple_of_its_columns() {
        let lite = rusqlite::Connection::open_in_memory().unwrap();
        let row: (i64, String, Option<String>, bool) = Conn::from(&lite)
            .query_row("SELECT 7, 'mug', NULL, 1", args![], |r| r.tuple())
            .unwrap();
        assert_eq!(row, (7, "mug".into(), None, true));
        let short: Result<(i64, String)> =
            Conn::from(&lite).query_row("SELECT 'x', 'y'", args![], |r| r.tuple());
        assert!(short.is_err(), "text is not read as a number");
    }

    #[test]
    fn rows_are_inserted_many_a_statement_every_one_once() {
        let lite = rusqlite::Connection::open_in_memory().unwrap();
        let c = Conn::from(&lite);
        c.execute_batch("CREATE TABLE t (n INTEGER PRIMARY KEY, word TEXT NOT NULL)")
            .unwrap();
        let values: Vec<Arg> = (0..1201i64)
            .flat_map(|n| [Arg::from(n), Arg::from(format!("w{n}"))])
            .collect();
        c.insert_rows("t", 2, &values).unwrap();
        c.insert_rows("t", 2, &[]).unwrap();
        let (count, sum, last): (i64, i64, String) = c
            .query_row("SELECT count(*), sum(n), max(word) FROM t", &[], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((count, sum, last.as_str()), (1201, 1200 * 1201 / 2, "w999"));
    }

    #[test]
    fn a_list_of_keys_is_asked_in_batches_and_whole() {
        let lite = rusqlite::Connection::open_in_memory().unwrap();
        lite.execute_batch("CREATE TABLE t (k INTEGER PRIMARY KEY)")
            .unwrap();
        let c = Conn::from(&lite);
        let rows: Vec<Arg> = (0..1201).map(Arg::Int).collect();
        c.insert_rows("t", 1, &rows).unwrap();
        let odd: Vec<Arg> = (0..1201).filter(|k| k % 2 == 1).map(Arg::Int).collect();
        let found: Vec<i64> = c
            .query_in("SELECT k FROM t WHERE k IN ({}) ORDER BY k", &odd, |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(found.len(), 600);
        // Fixed parameters come first, the list's are numbered after them.
        let below: Vec<i64> = c
            .query_in_with(
                "SELECT k FROM t WHERE k < ?1 AND k IN ({}) ORDER BY k",
                &[Arg::Int(1000)],
                &odd,
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!((below.len(), below[499]), (500, 999));
        assert_eq!(
            c.execute_in(
                "DELETE FROM t WHERE k >= ?1 AND k IN ({})",
                &[Arg::Int(0)],
                &odd
            )
            .unwrap(),
            600
        );
        assert!(c
            .query_in("SELECT k FROM t WHERE k IN ({})", &[], |r| r.get::<i64>(0))
            .unwrap()
            .is_empty());
    }

    #[test]
    fn parameters_are_numbered_for_postgresql_outside_quotes() {
        assert_eq!(
            numbered("SELECT ?1, '?2', \"a?\" FROM t WHERE x = ?12"),
            "SELECT $1, '?2', \"a?\" FROM t WHERE x = $12"
        );
    }
}
