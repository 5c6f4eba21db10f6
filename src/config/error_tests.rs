//! The error-message table: broken projects and the exact message each one gets.
//!
//! Each row starts from the valid example project (`testutil`) and breaks one thing; the
//! rendered error is pinned with insta (file:line:col, the bad value, the valid options). The
//! snapshot's description says what was broken, so a reviewer sees cause and message together.

use super::testutil::{CONFIG, CONFIG_FILE, Project, V2, V2_FILE, edit};

/// A file of a broken project: its path, full text and what was changed (for the snapshot).
struct File {
    path: &'static str,
    text: String,
    change: String,
}

fn edited(path: &'static str, base: &str, edits: &[(&str, &str)]) -> File {
    let text = edits
        .iter()
        .fold(base.to_string(), |t, (from, to)| edit(&t, from, to));
    let change = edits
        .iter()
        .map(|(from, to)| format!("`{}` → `{}`", one_line(from), one_line(to)))
        .collect::<Vec<_>>()
        .join(", ");
    File {
        path,
        text,
        change: format!("{path}: {change}"),
    }
}

fn one_line(s: &str) -> String {
    s.replace('\n', "⏎").replace('\t', "⇥")
}

fn config(from: &str, to: &str) -> File {
    edited(CONFIG_FILE, CONFIG, &[(from, to)])
}

fn v2(from: &str, to: &str) -> File {
    edited(V2_FILE, V2, &[(from, to)])
}

fn file(path: &'static str, text: &str) -> File {
    File {
        path,
        text: text.to_string(),
        change: format!("{path}: new file `{}`", one_line(text)),
    }
}

/// V2 with a third case appended (for checks of a single expectation).
fn v2_with(case: &str) -> File {
    File {
        path: V2_FILE,
        text: format!("{V2}\n{case}"),
        change: format!("{V2_FILE}: appended `{}`", one_line(case)),
    }
}

/// The config with a `report:` section appended.
fn config_with(section: &str) -> File {
    File {
        path: CONFIG_FILE,
        text: format!("{CONFIG}{section}"),
        change: format!("{CONFIG_FILE}: appended `{}`", one_line(section)),
    }
}

