//! The marketplace sync's figure in core: 5,000 marketplace orders read into Shopdesk (mapped,
//! priced, verified, committed and stored with their raw payload and exactly-once key) in pages
//! of 50, beside a raw SQLite insert of the same rows (order, line and payload, one transaction
//! per page), so the cost of the rules is visible.

use shopdesk_core::channel::{Channel, NewChannel, Pulled, RemoteLine, RemoteOrder};
use shopdesk_core::demo::DemoRequest;
use shopdesk_core::order::Address;
use shopdesk_core::{Error, FixedClock, Session, Shop, Timestamp};
use shopdesk_testkit::stats::Row;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

const ORDERS: usize = 5_000;
const PAGE: usize = 50;

fn buyer(i: usize) -> usize {
    if i % 10 == 9 {
        i / 10
    } else {
        i
    }
}

/// Marketplace order `i`, as a connector hands it to core.
pub fn remote(i: usize) -> RemoteOrder {
    RemoteOrder {
        external_id: format!("gid://shopify/Order/{i}"),
        number: format!("#{}", 1000 + i),
        updated_at: Timestamp(1_795_000_000_000 + i as i64 * 1000),
        currency: "EUR".into(),
        // A shop's week: most buyers are new, one order in ten is from a returning one.
        email: format!("buyer{}@example.ie", buyer(i)),
        shipping: Address {
            name: "Aoife Byrne".into(),
            line1: format!("{} Grafton Street", buyer(i)),
            city: "Dublin".into(),
            postal_code: "D02 X285".into(),
            country: "IE".into(),
            ..Default::default()
        },
        lines: vec![RemoteLine {
            remote_id: format!("gid://shopify/LineItem/{i}"),
            sku: "EMUG-CHARCOAL".into(),
            title: "Enamel Mug".into(),
            quantity: 1,
            unit_price_minor: 1800,
            discount_minor: 0,
        }],
        shipping_method: "An Post".into(),
        shipping_minor: 500,
        total_minor: 2300,
        paid: true,
        raw: serde_json::json!({ "id": i, "note": "x".repeat(800) }),
        ..Default::default()
    }
}

/// A Shopify channel of the bench's, named `name`, on `shop`.
pub fn channel(shop: &Shop, owner: &Session, name: &str) -> Result<Channel, Error> {
    shop.add_channel(
        owner,
        &NewChannel {
            name: name.into(),
            kind: "shopify".into(),
            base_url: format!("https://{name}.myshopify.com"),
            interval_secs: 0,
        },
    )
}

pub fn run(scratch: &Path, rows: &mut Vec<Row>) -> Result<(), Error> {
    let shop = Shop::open(
        &scratch.join("sync.sqlite3"),
        Arc::new(FixedClock::at(1_795_392_300_000)),
    )?;
    let (owner, _, _) = shop.load_demo(&DemoRequest {
        country: "IE".into(),
    })?;
    let ch = channel(&shop, &owner, "shopify")?;
    let pages: Vec<Vec<Pulled>> = (0..ORDERS)
        .map(|i| Pulled::Order(Box::new(remote(i))))
        .collect::<Vec<_>>()
        .chunks(PAGE)
        .map(<[Pulled]>::to_vec)
        .collect();
    let started = Instant::now();
    let mut created = 0;
    for p in &pages {
        created += shop.ingest_orders(&ch.id, p)?.created;
    }
    let ingest = started.elapsed().as_secs_f64();
    if created != ORDERS as i64 {
        return Err(Error::Conflict(format!(
            "the bench made {created} orders, not {ORDERS}"
        )));
    }

    // The same rows, raw: no mapping, no rules, no verification.
    let raw = rusqlite::Connection::open(scratch.join("raw.sqlite3"))?;
    raw.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE o (id TEXT PRIMARY KEY, channel TEXT, external_id TEXT, email TEXT, shipping TEXT,
             total INTEGER, updated_at INTEGER, payload TEXT, UNIQUE (channel, external_id));
         CREATE TABLE l (order_id TEXT, sku TEXT, quantity INTEGER, price INTEGER);",
    )?;
    let started = Instant::now();
    for chunk in (0..ORDERS).collect::<Vec<_>>().chunks(PAGE) {
        let tx = raw.unchecked_transaction()?;
        for &i in chunk {
            let o = remote(i);
            tx.execute(
                "INSERT INTO o VALUES (?1, 'shopify', ?2, ?3, ?4, ?5, ?6, ?7)",
                rusqlite::params![
                    i.to_string(),
                    o.external_id,
                    o.email,
                    serde_json::to_string(&o.shipping).unwrap_or_default(),
                    o.total_minor,
                    o.updated_at.0,
                    o.raw.to_string()
                ],
            )?;
            tx.execute(
                "INSERT INTO l VALUES (?1, 'EMUG-CHARCOAL', 1, 1800)",
                [i.to_string()],
            )?;
        }
        tx.commit()?;
    }
    let raw_s = started.elapsed().as_secs_f64();
    rows.push(Row::new(format!("marketplace orders ingested in core (map, price, verify, commit stock, store), {ORDERS} in pages of {PAGE}"), format!("{:.0} orders/s ({:.2} s); raw SQLite insert of the same rows {:.0} orders/s, {:.1}× faster", ORDERS as f64 / ingest, ingest, ORDERS as f64 / raw_s, ingest / raw_s)).against("≥ 5,000 orders/s"));
    Ok(())
}
