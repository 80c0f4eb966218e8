//! Value representation, decided once for every engine: symbols are `u32` ids into one interner,
//! numbers are exact `i128`, dates are `i32` days since 1970-01-01.

use lexproof_lang::number::format_date;
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sym(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(pub i32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Value {
    Sym(Sym),
    Num(i128),
    Date(Date),
}

impl Value {
    /// Storage order: fast, consistent within one run, used for sorting tables and binary search.
    /// Symbols compare by id, so this is not the order shown to users.
    pub fn raw_cmp(&self, other: &Value) -> Ordering {
        match (self, other) {
            (Value::Sym(a), Value::Sym(b)) => a.cmp(b),
            (Value::Num(a), Value::Num(b)) => a.cmp(b),
            (Value::Date(a), Value::Date(b)) => a.cmp(b),
            _ => self.kind().cmp(&other.kind()),
        }
    }
    fn kind(&self) -> u8 {
        match self {
            Value::Sym(_) => 0,
            Value::Num(_) => 1,
            Value::Date(_) => 2,
        }
    }
}

/// Interns symbol text. The compiled rulebase's constants are interned first, so `Sym(n)` in the
/// generated program means the n-th of its constants.
///
/// All text lives in one buffer (`text`, symbol `i` at `starts[i]..starts[i + 1]`): no allocation
/// per symbol. Each hash-table entry carries its symbol's hash, length and place in `text`, so a
/// lookup touches the table and, on a hash match, the text once; growing the table never rehashes
/// text. Loading a million distinct symbols means ten million lookups in a table far larger than
/// the core's cache, so every memory access a lookup saves is most of its cost.
pub struct Interner {
    table: hashbrown::HashTable<Entry>,
    text: String,
    starts: Vec<usize>,
}

/// One symbol in the hash table: 16 bytes.
#[derive(Clone, Copy)]
struct Entry {
    id: u32,
    hash: u32,
    /// Offset into `text` (low 40 bits) and length (high 24 bits; `LONG` means "see `starts`").
    place: u64,
}

const LONG: u64 = (1 << 24) - 1;

impl Entry {
    fn new(id: u32, hash: u32, start: usize, len: usize) -> Entry {
        // Past a terabyte of text the offset does not fit; such entries compare through `starts`.
        let len = if start as u64 >= 1 << 40 {
            LONG
        } else {
            (len as u64).min(LONG)
        };
        Entry {
            id,
            hash,
            place: (start as u64 & ((1 << 40) - 1)) | (len << 40),
        }
    }
}

impl Default for Interner {
    fn default() -> Interner {
        Interner {
            table: hashbrown::HashTable::new(),
            text: String::new(),
            starts: vec![0],
        }
    }
}

/// A 32-bit hash of symbol text (what the entries keep) ...
fn hash_str(s: &str) -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    h.write(s.as_bytes());
    let h = h.finish();
    (h ^ (h >> 32)) as u32
}

/// ... spread over 64 bits for the table, whose buckets use the low bits and tags the high ones.
fn spread(h: u32) -> u64 {
    (h as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

impl Interner {
    pub fn with_symbols(symbols: &[&str]) -> Interner {
        let mut i = Interner::default();
        for s in symbols {
            i.intern(s);
        }
        i
    }
    fn text_of(&self, id: u32) -> &str {
        let id = id as usize;
        &self.text[self.starts[id]..self.starts[id + 1]]
    }
    /// Whether `e` holds `s`, whose hash is `hash`.
    fn holds(&self, e: &Entry, hash: u32, s: &str) -> bool {
        if e.hash != hash {
            return false;
        }
        let len = e.place >> 40;
        if len == LONG {
            return self.text_of(e.id) == s;
        }
        let start = (e.place & ((1 << 40) - 1)) as usize;
        len as usize == s.len() && self.text.as_bytes()[start..start + s.len()] == *s.as_bytes()
    }
    pub fn intern(&mut self, s: &str) -> Sym {
        let hash = hash_str(s);
        if let Some(e) = self.table.find(spread(hash), |e| self.holds(e, hash, s)) {
            return Sym(e.id);
        }
        let id = self.len() as u32;
        let start = self.text.len();
        self.text.push_str(s);
        self.starts.push(self.text.len());
        self.table
            .insert_unique(spread(hash), Entry::new(id, hash, start, s.len()), |e| {
                spread(e.hash)
            });
        Sym(id)
    }
    pub fn get(&self, s: &str) -> Option<Sym> {
        let hash = hash_str(s);
        self.table
            .find(spread(hash), |e| self.holds(e, hash, s))
            .map(|e| Sym(e.id))
    }
    pub fn resolve(&self, s: Sym) -> &str {
        self.text_of(s.0)
    }
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Each symbol's position in text order, so display order can compare integers, not strings.
    pub fn display_ranks(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = (0..self.len() as u32).collect();
        ids.sort_unstable_by(|&a, &b| self.text_of(a).cmp(self.text_of(b)));
        let mut rank = vec![0u32; ids.len()];
        for (r, id) in ids.into_iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        rank
    }

    /// The order users see: symbols by text, numbers and dates by value.
    pub fn display_cmp(&self, a: &Value, b: &Value) -> Ordering {
        match (a, b) {
            (Value::Sym(x), Value::Sym(y)) => self.resolve(*x).cmp(self.resolve(*y)),
            _ => a.raw_cmp(b),
        }
    }

    pub fn display_cmp_rows(&self, a: &[Value], b: &[Value]) -> Ordering {
        for (x, y) in a.iter().zip(b) {
            match self.display_cmp(x, y) {
                Ordering::Equal => continue,
                o => return o,
            }
        }
        a.len().cmp(&b.len())
    }

    /// A value as written in rules and `.dl` facts: symbols and dates quoted.
    pub fn literal(&self, v: &Value) -> String {
        match v {
            Value::Sym(s) => quote(self.resolve(*s)),
            Value::Num(n) => n.to_string(),
            Value::Date(d) => format!("\"{}\"", format_date(d.0)),
        }
    }

    /// A value as written in TSV: unquoted, with tab, newline and backslash escaped.
    pub fn plain(&self, v: &Value) -> String {
        match v {
            Value::Sym(s) => escape_tsv(self.resolve(*s)),
            Value::Num(n) => n.to_string(),
            Value::Date(d) => format_date(d.0),
        }
    }

    pub fn atom(&self, rel: &str, values: &[Value]) -> String {
        let args: Vec<String> = values.iter().map(|v| self.literal(v)).collect();
        format!("{rel}({})", args.join(", "))
    }
}

pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn escape_tsv(s: &str) -> String {
    if !s.contains(['\t', '\n', '\r', '\\']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}
