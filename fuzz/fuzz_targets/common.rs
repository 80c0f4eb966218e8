//! Shared by the fact-file targets: load bytes as a fact file against the shipped rules on both
//! engines; when both accept them, they must agree on every conclusion count.
#![allow(dead_code)] // each target uses a part of this module

use lexproof::engine::{run, EngineKind};
use lexproof::facts::FactSource;
use lexproof::rules::rulebase::Rulebase;

pub fn load_both(name: &str, data: &[u8]) {
    let src = [FactSource::Bytes {
        name: name.to_string(),
        bytes: data.to_vec(),
    }];
    let compiled = run(EngineKind::Compiled, shipped().clone(), &src, 1_000_000);
    let runtime = run(EngineKind::Runtime, shipped().clone(), &src, 1_000_000);
    match (compiled, runtime) {
        (Ok((a, _)), Ok((b, _))) => {
            assert_eq!(a.conclusion_count(), b.conclusion_count(), "engines disagree");
            assert_eq!(a.witness_count(), b.witness_count(), "engines disagree");
        }
        (Err(_), Err(_)) => {}
        _ => panic!("one engine accepted the facts and the other did not"),
    }
}

/// The shipped rulebase, checked once per process: checking it is far dearer than reading an input.
fn shipped() -> &'static Rulebase {
    static RULES: std::sync::OnceLock<Rulebase> = std::sync::OnceLock::new();
    RULES.get_or_init(lexproof::shipped)
}

/// The reader targets: the bytes load, or every error is located (`NAME:line:column: error[...]`
/// or `NAME: error[...]` for the file as a whole). Deriving on both engines costs a hundred times
/// the read, so only one input in 256 (by length, so a given input always does the same) also
/// goes through `load_both`: the readers get the executions, the engines still get checked.
pub fn load_read(name: &str, data: &[u8]) {
    let src = [FactSource::Bytes {
        name: name.to_string(),
        bytes: data.to_vec(),
    }];
    let mut interner = lexproof::data::value::Interner::default();
    if let Err(errors) = lexproof::facts::load(shipped(), &src, &mut interner) {
        assert!(!errors.is_empty(), "a failed load without an error");
        for e in &errors {
            let located = e.starts_with(&format!("{name}:")) && e.contains("error[");
            assert!(located, "an error that does not point into the file: {e}");
        }
    }
    if data.len() % 256 == 0 {
        load_both(name, data);
    }
}

/// The first byte picks one of `relations`; the rest is read as the file `<relation>.<ext>`.
pub fn load_picked(data: &[u8], relations: &[&str], ext: &str) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let rel = relations[pick as usize % relations.len()];
    load_read(&format!("{rel}.{ext}"), rest);
}
