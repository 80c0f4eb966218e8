//! Running a rulebase: facts in, evaluation by the compiled program (`compiled`, `stages`) or the
//! run-time evaluator (`runtime`), database out. Both engines honour one budget (`budget`) and
//! record rule instances in the same layout.

pub mod api;
mod arith_trace;
use crate::data::value::printable;
pub mod budget;
pub mod chunks;
pub mod compiled;
pub mod grow;
pub mod lookups;
pub mod runtime;
mod schedule;
pub mod stages;

use crate::data::store::Table;
use crate::data::value::Interner;
use crate::db::instances::Instances;
use crate::db::Database;
use crate::facts;
use crate::rules::rulebase::Rulebase;
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
    /// The run-time evaluator hit its fact limit.
    Limit(String),
    /// An option of the run (`--param`) was refused; the facts loaded.
    Options(String),
}

pub use crate::db::EngineKind;

/// Default cap on derived facts plus rule instances for the run-time evaluator: far above any real
/// fact base, low enough to stop a runaway recursion before it exhausts memory.
pub const DEFAULT_MAX_FACTS: usize = 500_000_000;

pub fn run_compiled(
    rules: Rulebase,
    sources: &[facts::FactSource],
) -> Result<(Database, Timings), RunError> {
    run(EngineKind::Compiled, rules, sources, DEFAULT_MAX_FACTS)
}

pub fn run(
    kind: EngineKind,
    rules: Rulebase,
    sources: &[facts::FactSource],
    max_facts: usize,
) -> Result<(Database, Timings), RunError> {
    run_with(kind, rules, sources, max_facts, true)
}

/// `run`, choosing whether the run-time evaluator records rule instances (the compiled engine
/// records them as it was built to).
pub fn run_with(
    kind: EngineKind,
    rules: Rulebase,
    sources: &[facts::FactSource],
    max_facts: usize,
    witnesses: bool,
) -> Result<(Database, Timings), RunError> {
    let options = RunOptions {
        max_facts,
        witnesses,
        ..RunOptions::default()
    };
    run_observed(
        kind,
        rules,
        sources,
        &options,
        &crate::data::progress::Silent,
    )
}

/// How a run goes beyond the rules and facts.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The run-time evaluator's cap on derived facts plus rule instances.
    pub max_facts: usize,
    /// Whether the run-time evaluator records rule instances.
    pub witnesses: bool,
    /// Compute each facts file's SHA-256 (for the audit manifest).
    pub digests: bool,
    /// `--as-of`: the assessment date, overriding `assessment_date` facts.
    pub as_of: Option<crate::data::value::Date>,
    /// `--param NAME=VALUE`: parameters of the rules given another value for this run.
    pub params: Vec<(String, String)>,
    /// `--max-memory` in bytes; `None`: a safe share of what the machine and process limits allow.
    pub max_memory: Option<u64>,
    /// `--skip-unknown`: files in fact directories that no reader claims are skipped with a
    /// warning instead of failing the load.
    pub skip_unknown: bool,
}

impl Default for RunOptions {
    fn default() -> RunOptions {
        RunOptions {
            max_facts: DEFAULT_MAX_FACTS,
            witnesses: true,
            digests: false,
            as_of: None,
            params: Vec::new(),
            max_memory: None,
            skip_unknown: false,
        }
    }
}

