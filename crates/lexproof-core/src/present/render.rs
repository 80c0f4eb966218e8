//! Output formats for derive and query (explain's are in `explain`). Everything written here is sorted in the order users
//! see (symbols by text), so the same rules and facts always give byte-identical output.

use crate::data::store::Table;
use crate::data::value::{Interner, Sym, Value};
use crate::db::Database;
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

/// How `write_relations` lays out a row.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum RowFormat {
    /// `name("a", 1).`, each relation after a `// name: N conclusions` line and before a blank one.
    Text,
    /// The relation's name, then its cells, tab-separated.
    Tsv,
    /// Only the cells, tab-separated (one relation per file).
    Cells,
}

/// Rows rendered per block. A block's text is a few MiB at most; a relation's can be hundreds.
pub const BLOCK_ROWS: usize = 16 * 1024;

/// Writes the rows of `rels` in display order. Display orders are computed a few relations at a
/// time, one per core; rows are rendered in blocks (`write_ordered`), so memory holds a few blocks
/// of text, never a relation's. Stops at the first write error (e.g. a closed pipe).
/// `block_rows`: `BLOCK_ROWS` but in tests.
pub fn write_relations(
    db: &Database,
    rels: &[usize],
    fmt: RowFormat,
    block_rows: usize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let cores = crate::data::parallel::threads();
    for_each_in_display_order(db, rels, |rel, order| {
        write_ordered(db, rel, order, fmt, block_rows, cores, out)
    })?;
    out.flush()
}

/// Calls `write` with each relation of `rels` and its display order, in turn; the orders are
/// computed a few relations at a time, one per core. Stops at the first error.
pub fn for_each_in_display_order<E>(
    db: &Database,
    rels: &[usize],
    mut write: impl FnMut(usize, &[u32]) -> Result<(), E>,
) -> Result<(), E> {
    let cores = crate::data::parallel::threads();
    for group in rels.chunks(cores) {
        let orders =
            crate::data::parallel::map(group.to_vec(), |rel| db.display_order(db.tuples(rel)));
        for (&rel, order) in group.iter().zip(&orders) {
            write(rel, order)?;
        }
    }
    Ok(())
}

