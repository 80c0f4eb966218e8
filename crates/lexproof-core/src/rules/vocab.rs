//! The vocabulary as documented in the rules file (`@doc`, `@arg`, `@cite`, `@example`, `@key`
//! above each `.decl`; `@doc`, `@value`, `@aka` above each `.type`): what `lexproof vocab` prints
//! and what `docs/vocabulary.md` is generated from, so an extension documents itself the same way.

use crate::data::value::quote;
use lexproof_lang::check::{Checked, Const, EnumType, Relation};

/// Which relations a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Inputs,
    Parameters,
    Conclusions,
    Helpers,
}

impl Part {
    fn title(self) -> &'static str {
        match self {
            Part::Inputs => "Input relations (facts you give)",
            Part::Parameters => {
                "Parameters (values the rules fix; `--param NAME=VALUE` changes one for a run)"
            }
            Part::Conclusions => "Conclusions (what lexproof derives)",
            Part::Helpers => "Helper relations (internal; they may change)",
        }
    }
}

/// Where a relation belongs: an input is declared, not derived, and not a fixed list of the rules
/// file itself (such as the Member States); a conclusion is named by `.output`.
pub fn part_of(program: &Checked, rel: usize) -> Part {
    let r = &program.relations[rel];
    if r.param {
        Part::Parameters
    } else if program.outputs.contains(&rel) {
        Part::Conclusions
    } else if !r.derived && (!r.has_rule_facts || !r.doc.text.is_empty()) {
        Part::Inputs
    } else {
        Part::Helpers
    }
}

/// What `name` is: a relation, an enumeration, or neither.
pub enum Entry<'a> {
    Relation(usize),
    Type(&'a EnumType),
}

pub fn find<'a>(program: &'a Checked, name: &str) -> Option<Entry<'a>> {
    if let Some(rel) = program.relation(name) {
        return Some(Entry::Relation(rel));
    }
    program
        .enums
        .iter()
        .find(|e| e.name == name)
        .map(Entry::Type)
}

/// The names `find` knows, for "did you mean".
pub fn names(program: &Checked) -> impl Iterator<Item = &str> {
    program
        .by_name
        .keys()
        .map(|s| s.as_str())
        .chain(program.enums.iter().map(|e| e.name.as_str()))
}

fn signature(r: &Relation, program: &Checked) -> String {
    let rel = program.relation(&r.name).unwrap_or_default();
    let fields: Vec<String> = (0..r.arity())
        .map(|k| format!("{}: {}", r.fields[k].0, program.field_type_name(rel, k)))
        .collect();
    format!("{}({})", r.name, fields.join(", "))
}

/// The roles (kinds of symbol) as plain text, one line each.
fn roles_text(program: &Checked, out: &mut String) {
    if program.roles.is_empty() {
        return;
    }
    out.push_str("== Roles (kinds of symbol: a rule variable keeps one) ==\n\n");
    for r in &program.roles {
        let parent = r
            .parent
            .map_or("symbol", |p| program.roles[p].name.as_str());
        out.push_str(&format!(".type {} <: {parent}\n", r.name));
        if !r.doc.is_empty() {
            out.push_str(&wrap(&r.doc, "  "));
        }
    }
    out.push('\n');
}

fn example(r: &Relation, values: &[Const]) -> String {
    let args: Vec<String> = values
        .iter()
        .map(|c| match c {
            Const::Sym(s) => quote(s),
            Const::Num(n) => lexproof_lang::number::fact_syntax(*n),
            Const::Date(d) => format!("\"{}\"", lexproof_lang::number::format_date(*d)),
        })
        .collect();
    format!("{}({}).", r.name, args.join(", "))
}

fn dated(r: &Relation) -> bool {
    r.fields
        .iter()
        .any(|(_, t)| *t == lexproof_lang::ast::Type::Date)
}

fn key_line(r: &Relation) -> Option<String> {
    let key = r.key.as_ref()?;
    let names: Vec<&str> = key.iter().map(|&k| r.fields[k].0.as_str()).collect();
    Some(format!(
        "one fact per {}: two facts that agree on it and differ otherwise are an error",
        names.join(" and ")
    ))
}

/// One relation as plain text.
pub fn relation_text(program: &Checked, rel: usize, out: &mut String) {
    let r = &program.relations[rel];
    let part = part_of(program, rel);
    let kind = match part {
        Part::Inputs => "input",
        Part::Parameters => "parameter",
        Part::Conclusions => "conclusion",
        Part::Helpers => "helper",
    };
    out.push_str(&format!(
        "{}    [{kind}, {}]\n",
        signature(r, program),
        if dated(r) { "dated" } else { "undated" }
    ));
    if !r.doc.text.is_empty() {
        out.push_str(&wrap(&r.doc.text, "  "));
    }
    if let Some(v) = param_value(program, rel) {
        out.push_str(&format!(
            "  Value: {v}; for one run: --param {}=VALUE\n",
            r.name
        ));
        for d in dated_values(program, rel) {
            out.push_str(&format!(
                "  Later value {d}; a run takes the one in force on its assessment date\n"
            ));
        }
    }
    let width = r.fields.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (k, (name, _)) in r.fields.iter().enumerate() {
        let text = &r.doc.args[k];
        let allowed = r.enums[k]
            .map(|e| format!(" (one of the {} values)", program.enums[e].name))
            .unwrap_or_default();
        if !text.is_empty() || !allowed.is_empty() {
            out.push_str(&format!("  {name:width$}  {text}{allowed}\n"));
        }
    }
    if let Some(k) = key_line(r) {
        out.push_str(&format!("  Key: {k}\n"));
    }
    if !r.doc.citations.is_empty() {
        out.push_str(&format!("  Law: {}\n", r.doc.citations.join("; ")));
    }
    for e in &r.doc.examples {
        out.push_str(&format!("  Example: {}\n", example(r, e)));
    }
}

