//! `lexproof import`: model cards and ML-BOMs as a `.dl` fact file.

use super::output::print;
use clap::ValueEnum;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The source format.
    #[arg(value_enum)]
    pub format: ImportFormat,
    /// Files, or folders searched for `.md` cards or `.json` BOMs.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: Args) -> ExitCode {
    let Args { format, paths } = args;
    use lexproof::facts::import;
    let format = match format {
        ImportFormat::HfCard => import::Format::HfCard,
        ImportFormat::Cyclonedx => import::Format::CycloneDx,
    };
    let files = match import::files(format, &paths) {
        Ok(f) => f,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut done = Vec::new();
    let mut failed = false;
    for f in &files {
        match import::file(format, f) {
            Ok(i) => done.push((f.display().to_string(), i)),
            Err(e) => {
                eprint!("{e}");
                failed = true;
            }
        }
    }
    if failed {
        eprintln!("lexproof: nothing was imported: fix the files above");
        return ExitCode::from(2);
    }
    for (_, i) in &done {
        for n in &i.notes {
            eprintln!("{n}");
        }
    }
    print(&import::to_dl(&done));
    ExitCode::SUCCESS
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ImportFormat {
    HfCard,
    Cyclonedx,
}
