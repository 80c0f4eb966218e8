//! Rule instances as the database keeps them. An engine records one row per instance holding every
//! variable of the rule (its witness row); most of those values are the head tuple's, which the
//! derived table holds anyway. So each instance is stored as the row of the head tuple it derives
//! (in its relation's sorted derived table) plus only the variables the head does not give.
//! At 10^6 models this is 125 MiB instead of 209 MiB for 17.7 M instances.
//!
//! Both engines store a stage's or component's instances on its worker thread once it has sorted
//! its conclusions, so full witness rows never pile up and later stages need not wait for it.

use crate::data::store::Table;
use crate::data::value::{Interner, Value};
use crate::rules::eval::{const_lookup, eval};
use lexproof_lang::check::{CTerm, Rule};
use lexproof_lang::Checked;
use std::cmp::Ordering;

/// The instances of one rule, sorted by head row, then by the other variables.
#[derive(Debug, Clone, Default)]
pub struct Instances {
    /// Per instance: the row of its head tuple in the head relation's derived table.
    head_rows: Vec<u32>,
    /// Per instance: the rule's variables the head does not give, in `rest_vars` order.
    rest: Table,
    /// (variable, head column) for each witness variable that the head holds as a plain argument.
    from_head: Vec<(usize, usize)>,
    /// The other witness variables, in witness order (the columns of `rest`).
    rest_vars: Vec<usize>,
}

impl Instances {
    pub fn len(&self) -> usize {
        self.head_rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.head_rows.is_empty()
    }

    /// The instances deriving the tuple in row `head_row` of the head relation's table.
    pub fn of_head(&self, head_row: usize) -> std::ops::Range<usize> {
        let lo = self.head_rows.partition_point(|&h| (h as usize) < head_row);
        let hi = self
            .head_rows
            .partition_point(|&h| (h as usize) <= head_row);
        lo..hi
    }

    /// The row of the head tuple instance `i` derives.
    pub fn head_row(&self, i: usize) -> usize {
        self.head_rows[i] as usize
    }

    /// The values of all `vars` variables of the rule for instance `i` (unrecorded ones, such as
    /// variables only in negated premises, stay 0); `head` is the head relation's table.
    pub fn bindings(&self, i: usize, head: &Table, vars: usize) -> Vec<Value> {
        let mut b = vec![Value::Num(0); vars];
        let h = self.head_rows[i] as usize;
        for &(v, col) in &self.from_head {
            b[v] = head.get(h, col);
        }
        for (col, &v) in self.rest_vars.iter().enumerate() {
            b[v] = self.rest.get(i, col);
        }
        b
    }

    /// Bytes the instances take (for `LEXPROOF_STAGE_TIMES` memory figures).
    pub fn allocated_bytes(&self) -> usize {
        self.head_rows.capacity() * 4 + self.rest.allocated_bytes()
    }
}

/// Where a head argument's value comes from, for a witness row.
enum HeadArg<'a> {
    /// A column of the witness row.
    Column(usize),
    /// The same constant in every row (None: a symbol no fact or rule interned, which no derived
    /// tuple can hold).
    Constant(Option<Value>),
    /// Arithmetic over the row's variables.
    Computed(&'a CTerm),
}

/// A derived relation's sorted table, with each original row's row in it when witness rows were
/// projected onto the original (see `StageOut::heads`).
pub struct Head<'a> {
    pub rel: usize,
    pub table: &'a Table,
    pub origin: Option<&'a [u32]>,
}

