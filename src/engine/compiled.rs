//! The crepe programs build.rs generated into this binary: the shipped rulebase's and, for the
//! engines' differential tests, the small ones in `tests/rulebases/compiled/`.

use crate::data::progress::Observer;
use crate::data::store::Table;
use crate::db::instances::Instances;
use crate::rules::rulebase::{Rulebase, RULES_NAME, RULES_TEXT};

#[allow(
    unused_variables,
    unused_parens,
    unused_imports,
    unused_mut,
    clippy::all
)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/rulebase.rs"));
}

/// What an engine returns: per relation its derived table (for derived relations, sorted), per
/// rule its instances.
pub type EngineOutput = (Vec<Option<Table>>, Vec<Instances>);

/// A rulebase compiled into the binary: its text and its generated program.
pub struct CompiledProgram {
    pub name: &'static str,
    pub text: &'static str,
    /// Symbol constants, interned first so `Sym(n)` in the program means `symbols[n]`.
    pub symbols: &'static [&'static str],
    pub evaluate: fn(&[Table], &super::stages::Finish, &dyn Observer) -> EngineOutput,
    pub witnesses: bool,
    pub rules: usize,
    pub relations: usize,
}

/// The shipped rulebase's program.
pub static SHIPPED: CompiledProgram = CompiledProgram {
    name: RULES_NAME,
    text: RULES_TEXT,
    symbols: generated::SYMBOLS,
    evaluate: generated::evaluate,
    witnesses: generated::WITNESSES,
    rules: generated::RULES,
    relations: generated::RELATIONS,
};

/// Small rulebases from `tests/rulebases/compiled/`, compiled in for the engines' differential tests.
pub mod test_programs {
    use super::CompiledProgram;
    include!(concat!(env!("OUT_DIR"), "/test_rulebases.rs"));
}

fn programs() -> impl Iterator<Item = &'static CompiledProgram> {
    std::iter::once(&SHIPPED).chain(test_programs::PROGRAMS)
}

/// The program compiled from exactly this rulebase's text, if the binary has one.
pub fn program_for(rules: &Rulebase) -> Option<&'static CompiledProgram> {
    let text = rules.built_in?;
    let p = programs().find(|p| p.text == text)?;
    assert!(
        rules.checked.rules.len() == p.rules && rules.checked.relations.len() == p.relations,
        "generated program out of date"
    );
    Some(p)
}

/// A compiled-in test rulebase by file name (see `tests/rulebases/compiled/`).
pub fn test_rulebase(name: &str) -> Option<Rulebase> {
    test_programs::PROGRAMS
        .iter()
        .find(|p| p.name == name || p.name.ends_with(&format!("/{name}")))
        .map(|p| Rulebase::built_in(p.name, p.text))
}
