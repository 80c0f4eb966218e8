//! Columnar tables: one typed vector per column, so a symbol cell costs 4 bytes, a date 4 and a
//! number 16, with no per-row allocation. Every relation and every witness relation is a `Table`.

pub use lexproof_lang::ast::Type;

use crate::data::value::{Date, Sym, Value};
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
    #[inline]
    fn push(&mut self, v: Value) {
        match (self, v) {
            (Column::Sym(c), Value::Sym(s)) => c.push(s),
            (Column::Num(c), Value::Num(n)) => c.push(n),
            (Column::Date(c), Value::Date(d)) => c.push(d),
            (c, v) => panic!("a {:?} cell in a {:?} column", v, c.ty()),
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
        *self = self.gathered(perm);
    }
    /// The column's values at positions `perm`, in that order.
    fn gathered(&self, perm: &[u32]) -> Column {
        fn gather<T: Copy>(v: &[T], perm: &[u32]) -> Vec<T> {
            perm.iter().map(|&i| v[i as usize]).collect()
        }
        match self {
            Column::Sym(v) => Column::Sym(gather(v, perm)),
            Column::Num(v) => Column::Num(gather(v, perm)),
            Column::Date(v) => Column::Date(gather(v, perm)),
        }
    }
    fn len(&self) -> usize {
        match self {
            Column::Sym(v) => v.len(),
            Column::Num(v) => v.len(),
            Column::Date(v) => v.len(),
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

#[derive(Debug, Clone, Default)]
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
    /// Bytes the columns have allocated (for `LEXPROOF_STAGE_TIMES` memory figures).
    pub fn allocated_bytes(&self) -> usize {
        self.cols
            .iter()
            .map(|c| match c {
                Column::Sym(v) => v.capacity() * std::mem::size_of::<Sym>(),
                Column::Num(v) => v.capacity() * std::mem::size_of::<i128>(),
                Column::Date(v) => v.capacity() * std::mem::size_of::<Date>(),
            })
            .sum()
    }
    pub fn get(&self, row: usize, col: usize) -> Value {
        self.cols[col].get(row)
    }
    pub fn row(&self, row: usize) -> Vec<Value> {
        self.cols.iter().map(|c| c.get(row)).collect()
    }

    // Typed access for generated code. A wrong type here is a generator bug, hence the panics.
    pub fn syms(&self, col: usize) -> &[Sym] {
        self.try_syms(col)
            .unwrap_or_else(|| panic!("column {col} is not a symbol column"))
    }
    /// The column's cells if it holds symbols.
    pub fn try_syms(&self, col: usize) -> Option<&[Sym]> {
        match self.cols.get(col) {
            Some(Column::Sym(v)) => Some(v),
            _ => None,
        }
    }
    /// Asks for the cache line of one cell (see `crate::data::prefetch`).
    #[inline]
    pub fn prefetch_cell(&self, row: usize, col: usize) {
        use crate::data::prefetch;
        match &self.cols[col] {
            Column::Sym(v) => v.get(row).map(prefetch),
            Column::Num(v) => v.get(row).map(prefetch),
            Column::Date(v) => v.get(row).map(prefetch),
        };
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
    /// The symbol columns' cells, column by column.
    pub fn sym_columns(&self) -> impl Iterator<Item = &[Sym]> {
        self.cols.iter().filter_map(|c| match c {
            Column::Sym(v) => Some(&v[..]),
            _ => None,
        })
    }
    pub fn map_syms(&mut self, mut f: impl FnMut(Sym) -> Sym) {
        for c in &mut self.cols {
            if let Column::Sym(v) = c {
                v.iter_mut().for_each(|s| *s = f(*s));
            }
        }
    }
    /// Appends cells to symbol column `col`. Generated code fills every column with the same
    /// number of cells this way, then counts them as rows with `grew`.
    pub fn extend_syms(&mut self, col: usize, cells: impl IntoIterator<Item = Sym>) {
        match &mut self.cols[col] {
            Column::Sym(c) => c.extend(cells),
            _ => panic!("column {col} is not a symbol column"),
        }
    }
    pub fn extend_nums(&mut self, col: usize, cells: impl IntoIterator<Item = i128>) {
        match &mut self.cols[col] {
            Column::Num(c) => c.extend(cells),
            _ => panic!("column {col} is not a number column"),
        }
    }
    pub fn extend_dates(&mut self, col: usize, cells: impl IntoIterator<Item = Date>) {
        match &mut self.cols[col] {
            Column::Date(c) => c.extend(cells),
            _ => panic!("column {col} is not a date column"),
        }
    }
    /// Appends to column `col` the cells of `src`'s column `src_col` in `rows` (a range is copied
    /// as one slice).
    pub fn extend_picked(&mut self, col: usize, src: &Table, src_col: usize, rows: &Picked) {
        fn pick<T: Copy>(to: &mut Vec<T>, from: &[T], rows: &Picked) {
            match rows {
                Picked::Range(r) => to.extend_from_slice(&from[r.clone()]),
                Picked::Ids(ids) => to.extend(ids.iter().map(|&i| from[i as usize])),
            }
        }
        match (&mut self.cols[col], &src.cols[src_col]) {
            (Column::Sym(a), Column::Sym(b)) => pick(a, b, rows),
            (Column::Num(a), Column::Num(b)) => pick(a, b, rows),
            (Column::Date(a), Column::Date(b)) => pick(a, b, rows),
            (a, b) => panic!("a {:?} column picked into a {:?} one", b.ty(), a.ty()),
        }
    }
    /// Appends `n` cells of value `v` to column `col`.
    pub fn extend_repeated(&mut self, col: usize, v: Value, n: usize) {
        match (&mut self.cols[col], v) {
            (Column::Sym(c), Value::Sym(x)) => c.resize(c.len() + n, x),
            (Column::Num(c), Value::Num(x)) => c.resize(c.len() + n, x),
            (Column::Date(c), Value::Date(x)) => c.resize(c.len() + n, x),
            (c, v) => panic!("a {:?} cell in a {:?} column", v, c.ty()),
        }
    }
    /// Appends `vals` to column `col` (of its type).
    pub fn extend_values(&mut self, col: usize, vals: impl Iterator<Item = Value>) {
        let c = &mut self.cols[col];
        vals.for_each(|v| c.push(v));
    }
    /// Counts `rows` more rows, once every column has had their cells appended (`extend_*`).
    pub fn grew(&mut self, rows: usize) {
        self.len += rows;
        let len = self.len;
        assert!(
            self.cols.iter().all(|c| c.len() == len),
            "every column has a cell for each row"
        );
    }
    pub fn end_row(&mut self) {
        self.len += 1;
    }
    /// Appends a row whose values have the table's column types (checked by the caller).
    pub fn push_row(&mut self, row: &[Value]) {
        debug_assert_eq!(row.len(), self.cols.len());
        for (c, v) in self.cols.iter_mut().zip(row) {
            c.push(*v);
        }
        self.end_row();
    }
    /// Appends the row `vals[picks[0]], vals[picks[1]], …` (as `push_row` would, without
    /// gathering it first).
    pub fn push_picked(&mut self, vals: &[Value], picks: &[usize]) {
        debug_assert_eq!(picks.len(), self.cols.len());
        for (c, &i) in self.cols.iter_mut().zip(picks) {
            c.push(vals[i]);
        }
        self.end_row();
    }

    pub fn reserve(&mut self, rows: usize) {
        for c in &mut self.cols {
            match c {
                Column::Sym(v) => v.reserve(rows),
                Column::Num(v) => v.reserve(rows),
                Column::Date(v) => v.reserve(rows),
            }
        }
    }

    /// Keeps the first `rows` rows, and drops the cells of an unfinished row.
    pub fn truncate(&mut self, rows: usize) {
        for c in &mut self.cols {
            match c {
                Column::Sym(v) => v.truncate(rows),
                Column::Num(v) => v.truncate(rows),
                Column::Date(v) => v.truncate(rows),
            }
        }
        self.len = rows;
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

    /// Whether the rows are in storage order (as `sorted` leaves them).
    pub fn is_sorted(&self) -> bool {
        (1..self.len).all(|r| self.cmp_rows(r - 1, r) != Ordering::Greater)
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

    /// This table after a first column of row numbers (a symbol column: it sorts as one), for
    /// sorting rows by a row number and then by their values.
    pub fn with_leading_rows(mut self, rows: Vec<u32>) -> Table {
        assert_eq!(rows.len(), self.len, "one row number per row");
        let rows = Column::Sym(rows.into_iter().map(Sym).collect());
        self.cols.insert(0, rows);
        self
    }

    /// Undoes `with_leading_rows`: the row numbers and the other columns.
    pub fn without_leading_rows(mut self) -> (Vec<u32>, Table) {
        let rows = match self.cols.remove(0) {
            Column::Sym(v) => v.into_iter().map(|s| s.0).collect(),
            _ => panic!("without_leading_rows: the first column holds row numbers"),
        };
        (rows, self)
    }

    /// The table of columns `keep` (in that order), moved out without copying.
    pub fn into_columns(mut self, keep: &[usize]) -> Table {
        let mut taken: Vec<Option<Column>> = std::mem::take(&mut self.cols)
            .into_iter()
            .map(Some)
            .collect();
        Table {
            cols: keep
                .iter()
                .map(|&c| taken[c].take().expect("each column kept once"))
                .collect(),
            len: self.len,
        }
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
        let perm = self.sort_order(true);
        self.permute(&perm);
        perm
    }

    /// A sorted, deduplicated copy, made without changing this table (which other threads may be
    /// reading); costs what `sort_dedup` does, whose reordering copies the columns anyway.
    pub fn sorted(&self) -> Table {
        self.gathered(&self.sort_order(true))
    }

    /// Every row's original position in sorted order (equal rows by position), without moving
    /// a row.
    pub fn order(&self) -> Vec<u32> {
        self.sort_order(false)
    }

    /// `sorted`, and for each row of this table its row in the sorted one (duplicates share one).
    pub fn sorted_with_origin(&self) -> (Table, Vec<u32>) {
        self.sorted_with_origin_on(1)
    }

    /// `sorted_with_origin` on up to `threads` threads (the result is the same).
    pub fn sorted_with_origin_on(&self, threads: usize) -> (Table, Vec<u32>) {
        let (order, repeats) = self.sort_grouped(threads);
        let mut kept: Vec<u32> = Vec::with_capacity(order.len());
        let mut origin = vec![0u32; self.len];
        for (&r, &repeat) in order.iter().zip(&repeats) {
            if !repeat {
                kept.push(r);
            }
            origin[r as usize] = (kept.len() - 1) as u32;
        }
        (self.gathered_on(&kept, threads), origin)
    }

    /// Every row's original position in sorted order, and whether it equals the row before it
    /// (told by the sort keys where there are some, not by comparing rows again).
    fn sort_grouped(&self, threads: usize) -> (Vec<u32>, Vec<bool>) {
        if let Some(sorted) = self.narrow_sorted(&self.cols, threads) {
            return sorted.grouped();
        }
        if let Some(mut keys) = self.packed_keys() {
            sort_keys(&mut keys, threads);
            return grouped_packed(keys);
        }
        let order = self.sort_order(false);
        let repeats = (0..order.len())
            .map(|j| {
                j > 0 && self.cmp_rows(order[j - 1] as usize, order[j] as usize) == Ordering::Equal
            })
            .collect();
        (order, repeats)
    }

    fn gathered(&self, perm: &[u32]) -> Table {
        self.gathered_on(perm, 1)
    }

    /// `gathered`, its columns shared out among up to `threads` threads.
    fn gathered_on(&self, perm: &[u32], threads: usize) -> Table {
        let cols = if threads > 1 && self.cols.len() > 1 && perm.len() >= PARALLEL_FROM {
            let half = self.cols.len() / 2;
            let (first, second) = self.cols.split_at(half);
            std::thread::scope(|s| {
                let other = s.spawn(|| second.iter().map(|c| c.gathered(perm)).collect::<Vec<_>>());
                let mut cols: Vec<Column> = first.iter().map(|c| c.gathered(perm)).collect();
                cols.extend(
                    other
                        .join()
                        .unwrap_or_else(|e| std::panic::resume_unwind(e)),
                );
                cols
            })
        } else {
            self.cols.iter().map(|c| c.gathered(perm)).collect()
        };
        Table {
            cols,
            len: perm.len(),
        }
    }

    /// The original positions of the rows in sorted order (equal rows by position): of every row,
    /// or, with `dedup`, of the first of each set of equal rows (the rows `sort_dedup` keeps).
    fn sort_order(&self, dedup: bool) -> Vec<u32> {
        match self.narrow_sorted(&self.cols, 1) {
            // Half the memory and compare cost of the `u128` keys below.
            Some(sorted) => sorted.into_order(|repeat| !(dedup && repeat)),
            None => self.sort_wider(dedup),
        }
    }

    /// Shifts the 32-bit word of column `c` (a symbol or a date) of each row from `from` on into
    /// that row's key of `keys` with `shift_in`; false, and nothing done, for a number column.
    fn shift_words<K>(
        keys: &mut [K],
        c: &Column,
        from: usize,
        shift_in: impl Fn(&mut K, u32),
    ) -> bool {
        match c {
            Column::Sym(v) => keys
                .iter_mut()
                .zip(&v[from..])
                .for_each(|(k, s)| shift_in(k, s.0)),
            Column::Date(v) => keys
                .iter_mut()
                .zip(&v[from..])
                .for_each(|(k, d)| shift_in(k, date_word(*d))),
            Column::Num(_) => return false,
        }
        true
    }

    /// The rows sorted by some of the table's columns (`cols`, symbols and dates only) through
    /// 64-bit keys, where the columns' values span few enough bits: each column as its distance
    /// from the column's least value, in as many bits as its range needs, then the row position.
    /// Where that is up to `MAX_BUCKET_BITS` bits more than 64, the rows are first counted into
    /// buckets by the values' leading bits, and the keys within a bucket leave those bits out:
    /// a table three times as large needs about four bits more, and would otherwise take keys
    /// twice as wide and a sort that slows down more than the table grows.
    fn narrow_sorted(&self, cols: &[Column], threads: usize) -> Option<NarrowSorted> {
        if self.len == 0 || self.len > u32::MAX as usize {
            return None;
        }
        let width = |range: u32| 32 - range.leading_zeros();
        let row_bits = width((self.len - 1) as u32);
        let mut bits = 0;
        let mut layout = Vec::with_capacity(cols.len());
        fn span(words: impl Iterator<Item = u32>) -> (u32, u32) {
            words.fold((u32::MAX, 0), |(lo, hi), x| (lo.min(x), hi.max(x)))
        }
        for c in cols {
            let (lo, hi) = match c {
                Column::Sym(v) => span(v.iter().map(|s| s.0)),
                Column::Date(v) => span(v.iter().map(|d| date_word(*d))),
                Column::Num(_) => return None,
            };
            let w = width(hi - lo);
            bits += w;
            if bits > 64 {
                return None;
            }
            layout.push((lo, w));
        }
        let bucket_bits = (bits + row_bits).saturating_sub(64);
        if bucket_bits > MAX_BUCKET_BITS {
            return None;
        }
        if bucket_bits == 0 {
            let mut keys: Vec<u64> = crate::data::written_zeros(self.len);
            fill_keys(cols, &layout, 0, &mut keys);
            for (i, k) in keys.iter_mut().enumerate() {
                *k = (*k << row_bits) | i as u64;
            }
            sort_keys(&mut keys, threads);
            return Some(NarrowSorted {
                starts: vec![0, keys.len()],
                keys,
                row_bits,
            });
        }
        // The bits below the bucket's and the row position fill the 64 bits exactly. The
        // columns' values are worked out a block of rows at a time, once to count the buckets
        // and once to place the rows, so that only the placed keys take a row's 8 bytes.
        let low_bits = bits - bucket_bits;
        let low_mask = (1u64 << low_bits) - 1;
        let mut block = vec![0u64; KEY_BLOCK.min(self.len)];
        let mut starts = vec![0usize; (1 << bucket_bits) + 1];
        for from in (0..self.len).step_by(KEY_BLOCK) {
            let block = &mut block[..KEY_BLOCK.min(self.len - from)];
            fill_keys(cols, &layout, from, block);
            for &k in block.iter() {
                starts[(k >> low_bits) as usize + 1] += 1;
            }
        }
        for b in 1..starts.len() {
            starts[b] += starts[b - 1];
        }
        let mut next = starts.clone();
        let mut placed: Vec<u64> = crate::data::written_zeros(self.len);
        for from in (0..self.len).step_by(KEY_BLOCK) {
            let block = &mut block[..KEY_BLOCK.min(self.len - from)];
            fill_keys(cols, &layout, from, block);
            for (i, &k) in (from..).zip(block.iter()) {
                let at = &mut next[(k >> low_bits) as usize];
                placed[*at] = ((k & low_mask) << row_bits) | i as u64;
                *at += 1;
            }
        }
        let sort_buckets = |keys: &mut [u64], starts: &[usize], base: usize| {
            for b in starts.windows(2) {
                keys[b[0] - base..b[1] - base].sort_unstable();
            }
        };
        if threads > 1 && self.len >= PARALLEL_FROM {
            // The buckets before the middle row on one thread, the rest on the other.
            let m = starts.partition_point(|&s| s < self.len / 2);
            let (a, b) = placed.split_at_mut(starts[m]);
            std::thread::scope(|s| {
                s.spawn(|| sort_buckets(a, &starts[..=m], 0));
                sort_buckets(b, &starts[m..], starts[m]);
            });
        } else {
            sort_buckets(&mut placed, &starts, 0);
        }
        Some(NarrowSorted {
            keys: placed,
            row_bits,
            starts,
        })
    }

    /// `sort_dedup`'s permutation for tables `narrow_sorted` does not fit.
    fn sort_wider(&self, dedup: bool) -> Vec<u32> {
        match self.packed_keys() {
            Some(mut keys) => {
                // Rows of up to three 32-bit columns pack into one integer with the row position in the
                // low bits: one integer sort, no per-comparison column dispatch.
                keys.sort_unstable();
                if dedup {
                    keys.dedup_by(|b, a| (*a >> 32) == (*b >> 32));
                }
                keys.into_iter().map(|k| k as u32).collect()
            }
            None if self.leading_words() > 0 => self.sort_by_leading_columns(dedup),
            None => match self.wide_keys() {
                Some(mut keys) => {
                    // Up to seven 32-bit words of columns (a number takes four) and the row
                    // position: a 256-bit key, compared as two integers.
                    keys.sort_unstable();
                    if dedup {
                        keys.dedup_by(|b, a| a.0 == b.0 && (a.1 >> 32) == (b.1 >> 32));
                    }
                    keys.into_iter().map(|k| k.1 as u32).collect()
                }
                None => self.sort_by_comparison(dedup),
            },
        }
    }

    /// How many leading columns are symbols or dates (32-bit words), up to three, when some column
    /// after them is left.
    fn leading_words(&self) -> usize {
        let lead = self
            .cols
            .iter()
            .take(3)
            .take_while(|c| !matches!(c, Column::Num(_)))
            .count();
        if lead < self.cols.len() && self.len <= u32::MAX as usize {
            lead
        } else {
            0
        }
    }

    /// Sorts by an integer key of the leading 32-bit columns, then orders each run of rows equal
    /// in those by the remaining columns. A table like (model, compute) has few such runs, so this
    /// is mostly one sort of 64-bit keys instead of a sort of 256-bit ones.
    fn sort_by_leading_columns(&self, dedup: bool) -> Vec<u32> {
        let lead = &self.cols[..self.leading_words()];
        let (order, same_lead) = match self.narrow_sorted(lead, 1) {
            Some(sorted) => sorted.grouped(),
            None => {
                let mut keys = self.pack(lead);
                keys.sort_unstable();
                grouped_packed(keys)
            }
        };
        self.sort_runs(&order, &same_lead, dedup)
    }

    /// Given the rows in order of their leading columns (`same_lead`: whether a row's equal the
    /// row's before it), orders each run of rows with the same leading columns by the rest,
    /// dropping duplicates if `dedup` (rows only equal within a run).
    fn sort_runs(&self, order: &[u32], same_lead: &[bool], dedup: bool) -> Vec<u32> {
        let mut perm = Vec::with_capacity(order.len());
        let mut start = 0;
        while start < order.len() {
            let end = start + 1 + same_lead[start + 1..].iter().take_while(|&&s| s).count();
            let at = perm.len();
            perm.extend_from_slice(&order[start..end]);
            if end - start > 1 {
                let run = &mut perm[at..];
                run.sort_unstable_by(|&a, &b| {
                    self.cmp_rows(a as usize, b as usize).then(a.cmp(&b))
                });
            }
            if end - start > 1 && dedup {
                let mut kept = at + 1;
                for r in at + 1..perm.len() {
                    if self.cmp_rows(perm[kept - 1] as usize, perm[r] as usize) != Ordering::Equal {
                        perm[kept] = perm[r];
                        kept += 1;
                    }
                }
                perm.truncate(kept);
            }
            start = end;
        }
        perm
    }

    fn sort_by_comparison(&self, dedup: bool) -> Vec<u32> {
        let mut perm: Vec<u32> = (0..self.len as u32).collect();
        perm.sort_unstable_by(|&a, &b| self.cmp_rows(a as usize, b as usize).then(a.cmp(&b)));
        if dedup {
            perm.dedup_by(|b, a| self.cmp_rows(*a as usize, *b as usize) == Ordering::Equal);
        }
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
        Some(self.pack(&self.cols))
    }

    /// `col0 | col1 | col2 | row` for up to three symbol or date columns of this table.
    fn pack(&self, cols: &[Column]) -> Vec<u128> {
        let mut keys: Vec<u128> = crate::data::written_zeros(self.len);
        for c in cols {
            let packed = Table::shift_words(&mut keys, c, 0, |k, x| *k = (*k << 32) | x as u128);
            debug_assert!(packed, "packed keys hold 32-bit columns only");
        }
        for (i, k) in keys.iter_mut().enumerate() {
            *k = (*k << 32) | i as u128;
        }
        keys
    }

    /// Order-preserving 256-bit keys (columns as 32-bit words, a number as four, the row position
    /// last) when the columns take at most seven words, or `None`.
    fn wide_keys(&self) -> Option<Vec<(u128, u128)>> {
        let words: usize = self
            .cols
            .iter()
            .map(|c| if matches!(c, Column::Num(_)) { 4 } else { 1 })
            .sum();
        if words > 7 || self.len > u32::MAX as usize {
            return None;
        }
        fn shift_in(k: &mut (u128, u128), w: u32) {
            k.0 = (k.0 << 32) | (k.1 >> 96);
            k.1 = (k.1 << 32) | w as u128;
        }
        let mut keys = vec![(0u128, 0u128); self.len];
        for c in &self.cols {
            if Table::shift_words(&mut keys, c, 0, shift_in) {
                continue;
            }
            if let Column::Num(v) = c {
                // Flipping the sign bit maps i128 order onto u128 order; most significant word first.
                keys.iter_mut().zip(v).for_each(|(k, n)| {
                    let u = *n as u128 ^ (1 << 127);
                    for shift in [96, 64, 32, 0] {
                        shift_in(k, (u >> shift) as u32);
                    }
                });
            }
        }
        for (i, k) in keys.iter_mut().enumerate() {
            shift_in(k, i as u32);
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

/// A date as an unsigned key word: flipping the sign bit maps i32 order onto u32 order.
fn date_word(d: Date) -> u32 {
    d.0 as u32 ^ 0x8000_0000
}

/// Below this many rows, a second thread costs more to start than it saves.
const PARALLEL_FROM: usize = 1 << 16;

/// At most this many leading bits of a sort's 64-bit keys are taken off as buckets (a count per
/// bucket, so 2^16 counts at most).
const MAX_BUCKET_BITS: u32 = 16;

/// Rows sorted by `Table::narrow_sorted`'s keys: the buckets follow each other in order, each
/// sorted by its keys (the columns' value below the bucket's bits, then the row position in
/// `row_bits` bits).
struct NarrowSorted {
    keys: Vec<u64>,
    row_bits: u32,
    /// Where each bucket starts in `keys`, then `keys.len()`.
    starts: Vec<usize>,
}

impl NarrowSorted {
    /// The rows in sorted order that `keep` keeps, told whether a row's columns equal those of
    /// the row before it; written over the keys' memory.
    fn into_order(self, mut keep: impl FnMut(bool) -> bool) -> Vec<u32> {
        let NarrowSorted {
            keys,
            row_bits,
            starts,
        } = self;
        let mask = (1u64 << row_bits) - 1;
        let mut bucket = 0;
        let mut last = None;
        keys.into_iter()
            .enumerate()
            .filter_map(|(i, k)| {
                // Values compare only within a bucket: each one starts afresh.
                while i >= starts[bucket + 1] {
                    bucket += 1;
                    last = None;
                }
                let value = k >> row_bits;
                let repeat = last == Some(value);
                last = Some(value);
                keep(repeat).then_some((k & mask) as u32)
            })
            .collect()
    }

    /// The rows in sorted order, and for each whether it equals the row before it.
    fn grouped(self) -> (Vec<u32>, Vec<bool>) {
        let mut repeats = Vec::with_capacity(self.keys.len());
        let order = self.into_order(|repeat| {
            repeats.push(repeat);
            true
        });
        (order, repeats)
    }
}

/// Rows per block whose keys `narrow_sorted` works out at once (a block fits the first cache).
const KEY_BLOCK: usize = 2048;

/// The values of columns `cols` (symbols and dates, laid out as `layout`'s least value and bits
/// for each) of the rows from `from` on, one key per row of `keys`.
fn fill_keys(cols: &[Column], layout: &[(u32, u32)], from: usize, keys: &mut [u64]) {
    keys.fill(0);
    for (c, &(lo, w)) in cols.iter().zip(layout) {
        let shifted = Table::shift_words(keys, c, from, |k, x| *k = (*k << w) | (x - lo) as u64);
        debug_assert!(shifted, "narrow keys hold symbols and dates only");
    }
}

/// `NarrowSorted::grouped` for sorted `Table::pack` keys (the row position in the low 32 bits).
fn grouped_packed(keys: Vec<u128>) -> (Vec<u32>, Vec<bool>) {
    let repeats = (0..keys.len())
        .map(|j| j > 0 && keys[j] >> 32 == keys[j - 1] >> 32)
        .collect();
    (keys.into_iter().map(|k| k as u32).collect(), repeats)
}

/// Sorts `keys` on up to two threads: each sorts half, then the halves are merged. Keys are
/// distinct (each ends in its row's position), so the result is the one sort's.
fn sort_keys<K: Ord + Copy + Send>(keys: &mut Vec<K>, threads: usize) {
    if threads < 2 || keys.len() < PARALLEL_FROM {
        keys.sort_unstable();
        return;
    }
    let mid = keys.len() / 2;
    let (a, b) = keys.split_at_mut(mid);
    std::thread::scope(|s| {
        s.spawn(|| a.sort_unstable());
        b.sort_unstable();
    });
    let (a, b) = keys.split_at(mid);
    *keys = merge_by(a, b, |x, y| x <= y);
}

/// Some rows of a table: a range of row numbers, or a list of them.
pub enum Picked<'a> {
    Range(std::ops::Range<usize>),
    Ids(&'a [u32]),
}

impl Picked<'_> {
    pub fn len(&self) -> usize {
        match self {
            Picked::Range(r) => r.len(),
            Picked::Ids(ids) => ids.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The sorted sequences `a` and `b` merged in order, `a`'s item first where `le(a's, b's)`.
pub(crate) fn merge_by<T: Copy>(a: &[T], b: &[T], le: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if le(&a[i], &b[j]) {
            merged.push(a[i]);
            i += 1;
        } else {
            merged.push(b[j]);
            j += 1;
        }
    }
    merged.extend_from_slice(&a[i..]);
    merged.extend_from_slice(&b[j..]);
    merged
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value(ty: Type, x: i64) -> Value {
        match ty {
            // Neighbouring ids and ids far apart, so some tables need every key width (64 bits,
            // 128, 256) and a key that drops a bit merges rows.
            Type::Symbol => {
                const IDS: [u32; 7] = [0, 1, 2, 0x3000_0000, 0xC000_0000, 0xC000_0001, 7];
                Value::Sym(Sym(IDS[(x + 3) as usize % 7]))
            }
            // Spread over the whole i128 range, both signs, so every key word matters.
            Type::Number => Value::Num((x as i128) << 100 | (x as i128 & 3)),
            Type::Date => Value::Date(Date((x % 4) as i32 * 1_000_000)),
        }
    }

    proptest! {
        // Every key path (64-bit narrow, 128-bit packed, leading columns, 256-bit wide, comparator,
        // 64-bit narrow in buckets: two columns of 32 bits and the row position; shapes 0, 4,
        // 1–3, 5, 6, 7) sorts like comparing rows and keeps the first position of each duplicate.
        #[test]
        fn sort_dedup_matches_row_comparison(
            shape in 0usize..8,
            rows in proptest::collection::vec(proptest::collection::vec(-3i64..4, 4), 0..40),
        ) {
            use Type::*;
            let types: &[Type] = match shape {
                0 => &[Symbol, Date],
                1 => &[Symbol, Number],
                2 => &[Symbol, Number, Date],
                3 => &[Symbol, Symbol, Symbol, Date],
                4 => &[Symbol, Symbol, Symbol],
                5 => &[Number, Date],
                6 => &[Number, Number],
                _ => &[Symbol, Symbol],
            };
            let mut t = Table::new(types);
            for r in &rows {
                let vals: Vec<Value> = types.iter().zip(r).map(|(&ty, &x)| value(ty, x)).collect();
                t.push_row(&vals);
            }
            let original = t.clone();
            let mut expected: Vec<u32> = (0..t.len() as u32).collect();
            expected.sort_by(|&a, &b| original.cmp_rows(a as usize, b as usize).then(a.cmp(&b)));
            expected.dedup_by(|b, a| original.cmp_rows(*a as usize, *b as usize) == Ordering::Equal);
            let (copy, origin) = original.sorted_with_origin();
            let kept = t.sort_dedup();
            prop_assert_eq!(kept, expected);
            // The copies agree with the table sorted in place, and every row finds itself.
            let rows_of = |x: &Table| (0..x.len()).map(|i| x.row(i)).collect::<Vec<_>>();
            prop_assert_eq!(rows_of(&original.sorted()), rows_of(&t));
            prop_assert_eq!(rows_of(&copy), rows_of(&t));
            for (i, &o) in origin.iter().enumerate() {
                prop_assert_eq!(copy.row(o as usize), original.row(i));
            }
        }
    }

    #[test]
    fn a_sort_on_two_threads_is_the_sort_on_one() {
        // Enough rows for the second thread, with duplicates, in every key width narrow and packed
        // keys take (a date column's range decides between them): 64 bits, 64 bits in buckets
        // (three symbol columns of 16 bits and 18 bits of row position), 128 bits (ids spread
        // over 32 bits).
        for (types, spread) in [
            (&[Type::Symbol, Type::Date][..], 1),
            (&[Type::Symbol, Type::Symbol, Type::Symbol], 1),
            (&[Type::Symbol, Type::Symbol, Type::Symbol], 80_000),
        ] {
            let mut t = Table::new(types);
            let n = PARALLEL_FROM as i64 * 3 + 5;
            for i in 0..n {
                // Each row three times or so, far apart.
                let i = i % 70_001;
                let row: Vec<Value> = types
                    .iter()
                    .enumerate()
                    .map(|(c, &ty)| match ty {
                        Type::Symbol => {
                            let id = (i * 7919 + c as i64 * 104_729) % 50_021;
                            Value::Sym(Sym((id * spread) as u32))
                        }
                        _ => Value::Date(Date(((i * 31) % 40_000) as i32 - 20_000)),
                    })
                    .collect();
                t.push_row(&row);
            }
            let (one, one_origin) = t.sorted_with_origin();
            let (two, two_origin) = t.sorted_with_origin_on(2);
            assert!(one.len() < t.len(), "some rows repeat");
            assert_eq!(one_origin, two_origin);
            assert_eq!(one.len(), two.len());
            for r in 0..one.len() {
                assert_eq!(one.row(r), two.row(r));
                assert!(r == 0 || one.cmp_rows(r - 1, r) == Ordering::Less);
            }
        }
    }
}
