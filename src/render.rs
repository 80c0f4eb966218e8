//! Output formats for derive and query (explain's are in `explain`). Everything written here is sorted in the order users
//! see (symbols by text), so the same rules and facts always give byte-identical output.

use crate::db::Database;
use crate::store::Table;
use crate::value::{Interner, Value};
use lexproof_lang::number::format_date;
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use std::fmt::Write;

pub const SCHEMA_VERSION: u32 = 1;

/// A value in JSON: symbols and dates as strings, numbers as exact JSON integers.
pub struct JsonValue<'a>(pub &'a Interner, pub Value);

impl Serialize for JsonValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.1 {
            Value::Sym(x) => s.serialize_str(self.0.resolve(x)),
            Value::Num(n) => s.serialize_i128(n),
            Value::Date(d) => s.serialize_str(&format_date(d.0)),
        }
    }
}

pub struct JsonRow<'a>(pub &'a Interner, pub &'a [Value]);

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for v in self.1 {
            seq.serialize_element(&JsonValue(self.0, *v))?;
        }
        seq.end()
    }
}

/// Rows of a table in display order.
pub fn sorted_rows(db: &Database, t: &Table) -> Vec<Vec<Value>> {
    db.display_order(t)
        .into_iter()
        .map(|r| t.row(r as usize))
        .collect()
}

#[derive(Serialize)]
pub struct FieldJson {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: lexproof_lang::ast::Type,
}

pub fn fields_json(db: &Database, rel: usize) -> Vec<FieldJson> {
    db.rules.checked.relations[rel]
        .fields
        .iter()
        .map(|(n, t)| FieldJson {
            name: n.clone(),
            ty: *t,
        })
        .collect()
}

#[derive(Serialize)]
pub struct RulesJson {
    pub file: String,
    pub sha256: String,
}

pub fn rules_json(db: &Database) -> RulesJson {
    RulesJson {
        file: db.rules.file.name.clone(),
        sha256: db.rules.sha256.clone(),
    }
}

// ---- derive ----

/// Renders each relation on its own (on every core) and joins them in order.
fn per_relation(rels: &[usize], f: impl Fn(usize) -> String + Sync) -> String {
    let slots: Vec<std::sync::Mutex<String>> = rels
        .iter()
        .map(|_| std::sync::Mutex::new(String::new()))
        .collect();
    crate::parallel::for_each(rels.iter().enumerate().collect(), |(i, &rel)| {
        let text = f(rel);
        if let Ok(mut slot) = slots[i].lock() {
            *slot = text;
        }
    });
    slots
        .into_iter()
        .map(|s| s.into_inner().unwrap_or_default())
        .collect()
}

/// Calls `emit` on successive groups of relations, one relation per core in each group.
pub fn derive_streamed(rels: &[usize], mut emit: impl FnMut(&[usize])) {
    let cores = crate::parallel::threads();
    rels.chunks(cores).for_each(&mut emit);
}

pub fn derive_text(db: &Database, rels: &[usize]) -> String {
    per_relation(rels, |rel| derive_text_one(db, rel))
}

fn derive_text_one(db: &Database, rel: usize) -> String {
    let mut out = String::new();
    {
        let t = db.tuples(rel);
        let name = db.relation_name(rel);
        let what = if db.rules.checked.relations[rel].derived {
            "conclusion"
        } else {
            "fact"
        };
        let _ = writeln!(
            out,
            "// {name}: {} {what}{}",
            t.len(),
            if t.len() == 1 { "" } else { "s" }
        );
        for r in db.display_order(t) {
            out.push_str(name);
            out.push('(');
            for c in 0..t.arity() {
                if c > 0 {
                    out.push_str(", ");
                }
                push_literal(db, &mut out, t.get(r as usize, c));
            }
            out.push_str(").\n");
        }
        out.push('\n');
    }
    out
}

