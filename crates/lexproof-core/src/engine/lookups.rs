//! The lookups a stage probes relations of earlier stages through (negations, fully bound
//! premises, partly bound premises): built once per run from a sorted table, shared by every stage
//! that reads them. A relation keyed by one symbol column is indexed by the symbol's id directly
//! (ids are dense: the run's interner numbers symbols from 0), so a probe is one or two array
//! reads instead of hashing. A longer key led by a symbol keeps the rows sorted and finds a key by
//! halves within a bucket of symbol ids: the tables are already sorted, so it is built without
//! hashing, and probes in key order (a scan of a sorted table) touch memory in order. Other keys go
//! through a hash map.

use crate::data::value::Sym;
use std::collections::HashMap;
use std::hash::Hash;

/// The rows of a relation grouped by key columns: one hash probe gives the other columns of every
/// row with that key, as a slice of one flat vector (no vector per key, unlike crepe's indexes).
pub struct MultiMap<K, V> {
    spans: HashMap<K, (usize, usize), rustc_hash::FxBuildHasher>,
    values: Vec<V>,
}

impl<K, V> Default for MultiMap<K, V> {
    fn default() -> Self {
        MultiMap {
            spans: HashMap::default(),
            values: Vec::new(),
        }
    }
}

impl<K: Hash + Eq + Ord + Copy, V: Copy> MultiMap<K, V> {
    pub fn build(mut rows: Vec<(K, V)>) -> Self {
        rows.sort_unstable_by_key(|a| a.0);
        let mut spans: HashMap<K, (usize, usize), rustc_hash::FxBuildHasher> = HashMap::default();
        let mut start = 0;
        for i in 1..=rows.len() {
            if i == rows.len() || rows[i].0 != rows[start].0 {
                spans.insert(rows[start].0, (start, i));
                start = i;
            }
        }
        MultiMap {
            spans,
            values: rows.into_iter().map(|(_, v)| v).collect(),
        }
    }

    pub fn get(&self, key: &K) -> &[V] {
        self.spans
            .get(key)
            .map_or(&[][..], |&(a, b)| &self.values[a..b])
    }

    /// The values under `key`, owned (a crepe `for` clause cannot borrow from the lookup).
    pub fn copied_of(&self, key: &K) -> Few<V> {
        Few::of(self.get(key))
    }
}

/// The symbols of a one-column key, as one bit per symbol id.
#[derive(Default)]
pub struct SymSet {
    bits: Vec<u64>,
}

impl SymSet {
    pub fn contains(&self, key: &(Sym,)) -> bool {
        crate::data::has_bit(&self.bits, key.0 .0 as usize)
    }
}

impl FromIterator<(Sym,)> for SymSet {
    fn from_iter<I: IntoIterator<Item = (Sym,)>>(keys: I) -> Self {
        let mut bits: Vec<u64> = Vec::new();
        for (s,) in keys {
            let i = s.0 as usize;
            if bits.len() <= i / 64 {
                bits.resize(i / 64 + 1, 0);
            }
            bits[i / 64] |= 1 << (i % 64);
        }
        SymSet { bits }
    }
}

/// A `MultiMap` keyed by one symbol column. Where the ids in the key column are dense enough
/// (at most eight ids per row), the values of key `s` are `values[starts[s]..starts[s + 1]]`;
/// a small table keyed by a few large ids keeps the hash map instead, so the offsets never
/// outgrow the table.
pub struct SymMap<V> {
    starts: Vec<u32>,
    values: Vec<V>,
    sparse: MultiMap<(Sym,), V>,
}

impl<V> Default for SymMap<V> {
    fn default() -> Self {
        SymMap {
            starts: Vec::new(),
            values: Vec::new(),
            sparse: MultiMap::default(),
        }
    }
}

