//! What happens to an order, one transaction per action: create (verify, then accept or hold),
//! edit, hold, release, cancel, record a payment, ship, note; bulk actions over many orders.
//!
//! Stock rule: an open order has committed exactly the units it has not shipped, at its location;
//! holding or cancelling releases them, releasing commits them again, shipping turns committed
//! units into shipped ones (on hand and committed both go down).

use super::buyer::match_customer;
use super::draft::{prepare, OrderTerms, Prepared};
use super::ship::{open_units, record_shipment, Parcel, ShipmentRecord, FORWARDED_OF_LINE};
use super::verify::{hold_reasons, verify, verify_candidate, CheckLevel};
use super::view::{load, lock, paid_refunded, status, Order, SHIPPED_OF_LINE};
use super::{event, event_later, order_name, OrderDraft, OrderStatus};
use crate::audit::{self, Change};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::Money;
use crate::order::outbox;
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn, LaterRows};
use crate::stock;
use crate::Shop;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[serde(default)]
pub struct PaymentDraft {
    /// Decimal text; the balance when empty.
    pub amount: String,
    /// "card", "bank transfer", "cash", "marketplace"…
    pub method: String,
    pub reference: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[serde(default)]
pub struct ShipmentDraft {
    pub carrier: String,
    pub tracking: String,
    /// (order line id, quantity); empty ships everything not yet shipped.
    pub lines: Vec<(String, i64)>,
}

/// Commits (`sign` = 1) or releases (−1) the unshipped units of an order's item lines.
fn commit_unshipped(
    conn: Conn,
    order_id: &str,
    sign: i64,
    staff: &str,
    at: Timestamp,
) -> Result<()> {
    let location: String = conn.query_row(
        "SELECT location_id FROM customer_order WHERE id = ?1",
        args![order_id],
        |r| r.get(0),
    )?;
    let lines: Vec<(String, i64)> = conn.query_map(
        &format!(
            "SELECT l.variant_id, l.quantity - {SHIPPED_OF_LINE} - {FORWARDED_OF_LINE} FROM order_line l
             WHERE l.order_id = ?1 AND l.kind = 'item' AND l.variant_id IS NOT NULL"
        ),
        args![order_id],
        |r| r.tuple(),
    )?;
    for (variant, open) in lines {
        if open > 0 {
            stock::commit_stock(
                conn,
                &variant,
                &location,
                sign * open,
                ("order", order_id),
                Some(staff),
                at,
            )?;
        }
    }
    Ok(())
}

/// Refuses an action unless the order is in the status it needs.
fn require_status(conn: Conn, order_id: &str, want: OrderStatus, done: &str) -> Result<()> {
    let is = status(conn, order_id)?;
    if is == want {
        return Ok(());
    }
    Err(Error::Conflict(format!(
        "the order is {}: only {} orders can be {done}",
        is.as_str().replace('_', " "),
        want.as_str().replace('_', " ")
    )))
}

/// Cancels an order in the caller's transaction (by hand, or because its marketplace cancelled
/// it): refused once shipped or while money is kept; an open order's stock is released.
pub(crate) fn cancel_in<'c>(
    tx: impl Into<Conn<'c>>,
    order_id: &str,
    staff: &str,
    now: Timestamp,
    reason: &str,
) -> Result<()> {
    let tx = tx.into();
    lock(tx, order_id)?;
    let order = load(tx, order_id)?;
    if order.status == OrderStatus::Cancelled {
        return Err(Error::Conflict(format!(
            "order {} is already cancelled",
            order.name
        )));
    }
    if order.lines.iter().any(|l| l.shipped > 0) {
        return Err(Error::Conflict(format!(
            "order {} has shipped: take it back with a return instead",
            order.name
        )));
    }
    if order.paid.minor() > order.refunded.minor() {
        return Err(Error::Conflict(format!(
            "order {} has {} paid: refund it before cancelling",
            order.name,
            Money::from_minor(
                order.paid.minor() - order.refunded.minor(),
                order.total.currency()
            )
            .to_decimal_string()
        )));
    }
    if order.status == OrderStatus::Open {
        commit_unshipped(tx, order_id, -1, staff, now)?;
    }
    set_status(tx, order_id, OrderStatus::Cancelled, now)?;
    event(tx, order_id, now, Some(staff), "cancelled", reason)?;
    audit::record(
        tx,
        Change::by(
            now,
            staff,
            "order.cancel",
            ("order", order_id),
            json!({ "reason": reason }),
        ),
    )
}

