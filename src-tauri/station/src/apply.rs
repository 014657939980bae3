//! An action a station made — a sale at a till, journaled first in the till's own SQLite —
//! applied to the shop's PostgreSQL exactly once. Its id is written to `applied_actions` in the
//! same transaction as its effects, so a retry after a lost COMMIT reply, a killed server or a
//! killed station finds it there and applies nothing twice; two stations retrying one action at
//! once meet on its key, and the second waits for the first's outcome.

use postgres::{Client, Config, NoTls, Transaction};
use std::time::Duration;

/// The table that makes application idempotent. The shop's PostgreSQL schema has it (core's
/// `server::migrate`); this statement makes it alone, for a database without the shop's schema.
pub const APPLIED_ACTIONS: &str = "CREATE TABLE IF NOT EXISTS applied_actions (
    action_id  text PRIMARY KEY,
    station    text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)";

/// How an action went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Its effects were written by this call.
    Now,
    /// It was already there: an earlier try committed, whatever its caller heard.
    Before,
}

/// Connects to the shop's server so that a server gone is noticed in seconds, not when the
/// operating system gives up on TCP (minutes): a 2 s connect timeout, keepalives after 5 s idle,
/// and unacknowledged data dropping the connection after 5 s.
pub fn connect(url: &str) -> Result<Client, postgres::Error> {
    let mut config: Config = url.parse()?;
    config
        .connect_timeout(Duration::from_secs(2))
        .keepalives(true)
        .keepalives_idle(Duration::from_secs(5))
        .keepalives_interval(Duration::from_secs(1))
        .keepalives_retries(3)
        .tcp_user_timeout(Duration::from_secs(5));
    config.connect(NoTls)
}

/// Applies `action_id` from `station` with `effects`, in one transaction, unless it was applied
/// before. An error (the connection lost, the server refusing) leaves the caller to retry the same
/// action later: whether the lost try committed is exactly what the next try finds out.
pub fn apply_once<E: From<postgres::Error>>(
    client: &mut Client,
    action_id: &str,
    station: &str,
    effects: impl FnOnce(&mut Transaction) -> Result<(), E>,
) -> Result<Applied, E> {
    let mut tx = client.transaction()?;
    let fresh = tx
        .query_opt(
            "INSERT INTO applied_actions (action_id, station) VALUES ($1, $2)
             ON CONFLICT (action_id) DO NOTHING RETURNING 1",
            &[&action_id, &station],
        )?
        .is_some();
    if !fresh {
        tx.rollback()?;
        return Ok(Applied::Before);
    }
    effects(&mut tx)?;
    tx.commit()?;
    Ok(Applied::Now)
}
