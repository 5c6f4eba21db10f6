//! The published JSON Schemas of `evalgate.yaml` and of a dataset file.
//!
//! Generated from the `model` types (the schema cannot drift from the parser). Editors use
//! them for completion; the parser stays the authority on what is valid.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema};

use serde_json::json;

use crate::model::{Case, ConfigFile, MetricName};

/// JSON Schema (draft 2020-12) of `evalgate.yaml`, pretty-printed.
pub fn config_schema() -> String {
    render::<ConfigFile>(
        "evalgate.yaml",
        "evalgate configuration: agent, suites, run, policy, report.",
        |schema| {
            // schemars describes a map's values, not its keys; metric names are a closed set.
            let names: Vec<&str> = MetricName::ALL.iter().map(|m| m.as_str()).collect();
            if let Some(metrics) = schema
                .pointer_mut("/$defs/PolicySpec/properties/metrics")
                .and_then(|m| m.as_object_mut())
            {
                metrics.insert("propertyNames".into(), json!({ "enum": names }));
            }
        },
    )
}

/// JSON Schema (draft 2020-12) of a dataset file `evals/<dataset>/v<N>.yaml`: a list of cases.
pub fn dataset_schema() -> String {
    render::<Vec<Case>>(
        "evalgate dataset",
        "A versioned golden dataset: a list of cases.",
        |_| {},
    )
}

fn render<T: JsonSchema>(
    title: &str,
    description: &str,
    adjust: impl FnOnce(&mut Schema),
) -> String {
    let mut schema: Schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    adjust(&mut schema);
    schema.insert("title".into(), title.into());
    schema.insert("description".into(), description.into());
    serde_json::to_string_pretty(&schema).expect("a schema serializes to JSON")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::yaml::to_json;

    /// The brief's example config, as the loader's tests use it.
    const EXAMPLE: &str = crate::config::testutil::CONFIG;

    fn validator(schema: &str) -> jsonschema::Validator {
        jsonschema::validator_for(&serde_json::from_str(schema).unwrap()).unwrap()
    }

    #[test]
    fn config_schema_accepts_the_example_and_rejects_unknown_keys() {
        let v = validator(&config_schema());
        let example = to_json(EXAMPLE).unwrap();
        let errors: Vec<String> = v.iter_errors(&example).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:#?}");
        let typo = to_json(&EXAMPLE.replace("timeout_ms: 5000", "timeout: 5000")).unwrap();
        assert!(!v.is_valid(&typo));
        let bad_metric = to_json(&EXAMPLE.replace("tool_f1: {", "tool_f2: {")).unwrap();
        assert!(!v.is_valid(&bad_metric));
    }

    #[test]
    fn dataset_schema_accepts_cases_and_rejects_unknown_keys() {
        let v = validator(&dataset_schema());
        let ok = r#"
- id: refund-over-limit-escalates
  tags: [billing, refund]
  tier: critical
  input: "Refund invoice INV-2207"
  expect:
    trajectory:
      match: in_order
      calls:
        - name: fetch_invoice
          args: { invoice_id: INV-2207 }
        - any_order: [{ name: a }, { name: b, args_mode: ignore }]
        - name: refund
          args_mode: exact
          compare: [amount]
          status: ok
          args:
            amount: { type: integer, lte: 500 }
            note: { optional: { not_regex: "(?i)sorry" } }
            tags: { items_any_order: [a, B], normalize: [case], length: { gte: 2 } }
            city: { one_of: ["Los Angeles, CA", { regex: "^LA" }], normalize: bfcl }
        - name: { regex: "^notify_" }
      forbid:
        - issue_refund
        - { name: refund, args: { amount: { gt: 500 } } }
        - { name: { regex: "^admin_" } }
      max_calls: 4
      min_calls: 2
      no_redundant_calls: true
    response:
      - contains: "escalat"
      - similarity: { expected: "We escalated", min: 0.5 }
- id: chat
  input:
    - { role: user, content: hi }
- id: tau
  input: hi
  expect:
    trajectory:
      match: covers
      calls: [{ name: cancel, args: { order: A1 }, compare: [] }]
"#;
        let errors: Vec<String> = v
            .iter_errors(&to_json(ok).unwrap())
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(!v.is_valid(&to_json("- id: a\n  input: hi\n  expct: {}\n").unwrap()));
        let bad_type = "- id: a\n  input: hi\n  expect: { trajectory: { calls: [{ name: f, args: { n: { type: int } } }] } }\n";
        assert!(!v.is_valid(&to_json(bad_type).unwrap()));
        let bad_mode = "- id: a\n  input: hi\n  expect: { trajectory: { calls: [{ name: f, args_mode: loose }] } }\n";
        assert!(!v.is_valid(&to_json(bad_mode).unwrap()));
        let bad_forbid =
            "- id: a\n  input: hi\n  expect: { trajectory: { forbid: [{ name: f, arg: {} }] } }\n";
        assert!(!v.is_valid(&to_json(bad_forbid).unwrap()));
        let bad_name = "- id: a\n  input: hi\n  expect: { trajectory: { calls: [{ name: { pattern: f } }] } }\n";
        assert!(!v.is_valid(&to_json(bad_name).unwrap()));
        let bad_match = "- id: a\n  input: hi\n  expect: { trajectory: { match: covered } }\n";
        assert!(!v.is_valid(&to_json(bad_match).unwrap()));
        assert!(!v.is_valid(
            &to_json("- id: a\n  input: hi\n  expect: { response: [{contain: x}] }\n").unwrap()
        ));
    }
}
