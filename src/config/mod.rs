//! config (being built).
mod error;
mod locate;
mod yaml;
pub use error::{ConfigError, Diagnostic, display_path};
