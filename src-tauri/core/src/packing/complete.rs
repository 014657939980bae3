//! Completing a parcel at the bench, one transaction: the shipment with its parcels, weights and
//! tracking numbers, stock from committed to shipped, the invoice when the station prints one,
//! the customer's e-mail, the marketplace's tracking push, and the station's print jobs.

use super::{load_packing, Packing};
use crate::catalog::product::WeightUnit;
use crate::error::{Error, Result};
use crate::order::carrier::{carrier_by_code, own_tracking};
use crate::order::invoice;
use crate::order::{load_order, lock_order, record_shipment, Order, Parcel, ShipmentRecord};
use crate::packing::print_queue::{self, DocKind, PrintJob};
use crate::packing::shipping::station_by_id;
use crate::shop::staff::{answerable, authorize, Approval, Permission, Session};
use crate::Shop;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Parcels in one shipment at most (the bench's parcel field has the same bound).
pub const MAX_PARCELS: usize = 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ParcelDraft {
    /// As typed or read from the scale: "1.25" (kg), "850 g", "2 lb", "12 oz".
    pub weight: String,
    /// A box preset id, or empty.
    pub preset: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct PackDone {
    /// Carrier code (or name).
    pub carrier: String,
    pub service: String,
    /// From the carrier's label: one number for every parcel or one per parcel. Empty for the
    /// shop's own delivery, which numbers its parcels itself.
    pub tracking: Vec<String>,
    pub parcels: Vec<ParcelDraft>,
    /// Ship only the units scanned so far; the rest of the order stays open.
    pub partial: bool,
    /// Why the parcel leaves without every unit scanned (needs `pack_override`).
    pub override_reason: String,
    /// The station whose printers get the label, slip and invoice; none prints nothing.
    pub station_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Packed {
    pub order: Order,
    pub shipment_id: String,
    /// One per parcel.
    pub tracking: Vec<String>,
    /// Queued for the station's printers; the caller hands them to the print system.
    pub jobs: Vec<PrintJob>,
}

/// Grams from what a packer types: kilograms by default, or with a unit (g, kg, lb, oz), read
/// by the catalog's own weight rule.
pub fn parse_weight(text: &str) -> Result<i64> {
    let t = text.trim().to_lowercase().replace(',', ".");
    let (number, unit) = ["kg", "g", "lb", "oz"]
        .iter()
        .find_map(|u| Some((t.strip_suffix(u)?, WeightUnit::from_code(u)?)))
        .unwrap_or((t.as_str(), WeightUnit::Kg));
    match crate::catalog::product_draft::parse_weight(number, unit) {
        // A parcel weighs something: an empty or zero weight is a typing mistake.
        Ok(grams) if grams > 0 => Ok(grams),
        _ => Err(Error::invalid(format!(
            "'{}' is not a weight (e.g. 1.25 or 850 g)",
            text.trim()
        ))),
    }
}

impl Shop {
    /// Ships the parcel on the bench. Without every unit scanned it needs `partial` (ship what
    /// was scanned) or an override with a reason by someone allowed to (`approval`: their PIN).
    pub fn complete_packing(
        &self,
        session: &Session,
        packing: &Packing,
        done: &PackDone,
        approval: Option<&Approval>,
    ) -> Result<Packed> {
        let approver = self.approver(approval)?;
        if !(1..=MAX_PARCELS).contains(&done.parcels.len()) {
            return Err(Error::invalid(format!(
                "a shipment has 1 to {MAX_PARCELS} parcels"
            )));
        }
        let weights = done
            .parcels
            .iter()
            .enumerate()
            .map(|(i, p)| {
                parse_weight(&p.weight).map_err(|e| match p.weight.trim() {
                    "" => Error::invalid(format!("type the weight of parcel {}", i + 1)),
                    _ => e,
                })
            })
            .collect::<Result<Vec<i64>>>()?;
        let now = self.clock.now();
        // On a station, on the server: two benches completing one order, or the last unit of
        // an item, are settled there in one transaction each.
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::Pack)?;
            // The order may have changed since it was opened (cancelled, shipped elsewhere); two
            // benches completing it at once complete it one after the other.
            lock_order(tx, &packing.order_id)?;
            let fresh = load_packing(tx, &packing.order_id)?;
            let mut plan = Vec::new();
            for l in &fresh.lines {
                let scanned = packing
                    .lines
                    .iter()
                    .find(|p| p.line_id == l.line_id)
                    .map_or(0, |p| p.scanned);
                if scanned > l.to_pack {
                    return Err(Error::Conflict(format!(
                        "{}: only {} left to ship, {} scanned; open the order again",
                        l.title, l.to_pack, scanned
                    )));
                }
                plan.push((l.line_id.clone(), l.to_pack, scanned));
            }
            let all_scanned = plan.iter().all(|(_, want, got)| want == got);
            let reason = done.override_reason.trim();
            let mut override_by = None;
            let ship: Vec<(String, i64)> = if all_scanned {
                plan.iter()
                    .map(|(id, want, _)| (id.clone(), *want))
                    .collect()
            } else if done.partial {
                if plan.iter().all(|(_, _, got)| *got == 0) {
                    return Err(Error::invalid("scan the items in this parcel first"));
                }
                plan.iter().map(|(id, _, got)| (id.clone(), *got)).collect()
            } else {
                let scanned: i64 = plan.iter().map(|(_, _, g)| g).sum();
                let units: i64 = plan.iter().map(|(_, w, _)| w).sum();
                if reason.is_empty() {
                    return Err(Error::NotAllScanned { scanned, units });
                }
                let by = answerable(
                    tx,
                    session,
                    approver.as_ref(),
                    Permission::PackOverride,
                    "shipping without every item scanned",
                )?;
                override_by = Some(by);
                plan.iter()
                    .map(|(id, want, _)| (id.clone(), *want))
                    .collect()
            };

            let carrier = carrier_by_code(tx, &done.carrier)?;
            let typed: Vec<String> = done
                .tracking
                .iter()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            let n = done.parcels.len();
            let tracking: Vec<String> = match typed.len() {
                0 if carrier.own => (0..n).map(|_| own_tracking(tx)).collect::<Result<_>>()?,
                0 => {
                    return Err(Error::invalid(format!(
                        "scan or type the tracking number from the {} label",
                        carrier.name
                    )))
                }
                1 => vec![typed[0].clone(); n],
                k if k == n => typed,
                k => {
                    return Err(Error::invalid(format!(
                        "{k} tracking numbers for {n} parcels: give one for all or one each"
                    )))
                }
            };
            let parcels: Vec<Parcel> = done
                .parcels
                .iter()
                .zip(&weights)
                .zip(&tracking)
                .map(|((p, w), t)| Parcel {
                    weight_grams: *w,
                    preset: p.preset.trim().to_string(),
                    tracking: t.clone(),
                })
                .collect();
            let order = load_order(tx, &packing.order_id)?;
            let record = ShipmentRecord {
                carrier: &carrier.name,
                service: &done.service,
                tracking: &tracking[0],
                parcels,
                verified: override_by.is_none(),
                override_by: override_by.as_deref().map(|by| (reason, by)),
                dropship_id: None,
            };
            let shipment_id = record_shipment(tx, &order, &ship, &record, session.staff_id(), now)?;

            let mut jobs = Vec::new();
            if let Some(station_id) = &done.station_id {
                let station = station_by_id(tx, station_id)?;
                if station.print_label {
                    let title = format!("Label {} {}", order.name, tracking[0]);
                    jobs.push(print_queue::queue(
                        tx,
                        &station,
                        DocKind::Label,
                        &shipment_id,
                        &title,
                        now,
                    )?);
                }
                if station.print_slip {
                    let title = format!("Packing slip {}", order.name);
                    jobs.push(print_queue::queue(
                        tx,
                        &station,
                        DocKind::Slip,
                        &shipment_id,
                        &title,
                        now,
                    )?);
                }
                if station.print_invoice {
                    let inv = invoice::issue_for_order(tx, &order.id, session.staff_id(), now)?;
                    let title = format!("Invoice {}", inv.code);
                    jobs.push(print_queue::queue(
                        tx,
                        &station,
                        DocKind::Invoice,
                        &inv.id,
                        &title,
                        now,
                    )?);
                }
            }
            Ok(Packed {
                order: load_order(tx, &order.id)?,
                shipment_id,
                tracking,
                jobs,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_weight;

    #[test]
    fn weights_read_as_a_packer_types_them() {
        assert_eq!(parse_weight("1.25").unwrap(), 1250);
        assert_eq!(parse_weight("1,25 kg").unwrap(), 1250);
        assert_eq!(parse_weight("850 g").unwrap(), 850);
        assert_eq!(parse_weight("2 lb").unwrap(), 907);
        assert_eq!(parse_weight("12oz").unwrap(), 340);
        for bad in ["", "heavy", "-1", "0", "1e9"] {
            assert!(parse_weight(bad).is_err(), "{bad:?} is not a weight");
        }
    }
}
