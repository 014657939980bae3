//! The catalog end to end: variant grids, barcodes, search, filters and scanner lookup.

mod common;

use common::{adjust, count_products, draft, locations, new_shop, tee, variant};
use shopdesk_core::catalog::product::{ProductDraft, ProductEdit, VariantDraft};
use shopdesk_core::catalog::CatalogQuery;
use shopdesk_core::stock::ReorderRule;

#[test]
fn a_product_with_options_is_saved_as_a_variant_grid() {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    assert_eq!(p.handle, "organic-tee");
    assert_eq!(p.options, ["Size", "Colour"]);
    assert_eq!(p.tags, ["summer", "cotton"]);
    assert_eq!(
        p.variants
            .iter()
            .map(|v| v.title.as_str())
            .collect::<Vec<_>>(),
        ["S / Sage", "M / Sage", "M / Ink"]
    );
    // A second product with the same title gets its own handle.
    let mut again = tee();
    for v in &mut again.variants {
        v.sku.push('2');
        v.barcode.clear();
    }
    assert_eq!(
        f.shop.create_product(&f.owner, again).unwrap().handle,
        "organic-tee-2"
    );
}

#[test]
fn bad_grids_are_refused_whole_with_a_reason() {
    let f = new_shop();
    f.shop.create_product(&f.owner, tee()).unwrap();
    let before = count_products(&f);
    type Change = Box<dyn Fn(&mut ProductDraft)>;
    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "duplicate combination",
            Box::new(|d| d.variants[1].options = vec!["S".into(), "Sage".into()]),
            "both 'S / Sage'",
        ),
        (
            "missing option value",
            Box::new(|d| d.variants[0].options.pop().map(|_| ()).unwrap()),
            "needs a value for each option",
        ),
        (
            "bad check digit",
            Box::new(|d| d.variants[0].barcode = "4006381333932".into()),
            "check digit",
        ),
        (
            "four options",
            Box::new(|d| d.options = vec!["A".into(), "B".into(), "C".into(), "D".into()]),
            "at most three",
        ),
        (
            "same SKU twice",
            Box::new(|d| d.variants[1].sku = "new-1".into()),
            "used by two variants",
        ),
        (
            "no variants",
            Box::new(|d| d.variants.clear()),
            "at least one variant",
        ),
        (
            "bad weight",
            Box::new(|d| d.variants[0].weight = "heavy".into()),
            "not a weight",
        ),
    ];
    for (what, change, reason) in cases {
        let mut d = tee();
        for v in &mut d.variants {
            v.sku = format!("NEW-{}", v.sku);
            v.barcode.clear();
        }
        d.variants[0].sku = "NEW-1".into();
        change(&mut d);
        let err = f.shop.create_product(&f.owner, d).unwrap_err();
        assert_eq!(err.code(), shopdesk_core::ErrorCode::Invalid, "{what}");
        assert!(err.to_string().contains(reason), "{what}: {err}");
    }
    // A SKU or barcode another product holds: a conflict naming it.
    let mut d = tee();
    d.variants.truncate(1);
    d.variants[0].sku = "fresh".into();
    let err = f.shop.create_product(&f.owner, d).unwrap_err();
    assert_eq!(err.code(), shopdesk_core::ErrorCode::Conflict);
    assert!(
        err.to_string()
            .contains("barcode 4006381333931 is already used by 'Organic Tee'"),
        "{err}"
    );
    assert_eq!(count_products(&f), before, "nothing half-written");
}

#[test]
fn editing_the_grid_updates_adds_and_removes_variants_and_keeps_history() {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let (floor, _) = locations(&f);
    adjust(&f, &p.variants[2].id, &floor, 3);

    let edit = |changes: &dyn Fn(&mut ProductDraft)| {
        let mut d = tee();
        for (v, old) in d.variants.iter_mut().zip(&p.variants) {
            v.id = Some(old.id.clone());
        }
        changes(&mut d);
        f.shop.update_product(
            &f.owner,
            ProductEdit {
                id: p.id.clone(),
                product: d,
            },
        )
    };
    // Change a price, swap two SKUs (never trips the unique index), add L / Sage, drop S / Sage.
    let saved = edit(&|d| {
        d.variants[1].price = "25.50".into();
        d.variants[1].sku = "TEE-M-INK".into();
        d.variants[2].sku = "TEE-M-SAGE".into();
        d.variants.remove(0);
        d.variants
            .push(variant(&["L", "Sage"], "TEE-L-SAGE", "", "24"));
    })
    .unwrap();
    assert_eq!(
        saved
            .variants
            .iter()
            .map(|v| (v.title.as_str(), v.sku.as_str(), v.price.minor()))
            .collect::<Vec<_>>(),
        [
            ("M / Sage", "TEE-M-INK", 2550),
            ("M / Ink", "TEE-M-SAGE", 2600),
            ("L / Sage", "TEE-L-SAGE", 2400)
        ]
    );
    assert_eq!(
        saved.variants[1].id, p.variants[2].id,
        "edited in place, stock kept"
    );
    assert_eq!(saved.variants[1].on_hand, 3);
    let history = f.shop.product_history(&f.owner, &p.id).unwrap();
    assert_eq!(history[0].detail["variant S / Sage"], "removed");
    assert_eq!(history[0].detail["variant L / Sage"], "added");

    // A variant with stock history cannot be dropped; nothing else in that save happens.
    let err = f
        .shop
        .update_product(
            &f.owner,
            ProductEdit {
                id: p.id.clone(),
                product: ProductDraft {
                    title: "Renamed".into(),
                    options: vec!["Size".into(), "Colour".into()],
                    variants: vec![VariantDraft {
                        id: Some(saved.variants[0].id.clone()),
                        ..variant(&["M", "Sage"], "X", "", "1")
                    }],
                    ..ProductDraft::default()
                },
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), shopdesk_core::ErrorCode::Conflict, "{err}");
    assert_eq!(f.shop.product(&f.owner, &p.id).unwrap(), saved);
}

