//! Shared by the fact-file targets: load bytes as a fact file against the shipped rules on both
//! engines; when both accept them, they must agree on every conclusion count.
use lexproof::engine::{run, EngineKind};
use lexproof::facts::FactSource;
use lexproof::rules::rulebase::Rulebase;

pub fn load_both(name: &str, data: &[u8]) {
    let src = [FactSource::Bytes {
        name: name.to_string(),
        bytes: data.to_vec(),
    }];
    let compiled = run(EngineKind::Compiled, Rulebase::shipped(), &src, 1_000_000);
    let runtime = run(EngineKind::Runtime, Rulebase::shipped(), &src, 1_000_000);
    match (compiled, runtime) {
        (Ok((a, _)), Ok((b, _))) => {
            assert_eq!(a.conclusion_count(), b.conclusion_count(), "engines disagree");
            assert_eq!(a.witness_count(), b.witness_count(), "engines disagree");
        }
        (Err(_), Err(_)) => {}
        _ => panic!("one engine accepted the facts and the other did not"),
    }
}

/// The first byte picks one of `relations`; the rest is loaded as the file `<relation>.<ext>`.
pub fn load_picked(data: &[u8], relations: &[&str], ext: &str) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let rel = relations[pick as usize % relations.len()];
    load_both(&format!("{rel}.{ext}"), rest);
}
