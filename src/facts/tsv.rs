//! Soufflé-style TSV: `<relation>.facts`, one tuple per line, tab-separated, no header, symbols
//! unquoted (with `\t`, `\n`, `\r` and `\\` escapes), dates as YYYY-MM-DD.

use super::Loader;
use crate::store::Type;
use lexproof_lang::diag::Diagnostic;
use lexproof_lang::source::Span;
use lexproof_lang::SourceFile;
use std::path::Path;

pub(super) fn read(
    l: &mut Loader,
    path: &Path,
    file: &SourceFile,
    facts: &mut super::Staging,
    diags: &mut Vec<Diagnostic>,
) {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let rel = match l.relation(stem, Span::new(0, 0)) {
        Ok(r) => r,
        Err(mut d) => {
            d.message = format!("the file name says relation `{stem}`: {}", d.message);
            diags.push(d);
            return;
        }
    };
    let arity = l.program.relations[rel].arity();
    let text = &file.text;
    let bytes = text.as_bytes();
    let mut pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut line_no = 0;
    // One count of the lines sizes the columns once, instead of growing them by doubling.
    facts.reserve(
        l.program,
        rel,
        bytes.iter().filter(|&&b| b == b'\n').count() + 1,
    );
    let mut values = Vec::with_capacity(arity);
    let mut cells: Vec<(usize, &str)> = Vec::with_capacity(arity);
    while pos < bytes.len() {
        line_no += 1;
        // One pass over the line's bytes finds its end and its cells (tab and newline are ASCII, so
        // every cut is a character boundary).
        let line_start = pos;
        cells.clear();
        let mut cell_start = pos;
        let mut cuts: [usize; 8] = [0; 8];
        let mut ncuts = 0;
        let mut end = bytes.len();
        while pos < bytes.len() {
            match bytes[pos] {
                b'\t' => {
                    if ncuts < cuts.len() {
                        cuts[ncuts] = pos;
                    }
                    ncuts += 1;
                }
                b'\n' => {
                    end = pos;
                    break;
                }
                _ => {}
            }
            pos += 1;
        }
        pos = end + 1;
        let line_end = if end > line_start && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        if line_end == line_start {
            continue;
        }
        let line = &text[line_start..line_end];
        if ncuts <= cuts.len() {
            for &cut in &cuts[..ncuts] {
                cells.push((cell_start, &text[cell_start..cut]));
                cell_start = cut + 1;
            }
            cells.push((cell_start, &text[cell_start..line_end]));
        } else {
            let mut off = line_start;
            for cell in line.split('\t') {
                cells.push((off, cell));
                off += cell.len() + 1;
            }
        }
        if cells.len() != arity {
            let mut d = l
                .arity(
                    rel,
                    cells.len(),
                    Span::new(line_start, line_start + line.len()),
                )
                .unwrap_err();
            d.hint = Some(format!(
                "{}; separate columns with one tab",
                d.hint.unwrap_or_default()
            ));
            diags.push(d);
            continue;
        }
        values.clear();
        for (k, (off, cell)) in cells.iter().enumerate() {
            let span = Span::new(*off, off + cell.len());
            let ty = l.program.relations[rel].fields[k].1;
            let plain = l.program.relations[rel].enums[k].is_none() && !cell.contains('\\');
            let v = match ty {
                // The common case, without `scalar`'s checks: a free symbol with no escapes.
                Type::Symbol if plain => Ok(crate::value::Value::Sym(l.interner.intern(cell))),
                Type::Symbol => match unescape(cell) {
                    Ok(s) => l.scalar(rel, k, &s, true, span),
                    Err(bad) => Err(Diagnostic::error("invalid_escape", Span::new(off + bad, off + bad + 2), "unknown escape in a TSV symbol")
                        .label("not an escape")
                        .hint("TSV symbols use \\t, \\n, \\r and \\\\ for tab, newline, carriage return and backslash")),
                },
                _ => l.scalar(rel, k, cell, false, span),
            };
            match v {
                Ok(v) => values.push(v),
                Err(d) => diags.push(d),
            }
        }
        if values.len() == arity {
            facts.push(l.program, rel, &values, line_no);
        }
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
            _ => return Err(i),
        }
    }
    Ok(std::borrow::Cow::Owned(out))
}
