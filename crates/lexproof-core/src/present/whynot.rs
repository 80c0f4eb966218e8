//! why-not answers as text (an indented account) and JSON.

use crate::data::value::Value;
use crate::db::Database;
use crate::present::explain::{
    absent_atom, absent_atom_exact, instance_text, origin_text, rule_label,
};
use crate::present::render::{rules_json, to_json, JsonRow, JsonValue, RulesJson, SCHEMA_VERSION};
use crate::reason::proof::{best_derivation, build_proof, Node, Options};
use crate::reason::whynot::{Attempt, Explanation, Premise, RuleAttempts, Status, Verdict};
use lexproof_lang::check::CLit;
use serde::Serialize;
use std::fmt::Write;

pub fn text(db: &Database, e: &Explanation) -> String {
    let mut out = String::new();
    let atom = absent_atom(db, e.rel, &e.pattern);
    match &e.verdict {
        Verdict::Holds(rows) => {
            let _ = writeln!(out, "{atom} holds; see `lexproof explain` for why:");
            for r in rows {
                let _ = writeln!(
                    out,
                    "  {}",
                    db.interner.readable_atom(db.relation_name(e.rel), r)
                );
            }
        }
        _ => {
            let _ = writeln!(out, "{atom} does not hold.");
            explanation(db, e, "", &mut out);
        }
    }
    out
}

fn explanation(db: &Database, e: &Explanation, indent: &str, out: &mut String) {
    let atom = absent_atom(db, e.rel, &e.pattern);
    match &e.verdict {
        Verdict::Holds(_) => {
            let _ = writeln!(out, "{indent}{atom} holds.");
        }
        Verdict::MissingInput => {
            let _ = writeln!(
                out,
                "{indent}No fact states {atom}: `{}` is an input relation, so it holds only if a fact file says so.",
                db.relation_name(e.rel)
            );
        }
        Verdict::NoRule => {
            let _ = writeln!(
                out,
                "{indent}No rule can conclude {atom}: no rule's head fits these values."
            );
        }
        Verdict::SeeAbove => {
            let _ = writeln!(out, "{indent}(why {atom} does not hold is explained above)");
        }
        Verdict::DepthLimit => {
            let _ = writeln!(
                out,
                "{indent}(not explained further: the depth limit is reached; raise --depth)"
            );
        }
        Verdict::Rules(rules) => {
            let _ = writeln!(
                out,
                "{indent}{} rule{} could conclude it{}:",
                rules.len(),
                if rules.len() == 1 { "" } else { "s" },
                if rules.len() == 1 {
                    ""
                } else {
                    ", closest first"
                }
            );
            for ra in rules {
                rule_attempts(db, ra, indent, out);
            }
        }
    }
}

fn rule_attempts(db: &Database, ra: &RuleAttempts, indent: &str, out: &mut String) {
    let r = &db.rules.checked.rules[ra.rule];
    // Below the top, a rule that fails at its very first premise gets one line (and the
    // explanation of that premise, if it is a conclusion): the detail would be all unknowns.
    if !indent.is_empty() && ra.attempts.len() == 1 && ra.attempts[0].prefix == 0 && !ra.cut_short {
        let a = &ra.attempts[0];
        if let Some(&li) = a.order.first() {
            let first = &a.premises[li];
            let what = match (&r.body[li], &first.status) {
                (CLit::Pos(x), Status::Missing(pat)) => {
                    format!("{} is missing", absent_atom(db, x.rel, pat))
                }
                (CLit::Neg(x), Status::Blocked(row)) => format!(
                    "!{} is blocked: that fact holds ({})",
                    db.interner.readable_atom(db.relation_name(x.rel), row),
                    support(db, x.rel, row)
                ),
                (_, Status::False(t)) => format!("{t} is false"),
                _ => String::new(),
            };
            if !what.is_empty() {
                let _ = writeln!(
                    out,
                    "{indent}• {}, {}:{}: its first premise, {what}",
                    rule_label(r),
                    r.file,
                    r.line
                );
                if let Some(sub) = &first.sub {
                    explanation(db, sub, &format!("{indent}    "), out);
                }
                return;
            }
        }
    }
    let _ = writeln!(out, "{indent}• {}, {}:{}", rule_label(r), r.file, r.line);
    let _ = writeln!(out, "{indent}  says: {}", r.says);
    let _ = writeln!(out, "{indent}  rule: {}", r.text);
    if ra.attempts.is_empty() {
        let _ = writeln!(out, "{indent}  no instance fits the values asked about");
    }
    for (k, a) in ra.attempts.iter().enumerate() {
        attempt(db, ra, a, k, indent, out);
    }
    if ra.cut_short {
        let _ = writeln!(
            out,
            "{indent}  (search cut short after its step limit: a closer instance may exist)"
        );
    }
}