/// Calls `write` with each relation of `rels` and its display order, several relations at once
/// (one per core, the largest first), for outputs that do not depend on each other such as one
/// file per relation: no core waits while another sorts or writes. Returns the error of the first
/// relation in `rels` that failed.
pub fn par_each_in_display_order<E: Send>(
    db: &Database,
    rels: &[usize],
    write: impl Fn(usize, &[u32]) -> Result<(), E> + Sync,
) -> Result<(), E> {
    let mut jobs: Vec<(usize, usize)> = rels.iter().copied().enumerate().collect();
    jobs.sort_by_key(|&(i, rel)| (std::cmp::Reverse(db.tuples(rel).len()), i));
    let results = crate::data::parallel::map(jobs, |(i, rel)| {
        (i, write(rel, &db.display_order(db.tuples(rel))))
    });
    let first_error = results
        .into_iter()
        .filter_map(|(i, r)| r.err().map(|e| (i, e)))
        .min_by_key(|(i, _)| *i);
    match first_error {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}

/// One relation's rows in the given order. Blocks of rows are rendered by `cores` threads, eight
/// per core in a wave (threads are started per wave: fewer waves, fewer starts), and each wave is
/// written before the next is rendered, into the same buffers, so one large relation keeps every
/// core busy and memory holds a few blocks of text.
pub fn write_ordered(
    db: &Database,
    rel: usize,
    order: &[u32],
    fmt: RowFormat,
    block_rows: usize,
    cores: usize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let block_rows = block_rows.max(1);
    let cores = cores.max(1);
    if fmt == RowFormat::Text {
        out.write_all(text_header(db, rel).as_bytes())?;
    }
    let mut spare: Vec<String> = Vec::new();
    for wave in order.chunks(block_rows * cores * 8) {
        let blocks: Vec<(&[u32], String)> = wave
            .chunks(block_rows)
            .map(|rows| (rows, spare.pop().unwrap_or_default()))
            .collect();
        let render = |(rows, mut text): (&[u32], String)| {
            text.clear();
            render_rows(db, rel, rows, fmt, &mut text);
            text
        };
        let texts = if cores == 1 {
            blocks.into_iter().map(render).collect()
        } else {
            crate::data::parallel::map(blocks, render)
        };
        for text in texts {
            out.write_all(text.as_bytes())?;
            spare.push(text);
        }
    }
    if fmt == RowFormat::Text {
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn text_header(db: &Database, rel: usize) -> String {
    let n = db.tuples(rel).len();
    let what = if db.rules.checked.relations[rel].derived {
        "conclusion"
    } else {
        "fact"
    };
    let s = if n == 1 { "" } else { "s" };
    format!("// {}: {n} {what}{s}\n", db.relation_name(rel))
}

/// The given rows of relation `rel`, one line each.
fn render_rows(db: &Database, rel: usize, rows: &[u32], fmt: RowFormat, out: &mut String) {
    let t = db.tuples(rel);
    let name = db.relation_name(rel);
    out.reserve(rows.len() * 48);
    let ahead = Ahead::new(db, t);
    for (i, &r) in rows.iter().enumerate() {
        ahead.ask(rows, i);
        match fmt {
            RowFormat::Text => {
                out.push_str(name);
                out.push('(');
                for c in 0..t.arity() {
                    if c > 0 {
                        out.push_str(", ");
                    }
                    push_literal(db, out, t.get(r as usize, c));
                }
                out.push_str(").\n");
            }
            RowFormat::Tsv | RowFormat::Cells => {
                if fmt == RowFormat::Tsv {
                    out.push_str(name);
                }
                for c in 0..t.arity() {
                    if c > 0 || fmt == RowFormat::Tsv {
                        out.push('\t');
                    }
                    push_plain(db, out, t.get(r as usize, c));
                }
                out.push('\n');
            }
        }
    }
}

/// Rows in display order are scattered through their table, and each symbol's text through the
/// interner's: three dependent loads a cell (the cell, where its text is, the text), each likely
/// a cache miss on a large table. Asked for in three steps ahead of the row being written, they
/// arrive while the rows before it are formatted.
struct Ahead<'a> {
    db: &'a Database,
    t: &'a Table,
    syms: Vec<&'a [Sym]>,
}

/// Rows ahead at which a row's cells, then its symbols' places, then their texts are asked for.
const CELLS_AHEAD: usize = 24;
const PLACES_AHEAD: usize = 16;
const TEXTS_AHEAD: usize = 8;

impl<'a> Ahead<'a> {
    fn new(db: &'a Database, t: &'a Table) -> Ahead<'a> {
        let syms = (0..t.arity()).filter_map(|c| t.try_syms(c)).collect();
        Ahead { db, t, syms }
    }

    #[inline]
    fn ask(&self, rows: &[u32], i: usize) {
        if let Some(&r) = rows.get(i + CELLS_AHEAD) {
            (0..self.t.arity()).for_each(|c| self.t.prefetch_cell(r as usize, c));
        }
        let interner = &self.db.interner;
        if let Some(&r) = rows.get(i + PLACES_AHEAD) {
            for col in &self.syms {
                interner.prefetch_place(col[r as usize]);
            }
        }
        if let Some(&r) = rows.get(i + TEXTS_AHEAD) {
            for col in &self.syms {
                interner.prefetch_text(col[r as usize]);
            }
        }
    }
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

/// One TSV cell, without allocating for the common cases.
/// `Interner::literal`, written into `out` without a string per value.
fn push_literal(db: &Database, out: &mut String, v: Value) {
    match v {
        Value::Sym(s) => {
            let text = db.interner.resolve(s);
            if needs_escape(text) || text.contains('"') {
                out.push_str(&crate::data::value::quote(text));
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
            lexproof_lang::number::push_date(out, d.0);
            out.push('"');
        }
    }
}

fn push_plain(db: &Database, out: &mut String, v: Value) {
    match v {
        Value::Sym(s) => {
            let text = db.interner.resolve(s);
            if needs_escape(text) {
                out.push_str(&crate::data::value::escape_tsv(text));
            } else {
                out.push_str(text);
            }
        }
        Value::Num(n) => {
            let _ = write!(out, "{n}");
        }
        Value::Date(d) => lexproof_lang::number::push_date(out, d.0),
    }
}

/// Whether a symbol holds a backslash or a character that would act on a terminal (C0 and C1
/// controls, DEL, bidirectional overrides): those are written as escapes.
fn needs_escape(text: &str) -> bool {
    text.bytes()
        .any(|b| b < 0x20 || b == 0x7f || b == b'\\' || b == 0xc2 || b == 0xd8 || b == 0xe2)
        && text
            .chars()
            .any(|c| c == '\\' || lexproof_lang::diag::acts_on_terminal(c))
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
    let weakest = crate::reason::authority::weakest_per_tuple(db);
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