/// Which way money moved on an order's ledger.
#[derive(Debug, Clone, Copy)]
pub(crate) enum MoneyMove {
    Payment,
    /// Paid back: returns, claims, marketplace refunds.
    Refund,
}

/// Money received or paid back, on the order's ledger; `reference` says what it came with (a
/// card slip, a credit note, a marketplace's order or refund id).
/// `later`: the payment row kept with a page's rows (its audit entry, for a refund, is not).
pub(crate) fn record_money<'c>(
    conn: impl Into<Conn<'c>>,
    later: Option<&LaterRows>,
    order_id: &str,
    (movement, amount): (MoneyMove, i64),
    (method, reference): (&str, &str),
    staff: &str,
    at: Timestamp,
) -> Result<()> {
    let conn = conn.into();
    let kind = match movement {
        MoneyMove::Payment => "payment",
        MoneyMove::Refund => "refund",
    };
    conn.insert_row(
        later,
        "order_payment (id, order_id, kind, amount_minor, method, reference, staff_id, at)",
        vec![
            new_id().into(),
            order_id.into(),
            kind.into(),
            amount.into(),
            method.into(),
            reference.into(),
            staff.into(),
            at.0.into(),
        ],
    )?;
    if matches!(movement, MoneyMove::Refund) {
        // Every refund — a return, a claim, one made on the marketplace — is on the trail.
        crate::audit::record(
            conn,
            crate::audit::Change::by(
                at,
                staff,
                "refund_issued",
                ("order", order_id),
                serde_json::json!({ "amount_minor": amount, "method": method, "reference": reference }),
            ),
        )?;
    }
    Ok(())
}

fn set_status(conn: Conn, order_id: &str, s: OrderStatus, at: Timestamp) -> Result<()> {
    conn.execute(
        "UPDATE customer_order SET status = ?2, updated_at = ?3 WHERE id = ?1",
        args![order_id, s.as_str(), at.0],
    )?;
    Ok(())
}

/// Runs verification and stores its result on the order; returns the checks.
fn reverify(
    conn: Conn,
    order_id: &str,
    now: Timestamp,
    terms: &OrderTerms,
) -> Result<Vec<super::Check>> {
    let (checks, score) = verify(conn, order_id, now, terms)?;
    conn.execute(
        "UPDATE customer_order SET checks = ?2, risk_score = ?3 WHERE id = ?1",
        args![
            order_id,
            serde_json::to_string(&checks).unwrap_or_default(),
            score
        ],
    )?;
    Ok(checks)
}

/// Puts an order on hold with the reason on its timeline. Callers release what it had
/// committed (an order that was never accepted committed nothing).
fn put_on_hold(conn: Conn, order_id: &str, staff: &str, at: Timestamp, why: &str) -> Result<()> {
    set_status(conn, order_id, OrderStatus::OnHold, at)?;
    event(conn, order_id, at, Some(staff), "held", why)
}

/// Replaces an order's lines.
fn rewrite_lines(conn: Conn, order_id: &str, p: &Prepared) -> Result<()> {
    conn.execute(
        "DELETE FROM order_line WHERE order_id = ?1",
        args![order_id],
    )?;
    // New lines are all still to pack.
    conn.execute(
        "UPDATE customer_order SET fulfilled_at = NULL WHERE id = ?1",
        args![order_id],
    )?;
    write_lines(conn, None, order_id, p)
}

