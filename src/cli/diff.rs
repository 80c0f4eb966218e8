//! `lexproof diff`: what a change of rules, facts or date did to the conclusions.

use super::args::{fact_paths, FactArgs};
use super::output::print;
use super::session::{with_db, Failure};
use super::Ctx;
use clap::ValueEnum;
use lexproof::present::diff as show;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The run to compare with the baseline: its facts, date and rules (`--rules FILE` or
    /// `--extend FILE`; default the shipped rules).
    #[command(flatten)]
    pub facts: FactArgs,
    /// The baseline's rules file. Default: the rulebase built into lexproof.
    #[arg(long, value_name = "FILE")]
    pub base_rules: Option<PathBuf>,
    /// The baseline's facts (repeatable). Default: the same facts as the new run.
    #[arg(long = "base-facts", value_name = "PATH")]
    pub base_facts: Vec<PathBuf>,
    /// The baseline's assessment date (YYYY-MM-DD). Default: the new run's.
    #[arg(long, value_name = "DATE")]
    pub base_as_of: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with 1 when any conclusion was added or removed (for CI).
    #[arg(long)]
    pub exit_code: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    /// Grouped by relation and actor, each change followed by its reason.
    Text,
    Json,
    /// Markdown, for a pull request or a memo.
    Md,
    /// One self-contained HTML page; each added conclusion opens onto its proof tree.
    Html,
}

/// The baseline's options: the new run's (the same fact files, as the new run resolves them),
/// changed by the `--base-*` options.
fn baseline(args: &Args) -> Result<FactArgs, String> {
    let mut base = args.facts.clone();
    base.engine.rules = args.base_rules.clone();
    base.engine.extend = None;
    base.engine.manifest = None;
    // The baseline runs with the rules' own parameter values.
    base.params = Vec::new();
    base.facts = if args.base_facts.is_empty() {
        fact_paths(&args.facts)?
    } else {
        args.base_facts.clone()
    };
    if let Some(d) = &args.base_as_of {
        // Checked here so that the error names the option given, not --as-of.
        lexproof::facts::as_of::parse_option(d)
            .map_err(|e| e.replace("--as-of", "--base-as-of"))?;
        base.as_of = Some(d.clone());
    }
    Ok(base)
}

pub fn run(args: Args, ctx: &Ctx) -> ExitCode {
    let base = match baseline(&args) {
        Ok(b) => b,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    with_db(&base, ctx, |base_db| {
        let code = with_db(&args.facts, ctx, |new_db| {
            if !base_db.witnesses_recorded || !new_db.witnesses_recorded {
                return Err(Failure::input(
                    "lexproof: diff gives each change its proof or why-not, which needs rule instances: leave out --no-proofs\n",
                ));
            }
            let diff = lexproof::reason::diff::diff(base_db, new_db);
            print(&match args.format {
                DiffFormat::Text => show::text(base_db, new_db, &diff),
                DiffFormat::Json => show::json(base_db, new_db, &diff),
                DiffFormat::Md => show::markdown(base_db, new_db, &diff),
                DiffFormat::Html => show::html(base_db, new_db, &diff),
            });
            Ok(if args.exit_code && !diff.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        });
        Ok(code)
    })
}
