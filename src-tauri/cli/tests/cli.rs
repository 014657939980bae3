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
            "catalog",
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
    assert_eq!(page["items"][0]["title"], "Merino Beanie");
    assert_eq!(page["items"][0]["variant_title"], "Forest");
    assert_eq!(page["items"][0]["price"]["currency"], "USD");

    let out = shopdesk(&["demo", "--db", db, "--json"], "");
    assert!(!out.status.success(), "a second demo load is refused");
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], "shop_exists", "{err}");
}

#[test]
fn a_wrong_pin_exits_non_zero_with_a_coded_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    let db = db.to_str().unwrap();
    assert!(shopdesk(&["demo", "--db", db], "").status.success());
    let out = shopdesk(
        &[
            "catalog",
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

#[test]
fn catalog_export_import_dry_run_and_stock() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    let db = db.to_str().unwrap();
    assert!(shopdesk(&["demo", "--db", db], "").status.success());
    let csv = dir.path().join("catalog.csv");
    let csv = csv.to_str().unwrap();
    let owner = ["--db", db, "--staff", "Alex Morgan"];
    let run = |args: &[&str]| shopdesk(&[args, &owner[..]].concat(), "1111");

    let out = run(&["catalog", "export", "--out", csv]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["catalog", "import", csv, "--dry-run"]);
    assert!(
        out.status.success(),
        "our own export is clean: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Would import 0 new and 20 updated products")
    );

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "Handle,Title,Variant SKU,Variant Price,Variant Barcode\nx,X,X-1,1.00,4006381333932\n",
    )
    .unwrap();
    let out = run(&["catalog", "import", bad.to_str().unwrap(), "--dry-run"]);
    assert_eq!(out.status.code(), Some(1), "dry run with bad rows fails");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2 [Variant Barcode]: barcode 4006381333932 has a bad check digit"),
        "{err}"
    );

    let out = run(&["stock", "--location", "shop floor", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["total_on_hand"].as_i64().unwrap() > 0);
    assert!(report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["location"] == "Shop floor"));
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    let db = db.to_str().unwrap();
    assert!(shopdesk(&["demo", "--db", db], "").status.success());

    // As `shopdesk catalog list | head -0`: the pipe is closed before the first line is written.
    let mut child = Command::new(env!("CARGO_BIN_EXE_shopdesk"))
        .args(["catalog", "list", "--db", db, "--staff", "jo rivera"])
        .env("SHOPDESK_PIN", "3333")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run shopdesk");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(stderr.is_empty(), "nothing on stderr, got: {stderr}");
}

/// Excel on Windows saves "CSV (Comma delimited)" in Windows-1252: read and converted, with a
/// word on stderr, never refused.
#[test]
fn an_excel_for_windows_csv_is_imported_with_its_accents() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    let db = db.to_str().unwrap();
    assert!(shopdesk(&["demo", "--db", db], "").status.success());
    let csv = dir.path().join("excel.csv");
    std::fs::write(
        &csv,
        b"Handle,Title,Variant SKU,Variant Price\r\ncreme-mug,Cr\xe8me br\xfbl\xe9e mug,CREME-1,12.00\r\n",
    )
    .unwrap();
    let out = shopdesk(
        &[
            "catalog",
            "import",
            csv.to_str().unwrap(),
            "--db",
            db,
            "--staff",
            "Alex Morgan",
        ],
        "1111",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("Windows-1252"));
    let out = shopdesk(
        &[
            "catalog",
            "list",
            "--db",
            db,
            "--staff",
            "Alex Morgan",
            "--search",
            "CREME-1",
            "--json",
        ],
        "1111",
    );
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["items"][0]["title"], "Crème brûlée mug", "{page}");
}
