//! The customers figures: the list (F6) searched over 100,000 customers — by name, e-mail,
//! phone digits, postcode and order number — and its first page sorted by lifetime value and by
//! last purchase, the figures coming from 200,000 orders linked to them.

use shopdesk_core::customer::list::{CustomerQuery, CustomerSort};
use shopdesk_core::demo::DemoRequest;
use shopdesk_core::{Error, FixedClock, Shop};
use shopdesk_testkit::stats::{median, ms_since, p99, Row};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

const CUSTOMERS: u32 = 100_000;

pub fn run(scratch: &Path, rows: &mut Vec<Row>) -> Result<(), Error> {
    let shop = Shop::open(
        &scratch.join("customers.sqlite3"),
        Arc::new(FixedClock::at(1_795_392_300_000)),
    )?;
    let (owner, _, _) = shop.load_demo(&DemoRequest {
        country: "IE".into(),
    })?;
    let t = Instant::now();
    shop.fill_orders_for_benchmark(200_000, 9)?;
    shop.fill_customers_for_benchmark(CUSTOMERS, 3)?;
    let filled = ms_since(t);
    let mut rng = fastrand::Rng::with_seed(17);
    let mut searches = Vec::new();
    for i in 0..400 {
        let text = match i % 5 {
            0 => ["byrne", "oisin", "zoe muller", "patel", "chloe dub"][rng.usize(..5)].to_string(),
            1 => format!("customer{}@example", rng.u32(..CUSTOMERS)),
            2 => format!("{:04}", rng.u32(..10_000)),
            3 => format!("D{:02}", rng.u32(1..25)),
            _ => format!("#{}", rng.u32(1..200_000)),
        };
        let q = CustomerQuery {
            text,
            limit: 100,
            ..CustomerQuery::default()
        };
        let t = Instant::now();
        let page = shop.customer_list(&owner, &q)?;
        searches.push(ms_since(t));
        std::hint::black_box(page);
    }
    rows.push(Row::new(
        format!(
            "customer search over {}k customers (name, e-mail, phone, postcode, order number), first 100 + count, p50 / p99 (goal p99 < 20 ms)",
            CUSTOMERS / 1000
        ),
        format!("{:.1} / {:.1} ms", median(&searches), p99(&searches)),
    ));
    let mut sorted = Vec::new();
    for i in 0..60 {
        let q = CustomerQuery {
            sort: if i % 2 == 0 {
                CustomerSort::Value
            } else {
                CustomerSort::LastPurchase
            },
            tag: (i % 3 == 0).then(|| "vip".to_string()),
            limit: 100,
            ..CustomerQuery::default()
        };
        let t = Instant::now();
        std::hint::black_box(shop.customer_list(&owner, &q)?);
        sorted.push(ms_since(t));
    }
    rows.push(Row::new(
        "customer list's first page sorted by lifetime value or last purchase (some by tag), p99",
        format!("{:.1} ms", p99(&sorted)),
    ));
    rows.push(Row::new(
        format!(
            "{}k customers and 200k orders written and linked (one transaction each)",
            CUSTOMERS / 1000
        ),
        format!("{:.1} s", filled / 1000.0),
    ));
    Ok(())
}
