//! Backing up the shop's server from the station that runs the job (`Shop::server_backup_due`):
//! PostgreSQL's own `pg_dump` in its custom format, with this station's login, written under a
//! `.partial` name, read back whole by `pg_restore --list` and only then given its name — so a
//! file named `server-<ms>.dump` is always one `pg_restore` can use. Restoring one
//! (`Shop::restore_server`) loads it with `pg_restore` under the admin login typed for it.

use crate::station_login;
use shopdesk_core::backup::server_restore::ServerRestored;
use shopdesk_core::{Error, Result, Session, Shop};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One of PostgreSQL's programs: from `PG_BINDIR`, else the newest of Debian's
/// `/usr/lib/postgresql/N/bin`, else as the system's PATH finds it (the Windows and macOS
/// installers put it there).
fn program(name: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("PG_BINDIR") {
        return Path::new(&dir).join(name);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let major = e.file_name().to_string_lossy().parse().ok()?;
            let path = e.path().join("bin").join(name);
            path.exists().then_some((major, path))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map_or_else(|| PathBuf::from(name), |(_, path)| path)
}

fn run(mut cmd: Command, what: &str) -> Result<Vec<u8>> {
    let out = cmd.output().map_err(|e| {
        Error::CannotWrite(format!(
            "{what} could not start ({e}): install PostgreSQL's client programs on this station"
        ))
    })?;
    if !out.status.success() {
        return Err(Error::CannotWrite(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

/// Backs up the server of the shop this computer (with its shop file at `db`) is a station of,
/// open as `shop`; the backup's path.
pub fn back_up_server(db: &Path, shop: &Shop) -> Result<PathBuf> {
    let login = station_login(db)?
        .ok_or_else(|| Error::Conflict("this computer is not a station of a shared shop".into()))?;
    let path = shop.server_backup_file()?;
    let partial = path.with_extension("dump.partial");
    let mut dump = Command::new(program("pg_dump"));
    dump.args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
        .arg(&partial)
        .args(["--host", &login.host, "--port", &login.port.to_string()])
        .args(["--username", &login.role(), "--dbname", &login.database])
        .env("PGPASSWORD", &login.password)
        .env("PGCONNECT_TIMEOUT", "5");
    let written = run(dump, "pg_dump").and_then(|_| {
        let mut list = Command::new(program("pg_restore"));
        list.arg("--list").arg(&partial);
        let listed = String::from_utf8_lossy(&run(list, "pg_restore --list")?).into_owned();
        if !listed.contains("TABLE DATA public journal") {
            return Err(Error::CannotWrite(
                "the server's backup did not read back whole".into(),
            ));
        }
        std::fs::rename(&partial, &path).map_err(|e| Error::CannotWrite(e.to_string()))
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    Ok(path)
}

/// A backup of the shop's server taken now by someone who may change the shop's settings (before
/// an upgrade, before a restore), beside the hourly ones; its path.
pub fn back_up_server_now(db: &Path, shop: &Shop, session: &Session) -> Result<PathBuf> {
    shop.require(session, shopdesk_core::Permission::SettingsManage)?;
    back_up_server(db, shop)
}

/// Restores the shop's server from `backup` (core's `Shop::restore_server`, which says how),
/// loading it with `pg_restore` into the new database core makes for it: in one transaction,
/// stopping at the first error, with no owners or rights from the backup (core gives the
/// shop's own again).
pub fn restore_server(
    shop: &Shop,
    session: &Session,
    pin: &str,
    admin: (&str, &str),
    backup: &Path,
) -> Result<ServerRestored> {
    shop.restore_server(session, pin, admin, backup, |login, file| {
        let mut load = Command::new(program("pg_restore"));
        load.args(["--exit-on-error", "--single-transaction"])
            .args(["--no-owner", "--no-privileges"])
            .args(["--host", &login.host, "--port", &login.port.to_string()])
            .args(["--username", &login.user, "--dbname", &login.database])
            .arg(file)
            .env("PGPASSWORD", &login.password)
            .env("PGCONNECT_TIMEOUT", "5");
        run(load, "pg_restore").map(|_| ())
    })
}
