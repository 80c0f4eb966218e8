//! Value representation, decided once for every engine: symbols are `u32` ids into one interner,
//! numbers are exact `i128`, dates are `i32` days since 1970-01-01.

use lexproof_lang::number::format_date;
use rustc_hash::FxHashMap;
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
#[derive(Default)]
pub struct Interner {
    map: FxHashMap<Box<str>, u32>,
    strs: Vec<Box<str>>,
}

impl Interner {
    pub fn with_symbols(symbols: &[&str]) -> Interner {
        let mut i = Interner::default();
        for s in symbols {
            i.intern(s);
        }
        i
    }
    pub fn intern(&mut self, s: &str) -> Sym {
        if let Some(&id) = self.map.get(s) {
            return Sym(id);
        }
        let id = self.strs.len() as u32;
        self.strs.push(s.into());
        self.map.insert(s.into(), id);
        Sym(id)
    }
    pub fn get(&self, s: &str) -> Option<Sym> {
        self.map.get(s).map(|&id| Sym(id))
    }
    pub fn resolve(&self, s: Sym) -> &str {
        &self.strs[s.0 as usize]
    }
    pub fn len(&self) -> usize {
        self.strs.len()
    }
    pub fn is_empty(&self) -> bool {
        self.strs.is_empty()
    }

    /// Each symbol's position in text order, so display order can compare integers, not strings.
    pub fn display_ranks(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = (0..self.strs.len() as u32).collect();
        ids.sort_unstable_by(|&a, &b| self.strs[a as usize].cmp(&self.strs[b as usize]));
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
