//! lexproof: EU AI Act GPAI rules as Datalog, with proofs of every conclusion. The library lives in
//! `lexproof-core` (re-exported here under the same paths) and the shipped program in
//! `lexproof-rules`; this crate joins them, and its binary adds the command line. ARCHITECTURE.md
//! maps the layers.

#![deny(unsafe_code)]

pub use lexproof_core::*;

/// Installs the shipped rulebase (its program and text) into the library. The binary calls this
/// first; so must any other user of `Rulebase::shipped` or of the compiled engine.
pub fn install() {
    lexproof_rules::install();
}

/// The shipped rulebase, installed if it was not yet.
pub fn shipped() -> rules::rulebase::Rulebase {
    install();
    rules::rulebase::Rulebase::shipped()
}
