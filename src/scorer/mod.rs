//! scorer (being built).
