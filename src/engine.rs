//! Running the compiled rulebase: facts in, crepe evaluation, database out.

use crate::db::Database;
use crate::facts;
use crate::rulebase::{generated, Rulebase};
use crate::value::Interner;
use std::time::{Duration, Instant};

pub struct Timings {
    pub load: Duration,
    pub derive: Duration,
    pub index: Duration,
}

pub enum RunError {
    /// Fact files were rejected; each entry is one file's rendered diagnostics.
    Facts(Vec<String>),
    /// Arithmetic failed inside a rule.
    Arithmetic(Vec<String>),
}

pub fn run_compiled(
    rules: Rulebase,
    sources: &[facts::FactSource],
) -> Result<(Database, Timings), RunError> {
    let t0 = Instant::now();
    let mut interner = Interner::with_symbols(generated::SYMBOLS);
    let facts = facts::load(&rules, sources, &mut interner).map_err(RunError::Facts)?;
    let t1 = Instant::now();
    crate::arith::take_errors();
    let (derived, witnesses) = generated::evaluate(&facts.tables);
    let errors = crate::arith::take_errors();
    if !errors.is_empty() {
        return Err(RunError::Arithmetic(
            errors
                .iter()
                .map(|e| {
                    let r = &rules.checked.rules[e.rule];
                    format!(
                        "{}:{}: error[arithmetic_error]: rule `{}`: {}\n  hint: numbers are exact within about ±1.7e38; check the facts feeding this rule, or guard the rule with a comparison\n",
                        rules.file.name, r.line, r.id, e.what
                    )
                })
                .collect(),
        ));
    }
    let t2 = Instant::now();
    let db = Database::new(
        rules,
        interner,
        facts,
        derived,
        witnesses,
        generated::WITNESSES,
    );
    let t3 = Instant::now();
    Ok((
        db,
        Timings {
            load: t1 - t0,
            derive: t2 - t1,
            index: t3 - t2,
        },
    ))
}
