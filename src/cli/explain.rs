//! `lexproof explain`: the proof of one conclusion, in six formats.

use super::args::FactArgs;
use super::output::{ms, print};
use super::session::with_db;
use super::session::{no_proofs, Failure};
use super::suggest::unknown_value_message;
use super::Ctx;
use clap::ValueEnum;
use lexproof::present::explain;
use lexproof::reason::{proof, query};
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// A ground atom, e.g. 'obligation("aurora-labs", "aurora-m", "art53_1_a")'.
    pub atom: String,
    #[command(flatten)]
    pub facts: FactArgs,
    #[arg(long, value_enum, default_value_t = ProofFormat::Text)]
    pub format: ProofFormat,
    /// Show every rule instance that derives each fact, not only the proof of least height.
    #[arg(long)]
    pub all: bool,
    /// Show rules at most N levels below the conclusion; deeper derived facts are listed but not
    /// expanded.
    #[arg(long, value_name = "N")]
    pub depth: Option<usize>,
}

pub fn run(args: Args, ctx: &Ctx) -> ExitCode {
    let Args {
        atom,
        facts,
        format,
        all,
        depth,
    } = args;
    with_db(&facts, ctx, |db| {
        let p = query::parse(db, &atom).map_err(Failure::input)?;
        let values = match p.ground() {
            Some(v) => v,
            None if p.has_unknown() => return Err(Failure::does_not_hold(format!("lexproof: {}", unknown_value_message(db, &p, &atom)))),
            None => {
                return Err(Failure::input(format!("lexproof: explain needs a ground atom (no variables or `_`), got {atom}\n  hint: find the matching conclusions with `lexproof query '{atom}'`, then explain one of them\n")))
            }
        };
        if !db.witnesses_recorded {
            return Err(Failure::input(no_proofs(db, "explain")));
        }
        let search = Instant::now();
        let found = proof::build_proof(db, p.rel, &values, proof::Options { all, depth });
        if !ctx.quiet {
            eprintln!("lexproof: proof search {:.3} ms", ms(search.elapsed()));
        }
        let Some(proof) = found else {
            return Err(Failure::does_not_hold(format!("lexproof: {atom} does not hold: no rule derives it from these facts, and no fact states it\n")));
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
    })
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ProofFormat {
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
