//! The one inbox: orders of every channel and completed counter sales in one list, with saved
//! views, search, sort and paging, and bulk actions that report per order what happened.

use super::view::SHIPPED_OF_LINE;
use super::{order_name, Fulfilment, OrderStage, OrderStatus, PaymentDraft, PaymentStatus};
use crate::clock::Timestamp;
use crate::error::{Error, ErrorCode, Result};
use crate::money::Money;
use crate::sale::receipt_code;
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Arg, Conn, Param, Row};
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InboxView {
    #[default]
    All,
    /// The review queue.
    OnHold,
    /// Open orders with units not yet shipped.
    ToPack,
    /// Orders with money still due.
    Unpaid,
    /// Counter sales only.
    Counter,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InboxSort {
    #[default]
    Newest,
    Oldest,
    HighestTotal,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct InboxQuery {
    pub view: InboxView,
    /// An order or receipt number, or part of an e-mail, name or marketplace id.
    pub text: String,
    /// Only this channel ("manual", "shopify", "counter"…); empty for all.
    pub channel: String,
    pub sort: InboxSort,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InboxRow {
    /// "order" or "sale".
    pub kind: String,
    pub id: String,
    /// "#1042" or "R00000017".
    pub name: String,
    pub channel: String,
    pub created_at: Timestamp,
    pub customer: String,
    pub total: Money,
    /// on_hold, open, cancelled for orders; completed for sales.
    pub status: String,
    pub fulfilment: Fulfilment,
    /// Status and fulfilment in one word for people.
    pub stage: OrderStage,
    pub payment_status: PaymentStatus,
    #[ts(type = "number")]
    pub risk_score: i64,
}

/// A bulk action over orders chosen in the inbox.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BulkAction {
    Hold { reason: String },
    Release { reason: String },
    Cancel { reason: String },
    MarkPaid { method: String },
    Invoice,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BulkResult {
    pub order_id: String,
    pub ok: bool,
    /// Why this order was refused (absent when it went through), and in words.
    pub code: Option<ErrorCode>,
    pub message: String,
}

const DUE: &str = "o.total_minor > (SELECT coalesce(sum(CASE kind WHEN 'payment' THEN amount_minor
    ELSE -amount_minor END), 0) FROM order_payment WHERE order_id = o.id)";

/// `%text%` for LIKE, its own `%` and `_` taken literally.
fn like_pattern(text: &str) -> String {
    format!("%{}%", text.replace('%', "\\%").replace('_', "\\_"))
}

