//! The SQLite store: opening and configuring connections, refusing databases it must not touch,
//! migrating them (the steps in `schema.rs`), and the one-transaction-per-business-action rule.
//!
//! Shape: one writer connection behind a mutex (SQLite admits one writer at a time anyway, and
//! `BEGIN IMMEDIATE` on a single writer means a business action never fails half-way on a busy
//! upgrade) plus a small pool of reader connections that WAL lets run beside the writer, so a long
//! report never stalls a sale at the counter.

pub(crate) mod backup;
pub mod cipher;
pub mod pg;
mod schema;

use crate::error::{Error, Result};
use crate::sql::{self, args, Conn};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use schema::migrations;
pub use schema::schema_version;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const MAX_IDLE_READERS: usize = 4;

/// How long (ms) a station whose server was just found unreachable reads its own copy before it
/// tries the server again for a read.
const OFFLINE_RETRY_MS: i64 = 5_000;

pub struct Db {
    path: PathBuf,
    /// The encrypted database's key, given to every connection; None for a plain one.
    key: Option<cipher::DbKey>,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// The shop's server when several stations share the shop: what is ported to both engines
    /// (`shared_write`, `shared_read`) runs there; this file is the station's own.
    server: Option<pg::Server>,
    /// On a till: the server's last stock move whose levels this file holds (0: none yet, so
    /// the first refresh reads every level).
    pub(crate) till_stock_mark: std::sync::atomic::AtomicI64,
    // Held for its Drop, which stops the thread when the shop closes.
    _checkpointer: Checkpointer,
}

