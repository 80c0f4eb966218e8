//! End-to-end tests of the `lexproof` binary, one module per command or concern under tests/cli/;
//! the helpers every module uses are here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lexproof(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lexproof"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run lexproof")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let d = root().join("target").join("test-scratch").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, content: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

/// The TSV rows of relation `rel` a run printed.
fn rows_of(o: &Output, rel: &str) -> Vec<String> {
    let prefix = format!("{rel}\t");
    stdout(o)
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .map(String::from)
        .collect()
}

const EXPLAINED: &str = r#"obligation("aurora-labs", "aurora-m", "art53_1_a")"#;

#[path = "cli/derive.rs"]
mod derive;

#[path = "cli/diff.rs"]
mod diff;

#[path = "cli/explain.rs"]
mod explain;

#[path = "cli/facts.rs"]
mod facts;

#[path = "cli/formats.rs"]
mod formats;

#[path = "cli/hardening.rs"]
mod hardening;

#[path = "cli/hostile.rs"]
mod hostile;

#[path = "cli/lsp.rs"]
mod lsp;

#[path = "cli/plans.rs"]
mod plans;

#[path = "cli/proofs.rs"]
mod proofs;

#[path = "cli/rules.rs"]
mod rules;

#[path = "cli/scenarios.rs"]
mod scenarios;

#[path = "cli/timeline.rs"]
mod timeline;

#[path = "cli/vocab.rs"]
mod vocab;
