//! The `shopdesk` binary as scripts use it: exit codes, JSON output, permission checks.

use std::process::{Command, Output};

fn shopdesk(args: &[&str], pin: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shopdesk"))
        .args(args)
        .env_remove("SHOPDESK_DB")
        .env_remove("SHOPDESK_STAFF")
        .env("SHOPDESK_PIN", pin)
        .output()
        .expect("run shopdesk")
}

#[test]
fn demo_then_list_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    let db = db.to_str().unwrap();

    let out = shopdesk(&["demo", "--db", db, "--country", "US", "--json"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["shop_name"], "Harbour & Pine, Portland");

    let out = shopdesk(
        &[
            "products",
            "list",
            "--db",
            db,
            "--staff",
            "jo rivera",
            "--search",
            "beanie forest",
            "--json",
        ],
        "3333",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(page["items"][0]["title"], "Merino Beanie — Forest");
    assert_eq!(page["items"][0]["price"]["currency"], "USD");

    let out = shopdesk(&["demo", "--db", db], "");
    assert!(!out.status.success(), "a second demo load is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("already set up"));
}

#[test]
fn a_wrong_pin_exits_non_zero_with_a_coded_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    let db = db.to_str().unwrap();
    assert!(shopdesk(&["demo", "--db", db], "").status.success());
    let out = shopdesk(
        &[
            "products",
            "list",
            "--db",
            db,
            "--staff",
            "Alex Morgan",
            "--json",
        ],
        "0000",
    );
    assert_eq!(out.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "wrong_pin");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout for a failed command"
    );
}
