//! Translates a lexproof rules file to Soufflé, converts a fact directory to Soufflé's encoding, and
//! compares the two engines' outputs. Part of `bench/souffle.sh`; not used by lexproof itself.
//!
//!     souffle translate RULES OUT.dl [--all-outputs]
//!     souffle facts RULES IN_DIR OUT_DIR
//!     souffle compare RULES LEXPROOF_DIR SOUFFLE_DIR
//!
//! Encoding. Soufflé numbers are 64-bit; lexproof's are 128-bit and its dates are a type of their own.
//! Dates become day numbers (days since 1970-01-01, as lexproof counts them). Numbers that meet a
//! constant of 10^15 or more (compute, thresholds) are divided by 10^SCALE_EXP everywhere they flow:
//! the translator infers which argument positions and variables carry such numbers from the rules
//! (joins, comparisons, sums), so a threshold and the compute compared with it are scaled alike. A
//! constant of the rules must divide exactly (a threshold must not move); a fact's value is rounded
//! down to whole 10^10 FLOP, so `compare` matches scaled fields up to that rounding (a sum of k
//! rounded figures may be up to k units lower). A product of two scaled numbers is refused. Enumerations
//! and roles become symbols; `latest`/`earliest` become `max`/`min`, `weekday` arithmetic, and
//! `add_months` a stateless functor in `add_months.cpp`. Parameters take their default values.

use lexproof_lang::ast::{ArithOp, Builtin, Type};
use lexproof_lang::check::{CAtom, CLit, CTerm, Checked, Const};
use lexproof_lang::number::{parse_date, parse_number};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::process::ExitCode;

