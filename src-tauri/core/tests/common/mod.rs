//! Shared fixtures for core's integration tests: a fresh shop on a temporary database.
#![allow(dead_code)] // each test binary uses its own subset

use shopdesk_core::product::{ProductDraft, VariantDraft};
use shopdesk_core::shop::NewShop;
use shopdesk_core::{FixedClock, Session, Shop};
use std::sync::Arc;

pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub clock: Arc<FixedClock>,
    pub shop: Shop,
    pub owner: Session,
}

pub fn new_shop() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(1_790_000_000_000));
    let shop = Shop::open(&dir.path().join("shop.sqlite3"), clock.clone()).unwrap();
    let (owner, _) = shop
        .create_shop(NewShop {
            name: "Corner Books".into(),
            currency: "EUR".into(),
            country: "ie".into(),
            owner_name: "Nora".into(),
            owner_pin: "2468".into(),
        })
        .unwrap();
    Fixture {
        _dir: dir,
        clock,
        shop,
        owner,
    }
}

pub fn draft(title: &str, sku: &str, price: &str) -> ProductDraft {
    ProductDraft {
        title: title.into(),
        variants: vec![VariantDraft {
            sku: sku.into(),
            price: price.into(),
            ..VariantDraft::default()
        }],
        ..ProductDraft::default()
    }
}
