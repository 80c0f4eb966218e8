//! Output formats for derive and query (explain's are in `explain`). Everything written here is sorted in the order users
//! see (symbols by text), so the same rules and facts always give byte-identical output.

use crate::data::store::Table;
use crate::data::value::{Date, Interner, Sym, Value};
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
    let cells = CellText::new(db);
    for_each_in_display_order(db, rels, |rel, order| {
        write_ordered(&cells, rel, order, fmt, block_rows, cores, out)
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
    cells: &CellText,
    rel: usize,
    order: &[u32],
    fmt: RowFormat,
    block_rows: usize,
    cores: usize,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let db = cells.db;
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
            render_rows(cells, rel, rows, fmt, &mut text);
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
fn render_rows(cells: &CellText, rel: usize, rows: &[u32], fmt: RowFormat, out: &mut String) {
    let db = cells.db;
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
                    cells.push_literal(out, t.get(r as usize, c));
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
                    cells.push_plain(out, t.get(r as usize, c));
                }
                out.push('\n');
            }
        }
    }
}

/// What writing many cells of one database needs, worked out once: which symbols are written
/// as they are in every format (no escape, no quote: almost all of them), so a cell does not
/// look through its text again, and the text of every day in the years facts usually hold, so a
/// date cell is a copy, not a calendar computation.
pub struct CellText<'a> {
    db: &'a Database,
    /// A bit per symbol id: set when its text needs neither escapes nor quotes.
    as_is: Vec<u64>,
    /// `YYYY-MM-DD` of each day from `FIRST_DAY` on, ten bytes each.
    days: String,
}

/// `YYYY-MM-DD` of every day `CellText` keeps, one after the other.
fn day_texts() -> String {
    let mut days = String::with_capacity(DAYS * DAY_LEN);
    for d in 0..DAYS as i32 {
        lexproof_lang::number::push_date(&mut days, FIRST_DAY + d);
    }
    days
}

/// The days `CellText` keeps the text of: 1 January 1900 (day -25567) to 31 December 2199, the
/// span dates in facts may take (`error[date_out_of_range]` outside 1900-2999) up to where
/// computed dates such as ten-year retention ends reach.
const FIRST_DAY: i32 = -25567;
const DAYS: usize = 109_573;
const DAY_LEN: usize = 10;

impl<'a> CellText<'a> {
    pub fn new(db: &'a Database) -> CellText<'a> {
        let interner = &db.interner;
        let n = interner.len();
        // Words of 64 symbols each, worked out in blocks on every core.
        const WORDS_PER_JOB: usize = 4096;
        let jobs: Vec<usize> = (0..n.div_ceil(64 * WORDS_PER_JOB)).collect();
        let parts = crate::data::parallel::map(jobs, |j| {
            let lo = j * 64 * WORDS_PER_JOB;
            let hi = (lo + 64 * WORDS_PER_JOB).min(n);
            let mut words = vec![0u64; (hi - lo).div_ceil(64)];
            for id in lo..hi {
                let text = interner.resolve(Sym(id as u32));
                if !needs_escape(text) && !text.contains('"') {
                    words[(id - lo) / 64] |= 1 << ((id - lo) % 64);
                }
            }
            words
        });
        CellText {
            db,
            as_is: parts.concat(),
            days: day_texts(),
        }
    }

    /// The text of symbol `s` if it is written as it is.
    #[inline]
    fn as_is(&self, s: Sym) -> Option<&'a str> {
        crate::data::has_bit(&self.as_is, s.0 as usize).then(|| self.db.interner.resolve(s))
    }

    #[inline]
    fn push_date(&self, out: &mut String, d: Date) {
        match usize::try_from(d.0 - FIRST_DAY).ok().filter(|&i| i < DAYS) {
            Some(i) => out.push_str(&self.days[i * DAY_LEN..(i + 1) * DAY_LEN]),
            None => lexproof_lang::number::push_date(out, d.0),
        }
    }

    /// `push_plain`, through what is worked out.
    #[inline]
    fn push_plain(&self, out: &mut String, v: Value) {
        match v {
            Value::Sym(s) => match self.as_is(s) {
                Some(text) => out.push_str(text),
                None => push_plain(self.db, out, v),
            },
            Value::Date(d) => self.push_date(out, d),
            Value::Num(_) => push_plain(self.db, out, v),
        }
    }

    /// `push_literal`, through what is worked out.
    #[inline]
    fn push_literal(&self, out: &mut String, v: Value) {
        match v {
            Value::Sym(s) => match self.as_is(s) {
                Some(text) => {
                    out.push('"');
                    out.push_str(text);
                    out.push('"');
                }
                None => push_literal(self.db, out, v),
            },
            Value::Date(d) => {
                out.push('"');
                self.push_date(out, d);
                out.push('"');
            }
            Value::Num(_) => push_literal(self.db, out, v),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kept_day_has_its_own_ten_characters() {
        let days = day_texts();
        assert_eq!(days.len(), DAYS * DAY_LEN);
        assert_eq!(&days[..DAY_LEN], "1900-01-01");
        assert_eq!(&days[(DAYS - 1) * DAY_LEN..], "2199-12-31");
        for (i, text) in days.as_bytes().chunks(DAY_LEN).enumerate() {
            let mut one = String::new();
            lexproof_lang::number::push_date(&mut one, FIRST_DAY + i as i32);
            assert_eq!(text, one.as_bytes());
        }
    }
}