fn table() -> Vec<(&'static str, Vec<File>)> {
    vec![
        (
            "config_unknown_key",
            vec![config("timeout_ms: 5000", "timeout: 5000")],
        ),
        (
            "case_unknown_key",
            vec![v2(
                "  expect:\n    trajectory:\n      match: any_order",
                "  expct:\n    trajectory:\n      match: any_order",
            )],
        ),
        (
            "match_mode_misspelled",
            vec![v2("match: in_order", "match: inorder")],
        ),
        (
            "args_mode_unknown",
            vec![v2("max_calls: 4", "max_calls: 4\n      args_mode: strict")],
        ),
        (
            "call_args_mode_unknown",
            vec![v2(
                "args: { invoice_id: INV-2207 }",
                "args: { invoice_id: INV-2207 }\n          args_mode: loose",
            )],
        ),
        (
            "call_compare_key_not_in_args",
            vec![v2(
                "args: { invoice_id: INV-2207 }",
                "args: { invoice_id: INV-2207 }\n          compare: [invoice_id, amount]",
            )],
        ),
        (
            "call_compare_without_args",
            vec![v2(
                "- name: lookup_account",
                "- name: lookup_account\n          compare: [id]",
            )],
        ),
        (
            "call_status_unknown",
            vec![v2(
                "- name: lookup_account",
                "- name: lookup_account\n          status: failed",
            )],
        ),
        (
            "min_calls_zero",
            vec![v2("max_calls: 4", "max_calls: 4\n      min_calls: 0")],
        ),
        (
            "min_calls_over_max_calls",
            vec![v2("max_calls: 4", "max_calls: 4\n      min_calls: 5")],
        ),
        (
            "no_redundant_calls_not_a_boolean",
            vec![v2(
                "max_calls: 4",
                "max_calls: 4\n      no_redundant_calls: yes please",
            )],
        ),
        (
            "policy_unknown_metric",
            vec![config(
                "tool_f1: { floor: 0.9, weight: 2 }",
                "tool_f2: { floor: 0.9, weight: 2 }",
            )],
        ),
        (
            "policy_gate_unknown",
            vec![config(
                "gate: warn }\n  composite",
                "gate: wran }\n  composite",
            )],
        ),
        (
            "floor_above_one",
            vec![config(
                "task_success: { floor: 0.8 }",
                "task_success: { floor: 1.5 }",
            )],
        ),
        (
            "slice_with_tag_and_tier",
            vec![config(
                "- { tier: critical, floor: 1.0 }",
                "- { tier: critical, tag: refund, floor: 1.0 }",
            )],
        ),
        (
            "slice_tag_no_case_has",
            vec![config("{ tag: refund,", "{ tag: refnd,")],
        ),
        (
            "composite_without_weights",
            vec![config(
                "task_success: { floor: 0.8 }\n    tool_f1: { floor: 0.9, weight: 2 }\n    arg_accuracy: { floor: 0.9, gate: warn }",
                "task_success: { floor: 0.8, weight: 0 }",
            )],
        ),
        (
            "dataset_folder_missing",
            vec![config("dataset: support ", "dataset: supprt ")],
        ),
        (
            "dataset_version_missing",
            vec![config(
                "dataset: support ",
                "dataset: support\n    version: 3",
            )],
        ),
        (
            "dataset_file_misnamed",
            vec![file("evals/support/latest.yaml", "- id: x\n  input: hi\n")],
        ),
        (
            "case_id_duplicate",
            vec![v2(
                "- id: order-status",
                "- id: refund-over-limit-escalates",
            )],
        ),
        (
            "case_id_malformed",
            vec![v2("- id: order-status", "- id: \"order status?\"")],
        ),
        (
            "args_regex_invalid",
            vec![v2(
                "reason: { regex: \"(?i)refund\" }",
                "reason: { regex: \"(\" }",
            )],
        ),
        (
            "args_matcher_key_unknown",
            vec![v2(
                "args: { invoice_id: INV-2207 }",
                "args: { invoice_id: { regex: \"^INV-\", tpye: string } }",
            )],
        ),
        (
            "args_matcher_gt_not_a_number",
            vec![v2(
                "args: { invoice_id: INV-2207 }",
                "args: { invoice_id: { gt: INV-2207 } }",
            )],
        ),
        (
            "args_matcher_gt_on_string_type",
            vec![v2(
                "args: { invoice_id: INV-2207 }",
                "args: { invoice_id: { type: string, gt: 5 } }",
            )],
        ),
        (
            "args_matcher_type_unknown",
            vec![v2(
                "args: { invoice_id: INV-2207 }",
                "args: { invoice_id: { type: int } }",
            )],
        ),
        (
            "args_matcher_optional_combined",
            vec![v2(
                "args: { invoice_id: INV-2207 }",
                "args: { invoice_id: { optional: INV-2207, type: string } }",
            )],
        ),
        (
            "args_matcher_normalize_unknown",
            vec![v2(
                "args: { invoice_id: INV-2207 }",
                "args: { invoice_id: { equals: INV-2207, normalize: [lower] } }",
            )],
        ),
        (
            "args_matcher_nested_in_optional",
            vec![v2(
                "args: { invoice_id: INV-2207 }",
                "args: { invoice_id: { optional: { each: { type: str } } } }",
            )],
        ),
        (
            "call_name_regex_invalid",
            vec![v2("- name: escalate", "- name: { regex: \"(\" }")],
        ),
        (
            "call_name_mapping_unknown_key",
            vec![v2("- name: escalate", "- name: { pattern: \"^esc\" }")],
        ),
        (
            "forbid_item_unknown_key",
            vec![v2(
                "forbid: [issue_refund]",
                "forbid: [{ name: issue_refund, arg: { amount: { gt: 500 } } }]",
            )],
        ),
        (
            "forbid_args_matcher_invalid",
            vec![v2(
                "forbid: [issue_refund]",
                "forbid: [{ name: issue_refund, args: { amount: { gt: lots } } }]",
            )],
        ),
        (
            "forbid_name_regex_invalid",
            vec![v2(
                "forbid: [issue_refund]",
                "forbid: [{ name: { regex: \"[\" } }]",
            )],
        ),
        (
            "response_regex_invalid",
            vec![v2(
                "- regex: \"(?i)shipped|on its way\"",
                "- regex: \"shipped|[on its way\"",
            )],
        ),
        (
            "response_check_unknown",
            vec![v2("- contains: \"escalat\"", "- contain: \"escalat\"")],
        ),
        (
            "response_json_schema_invalid",
            vec![v2_with(
                "- id: json\n  input: hi\n  expect:\n    response:\n      - json_schema: { type: strng }\n",
            )],
        ),
        (
            "response_similarity_min",
            vec![v2_with(
                "- id: sim\n  input: hi\n  expect:\n    response:\n      - similarity: { expected: hello, min: 1.5 }\n",
            )],
        ),
        (
            "match_without_calls",
            vec![v2_with(
                "- id: nothing\n  input: hi\n  expect:\n    trajectory:\n      match: in_order\n",
            )],
        ),
        (
            "covers_without_calls",
            vec![v2_with(
                "- id: nothing\n  input: hi\n  expect:\n    trajectory:\n      match: covers\n",
            )],
        ),
        ("max_calls_zero", vec![v2("max_calls: 4", "max_calls: 0")]),
        (
            "max_response_bytes_zero",
            vec![config(
                "timeout_ms: 5000",
                "timeout_ms: 5000\n  max_response_bytes: 0",
            )],
        ),
        (
            "timeout_wrong_type",
            vec![config("timeout_ms: 5000", "timeout_ms: soon")],
        ),
        (
            "input_is_a_number",
            vec![v2(
                "  input: \"Refund invoice INV-2207, it's $740, I was double charged\"",
                "  input: 42",
            )],
        ),
        (
            "input_without_user_message",
            vec![v2(
                "    - { role: user, content: \"Where is order 1234?\" }\n",
                "",
            )],
        ),
        (
            "call_with_name_and_any_order",
            vec![v2(
                "        - name: escalate\n",
                "        - name: escalate\n          any_order: [{ name: notify }]\n",
            )],
        ),
        ("config_version_2", vec![config("version: 1", "version: 2")]),
        (
            "port_without_start",
            vec![config(
                "  start:\n    command: [evalgate, demo-agent, --port, \"{port}\"]\n",
                "",
            )],
        ),
        (
            "url_not_http",
            vec![config(
                "url: http://127.0.0.1:{port}/chat",
                "url: ftp://127.0.0.1:{port}/chat",
            )],
        ),
        (
            "header_unterminated_variable",
            vec![config(
                "\"Bearer ${SUPPORT_TOKEN}\"",
                "\"Bearer ${SUPPORT_TOKEN\"",
            )],
        ),
        (
            "start_command_empty",
            vec![config(
                "command: [evalgate, demo-agent, --port, \"{port}\"]",
                "command: []",
            )],
        ),
        (
            "suites_empty",
            vec![config(
                "suites:\n  - name: support\n    dataset: support        # evals/support/v<N>.yaml\n",
                "suites: []\n",
            )],
        ),
        (
            "suite_names_duplicate",
            vec![config(
                "    dataset: support        # evals/support/v<N>.yaml\n",
                "    dataset: support\n  - name: support\n    dataset: support\n    version: 1\n",
            )],
        ),
        (
            "yaml_tab_indent",
            vec![config("  timeout_ms: 5000", "\ttimeout_ms: 5000")],
        ),
        (
            "yaml_unclosed_quote",
            vec![config(
                "\"Bearer ${SUPPORT_TOKEN}\" }",
                "\"Bearer ${SUPPORT_TOKEN} }",
            )],
        ),
        (
            "yaml_unclosed_quote_at_end",
            vec![v2(
                "- regex: \"(?i)shipped|on its way\"",
                "- regex: \"(?i)shipped|on its way",
            )],
        ),
        (
            "yaml_duplicate_key",
            vec![config(
                "  timeout_ms: 5000\n",
                "  timeout_ms: 5000\n  timeout_ms: 6000\n",
            )],
        ),
        (
            "body_template_does_not_compile",
            vec![config(
                "  timeout_ms: 5000\n",
                "  timeout_ms: 5000\n  body: |\n    {\n      \"q\": {{ input | tojson }},\n      \"id\": {{ case.id }\n    }\n",
            )],
        ),
        (
            "body_and_body_file",
            vec![
                config(
                    "  timeout_ms: 5000\n",
                    "  timeout_ms: 5000\n  body: \"{}\"\n  body_file: body.j2\n",
                ),
                file("body.j2", "{}"),
            ],
        ),
        (
            "report_template_does_not_compile",
            vec![
                config_with("report:\n  template: templates/report.md.j2\n"),
                file(
                    "templates/report.md.j2",
                    "# Report\n{% for c in cases %}\n- {{ c.id }}\n",
                ),
            ],
        ),
        (
            "report_template_missing",
            vec![config_with("report:\n  template: templates/nope.md.j2\n")],
        ),
        (
            "many_problems_across_files",
            vec![
                edited(
                    CONFIG_FILE,
                    CONFIG,
                    &[
                        (
                            "arg_accuracy: { floor: 0.9,",
                            "arg_accuracy: { floor: -0.1,",
                        ),
                        ("max_error_rate: 0.1", "max_error_rate: 2"),
                    ],
                ),
                edited(
                    V2_FILE,
                    V2,
                    &[
                        ("max_calls: 4", "max_calls: 0"),
                        ("- id: order-status", "- id: refund-over-limit-escalates"),
                    ],
                ),
            ],
        ),
    ]
}

#[test]
fn broken_projects_get_pinned_messages() {
    let rows = table();
    assert!(rows.len() >= 20, "the table covers at least 20 mistakes");
    for (name, files) in rows {
        let contents: Vec<(&str, String)> =
            files.iter().map(|f| (f.path, f.text.clone())).collect();
        let project = Project::new(&contents);
        let rendered = project.error();
        let tmp = project.dir.path().to_string_lossy().into_owned();
        assert!(
            !rendered.contains(&tmp),
            "{name}: a temp path leaked:\n{rendered}"
        );
        let description = files
            .iter()
            .map(|f| f.change.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        insta::with_settings!({ description => description, omit_expression => true }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
}

#[test]
fn the_base_project_is_valid() {
    // Every row above is "valid project + one mistake": the base itself must load.
    Project::new(&[]).load().unwrap();
}
