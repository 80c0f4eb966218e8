//! Proofs of least height, as Soufflé's provenance defines them: an input fact has height 0, and a
//! derived fact's height is one more than the highest premise of its best rule instance. The proof
//! for one fact is found by exploring only the rule instances beneath it (binary search in the
//! witness tables), computing heights on that subgraph, and choosing, among instances of equal
//! height, the one whose rule comes first in the rules file, then the one whose premises sort first.
//! The chosen proof is a petgraph DAG; renderers walk it.

use crate::db::Database;
use crate::eval::eval;
use crate::facts::Origin;
use crate::value::Value;
use lexproof_lang::ast::Authority;
use lexproof_lang::check::{CLit, CTerm};
use petgraph::graph::{DiGraph, NodeIndex};
use rustc_hash::FxHashMap;
use std::cmp::Ordering;

#[derive(Debug, Clone)]
pub enum Node {
    /// A fact given in a fact file or in the rules file.
    Fact {
        rel: usize,
        values: Vec<Value>,
        origin: Origin,
    },
    /// A derived fact and the rule instance chosen to derive it.
    Derived {
        rel: usize,
        values: Vec<Value>,
        height: usize,
        rule: usize,
        bindings: Vec<Value>,
    },
    /// A negated premise: no fact matches (`None` is `_`).
    Absent {
        rel: usize,
        pattern: Vec<Option<Value>>,
    },
    /// A comparison or assignment that held for the instance, shown with values filled in.
    Condition { text: String },
}

pub struct Proof {
    pub graph: DiGraph<Node, ()>,
    pub root: NodeIndex,
}

struct Deriv {
    rule: usize,
    row: usize,
    premises: Vec<usize>,
}

struct Explorer<'a> {
    db: &'a Database,
    ids: FxHashMap<(usize, Vec<Value>), usize>,
    facts: Vec<(usize, Vec<Value>)>,
    origin: Vec<Option<Origin>>,
    derivs: Vec<Vec<Deriv>>,
}

impl Explorer<'_> {
    fn id(&mut self, rel: usize, values: Vec<Value>, queue: &mut Vec<usize>) -> usize {
        if let Some(&i) = self.ids.get(&(rel, values.clone())) {
            return i;
        }
        let i = self.facts.len();
        self.ids.insert((rel, values.clone()), i);
        self.origin.push(self.db.input_origin(rel, &values));
        self.facts.push((rel, values));
        self.derivs.push(Vec::new());
        queue.push(i);
        i
    }
}

