//! Proofs of least height, as Soufflé's provenance defines them: an input fact has height 0, and a
//! derived fact's height is one more than the highest premise of its best rule instance. The proof
//! for one fact is found by exploring only the rule instances beneath it (binary search in the
//! witness tables), computing heights on that subgraph, and choosing, among instances of equal
//! height, the one whose rule comes first in the rules file, then the one whose premises sort first.
//! The chosen proof is a petgraph DAG; renderers walk it.

use crate::data::value::Value;
use crate::db::Database;
use crate::facts::Origin;
use crate::reason::instance::{self, tie_break};
use crate::rules::eval::eval;
use lexproof_lang::ast::Authority;
use lexproof_lang::check::{CLit, CTerm};
use petgraph::graph::{DiGraph, NodeIndex};
use rustc_hash::FxHashMap;

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
    /// A derived fact with several derivations (`explain --all`): its children are `Derived` nodes
    /// for the same fact, best first.
    Choice {
        rel: usize,
        values: Vec<Value>,
        height: usize,
    },
    /// A derived fact below the depth limit: its derivation is not shown, but the weakest authority
    /// of its least-height proof is kept so the proof's weakest authority does not depend on depth.
    Truncated {
        rel: usize,
        values: Vec<Value>,
        height: usize,
        weakest: Option<Authority>,
    },
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

/// The part of the derivation graph earlier proofs on this database explored: facts, their
/// derivations and least heights. Exploring stops at facts already in it (everything below them is
/// in it too), so a report that builds a proof for each duty of n models along a fine-tune chain
/// explores the chain once, not once per proof. Kept in the database's memo.
#[derive(Default)]
pub struct Explored {
    ids: FxHashMap<(usize, Vec<Value>), usize>,
    facts: Vec<(usize, Vec<Value>)>,
    origin: Vec<Option<Origin>>,
    derivs: Vec<Vec<Deriv>>,
    height: Vec<usize>,
    /// The weakest authority along each fact's least-height proof, once asked for.
    weakest: Vec<Option<Option<Authority>>>,
}

/// Facts kept explored between proofs; past it the memo starts again empty before the next
/// proof, so a report over a huge database does not hold its whole derivation graph.
const KEEP_EXPLORED: usize = 2_000_000;

impl Explored {
    fn id(
        &mut self,
        db: &Database,
        rel: usize,
        values: Vec<Value>,
        queue: &mut Vec<usize>,
    ) -> usize {
        if let Some(&i) = self.ids.get(&(rel, values.clone())) {
            return i;
        }
        let i = self.facts.len();
        self.ids.insert((rel, values.clone()), i);
        self.origin.push(db.input_origin(rel, &values));
        self.facts.push((rel, values));
        self.derivs.push(Vec::new());
        self.weakest.push(None);
        queue.push(i);
        i
    }

    /// Explores every rule instance beneath `rel(values)` not explored before, and settles the
    /// heights of the new facts; returns the fact's number.
    fn explore(&mut self, db: &Database, rel: usize, values: &[Value]) -> usize {
        let program = &db.rules.checked;
        let first_new = self.facts.len();
        let mut queue = Vec::new();
        let root = self.id(db, rel, values.to_vec(), &mut queue);
        while let Some(f) = queue.pop() {
            if self.origin[f].is_some() {
                continue;
            }
            let (frel, fvals) = self.facts[f].clone();
            for rule in program.rules_for(frel) {
                for row in db.instances(rule, &fvals) {
                    let b = db.bindings(rule, row);
                    let premises = instance::premises(db, rule, &b)
                        .into_iter()
                        .map(|(prel, vals)| self.id(db, prel, vals, &mut queue))
                        .collect();
                    self.derivs[f].push(Deriv {
                        rule: rule.index,
                        row,
                        premises,
                    });
                }
            }
        }
        self.settle(first_new);
        root
    }

