//! `lexproof lsp`: a language server over stdio for rules files and extensions. Diagnostics come from
//! the same front end as `lexproof check` (a file that uses the shipped relations is checked as an
//! extension of them, as `check` suggests); hover, definition, references, symbols and completion read
//! the last version of the file that checked cleanly, so they keep working while a line is half typed.

use lexproof::rules::rulebase::{FileDiagnostic, Rulebase, RULES_NAME, RULES_TEXT};
use lexproof_lang::lexer::{lex, Tok, Token};
use lexproof_lang::{Checked, Severity};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, References, Request as _,
};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionOptions, CompletionResponse, Diagnostic,
    DiagnosticSeverity, DocumentSymbol, DocumentSymbolResponse, GotoDefinitionResponse, Hover,
    HoverContents, HoverProviderCapability, Location, MarkupContent, MarkupKind, NumberOrString,
    OneOf, Position, PublishDiagnosticsParams, Range, ServerCapabilities, SymbolKind,
    TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

/// One open document: its text and what the last clean check of it made of it.
struct Doc {
    text: String,
    /// The rulebase the document belongs to (alone, or the shipped rules plus it) from its last
    /// clean check; `None` until it first checks cleanly.
    checked: Option<Checked>,
    /// Checked as an extension of the shipped rules.
    extension: bool,
}

pub fn run(_: Args) -> ExitCode {
    let (conn, io) = Connection::stdio();
    let caps = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["@".into(), "\"".into()]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let caps = serde_json::to_value(caps).expect("capabilities serialise");
    let init = match conn.initialize(caps) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("lexproof lsp: the client did not initialise: {e}");
            return ExitCode::from(2);
        }
    };
    let root = init
        .get("rootUri")
        .and_then(|v| v.as_str())
        .and_then(path_of_str);
    let mut server = Server {
        docs: HashMap::new(),
        root,
    };
    let result = server.serve(&conn);
    drop(conn);
    let joined = io.join();
    match (result, joined) {
        (Ok(()), Ok(())) => ExitCode::SUCCESS,
        (Err(e), _) => {
            eprintln!("lexproof lsp: {e}");
            ExitCode::from(2)
        }
        (_, Err(e)) => {
            eprintln!("lexproof lsp: {e}");
            ExitCode::from(2)
        }
    }
}

struct Server {
    docs: HashMap<String, Doc>,
    /// The workspace folder, where an extension's `rules.dl` is looked for.
    root: Option<PathBuf>,
}

