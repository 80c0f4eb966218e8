//! TSV: `<relation>.facts` (Soufflé's form) and `<relation>.tsv`, one tuple per line,
//! tab-separated, symbols unquoted (with `\t`, `\n`, `\r`, `\\` and `\u{..}` escapes), dates as
//! YYYY-MM-DD. A first line naming the relation's fields is a header: required in `.tsv`, optional
//! in `.facts`; its columns may come in any order.

use super::{Loader, Origin};
use crate::data::store::Type;
use crate::data::value::{Sym, Value};
use lexproof_lang::diag::Diagnostic;
use lexproof_lang::source::Span;
use lexproof_lang::SourceFile;
use std::path::Path;

pub(super) fn read(
    l: &mut Loader,
    path: &Path,
    headed: bool,
    file: &SourceFile,
    facts: &mut super::Staging,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(rel) = file_relation(l, path, diags) else {
        return;
    };
    let arity = l.program.relations[rel].arity();
    let text = &file.text;
    let bytes = text.as_bytes();
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let Some((start, order)) = header(l, rel, text, start, headed, diags) else {
        return;
    };
    let header_lines = u32::from(order.is_some());
    let order: Vec<usize> = order.unwrap_or_else(|| (0..arity).collect());
    let program = l.program;
    let origin = facts.origin(0);
    let (table, origins) = facts.table(program, rel);
    // One count of the lines sizes the columns once, instead of growing them by doubling.
    let expected = count_newlines(bytes) + 1;
    table.reserve(expected);
    origins.reserve(expected);
    // Per column of the file, in file order: how its cells become values of field `order[k]`.
    let columns: Vec<Column> = order.iter().map(|&k| Column::of(l, rel, k)).collect();

    let mut splitter = Splitter::new(text, start);
    let mut rows: Vec<(u32, usize)> = Vec::with_capacity(CHUNK);
    let mut cells: Vec<Cell> = Vec::with_capacity(CHUNK * arity);
    let mut symbols: Vec<&str> = Vec::with_capacity(CHUNK * arity);
    let mut syms = Vec::with_capacity(CHUNK * arity);
    let mut line_no: u32 = header_lines;
    while !splitter.done() {
        // Split up to CHUNK lines into cells; rows of the wrong arity are reported and dropped.
        rows.clear();
        cells.clear();
        symbols.clear();
        while !splitter.done() && rows.len() < CHUNK {
            line_no += 1;
            let first = cells.len();
            let Some(extent) = splitter.line(&mut cells) else {
                continue;
            };
            let found = cells.len() - first;
            if found != arity {
                cells.truncate(first);
                let mut d = l.arity(rel, found, extent).unwrap_err();
                d.hint = Some(format!(
                    "{}; separate columns with one tab",
                    d.hint.unwrap_or_default()
                ));
                diags.push(d);
                continue;
            }
            for (c, cell) in columns.iter().zip(&cells[first..]) {
                if c.interned() && !cell.escaped {
                    symbols.push(cell.text(text));
                }
            }
            rows.push((line_no, first));
        }
        // Symbols a chunk at a time, so the interner overlaps its cache misses.
        syms.clear();
        l.interner.intern_all(&symbols, &mut syms);
        let mut next_sym = syms.iter().copied();
        for &(row_line, first) in &rows {
            let mut ok = true;
            for ((c, cell), &k) in columns.iter().zip(&cells[first..first + arity]).zip(&order) {
                let fast = match c {
                    Column::Free if !cell.escaped => next_sym
                        .next()
                        .filter(|_| plain_cell(cell.text(text)))
                        .map(Value::Sym),
                    Column::Enum(allowed) if !cell.escaped => next_sym
                        .next()
                        .filter(|s| allowed.binary_search(s).is_ok())
                        .map(Value::Sym),
                    Column::Number => plain_number(cell.text(text)).map(Value::Num),
                    _ => None,
                };
                let v = match fast {
                    Some(v) => Ok(v),
                    // The general path: escapes, values outside an enumeration, other numbers,
                    // dates, and every error message.
                    None => convert(l, rel, k, cell, text),
                };
                match v {
                    Ok(v) if ok => push_value(table, k, v),
                    Ok(_) => {}
                    Err(d) => {
                        diags.push(d);
                        ok = false;
                    }
                }
            }
            if ok {
                table.end_row();
                origins.push(Origin {
                    line: row_line,
                    ..origin
                });
            } else {
                // Drop the cells of the row's columns before the bad one.
                table.truncate(table.len());
            }
        }
    }
}

