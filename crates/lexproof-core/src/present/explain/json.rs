use super::{
    absent_atom_exact as absent_atom, node_atom_exact as node_atom,
    text::instance_text_exact as instance_text, Shared,
};
use crate::db::Database;
use crate::present::render::{rules_json, to_json, JsonRow, JsonValue, RulesJson, SCHEMA_VERSION};
use crate::reason::proof::{Node, Proof};
use petgraph::graph::NodeIndex;
use serde::Serialize;

#[derive(Serialize)]
pub struct RuleJson<'a> {
    pub id: &'a str,
    pub citations: &'a [String],
    pub authority: &'a str,
    pub ambiguous: Option<&'a str>,
    pub says: &'a str,
    pub file: &'a str,
    pub line: usize,
    pub source: &'a str,
}

impl<'a> RuleJson<'a> {
    pub fn new(db: &'a Database, rule: usize) -> RuleJson<'a> {
        let r = &db.rules.checked.rules[rule];
        RuleJson {
            id: &r.id,
            citations: &r.citations,
            authority: r.authority.as_str(),
            ambiguous: r.ambiguous.as_deref(),
            says: &r.says,
            file: &r.file,
            line: r.line,
            source: &r.text,
        }
    }
}

#[derive(Serialize)]
pub struct OriginJson<'a> {
    pub file: &'a str,
    pub line: u32,
}

/// One proof node. A shared subproof carries an `id` where it first appears and is a `ref` to that
/// id afterwards.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum NodeJson<'a> {
    Fact {
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        atom: String,
        relation: &'a str,
        values: JsonRow<'a>,
        origin: OriginJson<'a>,
    },
    Derived {
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        atom: String,
        relation: &'a str,
        values: JsonRow<'a>,
        height: usize,
        weakest_authority: Option<&'static str>,
        rule: RuleJson<'a>,
        instance: String,
        premises: Vec<NodeJson<'a>>,
    },
    /// `explain --all`: a fact with several derivations, best first.
    Choice {
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        atom: String,
        relation: &'a str,
        values: JsonRow<'a>,
        height: usize,
        weakest_authority: Option<&'static str>,
        derivations: Vec<NodeJson<'a>>,
    },
    /// A derived fact below `--depth`.
    Truncated {
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        atom: String,
        relation: &'a str,
        values: JsonRow<'a>,
        height: usize,
    },
    Ref {
        atom: String,
        #[serde(rename = "ref")]
        target: String,
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

pub fn node_json<'a>(
    db: &'a Database,
    proof: &'a Proof,
    ix: NodeIndex,
    shared: &mut Shared,
) -> NodeJson<'a> {
    let n = &proof.graph[ix];
    let id = match shared.visit(ix) {
        Some((k, true)) => Some(format!("#{k}")),
        Some((k, false)) => {
            return NodeJson::Ref {
                atom: node_atom(db, n),
                target: format!("#{k}"),
            }
        }
        None => None,
    };
    let kids = |shared: &mut Shared| -> Vec<NodeJson<'a>> {
        proof
            .children(ix)
            .into_iter()
            .map(|c| node_json(db, proof, c, shared))
            .collect()
    };
    match n {
        Node::Fact {
            rel,
            values,
            origin,
        } => NodeJson::Fact {
            id,
            atom: node_atom(db, n),
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
        } => NodeJson::Derived {
            id,
            atom: node_atom(db, n),
            relation: db.relation_name(*rel),
            values: JsonRow(&db.interner, values),
            height: *height,
            weakest_authority: shared.weakest(db, proof, ix).map(|a| a.as_str()),
            rule: RuleJson::new(db, *rule),
            instance: instance_text(db, proof, ix),
            premises: kids(shared),
        },
        Node::Choice {
            rel,
            values,
            height,
        } => NodeJson::Choice {
            id,
            atom: node_atom(db, n),
            relation: db.relation_name(*rel),
            values: JsonRow(&db.interner, values),
            height: *height,
            weakest_authority: shared.weakest(db, proof, ix).map(|a| a.as_str()),
            derivations: kids(shared),
        },
        Node::Truncated {
            rel,
            values,
            height,
            ..
        } => NodeJson::Truncated {
            id,
            atom: node_atom(db, n),
            relation: db.relation_name(*rel),
            values: JsonRow(&db.interner, values),
            height: *height,
        },
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

pub fn json(db: &Database, proof: &Proof, query: &str) -> String {
    #[derive(Serialize)]
    struct Doc<'a> {
        schema_version: u32,
        query: &'a str,
        holds: bool,
        rules: RulesJson,
        proof: NodeJson<'a>,
    }
    let mut shared = Shared::new(proof);
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        query,
        holds: true,
        rules: rules_json(db),
        proof: node_json(db, proof, proof.root, &mut shared),
    };
    // Indentation grows with depth, so a deep proof printed indented would grow with the square
    // of its depth: past `INDENTED_LEVELS`, the same document comes without whitespace.
    if proof.levels() > INDENTED_LEVELS {
        let mut s = serde_json::to_string(&doc).expect("our JSON documents always serialise");
        s.push('\n');
        s
    } else {
        to_json(&doc)
    }
}

/// The deepest proof printed indented.
const INDENTED_LEVELS: usize = 64;
