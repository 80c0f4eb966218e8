//! Whether a duty owed in a period that is over was met, as the facts record it. Shared by the
//! report and the timeline so that both say the same about a past period.

use crate::data::value::Value;
use crate::db::Database;
use std::cmp::Ordering;

fn relation(db: &Database, name: &str, arity: usize) -> Option<usize> {
    let p = &db.rules.checked;
    p.relation(name)
        .filter(|&r| p.relations[r].arity() == arity)
}

/// The day `actor` met `duty` for `model` for a period from `from` to `until` (a `duty_met` fact,
/// or for the Art. 52(1) notification a `notified` fact): the first time within the period, else
/// the first time before it (a mandate that ended is followed by the one that closed the gap, not
/// by itself). `None` when the facts record no such day by `until`.
pub fn met_within(
    db: &Database,
    actor: Value,
    model: Value,
    duty: Value,
    from: Value,
    until: Value,
) -> Option<Value> {
    let it = &db.interner;
    let by = |d: &Value| it.display_cmp(d, &until) != Ordering::Greater;
    let met = relation(db, "duty_met", 4).and_then(|r| {
        let days: Vec<Value> = db
            .rows_mentioning(r, model)
            .into_iter()
            .filter(|t| t[0] == actor && t[1] == model && t[2] == duty && by(&t[3]))
            .map(|t| t[3])
            .collect();
        let first = |within: bool| {
            days.iter()
                .filter(|d| (it.display_cmp(d, &from) != Ordering::Less) == within)
                .min_by(|x, y| it.display_cmp(x, y))
                .copied()
        };
        first(true).or_else(|| first(false))
    });
    let notification = it.get("art52_1_notify").map(Value::Sym) == Some(duty);
    met.or_else(|| {
        relation(db, "notified", 2)
            .filter(|_| notification)
            .and_then(|r| {
                db.rows_mentioning(r, model)
                    .into_iter()
                    .filter(|t| t[0] == model && by(&t[1]))
                    .map(|t| t[1])
                    .min_by(|x, y| it.display_cmp(x, y))
            })
    })
}

/// How a past period reads: "met on D", or that the facts hold no record of it being met (not a
/// finding of breach: the period may have ended before its deadline).
pub fn words(db: &Database, met: Option<Value>) -> String {
    match met {
        Some(d) => format!("met on {}", db.interner.plain(&d)),
        None => "no record that it was met".into(),
    }
}
