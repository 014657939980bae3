//! An order as the screens and documents see it, read in one snapshot: lines with shipped and
//! returned quantities, payments, shipments, returns, claims, invoices, messages and timeline.

use super::{
    order_name, Address, Check, Claim, Fulfilment, OrderReturn, OrderStage, OrderStatus,
    PaymentStatus,
};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::order::invoice::{self, InvoiceRef};
use crate::order::outbox::{self, Message};
use crate::shop::shop_currency;
use crate::sql::{args, Conn, Engine};
use crate::tax::TaxPart;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OrderLine {
    pub id: String,
    /// "item" or "shipping".
    pub kind: String,
    pub variant_id: Option<String>,
    pub sku: String,
    pub title: String,
    #[ts(type = "number")]
    pub quantity: i64,
    #[ts(type = "number")]
    pub shipped: i64,
    /// Units on return authorisations that were not cancelled.
    #[ts(type = "number")]
    pub returned: i64,
    /// Units already refunded through returns.
    #[ts(type = "number")]
    pub refunded_units: i64,
    /// What a new return may still take back: shipped goods, or the postage once.
    #[ts(type = "number")]
    pub returnable: i64,
    pub unit_price: Money,
    /// The catalog price when the order was entered, for the price check.
    pub catalog_price: Option<Money>,
    pub discount: Money,
    /// After discount, in the order's price convention (tax included or not).
    pub amount: Money,
    pub tax: Money,
    /// What the customer is charged for the line, tax included.
    pub charged: Money,
    pub taxes: Vec<TaxPart>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Shipment {
    pub id: String,
    pub carrier: String,
    pub tracking: String,
    pub at: Timestamp,
    /// (order line id, quantity).
    pub lines: Vec<(String, i64)>,
    /// What the carrier last reported: "in_transit", "delivered", "exception", "returned".
    pub delivery: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PaymentRecord {
    pub id: String,
    /// "payment" or "refund".
    pub kind: String,
    pub amount: Money,
    pub method: String,
    pub reference: String,
    pub at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OrderEvent {
    pub at: Timestamp,
    pub staff: Option<String>,
    pub kind: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OrderCustomer {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Order {
    pub id: String,
    #[ts(type = "number")]
    pub number: i64,
    /// "#1042".
    pub name: String,
    pub channel: String,
    pub external_id: Option<String>,
    pub status: OrderStatus,
    pub fulfilment: Fulfilment,
    /// Status and fulfilment in one word for people.
    pub stage: OrderStage,
    pub payment_status: PaymentStatus,
    pub customer: Option<OrderCustomer>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub billing: Address,
    pub shipping: Address,
    pub location_id: String,
    pub location: String,
    pub shipping_method: String,
    pub express: bool,
    pub channel_risk: Option<String>,
    pub prices_include_tax: bool,
    pub lines: Vec<OrderLine>,
    pub subtotal: Money,
    pub discount: Money,
    pub shipping_total: Money,
    pub tax: Money,
    pub total: Money,
    pub taxes: Vec<TaxPart>,
    pub paid: Money,
    pub refunded: Money,
    /// Still to pay (never below zero).
    pub balance: Money,
    #[ts(type = "number")]
    pub risk_score: i64,
    pub checks: Vec<Check>,
    pub note: String,
    pub created_at: Timestamp,
    pub payments: Vec<PaymentRecord>,
    pub shipments: Vec<Shipment>,
    pub returns: Vec<OrderReturn>,
    pub claims: Vec<Claim>,
    pub invoices: Vec<InvoiceRef>,
    pub messages: Vec<Message>,
    pub timeline: Vec<OrderEvent>,
}

impl Order {
    pub fn items(&self) -> impl Iterator<Item = &OrderLine> {
        self.lines.iter().filter(|l| l.kind == "item")
    }
}

/// Units shipped of the order line `l` (an SQL expression; the inbox and stock commits use it).
pub(crate) const SHIPPED_OF_LINE: &str =
    "(SELECT coalesce(sum(quantity), 0) FROM shipment_line WHERE order_line_id = l.id)";

/// Units of the order line `l` on returns in the statuses listed (an SQL expression).
fn returned_of_line(statuses: &str) -> String {
    format!(
        "(SELECT coalesce(sum(rl.quantity), 0) FROM order_return_line rl
          JOIN order_return r ON r.id = rl.return_id
          WHERE rl.order_line_id = l.id AND r.status IN ({statuses}))"
    )
}

/// (paid, refunded) from the payment ledger.
pub(crate) fn paid_refunded<'c>(conn: impl Into<Conn<'c>>, order_id: &str) -> Result<(i64, i64)> {
    conn.into().query_row(
        "SELECT coalesce(sum(CASE WHEN kind = 'payment' THEN amount_minor END), 0),
                coalesce(sum(CASE WHEN kind = 'refund' THEN amount_minor END), 0)
         FROM order_payment WHERE order_id = ?1",
        args![order_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// Holds the order's row until the caller's transaction ends: two stations acting on one order
/// at once (releasing it, paying it, shipping it, refunding it) act one after the other, and
/// the second reads what the first did — an order is never reserved, paid or shipped twice.
/// Every action on an order takes it first, so they all take their locks in the same order.
/// (SQLite's one writer already works one transaction at a time.)
pub(crate) fn lock<'c>(conn: impl Into<Conn<'c>>, order_id: &str) -> Result<()> {
    lock_where(conn.into(), "id = ?1", order_id)
}

/// `lock` on the order a return or a claim (`table`) belongs to. One that is not there locks
/// nothing; the caller's next read says so.
pub(crate) fn lock_of<'c>(conn: impl Into<Conn<'c>>, table: &str, id: &str) -> Result<()> {
    let of = format!("id = (SELECT order_id FROM {table} WHERE id = ?1)");
    lock_where(conn.into(), &of, id)
}

fn lock_where(conn: Conn, which: &str, key: &str) -> Result<()> {
    if conn.engine() == Engine::Postgres {
        conn.query_opt(
            &format!("SELECT 1 FROM customer_order WHERE {which} FOR UPDATE"),
            args![key],
            |_| Ok(()),
        )?;
    }
    Ok(())
}

pub(crate) fn status<'c>(conn: impl Into<Conn<'c>>, order_id: &str) -> Result<OrderStatus> {
    let s: String = conn
        .into()
        .query_opt(
            "SELECT status FROM customer_order WHERE id = ?1",
            args![order_id],
            |r| r.get(0),
        )?
        .ok_or(Error::NotFound { what: "order" })?;
    Ok(OrderStatus::parse(&s))
}

/// Where the order stands in one word, without loading the whole order.
pub(crate) fn stage<'c>(conn: impl Into<Conn<'c>>, order_id: &str) -> Result<super::OrderStage> {
    let conn = conn.into();
    let (ordered, shipped): (i64, i64) = conn.query_row(
        &format!(
            "SELECT coalesce(sum(l.quantity), 0), coalesce(sum({SHIPPED_OF_LINE}), 0)
             FROM order_line l WHERE l.order_id = ?1 AND l.kind = 'item'"
        ),
        args![order_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(super::OrderStage::of(
        status(conn, order_id)?,
        super::Fulfilment::of(ordered, shipped),
    ))
}

fn lines(conn: Conn, order_id: &str, cur: Currency, included: bool) -> Result<Vec<OrderLine>> {
    let sql = format!(
        "SELECT l.id, l.kind, l.variant_id, l.sku, l.title, l.quantity, l.unit_price_minor,
                l.catalog_price_minor, l.discount_minor, l.amount_minor, l.tax_minor, l.taxes,
                {SHIPPED_OF_LINE}, {}, {}
         FROM order_line l WHERE l.order_id = ?1 ORDER BY l.position",
        returned_of_line("'authorised', 'received', 'refunded'"),
        returned_of_line("'refunded'"),
    );
    let money = |m: i64| Money::from_minor(m, cur);
    conn.query_map(&sql, args![order_id], |r| {
        let kind: String = r.get(1)?;
        let amount: i64 = r.get(9)?;
        let tax: i64 = r.get(10)?;
        let taxes: String = r.get(11)?;
        let shipped: i64 = r.get(12)?;
        let returned: i64 = r.get(13)?;
        // Goods come back only once they went out; postage can be refunded once.
        let returnable = if kind == "shipping" { 1 } else { shipped } - returned;
        Ok(OrderLine {
            id: r.get(0)?,
            kind,
            variant_id: r.get(2)?,
            sku: r.get(3)?,
            title: r.get(4)?,
            quantity: r.get(5)?,
            shipped,
            returned,
            refunded_units: r.get(14)?,
            returnable: returnable.max(0),
            unit_price: money(r.get(6)?),
            catalog_price: r.get::<Option<i64>>(7)?.map(money),
            discount: money(r.get(8)?),
            amount: money(amount),
            tax: money(tax),
            charged: money(crate::tax::charged(amount, tax, included)),
            taxes: serde_json::from_str(&taxes).unwrap_or_default(),
        })
    })
}

pub(crate) fn load<'c>(conn: impl Into<Conn<'c>>, order_id: &str) -> Result<Order> {
    let conn = conn.into();
    let cur = shop_currency(conn)?;
    let money = |m: i64| Money::from_minor(m, cur);
    let zero = money(0);
    // The order's own row; what comes from other tables is filled in below.
    let mut o = conn
        .query_opt(
            "SELECT o.number, o.channel, o.external_id, o.status, o.customer_id, c.name, o.email,
                    o.phone, o.billing, o.shipping, o.location_id, l.name, o.shipping_method,
                    o.express, o.channel_risk, o.prices_include_tax, o.subtotal_minor,
                    o.discount_minor, o.shipping_minor, o.tax_minor, o.total_minor, o.taxes,
                    o.risk_score, o.checks, o.note, o.created_at
             FROM customer_order o JOIN location l ON l.id = o.location_id
             LEFT JOIN customer c ON c.id = o.customer_id WHERE o.id = ?1",
            args![order_id],
            |r| {
                let number: i64 = r.get(0)?;
                let customer_id: Option<String> = r.get(4)?;
                let customer_name: Option<String> = r.get(5)?;
                let json = |i: usize| -> Result<String> { r.get(i) };
                Ok(Order {
                    id: order_id.to_string(),
                    number,
                    name: order_name(number),
                    channel: r.get(1)?,
                    external_id: r.get(2)?,
                    status: OrderStatus::parse(&r.get::<String>(3)?),
                    fulfilment: Fulfilment::Unfulfilled,
                    stage: OrderStage::Open,
                    payment_status: PaymentStatus::Unpaid,
                    customer: customer_id
                        .zip(customer_name)
                        .map(|(id, name)| OrderCustomer { id, name }),
                    email: r.get(6)?,
                    phone: r.get(7)?,
                    billing: serde_json::from_str(&json(8)?).unwrap_or_default(),
                    shipping: serde_json::from_str(&json(9)?).unwrap_or_default(),
                    location_id: r.get(10)?,
                    location: r.get(11)?,
                    shipping_method: r.get(12)?,
                    express: r.get(13)?,
                    channel_risk: r.get(14)?,
                    prices_include_tax: r.get(15)?,
                    lines: Vec::new(),
                    subtotal: money(r.get(16)?),
                    discount: money(r.get(17)?),
                    shipping_total: money(r.get(18)?),
                    tax: money(r.get(19)?),
                    total: money(r.get(20)?),
                    taxes: serde_json::from_str(&json(21)?).unwrap_or_default(),
                    paid: zero,
                    refunded: zero,
                    balance: zero,
                    risk_score: r.get(22)?,
                    checks: serde_json::from_str(&json(23)?).unwrap_or_default(),
                    note: r.get(24)?,
                    created_at: Timestamp(r.get(25)?),
                    payments: Vec::new(),
                    shipments: Vec::new(),
                    returns: Vec::new(),
                    claims: Vec::new(),
                    invoices: Vec::new(),
                    messages: Vec::new(),
                    timeline: Vec::new(),
                })
            },
        )?
        .ok_or(Error::NotFound { what: "order" })?;
    o.lines = lines(conn, order_id, cur, o.prices_include_tax)?;
    o.fulfilment = Fulfilment::of(
        o.items().map(|l| l.quantity).sum(),
        o.items().map(|l| l.shipped).sum(),
    );
    o.stage = OrderStage::of(o.status, o.fulfilment);
    let (paid, refunded) = paid_refunded(conn, order_id)?;
    let total = o.total.minor();
    o.payment_status = PaymentStatus::of(total, paid, refunded);
    o.paid = money(paid);
    o.refunded = money(refunded);
    o.balance = money((total - paid + refunded).max(0));
    // Ties in time in the order they were written: ids are made in time order (UUIDv7).
    o.payments = conn.query_map(
        "SELECT id, kind, amount_minor, method, reference, at FROM order_payment
         WHERE order_id = ?1 ORDER BY at, id",
        args![order_id],
        |r| {
            Ok(PaymentRecord {
                id: r.get(0)?,
                kind: r.get(1)?,
                amount: money(r.get(2)?),
                method: r.get(3)?,
                reference: r.get(4)?,
                at: Timestamp(r.get(5)?),
            })
        },
    )?;
    o.shipments = shipments(conn, order_id)?;
    o.returns = super::returns::list(conn, order_id)?;
    o.claims = super::claim::list(conn, order_id, cur)?;
    o.invoices = invoice::refs_of_order(conn, order_id, cur)?;
    o.messages = outbox::of_order(conn, order_id)?;
    o.timeline = conn.query_map(
        "SELECT e.at, s.name, e.kind, e.detail FROM order_event e
         LEFT JOIN staff s ON s.id = e.staff_id WHERE e.order_id = ?1 ORDER BY e.at, e.id",
        args![order_id],
        |r| {
            Ok(OrderEvent {
                at: Timestamp(r.get(0)?),
                staff: r.get(1)?,
                kind: r.get(2)?,
                detail: r.get(3)?,
            })
        },
    )?;
    Ok(o)
}

fn shipments(conn: Conn, order_id: &str) -> Result<Vec<Shipment>> {
    let heads = conn.query_map(
        "SELECT id, carrier, tracking, at, delivery FROM shipment WHERE order_id = ?1
         ORDER BY at, id",
        args![order_id],
        |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<String>(1)?,
                r.get::<String>(2)?,
                r.get::<i64>(3)?,
                r.get::<Option<String>>(4)?,
            ))
        },
    )?;
    heads
        .into_iter()
        .map(|(id, carrier, tracking, at, delivery)| {
            let l = conn.query_map(
                "SELECT order_line_id, quantity FROM shipment_line WHERE shipment_id = ?1",
                args![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(Shipment {
                id,
                carrier,
                tracking,
                at: Timestamp(at),
                lines: l,
                delivery,
            })
        })
        .collect()
}
