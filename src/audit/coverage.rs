//! Which provisions the rulebase encodes and which of those its scenarios exercise.

use crate::audit::scenario;
use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

/// The provisions the GPAI rulebase must encode: Recital 97 sentence by sentence and the article
/// paragraphs and points it points to.
pub const PROVISIONS: &[&str] = &[
    "Recital 97 S1",
    "Recital 97 S2",
    "Recital 97 S3",
    "Recital 97 S4",
    "Recital 97 S5",
    "Recital 97 S6",
    "Recital 97 S7",
    "Recital 97 S8",
    "Recital 97 S9",
    "Recital 97 S10",
    "Recital 97 S11",
    "Recital 97 S12",
    "Recital 97 S13",
    "Recital 97 S14",
    "Recital 97 S15",
    "Art. 2(1)(a)",
    "Art. 2(6)",
    "Art. 2(8)",
    "Art. 3(3)",
    "Art. 3(9)",
    "Art. 3(10)",
    "Art. 3(11)",
    "Art. 3(63)",
    "Art. 3(65)",
    "Art. 3(66)",
    "Art. 3(68)",
    "Art. 51(1)(a)",
    "Art. 51(1)(b)",
    "Art. 51(2)",
    "Art. 52(1)",
    "Art. 52(2)",
    "Art. 52(3)",
    "Art. 52(4)",
    "Art. 52(5)",
    "Art. 53(1)(a)",
    "Art. 53(1)(b)",
    "Art. 53(1)(c)",
    "Art. 53(1)(d)",
    "Art. 53(2)",
    "Art. 53(3)",
    "Art. 54(1)",
    "Art. 54(3)(b)",
    "Art. 54(5)",
    "Art. 54(6)",
    "Art. 55(1)(a)",
    "Art. 55(1)(b)",
    "Art. 55(1)(c)",
    "Art. 55(1)(d)",
    "Art. 75(1)",
    "Art. 79(1)",
    "Art. 79(2)",
    "Art. 88(1)",
    "Art. 111(3)",
    "Art. 113",
    "Art. 113(b)",
    "Reg. 1182/71 Art. 2",
    "Reg. 1182/71 Art. 3",
];

/// A citation covers a provision if it names it or a point inside it (`Art. 53(1)(a)` covers
/// `Art. 53(1)(a)`; `Art. 52(1)` does not cover `Art. 52(2)`).
pub fn covers(citation: &str, provision: &str) -> bool {
    let c: String = citation.split_whitespace().collect::<Vec<_>>().join(" ");
    c == provision || (c.starts_with(provision) && c[provision.len()..].starts_with('('))
}

pub struct Row {
    pub provision: &'static str,
    pub rules: Vec<String>,
    pub fired: bool,
}

/// Coverage of `PROVISIONS` by the rules, and whether any citing rule fired in some scenario.
pub fn compute(
    rules: &crate::rules::rulebase::Rulebase,
    kind: crate::engine::EngineKind,
    scenario_dirs: &[&Path],
) -> Result<(Vec<Row>, usize), String> {
    let mut fired: BTreeSet<usize> = BTreeSet::new();
    let mut files = Vec::new();
    for dir in scenario_dirs {
        files.extend(scenario::files(dir)?);
    }
    for f in &files {
        let text = std::fs::read_to_string(f)
            .map_err(|e| format!("{}: error[unreadable_file]: {e}\n", f.display()))?;
        let s = scenario::parse(&f.display().to_string(), &text)?;
        fired.extend(scenario::run(&s, rules, kind).fired);
    }
    let program = &rules.checked;
    let rows = PROVISIONS
        .iter()
        .map(|&p| {
            let citing: Vec<&lexproof_lang::check::Rule> = program
                .rules
                .iter()
                .filter(|r| r.citations.iter().any(|c| covers(c, p)))
                .collect();
            Row {
                provision: p,
                fired: citing.iter().any(|r| fired.contains(&r.index)),
                rules: citing.iter().map(|r| r.id.clone()).collect(),
            }
        })
        .collect();
    Ok((rows, files.len()))
}

pub fn render(rows: &[Row], scenarios: usize) -> String {
    let mut out = String::new();
    let width = rows.iter().map(|r| r.provision.len()).max().unwrap_or(0);
    for r in rows {
        let status = if r.rules.is_empty() {
            "UNCOVERED"
        } else if !r.fired {
            "UNTESTED "
        } else {
            "ok       "
        };
        let _ = writeln!(
            out,
            "{status}  {:width$}  {}",
            r.provision,
            if r.rules.is_empty() {
                "(no rule cites it)".to_string()
            } else {
                r.rules.join(", ")
            }
        );
    }
    let uncovered = rows.iter().filter(|r| r.rules.is_empty()).count();
    let untested = rows
        .iter()
        .filter(|r| !r.rules.is_empty() && !r.fired)
        .count();
    let _ = writeln!(
        out,
        "{} provisions: {} covered and fired in {} scenarios, {} cited but untested, {} uncovered",
        rows.len(),
        rows.len() - uncovered - untested,
        scenarios,
        untested,
        uncovered
    );
    out
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn citations_cover_their_provision_and_points_inside_it() {
        assert!(covers("Art. 53(1)(a)", "Art. 53(1)(a)"));
        assert!(covers("Art. 51(1)(a)", "Art. 51(1)(a)"));
        assert!(covers("Art.  52(1)", "Art. 52(1)"));
        assert!(covers("Art. 2(1)(a)", "Art. 2(1)(a)"));
        assert!(!covers("Art. 52(1)", "Art. 52(2)"));
        assert!(!covers("Art. 3(6)", "Art. 3(63)"));
        assert!(!covers("Recital 97 S1", "Recital 97 S11"));
        assert!(!covers("Art. 53(1)", "Art. 53(1)(a)"));
        assert!(covers("Reg. 1182/71 Art. 3(4)", "Reg. 1182/71 Art. 3"));
        assert!(covers("Art. 113(b)", "Art. 113"));
        assert!(!covers("Art. 111(3)", "Art. 11"));
    }
}
