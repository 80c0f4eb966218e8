//! Proofs rendered for people: text, JSON, DOT, Mermaid, prose and a self-contained HTML page.
//! Every renderer walks the same `proof::Proof` graph; a shared subproof (a node reached more than
//! once) is shown once and referred to afterwards, which also ends the walk on recursion shown by
//! `--all`.

mod graph;
pub mod html;
mod json;
mod prose;
mod text;

pub use graph::{dot, mermaid};
pub use html::html;
pub use json::json;
pub use prose::prose;
pub use text::{instance_text, text};

use crate::data::value::Value;
use crate::db::Database;
use crate::facts::Origin;
use crate::reason::proof::{Node, Proof};
use lexproof_lang::ast::Authority;
use lexproof_lang::check::Rule;
use petgraph::graph::NodeIndex;

pub fn origin_text(db: &Database, o: &Origin) -> String {
    format!("{}:{}", db.facts.files[o.file as usize], o.line)
}

/// An atom whose unknown arguments (`None`) are shown as `_`, numbers as people read them.
pub fn absent_atom(db: &Database, rel: usize, pattern: &[Option<Value>]) -> String {
    absent_atom_in(db, rel, pattern, false)
}

/// The atom as its relation's `@reads` phrase says it ("borealis-70 has systemic risk"), with
/// "some FIELD" for an argument left open; `None` when the relation has no phrase.
pub fn reads(db: &Database, rel: usize, pattern: &[Option<Value>]) -> Option<String> {
    let r = &db.rules.checked.relations[rel];
    let phrase = r.doc.reads.as_ref()?;
    Some(lexproof_lang::check::fill_reads(
        phrase,
        &r.fields,
        |k| match pattern.get(k).copied().flatten() {
            Some(Value::Sym(s)) => db.interner.resolve(s).to_string(),
            Some(v) => db.interner.readable(&v).trim_matches('"').to_string(),
            None => match r.fields[k].1 {
                lexproof_lang::ast::Type::Date => "some day".to_string(),
                _ => format!("some {}", r.fields[k].0),
            },
        },
    ))
}

/// `absent_atom` with numbers exact, for JSON.
pub fn absent_atom_exact(db: &Database, rel: usize, pattern: &[Option<Value>]) -> String {
    absent_atom_in(db, rel, pattern, true)
}

fn absent_atom_in(db: &Database, rel: usize, pattern: &[Option<Value>], exact: bool) -> String {
    let args: Vec<String> = pattern
        .iter()
        .map(|v| {
            v.map_or("_".to_string(), |v| match exact {
                true => db.interner.literal(&v),
                false => db.interner.readable(&v),
            })
        })
        .collect();
    format!("{}({})", db.relation_name(rel), args.join(", "))
}

/// A proof node's atom as people read it (numbers as `3×10^24`): text, prose, graphs, HTML.
pub fn node_atom(db: &Database, n: &Node) -> String {
    node_atom_in(db, n, false)
}

/// A proof node's atom in fact syntax with exact numbers: JSON.
pub fn node_atom_exact(db: &Database, n: &Node) -> String {
    node_atom_in(db, n, true)
}

fn node_atom_in(db: &Database, n: &Node, exact: bool) -> String {
    match n {
        Node::Fact { rel, values, .. }
        | Node::Derived { rel, values, .. }
        | Node::Choice { rel, values, .. }
        | Node::Truncated { rel, values, .. } => match exact {
            true => db.interner.atom(db.relation_name(*rel), values),
            false => db.interner.readable_atom(db.relation_name(*rel), values),
        },
        Node::Absent { rel, pattern } => {
            format!("not {}", absent_atom_in(db, *rel, pattern, exact))
        }
        Node::Condition { text } => text.clone(),
    }
}

/// `rule ID [citations] (authority)`: how every format names a rule.
pub fn rule_label(r: &Rule) -> String {
    format!(
        "rule {} [{}] ({})",
        r.id,
        r.citations.join("; "),
        r.authority.as_str()
    )
}

pub fn authority_words(a: Authority) -> &'static str {
    match a {
        Authority::Statute => "the statute itself",
        Authority::Recital => "a recital (interpretive)",
        Authority::Guidelines => "the Commission Guidelines (non-binding)",
        Authority::Unspecified => "a rule that names no authority",
    }
}

/// Numbers shared subproofs in the order a depth-first walk meets them, so every format can say
/// "shown above as #k" the same way.
pub struct Shared {
    flags: Vec<bool>,
    numbers: Vec<Option<usize>>,
    next: usize,
    /// Each node's weakest authority, computed once on first use.
    weakest: Option<Vec<Option<Authority>>>,
    /// Derived facts drawn earlier on the page (`html::tree_on_page`).
    pub page: html::PageRefs,
}

impl Shared {
    pub fn new(proof: &Proof) -> Shared {
        let flags = proof.shared();
        Shared {
            numbers: vec![None; flags.len()],
            flags,
            next: 1,
            weakest: None,
            page: html::PageRefs::default(),
        }
    }

    /// `Proof::weakest_authority` of node `ix`, from one walk of the whole proof.
    pub fn weakest(
        &mut self,
        db: &crate::db::Database,
        proof: &Proof,
        ix: NodeIndex,
    ) -> Option<Authority> {
        self.weakest
            .get_or_insert_with(|| proof.weakest_authorities(db))
            .get(ix.index())
            .copied()
            .flatten()
    }

    /// `None` if the node is not shared; `Some((k, true))` the first time, `Some((k, false))` after.
    pub fn visit(&mut self, ix: NodeIndex) -> Option<(usize, bool)> {
        if !self.flags[ix.index()] {
            return None;
        }
        match self.numbers[ix.index()] {
            Some(k) => Some((k, false)),
            None => {
                let k = self.next;
                self.next += 1;
                self.numbers[ix.index()] = Some(k);
                Some((k, true))
            }
        }
    }
}
