//! The owner sets the counter up in Settings (F8 → Counter) — the standard VAT rate and the
//! receipt's footer — and the next receipt prints both; the change is on the audit trail with its
//! before and after. Then a new location gets stock by a transfer, and Settings refuses to retire
//! it while the stock is there.

mod common;

use common::*;
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread")]
async fn the_owner_changes_the_tax_rate_and_footer_and_the_next_receipt_shows_both() {
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path(), 4650);
    let c = driver.launch().await;
    load_demo(&c).await;

    click(&c, "#nav-settings").await;
    click(&c, "#tab-counter").await;
    // The standard rate: its name on receipts and its percent.
    let row = "#tax-rates tr.tax-rate:first-child";
    assert_eq!(value_of(&c, &format!("{row} .rate-name")).await, "VAT 23%");
    fill(&c, &format!("{row} .rate-name"), "VAT 21%").await;
    fill(&c, &format!("{row} .rate-percent"), "21").await;
    fill(&c, "#receipt-footer", "Thank you — see you at the harbour").await;
    shot(&c, "settings-counter").await;
    click(&c, "#save-counter-settings").await;
    toast_said(&c, "Counter settings saved").await;

    // The next sale.
    sell_a_mug(&c).await;
    let text = receipt_text(&c).await;
    assert!(text.contains("VAT 21%"), "{text}");
    assert!(text.contains("see you at the harbour"), "{text}");
    // 16.50 with 21 % included: 2.86 of it is tax.
    assert!(text.contains("2.86"), "{text}");

    // On the trail, before → after.
    click(&c, "#nav-settings").await;
    click(&c, "#tab-audit").await;
    choose(&c, "#audit-kind", "settings.counter").await;
    let entry = wait_text(
        &c,
        "tr.audit-row[data-action=\"settings.counter\"]",
        "receipt_footer",
    )
    .await;
    assert!(entry.contains("see you at the harbour"), "{entry}");
    assert!(entry.contains("rates"), "{entry}");

    // A new location, stocked by a transfer from the shop floor.
    click(&c, "#tab-locations").await;
    fill(&c, "#new-location", "Garage").await;
    click(&c, "#add-location").await;
    toast_said(&c, "Garage added").await;
    wait_text(&c, "tr.location-row[data-location=\"Garage\"]", "0").await;
    click(&c, "#nav-stock").await;
    click(&c, "#tab-transfers").await;
    pick_option(&c, "#transfer-from", |w| w == "Shop floor").await;
    pick_option(&c, "#transfer-to", |w| w == "Garage").await;
    scan_into(&c, "#transfer-scan", "5390001000167").await;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("input[aria-label=\"Quantity\"]"))
        .await
        .expect("the scanned mug is on the transfer");
    click(&c, "#send-transfer").await;
    click(&c, "button.receive-transfer").await;
    wait_text(&c, "#transfer-list", "received").await;
    click(&c, "#nav-settings").await;
    click(&c, "#tab-locations").await;
    let garage = "tr.location-row[data-location=\"Garage\"]";
    wait_text(&c, garage, "1").await;
    click(&c, &format!("{garage} .location-active")).await;
    wait_text(
        &c,
        ".settings [role=alert]",
        "holds 1 unit: transfer it first",
    )
    .await;
    assert!(
        c.find(Locator::Css(&format!("{garage} .location-active:checked")))
            .await
            .is_ok(),
        "the refused box stays ticked"
    );
    shot(&c, "settings-locations").await;
    c.close().await.unwrap();
}

/// The owner has a supplier ship a mug straight to customers (product editor), then an order
/// for it is forwarded from the order panel, the supplier's tracking recorded, and the parcel
/// marked delivered.
#[tokio::test(flavor = "multi_thread")]
async fn a_dropship_supplier_is_set_on_the_product_and_the_order_is_forwarded() {
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path(), 4652);
    let c = driver.launch().await;
    load_demo(&c).await;

    click(&c, "#nav-catalog").await;
    scan_into(&c, "#product-search", "5390001000167").await;
    wait_text(&c, "#product-editor h2", "Edit product").await;
    let supplier = pick_option(&c, "#dropship-supplier", |w| w.ends_with("(dropship)")).await;
    toast_said(&c, "now ships it to customers").await;
    click(&c, "#close-product").await;

    phone_order_by(&c, "D02 X285", "EMUG-CHARCOAL", "1", "An Post Registered").await;
    wait_text(&c, "#order-detail", "Order").await;
    click(&c, "#dropship-forward").await;
    let said = wait_text(&c, "#invoice-saved", "Forwarded").await;
    assert!(
        said.contains(supplier.trim_end_matches(" (dropship)")),
        "{said} / {supplier}"
    );
    fill(&c, ".supplier-order .ds-carrier", "DPD").await;
    fill(&c, ".supplier-order .ds-tracking", "DPD123456789").await;
    click(&c, ".supplier-order .ds-shipped").await;
    wait_text(&c, "#deliveries", "DPD123456789").await;
    choose(&c, "#deliveries select", "delivered").await;
    wait_text(&c, "#order-detail", "delivery delivered").await;
    assert_eq!(value_of(&c, "#deliveries select").await, "delivered");
    c.close().await.unwrap();
}
