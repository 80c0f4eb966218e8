//! Why does an atom NOT hold? For each rule whose head fits the atom, a search for the closest
//! ground instances: bindings that satisfy the longest prefix of the rule's premises in evaluation
//! order, then the most premises, ties going to the first found (candidates are tried in display
//! order of their values). Each premise is then reported as holding, missing, blocked (a negated
//! premise whose fact is present), false (a comparison) or unchecked (it needs a value an earlier
//! failure left unknown). Missing conclusions are explained the same way, recursively, to a depth
//! limit; every (relation, pattern) is explained once and referred to afterwards.

use crate::data::value::Value;
use crate::db::Database;
use crate::reason::query::{Arg, Pattern};
use crate::rules::eval::{const_lookup, eval};
use lexproof_lang::ast::CmpOp;
use lexproof_lang::check::{CAtom, CLit, CTerm, Rule};
use rustc_hash::FxHashSet;

/// How far the search goes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Levels of missing conclusions explained below the atom asked about.
    pub depth: usize,
    /// Closest instances kept per rule.
    pub instances: usize,
    /// Search steps per rule before the best found so far is reported (marked as cut short).
    pub steps: usize,
    /// Candidate facts tried per premise.
    pub branch: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 4,
            instances: 1,
            steps: 20_000,
            branch: 64,
        }
    }
}

pub struct Explanation {
    pub rel: usize,
    /// The atom's arguments; `None` is unknown (a variable or `_`).
    pub pattern: Vec<Option<Value>>,
    pub verdict: Verdict,
}

pub enum Verdict {
    /// It holds after all: the matching tuples (at most a few).
    Holds(Vec<Vec<Value>>),
    /// An input relation with no matching fact.
    MissingInput,
    /// A conclusion no rule's head can produce with these values.
    NoRule,
    /// Explained earlier in the same answer.
    SeeAbove,
    /// Below the depth limit.
    DepthLimit,
    Rules(Vec<RuleAttempts>),
}

pub struct RuleAttempts {
    pub rule: usize,
    pub attempts: Vec<Attempt>,
    /// The search hit its step limit: a closer instance may exist.
    pub cut_short: bool,
}

pub struct Attempt {
    /// The order premises were evaluated in (body positions): see `search_order`.
    pub order: Vec<usize>,
    pub bindings: Vec<Option<Value>>,
    /// One per body literal, in the order the rule is written.
    pub premises: Vec<Premise>,
    /// Premises that hold before the first that does not, in evaluation order.
    pub prefix: usize,
    pub held: usize,
    /// A head term computed from the body (e.g. `D + 14`) whose value differs from the one asked.
    pub head_differs: Option<String>,
}

pub struct Premise {
    pub status: Status,
    pub sub: Option<Box<Explanation>>,
}

pub enum Status {
    /// A positive premise that holds, with its values.
    Holds(Vec<Value>),
    /// A negated premise whose atom is absent, or a comparison that holds.
    Absent(Vec<Option<Value>>),
    True(String),
    /// A positive premise no fact or conclusion matches.
    Missing(Vec<Option<Value>>),
    /// A negated premise whose atom is present: that fact blocks the rule.
    Blocked(Vec<Value>),
    False(String),
    /// Not checked: it needs the values of these variables, unknown because an earlier premise
    /// failed. The literal is shown with the values that are known.
    Unchecked(String, Vec<String>),
}

impl Status {
    fn holds(&self) -> bool {
        matches!(self, Status::Holds(_) | Status::Absent(_) | Status::True(_))
    }
}

/// Explains why the pattern does not hold (or says that it does).
pub fn why_not(db: &Database, p: &Pattern, limits: Limits) -> Explanation {
    let pattern: Vec<Option<Value>> = p
        .args
        .iter()
        .map(|a| if let Arg::Is(v) = a { Some(*v) } else { None })
        .collect();
    // Positions that share a variable in the question must get equal values.
    let mut same: Vec<(usize, usize)> = Vec::new();
    for (i, a) in p.args.iter().enumerate() {
        if let Arg::Var(x) = a {
            if let Some(j) = p.args[..i]
                .iter()
                .position(|b| matches!(b, Arg::Var(y) if y == x))
            {
                same.push((j, i));
            }
        }
    }
    let mut ex = Explainer {
        db,
        limits,
        seen: FxHashSet::default(),
    };
    ex.explain(p.rel, pattern, &same, 0)
}

