//! The run-time evaluator: any checked rulebase, evaluated without compiling it. Relations are
//! columnar tables with a hash set for deduplication and sorted permutation indexes for joins
//! (kept up to date by merging, not re-sorting, as a relation grows). Components of the dependency
//! graph are evaluated in order; recursive ones semi-naively, each rule once per recursive premise
//! with that premise restricted to the facts new in the last round. Witnesses are recorded with the
//! same layout as the compiled engine's, so proofs and output are the same.

use crate::data::prefetch;
use crate::data::store::{partition_point, Picked, Table};
use crate::data::value::{Interner, Sym, Value};
use crate::db::instances::{self, Instances};
use crate::engine::schedule::{lock, Schedule};
use hashbrown::HashTable;
use lexproof_lang::ast::CmpOp;
use lexproof_lang::ast::Type;
use lexproof_lang::check::{CLit, CTerm, Checked, Const, Rule};
use lexproof_lang::plan::{RulePlan, Scan, Step};
use std::cmp::Ordering;
use std::hash::Hasher;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

mod bulk;
mod fixed;
mod keyset;
mod merge;
mod narrow;
mod share;
mod term;
use bulk::Bulk;
use fixed::Fixed;
use keyset::KeySet;
use narrow::Narrowing;
pub use share::chunks_helped;
use share::{Chunk, Split};
use term::Term;

pub struct Limits<'a> {
    /// Stop with an error once derived facts plus recorded rule instances exceed this.
    pub max_facts: usize,
    /// Record every rule instance (the witnesses proofs are built from). Off, evaluation only keeps
    /// the conclusions: less memory and time, no proofs.
    pub witnesses: bool,
    /// Told each component's times (`Timing::Component`), for profiling a rulebase.
    pub observer: &'a dyn crate::data::progress::Observer,
}

/// Instances recorded between two samples of the process's memory.
const MEMORY_CHECK_EVERY: usize = 1 << 16;

#[derive(Debug)]
pub enum EvalError {
    TooManyFacts {
        limit: usize,
        relation: String,
    },
    /// The process's memory passed the run's budget (`crate::engine::budget`) while deriving `relation`.
    OutOfMemory {
        limit: u64,
        used: u64,
        relation: String,
    },
}

fn hash_value(h: &mut rustc_hash::FxHasher, v: &Value) {
    match v {
        Value::Sym(s) => h.write_u32(s.0),
        Value::Num(n) => h.write_u128(*n as u128),
        Value::Date(d) => h.write_i32(d.0),
    }
}

fn hash_values(vals: &[Value]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    vals.iter().for_each(|v| hash_value(&mut h, v));
    h.finish()
}

fn hash_row(t: &Table, row: usize) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    (0..t.arity()).for_each(|c| hash_value(&mut h, &t.get(row, c)));
    h.finish()
}

/// A sorted permutation of a table's rows by some columns.
#[derive(Clone)]
struct SortedIndex {
    cols: Vec<usize>,
    /// A column each key's rows are ordered by, before their row order (see `narrow`).
    then: Option<usize>,
    perm: Vec<u32>,
    /// `perm` is the identity: the table's own order is sorted by `cols` (a sorted relation
    /// indexed by leading columns), so a lookup gives a range of row ids without reading `perm`,
    /// one memory access fewer per probe.
    identity: bool,
    /// Each run of `perm` whose rows agree on `cols`, as (start, length), found by the hash of
    /// those values: a lookup is one probe instead of a binary search whose every step reads a
    /// row far from the last.
    runs: HashTable<(u32, u32)>,
    /// For a large relation keyed by a symbol column, instead of `runs`: where each symbol id's
    /// rows start in `perm` (ids are dense from 0), so a lookup reads two adjacent numbers instead
    /// of hashing the key; empty otherwise. With more key columns, each id's rows are sorted by
    /// the others and a lookup scans them (they are few: see `dense_index`).
    starts: Vec<u32>,
    /// The position in `cols` of the column `starts` is by.
    by: usize,
}

impl SortedIndex {
    /// The rows of `t`, the table indexed, agreeing with `key` on `cols`.
    fn find(&self, t: &Table, key: &[Value]) -> Found<'_> {
        let cols = &self.cols;
        let in_order = self.identity;
        let row = |i: usize| if in_order { i } else { self.perm[i] as usize };
        let found = |lo: usize, hi: usize| {
            if in_order {
                Found::Range(lo as u32..hi as u32)
            } else {
                Found::Ids(self.perm[lo..hi].iter())
            }
        };
        if !self.starts.is_empty() {
            let Value::Sym(s) = key[self.by] else {
                return Found::NONE;
            };
            let i = s.0 as usize;
            let (a, b) = match self.starts.get(i..i + 2) {
                Some(&[a, b]) => (a as usize, b as usize),
                _ => return Found::NONE,
            };
            if cols.len() == 1 {
                return found(a, b);
            }
            // One id's rows are ordered by the key's columns: its key's rows are found by halves.
            let cmp = |p: usize| {
                cols.iter()
                    .zip(key)
                    .map(|(&c, v)| t.get(row(p), c).raw_cmp(v))
                    .find(|o| o.is_ne())
                    .unwrap_or(Ordering::Equal)
            };
            let lo = a + partition_point(b - a, |i| cmp(a + i).is_lt());
            let hi = lo + partition_point(b - lo, |i| cmp(lo + i).is_eq());
            return found(lo, hi);
        }
        let hit = self.runs.find(hash_values(key), |&(s, _)| {
            let r = row(s as usize);
            cols.iter().zip(key).all(|(&c, v)| t.get(r, c) == *v)
        });
        match hit {
            Some(&(s, n)) => found(s as usize, (s + n) as usize),
            None => Found::NONE,
        }
    }
}

/// A symbol-keyed index uses `starts` once the relation has at least one row per this many
/// symbol ids up to its largest: `starts` then costs at most 16 bytes per row, about what `runs`
/// costs, and spares a lookup the hash probe and the read of a row to confirm it.
const DENSE_IDS_PER_ROW: usize = 4;

/// With several key columns, a dense index is used only where one symbol column leaves at most
/// this many rows per id on average: a lookup scans them.
const DENSE_ROWS_PER_ID: usize = 8;

/// `starts`, `perm` and the position in `cols` of the column they are by, for the symbol column of
/// `cols` with the most distinct ids, where it is dense enough (`DENSE_IDS_PER_ROW`) and, with
/// more columns, selective enough (`DENSE_ROWS_PER_ID`). Within one id, rows are ordered by the
/// other columns of `cols`, then by column `then`, then by row, as the comparison sort orders
/// them, so a lookup visits the same rows in the same order either way.
fn dense_index(
    t: &Table,
    cols: &[usize],
    then: Option<usize>,
) -> Option<(Vec<u32>, Vec<u32>, usize)> {
    let mut best: Option<(usize, Vec<u32>, Vec<u32>, usize)> = None;
    for (at, &col) in cols.iter().enumerate() {
        let Some((distinct, starts, perm)) = dense_on(t, col, cols.len()) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| distinct > b.0) {
            best = Some((distinct, starts, perm, at));
        }
    }
    let (_, starts, mut perm, at) = best?;
    let order = index_order(cols, then);
    if order.len() > 1 {
        for w in starts.windows(2) {
            let run = &mut perm[w[0] as usize..w[1] as usize];
            if run.len() > 1 {
                run.sort_unstable_by(|&a, &b| {
                    cmp_cols(t, a as usize, b as usize, &order).then(a.cmp(&b))
                });
            }
        }
    }
    Some((starts, perm, at))
}

/// For an index on `key_cols` columns by symbol column `col`: its distinct ids, `starts` and
/// `perm` (`counted`), where the column is dense enough and, with more key columns, selective
/// enough; `None` otherwise (or if `col` holds no symbols).
fn dense_on(t: &Table, col: usize, key_cols: usize) -> Option<(usize, Vec<u32>, Vec<u32>)> {
    t.try_syms(col)?;
    let (starts, perm) = counted(t, col)?;
    let distinct = starts.windows(2).filter(|w| w[0] < w[1]).count();
    (key_cols == 1 || t.len() <= distinct * DENSE_ROWS_PER_ID).then_some((distinct, starts, perm))
}

/// `starts` for the symbol column `col`, and `perm` sorted by it (rows of one symbol in row
/// order), by counting; `None` if the column is too sparse.
fn counted(t: &Table, col: usize) -> Option<(Vec<u32>, Vec<u32>)> {
    let syms = t.syms(col);
    let ids = syms.iter().map(|s| s.0 as usize).max().map_or(0, |m| m + 1);
    if syms.is_empty() || ids > syms.len() * DENSE_IDS_PER_ROW {
        return None;
    }
    let mut starts: Vec<u32> = crate::data::written_zeros(ids + 1);
    for s in syms {
        starts[s.0 as usize + 1] += 1;
    }
    for i in 1..=ids {
        starts[i] += starts[i - 1];
    }
    let mut perm = vec![0u32; syms.len()];
    // Each id's cursor moves from its start to the next id's start as its rows are placed, so
    // the array is shifted back by one place afterwards.
    for (r, s) in syms.iter().enumerate() {
        let at = &mut starts[s.0 as usize];
        perm[*at as usize] = r as u32;
        *at += 1;
    }
    starts.copy_within(0..ids, 1);
    starts[0] = 0;
    Some((starts, perm))
}

/// The columns an index on `cols` orders rows by, before their row order.
fn index_order(cols: &[usize], then: Option<usize>) -> Vec<usize> {
    cols.iter().copied().chain(then).collect()
}

fn hash_cols(t: &Table, row: usize, cols: &[usize]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    cols.iter()
        .for_each(|&c| hash_value(&mut h, &t.get(row, c)));
    h.finish()
}

/// The runs of `perm` (sorted by `cols`) whose rows agree on `cols`.
fn runs_of(t: &Table, perm: &[u32], cols: &[usize]) -> HashTable<(u32, u32)> {
    let mut runs: HashTable<(u32, u32)> = HashTable::new();
    let mut s = 0;
    while s < perm.len() {
        let mut e = s + 1;
        while e < perm.len()
            && cmp_cols(t, perm[s] as usize, perm[e] as usize, cols) == Ordering::Equal
        {
            e += 1;
        }
        runs.insert_unique(
            hash_cols(t, perm[s] as usize, cols),
            (s as u32, (e - s) as u32),
            |&(st, _)| hash_cols(t, perm[st as usize] as usize, cols),
        );
        s = e;
    }
    runs
}

fn cmp_cols(t: &Table, a: usize, b: usize, cols: &[usize]) -> Ordering {
    for &c in cols {
        match t.get(a, c).raw_cmp(&t.get(b, c)) {
            Ordering::Equal => continue,
            o => return o,
        }
    }
    Ordering::Equal
}

#[derive(Clone)]
struct Rel {
    table: Table,
    set: HashTable<u32>,
    indexes: Vec<SortedIndex>,
    /// For a finished relation: the keys the components reading it test for (`Needs::keysets`).
    keysets: Vec<KeySet>,
    /// The rows are in storage order (`Table::sorted`), and no row is added any more.
    sorted: bool,
}

impl Rel {
    fn new(types: &[Type]) -> Rel {
        Rel {
            table: Table::new(types),
            set: HashTable::new(),
            indexes: Vec::new(),
            keysets: Vec::new(),
            sorted: false,
        }
    }

