//! The `lexproof` command line.

use clap::{Parser, Subcommand, ValueEnum};
use lexproof::db::Database;
use lexproof::engine::{EngineKind, RunError, Timings};
use lexproof::facts::FactSource;
use lexproof::present::{explain, render};
use lexproof::reason::{proof, query, whynot};
use lexproof::rules::rulebase::{render_all, sha256_hex, Rulebase};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[global_allocator]
static GLOBAL: lexproof::engine::budget::Budgeted<mimalloc::MiMalloc> =
    lexproof::engine::budget::Budgeted(mimalloc::MiMalloc);

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

#[derive(clap::Args, Clone)]
struct FactArgs {
    /// A fact file (.dl, .facts TSV, .json) or a directory of them, read recursively. Repeat to
    /// combine several. Default: the ./facts directory.
    #[arg(long = "facts", value_name = "PATH")]
    facts: Vec<PathBuf>,
    /// Assess as of this day (YYYY-MM-DD): events dated after it have not happened yet. Overrides
    /// any assessment_date fact.
    #[arg(long = "as-of", value_name = "DATE")]
    as_of: Option<String>,
    /// Skip files in fact directories that no reader claims (a warning lists them) instead of
    /// stopping with error[unknown_file_kind].
    #[arg(long)]
    skip_unknown: bool,
    #[command(flatten)]
    engine: EngineArgs,
}

