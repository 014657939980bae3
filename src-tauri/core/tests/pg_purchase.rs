//! Buying stock on the shop's server: suppliers, their items, purchase orders drafted, changed,
//! sent, received in parts at the moving-average cost and closed, and Restock — alike on the
//! standalone file and on a station of the same shop shared, refusals included; and two
//! stations receiving the same delivery at once book it once.

mod common;

use shopdesk_core::stock::purchase::{
    PurchaseDraft, PurchaseLineDraft, PurchaseOrder, PurchaseReceipt, ReceiptLine, SupplierDraft,
    SupplierItemDraft,
};
use shopdesk_core::stock::ReorderRule;
use shopdesk_core::{FixedClock, Session, Shop};
use std::sync::Arc;

/// A shop with six mugs and one poster on its floor: the shop, its owner, mug, poster, floor.
fn shop(dir: &std::path::Path, clock: Arc<FixedClock>) -> (Shop, Session, String, String, String) {
    let (shop, owner) = shopdesk_testkit::shop::open(dir, "Corner Books", "ie", "EUR", clock);
    let mug = shopdesk_testkit::shop::stocked(&shop, &owner, "Mug", "MUG-1", "12.00", "A1", 6);
    let poster =
        shopdesk_testkit::shop::stocked(&shop, &owner, "Poster", "POSTER-1", "9.00", "A2", 1);
    let floor = shop.locations(&owner).unwrap()[0].id.clone();
    (shop, owner, mug, poster, floor)
}

/// A purchase order as the person reads it, without ids.
fn po_text(po: &PurchaseOrder) -> String {
    let lines: Vec<_> = po
        .lines
        .iter()
        .map(|l| {
            format!(
                "{} {} {} {}/{} at {}",
                l.label,
                l.sku,
                l.supplier_sku,
                l.qty_received,
                l.qty_ordered,
                l.unit_cost.minor()
            )
        })
        .collect();
    format!(
        "PO {} {:?} {} {} {} {:?}",
        po.number,
        po.status,
        po.supplier,
        po.location,
        po.total.minor(),
        lines
    )
}

fn receipt(po: &str, lines: &[(&str, i64)]) -> PurchaseReceipt {
    PurchaseReceipt {
        po_id: po.into(),
        lines: lines
            .iter()
            .map(|(variant, qty)| ReceiptLine {
                variant_id: (*variant).into(),
                qty: *qty,
            })
            .collect(),
    }
}

fn story(shop: &Shop, owner: &Session, mug: &str, poster: &str, floor: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut said = |what: &str, text: String| seen.push(format!("{what}: {text}"));
    let refused = |r: shopdesk_core::Result<PurchaseOrder>| match r {
        Ok(po) => format!("not refused: {}", po_text(&po)),
        Err(e) => format!("{:?} {e}", e.code()),
    };
    let cotton = shop
        .save_supplier(
            owner,
            SupplierDraft {
                name: "Cotton Co".into(),
                email: "orders@cotton.example".into(),
                lead_days: 7,
                ..Default::default()
            },
        )
        .unwrap();
    said(
        "supplier",
        format!("{} {} {}", cotton.name, cotton.email, cotton.lead_days),
    );
    let twin = SupplierDraft {
        name: "cotton co".into(),
        ..Default::default()
    };
    said(
        "twin",
        shop.save_supplier(owner, twin).unwrap_err().to_string(),
    );
    let item = SupplierItemDraft {
        supplier_id: cotton.id.clone(),
        variant_id: mug.into(),
        supplier_sku: "CC-1".into(),
        cost: "2.00".into(),
    };
    shop.set_supplier_item(owner, item.clone()).unwrap();
    shop.set_supplier_item(
        owner,
        SupplierItemDraft {
            cost: "2.50".into(),
            ..item
        },
    )
    .unwrap();
    let line = |variant: &str, qty: i64, cost: &str| PurchaseLineDraft {
        variant_id: variant.into(),
        qty,
        unit_cost: cost.into(),
    };
    let draft = |lines: Vec<PurchaseLineDraft>| PurchaseDraft {
        supplier_id: cotton.id.clone(),
        location_id: floor.into(),
        note: "Spring".into(),
        lines,
    };
    let po = shop
        .create_purchase_order(owner, draft(vec![line(mug, 10, ""), line(poster, 4, "5")]))
        .unwrap();
    said("drafted", po_text(&po));
    said(
        "twice",
        refused(shop.update_purchase_order(
            owner,
            &po.id,
            draft(vec![line(mug, 1, ""), line(mug, 2, "")]),
        )),
    );
    said(
        "changed",
        po_text(
            &shop
                .update_purchase_order(
                    owner,
                    &po.id,
                    draft(vec![line(mug, 12, ""), line(poster, 4, "5")]),
                )
                .unwrap(),
        ),
    );
    said(
        "sent",
        po_text(&shop.send_purchase_order(owner, &po.id).unwrap()),
    );
    said(
        "change after send",
        refused(shop.update_purchase_order(owner, &po.id, draft(vec![line(mug, 1, "")]))),
    );
    said(
        "send again",
        refused(shop.send_purchase_order(owner, &po.id)),
    );
    said(
        "part",
        po_text(
            &shop
                .receive_purchase(owner, receipt(&po.id, &[(mug, 5)]))
                .unwrap(),
        ),
    );
    said(
        "too many",
        refused(shop.receive_purchase(owner, receipt(&po.id, &[(mug, 20)]))),
    );
    said(
        "rest",
        po_text(
            &shop
                .receive_purchase(owner, receipt(&po.id, &[(mug, 7), (poster, 4)]))
                .unwrap(),
        ),
    );
    said(
        "close received",
        refused(shop.close_purchase_order(owner, &po.id)),
    );
    let levels = shop.stock_levels(owner, mug).unwrap();
    said(
        "mug levels",
        format!(
            "{:?}",
            levels
                .iter()
                .map(|l| (l.on_hand, l.committed))
                .collect::<Vec<_>>()
        ),
    );

    shop.set_reorder_rule(
        owner,
        ReorderRule {
            variant_id: poster.into(),
            location_id: floor.into(),
            reorder_point: Some(10),
            reorder_qty: Some(12),
        },
    )
    .unwrap();
    shop.set_reorder_rule(
        owner,
        ReorderRule {
            variant_id: mug.into(),
            location_id: floor.into(),
            reorder_point: Some(30),
            reorder_qty: Some(6),
        },
    )
    .unwrap();
    said(
        "low",
        format!(
            "{:?}",
            shop.low_stock(owner)
                .unwrap()
                .iter()
                .map(|l| (&l.label, l.available, l.has_rule))
                .collect::<Vec<_>>()
        ),
    );
    let restock = shop.restock(owner).unwrap();
    said(
        "restock",
        format!(
            "{:?} {:?}",
            restock.orders.iter().map(po_text).collect::<Vec<_>>(),
            restock.without_supplier
        ),
    );
    said(
        "restock again",
        shop.restock(owner).unwrap().orders.len().to_string(),
    );
    said(
        "close draft",
        po_text(
            &shop
                .close_purchase_order(owner, &restock.orders[0].id)
                .unwrap(),
        ),
    );
    said(
        "suppliers",
        format!(
            "{:?}",
            shop.suppliers(owner)
                .unwrap()
                .iter()
                .map(|s| &s.name)
                .collect::<Vec<_>>()
        ),
    );
    said(
        "orders",
        format!(
            "{:?}",
            shop.purchase_orders(owner)
                .unwrap()
                .iter()
                .map(|p| (p.number, p.status))
                .collect::<Vec<_>>()
        ),
    );
    seen
}