impl Server {
    fn serve(&mut self, conn: &Connection) -> Result<(), String> {
        for msg in &conn.receiver {
            match msg {
                Message::Request(req) => {
                    if conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                        return Ok(());
                    }
                    let resp = self.request(req);
                    conn.sender
                        .send(Message::Response(resp))
                        .map_err(|e| e.to_string())?;
                }
                Message::Notification(n) => {
                    if let Some(publish) = self.notification(n) {
                        conn.sender
                            .send(Message::Notification(publish))
                            .map_err(|e| e.to_string())?;
                    }
                }
                Message::Response(_) => {}
            }
        }
        Ok(())
    }

    fn notification(&mut self, n: Notification) -> Option<Notification> {
        let (uri, text) = match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let p: lsp_types::DidOpenTextDocumentParams =
                    serde_json::from_value(n.params).ok()?;
                (p.text_document.uri, p.text_document.text)
            }
            DidChangeTextDocument::METHOD => {
                let p: lsp_types::DidChangeTextDocumentParams =
                    serde_json::from_value(n.params).ok()?;
                let text = p.content_changes.into_iter().last()?.text;
                (p.text_document.uri, text)
            }
            DidCloseTextDocument::METHOD => {
                let p: lsp_types::DidCloseTextDocumentParams =
                    serde_json::from_value(n.params).ok()?;
                self.docs.remove(p.text_document.uri.as_str());
                return Some(publish(p.text_document.uri, Vec::new()));
            }
            _ => return None,
        };
        let name = file_name(&uri);
        let (diags, checked, extension) = check(&name, &text);
        let doc = self.docs.entry(uri.as_str().to_string()).or_insert(Doc {
            text: String::new(),
            checked: None,
            extension,
        });
        doc.text = text;
        if checked.is_some() {
            doc.checked = checked;
            doc.extension = extension;
        }
        let lsp_diags = diags.iter().map(|d| to_lsp(&doc.text, d)).collect();
        Some(publish(uri, lsp_diags))
    }

    fn request(&mut self, req: Request) -> Response {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            HoverRequest::METHOD => parse::<lsp_types::HoverParams>(req).map(|p| {
                let at = p.text_document_position_params;
                json(self.hover(at.text_document.uri.as_str(), at.position))
            }),
            GotoDefinition::METHOD => parse::<lsp_types::GotoDefinitionParams>(req).map(|p| {
                let at = p.text_document_position_params;
                json(
                    self.definition(&at.text_document.uri, at.position)
                        .map(GotoDefinitionResponse::Scalar),
                )
            }),
            References::METHOD => parse::<lsp_types::ReferenceParams>(req).map(|p| {
                let at = p.text_document_position;
                json(self.references(
                    &at.text_document.uri,
                    at.position,
                    p.context.include_declaration,
                ))
            }),
            DocumentSymbolRequest::METHOD => {
                parse::<lsp_types::DocumentSymbolParams>(req).map(|p| {
                    json(
                        self.docs
                            .get(p.text_document.uri.as_str())
                            .map(|d| DocumentSymbolResponse::Nested(symbols(&d.text))),
                    )
                })
            }
            Completion::METHOD => parse::<lsp_types::CompletionParams>(req).map(|p| {
                let at = p.text_document_position;
                json(
                    self.completion(at.text_document.uri.as_str(), at.position)
                        .map(CompletionResponse::Array),
                )
            }),
            other => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("method not supported: {other}"),
                )
            }
        };
        match result {
            Ok(v) => Response::new_ok(id, v),
            Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e),
        }
    }

    /// The token under the cursor and what the document's last clean check knows.
    fn at(&self, uri: &str, pos: Position) -> Option<(&Doc, Vec<Token>, usize)> {
        let doc = self.docs.get(uri)?;
        let tokens = lex(&doc.text, &mut Vec::new());
        let offset = offset_of(&doc.text, pos);
        let i = tokens
            .iter()
            .position(|t| t.span.start as usize <= offset && offset <= t.span.end as usize)?;
        Some((doc, tokens, i))
    }

    fn hover(&self, uri: &str, pos: Position) -> Option<Hover> {
        let (doc, tokens, i) = self.at(uri, pos)?;
        let checked = doc.checked.as_ref();
        let text = match &tokens[i].tok {
            Tok::Ident(name) => {
                let after_rule = i > 0 && tokens[i - 1].tok == Tok::Annotation("rule".into());
                if after_rule {
                    rule_hover(checked?, name)?
                } else {
                    relation_hover(checked?, name)?
                }
            }
            Tok::Annotation(key) => annotation_help(key)?.to_string(),
            _ => return None,
        };
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(range(&doc.text, tokens[i].span)),
        })
    }

    /// The `.decl` or `.param` of the relation under the cursor: in the document, or (for an
    /// extension) in the shipped rules.dl of the workspace.
    fn definition(&self, uri: &Uri, pos: Position) -> Option<Location> {
        let (doc, tokens, i) = self.at(uri.as_str(), pos)?;
        let Tok::Ident(name) = &tokens[i].tok else {
            return None;
        };
        if let Some(span) = declaration(&tokens, name) {
            return Some(Location::new(uri.clone(), range(&doc.text, span)));
        }
        let (rules_uri, rules_text) = self.shipped_file()?;
        let span = declaration(&lex(&rules_text, &mut Vec::new()), name)?;
        Some(Location::new(rules_uri, range(&rules_text, span)))
    }

    fn references(&self, uri: &Uri, pos: Position, with_decl: bool) -> Option<Vec<Location>> {
        let (doc, tokens, i) = self.at(uri.as_str(), pos)?;
        let Tok::Ident(name) = &tokens[i].tok else {
            return None;
        };
        let mut out: Vec<Location> = uses(&tokens, name, with_decl)
            .into_iter()
            .map(|s| Location::new(uri.clone(), range(&doc.text, s)))
            .collect();
        if doc.extension {
            if let Some((rules_uri, rules_text)) = self.shipped_file() {
                let rules_tokens = lex(&rules_text, &mut Vec::new());
                out.extend(
                    uses(&rules_tokens, name, with_decl)
                        .into_iter()
                        .map(|s| Location::new(rules_uri.clone(), range(&rules_text, s))),
                );
            }
        }
        Some(out)
    }

    fn completion(&self, uri: &str, pos: Position) -> Option<Vec<CompletionItem>> {
        let doc = self.docs.get(uri)?;
        let offset = offset_of(&doc.text, pos);
        let before = doc.text[..offset].chars().last();
        if before == Some('@') {
            return Some(
                ANNOTATIONS
                    .iter()
                    .map(|(k, help)| item(k, CompletionItemKind::KEYWORD, help))
                    .collect(),
            );
        }
        let shipped;
        let checked = match doc.checked.as_ref() {
            Some(c) => c,
            None => {
                shipped = Rulebase::shipped().checked;
                &shipped
            }
        };
        let mut items: Vec<CompletionItem> = Vec::new();
        for r in &checked.relations {
            let kind = if r.param {
                CompletionItemKind::CONSTANT
            } else {
                CompletionItemKind::FUNCTION
            };
            items.push(item(&r.name, kind, &signature(checked, r)));
        }
        for e in &checked.enums {
            for v in &e.values {
                let label = if before == Some('"') {
                    v.clone()
                } else {
                    format!("\"{v}\"")
                };
                items.push(item(&label, CompletionItemKind::ENUM_MEMBER, &e.name));
            }
        }
        Some(items)
    }

    /// The shipped rules.dl: the workspace's copy if there is one (so a location opens a real
    /// file), else none: the compiled-in text has no file to point at.
    fn shipped_file(&self) -> Option<(Uri, String)> {
        let path = self.root.as_ref()?.join("rules.dl");
        let text = std::fs::read_to_string(&path).ok()?;
        let uri: Uri = format!("file://{}", path.display()).parse().ok()?;
        Some((uri, text))
    }
}

