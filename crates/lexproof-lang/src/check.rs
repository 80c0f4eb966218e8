//! The checker: resolves names, checks arity, types, safety, metadata and stratification, and
//! produces the checked program every engine and the proof code work from.

use crate::ast::{self, ArithOp, Authority, Builtin, CmpOp, Literal, Term, Type};
use crate::diag::Diagnostic;
use crate::number::{parse_date, parse_number};
use crate::source::{SourceFile, Span};
use std::collections::BTreeMap;

mod roles;
pub use roles::with_article;

/// A constant after type checking: strings in date position have become dates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Const {
    Sym(String),
    Num(i128),
    Date(i32),
}

#[derive(Debug, Clone)]
pub struct Relation {
    pub name: String,
    pub fields: Vec<(String, Type)>,
    /// Derived by at least one rule: a conclusion, which fact files may not assert.
    pub derived: bool,
    /// Has ground facts in the rules file itself.
    pub has_rule_facts: bool,
    pub line: usize,
    /// Per field: the `.type` enumeration restricting its values, if any.
    pub enums: Vec<Option<usize>>,
    /// Per field: the role (`.type name <: symbol`) it holds, if any.
    pub roles: Vec<Option<usize>>,
    /// What the declaration's documentation annotations say.
    pub doc: RelationDoc,
    /// `@key`: the fields that determine the others, so facts agreeing on them must be equal.
    pub key: Option<Vec<usize>>,
    /// `@nonnegative`: per field, whether a fact may not give it a negative number.
    pub nonnegative: Vec<bool>,
    /// Declared with `.param`: one value, which `--param` may replace for a run.
    pub param: bool,
}

/// A relation's documentation (`@doc`, `@arg`, `@cite`, `@example` above its `.decl`).
#[derive(Debug, Clone, Default)]
pub struct RelationDoc {
    /// The `@doc` lines joined by spaces; empty if undocumented.
    pub text: String,
    /// Per field: what it means (empty if not said).
    pub args: Vec<String>,
    pub citations: Vec<String>,
    /// Example facts, checked like facts of the rules file.
    pub examples: Vec<Vec<Const>>,
    /// `@reads`: the relation as a phrase with `{field}` placeholders, each a field's name.
    pub reads: Option<String>,
}

/// The field names a `@reads` phrase puts in braces, in order; an error says what is malformed
/// (an unclosed or empty brace).
pub fn reads_placeholders(phrase: &str) -> Result<Vec<&str>, &'static str> {
    let mut out = Vec::new();
    let mut rest = phrase;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("opens a brace it does not close")?;
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return Err("has a brace that names no field");
        }
        out.push(name);
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err("closes a brace it did not open");
    }
    Ok(out)
}