/// Stores each rule's witness rows (`(rule, table)`) as `Instances` against its head relation's
/// sorted table in `heads`. `projected` (`StageOut::heads`) says which rules' rows were projected
/// onto their head table and from which row: their head rows come from `Head::origin`; the others'
/// are found by walking the sorted head table. Tables are consumed one at a time, so only one is
/// ever held twice (sorted and not).
pub fn finish(
    checked: &Checked,
    interner: &Interner,
    witnesses: Vec<(usize, Table)>,
    heads: &[Head],
    projected: &[(usize, usize, usize)],
) -> Vec<(usize, Instances)> {
    // Head keys are made once per head relation, for all its rules, and only if needed.
    let mut keys: Vec<(usize, Option<HeadKeys>)> = Vec::new();
    witnesses
        .into_iter()
        .map(|(r, full)| {
            let rule = &checked.rules[r];
            let rel = rule.head.rel;
            let head = heads
                .iter()
                .find(|h| h.rel == rel)
                .expect("a rule's head relation is derived where the rule runs");
            let first = projected.iter().find(|p| p.0 == r).map(|p| p.2);
            if let (Some(first), Some(origin)) = (first, head.origin) {
                let rows = origin[first..first + full.len()].to_vec();
                return (r, compact_with_head_rows(rule, full, rows));
            }
            if plain_head(rule, interner) && !keys.iter().any(|(h, _)| *h == rel) {
                keys.push((rel, HeadKeys::new(head.table)));
            }
            let k = keys
                .iter()
                .find(|(h, _)| *h == rel)
                .and_then(|(_, k)| k.as_ref());
            (r, compact(rule, full, head.table, k, interner))
        })
        .collect()
}

/// Whether every head argument is a variable or a constant some fact or rule has (a head `HeadKeys`
/// can find).
fn plain_head(rule: &Rule, interner: &Interner) -> bool {
    rule.head.args.iter().all(|a| match a {
        CTerm::Var(_) => true,
        CTerm::Const(c) => const_lookup(c, interner).is_some(),
        _ => false,
    })
}

/// Which witness variables the head gives ((variable, head column)), and the others (variables
/// and their witness columns).
type Layout = (Vec<(usize, usize)>, Vec<usize>, Vec<usize>);

fn layout(rule: &Rule) -> Layout {
    let mut from_head = Vec::new();
    let mut rest_vars = Vec::new();
    let mut rest_cols = Vec::new();
    for (col, &v) in rule.witness.iter().enumerate() {
        match rule.head.args.iter().position(|a| *a == CTerm::Var(v)) {
            Some(k) => from_head.push((v, k)),
            None => {
                rest_vars.push(v);
                rest_cols.push(col);
            }
        }
    }
    (from_head, rest_vars, rest_cols)
}

/// `compact` for witness rows whose head rows are known (`head_rows`, parallel to the rows): only
/// (head row, other variables) is sorted.
pub fn compact_with_head_rows(rule: &Rule, full: Table, mut head_rows: Vec<u32>) -> Instances {
    let (from_head, rest_vars, rest_cols) = layout(rule);
    let rest = full.into_columns(&rest_cols);
    if rest.arity() == 0 {
        // Every variable is in the head, so each head has at most one instance of this rule; a
        // stage that read a table before its maker deduplicated it may have found that one twice.
        head_rows.sort_unstable();
        head_rows.dedup();
        return Instances {
            head_rows,
            rest,
            from_head,
            rest_vars,
        };
    }
    let mut keyed = rest.with_leading_rows(head_rows);
    keyed.sort_dedup();
    let (head_rows, rest) = keyed.without_leading_rows();
    Instances {
        head_rows,
        rest,
        from_head,
        rest_vars,
    }
}

/// Stores `full` (one row per instance of `rule`, its variables in witness order) against `head`,
/// the rule's head relation sorted and deduplicated.
fn compact(
    rule: &Rule,
    mut full: Table,
    head: &Table,
    keys: Option<&HeadKeys>,
    interner: &Interner,
) -> Instances {
    let col_of = |v: usize| rule.witness.iter().position(|&w| w == v);
    let (from_head, rest_vars, rest_cols) = layout(rule);
    let args: Vec<HeadArg> = rule
        .head
        .args
        .iter()
        .map(|a| match a {
            CTerm::Var(v) => match col_of(*v) {
                Some(c) => HeadArg::Column(c),
                None => HeadArg::Computed(a),
            },
            CTerm::Const(c) => HeadArg::Constant(const_lookup(c, interner)),
            _ => HeadArg::Computed(a),
        })
        .collect();
    sort_by_head(rule, &args, &mut full, interner);

    let plain = args
        .iter()
        .all(|a| matches!(a, HeadArg::Column(_) | HeadArg::Constant(Some(_))));
    let head_rows = match keys {
        Some(keys) if plain => keys.walk(&full, &args, rule),
        _ => walk_values(rule, &args, &full, head, interner),
    };
    Instances {
        head_rows,
        rest: full.into_columns(&rest_cols),
        from_head,
        rest_vars,
    }
}