/// The relation a TSV or CSV file holds, from its name (`developer.csv` holds `developer`).
pub(super) fn file_relation(l: &Loader, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<usize> {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    match l.relation(stem, Span::new(0, 0)) {
        Ok(r) => Some(r),
        Err(mut d) => {
            d.message = lexproof_lang::diag::tame(&format!(
                "the file name says relation `{stem}`: {}",
                d.message
            ));
            diags.push(d);
            None
        }
    }
}

/// Reads a header line if there is one: returns where the data starts and, for a header, which
/// field each column holds. `None` after reporting a header that does not name the fields.
/// Without `required`, a first line is a header only when it looks like one: every cell a name
/// and one of them a field's name.
fn header(
    l: &Loader,
    rel: usize,
    text: &str,
    start: usize,
    required: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<(usize, Option<Vec<usize>>)> {
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = text[start..end]
        .strip_suffix('\r')
        .unwrap_or(&text[start..end]);
    let mut cells: Vec<(&str, Span)> = Vec::new();
    let mut at = start;
    for cell in line.split('\t') {
        cells.push((cell.trim(), Span::new(at, at + cell.len())));
        at += cell.len() + 1;
    }
    if !required {
        let r = &l.program.relations[rel];
        let field = |name: &str| r.fields.iter().any(|(f, _)| f.eq_ignore_ascii_case(name));
        let names = cells.iter().all(|(c, _)| {
            c.chars().next().is_some_and(|ch| ch.is_ascii_alphabetic())
                && c.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | ' ' | '-'))
        });
        // A spreadsheet's own header ("Model ID", "model_id", "Developer") names the fields
        // loosely; read as data it would be a fact about a model called "Model ID".
        let loose = |c: &str| {
            let n = c.to_ascii_lowercase().replace([' ', '-'], "_");
            n == r.name
                || r.fields
                    .iter()
                    .any(|(f, _)| n == *f || n == format!("{f}_id") || n == format!("{f}_name"))
        };
        // An id seldom holds a space, a spreadsheet's column title often does ("Provider Name"):
        // such a cell with a word naming a field, a field's type or the relation is a title.
        let titled = |c: &str| {
            c.contains(' ')
                && c.split(' ').any(|w| {
                    let w = w.to_ascii_lowercase();
                    w == r.name
                        || r.fields.iter().any(|(f, _)| w == *f)
                        || r.roles
                            .iter()
                            .flatten()
                            .any(|&role| w == l.program.roles[role].name)
                })
        };
        let header_like =
            cells.iter().any(|(c, _)| field(c) || titled(c)) || cells.iter().all(|(c, _)| loose(c));
        if !(names && header_like) {
            return Some((start, None));
        }
    }
    let order = header_order(l, rel, &cells, required, ".tsv", "<TAB>", diags)?;
    Some(((end + 1).min(text.len()), Some(order)))
}

