//! The packing bench in core: opening an order by its slip, scan verification, completing with
//! parcels and tracking (own and carrier), overrides by PIN, partial and multi-parcel shipments,
//! print jobs, pick lists, dropship, late orders and shipping speed.

mod common;

use common::orders::*;
use common::*;
use shopdesk_core::order::outbox::Attachment;
use shopdesk_core::order::{Fulfilment, OrderDraft, OrderStatus};
use shopdesk_core::packing::print_queue::DocKind;
use shopdesk_core::packing::shipping::ShipPromise;
use shopdesk_core::packing::{PackDone, Packing, ParcelDraft, ScanOutcome};
use shopdesk_core::shop::staff::{Approval, NewStaff};
use shopdesk_core::stock::purchase::SupplierDraft;
use shopdesk_core::{Clock, Error, Session};

fn parcel(weight: &str) -> ParcelDraft {
    ParcelDraft {
        weight: weight.into(),
        preset: "small".into(),
    }
}

fn own_delivery(parcels: Vec<ParcelDraft>) -> PackDone {
    PackDone {
        carrier: "own".into(),
        parcels,
        ..Default::default()
    }
}

fn scan_all(f: &Fixture, p: &mut Packing, code: &str, n: usize) {
    for _ in 0..n {
        f.shop.pack_scan(p, code).unwrap();
    }
}

fn messages_of_kind(
    f: &Fixture,
    order_id: &str,
    kind: &str,
) -> Vec<shopdesk_core::order::outbox::Message> {
    f.shop
        .order(&f.owner, order_id)
        .unwrap()
        .messages
        .into_iter()
        .filter(|m| m.kind == kind)
        .collect()
}

#[test]
fn a_verified_parcel_ships_moves_stock_queues_mail_and_prints_three_documents() {
    let (f, ids) = shop();
    let o = f
        .shop
        .create_order(
            &f.owner,
            &order_draft(
                "zoe@example.ie",
                vec![line("TEE-S-SAGE", 2), line("TEE-M-INK", 1)],
            ),
        )
        .unwrap();
    let mut p = f.shop.open_packing(&f.owner, "O1").unwrap();
    assert_eq!((p.name.as_str(), p.units, p.scanned), ("#1", 3, 0));
    assert_eq!(
        p.carrier.as_deref(),
        Some("an_post"),
        "the bench starts from the carrier the shipping method names"
    );
    assert_eq!(
        f.shop.open_packing(&f.owner, "#1").unwrap().order_id,
        o.id,
        "typed number works too"
    );

    let wrong = f.shop.pack_scan(&mut p, "5901234123457").unwrap();
    assert_eq!(wrong.outcome, ScanOutcome::Wrong);
    assert!(
        wrong.message.contains("Organic Tee"),
        "the catalog names the wrong item: {}",
        wrong.message
    );
    assert_eq!(wrong.packing.scanned, 0, "a wrong item ticks nothing");

    scan_all(&f, &mut p, "4006381333931", 2);
    let extra = f.shop.pack_scan(&mut p, "4006381333931").unwrap();
    assert_eq!(extra.outcome, ScanOutcome::TooMany);
    let last = f.shop.pack_scan(&mut p, "036000291452").unwrap();
    assert_eq!(last.outcome, ScanOutcome::Complete);

    let station = f.shop.station("Bench 1").unwrap();
    assert!(station.print_label && station.print_slip && station.print_invoice);
    let packed = f
        .shop
        .complete_packing(
            &f.owner,
            &p,
            &PackDone {
                station_id: Some(station.id.clone()),
                ..own_delivery(vec![parcel("1.2")])
            },
            None,
        )
        .unwrap();
    assert_eq!(packed.order.fulfilment, Fulfilment::Fulfilled);
    let t = &packed.tracking[0];
    assert!(
        t.starts_with("SD") && t.len() == 12,
        "own tracking: SD + 9 digits + check digit, got {t}"
    );
    let kinds: Vec<DocKind> = packed.jobs.iter().map(|j| j.kind).collect();
    assert_eq!(kinds, [DocKind::Label, DocKind::Slip, DocKind::Invoice]);
    assert!(
        packed
            .order
            .invoices
            .iter()
            .any(|i| i.code.starts_with("INV-")),
        "the printed invoice is issued"
    );

    let (floor, _) = locations(&f);
    assert_eq!(
        available(&f, &ids[0], &floor),
        (8, 0, 8),
        "2 shipped: on hand 10 → 8, nothing committed"
    );
    let mail = messages_of_kind(&f, &o.id, "shipment");
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].body.contains(t),
        "the e-mail carries the tracking number: {}",
        mail[0].body
    );

    let labels = f
        .shop
        .shipment_labels(&f.owner, &packed.shipment_id)
        .unwrap();
    assert_eq!(labels.len(), 1);
    assert_eq!(labels[0].weight, "1.20 kg");
    assert_eq!(
        labels[0].recipient.last().unwrap(),
        "D02 X285",
        "Irish address, Eircode last, no country line"
    );
    assert_eq!(
        f.shop.open_packing(&f.owner, "O1").unwrap_err().code(),
        shopdesk_core::ErrorCode::Conflict,
        "nothing left to pack"
    );
}

