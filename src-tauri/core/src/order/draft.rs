//! An order as entered (by hand, from a JSON file or by a marketplace connector) and how it is
//! checked and priced before it is written: every line resolved to a catalog variant or given a
//! title, amounts parsed exactly, taxes by the shop's rule in `tax.rs`.

use super::buyer::Ahead;
use super::verify::{risk_settings, Candidate, CandidateLine, RiskSettings, USUAL_OF};
use super::Address;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::sale::pricing::{price, PriceLine, PriceRules};
use crate::sale::{price_rules, Discount, LineKind};
use crate::shop::shop_currency;
use crate::sql::{args, Arg, Conn, LaterRows, Row};
use crate::stock::{self, line_name};
use crate::store::{give_back, next_number, next_numbers};
use crate::tax::{self, TaxPart, TaxRate};
use serde::{Deserialize, Serialize};
use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, VecDeque};
use ts_rs::TS;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct OrderDraft {
    /// "manual" when empty; marketplace connectors give their name.
    pub channel: String,
    /// The marketplace's order id: the same (channel, external id) is one order, however often it
    /// is imported.
    pub external_id: Option<String>,
    pub customer_id: Option<String>,
    pub email: String,
    pub phone: String,
    pub shipping: Address,
    /// `None`: the same as shipping.
    pub billing: Option<Address>,
    /// Where it ships from; the first location when empty.
    pub location_id: Option<String>,
    pub lines: Vec<OrderLineDraft>,
    pub shipping_method: String,
    /// Decimal text in the shop's currency ("4.95"); empty is free.
    pub shipping_price: String,
    pub express: bool,
    /// The marketplace's own risk level: "low", "medium" or "high".
    pub channel_risk: Option<String>,
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct OrderLineDraft {
    /// SKU or barcode of a catalog variant; empty for a custom line with a title.
    pub sku: String,
    pub variant_id: Option<String>,
    /// For custom lines; catalog lines take the product's title.
    pub title: String,
    #[ts(type = "number")]
    pub quantity: i64,
    /// Decimal text; the catalog price when empty.
    pub unit_price: String,
    /// Decimal text off the line; empty for none.
    pub discount: String,
}

/// A line ready to write.
pub(crate) struct PreparedLine {
    pub kind: &'static str,
    pub variant_id: Option<String>,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub catalog_price: Option<i64>,
    /// The variant's: "continue" sells past zero.
    pub inventory_policy: Option<String>,
    /// The variant's cost as the order is written, for its margin.
    pub unit_cost: Option<i64>,
    pub discount: i64,
    pub amount: i64,
    pub taxes: Vec<TaxPart>,
}

impl PreparedLine {
    pub fn tax(&self) -> i64 {
        self.taxes.iter().map(|t| t.tax_minor).sum()
    }
}

pub(crate) struct Prepared {
    pub channel: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub shipping: Address,
    pub billing: Address,
    pub channel_risk: Option<String>,
    pub lines: Vec<PreparedLine>,
    pub included: bool,
    pub subtotal: i64,
    pub discount: i64,
    pub shipping_total: i64,
    pub tax: i64,
    pub total: i64,
    pub taxes: Vec<TaxPart>,
}

impl Prepared {
    /// The order as verification reads it, before it is written.
    pub(crate) fn candidate(
        &self,
        location: &str,
        customer: Option<String>,
        express: bool,
        now: Timestamp,
    ) -> Candidate {
        Candidate {
            me: None,
            email: self.email.clone(),
            phone: self.phone.clone(),
            billing: self.billing.clone(),
            shipping: self.shipping.clone(),
            address_key: self.shipping.key(),
            location: location.to_string(),
            total: self.total,
            express,
            channel_risk: self.channel_risk.clone(),
            customer,
            created: now.0,
            lines: self
                .lines
                .iter()
                .filter(|l| l.kind == "item")
                .map(|l| CandidateLine {
                    variant_id: l.variant_id.clone(),
                    title: l.title.clone(),
                    quantity: l.quantity,
                    unit_price: l.unit_price,
                    catalog_price: l.catalog_price,
                    inventory_policy: l.inventory_policy.clone(),
                })
                .collect(),
        }
    }
}

fn optional(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

fn amount(text: &str, currency: Currency, what: &str) -> Result<i64> {
    let m = Money::parse(text, currency)?.minor();
    if m < 0 {
        return Err(Error::invalid(format!("the {what} cannot be negative")));
    }
    Ok(m)
}

#[derive(Clone)]
struct CatalogRow {
    id: String,
    sku: Option<String>,
    price: i64,
    tax_class: String,
    inventory_policy: String,
    cost: Option<i64>,
}

/// A variant's catalog row (`CatalogRow::read`) and its line name from column 6 (`line_name`).
const VARIANT_ROW: &str = "SELECT v.id, v.sku, v.price_minor, v.tax_class, v.inventory_policy,
        v.cost_minor, p.title, v.option1, v.option2, v.option3
    FROM variant v JOIN product p ON p.id = v.product_id";

impl CatalogRow {
    /// From a row starting id, sku, price_minor, tax_class, inventory_policy, cost_minor.
    fn read(r: &Row) -> Result<CatalogRow> {
        Ok(CatalogRow {
            id: r.get(0)?,
            sku: r.get(1)?,
            price: r.get(2)?,
            tax_class: r.get(3)?,
            inventory_policy: r.get(4)?,
            cost: r.get(5)?,
        })
    }
}

/// The variant a line names, with its line name ("Tee (M / Sage)").
fn find_variant(
    conn: Conn,
    line: &OrderLineDraft,
    terms: &OrderTerms,
) -> Result<Option<(CatalogRow, String)>> {
    let code = line.sku.trim();
    if line.variant_id.is_none() && code.is_empty() {
        return Ok(None);
    }
    if let Some(known) = line.variant_id.as_ref().and_then(|id| terms.known.get(id)) {
        return Ok(Some(known.clone()));
    }
    // One indexed lookup at a time: the id, then the SKU, then the barcode. Asked as one
    // `id = ? OR sku = ? OR barcode = ?`, SQLite scanned every variant (15 ms a line in a
    // 100k-variant catalog). The name comes with it (a statement more a line otherwise).
    let by = |column: &str, value: &str| {
        conn.query_opt(
            &format!("{VARIANT_ROW} WHERE v.{column} = ?1 LIMIT 1"),
            args![value],
            |r| Ok((CatalogRow::read(r)?, line_name(r, 6)?)),
        )
    };
    let mut found = match line.variant_id.as_deref().filter(|v| !v.is_empty()) {
        Some(id) => by("id", id)?,
        None => None,
    };
    if found.is_none() && !code.is_empty() {
        found = match by("sku", code)? {
            Some(f) => Some(f),
            None => by("barcode", code)?,
        };
    }
    match found {
        Some(f) => Ok(Some(f)),
        None => Err(Error::invalid(format!(
            "no product with SKU or barcode '{}'",
            if code.is_empty() {
                line.variant_id.as_deref().unwrap_or("")
            } else {
                code
            }
        ))),
    }
}

/// What every order is priced and verified under: the shop's currency, tax rates, pricing rules
/// and risk settings. Read once for a marketplace page of orders (on the server each read is a
/// statement per order otherwise), once per order entered by hand. On a page they also carry
/// what its orders share beyond that — the variants, locations, customers and latest totals
/// they look up, and the rows they write at its end — so that each is asked once a page.
pub(crate) struct OrderTerms {
    pub currency: Currency,
    rates: Vec<TaxRate>,
    rules: PriceRules,
    pub risk: RiskSettings,
    /// Variants read ahead, by id with their line names, for a page's lines (two reads a line
    /// otherwise); an order entered alone reads its own.
    known: HashMap<String, (CatalogRow, String)>,
    /// The shop's first location, and the names of the locations asked, once each.
    first_location: OnceCell<String>,
    location_names: RefCell<HashMap<String, String>>,
    /// What a page of marketplace orders read ahead; `None`: each order asks for itself.
    pub(crate) ahead: Option<Ahead>,
    /// On a page, the totals of the latest orders not cancelled, newest first, that make the
    /// usual order's value: read once, then each order the page writes added (a read of
    /// hundreds of orders for each otherwise). `None` until asked, and after a cancellation.
    recent: RefCell<Option<VecDeque<i64>>>,
    /// On a page, the stock of its variants at the location its orders take from (on hand,
    /// committed): read once, after the page took the order counter (see `take_numbers`), so
    /// no other station's order changes it meanwhile; each order the page accepts adds what it
    /// commits. `None` until asked, and after a cancellation.
    levels: RefCell<Option<(String, stock::Levels)>>,
}

impl OrderTerms {
    pub(crate) fn read(conn: Conn) -> Result<OrderTerms> {
        Ok(OrderTerms {
            currency: shop_currency(conn)?,
            rates: tax::rates(conn)?,
            rules: price_rules(conn)?,
            risk: risk_settings(conn)?,
            known: HashMap::new(),
            first_location: OnceCell::new(),
            location_names: RefCell::new(HashMap::new()),
            ahead: None,
            recent: RefCell::new(None),
            levels: RefCell::new(None),
        })
    }

    /// Whether these terms keep the latest totals (on a page).
    pub(crate) fn keeps_recent(&self) -> bool {
        self.ahead.is_some()
    }

    /// The usual order's value, from the latest totals kept: whole minor units, the remainder
    /// dropped, as verification's own read has it; `None` with no orders.
    pub(crate) fn usual_total(&self, conn: Conn) -> Result<Option<i64>> {
        let mut recent = self.recent.borrow_mut();
        if recent.is_none() {
            let totals = conn.query_map(
                &format!(
                    "SELECT total_minor FROM customer_order WHERE status <> 'cancelled'
                     ORDER BY created_at DESC LIMIT {USUAL_OF}"
                ),
                &[],
                |r| r.get::<i64>(0),
            )?;
            *recent = Some(totals.into());
        }
        let totals = recent.as_ref().expect("read above");
        let n = i64::try_from(totals.len()).unwrap_or(i64::MAX);
        Ok((n > 0).then(|| totals.iter().sum::<i64>() / n))
    }

    /// An order the page wrote, not cancelled: the newest of the totals kept.
    pub(crate) fn wrote_total(&self, total: i64) {
        if let Some(totals) = self.recent.borrow_mut().as_mut() {
            totals.push_front(total);
            totals.truncate(USUAL_OF);
        }
    }

    /// An order cancelled: the totals and stock kept are read again when next asked.
    pub(crate) fn cancelled(&self) {
        self.recent.borrow_mut().take();
        self.levels.borrow_mut().take();
    }

    /// The stock of `variants` at `location` (on hand, committed; a variant never stocked
    /// there is missing): on a page, from the levels kept for its variants.
    pub(crate) fn levels(
        &self,
        conn: Conn,
        location: &str,
        variants: &[&str],
    ) -> Result<stock::Levels> {
        let on_page = self.ahead.is_some() && variants.iter().all(|v| self.known.contains_key(*v));
        if !on_page {
            return stock::levels(conn, location, variants);
        }
        let mut levels = self.levels.borrow_mut();
        if levels.as_ref().is_none_or(|(at, _)| at != location) {
            let known: Vec<&str> = self.known.keys().map(String::as_str).collect();
            *levels = Some((location.to_string(), stock::levels(conn, location, &known)?));
        }
        let (_, kept) = levels.as_ref().expect("read above");
        Ok(variants
            .iter()
            .filter_map(|v| kept.get(*v).map(|l| ((*v).to_string(), *l)))
            .collect())
    }

    /// Units an order of the page committed at `location`, added to the stock kept.
    pub(crate) fn committed(&self, location: &str, variant: &str, units: i64) {
        if let Some((at, kept)) = self.levels.borrow_mut().as_mut() {
            if at == location {
                kept.entry(variant.to_string()).or_default().1 += units;
            }
        }
    }

    /// Where rows are kept to be written at the end of the page, on a page.
    pub(crate) fn later(&self) -> Option<&LaterRows> {
        self.ahead.as_ref().map(|a| &a.rows)
    }

    /// Takes the order numbers of a page's `n` new orders in one statement (one an order
    /// otherwise), locking the order counter for the page from here, as the first order would.
    pub(crate) fn take_numbers(&self, conn: Conn, n: i64) -> Result<()> {
        if let Some(ahead) = self.ahead.as_ref().filter(|_| n > 0) {
            let first = next_numbers(conn, "order", n)?;
            ahead.numbers.set((first, first + n));
        }
        Ok(())
    }

    /// A new order's number: the next of the page's block, or the series' next.
    pub(crate) fn number(&self, conn: Conn) -> Result<i64> {
        if let Some(ahead) = &self.ahead {
            let (next, end) = ahead.numbers.get();
            if next < end {
                ahead.numbers.set((next + 1, end));
                return Ok(next);
            }
        }
        next_number(conn, "order")
    }

    /// Gives back what the page's block did not use (an order that was not new after all), so
    /// the series has no gap; only once the block is used up are numbers taken one by one.
    pub(crate) fn give_back_numbers(&self, conn: Conn) -> Result<()> {
        let Some(ahead) = &self.ahead else {
            return Ok(());
        };
        let (next, end) = ahead.numbers.replace((0, 0));
        if next < end {
            give_back(conn, "order", end - next)?;
        }
        Ok(())
    }

    /// The shop's first location (where orders without one take their stock), read once.
    pub(crate) fn first_location(&self, conn: Conn) -> Result<String> {
        if let Some(id) = self.first_location.get() {
            return Ok(id.clone());
        }
        let id = stock::default_location(conn)?;
        Ok(self.first_location.get_or_init(|| id).clone())
    }

    /// An active location's name, read once; refused when there is no such location.
    pub(crate) fn location_name(&self, conn: Conn, id: &str) -> Result<String> {
        if let Some(name) = self.location_names.borrow().get(id) {
            return Ok(name.clone());
        }
        let name = stock::location_exists(conn, id)?;
        self.location_names
            .borrow_mut()
            .insert(id.to_string(), name.clone());
        Ok(name)
    }

    /// Reads the variants `ids` in one go for the orders about to be priced under these terms.
    pub(crate) fn read_variants(&mut self, conn: Conn, ids: &[String]) -> Result<()> {
        let keys: Vec<Arg> = ids
            .iter()
            .filter(|id| !self.known.contains_key(*id))
            .map(|id| Arg::from(id.as_str()))
            .collect();
        let rows = conn.query_in(&format!("{VARIANT_ROW} WHERE v.id IN ({{}})"), &keys, |r| {
            Ok((CatalogRow::read(r)?, line_name(r, 6)?))
        })?;
        for (row, name) in rows {
            self.known.insert(row.id.clone(), (row, name));
        }
        Ok(())
    }
}

/// Checks and prices a draft. Refuses what cannot be an order at all (no lines, a zero quantity,
/// an unknown SKU, a malformed amount); what is merely doubtful is left to verification.
pub(crate) fn prepare<'c>(
    conn: impl Into<Conn<'c>>,
    draft: &OrderDraft,
    terms: &OrderTerms,
) -> Result<Prepared> {
    let conn = conn.into();
    let (currency, rates, rules) = (terms.currency, &terms.rates, &terms.rules);
    if draft.lines.is_empty() {
        return Err(Error::invalid("an order needs at least one line"));
    }
    let channel = optional(&draft.channel).unwrap_or_else(|| "manual".into());
    let channel_risk = match draft.channel_risk.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r @ ("low" | "medium" | "high")) => Some(r.to_string()),
        Some(other) => {
            return Err(Error::invalid(format!(
                "risk level '{other}' is not low, medium or high"
            )))
        }
    };
    let class_rates = |class: &str| {
        rates
            .iter()
            .filter(|r| r.tax_class == class)
            .collect::<Vec<_>>()
    };
    let mut lines = Vec::with_capacity(draft.lines.len() + 1);
    let mut inputs = Vec::with_capacity(draft.lines.len() + 1);
    for (i, l) in draft.lines.iter().enumerate() {
        if l.quantity <= 0 {
            return Err(Error::invalid(format!(
                "line {}: the quantity must be at least 1",
                i + 1
            )));
        }
        let (variant, title) = match find_variant(conn, l, terms)? {
            Some((v, name)) => (Some(v), name),
            None => (
                None,
                optional(&l.title)
                    .ok_or_else(|| Error::invalid(format!("line {}: a SKU or a title", i + 1)))?,
            ),
        };
        let unit_price = match (optional(&l.unit_price), &variant) {
            (Some(p), _) => amount(&p, currency, "price")?,
            (None, Some(v)) => v.price,
            (None, None) => {
                return Err(Error::invalid(format!(
                    "line {}: a custom line needs a price",
                    i + 1
                )))
            }
        };
        let discount = match optional(&l.discount) {
            Some(d) => amount(&d, currency, "discount")?,
            None => 0,
        };
        inputs.push(PriceLine {
            kind: LineKind::Item,
            quantity: l.quantity,
            unit_price,
            discount: (discount > 0).then_some(Discount::Fixed(discount)),
            rates: class_rates(
                variant
                    .as_ref()
                    .map_or("standard", |v| v.tax_class.as_str()),
            ),
            refund: None,
        });
        lines.push(PreparedLine {
            kind: "item",
            variant_id: variant.as_ref().map(|v| v.id.clone()),
            sku: variant
                .as_ref()
                .and_then(|v| v.sku.clone())
                .unwrap_or_else(|| l.sku.trim().to_string()),
            title,
            quantity: l.quantity,
            unit_price,
            catalog_price: variant.as_ref().map(|v| v.price),
            inventory_policy: variant.as_ref().map(|v| v.inventory_policy.clone()),
            unit_cost: variant.as_ref().and_then(|v| v.cost),
            discount: 0,
            amount: 0,
            taxes: Vec::new(),
        });
    }
    let shipping_price = match optional(&draft.shipping_price) {
        Some(p) => amount(&p, currency, "shipping price")?,
        None => 0,
    };
    if shipping_price > 0 || !draft.shipping_method.trim().is_empty() {
        // Shipping is taxed like the goods it carries: at the standard rate.
        inputs.push(PriceLine {
            kind: LineKind::Item,
            quantity: 1,
            unit_price: shipping_price,
            discount: None,
            rates: class_rates("standard"),
            refund: None,
        });
        lines.push(PreparedLine {
            kind: "shipping",
            variant_id: None,
            sku: String::new(),
            title: optional(&draft.shipping_method).unwrap_or_else(|| "Shipping".into()),
            quantity: 1,
            unit_price: shipping_price,
            catalog_price: None,
            inventory_policy: None,
            unit_cost: None,
            discount: 0,
            amount: 0,
            taxes: Vec::new(),
        });
    }
    let priced = price(&inputs, &[], rules)?;
    let (mut subtotal, mut shipping_total) = (0, 0);
    for (line, p) in lines.iter_mut().zip(priced.lines) {
        line.discount = p.discount;
        line.amount = p.amount;
        line.taxes = p.taxes;
        let charged = tax::charged(line.amount, line.tax(), rules.included);
        if line.kind == "shipping" {
            shipping_total += charged;
        } else {
            subtotal += line.unit_price * line.quantity;
        }
    }
    let shipping = draft.shipping.cleaned();
    let billing = draft
        .billing
        .as_ref()
        .map(Address::cleaned)
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| shipping.clone());
    Ok(Prepared {
        channel,
        email: optional(&draft.email).map(|e| e.to_lowercase()),
        phone: optional(&draft.phone),
        taxes: sum_by_rate(lines.iter().flat_map(|l| l.taxes.iter())),
        shipping,
        billing,
        channel_risk,
        included: rules.included,
        subtotal,
        discount: priced.discount,
        shipping_total,
        tax: priced.tax,
        total: priced.total,
        lines,
    })
}

/// Adds tax parts up per rate (name and rate): the breakdown an invoice prints.
pub(crate) fn sum_by_rate<'a>(parts: impl Iterator<Item = &'a TaxPart>) -> Vec<TaxPart> {
    let mut out: Vec<TaxPart> = Vec::new();
    for p in parts {
        match out
            .iter_mut()
            .find(|o| o.name == p.name && o.rate_bp == p.rate_bp)
        {
            Some(o) => {
                o.base_minor += p.base_minor;
                o.tax_minor += p.tax_minor;
            }
            None => out.push(p.clone()),
        }
    }
    out
}
