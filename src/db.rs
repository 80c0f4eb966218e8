//! The result of a run: input facts with origins, derived relations and witness relations, each
//! sorted so that a fact or the rule instances deriving it are found by binary search. This layout
//! is engine-neutral: whichever engine fills it, proofs and output read it the same way.

use crate::eval::{const_lookup, eval};
use crate::facts::{FactSet, Origin};
use crate::rulebase::Rulebase;
use crate::store::{partition_point, Table};
use crate::value::{Interner, Value};
use lexproof_lang::check::{CTerm, Rule};
use std::cmp::Ordering;

pub struct Database {
    pub rules: Rulebase,
    pub interner: Interner,
    pub facts: FactSet,
    /// Per relation: its derived tuples if rules derive it.
    pub derived: Vec<Option<Table>>,
    /// Per rule: one row per fired instance (the rule's variables in witness order), sorted by the
    /// instance's head tuple. Empty when the binary was built without witnesses.
    pub witnesses: Vec<Table>,
    pub witnesses_recorded: bool,
    pub engine: crate::engine::EngineKind,
    /// Display rank of each symbol (see `Interner::display_ranks`).
    pub ranks: Vec<u32>,
}

impl Database {
    /// Builds the database from an engine's raw output: sorts every table for lookup.
    pub fn new(
        rules: Rulebase,
        interner: Interner,
        facts: FactSet,
        mut derived: Vec<Option<Table>>,
        mut witnesses: Vec<Table>,
        witnesses_recorded: bool,
        engine: crate::engine::EngineKind,
    ) -> Database {
        // Sorting is the bulk of indexing; tables are independent, so both cores share them.
        let mut jobs: Vec<(Option<&Rule>, &mut Table)> =
            derived.iter_mut().flatten().map(|t| (None, t)).collect();
        jobs.extend(
            rules
                .checked
                .rules
                .iter()
                .zip(witnesses.iter_mut())
                .map(|(r, t)| (Some(r), t)),
        );
        jobs.sort_by_key(|(_, t)| std::cmp::Reverse(t.len()));
        crate::parallel::for_each(jobs, |(rule, t)| match rule {
            None => {
                t.sort_dedup();
            }
            Some(rule) => sort_by_head(rule, t, &interner),
        });
        let ranks = interner.display_ranks();
        Database {
            ranks,
            rules,
            interner,
            facts,
            derived,
            witnesses,
            witnesses_recorded,
            engine,
        }
    }

    pub fn relation_name(&self, rel: usize) -> &str {
        &self.rules.checked.relations[rel].name
    }

    /// All tuples that hold for a relation: derived ones for conclusions, else the input facts.
    pub fn tuples(&self, rel: usize) -> &Table {
        self.derived[rel]
            .as_ref()
            .unwrap_or(&self.facts.tables[rel])
    }

    pub fn holds(&self, rel: usize, values: &[Value]) -> bool {
        self.tuples(rel).contains(values).is_some()
            || self.facts.tables[rel].contains(values).is_some()
    }

    /// The origin of an input fact (a fact file or a ground fact in the rules file).
    pub fn input_origin(&self, rel: usize, values: &[Value]) -> Option<Origin> {
        self.facts.tables[rel]
            .contains(values)
            .map(|i| self.facts.origins[rel][i])
    }

    /// Rows of rule `rule`'s witness table whose instance derives `head`.
    pub fn instances(&self, rule: &Rule, head: &[Value]) -> std::ops::Range<usize> {
        let Some(t) = self.witnesses.get(rule.index) else {
            return 0..0;
        };
        let lo = partition_point(t.len(), |r| {
            cmp_head(rule, t, r, head, &self.interner) == Ordering::Less
        });
        let hi = partition_point(t.len(), |r| {
            cmp_head(rule, t, r, head, &self.interner) != Ordering::Greater
        });
        lo..hi.max(lo)
    }

    /// The values of every rule variable for one witness row.
    pub fn bindings(&self, rule: &Rule, row: usize) -> Vec<Value> {
        let t = &self.witnesses[rule.index];
        let mut b = vec![Value::Num(0); rule.vars.len()];
        for (col, &v) in rule.witness.iter().enumerate() {
            b[v] = t.get(row, col);
        }
        b
    }

