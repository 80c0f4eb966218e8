//! Graph formats: Graphviz DOT and Mermaid. Both list every node once, so shared subproofs and
//! recursion need no special treatment; alternatives of `--all` hang off a "one of" node.

use super::{node_atom, origin_text, rule_label};
use crate::db::Database;
use crate::reason::proof::{Node, Proof};
use petgraph::graph::NodeIndex;

/// The lines of a node's label and its kind, shared by DOT, Mermaid and the HTML graph.
pub fn label(db: &Database, proof: &Proof, ix: NodeIndex) -> Vec<String> {
    let n = &proof.graph[ix];
    let mut lines = vec![node_atom(db, n)];
    match n {
        Node::Fact { origin, .. } => lines.push(format!("fact, {}", origin_text(db, origin))),
        Node::Derived { rule, .. } => lines.push(rule_label(&db.rules.checked.rules[*rule])),
        Node::Choice { .. } => lines.push(format!(
            "holds by any of {} rule instances",
            proof.children(ix).len()
        )),
        Node::Truncated { .. } => lines.push("derived; below the depth limit".into()),
        Node::Absent { .. } => lines.push("no such fact holds".into()),
        Node::Condition { .. } => {}
    }
    lines
}

pub fn dot(db: &Database, proof: &Proof) -> String {
    let mut out = String::from("digraph {\n    node [fontname=\"Helvetica\"];\n");
    for ix in proof.graph.node_indices() {
        let (shape, style) = match &proof.graph[ix] {
            Node::Fact { .. } => ("box", "rounded"),
            Node::Derived { .. } => ("box", "bold"),
            Node::Choice { .. } => ("box", "\"rounded,dashed\""),
            Node::Truncated { .. } => ("box", "dotted"),
            Node::Absent { .. } => ("box", "dashed"),
            Node::Condition { .. } => ("ellipse", "solid"),
        };
        let lines: Vec<String> = label(db, proof, ix).iter().map(|l| dot_escape(l)).collect();
        out.push_str(&format!(
            "    {} [shape={shape}, style={style}, label=\"{}\"]\n",
            ix.index(),
            lines.join("\\n")
        ));
    }
    for ix in proof.graph.node_indices() {
        let alt = matches!(proof.graph[ix], Node::Choice { .. });
        for c in proof.children(ix) {
            let attr = if alt {
                " [style=dashed, label=\"or\"]"
            } else {
                ""
            };
            out.push_str(&format!("    {} -> {}{attr}\n", ix.index(), c.index()));
        }
    }
    out.push_str("}\n");
    out
}

/// Escapes one line of a DOT label; lines are joined with DOT's `\n` afterwards.
fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace(['\n', '\r'], " ")
}

/// A Mermaid flowchart of the proof: one node per fact or condition, derived facts labelled with
/// their rule, edges from a conclusion to its premises.
pub fn mermaid(db: &Database, proof: &Proof) -> String {
    let mut out = String::from("flowchart TD\n");
    for ix in proof.graph.node_indices() {
        let shape = match &proof.graph[ix] {
            Node::Fact { .. } => ("[(", ")]"),
            Node::Derived { .. } => ("[", "]"),
            Node::Choice { .. } => ("{{", "}}"),
            Node::Truncated { .. } => ("[[", "]]"),
            Node::Absent { .. } => ("[/", "/]"),
            Node::Condition { .. } => ("([", "])"),
        };
        let lines: Vec<String> = label(db, proof, ix)
            .iter()
            .map(|l| mermaid_escape(l))
            .collect();
        out.push_str(&format!(
            "  n{}{}\"{}\"{}\n",
            ix.index(),
            shape.0,
            lines.join("<br/>"),
            shape.1
        ));
    }
    for ix in proof.graph.node_indices() {
        let arrow = if matches!(proof.graph[ix], Node::Choice { .. }) {
            "-.->|or|"
        } else {
            "-->"
        };
        for c in proof.children(ix) {
            out.push_str(&format!("  n{} {arrow} n{}\n", ix.index(), c.index()));
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
        .replace(['\n', '\r'], " ")
}
