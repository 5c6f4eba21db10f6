//! [`Secrets`]: the configured secret values, each with the forms it is commonly echoed in,
//! replaced by `***` wherever outside data enters evalgate.
//!
//! Owns which forms are masked (the value; JSON-escaped; percent-encoded `%20` and `+` styles;
//! base64; for a `Basic` authorization header also the decoded `user:pass` and the password),
//! the short-value rule ([`MIN_SECRET_CHARS`]) and the one-pass multi-pattern replacement.
//! It knows no environment and does no I/O: the CLI collects the values and prints the
//! warnings [`SecretsBuilder::warnings`] returns. A warning names a variable, never a value.

use std::borrow::Cow;
use std::collections::BTreeSet;

use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use serde_json::Value;

use super::trace::TraceRecord;
use super::trajectory::Trajectory;

/// What a secret is replaced with.
pub const MASK: &str = "***";

/// Values shorter than this (in characters) are not masked: a 1–3 character secret would mask
/// every occurrence of a common letter or word and make reports unreadable. Each one yields a
/// warning naming its variable.
pub const MIN_SECRET_CHARS: usize = 8;

/// The secret values of a run, ready to mask. Cheap to clone (the matcher is shared); the
/// default masks nothing.
#[derive(Clone, Default)]
pub struct Secrets {
    /// `None` when no secret was configured: masking is then a no-op without a scan.
    matcher: Option<AhoCorasick>,
    patterns: usize,
}

impl std::fmt::Debug for Secrets {
    // Never the values, only how many forms are known.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets")
            .field("forms", &self.patterns)
            .finish()
    }
}

/// Collects values, then [`SecretsBuilder::build`]s the matcher once.
#[derive(Default)]
pub struct SecretsBuilder {
    forms: BTreeSet<String>,
    warnings: BTreeSet<String>,
}

impl SecretsBuilder {
    /// Adds the value of `name` (an environment variable, a flag) with all its forms. Empty
    /// and blank values are ignored (masking them would blank out every run of spaces); short
    /// ones are kept out and noted in [`SecretsBuilder::warnings`].
    pub fn add(&mut self, name: &str, value: &str) -> &mut Self {
        if value.trim().is_empty() {
            return self;
        }
        if value.chars().count() < MIN_SECRET_CHARS {
            self.warnings.insert(format!(
                "{name} is shorter than {MIN_SECRET_CHARS} characters, so its value is not masked in reports, comments or the judge cache"
            ));
            return self;
        }
        self.forms.extend(forms(value));
        self
    }

    /// Adds a header value that was expanded from the environment: the whole value and, for
    /// `Basic` credentials, the base64 part, the decoded `user:pass` and the password alone.
    /// The variables' own values are added by the caller with [`SecretsBuilder::add`].
    pub fn add_header(&mut self, header: &str, value: &str) -> &mut Self {
        // The whole value ("Bearer <token>") is masked quietly when long enough: its variable
        // gets the warning if it is the short part.
        if value.chars().count() >= MIN_SECRET_CHARS {
            self.forms.extend(forms(value));
        }
        let Some((scheme, encoded)) = value.trim().split_once(' ') else {
            return self;
        };
        if !scheme.eq_ignore_ascii_case("basic") {
            return self;
        }
        let encoded = encoded.trim();
        self.add(&format!("the credentials of header `{header}`"), encoded);
        let decoded = STANDARD
            .decode(encoded)
            .ok()
            .and_then(|b| String::from_utf8(b).ok());
        if let Some(pair) = decoded
            && let Some((_, password)) = pair.split_once(':')
        {
            self.add(&format!("the `user:password` of header `{header}`"), &pair);
            self.add(&format!("the password of header `{header}`"), password);
        }
        self
    }

    /// One line per value that is too short to mask (names only).
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.iter().cloned().collect()
    }

    pub fn build(&self) -> Secrets {
        if self.forms.is_empty() {
            return Secrets::default();
        }
        // Leftmost-longest: a secret that contains another is masked whole, not around it.
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&self.forms)
            .expect("a few hundred short literal patterns always build");
        Secrets {
            matcher: Some(matcher),
            patterns: self.forms.len(),
        }
    }
}

impl Secrets {
    pub fn builder() -> SecretsBuilder {
        SecretsBuilder::default()
    }

    pub fn is_empty(&self) -> bool {
        self.matcher.is_none()
    }

    /// Whether `bytes` holds any form of any secret.
    pub fn is_match(&self, bytes: &[u8]) -> bool {
        self.matcher.as_ref().is_some_and(|m| m.is_match(bytes))
    }

    /// `text` with every form of every secret replaced by `***`; borrowed when none occurs.
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        match self.mask_bytes(text.as_bytes()) {
            Cow::Borrowed(_) => Cow::Borrowed(text),
            // Patterns are whole UTF-8 strings, so matches start and end on char boundaries.
            Cow::Owned(bytes) => Cow::Owned(
                String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
        }
    }

    /// [`Secrets::mask`] on bytes (a body that may not be UTF-8).
    pub fn mask_bytes<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        let Some(m) = &self.matcher else {
            return Cow::Borrowed(bytes);
        };
        let mut found = m.find_iter(bytes).peekable();
        if found.peek().is_none() {
            return Cow::Borrowed(bytes);
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut at = 0;
        for hit in found {
            out.extend_from_slice(&bytes[at..hit.start()]);
            out.extend_from_slice(MASK.as_bytes());
            at = hit.end();
        }
        out.extend_from_slice(&bytes[at..]);
        Cow::Owned(out)
    }

