//! Marketplace channels on the shop's server: a channel connected, its listings matched, pages
//! of orders taken in exactly once (a page served twice, a refund, a quarantined order), stock
//! and tracking queued and acknowledged, an unknown SKU linked and the health panel read — alike
//! on the standalone file and on a station of the same shop shared; and the sync itself run by
//! one station at a time, which any station's "Sync now" reaches and another takes over when it
//! leaves or closes.

mod common;

use common::orders::remote_order;
use shopdesk_core::channel::{NewChannel, Pulled, RemoteListing, RemoteOrder, RemoteRefund};
use shopdesk_core::order::ShipmentDraft;
use shopdesk_core::server::Job;
use shopdesk_core::{FixedClock, Session, Shop, Timestamp};
use std::sync::Arc;
use std::time::{Duration, Instant};

const T0: i64 = 1_790_000_000_000;

/// The channels whose "Sync now" waits for the syncing station.
fn asked(shop: &Shop) -> Vec<String> {
    shop.channels()
        .unwrap()
        .into_iter()
        .filter(|ch| ch.sync_asked)
        .map(|ch| ch.id)
        .collect()
}

/// What the person and the marketplace would see at each step, or the refusal's words.
fn story(shop: &Shop, owner: &Session) -> Vec<String> {
    let mut seen = Vec::new();
    let mut said = |what: &str, text: String| seen.push(format!("{what}: {text}"));
    let new = NewChannel {
        name: "harbour".into(),
        kind: "shopify".into(),
        base_url: "https://harbour.myshopify.com".into(),
        interval_secs: 0,
    };
    let ch = shop.add_channel(owner, &new).unwrap();
    said(
        "added",
        format!("{} {:?} {}", ch.name, ch.kind, ch.interval_secs),
    );
    said(
        "again",
        shop.add_channel(owner, &new).unwrap_err().to_string(),
    );
    let listings = [("L-1", "MUG-1"), ("L-2", "POSTER-9")].map(|(remote, sku)| RemoteListing {
        remote_id: remote.into(),
        inventory_ref: format!("inv-{remote}"),
        sku: sku.into(),
        title: format!("Listing {sku}"),
        stock: Some(4),
    });
    said(
        "matched",
        shop.save_listings(&ch.id, &listings).unwrap().to_string(),
    );

    let first = remote_order(
        "9001",
        T0,
        "EUR",
        &[("A1", "MUG-1", 2), ("A2", "poster-9", 1)],
    );
    let page = vec![
        Pulled::Order(Box::new(first.clone())),
        Pulled::Order(Box::new(remote_order(
            "9002",
            T0 + 1,
            "USD",
            &[("B1", "MUG-1", 1)],
        ))),
        Pulled::Malformed {
            external_id: "9003".into(),
            error: "no line items".into(),
            raw: "{}".into(),
        },
    ];
    said(
        "page",
        format!("{:?}", shop.ingest_orders(&ch.id, &page).unwrap()),
    );
    said(
        "page again",
        format!("{:?}", shop.ingest_orders(&ch.id, &page).unwrap()),
    );
    let refunded = RemoteOrder {
        updated_at: Timestamp(T0 + 60_000),
        refunds: vec![RemoteRefund {
            id: "R-1".into(),
            amount_minor: 500,
        }],
        ..first
    };
    let update = [Pulled::Order(Box::new(refunded))];
    said(
        "refund",
        format!("{:?}", shop.ingest_orders(&ch.id, &update).unwrap()),
    );
    said(
        "refund again",
        format!("{:?}", shop.ingest_orders(&ch.id, &update).unwrap()),
    );
    // The page's new buyers are found by the customer search (indexed at the page's end).
    let q = shopdesk_core::customer::list::CustomerQuery {
        text: "buyer9001".into(),
        ..Default::default()
    };
    let found = shop.customer_list(owner, &q).unwrap();
    assert_eq!(found.rows.len(), 1, "the page's buyer is in the search");
    said(
        "buyer found",
        format!(
            "{:?}",
            found
                .rows
                .iter()
                .map(|r| (&r.name, r.orders))
                .collect::<Vec<_>>()
        ),
    );
    let o = shop.order_by_number(owner, "9001").unwrap();
    said(
        "order",
        format!(
            "{:?} {:?} {:?} {:?} {:?}",
            o.total,
            o.refunded,
            o.payment_status,
            o.status,
            o.lines
                .iter()
                .map(|l| (&l.sku, &l.title, l.quantity))
                .collect::<Vec<_>>()
        ),
    );

    let due = shop.stock_due(&ch.id).unwrap();
    said(
        "stock due",
        format!(
            "{:?}",
            due.iter()
                .map(|p| (&p.remote_id, p.available, p.last_known))
                .collect::<Vec<_>>()
        ),
    );
    for p in &due {
        shop.stock_pushed(&ch.id, &p.remote_id, p.available, p.seq)
            .unwrap();
    }
    said(
        "stock after push",
        format!("{}", shop.stock_due(&ch.id).unwrap().len()),
    );
    let unmatched = |shop: &Shop| {
        shop.unmatched_skus(owner)
            .unwrap()
            .into_iter()
            .map(|u| format!("{} {} {}", u.channel, u.sku, u.title))
            .collect::<Vec<_>>()
    };
    said("unmatched", format!("{:?}", unmatched(shop)));
    said(
        "link unknown",
        shop.link_channel_sku(owner, "harbour", "POSTER-9", "NO-SUCH")
            .unwrap_err()
            .to_string(),
    );
    shop.link_channel_sku(owner, "harbour", "POSTER-9", "MUG-1")
        .unwrap();
    said("unmatched after link", format!("{:?}", unmatched(shop)));
    said(
        "stock due after link",
        format!(
            "{:?}",
            shop.stock_due(&ch.id)
                .unwrap()
                .iter()
                .map(|p| (&p.remote_id, p.available))
                .collect::<Vec<_>>()
        ),
    );

    let mug_line = o
        .lines
        .iter()
        .find(|l| l.sku == "MUG-1")
        .unwrap()
        .id
        .clone();
    let shipment = ShipmentDraft {
        carrier: "dhl".into(),
        tracking: "1234567890".into(),
        lines: vec![(mug_line, 2)],
    };
    shop.ship_order(owner, &o.id, &shipment).unwrap();
    let due = shop.fulfilments_due(&ch.id).unwrap();
    let push = |due: &[shopdesk_core::channel::FulfilmentPush]| {
        format!(
            "{:?}",
            due.iter()
                .map(|p| (
                    &p.external_order_id,
                    &p.carrier,
                    &p.tracking,
                    p.attempts,
                    p.completes_order,
                    &p.lines
                ))
                .collect::<Vec<_>>()
        )
    };
    said("fulfilments", push(&due));
    shop.fulfilment_failed(&due[0].id, "503 Service Unavailable")
        .unwrap();
    said("backing off", push(&shop.fulfilments_due(&ch.id).unwrap()));
    said("pushes due", shop.pushes_due(&ch.id).unwrap().to_string());
    said(
        "sync now",
        format!("{:?}", shop.retry_channel_now(owner, " harbour ").unwrap()),
    );
    said("asked", asked(shop).len().to_string());
    said("retried", push(&shop.fulfilments_due(&ch.id).unwrap()));
    shop.fulfilment_pushed(&due[0].id, "gid://shopify/Fulfillment/9")
        .unwrap();
    said("pushed", push(&shop.fulfilments_due(&ch.id).unwrap()));
    said(
        "pushed again",
        shop.fulfilment_pushed(&due[0].id, "again")
            .is_err()
            .to_string(),
    );

    shop.sync_started(&ch.id).unwrap();
    said("asked after start", asked(shop).len().to_string());
    shop.finish_pull(&ch.id, Some(Timestamp(T0 + 60_000)))
        .unwrap();
    shop.finish_pull(&ch.id, Some(Timestamp(T0))).unwrap();
    said(
        "watermark",
        format!("{:?}", shop.channel("harbour").unwrap().watermark),
    );
    shop.sync_failed(&ch.id, shopdesk_core::channel::SyncErrorKind::Auth, "401")
        .unwrap();
    let h = &shop.sync_health(owner).unwrap()[0];
    said(
        "health",
        format!(
            "{} {} {} {} {} {} {} {:?} {}",
            h.orders_imported,
            h.quarantined,
            h.unmatched_skus,
            h.fulfilments_queued,
            h.fulfilments_sent,
            h.stock_queued,
            h.failing,
            h.last_error_kind,
            h.last_error.clone().unwrap_or_default()
        ),
    );
    shop.sync_succeeded(&ch.id).unwrap();
    said(
        "healthy",
        (!shop.sync_health(owner).unwrap()[0].failing).to_string(),
    );
    said(
        "quarantined",
        format!(
            "{:?}",
            shop.quarantined_orders(owner)
                .unwrap()
                .iter()
                .map(|q| (&q.channel, &q.external_id, &q.error))
                .collect::<Vec<_>>()
        ),
    );
    seen
}

