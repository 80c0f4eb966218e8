//! `explain --format html`: the proof as a collapsible tree and as a graph, in one page.

use super::{graph::label, node_atom, origin_text, text::instance_text, Shared};
use crate::data::value::Value;
use crate::db::Database;
use crate::present::html::{esc, page, toolbar};
use crate::reason::proof::{Node, Proof};
use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;
use std::fmt::Write;

pub fn html(db: &Database, proof: &Proof, query: &str) -> String {
    let root_atom = node_atom(db, &proof.graph[proof.root]);
    let mut body = String::new();
    let _ = write!(
        body,
        "<header><h1>Why <code>{}</code> holds</h1>",
        esc(&root_atom)
    );
    let _ = write!(body, "<p class=\"meta\">");
    if let Some(a) = proof.weakest_authority(db, proof.root) {
        let _ = write!(
            body,
            "Weakest authority in this proof: <span class=\"auth-{0}\">{0}</span> ({1}). ",
            a.as_str(),
            esc(super::authority_words(a))
        );
    }
    let _ = write!(
        body,
        "Asked: <code>{}</code>. Rules: {} (sha256 {}). lexproof {}.</p></header>",
        esc(query),
        esc(&db.rules.file.name),
        esc(&db.rules.sha256),
        env!("CARGO_PKG_VERSION")
    );
    body.push_str(toolbar());
    body.push_str("<section id=\"proof-tree\"><h2>Proof tree</h2><p class=\"note\">Click a conclusion to see the rule instance and the premises it rests on.</p>");
    body.push_str(&tree(db, proof, ""));
    body.push_str("</section>");
    body.push_str("<section id=\"proof-graph\"><h2>Proof graph</h2><p class=\"note\">Each fact appears once; click a box to find it in the tree.</p><div class=\"graph\">");
    body.push_str(&svg(db, proof));
    body.push_str("</div></section>");
    page(&format!("lexproof: why {root_atom} holds"), &body)
}

/// The proof as a collapsible tree (`<ul class="tree">`), the root open. Element ids start with
/// `prefix`, so several trees can share a page.
pub fn tree(db: &Database, proof: &Proof, prefix: &str) -> String {
    tree_on_page(db, proof, prefix, &mut PageRefs::default())
}

/// Derived facts already drawn on a page, by the id of their element: a page with many trees
/// (the report) draws each derived fact once and links to it after, so that trees over a
/// fine-tune chain, each as deep as the chain, add up to a page linear in the chain.
pub type PageRefs = FxHashMap<(usize, Vec<Value>), String>;

/// `tree`, linking to derived facts drawn earlier on the same page instead of drawing them again.
pub fn tree_on_page(db: &Database, proof: &Proof, prefix: &str, page: &mut PageRefs) -> String {
    let mut out = String::from("<ul class=\"tree\">");
    let mut shared = Shared::new(proof);
    shared.page = std::mem::take(page);
    tree_node(db, proof, proof.root, 0, prefix, &mut shared, &mut out);
    *page = std::mem::take(&mut shared.page);
    out.push_str("</ul>");
    out
}

