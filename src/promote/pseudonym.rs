//! Pseudonyms for PII in promoted cases: each distinct value of a kind gets a realistic fake,
//! the same one everywhere in one case (input, arguments, fixtures, expectations), so a replayed
//! agent makes the same calls it made in production.
//!
//! A fake is derived from the case's scope (its trace id), the kind and the order in which the
//! value first appeared, never from the value itself: nothing about the original can be
//! recovered from it, and promoting the same trace twice writes the same fakes (so dedupe and
//! reviews stay stable). Fakes use reserved ranges: `example.invalid` mail, `555-01xx` phone
//! numbers, TEST-NET addresses (RFC 5737, RFC 3849), a `4000…` card number with a valid Luhn
//! digit, a `GB…TEST…` IBAN with valid check digits. Person names are learnt from the values
//! of name-like keys in tool arguments and results (`name`, `full_name`, `customer_name`, …)
//! and replaced wherever they appear in the case. Secrets are not pseudonymized (they stay
//! `[redacted:<kind>]`: a replay has no use for them). Pure: no I/O.

use std::collections::HashMap;

use serde_json::Value;

/// The keys whose string values are person names, unless the config names others.
pub const DEFAULT_NAME_KEYS: &[&str] = &[
    "name",
    "full_name",
    "fullname",
    "customer_name",
    "first_name",
    "last_name",
    "contact_name",
    "account_holder",
];

/// The kinds that get pseudonyms; every other kind keeps its placeholder.
pub const KINDS: &[&str] = &[
    "email",
    "phone",
    "card_number",
    "iban",
    "ipv4",
    "ipv6",
    "person_name",
];

const FIRST: &[&str] = &[
    "Alex", "Sam", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn",
    "Robin", "Drew",
];
const LAST: &[&str] = &[
    "Doe", "Roe", "Vale", "Lark", "Moss", "Reed", "Hale", "Penn", "Ash", "Wren", "Frost", "Gale",
];

/// The fakes of one case.
#[derive(Debug, Default)]
pub struct Pseudonyms {
    scope: String,
    /// `(kind, original)` → fake.
    fakes: HashMap<(&'static str, String), String>,
    /// Values seen per kind (the next ordinal).
    seen: HashMap<&'static str, usize>,
    /// Learnt person names (and their capitalised parts), longest first, with their fakes.
    names: Vec<(String, String)>,
    name_keys: Vec<String>,
}

impl Pseudonyms {
    pub fn new(name_keys: &[String]) -> Self {
        Pseudonyms {
            name_keys: if name_keys.is_empty() {
                DEFAULT_NAME_KEYS.iter().map(|k| k.to_string()).collect()
            } else {
                name_keys.iter().map(|k| k.to_lowercase()).collect()
            },
            ..Pseudonyms::default()
        }
    }

    /// Starts a new case: fakes from here on are consistent within `scope` only.
    pub fn begin(&mut self, scope: &str) {
        self.scope = scope.to_string();
        self.fakes.clear();
        self.seen.clear();
        self.names.clear();
    }

    /// The fake for `original` of `kind` in this case (the same every time it is asked).
    pub fn fake(&mut self, kind: &'static str, original: &str) -> String {
        let key = (kind, original.to_string());
        if let Some(f) = self.fakes.get(&key) {
            return f.clone();
        }
        let n = self.seen.entry(kind).or_default();
        *n += 1;
        let fake = make(kind, *n, hash(&self.scope, kind, *n));
        self.fakes.insert(key, fake.clone());
        fake
    }

    /// Learns the person names held by name-like keys anywhere in `v`.
    pub fn learn_names(&mut self, v: &Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match x {
                        Value::String(s) if self.name_keys.contains(&k.to_lowercase()) => {
                            self.learn_name(s)
                        }
                        _ => self.learn_names(x),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| self.learn_names(x)),
            _ => {}
        }
    }

    fn learn_name(&mut self, name: &str) {
        let name = name.trim();
        // Not a name: empty, one letter, or something the other kinds handle (an email).
        if name.chars().count() < 2 || name.contains('@') || name.contains('[') {
            return;
        }
        if self.names.iter().any(|(o, _)| o == name) {
            return;
        }
        let fake = self.fake("person_name", name);
        self.names.push((name.to_string(), fake.clone()));
        // "Hi Dana" after `full_name: Dana Whitfield`: the capitalised parts are the person too.
        let parts: Vec<&str> = name.split_whitespace().collect();
        let fakes: Vec<&str> = fake.split_whitespace().collect();
        if parts.len() > 1 && parts.len() == fakes.len() {
            for (p, f) in parts.iter().zip(&fakes) {
                let capitalised = p.chars().next().is_some_and(char::is_uppercase);
                if capitalised && p.chars().count() >= 3 && !self.names.iter().any(|(o, _)| o == p)
                {
                    self.names.push((p.to_string(), f.to_string()));
                }
            }
        }
        self.names.sort_by_key(|(o, _)| std::cmp::Reverse(o.len()));
    }

    /// Replaces the learnt names in `s` (whole words only); returns how many.
    pub fn replace_names(&self, s: &str) -> (String, usize) {
        let mut out = s.to_string();
        let mut count = 0;
        for (original, fake) in &self.names {
            let mut rebuilt = String::with_capacity(out.len());
            let mut rest = out.as_str();
            while let Some(i) = rest.find(original.as_str()) {
                let before = rest[..i].chars().next_back();
                let after = rest[i + original.len()..].chars().next();
                let word = !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric);
                rebuilt.push_str(&rest[..i]);
                rebuilt.push_str(if word { fake } else { original });
                count += usize::from(word);
                rest = &rest[i + original.len()..];
            }
            rebuilt.push_str(rest);
            out = rebuilt;
        }
        (out, count)
    }
}

