//! How each rule runs, decided once for both engines. First the join order: each next positive
//! atom is the one with the most arguments already bound (ties keep the written order), and every
//! test is placed right after its variables are bound, a premise whose arguments are all known
//! (a membership test) before the other premises and the negations (`order`). Then, for that order and the
//! component of the dependency graph the rule belongs to, the access to each premise (`RulePlan`):
//! a scan of a relation the component is still deriving, a keyed lookup or a scan of a relation
//! complete before the component runs, a membership test when every argument is known, a negation,
//! a comparison or an assignment. The crepe generator and the run-time evaluator both follow it.

use crate::check::{CLit, CTerm, Checked, Rule};
use std::fmt;

/// Fills every rule's `plan` and `join_plan` (see `Rule`). A recursive rule joins from its first
/// recursive premise: semi-naive rounds restrict that premise to the new facts, so leading with it
/// makes each round cost what is new, not a scan of the other premises (a chain of n fine-tunes
/// would otherwise take n scans of n facts).
pub fn order_rules(checked: &mut Checked) {
    for r in &mut checked.rules {
        r.plan = order(&r.body);
        r.join_plan = r.plan.clone();
    }
    for comp in &checked.components {
        for r in checked
            .rules
            .iter_mut()
            .filter(|r| comp.contains(&r.head.rel))
        {
            if let Some(&first) = r.recursive_premises(comp).first() {
                r.join_plan = order_from(&r.body, Some(first));
            }
        }
    }
}

pub fn order(body: &[CLit]) -> Vec<usize> {
    order_from(body, None)
}

/// Like `order`, but starting with the positive literal `first` (for semi-naive evaluation, where the
/// new facts of one premise drive the join).
pub fn order_from(body: &[CLit], first: Option<usize>) -> Vec<usize> {
    let nvars = body
        .iter()
        .flat_map(|l| l.vars())
        .max()
        .map_or(0, |m| m + 1);
    let mut bound = vec![false; nvars];
    let mut placed = vec![false; body.len()];
    let mut out = Vec::with_capacity(body.len());
    place_tests(body, &mut bound, &mut placed, &mut out);
    if let Some(f) = first {
        placed[f] = true;
        out.push(f);
        for v in body[f].vars() {
            bound[v] = true;
        }
        place_tests(body, &mut bound, &mut placed, &mut out);
    }
    loop {
        let next = body
            .iter()
            .enumerate()
            .filter(|(i, l)| !placed[*i] && matches!(l, CLit::Pos(_)))
            .max_by_key(|(i, l)| {
                let CLit::Pos(a) = l else { unreachable!() };
                let n = a
                    .args
                    .iter()
                    .filter(|t| match t {
                        CTerm::Var(v) => bound[*v],
                        CTerm::Const(_) => true,
                        _ => false,
                    })
                    .count();
                (n, std::cmp::Reverse(*i))
            })
            .map(|(i, _)| i);
        let Some(i) = next else { break };
        placed[i] = true;
        out.push(i);
        if let CLit::Pos(a) = &body[i] {
            for v in a.vars() {
                bound[v] = true;
            }
        }
        place_tests(body, &mut bound, &mut placed, &mut out);
    }
    // Anything left has variables no premise binds; the checker has reported it already.
    out.extend((0..body.len()).filter(|&i| !placed[i]));
    out
}

fn place_tests(body: &[CLit], bound: &mut [bool], placed: &mut [bool], out: &mut Vec<usize>) {
    loop {
        let mut progress = false;
        // A premise whose arguments are all known is a membership test. It goes first, before
        // the other premises (a lookup would read rows it may drop) and the negations ready at
        // the same point: it passes only the rows its relation holds, where a negation (an
        // exception) usually passes most. Its arguments are plain variables and constants, so it
        // cannot raise an arithmetic error, and moving a test changes no instance.
        for (i, l) in body.iter().enumerate() {
            if placed[i] {
                continue;
            }
            if let CLit::Pos(a) = l {
                let known = a.args.iter().all(|t| match t {
                    CTerm::Var(v) => bound[*v],
                    CTerm::Const(_) => true,
                    _ => false,
                });
                // One of constants only stays in the join order (it would lead a plan that
                // should start with a scan).
                let binds = a.args.iter().any(|t| matches!(t, CTerm::Var(_)));
                if known && binds {
                    placed[i] = true;
                    out.push(i);
                    progress = true;
                }
            }
        }
        for (i, l) in body.iter().enumerate() {
            if placed[i] {
                continue;
            }
            let ready = match l {
                CLit::Pos(_) => false,
                CLit::Neg(a) => a.vars().iter().all(|&v| bound[v]),
                CLit::Cmp(..) => l.vars().iter().all(|&v| bound[v]),
                CLit::Assign(_, e) => {
                    let mut vs = Vec::new();
                    e.vars(&mut vs);
                    vs.iter().all(|&v| bound[v])
                }
            };
            if ready {
                placed[i] = true;
                out.push(i);
                if let CLit::Assign(x, _) = l {
                    bound[*x] = true;
                }
                progress = true;
            }
        }
        if !progress {
            return;
        }
    }
}

