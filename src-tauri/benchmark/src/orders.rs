//! The orders figures: an incoming order priced, verified and stored; an invoice issued and
//! rendered as PDF; and the inbox's first page with a filter over a million orders.

use shopdesk_core::demo::DemoRequest;
use shopdesk_core::order::{Address, InboxQuery, InboxView, OrderDraft, OrderLineDraft};
use shopdesk_core::{DbKey, Error, FixedClock, Shop};
use shopdesk_documents::invoice_pdf;
use shopdesk_testkit::stats::{median, ms_since, p99, Row};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// A benchmark's size from the environment variable `name`, else `default`.
pub fn size(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// The benchmarks' `i`th buyer's address in Dublin.
pub fn grafton_street(i: usize) -> Address {
    Address {
        name: "Zoë Müller".into(),
        line1: format!("{i} Grafton Street"),
        city: "Dublin".into(),
        postal_code: "D02 X285".into(),
        country: "IE".into(),
        ..Default::default()
    }
}

/// The `i`th incoming order of the benchmarks: three random lines of `skus`, an Irish address
/// of its own.
pub fn incoming(i: usize, skus: &[String], rng: &mut fastrand::Rng) -> OrderDraft {
    OrderDraft {
        email: format!("buyer{i}@example.ie"),
        shipping: grafton_street(i),
        lines: (0..3)
            .map(|_| OrderLineDraft {
                sku: skus[rng.usize(..skus.len())].clone(),
                quantity: 1,
                ..Default::default()
            })
            .collect(),
        shipping_method: "An Post".into(),
        shipping_price: "4.95".into(),
        ..Default::default()
    }
}

/// The orders figures, on an encrypted database when `key` is given.
pub fn run(scratch: &Path, rows: &mut Vec<Row>, key: Option<&DbKey>) -> Result<(), Error> {
    let name = if key.is_some() {
        "orders-encrypted"
    } else {
        "orders"
    };
    let shop = Shop::open_with_key(
        &scratch.join(format!("{name}.sqlite3")),
        Arc::new(FixedClock::at(1_795_392_300_000)),
        key,
    )?;
    let (owner, _, _) = shop.load_demo(&DemoRequest {
        country: "IE".into(),
    })?;
    let skus: Vec<String> = shop
        .catalog(&owner, &Default::default())?
        .items
        .into_iter()
        .map(|v| v.sku)
        .filter(|s| !s.is_empty())
        .take(50)
        .collect();
    let mut rng = fastrand::Rng::with_seed(5);
    let (mut creates, mut issues, mut pdfs) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..300 {
        let draft = incoming(i, &skus, &mut rng);
        let t = Instant::now();
        let order = shop.create_order(&owner, &draft)?;
        creates.push(ms_since(t));
        let t = Instant::now();
        let inv = shop.issue_order_invoice(&owner, &order.id)?;
        issues.push(ms_since(t));
        let t = Instant::now();
        std::hint::black_box(invoice_pdf(&inv));
        pdfs.push(ms_since(t));
    }
    rows.push(Row::new("incoming order (3 lines): priced, verified (stock, prices, address, duplicates, risk), stored, p50 / p99 (goal verify < 5 ms)", format!("{:.2} / {:.2} ms", median(&creates), p99(&creates))));
    rows.push(Row::new(
        "invoice issued (gapless number, frozen), p50 / p99",
        format!("{:.2} / {:.2} ms", median(&issues), p99(&issues)),
    ));
    rows.push(Row::new(
        "invoice PDF, A4, embedded font subset, p99 (goal < 20 ms)",
        format!("{:.2} ms", p99(&pdfs)),
    ));

    // SHOPDESK_BENCHMARK_ORDERS makes a smaller inbox for a quick run while working on orders.
    let n = size("SHOPDESK_BENCHMARK_ORDERS", 1_000_000);
    let t = Instant::now();
    shop.fill_orders_for_benchmark(n, 9)?;
    let fill = t.elapsed().as_secs_f64();
    // The orders' 50,000 addresses become customers, as a real shop's buyers come back: the
    // customers and cohorts reports then read a year of tens of thousands of buyers.
    let t = Instant::now();
    shop.fill_customers_for_benchmark(50_000, 3)?;
    let customers = t.elapsed().as_secs_f64();
    // The same incoming order, now with the inbox full: duplicates, velocity and the usual
    // order value are looked up among every order.
    let mut busy = Vec::new();
    for i in 0..100 {
        let draft = OrderDraft {
            email: format!("late{i}@example.ie"),
            shipping: Address {
                name: "Ελένη Юлия".into(),
                line1: format!("{i} Quay Street"),
                city: "Galway".into(),
                postal_code: "H91 X2Y3".into(),
                country: "IE".into(),
                ..Default::default()
            },
            lines: vec![OrderLineDraft {
                sku: skus[i % skus.len()].clone(),
                quantity: 1,
                ..Default::default()
            }],
            ..Default::default()
        };
        let t = Instant::now();
        shop.create_order(&owner, &draft)?;
        busy.push(ms_since(t));
    }
    rows.push(Row::new(
        format!("incoming order with {n} orders in the database, p50 / p99 (goal verify < 5 ms)"),
        format!("{:.2} / {:.2} ms", median(&busy), p99(&busy)),
    ));
    let mut worst = Vec::new();
    for (label, q) in [
        (
            "on hold",
            InboxQuery {
                view: InboxView::OnHold,
                ..Default::default()
            },
        ),
        (
            "to pack",
            InboxQuery {
                view: InboxView::ToPack,
                ..Default::default()
            },
        ),
        (
            "unpaid",
            InboxQuery {
                view: InboxView::Unpaid,
                ..Default::default()
            },
        ),
        (
            "channel",
            InboxQuery {
                channel: "woocommerce".into(),
                ..Default::default()
            },
        ),
        (
            "number",
            InboxQuery {
                text: format!("#{}", n / 2),
                ..Default::default()
            },
        ),
        ("all", InboxQuery::default()),
    ] {
        let mut times = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let page = shop.inbox(&owner, &q)?;
            times.push(ms_since(t));
            if page.is_empty() {
                return Err(Error::invalid(format!("the {label} view came back empty")));
            }
        }
        worst.push((p99(&times), label));
    }
    worst.sort_by(|a, b| b.0.total_cmp(&a.0));
    rows.push(Row::new(format!(
            "inbox first page (50) over {n} orders, slowest filter ({}), p99 (goal < 100 ms with 1M)",
            worst[0].1
        ), format!("{:.1} ms", worst[0].0)));
    rows.push(Row::new(
        format!("inbox first page over {n} orders, every filter"),
        worst
            .iter()
            .map(|(t, l)| format!("{l} {t:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
            + " ms",
    ));
    rows.push(Row::new(
        format!("{n} synthetic orders written (one transaction)"),
        format!("{fill:.1} s"),
    ));
    rows.push(Row::new(
        "50000 customers written and the orders linked to them (one transaction)",
        format!("{customers:.1} s"),
    ));
    // The reports also read three years of counter trade (SHOPDESK_BENCHMARK_SALE_LINES for less).
    let lines = size("SHOPDESK_BENCHMARK_SALE_LINES", 1_000_000);
    let t = Instant::now();
    shop.fill_counter_for_benchmark(lines, 11)?;
    rows.push(Row::new(
        format!("{lines} synthetic counter sale lines written (one transaction)"),
        format!("{:.1} s", t.elapsed().as_secs_f64()),
    ));
    crate::reports::run(&shop, &owner, n, rows)
}