    /// The weakest authority along the least-height proof of fact `f` (input facts carry none),
    /// remembered per fact; iterative, since chains of fine-tunes make proofs 10^5 levels deep.
    fn weakest(&mut self, db: &Database, f: usize) -> Option<Authority> {
        let mut stack = vec![(f, false)];
        while let Some((g, expanded)) = stack.pop() {
            if self.weakest[g].is_some() {
                continue;
            }
            let best = match self.origin[g] {
                Some(_) => None,
                None => ranked_derivations(db, self, g, false).first().copied(),
            };
            let Some(d) = best else {
                self.weakest[g] = Some(None);
                continue;
            };
            let deriv = &self.derivs[g][d];
            if expanded {
                let own = db.rules.checked.rules[deriv.rule].authority;
                let w = deriv
                    .premises
                    .iter()
                    .filter_map(|&p| self.weakest[p].flatten())
                    .chain(Some(own))
                    .min();
                self.weakest[g] = Some(w);
            } else {
                // Premises of a least-height derivation are strictly lower: no cycle to guard.
                stack.push((g, true));
                stack.extend(
                    deriv
                        .premises
                        .iter()
                        .filter(|&&p| self.weakest[p].is_none())
                        .map(|&p| (p, false)),
                );
            }
        }
        self.weakest[f].flatten()
    }

    /// Explores `rel(values)` on the database's memo and runs `f` on its fact number, if it holds
    /// with a finite proof.
    fn with<R>(
        db: &Database,
        rel: usize,
        values: &[Value],
        f: impl FnOnce(&mut Explored, usize) -> Option<R>,
    ) -> Option<R> {
        if !db.holds(rel, values) {
            return None;
        }
        db.memo.with(|ex: &mut Explored| {
            if ex.facts.len() > KEEP_EXPLORED {
                *ex = Explored::default();
            }
            let root = ex.explore(db, rel, values);
            if ex.height[root] == usize::MAX {
                return None;
            }
            f(ex, root)
        })
    }
}

/// The rule and variable values of the least-height derivation of `rel(values)`: what a proof's
/// root shows, without building the proof. `None` for an input fact or one that does not hold.
pub fn best_derivation(db: &Database, rel: usize, values: &[Value]) -> Option<(usize, Vec<Value>)> {
    Explored::with(db, rel, values, |ex, f| {
        let d = *ranked_derivations(db, ex, f, false).first()?;
        let deriv = &ex.derivs[f][d];
        let rule = &db.rules.checked.rules[deriv.rule];
        Some((deriv.rule, db.bindings(rule, deriv.row)))
    })
}

/// The weakest authority along the least-height proof of `rel(values)`, without building it.
pub fn weakest_authority(db: &Database, rel: usize, values: &[Value]) -> Option<Authority> {
    Explored::with(db, rel, values, |ex, f| ex.weakest(db, f))
}

/// What `explain` shows: the least-height proof or every derivation, and how deep.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Every rule instance that derives each fact, not only the one of least height.
    pub all: bool,
    /// Expand rules this many levels below the conclusion; deeper derived facts are `Truncated`.
    pub depth: Option<usize>,
}

/// The proofs a report or timeline reads, cut at this many levels: a fine-tune chain makes them as
/// deep as the chain, and a report over one must stay linear in its size (`lexproof explain` shows
/// a proof whole). Proofs of the shipped rules on ordinary facts stay near 10 levels.
pub const PROOF_LEVELS: usize = 24;

/// The most levels of rules a proof shows below its conclusion, whatever `--depth` asks: proof
/// walks recurse once per level, and deeper facts are listed as not expanded.
pub const MAX_LEVELS: usize = 100_000;

/// The proof of least height of `rel(values)`, or `None` if it does not hold.
pub fn least_height(db: &Database, rel: usize, values: &[Value]) -> Option<Proof> {
    build_proof(db, rel, values, Options::default())
}

/// The proof of `rel(values)` the options ask for, or `None` if it does not hold (or holds with no
/// recorded derivation, which only happens without witnesses).
pub fn build_proof(db: &Database, rel: usize, values: &[Value], opts: Options) -> Option<Proof> {
    Explored::with(db, rel, values, |ex, root| {
        // The derivations shown per fact reached from the root, best first: least height, then
        // rule order, then premise values.
        let mut shown: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
        let depth = opts.depth.unwrap_or(MAX_LEVELS).min(MAX_LEVELS);
        let level = levels(db, ex, &mut shown, root, opts.all, depth);
        let depth = Some(depth);
        let mut b = Builder {
            db,
            ex,
            shown: &shown,
            level: &level,
            depth,
            graph: DiGraph::new(),
            built: FxHashMap::default(),
        };
        let root_ix = b.fact(root);
        Some(Proof {
            graph: b.graph,
            root: root_ix,
        })
    })
}

