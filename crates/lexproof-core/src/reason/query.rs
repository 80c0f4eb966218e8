//! Atom patterns given on the command line (`obligation(A, "aurora-m", _)`): parsed by the rules
//! parser, typed against the relation's declaration, matched against what holds.

use crate::data::value::{Date, Value};
use crate::db::Database;
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
    parse_in(db, text, SourceFile::new("atom", text))
}

/// `parse` for an atom written at `line`:`column` (1-based) of file `name`, e.g. an `expect` line of
/// a scenario: errors point there.
pub fn parse_at(
    db: &Database,
    text: &str,
    name: &str,
    line: usize,
    column: usize,
) -> Result<Pattern, String> {
    // Blank lines and columns before the atom put it where it is in the file.
    let placed = format!(
        "{}{}{text}",
        "\n".repeat(line.saturating_sub(1)),
        " ".repeat(column.saturating_sub(1))
    );
    let mut p = parse_in(db, &placed, SourceFile::new(name, placed.clone()))?;
    p.text = text.to_string();
    Ok(p)
}

fn parse_in(db: &Database, text: &str, file: SourceFile) -> Result<Pattern, String> {
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
            None => d.hint("`lexproof vocab` lists the relations (docs/vocabulary.md)"),
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
    for (k, (arg, (fname, ty))) in atom.args.iter().zip(&r.fields).enumerate() {
        let a = match (arg, ty) {
            (Term::Var(v, _), _) => Arg::Var(v.clone()),
            (Term::Wild(_), _) => Arg::Any,
            // A value outside its enumeration can never match: a misspelt duty is an error, not a
            // quiet "nothing holds".
            (Term::Str(s, span), Type::Symbol)
                if r.enums[k].is_some_and(|e| !program.enums[e].contains(s)) =>
            {
                let e = &program.enums[r.enums[k].unwrap_or_default()];
                return fail(e.reject(s, *span, fname));
            }
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
