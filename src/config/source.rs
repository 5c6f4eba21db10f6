//! A user file held in memory: its display path, its text and the position index over it.
//!
//! Checks that run after parsing build their diagnostics through [`Source::at`], so every
//! message gets the best position the text allows.

use std::path::{Path, PathBuf};

use super::error::{ConfigError, Diagnostic};
use super::locate::{Outline, Pos, Seg, parse_path};

pub(crate) struct Source {
    /// As the user would type it.
    pub display: PathBuf,
    pub text: String,
    pub outline: Outline,
}

impl Source {
    pub fn new(display: PathBuf, text: String) -> Self {
        let outline = Outline::parse(&text);
        Source {
            display,
            text,
            outline,
        }
    }

    /// A diagnostic at the value of `path` (`policy.metrics.tool_f1.floor`, `suites[1].dataset`).
    pub fn at(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        self.at_segs(&parse_path(path), message)
    }

    /// A diagnostic at the value of `path`, given as segments (for keys that contain dots).
    pub fn at_segs(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        self.at_pos(self.outline.value_pos(path), message)
    }

    /// A diagnostic at the key that ends `path`.
    pub fn at_key(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        self.at_pos(self.outline.key_pos(&parse_path(path)), message)
    }

    pub fn at_pos(&self, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.display.clone(), pos.line, pos.column, message)
    }
}

/// Reads a user file as text (see [`text`]); `display` is the path messages show.
pub(crate) fn read_text(path: &Path, display: &Path) -> Result<String, Diagnostic> {
    let bytes =
        std::fs::read(path).map_err(|e| ConfigError::io(display, &e).diagnostics.swap_remove(0))?;
    text(bytes, display)
}

/// A file's bytes as text: a UTF-8 byte order mark is dropped, invalid UTF-8 is an error at
/// its line and column.
pub(crate) fn text(bytes: Vec<u8>, display: &Path) -> Result<String, Diagnostic> {
    crate::input::decode(bytes).map_err(|e| {
        Diagnostic::new(display, e.line, e.column, e.to_string())
            .with_help("save the file as UTF-8")
    })
}
