//! Scenario tests: a `.dl` file of facts plus `expect` lines, run against the compiled rulebase.
//!
//! ```text
//! // Title of the scenario (its first comment line).
//! developer("m", "p").
//! expect obligation("p", "m", "art53_1_a").
//! expect not gpai_model("sys").
//! expect placed_on_market("m", "2026-02-10") by deemed_placing_own_system_made_available weakest recital.
//! ```
//! `by R1, R2`: each rule appears in the conclusion's proof (the least-height proof `explain` shows);
//! `weakest A`: the weakest authority in that proof is A.

use crate::db::Database;
use crate::engine::{EngineKind, RunError, RunOptions};
use crate::facts::FactSource;
use crate::reason::proof::{self, Node, Proof};
use crate::reason::query;
use crate::rules::rulebase::Rulebase;
use lexproof_lang::ast::Authority;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Expectation {
    pub line: usize,
    /// Where the atom starts on its line (1-based, in characters).
    pub column: usize,
    pub text: String,
    pub holds: bool,
    pub atom: String,
    pub by: Vec<String>,
    pub weakest: Option<Authority>,
}

pub struct Scenario {
    pub name: String,
    pub title: String,
    pub facts: String,
    pub expectations: Vec<Expectation>,
}

pub struct Outcome {
    pub passed: bool,
    /// What went wrong, ready to print (empty when passed).
    pub report: String,
    /// Rules that fired at least once in this scenario.
    pub fired: BTreeSet<usize>,
    /// Rules an expectation checks: those in the proof of a conclusion expected to hold, and those
    /// whose conclusion could be an atom expected not to hold. A rule that merely fires on the
    /// way is not tested by the scenario.
    pub tested: BTreeSet<usize>,
    /// The scenario did not run: its facts did not load, or a limit stopped the run.
    pub loaded_error: bool,
}

/// Splits a scenario file into facts (expect lines blanked, so fact line numbers stay right) and
/// expectations.
pub fn parse(name: &str, text: &str) -> Result<Scenario, String> {
    let mut facts = String::with_capacity(text.len());
    let mut expectations = Vec::new();
    let mut title = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if title.is_none() {
            if let Some(c) = t.strip_prefix("//") {
                title = Some(c.trim().to_string());
            }
        }
        match t.strip_prefix("expect ") {
            Some(rest) => {
                let e = parse_expectation(rest).map_err(|e| format!("{}:{}: error[scenario_syntax]: {}\n  hint: write `expect [not] atom(...) [by rule_id, ...] [weakest statute|recital|guidelines].`\n", crate::data::value::printable(name), i + 1, crate::data::value::shorten(&crate::data::value::printable(&e), 200)))?;
                let column = line
                    .find(&e.atom)
                    .map_or(1, |at| line[..at].chars().count() + 1);
                expectations.push(e.with_place(i + 1, column, t));
                facts.push('\n');
            }
            None => {
                facts.push_str(line);
                facts.push('\n');
            }
        }
    }
    if expectations.is_empty() {
        return Err(format!("{name}: error[scenario_syntax]: the scenario has no `expect` line\n  hint: add what must (or must not) follow, e.g. `expect obligation(\"p\", \"m\", \"art53_1_a\").`\n"));
    }
    Ok(Scenario {
        name: name.to_string(),
        title: title.unwrap_or_default(),
        facts,
        expectations,
    })
}

impl Expectation {
    fn with_place(mut self, line: usize, column: usize, text: &str) -> Expectation {
        self.line = line;
        self.column = column;
        self.text = text.to_string();
        self
    }
}

