//! Receipts and Z reports read back: the PDF's page size and text (pdftotext), and the receipt
//! barcode decoded from a rendering (pdftoppm + zbarimg), as a scanner at the counter would.

use shopdesk_core::product::{ProductDraft, VariantDraft};
use shopdesk_core::sale::{SaleEdit, TenderDraft, TenderKind};
use shopdesk_core::shift::DenominationCount;
use shopdesk_core::shop::NewShop;
use shopdesk_core::stock::StockAdjustment;
use shopdesk_core::{FixedClock, Shop};
use shopdesk_documents::{receipt_pdf, z_report_pdf, Paper};
use std::process::Command;
use std::sync::Arc;

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is needed (poppler-utils / zbar-tools): {e}"));
    assert!(
        out.status.success(),
        "{cmd} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_receipt_and_a_z_report_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let shop = Shop::open(
        &dir.path().join("s.sqlite3"),
        Arc::new(FixedClock::at(1_795_392_300_000)),
    )
    .unwrap();
    let (owner, _) = shop
        .create_shop(NewShop {
            name: "Harbour Gifts".into(),
            currency: "EUR".into(),
            country: "IE".into(),
            owner_name: "Nora".into(),
            owner_pin: "2468".into(),
        })
        .unwrap();
    let p = shop
        .create_product(
            &owner,
            ProductDraft {
                title: "Café Mug".into(),
                variants: vec![VariantDraft {
                    sku: "MUG".into(),
                    price: "12.30".into(),
                    ..Default::default()
                }],
                ..Default::default()
            },
        )
        .unwrap();
    let floor = shop.locations(&owner).unwrap()[0].id.clone();
    shop.adjust_stock(
        &owner,
        StockAdjustment {
            variant_id: p.variants[0].id.clone(),
            location_id: floor,
            delta: 5,
            note: "in".into(),
        },
    )
    .unwrap();
    shop.open_shift(&owner, "50").unwrap();
    let s = shop.new_sale(&owner).unwrap();
    shop.edit_sale(&owner, &s.id, &SaleEdit::Scan { code: "MUG".into() }, None)
        .unwrap();
    shop.edit_sale(&owner, &s.id, &SaleEdit::Scan { code: "MUG".into() }, None)
        .unwrap();
    let cash = TenderDraft {
        kind: Some(TenderKind::Cash),
        amount: "30".into(),
        ..Default::default()
    };
    shop.complete_sale(&owner, &s.id, &[cash]).unwrap();

    let receipt = shop.receipt(&owner, &s.id).unwrap();
    for (paper, width_pt) in [(Paper::Roll80, "226.772"), (Paper::Roll58, "164.409")] {
        let pdf = receipt_pdf(&receipt, paper);
        let path = dir.path().join("receipt.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let info = run("pdfinfo", &[path.to_str().unwrap()]);
        assert!(
            info.contains(&format!("Page size:       {width_pt} x")),
            "{info}"
        );
        let text = run("pdftotext", &["-layout", path.to_str().unwrap(), "-"]);
        for expected in [
            "Harbour Gifts",
            "R00000001",
            "Café Mug",
            "2 x 12.30",
            "TOTAL",
            "24.60",
            "VAT 23% on 20.00",
            "4.60",
            "Cash (given 30.00)",
            "Change",
            "5.40",
            "Returns within 30 days",
        ] {
            assert!(
                text.contains(expected),
                "{expected:?} missing from the receipt:\n{text}"
            );
        }
        let png = dir.path().join("receipt");
        run(
            "pdftoppm",
            &[
                "-r",
                "300",
                "-png",
                "-singlefile",
                path.to_str().unwrap(),
                png.to_str().unwrap(),
            ],
        );
        let decoded = run(
            "zbarimg",
            &[
                "--quiet",
                "--raw",
                dir.path().join("receipt.png").to_str().unwrap(),
            ],
        );
        assert_eq!(
            decoded.trim(),
            "R00000001",
            "the receipt barcode scans back to its number"
        );
    }

    let z = shop
        .close_shift(
            &owner,
            &[
                DenominationCount {
                    denomination_minor: 5000,
                    count: 1,
                },
                DenominationCount {
                    denomination_minor: 2000,
                    count: 1,
                },
            ],
        )
        .unwrap();
    let path = dir.path().join("z.pdf");
    std::fs::write(&path, z_report_pdf(&z, Paper::Roll80)).unwrap();
    let text = run("pdftotext", &["-layout", path.to_str().unwrap(), "-"]);
    for expected in [
        "Z REPORT - SHIFT 1",
        "Sales (1)",
        "24.60",
        "Expected",
        "74.60",
        "Counted",
        "70.00",
        "SHORT",
        "-4.60",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from the Z report:\n{text}"
        );
    }
}
