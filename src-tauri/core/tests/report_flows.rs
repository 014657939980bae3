//! Reports on a made history: every report ties out with the documents it reads, days are the
//! shop's own (a night the clocks change included), margins keep the cost of their day, and stock
//! is valued at the cost of its own day.

mod common;

use common::orders::{dublin, line};
use common::reports::*;
use common::*;
use shopdesk_core::catalog::product::ProductEdit;
use shopdesk_core::order::OrderDraft;
use shopdesk_core::report::{Bucket, Cell, Compare, ReportName, ReportQuery};
use shopdesk_core::stock::purchase::{
    PurchaseDraft, PurchaseLineDraft, PurchaseReceipt, ReceiptLine, SupplierDraft,
};
use shopdesk_core::Error;

#[test]
fn every_report_ties_out_with_the_documents() {
    let (f, _) = history();
    let q = query("2026-11-01", "2026-11-30");
    let summary = report(&f, ReportName::Summary, &q);
    for t in &summary.tie_outs {
        assert!(
            t.holds(),
            "{}: {} ≠ {}",
            t.what,
            t.expected_minor,
            t.actual_minor
        );
    }
    assert_eq!(summary.tie_outs.len(), 4);
    assert_eq!(
        kpi(&summary, "orders"),
        4,
        "2 sales and 2 orders; the cancelled one is out"
    );
    assert_eq!(kpi(&summary, "units"), 4 + 6);
    assert_eq!(
        kpi(&summary, "net"),
        kpi(&summary, "gross") - kpi(&summary, "discounts") - kpi(&summary, "returns")
    );
    assert_eq!(
        kpi(&summary, "total"),
        kpi(&summary, "net") + kpi(&summary, "shipping") + kpi(&summary, "tax")
    );
    assert!(kpi(&summary, "returns") > 0 && kpi(&summary, "discounts") > 0);
    // Two shipments at 5.00 with 23 % VAT included: 4.065 each before tax, and the tax of each
    // order is rounded on its total, so one shipping line carries 0.94 and the other 0.93.
    assert_eq!(kpi(&summary, "shipping"), 406 + 407);

    // Sales by product + shipping = the summary.
    let products = report(&f, ReportName::Products, &q);
    assert_eq!(column_sum(&products, "net"), kpi(&summary, "net"));
    assert_eq!(column_sum(&products, "gross"), kpi(&summary, "gross"));
    assert_eq!(column_sum(&products, "returns"), kpi(&summary, "returns"));
    let channels = report(&f, ReportName::Channels, &q);
    assert_eq!(column_sum(&channels, "net"), kpi(&summary, "net"));
    assert_eq!(column_sum(&channels, "shipping"), kpi(&summary, "shipping"));
    assert_eq!(column_sum(&channels, "tax"), kpi(&summary, "tax"));
    let categories = report(&f, ReportName::Categories, &q);
    assert_eq!(column_sum(&categories, "net"), kpi(&summary, "net"));
    assert_eq!(cell(&categories, "Apparel", "share"), 10_000);

    // Tax by rate = the tax on receipts and invoices.
    let taxes = report(&f, ReportName::Taxes, &q);
    assert_eq!(column_sum(&taxes, "net"), kpi(&summary, "tax"));
    assert_eq!(taxes.rows.len(), 1, "one rate: VAT 23 %");
    assert_eq!(cell(&taxes, &taxes.rows[0].key, "rate"), 2300);

    // Over time, the days add up to the period.
    let days = report(&f, ReportName::OverTime, &q);
    assert_eq!(days.points.len(), 30);
    assert_eq!(column_sum(&days, "net"), kpi(&summary, "net"));
    assert_eq!(days.points[1].label, "2026-11-02");
    assert!(days.points[1].value > 0 && days.points[2].value > 0);

    // Payments: the counter's card and cash, the orders' card less the refund.
    let payments = report(&f, ReportName::Payments, &q);
    let card = payments.rows.iter().find(|r| r.key == "card").unwrap();
    assert!(
        matches!(card.cells[2], Cell::Number(n) if n > 0),
        "the refund shows"
    );
    assert_eq!(cell(&payments, "Cash", "over_short"), 0);

    // Returns: one tee back at the counter (restocked), one ink tee from an order.
    let returns = report(&f, ReportName::Returns, &q);
    assert_eq!(column_sum(&returns, "units"), 2);
    assert_eq!(column_sum(&returns, "restocked"), 2);
    assert!(returns
        .rows
        .iter()
        .any(|r| r.cells[1] == Cell::Text("too small".into())));

    // Drilling into a row gives the documents that make it.
    let ink = products
        .rows
        .iter()
        .find(|r| r.cells[1] == Cell::Text("TEE-M-INK".into()))
        .unwrap();
    let docs = f
        .shop
        .report_documents(&f.owner, ReportName::Products, &q, &ink.key)
        .unwrap();
    let names: Vec<&str> = docs.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["R00000001", "#1", "RMA-1"]);
    // Over a long period a product's lines are found another way: the same documents.
    let long = f
        .shop
        .report_documents(
            &f.owner,
            ReportName::Products,
            &query("2026-08-01", "2026-11-30"),
            &ink.key,
        )
        .unwrap();
    assert_eq!(long, docs);
    assert_eq!(
        docs.iter().map(|d| d.net_minor).sum::<i64>(),
        cell(&products, &ink.key, "net")
    );
    let all = f
        .shop
        .report_documents(&f.owner, ReportName::Summary, &q, "")
        .unwrap();
    assert_eq!(
        all.iter().map(|d| d.net_minor).sum::<i64>(),
        kpi(&summary, "net") + kpi(&summary, "shipping")
    );

    // The staff table: Nora sold at the counter.
    let staff = report(&f, ReportName::Staff, &q);
    assert_eq!(column_sum(&staff, "sales"), 2);
    assert_eq!(column_sum(&staff, "net"), {
        let counter = ReportQuery {
            channel: Some("counter".into()),
            ..q.clone()
        };
        kpi(&report(&f, ReportName::Summary, &counter), "net")
    });

    // CSV: the header and a line per row, money as decimals.
    let csv = products.to_csv().unwrap();
    assert!(csv.starts_with("Product,SKU,Orders,Net quantity,Gross sales"));
    assert_eq!(csv.lines().count(), products.rows.len() + 2);
}

