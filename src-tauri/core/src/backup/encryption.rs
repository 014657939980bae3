//! Turning encryption on for a shop: who may, with which key (the recovery key typed back as
//! proof it was kept), and the conversion itself — the file encrypted in place, the shop opened
//! with its key, the change on the audit trail, and a backup that encrypts the older ones. The
//! file format is the store's (`store/cipher.rs`).

use crate::audit::{self, Change};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::order::invoice::PaperSize;
use crate::shop::staff::{Permission, Session};
use crate::store::cipher::{self, DbKey};
use crate::Shop;
use serde_json::json;
use std::path::Path;
use std::sync::Arc;

/// What the recovery sheet of a new key prints.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoverySheet {
    pub shop: String,
    pub db_path: String,
    /// In groups of four, as typed back.
    pub recovery_key: String,
    pub paper: PaperSize,
}

impl Shop {
    /// The recovery sheet of `key` (made by `new_database_key`), for someone who manages
    /// settings.
    pub fn recovery_sheet(&self, session: &Session, key: &DbKey) -> Result<RecoverySheet> {
        self.require(session, Permission::SettingsManage)?;
        let profile = self.profile()?.ok_or(Error::NoShop)?;
        Ok(RecoverySheet {
            shop: profile.name,
            db_path: self.db_path().display().to_string(),
            recovery_key: key.recovery_key(),
            paper: PaperSize::for_country(&profile.country),
        })
    }

    /// Whether the shop's database (and every backup taken from now on) is encrypted.
    pub fn is_encrypted(&self) -> bool {
        self.db.key().is_some()
    }

    /// A new key for encrypting this shop, for someone who manages settings: the window shows
    /// its recovery key to print before anything is encrypted with it.
    pub fn new_database_key(&self, session: &Session) -> Result<DbKey> {
        self.require(session, Permission::SettingsManage)?;
        if self.is_encrypted() {
            return Err(Error::Conflict("the database is already encrypted".into()));
        }
        DbKey::generate()
    }

    /// Refuses, before anything is touched, anyone but a person who manages settings and has
    /// just typed their PIN, a shop already encrypted, and a recovery key typed back that is not
    /// `key`'s (proof the owner wrote it down); then `encrypt_database` does it.
    pub fn may_encrypt(
        &self,
        session: &Session,
        pin: &str,
        key: &DbKey,
        typed_recovery_key: &str,
    ) -> Result<()> {
        self.require(session, Permission::SettingsManage)?;
        if self.is_encrypted() {
            return Err(Error::Conflict("the database is already encrypted".into()));
        }
        if DbKey::from_recovery_key(typed_recovery_key)? != *key {
            return Err(Error::invalid(
                "that is a recovery key, but not the one shown: type the one on the sheet you \
                 printed",
            ));
        }
        self.sign_in(session.staff_id(), pin)?;
        Ok(())
    }
}

/// Encrypts a closed shop's database in place with `key` (see `cipher::encrypt_in_place`), opens
/// it, records who did it in the audit trail and takes a backup, which encrypts every plain
/// backup left from before. The caller has checked `may_encrypt` and stored the key where it
/// will find it again (the keychain) before calling.
pub fn encrypt_database(
    path: &Path,
    clock: Arc<dyn Clock>,
    key: &DbKey,
    by: &Session,
) -> Result<Shop> {
    cipher::encrypt_in_place(path, key)?;
    let shop = Shop::open_with_key(path, clock, Some(key))?;
    let now = shop.clock.now();
    shop.db.write(|tx| {
        audit::record(
            tx,
            Change {
                at: now,
                staff_id: Some(by.staff_id()),
                action: "database_encrypted",
                entity: "shop",
                entity_id: None,
                detail: json!({}),
            },
        )
    })?;
    // The new encrypted backup, and every older one encrypted; a failure shows in the status.
    let _ = shop.back_up(super::BackupReason::OnDemand);
    Ok(shop)
}
