//! `.dl` fact files: ground atoms such as `developer("aurora-m", "aurora-labs").`, parsed by the
//! rules parser so comments, strings and numbers mean exactly what they mean in rules.dl.

use super::Loader;
use lexproof_lang::ast::{Term, Type};
use lexproof_lang::diag::Diagnostic;
use lexproof_lang::SourceFile;

pub(super) fn read(
    l: &mut Loader,
    file: &SourceFile,
    facts: &mut super::Staging,
    diags: &mut Vec<Diagnostic>,
) {
    let (prog, syntax) = lexproof_lang::parser::parse_program(file);
    diags.extend(syntax);
    for d in &prog.decls {
        diags.push(
            Diagnostic::error(
                "not_a_fact",
                d.name_span,
                "declarations belong in the rules file, not in a fact file",
            )
            .label("declaration in a fact file")
            .hint("remove it; fact files hold ground facts such as developer(\"m\", \"acme\")."),
        );
    }
    for c in &prog.clauses {
        if c.body.is_some() || !c.meta.is_empty() {
            diags.push(
                Diagnostic::error(
                    "not_a_fact",
                    c.head.span,
                    "rules belong in the rules file, not in a fact file",
                )
                .label("a rule or annotated clause")
                .hint("fact files hold ground facts only; add rules to rules.dl"),
            );
            continue;
        }
        let rel = match l.relation(&c.head.rel, c.head.rel_span) {
            Ok(r) => r,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if let Err(d) = l.arity(rel, c.head.args.len(), c.head.span) {
            diags.push(d);
            continue;
        }
        let mut values = Vec::with_capacity(c.head.args.len());
        for (k, arg) in c.head.args.iter().enumerate() {
            let (fname, ty) = l.program.relations[rel].fields[k].clone();
            let v = match (arg, ty) {
                (Term::Str(s, span), Type::Number) => Err(Diagnostic::error(
                    "type_mismatch",
                    *span,
                    format!(
                        "field `{fname}` of `{}` is a number, but \"{s}\" is a symbol",
                        c.head.rel
                    ),
                )
                .label("expected a number")
                .hint("write numbers without quotes, e.g. 2.6e25")),
                (Term::Num(n, span), Type::Date) => Err(Diagnostic::error(
                    "type_mismatch",
                    *span,
                    format!(
                        "field `{fname}` of `{}` is a date, but `{n}` is a number",
                        c.head.rel
                    ),
                )
                .label("expected a date")
                .hint("write dates in quotes as \"YYYY-MM-DD\"")),
                (Term::Str(s, span), _) => l.scalar(rel, k, s, true, *span),
                (Term::Num(n, span), _) => l.scalar(rel, k, n, false, *span),
                (other, _) => Err(Diagnostic::error(
                    "non_ground_fact",
                    other.span(),
                    "a fact must contain only constants",
                )
                .label("not a constant")
                .hint("write the value itself, e.g. \"text\", 1e25 or \"2025-08-02\"")),
            };
            match v {
                Ok(v) => values.push(v),
                Err(d) => diags.push(d),
            }
        }
        if values.len() == c.head.args.len() {
            facts.push(l.program, rel, &values, file.line_of(c.head.span.start));
        }
    }
}
