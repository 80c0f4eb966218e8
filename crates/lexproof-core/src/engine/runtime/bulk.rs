//! Instances added a scan at a time. Where a plan's last step is a scan whose rows need no
//! further test (a lookup, or a scan of a whole relation and the tests on a block of its rows),
//! every row it finds is an instance: its witness is the variables bound so far beside the row's
//! own columns, and its head often does not depend on the row at all (all the earlier events of
//! one event). The rows' columns are then copied into the witnesses as slices, and a head that
//! is the same for all of them is added once, instead of binding, emitting and pushing row by
//! row. A head may compute a value that cannot fail (the later of two dates), from the row and
//! what was bound before it.

use super::{count_instances, Out, Term, Walk};
use crate::data::store::{Picked, Table};
use crate::data::value::Value;
use lexproof_lang::ast::Builtin;
use lexproof_lang::check::Rule;
use lexproof_lang::plan::Scan;
use std::cmp::Ordering;

/// Where one value of an instance comes from.
#[derive(Clone, Copy)]
enum Source {
    /// A column of the row the lookup found.
    Column(usize),
    /// A variable bound before the lookup.
    Bound(usize),
    Constant(Value),
    /// The head's argument at this position, computed for each row (`infallible`).
    Computed(usize),
}

impl Source {
    /// The cells of this value for the `rows` of `t` found, appended to column `col` of `to`.
    fn extend(self, to: &mut Table, col: usize, t: &Table, rows: &Picked, b: &[Value]) {
        match self {
            Source::Column(c) => to.extend_picked(col, t, c, rows),
            Source::Bound(v) => to.extend_repeated(col, b[v], rows.len()),
            Source::Constant(x) => to.extend_repeated(col, x, rows.len()),
            Source::Computed(_) => unreachable!("a computed head is added row by row"),
        }
    }

    fn value(self, b: &[Value]) -> Option<Value> {
        match self {
            Source::Column(_) | Source::Computed(_) => None,
            Source::Bound(v) => Some(b[v]),
            Source::Constant(x) => Some(x),
        }
    }
}

/// Whether `t` always has a value: variables, constants, and the later or earlier of two such
/// (dates, as the rules' types guarantee).
fn infallible(t: &Term) -> bool {
    match t {
        Term::Var(_) | Term::Val(_) => true,
        Term::Call(Builtin::Latest | Builtin::Earliest, args) => args.iter().all(infallible),
        _ => false,
    }
}

/// The value of `t` (`infallible`) for row `r` of `t`'s scan: a variable the row binds
/// (`binds`: column, variable) read from it, any other from `b`.
fn row_value(term: &Term, b: &[Value], t: &Table, r: usize, binds: &[(usize, usize)]) -> Value {
    match term {
        Term::Var(v) => match binds.iter().find(|&&(_, w)| w == *v) {
            Some(&(c, _)) => t.get(r, c),
            None => b[*v],
        },
        Term::Val(x) => *x,
        Term::Call(f, args) => {
            let x = row_value(&args[0], b, t, r, binds);
            let y = row_value(&args[1], b, t, r, binds);
            match (f, x, y) {
                (Builtin::Latest, Value::Date(x), Value::Date(y)) => Value::Date(x.max(y)),
                (Builtin::Earliest, Value::Date(x), Value::Date(y)) => Value::Date(x.min(y)),
                _ => unreachable!("only the later or earlier of two dates is computed here"),
            }
        }
        _ => unreachable!("only infallible terms are computed here"),
    }
}

/// How the rows of a plan's last lookup become instances.
pub(super) struct Bulk {
    /// Per variable of the witness.
    witness: Vec<Source>,
    /// Per argument of the head.
    head: Vec<Source>,
    /// No argument of the head is a column of the rows found: one head for all of them.
    one_head: bool,
    /// The variables the scan binds, with their columns (for `Source::Computed`).
    binds: Vec<(usize, usize)>,
}

impl Bulk {
    /// For `scan`, a lookup after which the plan emits, with the head's terms: where each row it
    /// finds is an instance (it binds only fresh variables, no check drops a row) and the head
    /// computes nothing that could fail.
    pub(super) fn of(scan: &Scan, rule: &Rule, head: &[Term]) -> Option<Bulk> {
        if scan.delta || !scan.same.is_empty() || !scan.checks.is_empty() {
            return None;
        }
        let source = |v: usize| match scan.binds.iter().find(|(_, b)| b.0 == v) {
            Some(&(c, _)) => Source::Column(c),
            None => Source::Bound(v),
        };
        let head: Vec<Source> = head
            .iter()
            .enumerate()
            .map(|(i, t)| match t {
                Term::Var(v) => Some(source(*v)),
                Term::Val(x) => Some(Source::Constant(*x)),
                t => infallible(t).then_some(Source::Computed(i)),
            })
            .collect::<Option<_>>()?;
        Some(Bulk {
            witness: rule.witness.iter().map(|&v| source(v)).collect(),
            one_head: !head
                .iter()
                .any(|s| matches!(s, Source::Column(_) | Source::Computed(_))),
            head,
            binds: scan.binds.iter().map(|&(c, v)| (c, v.0)).collect(),
        })
    }

