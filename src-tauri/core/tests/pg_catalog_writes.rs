//! A product's life is the same on both engines: made with a variant grid, refused for a taken
//! SKU or barcode with the same words, edited (rows swapped, one added, one removed), given an
//! in-store barcode, found by the catalog search and its history read — on the standalone shop
//! and on a station of the shared one, which then hold the same product.

mod common;

use shopdesk_core::catalog::product::{Product, ProductDraft, ProductEdit, VariantDraft};
use shopdesk_core::catalog::CatalogQuery;
use shopdesk_core::{Session, Shop};

fn variant(size: &str, sku: &str, price: &str) -> VariantDraft {
    VariantDraft {
        options: vec![size.into()],
        sku: sku.into(),
        price: price.into(),
        tax_class: "standard".into(),
        ..Default::default()
    }
}

/// The product as its screen shows it, its ids and times aside (each shop made its own).
fn shown(p: &Product) -> String {
    let variants: Vec<String> = p
        .variants
        .iter()
        .map(|v| {
            format!(
                "{} {} {} {} {:?} {}",
                v.position, v.title, v.sku, v.barcode, v.price, v.available
            )
        })
        .collect();
    format!(
        "{} {} {:?} {:?} {:?} {:?}",
        p.handle, p.title, p.tags, p.options, p.images, variants
    )
}

/// The same product's life on `shop`: what it ends as, each refusal's code and words, and its
/// history's actions.
fn life(shop: &Shop, owner: &Session) -> (String, Vec<String>, Vec<String>) {
    let mut refused = Vec::new();
    let draft = ProductDraft {
        title: "Harbour Scarf".into(),
        vendor: "Aran Mills".into(),
        tags: "wool, winter".into(),
        options: vec!["Size".into()],
        images: vec!["https://img.example/scarf.jpg".into()],
        variants: vec![
            variant("Small", "SCARF-S", "24.00"),
            variant("Large", "SCARF-L", "28.00"),
        ],
        ..Default::default()
    };
    let made = shop.create_product(owner, draft.clone()).unwrap();
    // A second with the same SKU, then one whose barcode another product holds.
    let taken = shop.create_product(owner, draft.clone()).unwrap_err();
    refused.push(format!("{:?} {taken}", taken.code()));
    let barcode = shop.new_in_store_barcode(owner).unwrap();
    assert!(barcode.starts_with('2') && barcode.len() == 13, "{barcode}");
    let mut with_code = variant("One size", "GLOVE-1", "12.00");
    with_code.barcode = barcode.clone();
    shop.create_product(
        owner,
        ProductDraft {
            title: "Harbour Gloves".into(),
            options: vec!["Size".into()],
            variants: vec![with_code],
            ..Default::default()
        },
    )
    .unwrap();
    // The grid edited: the two rows' SKUs swapped, a row added with a taken barcode (refused,
    // nothing kept), then without it.
    let mut edit = ProductDraft {
        tags: "wool, winter, gift".into(),
        ..draft
    };
    edit.variants = made
        .variants
        .iter()
        .map(|v| VariantDraft {
            id: Some(v.id.clone()),
            sku: if v.sku == "SCARF-S" {
                "SCARF-L"
            } else {
                "SCARF-S"
            }
            .into(),
            ..variant(&v.title, "", "26.00")
        })
        .collect();
    let mut medium = variant("Medium", "SCARF-M", "26.00");
    medium.barcode = barcode;
    edit.variants.push(medium);
    let e = shop
        .update_product(
            owner,
            ProductEdit {
                id: made.id.clone(),
                product: edit.clone(),
            },
        )
        .unwrap_err();
    refused.push(format!("{:?} {e}", e.code()));
    edit.variants[2].barcode.clear();
    shop.update_product(
        owner,
        ProductEdit {
            id: made.id.clone(),
            product: edit.clone(),
        },
    )
    .unwrap();
    // The large one goes (it never moved stock).
    edit.variants.remove(1);
    let after = shop
        .update_product(
            owner,
            ProductEdit {
                id: made.id.clone(),
                product: edit,
            },
        )
        .unwrap();
    assert_eq!(shop.product(owner, &made.id).unwrap(), after);
    let found = shop
        .catalog(
            owner,
            &CatalogQuery {
                text: Some("harbour scarf".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(found.items.len(), 2, "both sizes found by the search");
    let history = shop
        .product_history(owner, &made.id)
        .unwrap()
        .into_iter()
        .map(|h| h.action)
        .collect();
    (shown(&after), refused, history)
}

#[test]
fn a_products_life_is_the_same_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let pair = common::stations::demo_pair(dir.path(), 0, 0);
    let on_file = life(&pair.standalone, &pair.owner);
    let on_server = life(&pair.station, &pair.owner);
    assert_eq!(
        on_file.1,
        [
            "Conflict SKU 'SCARF-S' is already used by 'Harbour Scarf'",
            "Conflict barcode 2000000000015 is already used by 'Harbour Gloves'",
        ]
        .map(String::from)
    );
    assert_eq!(
        on_file.2,
        ["product_updated", "product_updated", "product_created"].map(String::from)
    );
    assert_eq!(on_server, on_file);
}
