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
use crate::ast::Type;
use crate::check::Rule;
use crate::plan::RulePlan;
use std::fmt::Write;

/// The clause `Writer::body` puts where a direct stage's full scan goes (`Writer::scans` holds
/// them, in order).
pub(super) const SCAN: &str = "@scan";

/// The clause `Writer::body` puts where a recursive stage reads one of its own relations row by
/// row (`Writer::own_scans` holds them, in order).
pub(super) const OWN_SCAN: &str = "@own";

/// What a shared scan takes along: its own handles on the stage's lookups and tables.
pub(super) const SHARED_CLONES: &str =
    "let lookups = std::sync::Arc::clone(&lookups); let derived = std::sync::Arc::clone(&derived);";

/// The declaration of `rule`'s witness row type `W<rule>`, and its column types.
pub(super) fn witness_struct(rule: &Rule) -> (String, Vec<Type>) {
    let wtypes: Vec<_> = rule.witness.iter().map(|&v| rule.vars[v].ty).collect();
    let fields: Vec<String> = wtypes
        .iter()
        .map(|t| format!("pub {}", rust_type(*t)))
        .collect();
    let decl = format!(
        "    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]\n    pub struct W{}({});\n",
        rule.index,
        fields.join(", ")
    );
    (decl, wtypes)
}

/// An expression giving the witness rows of `rule` evaluated by `plan`, in parts (`Vec<Vec<W>>`):
/// one part, or the chunks of a scan shared with idle workers (which take `clones` along). Sets
/// `g.wildcard` if a premise leaves a column unread.
pub(super) fn rule_rows(g: &mut Writer, rule: &Rule, plan: &RulePlan, clones: &str) -> String {
    let checked = g.checked;
    g.wildcard = false;
    let body = g.body(rule, plan);
    let w = format!("W{}", rule.index);
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
        } else if clause == OWN_SCAN {
            let (rel, pattern, fresh) = g
                .own_scans
                .pop_front()
                .expect("an own scan clause has its scan");
            let rows = format!("own.r{rel}.{}()", if fresh { "fresh" } else { "all" });
            let range = if open == 1 {
                shared_rows = Some(format!("{rows}.len()"));
                "[lo..hi]"
            } else {
                ""
            };
            write!(line, " for &{pattern} in {rows}{range}.iter() {{").unwrap();
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
    write!(line, " o.push({w}({}));", wvars.join(", ")).unwrap();
    line.push_str(&" }".repeat(open));
    match shared_rows {
        // The scan owns what it reads (clones of the stage's `Arc`s), so helpers may run it.
        Some(rows) => format!(
            "share.rows({rows}, {{ {clones} move |lo: usize, hi: usize| {{ let mut o: Vec<{w}> = Vec::new(); {line} o }} }})"
        ),
        None => format!("{{ let mut o: Vec<{w}> = Vec::new(); {line} vec![o] }}"),
    }
}

/// The stage module's code: lookups, witness row types, and `run`.
pub(super) fn stage_code(
    g: &mut Writer,
    rules: &[&Rule],
    plans: &[RulePlan],
    defined: &[usize],
) -> String {
    g.direct = true;
    let mut structs = String::new();
    let mut loops = String::new();
    let mut outputs = Vec::new();
    for (k, (rule, plan)) in rules.iter().zip(plans).enumerate() {
        let (decl, wtypes) = witness_struct(rule);
        structs.push_str(&decl);
        writeln!(
            loops,
            "        // {}:{} rule {}",
            g.rules_name, rule.line, rule.id
        )
        .unwrap();
        let rows = rule_rows(g, rule, plan, SHARED_CLONES);
        // `o{k}`: the witness rows in parts, in order (one part unless the scan was shared).
        writeln!(
            loops,
            "        let mut o{k}: Vec<Vec<W{}>> = {rows};",
            rule.index
        )
        .unwrap();
        if g.wildcard {
            writeln!(
                loops,
                "        {{ let mut all = o{k}.concat(); all.sort_unstable(); all.dedup(); o{k} = vec![all]; }}"
            )
            .unwrap();
        }
        outputs.push((
            format!("W{}", rule.index),
            wtypes,
            Dest::Witness(rule.index),
        ));
    }
    g.direct = false;
    let mut code = stage_start(g, &structs);
    code.push_str(&loops);
    writeln!(code, "        drop(derived);").unwrap();
    code.push_str(&store_outputs(g, &outputs, defined, true));
    writeln!(code, "        out\n    }}").unwrap();
    code
}

/// The start of a plain-loop stage's module: its lookups and the other declarations, then `run` up
/// to the shared handles on its lookups and tables (`lookups`, `derived`) that its scans clone.
pub(super) fn stage_start(g: &mut Writer, decls: &str) -> String {
    let lookups = g.lookups.clone();
    let mut code = String::new();
    writeln!(code, "    use super::*;\n").unwrap();
    code.push_str(&lookups_decl(g.checked, &lookups, false));
    code.push_str(decls);
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
    code
}