fn attempt(
    db: &Database,
    ra: &RuleAttempts,
    a: &Attempt,
    k: usize,
    indent: &str,
    out: &mut String,
) {
    let r = &db.rules.checked.rules[ra.rule];
    let bound: Vec<String> = r
        .vars
        .iter()
        .zip(&a.bindings)
        .filter(|(v, _)| v.name != "_")
        .filter_map(|(v, b)| b.map(|b| format!("{} = {}", v.name, db.interner.readable(&b))))
        .collect();
    let title = if ra.attempts.len() > 1 {
        format!("closest instance {}", k + 1)
    } else {
        "closest instance".to_string()
    };
    let _ = writeln!(
        out,
        "{indent}  {title}: {} ({} of {} premises hold, the first {} in evaluation order)",
        if bound.is_empty() {
            "no variable bound".to_string()
        } else {
            bound.join(", ")
        },
        a.held,
        a.premises.len(),
        a.prefix
    );
    if let Some(d) = &a.head_differs {
        let _ = writeln!(out, "{indent}  ✗ the head does not fit: {d}");
    }
    for (lit, p) in r.body.iter().zip(&a.premises) {
        premise(db, lit, p, indent, out);
    }
}

fn premise(db: &Database, lit: &CLit, p: &Premise, indent: &str, out: &mut String) {
    let rel = |l: &CLit| match l {
        CLit::Pos(a) | CLit::Neg(a) => a.rel,
        _ => 0,
    };
    let name = |row: &[Value]| db.interner.readable_atom(db.relation_name(rel(lit)), row);
    match &p.status {
        Status::Holds(row) => {
            let _ = writeln!(
                out,
                "{indent}  ✓ {}   {}",
                name(row),
                support(db, rel(lit), row)
            );
        }
        Status::Absent(pat) => {
            let _ = writeln!(
                out,
                "{indent}  ✓ !{}   (no such fact holds)",
                absent_atom(db, rel(lit), pat)
            );
        }
        Status::True(t) => {
            let _ = writeln!(out, "{indent}  ✓ {t}");
        }
        Status::False(t) => {
            let _ = writeln!(out, "{indent}  ✗ {t}   (false)");
        }
        Status::Unchecked(what, vars) => {
            let _ = writeln!(
                out,
                "{indent}  ? {what}   (not checked: {} unknown because an earlier premise failed)",
                vars.join(", ")
            );
        }
        Status::Missing(pat) => {
            let _ = writeln!(
                out,
                "{indent}  ✗ {}   (missing)",
                absent_atom(db, rel(lit), pat)
            );
            if let Some(sub) = &p.sub {
                explanation(db, sub, &format!("{indent}      "), out);
            } else if db.rules.checked.relations[rel(lit)].has_rule_facts {
                let _ = writeln!(
                    out,
                    "{indent}      `{}` is fixed by the rules file's own facts; it does not hold for these values",
                    db.relation_name(rel(lit))
                );
            } else if !db.rules.checked.relations[rel(lit)].derived {
                let _ = writeln!(
                    out,
                    "{indent}      `{}` is an input relation: add the fact to a fact file if it is true",
                    db.relation_name(rel(lit))
                );
            }
        }
        Status::Blocked(row) => {
            let _ = writeln!(
                out,
                "{indent}  ✗ !{}   (blocked: this fact holds)",
                name(row)
            );
            let _ = writeln!(out, "{indent}      {}", support(db, rel(lit), row));
            let shallow = Options {
                all: false,
                depth: Some(1),
            };
            if let Some(proof) = build_proof(db, rel(lit), row, shallow) {
                if matches!(proof.graph[proof.root], Node::Derived { .. }) {
                    let _ = writeln!(
                        out,
                        "{indent}      instance: {}",
                        instance_text(db, &proof, proof.root)
                    );
                }
            }
        }
    }
}

/// Where a fact that holds comes from: a fact file line, or the rule of its least-height proof.
fn support(db: &Database, rel: usize, row: &[Value]) -> String {
    if let Some(o) = db.input_origin(rel, row) {
        return format!("fact, from {}", origin_text(db, &o));
    }
    match best_derivation(db, rel, row) {
        Some((rule, _)) => {
            let r = &db.rules.checked.rules[rule];
            format!("by {}, {}:{}", rule_label(r), r.file, r.line)
        }
        None => "derived".to_string(),
    }
}

// ---- JSON ----

#[derive(Serialize)]
struct ExplanationJson<'a> {
    atom: String,
    relation: &'a str,
    pattern: Vec<Option<JsonValue<'a>>>,
    verdict: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    holds_for: Vec<JsonRow<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    rules: Vec<RuleJson<'a>>,
}

#[derive(Serialize)]
struct RuleJson<'a> {
    id: &'a str,
    citations: &'a [String],
    authority: &'static str,
    says: &'a str,
    file: &'a str,
    line: usize,
    source: &'a str,
    cut_short: bool,
    closest: Vec<AttemptJson<'a>>,
}

/// Variable bindings as a JSON object, in the rule's variable order.
struct BindingsJson<'a>(Vec<(&'a str, JsonValue<'a>)>);