/// A `@reads` phrase with each `{field}` replaced by `value(k)` of field `k`.
pub fn fill_reads(
    phrase: &str,
    fields: &[(String, Type)],
    value: impl Fn(usize) -> String,
) -> String {
    let mut out = String::new();
    let mut rest = phrase;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        match fields.iter().position(|(f, _)| f == name) {
            Some(k) => out.push_str(&value(k)),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

impl Relation {
    pub fn arity(&self) -> usize {
        self.fields.len()
    }
    pub fn types(&self) -> Vec<Type> {
        self.fields.iter().map(|f| f.1).collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CTerm {
    Var(usize),
    Const(Const),
    Arith(ArithOp, Box<CTerm>, Box<CTerm>),
    /// A built-in function applied to its arguments (`weekday(D)`).
    Call(Builtin, Vec<CTerm>),
    /// `_` under negation: any value.
    Wild,
}

impl CTerm {
    pub fn vars(&self, out: &mut Vec<usize>) {
        match self {
            CTerm::Var(v) => out.push(*v),
            CTerm::Arith(_, a, b) => {
                a.vars(out);
                b.vars(out);
            }
            CTerm::Call(_, args) => args.iter().for_each(|a| a.vars(out)),
            CTerm::Const(_) | CTerm::Wild => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CAtom {
    pub rel: usize,
    pub args: Vec<CTerm>,
}

impl CAtom {
    pub fn vars(&self) -> Vec<usize> {
        let mut v = Vec::new();
        for a in &self.args {
            a.vars(&mut v);
        }
        v
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum CLit {
    Pos(CAtom),
    Neg(CAtom),
    Cmp(CmpOp, CTerm, CTerm),
    /// `X = expr` where `X` is bound by nothing else: binds `X`.
    Assign(usize, CTerm),
}

impl CLit {
    pub fn vars(&self) -> Vec<usize> {
        match self {
            CLit::Pos(a) | CLit::Neg(a) => a.vars(),
            CLit::Cmp(_, a, b) => {
                let mut v = Vec::new();
                a.vars(&mut v);
                b.vars(&mut v);
                v
            }
            CLit::Assign(x, e) => {
                let mut v = vec![*x];
                e.vars(&mut v);
                v
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Var {
    /// As written; `_` for a wildcard in a positive atom (kept so premises can be rebuilt).
    pub name: String,
    pub ty: Type,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub index: usize,
    pub id: String,
    pub citations: Vec<String>,
    pub authority: Authority,
    pub ambiguous: Option<String>,
    pub says: String,
    /// `@says` as written, where it shows parameters (`{art51_threshold}`); `says` then holds it
    /// with the rules file's values, and a run with `--param` fills it in again.
    pub says_template: Option<String>,
    /// `@ambiguous` as written, when it names parameters (`{art51_threshold}`), as for `says`.
    pub ambiguous_template: Option<String>,
    /// The rules file and line the rule is written on.
    pub file: String,
    pub line: usize,
    /// The rule's source text as written (without its annotations).
    pub text: String,
    pub head: CAtom,
    pub body: Vec<CLit>,
    pub vars: Vec<Var>,
    /// The variables a witness records, head variables first.
    pub witness: Vec<usize>,
    /// Evaluation order of `body`: each literal's variables are bound before it is tested.
    pub plan: Vec<usize>,
    /// The order the compiled engine joins in: `plan`, except that a recursive rule starts from its
    /// recursive premise (see `plan::order_rules`). Why-not and proofs keep `plan`, whose
    /// closest instances read better.
    pub join_plan: Vec<usize>,
}

impl Rule {
    /// Body positions of the positive premises over relations of `comp`: where the rule recurses.
    pub fn recursive_premises(&self, comp: &[usize]) -> Vec<usize> {
        self.body
            .iter()
            .enumerate()
            .filter(|(_, l)| matches!(l, CLit::Pos(a) if comp.contains(&a.rel)))
            .map(|(i, _)| i)
            .collect()
    }
}

/// `rule` computes a new value at each step of a recursion that follows the input relation `rel`
/// from argument `from` to argument `to` (e.g. compute summed along `modified_from(new, base)`). It
/// ends only if those facts have no cycle, so the fact loader rejects cycles in `rel`.
#[derive(Debug, Clone)]
pub struct AcyclicGuard {
    pub rel: usize,
    pub from: usize,
    pub to: usize,
    pub rule: usize,
}

#[derive(Debug, Clone)]
pub struct Fact {
    pub rel: usize,
    pub values: Vec<Const>,
    pub file: String,
    pub line: usize,
    /// A parameter's later value (`.param name = value from "date"`): the day it takes effect, and
    /// the acts that set it. Not loaded as a fact: a run takes the value in force on its
    /// assessment date.
    pub in_force_from: Option<(i32, Vec<String>)>,
}

#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub relations: Vec<Relation>,
    pub by_name: BTreeMap<String, usize>,
    pub rules: Vec<Rule>,
    pub facts: Vec<Fact>,
    /// Stratum of each relation: a relation only depends negatively on lower strata.
    pub strata: Vec<usize>,
    /// Relations named by `.output`: the conclusions `derive` shows by default.
    pub outputs: Vec<usize>,
    /// Input relations a rule recurses along while computing new values (see `AcyclicGuard`).
    pub acyclic: Vec<AcyclicGuard>,
    /// `.type` enumerations.
    pub enums: Vec<EnumType>,
    /// `.type name <: ...` roles.
    pub roles: Vec<RoleType>,
    /// Strongly connected components of the relation dependency graph, dependencies first:
    /// relations in one component are defined by mutual recursion.
    pub components: Vec<Vec<usize>>,
}

/// A role: a kind of symbol (`.type model <: symbol`). A variable keeps one role throughout a
/// rule, so `developer(A, M)` where `A` is an actor elsewhere is a type error; constants and facts
/// are symbols and fit any role.
#[derive(Debug, Clone)]
pub struct RoleType {
    pub name: String,
    /// The role it is a kind of; `None` for a kind of `symbol`.
    pub parent: Option<usize>,
    pub doc: String,
}

impl Checked {
    /// The family of role `r`: the role at the top of its `<:` chain.
    pub fn role_family(&self, mut r: usize) -> usize {
        while let Some(p) = self.roles[r].parent {
            r = p;
        }
        r
    }

    /// Whether role `a` is role `b` or a kind of it.
    pub fn role_within(&self, a: usize, b: usize) -> bool {
        let mut r = Some(a);
        for _ in 0..=self.roles.len() {
            match r {
                Some(x) if x == b => return true,
                Some(x) => r = self.roles[x].parent,
                None => return false,
            }
        }
        false
    }
    /// The name of a field's type as declared: its enumeration, its role, or the base type.
    pub fn field_type_name(&self, rel: usize, k: usize) -> String {
        let r = &self.relations[rel];
        if let Some(e) = r.enums[k] {
            self.enums[e].name.clone()
        } else if let Some(x) = r.roles[k] {
            self.roles[x].name.clone()
        } else {
            r.fields[k].1.to_string()
        }
    }
}

/// What a name in a type position stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TypeName {
    Enum(usize),
    Role(usize),
}

#[derive(Debug, Clone)]
pub struct EnumType {
    pub name: String,
    /// Sorted, for binary search.
    pub values: Vec<String>,
    /// The values in the order the `.type` lists them.
    pub declared: Vec<String>,
    /// `@doc` above the `.type`.
    pub doc: String,
    /// `@value`: what each documented value means.
    pub value_docs: BTreeMap<String, String>,
    /// `@aka`: (word people use, the value it means), for suggestions.
    pub aka: Vec<(String, String)>,
}

impl EnumType {
    pub fn contains(&self, v: &str) -> bool {
        self.values.binary_search_by(|x| x.as_str().cmp(v)).is_ok()
    }
    /// The value someone writing `value` most likely meant: the same letters in another case
    /// ("de" for "DE"), a value whose `@aka` lists it ("app" for "app_store"), else the
    /// nearest spelling.
    pub fn nearest(&self, value: &str) -> Option<String> {
        let norm = |s: &str| s.trim().to_lowercase().replace([' ', '-'], "_");
        let v = norm(value);
        if let Some(same) = self.values.iter().find(|x| norm(x) == v) {
            return Some(same.clone());
        }
        if let Some((_, meant)) = self.aka.iter().find(|(w, _)| norm(w) == v) {
            return Some(meant.clone());
        }
        suggest(value, self.values.iter().map(|s| s.as_str()))
    }
    /// An error for a value outside the enumeration, with the nearest allowed value.
    pub fn reject(&self, value: &str, span: Span, field: &str) -> Diagnostic {
        let d = Diagnostic::error(
            "not_in_enumeration",
            span,
            format!(
                "\"{}\" is not a {} ({field})",
                crate::diag::shorten(value, 60),
                self.name
            ),
        )
        .label(format!("not one of the {} values", self.name));
        match self.nearest(value) {
            Some(s) => d.hint(format!("did you mean \"{s}\"?")),
            None if self.values.len() <= 12 => d.hint(format!(
                "allowed: {}",
                self.values
                    .iter()
                    .map(|v| format!("\"{v}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => d.hint(format!(
                "see `.type {}` in the rules file for the {} allowed values",
                self.name,
                self.values.len()
            )),
        }
    }
}

impl Checked {
    pub fn relation(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }
    /// The names of the relations declared with `.param`.
    pub fn parameters(&self) -> impl Iterator<Item = &str> {
        self.relations
            .iter()
            .filter(|r| r.param)
            .map(|r| r.name.as_str())
    }
    /// Rules defining the relations of one component of `components`, in rules-file order.
    pub fn component_rules<'a>(&'a self, comp: &'a [usize]) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rules
            .iter()
            .filter(move |r| comp.contains(&r.head.rel))
    }
    /// Rules whose head is relation `rel`, in rules-file order.
    pub fn rules_for(&self, rel: usize) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(move |r| r.head.rel == rel)
    }
    pub fn suggest(&self, name: &str) -> Option<String> {
        suggest(name, self.by_name.keys().map(|s| s.as_str()))
    }
}

/// The closest known name, for "did you mean".
/// Names far longer than any real one get no suggestion (the comparison is quadratic in length);
/// nor do names of very different length.
pub fn suggest<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Option<String> {
    const LONGEST: usize = 128;
    if name.len() > LONGEST {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for k in known {
        if k.len() > LONGEST || k.len().abs_diff(name.len()) > 3.max(name.len().max(k.len()) / 2) {
            continue;
        }
        let score = strsim::jaro_winkler(name, k);
        let close = strsim::levenshtein(name, k) <= 2.max(name.len() / 3) || score > 0.88;
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, k));
        }
    }
    best.map(|(_, k)| k.to_string())
}

pub fn check_program(prog: &ast::Program, file: &SourceFile) -> (Checked, Vec<Diagnostic>) {
    let mut c = Checker {
        file,
        out: Checked::default(),
        diags: Vec::new(),
        plain: prog.plain,
    };
    let inferred;
    let prog = if prog.plain {
        let (decls, diags) = crate::infer::declarations(prog);
        c.diags.extend(diags);
        inferred = ast::Program {
            decls,
            ..prog.clone()
        };
        &inferred
    } else {
        prog
    };
    c.declarations(prog);
    let mut rule_ids: BTreeMap<String, Span> = BTreeMap::new();
    for clause in &prog.clauses {
        if clause.body.is_none() && clause.meta.is_empty() {
            c.fact(clause);
        } else {
            c.rule(clause, &mut rule_ids);
            c.clause_roles(clause);
        }
        c.enum_constants(clause);
    }
    for r in &c.out.rules {
        c.out.relations[r.head.rel].derived = true;
    }
    c.params_defined_once(prog);
    c.says_placeholders(prog);
    c.fill_says_defaults();
    for (name, span) in &prog.outputs {
        match c.out.relation(name) {
            Some(rel) if !c.out.outputs.contains(&rel) => c.out.outputs.push(rel),
            Some(_) => {}
            None => {
                let d = Diagnostic::error(
                    "unknown_relation",
                    *span,
                    format!("`.output` names unknown relation `{name}`"),
                )
                .label("not declared");
                let d = match c.out.suggest(name) {
                    Some(s) => d.hint(format!("did you mean `{s}`?")),
                    None => d.hint(format!(
                        "declare it with `.decl {name}(...)`, or remove it from `.output`"
                    )),
                };
                c.diags.push(d);
            }
        }
    }
    c.out.outputs.sort();
    for f in &c.out.facts {
        c.out.relations[f.rel].has_rule_facts = true;
    }
    c.stratify(prog);
    (c.out, c.diags)
}

struct Checker<'a> {
    file: &'a SourceFile,
    out: Checked,
    diags: Vec<Diagnostic>,
    /// Plain Datalog: declarations were inferred and rule metadata is optional.
    plain: bool,
}

/// What a rule's variables are bound to while it is checked.
struct Scope {
    names: Vec<String>,
    /// Each name's first index in `names` (a rule may have thousands of variables).
    index: std::collections::HashMap<String, usize>,
    types: Vec<Option<Type>>,
    bound: Vec<bool>,
    first_span: Vec<Span>,
    uses: Vec<usize>,
}

impl Scope {
    fn find(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
    fn var(&mut self, name: &str, span: Span) -> usize {
        if let Some(i) = self.find(name) {
            self.uses[i] += 1;
            return i;
        }
        self.fresh(name, span)
    }
    fn fresh(&mut self, name: &str, span: Span) -> usize {
        self.index
            .entry(name.to_string())
            .or_insert(self.names.len());
        self.names.push(name.to_string());
        self.types.push(None);
        self.bound.push(false);
        self.first_span.push(span);
        self.uses.push(1);
        self.names.len() - 1
    }
}

impl Checker<'_> {
    fn line(&self, span: Span) -> usize {
        self.file.line_of(span.start)
    }

    fn declarations(&mut self, prog: &ast::Program) {
        let (names, targets) = self.enumerations(prog);
        for d in &prog.decls {
            self.relation_decl(d, &names);
        }
        for (e, target) in prog.enums.iter().zip(targets) {
            match target {
                Some(TypeName::Enum(i)) => self.enum_doc(i, &e.doc, e.extends),
                Some(TypeName::Role(i)) => self.role_doc(i, &e.doc),
                None => {}
            }
        }
        for d in &prog.decls {
            if let Some(&rel) = self.out.by_name.get(&d.name) {
                if self.out.relations[rel].line == self.line(d.name_span) {
                    self.relation_doc(rel, &d.doc);
                }
            }
        }
    }

    /// The `.type` declarations: enumerations and roles, each name once, then the values that
    /// `.type name += ...` adds to an enumeration declared anywhere in the program (an extension
    /// adds its own duties to the shipped `duty`). Returns the type names, and for each
    /// declaration the type it documents.
    fn enumerations(
        &mut self,
        prog: &ast::Program,
    ) -> (BTreeMap<String, TypeName>, Vec<Option<TypeName>>) {
        let mut names: BTreeMap<String, TypeName> = BTreeMap::new();
        let mut targets = vec![None; prog.enums.len()];
        for (i, e) in prog.enums.iter().enumerate() {
            if e.extends {
                continue;
            }
            if ["symbol", "number", "date"].contains(&e.name.as_str())
                || names.contains_key(&e.name)
            {
                self.diags.push(
                    Diagnostic::error(
                        "duplicate_declaration",
                        e.name_span,
                        format!("type `{}` is already defined", e.name),
                    )
                    .label("second definition")
                    .hint(if names.get(&e.name).is_some_and(|t| matches!(t, TypeName::Enum(_))) {
                        format!("to add values to it, write `.type {} += \"new_value\"`; otherwise give the type a name of its own", e.name)
                    } else {
                        "give the type a name of its own".to_string()
                    }),
                );
                continue;
            }
            let t = if e.subtype_of.is_some() {
                self.out.roles.push(RoleType {
                    name: e.name.clone(),
                    parent: None,
                    doc: e.doc.text.join(" "),
                });
                TypeName::Role(self.out.roles.len() - 1)
            } else {
                self.out.enums.push(EnumType {
                    name: e.name.clone(),
                    values: Vec::new(),
                    declared: Vec::new(),
                    doc: e.doc.text.join(" "),
                    value_docs: BTreeMap::new(),
                    aka: Vec::new(),
                });
                TypeName::Enum(self.out.enums.len() - 1)
            };
            names.insert(e.name.clone(), t);
            targets[i] = Some(t);
        }
        self.role_parents(prog, &names);
        for (i, e) in prog.enums.iter().enumerate() {
            let idx = match (names.get(&e.name), targets[i], e.extends) {
                (_, Some(TypeName::Enum(idx)), _) => idx,
                (Some(&TypeName::Enum(idx)), None, true) => {
                    targets[i] = Some(TypeName::Enum(idx));
                    idx
                }
                (Some(&TypeName::Role(_)), None, true) => {
                    self.diags.push(
                        Diagnostic::error(
                            "not_an_enumeration",
                            e.name_span,
                            format!("`{}` is a role (a kind of symbol), which has no list of values to add to", e.name),
                        )
                        .label("a role, not an enumeration")
                        .hint("`+=` adds values to an enumeration declared with `.type name = \"a\" | \"b\"`"),
                    );
                    continue;
                }
                (None, None, true) => {
                    let known: Vec<&str> = names
                        .iter()
                        .filter(|(_, t)| matches!(t, TypeName::Enum(_)))
                        .map(|(n, _)| n.as_str())
                        .collect();
                    let d = Diagnostic::error(
                        "unknown_type",
                        e.name_span,
                        format!(
                            "`.type {} +=` adds values to an enumeration that is not declared",
                            e.name
                        ),
                    )
                    .label("no such enumeration");
                    self.diags.push(match suggest(&e.name, known.into_iter()) {
                        Some(s) => d.hint(format!("did you mean `{s}`? An extension can add values to the enumerations of the rules it extends (--extend)")),
                        None => d.hint(format!("declare it first with `.type {} = \"a\" | \"b\"`", e.name)),
                    });
                    continue;
                }
                _ => continue,
            };
            self.enum_values(idx, e);
        }
        for en in &mut self.out.enums {
            en.values = en.declared.clone();
            en.values.sort();
        }
        (names, targets)
    }

    /// The values one `.type` line lists or adds, each once in the enumeration.
    fn enum_values(&mut self, idx: usize, e: &ast::EnumDecl) {
        for (v, span) in &e.values {
            if self.out.enums[idx].declared.contains(v) {
                self.diags.push(
                    Diagnostic::error(
                        "duplicate_field",
                        *span,
                        if e.extends {
                            format!("\"{v}\" is already a value of `{}`", e.name)
                        } else {
                            format!("\"{v}\" is listed twice in `{}`", e.name)
                        },
                    )
                    .label("repeated value")
                    .hint("list each value once"),
                );
            } else {
                self.out.enums[idx].declared.push(v.clone());
            }
        }
    }

    /// Each role's parent: `symbol` or another role, without a cycle.
    fn role_parents(&mut self, prog: &ast::Program, names: &BTreeMap<String, TypeName>) {
        for e in &prog.enums {
            let (Some((parent, span)), Some(&TypeName::Role(r))) =
                (&e.subtype_of, names.get(&e.name))
            else {
                continue;
            };
            if self.out.roles[r].name != e.name || self.out.roles[r].parent.is_some() {
                continue;
            }
            match (parent.as_str(), names.get(parent)) {
                ("symbol", _) => {}
                (_, Some(&TypeName::Role(p))) if !self.role_reaches(p, r) && p != r => {
                    self.out.roles[r].parent = Some(p)
                }
                _ => {
                    let hint = match names.get(parent) {
                        Some(TypeName::Role(_)) => "a role cannot be a kind of itself".to_string(),
                        Some(TypeName::Enum(_)) => "a role is a kind of `symbol` or of another role; an enumeration already lists its values".to_string(),
                        None => "write `<: symbol`, or the name of another role".to_string(),
                    };
                    self.diags.push(
                        Diagnostic::error(
                            "unknown_type",
                            *span,
                            format!("a role is a kind of `symbol` or of another role, not of `{parent}`"),
                        )
                        .label("not a role")
                        .hint(hint),
                    );
                }
            }
        }
    }

    fn role_reaches(&self, from: usize, to: usize) -> bool {
        let mut r = Some(from);
        let mut steps = 0;
        while let Some(x) = r {
            if x == to {
                return true;
            }
            steps += 1;
            if steps > self.out.roles.len() {
                return false;
            }
            r = self.out.roles[x].parent;
        }
        false
    }

    /// One `.decl`: a relation declared once, with fields named once and of known types.
    fn relation_decl(&mut self, d: &ast::Decl, names: &BTreeMap<String, TypeName>) {
        if let Some(&prev) = self.out.by_name.get(&d.name) {
            let line = self.out.relations[prev].line;
            self.diags.push(
                Diagnostic::error(
                    "duplicate_declaration",
                    d.name_span,
                    format!("relation `{}` is declared twice", d.name),
                )
                .label("second declaration")
                .hint(format!(
                    "it is already declared on line {line}; remove one of the two"
                )),
            );
            return;
        }
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for f in &d.fields {
            if !seen.insert(f.name.as_str()) {
                self.diags.push(
                    Diagnostic::error(
                        "duplicate_field",
                        f.span,
                        format!("field `{}` appears twice in `{}`", f.name, d.name),
                    )
                    .label("repeated field name")
                    .hint("give each field its own name"),
                );
            }
        }
        let mut fields = Vec::new();
        let mut enums = Vec::new();
        let mut roles = Vec::new();
        for f in &d.fields {
            let (ty, t) = self.field_type(f, names);
            fields.push((f.name.clone(), ty));
            enums.push(match t {
                Some(TypeName::Enum(e)) => Some(e),
                _ => None,
            });
            roles.push(match t {
                Some(TypeName::Role(r)) => Some(r),
                _ => None,
            });
        }
        self.out
            .by_name
            .insert(d.name.clone(), self.out.relations.len());
        self.out.relations.push(Relation {
            name: d.name.clone(),
            fields,
            derived: false,
            has_rule_facts: false,
            line: self.line(d.name_span),
            enums,
            roles,
            doc: RelationDoc::default(),
            key: None,
            nonnegative: Vec::new(),
            param: d.param,
        });
    }

    /// A parameter has its one value from its `.param` line: another fact or a rule for it would
    /// give it two, and a threshold with two values silently means either.
    fn params_defined_once(&mut self, prog: &ast::Program) {
        let mut seen: BTreeMap<(&str, Option<&str>), Span> = BTreeMap::new();
        for clause in &prog.clauses {
            let name = clause.head.rel.as_str();
            let Some(rel) = self.out.relation(name) else {
                continue;
            };
            if !self.out.relations[rel].param {
                continue;
            }
            let from = clause.from.as_ref().map(|f| f.0.as_str());
            match seen.get(&(name, from)) {
                None => {
                    seen.insert((name, from), clause.head.span);
                }
                Some(first) => {
                    let line = self.line(*first);
                    let d = match from {
                        None => Diagnostic::error(
                            "parameter_redefined",
                            clause.head.span,
                            format!("`{name}` is a parameter: its value is set once, by its `.param` line (line {line})"),
                        )
                        .label("a second value")
                        .hint(format!("change the value in the `.param` line; a value that applies from a later day is written `.param {name} = VALUE from \"YYYY-MM-DD\"`; for one run pass `--param {name}=VALUE`")),
                        Some(day) => Diagnostic::error(
                            "parameter_redefined",
                            clause.head.span,
                            format!("`{name}` already takes a value from {day} (line {line})"),
                        )
                        .label("a second value for the same day")
                        .hint("give each dated value its own day"),
                    };
                    self.diags.push(d);
                }
            }
        }
        for clause in &prog.clauses {
            if clause.from.is_some()
                && !seen.contains_key(&(clause.head.rel.as_str(), None))
                && self
                    .out
                    .relation(&clause.head.rel)
                    .is_some_and(|r| self.out.relations[r].param)
            {
                self.diags.push(
                    Diagnostic::error(
                        "unknown_parameter",
                        clause.head.span,
                        format!("`{}` has a dated value but no first value", clause.head.rel),
                    )
                    .label("no `.param` line with a type and value")
                    .hint("declare it first: `.param name: type = value`"),
                );
            }
        }
    }

    /// `{name}` in an `@says` line stands for the value of parameter `name` in the run (so the
    /// sentence a lawyer reads says the threshold actually applied): it must name a parameter.
    fn says_placeholders(&mut self, prog: &ast::Program) {
        for clause in &prog.clauses {
            let Some(says) = &clause.meta.says else {
                continue;
            };
            for name in placeholders(says) {
                let known = self
                    .out
                    .relation(name)
                    .is_some_and(|r| self.out.relations[r].param);
                if !known {
                    let hint = match suggest(name, self.out.parameters()) {
                        Some(s) => format!("did you mean `{{{s}}}`? `{{name}}` in `@says` shows the value of a `.param`"),
                        None => "`{name}` in `@says` shows the value of a parameter declared with `.param name: type = value`".to_string(),
                    };
                    self.diags.push(
                        Diagnostic::error(
                            "unknown_parameter",
                            clause.head.span,
                            format!(
                                "`@says` of this rule shows `{{{name}}}`, which is no parameter"
                            ),
                        )
                        .label("its @says names an unknown parameter")
                        .hint(hint),
                    );
                }
            }
        }
    }

    /// Fills each `@says` placeholder with the parameter's value in the rules file.
    fn fill_says_defaults(&mut self) {
        let mut values: Vec<(String, String)> = Vec::new();
        for f in &self.out.facts {
            let r = &self.out.relations[f.rel];
            if r.param {
                values.push((r.name.clone(), readable_const(&f.values[0])));
            }
        }
        for rule in &mut self.out.rules {
            if let Some(a) = rule
                .ambiguous
                .as_mut()
                .filter(|a| !placeholders(a).is_empty())
            {
                rule.ambiguous_template = Some(a.clone());
                *a = fill_placeholders(a, &values);
            }
            if placeholders(&rule.says).is_empty() {
                continue;
            }
            rule.says_template = Some(rule.says.clone());
            rule.says = fill_placeholders(&rule.says, &values);
        }
    }

    /// A field's type: a base type, an enumeration or a role (both symbols, restricted).
    fn field_type(
        &mut self,
        f: &ast::Field,
        names: &BTreeMap<String, TypeName>,
    ) -> (Type, Option<TypeName>) {
        match f.type_name.as_str() {
            "symbol" => (Type::Symbol, None),
            "number" => (Type::Number, None),
            "date" => (Type::Date, None),
            other => match names.get(other) {
                Some(&t) => (Type::Symbol, Some(t)),
                None => {
                    let known = ["symbol", "number", "date"]
                        .into_iter()
                        .chain(names.keys().map(|k| k.as_str()));
                    let hint = match suggest(other, known) {
                    Some(s) => format!("did you mean `{s}`? The types are symbol, number, date and those declared with `.type`"),
                    None => "the types are `symbol`, `number`, `date` and those declared with `.type name = \"a\" | \"b\"` or `.type name <: symbol`".to_string(),
                };
                    self.diags.push(
                        Diagnostic::error(
                            "unknown_type",
                            f.type_span,
                            format!("unknown type `{other}`"),
                        )
                        .label("not a type")
                        .hint(hint),
                    );
                    // `symbol` keeps later checks quiet.
                    (Type::Symbol, None)
                }
            },
        }
    }

    fn role_doc(&mut self, r: usize, doc: &ast::Doc) {
        let misplaced = [
            ("@arg", doc.args.first().map(|a| a.2)),
            ("@example", doc.examples.first().map(|a| a.span)),
            ("@key", doc.key.as_ref().map(|k| k.1)),
            ("@nonnegative", doc.nonnegative.as_ref().map(|k| k.1)),
            ("@value", doc.values.first().map(|v| v.2)),
            ("@aka", doc.aka.first().map(|v| v.2)),
            ("@reads", doc.reads.as_ref().map(|r| r.1)),
        ];
        for (what, span) in misplaced {
            if let Some(span) = span {
                self.diags.push(
                    Diagnostic::error(
                        "misplaced_annotation",
                        span,
                        format!("`{what}` does not document a role"),
                    )
                    .label("misplaced annotation")
                    .hint("document a role (`.type name <: symbol`) with @doc and @cite"),
                );
            }
        }
        self.out.roles[r].doc = doc.text.join(" ");
    }

    fn enum_doc(&mut self, e: usize, doc: &ast::Doc, extends: bool) {
        if extends && !doc.text.is_empty() {
            let en = &mut self.out.enums[e];
            for t in &doc.text {
                if !en.doc.is_empty() {
                    en.doc.push(' ');
                }
                en.doc.push_str(t);
            }
        }
        for (what, span) in [
            ("@arg", doc.args.first().map(|a| a.2)),
            ("@example", doc.examples.first().map(|a| a.span)),
            ("@key", doc.key.as_ref().map(|k| k.1)),
            ("@nonnegative", doc.nonnegative.as_ref().map(|k| k.1)),
            ("@reads", doc.reads.as_ref().map(|r| r.1)),
        ] {
            if let Some(span) = span {
                self.diags.push(
                    Diagnostic::error(
                        "misplaced_annotation",
                        span,
                        format!("`{what}` documents a relation, not a `.type`"),
                    )
                    .label("misplaced annotation")
                    .hint("document an enumeration with @doc, @cite, @value and @aka"),
                );
            }
        }
        for (value, text, span) in &doc.values {
            if self.known_value(e, value, *span) {
                self.out.enums[e]
                    .value_docs
                    .insert(value.clone(), text.clone());
            }
        }
        for (value, words, span) in &doc.aka {
            if !self.known_value(e, value, *span) {
                continue;
            }
            for w in words {
                if self.out.enums[e].contains(w) {
                    self.diags.push(
                        Diagnostic::error(
                            "duplicate_field",
                            *span,
                            format!(
                                "\"{w}\" is itself a {} value, so it cannot stand for \"{value}\"",
                                self.out.enums[e].name
                            ),
                        )
                        .label("synonym that is a value")
                        .hint("list as @aka only words that are not values of the enumeration"),
                    );
                } else {
                    self.out.enums[e].aka.push((w.clone(), value.clone()));
                }
            }
        }
    }

    fn known_value(&mut self, e: usize, value: &str, span: Span) -> bool {
        let en = &self.out.enums[e];
        if en.contains(value) {
            return true;
        }
        let d = en.reject(value, span, &format!("documented in `.type {}`", en.name));
        self.diags.push(d);
        false
    }

    fn relation_doc(&mut self, rel: usize, doc: &ast::Doc) {
        let field_of = |c: &mut Checker, name: &str, span: Span| -> Option<usize> {
            let r = &c.out.relations[rel];
            if let Some(k) = r.fields.iter().position(|(f, _)| f == name) {
                return Some(k);
            }
            let names: Vec<&str> = r.fields.iter().map(|(f, _)| f.as_str()).collect();
            c.diags.push(
                Diagnostic::error(
                    "unknown_field",
                    span,
                    format!("`{}` has no field `{name}`", r.name),
                )
                .label("not a field of the declaration below")
                .hint(format!("its fields are {}", names.join(", "))),
            );
            None
        };
        let mut out = RelationDoc {
            text: doc.text.join(" "),
            args: vec![String::new(); self.out.relations[rel].arity()],
            citations: doc.citations.clone(),
            examples: Vec::new(),
            reads: None,
        };
        if let Some((phrase, span)) = &doc.reads {
            match reads_placeholders(phrase) {
                Ok(names) => {
                    let before = self.diags.len();
                    for name in names {
                        field_of(self, name, *span);
                    }
                    if self.diags.len() == before {
                        out.reads = Some(phrase.clone());
                    }
                }
                Err(why) => self.diags.push(
                    Diagnostic::error("bad_reads", *span, format!("this `@reads` phrase {why}"))
                        .label("not a phrase with {field} placeholders")
                        .hint("write the relation as a phrase naming its fields in braces, e.g. @reads \"{model} has systemic risk\""),
                ),
            }
        }
        for (name, text, span) in &doc.args {
            if let Some(k) = field_of(self, name, *span) {
                out.args[k] = text.clone();
            }
        }
        if let Some((fields, _)) = &doc.nonnegative {
            let mut flags = vec![false; self.out.relations[rel].arity()];
            for (name, span) in fields {
                let Some(k) = field_of(self, name, *span) else {
                    continue;
                };
                let r = &self.out.relations[rel];
                if r.fields[k].1 == Type::Number {
                    flags[k] = true;
                } else {
                    let msg = format!("`{}`'s field `{name}` is not a number", r.name);
                    self.diags.push(
                        Diagnostic::error("nonnegative_not_number", *span, msg)
                            .label("not a number field")
                            .hint("@nonnegative names number fields only"),
                    );
                }
            }
            self.out.relations[rel].nonnegative = flags;
        }
        if let Some((fields, _)) = &doc.key {
            let mut key = Vec::new();
            for (name, span) in fields {
                if let Some(k) = field_of(self, name, *span) {
                    key.push(k);
                }
            }
            key.sort_unstable();
            key.dedup();
            if key.len() == fields.len() {
                self.out.relations[rel].key = Some(key);
            }
        }
        if let Some((_, span)) = doc
            .values
            .first()
            .map(|v| (0, v.2))
            .or(doc.aka.first().map(|v| (0, v.2)))
        {
            self.diags.push(
                Diagnostic::error(
                    "misplaced_annotation",
                    span,
                    "`@value` and `@aka` document a `.type`, not a relation",
                )
                .label("misplaced annotation")
                .hint("document a relation with @doc, @arg, @cite, @example and @key"),
            );
        }
        for atom in &doc.examples {
            if atom.rel != self.out.relations[rel].name {
                self.diags.push(
                    Diagnostic::error(
                        "unknown_relation",
                        atom.rel_span,
                        format!(
                            "an example of `{}` must be a `{}` fact",
                            self.out.relations[rel].name, self.out.relations[rel].name
                        ),
                    )
                    .label("another relation")
                    .hint("write the example as a fact of the relation declared below"),
                );
                continue;
            }
            let before = self.diags.len();
            self.enum_constants_of(atom);
            if let Some((_, values)) = self.ground(atom) {
                if self.diags.len() == before {
                    out.examples.push(values);
                }
            }
        }
        self.out.relations[rel].doc = out;
    }

    fn resolve(&mut self, atom: &ast::Atom) -> Option<usize> {
        let Some(rel) = self.out.relation(&atom.rel) else {
            let mut d = Diagnostic::error(
                "unknown_relation",
                atom.rel_span,
                format!("unknown relation `{}`", atom.rel),
            )
            .label("not declared");
            d = match self.out.suggest(&atom.rel) {
                Some(s) => d.hint(format!(
                    "did you mean `{s}`? Otherwise declare it with `.decl {}(...)`",
                    atom.rel
                )),
                None => d.hint(format!(
                    "declare it with `.decl {}(field: type, ...)`",
                    atom.rel
                )),
            };
            self.diags.push(d);
            return None;
        };
        let r = &self.out.relations[rel];
        if r.arity() != atom.args.len() {
            let fields: Vec<String> = r.fields.iter().map(|(n, t)| format!("{n}: {t}")).collect();
            let msg = format!(
                "`{}` takes {} argument{}, but {} {} given",
                atom.rel,
                r.arity(),
                if r.arity() == 1 { "" } else { "s" },
                atom.args.len(),
                if atom.args.len() == 1 { "is" } else { "are" }
            );
            self.diags.push(
                Diagnostic::error("arity_mismatch", atom.span, msg)
                    .label(format!(
                        "{} argument{} here",
                        atom.args.len(),
                        if atom.args.len() == 1 { "" } else { "s" }
                    ))
                    .hint(format!(
                        "declared on line {} as {}({})",
                        r.line,
                        atom.rel,
                        fields.join(", ")
                    )),
            );
            return None;
        }
        Some(rel)
    }

    fn constant(&mut self, term: &Term, expected: Type, context: &str) -> Option<Const> {
        match (term, expected) {
            (Term::Str(s, _), Type::Symbol) => Some(Const::Sym(s.clone())),
            (Term::Str(s, span), Type::Date) => match parse_date(s) {
                Some(d) => Some(Const::Date(d)),
                None => {
                    self.diags.push(
                        Diagnostic::error("invalid_date", *span, format!("\"{s}\" is not a calendar date"))
                            .label(format!("{context} expects a date"))
                            .hint("write dates as \"YYYY-MM-DD\", e.g. \"2025-08-02\", with a day that exists"),
                    );
                    None
                }
            },
            (Term::Num(n, span), Type::Number) => match parse_number(n) {
                Ok(v) => Some(Const::Num(v)),
                Err(e) => {
                    let code = if e == crate::number::NumberError::OutOfRange {
                        "number_out_of_range"
                    } else {
                        "invalid_number"
                    };
                    self.diags.push(
                        Diagnostic::error(code, *span, e.describe(n))
                            .label("not an exact integer lexproof can hold")
                            .hint("numbers are whole numbers, e.g. 1e25 or 40000; the supported range is about ±1.7e38"),
                    );
                    None
                }
            },
            (t, ty) => {
                let found = match t {
                    Term::Str(..) => "a symbol",
                    Term::Num(..) => "a number",
                    _ => "a value",
                };
                let hint = match ty {
                    Type::Symbol => "symbols are written in double quotes, e.g. \"text\"",
                    Type::Number => "write a number without quotes, e.g. 1e25",
                    Type::Date => "write a date in quotes as \"YYYY-MM-DD\"",
                };
                self.diags.push(
                    Diagnostic::error(
                        "type_mismatch",
                        t.span(),
                        format!("{context} expects a {ty}, but this is {found}"),
                    )
                    .label(format!("expected {ty}"))
                    .hint(hint),
                );
                None
            }
        }
    }

    fn fact(&mut self, clause: &ast::Clause) {
        if let Some((rel, values)) = self.ground(&clause.head) {
            let line = self.line(clause.span);
            let in_force_from = match &clause.from {
                None => None,
                Some((text, span)) => {
                    if !self.out.relations[rel].param {
                        self.diags.push(
                            Diagnostic::error(
                                "unknown_parameter",
                                clause.head.rel_span,
                                format!(
                                    "`{}` is not a parameter, so it has no dated values",
                                    clause.head.rel
                                ),
                            )
                            .label("not declared with `.param`")
                            .hint("a dated value follows a `.param name: type = value` line"),
                        );
                        return;
                    }
                    let Some(day) = parse_date(text) else {
                        self.diags.push(
                            Diagnostic::error(
                                "invalid_date",
                                *span,
                                format!("\"{}\" is not a date", crate::diag::shorten(text, 40)),
                            )
                            .label("not YYYY-MM-DD")
                            .hint("write the day the value takes effect, e.g. \"2027-06-01\""),
                        );
                        return;
                    };
                    Some((day, clause.meta.citations.clone()))
                }
            };
            self.out.facts.push(Fact {
                rel,
                values,
                file: self.file.name.clone(),
                line,
                in_force_from,
            });
        }
    }

    /// A ground atom's relation and values, or `None` after reporting why it is not one.
    fn ground(&mut self, atom: &ast::Atom) -> Option<(usize, Vec<Const>)> {
        let rel = self.resolve(atom)?;
        let types = self.out.relations[rel].types();
        let mut values = Vec::new();
        for (i, (arg, ty)) in atom.args.iter().zip(types).enumerate() {
            match arg {
                Term::Str(..) | Term::Num(..) => {
                    let ctx = self.field_context(rel, i);
                    if let Some(v) = self.constant(arg, ty, &ctx) {
                        values.push(v);
                    }
                }
                Term::Var(v, span) => {
                    self.diags.push(
                        Diagnostic::error("non_ground_fact", *span, format!("a fact cannot contain the variable `{v}`"))
                            .label("variable in a fact")
                            .hint("give a constant here, or make this a rule with `:-`, an id, a citation and an authority"),
                    );
                }
                other => {
                    self.diags.push(
                        Diagnostic::error(
                            "non_ground_fact",
                            other.span(),
                            "a fact must contain only constants",
                        )
                        .label("not a constant")
                        .hint("write the value itself, e.g. \"text\", 1e25 or \"2025-08-02\""),
                    );
                }
            }
        }
        (values.len() == atom.args.len()).then_some((rel, values))
    }

    /// Symbol constants in enumeration-typed positions must be among its values: a typo such as
    /// "txt" would otherwise make a rule silently never fire.
    fn enum_constants(&mut self, clause: &ast::Clause) {
        let atoms = std::iter::once(&clause.head).chain(clause.body.iter().flatten().filter_map(
            |l| match l {
                Literal::Pos(a) | Literal::Neg(a, _) => Some(a),
                Literal::Cmp(..) => None,
            },
        ));
        for atom in atoms {
            self.enum_constants_of(atom);
        }
    }

    fn enum_constants_of(&mut self, atom: &ast::Atom) {
        let mut found = Vec::new();
        {
            let Some(rel) = self.out.relation(&atom.rel) else {
                return;
            };
            let r = &self.out.relations[rel];
            if r.arity() != atom.args.len() {
                return;
            }
            for (k, arg) in atom.args.iter().enumerate() {
                if let (Term::Str(v, span), Some(e)) = (arg, r.enums[k]) {
                    let e = &self.out.enums[e];
                    if !e.contains(v) {
                        found.push(e.reject(
                            v,
                            *span,
                            &format!("field `{}` of `{}`", r.fields[k].0, r.name),
                        ));
                    }
                }
            }
        }
        self.diags.extend(found);
    }

    fn field_context(&self, rel: usize, i: usize) -> String {
        let r = &self.out.relations[rel];
        format!("field `{}` of `{}`", r.fields[i].0, r.name)
    }

    /// Checks one rule, phase by phase, and adds it to the rulebase if it has no error.
    fn rule(&mut self, clause: &ast::Clause, rule_ids: &mut BTreeMap<String, Span>) {
        let errors_before = self.diags.len();
        let (id, authority) = self.rule_metadata(clause, rule_ids);
        let mut scope = Scope {
            names: Vec::new(),
            index: std::collections::HashMap::new(),
            types: Vec::new(),
            bound: Vec::new(),
            first_span: Vec::new(),
            uses: Vec::new(),
        };
        let body_ast: &[Literal] = clause.body.as_deref().unwrap_or(&[]);
        let mut body: Vec<Option<CLit>> = vec![None; body_ast.len()];
        self.bind_premises(&mut scope, body_ast, &mut body);
        self.type_premise_values(&mut scope, body_ast, &mut body);
        let assigned = self.assignments(&mut scope, body_ast, &mut body);
        self.tests(&mut scope, body_ast, &mut body, &assigned);
        let head = self.head(&mut scope, clause);
        self.singletons(&scope);
        let has_errors = self.diags[errors_before..]
            .iter()
            .any(|d| d.severity == crate::diag::Severity::Error);
        if has_errors || body.iter().any(|b| b.is_none()) {
            if !has_errors {
                // Defensive: a literal that failed to check always reports why.
                self.diags.push(Diagnostic::error(
                    "internal_error",
                    clause.span,
                    "rule could not be checked",
                ));
            }
            return;
        }
        let (Some(head), Some(authority)) = (head, authority) else {
            return;
        };
        let m = &clause.meta;
        let body: Vec<CLit> = body.into_iter().map(|b| b.unwrap()).collect();
        let vars: Vec<Var> = scope
            .names
            .iter()
            .zip(&scope.types)
            .map(|(n, t)| Var {
                name: n.clone(),
                ty: t.unwrap_or(Type::Symbol),
            })
            .collect();
        let mut witness = head.vars();
        let mut seen = vec![false; vars.len()];
        witness.retain(|&v| !std::mem::replace(&mut seen[v], true));
        witness.extend((0..vars.len()).filter(|&v| !seen[v]));
        let text = self
            .file
            .slice(clause.head.span.to(clause.span))
            .to_string();
        self.out.rules.push(Rule {
            index: self.out.rules.len(),
            id,
            citations: m.citations.clone(),
            authority,
            ambiguous: m.ambiguous.clone(),
            says: m.says.clone().unwrap_or_else(|| text.clone()),
            says_template: None,
            ambiguous_template: None,
            file: self.file.name.clone(),
            line: self.line(clause.head.span),
            text,
            head,
            body,
            vars,
            witness,
            // Filled by `plan::order_rules` once the components are known.
            plan: Vec::new(),
            join_plan: Vec::new(),
        });
    }

    /// The rule's id, citations, authority and plain-language line: each missing or malformed one
    /// is an error (plain Datalog files need none). Returns the id and the authority.
    fn rule_metadata(
        &mut self,
        clause: &ast::Clause,
        rule_ids: &mut BTreeMap<String, Span>,
    ) -> (String, Option<Authority>) {
        let m = &clause.meta;
        // Metadata errors point at the rule's id (or its head): one line, not the whole block.
        let anchor = m.id.as_ref().map_or(clause.head.span, |(_, s)| *s);
        let id = match &m.id {
            Some((id, span)) => {
                if let Some(prev) = rule_ids.get(id) {
                    let line = self.line(*prev);
                    self.diags.push(
                        Diagnostic::error("duplicate_rule_id", *span, format!("rule id `{id}` is already used"))
                            .label("second use")
                            .hint(format!("rule ids are stable names and must be unique; line {line} uses it first")),
                    );
                } else {
                    rule_ids.insert(id.clone(), *span);
                }
                id.clone()
            }
            None if self.plain => format!("rule_{}", self.out.rules.len() + 1),
            None => {
                self.diags.push(
                    Diagnostic::error("missing_rule_id", anchor, "this rule has no id")
                        .label("rule without `@rule`")
                        .hint("put `@rule some_stable_id` above the rule"),
                );
                String::new()
            }
        };
        if m.citations.is_empty() && !self.plain {
            self.diags.push(
                Diagnostic::error("missing_citation", anchor, "this rule cites no legal source")
                    .label("rule without `@cite`")
                    .hint("add e.g. `@cite \"Art. 53(1)(a)\"` or `@cite \"Recital 97 S11\"` above the rule"),
            );
        }
        let authority = match &m.authority {
            Some((a, span)) => match Authority::parse(a) {
                Some(a) => Some(a),
                None => {
                    self.diags.push(
                        Diagnostic::error(
                            "unknown_authority",
                            *span,
                            format!("unknown authority `{a}`"),
                        )
                        .label("not an authority level")
                        .hint("use `statute` (article or annex), `recital` or `guidelines`"),
                    );
                    None
                }
            },
            None if self.plain => Some(Authority::Unspecified),
            None => {
                self.diags.push(
                    Diagnostic::error(
                        "missing_authority",
                        anchor,
                        "this rule has no authority level",
                    )
                    .label("rule without `@authority`")
                    .hint(
                        "add `@authority statute`, `@authority recital` or `@authority guidelines`",
                    ),
                );
                None
            }
        };
        if m.says.is_none() && !self.plain {
            self.diags.push(
                Diagnostic::error(
                    "missing_says",
                    anchor,
                    "this rule has no plain-language statement",
                )
                .label("rule without `@says`")
                .hint("add `@says \"...\"`: one sentence a lawyer can read, used in proofs"),
            );
        }
        (id, authority)
    }

    /// Positive atoms bind variables and give them their types.
    fn bind_premises(
        &mut self,
        scope: &mut Scope,
        body_ast: &[Literal],
        body: &mut [Option<CLit>],
    ) {
        for (i, lit) in body_ast.iter().enumerate() {
            if let Literal::Pos(atom) = lit {
                if let Some(rel) = self.resolve(atom) {
                    let types = self.out.relations[rel].types();
                    let mut args = Vec::new();
                    for (k, (arg, ty)) in atom.args.iter().zip(types).enumerate() {
                        let ctx = self.field_context(rel, k);
                        let t = match arg {
                            Term::Var(name, span) => {
                                let v = scope.var(name, *span);
                                self.bind(scope, v, ty, *span, &ctx);
                                Some(CTerm::Var(v))
                            }
                            Term::Wild(span) => {
                                let v = scope.fresh("_", *span);
                                scope.types[v] = Some(ty);
                                scope.bound[v] = true;
                                Some(CTerm::Var(v))
                            }
                            _ => None,
                        };
                        args.push(t);
                    }
                    body[i] = Some(CLit::Pos(CAtom {
                        rel,
                        args: args.into_iter().map(|a| a.unwrap_or(CTerm::Wild)).collect(),
                    }));
                } else {
                    // The atom is already reported; treat its variables as bound so the rest of the
                    // rule is not buried under follow-on "unbound variable" errors.
                    for arg in &atom.args {
                        if let Term::Var(name, span) = arg {
                            let v = scope.var(name, *span);
                            scope.bound[v] = true;
                        }
                    }
                }
            }
        }
    }

    /// Non-variable arguments of positive atoms, typed once all atoms have bound their variables.
    fn type_premise_values(
        &mut self,
        scope: &mut Scope,
        body_ast: &[Literal],
        body: &mut [Option<CLit>],
    ) {
        for (i, lit) in body_ast.iter().enumerate() {
            if let (Literal::Pos(atom), Some(CLit::Pos(catom))) = (lit, &body[i]) {
                let rel = catom.rel;
                let mut args = catom.args.clone();
                for (k, arg) in atom.args.iter().enumerate() {
                    if !matches!(arg, Term::Var(..) | Term::Wild(..)) {
                        let ty = self.out.relations[rel].fields[k].1;
                        let ctx = self.field_context(rel, k);
                        // Arithmetic inside a premise tests a value; its variables must be bound
                        // elsewhere (crepe's `Fib(n - 1, x)` with `n` bound nowhere is unsafe).
                        if let Some(t) = self.term_in(scope, arg, Some(ty), &ctx, "comparison") {
                            args[k] = t;
                        }
                    }
                }
                body[i] = Some(CLit::Pos(CAtom { rel, args }));
            }
        }
    }

    /// `X = expr` with `X` otherwise unbound binds `X`; repeated so chains of assignments resolve.
    /// Returns which literals were assignments.
    fn assignments(
        &mut self,
        scope: &mut Scope,
        body_ast: &[Literal],
        body: &mut [Option<CLit>],
    ) -> Vec<bool> {
        let mut assigned = vec![false; body_ast.len()];
        loop {
            let mut progress = false;
            for (i, lit) in body_ast.iter().enumerate() {
                if assigned[i] {
                    continue;
                }
                if let Literal::Cmp(CmpOp::Eq, l, r, _) = lit {
                    for (target, expr) in [(l, r), (r, l)] {
                        if let Term::Var(name, span) = target {
                            let known = scope.find(name);
                            if known.is_some_and(|v| scope.bound[v]) {
                                continue;
                            }
                            if !self.all_bound(scope, expr) {
                                continue;
                            }
                            let before = self.diags.len();
                            if let Some(e) = self.term(scope, expr, None, "the assignment", true) {
                                let ty = self.type_of(scope, &e);
                                let v = scope.var(name, *span);
                                scope.bound[v] = true;
                                scope.types[v] = ty;
                                body[i] = Some(CLit::Assign(v, e));
                            }
                            if self.diags.len() > before {
                                body[i] = None;
                            }
                            assigned[i] = true;
                            progress = true;
                            break;
                        }
                    }
                }
            }
            if !progress {
                break;
            }
        }
        assigned
    }

    /// Negations and comparisons only test: their variables must already be bound.
    fn tests(
        &mut self,
        scope: &mut Scope,
        body_ast: &[Literal],
        body: &mut [Option<CLit>],
        assigned: &[bool],
    ) {
        for (i, lit) in body_ast.iter().enumerate() {
            if assigned[i] {
                continue;
            }
            match lit {
                Literal::Neg(atom, _) => {
                    if let Some(rel) = self.resolve(atom) {
                        let mut args = Vec::new();
                        for (k, arg) in atom.args.iter().enumerate() {
                            let ty = self.out.relations[rel].fields[k].1;
                            let ctx = self.field_context(rel, k);
                            if let Term::Wild(_) = arg {
                                args.push(CTerm::Wild);
                                continue;
                            }
                            match self.term_in(scope, arg, Some(ty), &ctx, "negated premise") {
                                Some(t) => args.push(t),
                                None => args.push(CTerm::Wild),
                            }
                        }
                        body[i] = Some(CLit::Neg(CAtom { rel, args }));
                    }
                }
                Literal::Cmp(op, l, r, _) => {
                    if let Some(c) = self.comparison(scope, op, l, r) {
                        body[i] = Some(c);
                    }
                }
                Literal::Pos(_) => {}
            }
        }
    }

    /// A comparison whose sides check and agree in type (symbols only compared for equality).
    fn comparison(&mut self, scope: &mut Scope, op: &CmpOp, l: &Term, r: &Term) -> Option<CLit> {
        let lt = self.term_in(scope, l, None, "the comparison", "comparison");
        let rt_expected = lt.as_ref().and_then(|t| self.type_of(scope, t));
        let rt = self.term_in(scope, r, rt_expected, "the comparison", "comparison");
        // A constant on the left takes its type from the right.
        let lt = match (&lt, &rt) {
            (None, Some(rt)) if matches!(l, Term::Str(..) | Term::Num(..)) => {
                let ty = self.type_of(scope, rt);
                self.diags.pop();
                self.term_in(scope, l, ty, "the comparison", "comparison")
            }
            _ => lt,
        };
        if let (Some(a), Some(b)) = (lt, rt) {
            let (ta, tb) = (self.type_of(scope, &a), self.type_of(scope, &b));
            if let (Some(ta), Some(tb)) = (ta, tb) {
                if ta != tb {
                    self.diags.push(
                        Diagnostic::error(
                            "type_mismatch",
                            l.span().to(r.span()),
                            format!("cannot compare a {ta} with a {tb}"),
                        )
                        .label(format!("{ta} {} {tb}", op.symbol()))
                        .hint("both sides of a comparison must have the same type"),
                    );
                } else if ta == Type::Symbol && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    self.diags.push(
                        Diagnostic::error(
                            "type_mismatch",
                            l.span().to(r.span()),
                            format!("symbols cannot be ordered with `{}`", op.symbol()),
                        )
                        .label("symbols have no order")
                        .hint("compare symbols with `=` or `!=`; order numbers and dates"),
                    );
                } else {
                    return Some(CLit::Cmp(*op, a, b));
                }
            }
        }
        None
    }

    /// The head: every variable bound, no `_`.
    fn head(&mut self, scope: &mut Scope, clause: &ast::Clause) -> Option<CAtom> {
        match self.resolve(&clause.head) {
            Some(rel) => {
                let types = self.out.relations[rel].types();
                let mut args = Vec::new();
                for (k, (arg, ty)) in clause.head.args.iter().zip(types).enumerate() {
                    if let Term::Wild(span) = arg {
                        self.diags.push(
                            Diagnostic::error(
                                "wildcard_in_head",
                                *span,
                                "`_` cannot appear in the head of a rule",
                            )
                            .label("the conclusion must say which value")
                            .hint("use a variable bound in the body, or a constant"),
                        );
                        continue;
                    }
                    let ctx = self.field_context(rel, k);
                    if let Some(t) = self.term_in(scope, arg, Some(ty), &ctx, "head") {
                        args.push(t);
                    }
                }
                (args.len() == clause.head.args.len()).then_some(CAtom { rel, args })
            }
            None => None,
        }
    }

    /// A named variable used once is probably a typo.
    fn singletons(&mut self, scope: &Scope) {
        for (v, name) in scope.names.iter().enumerate() {
            if name != "_" && !name.starts_with('_') && scope.uses[v] == 1 && scope.bound[v] {
                self.diags.push(
                    Diagnostic::warning(
                        "singleton_variable",
                        scope.first_span[v],
                        format!("variable `{name}` is used only once"),
                    )
                    .label("used only here")
                    .hint(format!(
                        "write `_` if any value will do, or check the spelling of `{name}`"
                    )),
                );
            }
        }
    }

    fn bind(&mut self, scope: &mut Scope, v: usize, ty: Type, span: Span, ctx: &str) {
        match scope.types[v] {
            Some(t) if t != ty => {
                self.diags.push(
                    Diagnostic::error(
                        "type_mismatch",
                        span,
                        format!(
                            "variable `{}` is a {t} elsewhere, but {ctx} is a {ty}",
                            scope.names[v]
                        ),
                    )
                    .label(format!("used as {ty} here"))
                    .hint("one variable holds one type of value; use two variables"),
                );
            }
            _ => scope.types[v] = Some(ty),
        }
        scope.bound[v] = true;
    }

    fn all_bound(&self, scope: &Scope, t: &Term) -> bool {
        match t {
            Term::Var(n, _) => scope.find(n).is_some_and(|v| scope.bound[v]),
            Term::Arith(_, a, b, _) => self.all_bound(scope, a) && self.all_bound(scope, b),
            Term::Call(_, args, _) => args.iter().all(|a| self.all_bound(scope, a)),
            Term::Wild(_) => false,
            Term::Str(..) | Term::Num(..) => true,
        }
    }

    /// A term whose variables must be bound (in a negation, comparison or head).
    fn term_in(
        &mut self,
        scope: &mut Scope,
        t: &Term,
        expected: Option<Type>,
        ctx: &str,
        place: &str,
    ) -> Option<CTerm> {
        let mut unbound = Vec::new();
        collect_unbound(scope, t, &mut unbound);
        for (name, span) in unbound {
            let (msg, hint) = match place {
                "head" => (
                    format!("variable `{name}` in the conclusion is not bound by any premise"),
                    format!("add a positive premise that gives `{name}` a value, or write a constant in its place"),
                ),
                "negated premise" => (
                    format!("variable `{name}` appears only under negation"),
                    format!("bind `{name}` in a positive premise first, or write `_` if any value should block the rule"),
                ),
                _ => (
                    format!("variable `{name}` in a comparison is not bound by any premise"),
                    format!("bind `{name}` in a positive premise first (a comparison only tests values)"),
                ),
            };
            self.diags.push(
                Diagnostic::error("unsafe_variable", span, msg)
                    .label("unbound variable")
                    .hint(hint),
            );
        }
        self.term(scope, t, expected, ctx, false)
    }

    fn term(
        &mut self,
        scope: &mut Scope,
        t: &Term,
        expected: Option<Type>,
        ctx: &str,
        count_use: bool,
    ) -> Option<CTerm> {
        match t {
            Term::Var(n, span) => {
                let v = match scope.find(n) {
                    Some(v) => {
                        let _ = count_use;
                        scope.uses[v] += 1;
                        v
                    }
                    None => scope.var(n, *span),
                };
                if let (Some(e), Some(have)) = (expected, scope.types[v]) {
                    if e != have {
                        self.diags.push(
                            Diagnostic::error(
                                "type_mismatch",
                                *span,
                                format!("{ctx} expects a {e}, but `{n}` is a {have}"),
                            )
                            .label(format!("{have} here"))
                            .hint("one variable holds one type of value"),
                        );
                        return None;
                    }
                }
                Some(CTerm::Var(v))
            }
            Term::Wild(span) => {
                self.diags.push(
                    Diagnostic::error(
                        "syntax_error",
                        *span,
                        "`_` stands for any value and cannot be computed with",
                    )
                    .label("wildcard here")
                    .hint("use a variable"),
                );
                None
            }
            Term::Str(..) | Term::Num(..) => {
                let ty = expected.unwrap_or(match t {
                    Term::Str(..) => Type::Symbol,
                    _ => Type::Number,
                });
                self.constant(t, ty, ctx).map(CTerm::Const)
            }
            Term::Arith(op, a, b, span) => {
                let ea = self.term(scope, a, None, "arithmetic", count_use)?;
                let ta = self.type_of(scope, &ea);
                // `date + 14`, `date - 1`: the right operand of date arithmetic is a number, unless it
                // is a date being subtracted.
                let expect_b = match (ta, op, &**b) {
                    (Some(Type::Date), ArithOp::Add, _) => Some(Type::Number),
                    // `D - "2025-01-01"` is a number of days; `D - 1` a date.
                    (Some(Type::Date), ArithOp::Sub, Term::Str(..)) => Some(Type::Date),
                    (Some(Type::Date), ArithOp::Sub, Term::Num(..)) => Some(Type::Number),
                    (Some(Type::Number), _, _) => Some(Type::Number),
                    _ => None,
                };
                let eb = self.term(scope, b, expect_b, "arithmetic", count_use)?;
                let tb = self.type_of(scope, &eb);
                let result = arith_type(*op, ta?, tb?);
                match result {
                    Some(r) => {
                        if let Some(e) = expected {
                            if e != r {
                                self.diags.push(
                                    Diagnostic::error("type_mismatch", *span, format!("{ctx} expects a {e}, but this computes a {r}"))
                                        .label(format!("{r} here"))
                                        .hint("check the operands: date + number is a date, date - date is a number"),
                                );
                                return None;
                            }
                        }
                        Some(CTerm::Arith(*op, Box::new(ea), Box::new(eb)))
                    }
                    None => {
                        self.diags.push(
                            Diagnostic::error("type_mismatch", *span, format!("cannot compute {} {} {}", ta?, op.symbol(), tb?))
                                .label("no such arithmetic")
                                .hint("arithmetic works on numbers; a date accepts + or - a number of days, and date - date gives days"),
                        );
                        None
                    }
                }
            }
            Term::Call(f, args, span) => {
                self.call(scope, *f, args, *span, expected, ctx, count_use)
            }
        }
    }

    /// A built-in call: its arity and argument types, and its result against what the place expects.
    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        scope: &mut Scope,
        f: Builtin,
        args: &[Term],
        span: Span,
        expected: Option<Type>,
        ctx: &str,
        count_use: bool,
    ) -> Option<CTerm> {
        if args.len() != f.params().len() {
            self.diags.push(
                Diagnostic::error(
                    "arity_mismatch",
                    span,
                    format!(
                        "`{}` takes {} argument{}, but {} {} given",
                        f.name(),
                        f.params().len(),
                        if f.params().len() == 1 { "" } else { "s" },
                        args.len(),
                        if args.len() == 1 { "is" } else { "are" }
                    ),
                )
                .label("this call")
                .hint(format!("call it as {}", f.signature())),
            );
            return None;
        }
        let what = format!("argument of `{}`", f.name());
        let mut out = Vec::new();
        for (a, ty) in args.iter().zip(f.params()) {
            let e = self.term(scope, a, Some(*ty), &what, count_use)?;
            if let Some(have) = self.type_of(scope, &e) {
                if have != *ty {
                    self.diags.push(
                        Diagnostic::error(
                            "type_mismatch",
                            a.span(),
                            format!("{what} expects a {ty}, but this is a {have}"),
                        )
                        .label(format!("{have} here"))
                        .hint(format!("call it as {}", f.signature())),
                    );
                    return None;
                }
            }
            out.push(e);
        }
        if let Some(e) = expected {
            if e != f.result() {
                self.diags.push(
                    Diagnostic::error(
                        "type_mismatch",
                        span,
                        format!(
                            "{ctx} expects a {e}, but `{}` gives a {}",
                            f.name(),
                            f.result()
                        ),
                    )
                    .label(format!("{} here", f.result()))
                    .hint(format!(
                        "`{}` returns a {}",
                        f.signature(),
                        f.result()
                    )),
                );
                return None;
            }
        }
        Some(CTerm::Call(f, out))
    }

    fn type_of(&self, scope: &Scope, t: &CTerm) -> Option<Type> {
        match t {
            CTerm::Var(v) => scope.types[*v],
            CTerm::Const(Const::Sym(_)) => Some(Type::Symbol),
            CTerm::Const(Const::Num(_)) => Some(Type::Number),
            CTerm::Const(Const::Date(_)) => Some(Type::Date),
            CTerm::Arith(op, a, b) => {
                arith_type(*op, self.type_of(scope, a)?, self.type_of(scope, b)?)
            }
            CTerm::Call(f, _) => Some(f.result()),
            CTerm::Wild => None,
        }
    }

    fn stratify(&mut self, prog: &ast::Program) {
        let n = self.out.relations.len();
        // Edges head -> body relation, with the span of a negated use for reporting.
        let mut edges: Vec<Vec<(usize, Option<usize>)>> = vec![Vec::new(); n];
        for (ri, r) in self.out.rules.iter().enumerate() {
            for l in &r.body {
                match l {
                    CLit::Pos(a) => edges[r.head.rel].push((a.rel, None)),
                    CLit::Neg(a) => edges[r.head.rel].push((a.rel, Some(ri))),
                    _ => {}
                }
            }
        }
        let comp = sccs(n, &edges);
        // Arithmetic in the head of a recursive rule can build ever new values (`n(X + 1) :- n(X).`).
        for (ri, r) in self.out.rules.iter().enumerate() {
            let computes = r
                .head
                .args
                .iter()
                .any(|t| matches!(t, CTerm::Arith(..) | CTerm::Call(..)));
            let recursive = r
                .body
                .iter()
                .any(|l| matches!(l, CLit::Pos(a) if comp[a.rel] == comp[r.head.rel]));
            if computes && recursive {
                let guards = recursion_guards(r, &comp, &self.out.relations, &self.out.rules);
                let recursive_premises = r
                    .body
                    .iter()
                    .filter(|l| matches!(l, CLit::Pos(a) if comp[a.rel] == comp[r.head.rel]))
                    .count();
                // Each step follows an edge of an input relation that loading rejects when it has a
                // cycle: the recursion ends, so there is nothing to warn about.
                if recursive_premises == 1 && !guards.is_empty() {
                    self.out.acyclic.extend(guards.into_iter().map(|mut g| {
                        g.rule = ri;
                        g
                    }));
                    continue;
                }
                let name = &self.out.relations[r.head.rel].name;
                let span = rule_spans_of(prog).get(ri).copied().unwrap_or_default();
                let hint = match guards.first() {
                    Some(g) => format!(
                        "it recurses along `{}`; lexproof rejects fact files in which `{}` has a cycle, which would make it derive without end",
                        self.out.relations[g.rel].name, self.out.relations[g.rel].name
                    ),
                    None => "bound the recursion with a comparison (e.g. `X < 100`), or make sure the facts it recurses over contain no cycle".to_string(),
                };
                self.diags.push(
                    Diagnostic::warning("recursive_arithmetic", span, format!("`{name}` recurses through arithmetic in its head and may derive infinitely many facts"))
                        .label(format!("computes a new `{name}` value from `{name}`"))
                        .hint(hint),
                );
                self.out.acyclic.extend(guards.into_iter().map(|mut g| {
                    g.rule = ri;
                    g
                }));
            }
        }
        // Report each negation inside a cycle, naming the cycle.
        let rule_spans: Vec<Span> = prog
            .clauses
            .iter()
            .filter(|c| c.body.is_some() || !c.meta.is_empty())
            .map(|c| c.head.span)
            .collect();
        for h in 0..n {
            for &(b, neg) in &edges[h] {
                if let Some(ri) = neg {
                    if comp[h] == comp[b] {
                        let cycle = cycle_path(&edges, b, h, &comp);
                        let names: Vec<&str> = std::iter::once(h)
                            .chain(cycle.iter().copied())
                            .map(|r| self.out.relations[r].name.as_str())
                            .collect();
                        let rule = &self.out.rules[ri];
                        let span = find_negation_span(prog, rule, &self.out.relations[b].name)
                            .unwrap_or(rule_spans.get(ri).copied().unwrap_or_default());
                        self.diags.push(
                            Diagnostic::error(
                                "cyclic_negation",
                                span,
                                format!("negation through recursion: {}", names.join(" -> ")),
                            )
                            .label(format!("`{}` depends on its own negation here", self.out.relations[h].name))
                            .hint("a relation cannot depend on the absence of something it helps derive; split the relation or remove the negation from the cycle"),
                        );
                    }
                }
            }
        }
        // Stratum = longest chain of negations below; components are processed in topological order.
        let mut strata = vec![0usize; n];
        let order = topo_components(n, &edges, &comp);
        self.out.components = order.clone();
        for group in order {
            let mut s = 0;
            for &h in &group {
                for &(b, neg) in &edges[h] {
                    if comp[b] != comp[h] {
                        s = s.max(strata[b] + usize::from(neg.is_some()));
                    }
                }
            }
            for &h in &group {
                strata[h] = s;
            }
        }
        self.out.strata = strata;
    }
}

/// The names inside `{...}` in an `@says` line.
pub fn placeholders(says: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = says;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        out.push(&rest[i + 1..i + j]);
        rest = &rest[i + j + 1..];
    }
    out
}

/// `text` with each `{name}` replaced by the value given for `name`.
pub fn fill_placeholders(text: &str, values: &[(String, String)]) -> String {
    let mut out = text.to_string();
    for (name, value) in values {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A parameter's value as a sentence shows it: `10^25`, `3×10^24`, `2025-08-02`.
pub fn readable_const(c: &Const) -> String {
    match c {
        Const::Num(n) => {
            let r = crate::number::readable(*n);
            r.strip_prefix("1×").map(str::to_string).unwrap_or(r)
        }
        Const::Sym(s) => s.clone(),
        Const::Date(d) => crate::number::format_date(*d),
    }
}

/// The head span of every rule (clauses with a body or metadata), in rule order.
/// Input relations that link a head variable to the variable in the same place of a recursive
/// premise, e.g. `modified_from(N, B)` in `cum(N, C + M) :- modified_from(N, B), cum(B, C), ...`:
/// the recursion steps along them.
fn recursion_guards(
    r: &Rule,
    comp: &[usize],
    relations: &[Relation],
    rules: &[Rule],
) -> Vec<AcyclicGuard> {
    let mut out = Vec::new();
    // A rule that compares a value its head computes from (`dist(A, C, N + 1) :- ..., N < 4.`) is
    // taken as bounded by that comparison: cycles in the facts are then harmless.
    let mut computed = Vec::new();
    for t in &r.head.args {
        if let CTerm::Arith(..) | CTerm::Call(..) = t {
            t.vars(&mut computed);
        }
    }
    let bounded = r.body.iter().any(|l| match l {
        CLit::Cmp(_, a, b) => {
            let mut v = Vec::new();
            a.vars(&mut v);
            b.vars(&mut v);
            v.iter().any(|x| computed.contains(x))
        }
        _ => false,
    });
    if bounded {
        return out;
    }
    for (i, h) in r.head.args.iter().enumerate() {
        let CTerm::Var(x) = h else { continue };
        for l in &r.body {
            let CLit::Pos(rec) = l else { continue };
            if comp[rec.rel] != comp[r.head.rel] {
                continue;
            }
            let Some(CTerm::Var(y)) = rec.args.get(i) else {
                continue;
            };
            if y == x {
                continue;
            }
            for l in &r.body {
                let CLit::Pos(link) = l else { continue };
                if comp[link.rel] == comp[r.head.rel] {
                    continue;
                }
                let (Some(from), Some(to)) = (var_position(link, *x), var_position(link, *y))
                else {
                    continue;
                };
                if let Some((rel, from, to)) = input_edge(link.rel, from, to, relations, rules, 0) {
                    out.push(AcyclicGuard {
                        rel,
                        from,
                        to,
                        rule: r.index,
                    });
                }
            }
        }
    }
    out
}

fn var_position(a: &CAtom, v: usize) -> Option<usize> {
    a.args
        .iter()
        .position(|t| matches!(t, CTerm::Var(z) if *z == v))
}

/// The input relation and columns that an edge of `rel` from column `from` to column `to` always
/// copies, following derived relations that only rename one (`step(N, B) :- modified_from(N, B).`),
/// so that a recursion stepping along such an alias is guarded by the input relation's cycle check.
/// `None` when some rule for `rel` builds its edges otherwise (a join, two different inputs): a
/// cycle in `rel` then need not be a cycle in any one input relation.
fn input_edge(
    rel: usize,
    from: usize,
    to: usize,
    relations: &[Relation],
    rules: &[Rule],
    depth: usize,
) -> Option<(usize, usize, usize)> {
    if !relations[rel].derived {
        return Some((rel, from, to));
    }
    if depth >= 8 {
        return None;
    }
    let mut found = None;
    for rule in rules.iter().filter(|q| q.head.rel == rel) {
        let (Some(CTerm::Var(x)), Some(CTerm::Var(y))) =
            (rule.head.args.get(from), rule.head.args.get(to))
        else {
            return None;
        };
        let edge = rule.body.iter().find_map(|l| {
            let CLit::Pos(a) = l else { return None };
            let (f, t) = (var_position(a, *x)?, var_position(a, *y)?);
            input_edge(a.rel, f, t, relations, rules, depth + 1)
        })?;
        if found.is_some_and(|e| e != edge) {
            return None;
        }
        found = Some(edge);
    }
    found
}

fn rule_spans_of(prog: &ast::Program) -> Vec<Span> {
    prog.clauses
        .iter()
        .filter(|c| c.body.is_some() || !c.meta.is_empty())
        .map(|c| c.head.span)
        .collect()
}

fn find_negation_span(prog: &ast::Program, rule: &Rule, rel: &str) -> Option<Span> {
    let clause = prog
        .clauses
        .iter()
        .filter(|c| c.body.is_some() || !c.meta.is_empty())
        .nth(rule.index)?;
    clause.body.as_ref()?.iter().find_map(|l| match l {
        Literal::Neg(a, span) if a.rel == rel => Some(*span),
        _ => None,
    })
}

fn collect_unbound(scope: &Scope, t: &Term, out: &mut Vec<(String, Span)>) {
    let is_bound = |n: &str| scope.find(n).is_some_and(|v| scope.bound[v]);
    match t {
        Term::Var(n, span) if !is_bound(n) && !out.iter().any(|(m, _)| m == n) => {
            out.push((n.clone(), *span))
        }
        Term::Arith(_, a, b, _) => {
            collect_unbound(scope, a, out);
            collect_unbound(scope, b, out);
        }
        Term::Call(_, args, _) => args.iter().for_each(|a| collect_unbound(scope, a, out)),
        _ => {}
    }
}

pub fn arith_type(op: ArithOp, a: Type, b: Type) -> Option<Type> {
    use Type::*;
    match (op, a, b) {
        (_, Number, Number) => Some(Number),
        (ArithOp::Add, Date, Number)
        | (ArithOp::Add, Number, Date)
        | (ArithOp::Sub, Date, Number) => Some(Date),
        (ArithOp::Sub, Date, Date) => Some(Number),
        _ => None,
    }
}

/// Tarjan's strongly connected components; returns the component id of each node.
fn sccs(n: usize, edges: &[Vec<(usize, Option<usize>)>]) -> Vec<usize> {
    struct St<'a> {
        edges: &'a [Vec<(usize, Option<usize>)>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        comp: Vec<usize>,
        next: usize,
        ncomp: usize,
    }
    fn visit(s: &mut St, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on[v] = true;
        for &(w, _) in &s.edges[v] {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on[w] => s.low[v] = s.low[v].min(iw),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            while let Some(w) = s.stack.pop() {
                s.on[w] = false;
                s.comp[w] = s.ncomp;
                if w == v {
                    break;
                }
            }
            s.ncomp += 1;
        }
    }
    let mut s = St {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: Vec::new(),
        comp: vec![0; n],
        next: 0,
        ncomp: 0,
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.comp
}

/// Components in dependency order (dependencies first). Tarjan numbers components so that a
/// component's dependencies get smaller numbers.
fn topo_components(
    n: usize,
    _edges: &[Vec<(usize, Option<usize>)>],
    comp: &[usize],
) -> Vec<Vec<usize>> {
    let ncomp = comp.iter().copied().max().map_or(0, |m| m + 1);
    let mut groups = vec![Vec::new(); ncomp];
    for v in 0..n {
        groups[comp[v]].push(v);
    }
    groups
}

/// A path of relations from `from` back to `to` inside one component.
fn cycle_path(
    edges: &[Vec<(usize, Option<usize>)>],
    from: usize,
    to: usize,
    comp: &[usize],
) -> Vec<usize> {
    let mut prev = vec![usize::MAX; edges.len()];
    let mut queue = std::collections::VecDeque::from([from]);
    prev[from] = from;
    while let Some(v) = queue.pop_front() {
        if v == to {
            break;
        }
        for &(w, _) in &edges[v] {
            if comp[w] == comp[from] && prev[w] == usize::MAX {
                prev[w] = v;
                queue.push_back(w);
            }
        }
    }
    let mut path = vec![to];
    let mut v = to;
    while v != from && prev[v] != usize::MAX {
        v = prev[v];
        path.push(v);
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use crate::diag::{Diagnostic, Severity};
    use crate::source::SourceFile;

    const DECLS: &str =
        ".decl a(x: symbol, n: number)\n.decl b(x: symbol)\n.decl c(x: symbol)\n.decl d(x: date)\n";
    const META: &str = "@rule r\n@cite \"Art. 3(63)\"\n@authority statute\n@says \"s\"\n";

    fn diags(text: &str) -> Vec<Diagnostic> {
        let f = SourceFile::new("t.dl", text);
        match crate::load_rules(&f) {
            Ok((_, w)) => w,
            Err(d) => d,
        }
    }
    fn errors(rule: &str) -> Vec<(String, String)> {
        diags(&format!("{DECLS}{META}{rule}\n"))
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| {
                (
                    d.code.to_string(),
                    d.message.clone() + " | " + d.hint.as_deref().unwrap_or(""),
                )
            })
            .collect()
    }
    fn codes(rule: &str) -> Vec<String> {
        errors(rule).into_iter().map(|e| e.0).collect()
    }

    #[test]
    fn a_correct_rule_checks_clean() {
        assert!(codes("b(X) :- a(X, N), N > 1e23, !c(X), M = N * 2, M < 1e30.").is_empty());
        // Date arithmetic: minus a date constant is days, minus a number is a date; no singleton
        // warnings for variables used in an assignment.
        let d = diags(&format!("{DECLS}{META}b(X) :- a(X, N), d(D), d(E), D - \"2025-01-01\" > N, D - E > 3, F = D - 1, F > E.\n"));
        assert!(d.is_empty(), "{d:?}");
    }

    const ROLES: &str = ".type model <: symbol\n.type base <: model\n.type actor <: symbol\n.decl dev(m: model, a: actor)\n.decl from(n: model, b: base)\n.decl prov(a: actor, m: model)\n.decl any(x: symbol)\n";

    fn role_errors(rule: &str) -> Vec<String> {
        diags(&format!("{ROLES}{META}{rule}\n"))
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect()
    }

    #[test]
    fn roles_catch_swapped_arguments_and_allow_kinds_constants_and_plain_symbols() {
        assert!(role_errors("prov(A, M) :- dev(M, A).").is_empty());
        // A base model is a kind of model: the variable keeps the narrower role, in either order.
        assert!(role_errors("prov(A, B) :- from(_, B), dev(B, A).").is_empty());
        assert!(role_errors("prov(A, B) :- dev(B, A), from(_, B).").is_empty());
        // Constants and plain symbol fields fit any role.
        assert!(role_errors("prov(A, \"m\") :- dev(\"m\", A), any(A).").is_empty());
        let e = role_errors("prov(A, M) :- dev(A, M).");
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].starts_with("type_mismatch: variable `A` is an actor in field `a` of `prov` but a model in field `m` of `dev`"), "{e:?}");
        // Negated premises and comparisons between variables of two roles count too.
        let e = role_errors("prov(A, M) :- dev(M, A), !dev(A, _).");
        assert_eq!(e.len(), 1, "{e:?}");
        let e = role_errors("prov(A, M) :- dev(M, A), A != M.");
        assert!(e.len() == 1 && e[0].contains("compared with"), "{e:?}");
    }

    #[test]
    fn extending_an_enumeration_adds_values_checked_like_the_declared_ones() {
        let text = ".type duty = \"a\" | \"b\"\n.decl owes(d: duty)\nowes(\"c\").\n@value \"c\" \"a third duty\"\n.type duty += \"c\"\n";
        let f = SourceFile::new("t.dl", text);
        let (checked, w) = crate::load_rules(&f).expect("an added value is a value");
        assert!(w.is_empty(), "{w:?}");
        let duty = &checked.enums[0];
        assert_eq!(duty.declared, ["a", "b", "c"]);
        assert_eq!(duty.value_docs["c"], "a third duty");
        let bad = diags(".type duty = \"a\"\n.type duty += \"a\" | \"z\"\n.type role <: symbol\n.type role += \"x\"\n.decl owes(d: duty)\nowes(\"y\").\n");
        let codes: Vec<&str> = bad.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "duplicate_field",
                "not_an_enumeration",
                "not_in_enumeration"
            ],
            "{bad:?}"
        );
    }

    #[test]
    fn unknown_relation_suggests_a_near_name() {
        let e = errors("b(X) :- a(X, _), cc(X).");
        assert_eq!(e[0].0, "unknown_relation");
        assert!(e[0].1.contains("did you mean `c`"), "{e:?}");
    }

    #[test]
    fn arity_mismatch_names_the_declaration() {
        let e = errors("b(X) :- a(X).");
        assert_eq!(e[0].0, "arity_mismatch");
        assert!(e[0].1.contains("a(x: symbol, n: number)"), "{e:?}");
    }

    #[test]
    fn type_mismatches_are_found() {
        assert_eq!(codes("b(X) :- a(X, N), d(N)."), ["type_mismatch"]);
        assert_eq!(codes("b(X) :- a(X, N), N > \"ten\"."), ["type_mismatch"]);
        assert_eq!(codes("b(X) :- a(X, N), X < \"y\"."), ["type_mismatch"]);
        assert_eq!(
            codes("b(X) :- a(X, _), d(D), D * 2 > 3."),
            ["type_mismatch"]
        );
        assert_eq!(codes("b(N) :- a(_, N)."), ["type_mismatch"]);
    }

    #[test]
    fn unsafe_variables_in_head_negation_and_comparison() {
        assert_eq!(codes("b(Y) :- a(X, _), c(X)."), ["unsafe_variable"]);
        assert_eq!(codes("b(X) :- a(X, _), !a(Y, _)."), ["unsafe_variable"]);
        assert_eq!(codes("b(X) :- a(X, _), Y > 3."), ["unsafe_variable"]);
        // `_` under negation is fine; an assigned variable is bound.
        assert!(codes("b(X) :- a(X, _), !a(X, _).").is_empty());
        assert!(codes("b(X) :- a(X, N), M = N + 1, M > 2.").is_empty());
    }

    #[test]
    fn recursion_through_arithmetic_is_a_warning_naming_the_relation() {
        let d = diags(".decl n(x: number)\nn(0).\n@rule up\n@cite \"x\"\n@authority statute\n@says \"s\"\nn(X + 1) :- n(X).\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "recursive_arithmetic");
        assert!(d[0].message.contains("`n`"));
        // Bounded by a comparison it is still reported (the checker cannot prove the bound), as a warning.
        assert_eq!(d[0].severity, Severity::Warning);
    }

    #[test]
    fn recursion_along_an_acyclic_input_relation_is_no_warning_but_a_guard() {
        let src = ".decl step(a: symbol, b: symbol)\n.decl c(a: symbol, n: number)\n.decl base(a: symbol, n: number)\n\
@rule base\n@cite \"x\"\n@authority statute\n@says \"s\"\nc(A, N) :- base(A, N).\n\
@rule up\n@cite \"x\"\n@authority statute\n@says \"s\"\nc(A, N + 1) :- step(A, B), c(B, N).\n";
        let file = SourceFile::new("t.dl", src);
        let (prog, _) = crate::parser::parse_program(&file);
        let (checked, d) = super::check_program(&prog, &file);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(checked.acyclic.len(), 1);
    }

    #[test]
    fn recursion_along_an_alias_of_an_input_relation_is_guarded_by_the_input() {
        let src = ".decl step(a: symbol, b: symbol)\n.decl link(a: symbol, b: symbol)\n.decl hop(a: symbol, b: symbol)\n\
.decl c(a: symbol, n: number)\n.decl base(a: symbol, n: number)\n\
@rule link\n@cite \"x\"\n@authority statute\n@says \"s\"\nlink(B, A) :- step(A, B).\n\
@rule hop\n@cite \"x\"\n@authority statute\n@says \"s\"\nhop(X, Y) :- link(X, Y).\n\
@rule base\n@cite \"x\"\n@authority statute\n@says \"s\"\nc(A, N) :- base(A, N).\n\
@rule up\n@cite \"x\"\n@authority statute\n@says \"s\"\nc(A, N + 1) :- hop(A, B), c(B, N).\n";
        let file = SourceFile::new("t.dl", src);
        let (prog, _) = crate::parser::parse_program(&file);
        let (checked, d) = super::check_program(&prog, &file);
        assert!(d.is_empty(), "{d:?}");
        let g = &checked.acyclic[..];
        assert_eq!(g.len(), 1);
        // hop(A, B) is step(B, A): the recursion steps from step's second column to its first.
        assert_eq!(
            (
                checked.relations[g[0].rel].name.as_str(),
                g[0].from,
                g[0].to
            ),
            ("step", 1, 0)
        );
    }

    #[test]
    fn an_alias_joining_two_inputs_guards_nothing() {
        let src = ".decl step(a: symbol, b: symbol)\n.decl other(a: symbol, b: symbol)\n.decl link(a: symbol, b: symbol)\n\
.decl c(a: symbol, n: number)\n.decl base(a: symbol, n: number)\n\
@rule l1\n@cite \"x\"\n@authority statute\n@says \"s\"\nlink(A, B) :- step(A, B).\n\
@rule l2\n@cite \"x\"\n@authority statute\n@says \"s\"\nlink(A, B) :- other(A, B).\n\
@rule base\n@cite \"x\"\n@authority statute\n@says \"s\"\nc(A, N) :- base(A, N).\n\
@rule up\n@cite \"x\"\n@authority statute\n@says \"s\"\nc(A, N + 1) :- link(A, B), c(B, N).\n";
        let file = SourceFile::new("t.dl", src);
        let (prog, _) = crate::parser::parse_program(&file);
        let (checked, d) = super::check_program(&prog, &file);
        assert!(checked.acyclic.is_empty());
        assert_eq!(
            d.iter().map(|d| d.code).collect::<Vec<_>>(),
            ["recursive_arithmetic"]
        );
    }

    #[test]
    fn wildcard_in_head_is_rejected() {
        assert_eq!(codes("b(_) :- a(_, _)."), ["wildcard_in_head"]);
    }

    #[test]
    fn negation_through_recursion_names_the_cycle() {
        let text = format!("{DECLS}{META}b(X) :- a(X, _), !c(X).\n@rule r2\n@cite \"x\"\n@authority statute\n@says \"s\"\nc(X) :- a(X, _), b(X), !b(X).\n");
        let d = diags(&text);
        let cyc: Vec<&Diagnostic> = d.iter().filter(|d| d.code == "cyclic_negation").collect();
        assert!(!cyc.is_empty(), "{d:?}");
        assert!(
            cyc.iter().any(|d| d.message.contains("b -> c -> b")),
            "{cyc:?}"
        );
    }

    #[test]
    fn metadata_is_required() {
        let d = diags(&format!("{DECLS}b(X) :- a(X, _).\n@rule r\n@cite \"x\"\n@says \"s\"\nc(X) :- a(X, _).\n@rule r\n@authority statute\n@says \"s\"\nb(X) :- c(X).\n@rule q\n@cite \"x\"\n@authority statute\nb(X) :- c(X).\n"));
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        for want in [
            "missing_rule_id",
            "missing_citation",
            "missing_authority",
            "missing_says",
            "duplicate_rule_id",
        ] {
            assert!(codes.contains(&want), "{want} missing in {codes:?}");
        }
    }

    #[test]
    fn bad_authority_dates_and_numbers() {
        let d = diags(&format!("{DECLS}@rule r\n@cite \"x\"\n@authority statue\n@says \"s\"\nb(X) :- a(X, N), N > 1e400, d(D), D > \"2025-02-30\", N > 1.5.\n"));
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "unknown_authority",
                "number_out_of_range",
                "invalid_date",
                "invalid_number"
            ]
        );
    }

    #[test]
    fn facts_in_rules_must_be_ground_and_typed() {
        let d = diags(&format!(
            "{DECLS}b(X).\na(\"x\", \"y\").\nd(\"2025-08-02\").\nb(\"ok\").\n"
        ));
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["non_ground_fact", "type_mismatch"]);
    }

    #[test]
    fn enumerations_check_constants() {
        let d = diags(".type modality = \"text\" | \"code\"\n.decl g(m: symbol, k: modality)\n.decl o(m: symbol)\ng(\"m\", \"txt\").\n@rule r\n@cite \"x\"\n@authority statute\n@says \"s\"\no(M) :- g(M, \"code\"), !g(M, \"cod\").\n");
        let e: Vec<(&str, String)> = d
            .iter()
            .map(|d| (d.code, d.hint.clone().unwrap_or_default()))
            .collect();
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e.iter().all(|(c, _)| *c == "not_in_enumeration"));
        assert!(e[0].1.contains("did you mean \"text\""), "{e:?}");
    }

    #[test]
    fn duplicate_declarations_and_unknown_types() {
        let d = diags(".decl a(x: symbol)\n.decl a(y: symbol)\n.decl e(x: text)\n");
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["duplicate_declaration", "unknown_type"]);
    }

    #[test]
    fn every_error_is_reported_not_only_the_first() {
        let e = codes("b(Y) :- a(X), zz(X), X > 1e400.");
        assert!(e.len() >= 3, "{e:?}");
    }

    #[test]
    fn witness_puts_head_variables_first_and_plan_binds_before_testing() {
        let f = SourceFile::new(
            "t.dl",
            format!("{DECLS}{META}b(X) :- N > 3, !c(X), a(X, N), M = N + 1, M > 2.\n"),
        );
        let (c, _) = crate::load_rules(&f).unwrap();
        let r = &c.rules[0];
        assert_eq!(r.vars[r.witness[0]].name, "X");
        // The positive atom is evaluated first, then the tests that need its variables.
        assert_eq!(r.plan[0], 2);
        assert_eq!(r.plan.len(), 5);
    }
}
