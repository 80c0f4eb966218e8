//! One rule's work on several cores. A rule whose plan starts by scanning a large relation, or the
//! rows the last round of a recursive component added, offers those rows in chunks
//! (`Schedule::offer`); a worker with no component to start takes chunks and evaluates them into a
//! `Chunk` of heads and witness rows, which the component's own thread adds to its relations as it
//! goes on with the other chunks. What a run derives does not depend on who evaluated which chunk:
//! a component's relations are sorted, and its instances stored in order, once it ends.

use super::term::Term;
use super::{scratch, step, Compiled, Ctx, Out, Rel, View, Walk};
use crate::data::store::Table;
use crate::data::value::Value;
use crate::engine::chunks::chunk_rows;
use crate::engine::schedule::lock;
use lexproof_lang::check::Rule;
use lexproof_lang::plan::Step;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// Chunks helpers have evaluated in this process.
static HELPED: AtomicUsize = AtomicUsize::new(0);

/// How many chunks workers have evaluated for other components in this process (for tests).
pub fn chunks_helped() -> usize {
    HELPED.load(Ordering::Relaxed)
}

/// The rows a plan scans first, where it scans a whole relation, the last round's new rows of
/// one, or the rows of one a lookup by constants finds (a rule on one duty, say).
pub(super) fn first_scan_rows(
    plan: &Compiled,
    rels: &[&Rel],
    delta: &[(usize, usize)],
) -> Option<usize> {
    match plan.plan.steps.first() {
        Some(Step::Scan(scan)) if scan.delta => {
            let (lo, hi) = delta[scan.rel.0];
            Some(hi - lo)
        }
        Some(Step::Scan(scan)) if scan.key.is_empty() => Some(rels[scan.rel.0].table.len()),
        Some(Step::Scan(scan)) => {
            let key = plan.terms[0][..scan.key.len()]
                .iter()
                .map(|t| match t {
                    Term::Val(v) => Some(*v),
                    _ => None,
                })
                .collect::<Option<Vec<Value>>>()?;
            let at = plan.index_at[0].load(Ordering::Relaxed);
            let rel = rels[scan.rel.0];
            (at < rel.indexes.len()).then(|| rel.lookup(at, &key).len())
        }
        _ => None,
    }
}

pub(super) use crate::engine::chunks::worth_sharing;

/// The instances a helper found in one chunk: per instance its witness row when witnesses are
/// recorded, and the row of its head in `heads` (as `add_head` does, a head equal to the last is
/// not added again).
pub(super) struct Chunk {
    pub(super) witnesses: Rel,
    pub(super) heads: Table,
    pub(super) head_of: Vec<u32>,
}

impl Chunk {
    /// Records an instance, unless its witness row is already in this chunk (`distinct`: it
    /// cannot be).
    pub(super) fn add(&mut self, witness: &[Value], head: &[Value], distinct: bool) {
        let recorded = !witness.is_empty() || self.witnesses.table.arity() > 0;
        if recorded && !self.witnesses.add_witness(witness, distinct) {
            return;
        }
        let t = &mut self.heads;
        if t.is_empty() || t.cmp_prefix(t.len() - 1, head) != std::cmp::Ordering::Equal {
            t.push_row(head);
        }
        self.head_of.push(t.len() as u32 - 1);
    }
}

/// A rule's first scan cut into chunks, open to idle workers while the component's thread
/// works through them too.
pub(super) struct Split<'a> {
    ctx: Ctx<'a>,
    rule: &'a Rule,
    plan: Arc<Compiled>,
    /// The relations the rule reads, none changing while the split is open (those of a recursive
    /// component are lent for the round).
    held: Vec<Option<Arc<Rel>>>,
    /// Per relation: the rows new in the last round (the component's `Evaluator::delta`).
    delta: Vec<(usize, usize)>,
    rows: usize,
    chunk: usize,
    chunks: usize,
    state: Mutex<State>,
    /// Signalled when a helper hands a chunk back.
    returned: Condvar,
}

/// A chunk a helper is evaluating: handed back (if done) and counted as returned when dropped.
struct HandBack<'s, 'a>(&'s Split<'a>, Option<Chunk>);

impl Drop for HandBack<'_, '_> {
    fn drop(&mut self) {
        let mut s = lock(&self.0.state);
        s.running -= 1;
        s.found.extend(self.1.take());
        drop(s);
        self.0.returned.notify_all();
    }
}

#[derive(Default)]
struct State {
    /// The next chunk to take.
    next: usize,
    /// Chunks helpers are evaluating.
    running: usize,
    /// Chunks helpers have evaluated, not yet added.
    found: Vec<Chunk>,
}

