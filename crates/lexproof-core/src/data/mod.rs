//! Values, the symbol interner and columnar tables: what every other layer stores and passes.
//! Knows nothing of rules, facts files or engines.

pub mod parallel;
pub mod progress;
pub mod store;
pub mod value;
