//! A Shopify product CSV imported on the shop's server as on the file: the same preview, the
//! same rows skipped (a SKU used twice), the same products made and updated, the
//! same stock booked and the same search finding them — on the standalone shop and on a
//! station of the same shop shared.

mod common;

use shopdesk_core::catalog::CatalogQuery;
use shopdesk_core::{FixedClock, Session, Shop};
use std::sync::Arc;

fn story(shop: &Shop, owner: &Session, mug_handle: &str) -> Vec<String> {
    let csv = format!(
        "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty,Variant Barcode,Status\n\
         {mug_handle},Harbour Mug,Title,Default Title,MUG-1,13.50,9,,active\n\
         tote,Harbour Tote,Colour,Sand,TOTE-S,18.00,5,4006381333931,active\n\
         tote,,,Navy,TOTE-N,18.00,3,,active\n\
         cap,Cap,Title,Default Title,mug-1,10.00,1,,active\n"
    );
    let mut seen = Vec::new();
    let preview = shop.preview_catalog_import(owner, &csv).unwrap();
    seen.push(format!("preview: {preview:?}"));
    let mut calls = 0;
    let done = shop
        .import_catalog(owner, &csv, &mut |_, _| calls += 1)
        .unwrap();
    seen.push(format!(
        "imported: {:?} progress {}",
        done.preview,
        calls > 0
    ));
    let again = shop.import_catalog(owner, &csv, &mut |_, _| {}).unwrap();
    seen.push(format!("again: {:?}", again.preview));
    let refused = shop
        .import_catalog(owner, "Handle,Title\n", &mut |_, _| {})
        .unwrap_err();
    seen.push(format!("empty: {refused}"));
    let listed = |search: &str| {
        let q = CatalogQuery {
            text: Some(search.into()).filter(|s: &String| !s.is_empty()),
            ..Default::default()
        };
        shop.catalog(owner, &q)
            .unwrap()
            .items
            .iter()
            .map(|v| {
                format!(
                    "{} {} {} {} {}",
                    v.sku,
                    v.title,
                    v.variant_title,
                    v.price.minor(),
                    v.available
                )
            })
            .collect::<Vec<_>>()
    };
    seen.push(format!("catalog: {:?}", listed("")));
    seen.push(format!("found tote: {:?}", listed("tote")));
    seen.push(format!("found by barcode: {:?}", listed("4006381333931")));
    seen
}

#[test]
fn a_catalog_import_runs_alike_on_the_file_and_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(1_790_000_000_000));
    let (standalone, owner) =
        shopdesk_testkit::shop::open(dir.path(), "Corner Books", "ie", "EUR", clock.clone());
    shopdesk_testkit::shop::stocked(&standalone, &owner, "Mug", "MUG-1", "12.00", "A1", 6);
    let mut export = Vec::new();
    standalone.export_catalog(&owner, &mut export).unwrap();
    let export = String::from_utf8(export).unwrap();
    let mug_handle = export
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let shared = common::stations::share(&standalone, &owner);
    let office = shared.station(dir.path(), "office2", clock);

    let on_file = story(&standalone, &owner, &mug_handle);
    let on_server = story(&office, &owner, &mug_handle);
    let step = common::stations::alike(&on_file, &on_server);
    let preview = step("preview");
    assert!(
        preview.contains("products_new: 1")
            && preview.contains("products_updated: 1")
            && preview.contains("duplicate SKU 'mug-1'"),
        "{preview}"
    );
    assert!(
        step("again").contains("products_new: 0"),
        "{}",
        step("again")
    );
    assert!(
        step("empty").contains("nothing to import"),
        "{}",
        step("empty")
    );
    let catalog = step("catalog");
    assert!(
        catalog.contains("MUG-1 Harbour Mug")
            && catalog.contains("1350 9")
            && catalog.contains("TOTE-N"),
        "the mug updated to the file's price and stock, the tote made: {catalog}"
    );
    assert!(step("found tote").contains("TOTE-S") && step("found tote").contains("TOTE-N"));
    assert!(
        step("found by barcode").contains("TOTE-S") && !step("found by barcode").contains("TOTE-N")
    );
}
