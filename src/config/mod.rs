//! YAML files → a validated [`crate::model::Plan`]; every error carries `file:line:col`.
//!
//! Owns reading `evalgate.yaml` and the dataset files it names (`evals/<dataset>/v<N>.yaml`,
//! relative to the config's folder), every check that can be decided before a run, the config
//! hash, and the published JSON Schemas. Parsing is strict (`deny_unknown_fields`, no `flatten`,
//! no `untagged`); `serde_yaml` is named only in `yaml.rs`. Must not read environment
//! variables, start processes or touch the network, and decides no exit code (`cli` maps a
//! [`ConfigError`] to 2).

mod agent;
mod calibration;
mod dataset;
mod env;
mod error;
mod judges;
mod load;
mod locate;
mod policy;
mod rules;
mod schema;
mod source;
mod suite;
mod template;
mod yaml;

#[cfg(test)]
mod error_tests;
#[cfg(test)]
mod load_tests;
#[cfg(test)]
mod testutil;

pub use calibration::{CALIBRATION_DIR, calibration_set_path, load_calibration_set};
pub use dataset::load_dataset;
pub use env::Env;
pub use error::{ConfigError, Diagnostic, display_path};
pub use judges::JUDGE_TEMPLATES_DIR;
pub use load::{load, load_for_run, load_template};
pub use rules::{load_redact_patterns, load_rules};
pub use schema::{config_schema, dataset_schema};
pub use suite::{EVALS_DIR, version_of};
pub use template::TemplateKind;
pub use yaml::to_yaml;