impl Explored {
    /// The least proof height of facts `from..` (input facts 0; a derivation one more than its
    /// highest premise), by Knuth's generalisation of Dijkstra's algorithm: facts are settled in
    /// order of height, and a derivation counts once all its premises are settled. Facts explored
    /// by earlier proofs are settled already and only raise a derivation's height. Linear up to
    /// the heap's logarithm, so a chain of 10^5 fine-tunes costs what it holds. Facts with no
    /// finite height keep `usize::MAX`.
    fn settle(&mut self, from: usize) {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let n = self.facts.len();
        self.height.resize(n, usize::MAX);
        let new = n - from;
        // Per new fact, the derivations it is a premise of (once per occurrence).
        let mut users: Vec<Vec<(usize, usize)>> = vec![Vec::new(); new];
        // Per derivation of a new fact: premises not yet settled, and the highest settled one.
        let mut waiting: Vec<Vec<(usize, usize)>> = Vec::with_capacity(new);
        let mut heap = BinaryHeap::new();
        for f in from..n {
            if self.origin[f].is_some() {
                heap.push(Reverse((0, f)));
            }
            let mut w = Vec::with_capacity(self.derivs[f].len());
            for (d, deriv) in self.derivs[f].iter().enumerate() {
                let (mut open, mut high) = (0, 0);
                for &p in &deriv.premises {
                    if p >= from {
                        users[p - from].push((f, d));
                        open += 1;
                    } else {
                        high = high.max(self.height[p]);
                    }
                }
                if open == 0 && self.origin[f].is_none() && high != usize::MAX {
                    heap.push(Reverse((high + 1, f)));
                }
                w.push((open, high));
            }
            waiting.push(w);
        }
        while let Some(Reverse((h, f))) = heap.pop() {
            if self.height[f] != usize::MAX {
                continue;
            }
            self.height[f] = h;
            for &(g, d) in &users[f - from] {
                let (open, high) = &mut waiting[g - from][d];
                *open -= 1;
                *high = (*high).max(h);
                if *open == 0
                    && self.height[g] == usize::MAX
                    && self.origin[g].is_none()
                    && *high != usize::MAX
                {
                    heap.push(Reverse((*high + 1, g)));
                }
            }
        }
    }
}

fn deriv_height(d: &Deriv, height: &[usize]) -> usize {
    d.premises
        .iter()
        .map(|&p| height[p])
        .max()
        .unwrap_or(0)
        .saturating_add(1)
}

/// Indexes into `ex.derivs[f]`: the best one, or all of them (every one has a finite height, as
/// every fact in a witness holds) in rank order.
fn ranked_derivations(db: &Database, ex: &Explored, f: usize, all: bool) -> Vec<usize> {
    let height = &ex.height;
    if ex.origin[f].is_some() {
        return Vec::new();
    }
    let mut idx: Vec<usize> = (0..ex.derivs[f].len())
        .filter(|&i| all || deriv_height(&ex.derivs[f][i], height) == height[f])
        .filter(|&i| deriv_height(&ex.derivs[f][i], height) != usize::MAX)
        .collect();
    idx.sort_by(|&i, &j| {
        let (a, b) = (&ex.derivs[f][i], &ex.derivs[f][j]);
        deriv_height(a, height)
            .cmp(&deriv_height(b, height))
            .then_with(|| {
                tie_break(db, (a.rule, a.row), (b.rule, b.row), || {
                    let values = |d: &Deriv| -> Vec<&[Value]> {
                        d.premises
                            .iter()
                            .map(|&p| ex.facts[p].1.as_slice())
                            .collect()
                    };
                    (values(a), values(b))
                })
            })
    });
    if !all {
        idx.truncate(1);
    }
    idx
}

/// Each fact's distance in rule steps from the root, over the derivations shown (breadth first,
/// so a fact shared by a shallow and a deep branch counts as shallow), down to `depth`; fills
/// `shown` for every fact reached above it.
fn levels(
    db: &Database,
    ex: &Explored,
    shown: &mut FxHashMap<usize, Vec<usize>>,
    root: usize,
    all: bool,
    depth: usize,
) -> FxHashMap<usize, usize> {
    let mut level = FxHashMap::default();
    level.insert(root, 0);
    let mut queue = std::collections::VecDeque::from([root]);
    while let Some(f) = queue.pop_front() {
        // Facts at the depth limit are shown truncated: what lies below them is not visited.
        if level[&f] >= depth {
            continue;
        }
        let ranked = ranked_derivations(db, ex, f, all);
        for &d in &ranked {
            for &p in &ex.derivs[f][d].premises {
                if !level.contains_key(&p) {
                    level.insert(p, level[&f] + 1);
                    queue.push_back(p);
                }
            }
        }
        shown.insert(f, ranked);
    }
    level
}

