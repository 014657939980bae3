mod common;
use shopdesk_core::channel::{NewChannel, Pulled, RemoteLine, RemoteOrder};
use shopdesk_core::order::{Address, OrderDraft, OrderLineDraft};
use shopdesk_core::Timestamp;
use std::time::Instant;
fn remote(i: usize) -> RemoteOrder {
    RemoteOrder {
        external_id: format!("gid://shopify/Order/{i}"),
        number: format!("#{}", 1000 + i),
        updated_at: Timestamp(1_795_000_000_000 + i as i64 * 1000),
        currency: "EUR".into(),
        email: format!("buyer{}@example.ie", i),
        shipping: Address {
            name: "Aoife Byrne".into(),
            line1: format!("{} Grafton Street", i),
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

fn draft(i: usize, skus: &[String], rng: &mut fastrand::Rng) -> OrderDraft {
    OrderDraft {
        email: format!("buyer{i}@example.ie"),
        shipping: Address {
            name: format!("B {i}"),
            line1: format!("{i} Grafton Street"),
            city: "Dublin".into(),
            postal_code: "D02 X285".into(),
            country: "IE".into(),
            ..Default::default()
        },
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

#[test]
fn probe() {
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        station,
        mut shared,
    } = common::stations::demo_pair(dir.path(), 0, 0);
    let skus: Vec<String> = standalone
        .catalog(&owner, &Default::default())
        .unwrap()
        .items
        .into_iter()
        .map(|v| v.sku)
        .filter(|s| !s.is_empty())
        .take(50)
        .collect();
    let mut rng = fastrand::Rng::with_seed(1);
    if false {
        shared
            .client
            .batch_execute(
                r#"
CREATE OR REPLACE FUNCTION customer_stats_refresh(customer TEXT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO customer_stats SELECT * FROM customer_figures WHERE customer_id = customer
    ON CONFLICT (customer_id) DO UPDATE
    SET orders = excluded.orders, value_minor = excluded.value_minor,
        first_at = excluded.first_at, last_at = excluded.last_at;
END $$;
CREATE OR REPLACE FUNCTION report_stale_mark(at BIGINT) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_stale (hour) SELECT at - at % 3600000 WHERE at IS NOT NULL
    ON CONFLICT DO NOTHING;
END $$;
"#,
            )
            .unwrap();
    }
    for (name, shop) in [("file", &standalone), ("server", &station)] {
        let t = Instant::now();
        for i in 0..200 {
            shop.create_order(&owner, &draft(i, &skus, &mut rng))
                .unwrap();
        }
        eprintln!(
            "{name}: {:.2} ms/order",
            t.elapsed().as_secs_f64() * 1000.0 / 200.0
        );
    }
    for (name, shop) in [("file", &standalone), ("server", &station)] {
        let ch = shop
            .add_channel(
                &owner,
                &NewChannel {
                    name: format!("shopify"),
                    kind: "shopify".into(),
                    base_url: format!("https://{name}.myshopify.com"),
                    interval_secs: 0,
                },
            )
            .unwrap();
        let pages: Vec<Vec<Pulled>> = (0..1000)
            .map(|i| Pulled::Order(Box::new(remote(i))))
            .collect::<Vec<_>>()
            .chunks(50)
            .map(<[Pulled]>::to_vec)
            .collect();
        if name == "server" {
            shared
                .client
                .execute("ALTER SYSTEM SET log_min_duration_statement = 0", &[])
                .unwrap();
            shared
                .client
                .execute("SELECT pg_reload_conf()", &[])
                .unwrap();
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
        let t = Instant::now();
        for p in &pages[..4] {
            shop.ingest_orders(&ch.id, p).unwrap();
        }
        eprintln!(
            "{name} ingest: {:.2} ms/order",
            t.elapsed().as_secs_f64() * 1000.0 / 200.0
        );
    }
    let data: String = shared
        .client
        .query_one("SHOW data_directory", &[])
        .unwrap()
        .get(0);
    let log = std::fs::read_to_string(
        std::path::Path::new(&data)
            .parent()
            .unwrap()
            .join("server.log"),
    )
    .unwrap();
    std::fs::write("/tmp/probe_server.log", &log).unwrap();
    return;
    let st = shared
        .client
        .prepare("SELECT currency FROM shop WHERE id = 1")
        .unwrap();
    let t = Instant::now();
    for _ in 0..2000 {
        shared.client.query_one(&st, &[]).unwrap();
    }
    eprintln!(
        "direct round trip: {:.1} us",
        t.elapsed().as_secs_f64() * 1e6 / 2000.0
    );
    let data: String = shared
        .client
        .query_one("SHOW data_directory", &[])
        .unwrap()
        .get(0);
    shared
        .client
        .execute("ALTER SYSTEM SET log_min_duration_statement = 0", &[])
        .unwrap();
    shared
        .client
        .execute("SELECT pg_reload_conf()", &[])
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let t = Instant::now();
    for i in 1000..1100 {
        station
            .create_order(&owner, &draft(i, &skus, &mut rng))
            .unwrap();
    }
    eprintln!(
        "server logged: {:.2} ms/order",
        t.elapsed().as_secs_f64() * 1000.0 / 100.0
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let log = std::fs::read_to_string(
        std::path::Path::new(&data)
            .parent()
            .unwrap()
            .join("server.log"),
    )
    .unwrap();
    std::fs::write("/tmp/probe_server.log", &log).unwrap();
}
