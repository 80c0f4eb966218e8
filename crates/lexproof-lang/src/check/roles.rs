//! Roles: a variable keeps one role (or a kind of it) through every atom and comparison of a
//! rule, so arguments written in the wrong order are caught where the relation's fields have roles.
//! Values carry no role at run time: the check is on the rule text only, as in Soufflé's subtypes.

use super::{Checker, Diagnostic};
use crate::ast::{self, CmpOp, Literal, Term};
use crate::source::Span;
use std::collections::HashMap;

/// "a model", "an actor".
pub fn with_article(word: &str) -> String {
    let article = if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {word}")
}

/// Where a variable first took its role.
struct Seen {
    role: usize,
    context: String,
}

impl Checker<'_> {
    pub(super) fn clause_roles(&mut self, clause: &ast::Clause) {
        if self.out.roles.is_empty() {
            return;
        }
        let Some(body) = &clause.body else {
            return;
        };
        let mut seen: HashMap<&str, Seen> = HashMap::new();
        let atoms = std::iter::once(&clause.head).chain(body.iter().filter_map(|l| match l {
            Literal::Pos(a) | Literal::Neg(a, _) => Some(a),
            Literal::Cmp(..) => None,
        }));
        for atom in atoms {
            let Some(rel) = self.out.relation(&atom.rel) else {
                continue;
            };
            if self.out.relations[rel].arity() != atom.args.len() {
                continue;
            }
            for (k, arg) in atom.args.iter().enumerate() {
                let (Term::Var(name, span), Some(role)) = (arg, self.out.relations[rel].roles[k])
                else {
                    continue;
                };
                let context = format!(
                    "field `{}` of `{}`",
                    self.out.relations[rel].fields[k].0, atom.rel
                );
                self.meet(&mut seen, name, role, *span, context, Some((rel, atom)));
            }
        }
        for lit in body {
            if let Literal::Cmp(CmpOp::Eq | CmpOp::Ne, Term::Var(a, _), Term::Var(b, span), _) = lit
            {
                if let Some(role) = seen.get(a.as_str()).map(|s| s.role) {
                    let context = format!("`{a}`, which it is compared with");
                    self.meet(&mut seen, b, role, *span, context, None);
                }
            }
        }
    }

    /// Variable `name` meets `role` at `span`: it keeps the narrower of its roles, or the rule
    /// mixes two kinds of thing in one variable.
    fn meet<'s>(
        &mut self,
        seen: &mut HashMap<&'s str, Seen>,
        name: &'s str,
        role: usize,
        span: Span,
        context: String,
        atom: Option<(usize, &ast::Atom)>,
    ) {
        let Some(prev) = seen.get(name) else {
            seen.insert(name, Seen { role, context });
            return;
        };
        if self.out.role_within(role, prev.role) {
            seen.insert(name, Seen { role, context });
            return;
        }
        if self.out.role_within(prev.role, role) {
            return;
        }
        let (was, now) = (&self.out.roles[prev.role].name, &self.out.roles[role].name);
        let hint = match atom {
            Some((rel, a)) => {
                let r = &self.out.relations[rel];
                let sig: Vec<String> = (0..r.arity())
                    .map(|k| format!("{}: {}", r.fields[k].0, self.out.field_type_name(rel, k)))
                    .collect();
                format!(
                    "check the order of the arguments: `{}({})`; if `{name}` really is both, declare the relations' fields with one role",
                    a.rel,
                    sig.join(", ")
                )
            }
            None => {
                "a comparison between two kinds of thing never holds; compare variables of one role"
                    .to_string()
            }
        };
        let d = Diagnostic::error(
            "type_mismatch",
            span,
            format!(
                "variable `{name}` is {} in {} but {} in {context}",
                with_article(was),
                prev.context,
                with_article(now)
            ),
        )
        .label(format!("{} here", with_article(now)))
        .hint(hint);
        self.diags.push(d);
    }
}
