//! A backup file: a copy of the shop's database taken at one instant while selling goes on,
//! written under a temporary name, proven equal to the snapshot it came from, then renamed into
//! place beside its manifest; and a copy put back into the live file in one SQLite transaction.
//! When to take one, how many to keep and who may put one back are the backup domain's.

use super::cipher::{self, DbKey};
use super::{connect, migrations, schema_version, Db};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The ledgers every row of which the manifest's digest covers: what a shop can never re-create
/// from anywhere else (sales and their money, stock moves, invoices, the fiscal journal, orders,
/// the audit trail).
const LEDGERS: &[&str] = &[
    "audit_event",
    "cash_move",
    "customer_order",
    "gift_card_move",
    "invoice",
    "journal",
    "order_payment",
    "sale",
    "sale_line",
    "shift",
    "stock_move",
    "store_credit_move",
    "tender",
];

/// Written beside each backup: when and why it was taken, and what proves it intact later.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub taken_at: Timestamp,
    /// "hourly", "z-close", "on-demand", "before-migration", "before-restore".
    pub reason: String,
    pub schema_version: i64,
    pub bytes: u64,
    /// SHA-256 of the file's bytes: a copy that rotted on a USB stick fails verification.
    pub sha256: String,
    /// SHA-256 over every row of the ledgers, equal on the live snapshot and on the copy.
    pub ledgers: String,
    /// Rows per table, for "what it holds".
    pub rows: BTreeMap<String, i64>,
    /// Encrypted with the shop's key (absent from manifests written before encryption existed).
    #[serde(default)]
    pub encrypted: bool,
}

/// The folder a shop's backups go to unless the owner names another: beside the database,
/// named after it, so two shops in one folder never share (or prune) each other's backups.
pub fn default_dir(db: &Path) -> PathBuf {
    let stem = db
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "shopdesk".into());
    db.with_file_name(format!("{stem}.backups"))
}

/// "shopdesk-20261201T220000123Z-hourly.sqlite3": sorts by time, says why.
fn file_name(at: Timestamp, reason: &str) -> String {
    let (y, m, d, h, min) = at.utc_parts();
    let ms = at.0.rem_euclid(60_000);
    format!("shopdesk-{y:04}{m:02}{d:02}T{h:02}{min:02}{ms:05}Z-{reason}.sqlite3")
}

pub fn manifest_path(file: &Path) -> PathBuf {
    file.with_extension("json")
}

/// A name being written: listings skip it, so a copy killed half-way is never offered.
fn partial(file: &Path) -> PathBuf {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    file.with_file_name(format!(".partial-{name}"))
}

fn io(what: &Path, e: std::io::Error) -> Error {
    Error::CannotWrite(format!("{}: {e}", what.display()))
}

/// Rows per table and the digest of the ledgers, read in the caller's snapshot. A table scan
/// walks the b-tree in key order, so equal contents give equal digests on any copy.
pub(crate) fn ledger_digest(conn: &Connection) -> Result<(String, BTreeMap<String, i64>)> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
             ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = BTreeMap::new();
    let mut hash = Sha256::new();
    for table in tables {
        let mut st = conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
        let ledger = LEDGERS.contains(&table.as_str());
        if ledger {
            hash.update(table.as_bytes());
        }
        let columns = st.column_count();
        let mut found = st.query([])?;
        let mut n = 0;
        while let Some(r) = found.next()? {
            n += 1;
            if !ledger {
                continue;
            }
            for i in 0..columns {
                match r.get_ref(i)? {
                    ValueRef::Null => hash.update([0]),
                    ValueRef::Integer(v) => {
                        hash.update([1]);
                        hash.update(v.to_le_bytes());
                    }
                    ValueRef::Real(v) => {
                        hash.update([2]);
                        hash.update(v.to_bits().to_le_bytes());
                    }
                    ValueRef::Text(b) | ValueRef::Blob(b) => {
                        hash.update([3]);
                        hash.update((b.len() as u64).to_le_bytes());
                        hash.update(b);
                    }
                }
            }
        }
        rows.insert(table, n);
    }
    Ok((format!("{:x}", hash.finalize()), rows))
}

