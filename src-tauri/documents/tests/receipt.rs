//! Receipts and Z reports read back: the PDF's page size and text (pdftotext), and the receipt
//! barcode decoded from a rendering (pdftoppm + zbarimg), as a scanner at the counter would.

use shopdesk_core::sale::shift::DenominationCount;
use shopdesk_core::sale::{SaleEdit, TenderDraft, TenderKind};
use shopdesk_documents::{receipt_pdf, z_report_pdf, Paper};

mod common;
use common::{harbour_gifts, run, stocked};

#[test]
fn a_receipt_and_a_z_report_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let (shop, owner, _) = harbour_gifts(dir.path(), "IE", "EUR");
    stocked(&shop, &owner, "Café Mug", "MUG", "", 5);
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
