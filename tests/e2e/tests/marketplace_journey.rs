//! The owner connects a real Vendure store in the real window and its orders come in; the packer
//! ships one at the bench, and the Marketplaces panel reports its tracking sent. Vendure 3.7.3
//! runs on 127.0.0.1 (tests/vendure); its catalog sells the demo shop's mug by the same SKU, and
//! two customers order it through Vendure's Shop API. The access key goes through the form into
//! the OS keychain (gnome-keyring, headless, under `make e2e`). Then the store goes down: the
//! alert shows on whatever screen is open and leads to the panel, where the store is still on.
//! And a Shopify store (the testkit's fake of its Admin API: no Shopify runs here) connected the
//! same way has its products read into the catalog import's preview and imported.

mod common;

use common::*;
use shopdesk_testkit::vendure::VendureServer;

/// The demo shop's enamel mug (US prices), stocked in Vendure too.
const CATALOG: &str = "name,slug,description,assets,facets,optionGroups,optionValues,sku,price,taxCategory,stockOnHand,trackInventory,variantAssets,variantFacets
Enamel Camp Mug,enamel-camp-mug,A mug,,,,,EMUG-CHARCOAL,14.50,standard,40,true,,
";

/// The name of the inbox row whose customer is `customer`, once it is there.
async fn order_named(c: &fantoccini::Client, customer: &str) -> String {
    let find = format!(
        "return [...document.querySelectorAll('tr.inbox-row')].find(r => r.textContent.includes('{customer}'))?.dataset.name ?? null"
    );
    for _ in 0..200 {
        if let Some(name) = c.execute(&find, vec![]).await.unwrap().as_str() {
            return name.to_string();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no order from {customer} in the inbox");
}

#[tokio::test(flavor = "multi_thread")]
async fn owner_connects_vendure_orders_arrive_and_the_packed_one_reports_its_tracking_sent() {
    let scratch = tempfile::tempdir().unwrap();
    let catalog = scratch.path().join("catalog.csv");
    std::fs::write(&catalog, CATALOG).unwrap();
    let vendure = VendureServer::start(4620, Some(&catalog));
    vendure.seed(&["EMUG-CHARCOAL:2", "EMUG-CHARCOAL:1"]);

    // No print system answers (a CUPS server on a closed port): every document fails to print,
    // and the bench says so in plain words with its ways forward.
    std::env::set_var("CUPS_SERVER", "127.0.0.1:9");
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path(), 4600);
    let c = driver.launch().await;
    choose(&c, "#demo-country", "US").await;
    load_demo(&c).await;

    // Orders → Marketplaces → Connect a store.
    click(&c, "#nav-orders").await;
    click(&c, "#open-channels").await;
    wait_text(&c, "#sync-health", "No store connected yet").await;
    click(&c, "#channel-new").await;
    choose(&c, "#ch-kind", "vendure").await;
    fill(&c, "#ch-name", "vendure").await;
    fill(&c, "#ch-url", &vendure.url()).await;
    fill(&c, "#ch-key", "superadmin:superadmin").await;
    click(&c, "#ch-save").await;

    // The first sync starts at once; the panel shows its outcome and both orders imported.
    let row = ".channel-row[data-name=\"vendure\"]";
    wait_text(&c, &format!("{row} .channel-progress"), "done: 2 new").await;
    wait_exact(&c, &format!("{row} .channel-orders"), "2").await;
    wait_text(&c, &format!("{row}[data-failing=\"false\"]"), "none").await;
    shot(&c, "marketplace-connected").await;

    // The inbox beside the panel has them already, open (verified, stock committed), numbered
    // after the demo's own history.
    let first = order_named(&c, "Pat Buyer 1").await;
    let second = order_named(&c, "Pat Buyer 2").await;
    for name in [&first, &second] {
        wait_text(
            &c,
            &format!("tr.inbox-row[data-name=\"{name}\"][data-status=\"open\"]"),
            "Pat Buyer",
        )
        .await;
    }
    shot(&c, "marketplace-orders-in").await;

    // The packer ships the first (2 mugs) at the bench, keyboard and scanner only.
    click(&c, "#nav-pack").await;
    scan_into(&c, "#pack-code", &format!("O{}", &first[1..])).await;
    wait_exact(&c, "#pack-order", &first).await;
    wait_exact(&c, "#pack-progress", "0 / 2").await;
    let barcode = pack_line_barcode(&c, "EMUG-CHARCOAL").await;
    scan_into(&c, "#pack-scan", &barcode).await;
    scan_into(&c, "#pack-scan", &barcode).await;
    wait_exact(&c, "#pack-progress", "2 / 2").await;
    fill(&c, "#pack-weight-1", "0.9\u{E039}").await;
    wait_text(&c, "#pack-result", &format!("Shipped {first}")).await;
    let tracking = text_of(&c, "#pack-tracking-result").await;

    let failed = wait_text(
        &c,
        "#pack-result .print-job[data-kind='label'][data-status='failed']",
        "save the document as PDF",
    )
    .await;
    assert!(
        !failed.contains("lp:"),
        "the print system's own words: {failed}"
    );
    // The label can be saved as a PDF, or opened to print elsewhere: never a dead end.
    click(&c, "#print-queue .save-job[data-kind='label']").await;
    let saved = wait_text(&c, "#pack-saved", "Saved to ").await;
    let label = saved.trim_start_matches("Saved to ").trim();
    let info = std::process::Command::new("pdfinfo")
        .arg(label)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&info.stdout).contains("Pages:"),
        "the saved label is a PDF: {label}"
    );

    // Within seconds (no full run needed) the tracking is in Vendure and the panel says so.
    click(&c, "#nav-orders").await;
    click(&c, "#open-channels").await;
    wait_text(&c, &format!("{row} .channel-sent"), "1 tracking sent").await;
    wait_text(&c, &format!("{row} .channel-queue"), "0 tracking").await;
    shot(&c, "marketplace-tracking-sent").await;

    // Vendure's own record: the order shipped, with the tracking code the bench printed.
    let orders = vendure.admin_query(
        "{ orders(options: { sort: { id: ASC } }) { items { code state fulfillments { state trackingCode } } } }",
    );
    let first = &orders["orders"]["items"][0];
    assert_eq!(first["state"], "Shipped", "{orders}");
    assert_eq!(first["fulfillments"][0]["state"], "Shipped", "{orders}");
    assert_eq!(
        first["fulfillments"][0]["trackingCode"],
        tracking.as_str(),
        "{orders}"
    );

    // The store goes down. Sync now fails; the alert says so on every screen until it works.
    drop(vendure);
    click(&c, &format!("{row} .channel-sync")).await;
    wait_text(
        &c,
        ".sync-alert[data-channel=\"vendure\"]",
        "vendure is not syncing",
    )
    .await;
    click(&c, "#nav-catalog").await;
    wait_text(&c, ".sync-alert[data-channel=\"vendure\"]", "not syncing").await;
    shot(&c, "marketplace-alert").await;
    click(&c, ".sync-alert .open-marketplaces").await;
    wait_text(
        &c,
        &format!("{row}[data-failing=\"true\"] .channel-error"),
        "",
    )
    .await;
    wait_text(&c, &format!("{row} .channel-sync"), "Retry now").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn owner_connects_shopify_and_reads_its_products_into_the_catalog() {
    use shopdesk_testkit::shopify::{products, start, Fate, Store};
    // The Admin API version the app's Shopify connector names (shopdesk_sync::SHOPIFY_API_VERSION;
    // the journeys do not build the app's crates).
    let (store, _fake) = start(
        Store {
            fate: Fate::Completes,
            // The demo mug's SKU on a second product: the preview skips that row and says why.
            products: products("EMUG-CHARCOAL"),
            ..Store::default()
        },
        "2026-10",
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path(), 4690);
    let c = driver.launch().await;
    choose(&c, "#demo-country", "US").await;
    load_demo(&c).await;

    click(&c, "#nav-orders").await;
    click(&c, "#open-channels").await;
    click(&c, "#channel-new").await;
    choose(&c, "#ch-kind", "shopify").await;
    fill(&c, "#ch-name", "corner-shopify").await;
    fill(&c, "#ch-url", &store.uri()).await;
    fill(&c, "#ch-key", "shpat_good").await;
    click(&c, "#ch-save").await;

    // A Shopify store's first connect reads its products into the import's preview by itself
    // (Catalog → Import offers the same store later: the UI test covers that button).
    let summary = wait_text(&c, "#import-summary", "variants").await;
    assert!(
        summary.contains("1 new")
            && summary.contains("2 variants")
            && summary.contains("2 images")
            && summary.contains("1 row will be skipped"),
        "{summary}"
    );
    let errors = wait_text(&c, "#import-errors", "duplicate SKU 'EMUG-CHARCOAL'").await;
    assert!(
        errors.contains("mug-again"),
        "the row names its product: {errors}"
    );
    shot(&c, "import-from-shopify").await;
    click(&c, "#import-confirm").await;
    wait_text(&c, "#import-done", "1 new").await;
    click(&c, "#import-close").await;
    let row = ".channel-row[data-name=\"corner-shopify\"]";
    wait_text(&c, &format!("{row}[data-failing=\"false\"]"), "none").await;
    click(&c, "#nav-catalog").await;
    let row = search_catalog(&c, "4006381333931").await;
    assert!(
        row.contains("Sage Tee") && row.contains("TEE-S") && row.contains("25.00"),
        "{row}"
    );
}