fn file_sha256(path: &Path) -> Result<(u64, String)> {
    let mut f = std::fs::File::open(path).map_err(|e| io(path, e))?;
    let mut hash = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| io(path, e))?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hash.update(&buf[..n]);
    }
    Ok((bytes, format!("{:x}", hash.finalize())))
}

fn integrity(conn: &Connection) -> Result<()> {
    let found: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if found == "ok" {
        Ok(())
    } else {
        Err(Error::Corrupt(found))
    }
}

/// Flushes a file (or a folder's entries, after a rename) to the disk.
pub(crate) fn sync(path: &Path) -> Result<()> {
    match std::fs::File::open(path) {
        Ok(f) => f.sync_all().or_else(|e| {
            // Folders cannot be synced on every system (Windows); the rename is still done.
            if path.is_dir() {
                Ok(())
            } else {
                Err(io(path, e))
            }
        }),
        Err(_) if path.is_dir() => Ok(()),
        Err(e) => Err(io(path, e)),
    }
}

fn write_manifest(file: &Path, manifest: &Manifest) -> Result<()> {
    let target = manifest_path(file);
    let temp = partial(&target);
    let text = serde_json::to_vec_pretty(manifest).map_err(|e| Error::Internal(e.to_string()))?;
    let mut f = std::fs::File::create(&temp).map_err(|e| io(&temp, e))?;
    f.write_all(&text).map_err(|e| io(&temp, e))?;
    f.sync_all().map_err(|e| io(&temp, e))?;
    std::fs::rename(&temp, &target).map_err(|e| io(&target, e))
}

/// Puts a finished, synced `.partial-` file in place: its manifest first, then the file, so a
/// listed backup always has its manifest.
fn publish(file: &Path, manifest: &Manifest) -> Result<()> {
    write_manifest(file, manifest)?;
    std::fs::rename(partial(file), file).map_err(|e| io(file, e))?;
    sync(file.parent().unwrap_or(Path::new(".")))
}

/// Copies what `source` reads, as of one snapshot, into `dir`; checks the copy (integrity, the
/// ledgers' digest against the snapshot's) before it gets its real name.
/// The copy is encrypted with `key` when the shop is.
fn take(
    source: &mut Connection,
    dir: &Path,
    now: Timestamp,
    reason: &str,
    key: Option<&DbKey>,
) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let file = dir.join(file_name(now, reason));
    let temp = partial(&file);
    let _ = std::fs::remove_file(&temp);
    let made = (|| -> Result<Manifest> {
        let tx = source.transaction_with_behavior(TransactionBehavior::Deferred)?;
        // Reading first opens the snapshot the copy is then taken from.
        let (ledgers, rows) = ledger_digest(&tx)?;
        let mut out = Connection::open(&temp)?;
        if let Some(key) = key {
            cipher::set_key(&out, key)?;
        }
        {
            let copy = Backup::new(&tx, &mut out)?;
            if copy.step(-1)? != StepResult::Done {
                return Err(Error::Storage(
                    "the backup could not read the whole database".into(),
                ));
            }
        }
        tx.finish()?;
        // A single self-contained file: no write-ahead log beside it to lose or replay.
        out.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        integrity(&out)?;
        if ledger_digest(&out)?.0 != ledgers {
            return Err(Error::Storage(
                "the copy's ledgers differ from the shop's".into(),
            ));
        }
        let version: i64 = out.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        drop(out);
        sync(&temp)?;
        let (bytes, sha256) = file_sha256(&temp)?;
        Ok(Manifest {
            taken_at: now,
            reason: reason.to_string(),
            schema_version: version,
            bytes,
            sha256,
            ledgers,
            rows,
            encrypted: key.is_some(),
        })
    })();
    let manifest = made.inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })?;
    publish(&file, &manifest)?;
    Ok(file)
}