/// Copies the write-ahead log back into the database on its own thread and connection, once a
/// second. SQLite would otherwise do it inside whichever commit crosses 1000 log pages — a sale
/// at the counter would now and then pay 10+ ms for it. PASSIVE never blocks a writer.
struct Checkpointer {
    stop: std::sync::Arc<(Mutex<bool>, std::sync::Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Checkpointer {
    fn start(path: &Path, key: Option<&cipher::DbKey>) -> Result<Checkpointer> {
        let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE, key)?;
        let stop = std::sync::Arc::new((Mutex::new(false), std::sync::Condvar::new()));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || {
                let (lock, wake) = &*flag;
                let mut stopped = lock.lock().unwrap_or_else(|p| p.into_inner());
                while !*stopped {
                    let (guard, _) = wake
                        .wait_timeout(stopped, std::time::Duration::from_secs(1))
                        .unwrap_or_else(|p| p.into_inner());
                    stopped = guard;
                    // A failed checkpoint is retried next second; the log only grows meanwhile.
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            })
            .map_err(|e| Error::Storage(e.to_string()))?;
        Ok(Checkpointer {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (lock, wake) = &*self.stop;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn connect(path: &Path, flags: OpenFlags, key: Option<&cipher::DbKey>) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    // The key was decided when the shop opened: no file is read again here.
    cipher::apply(&conn, key, "the key this computer holds")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // One business action runs dozens of distinct statements (an order: pricing, verification,
    // stock, timeline); rusqlite's default cache of 16 thrashed, re-parsing them on every order.
    conn.set_prepared_statement_cache_capacity(256);
    if key.is_some() {
        // An encrypted page costs a decryption each time it is read from the OS's cache: readers
        // keep 32 MiB of pages decrypted (SQLite's default is 2 MiB; the writer keeps 64).
        conn.pragma_update(None, "cache_size", -32_768)?;
    }
    Ok(conn)
}

impl Db {
    /// Opens (creating if absent) and migrates the database at `path`. A database from a newer
    /// Shopdesk, a damaged file, a locked one, or an encrypted one without its key (`key` is
    /// used only if the file is encrypted) is refused before anything is written to it.
    pub fn open(path: &Path, key: Option<&cipher::DbKey>) -> Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::CannotOpen(format!("{}: {e}", dir.display())))?;
        }
        // A restore's working copy left by a restore that was cut short: never the shop.
        let _ = std::fs::remove_file(backup::restore_work(path));
        let key = cipher::key_to_use(path, key)?;
        let mut writer = connect(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
            key,
        )?;
        // Read the version first: this also proves the file is a database, and it must happen
        // before any pragma that writes (journal_mode) so a newer database is left untouched.
        let found: i64 = writer.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > schema_version() {
            return Err(Error::SchemaTooNew {
                found,
                supported: schema_version(),
            });
        }
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::CannotOpen(format!(
                "write-ahead logging is not available here (journal mode {mode})"
            )));
        }
        // FULL: a completed sale survives a power cut, not only an app crash.
        writer.pragma_update(None, "synchronous", "FULL")?;
        // 64 MiB of page cache for the writer: a 100k-variant import rewrites index pages many
        // times over, and SQLite's 2 MiB default turns that into disk reads.
        writer.pragma_update(None, "cache_size", -65_536)?;
        // Statement journals and savepoints (one per marketplace order, so a bad one rolls back
        // alone) are scratch space: in a temporary file they were a fifth of an import's time.
        writer.pragma_update(None, "temp_store", "MEMORY")?;
        migrations().to_latest(&mut writer).map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => Error::from(err),
            other => Error::Storage(other.to_string()),
        })?;
        writer.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(Db {
            path: path.to_path_buf(),
            _checkpointer: Checkpointer::start(path, key)?,
            key: key.cloned(),
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            server: None,
            till_stock_mark: std::sync::atomic::AtomicI64::new(0),
        })
    }

    /// SQLite's full integrity check (every index against its table): minutes on a big shop, so
    /// the app runs it in the background after start, never in the way of a sale.
    pub fn integrity_check(&self) -> Result<()> {
        let found: String =
            self.read(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))?;
        if found == "ok" {
            Ok(())
        } else {
            Err(Error::Corrupt(found))
        }
    }

    /// SQLite's quick check of every page (not the indexes' contents): run at start, so a
    /// damaged file is met with "restore the last good backup" rather than a failed sale.
    pub fn quick_check(&self) -> Result<()> {
        let found: String =
            self.read(|c| Ok(c.query_row("PRAGMA quick_check", [], |r| r.get(0))?))?;
        if found == "ok" {
            Ok(())
        } else {
            Err(Error::Corrupt(found))
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn key(&self) -> Option<&cipher::DbKey> {
        self.key.as_ref()
    }

    /// Runs one business action of the shop's in one `BEGIN IMMEDIATE` transaction on this
    /// file: all of it commits, or none. On a station this file is not the shop (the server
    /// is), so an action not yet ported to the server is refused there, plainly and with
    /// nothing changed, rather than written where no other station would ever see it.
    pub fn write<T>(&self, action: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        if self.server.is_some() {
            return Err(Error::Conflict(
                "this is not done from a station of a shared shop yet; nothing was changed".into(),
            ));
        }
        self.own_write(action)
    }

    /// Runs one action in one `BEGIN IMMEDIATE` transaction on this station's own file, on a
    /// station too: the till's journal, its sales and shifts, what waits to be sent, its copy
    /// of the shop.
    pub fn own_write<T>(&self, action: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let mut conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = action(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Lets this writer commit without waiting for the disk, for data that is made again when
    /// lost (the demo shop's history, hundreds of commits): WAL keeps the file whole, and a power
    /// cut loses at most the last commits of a demo that is then loaded again. Other writers on
    /// the file keep FULL.
    pub(crate) fn commit_without_fsync(&self) -> Result<()> {
        let conn = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        Ok(())
    }

    /// Makes the shop's server where this station's shared actions run.
    pub(crate) fn attach_server(&mut self, server: pg::Server) {
        self.server = Some(server);
    }

    pub(crate) fn server(&self) -> Option<&pg::Server> {
        self.server.as_ref()
    }

    /// One business action in one transaction on the shop's shared store: its server when
    /// stations share it, else this file. The action may run again when PostgreSQL rolls it
    /// back for a conflict, so it only writes through `Conn`.
    pub(crate) fn shared_write<T>(
        &self,
        mut action: impl FnMut(sql::Conn) -> Result<T>,
    ) -> Result<T> {
        match &self.server {
            Some(server) => server.write(action),
            None => self.write(|tx| action(sql::Conn::from(&**tx))),
        }
    }

    /// Reads in one snapshot of the shop's shared store. A station whose server cannot be
    /// reached reads its own copy (made from the server, kept fresh while it could be), so a
    /// till goes on finding products, staff and customers; `till_state` says it is offline.
    pub(crate) fn shared_read<T>(
        &self,
        mut query: impl FnMut(sql::Conn) -> Result<T>,
    ) -> Result<T> {
        match &self.server {
            Some(server) if !server.offline_within(OFFLINE_RETRY_MS) => {
                match server.read(&mut query) {
                    Err(Error::ServerOffline(_)) => self.read(|tx| query(sql::Conn::from(&**tx))),
                    other => other,
                }
            }
            _ => self.read(|tx| query(sql::Conn::from(&**tx))),
        }
    }

    /// Reads in one snapshot of the shop's shared store, never this station's copy: what only
    /// the server holds in full (the reports over every station's trade and every order) is
    /// refused while it cannot be reached, rather than read short from the copy.
    pub(crate) fn server_read<T>(&self, query: impl FnOnce(sql::Conn) -> Result<T>) -> Result<T> {
        match &self.server {
            Some(server) => server.read(query),
            None => self.read(|tx| query(sql::Conn::from(&**tx))),
        }
    }

    /// One business action on the shop's shared store that a station may record on its own
    /// file while its server cannot be reached (a sign-in's failed-PIN count and trail).
    pub(crate) fn shared_or_own_write<T>(
        &self,
        mut action: impl FnMut(sql::Conn) -> Result<T>,
    ) -> Result<T> {
        match self.shared_write(&mut action) {
            Err(Error::ServerOffline(_)) if self.server.is_some() => {
                self.own_write(|tx| action(sql::Conn::from(&**tx)))
            }
            other => other,
        }
    }

    /// Runs reads on a pooled reader inside one snapshot, beside any write in progress.
    pub fn read<T>(&self, query: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let pooled = self.readers.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => connect(
                &self.path,
                OpenFlags::SQLITE_OPEN_READ_ONLY,
                self.key.as_ref(),
            )?,
        };
        let result = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let out = query(&tx)?;
            tx.finish()?;
            Ok(out)
        })();
        let mut idle = self.readers.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE_READERS {
            idle.push(conn);
        }
        result
    }
}

