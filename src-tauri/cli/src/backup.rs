//! `shopdesk backup now|list|verify|restore`: the shop's backups for scripts and cron jobs —
//! the same checked copies, retention and restore rules as Settings → Backups.

use crate::{open, sign_in, DbArg, StaffArgs};
use shopdesk_core::backup::{self, BackupEntry};
use shopdesk_core::Error;
use std::path::PathBuf;

#[derive(clap::Subcommand)]
pub enum BackupCommand {
    /// Take a backup now: checked against the live ledgers, kept by the retention rule (24
    /// hourly, 14 daily, 8 weekly, 12 monthly) and copied to the second place if one is set.
    Now {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
    },
    /// The shop's backups, newest first.
    List {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
    },
    /// Prove a backup intact: its checksum, SQLite's integrity check, the ledgers' digest.
    Verify {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        file: PathBuf,
    },
    /// Put a backup back as the shop (the shop as it is now is kept as a "before-restore"
    /// backup; the PIN is the restoring person's own). With --new, put it in a new file where
    /// no shop is yet (a new computer): no sign-in, never over an existing file.
    Restore {
        file: PathBuf,
        /// The shop's database file (with --new: the new file).
        #[arg(long, env = "SHOPDESK_DB")]
        db: PathBuf,
        #[arg(long, env = "SHOPDESK_STAFF")]
        staff: Option<String>,
        #[arg(long, env = "SHOPDESK_PIN", hide_env_values = true)]
        pin: Option<String>,
        #[arg(long)]
        new: bool,
    },
}

fn show(entries: &[BackupEntry], json: bool) {
    if json {
        say!("{}", serde_json::to_string(entries).unwrap_or_default());
        return;
    }
    say!(
        "{:<24} {:<17} {:>12} {:>8} {:>8}  FILE",
        "TAKEN (UTC)",
        "WHY",
        "BYTES",
        "SALES",
        "ORDERS"
    );
    for b in entries {
        say!(
            "{:<24} {:<17} {:>12} {:>8} {:>8}  {}{}",
            b.taken_at.to_rfc3339(),
            b.reason,
            b.bytes,
            b.sales,
            b.orders,
            b.path,
            if b.second_copy {
                " (+ second place)"
            } else {
                ""
            }
        );
    }
}

pub fn run(command: BackupCommand, json: bool) -> Result<(), Error> {
    match command {
        BackupCommand::Now { db, staff } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            show(&[shop.back_up_now(&session)?], json);
        }
        BackupCommand::List { db, staff } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            show(&shop.backups(&session)?, json);
        }
        BackupCommand::Verify { db, staff, file } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            let b = shop.verify_backup(&session, &file.display().to_string())?;
            say!("{} is intact (taken {}).", b.path, b.taken_at.to_rfc3339());
        }
        BackupCommand::Restore {
            file,
            db,
            staff,
            pin,
            new,
        } => {
            if new {
                // An encrypted backup needs its shop's key: SHOPDESK_RECOVERY_KEY.
                let key = shopdesk_keychain::database_key(&db);
                backup::restore_to_new_place(&file, &db, key.as_ref())?;
                say!("Restored {} into {}.", file.display(), db.display());
                return Ok(());
            }
            let missing = || Error::Invalid("restoring over a shop needs --staff and --pin".into());
            let who = StaffArgs {
                staff: staff.ok_or_else(missing)?,
                pin: pin.clone().ok_or_else(missing)?,
            };
            let shop = open(&DbArg { db })?;
            let session = sign_in(&shop, &who)?;
            let done = shop.restore_backup(&session, &file.display().to_string(), &who.pin)?;
            say!(
                "Restored {}. The shop as it was is kept as {}.",
                done.from.name,
                done.before_restore.path
            );
        }
    }
    Ok(())
}
