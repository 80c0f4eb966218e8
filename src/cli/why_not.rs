//! `lexproof why-not`: why an atom does not hold.

use super::args::{CheckFormat, FactArgs};
use super::output::{ms, print};
use super::session::{with_db, Failure};
use super::suggest::unknown_value_message;
use super::Ctx;
use lexproof::reason::{query, whynot};
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// An atom, e.g. 'obligation("aurora-labs", "aurora-m", "art55_1_a")'.
    pub atom: String,
    #[command(flatten)]
    pub facts: FactArgs,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Explain missing conclusions this many levels down.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub depth: usize,
    /// Closest instances shown per rule.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub closest: usize,
}

pub fn run(args: Args, ctx: &Ctx) -> ExitCode {
    let Args {
        atom,
        facts,
        format,
        depth,
        closest,
    } = args;
    with_db(&facts, ctx, |db| {
        let p = query::parse(db, &atom).map_err(Failure::input)?;
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
        if !ctx.quiet {
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
    })
}
