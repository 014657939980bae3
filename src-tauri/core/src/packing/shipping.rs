//! What shipping needs around a parcel: box presets, packing stations with their printers,
//! delivery status, the promise each channel makes, and how fast and how late the shop ships.
//! Carriers and own-delivery tracking numbers are the order's (`order::carrier`).

use crate::clock::{Date, ShopZone, Timestamp};
use crate::error::{Error, Result};
use crate::id::new_id;
use crate::order::order_name;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Arg, Conn, Param, Row};
use crate::Shop;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PackagePreset {
    pub id: String,
    pub name: String,
    #[ts(type = "number")]
    pub length_mm: i64,
    #[ts(type = "number")]
    pub width_mm: i64,
    #[ts(type = "number")]
    pub height_mm: i64,
    #[ts(type = "number")]
    pub tare_grams: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum LabelSize {
    /// 4 × 6 in, the thermal printers' roll.
    #[serde(rename = "4x6")]
    FourBySix,
    #[serde(rename = "a6")]
    A6,
    /// Two A6 labels on an A4 sheet, for an office printer.
    #[serde(rename = "a4x2")]
    A4Two,
}

impl LabelSize {
    fn as_str(self) -> &'static str {
        match self {
            LabelSize::FourBySix => "4x6",
            LabelSize::A6 => "a6",
            LabelSize::A4Two => "a4x2",
        }
    }
    fn parse(s: &str) -> LabelSize {
        match s {
            "a6" => LabelSize::A6,
            "a4x2" => LabelSize::A4Two,
            _ => LabelSize::FourBySix,
        }
    }
}

/// A packing bench and the printers its documents go to (empty: the system default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Station {
    pub id: String,
    pub name: String,
    pub label_printer: String,
    pub document_printer: String,
    pub receipt_printer: String,
    /// The counter's receipts on 58 mm paper instead of 80 mm.
    pub receipt_narrow: bool,
    pub label_size: LabelSize,
    pub print_label: bool,
    pub print_slip: bool,
    pub print_invoice: bool,
    /// Carrier code chosen by default at this bench.
    pub carrier: String,
    pub service: String,
    /// Box preset chosen by default.
    pub preset: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    InTransit,
    Delivered,
    Exception,
    Returned,
}

impl Delivery {
    fn as_str(self) -> &'static str {
        match self {
            Delivery::InTransit => "in_transit",
            Delivery::Delivered => "delivered",
            Delivery::Exception => "exception",
            Delivery::Returned => "returned",
        }
    }
}

/// How fast orders shipped, for one channel and carrier.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ShipSpeed {
    pub channel: String,
    pub carrier: String,
    #[ts(type = "number")]
    pub shipments: i64,
    /// Hours from the order coming in to its first shipment.
    pub median_hours: f64,
    pub p90_hours: f64,
    /// Share (0–100) shipped within the channel's promise.
    pub on_time_percent: f64,
}

/// An open order past its channel's promised ship date.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LateOrder {
    pub order_id: String,
    pub name: String,
    pub channel: String,
    pub placed_at: Timestamp,
    pub due_at: Timestamp,
    #[ts(type = "number")]
    pub units_open: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ShipPromise {
    /// A channel name, or "*" for every channel without its own.
    pub channel: String,
    #[ts(type = "number")]
    pub business_days: i64,
}

/// Tracking waiting to go back to the marketplace an order came from.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ChannelPush {
    pub id: String,
    pub channel: String,
    pub order_id: String,
    pub shipment_id: Option<String>,
    /// queued, done or failed.
    pub status: String,
    #[ts(type = "number")]
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
}

