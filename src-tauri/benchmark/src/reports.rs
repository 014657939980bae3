//! The reports figures: every report over a month, a quarter and a year of the orders bench's
//! million orders and million counter sale lines, with its CSV, and the home screen.

use shopdesk_core::report::{Compare, ReportName, ReportQuery};
use shopdesk_core::{Error, Session, Shop};
use shopdesk_testkit::stats::{ms_since, p99, Row};
use std::time::Instant;

/// A month, a quarter and a year of the benchmark shops' history, each compared with the one
/// before.
pub fn periods() -> [(&'static str, ReportQuery); 3] {
    [
        ("month", "2026-10-01", "2026-10-31"),
        ("quarter", "2026-07-01", "2026-09-30"),
        ("year", "2025-11-01", "2026-10-31"),
    ]
    .map(|(label, from, to)| {
        (
            label,
            ReportQuery {
                from: from.into(),
                to: to.into(),
                compare: Compare::Previous,
                ..ReportQuery::default()
            },
        )
    })
}

/// Each report over `q` with its CSV: its p99 of three, and its name.
pub fn every_report(
    shop: &Shop,
    owner: &Session,
    q: &ReportQuery,
) -> Result<Vec<(f64, &'static str)>, Error> {
    let mut out = Vec::new();
    for name in ReportName::ALL {
        let mut times = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let report = shop.report(owner, name, q)?;
            std::hint::black_box(report.to_csv()?);
            times.push(ms_since(t));
        }
        out.push((p99(&times), name.slug()));
    }
    Ok(out)
}

pub fn run(shop: &Shop, owner: &Session, orders: u32, rows: &mut Vec<Row>) -> Result<(), Error> {
    // The hours' sums of a history written straight to the tables are made once, as a shop
    // upgraded to them with years of trade makes them on its first report.
    let t = Instant::now();
    shop.fold_report_hours(owner)?;
    rows.push(Row::new(
        "hour sums of the reports made from the whole history (once, on upgrade or bulk load)",
        format!("{:.1} s", t.elapsed().as_secs_f64()),
    ));
    for (label, q) in periods() {
        let mut worst = every_report(shop, owner, &q)?;
        worst.sort_by(|a, b| b.0.total_cmp(&a.0));
        // Drilling into a row: the best seller's documents, a middling product's, and the
        // busiest channel's (a row read from the days it has sums on).
        let products = shop.report(owner, ReportName::Products, &q)?;
        let channels = shop.report(owner, ReportName::Channels, &q)?;
        let mut drills = Vec::new();
        for (who, name, row) in [
            ("best seller", ReportName::Products, products.rows.first()),
            (
                "median product",
                ReportName::Products,
                products.rows.get(products.rows.len() / 2),
            ),
            (
                "busiest channel",
                ReportName::Channels,
                channels.rows.first(),
            ),
        ] {
            let Some(row) = row else { continue };
            let t = Instant::now();
            let docs = shop.report_documents(owner, name, &q, &row.key)?;
            drills.push(format!(
                "{who} {:.0} ms ({} documents)",
                ms_since(t),
                docs.len()
            ));
        }
        rows.push(Row::new(
            format!("report with CSV over {orders} orders and the counter lines, a {label} compared with the one before, slowest ({}), p99 (goal < 300 ms)", worst[0].1),
            format!("{:.0} ms", worst[0].0),
        ));
        rows.push(Row::new(
            format!("documents behind a row, a {label}"),
            drills.join(", "),
        ));
        rows.push(Row::new(
            format!("every report, a {label}"),
            worst
                .iter()
                .map(|(t, l)| format!("{l} {t:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
                + " ms",
        ));
    }
    let mut times = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        std::hint::black_box(shop.home(owner)?);
        times.push(ms_since(t));
    }
    rows.push(Row::new(
        format!("home screen over {orders} orders, p99 (goal < 100 ms)"),
        format!("{:.1} ms", p99(&times)),
    ));
    Ok(())
}