struct Explainer<'a> {
    db: &'a Database,
    limits: Limits,
    seen: FxHashSet<(usize, Vec<Option<Value>>)>,
}

impl<'a> Explainer<'a> {
    fn explain(
        &mut self,
        rel: usize,
        pattern: Vec<Option<Value>>,
        same: &[(usize, usize)],
        depth: usize,
    ) -> Explanation {
        let db = self.db;
        let verdict = if !self.seen.insert((rel, pattern.clone())) {
            Verdict::SeeAbove
        } else {
            let found: Vec<Vec<Value>> = matching(db, rel, &pattern, 6)
                .into_iter()
                .filter(|t| same.iter().all(|&(i, j)| t[i] == t[j]))
                .collect();
            if !found.is_empty() {
                Verdict::Holds(found)
            } else if !db.rules.checked.relations[rel].derived {
                Verdict::MissingInput
            } else if depth > self.limits.depth {
                Verdict::DepthLimit
            } else {
                // Search every rule first, so that the closest come first and are the ones whose
                // missing premises are explained (and referred to by the rest).
                let mut searched: Vec<(&Rule, Vec<Found>, bool)> = db
                    .rules
                    .checked
                    .rules_for(rel)
                    .filter_map(|rule| self.search(rule, &pattern, same))
                    .collect();
                // Premises over fixed lists (a threshold, a divisor) hold for every instance, so
                // they do not make one rule closer to the case than another: a long rule over
                // three parameters would otherwise outrank the rule the case is about. Between
                // rules that fail as early and as often, the one with the stronger authority
                // comes first: the Act's general route (placing, compute) is what a reader
                // expects to be told about, not a special case of the Guidelines that happens to
                // have more premises.
                searched.sort_by_key(|(rule, found, _)| {
                    let fixed = fixed_premises(db, rule);
                    std::cmp::Reverse(found.first().map(|f| {
                        let failing =
                            f.3.iter()
                                .filter(|s| !s.as_ref().is_some_and(Status::holds))
                                .count();
                        (
                            !fails_on_fixed_list(db, rule, &f.3)
                                && !fails_on_the_query_alone(rule, &f.3, &pattern),
                            f.0.saturating_sub(fixed),
                            std::cmp::Reverse(failing),
                            rule.authority,
                            f.1.saturating_sub(fixed),
                        )
                    }))
                });
                let rules: Vec<RuleAttempts> = searched
                    .into_iter()
                    .map(|(rule, found, cut_short)| self.attach(rule, found, cut_short, depth))
                    .collect();
                if rules.is_empty() {
                    Verdict::NoRule
                } else {
                    Verdict::Rules(rules)
                }
            }
        };
        Explanation {
            rel,
            pattern,
            verdict,
        }
    }

    /// The closest instances of `rule` for the pattern, or `None` if its head cannot fit it.
    fn search(
        &self,
        rule: &'a Rule,
        pattern: &[Option<Value>],
        same: &[(usize, usize)],
    ) -> Option<(&'a Rule, Vec<Found>, bool)> {
        let db = self.db;
        let mut b: Vec<Option<Value>> = vec![None; rule.vars.len()];
        for (t, want) in rule.head.args.iter().zip(pattern) {
            let Some(want) = want else { continue };
            match t {
                CTerm::Var(v) => match b[*v] {
                    Some(have) if have != *want => return None,
                    _ => b[*v] = Some(*want),
                },
                CTerm::Const(c) => {
                    if const_lookup(c, &db.interner) != Some(*want) {
                        return None;
                    }
                }
                CTerm::Arith(..) | CTerm::Call(..) | CTerm::Wild => {}
            }
        }
        let mut s = Search {
            db,
            rule,
            order: search_order(db, rule),
            pattern,
            same,
            limits: self.limits,
            steps: 0,
            cut_short: false,
            best: Vec::new(),
        };
        let mut statuses: Vec<Option<Status>> = (0..rule.body.len()).map(|_| None).collect();
        s.dfs(0, &mut b, &mut statuses, 0, 0, true);
        Some((rule, s.best, s.cut_short))
    }

