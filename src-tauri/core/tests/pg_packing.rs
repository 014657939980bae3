//! Packing benches as stations of one shop: an order entered anywhere is opened, scanned and
//! completed at a bench on the shop's server; two benches completing the same order at once
//! ship it once, and the stock follows its ledger; the label, slip and invoice are read back
//! from the server at any bench.

mod common;

use shopdesk_core::order::{Address, OrderDraft, OrderLineDraft, OrderStatus};
use shopdesk_core::packing::{PackDone, ParcelDraft};
use shopdesk_core::{ErrorCode, FixedClock};
use std::sync::Arc;

#[test]
fn two_benches_completing_one_order_ship_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        station: office,
        mut shared,
    } = common::stations::demo_pair(dir.path(), 0, 0);
    let clock = Arc::new(FixedClock::at(1_790_000_000_000));
    let benches = [
        shared.station(dir.path(), "B1", clock.clone()),
        shared.station(dir.path(), "B2", clock),
    ];
    let item = common::stations::stocked(&standalone, &owner, 5);
    drop(standalone);

    // Entered at the office, packed at the benches.
    let order = office
        .create_order(
            &owner,
            &OrderDraft {
                email: "roisin@example.ie".into(),
                shipping: Address {
                    name: "Róisín Nic Aodha".into(),
                    line1: "4 Mill Street".into(),
                    city: "Galway".into(),
                    postal_code: "H91 X2Y3".into(),
                    country: "IE".into(),
                    ..Default::default()
                },
                lines: vec![OrderLineDraft {
                    sku: item.sku.clone(),
                    quantity: 2,
                    ..Default::default()
                }],
                shipping_method: "An Post".into(),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(order.status, OrderStatus::Open, "{:?}", order.checks);
    let level = |client: &mut postgres::Client| -> (i64, i64, i64) {
        let r = client
            .query_one(
                "SELECT CAST(sum(l.on_hand) AS BIGINT), CAST(sum(l.committed) AS BIGINT),
                        (SELECT CAST(sum(on_hand_delta) AS BIGINT) FROM stock_move
                         WHERE variant_id = $1)
                 FROM stock_level l WHERE l.variant_id = $1",
                &[&item.variant_id],
            )
            .unwrap();
        (r.get(0), r.get(1), r.get(2))
    };
    let before = level(&mut shared.client);

    let mut packings = benches.each_ref().map(|b| {
        let mut p = b.open_packing(&owner, &order.name).unwrap();
        for _ in 0..2 {
            b.pack_scan(&mut p, &item.sku).unwrap();
        }
        p
    });
    let stations = [0, 1].map(|i| benches[i].station(&format!("Bench {}", i + 1)).unwrap());
    let done = |i: usize| PackDone {
        carrier: "own".into(),
        parcels: vec![ParcelDraft {
            weight: "0.8".into(),
            ..Default::default()
        }],
        station_id: Some(stations[i].id.clone()),
        ..Default::default()
    };
    let outcomes: Vec<_> = std::thread::scope(|s| {
        let runs: Vec<_> = benches
            .iter()
            .zip(packings.iter_mut())
            .enumerate()
            .map(|(i, (bench, p))| {
                let (owner, done) = (&owner, done(i));
                s.spawn(move || bench.complete_packing(owner, p, &done, None))
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let shipped: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    assert_eq!(shipped.len(), 1, "one bench ships it: {outcomes:?}");
    let refused = outcomes.iter().find_map(|o| o.as_ref().err()).unwrap();
    assert!(
        matches!(
            refused.code(),
            ErrorCode::Conflict | ErrorCode::NothingLeftToShip
        ),
        "the other is told: {refused}"
    );

    // Shipped once on the server; the stock out of the ledger once; the level its moves' sum.
    let after = level(&mut shared.client);
    assert_eq!(after.0, before.0 - 2, "on hand");
    assert_eq!(after.1, before.1 - 2, "committed");
    assert_eq!(after.0, after.2, "the level is the sum of its moves");
    let shipments: i64 = shared
        .client
        .query_one(
            "SELECT count(*) FROM shipment WHERE order_id = $1",
            &[&order.id],
        )
        .unwrap()
        .get(0);
    assert_eq!(shipments, 1);

    // Its papers at either bench and at the office, from the server.
    let packed = shipped[0];
    for shop in [&benches[0], &benches[1], &office] {
        let labels = shop.shipment_labels(&owner, &packed.shipment_id).unwrap();
        assert_eq!(labels.len(), 1);
        assert_eq!(labels[0].tracking, packed.tracking[0]);
        let slip = shop.packing_slip(&owner, &packed.shipment_id).unwrap();
        assert_eq!(slip.lines[0].packed, 2);
        assert_eq!(shop.order(&owner, &order.id).unwrap().shipments.len(), 1);
    }
    assert_eq!(
        benches[0]
            .open_packing(&owner, &order.name)
            .unwrap_err()
            .code(),
        ErrorCode::Conflict,
        "nothing left to pack"
    );
}
