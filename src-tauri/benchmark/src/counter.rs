//! The counter's figures on the 100k-variant shop: scan to priced cart, completing a sale, and
//! rendering its receipt PDF.

use shopdesk_core::sale::{SaleEdit, TenderDraft, TenderKind};
use shopdesk_core::stock::StockAdjustment;
use shopdesk_core::{Error, Session, Shop};
use shopdesk_documents::{receipt_pdf, Paper};
use shopdesk_testkit::stats::{ms_since, p99, Row};
use std::time::Instant;

pub fn run(
    shop: &Shop,
    owner: &Session,
    codes: &[String],
    rows: &mut Vec<Row>,
) -> Result<(), Error> {
    let location = shop.locations(owner)?[0].id.clone();
    let mut rng = fastrand::Rng::with_seed(11);
    let stocked: Vec<&String> = (0..300).map(|_| &codes[rng.usize(..codes.len())]).collect();
    for code in &stocked {
        let v = shop
            .lookup(owner, code)?
            .ok_or(Error::NotFound { what: "variant" })?;
        shop.adjust_stock(
            owner,
            StockAdjustment {
                variant_id: v.variant_id,
                location_id: location.clone(),
                delta: 100,
                note: "bench".into(),
            },
        )?;
    }
    shop.open_shift(owner, "100")?;
    let (mut scans, mut commits, mut pdfs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..300 {
        let sale = shop.new_sale(owner)?;
        for _ in 0..3 {
            let code = stocked[rng.usize(..stocked.len())].clone();
            let t = Instant::now();
            std::hint::black_box(shop.edit_sale(
                owner,
                &sale.id,
                &SaleEdit::Scan { code },
                None,
            )?);
            scans.push(ms_since(t));
        }
        let cash = TenderDraft {
            kind: Some(TenderKind::Cash),
            ..TenderDraft::default()
        };
        let t = Instant::now();
        shop.complete_sale(owner, &sale.id, &[cash])?;
        commits.push(ms_since(t));
        let t = Instant::now();
        let pdf = receipt_pdf(&shop.receipt(owner, &sale.id)?, Paper::Roll80);
        pdfs.push(ms_since(t));
        std::hint::black_box(pdf);
    }
    rows.push(Row::new(
        "counter scan -> line added and cart priced in core (one transaction), p99",
        format!("{:.2} ms", p99(&scans)),
    ));
    rows.push(Row::new(
        "complete sale commit (3 lines, stock, tender, journal), p99 (goal < 10 ms)",
        format!("{:.2} ms", p99(&commits)),
    ));
    rows.push(Row::new(
        "receipt PDF, 80 mm, read + render, p99 (goal < 20 ms)",
        format!("{:.2} ms", p99(&pdfs)),
    ));
    Ok(())
}
