//! "Did you mean": the known value nearest to a misspelt one, among the values that could stand where
//! it was written, so that a misspelt model id is never answered with a country code.

use crate::data::value::Sym;
use crate::db::Database;
use lexproof_lang::ast::Type;
use rustc_hash::FxHashSet;

/// Where a value was written: a field of a relation, or any field holding a role (`"model"`).
#[derive(Clone, Copy)]
pub enum Place<'a> {
    Field { rel: usize, col: usize },
    Role(&'a str),
    Anywhere,
}

/// The known value nearest to `s` in spelling or case (`"Aurora-M"` for `"aurora-m"`) among those
/// that `place` may hold: for a field with a role, the values of every field with a role of the same
/// family (`.type a <: b` relates them); for a field without one, the values that field holds. With
/// no candidate there, any symbol of the facts and rules.
pub fn nearest_value(db: &Database, s: &str, place: Place) -> Option<String> {
    let candidates = candidates(db, place);
    let pick = |known: &mut dyn Iterator<Item = &str>| -> Option<String> {
        let known: Vec<&str> = known.collect();
        if let Some(same) = known
            .iter()
            .find(|k| k.trim().eq_ignore_ascii_case(s.trim()))
        {
            return Some(same.to_string());
        }
        lexproof_lang::check::suggest(s, known.into_iter())
    };
    match candidates {
        Some(set) if !set.is_empty() => {
            let mut names: Vec<&str> = set.iter().map(|&i| db.interner.resolve(Sym(i))).collect();
            // Ties in the suggester go to the first seen: keep it independent of hashing order.
            names.sort_unstable();
            pick(&mut names.into_iter())
        }
        _ => pick(&mut (0..db.interner.len() as u32).map(|i| db.interner.resolve(Sym(i)))),
    }
}

/// Whether `sym` stands in some field of `role`'s family in the facts or conclusions; `None` when the
/// rules declare no such role.
pub fn in_role(db: &Database, sym: Sym, role: &str) -> Option<bool> {
    candidates(db, Place::Role(role)).map(|set| set.contains(&sym.0))
}

/// The symbol ids `place` may hold, or `None` for anywhere.
fn candidates(db: &Database, place: Place) -> Option<FxHashSet<u32>> {
    let checked = &db.rules.checked;
    let family = |role: usize| {
        let mut r = role;
        while let Some(p) = checked.roles[r].parent {
            r = p;
        }
        r
    };
    let fields: Vec<(usize, usize)> = match place {
        Place::Anywhere => return None,
        Place::Field { rel, col } => match checked.relations.get(rel)?.roles.get(col).copied()? {
            Some(role) => fields_of_family(db, family(role), &family),
            None => vec![(rel, col)],
        },
        Place::Role(name) => {
            let role = checked.roles.iter().position(|r| r.name == name)?;
            fields_of_family(db, family(role), &family)
        }
    };
    let mut out = FxHashSet::default();
    for (rel, col) in fields {
        if checked.relations[rel].fields[col].1 != Type::Symbol {
            continue;
        }
        for t in [db.tuples(rel), &db.facts.tables[rel]] {
            out.extend(t.syms(col).iter().map(|s| s.0));
        }
    }
    Some(out)
}

fn fields_of_family(
    db: &Database,
    root: usize,
    family: &dyn Fn(usize) -> usize,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (rel, r) in db.rules.checked.relations.iter().enumerate() {
        for (col, role) in r.roles.iter().enumerate() {
            if role.is_some_and(|x| family(x) == root) {
                out.push((rel, col));
            }
        }
    }
    out
}
