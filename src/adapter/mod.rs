//! adapter (being built).