const SCALE_EXP: u32 = 10;
const LARGE: i128 = 1_000_000_000_000_000;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("translate") if args.len() >= 3 => {
            translate(&args[1], &args[2], args.iter().any(|a| a == "--all-outputs"))
        }
        Some("facts") if args.len() == 4 => facts(&args[1], &args[2], &args[3]),
        Some("compare") if args.len() == 4 => compare(&args[1], &args[2], &args[3]),
        _ => Err("usage: souffle translate RULES OUT.dl [--all-outputs] | facts RULES IN_DIR OUT_DIR | compare RULES LEXPROOF_DIR SOUFFLE_DIR".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("souffle-translate: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn load(path: &str) -> Result<Checked, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let file = lexproof_lang::SourceFile::new(path, text);
    lexproof_lang::load_rules(&file)
        .map(|(c, _)| c)
        .map_err(|d| {
            format!(
                "{path}: {} error(s) in the rules; run `lexproof check --rules {path}`",
                d.len()
            )
        })
}

/// Which number positions carry scaled values: a union-find over argument positions, rule
/// variables and expression nodes.
struct Scales {
    parent: Vec<usize>,
    large: Vec<bool>,
    /// (relation, field) -> node
    pos: BTreeMap<(usize, usize), usize>,
    /// (rule, variable) -> node
    var: BTreeMap<(usize, usize), usize>,
    /// Products: (a, b, result).
    products: Vec<(usize, usize, usize)>,
    /// Quotients: (a, b, result).
    quotients: Vec<(usize, usize, usize)>,
    /// Expression nodes by (rule, literal, path) so emission finds the node a constant sits in.
    consts: BTreeMap<String, usize>,
}

impl Scales {
    fn node(&mut self) -> usize {
        self.parent.push(self.parent.len());
        self.large.push(false);
        self.parent.len() - 1
    }
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.parent[r] != r {
            r = self.parent[r];
        }
        let mut y = x;
        while self.parent[y] != r {
            let n = self.parent[y];
            self.parent[y] = r;
            y = n;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra] = rb;
            self.large[rb] |= self.large[ra];
        }
    }
    fn is_large(&mut self, x: usize) -> bool {
        let r = self.find(x);
        self.large[r]
    }
    fn mark(&mut self, x: usize) -> bool {
        let r = self.find(x);
        let was = self.large[r];
        self.large[r] = true;
        !was
    }
    fn pos(&mut self, rel: usize, field: usize) -> usize {
        if let Some(&n) = self.pos.get(&(rel, field)) {
            return n;
        }
        let n = self.node();
        self.pos.insert((rel, field), n);
        n
    }
    fn var(&mut self, rule: usize, v: usize) -> usize {
        if let Some(&n) = self.var.get(&(rule, v)) {
            return n;
        }
        let n = self.node();
        self.var.insert((rule, v), n);
        n
    }

    fn infer(c: &Checked) -> Result<Scales, String> {
        let mut s = Scales {
            parent: Vec::new(),
            large: Vec::new(),
            pos: BTreeMap::new(),
            var: BTreeMap::new(),
            products: Vec::new(),
            quotients: Vec::new(),
            consts: BTreeMap::new(),
        };
        for f in &c.facts {
            for (k, v) in f.values.iter().enumerate() {
                if let Const::Num(n) = v {
                    let p = s.pos(f.rel, k);
                    if n.abs() >= LARGE {
                        s.mark(p);
                    }
                }
            }
        }
        for (ri, r) in c.rules.iter().enumerate() {
            let atom = |s: &mut Scales, a: &CAtom, key: &str| {
                for (k, t) in a.args.iter().enumerate() {
                    let p = s.pos(a.rel, k);
                    let n = s.term(ri, t, &format!("{key}.{k}"));
                    s.union(p, n);
                }
            };
            atom(&mut s, &r.head, &format!("{ri}.h"));
            for (li, l) in r.body.iter().enumerate() {
                let key = format!("{ri}.{li}");
                match l {
                    CLit::Pos(a) | CLit::Neg(a) => atom(&mut s, a, &key),
                    CLit::Cmp(_, a, b) => {
                        let x = s.term(ri, a, &format!("{key}.l"));
                        let y = s.term(ri, b, &format!("{key}.r"));
                        s.union(x, y);
                    }
                    CLit::Assign(v, e) => {
                        let x = s.var(ri, *v);
                        let y = s.term(ri, e, &format!("{key}.r"));
                        s.union(x, y);
                    }
                }
            }
        }
        // Products and quotients: a scaled operand with an unscaled one gives a scaled result.
        loop {
            let mut changed = false;
            for (a, b, r) in s.products.clone() {
                let (la, lb, lr) = (s.is_large(a), s.is_large(b), s.is_large(r));
                if la && lb {
                    return Err("a product of two large numbers (both would be scaled) cannot be translated".into());
                }
                if (la || lb) && !lr {
                    changed |= s.mark(r);
                }
            }
            for (a, _b, r) in s.quotients.clone() {
                if s.is_large(a) && !s.is_large(r) {
                    changed |= s.mark(r);
                }
            }
            if !changed {
                break;
            }
        }
        for (_, b, _) in s.quotients.clone() {
            if s.is_large(b) {
                return Err("a division by a large number cannot be translated".into());
            }
        }
        Ok(s)
    }

    fn term(&mut self, rule: usize, t: &CTerm, key: &str) -> usize {
        match t {
            CTerm::Var(v) => self.var(rule, *v),
            CTerm::Const(c) => {
                let n = self.node();
                if let Const::Num(x) = c {
                    if x.abs() >= LARGE {
                        self.mark(n);
                    }
                }
                self.consts.insert(key.to_string(), n);
                n
            }
            CTerm::Wild => self.node(),
            CTerm::Arith(op, a, b) => {
                let x = self.term(rule, a, &format!("{key}a"));
                let y = self.term(rule, b, &format!("{key}b"));
                let r = self.node();
                match op {
                    ArithOp::Add | ArithOp::Sub => {
                        self.union(x, y);
                        self.union(x, r);
                    }
                    ArithOp::Mul => self.products.push((x, y, r)),
                    ArithOp::Div => self.quotients.push((x, y, r)),
                }
                r
            }
            CTerm::Call(f, args) => {
                let nodes: Vec<usize> = args
                    .iter()
                    .enumerate()
                    .map(|(i, a)| self.term(rule, a, &format!("{key}c{i}")))
                    .collect();
                let r = self.node();
                match f {
                    Builtin::Latest | Builtin::Earliest => {
                        for n in nodes {
                            self.union(n, r);
                        }
                    }
                    Builtin::AddMonths => self.union(nodes[0], r),
                    Builtin::Weekday => {}
                }
                r
            }
        }
    }
}

