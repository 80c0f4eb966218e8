//! The command line: options parsed by clap, one module per command, and the shared run in
//! `session`. The only place that reads the environment, prints, or turns errors into exit codes.

// Every command's stderr goes through these instead of std's macros, which panic (exit 101) when
// stderr cannot be written; a lost message is remembered so that the run never ends as a success.
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::cli::output::to_stderr(&format!($($arg)*))
    };
}
macro_rules! eprintln {
    ($($arg:tt)*) => {
        $crate::cli::output::to_stderr(&format!("{}\n", format!($($arg)*)))
    };
}

mod args;
mod check;
mod coverage;
mod derive;
mod diff;
mod explain;
mod import;
mod instances;
mod lsp;
mod lsp_frames;
mod new_extension;
mod output;
mod progress;
mod query;
mod report;
mod session;
mod suggest;
mod test;
mod timeline;
mod vocab;
mod why_not;

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use std::time::Instant;

const ABOUT: &str =
    "lexproof derives which EU AI Act duties for general-purpose AI models apply to whom, \
from facts about providers and models, and shows the legal reasoning behind every conclusion.";

const AFTER_HELP: &str = "Examples:
  lexproof derive                                  all conclusions from the demo facts in ./facts
  lexproof derive --facts my-facts/ --format json  conclusions from your own fact files, as JSON
  lexproof query 'obligation(A, \"aurora-m\", D)'    which duties bind whom for the model aurora-m
  lexproof explain 'obligation(\"aurora-labs\", \"aurora-m\", \"art53_1_a\")'
                                                   the legal reasoning for one conclusion
  lexproof check --rules rules.dl                  check a rules file for mistakes

Exit codes: 0 success; 1 the atom asked about does not hold; 2 bad input (rules, facts or atom).";

#[derive(Parser)]
#[command(name = "lexproof", version, about = ABOUT, after_help = AFTER_HELP)]
struct Cli {
    /// Do not print the run summary on stderr.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A model's legal history: its statuses and every actor's duties over time, with deadlines,
    /// the assessment date and the rule behind each mark.
    Timeline(timeline::Args),
    /// Derive every conclusion (which models are GPAI models, who provides them, which duties bind whom).
    Derive(derive::Args),
    /// List the conclusions or facts matching an atom, e.g. 'obligation(A, "aurora-m", D)'.
    /// Upper-case names are variables, `_` matches anything, quoted values must match exactly.
    Query(query::Args),
    /// Show why a conclusion holds: the rules that fired, their legal sources, and the facts they used.
    Explain(explain::Args),
    /// Explain why an atom does NOT hold: for each rule that could conclude it, the closest instance,
    /// which premises hold, which are missing, and which are blocked by a fact that holds (e.g. an
    /// exemption), down to the missing input facts. Variables and `_` are allowed.
    WhyNot(why_not::Args),
    /// A compliance report: per actor and model, the duties that bind it (deadlines, weakest
    /// authority, unsettled law, short proofs), duties lifted, duties not concluded and why not, and
    /// open questions with the facts to supply.
    Report(report::Args),
    /// Run scenario tests: each `.dl` file in DIR holds facts and `expect` lines (see docs/scenarios.md).
    /// Prints one line per scenario and `N passed, M failed`; exits 1 if any failed.
    Test(test::Args),
    /// List the provisions of Recital 97 and the articles it points to, the rules citing each, and
    /// whether those rules fire in any scenario. Exits 1 if a provision is uncovered or untested.
    Coverage(coverage::Args),
    /// Print every recorded rule instance (witness) per rule, sorted: for comparing engines.
    #[command(hide = true)]
    Instances(instances::Args),
    /// The vocabulary: every input and conclusion relation, what each argument means, the allowed
    /// values of each enumeration, the legal source and an example fact. With RELATION (or a type
    /// name such as channel), that entry only.
    Vocab(vocab::Args),
    /// Turn Hugging Face model cards (README.md with YAML front matter) or CycloneDX 1.6/1.7 ML-BOMs
    /// into a `.dl` fact file on stdout: only what the sources state (docs/import.md); what could not
    /// be mapped, and the inputs still missing, go to stderr.
    Import(import::Args),
    /// What a change of rules, facts or date did: every conclusion added or removed against a
    /// baseline (the shipped rules, the same facts and date unless --base-* say otherwise), grouped
    /// by relation and actor, each with its proof or why it no longer holds.
    Diff(diff::Args),
    /// Check a rules file for mistakes (syntax, unknown relations, types, unsafe variables, ...).
    Check(check::Args),
    /// Start an extension of the shipped rules: NAME.dl (a documented input relation, a conclusion
    /// and a rule, commented) and NAME-scenarios/ (one scenario where the rule fires, one where it
    /// does not), ready for `check --extend` and `test --extend`.
    NewExtension(new_extension::Args),
    /// A language server for rules files and extensions over stdin/stdout (the Language Server
    /// Protocol): the diagnostics of `check`, hover, go to definition, references, outline and
    /// completion. Editors start it; see editors/vscode/.
    Lsp(lsp::Args),
}

