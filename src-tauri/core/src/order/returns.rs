//! Returns of shipped orders: authorise (lines, quantities, reason) → receive (each line
//! restocked to a location or written off) → refund (a credit note is issued and the refund goes
//! on the payment ledger). A line is never returned beyond what shipped, and never refunded
//! beyond what was charged for it: refunds are differences of rounded cumulative shares, as at
//! the counter, and the whole refund never exceeds what the customer paid.

use super::view::{load, lock, lock_of, paid_refunded, Order, OrderLine};
use super::{event, OrderStatus};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::{Currency, Money};
use crate::order::invoice::{self, InvoiceLine};
use crate::order::outbox;
use crate::sale::pricing::refund_share;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::stock::{self, record_move, Move, MoveReason};
use crate::store::next_number;
use crate::tax::TaxPart;
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReturnStatus {
    Authorised,
    Received,
    Refunded,
    Cancelled,
}

impl ReturnStatus {
    fn parse(s: &str) -> ReturnStatus {
        match s {
            "received" => ReturnStatus::Received,
            "refunded" => ReturnStatus::Refunded,
            "cancelled" => ReturnStatus::Cancelled,
            _ => ReturnStatus::Authorised,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReturnLine {
    pub order_line_id: String,
    pub title: String,
    #[ts(type = "number")]
    pub quantity: i64,
    /// "restock" or "write_off" once received.
    pub disposition: Option<String>,
    pub location: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OrderReturn {
    pub id: String,
    /// "RMA-12".
    pub name: String,
    pub status: ReturnStatus,
    pub reason: String,
    pub lines: Vec<ReturnLine>,
    #[ts(type = "number | null")]
    pub refund_minor: Option<i64>,
    pub credit_note: Option<String>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[serde(default)]
pub struct ReturnDraft {
    pub reason: String,
    pub lines: Vec<ReturnLineDraft>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
pub struct ReturnLineDraft {
    pub order_line_id: String,
    #[ts(type = "number")]
    pub quantity: i64,
}

/// How each returned line came back.
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[serde(default)]
pub struct ReturnReceipt {
    /// Order lines written off; every other returned line is restocked.
    pub write_off: Vec<String>,
    /// Where restocked units go; the order's location when empty.
    pub location_id: Option<String>,
}

pub(crate) fn list(conn: Conn, order_id: &str) -> Result<Vec<OrderReturn>> {
    let heads = conn.query_map(
        "SELECT r.id, r.number, r.status, r.reason, r.refund_minor, i.code, r.created_at
         FROM order_return r LEFT JOIN invoice i ON i.id = r.credit_note_id
         WHERE r.order_id = ?1 ORDER BY r.created_at, r.number",
        args![order_id],
        |r| {
            Ok((
                r.get::<String>(0)?,
                r.get::<i64>(1)?,
                r.get::<String>(2)?,
                r.get::<String>(3)?,
                r.get::<Option<i64>>(4)?,
                r.get::<Option<String>>(5)?,
                r.get::<i64>(6)?,
            ))
        },
    )?;
    heads
        .into_iter()
        .map(|(id, number, status, reason, refund, credit, at)| {
            let l = conn.query_map(
                "SELECT rl.order_line_id, l.title, rl.quantity, rl.disposition, loc.name
                 FROM order_return_line rl JOIN order_line l ON l.id = rl.order_line_id
                 LEFT JOIN location loc ON loc.id = rl.location_id
                 WHERE rl.return_id = ?1 ORDER BY l.position",
                args![id],
                |r| {
                    Ok(ReturnLine {
                        order_line_id: r.get(0)?,
                        title: r.get(1)?,
                        quantity: r.get(2)?,
                        disposition: r.get(3)?,
                        location: r.get(4)?,
                    })
                },
            )?;
            Ok(OrderReturn {
                id,
                name: format!("RMA-{number}"),
                status: ReturnStatus::parse(&status),
                reason,
                lines: l,
                refund_minor: refund,
                credit_note: credit,
                created_at: Timestamp(at),
            })
        })
        .collect()
}

fn return_head(conn: Conn, return_id: &str) -> Result<(String, ReturnStatus, String)> {
    let (order, status, reason): (String, String, String) = conn
        .query_opt(
            "SELECT order_id, status, reason FROM order_return WHERE id = ?1",
            args![return_id],
            |r| r.tuple(),
        )?
        .ok_or(Error::NotFound { what: "return" })?;
    Ok((order, ReturnStatus::parse(&status), reason))
}

fn set_status(conn: Conn, return_id: &str, s: &str, at: Timestamp) -> Result<()> {
    conn.execute(
        "UPDATE order_return SET status = ?2, updated_at = ?3 WHERE id = ?1",
        args![return_id, s, at.0],
    )?;
    Ok(())
}

/// What refunding `quantity` more units of a line gives back, and its taxes per rate.
fn line_refund(
    l: &OrderLine,
    before: i64,
    quantity: i64,
    cur: Currency,
) -> (InvoiceLine, Vec<TaxPart>) {
    let share = |m: i64| refund_share(m, l.quantity, before, quantity);
    let total = share(l.charged.minor());
    let taxes: Vec<TaxPart> = l
        .taxes
        .iter()
        .map(|t| TaxPart {
            base_minor: share(t.base_minor),
            tax_minor: share(t.tax_minor),
            ..t.clone()
        })
        .collect();
    let tax: i64 = taxes.iter().map(|t| t.tax_minor).sum();
    let line = InvoiceLine {
        description: l.title.clone(),
        sku: l.sku.clone(),
        quantity,
        unit_price: l.unit_price,
        discount: Money::from_minor(share(l.discount.minor()), cur),
        net: Money::from_minor(total - tax, cur),
        tax: Money::from_minor(tax, cur),
        total: Money::from_minor(total, cur),
        tax_rate: invoice::rate_label(&taxes),
    };
    (line, taxes)
}

impl Shop {
    /// Authorises a return of shipped units (the shipping line may be listed to refund postage).
    pub fn authorise_return(
        &self,
        session: &Session,
        order_id: &str,
        d: &ReturnDraft,
    ) -> Result<Order> {
        let reason = d.reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("a return needs a reason"));
        }
        if d.lines.iter().all(|l| l.quantity <= 0) {
            return Err(Error::invalid("choose at least one unit to return"));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            lock(tx, order_id)?;
            let order = load(tx, order_id)?;
            if order.status == OrderStatus::Cancelled {
                return Err(Error::Conflict(format!("order {} is cancelled", order.name)));
            }
            let id = new_id();
            let number = next_number(tx, "return")?;
            tx.execute(
                "INSERT INTO order_return (id, order_id, number, status, reason, created_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'authorised', ?4, ?5, ?6, ?6)",
                args![id, order_id, number, reason, session.staff_id(), now.0],
            )?;
            for rl in d.lines.iter().filter(|l| l.quantity > 0) {
                let l = order
                    .lines
                    .iter()
                    .find(|l| l.id == rl.order_line_id)
                    .ok_or(Error::NotFound { what: "order line" })?;
                if rl.quantity > l.returnable {
                    return Err(Error::NotReturnable {
                        returnable: l.returnable,
                        message: format!(
                            "{}: {} can be returned, not {}",
                            l.title, l.returnable, rl.quantity
                        ),
                    });
                }
                tx.execute(
                    "INSERT INTO order_return_line (return_id, order_line_id, quantity) VALUES (?1, ?2, ?3)",
                    args![id, l.id, rl.quantity],
                )?;
            }
            event(tx, order_id, now, Some(session.staff_id()), "return_authorised", &format!("RMA-{number}: {reason}"))?;
            load(tx, order_id)
        })
    }

    /// The parcel came back: restocked lines go back on hand at the location, written-off ones
    /// do not.
    pub fn receive_return(
        &self,
        session: &Session,
        return_id: &str,
        r: &ReturnReceipt,
    ) -> Result<Order> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            lock_of(tx, "order_return", return_id)?;
            let (order_id, status, _) = return_head(tx, return_id)?;
            if status != ReturnStatus::Authorised {
                return Err(Error::Conflict("this return is not waiting to be received".into()));
            }
            let order = load(tx, &order_id)?;
            let location = match r.location_id.as_deref().filter(|l| !l.is_empty()) {
                Some(l) => {
                    stock::location_exists(tx, l)?;
                    l.to_string()
                }
                None => order.location_id.clone(),
            };
            let lines: Vec<(String, i64, Option<String>, String)> = tx.query_map(
                "SELECT rl.order_line_id, rl.quantity, l.variant_id, l.kind FROM order_return_line rl
                 JOIN order_line l ON l.id = rl.order_line_id WHERE rl.return_id = ?1",
                args![return_id],
                |r| r.tuple(),
            )?;
            let (mut back, mut off) = (0, 0);
            for (line, qty, variant, kind) in lines {
                if kind == "shipping" {
                    continue;
                }
                let restock = !r.write_off.contains(&line) && variant.is_some();
                tx.execute(
                    "UPDATE order_return_line SET disposition = ?3, location_id = ?4
                     WHERE return_id = ?1 AND order_line_id = ?2",
                    args![
                        return_id,
                        line,
                        if restock { "restock" } else { "write_off" },
                        restock.then_some(&location)
                    ],
                )?;
                if let (true, Some(v)) = (restock, &variant) {
                    record_move(
                        tx,
                        &Move {
                            variant_id: v,
                            location_id: &location,
                            reason: MoveReason::Return,
                            on_hand: qty,
                            committed: 0,
                            unit_cost: None,
                            doc: Some(("order_return", return_id)),
                            note: "",
                            staff_id: Some(session.staff_id()),
                            at: now,
                        },
                    )?;
                    back += qty;
                } else {
                    off += qty;
                }
            }
            set_status(tx, return_id, "received", now)?;
            event(
                tx,
                &order_id,
                now,
                Some(session.staff_id()),
                "return_received",
                &format!("{back} restocked, {off} written off"),
            )?;
            load(tx, &order_id)
        })
    }

