//! Restoring the shop's server from one of its backups (the `pg_dump` files the backup job
//! writes, `backup::server_backups`), by someone who may change the shop's settings, with the
//! server's admin login used once. The backup is loaded into a new database beside the shop's
//! and brought to this build's schema; the shop's database is then closed to new connections and
//! its stations' ended; every number it issued and every message it sent are carried onto the
//! restored copy (`backup::Carried`) with the stations' rights (a backup holds none) and an
//! entry on the audit trail, in one transaction; and only then do the two swap names — the shop's
//! database as it was kept beside it, closed, for the shop's IT person to drop. The stations
//! reconnect by name and find the restored shop; each till then sends again what the restored
//! server lacks (`Shop::send_waiting`). Any error before the swap leaves the shop's database as
//! it was, open again, and drops the half-made copy.

use super::Carried;
use crate::audit::{self, Change};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::shop::staff::{Permission, Session};
use crate::sql::{Conn, PgTx};
use crate::store::pg::{self, roles};
use crate::till::sharing::ServerLogin;
use crate::Shop;
use serde::Serialize;
use serde_json::json;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use ts_rs::TS;

/// One of the server's backups on this station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ServerBackup {
    pub path: String,
    pub taken_at: Timestamp,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ServerRestored {
    pub taken_at: Timestamp,
    /// The shop's database as it was, kept on the server under this name (closed to
    /// connections) until the shop's IT person drops it; None when there was none.
    pub kept_as: Option<String>,
    /// Number series moved on past what the replaced database had issued; None when it could
    /// not be read, so numbers issued after the backup may be issued again.
    pub series_carried: Option<u32>,
}

/// When a server backup was taken, from its name (`server-<ms>.dump`, as the job writes it).
pub(crate) fn taken_at(backup: &Path) -> Option<Timestamp> {
    let name = backup.file_name()?.to_str()?;
    let ms = name.strip_prefix("server-")?.strip_suffix(".dump")?;
    ms.parse().ok().map(Timestamp)
}

impl Shop {
    /// The server's backups this station holds, newest first.
    pub fn server_backup_list(&self, session: &Session) -> Result<Vec<ServerBackup>> {
        self.require(session, Permission::SettingsManage)?;
        Ok(self
            .server_backups()
            .into_iter()
            .map(|(path, taken_at)| ServerBackup {
                bytes: std::fs::metadata(&path).map_or(0, |m| m.len()),
                path: path.display().to_string(),
                taken_at,
            })
            .collect())
    }

    /// Restores the shop's server from `backup` (see the module's note) after the signed-in
    /// person's `pin`, signing in to the server as `user` (an admin who may make databases and
    /// end other sessions: the one that shared the shop). `load` puts the backup into the empty
    /// database the login it is given names (`pg_restore`, which core does not run itself).
    /// Sign-ins end: the restored staff list may differ.
    pub fn restore_server(
        &self,
        session: &Session,
        pin: &str,
        (user, password): (&str, &str),
        backup: &Path,
        load: impl FnOnce(&ServerLogin, &Path) -> Result<()>,
    ) -> Result<ServerRestored> {
        self.require(session, Permission::SettingsManage)?;
        self.sign_in(session.staff_id(), pin)?;
        let Some(server) = self.db.server() else {
            return Err(Error::Conflict(
                "this shop is not shared: restore it from Settings → Backups".into(),
            ));
        };
        let taken = taken_at(backup).ok_or_else(|| {
            Error::invalid(
                "a server backup is named server-<time>.dump, as the backup job writes it",
            )
        })?;
        let (host, port, database) = server.address();
        let login = |db: &str| ServerLogin {
            host: host.clone(),
            port,
            database: db.to_string(),
            user: user.to_string(),
            password: password.to_string(),
        };
        let restoring = format!("{database}_restoring");
        let mut admin = pg::connect(&login("postgres").url("postgres"))?;
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{restoring}\""))?;
        admin.batch_execute(&format!(
            "CREATE DATABASE \"{restoring}\" ENCODING 'UTF8' TEMPLATE template0"
        ))?;
        let live_exists: bool = admin
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)",
                &[&database],
            )?
            .get(0);
        let kept = format!("{database}_before_{}", self.clock.now().0);
        let mut fenced = false;
        let made = (|| -> Result<Option<u32>> {
            load(&login(&restoring), backup)?;
            let mut restored = pg::connect(&login(&restoring).url(&restoring))?;
            pg::migrate(&mut restored)?;
            // The replaced database, read after no station can write to it any more.
            let mut live = if live_exists {
                pg::connect(&login(&database).url(&database)).ok()
            } else {
                None
            };
            if live_exists {
                let mine: i32 = match live.as_mut() {
                    Some(c) => c.query_one("SELECT pg_backend_pid()", &[])?.get(0),
                    None => 0,
                };
                admin.batch_execute(&format!(
                    "ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS false"
                ))?;
                fenced = true;
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                     WHERE datname = $1 AND pid <> $2",
                    &[&database, &mine],
                )?;
            }
            let statements = RefCell::new(HashMap::new());
            let carried = match live.as_mut() {
                Some(c) => Some(Carried::read(Conn::Pg(&PgTx::new(
                    c.transaction()?,
                    &statements,
                )))?),
                None => None,
            };
            drop(live);
            let statements = RefCell::new(HashMap::new());
            let mut tx = restored.transaction()?;
            roles::grant(&mut tx, &database, &restoring)?;
            tx.execute(
                "SELECT set_config('shopdesk.station', $1, true)",
                &[&server.station()],
            )?;
            let tx = PgTx::new(tx, &statements);
            let moved = match &carried {
                Some(c) => Some(c.onto(Conn::Pg(&tx))?),
                None => None,
            };
            audit::record(
                Conn::Pg(&tx),
                Change {
                    at: self.clock.now(),
                    // The person may not exist in the backup (added after it): the trail
                    // keeps the id.
                    staff_id: None,
                    action: "server_restored",
                    entity: "server_backup",
                    entity_id: backup.file_name().and_then(|n| n.to_str()),
                    detail: json!({
                        "by": session.staff_id(),
                        "taken_at": taken.0,
                        "kept_as": live_exists.then_some(&kept),
                        "series_carried": moved,
                    }),
                },
            )?;
            tx.commit()?;
            Ok(moved)
        })();
        let swapped = made.and_then(|moved| {
            if live_exists {
                admin.batch_execute(&format!(
                    "ALTER DATABASE \"{database}\" RENAME TO \"{kept}\""
                ))?;
            }
            match admin.batch_execute(&format!(
                "ALTER DATABASE \"{restoring}\" RENAME TO \"{database}\""
            )) {
                Ok(()) => Ok(moved),
                Err(e) => {
                    if live_exists {
                        let _ = admin.batch_execute(&format!(
                            "ALTER DATABASE \"{kept}\" RENAME TO \"{database}\""
                        ));
                    }
                    Err(e.into())
                }
            }
        });
        match swapped {
            Ok(series_carried) => Ok(ServerRestored {
                taken_at: taken,
                kept_as: live_exists.then_some(kept),
                series_carried,
            }),
            Err(e) => {
                // Best effort: the error that stopped the restore is what the owner needs.
                if fenced {
                    let _ = admin.batch_execute(&format!(
                        "ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS true"
                    ));
                }
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{restoring}\""));
                Err(e)
            }
        }
    }
}