#[test]
fn without_every_scan_a_parcel_needs_a_reason_and_a_pin_and_nothing_is_written_before() {
    let (f, _) = shop();
    let o = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("zoe@example.ie", vec![line("TEE-S-SAGE", 2)]),
        )
        .unwrap();
    let roles = f.shop.roles(&f.owner).unwrap();
    let role = |n: &str| roles.iter().find(|r| r.name == n).unwrap().id.clone();
    let packer = f
        .shop
        .create_staff(
            &f.owner,
            NewStaff {
                name: "Kim".into(),
                role_id: role("Packer"),
                pin: "4444".into(),
            },
        )
        .unwrap();
    let manager = f
        .shop
        .create_staff(
            &f.owner,
            NewStaff {
                name: "Sam".into(),
                role_id: role("Manager"),
                pin: "2222".into(),
            },
        )
        .unwrap();
    let (kim, _): (Session, _) = f.shop.sign_in(&packer.id, "4444").unwrap();

    let mut p = f.shop.open_packing(&kim, "1").unwrap();
    scan_all(&f, &mut p, "TEE-S-SAGE", 1);
    let err = f
        .shop
        .complete_packing(&kim, &p, &own_delivery(vec![parcel("0.5")]), None)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotAllScanned {
                scanned: 1,
                units: 2
            }
        ),
        "{err:?}"
    );
    let reason = PackDone {
        override_reason: "label torn off the second tee".into(),
        ..own_delivery(vec![parcel("0.5")])
    };
    let err = f
        .shop
        .complete_packing(&kim, &p, &reason, None)
        .unwrap_err();
    assert_eq!(
        err.code(),
        shopdesk_core::ErrorCode::NeedsApproval,
        "a packer cannot override alone"
    );
    let bad_pin = Approval {
        staff_id: manager.id.clone(),
        pin: "9999".into(),
    };
    assert!(f
        .shop
        .complete_packing(&kim, &p, &reason, Some(&bad_pin))
        .is_err());
    let empty_weight = own_delivery(vec![parcel(" ")]);
    let err = f
        .shop
        .complete_packing(
            &kim,
            &p,
            &PackDone {
                partial: true,
                ..empty_weight
            },
            None,
        )
        .unwrap_err();
    assert_eq!(err.to_string(), "type the weight of parcel 1");
    assert!(
        f.shop.order(&f.owner, &o.id).unwrap().shipments.is_empty(),
        "refusals write nothing"
    );

    let ok = Approval {
        staff_id: manager.id.clone(),
        pin: "2222".into(),
    };
    let packed = f
        .shop
        .complete_packing(&kim, &p, &reason, Some(&ok))
        .unwrap();
    assert_eq!(
        packed.order.fulfilment,
        Fulfilment::Fulfilled,
        "the override ships everything"
    );
    let ev = packed
        .order
        .timeline
        .iter()
        .find(|e| e.kind == "pack_override")
        .expect("override on the timeline");
    assert_eq!(ev.staff.as_deref(), Some("Sam"));
    assert!(ev.detail.contains("label torn off"), "{}", ev.detail);
}

