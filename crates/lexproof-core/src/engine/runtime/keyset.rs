//! Negations and membership tests on finished relations, answered without reading a row of the
//! relation (a set of row ids would read the row's columns, each in its own array, to confirm a
//! hit): a key of one symbol is a bit per symbol id; a wider key's cells (symbols and dates 32
//! bits each, a number 128 bits) make one integer, kept in a hash set. Keys wider than 128 bits
//! are answered by the relation's indexes instead.

use crate::data::store::Table;
use crate::data::value::Value;
use hashbrown::HashSet;
use lexproof_lang::ast::Type;
use rustc_hash::FxBuildHasher;

/// The keys of one relation on some columns.
#[derive(Clone)]
pub(super) struct KeySet {
    pub(super) cols: Vec<usize>,
    set: Packed,
}

#[derive(Clone)]
enum Packed {
    /// Per symbol id, whether a row has it.
    Bits(Vec<u64>),
    Narrow(HashSet<u64, FxBuildHasher>),
    Wide(HashSet<u128, FxBuildHasher>),
}

/// Bits a key on `cols` packs into.
fn width(types: &[Type], cols: &[usize]) -> usize {
    cols.iter()
        .map(|&c| match types[c] {
            Type::Number => 128,
            _ => 32,
        })
        .sum()
}

/// Whether keys on `cols` of a relation with these column types pack into 128 bits.
pub(super) fn packs(types: &[Type], cols: &[usize]) -> bool {
    !cols.is_empty() && width(types, cols) <= 128
}

/// The key's cells side by side; a number is alone in its key (`packs`).
#[inline]
fn pack(vals: impl Iterator<Item = Value>) -> u128 {
    let mut x = 0u128;
    for v in vals {
        x = match v {
            Value::Sym(s) => x << 32 | u128::from(s.0),
            Value::Date(d) => x << 32 | u128::from(d.0 as u32),
            Value::Num(n) => n as u128,
        };
    }
    x
}

impl KeySet {
    /// The keys of every row of `t` on `cols`, which must pack (`packs`).
    pub(super) fn build(t: &Table, cols: &[usize]) -> KeySet {
        let types = t.types();
        debug_assert!(packs(&types, cols));
        let keys = (0..t.len()).map(|r| pack(cols.iter().map(|&c| t.get(r, c))));
        let set = match cols {
            &[c] if types[c] == Type::Symbol => {
                let syms = t.syms(c);
                let top = syms.iter().map(|s| s.0 as usize).max().unwrap_or(0);
                let mut bits = vec![0u64; top / 64 + 1];
                syms.iter()
                    .for_each(|s| bits[s.0 as usize / 64] |= 1 << (s.0 % 64));
                Packed::Bits(bits)
            }
            _ if width(&types, cols) <= 64 => {
                let mut s = HashSet::with_capacity_and_hasher(t.len(), FxBuildHasher);
                s.extend(keys.map(|k| k as u64));
                Packed::Narrow(s)
            }
            _ => {
                let mut s = HashSet::with_capacity_and_hasher(t.len(), FxBuildHasher);
                s.extend(keys);
                Packed::Wide(s)
            }
        };
        KeySet {
            cols: cols.to_vec(),
            set,
        }
    }

    /// The bit per symbol id, for a key of one symbol.
    pub(super) fn bits(&self) -> Option<&[u64]> {
        match &self.set {
            Packed::Bits(bits) => Some(bits),
            _ => None,
        }
    }

    /// `contains` for a key given value by value.
    #[inline]
    pub(super) fn has(&self, key: impl Iterator<Item = Value>) -> bool {
        let k = pack(key);
        match &self.set {
            Packed::Bits(bits) => crate::data::has_bit(bits, k as usize),
            Packed::Narrow(s) => s.contains(&(k as u64)),
            Packed::Wide(s) => s.contains(&k),
        }
    }

    /// Whether some row has these values on the set's columns.
    #[inline]
    pub(super) fn contains(&self, key: &[Value]) -> bool {
        self.has(key.iter().copied())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::value::{Date, Sym};

    fn table(types: &[Type], rows: &[Vec<Value>]) -> Table {
        let mut t = Table::new(types);
        rows.iter().for_each(|r| t.push_row(r));
        t
    }

    #[test]
    fn symbols_and_dates_pack_side_by_side_without_clashing() {
        let types = [Type::Symbol, Type::Date, Type::Symbol];
        let t = table(
            &types,
            &[
                vec![
                    Value::Sym(Sym(1)),
                    Value::Date(Date(-5)),
                    Value::Sym(Sym(2)),
                ],
                vec![Value::Sym(Sym(2)), Value::Date(Date(7)), Value::Sym(Sym(1))],
            ],
        );
        let whole = KeySet::build(&t, &[0, 1, 2]);
        assert!(whole.contains(&[
            Value::Sym(Sym(1)),
            Value::Date(Date(-5)),
            Value::Sym(Sym(2))
        ]));
        assert!(!whole.contains(&[Value::Sym(Sym(1)), Value::Date(Date(7)), Value::Sym(Sym(2))]));
        assert!(!whole.contains(&[
            Value::Sym(Sym(2)),
            Value::Date(Date(-5)),
            Value::Sym(Sym(1))
        ]));
        let ends = KeySet::build(&t, &[2, 0]);
        assert!(ends.contains(&[Value::Sym(Sym(2)), Value::Sym(Sym(1))]));
        assert!(ends.contains(&[Value::Sym(Sym(1)), Value::Sym(Sym(2))]));
        assert!(!ends.contains(&[Value::Sym(Sym(1)), Value::Sym(Sym(1))]));
    }

    #[test]
    fn a_number_packs_alone_and_wider_keys_do_not_pack() {
        let types = [Type::Number, Type::Symbol];
        assert!(packs(&types, &[0]));
        assert!(!packs(&types, &[0, 1]));
        assert!(!packs(&types, &[]));
        let t = table(
            &types,
            &[vec![Value::Num(-(10i128.pow(30))), Value::Sym(Sym(0))]],
        );
        let nums = KeySet::build(&t, &[0]);
        let syms = KeySet::build(&t, &[1]);
        assert!(syms.contains(&[Value::Sym(Sym(0))]));
        assert!(!syms.contains(&[Value::Sym(Sym(64))]));
        assert!(nums.contains(&[Value::Num(-(10i128.pow(30)))]));
        assert!(!nums.contains(&[Value::Num(10i128.pow(30))]));
    }
}
