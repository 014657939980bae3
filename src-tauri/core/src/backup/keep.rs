//! Which backups to keep: the newest in each of the last 24 hours, 14 days, 8 weeks and 12
//! months (UTC calendar), the newest of all, and for 30 days every copy someone asked for or
//! that stands before a big step: "on-demand", "before-migration", "before-restore" (the only
//! record of what a restore replaced).

use crate::error::Result;
use crate::store::backup as file;
use crate::Timestamp;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
const KEEP_ASKED_FOR_MS: i64 = 30 * DAY;
const ASKED_FOR: &[&str] = &["on-demand", "before-migration", "before-restore"];

/// The calendar bucket an instant falls in, for each tier, with how many buckets it keeps.
fn tiers(at: Timestamp) -> [(u8, i64, usize); 4] {
    let (y, m, _, _, _) = at.utc_parts();
    let day = at.0.div_euclid(DAY);
    [
        (0, at.0.div_euclid(HOUR), 24),
        (1, day, 14),
        // 1970-01-01 was a Thursday: +3 makes weeks start on Monday.
        (2, (day + 3).div_euclid(7), 8),
        (3, y * 12 + m, 12),
    ]
}

/// The names to keep out of `taken` (name, when, reason), newest first or not.
pub(crate) fn keep(taken: &[(PathBuf, Timestamp, String)], now: Timestamp) -> HashSet<PathBuf> {
    let mut sorted: Vec<_> = taken.iter().collect();
    sorted.sort_by_key(|b| std::cmp::Reverse(b.1));
    let mut kept = HashSet::new();
    if let Some(newest) = sorted.first() {
        kept.insert(newest.0.clone());
    }
    for tier in 0..4 {
        let mut seen = HashSet::new();
        for (path, at, _) in &sorted {
            let (_, bucket, count) = tiers(*at)[tier];
            if seen.len() == count && !seen.contains(&bucket) {
                break;
            }
            if seen.insert(bucket) {
                kept.insert(path.clone());
            }
        }
    }
    for (path, at, reason) in taken {
        if ASKED_FOR.contains(&reason.as_str()) && now.0 - at.0 < KEEP_ASKED_FOR_MS {
            kept.insert(path.clone());
        }
    }
    kept
}

/// Deletes the backups in `dir` the rule no longer keeps (file and manifest), and leftovers of
/// copies that were killed half-way.
pub(crate) fn prune(dir: &Path, now: Timestamp) -> Result<()> {
    let all = file::list(dir)?;
    let taken: Vec<_> = all
        .iter()
        .map(|(p, m)| (p.clone(), m.taken_at, m.reason.clone()))
        .collect();
    let kept = keep(&taken, now);
    for (path, _, _) in &taken {
        if !kept.contains(path) {
            let _ = std::fs::remove_file(file::manifest_path(path));
            let _ = std::fs::remove_file(path);
        }
    }
    // A `.partial-` file older than an hour was left by a copy that died; a running copy's is
    // younger.
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let stale = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_millis() > HOUR as u128);
            if e.file_name().to_string_lossy().starts_with(".partial-") && stale {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hours: i64) -> Timestamp {
        // 2026-01-05 00:00 UTC, a Monday.
        Timestamp(1_767_571_200_000 + hours * HOUR)
    }

    #[test]
    fn keeps_24_hourly_14_daily_8_weekly_12_monthly() {
        // One backup an hour for 400 days.
        let taken: Vec<_> = (0..400 * 24)
            .map(|h| {
                (
                    PathBuf::from(format!("b{h:05}")),
                    at(h),
                    "hourly".to_string(),
                )
            })
            .collect();
        let now = at(400 * 24);
        let kept = keep(&taken, now);
        let newest = 400 * 24 - 1;
        // The last 24 hours, each hour.
        for h in newest - 23..=newest {
            assert!(
                kept.contains(&PathBuf::from(format!("b{h:05}"))),
                "hour {h}"
            );
        }
        assert!(!kept.contains(&PathBuf::from(format!("b{:05}", newest - 24 - 1))));
        // The last of each of the 14 days before (hour 23 of each day).
        for d in 1..14 {
            let h = newest - 24 * d;
            assert!(kept.contains(&PathBuf::from(format!("b{h:05}"))), "day {d}");
        }
        // 24 hourly + 14 daily + 8 weekly + 12 monthly, minus the overlaps of the newest ones.
        assert!(kept.len() <= 24 + 14 + 8 + 12, "kept {}", kept.len());
        assert!(kept.len() >= 24 + 13 + 5 + 9, "kept {}", kept.len());
        // Nothing older than 12 months survives.
        assert!(!kept.contains(&PathBuf::from("b00000")));
    }

    #[test]
    fn a_before_restore_copy_stays_30_days_and_the_newest_always_stays() {
        let taken = vec![
            (PathBuf::from("r"), at(0), "before-restore".to_string()),
            (PathBuf::from("a"), at(1), "hourly".to_string()),
            (
                PathBuf::from("b"),
                Timestamp(at(1).0 + 1),
                "hourly".to_string(),
            ),
        ];
        let kept = keep(&taken, at(24 * 20));
        assert!(kept.contains(&PathBuf::from("r")));
        assert!(kept.contains(&PathBuf::from("b")));
        let kept = keep(&taken, at(24 * 40));
        assert!(kept.contains(&PathBuf::from("b")));
    }
}
