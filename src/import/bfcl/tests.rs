//! Unit tests of the BFCL importer: the conversions one by one, then `read` on the committed
//! sample (`tests/fixtures/bfcl`).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{answer, read, tools};
use crate::model::{ArgsMode, ArgsSpec};
use crate::scorer::args::score_args;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bfcl")
}

/// The `args` for ground truth `values` under doc `params`.
fn args(values: Value, params: Value) -> Value {
    Value::Object(answer::args(values.as_object().unwrap(), &params).unwrap())
}

/// Whether `actual` fully satisfies `expected` in `args_mode: exact`.
fn full(expected: &Value, actual: Value) -> bool {
    let spec = ArgsSpec::try_from(expected.clone()).unwrap();
    score_args(Some(&spec), ArgsMode::Exact, &actual).full
}

fn doc(props: Value, required: &[&str]) -> Value {
    json!({"type": "dict", "properties": props, "required": required})
}

#[test]
fn an_optional_string_is_standardised_and_may_be_absent() {
    let e = args(
        json!({"city": ["San Francisco, CA"], "unit": ["celsius", ""]}),
        doc(
            json!({"city": {"type": "string"}, "unit": {"type": "string"}}),
            &["city"],
        ),
    );
    assert_eq!(
        e,
        json!({"city": {"type": "string", "equals": "San Francisco, CA", "normalize": ["bfcl"]},
               "unit": {"optional": {"type": "string", "equals": "celsius", "normalize": ["bfcl"]}}})
    );
    assert!(full(&e, json!({"city": "san francisco ca"})));
    assert!(full(
        &e,
        json!({"city": "San-Francisco,CA", "unit": "Celsius"})
    ));
    assert!(!full(
        &e,
        json!({"city": "San Francisco", "unit": "celsius"})
    ));
    assert!(
        !full(&e, json!({"city": "San Francisco, CA", "extra": 1})),
        "no unexpected key"
    );
}

#[test]
fn a_required_parameter_is_not_optional_even_with_an_empty_answer() {
    let e = args(
        json!({"q": ["x", ""]}),
        doc(json!({"q": {"type": "string"}}), &["q"]),
    );
    assert!(!full(&e, json!({})));
}

#[test]
fn an_integer_rejects_a_float_and_a_float_accepts_an_integer() {
    let e = args(
        json!({"n": [5], "x": [2.5, 3.0]}),
        doc(
            json!({"n": {"type": "integer"}, "x": {"type": "float"}}),
            &["n", "x"],
        ),
    );
    assert_eq!(e["n"], json!({"type": "integer", "equals": 5}));
    assert!(full(&e, json!({"n": 5, "x": 3})));
    assert!(!full(&e, json!({"n": 5.0, "x": 3})));
    assert!(!full(&e, json!({"n": true, "x": 2.5})));
}

#[test]
fn an_answer_of_another_type_than_the_doc_is_compared_literally() {
    // BFCL's "variable": an int answer to a string parameter; `2.0` is still not an int.
    let e = args(
        json!({"rooms": [2]}),
        doc(json!({"rooms": {"type": "string"}}), &[]),
    );
    assert_eq!(e["rooms"], json!({"type": "integer", "equals": 2}));
    let e = args(
        json!({"t": ["now"]}),
        doc(json!({"t": {"type": "integer"}}), &[]),
    );
    assert_eq!(e["t"], json!("now"));
}

#[test]
fn arrays_compare_whole_in_order_with_typed_items() {
    let e = args(
        json!({"xs": [[1, 2], [2, 1]], "names": [["New York"]]}),
        doc(
            json!({"xs": {"type": "array", "items": {"type": "integer"}},
                   "names": {"type": "array", "items": {"type": "string"}}}),
            &[],
        ),
    );
    assert!(full(&e, json!({"xs": [2, 1], "names": ["new york"]})));
    assert!(!full(&e, json!({"xs": [1.0, 2.0], "names": ["New York"]})));
    assert!(!full(&e, json!({"xs": [1, 2, 3], "names": ["New York"]})));
}

#[test]
fn a_dict_is_compared_key_by_key_or_as_whole_dicts() {
    let props = json!({"area": {"type": "dict"}, "exclusion": {"type": "dict"}});
    let e = args(
        json!({"area": [{"width": [20], "unit": ["ft", ""]}],
               "exclusion": [{"type": ["window"], "area": [15]}]}),
        doc(props, &[]),
    );
    // One possible dict: key by key.
    assert_eq!(e["area"]["width"], json!(20));
    // A key named like a matcher key (`type`): the acceptable dicts whole.
    assert_eq!(
        e["exclusion"],
        json!({"equals": {"type": "window", "area": 15}, "normalize": ["bfcl"]})
    );
    assert!(full(
        &e,
        json!({"area": {"width": 20.0}, "exclusion": {"type": "Window", "area": 15}})
    ));
    assert!(!full(
        &e,
        json!({"area": {"width": 20, "depth": 1}, "exclusion": {"type": "window", "area": 15}})
    ));
    assert!(!full(
        &e,
        json!({"area": {"width": 20}, "exclusion": {"type": "window"}})
    ));
}

