//! Columnar tables: one typed vector per column, so a symbol cell costs 4 bytes, a date 4 and a
//! number 16, with no per-row allocation. Every relation and every witness relation is a `Table`.

pub use lexproof_lang::ast::Type;

use crate::value::{Date, Sym, Value};
use std::cmp::Ordering;

#[derive(Debug, Clone)]
pub enum Column {
    Sym(Vec<Sym>),
    Num(Vec<i128>),
    Date(Vec<Date>),
}

impl Column {
    fn new(t: Type, cap: usize) -> Column {
        match t {
            Type::Symbol => Column::Sym(Vec::with_capacity(cap)),
            Type::Number => Column::Num(Vec::with_capacity(cap)),
            Type::Date => Column::Date(Vec::with_capacity(cap)),
        }
    }
    fn get(&self, row: usize) -> Value {
        match self {
            Column::Sym(v) => Value::Sym(v[row]),
            Column::Num(v) => Value::Num(v[row]),
            Column::Date(v) => Value::Date(v[row]),
        }
    }
    fn cmp_rows(&self, a: usize, b: usize) -> Ordering {
        match self {
            Column::Sym(v) => v[a].cmp(&v[b]),
            Column::Num(v) => v[a].cmp(&v[b]),
            Column::Date(v) => v[a].cmp(&v[b]),
        }
    }
    fn cmp_value(&self, row: usize, val: &Value) -> Ordering {
        match (self, val) {
            (Column::Sym(v), Value::Sym(x)) => v[row].cmp(x),
            (Column::Num(v), Value::Num(x)) => v[row].cmp(x),
            (Column::Date(v), Value::Date(x)) => v[row].cmp(x),
            _ => self.get(row).raw_cmp(val),
        }
    }
    fn permute(&mut self, perm: &[u32]) {
        fn gather<T: Copy>(v: &mut Vec<T>, perm: &[u32]) {
            *v = perm.iter().map(|&i| v[i as usize]).collect();
        }
        match self {
            Column::Sym(v) => gather(v, perm),
            Column::Num(v) => gather(v, perm),
            Column::Date(v) => gather(v, perm),
        }
    }
    fn ty(&self) -> Type {
        match self {
            Column::Sym(_) => Type::Symbol,
            Column::Num(_) => Type::Number,
            Column::Date(_) => Type::Date,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Table {
    cols: Vec<Column>,
    len: usize,
}

impl Table {
    pub fn new(types: &[Type]) -> Table {
        Table::with_capacity(types.to_vec(), 0)
    }
    pub fn with_capacity(types: Vec<Type>, cap: usize) -> Table {
        Table {
            cols: types.into_iter().map(|t| Column::new(t, cap)).collect(),
            len: 0,
        }
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn arity(&self) -> usize {
        self.cols.len()
    }
    pub fn types(&self) -> Vec<Type> {
        self.cols.iter().map(|c| c.ty()).collect()
    }
    pub fn get(&self, row: usize, col: usize) -> Value {
        self.cols[col].get(row)
    }
    pub fn row(&self, row: usize) -> Vec<Value> {
        self.cols.iter().map(|c| c.get(row)).collect()
    }

    // Typed access for generated code. A wrong type here is a generator bug, hence the panics.
    pub fn syms(&self, col: usize) -> &[Sym] {
        match &self.cols[col] {
            Column::Sym(v) => v,
            _ => panic!("column {col} is not a symbol column"),
        }
    }
    pub fn nums(&self, col: usize) -> &[i128] {
        match &self.cols[col] {
            Column::Num(v) => v,
            _ => panic!("column {col} is not a number column"),
        }
    }
    pub fn dates(&self, col: usize) -> &[Date] {
        match &self.cols[col] {
            Column::Date(v) => v,
            _ => panic!("column {col} is not a date column"),
        }
    }
    pub fn push_sym(&mut self, col: usize, v: Sym) {
        match &mut self.cols[col] {
            Column::Sym(c) => c.push(v),
            _ => panic!("column {col} is not a symbol column"),
        }
    }
    pub fn push_num(&mut self, col: usize, v: i128) {
        match &mut self.cols[col] {
            Column::Num(c) => c.push(v),
            _ => panic!("column {col} is not a number column"),
        }
    }
    pub fn push_date(&mut self, col: usize, v: Date) {
        match &mut self.cols[col] {
            Column::Date(c) => c.push(v),
            _ => panic!("column {col} is not a date column"),
        }
    }
    /// Rewrites every symbol cell (e.g. from one interner's ids to another's).
    pub fn map_syms(&mut self, mut f: impl FnMut(Sym) -> Sym) {
        for c in &mut self.cols {
            if let Column::Sym(v) = c {
                v.iter_mut().for_each(|s| *s = f(*s));
            }
        }
    }
    pub fn end_row(&mut self) {
        self.len += 1;
    }
    /// Appends a row whose values have the table's column types (checked by the caller).
    pub fn push_row(&mut self, row: &[Value]) {
        for (k, v) in row.iter().enumerate() {
            match *v {
                Value::Sym(s) => self.push_sym(k, s),
                Value::Num(n) => self.push_num(k, n),
                Value::Date(d) => self.push_date(k, d),
            }
        }
        self.end_row();
    }

    /// Appends all rows of a table with the same column types.
    pub fn append(&mut self, other: &Table) {
        for (c, o) in self.cols.iter_mut().zip(&other.cols) {
            match (c, o) {
                (Column::Sym(a), Column::Sym(b)) => a.extend_from_slice(b),
                (Column::Num(a), Column::Num(b)) => a.extend_from_slice(b),
                (Column::Date(a), Column::Date(b)) => a.extend_from_slice(b),
                _ => panic!("append: column types differ"),
            }
        }
        self.len += other.len;
    }

    pub fn cmp_rows(&self, a: usize, b: usize) -> Ordering {
        for c in &self.cols {
            match c.cmp_rows(a, b) {
                Ordering::Equal => continue,
                o => return o,
            }
        }
        Ordering::Equal
    }

    /// Compares the first `key.len()` columns of `row` with `key`.
    pub fn cmp_prefix(&self, row: usize, key: &[Value]) -> Ordering {
        for (c, v) in self.cols.iter().zip(key) {
            match c.cmp_value(row, v) {
                Ordering::Equal => continue,
                o => return o,
            }
        }
        Ordering::Equal
    }

    pub fn permute(&mut self, perm: &[u32]) {
        for c in &mut self.cols {
            c.permute(perm);
        }
        self.len = perm.len();
    }

    /// Sorts rows into storage order and drops duplicates, returning the kept rows' original
    /// positions (so per-row side data such as origins can follow). Among duplicates the first
    /// original row is kept.
    pub fn sort_dedup(&mut self) -> Vec<u32> {
        let perm = match self.packed_keys() {
            Some(mut keys) => {
                // Rows of up to three 32-bit columns pack into one integer with the row position in the
                // low bits: one integer sort, no per-comparison column dispatch.
                keys.sort_unstable();
                keys.dedup_by(|b, a| (*a >> 32) == (*b >> 32));
                keys.into_iter().map(|k| k as u32).collect()
            }
            None => {
                let mut perm: Vec<u32> = (0..self.len as u32).collect();
                perm.sort_unstable_by(|&a, &b| {
                    self.cmp_rows(a as usize, b as usize).then(a.cmp(&b))
                });
                perm.dedup_by(|b, a| self.cmp_rows(*a as usize, *b as usize) == Ordering::Equal);
                perm
            }
        };
        self.permute(&perm);
        perm
    }

    /// Order-preserving keys `col0 | col1 | col2 | row` for tables of at most three symbol or date
    /// columns, or `None`.
    fn packed_keys(&self) -> Option<Vec<u128>> {
        if self.cols.len() > 3
            || self.cols.iter().any(|c| matches!(c, Column::Num(_)))
            || self.len > u32::MAX as usize
        {
            return None;
        }
        let mut keys = vec![0u128; self.len];
        for c in &self.cols {
            match c {
                Column::Sym(v) => keys
                    .iter_mut()
                    .zip(v)
                    .for_each(|(k, s)| *k = (*k << 32) | s.0 as u128),
                // Flipping the sign bit maps i32 order onto u32 order.
                Column::Date(v) => keys
                    .iter_mut()
                    .zip(v)
                    .for_each(|(k, d)| *k = (*k << 32) | (d.0 as u32 ^ 0x8000_0000) as u128),
                Column::Num(_) => unreachable!(),
            }
        }
        for (i, k) in keys.iter_mut().enumerate() {
            *k = (*k << 32) | i as u128;
        }
        Some(keys)
    }

    /// Rows whose first columns equal `key`, in a table sorted by `sort_dedup`.
    pub fn range(&self, key: &[Value]) -> std::ops::Range<usize> {
        let lo = partition_point(self.len, |r| self.cmp_prefix(r, key) == Ordering::Less);
        let hi = partition_point(self.len, |r| self.cmp_prefix(r, key) != Ordering::Greater);
        lo..hi.max(lo)
    }

    pub fn contains(&self, row: &[Value]) -> Option<usize> {
        let r = self.range(row);
        (!r.is_empty()).then_some(r.start)
    }
}

/// The first index in `0..n` for which `pred` is false, `pred` being true then false.
pub fn partition_point(n: usize, mut pred: impl FnMut(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}
