//! Which facts an arithmetic error came from. The engines record only the rule and the operands
//! (the compiled engine's generated code has no premises at hand when an addition overflows), so
//! after the run the failing rule's body is matched once more over the finished tables, in plan
//! order and display order, until an instance whose arithmetic fails turns up. Both engines end
//! with the same tables, so both name the same facts.

use crate::data::value::Value;
use crate::db::Database;
use crate::rules::eval::{const_lookup, eval};
use lexproof_lang::check::{CLit, CTerm, Rule};

/// Candidate tuples tried per premise, and instances tried in all: the search names an example,
/// it need not be exhaustive, and must stay quick on a huge table.
const BRANCH: usize = 256;
const STEPS: usize = 200_000;
/// Rows looked at per premise (the first ones in the table's order).
const SCAN: usize = 100_000;

/// The positive premises (relation, values) of one instance of `rule` whose arithmetic fails, in
/// body order; `None` if the bounded search finds none.
pub fn failing_premises(db: &Database, rule: &Rule) -> Option<Vec<(usize, Vec<Value>)>> {
    let mut s = Search {
        db,
        rule,
        bound: vec![None; rule.vars.len()],
        chosen: vec![None; rule.body.len()],
        steps: 0,
    };
    let found = s.step(0);
    // The evaluations above record their failures like the engines do; they were reported already.
    crate::rules::arith::take_errors();
    found.then(|| {
        s.chosen
            .into_iter()
            .zip(&rule.body)
            .filter_map(|(c, l)| match l {
                CLit::Pos(a) => c.map(|v| (a.rel, v)),
                _ => None,
            })
            .collect()
    })
}

struct Search<'a> {
    db: &'a Database,
    rule: &'a Rule,
    bound: Vec<Option<Value>>,
    chosen: Vec<Option<Vec<Value>>>,
    steps: usize,
}

impl Search<'_> {
    fn values(&self) -> Vec<Value> {
        self.bound
            .iter()
            .map(|v| v.unwrap_or(Value::Num(0)))
            .collect()
    }

    fn eval(&self, t: &CTerm) -> Option<Value> {
        eval(t, &self.values(), &self.db.interner, self.rule.index)
    }

    /// True when an instance through literal `k` onward fails its arithmetic.
    fn step(&mut self, k: usize) -> bool {
        self.steps += 1;
        if self.steps > STEPS {
            return false;
        }
        let Some(&li) = self.rule.plan.get(k) else {
            return self.rule.head.args.iter().any(|t| self.eval(t).is_none());
        };
        match &self.rule.body[li] {
            CLit::Pos(a) => {
                for row in self.candidates(a.rel, &a.args) {
                    let saved = self.bound.clone();
                    if self.unify(&a.args, &row) {
                        self.chosen[li] = Some(row);
                        if self.step(k + 1) {
                            return true;
                        }
                    }
                    self.bound = saved;
                }
                false
            }
            CLit::Neg(a) => {
                // An argument that is not `_` but cannot be computed is the failing arithmetic.
                if a.args
                    .iter()
                    .any(|t| !matches!(t, CTerm::Wild) && self.eval(t).is_none())
                {
                    return true;
                }
                self.candidates(a.rel, &a.args).is_empty() && self.step(k + 1)
            }
            CLit::Cmp(op, l, r) => match (self.eval(l), self.eval(r)) {
                (Some(x), Some(y)) => op.holds(x.raw_cmp(&y)) && self.step(k + 1),
                _ => true,
            },
            CLit::Assign(v, t) => match self.eval(t) {
                Some(x) => {
                    self.bound[*v] = Some(x);
                    let found = self.step(k + 1);
                    self.bound[*v] = None;
                    found
                }
                None => true,
            },
        }
    }

    /// Binds the atom's unbound variables to `row`; false if a bound one disagrees.
    fn unify(&mut self, args: &[CTerm], row: &[Value]) -> bool {
        for (t, v) in args.iter().zip(row) {
            if let CTerm::Var(x) = t {
                match self.bound[*x] {
                    Some(b) if b != *v => return false,
                    Some(_) => {}
                    None => self.bound[*x] = Some(*v),
                }
            }
        }
        true
    }

    /// Tuples (conclusions and input facts) agreeing with the atom's known arguments, the first
    /// `BRANCH` in display order.
    fn candidates(&self, rel: usize, args: &[CTerm]) -> Vec<Vec<Value>> {
        // A symbol no fact mentions matches nothing.
        let unknown_symbol = |t: &CTerm| matches!(t, CTerm::Const(c) if const_lookup(c, &self.db.interner).is_none());
        if args.iter().any(unknown_symbol) {
            return Vec::new();
        }
        let known: Vec<Option<Value>> = args
            .iter()
            .map(|t| match t {
                CTerm::Var(x) => self.bound[*x],
                CTerm::Const(c) => const_lookup(c, &self.db.interner),
                _ => self.eval(t),
            })
            .collect();
        let prefix: Vec<Value> = known.iter().map_while(|v| *v).collect();
        let mut tables = vec![self.db.tuples(rel)];
        if self.db.derived[rel].is_some() {
            tables.push(&self.db.facts.tables[rel]);
        }
        let mut out: Vec<Vec<Value>> = Vec::new();
        for t in tables {
            for r in t.range(&prefix).take(SCAN) {
                let row = t.row(r);
                if row
                    .iter()
                    .zip(&known)
                    .all(|(v, k)| k.is_none_or(|k| k == *v))
                {
                    out.push(row);
                }
            }
        }
        out.sort_by(|a, b| self.db.interner.display_cmp_rows(a, b));
        out.dedup();
        out.truncate(BRANCH);
        out
    }
}
