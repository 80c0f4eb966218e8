//! Rejects cycles in the input relations a rule recurses along while computing new values (see
//! `check::AcyclicGuard`): with a cycle such a rule derives without end, on either engine.

use super::Origin;
use crate::data::store::Table;
use crate::data::value::{Interner, Value};
use lexproof_lang::check::Checked;
use rustc_hash::FxHashMap;

/// One error per guarded relation that has a cycle, naming the cycle and where each fact is.
pub fn check(
    program: &Checked,
    tables: &[Table],
    origins: &[Vec<Origin>],
    files: &[String],
    interner: &Interner,
) -> Vec<String> {
    let mut errors = Vec::new();
    let mut seen: Vec<(usize, usize, usize)> = Vec::new();
    for g in &program.acyclic {
        if seen.contains(&(g.rel, g.from, g.to)) {
            continue;
        }
        seen.push((g.rel, g.from, g.to));
        let t = &tables[g.rel];
        let Some(cycle) = find_cycle(t, g.from, g.to, interner) else {
            continue;
        };
        let rel = &program.relations[g.rel].name;
        let rule = &program.rules[g.rule];
        // A cycle through thousands of models is named by its start and length, and only its
        // first facts are listed: the message must stay readable.
        let shown = cycle.len().min(CYCLE_SHOWN);
        let mut path: Vec<String> = cycle[..shown]
            .iter()
            .map(|&row| crate::data::value::shorten(&interner.literal(&t.get(row, g.from)), 80))
            .collect();
        if shown < cycle.len() {
            path.push(format!("... ({} more)", cycle.len() - shown));
        }
        path.push(crate::data::value::shorten(
            &interner.literal(&t.get(cycle[0], g.from)),
            80,
        ));
        let first = origins[g.rel][cycle[0]];
        let mut msg = format!(
            "{}:{}: error[cyclic_facts]: the `{rel}` facts form a cycle: {}\n",
            files[first.file as usize],
            first.line,
            path.join(" -> ")
        );
        for &row in &cycle[..shown] {
            let o = origins[g.rel][row];
            msg.push_str(&format!(
                "  {}:{}: {}\n",
                files[o.file as usize],
                o.line,
                crate::data::value::shorten(&interner.atom(rel, &t.row(row)), 200)
            ));
        }
        if shown < cycle.len() {
            msg.push_str(&format!(
                "  ... and {} more facts of the cycle\n",
                cycle.len() - shown
            ));
        }
        msg.push_str(&format!(
            "  hint: rule `{}` ({}:{}) computes a new value at each step along `{rel}`, so with this cycle it would never stop; correct or remove one of these facts\n",
            rule.id, rule.file, rule.line
        ));
        errors.push(msg);
    }
    errors
}

/// The facts of a cycle listed in its error; a longer cycle is counted.
const CYCLE_SHOWN: usize = 20;

/// Rows forming a cycle in the graph `row[from] -> row[to]`, starting from the node that sorts first,
/// or `None`. Iterative depth-first search with colours, nodes tried in display order.
/// Whether the edges `from -> to` of `t` are acyclic, decided in linear time on symbol ids (Kahn's
/// algorithm); `None` when the columns are not symbols. Most fact bases have no cycle, so this spares
/// them the search in display order that names the first cycle.
fn acyclic(t: &Table, from: usize, to: usize) -> Option<bool> {
    let types = t.types();
    if types[from] != lexproof_lang::ast::Type::Symbol
        || types[to] != lexproof_lang::ast::Type::Symbol
    {
        return None;
    }
    let (a, b) = (t.syms(from), t.syms(to));
    let n = a
        .iter()
        .chain(b)
        .map(|s| s.0 as usize + 1)
        .max()
        .unwrap_or(0);
    let mut start = vec![0u32; n + 1];
    let mut indegree = vec![0u32; n];
    for (x, y) in a.iter().zip(b) {
        start[x.0 as usize + 1] += 1;
        indegree[y.0 as usize] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut succ = vec![0u32; a.len()];
    for (x, y) in a.iter().zip(b) {
        succ[fill[x.0 as usize] as usize] = y.0;
        fill[x.0 as usize] += 1;
    }
    let mut ready: Vec<u32> = (0..n as u32)
        .filter(|&v| indegree[v as usize] == 0)
        .collect();
    let mut removed = 0usize;
    while let Some(v) = ready.pop() {
        for &w in &succ[start[v as usize] as usize..start[v as usize + 1] as usize] {
            removed += 1;
            indegree[w as usize] -= 1;
            if indegree[w as usize] == 0 {
                ready.push(w);
            }
        }
    }
    Some(removed == a.len())
}

fn find_cycle(t: &Table, from: usize, to: usize, interner: &Interner) -> Option<Vec<usize>> {
    if acyclic(t, from, to) == Some(true) {
        return None;
    }
    let mut out: FxHashMap<Value, Vec<usize>> = FxHashMap::default();
    for row in 0..t.len() {
        out.entry(t.get(row, from)).or_default().push(row);
    }
    let mut nodes: Vec<Value> = out.keys().copied().collect();
    nodes.sort_by(|a, b| interner.display_cmp(a, b));
    // 0 unvisited, 1 on the current path, 2 done.
    let mut colour: FxHashMap<Value, u8> = FxHashMap::default();
    for start in nodes {
        if colour.get(&start).copied().unwrap_or(0) != 0 {
            continue;
        }
        // Stack of (node, next edge index); `path` holds the row taken into each deeper node.
        let mut stack: Vec<(Value, usize)> = vec![(start, 0)];
        let mut path: Vec<usize> = Vec::new();
        colour.insert(start, 1);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let edges = out.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if *next < edges.len() {
                let row = edges[*next];
                *next += 1;
                let succ = t.get(row, to);
                match colour.get(&succ).copied().unwrap_or(0) {
                    0 => {
                        colour.insert(succ, 1);
                        path.push(row);
                        stack.push((succ, 0));
                    }
                    1 => {
                        // Back edge: the cycle is the path from `succ` to here, plus this row.
                        let at = stack.iter().position(|(n, _)| *n == succ).unwrap_or(0);
                        let mut cycle: Vec<usize> = path[at..].to_vec();
                        cycle.push(row);
                        return Some(cycle);
                    }
                    _ => {}
                }
            } else {
                colour.insert(node, 2);
                stack.pop();
                path.pop();
            }
        }
    }
    None
}