/// The end (exclusive) of the `days`-th business day after `from` on the shop's calendar:
/// Saturdays and Sundays do not count, and an order placed at the weekend starts counting on
/// Monday. Days are the shop's own: an order at 23:30 on Friday in Portland is Friday's.
pub fn ship_by(zone: &ShopZone, from: Timestamp, days: i64) -> Timestamp {
    let is_weekend = |d: Date| d.weekday().to_monday_one_offset() >= 6;
    let next = |d: Date| d.tomorrow().unwrap_or(d);
    let mut day = zone.date(from);
    while is_weekend(day) {
        day = next(day);
    }
    for _ in 0..days {
        day = next(day);
        while is_weekend(day) {
            day = next(day);
        }
    }
    zone.start_of(next(day))
}

const STATION_COLUMNS: &str =
    "id, name, label_printer, document_printer, receipt_printer, label_size,
    print_label, print_slip, print_invoice, carrier, service, preset, receipt_narrow";

fn station_row(r: &Row) -> Result<Station> {
    Ok(Station {
        id: r.get(0)?,
        name: r.get(1)?,
        label_printer: r.get(2)?,
        document_printer: r.get(3)?,
        receipt_printer: r.get(4)?,
        label_size: LabelSize::parse(&r.get::<String>(5)?),
        print_label: r.get(6)?,
        print_slip: r.get(7)?,
        print_invoice: r.get(8)?,
        carrier: r.get(9)?,
        service: r.get(10)?,
        preset: r.get(11)?,
        receipt_narrow: r.get(12)?,
    })
}

pub(crate) fn station_by_id<'c>(conn: impl Into<Conn<'c>>, id: &str) -> Result<Station> {
    conn.into()
        .query_opt(
            &format!("SELECT {STATION_COLUMNS} FROM station WHERE id = ?1"),
            args![id],
            station_row,
        )?
        .ok_or(Error::NotFound { what: "station" })
}

/// Each channel's promise in business days, read once per report; `days(channel)` falls back
/// to the '*' row.
/// Each channel's promise in business days ("*" for the rest; 2 when none is set).
pub(crate) struct Promises(std::collections::HashMap<String, i64>);

impl Promises {
    pub(crate) fn read<'c>(conn: impl Into<crate::sql::Conn<'c>>) -> Result<Promises> {
        let rows = conn.into().query_map(
            "SELECT channel, business_days FROM ship_promise",
            &[],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(Promises(rows.into_iter().collect()))
    }
    pub(crate) fn days(&self, channel: &str) -> i64 {
        self.0
            .get(channel)
            .or_else(|| self.0.get("*"))
            .copied()
            .unwrap_or(2)
    }
}

