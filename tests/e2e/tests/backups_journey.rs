//! The owner's backups in the real window: the top bar says there is none yet, then how old the
//! last verified backup is;
//! Settings → Backups takes one now, a sale is rung up after it, and restoring the backup with the
//! owner's PIN takes the sale away — everyone signs in again, the receipt is no longer found, the
//! journal verifies, and the next receipt does not reuse the number; then a price change is read
//! back on the audit trail with its before and after.

mod common;

use common::*;
use fantoccini::Locator;
use std::path::Path;

/// The CLI's journal check on the journey's database (the window has no button for it).
fn journal_verifies(db: &Path) -> bool {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/shopdesk");
    let out = std::process::Command::new(cli)
        .args(["journal", "verify", "--db"])
        .arg(db)
        .args(["--staff", "Alex Morgan"])
        .env("SHOPDESK_PIN", "1111")
        .output()
        .expect("build the CLI first: cargo build -p shopdesk-cli (make test does)");
    out.status.success()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_owner_backs_up_sells_and_restores_the_backup() {
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path(), 4640);
    let c = driver.launch().await;
    load_demo(&c).await;

    // A new shop has no backup yet (the schedule's first is five minutes after start): the top
    // bar says so in red and leads to Settings → Backups.
    wait_text(&c, "#backup-badge", "No backup yet").await;
    let badge = c.find(Locator::Css("#backup-badge")).await.unwrap();
    assert_eq!(
        badge.attr("data-health").await.unwrap().as_deref(),
        Some("never")
    );
    click(&c, "#backup-badge").await;
    on_screen(&c, "settings").await;
    wait_text(&c, "#backup-health", "No backup yet").await;
    click(&c, "#backup-now").await;
    toast_said(&c, "Backed up and verified").await;
    wait_text(&c, "#backup-health", "Last verified backup").await;
    wait_text(&c, "#backup-badge", "Backed up").await;
    let row = "#backup-list tbody tr:first-child";
    wait_text(&c, row, "Taken by hand").await;
    let taken = c
        .find(Locator::Css(row))
        .await
        .unwrap()
        .attr("data-backup")
        .await
        .unwrap()
        .expect("the row names its backup");
    shot(&c, "settings-backups").await;

    // A sale after the backup.
    let receipt = sell_a_mug(&c).await;

    // The inbox finds it by its receipt number.
    click(&c, "#nav-orders").await;
    fill(&c, "#orders-search", &receipt).await;
    wait_text(
        &c,
        &format!("tr.inbox-row[data-name=\"{receipt}\"]"),
        &receipt,
    )
    .await;

    // Restore: what it holds, then the PIN.
    click(&c, "#nav-settings").await;
    click(&c, "#tab-backups").await;
    click(&c, &format!("tr[data-backup=\"{taken}\"] .open-backup")).await;
    let before = wait_text(&c, "#holds-receipt", "R").await;
    let held = receipt_code(&before);
    assert!(
        held < receipt,
        "the backup ends at {held}, before {receipt}"
    );
    click(&c, "#restore-start").await;
    fill(&c, "#restore-pin", "0000").await;
    click(&c, "#restore-confirm").await;
    wait_text(&c, "#restore-form", "PIN is not right").await;
    fill(&c, "#restore-pin", "1111").await;
    shot(&c, "restore-confirm").await;
    click(&c, "#restore-confirm").await;
    toast_said(&c, "Restored the backup").await;

    // Everyone signs in again; the sale is gone and the journal still verifies.
    click(&c, "button[data-staff='Alex Morgan']").await;
    fill(&c, "#pin", "1111").await;
    click(&c, "#sign-in").await;
    wait_text(&c, "#who", "Alex Morgan · Owner").await;
    click(&c, "#nav-orders").await;
    fill(&c, "#orders-search", &receipt).await;
    wait_text(&c, ".empty-state", "No orders match").await;
    assert!(journal_verifies(&home.path().join("shop.sqlite3")));

    // The number printed before the restore is never issued again.
    let next = sell_a_mug(&c).await;
    assert!(next > receipt, "{next} after {receipt}");

    // The shop as it was before the restore is kept.
    click(&c, "#nav-settings").await;
    click(&c, "#tab-backups").await;
    wait_text(&c, "#backup-list", "Before a restore").await;

    // A price change, read back on the audit trail with its before and after.
    click(&c, "#nav-catalog").await;
    scan_into(&c, "#product-search", "5390001000167").await;
    wait_text(&c, "#product-editor h2", "Edit product").await;
    let old_price = value_of(&c, "#v-0-price").await;
    fill(&c, "#v-0-price", "19.95").await;
    click(&c, "#save-product").await;
    toast_said(&c, "saved").await;
    click(&c, "#close-product").await;
    click(&c, "#nav-settings").await;
    click(&c, "#tab-audit").await;
    wait_text(&c, "#audit-list", "Backup restored").await;
    choose(&c, "#audit-kind", "product_updated").await;
    let row = wait_text(
        &c,
        "tr.audit-row[data-action=\"product_updated\"]",
        "19.95 EUR",
    )
    .await;
    assert!(row.contains("Alex Morgan"), "{row}");
    assert!(
        row.contains(&format!("{old_price} EUR")),
        "before and after: {row}"
    );
    shot(&c, "audit-trail").await;
    c.close().await.unwrap();
}
