//! The relations a recursive compiled stage derives, while it derives them. Each round of its
//! fixpoint adds the heads of the instances it found; a row seen before is dropped, so the rows
//! new in a round (`fresh`) are exactly what the next round's rules must join with the rest.
//! Rows keep the order they were first derived in: a round's new rows are a slice, which the
//! stage can cut into chunks for idle workers (`Share::rows`).

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// A relation growing round by round: its rows, each once, in the order they came.
#[derive(Clone)]
pub struct Grow<T> {
    rows: Vec<T>,
    seen: HashSet<T, rustc_hash::FxBuildHasher>,
    /// The rows of the last finished round: `rows[fresh.0..fresh.1]`.
    fresh: (usize, usize),
}

impl<T> Default for Grow<T> {
    fn default() -> Self {
        Grow {
            rows: Vec::new(),
            seen: HashSet::default(),
            fresh: (0, 0),
        }
    }
}

impl<T: Copy + Eq + Hash> Grow<T> {
    /// Adds a row unless the relation has it already.
    pub fn add(&mut self, row: T) {
        if self.seen.insert(row) {
            self.rows.push(row);
        }
    }

    /// Ends a round: the rows added since the last call become the fresh ones. Whether there are
    /// any (if not, the fixpoint is reached).
    pub fn next_round(&mut self) -> bool {
        self.fresh = (self.fresh.1, self.rows.len());
        self.fresh.0 < self.fresh.1
    }

    /// Every row so far.
    pub fn all(&self) -> &[T] {
        &self.rows
    }

    /// The rows the last round added.
    pub fn fresh(&self) -> &[T] {
        &self.rows[self.fresh.0..self.fresh.1]
    }
}

/// The rows of a growing relation grouped by key columns, kept up to date round by round.
#[derive(Clone)]
pub struct GrowIndex<K, V> {
    map: HashMap<K, Vec<V>, rustc_hash::FxBuildHasher>,
}

impl<K, V> Default for GrowIndex<K, V> {
    fn default() -> Self {
        GrowIndex {
            map: HashMap::default(),
        }
    }
}

impl<K: Copy + Eq + Hash, V: Copy> GrowIndex<K, V> {
    /// Adds rows as (key, other columns).
    pub fn extend(&mut self, rows: impl Iterator<Item = (K, V)>) {
        for (k, v) in rows {
            self.map.entry(k).or_default().push(v);
        }
    }

    /// The other columns of every row with this key.
    pub fn get(&self, key: &K) -> &[V] {
        self.map.get(key).map_or(&[][..], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_adds_only_rows_not_seen_before() {
        let mut g: Grow<(u32, u32)> = Grow::default();
        g.add((1, 2));
        g.add((1, 2));
        g.add((2, 3));
        assert!(g.next_round());
        assert_eq!(g.fresh(), &[(1, 2), (2, 3)]);
        g.add((2, 3));
        g.add((3, 4));
        assert!(g.next_round());
        assert_eq!(g.fresh(), &[(3, 4)]);
        assert_eq!(g.all(), &[(1, 2), (2, 3), (3, 4)]);
        g.add((1, 2));
        assert!(!g.next_round(), "nothing new: the fixpoint");
        assert!(g.fresh().is_empty());
    }

    #[test]
    fn an_index_gives_every_row_with_the_key() {
        let mut i: GrowIndex<(u32,), (u32,)> = GrowIndex::default();
        i.extend([((1,), (2,)), ((1,), (3,))].into_iter());
        i.extend([((1,), (4,)), ((5,), (6,))].into_iter());
        assert_eq!(i.get(&(1,)), &[(2,), (3,), (4,)]);
        assert_eq!(i.get(&(7,)), &[] as &[(u32,)]);
    }
}
