//! Timing statistics and the benchmark table's row, shared by the benchmark command, the
//! benchmark tests of the documents and sync crates, and the window journeys. Targets are read
//! off the table; no test asserts a time.

/// The `p`-th percentile (0–100) of the samples, nearest rank: p50 is the median, p99 what one
/// scan in a hundred is slower than.
pub fn percentile(samples: &[f64], p: f64) -> f64 {
    assert!(!samples.is_empty(), "no samples");
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

pub fn median(samples: &[f64]) -> f64 {
    percentile(samples, 50.0)
}

pub fn p99(samples: &[f64]) -> f64 {
    percentile(samples, 99.0)
}

/// Milliseconds since `start`.
pub fn ms_since(start: std::time::Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// One row of the benchmark table: what was measured, the figure, and the baseline beside it
/// ("-" when there is none).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub what: String,
    pub measured: String,
    pub baseline: String,
}

impl Row {
    pub fn new(what: impl Into<String>, measured: impl Into<String>) -> Row {
        Row {
            what: what.into(),
            measured: measured.into(),
            baseline: "-".into(),
        }
    }

    pub fn against(mut self, baseline: impl Into<String>) -> Row {
        self.baseline = baseline.into();
        self
    }

    /// The row as a line of the Markdown table.
    pub fn line(&self) -> String {
        format!("| {} | {} | {} |", self.what, self.measured, self.baseline)
    }

    /// Prints the row from inside a test, on a line of its own: `make benchmark` keeps only the
    /// lines that start with `|`, and the test harness may have left "test … ..." unfinished.
    pub fn print(&self) {
        println!("\n{}", self.line());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(median(&v), 50.0);
        assert_eq!(p99(&v), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[3.0, 1.0, 2.0], 50.0), 2.0);
        assert_eq!(p99(&[7.0]), 7.0);
    }
}
