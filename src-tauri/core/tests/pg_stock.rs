//! Stock on the shop's server: levels, moves, adjustments and reorder rules read and written
//! alike on both engines, and two stations taking the same last units at once never take more
//! than is on the shelf — each level still the sum of its ledger.

mod common;

use shopdesk_core::stock::{ReorderRule, StockAdjustment};
use shopdesk_core::{ErrorCode, FixedClock, Session, Shop};
use std::sync::Arc;

/// A shop with six mugs on its floor: the shop, its owner, the mug, the floor, the clock.
fn six_mugs(dir: &std::path::Path) -> (Shop, Session, String, String, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::at(1_790_000_000_000));
    let (shop, owner) =
        shopdesk_testkit::shop::open(dir, "Corner Books", "ie", "EUR", clock.clone());
    let mug = shopdesk_testkit::shop::stocked(&shop, &owner, "Mug", "MUG-1", "12.00", "A1", 6);
    let floor = shop.locations(&owner).unwrap()[0].id.clone();
    (shop, owner, mug, floor, clock)
}

/// Runs `act` on two stations at the same moment: how many times it succeeded.
fn at_once(stations: [&Shop; 2], act: impl Fn(&Shop) -> bool + Sync) -> usize {
    std::thread::scope(|s| {
        stations
            .map(|station| {
                let act = &act;
                s.spawn(move || usize::from(act(station)))
            })
            .into_iter()
            .map(|r| r.join().unwrap())
            .sum()
    })
}

#[test]
fn stock_reads_and_writes_alike_and_two_stations_never_oversell_the_shelf() {
    let dir = tempfile::tempdir().unwrap();
    let (standalone, owner, mug, floor, clock) = six_mugs(dir.path());
    let mut shared = common::stations::share(&standalone, &owner);
    let a = shared.station(dir.path(), "a", clock.clone());
    let b = shared.station(dir.path(), "b", clock.clone());

    // The same adjustments and rule on both engines read back the same.
    let take = |delta: i64| StockAdjustment {
        variant_id: mug.clone(),
        location_id: floor.clone(),
        delta,
        note: "damaged".into(),
    };
    let rule = ReorderRule {
        variant_id: mug.clone(),
        location_id: floor.clone(),
        reorder_point: Some(2),
        reorder_qty: Some(10),
    };
    for shop in [&standalone, &a] {
        shop.adjust_stock(&owner, take(-1)).unwrap();
        shop.set_reorder_rule(&owner, rule.clone()).unwrap();
        shop.set_reorder_rule(
            &owner,
            ReorderRule {
                reorder_point: Some(3),
                ..rule.clone()
            },
        )
        .unwrap();
    }
    let levels = standalone.stock_levels(&owner, &mug).unwrap();
    assert_eq!(levels, b.stock_levels(&owner, &mug).unwrap());
    assert_eq!((levels[0].on_hand, levels[0].reorder_point), (5, Some(3)));
    let strip = |moves: Vec<shopdesk_core::stock::StockMove>| {
        moves
            .into_iter()
            .map(|m| (m.reason, m.on_hand_delta, m.note, m.staff))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        strip(standalone.stock_moves(&owner, &mug, 50).unwrap()),
        strip(b.stock_moves(&owner, &mug, 50).unwrap())
    );
    let e = a.adjust_stock(&owner, take(-9)).unwrap_err();
    assert_eq!(e.code(), ErrorCode::NotEnoughStock);

    // Two stations write off the last five units one at a time, at once, twenty times over
    // (restocking five between rounds): exactly five succeed each round.
    for _ in 0..20 {
        let taken: usize = std::thread::scope(|s| {
            let runs: Vec<_> = [&a, &b]
                .into_iter()
                .map(|station| {
                    let take = &take;
                    let owner = &owner;
                    s.spawn(move || {
                        (0..5)
                            .filter(|_| station.adjust_stock(owner, take(-1)).is_ok())
                            .count()
                    })
                })
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).sum()
        });
        assert_eq!(taken, 5, "the shelf held five");
        assert_eq!(a.stock_levels(&owner, &mug).unwrap()[0].on_hand, 0);
        a.adjust_stock(
            &owner,
            StockAdjustment {
                note: "found".into(),
                ..take(5)
            },
        )
        .unwrap();
    }
    let off: i64 = shared
        .client
        .query_one(
            "SELECT count(*) FROM stock_level l WHERE on_hand <> (SELECT sum(on_hand_delta)
             FROM stock_move m WHERE m.variant_id = l.variant_id AND m.location_id = l.location_id)",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(off, 0, "every level is the sum of its ledger");
}