/// The orders left to pack, and how many of them are late by `now`, counted off the to-pack
/// index alone. Every order has an item line, and `fulfilled_at` is set by the shipment that
/// sends its last unit (and cleared when its lines are written anew), so an open order without
/// it has something to pack. A promise counts whole local days from the day an order was
/// placed, so each channel's promise turns into one instant: every order placed before it is
/// late.
pub(crate) fn to_pack_and_late(c: crate::sql::Conn, now: Timestamp) -> Result<(i64, i64)> {
    let promises = Promises::read(c)?;
    let zone = crate::shop::zone(c)?;
    let late_before = |days: i64| -> i64 {
        let mut day = zone.date(now);
        // A promise of a few weeks at most: a year back is far past any.
        for _ in 0..366 {
            if ship_by(&zone, zone.start_of(day), days).0 <= now.0 {
                return zone.start_of(day.tomorrow().unwrap_or(day)).0;
            }
            match day.yesterday() {
                Ok(d) => day = d,
                Err(_) => break,
            }
        }
        i64::MIN
    };
    let named: Vec<(&String, i64)> = promises
        .0
        .iter()
        .filter(|(ch, _)| ch.as_str() != "*")
        .map(|(ch, days)| (ch, late_before(*days)))
        .collect();
    let cases: String = (0..named.len())
        .map(|i| format!(" WHEN ?{} THEN CAST(?{} AS BIGINT)", 2 * i + 2, 2 * i + 3))
        .collect();
    let before = if named.is_empty() {
        "CAST(?1 AS BIGINT)".to_string()
    } else {
        format!("CASE o.channel{cases} ELSE CAST(?1 AS BIGINT) END")
    };
    let mut values = vec![Arg::Int(late_before(promises.days("*")))];
    for (channel, at) in named {
        values.push(Arg::Text(channel.clone()));
        values.push(Arg::Int(at));
    }
    let values: Vec<&dyn Param> = values.iter().map(|v| v as &dyn Param).collect();
    // The index is named: left alone, the planner reads every open order (shipped ones stay
    // open) by status.
    c.query_row(
        &c.hinted(&format!(
            "SELECT count(*), coalesce(sum(CASE WHEN o.created_at < {before} THEN 1 ELSE 0 END), 0)
             FROM customer_order o INDEXED BY order_to_pack
             WHERE o.status = 'open' AND o.fulfilled_at IS NULL"
        )),
        &values,
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

impl Shop {
    pub fn package_presets(&self) -> Result<Vec<PackagePreset>> {
        self.db.read(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, name, length_mm, width_mm, height_mm, tare_grams FROM package_preset
                 ORDER BY length_mm * width_mm * height_mm",
            )?;
            let rows = st.query_map([], |r| {
                Ok(PackagePreset {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    length_mm: r.get(2)?,
                    width_mm: r.get(3)?,
                    height_mm: r.get(4)?,
                    tare_grams: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// The station called `name` (this machine's), made with default settings the first time.
    pub fn station(&self, name: &str) -> Result<Station> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid("a station needs a name"));
        }
        let by_name = format!("SELECT {STATION_COLUMNS} FROM station WHERE name = ?1");
        let found = self
            .db
            .shared_read(|c| c.query_opt(&by_name, args![name], station_row))?;
        if let Some(s) = found {
            return Ok(s);
        }
        self.db.shared_write(|tx| {
            tx.execute(
                "INSERT INTO station (id, name) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
                args![new_id(), name],
            )?;
            tx.query_row(&by_name, args![name], station_row)
        })
    }

    pub fn save_station(&self, session: &Session, s: &Station) -> Result<Station> {
        self.db.shared_write(|tx| {
            // The bench's packer sets its printers; the owner sets the counter's in Settings.
            authorize(tx, session, Permission::Pack)
                .or_else(|_| authorize(tx, session, Permission::SettingsManage))?;
            crate::order::carrier::carrier_by_code(tx, &s.carrier)?;
            let changed = tx.execute(
                "UPDATE station SET label_printer = ?2, document_printer = ?3, receipt_printer = ?4,
                     label_size = ?5, print_label = ?6, print_slip = ?7, print_invoice = ?8,
                     carrier = ?9, service = ?10, preset = ?11, receipt_narrow = ?12
                 WHERE id = ?1",
                args![
                    s.id,
                    s.label_printer.trim(),
                    s.document_printer.trim(),
                    s.receipt_printer.trim(),
                    s.label_size.as_str(),
                    s.print_label,
                    s.print_slip,
                    s.print_invoice,
                    s.carrier.trim(),
                    s.service.trim(),
                    s.preset.trim(),
                    s.receipt_narrow
                ],
            )?;
            if changed == 0 {
                return Err(Error::NotFound { what: "station" });
            }
            station_by_id(tx, &s.id)
        })
    }

    /// Sets what the carrier reports for a parcel (by hand now, from tracking updates later).
    pub fn set_delivery(&self, session: &Session, shipment_id: &str, d: Delivery) -> Result<()> {
        let now = self.clock.now();
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::Pack)
                .or_else(|_| authorize(tx, session, Permission::OrdersManage))?;
            let order_id: String = tx
                .query_opt(
                    "UPDATE shipment SET delivery = ?2, delivery_at = ?3 WHERE id = ?1 RETURNING order_id",
                    args![shipment_id, d.as_str(), now.0],
                    |r| r.get(0),
                )?
                .ok_or(Error::NotFound { what: "shipment" })?;
            crate::order::event(
                tx,
                &order_id,
                now,
                Some(session.staff_id()),
                "delivery",
                &d.as_str().replace('_', " "),
            )
        })
    }

    /// Tracking pushes not yet done, oldest first (the marketplace sync works through them).
    pub fn channel_pushes(&self, session: &Session) -> Result<Vec<ChannelPush>> {
        self.db.read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let mut st = c.prepare_cached(
                "SELECT id, channel, order_id, shipment_id, status, attempts, last_error, created_at
                 FROM channel_push WHERE status <> 'done' ORDER BY created_at, rowid",
            )?;
            let rows = st.query_map([], |r| {
                Ok(ChannelPush {
                    id: r.get(0)?,
                    channel: r.get(1)?,
                    order_id: r.get(2)?,
                    shipment_id: r.get(3)?,
                    status: r.get(4)?,
                    attempts: r.get(5)?,
                    last_error: r.get(6)?,
                    created_at: Timestamp(r.get(7)?),
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    pub fn ship_promises(&self) -> Result<Vec<ShipPromise>> {
        self.db.shared_read(|c| {
            c.query_map(
                "SELECT channel, business_days FROM ship_promise ORDER BY channel <> '*', channel",
                args![],
                |r| {
                    Ok(ShipPromise {
                        channel: r.get(0)?,
                        business_days: r.get(1)?,
                    })
                },
            )
        })
    }

    pub fn save_ship_promise(&self, session: &Session, p: &ShipPromise) -> Result<()> {
        let channel = p.channel.trim();
        if channel.is_empty() || !(0..=30).contains(&p.business_days) {
            return Err(Error::invalid(
                "a promise needs a channel (or *) and 0 to 30 business days",
            ));
        }
        self.db.shared_write(|tx| {
            authorize(tx, session, Permission::SettingsManage)?;
            let before: Option<i64> = tx.query_opt(
                "SELECT business_days FROM ship_promise WHERE channel = ?1",
                args![channel],
                |r| r.get(0),
            )?;
            tx.execute(
                "INSERT INTO ship_promise (channel, business_days) VALUES (?1, ?2)
                 ON CONFLICT (channel) DO UPDATE SET business_days = ?2",
                args![channel, p.business_days],
            )?;
            crate::audit::record(
                tx,
                crate::audit::Change::by(
                    self.clock.now(),
                    session.staff_id(),
                    "ship_promise_set",
                    ("ship_promise", channel),
                    serde_json::json!({ "business_days": [before, p.business_days] }),
                ),
            )
        })
    }

    /// Open orders with units still to ship whose promised ship date has passed, most overdue
    /// first.
    pub fn late_orders(&self, session: &Session) -> Result<Vec<LateOrder>> {
        let now = self.clock.now();
        self.db.read(|c| {
            authorize(c, session, Permission::OrdersView)?;
            let mut st = c.prepare_cached(&format!(
                "SELECT o.id, o.number, o.channel, o.created_at,
                        (SELECT sum(l.quantity - {}) FROM order_line l
                         WHERE l.order_id = o.id AND l.kind = 'item')
                 FROM customer_order o WHERE o.status = 'open' AND o.fulfilled_at IS NULL
                 ORDER BY o.created_at",
                crate::order::SHIPPED_OF_LINE
            ))?;
            let rows: Vec<(String, i64, String, i64, Option<i64>)> = st
                .query_map([], |r| r.try_into())?
                .collect::<rusqlite::Result<_>>()?;
            let promises = Promises::read(c)?;
            let zone = crate::shop::zone(c)?;
            let mut late = Vec::new();
            for (id, number, channel, at, open) in rows {
                let open = open.unwrap_or(0);
                let due = ship_by(&zone, Timestamp(at), promises.days(&channel));
                if open > 0 && now.0 >= due.0 {
                    late.push(LateOrder {
                        order_id: id,
                        name: order_name(number),
                        channel,
                        placed_at: Timestamp(at),
                        due_at: due,
                        units_open: open,
                    });
                }
            }
            Ok(late)
        })
    }

    /// Order-to-first-shipment time per channel and carrier for orders placed in [from, to).
    pub fn ship_speed(
        &self,
        session: &Session,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<ShipSpeed>> {
        self.db.read(|c| {
            authorize(c, session, Permission::ReportsView)?;
            let mut st = c.prepare_cached(
                "SELECT o.channel, s.carrier, o.created_at, s.at FROM customer_order o
                 JOIN shipment s ON s.id = (SELECT id FROM shipment WHERE order_id = o.id ORDER BY at LIMIT 1)
                 WHERE o.created_at >= ?1 AND o.created_at < ?2",
            )?;
            let rows: Vec<(String, String, i64, i64)> = st
                .query_map(params![from.0, to.0], |r| r.try_into())?
                .collect::<rusqlite::Result<_>>()?;
            let mut groups: std::collections::BTreeMap<(String, String), (Vec<f64>, i64)> =
                Default::default();
            let promises = Promises::read(c)?;
            let zone = crate::shop::zone(c)?;
            for (channel, carrier, placed, shipped) in rows {
                let days = promises.days(&channel);
                let on_time = shipped < ship_by(&zone, Timestamp(placed), days).0;
                let g = groups.entry((channel, carrier)).or_default();
                g.0.push((shipped - placed) as f64 / 3_600_000.0);
                g.1 += i64::from(on_time);
            }
            Ok(groups
                .into_iter()
                .map(|((channel, carrier), (mut hours, on_time))| {
                    hours.sort_by(f64::total_cmp);
                    ShipSpeed {
                        channel,
                        carrier,
                        shipments: hours.len() as i64,
                        median_hours: percentile(&hours, 0.5),
                        p90_hours: percentile(&hours, 0.9),
                        on_time_percent: on_time as f64 * 100.0 / hours.len() as f64,
                    }
                })
                .collect())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: i64 = 86_400_000;

    fn at(date: &str, hour: i64) -> Timestamp {
        // Days since 1970-01-01 for a few dates in November 2026 (2026-11-20 is a Friday).
        let day = match date {
            "fri" => 20_777,
            "sat" => 20_778,
            "sun" => 20_779,
            "mon" => 20_780,
            "tue" => 20_781,
            "wed" => 20_782,
            _ => unreachable!(),
        };
        Timestamp(day * DAY_MS + hour * 3_600_000)
    }

    #[test]
    fn the_promise_counts_business_days_only() {
        assert_eq!(Timestamp(20_777 * DAY_MS).utc_date(), "2026-11-20");
        // Friday + 2 business days: Monday and Tuesday, so due by the end of Tuesday.
        let utc = ShopZone::utc();
        assert_eq!(ship_by(&utc, at("fri", 15), 2), at("wed", 0));
        // Placed at the weekend it counts as Monday's: one business day runs to Tuesday night.
        assert_eq!(ship_by(&utc, at("sat", 10), 1), at("wed", 0));
        assert_eq!(
            ship_by(&utc, at("sun", 23), 2),
            Timestamp(at("wed", 0).0 + DAY_MS)
        );
        // Ship the same day: the end of the day it came in (Monday for the weekend).
        assert_eq!(ship_by(&utc, at("mon", 9), 0), at("tue", 0));
        assert_eq!(ship_by(&utc, at("sat", 9), 0), at("tue", 0));
        assert_eq!(ship_by(&utc, at("mon", 9), 1), at("wed", 0));
        // 21:00 on Friday in Portland is Saturday in UTC, but Friday in the shop: due Tuesday
        // night Portland time (08:00 UTC Wednesday).
        let portland = ShopZone::named("America/Los_Angeles");
        assert_eq!(
            ship_by(&portland, Timestamp(at("sat", 5).0), 2),
            Timestamp(at("wed", 8).0)
        );
    }
}
