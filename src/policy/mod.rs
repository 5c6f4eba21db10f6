//! The gate: turns case results and a [`PolicySpec`](crate::model::PolicySpec) into a
//! [`Verdict`](crate::model::Verdict) (weights, floors, composite, slices, error budget), and
//! folds a baseline comparison into it.
//!
//! Pure: no I/O, no env, no formatting beyond the reason sentences. Exit codes belong to `cli`,
//! rendering to `report`.

mod aggregate;
mod baseline;
mod evaluate;
mod summary;

pub use baseline::with_baseline;
pub use evaluate::evaluate;
pub use summary::{CaseSummary, mean_over_cases, summarize};

#[cfg(test)]
mod tests;
