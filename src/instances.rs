//! Rule instances as the database keeps them. An engine records one row per instance holding every
//! variable of the rule (its witness row); most of those values are the head tuple's, which the
//! derived table holds anyway. So each instance is stored as the row of the head tuple it derives
//! (in its relation's sorted derived table) plus only the variables the head does not give.
//! At 10^6 models this is 125 MiB instead of 209 MiB for 17.7 M instances.
//!
//! The compiled engine calls `finish` per stage, on the stage's worker thread once it has sorted the
//! stage's conclusions, so full witness rows never pile up and later stages need not wait for it;
//! the run-time evaluator calls `finish_all` once at the end.

use crate::eval::{const_lookup, eval};
use crate::store::Table;
use crate::value::{Interner, Value};
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

/// Stores each rule's witness rows (`(rule, table)`) as `Instances` against its head relation's
/// table, found in `heads` (`(relation, table)`, sorted and deduplicated). Tables are consumed one
/// at a time, so only one is ever held twice (sorted and not).
pub fn finish(
    checked: &Checked,
    interner: &Interner,
    witnesses: Vec<(usize, Table)>,
    heads: &[(usize, impl std::borrow::Borrow<Table>)],
) -> Vec<(usize, Instances)> {
    witnesses
        .into_iter()
        .map(|(r, full)| {
            let rule = &checked.rules[r];
            let head = heads
                .iter()
                .find(|(rel, _)| *rel == rule.head.rel)
                .expect("a rule's head relation is derived where the rule runs");
            (r, compact(rule, full, head.1.borrow(), interner))
        })
        .collect()
}

/// The run-time evaluator's output as the database keeps it: derived tables sorted, witness rows
/// stored as `Instances` (the compiled engine does this per stage as it runs). Both steps spread
/// their tables over the cores, largest first.
pub fn finish_all(
    checked: &Checked,
    interner: &Interner,
    mut derived: Vec<Option<Table>>,
    witnesses: Vec<Table>,
) -> (Vec<Option<Table>>, Vec<Instances>) {
    let mut jobs: Vec<&mut Table> = derived.iter_mut().flatten().collect();
    jobs.sort_by_key(|t| std::cmp::Reverse(t.len()));
    crate::parallel::for_each(jobs, |t| {
        t.sort_dedup();
    });
    let mut jobs: Vec<(usize, Table)> = witnesses.into_iter().enumerate().collect();
    jobs.sort_by_key(|(_, t)| std::cmp::Reverse(t.len()));
    let heads: Vec<(usize, &Table)> = derived
        .iter()
        .enumerate()
        .filter_map(|(r, t)| t.as_ref().map(|t| (r, t)))
        .collect();
    let mut done = crate::parallel::map(jobs, |job| finish(checked, interner, vec![job], &heads));
    let mut instances: Vec<Instances> = (0..done.len()).map(|_| Instances::default()).collect();
    for (r, inst) in done.drain(..).flatten() {
        instances[r] = inst;
    }
    (derived, instances)
}

/// Stores `full` (one row per instance of `rule`, its variables in witness order) against `head`,
/// the rule's head relation sorted and deduplicated.
fn compact(rule: &Rule, mut full: Table, head: &Table, interner: &Interner) -> Instances {
    let col_of = |v: usize| rule.witness.iter().position(|&w| w == v);
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

    let head_rows = match typed_comparison(&args, &full, head) {
        Some(cmp) => walk_typed(&full, head, &cmp, rule),
        None => walk_values(rule, &args, &full, head, interner),
    };
    Instances {
        head_rows,
        rest: full.into_columns(&rest_cols),
        from_head,
        rest_vars,
    }
}

/// Compares row `h` of the head table with the head tuple of witness row `w`, column by column.
type ColumnCmp<'a> = Box<dyn Fn(usize, usize) -> Ordering + 'a>;

/// Typed comparisons of the head table's columns with the witness table's, when every head argument
/// is a witness column or a known constant (no arithmetic): no `Value` is built per row.
fn typed_comparison<'a>(
    args: &[HeadArg],
    full: &'a Table,
    head: &'a Table,
) -> Option<Vec<ColumnCmp<'a>>> {
    use crate::store::Type;
    args.iter()
        .enumerate()
        .map(|(k, a)| -> Option<ColumnCmp<'a>> {
            Some(match (a, head.types()[k]) {
                (HeadArg::Column(c), Type::Symbol) => {
                    let (x, y) = (head.syms(k), full.syms(*c));
                    Box::new(move |h, w| x[h].cmp(&y[w]))
                }
                (HeadArg::Column(c), Type::Date) => {
                    let (x, y) = (head.dates(k), full.dates(*c));
                    Box::new(move |h, w| x[h].cmp(&y[w]))
                }
                (HeadArg::Column(c), Type::Number) => {
                    let (x, y) = (head.nums(k), full.nums(*c));
                    Box::new(move |h, w| x[h].cmp(&y[w]))
                }
                (HeadArg::Constant(Some(Value::Sym(v))), Type::Symbol) => {
                    let (x, v) = (head.syms(k), *v);
                    Box::new(move |h, _| x[h].cmp(&v))
                }
                (HeadArg::Constant(Some(Value::Date(v))), Type::Date) => {
                    let (x, v) = (head.dates(k), *v);
                    Box::new(move |h, _| x[h].cmp(&v))
                }
                (HeadArg::Constant(Some(Value::Num(v))), Type::Number) => {
                    let (x, v) = (head.nums(k), *v);
                    Box::new(move |h, _| x[h].cmp(&v))
                }
                _ => return None,
            })
        })
        .collect()
}

/// The head row of every witness row (rows in head order), with `typed_comparison`'s comparators.
fn walk_typed(full: &Table, head: &Table, cmp: &[ColumnCmp], rule: &Rule) -> Vec<u32> {
    let order = |h: usize, w: usize| {
        cmp.iter()
            .map(|c| c(h, w))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    };
    let mut head_rows = Vec::with_capacity(full.len());
    let mut at = 0usize;
    for w in 0..full.len() {
        at = seek(head.len(), at, |h| order(h, w) == Ordering::Less);
        assert!(
            at < head.len() && order(at, w) == Ordering::Equal,
            "rule {}: an instance's head tuple is not among the derived tuples",
            rule.id
        );
        head_rows.push(at as u32);
    }
    head_rows
}

/// `walk_typed` for heads with arithmetic: each head tuple evaluated as values.
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
                    for (col, &v) in rule.witness.iter().enumerate() {
                        bindings[v] = full.get(row, col);
                    }
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
    lo + crate::store::partition_point(hi - lo, |i| before(lo + i))
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
                for (col, &v) in rule.witness.iter().enumerate() {
                    b[v] = t.get(row, col);
                }
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
