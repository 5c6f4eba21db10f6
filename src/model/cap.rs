//! The size cap on text a report keeps: the final answer, tool names, arguments and results,
//! error messages, score reasons and diffs, alignment notes (judge reasons are score reasons).
//!
//! Applied once per run, to its [`CaseResult`], after scoring ([`cap_case`], called by the
//! runner and by `traces score`): scoring and judges see the whole reply (up to
//! `agent.max_response_bytes`), while cases.jsonl, results.json, junit.xml, report.md, the
//! console and the PR comment all hold the capped text, and a run keeps at most the cap per
//! field in memory. Pure; a cut is visible as `… N bytes cut`.

use serde_json::Value;

use super::CaseResult;

/// The most bytes of one text field a report keeps (64 KiB), before the marker.
pub const TEXT_CAP_BYTES: usize = 64 * 1024;

/// Caps every agent- or judge-produced text field of `result` at [`TEXT_CAP_BYTES`].
pub fn cap_case(result: &mut CaseResult) {
    cap_case_at(result, TEXT_CAP_BYTES);
}

pub fn cap_case_at(r: &mut CaseResult, cap: usize) {
    cap_text(&mut r.input, cap);
    if let Some(e) = &mut r.error {
        cap_text(&mut e.message, cap);
    }
    if let Some(t) = &mut r.trajectory {
        if let Some(answer) = &mut t.final_response {
            cap_text(answer, cap);
        }
        for call in &mut t.calls {
            cap_text(&mut call.name, cap);
            cap_value(&mut call.arguments, cap);
            if let Some(result) = &mut call.result {
                cap_value(result, cap);
            }
        }
    }
    if let Some(ts) = &mut r.trajectory_score {
        cap_text(&mut ts.explanation, cap);
        for name in &mut ts.forbidden_called {
            cap_text(name, cap);
        }
        for row in &mut ts.alignment {
            cap_text(&mut row.name, cap);
            cap_text(&mut row.note, cap);
            for key in &mut row.differing_keys {
                cap_text(key, cap);
            }
        }
    }
    for s in &mut r.scores {
        cap_text(&mut s.reason, cap);
        if let Some(diff) = &mut s.diff {
            cap_text(diff, cap);
        }
    }
}

/// Keeps the first `cap` bytes of `s` (cut back to a character boundary) and says how many
/// bytes were cut.
pub(crate) fn cap_text(s: &mut String, cap: usize) {
    if s.len() <= cap {
        return;
    }
    let mut end = cap;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    let cut = s.len() - end;
    s.truncate(end);
    s.push_str(&format!("… {cut} bytes cut"));
}

/// A string is capped as text; any other value whose JSON is longer than `cap` becomes the
/// capped JSON text (a string): the structure is lost, the start of it stays readable.
fn cap_value(v: &mut Value, cap: usize) {
    if let Value::String(s) = v {
        cap_text(s, cap);
        return;
    }
    if json_len(v) <= cap {
        return;
    }
    let mut text = v.to_string();
    cap_text(&mut text, cap);
    *v = Value::String(text);
}

/// The length of `v`'s compact JSON, without building it.
fn json_len(v: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, v).expect("a Value always serializes");
    count.0
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn text_is_cut_at_a_character_boundary_with_a_marker() {
        let mut s = "héllo".to_string();
        cap_text(&mut s, 2); // `é` spans bytes 1..3
        assert_eq!(s, "h… 5 bytes cut");
        let mut short = "fits".to_string();
        cap_text(&mut short, 4);
        assert_eq!(short, "fits");
    }

    #[test]
    fn values_keep_their_shape_when_small_and_become_cut_json_text_when_not() {
        let mut small = json!({"q": "x"});
        cap_value(&mut small, 100);
        assert_eq!(small, json!({"q": "x"}));
        let mut big = json!({"q": "x".repeat(50)});
        cap_value(&mut big, 10);
        assert_eq!(big, json!(r#"{"q":"xxxx… 48 bytes cut"#));
        let mut text = json!("y".repeat(20));
        cap_value(&mut text, 5);
        assert_eq!(text, json!("yyyyy… 15 bytes cut"));
    }
}
