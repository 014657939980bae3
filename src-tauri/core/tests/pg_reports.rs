//! The reports read the same on both engines: the demo shop with two years of synthetic orders
//! and its counter trade, standalone and shared, gives every report — over two years and over a
//! month compared, with each filter — the same figures, rows, tie-outs and documents; the sums a
//! station folds on the server agree with the documents there; and a till's sale, once sent, is
//! in the reports every station reads.

mod common;

use common::stations::{demo_pair, Pair};
use shopdesk_core::report::{Bucket, Compare, ReportName, ReportQuery};
use shopdesk_core::sale::{SaleEdit, TenderDraft, TenderKind};

/// The two lists the same, or the first difference said (a whole report is too long to print).
fn same<T: PartialEq + std::fmt::Debug>(mine: &[T], theirs: &[T], what: &str) {
    if let Some(i) = (0..mine.len().max(theirs.len())).find(|&i| mine.get(i) != theirs.get(i)) {
        panic!(
            "{what}: {} against {} entries; the first difference at {i}: {:?} against {:?}",
            mine.len(),
            theirs.len(),
            mine.get(i),
            theirs.get(i)
        );
    }
}

fn one(client: &mut postgres::Client, sql: &str) -> String {
    client.query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn every_report_and_its_documents_read_the_same_on_both_engines() {
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        standalone,
        owner,
        station,
        mut shared,
    } = demo_pair(dir.path(), 600, 200);
    let c = &mut shared.client;
    let category = one(
        c,
        "SELECT product_type FROM product WHERE product_type <> '' LIMIT 1",
    );
    let vendor = one(c, "SELECT vendor FROM product WHERE vendor <> '' LIMIT 1");
    let tag = one(
        c,
        "SELECT split_part(tags, ',', 1) FROM product WHERE tags <> '' LIMIT 1",
    );
    let location = one(c, "SELECT id FROM location ORDER BY position LIMIT 1");
    let staff = one(
        c,
        "SELECT staff_id FROM sale WHERE status = 'completed' LIMIT 1",
    );

    let years = ReportQuery {
        from: "2024-09-01".into(),
        to: "2026-09-30".into(),
        bucket: Bucket::Month,
        ..Default::default()
    };
    let month = ReportQuery {
        from: "2026-08-01".into(),
        to: "2026-09-30".into(),
        compare: Compare::Previous,
        ..Default::default()
    };
    let mut queries = vec![
        years.clone(),
        month.clone(),
        ReportQuery {
            bucket: Bucket::Hour,
            compare: Compare::Year,
            ..month.clone()
        },
    ];
    for filter in [
        ReportQuery {
            channel: Some("counter".into()),
            ..month.clone()
        },
        ReportQuery {
            location: Some(location),
            ..month.clone()
        },
        ReportQuery {
            staff: Some(staff),
            ..month.clone()
        },
        ReportQuery {
            category: Some(category.to_uppercase()),
            ..years.clone()
        },
        ReportQuery {
            vendor: Some(vendor),
            ..month.clone()
        },
        ReportQuery {
            tag: Some(tag.trim().into()),
            ..month.clone()
        },
    ] {
        queries.push(filter);
    }

    let mut rows_read = 0;
    for name in ReportName::ALL {
        for q in &queries {
            let mine = standalone.report(&owner, name, q).unwrap();
            let theirs = station.report(&owner, name, q).unwrap();
            let what = format!("{name:?} over {q:?}");
            same(&mine.kpis, &theirs.kpis, &what);
            same(&mine.rows, &theirs.rows, &what);
            same(&mine.points, &theirs.points, &what);
            same(&mine.tie_outs, &theirs.tie_outs, &what);
            assert_eq!(mine, theirs, "{what}");
            assert!(
                mine.tie_outs.iter().all(|t| t.holds()),
                "{name:?}: {:?}",
                mine.tie_outs
            );
            rows_read += mine.rows.len();
            // The documents behind the first rows and behind the whole period.
            let keys = mine.rows.iter().take(2).map(|r| r.key.clone());
            for key in keys.chain([String::new()]) {
                same(
                    &standalone.report_documents(&owner, name, q, &key).unwrap(),
                    &station.report_documents(&owner, name, q, &key).unwrap(),
                    &format!("the documents of {name:?} row {key:?} over {q:?}"),
                );
            }
        }
    }
    assert!(
        rows_read > 1000,
        "the reports read real trade: {rows_read} rows"
    );
    assert_eq!(
        standalone.home(&owner).unwrap(),
        station.home(&owner).unwrap()
    );
    assert_eq!(
        station.report_sums_check(&owner).unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn a_tills_sale_once_sent_is_in_the_reports_on_the_server_and_its_sums_agree() {
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        owner,
        station,
        mut shared,
        ..
    } = demo_pair(dir.path(), 0, 0);
    let sku = one(
        &mut shared.client,
        "SELECT v.sku FROM variant v JOIN stock_level l ON l.variant_id = v.id
         JOIN product p ON p.id = v.product_id
         WHERE v.sku IS NOT NULL AND p.status = 'active' AND l.on_hand > 5 ORDER BY v.sku LIMIT 1",
    );
    let today = ReportQuery {
        from: "2026-09-21".into(),
        to: "2026-09-21".into(),
        ..Default::default()
    };
    let net =
        |r: &shopdesk_core::report::Report| r.kpis.iter().find(|k| k.key == "net").unwrap().value;
    let before = station.report(&owner, ReportName::Summary, &today).unwrap();
    station.open_shift(&owner, "50.00").unwrap();

    let sale = station.new_sale(&owner).unwrap();
    station
        .edit_sale(&owner, &sale.id, &SaleEdit::Scan { code: sku }, None)
        .unwrap();
    let cash = TenderDraft {
        kind: Some(TenderKind::Cash),
        amount: "10000.00".into(),
        ..TenderDraft::default()
    };
    let done = station.complete_sale(&owner, &sale.id, &[cash]).unwrap();
    // Reports read the shop's server: the sale is not there until the till has sent it.
    let unsent = station.report(&owner, ReportName::Summary, &today).unwrap();
    assert_eq!(net(&unsent), net(&before));
    assert_eq!(station.send_waiting().unwrap().waiting, 0);

    let after = station.report(&owner, ReportName::Summary, &today).unwrap();
    let sold = done.total.minor() - done.tax.minor();
    assert!(sold > 0);
    assert_eq!(net(&after), net(&before) + sold, "{:?}", after.kpis);
    assert!(
        after.tie_outs.iter().all(|t| t.holds()),
        "{:?}",
        after.tie_outs
    );
    let docs = station
        .report_documents(&owner, ReportName::Summary, &today, "")
        .unwrap();
    assert!(
        docs.iter()
            .any(|d| Some(&d.name) == done.receipt_code.as_ref()),
        "{:?} among {docs:?}",
        done.receipt_code
    );
    assert_eq!(
        station.report_sums_check(&owner).unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn two_stations_folding_the_report_sums_at_once_make_them_once() {
    let dir = tempfile::tempdir().unwrap();
    let Pair {
        owner,
        station,
        mut shared,
        ..
    } = demo_pair(dir.path(), 300, 0);
    let other = shared.station(
        dir.path(),
        "OTHER",
        std::sync::Arc::new(shopdesk_core::FixedClock::at(1_790_000_000_000)),
    );
    // Sums made in another zone are all made again: the longest fold there is.
    shared
        .client
        .execute("UPDATE report_rollup SET zone = 'Europe/Paris'", &[])
        .unwrap();
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| station.fold_report_hours(&owner));
        let b = s.spawn(|| other.fold_report_hours(&owner));
        (a.join().unwrap(), b.join().unwrap())
    });
    a.unwrap();
    b.unwrap();
    assert_eq!(
        station.report_sums_check(&owner).unwrap(),
        Vec::<String>::new()
    );
}