#[test]
fn locations_are_kept_alike_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(1_790_000_000_000));
    let (standalone, owner) =
        shopdesk_testkit::shop::open(dir.path(), "Corner Books", "ie", "EUR", clock.clone());
    let shared = common::stations::share(&standalone, &owner);
    let station = shared.station(dir.path(), "s", clock);

    let mut seen = Vec::new();
    for shop in [&standalone, &station] {
        let van = shop.create_location(&owner, "Market van").unwrap();
        let e = shop.create_location(&owner, "market VAN").unwrap_err();
        assert_eq!(e.code(), ErrorCode::Conflict, "{e}");
        assert!(e.to_string().contains("already exists"), "{e}");
        let back = shop.locations(&owner).unwrap()[1].id.clone();
        shop.update_location(
            &owner,
            &shopdesk_core::stock::LocationEdit {
                id: back.clone(),
                name: "Store room".into(),
                active: false,
            },
        )
        .unwrap();
        let floor = shop.locations(&owner).unwrap()[0].id.clone();
        let e = shop
            .update_location(
                &owner,
                &shopdesk_core::stock::LocationEdit {
                    id: van.id.clone(),
                    name: "Shop floor".into(),
                    active: true,
                },
            )
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Conflict);
        shop.order_locations(&owner, &[van.id.clone(), floor])
            .unwrap();
        let rows: Vec<_> = shop
            .all_locations(&owner)
            .unwrap()
            .into_iter()
            .map(|l| (l.name, l.position, l.active, l.on_hand))
            .collect();
        seen.push(rows);
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[0][0].0, "Market van");
}

#[test]
fn a_transfer_is_sent_and_received_once_alike_on_both_engines() {
    use shopdesk_core::stock::transfer::{TransferDraft, TransferLineDraft};
    let dir = tempfile::tempdir().unwrap();
    let (standalone, owner, mug, floor, clock) = six_mugs(dir.path());
    let van = standalone.create_location(&owner, "Market van").unwrap().id;
    let shared = common::stations::share(&standalone, &owner);
    let a = shared.station(dir.path(), "a", clock.clone());
    let b = shared.station(dir.path(), "b", clock.clone());
    let draft = |qty: i64| TransferDraft {
        from_id: floor.clone(),
        to_id: van.clone(),
        lines: vec![TransferLineDraft {
            variant_id: mug.clone(),
            qty,
        }],
    };
    let mut seen = Vec::new();
    for shop in [&standalone, &a] {
        let too_many = shop.send_transfer(&owner, draft(7)).unwrap_err();
        let sent = shop.send_transfer(&owner, draft(4)).unwrap();
        let received = shop.receive_transfer(&owner, &sent.id).unwrap();
        let again = shop.receive_transfer(&owner, &sent.id).unwrap_err();
        let levels: Vec<(String, i64)> = shop
            .stock_levels(&owner, &mug)
            .unwrap()
            .into_iter()
            .map(|l| (l.location, l.on_hand))
            .collect();
        let strip = |t: shopdesk_core::stock::transfer::Transfer| {
            (t.number, t.from, t.to, t.status, t.lines)
        };
        seen.push((
            too_many.code(),
            strip(sent),
            strip(received),
            again.to_string(),
            levels,
            shop.transfers(&owner).unwrap().len(),
        ));
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[0].0, ErrorCode::NotEnoughStock);

    // Two stations receiving one transfer at once put its stock on the shelf once (the two
    // units left on the floor, one transfer each).
    for _ in 0..2 {
        let sent = a.send_transfer(&owner, draft(1)).unwrap();
        let took = at_once([&a, &b], |station| {
            station.receive_transfer(&owner, &sent.id).is_ok()
        });
        assert_eq!(took, 1);
    }
    let on_van: Vec<i64> = b
        .stock_levels(&owner, &mug)
        .unwrap()
        .into_iter()
        .map(|l| l.on_hand)
        .collect();
    assert_eq!(
        on_van.iter().sum::<i64>(),
        6,
        "nothing made or lost: {on_van:?}"
    );
}

