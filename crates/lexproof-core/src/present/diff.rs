//! `lexproof diff` written out: every conclusion added or removed, grouped by relation and actor,
//! each with its reason (for an added one its least-height proof as a chain of rules, for a removed
//! one why the new run no longer concludes it), as text, JSON, Markdown or a self-contained HTML page
//! whose added conclusions open onto their proof trees.

use crate::data::value::{Sym, Value};
use crate::db::Database;
use crate::present::render::{to_json, JsonRow, SCHEMA_VERSION};
use crate::present::report::{code, escape_md};
use crate::reason::diff::{actor_field, RelationDiff};
use crate::reason::proof::{least_height, Node, Proof};
use serde::Serialize;
use std::fmt::Write;

/// Rules named in a proof line before the rest are counted.
const PROOF_RULES: usize = 4;

/// One changed conclusion, ready to write.
struct Change {
    /// Fact syntax, exact values.
    atom: String,
    /// Readable form (large numbers as powers of ten).
    shown: String,
    actor: Option<String>,
    reason: String,
    /// Its least-height proof: in the new run for an added conclusion, in the baseline for a
    /// removed one (the HTML page draws it).
    proof: Option<Proof>,
    /// For a removed conclusion, the rules that concluded it in the baseline.
    before: Option<String>,
}

/// A relation's changes with their reasons, grouped by actor in the order met.
struct Section {
    name: String,
    added: Vec<Change>,
    removed: Vec<Change>,
}

/// Why a conclusion holds: the rules of its least-height proof, from the conclusion down.
fn proof_line(db: &Database, proof: Option<&Proof>) -> String {
    let Some(proof) = proof else {
        return "no proof recorded".to_string();
    };
    let mut rules: Vec<String> = Vec::new();
    let mut bfs = petgraph::visit::Bfs::new(&proof.graph, proof.root);
    while let Some(ix) = bfs.next(&proof.graph) {
        if let Node::Derived { rule, .. } = &proof.graph[ix] {
            let r = &db.rules.checked.rules[*rule];
            let item = format!("{} [{}]", r.id, r.citations.join("; "));
            if !rules.contains(&item) {
                rules.push(item);
            }
        }
    }
    match rules.len() {
        0 => "given as a fact".to_string(),
        n if n > PROOF_RULES => {
            let shown = rules[..PROOF_RULES].join(" <- ");
            format!("by {shown} <- {} more", n - PROOF_RULES)
        }
        _ => format!("by {}", rules.join(" <- ")),
    }
}

/// Why the new run does not conclude a baseline tuple: the values carried over by their text, then
/// the closest rule's first failing premise, followed down.
fn why_not_line(base: &Database, new: &Database, d: &RelationDiff, row: &[Value]) -> String {
    let Some(rel) = d.new_rel else {
        return format!("the new rules do not declare `{}`", d.name);
    };
    let mut values = Vec::with_capacity(row.len());
    for v in row {
        match v {
            Value::Sym(s) => {
                let text = base.interner.resolve(*s);
                match new.interner.get(text) {
                    Some(id) => values.push(Value::Sym(Sym(id.0))),
                    None => {
                        return format!(
                            "no fact or rule of the new run mentions {}",
                            crate::data::value::quote(text)
                        )
                    }
                }
            }
            other => values.push(*other),
        }
    }
    crate::present::report::reason(new, rel, &values)
}

/// The changes of one side; `why` gives each row's proof (added rows) and reason.
fn changes(
    db: &Database,
    rel: Option<usize>,
    name: &str,
    rows: &[Vec<Value>],
    why: impl Fn(&[Value]) -> (Option<Proof>, String, Option<String>),
) -> Vec<Change> {
    let actor = rel.and_then(|r| actor_field(db, r));
    rows.iter()
        .map(|row| {
            let (proof, reason, before) = why(row);
            Change {
                atom: db.interner.atom(name, row),
                shown: db.interner.readable_atom(name, row),
                actor: actor.map(|a| db.interner.plain(&row[a])),
                reason,
                proof,
                before,
            }
        })
        .collect()
}

fn sections(base: &Database, new: &Database, diff: &[RelationDiff]) -> Vec<Section> {
    diff.iter()
        .map(|d| Section {
            name: d.name.clone(),
            added: changes(new, d.new_rel, &d.name, &d.added, |row| {
                let proof = d.new_rel.and_then(|rel| least_height(new, rel, row));
                let line = proof_line(new, proof.as_ref());
                (proof, line, None)
            }),
            removed: changes(base, d.base_rel, &d.name, &d.removed, |row| {
                let proof = d.base_rel.and_then(|rel| least_height(base, rel, row));
                let before = proof_line(base, proof.as_ref());
                (proof, why_not_line(base, new, d, row), Some(before))
            }),
        })
        .collect()
}