/// A relation: its index in `Checked::relations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelId(pub usize);

/// A variable of a rule: its index in `Rule::vars` (and in a binding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VarId(pub usize);

/// A rule: its index in `Checked::rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(pub usize);

/// One step of a rule's plan, in join order; `lit` is the premise's position in the rule's body.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Scan(Scan),
    /// A premise over a relation complete before the rule's component runs, every argument known:
    /// a membership test.
    Member {
        lit: usize,
        rel: RelId,
        args: Vec<CTerm>,
    },
    /// A negated premise: no row agrees with `key` on columns `cols` (the others are `_`).
    Absent {
        lit: usize,
        rel: RelId,
        cols: Vec<usize>,
        key: Vec<CTerm>,
    },
    Compare {
        lit: usize,
        op: crate::ast::CmpOp,
        left: CTerm,
        right: CTerm,
    },
    /// `var = expr`: binds `var`.
    Let {
        lit: usize,
        var: VarId,
        expr: CTerm,
    },
}

/// Reading the rows of a relation that agree with what is known.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    pub lit: usize,
    pub rel: RelId,
    /// The relation is derived by the rule's own component (still growing while the rule runs);
    /// otherwise it is complete before the component starts.
    pub own: bool,
    /// Only the rows new in the last semi-naive round.
    pub delta: bool,
    /// Columns whose value is known before the scan: (column, term over bound variables).
    pub key: Vec<(usize, CTerm)>,
    /// Columns that bind a variable: (column, variable).
    pub binds: Vec<(usize, VarId)>,
    /// Columns repeating a variable bound by an earlier column of the same row: (column, variable).
    pub same: Vec<(usize, VarId)>,
    /// Columns that must equal a term computed from this row's variables: (column, term).
    pub checks: Vec<(usize, CTerm)>,
}

/// A rule's steps for one order of its body.
#[derive(Debug, Clone, PartialEq)]
pub struct RulePlan {
    pub rule: RuleId,
    pub steps: Vec<Step>,
}

/// Whether a term's value is known once the variables marked in `bound` are.
pub fn known(t: &CTerm, bound: &[bool]) -> bool {
    match t {
        CTerm::Var(v) => bound[*v],
        CTerm::Const(_) => true,
        CTerm::Wild => false,
        CTerm::Arith(_, a, b) => known(a, bound) && known(b, bound),
        CTerm::Call(_, args) => args.iter().all(|a| known(a, bound)),
    }
}

impl RulePlan {
    /// The plan of `rule` in its compiled join order (`join_plan`), inside component `comp`.
    pub fn compiled(rule: &Rule, comp: &[usize]) -> RulePlan {
        RulePlan::new(rule, comp, &rule.join_plan, None)
    }

    /// The plan of `rule` in evaluation order (`plan`), every premise read whole.
    pub fn full(rule: &Rule, comp: &[usize]) -> RulePlan {
        RulePlan::new(rule, comp, &rule.plan, None)
    }

    /// The semi-naive plan led by the recursive premise at body position `delta`, which reads only
    /// the rows new in the last round.
    pub fn delta(rule: &Rule, comp: &[usize], delta: usize) -> RulePlan {
        RulePlan::new(
            rule,
            comp,
            &order_from(&rule.body, Some(delta)),
            Some(delta),
        )
    }

    fn new(rule: &Rule, comp: &[usize], order: &[usize], delta: Option<usize>) -> RulePlan {
        let mut bound = vec![false; rule.vars.len()];
        let mut steps = Vec::with_capacity(order.len());
        for &lit in order {
            let step = match &rule.body[lit] {
                CLit::Pos(a) => {
                    let own = comp.contains(&a.rel);
                    if !own && a.args.iter().all(|t| known(t, &bound)) {
                        Step::Member {
                            lit,
                            rel: RelId(a.rel),
                            args: a.args.clone(),
                        }
                    } else {
                        let mut scan = Scan {
                            lit,
                            rel: RelId(a.rel),
                            own,
                            delta: delta == Some(lit),
                            key: Vec::new(),
                            binds: Vec::new(),
                            same: Vec::new(),
                            checks: Vec::new(),
                        };
                        let mut here: Vec<usize> = Vec::new();
                        for (c, t) in a.args.iter().enumerate() {
                            match t {
                                _ if known(t, &bound) => scan.key.push((c, t.clone())),
                                CTerm::Var(v) if here.contains(v) => scan.same.push((c, VarId(*v))),
                                CTerm::Var(v) => {
                                    here.push(*v);
                                    scan.binds.push((c, VarId(*v)));
                                }
                                other => scan.checks.push((c, other.clone())),
                            }
                        }
                        here.iter().for_each(|&v| bound[v] = true);
                        Step::Scan(scan)
                    }
                }
                CLit::Neg(a) => {
                    let cols: Vec<usize> = (0..a.args.len())
                        .filter(|&c| !matches!(a.args[c], CTerm::Wild))
                        .collect();
                    Step::Absent {
                        lit,
                        rel: RelId(a.rel),
                        key: cols.iter().map(|&c| a.args[c].clone()).collect(),
                        cols,
                    }
                }
                CLit::Cmp(op, l, r) => Step::Compare {
                    lit,
                    op: *op,
                    left: l.clone(),
                    right: r.clone(),
                },
                CLit::Assign(v, e) => {
                    bound[*v] = true;
                    Step::Let {
                        lit,
                        var: VarId(*v),
                        expr: e.clone(),
                    }
                }
            };
            steps.push(step);
        }
        RulePlan {
            rule: RuleId(rule.index),
            steps,
        }
    }

