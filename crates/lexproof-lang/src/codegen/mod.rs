//! Generates the Rust program for a checked rulebase, one module per stage. With witnesses (the
//! shipped build) every stage is plain loops, in one pass (`direct`) or run to a fixpoint where the
//! stage is recursive (`fixpoint`), and each rule records a witness row `W<i>` per instance it finds.
//! Without witnesses (a bench build) each stage is a crepe program, where rule `i` would become
//! `Wi(bindings) <- body; Head <- Wi(bindings);` with them.
//!
//! Names are chosen so crepe accepts any rulebase: relations become `R<index><CamelName>` (crepe
//! lower-cases struct names for its own identifiers, so the index keeps `foo_bar`/`foobar` apart and
//! no name can become a Rust keyword), variables become `v<index>`, and a variable repeated inside one
//! atom is renamed and tested for equality afterwards, which crepe cannot do itself.

use crate::ast::{ArithOp, Type};
use crate::check::{CAtom, CLit, CTerm, Checked, Const, Rule};
use crate::plan::{RulePlan, Scan, Step};
use std::collections::BTreeMap;
use std::fmt::Write;

mod direct;
mod fixpoint;

pub struct Generated {
    pub code: String,
    pub symbols: Vec<String>,
}

pub fn struct_name(checked: &Checked, rel: usize) -> String {
    let camel: String = checked.relations[rel]
        .name
        .split('_')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase())
                .into_iter()
                .chain(c)
                .collect::<String>()
        })
        .collect();
    format!("R{rel}{camel}")
}

fn rust_type(t: Type) -> &'static str {
    match t {
        Type::Symbol => "Sym",
        Type::Number => "i128",
        Type::Date => "Date",
    }
}

/// Writes the crepe code of one rulebase: the symbol constants met so far and the current stage's
/// lookups.
struct Writer<'a> {
    checked: &'a Checked,
    /// Record every rule instance (witness relations).
    witnesses: bool,
    /// The rules file's name, for the comments that place each rule.
    rules_name: &'a str,
    symbols: BTreeMap<String, usize>,
    symbol_list: Vec<String>,
    /// The current stage's lookups: (relation, key columns, whether it returns the other columns).
    lookups: Vec<(usize, Vec<usize>, bool)>,
    /// The current stage runs as plain loops (`direct` or `fixpoint`), not as a crepe program:
    /// lookups are read from the stage's local `lookups`, and a scan is left to `direct`.
    direct: bool,
    /// In a direct stage: the relation and column patterns of each full scan in the body, in order.
    scans: std::collections::VecDeque<(usize, Vec<String>)>,
    /// A premise of the current rule has a column nothing reads (`_`), so two instances may record
    /// the same variables.
    wildcard: bool,
    /// Every lookup of the program by key (`lookup_key`): its relation, type and build code, for
    /// building it ahead of the stages that read it (`LOOKUP_BUILDS`).
    prebuilds: BTreeMap<String, (usize, String, String)>,
    /// In a recursive stage (`fixpoint`): each scan of the stage's own relations that reads them
    /// row by row, in order: the relation, the row pattern, and whether it reads only the rows new
    /// in the last round.
    own_scans: std::collections::VecDeque<(usize, String, bool)>,
    /// In a recursive stage: the indexes its rules read its own relations by (relation, key
    /// columns).
    own_indexes: Vec<(usize, Vec<usize>)>,
}