/// 64-bit keys that order head tuples as the tuples order: each column's value less the column's
/// least value in the head table, in as many bits as the column's range needs. With them, finding
/// each witness row's head row compares integers instead of values.
struct HeadKeys {
    /// Per head column: least value and bits, as 128-bit integers (symbol ids, days, numbers).
    columns: Vec<(i128, u32)>,
    /// The head table's keys, ascending (its rows are sorted and distinct).
    keys: Vec<u64>,
}

/// A column's values as integers in the order of their type.
fn ints(t: &Table, c: usize) -> Box<dyn Fn(usize) -> i128 + '_> {
    use crate::data::store::Type;
    match t.types()[c] {
        Type::Symbol => {
            let v = t.syms(c);
            Box::new(move |r| v[r].0 as i128)
        }
        Type::Date => {
            let v = t.dates(c);
            Box::new(move |r| v[r].0 as i128)
        }
        Type::Number => {
            let v = t.nums(c);
            Box::new(move |r| v[r])
        }
    }
}

fn int_of(v: Value) -> i128 {
    match v {
        Value::Sym(s) => s.0 as i128,
        Value::Date(d) => d.0 as i128,
        Value::Num(n) => n,
    }
}

impl HeadKeys {
    /// None when the columns' ranges need more than 64 bits.
    fn new(head: &Table) -> Option<HeadKeys> {
        if head.is_empty() {
            return None;
        }
        let mut columns = Vec::with_capacity(head.arity());
        let mut total = 0;
        for c in 0..head.arity() {
            let get = ints(head, c);
            let (lo, hi) = (0..head.len()).fold((i128::MAX, i128::MIN), |(lo, hi), r| {
                let x = get(r);
                (lo.min(x), hi.max(x))
            });
            let range = hi.checked_sub(lo).filter(|&r| r < 1i128 << 64)? as u64;
            let bits = 64 - range.leading_zeros();
            total += bits;
            if total > 64 {
                return None;
            }
            columns.push((lo, bits));
        }
        let mut keys: Vec<u64> = crate::data::written_zeros(head.len());
        for (c, &(lo, bits)) in columns.iter().enumerate() {
            let get = ints(head, c);
            for (r, k) in keys.iter_mut().enumerate() {
                *k = shift(*k, bits) | (get(r) - lo) as u64;
            }
        }
        Some(HeadKeys { columns, keys })
    }

    /// The head row of every witness row of `full` (rows in head order).
    fn walk(&self, full: &Table, args: &[HeadArg], rule: &Rule) -> Vec<u32> {
        // Per head column: the witness column giving it, or the constant (as an integer).
        let sources: Vec<Source> = args
            .iter()
            .map(|a| match a {
                HeadArg::Column(c) => Ok(ints(full, *c)),
                HeadArg::Constant(Some(v)) => Err(int_of(*v)),
                _ => unreachable!("only plain heads are walked by key"),
            })
            .collect();
        let mut head_rows = Vec::with_capacity(full.len());
        let mut at = 0usize;
        for w in 0..full.len() {
            let mut key = 0u64;
            let mut inside = true;
            for (src, &(lo, bits)) in sources.iter().zip(&self.columns) {
                let x = match src {
                    Ok(get) => get(w),
                    Err(c) => *c,
                };
                // Outside the column's range: no head row has it (caught below).
                inside &= x
                    .checked_sub(lo)
                    .is_some_and(|d| d >= 0 && d < 1i128 << bits);
                key = shift(key, bits) | (x.wrapping_sub(lo) as u64);
            }
            at = seek(self.keys.len(), at, |h| self.keys[h] < key);
            assert!(
                inside && at < self.keys.len() && self.keys[at] == key,
                "rule {}: an instance's head tuple is not among the derived tuples",
                rule.id
            );
            head_rows.push(at as u32);
        }
        head_rows
    }
}