    /// The plan as text, for snapshot tests and for reading how a rule runs.
    pub fn display<'a>(&'a self, checked: &'a Checked) -> impl fmt::Display + 'a {
        Shown {
            plan: self,
            checked,
        }
    }
}

struct Shown<'a> {
    plan: &'a RulePlan,
    checked: &'a Checked,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.checked;
        let rule = &c.rules[self.plan.rule.0];
        let var = |v: usize| format!("{}#{v}", rule.vars[v].name);
        let term = |t: &CTerm| show_term(t, &|v| var(v));
        let cols = |items: &mut dyn Iterator<Item = String>| items.collect::<Vec<_>>().join(", ");
        writeln!(f, "rule {}:", rule.id)?;
        for step in &self.plan.steps {
            match step {
                Step::Scan(s) => {
                    let mut line = format!(
                        "  {}{} {}",
                        if s.own { "scan own" } else { "scan" },
                        if s.delta { " (new rows)" } else { "" },
                        c.relations[s.rel.0].name
                    );
                    if !s.key.is_empty() {
                        let k = cols(&mut s.key.iter().map(|(c, t)| format!("{c}={}", term(t))));
                        line.push_str(&format!(" key [{k}]"));
                    }
                    if !s.binds.is_empty() {
                        let b =
                            cols(&mut s.binds.iter().map(|&(c, v)| format!("{c}->{}", var(v.0))));
                        line.push_str(&format!(" bind [{b}]"));
                    }
                    if !s.same.is_empty() {
                        let b = cols(&mut s.same.iter().map(|&(c, v)| format!("{c}={}", var(v.0))));
                        line.push_str(&format!(" same [{b}]"));
                    }
                    if !s.checks.is_empty() {
                        let b = cols(&mut s.checks.iter().map(|(c, t)| format!("{c}={}", term(t))));
                        line.push_str(&format!(" check [{b}]"));
                    }
                    writeln!(f, "{line}")?;
                }
                Step::Member { rel, args, .. } => {
                    let a = cols(&mut args.iter().map(&term));
                    writeln!(f, "  member {}({a})", c.relations[rel.0].name)?;
                }
                Step::Absent {
                    rel, cols: cs, key, ..
                } => {
                    let k = cols(&mut cs.iter().zip(key).map(|(c, t)| format!("{c}={}", term(t))));
                    writeln!(f, "  absent {} [{k}]", c.relations[rel.0].name)?;
                }
                Step::Compare {
                    op, left, right, ..
                } => {
                    writeln!(f, "  test {} {} {}", term(left), op.symbol(), term(right))?;
                }
                Step::Let { var: v, expr, .. } => {
                    writeln!(f, "  let {} = {}", var(v.0), term(expr))?;
                }
            }
        }
        let h = cols(&mut rule.head.args.iter().map(&term));
        writeln!(f, "  head {}({h})", c.relations[rule.head.rel].name)
    }
}

fn show_term(t: &CTerm, var: &dyn Fn(usize) -> String) -> String {
    match t {
        CTerm::Var(v) => var(*v),
        CTerm::Const(crate::check::Const::Sym(s)) => format!("{s:?}"),
        CTerm::Const(crate::check::Const::Num(n)) => n.to_string(),
        CTerm::Const(crate::check::Const::Date(d)) => crate::number::format_date(*d),
        CTerm::Wild => "_".to_string(),
        CTerm::Arith(op, a, b) => format!(
            "({} {} {})",
            show_term(a, var),
            op.symbol(),
            show_term(b, var)
        ),
        CTerm::Call(fun, args) => format!(
            "{}({})",
            fun.name(),
            args.iter()
                .map(|a| show_term(a, var))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Every rule's plans, component by component in evaluation order: the compiled engine's (led by
/// the recursive premise) and, for each recursive premise, the semi-naive round's. For snapshot
/// tests and for reading how a rulebase runs.
pub fn describe(checked: &Checked) -> String {
    let mut out = String::new();
    for comp in &checked.components {
        let rules: Vec<&Rule> = checked.component_rules(comp).collect();
        if rules.is_empty() {
            continue;
        }
        let names: Vec<&str> = comp
            .iter()
            .map(|&r| checked.relations[r].name.as_str())
            .collect();
        out.push_str(&format!("component {}\n", names.join(" ")));
        for rule in rules {
            out.push_str(&RulePlan::compiled(rule, comp).display(checked).to_string());
            for p in rule.recursive_premises(comp) {
                let shown = RulePlan::delta(rule, comp, p).display(checked).to_string();
                out.push_str(&shown.replacen("rule ", "round of rule ", 1));
            }
        }
    }
    out
}