/// One enumeration as plain text: every value with what it means.
pub fn type_text(e: &EnumType, out: &mut String) {
    out.push_str(&format!(
        ".type {}    [{} values]\n",
        e.name,
        e.values.len()
    ));
    if !e.doc.is_empty() {
        out.push_str(&wrap(&e.doc, "  "));
    }
    if e.value_docs.is_empty() {
        out.push_str(&wrap(
            &e.declared
                .iter()
                .map(|v| quote(v))
                .collect::<Vec<_>>()
                .join(" "),
            "  ",
        ));
    } else {
        let width = e.declared.iter().map(|v| v.len() + 2).max().unwrap_or(0);
        for v in &e.declared {
            let text = e.value_docs.get(v).map_or("", |s| s.as_str());
            out.push_str(&format!("  {:width$}  {text}\n", quote(v)));
        }
    }
    let aka = aka_of(e);
    if !aka.is_empty() {
        out.push_str(&wrap(&format!("Also called: {}", aka.join("; ")), "  "));
    }
}

fn aka_of(e: &EnumType) -> Vec<String> {
    e.declared
        .iter()
        .filter_map(|v| {
            let words: Vec<String> = e
                .aka
                .iter()
                .filter(|(_, m)| m == v)
                .map(|(w, _)| format!("\"{w}\""))
                .collect();
            (!words.is_empty()).then(|| format!("{} for {}", words.join(", "), quote(v)))
        })
        .collect()
}

/// Every relation of `parts`, then every enumeration, as plain text.
pub fn text(program: &Checked, parts: &[Part]) -> String {
    let mut out = String::new();
    for &part in parts {
        out.push_str(&format!("== {} ==\n\n", part.title()));
        for rel in relations_of(program, part) {
            relation_text(program, rel, &mut out);
            out.push('\n');
        }
    }
    out.push_str("== Enumerations (allowed values) ==\n\n");
    for e in &program.enums {
        type_text(e, &mut out);
        out.push('\n');
    }
    roles_text(program, &mut out);
    out
}

/// A parameter's later values: "from 2027-06-01: 1e26 (Delegated Regulation ...)", by date.
fn dated_values(program: &Checked, rel: usize) -> Vec<String> {
    let mut dated: Vec<(i32, String)> = program
        .facts
        .iter()
        .filter(|f| f.rel == rel)
        .filter_map(|f| {
            let (day, cites) = f.in_force_from.as_ref()?;
            let cites = if cites.is_empty() {
                String::new()
            } else {
                format!(" ({})", cites.join("; "))
            };
            Some((
                *day,
                format!(
                    "from {}: {}{cites}",
                    lexproof_lang::number::format_date(*day),
                    const_text(&f.values[0])
                ),
            ))
        })
        .collect();
    dated.sort();
    dated.into_iter().map(|d| d.1).collect()
}

fn const_text(c: &Const) -> String {
    match c {
        Const::Num(n) => lexproof_lang::number::fact_syntax(*n),
        Const::Sym(x) => quote(x),
        Const::Date(d) => lexproof_lang::number::format_date(*d),
    }
}

/// A parameter's value in the rules file, as a fact file writes it.
fn param_value(program: &Checked, rel: usize) -> Option<String> {
    if !program.relations[rel].param {
        return None;
    }
    let f = program
        .facts
        .iter()
        .find(|f| f.rel == rel && f.in_force_from.is_none())?;
    Some(match &f.values[0] {
        Const::Num(n) => lexproof_lang::number::fact_syntax(*n),
        Const::Sym(x) => quote(x),
        Const::Date(d) => lexproof_lang::number::format_date(*d),
    })
}

fn relations_of(program: &Checked, part: Part) -> Vec<usize> {
    let mut rels: Vec<usize> = (0..program.relations.len())
        .filter(|&r| part_of(program, r) == part)
        .collect();
    rels.sort_by_key(|&r| program.relations[r].line);
    rels
}