#[test]
fn partial_and_multi_parcel_shipments_leave_the_rest_open() {
    let (f, ids) = shop();
    let o = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("zoe@example.ie", vec![line("TEE-S-SAGE", 3)]),
        )
        .unwrap();
    let mut p = f.shop.open_packing(&f.owner, "O1").unwrap();
    scan_all(&f, &mut p, "4006381333931", 1);
    let first = f
        .shop
        .complete_packing(
            &f.owner,
            &p,
            &PackDone {
                partial: true,
                ..own_delivery(vec![parcel("400 g")])
            },
            None,
        )
        .unwrap();
    assert_eq!(first.order.fulfilment, Fulfilment::Partial);
    let (floor, _) = locations(&f);
    assert_eq!(
        available(&f, &ids[0], &floor),
        (9, 2, 7),
        "1 shipped, 2 still committed"
    );

    let mut p = f.shop.open_packing(&f.owner, "O1").unwrap();
    assert_eq!(p.units, 2, "the second visit packs what is left");
    scan_all(&f, &mut p, "TEE-S-SAGE", 2);
    let done = PackDone {
        carrier: "dhl".into(),
        tracking: vec!["JD014600003828".into(), "JD014600003829".into()],
        parcels: vec![parcel("0.4"), parcel("0.45")],
        ..Default::default()
    };
    let second = f.shop.complete_packing(&f.owner, &p, &done, None).unwrap();
    assert_eq!(second.order.fulfilment, Fulfilment::Fulfilled);
    let labels = f
        .shop
        .shipment_labels(&f.owner, &second.shipment_id)
        .unwrap();
    let summary: Vec<(i64, i64, &str, &str)> = labels
        .iter()
        .map(|l| (l.parcel, l.parcels, l.tracking.as_str(), l.carrier.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (1, 2, "JD014600003828", "DHL"),
            (2, 2, "JD014600003829", "DHL")
        ]
    );
    let mail = messages_of_kind(&f, &o.id, "shipment");
    assert!(
        mail[1].body.contains("https://www.dhl.com/global-en/home/tracking/tracking-parcel.html?tracking-id=JD014600003828"),
        "the tracking page from the carrier list: {}",
        mail[1].body
    );

    // A carrier's parcel without its tracking number, or with a miscount, is refused.
    let o2 = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("zoe@example.ie", vec![line("TEE-M-INK", 1)]),
        )
        .unwrap();
    let mut p = f.shop.open_packing(&f.owner, &o2.name).unwrap();
    scan_all(&f, &mut p, "TEE-M-INK", 1);
    let no_number = PackDone {
        carrier: "ups".into(),
        parcels: vec![parcel("1")],
        ..Default::default()
    };
    assert!(f
        .shop
        .complete_packing(&f.owner, &p, &no_number, None)
        .unwrap_err()
        .to_string()
        .contains("UPS label"));
    let miscount = PackDone {
        carrier: "ups".into(),
        tracking: vec!["1".into(), "2".into(), "3".into()],
        parcels: vec![parcel("1"), parcel("1")],
        ..Default::default()
    };
    assert!(f
        .shop
        .complete_packing(&f.owner, &p, &miscount, None)
        .is_err());
}

#[test]
fn held_or_cancelled_orders_do_not_open_at_the_bench() {
    let (f, _) = shop();
    let o = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("zoe@example.ie", vec![line("TEE-S-SAGE", 1)]),
        )
        .unwrap();
    let mut p = f.shop.open_packing(&f.owner, "O1").unwrap();
    scan_all(&f, &mut p, "TEE-S-SAGE", 1);
    f.shop
        .hold_order(&f.owner, &o.id, "customer called")
        .unwrap();
    let err = f.shop.open_packing(&f.owner, "O1").unwrap_err();
    assert!(matches!(err, Error::OnHold { .. }), "{err:?}");
    // Opened before the hold: completing is refused, nothing ships.
    assert!(f
        .shop
        .complete_packing(&f.owner, &p, &own_delivery(vec![parcel("1")]), None)
        .is_err());
    assert!(f.shop.open_packing(&f.owner, "O99").is_err());
}

