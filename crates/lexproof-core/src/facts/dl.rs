//! `.dl` fact files: ground atoms such as `developer("aurora-m", "aurora-labs").`, parsed by the
//! rules parser so comments, strings and numbers mean exactly what they mean in rules.dl.

use super::Loader;
use lexproof_lang::ast::{Term, Type};
use lexproof_lang::diag::Diagnostic;
use lexproof_lang::SourceFile;

/// A large file is parsed in parts of about this many bytes, cut after a line that ends a fact, so
/// that its tokens and syntax tree (hundreds of bytes per fact) exist for one part at a time: a
/// 1 GiB fact file parsed whole needed over 20 GiB.
const PART: usize = 8 << 20;

pub(super) fn read(
    l: &mut Loader,
    file: &SourceFile,
    facts: &mut super::Staging,
    diags: &mut Vec<Diagnostic>,
) {
    if file.text.len() <= PART {
        return read_part(l, file, 0, facts, diags);
    }
    let mut lines_before = 0;
    for (base, text) in parts(&file.text, PART) {
        let part = SourceFile::new(file.name.clone(), text);
        let first = diags.len();
        read_part(l, &part, lines_before, facts, diags);
        // Diagnostics point into the whole file, as the caller reports them against it.
        for d in &mut diags[first..] {
            d.span.start += base as u32;
            d.span.end += base as u32;
        }
        lines_before += text.bytes().filter(|&b| b == b'\n').count();
    }
}

/// The file cut into parts of at least `size` bytes (the last may be shorter), each ending after a
/// line whose last token closes a fact (`).`) outside any comment or string, with the byte offset
/// where it starts.
fn parts(text: &str, size: usize) -> Vec<(usize, &str)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    let mut in_block = false;
    // The last two significant bytes of the current line, outside comments and strings.
    let mut last = [0u8; 2];
    while i < bytes.len() {
        let c = bytes[i];
        if in_block {
            if c == b'*' && bytes.get(i + 1) == Some(&b'/') {
                in_block = false;
                i += 2;
                continue;
            }
        } else if c == b'/' && bytes.get(i + 1) == Some(&b'*') {
            in_block = true;
            i += 2;
            continue;
        } else if c == b'/' && bytes.get(i + 1) == Some(&b'/') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        } else if c == b'"' {
            // A string ends at its closing quote or, unclosed, at the end of the line.
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            last = [last[1], b'"'];
            if i < bytes.len() && bytes[i] == b'"' {
                i += 1;
            }
            continue;
        } else if c == b'\n' {
            if last == [b')', b'.'] && i + 1 - start >= size {
                out.push((start, &text[start..=i]));
                start = i + 1;
            }
            last = [0, 0];
        } else if !c.is_ascii_whitespace() {
            last = [last[1], c];
        }
        i += 1;
    }
    if start < text.len() {
        out.push((start, &text[start..]));
    }
    out
}

