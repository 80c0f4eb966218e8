//! Warns where an id stands in two kinds of place across the fact files (a model's id where a
//! relation expects an actor, say). Facts with swapped arguments load and then match nothing, so
//! their consequences silently vanish; an id that is really both (a company named like its model)
//! is lawful, hence a warning and not an error.

use super::FactSet;
use crate::data::value::Interner;
use lexproof_lang::check::Checked;

/// Where a value stands: relation, row, field.
type Place = (usize, usize, usize);

/// At most this many ids are warned about: the first ones show the pattern.
const MAX_WARNED: usize = 10;

/// One warning per id used in a kind of place it takes less often than another, at its first such
/// use: the id, the relation and field, how often it stands elsewhere, and the relation's fields.
pub fn mixed_roles(program: &Checked, facts: &FactSet, interner: &Interner) -> Vec<String> {
    let family: Vec<usize> = (0..program.roles.len())
        .map(|r| program.role_family(r))
        .collect();
    if family.len() < 2 || family.len() > 32 {
        return Vec::new();
    }
    // Role-typed fields of the relations facts may assert, with the family each holds.
    let fields: Vec<(usize, usize, usize)> = program
        .relations
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.derived && !r.param)
        .flat_map(|(rel, r)| {
            r.roles
                .iter()
                .enumerate()
                .filter_map(move |(col, role)| role.map(|x| (rel, col, x)))
        })
        .map(|(rel, col, role)| (rel, col, family[role]))
        .collect();
    // First pass: the families each symbol id stands in, one bit each.
    let mut seen: Vec<u32> = crate::data::written_zeros(interner.len());
    for &(rel, col, fam) in &fields {
        for s in facts.tables[rel].syms(col) {
            seen[s.0 as usize] |= 1 << fam;
        }
    }
    if seen.iter().all(|b| b.count_ones() < 2) {
        return Vec::new();
    }
    // Second pass, over the mixed ids only: per family, its uses and the first place.
    let mut uses: rustc_hash::FxHashMap<u32, Vec<(usize, usize, Place)>> = Default::default();
    for &(rel, col, fam) in &fields {
        for (row, s) in facts.tables[rel].syms(col).iter().enumerate() {
            if seen[s.0 as usize].count_ones() < 2 {
                continue;
            }
            let per = uses.entry(s.0).or_default();
            match per.iter_mut().find(|u| u.0 == fam) {
                Some(u) => u.1 += 1,
                None => per.push((fam, 1, (rel, row, col))),
            }
        }
    }
    let mut found: Vec<(super::Origin, String)> = Vec::new();
    for (sym, per) in &uses {
        let most = per.iter().map(|u| u.1).max().unwrap_or(0);
        for &(fam, n, (rel, row, col)) in per {
            let others: usize = per.iter().filter(|u| u.0 != fam).map(|u| u.1).sum();
            if n > most || (n == most && others < n) {
                continue;
            }
            let r = &program.relations[rel];
            let elsewhere = per
                .iter()
                .filter(|u| u.0 != fam)
                .map(|u| {
                    format!(
                        "{} use it as {}",
                        count(u.1),
                        lexproof_lang::check::with_article(&program.roles[u.0].name)
                    )
                })
                .collect::<Vec<_>>()
                .join(" and ");
            let o = facts.origins[rel][row];
            let fields = (0..r.arity())
                .map(|k| format!("{}: {}", r.fields[k].0, program.field_type_name(rel, k)))
                .collect::<Vec<_>>()
                .join(", ");
            found.push((
                o,
                format!(
                    "lexproof: warning[mixed_roles]: {}:{}: \"{}\" stands as {} (field {}, `{}`) in {}, while {}\n  hint: check the order of the arguments: {}({}); an id names one thing, so a fact with swapped arguments matches nothing\n",
                    facts.files[o.file as usize],
                    o.line,
                    interner.resolve(crate::data::value::Sym(*sym)),
                    lexproof_lang::check::with_article(&program.roles[fam].name),
                    col + 1,
                    r.fields[col].0,
                    if n == 1 { format!("this `{}` fact", r.name) } else { format!("{n} facts, first this `{}` one", r.name) },
                    elsewhere,
                    r.name,
                    fields
                ),
            ));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let more = found.len().saturating_sub(MAX_WARNED);
    let mut out: Vec<String> = found.into_iter().take(MAX_WARNED).map(|(_, w)| w).collect();
    if more > 0 {
        out.push(format!(
            "lexproof: warning[mixed_roles]: … and {more} more ids standing in two kinds of place\n"
        ));
    }
    out
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 fact".to_string()
    } else {
        format!("{n} facts")
    }
}
