//! What the bench's papers say, computed here so the documents crate only lays them out:
//! shipping labels (one per parcel), the packing slip of a shipment, and pick lists for a batch
//! of orders (grouped by SKU, sorted by bin) or one per order.

use crate::clock::Timestamp;
use crate::error::{Error, Result};
use crate::order::invoice::{seller, PaperSize};
use crate::order::settings::legal;
use crate::order::{
    find as find_order, order_code, order_name, Address, FORWARDED_OF_LINE, SHIPPED_OF_LINE,
};
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::Shop;
use serde::Serialize;
use std::collections::BTreeMap;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Label {
    pub sender: Vec<String>,
    /// In the destination country's order (`Address::label_lines`).
    pub recipient: Vec<String>,
    pub carrier: String,
    pub service: String,
    /// "1.25 kg".
    pub weight: String,
    pub order_name: String,
    #[ts(type = "number")]
    pub parcel: i64,
    #[ts(type = "number")]
    pub parcels: i64,
    pub tracking: String,
    pub date: String,
    pub express: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SlipLine {
    pub sku: String,
    pub title: String,
    pub bin: String,
    #[ts(type = "number")]
    pub ordered: i64,
    /// In this parcel.
    #[ts(type = "number")]
    pub packed: i64,
    /// Still to come in another parcel.
    #[ts(type = "number")]
    pub to_follow: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PackingSlip {
    pub shop: String,
    pub shop_lines: Vec<String>,
    pub order_name: String,
    /// The order's barcode value (`order_code`).
    pub order_code: String,
    pub placed: String,
    pub shipped: String,
    pub ship_to: Vec<String>,
    pub shipping_method: String,
    pub lines: Vec<SlipLine>,
    pub paper: PaperSize,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PickRow {
    pub bin: String,
    pub sku: String,
    pub title: String,
    #[ts(type = "number")]
    pub quantity: i64,
    /// "#1042 ×2, #1043".
    pub orders: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PickList {
    pub title: String,
    /// (order name, barcode value) of every order on the list.
    pub orders: Vec<(String, String)>,
    pub rows: Vec<PickRow>,
    #[ts(type = "number")]
    pub units: i64,
    pub paper: PaperSize,
}

/// "1.25 kg" or "850 g".
fn weight_text(grams: i64) -> String {
    if grams >= 995 {
        let tens = (grams + 5) / 10;
        format!("{}.{:02} kg", tens / 100, tens % 100)
    } else {
        format!("{grams} g")
    }
}

fn labels_of(conn: Conn, shipment_id: &str) -> Result<Vec<Label>> {
    let shop = legal(conn)?;
    let sender = {
        let p = seller(&shop);
        let mut lines = vec![p.name];
        lines.extend(p.lines);
        lines
    };
    let (number, shipping, express, carrier, service, at): (
        i64,
        String,
        bool,
        String,
        String,
        i64,
    ) = conn
        .query_opt(
            "SELECT o.number, o.shipping, o.express, s.carrier, s.service, s.at
             FROM shipment s JOIN customer_order o ON o.id = s.order_id WHERE s.id = ?1",
            args![shipment_id],
            |r| r.tuple(),
        )?
        .ok_or(Error::NotFound { what: "shipment" })?;
    let to: Address = serde_json::from_str(&shipping).unwrap_or_default();
    let recipient = to.label_lines(&shop.country);
    let parcels: Vec<(i64, i64, String)> = conn.query_map(
        "SELECT n, weight_grams, tracking FROM shipment_package WHERE shipment_id = ?1 ORDER BY n",
        args![shipment_id],
        |r| r.tuple(),
    )?;
    let count = parcels.len() as i64;
    let date = crate::shop::zone(conn)?.date_text(Timestamp(at));
    Ok(parcels
        .into_iter()
        .map(|(n, grams, tracking)| Label {
            sender: sender.clone(),
            recipient: recipient.clone(),
            carrier: carrier.clone(),
            service: service.clone(),
            weight: weight_text(grams),
            order_name: order_name(number),
            parcel: n,
            parcels: count,
            tracking,
            date: date.clone(),
            express,
        })
        .collect())
}

fn latest_shipment(conn: Conn, order_id: &str) -> Result<String> {
    // Ties in time by the time-ordered id: the server has no rowid.
    conn.query_opt(
        "SELECT id FROM shipment WHERE order_id = ?1 ORDER BY at DESC, id DESC LIMIT 1",
        args![order_id],
        |r| r.get(0),
    )?
    .ok_or_else(|| Error::Conflict("the order has not shipped yet: pack it first".into()))
}

impl Shop {
    /// The labels of a shipment, one per parcel.
    pub fn shipment_labels(&self, session: &Session, shipment_id: &str) -> Result<Vec<Label>> {
        self.db.server_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            labels_of(c, shipment_id)
        })
    }

    /// The labels of an order's latest shipment, found by number, slip code or marketplace id.
    pub fn order_labels(&self, session: &Session, order: &str) -> Result<Vec<Label>> {
        self.db.server_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let id = find_order(c, order)?;
            labels_of(c, &latest_shipment(c, &id)?)
        })
    }

    /// Labels of many shipments in one read (a batch at the bench, the benchmark).
    pub fn labels_of_shipments(&self, session: &Session, ids: &[String]) -> Result<Vec<Label>> {
        self.db.server_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let mut all = Vec::new();
            for id in ids {
                all.extend(labels_of(c, id)?);
            }
            Ok(all)
        })
    }

    /// The shipment's packing slip: what is in this parcel and what follows.
    pub fn packing_slip(&self, session: &Session, shipment_id: &str) -> Result<PackingSlip> {
        self.db.server_read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let shop = legal(c)?;
            let (order_id, number, created, shipping, method, at): (String, i64, i64, String, String, i64) = c
                .query_opt(
                    "SELECT o.id, o.number, o.created_at, o.shipping, o.shipping_method, s.at
                     FROM shipment s JOIN customer_order o ON o.id = s.order_id WHERE s.id = ?1",
                    args![shipment_id],
                    |r| r.tuple(),
                )?
                .ok_or(Error::NotFound { what: "shipment" })?;
            let lines = c.query_map(
                &format!(
                    "SELECT l.sku, l.title, coalesce(v.bin, ''), l.quantity,
                            coalesce((SELECT quantity FROM shipment_line WHERE shipment_id = ?2 AND order_line_id = l.id), 0),
                            l.quantity - {SHIPPED_OF_LINE}
                     FROM order_line l LEFT JOIN variant v ON v.id = l.variant_id
                     WHERE l.order_id = ?1 AND l.kind = 'item' ORDER BY l.position"
                ),
                args![order_id, shipment_id],
                |r| {
                    Ok(SlipLine {
                        sku: r.get(0)?,
                        title: r.get(1)?,
                        bin: r.get(2)?,
                        ordered: r.get(3)?,
                        packed: r.get(4)?,
                        to_follow: r.get(5)?,
                    })
                },
            )?;
            let to: Address = serde_json::from_str(&shipping).unwrap_or_default();
            let shop_party = seller(&shop);
            let zone = crate::shop::zone(c)?;
            Ok(PackingSlip {
                shop: shop_party.name,
                shop_lines: shop_party.lines,
                order_name: order_name(number),
                order_code: order_code(number),
                placed: zone.date_text(Timestamp(created)),
                shipped: zone.date_text(Timestamp(at)),
                ship_to: to.label_lines(&shop.country),
                shipping_method: method,
                lines,
                paper: PaperSize::for_country(&shop.country),
            })
        })
    }

    /// Pick lists for open orders (by number, slip code or marketplace id): one for the whole
    /// batch, grouped by SKU and sorted by bin, or one per order. Forwarded (dropship) and
    /// shipped units are left out.
    pub fn pick_lists(
        &self,
        session: &Session,
        orders: &[String],
        per_order: bool,
    ) -> Result<Vec<PickList>> {
        self.db.server_read(|c| {
            authorize(c, session, Permission::Pack)
                .or_else(|_| authorize(c, session, Permission::OrdersManage))?;
            let country: String =
                c.query_row("SELECT country FROM shop WHERE id = 1", args![], |r| r.get(0))?;
            let paper = PaperSize::for_country(&country);
            let sql = format!(
                "SELECT o.number, o.status, coalesce(v.id, l.sku), coalesce(v.bin, ''), l.sku, l.title,
                        l.quantity - {SHIPPED_OF_LINE} - {FORWARDED_OF_LINE}
                 FROM customer_order o JOIN order_line l ON l.order_id = o.id AND l.kind = 'item'
                 LEFT JOIN variant v ON v.id = l.variant_id
                 WHERE o.id = ?1 ORDER BY l.position"
            );
            let mut batches: Vec<Vec<ToPick>> = Vec::new();
            for code in orders {
                let id = find_order(c, code)?;
                let rows: Vec<(i64, String, String, String, String, String, i64)> =
                    c.query_map(&sql, args![id], |r| r.tuple())?;
                if let Some((number, status, ..)) = rows.first() {
                    if status != "open" {
                        return Err(Error::Conflict(format!(
                            "order {} is {}: only open orders are picked",
                            order_name(*number),
                            status.replace('_', " ")
                        )));
                    }
                }
                let rows: Vec<_> = rows
                    .into_iter()
                    .filter(|r| r.6 > 0)
                    .map(|(number, _, key, bin, sku, title, quantity)| ToPick {
                        number,
                        key,
                        bin,
                        sku,
                        title,
                        quantity,
                    })
                    .collect();
                if per_order || batches.is_empty() {
                    batches.push(rows);
                } else {
                    batches[0].extend(rows);
                }
            }
            Ok(batches
                .into_iter()
                .map(|rows| pick_list(rows, paper))
                .collect())
        })
    }
}