/// The actors of a list of changes, in the order met (`None`: the relation has no actor field).
fn actors(changes: &[Change]) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = Vec::new();
    for c in changes {
        if !out.contains(&c.actor) {
            out.push(c.actor.clone());
        }
    }
    out
}

/// One line saying what each run was.
fn describe(db: &Database) -> String {
    let files = db.facts.fact_files;
    let as_of = db
        .facts
        .as_of
        .describe(&db.facts.files)
        .map_or(String::new(), |d| format!(", as of {d}"));
    format!(
        "rules {} (sha256 {}), {files} fact file{}{as_of}",
        db.rules.file.name,
        &db.rules.sha256[..12],
        if files == 1 { "" } else { "s" }
    )
}

fn totals(diff: &[RelationDiff]) -> (usize, usize) {
    (
        diff.iter().map(|d| d.added.len()).sum(),
        diff.iter().map(|d| d.removed.len()).sum(),
    )
}

pub fn text(base: &Database, new: &Database, diff: &[RelationDiff]) -> String {
    let mut out = String::new();
    let (added, removed) = totals(diff);
    let _ = writeln!(out, "baseline: {}", describe(base));
    let _ = writeln!(out, "new:      {}", describe(new));
    if diff.is_empty() {
        let _ = writeln!(out, "\nNo conclusion changed.");
        return out;
    }
    let _ = writeln!(out, "\n{added} conclusion(s) added, {removed} removed.");
    for s in sections(base, new, diff) {
        let _ = writeln!(
            out,
            "\n{}: {} added, {} removed",
            s.name,
            s.added.len(),
            s.removed.len()
        );
        let mut all: Vec<(char, &Change)> = s.added.iter().map(|c| ('+', c)).collect();
        all.extend(s.removed.iter().map(|c| ('-', c)));
        let mut seen: Vec<Option<String>> = actors(&s.added);
        for a in actors(&s.removed) {
            if !seen.contains(&a) {
                seen.push(a);
            }
        }
        for actor in seen {
            let indent = match &actor {
                Some(a) => {
                    let _ = writeln!(out, "  actor {}:", crate::data::value::quote(a));
                    "    "
                }
                None => "  ",
            };
            for (sign, c) in all.iter().filter(|(_, c)| c.actor == actor) {
                let why = if *sign == '+' {
                    "because"
                } else {
                    "why not now"
                };
                let _ = writeln!(
                    out,
                    "{indent}{sign} {}",
                    crate::data::value::printable(&c.shown)
                );
                if let Some(before) = &c.before {
                    let _ = writeln!(
                        out,
                        "{indent}    held before: {}",
                        crate::data::value::printable(before)
                    );
                }
                let _ = writeln!(
                    out,
                    "{indent}    {why}: {}",
                    crate::data::value::printable(&c.reason)
                );
            }
        }
    }
    out
}

pub fn markdown(base: &Database, new: &Database, diff: &[RelationDiff]) -> String {
    let mut out = String::new();
    let (added, removed) = totals(diff);
    let _ = writeln!(out, "# What changed\n");
    let _ = writeln!(out, "- Baseline: {}", escape_md(&describe(base)));
    let _ = writeln!(out, "- New: {}\n", escape_md(&describe(new)));
    if diff.is_empty() {
        let _ = writeln!(out, "No conclusion changed.");
        return out;
    }
    let _ = writeln!(out, "{added} conclusion(s) added, {removed} removed.\n");
    for s in sections(base, new, diff) {
        let _ = writeln!(
            out,
            "## {} ({} added, {} removed)\n",
            escape_md(&s.name),
            s.added.len(),
            s.removed.len()
        );
        for (label, list, why) in [
            ("Added", &s.added, "because"),
            ("Removed", &s.removed, "why not now"),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{label}:\n");
            for actor in actors(list) {
                let prefix = match &actor {
                    Some(a) => format!("{}: ", code(a)),
                    None => String::new(),
                };
                for c in list.iter().filter(|c| c.actor == actor) {
                    let before = c.before.as_ref().map_or(String::new(), |b| {
                        format!("; held before: {}", escape_md(b))
                    });
                    let _ = writeln!(
                        out,
                        "- {prefix}{}{before}; {why}: {}",
                        code(&c.shown),
                        escape_md(&c.reason)
                    );
                }
            }
            out.push('\n');
        }
    }
    out
}

#[derive(Serialize)]
struct RunJson<'a> {
    rules: &'a str,
    sha256: &'a str,
    fact_files: usize,
    as_of: Option<String>,
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    atom: String,
    tuple: JsonRow<'a>,
    actor: Option<String>,
    reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    held_before: Option<String>,
}

