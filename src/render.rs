//! Output formats for derive, query and explain. Everything written here is sorted in the order users
//! see (symbols by text), so the same rules and facts always give byte-identical output.

use crate::db::Database;
use crate::proof::{Node, Proof};
use crate::store::Table;
use crate::value::{Interner, Value};
use lexproof_lang::number::format_date;
use petgraph::graph::NodeIndex;
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use std::fmt::Write;

pub const SCHEMA_VERSION: u32 = 1;

/// A value in JSON: symbols and dates as strings, numbers as exact JSON integers.
pub struct JsonValue<'a>(pub &'a Interner, pub Value);

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.1 {
            Value::Sym(x) => s.serialize_str(self.0.resolve(x)),
            Value::Num(n) => s.serialize_i128(n),
            Value::Date(d) => s.serialize_str(&format_date(d.0)),
        }
    }
}

pub struct JsonRow<'a>(pub &'a Interner, pub &'a [Value]);

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for v in self.1 {
            seq.serialize_element(&JsonValue(self.0, *v))?;
        }
        seq.end()
    }
}

/// Rows of a table in display order.
pub fn sorted_rows(db: &Database, t: &Table) -> Vec<Vec<Value>> {
    db.display_order(t)
        .into_iter()
        .map(|r| t.row(r as usize))
        .collect()
}

#[derive(Serialize)]
pub struct FieldJson {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: lexproof_lang::ast::Type,
}

pub fn fields_json(db: &Database, rel: usize) -> Vec<FieldJson> {
    db.rules.checked.relations[rel]
        .fields
        .iter()
        .map(|(n, t)| FieldJson {
            name: n.clone(),
            ty: *t,
        })
        .collect()
}

#[derive(Serialize)]
pub struct RulesJson {
    pub file: String,
    pub sha256: String,
}

pub fn rules_json(db: &Database) -> RulesJson {
    RulesJson {
        file: db.rules.file.name.clone(),
        sha256: db.rules.sha256.clone(),
    }
}

// ---- derive ----

pub fn derive_text(db: &Database, rels: &[usize]) -> String {
    let mut out = String::new();
    for &rel in rels {
        let t = db.tuples(rel);
        let name = db.relation_name(rel);
        let what = if db.rules.checked.relations[rel].derived {
            "conclusion"
        } else {
            "fact"
        };
        let _ = writeln!(
            out,
            "// {name}: {} {what}{}",
            t.len(),
            if t.len() == 1 { "" } else { "s" }
        );
        for r in db.display_order(t) {
            out.push_str(name);
            out.push('(');
            for c in 0..t.arity() {
                if c > 0 {
                    out.push_str(", ");
                }
                out.push_str(&db.interner.literal(&t.get(r as usize, c)));
            }
            out.push_str(").\n");
        }
        out.push('\n');
    }
    out
}

pub fn tsv(db: &Database, rows: &[Vec<Value>]) -> String {
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r.iter().map(|v| db.interner.plain(v)).collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

pub fn derive_tsv(db: &Database, rels: &[usize]) -> String {
    let mut out = String::new();
    for &rel in rels {
        let t = db.tuples(rel);
        let name = db.relation_name(rel);
        for r in db.display_order(t) {
            out.push_str(name);
            for c in 0..t.arity() {
                out.push('\t');
                push_plain(db, &mut out, t.get(r as usize, c));
            }
            out.push('\n');
        }
    }
    out
}

/// One TSV cell, without allocating for the common cases.
fn push_plain(db: &Database, out: &mut String, v: Value) {
    match v {
        Value::Sym(s) => {
            let text = db.interner.resolve(s);
            if text.contains(['\t', '\n', '\r', '\\']) {
                out.push_str(&crate::value::escape_tsv(text));
            } else {
                out.push_str(text);
            }
        }
        Value::Num(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Date(_) => out.push_str(&db.interner.plain(&v)),
    }
}

/// A whole table as TSV in display order (for `--output-dir`).
pub fn table_tsv(db: &Database, t: &Table) -> String {
    let mut out = String::new();
    for r in db.display_order(t) {
        for c in 0..t.arity() {
            if c > 0 {
                out.push('\t');
            }
            push_plain(db, &mut out, t.get(r as usize, c));
        }
        out.push('\n');
    }
    out
}

pub fn derive_json(db: &Database, rels: &[usize]) -> String {
    #[derive(Serialize)]
    struct Rel<'a> {
        name: &'a str,
        fields: Vec<FieldJson>,
        tuples: Vec<JsonRow<'a>>,
        /// Parallel to `tuples`: the weakest authority in each conclusion's proof (null for facts).
        weakest_authority: Vec<Option<&'static str>>,
    }
    #[derive(Serialize)]
    struct Doc<'a> {
        schema_version: u32,
        rules: RulesJson,
        relations: Vec<Rel<'a>>,
    }
    let weakest = crate::authority::weakest_per_tuple(db);
    let orders: Vec<Vec<u32>> = rels
        .iter()
        .map(|&r| db.display_order(db.tuples(r)))
        .collect();
    let rows: Vec<Vec<Vec<Value>>> = rels
        .iter()
        .zip(&orders)
        .map(|(&r, o)| o.iter().map(|&i| db.tuples(r).row(i as usize)).collect())
        .collect();
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        rules: rules_json(db),
        relations: rels
            .iter()
            .zip(rows.iter().zip(&orders))
            .map(|(&rel, (rows, order))| Rel {
                name: db.relation_name(rel),
                fields: fields_json(db, rel),
                tuples: rows.iter().map(|r| JsonRow(&db.interner, r)).collect(),
                weakest_authority: order
                    .iter()
                    .map(|&i| {
                        weakest[rel]
                            .get(i as usize)
                            .copied()
                            .flatten()
                            .map(|a| a.as_str())
                    })
                    .collect(),
            })
            .collect(),
    };
    to_json(&doc)
}

