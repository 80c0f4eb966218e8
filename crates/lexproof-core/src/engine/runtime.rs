//! The run-time evaluator: any checked rulebase, evaluated without compiling it. Relations are
//! columnar tables with a hash set for deduplication and sorted permutation indexes for joins
//! (kept up to date by merging, not re-sorting, as a relation grows). Components of the dependency
//! graph are evaluated in order; recursive ones semi-naively, each rule once per recursive premise
//! with that premise restricted to the facts new in the last round. Witnesses are recorded with the
//! same layout as the compiled engine's, so proofs and output are the same.

use crate::data::store::{partition_point, Table};
use crate::data::value::{Interner, Value};
use crate::rules::eval::eval;
use hashbrown::HashTable;
use lexproof_lang::check::{CLit, CTerm, Checked, Const, Rule};
use lexproof_lang::plan::{RulePlan, Scan, Step};
use std::cmp::Ordering;
use std::hash::Hasher;

pub struct Limits {
    /// Stop with an error once derived facts plus recorded rule instances exceed this.
    pub max_facts: usize,
    /// Record every rule instance (the witnesses proofs are built from). Off, evaluation only keeps
    /// the conclusions: less memory and time, no proofs.
    pub witnesses: bool,
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
struct SortedIndex {
    cols: Vec<usize>,
    perm: Vec<u32>,
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

struct Rel {
    table: Table,
    set: HashTable<u32>,
    indexes: Vec<SortedIndex>,
}

impl Rel {
    fn new(types: &[lexproof_lang::ast::Type]) -> Rel {
        Rel {
            table: Table::new(types),
            set: HashTable::new(),
            indexes: Vec::new(),
        }
    }

    fn contains(&self, vals: &[Value]) -> bool {
        let t = &self.table;
        self.set
            .find(hash_values(vals), |&r| {
                t.cmp_prefix(r as usize, vals) == Ordering::Equal
            })
            .is_some()
    }

    /// Adds a row unless present; true if it was new.
    fn insert(&mut self, vals: &[Value]) -> bool {
        if self.contains(vals) {
            return false;
        }
        let row = self.table.len() as u32;
        self.table.push_row(vals);
        let t = &self.table;
        self.set
            .insert_unique(hash_values(vals), row, |&r| hash_row(t, r as usize));
        true
    }

    /// The rows agreeing with `key` on columns `cols`, found through the index on those columns.
    fn matching(&mut self, cols: &[usize], key: &[Value]) -> &[u32] {
        self.index(cols);
        let t = &self.table;
        let idx = self
            .indexes
            .iter()
            .find(|i| i.cols == cols)
            .expect("index just built");
        let cmp = |r: u32| {
            for (&c, v) in cols.iter().zip(key) {
                match t.get(r as usize, c).raw_cmp(v) {
                    Ordering::Equal => continue,
                    o => return o,
                }
            }
            Ordering::Equal
        };
        let lo = partition_point(idx.perm.len(), |i| cmp(idx.perm[i]) == Ordering::Less);
        let hi = partition_point(idx.perm.len(), |i| cmp(idx.perm[i]) != Ordering::Greater);
        &idx.perm[lo..hi.max(lo)]
    }

    /// The index on `cols`, brought up to date by sorting only the rows added since and merging.
    fn index(&mut self, cols: &[usize]) -> &SortedIndex {
        let pos = match self.indexes.iter().position(|i| i.cols == cols) {
            Some(p) => p,
            None => {
                self.indexes.push(SortedIndex {
                    cols: cols.to_vec(),
                    perm: Vec::new(),
                });
                self.indexes.len() - 1
            }
        };
        let t = &self.table;
        let idx = &mut self.indexes[pos];
        let built = idx.perm.len();
        if built < t.len() {
            let mut fresh: Vec<u32> = (built as u32..t.len() as u32).collect();
            fresh.sort_unstable_by(|&a, &b| {
                cmp_cols(t, a as usize, b as usize, cols).then(a.cmp(&b))
            });
            if built == 0 {
                idx.perm = fresh;
            } else {
                let old = std::mem::take(&mut idx.perm);
                let mut merged = Vec::with_capacity(t.len());
                let (mut i, mut j) = (0, 0);
                while i < old.len() && j < fresh.len() {
                    if cmp_cols(t, old[i] as usize, fresh[j] as usize, cols) != Ordering::Greater {
                        merged.push(old[i]);
                        i += 1;
                    } else {
                        merged.push(fresh[j]);
                        j += 1;
                    }
                }
                merged.extend_from_slice(&old[i..]);
                merged.extend_from_slice(&fresh[j..]);
                idx.perm = merged;
            }
        }
        &self.indexes[pos]
    }
}

/// A rule's plan with, per step, the key columns of its scan (empty for other steps), so the
/// index on them is found without building the list at every row.
struct Compiled {
    plan: RulePlan,
    key_cols: Vec<Vec<usize>>,
}

impl Compiled {
    fn new(plan: RulePlan) -> Compiled {
        let key_cols = plan
            .steps
            .iter()
            .map(|s| match s {
                Step::Scan(scan) => scan.key.iter().map(|(c, _)| *c).collect(),
                _ => Vec::new(),
            })
            .collect();
        Compiled { plan, key_cols }
    }
}

/// The state of one evaluation: every relation, every rule's witness rows, the last round's new
/// rows and the heads found this round.
struct Evaluator<'a> {
    program: &'a Checked,
    interner: &'a Interner,
    rels: Vec<Rel>,
    witnesses: Vec<Rel>,
    /// Per relation: the row range that was new in the last round.
    delta: Vec<(usize, usize)>,
    /// Head tuples found this round, flattened, per relation.
    pending: Vec<Vec<Value>>,
    pending_nullary: Vec<bool>,
    count: usize,
    limits: &'a Limits,
    error: Option<EvalError>,
}

impl Evaluator<'_> {
    fn run_rule(&mut self, rule: &Rule, plan: &Compiled) {
        let mut b = vec![Value::Num(0); rule.vars.len()];
        self.step(rule, plan, 0, &mut b);
    }

