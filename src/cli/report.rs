//! `lexproof report`: the compliance report.

use super::args::FactArgs;
use super::output::print;
use super::session::with_db;
use super::session::{no_proofs, Failure};
use super::Ctx;
use clap::ValueEnum;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub facts: FactArgs,
    /// Only this actor (e.g. "aurora-labs").
    #[arg(long, value_name = "ACTOR")]
    pub actor: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
}

pub fn run(args: Args, ctx: &Ctx) -> ExitCode {
    let Args {
        facts,
        actor,
        format,
    } = args;
    with_db(&facts, ctx, |db| {
        if !db.witnesses_recorded {
            // Every duty in the report comes with its proof.
            return Err(Failure::input(no_proofs(db, "report")));
        }
        let r = lexproof::present::report::build(db, actor.as_deref()).map_err(Failure::input)?;
        if let Some(a) = &r.unknown_actor {
            // Not hidden by -q: the report is empty because of the name given, most likely a typo,
            // so the run fails rather than file an empty report.
            let hint = match (
                &r.actor_hint,
                lexproof::reason::suggest::nearest_value(
                    db,
                    a,
                    lexproof::reason::suggest::Place::Role("actor"),
                ),
            ) {
                (Some(h), _) => h.clone(),
                (None, Some(s)) => format!("did you mean \"{s}\"?"),
                (None, None) => "leave out --actor to report on every actor".to_string(),
            };
            let what = if r.actor_hint.is_some() {
                "is not an actor"
            } else {
                "is an actor no fact or rule mentions"
            };
            // No report follows: an empty one would read as an actor that owes nothing.
            return Err(Failure::input(format!(
                "lexproof: error[unknown_actor]: \"{}\" {what}\n  hint: {}\n",
                lexproof::data::value::printable(a),
                lexproof::data::value::printable(&hint)
            )));
        }
        print(&match format {
            ReportFormat::Md => lexproof::present::report::markdown(db, &r),
            ReportFormat::Html => lexproof::present::report::html(db, &r),
            ReportFormat::Json => lexproof::present::report::json(db, &r),
        });
        Ok(if r.unknown_actor.is_some() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        })
    })
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// Markdown.
    Md,
    /// One self-contained HTML page with a collapsible proof per duty.
    Html,
    Json,
}