pub fn to_json<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("our JSON documents always serialise");
    s.push('\n');
    s
}

// ---- explain ----

fn origin_text(db: &Database, o: &crate::facts::Origin) -> String {
    format!("{}:{}", db.facts.files[o.file as usize], o.line)
}

pub fn absent_atom(db: &Database, rel: usize, pattern: &[Option<Value>]) -> String {
    let args: Vec<String> = pattern
        .iter()
        .map(|v| v.map_or("_".to_string(), |v| db.interner.literal(&v)))
        .collect();
    format!("{}({})", db.relation_name(rel), args.join(", "))
}

fn node_atom(db: &Database, n: &Node) -> String {
    match n {
        Node::Fact { rel, values, .. } | Node::Derived { rel, values, .. } => {
            db.interner.atom(db.relation_name(*rel), values)
        }
        Node::Absent { rel, pattern } => format!("not {}", absent_atom(db, *rel, pattern)),
        Node::Condition { text } => text.clone(),
    }
}

pub fn explain_text(db: &Database, proof: &Proof) -> String {
    let mut out = String::new();
    let root = &proof.graph[proof.root];
    let _ = writeln!(out, "{}", node_atom(db, root));
    if let Some(a) = proof.weakest_authority(db, proof.root) {
        let _ = writeln!(out, "  weakest authority in this proof: {}", a.as_str());
    }
    text_node(db, proof, proof.root, "", &mut out);
    out
}

fn text_node(db: &Database, proof: &Proof, ix: NodeIndex, indent: &str, out: &mut String) {
    match &proof.graph[ix] {
        Node::Fact { origin, .. } => {
            let _ = writeln!(out, "{indent}  fact, from {}", origin_text(db, origin));
        }
        Node::Derived { rule, height, .. } => {
            let r = &db.rules.checked.rules[*rule];
            let _ = writeln!(
                out,
                "{indent}  by rule {} [{}] ({}), {}:{}, height {height}",
                r.id,
                r.citations.join("; "),
                r.authority.as_str(),
                r.file,
                r.line
            );
            let _ = writeln!(out, "{indent}  says: {}", r.says);
            let _ = writeln!(out, "{indent}  instance: {}", instance_text(db, proof, ix));
            if let Some(reason) = &r.ambiguous {
                let _ = writeln!(out, "{indent}  ambiguous: {reason}");
            }
            let children = proof.children(ix);
            for (i, c) in children.iter().enumerate() {
                let last = i + 1 == children.len();
                let (branch, cont) = if last {
                    ("└─ ", "   ")
                } else {
                    ("├─ ", "│  ")
                };
                let child = &proof.graph[*c];
                let suffix = match child {
                    Node::Absent { .. } => "   (no such fact holds)",
                    Node::Condition { .. } => "   (holds)",
                    _ => "",
                };
                let _ = writeln!(out, "{indent}{branch}{}{suffix}", node_atom(db, child));
                if matches!(child, Node::Fact { .. } | Node::Derived { .. }) {
                    text_node(db, proof, *c, &format!("{indent}{cont}"), out);
                }
            }
        }
        Node::Absent { .. } | Node::Condition { .. } => {}
    }
}