/// Which field each header cell names (case aside), or `None` after reporting a header that
/// does not name each field exactly once. With `required`, a line naming no field at all is
/// reported as a missing header (data where the header should be).
pub(super) fn header_order(
    l: &Loader,
    rel: usize,
    cells: &[(&str, Span)],
    required: bool,
    ext: &str,
    sep: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<usize>> {
    let r = &l.program.relations[rel];
    let field = |name: &str| {
        r.fields
            .iter()
            .position(|(f, _)| f.eq_ignore_ascii_case(name))
    };
    let fields: Vec<&str> = r.fields.iter().map(|(f, _)| f.as_str()).collect();
    let expected = fields.join(sep);
    let whole = match (cells.first(), cells.last()) {
        (Some(a), Some(b)) => a.1.to(b.1),
        _ => Span::new(0, 0),
    };
    if required && cells.iter().all(|(c, _)| field(c).is_none()) {
        diags.push(Diagnostic::error("missing_header", whole, format!("a `{ext}` file starts with a header line naming the fields of `{}`", r.name))
            .label("data, not a header")
            .hint(if ext == ".tsv" {
                format!("add the first line {expected} (tab-separated), or name the file {}.facts, which needs no header", r.name)
            } else {
                format!("add the first line {expected}")
            }));
        return None;
    }
    let mut order = Vec::new();
    let mut bad = false;
    for (c, span) in cells {
        match field(c) {
            Some(k) if order.contains(&k) => {
                diags.push(
                    Diagnostic::error(
                        "bad_header",
                        *span,
                        format!("column `{c}` is named twice in the header"),
                    )
                    .label("repeated column")
                    .hint(format!("name each field of `{}` once: {expected}", r.name)),
                );
                bad = true;
            }
            Some(k) => order.push(k),
            None => {
                let hint = match lexproof_lang::check::suggest(c, fields.iter().copied()) {
                    Some(s) => format!(
                        "did you mean `{s}`? The header names the fields of `{}`: {expected}",
                        r.name
                    ),
                    None => format!(
                        "the header names the fields of `{}`, in any order: {expected}",
                        r.name
                    ),
                };
                // Without a required header, the line was taken for one because it looks like
                // column titles; if it is data after all, a real header above it says so.
                let hint = if required {
                    hint
                } else {
                    format!("{hint}; a first line that looks like column titles is read as a header, so if this line is data, put the header {expected} above it")
                };
                let what = if c.is_empty() {
                    "an empty column name".to_string()
                } else {
                    format!(
                        "`{}` is not a field of `{}`",
                        lexproof_lang::diag::shorten(c, 60),
                        r.name
                    )
                };
                diags.push(
                    Diagnostic::error("bad_header", *span, what)
                        .label("not a field")
                        .hint(hint),
                );
                bad = true;
            }
        }
    }
    if !bad && order.len() != r.arity() {
        let missing: Vec<&str> = (0..r.arity())
            .filter(|k| !order.contains(k))
            .map(|k| fields[k])
            .collect();
        diags.push(
            Diagnostic::error(
                "bad_header",
                whole,
                format!(
                    "the header does not name field{} {} of `{}`",
                    if missing.len() == 1 { "" } else { "s" },
                    missing.join(", "),
                    r.name
                ),
            )
            .label("incomplete header")
            .hint(format!("name every field: {expected}")),
        );
        bad = true;
    }
    (!bad).then_some(order)
}

/// Lines split and interned together (see `Interner::intern_all`).
const CHUNK: usize = 256;

/// How a column's cells become values.
enum Column {
    /// A symbol of any text.
    Free,
    /// A symbol of an enumeration: the ids of its values in this interner, sorted.
    Enum(Vec<Sym>),
    Number,
    Date,
}

impl Column {
    fn of(l: &mut Loader, rel: usize, k: usize) -> Column {
        let r = &l.program.relations[rel];
        match (r.fields[k].1, r.enums[k]) {
            (Type::Symbol, None) => Column::Free,
            (Type::Symbol, Some(e)) => {
                let mut allowed: Vec<Sym> = l.program.enums[e]
                    .values
                    .iter()
                    .map(|v| l.interner.intern(v))
                    .collect();
                allowed.sort_unstable();
                Column::Enum(allowed)
            }
            (Type::Number, _) => Column::Number,
            (Type::Date, _) => Column::Date,
        }
    }
    fn interned(&self) -> bool {
        matches!(self, Column::Free | Column::Enum(_))
    }
}

/// One cell of a line: its byte range, and whether it holds a backslash (an escape to undo).
struct Cell {
    start: usize,
    end: usize,
    escaped: bool,
}

impl Cell {
    fn text<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// Cuts the text into lines and cells at tabs and newlines. Tab, newline and backslash are ASCII,
/// so every cut is a character boundary.
struct Splitter<'t> {
    text: &'t str,
    marks: Marks<'t>,
    pos: usize,
}

/// The positions of tabs, newlines and backslashes, found eight bytes at a time with word
/// arithmetic. Cells are short, so a byte-at-a-time scan, or a library search restarted at each
/// mark, would cost more than everything else done with a cell.
struct Marks<'t> {
    bytes: &'t [u8],
    /// Start of the word `mask` describes; the next word starts 8 bytes later.
    word: usize,
    /// The high bit of byte i set where byte `word + i` is a mark.
    mask: u64,
}

