//! Times loading a fact directory with the shipped rulebase, several times in one process, and
//! prints each run and the median: `cargo run --release --example load -- DIR [RUNS]`.
//! The load step alone, without deriving, so changes to parsing and interning can be compared
//! with less noise than whole runs give.

use lexproof::data::value::Interner;
use lexproof::facts::{load, FactSource};
use std::time::Instant;

// The same allocator as the lexproof binary, so allocation costs match.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: load DIR [RUNS]");
    let runs: usize = args
        .next()
        .map_or(5, |r| r.parse().expect("RUNS is a number"));
    let mut times = Vec::new();
    for _ in 0..runs {
        let rules = lexproof::shipped();
        let mut interner = Interner::with_symbols(
            lexproof::engine::compiled::program_for(&rules).map_or(&[][..], |p| p.symbols),
        );
        let t = Instant::now();
        let facts = match load(
            &rules,
            &[FactSource::Path(dir.clone().into())],
            &mut interner,
        ) {
            Ok(f) => f,
            Err(errors) => {
                eprint!("{}", errors.concat());
                std::process::exit(1);
            }
        };
        let s = t.elapsed().as_secs_f64();
        let tuples: usize = facts.tables.iter().map(|t| t.len()).sum();
        println!(
            "load {:.3} s, {} tuples read, {:.2} M tuples/s",
            s,
            facts.read,
            facts.read as f64 / s / 1e6
        );
        let _ = tuples;
        times.push(s);
    }
    times.sort_by(f64::total_cmp);
    println!("median {:.3} s", times[times.len() / 2]);
}
