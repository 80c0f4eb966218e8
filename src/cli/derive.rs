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
    /// How to print the conclusions [default: text; with --output-dir, a list of the files
    /// written unless a format is given].
    #[arg(long, value_enum)]
    pub format: Option<TableFormat>,
    /// Write one tab-separated file per conclusion relation, DIR/<relation>.tsv, and print the
    /// list of files (the conclusions themselves too with --format).
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
            if format.is_none() {
                print(&files_written(db, &rels, dir));
                return Ok(ExitCode::SUCCESS);
            }
        }
        let format = format.unwrap_or(TableFormat::Text);
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

/// What `--output-dir` alone prints: the conclusions are in the files, so printing every row a
/// second time would only double the run's output.
fn files_written(db: &Database, rels: &[usize], dir: &Path) -> String {
    let mut out = String::new();
    let mut total = 0usize;
    for &rel in rels {
        let rows = db.tuples(rel).len();
        total += rows;
        let path = dir.join(format!("{}.tsv", db.relation_name(rel)));
        out.push_str(&format!(
            "{}\t{rows}\n",
            lexproof::data::value::printable(&path.display().to_string())
        ));
    }
    out.push_str(&format!("{} files, {total} rows\n", rels.len()));
    out
}

fn write_output_dir(db: &Database, rels: &[usize], dir: &Path) -> Result<(), Failure> {
    let io_err = |e: std::io::Error, p: &Path| {
        Failure::input(format!(
            "lexproof: cannot write {}: {e}\n  hint: check that the directory is writable\n",
            p.display()
        ))
    };
    std::fs::create_dir_all(dir).map_err(|e| io_err(e, dir))?;
    // Each relation is rendered on one core, several relations at once.
    let cells = render::CellText::new(db);
    render::par_each_in_display_order(db, rels, |rel, order| {
        let path = dir.join(format!("{}.tsv", db.relation_name(rel)));
        lexproof::present::outfile::write_with(&path, |w| {
            render::write_ordered(
                &cells,
                rel,
                order,
                render::RowFormat::Cells,
                render::BLOCK_ROWS,
                1,
                w,
            )
        })
        .map_err(|e| io_err(e, &path))
    })
}
