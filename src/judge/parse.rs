//! Reading a judge's answer: the JSON object `{score, pass, reason}` somewhere in its text,
//! possibly inside a code fence and surrounded by prose, interpreted for the judge's kind.
//!
//! Pure. An answer that cannot be read is an `Err` with a short quote, which the caller turns
//! into `unscored`: never a pass.

use serde_json::{Map, Value};

use crate::model::{JudgeKind, JudgeSpec};

/// One sample's verdict.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sample {
    pub pass: bool,
    /// The score in the judge's units (1/0 for pass/fail judges).
    pub score: f64,
    pub reason: String,
}

/// How much of an unreadable answer an error quotes.
const QUOTE_CHARS: usize = 80;

/// The first JSON object in `text` that parses (fences and prose around it are ignored).
pub fn extract_object(text: &str) -> Option<Map<String, Value>> {
    text.match_indices('{').find_map(|(start, _)| {
        // A streaming parse reads one value from `start` and ignores whatever follows it.
        let mut values = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
        match values.next() {
            Some(Ok(Value::Object(map))) => Some(map),
            _ => None,
        }
    })
}

/// Interprets an answer for `spec`'s kind.
pub fn parse_answer(spec: &JudgeSpec, text: &str) -> Result<Sample, String> {
    let Some(obj) = extract_object(text) else {
        return Err(format!(
            "the judge's answer has no JSON object: `{}`",
            quote(text)
        ));
    };
    let reason = obj
        .get("reason")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let score = obj.get("score").and_then(number);
    let pass = obj.get("pass").and_then(boolean);
    let threshold = spec.effective_threshold();
    match spec.kind {
        JudgeKind::PassFail => match (pass, score) {
            (Some(p), _) => Ok(Sample {
                pass: p,
                score: if p { 1.0 } else { 0.0 },
                reason,
            }),
            (None, Some(s)) if s == 0.0 || s == 1.0 => Ok(Sample {
                pass: s == 1.0,
                score: s,
                reason,
            }),
            _ => Err(format!(
                "the judge's answer has no boolean `pass`: `{}`",
                quote(text)
            )),
        },
        JudgeKind::Score | JudgeKind::Scale => {
            let (lo, hi) = match spec.kind {
                JudgeKind::Score => (0.0, 1.0),
                _ => (1.0, f64::from(spec.scale_max())),
            };
            match score {
                Some(s) if (lo..=hi).contains(&s) => Ok(Sample {
                    pass: s >= threshold,
                    score: s,
                    reason,
                }),
                Some(s) => Err(format!("the judge's score `{s}` is outside {lo}–{hi}")),
                None => Err(format!(
                    "the judge's answer has no numeric `score`: `{}`",
                    quote(text)
                )),
            }
        }
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "pass" | "yes" => Some(true),
            "false" | "fail" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn quote(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut q: String = one_line.chars().take(QUOTE_CHARS).collect();
    if one_line.chars().count() > QUOTE_CHARS {
        q.push('…');
    }
    q.replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::tests::spec;

    #[test]
    fn reads_json_inside_fences_and_prose() {
        let s = spec(JudgeKind::PassFail);
        let text = "Sure! Here is my verdict:\n```json\n{\"pass\": true, \"reason\": \"polite {and} correct\"}\n```\nHope that helps {really}.";
        let got = parse_answer(&s, text).unwrap();
        assert!(got.pass);
        assert_eq!(got.reason, "polite {and} correct");
        let bare = parse_answer(&s, r#"{"pass": "fail", "reason": "rude"}"#).unwrap();
        assert!(!bare.pass);
    }

    #[test]
    fn scores_pass_at_the_threshold() {
        let mut s = spec(JudgeKind::Score);
        s.threshold = Some(0.7);
        assert!(parse_answer(&s, r#"{"score": 0.7}"#).unwrap().pass);
        assert!(!parse_answer(&s, r#"{"score": "0.69"}"#).unwrap().pass);
        let mut scale = spec(JudgeKind::Scale);
        scale.scale = Some(5);
        assert!(
            parse_answer(&scale, r#"{"score": 3}"#).unwrap().pass,
            "midpoint 3"
        );
        assert!(!parse_answer(&scale, r#"{"score": 2}"#).unwrap().pass);
    }

    #[test]
    fn unreadable_answers_are_errors_never_passes() {
        let s = spec(JudgeKind::PassFail);
        for bad in [
            "looks good to me",
            "{\"pass\": \"maybe\"}",
            "{not json}",
            "",
        ] {
            assert!(parse_answer(&s, bad).is_err(), "{bad:?}");
        }
        let mut score = spec(JudgeKind::Score);
        score.threshold = Some(0.5);
        let err = parse_answer(&score, r#"{"score": 7}"#).unwrap_err();
        assert!(err.contains("outside 0–1"), "{err}");
        let err = parse_answer(&s, "I refuse `to` answer").unwrap_err();
        assert_eq!(
            err,
            "the judge's answer has no JSON object: `I refuse 'to' answer`"
        );
    }
}