impl Writer<'_> {
    fn constant(&mut self, c: &Const) -> String {
        match c {
            Const::Sym(s) => {
                let next = self.symbol_list.len();
                let id = *self.symbols.entry(s.clone()).or_insert_with(|| {
                    self.symbol_list.push(s.clone());
                    next
                });
                format!("Sym({id})")
            }
            Const::Num(n) => format!("{n}i128"),
            Const::Date(d) => format!("Date({d})"),
        }
    }

    /// Lowers a term to a Rust expression; arithmetic becomes checked `let Some(..)` clauses pushed
    /// onto `lets`, so an overflow stops the rule instead of wrapping.
    fn term(&mut self, rule: &Rule, t: &CTerm, lets: &mut Vec<String>, tmp: &mut usize) -> String {
        match t {
            CTerm::Var(v) => format!("v{v}"),
            CTerm::Const(c) => self.constant(c),
            CTerm::Wild => "_".to_string(),
            CTerm::Arith(op, a, b) => {
                let ta = self.type_of(rule, a);
                let tb = self.type_of(rule, b);
                let ea = self.term(rule, a, lets, tmp);
                let eb = self.term(rule, b, lets, tmp);
                let f = match (op, ta, tb) {
                    (ArithOp::Add, Type::Date, _) => "date_add",
                    (ArithOp::Add, _, Type::Date) => "num_add_date",
                    (ArithOp::Add, _, _) => "num_add",
                    (ArithOp::Mul, _, _) => "num_mul",
                    (ArithOp::Div, _, _) => "num_div",
                    (ArithOp::Sub, Type::Date, Type::Date) => "date_diff",
                    (ArithOp::Sub, Type::Date, _) => "date_sub",
                    (ArithOp::Sub, _, _) => "num_sub",
                };
                let name = format!("t{tmp}");
                *tmp += 1;
                lets.push(format!(
                    "let Some({name}) = arith::{f}({}, {ea}, {eb})",
                    rule.index
                ));
                name
            }
            CTerm::Call(f, args) => {
                let args: Vec<String> =
                    args.iter().map(|a| self.term(rule, a, lets, tmp)).collect();
                let name = format!("t{tmp}");
                *tmp += 1;
                lets.push(format!(
                    "let Some({name}) = arith::{}({}, {})",
                    f.name(),
                    rule.index,
                    args.join(", ")
                ));
                name
            }
        }
    }

    fn type_of(&self, rule: &Rule, t: &CTerm) -> Type {
        match t {
            CTerm::Var(v) => rule.vars[*v].ty,
            CTerm::Const(Const::Sym(_)) | CTerm::Wild => Type::Symbol,
            CTerm::Const(Const::Num(_)) => Type::Number,
            CTerm::Const(Const::Date(_)) => Type::Date,
            CTerm::Arith(op, a, b) => {
                crate::check::arith_type(*op, self.type_of(rule, a), self.type_of(rule, b))
                    .unwrap_or(Type::Number)
            }
            CTerm::Call(f, _) => f.result(),
        }
    }

    /// The id of this stage's lookup on `rel` keyed by `cols` (`map`: returning the other columns).
    fn lookup_id(&mut self, rel: usize, cols: Vec<usize>, map: bool) -> usize {
        match self
            .lookups
            .iter()
            .position(|l| l.0 == rel && l.1 == cols && l.2 == map)
        {
            Some(id) => id,
            None => {
                self.lookups.push((rel, cols, map));
                self.lookups.len() - 1
            }
        }
    }

    /// `(LOOKUPS...contains(key))`, negated if `negate`.
    fn lookup(&mut self, rel: usize, cols: Vec<usize>, key: &[String], negate: bool) -> String {
        let id = self.lookup_id(rel, cols, false);
        let not = if negate { "!" } else { "" };
        if self.direct {
            return format!("({not}lookups.l{id}.contains(&{}))", tuple(key));
        }
        format!(
            "({not}LOOKUPS.with(|l| l.borrow().l{id}.contains(&{})))",
            tuple(key)
        )
    }

    /// The crepe clauses of a rule's body, step by step from its plan.
    fn body(&mut self, rule: &Rule, plan: &RulePlan) -> Vec<String> {
        let mut clauses = Vec::new();
        let mut tmp = 0usize;
        // Variables bound by a `for` clause: crepe does not count them as its own, so later
        // premises name them as expressions.
        let mut via_for = vec![false; rule.vars.len()];
        for step in &plan.steps {
            match step {
                Step::Member { rel, args, .. } => {
                    // Every argument is known here and the relation is complete before this stage:
                    // a membership test, with no need to load the relation into crepe.
                    let mut lets = Vec::new();
                    let key: Vec<String> = args
                        .iter()
                        .map(|a| self.term(rule, a, &mut lets, &mut tmp))
                        .collect();
                    clauses.extend(lets);
                    let cols = (0..args.len()).collect();
                    clauses.push(self.lookup(rel.0, cols, &key, false));
                }
                Step::Scan(scan) if scan.own && self.direct => {
                    clauses.extend(self.own_scan(rule, scan, &mut tmp));
                }
                Step::Scan(scan) if !scan.own && !scan.key.is_empty() => {
                    // Some arguments known: the matching rows come from a lookup on those columns,
                    // bound by a `for` clause.
                    let mut lets = Vec::new();
                    let mut after = Vec::new();
                    let key: Vec<String> = scan
                        .key
                        .iter()
                        .map(|(_, t)| self.term(rule, t, &mut lets, &mut tmp))
                        .collect();
                    let cols: Vec<usize> = scan.key.iter().map(|(c, _)| *c).collect();
                    let arity = self.checked.relations[scan.rel.0].arity();
                    let pattern: Vec<String> = (0..arity)
                        .filter(|c| !cols.contains(c))
                        .map(|c| self.unknown_column(rule, scan, c, &mut after, &mut tmp))
                        .collect();
                    clauses.extend(lets);
                    let id = self.lookup_id(scan.rel.0, cols, true);
                    clauses.push(if self.direct {
                        format!(
                            "for &{} in lookups.l{id}.get(&{})",
                            tuple(&pattern),
                            tuple(&key)
                        )
                    } else {
                        format!(
                            "for {} in LOOKUPS.with(|l| l.borrow().l{id}.copied_of(&{}))",
                            tuple(&pattern),
                            tuple(&key)
                        )
                    });
                    for &(_, v) in &scan.binds {
                        via_for[v.0] = true;
                    }
                    clauses.extend(after);
                }
                Step::Scan(scan) => {
                    // A crepe relation: known columns are join keys or constants.
                    let mut after = Vec::new();
                    let arity = self.checked.relations[scan.rel.0].arity();
                    let mut args = Vec::with_capacity(arity);
                    for c in 0..arity {
                        let arg = match scan.key.iter().find(|(k, _)| *k == c) {
                            Some((_, CTerm::Var(v))) if via_for[*v] => format!("(v{v})"),
                            Some((_, t @ (CTerm::Arith(..) | CTerm::Call(..)))) => {
                                let r = format!("d{}_{c}", scan.lit);
                                let e = self.term(rule, t, &mut after, &mut tmp);
                                after.push(format!("({r} == {e})"));
                                r
                            }
                            Some((_, t)) => self.term(rule, t, &mut Vec::new(), &mut tmp),
                            None => self.unknown_column(rule, scan, c, &mut after, &mut tmp),
                        };
                        args.push(arg);
                    }
                    if self.direct {
                        self.scans.push_back((scan.rel.0, args));
                        clauses.push(direct::SCAN.to_string());
                    } else {
                        clauses.push(format!(
                            "{}({})",
                            struct_name(self.checked, scan.rel.0),
                            args.join(", ")
                        ));
                    }
                    clauses.extend(after);
                }
                Step::Absent { rel, cols, key, .. } => {
                    // A negated relation is complete before this stage runs (stratification), so
                    // it is tested against a hash set of the columns the atom binds instead of
                    // being loaded into crepe, whose negation index keeps a Vec per key.
                    let mut lets = Vec::new();
                    let key: Vec<String> = key
                        .iter()
                        .map(|t| self.term(rule, t, &mut lets, &mut tmp))
                        .collect();
                    clauses.extend(lets);
                    clauses.push(self.lookup(rel.0, cols.clone(), &key, true));
                }
                Step::Compare {
                    op, left, right, ..
                } => {
                    let mut lets = Vec::new();
                    let ea = self.term(rule, left, &mut lets, &mut tmp);
                    let eb = self.term(rule, right, &mut lets, &mut tmp);
                    clauses.extend(lets);
                    let op = match op.symbol() {
                        "=" => "==",
                        s => s,
                    };
                    clauses.push(format!("({ea} {op} {eb})"));
                }
                Step::Let { var, expr, .. } => {
                    let mut lets = Vec::new();
                    let ee = self.term(rule, expr, &mut lets, &mut tmp);
                    clauses.extend(lets);
                    clauses.push(format!("let v{} = {ee}", var.0));
                }
            }
        }
        if plan.steps.is_empty() {
            clauses.push("(true)".to_string());
        }
        // Last, so it counts instances, not attempts: the run's budget (see `budget` in lexproof).
        clauses.push(format!("(tick({}))", rule.index));
        clauses
    }

    /// The clauses reading a relation of the current recursive stage (`fixpoint`): row by row
    /// (`OWN_SCAN`, for `direct::stage_code` to place), with the columns already known compared
    /// after; or through an index on the known columns.
    fn own_scan(&mut self, rule: &Rule, scan: &Scan, tmp: &mut usize) -> Vec<String> {
        let arity = self.checked.relations[scan.rel.0].arity();
        let mut clauses = Vec::new();
        let mut after = Vec::new();
        if scan.delta || scan.key.is_empty() {
            let mut pattern = Vec::with_capacity(arity);
            for c in 0..arity {
                match scan.key.iter().find(|(k, _)| *k == c) {
                    Some((_, t)) => {
                        let r = format!("d{}_{c}", scan.lit);
                        let e = self.term(rule, t, &mut after, tmp);
                        after.push(format!("({r} == {e})"));
                        pattern.push(r);
                    }
                    None => pattern.push(self.unknown_column(rule, scan, c, &mut after, tmp)),
                }
            }
            self.own_scans
                .push_back((scan.rel.0, tuple(&pattern), scan.delta));
            clauses.push(direct::OWN_SCAN.to_string());
        } else {
            let key: Vec<String> = scan
                .key
                .iter()
                .map(|(_, t)| self.term(rule, t, &mut clauses, tmp))
                .collect();
            let cols: Vec<usize> = scan.key.iter().map(|(c, _)| *c).collect();
            let pattern: Vec<String> = (0..arity)
                .filter(|c| !cols.contains(c))
                .map(|c| self.unknown_column(rule, scan, c, &mut after, tmp))
                .collect();
            let index = (scan.rel.0, cols);
            let id = match self.own_indexes.iter().position(|i| *i == index) {
                Some(id) => id,
                None => {
                    self.own_indexes.push(index);
                    self.own_indexes.len() - 1
                }
            };
            clauses.push(format!(
                "for &{} in own.i{id}.get(&{})",
                tuple(&pattern),
                tuple(&key)
            ));
        }
        clauses.extend(after);
        clauses
    }

    /// The pattern for column `c` of a scan, which the row binds: a new variable, or a fresh name
    /// tested in `after` against the variable it repeats or the term it must equal.
    fn unknown_column(
        &mut self,
        rule: &Rule,
        scan: &Scan,
        c: usize,
        after: &mut Vec<String>,
        tmp: &mut usize,
    ) -> String {
        if let Some((_, v)) = scan.binds.iter().find(|(k, _)| *k == c) {
            return format!("v{}", v.0);
        }
        let r = format!("d{}_{c}", scan.lit);
        if let Some((_, v)) = scan.same.iter().find(|(k, _)| *k == c) {
            // crepe reads a variable repeated inside one atom as an unbound key.
            after.push(format!("({r} == v{})", v.0));
        } else if let Some((_, t)) = scan.checks.iter().find(|(k, _)| *k == c) {
            let e = self.term(rule, t, after, tmp);
            after.push(format!("({r} == {e})"));
        } else {
            self.wildcard = true;
        }
        r
    }

    fn head(&mut self, rule: &Rule, atom: &CAtom, lets: &mut Vec<String>) -> String {
        let mut tmp = 1000usize;
        let args: Vec<String> = atom
            .args
            .iter()
            .map(|a| self.term(rule, a, lets, &mut tmp))
            .collect();
        format!(
            "{}({})",
            struct_name(self.checked, atom.rel),
            args.join(", ")
        )
    }
}

