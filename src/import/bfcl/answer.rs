//! BFCL's possible answers → argument expectations, as its AST checker compares them.
//!
//! Owns the translation of one ground-truth call (`{name: {param: [acceptable values]}}`) and
//! the function doc's parameter types into an evalgate `args` mapping; it reads no files. The
//! rules follow `bfcl_eval/eval_checker/ast_eval/ast_checker.py` (`simple_function_checker`):
//! `""` among the values means the parameter may be absent (unless the doc requires it);
//! strings compare after `standardize_string` (`normalize: [bfcl]`); an `integer` parameter
//! rejects `5.0` and `true` (Python `type(v) == int`), a `float` one accepts an int; arrays
//! compare whole and in order, their items of the doc's item type; dicts key by key with no
//! unexpected key (`dict_checker`); lists of dicts dict by dict, in order.

use serde_json::{Map, Value, json};

/// Why a ground-truth call cannot be stated (the case is skipped with this reason).
pub type Unstatable = String;

/// The `args` of one expected call: `values` are the ground truth's acceptable values per
/// parameter, `doc` the function's `parameters` (`properties`, `required`).
pub fn args(values: &Map<String, Value>, doc: &Value) -> Result<Map<String, Value>, Unstatable> {
    let props = doc.get("properties").and_then(Value::as_object);
    let required: Vec<&str> = doc
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for r in &required {
        if !values.contains_key(*r) {
            // BFCL fails such a call whether it has the parameter (unexpected) or not (missing).
            return Err(format!(
                "required parameter `{r}` has no possible answer (no call can pass)"
            ));
        }
    }
    let mut out = Map::new();
    for (param, accepted) in values {
        let Some(accepted) = accepted.as_array() else {
            return Err(format!("the possible answers of `{param}` are not a list"));
        };
        let optional = accepted.iter().any(|v| v == "") && !required.contains(&param.as_str());
        let given: Vec<&Value> = accepted.iter().filter(|v| *v != "").collect();
        let Some(spec) = props.and_then(|p| p.get(param)) else {
            // Not in the doc: present is "unexpected parameter", so only absence can pass.
            if optional {
                out.insert(param.clone(), json!({"any": false}));
                continue;
            }
            return Err(format!("parameter `{param}` is not in the function doc"));
        };
        let value = if given.is_empty() {
            // Only "": absent passes; present, BFCL checks the type alone.
            type_only(spec)
        } else {
            param_expect(spec, &given)
        };
        out.insert(
            param.clone(),
            if optional {
                json!({ "optional": value })
            } else {
                value
            },
        );
    }
    Ok(out)
}

/// BFCL's doc type name of a parameter (`string`, `integer`, `float`, `dict`, …).
fn doc_type(spec: &Value) -> &str {
    spec.get("type").and_then(Value::as_str).unwrap_or("string")
}

/// The JSON type a BFCL doc type requires (Python's `type(v) == T`; `any` is `str`).
fn json_type(t: &str) -> Option<&'static str> {
    Some(match t {
        "string" | "any" => "string",
        "integer" => "integer",
        "float" => "number",
        "boolean" => "boolean",
        "array" | "tuple" => "array",
        "dict" => "object",
        _ => return None,
    })
}

/// Whether a ground-truth value has the Python type of doc type `t` (when it does not, BFCL
/// treats the value as a "variable" and compares it literally).
fn value_has_type(t: &str, v: &Value) -> bool {
    match t {
        "string" | "any" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "float" => v.is_f64(),
        "boolean" => v.is_boolean(),
        "array" | "tuple" => v.is_array(),
        "dict" => v.is_object(),
        _ => false,
    }
}

fn type_only(spec: &Value) -> Value {
    match json_type(doc_type(spec)) {
        Some(t) => json!({ "type": t }),
        None => json!({"any": true}),
    }
}

/// One or several options: the literal or matcher itself, or `one_of`.
fn one_or_many(mut options: Vec<Value>) -> Value {
    if options.len() == 1 {
        options.remove(0)
    } else {
        json!({ "one_of": options })
    }
}