    /// Row positions of `t` in the order users see (symbols by text). Tables without symbol columns
    /// are already in that order.
    pub fn display_order(&self, t: &Table) -> Vec<u32> {
        use crate::store::Type;
        if !t.types().contains(&Type::Symbol) {
            // Storage order is display order when no column holds symbols.
            return (0..t.len() as u32).collect();
        }
        if t.arity() <= 4 && !t.types().contains(&Type::Number) {
            // Symbol ranks and dates fit 32 bits each: sort packed integer keys instead of
            // comparing values (rows are distinct, so keys are too).
            let cols: Vec<Vec<u32>> = (0..t.arity())
                .map(|c| match t.types()[c] {
                    Type::Symbol => t.syms(c).iter().map(|s| self.ranks[s.0 as usize]).collect(),
                    // Order-preserving: flip the sign bit.
                    _ => t
                        .dates(c)
                        .iter()
                        .map(|d| (d.0 as u32) ^ (1 << 31))
                        .collect(),
                })
                .collect();
            let mut keys: Vec<(u128, u32)> = (0..t.len())
                .map(|r| {
                    let k = cols.iter().fold(0u128, |k, col| (k << 32) | col[r] as u128);
                    (k, r as u32)
                })
                .collect();
            keys.sort_unstable_by_key(|e| e.0);
            return keys.into_iter().map(|e| e.1).collect();
        }
        let mut perm: Vec<u32> = (0..t.len() as u32).collect();
        {
            let key = |v: Value| match v {
                Value::Sym(s) => Value::Sym(crate::value::Sym(self.ranks[s.0 as usize])),
                v => v,
            };
            perm.sort_unstable_by(|&a, &b| {
                for c in 0..t.arity() {
                    match key(t.get(a as usize, c)).raw_cmp(&key(t.get(b as usize, c))) {
                        Ordering::Equal => continue,
                        o => return o,
                    }
                }
                Ordering::Equal
            });
        }
        perm
    }

    pub fn conclusion_count(&self) -> usize {
        self.derived.iter().flatten().map(|t| t.len()).sum()
    }
    pub fn witness_count(&self) -> usize {
        self.witnesses.iter().map(|t| t.len()).sum()
    }
}

fn head_arg(rule: &Rule, t: &Table, row: usize, k: usize, interner: &Interner) -> Option<Value> {
    match &rule.head.args[k] {
        CTerm::Var(v) => {
            let col = rule.witness.iter().position(|w| w == v)?;
            Some(t.get(row, col))
        }
        CTerm::Const(c) => const_lookup(c, interner),
        other => {
            let mut b = vec![Value::Num(0); rule.vars.len()];
            for (col, &v) in rule.witness.iter().enumerate() {
                b[v] = t.get(row, col);
            }
            eval(other, &b, interner, rule.index)
        }
    }
}

fn cmp_head(rule: &Rule, t: &Table, row: usize, head: &[Value], interner: &Interner) -> Ordering {
    for (k, want) in head.iter().enumerate() {
        let have = head_arg(rule, t, row, k, interner);
        let o = match have {
            Some(v) => v.raw_cmp(want),
            None => Ordering::Less,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// Sorts a witness table by the head tuple each row derives (then by the whole row, so the order is
/// total). Head variables come first in a witness row, so for plain heads this is a prefix sort.
fn sort_by_head(rule: &Rule, t: &mut Table, interner: &Interner) {
    // Head variables come first in a witness row, in order of first appearance in the head. When the
    // head holds each variable at most once and no arithmetic, row order is head order (constants
    // are equal in every row), so a plain row sort is a head sort.
    let mut next = 0;
    let row_order_is_head_order = rule.head.args.iter().all(|a| match a {
        CTerm::Var(v) => {
            let ok = rule.witness.get(next) == Some(v);
            next += 1;
            ok
        }
        CTerm::Const(_) => true,
        _ => false,
    });
    if row_order_is_head_order {
        t.sort_dedup();
        return;
    }
    let arity = rule.head.args.len();
    let mut perm: Vec<u32> = (0..t.len() as u32).collect();
    perm.sort_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        for k in 0..arity {
            let x = head_arg(rule, t, a, k, interner);
            let y = head_arg(rule, t, b, k, interner);
            let o = match (x, y) {
                (Some(x), Some(y)) => x.raw_cmp(&y),
                (x, y) => x.is_some().cmp(&y.is_some()),
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        t.cmp_rows(a, b)
    });
    t.permute(&perm);
}