/// Copies a finished backup (and its manifest) to another folder — a second disk, a USB stick,
/// a network share — under a temporary name, checks the bytes arrived, then names it.
pub(crate) fn copy_to(file: &Path, dir: &Path) -> Result<PathBuf> {
    let manifest = read_manifest(file)?;
    // Never made here: an unplugged stick's mount point would fill the computer's own disk.
    if !dir.is_dir() {
        return Err(Error::CannotWrite(format!(
            "{} is not reachable",
            dir.display()
        )));
    }
    let target = dir.join(file.file_name().unwrap_or_default());
    let temp = partial(&target);
    let copied = (|| {
        std::fs::copy(file, &temp).map_err(|e| io(&temp, e))?;
        sync(&temp)?;
        if file_sha256(&temp)?.1 != manifest.sha256 {
            return Err(Error::Storage(format!(
                "the copy in {} does not match",
                dir.display()
            )));
        }
        Ok(())
    })();
    copied.inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })?;
    publish(&target, &manifest)?;
    Ok(target)
}

/// Copies a checked backup to a new database file: a temporary name, synced, then renamed, so
/// a copy that is cut short never looks like a shop.
pub(crate) fn copy_file(backup: &Path, dest: &Path) -> Result<()> {
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let temp = partial(dest);
    let done = std::fs::copy(backup, &temp)
        .map_err(|e| io(&temp, e))
        .and_then(|_| sync(&temp))
        .and_then(|_| std::fs::rename(&temp, dest).map_err(|e| io(dest, e)));
    if done.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    done
}

/// Replaces a database that cannot be opened by `backup`. The new file is made first under a
/// temporary name; the damaged file is copied aside and its log moved with it (`X-wal` belongs
/// to `X`), so the log is never replayed onto the restored file; the rename comes last. A crash
/// part-way leaves the damaged shop in place, to be restored again.
pub(crate) fn replace_damaged(
    db: &Path,
    backup: &Path,
    key: Option<&DbKey>,
    now: Timestamp,
) -> Result<PathBuf> {
    verify(backup, key)?;
    let temp = partial(db);
    std::fs::copy(backup, &temp).map_err(|e| io(&temp, e))?;
    sync(&temp)?;
    let name = db.file_name().unwrap_or_default().to_string_lossy();
    let (y, m, d, h, min) = now.utc_parts();
    let kept = db.with_file_name(format!("{name}.damaged-{y:04}{m:02}{d:02}T{h:02}{min:02}Z"));
    if db.exists() {
        std::fs::copy(db, &kept).map_err(|e| io(&kept, e))?;
    }
    let side = |p: &Path, s: &str| PathBuf::from(format!("{}{s}", p.display()));
    if side(db, "-wal").exists() {
        std::fs::rename(side(db, "-wal"), side(&kept, "-wal")).map_err(|e| io(&kept, e))?;
    }
    let _ = std::fs::remove_file(side(db, "-shm"));
    std::fs::rename(&temp, db).map_err(|e| io(db, e))?;
    sync(db.parent().unwrap_or(Path::new(".")))?;
    Ok(kept)
}

pub(crate) fn read_manifest(file: &Path) -> Result<Manifest> {
    let path = manifest_path(file);
    let text = std::fs::read(&path)
        .map_err(|e| Error::Invalid(format!("{} has no readable manifest: {e}", file.display())))?;
    serde_json::from_slice(&text)
        .map_err(|e| Error::Invalid(format!("{} is not a backup manifest: {e}", path.display())))
}

/// Every finished backup in `dir` with its manifest, newest first. Half-written copies and
/// files without a manifest are not backups.
pub(crate) fn list(dir: &Path) -> Result<Vec<(PathBuf, Manifest)>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::CannotOpen(format!("{}: {e}", dir.display()))),
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !name.starts_with("shopdesk-") || !name.ends_with(".sqlite3") {
            continue;
        }
        if let Ok(m) = read_manifest(&path) {
            out.push((path, m));
        }
    }
    out.sort_by(|a, b| b.1.taken_at.cmp(&a.1.taken_at).then(b.0.cmp(&a.0)));
    Ok(out)
}

