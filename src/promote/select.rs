//! Which traces to promote: failing by span status (the default), attribute predicates
//! (`--where 'feedback.score < 0'`), failing scores from a `traces score` results.json,
//! explicit trace ids, or all. Pure.

use std::collections::HashSet;

use serde_json::Value;

use crate::model::TraceRecord;

/// An attribute predicate: `<key> <op> <value>`, ops `=`, `!=`, `<`, `<=`, `>`, `>=`; the value
/// is a number, a `"quoted"` or bare string, `true` or `false`.
#[derive(Debug, Clone, PartialEq)]
pub struct Predicate {
    pub key: String,
    pub op: Op,
    pub value: Value,
    text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Predicate {
    pub fn parse(s: &str) -> Result<Predicate, String> {
        let ops = [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("!=", Op::Ne),
            ("==", Op::Eq),
            ("=", Op::Eq),
            ("<", Op::Lt),
            (">", Op::Gt),
        ];
        let (pos, len, op) = ops
            .iter()
            .filter_map(|(t, op)| s.find(t).map(|p| (p, t.len(), *op)))
            .min_by_key(|(p, len, _)| (*p, usize::MAX - len))
            .ok_or_else(|| {
                format!(
                    "invalid `--where` predicate `{s}`: expected `<attribute> <op> <value>` with op one of `=`, `!=`, `<`, `<=`, `>`, `>=`"
                )
            })?;
        let key = s[..pos].trim();
        let raw = s[pos + len..].trim();
        if key.is_empty() || raw.is_empty() {
            return Err(format!(
                "invalid `--where` predicate `{s}`: both an attribute and a value are needed, e.g. `user.feedback = \"thumbs_down\"`"
            ));
        }
        let value = if let Some(q) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            Value::String(q.to_string())
        } else if let Ok(n) = raw.parse::<f64>() {
            serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
        } else if raw == "true" || raw == "false" {
            Value::Bool(raw == "true")
        } else {
            Value::String(raw.to_string())
        };
        if matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge) && !value.is_number() {
            return Err(format!(
                "invalid `--where` predicate `{s}`: `<`, `<=`, `>`, `>=` compare numbers, got `{raw}`"
            ));
        }
        Ok(Predicate {
            key: key.to_string(),
            op,
            value,
            text: s.trim().to_string(),
        })
    }

    pub fn matches(&self, rec: &TraceRecord) -> bool {
        let Some(actual) = rec.attributes.get(&self.key) else {
            return false;
        };
        let num = |v: &Value| {
            v.as_f64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        };
        match self.op {
            Op::Eq | Op::Ne => {
                let eq = match (num(actual), self.value.as_f64()) {
                    (Some(a), Some(b)) => a == b,
                    _ => match (actual, &self.value) {
                        (Value::String(a), Value::String(b)) => a == b,
                        (a, b) => a == b,
                    },
                };
                eq == (self.op == Op::Eq)
            }
            _ => match (num(actual), self.value.as_f64()) {
                (Some(a), Some(b)) => match self.op {
                    Op::Lt => a < b,
                    Op::Le => a <= b,
                    Op::Gt => a > b,
                    _ => a >= b,
                },
                _ => false,
            },
        }
    }
}

/// The selection flags.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    pub all: bool,
    pub trace_ids: Vec<String>,
    /// All must hold.
    pub wheres: Vec<Predicate>,
    /// Trace ids that failed in a `traces score` results.json.
    pub failed_scores: Option<HashSet<String>>,
}

impl Selector {
    /// Why `rec` is selected, or `None`. With no criterion, traces with an ERROR span are.
    pub fn reason(&self, rec: &TraceRecord) -> Option<String> {
        if self.all {
            return Some("selected with --all".to_string());
        }
        let explicit =
            !self.trace_ids.is_empty() || !self.wheres.is_empty() || self.failed_scores.is_some();
        if !explicit {
            return rec
                .error
                .as_ref()
                .map(|e| format!("span status ERROR: {e}"));
        }
        if self
            .trace_ids
            .iter()
            .any(|t| rec.trace_id.eq_ignore_ascii_case(t))
        {
            return Some("picked with --trace-id".to_string());
        }
        if self
            .failed_scores
            .as_ref()
            .is_some_and(|f| f.contains(&rec.trace_id))
        {
            return Some("failed `evalgate traces score`".to_string());
        }
        if !self.wheres.is_empty() && self.wheres.iter().all(|p| p.matches(rec)) {
            let texts: Vec<&str> = self.wheres.iter().map(|p| p.text.as_str()).collect();
            return Some(format!("where {}", texts.join(" and ")));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rec(attrs: Value) -> TraceRecord {
        TraceRecord {
            trace_id: "ab".repeat(16),
            attributes: serde_json::from_value(attrs).unwrap(),
            ..TraceRecord::default()
        }
    }

    #[test]
    fn predicates_compare_numbers_and_strings() {
        let r = rec(json!({"feedback.score": -1, "user.feedback": "thumbs_down", "n": "3"}));
        for (p, want) in [
            ("feedback.score < 0", true),
            ("feedback.score >= 0", false),
            ("user.feedback = \"thumbs_down\"", true),
            ("user.feedback != thumbs_down", false),
            ("n > 2", true),
            ("missing = 1", false),
        ] {
            assert_eq!(Predicate::parse(p).unwrap().matches(&r), want, "{p}");
        }
        assert!(
            Predicate::parse("score < high")
                .unwrap_err()
                .contains("compare numbers")
        );
        assert!(
            Predicate::parse("no operator")
                .unwrap_err()
                .contains("`=`, `!=`")
        );
    }

    #[test]
    fn default_selects_failing_traces_only() {
        let mut r = rec(json!({}));
        let s = Selector::default();
        assert_eq!(s.reason(&r), None);
        r.error = Some("issue_refund: boom".into());
        assert_eq!(
            s.reason(&r).unwrap(),
            "span status ERROR: issue_refund: boom"
        );
        let w = Selector {
            wheres: vec![Predicate::parse("feedback.score < 0").unwrap()],
            ..Selector::default()
        };
        assert_eq!(w.reason(&r), None, "explicit criteria replace the default");
    }
}
