//! Number and status formatting shared by the Markdown view and the console summary.
//!
//! Fixed precision everywhere (three decimals for metric values) so reports are stable and
//! comparable across runs.

use crate::model::{Gate, RowStatus};

/// A metric value with three decimals, or an em dash when there is none.
pub fn fmt_opt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.3}")).unwrap_or_else(|| "—".into())
}

/// Weights as written: `1`, `0.5`, `0.25`.
pub fn fmt_weight(w: f64) -> String {
    let s = format!("{w:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `850 ms`, `1.23 s`.
pub fn fmt_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.2} s", ms as f64 / 1000.0)
    }
}

pub fn gate_str(g: Gate) -> &'static str {
    match g {
        Gate::Block => "block",
        Gate::Warn => "warn",
    }
}

pub fn status_str(s: RowStatus) -> &'static str {
    match s {
        RowStatus::Pass => "pass",
        RowStatus::Fail => "fail",
        RowStatus::Warn => "warn",
        RowStatus::Info => "info",
        RowStatus::NoData => "no_data",
    }
}

pub fn status_label(s: RowStatus) -> &'static str {
    match s {
        RowStatus::Pass => "✅ pass",
        RowStatus::Fail => "❌ fail",
        RowStatus::Warn => "⚠️ warn",
        RowStatus::Info => "info",
        RowStatus::NoData => "❔ no data",
    }
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// `, 3 pending review` after a counts line, or nothing when no case is pending (so runs
/// without promoted cases read as before).
pub fn pending_suffix(pending: usize) -> String {
    if pending == 0 {
        String::new()
    } else {
        format!(", {pending} pending review")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_at_fixed_precision() {
        assert_eq!(fmt_opt(Some(2.0 / 3.0)), "0.667");
        assert_eq!(fmt_opt(None), "—");
        assert_eq!(fmt_weight(1.0), "1");
        assert_eq!(fmt_weight(0.5), "0.5");
        assert_eq!(fmt_weight(0.0), "0");
        assert_eq!(fmt_weight(10.0), "10");
        assert_eq!(fmt_ms(999), "999 ms");
        assert_eq!(fmt_ms(1234), "1.23 s");
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let v: Vec<u64> = (1..=20).collect();
        assert_eq!(percentile(&v, 0.5), Some(10));
        assert_eq!(percentile(&v, 0.95), Some(19));
        assert_eq!(percentile(&[7], 0.95), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[1, 2], 0.0), Some(1));
    }
}
