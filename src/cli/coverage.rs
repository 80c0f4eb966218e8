//! `lexproof coverage`: which provisions the rules cover and the scenarios exercise.

use super::args::{resolve_rules, EngineArgs};
use super::output::print;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Directory of scenario files used to see which rules fire; repeat it for several (e.g. the
    /// shipped scenarios and an extension's).
    #[arg(long, default_value = "tests/scenarios", value_name = "DIR")]
    pub scenarios: Vec<PathBuf>,
    /// text: one line per provision; json: every provision with all its rules and scenarios.
    #[arg(long, value_enum, default_value = "text")]
    pub format: CoverageFormat,
    #[command(flatten)]
    pub engine: EngineArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum CoverageFormat {
    Text,
    Json,
}

pub fn run(args: Args) -> ExitCode {
    let Args {
        scenarios,
        format,
        engine,
    } = args;
    {
        let (rules, kind, _) = match resolve_rules(&engine) {
            Ok(x) => x,
            Err(e) => {
                eprint!("{e}");
                return ExitCode::from(2);
            }
        };
        let dirs: Vec<&std::path::Path> = scenarios.iter().map(|p| p.as_path()).collect();
        match lexproof::audit::coverage::compute(&rules, kind, &dirs, &engine.limits()) {
            Ok(c) => {
                print(&match format {
                    CoverageFormat::Text => lexproof::audit::coverage::render(&c),
                    CoverageFormat::Json => lexproof::audit::coverage::json(&c),
                });
                if c.complete() {
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
}
