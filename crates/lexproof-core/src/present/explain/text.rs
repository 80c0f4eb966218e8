use super::{node_atom, origin_text, rule_label, Shared};
use crate::db::Database;
use crate::reason::proof::{Node, Proof};
use petgraph::graph::NodeIndex;
use std::fmt::Write;

pub fn text(db: &Database, proof: &Proof) -> String {
    let mut out = String::new();
    let mut shared = Shared::new(proof);
    let root = &proof.graph[proof.root];
    let mark = match shared.visit(proof.root) {
        Some((k, _)) => format!("   #{k}"),
        None => String::new(),
    };
    let _ = writeln!(out, "{}{mark}", node_atom(db, root));
    if let Some(a) = proof.weakest_authority(db, proof.root) {
        let _ = writeln!(out, "  weakest authority in this proof: {}", a.as_str());
    }
    node(db, proof, proof.root, "", &mut shared, &mut out);
    out
}

fn node(
    db: &Database,
    proof: &Proof,
    ix: NodeIndex,
    indent: &str,
    shared: &mut Shared,
    out: &mut String,
) {
    match &proof.graph[ix] {
        Node::Fact { origin, .. } => {
            let _ = writeln!(out, "{indent}  fact, from {}", origin_text(db, origin));
        }
        Node::Truncated { height, .. } => {
            let _ = writeln!(
                out,
                "{indent}  derived (height {height}); not expanded: below the depth limit (raise --depth)"
            );
        }
        Node::Choice { .. } => {
            let alts = proof.children(ix);
            let _ = writeln!(
                out,
                "{indent}  holds by {} rule instances, best first:",
                alts.len()
            );
            for (i, c) in alts.iter().enumerate() {
                let (branch, cont) = branch(i + 1 == alts.len());
                let _ = writeln!(
                    out,
                    "{indent}{branch}derivation {} of {}",
                    i + 1,
                    alts.len()
                );
                node(db, proof, *c, &nest(indent, cont), shared, out);
            }
        }
        Node::Derived { rule, height, .. } => {
            let r = &db.rules.checked.rules[*rule];
            let _ = writeln!(
                out,
                "{indent}  by {}, {}:{}, height {height}",
                rule_label(r),
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
                let (branch, cont) = branch(i + 1 == children.len());
                let child = &proof.graph[*c];
                let (suffix, expand) = match child {
                    Node::Absent { .. } => ("   (no such fact holds)".to_string(), false),
                    Node::Condition { .. } => ("   (holds)".to_string(), false),
                    _ => match shared.visit(*c) {
                        Some((k, true)) => (format!("   #{k}"), true),
                        Some((k, false)) => (format!("   (shown above as #{k})"), false),
                        None => (String::new(), true),
                    },
                };
                let _ = writeln!(out, "{indent}{branch}{}{suffix}", node_atom(db, child));
                if expand {
                    node(db, proof, *c, &nest(indent, cont), shared, out);
                }
            }
        }
        Node::Absent { .. } | Node::Condition { .. } => {}
    }
}

/// Indentation stops growing after `INDENTED_LEVELS` levels (deeper steps continue at that
/// indentation; each shows its height): indenting every level would make a chain of n steps n^2
/// characters long.
const INDENTED_LEVELS: usize = 40;

fn nest(indent: &str, cont: &str) -> String {
    if indent.chars().count() >= INDENTED_LEVELS * 3 {
        indent.to_string()
    } else {
        format!("{indent}{cont}")
    }
}

fn branch(last: bool) -> (&'static str, &'static str) {
    if last {
        ("└─ ", "   ")
    } else {
        ("├─ ", "│  ")
    }
}

/// The ground rule instance: the head, `:-`, and the premises with values filled in.
pub fn instance_text(db: &Database, proof: &Proof, ix: NodeIndex) -> String {
    instance_text_in(db, proof, ix, false)
}

/// `instance_text` with exact numbers, for JSON.
pub fn instance_text_exact(db: &Database, proof: &Proof, ix: NodeIndex) -> String {
    instance_text_in(db, proof, ix, true)
}

fn instance_text_in(db: &Database, proof: &Proof, ix: NodeIndex, exact: bool) -> String {
    let atom = |n: &Node| match exact {
        true => super::node_atom_exact(db, n),
        false => node_atom(db, n),
    };
    let premises: Vec<String> = proof
        .children(ix)
        .into_iter()
        .map(|c| match &proof.graph[c] {
            Node::Absent { .. } => format!("!{}", atom(&proof.graph[c]).trim_start_matches("not ")),
            n => atom(n),
        })
        .collect();
    let head = atom(&proof.graph[ix]);
    if premises.is_empty() {
        format!("{head}.")
    } else {
        format!("{head} :- {}.", premises.join(", "))
    }
}