#[test]
fn a_figure_that_does_not_tie_out_says_so() {
    let (f, _) = history();
    // Someone edits a receipt's total behind the app's back.
    let db = rusqlite::Connection::open(f.shop.db_path()).unwrap();
    db.execute(
        "UPDATE sale SET total_minor = total_minor + 7 WHERE number = 1",
        [],
    )
    .unwrap();
    let r = report(&f, ReportName::Summary, &query("2026-11-01", "2026-11-30"));
    let broken: Vec<_> = r.tie_outs.iter().filter(|t| !t.holds()).collect();
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].what, "Counter sales against their receipts");
    assert_eq!(broken[0].expected_minor - broken[0].actual_minor, 7);
}

#[test]
fn a_period_compares_with_the_one_before_and_the_year_before() {
    let (f, _) = history();
    let q = ReportQuery {
        compare: Compare::Previous,
        ..query("2026-11-03", "2026-11-03")
    };
    let r = report(&f, ReportName::Summary, &q);
    assert_eq!(r.compared.as_deref(), Some("2026-11-02 – 2026-11-02"));
    let orders = r.kpis.iter().find(|k| k.key == "orders").unwrap();
    assert_eq!((orders.value, orders.compared), (2, Some(2)));
    assert_eq!(orders.change_bp, Some(0));
    let year = report(
        &f,
        ReportName::Summary,
        &ReportQuery {
            compare: Compare::Year,
            ..q
        },
    );
    assert_eq!(year.compared.as_deref(), Some("2025-11-03 – 2025-11-03"));
    let net = year.kpis.iter().find(|k| k.key == "net").unwrap();
    assert_eq!((net.compared, net.change_bp), (Some(0), None));
}

