//! What Shopdesk's tests and benchmarks share, in one place instead of copies in each crate:
//!
//! | module | what |
//! |---|---|
//! | `shop` | a new shop on a temporary database with its owner signed in, stocked items |
//! | `smtp` | a real SMTP server (aiosmtpd) on 127.0.0.1 delivering into a maildir |
//! | `imap` | a real IMAP server (Dovecot) on 127.0.0.1 over a maildir of its own |
//! | `postgres` | a private PostgreSQL cluster on 127.0.0.1, killable and restartable |
//! | `proxy` | a fault proxy in front of it: cut, held, slowed, or a COMMIT whose reply is lost |
//! | `cups` | a private CUPS scheduler with cups-pdf queues; reading PDFs back (poppler, zbar) |
//! | `vendure` | a real Vendure server on 127.0.0.1, and orders placed through its Shop API |
//! | `shopify` | a fake of Shopify's Admin API on 127.0.0.1 (no Shopify can run here), by its docs |
//! | `stats` | percentiles of timings and the benchmark table's row |
//!
//! Every server is started privately (own config and data in a temporary directory) and stopped
//! when dropped; the machine's own services are never touched.

pub mod cups;
pub mod imap;
pub mod postgres;
pub mod proxy;
#[cfg(feature = "shop")]
pub mod shop;
#[cfg(feature = "shopify")]
pub mod shopify;
pub mod smtp;
pub mod stats;
pub mod vendure;

use std::path::PathBuf;

/// The repository's root (this crate lives in src-tauri/testkit), where tests/ keeps the
/// scripts the servers start from.
pub fn repo_root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// A TCP port nobody listens on right now, for a server of a test's own.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// A number `id ARGS` prints: a user's or group's id (`-u postgres`, `-g nobody`, `-u` for ours).
pub(crate) fn ids(args: &[&str]) -> u32 {
    let out = std::process::Command::new("id")
        .args(args)
        .output()
        .expect("id");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(0)
}

/// Whether a test can use the OS keychain here: a session bus is there (`make test` runs the
/// tests under `dbus-run-session -- tests/keychain.sh`, with gnome-keyring unlocked). Without
/// one a keychain test stands aside, unless the keychain script started the run: then it fails.
pub fn keychain_here() -> bool {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
        return true;
    }
    assert!(
        std::env::var_os("SHOPDESK_REQUIRE_KEYCHAIN").is_none(),
        "tests/keychain.sh started this run, yet there is no session bus"
    );
    eprintln!(
        "no session bus here: run under `dbus-run-session -- tests/keychain.sh` (make test does)"
    );
    false
}