/// The proof of least height of `rel(values)`, or `None` if it does not hold.
pub fn least_height(db: &Database, rel: usize, values: &[Value]) -> Option<Proof> {
    if !db.holds(rel, values) {
        return None;
    }
    let program = &db.rules.checked;
    let mut ex = Explorer {
        db,
        ids: FxHashMap::default(),
        facts: Vec::new(),
        origin: Vec::new(),
        derivs: Vec::new(),
    };
    let mut queue = Vec::new();
    let root = ex.id(rel, values.to_vec(), &mut queue);
    while let Some(f) = queue.pop() {
        if ex.origin[f].is_some() {
            continue;
        }
        let (frel, fvals) = ex.facts[f].clone();
        for rule in program.rules_for(frel) {
            for row in db.instances(rule, &fvals) {
                let b = db.bindings(rule, row);
                let mut premises = Vec::new();
                for lit in &rule.body {
                    if let CLit::Pos(a) = lit {
                        let vals: Option<Vec<Value>> = a
                            .args
                            .iter()
                            .map(|t| eval(t, &b, &db.interner, rule.index))
                            .collect();
                        if let Some(vals) = vals {
                            premises.push(ex.id(a.rel, vals, &mut queue));
                        }
                    }
                }
                ex.derivs[f].push(Deriv {
                    rule: rule.index,
                    row,
                    premises,
                });
            }
        }
    }
    // Heights by relaxation on the explored subgraph (small: only what lies beneath one fact).
    let n = ex.facts.len();
    let mut height: Vec<usize> = (0..n)
        .map(|i| {
            if ex.origin[i].is_some() {
                0
            } else {
                usize::MAX
            }
        })
        .collect();
    loop {
        let mut changed = false;
        for f in 0..n {
            if ex.origin[f].is_some() {
                continue;
            }
            for d in &ex.derivs[f] {
                let h = d.premises.iter().map(|&p| height[p]).max().unwrap_or(0);
                if h != usize::MAX && h + 1 < height[f] {
                    height[f] = h + 1;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    if height[root] == usize::MAX {
        // Holds but has no recorded derivation: only possible without witnesses.
        return None;
    }
    let mut graph = DiGraph::new();
    let mut built: FxHashMap<usize, NodeIndex> = FxHashMap::default();
    let root_ix = build(db, &ex, &height, root, &mut graph, &mut built);
    Some(Proof {
        graph,
        root: root_ix,
    })
}

fn build(
    db: &Database,
    ex: &Explorer,
    height: &[usize],
    f: usize,
    g: &mut DiGraph<Node, ()>,
    built: &mut FxHashMap<usize, NodeIndex>,
) -> NodeIndex {
    if let Some(&ix) = built.get(&f) {
        return ix;
    }
    let (rel, values) = ex.facts[f].clone();
    if let Some(origin) = ex.origin[f] {
        let ix = g.add_node(Node::Fact {
            rel,
            values,
            origin,
        });
        built.insert(f, ix);
        return ix;
    }
    let h = height[f];
    let it = &db.interner;
    // Candidates of least height; then rule order; then premise values in display order.
    let best = ex.derivs[f]
        .iter()
        .filter(|d| {
            d.premises
                .iter()
                .map(|&p| height[p])
                .max()
                .unwrap_or(0)
                .saturating_add(1)
                == h
        })
        .min_by(|a, b| {
            a.rule.cmp(&b.rule).then_with(|| {
                for (x, y) in a.premises.iter().zip(&b.premises) {
                    match it.display_cmp_rows(&ex.facts[*x].1, &ex.facts[*y].1) {
                        Ordering::Equal => continue,
                        o => return o,
                    }
                }
                let r = &db.rules.checked.rules[a.rule];
                it.display_cmp_rows(&db.bindings(r, a.row), &db.bindings(r, b.row))
            })
        })
        .expect("a fact with a finite height has a derivation of that height");
    let rule = &db.rules.checked.rules[best.rule];
    let bindings = db.bindings(rule, best.row);
    let ix = g.add_node(Node::Derived {
        rel,
        values,
        height: h,
        rule: best.rule,
        bindings: bindings.clone(),
    });
    built.insert(f, ix);
    let mut premise_iter = best.premises.iter();
    for lit in &rule.body {
        let child = match lit {
            CLit::Pos(_) => {
                let p = *premise_iter.next().expect("one premise per positive atom");
                build(db, ex, height, p, g, built)
            }
            CLit::Neg(a) => {
                let pattern = a
                    .args
                    .iter()
                    .map(|t| eval(t, &bindings, it, rule.index))
                    .collect();
                g.add_node(Node::Absent {
                    rel: a.rel,
                    pattern,
                })
            }
            CLit::Cmp(op, l, r) => g.add_node(Node::Condition {
                text: format!(
                    "{} {} {}",
                    term_text(db, l, &bindings),
                    op.symbol(),
                    term_text(db, r, &bindings)
                ),
            }),
            CLit::Assign(v, e) => g.add_node(Node::Condition {
                text: format!("{} = {}", rule.vars[*v].name, term_text(db, e, &bindings)),
            }),
        };
        g.add_edge(ix, child, ());
    }
    ix
}

/// A term with its variables replaced by their values; arithmetic keeps its shape.
fn term_text(db: &Database, t: &CTerm, b: &[Value]) -> String {
    match t {
        CTerm::Var(v) => db.interner.literal(&b[*v]),
        CTerm::Const(c) => match crate::eval::const_lookup(c, &db.interner) {
            Some(v) => db.interner.literal(&v),
            None => format!("{c:?}"),
        },
        CTerm::Wild => "_".into(),
        CTerm::Arith(op, x, y) => format!(
            "({} {} {})",
            term_text(db, x, b),
            op.symbol(),
            term_text(db, y, b)
        ),
    }
}

impl Proof {
    /// Premises of a node, in the order of the rule's body.
    pub fn children(&self, ix: NodeIndex) -> Vec<NodeIndex> {
        // petgraph lists outgoing edges newest first.
        let mut c: Vec<NodeIndex> = self.graph.neighbors(ix).collect();
        c.reverse();
        c
    }

    /// The weakest authority among the rules used beneath `ix` (recital and guidelines rank below
    /// statute), or `None` for an input fact.
    pub fn weakest_authority(&self, db: &Database, ix: NodeIndex) -> Option<Authority> {
        let own = match &self.graph[ix] {
            Node::Derived { rule, .. } => Some(db.rules.checked.rules[*rule].authority),
            _ => None,
        };
        self.children(ix)
            .into_iter()
            .filter_map(|c| self.weakest_authority(db, c))
            .chain(own)
            .min()
    }
}