fn type_name(t: Type) -> &'static str {
    match t {
        Type::Symbol => "Symbol",
        Type::Number => "Number",
        Type::Date => "Date",
    }
}

/// A Rust tuple expression or type of the items: `(a,)` for one.
fn tuple<S: AsRef<str>>(items: &[S]) -> String {
    let items: Vec<&str> = items.iter().map(|s| s.as_ref()).collect();
    if items.len() == 1 {
        format!("({},)", items[0])
    } else {
        format!("({})", items.join(", "))
    }
}

/// The `Table` method giving a column of this type as a slice.
fn column(t: Type) -> &'static str {
    match t {
        Type::Symbol => "syms",
        Type::Number => "nums",
        Type::Date => "dates",
    }
}

/// The `Table` method appending a value of this type to a column.
fn push(t: Type) -> &'static str {
    match t {
        Type::Symbol => "push_sym",
        Type::Number => "push_num",
        Type::Date => "push_date",
    }
}

/// `let c0 = t.syms(0); ...` and `R(c0[k], ...)`: feeding a table's columns to a crepe struct.
fn columns_of(types: &[Type]) -> (String, String) {
    let cols: Vec<String> = types
        .iter()
        .enumerate()
        .map(|(k, t)| format!("let c{k} = t.{}({k});", column(*t)))
        .collect();
    let args: Vec<String> = (0..types.len()).map(|k| format!("c{k}[k]")).collect();
    (cols.join(" "), args.join(", "))
}

/// Where a crepe output goes.
enum Dest {
    Derived(usize),
    Witness(usize),
}

/// For code run on each witness row `w` of `rule`: the variables its head reads bound from `w`, the
/// checked arithmetic of the head (a failure skips the row, and is recorded), and the head's
/// arguments as expressions.
fn head_of_witness(g: &mut Writer, rule: &Rule) -> (String, Vec<String>) {
    let mut head_vars = Vec::new();
    rule.head.args.iter().for_each(|a| a.vars(&mut head_vars));
    let mut prelude = String::new();
    for (col, &v) in rule.witness.iter().enumerate() {
        if head_vars.contains(&v) {
            write!(prelude, "let v{v} = w.{col}; ").unwrap();
        }
    }
    let mut lets = Vec::new();
    let mut tmp = 1000usize;
    let args: Vec<String> = rule
        .head
        .args
        .iter()
        .map(|a| g.term(rule, a, &mut lets, &mut tmp))
        .collect();
    for l in lets {
        write!(prelude, "{l} else {{ continue }}; ").unwrap();
    }
    (prelude, args)
}

/// Code appending, for each witness row of `rule` (the parts `o<k>` of a direct stage), the head it
/// concludes to the head relation's table `h<rel>`.
fn projection(g: &mut Writer, rule: &Rule, k: usize) -> String {
    let (prelude, args) = head_of_witness(g, rule);
    let types = g.checked.relations[rule.head.rel].types();
    let h = format!("h{}", rule.head.rel);
    let mut pushes = String::new();
    for (j, e) in args.iter().enumerate() {
        write!(pushes, "{h}.{}({j}, {e}); ", push(types[j])).unwrap();
    }
    format!("for w in o{k}.iter().flatten() {{ {prelude}{pushes}{h}.end_row(); }}")
}

