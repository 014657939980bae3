//! A shop shared from a script: `shopdesk share` makes the server's copy and this computer's
//! station login, `station add` a pairing code, `join` another computer's station with it,
//! `station backup` and `station restore` back up the shop's server and put a backup back —
//! each login in the OS keychain (gnome-keyring, run headless by `tests/keychain.sh` under
//! `make test`), every refusal a JSON error code.

use shopdesk_testkit::keychain_here;
use shopdesk_testkit::postgres::{Postgres, USER};
use std::process::{Command, Output};

fn shopdesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shopdesk"))
        .args(args)
        .args(["--json"])
        .env_remove("SHOPDESK_DB")
        .env_remove("SHOPDESK_SERVER")
        .env("SHOPDESK_STAFF", "Alex Morgan")
        .env("SHOPDESK_PIN", "1111")
        .output()
        .expect("run shopdesk")
}

fn answer(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn refusal(out: &Output) -> String {
    assert!(!out.status.success(), "refused");
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    err["code"].as_str().unwrap_or_default().to_string()
}

#[test]
fn a_script_shares_the_shop_and_pairs_a_second_station() {
    if !keychain_here() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let office = dir.path().join("office.sqlite3");
    let bench = dir.path().join("bench.sqlite3");
    let (office, bench) = (office.to_str().unwrap(), bench.to_str().unwrap());
    answer(&shopdesk(&["demo", "--db", office, "--country", "IE"]));
    let pg = Postgres::start().expect("a private PostgreSQL");
    let port = pg.port.to_string();
    let server = format!("postgresql://{USER}@127.0.0.1:{port}/harbour");

    let bad = format!("postgresql://127.0.0.1:{port}/harbour");
    let no_admin = shopdesk(&["share", "--db", office, "--server", &bad]);
    assert_eq!(
        refusal(&no_admin),
        "invalid",
        "no admin login in the address"
    );
    let shared = answer(&shopdesk(&["share", "--db", office, "--server", &server]));
    assert!(shared["rows"].as_i64().unwrap() > 100, "{shared}");
    assert_eq!(shared["station"]["till"], "OFFICE", "{shared}");
    assert_eq!(shared["station"]["database"], "harbour", "{shared}");
    let again = shopdesk(&["share", "--db", office, "--server", &server]);
    assert_eq!(refusal(&again), "conflict", "shared once");

    let pairing = answer(&shopdesk(&["station", "add", "--db", office, "B1"]));
    let code = pairing["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("B1-"), "{pairing}");
    let join = [
        "join",
        "--db",
        bench,
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--database",
        "harbour",
        "--code",
    ];
    let joined = answer(&shopdesk(&[&join[..], &[code.as_str()]].concat()));
    assert_eq!(joined["station"], "B1");
    let used = shopdesk(&[&join[..], &[code.as_str()]].concat());
    assert_ne!(refusal(&used), "", "a pairing code works once");

    // Both computers now work on the one shop on the server: a product found from the bench.
    let found = answer(&shopdesk(&[
        "catalog", "list", "--db", bench, "--search", "beanie",
    ]));
    assert!(found["total"].as_i64().unwrap() > 0, "{found}");

    // The server backed up and restored from a script: the database as it was kept aside.
    let backup = answer(&shopdesk(&["station", "backup", "--db", office]));
    let file = backup["file"].as_str().unwrap().to_string();
    assert!(file.ends_with(".dump"), "{backup}");
    let restore = ["station", "restore", "--db", office, "--admin", USER];
    let wrong_pin = Command::new(env!("CARGO_BIN_EXE_shopdesk"))
        .args([&restore[..], &[file.as_str(), "--json"]].concat())
        .env("SHOPDESK_STAFF", "Alex Morgan")
        .env("SHOPDESK_PIN", "0000")
        .output()
        .unwrap();
    assert_ne!(refusal(&wrong_pin), "", "the PIN is checked");
    let restored = answer(&shopdesk(&[&restore[..], &[file.as_str()]].concat()));
    assert!(
        restored["kept_as"]
            .as_str()
            .unwrap()
            .starts_with("harbour_before_"),
        "{restored}"
    );
    let found = answer(&shopdesk(&[
        "catalog", "list", "--db", bench, "--search", "beanie",
    ]));
    assert!(
        found["total"].as_i64().unwrap() > 0,
        "the bench on the restored shop"
    );
}
