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

#[test]
fn customers_are_merged_noted_exported_and_erased_alike_on_both_engines() {
    use shopdesk_core::customer::edit::CustomerMerge;
    use shopdesk_core::sale::{SaleEdit, TenderDraft, TenderKind};
    let dir = tempfile::tempdir().unwrap();
    let clock = std::sync::Arc::new(shopdesk_core::FixedClock::at(1_790_000_000_000));
    let standalone =
        shopdesk_core::Shop::open(&dir.path().join("demo.sqlite3"), clock.clone()).unwrap();
    let (owner, _, _) = standalone
        .load_demo(&shopdesk_core::demo::DemoRequest {
            country: "IE".into(),
        })
        .unwrap();
    standalone.fill_orders_for_benchmark(200, 5).unwrap();
    // The one merged away holds store credit (a mug bought and returned to credit at the
    // counter) and the other an issued invoice: the ledger and the invoice are append-only, so
    // a merge must not rewrite them.
    let merged = standalone
        .customer_list(&owner, &Default::default())
        .unwrap()
        .rows[0]
        .id
        .clone();
    let sku = common::stations::stocked(&standalone, &owner, 2).sku;
    let edit = |sale: &str, e: SaleEdit| standalone.edit_sale(&owner, sale, &e, None).unwrap();
    let tender = |kind| TenderDraft {
        kind: Some(kind),
        ..TenderDraft::default()
    };
    standalone.open_shift(&owner, "100.00").unwrap();
    let sale = standalone.new_sale(&owner).unwrap();
    edit(
        &sale.id,
        SaleEdit::Customer {
            customer_id: Some(merged.clone()),
        },
    );
    edit(&sale.id, SaleEdit::Scan { code: sku });
    let sold = standalone
        .complete_sale(&owner, &sale.id, &[tender(TenderKind::Cash)])
        .unwrap();
    let back = standalone.new_sale(&owner).unwrap();
    edit(
        &back.id,
        SaleEdit::Return {
            line_id: sold.lines[0].id.clone(),
            quantity: 1,
            restock: true,
        },
    );
    standalone
        .complete_sale(&owner, &back.id, &[tender(TenderKind::StoreCredit)])
        .unwrap();
    let mut shared = common::stations::share(&standalone, &owner);
    let station = shared.station(dir.path(), "station", clock);
    let mut pick = |sql: &str| -> String {
        shared
            .client
            .query_one(sql, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .get(0)
    };
    let kept = pick(&format!(
        "SELECT c.id FROM customer c WHERE c.id <> '{merged}' AND c.merged_into IS NULL
           AND EXISTS (SELECT 1 FROM customer_order o WHERE o.customer_id = c.id)
         ORDER BY c.id LIMIT 1"
    ));
    let invoiced = pick(&format!(
        "SELECT c.id FROM customer c WHERE c.id NOT IN ('{merged}', '{kept}')
           AND EXISTS (SELECT 1 FROM invoice i WHERE i.customer_id = c.id)
         ORDER BY c.id LIMIT 1"
    ));
    let mut said = Vec::new();
    for shop in [&standalone, &station] {
        let mut seen = Vec::new();
        let credit = |id: &str| {
            shop.customer_profile(&owner, id)
                .unwrap()
                .credit_moves
                .iter()
                .map(|m| m.amount.minor())
                .sum::<i64>()
        };
        let (before_kept, before_merged) = (credit(&kept), credit(&merged));
        let merge = |keep: &str, away: &str| {
            shop.merge_customers(
                &owner,
                &CustomerMerge {
                    keep_id: keep.into(),
                    merge_id: away.into(),
                },
            )
        };
        let profile = merge(&kept, &merged).unwrap();
        seen.push(format!("merged: {profile:?}"));
        assert_eq!(
            credit(&kept),
            before_kept + before_merged,
            "the credit moved"
        );
        assert_eq!(credit(&merged), 0, "none left behind");
        seen.push(format!(
            "invoiced one merged: {:?}",
            merge(&kept, &invoiced).map(|p| p.history.len())
        ));
        seen.push(format!("again: {}", merge(&kept, &merged).unwrap_err()));
        seen.push(format!(
            "note: {:?}",
            shop.save_customer_note(&owner, &kept, "  Collects on Fridays ")
                .unwrap()
                .note
        ));
        seen.push(format!(
            "export: {}",
            shop.export_customer(&owner, &kept).unwrap()
        ));
        seen.push(format!(
            "erased: {:?}",
            shop.erase_customer(&owner, &kept).unwrap()
        ));
        seen.push(format!(
            "export erased: {}",
            shop.export_customer(&owner, &kept).unwrap()
        ));
        said.push(seen);
    }
    let step = common::stations::alike(&said[0], &said[1]);
    assert!(
        step("invoiced one merged").starts_with("invoiced one merged: Ok("),
        "{}",
        step("invoiced one merged")
    );
    assert!(step("again").contains("merged"), "{}", step("again"));
    assert!(
        step("export erased").contains("Erased customer")
            && step("export erased").contains("\"country\"")
    );
}
