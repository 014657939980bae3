//! Two app windows as two stations of one shop on a private PostgreSQL, set up in the window:
//! the back office shares its demo shop (Settings → Stations) and adds a till, which joins from
//! its first screen with the one-time pairing code (a mistyped code refused first); each keeps a
//! file of its own and its login in the OS keychain. A packing bench joins the same way and
//! ships an order the back office took. A sale rung up at the till shows in the back office's reports; the server is
//! killed: the till keeps selling and says so, the back office says its reports wait for the
//! server; the server returns, the queued sale arrives, once. A sale the server refuses holds
//! back the next until the owner sets it aside in the till's Settings → Stations, and sends it
//! again once the cause is put right. The shop's server is backed up from the back office's
//! Settings → Stations and restored from it there: the till's sale made after the backup
//! arrives again, once, and the back office signs in to the restored shop.

mod common;

use common::*;
use fantoccini::{Client, Locator};
use shopdesk_testkit::cups::Cups;
use shopdesk_testkit::postgres::{Postgres, USER};
use std::time::{Duration, Instant};

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

/// A one-time pairing code for station `name`, made in the back office's Settings → Stations.
async fn pairing_code(office: &Client, name: &str) -> String {
    click(office, "#nav-settings").await;
    click(office, "#tab-stations").await;
    fill(office, "#station-new-name", name).await;
    click(office, "#station-add-button").await;
    wait_text(office, "#pairing-code", &format!("{name}-")).await;
    text_of(office, "#pairing-code").await
}

