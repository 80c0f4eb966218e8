//! Recursive stages (relations defined through each other) written as plain loops that run to a
//! fixpoint, semi-naively, instead of as a crepe program.
//!
//! The stage's relations grow in an `Own` value, one `Grow` per relation and a `GrowIndex` per key
//! its rules look them up by. Round 0 runs the rules that read none of the stage's relations; each
//! later round runs, for every premise of a rule on a stage relation, the rule led by that premise
//! reading only the rows the previous round added (`RulePlan::delta`), the rule's other premises
//! reading everything so far. The heads of a round's instances are added to `Own` (a row seen
//! before is dropped); the stage ends when a round adds nothing. Every round's leading scan is a
//! slice of rows, shared in chunks with idle workers like a direct stage's first scan.
//!
//! The witness rows of all rounds are kept in parts, in the order found, and stored like a direct
//! stage's (`store_outputs`). A rule reading the stage's relations twice finds an instance twice
//! when both its rows are new in the same round; storing instances drops the copy, as it does for
//! a direct stage that read a table before it was deduplicated.

use super::direct::{rule_rows, stage_start, witness_struct, SHARED_CLONES};
use super::{columns_of, head_of_witness, rust_type, store_outputs, tuple, Dest, Writer};
use crate::check::Rule;
use crate::plan::RulePlan;
use std::fmt::Write;

/// A shared scan of a recursive stage also takes the stage's relations so far along.
fn clones() -> String {
    format!("{SHARED_CLONES} let own = std::sync::Arc::clone(&own);")
}

/// The stage module's code: lookups, witness row types, the growing relations, and `run`.
pub(super) fn stage_code(
    g: &mut Writer,
    comp: &[usize],
    rules: &[&Rule],
    defined: &[usize],
) -> String {
    let checked = g.checked;
    g.direct = true;
    g.own_indexes.clear();
    let clones = clones();
    let mut structs = String::new();
    let mut first = String::new();
    let mut rounds = String::new();
    let mut outputs = Vec::new();
    for (k, rule) in rules.iter().enumerate() {
        let (decl, wtypes) = witness_struct(rule);
        structs.push_str(&decl);
        let premises = rule.recursive_premises(comp);
        let plans: Vec<RulePlan> = if premises.is_empty() {
            vec![RulePlan::compiled(rule, comp)]
        } else {
            premises
                .iter()
                .map(|&p| RulePlan::delta(rule, comp, p))
                .collect()
        };
        let to = if premises.is_empty() {
            &mut first
        } else {
            &mut rounds
        };
        for plan in &plans {
            writeln!(
                to,
                "        // {}:{} rule {}",
                g.rules_name, rule.line, rule.id
            )
            .unwrap();
            let rows = rule_rows(g, rule, plan, &clones);
            writeln!(to, "        o{k}.extend({rows});").unwrap();
        }
        outputs.push((
            format!("W{}", rule.index),
            wtypes,
            Dest::Witness(rule.index),
        ));
    }
    g.direct = false;

    let mut decls = structs;
    decls.push_str(&own_decl(g, defined));
    let mut code = stage_start(g, &decls);
    writeln!(code, "        let mut own = Own::default();").unwrap();
    for &i in defined {
        // The rules file's facts for a relation of this stage are there from the start.
        if checked.relations[i].has_rule_facts {
            let (cols, _) = columns_of(&checked.relations[i].types());
            let row: Vec<String> = (0..checked.relations[i].arity())
                .map(|c| format!("c{c}[k]"))
                .collect();
            writeln!(
                code,
                "        {{ let t: &Table = &inputs[{i}]; {cols} for k in 0..t.len() {{ own.r{i}.add({}); }} }}",
                tuple(&row)
            )
            .unwrap();
        }
    }
    writeln!(code, "        let mut own = std::sync::Arc::new(own);").unwrap();
    for (k, rule) in rules.iter().enumerate() {
        writeln!(
            code,
            "        let mut o{k}: Vec<Vec<W{}>> = Vec::new(); let mut seen{k} = 0usize;",
            rule.index
        )
        .unwrap();
    }
    code.push_str(&first);
    // Each round: the heads of the instances found since the last round join the relations (the
    // `Own` the last round's scans shared is taken back, or copied if a helper still holds it).
    writeln!(
        code,
        "        loop {{\n            let mut next = std::sync::Arc::unwrap_or_clone(own);"
    )
    .unwrap();
    for (k, rule) in rules.iter().enumerate() {
        writeln!(code, "            {}", grow_heads(g, rule, k)).unwrap();
    }
    let grew: Vec<String> = defined
        .iter()
        .map(|i| format!("next.r{i}.next_round()"))
        .collect();
    writeln!(
        code,
        "            let grew = [{}];\n            if !grew.contains(&true) {{ break; }}",
        grew.join(", ")
    )
    .unwrap();
    for (id, (rel, cols)) in g.own_indexes.iter().enumerate() {
        let arity = checked.relations[*rel].arity();
        let key: Vec<String> = cols.iter().map(|c| format!("r.{c}")).collect();
        let rest: Vec<String> = (0..arity)
            .filter(|c| !cols.contains(c))
            .map(|c| format!("r.{c}"))
            .collect();
        writeln!(
            code,
            "            next.i{id}.extend(next.r{rel}.fresh().iter().map(|r| ({}, {})));",
            tuple(&key),
            tuple(&rest)
        )
        .unwrap();
    }
    writeln!(code, "            own = std::sync::Arc::new(next);").unwrap();
    for line in rounds.lines() {
        writeln!(code, "    {line}").unwrap();
    }
    writeln!(code, "        }}").unwrap();
    writeln!(code, "        drop(derived);").unwrap();
    code.push_str(&store_outputs(g, &outputs, defined, true));
    writeln!(code, "        out\n    }}").unwrap();
    code
}

/// The `Own` type: each relation of the stage as it grows, and the indexes its rules read them by.
fn own_decl(g: &Writer, defined: &[usize]) -> String {
    let checked = g.checked;
    let row = |rel: usize, cols: &mut dyn Iterator<Item = usize>| -> String {
        let types = checked.relations[rel].types();
        let items: Vec<&str> = cols.map(|c| rust_type(types[c])).collect();
        tuple(&items)
    };
    let mut fields = Vec::new();
    for &i in defined {
        let arity = checked.relations[i].arity();
        fields.push(format!(
            "        pub r{i}: Grow<{}>,",
            row(i, &mut (0..arity))
        ));
    }
    for (id, (rel, cols)) in g.own_indexes.iter().enumerate() {
        let arity = checked.relations[*rel].arity();
        fields.push(format!(
            "        pub i{id}: GrowIndex<{}, {}>,",
            row(*rel, &mut cols.iter().copied()),
            row(*rel, &mut (0..arity).filter(|c| !cols.contains(c)))
        ));
    }
    format!(
        "\n    /// The stage's relations as they grow, and the indexes its rules read them by.\n    #[derive(Clone, Default)]\n    pub struct Own {{\n{}\n    }}\n",
        fields.join("\n")
    )
}

/// Code adding the heads of rule `k`'s witness rows found since the last round (`o<k>` from part
/// `seen<k>` on) to its head relation in `next`.
fn grow_heads(g: &mut Writer, rule: &Rule, k: usize) -> String {
    let (prelude, args) = head_of_witness(g, rule);
    format!(
        "for w in o{k}[seen{k}..].iter().flatten() {{ {prelude}next.r{}.add({}); }} seen{k} = o{k}.len();",
        rule.head.rel,
        tuple(&args)
    )
}