/// Checks a document as `lexproof check` does: alone, or, when it uses relations of the shipped
/// rules it does not declare, as an extension of them (what `check` then tells the user to run).
fn check(name: &str, text: &str) -> (Vec<FileDiagnostic>, Option<Checked>, bool) {
    let alone = Rulebase::from_parts(&[(name.to_string(), text.to_string())]);
    let extension = match &alone {
        Err(d) if name != RULES_NAME => !super::check::shipped_relations_used(d).is_empty(),
        _ => false,
    };
    let result = if extension {
        Rulebase::from_parts(&[
            (RULES_NAME.to_string(), RULES_TEXT.to_string()),
            (name.to_string(), text.to_string()),
        ])
    } else {
        alone
    };
    let (diags, checked) = match result {
        Ok((rb, w)) => (w, Some(rb.checked)),
        Err(d) => (d, None),
    };
    let mine = diags.into_iter().filter(|d| d.file.name == name).collect();
    (mine, checked, extension)
}

fn to_lsp(text: &str, d: &FileDiagnostic) -> Diagnostic {
    let mut message = d.diag.message.clone();
    if !d.diag.label.is_empty() {
        message.push_str(&format!(" ({})", d.diag.label));
    }
    if let Some(h) = &d.diag.hint {
        message.push_str(&format!("\nhint: {h}"));
    }
    Diagnostic {
        range: range(text, d.diag.span),
        severity: Some(match d.diag.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.diag.code.to_string())),
        source: Some("lexproof".into()),
        message,
        ..Default::default()
    }
}