/// Where a head column's value comes from in a witness row: a column (as integers) or a constant.
type Source<'a> = Result<Box<dyn Fn(usize) -> i128 + 'a>, i128>;

/// `k` shifted left by `bits` (0 to 64).
fn shift(k: u64, bits: u32) -> u64 {
    k.checked_shl(bits).unwrap_or(0)
}

/// `HeadKeys::walk` for heads with arithmetic or wide ranges: each head tuple built as values.
fn walk_values(
    rule: &Rule,
    args: &[HeadArg],
    full: &Table,
    head: &Table,
    interner: &Interner,
) -> Vec<u32> {
    let mut head_rows = Vec::with_capacity(full.len());
    let mut key = vec![Value::Num(0); args.len()];
    let mut bindings = vec![Value::Num(0); rule.vars.len()];
    let mut at = 0usize;
    for row in 0..full.len() {
        for (k, a) in args.iter().enumerate() {
            key[k] = match a {
                HeadArg::Column(c) => full.get(row, *c),
                HeadArg::Constant(Some(v)) => *v,
                HeadArg::Constant(None) | HeadArg::Computed(_) => {
                    set_bindings(rule, full, row, &mut bindings);
                    match a {
                        HeadArg::Computed(t) => eval(t, &bindings, interner, rule.index),
                        _ => None,
                    }
                    .expect("a recorded instance's head evaluates (arithmetic errors stop the run)")
                }
            };
        }
        at = seek(head.len(), at, |h| {
            head.cmp_prefix(h, &key) == Ordering::Less
        });
        assert!(
            at < head.len() && head.cmp_prefix(at, &key) == Ordering::Equal,
            "rule {}: an instance's head tuple is not among the derived tuples",
            rule.id
        );
        head_rows.push(at as u32);
    }
    head_rows
}

/// Puts witness row `row` of `t` (the rule's variables in witness order) into `b`, by variable.
fn set_bindings(rule: &Rule, t: &Table, row: usize, b: &mut [Value]) {
    for (col, &v) in rule.witness.iter().enumerate() {
        b[v] = t.get(row, col);
    }
}

/// The first row at or after `from` not ordered before the key (`before`): instances come in head order, so
/// the next head is usually at `from` or just after; galloping finds far ones in log steps.
fn seek(len: usize, from: usize, before: impl Fn(usize) -> bool) -> usize {
    if from >= len || !before(from) {
        return from;
    }
    let mut step = 1;
    while from + step < len && before(from + step) {
        step *= 2;
    }
    let lo = from + step / 2 + 1;
    let hi = (from + step).min(len);
    lo + crate::data::store::partition_point(hi - lo, |i| before(lo + i))
}

