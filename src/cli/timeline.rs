//! `lexproof timeline`: a model's legal history.

use super::args::FactArgs;
use super::output::print;
use super::session::with_db;
use super::session::{no_proofs, Failure};
use super::Ctx;
use clap::ValueEnum;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The model, e.g. aurora-m (quotes optional).
    pub model: String,
    #[command(flatten)]
    pub facts: FactArgs,
    #[arg(long, value_enum, default_value_t = TimelineFormat::Text)]
    pub format: TimelineFormat,
}

pub fn run(args: Args, ctx: &Ctx) -> ExitCode {
    let Args {
        model,
        facts,
        format,
    } = args;
    with_db(&facts, ctx, |db| {
        if !db.witnesses_recorded {
            return Err(Failure::input(no_proofs(db, "draw a timeline")));
        }
        let model = model.trim().trim_matches('"');
        let m = lexproof::reason::timeline::model_named(db, model).map_err(Failure::input)?;
        let t = lexproof::reason::timeline::build(db, m).map_err(Failure::input)?;
        print(&match format {
            TimelineFormat::Text => lexproof::present::timeline::text(&t),
            TimelineFormat::Html => lexproof::present::timeline::html(&t),
            TimelineFormat::Svg => lexproof::present::timeline::svg(&t, false) + "\n",
        });
        Ok(ExitCode::SUCCESS)
    })
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TimelineFormat {
    /// A chart in characters, then each row's dates with the rules behind them.
    Text,
    /// One self-contained HTML page: the picture, the rows, the rules they link to.
    Html,
    /// The picture alone, as SVG.
    Svg,
}
