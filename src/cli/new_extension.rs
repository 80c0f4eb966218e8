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

/// Longer names would not fit a file name (255 bytes) once suffixed, nor read well as prefixes.
const MAX_NAME: usize = 64;

pub fn run(args: Args) -> ExitCode {
    let name = &args.name;
    let valid = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid && name.len() > MAX_NAME {
        // The name becomes file names (NAME.dl, NAME-scenarios/) and relation prefixes.
        eprintln!("lexproof: error[bad_name]: the name is {} characters long; at most {MAX_NAME} make file and relation names\n  hint: a short name such as de_registration", name.len());
        return ExitCode::from(2);
    }
    if !valid {
        eprintln!("lexproof: error[bad_name]: {name:?} is not a name an extension's relations can start with\n  hint: use lower-case letters, digits and `_`, starting with a letter, e.g. de_registration");
        return ExitCode::from(2);
    }
    // The starting file must check with the shipped rules: a name whose relations the shipped
    // rules already declare (`duty` makes `duty_applies_from`) would start the extension broken.
    let text = rules_text(name);
    let shipped = (
        lexproof::rules::rulebase::shipped_name().to_string(),
        lexproof::rules::rulebase::shipped_text().to_string(),
    );
    if let Err(diags) = lexproof::rules::rulebase::Rulebase::from_parts(&[
        shipped,
        (format!("{name}.dl"), text.clone()),
    ]) {
        let taken: Vec<String> = RELATION_SUFFIXES
            .iter()
            .map(|s| format!("{name}{s}"))
            .filter(|r| {
                lexproof::rules::rulebase::Rulebase::shipped()
                    .checked
                    .relation(r)
                    .is_some()
            })
            .collect();
        let why = if taken.is_empty() {
            lexproof::rules::rulebase::render_all(&diags)
        } else {
            format!(
                "the shipped rules already have {}",
                taken
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        eprintln!("lexproof: error[name_taken]: an extension named {name:?} would clash with the shipped rules: {why}\n  hint: choose a more specific name, e.g. {name}_de or de_{name}");
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
        (rules.clone(), text),
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

/// The endings of the relations the starting file declares, after the extension's name.
const RELATION_SUFFIXES: [&str; 6] = [
    "_applies_from",
    "_register",
    "_register_applies",
    "_register_deadline",
    "_register_from",
    "_register_owed",
];

fn shown(p: &Path) -> String {
    p.strip_prefix(".").unwrap_or(p).display().to_string()
}

fn rules_text(name: &str) -> String {
    format!(
        r#"// {name}: an extension of the shipped rules, started by `lexproof new-extension {name}`.
// It may declare relations, add values to the shipped enumerations, add rules, and read every shipped
// relation (`lexproof vocab` lists them).
//   lexproof check --extend {name}.dl                           check it with the shipped rules
//   lexproof test {name}-scenarios --extend {name}.dl           run its scenarios
//   lexproof coverage --extend {name}.dl --scenarios tests/scenarios --scenarios {name}-scenarios
//   lexproof diff --extend {name}.dl                            what it adds to the shipped conclusions
//   lexproof report --extend {name}.dl                          its duty beside the Act's
// Replace the example below (a national duty to register systemic-risk models) with your own.

// A duty of its own: a value added to the shipped `duty` enumeration, so `obligation`, `deadline`,
// `duty_status`, `duty_met` facts, the report, why-not and the timeline all speak of it.
@doc "National duties added by the {name} extension."
@value "{name}_register" "register a general-purpose AI model with systemic risk in the national register within 30 days of the duty applying (National law § 1)"
.type duty += "{name}_register"

// When the national law starts to apply: a named, cited constant (`--param` changes it for a run).
@doc "The day the national registration duty starts to apply."
@cite "National law § 9 (replace with the provision)"
.param {name}_applies_from: date = "2026-01-01"

// Every rule has an id, the provision it applies, the authority of that provision and one sentence a
// lawyer can read; `@ambiguous "why"` marks a reading where the law is unsettled.
@rule {name}_register_applies
@cite "National law § 1 (replace with the provision)"
@authority statute
@says "The provider of a general-purpose AI model with systemic risk must register it in the national register."
applicable_duty(A, M, "{name}_register") :- provider(A, M), systemic_risk(M).

@rule {name}_register_from
@cite "National law § 1 (replace with the provision)", "National law § 9 (replace with the provision)"
@authority statute
@says "The registration duty applies from the later of the placing, the day the model has systemic risk and {{{name}_applies_from}}."
duty_applies_from(A, M, "{name}_register", latest(latest(P, S), F)) :- duty_owed(A, M, "{name}_register"), placed_on_market(M, P), systemic_risk_since(M, S), {name}_applies_from(F).

@rule {name}_register_owed
@cite "National law § 1 (replace with the provision)"
@authority statute
@says "The provider must register the model in the national register, once the duty applies and unless an exemption lifts it."
obligation(A, M, "{name}_register") :- applicable_duty(A, M, "{name}_register"), !exempt(A, M, "{name}_register"), !not_yet_applicable(A, M, "{name}_register").

@rule {name}_register_deadline
@cite "National law § 2 (replace with the provision)"
@authority statute
@says "Registration is due 30 days after the duty starts to apply."
deadline(A, M, "{name}_register", F + 30) :- duty_applies_from(A, M, "{name}_register", F), obligation(A, M, "{name}_register").
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
        "// National law § 1: a systemic-risk model (3×10^25 FLOP, Art. 51(2)) placed on 1 February 2026 must be registered by 3 March 2026; nothing records it, so the duty is overdue.\n{CASE}\nexpect systemic_risk(\"big-m\").\nexpect obligation(\"big-labs\", \"big-m\", \"{name}_register\") by {name}_register_applies, {name}_register_owed.\nexpect deadline(\"big-labs\", \"big-m\", \"{name}_register\", \"2026-03-03\") by {name}_register_deadline.\nexpect duty_status(\"big-labs\", \"big-m\", \"{name}_register\", \"overdue\").\n"
    )
}

fn not_fires_text(name: &str) -> String {
    format!(
        "// National law § 1: a model below the Art. 51(2) threshold (10^24 FLOP) has no systemic risk: no registration duty.\n{}\nexpect not systemic_risk(\"big-m\").\nexpect not obligation(\"big-labs\", \"big-m\", \"{name}_register\").\n",
        CASE.replace("3e25", "1e24")
    )
}
