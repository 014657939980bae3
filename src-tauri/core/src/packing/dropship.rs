//! Dropship: order lines whose product a supplier ships straight to the customer are forwarded
//! instead of packed — a supplier order per supplier, e-mailed with its PDF through the outbox —
//! and the supplier's tracking number, entered later, completes the shipment like any other.
//!
//! Stock rule: forwarded units leave the shop's commitments at once (they will never come off
//! its shelves) and the supplier's shipment moves no stock.

use crate::error::{Error, Result};
use crate::id::new_id;
use crate::order::carrier::carrier_by_code;
use crate::order::outbox;
use crate::order::supplier_order::{self, SupplierOrder};
use crate::order::{
    email_is_valid, event, load_order, lock_order, record_shipment, Order, OrderStatus, Parcel,
    ShipmentRecord, FORWARDED_OF_LINE, SHIPPED_OF_LINE,
};
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::args;
use crate::stock;
use crate::store::next_number;
use crate::Shop;

impl Shop {
    /// Marks a variant as shipped by `supplier_id` (None: the shop ships it itself).
    pub fn set_dropship_supplier(
        &self,
        session: &Session,
        variant_id: &str,
        supplier_id: Option<&str>,
    ) -> Result<()> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::CatalogEdit)?;
            if let Some(s) = supplier_id {
                tx.query_opt("SELECT 1 FROM supplier WHERE id = ?1", args![s], |_| Ok(()))?
                    .ok_or(Error::NotFound { what: "supplier" })?;
            }
            let before: Option<String> = tx
                .query_opt(
                    "SELECT dropship_supplier_id FROM variant WHERE id = ?1",
                    args![variant_id],
                    |r| r.get(0),
                )?
                .ok_or(Error::NotFound { what: "variant" })?;
            tx.execute(
                "UPDATE variant SET dropship_supplier_id = ?2 WHERE id = ?1",
                args![variant_id, supplier_id],
            )?;
            crate::audit::record(
                tx,
                crate::audit::Change::by(
                    self.clock.now(),
                    session.staff_id(),
                    "dropship_supplier_set",
                    ("variant", variant_id),
                    serde_json::json!({ "supplier_id": [before, supplier_id] }),
                ),
            )
        })
    }

    /// Forwards the open order's dropship lines: one supplier order per supplier, e-mailed with
    /// its PDF; their units leave the shop's commitments. Nothing to forward is an error.
    pub fn forward_dropship(
        &self,
        session: &Session,
        order_id: &str,
    ) -> Result<Vec<SupplierOrder>> {
        let now = self.clock.now();
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            // Two stations forwarding one order at once: the second waits for the first and
            // then finds its lines forwarded.
            lock_order(tx, order_id)?;
            let order = load_order(tx, order_id)?;
            if order.status != OrderStatus::Open {
                return Err(Error::Conflict(format!(
                    "order {} is {}: only open orders are forwarded",
                    order.name,
                    order.status.as_str().replace('_', " ")
                )));
            }
            let rows: Vec<(String, String, String, String, String, i64)> = tx
                .query_map(
                    &format!(
                        "SELECT v.dropship_supplier_id, s.name, s.email, l.id, l.variant_id,
                                l.quantity - {SHIPPED_OF_LINE} - {FORWARDED_OF_LINE}
                         FROM order_line l JOIN variant v ON v.id = l.variant_id
                         JOIN supplier s ON s.id = v.dropship_supplier_id
                         WHERE l.order_id = ?1 AND l.kind = 'item' ORDER BY s.name, l.position, l.id"
                    ),
                    args![order_id],
                    |r| r.tuple(),
                )?
                .into_iter()
                .filter(|r: &(String, String, String, String, String, i64)| r.5 > 0)
                .collect();
            if rows.is_empty() {
                return Err(Error::Conflict(format!(
                    "order {} has nothing a supplier ships",
                    order.name
                )));
            }
            let mut made = Vec::new();
            let mut suppliers: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
            suppliers.dedup();
            for supplier in suppliers {
                let lines: Vec<_> = rows.iter().filter(|r| r.0 == supplier).collect();
                let (name, email) = (&lines[0].1, &lines[0].2);
                if !email_is_valid(email) {
                    return Err(Error::invalid(format!(
                        "supplier {name} has no valid e-mail address for dropship orders"
                    )));
                }
                let id = new_id();
                let number = next_number(tx, "dropship")?;
                tx.execute(
                    "INSERT INTO dropship (id, number, order_id, supplier_id, status, staff_id, created_at)
                     VALUES (?1, ?2, ?3, ?4, 'sent', ?5, ?6)",
                    args![id, number, order_id, supplier, session.staff_id(), now.0],
                )?;
                for (_, _, _, line_id, variant, qty) in &lines {
                    tx.execute(
                        "INSERT INTO dropship_line (dropship_id, order_line_id, quantity) VALUES (?1, ?2, ?3)",
                        args![id, line_id, qty],
                    )?;
                    stock::commit_stock(
                        tx,
                        variant,
                        &order.location_id,
                        -qty,
                        ("order", order_id),
                        Some(session.staff_id()),
                        now,
                    )?;
                }
                let so = supplier_order::load(tx, &id)?;
                let vars = [
                    ("dropship_number", so.code.clone()),
                    ("supplier_name", name.clone()),
                    ("shop_name", so.buyer.name.clone()),
                    ("ship_to", so.ship_to.join("\n")),
                    ("order_number", order.name.clone()),
                ];
                outbox::queue_supplier_order(tx, order_id, &id, email, &vars, now)?;
                event(
                    tx,
                    order_id,
                    now,
                    Some(session.staff_id()),
                    "forwarded",
                    &format!("{} to {name}", so.code),
                )?;
                made.push(so);
            }
            Ok(made)
        })
    }

    /// The supplier shipped: their tracking number completes the shipment of the forwarded lines
    /// (no stock moves); the customer's e-mail and the marketplace push follow as usual.
    pub fn complete_dropship(
        &self,
        session: &Session,
        dropship_id: &str,
        carrier: &str,
        tracking: &str,
    ) -> Result<Order> {
        let now = self.clock.now();
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::OrdersManage)?;
            let so = supplier_order::load(tx, dropship_id)?;
            if so.status != "sent" {
                return Err(Error::Conflict(format!(
                    "{} is already {}",
                    so.code, so.status
                )));
            }
            let tracking = tracking.trim();
            if tracking.is_empty() {
                return Err(Error::invalid("type the supplier's tracking number"));
            }
            let carrier = carrier_by_code(tx, carrier)?;
            let order = load_order(tx, &so.order_id)?;
            let plan: Vec<(String, i64)> = so
                .lines
                .iter()
                .map(|l| (l.order_line_id.clone(), l.quantity))
                .collect();
            // Marked shipped first: its units stop counting as forwarded and become the open
            // units this shipment takes (the transaction undoes both if the shipment fails).
            // Once, even with two stations entering it at once: the second finds it shipped.
            let marked = tx.execute(
                "UPDATE dropship SET status = 'shipped', shipped_at = ?2 WHERE id = ?1 AND status = 'sent'",
                args![dropship_id, now.0],
            )?;
            if marked == 0 {
                return Err(Error::Conflict(format!("{} was completed at another station", so.code)));
            }
            let record = ShipmentRecord {
                carrier: &carrier.name,
                tracking,
                parcels: vec![Parcel {
                    weight_grams: 0,
                    preset: String::new(),
                    tracking: tracking.to_string(),
                }],
                dropship_id: Some(dropship_id),
                ..Default::default()
            };
            record_shipment(tx, &order, &plan, &record, session.staff_id(), now)?;
            load_order(tx, &so.order_id)
        })
    }

    pub fn supplier_order(&self, session: &Session, dropship_id: &str) -> Result<SupplierOrder> {
        self.db.server_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            supplier_order::load(c, dropship_id)
        })
    }

    /// The order's dropship orders, oldest first.
    pub fn supplier_orders_of(
        &self,
        session: &Session,
        order_id: &str,
    ) -> Result<Vec<SupplierOrder>> {
        self.db.server_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let ids: Vec<String> = c.query_map(
                "SELECT id FROM dropship WHERE order_id = ?1 ORDER BY number",
                args![order_id],
                |r| r.get(0),
            )?;
            ids.iter().map(|id| supplier_order::load(c, id)).collect()
        })
    }
}