    /// Whether instances can be added at once: where witnesses need no duplicate check.
    /// Otherwise the rows go through the plan one by one.
    pub(super) fn usable(&self, w: &Walk) -> bool {
        w.plan.distinct || !w.ctx.limits.witnesses
    }

    /// Adds the instances of `rows` of `t`, found under bindings `b` (where `usable`): to a
    /// helper's chunk, straight into the head's relation, or to the heads the round has found.
    /// `head` is a buffer for one head.
    pub(super) fn add(
        &self,
        w: &Walk,
        out: &mut Out,
        t: &Table,
        rows: Picked,
        b: &[Value],
        head: &mut Vec<Value>,
    ) {
        let n = rows.len();
        if n == 0 || out.error.is_some() {
            return;
        }
        let (ctx, rule) = (w.ctx, w.rule);
        if ctx.limits.witnesses {
            let witnesses = match &mut out.chunk {
                Some(chunk) => &mut chunk.witnesses.table,
                None => {
                    &mut out.witnesses[rule.index]
                        .as_mut()
                        .expect("a rule of the component being evaluated")
                        .table
                }
            };
            for (col, s) in self.witness.iter().enumerate() {
                s.extend(witnesses, col, t, &rows, b);
            }
            witnesses.grew(n);
        }
        if self.one_head {
            head.clear();
            head.extend(self.head.iter().filter_map(|s| s.value(b)));
        }
        let rel = rule.head.rel;
        // A helper's `Out` has only its chunk.
        let (heads, head_rows) = if let Some(chunk) = &mut out.chunk {
            (&mut chunk.heads, Some(&mut chunk.head_of))
        } else if let Some(direct) = &mut out.direct[rel] {
            (&mut direct.table, out.head_rows[rule.index].as_mut())
        } else {
            self.pend(w, &mut out.pending[rel], t, &rows, b, head);
            out.pending_nullary[rel] |= self.head.is_empty();
            count_instances(ctx, out, rule, n);
            return;
        };
        let first = if self.one_head {
            let last = heads.len().checked_sub(1);
            if last.is_none_or(|r| heads.cmp_prefix(r, head) != Ordering::Equal) {
                heads.push_row(head);
            }
            heads.len() - 1
        } else {
            let first = heads.len();
            for (col, s) in self.head.iter().enumerate() {
                match *s {
                    Source::Computed(i) => {
                        let term = &w.plan.head[i];
                        let value = |r: usize| row_value(term, b, t, r, &self.binds);
                        match &rows {
                            Picked::Range(r) => heads.extend_values(col, r.clone().map(value)),
                            Picked::Ids(ids) => {
                                heads.extend_values(col, ids.iter().map(|&r| value(r as usize)))
                            }
                        }
                    }
                    _ => s.extend(heads, col, t, &rows, b),
                }
            }
            heads.grew(n);
            first
        };
        if let Some(head_rows) = head_rows {
            let first = first as u32;
            match self.one_head {
                true => head_rows.resize(head_rows.len() + n, first),
                false => head_rows.extend(first..first + n as u32),
            }
        }
        // A helper's instances are counted as its chunk is added (`share::add_chunk`).
        if out.chunk.is_none() {
            count_instances(ctx, out, rule, n);
        }
    }

    /// Appends the heads of `rows` to `pending`, a round's heads one after another (`one_head`:
    /// `head`, unless it is the last one there already).
    fn pend(
        &self,
        w: &Walk,
        pending: &mut Vec<Value>,
        t: &Table,
        rows: &Picked,
        b: &[Value],
        head: &[Value],
    ) {
        if self.one_head {
            if !pending.ends_with(head) {
                pending.extend_from_slice(head);
            }
            return;
        }
        let mut row = |r: usize| {
            pending.extend(self.head.iter().map(|s| match *s {
                Source::Column(c) => t.get(r, c),
                Source::Bound(v) => b[v],
                Source::Constant(x) => x,
                Source::Computed(i) => row_value(&w.plan.head[i], b, t, r, &self.binds),
            }))
        };
        match rows {
            Picked::Range(r) => r.clone().for_each(row),
            Picked::Ids(ids) => ids.iter().for_each(|&r| row(r as usize)),
        }
    }
}