/// Opens a backup to read, never to write: no journal or log is created beside it. An
/// encrypted backup opens with the shop's key.
pub(crate) fn open_read_only(file: &Path, key: Option<&DbKey>) -> Result<Connection> {
    if !file.is_file() {
        return Err(Error::NotFound { what: "backup" });
    }
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    cipher::unlock(&conn, file, key, "the shop's key")?;
    Ok(conn)
}

/// Proves a backup is still what was written: the bytes' checksum, SQLite's integrity check and
/// the ledgers' digest against the manifest.
pub(crate) fn verify(file: &Path, key: Option<&DbKey>) -> Result<Manifest> {
    let manifest = read_manifest(file)?;
    let (bytes, sha256) = file_sha256(file)?;
    if bytes != manifest.bytes || sha256 != manifest.sha256 {
        return Err(Error::Corrupt(format!(
            "{} changed after it was written (checksum differs)",
            file.display()
        )));
    }
    let conn = open_read_only(file, key)?;
    integrity(&conn)?;
    if ledger_digest(&conn)?.0 != manifest.ledgers {
        return Err(Error::Corrupt(format!(
            "{}: the ledgers' digest differs",
            file.display()
        )));
    }
    Ok(manifest)
}

/// Takes a backup of an existing shop before this build migrates it, so a migration that goes
/// wrong never costs data. A new file, or one already at this build's schema, needs none.
pub(crate) fn before_migration(
    db: &Path,
    key: Option<&DbKey>,
    now: Timestamp,
) -> Result<Option<PathBuf>> {
    if !db.is_file() {
        return Ok(None);
    }
    let key = cipher::key_to_use(db, key)?;
    let mut conn = connect(db, OpenFlags::SQLITE_OPEN_READ_WRITE, key)?;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found == 0 || found >= schema_version() {
        return Ok(None);
    }
    take(&mut conn, &default_dir(db), now, "before-migration", key).map(Some)
}

/// Encrypts a plain backup with the shop's key once the shop is encrypted, so no copy of its
/// customers stays readable. The encrypted copy is proven to hold the manifest's ledgers, the
/// manifest is rewritten first, then the copy renamed over the plain file: a crash between the
/// two leaves a plain file that the next sweep encrypts again.
pub(crate) fn encrypt(file: &Path, key: &DbKey) -> Result<()> {
    let manifest = verify(file, None)?;
    let temp = partial(file);
    let made = (|| -> Result<Manifest> {
        cipher::export_file(file, &temp, key)?;
        cipher::check_copy(&temp, key, &manifest.ledgers)?;
        sync(&temp)?;
        let (bytes, sha256) = file_sha256(&temp)?;
        Ok(Manifest {
            bytes,
            sha256,
            encrypted: true,
            ..manifest
        })
    })();
    let manifest = made.inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })?;
    publish(file, &manifest)
}

/// Where a restore prepares its working copy, beside the database.
pub(crate) fn restore_work(db: &Path) -> PathBuf {
    let name = db.file_name().unwrap_or_default().to_string_lossy();
    db.with_file_name(format!(".restoring-{name}"))
}

impl Db {
    /// A backup of the live shop into `dir`, beside any sale in progress (WAL lets the copy read
    /// one snapshot while the writer goes on).
    pub(crate) fn back_up(&self, dir: &Path, now: Timestamp, reason: &str) -> Result<PathBuf> {
        let mut source = connect(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY, self.key())?;
        take(&mut source, dir, now, reason, self.key())
    }

