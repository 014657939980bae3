//! Item lines, tax per rate and discounts per source summed per local day (item lines per month
//! too): made from the facts by the same function whether folded or read live, stored and read
//! back for the products, categories, vendors, returns, sell-through, taxes and discounts reports.

use super::facts::{Doc, Fact};
use super::rollup::HourKey;
use super::tables::Sums;
use crate::clock::{Date, ShopZone};
use crate::error::Result;
use crate::sql::{args, Arg, Conn};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// What an item row's sums are kept apart by (besides its span and day).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ItemKey {
    pub day: Date,
    pub doc: Doc,
    pub channel: String,
    pub location: String,
    pub staff: String,
    /// The variant's id, or "title:" and the title of a line without one.
    pub item: String,
    /// A return's reason; "" for sold lines and counter returns.
    pub reason: String,
}

impl ItemKey {
    /// A day's bucket (its hour set aside) with an item and a reason.
    pub fn new(bucket: HourKey, item: String, reason: String) -> ItemKey {
        ItemKey {
            day: bucket.day,
            doc: bucket.doc,
            channel: bucket.channel,
            location: bucket.location,
            staff: bucket.staff,
            item,
            reason,
        }
    }
}

/// The item lines of a day (or a month) summed.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ItemSums {
    pub title: String,
    pub sku: String,
    pub category: String,
    pub vendor: String,
    /// Its documents counted (`counted_docs`): those with this item.
    pub sums: Sums,
    /// Documents counted on their first line of this category, and of this vendor.
    pub docs_category: i64,
    pub docs_vendor: i64,
    /// What the returns refunded, tax included (positive).
    pub refunds: i64,
    pub restocked: i64,
    pub written_off: i64,
}

impl ItemSums {
    pub fn add(&mut self, o: &ItemSums) {
        self.sums.merge(&o.sums);
        self.docs_category += o.docs_category;
        self.docs_vendor += o.docs_vendor;
        self.refunds += o.refunds;
        self.restocked += o.restocked;
        self.written_off += o.written_off;
    }
}

/// Tax per rate: (name, rate_bp) of a day's (doc, channel, location, staff).
pub(crate) type TaxKey = (HourKey, String, i64);
/// Discounts per source: (day's bucket, source).
pub(crate) type DiscountKey = (HourKey, String);

/// A stretch of days summed three ways: item lines, tax per rate, discounts per source.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Lines {
    /// No key twice: each row is of its own day or month. A list, not a map: a year's months
    /// are tens of thousands of rows, and nothing here looks one up.
    pub items: Vec<(ItemKey, ItemSums)>,
    /// (base sold, tax sold, tax refunded).
    pub taxes: BTreeMap<TaxKey, (i64, i64, i64)>,
    /// (documents using it, amount, net of those documents' items).
    pub discounts: BTreeMap<DiscountKey, (i64, i64, i64)>,
}

impl Lines {
    /// Adds the sums of other days.
    pub fn extend(&mut self, o: Lines) {
        self.items.extend(o.items);
        for (k, v) in o.taxes {
            let e = self.taxes.entry(k).or_default();
            *e = (e.0 + v.0, e.1 + v.1, e.2 + v.2);
        }
        for (k, v) in o.discounts {
            let e = self.discounts.entry(k).or_default();
            *e = (e.0 + v.0, e.1 + v.1, e.2 + v.2);
        }
    }
}

/// A variant's category and vendor now, read once per variant.
pub(crate) struct CatalogGroups<'c> {
    conn: Conn<'c>,
    known: HashMap<String, (String, String)>,
}

impl<'c> CatalogGroups<'c> {
    pub fn new(conn: Conn<'c>) -> Self {
        CatalogGroups {
            conn,
            known: HashMap::new(),
        }
    }

