//! Lookups whose keys come in order. A rule that reads a whole relation and, for each row, looks
//! up another relation by the row's first columns ("each obligation, then its deadline") asks for
//! its keys in the order of the rows it reads. Where both relations are sorted, the rows of each
//! key follow those of the key before: a cursor moving forward through the relation finds them,
//! reading memory in order, where an index probe would land anywhere in it.

use super::Found;
use crate::data::store::{partition_point, Table};
use crate::data::value::Value;
use lexproof_lang::ast::Type;
use lexproof_lang::check::{CTerm, Checked};
use lexproof_lang::plan::{RulePlan, Step};
use std::cell::Cell;
use std::cmp::Ordering;

/// Whether step `k` of `plan` (a lookup, a membership test or a negation on a relation finished
/// before the rule's component runs) reads it by a key made of its first columns in order, each
/// given by the same column of the plan's first scan, which reads a whole relation finished
/// before: both sorted, the keys then come in order and a `Cursor` finds them. `then` is the
/// column the rows of a key must be ordered by (`narrow`), if any: in a sorted relation only the
/// column after the key orders them. A key of one symbol is left to the relation's index by
/// symbol id, as fast and without the comparisons of a search.
pub(super) fn in_order(program: &Checked, plan: &RulePlan, k: usize, then: Option<usize>) -> bool {
    let Some(Step::Scan(first)) = plan.steps.first() else {
        return false;
    };
    if k == 0 || first.delta || first.own || !first.key.is_empty() {
        return false;
    }
    let from_first = |terms: &mut dyn Iterator<Item = &CTerm>| {
        terms.enumerate().all(|(i, t)| {
            matches!(t, CTerm::Var(v) if first.binds.iter().any(|&(c, b)| c == i && b.0 == *v))
        })
    };
    let (rel, cols): (usize, Vec<usize>) = match &plan.steps[k] {
        Step::Scan(scan) => {
            if scan.delta || scan.own || then.is_some_and(|c| c != scan.key.len()) {
                return false;
            }
            if !from_first(&mut scan.key.iter().map(|(_, t)| t)) {
                return false;
            }
            (scan.rel.0, scan.key.iter().map(|(c, _)| *c).collect())
        }
        Step::Member { rel, args, .. } => {
            if !from_first(&mut args.iter()) {
                return false;
            }
            (rel.0, (0..args.len()).collect())
        }
        Step::Absent { rel, cols, key, .. } => {
            if !from_first(&mut key.iter()) {
                return false;
            }
            (rel.0, cols.clone())
        }
        _ => return false,
    };
    let one_symbol = cols.len() == 1 && program.relations[rel].types()[cols[0]] == Type::Symbol;
    !cols.is_empty() && !one_symbol && cols.iter().enumerate().all(|(i, &c)| c == i)
}

/// Where the rows of the last key looked up in a sorted relation are.
#[derive(Default)]
pub(super) struct Cursor(Cell<(usize, usize)>);

impl Cursor {
    /// The rows of `t`, sorted, whose first columns are `key`.
    pub(super) fn find(&self, t: &Table, key: &[Value]) -> Found<'static> {
        let (start, end) = self.rows(t.len(), |row| t.cmp_prefix(row, key));
        Found::Range(start as u32..end as u32)
    }

    /// The rows, of `n` sorted ones, that `cmp` (a row's first columns against the key) finds
    /// equal: those of the last key again, else from where they end, forward in steps that
    /// double, then by halves, so that a key next in order costs a few comparisons of rows next
    /// to the last. A key before the last (the next chunk of a shared scan starts elsewhere) is
    /// searched from the first row.
    pub(super) fn rows(&self, n: usize, cmp: impl Fn(usize) -> Ordering) -> (usize, usize) {
        let (start, end) = self.0.get();
        let (start, end) = (start.min(n), end.min(n));
        if start < end && cmp(start) == Ordering::Equal {
            return (start, end);
        }
        let from = if end > 0 && cmp(end - 1) == Ordering::Less {
            end
        } else {
            0
        };
        let at = |row: usize| (row < n).then(|| cmp(row));
        // The row at `from` is compared once whether the key's rows start there or later.
        let (start, first) = match at(from) {
            Some(Ordering::Less) => {
                let start = from + 1 + gallop(n - from - 1, |i| cmp(from + 1 + i).is_lt());
                (start, at(start))
            }
            first => (from, first),
        };
        let end = match first {
            Some(Ordering::Equal) => {
                start + 1 + gallop(n - start - 1, |i| cmp(start + 1 + i).is_eq())
            }
            _ => start,
        };
        self.0.set((start, end));
        (start, end)
    }
}

/// The first of `0..n` for which `pred` fails, `pred` holding for all before it and none after:
/// tested at 0, 1, 3, 7, … until it fails, then by halves between the last two tested.
fn gallop(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    if n == 0 || !pred(0) {
        return 0;
    }
    let (mut holds, mut step) = (0, 1);
    loop {
        let probe = holds + step;
        if probe >= n || !pred(probe) {
            let end = probe.min(n);
            return holds + 1 + partition_point(end - holds - 1, |i| pred(holds + 1 + i));
        }
        holds = probe;
        step *= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of `rows` (sorted) whose first value is `key`, by reading every row.
    fn every(rows: &[(u32, u32)], key: u32) -> (usize, usize) {
        let start = rows.iter().take_while(|r| r.0 < key).count();
        (
            start,
            start + rows[start..].iter().take_while(|r| r.0 == key).count(),
        )
    }

    #[test]
    fn a_cursor_finds_each_keys_rows_in_order_or_not() {
        // Keys in order with repeats, keys with no rows, keys past the last row, then keys out
        // of order (a new chunk): each gives the rows a search of every row gives.
        let mut seed = 7u32;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for size in [0usize, 1, 2, 5, 40, 300] {
            let mut rows: Vec<(u32, u32)> = (0..size).map(|_| (next() % 60, next() % 4)).collect();
            rows.sort_unstable();
            let mut keys: Vec<u32> = (0..200).map(|_| next() % 70).collect();
            keys.sort_unstable();
            keys.extend((0..100).map(|_| next() % 70));
            let cursor = Cursor::default();
            for &key in &keys {
                let found = cursor.rows(rows.len(), |r| rows[r].0.cmp(&key));
                assert_eq!(found, every(&rows, key), "{size} rows, key {key}");
            }
        }
    }

    #[test]
    fn gallop_finds_the_end_of_what_holds() {
        for n in 0..40 {
            for cut in 0..=n {
                assert_eq!(gallop(n, |i| i < cut), cut, "n {n} cut {cut}");
            }
        }
    }
}
