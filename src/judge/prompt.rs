//! Rendering a rubric template (minijinja) for one item.
//!
//! Variables: `input` (the user's last message), `response` (the agent's final answer, "" when
//! none), `reference` (the check's reference answer, or none), `trajectory` (the tool calls,
//! as data) and `case` (`id`, `tags`, `tier`). Undefined variables render empty, so a rubric
//! that ignores `reference` works for checks without one.

use minijinja::value::Serde;
use minijinja::{Environment, context};
use serde::Serialize;

/// What a judge sees about one item.
#[derive(Debug, Clone, Default, Serialize)]
pub struct JudgeInput {
    pub input: String,
    pub response: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The tool calls, as data (`null` outside a run, e.g. in calibration).
    pub trajectory: serde_json::Value,
    pub case_id: String,
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
}

/// Renders `rubric` for `item`; the error is a lowercase fragment.
pub fn render(rubric: &str, item: &JudgeInput) -> Result<String, String> {
    let mut env = Environment::new();
    env.add_template("rubric", rubric)
        .map_err(|e| format!("the rubric does not compile: {e}"))?;
    let tmpl = env.get_template("rubric").map_err(|e| e.to_string())?;
    tmpl.render(context! {
        input => &item.input,
        response => &item.response,
        reference => &item.reference,
        trajectory => Serde(&item.trajectory),
        case => context! { id => &item.case_id, tags => &item.tags, tier => &item.tier },
    })
    .map_err(|e| format!("the rubric does not render: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_variable() {
        let item = JudgeInput {
            input: "Where is my order?".into(),
            response: "It shipped.".into(),
            reference: Some("Shipped on Monday".into()),
            trajectory: serde_json::json!({"calls": [{"name": "lookup_order"}]}),
            case_id: "order-1".into(),
            tags: vec!["orders".into()],
            tier: None,
        };
        let out = render(
            "Q: {{ input }}\nA: {{ response }}\nRef: {{ reference }}\nTool: {{ trajectory.calls[0].name }}\nCase: {{ case.id }} {{ case.tags | join(',') }}\n",
            &item,
        )
        .unwrap();
        assert_eq!(
            out,
            "Q: Where is my order?\nA: It shipped.\nRef: Shipped on Monday\nTool: lookup_order\nCase: order-1 orders"
        );
        let err = render("{{ input | nosuchfilter }}", &item).unwrap_err();
        assert!(err.starts_with("the rubric does not"), "{err}");
    }
}