    /// Builds the key sets on these column lists, once the relation is finished.
    fn build_keysets(&mut self, keys: &[Vec<usize>]) {
        self.keysets = keys
            .iter()
            .map(|cols| KeySet::build(&self.table, cols))
            .collect();
    }

    fn contains(&self, vals: &[Value]) -> bool {
        let t = &self.table;
        self.set
            .find(hash_values(vals), |&r| {
                t.cmp_prefix(r as usize, vals) == Ordering::Equal
            })
            .is_some()
    }

    /// Makes the relation, now finished, ready for the membership tests of the components
    /// reading it that no key set answers: the duplicate check if `probed`, else nothing (the
    /// duplicate check's memory is freed).
    fn finish_for_readers(&mut self, probed: bool) {
        if !probed {
            self.set = HashTable::new();
        } else if self.set.is_empty() && !self.table.is_empty() {
            // Sorted without one (`settle_direct`): the table holds no duplicates.
            let t = &self.table;
            let mut set = HashTable::with_capacity(t.len());
            for row in 0..t.len() {
                set.insert_unique(hash_row(t, row), row as u32, |&r| hash_row(t, r as usize));
            }
            self.set = set;
        }
    }

    /// Adds a witness row (unless present, where the rule's instances are not `distinct`); true
    /// if it was added.
    fn add_witness(&mut self, w: &[Value], distinct: bool) -> bool {
        if distinct {
            self.table.push_row(w);
            true
        } else {
            self.insert(w)
        }
    }

    /// Adds a row unless present; true if it was new.
    fn insert(&mut self, vals: &[Value]) -> bool {
        let hash = hash_values(vals);
        let t = &self.table;
        if self
            .set
            .find(hash, |&r| t.cmp_prefix(r as usize, vals) == Ordering::Equal)
            .is_some()
        {
            return false;
        }
        let row = self.table.len() as u32;
        self.table.push_row(vals);
        let t = &self.table;
        self.set
            .insert_unique(hash, row, |&r| hash_row(t, r as usize));
        true
    }

    /// Room for `rows` more rows without growing the table or the duplicate check row by row
    /// (each growth copies everything into fresh memory).
    fn reserve(&mut self, rows: usize) {
        self.table.reserve(rows);
        let t = &self.table;
        self.set.reserve(rows, |&r| hash_row(t, r as usize));
    }

    /// The position of an index on `cols` that orders a key's rows by column `then`, if given
    /// (any index on `cols` serves without).
    fn index_at(&self, cols: &[usize], then: Option<usize>) -> Option<usize> {
        self.indexes
            .iter()
            .position(|i| i.cols == cols && (then.is_none() || i.then == then))
    }

    /// The rows agreeing with `key` on the columns of the index at `at`, found through that index:
    /// every index a component's plans use is brought up to date before its rules run (`prepare`),
    /// and no row is added while they do.
    fn lookup(&self, at: usize, key: &[Value]) -> Found<'_> {
        self.indexes[at].find(&self.table, key)
    }

    /// The position of an index on `cols` whose rows of a key are ordered by column `then` if
    /// given, brought up to date by sorting only the rows added since and merging.
    fn index(&mut self, cols: &[usize], then: Option<usize>) -> usize {
        let pos = match self.index_at(cols, then) {
            Some(p) => p,
            None => {
                self.indexes.push(SortedIndex {
                    cols: cols.to_vec(),
                    then,
                    perm: Vec::new(),
                    identity: false,
                    runs: HashTable::new(),
                    starts: Vec::new(),
                    by: 0,
                });
                self.indexes.len() - 1
            }
        };
        let t = &self.table;
        let idx = &mut self.indexes[pos];
        let built = idx.perm.len();
        let order = index_order(cols, idx.then);
        // A finished relation is sorted: by these columns already if they are its first, in
        // order. Then its own order is the index's, and where its first column is a symbol
        // dense enough (and selective enough, with more columns) one id's rows are together.
        let in_place = self.sorted && order.iter().enumerate().all(|(i, &c)| c == i);
        if built < t.len() {
            let by_first = || dense_on(t, 0, cols.len()).map(|(_, starts, perm)| (starts, perm, 0));
            let dense = in_place
                .then(by_first)
                .flatten()
                .or_else(|| dense_index(t, cols, idx.then));
            if let Some((starts, perm, by)) = dense {
                idx.starts = starts;
                idx.identity = is_identity(&perm);
                idx.perm = perm;
                idx.by = by;
                idx.runs = HashTable::new();
                return pos;
            }
            if in_place {
                idx.perm = (0..t.len() as u32).collect();
                idx.identity = true;
                idx.starts = Vec::new();
                idx.runs = runs_of(t, &idx.perm, cols);
                return pos;
            }
        }
        if built < t.len() {
            // A dense index's rows are grouped by its `by` column, which need not be the first
            // of `cols`: new rows cannot be merged into that order, so all are sorted afresh.
            let built = if idx.starts.is_empty() { built } else { 0 };
            idx.starts = Vec::new();
            let mut fresh: Vec<u32> = (built as u32..t.len() as u32).collect();
            fresh.sort_unstable_by(|&a, &b| {
                cmp_cols(t, a as usize, b as usize, &order).then(a.cmp(&b))
            });
            if built == 0 {
                idx.perm = fresh;
            } else {
                let old = std::mem::take(&mut idx.perm);
                idx.perm = crate::data::store::merge_by(&old, &fresh, |&a, &b| {
                    cmp_cols(t, a as usize, b as usize, &order) != Ordering::Greater
                });
            }
            idx.runs = runs_of(t, &idx.perm, cols);
            idx.identity = is_identity(&idx.perm);
        }
        pos
    }
}

fn is_identity(perm: &[u32]) -> bool {
    perm.iter().enumerate().all(|(i, &r)| r as usize == i)
}

/// The rows a lookup found, as row ids.
enum Found<'a> {
    Ids(std::slice::Iter<'a, u32>),
    Range(std::ops::Range<u32>),
}

impl Found<'_> {
    const NONE: Found<'static> = Found::Range(0..0);

    fn len(&self) -> usize {
        match self {
            Found::Ids(i) => i.len(),
            Found::Range(r) => r.len(),
        }
    }

    /// The rows from the `lo`th found to before the `hi`th (a shared chunk, `View::first`).
    fn window(self, (lo, hi): (usize, usize)) -> Self {
        match self {
            Found::Ids(i) => {
                let ids = i.as_slice();
                let hi = hi.min(ids.len());
                Found::Ids(ids[lo.min(hi)..hi].iter())
            }
            Found::Range(r) => {
                let end = (r.start as usize).saturating_add(hi).min(r.end as usize) as u32;
                let start = (r.start as usize).saturating_add(lo).min(end as usize) as u32;
                Found::Range(start..end)
            }
        }
    }

    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn picked(&self) -> Picked<'_> {
        match self {
            Found::Ids(i) => Picked::Ids(i.as_slice()),
            Found::Range(r) => Picked::Range(r.start as usize..r.end as usize),
        }
    }
}

impl Iterator for Found<'_> {
    type Item = u32;

    #[inline]
    fn next(&mut self) -> Option<u32> {
        match self {
            Found::Ids(i) => i.next().copied(),
            Found::Range(r) => r.next(),
        }
    }
}

/// A rule's plan with, per step, the key columns of its scan (empty for other steps), so the
/// index on them is found without building the list at every row.
struct Compiled {
    plan: RulePlan,
    key_cols: Vec<Vec<usize>>,
    /// Per step, its terms with constants resolved: a scan's key terms then its checks' terms, a
    /// membership test's arguments, a negation's key, a comparison's two sides, an assignment's
    /// expression.
    terms: Vec<Vec<Term>>,
    /// The head's arguments, resolved likewise.
    head: Vec<Term>,
    /// Per step: the position of the index it looks rows up by among its relation's (set by
    /// `prepare`; indexes are only ever added, so a position stays valid).
    index_at: Vec<AtomicUsize>,
    /// Per step: for a negation or membership test on a finished relation, the position of the
    /// key set that answers it among the relation's (`usize::MAX` where none does).
    keyset_at: Vec<AtomicUsize>,
    /// Every instance the plan finds is new: it runs once (its rule has no recursive premise) and
    /// each row it scans fixes its variables, so that rows of relations without duplicates give
    /// distinct instances. Its witnesses then need no duplicate check. A column a scan leaves
    /// unread (`_`) can repeat an instance, as can a later round of a recursive component.
    distinct: bool,
    /// For a plan whose first scan reads a whole relation (or its new rows): each later step
    /// that looks rows up by a key with values this scan binds, with, for each of the key's
    /// values, the first scan's column holding it, if one does (see `Ahead`).
    ahead: Vec<(usize, Vec<Option<usize>>)>,
    /// For a plan that starts with a scan: each later membership test or negation whose key is
    /// made of that scan's columns and constants, with the key's parts, and each comparison of
    /// them, with its two sides.
    first_keyed: Vec<(usize, Vec<KeyPart>)>,
    /// The variables the steps settled before the plan runs bind (`fixed`), with their values.
    preset: Vec<(usize, Value)>,
    /// Per step: for a lookup, how the comparison right after it narrows the rows it finds.
    narrow: Vec<Option<Narrowing>>,
    /// Per step: for a scan, how its rows become instances at once where the plan ends after it.
    bulk: Vec<Option<Bulk>>,
    /// Per step: a lookup whose keys come in the order of the first scan's rows (`merge`).
    in_order: Vec<bool>,
    /// A step settled before the plan runs fails: the plan finds nothing and is not run.
    nothing: bool,
}

/// Where one value of a test's key or one side of a comparison comes from
/// (`Compiled::first_keyed`).
#[derive(Clone, Copy)]
enum KeyPart {
    /// A column of the first scan's row.
    Column(usize),
    Constant(Value),
}

impl KeyPart {
    #[inline(always)]
    fn value(self, t: &Table, row: usize) -> Value {
        match self {
            KeyPart::Column(c) => t.get(row, c),
            KeyPart::Constant(x) => x,
        }
    }
}

impl Compiled {
    /// `Walk::cursors` for this plan on relations `rels`, which are sorted where it reads them
    /// by keys in order (every finished relation is, `Rel::sorted`).
    fn cursors(&self, rels: &[&Rel]) -> Vec<Option<merge::Cursor>> {
        self.plan
            .steps
            .iter()
            .zip(&self.in_order)
            .map(|(s, &in_order)| {
                let rel = match s {
                    Step::Scan(scan) => scan.rel.0,
                    Step::Member { rel, .. } | Step::Absent { rel, .. } => rel.0,
                    _ => return None,
                };
                assert!(
                    !in_order || rels[rel].sorted,
                    "a finished relation read by keys in order is sorted"
                );
                in_order.then(merge::Cursor::default)
            })
            .collect()
    }

    /// Bindings for `vars` variables to start the plan with: those bound before it runs set.
    fn bindings(&self, vars: usize) -> Vec<Value> {
        let mut b = vec![Value::Num(0); vars];
        for &(v, x) in &self.preset {
            b[v] = x;
        }
        b
    }

