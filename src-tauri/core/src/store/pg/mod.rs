//! The shop's PostgreSQL, for several stations sharing one shop: its migration set (numbered
//! as SQLite's, so one schema version names both), the upgrade run once under a lock, and the
//! check every station makes before it writes — a station never writes to a database whose
//! schema is older or newer than its own.

pub(crate) mod copy;
pub(crate) mod roles;
mod server;

use crate::error::{Error, Result};
use postgres::{Client, Transaction};

pub(crate) use copy::share;
pub use copy::{Shared, TableCount};
pub use server::{Job, Server};

/// The PostgreSQL schema steps, by the SQLite version each one brings the server to. Append
/// only: a landed file is never edited. The set starts at 21, the version of the first shop
/// shared (see the file's header).
const MIGRATIONS: &[(i64, &str)] = &[
    (21, include_str!("migrations/0021_shop.sql")),
    (22, include_str!("migrations/0022_till_series.sql")),
    (23, include_str!("migrations/0023_audit_station.sql")),
    (24, include_str!("migrations/0024_channel_run_asked.sql")),
    (25, include_str!("migrations/0025_station_set_aside.sql")),
    (26, include_str!("migrations/0026_trigger_plans.sql")),
    (27, include_str!("migrations/0027_customer_stats_added.sql")),
    (28, include_str!("migrations/0028_station_sent.sql")),
];

/// Two stations starting a newer Shopdesk at once upgrade the server one after the other: the
/// second finds the work done. The key is arbitrary but fixed ("SHOPDESK" in ASCII).
const UPGRADE_LOCK: i64 = 0x53484F504445534B;

/// The server's schema version: the steps applied, one row each.
const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_migration (
    version    BIGINT PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)";

/// Connects to the shop's server so that a server gone is noticed in seconds, not when the
/// operating system gives up on TCP (minutes): a 2 s connect timeout, keepalives after 5 s idle,
/// and unacknowledged data dropping the connection after 5 s.
pub fn connect(url: &str) -> Result<Client> {
    let mut config: postgres::Config = url
        .parse()
        .map_err(|e| Error::invalid(format!("the server address is not valid: {e}")))?;
    config
        .connect_timeout(std::time::Duration::from_secs(2))
        .keepalives(true)
        .keepalives_idle(std::time::Duration::from_secs(5))
        .keepalives_interval(std::time::Duration::from_secs(1))
        .keepalives_retries(3)
        .tcp_user_timeout(std::time::Duration::from_secs(5));
    config.connect(postgres::NoTls).map_err(|e| {
        if roles::login_refused(&e) {
            Error::from(e)
        } else {
            Error::ServerOffline(e.to_string())
        }
    })
}

/// The schema version this build's PostgreSQL set reaches; equal to SQLite's by test.
pub fn latest() -> i64 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}

/// The server's schema version; 0 for a database Shopdesk has not set up.
pub fn server_version(client: &mut Client) -> Result<i64> {
    let made: bool = client
        .query_one("SELECT to_regclass('schema_migration') IS NOT NULL", &[])?
        .get(0);
    if !made {
        return Ok(0);
    }
    let row = client.query_one(
        "SELECT coalesce(max(version), 0) FROM schema_migration",
        &[],
    )?;
    Ok(row.get(0))
}

/// Brings the server's schema up to this build's, in one transaction (all steps or none), and
/// returns the version it is at. A server already newer is refused, untouched.
pub fn migrate(client: &mut Client) -> Result<i64> {
    let mut tx = client.transaction()?;
    let version = migrate_in(&mut tx)?;
    tx.commit()?;
    Ok(version)
}

/// The upgrade inside the caller's transaction (sharing a shop makes the schema and copies the
/// rows in one).
pub(crate) fn migrate_in(tx: &mut Transaction) -> Result<i64> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&UPGRADE_LOCK])?;
    tx.batch_execute(VERSION_TABLE)?;
    let found: i64 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migration",
            &[],
        )?
        .get(0);
    if found > latest() {
        return Err(skew(found));
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > found) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_migration (version) VALUES ($1)",
            &[version],
        )?;
    }
    Ok(found.max(latest()))
}

/// Refuses a server whose schema is not this build's, saying which side to upgrade.
pub fn check_version(client: &mut Client) -> Result<()> {
    match server_version(client)? {
        v if v == latest() => Ok(()),
        v => Err(skew(v)),
    }
}

fn skew(server: i64) -> Error {
    let station = latest();
    let advice = if server == 0 {
        "this database has no shop yet: share a shop into it from the back-office PC".to_string()
    } else if server > station {
        "install the newer Shopdesk on this station".to_string()
    } else {
        "start the newer Shopdesk on the back-office PC first (it upgrades the shop's database), \
         or install the same version here"
            .to_string()
    };
    Error::SchemaSkew {
        server,
        station,
        advice,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};
    use std::path::Path;

    /// SHA-256 of each landed PostgreSQL step, by version: a landed file is never edited.
    const LANDED: &[(i64, &str)] = &[
        (
            21,
            "a58029b3483b4fd99b9a5107b25b58c4d97fe186669a418c5cde663226503e36",
        ),
        (
            22,
            "f3294158f331804df502c8cad6f46feef20c734f03f1d2f9a3608d2a12651d9d",
        ),
        (
            23,
            "51b1cfc60a985fefe84bad332c272b14b64d8f4c8633249d048d1c803d5cf855",
        ),
        (
            24,
            "9097e051aebf836b85f33be1764b1f60d3bc25d0753656997854ec2e4b5aeb73",
        ),
        (
            25,
            "61e4a3a7c15b78cc9cf21d537c2ce95640980c3bc7273b1bce042ebae274c51f",
        ),
        (
            26,
            "7122a48eeace1003f079ddd33e7ef706c80d25a7af0884e250b8a67aa7c868db",
        ),
        (
            27,
            "a3082f83259182ce043f97f48ab6b6ba63ff77fab6a32139cd14a21fb719593e",
        ),
        (
            28,
            "083fc1288f8cb7218e6aba9eb3addb9a8e471971f1aa872ba1d197b9a26cd189",
        ),
    ];

    #[test]
    fn landed_migrations_are_never_edited() {
        for (version, pinned) in LANDED {
            let (_, sql) = MIGRATIONS
                .iter()
                .find(|(v, _)| v == version)
                .unwrap_or_else(|| {
                    panic!("PostgreSQL step {version} was removed: landed steps stay")
                });
            let hash = format!("{:x}", Sha256::digest(sql.as_bytes()));
            assert_eq!(
                &hash, pinned,
                "PostgreSQL step {version} was edited after it landed"
            );
        }
    }

    #[test]
    fn the_server_schema_reaches_the_version_sqlite_does() {
        assert_eq!(
            latest(),
            crate::store::schema_version(),
            "every SQLite migration lands with its PostgreSQL twin under the same number"
        );
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store/pg/migrations");
        assert_eq!(
            std::fs::read_dir(dir).unwrap().count(),
            MIGRATIONS.len(),
            "every file in pg/migrations is listed in MIGRATIONS"
        );
        assert!(MIGRATIONS.windows(2).all(|w| w[0].0 < w[1].0), "in order");
    }
}
