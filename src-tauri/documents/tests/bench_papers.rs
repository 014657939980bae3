//! The packing bench's papers read back with poppler and zbar: label page sizes (4 × 6 in, A6,
//! two per A4), the tracking barcode decoding from a 203 dpi rendering for several carriers'
//! number formats, packing slip and pick list text and their order barcodes, the dropship order;
//! and printing through a real CUPS scheduler with a cups-pdf queue.

use shopdesk_core::order::OrderDraft;
use shopdesk_core::packing::shipping::LabelSize;
use shopdesk_core::packing::{Label, PackDone, ParcelDraft};
use shopdesk_core::{Session, Shop};
use shopdesk_documents::{labels_pdf, packing_slip_pdf, pick_lists_pdf, print_jobs};
use std::path::Path;

mod common;
use common::cups::{barcodes, cups_pdf_output, page_sizes, Cups};
use common::{harbour_gifts, run, stocked};

fn text(pdf: &Path) -> String {
    run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

fn label(tracking: &str, parcel: i64, of: i64) -> Label {
    Label {
        sender: vec![
            "Harbour Gifts".into(),
            "2 Quay Street".into(),
            "Galway H91 X2Y3".into(),
        ],
        recipient: vec![
            "Zoë Müller".into(),
            "Hauptstraße 5".into(),
            "10115 Berlin".into(),
            "GERMANY".into(),
        ],
        carrier: "DHL".into(),
        service: "Parcel International".into(),
        weight: "1.25 kg".into(),
        order_name: "#1042".into(),
        parcel,
        parcels: of,
        tracking: tracking.into(),
        date: "2026-11-22".into(),
        express: false,
    }
}

#[test]
fn four_by_six_labels_decode_at_203_dpi_for_every_carrier_format() {
    let dir = tempfile::tempdir().unwrap();
    // Own delivery, UPS, USPS (22 digits), Royal Mail, DHL Express (10 digits).
    let numbers = [
        "SD0000000018",
        "1Z999AA10123456784",
        "9400111899223334445566",
        "AB123456789GB",
        "1234567890",
    ];
    let labels: Vec<Label> = numbers
        .iter()
        .enumerate()
        .map(|(i, t)| label(t, i as i64 + 1, 5))
        .collect();
    let path = dir.path().join("labels.pdf");
    std::fs::write(&path, labels_pdf(&labels, LabelSize::FourBySix)).unwrap();
    let sizes = page_sizes(&path);
    assert_eq!(sizes.len(), 5, "one page per parcel");
    assert!(
        sizes.iter().all(|s| s == "288 x 432 pts"),
        "4 × 6 in pages: {sizes:?}"
    );
    for (i, t) in numbers.iter().enumerate() {
        assert_eq!(
            barcodes(&path, i as u32 + 1, 203),
            [t.to_string()],
            "page {} at 203 dpi",
            i + 1
        );
    }
    let t = text(&path);
    for want in [
        "Zoë Müller",
        "10115 Berlin",
        "GERMANY",
        "DHL",
        "Parcel International",
        "#1042",
        "1.25 kg",
        "1 of 5",
        "5 of 5",
        "1Z999AA10123456784",
    ] {
        assert!(t.contains(want), "label text has {want:?}:\n{t}");
    }
}

#[test]
fn a6_and_two_up_a4_sheets_hold_the_same_labels() {
    let dir = tempfile::tempdir().unwrap();
    let labels: Vec<Label> = (1..=3)
        .map(|i| label(&format!("SD00000000{i}5"), i, 3))
        .collect();
    let a6 = dir.path().join("a6.pdf");
    std::fs::write(&a6, labels_pdf(&labels, LabelSize::A6)).unwrap();
    assert_eq!(page_sizes(&a6), vec!["297.64 x 419.53 pts"; 3], "A6 pages");
    assert_eq!(barcodes(&a6, 2, 203), ["SD0000000025"]);
    let a4 = dir.path().join("a4.pdf");
    std::fs::write(&a4, labels_pdf(&labels, LabelSize::A4Two)).unwrap();
    assert_eq!(
        page_sizes(&a4),
        vec!["595.28 x 841.89 pts (A4)"; 2],
        "three labels, two per sheet"
    );
    let mut first = barcodes(&a4, 1, 203);
    first.sort();
    assert_eq!(
        first,
        ["SD0000000015", "SD0000000025"],
        "both halves of the sheet decode"
    );
}

/// Two open orders: #1 for 2 mugs and 3 tea towels, #2 for 1 mug.
fn shop_with_two_orders(dir: &Path) -> (Shop, Session) {
    let (shop, owner, _) = harbour_gifts(dir, "IE", "EUR");
    stocked(&shop, &owner, "Enamel Mug", "MUG", "A-02", 20);
    stocked(&shop, &owner, "Linen Tea Towel", "TOWEL", "B-11", 20);
    for lines in [vec![("MUG", 2), ("TOWEL", 3)], vec![("MUG", 1)]] {
        let draft = OrderDraft {
            shipping_method: "An Post".into(),
            ..shopdesk_testkit::shop::dublin_order(&lines)
        };
        shop.create_order(&owner, &draft).unwrap();
    }
    (shop, owner)
}

#[test]
fn packing_slips_and_pick_lists_carry_scannable_order_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (shop, owner) = shop_with_two_orders(dir.path());
    let lists = shop
        .pick_lists(&owner, &["1".into(), "2".into()], false)
        .unwrap();
    let pick = dir.path().join("pick.pdf");
    std::fs::write(&pick, pick_lists_pdf(&lists)).unwrap();
    let t = text(&pick);
    assert!(t.contains("Pick list: 2 orders"), "{t}");
    let mug = t.lines().find(|l| l.contains("Enamel Mug")).unwrap();
    assert!(
        mug.contains("A-02") && mug.contains(" 3 ") && mug.contains("#1 ×2, #2"),
        "grouped row: {mug}"
    );
    assert!(
        t.find("A-02").unwrap() < t.find("B-11").unwrap(),
        "sorted by bin"
    );
    let mut codes = barcodes(&pick, 1, 150);
    codes.sort();
    assert_eq!(
        codes,
        ["O1", "O2"],
        "each order's barcode on the batch list"
    );

    // Ship part of order 1, then read its slip.
    let mut p = shop.open_packing(&owner, "O1").unwrap();
    shop.pack_scan(&mut p, "MUG").unwrap();
    let done = PackDone {
        carrier: "own".into(),
        parcels: vec![ParcelDraft {
            weight: "0.6".into(),
            preset: String::new(),
        }],
        partial: true,
        ..Default::default()
    };
    let packed = shop.complete_packing(&owner, &p, &done, None).unwrap();
    let slip = shop.packing_slip(&owner, &packed.shipment_id).unwrap();
    let path = dir.path().join("slip.pdf");
    std::fs::write(&path, packing_slip_pdf(&slip)).unwrap();
    assert_eq!(page_sizes(&path), ["595.28 x 841.89 pts (A4)"]);
    let t = text(&path);
    assert!(
        t.contains("PACKING SLIP") && t.contains("Zoë Müller") && t.contains("D02 X285"),
        "{t}"
    );
    let towel = t.lines().find(|l| l.contains("Linen Tea Towel")).unwrap();
    assert!(
        towel.trim_end().ends_with('3'),
        "3 towels to follow: {towel}"
    );
    assert!(t.contains("separate parcel"));
    assert_eq!(barcodes(&path, 1, 150), ["O1"]);
}

