//! `lexproof check`: a rules file's diagnostics.

use super::args::{rules_parts, CheckFormat, EngineArgs};
use super::output::print;
use lexproof::present::render;
use lexproof::rules::rulebase::{render_all, sha256_hex, FileDiagnostic, Rulebase};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub engine: EngineArgs,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

pub fn run(args: Args) -> ExitCode {
    let Args { engine, format } = args;
    let engine = &engine;
    let parts = match rules_parts(engine) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    let name = parts
        .iter()
        .map(|p| p.0.as_str())
        .collect::<Vec<_>>()
        .join(" + ");
    let all_text: String = parts.iter().map(|p| p.1.as_str()).collect();
    let result = Rulebase::from_parts(&parts);
    let diags = match &result {
        Ok((_, w)) => w,
        Err(d) => d,
    };
    match format {
        CheckFormat::Json => {
            #[derive(serde::Serialize)]
            struct Doc {
                schema_version: u32,
                file: String,
                sha256: String,
                ok: bool,
                diagnostics: Vec<lexproof_lang::diag::LocatedDiagnostic>,
            }
            print(&render::to_json(&Doc {
                schema_version: render::SCHEMA_VERSION,
                file: name.clone(),
                sha256: sha256_hex(all_text.as_bytes()),
                ok: result.is_ok(),
                diagnostics: diags
                    .iter()
                    .map(|d| lexproof_lang::diag::locate(&d.file, &d.diag))
                    .collect(),
            }));
        }
        CheckFormat::Text => {
            eprint!("{}", render_all(diags));
            match &result {
                Ok((rb, w)) => print(&format!(
                    "{name}: ok: {} relations, {} rules, {} facts, {} warning{}\n",
                    rb.checked.relations.len(),
                    rb.checked.rules.len(),
                    rb.checked.facts.len(),
                    w.len(),
                    if w.len() == 1 { "" } else { "s" }
                )),
                Err(d) => {
                    let n = d
                        .iter()
                        .filter(|d| d.diag.severity == lexproof_lang::Severity::Error)
                        .count();
                    eprintln!("{name}: {n} error{}", if n == 1 { "" } else { "s" });
                    if engine.extend.is_none() {
                        if let Some(hint) = extension_hint(&name, d) {
                            eprintln!("{hint}");
                        }
                    }
                }
            }
        }
    }
    if result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

/// A file checked alone with `--rules` that names relations of the shipped rulebase is probably an
/// extension: say how to check it with them.
fn extension_hint(name: &str, diags: &[FileDiagnostic]) -> Option<String> {
    let used = shipped_relations_used(diags);
    (!used.is_empty()).then(|| {
        format!(
            "  hint: {name} uses relations of the shipped rules ({}); to check it as an extension of them, run `lexproof check --extend {name}`",
            used.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
        )
    })
}

/// The shipped relations that diagnostics report as unknown: a file using them is an extension.
pub fn shipped_relations_used(diags: &[FileDiagnostic]) -> Vec<String> {
    let shipped = Rulebase::shipped();
    let mut used: Vec<String> = Vec::new();
    for d in diags.iter().filter(|d| d.diag.code == "unknown_relation") {
        let Some(rel) = d
            .diag
            .message
            .strip_prefix("unknown relation `")
            .and_then(|m| m.strip_suffix('`'))
        else {
            continue;
        };
        if shipped.checked.relation(rel).is_some() && !used.iter().any(|u| u == rel) {
            used.push(rel.to_string());
        }
    }
    used
}
