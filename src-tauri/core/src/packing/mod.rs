//! The packing bench: an order opened by scanning its slip or pick list, every unit verified by
//! scanning it, and one action that ships it (`complete.rs`). Also the papers a bench prints
//! (`papers.rs`: labels, packing slips, pick lists), stations, box presets and ship promises
//! (`shipping.rs`), the print queue (`print_queue.rs`) and dropship forwarding (`dropship.rs`).
//!
//! Rule: a parcel leaves only with every unit in it scanned, unless someone allowed to override
//! gives a reason; a wrong item or one too many never ticks anything.

mod complete;
pub mod dropship;
mod papers;
pub mod print_queue;
pub mod shipping;

pub use crate::order::order_code;
pub use complete::{PackDone, Packed, ParcelDraft};
pub use papers::{Label, PackingSlip, PickList, PickRow, SlipLine};

use crate::error::{Error, Result};
use crate::order::{order_name, Address, OrderStatus, FORWARDED_OF_LINE, SHIPPED_OF_LINE};
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PackLine {
    pub line_id: String,
    pub sku: String,
    pub title: String,
    pub barcode: Option<String>,
    pub image: Option<String>,
    pub bin: String,
    /// Units of this line that go into this parcel if everything is here.
    #[ts(type = "number")]
    pub to_pack: i64,
    #[ts(type = "number")]
    pub scanned: i64,
    #[ts(type = "number")]
    pub unit_grams: i64,
}

/// An order open at the bench, with what has been scanned so far. Held by the station between
/// scans (nothing is written until the parcel is completed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Packing {
    pub order_id: String,
    pub name: String,
    pub channel: String,
    pub ship_to: Address,
    pub shipping_method: String,
    /// The carrier the shipping method names, which the bench starts from instead of the
    /// station's default (an order sent "An Post" is not handed to "Own delivery").
    pub carrier: Option<String>,
    pub express: bool,
    pub lines: Vec<PackLine>,
    #[ts(type = "number")]
    pub units: i64,
    #[ts(type = "number")]
    pub scanned: i64,
    /// Items' catalog weight, a hint beside the scale's figure.
    #[ts(type = "number")]
    pub estimated_grams: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ScanOutcome {
    /// The unit ticked a line.
    Ticked,
    /// …and it was the last one: the parcel is verified.
    Complete,
    /// Not on this order.
    Wrong,
    /// On the order, but every unit of it is already scanned.
    TooMany,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Scan {
    pub outcome: ScanOutcome,
    pub line_id: Option<String>,
    pub message: String,
    pub packing: Packing,
}

impl Packing {
    pub fn verified(&self) -> bool {
        self.scanned == self.units
    }

    /// Matches a scanned (or typed) code against the lines: barcode first, then SKU in any case.
    /// Only a unit that is still expected ticks anything.
    pub fn scan(&mut self, code: &str) -> (ScanOutcome, Option<String>, String) {
        let code = code.trim();
        let matches = |l: &PackLine| {
            l.barcode.as_deref() == Some(code)
                || (!l.sku.is_empty() && l.sku.eq_ignore_ascii_case(code))
        };
        // With the same item on two lines, fill the first that still wants one.
        let line = self
            .lines
            .iter_mut()
            .filter(|l| matches(l))
            .find(|l| l.scanned < l.to_pack);
        match line {
            Some(l) => {
                l.scanned += 1;
                let msg = format!("{} — {} of {}", l.title, l.scanned, l.to_pack);
                let id = l.line_id.clone();
                self.scanned += 1;
                let outcome = if self.verified() {
                    ScanOutcome::Complete
                } else {
                    ScanOutcome::Ticked
                };
                (outcome, Some(id), msg)
            }
            None => match self.lines.iter().find(|l| matches(l)) {
                Some(l) => (
                    ScanOutcome::TooMany,
                    Some(l.line_id.clone()),
                    format!(
                        "ONE TOO MANY: {} — only {} on order {}, all scanned",
                        l.title, l.to_pack, self.name
                    ),
                ),
                None => (
                    ScanOutcome::Wrong,
                    None,
                    format!("WRONG ITEM: {code} is not on order {}", self.name),
                ),
            },
        }
    }
}

fn load_packing<'c>(conn: impl Into<Conn<'c>>, order_id: &str) -> Result<Packing> {
    let conn = conn.into();
    let (number, status, channel, shipping, method, express): (
        i64,
        String,
        String,
        String,
        String,
        bool,
    ) = conn.query_row(
        "SELECT number, status, channel, shipping, shipping_method, express
             FROM customer_order WHERE id = ?1",
        args![order_id],
        |r| r.tuple(),
    )?;
    let name = order_name(number);
    match OrderStatus::parse(&status) {
        OrderStatus::Open => {}
        OrderStatus::OnHold => return Err(Error::OnHold { order: name }),
        OrderStatus::Cancelled => {
            return Err(Error::Conflict(format!(
                "order {name} is cancelled: do not pack it"
            )))
        }
    }
    let lines: Vec<PackLine> = conn.query_map(
        &format!(
            "SELECT l.id, l.sku, l.title, v.barcode, v.image_src, coalesce(v.bin, ''),
                    l.quantity - {SHIPPED_OF_LINE} - {FORWARDED_OF_LINE}, coalesce(v.weight_grams, 0)
             FROM order_line l LEFT JOIN variant v ON v.id = l.variant_id
             WHERE l.order_id = ?1 AND l.kind = 'item' ORDER BY l.position"
        ),
        args![order_id],
        |r| {
            Ok(PackLine {
                line_id: r.get(0)?,
                sku: r.get(1)?,
                title: r.get(2)?,
                barcode: r.get(3)?,
                image: r.get(4)?,
                bin: r.get(5)?,
                to_pack: r.get(6)?,
                scanned: 0,
                unit_grams: r.get(7)?,
            })
        },
    )?;
    let lines: Vec<PackLine> = lines.into_iter().filter(|l| l.to_pack > 0).collect();
    if lines.is_empty() {
        return Err(Error::Conflict(format!(
            "order {name} has nothing left to pack"
        )));
    }
    Ok(Packing {
        order_id: order_id.to_string(),
        name,
        channel,
        ship_to: serde_json::from_str(&shipping).unwrap_or_default(),
        carrier: None,
        shipping_method: method,
        express,
        units: lines.iter().map(|l| l.to_pack).sum(),
        scanned: 0,
        estimated_grams: lines.iter().map(|l| l.to_pack * l.unit_grams).sum(),
        lines,
    })
}

