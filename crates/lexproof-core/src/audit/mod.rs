//! Checking and recording runs: scenario tests, provision coverage, the audit manifest.

pub mod coverage;
pub mod manifest;
pub mod scenario;