fn write_lines(conn: Conn, later: Option<&LaterRows>, order_id: &str, p: &Prepared) -> Result<()> {
    for (i, l) in p.lines.iter().enumerate() {
        conn.insert_row(
            later,
            "order_line (id, order_id, position, kind, variant_id, sku, title, quantity,
                 unit_price_minor, catalog_price_minor, discount_minor, amount_minor, tax_minor,
                 taxes, unit_cost_minor)",
            vec![
                new_id().into(),
                order_id.into(),
                (i as i64 + 1).into(),
                l.kind.into(),
                l.variant_id.as_deref().into(),
                l.sku.as_str().into(),
                l.title.as_str().into(),
                l.quantity.into(),
                l.unit_price.into(),
                l.catalog_price.into(),
                l.discount.into(),
                l.amount.into(),
                l.tax().into(),
                serde_json::to_string(&l.taxes).unwrap_or_default().into(),
                l.unit_cost.into(),
            ],
        )?;
    }
    Ok(())
}

fn check_location(conn: Conn, draft: &OrderDraft, terms: &OrderTerms) -> Result<String> {
    match draft.location_id.as_deref().filter(|s| !s.is_empty()) {
        Some(l) => {
            terms.location_name(conn, l)?;
            Ok(l.to_string())
        }
        None => terms.first_location(conn),
    }
}

fn accept(conn: Conn, order_id: &str, staff: &str, at: Timestamp, why: &str) -> Result<()> {
    set_status(conn, order_id, OrderStatus::Open, at)?;
    accepted(conn, order_id, staff, at, why)
}

/// What follows an order's opening: its stock committed, the timeline, our confirmation.
fn accepted(conn: Conn, order_id: &str, staff: &str, at: Timestamp, why: &str) -> Result<()> {
    commit_unshipped(conn, order_id, 1, staff, at)?;
    let channel: String = conn.query_row(
        "SELECT channel FROM customer_order WHERE id = ?1",
        args![order_id],
        |r| r.get(0),
    )?;
    announce_accepted(conn, None, order_id, (&channel, staff, at), why)
}

/// `accepted` for an order just written open, from what was written rather than read back:
/// nothing of it is shipped, so every unit of its item lines is committed at its location.
fn accepted_new(
    conn: Conn,
    terms: &OrderTerms,
    (order_id, location): (&str, &str),
    p: &Prepared,
    staff: &str,
    at: Timestamp,
) -> Result<()> {
    for l in p.lines.iter().filter(|l| l.kind == "item") {
        if let Some(variant) = &l.variant_id {
            let doc = ("order", order_id);
            stock::commit_stock(conn, variant, location, l.quantity, doc, Some(staff), at)?;
            terms.committed(location, variant, l.quantity);
        }
    }
    let why = "passed verification";
    announce_accepted(conn, terms.later(), order_id, (&p.channel, staff, at), why)
}

fn announce_accepted(
    conn: Conn,
    later: Option<&LaterRows>,
    order_id: &str,
    (channel, staff, at): (&str, &str, Timestamp),
    why: &str,
) -> Result<()> {
    event_later(conn, later, order_id, (at, Some(staff)), "accepted", why)?;
    // Marketplaces confirm their own orders; hand-entered ones get ours, once.
    if channel == "manual" && !outbox::already_queued(conn, order_id, "order_confirmation")? {
        outbox::queue_for_order(conn, order_id, "order_confirmation", None, &[], at)?;
    }
    Ok(())
}

/// Enters an order in the caller's transaction: priced, matched to a customer, verified, then
/// accepted or held. Returns the id (the existing one for a repeated channel + external id).
pub(crate) fn create_in<'c>(
    tx: impl Into<Conn<'c>>,
    draft: &OrderDraft,
    staff: &str,
    now: Timestamp,
) -> Result<String> {
    let tx = tx.into();
    Ok(create_under(tx, &OrderTerms::read(tx)?, draft, staff, now)?.id)
}

