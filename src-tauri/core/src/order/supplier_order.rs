//! The supplier order of a dropship: what the supplier reads (and its PDF prints) for the lines of
//! an order they ship straight to the customer. A document of the order, like its invoice, so the
//! outbox can attach it; forwarding and completing a dropship are the packing domain's.

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::order::invoice::{seller, PaperSize, Party};
use crate::order::settings::legal;
use crate::order::{order_name, Address};
use crate::sql::{args, Conn};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SupplierOrderLine {
    pub order_line_id: String,
    pub supplier_sku: String,
    pub sku: String,
    pub title: String,
    #[ts(type = "number")]
    pub quantity: i64,
}

/// A dropship order as the supplier reads it (and as its PDF prints it).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SupplierOrder {
    pub id: String,
    /// "DS-00001".
    pub code: String,
    /// sent, shipped or cancelled.
    pub status: String,
    pub order_id: String,
    pub order_name: String,
    pub supplier: String,
    pub supplier_email: String,
    pub buyer: Party,
    pub ship_to: Vec<String>,
    pub lines: Vec<SupplierOrderLine>,
    pub date: String,
    pub paper: PaperSize,
}

pub(crate) fn load<'c>(conn: impl Into<Conn<'c>>, id: &str) -> Result<SupplierOrder> {
    let conn = conn.into();
    let (number, status, order_id, order_number, shipping, supplier, email, created, supplier_id): (
        i64,
        String,
        String,
        i64,
        String,
        String,
        String,
        i64,
        String,
    ) = conn
        .query_opt(
            "SELECT d.number, d.status, d.order_id, o.number, o.shipping, s.name, s.email, d.created_at, s.id
             FROM dropship d JOIN customer_order o ON o.id = d.order_id
             JOIN supplier s ON s.id = d.supplier_id WHERE d.id = ?1",
            args![id],
            |r| r.tuple(),
        )?
        .ok_or(Error::NotFound { what: "dropship order" })?;
    let lines = conn.query_map(
        "SELECT dl.order_line_id, coalesce(si.supplier_sku, ''), l.sku, l.title, dl.quantity
         FROM dropship_line dl JOIN order_line l ON l.id = dl.order_line_id
         LEFT JOIN supplier_item si ON si.variant_id = l.variant_id AND si.supplier_id = ?2
         WHERE dl.dropship_id = ?1 ORDER BY l.position",
        args![id, supplier_id],
        |r| {
            Ok(SupplierOrderLine {
                order_line_id: r.get(0)?,
                supplier_sku: r.get(1)?,
                sku: r.get(2)?,
                title: r.get(3)?,
                quantity: r.get(4)?,
            })
        },
    )?;
    let shop = legal(conn)?;
    let to: Address = serde_json::from_str(&shipping).unwrap_or_default();
    Ok(SupplierOrder {
        id: id.to_string(),
        code: format!("DS-{number:05}"),
        status,
        order_id,
        order_name: order_name(order_number),
        supplier,
        supplier_email: email,
        buyer: seller(&shop),
        ship_to: to.label_lines(""),
        lines,
        date: crate::shop::zone(conn)?.date_text(Timestamp(created)),
        paper: PaperSize::for_country(&shop.country),
    })
}
