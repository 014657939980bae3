//! The order inbox reads the same on both engines: the demo shop with synthetic orders over two
//! years and its counter trade, standalone and shared, lists every view, search, channel and
//! sort alike.

mod common;

use shopdesk_core::order::{InboxQuery, InboxSort, InboxView};

#[test]
fn every_inbox_page_is_the_same_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        station,
        shared: _server,
    } = common::stations::demo_pair(dir.path(), 600, 200);

    let first = standalone.inbox(&owner, &InboxQuery::default()).unwrap();
    let some = first.iter().find(|r| r.kind == "order").unwrap().clone();
    let sale = first
        .iter()
        .find(|r| r.kind == "sale")
        .map(|r| r.name.clone());
    let mut queries = Vec::new();
    for view in [
        InboxView::All,
        InboxView::OnHold,
        InboxView::ToPack,
        InboxView::Unpaid,
        InboxView::Counter,
        InboxView::Cancelled,
    ] {
        for sort in [
            InboxSort::Newest,
            InboxSort::Oldest,
            InboxSort::HighestTotal,
        ] {
            queries.push(InboxQuery {
                view,
                sort,
                limit: 200,
                ..Default::default()
            });
            queries.push(InboxQuery {
                view,
                sort,
                offset: 30,
                limit: 40,
                ..Default::default()
            });
        }
    }
    let texts = [
        some.name.trim_start_matches('#').to_string(),
        some.name.clone(),
        "example.com".into(),
        "BYRNE".into(),
        "100%_".into(),
        sale.clone().unwrap_or_default(),
    ];
    for text in texts {
        queries.push(InboxQuery {
            text: text.clone(),
            limit: 200,
            ..Default::default()
        });
        queries.push(InboxQuery {
            text,
            channel: "counter".into(),
            limit: 200,
            ..Default::default()
        });
    }
    queries.push(InboxQuery {
        channel: some.channel.to_uppercase(),
        limit: 200,
        ..Default::default()
    });

    let mut listed = 0;
    for q in &queries {
        let here = standalone.inbox(&owner, q).unwrap();
        let there = station.inbox(&owner, q).unwrap();
        if here != there {
            let at = here.iter().zip(&there).position(|(a, b)| a != b);
            panic!(
                "{q:?}: {} rows here, {} on the server; first difference at {at:?}: {:?} / {:?}",
                here.len(),
                there.len(),
                at.map(|i| &here[i]),
                at.map(|i| &there[i])
            );
        }
        listed += here.len();
    }
    assert!(listed > 2_000, "the queries listed rows: {listed}");
    assert!(sale.is_some(), "the demo's counter trade is in the inbox");
}

#[test]
fn every_order_opens_the_same_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        station,
        mut shared,
    } = common::stations::demo_pair(dir.path(), 300, 100);
    // Every order the demo's own trade made (payments, shipments, returns, claims, invoices,
    // messages, timelines), and the synthetic ones beside them.
    let ids: Vec<String> = shared
        .client
        .query("SELECT id FROM customer_order ORDER BY number", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(ids.len() > 300, "{} orders", ids.len());
    let mut with = [0usize; 5];
    for id in &ids {
        let mine = standalone.order(&owner, id).unwrap();
        let theirs = station.order(&owner, id).unwrap();
        assert_eq!(mine, theirs, "order {}", mine.name);
        for (n, has) in [
            !mine.shipments.is_empty(),
            !mine.returns.is_empty(),
            !mine.invoices.is_empty(),
            !mine.messages.is_empty(),
            mine.payments.len() > 1 || mine.timeline.len() > 2,
        ]
        .into_iter()
        .enumerate()
        {
            with[n] += usize::from(has);
        }
        assert_eq!(
            station.order_by_number(&owner, &mine.name).unwrap().id,
            mine.id
        );
    }
    assert!(
        with.iter().all(|&n| n > 0),
        "orders with each part: {with:?}"
    );
    let missing = station.order(&owner, "no-such-order").unwrap_err();
    assert_eq!(missing.code(), shopdesk_core::ErrorCode::NotFound);
}
