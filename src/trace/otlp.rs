//! The subset of OTLP/JSON (`ExportTraceServiceRequest`) that normalization needs, as own serde
//! structs.
//!
//! Own structs rather than `opentelemetry-proto`: that crate pulls prost and tonic for a handful of
//! fields, and its JSON mapping rejects the shapes exporters really write (ids in base64 from
//! protobuf's JSON mapping instead of hex; 64-bit integers as strings or as numbers; status codes as
//! names or as integers). Unknown fields are ignored here on purpose: OTLP grows, and a trace file
//! is data, not config.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::{Map, Number, Value};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    #[serde(default)]
    pub resource_spans: Vec<ResourceSpans>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSpans {
    #[serde(default)]
    pub resource: Resource,
    #[serde(default)]
    pub scope_spans: Vec<ScopeSpans>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Resource {
    #[serde(default)]
    pub attributes: Vec<KeyValue>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ScopeSpans {
    #[serde(default)]
    pub spans: Vec<Span>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    #[serde(default)]
    pub trace_id: String,
    #[serde(default)]
    pub span_id: String,
    #[serde(default)]
    pub parent_span_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "u64_lenient")]
    pub start_time_unix_nano: u64,
    #[serde(default, deserialize_with = "u64_lenient")]
    pub end_time_unix_nano: u64,
    #[serde(default)]
    pub attributes: Vec<KeyValue>,
    #[serde(default)]
    pub events: Vec<Event>,
    #[serde(default)]
    pub status: Status,
}

#[derive(Debug, Default, Deserialize)]
pub struct Event {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub attributes: Vec<KeyValue>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Status {
    #[serde(default, deserialize_with = "status_code")]
    pub code: bool,
    #[serde(default)]
    pub message: String,
}

#[derive(Debug, Deserialize)]
pub struct KeyValue {
    pub key: String,
    #[serde(default)]
    pub value: AnyValue,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnyValue {
    #[serde(default)]
    string_value: Option<String>,
    #[serde(default)]
    bool_value: Option<bool>,
    #[serde(default, deserialize_with = "i64_lenient_opt")]
    int_value: Option<i64>,
    #[serde(default)]
    double_value: Option<f64>,
    #[serde(default)]
    array_value: Option<ArrayValue>,
    #[serde(default)]
    kvlist_value: Option<KvList>,
    #[serde(default)]
    bytes_value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ArrayValue {
    #[serde(default)]
    values: Vec<AnyValue>,
}

#[derive(Debug, Default, Deserialize)]
pub struct KvList {
    #[serde(default)]
    values: Vec<KeyValue>,
}

impl AnyValue {
    /// The value as JSON (`null` for an empty value).
    pub fn into_json(self) -> Value {
        if let Some(s) = self.string_value {
            Value::String(s)
        } else if let Some(b) = self.bool_value {
            Value::Bool(b)
        } else if let Some(i) = self.int_value {
            Value::Number(i.into())
        } else if let Some(d) = self.double_value {
            Number::from_f64(d).map_or(Value::Null, Value::Number)
        } else if let Some(a) = self.array_value {
            Value::Array(a.values.into_iter().map(AnyValue::into_json).collect())
        } else if let Some(kv) = self.kvlist_value {
            let mut m = Map::new();
            for kv in kv.values {
                m.insert(kv.key, kv.value.into_json());
            }
            Value::Object(m)
        } else if let Some(b) = self.bytes_value {
            Value::String(b)
        } else {
            Value::Null
        }
    }
}

/// Normalizes a trace or span id to lowercase hex: OTLP/JSON writes hex, protobuf's JSON mapping
/// (e.g. Python's `MessageToJson`) writes base64.
pub fn hex_id(id: &str) -> String {
    let is_hex = id.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hex && (id.len() == 32 || id.len() == 16) {
        return id.to_ascii_lowercase();
    }
    match base64_decode(id) {
        Some(bytes) if bytes.len() == 16 || bytes.len() == 8 => {
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        }
        _ => id.to_ascii_lowercase(),
    }
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

struct Lenient;

impl<'de> Visitor<'de> for Lenient {
    type Value = Option<i128>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an integer, as a number or a string")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(i128::from(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(i128::from(v)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v as i128))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        v.parse::<i128>()
            .map(Some)
            .map_err(|_| E::custom(format!("expected an integer, got `{v}`")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

fn u64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(d.deserialize_any(Lenient)?
        .map_or(0, |v| u64::try_from(v).unwrap_or(0)))
}

fn i64_lenient_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(d.deserialize_any(Lenient)?
        .and_then(|v| i64::try_from(v).ok()))
}

/// `true` when the status is ERROR: code 2, or `STATUS_CODE_ERROR` from protobuf's JSON mapping.
fn status_code<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a status code (0, 1, 2 or its name)")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
            Ok(v == 2)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
            Ok(v == 2)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            Ok(v == "STATUS_CODE_ERROR" || v == "2" || v.eq_ignore_ascii_case("error"))
        }
        fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
            Ok(false)
        }
    }
    d.deserialize_any(V)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_hex_or_base64_normalize_to_hex() {
        assert_eq!(
            hex_id("5B8EFFF798038103D269B633813FC60C"),
            "5b8efff798038103d269b633813fc60c"
        );
        // protobuf JSON: base64 of the same 16 bytes
        assert_eq!(
            hex_id("W47/95gDgQPSabYzgT/GDA=="),
            "5b8efff798038103d269b633813fc60c"
        );
        assert_eq!(hex_id("7hmPrPrbe1E="), "ee198facfadb7b51");
    }

    #[test]
    fn integers_as_strings_or_numbers_and_status_as_name_or_number() {
        let a: Span = serde_json::from_str(
            r#"{"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000000500000000,
               "status":{"code":"STATUS_CODE_ERROR","message":"boom"},
               "attributes":[{"key":"n","value":{"intValue":"42"}},{"key":"m","value":{"intValue":7}}]}"#,
        )
        .unwrap();
        assert_eq!(a.start_time_unix_nano, 1_700_000_000_000_000_000);
        assert_eq!(a.end_time_unix_nano, 1_700_000_000_500_000_000);
        assert!(a.status.code);
        let vals: Vec<Value> = a
            .attributes
            .into_iter()
            .map(|kv| kv.value.into_json())
            .collect();
        assert_eq!(vals, vec![Value::from(42), Value::from(7)]);
        let b: Span = serde_json::from_str(r#"{"status":{"code":1}}"#).unwrap();
        assert!(!b.status.code);
        let c: Span = serde_json::from_str(r#"{"status":{"code":2}}"#).unwrap();
        assert!(c.status.code);
    }
}