/// A parameter with its acceptable values `given` (none of them `""`).
fn param_expect(spec: &Value, given: &[&Value]) -> Value {
    let t = doc_type(spec);
    // BFCL takes the first acceptable value's type as the answer type; when it is not the doc
    // type the answer is a "variable": the value must equal one of them, no normalisation.
    let variable = !(value_has_type(t, given[0]) || t == "float" && given[0].is_i64());
    if variable {
        // Python's `type(v) == int` still holds for an int answer: `2.0` is not `2` there.
        if given.iter().all(|v| v.is_i64() || v.is_u64()) {
            return with_type("integer", given);
        }
        return one_or_many(given.iter().map(|v| literal(v)).collect());
    }
    match t {
        "string" | "any" => {
            // `string_checker` drops non-string answers and compares standardised strings.
            let strings: Vec<Value> = given
                .iter()
                .filter(|v| v.is_string())
                .map(|v| (*v).clone())
                .collect();
            norm_options(strings, Some("string"))
        }
        "integer" => with_type("integer", given),
        "float" => with_type("number", given),
        "boolean" => one_or_many(given.iter().map(|v| (*v).clone()).collect()),
        "dict" => dict_param(given),
        "array" | "tuple" => array_expect(spec, given),
        _ => one_or_many(given.iter().map(|v| literal(v)).collect()),
    }
}

/// `{type, equals|one_of}` for numbers (compared by value, `5 == 5.0`).
fn with_type(t: &str, given: &[&Value]) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!(t));
    if given.len() == 1 {
        m.insert("equals".into(), given[0].clone());
    } else {
        m.insert(
            "one_of".into(),
            Value::Array(given.iter().map(|v| (*v).clone()).collect()),
        );
    }
    Value::Object(m)
}

/// Strings compared after BFCL's `standardize_string`.
fn norm_options(options: Vec<Value>, t: Option<&str>) -> Value {
    let mut m = Map::new();
    if let Some(t) = t {
        m.insert("type".into(), json!(t));
    }
    if options.len() == 1 {
        m.insert(
            "equals".into(),
            options.into_iter().next().unwrap_or_default(),
        );
    } else {
        m.insert("one_of".into(), Value::Array(options));
    }
    m.insert("normalize".into(), json!(["bfcl"]));
    Value::Object(m)
}

/// A value compared whole: `equals` when it is an object (so it is not read as a matcher or
/// an object scored key by key).
fn literal(v: &Value) -> Value {
    if v.is_object() {
        json!({ "equals": v })
    } else {
        v.clone()
    }
}

/// A dict parameter as `dict_checker` compares it: every key of the actual dict must be one of
/// the possible dict's (the call's `args_mode: exact` reaches nested objects), each value one
/// of its acceptable ones (strings standardised, anything else by Python `==`, no type
/// check), a key with `""` among them may be absent. One possible dict is written key by key;
/// several (or a key named like a matcher key, which cannot head a literal object below the
/// top level) as the acceptable whole dicts.
fn dict_param(given: &[&Value]) -> Value {
    if let [Value::Object(d)] = given
        && !d
            .keys()
            .any(|k| crate::model::args::MATCHER_KEYS.contains(&k.as_str()))
    {
        return keyed_dict(d);
    }
    whole_dicts(given)
}

fn keyed_dict(d: &Map<String, Value>) -> Value {
    let mut out = Map::new();
    for (k, accepted) in d {
        let accepted: Vec<&Value> = match accepted.as_array() {
            Some(a) => a.iter().collect(),
            None => vec![accepted],
        };
        let optional = accepted.iter().any(|v| *v == "");
        let given: Vec<&Value> = accepted.into_iter().filter(|v| *v != "").collect();
        let value = if given.is_empty() {
            json!({"any": true})
        } else if given.iter().any(|v| v.is_string()) {
            // Standardised when the actual value is a string too (`dict_checker` standardises
            // both sides); the non-string options compare as they are.
            let mut opts: Vec<Value> = given.iter().map(|v| literal(v)).collect();
            if opts.len() == 1 && opts[0].is_string() {
                json!({"equals": opts.remove(0), "normalize": ["bfcl"]})
            } else {
                json!({"one_of": opts, "normalize": ["bfcl"]})
            }
        } else {
            one_or_many(given.iter().map(|v| literal(v)).collect())
        };
        out.insert(
            k.clone(),
            if optional {
                json!({ "optional": value })
            } else {
                value
            },
        );
    }
    Value::Object(out)
}