#[test]
fn a_marketplace_channel_runs_alike_on_the_file_and_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(T0));
    let (standalone, owner) =
        shopdesk_testkit::shop::open(dir.path(), "Corner Books", "ie", "EUR", clock.clone());
    shopdesk_testkit::shop::stocked(&standalone, &owner, "Mug", "MUG-1", "12.00", "A1", 6);
    let shared = common::stations::share(&standalone, &owner);
    let station = shared.station(dir.path(), "b1", clock);

    let on_file = story(&standalone, &owner);
    let on_server = story(&station, &owner);
    // The same on both, and what it should be.
    let step = common::stations::alike(&on_file, &on_server);
    assert!(
        step("again").contains("already called 'harbour'"),
        "{}",
        step("again")
    );
    assert!(step("page").contains("created: 1") && step("page").contains("quarantined: 2"));
    assert!(
        step("page again").contains("created: 0") && step("page again").contains("unchanged: 1")
    );
    assert!(step("refund").contains("updated: 1"), "{}", step("refund"));
    assert!(step("refund again").contains("unchanged: 1"));
    assert_eq!(step("stock after push"), "stock after push: 0");
    assert!(step("unmatched after link").ends_with("[]"));
    assert_eq!(step("asked"), "asked: 1");
    assert_eq!(step("asked after start"), "asked after start: 0");
    assert_eq!(step("pushed again"), "pushed again: true");
    assert_eq!(
        step("watermark"),
        format!("watermark: Some(Timestamp({}))", T0 + 60_000)
    );

    // The server holds what the station wrote: one order from the marketplace, its refund once.
    let mut client = shared.client;
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM channel_order),
                    (SELECT count(*) FROM order_payment WHERE kind = 'refund' AND reference = 'R-1')",
            &[],
        )
        .unwrap();
    assert_eq!((row.get::<_, i64>(0), row.get::<_, i64>(1)), (1, 1));
}

