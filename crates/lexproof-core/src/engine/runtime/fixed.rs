//! Premises a plan can settle before it runs, from relations finished before its component: a
//! scan of a relation with one row whose key is known (the assessment date, a threshold) binds
//! the same values for every row the plan reads, so it is read once and its variables become
//! constants; a comparison of constants, a negation of an empty relation and the like hold or
//! fail once for all. Steps that hold are dropped, so each row of the plan skips them; a step
//! that fails means the plan finds nothing.
//!
//! Only steps whose terms are variables and constants are settled, and a plan is skipped for
//! finding nothing only if none of its steps computes a value: arithmetic can fail with an error
//! the run reports, and settling a step must not change which values the plan computes.

use crate::data::store::Table;
use crate::data::value::{Interner, Value};
use crate::rules::eval::const_lookup;
use lexproof_lang::check::CTerm;
use lexproof_lang::plan::{RulePlan, Step};

/// A plan with the steps settled before it runs taken out.
pub(super) struct Fixed {
    pub(super) plan: RulePlan,
    /// For each step of `plan`, its position in the plan before.
    pub(super) kept: Vec<usize>,
    /// Per variable of the rule, its value where a settled scan binds it.
    pub(super) values: Vec<Option<Value>>,
    /// A settled step fails: the plan finds nothing.
    pub(super) nothing: bool,
}

/// Settles what it can of `plan`, a plan of a rule with `vars` variables. `finished(r)` gives
/// relation `r`'s rows where it is finished before the plan's component runs.
pub(super) fn fix<'t>(
    plan: RulePlan,
    vars: usize,
    finished: impl Fn(usize) -> Option<&'t Table>,
    interner: &Interner,
) -> Fixed {
    let mut values: Vec<Option<Value>> = vec![None; vars];
    let mut kept = Vec::with_capacity(plan.steps.len());
    let mut nothing = false;
    for (k, step) in plan.steps.iter().enumerate() {
        let settled = match step {
            Step::Scan(scan) if !scan.own && !scan.delta => {
                finished(scan.rel.0).and_then(|t| scan_once(scan, t, &mut values, interner))
            }
            Step::Member { rel, args, .. } => finished(rel.0).and_then(|t| {
                let key: Vec<(usize, &CTerm)> = args.iter().enumerate().collect();
                has_row(t, &key, &values, interner)
            }),
            Step::Absent { rel, cols, key, .. } => finished(rel.0).and_then(|t| {
                let key: Vec<(usize, &CTerm)> = cols.iter().copied().zip(key).collect();
                has_row(t, &key, &values, interner).map(|found| !found)
            }),
            Step::Compare {
                op, left, right, ..
            } => match (
                known(left, &values, interner),
                known(right, &values, interner),
            ) {
                (Some(x), Some(y)) => Some(op.holds(x.raw_cmp(&y))),
                _ => None,
            },
            _ => None,
        };
        match settled {
            // The first step stays: the relation a plan starts from decides how its tests are
            // answered (`keyed_test`), and the indexes and key sets were built for that.
            Some(true) if k == 0 => kept.push(k),
            Some(true) => {}
            Some(false) => {
                nothing = true;
                break;
            }
            None => kept.push(k),
        }
    }
    if nothing && plan.steps.iter().any(computes) {
        return Fixed {
            values: vec![None; vars],
            kept: (0..plan.steps.len()).collect(),
            plan,
            nothing: false,
        };
    }
    Fixed {
        plan: RulePlan {
            rule: plan.rule,
            steps: kept.iter().map(|&k| plan.steps[k].clone()).collect(),
        },
        kept,
        values,
        nothing,
    }
}

/// The value of `t` before the plan runs: a constant, or a variable a settled scan binds.
fn known(t: &CTerm, values: &[Option<Value>], interner: &Interner) -> Option<Value> {
    match t {
        CTerm::Var(v) => values[*v],
        CTerm::Const(c) => const_lookup(c, interner),
        _ => None,
    }
}

/// Whether `t` has a row agreeing with `key` (column, term): where it is empty (and no term
/// computes a value), or has one row and every term is known; `None` otherwise. A `_` agrees
/// with any value.
fn has_row(
    t: &Table,
    key: &[(usize, &CTerm)],
    values: &[Option<Value>],
    interner: &Interner,
) -> Option<bool> {
    if t.is_empty() {
        // Nothing to agree with, whatever the key's values.
        return (!key.iter().any(|(_, term)| computed(term))).then_some(false);
    }
    if t.len() > 1 {
        return None;
    }
    let mut agrees = true;
    for &(c, term) in key {
        if matches!(term, CTerm::Wild) {
            continue;
        }
        let x = known(term, values, interner)?;
        agrees &= t.get(0, c) == x;
    }
    Some(agrees)
}

/// Settles a scan of `t`, finished: `Some(false)` if it is empty or its one row does not agree
/// with what is known, `Some(true)` with the row's values bound in `values` if it does.
fn scan_once(
    scan: &lexproof_lang::plan::Scan,
    t: &Table,
    values: &mut [Option<Value>],
    interner: &Interner,
) -> Option<bool> {
    if t.is_empty() {
        return Some(false);
    }
    if t.len() > 1 {
        return None;
    }
    let mut agrees = true;
    for (c, term) in &scan.key {
        agrees &= t.get(0, *c) == known(term, values, interner)?;
    }
    let mut bound = values.to_vec();
    for &(c, v) in &scan.binds {
        bound[v.0] = Some(t.get(0, c));
    }
    for &(c, v) in &scan.same {
        agrees &= Some(t.get(0, c)) == bound[v.0];
    }
    for (c, term) in &scan.checks {
        agrees &= t.get(0, *c) == known(term, &bound, interner)?;
    }
    if agrees {
        values.copy_from_slice(&bound);
    }
    Some(agrees)
}

fn computed(t: &CTerm) -> bool {
    matches!(t, CTerm::Arith(..) | CTerm::Call(..))
}

/// Whether a step computes a value (arithmetic or a built-in), which can fail with an error.
fn computes(step: &Step) -> bool {
    match step {
        Step::Scan(s) => s.key.iter().chain(&s.checks).any(|(_, t)| computed(t)),
        Step::Member { args, .. } => args.iter().any(computed),
        Step::Absent { key, .. } => key.iter().any(computed),
        Step::Compare { left, right, .. } => computed(left) || computed(right),
        Step::Let { .. } => true,
    }
}
