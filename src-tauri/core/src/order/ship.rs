//! Recording a shipment, the one way goods leave an order (marked shipped by hand, packed at the
//! bench, or shipped by a dropship supplier): lines and packages, stock out of the ledger, the
//! timeline, the customer's e-mail and the tracking push back to the marketplace.

use super::view::{Order, SHIPPED_OF_LINE};
use super::{event, OrderStatus};
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::order::outbox;
use crate::sql::{args, Conn};
use crate::stock::{record_move, Move, MoveReason};

/// Units of order line `l` forwarded to a dropship supplier that has not shipped them yet (an
/// SQL expression). They are neither committed nor packed here.
pub(crate) const FORWARDED_OF_LINE: &str =
    "(SELECT coalesce(sum(dl.quantity), 0) FROM dropship_line dl
     JOIN dropship d ON d.id = dl.dropship_id
     WHERE dl.order_line_id = l.id AND d.status = 'sent')";

/// Units of each item line still to leave from the shop's own stock: (line id, units).
pub(crate) fn open_units<'c>(
    conn: impl Into<Conn<'c>>,
    order_id: &str,
) -> Result<Vec<(String, i64)>> {
    conn.into().query_map(
        &format!(
            "SELECT l.id, l.quantity - {SHIPPED_OF_LINE} - {FORWARDED_OF_LINE} FROM order_line l
             WHERE l.order_id = ?1 AND l.kind = 'item' ORDER BY l.position"
        ),
        args![order_id],
        |r| r.tuple(),
    )
}

/// One parcel of a shipment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parcel {
    pub weight_grams: i64,
    pub preset: String,
    pub tracking: String,
}

/// What a shipment records besides its lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct ShipmentRecord<'a> {
    pub carrier: &'a str,
    pub service: &'a str,
    /// The main tracking number (the first parcel's).
    pub tracking: &'a str,
    pub parcels: Vec<Parcel>,
    /// Every unit was scanned at the bench.
    pub verified: bool,
    /// (reason, who allowed it) when it left without every unit scanned.
    pub override_by: Option<(&'a str, &'a str)>,
    /// Shipped by a supplier: no stock leaves the shop's shelves.
    pub dropship_id: Option<&'a str>,
}

/// Records a shipment of `plan` ((order line id, units)) in the caller's transaction and
/// returns its id. Refuses orders that are not open and quantities beyond what is left.
pub(crate) fn record_shipment<'c>(
    conn: impl Into<Conn<'c>>,
    order: &Order,
    plan: &[(String, i64)],
    s: &ShipmentRecord,
    staff: &str,
    now: Timestamp,
) -> Result<String> {
    if order.status != OrderStatus::Open {
        return Err(Error::Conflict(format!(
            "order {} is {}: only open orders ship",
            order.name,
            order.status.as_str().replace('_', " ")
        )));
    }
    if plan.iter().all(|(_, q)| *q == 0) {
        return Err(Error::NothingLeftToShip {
            left: 0,
            message: format!("order {} has nothing left to ship", order.name),
        });
    }
    let conn = conn.into();
    let open = open_units(conn, &order.id)?;
    let shipment = new_id();
    let weight: i64 = s.parcels.iter().map(|p| p.weight_grams).sum();
    conn.execute(
        "INSERT INTO shipment (id, order_id, carrier, service, tracking, staff_id, at, weight_grams,
             verified, override_reason, override_by, dropship_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        args![
            shipment,
            order.id,
            s.carrier.trim(),
            s.service.trim(),
            s.tracking.trim(),
            staff,
            now.0,
            weight,
            s.verified,
            s.override_by.map(|(r, _)| r),
            s.override_by.map(|(_, by)| by),
            s.dropship_id
        ],
    )?;
    for (n, p) in s.parcels.iter().enumerate() {
        conn.execute(
            "INSERT INTO shipment_package (shipment_id, n, weight_grams, preset, tracking)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            args![shipment, n as i64 + 1, p.weight_grams, p.preset, p.tracking],
        )?;
    }
    let mut units = 0;
    for (line_id, qty) in plan.iter().filter(|(_, q)| *q != 0) {
        let line = order
            .items()
            .find(|l| &l.id == line_id)
            .ok_or(Error::NotFound { what: "order line" })?;
        let left = open
            .iter()
            .find(|(id, _)| id == line_id)
            .map_or(0, |(_, q)| *q);
        if *qty < 0 || *qty > left {
            return Err(Error::NothingLeftToShip {
                left,
                message: format!("{}: {left} left to ship, not {qty}", line.title),
            });
        }
        conn.execute(
            "INSERT INTO shipment_line (shipment_id, order_line_id, quantity) VALUES (?1, ?2, ?3)",
            args![shipment, line_id, qty],
        )?;
        units += qty;
        if let (Some(variant), None) = (&line.variant_id, s.dropship_id) {
            record_move(
                conn,
                &Move {
                    variant_id: variant,
                    location_id: &order.location_id,
                    reason: MoveReason::Ship,
                    on_hand: -qty,
                    committed: -qty,
                    unit_cost: None,
                    doc: Some(("order", &order.id)),
                    note: "",
                    staff_id: Some(staff),
                    at: now,
                },
            )?;
        }
    }
    // The last unit out: the order leaves "to pack" (and the index that lists it).
    conn.execute(
        &format!(
            "UPDATE customer_order SET fulfilled_at = ?2 WHERE id = ?1 AND NOT EXISTS (
                 SELECT 1 FROM order_line l WHERE l.order_id = ?1 AND l.kind = 'item'
                   AND l.quantity > {SHIPPED_OF_LINE})"
        ),
        args![order.id, now.0],
    )?;
    let parcels = match s.parcels.len() {
        0 | 1 => String::new(),
        n => format!(" in {n} parcels"),
    };
    event(
        conn,
        &order.id,
        now,
        Some(staff),
        "shipped",
        &format!(
            "{units} unit(s){parcels} with {} {}",
            s.carrier.trim(),
            s.tracking.trim()
        ),
    )?;
    if let Some((reason, by)) = s.override_by {
        event(
            conn,
            &order.id,
            now,
            Some(by),
            "pack_override",
            &format!("left without every item scanned: {reason}"),
        )?;
    }
    outbox::queue_for_order(
        conn,
        &order.id,
        "shipment",
        None,
        &[
            ("carrier", s.carrier.trim()),
            ("tracking_number", s.tracking.trim()),
        ],
        now,
    )?;
    // Marketplace orders get their tracking back; the sync works through this queue.
    if order.external_id.is_some() {
        conn.execute(
            "INSERT INTO channel_push (id, channel, kind, order_id, shipment_id, status, created_at)
             VALUES (?1, ?2, 'fulfilment', ?3, ?4, 'queued', ?5)",
            args![new_id(), order.channel, order.id, shipment, now.0],
        )?;
    }
    Ok(shipment)
}