    /// Turns search results into attempts, explaining each one's first failing premise.
    fn attach(
        &mut self,
        rule: &Rule,
        found: Vec<Found>,
        cut_short: bool,
        depth: usize,
    ) -> RuleAttempts {
        let db = self.db;
        let mut attempts = Vec::new();
        for (prefix, held, bindings, statuses, head_differs) in found {
            // Only the premise that breaks the prefix is explained further: it is what stops this
            // instance; later failures may only follow from values it left unknown.
            let order = search_order(db, rule);
            let first_failure = order
                .iter()
                .copied()
                .find(|&li| !statuses[li].as_ref().is_some_and(Status::holds));
            let mut premises = Vec::new();
            for (li, (lit, st)) in rule.body.iter().zip(statuses).enumerate() {
                let status = st.expect("every literal gets a status");
                let sub = match (&status, lit) {
                    (Status::Missing(pat), CLit::Pos(a))
                        if first_failure == Some(li)
                            && db.rules.checked.relations[a.rel].derived =>
                    {
                        Some(Box::new(self.explain(a.rel, pat.clone(), &[], depth + 1)))
                    }
                    _ => None,
                };
                premises.push(Premise { status, sub });
            }
            attempts.push(Attempt {
                order,
                bindings,
                premises,
                prefix,
                held,
                head_differs,
            });
        }
        RuleAttempts {
            rule: rule.index,
            attempts,
            cut_short,
        }
    }
}

type Found = (
    usize,
    usize,
    Vec<Option<Value>>,
    Vec<Option<Status>>,
    Option<String>,
);

/// Where the search stands at one premise: its place in the order and in the body, and the score
/// of the instance so far.
#[derive(Clone, Copy)]
struct At {
    pos: usize,
    li: usize,
    prefix: usize,
    held: usize,
    intact: bool,
}

struct Search<'a> {
    db: &'a Database,
    rule: &'a Rule,
    order: Vec<usize>,
    pattern: &'a [Option<Value>],
    same: &'a [(usize, usize)],
    limits: Limits,
    steps: usize,
    cut_short: bool,
    /// Best attempts so far, best first.
    best: Vec<Found>,
}

