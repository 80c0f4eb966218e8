//! `lexproof vocab`: the documented vocabulary of the rules.

use super::args::{resolve_rules, EngineArgs};
use super::output::print;
use clap::ValueEnum;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// A relation or enumeration, e.g. made_available or channel.
    pub name: Option<String>,
    /// Also list the rulebase's internal helper relations.
    #[arg(long)]
    pub all: bool,
    /// `md` writes the Markdown of docs/vocabulary.md.
    #[arg(long, value_enum, default_value_t = VocabFormat::Text)]
    pub format: VocabFormat,
    #[command(flatten)]
    pub engine: EngineArgs,
}

pub fn run(args: Args) -> ExitCode {
    let Args {
        name,
        all,
        format,
        engine,
    } = args;
    let (name, engine) = (name.as_deref(), &engine);
    use lexproof::rules::vocab;
    let rules = match resolve_rules(engine) {
        Ok((rules, _, _)) => rules,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    let program = &rules.checked;
    let out = match (name, format) {
        (None, VocabFormat::Md) => vocab::markdown(program, &rules.file.name),
        (None, VocabFormat::Text) => {
            let mut parts = vec![
                vocab::Part::Inputs,
                vocab::Part::Parameters,
                vocab::Part::Conclusions,
            ];
            if all {
                parts.push(vocab::Part::Helpers);
            }
            vocab::text(program, &parts)
        }
        (Some(name), _) => {
            let name = name.trim().trim_matches('"');
            let mut out = String::new();
            match vocab::find(program, name) {
                Some(vocab::Entry::Relation(rel)) => {
                    vocab::relation_text(program, rel, &mut out);
                    let r = &program.relations[rel];
                    let mut shown = Vec::new();
                    for e in r.enums.iter().flatten() {
                        if !shown.contains(e) {
                            shown.push(*e);
                            out.push('\n');
                            vocab::type_text(&program.enums[*e], &mut out);
                        }
                    }
                }
                Some(vocab::Entry::Type(e)) => vocab::type_text(e, &mut out),
                None => {
                    let hint = match lexproof_lang::check::suggest(name, vocab::names(program)) {
                        Some(s) => format!("did you mean `{s}`? `lexproof vocab` lists them all"),
                        None => "`lexproof vocab` lists every relation and enumeration".to_string(),
                    };
                    eprintln!(
                        "lexproof: error[unknown_relation]: no relation or enumeration `{}` in {}\n  hint: {hint}",
                        lexproof::data::value::printable(name),
                        rules.file.name
                    );
                    return ExitCode::from(2);
                }
            }
            out
        }
    };
    print(&out);
    ExitCode::SUCCESS
}

#[derive(Clone, Copy, ValueEnum)]
pub enum VocabFormat {
    Text,
    Md,
}