#[test]
fn pick_lists_group_by_item_sorted_by_bin() {
    let (f, _) = shop();
    let mut mug = draft("Mug", "MUG", "9.00");
    mug.variants[0].bin = "A-01".into();
    let mug = f.shop.create_product(&f.owner, mug).unwrap();
    let (floor, _) = locations(&f);
    adjust(&f, &mug.variants[0].id, &floor, 10);
    f.shop
        .create_order(
            &f.owner,
            &order_draft("a@example.ie", vec![line("TEE-S-SAGE", 1), line("MUG", 2)]),
        )
        .unwrap();
    f.shop
        .create_order(&f.owner, &order_draft("b@example.ie", vec![line("MUG", 1)]))
        .unwrap();
    let lists = f
        .shop
        .pick_lists(&f.owner, &["O1".into(), "#2".into()], false)
        .unwrap();
    assert_eq!(lists.len(), 1);
    let rows: Vec<(&str, &str, i64, &str)> = lists[0]
        .rows
        .iter()
        .map(|r| {
            (
                r.bin.as_str(),
                r.sku.as_str(),
                r.quantity,
                r.orders.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [("A-01", "MUG", 3, "#1 ×2, #2"), ("", "TEE-S-SAGE", 1, "#1")],
        "binned items first"
    );
    assert_eq!(
        lists[0].orders,
        [
            ("#1".to_string(), "O1".to_string()),
            ("#2".to_string(), "O2".to_string())
        ]
    );
    let per_order = f
        .shop
        .pick_lists(&f.owner, &["1".into(), "2".into()], true)
        .unwrap();
    assert_eq!(
        per_order.iter().map(|l| l.units).collect::<Vec<_>>(),
        [3, 1]
    );
}

#[test]
fn dropship_lines_are_forwarded_by_email_and_ship_with_the_suppliers_tracking() {
    let (f, ids) = shop();
    let supplier = f
        .shop
        .save_supplier(
            &f.owner,
            SupplierDraft {
                name: "Print Co".into(),
                email: "orders@printco.example".into(),
                ..Default::default()
            },
        )
        .unwrap();
    f.shop
        .set_dropship_supplier(&f.owner, &ids[2], Some(&supplier.id))
        .unwrap();
    // An unknown supplier is refused.
    let err = f
        .shop
        .set_dropship_supplier(&f.owner, &ids[2], Some("no-such-supplier"))
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { what: "supplier" }), "{err}");
    let o = f
        .shop
        .create_order(
            &f.owner,
            &order_draft(
                "zoe@example.ie",
                vec![line("TEE-S-SAGE", 1), line("TEE-M-INK", 2)],
            ),
        )
        .unwrap();
    let (floor, _) = locations(&f);
    assert_eq!(
        available(&f, &ids[2], &floor).1,
        2,
        "committed until forwarded"
    );

    let sent = f.shop.forward_dropship(&f.owner, &o.id).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (
            sent[0].code.as_str(),
            sent[0].lines.len(),
            sent[0].lines[0].quantity
        ),
        ("DS-00001", 1, 2)
    );
    assert_eq!(
        available(&f, &ids[2], &floor).1,
        0,
        "forwarded units are not the shop's to keep"
    );
    assert!(
        f.shop.forward_dropship(&f.owner, &o.id).is_err(),
        "nothing left to forward"
    );
    let due = f.shop.mail_due(10).unwrap();
    let po = due
        .iter()
        .find(|m| m.to == "orders@printco.example")
        .expect("the supplier's e-mail is queued");
    assert!(matches!(&po.attachment, Some(Attachment::SupplierOrder(s)) if s.code == "DS-00001"));
    assert!(
        po.body.contains("1 Grafton Street"),
        "ship-to address in the body: {}",
        po.body
    );

    let p = f.shop.open_packing(&f.owner, "O1").unwrap();
    assert_eq!(p.units, 1, "only the shop's own item is packed");
    let order = f
        .shop
        .complete_dropship(&f.owner, &sent[0].id, "An Post", "CE000111222IE")
        .unwrap();
    assert_eq!(order.fulfilment, Fulfilment::Partial);
    assert_eq!(
        available(&f, &ids[2], &floor),
        (10, 0, 10),
        "the supplier's parcel moves no stock here"
    );
    // The parcel's delivery as the carrier reports it, on the order's shipment.
    let parcel = order.shipments.last().unwrap().id.clone();
    assert_eq!(
        order.shipments.last().unwrap().delivery.as_deref(),
        Some("in_transit")
    );
    f.shop
        .set_delivery(
            &f.owner,
            &parcel,
            shopdesk_core::packing::shipping::Delivery::Delivered,
        )
        .unwrap();
    let order = f.shop.order(&f.owner, &o.id).unwrap();
    assert_eq!(
        order.shipments.last().unwrap().delivery.as_deref(),
        Some("delivered")
    );
    assert!(
        f.shop
            .complete_dropship(&f.owner, &sent[0].id, "An Post", "X")
            .is_err(),
        "completed once"
    );
    assert_eq!(
        f.shop.supplier_orders_of(&f.owner, &o.id).unwrap()[0].status,
        "shipped"
    );
}

