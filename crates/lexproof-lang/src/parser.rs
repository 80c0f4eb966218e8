//! Recursive-descent parser for rules.dl, `.dl` fact files and query patterns. On a syntax error it
//! reports, skips to the end of the statement and goes on, so one run shows every error.

use crate::ast::*;
use crate::diag::Diagnostic;
use crate::lexer::{lex, Tok, Token};
use crate::source::{SourceFile, Span};

pub fn parse_program(file: &SourceFile) -> (Program, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let toks = lex(&file.text, &mut diags);
    let plain = is_plain(&toks);
    let mut p = Parser {
        toks,
        pos: 0,
        diags,
        eof: Span::new(file.text.len(), file.text.len()),
        plain,
        depth: 0,
    };
    let mut prog = Program {
        plain,
        ..Program::default()
    };
    while !p.at_end() {
        let before = p.pos;
        if p.statement(&mut prog).is_err() {
            p.recover();
        }
        if p.pos == before {
            p.pos += 1;
        }
    }
    (prog, p.diags)
}

/// Parses one atom such as `obligation(A, "aurora-m", _)`, as given to `query` or `explain`.
pub fn parse_atom(file: &SourceFile) -> Result<Atom, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let toks = lex(&file.text, &mut diags);
    let mut p = Parser {
        toks,
        pos: 0,
        diags,
        eof: Span::new(file.text.len(), file.text.len()),
        plain: false,
        depth: 0,
    };
    let atom = p.atom();
    if atom.is_ok() {
        if p.peek() == Some(&Tok::Dot) {
            p.pos += 1;
        }
        if let Some(t) = p.toks.get(p.pos) {
            let span = t.span;
            let what = t.tok.describe();
            p.diags.push(
                Diagnostic::error(
                    "syntax_error",
                    span,
                    format!("unexpected {what} after the atom"),
                )
                .label("expected the end of the atom here")
                .hint("give one atom, e.g. obligation(A, \"aurora-m\", D)"),
            );
        }
    }
    match atom {
        Ok(a) if p.diags.is_empty() => Ok(a),
        _ => Err(p.diags),
    }
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    diags: Vec<Diagnostic>,
    eof: Span,
    /// Plain Datalog (a file without declarations): any identifier followed by `(` names a
    /// relation, any other identifier is a variable, as in crepe and many textbooks.
    plain: bool,
    /// How deeply the term being parsed nests (parentheses, signs, calls, operator chains).
    depth: usize,
}

/// The deepest a term may nest. Every later pass (checker, evaluators, proofs) walks terms
/// recursively, so the bound keeps them all within the stack; no real rule comes near it.
pub const MAX_NESTING: usize = 100;

/// A file without `.decl`, `.type` and `.param` is plain Datalog.
pub fn is_plain(toks: &[Token]) -> bool {
    !toks
        .iter()
        .any(|t| matches!(&t.tok, Tok::Directive(d) if d == "decl" || d == "type" || d == "param"))
}

type PResult<T> = Result<T, ()>;