/// `create_in` under terms the caller read: a marketplace page reads them once for its orders.
pub(crate) fn create_under(
    tx: Conn,
    terms: &OrderTerms,
    draft: &OrderDraft,
    staff: &str,
    now: Timestamp,
) -> Result<Created> {
    let p = prepare(tx, draft, terms)?;
    let external = draft
        .external_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if let Some(ext) = external {
        let existing: Option<String> = match &terms.ahead {
            Some(ahead) => ahead.entered.get(ext).cloned(),
            None => tx.query_opt(
                "SELECT id FROM customer_order WHERE channel = ?1 AND external_id = ?2",
                args![p.channel, ext],
                |r| r.get(0),
            )?,
        };
        if let Some(id) = existing {
            return Ok(Created { id, written: None });
        }
    }
    let location = check_location(tx, draft, terms)?;
    let customer = match_customer(tx, draft, &p, terms, now)?;
    // The number first: its counter row stays locked until this transaction ends, so on the
    // server orders entered at once by several stations are verified one after the other, each
    // seeing the stock the one before it committed (the last unit is reserved once).
    let id = new_id();
    let number = terms.number(tx)?;
    // Verified before it is written, so it is written once, open or on hold with its checks:
    // on the server a second write of the order is another entry in each of its indexes.
    let candidate = p.candidate(&location, customer.clone(), draft.express, now);
    let (checks, score) = verify_candidate(tx, &candidate, now, terms)?;
    let holds = checks.iter().any(|c| c.holds());
    let status = if holds {
        OrderStatus::OnHold
    } else {
        OrderStatus::Open
    };
    tx.execute(
        "INSERT INTO customer_order (id, number, channel, external_id, status, customer_id, email,
             phone, billing, shipping, address_key, location_id, shipping_method, express,
             channel_risk, prices_include_tax, subtotal_minor, discount_minor, shipping_minor,
             tax_minor, total_minor, taxes, note, created_by, created_at, updated_at, checks,
             risk_score)
         VALUES (?1, ?2, ?3, ?4, ?25, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
             ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?24, ?26, ?27)",
        args![
            id,
            number,
            p.channel,
            external,
            customer,
            p.email,
            p.phone,
            serde_json::to_string(&p.billing).unwrap_or_default(),
            serde_json::to_string(&p.shipping).unwrap_or_default(),
            p.shipping.key(),
            location,
            draft.shipping_method.trim(),
            draft.express,
            p.channel_risk,
            p.included,
            p.subtotal,
            p.discount,
            p.shipping_total,
            p.tax,
            p.total,
            serde_json::to_string(&p.taxes).unwrap_or_default(),
            draft.note.trim(),
            staff,
            now.0,
            status.as_str(),
            serde_json::to_string(&checks).unwrap_or_default(),
            score,
        ],
    )?;
    terms.wrote_total(p.total);
    // On a page of marketplace orders, its lines and timeline are written with the page's.
    let later = terms.later();
    write_lines(tx, later, &id, &p)?;
    let by = (now, Some(staff));
    let created = format!("{} order {}", p.channel, order_name(number));
    event_later(tx, later, &id, by, "created", &created)?;
    if holds {
        event_later(tx, later, &id, by, "held", &hold_reasons(&checks))?;
    } else {
        accepted_new(tx, terms, (&id, &location), &p, staff, now)?;
    }
    Ok(Created {
        id,
        written: Some((p.total, status)),
    })
}

/// An order entered, or found entered already.
pub(crate) struct Created {
    pub id: String,
    /// The total and status it was written with, which its marketplace's payment and
    /// cancellation are weighed against (read back, a statement more an order); `None` for
    /// one entered before.
    pub written: Option<(i64, OrderStatus)>,
}

