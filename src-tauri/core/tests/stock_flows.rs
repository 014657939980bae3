//! Stock end to end: the ledger and its levels, transfers, purchase orders with moving-average
//! cost, restock, stocktakes, and who may move stock.

mod common;

use common::{adjust, available, locations, new_shop, staff, tee};
use shopdesk_core::catalog::product::ProductEdit;
use shopdesk_core::stock::purchase::{
    PurchaseDraft, PurchaseLineDraft, PurchaseReceipt, PurchaseStatus, ReceiptLine, SupplierDraft,
    SupplierItemDraft,
};
use shopdesk_core::stock::stocktake::{CountEntry, CountScan};
use shopdesk_core::stock::transfer::{TransferDraft, TransferLineDraft};
use shopdesk_core::stock::{ReorderRule, StockAdjustment};
use shopdesk_core::Error;

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
    assert!(
        matches!(err, Error::NotEnoughStock { available: 4, .. }),
        "{err:?}"
    );
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
    assert_eq!(
        err.code(),
        shopdesk_core::ErrorCode::Invalid,
        "a reason is required"
    );

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
        shopdesk_core::ErrorCode::Conflict,
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
    assert!(
        matches!(err, Error::NotEnoughStock { available: 2, .. }),
        "{err:?}"
    );

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
        shopdesk_core::ErrorCode::Invalid
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
        shopdesk_core::ErrorCode::Conflict,
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
        shopdesk_core::ErrorCode::Conflict,
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
    assert!(matches!(&err, Error::UnknownCode { code } if code == "999"));
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
        shopdesk_core::ErrorCode::Conflict
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
    let clerk = staff(&f, "Jo", "Clerk", "3333");
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
    assert_eq!(err.code(), shopdesk_core::ErrorCode::Forbidden);
    assert!(
        f.shop.lookup(&clerk, "TEE-S-SAGE").unwrap().is_some(),
        "but can look items up"
    );
}

#[test]
fn items_at_zero_and_without_rules_are_not_missed() {
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let (floor, back) = locations(&f);
    let (sold_out, one_left, never) = (&p.variants[0].id, &p.variants[1].id, &p.variants[2].id);
    adjust(&f, sold_out, &floor, 3);
    adjust(&f, sold_out, &floor, -3);
    adjust(&f, one_left, &back, 1);

    // Levels list the sold-out item and the never-stocked one at zero, not only what is on hand.
    let report = f.shop.stock_report(&f.owner, None).unwrap();
    let at = |v: &str| -> Vec<(String, i64)> {
        report
            .lines
            .iter()
            .filter(|l| l.variant_id == v)
            .map(|l| (l.location.clone(), l.on_hand))
            .collect()
    };
    assert_eq!(at(sold_out), [(report_location(&f, &floor), 0)]);
    assert_eq!(at(one_left), [(report_location(&f, &back), 1)]);
    assert_eq!(
        at(never),
        [(report_location(&f, &floor), 0)],
        "first location"
    );
    let back_only = f.shop.stock_report(&f.owner, Some(&back)).unwrap();
    assert_eq!(back_only.lines.len(), 3, "{:?}", back_only.lines);

    // With no reorder rules, all three are low (at most LOW_WITHOUT_RULE available) and say so;
    // restock leaves them alone, having no quantity to order.
    let low = f.shop.low_stock(&f.owner).unwrap();
    assert_eq!(low.len(), 3, "{low:?}");
    assert!(low.iter().all(|l| !l.has_rule && l.location_id.is_empty()));
    assert_eq!(low.last().unwrap().variant_id, *one_left, "emptiest first");
    assert!(f.shop.restock(&f.owner).unwrap().orders.is_empty());
    // Catalog's low-stock filter agrees.
    let page = f
        .shop
        .catalog(
            &f.owner,
            &shopdesk_core::catalog::CatalogQuery {
                low_stock: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(page.total, 3);

    // Stock above the threshold is not low; a rule overrides the default either way.
    adjust(&f, one_left, &back, 5);
    f.shop
        .set_reorder_rule(
            &f.owner,
            ReorderRule {
                variant_id: never.clone(),
                location_id: floor.clone(),
                reorder_point: Some(0),
                reorder_qty: Some(6),
            },
        )
        .unwrap();
    let low: Vec<_> = f.shop.low_stock(&f.owner).unwrap();
    let ids: Vec<_> = low
        .iter()
        .map(|l| (l.variant_id.as_str(), l.has_rule))
        .collect();
    assert_eq!(ids, [(never.as_str(), true), (sold_out.as_str(), false)]);
}

fn report_location(f: &common::Fixture, id: &str) -> String {
    f.shop
        .locations(&f.owner)
        .unwrap()
        .into_iter()
        .find(|l| l.id == id)
        .unwrap()
        .name
}

#[test]
fn locations_are_renamed_ordered_and_taken_out_of_use_only_when_empty() {
    use shopdesk_core::stock::LocationEdit;
    let f = new_shop();
    let p = f.shop.create_product(&f.owner, tee()).unwrap();
    let v = &p.variants[0].id;
    let garage = f.shop.create_location(&f.owner, "Warehouse").unwrap();
    let edit = |name: &str, active: bool| LocationEdit {
        id: garage.id.clone(),
        name: name.into(),
        active,
    };
    let renamed = f
        .shop
        .update_location(&f.owner, &edit("Garage", true))
        .unwrap();
    assert_eq!(renamed.name, "Garage");
    let (floor, back) = locations(&f);
    let err = f
        .shop
        .update_location(
            &f.owner,
            &LocationEdit {
                id: back.clone(),
                name: "garage".into(),
                active: true,
            },
        )
        .unwrap_err();
    assert!(
        matches!(err, Error::Conflict(_)),
        "names stay unique: {err}"
    );

    adjust(&f, v, &garage.id, 2);
    let err = f
        .shop
        .update_location(&f.owner, &edit("Garage", false))
        .unwrap_err();
    assert!(matches!(err, Error::Conflict(_)), "{err}");
    assert!(err.to_string().contains("2 units"), "{err}");
    adjust(&f, v, &garage.id, -2);
    let out = f
        .shop
        .update_location(&f.owner, &edit("Garage", false))
        .unwrap();
    assert!(!out.active);
    assert!(
        f.shop
            .locations(&f.owner)
            .unwrap()
            .iter()
            .all(|l| l.id != garage.id),
        "not offered any more"
    );
    assert_eq!(
        f.shop.all_locations(&f.owner).unwrap().len(),
        3,
        "still listed in Settings"
    );

    // The counter's location cannot go while its shift is open.
    f.shop.open_shift(&f.owner, "0").unwrap();
    let err = f
        .shop
        .update_location(
            &f.owner,
            &LocationEdit {
                id: floor.clone(),
                name: "Shop floor".into(),
                active: false,
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("shift"), "{err}");

    // Back room first.
    let ordered = f
        .shop
        .order_locations(&f.owner, std::slice::from_ref(&back))
        .unwrap();
    assert_eq!(ordered[0].id, back);
    assert_eq!(f.shop.locations(&f.owner).unwrap()[0].id, back);

    let clerk = staff(&f, "Cal", "Clerk", "1357");
    let err = f
        .shop
        .update_location(&clerk, &edit("Nope", true))
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
}
