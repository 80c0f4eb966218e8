//! JSON fact files: `{"relation": [[v1, v2], ...], ...}`. A small reader of our own rather than
//! serde_json, because facts need the line of every tuple for proofs and numbers must stay exact
//! text (a JSON `2.6e25` never passes through a float). Numeric strings are accepted as numbers.

use super::Loader;
use crate::data::store::Type;
use lexproof_lang::diag::Diagnostic;
use lexproof_lang::source::Span;
use lexproof_lang::SourceFile;

pub(crate) enum J {
    Null,
    Bool,
    Num(String),
    Str(String),
    Arr(Vec<(J, Span)>),
    Obj(Vec<(String, Span, J, Span)>),
}

impl J {
    fn kind(&self) -> &'static str {
        match self {
            J::Null => "null",
            J::Bool => "a boolean",
            J::Num(_) => "a number",
            J::Str(_) => "a string",
            J::Arr(_) => "an array",
            J::Obj(_) => "an object",
        }
    }
}

struct P<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    depth: usize,
}

type R<T> = Result<T, Diagnostic>;

fn syntax(span: Span, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error("json_syntax", span, msg)
        .label("here")
        .hint("the file must be JSON of the form {\"relation\": [[\"value\", 12], ...]}")
}

impl P<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }
    fn here(&self) -> Span {
        Span::new(self.i, (self.i + 1).min(self.s.len()))
    }
    fn value(&mut self) -> R<(J, Span)> {
        self.ws();
        let start = self.i;
        if self.depth > 64 {
            return Err(syntax(self.here(), "JSON nested too deeply"));
        }
        let v = match self.s.get(self.i) {
            None => return Err(syntax(self.here(), "unexpected end of the file")),
            Some(b'{') => {
                self.i += 1;
                self.depth += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b'}') {
                    self.i += 1;
                } else {
                    loop {
                        self.ws();
                        let kstart = self.i;
                        let key = match self.s.get(self.i) {
                            Some(b'"') => self.string()?,
                            _ => return Err(syntax(self.here(), "expected a quoted key")),
                        };
                        let kspan = Span::new(kstart, self.i);
                        self.ws();
                        if self.s.get(self.i) != Some(&b':') {
                            return Err(syntax(self.here(), "expected `:` after the key"));
                        }
                        self.i += 1;
                        let (v, vspan) = self.value()?;
                        items.push((key, kspan, v, vspan));
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(syntax(self.here(), "expected `,` or `}`")),
                        }
                    }
                }
                self.depth -= 1;
                J::Obj(items)
            }
            Some(b'[') => {
                self.i += 1;
                self.depth += 1;
                let mut items = Vec::new();
                self.ws();
                if self.s.get(self.i) == Some(&b']') {
                    self.i += 1;
                } else {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            _ => return Err(syntax(self.here(), "expected `,` or `]`")),
                        }
                    }
                }
                self.depth -= 1;
                J::Arr(items)
            }
            Some(b'"') => J::Str(self.string()?),
            Some(b't') if self.s[self.i..].starts_with(b"true") => {
                self.i += 4;
                J::Bool
            }
            Some(b'f') if self.s[self.i..].starts_with(b"false") => {
                self.i += 5;
                J::Bool
            }
            Some(b'n') if self.s[self.i..].starts_with(b"null") => {
                self.i += 4;
                J::Null
            }
            Some(c) if *c == b'-' || c.is_ascii_digit() => {
                while self.i < self.s.len()
                    && matches!(
                        self.s[self.i],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.i += 1;
                }
                J::Num(self.text[start..self.i].to_string())
            }
            Some(_) => return Err(syntax(self.here(), "unexpected character")),
        };
        Ok((v, Span::new(start, self.i)))
    }

    fn string(&mut self) -> R<String> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        loop {
            let Some(&c) = self.s.get(self.i) else {
                return Err(syntax(
                    Span::new(start, start + 1),
                    "this string is never closed",
                ));
            };
            match c {
                b'"' => {
                    self.i += 1;
                    return Ok(out);
                }
                b'\\' => {
                    let e = self.s.get(self.i + 1).copied();
                    self.i += 2;
                    match e {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let cp = self.hex4()?;
                            let ch = if (0xD800..0xDC00).contains(&cp)
                                && self.s[self.i..].starts_with(b"\\u")
                            {
                                self.i += 2;
                                let lo = self.hex4()?;
                                char::from_u32(
                                    0x10000
                                        + ((cp - 0xD800) << 10)
                                        + (lo.wrapping_sub(0xDC00) & 0x3FF),
                                )
                            } else {
                                char::from_u32(cp)
                            };
                            match ch {
                                Some(ch) => out.push(ch),
                                None => {
                                    return Err(syntax(
                                        Span::new(self.i - 6, self.i),
                                        "invalid \\u escape",
                                    ))
                                }
                            }
                        }
                        _ => {
                            return Err(syntax(
                                Span::new(self.i - 2, self.i.min(self.s.len())),
                                "invalid escape",
                            ))
                        }
                    }
                }
                c if c < 0x20 => {
                    return Err(syntax(
                        self.here(),
                        "control character inside a string (write \\n or \\t)",
                    ))
                }
                _ => {
                    let ch = self.text[self.i..].chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.i += ch.len_utf8();
                }
            }
        }
    }

    fn hex4(&mut self) -> R<u32> {
        let h = self
            .s
            .get(self.i..self.i + 4)
            .and_then(|b| std::str::from_utf8(b).ok())
            .and_then(|t| u32::from_str_radix(t, 16).ok());
        match h {
            Some(v) => {
                self.i += 4;
                Ok(v)
            }
            None => Err(syntax(self.here(), "expected four hex digits after \\u")),
        }
    }
}