fn publish(uri: Uri, diagnostics: Vec<Diagnostic>) -> Notification {
    Notification::new(
        PublishDiagnostics::METHOD.to_string(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    )
}

fn relation_hover(checked: &Checked, name: &str) -> Option<String> {
    let r = &checked.relations[*checked.by_name.get(name)?];
    let mut out = format!("```\n{}\n```\n", signature(checked, r));
    if !r.doc.text.is_empty() {
        out.push_str(&format!("\n{}\n", r.doc.text));
    }
    for ((field, _), what) in r.fields.iter().zip(&r.doc.args) {
        if !what.is_empty() {
            out.push_str(&format!("\n- `{field}`: {what}"));
        }
    }
    if r.param {
        let idx = checked.by_name[name];
        for f in checked.facts.iter().filter(|f| f.rel == idx) {
            let value = f.values.first().map(const_text).unwrap_or_default();
            match &f.in_force_from {
                None => out.push_str(&format!("\n\nValue: `{value}`")),
                Some((day, _)) => out.push_str(&format!(
                    "\n\nFrom {}: `{value}`",
                    lexproof_lang::number::format_date(*day)
                )),
            }
        }
    }
    if !r.doc.citations.is_empty() {
        out.push_str(&format!("\n\nCites: {}", r.doc.citations.join("; ")));
    }
    let derived_by: Vec<&str> = checked
        .rules
        .iter()
        .filter(|x| x.head.rel == checked.by_name[name])
        .map(|x| x.id.as_str())
        .collect();
    if derived_by.is_empty() {
        out.push_str("\n\nAn input relation (given by fact files).");
    } else {
        out.push_str(&format!("\n\nDerived by: {}", derived_by.join(", ")));
    }
    Some(out)
}

fn rule_hover(checked: &Checked, id: &str) -> Option<String> {
    let r = checked.rules.iter().find(|r| r.id == id)?;
    let mut out = format!(
        "**rule {}** ({}:{})\n\n{}\n\nCites: {} ({})",
        r.id,
        r.file,
        r.line,
        r.says,
        r.citations.join("; "),
        r.authority.as_str()
    );
    if let Some(a) = &r.ambiguous {
        out.push_str(&format!("\n\nUnsettled: {a}"));
    }
    Some(out)
}

fn signature(checked: &Checked, r: &lexproof_lang::check::Relation) -> String {
    let fields: Vec<String> = r
        .fields
        .iter()
        .enumerate()
        .map(|(i, (n, t))| {
            let ty = match (r.enums[i], r.roles[i]) {
                (Some(e), _) => checked.enums[e].name.clone(),
                (None, Some(role)) => checked.roles[role].name.clone(),
                (None, None) => t.to_string(),
            };
            format!("{n}: {ty}")
        })
        .collect();
    let kw = if r.param { ".param" } else { ".decl" };
    format!("{kw} {}({})", r.name, fields.join(", "))
}

fn const_text(c: &lexproof_lang::check::Const) -> String {
    match c {
        lexproof_lang::check::Const::Sym(s) => format!("\"{s}\""),
        lexproof_lang::check::Const::Num(n) => n.to_string(),
        lexproof_lang::check::Const::Date(d) => {
            format!("\"{}\"", lexproof_lang::number::format_date(*d))
        }
    }
}

const ANNOTATIONS: &[(&str, &str)] = &[
    (
        "rule",
        "@rule ID: the rule's stable id, unique in the rulebase",
    ),
    (
        "cite",
        "@cite \"Art. ...\", ...: the legal sources the rule applies",
    ),
    (
        "authority",
        "@authority statute|recital|guidelines: the weakest source it rests on",
    ),
    (
        "says",
        "@says \"...\": the rule in plain language; {param} shows a parameter's value",
    ),
    (
        "ambiguous",
        "@ambiguous \"...\": the law is unsettled here, and why",
    ),
    ("doc", "@doc \"...\": what a declared relation means"),
    (
        "arg",
        "@arg field \"...\": what one argument of a relation means",
    ),
    (
        "example",
        "@example fact(...).: an example fact, checked like the others",
    ),
    (
        "key",
        "@key(field, ...): the fields that determine the others",
    ),
    (
        "value",
        "@value \"v\" \"...\": what an enumeration value means",
    ),
    (
        "aka",
        "@aka \"value\" \"alias\": another spelling accepted in fact files",
    ),
];

fn annotation_help(key: &str) -> Option<&'static str> {
    ANNOTATIONS.iter().find(|(k, _)| *k == key).map(|(_, h)| *h)
}