#[test]
fn buying_stock_runs_alike_on_the_file_and_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(1_790_000_000_000));
    let (standalone, owner, mug, poster, floor) = shop(dir.path(), clock.clone());
    let shared = common::stations::share(&standalone, &owner);
    let office = shared.station(dir.path(), "office2", clock);

    let on_file = story(&standalone, &owner, &mug, &poster, &floor);
    let on_server = story(&office, &owner, &mug, &poster, &floor);
    // The same on both, and what it should be.
    let step = common::stations::alike(&on_file, &on_server);
    assert!(step("twin").contains("already exists"), "{}", step("twin"));
    assert!(
        step("drafted").contains("Draft") && step("drafted").contains("10 at 250"),
        "{}",
        step("drafted")
    );
    assert!(
        step("twice").contains("on the order twice"),
        "{}",
        step("twice")
    );
    assert!(
        step("change after send").contains("already sent"),
        "{}",
        step("change after send")
    );
    assert!(
        step("part").contains("Partial") && step("part").contains("5/12"),
        "{}",
        step("part")
    );
    assert!(
        step("too many").contains("only 7 still expected"),
        "{}",
        step("too many")
    );
    assert!(step("rest").contains("Received"), "{}", step("rest"));
    assert!(
        step("close received").contains("already finished"),
        "{}",
        step("close received")
    );
    assert_eq!(step("mug levels"), "mug levels: [(18, 0), (0, 0)]");
    assert!(
        step("restock").contains("0/13 at 250") && step("restock").ends_with("[\"Poster\"]"),
        "the mug topped up past its point from its supplier, the poster without one: {}",
        step("restock")
    );
    assert_eq!(step("restock again"), "restock again: 0");
}

#[test]
fn two_stations_receiving_one_delivery_at_once_book_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(1_790_000_000_000));
    let (standalone, owner, mug, _, floor) = shop(dir.path(), clock.clone());
    let shared = common::stations::share(&standalone, &owner);
    let a = shared.station(dir.path(), "a", clock.clone());
    let b = shared.station(dir.path(), "b", clock);
    let supplier = a
        .save_supplier(
            &owner,
            SupplierDraft {
                name: "Cotton Co".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let po = a
        .create_purchase_order(
            &owner,
            PurchaseDraft {
                supplier_id: supplier.id,
                location_id: floor,
                note: String::new(),
                lines: vec![PurchaseLineDraft {
                    variant_id: mug.clone(),
                    qty: 10,
                    unit_cost: "2.00".into(),
                }],
            },
        )
        .unwrap();
    a.send_purchase_order(&owner, &po.id).unwrap();
    let booked: usize = std::thread::scope(|s| {
        [&a, &b]
            .map(|station| {
                let (owner, id, mug) = (&owner, &po.id, &mug);
                s.spawn(move || {
                    usize::from(
                        station
                            .receive_purchase(owner, receipt(id, &[(mug, 10)]))
                            .is_ok(),
                    )
                })
            })
            .into_iter()
            .map(|t| t.join().unwrap())
            .sum()
    });
    assert_eq!(booked, 1, "one delivery booked once");
    let levels = b.stock_levels(&owner, &mug).unwrap();
    assert_eq!(levels[0].on_hand, 16, "six on the shelf and ten received");
    assert_eq!(
        b.purchase_order(&owner, &po.id).unwrap().lines[0].qty_received,
        10
    );
}