impl Marks<'_> {
    fn new(bytes: &[u8], start: usize) -> Marks<'_> {
        Marks {
            bytes,
            word: start,
            mask: word_mask(bytes, start),
        }
    }
}

impl Iterator for Marks<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.word += 8;
            if self.word >= self.bytes.len() {
                return None;
            }
            self.mask = word_mask(self.bytes, self.word);
        }
        let byte = (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(self.word + byte)
    }
}

/// The high bit of each of the (up to) eight bytes at `at` that is a tab, newline or backslash.
fn word_mask(bytes: &[u8], at: usize) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let rest = bytes.get(at..).unwrap_or_default();
    let word = match rest.first_chunk::<8>() {
        Some(w) => u64::from_le_bytes(*w),
        None => {
            // The last few bytes, padded with a byte that is no mark.
            let mut w = [b' '; 8];
            w[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(w)
        }
    };
    // A byte of `word ^ pattern` is zero exactly where the byte matches: this sets its high bit
    // (exact, unlike the shorter test that lets a borrow mark the byte after a match).
    let zero = |v: u64| !(((v & LOW7) + LOW7) | v | LOW7);
    zero(word ^ (ONES * b'\t' as u64))
        | zero(word ^ (ONES * b'\n' as u64))
        | zero(word ^ (ONES * b'\\' as u64))
}

