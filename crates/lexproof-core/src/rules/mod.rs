//! The rulebase: its text and checked form (`rulebase`), its documented vocabulary (`vocab`), and the
//! meaning of its terms on concrete values (`eval`, `arith`). Reads no facts and runs no engine.

pub mod arith;
pub mod eval;
pub mod rulebase;
pub mod vocab;