struct Builder<'a> {
    db: &'a Database,
    ex: &'a mut Explored,
    shown: &'a FxHashMap<usize, Vec<usize>>,
    level: &'a FxHashMap<usize, usize>,
    depth: Option<usize>,
    graph: DiGraph<Node, ()>,
    built: FxHashMap<usize, NodeIndex>,
}

impl Builder<'_> {
    /// The node of fact `f`, built once: later uses (shared subproofs, and with `--all` recursion
    /// through the fact itself) point to the same node.
    fn fact(&mut self, f: usize) -> NodeIndex {
        if let Some(&ix) = self.built.get(&f) {
            return ix;
        }
        let (rel, values) = self.ex.facts[f].clone();
        if let Some(origin) = self.ex.origin[f] {
            let ix = self.graph.add_node(Node::Fact {
                rel,
                values,
                origin,
            });
            self.built.insert(f, ix);
            return ix;
        }
        if self.depth.is_some_and(|d| self.level[&f] >= d) {
            let weakest = self.ex.weakest(self.db, f);
            let ix = self.graph.add_node(Node::Truncated {
                rel,
                values,
                height: self.ex.height[f],
                weakest,
            });
            self.built.insert(f, ix);
            return ix;
        }
        let shown = &self.shown[&f];
        if shown.len() == 1 {
            return self.derivation(f, shown[0], true);
        }
        let ix = self.graph.add_node(Node::Choice {
            rel,
            values,
            height: self.ex.height[f],
        });
        self.built.insert(f, ix);
        for &d in shown {
            let child = self.derivation(f, d, false);
            self.graph.add_edge(ix, child, ());
        }
        ix
    }

    /// A `Derived` node for derivation `d` of fact `f`, with one child per body literal.
    fn derivation(&mut self, f: usize, d: usize, register: bool) -> NodeIndex {
        let db = self.db;
        let it = &db.interner;
        let (rel, values) = self.ex.facts[f].clone();
        let deriv = &self.ex.derivs[f][d];
        let rule = &db.rules.checked.rules[deriv.rule];
        let bindings = db.bindings(rule, deriv.row);
        let ix = self.graph.add_node(Node::Derived {
            rel,
            values,
            height: deriv_height(deriv, &self.ex.height),
            rule: deriv.rule,
            bindings: bindings.clone(),
        });
        if register {
            self.built.insert(f, ix);
        }
        let premises = deriv.premises.clone();
        let mut premise_iter = premises.iter();
        for lit in &rule.body {
            let child = match lit {
                CLit::Pos(_) => {
                    let p = *premise_iter.next().expect("one premise per positive atom");
                    self.fact(p)
                }
                CLit::Neg(a) => {
                    let pattern = a
                        .args
                        .iter()
                        .map(|t| eval(t, &bindings, it, rule.index))
                        .collect();
                    self.graph.add_node(Node::Absent {
                        rel: a.rel,
                        pattern,
                    })
                }
                CLit::Cmp(op, l, r) => self.graph.add_node(Node::Condition {
                    text: format!(
                        "{} {} {}",
                        term_text(db, l, &bindings),
                        op.symbol(),
                        term_text(db, r, &bindings)
                    ),
                }),
                CLit::Assign(v, e) => self.graph.add_node(Node::Condition {
                    text: format!("{} = {}", rule.vars[*v].name, term_text(db, e, &bindings)),
                }),
            };
            self.graph.add_edge(ix, child, ());
        }
        ix
    }
}