impl<'t> Splitter<'t> {
    fn new(text: &'t str, start: usize) -> Splitter<'t> {
        Splitter {
            text,
            marks: Marks::new(text.as_bytes(), start),
            pos: start,
        }
    }
    fn done(&self) -> bool {
        self.pos >= self.text.len()
    }
    /// Appends the next line's cells to `cells` and returns the line's extent, or `None` for an
    /// empty line.
    fn line(&mut self, cells: &mut Vec<Cell>) -> Option<Span> {
        let line_start = self.pos;
        let mut cell_start = line_start;
        let mut escaped = false;
        let mut end = self.text.len();
        for at in self.marks.by_ref() {
            match self.text.as_bytes()[at] {
                b'\t' => {
                    cells.push(Cell {
                        start: cell_start,
                        end: at,
                        escaped,
                    });
                    cell_start = at + 1;
                    escaped = false;
                }
                b'\n' => {
                    end = at;
                    break;
                }
                _ => escaped = true,
            }
        }
        self.pos = end + 1;
        let bytes = self.text.as_bytes();
        let line_end = if end > line_start && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        if line_end == line_start {
            return None;
        }
        cells.push(Cell {
            start: cell_start,
            end: line_end.max(cell_start),
            escaped,
        });
        Some(Span::new(line_start, line_end))
    }
}

/// Newlines in `bytes`, 64 bytes at a time (a form the compiler turns into vector compares).
fn count_newlines(bytes: &[u8]) -> usize {
    let blocks = bytes.chunks_exact(64);
    let rest = blocks.remainder();
    let count = |block: &[u8]| block.iter().map(|&b| (b == b'\n') as u8).sum::<u8>() as usize;
    blocks.map(count).sum::<usize>() + count(rest)
}

/// A number written as plain digits that surely fit (the common case), without the general
/// parser; anything else is left to it.
fn plain_number(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 38 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Up to 19 digits fit a u64; the rest is folded in with one multiplication.
    let split = b.len().min(19);
    let head = b[..split]
        .iter()
        .fold(0u64, |a, &d| a * 10 + (d - b'0') as u64);
    let tail = &b[split..];
    let scale = 10i128.checked_pow(tail.len() as u32)?;
    let tail = tail.iter().fold(0i128, |a, &d| a * 10 + (d - b'0') as i128);
    (head as i128).checked_mul(scale)?.checked_add(tail)
}

fn convert(
    l: &mut Loader,
    rel: usize,
    k: usize,
    cell: &Cell,
    text: &str,
) -> Result<Value, Diagnostic> {
    let span = Span::new(cell.start, cell.end);
    let raw = cell.text(text);
    match l.program.relations[rel].fields[k].1 {
        Type::Symbol => match unescape(raw) {
            Ok(s) => l.tsv_symbol(rel, k, &s, span),
            Err(bad) => Err(Diagnostic::error("invalid_escape", Span::new(cell.start + bad, cell.start + bad + 2), "unknown escape in a TSV symbol")
                .label("not an escape")
                .hint("TSV symbols use \\t, \\n, \\r and \\\\ for tab, newline, carriage return and backslash")),
        },
        _ => l.scalar(rel, k, raw, false, span),
    }
}

/// A cell the fast path may take as it is: not empty, not in quotes, no space at either end (the
/// general path checks those against the field and reports them).
fn plain_cell(t: &str) -> bool {
    let b = t.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) => *f != b'"' && !f.is_ascii_whitespace() && !l.is_ascii_whitespace(),
        _ => false,
    }
}

fn push_value(table: &mut crate::data::store::Table, k: usize, v: Value) {
    match v {
        Value::Sym(s) => table.push_sym(k, s),
        Value::Num(n) => table.push_num(k, n),
        Value::Date(d) => table.push_date(k, d),
    }
}

