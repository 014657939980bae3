//! The owner's home screen: today against the same weekday last week, and what needs a hand —
//! orders to pack and late, held orders, low stock, unsent mail, stores failing to sync, the
//! last Z. Each figure opens the screen that deals with it.

use super::facts;
use super::tables::{change_bp, Sums};
use crate::error::Result;
use crate::shop::shop_currency;
use crate::shop::staff::{authorize, Permission, Session};
use crate::sql::{args, Conn};
use crate::{Shop, Timestamp};
use serde::Serialize;
use ts_rs::TS;

/// Sales of one stretch of a day.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DaySales {
    #[ts(type = "number")]
    pub orders: i64,
    /// Net sales before tax.
    #[ts(type = "number")]
    pub net_minor: i64,
    /// What customers paid (net, shipping and tax).
    #[ts(type = "number")]
    pub total_minor: i64,
}

/// The last closed shift.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LastZ {
    #[ts(type = "number")]
    pub shift_number: i64,
    pub closed_at: Timestamp,
    #[ts(type = "number")]
    pub net_minor: i64,
    /// Counted less expected cash.
    #[ts(type = "number")]
    pub over_short_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Home {
    pub currency: String,
    /// Decimal places of the currency: amounts are minor units.
    pub exponent: u32,
    pub time_zone: String,
    pub as_of: Timestamp,
    /// The shop's today so far.
    pub today: DaySales,
    /// The same weekday a week ago, up to the same time of day.
    pub last_week: DaySales,
    /// Today's net sales against last week's, in basis points; None when last week sold nothing.
    #[ts(type = "number | null")]
    pub change_bp: Option<i64>,
    #[ts(type = "number")]
    pub to_pack: i64,
    #[ts(type = "number")]
    pub late: i64,
    #[ts(type = "number")]
    pub on_hold: i64,
    #[ts(type = "number")]
    pub low_stock: i64,
    /// Mail queued or failing.
    #[ts(type = "number")]
    pub unsent_mail: i64,
    /// Stores whose last sync failed.
    pub failing_channels: Vec<String>,
    pub last_z: Option<LastZ>,
}

impl Shop {
    pub fn home(&self, session: &Session) -> Result<Home> {
        let now = self.clock.now();
        let low_stock = self.low_stock(session)?.len() as i64;
        self.db.server_read(|c: Conn| {
            authorize(c, session, Permission::ReportsView)?;
            let zone = crate::shop::zone(c)?;
            let today = zone.date(now);
            let start = zone.start_of(today);
            let week_ago = today
                .checked_sub(jiff::Span::new().days(7))
                .unwrap_or(today);
            let then = zone.start_of(week_ago);
            let sales = |from: Timestamp, to: Timestamp| -> Result<DaySales> {
                let s = Sums::of(&facts::load(c, from, to)?);
                Ok(DaySales {
                    orders: s.orders(),
                    net_minor: s.net(),
                    total_minor: s.total(),
                })
            };
            let count = |sql: &str| -> Result<i64> { c.query_row(sql, args![], |r| r.get(0)) };
            let failing_channels = c.query_map(
                "SELECT name FROM channel
                 WHERE last_error_at IS NOT NULL AND last_error_at >= coalesce(last_success_at, 0)
                 ORDER BY name",
                args![],
                |r| r.get(0),
            )?;
            let last_z = c
                .query_opt(
                    "SELECT report FROM shift WHERE status = 'closed'
                     ORDER BY closed_at DESC LIMIT 1",
                    args![],
                    |r| r.get::<String>(0),
                )?
                .and_then(|json| serde_json::from_str::<crate::sale::shift::ZReport>(&json).ok())
                .map(|z| LastZ {
                    shift_number: z.shift_number,
                    closed_at: z.closed_at,
                    net_minor: z.net_minor,
                    over_short_minor: z.over_short_minor,
                });
            let currency = shop_currency(c)?;
            let (to_pack, late) = crate::packing::shipping::to_pack_and_late(c, now)?;
            let today = sales(start, Timestamp(now.0 + 1))?;
            let last_week = sales(then, Timestamp(then.0 + (now.0 - start.0) + 1))?;
            Ok(Home {
                change_bp: change_bp(today.net_minor, Some(last_week.net_minor)),
                today,
                last_week,
                currency: currency.code().into(),
                exponent: currency.exponent(),
                time_zone: zone.name().into(),
                as_of: now,
                to_pack,
                late,
                on_hold: count("SELECT count(*) FROM customer_order WHERE status = 'on_hold'")?,
                low_stock,
                unsent_mail: count(
                    "SELECT count(*) FROM message
                     WHERE direction = 'out' AND status IN ('queued', 'failed')",
                )?,
                failing_channels,
                last_z,
            })
        })
    }
}
