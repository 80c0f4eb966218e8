//! `lexproof instances` (hidden): every recorded rule instance, for comparing engines.

use super::args::FactArgs;
use super::output::print;
use super::session::with_db;
use super::session::{no_proofs, Failure};
use super::Ctx;
use lexproof::present::render;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub facts: FactArgs,
}

pub fn run(args: Args, ctx: &Ctx) -> ExitCode {
    let Args { facts } = args;
    with_db(&facts, ctx, |db| {
        if !db.witnesses_recorded {
            return Err(Failure::input(no_proofs(db, "list rule instances")));
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
    })
}
