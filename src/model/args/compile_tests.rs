//! Which objects are matchers, how keys combine, and the message of every bad matcher.

use super::super::*;
use serde_json::json;

fn checks(v: Value) -> Vec<ArgMatcher> {
    match ArgExpect::compile(&v).unwrap() {
        ArgExpect::Matcher(m) => m.checks,
        other => panic!("not a matcher: {other:?}"),
    }
}

fn err(v: Value) -> String {
    ArgExpect::compile(&v).unwrap_err()
}

#[test]
fn objects_with_only_matcher_keys_are_matchers() {
    assert!(matches!(
        checks(json!({"regex": "(?i)refund"}))[..],
        [ArgMatcher::Regex(_)]
    ));
    assert!(matches!(
        checks(json!({"approx": 1.5, "tol": 0.1}))[..],
        [ArgMatcher::Approx { tol, .. }] if tol == 0.1
    ));
    let e = ArgExpect::compile(&json!({})).unwrap();
    assert!(matches!(e, ArgExpect::Object(ref v) if v.is_empty()));
    let e = ArgExpect::compile(&json!({"city": "Oslo"})).unwrap();
    assert!(matches!(e, ArgExpect::Object(_)));
}

#[test]
fn keys_combine_and_modifiers_are_not_checks() {
    let c = checks(json!({"type": "integer", "gte": 1, "lt": 10}));
    assert_eq!(c.len(), 3);
    assert!(
        c.iter()
            .any(|c| matches!(c, ArgMatcher::Cmp(Cmp::Gte, b) if *b == 1.0))
    );
    assert!(
        c.iter()
            .any(|c| matches!(c, ArgMatcher::Type(JsonType::Integer)))
    );
    let c = checks(json!({"contains": "x", "ignore_case": true, "normalize": ["whitespace"]}));
    assert!(matches!(
        c[..],
        [ArgMatcher::Contains {
            ignore_case: true,
            ..
        }]
    ));
}

#[test]
fn optional_items_and_length_compile_their_parts() {
    let e = ArgExpect::compile(&json!({"optional": {"type": "integer"}})).unwrap();
    assert!(matches!(e, ArgExpect::Optional(ref i) if matches!(**i, ArgExpect::Matcher(_))));
    let c = checks(json!({"one_of": ["a", {"regex": "^b"}, {"k": 1}]}));
    let ArgMatcher::OneOf(options) = &c[0] else {
        panic!()
    };
    // A literal object in `one_of` is one value, not keys with partial credit.
    assert!(matches!(
        options[..],
        [
            ArgExpect::Literal(_),
            ArgExpect::Matcher(_),
            ArgExpect::Literal(_)
        ]
    ));
    let c = checks(json!({"length": {"gte": 2}, "each": {"type": "string"}}));
    assert_eq!(c.len(), 2);
    assert!(matches!(
        checks(json!({"length": 3}))[..],
        [ArgMatcher::Length(_)]
    ));
}

#[test]
fn args_top_level_names_arguments_even_when_they_look_like_matchers() {
    let spec = ArgsSpec::try_from(json!({"type": "car", "length": 5})).unwrap();
    assert!(matches!(spec.compiled, ArgExpect::Object(ref f) if f.len() == 2));
}

#[test]
fn normalize_steps_and_presets() {
    let all = Normalize {
        case: true,
        whitespace: true,
        punctuation: true,
        bfcl: false,
    };
    assert_eq!(all.apply("Hello,\u{a0}World\t(NYC)!"), "helloworldnyc");
    let bfcl = Normalize {
        bfcl: true,
        ..Normalize::default()
    };
    // BFCL strips spaces and `,./-_*^` only: tabs and `!` stay.
    assert_eq!(bfcl.apply("San-Francisco, CA\t!"), "sanfranciscoca\t!");
    // …and single quotes become double quotes, as `standardize_string` ends.
    assert_eq!(bfcl.apply("It's 'Ok'"), "it\"s\"ok\"");
    let case = Normalize {
        case: true,
        ..Normalize::default()
    };
    assert_eq!(case.apply("ÄÖ İ"), "äö i\u{307}");
    let c = ArgExpect::compile(&json!({"equals": "x", "normalize": ["bfcl", "case"]})).unwrap();
    assert!(
        matches!(c, ArgExpect::Matcher(Matcher { normalize, .. }) if normalize.bfcl && normalize.case)
    );
    let c = ArgExpect::compile(&json!({"equals": "x", "normalize": "bfcl"})).unwrap();
    assert!(matches!(c, ArgExpect::Matcher(Matcher { normalize, .. }) if normalize.bfcl));
}

#[test]
fn bad_matchers_say_what_is_wrong() {
    let e = err(json!({"a": {"regex": "("}}));
    assert!(e.starts_with("in `a`: invalid regex `(`"), "{e}");
    let e = err(json!({"tol": 1}));
    assert_eq!(e, "`tol` is only valid together with `approx`");
    let e = err(json!({"any": "yes"}));
    assert!(e.contains("`any` takes `true` or `false`"), "{e}");
    let e = err(json!({"gte": 1, "tpye": "integer"}));
    assert!(
        e.starts_with("unknown matcher key `tpye`; valid keys: `type`, `regex`"),
        "{e}"
    );
    assert!(e.contains("`equals: {...}`"), "{e}");
    let e = err(json!({"type": "int"}));
    assert_eq!(
        e,
        "`type` takes one of `integer`, `number`, `string`, `boolean`, `array`, `object`, `null`; got `int`"
    );
    let e = err(json!({"gt": "5"}));
    assert_eq!(e, "`gt` takes a number, got `\"5\"`");
    let e = err(json!({"type": "string", "lte": 3}));
    assert!(
        e.starts_with("`lte` compares numbers, but `type` is `string`"),
        "{e}"
    );
    let e = err(json!({"optional": 1, "type": "integer"}));
    assert!(e.starts_with("`optional` cannot be combined"), "{e}");
    let e = err(json!({"any": false, "type": "integer"}));
    assert!(e.starts_with("`any` cannot be combined"), "{e}");
    let e = err(json!({"normalize": ["case"], "regex": "x"}));
    assert!(
        e.starts_with("`normalize` applies to string comparisons"),
        "{e}"
    );
    let e = err(json!({"equals": "x", "normalize": ["lower"]}));
    assert!(
        e.starts_with(
            "`normalize` takes a list of the steps `case`, `whitespace`, `punctuation`, `bfcl`"
        ),
        "{e}"
    );
    let e = err(json!({"ignore_case": true}));
    assert_eq!(e, "`ignore_case` is only valid together with `contains`");
    let e = err(json!({"length": "3"}));
    assert!(e.starts_with("`length` takes a whole number"), "{e}");
    let e = err(json!({"items": [1, {"type": "int"}]}));
    assert!(e.starts_with("`items` item 2: `type` takes one of"), "{e}");
    let e = err(json!({"not_regex": "["}));
    assert!(e.starts_with("`not_regex`: invalid regex `[`"), "{e}");
}