    /// Refunds a received return: a credit note for its lines (and postage when listed), the
    /// refund on the ledger, the refund e-mail with the credit note queued.
    pub fn refund_return(&self, session: &Session, return_id: &str, method: &str) -> Result<Order> {
        let method = if method.trim().is_empty() {
            "original payment"
        } else {
            method.trim()
        };
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            lock_of(tx, "order_return", return_id)?;
            let (order_id, status, reason) = return_head(tx, return_id)?;
            if status != ReturnStatus::Received {
                return Err(Error::Conflict(
                    "a return is refunded once it has been received".into(),
                ));
            }
            let order = load(tx, &order_id)?;
            let cur = order.total.currency();
            let lines: Vec<(String, i64)> = tx.query_map(
                "SELECT order_line_id, quantity FROM order_return_line WHERE return_id = ?1",
                args![return_id],
                |r| r.tuple(),
            )?;
            let mut credit = Vec::new();
            for (line_id, qty) in lines {
                let l = order
                    .lines
                    .iter()
                    .find(|l| l.id == line_id)
                    .ok_or(Error::NotFound { what: "order line" })?;
                credit.push(line_refund(l, l.refunded_units, qty, cur));
            }
            let amount: i64 = credit.iter().map(|(l, _)| l.total.minor()).sum();
            let (paid, refunded) = paid_refunded(tx, &order_id)?;
            if amount > paid - refunded {
                return Err(Error::invalid(format!(
                    "the refund ({}) is more than the customer has paid and not had back ({})",
                    Money::from_minor(amount, cur).to_decimal_string(),
                    Money::from_minor(paid - refunded, cur).to_decimal_string()
                )));
            }
            let note = invoice::credit_order(tx, &order_id, credit, &reason, session.staff_id(), now)?;
                    super::flow::record_money(tx, None, &order_id, (super::MoneyMove::Refund, amount), (method, &note.code), session.staff_id(), now)?;
            tx.execute(
                "UPDATE order_return SET status = 'refunded', refund_minor = ?2, credit_note_id = ?3, updated_at = ?4
                 WHERE id = ?1",
                args![return_id, amount, note.id, now.0],
            )?;
            let text = Money::from_minor(amount, cur).to_decimal_string();
            event(tx, &order_id, now, Some(session.staff_id()), "refunded", &format!("{text} by {method} ({})", note.code))?;
            outbox::queue_for_order(
                tx,
                &order_id,
                "refund",
                Some(&note.id),
                &[("refund_amount", &format!("{text} {}", cur.code()))],
                now,
            )?;
            load(tx, &order_id)
        })
    }

    /// Cancels a return that has not been received.
    pub fn cancel_return(&self, session: &Session, return_id: &str) -> Result<Order> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            lock_of(tx, "order_return", return_id)?;
            let (order_id, status, _) = return_head(tx, return_id)?;
            if status != ReturnStatus::Authorised {
                return Err(Error::Conflict(
                    "only a return not yet received can be cancelled".into(),
                ));
            }
            set_status(tx, return_id, "cancelled", now)?;
            event(
                tx,
                &order_id,
                now,
                Some(session.staff_id()),
                "return_cancelled",
                "",
            )?;
            load(tx, &order_id)
        })
    }
}