/// Undoes the TSV escapes; on an unknown escape returns its byte offset.
fn unescape(s: &str) -> Result<std::borrow::Cow<'_, str>, usize> {
    if !s.contains('\\') {
        return Ok(std::borrow::Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, 't')) => out.push('\t'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 'r')) => out.push('\r'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'u')) => {
                // `\u{1b}`: a control character as lexproof writes it.
                let rest = &s[i + 2..];
                let close = rest.find('}').ok_or(i)?;
                let c = rest
                    .strip_prefix('{')
                    .filter(|_| (2..=7).contains(&close))
                    .and_then(|hex| u32::from_str_radix(&hex[..close - 1], 16).ok())
                    .and_then(char::from_u32)
                    .ok_or(i)?;
                out.push(c);
                for _ in 0..=close {
                    chars.next();
                }
            }
            _ => return Err(i),
        }
    }
    Ok(std::borrow::Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use crate::data::value::{Interner, Value};
    use crate::facts::{load, FactSet, FactSource};
    use crate::rules::rulebase::Rulebase;

    fn load_tsv(files: &[(&str, &str)]) -> (Result<FactSet, Vec<String>>, Interner, Rulebase) {
        let rules = Rulebase::shipped();
        let mut interner = Interner::default();
        let sources: Vec<FactSource> = files
            .iter()
            .map(|(name, text)| FactSource::Bytes {
                name: name.to_string(),
                bytes: text.as_bytes().to_vec(),
            })
            .collect();
        let result = load(&rules, &sources, &mut interner);
        (result, interner, rules)
    }

    /// The loaded rows of `rel` as text, with each row's line.
    fn rows(facts: &FactSet, interner: &Interner, rules: &Rulebase, rel: &str) -> Vec<String> {
        let r = rules.checked.relation(rel).expect("relation");
        let t = &facts.tables[r];
        (0..t.len())
            .map(|i| {
                let cells: Vec<String> = t.row(i).iter().map(|v| interner.plain(v)).collect();
                format!("{}@{}", cells.join("|"), facts.origins[r][i].line)
            })
            .collect()
    }

    #[test]
    fn reads_bom_crlf_blank_lines_escapes_and_a_last_line_without_newline() {
        let (facts, interner, rules) = load_tsv(&[
            (
                "developer.facts",
                "\u{feff}m1\tacme\r\n\nm2\tback\\\\slash\\tco\n\nm3\ttab\\there",
            ),
            ("made_available.facts", "m1\tdownload\t2025-08-02\n"),
            (
                "training_compute.facts",
                "m1\t26000000000000000000000000\nm2\t2.6e25\n",
            ),
        ]);
        let facts = facts.expect("loads");
        // Symbols compare by id, so rows come in load order here.
        assert_eq!(
            rows(&facts, &interner, &rules, "developer"),
            ["m1|acme@1", "m2|back\\\\slash\\tco@3", "m3|tab\\there@5"]
        );
        assert_eq!(
            rows(&facts, &interner, &rules, "made_available"),
            ["m1|download|2025-08-02@1"]
        );
        let r = rules.checked.relation("training_compute").unwrap();
        let t = &facts.tables[r];
        // Plain digits (the fast path) and the general notation give the same number.
        let nums: Vec<Value> = (0..t.len()).map(|i| t.get(i, 1)).collect();
        assert_eq!(nums, [Value::Num(26 * 10i128.pow(24)); 2]);
    }

    #[test]
    fn facts_of_one_relation_from_several_files_keep_their_first_origin() {
        let (facts, interner, rules) = load_tsv(&[
            ("notes.txt", "skipped: no fact-file extension"),
            ("developer.facts", "m1\tacme\nm2\tbeta\n"),
            (
                "more.dl",
                "developer(\"m3\", \"acme\").\ndeveloper(\"m1\", \"acme\").\n",
            ),
        ]);
        let facts = facts.expect("loads");
        let r = rules.checked.relation("developer").unwrap();
        let file_of = |row: usize| facts.files[facts.origins[r][row].file as usize].as_str();
        assert_eq!(
            rows(&facts, &interner, &rules, "developer"),
            ["m1|acme@1", "m2|beta@2", "m3|acme@1"]
        );
        // The duplicate keeps the origin loaded first; the unlisted source takes no file index.
        assert_eq!(
            [file_of(0), file_of(1), file_of(2)],
            ["developer.facts", "developer.facts", "more.dl"]
        );
        // Four facts read beside the rules file's own.
        let (none, _, _) = load_tsv(&[]);
        assert_eq!(facts.read, none.expect("loads").read + 4);
    }

    #[test]
    fn every_bad_row_is_reported_at_its_line_and_column() {
        // Past one chunk of lines, so errors after the first chunk keep their line numbers.
        let mut text = String::new();
        for i in 0..600 {
            match i {
                299 => text.push_str("m299\n"),
                450 => text.push_str("m450\tnot-a-number\n"),
                _ => text.push_str(&format!("m{i}\t{i}\n")),
            }
        }
        let (facts, _, _) = load_tsv(&[
            ("training_compute.facts", &text),
            (
                "made_available.facts",
                "m1\tdownlaod\t2025-08-02\nm2\tapi\t2025-02-30\n",
            ),
            ("developer.facts", "m1\tbad\\qescape\n"),
        ]);
        let errors = facts.err().expect("fails").concat();
        for expected in [
            "training_compute.facts:300:1: error[arity_mismatch]",
            "training_compute.facts:451:6: error[invalid_number]",
            "made_available.facts:1:4: error[not_in_enumeration]",
            "did you mean \"download\"?",
            "made_available.facts:2:8: error[invalid_date]",
            "developer.facts:1:7: error[invalid_escape]",
        ] {
            assert!(
                errors.contains(expected),
                "missing {expected} in:\n{errors}"
            );
        }
    }
}