impl Shop {
    /// Opens an order at the bench from its slip's barcode, its number or its marketplace id.
    pub fn open_packing(&self, session: &Session, code: &str) -> Result<Packing> {
        // The orders are the server's: a station whose server is away cannot pack.
        self.db.server_read(|c| {
            authorize(c, session, Permission::Pack)?;
            let id = crate::order::find(c, code)?;
            let mut packing = load_packing(c, &id)?;
            // Only when the order is opened: completing re-reads the order in its write
            // transaction and needs no carrier suggestion there.
            packing.carrier = crate::order::carrier::carrier_named_in(c, &packing.shipping_method)?;
            Ok(packing)
        })
    }

    /// One scan at the bench. A miss names the item when the catalog knows the code, so the
    /// packer sees what they picked by mistake.
    pub fn pack_scan(&self, packing: &mut Packing, code: &str) -> Result<Scan> {
        let (outcome, line_id, mut message) = packing.scan(code);
        if outcome == ScanOutcome::Wrong {
            let title: Option<String> = self.db.shared_read(|c| {
                c.query_opt(
                    "SELECT p.title FROM variant v JOIN product p ON p.id = v.product_id
                     WHERE v.barcode = ?1 OR v.sku = ?1 LIMIT 1",
                    args![code.trim()],
                    |r| r.get(0),
                )
            })?;
            if let Some(t) = title {
                message = format!(
                    "WRONG ITEM: {t} ({}) is not on order {}",
                    code.trim(),
                    packing.name
                );
            }
        }
        Ok(Scan {
            outcome,
            line_id,
            message,
            packing: packing.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packing() -> Packing {
        let line = |id: &str, sku: &str, barcode: Option<&str>, n| PackLine {
            line_id: id.into(),
            sku: sku.into(),
            title: format!("Item {sku}"),
            barcode: barcode.map(str::to_string),
            image: None,
            bin: String::new(),
            to_pack: n,
            scanned: 0,
            unit_grams: 100,
        };
        Packing {
            order_id: "o".into(),
            name: "#7".into(),
            channel: "manual".into(),
            ship_to: Address::default(),
            shipping_method: String::new(),
            carrier: None,
            express: false,
            lines: vec![
                line("a", "MUG", Some("4006381333931"), 2),
                line("b", "TEA", None, 1),
            ],
            units: 3,
            scanned: 0,
            estimated_grams: 300,
        }
    }

    #[test]
    fn right_items_tick_wrong_and_extra_ones_do_not() {
        let mut p = packing();
        assert_eq!(p.scan("4006381333931").0, ScanOutcome::Ticked);
        let (o, line, msg) = p.scan("9999999999999");
        assert_eq!((o, line), (ScanOutcome::Wrong, None));
        assert!(msg.contains("WRONG ITEM"), "{msg}");
        assert_eq!(p.scanned, 1, "a wrong item ticks nothing");
        assert_eq!(p.scan(" 4006381333931 ").0, ScanOutcome::Ticked);
        let (o, line, _) = p.scan("4006381333931");
        assert_eq!((o, line.as_deref()), (ScanOutcome::TooMany, Some("a")));
        assert_eq!(p.lines[0].scanned, 2, "one too many is not counted");
        assert!(!p.verified());
        // No barcode: the SKU typed in any case verifies it.
        assert_eq!(p.scan("tea").0, ScanOutcome::Complete);
        assert!(p.verified());
    }
}