#[derive(Serialize)]
struct RelationJson<'a> {
    relation: String,
    added: Vec<ChangeJson<'a>>,
    removed: Vec<ChangeJson<'a>>,
}

#[derive(Serialize)]
struct DiffJson<'a> {
    schema_version: u32,
    base: RunJson<'a>,
    new: RunJson<'a>,
    changed: bool,
    added: usize,
    removed: usize,
    relations: Vec<RelationJson<'a>>,
}

fn run_json(db: &Database) -> RunJson<'_> {
    RunJson {
        rules: &db.rules.file.name,
        sha256: &db.rules.sha256,
        fact_files: db.facts.fact_files,
        as_of: db
            .facts
            .as_of
            .date()
            .map(|d| lexproof_lang::number::format_date(d.0)),
    }
}

fn changes_json<'a>(
    db: &'a Database,
    list: &[Change],
    rows: &'a [Vec<Value>],
) -> Vec<ChangeJson<'a>> {
    list.iter()
        .zip(rows)
        .map(|(c, row)| ChangeJson {
            atom: c.atom.clone(),
            tuple: JsonRow(&db.interner, row),
            actor: c.actor.clone(),
            reason: c.reason.clone(),
            held_before: c.before.clone(),
        })
        .collect()
}

pub fn json(base: &Database, new: &Database, diff: &[RelationDiff]) -> String {
    let (added, removed) = totals(diff);
    let relations: Vec<RelationJson> = sections(base, new, diff)
        .iter()
        .zip(diff)
        .map(|(s, d)| RelationJson {
            relation: s.name.clone(),
            added: changes_json(new, &s.added, &d.added),
            removed: changes_json(base, &s.removed, &d.removed),
        })
        .collect();
    to_json(&DiffJson {
        schema_version: SCHEMA_VERSION,
        base: run_json(base),
        new: run_json(new),
        changed: !diff.is_empty(),
        added,
        removed,
        relations,
    })
}

pub fn html(base: &Database, new: &Database, diff: &[RelationDiff]) -> String {
    use crate::present::explain::html::tree;
    use crate::present::html::{esc, page, toolbar};
    let mut body = String::from("<header><h1>What changed</h1>");
    let _ = write!(
        body,
        "<p class=\"meta\">Baseline: {}<br>New: {}</p></header>",
        esc(&describe(base)),
        esc(&describe(new))
    );
    body.push_str(toolbar());
    if diff.is_empty() {
        body.push_str("<p>No conclusion changed.</p>");
        return page("What changed", &body);
    }
    let (added, removed) = totals(diff);
    let _ = write!(
        body,
        "<p>{added} conclusion(s) added, {removed} removed.</p>"
    );
    let mut n = 0;
    for s in sections(base, new, diff) {
        let _ = write!(
            body,
            "<section class=\"relation\"><h2><code>{}</code>: {} added, {} removed</h2>",
            esc(&s.name),
            s.added.len(),
            s.removed.len()
        );
        let mut groups = actors(&s.added);
        for a in actors(&s.removed) {
            if !groups.contains(&a) {
                groups.push(a);
            }
        }
        for actor in groups {
            if let Some(a) = &actor {
                let _ = write!(body, "<h3>Actor <code>{}</code></h3>", esc(a));
            }
            body.push_str("<ul class=\"changes\">");
            for c in s.added.iter().filter(|c| c.actor == actor) {
                n += 1;
                let proof = c
                    .proof
                    .as_ref()
                    .map_or(String::new(), |p| tree(new, p, &format!("d{n}-")));
                let _ = write!(
                    body,
                    "<li class=\"change added\"><span class=\"sign\">+</span><code>{}</code><details class=\"change-proof\"><summary>because: {}</summary>{proof}</details></li>",
                    esc(&c.shown),
                    esc(&c.reason)
                );
            }
            for c in s.removed.iter().filter(|c| c.actor == actor) {
                n += 1;
                let proof = c
                    .proof
                    .as_ref()
                    .map_or(String::new(), |p| tree(base, p, &format!("d{n}-")));
                let _ = write!(
                    body,
                    "<li class=\"change removed\"><span class=\"sign\">\u{2212}</span><code>{}</code><details class=\"change-proof before\"><summary>held before: {}</summary>{proof}</details><p class=\"why-not\">why not now: {}</p></li>",
                    esc(&c.shown),
                    esc(c.before.as_deref().unwrap_or_default()),
                    esc(&c.reason)
                );
            }
            body.push_str("</ul>");
        }
        body.push_str("</section>");
    }
    page("What changed", &body)
}