const KEYWORDS: &[&str] = &[
    "as",
    "autoinc",
    "band",
    "bnot",
    "bor",
    "bshl",
    "bshr",
    "bshru",
    "bxor",
    "cat",
    "count",
    "false",
    "float",
    "inline",
    "land",
    "lnot",
    "lor",
    "lxor",
    "magic",
    "match",
    "max",
    "mean",
    "min",
    "nil",
    "number",
    "ord",
    "range",
    "strlen",
    "substr",
    "sum",
    "symbol",
    "to_float",
    "to_number",
    "to_string",
    "to_unsigned",
    "true",
    "unsigned",
    "contains",
    "choice",
    "functor",
    "input",
    "output",
    "type",
    "decl",
    "printsize",
    "plan",
    "brie",
    "btree",
    "eqrel",
    "override",
];

fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("lp_{name}")
    } else {
        name.to_string()
    }
}

fn sym(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A number in Soufflé's encoding: unchanged, or divided by 10^SCALE_EXP in a scaled position, where
/// `exact` refuses a remainder (constants of the rules) and otherwise rounds down (facts).
fn scaled(n: i128, large: bool, exact: bool) -> Result<i128, String> {
    if !large {
        return i64::try_from(n).map(i128::from).map_err(|_| {
            format!("{n} does not fit a 64-bit number and is not in a scaled position")
        });
    }
    let f = 10i128.pow(SCALE_EXP);
    if exact && n % f != 0 {
        return Err(format!(
            "{n} is not a multiple of 10^{SCALE_EXP}, the scale of its position"
        ));
    }
    i64::try_from(n.div_euclid(f))
        .map(i128::from)
        .map_err(|_| format!("{n} does not fit a 64-bit number even scaled"))
}

struct Emit<'a> {
    c: &'a Checked,
    s: Scales,
}

impl Emit<'_> {
    fn constant(&mut self, c: &Const, large: bool) -> Result<String, String> {
        Ok(match c {
            Const::Sym(x) => sym(x),
            Const::Num(n) => scaled(*n, large, true)?.to_string(),
            Const::Date(d) => d.to_string(),
        })
    }
    fn term(&mut self, rule: usize, t: &CTerm, key: &str) -> Result<String, String> {
        let r = &self.c.rules[rule];
        Ok(match t {
            CTerm::Var(v) => ident(&r.vars[*v].name),
            CTerm::Wild => "_".into(),
            CTerm::Const(c) => {
                let n = self.s.consts[key];
                let large = self.s.is_large(n);
                self.constant(c, large)?
            }
            CTerm::Arith(op, a, b) => format!(
                "({} {} {})",
                self.term(rule, a, &format!("{key}a"))?,
                op.symbol(),
                self.term(rule, b, &format!("{key}b"))?
            ),
            CTerm::Call(f, args) => {
                let a: Vec<String> = args
                    .iter()
                    .enumerate()
                    .map(|(i, x)| self.term(rule, x, &format!("{key}c{i}")))
                    .collect::<Result<_, _>>()?;
                match f {
                    Builtin::Latest => format!("max({}, {})", a[0], a[1]),
                    Builtin::Earliest => format!("min({}, {})", a[0], a[1]),
                    Builtin::AddMonths => format!("@add_months({}, {})", a[0], a[1]),
                    // 1970-01-01 (day 0) was a Thursday, ISO weekday 4.
                    Builtin::Weekday => format!("((({} % 7) + 10) % 7 + 1)", a[0]),
                }
            }
        })
    }
    fn atom(&mut self, rule: usize, a: &CAtom, key: &str) -> Result<String, String> {
        let args: Vec<String> = a
            .args
            .iter()
            .enumerate()
            .map(|(k, t)| self.term(rule, t, &format!("{key}.{k}")))
            .collect::<Result<_, _>>()?;
        Ok(format!(
            "{}({})",
            ident(&self.c.relations[a.rel].name),
            args.join(", ")
        ))
    }
}

