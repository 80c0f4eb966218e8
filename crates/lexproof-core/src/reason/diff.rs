//! What changed between two runs (`lexproof diff`): per conclusion relation, the tuples the new run
//! concludes that the baseline does not, and those it no longer concludes. Tuples are compared by
//! their exact text, so two runs with different rules, facts or symbol tables compare alike.

use crate::data::value::Value;
use crate::db::Database;
use std::collections::HashSet;

/// The changes in one relation, each side in display order of the run it comes from.
pub struct RelationDiff {
    pub name: String,
    /// Rows of the new run (`new.tuples`), not concluded by the baseline.
    pub added: Vec<Vec<Value>>,
    /// Rows of the baseline (`base.tuples`), not concluded by the new run.
    pub removed: Vec<Vec<Value>>,
    /// The relation's index in each run, where it is declared.
    pub new_rel: Option<usize>,
    pub base_rel: Option<usize>,
}

/// The conclusion relations to compare: those either run shows by default (`.output`, or every
/// derived relation when a rulebase names none), by name, in the new run's order then the
/// baseline's.
fn conclusion_names(base: &Database, new: &Database) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for db in [new, base] {
        let p = &db.rules.checked;
        let rels: Vec<usize> = if p.outputs.is_empty() {
            (0..p.relations.len())
                .filter(|&r| p.relations[r].derived)
                .collect()
        } else {
            p.outputs.clone()
        };
        for r in rels {
            let name = &p.relations[r].name;
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// A relation's index in `db` by name, if declared with that arity.
fn relation(db: &Database, name: &str, arity: Option<usize>) -> Option<usize> {
    let p = &db.rules.checked;
    p.relation(name)
        .filter(|&r| arity.is_none_or(|a| p.relations[r].arity() == a))
}

/// Every conclusion relation that changed, in the order of `conclusion_names`.
pub fn diff(base: &Database, new: &Database) -> Vec<RelationDiff> {
    let mut out = Vec::new();
    for name in conclusion_names(base, new) {
        let new_rel = relation(new, &name, None);
        let arity = new_rel.map(|r| new.rules.checked.relations[r].arity());
        let base_rel = relation(base, &name, arity);
        let rows = |db: &Database, rel: Option<usize>| -> Vec<Vec<Value>> {
            rel.map_or(Vec::new(), |r| db.sorted_rows(db.tuples(r)))
        };
        let (new_rows, base_rows) = (rows(new, new_rel), rows(base, base_rel));
        let texts = |db: &Database, rows: &[Vec<Value>]| -> Vec<String> {
            rows.iter().map(|r| db.interner.atom(&name, r)).collect()
        };
        let (new_texts, base_texts) = (texts(new, &new_rows), texts(base, &base_rows));
        let in_base: HashSet<&String> = base_texts.iter().collect();
        let in_new: HashSet<&String> = new_texts.iter().collect();
        let added: Vec<Vec<Value>> = new_rows
            .into_iter()
            .zip(&new_texts)
            .filter(|(_, t)| !in_base.contains(t))
            .map(|(r, _)| r)
            .collect();
        let removed: Vec<Vec<Value>> = base_rows
            .into_iter()
            .zip(&base_texts)
            .filter(|(_, t)| !in_new.contains(t))
            .map(|(r, _)| r)
            .collect();
        if !added.is_empty() || !removed.is_empty() {
            out.push(RelationDiff {
                name,
                added,
                removed,
                new_rel,
                base_rel,
            });
        }
    }
    out
}

/// The position of the field named `actor` in a relation, if it has one: changes are grouped by it.
pub fn actor_field(db: &Database, rel: usize) -> Option<usize> {
    db.rules.checked.relations[rel]
        .fields
        .iter()
        .position(|(n, _)| n == "actor")
}
