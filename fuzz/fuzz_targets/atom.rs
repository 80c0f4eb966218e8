//! Atoms and patterns given to query, explain and why-not, against the demo database: parsing,
//! typing, matching, proofs in every format and why-not must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use lexproof::db::Database;
use lexproof::engine::{run, EngineKind};
use lexproof::facts::FactSource;
use lexproof::reason::proof::{build_proof, Options};
use std::sync::OnceLock;

fn db() -> &'static Database {
    static DB: OnceLock<Database> = OnceLock::new();
    DB.get_or_init(|| {
        let demo = include_str!("../../facts/demo.dl");
        let src = [FactSource::DlText {
            name: "demo.dl".into(),
            text: demo.into(),
        }];
        match run(EngineKind::Compiled, lexproof::shipped(), &src, 1_000_000) {
            Ok((db, _)) => db,
            Err(_) => panic!("the demo facts load"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let db = db();
    let Ok(p) = lexproof::reason::query::parse(db, text) else {
        return;
    };
    let _ = lexproof::reason::query::matches(db, &p);
    let limits = lexproof::reason::whynot::Limits {
        steps: 2_000,
        ..Default::default()
    };
    let e = lexproof::reason::whynot::why_not(db, &p, limits);
    let _ = lexproof::present::whynot::text(db, &e);
    let _ = lexproof::present::whynot::json(db, &e, text);
    if let Some(values) = p.ground() {
        for all in [false, true] {
            if let Some(proof) = build_proof(db, p.rel, &values, Options { all, depth: Some(3) }) {
                let _ = lexproof::present::explain::text(db, &proof);
                let _ = lexproof::present::explain::json(db, &proof, text);
                let _ = lexproof::present::explain::html(db, &proof, text);
                let _ = lexproof::present::explain::prose(db, &proof);
            }
        }
    }
});