#[test]
fn marketplace_orders_queue_their_tracking_for_the_channel() {
    let (f, _) = shop();
    let o = f
        .shop
        .create_order(
            &f.owner,
            &OrderDraft {
                channel: "shopify".into(),
                external_id: Some("gid://shopify/Order/1".into()),
                ..order_draft("zoe@example.ie", vec![line("TEE-S-SAGE", 1)])
            },
        )
        .unwrap();
    assert_eq!(o.status, OrderStatus::Open);
    let mut p = f
        .shop
        .open_packing(&f.owner, "gid://shopify/Order/1")
        .unwrap();
    scan_all(&f, &mut p, "TEE-S-SAGE", 1);
    let packed = f
        .shop
        .complete_packing(&f.owner, &p, &own_delivery(vec![parcel("1")]), None)
        .unwrap();
    let pushes = f.shop.channel_pushes(&f.owner).unwrap();
    assert_eq!(pushes.len(), 1);
    assert_eq!(
        (pushes[0].channel.as_str(), pushes[0].shipment_id.as_deref()),
        ("shopify", Some(packed.shipment_id.as_str()))
    );
}

#[test]
fn late_orders_and_shipping_speed_follow_each_channels_promise() {
    let (f, _) = shop();
    // The fixture's clock reads Monday 2026-09-21, 14:13 UTC.
    f.shop
        .save_ship_promise(
            &f.owner,
            &ShipPromise {
                channel: "phone".into(),
                business_days: 0,
            },
        )
        .unwrap();
    let a = f
        .shop
        .create_order(
            &f.owner,
            &order_draft("a@example.ie", vec![line("TEE-S-SAGE", 1)]),
        )
        .unwrap();
    let b = f
        .shop
        .create_order(
            &f.owner,
            &OrderDraft {
                channel: "phone".into(),
                ..order_draft("b@example.ie", vec![line("TEE-S-SAGE", 1)])
            },
        )
        .unwrap();
    // The home screen counts the late ones in the store; the list reads each order's promise.
    let late = || -> Vec<String> {
        let list: Vec<String> = f
            .shop
            .late_orders(&f.owner)
            .unwrap()
            .into_iter()
            .map(|l| l.name)
            .collect();
        let home = f.shop.home(&f.owner).unwrap();
        assert_eq!((home.late, home.to_pack), (list.len() as i64, 2));
        list
    };
    assert!(late().is_empty());
    f.clock.advance_ms(6 * 3_600_000); // Monday evening: the phone order promised same-day is not late yet
    assert!(late().is_empty());
    f.clock.advance_ms(24 * 3_600_000); // Tuesday evening
    assert_eq!(
        late(),
        std::slice::from_ref(&b.name),
        "phone promised Monday; the default two days run to Wednesday night"
    );
    for o in [&a, &b] {
        let mut p = f.shop.open_packing(&f.owner, &o.name).unwrap();
        scan_all(&f, &mut p, "TEE-S-SAGE", 1);
        f.shop
            .complete_packing(&f.owner, &p, &own_delivery(vec![parcel("1")]), None)
            .unwrap();
    }
    let speed = f
        .shop
        .ship_speed(&f.owner, shopdesk_core::Timestamp(0), f.clock.now())
        .unwrap();
    let rows: Vec<(&str, i64, f64, f64)> = speed
        .iter()
        .map(|s| {
            (
                s.channel.as_str(),
                s.shipments,
                s.median_hours,
                s.on_time_percent,
            )
        })
        .collect();
    assert_eq!(rows, [("manual", 1, 30.0, 100.0), ("phone", 1, 30.0, 0.0)]);
}