/// Joins the shop on `port` from a new computer's first screen with `code`, then signs in.
async fn join(c: &Client, port: &str, code: &str) {
    fill(c, "#join-host", "127.0.0.1").await;
    fill(c, "#join-port", port).await;
    fill(c, "#join-database", "shop").await;
    fill(c, "#join-code", code).await;
    click(c, "#join-shop").await;
    sign_in(c).await;
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
    let port = pg.port.to_string();
    let cups = Cups::start(); // sets CUPS_SERVER, inherited by the apps through tauri-driver

    // The back office: the demo shop, shared from Settings → Stations with the server's admin
    // login (the test server's superuser needs no password; every station's login does).
    let office_driver = Driver::start(&home.path().join("office"), 4710);
    let office = office_driver.launch().await;
    load_demo(&office).await;
    click(&office, "#nav-settings").await;
    click(&office, "#tab-stations").await;
    fill(&office, "#share-host", "127.0.0.1").await;
    fill(&office, "#share-port", &port).await;
    fill(&office, "#share-database", "shop").await;
    fill(&office, "#share-user", USER).await;
    fill(&office, "#share-password", "used once").await;
    shot(&office, "stations-share-form").await;
    click(&office, "#share-button").await;
    wait_exact(&office, "#this-station", "OFFICE").await;
    wait_exact(&office, "#till-badge", "Till OFFICE").await;

    // A till added: its one-time code, typed on the till's first screen.
    let code = pairing_code(&office, "T1").await;
    shot(&office, "stations-pairing-code").await;

    let till_driver = Driver::start(&home.path().join("till"), 4700);
    let till = till_driver.launch().await;
    fill(&till, "#join-host", "127.0.0.1").await;
    fill(&till, "#join-port", &port).await;
    fill(&till, "#join-database", "shop").await;
    fill(&till, "#join-code", "T1-AAAA-BBBB-CCCC-DDDD").await;
    click(&till, "#join-shop").await;
    wait_text(&till, "[role='alert']", "did not take that pairing code").await;
    join(&till, &port, &code.to_lowercase()).await;
    wait_exact(&till, "#till-badge", "Till T1").await;
    // The code worked once: the server knows the till by its own password now.
    assert_eq!(
        pg.psql(
            "shop",
            "SELECT rolvaliduntil = 'infinity' FROM pg_roles WHERE rolname = 'shop_st_t1'"
        )
        .unwrap(),
        "t"
    );

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

    // A sale the server refuses holds back the till's later ones; the owner sets it aside from
    // the till's Settings → Stations and the next goes on.
    pg.psql(
        "shop",
        "CREATE FUNCTION refuse_third() RETURNS TRIGGER LANGUAGE plpgsql AS $$
         BEGIN
             IF NEW.station = 'T1' AND NEW.number = 3 THEN
                 RAISE EXCEPTION 'sale 3 is refused for the journey';
             END IF;
             RETURN NEW;
         END $$;
         CREATE TRIGGER refuse_third BEFORE INSERT ON sale
             FOR EACH ROW EXECUTE FUNCTION refuse_third();",
    )
    .unwrap();
    assert_eq!(sell_a_mug(&till).await, "R-T1-00000003");
    assert_eq!(sell_a_mug(&till).await, "R-T1-00000004");
    wait_exact(
        &till,
        "#till-badge",
        "Till T1 · the server refused a sale — 2 sales waiting",
    )
    .await;
    click(&till, "#nav-settings").await;
    click(&till, "#tab-stations").await;
    wait_text(&till, "#station-refused-reason", "refused for the journey").await;
    click(&till, "#station-set-aside").await;
    click(&till, "#confirm-yes").await;
    toast_said(&till, "Set aside: R-T1-00000003").await;
    wait_exact(&till, "#till-badge", "Till T1").await;
    wait_text(
        &till,
        "#station-set-aside-list tr[data-receipt='R-T1-00000003']",
        "refused for the journey",
    )
    .await;
    shot(&till, "stations-set-aside").await;
    // The same screen says which station runs each of the shop's jobs, read off the server.
    let backup = wait_text(&till, "#station-jobs tr[data-job='backup']", "Backing up").await;
    assert!(
        ["OFFICE", "T1", "no station now"]
            .iter()
            .any(|s| backup.ends_with(s)),
        "{backup}"
    );
    assert_eq!(till_sales(&pg), "3", "sales 1, 2 and 4 on the server");
    // The cause put right at the server, the owner sends it again: it arrives, once.
    pg.psql("shop", "DROP TRIGGER refuse_third ON sale")
        .unwrap();
    click(
        &till,
        "#station-set-aside-list tr[data-receipt='R-T1-00000003'] button.send-again",
    )
    .await;
    toast_said(&till, "R-T1-00000003 is waiting to go to the server again").await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while till_sales(&pg) != "4" {
        assert!(
            Instant::now() < deadline,
            "the sale sent again never arrived"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        till.find_all(Locator::Css("#station-set-aside-list"))
            .await
            .unwrap()
            .is_empty(),
        "nothing is set aside any more"
    );

    // The back office's Marketplaces panel says where the shop's sync runs.
    click(&office, "#nav-orders").await;
    click(&office, "#open-channels").await;
    wait_text(&office, "#channel-sync-station", "station").await;
    // The till's first sale, in the back office's inbox from the server, gets a company invoice
    // there: numbered in the shop's one series on the server.
    fill(&office, "#orders-search", "R-T1-00000001").await;
    click(
        &office,
        "tr.inbox-row[data-name='R-T1-00000001'] td.order-name",
    )
    .await;
    fill(&office, "#si-name", "Harbour Café Ltd").await;
    fill(&office, "#si-tax-id", "IE1234567T").await;
    click(&office, "#si-issue").await;
    wait_text(&office, "#si-saved", "saved to").await;
    assert_eq!(
        pg.psql(
            "shop",
            "SELECT count(*) FROM invoice i JOIN sale s ON s.id = i.sale_id
             WHERE s.station = 'T1' AND s.number = 1"
        )
        .unwrap(),
        "1"
    );

    // A packing bench joins; an order the back office takes by phone is packed and shipped
    // there, once, its documents printed on the bench's own queues.
    let code = pairing_code(&office, "B1").await;
    let bench_driver = Driver::start(&home.path().join("bench"), 4720);
    let bench = bench_driver.launch().await;
    join(&bench, &port, &code).await;
    wait_exact(&bench, "#till-badge", "Till B1").await;
    phone_order(&office, "D02 X285", "EMUG-CHARCOAL", "1").await;
    wait_text(&office, "#order-status", "open").await;
    let name = open_order_name(&office).await;
    click(&bench, "#nav-pack").await;
    click(&bench, "#pack-settings").await;
    choose(&bench, "#st-label-printer", "shopdesk-labels").await;
    choose(&bench, "#st-doc-printer", "shopdesk-docs").await;
    click(&bench, "#st-save").await;
    toast_said(&bench, "Station").await;
    scan_into(&bench, "#pack-code", &format!("O{}", &name[1..])).await;
    wait_exact(&bench, "#pack-order", &name).await;
    let barcode = pack_line_barcode(&bench, "EMUG-CHARCOAL").await;
    scan_into(&bench, "#pack-scan", &barcode).await;
    wait_exact(&bench, "#pack-progress", "1 / 1").await;
    fill(&bench, "#pack-weight-1", "0.6\u{E039}").await;
    wait_text(&bench, "#pack-result", &format!("Shipped {name}")).await;
    wait_text(
        &bench,
        "li.print-job[data-kind=\"label\"][data-status=\"sent\"]",
        "sent to shopdesk-labels",
    )
    .await;
    shot(&bench, "stations-bench-shipped").await;
    let number = &name[1..];
    assert_eq!(
        pg.psql(
            "shop",
            &format!(
                "SELECT count(*) FROM shipment s JOIN customer_order o ON o.id = s.order_id
                 WHERE o.number = {number}"
            )
        )
        .unwrap(),
        "1",
        "shipped once, on the shop's server"
    );

    // The server backed up from the back office, a sale rung up at the till after it, and the
    // server restored from that backup in the window: the till sends the sale again, once.
    click(&office, "#nav-settings").await;
    click(&office, "#tab-stations").await;
    click(&office, "#server-backup-now").await;
    toast_said(&office, "The shop's server is backed up").await;
    let at_backup: i64 = till_sales(&pg).parse().unwrap();
    let later = sell_a_mug(&till).await;
    let number: i64 = later.rsplit('-').next().unwrap().parse().unwrap();
    let this_sale = format!("SELECT count(*) FROM sale WHERE station = 'T1' AND number = {number}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while pg.psql("shop", &this_sale).unwrap() != "1" {
        assert!(
            Instant::now() < deadline,
            "{later} never reached the server"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    click(
        &office,
        "#server-backups tbody tr:first-child button.server-restore-start",
    )
    .await;
    fill(&office, "#server-restore-user", USER).await;
    fill(&office, "#server-restore-pin", "1111").await;
    shot(&office, "stations-server-restore").await;
    click(&office, "#server-restore-confirm").await;
    toast_said(&office, "Restored the server from its backup").await;
    sign_in(&office).await;
    assert_eq!(
        pg.psql(
            "postgres",
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'shop_before_%' AND NOT datallowconn"
        )
        .unwrap(),
        "1",
        "the database as it was, kept closed"
    );
    let deadline = Instant::now() + Duration::from_secs(90);
    while till_sales(&pg) != (at_backup + 1).to_string() {
        assert!(Instant::now() < deadline, "{later} was never sent again");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(pg.psql("shop", &this_sale).unwrap(), "1", "once");
    till.close().await.unwrap();
    office.close().await.unwrap();
    bench.close().await.unwrap();
    drop((till_driver, office_driver, bench_driver, cups));
}