    /// Reads the groups of the variants in `variants` not known yet, a few hundred a
    /// statement: a fold over thousands of items asks per batch, not per item.
    fn know<'v>(&mut self, variants: impl Iterator<Item = &'v str>) -> Result<()> {
        let unknown: BTreeSet<&str> = variants.filter(|v| !self.known.contains_key(*v)).collect();
        let keys: Vec<Arg> = unknown.iter().map(|v| Arg::Text(v.to_string())).collect();
        let found: Vec<(String, String, String)> = self.conn.query_in(
            "SELECT v.id, p.product_type, p.vendor FROM variant v JOIN product p ON p.id = v.product_id
             WHERE v.id IN ({})",
            &keys,
            |r| r.tuple(),
        )?;
        for v in unknown {
            self.known.insert(v.to_string(), Default::default());
        }
        for (v, category, vendor) in found {
            self.known.insert(v, (category, vendor));
        }
        Ok(())
    }

    fn of(&mut self, variant: Option<&str>) -> Result<(String, String)> {
        let Some(v) = variant else {
            return Ok(Default::default());
        };
        if let Some(g) = self.known.get(v) {
            return Ok(g.clone());
        }
        let g: (String, String) = self
            .conn
            .query_opt(
                "SELECT p.product_type, p.vendor FROM variant v JOIN product p ON p.id = v.product_id
                 WHERE v.id = ?1",
                args![v],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .unwrap_or_default();
        self.known.insert(v.to_string(), g.clone());
        Ok(g)
    }
}

/// The facts summed by day into item lines, tax per rate and discounts per source: the one way
/// those sums are made (folded, or read live for marked days and filtered reports).
pub(crate) fn aggregate(
    zone: &ShopZone,
    facts: &[Fact],
    catalog: &mut CatalogGroups,
) -> Result<Lines> {
    use super::facts::LineKind;
    let mut out = Lines::default();
    let mut items: BTreeMap<ItemKey, ItemSums> = BTreeMap::new();
    // (bucket, category or vendor, document) already counted.
    let mut seen: HashSet<(HourKey, bool, String, String)> = HashSet::new();
    // Net of each document's items, for the discounts' "net of those documents".
    let mut doc_net: HashMap<(HourKey, String), i64> = HashMap::new();
    let mut doc_sources: HashMap<(HourKey, String), BTreeSet<String>> = HashMap::new();
    catalog.know(facts.iter().filter_map(|f| f.variant_id.as_deref()))?;
    for f in facts {
        let bucket = HourKey::of_day(zone, f);
        for (name, rate, base, tax) in super::sales::tax_parts(f) {
            let e = out.taxes.entry((bucket.clone(), name, rate)).or_default();
            if f.is_return() {
                e.2 -= tax;
            } else {
                e.0 += base;
                e.1 += tax;
            }
        }
        if f.kind != LineKind::Item {
            continue;
        }
        if f.doc != Doc::OrderReturn {
            *doc_net
                .entry((bucket.clone(), f.doc_id.clone()))
                .or_default() += f.net;
        }
        for (source, amount) in &f.discounts {
            let e = out
                .discounts
                .entry((bucket.clone(), source.clone()))
                .or_default();
            e.1 += amount;
            doc_sources
                .entry((bucket.clone(), f.doc_id.clone()))
                .or_default()
                .insert(source.clone());
        }
        let (category, vendor) = catalog.of(f.variant_id.as_deref())?;
        let item = f
            .variant_id
            .clone()
            .unwrap_or_else(|| format!("title:{}", f.title));
        let key = ItemKey::new(bucket.clone(), item, f.reason.clone());
        let counts = f.doc != Doc::OrderReturn && !f.is_return();
        let mut first_of = |vendor: bool, group: &str| -> i64 {
            let new = counts
                && seen.insert((bucket.clone(), vendor, group.to_string(), f.doc_id.clone()));
            i64::from(new)
        };
        let (by_category, by_vendor) = (first_of(false, &category), first_of(true, &vendor));
        let e = items.entry(key).or_insert_with(|| ItemSums {
            title: f.title.clone(),
            sku: f.sku.clone(),
            category,
            vendor,
            ..ItemSums::default()
        });
        e.sums.add(f);
        e.docs_category += by_category;
        e.docs_vendor += by_vendor;
        if f.is_return() {
            e.refunds -= f.net + f.tax;
            match f.restocked {
                Some(true) => e.restocked -= f.quantity,
                Some(false) => e.written_off -= f.quantity,
                None => {}
            }
        }
    }
    for ((bucket, doc), sources) in doc_sources {
        let net = doc_net.get(&(bucket.clone(), doc)).copied().unwrap_or(0);
        for source in sources {
            let e = out.discounts.entry((bucket.clone(), source)).or_default();
            e.0 += 1;
            e.2 += net;
        }
    }
    for v in items.values_mut() {
        v.sums.counted_docs = v.sums.docs.len() as i64;
        v.sums.docs.clear();
        // Tax by rate is kept in `taxes`, not beside each item.
        v.sums.tax_parts = 0;
    }
    out.items = items.into_iter().collect();
    Ok(out)
}

