//! Orders from every channel (manual, marketplaces; counter sales join them in the inbox): lines,
//! shipping, addresses, payments, shipments, returns, claims and a timeline. Its documents and
//! messages sit beside it: invoices and credit notes (`invoice.rs`), the supplier order of a
//! dropship (`supplier_order.rs`), carriers and tracking pages (`carrier.rs`), the e-mail outbox
//! and its templates (`outbox.rs`) and the order settings — legal details, risk, mail
//! (`settings.rs`).
//!
//! Invariants: an order's status moves only on_hold → open → cancelled (or on_hold → cancelled)
//! through the actions in `flow.rs`; stock is committed exactly while an order is open, for what
//! is not yet shipped; fulfilment and payment status are computed from line quantities and the
//! payment ledger, never stored, so they cannot drift.

mod address;
mod buyer;
pub mod carrier;
mod claim;
pub mod claim_file;
mod draft;
mod flow;
mod inbox;
pub mod invoice;
pub mod outbox;
mod returns;
pub mod settings;
mod ship;
pub mod supplier_order;
mod verify;
mod view;

pub use address::Address;
pub(crate) use buyer::read_ahead;
pub(crate) use claim::open_in as open_claim_in;
pub use claim::{Claim, ClaimDraft, ClaimKind, ClaimResolution};
pub use draft::{OrderDraft, OrderLineDraft};
pub(crate) use flow::{cancel_in, create_under, record_money, MoneyMove};
pub use flow::{PaymentDraft, ShipmentDraft};
pub use inbox::{BulkAction, BulkResult, InboxQuery, InboxRow, InboxSort, InboxView};
pub use returns::{
    OrderReturn, ReturnDraft, ReturnLine, ReturnLineDraft, ReturnReceipt, ReturnStatus,
};
pub use verify::{hold_reasons, Check, CheckLevel, RiskSettings};
pub(crate) use view::paid_refunded;
pub use view::{Order, OrderCustomer, OrderEvent, OrderLine, PaymentRecord, Shipment};

