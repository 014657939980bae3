//! Catalog and inventory end to end: variant grids, barcodes, search, the stock ledger, transfers,
//! purchase orders with moving-average cost, stocktakes and the Shopify CSV round trip.

mod common;

use common::{draft, new_shop, Fixture};
use shopdesk_core::catalog::CatalogQuery;
use shopdesk_core::product::{ProductDraft, ProductEdit, VariantDraft};
use shopdesk_core::purchase::{
    PurchaseDraft, PurchaseLineDraft, PurchaseReceipt, PurchaseStatus, ReceiptLine, SupplierDraft,
    SupplierItemDraft,
};
use shopdesk_core::stock::{ReorderRule, StockAdjustment, TransferDraft, TransferLineDraft};
use shopdesk_core::stocktake::{CountEntry, CountScan};

fn variant(options: &[&str], sku: &str, barcode: &str, price: &str) -> VariantDraft {
    VariantDraft {
        options: options.iter().map(|s| s.to_string()).collect(),
        sku: sku.into(),
        barcode: barcode.into(),
        price: price.into(),
        ..VariantDraft::default()
    }
}

fn tee() -> ProductDraft {
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

fn locations(f: &Fixture) -> (String, String) {
    let l = f.shop.locations(&f.owner).unwrap();
    (l[0].id.clone(), l[1].id.clone())
}

fn available(f: &Fixture, variant_id: &str, location_id: &str) -> (i64, i64, i64) {
    let l = f
        .shop
        .stock_levels(&f.owner, variant_id)
        .unwrap()
        .into_iter()
        .find(|l| l.location_id == location_id)
        .unwrap();
    (l.on_hand, l.committed, l.available)
}

fn adjust(f: &Fixture, variant_id: &str, location_id: &str, delta: i64) {
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

fn count_products(f: &Fixture) -> u32 {
    f.shop
        .catalog(&f.owner, &CatalogQuery::default())
        .unwrap()
        .total
}

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
        assert_eq!(err.code(), "invalid", "{what}");
        assert!(err.to_string().contains(reason), "{what}: {err}");
    }
    // A SKU or barcode another product holds: a conflict naming it.
    let mut d = tee();
    d.variants.truncate(1);
    d.variants[0].sku = "fresh".into();
    let err = f.shop.create_product(&f.owner, d).unwrap_err();
    assert_eq!(err.code(), "conflict");
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
    assert_eq!(err.code(), "conflict", "{err}");
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
    assert_eq!(find(low.clone()), ["TEE-M-INK"]);
    adjust(&f, ink, &floor, 3);
    assert!(find(low).is_empty());
}

