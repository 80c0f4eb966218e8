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
    let names: Vec<&str> = match candidates(db, place) {
        Some(set) if !set.is_empty() => {
            let mut v: Vec<&str> = set
                .into_iter()
                .map(|i| db.interner.resolve(Sym(i)))
                .collect();
            // Ties in the suggester go to the first seen: keep it independent of hashing order.
            v.sort_unstable();
            v
        }
        _ => (0..db.interner.len() as u32)
            .map(|i| db.interner.resolve(Sym(i)))
            .collect(),
    };
    names
        .iter()
        .find(|k| k.trim().eq_ignore_ascii_case(s.trim()))
        .map(|k| k.to_string())
        .or_else(|| lexproof_lang::check::suggest(s, names.iter().copied()))
}

/// Whether `sym` stands in some field of `role`'s family in the facts or conclusions; `None` when the
/// rules declare no such role.
pub fn in_role(db: &Database, sym: Sym, role: &str) -> Option<bool> {
    candidates(db, Place::Role(role)).map(|set| set.contains(&sym.0))
}

/// The symbol ids `place` may hold, or `None` for anywhere.
fn candidates(db: &Database, place: Place) -> Option<FxHashSet<u32>> {
    let checked = &db.rules.checked;
    let root: Vec<usize> = (0..checked.roles.len())
        .map(|r| checked.role_family(r))
        .collect();
    let family = match place {
        Place::Anywhere => return None,
        Place::Field { rel, col } => match checked.relations.get(rel)?.roles.get(col).copied()? {
            Some(role) => root[role],
            None => return Some(symbols_of(db, [(rel, col)])),
        },
        Place::Role(name) => root[checked.roles.iter().position(|r| r.name == name)?],
    };
    let fields = checked.relations.iter().enumerate().flat_map(|(rel, r)| {
        r.roles
            .iter()
            .enumerate()
            .filter(|(_, role)| role.is_some_and(|x| root[x] == family))
            .map(move |(col, _)| (rel, col))
    });
    Some(symbols_of(db, fields))
}

/// The symbols the facts and conclusions hold in these fields.
fn symbols_of(db: &Database, fields: impl IntoIterator<Item = (usize, usize)>) -> FxHashSet<u32> {
    let mut out = FxHashSet::default();
    for (rel, col) in fields {
        if db.rules.checked.relations[rel].fields[col].1 != Type::Symbol {
            continue;
        }
        for t in [db.tuples(rel), &db.facts.tables[rel]] {
            out.extend(t.syms(col).iter().map(|s| s.0));
        }
    }
    out
}