/// A run with `options`, reporting each stage to `obs` (the CLI's progress bar).
pub fn run_observed(
    kind: EngineKind,
    rules: Rulebase,
    sources: &[facts::FactSource],
    options: &RunOptions,
    obs: &dyn crate::data::progress::Observer,
) -> Result<(Database, Timings), RunError> {
    let (max_facts, witnesses) = (options.max_facts, options.witnesses);
    use crate::data::progress::Stage;
    let program = compiled::program_for(&rules);
    assert!(
        kind == EngineKind::Runtime || program.is_some(),
        "the compiled engine runs only the compiled-in rulebase"
    );
    let t0 = Instant::now();
    crate::engine::budget::start(
        crate::engine::budget::Limits {
            max_facts,
            max_memory: options.max_memory,
        },
        rules
            .checked
            .rules
            .iter()
            .map(|r| rules.checked.relations[r.head.rel].name.clone())
            .collect(),
    );
    let mut interner = match kind {
        EngineKind::Compiled => Interner::with_symbols(program.map_or(&[][..], |p| p.symbols)),
        EngineKind::Runtime => {
            let mut i = Interner::default();
            crate::engine::runtime::intern_constants(&rules.checked, &mut i);
            i
        }
    };
    let mut facts = facts::load_observed(
        &rules,
        sources,
        &mut interner,
        facts::LoadOptions {
            digests: options.digests,
            skip_unknown: options.skip_unknown,
        },
        obs,
    )
    .map_err(RunError::Facts)?;
    facts.as_of = facts::as_of::settle(&rules.checked, &mut facts, options.as_of)
        .map_err(|e| RunError::Facts(vec![e]))?;
    facts::params::in_force(&rules.checked, &mut facts, &mut interner);
    facts::params::apply(&rules.checked, &mut facts, &mut interner, &options.params)
        .map_err(RunError::Options)?;
    let mut rules = rules;
    facts::params::interpolate_says(&mut rules.checked, &facts, &interner);
    let t1 = Instant::now();
    obs.stage(Stage::Deriving);
    crate::rules::arith::take_errors();

    let ((derived, witnesses, recorded), ranks) = std::thread::scope(|scope| {
        // No rule makes a symbol, so the display order of symbols is known once the facts are
        // loaded: it is computed beside the derivation, on the core its chains of stages leave
        // idle at times, instead of after it.
        let ranks = (crate::data::parallel::threads() > 1)
            .then(|| scope.spawn(|| interner.display_ranks()));
        let derived = match kind {
            EngineKind::Compiled => {
                let program = program.expect("checked above");
                derive_compiled(program, &rules, &facts, &interner, max_facts, obs)
            }
            EngineKind::Runtime => {
                derive_runtime(&rules, &facts, &interner, max_facts, witnesses, obs)
            }
        };
        let ranks = match ranks {
            Some(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            None if derived.is_ok() => interner.display_ranks(),
            None => Vec::new(),
        };
        derived.map(|d| (d, ranks))
    })?;
    let errors = crate::rules::arith::take_errors();
    let t2 = Instant::now();
    obs.stage(Stage::Indexing);
    let db = Database::new(
        rules, interner, ranks, facts, derived, witnesses, recorded, kind,
    );
    if !errors.is_empty() {
        return Err(arithmetic_errors(&db, errors));
    }
    let t3 = Instant::now();
    obs.stage(Stage::Done);
    Ok((
        db,
        Timings {
            load: t1 - t0,
            derive: t2 - t1,
            index: t3 - t2,
        },
    ))
}

fn fact_limit_message(limit: usize, relation: &str) -> String {
    format!(
        "lexproof: error[fact_limit]: stopped after deriving more than {limit} facts and rule instances (last in `{relation}`)\n  hint: a rule probably recurses without end (e.g. arithmetic in a recursive head); raise the cap with --max-facts if the fact base is really this large\n"
    )
}

fn memory_limit_message(limit: u64, used: u64, relation: &str) -> String {
    let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
    format!(
        "lexproof: error[memory_limit]: stopped at {:.2} GiB of memory, past the budget of {:.2} GiB, while deriving `{relation}`\n  hint: a rule may recurse without end or join many facts with each other (e.g. thousands of dates for one model); check the facts feeding `{relation}`, or raise the budget with --max-memory (e.g. --max-memory 16G) if the machine has room\n",
        gib(used),
        gib(limit)
    )
}

/// What a derivation returns: per relation its derived table, per rule its instances, and whether
/// instances were recorded.
type Derived = (Vec<Option<Table>>, Vec<Instances>, bool);

/// The compiled engine's run: stages on all cores, each stage's instances stored as it ends; a
/// budget trip (facts or memory) becomes the run's error.
fn derive_compiled(
    program: &compiled::CompiledProgram,
    rules: &Rulebase,
    facts: &facts::FactSet,
    interner: &Interner,
    max_facts: usize,
    obs: &dyn crate::data::progress::Observer,
) -> Result<Derived, RunError> {
    let finish = |witnesses, sorted: &crate::engine::stages::Sorted| {
        let heads: Vec<crate::db::instances::Head> = sorted
            .tables
            .iter()
            .map(|(rel, table, origin)| crate::db::instances::Head {
                rel: *rel,
                table,
                origin: origin.as_deref(),
            })
            .collect();
        crate::db::instances::finish(
            &rules.checked,
            interner,
            witnesses,
            &heads,
            &sorted.projected,
        )
    };
    let (d, w) = (program.evaluate)(&facts.tables, &finish, obs);
    // The guards count in batches; the exact count settles a limit below one batch.
    let produced: usize = d.iter().flatten().map(|t| t.len()).sum::<usize>()
        + w.iter().map(|i| i.len()).sum::<usize>();
    if produced > max_facts {
        let last = rules
            .checked
            .rules
            .iter()
            .rev()
            .find(|r| d[r.head.rel].as_ref().is_some_and(|t| !t.is_empty()))
            .map_or(0, |r| r.index);
        crate::engine::budget::record(crate::engine::budget::Trip::Facts {
            rule: last,
            limit: max_facts,
        });
    }
    if let Some(trip) = crate::engine::budget::take_trip() {
        let relation = |rule: usize| {
            let rel = rules.checked.rules[rule].head.rel;
            rules.checked.relations[rel].name.clone()
        };
        return Err(RunError::Limit(match trip {
            crate::engine::budget::Trip::Facts { rule, limit } => {
                fact_limit_message(limit, &relation(rule))
            }
            crate::engine::budget::Trip::Memory { rule, limit, used } => {
                memory_limit_message(limit, used, &relation(rule))
            }
        }));
    }
    Ok((d, w, program.witnesses))
}

/// The run-time evaluator's run, its output sorted and compacted like the compiled engine's.
fn derive_runtime(
    rules: &Rulebase,
    facts: &facts::FactSet,
    interner: &Interner,
    max_facts: usize,
    witnesses: bool,
    obs: &dyn crate::data::progress::Observer,
) -> Result<Derived, RunError> {
    let limits = crate::engine::runtime::Limits {
        max_facts,
        witnesses,
        observer: obs,
    };
    match crate::engine::runtime::evaluate(&rules.checked, &facts.tables, interner, &limits) {
        Ok((d, w)) => {
            // After an arithmetic error the run fails (below) and some heads are missing:
            // no instances to store then.
            let errors = crate::rules::arith::take_errors();
            let failed = !errors.is_empty();
            crate::rules::arith::record(errors);
            let w = if failed {
                (0..w.len()).map(|_| Default::default()).collect()
            } else {
                w
            };
            Ok((d, w, witnesses))
        }
        Err(crate::engine::runtime::EvalError::TooManyFacts { limit, relation }) => {
            Err(RunError::Limit(fact_limit_message(limit, &relation)))
        }
        Err(crate::engine::runtime::EvalError::OutOfMemory {
            limit,
            used,
            relation,
        }) => Err(RunError::Limit(memory_limit_message(
            limit, used, &relation,
        ))),
    }
}

/// Arithmetic that failed inside a rule (overflow, division by zero), as located errors in rule
/// order, each naming the facts of one instance where it failed.
fn arithmetic_errors(db: &Database, mut errors: Vec<crate::rules::arith::ArithError>) -> RunError {
    errors.sort_by_key(|e| e.rule);
    RunError::Arithmetic(
        errors
            .iter()
            .map(|e| {
                let r = &db.rules.checked.rules[e.rule];
                let mut m = format!(
                    "{}:{}: error[arithmetic_error]: rule `{}`: {}\n",
                    r.file, r.line, r.id, e.what
                );
                if let Some(premises) = arith_trace::failing_premises(db, r) {
                    m.push_str("  for example in the instance built on:\n");
                    for (rel, values) in premises {
                        let atom = db.interner.atom(db.relation_name(rel), &values);
                        let from = match db.input_origin(rel, &values) {
                            Some(o) => format!("{}:{}", printable(&db.facts.files[o.file as usize]), o.line),
                            None => "derived".to_string(),
                        };
                        m.push_str(&format!("    {atom}  ({from})\n"));
                    }
                }
                m.push_str("  hint: numbers are exact within about ±1.7e38; check the facts feeding this rule, or guard the rule with a comparison\n");
                m
            })
            .collect(),
    )
}
