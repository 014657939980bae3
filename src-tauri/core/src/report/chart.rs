//! What each report draws: a line of net sales over time for the summary and over-time reports,
//! and for every table its leading rows by the figure the table is read for — taken from the
//! table's own cells, so the chart can never show a second set of numbers.

use super::{Cell, ChartKind, ColumnKind, Point, Report, ReportChart, ReportName, ReportRow};

/// The most rows a bar chart shows; the rest are in the table below it.
const MOST_BARS: usize = 12;

/// How a table is charted: the column drawn, and the columns its bars are named by (a name and
/// a detail, "" for none).
fn figure(name: ReportName) -> Option<(&'static str, &'static str, &'static str)> {
    use ReportName::*;
    Some(match name {
        Summary | OverTime => return None,
        Products | Categories | Vendors | Staff | Customers => ("net", "name", ""),
        Channels => ("net", "name", "detail"),
        Payments => ("net", "method", ""),
        Taxes => ("net", "name", "rate"),
        Returns => ("units", "product", "reason"),
        Discounts => ("amount", "name", ""),
        Fulfilment => ("on_time", "name", ""),
        Cohorts => ("customers", "cohort", ""),
        Inventory => ("value", "name", "location"),
        SellThrough => ("sold", "name", ""),
    })
}

/// A line of `label` over time: the points are already the report's.
pub(super) fn line(r: &mut Report, label: &str) {
    r.chart = Some(ReportChart {
        kind: ChartKind::Line,
        label: label.into(),
        value_kind: ColumnKind::Money,
    });
}

/// Gives a table report its bars: its leading rows by its figure (the cohorts in their order),
/// the compared period's figure beside each where the table has one.
pub(super) fn bars(r: &mut Report) {
    let Some((key, name, detail)) = figure(r.name) else {
        return;
    };
    let at = |k: &str| r.columns.iter().position(|c| c.key == k);
    let Some(value_at) = at(key) else {
        return;
    };
    let (name_at, detail_at) = (at(name), at(detail));
    // Only the net sales of a group are compared in its table.
    let compared_at = at("compared").filter(|_| key == "net");
    let number = |row: &ReportRow, i: usize| match row.cells.get(i) {
        Some(Cell::Number(n)) => Some(*n),
        _ => None,
    };
    let mut rows: Vec<&ReportRow> = r
        .rows
        .iter()
        .filter(|row| number(row, value_at).is_some())
        .collect();
    if r.name == ReportName::Cohorts {
        // The latest months, oldest first.
        rows = rows.split_off(rows.len().saturating_sub(MOST_BARS));
    } else {
        rows.sort_by_key(|row| std::cmp::Reverse(number(row, value_at)));
        rows.truncate(MOST_BARS);
    }
    let points = rows
        .iter()
        .map(|row| {
            let text = |i: Option<usize>| match i {
                Some(i) if r.columns[i].kind == ColumnKind::Percent => {
                    format!("{} %", r.text(row, i))
                }
                Some(i) => r.text(row, i),
                None => String::new(),
            };
            Point {
                label: text(name_at),
                detail: text(detail_at),
                value: number(row, value_at).unwrap_or(0),
                compared: compared_at.map(|i| number(row, i).unwrap_or(0)),
            }
        })
        .collect();
    r.points = points;
    r.chart = Some(ReportChart {
        kind: ChartKind::Bars,
        label: r.columns[value_at].label.clone(),
        value_kind: r.columns[value_at].kind,
    });
}
