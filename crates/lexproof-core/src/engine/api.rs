//! What the generated code may name: the crepe programs that build.rs writes from a rules file
//! compile against this module alone (`use crate::engine::api::*;`), so the library can move its
//! internals without touching the code generator.

pub use super::budget::tick;
pub use super::chunks::Share;
pub use super::grow::{Grow, GrowIndex};
pub use super::lookups::{MultiMap, SortedMap, SortedSet, SymMap, SymSet};
pub use super::stages::{
    run as run_stages, Done, Finish, Later, LookupCache, Prebuild, Stage, StageOut,
};
pub use crate::data::progress::Observer;
pub use crate::data::store::{Table, Type};
pub use crate::data::value::{Date, Sym};
pub use crate::db::instances::Instances;
pub use crate::rules::arith;