    /// `narrow`: per step of the plan before `fixed` settled some, its narrowing (the indexes
    /// were chosen for those).
    fn new(
        fixed: Fixed,
        narrow: &[Option<Narrowing>],
        program: &Checked,
        interner: &Interner,
        once: bool,
    ) -> Compiled {
        let Fixed {
            plan,
            kept,
            values,
            nothing,
        } = fixed;
        // A narrowing drops the comparison after its lookup: both must still be there, in turn.
        let narrow: Vec<Option<Narrowing>> = kept
            .iter()
            .enumerate()
            .map(|(j, &k)| narrow[k].filter(|_| kept.get(j + 1) == Some(&(k + 1))))
            .collect();
        let resolve = |ts: &mut dyn Iterator<Item = &CTerm>| -> Vec<Term> {
            ts.map(|t| Term::resolve(t, interner, &values)).collect()
        };
        let terms: Vec<Vec<Term>> = plan
            .steps
            .iter()
            .map(|s| match s {
                Step::Scan(scan) => resolve(
                    &mut scan
                        .key
                        .iter()
                        .map(|(_, t)| t)
                        .chain(scan.checks.iter().map(|(_, t)| t)),
                ),
                Step::Member { args, .. } => resolve(&mut args.iter()),
                Step::Absent { key, .. } => resolve(&mut key.iter()),
                Step::Compare { left, right, .. } => resolve(&mut [left, right].into_iter()),
                Step::Let { expr, .. } => resolve(&mut std::iter::once(expr)),
            })
            .collect();
        let rule = &program.rules[plan.rule.0];
        let head = resolve(&mut rule.head.args.iter());
        let bulk = plan
            .steps
            .iter()
            .map(|s| match s {
                Step::Scan(scan) => Bulk::of(scan, rule, &head),
                _ => None,
            })
            .collect();
        let in_order = (0..plan.steps.len())
            .map(|k| merge::in_order(program, &plan, k, narrow[k].map(|n| n.col)))
            .collect();
        let key_cols = plan
            .steps
            .iter()
            .map(|s| match s {
                Step::Scan(scan) => scan.key.iter().map(|(c, _)| *c).collect(),
                _ => Vec::new(),
            })
            .collect();
        let distinct = once
            && plan.steps.iter().all(|s| match s {
                Step::Scan(scan) => {
                    let read = |c: usize| {
                        scan.key.iter().any(|(k, _)| *k == c)
                            || scan.binds.iter().any(|(k, _)| *k == c)
                            || scan.same.iter().any(|(k, _)| *k == c)
                            || scan.checks.iter().any(|(k, _)| *k == c)
                    };
                    (0..program.relations[scan.rel.0].arity()).all(read)
                }
                _ => true,
            });
        // The later steps of a plan that starts with a scan (of a whole relation, for `ahead`),
        // and the column of that scan binding a variable.
        let first_scan = match plan.steps.first() {
            Some(Step::Scan(first)) => Some(first),
            _ => None,
        };
        let whole_first = first_scan.filter(|first| first.key.is_empty());
        let column_of = |v: usize| {
            let first = first_scan?;
            first.binds.iter().find(|(_, b)| b.0 == v).map(|&(c, _)| c)
        };
        let after_first = plan
            .steps
            .iter()
            .enumerate()
            .skip(1)
            .filter(|_| first_scan.is_some());
        let ahead = after_first
            .clone()
            .filter(|_| whole_first.is_some())
            .filter_map(|(j, s)| match s {
                Step::Scan(later) if !later.delta => {
                    let cols: Vec<Option<usize>> = later
                        .key
                        .iter()
                        .map(|(_, t)| match t {
                            CTerm::Var(v) => column_of(*v),
                            _ => None,
                        })
                        .collect();
                    cols.iter().any(Option::is_some).then_some((j, cols))
                }
                _ => None,
            })
            .collect();
        let first_keyed = after_first
            .filter(|(_, s)| {
                matches!(
                    s,
                    Step::Member { .. } | Step::Absent { .. } | Step::Compare { .. }
                )
            })
            .filter_map(|(j, _)| {
                let parts = terms[j]
                    .iter()
                    .map(|t| match t {
                        Term::Var(v) => column_of(*v).map(KeyPart::Column),
                        Term::Val(x) => Some(KeyPart::Constant(*x)),
                        _ => None,
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some((j, parts))
            })
            .collect();
        Compiled {
            ahead,
            first_keyed,
            narrow,
            bulk,
            in_order,
            preset: values
                .iter()
                .enumerate()
                .filter_map(|(v, x)| Some((v, (*x)?)))
                .collect(),
            nothing,
            index_at: (0..plan.steps.len())
                .map(|_| AtomicUsize::new(usize::MAX))
                .collect(),
            keyset_at: (0..plan.steps.len())
                .map(|_| AtomicUsize::new(usize::MAX))
                .collect(),
            plan,
            key_cols,
            terms,
            head,
            distinct,
        }
    }
}

/// What a component's rules read and the run's limits: fixed while they run.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    program: &'a Checked,
    interner: &'a Interner,
    limits: &'a Limits<'a>,
}

/// What a component's rules write while they run: every rule's witness rows and the heads found
/// this round. Kept apart from the relations, which no rule changes until the round ends, so that
/// the rules read them in place (no copy of the rows a scan visits).
struct Out<'a> {
    /// Per rule of the program, the witness rows of the component's own rules.
    witnesses: Vec<Option<Rel>>,
    /// Per rule whose heads go straight into their relation (`direct`), the row of each witness
    /// row's head there: the instances are then stored without looking their heads up again.
    head_rows: Vec<Option<Vec<u32>>>,
    /// Head tuples found this round, flattened, per relation.
    pending: Vec<Vec<Value>>,
    /// The relations of a component without recursion, taken out of the evaluator while its rules
    /// run: none of its rules reads them, so heads go straight in (no buffer of pending tuples
    /// to fill, copy and free).
    direct: Vec<Option<Rel>>,
    /// The largest emptied `pending` buffer, handed to the next relation that starts one: fresh
    /// memory is zeroed by the kernel page by page, a buffer used before is not.
    spare: Vec<Value>,
    pending_nullary: Vec<bool>,
    /// Facts and instances this component has added.
    count: usize,
    /// How many of them `total` holds.
    flushed: usize,
    /// Those of the other components, as `total` last told.
    others: usize,
    /// Shared by the components of one run: their counts, added up as each goes on.
    total: &'a AtomicUsize,
    error: Option<EvalError>,
    /// For a worker helping with a chunk of another component's rule (`share`): where its
    /// instances go instead of the component's relations.
    chunk: Option<Chunk>,
}

impl Out<'_> {
    /// Adds this component's new count to the run's total, and learns the others'.
    fn flush(&mut self) {
        let add = self.count - self.flushed;
        self.others = self.total.fetch_add(add, AtomicOrdering::Relaxed) + add - self.count;
        self.flushed = self.count;
    }
}

/// The evaluation of one component: the relations it reads (those of the components before it,
/// done and no longer changing), its own relations, the last round's new rows, what rules write.
struct Evaluator<'a> {
    ctx: Ctx<'a>,
    /// Per relation this component reads and does not derive: its rows, done and no longer
    /// changing (inputs, and relations of the components before it).
    held: Vec<Option<Arc<Rel>>>,
    /// Read in place of a relation that no component read by this one derives.
    empty: &'a Rel,
    /// Per relation: this component's own, while it derives them.
    own: Vec<Option<Rel>>,
    /// Per relation: the row range that was new in the last round.
    delta: Vec<(usize, usize)>,
    out: Out<'a>,
}

/// A rule's reading of the relations: the relations and the last round's new rows.
struct View<'a> {
    rels: &'a [&'a Rel],
    delta: &'a [(usize, usize)],
    /// The rows of the plan's first scan to read, where it reads a whole relation or the last
    /// round's new rows: all of them, or one chunk of a shared rule (`share`), counted from the
    /// first row it reads.
    first: (usize, usize),
}

/// `View::first` for every row.
const ALL_ROWS: (usize, usize) = (0, usize::MAX);

/// Per step of a plan, a buffer for the values it looks up, then one for the witness and one for
/// the head: reused across every row, so that evaluation allocates nothing per row.
fn scratch(plan: &Compiled) -> Vec<Vec<Value>> {
    vec![Vec::new(); plan.plan.steps.len() + 2]
}

/// Evaluates `terms` under `b` into `buf`; false if one has no value (an arithmetic error).
fn eval_into(terms: &[Term], b: &[Value], ri: usize, buf: &mut Vec<Value>) -> bool {
    buf.clear();
    for t in terms {
        match t.value(b, ri) {
            Some(v) => buf.push(v),
            None => return false,
        }
    }
    true
}

impl<'a> Evaluator<'a> {
    fn rel(&self, r: usize) -> &Rel {
        self.own[r]
            .as_ref()
            .or(self.held[r].as_deref())
            .unwrap_or(self.empty)
    }

    /// `plan`, a plan of `rule` in component `comp`, ready to run: the steps the relations
    /// finished before the component settle taken out (`fixed`).
    fn compile(&self, plan: RulePlan, rule: &Rule, comp: &[usize], once: bool) -> Arc<Compiled> {
        let narrow: Vec<Option<Narrowing>> = (0..plan.steps.len())
            .map(|k| Narrowing::of(&plan, k))
            .collect();
        let finished = |r: usize| (!comp.contains(&r)).then(|| &self.rel(r).table);
        let fixed = fixed::fix(plan, rule.vars.len(), finished, self.ctx.interner);
        Arc::new(Compiled::new(
            fixed,
            &narrow,
            self.ctx.program,
            self.ctx.interner,
            once,
        ))
    }

    /// Runs one rule's plan. With `run` (a component without recursion on a run of several
    /// threads), a plan that starts by scanning a large relation offers chunks of it to idle
    /// workers and adds what they found (`share`).
    fn run_rule(&mut self, rule: &Rule, plan: &Arc<Compiled>, run: Option<&Run>) {
        // Once per rule, not per instance: a store to memory both cores write at every instance
        // would have the cores take its cache line from each other all the time.
        crate::engine::budget::note(rule.index);
        let pending = &mut self.out.pending[rule.head.rel];
        if pending.capacity() == 0 && self.out.direct[rule.head.rel].is_none() {
            *pending = std::mem::take(&mut self.out.spare);
        }
        let mut b = plan.bindings(rule.vars.len());
        let mut buf = scratch(plan);
        let (own, held, empty) = (&self.own, &self.held, self.empty);
        let rels: Vec<&Rel> = own
            .iter()
            .zip(held)
            .map(|(o, h)| o.as_ref().or(h.as_deref()).unwrap_or(empty))
            .collect();
        // Helpers read the relations through `held`: the component's own are there only while
        // lent (`lend_own`), or not read at all (a component without recursion, `take_direct`).
        let lent = self.own.iter().all(Option::is_none);
        let split = run.filter(|_| lent).and_then(|run| {
            let rows = share::first_scan_rows(plan, &rels, &self.delta)?;
            share::worth_sharing(rows).then(|| {
                run.share(
                    rule.index,
                    Arc::clone(plan),
                    self.held.clone(),
                    self.delta.clone(),
                    rows,
                )
            })
        });
        let (ctx, delta) = (&self.ctx, &self.delta);
        let mut scan = |first: (usize, usize), out: &mut Out| {
            let view = View {
                rels: &rels,
                delta,
                first,
            };
            let walk = Walk {
                ctx,
                view: &view,
                rule,
                plan,
                cursors: plan.cursors(&rels),
            };
            step(&walk, out, 0, &mut b, &mut buf);
        };
        let Some(split) = split else {
            scan(ALL_ROWS, &mut self.out);
            return;
        };
        let mut vals = (Vec::new(), Vec::new());
        loop {
            // Blocks only while helpers still work on the last chunks.
            let (mine, found) = split.owner_turn();
            let last = mine.is_none() && found.is_empty();
            for chunk in found {
                share::add_chunk(ctx, &mut self.out, rule, plan.distinct, chunk, &mut vals);
            }
            if let Some(first) = mine {
                scan(first, &mut self.out);
            }
            if last {
                break;
            }
        }
        if let Some(run) = run {
            run.withdraw(&split);
        }
    }

