//! Differential tests of the two engines and of the run-time evaluator against a deliberately simple
//! naive evaluator kept here.
//!
//! - The compiled engine and the run-time evaluator must derive the same conclusions and record the
//!   same rule instances on the shipped rulebase: demo facts, every scenario, random fact bases.
//! - Random programs (recursion, negation, comparisons, arithmetic) cannot each be compiled, so the
//!   run-time evaluator is checked against `naive` below: same relations, same rule instances.

use lexproof::data::value::Value;
use lexproof::db::Database;
use lexproof::engine::{run, EngineKind, DEFAULT_MAX_FACTS};
use lexproof::facts::FactSource;
use lexproof::rules::rulebase::Rulebase;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

type Snapshot = BTreeMap<String, BTreeSet<Vec<String>>>;
type Instances = Vec<BTreeSet<Vec<(String, V)>>>;

/// Everything an engine produced, in a form independent of interning: every relation's tuples and
/// every rule's instances, as text.
fn snapshot(db: &Database) -> Snapshot {
    let mut out = BTreeMap::new();
    let text = |vals: Vec<Value>| {
        vals.iter()
            .map(|v| db.interner.literal(v))
            .collect::<Vec<_>>()
    };
    for (r, rel) in db.rules.checked.relations.iter().enumerate() {
        let t = db.tuples(r);
        out.insert(
            format!("relation {}", rel.name),
            (0..t.len()).map(|i| text(t.row(i))).collect(),
        );
    }
    for rule in &db.rules.checked.rules {
        let n = db.witnesses[rule.index].len();
        out.insert(
            format!("rule {}", rule.id),
            (0..n).map(|i| text(db.witness_row(rule, i))).collect(),
        );
    }
    out
}

fn both_engines(sources: &[FactSource]) -> (Snapshot, Snapshot) {
    let compiled = run(
        EngineKind::Compiled,
        lexproof::shipped(),
        sources,
        DEFAULT_MAX_FACTS,
    )
    .unwrap_or_else(|_| panic!("compiled engine failed"));
    let runtime = run(
        EngineKind::Runtime,
        lexproof::shipped(),
        sources,
        DEFAULT_MAX_FACTS,
    )
    .unwrap_or_else(|_| panic!("run-time evaluator failed"));
    (snapshot(&compiled.0), snapshot(&runtime.0))
}

fn assert_same(a: &Snapshot, b: &Snapshot, what: &str) {
    for (k, va) in a {
        let vb = &b[k];
        assert!(
            va == vb,
            "{what}: {k} differs: only compiled {:?}; only run-time {:?}",
            va.difference(vb).take(5).collect::<Vec<_>>(),
            vb.difference(va).take(5).collect::<Vec<_>>()
        );
    }
}

