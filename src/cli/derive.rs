//! `lexproof derive`: every conclusion, printed and optionally written as one TSV file per relation.

use super::args::{FactArgs, TableFormat};
use super::output::{print, write_failed};
use super::session::{with_db, Failure};
use super::Ctx;
use lexproof::db::Database;
use lexproof::present::render;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub facts: FactArgs,
    /// How to print the conclusions.
    #[arg(long, value_enum, default_value_t = TableFormat::Text)]
    pub format: TableFormat,
    /// Also write one tab-separated file per conclusion relation, DIR/<relation>.tsv.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Show every relation: helper relations and the input facts too, not only the conclusions
    /// the rules name with `.output`.
    #[arg(long)]
    pub all: bool,
}

pub fn run(args: Args, ctx: &Ctx) -> ExitCode {
    let Args {
        facts,
        format,
        output_dir,
        all,
    } = args;
    with_db(&facts, ctx, |db| {
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
    })
}

fn write_output_dir(db: &Database, rels: &[usize], dir: &Path) -> Result<(), Failure> {
    let io_err = |e: std::io::Error, p: &Path| {
        Failure::input(format!(
            "lexproof: cannot write {}: {e}\n  hint: check that the directory is writable\n",
            p.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(|e| io_err(e, dir))?;
    // One file per relation, rendered and written on every core; the first error (in relation
    // order) is reported.
    let errors: Vec<std::sync::Mutex<Option<Failure>>> =
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