impl<V: Copy> SymMap<V> {
    pub fn build(rows: Vec<((Sym,), V)>) -> Self {
        let Some(max) = rows.iter().map(|((s,), _)| s.0 as usize).max() else {
            return SymMap::default();
        };
        if max / 8 > rows.len() || rows.len() >= u32::MAX as usize {
            return SymMap {
                sparse: MultiMap::build(rows),
                ..SymMap::default()
            };
        }
        // A counting sort by key: rows of one key keep their order.
        let mut starts: Vec<u32> = crate::data::written_zeros(max + 2);
        for ((s,), _) in &rows {
            starts[s.0 as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut values: Vec<Option<V>> = vec![None; rows.len()];
        for ((s,), v) in rows {
            let slot = &mut next[s.0 as usize];
            values[*slot as usize] = Some(v);
            *slot += 1;
        }
        SymMap {
            starts,
            values: values.into_iter().flatten().collect(),
            sparse: MultiMap::default(),
        }
    }

    pub fn get(&self, key: &(Sym,)) -> &[V] {
        if self.starts.is_empty() {
            return self.sparse.get(key);
        }
        let i = key.0 .0 as usize;
        match (self.starts.get(i), self.starts.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.values[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The values under `key`, owned (a crepe `for` clause cannot borrow from the lookup).
    pub fn copied_of(&self, key: &(Sym,)) -> Few<V> {
        Few::of(self.get(key))
    }
}

/// A key whose first column is a symbol (`SortedSet` and `SortedMap` bucket rows by it).
pub trait LeadSym: Copy + Ord {
    fn lead(&self) -> u32;
}

macro_rules! lead_sym {
    ($($t:ident),*) => {
        impl<$($t: Copy + Ord),*> LeadSym for (Sym, $($t,)*) {
            #[inline]
            fn lead(&self) -> u32 {
                self.0 .0
            }
        }
    };
}
lead_sym!(A);
lead_sym!(A, B);
lead_sym!(A, B, C);
lead_sym!(A, B, C, D);
lead_sym!(A, B, C, D, E);
lead_sym!(A, B, C, D, E, F);

/// Where the sorted keys of each bucket of leading symbol ids start: bucket `b` holds the ids
/// `b << shift ..= (b << shift) | mask`, sized so that there are about half as many buckets as
/// keys (a few keys per bucket where the ids are spread, at most 2 bytes per key for the starts).
#[derive(Default)]
struct Buckets {
    shift: u32,
    starts: Vec<u32>,
}

impl Buckets {
    /// `keys` must be sorted.
    fn over<K: LeadSym>(keys: &[K]) -> Buckets {
        let Some(last) = keys.last() else {
            return Buckets::default();
        };
        let max = last.lead() as usize;
        let wanted = (keys.len() / 2).max(1);
        let mut shift = 0;
        while (max >> shift) + 1 > wanted {
            shift += 1;
        }
        let mut starts: Vec<u32> = crate::data::written_zeros((max >> shift) + 2);
        for k in keys {
            starts[(k.lead() as usize >> shift) + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        Buckets { shift, starts }
    }

    /// The positions of the keys that share `lead`'s bucket.
    #[inline]
    fn range(&self, lead: u32) -> std::ops::Range<usize> {
        let b = (lead as usize) >> self.shift;
        match (self.starts.get(b), self.starts.get(b + 1)) {
            (Some(&a), Some(&z)) => a as usize..z as usize,
            _ => 0..0,
        }
    }
}

/// A set of keys led by a symbol: the keys sorted, without duplicates, in buckets of symbol ids.
pub struct SortedSet<K> {
    keys: Vec<K>,
    buckets: Buckets,
}

impl<K> Default for SortedSet<K> {
    fn default() -> Self {
        SortedSet {
            keys: Vec::new(),
            buckets: Buckets::default(),
        }
    }
}

impl<K: LeadSym> SortedSet<K> {
    #[inline]
    pub fn contains(&self, key: &K) -> bool {
        self.position(key).is_some()
    }

    /// Where `key` is among the sorted keys.
    #[inline]
    fn position(&self, key: &K) -> Option<usize> {
        let range = self.buckets.range(key.lead());
        let from = range.start;
        self.keys[range].binary_search(key).ok().map(|i| from + i)
    }
}

impl<K: LeadSym> FromIterator<K> for SortedSet<K> {
    fn from_iter<I: IntoIterator<Item = K>>(keys: I) -> Self {
        let mut keys: Vec<K> = keys.into_iter().collect();
        // A relation's table is sorted, so keys made of its leading columns already are.
        if !keys.is_sorted() {
            keys.sort_unstable();
        }
        keys.dedup();
        let buckets = Buckets::over(&keys);
        SortedSet { keys, buckets }
    }
}

/// The rows of a relation by key columns led by a symbol: each key once, sorted and in buckets
/// of symbol ids, with where its values start in one flat vector (sorted by key, then value), so
/// a probe gives the values of every row with the key as one slice.
pub struct SortedMap<K, V> {
    keys: SortedSet<K>,
    starts: Vec<usize>,
    values: Vec<V>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap {
            keys: SortedSet::default(),
            starts: vec![0],
            values: Vec::new(),
        }
    }
}

impl<K: LeadSym, V: Copy + Ord> SortedMap<K, V> {
    pub fn build(mut rows: Vec<(K, V)>) -> Self {
        // A relation's table is sorted, so rows keyed by its leading columns already are.
        if !rows.is_sorted() {
            rows.sort_unstable();
        }
        let mut keys: Vec<K> = Vec::new();
        let mut starts: Vec<usize> = Vec::new();
        let mut values: Vec<V> = Vec::with_capacity(rows.len());
        for (i, (k, v)) in rows.into_iter().enumerate() {
            if keys.last() != Some(&k) {
                keys.push(k);
                starts.push(i);
            }
            values.push(v);
        }
        starts.push(values.len());
        let buckets = Buckets::over(&keys);
        SortedMap {
            keys: SortedSet { keys, buckets },
            starts,
            values,
        }
    }

    #[inline]
    pub fn get(&self, key: &K) -> &[V] {
        match self.keys.position(key) {
            Some(i) => &self.values[self.starts[i]..self.starts[i + 1]],
            None => &[],
        }
    }

    /// The values under `key`, owned (a crepe `for` clause cannot borrow from the lookup).
    pub fn copied_of(&self, key: &K) -> Few<V> {
        Few::of(self.get(key))
    }
}

/// The values under one key, owned: up to four kept inline (most keys have one or two rows), so
/// a probe allocates only for longer runs.
pub struct Few<V> {
    inline: [Option<V>; 4],
    at: usize,
    rest: std::vec::IntoIter<V>,
}

impl<V: Copy> Few<V> {
    fn of(values: &[V]) -> Few<V> {
        let mut inline = [None; 4];
        if values.len() <= inline.len() {
            for (slot, v) in inline.iter_mut().zip(values) {
                *slot = Some(*v);
            }
            return Few {
                inline,
                at: 0,
                rest: Vec::new().into_iter(),
            };
        }
        Few {
            inline,
            at: inline.len(),
            rest: Vec::from(values).into_iter(),
        }
    }
}

impl<V: Copy> Iterator for Few<V> {
    type Item = V;
    fn next(&mut self) -> Option<V> {
        if let Some(v) = self.inline.get(self.at).copied().flatten() {
            self.at += 1;
            return Some(v);
        }
        self.at = self.inline.len();
        self.rest.next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_sparse_symbol_lookups_agree_with_the_hash_map() {
        let rows: Vec<((Sym,), (u32,))> =
            (0..2000u32).map(|i| ((Sym(i * 7 % 301),), (i,))).collect();
        let hashed = MultiMap::build(rows.clone());
        let dense = SymMap::build(rows.clone());
        assert!(!dense.starts.is_empty());
        // Three rows keyed by ids far apart: the hash map is kept.
        let few = vec![
            ((Sym(5),), (1,)),
            ((Sym(1 << 20),), (2,)),
            ((Sym(5),), (3,)),
        ];
        let sparse = SymMap::build(few.clone());
        assert!(sparse.starts.is_empty());
        let few_hashed = MultiMap::build(few);
        for k in (0..400).chain([1 << 20, 1 << 21]) {
            let key = (Sym(k),);
            let mut a: Vec<_> = hashed.get(&key).to_vec();
            let mut b: Vec<_> = dense.copied_of(&key).collect();
            a.sort();
            b.sort();
            assert_eq!(a, b, "key {k}");
            let mut c: Vec<_> = few_hashed.get(&key).to_vec();
            let mut d: Vec<_> = sparse.copied_of(&key).collect();
            c.sort();
            d.sort();
            assert_eq!(c, d, "key {k}");
        }
        assert_eq!(SymMap::<(u32,)>::build(Vec::new()).get(&(Sym(0),)), &[]);
    }

    #[test]
    fn symbol_sets_hold_exactly_their_symbols() {
        let set: SymSet = [(Sym(0),), (Sym(63),), (Sym(64),), (Sym(1000),)]
            .into_iter()
            .collect();
        for i in 0..1100 {
            assert_eq!(
                set.contains(&(Sym(i),)),
                [0, 63, 64, 1000].contains(&i),
                "{i}"
            );
        }
        assert!(!set.contains(&(Sym(u32::MAX),)));
        assert!(!SymSet::default().contains(&(Sym(0),)));
    }

    /// Keys led by symbols spread over ids (with one id far out, a crowded id and duplicates),
    /// given sorted and shuffled: the sorted lookups answer as the hash set and map do.
    #[test]
    fn sorted_lookups_agree_with_the_hash_set_and_map() {
        use std::collections::HashSet;
        let mut rows: Vec<((Sym, Sym, u32), (u32,))> = (0..3000u32)
            .map(|i| ((Sym(i * 7 % 4001), Sym(i % 5), i % 3), (i % 11,)))
            .collect();
        rows.extend((0..200u32).map(|i| ((Sym(4), Sym(1), 0), (i,))));
        let mut sorted = rows.clone();
        sorted.sort();
        let mut far = rows.clone();
        far.push(((Sym(1 << 22), Sym(0), 0), (1,)));
        far.push(((Sym(1 << 22), Sym(0), 0), (1,)));
        assert!(SortedMap::build(rows.clone()).keys.buckets.shift > 0);
        for input in [rows, sorted, far] {
            let hashed = MultiMap::build(input.clone());
            let map = SortedMap::build(input.clone());
            let set: SortedSet<(Sym, Sym, u32)> = input.iter().map(|r| r.0).collect();
            let keys: HashSet<(Sym, Sym, u32)> = input.iter().map(|r| r.0).collect();
            for a in (0..4020).chain([1 << 22, (1 << 22) + 1, u32::MAX]) {
                for b in 0..6 {
                    for c in 0..4 {
                        let key = (Sym(a), Sym(b), c);
                        let mut want = hashed.get(&key).to_vec();
                        want.sort();
                        assert_eq!(map.get(&key), &want[..], "{key:?}");
                        assert_eq!(map.copied_of(&key).collect::<Vec<_>>(), want, "{key:?}");
                        assert_eq!(set.contains(&key), keys.contains(&key), "{key:?}");
                    }
                }
            }
        }
        let empty: SortedSet<(Sym, Sym)> = std::iter::empty().collect();
        assert!(!empty.contains(&(Sym(0), Sym(0))));
        assert_eq!(
            SortedMap::<(Sym, Sym), (u32,)>::build(Vec::new()).get(&(Sym(0), Sym(0))),
            &[]
        );
    }

    #[test]
    fn few_yields_every_value_in_order() {
        for n in 0..10u32 {
            let v: Vec<u32> = (0..n).collect();
            assert_eq!(Few::of(&v).collect::<Vec<_>>(), v);
        }
    }
}