/// Where every head argument is a witness variable or a constant: code appending the heads of
/// all witness rows (the parts `o<k>` of a direct stage) to `h<rel>` column by column (no row can be
/// skipped).
fn column_projection(g: &mut Writer, rule: &Rule, k: usize) -> Option<String> {
    let types = g.checked.relations[rule.head.rel].types();
    let h = format!("h{}", rule.head.rel);
    let mut code = format!("for part in &o{k} {{ ");
    for (j, a) in rule.head.args.iter().enumerate() {
        let cells = match a {
            CTerm::Var(v) => {
                let col = rule.witness.iter().position(|w| w == v)?;
                format!("part.iter().map(|w| w.{col})")
            }
            CTerm::Const(c) => format!("std::iter::repeat_n({}, part.len())", g.constant(c)),
            _ => return None,
        };
        write!(code, "{h}.{}({j}, {cells}); ", extend(types[j])).unwrap();
    }
    write!(code, "{h}.grew(part.len()); }}").unwrap();
    Some(code)
}

/// The `Table` method appending cells of this type to a column.
fn extend(t: Type) -> &'static str {
    match t {
        Type::Symbol => "extend_syms",
        Type::Number => "extend_nums",
        Type::Date => "extend_dates",
    }
}

/// The expression giving relation `r`'s table inside a stage's `run`.
fn table_of(checked: &Checked, r: usize) -> String {
    if checked.relations[r].derived {
        format!("derived[{r}].as_deref().expect(\"stages run after the stages they read\")")
    } else {
        format!("&inputs[{r}]")
    }
}

/// One stage: the rules of one component of the dependency graph (a relation, or relations defined
/// by mutual recursion) as its own module. Splitting the rulebase this way frees each stage's
/// witness rows, growing relations and indexes as soon as its conclusions are stored as tables, and lets stages
/// that do not depend on each other run on different cores.
struct Stage {
    /// The relations it defines, for timings.
    name: String,
    code: String,
    /// Stages whose conclusions this one reads.
    deps: Vec<usize>,
    /// Derived relations of those stages that it reads.
    reads: Vec<usize>,
    /// The keys of the lookups it builds or shares (`lookup_key`).
    lookups: Vec<String>,
}

/// The name under which a lookup is shared between stages: the relation, the key columns, and
/// whether it is a set or a multimap (the value columns are the rest, in order).
fn lookup_key((rel, cols, map): &(usize, Vec<usize>, bool)) -> String {
    let cols: Vec<String> = cols.iter().map(|c| c.to_string()).collect();
    format!("r{rel}k{}{}", cols.join("_"), if *map { "m" } else { "s" })
}