fn orders(c: Conn, q: &InboxQuery, want: i64) -> Result<Vec<InboxRow>> {
    let cur = shop_currency(c)?;
    let mut filter = vec!["1 = 1".to_string()];
    let mut args: Vec<Arg> = Vec::new();
    match q.view {
        InboxView::All | InboxView::Counter => {}
        InboxView::OnHold => filter.push("o.status = 'on_hold'".into()),
        InboxView::ToPack => filter.push(format!(
            "o.status = 'open' AND o.fulfilled_at IS NULL
             AND EXISTS (SELECT 1 FROM order_line l WHERE l.order_id = o.id
             AND l.kind = 'item' AND l.quantity > {SHIPPED_OF_LINE})"
        )),
        InboxView::Unpaid => filter.push(format!("o.status <> 'cancelled' AND {DUE}")),
        InboxView::Cancelled => filter.push("o.status = 'cancelled'".into()),
    }
    if !q.channel.trim().is_empty() {
        args.push(Arg::Text(q.channel.trim().to_lowercase()));
        filter.push(format!("o.channel = ?{}", args.len()));
    }
    let text = q.text.trim();
    if !text.is_empty() {
        if let Ok(n) = text.trim_start_matches('#').parse::<i64>() {
            args.push(Arg::Int(n));
            args.push(Arg::Text(text.into()));
            // Two indexed look-ups, not an OR the planner would answer with a scan.
            filter.push(format!(
                "o.id IN (SELECT id FROM customer_order WHERE number = ?{}
                          UNION ALL SELECT id FROM customer_order WHERE external_id = ?{})",
                args.len() - 1,
                args.len()
            ));
        } else {
            args.push(Arg::Text(like_pattern(text)));
            let n = args.len();
            filter.push(format!(
                "({} OR {} OR {} OR {})",
                c.like("o.email", n),
                c.like("c.name", n),
                c.like("o.external_id", n),
                c.like("o.shipping", n)
            ));
        }
    }
    // Orders placed at the same moment list by number, on either engine.
    let order = match q.sort {
        InboxSort::Newest => "o.created_at DESC, o.number DESC",
        InboxSort::Oldest => "o.created_at ASC, o.number ASC",
        InboxSort::HighestTotal => "o.total_minor DESC, o.number DESC",
    };
    args.push(Arg::Int(want));
    // Units and money come with each row (computed for the page only, never stored).
    let sql = format!(
        "SELECT o.id, o.number, o.channel, o.created_at,
                coalesce(c.name, {}, o.email, ''), o.total_minor,
                o.status, o.risk_score,
                (SELECT coalesce(sum(l.quantity), 0) FROM order_line l
                  WHERE l.order_id = o.id AND l.kind = 'item'),
                (SELECT coalesce(sum({SHIPPED_OF_LINE}), 0) FROM order_line l
                  WHERE l.order_id = o.id AND l.kind = 'item'),
                (SELECT coalesce(sum(amount_minor), 0) FROM order_payment
                  WHERE order_id = o.id AND kind = 'payment'),
                (SELECT coalesce(sum(amount_minor), 0) FROM order_payment
                  WHERE order_id = o.id AND kind = 'refund')
         FROM customer_order o LEFT JOIN customer c ON c.id = o.customer_id
         WHERE {} ORDER BY {order} LIMIT ?{}",
        c.json_text("o.shipping", "name"),
        filter.join(" AND "),
        args.len()
    );
    let params: Vec<&dyn Param> = args.iter().map(|a| a as &dyn Param).collect();
    c.query_map(&sql, &params, |r| {
        let number: i64 = r.get(1)?;
        let total: i64 = r.get(5)?;
        let status = OrderStatus::parse(&r.get::<String>(6)?);
        let fulfilment = Fulfilment::of(r.get(8)?, r.get(9)?);
        Ok(InboxRow {
            kind: "order".into(),
            id: r.get(0)?,
            name: order_name(number),
            channel: r.get(2)?,
            created_at: Timestamp(r.get(3)?),
            customer: r.get(4)?,
            total: Money::from_minor(total, cur),
            status: status.as_str().into(),
            risk_score: r.get(7)?,
            fulfilment,
            stage: OrderStage::of(status, fulfilment),
            payment_status: PaymentStatus::of(total, r.get(10)?, r.get(11)?),
        })
    })
}

