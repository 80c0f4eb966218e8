//! lexproof: EU AI Act GPAI rules as Datalog, compiled through crepe with provenance, and proofs of
//! every conclusion. Layers, each depending only on those before it: data, rules, facts, db, engine,
//! reason, present, audit (the command line sits on top, in the root crate, which also installs the
//! shipped program from `lexproof-rules`). ARCHITECTURE.md maps them;
//! `tests/layers.rs` holds the code to that order.

#![deny(unsafe_code)]

pub mod audit;
pub mod data;
pub mod db;
pub mod engine;
pub mod facts;
pub mod present;
pub mod reason;
pub mod rules;
