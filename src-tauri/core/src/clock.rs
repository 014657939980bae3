//! Time as core sees it: UTC milliseconds, read only through a `Clock` handed in from outside so
//! tests can fix it.

use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicI64, Ordering};
use ts_rs::TS;

/// A UTC instant in milliseconds since the Unix epoch. Local time exists only on screen.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS,
)]
#[ts(type = "number")]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The UTC calendar date and time: (year, month, day, hour, minute).
    pub fn utc_parts(self) -> (i64, i64, i64, i64, i64) {
        let secs = self.0.div_euclid(1000);
        let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        // Days to civil date (H. Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d, rem / 3600, rem % 3600 / 60)
    }

    /// Reads an RFC 3339 instant ("2026-11-22T09:15:00.123+01:00", "…Z") as UTC. Text with no
    /// offset is refused: marketplaces' site-local times are a classic source of lost orders.
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        let t = time::OffsetDateTime::parse(
            text.trim(),
            &time::format_description::well_known::Rfc3339,
        )
        .ok()?;
        i64::try_from(t.unix_timestamp_nanos() / 1_000_000)
            .ok()
            .map(Timestamp)
    }

    /// "2026-11-22T09:15:00.123Z".
    pub fn to_rfc3339(self) -> String {
        let (y, m, d, h, min) = self.utc_parts();
        let ms = self.0.rem_euclid(60_000);
        format!(
            "{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{:02}.{:03}Z",
            ms / 1000,
            ms % 1000
        )
    }

    /// "2026-11-22".
    pub fn utc_date(self) -> String {
        let (y, m, d, _, _) = self.utc_parts();
        format!("{y:04}-{m:02}-{d:02}")
    }
}

/// A day on the shop's calendar.
pub type Date = jiff::civil::Date;

/// A day typed by a person or a script ("2026-11-30"); `what` names the field in the refusal.
pub fn parse_day(text: &str, what: &str) -> crate::error::Result<Date> {
    text.trim().parse::<Date>().map_err(|_| {
        crate::error::Error::invalid(format!(
            "the {what} date '{text}' is not a date: write it as 2026-11-30"
        ))
    })
}

/// The shop's time zone: which local day a UTC instant falls on, and when a local day starts.
/// Receipts, invoices, the Z report and every report count days this way, so a sale at 00:30 on
/// the night the clocks change lands on the day the shop saw it on. jiff carries its own tz
/// database (bundled), so a machine's missing or stale zoneinfo never moves a sale to another day.
#[derive(Debug, Clone)]
pub struct ShopZone {
    name: String,
    tz: jiff::tz::TimeZone,
}

impl ShopZone {
    /// A zone by its IANA name; "" and unknown names are UTC (a shop set up before zones were
    /// asked for, or a document frozen before they were printed).
    pub fn named(name: &str) -> ShopZone {
        match jiff::tz::db().get(name) {
            Ok(tz) if !name.is_empty() => ShopZone {
                name: name.to_string(),
                tz,
            },
            _ => ShopZone::utc(),
        }
    }

    pub fn utc() -> ShopZone {
        ShopZone {
            name: "UTC".into(),
            tz: jiff::tz::TimeZone::UTC,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn zoned(&self, t: Timestamp) -> jiff::Zoned {
        jiff::Timestamp::from_millisecond(t.0)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .to_zoned(self.tz.clone())
    }

    /// The local day `t` falls on.
    pub fn date(&self, t: Timestamp) -> Date {
        self.zoned(t).date()
    }

    /// The local hour of the day (0–23) `t` falls in.
    pub fn hour(&self, t: Timestamp) -> i8 {
        self.zoned(t).hour()
    }

    /// The first instant of local day `d` (not always midnight: where the clocks jump at
    /// midnight, the day starts at 01:00).
    pub fn start_of(&self, d: Date) -> Timestamp {
        let start = d
            .to_zoned(self.tz.clone())
            .map(|z| z.timestamp().as_millisecond());
        Timestamp(start.unwrap_or(0))
    }

    /// "2026-11-22", the local day.
    pub fn date_text(&self, t: Timestamp) -> String {
        self.date(t).to_string()
    }

    /// "2026-11-22 09:15", local wall time as a receipt prints it.
    pub fn date_time_text(&self, t: Timestamp) -> String {
        self.zoned(t).strftime("%Y-%m-%d %H:%M").to_string()
    }
}

pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The wall clock, for the app and the CLI.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        Timestamp(ms)
    }
}

/// A clock that only moves when told to, for tests.
pub struct FixedClock(AtomicI64);

impl FixedClock {
    pub fn at(ms: i64) -> Self {
        FixedClock(AtomicI64::new(ms))
    }
    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::{Date, ShopZone, Timestamp};

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap()
    }

    #[test]
    fn a_sale_after_midnight_on_the_night_the_clocks_change_is_on_that_day() {
        let dublin = ShopZone::named("Europe/Dublin");
        // 2026-03-29: Irish clocks go from 01:00 GMT to 02:00 IST. 00:30 local is 00:30 UTC.
        let day = Date::new(2026, 3, 29).unwrap();
        assert_eq!(dublin.date(at("2026-03-29T00:30:00Z")), day);
        assert_eq!(dublin.start_of(day), at("2026-03-29T00:00:00Z"));
        // The next day starts an hour earlier in UTC: the day had 23 hours.
        let next = Date::new(2026, 3, 30).unwrap();
        assert_eq!(dublin.start_of(next), at("2026-03-29T23:00:00Z"));
        assert_eq!(dublin.date(at("2026-03-29T23:30:00Z")), next);
        // 2026-10-25: back to GMT at 02:00 IST; 00:30 IST is 23:30 UTC the day before.
        assert_eq!(
            dublin.date(at("2026-10-24T23:30:00Z")),
            Date::new(2026, 10, 25).unwrap()
        );
        assert_eq!(
            dublin.date_time_text(at("2026-10-24T23:30:00Z")),
            "2026-10-25 00:30"
        );
        assert_eq!(
            dublin.date_time_text(at("2026-10-25T01:30:00Z")),
            "2026-10-25 01:30"
        );
    }

    #[test]
    fn where_the_clocks_jump_at_midnight_the_day_starts_at_one() {
        // Santiago springs forward at 24:00: 2026-09-06 00:00 local does not exist.
        let santiago = ShopZone::named("America/Santiago");
        let day = Date::new(2026, 9, 6).unwrap();
        let start = santiago.start_of(day);
        assert_eq!(santiago.date(start), day);
        assert_eq!(santiago.hour(start), 1);
        assert_ne!(santiago.date(Timestamp(start.0 - 1)), day);
    }

    #[test]
    fn no_zone_is_utc() {
        assert_eq!(ShopZone::named("").name(), "UTC");
        assert_eq!(ShopZone::named("Mars/Olympus").name(), "UTC");
        assert_eq!(
            ShopZone::named("").date_time_text(Timestamp(0)),
            "1970-01-01 00:00"
        );
    }

    #[test]
    fn rfc3339_round_trips_in_utc_and_refuses_local_times() {
        let t = Timestamp::parse_rfc3339("2026-11-22T10:15:30.250+01:00").unwrap();
        assert_eq!(
            t.to_rfc3339(),
            "2026-11-22T09:15:30.250Z",
            "the offset is applied"
        );
        assert_eq!(Timestamp::parse_rfc3339(&t.to_rfc3339()), Some(t));
        assert_eq!(
            Timestamp::parse_rfc3339("2026-11-22T09:15:30"),
            None,
            "no offset, no guess"
        );
    }
}