/// Every acceptable dict of these possible dicts written out whole (`one_of` literal objects,
/// standardised strings): the product of each key's acceptable values, a key with `""`
/// among them present or absent.
fn whole_dicts(given: &[&Value]) -> Value {
    let mut options = Vec::new();
    for d in given {
        let Some(d) = d.as_object() else {
            options.push((*d).clone());
            continue;
        };
        let mut dicts = vec![Map::new()];
        for (k, accepted) in d {
            let accepted: Vec<&Value> = match accepted.as_array() {
                Some(a) => a.iter().collect(),
                None => vec![accepted],
            };
            let mut next = Vec::new();
            for partial in &dicts {
                for v in &accepted {
                    let mut m = partial.clone();
                    if *v != "" {
                        m.insert(k.clone(), (*v).clone());
                    }
                    if !next.contains(&m) {
                        next.push(m);
                    }
                }
            }
            dicts = next;
        }
        options.extend(dicts.into_iter().map(Value::Object));
    }
    if options.len() == 1 {
        json!({"equals": options.remove(0), "normalize": ["bfcl"]})
    } else {
        json!({"one_of": options, "normalize": ["bfcl"]})
    }
}

/// An array parameter: one of the acceptable lists, whole and in order; string items
/// standardised; items of the doc's item type (BFCL's one-level nested type check, skipped
/// by BFCL when `""` is acceptable); a list of dicts dict by dict (`list_dict_checker`).
fn array_expect(spec: &Value, given: &[&Value]) -> Value {
    let item_t = spec
        .get("items")
        .and_then(|i| i.get("type"))
        .and_then(Value::as_str);
    if item_t == Some("dict") {
        let lists: Vec<Value> = given
            .iter()
            .map(|l| match l.as_array() {
                Some(items) => {
                    json!({"items": items.iter().map(|d| whole_dicts(&[d])).collect::<Vec<_>>()})
                }
                None => literal(l),
            })
            .collect();
        return with_each(one_or_many(lists), &["object"]);
    }
    let has_strings = given
        .iter()
        .any(|l| l.as_array().is_some_and(|a| a.iter().any(Value::is_string)));
    let lists: Vec<Value> = given.iter().map(|v| (*v).clone()).collect();
    let base = if has_strings {
        norm_options(lists, None)
    } else if lists.len() == 1 {
        json!({"equals": lists[0]})
    } else {
        json!({"one_of": lists})
    };
    // BFCL's nested check also takes an item of the answer list's own type ("variable").
    let mut types: Vec<&str> = item_t.and_then(json_type).into_iter().collect();
    if !types.is_empty() {
        for l in given.iter().filter_map(|l| l.as_array()) {
            if let Some(t) = l.first().and_then(value_json_type)
                && !types.contains(&t)
            {
                types.push(t);
            }
        }
    }
    with_each(base, &types)
}

/// The JSON type of a ground-truth value as Python's `type()` sees it (`5.0` is a float).
fn value_json_type(v: &Value) -> Option<&'static str> {
    Some(match v {
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => return None,
    })
}

/// Adds `type: array` and, when the items have a type, `each: {type}` (`one_of` several).
fn with_each(base: Value, item_types: &[&str]) -> Value {
    let mut m = match base {
        Value::Object(m) => m,
        other => {
            let mut m = Map::new();
            m.insert("one_of".into(), json!([other]));
            m
        }
    };
    m.insert("type".into(), json!("array"));
    match item_types {
        [] => {}
        [t] => {
            m.insert("each".into(), json!({ "type": t }));
        }
        ts => {
            let options: Vec<Value> = ts.iter().map(|t| json!({ "type": t })).collect();
            m.insert("each".into(), json!({ "one_of": options }));
        }
    }
    Value::Object(m)
}