fn sales(c: Conn, q: &InboxQuery, want: i64) -> Result<Vec<InboxRow>> {
    let wanted = matches!(q.view, InboxView::All | InboxView::Counter)
        && (q.channel.trim().is_empty() || q.channel.trim().eq_ignore_ascii_case("counter"));
    if !wanted {
        return Ok(Vec::new());
    }
    let cur = shop_currency(c)?;
    let text = q.text.trim();
    let (filter, arg) = match crate::sale::parse_receipt_code(text) {
        // A plain number finds that receipt of every till; a till's code only its own (its
        // name is letters and digits only).
        Some((till, n)) if till.is_empty() => ("s.number = ?2".to_string(), Some(Arg::Int(n))),
        Some((till, n)) => (
            format!("s.number = ?2 AND s.station = '{till}'"),
            Some(Arg::Int(n)),
        ),
        // Counter sales are found by receipt number or customer name.
        None if !text.is_empty() => (c.like("c.name", 2), Some(Arg::Text(like_pattern(text)))),
        None => ("1 = 1".to_string(), None),
    };
    let order = match q.sort {
        InboxSort::Newest => "s.completed_at DESC, s.number DESC",
        InboxSort::Oldest => "s.completed_at ASC, s.number ASC",
        InboxSort::HighestTotal => "s.total_minor DESC, s.number DESC",
    };
    let sql = format!(
        "SELECT s.id, s.number, s.completed_at, coalesce(c.name, ''), s.total_minor, s.station
         FROM sale s LEFT JOIN customer c ON c.id = s.customer_id
         WHERE s.status = 'completed' AND {filter} ORDER BY {order} LIMIT ?1"
    );
    let row = |r: &Row| {
        let total: i64 = r.get(4)?;
        Ok(InboxRow {
            kind: "sale".into(),
            id: r.get(0)?,
            name: receipt_code(&r.get::<String>(5)?, r.get(1)?),
            channel: "counter".into(),
            created_at: Timestamp(r.get(2)?),
            customer: r.get(3)?,
            total: Money::from_minor(total, cur),
            status: "completed".into(),
            fulfilment: Fulfilment::Fulfilled,
            stage: OrderStage::Completed,
            payment_status: PaymentStatus::Paid,
            risk_score: 0,
        })
    };
    match &arg {
        Some(a) => c.query_map(&sql, args![want, a], row),
        None => c.query_map(&sql, args![want], row),
    }
}

impl Shop {
    /// A page of the inbox. Each source is read already sorted and cut at offset + limit, then
    /// the two are merged, so a page costs the same at one thousand orders or one million.
    pub fn inbox(&self, session: &Session, q: &InboxQuery) -> Result<Vec<InboxRow>> {
        let limit = if q.limit == 0 { 50 } else { q.limit.min(500) } as i64;
        let want = q.offset as i64 + limit;
        self.db.shared_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let mut rows = if q.view == InboxView::Counter || q.channel.trim() == "counter" {
                Vec::new()
            } else {
                orders(c, q, want)?
            };
            rows.extend(sales(c, q, want)?);
            match q.sort {
                InboxSort::Newest => rows.sort_by_key(|r| std::cmp::Reverse(r.created_at.0)),
                InboxSort::Oldest => rows.sort_by_key(|r| r.created_at.0),
                InboxSort::HighestTotal => rows.sort_by_key(|r| std::cmp::Reverse(r.total.minor())),
            }
            Ok(rows
                .into_iter()
                .skip(q.offset as usize)
                .take(limit as usize)
                .collect())
        })
    }

    /// Applies one action to many orders, each in its own transaction: one order that cannot
    /// (already cancelled, shipped…) does not stop the others, and each says why.
    pub fn bulk_orders(
        &self,
        session: &Session,
        ids: &[String],
        action: &BulkAction,
    ) -> Result<Vec<BulkResult>> {
        if ids.is_empty() {
            return Err(Error::invalid("choose at least one order"));
        }
        Ok(ids
            .iter()
            .map(|id| {
                let r = match action {
                    BulkAction::Hold { reason } => self.hold_order(session, id, reason).map(|_| ()),
                    BulkAction::Release { reason } => {
                        self.release_order(session, id, reason).map(|_| ())
                    }
                    BulkAction::Cancel { reason } => {
                        self.cancel_order(session, id, reason).map(|_| ())
                    }
                    BulkAction::MarkPaid { method } => self
                        .record_order_payment(
                            session,
                            id,
                            &PaymentDraft {
                                method: method.clone(),
                                ..Default::default()
                            },
                        )
                        .map(|_| ()),
                    BulkAction::Invoice => self.issue_order_invoice(session, id).map(|_| ()),
                };
                BulkResult {
                    order_id: id.clone(),
                    ok: r.is_ok(),
                    code: r.as_ref().err().map(Error::code),
                    message: r.err().map(|e| e.to_string()).unwrap_or_default(),
                }
            })
            .collect())
    }
}
