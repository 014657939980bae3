//! The encrypted database's key in the OS keychain (Keychain, Credential Manager, Secret
//! Service), filed under the database file's full path, and opening a shop with it. The key
//! never touches the database, a log or a file beside it; the owner's printed recovery key is
//! the only other copy. `SHOPDESK_RECOVERY_KEY` in the environment comes first, for scripts and
//! machines with no keychain daemon.

use shopdesk_core::{is_encrypted, Clock, DbKey, Error, Result, Shop};
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

/// Opens the shop at `db`, encrypted or not.
pub fn open_shop(db: &Path, clock: Arc<dyn Clock>) -> Result<Shop> {
    Shop::open_with_key(db, clock, key_for(db)?.as_ref())
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
