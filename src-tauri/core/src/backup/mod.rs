//! Backups of the shop: taken at every Z close, hourly while the app runs, before every
//! migration and on demand; kept 24 hourly / 14 daily / 8 weekly / 12 monthly; copied to a second
//! place the owner picks; verified; and put back with the owner's PIN — document numbering
//! carried on past what was already issued, mail already sent not sent again, marketplaces
//! pulled and pushed again. The file format (copy, manifest, checks) is the store's
//! (`store/backup.rs`). A shared shop's server is backed up hourly by one station and restored
//! from those dumps (`server_restore`).

mod carried;
pub mod encryption;
mod keep;
pub mod server_restore;

use crate::audit::{self, Change};
use crate::error::{Error, Result};
use crate::shop::staff::{Permission, Session};
use crate::store::backup::{self as file, Manifest};
use crate::store::cipher::{self, DbKey};
use crate::store::pg::Job;
use crate::{Shop, Timestamp};
pub(crate) use carried::Carried;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::path::{Path, PathBuf};
use ts_rs::TS;

pub use crate::store::backup::default_dir;

/// Hourly while the app is open: the most a crash of the disk can cost.
pub const EVERY_MS: i64 = 60 * 60_000;
/// The status turns red when the newest good backup is older than this.
pub const OLD_AFTER_MS: i64 = 2 * EVERY_MS;
/// Hourly server backups kept: two days'.
const SERVER_BACKUPS_KEPT: usize = 48;

/// Why a backup was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum BackupReason {
    Hourly,
    ZClose,
    OnDemand,
    BeforeMigration,
    BeforeRestore,
}

impl BackupReason {
    pub fn code(self) -> &'static str {
        match self {
            BackupReason::Hourly => "hourly",
            BackupReason::ZClose => "z-close",
            BackupReason::OnDemand => "on-demand",
            BackupReason::BeforeMigration => "before-migration",
            BackupReason::BeforeRestore => "before-restore",
        }
    }
}

/// One finished backup.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BackupEntry {
    /// Its full path: what restore and verify take.
    pub path: String,
    pub name: String,
    pub taken_at: Timestamp,
    /// "hourly", "z-close", "on-demand", "before-migration", "before-restore".
    pub reason: String,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub sales: i64,
    #[ts(type = "number")]
    pub orders: i64,
    /// A copy with the same name sits in the second place.
    pub second_copy: bool,
    /// Encrypted with the shop's key.
    pub encrypted: bool,
}

/// What a backup holds, read from the file itself before anyone restores it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BackupHolds {
    pub entry: BackupEntry,
    pub last_receipt: Option<String>,
    pub last_receipt_at: Option<Timestamp>,
    #[ts(type = "number | null")]
    pub last_z: Option<i64>,
    pub last_z_at: Option<Timestamp>,
    pub last_invoice: Option<String>,
    #[ts(type = "number")]
    pub products: i64,
    #[ts(type = "number")]
    pub customers: i64,
    #[ts(type = "number")]
    pub stock_moves: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum BackupHealth {
    /// A verified backup from the last two hours.
    Fresh,
    /// The newest verified backup is older than that.
    Old,
    /// The last attempt failed.
    Failing,
    /// No backup yet.
    Never,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BackupFailure {
    pub at: Timestamp,
    pub message: String,
}

/// The last full integrity check of the live database found a problem (kept in the backup
/// folder, shown with the backups' status until a check passes).
fn integrity_path(dir: &Path) -> PathBuf {
    dir.join(".integrity-problem.json")
}

/// "Last verified backup N minutes ago", red when old or failing.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BackupStatus {
    pub health: BackupHealth,
    pub last_at: Option<Timestamp>,
    pub failure: Option<BackupFailure>,
    /// The second place failed while the first succeeded.
    pub second_failure: Option<BackupFailure>,
    pub dir: String,
    pub second_dir: Option<String>,
    #[ts(type = "number")]
    pub count: i64,
    /// The shop's database is encrypted (and so is every backup taken since).
    pub encrypted: bool,
    /// Backups from before encryption still waiting to be encrypted (one that no longer
    /// verifies cannot be): shown so the owner can delete them.
    #[ts(type = "number")]
    pub unencrypted: i64,
    /// The live database failed its full integrity check: restore the last good backup.
    pub integrity_problem: Option<BackupFailure>,
}