impl Parser {
    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }
    fn peek_at(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.pos + k).map(|t| &t.tok)
    }
    fn span(&self) -> Span {
        self.toks.get(self.pos).map_or(self.eof, |t| t.span)
    }
    fn prev_span(&self) -> Span {
        if self.pos == 0 {
            self.span()
        } else {
            self.toks[self.pos - 1].span
        }
    }
    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        self.pos += 1;
        t
    }

    fn error(&mut self, expected: &str, hint: &str) -> PResult<()> {
        let (span, found) = match self.toks.get(self.pos) {
            Some(t) => (t.span, t.tok.describe()),
            None => (self.eof, "the end of the file".to_string()),
        };
        self.diags.push(
            Diagnostic::error(
                "syntax_error",
                span,
                format!("expected {expected}, found {found}"),
            )
            .label(format!("expected {expected}"))
            .hint(hint),
        );
        Err(())
    }

    fn expect(&mut self, tok: Tok, expected: &str, hint: &str) -> PResult<Span> {
        if self.peek() == Some(&tok) {
            Ok(self.bump().span)
        } else {
            self.error(expected, hint).map(|_| Span::default())
        }
    }

    /// Skips to just after the next `.` ending a statement, or to the next directive or annotation.
    fn recover(&mut self) {
        while let Some(t) = self.peek() {
            match t {
                Tok::Dot => {
                    self.pos += 1;
                    return;
                }
                Tok::Directive(_) | Tok::Annotation(_) => return,
                _ => self.pos += 1,
            }
        }
    }

    /// After `.type`: `name = "a" | "b"`, `name += "c"` or `name <: symbol`.
    fn type_decl(&mut self) -> PResult<EnumDecl> {
        const HINT: &str = "write `.type modality = \"text\" | \"code\"`, `.type duty += \"national_duty\"` (more values for an enumeration) or `.type model <: symbol` (a role)";
        let (name, name_span) = self.ident("a type name", HINT)?;
        let mut decl = EnumDecl {
            name,
            name_span,
            values: Vec::new(),
            doc: Doc::default(),
            extends: false,
            subtype_of: None,
        };
        if self.peek() == Some(&Tok::Lt) && self.peek_at(1) == Some(&Tok::Colon) {
            self.bump();
            self.bump();
            decl.subtype_of = Some(self.ident("the type it is a kind of", HINT)?);
            return Ok(decl);
        }
        if self.peek() == Some(&Tok::Plus) && self.peek_at(1) == Some(&Tok::Eq) {
            self.bump();
            decl.extends = true;
        }
        self.expect(Tok::Eq, "`=`", HINT)?;
        loop {
            let span = self.span();
            let v = self.string_arg("value")?;
            decl.values.push((v, span));
            if self.peek() == Some(&Tok::Pipe) {
                self.bump();
            } else {
                break;
            }
        }
        Ok(decl)
    }

    fn statement(&mut self, prog: &mut Program) -> PResult<()> {
        match self.peek() {
            Some(Tok::Directive(d)) if d == "decl" => {
                self.bump();
                let decl = self.decl()?;
                prog.decls.push(decl);
                Ok(())
            }
            Some(Tok::Directive(d)) if d == "param" => {
                self.bump();
                if self.peek_at(1) == Some(&Tok::Eq) {
                    let value = self.dated_param()?;
                    prog.clauses.push(value);
                    return Ok(());
                }
                let (decl, fact) = self.param()?;
                prog.decls.push(decl);
                prog.clauses.push(fact);
                Ok(())
            }
            Some(Tok::Directive(d)) if d == "type" => {
                self.bump();
                let decl = self.type_decl()?;
                prog.enums.push(decl);
                Ok(())
            }
            Some(Tok::Directive(d)) if d == "output" => {
                self.bump();
                loop {
                    match self.peek() {
                        Some(Tok::Ident(n)) => {
                            let n = n.clone();
                            let span = self.bump().span;
                            prog.outputs.push((n, span));
                        }
                        _ => {
                            self.error(
                                "a relation name",
                                "write `.output rel1, rel2` with declared relation names",
                            )?;
                        }
                    }
                    if self.peek() == Some(&Tok::Comma) {
                        self.bump();
                    } else {
                        break;
                    }
                }
                Ok(())
            }
            Some(Tok::Directive(d)) => {
                let d = d.clone();
                let span = self.span();
                self.bump();
                self.diags.push(
                    Diagnostic::error("syntax_error", span, format!("unknown directive `.{d}`"))
                        .label("not a directive")
                        .hint("the directives are `.decl`, `.type`, `.param` and `.output`; a `.` ending a statement needs a space or line break after it"),
                );
                Err(())
            }
            Some(Tok::Annotation(_)) => {
                let mut meta = self.annotations()?;
                let documents = match self.peek() {
                    Some(Tok::Directive(d)) if d == "decl" || d == "type" || d == "param" => {
                        Some(d == "type")
                    }
                    _ => None,
                };
                if let Some(is_type) = documents {
                    if let Some((name, span)) = meta.rule_only.take() {
                        return self.misplaced(&name, span, "a `.decl` or `.type`", "rule annotations (@rule, @authority, @ambiguous, @says) go above a rule; document a declaration with @doc, @arg, @cite, @example, @key, @reads, @value and @aka");
                    }
                    let mut doc = std::mem::take(&mut meta.doc);
                    doc.citations = std::mem::take(&mut meta.citations);
                    let (decls, clauses) = (prog.decls.len(), prog.clauses.len());
                    self.statement(prog)?;
                    if prog.decls.len() == decls && prog.clauses.len() > clauses {
                        // A dated parameter value: its citations say which act set it.
                        if let Some(c) = prog.clauses.last_mut() {
                            c.meta.citations = std::mem::take(&mut doc.citations);
                            c.meta.doc = doc;
                        }
                        return Ok(());
                    }
                    let target = if is_type {
                        prog.enums.last_mut().map(|e| &mut e.doc)
                    } else {
                        prog.decls.last_mut().map(|d| &mut d.doc)
                    };
                    if let Some(t) = target {
                        *t = doc;
                    }
                    return Ok(());
                }
                if let Some((name, span)) = meta.decl_only.take() {
                    return self.misplaced(&name, span, "a rule", "@doc, @arg, @example, @key, @reads, @value and @aka document a `.decl` or `.type` and go directly above it");
                }
                let clause = self.clause(meta)?;
                prog.clauses.push(clause);
                Ok(())
            }
            _ => {
                let clause = self.clause(Meta::default())?;
                prog.clauses.push(clause);
                Ok(())
            }
        }
    }

    fn misplaced(&mut self, name: &str, span: Span, place: &str, hint: &str) -> PResult<()> {
        self.diags.push(
            Diagnostic::error(
                "misplaced_annotation",
                span,
                format!("`@{name}` does not belong above {place}"),
            )
            .label("misplaced annotation")
            .hint(hint),
        );
        Err(())
    }

    /// A lower-case name, or a syntax error saying what was expected.
    fn ident(&mut self, expected: &str, hint: &str) -> PResult<(String, Span)> {
        match self.peek() {
            Some(Tok::Ident(n)) => {
                let n = n.clone();
                Ok((n, self.bump().span))
            }
            _ => {
                // `error` records the diagnostic and always fails.
                let _ = self.error(expected, hint);
                Err(())
            }
        }
    }

    fn decl(&mut self) -> PResult<Decl> {
        let (name, name_span) = self.ident(
            "a relation name",
            "write `.decl name(field: type, ...)` with a lower-case name",
        )?;
        self.expect(Tok::LParen, "`(`", "write `.decl name(field: type, ...)`")?;
        let mut fields = Vec::new();
        if self.peek() != Some(&Tok::RParen) {
            loop {
                let (fname, fspan) = match self.peek() {
                    Some(Tok::Ident(n)) | Some(Tok::Var(n)) => {
                        let n = n.clone();
                        (n, self.bump().span)
                    }
                    _ => {
                        self.error(
                            "a field name",
                            "each field is `name: type`, e.g. `model: symbol`",
                        )?;
                        unreachable!()
                    }
                };
                self.expect(
                    Tok::Colon,
                    "`:`",
                    "each field is `name: type`, e.g. `model: symbol`",
                )?;
                let (type_name, type_span) = match self.peek() {
                    Some(Tok::Ident(t)) => {
                        let t = t.clone();
                        (t, self.bump().span)
                    }
                    _ => {
                        self.error("a type", "the types are `symbol`, `number`, `date` and the names declared with `.type`")?;
                        unreachable!()
                    }
                };
                fields.push(Field {
                    name: fname,
                    type_name,
                    type_span,
                    span: fspan.to(self.prev_span()),
                });
                match self.peek() {
                    Some(Tok::Comma) => {
                        self.bump();
                    }
                    Some(Tok::RParen) => break,
                    _ => {
                        self.error(
                            "`,` or `)`",
                            "separate fields with commas and close with `)`",
                        )?;
                    }
                }
            }
        }
        self.bump();
        // A trailing dot after a declaration is tolerated.
        if self.peek() == Some(&Tok::Dot) {
            self.bump();
        }
        Ok(Decl {
            name,
            name_span,
            fields,
            doc: Doc::default(),
            param: false,
        })
    }

    /// `.param name: type = value`: a relation `name(value: type)` and its one fact.
    fn param(&mut self) -> PResult<(Decl, Clause)> {
        const FORM: &str = "write `.param art51_threshold: number = 1e25`";
        let (name, name_span) = self.ident("a parameter name", FORM)?;
        self.expect(Tok::Colon, "`:`", FORM)?;
        let (type_name, type_span) = match self.peek() {
            Some(Tok::Ident(t)) => {
                let t = t.clone();
                (t, self.bump().span)
            }
            _ => {
                self.error(
                    "a type",
                    "a parameter's type is `number`, `date`, `symbol` or a `.type` name",
                )?;
                unreachable!()
            }
        };
        self.expect(Tok::Eq, "`=`", FORM)?;
        let value = self.term()?;
        let span = name_span.to(self.prev_span());
        if self.peek() == Some(&Tok::Dot) {
            self.bump();
        }
        let decl = Decl {
            name: name.clone(),
            name_span,
            fields: vec![Field {
                name: "value".into(),
                type_name,
                type_span,
                span: type_span,
            }],
            doc: Doc::default(),
            param: true,
        };
        Ok((decl, param_fact(name, name_span, value, span, None)))
    }

    /// After `.param`: `name = value from "date"`, a value the parameter takes from that day on (a
    /// delegated act amending a threshold); the `.param name: type = value` line gives the first.
    fn dated_param(&mut self) -> PResult<Clause> {
        const FORM: &str = "write `.param art51_threshold = 1e26 from \"2027-06-01\"` below the parameter's `.param art51_threshold: number = 1e25` line";
        let (name, name_span) = self.ident("a parameter name", FORM)?;
        self.expect(Tok::Eq, "`=`", FORM)?;
        let value = self.term()?;
        match self.peek() {
            Some(Tok::Ident(w)) if w == "from" => {
                self.bump();
            }
            _ => {
                self.error("`from \"date\"`", FORM)?;
            }
        }
        let from_span = self.span();
        let from = self.string_arg("date")?;
        let span = name_span.to(self.prev_span());
        if self.peek() == Some(&Tok::Dot) {
            self.bump();
        }
        Ok(param_fact(
            name,
            name_span,
            value,
            span,
            Some((from, from_span)),
        ))
    }

    fn string_arg(&mut self, what: &str) -> PResult<String> {
        match self.peek() {
            Some(Tok::Str(s)) => {
                let s = s.clone();
                self.bump();
                Ok(s)
            }
            _ => {
                self.error(
                    &format!("{what} in double quotes"),
                    &format!("write it as a quoted string, e.g. \"{what}\""),
                )?;
                unreachable!()
            }
        }
    }

    /// A field name as written in a `.decl` (lower- or upper-case).
    fn field_name(&mut self, expected: &str, hint: &str) -> PResult<(String, Span)> {
        match self.peek() {
            Some(Tok::Ident(n)) | Some(Tok::Var(n)) => {
                let n = n.clone();
                Ok((n, self.bump().span))
            }
            _ => {
                let _ = self.error(expected, hint);
                Err(())
            }
        }
    }

    fn annotations(&mut self) -> PResult<Meta> {
        let mut meta = Meta::default();
        while let Some(Tok::Annotation(name)) = self.peek() {
            let name = name.clone();
            let span = self.span();
            self.bump();
            meta.span = Some(meta.span.map_or(span, |s| s.to(span)));
            let slot = match name.as_str() {
                "rule" | "authority" | "ambiguous" | "says" => Some(&mut meta.rule_only),
                "doc" | "arg" | "example" | "key" | "nonnegative" | "value" | "aka" | "reads" => {
                    Some(&mut meta.decl_only)
                }
                _ => None,
            };
            if let Some(slot) = slot {
                slot.get_or_insert((name.clone(), span));
            }
            match name.as_str() {
                "rule" => match self.peek() {
                    Some(Tok::Ident(id)) => {
                        let id = id.clone();
                        let s = self.bump().span;
                        meta.id = Some((id, s));
                    }
                    _ => {
                        self.error(
                            "a rule id",
                            "a rule id is lower-case letters, digits and `_`, e.g. `@rule art53_1_a_documentation`",
                        )?;
                    }
                },
                "cite" => {
                    meta.citations.push(self.string_arg("citation")?);
                    loop {
                        match self.peek() {
                            Some(Tok::Comma) => {
                                self.bump();
                                meta.citations.push(self.string_arg("citation")?);
                            }
                            Some(Tok::Str(_)) => meta.citations.push(self.string_arg("citation")?),
                            _ => break,
                        }
                    }
                }
                "authority" => match self.peek() {
                    Some(Tok::Ident(a)) => {
                        let a = a.clone();
                        let s = self.bump().span;
                        meta.authority = Some((a, s));
                    }
                    _ => {
                        self.error(
                            "an authority",
                            "write `@authority statute`, `recital` or `guidelines`",
                        )?;
                    }
                },
                "ambiguous" => meta.ambiguous = Some(self.string_arg("reason")?),
                "says" => meta.says = Some(self.string_arg("plain-language statement")?),
                "doc" => meta.doc.text.push(self.string_arg("description")?),
                "arg" => {
                    let (field, fspan) =
                        self.field_name("the field name", "write `@arg model \"the model's id\"`")?;
                    let text = self.string_arg("description")?;
                    meta.doc.args.push((field, text, fspan));
                }
                "example" => {
                    let atom = self.atom()?;
                    if self.peek() == Some(&Tok::Dot) {
                        self.bump();
                    }
                    meta.doc.examples.push(atom);
                }
                "key" => {
                    let mut fields =
                        vec![self.field_name(
                            "a field name",
                            "write `@key model` or `@key model, on`",
                        )?];
                    while self.peek() == Some(&Tok::Comma) {
                        self.bump();
                        fields.push(self.field_name(
                            "a field name",
                            "write `@key model` or `@key model, on`",
                        )?);
                    }
                    meta.doc.key = Some((fields, span.to(self.prev_span())));
                }
                "nonnegative" => {
                    let hint = "write `@nonnegative flop`, naming number fields";
                    let mut fields = vec![self.field_name("a field name", hint)?];
                    while self.peek() == Some(&Tok::Comma) {
                        self.bump();
                        fields.push(self.field_name("a field name", hint)?);
                    }
                    meta.doc.nonnegative = Some((fields, span.to(self.prev_span())));
                }
                "value" => {
                    let vspan = self.span();
                    let value = self.string_arg("value")?;
                    let text = self.string_arg("description")?;
                    meta.doc.values.push((value, text, vspan));
                }
                "reads" => {
                    let vspan = self.span();
                    let phrase = self.string_arg("phrase")?;
                    meta.doc.reads = Some((phrase, vspan));
                }
                "aka" => {
                    let vspan = self.span();
                    let value = self.string_arg("value")?;
                    let mut words = vec![self.string_arg("synonym")?];
                    while self.peek() == Some(&Tok::Comma) {
                        self.bump();
                        words.push(self.string_arg("synonym")?);
                    }
                    meta.doc.aka.push((value, words, vspan));
                }
                other => {
                    self.diags.push(
                        Diagnostic::error(
                            "syntax_error",
                            span,
                            format!("unknown annotation `@{other}`"),
                        )
                        .label("not an annotation")
                        .hint("rules take @rule, @cite, @authority, @ambiguous and @says; declarations take @doc, @arg, @cite, @example, @key, @reads, @value and @aka"),
                    );
                    return Err(());
                }
            }
        }
        Ok(meta)
    }

    fn clause(&mut self, meta: Meta) -> PResult<Clause> {
        let head = self.atom()?;
        let body = match self.peek() {
            Some(Tok::If) => {
                self.bump();
                let mut lits = vec![self.literal()?];
                while self.peek() == Some(&Tok::Comma) {
                    self.bump();
                    lits.push(self.literal()?);
                }
                Some(lits)
            }
            _ => None,
        };
        let hint = if body.is_some() {
            "separate premises with `,` and end the rule with `.`"
        } else {
            "end a fact with `.`, or write `:-` and the premises to make it a rule"
        };
        self.expect(Tok::Dot, "`.`", hint)?;
        let span = head.span.to(self.prev_span());
        Ok(Clause {
            meta,
            head,
            body,
            span,
            from: None,
        })
    }

    fn atom(&mut self) -> PResult<Atom> {
        let (rel, rel_span) = match self.peek() {
            Some(Tok::Ident(n)) => {
                let n = n.clone();
                (n, self.bump().span)
            }
            Some(Tok::Var(v)) if self.plain && self.peek_at(1) == Some(&Tok::LParen) => {
                let v = v.clone();
                (v, self.bump().span)
            }
            Some(Tok::Var(v)) => {
                let v = v.clone();
                let span = self.span();
                self.diags.push(
                    Diagnostic::error(
                        "syntax_error",
                        span,
                        format!("expected a relation name, found variable `{v}`"),
                    )
                    .label("relation names start with a lower-case letter")
                    .hint(format!(
                        "write the relation in lower case, e.g. `{}`",
                        v.to_lowercase()
                    )),
                );
                return Err(());
            }
            _ => {
                self.error("a relation name", "an atom looks like `provider(P, M)`")?;
                unreachable!()
            }
        };
        self.expect(Tok::LParen, "`(`", "an atom looks like `provider(P, M)`")?;
        let mut args = Vec::new();
        if self.peek() != Some(&Tok::RParen) {
            loop {
                args.push(self.term()?);
                match self.peek() {
                    Some(Tok::Comma) => {
                        self.bump();
                    }
                    Some(Tok::RParen) => break,
                    _ => {
                        // `"acme "pro" model"`: a string ended by a quote meant to be inside it.
                        let glued = self.pos > 0
                            && matches!(self.toks[self.pos - 1].tok, Tok::Str(_))
                            && self.toks[self.pos - 1].span.end == self.span().start;
                        let hint = if glued {
                            "a quote inside a symbol is written \\\", e.g. \"acme \\\"pro\\\" model\"; otherwise separate arguments with commas"
                        } else {
                            "separate arguments with commas and close the atom with `)`"
                        };
                        self.error("`,` or `)`", hint)?;
                    }
                }
            }
        }
        let close = self.bump().span;
        Ok(Atom {
            rel,
            rel_span,
            args,
            span: rel_span.to(close),
        })
    }

    fn literal(&mut self) -> PResult<Literal> {
        match (self.peek(), self.peek_at(1)) {
            (Some(Tok::Bang), _) => {
                let s = self.bump().span;
                let a = self.atom()?;
                let span = s.to(a.span);
                Ok(Literal::Neg(a, span))
            }
            (Some(Tok::Ident(n)), Some(Tok::Ident(_))) if n == "not" => {
                let s = self.bump().span;
                let a = self.atom()?;
                let span = s.to(a.span);
                Ok(Literal::Neg(a, span))
            }
            (Some(Tok::Ident(n)), Some(Tok::LParen)) if Builtin::parse(n).is_some() => {
                // `weekday(D) <= 5` is a comparison; a relation that happens to share a built-in's
                // name (plain Datalog) is still read as an atom.
                let (pos, ndiags) = (self.pos, self.diags.len());
                if let Ok(l) = self.comparison() {
                    return Ok(l);
                }
                self.pos = pos;
                self.diags.truncate(ndiags);
                Ok(Literal::Pos(self.atom()?))
            }
            (Some(Tok::Ident(_)), Some(Tok::LParen)) => Ok(Literal::Pos(self.atom()?)),
            (Some(Tok::Var(_)), Some(Tok::LParen)) if self.plain => Ok(Literal::Pos(self.atom()?)),
            (Some(Tok::Ident(n)), Some(Tok::Var(_))) if n == "not" && self.plain => {
                let s = self.bump().span;
                let a = self.atom()?;
                let span = s.to(a.span);
                Ok(Literal::Neg(a, span))
            }
            (Some(Tok::LParen), _) => {
                // `(n <= 25)`: a parenthesised premise, as crepe writes tests; otherwise the
                // parenthesis opens an arithmetic term such as `(A + B) > 3`.
                let (pos, ndiags, outer) = (self.pos, self.diags.len(), self.depth);
                self.enter()?;
                self.bump();
                let inner = self.literal();
                self.depth = outer;
                if let Ok(l) = inner {
                    if self.peek() == Some(&Tok::RParen) {
                        self.bump();
                        return Ok(l);
                    }
                }
                if self.diags[ndiags..].iter().any(|d| d.code == "too_deep") {
                    return Err(());
                }
                self.pos = pos;
                self.diags.truncate(ndiags);
                self.comparison()
            }
            _ => self.comparison(),
        }
    }

    fn comparison(&mut self) -> PResult<Literal> {
        {
            {
                let lhs = self.term()?;
                let op = match self.peek() {
                    Some(Tok::Eq) => CmpOp::Eq,
                    Some(Tok::Ne) => CmpOp::Ne,
                    Some(Tok::Lt) => CmpOp::Lt,
                    Some(Tok::Le) => CmpOp::Le,
                    Some(Tok::Gt) => CmpOp::Gt,
                    Some(Tok::Ge) => CmpOp::Ge,
                    _ => {
                        self.error(
                            "a comparison (`=`, `!=`, `<`, `<=`, `>`, `>=`)",
                            "a premise is an atom, a negated atom (`!a(X)`) or a comparison (`X > 10`)",
                        )?;
                        unreachable!()
                    }
                };
                self.bump();
                let rhs = self.term()?;
                let span = lhs.span().to(rhs.span());
                Ok(Literal::Cmp(op, lhs, rhs, span))
            }
        }
    }

    /// Goes one level deeper into a term, or reports that the term nests too deeply.
    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_NESTING {
            let span = self.span();
            self.diags.push(
                Diagnostic::error(
                    "too_deep",
                    span,
                    format!("this term nests more than {MAX_NESTING} levels deep"),
                )
                .label("nesting limit reached here")
                .hint("split the expression over several premises with intermediate variables, e.g. `Y = A + B, X = Y * 2`"),
            );
            return Err(());
        }
        self.depth += 1;
        Ok(())
    }

    fn term(&mut self) -> PResult<Term> {
        let outer = self.depth;
        let result = self.term_chain();
        self.depth = outer;
        result
    }

    /// `a + b - c`: each operator makes the (left-leaning) tree one level deeper.
    fn term_chain(&mut self) -> PResult<Term> {
        let mut lhs = self.product()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Plus) => ArithOp::Add,
                Some(Tok::Minus) => ArithOp::Sub,
                _ => return Ok(lhs),
            };
            self.enter()?;
            self.bump();
            let rhs = self.product()?;
            let span = lhs.span().to(rhs.span());
            lhs = Term::Arith(op, Box::new(lhs), Box::new(rhs), span);
        }
    }

    fn product(&mut self) -> PResult<Term> {
        let outer = self.depth;
        let result = self.product_chain();
        self.depth = outer;
        result
    }

    fn product_chain(&mut self) -> PResult<Term> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek() {
                Some(Tok::Star) => ArithOp::Mul,
                Some(Tok::Slash) => ArithOp::Div,
                _ => return Ok(lhs),
            };
            self.enter()?;
            self.bump();
            let rhs = self.unary()?;
            let span = lhs.span().to(rhs.span());
            lhs = Term::Arith(op, Box::new(lhs), Box::new(rhs), span);
        }
    }

    fn unary(&mut self) -> PResult<Term> {
        let outer = self.depth;
        let result = self.signed();
        self.depth = outer;
        result
    }

    fn signed(&mut self) -> PResult<Term> {
        if self.peek() == Some(&Tok::Minus) {
            self.enter()?;
            let s = self.bump().span;
            if let Some(Tok::Num(n)) = self.peek() {
                let text = format!("-{n}");
                let span = s.to(self.bump().span);
                return Ok(Term::Num(text, span));
            }
            let inner = self.signed()?;
            let span = s.to(inner.span());
            return Ok(Term::Arith(
                ArithOp::Sub,
                Box::new(Term::Num("0".into(), s)),
                Box::new(inner),
                span,
            ));
        }
        self.primary()
    }

    fn primary(&mut self) -> PResult<Term> {
        let t = match self.toks.get(self.pos) {
            Some(t) => t.clone(),
            None => {
                self.error(
                    "a value",
                    "a value is a variable, \"symbol\", number or date",
                )?;
                unreachable!()
            }
        };
        match t.tok {
            Tok::Var(v) => {
                self.bump();
                Ok(Term::Var(v, t.span))
            }
            Tok::Underscore => {
                self.bump();
                Ok(Term::Wild(t.span))
            }
            Tok::Str(s) => {
                self.bump();
                Ok(Term::Str(s, t.span))
            }
            Tok::Num(n) => {
                self.bump();
                Ok(Term::Num(n, t.span))
            }
            Tok::LParen => {
                self.enter()?;
                self.bump();
                let inner = self.term()?;
                self.expect(Tok::RParen, "`)`", "close the parenthesis")?;
                Ok(inner)
            }
            Tok::Ident(name)
                if self.peek_at(1) == Some(&Tok::LParen) && Builtin::parse(&name).is_some() =>
            {
                self.call(Builtin::parse(&name).unwrap_or(Builtin::Weekday), t.span)
            }
            Tok::Ident(name) if self.plain => {
                self.bump();
                Ok(Term::Var(name, t.span))
            }
            Tok::Ident(name) => {
                self.diags.push(
                    Diagnostic::error(
                        "syntax_error",
                        t.span,
                        format!("unexpected name `{name}` where a value belongs"),
                    )
                    .label("variables start with an upper-case letter; symbols are quoted")
                    .hint(format!(
                        "write \"{name}\" for the symbol, or `{}` for a variable",
                        upper_first(&name)
                    )),
                );
                self.bump();
                Err(())
            }
            _ => {
                self.error(
                    "a value",
                    "a value is a variable, \"symbol\", number or date",
                )?;
                unreachable!()
            }
        }
    }
}