fn item(label: &str, kind: CompletionItemKind, detail: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail.to_string()),
        ..Default::default()
    }
}

/// The span of the name in `.decl NAME`, `.param NAME` or `.type NAME` in these tokens.
fn declaration(tokens: &[Token], name: &str) -> Option<lexproof_lang::source::Span> {
    tokens
        .windows(2)
        .find_map(|w| match (&w[0].tok, &w[1].tok) {
            (Tok::Directive(d), Tok::Ident(n)) if n == name && is_declaring(d) => Some(w[1].span),
            _ => None,
        })
}

fn is_declaring(directive: &str) -> bool {
    matches!(directive, "decl" | "param" | "type")
}

/// Every place the relation is used as an atom (a name followed by `(`), and its declaration if
/// asked for.
fn uses(tokens: &[Token], name: &str, with_decl: bool) -> Vec<lexproof_lang::source::Span> {
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let Tok::Ident(n) = &t.tok else { continue };
        if n != name {
            continue;
        }
        let declared = i > 0 && matches!(&tokens[i - 1].tok, Tok::Directive(d) if is_declaring(d));
        let atom = tokens.get(i + 1).is_some_and(|x| x.tok == Tok::LParen);
        if (declared && with_decl) || (atom && !declared) {
            out.push(t.span);
        }
    }
    out
}

/// The document's outline: relations, parameters and types by declaration, rules by id.
#[allow(deprecated)]
fn symbols(text: &str) -> Vec<DocumentSymbol> {
    let tokens = lex(text, &mut Vec::new());
    let mut out = Vec::new();
    for w in tokens.windows(2) {
        let (kind, detail) = match (&w[0].tok, &w[1].tok) {
            (Tok::Directive(d), Tok::Ident(_)) if d == "decl" => (SymbolKind::STRUCT, "relation"),
            (Tok::Directive(d), Tok::Ident(_)) if d == "param" => {
                (SymbolKind::CONSTANT, "parameter")
            }
            (Tok::Directive(d), Tok::Ident(_)) if d == "type" => (SymbolKind::ENUM, "type"),
            (Tok::Annotation(a), Tok::Ident(_)) if a == "rule" => (SymbolKind::FUNCTION, "rule"),
            _ => continue,
        };
        let Tok::Ident(name) = &w[1].tok else {
            continue;
        };
        out.push(DocumentSymbol {
            name: name.clone(),
            detail: Some(detail.to_string()),
            kind,
            tags: None,
            deprecated: None,
            range: range(text, w[0].span.to(w[1].span)),
            selection_range: range(text, w[1].span),
            children: None,
        });
    }
    out
}

/// LSP positions count UTF-16 code units within a line.
fn position(text: &str, offset: usize) -> Position {
    let offset = floor_boundary(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..line_start].matches('\n').count();
    let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    Position::new(line as u32, character as u32)
}

fn range(text: &str, span: lexproof_lang::source::Span) -> Range {
    Range::new(
        position(text, span.start as usize),
        position(text, span.end as usize),
    )
}

fn offset_of(text: &str, pos: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..pos.line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units >= pos.character as usize || c == '\n' {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn file_name(uri: &Uri) -> String {
    path_of_str(uri.as_str())
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| uri.as_str().to_string())
}

fn path_of_str(uri: &str) -> Option<PathBuf> {
    let path = uri.strip_prefix("file://")?;
    Some(PathBuf::from(
        lexproof::facts::import::cyclonedx::percent_decode(path),
    ))
}

fn parse<T: serde::de::DeserializeOwned>(req: Request) -> Result<T, String> {
    serde_json::from_value(req.params).map_err(|e| format!("bad parameters: {e}"))
}

fn json<T: serde::Serialize>(v: T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