impl Shop {
    /// Enters an order. The same channel and external id twice is one order: the second call
    /// returns the first, so a retried import never doubles an order.
    pub fn create_order(&self, session: &Session, draft: &OrderDraft) -> Result<Order> {
        let id = self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            create_in(tx, draft, session.staff_id(), self.clock.now())
        })?;
        self.order(session, &id)
    }

    /// An order as the shop's store holds it: on a station, the server's (a till's own copy
    /// holds no orders, so it is not read in its place).
    pub fn order(&self, session: &Session, order_id: &str) -> Result<Order> {
        self.db.server_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            load(c, order_id)
        })
    }

    /// Finds an order by its number ("1042", "#1042"), slip code ("O1042") or marketplace id.
    pub fn order_by_number(&self, session: &Session, text: &str) -> Result<Order> {
        self.db.server_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let id = super::find(c, text)?;
            load(c, &id)
        })
    }

    /// Edits an order. Before anything ships or is invoiced, everything can change; after, only
    /// contact details, addresses and the note (lines are then corrected by returns and credit
    /// notes). The order is verified again; a blocking result puts an open order on hold.
    pub fn update_order(
        &self,
        session: &Session,
        order_id: &str,
        draft: &OrderDraft,
    ) -> Result<Order> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            let staff = session.staff_id();
            lock(tx, order_id)?;
            let before = load(tx, order_id)?;
            if before.status == OrderStatus::Cancelled {
                return Err(Error::Conflict(format!("order {} is cancelled", before.name)));
            }
            let terms = OrderTerms::read(tx)?;
            let p = prepare(tx, draft, &terms)?;
            let frozen = before.lines.iter().any(|l| l.shipped > 0) || !before.invoices.is_empty();
            let lines_changed = p.lines.len() != before.lines.len()
                || p.lines.iter().zip(&before.lines).any(|(n, o)| {
                    n.variant_id != o.variant_id
                        || n.title != o.title
                        || n.quantity != o.quantity
                        || n.unit_price != o.unit_price.minor()
                        || n.discount != o.discount.minor()
                });
            if frozen && lines_changed {
                return Err(Error::Conflict(format!(
                    "order {} has shipped or been invoiced: its lines no longer change — use a return or a credit note",
                    before.name
                )));
            }
            let location = check_location(tx, draft, &terms)?;
            if before.status == OrderStatus::Open {
                commit_unshipped(tx, order_id, -1, staff, now)?;
            }
            if lines_changed {
                rewrite_lines(tx, order_id, &p)?;
            }
            tx.execute(
                "UPDATE customer_order SET email = ?2, phone = ?3, billing = ?4, shipping = ?5,
                     address_key = ?6, location_id = ?7, shipping_method = ?8, express = ?9, note = ?10,
                     subtotal_minor = ?11, discount_minor = ?12, shipping_minor = ?13, tax_minor = ?14,
                     total_minor = ?15, taxes = ?16, updated_at = ?17
                 WHERE id = ?1",
                args![
                    order_id,
                    p.email,
                    p.phone,
                    serde_json::to_string(&p.billing).unwrap_or_default(),
                    serde_json::to_string(&p.shipping).unwrap_or_default(),
                    p.shipping.key(),
                    location,
                    draft.shipping_method.trim(),
                    draft.express,
                    draft.note.trim(),
                    p.subtotal,
                    p.discount,
                    p.shipping_total,
                    p.tax,
                    p.total,
                    serde_json::to_string(&p.taxes).unwrap_or_default(),
                    now.0,
                ],
            )?;
            let what = if lines_changed { "lines, details" } else { "details" };
            event(tx, order_id, now, Some(staff), "edited", what)?;
            let checks = reverify(tx, order_id, now, &terms)?;
            if before.status == OrderStatus::Open {
                if checks.iter().any(|c| c.level == CheckLevel::Block) {
                    put_on_hold(tx, order_id, staff, now, &hold_reasons(&checks))?;
                } else {
                    commit_unshipped(tx, order_id, 1, staff, now)?;
                }
            }
            load(tx, order_id)
        })
    }

    /// Puts an open order on hold (its unshipped stock is released) with a reason.
    pub fn hold_order(&self, session: &Session, order_id: &str, reason: &str) -> Result<Order> {
        let reason = required(reason, "holding an order")?;
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            lock(tx, order_id)?;
            require_status(tx, order_id, OrderStatus::Open, "held")?;
            commit_unshipped(tx, order_id, -1, session.staff_id(), now)?;
            put_on_hold(tx, order_id, session.staff_id(), now, reason)?;
            load(tx, order_id)
        })
    }

    /// Releases a held order after review: verification runs again; what blocks (an address a
    /// carrier cannot use, a bad e-mail) must be fixed first, what only holds (short stock, a
    /// likely duplicate, the risk score) is the reviewer's call, recorded with the reason.
    pub fn release_order(&self, session: &Session, order_id: &str, reason: &str) -> Result<Order> {
        let reason = required(reason, "releasing an order")?;
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            lock(tx, order_id)?;
            require_status(tx, order_id, OrderStatus::OnHold, "released")?;
            let checks = reverify(tx, order_id, now, &OrderTerms::read(tx)?)?;
            let blocking: Vec<&str> = checks
                .iter()
                .filter(|c| c.level == CheckLevel::Block)
                .map(|c| c.message.as_str())
                .collect();
            if !blocking.is_empty() {
                return Err(Error::ReleaseBlocked {
                    reasons: blocking.join("; "),
                });
            }
            event(
                tx,
                order_id,
                now,
                Some(session.staff_id()),
                "released",
                reason,
            )?;
            accept(
                tx,
                order_id,
                session.staff_id(),
                now,
                "released after review",
            )?;
            load(tx, order_id)
        })
    }

    /// Cancels an order that has not shipped: its stock is released. Money already taken must be
    /// refunded first, so a cancelled order never keeps a customer's payment.
    pub fn cancel_order(&self, session: &Session, order_id: &str, reason: &str) -> Result<Order> {
        let reason = required(reason, "cancelling an order")?;
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            cancel_in(tx, order_id, session.staff_id(), self.clock.now(), reason)?;
            load(tx, order_id)
        })
    }

    /// Records money received for an order (never more than is still due).
    pub fn record_order_payment(
        &self,
        session: &Session,
        order_id: &str,
        p: &PaymentDraft,
    ) -> Result<Order> {
        let method = required(&p.method, "a payment")?;
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let now = self.clock.now();
            let cur = shop_currency(tx)?;
            lock(tx, order_id)?;
            if status(tx, order_id)? == OrderStatus::Cancelled {
                return Err(Error::Conflict("the order is cancelled".into()));
            }
            let total: i64 = tx.query_row(
                "SELECT total_minor FROM customer_order WHERE id = ?1",
                args![order_id],
                |r| r.get(0),
            )?;
            let (paid, refunded) = paid_refunded(tx, order_id)?;
            let due = total - paid + refunded;
            let amount = if p.amount.trim().is_empty() {
                due
            } else {
                Money::parse(&p.amount, cur)?.minor()
            };
            if amount <= 0 {
                return Err(Error::invalid("nothing is due on this order"));
            }
            if amount > due {
                return Err(Error::invalid(format!(
                    "only {} is due",
                    Money::from_minor(due, cur).to_decimal_string()
                )));
            }
            record_money(
                tx,
                None,
                order_id,
                (MoneyMove::Payment, amount),
                (method, p.reference.trim()),
                session.staff_id(),
                now,
            )?;
            event(
                tx,
                order_id,
                now,
                Some(session.staff_id()),
                "paid",
                &format!(
                    "{} by {method}",
                    Money::from_minor(amount, cur).to_decimal_string()
                ),
            )?;
            load(tx, order_id)
        })
    }

    /// Ships units of an open order: committed stock becomes shipped, the shipment e-mail with
    /// the tracking number is queued.
    pub fn ship_order(
        &self,
        session: &Session,
        order_id: &str,
        s: &ShipmentDraft,
    ) -> Result<Order> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::Pack)
                .or_else(|_| authorize(tx, session, Permission::OrdersManage))?;
            let now = self.clock.now();
            lock(tx, order_id)?;
            let order = load(tx, order_id)?;
            let plan: Vec<(String, i64)> = if s.lines.is_empty() {
                open_units(tx, order_id)?
            } else {
                s.lines.clone()
            };
            let tracking = s.tracking.trim();
            let record = ShipmentRecord {
                carrier: &s.carrier,
                tracking,
                parcels: vec![Parcel {
                    weight_grams: 0,
                    preset: String::new(),
                    tracking: tracking.to_string(),
                }],
                ..Default::default()
            };
            record_shipment(tx, &order, &plan, &record, session.staff_id(), now)?;
            load(tx, order_id)
        })
    }

    /// A note on the order's timeline.
    pub fn add_order_note(&self, session: &Session, order_id: &str, text: &str) -> Result<Order> {
        let text = required(text, "a note")?;
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersView)?;
            status(tx, order_id)?;
            event(
                tx,
                order_id,
                self.clock.now(),
                Some(session.staff_id()),
                "note",
                text,
            )?;
            load(tx, order_id)
        })
    }
}

fn required<'a>(text: &'a str, what: &str) -> Result<&'a str> {
    let t = text.trim();
    if t.is_empty() {
        Err(Error::invalid(format!("{what} needs a reason or text")))
    } else {
        Ok(t)
    }
}