/// One order line still to pick; `key` groups lines of the same item.
struct ToPick {
    number: i64,
    key: String,
    bin: String,
    sku: String,
    title: String,
    quantity: i64,
}

/// Per item (bin, sku, key): its title, units and (order number, units) per order.
type PickGroups = BTreeMap<(bool, String, String, String), (String, i64, Vec<(i64, i64)>)>;

fn pick_list(rows: Vec<ToPick>, paper: PaperSize) -> PickList {
    let mut numbers: Vec<i64> = Vec::new();
    for r in &rows {
        if !numbers.contains(&r.number) {
            numbers.push(r.number);
        }
    }
    // Grouped by item; bins sort as a picker walks them, items without a bin last.
    let mut groups = PickGroups::new();
    for ToPick {
        number,
        key,
        bin,
        sku,
        title,
        quantity: qty,
    } in rows
    {
        let g = groups
            .entry((bin.is_empty(), bin, sku, key))
            .or_insert_with(|| (title, 0, Vec::new()));
        g.1 += qty;
        g.2.push((number, qty));
    }
    let rows: Vec<PickRow> = groups
        .into_iter()
        .map(|((_, bin, sku, _), (title, quantity, orders))| PickRow {
            bin,
            sku,
            title,
            quantity,
            orders: orders
                .iter()
                .map(|(n, q)| match q {
                    1 => order_name(*n),
                    q => format!("{} ×{q}", order_name(*n)),
                })
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let title = match numbers.as_slice() {
        [one] => format!("Pick list {}", order_name(*one)),
        many => format!("Pick list: {} orders", many.len()),
    };
    PickList {
        title,
        orders: numbers
            .iter()
            .map(|n| (order_name(*n), order_code(*n)))
            .collect(),
        units: rows.iter().map(|r| r.quantity).sum(),
        rows,
        paper,
    }
}

#[cfg(test)]
mod tests {
    use super::weight_text;

    #[test]
    fn weights_print_in_kilograms_or_grams() {
        assert_eq!(weight_text(1250), "1.25 kg");
        assert_eq!(weight_text(1004), "1.00 kg");
        assert_eq!(weight_text(1996), "2.00 kg");
        assert_eq!(weight_text(996), "1.00 kg");
        assert_eq!(weight_text(850), "850 g");
    }
}