#[test]
fn print_jobs_record_failures_retry_and_reprint() {
    let (f, _) = shop();
    f.shop
        .create_order(
            &f.owner,
            &order_draft("zoe@example.ie", vec![line("TEE-S-SAGE", 1)]),
        )
        .unwrap();
    let mut station = f.shop.station("Bench 2").unwrap();
    station.label_printer = "Zebra".into();
    station.print_invoice = false;
    let station = f.shop.save_station(&f.owner, &station).unwrap();
    let mut p = f.shop.open_packing(&f.owner, "O1").unwrap();
    scan_all(&f, &mut p, "TEE-S-SAGE", 1);
    let packed = f
        .shop
        .complete_packing(
            &f.owner,
            &p,
            &PackDone {
                station_id: Some(station.id.clone()),
                ..own_delivery(vec![parcel("1")])
            },
            None,
        )
        .unwrap();
    assert_eq!(
        packed.jobs.len(),
        2,
        "invoice printing is off at this station"
    );
    assert_eq!(
        (
            packed.jobs[0].printer.as_str(),
            packed.jobs[1].printer.as_str()
        ),
        ("Zebra", "")
    );
    let failed = f
        .shop
        .print_failed(&packed.jobs[0].id, "printer 'Zebra' does not exist")
        .unwrap();
    assert_eq!((failed.status.as_str(), failed.attempts), ("failed", 1));
    // A failed job's document can still be saved: the job comes with the station it was for.
    let (job, at) = f.shop.print_job(&f.owner, &failed.id).unwrap();
    assert_eq!(
        (job.id.as_str(), at.id.as_str()),
        (failed.id.as_str(), station.id.as_str())
    );
    let retried = f.shop.reprint(&f.owner, &failed.id).unwrap();
    assert_eq!(
        (retried.id.as_str(), retried.status.as_str()),
        (failed.id.as_str(), "queued"),
        "a failed job is retried in place"
    );
    let sent = f
        .shop
        .print_sent(&retried.id, "request id is Zebra-7")
        .unwrap();
    let again = f.shop.reprint(&f.owner, &sent.id).unwrap();
    assert_ne!(again.id, sent.id, "a reprint is a new job");
    assert_eq!(
        f.shop.print_jobs(&f.owner, &station.id, 10).unwrap().len(),
        3
    );
    let _: Error = f.shop.reprint(&f.owner, "nope").unwrap_err();
}

/// The counter's receipts per computer: its printer and 58 mm paper are the station's, set by
/// whoever manages settings (an owner at the till) or packs (at a bench), and by no one else.
#[test]
fn a_stations_receipt_printer_and_paper_are_kept() {
    let (f, _) = shop();
    let mut till = f.shop.station("Till 1").unwrap();
    assert!(!till.receipt_narrow, "80 mm unless set");
    till.receipt_printer = "Epson TM-T20".into();
    till.receipt_narrow = true;
    f.shop.save_station(&f.owner, &till).unwrap();
    let again = f.shop.station("Till 1").unwrap();
    assert_eq!(
        (again.receipt_printer.as_str(), again.receipt_narrow),
        ("Epson TM-T20", true)
    );
    let cal = staff(&f, "Cal", "Clerk", "1357");
    let err = f.shop.save_station(&cal, &again).unwrap_err();
    assert!(matches!(err, Error::Forbidden(_)), "{err}");
}
