//! Redaction corpora, generated deterministically: planted secrets and PII of every kind must all
//! go; ordinary support text must stay (at most 1% of sentences touched).

use super::*;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn pick(rng: &mut fastrand::Rng, set: &[u8], n: usize) -> String {
    (0..n)
        .map(|_| set[rng.usize(..set.len())] as char)
        .collect()
}

fn digits_str(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.u8(0..10))).collect()
}

fn luhn_digit(body: &str) -> u32 {
    (0..10)
        .find(|d| luhn_ok(&format!("{body}{d}")))
        .expect("a check digit exists")
}

fn card(rng: &mut fastrand::Rng) -> String {
    let prefix = ["4", "51", "37", "6011"][rng.usize(..4)];
    let len = if prefix == "37" { 15 } else { 16 };
    let body = format!("{prefix}{}", digits_str(rng, len - 1 - prefix.len()));
    let full = format!("{body}{}", luhn_digit(&body));
    match rng.u8(0..3) {
        0 => full,
        1 => full
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" "),
        _ => full
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join("-"),
    }
}

fn iban(rng: &mut fastrand::Rng) -> String {
    let (cc, len) = [("DE", 18), ("FR", 23), ("GB", 18), ("NL", 14)][rng.usize(..4)];
    let bban = if cc == "GB" || cc == "NL" {
        format!(
            "{}{}",
            pick(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4),
            digits_str(rng, len - 4)
        )
    } else {
        digits_str(rng, len)
    };
    let check = (1..=98)
        .find(|c| iban_ok(&format!("{cc}{c:02}{bban}")))
        .expect("a check exists");
    let compact = format!("{cc}{check:02}{bban}");
    if rng.bool() {
        compact
    } else {
        compact
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn b64url(rng: &mut fastrand::Rng, n: usize) -> String {
    pick(
        rng,
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        n,
    )
}

fn planted(rng: &mut fastrand::Rng, kind: &str) -> String {
    match kind {
        "email" => format!(
            "{}.{}@{}.{}",
            pick(rng, b"abcdefghij", 5),
            rng.u16(1..999),
            pick(rng, b"klmnopqrst", 6),
            ["com", "org", "co.uk", "io"][rng.usize(..4)]
        ),
        "phone" => match rng.u8(0..4) {
            0 => format!("+1 415-555-{}", digits_str(rng, 4)),
            1 => format!("(212) 555-{}", digits_str(rng, 4)),
            2 => format!("+44 20 7946 {}", digits_str(rng, 4)),
            _ => format!("+49151{}", digits_str(rng, 8)),
        },
        "card_number" => card(rng),
        "iban" => iban(rng),
        "api_key" => format!(
            "sk-{}{}",
            ["", "proj-"][rng.usize(..2)],
            pick(rng, ALNUM, 40)
        ),
        "github_token" => format!("ghp_{}", pick(rng, ALNUM, 36)),
        "aws_access_key" => format!("AKIA{}", pick(rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
        "bearer_token" => pick(rng, ALNUM, 32),
        "jwt" => format!(
            "eyJ{}.eyJ{}.{}",
            b64url(rng, 30),
            b64url(rng, 60),
            b64url(rng, 43)
        ),
        "ipv4" => format!(
            "{}.{}.{}.{}",
            rng.u8(1..=223),
            rng.u8(..),
            rng.u8(..),
            rng.u8(1..255)
        ),
        "ipv6" => {
            if rng.bool() {
                (0..8)
                    .map(|_| format!("{:x}", rng.u16(..)))
                    .collect::<Vec<_>>()
                    .join(":")
            } else {
                format!("2001:db8::{:x}:{:x}", rng.u16(1..), rng.u16(1..))
            }
        }
        "custom" => format!("ACCT-{}", digits_str(rng, 7)),
        _ => unreachable!("unknown kind {kind}"),
    }
}

const KINDS: [&str; 13] = [
    "email",
    "phone",
    "card_number",
    "iban",
    "api_key",
    "github_token",
    "aws_access_key",
    "bearer_token",
    "jwt",
    "ipv4",
    "ipv6",
    "custom",
    "email",
];

const FRAMES: [&str; 6] = [
    "Hi, my details are {} and the invoice is INV-2207 for $740.",
    "please use {} for this ticket #48213, thanks!",
    "Customer wrote: \"refund me, reach me via {}\" on 2026-11-03 at 10:30.",
    "{}",
    "Logged from the app (v2.4.1): value={}; plan=pro, 3 seats.",
    "Can you check {}? It was charged twice (order 123456).",
];

fn custom() -> Vec<Regex> {
    vec![Regex::new(r"\bACCT-\d{7}\b").unwrap()]
}

/// The planted corpus: 312 items, every kind in turn, each in an ordinary sentence, as
/// `(kind, planted value, text)`; deterministic (seed 7).
fn planted_corpus() -> Vec<(&'static str, String, String)> {
    let mut rng = fastrand::Rng::with_seed(7);
    (0..312)
        .map(|i| {
            let kind = KINDS[i % KINDS.len()];
            let value = planted(&mut rng, kind);
            let shown = if kind == "bearer_token" {
                format!("Authorization: Bearer {value}")
            } else {
                value.clone()
            };
            let text = FRAMES[i % FRAMES.len()].replace("{}", &shown);
            (kind, value, text)
        })
        .collect()
}

#[test]
fn every_planted_secret_and_pii_item_is_redacted() {
    let mut red = Redactor::new(custom());
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0;
    for (kind, value, text) in planted_corpus() {
        let out = red.text(&text);
        assert!(
            !out.contains(&value),
            "{kind} `{value}` survived in `{out}`"
        );
        assert!(
            out.contains(&format!("[redacted:{kind}]")),
            "{kind}: `{out}`"
        );
        *expected.entry(kind.to_string()).or_default() += 1;
        total += 1;
    }
    assert!(total >= 200);
    assert_eq!(
        red.counts(),
        &expected,
        "one redaction per planted item, by kind"
    );
}

#[test]
fn ordinary_support_text_is_left_alone() {
    let mut rng = fastrand::Rng::with_seed(11);
    let templates = [
        "Invoice INV-{n4} for ${n3}.{n2} was charged on 2026-{m}-{d}.",
        "My order {n6} arrived late, can I get a refund of {n2} dollars?",
        "I upgraded to the pro plan with {n1} seats last week.",
        "The app version {n1}.{n1}.{n2} crashes when I open billing.",
        "Please call me back after {n1}pm, thanks.",
        "Ticket #{n5} is still open since {m}/{d}/2026.",
        "We were billed {n2}% more than last month: {n4} vs {n4}.",
        "Our team of {n2} people uses about {n1},{n3} API calls a day.",
        "The meeting is at 10:{n2} and the zip code is {n5}.",
        "Can you escalate invoice INV-{n4}? It's ${n3} and I was double charged.",
        "Shipping tracking 1Z{n3}AA{n8} shows it in transit.",
        "I tried card ending in {n4} but it was declined.",
    ];
    let mut red = Redactor::new(custom());
    let mut touched = Vec::new();
    let n = 1200;
    for i in 0..n {
        let mut t = templates[i % templates.len()].to_string();
        for (key, len) in [
            ("{n1}", 1),
            ("{n2}", 2),
            ("{n3}", 3),
            ("{n4}", 4),
            ("{n5}", 5),
            ("{n6}", 6),
            ("{n8}", 8),
        ] {
            while let Some(p) = t.find(key) {
                let v = format!(
                    "{}",
                    rng.u64(1..10) * 10u64.pow(len - 1) + rng.u64(..10u64.pow(len - 1))
                );
                t.replace_range(p..p + key.len(), &v);
            }
        }
        t = t
            .replace("{m}", &format!("{:02}", rng.u8(1..13)))
            .replace("{d}", &format!("{:02}", rng.u8(1..29)));
        let out = red.text(&t);
        if out != t {
            touched.push(out);
        }
    }
    assert!(
        touched.len() * 100 <= n,
        "{} of {n} clean sentences were changed: {:?}",
        touched.len(),
        &touched[..touched.len().min(5)]
    );
}

#[test]
fn checks_reject_lookalikes() {
    assert!(luhn_ok("4111 1111 1111 1111"));
    assert!(!luhn_ok("4111 1111 1111 1112"));
    assert!(iban_ok("DE89 3704 0044 0532 0130 00"));
    assert!(iban_ok("GB82WEST12345698765432"));
    assert!(!iban_ok("DE89 3704 0044 0532 0130 01"));
    let mut red = Redactor::default();
    assert_eq!(red.text("order 4111111111111112"), "order 4111111111111112");
    assert_eq!(red.text("at 10:30:00 today"), "at 10:30:00 today");
    assert_eq!(
        red.text("Authorization: Bearer abcdefghijklmnop123"),
        "Authorization: Bearer [redacted:bearer_token]"
    );
    assert_eq!(
        red.json(&serde_json::json!({"card": 4111111111111111u64, "n": 740})),
        serde_json::json!({"card": "[redacted:card_number]", "n": 740})
    );
}

/// The same corpus through the redactor `promote` uses: PII becomes fakes of its kind (nothing of
/// the original survives, and no fake is re-redacted as another kind), secrets placeholders.
#[test]
fn every_planted_item_is_pseudonymized_or_redacted_for_promote() {
    let mut red = Redactor::pseudonymizing(custom(), &[]);
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (kind, value, text)) in planted_corpus().into_iter().enumerate() {
        red.begin_case(&format!("trace-{i}"));
        let out = red.text(&text);
        assert!(
            !out.contains(&value),
            "{kind} `{value}` survived in `{out}`"
        );
        let pseudonymized = crate::promote::pseudonym::KINDS.contains(&kind);
        assert_eq!(
            out.contains("[redacted:"),
            !pseudonymized,
            "{kind}: `{out}`"
        );
        assert!(
            !out.contains('\u{E000}') && !out.contains('\u{E001}'),
            "{out:?}"
        );
        *expected.entry(kind.to_string()).or_default() += 1;
    }
    assert_eq!(red.counts(), &expected, "one replacement per item, by kind");
}

#[test]
fn a_value_gets_one_fake_everywhere_in_a_case() {
    let mut red = Redactor::pseudonymizing(Vec::new(), &[]);
    red.begin_case("trace-a");
    red.learn_names(&serde_json::json!({"customer_name": "Dana Whitfield"}));
    let input =
        red.text("I'm Dana Whitfield, dana.w@corp.com; refund to GB82 WEST 1234 5698 7654 32");
    let args =
        red.json(&serde_json::json!({"email": "dana.w@corp.com", "holder": "Dana Whitfield"}));
    let email = args["email"].as_str().unwrap();
    let name = args["holder"].as_str().unwrap();
    assert!(
        input.contains(email) && input.contains(name),
        "{input} / {args}"
    );
    assert!(
        !input.contains("Dana") && !input.contains("dana.w"),
        "{input}"
    );
    // The fake IBAN is whole: its digits were not taken for a card number.
    let iban = input.rsplit("refund to ").next().unwrap();
    assert!(crate::promote::redact::iban_ok(iban), "{iban}");
    // Another case: other fakes for the same values.
    red.begin_case("trace-b");
    assert_ne!(red.text("dana.w@corp.com"), email);
}
