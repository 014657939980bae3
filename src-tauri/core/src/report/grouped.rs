//! Sales by product, category, vendor, channel and location: rows grouped from the sums (borrowed
//! keys, each row labelled once), the compared period beside them, and the table's layout.

use super::lines::{ItemKey, ItemSums, Lines};
use super::rollup::HourRow;
use super::tables::{blank, col, n, opt, ratio_bp, row, t, Sums};
use super::{Cell, ColumnKind, Report, ReportName, ReportRow};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// A sales table's rows before layout: key → (label, detail, sums), the compared period's sums by
/// key, and the sums of every row.
pub(super) struct Groups {
    rows: BTreeMap<String, (String, String, Sums)>,
    compared: Option<HashMap<String, Sums>>,
    all: Sums,
}

impl Groups {
    /// `key` names an item's row (None leaves it out), `label` gives a new row its label and
    /// detail, `add` adds an item to sums. Keys are borrowed where they can be: a year of
    /// products is tens of thousands of rows into a few hundred.
    pub(super) fn of<'a, T>(
        items: &'a [T],
        before: Option<&'a [T]>,
        key: impl Fn(&'a T) -> Option<Cow<'a, str>>,
        label: impl Fn(&T) -> (String, String),
        add: impl Fn(&mut Sums, &T),
    ) -> Groups {
        let mut rows: HashMap<Cow<'a, str>, (String, String, Sums)> = HashMap::new();
        let mut all = Sums::default();
        for item in items {
            if let Some(k) = key(item) {
                let row = rows.entry(k).or_insert_with(|| {
                    let (l, detail) = label(item);
                    (l, detail, Sums::default())
                });
                add(&mut row.2, item);
                add(&mut all, item);
            }
        }
        let compared = before.map(|before| {
            let mut compared: HashMap<Cow<'a, str>, Sums> = HashMap::new();
            for item in before {
                if let Some(k) = key(item) {
                    add(compared.entry(k).or_default(), item);
                }
            }
            compared
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v))
                .collect()
        });
        Groups {
            rows: rows.into_iter().map(|(k, v)| (k.into_owned(), v)).collect(),
            compared,
            all,
        }
    }
}

/// Sales by product, category or vendor, from the item lines' sums. A category or vendor row
/// counts each order on its first line of that group, so an order of two shirts is one order.
pub(super) fn grouped(name: ReportName, lines: &Lines, before: Option<&Lines>) -> Report {
    type Item = (ItemKey, ItemSums);
    let vendors = name == ReportName::Vendors;
    fn group(v: &ItemSums, vendors: bool) -> &str {
        let g = if vendors { &v.vendor } else { &v.category };
        if g.is_empty() {
            "(none)"
        } else {
            g
        }
    }
    let (now, then) = (&lines.items, before.map(|b| b.items.as_slice()));
    let groups = match name {
        ReportName::Products => Groups::of(
            now,
            then,
            |(k, _): &Item| Some(Cow::Borrowed(k.item.as_str())),
            |(_, v): &Item| (v.title.clone(), v.sku.clone()),
            |s, (_, v)| s.merge(&v.sums),
        ),
        _ => Groups::of(
            now,
            then,
            |(_, v): &Item| Some(Cow::Borrowed(group(v, vendors))),
            |(_, v): &Item| (group(v, vendors).to_string(), String::new()),
            |s, (_, v)| {
                let docs = if vendors {
                    v.docs_vendor
                } else {
                    v.docs_category
                };
                s.merge_counting(&v.sums, docs)
            },
        ),
    };
    let (first, second) = match name {
        ReportName::Products => ("Product", "SKU"),
        ReportName::Vendors => ("Vendor", ""),
        _ => ("Category", ""),
    };
    sales_table(name, groups, first, second)
}

/// Sales by channel and location, from the hours' sums.
pub(super) fn channels(
    hours: &[HourRow],
    before: Option<&[HourRow]>,
    locations: &HashMap<String, String>,
) -> Report {
    let groups = Groups::of(
        hours,
        before,
        |r: &HourRow| Some(Cow::Owned(format!("{}|{}", r.key.channel, r.key.location))),
        |r: &HourRow| {
            let place = locations.get(&r.key.location).cloned().unwrap_or_default();
            (r.key.channel.clone(), place)
        },
        |s, r| s.merge(&r.sums),
    );
    sales_table(ReportName::Channels, groups, "Channel", "Location")
}

fn sales_table(name: ReportName, groups: Groups, first: &str, second: &str) -> Report {
    let by_channel = name == ReportName::Channels;
    let Groups {
        rows: groups,
        compared,
        all,
    } = groups;
    let before = compared.as_ref();
    let mut columns = vec![col("name", first, ColumnKind::Text)];
    if !second.is_empty() {
        columns.push(col("detail", second, ColumnKind::Text));
    }
    let money = |k: &str, l: &str| col(k, l, ColumnKind::Money);
    columns.extend([
        col("orders", "Orders", ColumnKind::Count),
        col("units", "Net quantity", ColumnKind::Count),
        money("gross", "Gross sales"),
        money("discounts", "Discounts"),
        money("returns", "Returns"),
        money("net", "Net sales"),
    ]);
    if by_channel {
        columns.extend([money("shipping", "Shipping"), money("tax", "Tax")]);
    } else {
        columns.extend([
            money("cost", "Cost"),
            money("profit", "Gross profit"),
            col("margin", "Margin", ColumnKind::Percent),
        ]);
    }
    columns.push(col("share", "Share of net", ColumnKind::Percent));
    if before.is_some() {
        columns.push(money("compared", "Compared net sales"));
    }
    let cells = |label: &str, extra: &str, s: &Sums, c: Option<i64>| -> Vec<Cell> {
        let mut v = vec![t(label)];
        if !second.is_empty() {
            v.push(t(extra));
        }
        v.extend([
            n(s.orders()),
            n(s.units - s.returned_units),
            n(s.gross),
            n(s.discounts),
            n(s.returns),
            n(s.net()),
        ]);
        if by_channel {
            v.extend([n(s.shipping), n(s.tax)]);
        } else {
            v.extend([n(s.cost), n(s.profit()), opt(s.margin_bp())]);
        }
        v.push(opt(ratio_bp(s.net(), all.net())));
        if before.is_some() {
            v.push(opt(c));
        }
        v
    };
    let mut rows: Vec<(i64, ReportRow)> = groups
        .into_iter()
        .map(|(key, (label, extra, s))| {
            let c = before.map(|c| c.get(&key).map_or(0, Sums::net));
            (s.net(), row(key.clone(), cells(&label, &extra, &s, c)))
        })
        .collect();
    // Best sellers first.
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut r = blank(name, columns);
    r.rows = rows.into_iter().map(|(_, row)| row).collect();
    let compared_all = before.map(|c| c.values().map(Sums::net).sum());
    r.total = Some(row(String::new(), cells("Total", "", &all, compared_all)));
    r
}
