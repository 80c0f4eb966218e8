//! Atom patterns given on the command line (`obligation(A, "aurora-m", _)`): parsed by the rules
//! parser, typed against the relation's declaration, matched against what holds.

use crate::db::Database;
use crate::value::{Date, Value};
use lexproof_lang::ast::{Term, Type};
use lexproof_lang::diag::{render, Diagnostic};
use lexproof_lang::number::{parse_date, parse_number};
use lexproof_lang::SourceFile;

#[derive(Debug, Clone)]
pub enum Arg {
    Var(String),
    Any,
    Is(Value),
    /// A symbol no fact or rule mentions: nothing can match.
    Unknown,
}

pub struct Pattern {
    pub rel: usize,
    pub args: Vec<Arg>,
    pub text: String,
}

impl Pattern {
    pub fn ground(&self) -> Option<Vec<Value>> {
        self.args
            .iter()
            .map(|a| if let Arg::Is(v) = a { Some(*v) } else { None })
            .collect()
    }
    pub fn has_unknown(&self) -> bool {
        self.args.iter().any(|a| matches!(a, Arg::Unknown))
    }
    pub fn variables(&self) -> Vec<String> {
        let mut vs: Vec<String> = Vec::new();
        for a in &self.args {
            if let Arg::Var(v) = a {
                if !vs.contains(v) {
                    vs.push(v.clone());
                }
            }
        }
        vs
    }
}

/// Parses and types a pattern; errors come back rendered, located in the pattern text.
pub fn parse(db: &Database, text: &str) -> Result<Pattern, String> {
    let file = SourceFile::new("atom", text);
    let atom = lexproof_lang::parser::parse_atom(&file).map_err(|d| render(&file, &d))?;
    let program = &db.rules.checked;
    let fail = |d: Diagnostic| Err(render(&file, &[d]));
    let Some(rel) = program.relation(&atom.rel) else {
        let d = Diagnostic::error(
            "unknown_relation",
            atom.rel_span,
            format!("unknown relation `{}`", atom.rel),
        )
        .label("not declared in the rules");
        return fail(match program.suggest(&atom.rel) {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None => d.hint("the relations are listed in the README's vocabulary section"),
        });
    };
    let r = &program.relations[rel];
    if r.arity() != atom.args.len() {
        let fields: Vec<String> = r.fields.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        return fail(
            Diagnostic::error(
                "arity_mismatch",
                atom.span,
                format!(
                    "`{}` takes {} arguments, but {} are given",
                    r.name,
                    r.arity(),
                    atom.args.len()
                ),
            )
            .label("wrong number of arguments")
            .hint(format!("write {}({})", r.name, fields.join(", "))),
        );
    }
    let mut args = Vec::new();
    for (arg, (fname, ty)) in atom.args.iter().zip(&r.fields) {
        let a = match (arg, ty) {
            (Term::Var(v, _), _) => Arg::Var(v.clone()),
            (Term::Wild(_), _) => Arg::Any,
            (Term::Str(s, _), Type::Symbol) => db.interner.get(s).map_or(Arg::Unknown, |s| Arg::Is(Value::Sym(s))),
            (Term::Str(s, span), Type::Date) => match parse_date(s) {
                Some(d) => Arg::Is(Value::Date(Date(d))),
                None => {
                    return fail(
                        Diagnostic::error("invalid_date", *span, format!("\"{s}\" is not a calendar date"))
                            .label(format!("field `{fname}` is a date"))
                            .hint("write dates as \"YYYY-MM-DD\""),
                    )
                }
            },
            (Term::Num(n, span), Type::Number) => match parse_number(n) {
                Ok(v) => Arg::Is(Value::Num(v)),
                Err(e) => return fail(Diagnostic::error("invalid_number", *span, e.describe(n)).label("not an exact whole number").hint("write a whole number such as 1e25")),
            },
            (other, ty) => {
                return fail(
                    Diagnostic::error("type_mismatch", other.span(), format!("field `{fname}` of `{}` is a {ty}", r.name))
                        .label(format!("expected a {ty}"))
                        .hint("symbols and dates go in double quotes, numbers without; variables start with an upper-case letter"),
                )
            }
        };
        args.push(a);
    }
    Ok(Pattern {
        rel,
        args,
        text: text.to_string(),
    })
}

/// Tuples of the pattern's relation that match it, in display order.
pub fn matches(db: &Database, p: &Pattern) -> Vec<Vec<Value>> {
    if p.has_unknown() {
        return Vec::new();
    }
    let t = db.tuples(p.rel);
    let mut out: Vec<Vec<Value>> = (0..t.len())
        .map(|r| t.row(r))
        .filter(|row| {
            let mut seen: Vec<(&str, Value)> = Vec::new();
            p.args.iter().zip(row).all(|(a, v)| match a {
                Arg::Any => true,
                Arg::Is(x) => x == v,
                Arg::Unknown => false,
                Arg::Var(name) => match seen.iter().find(|(n, _)| n == name) {
                    Some((_, prev)) => prev == v,
                    None => {
                        seen.push((name, *v));
                        true
                    }
                },
            })
        })
        .collect();
    out.sort_by(|a, b| db.interner.display_cmp_rows(a, b));
    out
}
