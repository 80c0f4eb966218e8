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
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut line_no = 0;
    let mut values = Vec::with_capacity(arity);
    let mut cells: Vec<(usize, &str)> = Vec::with_capacity(arity);
    while start < text.len() {
        line_no += 1;
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[start..end]
            .strip_suffix('\r')
            .unwrap_or(&text[start..end]);
        let line_start = start;
        start = end + 1;
        if line.is_empty() {
            continue;
        }
        cells.clear();
        let mut off = line_start;
        for cell in line.split('\t') {
            cells.push((off, cell));
            off += cell.len() + 1;
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
            let v = match ty {
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
