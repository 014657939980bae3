//! What this computer keeps in the OS keychain (Keychain, Credential Manager, Secret Service)
//! to open its shop: the encrypted database's key, filed under the database file's full path,
//! and a station's password to its shared shop (the rest of that login in a file beside the
//! shop's); opening the shop with them; and backing up a shared shop's server with that login
//! (`server_backup.rs`). The key never touches the database, a log or a file beside it; the
//! owner's printed recovery key is the only other copy. `SHOPDESK_RECOVERY_KEY` in the
//! environment comes first, for scripts and machines with no keychain daemon.

mod server_backup;

pub use server_backup::{back_up_server, back_up_server_now, restore_server};
use shopdesk_core::server::Shared;
use shopdesk_core::till::sharing::{ServerLogin, StationLogin};
use shopdesk_core::{is_encrypted, Clock, DbKey, Error, Result, Session, Shop};
use std::path::Path;
use std::sync::Arc;

const SERVICE: &str = "Shopdesk database";

/// The keychain account of a database: its full path, so two shops on one computer never share
/// or overwrite each other's key.
fn account(db: &Path) -> String {
    std::fs::canonicalize(db)
        .unwrap_or_else(|_| db.to_path_buf())
        .display()
        .to_string()
}

/// The key this computer holds for the database at `db`, if any.
pub fn database_key(db: &Path) -> Option<DbKey> {
    if let Some(typed) = std::env::var("SHOPDESK_RECOVERY_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty())
    {
        return DbKey::from_recovery_key(&typed).ok();
    }
    keyring::Entry::new(SERVICE, &account(db))
        .and_then(|e| e.get_password())
        .ok()
        .and_then(|hex| DbKey::from_hex(&hex).ok())
}

/// Stores the key for `db` and reads it back: a keychain that accepts a key and then cannot
/// give it back must refuse before any database is encrypted with it.
pub fn save_database_key(db: &Path, key: &DbKey) -> Result<()> {
    let refused = |e: keyring::Error| {
        Error::CannotWrite(format!(
            "the system keychain refused the database key ({e}); nothing was encrypted"
        ))
    };
    let entry = keyring::Entry::new(SERVICE, &account(db)).map_err(refused)?;
    entry.set_password(&key.to_hex()).map_err(refused)?;
    let back = entry.get_password().map_err(refused)?;
    if DbKey::from_hex(&back).ok().as_ref() != Some(key) {
        return Err(Error::CannotWrite(
            "the system keychain did not give the database key back; nothing was encrypted".into(),
        ));
    }
    Ok(())
}

/// The key to open `db` with: this computer's, when the file is encrypted; None for a plain
/// file (or an encrypted one this computer holds no key for, which opening then explains).
pub fn key_for(db: &Path) -> Result<Option<DbKey>> {
    Ok(if is_encrypted(db)? {
        database_key(db)
    } else {
        None
    })
}

/// Opens an encrypted shop with the owner's typed recovery key (a new computer, a moved file)
/// and stores the key in this computer's keychain, so it opens by itself from now on (when the
/// keychain takes it).
pub fn unlock_with_recovery_key(db: &Path, clock: Arc<dyn Clock>, typed: &str) -> Result<Shop> {
    let key = DbKey::from_recovery_key(typed)?;
    let shop = Shop::open_with_key(db, clock, Some(&key)).map_err(|e| match e {
        Error::WrongKey(_) => Error::WrongKey("that recovery key".into()),
        other => other,
    })?;
    // A keychain that refuses only means the key is asked for again at the next start.
    let _ = save_database_key(db, &key);
    Ok(shop)
}

/// The keychain entries of station logins: one per shop file, its account the station file.
const STATION_SERVICE: &str = "Shopdesk station";

/// Where this computer keeps how it reaches its shared shop (all but the password): beside the
/// standalone shop's file, which stays as it was when the shop was shared.
fn station_file(db: &Path) -> std::path::PathBuf {
    db.with_extension("station.json")
}

/// The station's own file (its till journal, its copy of the catalog), beside the shop's.
fn station_db(db: &Path, till: &str) -> std::path::PathBuf {
    let stem = db
        .file_stem()
        .map_or_else(|| "shop".into(), |s| s.to_string_lossy().into_owned());
    db.with_file_name(format!("{stem}-{}.sqlite3", till.to_ascii_lowercase()))
}

/// This computer's login to its shared shop, if it is a station: the file beside `db` and the
/// password from the keychain (`SHOPDESK_STATION_PASSWORD` first, for machines without one).
pub fn station_login(db: &Path) -> Result<Option<StationLogin>> {
    let file = station_file(db);
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Ok(None);
    };
    let mut login: StationLogin = serde_json::from_str(&text)
        .map_err(|e| Error::CannotOpen(format!("{} is damaged ({e})", file.display())))?;
    login.password = match std::env::var("SHOPDESK_STATION_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => keyring::Entry::new(STATION_SERVICE, &account(&file))
            .and_then(|e| e.get_password())
            .map_err(|e| {
                Error::CannotOpen(format!(
                    "this station's password is not in the system keychain ({e}): add the \
                     station again from the back office and join with the new code"
                ))
            })?,
    };
    Ok(Some(login))
}