    /// Brings up to date every index the plans look rows up by, before their rules run.
    fn prepare(&mut self, plans: &[&Compiled]) {
        for plan in plans {
            for (k, (((s, cols), at), keyset_at)) in plan
                .plan
                .steps
                .iter()
                .zip(&plan.key_cols)
                .zip(&plan.index_at)
                .zip(&plan.keyset_at)
                .enumerate()
            {
                if plan.in_order[k] {
                    continue;
                }
                if let Some((rel, tested)) = keyed_test(self.ctx.program, &plan.plan, k) {
                    if self.own[rel].is_none() {
                        if let Some(pos) =
                            self.rel(rel).keysets.iter().position(|k| k.cols == tested)
                        {
                            keyset_at.store(pos, AtomicOrdering::Relaxed);
                            continue;
                        }
                    }
                }
                let (rel, cols, then) = match s {
                    Step::Scan(scan) if !scan.delta && !cols.is_empty() => {
                        (scan.rel.0, cols, plan.narrow[k].map(|n| n.col))
                    }
                    Step::Absent { rel, cols, .. }
                        if !cols.is_empty() && cols.len() < self.rel(rel.0).table.arity() =>
                    {
                        (rel.0, cols, None)
                    }
                    _ => continue,
                };
                let pos = match &mut self.own[rel] {
                    Some(own) => own.index(cols, then),
                    // Built when the relation was done (`index_needs`).
                    None => self
                        .rel(rel)
                        .index_at(cols, then)
                        .expect("every index on a done relation is built before it is read"),
                };
                at.store(pos, AtomicOrdering::Relaxed);
            }
        }
    }

    /// Frees the duplicate checks of these rules' witness relations once their component is done:
    /// nothing adds to them any more, and nothing reads them until the run ends (a hash table of
    /// row ids per rule, a few bytes per instance).
    fn forget_duplicates_of(&mut self, rules: &[&Rule]) {
        for rule in rules {
            if let Some(w) = &mut self.out.witnesses[rule.index] {
                w.set = HashTable::new();
            }
        }
    }

    /// Lends the relations of a component without recursion to its rules (`Out::direct`).
    fn take_direct(&mut self, comp: &[usize]) {
        for &r in comp {
            let rel = self.own[r].take().expect("a component's own relation");
            self.delta[r] = (rel.table.len(), rel.table.len());
            self.out.direct[r] = Some(rel);
        }
    }

    /// Lends a recursive component's relations to `held` for one round, so that helpers can read
    /// them while its rules run.
    fn lend_own(&mut self, comp: &[usize]) {
        for &r in comp {
            let rel = self.own[r].take().expect("a component's own relation");
            self.held[r] = Some(Arc::new(rel));
        }
    }

    /// Takes back what `lend_own` lent, before the round's heads are added. A helper may still
    /// hold a relation for an instant after its last chunk: then it is copied.
    fn take_back_own(&mut self, comp: &[usize]) {
        for &r in comp {
            let rel = self.held[r].take().expect("a lent relation");
            self.own[r] = Some(Arc::unwrap_or_clone(rel));
        }
    }

    /// Takes back what `take_direct` lent, with the rows its rules added as the last round's.
    fn put_back_direct(&mut self, comp: &[usize]) {
        for &r in comp {
            if let Some(rel) = self.out.direct[r].take() {
                self.delta[r].1 = rel.table.len();
                self.own[r] = Some(rel);
            }
        }
    }

    /// Sorts the relations of a component without recursion, which took its heads as they came,
    /// dropping duplicates; points each instance at its head's sorted row, and counts the new
    /// facts against the run's limit. The sorts use up to `threads` threads.
    fn settle_direct(&mut self, comp: &[usize], rules: &[&Rule], threads: usize) {
        for &r in comp {
            let own = self.own[r].as_mut().expect("a component's own relation");
            let given = self.delta[r].0;
            let (sorted, origin) = own.table.sorted_with_origin_on(threads);
            own.table = sorted;
            own.set = HashTable::new();
            self.out.count += own.table.len() - given;
            for rule in rules.iter().filter(|rule| rule.head.rel == r) {
                if let Some(rows) = &mut self.out.head_rows[rule.index] {
                    for h in rows.iter_mut().filter(|h| **h != u32::MAX) {
                        *h = origin[*h as usize];
                    }
                }
            }
            self.delta[r] = (0, own.table.len());
            if self.out.count + self.out.others > self.ctx.limits.max_facts
                && self.out.error.is_none()
            {
                self.out.error = Some(EvalError::TooManyFacts {
                    limit: self.ctx.limits.max_facts,
                    relation: self.ctx.program.relations[r].name.clone(),
                });
            }
        }
    }

    /// Moves pending head tuples into their relations; returns whether anything was new.
    fn commit(&mut self, rels: &[usize]) -> bool {
        let mut any = false;
        for &r in rels {
            let arity = self.ctx.program.relations[r].arity();
            let own = self.own[r].as_mut().expect("a component's own relation");
            let start = own.table.len();
            let mut pending = std::mem::take(&mut self.out.pending[r]);
            if arity == 0 {
                // A nullary relation holds or not: one empty tuple.
                if self.out.pending_nullary[r] && own.insert(&[]) {
                    self.out.count += 1;
                }
                self.out.pending_nullary[r] = false;
            }
            own.reserve(pending.len() / arity.max(1));
            for row in pending.chunks(arity.max(1)) {
                if arity > 0 && own.insert(row) {
                    self.out.count += 1;
                }
            }
            pending.clear();
            if pending.capacity() > self.out.spare.capacity() {
                self.out.spare = pending;
            }
            let end = own.table.len();
            self.delta[r] = (start, end);
            any |= end > start;
        }
        any
    }
}

/// What stays the same while one rule's plan runs: passed by one reference, so that the call
/// from step to step carries few arguments.
struct Walk<'w> {
    ctx: &'w Ctx<'w>,
    view: &'w View<'w>,
    rule: &'w Rule,
    plan: &'w Compiled,
    /// Per step whose key comes in order (`Compiled::in_order`): where its last key's rows are.
    cursors: Vec<Option<merge::Cursor>>,
}

/// Runs step `k` of the plan, and the steps after it for each way it holds, under bindings `b`.
/// Inlined into each kind of step's own function, so that every kind has its own branch to the
/// next step: the processor learns where each goes, where one shared branch would mislead it.
#[inline(always)]
fn step(w: &Walk, out: &mut Out, k: usize, b: &mut [Value], buf: &mut [Vec<Value>]) {
    if out.error.is_some() {
        return;
    }
    match w.plan.plan.steps.get(k) {
        None => emit(w.ctx, out, w.rule, w.plan, b, buf),
        Some(Step::Scan(scan)) => scan_step(w, scan, out, k, b, buf),
        Some(Step::Member { rel, .. }) => member_step(w, rel.0, out, k, b, buf),
        Some(Step::Absent { rel, cols, .. }) => absent_step(w, rel.0, cols, out, k, b, buf),
        Some(Step::Compare { op, .. }) => compare_step(w, *op, out, k, b, buf),
        Some(Step::Let { var, .. }) => let_step(w, var.0, out, k, b, buf),
    }
}

/// Keys of up to this many values are evaluated on the stack, not in a step's buffer.
const KEY_ON_STACK: usize = 4;

/// Evaluates a test's or a lookup's key: into `stack` where it fits, else into `spill` (`None` on
/// an arithmetic error).
#[inline(always)]
fn key_of<'k>(
    terms: &[Term],
    b: &[Value],
    ri: usize,
    stack: &'k mut [Value; KEY_ON_STACK],
    spill: &'k mut Vec<Value>,
) -> Option<&'k [Value]> {
    if terms.len() <= KEY_ON_STACK {
        for (slot, t) in stack.iter_mut().zip(terms) {
            *slot = t.value(b, ri)?;
        }
        Some(&stack[..terms.len()])
    } else if eval_into(terms, b, ri, spill) {
        Some(spill)
    } else {
        None
    }
}

