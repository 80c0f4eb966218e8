//! What a report or a timeline says of a duty owed in a period that is over: met (on which day),
//! not yet due when the period ended, or no record that it was met. Shared so that both say the
//! same.

use crate::data::value::Value;
use crate::db::Database;
use std::cmp::Ordering;

/// Where fulfilments are read: `fulfilled_on` where the rules derive it, else `duty_met`.
fn fulfilments(db: &Database) -> Option<usize> {
    db.relation_named("fulfilled_on", 4)
        .or_else(|| db.relation_named("duty_met", 4))
}

/// The day the duty of an `obligation_period` row (actor, model, duty, from, until) was met: the
/// first time within the period, else the first time before it (a mandate that ended is followed
/// by the one that closed the gap, not by itself). Read from `fulfilled_on` where the rules derive
/// it (a mandate counts only to a Union representative; what was done for the provider's own
/// version serves the model), else from `duty_met`; for the Art. 52(1) notification also from
/// `notified`. `None` when nothing is recorded by `until`.
fn met_within(db: &Database, period: &[Value]) -> Option<Value> {
    let [actor, model, duty, from, until] = period[..] else {
        return None;
    };
    let it = &db.interner;
    let by = |d: &Value| it.display_cmp(d, &until) != Ordering::Greater;
    let source = fulfilments(db);
    let met = source.and_then(|r| {
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
    let notification = db.is_symbol(duty, "art52_1_notify");
    met.or_else(|| {
        db.relation_named("notified", 2)
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

/// For the Art. 54(1) mandate met on `met` in `period`: the day it ended (`mandate_terminated`, by any route)
/// before `until`, where no other mandate is recorded from that day to `until`.
fn ended_unreplaced(db: &Database, period: &[Value], met: Value) -> Option<Value> {
    let [actor, model, duty, _, until] = period[..] else {
        return None;
    };
    let it = &db.interner;
    if !db.is_symbol(duty, "art54_1_authorised_representative") {
        return None;
    }
    let ended = db.relation_named("mandate_terminated", 3)?;
    let end = db
        .rows_mentioning(ended, model)
        .into_iter()
        .filter(|t| t[0] == actor && t[1] == model)
        .map(|t| t[2])
        .filter(|x| {
            it.display_cmp(x, &met) != Ordering::Less && it.display_cmp(x, &until) == Ordering::Less
        })
        .min_by(|x, y| it.display_cmp(x, y))?;
    let source = fulfilments(db)?;
    let replaced = db.rows_mentioning(source, model).into_iter().any(|t| {
        t[0] == actor
            && t[1] == model
            && t[2] == duty
            && it.display_cmp(&t[3], &end) == Ordering::Greater
            && it.display_cmp(&t[3], &until) != Ordering::Greater
    });
    (!replaced).then_some(end)
}

/// For the Art. 52(1) notification, whose two weeks run for the model whoever holds it: its
/// deadline, where it falls after the period's end (a seller whose notification period had not
/// run out when it sold the model). Other duties' deadlines today may differ from the ones a past
/// period had, so they are not used.
fn deadline_after(db: &Database, period: &[Value]) -> Option<Value> {
    let [_, model, duty, _, until] = period[..] else {
        return None;
    };
    let it = &db.interner;
    if !db.is_symbol(duty, "art52_1_notify") {
        return None;
    }
    let deadline = db.relation_named("deadline", 4)?;
    db.rows_mentioning(deadline, model)
        .into_iter()
        .filter(|t| t[1] == model && t[2] == duty)
        .map(|t| t[3])
        .filter(|y| it.display_cmp(y, &until) == Ordering::Greater)
        .min_by(|x, y| it.display_cmp(x, y))
}

/// The Art. 111(3) compliance date, where the model has the transition and that date is after
/// `until`: the duty was not yet due when the period ended.
fn due_after(db: &Database, model: Value, until: Value) -> Option<Value> {
    let grandfathered = db.relation_named("grandfathered", 1)?;
    if !db.holds(grandfathered, &[model]) {
        return None;
    }
    let date = db.relation_named("art111_3_compliance_date", 1)?;
    let t = db.tuples(date);
    let c = (!t.is_empty()).then(|| t.get(0, 0))?;
    (db.interner.display_cmp(&c, &until) == Ordering::Greater).then_some(c)
}

/// Whether the rules give the duty a compliance date (a standing duty such as cooperation on
/// request has none, so there is nothing to record as met).
fn dated(db: &Database, duty: Value) -> bool {
    let timed = db.relation_named("timed_duty", 1);
    let notification = db.is_symbol(duty, "art52_1_notify");
    notification || timed.is_none_or(|r| db.holds(r, &[duty]))
}

/// How a period that is over (an `obligation_period` row) reads, with the day it was met if the
/// facts record one: "met on D"; that it was not yet due when the period ended (a later deadline,
/// or Art. 111(3));
/// that it is owed on request with no date; or that the facts hold no record of it being met (not
/// a finding of breach).
pub fn past(db: &Database, period: &[Value]) -> (Option<Value>, String) {
    let [_, model, duty, _, until] = period[..] else {
        return (None, String::new());
    };
    let met = met_within(db, period);
    let reads = if let Some(d) = met {
        let mut out = format!("met on {}", db.interner.plain(&d));
        if let Some(x) = ended_unreplaced(db, period, d) {
            out.push_str(&format!(
                "; that mandate ended on {}, with no record of a new one before the period ended",
                db.interner.plain(&x)
            ));
        }
        out
    } else if !dated(db, duty) {
        "owed on request, no compliance date".into()
    } else if let Some(y) = deadline_after(db, period) {
        format!(
            "not yet due when the period ended: its deadline was {}",
            db.interner.plain(&y)
        )
    } else {
        match due_after(db, model, until) {
            Some(c) => format!(
                "not yet due when the period ended: Art. 111(3) allowed until {}",
                db.interner.plain(&c)
            ),
            None => "no record that it was met".into(),
        }
    };
    (met, reads)
}
