//! Declarations for plain Datalog files (no `.decl`): each relation's arity comes from its first use
//! and each field's type from the constants and variables that meet there, across all rules.

use crate::ast::{Atom, Clause, Decl, Field, Literal, Program, Term, Type};
use crate::diag::Diagnostic;
use std::collections::BTreeMap;

fn atoms(c: &Clause) -> impl Iterator<Item = &Atom> {
    std::iter::once(&c.head).chain(c.body.iter().flatten().filter_map(|l| match l {
        Literal::Pos(a) | Literal::Neg(a, _) => Some(a),
        Literal::Cmp(..) => None,
    }))
}

fn arith_vars(t: &Term, out: &mut Vec<String>) {
    if let Term::Arith(_, a, b, _) = t {
        for x in [a, b] {
            match &**x {
                Term::Var(v, _) => out.push(v.clone()),
                other => arith_vars(other, out),
            }
        }
    }
}

/// Variables passed to a built-in, with the type each parameter takes.
fn call_vars(t: &Term, out: &mut Vec<(String, Type)>) {
    match t {
        Term::Call(f, args, _) => {
            for (a, ty) in args.iter().zip(f.params()) {
                match a {
                    Term::Var(v, _) => out.push((v.clone(), *ty)),
                    other => call_vars(other, out),
                }
            }
        }
        Term::Arith(_, a, b, _) => {
            call_vars(a, out);
            call_vars(b, out);
        }
        _ => {}
    }
}

pub fn declarations(prog: &Program) -> (Vec<Decl>, Vec<Diagnostic>) {
    let mut order: Vec<String> = Vec::new();
    let mut rels: BTreeMap<String, (usize, crate::source::Span)> = BTreeMap::new();
    let mut diags = Vec::new();
    for c in &prog.clauses {
        for a in atoms(c) {
            match rels.get(&a.rel) {
                None => {
                    rels.insert(a.rel.clone(), (a.args.len(), a.rel_span));
                    order.push(a.rel.clone());
                }
                Some(&(n, _)) if n != a.args.len() => diags.push(
                    Diagnostic::error(
                        "arity_mismatch",
                        a.span,
                        format!(
                            "`{}` is used with {} arguments here, but with {n} before",
                            a.rel,
                            a.args.len()
                        ),
                    )
                    .label("different number of arguments")
                    .hint("a relation has one arity; check this atom against its first use"),
                ),
                _ => {}
            }
        }
    }
    let types = field_types(prog);
    let decls = order
        .into_iter()
        .map(|name| {
            let (arity, span) = rels[&name];
            Decl {
                fields: (0..arity)
                    .map(|k| Field {
                        name: format!("x{}", k + 1),
                        type_name: types
                            .get(&(name.clone(), k))
                            .copied()
                            .unwrap_or(Type::Symbol)
                            .to_string(),
                        type_span: span,
                        span,
                    })
                    .collect(),
                name,
                name_span: span,
                doc: Default::default(),
                param: false,
            }
        })
        .collect();
    (decls, diags)
}

/// Field types, propagated through shared variables until nothing changes.
fn field_types(prog: &Program) -> BTreeMap<(String, usize), Type> {
    let mut types: BTreeMap<(String, usize), Type> = BTreeMap::new();
    loop {
        let mut changed = false;
        for c in &prog.clauses {
            changed |= type_clause(c, &mut types);
        }
        if !changed {
            return types;
        }
    }
}

/// One pass over a clause: its variables typed by arithmetic, comparisons with numbers, built-in
/// calls and the fields they fill, and the fields typed by those variables. Whether a field got a
/// type.
fn type_clause(c: &Clause, types: &mut BTreeMap<(String, usize), Type>) -> bool {
    let mut changed = false;
    let mut var_ty: BTreeMap<String, Type> = BTreeMap::new();
    for l in c.body.iter().flatten() {
        let mut vs = Vec::new();
        match l {
            Literal::Cmp(_, a, b, _) => {
                arith_vars(a, &mut vs);
                arith_vars(b, &mut vs);
                // `X < 3`, `X = Y + 1`: a variable compared with a number is a number.
                for (x, y) in [(a, b), (b, a)] {
                    if let (Term::Var(v, _), Term::Num(..) | Term::Arith(..)) = (x, y) {
                        vs.push(v.clone());
                    }
                }
            }
            Literal::Pos(a) | Literal::Neg(a, _) => {
                a.args.iter().for_each(|t| arith_vars(t, &mut vs))
            }
        }
        for v in vs {
            var_ty.insert(v, Type::Number);
        }
        let mut typed = Vec::new();
        match l {
            Literal::Cmp(_, a, b, _) => {
                call_vars(a, &mut typed);
                call_vars(b, &mut typed);
            }
            Literal::Pos(a) | Literal::Neg(a, _) => {
                a.args.iter().for_each(|t| call_vars(t, &mut typed))
            }
        }
        var_ty.extend(typed);
    }
    c.head.args.iter().for_each(|t| {
        let mut vs = Vec::new();
        arith_vars(t, &mut vs);
        vs.into_iter().for_each(|v| {
            var_ty.insert(v, Type::Number);
        });
    });
    for a in atoms(c) {
        for (k, t) in a.args.iter().enumerate() {
            let known = match t {
                Term::Str(..) => Some(Type::Symbol),
                Term::Num(..) | Term::Arith(..) => Some(Type::Number),
                Term::Call(f, ..) => Some(f.result()),
                Term::Var(v, _) => var_ty.get(v).copied(),
                Term::Wild(_) => None,
            };
            let slot = (a.rel.clone(), k);
            if let (Some(ty), None) = (known, types.get(&slot)) {
                types.insert(slot.clone(), ty);
                changed = true;
            }
            if let (Term::Var(v, _), Some(&ty)) = (t, types.get(&slot)) {
                var_ty.entry(v.clone()).or_insert(ty);
            }
        }
    }
    // Both sides of a comparison hold one type: `X = Y`, `D = add_days(E, 3)`, `S = "a"`.
    loop {
        let mut more = false;
        for l in c.body.iter().flatten() {
            let Literal::Cmp(_, a, b, _) = l else {
                continue;
            };
            for (x, y) in [(a, b), (b, a)] {
                let Term::Var(v, _) = x else { continue };
                let ty = match y {
                    Term::Str(..) => Some(Type::Symbol),
                    Term::Call(f, ..) => Some(f.result()),
                    Term::Var(w, _) => var_ty.get(w).copied(),
                    _ => None,
                };
                if let (Some(ty), None) = (ty, var_ty.get(v)) {
                    var_ty.insert(v.clone(), ty);
                    more = true;
                }
            }
        }
        if !more {
            break;
        }
    }
    // Variables typed late in the clause type earlier slots on the next pass.
    for a in atoms(c) {
        for (k, t) in a.args.iter().enumerate() {
            if let Term::Var(v, _) = t {
                if let Some(&ty) = var_ty.get(v) {
                    let slot = (a.rel.clone(), k);
                    if let std::collections::btree_map::Entry::Vacant(e) = types.entry(slot) {
                        e.insert(ty);
                        changed = true;
                    }
                }
            }
        }
    }
    changed
}
