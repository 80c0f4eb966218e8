//! The result of a run: input facts with origins, derived relations (sorted, so a fact is found by
//! binary search) and each rule's instances (by head row, see `instances`). This layout is
//! engine-neutral: whichever engine fills it, proofs and output read it the same way.

pub mod instances;
pub mod memo;

use crate::data::store::Table;
use crate::data::value::{Interner, Value};
use crate::db::instances::Instances;
use crate::facts::{FactSet, Origin};
use crate::rules::rulebase::Rulebase;
use lexproof_lang::check::Rule;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

/// Which engine evaluates the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// The crepe program compiled into the binary (only for the compiled-in rulebase).
    Compiled,
    /// The run-time semi-naive evaluator (any rulebase).
    Runtime,
}

impl EngineKind {
    /// `compiled` or `runtime`, as the `--engine` option spells it.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Compiled => "compiled",
            EngineKind::Runtime => "runtime",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            EngineKind::Compiled => "compiled engine (rules compiled to Rust)",
            EngineKind::Runtime => "run-time evaluator",
        }
    }
}

pub struct Database {
    pub rules: Rulebase,
    pub interner: Interner,
    pub facts: FactSet,
    /// Per relation: its derived tuples if rules derive it.
    pub derived: Vec<Option<Table>>,
    /// Per rule: its fired instances, by head tuple. Empty when the binary was built without
    /// witnesses.
    pub witnesses: Vec<Instances>,
    pub witnesses_recorded: bool,
    pub engine: EngineKind,
    /// Display rank of each symbol (see `Interner::display_ranks`).
    pub ranks: Vec<u32>,
    /// Reused by proof searches (`reason::proof`).
    pub memo: memo::Memo,
    /// Per relation, once asked for: the rows each value appears in (`rows_mentioning`).
    mentions: Vec<OnceLock<FxHashMap<Value, Vec<u32>>>>,
}

impl Database {
    /// The database of an engine's output: derived tables sorted and deduplicated, each rule's
    /// instances stored against its head relation's table (`instances::finish`); `ranks` are
    /// `interner.display_ranks()`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        rules: Rulebase,
        interner: Interner,
        ranks: Vec<u32>,
        facts: FactSet,
        derived: Vec<Option<Table>>,
        witnesses: Vec<Instances>,
        witnesses_recorded: bool,
        engine: EngineKind,
    ) -> Database {
        debug_assert_eq!(ranks.len(), interner.len());
        let mentions = (0..derived.len()).map(|_| OnceLock::new()).collect();
        Database {
            mentions,
            ranks,
            rules,
            interner,
            facts,
            derived,
            witnesses,
            witnesses_recorded,
            engine,
            memo: memo::Memo::default(),
        }
    }

    pub fn relation_name(&self, rel: usize) -> &str {
        &self.rules.checked.relations[rel].name
    }

    /// The relation of that name and arity, if the rules declare one (the presentation layers read
    /// relations of the shipped vocabulary by name and do without them on other rulebases).
    pub fn relation_named(&self, name: &str, arity: usize) -> Option<usize> {
        let p = &self.rules.checked;
        p.relation(name)
            .filter(|&r| p.relations[r].arity() == arity)
    }

    /// Whether `v` is the symbol `name` (a duty or a value the rules fix).
    pub fn is_symbol(&self, v: Value, name: &str) -> bool {
        self.interner.get(name).map(Value::Sym) == Some(v)
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

    /// The instances of `rule` (numbered 0..len) that derive `head`.
    pub fn instances(&self, rule: &Rule, head: &[Value]) -> std::ops::Range<usize> {
        let Some(inst) = self.witnesses.get(rule.index) else {
            return 0..0;
        };
        match self.tuples(rule.head.rel).contains(head) {
            Some(h) => inst.of_head(h),
            None => 0..0,
        }
    }

    /// The values of every rule variable for one instance.
    pub fn bindings(&self, rule: &Rule, row: usize) -> Vec<Value> {
        self.witnesses[rule.index].bindings(row, self.tuples(rule.head.rel), rule.vars.len())
    }

    /// An instance's recorded values in witness order (the rule's variables as `Rule::witness`
    /// lists them).
    pub fn witness_row(&self, rule: &Rule, row: usize) -> Vec<Value> {
        let b = self.bindings(rule, row);
        rule.witness.iter().map(|&v| b[v]).collect()
    }

    /// The tuples of `rel` with `v` in some column, in the order users see. The index behind it is
    /// built on first use, so asking once per model of a large database (a report, a timeline per
    /// model) costs what the table holds, not that times the models.
    pub fn rows_mentioning(&self, rel: usize, v: Value) -> Vec<Vec<Value>> {
        let t = self.tuples(rel);
        self.row_ids_mentioning(rel, v)
            .iter()
            .map(|&r| t.row(r as usize))
            .collect()
    }

    /// The rows of `self.tuples(rel)` with `v` in some column, in the order users see: the index
    /// behind `rows_mentioning`, without copying the rows.
    pub fn row_ids_mentioning(&self, rel: usize, v: Value) -> &[u32] {
        let t = self.tuples(rel);
        let index = self.mentions[rel].get_or_init(|| {
            let mut index: FxHashMap<Value, Vec<u32>> = FxHashMap::default();
            for r in self.display_order(t) {
                let row = t.row(r as usize);
                for (c, x) in row.iter().enumerate() {
                    if !row[..c].contains(x) {
                        index.entry(*x).or_default().push(r);
                    }
                }
            }
            index
        });
        index.get(&v).map_or(&[], Vec::as_slice)
    }

    /// The rows of `t` in the order users see.
    pub fn sorted_rows(&self, t: &Table) -> Vec<Vec<Value>> {
        self.display_order(t)
            .into_iter()
            .map(|r| t.row(r as usize))
            .collect()
    }

    /// Row positions of `t` in the order users see (symbols by text). Tables without symbol columns
    /// are already in that order.
    pub fn display_order(&self, t: &Table) -> Vec<u32> {
        if t.sym_columns().next().is_none() {
            // Storage order is display order when no column holds symbols.
            return (0..t.len() as u32).collect();
        }
        // Each symbol replaced by its rank in text order, the table's own sort gives display
        // order: its keys pack each column's range into as few bits as it needs (one 64-bit
        // integer a row where they fit). Rows are distinct, so no two keys tie.
        let mut ranked = t.clone();
        ranked.map_syms(|s| crate::data::value::Sym(self.ranks[s.0 as usize]));
        ranked.order()
    }

    pub fn conclusion_count(&self) -> usize {
        self.derived.iter().flatten().map(|t| t.len()).sum()
    }
    pub fn witness_count(&self) -> usize {
        self.witnesses.iter().map(|t| t.len()).sum()
    }
}