/// Replaces the day rows of [first, last] with `lines` (in the fold's transaction).
pub(crate) fn store(
    tx: Conn,
    zone: &ShopZone,
    first: Date,
    last: Date,
    lines: &Lines,
) -> Result<()> {
    let (from, to) = (first.to_string(), last.to_string());
    for table in [
        "DELETE FROM report_item WHERE span = 'day' AND day >= ?1 AND day <= ?2",
        "DELETE FROM report_tax WHERE day >= ?1 AND day <= ?2",
        "DELETE FROM report_discount WHERE day >= ?1 AND day <= ?2",
    ] {
        tx.execute(table, args![from, to])?;
    }
    let mut items: Vec<Arg> = Vec::new();
    for (k, v) in &lines.items {
        let s = &v.sums;
        items.extend([
            "day".into(),
            k.day.to_string().into(),
            zone.start_of(k.day).0.into(),
            k.doc.text().into(),
            (&k.channel).into(),
            (&k.location).into(),
            (&k.staff).into(),
            (&k.item).into(),
            (&k.reason).into(),
            (&v.title).into(),
            (&v.sku).into(),
            (&v.category).into(),
            (&v.vendor).into(),
        ]);
        items.extend(
            [
                s.counted_docs,
                v.docs_category,
                v.docs_vendor,
                s.units,
                s.returned_units,
                s.gross,
                s.discounts,
                s.returns,
                s.tax,
                s.cost,
                s.costed_net,
                s.without_cost,
                v.refunds,
                v.restocked,
                v.written_off,
            ]
            .map(Arg::Int),
        );
    }
    tx.insert_rows("report_item", 28, &items)?;
    let mut taxes: Vec<Arg> = Vec::new();
    for ((k, name, rate), (base, sold, back)) in &lines.taxes {
        taxes.extend([
            k.day.to_string().into(),
            k.doc.text().into(),
            (&k.channel).into(),
            (&k.location).into(),
            (&k.staff).into(),
            name.into(),
        ]);
        taxes.extend([*rate, *base, *sold, *back].map(Arg::Int));
    }
    tx.insert_rows("report_tax", 10, &taxes)?;
    let mut discounts: Vec<Arg> = Vec::new();
    for ((k, source), (docs, amount, net)) in &lines.discounts {
        discounts.extend([
            k.day.to_string().into(),
            k.doc.text().into(),
            (&k.channel).into(),
            (&k.location).into(),
            (&k.staff).into(),
            source.into(),
        ]);
        discounts.extend([*docs, *amount, *net].map(Arg::Int));
    }
    tx.insert_rows("report_discount", 9, &discounts)?;
    Ok(())
}