#[test]
fn the_ledger_derives_levels_and_is_append_only() {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let v = &p.variants[0].id;
    let (floor, back) = locations(&f);
    adjust(&f, v, &floor, 10);
    adjust(&f, v, &back, 4);
    adjust(&f, v, &floor, -3);
    assert_eq!(available(&f, v, &floor), (7, 0, 7));
    // Taking out more than is there is refused, with the level in the message.
    let err = f
        .shop
        .adjust_stock(
            &f.owner,
            StockAdjustment {
                variant_id: v.clone(),
                location_id: back.clone(),
                delta: -5,
                note: "lost".into(),
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("only 4"), "{err}");
    let err = f
        .shop
        .adjust_stock(
            &f.owner,
            StockAdjustment {
                variant_id: v.clone(),
                location_id: back.clone(),
                delta: 1,
                note: " ".into(),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "invalid", "a reason is required");

    // Transfers: out of the sender at once, into the receiver when received.
    let t = f
        .shop
        .send_transfer(
            &f.owner,
            TransferDraft {
                from_id: floor.clone(),
                to_id: back.clone(),
                lines: vec![TransferLineDraft {
                    variant_id: v.clone(),
                    qty: 5,
                }],
            },
        )
        .unwrap();
    assert_eq!(
        (available(&f, v, &floor).0, available(&f, v, &back).0),
        (2, 4)
    );
    f.shop.receive_transfer(&f.owner, &t.id).unwrap();
    assert_eq!(
        (available(&f, v, &floor).0, available(&f, v, &back).0),
        (2, 9)
    );
    assert_eq!(
        f.shop.receive_transfer(&f.owner, &t.id).unwrap_err().code(),
        "conflict",
        "received once"
    );
    let err = f
        .shop
        .send_transfer(
            &f.owner,
            TransferDraft {
                from_id: floor.clone(),
                to_id: back.clone(),
                lines: vec![TransferLineDraft {
                    variant_id: v.clone(),
                    qty: 3,
                }],
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("only 2"), "{err}");

    let moves = f.shop.stock_moves(&f.owner, v, 100).unwrap();
    assert_eq!(moves.len(), 5);
    assert_eq!(moves[0].doc_type, "transfer");
    assert_eq!(moves.iter().map(|m| m.on_hand_delta).sum::<i64>(), 11);
    let total: i64 = f
        .shop
        .stock_levels(&f.owner, v)
        .unwrap()
        .iter()
        .map(|l| l.on_hand)
        .sum();
    assert_eq!(total, 11, "levels equal the sum of the ledger");

    // No code path can rewrite history: the database itself refuses.
    let conn = rusqlite::Connection::open(f.shop.db_path()).unwrap();
    let err = conn
        .execute("UPDATE stock_move SET on_hand_delta = 100", [])
        .unwrap_err();
    assert!(err.to_string().contains("never changed"), "{err}");
    assert!(conn.execute("DELETE FROM stock_move", []).is_err());
}

#[test]
fn receiving_a_purchase_order_moves_stock_and_the_average_cost() {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let (floor, back) = locations(&f);
    let (a, b) = (p.variants[0].id.clone(), p.variants[1].id.clone());
    let supplier = f
        .shop
        .save_supplier(
            &f.owner,
            SupplierDraft {
                name: "Cotton Co".into(),
                email: "orders@cotton.example".into(),
                lead_days: 7,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        f.shop
            .save_supplier(
                &f.owner,
                SupplierDraft {
                    name: "x".into(),
                    email: "not mail".into(),
                    ..Default::default()
                }
            )
            .unwrap_err()
            .code(),
        "invalid"
    );
    f.shop
        .set_supplier_item(
            &f.owner,
            SupplierItemDraft {
                supplier_id: supplier.id.clone(),
                variant_id: a.clone(),
                supplier_sku: "CC-1".into(),
                cost: "2.00".into(),
            },
        )
        .unwrap();

    // 10 on hand at 2.00 already.
    let po = f
        .shop
        .create_purchase_order(
            &f.owner,
            PurchaseDraft {
                supplier_id: supplier.id.clone(),
                location_id: back.clone(),
                note: String::new(),
                lines: vec![PurchaseLineDraft {
                    variant_id: a.clone(),
                    qty: 10,
                    unit_cost: String::new(),
                }],
            },
        )
        .unwrap();
    assert_eq!(
        po.lines[0].unit_cost.minor(),
        200,
        "the supplier's cost is the default"
    );
    assert_eq!(po.lines[0].supplier_sku, "CC-1");
    let receipt = |po_id: &str, lines: Vec<(&str, i64)>| PurchaseReceipt {
        po_id: po_id.into(),
        lines: lines
            .into_iter()
            .map(|(v, q)| ReceiptLine {
                variant_id: v.into(),
                qty: q,
            })
            .collect(),
    };
    assert_eq!(
        f.shop
            .receive_purchase(&f.owner, receipt(&po.id, vec![(&a, 1)]))
            .unwrap_err()
            .code(),
        "conflict",
        "a draft is not received"
    );
    f.shop.send_purchase_order(&f.owner, &po.id).unwrap();
    let po = f
        .shop
        .receive_purchase(&f.owner, receipt(&po.id, vec![(&a, 10)]))
        .unwrap();
    assert_eq!(po.status, PurchaseStatus::Received);

    // Then 30 more at 3.00, received half now.
    let po2 = f
        .shop
        .create_purchase_order(
            &f.owner,
            PurchaseDraft {
                supplier_id: supplier.id.clone(),
                location_id: floor.clone(),
                note: String::new(),
                lines: vec![
                    PurchaseLineDraft {
                        variant_id: a.clone(),
                        qty: 30,
                        unit_cost: "3.00".into(),
                    },
                    PurchaseLineDraft {
                        variant_id: b.clone(),
                        qty: 4,
                        unit_cost: "5".into(),
                    },
                ],
            },
        )
        .unwrap();
    f.shop.send_purchase_order(&f.owner, &po2.id).unwrap();
    let half = f
        .shop
        .receive_purchase(&f.owner, receipt(&po2.id, vec![(&a, 10), (&a, 5), (&b, 2)]))
        .unwrap();
    assert_eq!(half.status, PurchaseStatus::Partial);
    let line = half.lines.iter().find(|l| l.variant_id == a).unwrap();
    assert_eq!((line.qty_ordered, line.qty_received), (30, 15));
    // (10 × 2.00 + 15 × 3.00) / 25 = 2.60
    let cost = f.shop.product(&f.owner, &p.id).unwrap().variants[0]
        .cost
        .unwrap()
        .minor();
    assert_eq!(cost, 260);
    assert_eq!(available(&f, &a, &floor).0, 15);
    let err = f
        .shop
        .receive_purchase(&f.owner, receipt(&po2.id, vec![(&a, 16)]))
        .unwrap_err();
    assert!(err.to_string().contains("only 15 still expected"), "{err}");
    let err = f
        .shop
        .receive_purchase(&f.owner, receipt(&po2.id, vec![(&p.variants[2].id, 1)]))
        .unwrap_err();
    assert!(err.to_string().contains("is not on PO"), "{err}");
    let closed = f.shop.close_purchase_order(&f.owner, &po2.id).unwrap();
    assert_eq!(closed.status, PurchaseStatus::Closed);

    // Valuation at cost: 25 × 2.60 + 2 × 5.00
    let report = f.shop.stock_report(&f.owner, None).unwrap();
    assert_eq!(report.total_value.minor(), 25 * 260 + 2 * 500);
}

#[test]
fn restock_turns_low_stock_into_draft_orders_per_supplier() {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let (floor, _) = locations(&f);
    let s1 = f
        .shop
        .save_supplier(
            &f.owner,
            SupplierDraft {
                name: "Cheap".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let s2 = f
        .shop
        .save_supplier(
            &f.owner,
            SupplierDraft {
                name: "Dear".into(),
                ..Default::default()
            },
        )
        .unwrap();
    for (s, cost) in [(&s1, "1.00"), (&s2, "2.00")] {
        f.shop
            .set_supplier_item(
                &f.owner,
                SupplierItemDraft {
                    supplier_id: s.id.clone(),
                    variant_id: p.variants[0].id.clone(),
                    supplier_sku: String::new(),
                    cost: cost.into(),
                },
            )
            .unwrap();
    }
    for v in &p.variants[..2] {
        f.shop
            .set_reorder_rule(
                &f.owner,
                ReorderRule {
                    variant_id: v.id.clone(),
                    location_id: floor.clone(),
                    reorder_point: Some(5),
                    reorder_qty: Some(12),
                },
            )
            .unwrap();
    }
    adjust(&f, &p.variants[0].id, &floor, 2);
    let r = f.shop.restock(&f.owner).unwrap();
    assert_eq!(r.orders.len(), 1);
    assert_eq!(r.orders[0].supplier, "Cheap", "the cheapest supplier");
    assert_eq!(r.orders[0].lines[0].qty_ordered, 12);
    assert_eq!(r.orders[0].status, PurchaseStatus::Draft);
    assert_eq!(r.without_supplier, ["Organic Tee (M / Sage)"]);
    assert!(
        f.shop.restock(&f.owner).unwrap().orders.is_empty(),
        "already on order"
    );
}

#[test]
fn a_stocktake_counts_by_scan_reports_variance_and_applies_once() {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let (floor, back) = locations(&f);
    let (a, b) = (&p.variants[0], &p.variants[1]);
    adjust(&f, &a.id, &floor, 5);
    adjust(&f, &b.id, &floor, 2);
    adjust(&f, &b.id, &back, 7);
    let mut d = tee();
    for (v, old) in d.variants.iter_mut().zip(&p.variants) {
        v.id = Some(old.id.clone());
        v.cost = "4.00".into();
    }
    f.shop
        .update_product(
            &f.owner,
            ProductEdit {
                id: p.id.clone(),
                product: d,
            },
        )
        .unwrap();

    let st = f.shop.start_stocktake(&f.owner, &floor).unwrap();
    assert_eq!(
        f.shop.start_stocktake(&f.owner, &floor).unwrap_err().code(),
        "conflict",
        "one open count per location"
    );
    for _ in 0..4 {
        f.shop
            .count_scan(
                &f.owner,
                CountScan {
                    stocktake_id: st.id.clone(),
                    code: a.barcode.clone(),
                },
            )
            .unwrap();
    }
    f.shop
        .count_scan(
            &f.owner,
            CountScan {
                stocktake_id: st.id.clone(),
                code: "tee-m-sage".into(),
            },
        )
        .unwrap();
    let err = f
        .shop
        .count_scan(
            &f.owner,
            CountScan {
                stocktake_id: st.id.clone(),
                code: "999".into(),
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("no item has the code '999'"));
    let typed = f
        .shop
        .set_count(
            &f.owner,
            CountEntry {
                stocktake_id: st.id.clone(),
                variant_id: b.id.clone(),
                counted: 2,
            },
        )
        .unwrap();
    let line_a = typed.lines.iter().find(|l| l.variant_id == a.id).unwrap();
    assert_eq!(
        (line_a.expected, line_a.counted, line_a.variance),
        (5, 4, -1)
    );
    assert_eq!(line_a.variance_value.minor(), -400);
    assert_eq!(typed.net_variance, -1);

    let applied = f.shop.apply_stocktake(&f.owner, &st.id).unwrap();
    assert_eq!(available(&f, &a.id, &floor).0, 4);
    assert_eq!(
        available(&f, &b.id, &back).0,
        7,
        "other locations are untouched"
    );
    assert_eq!(p.variants[2].on_hand, 0);
    let line_a = applied.lines.iter().find(|l| l.variant_id == a.id).unwrap();
    assert_eq!(
        (line_a.expected, line_a.variance),
        (5, -1),
        "the report still reads as counted"
    );
    assert_eq!(
        f.shop.apply_stocktake(&f.owner, &st.id).unwrap_err().code(),
        "conflict"
    );
    let moves = f.shop.stock_moves(&f.owner, &a.id, 10).unwrap();
    assert_eq!(
        (moves[0].doc_type.as_str(), moves[0].on_hand_delta),
        ("stocktake", -1)
    );
    assert_eq!(
        f.shop.stock_moves(&f.owner, &b.id, 10).unwrap()[0].doc_type,
        "",
        "b had no variance: no move"
    );
}

#[test]
fn a_clerk_cannot_move_stock() {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let (floor, _) = locations(&f);
    let clerk = {
        let role = f
            .shop
            .roles(&f.owner)
            .unwrap()
            .into_iter()
            .find(|r| r.name == "Clerk")
            .unwrap();
        let m = f
            .shop
            .create_staff(
                &f.owner,
                shopdesk_core::staff::NewStaff {
                    name: "Jo".into(),
                    role_id: role.id,
                    pin: "3333".into(),
                },
            )
            .unwrap();
        f.shop.sign_in(&m.id, "3333").unwrap().0
    };
    let err = f
        .shop
        .adjust_stock(
            &clerk,
            StockAdjustment {
                variant_id: p.variants[0].id.clone(),
                location_id: floor,
                delta: 1,
                note: "x".into(),
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "forbidden");
    assert!(
        f.shop.lookup(&clerk, "TEE-S-SAGE").unwrap().is_some(),
        "but can look items up"
    );
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