fn parse_expectation(rest: &str) -> Result<Expectation, String> {
    let rest = rest
        .trim()
        .strip_suffix('.')
        .ok_or("an expectation ends with `.`")?
        .trim();
    let (holds, rest) = match rest.strip_prefix("not ") {
        Some(r) => (false, r.trim()),
        None => (true, rest),
    };
    // The atom ends at its closing parenthesis (quotes may contain parentheses).
    let mut depth = 0;
    let mut in_str = false;
    let mut end = None;
    let mut prev = ' ';
    for (i, c) in rest.char_indices() {
        match c {
            '"' if prev != '\\' => in_str = !in_str,
            '(' if !in_str => depth += 1,
            ')' if !in_str => {
                depth -= 1;
                if depth == 0 {
                    end = Some(i + 1);
                    break;
                }
            }
            _ => {}
        }
        prev = c;
    }
    let end = end.ok_or("the atom is not closed with `)`")?;
    let atom = rest[..end].to_string();
    let mut tail = rest[end..].trim();
    let mut by = Vec::new();
    let mut weakest = None;
    while !tail.is_empty() {
        if let Some(r) = tail.strip_prefix("by ") {
            let stop = r.find(" weakest ").unwrap_or(r.len());
            by.extend(
                r[..stop]
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty()),
            );
            tail = r[stop..].trim();
        } else if let Some(r) = tail.strip_prefix("weakest ") {
            let word = r.split_whitespace().next().unwrap_or("");
            weakest = Some(Authority::parse(word).ok_or_else(|| {
                format!("unknown authority `{word}` (statute, recital or guidelines)")
            })?);
            tail = r[word.len()..].trim();
        } else {
            return Err(format!("unexpected `{tail}` after the atom"));
        }
    }
    if !holds && (!by.is_empty() || weakest.is_some()) {
        return Err(
            "`by` and `weakest` describe a proof, so they cannot follow `expect not`".into(),
        );
    }
    Ok(Expectation {
        line: 0,
        column: 0,
        text: String::new(),
        holds,
        atom,
        by,
        weakest,
    })
}

/// Runs one scenario with the given rulebase and engine, within the fact and memory limits of
/// `limits` (`--max-facts`, `--max-memory`).
pub fn run(s: &Scenario, rules: &Rulebase, kind: EngineKind, limits: &RunOptions) -> Outcome {
    let source = FactSource::DlText {
        name: s.name.clone(),
        text: s.facts.clone(),
    };
    let options = RunOptions {
        max_facts: limits.max_facts,
        max_memory: limits.max_memory,
        ..RunOptions::default()
    };
    let db = match crate::engine::run_observed(
        kind,
        rules.clone(),
        &[source],
        &options,
        &crate::data::progress::Silent,
    ) {
        Ok((db, _)) => db,
        Err(RunError::Limit(e)) | Err(RunError::Options(e)) => {
            return Outcome {
                passed: false,
                report: e,
                fired: BTreeSet::new(),
                tested: BTreeSet::new(),
                loaded_error: true,
            }
        }
        Err(RunError::Facts(e)) | Err(RunError::Arithmetic(e)) => {
            return Outcome {
                passed: false,
                report: e.concat(),
                fired: BTreeSet::new(),
                tested: BTreeSet::new(),
                loaded_error: true,
            }
        }
    };
    let fired: BTreeSet<usize> = db
        .witnesses
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, _)| i)
        .collect();
    let mut report = String::new();
    for e in &s.expectations {
        if let Err(msg) = check(&db, &s.name, e) {
            report.push_str(&format!(
                "  {}:{}: {}\n{}",
                crate::data::value::printable(&s.name),
                e.line,
                crate::data::value::shorten(&crate::data::value::printable(&e.text), 200),
                indent(&msg)
            ));
        }
    }
    Outcome {
        passed: report.is_empty(),
        report,
        fired,
        tested: tested(&db, s),
        loaded_error: false,
    }
}

fn tested(db: &Database, s: &Scenario) -> BTreeSet<usize> {
    let mut out = BTreeSet::new();
    for e in &s.expectations {
        let Ok(p) = query::parse_at(db, &e.atom, &s.name, e.line, e.column) else {
            continue;
        };
        let Some(values) = p.ground() else {
            continue;
        };
        if e.holds {
            if let Some(proof) = proof::least_height(db, p.rel, &values) {
                out.extend(proof.graph.node_weights().filter_map(|n| match n {
                    Node::Derived { rule, .. } => Some(*rule),
                    _ => None,
                }));
            }
        } else {
            for r in db.rules.checked.rules_for(p.rel) {
                let fits = r.head.args.iter().zip(&values).all(|(t, v)| match t {
                    lexproof_lang::check::CTerm::Const(c) => {
                        crate::rules::eval::const_lookup(c, &db.interner).as_ref() == Some(v)
                    }
                    _ => true,
                });
                if fits {
                    out.insert(r.index);
                }
            }
        }
    }
    out
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("      {l}\n")).collect()
}