fn read_part(
    l: &mut Loader,
    file: &SourceFile,
    lines_before: usize,
    facts: &mut super::Staging,
    diags: &mut Vec<Diagnostic>,
) {
    let (prog, syntax) = lexproof_lang::parser::parse_program(file);
    // A scenario given as facts: its `expect` lines would each be a puzzling syntax error.
    let expects = expect_lines(file);
    diags.extend(syntax.into_iter().filter(|d| {
        !expects
            .iter()
            .any(|e| d.span.start >= e.start && d.span.start <= e.end)
    }));
    for span in expects {
        diags.push(
            Diagnostic::error(
                "not_a_fact",
                span,
                "`expect` lines belong to scenario files, not to fact files",
            )
            .label("an expectation")
            .hint("run the scenario with `lexproof test FILE`, or remove its expect lines to use it as facts"),
        );
    }
    for d in &prog.decls {
        diags.push(
            Diagnostic::error(
                "not_a_fact",
                d.name_span,
                "declarations belong in the rules file, not in a fact file",
            )
            .label("declaration in a fact file")
            .hint("remove it; fact files hold ground facts such as developer(\"m\", \"acme\")."),
        );
    }
    for c in &prog.clauses {
        if c.body.is_some() || !c.meta.is_empty() {
            diags.push(
                Diagnostic::error(
                    "not_a_fact",
                    c.head.span,
                    "rules belong in the rules file, not in a fact file",
                )
                .label("a rule or annotated clause")
                .hint("fact files hold ground facts only; add rules to rules.dl"),
            );
            continue;
        }
        let rel = match l.relation(&c.head.rel, c.head.rel_span) {
            Ok(r) => r,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if let Err(d) = l.arity(rel, c.head.args.len(), c.head.span) {
            diags.push(thousands_separators(file, &c.head.args).unwrap_or(d));
            continue;
        }
        let mut values = Vec::with_capacity(c.head.args.len());
        for (k, arg) in c.head.args.iter().enumerate() {
            let (fname, ty) = l.program.relations[rel].fields[k].clone();
            let v = match (arg, ty) {
                (Term::Str(s, span), Type::Number) => Err(Diagnostic::error(
                    "type_mismatch",
                    *span,
                    format!(
                        "field `{fname}` of `{}` is a number, but \"{s}\" is a symbol",
                        c.head.rel
                    ),
                )
                .label("expected a number")
                .hint("write numbers without quotes, e.g. 2.6e25")),
                (Term::Num(n, span), Type::Date) => Err(Diagnostic::error(
                    "type_mismatch",
                    *span,
                    format!(
                        "field `{fname}` of `{}` is a date, but `{n}` is a number",
                        c.head.rel
                    ),
                )
                .label("expected a date")
                .hint("write dates in quotes as \"YYYY-MM-DD\"")),
                (Term::Str(s, span), _) => l.scalar(rel, k, s, true, *span),
                (Term::Num(n, span), _) => l.scalar(rel, k, n, false, *span),
                (other, Type::Date)
                    if lexproof_lang::number::parse_date(file.slice(other.span()).trim())
                        .is_some() =>
                {
                    let text = file.slice(other.span()).trim();
                    Err(Diagnostic::error(
                        "type_mismatch",
                        other.span(),
                        format!(
                            "field `{fname}` of `{}` is a date: write it in quotes",
                            c.head.rel
                        ),
                    )
                    .label("an unquoted date reads as a subtraction")
                    .hint(format!("write \"{text}\"")))
                }
                (other, _) => Err(Diagnostic::error(
                    "non_ground_fact",
                    other.span(),
                    "a fact must contain only constants",
                )
                .label("not a constant")
                .hint("write the value itself, e.g. \"text\", 1e25 or \"2025-08-02\"")),
            };
            match v {
                Ok(v) => values.push(v),
                Err(d) => diags.push(d),
            }
        }
        if values.len() == c.head.args.len() {
            facts.push(
                l.program,
                rel,
                &values,
                lines_before + file.line_of(c.head.span.start),
            );
        }
    }
}

/// The error for `3,000,000` written as a number: the commas split it into arguments, so the
/// arity is wrong; say what happened instead.
fn thousands_separators(file: &SourceFile, args: &[Term]) -> Option<Diagnostic> {
    let is_group = |t: &Term| matches!(t, Term::Num(n, _) if n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()));
    let start = args.iter().enumerate().position(|(i, a)| {
        matches!(a, Term::Num(n, _) if n.len() <= 3 && n.bytes().all(|b| b.is_ascii_digit()))
            && args.get(i + 1).is_some_and(is_group)
    })?;
    let mut end = start + 1;
    while args.get(end + 1).is_some_and(is_group) {
        end += 1;
    }
    let span = args[start].span().to(args[end].span());
    let written = file.slice(span).to_string();
    let digits: String = written.chars().filter(|c| c.is_ascii_digit()).collect();
    Some(
        Diagnostic::error(
            "invalid_number",
            span,
            format!("`{written}` is written with thousands separators, which numbers do not take"),
        )
        .label("commas separate arguments")
        .hint({
            let short = lexproof_lang::number::fact_syntax(digits.parse().unwrap_or(0));
            if short == digits {
                format!("write {digits}")
            } else {
                format!("write {digits}, or {short}")
            }
        }),
    )
}

/// The lines that start with the word `expect` (scenario expectations), as spans.
fn expect_lines(file: &SourceFile) -> Vec<lexproof_lang::source::Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in file.text.split_inclusive('\n') {
        let body = line.trim_start();
        if body
            .strip_prefix("expect")
            .is_some_and(|rest| rest.starts_with([' ', '\t']))
        {
            let at = start + (line.len() - body.len());
            out.push(lexproof_lang::source::Span::new(
                at,
                start + line.trim_end().len(),
            ));
        }
        start += line.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parts;

    #[test]
    fn parts_end_after_a_fact_outside_comments_and_strings() {
        let text = "a(\"x\").\n/* b(1).\n */ c(\"y).\").\nd(2). // e(3).\nf(4).\n";
        let cut = parts(text, 1);
        let texts: Vec<&str> = cut.iter().map(|(_, t)| *t).collect();
        assert_eq!(
            texts,
            [
                "a(\"x\").\n",
                "/* b(1).\n */ c(\"y).\").\n",
                "d(2). // e(3).\n",
                "f(4).\n"
            ]
        );
        let offsets: Vec<usize> = cut.iter().map(|(o, _)| *o).collect();
        assert_eq!(offsets, [0, 8, 31, 46]);
        assert_eq!(parts(text, 1 << 20).len(), 1);
    }
}
