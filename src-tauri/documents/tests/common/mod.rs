//! The shop the documents tests print for: "Harbour Gifts" on a temporary database with a clock
//! fixed in November 2026, and stocked items at 12.30. The private CUPS scheduler and reading
//! PDFs back (poppler, zbar) come from the testkit.
#![allow(dead_code, unused_imports)] // each test binary uses its own subset

use shopdesk_core::{FixedClock, Session, Shop};
pub use shopdesk_testkit::cups::{self, run};
use std::path::Path;
use std::sync::Arc;

/// A new shop in `country` trading in `currency`, its owner signed in, and the clock it reads.
pub fn harbour_gifts(
    dir: &Path,
    country: &str,
    currency: &str,
) -> (Shop, Session, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::at(1_795_392_300_000));
    let (shop, owner) =
        shopdesk_testkit::shop::open(dir, "Harbour Gifts", country, currency, clock.clone());
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
    shopdesk_testkit::shop::stocked(shop, owner, title, sku, "12.30", bin, stock)
}