#[inline(never)]
fn scan_step(
    w: &Walk,
    scan: &Scan,
    out: &mut Out,
    k: usize,
    b: &mut [Value],
    buf: &mut [Vec<Value>],
) {
    let plan = w.plan;
    let ri = w.rule.index;
    let key_cols = &plan.key_cols[k];
    let (key_terms, check_terms) = plan.terms[k].split_at(scan.key.len());
    let mut spill = std::mem::take(&mut buf[k]);
    let mut stack = [Value::Num(0); KEY_ON_STACK];
    if let Some(key) = key_of(key_terms, b, ri, &mut stack, &mut spill) {
        let rel = &w.view.rels[scan.rel.0];
        let t = &rel.table;
        // `next`: the step after this scan, or after the tests already passed (`ScanTests`).
        let visit =
            |r: usize, next: usize, b: &mut [Value], out: &mut Out, buf: &mut [Vec<Value>]| {
                for &(c, v) in &scan.binds {
                    b[v.0] = t.get(r, c);
                }
                for &(c, v) in &scan.same {
                    if t.get(r, c) != b[v.0] {
                        return;
                    }
                }
                for ((c, _), check) in scan.checks.iter().zip(check_terms) {
                    if check.value(b, ri) != Some(t.get(r, *c)) {
                        return;
                    }
                }
                step(w, out, next, b, buf);
            };
        let ahead = if k == 0 { Ahead::of(w, t) } else { None };
        // Where the plan ends after this scan (at step `next`), its rows are added at once.
        let bulk = plan.bulk[k].as_ref().filter(|bulk| bulk.usable(w));
        let bulk_at = |next: usize| bulk.filter(|_| next == plan.plan.steps.len());
        if scan.delta {
            let (mut lo, mut hi) = w.view.delta[scan.rel.0];
            if k == 0 {
                // A shared chunk of the new rows (`View::first` counts from the first).
                (lo, hi) = (
                    lo.saturating_add(w.view.first.0).min(hi),
                    lo.saturating_add(w.view.first.1).min(hi),
                );
            }
            for r in lo..hi {
                if let Some(a) = &ahead {
                    a.ask(r);
                }
                if key_cols.iter().zip(key).all(|(&c, v)| t.get(r, c) == *v) {
                    visit(r, k + 1, b, out, buf);
                }
            }
        } else if key_cols.is_empty() {
            let rows = if k == 0 { w.view.first } else { ALL_ROWS };
            let rows = rows.0..rows.1.min(t.len());
            let tests = ScanTests::of(w, scan, k, t);
            let next = k + 1 + tests.tests.len();
            // Separate loops, so that a scan without look-ahead or tests tests nothing per row.
            match (&ahead, tests.is_empty(), bulk_at(next)) {
                (None, true, Some(bulk)) => {
                    let head = buf.last_mut().expect("a buffer for the head");
                    bulk.add(w, out, t, Picked::Range(rows), b, head);
                }
                (None, false, Some(bulk)) => {
                    let mut ids = [0u32; TEST_BLOCK];
                    let head = buf.last_mut().expect("a buffer for the head");
                    for start in rows.clone().step_by(TEST_BLOCK) {
                        let end = (start + TEST_BLOCK).min(rows.end);
                        let mut passed = tests.block(t, end - start, |i| start + i);
                        let mut n = 0;
                        while passed != 0 {
                            ids[n] = (start + passed.trailing_zeros() as usize) as u32;
                            passed &= passed - 1;
                            n += 1;
                        }
                        bulk.add(w, out, t, Picked::Ids(&ids[..n]), b, head);
                    }
                }
                (Some(a), true, _) => rows.for_each(|r| {
                    a.ask(r);
                    visit(r, k + 1, b, out, buf);
                }),
                (None, true, None) => rows.for_each(|r| visit(r, k + 1, b, out, buf)),
                (a, false, _) => {
                    let mut start = rows.start;
                    while start < rows.end {
                        let end = (start + TEST_BLOCK).min(rows.end);
                        let mut passed = tests.block(t, end - start, |i| start + i);
                        while passed != 0 {
                            let r = start + passed.trailing_zeros() as usize;
                            passed &= passed - 1;
                            if let Some(a) = a {
                                a.ask(r);
                            }
                            visit(r, next, b, out, buf);
                        }
                        start = end;
                    }
                }
            }
        } else {
            let found = match &w.cursors[k] {
                Some(cursor) => cursor.find(t, key),
                None => rel.lookup(plan.index_at[k].load(AtomicOrdering::Relaxed), key),
            };
            let found = if k == 0 {
                // A shared chunk of the rows found (`View::first` counts them).
                found.window(w.view.first)
            } else {
                found
            };
            // Every row found goes on to step `next`: at once where the plan ends there.
            let each =
                |found: Found, next: usize, b: &mut [Value], out: &mut Out, buf: &mut [_]| {
                    if let Some(bulk) = bulk_at(next) {
                        let head = buf.last_mut().expect("a buffer for the head");
                        bulk.add(w, out, t, found.picked(), b, head);
                    } else {
                        for r in found {
                            visit(r as usize, next, b, out, buf);
                        }
                    }
                };
            let tests = ScanTests::of(w, scan, k, t);
            if let Some(n) = &plan.narrow[k] {
                // The rows found that pass the comparison after the lookup, which they skip.
                if let Some(x) = plan.terms[k + 1][n.other].value(b, ri) {
                    each(n.narrow(found, t, x), k + 2, b, out, buf);
                }
            } else if tests.is_empty() {
                each(found, k + 1, b, out, buf);
            } else {
                let next = k + 1 + tests.tests.len();
                let ids: Vec<u32>;
                let ids = match found {
                    Found::Ids(i) => i.as_slice(),
                    Found::Range(r) => {
                        ids = r.collect();
                        &ids[..]
                    }
                };
                for block in ids.chunks(TEST_BLOCK) {
                    let mut passed = tests.block(t, block.len(), |i| block[i] as usize);
                    while passed != 0 {
                        let r = block[passed.trailing_zeros() as usize] as usize;
                        passed &= passed - 1;
                        visit(r, next, b, out, buf);
                    }
                }
            }
        }
    }
    buf[k] = spill;
}

/// Row `o` of `other`'s first columns against the key `parts` gives from row `r` of `t`.
#[inline]
fn cmp_parts(other: &Table, o: usize, parts: &[KeyPart], t: &Table, r: usize) -> Ordering {
    for (c, p) in parts.iter().enumerate() {
        match other.get(o, c).raw_cmp(&p.value(t, r)) {
            Ordering::Equal => continue,
            ord => return ord,
        }
    }
    Ordering::Equal
}

/// Rows of a first scan tested at a time by `ScanTests::block` (the bits of a `u64`).
const TEST_BLOCK: usize = 64;

/// The membership tests and negations right after a plan's first scan (of a whole relation, or
/// of the rows a lookup by constants finds), on finished relations (answered by key sets), whose
/// keys are made of the scan's columns and constants, and the comparisons of those:
/// asked of the scanned columns before a row's values are bound, so the rows they drop cost no
/// binding, and asked for a block of rows in one loop, so that the block's waits for memory
/// overlap where the steps, row by row, would wait for each in turn. They are the steps right
/// after the scan, one each: a row that passes goes on to the step after them.
struct ScanTests<'a> {
    tests: Vec<ScanTest<'a>>,
}

enum ScanTest<'a> {
    /// A key of one symbol, the scanned column's: a bit per symbol id.
    Bit {
        col: &'a [Sym],
        bits: &'a [u64],
        want: bool,
    },
    /// Any other key, from the scanned row's columns and constants.
    Keyed {
        set: &'a KeySet,
        parts: &'a [KeyPart],
        want: bool,
    },
    /// A key of the scanned row's first columns, in order, found by a cursor (`merge`).
    Sorted {
        t: &'a Table,
        parts: &'a [KeyPart],
        cursor: &'a merge::Cursor,
        want: bool,
    },
    /// A comparison of the scanned row's columns and constants.
    Compare {
        left: KeyPart,
        right: KeyPart,
        op: CmpOp,
    },
}

impl<'a> ScanTests<'a> {
    /// The tests after scan step `k` of `t`: none unless it is the first (a later scan runs
    /// once per row before it, and this would be worked out as often).
    fn of(w: &'a Walk<'a>, scan: &Scan, k: usize, t: &'a Table) -> ScanTests<'a> {
        let mut tests = Vec::new();
        if k != 0 {
            return ScanTests { tests };
        }
        // A scan's checks may compute (and fail on arithmetic) for every row; the tests may drop
        // a row only where the steps before them could not have failed on it.
        let last = if scan.checks.is_empty() {
            w.plan.plan.steps.len()
        } else {
            k + 1
        };
        for j in k + 1..last {
            let Some((_, parts)) = w.plan.first_keyed.iter().find(|(s, _)| *s == j) else {
                break;
            };
            let (rel, want) = match &w.plan.plan.steps[j] {
                Step::Member { rel, .. } => (rel.0, true),
                Step::Absent { rel, .. } => (rel.0, false),
                Step::Compare { op, .. } => {
                    let &[left, right] = &parts[..] else { break };
                    tests.push(ScanTest::Compare {
                        left,
                        right,
                        op: *op,
                    });
                    continue;
                }
                _ => break,
            };
            if let Some(cursor) = &w.cursors[j] {
                tests.push(ScanTest::Sorted {
                    t: &w.view.rels[rel].table,
                    parts,
                    cursor,
                    want,
                });
                continue;
            }
            let at = w.plan.keyset_at[j].load(AtomicOrdering::Relaxed);
            let Some(set) = w.view.rels[rel].keysets.get(at) else {
                break;
            };
            let bit = match (&parts[..], set.bits()) {
                ([KeyPart::Column(c)], Some(bits)) => {
                    t.try_syms(*c).map(|col| ScanTest::Bit { col, bits, want })
                }
                _ => None,
            };
            tests.push(bit.unwrap_or(ScanTest::Keyed { set, parts, want }));
        }
        ScanTests { tests }
    }

    fn is_empty(&self) -> bool {
        self.tests.is_empty()
    }

    /// Of the `n` rows `row(0)`, `row(1)`, … of `t` (at most `TEST_BLOCK`), those passing every
    /// test, as bits from the lowest (`row(0)`).
    #[inline]
    fn block(&self, t: &Table, n: usize, row: impl Fn(usize) -> usize) -> u64 {
        let mut passed = u64::MAX >> (TEST_BLOCK - n);
        for test in &self.tests {
            let mut keep = 0u64;
            for i in 0..n {
                let r = row(i);
                let ok = match *test {
                    ScanTest::Bit { col, bits, want } => {
                        crate::data::has_bit(bits, col[r].0 as usize) == want
                    }
                    ScanTest::Keyed { set, parts, want } => {
                        passed >> i & 1 == 0 || set.has(parts.iter().map(|p| p.value(t, r))) == want
                    }
                    ScanTest::Compare { left, right, op } => {
                        op.holds(left.value(t, r).raw_cmp(&right.value(t, r)))
                    }
                    ScanTest::Sorted {
                        t: other,
                        parts,
                        cursor,
                        want,
                    } => {
                        passed >> i & 1 == 0 || {
                            let (lo, hi) =
                                cursor.rows(other.len(), |o| cmp_parts(other, o, parts, t, r));
                            (lo < hi) == want
                        }
                    }
                };
                keep |= u64::from(ok) << i;
            }
            passed &= keep;
        }
        passed
    }
}

/// How many rows of the first scan ahead `Ahead` asks for the memory a later lookup will read:
/// the index entry this far ahead, and the row it points to half as far.
const ROWS_AHEAD: usize = 16;

/// Look-ahead for a plan's first scan (`Compiled::ahead`). The rows of the first scan come in
/// order, but the symbols they bind send the later lookups to places all over their indexes and
/// relations: each lookup would wait for the memory in turn. Asking for it some rows early lets
/// those waits overlap.
struct Ahead<'a> {
    /// The first scan's table.
    first: &'a Table,
    lookups: Vec<AheadLookup<'a>>,
}

/// One later lookup whose index finds rows by a symbol of the first scan.
struct AheadLookup<'a> {
    /// The first scan's column giving the key.
    keys: &'a [Sym],
    /// The lookup's index: where each symbol's rows start (`SortedIndex::starts`).
    starts: &'a [u32],
    /// The index's order of rows, where it is not the relation's own.
    perm: Option<&'a [u32]>,
    /// The relation looked up, and the first column the lookup reads.
    target: &'a Table,
    col: Option<usize>,
}

impl<'a> Ahead<'a> {
    fn of(w: &Walk<'a>, first: &'a Table) -> Option<Ahead<'a>> {
        let lookups: Vec<AheadLookup> = w
            .plan
            .ahead
            .iter()
            .filter(|(j, _)| w.cursors[*j].is_none())
            .filter_map(|(j, cols)| {
                let Step::Scan(later) = &w.plan.plan.steps[*j] else {
                    return None;
                };
                let rel = w.view.rels[later.rel.0];
                let idx = rel
                    .indexes
                    .get(w.plan.index_at[*j].load(AtomicOrdering::Relaxed))?;
                // A dense index finds a key's rows by the one symbol it is by (`starts`).
                if idx.starts.is_empty() {
                    return None;
                }
                let c = (*cols.get(idx.by)?)?;
                Some(AheadLookup {
                    keys: first.try_syms(c)?,
                    starts: &idx.starts,
                    perm: (!idx.identity).then_some(&idx.perm[..]),
                    target: &rel.table,
                    // With more key columns, a lookup first reads the rows' keys to match them.
                    col: match idx.cols[..] {
                        [_] => later.binds.first().map(|&(c, _)| c),
                        _ => idx.cols.first().copied(),
                    },
                })
            })
            .collect();
        (!lookups.is_empty()).then_some(Ahead { first, lookups })
    }

    /// Asks for what the lookups of row `r + ROWS_AHEAD` and `r + ROWS_AHEAD / 2` will read.
    #[inline(always)]
    fn ask(&self, r: usize) {
        if r + ROWS_AHEAD >= self.first.len() {
            return;
        }
        for l in &self.lookups {
            if let Some(x) = l.starts.get(l.keys[r + ROWS_AHEAD].0 as usize) {
                prefetch(x);
            }
            let Some(&at) = l.starts.get(l.keys[r + ROWS_AHEAD / 2].0 as usize) else {
                continue;
            };
            match (l.perm, l.col) {
                (Some(perm), _) => {
                    if let Some(x) = perm.get(at as usize) {
                        prefetch(x);
                    }
                }
                (None, Some(c)) if (at as usize) < l.target.len() => {
                    l.target.prefetch_cell(at as usize, c)
                }
                _ => {}
            }
        }
    }
}

