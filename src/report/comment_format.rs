//! Number, usage and link formatting for the PR comment's view model.

use serde::Serialize;

use crate::model::UsageTotals;

use super::format::fmt_ms;

/// One row of the comment's cost and latency table: a quantity, head, base and delta, formatted.
#[derive(Debug, Serialize)]
pub struct UsageRow {
    pub name: &'static str,
    pub head: String,
    pub base: String,
    pub delta: String,
}

/// Reasons and titles in lists are cut to this many characters (details carry the rest).
const MAX_REASON_CHARS: usize = 300;

pub(super) fn signed(v: f64) -> String {
    if v.abs() < 0.0005 {
        "±0.000".into()
    } else {
        format!("{v:+.3}")
    }
}

pub(super) fn usage_rows(h: &UsageTotals, b: &UsageTotals) -> Vec<UsageRow> {
    let ms = |v: Option<u64>| v.map(fmt_ms).unwrap_or_else(|| "—".into());
    let ms_delta = |h: Option<u64>, b: Option<u64>| match (h, b) {
        (Some(h), Some(b)) => {
            let d = h as i64 - b as i64;
            format!(
                "{}{}",
                if d < 0 { "−" } else { "+" },
                fmt_ms(d.unsigned_abs())
            )
        }
        _ => "—".into(),
    };
    let cost = |v: Option<f64>| v.map(|c| format!("${c:.4}")).unwrap_or_else(|| "—".into());
    vec![
        UsageRow {
            name: "cost",
            head: cost(h.cost_usd),
            base: cost(b.cost_usd),
            delta: match (h.cost_usd, b.cost_usd) {
                (Some(h), Some(b)) => {
                    format!("{}${:.4}", if h < b { "−" } else { "+" }, (h - b).abs())
                }
                _ => "—".into(),
            },
        },
        UsageRow {
            name: "tokens",
            head: h
                .total_tokens
                .map(|t| t.to_string())
                .unwrap_or_else(|| "—".into()),
            base: b
                .total_tokens
                .map(|t| t.to_string())
                .unwrap_or_else(|| "—".into()),
            delta: match (h.total_tokens, b.total_tokens) {
                (Some(h), Some(b)) => format!("{:+}", h as i64 - b as i64),
                _ => "—".into(),
            },
        },
        UsageRow {
            name: "latency p50",
            head: ms(h.latency_p50_ms),
            base: ms(b.latency_p50_ms),
            delta: ms_delta(h.latency_p50_ms, b.latency_p50_ms),
        },
        UsageRow {
            name: "latency p95",
            head: ms(h.latency_p95_ms),
            base: ms(b.latency_p95_ms),
            delta: ms_delta(h.latency_p95_ms, b.latency_p95_ms),
        },
    ]
}

pub(super) fn cut(s: &str) -> String {
    if s.chars().count() <= MAX_REASON_CHARS {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_REASON_CHARS).collect();
    out.push('…');
    out
}

/// Percent-encodes what would end or break a Markdown link target.
pub(super) fn url_path(p: &str) -> String {
    p.chars()
        .map(|c| match c {
            ' ' => "%20".to_string(),
            '(' => "%28".to_string(),
            ')' => "%29".to_string(),
            '<' => "%3C".to_string(),
            '>' => "%3E".to_string(),
            '#' => "%23".to_string(),
            c => c.to_string(),
        })
        .collect()
}
