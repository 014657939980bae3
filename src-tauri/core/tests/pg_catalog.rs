//! The catalog reads the same on both engines: the demo shop, standalone and shared to a
//! private PostgreSQL, answers every list, filter, search and scan with the same page in the
//! same order — full-text search being FTS5 on one and a tsvector on the other.

mod common;

use shopdesk_core::catalog::product::ProductStatus;
use shopdesk_core::catalog::CatalogQuery;

#[test]
fn every_catalog_read_gives_the_same_page_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        station,
        shared: _server,
    } = common::stations::demo_pair(dir.path(), 0, 0);

    let all = standalone
        .catalog(
            &owner,
            &CatalogQuery {
                limit: Some(500),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(all.total > 300, "the demo catalog, {} variants", all.total);
    let some = &all.items[17];
    let q = |text: &str| CatalogQuery {
        text: Some(text.into()),
        ..Default::default()
    };
    let mut queries = vec![
        CatalogQuery::default(),
        CatalogQuery {
            limit: Some(500),
            ..Default::default()
        },
        CatalogQuery {
            offset: Some(150),
            limit: Some(40),
            ..Default::default()
        },
        q("mug"),
        q("MUG"),
        q("sea blue"),
        q("stone mu"),
        q(&some.sku),
        q(&some.sku.to_lowercase()),
        q(&some.barcode),
        q(&some.sku[..4]),
        q("nothing-like-this"),
        q("o'brien \"quoted\" back\\slash: colon"),
        CatalogQuery {
            vendor: Some(some.vendor.to_uppercase()),
            ..Default::default()
        },
        CatalogQuery {
            status: Some(ProductStatus::Active),
            limit: Some(500),
            ..Default::default()
        },
        CatalogQuery {
            low_stock: true,
            limit: Some(500),
            ..Default::default()
        },
        CatalogQuery {
            text: Some("m".into()),
            low_stock: true,
            ..Default::default()
        },
    ];
    let facets = standalone.catalog_facets(&owner).unwrap();
    assert_eq!(facets, station.catalog_facets(&owner).unwrap());
    for t in facets.product_types.iter().take(3) {
        queries.push(CatalogQuery {
            product_type: Some(t.clone()),
            ..Default::default()
        });
    }
    for query in &queries {
        let here = standalone.catalog(&owner, query).unwrap();
        let there = station.catalog(&owner, query).unwrap();
        assert_eq!(here, there, "{query:?}");
    }
    // The searches above found things, so equal pages are not two empty ones.
    assert!(standalone.catalog(&owner, &q("sea blue")).unwrap().total > 0);
    assert!(standalone.catalog(&owner, &q("stone mu")).unwrap().total > 0);

    for code in [
        some.sku.clone(),
        some.sku.to_lowercase(),
        some.barcode.clone(),
        "404".into(),
    ] {
        assert_eq!(
            standalone.lookup(&owner, &code).unwrap(),
            station.lookup(&owner, &code).unwrap(),
            "{code}"
        );
    }
    assert_eq!(
        station
            .lookup(&owner, &some.barcode)
            .unwrap()
            .unwrap()
            .variant_id,
        some.variant_id
    );
}