/// This computer's backup settings, kept in the backup folder (not in the database: a restore
/// must not move where the next backups go, and a USB stick's path is this machine's).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Settings {
    second_dir: Option<PathBuf>,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Restored {
    pub from: BackupEntry,
    /// The shop as it was just before, kept as a backup of its own.
    pub before_restore: BackupEntry,
}

fn failure_path(dir: &Path, second: bool) -> PathBuf {
    dir.join(if second {
        ".second-failure.json"
    } else {
        ".last-failure.json"
    })
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
}

fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_vec_pretty(value).map_err(|e| Error::Internal(e.to_string()))?;
    std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))
        .and_then(|_| std::fs::write(path, text))
        .map_err(|e| Error::CannotWrite(format!("{}: {e}", path.display())))
}

fn entry(path: &Path, m: &Manifest, second: Option<&Path>) -> BackupEntry {
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let count = |t: &str| m.rows.get(t).copied().unwrap_or(0);
    BackupEntry {
        path: path.display().to_string(),
        second_copy: second.is_some_and(|d| d.join(&name).is_file()),
        name,
        taken_at: m.taken_at,
        reason: m.reason.clone(),
        bytes: m.bytes,
        sales: count("sale"),
        orders: count("customer_order"),
        encrypted: m.encrypted,
    }
}