fn is_input(c: &Checked, rel: usize) -> bool {
    let r = &c.relations[rel];
    !r.derived && !r.param
}

fn translate(rules: &str, out: &str, all_outputs: bool) -> Result<(), String> {
    let c = load(rules)?;
    let s = Scales::infer(&c)?;
    let mut e = Emit { c: &c, s };
    let mut o = String::new();
    let _ = writeln!(o, "// Generated by bench/souffle/translate.rs from {rules}; numbers in scaled positions are divided by 10^{SCALE_EXP}, dates are day numbers.");
    let _ = writeln!(o, ".functor add_months(number, number): number\n");
    for (ri, r) in c.relations.iter().enumerate() {
        let fields: Vec<String> = r
            .fields
            .iter()
            .map(|(n, t)| {
                format!(
                    "{}: {}",
                    ident(n),
                    match t {
                        Type::Symbol => "symbol",
                        Type::Number | Type::Date => "number",
                    }
                )
            })
            .collect();
        let _ = writeln!(o, ".decl {}({})", ident(&r.name), fields.join(", "));
        if is_input(&c, ri) {
            let _ = writeln!(o, ".input {}", ident(&r.name));
        }
        if r.derived && (all_outputs || c.outputs.contains(&ri)) {
            let _ = writeln!(o, ".output {}", ident(&r.name));
        }
    }
    o.push('\n');
    for f in &c.facts {
        if f.in_force_from.is_some() {
            return Err(format!(
                "{}:{}: a dated parameter value cannot be translated (Soufflé has no assessment date); remove the `from` clause for the bench",
                f.file, f.line
            ));
        }
        let vals: Vec<String> = f
            .values
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let p = e.s.pos(f.rel, k);
                let large = e.s.is_large(p);
                e.constant(v, large)
            })
            .collect::<Result<_, _>>()?;
        let _ = writeln!(
            o,
            "{}({}).",
            ident(&c.relations[f.rel].name),
            vals.join(", ")
        );
    }
    o.push('\n');
    for (ri, r) in c.rules.iter().enumerate() {
        let head = e.atom(ri, &r.head, &format!("{ri}.h"))?;
        let mut body = Vec::new();
        for (li, l) in r.body.iter().enumerate() {
            let key = format!("{ri}.{li}");
            body.push(match l {
                CLit::Pos(a) => e.atom(ri, a, &key)?,
                CLit::Neg(a) => format!("!{}", e.atom(ri, a, &key)?),
                CLit::Cmp(op, a, b) => format!(
                    "{} {} {}",
                    e.term(ri, a, &format!("{key}.l"))?,
                    op.symbol(),
                    e.term(ri, b, &format!("{key}.r"))?
                ),
                CLit::Assign(v, x) => format!(
                    "{} = {}",
                    ident(&r.vars[*v].name),
                    e.term(ri, x, &format!("{key}.r"))?
                ),
            });
        }
        let _ = writeln!(o, "// {} ({}:{})", r.id, r.file, r.line);
        if body.is_empty() {
            let _ = writeln!(o, "{head}.");
        } else {
            let _ = writeln!(o, "{head} :- {}.", body.join(", "));
        }
    }
    std::fs::write(out, o).map_err(|e| format!("{out}: {e}"))
}