/// A unit enum variant as stored: the snake_case word serde gives it ("waiting_us").
pub(crate) fn word<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A stored word back as its enum variant, for a row reader.
pub(crate) fn from_word<T: serde::de::DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The next number of a kind of document (purchase order 1, 2, 3…), in the issuing
/// transaction: gapless with several writers, since the counter's row stays locked until that
/// transaction ends (a rollback gives the number back).
pub(crate) fn next_number<'c>(conn: impl Into<Conn<'c>>, kind: &str) -> Result<i64> {
    next_numbers(conn, kind, 1)
}

/// The first of the next `n` numbers of a series (`n` > 0), taken together: a page of
/// marketplace orders takes its own in one statement. The counter row stays locked until the
/// transaction ends, so numbers `next_numbers` gave and nobody used may be given back with
/// `give_back` before then.
pub(crate) fn next_numbers<'c>(conn: impl Into<Conn<'c>>, kind: &str, n: i64) -> Result<i64> {
    conn.into().query_row(
        "INSERT INTO counter (name, next) VALUES (?1, ?2 + 1)
         ON CONFLICT (name) DO UPDATE SET next = counter.next + ?2 RETURNING next - ?2",
        args![kind, n],
        |r| r.get(0),
    )
}

/// Gives back the last `n` numbers of a series this transaction took and did not use (see
/// `next_numbers`): none was taken after them, so the series stays without gaps.
pub(crate) fn give_back(conn: Conn, kind: &str, n: i64) -> Result<()> {
    conn.execute(
        "UPDATE counter SET next = next - ?2 WHERE name = ?1",
        args![kind, n],
    )?;
    Ok(())
}