/// The ground rule instance: the head, `:-`, and the premises with values filled in.
pub fn instance_text(db: &Database, proof: &Proof, ix: NodeIndex) -> String {
    let premises: Vec<String> = proof
        .children(ix)
        .into_iter()
        .map(|c| match &proof.graph[c] {
            Node::Absent { rel, pattern } => format!("!{}", absent_atom(db, *rel, pattern)),
            n => node_atom(db, n),
        })
        .collect();
    let head = node_atom(db, &proof.graph[ix]);
    if premises.is_empty() {
        format!("{head}.")
    } else {
        format!("{head} :- {}.", premises.join(", "))
    }
}

#[derive(Serialize)]
struct RuleJson<'a> {
    id: &'a str,
    citations: &'a [String],
    authority: &'a str,
    ambiguous: Option<&'a str>,
    says: &'a str,
    file: &'a str,
    line: usize,
    source: &'a str,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum NodeJson<'a> {
    Fact {
        atom: String,
        relation: &'a str,
        values: JsonRow<'a>,
        origin: OriginJson<'a>,
    },
    Derived {
        atom: String,
        relation: &'a str,
        values: JsonRow<'a>,
        height: usize,
        weakest_authority: Option<&'static str>,
        rule: RuleJson<'a>,
        instance: String,
        premises: Vec<NodeJson<'a>>,
    },
    Absent {
        atom: String,
        relation: &'a str,
        pattern: Vec<Option<JsonValue<'a>>>,
    },
    Condition {
        text: String,
    },
}

#[derive(Serialize)]
struct OriginJson<'a> {
    file: &'a str,
    line: u32,
}

fn node_json<'a>(db: &'a Database, proof: &'a Proof, ix: NodeIndex) -> NodeJson<'a> {
    match &proof.graph[ix] {
        Node::Fact {
            rel,
            values,
            origin,
        } => NodeJson::Fact {
            atom: db.interner.atom(db.relation_name(*rel), values),
            relation: db.relation_name(*rel),
            values: JsonRow(&db.interner, values),
            origin: OriginJson {
                file: &db.facts.files[origin.file as usize],
                line: origin.line,
            },
        },
        Node::Derived {
            rel,
            values,
            height,
            rule,
            ..
        } => {
            let r = &db.rules.checked.rules[*rule];
            NodeJson::Derived {
                atom: db.interner.atom(db.relation_name(*rel), values),
                relation: db.relation_name(*rel),
                values: JsonRow(&db.interner, values),
                height: *height,
                weakest_authority: proof.weakest_authority(db, ix).map(|a| a.as_str()),
                rule: RuleJson {
                    id: &r.id,
                    citations: &r.citations,
                    authority: r.authority.as_str(),
                    ambiguous: r.ambiguous.as_deref(),
                    says: &r.says,
                    file: &r.file,
                    line: r.line,
                    source: &r.text,
                },
                instance: instance_text(db, proof, ix),
                premises: proof
                    .children(ix)
                    .into_iter()
                    .map(|c| node_json(db, proof, c))
                    .collect(),
            }
        }
        Node::Absent { rel, pattern } => NodeJson::Absent {
            atom: absent_atom(db, *rel, pattern),
            relation: db.relation_name(*rel),
            pattern: pattern
                .iter()
                .map(|v| v.map(|v| JsonValue(&db.interner, v)))
                .collect(),
        },
        Node::Condition { text } => NodeJson::Condition { text: text.clone() },
    }
}

pub fn explain_json(db: &Database, proof: &Proof, query: &str) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        schema_version: u32,
        query: &'a str,
        holds: bool,
        rules: RulesJson,
        proof: NodeJson<'a>,
    }
    to_json(&Doc {
        schema_version: SCHEMA_VERSION,
        query,
        holds: true,
        rules: rules_json(db),
        proof: node_json(db, proof, proof.root),
    })
}

pub fn explain_dot(db: &Database, proof: &Proof) -> String {
    use petgraph::dot::{Config, Dot};
    let node_attr = |_: &_, (_, n): (NodeIndex, &Node)| -> String {
        let (shape, label, style) = match n {
            Node::Fact { origin, .. } => (
                "box",
                vec![node_atom(db, n), origin_text(db, origin)],
                "rounded",
            ),
            Node::Derived { rule, .. } => {
                let r = &db.rules.checked.rules[*rule];
                let line2 = format!(
                    "rule {} [{}] ({})",
                    r.id,
                    r.citations.join("; "),
                    r.authority.as_str()
                );
                ("box", vec![node_atom(db, n), line2], "bold")
            }
            Node::Absent { .. } => (
                "box",
                vec![node_atom(db, n), "(no such fact)".to_string()],
                "dashed",
            ),
            Node::Condition { .. } => ("ellipse", vec![node_atom(db, n)], "solid"),
        };
        let label: Vec<String> = label.iter().map(|l| dot_escape(l)).collect();
        format!(
            "shape={shape}, style={style}, label=\"{}\"",
            label.join("\\n")
        )
    };
    let dot = Dot::with_attr_getters(
        &proof.graph,
        &[Config::EdgeNoLabel, Config::NodeNoLabel],
        &|_, _| String::new(),
        &node_attr,
    );
    format!("{dot:?}")
}

