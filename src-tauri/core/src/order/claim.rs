//! Claims: goods arrived damaged, missing or wrong. A claim is tied to an order, keeps its
//! evidence notes, and is settled once: a refund (with a credit note, never more than was paid),
//! a reship (a replacement order at no charge that goes through verification like any other),
//! or a rejection with the reason on the timeline.

use super::flow::create_in;
use super::view::{load, lock, lock_of, paid_refunded, Order};
use super::{event, OrderDraft, OrderLineDraft};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::{div_round, Currency, Money};
use crate::order::invoice::{self, InvoiceLine};
use crate::order::outbox;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::tax::TaxPart;
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    Damaged,
    Missing,
    WrongItem,
}

impl ClaimKind {
    fn as_str(self) -> &'static str {
        match self {
            ClaimKind::Damaged => "damaged",
            ClaimKind::Missing => "missing",
            ClaimKind::WrongItem => "wrong_item",
        }
    }
    fn parse(s: &str) -> ClaimKind {
        match s {
            "missing" => ClaimKind::Missing,
            "wrong_item" => ClaimKind::WrongItem,
            _ => ClaimKind::Damaged,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClaimResolution {
    /// Decimal text.
    Refund {
        amount: String,
        method: String,
    },
    Reship,
    Reject {
        reason: String,
    },
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
pub struct ClaimDraft {
    pub kind: Option<ClaimKind>,
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Claim {
    pub id: String,
    pub kind: ClaimKind,
    /// "open" or "resolved".
    pub status: String,
    pub evidence: String,
    /// "refund", "reship" or "reject".
    pub resolution: Option<String>,
    pub refund: Option<Money>,
    pub reship_order_id: Option<String>,
    pub created_at: Timestamp,
    pub resolved_at: Option<Timestamp>,
}

pub(crate) fn list(conn: Conn, order_id: &str, cur: Currency) -> Result<Vec<Claim>> {
    conn.query_map(
        "SELECT id, kind, status, evidence, resolution, refund_minor, reship_order_id, created_at, resolved_at
         FROM claim WHERE order_id = ?1 ORDER BY created_at, id",
        args![order_id],
        |r| {
            Ok(Claim {
                id: r.get(0)?,
                kind: ClaimKind::parse(&r.get::<String>(1)?),
                status: r.get(2)?,
                evidence: r.get(3)?,
                resolution: r.get(4)?,
                refund: r
                    .get::<Option<i64>>(5)?
                    .map(|m| Money::from_minor(m, cur)),
                reship_order_id: r.get(6)?,
                created_at: Timestamp(r.get(7)?),
                resolved_at: r.get::<Option<i64>>(8)?.map(Timestamp),
            })
        },
    )
}

/// A goodwill refund's credit line: the amount, its taxes in the proportions the order paid.
fn claim_credit(order: &Order, amount: i64, label: &str) -> (InvoiceLine, Vec<TaxPart>) {
    let cur = order.total.currency();
    let total = order.total.minor().max(1);
    let taxes: Vec<TaxPart> = order
        .taxes
        .iter()
        .map(|t| TaxPart {
            base_minor: div_round(amount as i128 * t.base_minor as i128, total as i128) as i64,
            tax_minor: div_round(amount as i128 * t.tax_minor as i128, total as i128) as i64,
            ..t.clone()
        })
        .collect();
    let tax: i64 = taxes.iter().map(|t| t.tax_minor).sum();
    let money = |m| Money::from_minor(m, cur);
    let line = InvoiceLine {
        description: label.to_string(),
        sku: String::new(),
        quantity: 1,
        unit_price: money(amount),
        discount: money(0),
        net: money(amount - tax),
        tax: money(tax),
        total: money(amount),
        tax_rate: invoice::rate_label(&taxes),
    };
    (line, taxes)
}

/// Opens a claim on the order's newest shipment (its carrier, tracking and label date go on the
/// claim for the carrier's deadline) and issues the order's invoice if it has none, in the
/// caller's transaction.
pub(crate) fn open_in<'c>(
    tx: impl Into<Conn<'c>>,
    staff: &str,
    order_id: &str,
    d: &ClaimDraft,
    ticket_id: Option<&str>,
    now: Timestamp,
) -> Result<String> {
    let tx = tx.into();
    let kind = d
        .kind
        .ok_or_else(|| Error::invalid("what is the claim: damaged, missing or wrong item?"))?;
    lock(tx, order_id)?;
    let order = load(tx, order_id)?;
    let Some((shipment, carrier, tracking, label_at)) =
        super::claim_file::last_shipment(tx, order_id)?
    else {
        return Err(Error::Conflict(format!(
            "order {} has not shipped: nothing to claim",
            order.name
        )));
    };
    // The carrier takes the invoice as proof of value: the order has one from now on.
    invoice::issue_for_order(tx, order_id, staff, now)?;
    let id = new_id();
    tx.execute(
        "INSERT INTO claim (id, order_id, kind, status, evidence, created_by, created_at, carrier, tracking,
             label_at, shipment_id, ticket_id)
         VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        args![
            id,
            order_id,
            kind.as_str(),
            d.evidence.trim(),
            staff,
            now.0,
            carrier,
            tracking,
            label_at,
            shipment,
            ticket_id
        ],
    )?;
    event(
        tx,
        order_id,
        now,
        Some(staff),
        "claim_opened",
        &format!("{}: {}", kind.as_str().replace('_', " "), d.evidence.trim()),
    )?;
    Ok(id)
}

impl Shop {
    pub fn open_claim(&self, session: &Session, order_id: &str, d: &ClaimDraft) -> Result<Order> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            open_in(tx, session.staff_id(), order_id, d, None, self.clock.now())?;
            load(tx, order_id)
        })
    }

    /// Adds evidence to an open claim (photos described, the courier's reference…).
    pub fn add_claim_evidence(
        &self,
        session: &Session,
        claim_id: &str,
        text: &str,
    ) -> Result<Order> {
        if text.trim().is_empty() {
            return Err(Error::invalid("the evidence note is empty"));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let order_id: String = tx
                .query_opt(
                    "SELECT order_id FROM claim WHERE id = ?1 AND status = 'open'",
                    args![claim_id],
                    |r| r.get(0),
                )?
                .ok_or(Error::NotFound { what: "open claim" })?;
            // The line break as a parameter: SQLite's char(10) is chr(10) on the server.
            tx.execute(
                "UPDATE claim SET evidence = trim(evidence || ?3 || ?2) WHERE id = ?1",
                args![claim_id, text.trim(), "\n"],
            )?;
            event(
                tx,
                &order_id,
                self.clock.now(),
                Some(session.staff_id()),
                "claim_evidence",
                text.trim(),
            )?;
            load(tx, &order_id)
        })
    }

    pub fn resolve_claim(
        &self,
        session: &Session,
        claim_id: &str,
        r: &ClaimResolution,
    ) -> Result<Order> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            let staff = session.staff_id();
            lock_of(tx, "claim", claim_id)?;
            let (order_id, kind, status): (String, String, String) = tx
                .query_opt("SELECT order_id, kind, status FROM claim WHERE id = ?1", args![claim_id], |r| r.tuple())?
                .ok_or(Error::NotFound { what: "claim" })?;
            if status != "open" {
                return Err(Error::Conflict("this claim is already settled".into()));
            }
            let order = load(tx, &order_id)?;
            let cur = order.total.currency();
            let label = format!("Claim: {}", kind.replace('_', " "));
            let (resolution, refund, reship, detail) = match r {
                ClaimResolution::Refund { amount, method } => {
                    let amount = Money::parse(amount, cur)?.minor();
                    let (paid, refunded) = paid_refunded(tx, &order_id)?;
                    if amount <= 0 || amount > paid - refunded {
                        return Err(Error::invalid(format!(
                            "a claim refund is more than 0 and at most what was paid and not refunded ({})",
                            Money::from_minor(paid - refunded, cur).to_decimal_string()
                        )));
                    }
                    let method = if method.trim().is_empty() { "original payment" } else { method.trim() };
                    let note = invoice::credit_order(tx, &order_id, vec![claim_credit(&order, amount, &label)], &label, staff, now)?;
                    super::flow::record_money(tx, None, &order_id, (super::MoneyMove::Refund, amount), (method, &note.code), staff, now)?;
                    let text = Money::from_minor(amount, cur).to_decimal_string();
                    outbox::queue_for_order(tx, &order_id, "refund", Some(&note.id), &[("refund_amount", &format!("{text} {}", cur.code()))], now)?;
                    ("refund", Some(amount), None, format!("refunded {text} ({})", note.code))
                }
                ClaimResolution::Reship => {
                    let draft = OrderDraft {
                        channel: "manual".into(),
                        customer_id: order.customer.as_ref().map(|c| c.id.clone()),
                        email: order.email.clone().unwrap_or_default(),
                        phone: order.phone.clone().unwrap_or_default(),
                        shipping: order.shipping.clone(),
                        billing: Some(order.billing.clone()),
                        location_id: Some(order.location_id.clone()),
                        lines: order
                            .items()
                            .filter(|l| l.shipped > 0)
                            .map(|l| OrderLineDraft {
                                sku: String::new(),
                                variant_id: l.variant_id.clone(),
                                title: l.title.clone(),
                                quantity: l.shipped,
                                unit_price: "0".into(),
                                discount: String::new(),
                            })
                            .collect(),
                        shipping_method: order.shipping_method.clone(),
                        note: format!("Reship for {} ({label})", order.name),
                        ..Default::default()
                    };
                    let new_order = create_in(tx, &draft, staff, now)?;
                    let number: i64 = tx.query_row("SELECT number FROM customer_order WHERE id = ?1", args![new_order], |r| r.get(0))?;
                    ("reship", None, Some(new_order), format!("reshipped as {}", super::order_name(number)))
                }
                ClaimResolution::Reject { reason } => {
                    if reason.trim().is_empty() {
                        return Err(Error::invalid("say why the claim is rejected"));
                    }
                    ("reject", None, None, format!("rejected: {}", reason.trim()))
                }
            };
            tx.execute(
                "UPDATE claim SET status = 'resolved', resolution = ?2, refund_minor = ?3, reship_order_id = ?4, resolved_at = ?5
                 WHERE id = ?1",
                args![claim_id, resolution, refund, reship, now.0],
            )?;
            event(tx, &order_id, now, Some(staff), "claim_resolved", &detail)?;
            load(tx, &order_id)
        })
    }
}
