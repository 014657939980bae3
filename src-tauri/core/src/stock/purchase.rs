//! Buying stock: suppliers (contact, lead time, their SKU and cost per variant), purchase orders
//! (draft → sent → partially received → received, or closed early), receiving against an order
//! with the moving-average cost it implies, and "restock": low stock turned into draft orders.

use crate::audit::{self, Change};
use crate::catalog::product::parse_amount;
use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::money::{div_round, Currency, Money};
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, clean_name, Permission, Session};
use crate::sql::{args, Conn};
use crate::stock::{self, location_exists, record_move, variant_label, Move, MoveReason};
use crate::store::next_number;
use crate::Shop;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Supplier {
    pub id: String,
    pub name: String,
    pub contact: String,
    pub email: String,
    pub phone: String,
    pub lead_days: u32,
    pub notes: String,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct SupplierDraft {
    /// Set to edit an existing supplier.
    pub id: Option<String>,
    pub name: String,
    pub contact: String,
    pub email: String,
    pub phone: String,
    pub lead_days: u32,
    pub notes: String,
}

/// What a supplier calls a variant and charges for it.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SupplierItemDraft {
    pub supplier_id: String,
    pub variant_id: String,
    pub supplier_sku: String,
    pub cost: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseStatus {
    Draft,
    Sent,
    Partial,
    Received,
    Closed,
}

impl PurchaseStatus {
    fn as_str(self) -> &'static str {
        match self {
            PurchaseStatus::Draft => "draft",
            PurchaseStatus::Sent => "sent",
            PurchaseStatus::Partial => "partial",
            PurchaseStatus::Received => "received",
            PurchaseStatus::Closed => "closed",
        }
    }
    fn from_db(s: &str) -> PurchaseStatus {
        match s {
            "sent" => PurchaseStatus::Sent,
            "partial" => PurchaseStatus::Partial,
            "received" => PurchaseStatus::Received,
            "closed" => PurchaseStatus::Closed,
            _ => PurchaseStatus::Draft,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PurchaseLine {
    pub variant_id: String,
    pub label: String,
    pub sku: String,
    pub barcode: String,
    pub supplier_sku: String,
    pub qty_ordered: i64,
    pub qty_received: i64,
    pub unit_cost: Money,
    pub line_total: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PurchaseOrder {
    pub id: String,
    pub number: i64,
    pub supplier_id: String,
    pub supplier: String,
    pub location_id: String,
    pub location: String,
    pub status: PurchaseStatus,
    pub note: String,
    pub created_at: Timestamp,
    pub sent_at: Option<Timestamp>,
    pub lines: Vec<PurchaseLine>,
    pub total: Money,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PurchaseLineDraft {
    pub variant_id: String,
    pub qty: i64,
    /// Empty: the supplier's cost for the variant, else its current cost.
    #[serde(default)]
    pub unit_cost: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PurchaseDraft {
    pub supplier_id: String,
    pub location_id: String,
    #[serde(default)]
    pub note: String,
    pub lines: Vec<PurchaseLineDraft>,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct ReceiptLine {
    pub variant_id: String,
    pub qty: i64,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct PurchaseReceipt {
    pub po_id: String,
    pub lines: Vec<ReceiptLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RestockResult {
    pub orders: Vec<PurchaseOrder>,
    /// Low-stock variants no supplier sells; they need a supplier before they can be reordered.
    pub without_supplier: Vec<String>,
}

/// The moving-average unit cost after receiving `qty` at `unit_cost` onto `on_hand` valued at
/// `old` each. Stock below zero adds no value; the first receipt sets the cost.
pub(crate) fn moving_average(on_hand: i64, old: Option<i64>, qty: i64, unit_cost: i64) -> i64 {
    let base = on_hand.max(0);
    match old {
        Some(old) if base > 0 => {
            let num = base as i128 * old as i128 + qty as i128 * unit_cost as i128;
            div_round(num, (base + qty) as i128) as i64
        }
        _ => unit_cost,
    }
}

fn load_supplier(conn: Conn, id: &str) -> Result<Supplier> {
    conn.query_opt(
        "SELECT id, name, contact, email, phone, lead_days, notes FROM supplier WHERE id = ?1",
        args![id],
        |r| {
            Ok(Supplier {
                id: r.get(0)?,
                name: r.get(1)?,
                contact: r.get(2)?,
                email: r.get(3)?,
                phone: r.get(4)?,
                lead_days: r.get(5)?,
                notes: r.get(6)?,
            })
        },
    )?
    .ok_or(Error::NotFound { what: "supplier" })
}

pub(crate) fn load_po(conn: Conn, id: &str, currency: Currency) -> Result<PurchaseOrder> {
    let mut po = conn
        .query_opt(
            "SELECT o.id, o.number, o.supplier_id, s.name, o.location_id, l.name, o.status, o.note,
                    o.created_at, o.sent_at
             FROM purchase_order o JOIN supplier s ON s.id = o.supplier_id
             JOIN location l ON l.id = o.location_id WHERE o.id = ?1",
            args![id],
            |r| {
                Ok(PurchaseOrder {
                    id: r.get(0)?,
                    number: r.get(1)?,
                    supplier_id: r.get(2)?,
                    supplier: r.get(3)?,
                    location_id: r.get(4)?,
                    location: r.get(5)?,
                    status: PurchaseStatus::from_db(&r.get::<String>(6)?),
                    note: r.get(7)?,
                    created_at: Timestamp(r.get(8)?),
                    sent_at: r.get::<Option<i64>>(9)?.map(Timestamp),
                    lines: Vec::new(),
                    total: Money::zero(currency),
                })
            },
        )?
        .ok_or(Error::NotFound {
            what: "purchase order",
        })?;
    let rows: Vec<(String, String, String, String, i64, i64, i64)> = conn.query_map(
        "SELECT pl.variant_id, coalesce(v.sku, ''), coalesce(v.barcode, ''),
                coalesce(si.supplier_sku, ''), pl.qty_ordered, pl.qty_received, pl.unit_cost_minor
         FROM purchase_line pl JOIN variant v ON v.id = pl.variant_id
         LEFT JOIN supplier_item si ON si.variant_id = pl.variant_id AND si.supplier_id = ?2
         WHERE pl.po_id = ?1 ORDER BY v.sku, v.id",
        args![id, po.supplier_id],
        |r| r.tuple(),
    )?;
    let mut total = 0i64;
    for (variant_id, sku, barcode, supplier_sku, ordered, received, cost) in rows {
        let line_total = ordered.saturating_mul(cost);
        total = total.saturating_add(line_total);
        po.lines.push(PurchaseLine {
            label: variant_label(conn, &variant_id)?,
            variant_id,
            sku,
            barcode,
            supplier_sku,
            qty_ordered: ordered,
            qty_received: received,
            unit_cost: Money::from_minor(cost, currency),
            line_total: Money::from_minor(line_total, currency),
        });
    }
    po.total = Money::from_minor(total, currency);
    Ok(po)
}

/// The cost to put on a new line: what was typed, else the supplier's price, else the variant's
/// current cost, else nothing (0, to be filled in before sending).
fn line_cost(
    conn: Conn,
    supplier_id: &str,
    line: &PurchaseLineDraft,
    currency: Currency,
) -> Result<i64> {
    if let Some(typed) = parse_amount(&line.unit_cost, "a unit cost", currency)? {
        return Ok(typed);
    }
    let known: Option<i64> = conn
        .query_opt(
            "SELECT coalesce(
                 (SELECT cost_minor FROM supplier_item WHERE supplier_id = ?1 AND variant_id = ?2),
                 (SELECT cost_minor FROM variant WHERE id = ?2))",
            args![supplier_id, line.variant_id],
            |r| r.get(0),
        )?
        .flatten();
    Ok(known.unwrap_or(0))
}

fn write_lines(
    conn: Conn,
    po_id: &str,
    supplier_id: &str,
    lines: &[PurchaseLineDraft],
    currency: Currency,
) -> Result<()> {
    if lines.is_empty() {
        return Err(Error::invalid("a purchase order needs at least one line"));
    }
    conn.execute("DELETE FROM purchase_line WHERE po_id = ?1", args![po_id])?;
    for line in lines {
        if line.qty <= 0 {
            return Err(Error::invalid(
                "quantities on a purchase order are 1 or more",
            ));
        }
        let label = variant_label(conn, &line.variant_id)?;
        let cost = line_cost(conn, supplier_id, line, currency)?;
        conn.execute_unique(
            "INSERT INTO purchase_line (po_id, variant_id, qty_ordered, unit_cost_minor)
             VALUES (?1, ?2, ?3, ?4)",
            args![po_id, line.variant_id, line.qty, cost],
            || format!("{label} is on the order twice"),
        )?;
    }
    Ok(())
}

fn insert_po(
    conn: Conn,
    at: Timestamp,
    staff_id: &str,
    d: &PurchaseDraft,
    currency: Currency,
) -> Result<String> {
    load_supplier(conn, &d.supplier_id)?;
    location_exists(conn, &d.location_id)?;
    let id = new_id();
    let number = next_number(conn, "purchase_order")?;
    conn.execute(
        "INSERT INTO purchase_order (id, number, supplier_id, location_id, status, note,
             created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'draft', ?5, ?6, ?7, ?7)",
        args![
            id,
            number,
            d.supplier_id,
            d.location_id,
            d.note.trim(),
            staff_id,
            at.0
        ],
    )?;
    write_lines(conn, &id, &d.supplier_id, &d.lines, currency)?;
    audit::record(
        conn,
        Change::by(
            at,
            staff_id,
            "purchase_order_created",
            ("purchase_order", &id),
            json!({ "number": number, "lines": d.lines.len() }),
        ),
    )?;
    Ok(id)
}

/// Moves an order from the status it was read in (`from`) to `status`, once: when another
/// station moved it meanwhile, nothing changes and the person is told to look again.
fn set_status(
    conn: Conn,
    id: &str,
    from: PurchaseStatus,
    status: PurchaseStatus,
    at: Timestamp,
) -> Result<()> {
    let changed = conn.execute(
        "UPDATE purchase_order SET status = ?2, updated_at = ?3,
             sent_at = CASE WHEN ?2 = 'sent' THEN ?3 ELSE sent_at END
         WHERE id = ?1 AND status = ?4",
        args![id, status.as_str(), at.0, from.as_str()],
    )?;
    if changed == 0 {
        return Err(Error::Conflict(
            "the purchase order was changed at another station meanwhile; open it again".into(),
        ));
    }
    Ok(())
}

impl Shop {
    pub fn suppliers(&self, session: &Session) -> Result<Vec<Supplier>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            let ids: Vec<String> = c.query_map(
                &format!("SELECT id FROM supplier ORDER BY {}, id", c.nocase("name")),
                args![],
                |r| r.get(0),
            )?;
            ids.iter().map(|id| load_supplier(c, id)).collect()
        })
    }

    /// Adds a supplier, or saves changes to one when the draft carries its id.
    pub fn save_supplier(&self, session: &Session, d: SupplierDraft) -> Result<Supplier> {
        let name = clean_name(&d.name, "a supplier")?;
        let email = d.email.trim().to_string();
        if !email.is_empty() && (!email.contains('@') || email.contains(char::is_whitespace)) {
            return Err(Error::invalid(format!(
                "'{email}' is not an e-mail address"
            )));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            let now = self.clock.now();
            // An edit must name a supplier that exists; a new one gets its id here.
            let id = match &d.id {
                Some(id) => load_supplier(tx, id)?.id,
                None => new_id(),
            };
            tx.execute_unique(
                "INSERT INTO supplier (id, name, contact, email, phone, lead_days, notes,
                     created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
                 ON CONFLICT (id) DO UPDATE SET name = ?2, contact = ?3, email = ?4, phone = ?5,
                     lead_days = ?6, notes = ?7, updated_at = ?8",
                args![
                    id,
                    name,
                    d.contact.trim(),
                    email,
                    d.phone.trim(),
                    d.lead_days,
                    d.notes.trim(),
                    now.0
                ],
                || format!("a supplier named '{name}' already exists"),
            )?;
            audit::record(
                tx,
                Change::by(
                    now,
                    session.staff_id(),
                    "supplier_saved",
                    ("supplier", &id),
                    json!({ "name": name }),
                ),
            )?;
            load_supplier(tx, &id)
        })
    }

    pub fn set_supplier_item(&self, session: &Session, d: SupplierItemDraft) -> Result<()> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            let currency = shop_currency(tx)?;
            load_supplier(tx, &d.supplier_id)?;
            variant_label(tx, &d.variant_id)?;
            let cost = parse_amount(&d.cost, "a cost", currency)?
                .ok_or_else(|| Error::invalid("a supplier item needs a cost"))?;
            tx.execute(
                "INSERT INTO supplier_item (supplier_id, variant_id, supplier_sku, cost_minor)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (supplier_id, variant_id) DO UPDATE SET supplier_sku = ?3, cost_minor = ?4",
                args![d.supplier_id, d.variant_id, d.supplier_sku.trim(), cost],
            )?;
            Ok(())
        })
    }

    pub fn purchase_orders(&self, session: &Session) -> Result<Vec<PurchaseOrder>> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            let currency = shop_currency(c)?;
            let ids: Vec<String> = c.query_map(
                "SELECT id FROM purchase_order ORDER BY number DESC LIMIT 500",
                args![],
                |r| r.get(0),
            )?;
            ids.iter().map(|id| load_po(c, id, currency)).collect()
        })
    }

    pub fn purchase_order(&self, session: &Session, id: &str) -> Result<PurchaseOrder> {
        self.db.shared_read(|c| {
            authorize(c, session, Permission::CatalogView)?;
            load_po(c, id, shop_currency(c)?)
        })
    }

    pub fn create_purchase_order(
        &self,
        session: &Session,
        d: PurchaseDraft,
    ) -> Result<PurchaseOrder> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            let currency = shop_currency(tx)?;
            let id = insert_po(tx, self.clock.now(), session.staff_id(), &d, currency)?;
            load_po(tx, &id, currency)
        })
    }

    /// Replaces the lines of a draft; once sent, an order's lines are what the supplier has.
    pub fn update_purchase_order(
        &self,
        session: &Session,
        id: &str,
        d: PurchaseDraft,
    ) -> Result<PurchaseOrder> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            let currency = shop_currency(tx)?;
            let po = load_po(tx, id, currency)?;
            if po.status != PurchaseStatus::Draft {
                return Err(Error::Conflict(format!("PO {} was already sent; it can no longer change", po.number)));
            }
            load_supplier(tx, &d.supplier_id)?;
            location_exists(tx, &d.location_id)?;
            let now = self.clock.now();
            // Only while still a draft: another station may have sent it meanwhile.
            let changed = tx.execute(
                "UPDATE purchase_order SET supplier_id = ?2, location_id = ?3, note = ?4, updated_at = ?5
                 WHERE id = ?1 AND status = 'draft'",
                args![id, d.supplier_id, d.location_id, d.note.trim(), now.0],
            )?;
            if changed == 0 {
                return Err(Error::Conflict(format!("PO {} was already sent; it can no longer change", po.number)));
            }
            write_lines(tx, id, &d.supplier_id, &d.lines, currency)?;
            load_po(tx, id, currency)
        })
    }

    /// Marks a draft as sent to the supplier; from now on it can be received against.
    pub fn send_purchase_order(&self, session: &Session, id: &str) -> Result<PurchaseOrder> {
        self.move_po(
            session,
            id,
            PurchaseStatus::Sent,
            "purchase_order_sent",
            |s| (s != PurchaseStatus::Draft).then_some("it is not a draft"),
        )
    }

    /// One status change of an order, refused with `refusal`'s reason when it does not apply,
    /// audited with the order's number.
    fn move_po(
        &self,
        session: &Session,
        id: &str,
        to: PurchaseStatus,
        action: &str,
        refusal: impl Fn(PurchaseStatus) -> Option<&'static str>,
    ) -> Result<PurchaseOrder> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            let currency = shop_currency(tx)?;
            let po = load_po(tx, id, currency)?;
            if let Some(why) = refusal(po.status) {
                return Err(Error::Conflict(format!(
                    "PO {} cannot be {}: {why} ({})",
                    po.number,
                    to.as_str(),
                    po.status.as_str()
                )));
            }
            let now = self.clock.now();
            set_status(tx, id, po.status, to, now)?;
            let detail = json!({ "number": po.number });
            audit::record(
                tx,
                Change::by(
                    now,
                    session.staff_id(),
                    action,
                    ("purchase_order", id),
                    detail,
                ),
            )?;
            load_po(tx, id, currency)
        })
    }

    /// Books goods in: stock arrives at the order's location at the line's cost, the variant's
    /// moving-average cost follows, and the order becomes partially or fully received.
    pub fn receive_purchase(&self, session: &Session, r: PurchaseReceipt) -> Result<PurchaseOrder> {
        let mut qty_by_variant: BTreeMap<&str, i64> = BTreeMap::new();
        for line in &r.lines {
            if line.qty < 0 {
                return Err(Error::invalid("received quantities cannot be negative"));
            }
            *qty_by_variant.entry(&line.variant_id).or_default() += line.qty;
        }
        qty_by_variant.retain(|_, q| *q > 0);
        if qty_by_variant.is_empty() {
            return Err(Error::invalid(
                "nothing to receive: scan or type what arrived",
            ));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            let currency = shop_currency(tx)?;
            let po = load_po(tx, &r.po_id, currency)?;
            if !matches!(po.status, PurchaseStatus::Sent | PurchaseStatus::Partial) {
                return Err(Error::Conflict(format!(
                    "PO {} is {}; only a sent order can be received",
                    po.number,
                    po.status.as_str()
                )));
            }
            let now = self.clock.now();
            for (variant_id, qty) in &qty_by_variant {
                let line = po.lines.iter().find(|l| l.variant_id == *variant_id).ok_or_else(|| {
                    Error::invalid(format!(
                        "{} is not on PO {}",
                        variant_label(tx, variant_id).unwrap_or_else(|_| "this item".into()),
                        po.number
                    ))
                })?;
                let open = line.qty_ordered - line.qty_received;
                if *qty > open {
                    return Err(Error::invalid(format!(
                        "{}: {qty} received but only {open} still expected on PO {}",
                        line.label, po.number
                    )));
                }
                let on_hand = stock::total_on_hand(tx, variant_id)?;
                let old: Option<i64> = tx.query_row(
                    "SELECT cost_minor FROM variant WHERE id = ?1",
                    args![variant_id],
                    |r| r.get(0),
                )?;
                let cost = line.unit_cost.minor();
                let new_cost = moving_average(on_hand, old, *qty, cost);
                // updated_at dates the cost in the variant's cost history (migration 0019).
                tx.execute(
                    "UPDATE variant SET cost_minor = ?2, updated_at = ?3 WHERE id = ?1",
                    args![variant_id, new_cost, now.0],
                )?;
                // Never past what was ordered, even with another station receiving the same
                // delivery at once: the second finds the units taken and is told so.
                let booked = tx.execute(
                    "UPDATE purchase_line SET qty_received = qty_received + ?3
                     WHERE po_id = ?1 AND variant_id = ?2 AND qty_received + ?3 <= qty_ordered",
                    args![r.po_id, variant_id, qty],
                )?;
                if booked == 0 {
                    return Err(Error::Conflict(format!(
                        "{}: received at another station meanwhile; open PO {} again",
                        line.label, po.number
                    )));
                }
                record_move(tx, &Move {
                    variant_id,
                    location_id: &po.location_id,
                    reason: MoveReason::Receive,
                    on_hand: *qty,
                    committed: 0,
                    unit_cost: Some(cost),
                    doc: Some(("purchase_order", &r.po_id)),
                    note: "",
                    staff_id: Some(session.staff_id()),
                    at: now,
                })?;
            }
            let outstanding: i64 = tx.query_row(
                "SELECT sum(qty_ordered - qty_received) FROM purchase_line WHERE po_id = ?1",
                args![r.po_id],
                |r| r.get(0),
            )?;
            let status = if outstanding == 0 { PurchaseStatus::Received } else { PurchaseStatus::Partial };
            // From sent or partial, whichever it is now (another station's receipt may have
            // made it partial meanwhile: each took its own units above).
            let changed = tx.execute(
                "UPDATE purchase_order SET status = ?2, updated_at = ?3
                 WHERE id = ?1 AND status IN ('sent', 'partial')",
                args![r.po_id, status.as_str(), now.0],
            )?;
            if changed == 0 {
                return Err(Error::Conflict(format!(
                    "PO {} was closed at another station meanwhile",
                    po.number
                )));
            }
            audit::record(tx, Change::by(now, session.staff_id(), "purchase_order_received", ("purchase_order", &r.po_id), json!({ "number": po.number, "units": qty_by_variant.values().sum::<i64>(), "status": status })))?;
            load_po(tx, &r.po_id, currency)
        })
    }

    /// Stops waiting for the rest of an order (the supplier cannot send it).
    pub fn close_purchase_order(&self, session: &Session, id: &str) -> Result<PurchaseOrder> {
        self.move_po(
            session,
            id,
            PurchaseStatus::Closed,
            "purchase_order_closed",
            |s| {
                matches!(s, PurchaseStatus::Received | PurchaseStatus::Closed)
                    .then_some("it is already finished")
            },
        )
    }

    /// Turns the low-stock list into one draft order per supplier and location, each variant
    /// from its cheapest supplier, for its reorder quantity (topped up to cover what is short).
    /// Variants already on an open order for that location are left out.
    pub fn restock(&self, session: &Session) -> Result<RestockResult> {
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::StockManage)?;
            let currency = shop_currency(tx)?;
            let now = self.clock.now();
            let mut drafts: BTreeMap<(String, String), Vec<PurchaseLineDraft>> = BTreeMap::new();
            let mut without_supplier = Vec::new();
            // Only variants with a rule: without one there is no quantity to order.
            for low in stock::low_by_rule(tx)? {
                let on_order: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM purchase_line pl JOIN purchase_order o ON o.id = pl.po_id
                     WHERE pl.variant_id = ?1 AND o.location_id = ?2
                       AND o.status IN ('draft', 'sent', 'partial'))",
                    args![low.variant_id, low.location_id],
                    |r| r.get(0),
                )?;
                if on_order {
                    continue;
                }
                let supplier: Option<String> = tx.query_opt(
                    "SELECT supplier_id FROM supplier_item WHERE variant_id = ?1
                     ORDER BY cost_minor, supplier_id LIMIT 1",
                    args![low.variant_id],
                    |r| r.get(0),
                )?;
                let Some(supplier) = supplier else {
                    without_supplier.push(low.label);
                    continue;
                };
                let short = low.reorder_point - low.available;
                drafts.entry((supplier, low.location_id)).or_default().push(PurchaseLineDraft {
                    variant_id: low.variant_id,
                    qty: low.reorder_qty.max(short + 1),
                    unit_cost: String::new(),
                });
            }
            let mut orders = Vec::new();
            for ((supplier_id, location_id), lines) in drafts {
                let d = PurchaseDraft { supplier_id, location_id, note: "Restock".into(), lines };
                let id = insert_po(tx, now, session.staff_id(), &d, currency)?;
                orders.push(load_po(tx, &id, currency)?);
            }
            Ok(RestockResult { orders, without_supplier })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_average_weights_old_stock_and_new_receipt() {
        // 10 at 2.00 plus 30 at 3.00 → 2.75
        assert_eq!(moving_average(10, Some(200), 30, 300), 275);
        // The first receipt sets the cost.
        assert_eq!(moving_average(0, None, 5, 450), 450);
        // No stock left: the old cost no longer weighs anything.
        assert_eq!(moving_average(0, Some(999), 5, 450), 450);
        // Negative stock is treated as none.
        assert_eq!(moving_average(-4, Some(100), 2, 300), 300);
        // Rounds half away from zero: (1×1 + 1×2) / 2 = 1.5 → 2
        assert_eq!(moving_average(1, Some(1), 1, 2), 2);
    }
}
