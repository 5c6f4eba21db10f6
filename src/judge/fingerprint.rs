//! A judge's fingerprint: everything that can change its verdicts (provider, model, endpoint
//! host, rubric text, parameters), hashed. Calibrations and cache entries are valid only for
//! the fingerprint they were made with.

use crate::model::{FingerprintParts, JudgeSpec};

pub fn fingerprint_parts(spec: &JudgeSpec, rubric: &str) -> FingerprintParts {
    let host = reqwest::Url::parse(&spec.base_url)
        .ok()
        .and_then(|u| {
            u.host_str().map(|h| {
                u.port()
                    .map_or_else(|| h.to_string(), |p| format!("{h}:{p}"))
            })
        })
        .unwrap_or_default();
    FingerprintParts {
        provider: spec.provider.as_str().to_string(),
        model: spec.model.clone(),
        host,
        rubric_hash: blake3::hash(rubric.as_bytes()).to_hex().to_string(),
        kind: spec.kind.as_str().to_string(),
        threshold: spec.effective_threshold(),
        scale: (spec.kind == crate::model::JudgeKind::Scale).then(|| spec.scale_max()),
        samples: spec.samples,
        aggregate: format!("{:?}", spec.aggregate).to_lowercase(),
        temperature: spec.temperature,
        max_tokens: spec.max_tokens,
    }
}

/// blake3 of the parts' JSON, hex.
pub fn fingerprint_of(parts: &FingerprintParts) -> String {
    let json = serde_json::to_string(parts).expect("plain data serializes");
    blake3::hash(json.as_bytes()).to_hex().to_string()
}

/// What differs between a calibration's parts and the current ones, for the advisory reason.
pub fn describe_change(old: &FingerprintParts, new: &FingerprintParts) -> String {
    if old.rubric_hash != new.rubric_hash {
        "its rubric changed since calibration".to_string()
    } else if old.model != new.model {
        format!(
            "its model changed since calibration (`{}` → `{}`)",
            old.model, new.model
        )
    } else if old.provider != new.provider || old.host != new.host {
        "its endpoint changed since calibration".to_string()
    } else {
        "its parameters changed since calibration".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::tests::spec;
    use crate::model::JudgeKind;

    #[test]
    fn any_change_changes_the_fingerprint() {
        let s = spec(JudgeKind::PassFail);
        let base = fingerprint_parts(&s, "rubric");
        assert_eq!(base.host, "127.0.0.1:9");
        let fp = fingerprint_of(&base);
        assert_eq!(fp, fingerprint_of(&fingerprint_parts(&s, "rubric")));
        let rubric = fingerprint_parts(&s, "rubric.");
        assert_ne!(fp, fingerprint_of(&rubric));
        assert_eq!(
            describe_change(&base, &rubric),
            "its rubric changed since calibration"
        );
        let mut other = s.clone();
        other.model = "judge-2".into();
        let model = fingerprint_parts(&other, "rubric");
        assert_ne!(fp, fingerprint_of(&model));
        assert!(describe_change(&base, &model).contains("`judge-1` → `judge-2`"));
        let mut hot = s.clone();
        hot.temperature = 0.7;
        assert_ne!(fp, fingerprint_of(&fingerprint_parts(&hot, "rubric")));
        // The path and credentials are not part of it; the key never is.
        let mut path = s;
        path.base_url = "http://user:pw@127.0.0.1:9/other/v1".into();
        assert_eq!(fingerprint_parts(&path, "rubric").host, "127.0.0.1:9");
    }
}
