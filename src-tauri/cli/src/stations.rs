//! `shopdesk share|station add|backup|restore|join`: a shop shared with other stations, set up
//! and its server backed up and restored from a script the way Settings → Stations does it in
//! the window — the same copy, logins, pairing codes, backups and restore.

use crate::{open, sign_in, DbArg, StaffArgs};
use shopdesk_core::till::sharing::ServerLogin;
use shopdesk_core::{Error, SystemClock};
use std::sync::Arc;

#[derive(clap::Subcommand)]
pub enum StationCommand {
    /// A one-time pairing code (valid an hour) for another computer to join as the station
    /// TILL (T2, B1…); a name that exists gets a new computer.
    Add {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        till: String,
    },
    /// Backs up the shop's server now, from this station (PostgreSQL's `pg_dump`, beside the
    /// hourly ones); prints the file.
    Backup {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
    },
    /// Restores the shop's server from one of its backups (`server-<ms>.dump`), signing in to
    /// the station's server with an admin login (used once, not kept). Numbers carry on past
    /// what was issued; the tills send again what the server lost.
    Restore {
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        staff: StaffArgs,
        /// The server's admin login (one that may make databases: the one that shared).
        #[arg(long, default_value = "postgres")]
        admin: String,
        /// Its password (prefer the environment variable in scripts).
        #[arg(
            long,
            env = "SHOPDESK_SERVER_PASSWORD",
            hide_env_values = true,
            default_value = ""
        )]
        admin_password: String,
        file: std::path::PathBuf,
    },
}

/// Shares the standalone shop at `db`: its database made on the server the admin login reaches
/// (or an empty one used), the shop copied and verified, its logins made, and this computer its
/// station `station`, whose login the OS keychain keeps. The admin login is not kept.
pub fn share(
    db: DbArg,
    staff: StaffArgs,
    server: &str,
    station: &str,
    json: bool,
) -> Result<(), Error> {
    let admin = ServerLogin::from_url(server)?;
    let shop = open(&db)?;
    let session = sign_in(&shop, &staff)?;
    let (shared, login, _) = shopdesk_keychain::share_shop(
        &db.db,
        &shop,
        &session,
        &admin,
        station,
        Arc::new(SystemClock),
    )?;
    if json {
        say!(
            "{}",
            serde_json::json!({
                "tables": shared.tables.len(),
                "rows": shared.rows(),
                "version": shared.version,
                "station": login,
            })
        );
    } else {
        say!(
            "Shared: {} rows in {} tables copied to {}/{} and verified (schema {}). This computer \
             is the station {}; its login is in the OS keychain. Add the others with \
             `shopdesk station add`.",
            shared.rows(),
            shared.tables.len(),
            login.host,
            login.database,
            shared.version,
            login.till
        );
    }
    Ok(())
}

/// Makes this computer the station a pairing code names, on its own file beside `db`.
pub fn join(db: DbArg, server: (&str, u16, &str), code: &str, json: bool) -> Result<(), Error> {
    let shop = shopdesk_keychain::join_shop(&db.db, server, code, Arc::new(SystemClock))?;
    let till = shop.till_state()?.till;
    if json {
        say!("{}", serde_json::json!({ "station": till }));
    } else {
        say!("Joined the shop as the station {till}; its login is in the OS keychain.");
    }
    Ok(())
}

pub fn run(command: StationCommand, json: bool) -> Result<(), Error> {
    match command {
        StationCommand::Add { db, staff, till } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            let pairing = shop.add_station(&session, &till)?;
            if json {
                say!("{}", serde_json::to_string(&pairing).unwrap_or_default());
            } else {
                say!(
                    "On the new computer: shopdesk join --host {} --port {} --database {} --code {} \
                     (before {}).",
                    pairing.host,
                    pairing.port,
                    pairing.database,
                    pairing.code,
                    pairing.valid_until.to_rfc3339()
                );
            }
        }
        StationCommand::Backup { db, staff } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            let file = shopdesk_keychain::back_up_server_now(&db.db, &shop, &session)?;
            if json {
                say!("{}", serde_json::json!({ "file": file }));
            } else {
                say!("The shop's server is backed up: {}", file.display());
            }
        }
        StationCommand::Restore {
            db,
            staff,
            admin,
            admin_password,
            file,
        } => {
            let shop = open(&db)?;
            let session = sign_in(&shop, &staff)?;
            let done = shopdesk_keychain::restore_server(
                &shop,
                &session,
                &staff.pin,
                (&admin, &admin_password),
                &file,
            )?;
            if json {
                say!("{}", serde_json::to_string(&done).unwrap_or_default());
            } else {
                say!(
                    "Restored the shop's server from its backup of {}. {} The database as it was: {}.",
                    done.taken_at.to_rfc3339(),
                    match done.series_carried {
                        Some(n) => format!("{n} number series carried on past the last issued."),
                        None => "The replaced database could not be read: check the numbers \
                                 issued since the backup."
                            .to_string(),
                    },
                    done.kept_as.as_deref().unwrap_or("none")
                );
            }
        }
    }
    Ok(())
}