#[derive(clap::Args, Clone)]
struct EngineArgs {
    /// Use this rules file instead of the rulebase compiled into lexproof (evaluated at run time,
    /// no rebuild needed).
    #[arg(long, value_name = "FILE", conflicts_with = "extend")]
    rules: Option<PathBuf>,
    /// Add the rules in FILE to the shipped rulebase (evaluated at run time).
    #[arg(long, value_name = "FILE")]
    extend: Option<PathBuf>,
    /// Which engine runs: `compiled` (the rulebase built into the binary), `runtime` (the run-time
    /// evaluator, any rules file) or `auto` (compiled unless --rules or --extend is given).
    #[arg(long, value_enum, default_value_t = EngineChoice::Auto)]
    engine: EngineChoice,
    /// Stop with error[fact_limit] after this many derived facts and rule instances (both engines).
    #[arg(long, value_name = "N", default_value_t = lexproof::engine::DEFAULT_MAX_FACTS)]
    max_facts: usize,
    /// Stop with error[memory_limit] once the process uses more memory than SIZE (e.g. 4G, 512M).
    /// Default: 80% of the smaller of physical memory and the address-space limit (`ulimit -v`).
    #[arg(long, value_name = "SIZE", value_parser = lexproof::engine::budget::parse_size)]
    max_memory: Option<u64>,
    /// Also write an audit manifest to FILE (JSON): lexproof version, engine, SHA-256 of the rules
    /// and of each facts file, the assessment date, counts and the time of the run.
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Run-time evaluator only: do not record rule instances. Uses less memory and time; `explain`
    /// and proofs are then unavailable.
    #[arg(long)]
    no_proofs: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EngineChoice {
    Auto,
    Compiled,
    Runtime,
}

fn read_rules_file(p: &Path) -> Result<(String, String), String> {
    let bytes = std::fs::read(p).map_err(|e| {
        format!(
            "{}: error[unreadable_file]: cannot read the rules file: {e}\n  hint: check the path\n",
            p.display()
        )
    })?;
    let name = p.display().to_string();
    lexproof_lang::diag::decode_utf8(&name, bytes).map(|t| (name, t))
}

/// The rulebase and engine the options ask for; warnings of a run-time rules file come back rendered.
fn resolve_rules(a: &EngineArgs) -> Result<(Rulebase, EngineKind, String), String> {
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
fn rules_parts(a: &EngineArgs) -> Result<Vec<(String, String)>, String> {
    let shipped = (
        lexproof::rules::rulebase::RULES_NAME.to_string(),
        lexproof::rules::rulebase::RULES_TEXT.to_string(),
    );
    Ok(match (&a.rules, &a.extend) {
        (Some(r), _) => vec![read_rules_file(r)?],
        (None, Some(x)) => vec![shipped, read_rules_file(x)?],
        (None, None) => vec![shipped],
    })
}

#[derive(Subcommand)]
enum Command {
    /// A model's legal history: its statuses and every actor's duties over time, with deadlines,
    /// the assessment date and the rule behind each mark.
    Timeline {
        /// The model, e.g. aurora-m (quotes optional).
        model: String,
        #[command(flatten)]
        facts: FactArgs,
        #[arg(long, value_enum, default_value_t = TimelineFormat::Text)]
        format: TimelineFormat,
    },
    /// Derive every conclusion (which models are GPAI models, who provides them, which duties bind whom).
    Derive {
        #[command(flatten)]
        facts: FactArgs,
        /// How to print the conclusions.
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
        /// Also write one tab-separated file per conclusion relation, DIR/<relation>.tsv.
        #[arg(long, value_name = "DIR")]
        output_dir: Option<PathBuf>,
        /// Show every relation: helper relations and the input facts too, not only the conclusions
        /// the rules name with `.output`.
        #[arg(long)]
        all: bool,
    },
    /// List the conclusions or facts matching an atom, e.g. 'obligation(A, "aurora-m", D)'.
    /// Upper-case names are variables, `_` matches anything, quoted values must match exactly.
    Query {
        /// The atom to match.
        atom: String,
        #[command(flatten)]
        facts: FactArgs,
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
    },
    /// Show why a conclusion holds: the rules that fired, their legal sources, and the facts they used.
    Explain {
        /// A ground atom, e.g. 'obligation("aurora-labs", "aurora-m", "art53_1_a")'.
        atom: String,
        #[command(flatten)]
        facts: FactArgs,
        #[arg(long, value_enum, default_value_t = ProofFormat::Text)]
        format: ProofFormat,
        /// Show every rule instance that derives each fact, not only the proof of least height.
        #[arg(long)]
        all: bool,
        /// Show rules at most N levels below the conclusion; deeper derived facts are listed but not
        /// expanded.
        #[arg(long, value_name = "N")]
        depth: Option<usize>,
    },
    /// Explain why an atom does NOT hold: for each rule that could conclude it, the closest instance,
    /// which premises hold, which are missing, and which are blocked by a fact that holds (e.g. an
    /// exemption), down to the missing input facts. Variables and `_` are allowed.
    WhyNot {
        /// An atom, e.g. 'obligation("aurora-labs", "aurora-m", "art55_1_a")'.
        atom: String,
        #[command(flatten)]
        facts: FactArgs,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Explain missing conclusions this many levels down.
        #[arg(long, value_name = "N", default_value_t = 4)]
        depth: usize,
        /// Closest instances shown per rule.
        #[arg(long, value_name = "N", default_value_t = 1)]
        closest: usize,
    },
    /// A compliance report: per actor and model, the duties that bind it (deadlines, weakest
    /// authority, unsettled law, short proofs), duties lifted, duties not concluded and why not, and
    /// open questions with the facts to supply.
    Report {
        #[command(flatten)]
        facts: FactArgs,
        /// Only this actor (e.g. "aurora-labs").
        #[arg(long, value_name = "ACTOR")]
        actor: Option<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
    },
    /// Run scenario tests: each `.dl` file in DIR holds facts and `expect` lines (see the README).
    /// Prints one line per scenario and `N passed, M failed`; exits 1 if any failed.
    Test {
        /// Directory of scenario files, read recursively.
        #[arg(default_value = "tests/scenarios")]
        dir: PathBuf,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// List the provisions of Recital 97 and the articles it points to, the rules citing each, and
    /// whether those rules fire in any scenario. Exits 1 if a provision is uncovered or untested.
    Coverage {
        /// Directory of scenario files used to see which rules fire.
        #[arg(long, default_value = "tests/scenarios", value_name = "DIR")]
        scenarios: PathBuf,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Print every recorded rule instance (witness) per rule, sorted: for comparing engines.
    #[command(hide = true)]
    Instances {
        #[command(flatten)]
        facts: FactArgs,
    },
    /// The vocabulary: every input and conclusion relation, what each argument means, the allowed
    /// values of each enumeration, the legal source and an example fact. With RELATION (or a type
    /// name such as channel), that entry only.
    Vocab {
        /// A relation or enumeration, e.g. made_available or channel.
        name: Option<String>,
        /// Also list the rulebase's internal helper relations.
        #[arg(long)]
        all: bool,
        /// `md` writes the Markdown of docs/vocabulary.md.
        #[arg(long, value_enum, default_value_t = VocabFormat::Text)]
        format: VocabFormat,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Turn Hugging Face model cards (README.md with YAML front matter) or CycloneDX 1.6/1.7 ML-BOMs
    /// into a `.dl` fact file on stdout: only what the sources state (docs/import.md); what could not
    /// be mapped, and the inputs still missing, go to stderr.
    Import {
        /// The source format.
        #[arg(value_enum)]
        format: ImportFormat,
        /// Files, or folders searched for `.md` cards or `.json` BOMs.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Check a rules file for mistakes (syntax, unknown relations, types, unsafe variables, ...).
    Check {
        #[command(flatten)]
        engine: EngineArgs,
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum TableFormat {
    Text,
    Json,
    Tsv,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProofFormat {
    Text,
    Json,
    Dot,
    /// A Mermaid flowchart, to paste into Markdown.
    Mermaid,
    /// A paragraph in plain English from the rules' plain-language lines, citations in brackets.
    Prose,
    /// One self-contained HTML page: a collapsible tree and a graph, with search.
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
enum TimelineFormat {
    /// A chart in characters, then each row's dates with the rules behind them.
    Text,
    /// One self-contained HTML page: the picture, the rows, the rules they link to.
    Html,
    /// The picture alone, as SVG.
    Svg,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    /// Markdown.
    Md,
    /// One self-contained HTML page with a collapsible proof per duty.
    Html,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ImportFormat {
    HfCard,
    Cyclonedx,
}

#[derive(Clone, Copy, ValueEnum)]
enum VocabFormat {
    Text,
    Md,
}

/// The stack of the thread that runs a command. Proof walks (building, rendering) recurse once per
/// level of a proof, and `proof::MAX_LEVELS` levels need far more than the main thread's 8 MiB; the
/// memory is reserved, and only what a walk touches is used.
const STACK_BYTES: usize = 512 << 20;

fn main() -> ExitCode {
    match std::thread::Builder::new()
        .name("lexproof".into())
        .stack_size(STACK_BYTES)
        .spawn(run)
    {
        Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
        Err(_) => run(),
    }
}

fn run() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    match cli.command {
        Command::Check { engine, format } => check(&engine, format),
        Command::Import { format, paths } => import(format, &paths),
        Command::Vocab {
            name,
            all,
            format,
            engine,
        } => vocab(name.as_deref(), all, format, &engine),
        Command::Instances { facts } => with_db(&facts, cli.quiet, started, |db| {
            if !db.witnesses_recorded {
                return Err((no_proofs(db, "list rule instances"), ExitCode::from(2)));
            }
            let mut out = String::new();
            for (rule, inst) in db.rules.checked.rules.iter().zip(&db.witnesses) {
                out.push_str(&format!("// {} ({} instances)\n", rule.id, inst.len()));
                let types: Vec<_> = rule.witness.iter().map(|&v| rule.vars[v].ty).collect();
                let mut t = lexproof::data::store::Table::with_capacity(types, inst.len());
                for i in 0..inst.len() {
                    t.push_row(&db.witness_row(rule, i));
                }
                out.push_str(&render::table_tsv(db, &t));
            }
            print(&out);
            Ok(ExitCode::SUCCESS)
        }),
        Command::Test { dir, engine } => run_scenarios(&dir, &engine),
        Command::Timeline {
            model,
            facts,
            format,
        } => with_db(&facts, cli.quiet, started, |db| {
            if !db.witnesses_recorded {
                return Err((no_proofs(db, "draw a timeline"), ExitCode::from(2)));
            }
            let model = model.trim().trim_matches('"');
            let t =
                lexproof::reason::timeline::build(db, model).map_err(|e| (e, ExitCode::from(2)))?;
            print(&match format {
                TimelineFormat::Text => lexproof::present::timeline::text(&t),
                TimelineFormat::Html => lexproof::present::timeline::html(&t),
                TimelineFormat::Svg => lexproof::present::timeline::svg(&t, false) + "\n",
            });
            Ok(ExitCode::SUCCESS)
        }),
        Command::Coverage { scenarios, engine } => {
            let (rules, kind, _) = match resolve_rules(&engine) {
                Ok(x) => x,
                Err(e) => {
                    eprint!("{e}");
                    return ExitCode::from(2);
                }
            };
            match lexproof::audit::coverage::compute(&rules, kind, &scenarios) {
                Ok((rows, n)) => {
                    print(&lexproof::audit::coverage::render(&rows, n));
                    if rows.iter().all(|r| r.fired) {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(1)
                    }
                }
                Err(e) => {
                    eprint!("{e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Derive {
            facts,
            format,
            output_dir,
            all,
        } => with_db(&facts, cli.quiet, started, |db| {
            let program = &db.rules.checked;
            let rels: Vec<usize> = if all {
                (0..program.relations.len()).collect()
            } else if program.outputs.is_empty() {
                (0..program.relations.len())
                    .filter(|&r| program.relations[r].derived)
                    .collect()
            } else {
                program.outputs.clone()
            };
            if let Some(dir) = &output_dir {
                write_output_dir(db, &rels, dir)?;
            }
            match format {
                TableFormat::Json => print(&render::derive_json(db, &rels)),
                // Streamed in blocks of rows, so the text of every conclusion is never held in
                // memory at once. A closed pipe (e.g. `| head`) just ends the output.
                TableFormat::Text | TableFormat::Tsv => {
                    let fmt = match format {
                        TableFormat::Text => render::RowFormat::Text,
                        _ => render::RowFormat::Tsv,
                    };
                    let mut out = std::io::stdout().lock();
                    if let Err(e) =
                        render::write_relations(db, &rels, fmt, render::BLOCK_ROWS, &mut out)
                            .and_then(|_| out.flush())
                    {
                        write_failed(&e);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }),
        Command::Query {
            atom,
            facts,
            format,
        } => with_db(&facts, cli.quiet, started, |db| {
            let p = query::parse(db, &atom).map_err(|e| (e, ExitCode::from(2)))?;
            if p.has_unknown() {
                // Not hidden by -q: no match because of a value no fact or rule mentions.
                eprint!(
                    "lexproof: warning: {}",
                    unknown_value_message(db, &p, &atom)
                );
            }
            let rows = query::matches(db, &p);
            let name = db.relation_name(p.rel).to_string();
            let out = match format {
                TableFormat::Text => rows
                    .iter()
                    .map(|r| format!("{}.\n", db.interner.atom(&name, r)))
                    .collect(),
                TableFormat::Tsv => render::tsv(db, &rows),
                TableFormat::Json => query_json(db, &p, &rows),
            };
            print(&out);
            if !cli.quiet {
                eprintln!(
                    "lexproof: {} match{} for {}",
                    rows.len(),
                    if rows.len() == 1 { "" } else { "es" },
                    atom
                );
            }
            Ok(ExitCode::SUCCESS)
        }),
        Command::Report {
            facts,
            actor,
            format,
        } => with_db(&facts, cli.quiet, started, |db| {
            if !db.witnesses_recorded {
                // Every duty in the report comes with its proof.
                return Err((no_proofs(db, "report"), ExitCode::from(2)));
            }
            let r = lexproof::present::report::build(db, actor.as_deref())
                .map_err(|e| (e, ExitCode::from(2)))?;
            if let Some(a) = &r.unknown_actor {
                // Not hidden by -q: the report is empty because of the name given.
                eprintln!(
                    "lexproof: warning: no fact or rule mentions the actor \"{}\"{}",
                    lexproof::data::value::printable(a),
                    nearest_symbol(db, a)
                        .map(|s| format!("\n  hint: did you mean \"{s}\"?"))
                        .unwrap_or_default()
                );
            }
            print(&match format {
                ReportFormat::Md => lexproof::present::report::markdown(db, &r),
                ReportFormat::Html => lexproof::present::report::html(db, &r),
                ReportFormat::Json => lexproof::present::report::json(db, &r),
            });
            Ok(ExitCode::SUCCESS)
        }),
        Command::WhyNot {
            atom,
            facts,
            format,
            depth,
            closest,
        } => with_db(&facts, cli.quiet, started, |db| {
            let p = query::parse(db, &atom).map_err(|e| (e, ExitCode::from(2)))?;
            if p.has_unknown() {
                print(&unknown_value_message(db, &p, &atom));
                return Ok(ExitCode::SUCCESS);
            }
            let limits = whynot::Limits {
                depth,
                instances: closest.max(1),
                ..whynot::Limits::default()
            };
            let search = Instant::now();
            let e = whynot::why_not(db, &p, limits);
            if !cli.quiet {
                eprintln!("lexproof: why-not search {:.3} ms", ms(search.elapsed()));
            }
            print(&match format {
                CheckFormat::Text => lexproof::present::whynot::text(db, &e),
                CheckFormat::Json => lexproof::present::whynot::json(db, &e, &atom),
            });
            Ok(if matches!(e.verdict, whynot::Verdict::Holds(_)) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }),
        Command::Explain {
            atom,
            facts,
            format,
            all,
            depth,
        } => with_db(&facts, cli.quiet, started, |db| {
            let p = query::parse(db, &atom).map_err(|e| (e, ExitCode::from(2)))?;
            let values = match p.ground() {
                Some(v) => v,
                None if p.has_unknown() => return Err((format!("lexproof: {}", unknown_value_message(db, &p, &atom)), ExitCode::from(1))),
                None => {
                    return Err((
                        format!("lexproof: explain needs a ground atom (no variables or `_`), got {atom}\n  hint: find the matching conclusions with `lexproof query '{atom}'`, then explain one of them\n"),
                        ExitCode::from(2),
                    ))
                }
            };
            if !db.witnesses_recorded {
                return Err((no_proofs(db, "explain"), ExitCode::from(2)));
            }
            let search = Instant::now();
            let found = proof::build_proof(db, p.rel, &values, proof::Options { all, depth });
            if !cli.quiet {
                eprintln!("lexproof: proof search {:.3} ms", ms(search.elapsed()));
            }
            let Some(proof) = found else {
                return Err((format!("lexproof: {atom} does not hold: no rule derives it from these facts, and no fact states it\n"), ExitCode::from(1)));
            };
            let out = match format {
                ProofFormat::Text => explain::text(db, &proof),
                ProofFormat::Json => explain::json(db, &proof, &atom),
                ProofFormat::Dot => explain::dot(db, &proof),
                ProofFormat::Mermaid => explain::mermaid(db, &proof),
                ProofFormat::Prose => explain::prose(db, &proof),
                ProofFormat::Html => explain::html(db, &proof, &atom),
            };
            print(&out);
            Ok(ExitCode::SUCCESS)
        }),
    }
}

/// An atom naming a value that no fact or rule mentions cannot hold; say which and suggest a spelling.
fn unknown_value_message(db: &Database, p: &query::Pattern, atom: &str) -> String {
    let file = lexproof_lang::SourceFile::new("atom", atom);
    let mut out = format!("{atom} does not hold: ");
    if let Ok(a) = lexproof_lang::parser::parse_atom(&file) {
        for (arg, term) in p.args.iter().zip(&a.args) {
            if let (query::Arg::Unknown, lexproof_lang::ast::Term::Str(s, _)) = (arg, term) {
                out.push_str(&format!(
                    "\"{s}\" appears in no fact and in no rule, so nothing is known about it."
                ));
                if let Some(best) = nearest_symbol(db, s) {
                    out.push_str(&format!("\n  hint: did you mean \"{best}\"?"));
                }
                break;
            }
        }
    }
    out.push('\n');
    out
}

/// The symbol of the facts and rules nearest to `s` in spelling or case (`"Aurora-M"` for
/// `"aurora-m"`), for "did you mean".
fn nearest_symbol(db: &Database, s: &str) -> Option<String> {
    let known = || {
        (0..db.interner.len() as u32).map(|i| db.interner.resolve(lexproof::data::value::Sym(i)))
    };
    if let Some(same) = known().find(|k| k.eq_ignore_ascii_case(s)) {
        return Some(same.to_string());
    }
    lexproof_lang::check::suggest(s, known())
}

type CmdResult = Result<ExitCode, (String, ExitCode)>;

/// A progress bar on stderr for long runs: bytes of facts read, then a spinner while deriving and
/// indexing. Only on a terminal and without -q, so pipes, files and tests see nothing.
struct TermProgress(Option<indicatif::ProgressBar>);

impl TermProgress {
    fn new(quiet: bool) -> TermProgress {
        use std::io::IsTerminal;
        TermProgress((!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr_with_hz(8),
            );
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} reading the rules and facts")
                    .expect("static template"),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        }))
    }
    fn clear(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl lexproof::data::progress::Observer for TermProgress {
    fn stage(&self, stage: lexproof::data::progress::Stage) {
        use lexproof::data::progress::Stage;
        let Some(b) = &self.0 else { return };
        let spinner = |msg: &'static str| {
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .expect("static template"),
            );
            b.set_message(msg);
        };
        match stage {
            Stage::Loading { files, bytes } => {
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} loading {msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}, eta {eta})",
                    )
                    .expect("static template")
                    .progress_chars("=> "),
                );
                b.set_length(bytes);
                b.set_message(format!(
                    "{files} fact file{}",
                    if files == 1 { "" } else { "s" }
                ));
            }
            Stage::Deriving => spinner("deriving conclusions and recording rule instances"),
            Stage::Indexing => spinner("indexing proofs"),
            Stage::Done => b.finish_and_clear(),
        }
    }
    fn loaded(&self, bytes: u64) {
        if let Some(b) = &self.0 {
            b.inc(bytes);
        }
    }
}

/// The number of one of lexproof's exit codes (0, 1 or 2).
fn code_number(c: ExitCode) -> u8 {
    (0..=2).find(|&n| ExitCode::from(n) == c).unwrap_or(2)
}

fn with_db(
    facts: &FactArgs,
    quiet: bool,
    started: Instant,
    f: impl FnOnce(&Database) -> CmdResult,
) -> ExitCode {
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
    let options = lexproof::engine::RunOptions {
        max_facts: facts.engine.max_facts,
        witnesses: !facts.engine.no_proofs,
        digests: facts.engine.manifest.is_some(),
        as_of,
        max_memory: facts.engine.max_memory,
        skip_unknown: facts.skip_unknown,
    };
    let bar = TermProgress::new(quiet);
    let result = lexproof::engine::run_observed(kind, rules, &sources, &options, &bar);
    bar.clear();
    let (db, timings) = match result {
        Ok(x) => x,
        Err(RunError::Facts(errors)) => {
            for e in &errors {
                eprint!("{e}");
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
        Err(RunError::Arithmetic(errors)) => {
            for e in &errors {
                eprint!("{e}");
            }
            return ExitCode::from(2);
        }
    };
    if db.facts.as_of == lexproof::facts::as_of::AsOf::Unset {
        // Not hidden by -q: without a date nothing can be overdue, which changes what the answers mean.
        eprintln!("lexproof: warning: no assessment date: every dated fact counts and nothing is reported overdue\n  hint: pass --as-of YYYY-MM-DD, or add assessment_date(\"YYYY-MM-DD\"). to the facts");
    }
    let code = match f(&db) {
        Ok(c) => c,
        Err((msg, c)) => {
            eprint!("{msg}");
            c
        }
    };
    if let Some(path) = &facts.engine.manifest {
        let m = lexproof::audit::manifest::for_run(
            &db,
            &timings,
            wall,
            started.elapsed(),
            code_number(code),
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

fn fact_paths(facts: &FactArgs) -> Result<Vec<PathBuf>, String> {
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

fn summary(db: &Database, t: &Timings, started: Instant) {
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
fn no_proofs(db: &Database, what: &str) -> String {
    match db.engine {
        EngineKind::Compiled => format!("lexproof: this binary was built without witness relations (feature no-witnesses), so it cannot {what}\n  hint: build without --features no-witnesses, or add --engine runtime\n"),
        EngineKind::Runtime => format!("lexproof: --no-proofs was given, so no rule instances were recorded and lexproof cannot {what}\n  hint: leave out --no-proofs\n"),
    }
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn print(s: &str) {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    if let Err(e) = lock.write_all(s.as_bytes()).and_then(|_| lock.flush()) {
        write_failed(&e);
    }
}

/// Output that could not be written is never reported as success. A closed pipe (`| head`) ends the
/// run quietly, as other Unix tools do, with the shell's status for it (128 + SIGPIPE); any other
/// failure (a full disk, a size limit) is an error.
fn write_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(141);
    }
    eprintln!("lexproof: error[write_failed]: cannot write the output: {e}\n  hint: check the disk space and where the output goes; what was written is incomplete");
    std::process::exit(2);
}

fn write_output_dir(db: &Database, rels: &[usize], dir: &Path) -> Result<(), (String, ExitCode)> {
    let io_err = |e: std::io::Error, p: &Path| {
        (
            format!(
                "lexproof: cannot write {}: {e}\n  hint: check that the directory is writable\n",
                p.display()
            ),
            ExitCode::from(2),
        )
    };
    std::fs::create_dir_all(dir).map_err(|e| io_err(e, dir))?;
    // One file per relation, rendered and written on every core; the first error (in relation
    // order) is reported.
    let errors: Vec<std::sync::Mutex<Option<(String, ExitCode)>>> =
        rels.iter().map(|_| std::sync::Mutex::new(None)).collect();
    lexproof::data::parallel::for_each(rels.iter().enumerate().collect(), |(i, &rel)| {
        let path = dir.join(format!("{}.tsv", db.relation_name(rel)));
        let written = lexproof::present::outfile::write_with(&path, |w| {
            render::write_relation(db, rel, render::RowFormat::Cells, w)
        });
        if let Err(e) = written {
            if let Ok(mut slot) = errors[i].lock() {
                *slot = Some(io_err(e, &path));
            }
        }
    });
    match errors
        .into_iter()
        .find_map(|e| e.into_inner().ok().flatten())
    {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn query_json(
    db: &Database,
    p: &query::Pattern,
    rows: &[Vec<lexproof::data::value::Value>],
) -> String {
    use render::{JsonRow, JsonValue};
    #[derive(serde::Serialize)]
    struct Match<'a> {
        tuple: JsonRow<'a>,
        bindings: std::collections::BTreeMap<String, JsonValue<'a>>,
    }
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        schema_version: u32,
        query: &'a str,
        relation: &'a str,
        fields: Vec<render::FieldJson>,
        variables: Vec<String>,
        matches: Vec<Match<'a>>,
    }
    let matches = rows
        .iter()
        .map(|r| Match {
            tuple: JsonRow(&db.interner, r),
            bindings: p
                .args
                .iter()
                .zip(r)
                .filter_map(|(a, v)| match a {
                    query::Arg::Var(n) => Some((n.clone(), JsonValue(&db.interner, *v))),
                    _ => None,
                })
                .collect(),
        })
        .collect();
    render::to_json(&Doc {
        schema_version: render::SCHEMA_VERSION,
        query: &p.text,
        relation: db.relation_name(p.rel),
        fields: render::fields_json(db, p.rel),
        variables: p.variables(),
        matches,
    })
}

fn run_scenarios(dir: &Path, engine: &EngineArgs) -> ExitCode {
    use lexproof::audit::scenario;
    let (rules, kind, _) = match resolve_rules(engine) {
        Ok(x) => x,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    let files = match scenario::files(dir) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            eprintln!(
                "{}: error[no_scenarios]: no scenario files (*.dl) here
  hint: pass the directory that holds your scenarios",
                dir.display()
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    let (mut passed, mut failed) = (0, 0);
    let mut out = String::new();
    let wall = std::time::SystemTime::now();
    let started = Instant::now();
    let mut digests = Vec::new();
    for f in &files {
        if engine.manifest.is_some() {
            let bytes = std::fs::read(f).unwrap_or_default();
            digests.push(lexproof::audit::manifest::FileDigest {
                file: f.display().to_string(),
                sha256: sha256_hex(&bytes),
            });
        }
        let name = f.display().to_string();
        let parsed = std::fs::read_to_string(f)
            .map_err(|e| format!("{name}: error[unreadable_file]: {e}\n"))
            .and_then(|t| scenario::parse(&name, &t));
        match parsed {
            Ok(s) => {
                let o = scenario::run(&s, &rules, kind);
                if o.passed {
                    passed += 1;
                    out.push_str(&format!("PASS {name}  {}\n", s.title));
                } else {
                    failed += 1;
                    out.push_str(&format!("FAIL {name}  {}\n{}", s.title, o.report));
                }
            }
            Err(e) => {
                failed += 1;
                out.push_str(&format!("FAIL {name}\n  {e}"));
            }
        }
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    print(&out);
    let code = u8::from(failed > 0);
    if let Some(path) = &engine.manifest {
        let m = lexproof::audit::manifest::ScenarioManifest {
            schema_version: render::SCHEMA_VERSION,
            lexproof_version: env!("CARGO_PKG_VERSION"),
            command: std::env::args().collect(),
            exit_code: code,
            engine: kind.name(),
            rules: lexproof::audit::manifest::FileDigest {
                file: rules.file.name.clone(),
                sha256: rules.sha256.clone(),
            },
            scenarios: digests,
            passed,
            failed,
            started_at: lexproof::audit::manifest::rfc3339(wall),
            total_ms: started.elapsed().as_secs_f64() * 1e3,
        };
        if let Err(e) = lexproof::audit::manifest::write(&m, path) {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::from(code)
}

fn import(format: ImportFormat, paths: &[PathBuf]) -> ExitCode {
    use lexproof::facts::import;
    let format = match format {
        ImportFormat::HfCard => import::Format::HfCard,
        ImportFormat::Cyclonedx => import::Format::CycloneDx,
    };
    let files = match import::files(format, paths) {
        Ok(f) => f,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut done = Vec::new();
    let mut failed = false;
    for f in &files {
        match import::file(format, f) {
            Ok(i) => done.push((f.display().to_string(), i)),
            Err(e) => {
                eprint!("{e}");
                failed = true;
            }
        }
    }
    if failed {
        eprintln!("lexproof: nothing was imported: fix the files above");
        return ExitCode::from(2);
    }
    for (_, i) in &done {
        for n in &i.notes {
            eprintln!("{n}");
        }
    }
    print(&import::to_dl(&done));
    ExitCode::SUCCESS
}

fn vocab(name: Option<&str>, all: bool, format: VocabFormat, engine: &EngineArgs) -> ExitCode {
    use lexproof::rules::vocab;
    let rules = match resolve_rules(engine) {
        Ok((rules, _, _)) => rules,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    let program = &rules.checked;
    let out = match (name, format) {
        (None, VocabFormat::Md) => vocab::markdown(program, &rules.file.name),
        (None, VocabFormat::Text) => {
            let mut parts = vec![vocab::Part::Inputs, vocab::Part::Conclusions];
            if all {
                parts.push(vocab::Part::Helpers);
            }
            vocab::text(program, &parts)
        }
        (Some(name), _) => {
            let name = name.trim().trim_matches('"');
            let mut out = String::new();
            match vocab::find(program, name) {
                Some(vocab::Entry::Relation(rel)) => {
                    vocab::relation_text(program, rel, &mut out);
                    let r = &program.relations[rel];
                    let mut shown = Vec::new();
                    for e in r.enums.iter().flatten() {
                        if !shown.contains(e) {
                            shown.push(*e);
                            out.push('\n');
                            vocab::type_text(&program.enums[*e], &mut out);
                        }
                    }
                }
                Some(vocab::Entry::Type(e)) => vocab::type_text(e, &mut out),
                None => {
                    let hint = match lexproof_lang::check::suggest(name, vocab::names(program)) {
                        Some(s) => format!("did you mean `{s}`? `lexproof vocab` lists them all"),
                        None => "`lexproof vocab` lists every relation and enumeration".to_string(),
                    };
                    eprintln!(
                        "lexproof: error[unknown_relation]: no relation or enumeration `{}` in {}\n  hint: {hint}",
                        lexproof::data::value::printable(name),
                        rules.file.name
                    );
                    return ExitCode::from(2);
                }
            }
            out
        }
    };
    print(&out);
    ExitCode::SUCCESS
}

fn check(engine: &EngineArgs, format: CheckFormat) -> ExitCode {
    let parts = match rules_parts(engine) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    let name = parts
        .iter()
        .map(|p| p.0.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    let all_text: String = parts.iter().map(|p| p.1.as_str()).collect();
    let result = Rulebase::from_parts(&parts);
    let diags = match &result {
        Ok((_, w)) => w,
        Err(d) => d,
    };
    match format {
        CheckFormat::Json => {
            #[derive(serde::Serialize)]
            struct Doc {
                schema_version: u32,
                file: String,
                sha256: String,
                ok: bool,
                diagnostics: Vec<lexproof_lang::diag::LocatedDiagnostic>,
            }
            print(&render::to_json(&Doc {
                schema_version: render::SCHEMA_VERSION,
                file: name.clone(),
                sha256: sha256_hex(all_text.as_bytes()),
                ok: result.is_ok(),
                diagnostics: diags
                    .iter()
                    .map(|d| lexproof_lang::diag::locate(&d.file, &d.diag))
                    .collect(),
            }));
        }
        CheckFormat::Text => {
            eprint!("{}", render_all(diags));
            match &result {
                Ok((rb, w)) => print(&format!(
                    "{name}: ok: {} relations, {} rules, {} facts, {} warning{}\n",
                    rb.checked.relations.len(),
                    rb.checked.rules.len(),
                    rb.checked.facts.len(),
                    w.len(),
                    if w.len() == 1 { "" } else { "s" }
                )),
                Err(d) => {
                    let n = d
                        .iter()
                        .filter(|d| d.diag.severity == lexproof_lang::Severity::Error)
                        .count();
                    eprintln!("{name}: {n} error{}", if n == 1 { "" } else { "s" });
                }
            }
        }
    }
    if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}
