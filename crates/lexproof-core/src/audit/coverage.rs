//! Which provisions the rulebase encodes and which of those its scenarios exercise.

use crate::audit::scenario;
use crate::data::value as data;
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

/// One provision: the rules citing it and the scenarios that test one of them (an expectation's
/// proof uses it, or it could derive an atom expected not to hold).
pub struct Row {
    pub provision: String,
    /// One of `PROVISIONS`, which the shipped rulebase must encode; other rows are cited by a rule.
    pub required: bool,
    pub rules: Vec<String>,
    /// Scenario files (relative to their folder) testing a citing rule.
    pub scenarios: Vec<String>,
}

impl Row {
    pub fn status(&self) -> &'static str {
        if self.rules.is_empty() {
            "UNCOVERED"
        } else if self.scenarios.is_empty() {
            "UNTESTED"
        } else {
            "ok"
        }
    }
}

pub struct Coverage {
    pub rows: Vec<Row>,
    pub scenarios: usize,
}

impl Coverage {
    /// Every provision is cited by a rule that fires in a scenario.
    pub fn complete(&self) -> bool {
        self.rows.iter().all(|r| r.status() == "ok")
    }
}

/// The provisions the loaded rules cite (shipped and extension alike), plus `PROVISIONS` when the
/// shipped rules are among them; each with its citing rules and the scenarios testing one.
pub fn compute(
    rules: &crate::rules::rulebase::Rulebase,
    kind: crate::engine::EngineKind,
    scenario_dirs: &[&Path],
    limits: &crate::engine::RunOptions,
) -> Result<Coverage, String> {
    let program = &rules.checked;
    let mut fired_in: Vec<Vec<String>> = vec![Vec::new(); program.rules.len()];
    let mut count = 0;
    for dir in scenario_dirs {
        let files = scenario::files(dir)?;
        if files.is_empty() {
            return Err(format!(
                "{}: error[no_scenarios]: no scenario (.dl) file in this folder\n  hint: coverage runs the scenarios to see which rules fire; give the folder that holds them with --scenarios\n",
                dir.display()
            ));
        }
        for f in files {
            let bytes = std::fs::read(&f).map_err(|e| {
                format!(
                    "{}: error[unreadable_file]: {e}\n",
                    crate::data::value::printable(&f.display().to_string())
                )
            })?;
            let text = lexproof_lang::diag::decode_utf8(&f.display().to_string(), bytes)?;
            let s = scenario::parse(&f.display().to_string(), &text)?;
            let shown = f.strip_prefix(dir).unwrap_or(&f).display().to_string();
            let outcome = scenario::run(&s, rules, kind, limits);
            // A scenario whose facts do not load (or that hits a limit) tests nothing: counting
            // it would report coverage built on part of the scenarios.
            if outcome.loaded_error {
                let name = crate::data::value::printable(&f.display().to_string());
                return Err(format!(
                    "{}{name}: error[scenario_not_run]: this scenario could not be run, so coverage cannot be counted\n  hint: fix the scenario (`lexproof test {name}` shows the same error)\n",
                    outcome.report,
                ));
            }
            for r in outcome.tested {
                fired_in[r].push(shown.clone());
            }
            count += 1;
        }
    }
    let shipped = rules
        .file
        .text
        .starts_with(crate::rules::rulebase::shipped_text());
    let mut provisions: Vec<(String, bool)> = Vec::new();
    if shipped {
        provisions.extend(PROVISIONS.iter().map(|p| (p.to_string(), true)));
    }
    let mut cited: BTreeSet<String> = BTreeSet::new();
    for r in &program.rules {
        for c in &r.citations {
            cited.insert(normalise(c));
        }
    }
    let mut extra: Vec<String> = cited
        .into_iter()
        .filter(|c| !provisions.iter().any(|(p, _)| p == c))
        .collect();
    extra.sort_by_key(|c| natural_key(c));
    provisions.extend(extra.into_iter().map(|c| (c, false)));
    let rows = provisions
        .into_iter()
        .map(|(p, required)| {
            let citing: Vec<&lexproof_lang::check::Rule> = program
                .rules
                .iter()
                .filter(|r| r.citations.iter().any(|c| covers(c, &p)))
                .collect();
            let mut scenarios: Vec<String> = citing
                .iter()
                .flat_map(|r| fired_in[r.index].iter().cloned())
                .collect();
            scenarios.sort();
            scenarios.dedup();
            Row {
                provision: p,
                required,
                rules: citing.iter().map(|r| r.id.clone()).collect(),
                scenarios,
            }
        })
        .collect();
    Ok(Coverage {
        rows,
        scenarios: count,
    })
}

fn normalise(citation: &str) -> String {
    citation.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Sorts "Art. 9" before "Art. 10": runs of digits compare as numbers.
fn natural_key(s: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut num: Option<u64> = None;
    for ch in s.chars() {
        match (ch.to_digit(10), num) {
            (Some(d), Some(n)) => num = Some(n.saturating_mul(10).saturating_add(d as u64)),
            (Some(d), None) => num = Some(d as u64),
            (None, Some(n)) => {
                out.push((std::mem::take(&mut text), n));
                num = None;
                text.push(ch);
            }
            (None, None) => text.push(ch),
        }
    }
    out.push((text, num.unwrap_or(0)));
    out
}

/// At most this many scenario names per provision in the text listing (JSON gives them all).
const SHOWN_SCENARIOS: usize = 3;

pub fn render(c: &Coverage) -> String {
    let mut out = String::new();
    let width = c
        .rows
        .iter()
        .map(|r| r.provision.chars().count())
        .max()
        .unwrap_or(0);
    for r in &c.rows {
        let pad = width - r.provision.chars().count();
        let rules = if r.rules.is_empty() {
            "(no rule cites it)".to_string()
        } else {
            r.rules.join(", ")
        };
        let scenarios = match r.scenarios.len() {
            0 if r.rules.is_empty() => String::new(),
            0 => " | tested by no scenario".to_string(),
            n if n <= SHOWN_SCENARIOS => format!(" | tested by {}", r.scenarios.join(", ")),
            n => format!(
                " | tested by {} and {} more",
                r.scenarios[..SHOWN_SCENARIOS].join(", "),
                n - SHOWN_SCENARIOS
            ),
        };
        let _ = writeln!(
            out,
            "{:9}  {}{}  {rules}{scenarios}",
            r.status(),
            data::printable(&r.provision),
            " ".repeat(pad)
        );
    }
    let count = |s: &str| c.rows.iter().filter(|r| r.status() == s).count();
    let _ = writeln!(
        out,
        "{} provisions: {} cited and tested by {} scenarios, {} cited but untested, {} uncovered",
        c.rows.len(),
        count("ok"),
        c.scenarios,
        count("UNTESTED"),
        count("UNCOVERED")
    );
    out
}

/// The coverage as JSON (docs/json.md): every provision with all its rules and scenarios.
pub fn json(c: &Coverage) -> String {
    let rows: Vec<serde_json::Value> = c
        .rows
        .iter()
        .map(|r| {
            serde_json::json!({
                "provision": r.provision,
                "status": r.status().to_lowercase(),
                "required": r.required,
                "rules": r.rules,
                "scenarios": r.scenarios,
            })
        })
        .collect();
    let v = serde_json::json!({
        "schema_version": 1,
        "scenarios": c.scenarios,
        "complete": c.complete(),
        "provisions": rows,
    });
    let mut s = serde_json::to_string_pretty(&v).expect("JSON values serialise");
    s.push('\n');
    s
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