impl Parser {
    /// `name(arg, ...)` of a built-in function, the name already seen at `start`.
    fn call(&mut self, f: Builtin, start: Span) -> PResult<Term> {
        self.enter()?;
        self.bump();
        self.expect(
            Tok::LParen,
            "`(`",
            "a function call looks like `weekday(D)`",
        )?;
        let mut args = Vec::new();
        if self.peek() != Some(&Tok::RParen) {
            loop {
                args.push(self.term()?);
                match self.peek() {
                    Some(Tok::Comma) => {
                        self.bump();
                    }
                    Some(Tok::RParen) => break,
                    _ => {
                        self.error(
                            "`,` or `)`",
                            "separate arguments with commas and close the call with `)`",
                        )?;
                    }
                }
            }
        }
        let close = self.bump().span;
        Ok(Term::Call(f, args, start.to(close)))
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A parameter's value as the bodiless clause `name(value).`, with the day it takes effect for a
/// later value.
fn param_fact(
    name: String,
    name_span: Span,
    value: Term,
    span: Span,
    from: Option<(String, Span)>,
) -> Clause {
    Clause {
        meta: Meta::default(),
        head: Atom {
            rel: name,
            rel_span: name_span,
            args: vec![value],
            span,
        },
        body: None,
        span,
        from,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Program, Vec<Diagnostic>) {
        parse_program(&SourceFile::new("t.dl", text))
    }

    #[test]
    fn parses_every_construct() {
        let (p, d) = parse(
            r#"
            .decl a(x: symbol, n: number)
            .decl b(x: symbol)
            b("k"). // a fact
            /* block */
            @rule r1
            @cite "Art. 3(63)", "Recital 97 S11"
            @authority statute
            @ambiguous "unsettled"
            @says "Plain words."
            b(X) :- a(X, N), !b(X), not b("y"), N > 1e23, Z = N * 3 + -1, Z != (N - 2) / 4, a(_, _).
            "#,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(p.decls.len(), 2);
        assert_eq!(p.clauses.len(), 2);
        let rule = &p.clauses[1];
        assert_eq!(rule.meta.id.as_ref().unwrap().0, "r1");
        assert_eq!(rule.meta.citations, vec!["Art. 3(63)", "Recital 97 S11"]);
        assert_eq!(rule.meta.ambiguous.as_deref(), Some("unsettled"));
        let body = rule.body.as_ref().unwrap();
        assert_eq!(body.len(), 7);
        assert!(matches!(body[1], Literal::Neg(..)));
        assert!(matches!(body[2], Literal::Neg(..)));
        assert!(matches!(body[3], Literal::Cmp(CmpOp::Gt, ..)));
    }

    #[test]
    fn reports_every_syntax_error_and_recovers() {
        let (p, d) = parse("a(X :- b(X).\nc(\"x\").\nd(X) :- e(X) f(X).\ng(\"y\").\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|d| d.code == "syntax_error"));
        assert_eq!(p.clauses.len(), 2);
    }

    #[test]
    fn unterminated_string_is_located() {
        let (_, d) = parse("a(\"x).\n");
        assert_eq!(d[0].code, "unterminated_string");
        assert_eq!(d[0].span.start, 2);
    }

    #[test]
    fn query_atoms_parse_alone() {
        let a = parse_atom(&SourceFile::new("query", "obligation(A, \"aurora-m\", _)")).unwrap();
        assert_eq!(a.args.len(), 3);
        assert!(parse_atom(&SourceFile::new("query", "obligation(A) extra")).is_err());
    }
}
