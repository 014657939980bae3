//! The shop the documents tests (and the mail test, which includes this file with `#[path]`)
//! print for: "Harbour Gifts" on a temporary database with a clock fixed in November 2026, and
//! stocked items. Reading PDFs back (poppler, zbar) and the private CUPS scheduler come from
//! tests/print/cups.rs.
#![allow(dead_code, unused_imports)] // each test binary uses its own subset

#[path = "../../../../tests/print/cups.rs"]
pub mod cups;

pub use cups::run;
use shopdesk_core::catalog::product::{ProductDraft, VariantDraft};
use shopdesk_core::shop::NewShop;
use shopdesk_core::stock::StockAdjustment;
use shopdesk_core::{FixedClock, Session, Shop};
use std::path::Path;
use std::sync::Arc;

/// A new shop in `country` trading in `currency`, its owner signed in, and the clock it reads.
pub fn harbour_gifts(
    dir: &Path,
    country: &str,
    currency: &str,
) -> (Shop, Session, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::at(1_795_392_300_000));
    let shop = Shop::open(&dir.join("s.sqlite3"), clock.clone()).unwrap();
    let (owner, _) = shop
        .create_shop(NewShop {
            name: "Harbour Gifts".into(),
            currency: currency.into(),
            country: country.into(),
            owner_name: "Nora".into(),
            owner_pin: "2468".into(),
        })
        .unwrap();
    (shop, owner, clock)
}

/// A one-variant product at 12.30 (in bin `bin`) with `stock` units on the first location;
/// returns the variant's id.
pub fn stocked(
    shop: &Shop,
    owner: &Session,
    title: &str,
    sku: &str,
    bin: &str,
    stock: i64,
) -> String {
    let p = shop
        .create_product(
            owner,
            ProductDraft {
                title: title.into(),
                variants: vec![VariantDraft {
                    sku: sku.into(),
                    price: "12.30".into(),
                    bin: bin.into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .unwrap();
    let variant = p.variants[0].id.clone();
    let floor = shop.locations(owner).unwrap()[0].id.clone();
    shop.adjust_stock(
        owner,
        StockAdjustment {
            variant_id: variant.clone(),
            location_id: floor,
            delta: stock,
            note: "opening stock".into(),
        },
    )
    .unwrap();
    variant
}