#[test]
fn one_station_syncs_the_marketplaces_and_any_station_can_ask_it_to_sync_now() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::at(T0));
    let (standalone, owner) =
        shopdesk_testkit::shop::open(dir.path(), "Corner Books", "ie", "EUR", clock.clone());
    assert!(standalone.runs_job(Job::Sync), "a shop alone syncs itself");
    let new = NewChannel {
        name: "harbour".into(),
        kind: "shopify".into(),
        base_url: "https://harbour.myshopify.com".into(),
        interval_secs: 0,
    };
    let ch = standalone.add_channel(&owner, &new).unwrap();
    let shared = common::stations::share(&standalone, &owner);
    let office = shared.station(dir.path(), "office2", clock.clone());
    let bench = shared.station(dir.path(), "b1", clock.clone());

    assert!(
        office.runs_job(Job::Sync),
        "the first station to ask takes the job"
    );
    assert!(office.runs_job(Job::Sync), "and keeps it");
    assert!(!bench.runs_job(Job::Sync), "a second station leaves it");
    // Every station sees who runs each job (the marketplace panel says so).
    let runner = |shop: &shopdesk_core::Shop, job: Job| {
        shop.job_stations()
            .unwrap()
            .into_iter()
            .find(|j| j.job == job)
            .unwrap()
            .station
    };
    assert_eq!(runner(&bench, Job::Sync).as_deref(), Some("OFFICE2"));
    assert_eq!(runner(&office, Job::Sync).as_deref(), Some("OFFICE2"));
    assert_eq!(runner(&bench, Job::Backup), None, "nobody runs it yet");
    assert!(standalone.job_stations().unwrap().is_empty());
    assert!(asked(&office).is_empty());
    bench.retry_channel_now(&owner, "harbour").unwrap();
    assert_eq!(
        asked(&office),
        vec![ch.id.clone()],
        "the bench's Sync now reaches the office"
    );
    office.sync_started(&ch.id).unwrap();
    assert!(asked(&bench).is_empty(), "answered once");

    // The sync's steps run inside its tokio runtime, between the marketplace's answers: a
    // station reaches its server from there too (the synchronous client's own runtime must not
    // nest in it).
    let sync = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    sync.block_on(async {
        assert_eq!(office.channels().unwrap().len(), 1);
        office.sync_started(&ch.id).unwrap();
        assert!(office.runs_job(Job::Sync));
    });

    // The office gives the job up (a key it lacks): the bench takes it at its next ask.
    office.leave_job(Job::Sync);
    assert!(bench.runs_job(Job::Sync), "the bench takes it over");
    assert!(!office.runs_job(Job::Sync), "the office leaves it");
    assert_eq!(runner(&office, Job::Sync).as_deref(), Some("B1"));

    // The bench closes: the office takes the job back at its next turn.
    drop(bench);
    let until = Instant::now() + Duration::from_secs(10);
    while !office.runs_job(Job::Sync) {
        assert!(
            Instant::now() < until,
            "the office never took the sync back"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(runner(&office, Job::Sync).as_deref(), Some("OFFICE2"));
}
