//! stats: the statistics evalgate reports, as pure functions (DESIGN §5, §6).
//!
//! Owns agreement statistics for judge calibration (confusion matrix, Cohen's κ, bootstrap
//! intervals with a fixed seed, the κ-maximizing threshold, bias probes) and the Rogan–Gladen
//! correction. Pure: no I/O, no env, no clock; randomness only from seeded generators. Every
//! function returns a defined number for degenerate input (empty, one class): never NaN.

mod agreement;

pub use agreement::{
    Confusion, Interval, LengthBias, best_threshold, kappa_bootstrap_ci, length_bias, rogan_gladen,
    self_agreement,
};
