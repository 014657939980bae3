//! The report sums kept beside the documents: after every kind of change they are the documents
//! summed again from scratch.

mod common;

use common::orders::{dublin, line, pay_all, ship_all};
use common::reports::*;
use common::*;
use shopdesk_core::catalog::product::ProductEdit;
use shopdesk_core::order::{OrderDraft, ReturnDraft, ReturnLineDraft, ReturnReceipt};
use shopdesk_core::report::{Cell, ReportName, ReportQuery};

/// The report sums (hours, days, months) are what the documents add up to after every kind of
/// write, however the writes fall between reports; and a sum changed behind the app's back is
/// found and shown.
#[test]
fn the_report_sums_are_the_documents_made_again_after_every_change() {
    let (f, ids) = history();
    let month = query("2026-11-01", "2026-11-30");
    let agree = |when: &str| {
        let off = f.shop.report_sums_check(&f.owner).unwrap();
        assert!(off.is_empty(), "after {when}: {off:?}");
        let summary = report(&f, ReportName::Summary, &month);
        assert!(summary.tie_outs.iter().all(|t| t.holds()), "after {when}");
        // The sums against the facts read line by line (the products table).
        let products = report(&f, ReportName::Products, &month);
        assert_eq!(
            column_sum(&products, "net"),
            kpi(&summary, "net"),
            "after {when}"
        );
        assert_eq!(
            column_sum(&products, "units"),
            kpi(&summary, "units") - {
                // Net quantity is units sold less units returned.
                column_sum(&report(&f, ReportName::Returns, &month), "units")
            },
            "after {when}"
        );
        summary
    };
    let before = agree("the history");
    let db = rusqlite::Connection::open(f.shop.db_path()).unwrap();
    let folded: i64 = db
        .query_row("SELECT count(*) FROM report_hour", [], |r| r.get(0))
        .unwrap();
    assert!(folded > 0, "the month's hours were folded");

    // A sale and an order in an hour already folded, a cancellation of an order placed days
    // ago, a refund of another: each changes an hour the report already summed.
    move_to(&f, "2026-11-04T10:00:00Z");
    f.shop.open_shift(&f.owner, "0").unwrap();
    sell(&f, &["TEE-S-SAGE"], None);
    let late = f
        .shop
        .create_order(
            &f.owner,
            &OrderDraft {
                email: "cy@example.ie".into(),
                shipping: dublin("Cy Ryan"),
                lines: vec![line("TEE-M-INK", 1)],
                ..OrderDraft::default()
            },
        )
        .unwrap();
    let after_sale = agree("a sale and an order");
    assert_eq!(kpi(&after_sale, "orders"), kpi(&before, "orders") + 2);
    f.shop
        .cancel_order(&f.owner, &late.id, "duplicate")
        .unwrap();
    assert_eq!(
        kpi(&agree("a cancellation"), "orders"),
        kpi(&before, "orders") + 1
    );
    // An order shipped after its day was folded: the fulfilment table sees it go out.
    let shipped_before = cell(
        &report(&f, ReportName::Fulfilment, &month),
        "manual",
        "shipped",
    );
    let parcel = f
        .shop
        .create_order(
            &f.owner,
            &OrderDraft {
                email: "di@example.ie".into(),
                shipping: dublin("Di Kane"),
                lines: vec![line("TEE-M-INK", 1)],
                ..OrderDraft::default()
            },
        )
        .unwrap();
    report(&f, ReportName::Fulfilment, &month);
    ship_all(&f, &pay_all(&f, &parcel));
    agree("a shipment");
    assert_eq!(
        cell(
            &report(&f, ReportName::Fulfilment, &month),
            "manual",
            "shipped"
        ),
        shipped_before + 1
    );
    sell(&f, &["TEE-M-SAGE"], None);
    let shipped: String = db
        .query_row("SELECT id FROM customer_order WHERE number = 2", [], |r| {
            r.get(0)
        })
        .unwrap();
    let o2 = f.shop.order(&f.owner, &shipped).unwrap();
    let o2 = f
        .shop
        .authorise_return(
            &f.owner,
            &o2.id,
            &ReturnDraft {
                reason: "changed mind".into(),
                lines: vec![ReturnLineDraft {
                    order_line_id: o2.lines[0].id.clone(),
                    quantity: 1,
                }],
            },
        )
        .unwrap();
    let ret = o2.returns[0].id.clone();
    f.shop
        .receive_return(&f.owner, &ret, &ReturnReceipt::default())
        .unwrap();
    f.shop.refund_return(&f.owner, &ret, "card").unwrap();
    let last = agree("a sale and a refund with no report between");
    assert!(kpi(&last, "returns") > kpi(&after_sale, "returns"));

    // An order of two tees of one category is one order of that category.
    let categories = report(&f, ReportName::Categories, &month);
    assert_eq!(cell(&categories, "Apparel", "orders"), kpi(&last, "orders"));
    // The tee moves to another category: the days it sold in are made again.
    let product: String = db
        .query_row(
            "SELECT product_id FROM variant WHERE id = ?1",
            [&ids[0]],
            |r| r.get(0),
        )
        .unwrap();
    let p = f.shop.product(&f.owner, &product).unwrap();
    let mut moved = tee();
    moved.product_type = "Tops".into();
    for (v, old) in moved.variants.iter_mut().zip(&p.variants) {
        v.id = Some(old.id.clone());
        v.cost = "10.00".into();
    }
    f.shop
        .update_product(
            &f.owner,
            ProductEdit {
                id: product,
                product: moved,
            },
        )
        .unwrap();
    agree("a product moved to another category");
    let categories = report(&f, ReportName::Categories, &month);
    assert_eq!(categories.rows.len(), 1);
    assert_eq!(cell(&categories, "Tops", "net"), kpi(&last, "net"));
    assert_eq!(cell(&categories, "Tops", "orders"), kpi(&last, "orders"));
    // A quarter reads whole months from the month rows: the same figures.
    let quarter = query("2026-10-01", "2026-12-31");
    let by_month = report(&f, ReportName::Products, &quarter);
    let by_day = report(&f, ReportName::Products, &month);
    assert_eq!(by_month.rows, by_day.rows);
    assert_eq!(
        column_sum(&report(&f, ReportName::Taxes, &quarter), "net"),
        kpi(&last, "tax")
    );

    // Someone changes a stored sum behind the app's back: the check names the hour, and the
    // summary, which reads it, says it no longer ties out.
    db.execute(
        "UPDATE report_hour SET gross = gross + 5 WHERE (day, hour, doc) =
             (SELECT day, hour, doc FROM report_hour WHERE doc = 'sale' AND hour = -1 LIMIT 1)",
        [],
    )
    .unwrap();
    db.execute(
        "UPDATE report_item SET units = units + 1 WHERE span = 'month'
           AND (day, doc, channel, location, staff, item, reason) =
             (SELECT day, doc, channel, location, staff, item, reason FROM report_item
              WHERE span = 'month' LIMIT 1)",
        [],
    )
    .unwrap();
    let off = f.shop.report_sums_check(&f.owner).unwrap();
    assert_eq!(off.len(), 2, "{off:?}");
    assert!(off[0].starts_with("day ") && off[1].starts_with("items of the month "));
    let summary = report(&f, ReportName::Summary, &month);
    let broken: Vec<_> = summary.tie_outs.iter().filter(|t| !t.holds()).collect();
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].what, "Counter sales against their receipts");
    assert_eq!(broken[0].actual_minor - broken[0].expected_minor, 5);
}

