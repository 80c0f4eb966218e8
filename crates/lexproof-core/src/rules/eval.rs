//! Evaluating checked terms on concrete bindings, for rebuilding rule instances from witnesses.

use crate::data::value::{Interner, Value};
use lexproof_lang::ast::{ArithOp, Builtin};
use lexproof_lang::check::{CTerm, Const};

/// `bindings[v]` is the value of rule variable `v`. Symbol constants resolve through the interner;
/// a constant the interner has never seen matches nothing, so it evaluates to `None`.
pub fn eval(t: &CTerm, bindings: &[Value], interner: &Interner, rule: usize) -> Option<Value> {
    match t {
        CTerm::Var(v) => Some(bindings[*v]),
        CTerm::Const(c) => const_lookup(c, interner),
        CTerm::Wild => None,
        CTerm::Arith(op, a, b) => {
            let a = eval(a, bindings, interner, rule)?;
            let b = eval(b, bindings, interner, rule)?;
            arith(*op, a, b, rule)
        }
        CTerm::Call(f, args) => call_on(
            *f,
            args.iter().map(|a| eval(a, bindings, interner, rule)),
            rule,
        ),
    }
}

/// `call` on arguments evaluated in turn (`None` as soon as one has no value). Builtins take at
/// most two arguments: no allocation per call.
pub fn call_on(
    f: Builtin,
    args: impl ExactSizeIterator<Item = Option<Value>>,
    rule: usize,
) -> Option<Value> {
    let mut vals = [Value::Num(0); 2];
    let n = args.len();
    if n > vals.len() {
        return None;
    }
    for (slot, a) in vals.iter_mut().zip(args) {
        *slot = a?;
    }
    call(f, &vals[..n], rule)
}

pub fn const_lookup(c: &Const, interner: &Interner) -> Option<Value> {
    match c {
        Const::Sym(s) => interner.get(s).map(Value::Sym),
        Const::Num(n) => Some(Value::Num(*n)),
        Const::Date(d) => Some(Value::Date(crate::data::value::Date(*d))),
    }
}

pub fn call(f: Builtin, args: &[Value], rule: usize) -> Option<Value> {
    use crate::rules::arith as ar;
    match (f, args) {
        (Builtin::Weekday, [Value::Date(d)]) => ar::weekday(rule, *d).map(Value::Num),
        (Builtin::AddMonths, [Value::Date(d), Value::Num(n)]) => {
            ar::add_months(rule, *d, *n).map(Value::Date)
        }
        (Builtin::Latest, [Value::Date(a), Value::Date(b)]) => {
            ar::latest(rule, *a, *b).map(Value::Date)
        }
        (Builtin::Earliest, [Value::Date(a), Value::Date(b)]) => {
            ar::earliest(rule, *a, *b).map(Value::Date)
        }
        _ => None,
    }
}

pub fn arith(op: ArithOp, a: Value, b: Value, rule: usize) -> Option<Value> {
    use crate::rules::arith as ar;
    use Value::*;
    match (op, a, b) {
        (ArithOp::Add, Num(x), Num(y)) => ar::num_add(rule, x, y).map(Num),
        (ArithOp::Sub, Num(x), Num(y)) => ar::num_sub(rule, x, y).map(Num),
        (ArithOp::Mul, Num(x), Num(y)) => ar::num_mul(rule, x, y).map(Num),
        (ArithOp::Div, Num(x), Num(y)) => ar::num_div(rule, x, y).map(Num),
        (ArithOp::Add, Date(d), Num(n)) => ar::date_add(rule, d, n).map(Date),
        (ArithOp::Add, Num(n), Date(d)) => ar::num_add_date(rule, n, d).map(Date),
        (ArithOp::Sub, Date(d), Num(n)) => ar::date_sub(rule, d, n).map(Date),
        (ArithOp::Sub, Date(a), Date(b)) => ar::date_diff(rule, a, b).map(Num),
        _ => None,
    }
}