impl Search<'_> {
    /// Whether an attempt scoring at most `(prefix, held)` could still enter the kept list.
    fn worth(&self, prefix: usize, held: usize) -> bool {
        self.best.len() < self.limits.instances
            || self
                .best
                .last()
                .is_some_and(|w| (prefix, held) > (w.0, w.1))
    }

    fn dfs(
        &mut self,
        pos: usize,
        b: &mut Vec<Option<Value>>,
        st: &mut Vec<Option<Status>>,
        prefix: usize,
        held: usize,
        intact: bool,
    ) {
        let n = self.order.len();
        let remaining = n - pos;
        let bound_prefix = if intact { prefix + remaining } else { prefix };
        if !self.worth(bound_prefix, held + remaining) {
            return;
        }
        self.steps += 1;
        if self.steps > self.limits.steps {
            self.cut_short = true;
            return;
        }
        if pos == n {
            self.leaf(b, st, prefix, held);
            return;
        }
        let at = At {
            pos,
            li: self.order[pos],
            prefix,
            held,
            intact,
        };
        let rule = self.rule;
        match &rule.body[at.li] {
            CLit::Pos(a) => self.premise(at, a, b, st),
            CLit::Neg(a) => {
                let status = self.negation(at.li, a, b);
                self.next(at, b, st, status);
            }
            CLit::Cmp(op, l, r) => {
                let status = self.comparison(at.li, *op, l, r, b);
                self.next(at, b, st, status);
            }
            CLit::Assign(x, e) => self.assignment(at, *x, e, b, st),
        }
    }

    /// Goes on with the next premise after the one at `at` got `status`.
    fn next(
        &mut self,
        at: At,
        b: &mut Vec<Option<Value>>,
        st: &mut Vec<Option<Status>>,
        status: Status,
    ) {
        let ok = status.holds();
        st[at.li] = Some(status);
        let still = at.intact && ok;
        self.dfs(
            at.pos + 1,
            b,
            st,
            at.prefix + usize::from(still),
            at.held + usize::from(ok),
            still,
        );
        st[at.li] = None;
    }

    /// A positive premise: each matching fact (up to the branch limit) binds its variables in
    /// turn; none is `Missing`.
    fn premise(
        &mut self,
        at: At,
        a: &CAtom,
        b: &mut Vec<Option<Value>>,
        st: &mut Vec<Option<Status>>,
    ) {
        let pat: Vec<Option<Value>> = a.args.iter().map(|t| self.value(t, b)).collect();
        // Once a premise has failed, binding a premise none of whose values are known would
        // pick an arbitrary fact; only a one-fact relation (a constant) is still looked up.
        if !at.intact && pat.iter().all(Option::is_none) && self.db.tuples(a.rel).len() != 1 {
            let unknown = self.unbound(&a.vars(), b);
            let text = self.lit_text(at.li, b);
            self.next(at, b, st, Status::Unchecked(text, unknown));
            return;
        }
        let rows = matching(self.db, a.rel, &pat, self.limits.branch);
        let mut any = false;
        for row in rows {
            // Bind the atom's variables; a variable repeated in the atom must agree.
            let saved = b.clone();
            let mut fits = true;
            for (t, v) in a.args.iter().zip(&row) {
                if let CTerm::Var(x) = t {
                    match b[*x] {
                        Some(have) if have != *v => fits = false,
                        _ => b[*x] = Some(*v),
                    }
                }
            }
            if fits {
                any = true;
                self.next(at, b, st, Status::Holds(row));
            }
            *b = saved;
            if self.cut_short {
                return;
            }
        }
        if !any {
            self.next(at, b, st, Status::Missing(pat));
        }
    }

    /// A negated premise: blocked by a fact that holds, or absent; unchecked while a value is unknown.
    fn negation(&self, li: usize, a: &CAtom, b: &[Option<Value>]) -> Status {
        let unknown = self.unbound(&a.vars(), b);
        if !unknown.is_empty() {
            Status::Unchecked(self.lit_text(li, b), unknown)
        } else {
            let pat: Vec<Option<Value>> = a.args.iter().map(|t| self.value(t, b)).collect();
            match matching(self.db, a.rel, &pat, 1).into_iter().next() {
                Some(row) => Status::Blocked(row),
                None => Status::Absent(pat),
            }
        }
    }

    /// A comparison, evaluated once its values are known.
    fn comparison(
        &self,
        li: usize,
        op: CmpOp,
        l: &CTerm,
        r: &CTerm,
        b: &[Option<Value>],
    ) -> Status {
        let mut vars = Vec::new();
        l.vars(&mut vars);
        r.vars(&mut vars);
        let unknown = self.unbound(&vars, b);
        match (unknown.is_empty(), self.value(l, b), self.value(r, b)) {
            (true, Some(x), Some(y)) => {
                let text = format!(
                    "{} {} {}",
                    self.db.interner.readable(&x),
                    op.symbol(),
                    self.db.interner.readable(&y)
                );
                if op.holds(x.raw_cmp(&y)) {
                    Status::True(text)
                } else {
                    Status::False(text)
                }
            }
            (true, _, _) => {
                Status::False("arithmetic without a value (overflow or division by zero)".into())
            }
            (false, _, _) => Status::Unchecked(self.lit_text(li, b), unknown),
        }
    }

    /// `x = e`: binds `x` once `e` has a value.
    fn assignment(
        &mut self,
        at: At,
        x: usize,
        e: &CTerm,
        b: &mut Vec<Option<Value>>,
        st: &mut Vec<Option<Status>>,
    ) {
        let mut vars = Vec::new();
        e.vars(&mut vars);
        let unknown = self.unbound(&vars, b);
        match self.value(e, b) {
            Some(v) if unknown.is_empty() => {
                let saved = b[x];
                b[x] = Some(v);
                let text = format!(
                    "{} = {}",
                    self.rule.vars[x].name,
                    self.db.interner.readable(&v)
                );
                self.next(at, b, st, Status::True(text));
                b[x] = saved;
            }
            _ => {
                let text = self.lit_text(at.li, b);
                self.next(at, b, st, Status::Unchecked(text, unknown))
            }
        }
    }

    fn leaf(&mut self, b: &[Option<Value>], st: &[Option<Status>], prefix: usize, held: usize) {
        // A head computed from the body must give the values asked about.
        let head: Vec<Option<Value>> = self
            .rule
            .head
            .args
            .iter()
            .map(|t| self.value(t, b))
            .collect();
        let mut head_differs = None;
        for (i, (h, want)) in head.iter().zip(self.pattern).enumerate() {
            if let (Some(h), Some(w)) = (h, want) {
                if h != w {
                    head_differs = Some(format!(
                        "argument {} would be {}, not {}",
                        i + 1,
                        self.db.interner.readable(h),
                        self.db.interner.readable(w)
                    ));
                }
            }
        }
        if self
            .same
            .iter()
            .any(|&(i, j)| matches!((head[i], head[j]), (Some(x), Some(y)) if x != y))
        {
            return;
        }
        // An attempt whose head comes out different is further away than any that fits.
        let (prefix, held) = if head_differs.is_some() {
            (prefix.min(self.order.len().saturating_sub(1)), held)
        } else {
            (prefix, held)
        };
        let cloned: Vec<Option<Status>> = st.iter().map(|s| s.as_ref().map(clone_status)).collect();
        let at = self
            .best
            .iter()
            .position(|w| (prefix, held) > (w.0, w.1))
            .unwrap_or(self.best.len());
        if at < self.limits.instances {
            self.best
                .insert(at, (prefix, held, b.to_vec(), cloned, head_differs));
            self.best.truncate(self.limits.instances);
        }
    }

    /// Body literal `li` as written, with the values known so far in place of their variables.
    fn lit_text(&self, li: usize, b: &[Option<Value>]) -> String {
        let atom = |a: &lexproof_lang::check::CAtom| {
            let args: Vec<String> = a.args.iter().map(|t| self.term_text(t, b)).collect();
            format!("{}({})", self.db.relation_name(a.rel), args.join(", "))
        };
        match &self.rule.body[li] {
            CLit::Pos(a) => atom(a),
            CLit::Neg(a) => format!("!{}", atom(a)),
            CLit::Cmp(op, l, r) => format!(
                "{} {} {}",
                self.term_text(l, b),
                op.symbol(),
                self.term_text(r, b)
            ),
            CLit::Assign(x, e) => format!("{} = {}", self.rule.vars[*x].name, self.term_text(e, b)),
        }
    }

    fn term_text(&self, t: &CTerm, b: &[Option<Value>]) -> String {
        match t {
            CTerm::Var(v) => match b[*v] {
                Some(x) => self.db.interner.readable(&x),
                None => self.rule.vars[*v].name.clone(),
            },
            CTerm::Wild => "_".into(),
            CTerm::Const(_) => self
                .value(t, b)
                .map_or_else(|| format!("{t:?}"), |v| self.db.interner.readable(&v)),
            CTerm::Arith(op, x, y) => format!(
                "{} {} {}",
                self.term_text(x, b),
                op.symbol(),
                self.term_text(y, b)
            ),
            CTerm::Call(f, args) => format!(
                "{}({})",
                f.name(),
                args.iter()
                    .map(|a| self.term_text(a, b))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn value(&self, t: &CTerm, b: &[Option<Value>]) -> Option<Value> {
        match t {
            CTerm::Var(v) => b[*v],
            CTerm::Wild => None,
            CTerm::Const(c) => const_lookup(c, &self.db.interner),
            CTerm::Arith(..) | CTerm::Call(..) => {
                let mut vars = Vec::new();
                t.vars(&mut vars);
                if vars.iter().any(|v| b[*v].is_none()) {
                    return None;
                }
                let full: Vec<Value> = b.iter().map(|v| v.unwrap_or(Value::Num(0))).collect();
                eval(t, &full, &self.db.interner, self.rule.index)
            }
        }
    }

    fn unbound(&self, vars: &[usize], b: &[Option<Value>]) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for &v in vars {
            let name = &self.rule.vars[v].name;
            if b[v].is_none() && name != "_" && !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    }
}

/// The order premises are tried in: the rule's evaluation plan (`Rule::plan`), with premises over lists the rules file
/// fixes itself (thresholds, the duties of an article) first. Those are constants in all but name;
/// binding them first makes "closest" mean closest in the facts of the case, so the answer reads
/// "compute does not exceed 10^25" rather than "10^23 is not the Art. 51 threshold". Moving a
/// positive premise earlier only binds variables sooner, so every test still has its values.
pub fn search_order(db: &Database, rule: &Rule) -> Vec<usize> {
    let fixed = |li: &usize| match &rule.body[*li] {
        CLit::Pos(a) => {
            let r = &db.rules.checked.relations[a.rel];
            r.has_rule_facts && !r.derived
        }
        _ => false,
    };
    let mut order: Vec<usize> = rule.plan.iter().copied().filter(fixed).collect();
    order.extend(rule.plan.iter().copied().filter(|li| !fixed(li)));
    order
}

/// Whether an instance fails a comparison that only the values asked about decide (`Duty !=
/// "art54_1_authorised_representative"` when that duty is asked about): like a fixed list, the rule
/// is then not about these values, and a reason that quotes the comparison says nothing.
fn fails_on_the_query_alone(rule: &Rule, st: &[Option<Status>], pattern: &[Option<Value>]) -> bool {
    let asked: Vec<usize> = rule
        .head
        .args
        .iter()
        .zip(pattern)
        .filter_map(|(t, want)| match (t, want) {
            (CTerm::Var(v), Some(_)) => Some(*v),
            _ => None,
        })
        .collect();
    rule.body.iter().zip(st).any(|(lit, s)| {
        matches!((lit, s), (CLit::Cmp(..), Some(Status::False(_))))
            && lit.vars().iter().all(|v| asked.contains(v))
    })
}

/// How many of the rule's premises range over lists the rules file fixes itself.
fn fixed_premises(db: &Database, rule: &Rule) -> usize {
    rule.body
        .iter()
        .filter(|lit| match lit {
            CLit::Pos(a) => {
                let r = &db.rules.checked.relations[a.rel];
                r.has_rule_facts && !r.derived
            }
            _ => false,
        })
        .count()
}

/// Whether an instance fails a ground premise over a relation the rules file fixes itself (a list
/// such as the Art. 53 duties), one that no rule could conclude, or an input relation the facts
/// never use: the rule is then not about these values at all, and comes after rules that are.
fn fails_on_fixed_list(db: &Database, rule: &Rule, st: &[Option<Status>]) -> bool {
    rule.body.iter().zip(st).any(|(lit, s)| match (lit, s) {
        (CLit::Pos(a), Some(Status::Missing(p))) if p.iter().all(Option::is_some) => {
            let r = &db.rules.checked.relations[a.rel];
            let tuple: Vec<Value> = p.iter().flatten().copied().collect();
            if r.derived {
                !db.rules
                    .checked
                    .rules_for(a.rel)
                    .any(|x| could_fit(db, x, &tuple))
            } else {
                // A list the rules file fixes, or an input relation the facts never use (no
                // Union exclusion anywhere): a route through it is not about these facts.
                r.has_rule_facts || db.facts.tables[a.rel].is_empty()
            }
        }
        _ => false,
    })
}

/// Whether `rule` could conclude `tuple`, looking one step down: its head fits the tuple and no
/// premise over a fixed list, ground once the head is bound, fails. A premise that no rule could
/// conclude (the Art. 53 duties asked of a representative's task) fails on a fixed list too.
fn could_fit(db: &Database, rule: &Rule, tuple: &[Value]) -> bool {
    let mut b: Vec<Option<Value>> = vec![None; rule.vars.len()];
    for (t, want) in rule.head.args.iter().zip(tuple) {
        match t {
            CTerm::Var(v) => match b[*v] {
                Some(have) if have != *want => return false,
                _ => b[*v] = Some(*want),
            },
            CTerm::Const(c) if const_lookup(c, &db.interner) != Some(*want) => return false,
            _ => {}
        }
    }
    rule.body.iter().all(|lit| {
        let CLit::Pos(a) = lit else { return true };
        let r = &db.rules.checked.relations[a.rel];
        if !r.has_rule_facts || r.derived {
            return true;
        }
        let ground: Option<Vec<Value>> = a
            .args
            .iter()
            .map(|t| match t {
                CTerm::Var(v) => b[*v],
                CTerm::Const(c) => const_lookup(c, &db.interner),
                _ => None,
            })
            .collect();
        ground.is_none_or(|g| db.holds(a.rel, &g))
    })
}

fn clone_status(s: &Status) -> Status {
    match s {
        Status::Holds(v) => Status::Holds(v.clone()),
        Status::Absent(p) => Status::Absent(p.clone()),
        Status::True(t) => Status::True(t.clone()),
        Status::Missing(p) => Status::Missing(p.clone()),
        Status::Blocked(v) => Status::Blocked(v.clone()),
        Status::False(t) => Status::False(t.clone()),
        Status::Unchecked(t, v) => Status::Unchecked(t.clone(), v.clone()),
    }
}

/// Up to `limit` tuples of `rel` (conclusions and input facts) matching `pattern`, in display order
/// of the first matches found. The longest bound prefix narrows the search by binary search.
pub fn matching(
    db: &Database,
    rel: usize,
    pattern: &[Option<Value>],
    limit: usize,
) -> Vec<Vec<Value>> {
    let prefix: Vec<Value> = pattern.iter().map_while(|v| *v).collect();
    let mut out: Vec<Vec<Value>> = Vec::new();
    let mut tables = vec![db.tuples(rel)];
    if db.derived[rel].is_some() {
        tables.push(&db.facts.tables[rel]);
    }
    // Enough candidates to sort by display order before cutting to `limit`.
    let gather = limit.saturating_mul(16).max(256);
    // With the first column open, the rows that mention the rarest value asked for, instead of
    // the whole table: a report asks this once per model, and a scan each time made it quadratic.
    if prefix.is_empty() {
        if let Some(ids) = pattern
            .iter()
            .flatten()
            .map(|v| db.row_ids_mentioning(rel, *v))
            .min_by_key(|ids| ids.len())
        {
            let t = db.tuples(rel);
            for &r in ids {
                let row = t.row(r as usize);
                if row
                    .iter()
                    .zip(pattern)
                    .all(|(v, p)| p.is_none_or(|p| p == *v))
                    && !out.contains(&row)
                {
                    out.push(row);
                    if out.len() >= gather {
                        break;
                    }
                }
            }
            tables.remove(0);
        }
    }
    for t in tables {
        for r in t.range(&prefix) {
            let row = t.row(r);
            if row
                .iter()
                .zip(pattern)
                .all(|(v, p)| p.is_none_or(|p| p == *v))
                && !out.contains(&row)
            {
                out.push(row);
                if out.len() >= gather {
                    break;
                }
            }
        }
    }
    out.sort_by(|a, b| db.interner.display_cmp_rows(a, b));
    out.truncate(limit);
    out
}
