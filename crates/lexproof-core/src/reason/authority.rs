//! The weakest authority behind every conclusion, for whole-database output (`derive --format json`).
//! It is the weakest authority in the same least-height proof `explain` shows, computed for all
//! conclusions at once: relations are processed in dependency order, and recursive ones to a fixpoint.

use crate::data::value::Value;
use crate::db::Database;
use crate::reason::instance::{premises, tie_break};
use lexproof_lang::ast::Authority;
use lexproof_lang::check::Rule;
use std::cmp::Ordering;

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy)]
struct Best {
    height: u32,
    rule: u32,
    row: u32,
}

/// Per relation, per row of `db.tuples(rel)`: the weakest authority in its least-height proof
/// (`None` for input facts, and for everything when no witnesses were recorded).
pub fn weakest_per_tuple(db: &Database) -> Vec<Vec<Option<Authority>>> {
    let program = &db.rules.checked;
    let derived_leaf = |r: usize, i: usize| db.input_origin(r, &db.tuples(r).row(i)).is_some();
    let per_derived =
        |f: &dyn Fn(usize, usize) -> Option<Authority>| -> Vec<Vec<Option<Authority>>> {
            program
                .relations
                .iter()
                .enumerate()
                .map(|(r, rel)| {
                    if rel.derived {
                        (0..db.tuples(r).len()).map(|i| f(r, i)).collect()
                    } else {
                        Vec::new()
                    }
                })
                .collect()
        };
    if !db.witnesses_recorded {
        return per_derived(&|_, _| None);
    }
    // All rules of one authority (e.g. a plain Datalog file): every derived conclusion has it, and
    // no proof needs choosing.
    if let Some(first) = program.rules.first().map(|r| r.authority) {
        if program.rules.iter().all(|r| r.authority == first) {
            return per_derived(&|r, i| (!derived_leaf(r, i)).then_some(first));
        }
    }
    let best = least_height_choices(db);
    weakest_bottom_up(db, &best)
}

/// Per derived tuple, the instance its least-height proof uses (by height, then `tie_break`),
/// found component by component, recursive ones to a fixpoint.
fn least_height_choices(db: &Database) -> Vec<Vec<Best>> {
    let program = &db.rules.checked;
    let nrel = program.relations.len();
    let mut best: Vec<Vec<Best>> = (0..nrel)
        .map(|r| {
            if program.relations[r].derived {
                vec![
                    Best {
                        height: NONE,
                        rule: NONE,
                        row: 0
                    };
                    db.tuples(r).len()
                ]
            } else {
                Vec::new()
            }
        })
        .collect();
    // Derived facts that are also given as facts (in the rules file) are leaves.
    for (r, b) in best.iter_mut().enumerate() {
        for (i, slot) in b.iter_mut().enumerate() {
            if db.input_origin(r, &db.tuples(r).row(i)).is_some() {
                slot.height = 0;
            }
        }
    }
    for comp in &program.components {
        let rules: Vec<&Rule> = program.component_rules(comp).collect();
        let recursive = rules.iter().any(|r| !r.recursive_premises(comp).is_empty());
        while relax(db, &rules, &mut best) && recursive {}
    }
    best
}

/// The height of a premise's proof so far: 0 for an input fact, `None` if not (yet) proved.
fn height_of(db: &Database, best: &[Vec<Best>], rel: usize, vals: &[Value]) -> Option<u32> {
    if !db.rules.checked.relations[rel].derived {
        return db.facts.tables[rel].contains(vals).map(|_| 0);
    }
    db.tuples(rel)
        .contains(vals)
        .map(|i| best[rel][i].height)
        .filter(|&h| h != NONE)
}

/// One round over the instances of `rules`: each head keeps its best instance so far. Returns
/// whether any choice changed.
fn relax(db: &Database, rules: &[&Rule], best: &mut [Vec<Best>]) -> bool {
    let mut changed = false;
    for rule in rules {
        let Some(w) = db.witnesses.get(rule.index) else {
            continue;
        };
        for row in 0..w.len() {
            let b = db.bindings(rule, row);
            let hi = w.head_row(row);
            let cur = best[rule.head.rel][hi];
            if cur.height == 0 {
                continue;
            }
            let mut h = 0;
            let mut ok = true;
            for (prel, pvals) in premises(db, rule, &b) {
                match height_of(db, best, prel, &pvals) {
                    Some(ph) => h = h.max(ph),
                    None => ok = false,
                }
            }
            if !ok {
                continue;
            }
            let cand = Best {
                height: h + 1,
                rule: rule.index as u32,
                row: row as u32,
            };
            let better = cur.height == NONE
                || cand.height < cur.height
                || (cand.height == cur.height
                    && tie_break(
                        db,
                        (cand.rule as usize, cand.row as usize),
                        (cur.rule as usize, cur.row as usize),
                        || {
                            let r = &db.rules.checked.rules[cur.rule as usize];
                            let values = |row: u32| -> Vec<Vec<Value>> {
                                premises(db, r, &db.bindings(r, row as usize))
                                    .into_iter()
                                    .map(|p| p.1)
                                    .collect()
                            };
                            (values(cand.row), values(cur.row))
                        },
                    ) == Ordering::Less);
            if better {
                best[rule.head.rel][hi] = cand;
                changed = true;
            }
        }
    }
    changed
}

/// Weakest authority bottom-up by height: a chosen instance's premises are strictly lower.
fn weakest_bottom_up(db: &Database, best: &[Vec<Best>]) -> Vec<Vec<Option<Authority>>> {
    let program = &db.rules.checked;
    let mut order: Vec<(u32, usize, usize)> = Vec::new();
    for (r, b) in best.iter().enumerate() {
        for (i, x) in b.iter().enumerate() {
            if x.height != NONE && x.height > 0 {
                order.push((x.height, r, i));
            }
        }
    }
    order.sort_unstable();
    let mut weakest: Vec<Vec<Option<Authority>>> =
        best.iter().map(|b| vec![None; b.len()]).collect();
    for (_, r, i) in order {
        let x = best[r][i];
        let rule = &program.rules[x.rule as usize];
        let b = db.bindings(rule, x.row as usize);
        let mut w = Some(rule.authority);
        for (prel, pvals) in premises(db, rule, &b) {
            if program.relations[prel].derived {
                if let Some(pi) = db.tuples(prel).contains(&pvals) {
                    if let Some(pw) = weakest[prel][pi] {
                        w = Some(w.map_or(pw, |a| a.min(pw)));
                    }
                }
            }
        }
        weakest[r][i] = w;
    }
    weakest
}
