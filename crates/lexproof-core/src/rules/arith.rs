//! Checked arithmetic called by the compiled rules. An overflow or a division by zero makes the rule
//! instance fail to fire and is recorded here, so the run ends with an error naming the rule and the
//! operands instead of a wrapped value or a panic.

use crate::data::value::Date;
use std::cell::RefCell;

#[derive(Debug, Clone)]
pub struct ArithError {
    pub rule: usize,
    pub what: String,
}

thread_local! {
    static ERRORS: RefCell<Vec<ArithError>> = const { RefCell::new(Vec::new()) };
}

fn fail<T>(rule: usize, what: String) -> Option<T> {
    ERRORS.with(|e| keep(&mut e.borrow_mut(), ArithError { rule, what }));
    None
}

/// One error per rule is enough to report (the run fails either way): the least by text, so the
/// message does not depend on the order instances were evaluated in (which hash sets and thread
/// timing decide).
fn keep(errors: &mut Vec<ArithError>, x: ArithError) {
    match errors.iter_mut().find(|y| y.rule == x.rule) {
        Some(y) if x.what < y.what => *y = x,
        Some(_) => {}
        None => errors.push(x),
    }
}

/// Records errors gathered on other threads (the compiled engine's parallel stages) on this one.
pub fn record(errors: Vec<ArithError>) {
    ERRORS.with(|e| {
        let mut e = e.borrow_mut();
        for x in errors {
            keep(&mut e, x);
        }
    });
}

/// Errors recorded since the last call.
pub fn take_errors() -> Vec<ArithError> {
    ERRORS.with(|e| std::mem::take(&mut *e.borrow_mut()))
}

pub fn num_add(rule: usize, a: i128, b: i128) -> Option<i128> {
    a.checked_add(b)
        .or_else(|| fail(rule, format!("{a} + {b} overflows")))
}
pub fn num_sub(rule: usize, a: i128, b: i128) -> Option<i128> {
    a.checked_sub(b)
        .or_else(|| fail(rule, format!("{a} - {b} overflows")))
}
pub fn num_mul(rule: usize, a: i128, b: i128) -> Option<i128> {
    a.checked_mul(b)
        .or_else(|| fail(rule, format!("{a} * {b} overflows")))
}
/// Integer division, rounding toward zero.
pub fn num_div(rule: usize, a: i128, b: i128) -> Option<i128> {
    if b == 0 {
        return fail(rule, format!("{a} / 0 divides by zero"));
    }
    a.checked_div(b)
        .or_else(|| fail(rule, format!("{a} / {b} overflows")))
}
fn days(rule: usize, d: i32, n: i128, sign: i128) -> Option<Date> {
    let r = (d as i128).checked_add(sign * n);
    match r.and_then(|r| i32::try_from(r).ok()) {
        // Keep dates within years 0..=9999 so they always print as YYYY-MM-DD.
        Some(r) if (-719_528..=2_932_896).contains(&r) => Some(Date(r)),
        _ => fail(
            rule,
            format!("date arithmetic by {n} days leaves the calendar (years 0 to 9999)"),
        ),
    }
}
pub fn date_add(rule: usize, a: Date, b: i128) -> Option<Date> {
    days(rule, a.0, b, 1)
}
pub fn num_add_date(rule: usize, a: i128, b: Date) -> Option<Date> {
    days(rule, b.0, a, 1)
}
pub fn date_sub(rule: usize, a: Date, b: i128) -> Option<Date> {
    days(rule, a.0, b, -1)
}
pub fn weekday(_rule: usize, d: Date) -> Option<i128> {
    Some(lexproof_lang::number::weekday(d.0) as i128)
}
pub fn add_months(rule: usize, d: Date, n: i128) -> Option<Date> {
    match lexproof_lang::number::add_months(d.0, n) {
        Some(r) if (-719_528..=2_932_896).contains(&r) => Some(Date(r)),
        _ => fail(
            rule,
            format!("add_months by {n} months leaves the calendar (years 0 to 9999)"),
        ),
    }
}
pub fn latest(_rule: usize, a: Date, b: Date) -> Option<Date> {
    Some(a.max(b))
}
pub fn earliest(_rule: usize, a: Date, b: Date) -> Option<Date> {
    Some(a.min(b))
}
pub fn date_diff(_rule: usize, a: Date, b: Date) -> Option<i128> {
    Some(a.0 as i128 - b.0 as i128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_kept_per_rule_does_not_depend_on_order() {
        let e = |rule, what: &str| ArithError {
            rule,
            what: what.to_string(),
        };
        let all = [e(1, "9 + 1"), e(1, "3 * 7"), e(2, "x"), e(1, "5 - 2")];
        let kept = |order: &[usize]| {
            let mut v = Vec::new();
            for &i in order {
                keep(&mut v, all[i].clone());
            }
            v.sort_by_key(|x: &ArithError| x.rule);
            v.iter()
                .map(|x| (x.rule, x.what.clone()))
                .collect::<Vec<_>>()
        };
        let want = vec![(1, "3 * 7".to_string()), (2, "x".to_string())];
        assert_eq!(kept(&[0, 1, 2, 3]), want);
        assert_eq!(kept(&[3, 2, 1, 0]), want);
        assert_eq!(kept(&[2, 0, 3, 1]), want);
    }
}
