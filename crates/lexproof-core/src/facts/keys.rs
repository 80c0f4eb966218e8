//! Enforces `@key` declarations: facts of a keyed relation that agree on the key fields must agree
//! on the others. Two training-compute figures for one model (a stale file beside a current one)
//! would otherwise both be believed, and the larger would silently decide systemic risk.

use super::Origin;
use crate::data::store::Table;
use crate::data::value::{Interner, Value};
use lexproof_lang::check::Checked;
use rustc_hash::FxHashMap;

/// At most this many conflicts are listed per relation: the first ones show the pattern.
const MAX_LISTED: usize = 10;

/// One error per conflicting pair (up to `MAX_LISTED` per relation), naming both facts and where
/// each is. Tables are sorted and free of exact duplicates, so any two rows that agree on the
/// key differ elsewhere.
pub fn check(
    program: &Checked,
    tables: &[Table],
    origins: &[Vec<Origin>],
    files: &[String],
    interner: &Interner,
) -> Vec<String> {
    let mut errors = Vec::new();
    for (rel, r) in program.relations.iter().enumerate() {
        let Some(key) = &r.key else { continue };
        let t = &tables[rel];
        if t.len() < 2 || key.len() == r.arity() {
            continue;
        }
        for (listed, (first, second)) in conflicts(t, key).into_iter().enumerate() {
            if listed == MAX_LISTED {
                errors.push(format!(
                    "{}: … and more `{}` facts with conflicting values\n",
                    files[origins[rel][second].file as usize], r.name
                ));
                break;
            }
            let (a, b) = if origins[rel][first] <= origins[rel][second] {
                (first, second)
            } else {
                (second, first)
            };
            let at = |row: usize| {
                let o = origins[rel][row];
                format!("{}:{}", files[o.file as usize], o.line)
            };
            let key_text: Vec<String> = key
                .iter()
                .map(|&k| format!("{} {}", r.fields[k].0, interner.readable(&t.get(a, k))))
                .collect();
            let key_names: Vec<&str> = key.iter().map(|&k| r.fields[k].0.as_str()).collect();
            errors.push(format!(
                "{}: error[conflicting_facts]: two `{}` facts for {} disagree, but the rulebase allows one per {}\n  {}: {}\n  {}: {}\n  hint: keep the fact that is true and delete the other (an old copy of a fact file is a common cause){}\n",
                at(b),
                r.name,
                key_text.join(", "),
                key_names.join(" and "),
                at(a),
                interner.readable_atom(&r.name, &t.row(a)),
                at(b),
                interner.readable_atom(&r.name, &t.row(b)),
                hint_for(&r.name),
            ));
        }
    }
    errors
}

fn hint_for(rel: &str) -> &'static str {
    match rel {
        "training_compute" => {
            "; a figure that grew over time is recorded with compute_reached(model, flop, date)"
        }
        _ => "",
    }
}

/// Pairs of rows that agree on `key`, one pair per row after the first with that key. A key
/// made of the leading columns needs no table: the rows are sorted, so equal keys are adjacent.
fn conflicts(t: &Table, key: &[usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if key.iter().enumerate().all(|(i, &k)| i == k) {
        let mut start = 0;
        for row in 1..t.len() {
            if key.iter().all(|&c| t.get(row, c) == t.get(start, c)) {
                out.push((start, row));
            } else {
                start = row;
            }
        }
        return out;
    }
    let mut first: FxHashMap<Vec<Value>, usize> = FxHashMap::default();
    for row in 0..t.len() {
        let k: Vec<Value> = key.iter().map(|&c| t.get(row, c)).collect();
        match first.get(&k) {
            Some(&f) => out.push((f, row)),
            None => {
                first.insert(k, row);
            }
        }
    }
    out
}
