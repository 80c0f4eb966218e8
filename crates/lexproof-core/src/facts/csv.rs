//! CSV: `<relation>.csv`, RFC 4180 (through the `csv` crate), a required first line naming the
//! relation's fields in any order, one fact per record; separated by commas, or by semicolons when
//! the header is. Cells are trimmed of surrounding spaces,
//! which spreadsheets add and no identifier means; symbols need no quotes, numbers and dates are
//! written as in TSV.

use super::{tsv, Loader};
use crate::data::store::Type;
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
    let Some(rel) = tsv::file_relation(l, path, diags) else {
        return;
    };
    let text = file.text.as_str();
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    // Spreadsheets set to a decimal comma export with semicolons; the header tells which.
    let first_line = text[start..].lines().next().unwrap_or("");
    let delimiter = if first_line.contains(';') && !first_line.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(&text.as_bytes()[start..]);
    let mut order: Option<Vec<usize>> = None;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = e
                    .position()
                    .map_or(start, |p| start + p.byte() as usize)
                    .min(text.len());
                diags.push(
                    Diagnostic::error("csv_syntax", Span::new(at, at), format!("not valid CSV: {e}"))
                        .label("here")
                        .hint("write one record per line, fields separated by commas; a field holding a comma, a quote or a line break goes in double quotes, with a quote inside written twice"),
                );
                return;
            }
        }
        let mut line_start = record
            .position()
            .map_or(start, |p| start + p.byte() as usize)
            .min(text.len());
        // A record read after a `\r\n` line end starts at its `\n`.
        while matches!(text.as_bytes().get(line_start), Some(b'\n' | b'\r')) {
            line_start += 1;
        }
        if let Some(open) = unclosed_quote(text, line_start, delimiter) {
            diags.push(
                Diagnostic::error("csv_syntax", Span::new(open, open + 1), "this quote is never closed, so the rest of the file would be read as one value")
                    .label("quote opened here")
                    .hint("close the quoted value with `\"`; a quote inside a quoted value is written twice (`\"\"`)"),
            );
            return;
        }
        let spans = cell_spans(text, line_start, &record, delimiter);
        let Some(order) = &order else {
            let cells: Vec<(&str, Span)> = record.iter().zip(spans.iter().copied()).collect();
            let sep = if delimiter == b';' { ";" } else { "," };
            match tsv::header_order(l, rel, &cells, true, ".csv", sep, diags) {
                Some(o) => order = Some(o),
                None => return,
            }
            continue;
        };
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        if record.len() != order.len() {
            let mut d = l
                .arity(rel, record.len(), Span::new(line_start, line_end))
                .unwrap_err();
            d.hint = Some(format!(
                "{}; one value per header column, separated by commas (a value holding a comma goes in double quotes)",
                d.hint.unwrap_or_default()
            ));
            diags.push(d);
            continue;
        }
        let mut values = vec![None; order.len()];
        let mut ok = true;
        for ((cell, span), &k) in record.iter().zip(&spans).zip(order) {
            let quoted = l.program.relations[rel].fields[k].1 == Type::Symbol;
            match l.scalar(rel, k, cell, quoted, *span) {
                Ok(v) => values[k] = Some(v),
                Err(d) => {
                    diags.push(d);
                    ok = false;
                }
            }
        }
        if ok {
            let values: Vec<_> = values.into_iter().flatten().collect();
            facts.push(l.program, rel, &values, file.line_of(line_start as u32));
        }
    }
    if order.is_none() {
        diags.push(
            Diagnostic::error(
                "missing_header",
                Span::new(start, start),
                "the file is empty: a `.csv` file starts with a header line naming the fields",
            )
            .label("no header")
            .hint("add a first line naming the fields, separated by commas"),
        );
    }
}

/// Where each cell of a record starts in the text, found by walking the raw line with CSV's
/// quoting rules (the parsed record no longer knows); exact for one-line records.
fn cell_spans(
    text: &str,
    line_start: usize,
    record: &csv::StringRecord,
    delimiter: u8,
) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut spans = Vec::with_capacity(record.len());
    let mut i = line_start;
    for _ in 0..record.len() {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let cell_start = i;
        let mut quoted = false;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => quoted = !quoted,
                b'\n' | b'\r' if !quoted => break,
                b if b == delimiter && !quoted => break,
                _ => {}
            }
            i += 1;
        }
        let mut end = i;
        while end > cell_start && bytes[end - 1] == b' ' {
            end -= 1;
        }
        spans.push(Span::new(cell_start, end.max(cell_start)));
        if i < bytes.len() && bytes[i] == delimiter {
            i += 1;
        }
    }
    spans
}

/// Where a quoted value that runs to the end of the file opens, in the record starting at
/// `start`: the `csv` crate reads it as one value holding every later line.
fn unclosed_quote(text: &str, start: usize, delimiter: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = start;
    let mut field_start = true;
    while i < bytes.len() {
        match bytes[i] {
            b'"' if field_start => {
                let open = i;
                i += 1;
                loop {
                    match bytes.get(i) {
                        None => return Some(open),
                        Some(b'"') if bytes.get(i + 1) == Some(&b'"') => i += 2,
                        Some(b'"') => break,
                        Some(_) => i += 1,
                    }
                }
                field_start = false;
            }
            b'\n' => return None,
            b if b == delimiter => field_start = true,
            b' ' if field_start => {}
            _ => field_start = false,
        }
        i += 1;
    }
    None
}
