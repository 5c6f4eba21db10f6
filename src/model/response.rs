//! Wire form of [`ResponseCheck`]: a one-key mapping (`contains: "escalat"`).
//!
//! Hand-written because serde's derived externally tagged enums are read by YAML deserializers
//! only from `!contains escalat` tag syntax; a one-key mapping is what users write (DESIGN §2).
//! Shape only: whether a regex compiles or a schema is valid is checked by `config`.

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::case::{ResponseCheck, SimilaritySpec};
use super::judge::JudgeCheck;

/// The check kinds, in the order error messages list them.
pub const RESPONSE_CHECK_KINDS: &[&str] = &[
    "equals",
    "contains",
    "not_contains",
    "regex",
    "json_schema",
    "similarity",
    "judge",
];

impl Serialize for ResponseCheck {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        match self {
            ResponseCheck::Equals(v)
            | ResponseCheck::Contains(v)
            | ResponseCheck::NotContains(v)
            | ResponseCheck::Regex(v) => map.serialize_entry(self.kind(), v)?,
            ResponseCheck::JsonSchema(v) => map.serialize_entry(self.kind(), v)?,
            ResponseCheck::Similarity(v) => map.serialize_entry(self.kind(), v)?,
            // The short form when there is no reference, as users write it.
            ResponseCheck::Judge(j) if j.reference.is_none() => {
                map.serialize_entry(self.kind(), &j.name)?
            }
            ResponseCheck::Judge(j) => map.serialize_entry(self.kind(), j)?,
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ResponseCheck {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(CheckVisitor)
    }
}

struct CheckVisitor;

impl<'de> Visitor<'de> for CheckVisitor {
    type Value = ResponseCheck;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a one-key mapping such as `contains: \"text\"`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ResponseCheck, A::Error> {
        let Some(kind) = map.next_key::<String>()? else {
            return Err(de::Error::custom(format!(
                "a response check needs one of {}",
                kinds_list()
            )));
        };
        let check = match kind.as_str() {
            "equals" => ResponseCheck::Equals(map.next_value()?),
            "contains" => ResponseCheck::Contains(map.next_value()?),
            "not_contains" => ResponseCheck::NotContains(map.next_value()?),
            "regex" => ResponseCheck::Regex(map.next_value()?),
            "json_schema" => ResponseCheck::JsonSchema(map.next_value()?),
            "similarity" => ResponseCheck::Similarity(map.next_value::<SimilaritySpec>()?),
            "judge" => ResponseCheck::Judge(map.next_value::<JudgeArg>()?.0),
            other => return Err(de::Error::unknown_field(other, RESPONSE_CHECK_KINDS)),
        };
        if let Some(extra) = map.next_key::<String>()? {
            return Err(de::Error::custom(format!(
                "a response check has exactly one key; found `{kind}` and `{extra}` (write them as two checks)"
            )));
        }
        Ok(check)
    }
}

/// `judge: name` or `judge: {name, reference}`.
struct JudgeArg(JudgeCheck);

impl<'de> Deserialize<'de> for JudgeArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JudgeArgVisitor)
    }
}

struct JudgeArgVisitor;

impl<'de> Visitor<'de> for JudgeArgVisitor {
    type Value = JudgeArg;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a judge name, or `{name, reference}`")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<JudgeArg, E> {
        Ok(JudgeArg(JudgeCheck {
            name: v.to_string(),
            reference: None,
        }))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<JudgeArg, A::Error> {
        JudgeCheck::deserialize(de::value::MapAccessDeserializer::new(map)).map(JudgeArg)
    }
}

fn kinds_list() -> String {
    RESPONSE_CHECK_KINDS
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_key_mappings_round_trip_through_json() {
        let v = json!([{"contains": "escalat"}, {"similarity": {"expected": "hi", "min": 0.5}}]);
        let checks: Vec<ResponseCheck> = serde_json::from_value(v.clone()).unwrap();
        assert!(matches!(&checks[0], ResponseCheck::Contains(t) if t == "escalat"));
        assert!(matches!(&checks[1], ResponseCheck::Similarity(s) if s.min == 0.5));
        assert_eq!(serde_json::to_value(&checks).unwrap(), v);
    }

    #[test]
    fn judge_checks_take_a_name_or_a_mapping() {
        let v = json!([{"judge": "helpfulness"}, {"judge": {"name": "tone", "reference": "Hi"}}]);
        let checks: Vec<ResponseCheck> = serde_json::from_value(v.clone()).unwrap();
        assert!(
            matches!(&checks[0], ResponseCheck::Judge(j) if j.name == "helpfulness" && j.reference.is_none())
        );
        assert!(
            matches!(&checks[1], ResponseCheck::Judge(j) if j.reference.as_deref() == Some("Hi"))
        );
        assert_eq!(serde_json::to_value(&checks).unwrap(), v);
        let err =
            serde_json::from_value::<ResponseCheck>(json!({"judge": {"nam": "x"}})).unwrap_err();
        assert!(err.to_string().contains("unknown field `nam`"), "{err}");
    }

    #[test]
    fn unknown_and_extra_keys_are_errors() {
        let err = serde_json::from_value::<ResponseCheck>(json!({"contain": "x"})).unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown field `contain`, expected one of `equals`"),
            "{err}"
        );
        let err = serde_json::from_value::<ResponseCheck>(json!({"contains": "x", "regex": "y"}))
            .unwrap_err();
        assert!(err.to_string().contains("exactly one key"), "{err}");
        let err = serde_json::from_value::<ResponseCheck>(json!({})).unwrap_err();
        assert!(err.to_string().contains("needs one of"), "{err}");
    }
}