#[test]
fn a_sale_after_midnight_on_the_night_the_clocks_change_counts_on_that_day() {
    // Irish clocks go forward at 01:00 UTC on 2026-03-29. 00:30 local that night is 00:30 UTC.
    let (f, ..) = shop_at("2026-03-28T23:59:00Z");
    f.shop.open_shift(&f.owner, "0").unwrap();
    move_to(&f, "2026-03-29T00:30:00Z");
    sell(&f, &["TEE-S-SAGE"], None);
    // 23:30 UTC on the 29th is 00:30 on the 30th in Dublin (summer time).
    move_to(&f, "2026-03-29T23:30:00Z");
    sell(&f, &["TEE-M-INK"], None);
    let r = report(&f, ReportName::OverTime, &query("2026-03-28", "2026-03-30"));
    let per_day: Vec<(String, i64)> = r
        .rows
        .iter()
        .map(|row| (row.cells[0].clone(), row.cells[1].clone()))
        .map(|(d, n)| match (d, n) {
            (Cell::Text(d), Cell::Number(n)) => (d, n),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        per_day,
        [
            ("2026-03-28".to_string(), 0),
            ("2026-03-29".to_string(), 1),
            ("2026-03-30".to_string(), 1)
        ]
    );
    // By hour of day, both are at half past midnight local.
    let hours = report(
        &f,
        ReportName::OverTime,
        &ReportQuery {
            bucket: Bucket::Hour,
            ..query("2026-03-28", "2026-03-30")
        },
    );
    assert_eq!(hours.points.len(), 24);
    assert!(hours.points[0].value > 0);
    assert_eq!(hours.points.iter().filter(|p| p.value != 0).count(), 1);
    // The receipt prints local time.
    let sales = f
        .shop
        .report_documents(
            &f.owner,
            ReportName::Summary,
            &query("2026-03-30", "2026-03-30"),
            "",
        )
        .unwrap();
    let receipt = f.shop.receipt(&f.owner, &sales[0].id).unwrap();
    assert_eq!(receipt.time_zone, "Europe/Dublin");
}

#[test]
fn margins_keep_the_cost_of_the_day_they_were_sold() {
    let (f, ids, product) = shop_at("2026-11-02T09:00:00Z");
    f.shop.open_shift(&f.owner, "0").unwrap();
    sell(&f, &["TEE-S-SAGE"], None);
    let q = query("2026-11-02", "2026-11-02");
    let before = report(&f, ReportName::Products, &q);
    assert_eq!(cell(&before, &ids[0], "cost"), 1000);

    // The cost goes up to 12.00; the sale already made keeps its 10.00.
    let p = f.shop.product(&f.owner, &product).unwrap();
    let mut dearer = tee();
    for (v, old) in dearer.variants.iter_mut().zip(&p.variants) {
        v.id = Some(old.id.clone());
        v.cost = "12.00".into();
    }
    f.shop
        .update_product(
            &f.owner,
            ProductEdit {
                id: p.id.clone(),
                product: dearer,
            },
        )
        .unwrap();
    assert_eq!(report(&f, ReportName::Products, &q), {
        let mut again = before.clone();
        again.as_of = report(&f, ReportName::Products, &q).as_of;
        again
    });
    move_to(&f, "2026-11-03T09:00:00Z");
    sell(&f, &["TEE-S-SAGE"], None);
    let both = report(&f, ReportName::Products, &query("2026-11-02", "2026-11-03"));
    assert_eq!(cell(&both, &ids[0], "cost"), 1000 + 1200);
    // 24.00 incl. 23 % VAT is 19.51 net; profit 9.51 + 7.51.
    assert_eq!(cell(&both, &ids[0], "profit"), 951 + 751);

    // A line sold with no known cost is counted, not guessed.
    let mug = f
        .shop
        .create_product(&f.owner, draft("Mug", "MUG-1", "8.00"))
        .unwrap();
    let (floor, _) = locations(&f);
    adjust(&f, &mug.variants[0].id, &floor, 5);
    sell(&f, &["MUG-1"], None);
    let s = report(&f, ReportName::Summary, &query("2026-11-03", "2026-11-03"));
    assert_eq!(kpi(&s, "without_cost"), 1);
    assert_eq!(
        kpi(&s, "profit"),
        751,
        "the mug's sale is left out of the margin"
    );
}

#[test]
fn a_bad_period_is_refused_with_nothing_read() {
    let (f, ..) = shop_at("2026-11-02T09:00:00Z");
    let bad = |from: &str, to: &str| {
        f.shop
            .report(&f.owner, ReportName::Summary, &query(from, to))
            .unwrap_err()
    };
    assert!(matches!(bad("2026-11-31", "2026-12-01"), Error::Invalid(_)));
    assert!(matches!(bad("2026-11-05", "2026-11-01"), Error::Invalid(_)));
    assert!(matches!(bad("", "2026-11-01"), Error::Invalid(_)));
    assert!(matches!(bad("2000-01-01", "2026-11-01"), Error::Invalid(_)));
    let clerk = staff(&f, "Sam", "Clerk", "1357");
    assert!(matches!(
        f.shop.report(
            &clerk,
            ReportName::Summary,
            &query("2026-11-01", "2026-11-02")
        ),
        Err(Error::Forbidden(_))
    ));
    assert!(ReportName::from_slug("profit-and-loss").is_err());
}

#[test]
fn discounts_fulfilment_and_customers_read_the_same_history() {
    let (f, _) = history();
    let q = query("2026-11-01", "2026-11-30");
    let summary = report(&f, ReportName::Summary, &q);

    // The only discount given was the clerk's 10 % off the first sale.
    let discounts = report(&f, ReportName::Discounts, &q);
    assert_eq!(discounts.rows.len(), 1);
    assert_eq!(discounts.rows[0].key, "Cart discount (manual)");
    assert_eq!(column_sum(&discounts, "amount"), kpi(&summary, "discounts"));
    assert_eq!(column_sum(&discounts, "uses"), 1);

    // Three Shopify orders: two shipped at once, one cancelled; none late.
    let fulfilment = report(&f, ReportName::Fulfilment, &q);
    assert_eq!(fulfilment.rows.len(), 1);
    assert_eq!(cell(&fulfilment, "shopify", "placed"), 3);
    assert_eq!(cell(&fulfilment, "shopify", "shipped"), 2);
    assert_eq!(cell(&fulfilment, "shopify", "cancelled"), 1);
    assert_eq!(cell(&fulfilment, "shopify", "median"), 0);
    assert_eq!(cell(&fulfilment, "shopify", "late"), 0);
    assert_eq!(cell(&fulfilment, "shopify", "on_time"), 10_000);

    // Zoë and Ann bought for the first time; the counter sold to nobody in particular.
    let customers = report(&f, ReportName::Customers, &q);
    let k = |key: &str| customers.kpis.iter().find(|k| k.key == key).unwrap().value;
    assert_eq!((k("customers"), k("new"), k("returning")), (2, 2, 0));
    assert_eq!(
        k("anonymous"),
        2,
        "two counter sales (the return is not a sale)"
    );
    assert_eq!(customers.rows.len(), 2);
    let cohorts = report(&f, ReportName::Cohorts, &q);
    assert_eq!(cohorts.rows.len(), 1);
    assert_eq!(cohorts.rows[0].cells[0], Cell::Text("2026-11".into()));
    assert_eq!(cohorts.rows[0].cells[1], Cell::Number(2));
    // Each customer's documents are theirs (both orders went to a "Zoë Müller"; the e-mail
    // tells the two customers apart).
    let mut bought: Vec<Vec<String>> = customers
        .rows
        .iter()
        .map(|row| {
            f.shop
                .report_documents(&f.owner, ReportName::Customers, &q, &row.key)
                .unwrap()
                .into_iter()
                .map(|d| d.name)
                .collect()
        })
        .collect();
    bought.sort();
    assert_eq!(bought, [vec!["#1", "RMA-1"], vec!["#2"]]);
}

#[test]
fn stock_value_and_age_match_the_ledger_and_sell_through_says_what_to_order() {
    let (f, ids) = history();
    let q = query("2026-11-01", "2026-11-30");
    let inventory = report(&f, ReportName::Inventory, &q);
    let levels = f.shop.stock_report(&f.owner, None).unwrap();
    assert_eq!(column_sum(&inventory, "on_hand"), levels.total_on_hand);
    assert_eq!(column_sum(&inventory, "value"), levels.total_value.minor());
    // Everything came in on 2 November: at the month's end it is 28 days old.
    assert_eq!(column_sum(&inventory, "d30"), levels.total_on_hand);
    assert_eq!(column_sum(&inventory, "older"), 0);
    // As of the day before the shop had stock, there is none.
    let before = report(
        &f,
        ReportName::Inventory,
        &query("2026-10-01", "2026-10-31"),
    );
    assert!(before.rows.is_empty());

    let through = report(&f, ReportName::SellThrough, &q);
    let sage_s = through.rows.iter().find(|r| r.key == ids[0]).unwrap();
    // Counter: 2 sold, 1 back; Ann's order: 1. On hand 50 − 3 + 1 = 48.
    assert_eq!(cell(&through, &ids[0], "sold"), 2);
    assert_eq!(cell(&through, &ids[0], "on_hand"), 48);
    assert_eq!(
        sage_s.cells[7],
        Cell::Text(String::new()),
        "it sold: not dead stock"
    );
    assert_eq!(
        cell(&through, &ids[0], "reorder"),
        0,
        "48 cover thirty days at this pace"
    );
}

/// A month-end snapshot keeps the cost of its own day: a cost edited later in the month, and a
/// purchase received the month after at a dearer price, change later snapshots only.
#[test]
fn a_month_end_snapshot_is_valued_at_that_days_cost() {
    let (f, ids, product) = shop_at("2026-11-02T09:00:00Z");
    let value_of = |from: &str, to: &str| {
        let r = report(&f, ReportName::Inventory, &query(from, to));
        (
            cell(&r, &format!("{}@{}", ids[0], locations(&f).0), "cost"),
            column_sum(&r, "value"),
        )
    };
    let units: i64 = 50 * ids.len() as i64;
    assert_eq!(value_of("2026-11-01", "2026-11-15"), (1000, units * 1000));

    // On 20 November the owner corrects the cost to 11.00.
    move_to(&f, "2026-11-20T10:00:00Z");
    let p = f.shop.product(&f.owner, &product).unwrap();
    let mut corrected = tee();
    for (v, old) in corrected.variants.iter_mut().zip(&p.variants) {
        v.id = Some(old.id.clone());
        v.cost = "11.00".into();
    }
    f.shop
        .update_product(
            &f.owner,
            ProductEdit {
                id: p.id.clone(),
                product: corrected,
            },
        )
        .unwrap();

    // On 5 December 50 more of the first come in at 17.00: 50 at 11 and 50 at 17 average 14.
    move_to(&f, "2026-12-05T10:00:00Z");
    let supplier = f
        .shop
        .save_supplier(
            &f.owner,
            SupplierDraft {
                name: "Cotton Co".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let po = f
        .shop
        .create_purchase_order(
            &f.owner,
            PurchaseDraft {
                supplier_id: supplier.id,
                location_id: locations(&f).0,
                note: String::new(),
                lines: vec![PurchaseLineDraft {
                    variant_id: ids[0].clone(),
                    qty: 50,
                    unit_cost: "17.00".into(),
                }],
            },
        )
        .unwrap();
    f.shop.send_purchase_order(&f.owner, &po.id).unwrap();
    f.shop
        .receive_purchase(
            &f.owner,
            PurchaseReceipt {
                po_id: po.id,
                lines: vec![ReceiptLine {
                    variant_id: ids[0].clone(),
                    qty: 50,
                }],
            },
        )
        .unwrap();

    // Read in December, each snapshot keeps its own day's cost.
    assert_eq!(value_of("2026-11-01", "2026-11-15"), (1000, units * 1000));
    assert_eq!(value_of("2026-11-01", "2026-11-30"), (1100, units * 1100));
    assert_eq!(
        value_of("2026-12-01", "2026-12-31"),
        (1400, 100 * 1400 + (units - 50) * 1100)
    );
}

#[test]
fn the_owner_moves_the_shops_clock_and_the_days_move_with_it() {
    let (f, ..) = shop_at("2026-11-02T09:00:00Z");
    f.shop.open_shift(&f.owner, "0").unwrap();
    // 04:30 UTC on the 3rd: the 3rd in Dublin, still the 2nd in New York.
    move_to(&f, "2026-11-03T04:30:00Z");
    sell(&f, &["TEE-S-SAGE"], None);
    let on = |day: &str| kpi(&report(&f, ReportName::Summary, &query(day, day)), "orders");
    assert_eq!((on("2026-11-02"), on("2026-11-03")), (0, 1));

    let mut settings = f.shop.order_settings(&f.owner).unwrap();
    assert_eq!(
        settings.legal.time_zone, "Europe/Dublin",
        "set from the country"
    );
    settings.legal.time_zone = "Mars/Olympus_Mons".into();
    assert!(matches!(
        f.shop.save_order_settings(&f.owner, &settings),
        Err(Error::Invalid(_))
    ));
    assert_eq!(
        f.shop.zone().unwrap().name(),
        "Europe/Dublin",
        "nothing saved"
    );
    settings.legal.time_zone = "America/New_York".into();
    f.shop.save_order_settings(&f.owner, &settings).unwrap();
    assert_eq!(f.shop.zone().unwrap().name(), "America/New_York");
    assert_eq!((on("2026-11-02"), on("2026-11-03")), (1, 0));
    // Every stored sum follows, not only the hours': the tee sold on the 2nd now.
    let off = f.shop.report_sums_check(&f.owner).unwrap();
    assert!(off.is_empty(), "{off:?}");
}

#[test]
fn home_counts_what_is_left_to_pack_until_the_last_unit_ships() {
    let (f, _) = history();
    let home = f.shop.home(&f.owner).unwrap();
    assert_eq!(home.to_pack, 0, "everything shipped");
    assert_eq!(home.last_z.map(|z| z.shift_number), Some(1));
    let o = f
        .shop
        .create_order(
            &f.owner,
            &OrderDraft {
                email: "cara@example.ie".into(),
                shipping: dublin("Cara Doyle"),
                lines: vec![line("TEE-M-INK", 2), line("TEE-S-SAGE", 1)],
                ..OrderDraft::default()
            },
        )
        .unwrap();
    assert_eq!(f.shop.home(&f.owner).unwrap().to_pack, 1);
    let ink = o.lines.iter().find(|l| l.sku == "TEE-M-INK").unwrap();
    let ship = |lines: Vec<(String, i64)>| {
        f.shop
            .ship_order(
                &f.owner,
                &o.id,
                &shopdesk_core::order::ShipmentDraft {
                    carrier: "An Post".into(),
                    tracking: String::new(),
                    lines,
                },
            )
            .unwrap()
    };
    let fulfilled = || -> Option<i64> {
        rusqlite::Connection::open(f.shop.db_path())
            .unwrap()
            .query_row(
                "SELECT fulfilled_at FROM customer_order WHERE id = ?1",
                [&o.id],
                |r| r.get(0),
            )
            .unwrap()
    };
    ship(vec![(ink.id.clone(), 2)]);
    assert_eq!(
        f.shop.home(&f.owner).unwrap().to_pack,
        1,
        "one tee still to go"
    );
    assert_eq!(fulfilled(), None, "the index still lists it");
    let inbox = |view| {
        f.shop
            .inbox(
                &f.owner,
                &shopdesk_core::order::InboxQuery {
                    view,
                    limit: 50,
                    ..Default::default()
                },
            )
            .unwrap()
            .len()
    };
    assert_eq!(inbox(shopdesk_core::order::InboxView::ToPack), 1);
    ship(Vec::new());
    assert!(
        fulfilled().is_some(),
        "the last unit out takes it off the index"
    );
    assert_eq!(f.shop.home(&f.owner).unwrap().to_pack, 0);
    assert_eq!(inbox(shopdesk_core::order::InboxView::ToPack), 0);
}