/// Runs `write` with the customers' search rows left for its end: the customers it makes or
/// changes are indexed once, in two statements, instead of one at a time — on the file a
/// full-text flush per customer (migration 0021 says why), on the server the search row's view
/// read and written per customer, about a third of a new customer's insert. In the caller's
/// transaction; an error rolls the deferral back with everything else. (On the server the
/// deferring row is this transaction's own until it removes it, so other stations index as
/// usual meanwhile.)
pub(crate) fn with_search_deferred<T>(tx: Conn, write: impl FnOnce() -> Result<T>) -> Result<T> {
    tx.execute(
        "INSERT INTO customer_search_deferring (one) VALUES (1)",
        args![],
    )?;
    let done = write()?;
    // The same rebuild on both: FTS5 keys its rows by rowid; the server's table by `seq`, its
    // `doc` made from the others by the table's own trigger.
    let (key, doc, made) = match tx {
        Conn::Lite(_) => ("rowid", "", ""),
        Conn::Pg(_) => ("seq", ", doc", ", ''"),
    };
    tx.execute_batch(&format!(
        "DELETE FROM customer_search_deferring;
         DELETE FROM customer_search WHERE {key} IN (SELECT seq FROM customer_search_stale);
         INSERT INTO customer_search ({key}, name, emails, phones, postcode, tags{doc})
         SELECT seq, name, emails, phones, postcode, tags{made} FROM customer_search_row
         WHERE seq IN (SELECT seq FROM customer_search_stale);
         DELETE FROM customer_search_stale;"
    ))?;
    Ok(done)
}