/// Sorts witness rows by the head tuple each derives, then by the whole row (a total order).
fn sort_by_head(rule: &Rule, args: &[HeadArg], t: &mut Table, interner: &Interner) {
    // Head variables come first in a witness row, in order of first appearance in the head. When
    // the head holds each variable once and no arithmetic, row order is head order (constants are
    // equal in every row), so a plain row sort is a head sort.
    let mut next = 0;
    let row_order_is_head_order = args.iter().all(|a| match a {
        HeadArg::Column(c) => {
            let ok = *c == next;
            next += 1;
            ok
        }
        HeadArg::Constant(_) => true,
        HeadArg::Computed(_) => false,
    });
    if row_order_is_head_order {
        t.sort_dedup();
        return;
    }
    let value = |row: usize, a: &HeadArg| -> Option<Value> {
        match a {
            HeadArg::Column(c) => Some(t.get(row, *c)),
            HeadArg::Constant(v) => *v,
            HeadArg::Computed(term) => {
                let mut b = vec![Value::Num(0); rule.vars.len()];
                set_bindings(rule, t, row, &mut b);
                eval(term, &b, interner, rule.index)
            }
        }
    };
    let mut perm: Vec<u32> = (0..t.len() as u32).collect();
    perm.sort_by(|&a, &b| {
        let (a, b) = (a as usize, b as usize);
        for arg in args {
            let o = match (value(a, arg), value(b, arg)) {
                (Some(x), Some(y)) => x.raw_cmp(&y),
                (x, y) => x.is_some().cmp(&y.is_some()),
            };
            if o != Ordering::Equal {
                return o;
            }
        }
        t.cmp_rows(a, b)
    });
    t.permute(&perm);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::value::Sym;
    use lexproof_lang::SourceFile;
    use proptest::prelude::*;

    /// (rule, relation, first row), as `StageOut::heads`.
    type Placed = (usize, usize, usize);

    const RULES: &str = r#"
.decl q(x: symbol, n: number, d: date, y: symbol)
.decl p(x: symbol, n: number, d: date)
.decl s(x: symbol, y: symbol)
@rule plain
@cite "t" @authority statute @says "s"
p(X, N, D) :- q(X, N, D, _).
@rule extra
@cite "t" @authority statute @says "s"
p(X, N, D) :- q(X, N, D, Y), s(Y, X).
@rule constant
@cite "t" @authority statute @says "s"
p(X, 0, D) :- q(X, _, D, "b").
@rule computed
@cite "t" @authority statute @says "s"
p(X, N + 1, D) :- q(X, N, D, _).
@rule twice
@cite "t" @authority statute @says "s"
s(X, X) :- q(X, _, _, _).
@rule whole
@cite "t" @authority statute @says "s"
p(X, N, D) :- q(X, N, D, X).
"#;

    /// A witness table per rule from `picks` (indexes into small pools of values, numbers and dates
    /// at both ends of their ranges), as an engine would record them: a crepe program or the
    /// run-time evaluator without duplicate rows, a direct stage that read a table before its maker
    /// deduplicated it with some (`duplicates`).
    fn witness_tables(
        checked: &Checked,
        syms: &[Sym],
        picks: &[Vec<usize>],
        duplicates: bool,
    ) -> Vec<(usize, Table)> {
        use crate::data::store::Type;
        let nums = [i128::MIN + 7, -3, 0, 5, i128::MAX - 7];
        let dates = [-1_000_000, -1, 0, 19_000, 2_900_000];
        checked
            .rules
            .iter()
            .map(|rule| {
                let types: Vec<Type> = rule.witness.iter().map(|&v| rule.vars[v].ty).collect();
                let mut t = Table::new(&types);
                let mut seen = std::collections::BTreeSet::new();
                for pick in picks {
                    let row: Vec<Value> = types
                        .iter()
                        .zip(pick)
                        .map(|(ty, &i)| match ty {
                            Type::Symbol => Value::Sym(syms[i % syms.len()]),
                            Type::Number => Value::Num(nums[i % nums.len()]),
                            Type::Date => {
                                Value::Date(crate::data::value::Date(dates[i % dates.len()]))
                            }
                        })
                        .collect();
                    let key: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
                    if seen.insert(key) || duplicates {
                        t.push_row(&row);
                    }
                }
                (rule.index, t)
            })
            .collect()
    }

    fn head_of(rule: &Rule, t: &Table, row: usize, interner: &Interner) -> Option<Vec<Value>> {
        let mut b = vec![Value::Num(0); rule.vars.len()];
        set_bindings(rule, t, row, &mut b);
        rule.head
            .args
            .iter()
            .map(|a| eval(a, &b, interner, rule.index))
            .collect()
    }

    proptest! {
        /// Instances stored against the sorted head tables, found by walking them or by where
        /// the projection put each row, give back exactly the witness rows, under the right heads,
        /// each once.
        #[test]
        fn instances_give_back_every_witness_row(
            picks in proptest::collection::vec(proptest::collection::vec(0usize..5, 4), 0..30),
            projected in any::<bool>(),
            duplicates in any::<bool>(),
        ) {
            let (checked, _) = lexproof_lang::load_rules(&SourceFile::new("t.dl", RULES)).unwrap();
            let mut interner = Interner::default();
            let syms: Vec<Sym> = ["a", "b", "c"].iter().map(|s| interner.intern(s)).collect();
            let full = witness_tables(&checked, &syms, &picks, projected && duplicates);
            // Rows whose head arithmetic overflows derive nothing: an engine records no such row.
            let full: Vec<(usize, Table)> = full
                .into_iter()
                .map(|(r, t)| {
                    let rule = &checked.rules[r];
                    let mut kept = Table::new(&t.types());
                    for i in 0..t.len() {
                        if head_of(rule, &t, i, &interner).is_some() {
                            kept.push_row(&t.row(i));
                        }
                    }
                    (r, kept)
                })
                .collect();
            // Each head relation's table: its rules' heads in rule order, as a projection makes it.
            let mut unsorted: Vec<(usize, Table, Vec<Placed>)> = Vec::new();
            for (r, t) in &full {
                let rule = &checked.rules[*r];
                let rel = rule.head.rel;
                if !unsorted.iter().any(|u| u.0 == rel) {
                    unsorted.push((rel, Table::new(&checked.relations[rel].types()), Vec::new()));
                }
                let u = unsorted.iter_mut().find(|u| u.0 == rel).unwrap();
                u.2.push((*r, rel, u.1.len()));
                for i in 0..t.len() {
                    u.1.push_row(&head_of(rule, t, i, &interner).unwrap());
                }
            }
            let sorted: Vec<(usize, Table, Vec<u32>)> = unsorted
                .iter()
                .map(|(rel, t, _)| {
                    let (s, o) = t.sorted_with_origin();
                    (*rel, s, o)
                })
                .collect();
            let heads: Vec<Head> = sorted
                .iter()
                .map(|(rel, table, origin)| Head {
                    rel: *rel,
                    table,
                    origin: projected.then_some(origin.as_slice()),
                })
                .collect();
            let places: Vec<Placed> = if projected {
                unsorted.iter().flat_map(|u| u.2.clone()).collect()
            } else {
                Vec::new()
            };
            let done = finish(&checked, &interner, full.clone(), &heads, &places);
            prop_assert_eq!(done.len(), full.len());
            for ((r, inst), (_, t)) in done.iter().zip(&full) {
                let rule = &checked.rules[*r];
                let head = &heads.iter().find(|h| h.rel == rule.head.rel).unwrap().table;
                let row_text = |vals: Vec<Value>| format!("{vals:?}");
                let want: std::collections::BTreeSet<String> =
                    (0..t.len()).map(|i| row_text(t.row(i))).collect();
                let mut got = std::collections::BTreeSet::new();
                for i in 0..inst.len() {
                    prop_assert!(i == 0 || inst.head_row(i - 1) <= inst.head_row(i));
                    prop_assert!(inst.of_head(inst.head_row(i)).contains(&i));
                    let b = inst.bindings(i, head, rule.vars.len());
                    let w: Vec<Value> = rule.witness.iter().map(|&v| b[v]).collect();
                    let derived: Vec<Value> = rule
                        .head
                        .args
                        .iter()
                        .map(|a| eval(a, &b, &interner, rule.index).unwrap())
                        .collect();
                    prop_assert_eq!(head.row(inst.head_row(i)), derived, "rule {}", rule.id);
                    got.insert(row_text(w));
                }
                prop_assert_eq!(inst.len(), want.len(), "rule {}", rule.id);
                prop_assert_eq!(got, want, "rule {}", rule.id);
            }
        }
    }
}