impl<'a> Split<'a> {
    pub(super) fn new(
        ctx: Ctx<'a>,
        rule: usize,
        plan: Arc<Compiled>,
        held: Vec<Option<Arc<Rel>>>,
        delta: Vec<(usize, usize)>,
        rows: usize,
    ) -> Split<'a> {
        let chunk = chunk_rows();
        Split {
            rule: &ctx.program.rules[rule],
            ctx,
            plan,
            held,
            delta,
            rows,
            chunk,
            chunks: rows.div_ceil(chunk),
            state: Mutex::new(State::default()),
            returned: Condvar::new(),
        }
    }

    fn range(&self, chunk: usize) -> (usize, usize) {
        let lo = chunk * self.chunk;
        (lo, (lo + self.chunk).min(self.rows))
    }

    pub(super) fn has_chunks(&self) -> bool {
        lock(&self.state).next < self.chunks
    }

    /// For the component's thread: the next chunk to evaluate, if any is left, and the chunks
    /// helpers have handed back since. Waits while neither is there but helpers still work;
    /// `(None, [])` once every chunk is evaluated and handed back.
    pub(super) fn owner_turn(&self) -> (Option<(usize, usize)>, Vec<Chunk>) {
        let mut s = lock(&self.state);
        loop {
            let found = std::mem::take(&mut s.found);
            if s.next < self.chunks {
                s.next += 1;
                return (Some(self.range(s.next - 1)), found);
            }
            if !found.is_empty() || s.running == 0 {
                return (None, found);
            }
            s = self.returned.wait(s).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// For an idle worker: evaluates the next chunk, if one is left, and hands it back.
    pub(super) fn help(&self) {
        let range = {
            let mut s = lock(&self.state);
            if s.next >= self.chunks {
                return;
            }
            s.next += 1;
            s.running += 1;
            self.range(s.next - 1)
        };
        // Hands the chunk back even if evaluating it panics, so the component's thread never
        // waits for it forever (the panic then ends the run).
        let mut handing = HandBack(self, None);
        handing.1 = Some(self.evaluate(range));
        HELPED.fetch_add(1, Ordering::Relaxed);
    }

    fn evaluate(&self, first: (usize, usize)) -> Chunk {
        let program = self.ctx.program;
        let rule = self.rule;
        crate::engine::budget::note(rule.index);
        let empty = Rel::new(&[]);
        let rels: Vec<&Rel> = self
            .held
            .iter()
            .map(|h| h.as_deref().unwrap_or(&empty))
            .collect();
        let view = View {
            rels: &rels,
            delta: &self.delta,
            first,
        };
        let witness_types: Vec<_> = if self.ctx.limits.witnesses {
            rule.witness.iter().map(|&v| rule.vars[v].ty).collect()
        } else {
            Vec::new()
        };
        let total = AtomicUsize::new(0);
        let mut out = Out {
            witnesses: Vec::new(),
            head_rows: Vec::new(),
            pending: Vec::new(),
            direct: Vec::new(),
            spare: Vec::new(),
            pending_nullary: Vec::new(),
            count: 0,
            flushed: 0,
            others: 0,
            total: &total,
            error: None,
            chunk: Some(Chunk {
                witnesses: Rel::new(&witness_types),
                heads: Table::new(&program.relations[rule.head.rel].types()),
                head_of: Vec::new(),
            }),
        };
        let mut b = self.plan.bindings(rule.vars.len());
        let mut buf = scratch(&self.plan);
        let walk = Walk {
            ctx: &self.ctx,
            view: &view,
            rule,
            plan: &self.plan,
            cursors: self.plan.cursors(&rels),
        };
        step(&walk, &mut out, 0, &mut b, &mut buf);
        out.chunk.take().expect("the chunk evaluated")
    }
}

/// Adds a helper's chunk to the component's relations and witness rows, as `emit` adds an
/// instance found on the component's own thread; `vals` are buffers for a witness and a head.
pub(super) fn add_chunk(
    ctx: &Ctx,
    out: &mut Out,
    rule: &Rule,
    distinct: bool,
    chunk: Chunk,
    vals: &mut (Vec<Value>, Vec<Value>),
) {
    if out.error.is_some() {
        return;
    }
    if distinct && out.direct[rule.head.rel].is_some() {
        // Every instance is new and its head goes straight in: the chunk's rows are appended
        // whole, column by column.
        if ctx.limits.witnesses {
            super::witnesses_of(out, rule)
                .table
                .append(&chunk.witnesses.table);
        }
        let rel = out.direct[rule.head.rel]
            .as_mut()
            .expect("checked just above");
        let first = rel.table.len() as u32;
        if let Some(rows) = &mut out.head_rows[rule.index] {
            rows.extend(chunk.head_of.iter().map(|&h| first + h));
        }
        rel.table.append(&chunk.heads);
        super::count_instances(ctx, out, rule, chunk.head_of.len());
        return;
    }
    let (w, head) = vals;
    let row_into = |t: &Table, r: usize, v: &mut Vec<Value>| {
        v.clear();
        v.extend((0..t.arity()).map(|c| t.get(r, c)));
    };
    for (r, &h) in chunk.head_of.iter().enumerate() {
        if out.error.is_some() {
            return;
        }
        if ctx.limits.witnesses {
            row_into(&chunk.witnesses.table, r, w);
            if !super::witnesses_of(out, rule).add_witness(w, distinct) {
                continue;
            }
        }
        row_into(&chunk.heads, h as usize, head);
        super::add_head(ctx, out, rule, head);
    }
}
