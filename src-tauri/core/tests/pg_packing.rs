//! Packing benches as stations of one shop: an order entered anywhere is opened, scanned and
//! completed at a bench on the shop's server; two benches completing the same order at once
//! ship it once, and the stock follows its ledger; the label, slip and invoice are read back
//! from the server at any bench.

mod common;

use common::orders::{dublin, line, order_draft};
use common::stations::set_free;
use shopdesk_core::order::{Address, OrderDraft, OrderStatus};
use shopdesk_core::packing::{PackDone, ParcelDraft};
use shopdesk_core::{ErrorCode, FixedClock};
use std::sync::Arc;

/// The demo shop shared, its back office, two packing benches B1 and B2, and an item with at
/// least `available` units free.
struct Benches {
    owner: shopdesk_core::Session,
    office: shopdesk_core::Shop,
    shared: common::stations::Shared,
    benches: [shopdesk_core::Shop; 2],
    item: shopdesk_core::catalog::VariantRow,
}

fn two_benches(dir: &std::path::Path, available: i64) -> Benches {
    let common::stations::Pair {
        standalone,
        owner,
        station: office,
        shared,
    } = common::stations::demo_pair(dir, 0, 0);
    let clock = Arc::new(FixedClock::at(1_790_000_000_000));
    let benches = [
        shared.station(dir, "B1", clock.clone()),
        shared.station(dir, "B2", clock),
    ];
    let item = common::stations::stocked(&standalone, &owner, available);
    Benches {
        owner,
        office,
        shared,
        benches,
        item,
    }
}

#[test]
fn two_benches_completing_one_order_ship_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let Benches {
        owner,
        office,
        mut shared,
        benches,
        item,
    } = two_benches(dir.path(), 5);

    // Entered at the office, packed at the benches.
    let order = office
        .create_order(
            &owner,
            &order_draft("roisin@example.ie", vec![line(&item.sku, 2)]),
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

/// Two stations entering orders at once for an item with 6 units free: 6 orders take a unit
/// each and the rest wait on hold, short of stock — the last unit is reserved once, whichever
/// station asks first.
#[test]
fn two_stations_reserving_the_last_units_take_each_once() {
    let dir = tempfile::tempdir().unwrap();
    let Benches {
        owner,
        office,
        shared: _server,
        benches,
        item,
    } = two_benches(dir.path(), 1);
    // Exactly 6 free on the server.
    let floor = office.locations(&owner).unwrap()[0].id.clone();
    set_free(&office, &owner, &item.variant_id, &floor, 6);

    let statuses: Vec<OrderStatus> = std::thread::scope(|s| {
        let runs: Vec<_> = benches
            .iter()
            .enumerate()
            .map(|(b, bench)| {
                let (owner, sku) = (&owner, &item.sku);
                s.spawn(move || {
                    (0..8)
                        .map(|k| {
                            let draft = OrderDraft {
                                shipping: Address {
                                    line1: format!("{k} Quay Street"),
                                    ..dublin(&format!("Buyer {b} {k}"))
                                },
                                ..order_draft(
                                    &format!("buyer{b}-{k}@example.ie"),
                                    vec![line(sku, 1)],
                                )
                            };
                            bench.create_order(owner, &draft).unwrap().status
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        runs.into_iter().flat_map(|r| r.join().unwrap()).collect()
    });
    let open = statuses.iter().filter(|s| **s == OrderStatus::Open).count();
    assert_eq!(open, 6, "{statuses:?}");
    let (on_hand, committed): (i64, i64) = {
        let r = office
            .stock_levels(&owner, &item.variant_id)
            .unwrap()
            .into_iter()
            .find(|l| l.location_id == floor)
            .unwrap();
        (r.on_hand, r.committed)
    };
    assert!(committed <= on_hand, "{committed} reserved of {on_hand}");
}

/// Two stations releasing one held order at once reserve its stock once; two taking its full
/// payment at once take it once. The test holds the order's row while both start, so both are
/// mid-action together whatever the timing; the second must then see what the first did.
#[test]
fn two_stations_releasing_or_paying_one_order_do_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let Benches {
        owner,
        office,
        mut shared,
        benches,
        item,
    } = two_benches(dir.path(), 1);
    let draft = order_draft(
        "aoife@example.ie",
        vec![line(&item.sku, item.available + 1)],
    );
    let order = office.create_order(&owner, &draft).unwrap();
    assert_eq!(order.status, OrderStatus::OnHold, "short of stock");
    let committed = |shop: &shopdesk_core::Shop| -> i64 {
        shop.stock_levels(&owner, &item.variant_id)
            .unwrap()
            .iter()
            .map(|l| l.committed)
            .sum()
    };
    let before = committed(&office);

    // Both at once, each against the order as it stands when it gets there.
    let at_once = |client: &mut postgres::Client,
                   act: &(dyn Fn(&shopdesk_core::Shop) -> shopdesk_core::Result<OrderStatus>
                         + Sync)| {
        let mut hold = client.transaction().unwrap();
        hold.execute(
            "SELECT 1 FROM customer_order WHERE id = $1 FOR UPDATE",
            &[&order.id],
        )
        .unwrap();
        std::thread::scope(|s| {
            let runs: Vec<_> = benches.iter().map(|b| s.spawn(move || act(b))).collect();
            std::thread::sleep(std::time::Duration::from_millis(800));
            hold.commit().unwrap();
            runs.into_iter()
                .map(|r| r.join().unwrap())
                .collect::<Vec<_>>()
        })
    };
    let released = at_once(&mut shared.client, &|b| {
        b.release_order(&owner, &order.id, "the customer waits for the restock")
            .map(|o| o.status)
    });
    assert_eq!(
        released.iter().filter(|r| r.is_ok()).count(),
        1,
        "released once: {released:?}"
    );
    assert!(released
        .iter()
        .any(|r| matches!(r, Err(e) if e.code() == ErrorCode::Conflict)));
    assert_eq!(
        committed(&office),
        before + item.available + 1,
        "its stock reserved once"
    );

    let paid = at_once(&mut shared.client, &|b| {
        let full = shopdesk_core::order::PaymentDraft {
            method: "bank transfer".into(),
            ..Default::default()
        };
        b.record_order_payment(&owner, &order.id, &full)
            .map(|o| o.status)
    });
    assert_eq!(
        paid.iter().filter(|r| r.is_ok()).count(),
        1,
        "paid once: {paid:?}"
    );
    let order = office.order(&owner, &order.id).unwrap();
    assert_eq!(order.paid, order.total);
}