/// Derive's streamed output is rendered in blocks of rows on every core: the bytes must not depend
/// on how the rows are cut into blocks.
#[test]
fn streamed_output_does_not_depend_on_block_size() {
    use lexproof::present::render::{write_relations, RowFormat, BLOCK_ROWS};
    let (db, _) = run(
        EngineKind::Compiled,
        lexproof::shipped(),
        &[FactSource::Path(root().join("facts"))],
        DEFAULT_MAX_FACTS,
    )
    .unwrap_or_else(|_| panic!("compiled engine failed"));
    let rels: Vec<usize> = (0..db.rules.checked.relations.len()).collect();
    let rows: usize = rels.iter().map(|&r| db.tuples(r).len()).sum();
    for fmt in [RowFormat::Text, RowFormat::Tsv, RowFormat::Cells] {
        let render = |block: usize| {
            let mut out = Vec::new();
            write_relations(&db, &rels, fmt, block, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let whole = render(BLOCK_ROWS);
        let lines = whole.lines().count();
        match fmt {
            // A header and a blank line per relation.
            RowFormat::Text => assert_eq!(lines, rows + 2 * rels.len()),
            _ => assert_eq!(lines, rows),
        }
        assert!(
            rows > 100,
            "the demo facts should give more than a few rows"
        );
        for block in [1, 2, 7] {
            assert!(
                render(block) == whole,
                "block size {block} changes the output"
            );
        }
    }
}

#[test]
fn engines_agree_on_demo_facts_and_every_scenario() {
    let (c, r) = both_engines(&[FactSource::Path(root().join("facts"))]);
    assert_same(&c, &r, "demo facts");
    let mut dirs = vec![root().join("tests/scenario-fixtures")];
    if root().join("tests/scenarios").is_dir() {
        dirs.push(root().join("tests/scenarios"));
    }
    let mut n = 0;
    for dir in dirs {
        for f in lexproof::audit::scenario::files(&dir).unwrap() {
            let text = std::fs::read_to_string(&f).unwrap();
            let s = lexproof::audit::scenario::parse(&f.display().to_string(), &text).unwrap();
            let src = [FactSource::DlText {
                name: s.name.clone(),
                text: s.facts.clone(),
            }];
            let (c, r) = both_engines(&src);
            assert_same(&c, &r, &s.name);
            n += 1;
        }
    }
    assert!(n >= 2);
}

/// A fact base from the project's generator (made once, kept under target/).
fn generated(models: &str, seed: &str, name: &str) -> PathBuf {
    let dir = root().join("target/test-scratch/random-facts").join(name);
    if !dir.join("developer.facts").exists() {
        let st = std::process::Command::new("python3")
            .args([
                "bench/gen_facts.py",
                "--models",
                models,
                "--seed",
                seed,
                "--out",
            ])
            .arg(&dir)
            .current_dir(root())
            .output()
            .expect("python3 runs the fact generator");
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
    }
    dir
}

#[test]
fn engines_agree_on_random_fact_bases() {
    for seed in ["1", "2", "3"] {
        let dir = generated("3000", seed, seed);
        let (c, r) = both_engines(&[FactSource::Path(dir)]);
        assert!(c.values().map(|s| s.len()).sum::<usize>() > 10_000);
        assert_same(&c, &r, &format!("random facts seed {seed}"));
    }
}

/// Both engines share a large first scan between cores (`engine::runtime::share` and
/// `engine::chunks`): with chunks of a few rows, the shared evaluations must record the same
/// conclusions and instances as each other and as unshared ones.
#[test]
fn rules_shared_between_cores_derive_the_same_in_both_engines() {
    use lexproof::engine::{chunks, runtime};
    lexproof::data::parallel::set_threads(2);
    chunks::set_chunk_rows(5);
    let dir = generated("2000", "7", "shared");
    let (c1, r1) = {
        lexproof::data::parallel::set_threads(1);
        let both = both_engines(&[FactSource::Path(dir.clone())]);
        lexproof::data::parallel::set_threads(2);
        both
    };
    assert_same(&c1, &r1, "chunks on one thread");
    // Counted from here: other tests of this binary may share scans too.
    let (runtime_before, compiled_before) = (runtime::chunks_helped(), chunks::chunks_helped());
    // Whether the other core is idle while a rule offers chunks depends on timing: a few runs
    // make it all but certain that some chunks were evaluated by a helper in each engine.
    for round in 0..8 {
        let (c, r) = both_engines(&[FactSource::Path(dir.clone())]);
        assert_same(&c, &r, &format!("shared chunks, round {round}"));
        assert_same(
            &c,
            &c1,
            &format!("compiled, two threads against one, round {round}"),
        );
        if runtime::chunks_helped() > runtime_before && chunks::chunks_helped() > compiled_before {
            return;
        }
    }
    panic!(
        "helpers evaluated {} run-time and {} compiled chunks in eight runs; both should be some",
        runtime::chunks_helped() - runtime_before,
        chunks::chunks_helped() - compiled_before
    );
}

// ---- random programs against a naive evaluator ----

const SYMS: [&str; 4] = ["a", "b", "c", "d"];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ty {
    S,
    N,
}

/// Relations: name, column types, layer. Negation only reaches lower layers, so every generated
/// program is stratified; a rule may use relations of its own layer, so recursion happens.
const RELS: &[(&str, &[Ty], usize)] = &[
    ("e", &[Ty::S, Ty::S], 0),
    ("v", &[Ty::S, Ty::N], 0),
    ("p", &[Ty::S, Ty::S], 1),
    ("q", &[Ty::S], 1),
    ("r", &[Ty::S, Ty::N], 2),
    ("s", &[Ty::S], 2),
];

#[derive(Debug, Clone)]
enum T {
    Var(String),
    Sym(&'static str),
    Num(i64),
    Wild,
    Plus(String, i64),
}

#[derive(Debug, Clone)]
enum Lit {
    Pos(usize, Vec<T>),
    Neg(usize, Vec<T>),
    /// `left op right` with op one of <, !=, >= on numbers; != on symbols.
    Cmp(String, &'static str, T),
    /// `new = old + k`
    Assign(String, String, i64),
}

#[derive(Debug, Clone)]
struct GRule {
    head: (usize, Vec<T>),
    body: Vec<Lit>,
}

fn show(t: &T) -> String {
    match t {
        T::Var(v) => v.clone(),
        T::Sym(s) => format!("\"{s}\""),
        T::Num(n) => n.to_string(),
        T::Wild => "_".into(),
        T::Plus(v, k) => format!("{v} + {k}"),
    }
}

fn atom_text(rel: usize, args: &[T]) -> String {
    format!(
        "{}({})",
        RELS[rel].0,
        args.iter().map(show).collect::<Vec<_>>().join(", ")
    )
}

fn program_text(rules: &[GRule], facts: &[(usize, Vec<T>)]) -> String {
    let mut s = String::new();
    for (name, tys, _) in RELS {
        let f: Vec<String> = tys
            .iter()
            .enumerate()
            .map(|(i, t)| format!("c{i}: {}", if *t == Ty::S { "symbol" } else { "number" }))
            .collect();
        s.push_str(&format!(".decl {name}({})\n", f.join(", ")));
    }
    for (rel, args) in facts {
        s.push_str(&format!("{}.\n", atom_text(*rel, args)));
    }
    for (i, r) in rules.iter().enumerate() {
        s.push_str(&format!(
            "@rule g{i}\n@cite \"test\"\n@authority statute\n@says \"generated\"\n"
        ));
        let body: Vec<String> = r
            .body
            .iter()
            .map(|l| match l {
                Lit::Pos(rel, a) => atom_text(*rel, a),
                Lit::Neg(rel, a) => format!("!{}", atom_text(*rel, a)),
                Lit::Cmp(v, op, t) => format!("{v} {op} {}", show(t)),
                Lit::Assign(n, o, k) => format!("{n} = {o} + {k}"),
            })
            .collect();
        s.push_str(&format!(
            "{} :- {}.\n",
            atom_text(r.head.0, &r.head.1),
            body.join(", ")
        ));
    }
    s
}

/// Builds a safe rule for `head` from random choices.
fn make_rule(head: usize, choices: &[u8]) -> GRule {
    let mut c = choices.iter().copied().cycle();
    let mut next = move |n: usize| (c.next().unwrap() as usize) % n;
    let layer = RELS[head].2;
    let allowed: Vec<usize> = (0..RELS.len()).filter(|&r| RELS[r].2 <= layer).collect();
    let lower: Vec<usize> = (0..RELS.len()).filter(|&r| RELS[r].2 < layer).collect();
    let svars = ["X", "Y", "Z"];
    let nvars = ["N", "M"];
    let mut bound: Vec<(String, Ty)> = Vec::new();
    let mut body = Vec::new();
    for _ in 0..1 + next(3) {
        let rel = allowed[next(allowed.len())];
        let args: Vec<T> = RELS[rel]
            .1
            .iter()
            .map(|t| match (t, next(6)) {
                (Ty::S, 0) => T::Sym(SYMS[next(4)]),
                (Ty::N, 0) => T::Num(next(4) as i64),
                (_, 1) => T::Wild,
                (Ty::S, _) => T::Var(svars[next(3)].to_string()),
                (Ty::N, _) => T::Var(nvars[next(2)].to_string()),
            })
            .collect();
        for (a, t) in args.iter().zip(RELS[rel].1) {
            if let T::Var(v) = a {
                if !bound.iter().any(|(b, _)| b == v) {
                    bound.push((v.clone(), *t));
                }
            }
        }
        body.push(Lit::Pos(rel, args));
    }
    let of = |ty: Ty, bound: &[(String, Ty)]| {
        bound
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(v, _)| v.clone())
            .collect::<Vec<_>>()
    };
    // A computed value may reach the head only outside recursion, so every fixpoint is finite.
    let recursive = body
        .iter()
        .any(|l| matches!(l, Lit::Pos(r, _) if RELS[*r].2 == layer));
    let nums = of(Ty::N, &bound);
    if !nums.is_empty() && !recursive && next(2) == 0 {
        body.push(Lit::Assign(
            "K".into(),
            nums[next(nums.len())].clone(),
            next(3) as i64,
        ));
        bound.push(("K".into(), Ty::N));
    }
    let nums = of(Ty::N, &bound);
    let syms = of(Ty::S, &bound);
    match next(4) {
        0 if !nums.is_empty() => body.push(Lit::Cmp(
            nums[next(nums.len())].clone(),
            ["<", "!=", ">="][next(3)],
            T::Num(next(4) as i64),
        )),
        1 if syms.len() >= 2 => body.push(Lit::Cmp(syms[0].clone(), "!=", T::Var(syms[1].clone()))),
        _ => {}
    }
    if !lower.is_empty() && next(2) == 0 {
        let rel = lower[next(lower.len())];
        let args = RELS[rel]
            .1
            .iter()
            .map(|t| {
                let pool = of(*t, &bound);
                match next(3) {
                    0 => T::Wild,
                    _ if !pool.is_empty() => T::Var(pool[next(pool.len())].clone()),
                    _ if *t == Ty::S => T::Sym(SYMS[next(4)]),
                    _ => T::Num(next(4) as i64),
                }
            })
            .collect();
        body.push(Lit::Neg(rel, args));
    }
    let head_args = RELS[head]
        .1
        .iter()
        .map(|t| {
            let pool = of(*t, &bound);
            if pool.is_empty() {
                if *t == Ty::S {
                    T::Sym(SYMS[next(4)])
                } else {
                    T::Num(next(4) as i64)
                }
            } else {
                let v = pool[next(pool.len())].clone();
                if *t == Ty::N && next(3) == 0 && !recursive {
                    T::Plus(v, 1)
                } else {
                    T::Var(v)
                }
            }
        })
        .collect();
    GRule {
        head: (head, head_args),
        body,
    }
}

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum V {
    S(String),
    N(i64),
}

fn v_text(v: &V) -> String {
    match v {
        V::S(s) => format!("\"{s}\""),
        V::N(n) => n.to_string(),
    }
}

type Db = BTreeMap<usize, BTreeSet<Vec<V>>>;

/// The naive reference: every combination of tuples for the positive atoms, layer by layer,
/// repeated until nothing changes. Returns relations and, per rule, the set of instances as
/// (variable, value) lists.
fn naive(rules: &[GRule], facts: &[(usize, Vec<T>)]) -> (Db, Instances) {
    let mut db: Db = BTreeMap::new();
    for (rel, args) in facts {
        let t = args.iter().map(|a| match a {
            T::Sym(s) => V::S(s.to_string()),
            T::Num(n) => V::N(*n),
            _ => unreachable!(),
        });
        db.entry(*rel).or_default().insert(t.collect());
    }
    let mut inst: Instances = vec![BTreeSet::new(); rules.len()];
    for layer in 1..=2 {
        loop {
            let mut changed = false;
            for (i, r) in rules.iter().enumerate() {
                if RELS[r.head.0].2 != layer {
                    continue;
                }
                let mut found = Vec::new();
                solve(&db, &r.body, 0, &mut BTreeMap::new(), &mut found);
                for b in found {
                    let head: Vec<V> = r.head.1.iter().map(|t| term_val(t, &b).unwrap()).collect();
                    inst[i].insert(b.into_iter().collect());
                    changed |= db.entry(r.head.0).or_default().insert(head);
                }
            }
            if !changed {
                break;
            }
        }
    }
    (db, inst)
}

fn term_val(t: &T, b: &BTreeMap<String, V>) -> Option<V> {
    match t {
        T::Var(v) => b.get(v).cloned(),
        T::Sym(s) => Some(V::S(s.to_string())),
        T::Num(n) => Some(V::N(*n)),
        T::Wild => None,
        T::Plus(v, k) => match b.get(v) {
            Some(V::N(n)) => Some(V::N(n + k)),
            _ => None,
        },
    }
}

fn solve(
    db: &Db,
    body: &[Lit],
    k: usize,
    b: &mut BTreeMap<String, V>,
    out: &mut Vec<BTreeMap<String, V>>,
) {
    // Positive atoms first (in written order), then the tests: the reference needs no planner.
    let pos: Vec<&Lit> = body.iter().filter(|l| matches!(l, Lit::Pos(..))).collect();
    if k < pos.len() {
        let Lit::Pos(rel, args) = pos[k] else {
            unreachable!()
        };
        for tuple in db.get(rel).into_iter().flatten() {
            let mut nb = b.clone();
            let ok = args.iter().zip(tuple).all(|(a, v)| match a {
                T::Wild => true,
                T::Var(x) => match nb.get(x) {
                    Some(old) => old == v,
                    None => {
                        nb.insert(x.clone(), v.clone());
                        true
                    }
                },
                other => term_val(other, &nb).as_ref() == Some(v),
            });
            if ok {
                solve(db, body, k + 1, &mut nb, out);
            }
        }
        return;
    }
    let mut nb = b.clone();
    for l in body {
        match l {
            Lit::Pos(..) => {}
            Lit::Assign(n, o, c) => {
                let Some(V::N(x)) = nb.get(o).cloned() else {
                    return;
                };
                nb.insert(n.clone(), V::N(x + c));
            }
            _ => {}
        }
    }
    for l in body {
        let ok = match l {
            Lit::Cmp(v, op, t) => {
                let (Some(x), Some(y)) = (nb.get(v).cloned(), term_val(t, &nb)) else {
                    return;
                };
                match *op {
                    "<" => x < y,
                    ">=" => x >= y,
                    _ => x != y,
                }
            }
            Lit::Neg(rel, args) => !db.get(rel).into_iter().flatten().any(|tuple| {
                args.iter()
                    .zip(tuple)
                    .all(|(a, v)| matches!(a, T::Wild) || term_val(a, &nb).as_ref() == Some(v))
            }),
            _ => true,
        };
        if !ok {
            return;
        }
    }
    out.push(nb);
}

fn facts_strategy() -> impl Strategy<Value = Vec<(usize, Vec<T>)>> {
    let e =
        (0..4usize, 0..4usize).prop_map(|(a, b)| (0usize, vec![T::Sym(SYMS[a]), T::Sym(SYMS[b])]));
    let v = (0..4usize, 0..4i64).prop_map(|(a, n)| (1usize, vec![T::Sym(SYMS[a]), T::Num(n)]));
    proptest::collection::vec(prop_oneof![e, v], 0..12)
}

fn rules_strategy() -> impl Strategy<Value = Vec<GRule>> {
    proptest::collection::vec(
        (2..RELS.len(), proptest::collection::vec(any::<u8>(), 24)),
        1..6,
    )
    .prop_map(|rs| rs.into_iter().map(|(h, c)| make_rule(h, &c)).collect())
}

proptest! {
    // A fixed seed: the same 300 programs on every run, so CI is reproducible.
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(20261128), ..ProptestConfig::default() })]

    #[test]
    fn runtime_evaluator_matches_the_naive_reference(rules in rules_strategy(), facts in facts_strategy()) {
        let text = program_text(&rules, &facts);
        let (rb, _) = match Rulebase::from_parts(&[("gen.dl".into(), text.clone())]) {
            Ok(x) => x,
            Err(d) => panic!("generated program rejected:\n{text}\n{}", lexproof::rules::rulebase::render_all(&d)),
        };
        // Generated programs are finite (see make_rule); a small cap turns a generator mistake into a
        // failure instead of exhausting memory.
        let (db, _) = run(EngineKind::Runtime, rb, &[], 200_000).unwrap_or_else(|_| panic!("evaluation failed:\n{text}"));
        let (want, want_inst) = naive(&rules, &facts);
        for (r, (name, _, _)) in RELS.iter().enumerate() {
            let rel = db.rules.checked.relation(name).unwrap();
            let t = db.tuples(rel);
            let got: BTreeSet<Vec<String>> = (0..t.len()).map(|i| t.row(i).iter().map(|v| db.interner.literal(v)).collect()).collect();
            let exp: BTreeSet<Vec<String>> = want.get(&r).into_iter().flatten().map(|row| row.iter().map(v_text).collect()).collect();
            prop_assert_eq!(got, exp, "relation {} differs for\n{}", name, text);
        }
        for (i, rule) in db.rules.checked.rules.iter().enumerate() {
            let got: BTreeSet<Vec<(String, String)>> = (0..db.witnesses[i].len())
                .map(|row| {
                    let b = db.bindings(rule, row);
                    let mut named: Vec<(String, String)> = rule.vars.iter().zip(&b).filter(|(v, _)| v.name != "_").map(|(v, x)| (v.name.clone(), db.interner.literal(x))).collect();
                    named.sort();
                    named
                })
                .collect();
            let exp: BTreeSet<Vec<(String, String)>> = want_inst[i].iter().map(|b| b.iter().map(|(k, v)| (k.clone(), v_text(v))).collect()).collect();
            prop_assert_eq!(got, exp, "instances of rule g{} differ for\n{}", i, text);
        }
    }
}