fn stage(g: &mut Writer, comp: &[usize], defined_by: &[Option<usize>]) -> Stage {
    let (checked, witnesses) = (g.checked, g.witnesses);
    let rules: Vec<&Rule> = checked.component_rules(comp).collect();
    let plans: Vec<RulePlan> = rules.iter().map(|r| RulePlan::compiled(r, comp)).collect();
    let (reads, negated) = outside_relations(&plans);
    let mut deps: Vec<usize> = reads
        .iter()
        .chain(&negated)
        .filter_map(|&r| defined_by[r])
        .collect();
    deps.sort_unstable();
    deps.dedup();
    // The derived relations of earlier stages it reads: only these are handed to it.
    let mut inputs: Vec<usize> = reads
        .iter()
        .chain(&negated)
        .copied()
        .filter(|&r| defined_by[r].is_some())
        .collect();
    inputs.sort_unstable();
    inputs.dedup();

    // A stage that does not read its own relations needs no fixpoint: with witnesses it runs as
    // plain loops (`direct`), each rule's conclusions its witness rows projected onto the head
    // afterwards (duplicates are removed when the stage's tables are sorted); a recursive one runs
    // those loops to a fixpoint (`fixpoint`). Every stage of a program without witnesses is a crepe
    // program.
    let recursive = rules.iter().any(|r| {
        r.body
            .iter()
            .any(|l| matches!(l, CLit::Pos(a) | CLit::Neg(a) if comp.contains(&a.rel)))
    });
    let mut defined: Vec<usize> = comp.to_vec();
    defined.sort_unstable();
    let code = if witnesses && !recursive {
        direct::stage_code(g, &rules, &plans, &defined)
    } else if witnesses {
        fixpoint::stage_code(g, comp, &rules, &defined)
    } else {
        let program = CrepeProgram::new(g, &rules, &plans, &reads, &defined);
        let mut code = String::new();
        writeln!(code, "    use super::*;\n").unwrap();
        code.push_str(&lookups_decl(checked, &g.lookups, true));
        writeln!(code, "    crepe::crepe! {{\n{}    }}\n", program.text).unwrap();
        let lookups = g.lookups.clone();
        code.push_str(&run_fn(g, &lookups, &program, &defined));
        code
    };
    let lookups = std::mem::take(&mut g.lookups);
    let name = defined
        .iter()
        .map(|&r| checked.relations[r].name.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    Stage {
        name,
        code,
        deps,
        reads: inputs,
        lookups: lookups.iter().map(lookup_key).collect(),
    }
}

/// The relations from outside a stage that its plans read: `reads` are loaded into crepe (scans
/// that bind every column they read), `negated` only read through lookups (membership tests, keyed
/// scans, negations). `reads` sorted.
fn outside_relations(plans: &[RulePlan]) -> (Vec<usize>, Vec<usize>) {
    let mut reads: Vec<usize> = Vec::new();
    let mut negated: Vec<usize> = Vec::new();
    for step in plans.iter().flat_map(|p| &p.steps) {
        match step {
            Step::Scan(s) if s.own => {}
            Step::Scan(s) if s.key.is_empty() => {
                if !reads.contains(&s.rel.0) {
                    reads.push(s.rel.0);
                }
            }
            Step::Scan(Scan { rel, .. }) | Step::Member { rel, .. } | Step::Absent { rel, .. } => {
                negated.push(rel.0)
            }
            Step::Compare { .. } | Step::Let { .. } => {}
        }
    }
    reads.sort_unstable();
    (reads, negated)
}

/// A stage's crepe program: its text, its output relations (struct, column types, where the table
/// goes) and its input relations (struct, column types, where the table comes from).
struct CrepeProgram {
    text: String,
    outputs: Vec<(String, Vec<Type>, Dest)>,
    feeds: Vec<(String, Vec<Type>, String)>,
}

impl CrepeProgram {
    fn new(
        g: &mut Writer,
        rules: &[&Rule],
        plans: &[RulePlan],
        reads: &[usize],
        defined: &[usize],
    ) -> CrepeProgram {
        let (checked, witnesses, rules_name) = (g.checked, g.witnesses, g.rules_name);
        let mut program = String::new();
        // (crepe output struct, column types, where the table goes)
        let mut outputs: Vec<(String, Vec<Type>, Dest)> = Vec::new();
        // (crepe input struct, column types, where the table comes from)
        let mut feeds: Vec<(String, Vec<Type>, String)> = Vec::new();
        let fields = |rel: usize| -> String {
            checked.relations[rel]
                .fields
                .iter()
                .map(|(_, t)| format!("pub {}", rust_type(*t)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        for &r in reads {
            let name = struct_name(checked, r);
            writeln!(program, "    @input\n    pub struct {name}({});", fields(r)).unwrap();
            feeds.push((name, checked.relations[r].types(), table_of(checked, r)));
        }
        for &i in defined {
            let r = &checked.relations[i];
            let name = struct_name(checked, i);
            writeln!(
                program,
                "    @output\n    pub struct {name}({});",
                fields(i)
            )
            .unwrap();
            outputs.push((name.clone(), r.types(), Dest::Derived(i)));
            if r.has_rule_facts {
                writeln!(program, "    @input\n    pub struct I{i}({});", fields(i)).unwrap();
                let vars: Vec<String> = (0..r.arity()).map(|k| format!("x{k}")).collect();
                writeln!(program, "    {name}({0}) <- I{i}({0});", vars.join(", ")).unwrap();
                feeds.push((format!("I{i}"), r.types(), format!("&inputs[{i}]")));
            }
        }
        for (rule, plan) in rules.iter().zip(plans) {
            writeln!(
                program,
                "    // {rules_name}:{} rule {}",
                rule.line, rule.id
            )
            .unwrap();
            let body = g.body(rule, plan);
            let mut lets = Vec::new();
            if witnesses {
                let wtypes: Vec<Type> = rule.witness.iter().map(|&v| rule.vars[v].ty).collect();
                let wfields: Vec<String> = wtypes
                    .iter()
                    .map(|t| format!("pub {}", rust_type(*t)))
                    .collect();
                let wvars: Vec<String> = rule.witness.iter().map(|v| format!("v{v}")).collect();
                let w = format!("W{}", rule.index);
                writeln!(
                    program,
                    "    @output\n    pub struct {w}({});",
                    wfields.join(", ")
                )
                .unwrap();
                writeln!(
                    program,
                    "    {w}({}) <-\n        {};",
                    wvars.join(", "),
                    body.join(",\n        ")
                )
                .unwrap();
                let head = g.head(rule, &rule.head, &mut lets);
                let mut clauses = vec![format!("{w}({})", wvars.join(", "))];
                clauses.extend(lets);
                writeln!(program, "    {head} <- {};", clauses.join(", ")).unwrap();
                outputs.push((w, wtypes, Dest::Witness(rule.index)));
            } else {
                let head = g.head(rule, &rule.head, &mut lets);
                let mut clauses = body;
                clauses.extend(lets);
                writeln!(
                    program,
                    "    {head} <-\n        {};",
                    clauses.join(",\n        ")
                )
                .unwrap();
            }
        }

        CrepeProgram {
            text: program,
            outputs,
            feeds,
        }
    }
}

/// The stage's `Lookups` (hash sets and multimaps of relations read by key) and their per-thread
/// slot.
fn lookups_decl(
    checked: &Checked,
    lookups: &[(usize, Vec<usize>, bool)],
    thread_local: bool,
) -> String {
    let mut code = String::new();
    let fields: Vec<String> = lookups
        .iter()
        .enumerate()
        .map(|(id, l)| {
            format!(
                "        pub l{id}: std::sync::Arc<{}>,",
                lookup_type(checked, l)
            )
        })
        .collect();
    writeln!(
        code,
        "    /// Hash sets of the relations this stage negates, keyed by the columns each negation binds.\n    #[derive(Default)]\n    pub struct Lookups {{\n{}\n    }}\n",
        fields.join("\n")
    )
    .unwrap();
    if !thread_local {
        return code;
    }
    // Per thread, so stages (and tests) running at once on other threads never share them.
    writeln!(
        code,
        "    thread_local! {{\n        static LOOKUPS: std::cell::RefCell<Lookups> = std::cell::RefCell::new(Lookups::default());\n    }}\n"
    )
    .unwrap();
    code
}

/// The Rust type of a lookup (a set or a multimap; see `KeyKind` for how it finds a key).
fn lookup_type(checked: &Checked, (rel, cols, map): &(usize, Vec<usize>, bool)) -> String {
    let types = checked.relations[*rel].types();
    let key: Vec<&str> = cols.iter().map(|&c| rust_type(types[c])).collect();
    let rest: Vec<&str> = (0..types.len())
        .filter(|c| !cols.contains(c))
        .map(|c| rust_type(types[c]))
        .collect();
    match (*map, lookup_kind(&key)) {
        (true, KeyKind::Symbol) => format!("SymMap<{}>", tuple(&rest)),
        (false, KeyKind::Symbol) => "SymSet".to_string(),
        (true, KeyKind::LedBySymbol) => format!("SortedMap<{}, {}>", tuple(&key), tuple(&rest)),
        (false, KeyKind::LedBySymbol) => format!("SortedSet<{}>", tuple(&key)),
        (true, KeyKind::Other) => format!("MultiMap<{}, {}>", tuple(&key), tuple(&rest)),
        (false, KeyKind::Other) => format!("HashSet<{}, rustc_hash::FxBuildHasher>", tuple(&key)),
    }
}

/// How a lookup finds its key: by a symbol's id, by halves among keys sorted and bucketed by
/// their leading symbol, or by hashing.
#[derive(Debug, PartialEq)]
enum KeyKind {
    Symbol,
    LedBySymbol,
    Other,
}

fn lookup_kind(key: &[&str]) -> KeyKind {
    match key {
        ["Sym"] => KeyKind::Symbol,
        ["Sym", ..] => KeyKind::LedBySymbol,
        _ => KeyKind::Other,
    }
}

/// Code building a lookup from its relation's table (`derived` or `inputs`).
fn lookup_build(checked: &Checked, (rel, cols, map): &(usize, Vec<usize>, bool)) -> String {
    let types = checked.relations[*rel].types();
    let (cols_code, _) = columns_of(&types);
    let key: Vec<String> = cols.iter().map(|c| format!("c{c}[k]")).collect();
    let item = if *map {
        let rest: Vec<String> = (0..types.len())
            .filter(|c| !cols.contains(c))
            .map(|c| format!("c{c}[k]"))
            .collect();
        format!("({}, {})", tuple(&key), tuple(&rest))
    } else {
        tuple(&key)
    };
    let key_types: Vec<&str> = cols.iter().map(|&c| rust_type(types[c])).collect();
    let build = if *map {
        let map_type = match lookup_kind(&key_types) {
            KeyKind::Symbol => "SymMap",
            KeyKind::LedBySymbol => "SortedMap",
            KeyKind::Other => "MultiMap",
        };
        format!("{map_type}::build((0..t.len()).map(|k| {item}).collect())")
    } else {
        format!("(0..t.len()).map(|k| {item}).collect()")
    };
    format!(
        "{{ let t: &Table = {}; {cols_code} {build} }}",
        table_of(checked, *rel)
    )
}

/// The stage's `run`: builds the lookups, feeds crepe, runs it, and stores its outputs as tables.
fn run_fn(
    g: &mut Writer,
    lookups: &[(usize, Vec<usize>, bool)],
    program: &CrepeProgram,
    defined: &[usize],
) -> String {
    let (outputs, feeds) = (&program.outputs, &program.feeds);
    let mut code = String::new();
    writeln!(
        code,
        "    pub fn run(inputs: &[Table], derived: Done, cache: &LookupCache, _share: &Share) -> StageOut {{"
    )
    .unwrap();
    code.push_str(&build_lookups(g, lookups, true));
    writeln!(code, "        let mut rt = Crepe::new();").unwrap();
    for (name, types, source) in feeds {
        let (cols, args) = columns_of(types);
        writeln!(
            code,
            "        {{ let t: &Table = {source}; {cols} rt.extend((0..t.len()).map(|k| {name}({args}))); }}"
        )
        .unwrap();
    }
    // Everything read from earlier stages is copied into crepe and the lookups by now: letting go
    // frees a table the stage that made it has replaced by a sorted copy.
    writeln!(code, "        drop(derived);").unwrap();
    let names: Vec<String> = (0..outputs.len()).map(|k| format!("o{k}")).collect();
    writeln!(
        code,
        "        let ({},) = rt.run_with_hasher::<rustc_hash::FxBuildHasher>();",
        names.join(", ")
    )
    .unwrap();
    if !lookups.is_empty() {
        writeln!(
            code,
            "        LOOKUPS.with(|l| *l.borrow_mut() = Lookups::default());"
        )
        .unwrap();
    }
    code.push_str(&store_outputs(g, outputs, defined, false));
    writeln!(code, "        out\n    }}").unwrap();
    code
}

/// Code filling the stage's lookups from the tables they index.
fn build_lookups(
    g: &mut Writer,
    lookups: &[(usize, Vec<usize>, bool)],
    thread_local: bool,
) -> String {
    let checked = g.checked;
    let mut code = String::new();
    if !lookups.is_empty() {
        writeln!(code, "        let mut lookups = Lookups::default();").unwrap();
        for (id, l) in lookups.iter().enumerate() {
            let key = lookup_key(l);
            let build = lookup_build(checked, l);
            // Built once per run by the first stage that needs it, or ahead of it
            // (`Writer::prebuilds`), and shared with the others.
            writeln!(
                code,
                "        lookups.l{id} = cache.get({key:?}, || {build});"
            )
            .unwrap();
            g.prebuilds
                .entry(key)
                .or_insert_with(|| (l.0, lookup_type(checked, l), build));
        }
        if thread_local {
            writeln!(code, "        LOOKUPS.with(|l| *l.borrow_mut() = lookups);").unwrap();
        }
    }
    code
}

/// Code storing crepe's outputs as tables: derived relations, and witness rows (projected onto
/// their head tables when `project`).
fn store_outputs(
    g: &mut Writer,
    outputs: &[(String, Vec<Type>, Dest)],
    defined: &[usize],
    project: bool,
) -> String {
    let checked = g.checked;
    let mut code = String::new();
    writeln!(code, "        let mut out = StageOut::default();").unwrap();
    if project {
        for &i in defined {
            let tys: Vec<String> = checked.relations[i]
                .types()
                .iter()
                .map(|t| format!("Type::{}", type_name(*t)))
                .collect();
            writeln!(
                code,
                "        let mut h{i} = Table::new(&[{}]);",
                tys.join(", ")
            )
            .unwrap();
            if checked.relations[i].has_rule_facts {
                writeln!(code, "        h{i}.append(&inputs[{i}]);").unwrap();
            }
            // One head row per witness row at most: reserved at once, the table never grows
            // (growing copies it and leaves up to half its capacity unused).
            let rows: Vec<String> = outputs
                .iter()
                .enumerate()
                .filter(|(_, (_, _, dest))| {
                    matches!(dest, Dest::Witness(r) if checked.rules[*r].head.rel == i)
                })
                .map(|(k, _)| format!("o{k}.iter().map(Vec::len).sum::<usize>()"))
                .collect();
            if !rows.is_empty() {
                writeln!(code, "        h{i}.reserve({});", rows.join(" + ")).unwrap();
            }
        }
    }
    for (k, (sname, types, dest)) in outputs.iter().enumerate() {
        let tys: Vec<String> = types
            .iter()
            .map(|t| format!("Type::{}", type_name(*t)))
            .collect();
        if let (true, Dest::Witness(r)) = (project, dest) {
            // A direct stage's witness rows come in parts (`direct::stage_code`). Their heads are
            // projected from the parts at once; the witness table, which only the stage's
            // instances need, is built after later stages may start (`StageOut::later`).
            let rule = &checked.rules[*r];
            let rel = rule.head.rel;
            let h = format!("h{rel}");
            let heads = match column_projection(g, rule, k) {
                Some(columns) => format!("{columns} out.heads.push(({r}, {rel}, first));"),
                None => format!(
                    "{} if {h}.len() - first == rows {{ out.heads.push(({r}, {rel}, first)); }}",
                    projection(g, rule, k)
                ),
            };
            let fills: Vec<String> = types
                .iter()
                .enumerate()
                .map(|(j, t)| format!("t.{}({j}, part.iter().map(|w| w.{j}));", extend(*t)))
                .collect();
            writeln!(
                code,
                "        {{ let rows: usize = o{k}.iter().map(Vec::len).sum(); let first = {h}.len(); {heads} out.later.push(({r}, Box::new(move || {{ let mut t = Table::with_capacity(vec![{}], rows); for part in &o{k} {{ {} }} t.grew(rows); t }}))); }}",
                tys.join(", "),
                fills.join(" ")
            )
            .unwrap();
            continue;
        }
        let binds: Vec<String> = (0..types.len()).map(|j| format!("a{j}")).collect();
        let pushes: Vec<String> = types
            .iter()
            .enumerate()
            .map(|(j, t)| format!("t.{}({j}, a{j});", push(*t)))
            .collect();
        let store = match dest {
            Dest::Derived(i) => format!("out.derived.push(({i}, t));"),
            Dest::Witness(r) => format!("out.witnesses.push(({r}, t));"),
        };
        writeln!(
            code,
            "        {{ let mut t = Table::with_capacity(vec![{}], o{k}.len()); for {sname}({}) in o{k} {{ {} t.end_row(); }} {store} }}",
            tys.join(", "),
            binds.join(", "),
            pushes.join(" ")
        )
        .unwrap();
    }
    if project {
        for &i in defined {
            writeln!(code, "        out.derived.push(({i}, h{i}));").unwrap();
        }
    }
    code
}

/// The generated Rust source: one module per stage (see `Stage`), the stage graph, and
/// `evaluate`, which feeds input tables in and returns every derived relation and witness relation
/// as tables.
pub fn generate(checked: &Checked, witnesses: bool, rules_name: &str) -> Generated {
    let mut g = Writer {
        checked,
        witnesses,
        rules_name,
        symbols: BTreeMap::new(),
        symbol_list: Vec::new(),
        lookups: Vec::new(),
        direct: false,
        scans: Default::default(),
        wildcard: false,
        prebuilds: BTreeMap::new(),
        own_scans: Default::default(),
        own_indexes: Vec::new(),
    };
    let mut stages: Vec<Stage> = Vec::new();
    let mut defined_by: Vec<Option<usize>> = vec![None; checked.relations.len()];
    for comp in &checked.components {
        if checked.component_rules(comp).next().is_none() {
            continue;
        }
        let s = stage(&mut g, comp, &defined_by);
        for &r in comp {
            defined_by[r] = Some(stages.len());
        }
        stages.push(s);
    }

    let mut out = String::new();
    writeln!(
        out,
        "// @generated by lexproof-lang from {rules_name}: do not edit; edit the rules file."
    )
    .unwrap();
    writeln!(out, "use crate::engine::api::*;").unwrap();
    writeln!(out, "use std::collections::HashSet;\n").unwrap();
    writeln!(out, "pub const WITNESSES: bool = {witnesses};").unwrap();
    writeln!(out, "pub const RULES: usize = {};", checked.rules.len()).unwrap();
    writeln!(
        out,
        "pub const RELATIONS: usize = {};\n",
        checked.relations.len()
    )
    .unwrap();
    for (k, s) in stages.iter().enumerate() {
        writeln!(out, "pub mod s{k} {{\n{}}}\n", s.code).unwrap();
    }
    let entries: Vec<String> = stages
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let list = |v: &[usize]| {
                v.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let keys: Vec<String> = s.lookups.iter().map(|k| format!("{k:?}")).collect();
            format!(
                "    Stage {{ name: {:?}, deps: &[{}], reads: &[{}], lookups: &[{}], run: s{k}::run }},",
                s.name,
                list(&s.deps),
                list(&s.reads),
                keys.join(", ")
            )
        })
        .collect();
    writeln!(
        out,
        "/// The stages in dependency order, each with the stages it reads from.\npub static STAGES: &[Stage] = &[\n{}\n];\n",
        entries.join("\n")
    )
    .unwrap();
    let mut builds = Vec::new();
    for (n, (key, (rel, ty, build))) in g.prebuilds.iter().enumerate() {
        writeln!(
            out,
            "fn lk{n}(inputs: &[Table], derived: &Done, cache: &LookupCache) {{\n    let _: std::sync::Arc<{ty}> = cache.get({key:?}, || {build});\n}}"
        )
        .unwrap();
        let stage = match defined_by[*rel] {
            Some(s) => format!("Some({s})"),
            None => "None".to_string(),
        };
        builds.push(format!(
            "    Prebuild {{ key: {key:?}, rel: {rel}, stage: {stage}, build: lk{n} }},"
        ));
    }
    writeln!(
        out,
        "\n/// The lookups the stages share, each with the stage that derives its relation (None for input\n/// facts), so it can be built before the first stage that reads it starts.\npub static LOOKUP_BUILDS: &[Prebuild] = &[\n{}\n];\n",
        builds.join("\n")
    )
    .unwrap();
    writeln!(
        out,
        "/// Runs the compiled rulebase on input tables (one per relation, in declaration order),\n/// each stage's output finished by `finish` (see `stages::Finish`)."
    )
    .unwrap();
    writeln!(
        out,
"pub fn evaluate(inputs: &[Table], finish: &Finish, obs: &dyn Observer) -> (Vec<Option<Table>>, Vec<Instances>) {{\n    run_stages(STAGES, LOOKUP_BUILDS, inputs, RELATIONS, if WITNESSES {{ RULES }} else {{ 0 }}, finish, obs)\n}}\n"
    )
    .unwrap();
    writeln!(out, "/// Symbol constants of the rules, interned first so `Sym(n)` in the program means SYMBOLS[n].").unwrap();
    let syms: Vec<String> = g.symbol_list.iter().map(|s| format!("{s:?}")).collect();
    writeln!(out, "pub const SYMBOLS: &[&str] = &[{}];", syms.join(", ")).unwrap();
    Generated {
        code: out,
        symbols: g.symbol_list,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn names_are_safe_for_crepe() {
        let meta = "@cite \"x\"\n@authority statute\n@says \"s\"\n";
        let text = format!(
            ".decl type(x: symbol)\n.decl foo_bar(x: symbol)\n.decl foobar(x: symbol)\n.decl pair(x: symbol, y: symbol)\n@rule r\n{meta}foobar(X) :- pair(X, X).\n@rule s\n{meta}foobar(X) :- type(X).\n@rule t\n{meta}foobar(X) :- foo_bar(X).\n"
        );
        let f = SourceFile::new("t.dl", &text);
        let (c, _) = crate::load_rules(&f).unwrap();
        // Without witnesses every head is a crepe relation.
        let g = generate(&c, false, "t.dl");
        // Struct names carry their index: no keyword (`type`) and no collision (`foo_bar`/`foobar`).
        assert!(g.code.contains("pub struct R0Type(pub Sym)"), "{}", g.code);
        assert!(g.code.contains("R1FooBar") && g.code.contains("R2Foobar"));
        // The repeated variable is renamed and tested.
        assert!(
            g.code.contains("R3Pair(v0, d0_1),") && g.code.contains("(d0_1 == v0)"),
            "{}",
            g.code
        );
        // With witnesses, a stage that does not read its own relations derives only witness rows,
        // in plain loops instead of crepe, and projects them onto the head afterwards.
        let g = generate(&c, true, "t.dl");
        // The generated code names the library only through its one interface module.
        for (i, _) in g.code.match_indices("crate::") {
            assert!(
                g.code[i..].starts_with("crate::engine::api::*;"),
                "{}",
                &g.code[i..(i + 60).min(g.code.len())]
            );
        }
        assert!(g.code.contains("o.push(W0(v0));"), "{}", g.code);
        assert!(!g.code.contains("pub struct R2Foobar"), "{}", g.code);
        // The repeated variable is tested in the loop, and nothing is left unread, so no
        // deduplication is needed.
        assert!(
            g.code.contains("if !(d0_1 == v0) { continue; }"),
            "{}",
            g.code
        );
        assert!(!g.code.contains(".dedup()"), "{}", g.code);
        // The head is a witness column: copied column by column from the witness rows' parts,
        // no row at a time; the witness table itself is built after the stage hands its heads on.
        assert!(
            g.code.contains(
                "for part in &o0 { h2.extend_syms(0, part.iter().map(|w| w.0)); h2.grew(part.len()); }"
            ),
            "{}",
            g.code
        );
        assert!(
            g.code.contains("out.later.push((0, Box::new(move || {"),
            "{}",
            g.code
        );
    }

    #[test]
    fn earlier_relations_are_read_through_lookups() {
        let meta = "@cite \"x\"\n@authority statute\n@says \"s\"\n";
        let text = format!(
            ".decl edge(x: symbol, y: symbol)\n.decl mark(x: symbol)\n.decl reach(x: symbol, y: symbol)\n.decl hop(x: symbol, y: symbol)\n@rule a\n{meta}reach(X, Y) :- edge(X, Y).\n@rule b\n{meta}reach(X, Z) :- reach(X, Y), edge(Y, Z), !mark(Z).\n@rule c\n{meta}hop(X, Y) :- reach(X, Y), edge(X, _), mark(Y).\n"
        );
        let f = SourceFile::new("t.dl", &text);
        let (c, _) = crate::load_rules(&f).unwrap();
        let g = generate(&c, true, "t.dl");
        // One stage per component: reach, then hop, which reads reach from the first.
        assert!(g.code.contains("pub mod s0 {") && g.code.contains("pub mod s1 {"));
        assert!(
            g.code.contains("Stage { name: \"hop\", deps: &[0]"),
            "{}",
            g.code
        );
        // reach is recursive: plain loops to a fixpoint. Round 0 copies edge; each later round
        // reads only the reach rows the last one added, in chunks for idle workers. edge(Y, Z) with
        // Y known is a lookup bound by a `for` clause; `!mark(Z)` and `mark(Y)` (every argument
        // known) are set tests.
        assert!(
            g.code.contains("pub r2: Grow<(Sym, Sym)>,")
                && g.code.contains("o1.extend(share.rows(own.r2.fresh().len(), {")
                && g.code.contains(
                    "for &(v0, v1) in own.r2.fresh()[lo..hi].iter() { for &(v2,) in lookups.l0.get(&(v1,)) { if !(!lookups.l1.contains(&(v2,))) { continue; }"
                )
                && g.code.contains("next.r2.add((v0, v2));")
                && g.code.contains("if !grew.contains(&true) { break; }"),
            "{}",
            g.code
        );
        assert!(!g.code.contains("crepe!"), "{}", g.code);
        assert!(g.code.contains("pub l0: std::sync::Arc<SymMap<(Sym,)>>"));
        // hop is not recursive: a loop over reach's table, the lookups probed directly, the test
        // `mark(Y)` (every argument known once reach is read) before the lookup on edge; the
        // witness records `edge(X, _)`'s column too, so rows are distinct without deduplication.
        assert!(
            g.code.contains(
                "for k in lo..hi { let v0 = c0[k]; let v1 = c1[k]; if !(lookups.l0.contains(&(v1,))) { continue; } for &(v2,) in lookups.l1.get(&(v0,)) {"
            )
                && g.code.contains("o.push(W2(v0, v1, v2));")
                && !g.code.contains(".dedup()"),
            "{}",
            g.code
        );
        // The first loop scans a whole table: offered to idle workers in chunks of rows.
        assert!(
            g.code
                .contains("let mut o0: Vec<Vec<W2>> = share.rows({ let t: &Table = "),
            "{}",
            g.code
        );
        // Built through the run's cache under a name other stages share it by.
        assert!(g.code.contains("lookups.l0 = cache.get(\"r"), "{}", g.code);
        assert!(g.code.contains("lookups: &[\"r"), "{}", g.code);
    }

    #[test]
    fn keys_led_by_a_symbol_are_found_by_halves_other_keys_by_hashing() {
        assert_eq!(lookup_kind(&["Sym"]), KeyKind::Symbol);
        assert_eq!(lookup_kind(&["Sym", "Sym"]), KeyKind::LedBySymbol);
        assert_eq!(lookup_kind(&["Sym", "Date", "i128"]), KeyKind::LedBySymbol);
        assert_eq!(lookup_kind(&["Date", "Sym"]), KeyKind::Other);
        assert_eq!(lookup_kind(&["i128"]), KeyKind::Other);
        assert_eq!(lookup_kind(&[]), KeyKind::Other);
    }
}