    /// Puts `backup` back as the live shop. Selling waits from the first step to the last, so
    /// nothing is written between what `before` keeps (the shop as it was) and the swap. A
    /// private working copy is made next to the database, migrated to this build and handed to
    /// `prepare` with the live database (to carry numbering on, mark what to push again); only
    /// then is it copied into the live file, in one transaction of the live file: a crash leaves
    /// the shop as it was or as restored, never a mix, and no file is ever swapped under
    /// SQLite's log (a stale -wal is never replayed onto another file).
    pub(crate) fn restore<T>(
        &self,
        backup: &Path,
        before: impl FnOnce() -> Result<T>,
        prepare: impl FnOnce(&Transaction, &Connection, &T) -> Result<()>,
    ) -> Result<T> {
        let mut live = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let kept = before()?;
        let work = restore_work(&self.path);
        let _ = std::fs::remove_file(&work);
        let done = (|| {
            match self.key() {
                // A backup from before the shop was encrypted: the working copy is encrypted,
                // since SQLite copies pages only between two plain or two encrypted files.
                Some(key) if !cipher::is_encrypted(backup)? => {
                    cipher::export_file(backup, &work, key)?
                }
                _ => {
                    std::fs::copy(backup, &work).map_err(|e| io(&work, e))?;
                }
            }
            let mut copy = Connection::open(&work)?;
            cipher::unlock(&copy, &work, self.key(), "the shop's key")?;
            copy.pragma_update(None, "foreign_keys", true)?;
            let found: i64 = copy.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            if found > schema_version() {
                return Err(Error::SchemaTooNew {
                    found,
                    supported: schema_version(),
                });
            }
            migrations()
                .to_latest(&mut copy)
                .map_err(|e| Error::Storage(e.to_string()))?;
            let tx = copy.transaction_with_behavior(TransactionBehavior::Immediate)?;
            prepare(&tx, &live, &kept)?;
            tx.commit()?;
            integrity(&copy)?;
            let put = Backup::new(&copy, &mut live)?;
            if put.step(-1)? != StepResult::Done {
                return Err(Error::Storage(
                    "the restore could not write the whole database".into(),
                ));
            }
            Ok(())
        })();
        let _ = std::fs::remove_file(&work);
        done.map(|()| kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_time_and_say_why() {
        let a = file_name(Timestamp(1_764_626_400_000), "hourly");
        let b = file_name(Timestamp(1_764_626_400_001), "z-close");
        assert_eq!(a, "shopdesk-20251201T220000000Z-hourly.sqlite3");
        assert!(a < b);
        assert_eq!(
            default_dir(Path::new("/data/shop.sqlite3")),
            Path::new("/data/shop.backups")
        );
    }

    #[test]
    fn an_older_shop_is_backed_up_before_it_is_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.sqlite3");
        assert_eq!(
            before_migration(&path, None, Timestamp(1)).unwrap(),
            None,
            "no file yet"
        );
        {
            let mut conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "journal_mode", "WAL").unwrap();
            migrations().to_version(&mut conn, 8).unwrap();
            conn.execute(
                "INSERT INTO shop (id, name, currency, country, created_at) VALUES (1, 'Old', 'EUR', 'IE', 0)",
                [],
            )
            .unwrap();
        }
        let copy = before_migration(&path, None, Timestamp(5))
            .unwrap()
            .expect("a copy");
        let manifest = verify(&copy, None).unwrap();
        assert_eq!(
            (manifest.schema_version, manifest.reason.as_str()),
            (8, "before-migration")
        );
        assert_eq!(manifest.rows["shop"], 1);
        // A self-contained file: rollback journal, not write-ahead log (header bytes 18–19).
        let head = std::fs::read(&copy).unwrap();
        assert_eq!((head[18], head[19]), (1, 1));
        assert_eq!(list(&default_dir(&path)).unwrap().len(), 1);
        Db::open(&path, None).unwrap();
        assert_eq!(
            before_migration(&path, None, Timestamp(9)).unwrap(),
            None,
            "already migrated"
        );
    }
}
