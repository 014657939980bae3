//! Backups under SIGKILL, as a test: a `shopdesk backup now` killed at every moment leaves no
//! backup listed that is not whole and verified; a `shopdesk backup restore` killed at every
//! moment leaves the shop as it was or as the backup holds — never a mix.

use rusqlite::Connection;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn shopdesk(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shopdesk"));
    c.args(args)
        .env_remove("SHOPDESK_DB")
        .env("SHOPDESK_STAFF", "Alex Morgan")
        .env("SHOPDESK_PIN", "1111");
    c
}

fn ok(c: &mut Command) -> Output {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// What tells the two shops apart: completed sales, products, and SQLite's own check.
fn state(db: &Path) -> (i64, i64) {
    let c = Connection::open(db).unwrap();
    let check: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let one = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    (
        one("SELECT count(*) FROM sale WHERE status = 'completed'"),
        one("SELECT count(*) FROM product"),
    )
}

/// Runs the command and kills it after `after`, unless it finished first; says whether it did.
fn killed_after(c: &mut Command, after: Duration) -> bool {
    let mut child = c
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while start.elapsed() < after {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let _ = child.kill();
    let _ = child.wait();
    true
}

fn listed(db: &str) -> Vec<serde_json::Value> {
    let out = ok(shopdesk(&["--json", "backup", "list", "--db", db]).stderr(Stdio::piped()));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// How long a whole run of the command takes here, to spread the kills across it.
fn timed(c: &mut Command) -> Duration {
    let start = Instant::now();
    ok(c);
    start.elapsed()
}

#[test]
fn a_killed_backup_is_never_listed_and_a_killed_restore_never_mixes_two_shops() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("shop.sqlite3");
    let db = db_path.to_str().unwrap();
    ok(&mut shopdesk(&["demo", "--db", db]));

    let whole = timed(&mut shopdesk(&["backup", "now", "--db", db]));
    let mut kills = 0;
    for i in 0..12 {
        if killed_after(
            &mut shopdesk(&["backup", "now", "--db", db]),
            whole * i / 10,
        ) {
            kills += 1;
        }
        for b in listed(db) {
            let path = b["path"].as_str().unwrap();
            ok(&mut shopdesk(&["backup", "verify", "--db", db, path]));
        }
    }
    assert!(
        kills >= 3,
        "only {kills} runs were killed before they ended"
    );

    // The backup to restore holds the demo; after it, the shop gets one more product.
    let backup = listed(db)[0]["path"].as_str().unwrap().to_string();
    let restored = state(&db_path);
    let c = Connection::open(&db_path).unwrap();
    c.execute(
        "INSERT INTO product (id, handle, title, status, created_at, updated_at)
         SELECT 'after-backup', 'after-backup', 'Made after the backup', status, created_at,
                updated_at
         FROM product LIMIT 1",
        [],
    )
    .unwrap();
    drop(c);
    let current = state(&db_path);
    assert_ne!(current, restored);

    let pristine = dir.path().join("pristine.sqlite3");
    let copy_of = |from: &Path, to: &Path| {
        let c = Connection::open(from).unwrap();
        let _ = std::fs::remove_file(to);
        c.execute("VACUUM INTO ?1", [to.to_str().unwrap()]).unwrap();
    };
    copy_of(&db_path, &pristine);
    let restore = |db: &str| {
        let mut c = shopdesk(&["backup", "restore", &backup, "--db", db]);
        c.stderr(Stdio::piped());
        c
    };
    let whole = timed(&mut restore(db));
    assert_eq!(state(&db_path), restored);
    let mut kills = 0;
    for i in 0..12 {
        copy_of(&pristine, &db_path);
        for side in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{db}{side}"));
        }
        if killed_after(&mut restore(db), whole * i / 10) {
            kills += 1;
        }
        let now = state(&db_path);
        assert!(
            now == current || now == restored,
            "after a kill at {i}/10 of a restore the shop is {now:?}: neither {current:?} nor {restored:?}"
        );
    }
    assert!(
        kills >= 3,
        "only {kills} restores were killed before they ended"
    );
    // And after all that, a restore left to finish still works.
    ok(&mut restore(db));
    assert_eq!(state(&db_path), restored);
}
