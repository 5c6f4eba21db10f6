//! Unit tests of the BFCL importer.