    /// Masks a body that is probably JSON, keeping it valid JSON: when a secret occurs, the
    /// document is parsed and every string (and key) masked, so a replacement can never land
    /// inside an escape sequence or a number. A body that is not JSON is masked as bytes.
    pub fn mask_json<'a>(&self, bytes: &'a [u8]) -> Cow<'a, [u8]> {
        if !self.is_match(bytes) {
            return Cow::Borrowed(bytes);
        }
        let Ok(mut value) = serde_json::from_slice::<Value>(bytes) else {
            return self.mask_bytes(bytes);
        };
        self.mask_value(&mut value);
        // No byte pass after this: what still matches is not the secret (`\n` + `abc…` for a
        // secret `nabc…`), and masking it would break an escape.
        Cow::Owned(serde_json::to_vec(&value).unwrap_or_default())
    }

    pub fn mask_string(&self, s: &mut String) {
        if let Cow::Owned(masked) = self.mask(s) {
            *s = masked;
        }
    }

    /// Masks every string and object key in `value`, in place (a number holding a secret
    /// becomes the string `***`).
    pub fn mask_value(&self, value: &mut Value) {
        if self.is_empty() {
            return;
        }
        match value {
            Value::String(s) => self.mask_string(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.mask_value(v)),
            Value::Object(map) => {
                if map.keys().any(|k| self.is_match(k.as_bytes())) {
                    *map = std::mem::take(map)
                        .into_iter()
                        .map(|(k, v)| (self.mask(&k).into_owned(), v))
                        .collect();
                }
                map.values_mut().for_each(|v| self.mask_value(v));
            }
            // A numeric secret (a PIN, an account number) sent as a JSON number.
            Value::Number(n) if self.is_match(n.to_string().as_bytes()) => {
                *value = Value::String(MASK.to_string());
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// Masks the calls, results and answer of a trajectory, in place.
    pub fn mask_trajectory(&self, t: &mut Trajectory) {
        if self.is_empty() {
            return;
        }
        for call in &mut t.calls {
            self.mask_string(&mut call.name);
            self.mask_value(&mut call.arguments);
            if let Some(result) = &mut call.result {
                self.mask_value(result);
            }
        }
        if let Some(answer) = &mut t.final_response {
            self.mask_string(answer);
        }
    }

    /// Masks every text a trace record carries (ids and times are evalgate's own or hex).
    pub fn mask_trace(&self, r: &mut TraceRecord) {
        if self.is_empty() {
            return;
        }
        r.inputs.iter_mut().for_each(|s| self.mask_string(s));
        self.mask_trajectory(&mut r.trajectory);
        if r.attributes.keys().any(|k| self.is_match(k.as_bytes())) {
            r.attributes = std::mem::take(&mut r.attributes)
                .into_iter()
                .map(|(k, v)| (self.mask(&k).into_owned(), v))
                .collect();
        }
        r.attributes.values_mut().for_each(|v| self.mask_value(v));
        for s in [&mut r.service, &mut r.error].into_iter().flatten() {
            self.mask_string(s);
        }
    }
}

/// The forms `value` is commonly echoed in, the value itself first.
fn forms(value: &str) -> Vec<String> {
    let mut out = vec![value.to_string()];
    // Inside a JSON string: serde's escapes, `\/` (PHP and some Java encoders) and `\uXXXX`
    // for non-ASCII (Python's `json.dumps` default).
    let json = serde_json::to_string(value).unwrap_or_default();
    let json = json
        .strip_prefix('"')
        .and_then(|j| j.strip_suffix('"'))
        .unwrap_or(value)
        .to_string();
    if json.contains('/') {
        out.push(json.replace('/', "\\/"));
    }
    if !json.is_ascii() {
        out.push(ascii_json(&json));
    }
    out.push(json);
    // Percent-encoded: everything but the unreserved characters; with `/` kept (Python's
    // `quote`); form style (`+` for a space); lowercase hex.
    let strict = percent(value, b"", false);
    out.push(percent(value, b"/", false));
    out.push(percent(value, b"", true));
    out.push(lowercase_hex(&strict));
    out.push(strict);
    // Base64, standard and URL-safe, unpadded; and the whole 3-byte groups alone, which are
    // also how the value starts inside a longer encoded text.
    let whole = &value.as_bytes()[..value.len() / 3 * 3];
    for engine in [STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
        out.push(engine.encode(value));
        if !whole.is_empty() {
            out.push(engine.encode(whole));
        }
    }
    out
}

fn ascii_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

fn percent(value: &str, keep: &[u8], plus_for_space: bool) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for &b in value.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char);
            }
            b' ' if plus_for_space => out.push('+'),
            _ if keep.contains(&b) => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `%2F` → `%2f`, leaving the unencoded characters as they are.
fn lowercase_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut hex_left = 0;
    for c in encoded.chars() {
        if c == '%' {
            hex_left = 2;
            out.push(c);
        } else if hex_left > 0 {
            hex_left -= 1;
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
#[path = "secret_tests.rs"]
mod tests;
