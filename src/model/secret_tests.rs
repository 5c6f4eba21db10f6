use super::*;
use base64::engine::general_purpose::URL_SAFE;

const TOKEN: &str = "tok-Ab/9+x y\"é";

fn secrets(values: &[&str]) -> Secrets {
    let mut b = Secrets::builder();
    for v in values {
        b.add("VAR", v);
    }
    b.build()
}

/// The forms a test greps for: raw, JSON-escaped, both percent styles, base64.
fn echoed_forms(v: &str) -> Vec<String> {
    let json = serde_json::to_string(v).unwrap();
    vec![
        v.to_string(),
        json[1..json.len() - 1].to_string(),
        percent(v, b"", false),
        percent(v, b"", true),
        STANDARD.encode(v),
        URL_SAFE.encode(v),
    ]
}

#[test]
fn every_form_is_masked_inside_text() {
    let s = secrets(&[TOKEN]);
    for form in echoed_forms(TOKEN) {
        let text = format!("before {form} after");
        let masked = s.mask(&text);
        assert!(!masked.contains(&form), "{form} survived in {masked}");
        assert!(masked.starts_with("before ***"), "{masked}");
    }
}

#[test]
fn nothing_to_mask_borrows() {
    let s = secrets(&["a-long-secret"]);
    assert!(matches!(s.mask("plain text"), Cow::Borrowed(_)));
    assert!(matches!(s.mask_bytes(b"plain"), Cow::Borrowed(_)));
    assert!(matches!(s.mask_json(br#"{"a":1}"#), Cow::Borrowed(_)));
    let none = Secrets::default();
    assert!(none.is_empty());
    assert!(matches!(none.mask("a-long-secret"), Cow::Borrowed(_)));
}

#[test]
fn the_longest_secret_is_masked_whole() {
    let s = secrets(&["abcdefgh", "abcdefgh-and-more"]);
    assert_eq!(s.mask("x abcdefgh-and-more y abcdefgh"), "x *** y ***");
}

#[test]
fn short_values_are_not_masked_and_warn_by_name() {
    let mut b = Secrets::builder();
    b.add("`SHORT`", "abc")
        .add("`EMPTY`", "")
        .add("`BLANK`", "          ")
        .add("`SHORT`", "abc");
    let s = b.build();
    assert!(s.is_empty());
    assert_eq!(s.mask("abc abc"), "abc abc");
    let warnings = b.warnings();
    assert_eq!(
        warnings.len(),
        1,
        "once per name, none for empty or blank values"
    );
    assert!(!warnings[0].contains("abc"), "never the value");
    insta::assert_snapshot!(warnings[0], @"`SHORT` is shorter than 8 characters, so its value is not masked in reports, comments or the judge cache");
}

#[test]
fn basic_credentials_mask_the_pair_and_the_password() {
    let pair = "robot:pa55-w0rd-long";
    let header = format!("Basic {}", STANDARD.encode(pair));
    let mut b = Secrets::builder();
    b.add_header("Authorization", &header);
    let s = b.build();
    assert_eq!(s.mask(&header), "***");
    assert_eq!(s.mask(&STANDARD.encode(pair)), "***");
    assert_eq!(s.mask(&format!("got {pair}")), "got ***");
    assert_eq!(s.mask("password=pa55-w0rd-long"), "password=***");
    assert_eq!(
        s.mask("user robot"),
        "user robot",
        "the user name is no secret"
    );
    // A short password is left alone, with a warning naming the header.
    let mut b = Secrets::builder();
    b.add_header(
        "Authorization",
        &format!("Basic {}", STANDARD.encode("robot:pw")),
    );
    assert_eq!(
        b.warnings(),
        [
            "the password of header `Authorization` is shorter than 8 characters, so its value is not masked in reports, comments or the judge cache"
        ]
    );
}

#[test]
fn json_stays_json_and_escaped_forms_go() {
    let s = secrets(&[TOKEN, "nabcdefgh", "12345678"]);
    let body = serde_json::json!({
        "answer": format!("your key is {TOKEN}"),
        TOKEN: [{"args": format!("{{\"k\": {}}}", serde_json::to_string(TOKEN).unwrap())}],
        // `\n` then `abcdefgh` is not the secret `nabcdefgh`; masking it as bytes would
        // leave a broken `\***` escape.
        "line": "x\nabcdefgh",
        "n": 12,
        "pin": 12345678,
    });
    let bytes = serde_json::to_vec(&body).unwrap();
    let masked = s.mask_json(&bytes);
    let back: Value = serde_json::from_slice(&masked).expect("still JSON");
    assert_eq!(
        back,
        serde_json::json!({
            "answer": "your key is ***",
            "***": [{"args": "{\"k\": \"***\"}"}],
            "line": "x\nabcdefgh",
            "n": 12,
            "pin": "***",
        })
    );
    // Not JSON: masked as bytes.
    assert_eq!(
        &*s.mask_json(format!("<b>{TOKEN}</b>").as_bytes()),
        b"<b>***</b>"
    );
}

#[test]
fn traces_and_trajectories_are_masked_in_place() {
    let s = secrets(&["sk-live-123456"]);
    let mut r = TraceRecord {
        inputs: vec!["use sk-live-123456".into()],
        error: Some("401 for sk-live-123456".into()),
        ..TraceRecord::default()
    };
    r.attributes
        .insert("auth".into(), Value::String("Bearer sk-live-123456".into()));
    r.trajectory.calls.push(crate::model::ToolCall {
        result: Some(serde_json::json!({"echo": "sk-live-123456"})),
        ..crate::model::ToolCall::ok("login", serde_json::json!({"key": "sk-live-123456"}))
    });
    r.trajectory.final_response = Some("done sk-live-123456".into());
    s.mask_trace(&mut r);
    let text = serde_json::to_string(&r).unwrap();
    assert!(!text.contains("sk-live"), "{text}");
    assert_eq!(text.matches(MASK).count(), 6, "{text}");
}

#[test]
fn debug_shows_no_value() {
    let s = secrets(&["sk-live-123456"]);
    assert!(!format!("{s:?}").contains("sk-live"));
}
