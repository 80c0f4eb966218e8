//! `lexproof query`: the tuples matching an atom pattern.

use super::args::{FactArgs, TableFormat};
use super::output::print;
use super::session::{with_db, Failure};
use super::suggest::unknown_value_message;
use super::Ctx;
use lexproof::db::Database;
use lexproof::present::render;
use lexproof::reason::query;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The atom to match.
    pub atom: String,
    #[command(flatten)]
    pub facts: FactArgs,
    #[arg(long, value_enum, default_value_t = TableFormat::Text)]
    pub format: TableFormat,
}

pub fn run(args: Args, ctx: &Ctx) -> ExitCode {
    let Args {
        atom,
        facts,
        format,
    } = args;
    with_db(&facts, ctx, |db| {
        let p = query::parse(db, &atom).map_err(Failure::input)?;
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
        if !ctx.quiet {
            eprintln!(
                "lexproof: {} match{} for {}",
                rows.len(),
                if rows.len() == 1 { "" } else { "es" },
                atom
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub fn query_json(
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