impl Serialize for BindingsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct AttemptJson<'a> {
    bindings: BindingsJson<'a>,
    premises_held: usize,
    prefix_held: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    head_differs: Option<&'a str>,
    premises: Vec<PremiseJson<'a>>,
}

#[derive(Serialize)]
struct PremiseJson<'a> {
    literal: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    atom: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    support: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unknown: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    why_not: Option<Box<ExplanationJson<'a>>>,
}

fn explanation_json<'a>(db: &'a Database, e: &'a Explanation) -> ExplanationJson<'a> {
    let (verdict, holds_for, rules) = match &e.verdict {
        Verdict::Holds(rows) => (
            "holds",
            rows.iter().map(|r| JsonRow(&db.interner, r)).collect(),
            Vec::new(),
        ),
        Verdict::MissingInput => ("missing_input_fact", Vec::new(), Vec::new()),
        Verdict::NoRule => ("no_rule_fits", Vec::new(), Vec::new()),
        Verdict::SeeAbove => ("explained_above", Vec::new(), Vec::new()),
        Verdict::DepthLimit => ("depth_limit", Vec::new(), Vec::new()),
        Verdict::Rules(rs) => (
            "not_derived",
            Vec::new(),
            rs.iter().map(|ra| rule_json(db, ra)).collect(),
        ),
    };
    ExplanationJson {
        atom: absent_atom_exact(db, e.rel, &e.pattern),
        relation: db.relation_name(e.rel),
        pattern: e
            .pattern
            .iter()
            .map(|v| v.map(|v| JsonValue(&db.interner, v)))
            .collect(),
        verdict,
        holds_for,
        rules,
    }
}

fn rule_json<'a>(db: &'a Database, ra: &'a RuleAttempts) -> RuleJson<'a> {
    let r = &db.rules.checked.rules[ra.rule];
    RuleJson {
        id: &r.id,
        citations: &r.citations,
        authority: r.authority.as_str(),
        says: &r.says,
        file: &r.file,
        line: r.line,
        source: &r.text,
        cut_short: ra.cut_short,
        closest: ra
            .attempts
            .iter()
            .map(|a| {
                let bindings = BindingsJson(
                    r.vars
                        .iter()
                        .zip(&a.bindings)
                        .filter(|(v, _)| v.name != "_")
                        .filter_map(|(v, b)| {
                            b.map(|b| (v.name.as_str(), JsonValue(&db.interner, b)))
                        })
                        .collect(),
                );
                AttemptJson {
                    bindings,
                    premises_held: a.held,
                    prefix_held: a.prefix,
                    head_differs: a.head_differs.as_deref(),
                    premises: r
                        .body
                        .iter()
                        .zip(&a.premises)
                        .map(|(lit, p)| premise_json(db, lit, p))
                        .collect(),
                }
            })
            .collect(),
    }
}

fn premise_json<'a>(db: &'a Database, lit: &CLit, p: &'a Premise) -> PremiseJson<'a> {
    let rel = match lit {
        CLit::Pos(a) | CLit::Neg(a) => a.rel,
        _ => 0,
    };
    let literal = match lit {
        CLit::Pos(_) => "premise",
        CLit::Neg(_) => "negated premise",
        _ => "condition",
    }
    .to_string();
    let mut j = PremiseJson {
        literal,
        status: "",
        atom: None,
        support: None,
        unknown: Vec::new(),
        why_not: None,
    };
    match &p.status {
        Status::Holds(row) => {
            j.status = "holds";
            j.atom = Some(db.interner.atom(db.relation_name(rel), row));
            j.support = Some(support(db, rel, row));
        }
        Status::Absent(pat) => {
            j.status = "absent";
            j.atom = Some(absent_atom_exact(db, rel, pat));
        }
        Status::True(t) => {
            j.status = "true";
            j.atom = Some(t.clone());
        }
        Status::False(t) => {
            j.status = "false";
            j.atom = Some(t.clone());
        }
        Status::Unchecked(what, vars) => {
            j.status = "unchecked";
            j.atom = Some(what.clone());
            j.unknown = vars.iter().map(|s| s.as_str()).collect();
        }
        Status::Missing(pat) => {
            j.status = "missing";
            j.atom = Some(absent_atom_exact(db, rel, pat));
            j.why_not = p.sub.as_ref().map(|s| Box::new(explanation_json(db, s)));
        }
        Status::Blocked(row) => {
            j.status = "blocked";
            j.atom = Some(db.interner.atom(db.relation_name(rel), row));
            j.support = Some(support(db, rel, row));
        }
    }
    j
}

pub fn json(db: &Database, e: &Explanation, query: &str) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        schema_version: u32,
        query: &'a str,
        holds: bool,
        rules: RulesJson,
        why_not: ExplanationJson<'a>,
    }
    to_json(&Doc {
        schema_version: SCHEMA_VERSION,
        query,
        holds: matches!(e.verdict, Verdict::Holds(_)),
        rules: rules_json(db),
        why_not: explanation_json(db, e),
    })
}