#[test]
fn a_stocktake_is_counted_and_applied_once_alike_on_both_engines() {
    use shopdesk_core::stock::stocktake::{CountEntry, CountScan};
    let dir = tempfile::tempdir().unwrap();
    let (standalone, owner, mug, floor, clock) = six_mugs(dir.path());
    let shared = common::stations::share(&standalone, &owner);
    let a = shared.station(dir.path(), "a", clock.clone());
    let b = shared.station(dir.path(), "b", clock.clone());
    let mut seen = Vec::new();
    for shop in [&standalone, &a] {
        let t = shop.start_stocktake(&owner, &floor).unwrap();
        let twice = shop
            .start_stocktake(&owner, &floor)
            .unwrap_err()
            .to_string();
        let scan = || CountScan {
            stocktake_id: t.id.clone(),
            code: "MUG-1".into(),
        };
        shop.count_scan(&owner, scan()).unwrap();
        shop.count_scan(&owner, scan()).unwrap();
        let unknown = shop
            .count_scan(
                &owner,
                CountScan {
                    code: "NOPE".into(),
                    ..scan()
                },
            )
            .unwrap_err()
            .code();
        let typed = shop
            .set_count(
                &owner,
                CountEntry {
                    stocktake_id: t.id.clone(),
                    variant_id: mug.clone(),
                    counted: 4,
                },
            )
            .unwrap();
        let applied = shop.apply_stocktake(&owner, &t.id).unwrap();
        let again = shop.apply_stocktake(&owner, &t.id).unwrap_err().to_string();
        let level = shop.stock_levels(&owner, &mug).unwrap()[0].on_hand;
        let strip = |t: shopdesk_core::stock::stocktake::Stocktake| {
            (
                t.number,
                t.status,
                t.lines,
                t.net_variance,
                t.variance_value,
            )
        };
        seen.push((twice, unknown, strip(typed), strip(applied), again, level));
    }
    assert_eq!(seen[0], seen[1]);
    assert_eq!(seen[0].5, 4, "the count stands");

    // Two stations applying one count at once book its variance once.
    let t = a.start_stocktake(&owner, &floor).unwrap();
    a.set_count(
        &owner,
        CountEntry {
            stocktake_id: t.id.clone(),
            variant_id: mug.clone(),
            counted: 9,
        },
    )
    .unwrap();
    let applied = at_once([&a, &b], |station| {
        station.apply_stocktake(&owner, &t.id).is_ok()
    });
    assert_eq!(applied, 1);
    assert_eq!(b.stock_levels(&owner, &mug).unwrap()[0].on_hand, 9);
}

#[test]
fn a_station_hears_at_once_when_another_changes_the_shop() {
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let (standalone, owner, mug, floor, clock) = six_mugs(dir.path());
    let shared = common::stations::share(&standalone, &owner);
    let a = shared.station(dir.path(), "a", clock.clone());
    let b = shared.station(dir.path(), "b", clock.clone());
    assert!(
        !b.wait_for_change(Duration::from_millis(200)),
        "nothing yet"
    );
    a.adjust_stock(
        &owner,
        StockAdjustment {
            variant_id: mug,
            location_id: floor,
            delta: -1,
            note: "damaged".into(),
        },
    )
    .unwrap();
    let heard = std::time::Instant::now();
    assert!(
        b.wait_for_change(Duration::from_secs(10)),
        "a's write heard"
    );
    assert!(heard.elapsed() < Duration::from_secs(2));
    assert!(!b.wait_for_change(Duration::from_millis(200)), "heard once");
    assert!(!standalone.wait_for_change(Duration::from_millis(10)));
}