/// The whole vocabulary as Markdown: `docs/vocabulary.md`.
pub fn markdown(program: &Checked, rules_name: &str) -> String {
    let mut out = String::new();
    out.push_str("# The fact and conclusion vocabulary\n\n");
    out.push_str(&format!(
        "Generated by `lexproof vocab --format md` from the documentation in `{rules_name}` (the `@doc`, \
`@arg`, `@cite`, `@example`, `@key`, `@value` and `@aka` lines above each `.decl` and `.type`); do not \
edit it by hand: a test fails when it is stale. `lexproof vocab RELATION` prints one entry. How to \
write fact files: [facts.md](facts.md); how time, periods and the rulebase's readings work: \
[conventions.md](conventions.md).\n\n"
    ));
    out.push_str("Types: `symbol` (`\"acme\"`), `number` (an exact integer, may be written `2.6e25` when it is one), \
`date` (`\"2025-08-02\"` in `.dl`, `2025-08-02` in TSV, CSV and JSON). A field typed by an enumeration \
takes only the values listed under [Enumerations](#enumerations); one typed by a role (`model`, `actor`, ...) \
takes any symbol, and the role only keeps rules from mixing kinds of thing (see [Roles](#roles)). A *dated* relation has a date field; \
an undated fact holds throughout. Names and arities are a contract: relations are added, never renamed.\n\n");
    for part in [Part::Inputs, Part::Parameters, Part::Conclusions] {
        out.push_str(&format!("## {}\n\n", part.title()));
        for rel in relations_of(program, part) {
            let r = &program.relations[rel];
            out.push_str(&format!("### `{}`\n\n", r.name));
            out.push_str(&format!(
                "`{}` · {}\n\n",
                signature(r, program),
                if dated(r) { "dated" } else { "undated" }
            ));
            if !r.doc.text.is_empty() {
                out.push_str(&format!("{}\n\n", md_text(&r.doc.text)));
            }
            if let Some(v) = param_value(program, rel) {
                out.push_str(&format!(
                    "Value: `{v}`. For one run: `--param {}=VALUE`.\n\n",
                    r.name
                ));
                for d in dated_values(program, rel) {
                    out.push_str(&format!(
                        "Later value {}; a run takes the one in force on its assessment date.\n\n",
                        md_text(&d)
                    ));
                }
            }
            let documented: Vec<usize> = (0..r.arity())
                .filter(|&k| !r.doc.args[k].is_empty() || r.enums[k].is_some())
                .collect();
            if !documented.is_empty() {
                out.push_str("| field | meaning |\n|---|---|\n");
                for k in documented {
                    let allowed = r.enums[k]
                        .map(|e| {
                            let n = &program.enums[e].name;
                            format!(" (one of [`{n}`](#{n}))")
                        })
                        .unwrap_or_default();
                    out.push_str(&format!(
                        "| `{}` | {}{allowed} |\n",
                        r.fields[k].0,
                        md_cell(&r.doc.args[k])
                    ));
                }
                out.push('\n');
            }
            if let Some(k) = key_line(r) {
                out.push_str(&format!("Key: {k}.\n\n"));
            }
            if !r.doc.citations.is_empty() {
                out.push_str(&format!(
                    "Law: {}.\n\n",
                    md_text(&r.doc.citations.join("; "))
                ));
            }
            for e in &r.doc.examples {
                out.push_str(&format!("    {}\n", example(r, e)));
            }
            if !r.doc.examples.is_empty() {
                out.push('\n');
            }
        }
    }
    out.push_str("## Enumerations\n\n");
    for e in &program.enums {
        out.push_str(&format!("### `{}`\n\n", e.name));
        if !e.doc.is_empty() {
            out.push_str(&format!("{}\n\n", md_text(&e.doc)));
        }
        if e.value_docs.is_empty() {
            out.push_str(&format!(
                "{} values: {}\n\n",
                e.values.len(),
                e.declared
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
        } else {
            out.push_str("| value | meaning |\n|---|---|\n");
            for v in &e.declared {
                let text = e.value_docs.get(v).map_or("", |s| s.as_str());
                out.push_str(&format!("| `\"{v}\"` | {} |\n", md_cell(text)));
            }
            out.push('\n');
        }
        let aka = aka_of(e);
        if !aka.is_empty() {
            out.push_str(&format!("Also called: {}.\n\n", md_text(&aka.join("; "))));
        }
    }
    if !program.roles.is_empty() {
        out.push_str("## Roles\n\n");
        out.push_str("A role is a kind of symbol. A field typed by a role takes any symbol in a fact file; in a rule, \
one variable keeps one role, so arguments written in the wrong order (`developer(A, M)` with `A` an actor \
elsewhere in the rule) are a located `type_mismatch` error. A role declared `<:` another is a kind of it.\n\n");
        out.push_str("| role | kind of | meaning |\n|---|---|---|\n");
        for r in &program.roles {
            let parent = r
                .parent
                .map_or("symbol", |p| program.roles[p].name.as_str());
            out.push_str(&format!(
                "| `{}` | `{parent}` | {} |\n",
                r.name,
                md_cell(&r.doc)
            ));
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn md_text(s: &str) -> String {
    s.replace('<', "&lt;").replace('>', "&gt;")
}

fn md_cell(s: &str) -> String {
    md_text(s).replace('|', "\\|")
}

/// `text` wrapped at 100 columns, each line indented.
fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.len() + 1 + word.len() > 100 {
            out.push_str(&line);
            out.push('\n');
            line = String::from(indent);
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.len() > indent.len() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}
