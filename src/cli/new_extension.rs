//! `lexproof new-extension NAME`: a commented starting file for an extension of the shipped rules
//! and a scenario folder with one scenario where its rule fires and one where it does not, so the
//! extension is checked and tested like the shipped rules from its first line.

use super::output::print;
use lexproof::present::outfile::write_with;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The extension's name: lower-case letters, digits and `_`, starting with a letter (e.g.
    /// `de_registration`). Writes NAME.dl and NAME-scenarios/ in DIR.
    pub name: String,
    /// Where to write them (default: the current directory).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

pub fn run(args: Args) -> ExitCode {
    let name = &args.name;
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        eprintln!("lexproof: error[bad_name]: {name:?} is not a name an extension's relations can start with\n  hint: use lower-case letters, digits and `_`, starting with a letter, e.g. de_registration");
        return ExitCode::from(2);
    }
    let rules = args.dir.join(format!("{name}.dl"));
    let scenarios = args.dir.join(format!("{name}-scenarios"));
    for p in [&rules, &scenarios] {
        if p.symlink_metadata().is_ok() {
            eprintln!(
                "lexproof: error[exists]: {} exists already; new-extension never overwrites\n  hint: choose another NAME, or --dir another folder",
                p.display()
            );
            return ExitCode::from(2);
        }
    }
    let files = [
        (rules.clone(), rules_text(name)),
        (scenarios.join("fires.dl"), fires_text(name)),
        (scenarios.join("does_not_fire.dl"), not_fires_text(name)),
    ];
    if let Err(e) = std::fs::create_dir_all(&scenarios) {
        eprintln!(
            "lexproof: error[write_failed]: cannot create {}: {e}",
            scenarios.display()
        );
        return ExitCode::from(2);
    }
    for (path, text) in &files {
        if let Err(e) = write_with(path, |w| w.write_all(text.as_bytes())) {
            eprintln!(
                "lexproof: error[write_failed]: cannot write {}: {e}",
                path.display()
            );
            return ExitCode::from(2);
        }
    }
    let (r, s) = (shown(&rules), shown(&scenarios));
    print(&format!("wrote {r} and {s}/ (two scenarios)\nnext:\n  lexproof check --extend {r}\n  lexproof test {s} --extend {r}\n  lexproof derive --extend {r}\n"));
    ExitCode::SUCCESS
}

fn shown(p: &Path) -> String {
    p.strip_prefix(".").unwrap_or(p).display().to_string()
}

fn rules_text(name: &str) -> String {
    format!(
        r#"// {name}: an extension of the shipped rules, started by `lexproof new-extension {name}`.
// It may declare relations, add rules, and read every shipped relation (`lexproof vocab` lists them).
//   lexproof check --extend {name}.dl                           check it with the shipped rules
//   lexproof test {name}-scenarios --extend {name}.dl           run its scenarios
//   lexproof diff --extend {name}.dl                            what it adds to the shipped conclusions
// Replace the example below (a national registration duty for systemic-risk models) with your own.

// An input relation: what a fact file may state. Document it as the shipped ones are documented.
@doc "Dated: the provider registered the model with the national register on that day."
@arg model "the model, by the id used in the other facts"
@arg on "the day of registration"
@cite "National law § 1 (replace with the provision)"
@example {name}_registered("aurora-m", "2026-01-15").
.decl {name}_registered(model: symbol, on: date)

// A conclusion: `.output` makes `derive` print it and `diff` compare it.
@doc "The provider of a systemic-risk model must register it and has not done so."
@arg actor "the provider"
@arg model "the model"
@cite "National law § 1 (replace with the provision)"
@example {name}_registration_missing("aurora-labs", "aurora-m").
.decl {name}_registration_missing(actor: symbol, model: symbol)
.output {name}_registration_missing

// Every rule has an id, the provision it applies, the authority of that provision and one sentence a
// lawyer can read; `@ambiguous "why"` marks a reading where the law is unsettled.
@rule {name}_registration_missing
@cite "National law § 1 (replace with the provision)"
@authority statute
@says "The provider of a general-purpose AI model with systemic risk must register it nationally; no registration is recorded."
{name}_registration_missing(A, M) :- provider(A, M), systemic_risk(M), !{name}_registered(M, _).
"#
    )
}

const CASE: &str = r#"assessment_date("2026-11-28").
developer("big-m", "big-labs").
established_in("big-labs", "DE").
training_compute("big-m", 3e25).
generates("big-m", "text").
made_available("big-m", "api", "2026-02-01").
"#;

fn fires_text(name: &str) -> String {
    format!(
        "// National law § 1: a systemic-risk model (3×10^25 FLOP, Art. 51(2)) with no registration recorded.\n{CASE}\nexpect systemic_risk(\"big-m\").\nexpect {name}_registration_missing(\"big-labs\", \"big-m\") by {name}_registration_missing.\n"
    )
}

fn not_fires_text(name: &str) -> String {
    format!(
        "// National law § 1: the same model, registered: the rule does not fire.\n{CASE}{name}_registered(\"big-m\", \"2026-02-10\").\n\nexpect not {name}_registration_missing(\"big-labs\", \"big-m\").\n"
    )
}