/// Whether relation `rel` has the key of test step `k`: through the step's key set where one
/// answers it, else `otherwise`. `None` on an arithmetic error in the key.
#[inline(always)]
fn found(
    w: &Walk,
    rel: usize,
    k: usize,
    b: &[Value],
    buf: &mut [Vec<Value>],
    otherwise: impl FnOnce(&Rel, &[Value]) -> bool,
) -> Option<bool> {
    let mut spill = std::mem::take(&mut buf[k]);
    let mut stack = [Value::Num(0); KEY_ON_STACK];
    let found = key_of(&w.plan.terms[k], b, w.rule.index, &mut stack, &mut spill).map(|vals| {
        let rel = w.view.rels[rel];
        if let Some(cursor) = &w.cursors[k] {
            return !cursor.find(&rel.table, vals).is_empty();
        }
        match w.plan.keyset_at[k].load(AtomicOrdering::Relaxed) {
            usize::MAX => otherwise(rel, vals),
            at => rel.keysets[at].contains(vals),
        }
    });
    buf[k] = spill;
    found
}

#[inline(never)]
fn member_step(
    w: &Walk,
    rel: usize,
    out: &mut Out,
    k: usize,
    b: &mut [Value],
    buf: &mut [Vec<Value>],
) {
    if found(w, rel, k, b, buf, Rel::contains) == Some(true) {
        step(w, out, k + 1, b, buf);
    }
}

#[inline(never)]
fn absent_step(
    w: &Walk,
    rel: usize,
    cols: &[usize],
    out: &mut Out,
    k: usize,
    b: &mut [Value],
    buf: &mut [Vec<Value>],
) {
    let at = w.plan.index_at[k].load(AtomicOrdering::Relaxed);
    if found(w, rel, k, b, buf, |r, vals| present(r, cols, at, vals)) == Some(false) {
        step(w, out, k + 1, b, buf);
    }
}

#[inline(never)]
fn compare_step(
    w: &Walk,
    op: CmpOp,
    out: &mut Out,
    k: usize,
    b: &mut [Value],
    buf: &mut [Vec<Value>],
) {
    let ri = w.rule.index;
    let [left, right] = &w.plan.terms[k][..] else {
        unreachable!("a comparison has two sides")
    };
    let (Some(x), Some(y)) = (left.value(b, ri), right.value(b, ri)) else {
        return;
    };
    if op.holds(x.raw_cmp(&y)) {
        step(w, out, k + 1, b, buf);
    }
}

#[inline(never)]
fn let_step(
    w: &Walk,
    var: usize,
    out: &mut Out,
    k: usize,
    b: &mut [Value],
    buf: &mut [Vec<Value>],
) {
    let Some(x) = w.plan.terms[k][0].value(b, w.rule.index) else {
        return;
    };
    b[var] = x;
    step(w, out, k + 1, b, buf);
}

/// For step `k` of `plan`, a negation or membership test that a key set answers best (on a
/// finished relation): the relation and the columns of the key.
fn keyed_test(program: &Checked, plan: &RulePlan, k: usize) -> Option<(usize, Vec<usize>)> {
    let (rel, cols, terms) = match &plan.steps[k] {
        Step::Member { rel, args, .. } => {
            (rel.0, (0..program.relations[rel.0].arity()).collect(), args)
        }
        Step::Absent { rel, cols, key, .. } => (rel.0, cols.clone(), key),
        _ => return None,
    };
    let types = program.relations[rel].types();
    if !keyset::packs(&types, &cols) {
        return None;
    }
    let one_symbol = cols.len() == 1 && types[cols[0]] == Type::Symbol;
    // A test on every column is answered by the duplicate check where no key set does, whose
    // probe reads the row it finds: only a test on some columns has a sorted index to follow.
    let whole_row = cols.len() == types.len();
    (one_symbol || whole_row || !in_scan_order(plan, &cols, terms)).then_some((rel, cols))
}

/// Whether a test on `cols` with values `terms` follows the order of the rows the plan reads
/// first: the rule starts by reading a sorted relation in order, whose first column gives the
/// value tested on the first column of the other, also sorted. Consecutive tests then land near
/// each other in that relation's sorted index (little more than a merge of the two), where a
/// hash set would send each to a random place in memory.
fn in_scan_order(plan: &RulePlan, cols: &[usize], terms: &[CTerm]) -> bool {
    let Some(Step::Scan(first)) = plan.steps.first() else {
        return false;
    };
    !first.delta
        && cols.first() == Some(&0)
        && matches!(terms.first(), Some(CTerm::Var(v))
            if first.binds.iter().any(|&(c, b)| c == 0 && b.0 == *v))
}

/// Whether some row of `rel` agrees with `key` on `cols` (for a negation).
fn present(rel: &Rel, cols: &[usize], at: usize, key: &[Value]) -> bool {
    if cols.len() == rel.table.arity() {
        rel.contains(key)
    } else if cols.is_empty() {
        !rel.table.is_empty()
    } else {
        !rel.lookup(at, key).is_empty()
    }
}

fn emit(
    ctx: &Ctx,
    out: &mut Out,
    rule: &Rule,
    plan: &Compiled,
    b: &[Value],
    buf: &mut [Vec<Value>],
) {
    let distinct = plan.distinct;
    let n = buf.len();
    if let Some(chunk) = &mut out.chunk {
        let (w, head) = buf[n - 2..].split_at_mut(1);
        let head = &mut head[0];
        if !eval_into(&plan.head, b, rule.index, head) {
            return;
        }
        if ctx.limits.witnesses {
            let w = &mut w[0];
            w.clear();
            w.extend(rule.witness.iter().map(|&v| b[v]));
            chunk.add(w, head, distinct);
        } else {
            chunk.add(&[], head, true);
        }
        return;
    }
    if ctx.limits.witnesses {
        if distinct {
            witnesses_of(out, rule).table.push_picked(b, &rule.witness);
        } else {
            let w = &mut buf[n - 2];
            w.clear();
            w.extend(rule.witness.iter().map(|&v| b[v]));
            if !witnesses_of(out, rule).insert(w) {
                return;
            }
        }
    }
    let head = &mut buf[n - 1];
    if !eval_into(&plan.head, b, rule.index, head) {
        // The run fails on an arithmetic error; the placeholder keeps rows and witnesses parallel.
        if let Some(rows) = &mut out.head_rows[rule.index] {
            rows.push(u32::MAX);
        }
        return;
    }
    add_head(ctx, out, rule, head);
}

/// The witness rows of `rule`, one of the component being evaluated.
fn witnesses_of<'o>(out: &'o mut Out, rule: &Rule) -> &'o mut Rel {
    out.witnesses[rule.index]
        .as_mut()
        .expect("a rule of the component being evaluated")
}

/// Adds an instance's head (its witness row is recorded already), and counts it against the
/// run's limits.
///
/// A head equal to the last one added is not added again: the instances a lookup finds for one
/// binding of the head's variables (all the earlier events of one event) share one row, and the
/// duplicates to sort away once the component ends are fewer.
fn add_head(ctx: &Ctx, out: &mut Out, rule: &Rule, head: &[Value]) {
    if let Some(rel) = &mut out.direct[rule.head.rel] {
        // Duplicates are removed, and new facts counted, once the component ends (`settle_direct`).
        let t = &mut rel.table;
        let repeated = !t.is_empty() && t.cmp_prefix(t.len() - 1, head) == Ordering::Equal;
        if !repeated {
            t.push_row(head);
        }
        if let Some(rows) = &mut out.head_rows[rule.index] {
            rows.push(t.len() as u32 - 1);
        }
    } else if head.is_empty() {
        out.pending_nullary[rule.head.rel] = true;
    } else {
        let pending = &mut out.pending[rule.head.rel];
        if !pending.ends_with(head) {
            pending.extend_from_slice(head);
        }
    }
    count_instances(ctx, out, rule, 1);
}

/// Counts `n` more instances of `rule` against the run's limits.
fn count_instances(ctx: &Ctx, out: &mut Out, rule: &Rule, n: usize) {
    out.count += n;
    if out.count - out.flushed >= TOTAL_EVERY {
        out.flush();
    }
    if out.count + out.others > ctx.limits.max_facts && out.error.is_none() {
        out.error = Some(EvalError::TooManyFacts {
            limit: ctx.limits.max_facts,
            relation: ctx.program.relations[rule.head.rel].name.clone(),
        });
    }
    if (out.count - n) / MEMORY_CHECK_EVERY != out.count / MEMORY_CHECK_EVERY
        && out.error.is_none()
        && !crate::engine::budget::check_memory(rule.index)
    {
        if let Some(crate::engine::budget::Trip::Memory { limit, used, .. }) =
            crate::engine::budget::take_trip()
        {
            out.error = Some(EvalError::OutOfMemory {
                limit,
                used,
                relation: ctx.program.relations[rule.head.rel].name.clone(),
            });
        }
    }
}

/// Where one component's time went (`Timing::Component`).
struct ComponentTimes {
    rounds: usize,
    index: Duration,
    commit: Duration,
    rules: Vec<(String, Duration)>,
}

