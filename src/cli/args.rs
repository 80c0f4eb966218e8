//! Options shared by the commands: which facts, which rules and engine, which limits.

use clap::ValueEnum;
use lexproof::engine::EngineKind;
use lexproof::rules::rulebase::{render_all, Rulebase};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Clone)]
pub struct FactArgs {
    /// A fact file (.dl, .facts, .tsv, .csv, .json, .md) or a directory of them, read recursively. Repeat to
    /// combine several. Default: the ./facts directory.
    #[arg(long = "facts", value_name = "PATH")]
    pub facts: Vec<PathBuf>,
    /// Assess as of this day (YYYY-MM-DD): events dated after it have not happened yet. Overrides
    /// any assessment_date fact.
    #[arg(long = "as-of", value_name = "DATE")]
    pub as_of: Option<String>,
    /// Give a parameter of the rules (a `.param`, e.g. the Art. 51(2) threshold) another value for
    /// this run: `--param art51_threshold=1e24`. Repeat for several.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Skip files in fact directories that no reader claims (a warning lists them) instead of
    /// stopping with error[unknown_file_kind].
    #[arg(long)]
    pub skip_unknown: bool,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(clap::Args, Clone)]
pub struct EngineArgs {
    /// Use this rules file instead of the rulebase compiled into lexproof (evaluated at run time,
    /// no rebuild needed).
    #[arg(long, value_name = "FILE", conflicts_with = "extend")]
    pub rules: Option<PathBuf>,
    /// Add the rules in FILE to the shipped rulebase (evaluated at run time).
    #[arg(long, value_name = "FILE")]
    pub extend: Option<PathBuf>,
    /// Which engine runs: `compiled` (the rulebase built into the binary), `runtime` (the run-time
    /// evaluator, any rules file) or `auto` (compiled unless --rules or --extend is given).
    #[arg(long, value_enum, default_value_t = EngineChoice::Auto)]
    pub engine: EngineChoice,
    /// Stop with error[fact_limit] after this many derived facts and rule instances (both engines).
    #[arg(long, value_name = "N", default_value_t = lexproof::engine::DEFAULT_MAX_FACTS)]
    pub max_facts: usize,
    /// Stop with error[memory_limit] once the process uses more memory than SIZE (e.g. 4G, 512M).
    /// Default: 80% of the smaller of physical memory and the address-space limit (`ulimit -v`).
    #[arg(long, value_name = "SIZE", value_parser = lexproof::engine::budget::parse_size)]
    pub max_memory: Option<u64>,
    /// Also write an audit manifest to FILE (JSON): lexproof version, engine, SHA-256 of the rules
    /// and of each facts file, the assessment date, counts and the time of the run.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Run-time evaluator only: do not record rule instances. Uses less memory and time; `explain`
    /// and proofs are then unavailable.
    #[arg(long)]
    pub no_proofs: bool,
}

impl EngineArgs {
    /// The fact and memory limits given, for runs other than the session's (scenarios).
    pub fn limits(&self) -> lexproof::engine::RunOptions {
        lexproof::engine::RunOptions {
            max_facts: self.max_facts,
            max_memory: self.max_memory,
            ..Default::default()
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EngineChoice {
    Auto,
    Compiled,
    Runtime,
}

pub fn read_rules_file(p: &Path) -> Result<(String, String), String> {
    let bytes = lexproof::facts::read_regular(p).map_err(|e| {
        format!(
            "{}: error[unreadable_file]: cannot read the rules file: {e}\n  hint: check the path\n",
            lexproof::data::value::printable(&p.display().to_string())
        )
    })?;
    let name = p.display().to_string();
    lexproof_lang::diag::decode_utf8(&name, bytes).map(|t| (name, t))
}

/// The rulebase and engine the options ask for; warnings of a run-time rules file come back rendered.
pub fn resolve_rules(a: &EngineArgs) -> Result<(Rulebase, EngineKind, String), String> {
    let custom = a.rules.is_some() || a.extend.is_some();
    if custom && a.engine == EngineChoice::Compiled {
        return Err("lexproof: --engine compiled runs only the rulebase built into lexproof; --rules and --extend need the run-time evaluator\n  hint: drop --engine compiled, or rebuild with LEXPROOF_RULES=FILE cargo build --release\n".into());
    }
    if !custom && a.engine != EngineChoice::Runtime {
        return Ok((Rulebase::shipped(), EngineKind::Compiled, String::new()));
    }
    let (rb, w) = Rulebase::from_parts(&rules_parts(a)?).map_err(|d| render_all(&d))?;
    Ok((rb, EngineKind::Runtime, render_all(&w)))
}

/// The rules files the options name (the shipped rulebase by default), as (name, text).
pub fn rules_parts(a: &EngineArgs) -> Result<Vec<(String, String)>, String> {
    let shipped = (
        lexproof::rules::rulebase::shipped_name().to_string(),
        lexproof::rules::rulebase::shipped_text().to_string(),
    );
    Ok(match (&a.rules, &a.extend) {
        (Some(r), _) => vec![read_rules_file(r)?],
        (None, Some(x)) => vec![shipped, read_rules_file(x)?],
        (None, None) => vec![shipped],
    })
}

pub fn fact_paths(facts: &FactArgs) -> Result<Vec<PathBuf>, String> {
    if !facts.facts.is_empty() {
        return Ok(facts.facts.clone());
    }
    // A rules file of one's own is its own world: its ground facts, and only the facts named.
    if facts.engine.rules.is_some() {
        return Ok(Vec::new());
    }
    let default = PathBuf::from("facts");
    if default.is_dir() {
        Ok(vec![default])
    } else {
        Err("lexproof: no --facts given and there is no ./facts directory here\n  hint: pass --facts PATH (a file or a directory), or run from the lexproof repository to use its demo facts\n".to_string())
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TableFormat {
    Text,
    Json,
    Tsv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}