    fn step(&mut self, rule: &Rule, plan: &Compiled, k: usize, b: &mut Vec<Value>) {
        if self.error.is_some() {
            return;
        }
        let Some(s) = plan.plan.steps.get(k) else {
            self.emit(rule, b);
            return;
        };
        let ri = rule.index;
        match s {
            Step::Scan(scan) => {
                let key_cols = &plan.key_cols[k];
                let Some(keyv) = scan
                    .key
                    .iter()
                    .map(|(_, t)| eval(t, b, self.interner, ri))
                    .collect::<Option<Vec<Value>>>()
                else {
                    return;
                };
                let rel = scan.rel.0;
                let rows = self.rows(scan, key_cols, &keyv);
                'rows: for r in rows {
                    let r = r as usize;
                    {
                        let t = &self.rels[rel].table;
                        for &(c, v) in &scan.binds {
                            b[v.0] = t.get(r, c);
                        }
                        for &(c, v) in &scan.same {
                            if t.get(r, c) != b[v.0] {
                                continue 'rows;
                            }
                        }
                        for (c, term) in &scan.checks {
                            if eval(term, b, self.interner, ri) != Some(t.get(r, *c)) {
                                continue 'rows;
                            }
                        }
                    }
                    self.step(rule, plan, k + 1, b);
                }
            }
            Step::Member { rel, args, .. } => {
                let Some(vals) = args
                    .iter()
                    .map(|t| eval(t, b, self.interner, ri))
                    .collect::<Option<Vec<Value>>>()
                else {
                    return;
                };
                if self.rels[rel.0].contains(&vals) {
                    self.step(rule, plan, k + 1, b);
                }
            }
            Step::Absent { rel, cols, key, .. } => {
                let Some(key) = key
                    .iter()
                    .map(|t| eval(t, b, self.interner, ri))
                    .collect::<Option<Vec<Value>>>()
                else {
                    return;
                };
                let present = self.present(rel.0, cols, &key);
                if !present {
                    self.step(rule, plan, k + 1, b);
                }
            }
            Step::Compare {
                op, left, right, ..
            } => {
                let (Some(x), Some(y)) = (
                    eval(left, b, self.interner, ri),
                    eval(right, b, self.interner, ri),
                ) else {
                    return;
                };
                if op.holds(x.raw_cmp(&y)) {
                    self.step(rule, plan, k + 1, b);
                }
            }
            Step::Let { var, expr, .. } => {
                let Some(x) = eval(expr, b, self.interner, ri) else {
                    return;
                };
                b[var.0] = x;
                self.step(rule, plan, k + 1, b);
            }
        }
    }

    /// The rows of a scan's relation that agree with its key: the last round's new rows for a
    /// delta scan, else all rows or those an index on the key columns finds.
    fn rows(&mut self, scan: &Scan, key_cols: &[usize], keyv: &[Value]) -> Vec<u32> {
        let rel = scan.rel.0;
        if scan.delta {
            let (lo, hi) = self.delta[rel];
            let t = &self.rels[rel].table;
            (lo..hi)
                .filter(|&r| key_cols.iter().zip(keyv).all(|(&c, v)| t.get(r, c) == *v))
                .map(|r| r as u32)
                .collect()
        } else if key_cols.is_empty() {
            (0..self.rels[rel].table.len() as u32).collect()
        } else {
            self.rels[rel].matching(key_cols, keyv).to_vec()
        }
    }

    /// Whether some row of `rel` agrees with `key` on `cols` (for a negation).
    fn present(&mut self, rel: usize, cols: &[usize], key: &[Value]) -> bool {
        let rel_state = &mut self.rels[rel];
        if cols.len() == rel_state.table.arity() {
            rel_state.contains(key)
        } else if cols.is_empty() {
            !rel_state.table.is_empty()
        } else {
            !rel_state.matching(cols, key).is_empty()
        }
    }

    fn emit(&mut self, rule: &Rule, b: &[Value]) {
        if self.limits.witnesses {
            let w: Vec<Value> = rule.witness.iter().map(|&v| b[v]).collect();
            if !self.witnesses[rule.index].insert(&w) {
                return;
            }
        }
        let Some(head) = rule
            .head
            .args
            .iter()
            .map(|t| eval(t, b, self.interner, rule.index))
            .collect::<Option<Vec<Value>>>()
        else {
            return;
        };
        self.pending[rule.head.rel].extend_from_slice(&head);
        if head.is_empty() {
            self.pending_nullary[rule.head.rel] = true;
        }
        self.count += 1;
        crate::engine::budget::note(rule.index);
        if self.count > self.limits.max_facts && self.error.is_none() {
            self.error = Some(EvalError::TooManyFacts {
                limit: self.limits.max_facts,
                relation: self.program.relations[rule.head.rel].name.clone(),
            });
        }
        if self.count.is_multiple_of(MEMORY_CHECK_EVERY)
            && self.error.is_none()
            && !crate::engine::budget::check_memory(rule.index)
        {
            if let Some(crate::engine::budget::Trip::Memory { limit, used, .. }) =
                crate::engine::budget::take_trip()
            {
                self.error = Some(EvalError::OutOfMemory {
                    limit,
                    used,
                    relation: self.program.relations[rule.head.rel].name.clone(),
                });
            }
        }
    }

    /// Moves pending head tuples into their relations; returns whether anything was new.
    /// Frees the duplicate checks of these rules' witness relations once their component is done:
    /// nothing adds to them any more, and nothing reads them until the run ends (a hash table of
    /// row ids per rule, a few bytes per instance).
    fn forget_duplicates_of(&mut self, rules: &[&Rule]) {
        for rule in rules {
            self.witnesses[rule.index].set = HashTable::new();
        }
    }

    fn commit(&mut self, rels: &[usize]) -> bool {
        let mut any = false;
        for &r in rels {
            let arity = self.program.relations[r].arity();
            let start = self.rels[r].table.len();
            let pending = std::mem::take(&mut self.pending[r]);
            if arity == 0 {
                // A nullary relation holds or not: one empty tuple.
                if self.pending_nullary[r] && self.rels[r].insert(&[]) {
                    self.count += 1;
                }
                self.pending_nullary[r] = false;
            }
            for row in pending.chunks(arity.max(1)) {
                if arity > 0 && self.rels[r].insert(row) {
                    self.count += 1;
                }
            }
            let end = self.rels[r].table.len();
            self.delta[r] = (start, end);
            any |= end > start;
        }
        any
    }
}

