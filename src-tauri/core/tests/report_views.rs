//! What the owner sees of a report beside its figures: the chart drawn from the table, the staff
//! filter with former staff, the documents behind a row, and narrowing to a category, vendor or
//! tag.

mod common;

use common::reports::*;
use common::*;
use shopdesk_core::report::{Cell, ChartKind, Compare, ReportName, ReportQuery};
use shopdesk_core::shop::staff::StaffUpdate;

/// Every report draws: the summary a line of net sales per day that adds up to its net, each
/// table its leading rows by its figure, largest first — the very cells of its table.
#[test]
fn every_report_draws_the_figures_of_its_table() {
    let (f, _) = history();
    let q = ReportQuery {
        compare: Compare::Previous,
        ..query("2026-11-01", "2026-11-30")
    };
    let summary = report(&f, ReportName::Summary, &q);
    let line = summary.chart.as_ref().expect("the summary draws");
    assert_eq!(line.kind, ChartKind::Line);
    assert_eq!(summary.points.len(), 30, "a point a day");
    let drawn: i64 = summary.points.iter().map(|p| p.value).sum();
    assert_eq!(drawn, kpi(&summary, "net"));
    assert!(summary.points.iter().all(|p| p.compared == Some(0)));

    for name in ReportName::ALL {
        let r = report(&f, name, &q);
        let chart = r
            .chart
            .as_ref()
            .unwrap_or_else(|| panic!("{name:?} draws nothing"));
        if matches!(name, ReportName::Summary | ReportName::OverTime) {
            assert_eq!(chart.kind, ChartKind::Line);
            continue;
        }
        assert_eq!(chart.kind, ChartKind::Bars, "{name:?}");
        let col = r
            .columns
            .iter()
            .position(|c| c.label == chart.label)
            .unwrap_or_else(|| panic!("{name:?} draws {}, not a column", chart.label));
        assert_eq!(r.columns[col].kind, chart.value_kind);
        let numbered = r
            .rows
            .iter()
            .filter(|row| matches!(row.cells[col], Cell::Number(_)))
            .count();
        assert_eq!(r.points.len(), numbered.min(12), "{name:?}");
        // Each bar is a row's cell, and no row left out is larger than a bar drawn.
        let mut cells: Vec<i64> = r
            .rows
            .iter()
            .filter_map(|row| match row.cells[col] {
                Cell::Number(n) => Some(n),
                _ => None,
            })
            .collect();
        let mut bars: Vec<i64> = r.points.iter().map(|p| p.value).collect();
        if name != ReportName::Cohorts {
            assert!(
                bars.windows(2).all(|w| w[0] >= w[1]),
                "{name:?} largest first"
            );
            cells.sort_by_key(|n| std::cmp::Reverse(*n));
            cells.truncate(12);
            bars.sort_by_key(|n| std::cmp::Reverse(*n));
        }
        assert_eq!(bars, cells, "{name:?}");
    }
    let products = report(&f, ReportName::Products, &q);
    let top = &products.points[0];
    let row = &products.rows[0];
    assert_eq!(top.label, products.text(row, 0));
    assert_eq!(top.value, cell(&products, &row.key, "net"));
    assert_eq!(top.compared, Some(cell(&products, &row.key, "compared")));
    let taxes = report(&f, ReportName::Taxes, &q);
    assert_eq!(taxes.points[0].detail, "23.00 %");
}

/// A clerk who has left keeps their sales: the staff filter lists them after everyone still
/// here, and narrowing to them finds their sales.
#[test]
fn former_staff_stay_in_the_staff_filter() {
    let (f, _, _) = shop_at("2026-11-02T09:00:00Z");
    f.shop.open_shift(&f.owner, "0").unwrap();
    let cal = staff(&f, "Cal", "Clerk", "2468");
    let sale = sell_as(&f, &cal, &["TEE-S-SAGE"], None);
    sell(&f, &["TEE-M-INK"], None);
    let member = f
        .shop
        .report_staff(&f.owner)
        .unwrap()
        .into_iter()
        .find(|m| m.name == "Cal")
        .unwrap();
    f.shop
        .update_staff(
            &f.owner,
            StaffUpdate {
                id: member.id.clone(),
                name: "Cal".into(),
                role_id: member.role_id.clone(),
                active: false,
                new_pin: None,
            },
        )
        .unwrap();
    assert!(f.shop.staff_list().unwrap().iter().all(|m| m.name != "Cal"));
    let listed = f.shop.report_staff(&f.owner).unwrap();
    let last = listed.last().unwrap();
    assert_eq!((last.name.as_str(), last.active), ("Cal", false));
    assert!(listed[..listed.len() - 1].iter().all(|m| m.active));

    let q = ReportQuery {
        staff: Some(member.id),
        ..query("2026-11-02", "2026-11-02")
    };
    let summary = report(&f, ReportName::Summary, &q);
    assert_eq!(kpi(&summary, "orders"), 1);
    assert_eq!(kpi(&summary, "net"), sale.total.minor() - sale.tax.minor());
    // Reading the list is a report reader's right, not a staff manager's.
    let manager = staff(&f, "Mo", "Manager", "1357");
    assert!(f.shop.report_staff(&manager).is_ok());
    let clerk = staff(&f, "Di", "Clerk", "1111");
    assert_eq!(
        f.shop.report_staff(&clerk).unwrap_err().code(),
        shopdesk_core::ErrorCode::Forbidden
    );
}