impl ComponentTimes {
    fn new(rules: &[&Rule]) -> ComponentTimes {
        ComponentTimes {
            rounds: 1,
            index: Duration::ZERO,
            commit: Duration::ZERO,
            rules: rules
                .iter()
                .map(|r| (r.id.clone(), Duration::ZERO))
                .collect(),
        }
    }
    fn index(&mut self, f: impl FnOnce()) {
        let t = Instant::now();
        f();
        self.index += t.elapsed();
    }
    fn rule(&mut self, k: usize, f: impl FnOnce()) {
        let t = Instant::now();
        f();
        self.rules[k].1 += t.elapsed();
    }
    fn commit(&mut self, f: impl FnOnce() -> bool) -> bool {
        let t = Instant::now();
        let changed = f();
        self.commit += t.elapsed();
        changed
    }
    fn report(
        self,
        index: usize,
        program: &Checked,
        comp: &[usize],
        obs: &dyn crate::data::progress::Observer,
    ) {
        let relations = comp
            .iter()
            .map(|&r| program.relations[r].name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        obs.timing(crate::data::progress::Timing::Component {
            index,
            relations,
            rounds: self.rounds,
            index_time: self.index,
            commit: self.commit,
            rules: self.rules,
        });
    }
}

/// How often (in facts and instances) a component adds its count to the run's total, for the
/// `max_facts` limit: one shared counter touched at every fact would slow both cores.
const TOTAL_EVERY: usize = 1 << 12;

/// The relations of `comp` and those its rules read, and the indexes other components look rows
/// up by in each relation (`index_needs`): fixed before the run.
struct Needs {
    /// Per component: the components deriving a relation its rules read.
    deps: Vec<Vec<usize>>,
    /// Per component: the relations its rules read and it does not derive.
    reads: Vec<Vec<usize>>,
    /// Per relation: how many components read it (those in `reads`).
    readers: Vec<usize>,
    /// Per relation: whether a component not deriving it tests a whole tuple for membership
    /// (a `Member` step, or a negation of all its columns), which needs its duplicate check.
    probed: Vec<bool>,
    /// Per relation: the columns of every index a component not deriving it reads it by, and
    /// the column the rows of a key are ordered by where a lookup is narrowed (`narrow`).
    indexes: Vec<Vec<(Vec<usize>, Option<usize>)>>,
    /// Per relation: the columns of every key a component not deriving it tests it for (a
    /// negation or membership test, answered by a `KeySet`).
    keysets: Vec<Vec<Vec<usize>>>,
}

fn needs(program: &Checked) -> Needs {
    let n = program.relations.len();
    let mut comp_of = vec![usize::MAX; n];
    for (ci, comp) in program.components.iter().enumerate() {
        for &r in comp {
            comp_of[r] = ci;
        }
    }
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); program.components.len()];
    let mut reads: Vec<Vec<usize>> = vec![Vec::new(); program.components.len()];
    let mut indexes: Vec<Vec<(Vec<usize>, Option<usize>)>> = vec![Vec::new(); n];
    let mut probed = vec![false; n];
    let mut keysets: Vec<Vec<Vec<usize>>> = vec![Vec::new(); n];
    for (ci, comp) in program.components.iter().enumerate() {
        for rule in program.component_rules(comp) {
            let mut plans = vec![RulePlan::full(rule, comp)];
            plans.extend(
                rule.recursive_premises(comp)
                    .into_iter()
                    .map(|p| RulePlan::delta(rule, comp, p)),
            );
            for plan in &plans {
                for (k, st) in plan.steps.iter().enumerate() {
                    let (rel, cols): (usize, Vec<usize>) = match st {
                        Step::Scan(scan) => {
                            (scan.rel.0, scan.key.iter().map(|(c, _)| *c).collect())
                        }
                        Step::Member { rel, .. } => (rel.0, Vec::new()),
                        Step::Absent { rel, cols, .. } => (rel.0, cols.clone()),
                        _ => continue,
                    };
                    if comp.contains(&rel) {
                        continue;
                    }
                    if !reads[ci].contains(&rel) {
                        reads[ci].push(rel);
                    }
                    let d = comp_of[rel];
                    if d != usize::MAX && !deps[ci].contains(&d) {
                        deps[ci].push(d);
                    }
                    let then = Narrowing::of(plan, k).map(|n| n.col);
                    if merge::in_order(program, plan, k, then) {
                        continue;
                    }
                    let arity = program.relations[rel].arity();
                    if let Some((_, tested)) = keyed_test(program, plan, k) {
                        if !keysets[rel].contains(&tested) {
                            keysets[rel].push(tested);
                        }
                        continue;
                    }
                    probed[rel] |= match st {
                        Step::Member { .. } => true,
                        Step::Absent { cols, .. } => cols.len() == arity,
                        _ => false,
                    };
                    // A scan by key, or a negation by part of the columns (all of them: the set).
                    let indexed =
                        !cols.is_empty() && (cols.len() < arity || matches!(st, Step::Scan(_)));
                    if indexed && !indexes[rel].contains(&(cols.clone(), then)) {
                        indexes[rel].push((cols, then));
                    }
                }
            }
        }
    }
    // An index ordering a key's rows by some column serves the lookups by the same key that
    // need no order.
    for idx in &mut indexes {
        let ordered: Vec<Vec<usize>> = idx
            .iter()
            .filter(|(_, then)| then.is_some())
            .map(|(cols, _)| cols.clone())
            .collect();
        idx.retain(|(cols, then)| then.is_some() || !ordered.contains(cols));
    }
    let mut readers = vec![0; n];
    reads.iter().flatten().for_each(|&r| readers[r] += 1);
    Needs {
        deps,
        reads,
        readers,
        probed,
        indexes,
        keysets,
    }
}

/// What the workers of one run share.
struct Run<'a> {
    ctx: Ctx<'a>,
    needs: Needs,
    /// Per relation: its rows, from when the component deriving it has ended (inputs from the
    /// start) until the last component reading it has: then its memory goes back to the
    /// allocator for the components still running.
    done: Vec<Mutex<Option<Arc<Rel>>>>,
    /// Per relation: the components reading it that have not ended.
    readers: Vec<AtomicUsize>,
    /// Per relation derived by rules that also has facts in the rules file: those facts, taken
    /// by its component as its start.
    start: Vec<Mutex<Option<Rel>>>,
    /// Per derived relation: the relation, sorted when it was done, whose table the database
    /// keeps once the run has ended and no component holds it.
    finals: Vec<Mutex<Option<Arc<Rel>>>>,
    /// Per rule: its instances, stored against its head relation's sorted rows.
    instances: Vec<OnceLock<Instances>>,
    empty: Rel,
    total: AtomicUsize,
    schedule: Schedule<'a>,
    /// The first error, by component, and the arithmetic errors the components recorded.
    errors: Mutex<Errors>,
    /// Rules whose chunks idle workers may take (`share`).
    open: Mutex<Vec<Arc<Split<'a>>>>,
}

#[derive(Default)]
struct Errors {
    first: Option<(usize, EvalError)>,
    arith: Vec<crate::rules::arith::ArithError>,
}

/// What a component made, for storing once the components waiting on it have started: its
/// relations, and per rule its witness rows with, where known, the row of each one's head.
struct Made {
    /// The relations, sorted.
    relations: Vec<(usize, Arc<Rel>)>,
    witnesses: Vec<(usize, Table, Option<Vec<u32>>)>,
}

impl<'a> Run<'a> {
    /// Runs component `ci`; an error stops the run. Its relations are handed on first, then
    /// sorted and its instances stored on this thread while later components run.
    fn job(&self, ci: usize) {
        let result = self.component(ci);
        // Arithmetic errors are recorded per thread; the caller's thread gets them all.
        let arith = crate::rules::arith::take_errors();
        let failed = !arith.is_empty();
        let mut e = lock(&self.errors);
        e.arith.extend(arith);
        let made = match result {
            Ok(made) => Some(made),
            Err(err) => {
                if e.first.as_ref().is_none_or(|(c, _)| ci < *c) {
                    e.first = Some((ci, err));
                }
                self.schedule.fail();
                None
            }
        };
        drop(e);
        self.schedule.done(ci);
        if let Some(made) = made {
            self.store(made, failed);
        }
    }

    /// Loads relation `r`'s given rows: an input relation as finished (with the indexes its
    /// readers use), or a derived relation's rules-file facts as its component's start.
    fn load(&self, r: usize, t: &Table) {
        let rel = &self.ctx.program.relations[r];
        let mut loaded = Rel::new(&rel.types());
        if rel.derived {
            loaded.reserve(t.len());
            let mut vals = Vec::with_capacity(t.arity());
            for row in 0..t.len() {
                vals.clear();
                vals.extend((0..t.arity()).map(|c| t.get(row, c)));
                loaded.insert(&vals);
            }
            *lock(&self.start[r]) = Some(loaded);
            return;
        }
        // Loaded tables hold no duplicates: a relation whose tuples are tested whole gets its
        // bitmap or duplicate check from `finish_for_readers`, without a probe per row.
        // Inputs come sorted from the fact reader; any other caller's are sorted here, since
        // lookups by keys in order rely on it (`merge`).
        loaded.table = if t.is_sorted() { t.clone() } else { t.sorted() };
        loaded.sorted = true;
        loaded.finish_for_readers(self.needs.probed[r]);
        for (cols, then) in &self.needs.indexes[r] {
            loaded.index(cols, *then);
        }
        loaded.build_keysets(&self.needs.keysets[r]);
        *lock(&self.done[r]) = Some(Arc::new(loaded));
    }

    /// One fewer component is left to read relation `r`; after the last, it is dropped.
    fn release(&self, r: usize) {
        if self.readers[r].fetch_sub(1, AtomicOrdering::AcqRel) == 1 {
            lock(&self.done[r]).take();
        }
    }

    /// Sorts a component's relations and stores its rules' instances against them (none after
    /// an arithmetic error: the run fails).
    fn store(&self, made: Made, failed: bool) {
        let program = self.ctx.program;
        let mut witnesses = made.witnesses;
        for (r, rel) in made.relations {
            let (mine, rest): (Vec<_>, Vec<_>) = witnesses
                .into_iter()
                .partition(|(ri, _, _)| program.rules[*ri].head.rel == r);
            witnesses = rest;
            // A component without recursion recorded its heads' rows as it sorted its relations
            // (`settle_direct`); a recursive one's instances look their heads up.
            let table = &rel.table;
            let mut looked_up = Vec::new();
            for (ri, full, rows) in mine {
                match rows {
                    _ if failed => self.set_instances(ri, Instances::default()),
                    Some(rows) if rows.iter().all(|&h| h != u32::MAX) => {
                        let rule = &program.rules[ri];
                        let inst = instances::compact_with_head_rows(rule, full, rows);
                        self.set_instances(ri, inst);
                    }
                    _ => looked_up.push((ri, full)),
                }
            }
            let head = instances::Head {
                rel: r,
                table,
                origin: None,
            };
            let found = instances::finish(program, self.ctx.interner, looked_up, &[head], &[]);
            for (ri, inst) in found {
                self.set_instances(ri, inst);
            }
        }
    }

