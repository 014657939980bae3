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
    use super::Timestamp;

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
