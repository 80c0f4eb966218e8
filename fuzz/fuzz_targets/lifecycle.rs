//! Model lifecycles built from bytes (three per fact: what, and two arguments), so the fuzzer reaches
//! deep proofs at once: modification chains up to 3,000 models long, placings, compute, designations,
//! open-source terms, systems. Both engines must agree on every table; every obligation must explain
//! in each format and on the report, and why-not must answer for a duty that does not hold.
#![no_main]
use lexproof::db::Database;
use lexproof::engine::{run, EngineKind};
use lexproof::facts::FactSource;
use lexproof::reason::proof::{build_proof, Options};
use lexproof::reason::{query, whynot};
use libfuzzer_sys::fuzz_target;
use std::fmt::Write;

const CHANNELS: [&str; 4] = ["api", "download", "cloud", "app_store"];
const COUNTRIES: [&str; 6] = ["DE", "FR", "US", "CN", "NO", "IE"];
const DUTIES: [&str; 5] = ["art53_1_a", "art53_1_b", "art52_1_notify", "art55_1_a", "art54_1_authorised_representative"];
const KINDS: [&str; 4] = ["fine_tune", "distillation", "continued_training", "quantisation"];

fn date(b: u8) -> String {
    format!("{}-{:02}-{:02}", 2024 + (b % 4) as u32, 1 + (b / 4) % 12, 1 + (b / 3) % 28)
}

fn facts(data: &[u8]) -> String {
    let mut out = String::new();
    for c in data.chunks_exact(3) {
        let (op, a, b) = (c[0], c[1], c[2]);
        let (m, n, p) = (format!("m{}", a % 32), format!("m{}", b % 32), format!("p{}", b % 8));
        let _ = match op % 20 {
            0 => writeln!(out, "developer(\"{m}\", \"{p}\")."),
            1 => writeln!(out, "modified_from(\"{m}\", \"{n}\")."),
            2 => writeln!(out, "modifier(\"{m}\", \"{p}\")."),
            3 => writeln!(out, "training_compute(\"{m}\", {}e{}).", 1 + b % 9, 20 + b % 7),
            4 => writeln!(out, "made_available(\"{m}\", \"{}\", \"{}\").", CHANNELS[(b % 4) as usize], date(b)),
            5 => writeln!(out, "established_in(\"p{}\", \"{}\").", a % 8, COUNTRIES[(b % 6) as usize]),
            6 => writeln!(out, "generates(\"{m}\", \"text\").\ncapability_assessment(\"{m}\", \"general\")."),
            7 => writeln!(out, "commission_designated(\"{m}\", \"{}\").", date(b)),
            8 => writeln!(out, "modification_compute(\"{m}\", {}e{}).", 1 + b % 9, 19 + b % 7),
            9 => writeln!(out, "places_under_own_name(\"{m}\", \"{p}\")."),
            10 => writeln!(out, "internal_use(\"{m}\", \"{p}\")."),
            11 => writeln!(out, "free_open_source_licence(\"{m}\").\nweights_public(\"{m}\").\narchitecture_public(\"{m}\").\nusage_information_public(\"{m}\")."),
            12 => writeln!(out, "compute_reached(\"{m}\", {}e25, \"{}\").", 1 + b % 3, date(b)),
            13 => writeln!(out, "duty_met(\"{p}\", \"{m}\", \"{}\", \"{}\").", DUTIES[(a % 5) as usize], date(b)),
            14 => writeln!(out, "ai_system(\"s{a}\").\nintegrates(\"s{a}\", \"{n}\").\nsystem_provider(\"s{a}\", \"{p}\").\nsystem_made_available(\"s{a}\", \"{}\").", date(b)),
            15 => writeln!(out, "modification_kind(\"{m}\", \"{}\").", KINDS[(b % 4) as usize]),
            16 => writeln!(out, "compute_known_to_exceed(\"{m}\", 1e25, \"{}\").", date(b)),
            17 => writeln!(out, "rebuttal_accepted(\"{m}\", \"{}\").", date(b)),
            18 => writeln!(out, "assessment_date(\"{}\").", date(b)),
            _ => {
                // A long chain below m{a}: c1 modifies c0, c2 modifies c1, ..., by alternating actors.
                let len = (a as usize * 12 + b as usize) % 3_000;
                writeln!(out, "developer(\"c0\", \"p0\").\nmodified_from(\"{m}\", \"c{len}\").").ok();
                for i in 1..=len {
                    writeln!(out, "modified_from(\"c{i}\", \"c{}\").\nmodifier(\"c{i}\", \"p{}\").", i - 1, i % 8).ok();
                }
                Ok(())
            }
        };
    }
    out
}

fn load(kind: EngineKind, text: &str) -> Option<Database> {
    let src = [FactSource::DlText { name: "fuzz.dl".into(), text: text.into() }];
    run(kind, lexproof::shipped(), &src, 2_000_000).ok().map(|(db, _)| db)
}

fuzz_target!(|data: &[u8]| {
    let text = facts(data);
    let (Some(a), Some(b)) = (load(EngineKind::Compiled, &text), load(EngineKind::Runtime, &text)) else {
        // Contradictory inputs (two assessment dates) are refused; both engines must refuse them.
        assert!(load(EngineKind::Compiled, &text).is_none() && load(EngineKind::Runtime, &text).is_none());
        return;
    };
    // The engines intern symbols in different orders: compare the tables as text.
    let text = |db: &Database, rel: usize| -> Vec<String> {
        db.sorted_rows(db.tuples(rel))
            .iter()
            .map(|row| db.interner.atom(db.relation_name(rel), row))
            .collect()
    };
    for rel in 0..a.derived.len() {
        assert_eq!(text(&a, rel), text(&b, rel), "engines disagree on {}", a.relation_name(rel));
    }
    let ob = a.rules.checked.relation("obligation").expect("obligation is declared");
    for values in a.sorted_rows(a.tuples(ob)).into_iter().take(3) {
        for all in [false, true] {
            let proof = build_proof(&a, ob, &values, Options { all, depth: None }).expect("a derived fact has a proof");
            let _ = lexproof::present::explain::text(&a, &proof);
            let _ = lexproof::present::explain::json(&a, &proof, "q");
            let _ = lexproof::present::explain::html(&a, &proof, "q");
            let _ = lexproof::present::explain::prose(&a, &proof);
            let _ = lexproof::present::explain::dot(&a, &proof);
            let _ = lexproof::present::explain::mermaid(&a, &proof);
        }
    }
    for m in ["m0", "m1", "c0"] {
        let Ok(p) = query::parse(&a, &format!("obligation(A, \"{m}\", \"art55_1_a\")")) else { continue };
        let e = whynot::why_not(&a, &p, whynot::Limits { steps: 2_000, ..Default::default() });
        let _ = lexproof::present::whynot::text(&a, &e);
        let _ = lexproof::present::whynot::json(&a, &e, "q");
    }
});