pub(crate) use crate::shop::email_is_valid;
pub(crate) use draft::{sum_by_rate, OrderTerms};
pub(crate) use find as find_order;
pub(crate) use ship::{record_shipment, Parcel, ShipmentRecord, FORWARDED_OF_LINE};
pub(crate) use verify::risk_settings;
pub(crate) use view::{
    load as load_order, lock as lock_order, stage as order_stage, SHIPPED_OF_LINE,
};

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::sql::{args, Conn, LaterRows};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting for review: nothing committed yet.
    OnHold,
    /// Accepted: stock committed for what is not shipped.
    Open,
    Cancelled,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::OnHold => "on_hold",
            OrderStatus::Open => "open",
            OrderStatus::Cancelled => "cancelled",
        }
    }
    pub(crate) fn parse(s: &str) -> OrderStatus {
        match s {
            "on_hold" => OrderStatus::OnHold,
            "cancelled" => OrderStatus::Cancelled,
            _ => OrderStatus::Open,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Fulfilment {
    Unfulfilled,
    Partial,
    Fulfilled,
}

impl Fulfilment {
    /// From the units ordered and shipped over the order's item lines.
    pub fn of(ordered: i64, shipped: i64) -> Fulfilment {
        if shipped <= 0 {
            Fulfilment::Unfulfilled
        } else if shipped < ordered {
            Fulfilment::Partial
        } else {
            Fulfilment::Fulfilled
        }
    }
}

/// Where an order stands, in one word for people: its status and, once accepted, how much of it
/// has gone out — so a shipped order never still reads "open".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OrderStage {
    OnHold,
    Open,
    PartlyShipped,
    Shipped,
    Cancelled,
    /// A counter sale in the inbox: paid and handed over at the till.
    Completed,
}

impl OrderStage {
    pub fn of(status: OrderStatus, fulfilment: Fulfilment) -> OrderStage {
        match (status, fulfilment) {
            (OrderStatus::Cancelled, _) => OrderStage::Cancelled,
            (OrderStatus::OnHold, _) => OrderStage::OnHold,
            (OrderStatus::Open, Fulfilment::Unfulfilled) => OrderStage::Open,
            (OrderStatus::Open, Fulfilment::Partial) => OrderStage::PartlyShipped,
            (OrderStatus::Open, Fulfilment::Fulfilled) => OrderStage::Shipped,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Unpaid,
    PartiallyPaid,
    Paid,
    PartiallyRefunded,
    Refunded,
}

impl PaymentStatus {
    /// From the order's total and its payment ledger.
    pub fn of(total: i64, paid: i64, refunded: i64) -> PaymentStatus {
        if refunded > 0 && refunded >= paid {
            PaymentStatus::Refunded
        } else if refunded > 0 {
            PaymentStatus::PartiallyRefunded
        } else if paid <= 0 && total > 0 {
            PaymentStatus::Unpaid
        } else if paid < total {
            PaymentStatus::PartiallyPaid
        } else {
            PaymentStatus::Paid
        }
    }
}

/// The human name of an order number.
pub fn order_name(number: i64) -> String {
    format!("#{number}")
}

/// The barcode printed on packing slips and pick lists for an order: "O" and its number, so it
/// cannot be mistaken for a product's barcode at the bench.
pub fn order_code(number: i64) -> String {
    format!("O{number}")
}

/// Finds an order's id from what a person scans or types: its number ("1042", "#1042"), the
/// slip's code ("O1042") or the marketplace's own order id.
pub(crate) fn find<'c>(conn: impl Into<Conn<'c>>, code: &str) -> Result<String> {
    let conn = conn.into();
    let code = code.trim();
    let number = code
        .strip_prefix('O')
        .or_else(|| code.strip_prefix('#'))
        .unwrap_or(code)
        .parse::<i64>()
        .ok();
    let by_number = match number {
        Some(n) => conn.query_opt(
            "SELECT id FROM customer_order WHERE number = ?1",
            args![n],
            |r| r.get(0),
        )?,
        None => None,
    };
    let found: Option<String> = match by_number {
        Some(id) => Some(id),
        None => conn.query_opt(
            "SELECT id FROM customer_order WHERE external_id = ?1 LIMIT 1",
            args![code],
            |r| r.get(0),
        )?,
    };
    found.ok_or(Error::NotFound { what: "order" })
}

/// Appends one entry to an order's timeline (in the caller's transaction).
pub(crate) fn event<'c>(
    conn: impl Into<Conn<'c>>,
    order_id: &str,
    at: Timestamp,
    staff_id: Option<&str>,
    kind: &str,
    detail: &str,
) -> Result<()> {
    event_later(conn.into(), None, order_id, (at, staff_id), kind, detail)
}

/// `event`, kept with `later`'s rows when given.
pub(crate) fn event_later(
    conn: Conn,
    later: Option<&LaterRows>,
    order_id: &str,
    (at, staff_id): (Timestamp, Option<&str>),
    kind: &str,
    detail: &str,
) -> Result<()> {
    conn.insert_row(
        later,
        "order_event (id, order_id, at, staff_id, kind, detail)",
        vec![
            new_id().into(),
            order_id.into(),
            at.0.into(),
            staff_id.into(),
            kind.into(),
            detail.into(),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shipped_order_reads_shipped_not_open() {
        use Fulfilment::*;
        for (status, fulfilment, stage) in [
            (OrderStatus::Open, Unfulfilled, OrderStage::Open),
            (OrderStatus::Open, Partial, OrderStage::PartlyShipped),
            (OrderStatus::Open, Fulfilled, OrderStage::Shipped),
            (OrderStatus::OnHold, Unfulfilled, OrderStage::OnHold),
            (OrderStatus::Cancelled, Partial, OrderStage::Cancelled),
        ] {
            assert_eq!(
                OrderStage::of(status, fulfilment),
                stage,
                "{status:?} {fulfilment:?}"
            );
        }
    }

    #[test]
    fn slips_carry_an_order_code_a_product_barcode_cannot_be() {
        assert_eq!(order_code(1042), "O1042");
    }

    #[test]
    fn fulfilment_follows_the_shipped_units() {
        assert_eq!(Fulfilment::of(3, 0), Fulfilment::Unfulfilled);
        assert_eq!(Fulfilment::of(3, 1), Fulfilment::Partial);
        assert_eq!(Fulfilment::of(3, 3), Fulfilment::Fulfilled);
    }

    #[test]
    fn payment_status_follows_the_ledger() {
        assert_eq!(PaymentStatus::of(1000, 0, 0), PaymentStatus::Unpaid);
        assert_eq!(
            PaymentStatus::of(1000, 400, 0),
            PaymentStatus::PartiallyPaid
        );
        assert_eq!(PaymentStatus::of(1000, 1000, 0), PaymentStatus::Paid);
        assert_eq!(
            PaymentStatus::of(1000, 1000, 300),
            PaymentStatus::PartiallyRefunded
        );
        assert_eq!(PaymentStatus::of(1000, 1000, 1000), PaymentStatus::Refunded);
        assert_eq!(
            PaymentStatus::of(0, 0, 0),
            PaymentStatus::Paid,
            "nothing to pay"
        );
    }
}