#[test]
fn a_list_of_dicts_is_compared_dict_by_dict_in_order() {
    let e = args(
        json!({"items": [[{"item": ["burgers"], "qty": [5]}, {"item": ["wings"], "qty": [6, ""]}]]}),
        doc(
            json!({"items": {"type": "array", "items": {"type": "dict"}}}),
            &[],
        ),
    );
    assert!(full(
        &e,
        json!({"items": [{"item": "Burgers", "qty": 5}, {"item": "wings"}]})
    ));
    assert!(!full(
        &e,
        json!({"items": [{"item": "wings"}, {"item": "burgers", "qty": 5}]})
    ));
}

#[test]
fn a_parameter_outside_the_doc_must_be_absent_or_the_item_is_skipped() {
    let d = doc(json!({"a": {"type": "string"}}), &[]);
    let e = args(json!({"a": ["x"], "b": ["", 1]}), d.clone());
    assert_eq!(e["b"], json!({"any": false}));
    let why = answer::args(json!({"b": [1]}).as_object().unwrap(), &d).unwrap_err();
    assert_eq!(why, "parameter `b` is not in the function doc");
}

#[test]
fn function_docs_become_openai_tools_as_bfcl_sends_them() {
    let t = tools::tool(&json!({
        "name": "math.hypot", "description": "Norm.",
        "parameters": {"type": "dict", "properties": {
            "x": {"type": "float", "description": "X."},
            "opts": {"type": "dict", "properties": {"n": {"type": "tuple", "items": {"type": "any"}}}}
        }, "required": ["x"]}
    }));
    assert_eq!(t.name, "math_hypot");
    assert_eq!(
        t.description.as_deref(),
        Some("Norm. Note that the provided function is in Python 3 syntax.")
    );
    assert_eq!(
        t.parameters.unwrap(),
        json!({"type": "object", "required": ["x"], "properties": {
            "x": {"type": "number", "format": "float", "description": "X. This is a float type value."},
            "opts": {"type": "object", "properties": {"n": {"type": "array", "items": {"type": "string"}}}}
        }})
    );
}

#[test]
fn the_sample_imports_every_python_category_and_says_what_it_skipped() {
    let imported = read(&fixtures(), &[]).unwrap();
    assert_eq!(
        (imported.benchmark.as_str(), imported.version.as_str()),
        ("bfcl", "v4")
    );
    let counts: Vec<String> = imported
        .per_category
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    insta::assert_snapshot!(counts.join("\n"), @r"
    irrelevance 1
    live_irrelevance 1
    live_multiple 2
    live_parallel 1
    live_parallel_multiple 1
    live_relevance 1
    live_simple 2
    multiple 2
    parallel 2
    parallel_multiple 1
    simple_python 4
    ");
    let skipped: Vec<String> = imported
        .skipped
        .iter()
        .map(|(id, why)| format!("{id}: {why}"))
        .collect();
    insta::assert_snapshot!(skipped.join("\n"));
    let no_call = imported
        .cases
        .iter()
        .find(|c| c.id == "irrelevance_0")
        .unwrap();
    let t = no_call.expect.trajectory.as_ref().unwrap();
    assert!(t.calls.is_empty());
    assert_eq!(t.match_mode.map(|m| m.as_str()), Some("exact"));
    let some_call = imported
        .cases
        .iter()
        .find(|c| c.id.starts_with("live_relevance"))
        .unwrap();
    assert_eq!(
        some_call.expect.trajectory.as_ref().unwrap().min_calls,
        Some(1)
    );
    let lineage = imported.cases[0].source.as_ref().unwrap();
    assert_eq!(
        (
            lineage.kind.as_str(),
            lineage.name.as_deref(),
            lineage.version.as_deref()
        ),
        ("benchmark", Some("bfcl"), Some("v4"))
    );
}

#[test]
fn an_unknown_category_lists_the_valid_ones() {
    let e = read(&fixtures(), &["simple".to_string()])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("unknown category `simple`; the single-turn categories are `simple_python`"),
        "{e}"
    );
}

#[test]
fn malformed_json_says_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("BFCL_v4_irrelevance.json"),
        "{\"id\": \"irrelevance_0\", \"question\": [[{\"role\": \"user\", \"content\": \"hi\"}]], \"function\": []}\n{\"id\": oops}\n",
    )
    .unwrap();
    let e = read(dir.path(), &[]).unwrap_err().to_string();
    let at = format!(
        "{}:2:8: not valid JSON",
        dir.path().join("BFCL_v4_irrelevance.json").display()
    );
    assert!(e.starts_with(&at), "{e}");
}

#[test]
fn a_missing_folder_is_an_input_error() {
    let e = read(Path::new("/nonexistent/bfcl"), &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a folder"), "{e}");
}