/// The receipt, Z and invoice a backup ends with, and how much it holds.
fn holds(conn: &Connection, entry: BackupEntry, m: &Manifest) -> Result<BackupHolds> {
    let receipt: Option<(i64, i64, String)> = conn
        .query_row(
            "SELECT number, completed_at, station FROM sale WHERE number IS NOT NULL
             ORDER BY number DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let z: Option<(i64, i64)> = conn
        .query_row(
            "SELECT number, closed_at FROM shift WHERE status = 'closed'
             ORDER BY number DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let invoice: Option<String> = conn
        .query_row(
            "SELECT code FROM invoice ORDER BY issued_at DESC, number DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let count = |t: &str| m.rows.get(t).copied().unwrap_or(0);
    Ok(BackupHolds {
        last_receipt_at: receipt.as_ref().map(|(_, at, _)| Timestamp(*at)),
        last_receipt: receipt.map(|(n, _, till)| crate::sale::receipt_code(&till, n)),
        last_z: z.map(|(n, _)| n),
        last_z_at: z.map(|(_, at)| Timestamp(at)),
        last_invoice: invoice,
        products: count("product"),
        customers: count("customer"),
        stock_moves: count("stock_move"),
        entry,
    })
}

impl Shop {
    fn backup_dir(&self) -> PathBuf {
        default_dir(self.db.path())
    }

    fn backup_settings(&self) -> Settings {
        read_json(&self.backup_dir().join("settings.json")).unwrap_or_default()
    }

    /// Takes a backup now, for the app's own schedule (hourly, at a Z close) or a script: copies
    /// it to the second place if one is set, then prunes both by the retention rule. A failure is
    /// remembered for the status until a backup succeeds.
    pub fn back_up(&self, reason: BackupReason) -> Result<BackupEntry> {
        let dir = self.backup_dir();
        let now = self.clock.now();
        let taken = self.db.back_up(&dir, now, reason.code());
        let path = match taken {
            Ok(p) => {
                let _ = std::fs::remove_file(failure_path(&dir, false));
                p
            }
            Err(e) => {
                let message = e.to_string();
                let _ = write_json(
                    &failure_path(&dir, false),
                    &BackupFailure { at: now, message },
                );
                return Err(e);
            }
        };
        let second = self.backup_settings().second_dir;
        if let Some(key) = self.db.key() {
            encrypt_plain_backups(&dir, key);
            if let Some(second) = second.as_deref().filter(|d| d.is_dir()) {
                encrypt_plain_backups(second, key);
            }
        }
        if let Some(second) = &second {
            match file::copy_to(&path, second) {
                Ok(_) => {
                    let _ = std::fs::remove_file(failure_path(&dir, true));
                    keep::prune(second, now)?;
                }
                Err(e) => {
                    let message = e.to_string();
                    let _ = write_json(
                        &failure_path(&dir, true),
                        &BackupFailure { at: now, message },
                    );
                }
            }
        }
        keep::prune(&dir, now)?;
        let manifest = file::read_manifest(&path)?;
        Ok(entry(&path, &manifest, second.as_deref()))
    }

    /// The full integrity check, for the app to run in the background after start. A problem is
    /// kept for Settings → Backups (and the top bar) until a later check passes.
    pub fn check_database_in_full(&self) -> Result<()> {
        let path = integrity_path(&self.backup_dir());
        match self.db.integrity_check() {
            Ok(()) => {
                let _ = std::fs::remove_file(&path);
                Ok(())
            }
            Err(e) => {
                let found = BackupFailure {
                    at: self.clock.now(),
                    message: e.to_string(),
                };
                let _ = write_json(&path, &found);
                Err(e)
            }
        }
    }

    /// "Back up now" from the window or the CLI.
    pub fn back_up_now(&self, session: &Session) -> Result<BackupEntry> {
        self.require(session, Permission::SettingsManage)?;
        self.back_up(BackupReason::OnDemand)
    }

    /// Whether the hourly schedule owes a backup: none yet, or the newest is an hour old.
    pub fn backup_due(&self) -> Result<bool> {
        let newest = file::list(&self.backup_dir())?.into_iter().next();
        Ok(newest.is_none_or(|(_, m)| self.clock.now().0 - m.taken_at.0 >= EVERY_MS))
    }

    /// Where the shop's server is backed up (`pg_dump` files `server-<ms>.dump`), by the
    /// station that runs the job: beside this station's own backups.
    fn server_backup_dir(&self) -> PathBuf {
        self.backup_dir().join("server")
    }

    /// The server's backups, newest first: each file and when it was taken.
    pub(crate) fn server_backups(&self) -> Vec<(PathBuf, Timestamp)> {
        let mut found: Vec<(PathBuf, Timestamp)> = std::fs::read_dir(self.server_backup_dir())
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let path = e.path();
                server_restore::taken_at(&path).map(|at| (path, at))
            })
            .collect();
        found.sort_by_key(|f| std::cmp::Reverse(f.1));
        found
    }

    /// Whether this computer backs up the shop's server now: a station holding the backup job
    /// (one station at a time), when the newest server backup is an hour old or there is none.
    /// A standalone shop has no server to back up.
    pub fn server_backup_due(&self) -> Result<bool> {
        if !self.is_station() || !self.db.runs(Job::Backup)? {
            return Ok(false);
        }
        let newest = self.server_backups().into_iter().next();
        Ok(newest.is_none_or(|(_, at)| self.clock.now().0 - at.0 >= EVERY_MS))
    }

    /// The file the server's backup taken now goes to; the oldest beyond two days of hourly
    /// ones are deleted first.
    pub fn server_backup_file(&self) -> Result<PathBuf> {
        let dir = self.server_backup_dir();
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::CannotWrite(format!("the backup folder {}: {e}", dir.display())))?;
        for (old, _) in self
            .server_backups()
            .into_iter()
            .skip(SERVER_BACKUPS_KEPT - 1)
        {
            let _ = std::fs::remove_file(old);
        }
        Ok(dir.join(format!("server-{}.dump", self.clock.now().0)))
    }

    /// Every backup in the shop's backup folder, newest first.
    pub fn backups(&self, session: &Session) -> Result<Vec<BackupEntry>> {
        self.require(session, Permission::SettingsManage)?;
        let second = self.backup_settings().second_dir;
        Ok(file::list(&self.backup_dir())?
            .iter()
            .map(|(p, m)| entry(p, m, second.as_deref()))
            .collect())
    }

    /// What a backup holds (last receipt, last Z, last invoice, counts), read from the file.
    pub fn backup_holds(&self, session: &Session, path: &str) -> Result<BackupHolds> {
        self.require(session, Permission::SettingsManage)?;
        let path = PathBuf::from(path);
        let manifest = file::read_manifest(&path)?;
        let conn = file::open_read_only(&path, self.db.key())?;
        let second = self.backup_settings().second_dir;
        holds(&conn, entry(&path, &manifest, second.as_deref()), &manifest)
    }

    /// Proves a backup intact: its checksum, SQLite's integrity check, the ledgers' digest.
    pub fn verify_backup(&self, session: &Session, path: &str) -> Result<BackupEntry> {
        self.require(session, Permission::SettingsManage)?;
        let path = PathBuf::from(path);
        let manifest = file::verify(&path, self.db.key())?;
        Ok(entry(
            &path,
            &manifest,
            self.backup_settings().second_dir.as_deref(),
        ))
    }

    pub fn backup_status(&self, session: &Session) -> Result<BackupStatus> {
        self.require(session, Permission::SettingsManage)?;
        let dir = self.backup_dir();
        let all = file::list(&dir)?;
        let last_at = all.first().map(|(_, m)| m.taken_at);
        let failure: Option<BackupFailure> = read_json(&failure_path(&dir, false));
        let now = self.clock.now();
        let damaged = read_json::<BackupFailure>(&integrity_path(&dir)).is_some();
        let health = match (last_at, &failure) {
            _ if damaged => BackupHealth::Failing,
            (_, Some(f)) if last_at.is_none_or(|l| f.at >= l) => BackupHealth::Failing,
            (None, _) => BackupHealth::Never,
            (Some(l), _) if now.0 - l.0 > OLD_AFTER_MS => BackupHealth::Old,
            _ => BackupHealth::Fresh,
        };
        let second_dir = self.backup_settings().second_dir;
        Ok(BackupStatus {
            health,
            last_at,
            failure,
            second_failure: second_dir
                .as_ref()
                .and_then(|_| read_json(&failure_path(&dir, true))),
            integrity_problem: read_json(&integrity_path(&dir)),
            dir: dir.display().to_string(),
            second_dir: second_dir.map(|d| d.display().to_string()),
            count: all.len() as i64,
            encrypted: self.db.key().is_some(),
            unencrypted: if self.db.key().is_some() {
                all.iter()
                    .filter(|(p, _)| !cipher::is_encrypted(p).unwrap_or(true))
                    .count() as i64
            } else {
                0
            },
        })
    }

    /// Sets (or clears, with None or "") the second place every backup is copied to. The folder
    /// must exist and take a file now, so a typo is refused instead of failing every hour.
    pub fn set_backup_second_dir(&self, session: &Session, dir: Option<&str>) -> Result<()> {
        self.require(session, Permission::SettingsManage)?;
        let dir = dir
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(PathBuf::from);
        if let Some(d) = &dir {
            if !d.is_absolute() {
                return Err(Error::Invalid(
                    "give the second place as a full path".into(),
                ));
            }
            if !d.is_dir() {
                return Err(Error::Invalid(format!(
                    "{} is not a folder on this computer (is the drive plugged in?)",
                    d.display()
                )));
            }
            if d.canonicalize().ok() == self.backup_dir().canonicalize().ok() {
                return Err(Error::Invalid(
                    "the second place must differ from the first".into(),
                ));
            }
            let probe = d.join(".shopdesk-write-test");
            std::fs::write(&probe, b"ok")
                .and_then(|_| std::fs::remove_file(&probe))
                .map_err(|e| Error::Invalid(format!("{} cannot be written: {e}", d.display())))?;
        }
        let dir_of_backups = self.backup_dir();
        write_json(
            &dir_of_backups.join("settings.json"),
            &Settings { second_dir: dir },
        )?;
        let _ = std::fs::remove_file(failure_path(&dir_of_backups, true));
        Ok(())
    }

    /// Puts a backup back as the shop, after the signed-in owner's PIN. The shop as it is now is
    /// first kept as a "before-restore" backup. Numbering carries on past every number already
    /// issued (a receipt printed after the backup is never issued twice), every marketplace
    /// listing is pushed again, and the channels pull again from the backup's watermark, so the
    /// orders taken since come back. Sign-ins end: the staff list may differ.
    pub fn restore_backup(&self, session: &Session, path: &str, pin: &str) -> Result<Restored> {
        self.require(session, Permission::SettingsManage)?;
        self.sign_in(session.staff_id(), pin)?;
        let path = PathBuf::from(path);
        let manifest = file::verify(&path, self.db.key())?;
        let now = self.clock.now();
        let who = session.staff_id().to_string();
        let from = entry(
            &path,
            &manifest,
            self.backup_settings().second_dir.as_deref(),
        );
        let before = self.db.restore(
            &path,
            || self.back_up(BackupReason::BeforeRestore),
            |tx, live, before| {
                Carried::read(live.into())?.onto(tx.into())?;
                // The person may not exist in the backup (added after it): the trail keeps the id.
                audit::record(
                    tx,
                    Change {
                        at: now,
                        staff_id: None,
                        action: "backup_restored",
                        entity: "backup",
                        entity_id: Some(&from.name),
                        detail: json!({
                            "by": who,
                            "taken_at": manifest.taken_at,
                            "before_restore": before.name,
                        }),
                    },
                )
            },
        )?;
        Ok(Restored {
            from,
            before_restore: before,
        })
    }
}