/// FNV-1a over the scope, kind and ordinal: a stable pseudo-random choice per fake.
fn hash(scope: &str, kind: &str, n: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in scope.bytes().chain([0]).chain(kind.bytes()).chain([0]) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    for b in n.to_le_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn make(kind: &str, n: usize, h: u64) -> String {
    match kind {
        "email" => format!("user-{:04x}@example.invalid", (h as u16) ^ n as u16),
        // 555-0100 … 555-0199 are reserved for fiction; beyond that, still 555.
        "phone" if n <= 100 => format!("+1 555-01{:02}", n - 1),
        "phone" => format!("+1 555-{:04}", n % 10_000),
        "card_number" => {
            let body = format!("400000{:09}", n % 1_000_000_000);
            let digits = format!("{body}{}", luhn_digit(&body));
            digits
                .as_bytes()
                .chunks(4)
                .map(|c| std::str::from_utf8(c).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" ")
        }
        "iban" => {
            let bban = format!("TEST000000{:08}", n % 100_000_000);
            format!("GB{:02}{bban}", iban_check("GB", &bban))
        }
        "ipv4" => {
            let nets = ["192.0.2", "198.51.100", "203.0.113"];
            format!("{}.{}", nets[(n - 1) / 254 % 3], (n - 1) % 254 + 1)
        }
        "ipv6" => format!("2001:db8::{:x}", n),
        "person_name" => format!(
            "{} {}",
            FIRST[(h % FIRST.len() as u64) as usize],
            LAST[((h >> 16) % LAST.len() as u64) as usize]
        ),
        _ => format!("[redacted:{kind}]"),
    }
}

/// The check digit that makes `body` + digit pass Luhn.
fn luhn_digit(body: &str) -> u32 {
    let sum: u32 = body
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// ISO 13616 check digits for `country` + `bban`.
fn iban_check(country: &str, bban: &str) -> u32 {
    let rearranged = format!("{bban}{country}00");
    let mut rem: u32 = 0;
    for c in rearranged.chars() {
        let v = c.to_digit(36).unwrap_or(0);
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    98 - rem
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::promote::redact::{iban_ok, luhn_ok};
    use serde_json::json;

    #[test]
    fn fakes_are_stable_per_value_and_distinct_between_values() {
        let mut p = Pseudonyms::new(&[]);
        p.begin("trace-1");
        let a = p.fake("email", "dana.w@corp.com");
        let b = p.fake("email", "bob@corp.com");
        assert_eq!(p.fake("email", "dana.w@corp.com"), a);
        assert_ne!(a, b);
        assert!(
            a.starts_with("user-") && a.ends_with("@example.invalid"),
            "{a}"
        );
        // The same trace promoted again writes the same fakes; another trace, other fakes.
        p.begin("trace-1");
        assert_eq!(p.fake("email", "dana.w@corp.com"), a);
        p.begin("trace-2");
        assert_ne!(p.fake("email", "dana.w@corp.com"), a);
    }

    #[test]
    fn fakes_are_valid_of_their_kind_and_in_reserved_ranges() {
        let mut p = Pseudonyms::new(&[]);
        p.begin("t");
        for i in 0..300 {
            let card = p.fake("card_number", &format!("card {i}"));
            assert!(luhn_ok(&card), "{card}");
            assert!(card.starts_with("4000 00"), "{card}");
            let iban = p.fake("iban", &format!("iban {i}"));
            assert!(iban_ok(&iban), "{iban}");
            let ip: std::net::Ipv4Addr = p.fake("ipv4", &format!("ip {i}")).parse().unwrap();
            let o = ip.octets();
            assert!(
                matches!(
                    (o[0], o[1], o[2]),
                    (192, 0, 2) | (198, 51, 100) | (203, 0, 113)
                ),
                "{ip}"
            );
            let _: std::net::Ipv6Addr = p.fake("ipv6", &format!("ip {i}")).parse().unwrap();
        }
        assert_eq!(p.fake("phone", "+44 20 7946 0958"), "+1 555-0100");
    }

    #[test]
    fn names_are_learnt_from_name_keys_and_replaced_as_whole_words() {
        let mut p = Pseudonyms::new(&[]);
        p.begin("t");
        p.learn_names(
            &json!({"customer": {"full_name": "Dana Whitfield", "plan": "pro"},
                              "items": [{"name": "x"}]}),
        );
        let (out, n) =
            p.replace_names("Dana Whitfield wrote; hi Dana, Danавич and Whitfields stay");
        let fake = p.fake("person_name", "Dana Whitfield");
        let first = fake.split(' ').next().unwrap();
        assert_eq!(
            out,
            format!("{fake} wrote; hi {first}, Danавич and Whitfields stay")
        );
        assert_eq!(n, 2);
        // A one-letter value is not a name.
        assert!(!out.contains(" x "));
    }

    #[test]
    fn configured_name_keys_replace_the_defaults() {
        let mut p = Pseudonyms::new(&["Holder".to_string()]);
        p.begin("t");
        p.learn_names(&json!({"holder": "Ann Lee", "name": "Widget Pro"}));
        assert_ne!(p.replace_names("Ann Lee").0, "Ann Lee");
        assert_eq!(p.replace_names("Widget Pro").0, "Widget Pro");
    }
}
