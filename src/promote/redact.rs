//! Redaction of PII and secrets before anything from production is written (DESIGN §10).
//!
//! Kinds, applied in this order so that longer secrets are taken whole before their parts could
//! look like something else: `jwt`, `bearer_token`, `api_key` (`sk-…`, `xox?-…`, `AIza…`),
//! `github_token` (`ghp_…`, `gho_…`, `ghs_…`, `ghu_…`, `ghr_…`, `github_pat_…`),
//! `aws_access_key` (`AKIA…`, `ASIA…`), `email`, `iban` (mod-97 check), `card_number` (13–19
//! digits, Luhn check), `ipv6` (parsed by `std::net`), `ipv4`, `phone`, then the user's patterns
//! (`custom`). Each match becomes `[redacted:<kind>]`; placeholders hold no digits, so later
//! kinds never match inside them. Pure: no I/O.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::{Captures, Regex};
use serde_json::Value;

use super::pseudonym::{self, Pseudonyms};

struct Rule {
    kind: &'static str,
    re: Regex,
    /// Extra check on the match (Luhn, mod-97, address parse).
    valid: fn(&str) -> bool,
    /// Capture group to replace (0 = the whole match).
    group: usize,
}

fn always(_: &str) -> bool {
    true
}

fn rule(kind: &'static str, re: &str, valid: fn(&str) -> bool, group: usize) -> Rule {
    Rule {
        kind,
        re: Regex::new(re).expect("valid redaction regex"),
        valid,
        group,
    }
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    vec![
        rule(
            "jwt",
            r"\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}",
            always,
            0,
        ),
        rule(
            "bearer_token",
            r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{12,}=*)",
            always,
            1,
        ),
        rule(
            "api_key",
            r"\b(?:sk-(?:proj-|ant-|live_|test_)?[A-Za-z0-9_-]{16,}|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})",
            always,
            0,
        ),
        rule(
            "github_token",
            r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})",
            always,
            0,
        ),
        rule(
            "aws_access_key",
            r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
            always,
            0,
        ),
        rule(
            "email",
            r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
            always,
            0,
        ),
        rule(
            "iban",
            r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b",
            iban_ok,
            0,
        ),
        // Not after `+`: an international phone number can pass Luhn by chance.
        rule(
            "card_number",
            r"(?:^|[^+\w])(\d(?:[ -]?\d){12,18})\b",
            luhn_ok,
            1,
        ),
        rule(
            "ipv6",
            r"(?i)(?:\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}|::(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4}\b)",
            ipv6_ok,
            0,
        ),
        rule(
            "ipv4",
            r"\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b",
            always,
            0,
        ),
        rule(
            "phone",
            r"(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\b\d{2,4}[ .-])\d{3,4}[ .-]\d{3,4}\b|\+\d{8,15}\b",
            phone_ok,
            0,
        ),
    ]
});