/// The documents behind a row are read from the days it has sums on (a long period is not read
/// whole for a row that sold on two days), and a sale made since the sums were last brought up
/// to date is never missed.
#[test]
fn the_documents_behind_a_row_come_from_its_days_and_miss_nothing() {
    let (f, ids, _) = shop_at("2026-11-02T09:00:00Z");
    f.shop.open_shift(&f.owner, "0").unwrap();
    sell(&f, &["TEE-S-SAGE"], None);
    move_to(&f, "2026-11-04T09:00:00Z");
    sell(&f, &["TEE-M-INK"], Some("10"));
    let q = query("2026-11-01", "2026-11-30");
    let before = report(&f, ReportName::Products, &q);
    assert_eq!(before.rows.len(), 2);
    // After that report, another sale of the first tee: its day is marked, not yet summed.
    move_to(&f, "2026-11-06T09:00:00Z");
    sell(&f, &["TEE-S-SAGE", "TEE-S-SAGE"], None);

    let names = |name: ReportName, key: &str| -> Vec<String> {
        f.shop
            .report_documents(&f.owner, name, &q, key)
            .unwrap()
            .into_iter()
            .map(|d| d.name)
            .collect()
    };
    let all = ["R00000001", "R00000002", "R00000003"];
    assert_eq!(
        names(ReportName::Products, &ids[0]),
        ["R00000001", "R00000003"]
    );
    assert_eq!(names(ReportName::Products, &ids[2]), ["R00000002"]);
    assert_eq!(names(ReportName::Inventory, &ids[2]), ["R00000002"]);
    assert_eq!(names(ReportName::Categories, "Apparel"), all);
    assert_eq!(names(ReportName::Vendors, "Loom & Kiln"), all);
    let staff = report(&f, ReportName::Staff, &q);
    assert_eq!(names(ReportName::Staff, &staff.rows[0].key), all);
    let channels = report(&f, ReportName::Channels, &q);
    assert_eq!(names(ReportName::Channels, &channels.rows[0].key), all);
    let taxes = report(&f, ReportName::Taxes, &q);
    assert_eq!(names(ReportName::Taxes, &taxes.rows[0].key), all);
    let discounts = report(&f, ReportName::Discounts, &q);
    assert_eq!(
        names(ReportName::Discounts, &discounts.rows[0].key),
        ["R00000002"]
    );
    // The row's figure is its documents' figures.
    let products = report(&f, ReportName::Products, &q);
    let docs = f
        .shop
        .report_documents(&f.owner, ReportName::Products, &q, &ids[0])
        .unwrap();
    assert_eq!(
        docs.iter().map(|d| d.net_minor).sum::<i64>(),
        cell(&products, &ids[0], "net")
    );
    assert!(names(ReportName::Products, "no such variant").is_empty());
    let over_months = f
        .shop
        .report_documents(
            &f.owner,
            ReportName::Products,
            &query("2026-06-01", "2026-11-30"),
            &ids[0],
        )
        .unwrap();
    let found: Vec<&str> = over_months.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(found, ["R00000001", "R00000003"]);
}

#[test]
fn reports_narrow_to_a_category_vendor_or_tag() {
    let (f, ..) = shop_at("2026-11-02T09:00:00Z");
    let mug = f
        .shop
        .create_product(&f.owner, draft("Mug", "MUG-1", "8.00"))
        .unwrap();
    let (floor, _) = locations(&f);
    adjust(&f, &mug.variants[0].id, &floor, 5);
    f.shop.open_shift(&f.owner, "0").unwrap();
    sell(&f, &["TEE-S-SAGE", "MUG-1"], None);
    let day = query("2026-11-02", "2026-11-02");
    let all = report(&f, ReportName::Summary, &day);
    assert!(all.tie_outs.iter().all(|t| t.holds()));
    let net_of = |q: ReportQuery| {
        let r = report(&f, ReportName::Summary, &q);
        assert!(
            r.tie_outs.is_empty(),
            "a filtered report does not claim to tie out"
        );
        kpi(&r, "net")
    };
    let tee = net_of(ReportQuery {
        vendor: Some("Loom & Kiln".into()),
        ..day.clone()
    });
    assert_eq!(tee, 1951, "24.00 incl. 23 % VAT");
    assert_eq!(
        net_of(ReportQuery {
            category: Some("apparel".into()),
            ..day.clone()
        }),
        tee
    );
    assert_eq!(
        net_of(ReportQuery {
            tag: Some("Cotton".into()),
            ..day.clone()
        }),
        tee
    );
    assert_eq!(
        net_of(ReportQuery {
            tag: Some("cott".into()),
            ..day.clone()
        }),
        0,
        "whole tags only"
    );
    // The mug: 8.00 incl. 23 % VAT is 6.50 before tax, give or take the cent the sale's
    // rounding of tax on its total puts on one of its lines.
    let mug_net = kpi(&all, "net") - tee;
    assert!((650..=651).contains(&mug_net), "{mug_net}");
    let stock = report(
        &f,
        ReportName::Inventory,
        &ReportQuery {
            vendor: Some("Loom & Kiln".into()),
            ..day
        },
    );
    assert_eq!(
        stock.rows.len(),
        3,
        "the tee's three variants, not the mug: {:?}",
        stock.rows
    );
}