/// Keeps `login` as this computer's way to its shop: the password in the keychain (read back
/// before anything is written), the rest in the file beside `db`.
pub fn save_station_login(db: &Path, login: &StationLogin) -> Result<()> {
    let file = station_file(db);
    let refused = |e: keyring::Error| {
        Error::CannotWrite(format!(
            "the system keychain refused the station's password ({e})"
        ))
    };
    // The account names the file by its full path, so the file must exist first.
    let text = serde_json::to_string_pretty(login).map_err(|e| Error::Internal(e.to_string()))?;
    let part = file.with_extension("json.part");
    std::fs::write(&part, text).map_err(|e| Error::CannotWrite(e.to_string()))?;
    std::fs::rename(&part, &file).map_err(|e| Error::CannotWrite(e.to_string()))?;
    let saved = keyring::Entry::new(STATION_SERVICE, &account(&file)).and_then(|entry| {
        entry.set_password(&login.password)?;
        entry.get_password()
    });
    match saved {
        Ok(back) if back == login.password => Ok(()),
        other => {
            let _ = std::fs::remove_file(&file);
            Err(match other {
                Err(e) => refused(e),
                Ok(_) => Error::CannotWrite(
                    "the system keychain did not give the station's password back".into(),
                ),
            })
        }
    }
}

/// Opens this computer's shop: as a station of its shared shop when it is one, else the
/// standalone file at `db`, encrypted or not.
pub fn open_shop(db: &Path, clock: Arc<dyn Clock>) -> Result<Shop> {
    match station_login(db)? {
        Some(login) => open_station(db, &login, clock),
        None => Shop::open_with_key(db, clock, key_for(db)?.as_ref()),
    }
}

/// This computer as the station `login` names, on its own file beside `db`.
fn open_station(db: &Path, login: &StationLogin, clock: Arc<dyn Clock>) -> Result<Shop> {
    Shop::open_station(
        &station_db(db, &login.till),
        &login.url(),
        &login.till,
        clock,
    )
}

/// Shares the standalone shop at `db` (open as `shop`) and makes this computer its station
/// `till` (the back office): the shop's copy on the server, the login kept, and the station
/// opened. The standalone file is left as it was.
pub fn share_shop(
    db: &Path,
    shop: &Shop,
    session: &Session,
    admin: &ServerLogin,
    till: &str,
    clock: Arc<dyn Clock>,
) -> Result<(Shared, StationLogin, Shop)> {
    let (shared, login) = shop.share_shop(session, admin, till)?;
    save_station_login(db, &login)?;
    let station = open_station(db, &login, clock)?;
    Ok((shared, login, station))
}

/// Joins a shared shop as the station the pairing `code` names, and keeps its login.
pub fn join_shop(
    db: &Path,
    server: (&str, u16, &str),
    code: &str,
    clock: Arc<dyn Clock>,
) -> Result<Shop> {
    let till = code.split('-').next().unwrap_or_default();
    let (shop, login) = Shop::join_shop(&station_db(db, till.trim()), server, code, clock)?;
    save_station_login(db, &login)?;
    Ok(shop)
}
