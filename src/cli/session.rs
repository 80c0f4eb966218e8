//! One run for a command that reads facts: rules and facts resolved from the options, the engine
//! run with a progress bar, errors and warnings written, the summary and the audit manifest.

use super::args::{fact_paths, resolve_rules, FactArgs};
use super::output::{code_number, ms};
use super::progress::TermProgress;
use super::Ctx;
use lexproof::db::Database;
use lexproof::engine::{EngineKind, RunError, Timings};
use lexproof::facts::FactSource;
use std::process::ExitCode;
use std::time::Instant;

/// Why a command stopped early: the message for stderr and the exit code.
pub struct Failure {
    pub message: String,
    pub code: ExitCode,
}

impl Failure {
    /// Bad input (rules, facts, an atom, a path): exit 2.
    pub fn input(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: ExitCode::from(2),
        }
    }

    /// The atom asked about does not hold: exit 1.
    pub fn does_not_hold(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: ExitCode::from(1),
        }
    }
}

/// A command's outcome after the run: its exit code, or why it stopped.
pub type CmdResult = Result<ExitCode, Failure>;

/// The files whose load errors are shown in full: past these, only their number is given, so a
/// wrong `--facts` (a whole disk) cannot flood the terminal.
const MAX_FILES_SHOWN: usize = 20;

pub fn with_db(facts: &FactArgs, ctx: &Ctx, f: impl FnOnce(&Database) -> CmdResult) -> ExitCode {
    let (quiet, started) = (ctx.quiet, ctx.started);
    let wall = std::time::SystemTime::now();
    let paths = match fact_paths(facts) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    let (rules, kind, warnings) = match resolve_rules(&facts.engine) {
        Ok(x) => x,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    if !quiet {
        eprint!("{warnings}");
    }
    let sources: Vec<FactSource> = paths.into_iter().map(FactSource::Path).collect();
    if facts.engine.no_proofs && kind == EngineKind::Compiled {
        eprintln!("lexproof: --no-proofs applies to the run-time evaluator; add --engine runtime\n  hint: the compiled engine records proofs as it was built (see the no-witnesses feature)");
        return ExitCode::from(2);
    }
    let as_of = match facts
        .as_of
        .as_deref()
        .map(lexproof::facts::as_of::parse_option)
    {
        Some(Err(e)) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
        Some(Ok(d)) => Some(d),
        None => None,
    };
    let params = match facts
        .params
        .iter()
        .map(|p| lexproof::facts::params::parse_option(p))
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(p) => p,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    let options = lexproof::engine::RunOptions {
        params,
        max_facts: facts.engine.max_facts,
        witnesses: !facts.engine.no_proofs,
        digests: facts.engine.manifest.is_some(),
        as_of,
        max_memory: facts.engine.max_memory,
        skip_unknown: facts.skip_unknown,
    };
    let bar = TermProgress::new(quiet, ctx.stage_times);
    let result = lexproof::engine::run_observed(kind, rules, &sources, &options, &bar);
    bar.clear();
    let (db, timings) = match result {
        Ok(x) => x,
        Err(RunError::Facts(errors)) => {
            for e in errors.iter().take(MAX_FILES_SHOWN) {
                eprint!("{e}");
            }
            if errors.len() > MAX_FILES_SHOWN {
                eprintln!(
                    "lexproof: … and {} more files with errors, not shown",
                    errors.len() - MAX_FILES_SHOWN
                );
            }
            eprintln!(
                "lexproof: the facts were not loaded: {} file{} with errors; nothing was derived",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
            return ExitCode::from(2);
        }
        Err(RunError::Limit(e)) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
        Err(RunError::Options(e)) => {
            eprint!("{e}");
            eprintln!("lexproof: 1 error in the options; nothing was derived");
            return ExitCode::from(2);
        }
        Err(RunError::Arithmetic(errors)) => {
            for e in &errors {
                eprint!("{e}");
            }
            return ExitCode::from(2);
        }
    };
    // Not hidden by -q either: a fact with swapped arguments changes the answers without an error.
    for w in lexproof::facts::roles::mixed_roles(&db.rules.checked, &db.facts, &db.interner) {
        eprint!("{w}");
    }
    if db.facts.as_of == lexproof::facts::as_of::AsOf::Unset {
        // Not hidden by -q: without a date nothing can be overdue, which changes what the answers mean.
        eprintln!("lexproof: warning: no assessment date: every dated fact counts and nothing is reported overdue\n  hint: pass --as-of YYYY-MM-DD, or add assessment_date(\"YYYY-MM-DD\"). to the facts");
    }
    let code = match f(&db) {
        Ok(c) => c,
        Err(f) => {
            eprint!("{}", f.message);
            f.code
        }
    };
    if let Some(path) = &facts.engine.manifest {
        let m = lexproof::audit::manifest::for_run(
            &db,
            &timings,
            wall,
            started.elapsed(),
            code_number(code),
            std::env::args().collect(),
        );
        if let Err(e) = lexproof::audit::manifest::write(&m, path) {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    }
    if !quiet {
        summary(&db, &timings, started);
    }
    // Not part of the summary: -q must not hide that some of the input was not read.
    if !db.facts.skipped.is_empty() {
        eprintln!(
            "lexproof: warning: skipped {} file(s) that no reader claims, or hidden: {}\n  hint: lexproof reads {}; rename fact files to one of these extensions",
            db.facts.skipped.len(),
            db.facts.skipped.join(", "),
            lexproof::facts::READ_KINDS
        );
    }
    code
}

pub fn summary(db: &Database, t: &Timings, started: Instant) {
    let files = db.facts.fact_files;
    eprintln!(
        "lexproof: {}, rules {} sha256:{}, witnesses {}",
        db.engine.describe(),
        db.rules.file.name,
        db.rules.sha256,
        if db.witnesses_recorded {
            "recorded"
        } else {
            "off"
        }
    );
    eprintln!(
        "lexproof: {} input facts from {} file{} and the rules file, {} conclusions, {} rule instances recorded",
        db.facts.tables.iter().map(|t| t.len()).sum::<usize>(),
        files,
        if files == 1 { "" } else { "s" },
        db.conclusion_count(),
        db.witness_count()
    );
    if let Some(d) = db.facts.as_of.describe(&db.facts.files) {
        eprintln!("lexproof: assessed as of {d}");
    }
    eprintln!(
        "lexproof: load {:.1} ms, derive {:.1} ms, index {:.1} ms, total {:.1} ms",
        ms(t.load),
        ms(t.derive),
        ms(t.index),
        ms(started.elapsed())
    );
}

/// Why `what` (a command that shows proofs) cannot run: no rule instances were recorded.
pub fn no_proofs(db: &Database, what: &str) -> String {
    match db.engine {
        EngineKind::Compiled => format!("lexproof: this binary was built without witness relations (feature no-witnesses), so it cannot {what}\n  hint: build without --features no-witnesses, or add --engine runtime\n"),
        EngineKind::Runtime => format!("lexproof: --no-proofs was given, so no rule instances were recorded and lexproof cannot {what}\n  hint: leave out --no-proofs\n"),
    }
}
