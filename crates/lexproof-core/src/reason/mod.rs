//! Reasoning over a finished database: proofs of least height, the authority behind a conclusion,
//! atom patterns, why-not searches and a model's timeline. Returns data; renders nothing.

pub mod authority;
pub mod diff;
pub mod instance;
pub mod met;
pub mod proof;
pub mod query;
pub mod suggest;
pub mod timeline;
pub mod whynot;