fn tree_node(
    db: &Database,
    proof: &Proof,
    ix: NodeIndex,
    depth: usize,
    prefix: &str,
    shared: &mut Shared,
    out: &mut String,
) {
    let n = &proof.graph[ix];
    let atom = esc(&node_atom(db, n));
    let (number, first) = match shared.visit(ix) {
        Some((k, first)) => (Some(k), first),
        None => (None, true),
    };
    let id = format!("{prefix}t{}", ix.index());
    if let Node::Derived { rel, values, .. } | Node::Choice { rel, values, .. } = n {
        if first {
            if let Some(earlier) = shared.page.get(&(*rel, values.clone())) {
                let _ = write!(
                    out,
                    "<li class=\"pnode ref\"><span class=\"atom\">{atom}</span> <a class=\"ref\" href=\"#{earlier}\">shown above</a></li>"
                );
                return;
            }
            shared.page.insert((*rel, values.clone()), id.clone());
        }
    }
    if !first {
        let _ = write!(
            out,
            "<li class=\"pnode ref\"><span class=\"atom\">{atom}</span> <a class=\"ref\" href=\"#{id}\">shown above as #{}</a></li>",
            number.unwrap_or(0)
        );
        return;
    }
    let mark = number.map_or(String::new(), |k| {
        format!(" <span class=\"tag\">#{k}</span>")
    });
    let open = if depth == 0 { " open" } else { "" };
    match n {
        Node::Fact { origin, .. } => {
            let _ = write!(
                out,
                "<li class=\"pnode fact\" id=\"{id}\"><span class=\"atom\">{atom}</span>{mark} <span class=\"note\">fact, from {}</span></li>",
                esc(&origin_text(db, origin))
            );
        }
        Node::Absent { .. } => {
            let _ = write!(
                out,
                "<li class=\"pnode absent\"><span class=\"atom\">{atom}</span> <span class=\"note\">no such fact holds</span></li>"
            );
        }
        Node::Condition { .. } => {
            let _ = write!(
                out,
                "<li class=\"pnode condition\"><span class=\"atom\">{atom}</span> <span class=\"note\">holds</span></li>"
            );
        }
        Node::Truncated { height, .. } => {
            let _ = write!(
                out,
                "<li class=\"pnode truncated\" id=\"{id}\"><span class=\"atom\">{atom}</span>{mark} <span class=\"note\">derived (height {height}); below the depth limit, not expanded</span></li>"
            );
        }
        Node::Choice { .. } => {
            let alts = proof.children(ix);
            let _ = write!(
                out,
                "<li class=\"pnode choice\" id=\"{id}\"><details{open}><summary><span class=\"atom\">{atom}</span>{mark} <span class=\"note\">holds by any of {} rule instances</span></summary><ul>",
                alts.len()
            );
            for c in alts {
                tree_node(db, proof, c, depth + 1, prefix, shared, out);
            }
            out.push_str("</ul></details></li>");
        }
        Node::Derived { rule, height, .. } => {
            let r = &db.rules.checked.rules[*rule];
            let auth = r.authority.as_str();
            let _ = write!(
                out,
                "<li class=\"pnode derived\" id=\"{id}\"><details{open}><summary><span class=\"atom\">{atom}</span>{mark} <span class=\"tag\">{}</span> <span class=\"cite\">[{}]</span></summary>",
                esc(&r.id),
                esc(&r.citations.join("; "))
            );
            let _ = write!(
                out,
                "<div class=\"info\"><div class=\"says\">{}</div><dl><dt>Source</dt><dd>{}</dd><dt>Authority</dt><dd class=\"auth-{auth}\">{auth}</dd>",
                esc(&r.says),
                esc(&r.citations.join("; "))
            );
            if let Some(w) = shared.weakest(db, proof, ix) {
                let _ = write!(
                    out,
                    "<dt>Weakest beneath</dt><dd class=\"auth-{0}\">{0}</dd>",
                    w.as_str()
                );
            }
            let _ = write!(
                out,
                "<dt>Rule</dt><dd><code>{}</code>, {}:{}, height {height}</dd><dt>Instance</dt><dd><code>{}</code></dd></dl>",
                esc(&r.id),
                esc(&r.file),
                r.line,
                esc(&instance_text(db, proof, ix))
            );
            if let Some(reason) = &r.ambiguous {
                let _ = write!(
                    out,
                    "<div class=\"ambiguous\">Ambiguous: {}</div>",
                    esc(reason)
                );
            }
            let _ = write!(
                out,
                "<pre class=\"rule-src\">{}</pre></div><ul>",
                esc(&r.text)
            );
            for c in proof.children(ix) {
                tree_node(db, proof, c, depth + 1, prefix, shared, out);
            }
            out.push_str("</ul></details></li>");
        }
    }
}

const CHAR_W: usize = 7;
const LINE_H: usize = 16;
const MAX_CHARS: usize = 64;
const GAP_X: usize = 24;
const GAP_Y: usize = 48;

