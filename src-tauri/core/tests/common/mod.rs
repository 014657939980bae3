//! Shared fixtures for core's integration tests: a fresh shop on a temporary database.
#![allow(dead_code)] // each test binary uses its own subset

use shopdesk_core::catalog::product::{ProductDraft, VariantDraft};
use shopdesk_core::catalog::CatalogQuery;
use shopdesk_core::stock::StockAdjustment;
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
    let (shop, owner) =
        shopdesk_testkit::shop::open(dir.path(), "Corner Books", "ie", "EUR", clock.clone());
    Fixture {
        _dir: dir,
        clock,
        shop,
        owner,
    }
}

/// A staff member with one of the shop's roles, signed in.
pub fn staff(f: &Fixture, name: &str, role: &str, pin: &str) -> Session {
    shopdesk_testkit::shop::staff(&f.shop, &f.owner, name, role, pin)
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

pub fn variant(options: &[&str], sku: &str, barcode: &str, price: &str) -> VariantDraft {
    VariantDraft {
        options: options.iter().map(|s| s.to_string()).collect(),
        sku: sku.into(),
        barcode: barcode.into(),
        price: price.into(),
        ..VariantDraft::default()
    }
}

pub fn tee() -> ProductDraft {
    ProductDraft {
        title: "Organic Tee".into(),
        vendor: "Loom & Kiln".into(),
        product_type: "Apparel".into(),
        tags: "summer, cotton".into(),
        options: vec!["Size".into(), "Colour".into()],
        variants: vec![
            variant(&["S", "Sage"], "TEE-S-SAGE", "4006381333931", "24.00"),
            variant(&["M", "Sage"], "TEE-M-SAGE", "5901234123457", "24.00"),
            variant(&["M", "Ink"], "TEE-M-INK", "036000291452", "26.00"),
        ],
        ..ProductDraft::default()
    }
}

pub fn locations(f: &Fixture) -> (String, String) {
    let l = f.shop.locations(&f.owner).unwrap();
    (l[0].id.clone(), l[1].id.clone())
}

pub fn available(f: &Fixture, variant_id: &str, location_id: &str) -> (i64, i64, i64) {
    let l = f
        .shop
        .stock_levels(&f.owner, variant_id)
        .unwrap()
        .into_iter()
        .find(|l| l.location_id == location_id)
        .unwrap();
    (l.on_hand, l.committed, l.available)
}

pub fn adjust(f: &Fixture, variant_id: &str, location_id: &str, delta: i64) {
    f.shop
        .adjust_stock(
            &f.owner,
            StockAdjustment {
                variant_id: variant_id.into(),
                location_id: location_id.into(),
                delta,
                note: "test".into(),
            },
        )
        .unwrap();
}

pub fn count_products(f: &Fixture) -> u32 {
    f.shop
        .catalog(&f.owner, &CatalogQuery::default())
        .unwrap()
        .total
}
pub mod orders;
pub mod reports;
pub mod stations;

/// Sells one "TEE-M-SAGE" for cash at the open shift, to `customer` if given; returns the
/// receipt number.
pub fn sell_tee(shop: &Shop, owner: &Session, customer: Option<&str>) -> i64 {
    use shopdesk_core::sale::{SaleEdit, TenderDraft, TenderKind};
    let s = shop.new_sale(owner).unwrap();
    if let Some(id) = customer {
        shop.edit_sale(
            owner,
            &s.id,
            &SaleEdit::Customer {
                customer_id: Some(id.into()),
            },
            None,
        )
        .unwrap();
    }
    shop.edit_sale(
        owner,
        &s.id,
        &SaleEdit::Scan {
            code: "TEE-M-SAGE".into(),
        },
        None,
    )
    .unwrap();
    let cash = TenderDraft {
        kind: Some(TenderKind::Cash),
        ..TenderDraft::default()
    };
    shop.complete_sale(owner, &s.id, &[cash])
        .unwrap()
        .number
        .unwrap()
}

/// A customer made as at the counter.
pub fn new_customer(
    f: &Fixture,
    name: &str,
    email: &str,
    phone: &str,
) -> shopdesk_core::customer::Customer {
    f.shop
        .create_customer(
            &f.owner,
            &shopdesk_core::customer::CustomerDraft {
                name: name.into(),
                email: email.into(),
                phone: phone.into(),
            },
        )
        .unwrap()
}