/// Escapes one line of a DOT label; lines are joined with DOT's `\n` afterwards.
fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

/// A Mermaid flowchart of the proof: one node per fact or condition, derived facts labelled with
/// their rule, edges from a conclusion to its premises.
pub fn explain_mermaid(db: &Database, proof: &Proof) -> String {
    let mut out = String::from("flowchart TD\n");
    let mut order: Vec<NodeIndex> = proof.graph.node_indices().collect();
    order.sort();
    for ix in &order {
        let n = &proof.graph[*ix];
        let mut lines = vec![node_atom(db, n)];
        let shape = match n {
            Node::Fact { origin, .. } => {
                lines.push(format!("fact, {}", origin_text(db, origin)));
                ("[(", ")]")
            }
            Node::Derived { rule, .. } => {
                let r = &db.rules.checked.rules[*rule];
                lines.push(format!(
                    "rule {} [{}] ({})",
                    r.id,
                    r.citations.join("; "),
                    r.authority.as_str()
                ));
                ("[", "]")
            }
            Node::Absent { .. } => {
                lines.push("no such fact holds".into());
                ("[/", "/]")
            }
            Node::Condition { .. } => ("([", "])"),
        };
        let label: Vec<String> = lines.iter().map(|l| mermaid_escape(l)).collect();
        out.push_str(&format!(
            "  n{}{}\"{}\"{}\n",
            ix.index(),
            shape.0,
            label.join("<br/>"),
            shape.1
        ));
    }
    for ix in &order {
        for c in proof.children(*ix) {
            out.push_str(&format!("  n{} --> n{}\n", ix.index(), c.index()));
        }
    }
    out
}

/// Mermaid labels are HTML-ish: quotes and angle brackets become entities.
fn mermaid_escape(s: &str) -> String {
    s.replace('&', "#amp;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// The proof as plain English: each derived fact with its rule's plain-language line and sources,
/// then what it rests on; each shared step explained once.
pub fn explain_prose(db: &Database, proof: &Proof) -> String {
    let mut out = String::new();
    let mut done = std::collections::BTreeSet::new();
    prose_node(db, proof, proof.root, &mut done, &mut out);
    if let Some(a) = proof.weakest_authority(db, proof.root) {
        out.push_str(&format!(
            "The weakest authority this conclusion rests on is {}.",
            match a {
                lexproof_lang::ast::Authority::Statute => "the statute itself",
                lexproof_lang::ast::Authority::Recital => "a recital (interpretive)",
                lexproof_lang::ast::Authority::Guidelines =>
                    "the Commission Guidelines (non-binding)",
                lexproof_lang::ast::Authority::Unspecified => "a rule that names no authority",
            }
        ));
    }
    out.push('\n');
    out
}

fn prose_node(
    db: &Database,
    proof: &Proof,
    ix: NodeIndex,
    done: &mut std::collections::BTreeSet<NodeIndex>,
    out: &mut String,
) {
    if !done.insert(ix) {
        return;
    }
    let Node::Derived { rule, .. } = &proof.graph[ix] else {
        return;
    };
    let r = &db.rules.checked.rules[*rule];
    let children = proof.children(ix);
    let mut grounds = Vec::new();
    for c in &children {
        let n = &proof.graph[*c];
        grounds.push(match n {
            Node::Fact { origin, .. } => format!(
                "{} (given in {})",
                node_atom(db, n),
                origin_text(db, origin)
            ),
            Node::Derived { .. } => node_atom(db, n),
            Node::Absent { rel, pattern } => {
                format!("the absence of {}", absent_atom(db, *rel, pattern))
            }
            Node::Condition { text } => format!("the condition {text}"),
        });
    }
    let says = r.says.trim_end_matches('.');
    out.push_str(&format!(
        "{} holds: {} [{}; {}].",
        node_atom(db, &proof.graph[ix]),
        says,
        r.citations.join("; "),
        r.authority.as_str()
    ));
    if !grounds.is_empty() {
        out.push_str(&format!(" This rests on {}.", join_and(&grounds)));
    }
    if let Some(reason) = &r.ambiguous {
        out.push_str(&format!(" Note: the law is unsettled here ({reason})."));
    }
    out.push_str("\n\n");
    for c in children {
        prose_node(db, proof, c, done, out);
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}