fn shape(span: Span, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error("json_shape", span, msg)
        .label("unexpected here")
        .hint("write {\"relation\": [[v1, v2], ...]}: an object of relations, each an array of tuples, each an array of values")
}

/// The whole file as one JSON value, every part with its span.
pub(crate) fn parse(file: &SourceFile) -> Result<(J, Span), Diagnostic> {
    let text = file
        .text
        .strip_prefix('\u{feff}')
        .map_or(file.text.as_str(), |_| &file.text[3..]);
    let offset = file.text.len() - text.len();
    let mut p = P {
        s: file.text.as_bytes(),
        text: &file.text,
        i: offset,
        depth: 0,
    };
    let doc = p.value()?;
    p.ws();
    if p.i < p.s.len() {
        return Err(syntax(p.here(), "unexpected text after the JSON value"));
    }
    Ok(doc)
}

pub(super) fn read(
    l: &mut Loader,
    file: &SourceFile,
    facts: &mut super::Staging,
    diags: &mut Vec<Diagnostic>,
) {
    let (doc, doc_span) = match parse(file) {
        Ok(v) => v,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    if crate::facts::import::cyclonedx::is_bom(&doc) {
        match crate::facts::import::cyclonedx::import(&file.name, file, &doc) {
            Ok(imported) => super::push_imported(l, file, &imported, facts, diags),
            Err(e) => diags.push(e),
        }
        return;
    }
    let J::Obj(rels) = doc else {
        diags.push(shape(
            doc_span,
            format!("the file holds {}, not an object of relations", doc.kind()),
        ));
        return;
    };
    for (name, kspan, tuples, tspan) in rels {
        let rel = match l.relation(&name, kspan) {
            Ok(r) => r,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let J::Arr(tuples) = tuples else {
            diags.push(shape(
                tspan,
                format!("`{name}` must be an array of tuples, not {}", tuples.kind()),
            ));
            continue;
        };
        for (tuple, span) in tuples {
            let cells: Vec<(J, Span)> = match tuple {
                J::Arr(cells) => {
                    if let Err(d) = l.arity(rel, cells.len(), span) {
                        diags.push(d);
                        continue;
                    }
                    cells
                }
                J::Obj(members) => match keyed(l, rel, members, span) {
                    Ok(cells) => cells,
                    Err(ds) => {
                        diags.extend(ds);
                        continue;
                    }
                },
                other => {
                    diags.push(shape(
                        span,
                        format!(
                            "each tuple of `{name}` must be an array of values or an object keyed by field, not {}",
                            other.kind()
                        ),
                    ));
                    continue;
                }
            };
            let mut values = Vec::with_capacity(cells.len());
            for (k, (cell, cspan)) in cells.iter().enumerate() {
                let ty = l.program.relations[rel].fields[k].1;
                let v = match (cell, ty) {
                    (J::Str(s), _) => l.scalar(rel, k, s, ty != Type::Number, *cspan),
                    (J::Num(n), Type::Number) => l.scalar(rel, k, n, false, *cspan),
                    (J::Num(n), Type::Date) => Err(Diagnostic::error(
                        "type_mismatch",
                        *cspan,
                        format!("a date is due, but `{n}` is a number"),
                    )
                    .label("expected a date")
                    .hint("write dates as strings, \"YYYY-MM-DD\"")),
                    (J::Num(_), Type::Symbol) => l.scalar(rel, k, "", false, *cspan),
                    (other, _) => Err(shape(
                        *cspan,
                        format!("a value must be a string or a number, not {}", other.kind()),
                    )),
                };
                match v {
                    Ok(v) => values.push(v),
                    Err(d) => diags.push(d),
                }
            }
            if values.len() == cells.len() {
                facts.push(l.program, rel, &values, file.line_of(span.start));
            }
        }
    }
}

/// A tuple written as an object keyed by field name (`{"model": "m1", "actor": "p1"}`), put in
/// field order; every field named once, nothing else.
fn keyed(
    l: &Loader,
    rel: usize,
    members: Vec<(String, Span, J, Span)>,
    span: Span,
) -> Result<Vec<(J, Span)>, Vec<Diagnostic>> {
    let r = &l.program.relations[rel];
    let fields: Vec<&str> = r.fields.iter().map(|(f, _)| f.as_str()).collect();
    let mut cells: Vec<Option<(J, Span)>> = (0..r.arity()).map(|_| None).collect();
    let mut errors = Vec::new();
    for (key, kspan, value, vspan) in members {
        match fields.iter().position(|f| *f == key) {
            Some(k) if cells[k].is_some() => errors.push(
                shape(kspan, format!("field `{key}` is given twice"))
                    .hint(format!("give each field of `{}` once", r.name)),
            ),
            Some(k) => cells[k] = Some((value, vspan)),
            None => {
                let hint = match lexproof_lang::check::suggest(&key, fields.iter().copied()) {
                    Some(s) => format!(
                        "did you mean `{s}`? The fields of `{}` are {}",
                        r.name,
                        fields.join(", ")
                    ),
                    None => format!("the fields of `{}` are {}", r.name, fields.join(", ")),
                };
                errors.push(
                    Diagnostic::error(
                        "unknown_field",
                        kspan,
                        format!(
                            "`{}` has no field `{}`",
                            r.name,
                            lexproof_lang::diag::shorten(&key, 60)
                        ),
                    )
                    .label("not a field")
                    .hint(hint),
                );
            }
        }
    }
    let missing: Vec<&str> = (0..r.arity())
        .filter(|&k| cells[k].is_none())
        .map(|k| fields[k])
        .collect();
    if errors.is_empty() && !missing.is_empty() {
        errors.push(
            shape(
                span,
                format!(
                    "this `{}` fact does not give {}",
                    r.name,
                    missing.join(", ")
                ),
            )
            .hint(format!("give every field: {}", fields.join(", "))),
        );
    }
    if errors.is_empty() {
        Ok(cells.into_iter().flatten().collect())
    } else {
        Err(errors)
    }
}