/// The proof graph as SVG, laid out in layers by distance from the conclusion (breadth first), in
/// the order premises appear; edges that point back up (recursion under `--all`) curve aside.
fn svg(db: &Database, proof: &Proof) -> String {
    let g = &proof.graph;
    let mut layer = vec![usize::MAX; g.node_count()];
    let mut layers: Vec<Vec<NodeIndex>> = Vec::new();
    let mut queue = std::collections::VecDeque::from([proof.root]);
    layer[proof.root.index()] = 0;
    while let Some(ix) = queue.pop_front() {
        let l = layer[ix.index()];
        if layers.len() <= l {
            layers.push(Vec::new());
        }
        layers[l].push(ix);
        for c in proof.children(ix) {
            if layer[c.index()] == usize::MAX {
                layer[c.index()] = l + 1;
                queue.push_back(c);
            }
        }
    }
    let labels: Vec<Vec<String>> = (0..g.node_count())
        .map(|i| label(db, proof, NodeIndex::new(i)))
        .collect();
    let size = |ix: NodeIndex| {
        let lines = &labels[ix.index()];
        let chars = lines
            .iter()
            .map(|l| l.chars().count().min(MAX_CHARS))
            .max()
            .unwrap_or(1);
        (chars * CHAR_W + 16, lines.len() * LINE_H + 10)
    };
    let widths: Vec<usize> = layers
        .iter()
        .map(|l| l.iter().map(|&ix| size(ix).0 + GAP_X).sum::<usize>())
        .collect();
    let total_w = widths.iter().copied().max().unwrap_or(0) + 2 * GAP_X;
    let mut pos = vec![(0usize, 0usize, 0usize, 0usize); g.node_count()];
    let mut y = GAP_X;
    for (l, nodes) in layers.iter().enumerate() {
        let mut x = (total_w - widths[l]) / 2 + GAP_X / 2;
        let row_h = nodes.iter().map(|&ix| size(ix).1).max().unwrap_or(0);
        for &ix in nodes {
            let (w, h) = size(ix);
            pos[ix.index()] = (x, y, w, h);
            x += w + GAP_X;
        }
        y += row_h + GAP_Y;
    }
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total_w}\" height=\"{y}\" viewBox=\"0 0 {total_w} {y}\" role=\"img\" aria-label=\"proof graph\">\
<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#8b97a8\"/></marker></defs>"
    );
    for ix in g.node_indices() {
        let (x, y, w, h) = pos[ix.index()];
        let alt = matches!(g[ix], Node::Choice { .. });
        for c in proof.children(ix) {
            let (cx, cy, cw, ch) = pos[c.index()];
            let (x1, y1) = (x + w / 2, y + h);
            let class = if alt { "edge or" } else { "edge" };
            if cy > y {
                let (x2, y2) = (cx + cw / 2, cy);
                let _ = write!(out, "<path class=\"{class}\" d=\"M {x1} {y1} C {x1} {} {x2} {} {x2} {y2}\" marker-end=\"url(#arrow)\"/>", y1 + GAP_Y / 2, y2 - GAP_Y / 2);
            } else {
                // Back to a fact already shown above: a loop around the right side.
                let (x2, y2) = (cx + cw, cy + ch / 2);
                let bend = x.max(cx) + w.max(cw) + GAP_X;
                let _ = write!(out, "<path class=\"{class}\" d=\"M {} {} C {bend} {} {bend} {y2} {x2} {y2}\" marker-end=\"url(#arrow)\"/>", x + w, y + h / 2, y + h / 2);
            }
        }
    }
    for ix in g.node_indices() {
        let (x, y, w, h) = pos[ix.index()];
        let kind = match g[ix] {
            Node::Fact { .. } => "fact",
            Node::Derived { .. } => "derived",
            Node::Choice { .. } => "choice",
            Node::Truncated { .. } => "truncated",
            Node::Absent { .. } => "absent",
            Node::Condition { .. } => "condition",
        };
        let lines = &labels[ix.index()];
        let target = match g[ix] {
            Node::Absent { .. } | Node::Condition { .. } => String::new(),
            _ => format!(" data-target=\"t{}\"", ix.index()),
        };
        let _ = write!(
            out,
            "<g class=\"gnode {kind}\" id=\"g{}\"{target}><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"5\"/>",
            ix.index(),
            esc(&lines.join("\n"))
        );
        for (i, l) in lines.iter().enumerate() {
            let class = if i == 0 { "" } else { " class=\"sub\"" };
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\"{class}>{}</text>",
                x + 8,
                y + 5 + LINE_H * (i + 1) - 4,
                esc(&shorten(l))
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= MAX_CHARS {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(MAX_CHARS - 1).collect();
        t.push('…');
        t
    }
}