pub fn tsv(db: &Database, rows: &[Vec<Value>]) -> String {
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r.iter().map(|v| db.interner.plain(v)).collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}

pub fn derive_tsv(db: &Database, rels: &[usize]) -> String {
    per_relation(rels, |rel| derive_tsv_one(db, rel))
}

fn derive_tsv_one(db: &Database, rel: usize) -> String {
    let mut out = String::new();
    {
        let t = db.tuples(rel);
        let name = db.relation_name(rel);
        for r in db.display_order(t) {
            out.push_str(name);
            for c in 0..t.arity() {
                out.push('\t');
                push_plain(db, &mut out, t.get(r as usize, c));
            }
            out.push('\n');
        }
    }
    out
}

/// One TSV cell, without allocating for the common cases.
/// `Interner::literal`, written into `out` without a string per value.
fn push_literal(db: &Database, out: &mut String, v: Value) {
    match v {
        Value::Sym(s) => {
            let text = db.interner.resolve(s);
            if text.contains(['"', '\\', '\n', '\t']) {
                out.push_str(&crate::value::quote(text));
            } else {
                out.push('"');
                out.push_str(text);
                out.push('"');
            }
        }
        Value::Num(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Date(d) => {
            out.push('"');
            out.push_str(&format_date(d.0));
            out.push('"');
        }
    }
}

fn push_plain(db: &Database, out: &mut String, v: Value) {
    match v {
        Value::Sym(s) => {
            let text = db.interner.resolve(s);
            if text.contains(['\t', '\n', '\r', '\\']) {
                out.push_str(&crate::value::escape_tsv(text));
            } else {
                out.push_str(text);
            }
        }
        Value::Num(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Date(_) => out.push_str(&db.interner.plain(&v)),
    }
}

/// A whole table as TSV in display order (for `--output-dir`).
pub fn table_tsv(db: &Database, t: &Table) -> String {
    let mut out = String::new();
    for r in db.display_order(t) {
        for c in 0..t.arity() {
            if c > 0 {
                out.push('\t');
            }
            push_plain(db, &mut out, t.get(r as usize, c));
        }
        out.push('\n');
    }
    out
}

pub fn derive_json(db: &Database, rels: &[usize]) -> String {
    #[derive(Serialize)]
    struct Rel<'a> {
        name: &'a str,
        fields: Vec<FieldJson>,
        tuples: Vec<JsonRow<'a>>,
        /// Parallel to `tuples`: the weakest authority in each conclusion's proof (null for facts).
        weakest_authority: Vec<Option<&'static str>>,
    }
    #[derive(Serialize)]
    struct Doc<'a> {
        schema_version: u32,
        rules: RulesJson,
        relations: Vec<Rel<'a>>,
    }
    let weakest = crate::authority::weakest_per_tuple(db);
    let orders: Vec<Vec<u32>> = rels
        .iter()
        .map(|&r| db.display_order(db.tuples(r)))
        .collect();
    let rows: Vec<Vec<Vec<Value>>> = rels
        .iter()
        .zip(&orders)
        .map(|(&r, o)| o.iter().map(|&i| db.tuples(r).row(i as usize)).collect())
        .collect();
    let doc = Doc {
        schema_version: SCHEMA_VERSION,
        rules: rules_json(db),
        relations: rels
            .iter()
            .zip(rows.iter().zip(&orders))
            .map(|(&rel, (rows, order))| Rel {
                name: db.relation_name(rel),
                fields: fields_json(db, rel),
                tuples: rows.iter().map(|r| JsonRow(&db.interner, r)).collect(),
                weakest_authority: order
                    .iter()
                    .map(|&i| {
                        weakest[rel]
                            .get(i as usize)
                            .copied()
                            .flatten()
                            .map(|a| a.as_str())
                    })
                    .collect(),
            })
            .collect(),
    };
    to_json(&doc)
}

pub fn to_json<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("our JSON documents always serialise");
    s.push('\n');
    s
}
