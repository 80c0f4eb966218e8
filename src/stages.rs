//! Runs the compiled rulebase's stages. The code generator turns each component of the rules'
//! dependency graph into its own crepe program (a stage); a stage reads input tables and the
//! conclusions of earlier stages, and returns its conclusions and rule instances as tables. Running
//! them one by one frees every stage's hash sets and indexes as soon as it ends (crepe keeps all of
//! them until its run ends); running independent stages at the same time uses every core.

use crate::arith::{self, ArithError};
use crate::store::Table;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Condvar, Mutex, OnceLock};

/// What one stage concludes: (relation, table) and (rule, witness table).
#[derive(Default)]
pub struct StageOut {
    pub derived: Vec<(usize, Table)>,
    pub witnesses: Vec<(usize, Table)>,
}

/// One generated crepe program and the stages whose conclusions it reads.
pub struct Stage {
    /// The relations it defines.
    pub name: &'static str,
    pub deps: &'static [usize],
    pub run: fn(&[Table], &[OnceLock<Table>]) -> StageOut,
}

#[derive(Default)]
struct Board {
    started: Vec<bool>,
    done: Vec<bool>,
    /// Set when a stage panicked, so the other workers stop waiting.
    failed: bool,
    errors: Vec<ArithError>,
}

struct Shared<'a> {
    stages: &'a [Stage],
    inputs: &'a [Table],
    derived: Vec<OnceLock<Table>>,
    witnesses: Vec<OnceLock<Table>>,
    board: Mutex<Board>,
    wake: Condvar,
    /// Print each stage's time on stderr (`LEXPROOF_STAGE_TIMES=1`, for profiling a rulebase).
    timings: bool,
}

impl Shared<'_> {
    fn store(&self, out: StageOut) {
        for (r, t) in out.derived {
            assert!(self.derived[r].set(t).is_ok(), "relation {r} derived twice");
        }
        for (r, t) in out.witnesses {
            assert!(self.witnesses[r].set(t).is_ok(), "rule {r} recorded twice");
        }
    }

    /// Takes the first stage (in dependency order) whose inputs are ready, waiting while none is;
    /// None once every stage has been taken.
    fn next(&self) -> Option<usize> {
        let mut b = self.board.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if b.failed || b.started.iter().all(|s| *s) {
                return None;
            }
            let ready = (0..self.stages.len())
                .find(|&s| !b.started[s] && self.stages[s].deps.iter().all(|&d| b.done[d]));
            if let Some(s) = ready {
                b.started[s] = true;
                return Some(s);
            }
            b = self.wake.wait(b).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn worker(&self) {
        // Marks the run failed if this worker unwinds, so the others do not wait forever.
        struct OnPanic<'a, 'b>(&'a Shared<'b>);
        impl Drop for OnPanic<'_, '_> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    let mut b = self.0.board.lock().unwrap_or_else(|e| e.into_inner());
                    b.failed = true;
                    self.0.wake.notify_all();
                }
            }
        }
        let _guard = OnPanic(self);
        while let Some(s) = self.next() {
            let t0 = std::time::Instant::now();
            let out = (self.stages[s].run)(self.inputs, &self.derived);
            if self.timings {
                let mib = |ts: &[(usize, Table)]| {
                    ts.iter().map(|(_, t)| t.allocated_bytes()).sum::<usize>() as f64
                        / (1 << 20) as f64
                };
                eprintln!(
                    "lexproof: stage {s:>3} {:>9.1} ms  {:>7.1} MiB derived {:>7.1} MiB witnesses  {}",
                    t0.elapsed().as_secs_f64() * 1e3,
                    mib(&out.derived),
                    mib(&out.witnesses),
                    self.stages[s].name
                );
            }
            self.store(out);
            // Arithmetic errors are recorded per thread; gather them for the caller's thread.
            let errors = arith::take_errors();
            let mut b = self.board.lock().unwrap_or_else(|e| e.into_inner());
            b.errors.extend(errors);
            b.done[s] = true;
            self.wake.notify_all();
        }
    }
}

/// Runs every stage, independent ones in parallel, and returns the derived table of each derived
/// relation (None for input relations) and the witness table of each of `rules` rules (0 when the
/// program records none). Arithmetic errors of all stages end up recorded on the calling thread.
pub fn run(
    stages: &[Stage],
    inputs: &[Table],
    relations: usize,
    rules: usize,
) -> (Vec<Option<Table>>, Vec<Table>) {
    let shared = Shared {
        stages,
        inputs,
        derived: (0..relations).map(|_| OnceLock::new()).collect(),
        witnesses: (0..rules).map(|_| OnceLock::new()).collect(),
        board: Mutex::new(Board {
            started: vec![false; stages.len()],
            done: vec![false; stages.len()],
            ..Board::default()
        }),
        wake: Condvar::new(),
        timings: std::env::var_os("LEXPROOF_STAGE_TIMES").is_some_and(|v| v == "1"),
    };
    let workers = crate::parallel::threads().min(stages.len()).max(1);
    if workers == 1 {
        shared.worker();
    } else {
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| shared.worker());
            }
        });
    }
    let board = shared.board.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut errors = board.errors;
    errors.sort_by_key(|e| e.rule);
    arith::record(errors);
    let derived = shared.derived.into_iter().map(|t| t.into_inner()).collect();
    let witnesses = shared
        .witnesses
        .into_iter()
        .map(|t| t.into_inner().expect("every rule belongs to a stage"))
        .collect();
    (derived, witnesses)
}

/// The rows of a relation grouped by key columns: one hash probe gives the other columns of every
/// row with that key, as a slice of one flat vector (no vector per key, unlike crepe's indexes).
pub struct MultiMap<K, V> {
    spans: HashMap<K, (usize, usize), rustc_hash::FxBuildHasher>,
    values: Vec<V>,
}

impl<K, V> Default for MultiMap<K, V> {
    fn default() -> Self {
        MultiMap {
            spans: HashMap::default(),
            values: Vec::new(),
        }
    }
}

impl<K: Hash + Eq + Ord + Copy, V: Copy> MultiMap<K, V> {
    pub fn build(mut rows: Vec<(K, V)>) -> Self {
        rows.sort_unstable_by_key(|a| a.0);
        let mut spans: HashMap<K, (usize, usize), rustc_hash::FxBuildHasher> = HashMap::default();
        let mut start = 0;
        for i in 1..=rows.len() {
            if i == rows.len() || rows[i].0 != rows[start].0 {
                spans.insert(rows[start].0, (start, i));
                start = i;
            }
        }
        MultiMap {
            spans,
            values: rows.into_iter().map(|(_, v)| v).collect(),
        }
    }

    pub fn get(&self, key: &K) -> &[V] {
        self.spans
            .get(key)
            .map_or(&[][..], |&(a, b)| &self.values[a..b])
    }
}