/// What every command may need of the invocation.
pub struct Ctx {
    /// `-q`: no run summary on stderr.
    pub quiet: bool,
    pub started: Instant,
    /// `LEXPROOF_STAGE_TIMES=1`: print each load step's and stage's time on stderr.
    pub stage_times: bool,
}

/// Parses the command line and runs the command.
pub fn run() -> ExitCode {
    let code = run_command();
    if output::stderr_failed() && code == ExitCode::SUCCESS {
        return ExitCode::from(2);
    }
    code
}

fn run_command() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout, usage errors to stderr; either write may fail, and a
        // failed write is no success.
        Err(e) => {
            let printed = e.print();
            if let Err(w) = printed {
                if e.use_stderr() {
                    return ExitCode::from(2);
                }
                output::write_failed(&w);
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    // Settings for profiling and reproducing runs, read here so the library never reads the
    // environment.
    if let Some(n) = std::env::var("LEXPROOF_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        lexproof::data::parallel::set_threads(n);
    }
    stale_rules_warning();
    let ctx = Ctx {
        quiet: cli.quiet,
        started: Instant::now(),
        stage_times: std::env::var_os("LEXPROOF_STAGE_TIMES").is_some_and(|v| v == "1"),
    };
    match cli.command {
        Command::Timeline(a) => timeline::run(a, &ctx),
        Command::Derive(a) => derive::run(a, &ctx),
        Command::Query(a) => query::run(a, &ctx),
        Command::Explain(a) => explain::run(a, &ctx),
        Command::WhyNot(a) => why_not::run(a, &ctx),
        Command::Report(a) => report::run(a, &ctx),
        Command::Test(a) => test::run(a),
        Command::Coverage(a) => coverage::run(a),
        Command::Instances(a) => instances::run(a, &ctx),
        Command::Vocab(a) => vocab::run(a),
        Command::Import(a) => import::run(a),
        Command::Check(a) => check::run(a),
        Command::Diff(a) => diff::run(a, &ctx),
        Command::NewExtension(a) => new_extension::run(a),
        Command::Lsp(a) => lsp::run(a),
    }
}

/// Warns once when a `rules.dl` in the working directory differs from the rules compiled into this
/// binary: answers would then come from rules other than the ones on disk.
fn stale_rules_warning() {
    use lexproof::rules::rulebase::{sha256_hex, shipped_text};
    // Only a regular file of a sensible size: a FIFO or a device named rules.dl must not block or
    // exhaust memory before the command has even started.
    let regular = std::fs::metadata("rules.dl").is_ok_and(|m| m.is_file() && m.len() < 1 << 26);
    let Some(on_disk) = regular.then(|| std::fs::read("rules.dl").ok()).flatten() else {
        return;
    };
    if on_disk != shipped_text().as_bytes() {
        let (disk, built) = (sha256_hex(&on_disk), sha256_hex(shipped_text().as_bytes()));
        eprintln!(
            "lexproof: warning[stale_rules]: rules.dl here (sha256 {disk}) differs from the rules compiled into this binary (sha256 {built})\n  hint: rebuild (cargo build --release), or run the file on disk with --rules rules.dl"
        );
    }
}
