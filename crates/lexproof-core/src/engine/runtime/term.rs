//! Rule terms as the evaluator reads them at every row: constants already values. A symbol
//! constant is looked up in the interner once per plan, where evaluating the checked term would
//! hash its text again for every row that reaches it.

use crate::data::value::{Interner, Value};
use crate::rules::eval::{arith, call_on, const_lookup};
use lexproof_lang::ast::{ArithOp, Builtin};
use lexproof_lang::check::CTerm;

pub(super) enum Term {
    Var(usize),
    Val(Value),
    Arith(ArithOp, Box<Term>, Box<Term>),
    Call(Builtin, Vec<Term>),
    /// No value: `_`, or a symbol constant no fact or rule ever interned (it matches nothing).
    Nothing,
}

impl Term {
    /// `t` with its constants looked up, and its variables whose value `fixed` gives (see
    /// `super::fixed`) replaced by that value.
    pub(super) fn resolve(t: &CTerm, interner: &Interner, fixed: &[Option<Value>]) -> Term {
        match t {
            CTerm::Var(v) => fixed[*v].map_or(Term::Var(*v), Term::Val),
            CTerm::Const(c) => const_lookup(c, interner).map_or(Term::Nothing, Term::Val),
            CTerm::Arith(op, a, b) => Term::Arith(
                *op,
                Box::new(Term::resolve(a, interner, fixed)),
                Box::new(Term::resolve(b, interner, fixed)),
            ),
            CTerm::Call(f, args) => Term::Call(
                *f,
                args.iter()
                    .map(|a| Term::resolve(a, interner, fixed))
                    .collect(),
            ),
            CTerm::Wild => Term::Nothing,
        }
    }

    /// The term's value under bindings `b` (`None` on an arithmetic error), as
    /// `crate::rules::eval::eval` gives it for the checked term.
    #[inline(always)]
    pub(super) fn value(&self, b: &[Value], rule: usize) -> Option<Value> {
        match self {
            Term::Var(v) => Some(b[*v]),
            Term::Val(x) => Some(*x),
            _ => self.computed(b, rule),
        }
    }

    #[inline(never)]
    fn computed(&self, b: &[Value], rule: usize) -> Option<Value> {
        match self {
            Term::Arith(op, x, y) => arith(*op, x.value(b, rule)?, y.value(b, rule)?, rule),
            Term::Call(f, args) => call_on(*f, args.iter().map(|a| a.value(b, rule)), rule),
            Term::Var(_) | Term::Val(_) => self.value(b, rule),
            Term::Nothing => None,
        }
    }
}
