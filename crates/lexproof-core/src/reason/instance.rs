//! A recorded rule instance as the reasoners read it: its ground positive premises, and the order
//! that picks one among instances of equal height, so that a proof, the authority behind a
//! conclusion and a timeline's source always name the same instance.

use crate::data::value::Value;
use crate::db::Database;
use crate::rules::eval::eval;
use lexproof_lang::check::{CLit, Rule};
use std::cmp::Ordering;

/// The positive premises of a rule instance, in body order.
pub fn premises(db: &Database, rule: &Rule, bindings: &[Value]) -> Vec<(usize, Vec<Value>)> {
    rule.body
        .iter()
        .filter_map(|l| match l {
            CLit::Pos(a) => a
                .args
                .iter()
                .map(|t| eval(t, bindings, &db.interner, rule.index))
                .collect::<Option<Vec<Value>>>()
                .map(|v| (a.rel, v)),
            _ => None,
        })
        .collect()
}

/// Orders two instances `(rule, row)` of equal height: rule order, then premise values in display
/// order, then bindings. `premises` gives both instances' premise values; it is called only when
/// the rules are the same.
pub fn tie_break<P: AsRef<[Value]>>(
    db: &Database,
    a: (usize, usize),
    b: (usize, usize),
    premises: impl FnOnce() -> (Vec<P>, Vec<P>),
) -> Ordering {
    a.0.cmp(&b.0).then_with(|| {
        let (pa, pb) = premises();
        for (x, y) in pa.iter().zip(&pb) {
            match db.interner.display_cmp_rows(x.as_ref(), y.as_ref()) {
                Ordering::Equal => continue,
                o => return o,
            }
        }
        let r = &db.rules.checked.rules[a.0];
        db.interner
            .display_cmp_rows(&db.bindings(r, a.1), &db.bindings(r, b.1))
    })
}
