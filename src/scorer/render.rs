//! The alignment as a small fixed-width text table (step | expected | actual | verdict), for
//! reports and the console to embed.
//!
//! Pure: a function of the score, the expectation and the calls. It must not recompute any
//! metric; it reads the rows `explain` built.

use std::fmt::Write;

use crate::model::{AlignKind, ExpectItem, ToolCall, TrajectoryExpect, TrajectoryScore};

use super::args::truncate;
use super::explain::call_label;

/// Widest a cell may get before it is cut with `…`.
const MAX_CELL: usize = 44;

/// Renders the alignment rows of `score` as a table:
///
/// ```text
/// step  expected                               actual                                    verdict
/// 1     lookup_account                         #1 lookup_account(id="A1")                ok
/// 2     fetch_invoice(invoice_id="INV-2207")   #2 fetch_invoice(invoice_id="INV-2270")   wrong args: invoice_id
/// ```
///
/// Calls of an any-order block are marked `*` after their step number.
pub fn render_alignment(
    score: &TrajectoryScore,
    expect: &TrajectoryExpect,
    actual: &[ToolCall],
) -> String {
    let flat = expect.flat_calls();
    let in_block: Vec<bool> = expect
        .calls
        .iter()
        .flat_map(|item| match item {
            ExpectItem::Call(_) => vec![false],
            ExpectItem::AnyOrder(b) => vec![true; b.len()],
        })
        .collect();
    let mut table: Vec<[String; 4]> = vec![[
        "step".to_string(),
        "expected".to_string(),
        "actual".to_string(),
        "verdict".to_string(),
    ]];
    for row in &score.alignment {
        let (step, expected) = match row.expected.and_then(|e| flat.get(e).map(|c| (e, c))) {
            Some((e, (pos, call))) => {
                let mark = if in_block.get(e).copied().unwrap_or(false) {
                    "*"
                } else {
                    ""
                };
                let args = call.args.as_ref().map(|a| &a.raw);
                (
                    format!("{}{mark}", pos + 1),
                    call_label(&call.name.label(), args),
                )
            }
            None => ("-".to_string(), "-".to_string()),
        };
        let got = match row.actual.and_then(|a| actual.get(a).map(|c| (a, c))) {
            Some((a, call)) => format!(
                "#{} {}",
                a + 1,
                call_label(&call.name, Some(&call.arguments))
            ),
            None => "-".to_string(),
        };
        let verdict = match row.kind {
            AlignKind::Matched if row.note.is_empty() => "ok".to_string(),
            AlignKind::Matched => format!("ok ({})", row.note),
            AlignKind::WrongArgs => {
                let mut v = format!("wrong args: {}", row.differing_keys.join(", "));
                if row.note.ends_with("out of order") {
                    v.push_str(" (out of order)");
                }
                v
            }
            AlignKind::Missing => format!("missing ({})", row.note),
            AlignKind::Extra if row.note.is_empty() => "extra".to_string(),
            AlignKind::Extra => format!("extra ({})", row.note),
        };
        table.push([
            step,
            truncate(&expected, MAX_CELL),
            truncate(&got, MAX_CELL),
            verdict,
        ]);
    }
    let widths: Vec<usize> = (0..3)
        .map(|c| {
            table
                .iter()
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in &table {
        let mut line = String::new();
        for c in 0..3 {
            let pad = widths[c] - r[c].chars().count();
            let _ = write!(line, "{}{}   ", r[c], " ".repeat(pad));
        }
        line.push_str(&r[3]);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if in_block.iter().any(|b| *b) {
        out.push_str("* any-order block: these calls may happen in any order among themselves\n");
    }
    if score.alignment.is_empty() {
        out.push_str("(no calls expected and none made)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scorer::score_trajectory;
    use serde_json::{Value, json};

    fn table(e: Value, a: Value) -> String {
        let expect: TrajectoryExpect = serde_json::from_value(e).unwrap();
        let actual: Vec<ToolCall> = serde_json::from_value(a).unwrap();
        let score = score_trajectory(&expect, &actual);
        format!(
            "{}\n\n{}",
            render_alignment(&score, &expect, &actual),
            score.explanation
        )
    }

    #[test]
    fn all_matched() {
        insta::assert_snapshot!(table(
            json!({"calls": [
                {"name": "search_flights", "args": {"origin": "Oslo", "destination": "Rome"}},
                {"name": "book_flight", "args": {"flight_id": "FL5260"}}
            ]}),
            json!([
                {"name": "search_flights", "arguments": {"origin": "Oslo", "destination": "Rome"}},
                {"name": "book_flight", "arguments": {"flight_id": "FL5260"}}
            ]),
        ));
    }

    #[test]
    fn missing_and_extra() {
        insta::assert_snapshot!(table(
            json!({
                "calls": [{"name": "lookup_account"}, {"name": "fetch_invoice"}, {"name": "escalate"}],
                "forbid": ["issue_refund"]
            }),
            json!([
                {"name": "lookup_account", "arguments": {"email": "ada@example.com"}},
                {"name": "lookup_account", "arguments": {"email": "ada@example.com"}},
                {"name": "issue_refund", "arguments": {"invoice_id": "INV-2207", "amount": 740}},
                {"name": "fetch_invoice", "arguments": {"invoice_id": "INV-2207"}}
            ]),
        ));
    }

    #[test]
    fn wrong_args() {
        insta::assert_snapshot!(table(
            json!({"calls": [
                {"name": "fetch_invoice", "args": {"invoice_id": "INV-2207"}},
                {"name": "escalate", "args": {"priority": "high", "reason": {"regex": "(?i)refund"}}}
            ]}),
            json!([
                {"name": "fetch_invoice", "arguments": {"invoice_id": "INV-2270"}},
                {"name": "escalate", "arguments": {"priority": "low", "reason": "customer upset about a very long wait on the phone"}}
            ]),
        ));
    }

    #[test]
    fn combined_matchers_say_why() {
        insta::assert_snapshot!(table(
            json!({"args_mode": "exact", "calls": [
                {"name": "issue_refund", "args": {
                    "amount": {"type": "number", "gt": 0, "lte": 500},
                    "count": {"type": "integer"},
                    "note": {"optional": {"not_regex": "(?i)sorry"}},
                    "tags": {"items_any_order": ["billing", "refund"], "normalize": ["case"]}
                }}
            ]}),
            json!([
                {"name": "issue_refund", "arguments": {"amount": 740, "count": 90.0, "note": "Sorry!", "tags": ["Refund", "billing"]}}
            ]),
        ));
    }

    #[test]
    fn any_order_block() {
        insta::assert_snapshot!(table(
            json!({"calls": [
                {"name": "plan"},
                {"any_order": [{"name": "get_weather", "args": {"city": "Oslo"}}, {"name": "get_weather", "args": {"city": "Rome"}}]},
                {"name": "answer"}
            ]}),
            json!([
                {"name": "plan"},
                {"name": "get_weather", "arguments": {"city": "Rome"}},
                {"name": "answer"},
                {"name": "get_weather", "arguments": {"city": "Oslo"}}
            ]),
        ));
    }

    #[test]
    fn name_patterns_conditional_forbid_and_covers() {
        insta::assert_snapshot!(table(
            json!({
                "match": "covers",
                "calls": [
                    {"name": "lookup_account"},
                    {"name": {"regex": "^refund_"}, "args": {"amount": {"lte": 500}}},
                    {"name": {"regex": "^notify_"}}
                ],
                "forbid": [{"name": "issue_refund", "args": {"amount": {"gt": 500}}}]
            }),
            json!([
                {"name": "lookup_account", "arguments": {"email": "ada@example.com"}},
                {"name": "refund_card", "arguments": {"amount": 120}},
                {"name": "issue_refund", "arguments": {"amount": 740}}
            ]),
        ));
    }

    #[test]
    fn nothing_expected_nothing_done() {
        let t = table(json!({}), json!([]));
        assert!(
            t.starts_with(
                "step   expected   actual   verdict\n(no calls expected and none made)\n"
            ),
            "{t}"
        );
    }
}
