//! Customers (F6) in the real window: the owner finds a demo customer and reads their history
//! and figures; tags them, records their marketing consent and a second e-mail; filters the list
//! by the tag; merges a duplicate customer into them; exports their data (JSON and a readable
//! PDF); and erases them, the books staying whole — her orders still open from her history.

mod common;

use common::*;
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread")]
async fn the_owner_finds_edits_merges_exports_and_erases_a_customer() {
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path(), 4670);
    let c = driver.launch().await;
    load_demo(&c).await;

    click(&c, "#nav-customers").await;
    on_screen(&c, "customers").await;
    wait_text(&c, "#customers-count", "customers").await;
    fill(&c, "#customers-search", "aoife").await;
    let row = "tr.customer-row[data-customer='Aoife Byrne']";
    wait_text(&c, row, "Aoife Byrne").await;
    click(&c, &format!("{row} td.customer-name")).await;
    wait_text(&c, "#customer-title", "Aoife Byrne").await;
    // The demo's history: her orders, with a lifetime value.
    wait_text(&c, "#customer-history", "Order").await;
    let value = text_of(&c, "#customer-value").await;
    assert!(
        value.chars().any(|ch| ch.is_ascii_digit() && ch != '0'),
        "{value}"
    );
    shot(&c, "customers-profile").await;

    // Tags, consent (where it was given), a second e-mail.
    click(&c, "#customer-edit").await;
    fill(&c, "#edit-tags", "vip").await;
    click(&c, "#edit-consent").await;
    click(&c, "#edit-save").await;
    wait_text(&c, "#customer-edit-form", "where").await;
    fill(&c, "#edit-consent-source", "at the counter").await;
    click(&c, "#add-email").await;
    fill(&c, ".edit-other-email", "aoife.work@example.net").await;
    shot(&c, "customers-edit").await;
    click(&c, "#edit-save").await;
    toast_said(&c, "saved").await;
    wait_text(&c, "#customer-consent", "Agreed").await;
    wait_text(&c, "#customer-contacts", "aoife.work@example.net").await;

    // The list by the tag.
    fill(&c, "#customers-search", " ").await;
    choose(&c, "#customers-tag", "vip").await;
    wait_exact(&c, "#customers-count", "1 customers · page 1 of 1").await;
    choose(&c, "#customers-tag", "").await;

    // A duplicate made at the counter, merged into her.
    click(&c, "#new-customer").await;
    fill(&c, "#new-customer-name", "Aoife B.").await;
    fill(&c, "#new-customer-email", "aoife.b@example.org").await;
    click(
        &c,
        "#customer-new-form ~ * button[type=submit], #customer-new-dialog button.primary",
    )
    .await;
    wait_text(&c, "#customer-title", "Aoife B.").await;
    fill(&c, "#customers-search", "aoife byrne").await;
    click(&c, &format!("{row} td.customer-name")).await;
    wait_text(&c, "#customer-title", "Aoife Byrne").await;
    click(&c, "#customer-merge").await;
    fill(&c, "#merge-search", "Aoife B.").await;
    click(&c, "#merge-find").await;
    wait_text(&c, "#merge-candidates", "aoife.b@example.org").await;
    click(&c, "#merge-candidates input[type=radio]").await;
    wait_text(&c, "#merge-says", "cannot be undone").await;
    click(&c, "#merge-confirm").await;
    toast_said(&c, "merged").await;
    wait_text(&c, "#customer-contacts", "aoife.b@example.org").await;
    fill(&c, "#customers-search", "aoife").await;
    wait_exact(&c, "#customers-count", "1 customers · page 1 of 1").await;

    // GDPR: the export writes a JSON and a PDF; erase keeps the books.
    click(&c, "#customer-export").await;
    let said = toast_said(&c, "Exported").await;
    let paths: Vec<&str> = said
        .split_whitespace()
        .filter(|w| w.contains("shopdesk-customer"))
        .map(|w| w.trim_end_matches(['.', ',']))
        .collect();
    assert_eq!(paths.len(), 2, "{said}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(paths[0]).unwrap()).unwrap();
    assert_eq!(json["customer"][0]["name"], "Aoife Byrne");
    assert!(std::fs::read(paths[1]).unwrap().starts_with(b"%PDF"));
    click(&c, "#customer-erase").await;
    wait_text(&c, "#confirm-dialog", "issued invoices are kept").await;
    click(&c, "#confirm-yes").await;
    toast_said(&c, "erased").await;
    wait_text(&c, "#customer-detail", "Erased at the customer's request").await;
    // Her history still opens each order on the Orders screen (the books stay whole).
    let record = text_of(&c, "#customer-history .open-record").await;
    click(&c, "#customer-history .open-record").await;
    on_screen(&c, "orders").await;
    let name = record.split_whitespace().last().unwrap().to_string();
    wait_text(&c, ".order-side", &name).await;
    click(&c, "#nav-customers").await;
    fill(&c, "#customers-search", "aoife").await;
    let gone = c.find_all(Locator::Css(row)).await.unwrap();
    assert!(gone.is_empty() || text_of(&c, "#customers-count").await.starts_with("0"));
    c.close().await.unwrap();
    wait_app_gone().await;
}