/// A term with its variables replaced by their values; arithmetic keeps its shape.
fn term_text(db: &Database, t: &CTerm, b: &[Value]) -> String {
    match t {
        CTerm::Var(v) => db.interner.readable(&b[*v]),
        CTerm::Const(c) => match crate::rules::eval::const_lookup(c, &db.interner) {
            Some(v) => db.interner.readable(&v),
            None => format!("{c:?}"),
        },
        CTerm::Wild => "_".into(),
        CTerm::Arith(op, x, y) => format!(
            "({} {} {})",
            term_text(db, x, b),
            op.symbol(),
            term_text(db, y, b)
        ),
        CTerm::Call(f, args) => format!(
            "{}({})",
            f.name(),
            args.iter()
                .map(|a| term_text(db, a, b))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl Proof {
    /// Premises of a node, in the order of the rule's body.
    /// How many levels of nodes the proof has below its root (shared nodes counted where they are
    /// deepest), without recursion.
    pub fn levels(&self) -> usize {
        let order = match petgraph::algo::toposort(&self.graph, None) {
            Ok(o) => o,
            // With `--all`, a derivation may run through its own conclusion: no order, and the
            // renderers show such a node once and refer back to it.
            Err(_) => return self.graph.node_count(),
        };
        let mut depth = vec![0usize; self.graph.node_count()];
        let mut deepest = 0;
        for ix in order {
            let d = depth[ix.index()];
            deepest = deepest.max(d);
            for c in self.graph.neighbors(ix) {
                depth[c.index()] = depth[c.index()].max(d + 1);
            }
        }
        deepest
    }

    pub fn children(&self, ix: NodeIndex) -> Vec<NodeIndex> {
        // petgraph lists outgoing edges newest first.
        let mut c: Vec<NodeIndex> = self.graph.neighbors(ix).collect();
        c.reverse();
        c
    }

    /// The weakest authority the conclusion at `ix` rests on (recital and guidelines rank below
    /// statute): the weakest rule along its derivation, and where a fact holds in several ways
    /// (`Choice`), the best of those. `None` for an input fact. A step back into a fact being
    /// evaluated (recursion shown by `--all`) adds nothing.
    pub fn weakest_authority(&self, db: &Database, ix: NodeIndex) -> Option<Authority> {
        let mut memo = FxHashMap::default();
        let mut on_stack = rustc_hash::FxHashSet::default();
        self.authority_at(db, ix, &mut memo, &mut on_stack)
    }

    /// `weakest_authority` of every node, indexed by node (for renderers that show it per node:
    /// one walk, not one per node).
    pub fn weakest_authorities(&self, db: &Database) -> Vec<Option<Authority>> {
        let mut memo = FxHashMap::default();
        let mut on_stack = rustc_hash::FxHashSet::default();
        self.authority_at(db, self.root, &mut memo, &mut on_stack);
        self.graph
            .node_indices()
            .map(|ix| match memo.get(&ix) {
                Some(a) => *a,
                None => self.authority_at(db, ix, &mut memo, &mut on_stack),
            })
            .collect()
    }

    fn authority_at(
        &self,
        db: &Database,
        ix: NodeIndex,
        memo: &mut FxHashMap<NodeIndex, Option<Authority>>,
        on_stack: &mut rustc_hash::FxHashSet<NodeIndex>,
    ) -> Option<Authority> {
        if let Some(a) = memo.get(&ix) {
            return *a;
        }
        if !on_stack.insert(ix) {
            return None;
        }
        let children = self.children(ix);
        let a = match &self.graph[ix] {
            Node::Derived { rule, .. } => children
                .into_iter()
                .filter_map(|c| self.authority_at(db, c, memo, on_stack))
                .chain(Some(db.rules.checked.rules[*rule].authority))
                .min(),
            Node::Choice { .. } => children
                .into_iter()
                .map(|c| self.authority_at(db, c, memo, on_stack))
                .max()
                .flatten(),
            Node::Truncated { weakest, .. } => *weakest,
            _ => None,
        };
        on_stack.remove(&ix);
        memo.insert(ix, a);
        a
    }

    /// How many edges point at each node (the root counts one more): a node with more than one is a
    /// shared subproof, shown once and referred to afterwards.
    pub fn shared(&self) -> Vec<bool> {
        let mut indeg = vec![0usize; self.graph.node_count()];
        for e in self.graph.edge_indices() {
            let (_, t) = self.graph.edge_endpoints(e).expect("edge exists");
            indeg[t.index()] += 1;
        }
        indeg[self.root.index()] += 1;
        self.graph
            .node_indices()
            .map(|ix| {
                indeg[ix.index()] > 1
                    && matches!(
                        self.graph[ix],
                        Node::Derived { .. } | Node::Choice { .. } | Node::Truncated { .. }
                    )
            })
            .collect()
    }
}