#[test]
fn search_filters_and_scanner_lookup() {
    let f = new_shop();
    let t = f.shop.create_product(&f.owner, tee()).unwrap();
    let mut mug = draft("Stoneware Mug", "MUG-1", "18");
    mug.vendor = "Harbour & Pine".into();
    mug.tags = "kitchen".into();
    mug.variants[0].barcode = "96385074".into();
    f.shop.create_product(&f.owner, mug).unwrap();
    let find = |q: CatalogQuery| -> Vec<String> {
        f.shop
            .catalog(&f.owner, &q)
            .unwrap()
            .items
            .into_iter()
            .map(|v| v.sku)
            .collect()
    };
    let text = |s: &str| CatalogQuery {
        text: Some(s.into()),
        ..Default::default()
    };
    assert_eq!(
        find(text("tee ink")),
        ["TEE-M-INK"],
        "title and option value"
    );
    assert_eq!(
        find(text("loom")),
        ["TEE-S-SAGE", "TEE-M-SAGE", "TEE-M-INK"],
        "vendor"
    );
    assert_eq!(find(text("kitch")), ["MUG-1"], "tag prefix");
    assert_eq!(find(text("5901234123457")), ["TEE-M-SAGE"], "barcode");
    assert_eq!(find(text("tee-m-sage"))[0], "TEE-M-SAGE", "exact SKU first");
    assert_eq!(
        find(CatalogQuery {
            vendor: Some("harbour & pine".into()),
            ..Default::default()
        }),
        ["MUG-1"]
    );
    assert_eq!(
        find(CatalogQuery {
            tag: Some("Cotton".into()),
            ..Default::default()
        })
        .len(),
        3
    );
    assert_eq!(
        find(CatalogQuery {
            tag: Some("cot".into()),
            ..Default::default()
        })
        .len(),
        0,
        "tags match whole"
    );
    assert_eq!(
        find(CatalogQuery {
            product_type: Some("apparel".into()),
            ..Default::default()
        })
        .len(),
        3
    );

    // Renaming the product re-indexes its variants.
    let mut d = tee();
    for (v, old) in d.variants.iter_mut().zip(&t.variants) {
        v.id = Some(old.id.clone());
    }
    d.title = "Heavyweight Shirt".into();
    f.shop
        .update_product(
            &f.owner,
            ProductEdit {
                id: t.id.clone(),
                product: d,
            },
        )
        .unwrap();
    assert!(find(text("organic")).is_empty());
    assert_eq!(find(text("heavyweight")).len(), 3);

    // Scanner lookup: SKU in any case, EAN-8, and a UPC-A stored as 12 digits scanned as EAN-13.
    let look = |code: &str| f.shop.lookup(&f.owner, code).unwrap().map(|v| v.sku);
    assert_eq!(look("mug-1").as_deref(), Some("MUG-1"));
    assert_eq!(look("96385074").as_deref(), Some("MUG-1"));
    assert_eq!(look("0036000291452").as_deref(), Some("TEE-M-INK"));
    assert_eq!(look("nope"), None);

    // Low stock: at or below the reorder point.
    let (floor, _) = locations(&f);
    let ink = &t.variants[2].id;
    f.shop
        .set_reorder_rule(
            &f.owner,
            ReorderRule {
                variant_id: ink.clone(),
                location_id: floor.clone(),
                reorder_point: Some(2),
                reorder_qty: Some(10),
            },
        )
        .unwrap();
    let low = CatalogQuery {
        low_stock: true,
        ..Default::default()
    };
    let listed = |sku: &str| find(low.clone()).iter().any(|s| s == sku);
    assert!(listed("TEE-M-INK"));
    adjust(&f, ink, &floor, 3);
    assert!(!listed("TEE-M-INK"), "above its rule's point");
    // Without a rule, a variant is low at LOW_WITHOUT_RULE or fewer: one never stocked is.
    let other = t.variants[0].sku.clone();
    assert!(listed(&other));
    adjust(&f, &t.variants[0].id, &floor, 2);
    assert!(!listed(&other));
}

#[test]
fn a_broad_search_is_capped_and_listed_without_sorting_everything() {
    let f = new_shop();
    let big = ProductDraft {
        title: "Button assortment".into(),
        options: vec!["Style".into()],
        variants: (0..1001)
            .map(|i| variant(&[&format!("B{i}")], &format!("BTN-{i}"), "", "0.10"))
            .collect(),
        ..ProductDraft::default()
    };
    f.shop.create_product(&f.owner, big).unwrap();
    let page = f
        .shop
        .catalog(
            &f.owner,
            &CatalogQuery {
                text: Some("button".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        (page.total, page.capped, page.items.len()),
        (1000, true, 100)
    );
    assert_eq!(page.items[0].sku, "BTN-0", "in catalog order");
    let next = f
        .shop
        .catalog(
            &f.owner,
            &CatalogQuery {
                text: Some("button".into()),
                offset: Some(100),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(next.items[0].sku, "BTN-100");
    let narrow = f
        .shop
        .catalog(
            &f.owner,
            &CatalogQuery {
                text: Some("btn-1000".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!((narrow.total, narrow.capped), (1, false));
    let all = f.shop.catalog(&f.owner, &CatalogQuery::default()).unwrap();
    assert_eq!(
        (all.total, all.capped),
        (1001, false),
        "the plain list counts everything"
    );
}