/// Scaled flags per relation field, from the rules.
fn field_scales(c: &Checked) -> Result<Vec<Vec<bool>>, String> {
    let mut s = Scales::infer(c)?;
    Ok((0..c.relations.len())
        .map(|r| {
            (0..c.relations[r].arity())
                .map(|k| {
                    let p = s.pos(r, k);
                    s.is_large(p)
                })
                .collect()
        })
        .collect())
}

fn facts(rules: &str, input: &str, out: &str) -> Result<(), String> {
    let c = load(rules)?;
    let scales = field_scales(&c)?;
    std::fs::create_dir_all(out).map_err(|e| format!("{out}: {e}"))?;
    let mut seen = BTreeSet::new();
    let mut entries: Vec<_> = std::fs::read_dir(input)
        .map_err(|e| format!("{input}: {e}"))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    let mut tuples = 0usize;
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        let Some(rel_name) = name.strip_suffix(".facts") else {
            return Err(format!(
                "{}: only Soufflé-style `.facts` files are converted",
                path.display()
            ));
        };
        let rel = *c
            .by_name
            .get(rel_name)
            .ok_or_else(|| format!("{}: no relation `{rel_name}` in {rules}", path.display()))?;
        if !is_input(&c, rel) {
            return Err(format!(
                "{}: `{rel_name}` is not an input relation",
                path.display()
            ));
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let r = &c.relations[rel];
        let mut o = String::with_capacity(text.len());
        for (i, line) in text.lines().enumerate() {
            if line.is_empty() {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').collect();
            if cells.len() != r.arity() {
                return Err(format!(
                    "{}:{}: {} fields, `{rel_name}` has {}",
                    path.display(),
                    i + 1,
                    cells.len(),
                    r.arity()
                ));
            }
            for (k, cell) in cells.iter().enumerate() {
                if k > 0 {
                    o.push('\t');
                }
                let at = || format!("{}:{}:{}", path.display(), i + 1, k + 1);
                match r.fields[k].1 {
                    Type::Symbol => o.push_str(cell),
                    Type::Date => {
                        let d = parse_date(cell)
                            .ok_or_else(|| format!("{}: `{cell}` is not a date", at()))?;
                        let _ = write!(o, "{d}");
                    }
                    Type::Number => {
                        let n = parse_number(cell)
                            .map_err(|_| format!("{}: `{cell}` is not a number", at()))?;
                        let v = scaled(n, scales[rel][k], false)
                            .map_err(|e| format!("{}: {e}", at()))?;
                        let _ = write!(o, "{v}");
                    }
                }
            }
            o.push('\n');
            tuples += 1;
        }
        std::fs::write(format!("{out}/{rel_name}.facts"), o).map_err(|e| format!("{out}: {e}"))?;
        seen.insert(rel);
    }
    // Soufflé wants a file for every input relation.
    for (ri, r) in c.relations.iter().enumerate() {
        if is_input(&c, ri) && !seen.contains(&ri) {
            std::fs::write(format!("{out}/{}.facts", ident(&r.name)), "")
                .map_err(|e| format!("{out}: {e}"))?;
        }
    }
    eprintln!("souffle-translate: {tuples} tuples converted");
    Ok(())
}

/// One lexproof output row in Soufflé's encoding (dates as day numbers, scaled numbers rounded down).
fn encode(
    c: &Checked,
    scales: &[Vec<bool>],
    rel: usize,
    line: &str,
) -> Result<Vec<String>, String> {
    let r = &c.relations[rel];
    let cells: Vec<&str> = line.split('\t').collect();
    if cells.len() != r.arity() {
        return Err(format!(
            "`{}` row `{line}` has {} fields",
            r.name,
            cells.len()
        ));
    }
    let mut out = Vec::new();
    for (k, cell) in cells.iter().enumerate() {
        out.push(match r.fields[k].1 {
            Type::Symbol => cell.to_string(),
            Type::Date => parse_date(cell)
                .ok_or_else(|| format!("bad date `{cell}`"))?
                .to_string(),
            Type::Number => {
                let n = parse_number(cell).map_err(|_| format!("bad number `{cell}`"))?;
                scaled(n, scales[rel][k], false)?.to_string()
            }
        });
    }
    Ok(out)
}

/// Rows equal but for scaled fields that differ by at most `ROUNDING` units, the error a sum of
/// rounded-down figures can carry.
const ROUNDING: i128 = 16;

fn near(a: &[String], b: &[String], scaled: &[bool]) -> bool {
    a.iter().zip(b).zip(scaled).all(|((x, y), &s)| {
        x == y
            || (s
                && match (x.parse::<i128>(), y.parse::<i128>()) {
                    (Ok(p), Ok(q)) => (p - q).abs() <= ROUNDING,
                    _ => false,
                })
    })
}

fn rows(path: &std::path::Path) -> Result<BTreeSet<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect())
}