fn check(db: &Database, scenario: &str, e: &Expectation) -> Result<(), String> {
    let p = query::parse_at(db, &e.atom, scenario, e.line, e.column)?;
    if p.args
        .iter()
        .any(|a| matches!(a, query::Arg::Var(_) | query::Arg::Any))
    {
        return Err("an expectation needs a ground atom (no variables, no `_`)".into());
    }
    // A value no fact or rule mentions cannot be part of anything that holds.
    let values = p.ground().unwrap_or_default();
    let holds = !p.has_unknown() && db.holds(p.rel, &values);
    if !e.holds {
        if p.has_unknown() {
            return Err(vacuous(db, &e.atom));
        }
        if !holds {
            return Ok(());
        }
        let proof = proof::least_height(db, p.rel, &values)
            .map(|pr| crate::present::explain::text(db, &pr))
            .unwrap_or_default();
        return Err(format!("expected not to hold, but it does:\n{proof}"));
    }
    if !holds {
        let rules: Vec<String> = db
            .rules
            .checked
            .rules_for(p.rel)
            .map(|r| format!("{} ({}:{}): {}", r.id, r.file, r.line, r.text))
            .collect();
        return Err(if rules.is_empty() {
            format!(
                "expected to hold, but it does not; no rule derives `{}`",
                db.relation_name(p.rel)
            )
        } else {
            format!(
                "expected to hold, but it does not; rules that could derive it:\n{}",
                rules.join("\n")
            )
        });
    }
    if e.by.is_empty() && e.weakest.is_none() {
        return Ok(());
    }
    let Some(proof) = proof::least_height(db, p.rel, &values) else {
        return Err("holds, but it is an input fact or has no recorded proof".into());
    };
    let used = rules_in(db, &proof);
    let mut problems = Vec::new();
    for id in &e.by {
        if !db.rules.checked.rules.iter().any(|r| &r.id == id) {
            problems.push(format!("no rule has the id `{id}`"));
        } else if !used.contains(id.as_str()) {
            problems.push(format!("rule `{id}` is not in its proof"));
        }
    }
    if let Some(w) = e.weakest {
        let got = proof.weakest_authority(db, proof.root);
        if got != Some(w) {
            problems.push(format!(
                "weakest authority is {}, not {}",
                got.map_or("none", |a| a.as_str()),
                w.as_str()
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}\n{}",
            problems.join("; "),
            crate::present::explain::text(db, &proof)
        ))
    }
}

/// An `expect not` naming a value no fact or rule mentions holds whatever the rules say (a typo,
/// `"M1"` for `"m1"`, or a space too many): a failure, not a pass that tests nothing.
fn vacuous(db: &Database, atom: &str) -> String {
    use crate::reason::suggest::{nearest_value, Place};
    let file = lexproof_lang::SourceFile::new("expect", atom);
    let unknown = lexproof_lang::parser::parse_atom(&file).ok().and_then(|a| {
        let rel = db.rules.checked.relation(&a.rel);
        a.args.iter().enumerate().find_map(|(col, t)| match t {
            lexproof_lang::ast::Term::Str(s, _) if db.interner.get(s).is_none() => {
                let place = rel.map_or(Place::Anywhere, |rel| Place::Field { rel, col });
                Some((s.clone(), place))
            }
            _ => None,
        })
    });
    let Some((s, place)) = unknown else {
        return "it names a value no fact or rule mentions, so it cannot hold and tests nothing"
            .into();
    };
    let mut msg = format!(
        "\"{s}\" appears in no fact and in no rule, so this can never hold and the expectation tests nothing"
    );
    if let Some(b) = nearest_value(db, &s, place) {
        msg.push_str(&format!("\n  hint: did you mean \"{b}\"?"));
    }
    msg
}

fn rules_in<'a>(db: &'a Database, proof: &Proof) -> BTreeSet<&'a str> {
    proof
        .graph
        .node_weights()
        .filter_map(|n| match n {
            Node::Derived { rule, .. } => Some(db.rules.checked.rules[*rule].id.as_str()),
            _ => None,
        })
        .collect()
}

/// Scenario files (`*.dl`) under a directory, in name order, or the one file given. Each
/// directory is read once however symlinks point back into it, and only regular files count (a
/// FIFO or a device named `x.dl` would block or never end).
pub fn files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let unreadable = |p: &Path, e: std::io::Error| {
        format!(
            "{}: error[unreadable_file]: cannot read the scenarios: {e}\n  hint: pass a scenario file (*.dl) or a directory of them\n",
            crate::data::value::printable(&p.display().to_string())
        )
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(path, e))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(d) = stack.pop() {
        if !seen.insert(crate::facts::identity(&d)) {
            continue;
        }
        let entries = std::fs::read_dir(&d).map_err(|e| unreadable(&d, e))?;
        for e in entries.flatten() {
            let p = e.path();
            let Ok(meta) = std::fs::metadata(&p) else {
                continue;
            };
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() && p.extension().is_some_and(|x| x == "dl") {
                out.push(p);
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}
