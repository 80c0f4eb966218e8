//! Stages that need no fixpoint, written as plain loops instead of a crepe program.
//!
//! A stage whose rules do not read its own relations derives everything in one pass: each rule
//! walks the columns of the relations it scans whole (earlier stages' or the input facts), one
//! loop inside the other in the plan's order, and probes the others through lookups. crepe would
//! copy every scanned table into a hash set, keep every witness row in another, and iterate them;
//! here the rule appends witness rows to a vector, in the same order of premises
//! (`RulePlan::compiled`), with the same checks, budget ticks and arithmetic. Witness rows are
//! sorted and deduplicated only where a premise leaves a column unread (`_`), the one way two
//! instances can record the same variables.

use super::{
    build_lookups, columns_of, lookups_decl, rust_type, store_outputs, table_of, Dest, Writer,
};
use crate::check::Rule;
use crate::plan::RulePlan;
use std::fmt::Write;

/// The clause `Writer::body` puts where a direct stage's full scan goes (`Writer::scans` holds
/// them, in order).
pub(super) const SCAN: &str = "@scan";

/// What a shared scan takes along: its own handles on the stage's lookups and tables.
const SHARED_CLONES: &str =
    "let lookups = std::sync::Arc::clone(&lookups); let derived = std::sync::Arc::clone(&derived);";

/// The stage module's code: lookups, witness row types, and `run`.
pub(super) fn stage_code(
    g: &mut Writer,
    rules: &[&Rule],
    plans: &[RulePlan],
    defined: &[usize],
) -> String {
    let checked = g.checked;
    g.direct = true;
    let mut structs = String::new();
    let mut loops = String::new();
    let mut outputs = Vec::new();
    for (k, (rule, plan)) in rules.iter().zip(plans).enumerate() {
        g.wildcard = false;
        let body = g.body(rule, plan);
        let wtypes: Vec<_> = rule.witness.iter().map(|&v| rule.vars[v].ty).collect();
        let fields: Vec<String> = wtypes
            .iter()
            .map(|t| format!("pub {}", rust_type(*t)))
            .collect();
        let w = format!("W{}", rule.index);
        writeln!(
            structs,
            "    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]\n    pub struct {w}({});",
            fields.join(", ")
        )
        .unwrap();
        writeln!(
            loops,
            "        // {}:{} rule {}",
            g.rules_name, rule.line, rule.id
        )
        .unwrap();
        // `continue` leaves the innermost loop: the outer one-pass loop gives a rule without a
        // scan somewhere to continue from.
        let mut line = String::from("for _ in 0..1 {");
        let mut open = 1;
        // The rows of the first loop where it scans a whole table: those are shared in chunks.
        let mut shared_rows = None;
        for clause in body {
            if clause == SCAN {
                let (rel, args) = g.scans.pop_front().expect("a scan clause has its scan");
                let (cols, _) = columns_of(&checked.relations[rel].types());
                let table = table_of(checked, rel);
                let range = if open == 1 {
                    shared_rows = Some(format!("{{ let t: &Table = {table}; t.len() }}"));
                    "lo..hi"
                } else {
                    "0..t.len()"
                };
                write!(line, " let t: &Table = {table}; {cols} for k in {range} {{").unwrap();
                for (c, a) in args.iter().enumerate() {
                    write!(line, " let {a} = c{c}[k];").unwrap();
                }
                open += 1;
            } else if clause.starts_with("for ") {
                write!(line, " {clause} {{").unwrap();
                open += 1;
            } else if clause.starts_with("let Some(") {
                write!(line, " {clause} else {{ continue; }};").unwrap();
            } else if clause.starts_with("let ") {
                write!(line, " {clause};").unwrap();
            } else {
                write!(line, " if !{clause} {{ continue; }}").unwrap();
            }
        }
        let wvars: Vec<String> = rule.witness.iter().map(|v| format!("v{v}")).collect();
        write!(line, " o{k}.push({w}({}));", wvars.join(", ")).unwrap();
        line.push_str(&" }".repeat(open));
        // `o{k}`: the witness rows in parts, in order (one part unless the scan was shared).
        match shared_rows {
            // The scan owns what it reads (clones of the stage's `Arc`s), so helpers may run it.
            Some(rows) => writeln!(
                loops,
                "        let mut o{k}: Vec<Vec<{w}>> = share.rows({rows}, {{ {SHARED_CLONES} move |lo: usize, hi: usize| {{ let mut o{k}: Vec<{w}> = Vec::new(); {line} o{k} }} }});"
            )
            .unwrap(),
            None => writeln!(
                loops,
                "        let mut o{k}: Vec<{w}> = Vec::new();\n        {line}\n        let mut o{k} = vec![o{k}];"
            )
            .unwrap(),
        }
        if g.wildcard {
            writeln!(
                loops,
                "        {{ let mut all = o{k}.concat(); all.sort_unstable(); all.dedup(); o{k} = vec![all]; }}"
            )
            .unwrap();
        }
        outputs.push((w, wtypes, Dest::Witness(rule.index)));
    }
    g.direct = false;
    let lookups = g.lookups.clone();
    let mut code = String::new();
    writeln!(code, "    use super::*;\n").unwrap();
    code.push_str(&lookups_decl(checked, &lookups, false));
    code.push_str(&structs);
    writeln!(
        code,
        "\n    #[allow(unused_variables, unused_mut, clippy::never_loop)]\n    pub fn run<'s>(inputs: &'s [Table], derived: Done, cache: &LookupCache, share: &Share<'s>) -> StageOut {{"
    )
    .unwrap();
    code.push_str(&build_lookups(g, &lookups, false));
    if lookups.is_empty() {
        writeln!(code, "        let lookups = ();").unwrap();
    }
    writeln!(
        code,
        "        let lookups = std::sync::Arc::new(lookups);\n        let derived = std::sync::Arc::new(derived);"
    )
    .unwrap();
    code.push_str(&loops);
    writeln!(code, "        drop(derived);").unwrap();
    code.push_str(&store_outputs(g, &outputs, defined, true));
    writeln!(code, "        out\n    }}").unwrap();
    code
}