    /// Offers chunks of rule `rule`'s first scan to idle workers (`share`).
    fn share(
        &self,
        rule: usize,
        plan: Arc<Compiled>,
        held: Vec<Option<Arc<Rel>>>,
        delta: Vec<(usize, usize)>,
        rows: usize,
    ) -> Arc<Split<'a>> {
        let split = Arc::new(Split::new(self.ctx, rule, plan, held, delta, rows));
        lock(&self.open).push(Arc::clone(&split));
        self.schedule.offer();
        split
    }

    fn withdraw(&self, split: &Arc<Split<'a>>) {
        lock(&self.open).retain(|s| !Arc::ptr_eq(s, split));
    }

    /// A worker with no component to start evaluates a chunk of a shared rule, if one is open;
    /// true if it did.
    fn help(&self) -> bool {
        let open = lock(&self.open).iter().find(|s| s.has_chunks()).cloned();
        let Some(split) = open else {
            return false;
        };
        split.help();
        // Arithmetic errors are recorded per thread: this one may start no component again.
        let arith = crate::rules::arith::take_errors();
        if !arith.is_empty() {
            lock(&self.errors).arith.extend(arith);
        }
        true
    }

    fn set_instances(&self, rule: usize, inst: Instances) {
        assert!(
            self.instances[rule].set(inst).is_ok(),
            "rule {rule} recorded twice"
        );
    }

    /// Evaluates component `ci` and hands its relations to the components after it.
    fn component(&self, ci: usize) -> Result<Made, EvalError> {
        let program = self.ctx.program;
        let comp = &program.components[ci];
        let rules: Vec<&Rule> = program.component_rules(comp).collect();
        if rules.is_empty() {
            // Input relations: done from the start.
            return Ok(Made {
                relations: Vec::new(),
                witnesses: Vec::new(),
            });
        }
        let n = program.relations.len();
        let mut held: Vec<Option<Arc<Rel>>> = vec![None; n];
        for &r in &self.needs.reads[ci] {
            held[r] = lock(&self.done[r]).clone();
        }
        let mut ev = Evaluator {
            ctx: Ctx {
                program,
                interner: self.ctx.interner,
                limits: self.ctx.limits,
            },
            held,
            empty: &self.empty,
            own: (0..n).map(|_| None).collect(),
            delta: vec![(0, 0); n],
            out: Out {
                witnesses: (0..program.rules.len()).map(|_| None).collect(),
                head_rows: vec![None; program.rules.len()],
                pending: vec![Vec::new(); n],
                direct: (0..n).map(|_| None).collect(),
                spare: Vec::new(),
                pending_nullary: vec![false; n],
                count: 0,
                flushed: 0,
                others: self.total.load(AtomicOrdering::Relaxed),
                total: &self.total,
                error: None,
                chunk: None,
            },
        };
        for &r in comp {
            ev.own[r] = Some(
                lock(&self.start[r])
                    .take()
                    .unwrap_or_else(|| Rel::new(&program.relations[r].types())),
            );
        }
        for rule in &rules {
            ev.out.witnesses[rule.index] = Some(Rel::new(
                &rule
                    .witness
                    .iter()
                    .map(|&v| rule.vars[v].ty)
                    .collect::<Vec<_>>(),
            ));
        }
        let share = (crate::data::parallel::threads() > 1).then_some(self);
        let sorted = evaluate_component(&mut ev, ci, comp, &rules, share);
        ev.held.clear();
        for &r in &self.needs.reads[ci] {
            self.release(r);
        }
        ev.out.flush();
        if let Some(e) = ev.out.error.take() {
            return Err(e);
        }
        let mut relations = Vec::with_capacity(comp.len());
        for &r in comp {
            let mut rel = ev.own[r].take().expect("a component's own relation");
            if !sorted {
                // A recursive component's rows are in the order its rounds found them: sorted
                // now, for the database and for the readers' lookups by keys in order.
                let threads = crate::data::parallel::threads();
                rel.table = rel.table.sorted_with_origin_on(threads).0;
                rel.set = HashTable::new();
                rel.indexes.clear();
            }
            rel.sorted = true;
            for (cols, then) in &self.needs.indexes[r] {
                rel.index(cols, *then);
            }
            rel.build_keysets(&self.needs.keysets[r]);
            rel.finish_for_readers(self.needs.probed[r]);
            let rel = Arc::new(rel);
            if self.needs.readers[r] > 0 {
                *lock(&self.done[r]) = Some(Arc::clone(&rel));
            }
            *lock(&self.finals[r]) = Some(Arc::clone(&rel));
            relations.push((r, rel));
        }
        let witnesses = rules
            .iter()
            .map(|rule| {
                let w = ev.out.witnesses[rule.index]
                    .take()
                    .expect("its witness rows");
                (rule.index, w.table, ev.out.head_rows[rule.index].take())
            })
            .collect();
        Ok(Made {
            relations,
            witnesses,
        })
    }
}

/// Runs a component's rules: once if it does not recurse, else semi-naively to a fixpoint.
/// True if it ran once, its relations left sorted (`settle_direct`).
fn evaluate_component(
    ev: &mut Evaluator,
    ci: usize,
    comp: &[usize],
    rules: &[&Rule],
    run: Option<&Run>,
) -> bool {
    let program = ev.ctx.program;
    let limits = ev.ctx.limits;
    let mut times = ComponentTimes::new(rules);
    let recursive_positions: Vec<Vec<usize>> =
        rules.iter().map(|r| r.recursive_premises(comp)).collect();
    let once = recursive_positions.iter().all(|p| p.is_empty());
    // A rule without a recursive premise runs once even in a recursive component: only its
    // full plan, in the first round.
    let full: Vec<Arc<Compiled>> = rules
        .iter()
        .zip(&recursive_positions)
        .map(|(rule, ps)| ev.compile(RulePlan::full(rule, comp), rule, comp, ps.is_empty()))
        .collect();
    times.index(|| ev.prepare(&full.iter().map(|p| &**p).collect::<Vec<_>>()));
    if once {
        ev.take_direct(comp);
        if limits.witnesses {
            for rule in rules {
                ev.out.head_rows[rule.index] = Some(Vec::new());
            }
        }
    }
    // A rule with a premise on a relation of this component that is still empty (no facts from
    // the rules file) finds nothing in the first round, however much else its plan would scan
    // before reaching that premise.
    let starts_empty: Vec<bool> = rules
        .iter()
        .zip(&recursive_positions)
        .map(|(rule, ps)| {
            ps.iter().any(|&p| match &rule.body[p] {
                CLit::Pos(a) => ev.rel(a.rel).table.is_empty(),
                _ => false,
            })
        })
        .collect();
    if !once {
        ev.lend_own(comp);
    }
    for (k, (rule, plan)) in rules.iter().zip(&full).enumerate() {
        if !starts_empty[k] && !plan.nothing {
            times.rule(k, || ev.run_rule(rule, plan, run));
        }
    }
    if once {
        ev.put_back_direct(comp);
        // The components after this one wait for the sort, and the other worker, done helping
        // with this component's rules, often has nothing else to do: a second thread sorts half.
        let threads = if run.is_some() { 2 } else { 1 };
        times.commit(|| {
            ev.settle_direct(comp, rules, threads);
            false
        });
        ev.forget_duplicates_of(rules);
        times.report(ci, program, comp, limits.observer);
        return true;
    }
    ev.take_back_own(comp);
    let mut changed = times.commit(|| ev.commit(comp));
    let plans: Vec<Vec<Arc<Compiled>>> = rules
        .iter()
        .zip(&recursive_positions)
        .map(|(rule, ps)| {
            ps.iter()
                .map(|&p| ev.compile(RulePlan::delta(rule, comp, p), rule, comp, false))
                .collect()
        })
        .collect();
    let all: Vec<&Compiled> = plans.iter().flatten().map(|p| &**p).collect();
    while changed && ev.out.error.is_none() {
        times.rounds += 1;
        times.index(|| ev.prepare(&all));
        ev.lend_own(comp);
        for (k, (rule, ps)) in rules.iter().zip(&plans).enumerate() {
            for plan in ps.iter().filter(|p| !p.nothing) {
                times.rule(k, || ev.run_rule(rule, plan, run));
            }
        }
        ev.take_back_own(comp);
        changed = times.commit(|| ev.commit(comp));
    }
    ev.forget_duplicates_of(rules);
    times.report(ci, program, comp, limits.observer);
    false
}

/// Evaluates `program` on input tables (one per relation). Symbol constants of the rules must be
/// interned already (see `intern_constants`). Components whose inputs are done run at the same
/// time, one per thread (`crate::data::parallel::threads`); each reads only relations that no
/// longer change, so the result is the same whatever the order. Returns per derived relation its
/// rows sorted, and per rule its instances, both stored by each component as it ends.
pub fn evaluate(
    program: &Checked,
    inputs: &[Table],
    interner: &Interner,
    limits: &Limits,
) -> Result<(Vec<Option<Table>>, Vec<Instances>), EvalError> {
    let n = program.relations.len();
    let needs = needs(program);
    let done: Vec<Mutex<Option<Arc<Rel>>>> = (0..n).map(|_| Mutex::new(None)).collect();
    let start: Vec<Mutex<Option<Rel>>> = (0..n).map(|_| Mutex::new(None)).collect();
    // Input relations and the rules file's facts for derived relations start out as given. Each
    // is loaded (with the indexes components read it by) as a job of the schedule that the
    // components reading it wait for: a component whose inputs are in starts while larger ones
    // still load, instead of every component waiting for the last of them.
    let mut given: Vec<usize> = (0..n)
        .filter(|&r| {
            let rel = &program.relations[r];
            (!rel.derived && needs.readers[r] > 0) || rel.has_rule_facts
        })
        .collect();
    // Among loads equally urgent, the schedule starts the lower job first: the larger relation.
    given.sort_by_key(|&r| std::cmp::Reverse(inputs[r].len()));
    let components = needs.deps.len();
    let mut load_job = vec![None; n];
    for (g, &r) in given.iter().enumerate() {
        load_job[r] = Some(components + g);
    }
    let mut deps = needs.deps.clone();
    for (ci, d) in deps.iter_mut().enumerate() {
        for &r in needs.reads[ci].iter().chain(&program.components[ci]) {
            if let Some(j) = load_job[r].filter(|j| !d.contains(j)) {
                d.push(j);
            }
        }
    }
    deps.extend(given.iter().map(|_| Vec::new()));
    let run = Run {
        ctx: Ctx {
            program,
            interner,
            limits,
        },
        done,
        readers: needs.readers.iter().map(|&k| AtomicUsize::new(k)).collect(),
        start,
        finals: (0..n).map(|_| Mutex::new(None)).collect(),
        instances: (0..program.rules.len()).map(|_| OnceLock::new()).collect(),
        empty: Rel {
            sorted: true,
            ..Rel::new(&[])
        },
        total: AtomicUsize::new(0),
        schedule: Schedule::new(deps.iter().map(|d| d.as_slice()).collect()),
        errors: Mutex::new(Errors::default()),
        open: Mutex::new(Vec::new()),
        needs,
    };
    let threads = crate::data::parallel::threads();
    let t0 = std::time::Instant::now();
    let idle = run.schedule.run(
        threads,
        |j| match j.checked_sub(components) {
            None => run.job(j),
            Some(g) => {
                run.load(given[g], &inputs[given[g]]);
                run.schedule.done(j);
            }
        },
        || run.help(),
    );
    limits.observer.timing(idle.timing(threads, t0.elapsed()));
    let errors = run.errors.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut arith = errors.arith;
    arith.sort_by_key(|e| e.rule);
    crate::rules::arith::record(arith);
    if let Some((_, e)) = errors.first {
        return Err(e);
    }
    // Every component has ended: the relations below have no other holder.
    drop(run.done);
    drop(run.open);
    let derived = program
        .relations
        .iter()
        .zip(run.finals)
        .map(|(r, last)| {
            r.derived.then(
                || match last.into_inner().unwrap_or_else(|e| e.into_inner()) {
                    Some(rel) => {
                        Arc::into_inner(rel)
                            .expect("no component holds a relation after the run")
                            .table
                    }
                    None => Table::new(&r.types()),
                },
            )
        })
        .collect();
    let instances = run
        .instances
        .into_iter()
        .map(|i| i.into_inner().unwrap_or_default())
        .collect();
    Ok((derived, instances))
}

/// Interns every symbol constant of the rules, so evaluation can resolve them without mutation.
pub fn intern_constants(program: &Checked, interner: &mut Interner) {
    fn walk(t: &CTerm, i: &mut Interner) {
        match t {
            CTerm::Const(Const::Sym(s)) => {
                i.intern(s);
            }
            CTerm::Arith(_, a, b) => {
                walk(a, i);
                walk(b, i);
            }
            CTerm::Call(_, args) => args.iter().for_each(|a| walk(a, i)),
            _ => {}
        }
    }
    for r in &program.rules {
        r.head.args.iter().for_each(|t| walk(t, interner));
        for l in &r.body {
            match l {
                CLit::Pos(a) | CLit::Neg(a) => a.args.iter().for_each(|t| walk(t, interner)),
                CLit::Cmp(_, a, b) => {
                    walk(a, interner);
                    walk(b, interner);
                }
                CLit::Assign(_, e) => walk(e, interner),
            }
        }
    }
}
