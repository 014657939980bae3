//! A mailbox fetch killed midway, as a test: a `shopdesk mail fetch` process reading 3,000
//! messages from a real IMAP server (Dovecot on loopback) is killed with SIGKILL while it stores
//! them; the next fetch finishes the job, and every message is stored exactly once.

use rusqlite::Connection;
use shopdesk_core::SystemClock;
use shopdesk_testkit::imap::{message, ImapServer, PASSWORD};
use shopdesk_testkit::{free_port, shop};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MESSAGES: usize = 3000;

fn fetch(db: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_shopdesk"));
    c.args(["mail", "fetch", "--db", db])
        .env_remove("SHOPDESK_DB")
        .env("SHOPDESK_IMAP_PASSWORD", PASSWORD)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

fn stored(db: &Connection) -> (i64, i64) {
    db.query_row(
        "SELECT count(*), count(DISTINCT header_id) FROM message WHERE direction = 'in'",
        [],
        |r| r.try_into(),
    )
    .unwrap()
}

#[test]
fn a_fetch_killed_midway_stores_each_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let imap_dir = tempfile::tempdir().unwrap();
    let imap = ImapServer::start(free_port(), imap_dir.path());
    for n in 0..MESSAGES {
        imap.deliver(&message(
            &format!("m{n}@mail.example"),
            &format!("customer{}@example.com", n % 400),
            &format!("Question {n}"),
            "Do you have this in blue?",
            "",
        ));
    }
    {
        let (shop, owner) = shop::open(
            dir.path(),
            "Harbour Gifts",
            "IE",
            "EUR",
            Arc::new(SystemClock),
        );
        shopdesk_testkit::shop::connect_mailbox(&shop, &owner, imap.port);
    }
    let path = dir.path().join("shop.sqlite3");
    let db_arg = path.to_str().unwrap();
    let db = Connection::open(&path).unwrap();

    let mut child = fetch(db_arg).spawn().unwrap();
    let start = Instant::now();
    while stored(&db).0 == 0 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let killed_at = stored(&db).0;
    assert!(killed_at > 0, "the fetch stored nothing");
    assert!(
        (killed_at as usize) < MESSAGES,
        "killed midway: {killed_at} of {MESSAGES} were stored"
    );

    assert!(fetch(db_arg).status().unwrap().success());
    assert_eq!(
        stored(&db),
        (MESSAGES as i64, MESSAGES as i64),
        "each message once"
    );
    let tickets: i64 = db
        .query_row("SELECT count(*) FROM ticket", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tickets as usize, MESSAGES, "one ticket per question");
    assert_eq!(imap.count(), MESSAGES, "the server keeps every message");
}