/// Random ground facts for every input relation of a program: small domains, so joins meet.
fn random_facts(program: &lexproof_lang::Checked, seed: u64) -> String {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let mut out = String::new();
    for rel in program.relations.iter().filter(|r| !r.derived) {
        for _ in 0..next(12) {
            let args: Vec<String> = rel
                .fields
                .iter()
                .map(|(_, t)| match t {
                    lexproof_lang::ast::Type::Symbol => format!(
                        "\"{}\"",
                        ["a", "b", "c", "d", "e", "seed"][next(6) as usize]
                    ),
                    lexproof_lang::ast::Type::Number => next(6).to_string(),
                    lexproof_lang::ast::Type::Date => {
                        format!("\"2025-{:02}-{:02}\"", 1 + next(3), 1 + next(28))
                    }
                })
                .collect();
            out.push_str(&format!("{}({}).\n", rel.name, args.join(", ")));
        }
    }
    out
}

#[test]
fn engines_agree_on_the_compiled_test_rulebases() {
    let programs = lexproof::engine::compiled::test_programs::PROGRAMS;
    assert!(programs.len() >= 2);
    for p in programs {
        let rb = lexproof::engine::compiled::test_rulebase(p.name).unwrap();
        let mut nonempty = 0;
        for seed in 0..40 {
            let facts = random_facts(&rb.checked, seed);
            let src = [FactSource::DlText {
                name: "random.dl".into(),
                text: facts.clone(),
            }];
            let c = run(EngineKind::Compiled, rb.clone(), &src, DEFAULT_MAX_FACTS)
                .unwrap_or_else(|_| panic!("compiled {} failed on\n{facts}", p.name))
                .0;
            let r = run(EngineKind::Runtime, rb.clone(), &src, DEFAULT_MAX_FACTS)
                .unwrap_or_else(|_| panic!("run-time {} failed on\n{facts}", p.name))
                .0;
            let (c, r) = (snapshot(&c), snapshot(&r));
            nonempty += c
                .iter()
                .filter(|(k, v)| k.starts_with("rule") && !v.is_empty())
                .count();
            assert_same(&c, &r, &format!("{} seed {seed}:\n{facts}", p.name));
        }
        // Every rule of every test rulebase fires somewhere, so the comparison is not vacuous.
        assert!(
            nonempty >= rb.checked.rules.len(),
            "{}: rules fired {nonempty} times",
            p.name
        );
    }
}
