//! The customer list reads the same on both engines: a shop with synthetic customers, orders and
//! the demo's counter trade, standalone and shared, gives every search, filter and sort the same
//! customers in the same order of its sort key (customers tied on it may list in either order).

mod common;

use shopdesk_core::customer::list::{CustomerPage, CustomerQuery, CustomerSort};

/// The page's rows as (sort key, whole row) pairs, the tied ones sorted among themselves.
fn normalised(page: &CustomerPage, sort: CustomerSort) -> Vec<String> {
    let mut rows: Vec<(String, String)> = page
        .rows
        .iter()
        .map(|r| {
            let key = match sort {
                CustomerSort::Name => r.name.to_lowercase(),
                CustomerSort::Value => format!("{:020}", i64::MAX - r.lifetime_value.minor()),
                // Latest first, the never-bought last.
                CustomerSort::LastPurchase => match r.last_purchase {
                    Some(t) => format!("{:020}", i64::MAX - t.0),
                    None => "~".into(),
                },
            };
            (key, format!("{r:?}"))
        })
        .collect();
    let keys: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    rows.sort();
    let sorted_keys: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    // The engine's own order must already be by the key (ties aside).
    assert_eq!(keys, sorted_keys, "listed in the order of its key");
    rows.into_iter().map(|(k, r)| format!("{k} {r}")).collect()
}

#[test]
fn every_customer_list_gives_the_same_customers_in_the_same_order_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        station,
        shared: _server,
    } = common::stations::demo_pair(dir.path(), 400, 300);

    let tags = standalone.customer_tags(&owner).unwrap();
    assert_eq!(tags, station.customer_tags(&owner).unwrap());
    assert!(!tags.is_empty());
    let all = standalone
        .customer_list(
            &owner,
            &CustomerQuery {
                limit: 500,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(all.total > 300, "{} customers", all.total);
    let someone = &all.rows[42];
    let mut queries = Vec::new();
    for sort in [
        CustomerSort::Name,
        CustomerSort::Value,
        CustomerSort::LastPurchase,
    ] {
        let base = CustomerQuery {
            sort,
            limit: 500,
            ..Default::default()
        };
        queries.push(base.clone());
        for text in [
            "byrne",
            "aoife byr",
            "zoe",
            "example.com",
            "087",
            "#1001",
            "no such person",
        ] {
            queries.push(CustomerQuery {
                text: text.into(),
                ..base.clone()
            });
        }
        if let Some(email) = &someone.email {
            queries.push(CustomerQuery {
                text: email.clone(),
                ..base.clone()
            });
        }
        queries.push(CustomerQuery {
            tag: Some(tags[0].to_uppercase()),
            ..base.clone()
        });
        queries.push(CustomerQuery {
            bought_within_days: Some(30),
            ..base.clone()
        });
        queries.push(CustomerQuery {
            text: "o".into(),
            tag: Some(tags[0].clone()),
            ..base.clone()
        });
        queries.push(CustomerQuery {
            has_credit: true,
            ..base.clone()
        });
    }
    let mut found = 0;
    for q in &queries {
        let here = standalone.customer_list(&owner, q).unwrap();
        let there = station.customer_list(&owner, q).unwrap();
        assert_eq!(
            (here.total, here.capped),
            (there.total, there.capped),
            "{q:?}"
        );
        assert_eq!(
            normalised(&here, q.sort),
            normalised(&there, q.sort),
            "{q:?}"
        );
        found += here.rows.len();
    }
    assert!(found > 2_000, "the queries found customers: {found}");
}

#[test]
fn every_customers_record_reads_the_same_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        station,
        mut shared,
    } = common::stations::demo_pair(dir.path(), 300, 150);
    let ids: Vec<String> = shared
        .client
        .query("SELECT id FROM customer ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(ids.len() > 150, "{} customers", ids.len());
    let mut bought = 0;
    for id in &ids {
        let mine = standalone.customer_profile(&owner, id).unwrap();
        let theirs = station.customer_profile(&owner, id).unwrap();
        assert_eq!(mine, theirs, "customer {}", mine.customer.name);
        bought += usize::from(!mine.history.is_empty());
    }
    assert!(bought > 50, "{bought} with a history");
    let missing = station.customer_profile(&owner, "nobody").unwrap_err();
    assert_eq!(missing.code(), shopdesk_core::ErrorCode::NotFound);
}

#[test]
fn a_customer_is_edited_alike_on_both_engines() {
    use shopdesk_core::customer::edit::{Contact, CustomerEdit};
    let dir = tempfile::tempdir().unwrap();
    let common::stations::Pair {
        standalone,
        owner,
        station,
        mut shared,
    } = common::stations::demo_pair(dir.path(), 0, 20);
    let ids: Vec<(String, String)> = shared
        .client
        .query(
            "SELECT id, email::text FROM customer WHERE email IS NOT NULL ORDER BY id LIMIT 2",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let (id, other_email) = (&ids[0].0, &ids[1].1);
    let edit = CustomerEdit {
        id: id.clone(),
        name: "Órla Ní Bhriain".into(),
        email: "orla@example.ie".into(),
        phone: "+353 91 555 0101".into(),
        emails: vec![Contact {
            value: "orla.work@example.ie".into(),
            label: "work".into(),
        }],
        tags: "vip, wholesale".into(),
        consent: true,
        consent_source: "at the counter".into(),
        note: "Prefers collection".into(),
        ..Default::default()
    };
    let taken = CustomerEdit {
        email: other_email.clone(),
        ..edit.clone()
    };
    let unsourced = CustomerEdit {
        consent: false,
        consent_source: String::new(),
        ..edit.clone()
    };
    let mut said = Vec::new();
    for shop in [&standalone, &station] {
        let saved = shop.save_customer(&owner, &edit).unwrap();
        assert_eq!(shop.customer_profile(&owner, id).unwrap(), saved);
        let refusals: Vec<String> = [&taken, &unsourced]
            .map(|e| shop.save_customer(&owner, e).unwrap_err().to_string())
            .to_vec();
        said.push((saved, refusals));
    }
    assert_eq!(said[0], said[1]);
    assert!(
        said[0].1[0].contains("merge the two customers"),
        "{:?}",
        said[0].1
    );
}