fn digits(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// Luhn checksum over the digits (separators ignored).
pub(crate) fn luhn_ok(s: &str) -> bool {
    let d = digits(s);
    if !(13..=19).contains(&d.len()) {
        return false;
    }
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 { y - 9 } else { y }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 = 1.
pub(crate) fn iban_ok(s: &str) -> bool {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if !(15..=34).contains(&compact.len()) {
        return false;
    }
    let rearranged = compact[4..].chars().chain(compact[..4].chars());
    let mut rem: u32 = 0;
    for c in rearranged {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

fn ipv6_ok(s: &str) -> bool {
    s.parse::<std::net::Ipv6Addr>().is_ok()
}

fn phone_ok(s: &str) -> bool {
    (8..=15).contains(&digits(s).len())
}

/// Redacts text and JSON values, counting what it replaced by kind.
#[derive(Debug, Default)]
pub struct Redactor {
    custom: Vec<Regex>,
    counts: BTreeMap<String, usize>,
    /// Set for promoted cases: PII kinds get consistent fakes instead of placeholders.
    pseudonyms: Option<Pseudonyms>,
}

/// Brackets a pseudonym until every rule has run, so no later rule matches inside a fake (a
/// fake IBAN's digits could look like a card number). Private-use characters and a letter
/// index: nothing a rule matches.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

impl Redactor {
    /// A redactor with the built-in kinds and the user's extra patterns (kind `custom`); every
    /// match becomes `[redacted:<kind>]` (for logs and exports).
    pub fn new(custom: Vec<Regex>) -> Self {
        Redactor {
            custom,
            ..Redactor::default()
        }
    }

    /// A redactor for promoted cases: PII ([`pseudonym::KINDS`]) becomes realistic fakes,
    /// consistent within the case started by [`Redactor::begin_case`]; person names are learnt
    /// from `name_keys` (default [`pseudonym::DEFAULT_NAME_KEYS`]); secrets stay placeholders.
    pub fn pseudonymizing(custom: Vec<Regex>, name_keys: &[String]) -> Self {
        Redactor {
            custom,
            pseudonyms: Some(Pseudonyms::new(name_keys)),
            ..Redactor::default()
        }
    }

    /// Starts a new case (scenario): pseudonyms are consistent within it.
    pub fn begin_case(&mut self, scope: &str) {
        if let Some(p) = &mut self.pseudonyms {
            p.begin(scope);
        }
    }

    /// Learns the person names held by name-like keys in `v` (tool arguments and results), to
    /// replace them everywhere in the case.
    pub fn learn_names(&mut self, v: &Value) {
        if let Some(p) = &mut self.pseudonyms {
            p.learn_names(v);
        }
    }

    fn count(&mut self, kind: &str, n: usize) {
        if n > 0 {
            *self.counts.entry(kind.to_string()).or_default() += n;
        }
    }

    /// Redactions made so far, by kind.
    pub fn counts(&self) -> &BTreeMap<String, usize> {
        &self.counts
    }

    pub fn text(&mut self, s: &str) -> String {
        let mut out = s.to_string();
        if let Some(p) = &self.pseudonyms {
            let (replaced, n) = p.replace_names(&out);
            out = replaced;
            self.count("person_name", n);
        }
        // Fakes waiting to be put in, indexed by the letters between OPEN and CLOSE.
        let mut held: Vec<String> = Vec::new();
        for r in RULES.iter() {
            if !r.re.is_match(&out) {
                continue;
            }
            let mut n = 0;
            let pseudonyms = self
                .pseudonyms
                .as_mut()
                .filter(|_| pseudonym::KINDS.contains(&r.kind));
            let mut pseudonyms = pseudonyms;
            out =
                r.re.replace_all(&out, |c: &Captures| {
                    let m = c.get(r.group).unwrap_or_else(|| c.get(0).expect("match"));
                    if !(r.valid)(m.as_str()) {
                        return c[0].to_string();
                    }
                    n += 1;
                    let whole = c.get(0).expect("match");
                    let (a, b) = (m.start() - whole.start(), m.end() - whole.start());
                    let replacement = match pseudonyms.as_deref_mut() {
                        Some(p) => {
                            held.push(p.fake(r.kind, m.as_str()));
                            format!("{OPEN}{}{CLOSE}", letters(held.len() - 1))
                        }
                        None => format!("[redacted:{}]", r.kind),
                    };
                    format!("{}{replacement}{}", &c[0][..a], &c[0][b..])
                })
                .into_owned();
            self.count(r.kind, n);
        }
        let mut custom = 0;
        for re in &self.custom {
            let n = re.find_iter(&out).count();
            if n > 0 {
                out = re.replace_all(&out, "[redacted:custom]").into_owned();
                custom += n;
            }
        }
        self.count("custom", custom);
        if held.is_empty() {
            return out;
        }
        put_back(&out, &held)
    }

    /// Redacts every string in a JSON value (object keys included).
    pub fn json(&mut self, v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(a) => Value::Array(a.iter().map(|x| self.json(x)).collect()),
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, x)| (self.text(k), self.json(x)))
                    .collect(),
            ),
            Value::Number(n) if n.is_u64() && luhn_ok(&n.to_string()) => {
                self.count("card_number", 1);
                Value::String(match &mut self.pseudonyms {
                    Some(p) => p.fake("card_number", &n.to_string()),
                    None => "[redacted:card_number]".to_string(),
                })
            }
            other => other.clone(),
        }
    }
}

/// `0` → `a`, `25` → `z`, `26` → `ba`: an index without digits.
fn letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'a' + (i % 26) as u8);
        i /= 26;
        if i == 0 {
            break;
        }
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Replaces each `OPEN letters CLOSE` by the held fake it indexes.
fn put_back(s: &str, held: &[String]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + OPEN.len_utf8()..];
        match after.find(CLOSE) {
            Some(j) => {
                let idx = after[..j]
                    .bytes()
                    .try_fold(0usize, |acc, b| {
                        b.is_ascii_lowercase()
                            .then(|| acc * 26 + usize::from(b - b'a'))
                    })
                    .and_then(|k| held.get(k));
                match idx {
                    Some(fake) => out.push_str(fake),
                    // Not ours (the input carried these characters): drop the bracket.
                    None => out.push_str(&after[..j]),
                }
                rest = &after[j + CLOSE.len_utf8()..];
            }
            None => {
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
