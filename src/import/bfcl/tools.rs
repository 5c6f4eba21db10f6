//! BFCL function docs → OpenAI function schemas (`case.tools`), as BFCL's own OpenAI handler
//! sends them (`model_handler/utils.py`: `convert_to_tool` with `GORILLA_TO_OPENAPI`, after
//! `add_language_specific_hint_to_function_doc`). Pure conversion; no I/O.

use serde_json::{Map, Value, json};

use crate::model::Tool;

/// The hint BFCL appends to every Python-category function description.
const PYTHON_HINT: &str = " Note that the provided function is in Python 3 syntax.";

/// A function name as OpenAI accepts it (`^[a-zA-Z0-9_-]{1,64}$`): BFCL's handler replaces
/// `.` with `_`, and its checker expects the replaced name from such models.
pub fn openai_name(name: &str) -> String {
    name.replace('.', "_")
}

/// One BFCL function doc as a tool.
pub fn tool(doc: &Value) -> Tool {
    let name = doc.get("name").and_then(Value::as_str).unwrap_or_default();
    let description = doc
        .get("description")
        .and_then(Value::as_str)
        .map(|d| format!("{d}{PYTHON_HINT}"));
    let mut parameters = doc.get("parameters").cloned().unwrap_or_else(|| json!({}));
    if let Value::Object(p) = &mut parameters {
        p.insert("type".into(), json!("object"));
        if let Some(Value::Object(props)) = p.get_mut("properties") {
            cast_properties(props);
        }
    }
    Tool {
        name: openai_name(name),
        description,
        parameters: Some(parameters),
    }
}

/// BFCL's type names → JSON Schema's (`GORILLA_TO_OPENAPI`; an unknown type is a string).
fn openapi_type(t: &str) -> &'static str {
    match t {
        "integer" | "byte" | "short" | "long" => "integer",
        "number" | "float" | "double" => "number",
        "boolean" | "bool" => "boolean",
        "array" | "list" | "tuple" | "ArrayList" | "Array" | "Queue" | "Stack" => "array",
        "dict" | "object" | "HashMap" | "Hashtable" => "object",
        _ => "string",
    }
}

/// `_cast_to_openai_type`: each property's type mapped (a float also gets `format: float` and
/// a sentence in its description), nested properties and items likewise.
fn cast_properties(props: &mut Map<String, Value>) {
    for spec in props.values_mut() {
        cast(spec);
    }
}

fn cast(spec: &mut Value) {
    let Value::Object(s) = spec else { return };
    let t = s
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("string")
        .to_string();
    if t == "float" {
        s.insert("format".into(), json!("float"));
        let d = s
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default();
        s.insert(
            "description".into(),
            json!(format!("{d} This is a float type value.")),
        );
    }
    s.insert("type".into(), json!(openapi_type(&t)));
    if let Some(Value::Object(props)) = s.get_mut("properties") {
        cast_properties(props);
    }
    if let Some(items) = s.get_mut("items") {
        cast(items);
    }
}
