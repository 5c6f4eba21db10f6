//! The gate: turns case results and a [`PolicySpec`](crate::model::PolicySpec) into a
//! [`Verdict`](crate::model::Verdict) (weights, floors, composite, slices, error budget).
//!
//! Pure: no I/O, no env, no formatting beyond the reason sentences. Exit codes belong to `cli`,
//! rendering to `report`.

mod aggregate;
mod evaluate;

pub use evaluate::evaluate;

#[cfg(test)]
mod tests;
