//! Lookups narrowed by the comparison after them. A rule like "an event is not the first if
//! another event of the same model is dated earlier" looks up a model's events, then keeps those
//! before the date in hand: read in the order of the compared column, the rows kept are one
//! contiguous part of those found, and two binary searches find it. The rows outside it are never
//! visited, and the rows inside skip the comparison.

use super::Found;
use crate::data::store::{partition_point, Table};
use crate::data::value::Value;
use lexproof_lang::ast::CmpOp;
use lexproof_lang::check::CTerm;
use lexproof_lang::plan::{RulePlan, Step};
use std::cmp::Ordering;

/// A lookup at some step followed by a comparison of a column it binds with a value known before
/// it: the rows found, ordered by that column, are narrowed to those the comparison keeps.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Narrowing {
    /// The column compared: the lookup's index orders each key's rows by it.
    pub(super) col: usize,
    /// The comparison, with the column on its left.
    pub(super) op: CmpOp,
    /// Which side of the comparison step is the value known before the lookup (0 or 1).
    pub(super) other: usize,
}

impl Narrowing {
    /// The narrowing of the lookup at step `k` of `plan` by the comparison at `k + 1`, where
    /// there is one: not for a plan's first step (chunks of its rows are shared between
    /// threads), a scan that computes values for its checks (a row it drops would not be checked,
    /// and a failing check is an error), a comparison with a computed value (it would be computed
    /// before the lookup, even where nothing is found) or `!=` (two parts, not one).
    pub(super) fn of(plan: &RulePlan, k: usize) -> Option<Narrowing> {
        let Some(Step::Scan(scan)) = plan.steps.get(k) else {
            return None;
        };
        let Some(Step::Compare {
            op, left, right, ..
        }) = plan.steps.get(k + 1)
        else {
            return None;
        };
        if k == 0 || scan.delta || scan.key.is_empty() || !scan.checks.is_empty() {
            return None;
        }
        let bound_here = |t: &CTerm| match t {
            CTerm::Var(v) => scan.binds.iter().find(|(_, b)| b.0 == *v).map(|&(c, _)| c),
            _ => None,
        };
        let known_before = |t: &CTerm| match t {
            CTerm::Var(v) => !scan.binds.iter().any(|(_, b)| b.0 == *v),
            CTerm::Const(_) => true,
            _ => false,
        };
        let (col, op, other) = match (bound_here(left), bound_here(right)) {
            (Some(c), None) if known_before(right) => (c, *op, 1),
            (None, Some(c)) if known_before(left) => (c, flipped(*op), 0),
            _ => return None,
        };
        (op != CmpOp::Ne).then_some(Narrowing { col, op, other })
    }

    /// Of the rows `found` in `t`, ordered by the compared column, those whose value in it
    /// compares to `value` as the comparison asks.
    pub(super) fn narrow<'f>(&self, found: Found<'f>, t: &Table, value: Value) -> Found<'f> {
        let n = found.len();
        let row = |i: usize| match &found {
            Found::Range(r) => r.start as usize + i,
            Found::Ids(ids) => ids.as_slice()[i] as usize,
        };
        let before = |strict: bool| {
            partition_point(n, |i| match t.get(row(i), self.col).raw_cmp(&value) {
                Ordering::Less => true,
                Ordering::Equal => !strict,
                Ordering::Greater => false,
            })
        };
        let part = match self.op {
            CmpOp::Lt => (0, before(true)),
            CmpOp::Le => (0, before(false)),
            CmpOp::Gt => (before(false), n),
            CmpOp::Ge => (before(true), n),
            CmpOp::Eq => (before(true), before(false)),
            CmpOp::Ne => (0, n),
        };
        found.window(part)
    }
}

/// `op` with its sides swapped: `a op b` is `b flipped(op) a`.
fn flipped(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        CmpOp::Eq | CmpOp::Ne => op,
    }
}