/// Customers and cohorts over whole months read the month sums (by customer number), the edges
/// of a period the day sums: both give what the orders say, with a channel filter too, and a
/// month sum changed behind the app's back is named by the check.
#[test]
fn customers_and_cohorts_read_from_the_month_sums_are_the_orders() {
    let (f, ..) = shop_at("2026-09-02T10:00:00Z");
    let order = |email: &str, name: &str, channel: &str| {
        f.shop
            .create_order(
                &f.owner,
                &OrderDraft {
                    email: email.into(),
                    shipping: dublin(name),
                    lines: vec![line("TEE-M-INK", 1)],
                    shipping_method: "An Post".into(),
                    shipping_price: "5.00".into(),
                    channel: channel.into(),
                    ..OrderDraft::default()
                },
            )
            .unwrap();
    };
    // Zoë buys in September, October and November; Ann in October (by phone); Bob twice in
    // November; the counter sells to nobody in particular in October.
    order("zoe@example.ie", "Zoë Müller", "shopify");
    move_to(&f, "2026-10-20T10:00:00Z");
    order("zoe@example.ie", "Zoë Müller", "shopify");
    order("ann@example.ie", "Ann Ryan", "phone");
    f.shop.open_shift(&f.owner, "0").unwrap();
    sell(&f, &["TEE-S-SAGE"], None);
    move_to(&f, "2026-11-05T10:00:00Z");
    order("zoe@example.ie", "Zoë Müller", "shopify");
    order("bob@example.ie", "Bob Walsh", "shopify");
    move_to(&f, "2026-11-06T10:00:00Z");
    order("bob@example.ie", "Bob Walsh", "shopify");
    move_to(&f, "2026-12-01T10:00:00Z");
    f.shop.fold_report_hours(&f.owner).unwrap();
    let db = rusqlite::Connection::open(f.shop.db_path()).unwrap();
    let month_rows: i64 = db
        .query_row("SELECT count(*) FROM report_buyer_month", [], |r| r.get(0))
        .unwrap();
    // Zoë ×3, Ann, Bob and the counter's nobody.
    assert_eq!(month_rows, 6);

    let customers = |from: &str, channel: Option<&str>| {
        let q = ReportQuery {
            channel: channel.map(Into::into),
            ..query(from, "2026-11-30")
        };
        let r = report(&f, ReportName::Customers, &q);
        let orders: Vec<(String, i64)> = r
            .rows
            .iter()
            .map(|row| match (&row.cells[0], &row.cells[2]) {
                (Cell::Text(name), Cell::Number(n)) => (name.clone(), *n),
                other => panic!("{other:?}"),
            })
            .collect();
        let k = |key: &str| kpi(&r, key);
        (
            [k("customers"), k("new"), k("repeat"), k("anonymous")],
            orders,
        )
    };
    let everyone = (
        [3, 3, 2, 1],
        vec![
            ("Zoë Müller".to_string(), 3),
            ("Bob Walsh".to_string(), 2),
            ("Ann Ryan".to_string(), 1),
        ],
    );
    // Three whole months (month sums), and the same from mid-September (day sums for the
    // edge): Zoë's first order is on 2 September either way.
    assert_eq!(customers("2026-09-01", None), everyone);
    let from_mid = customers("2026-09-02", None);
    assert_eq!(from_mid, everyone);
    assert_eq!(
        customers("2026-09-03", None).0,
        [3, 2, 2, 1],
        "Zoë bought before the period: returning"
    );
    assert_eq!(
        customers("2026-09-01", Some("shopify")),
        (
            [2, 2, 2, 0],
            vec![("Zoë Müller".to_string(), 3), ("Bob Walsh".to_string(), 2)]
        )
    );

    let cohorts = report(&f, ReportName::Cohorts, &query("2026-09-01", "2026-11-30"));
    let grid: Vec<Vec<Cell>> = cohorts.rows.iter().map(|r| r.cells.clone()).collect();
    assert_eq!(
        grid,
        [
            // Zoë came back in each of the next two months.
            vec![
                Cell::Text("2026-09".into()),
                Cell::Number(1),
                Cell::Number(10_000),
                Cell::Number(10_000)
            ],
            vec![
                Cell::Text("2026-10".into()),
                Cell::Number(1),
                Cell::Number(0),
                Cell::Empty
            ],
            vec![
                Cell::Text("2026-11".into()),
                Cell::Number(1),
                Cell::Empty,
                Cell::Empty
            ],
        ]
    );

    assert!(f.shop.report_sums_check(&f.owner).unwrap().is_empty());
    db.execute(
        "UPDATE report_buyer_month SET docs = docs + 1 WHERE month = '2026-11-01'
           AND customer = (SELECT no FROM report_customer WHERE id <> '' LIMIT 1)",
        [],
    )
    .unwrap();
    let off = f.shop.report_sums_check(&f.owner).unwrap();
    assert!(
        off.len() == 1 && off[0].starts_with("buyers of the month "),
        "{off:?}"
    );
}
