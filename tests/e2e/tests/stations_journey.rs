//! Two app windows as two stations of one shop on a private PostgreSQL: the demo shop shared
//! from the command line, a till (T1) and the back office (OFFICE) each opened on it with a file
//! of their own. A sale rung up at the till shows in the back office's reports; the server is
//! killed: the till keeps selling and says so, the back office says its reports wait for the
//! server; the server returns, the queued sale arrives, once.

mod common;

use common::*;
use fantoccini::Client;
use shopdesk_testkit::postgres::Postgres;
use std::process::Command;
use std::time::{Duration, Instant};

/// The command-line tool beside the app binary (make e2e builds both).
fn shopdesk(args: &[&str]) -> String {
    let cli = app_binary().with_file_name("shopdesk");
    let out = Command::new(&cli)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", cli.display()));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "shopdesk {args:?}: {said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    said
}

async fn sign_in(c: &Client) {
    click(c, "button[data-staff='Alex Morgan']").await;
    fill(c, "#pin", "1111").await;
    click(c, "#sign-in").await;
    wait_text(c, "#who", "Alex Morgan · Owner").await;
}

/// The orders figure of the summary report on screen (the last 30 days).
async fn orders_figure(c: &Client) -> i64 {
    text_of(c, "#kpi-orders .kpi-value")
        .await
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// The orders figure of the back office's report, read again until it is `want` — a report is
/// read when the screen opens.
async fn wait_orders(c: &Client, want: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        click(c, "#nav-home").await;
        on_screen(c, "home").await;
        click(c, "#nav-reports").await;
        on_screen(c, "reports").await;
        let seen = orders_figure(c).await;
        if seen == want {
            return;
        }
        assert!(
            seen < want && Instant::now() < deadline,
            "the back office's report says {seen} orders, not {want}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

fn till_sales(pg: &Postgres) -> String {
    pg.psql("shop", "SELECT count(*) FROM sale WHERE station = 'T1'")
        .unwrap()
        .trim()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_till_and_the_back_office_share_one_shop_through_an_outage() {
    let home = tempfile::tempdir().unwrap();
    let mut pg = Postgres::start().expect("a private PostgreSQL");
    pg.psql("postgres", "CREATE DATABASE shop").unwrap();
    let url = pg.url("shop");
    let standalone = home.path().join("standalone.sqlite3");
    let db = standalone.to_str().unwrap();
    shopdesk(&["demo", "--db", db, "--country", "IE"]);
    let said = shopdesk(&[
        "share",
        "--db",
        db,
        "--staff",
        "Alex Morgan",
        "--pin",
        "1111",
        "--server",
        &url,
    ]);
    assert!(said.starts_with("Shared: "), "{said}");

    let station = |dir: &str, port: u16, till: &str, unset: &[&str]| {
        let path = home.path().join(dir);
        Driver::start_with(
            &path,
            port,
            &[("SHOPDESK_SERVER", &url), ("SHOPDESK_TILL", till)],
            unset,
        )
    };
    let till_driver = station("till", 4700, "T1", &[]);
    // The second app on its own, as on its own computer: without the session bus, so the
    // single-instance plugin does not hand its launch to the first.
    let office_driver = station("office", 4710, "OFFICE", &["DBUS_SESSION_BUS_ADDRESS"]);
    let till = till_driver.launch().await;
    sign_in(&till).await;
    wait_exact(&till, "#till-badge", "Till T1").await;
    let office = office_driver.launch().await;
    sign_in(&office).await;
    wait_exact(&office, "#till-badge", "Till OFFICE").await;
    click(&office, "#nav-reports").await;
    on_screen(&office, "reports").await;
    let before = orders_figure(&office).await;
    assert!(before > 0, "the demo's last 30 days of trade");

    // A sale at the till is in the back office's reports once sent (every 2 s).
    let first = sell_a_mug(&till).await;
    assert_eq!(first, "R-T1-00000001");
    wait_orders(&office, before + 1).await;
    shot(&office, "stations-office-reports").await;
    // The back office opens an order of the shop's from its server.
    click(&office, "#nav-orders").await;
    click(&office, "tr.inbox-row[data-name^='#'] td.order-name").await;
    assert!(open_order_name(&office).await.starts_with('#'));

    // The server killed: the till sells on from its own file and says what waits.
    pg.kill();
    let second = sell_a_mug(&till).await;
    assert_eq!(second, "R-T1-00000002");
    wait_exact(
        &till,
        "#till-badge",
        "Till T1 · server offline — 1 sale waiting",
    )
    .await;
    shot(&till, "stations-till-offline").await;
    // The back office does not read its reports short from its own copy: it says why not.
    click(&office, "#nav-home").await;
    click(&office, "#nav-reports").await;
    wait_text(
        &office,
        ".notice[data-code='server_offline']",
        "server cannot be reached",
    )
    .await;
    shot(&office, "stations-office-offline").await;

    // Back: the queued sale arrives, once.
    pg.restart().unwrap();
    wait_exact(&till, "#till-badge", "Till T1").await;
    wait_orders(&office, before + 2).await;
    assert_eq!(till_sales(&pg), "2");
    till.close().await.unwrap();
    office.close().await.unwrap();
    drop((till_driver, office_driver));
}