/// Puts a backup in a new place — a new computer, a second database to look at — where no shop
/// is yet: checked first, written under a temporary name, never over an existing file. It is
/// migrated to this build when the shop is opened (which backs it up again first).
/// An encrypted backup is checked with `key` and stays encrypted in its new place.
pub fn restore_to_new_place(backup: &Path, dest: &Path, key: Option<&DbKey>) -> Result<()> {
    if dest.exists() {
        return Err(Error::Conflict(format!(
            "{} already exists: restore into a new file, or restore from the shop's own Settings",
            dest.display()
        )));
    }
    file::verify(backup, key)?;
    file::copy_file(backup, dest)
}

/// For a shop that cannot be opened (a damaged file): the newest backup that still verifies.
pub fn last_good(db: &Path, key: Option<&DbKey>) -> Option<BackupEntry> {
    let all = file::list(&default_dir(db)).ok()?;
    all.iter()
        .find(|(p, _)| file::verify(p, key).is_ok())
        .map(|(p, m)| entry(p, m, None))
}

/// Puts the newest good backup in place of a database that cannot be opened. Nothing is
/// deleted: the damaged file is kept beside it (with its log) as `<name>.damaged-<time>`. No PIN
/// can be asked — the staff list is in the damaged file — which is why the damaged file is kept.
/// Returns the backup used and where the damaged file went.
pub fn restore_damaged(
    db: &Path,
    key: Option<&DbKey>,
    now: Timestamp,
) -> Result<(BackupEntry, PathBuf)> {
    let good = last_good(db, key).ok_or(Error::NotFound {
        what: "backup that verifies",
    })?;
    let kept = file::replace_damaged(db, Path::new(&good.path), key, now)?;
    Ok((good, kept))
}

/// Once the shop is encrypted, every plain backup left from before is encrypted with its key, so
/// no copy of the customers stays readable. One that fails (it no longer verifies) stays as it
/// is and is counted in the status.
fn encrypt_plain_backups(dir: &Path, key: &DbKey) {
    for (path, _) in file::list(dir).unwrap_or_default() {
        if !cipher::is_encrypted(&path).unwrap_or(true) {
            let _ = file::encrypt(&path, key);
        }
    }
}