/// The stored item rows of a span ("day" or "month") whose day is in [first, last], but for the
/// days in `skip`.
pub(crate) fn stored_items(
    conn: Conn,
    span: &str,
    first: Date,
    last: Date,
    skip: &BTreeSet<Date>,
    out: &mut Lines,
) -> Result<()> {
    let found = conn.query_map(
        "SELECT day, doc, channel, location, staff, item, reason, title, sku, category, vendor,
                docs, docs_category, docs_vendor, units, returned_units, gross, discounts, returns,
                tax, cost, costed_net, without_cost, refunds, restocked, written_off
         FROM report_item WHERE span = ?1 AND day >= ?2 AND day <= ?3",
        args![span, first.to_string(), last.to_string()],
        |r| {
            let bucket = HourKey::read(r)?;
            if span == "day" && skip.contains(&bucket.day) {
                return Ok(None);
            }
            let key = ItemKey::new(bucket, r.get(5)?, r.get(6)?);
            let v = ItemSums {
                title: r.get(7)?,
                sku: r.get(8)?,
                category: r.get(9)?,
                vendor: r.get(10)?,
                sums: Sums {
                    counted_docs: r.get(11)?,
                    units: r.get(14)?,
                    returned_units: r.get(15)?,
                    gross: r.get(16)?,
                    discounts: r.get(17)?,
                    returns: r.get(18)?,
                    tax: r.get(19)?,
                    cost: r.get(20)?,
                    costed_net: r.get(21)?,
                    without_cost: r.get(22)?,
                    ..Sums::default()
                },
                docs_category: r.get(12)?,
                docs_vendor: r.get(13)?,
                refunds: r.get(23)?,
                restocked: r.get(24)?,
                written_off: r.get(25)?,
            };
            Ok(Some((key, v)))
        },
    )?;
    out.items.extend(found.into_iter().flatten());
    Ok(())
}

/// The stored taxes and discounts of the days in [first, last], but for the days in `skip`.
pub(crate) fn stored_taxes_and_discounts(
    conn: Conn,
    first: Date,
    last: Date,
    skip: &BTreeSet<Date>,
    out: &mut Lines,
) -> Result<()> {
    let (first, last) = (first.to_string(), last.to_string());
    conn.query_map(
        "SELECT day, doc, channel, location, staff, name, rate_bp, base, tax, refunded
         FROM report_tax WHERE day >= ?1 AND day <= ?2",
        args![first, last],
        |r| {
            let k = HourKey::read(r)?;
            if !skip.contains(&k.day) {
                out.taxes
                    .insert((k, r.get(5)?, r.get(6)?), (r.get(7)?, r.get(8)?, r.get(9)?));
            }
            Ok(())
        },
    )?;
    conn.query_map(
        "SELECT day, doc, channel, location, staff, source, docs, amount, net
         FROM report_discount WHERE day >= ?1 AND day <= ?2",
        args![first, last],
        |r| {
            let k = HourKey::read(r)?;
            if !skip.contains(&k.day) {
                out.discounts
                    .insert((k, r.get(5)?), (r.get(6)?, r.get(7)?, r.get(8)?));
            }
            Ok(())
        },
    )?;
    Ok(())
}

/// Makes the item rows of `month` again: the sum of its days.
pub(crate) fn store_month(tx: Conn, zone: &ShopZone, month: Date) -> Result<()> {
    let next = month.last_of_month().tomorrow().unwrap_or(month);
    tx.execute(
        "DELETE FROM report_item WHERE span = 'month' AND day = ?1",
        args![month.to_string()],
    )?;
    tx.execute(
        "INSERT INTO report_item
         SELECT 'month', ?1, CAST(?3 AS BIGINT), doc, channel, location, staff, item, reason, max(title),
                max(sku), max(category), max(vendor), sum(docs), sum(docs_category),
                sum(docs_vendor), sum(units), sum(returned_units), sum(gross), sum(discounts),
                sum(returns), sum(tax), sum(cost), sum(costed_net), sum(without_cost),
                sum(refunds), sum(restocked), sum(written_off)
         FROM report_item WHERE span = 'day' AND day >= ?1 AND day < ?2
         GROUP BY doc, channel, location, staff, item, reason",
        args![month.to_string(), next.to_string(), zone.start_of(month).0],
    )?;
    Ok(())
}
