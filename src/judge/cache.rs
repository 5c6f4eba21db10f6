//! The judge cache: one file per (fingerprint, rendered prompt, trial, sample) holding the
//! parsed sample, under `.evalgate/cache/judges/` next to the config.
//!
//! Only successful samples are stored (a failure is retried next run). The key hashes the
//! fingerprint and the rendered prompt, so a changed rubric, model or parameter misses; no
//! secret is part of a key or an entry (prompts and replies are masked before they get here).

use std::path::{Path, PathBuf};

use super::parse::Sample;

/// The cache folder, relative to the config's folder.
pub const CACHE_DIR: &str = ".evalgate/cache";

#[derive(Debug, Clone)]
pub(crate) struct Cache {
    dir: PathBuf,
}

impl Cache {
    pub(crate) fn new(dir: PathBuf) -> Cache {
        Cache {
            dir: dir.join("judges"),
        }
    }

    fn path(&self, fingerprint: &str, prompt: &str, trial: u32, sample: u32) -> PathBuf {
        let mut h = blake3::Hasher::new();
        h.update(fingerprint.as_bytes());
        h.update(&[0]);
        h.update(&(prompt.len() as u64).to_le_bytes());
        h.update(prompt.as_bytes());
        h.update(&trial.to_le_bytes());
        h.update(&sample.to_le_bytes());
        let key = h.finalize().to_hex();
        self.dir
            .join(&fingerprint[..16.min(fingerprint.len())])
            .join(format!("{key}.json"))
    }

    pub(crate) fn get(&self, fp: &str, prompt: &str, trial: u32, sample: u32) -> Option<Sample> {
        let text = std::fs::read_to_string(self.path(fp, prompt, trial, sample)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Best effort: a cache that cannot be written only costs requests next time.
    pub(crate) fn put(&self, fp: &str, prompt: &str, trial: u32, sample: u32, value: &Sample) {
        let path = self.path(fp, prompt, trial, sample);
        let _ = write_atomic(&path, &serde_json::to_vec(value).unwrap_or_default());
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".tmp-{}-{}", std::process::id(), fastrand::u64(..)));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