/// Refuses an id that names no customer, before a sale or order points at it (the foreign key
/// would refuse it too, but as a storage error instead of "customer not found").
pub(crate) fn customer_exists<'c>(conn: impl Into<Conn<'c>>, id: &str) -> Result<()> {
    conn.into()
        .query_opt(
            "SELECT 1 FROM customer WHERE id = ?1",
            args![id],
            |_| Ok(()),
        )?
        .ok_or(Error::NotFound { what: "customer" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(conn: &Connection) -> Vec<String> {
        let mut st = conn
            .prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn migrates_an_empty_database_to_the_latest_schema() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("shop.sqlite3"), None).unwrap();
        db.read(|c| {
            let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            assert_eq!(v, schema_version());
            let t = tables(c);
            for want in ["audit_event", "product", "role", "shop", "staff"] {
                assert!(
                    t.contains(&want.to_string()),
                    "table {want} missing from {t:?}"
                );
            }
            let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
            assert_eq!(fk, 1, "readers enforce foreign keys too");
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn upgrades_a_database_from_every_earlier_version() {
        for from in 0..schema_version() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("old.sqlite3");
            let mut conn = Connection::open(&path).unwrap();
            migrations().to_version(&mut conn, from as usize).unwrap();
            drop(conn);
            let db = Db::open(&path, None).unwrap();
            let v: i64 = db
                .read(|c| Ok(c.query_row("PRAGMA user_version", [], |r| r.get(0))?))
                .unwrap();
            assert_eq!(v, schema_version(), "upgrade from version {from}");
        }
    }

    #[test]
    fn a_shop_migrated_by_the_first_0009_gets_fulfilled_at_from_0012() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v9.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        migrations().to_version(&mut conn, 9).unwrap();
        // As the first landed 0009 left it: no column, no index.
        conn.execute_batch(
            "DROP INDEX order_to_pack; ALTER TABLE customer_order DROP COLUMN fulfilled_at;",
        )
        .unwrap();
        drop(conn);
        let db = Db::open(&path, None).unwrap();
        let (column, index): (i64, i64) = db
            .read(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT count(*) FROM pragma_table_info('customer_order') WHERE name = 'fulfilled_at'),
                            (SELECT count(*) FROM sqlite_schema WHERE name = 'order_to_pack')",
                    [],
                    |r| r.try_into(),
                )?)
            })
            .unwrap();
        assert_eq!((column, index), (1, 1));
    }

    #[test]
    fn customers_from_before_the_list_get_their_figures_and_their_search() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v12.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        migrations().to_version(&mut conn, 12).unwrap();
        conn.execute_batch(
            "INSERT INTO location (id, name, position, created_at) VALUES ('L', 'Shop', 0, 0);
             INSERT INTO customer (id, name, email, phone, address, created_at, updated_at)
             VALUES ('C', 'Órla Doyle', 'orla@example.ie', '087 111 2222', '{\"postal_code\":\"H91 X2Y3\"}', 0, 0);
             INSERT INTO customer_order (id, number, channel, status, customer_id, billing, shipping, address_key,
                 location_id, prices_include_tax, subtotal_minor, discount_minor, shipping_minor, tax_minor,
                 total_minor, created_at, updated_at)
             VALUES ('O1', 1, 'manual', 'open', 'C', '{}', '{}', '', 'L', 1, 2000, 0, 500, 0, 2500, 10, 10),
                    ('O2', 2, 'manual', 'cancelled', 'C', '{}', '{}', '', 'L', 1, 900, 0, 0, 0, 900, 20, 20);",
        )
        .unwrap();
        drop(conn);
        let db = Db::open(&path, None).unwrap();
        let (orders, value, last): (i64, i64, i64) = db
            .read(|c| {
                Ok(c.query_row(
                    "SELECT orders, value_minor, last_at FROM customer_stats WHERE customer_id = 'C'",
                    [],
                    |r| r.try_into(),
                )?)
            })
            .unwrap();
        assert_eq!((orders, value, last), (1, 2500, 10));
        for words in ["orla", "H91", "0871112222", "orla@example"] {
            let found: i64 = db
                .read(|c| {
                    Ok(c.query_row(
                        "SELECT count(*) FROM customer_search WHERE customer_search MATCH ?1",
                        [format!("\"{words}\"*")],
                        |r| r.get(0),
                    )?)
                })
                .unwrap();
            assert_eq!(found, 1, "{words}");
        }
    }

    #[test]
    fn a_shop_from_before_the_live_search_drops_merged_customers_from_it_and_sorts_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v14.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        migrations().to_version(&mut conn, 14).unwrap();
        conn.execute_batch(
            "INSERT INTO customer (id, name, email, created_at, updated_at)
             VALUES ('A', 'Aoife Byrne', 'a@example.ie', 0, 0), ('B', 'Bríd Byrne', 'b@example.ie', 0, 0);
             UPDATE customer SET merged_into = 'A' WHERE id = 'B';",
        )
        .unwrap();
        drop(conn);
        let db = Db::open(&path, None).unwrap();
        let (found, sorted): (i64, String) = db
            .read(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT count(*) FROM customer_search WHERE customer_search MATCH 'byrne'),
                            (SELECT group_concat(sort_name, '|') FROM customer_key)",
                    [],
                    |r| r.try_into(),
                )?)
            })
            .unwrap();
        assert_eq!((found, sorted.as_str()), (1, "Aoife Byrne|Bríd Byrne"));
    }

    #[test]
    fn a_shop_from_before_taxes_gets_its_countrys_rates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v2.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        migrations().to_version(&mut conn, 2).unwrap();
        conn.execute(
            "INSERT INTO shop (id, name, currency, country, created_at) VALUES (1, 'Old', 'USD', 'US', 0)",
            [],
        )
        .unwrap();
        drop(conn);
        let db = Db::open(&path, None).unwrap();
        let (rates, included): (i64, bool) = db
            .read(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT count(*) FROM tax_rate), prices_include_tax FROM shop",
                    [],
                    |r| r.try_into(),
                )?)
            })
            .unwrap();
        assert_eq!(rates, 1, "the US default: one sales-tax rate to fill in");
        assert!(!included, "US shelf prices leave the tax out");
    }

    #[test]
    fn a_shops_buyers_by_month_move_to_customer_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v19.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        migrations().to_version(&mut conn, 19).unwrap();
        conn.execute_batch(
            "INSERT INTO report_buyer VALUES
               ('day', '2026-10-05', 'order', 'shopify', 'L', '', 'C1', 1, 900),
               ('month', '2026-10-01', 'order', 'shopify', 'L', '', 'C1', 1, 900),
               ('month', '2026-10-01', 'sale', 'counter', 'L', 'S', '', 4, 0),
               ('month', '2026-11-01', 'order', 'shopify', 'L', '', 'C1', 2, 1500);",
        )
        .unwrap();
        drop(conn);
        let db = Db::open(&path, None).unwrap();
        let (months, numbered, days, left): (String, i64, i64, i64) = db
            .read(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT group_concat(m.month || ' ' || c.id || ' ' || m.docs || ' ' || m.net, '|')
                             FROM report_buyer_month m JOIN report_customer c ON c.no = m.customer),
                            (SELECT count(*) FROM report_customer),
                            (SELECT count(*) FROM report_buyer WHERE span = 'day'),
                            (SELECT count(*) FROM report_buyer WHERE span = 'month')",
                    [],
                    |r| r.try_into(),
                )?)
            })
            .unwrap();
        assert_eq!(
            months,
            "2026-10-01 C1 1 900|2026-10-01  4 0|2026-11-01 C1 2 1500"
        );
        assert_eq!((numbered, days, left), (2, 1, 0));
    }

    #[test]
    fn only_the_writer_asked_commits_without_waiting_for_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.sqlite3");
        let (shop, demo) = (
            Db::open(&path, None).unwrap(),
            Db::open(&path, None).unwrap(),
        );
        demo.commit_without_fsync().unwrap();
        let level = |db: &Db| -> i64 {
            let conn = db.writer.lock().unwrap();
            conn.pragma_query_value(None, "synchronous", |r| r.get(0))
                .unwrap()
        };
        // 2 is FULL, 1 NORMAL.
        assert_eq!((level(&shop), level(&demo)), (2, 1));
    }

    #[test]
    fn refuses_a_newer_database_without_touching_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.sqlite3");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", schema_version() + 5)
            .unwrap();
        drop(conn);
        let before = std::fs::read(&path).unwrap();
        let err = Db::open(&path, None)
            .err()
            .expect("newer schema must be refused");
        assert_eq!(err.code(), crate::ErrorCode::SchemaTooNew);
        assert!(
            matches!(err, Error::SchemaTooNew { found, supported }
                if found == supported + 5 && supported == schema_version()),
            "{err:?}"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "the file is byte-for-byte unchanged"
        );
        assert!(!dir.path().join("future.sqlite3-wal").exists());
    }

    #[test]
    fn refuses_a_file_that_is_not_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notes.sqlite3");
        std::fs::write(
            &path,
            b"this is a shopping list, not a database".repeat(200),
        )
        .unwrap();
        let err = Db::open(&path, None)
            .err()
            .expect("garbage must be refused");
        assert_eq!(err.code(), crate::ErrorCode::DbCorrupt);
        assert!(std::fs::read(&path)
            .unwrap()
            .starts_with(b"this is a shopping list"));
    }

    #[test]
    fn a_failed_action_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.sqlite3"), None).unwrap();
        let r: Result<()> = db.write(|tx| {
            tx.execute(
                "INSERT INTO shop (id, name, currency, country, created_at) VALUES (1,'A','EUR','IE',0)",
                [],
            )?;
            Err(Error::invalid("second half failed"))
        });
        assert!(r.is_err());
        let n: i64 = db
            .read(|c| Ok(c.query_row("SELECT count(*) FROM shop", [], |r| r.get(0))?))
            .unwrap();
        assert_eq!(n, 0, "the first half was rolled back with the second");
    }
}
