//! The parsed, unchecked form of a rules file.

use crate::source::Span;
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Type {
    Symbol,
    Number,
    Date,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Symbol => "symbol",
            Type::Number => "number",
            Type::Date => "date",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Authority {
    /// Ordered weakest first, so the weakest authority behind a proof is its minimum.
    /// A rule of a plain Datalog file, which names no authority.
    Unspecified,
    Guidelines,
    Recital,
    Statute,
}

impl Authority {
    pub fn parse(s: &str) -> Option<Authority> {
        match s {
            "statute" => Some(Authority::Statute),
            "recital" => Some(Authority::Recital),
            "guidelines" => Some(Authority::Guidelines),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Authority::Statute => "statute",
            Authority::Recital => "recital",
            Authority::Guidelines => "guidelines",
            Authority::Unspecified => "unspecified",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    /// The type as written: `symbol`, `number`, `date` or the name of a `.type` enumeration.
    pub type_name: String,
    pub type_span: Span,
    pub span: Span,
}

/// `.type name = "a" | "b" | ...`: a symbol type whose values are listed;
/// `.type name += "c"`: more values for an enumeration declared elsewhere (an extension's own duty);
/// `.type name <: symbol`: a role, a kind of symbol (a model, an actor) that a variable keeps
/// throughout a rule, so swapped arguments are type errors.
#[derive(Debug, Clone)]
pub struct EnumDecl {
    pub name: String,
    pub name_span: Span,
    pub values: Vec<(String, Span)>,
    pub doc: Doc,
    pub extends: bool,
    /// A role: the type it is a kind of (`symbol` or another role).
    pub subtype_of: Option<(String, Span)>,
}

#[derive(Debug, Clone)]
pub struct Decl {
    pub name: String,
    pub name_span: Span,
    pub fields: Vec<Field>,
    pub doc: Doc,
    /// Declared with `.param name: type = value`: a named constant of the law (a threshold, a
    /// period), one column `value` holding one fact, which `--param name=value` may replace.
    pub param: bool,
}

/// The documentation annotations written above a `.decl` or `.type`: what `lexproof vocab` prints.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    /// `@doc "..."`, one string per line written.
    pub text: Vec<String>,
    /// `@arg field "..."`: what an argument means.
    pub args: Vec<(String, String, Span)>,
    /// `@cite "..."`: where the law speaks of it.
    pub citations: Vec<String>,
    /// `@example rel(...)`: a fact written as in a `.dl` file.
    pub examples: Vec<Atom>,
    /// `@key field, ...`: these fields determine the others (one value per key).
    pub key: Option<(Vec<(String, Span)>, Span)>,
    /// `@nonnegative field, ...`: number fields that may not hold a negative value in a fact.
    pub nonnegative: Option<(Vec<(String, Span)>, Span)>,
    /// `@value "v" "..."`: what one value of an enumeration means.
    pub values: Vec<(String, String, Span)>,
    /// `@aka "v" "synonym", ...`: words people use for a value, for suggestions.
    pub aka: Vec<(String, Vec<String>, Span)>,
    /// `@reads "{model} has systemic risk"`: the relation as a phrase, fields in braces, for
    /// explanations written for people.
    pub reads: Option<(String, Span)>,
}

impl Doc {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
            && self.args.is_empty()
            && self.citations.is_empty()
            && self.examples.is_empty()
            && self.key.is_none()
            && self.nonnegative.is_none()
            && self.values.is_empty()
            && self.aka.is_empty()
            && self.reads.is_none()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ArithOp {
    #[serde(rename = "+")]
    Add,
    #[serde(rename = "-")]
    Sub,
    #[serde(rename = "*")]
    Mul,
    #[serde(rename = "/")]
    Div,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }
}

/// Functions on values that rules may call inside terms: the calendar arithmetic legal periods need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Builtin {
    /// `weekday(D)`: 1 (Monday) to 7 (Sunday).
    Weekday,
    /// `add_months(D, N)`: N calendar months after D, on the last day of the month where the day
    /// does not exist (Reg. 1182/71 Art. 3(2)(c)).
    AddMonths,
    /// `latest(D1, D2)`: the later of two dates.
    Latest,
    /// `earliest(D1, D2)`: the earlier of two dates.
    Earliest,
}

impl Builtin {
    pub const ALL: [Builtin; 4] = [
        Builtin::Weekday,
        Builtin::AddMonths,
        Builtin::Latest,
        Builtin::Earliest,
    ];

    pub fn parse(name: &str) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| b.name() == name)
    }
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Weekday => "weekday",
            Builtin::AddMonths => "add_months",
            Builtin::Latest => "latest",
            Builtin::Earliest => "earliest",
        }
    }
    pub fn params(self) -> &'static [Type] {
        match self {
            Builtin::Weekday => &[Type::Date],
            Builtin::AddMonths => &[Type::Date, Type::Number],
            Builtin::Latest | Builtin::Earliest => &[Type::Date, Type::Date],
        }
    }
    pub fn result(self) -> Type {
        match self {
            Builtin::Weekday => Type::Number,
            Builtin::AddMonths | Builtin::Latest | Builtin::Earliest => Type::Date,
        }
    }
    /// How a call is written, for messages: `add_months(date, number)`.
    pub fn signature(self) -> String {
        let params: Vec<String> = self.params().iter().map(|t| t.to_string()).collect();
        format!(
            "{}({}) -> {}",
            self.name(),
            params.join(", "),
            self.result()
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CmpOp {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
    pub fn holds(self, ord: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CmpOp::Eq => ord == Equal,
            CmpOp::Ne => ord != Equal,
            CmpOp::Lt => ord == Less,
            CmpOp::Le => ord != Greater,
            CmpOp::Gt => ord == Greater,
            CmpOp::Ge => ord != Less,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Term {
    Var(String, Span),
    Wild(Span),
    Str(String, Span),
    /// Raw literal text; parsed exactly by the checker.
    Num(String, Span),
    Arith(ArithOp, Box<Term>, Box<Term>, Span),
    /// A built-in function applied to its arguments.
    Call(Builtin, Vec<Term>, Span),
}

impl Term {
    pub fn span(&self) -> Span {
        match self {
            Term::Var(_, s) | Term::Wild(s) | Term::Str(_, s) | Term::Num(_, s) => *s,
            Term::Arith(_, _, _, s) | Term::Call(_, _, s) => *s,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Atom {
    pub rel: String,
    pub rel_span: Span,
    pub args: Vec<Term>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Literal {
    Pos(Atom),
    /// The span covers the `!` or `not` as well.
    Neg(Atom, Span),
    Cmp(CmpOp, Term, Term, Span),
}

#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub id: Option<(String, Span)>,
    pub citations: Vec<String>,
    pub authority: Option<(String, Span)>,
    pub ambiguous: Option<String>,
    pub says: Option<String>,
    pub span: Option<Span>,
    /// Documentation annotations (`@doc`, `@arg`, ...), allowed only before `.decl` and `.type`.
    pub doc: Doc,
    /// Where the first annotation that belongs only to rules (`@rule`, `@authority`, ...) is.
    pub rule_only: Option<(String, Span)>,
    /// Where the first annotation that belongs only to declarations (`@doc`, `@arg`, ...) is.
    pub decl_only: Option<(String, Span)>,
}

impl Meta {
    pub fn is_empty(&self) -> bool {
        self.span.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct Clause {
    pub meta: Meta,
    pub head: Atom,
    /// `None` for a bodiless clause (`a("x").`).
    pub body: Option<Vec<Literal>>,
    pub span: Span,
    /// A parameter's later value, `.param name = value from "date"`: the day it takes effect.
    pub from: Option<(String, Span)>,
}

#[derive(Debug, Clone, Default)]
pub struct Program {
    pub decls: Vec<Decl>,
    pub clauses: Vec<Clause>,
    /// Relations named by `.output` directives.
    pub outputs: Vec<(String, Span)>,
    pub enums: Vec<EnumDecl>,
    /// Plain Datalog: no declarations (they are inferred) and rule metadata optional.
    pub plain: bool,
}