fn compare(rules: &str, lexproof_dir: &str, souffle_dir: &str) -> Result<(), String> {
    let c = load(rules)?;
    let scales = field_scales(&c)?;
    let mut differ = 0;
    let mut compared = 0;
    let mut total = 0usize;
    let mut rounded = 0usize;
    for (ri, r) in c.relations.iter().enumerate() {
        if !r.derived {
            continue;
        }
        let lp = std::path::Path::new(lexproof_dir).join(format!("{}.tsv", r.name));
        let sf = std::path::Path::new(souffle_dir).join(format!("{}.csv", ident(&r.name)));
        if !lp.exists() || !sf.exists() {
            continue;
        }
        if r.arity() == 0 {
            // A nullary relation holds or not: lexproof writes its one tuple as an empty line,
            // Soufflé as `()`.
            let read = |p: &std::path::Path| {
                std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
            };
            let ours = !read(&lp)?.is_empty();
            let theirs = read(&sf)?.lines().any(|l| l.trim() == "()");
            compared += 1;
            total += usize::from(ours);
            if ours != theirs {
                differ += 1;
                println!(
                    "DIFFER {}: holds in lexproof {ours}, in Soufflé {theirs}",
                    r.name
                );
            }
            continue;
        }
        let ours: BTreeSet<Vec<String>> = rows(&lp)?
            .iter()
            .map(|l| encode(&c, &scales, ri, l))
            .collect::<Result<_, _>>()?;
        let theirs: BTreeSet<Vec<String>> = rows(&sf)?
            .iter()
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect();
        compared += 1;
        total += ours.len();
        if ours == theirs {
            continue;
        }
        // Pair what is left over on either side, allowing for rounding in scaled fields.
        let mut only_theirs: Vec<&Vec<String>> = theirs.difference(&ours).collect();
        let mut unmatched = Vec::new();
        for row in ours.difference(&theirs) {
            match only_theirs.iter().position(|t| near(row, t, &scales[ri])) {
                Some(i) => {
                    only_theirs.swap_remove(i);
                    rounded += 1;
                }
                None => unmatched.push(row),
            }
        }
        if unmatched.is_empty() && only_theirs.is_empty() {
            continue;
        }
        differ += 1;
        println!(
            "DIFFER {}: lexproof {} rows, Soufflé {} rows; only lexproof e.g. {:?}; only Soufflé e.g. {:?}",
            r.name,
            ours.len(),
            theirs.len(),
            unmatched.iter().take(3).collect::<Vec<_>>(),
            only_theirs.iter().take(3).collect::<Vec<_>>()
        );
    }
    println!("{compared} relations compared, {total} lexproof rows, {differ} differ ({rounded} rows equal up to the rounding of scaled numbers)");
    if compared == 0 {
        return Err("no relation was found in both directories".into());
    }
    if differ > 0 {
        return Err(format!("{differ} relation(s) differ"));
    }
    Ok(())
}