#[test]
fn a_completed_parcel_prints_label_slip_and_invoice_through_cups() {
    let cups = Cups::start();
    let since = std::time::SystemTime::now() - std::time::Duration::from_secs(1);
    let dir = tempfile::tempdir().unwrap();
    let (shop, owner) = shop_with_two_orders(dir.path());
    let mut station = shop.station("Bench CUPS").unwrap();
    station.label_printer = "shopdesk-labels".into();
    station.document_printer = "shopdesk-docs".into();
    let station = shop.save_station(&owner, &station).unwrap();
    let mut p = shop.open_packing(&owner, "O2").unwrap();
    shop.pack_scan(&mut p, "MUG").unwrap();
    let done = PackDone {
        carrier: "own".into(),
        parcels: vec![ParcelDraft {
            weight: "0.5".into(),
            preset: String::new(),
        }],
        station_id: Some(station.id.clone()),
        ..Default::default()
    };
    let packed = shop.complete_packing(&owner, &p, &done, None).unwrap();
    let jobs = print_jobs(&shop, &owner, &station, &packed.jobs).unwrap();
    assert!(jobs.iter().all(|j| j.status == "sent"), "{jobs:?}");
    let label = cups_pdf_output(&cups.out, jobs[0].spooler.as_deref().unwrap(), since);
    assert_eq!(
        page_sizes(&label),
        ["288 x 432 pts"],
        "4 × 6 in media, not shrunk onto A4"
    );
    assert_eq!(barcodes(&label, 1, 203), [packed.tracking[0].clone()]);
    // cups-pdf re-distills through Ghostscript into Type 3 fonts without a text layer, so the
    // slip is recognised by its order barcode and both documents by their A4 pages.
    let slip = cups_pdf_output(&cups.out, jobs[1].spooler.as_deref().unwrap(), since);
    assert_eq!(
        page_sizes(&slip),
        ["595 x 842 pts (A4)"],
        "the PPD's A4 media"
    );
    assert_eq!(barcodes(&slip, 1, 150), ["O2"]);
    let invoice = cups_pdf_output(&cups.out, jobs[2].spooler.as_deref().unwrap(), since);
    assert_eq!(page_sizes(&invoice), ["595 x 842 pts (A4)"]);

    // A printer that does not exist: the job fails with the spooler's reason and can be retried.
    let mut broken = station.clone();
    broken.label_printer = "no-such-printer".into();
    let broken = shop.save_station(&owner, &broken).unwrap();
    let job = shop.reprint(&owner, &jobs[0].id).unwrap();
    let failed = print_jobs(&shop, &owner, &broken, &[job])
        .unwrap()
        .remove(0);
    assert_eq!(failed.status, "failed");
    assert!(
        failed
            .last_error
            .as_deref()
            .unwrap()
            .contains("no-such-printer"),
        "{failed:?}"
    );
    drop(cups);
}
