//! lexproof: EU AI Act GPAI rules as Datalog, compiled through crepe with provenance, and proofs of
//! every conclusion. See ARCHITECTURE.md for the pipeline and where each concern lives.

pub mod arith;
pub mod authority;
pub mod budget;
pub mod coverage;
pub mod db;
pub mod engine;
pub mod eval;
pub mod explain;
pub mod facts;
pub mod html;
pub mod import;
pub mod instances;
pub mod manifest;
pub mod outfile;
pub mod parallel;
pub mod progress;
pub mod proof;
pub mod query;
pub mod render;
pub mod report;
pub mod rulebase;
pub mod runtime;
pub mod scenario;
pub mod stages;
pub mod store;
pub mod timeline;
pub mod value;
pub mod vocab;
pub mod whynot;
