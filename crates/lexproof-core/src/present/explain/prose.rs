use super::{absent_atom, authority_words, node_atom, origin_text};
use crate::db::Database;
use crate::reason::proof::{Node, Proof};
use petgraph::graph::NodeIndex;
use std::collections::BTreeSet;

/// The proof as plain English: each derived fact with its rule's plain-language line and sources,
/// then what it rests on; each shared step explained once.
pub fn prose(db: &Database, proof: &Proof) -> String {
    let mut out = String::new();
    let mut done = BTreeSet::new();
    // A fact's own explanation is where it was given; below a rule, facts are named in the
    // sentence of the conclusion they support.
    if let n @ Node::Fact { origin, .. } = &proof.graph[proof.root] {
        out.push_str(&format!(
            "{} holds: it is given as a fact in {}; no rule is needed for it.\n",
            node_atom(db, n),
            origin_text(db, origin)
        ));
        return out;
    }
    node(db, proof, proof.root, &mut done, &mut out);
    if let Some(a) = proof.weakest_authority(db, proof.root) {
        out.push_str(&format!(
            "The weakest authority this conclusion rests on is {}.",
            authority_words(a)
        ));
    }
    out.push('\n');
    out
}

fn node(
    db: &Database,
    proof: &Proof,
    ix: NodeIndex,
    done: &mut BTreeSet<NodeIndex>,
    out: &mut String,
) {
    if !done.insert(ix) {
        return;
    }
    let children = proof.children(ix);
    match &proof.graph[ix] {
        Node::Choice { .. } => {
            out.push_str(&format!(
                "{} holds in {} ways, each set out below.\n\n",
                node_atom(db, &proof.graph[ix]),
                children.len()
            ));
        }
        Node::Truncated { .. } => {
            out.push_str(&format!(
                "{} holds by rules not explained here (below the depth limit).\n\n",
                node_atom(db, &proof.graph[ix])
            ));
        }
        Node::Derived { rule, .. } => {
            let r = &db.rules.checked.rules[*rule];
            let grounds: Vec<String> = children
                .iter()
                .map(|c| {
                    let n = &proof.graph[*c];
                    match n {
                        Node::Fact { origin, .. } => format!(
                            "{} (given in {})",
                            node_atom(db, n),
                            origin_text(db, origin)
                        ),
                        Node::Absent { rel, pattern } => {
                            format!("the absence of {}", absent_atom(db, *rel, pattern))
                        }
                        Node::Condition { text } => format!("the condition {text}"),
                        _ => node_atom(db, n),
                    }
                })
                .collect();
            out.push_str(&format!(
                "{} holds: {} [{}; {}].",
                node_atom(db, &proof.graph[ix]),
                r.says.trim_end_matches('.'),
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
        }
        _ => return,
    }
    for c in children {
        node(db, proof, c, done, out);
    }
}

pub fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}
