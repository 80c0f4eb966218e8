//! Micro benchmarks of the hot parts, each beside a baseline in the same group, so the report reads
//! as a ratio: parsing and checking rules.dl (baseline: lexing only), interning symbols (baseline:
//! std HashMap<String, u32>), loading facts (baseline: splitting the same text into lines and
//! fields), proof lookup (baseline: scanning the relation for the tuple).
//!
//!     cd bench/micro && cargo bench
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use lexproof::engine::{run, EngineKind};
use lexproof::facts::shared::SharedInterner;
use lexproof::facts::FactSource;
use lexproof::reason::proof::least_height;
use lexproof::data::value::Interner;
use std::collections::HashMap;
use std::hint::black_box;

const RULES: &str = include_str!("../../../rules.dl");

fn parsing(c: &mut Criterion) {
    let file = lexproof_lang::SourceFile::new("rules.dl", RULES);
    let mut g = c.benchmark_group("rules.dl");
    g.bench_function("baseline: lex only", |b| {
        b.iter(|| black_box(lexproof_lang::lexer::lex(RULES, &mut Vec::new()).len()))
    });
    g.bench_function("parse + check", |b| {
        b.iter(|| black_box(lexproof_lang::load_rules(&file).is_ok()))
    });
    g.finish();
}

fn symbols(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("model-{}-{}", i % 9973, i))
        .collect()
}

fn interning(c: &mut Criterion) {
    let syms = symbols(100_000);
    let mut g = c.benchmark_group("intern 100k symbols");
    g.bench_function("baseline: HashMap<String, u32>", |b| {
        b.iter(|| {
            let mut m: HashMap<String, u32> = HashMap::new();
            for s in &syms {
                let n = m.len() as u32;
                black_box(*m.entry(s.clone()).or_insert(n));
            }
        })
    });
    g.bench_function("lexproof Interner", |b| {
        b.iter(|| {
            let mut i = Interner::default();
            for s in &syms {
                black_box(i.intern(s));
            }
        })
    });
    g.finish();

    // The loader's case at hub scale: a table of a million symbols, far larger than the cache,
    // and every symbol met again and again in no useful order.
    let distinct = symbols(1_000_000);
    let mut order: Vec<usize> = (0..4_000_000)
        .map(|k| (k * 7_919) % distinct.len())
        .collect();
    order.rotate_left(12_345);
    let cells: Vec<&str> = order.iter().map(|&k| distinct[k].as_str()).collect();
    let mut g = c.benchmark_group("intern 4M occurrences of 1M symbols");
    g.sample_size(10);
    g.bench_function("baseline: HashMap<&str, u32>", |b| {
        b.iter(|| {
            let mut m: HashMap<&str, u32> = HashMap::new();
            for s in &cells {
                let n = m.len() as u32;
                black_box(*m.entry(s).or_insert(n));
            }
        })
    });
    g.bench_function("lexproof Interner::intern, one at a time", |b| {
        b.iter(|| {
            let mut i = Interner::default();
            for s in &cells {
                black_box(i.intern(s));
            }
        })
    });
    g.bench_function("lexproof Interner::intern_all, batched", |b| {
        b.iter(|| {
            let mut i = Interner::default();
            let mut out = Vec::with_capacity(512);
            for chunk in cells.chunks(512) {
                out.clear();
                i.intern_all(chunk, &mut out);
                black_box(&out);
            }
        })
    });
    // The loader's table: every loading thread interns into it at once.
    let shared = |threads: usize| {
        let table = SharedInterner::new(&Interner::default(), threads, 0);
        std::thread::scope(|s| {
            for part in cells.chunks(cells.len().div_ceil(threads)) {
                let table = &table;
                s.spawn(move || {
                    let mut w = table.worker();
                    let mut out = Vec::with_capacity(512);
                    for chunk in part.chunks(512) {
                        out.clear();
                        w.intern_all(chunk, &mut out);
                        black_box(&out);
                    }
                });
            }
        });
    };
    g.bench_function("lexproof shared table (prefetching), one thread", |b| {
        b.iter(|| shared(1))
    });
    g.bench_function("lexproof shared table (prefetching), two threads", |b| {
        b.iter(|| shared(2))
    });
    g.finish();
}

fn fact_text(models: usize) -> String {
    let mut t = String::new();
    for m in 0..models {
        t.push_str(&format!("developer(\"m{m}\", \"p{}\").\n", m % 500));
        t.push_str(&format!(
            "training_compute(\"m{m}\", {}e21).\n",
            m % 9000 + 1
        ));
        t.push_str(&format!("generates(\"m{m}\", \"text\").\n"));
        t.push_str(&format!(
            "made_available(\"m{m}\", \"api\", \"2025-09-01\").\n"
        ));
    }
    t
}

fn loading(c: &mut Criterion) {
    let text = fact_text(10_000);
    let mut g = c.benchmark_group("load 40k .dl facts");
    g.sample_size(20);
    g.bench_function("baseline: split into lines and fields", |b| {
        b.iter(|| {
            let n: usize = text
                .lines()
                .map(|l| l.split([',', '(', ')']).filter(|f| !f.is_empty()).count())
                .sum();
            black_box(n)
        })
    });
    g.bench_function("lexproof facts::load", |b| {
        let rules = lexproof::shipped();
        b.iter(|| {
            let mut i = Interner::default();
            let src = [FactSource::DlText {
                name: "bench.dl".into(),
                text: text.clone(),
            }];
            black_box(lexproof::facts::load(&rules, &src, &mut i).is_ok())
        })
    });
    g.finish();
}

fn proofs(c: &mut Criterion) {
    let src = [FactSource::DlText {
        name: "bench.dl".into(),
        text: fact_text(20_000),
    }];
    let Ok((db, _)) = run(
        EngineKind::Compiled,
        lexproof::shipped(),
        &src,
        1_000_000_000,
    ) else {
        panic!("bench facts load")
    };
    let rel = db.rules.checked.relation("obligation").expect("obligation");
    let t = db.tuples(rel);
    let rows: Vec<_> = (0..t.len())
        .step_by(t.len() / 64 + 1)
        .map(|r| t.row(r))
        .collect();
    let mut g = c.benchmark_group(format!("proof of one obligation ({} in the base)", t.len()));
    g.bench_function("baseline: scan the relation for the tuple", |b| {
        let mut k = 0;
        b.iter(|| {
            let want = &rows[k % rows.len()];
            k += 1;
            black_box((0..t.len()).find(|&r| t.row(r) == *want))
        })
    });
    g.bench_function(
        BenchmarkId::new("least-height proof", "binary search in witnesses"),
        |b| {
            let mut k = 0;
            b.iter(|| {
                let want = &rows[k % rows.len()];
                k += 1;
                black_box(least_height(&db, rel, want).map(|p| p.graph.node_count()))
            })
        },
    );
    g.finish();
}

criterion_group!(benches, parsing, interning, loading, proofs);
criterion_main!(benches);
