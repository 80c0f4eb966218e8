//! Join ordering. crepe evaluates a rule's clauses left to right and has no planner, so the order
//! chosen here is the join order: each next positive atom is the one with the most arguments already
//! bound (ties keep the written order), and every test is placed right after its variables are bound.

use crate::check::{CLit, CTerm};

pub fn order(body: &[CLit]) -> Vec<usize> {
    order_from(body, None)
}

/// Like `order`, but starting with the positive literal `first` (for semi-naive evaluation, where the
/// new facts of one premise drive the join).
pub fn order_from(body: &[CLit], first: Option<usize>) -> Vec<usize> {
    let nvars = body
        .iter()
        .flat_map(|l| l.vars())
        .max()
        .map_or(0, |m| m + 1);
    let mut bound = vec![false; nvars];
    let mut placed = vec![false; body.len()];
    let mut out = Vec::with_capacity(body.len());
    place_tests(body, &mut bound, &mut placed, &mut out);
    if let Some(f) = first {
        placed[f] = true;
        out.push(f);
        for v in body[f].vars() {
            bound[v] = true;
        }
        place_tests(body, &mut bound, &mut placed, &mut out);
    }
    loop {
        let next = body
            .iter()
            .enumerate()
            .filter(|(i, l)| !placed[*i] && matches!(l, CLit::Pos(_)))
            .max_by_key(|(i, l)| {
                let CLit::Pos(a) = l else { unreachable!() };
                let n = a
                    .args
                    .iter()
                    .filter(|t| match t {
                        CTerm::Var(v) => bound[*v],
                        CTerm::Const(_) => true,
                        _ => false,
                    })
                    .count();
                (n, std::cmp::Reverse(*i))
            })
            .map(|(i, _)| i);
        let Some(i) = next else { break };
        placed[i] = true;
        out.push(i);
        if let CLit::Pos(a) = &body[i] {
            for v in a.vars() {
                bound[v] = true;
            }
        }
        place_tests(body, &mut bound, &mut placed, &mut out);
    }
    // Anything left has variables no premise binds; the checker has reported it already.
    out.extend((0..body.len()).filter(|&i| !placed[i]));
    out
}

fn place_tests(body: &[CLit], bound: &mut [bool], placed: &mut [bool], out: &mut Vec<usize>) {
    loop {
        let mut progress = false;
        for (i, l) in body.iter().enumerate() {
            if placed[i] {
                continue;
            }
            let ready = match l {
                CLit::Pos(_) => false,
                CLit::Neg(a) => a.vars().iter().all(|&v| bound[v]),
                CLit::Cmp(..) => l.vars().iter().all(|&v| bound[v]),
                CLit::Assign(_, e) => {
                    let mut vs = Vec::new();
                    e.vars(&mut vs);
                    vs.iter().all(|&v| bound[v])
                }
            };
            if ready {
                placed[i] = true;
                out.push(i);
                if let CLit::Assign(x, _) = l {
                    bound[*x] = true;
                }
                progress = true;
            }
        }
        if !progress {
            return;
        }
    }
}