/// Evaluates `program` on input tables (one per relation). Symbol constants of the rules must be
/// interned already (see `intern_constants`).
pub fn evaluate(
    program: &Checked,
    inputs: &[Table],
    interner: &Interner,
    limits: &Limits,
) -> Result<(Vec<Option<Table>>, Vec<Table>), EvalError> {
    let mut rels: Vec<Rel> = program
        .relations
        .iter()
        .map(|r| Rel::new(&r.types()))
        .collect();
    for (r, rel) in program.relations.iter().enumerate() {
        // Input relations and the rules file's facts for derived relations start out as given.
        if !rel.derived || rel.has_rule_facts {
            let t = &inputs[r];
            for row in 0..t.len() {
                rels[r].insert(&t.row(row));
            }
        }
    }
    let witnesses: Vec<Rel> = program
        .rules
        .iter()
        .map(|rule| {
            Rel::new(
                &rule
                    .witness
                    .iter()
                    .map(|&v| rule.vars[v].ty)
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let n = program.relations.len();
    let mut ev = Evaluator {
        program,
        interner,
        rels,
        witnesses,
        delta: vec![(0, 0); n],
        pending: vec![Vec::new(); n],
        pending_nullary: vec![false; n],
        count: 0,
        limits,
        error: None,
    };
    for comp in &program.components {
        let rules: Vec<&Rule> = program.component_rules(comp).collect();
        if rules.is_empty() {
            continue;
        }
        let recursive_positions: Vec<Vec<usize>> =
            rules.iter().map(|r| r.recursive_premises(comp)).collect();
        for rule in &rules {
            ev.run_rule(rule, &Compiled::new(RulePlan::full(rule, comp)));
        }
        let mut changed = ev.commit(comp);
        if recursive_positions.iter().all(|p| p.is_empty()) {
            ev.forget_duplicates_of(&rules);
            continue;
        }
        let plans: Vec<Vec<Compiled>> = rules
            .iter()
            .zip(&recursive_positions)
            .map(|(rule, ps)| {
                ps.iter()
                    .map(|&p| Compiled::new(RulePlan::delta(rule, comp, p)))
                    .collect()
            })
            .collect();
        while changed && ev.error.is_none() {
            for (rule, ps) in rules.iter().zip(&plans) {
                for plan in ps {
                    ev.run_rule(rule, plan);
                }
            }
            changed = ev.commit(comp);
        }
        ev.forget_duplicates_of(&rules);
    }
    if let Some(e) = ev.error {
        return Err(e);
    }
    let derived = program
        .relations
        .iter()
        .zip(ev.rels)
        .map(|(r, rel)| r.derived.then_some(rel.table))
        .collect();
    let witnesses = ev.witnesses.into_iter().map(|w| w.table).collect();
    Ok((derived, witnesses))
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
