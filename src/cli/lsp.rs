//! `lexproof lsp`: a language server over stdio for rules files and extensions. Diagnostics come from
//! the same front end as `lexproof check` (a file that uses the shipped relations is checked as an
//! extension of them, as `check` suggests); hover, definition, references, symbols and completion read
//! the last version of the file that checked cleanly, so they keep working while a line is half typed.
//! Each rule carries a code lens saying how often it fired on the demo facts and in which scenarios
//! (the `facts/` and `tests/scenarios/` folders beside the file), counted with the run-time
//! evaluator on the last clean version when the file is opened or saved.

use lexproof::rules::rulebase::{shipped_name, shipped_text, FileDiagnostic, Rulebase};
use lexproof_lang::lexer::{lex, Tok, Token};
use lexproof_lang::{Checked, Severity};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeLensRequest, Completion, DocumentSymbolRequest, GotoDefinition, HoverRequest, References,
    Request as _, WorkspaceSymbolRequest,
};
use lsp_types::{
    CodeLens, CodeLensOptions, Command, CompletionItem, CompletionItemKind, CompletionOptions,
    CompletionResponse, Diagnostic, DiagnosticSeverity, DocumentSymbol, DocumentSymbolResponse,
    GotoDefinitionResponse, Hover, HoverContents, HoverProviderCapability, Location, MarkupContent,
    MarkupKind, NumberOrString, OneOf, Position, PublishDiagnosticsParams, Range,
    ServerCapabilities, SymbolInformation, SymbolKind, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
    WorkspaceSymbolResponse,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// Stop a code-lens count (the demo facts, a scenario) after this many derived facts and rule
    /// instances. Lower than a run's default: a rule being typed may recurse without end, and the
    /// editor waits for the count.
    #[arg(long, value_name = "N", default_value_t = LENS_MAX_FACTS)]
    pub max_facts: usize,
    /// Stop a code-lens count once the process uses more memory than SIZE (e.g. 4G, 512M).
    #[arg(long, value_name = "SIZE", value_parser = lexproof::engine::budget::parse_size)]
    pub max_memory: Option<u64>,
}

/// One open document: its text and what the last clean check of it made of it.
struct Doc {
    text: String,
    /// The rulebase the document belongs to (alone, or the shipped rules plus it) from its last
    /// clean check; `None` until it first checks cleanly.
    rules: Option<Rulebase>,
    /// Checked as an extension of the shipped rules.
    extension: bool,
    /// How often each rule fired, by rule id, once counted; recounted on the next code lens
    /// request after an open or a save.
    fires: Option<HashMap<String, Fired>>,
    fires_stale: bool,
}

impl Doc {
    fn checked(&self) -> Option<&Checked> {
        self.rules.as_ref().map(|r| &r.checked)
    }
}

/// Where one rule fired: its instances on the demo facts (when there is a `facts/` folder) and the
/// scenarios it fired in.
#[derive(Clone, Default)]
struct Fired {
    demo: Option<usize>,
    /// The demo facts are there but did not run (an error, or a limit stopped them).
    demo_failed: bool,
    scenarios: Vec<String>,
    /// Scenario files run.
    of: usize,
    /// Scenario files that did not run (their facts failed to load, or a limit stopped them).
    not_run: usize,
}

/// The code lenses' default fact limit: the shipped rules derive about 1,200 facts on the demo
/// facts and fewer in a scenario.
const LENS_MAX_FACTS: usize = 2_000_000;

pub fn run(args: Args) -> ExitCode {
    let (conn, io) = super::lsp_frames::stdio();
    let caps = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
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
            drop(conn);
            match io.join() {
                Err(why) => eprintln!("lexproof lsp: {why}"),
                Ok(()) => eprintln!("lexproof lsp: the client did not initialise: {e}"),
            }
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
        limits: lexproof::engine::RunOptions {
            max_facts: args.max_facts,
            max_memory: args.max_memory,
            ..Default::default()
        },
        exit_without_shutdown: false,
        shut_down: false,
    };
    let result = server.serve(&conn);
    drop(conn);
    let joined = io.join();
    match (result, joined) {
        (Ok(()), Ok(())) if server.exit_without_shutdown => ExitCode::from(1),
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
    /// `--max-facts` and `--max-memory`, for counting where rules fire.
    limits: lexproof::engine::RunOptions,
    /// The client sent `exit` without `shutdown` first.
    exit_without_shutdown: bool,
    /// The client sent `shutdown`: requests are refused until `exit`.
    shut_down: bool,
}

impl Server {
    fn serve(&mut self, conn: &Connection) -> Result<(), String> {
        for msg in &conn.receiver {
            match msg {
                // After `shutdown` the protocol wants every request refused (InvalidRequest)
                // until `exit`; lsp-server's own handling ends the session on one instead.
                Message::Request(req) if self.shut_down => {
                    let resp = Response::new_err(
                        req.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shutting down: only `exit` is accepted now".to_string(),
                    );
                    conn.sender
                        .send(Message::Response(resp))
                        .map_err(|e| e.to_string())?;
                }
                Message::Request(req) if req.method == "shutdown" => {
                    self.shut_down = true;
                    conn.sender
                        .send(Message::Response(Response::new_ok(req.id, ())))
                        .map_err(|e| e.to_string())?;
                }
                Message::Request(req) => {
                    let resp = self.request(req);
                    conn.sender
                        .send(Message::Response(resp))
                        .map_err(|e| e.to_string())?;
                }
                // `exit` before `shutdown`: the protocol asks for exit code 1.
                Message::Notification(n) if n.method == "exit" => {
                    self.exit_without_shutdown = !self.shut_down;
                    return Ok(());
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
            DidSaveTextDocument::METHOD => {
                let p: lsp_types::DidSaveTextDocumentParams =
                    serde_json::from_value(n.params).ok()?;
                if let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str()) {
                    doc.fires_stale = true;
                }
                return None;
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
        let opened = n.method == DidOpenTextDocument::METHOD;
        let (diags, rules, extension) = check(&name, &text);
        let doc = self.docs.entry(uri.as_str().to_string()).or_insert(Doc {
            text: String::new(),
            rules: None,
            extension,
            fires: None,
            fires_stale: true,
        });
        doc.text = text;
        doc.fires_stale |= opened;
        if let Some(rb) = rules {
            doc.rules = Some(rb);
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
            WorkspaceSymbolRequest::METHOD => {
                parse::<lsp_types::WorkspaceSymbolParams>(req).map(|p| {
                    json(WorkspaceSymbolResponse::Flat(
                        self.workspace_symbols(&p.query),
                    ))
                })
            }
            CodeLensRequest::METHOD => parse::<lsp_types::CodeLensParams>(req)
                .map(|p| json(self.code_lenses(&p.text_document.uri))),
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
        let checked = doc.checked();
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
        let checked = match doc.checked() {
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

    /// Every symbol of the open documents and of the workspace's rules.dl whose name contains the
    /// query (ignoring case), with the section it sits in.
    #[allow(deprecated)]
    fn workspace_symbols(&self, query: &str) -> Vec<SymbolInformation> {
        // The open documents' texts are borrowed; only the workspace rules.dl is read from disk.
        let mut files: Vec<(Uri, std::borrow::Cow<str>)> = self
            .docs
            .iter()
            .filter_map(|(u, d)| Some((u.parse().ok()?, d.text.as_str().into())))
            .collect();
        if let Some((u, t)) = self.shipped_file() {
            if !self.docs.contains_key(u.as_str()) {
                files.push((u, t.into()));
            }
        }
        files.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        let query = query.to_lowercase();
        let mut out = Vec::new();
        for (uri, text) in files {
            let mut push = |s: &DocumentSymbol, container: Option<&str>| {
                if s.name.to_lowercase().contains(&query) {
                    out.push(SymbolInformation {
                        name: s.name.clone(),
                        kind: s.kind,
                        tags: None,
                        deprecated: None,
                        location: Location::new(uri.clone(), s.selection_range),
                        container_name: container.map(str::to_string),
                    });
                }
            };
            for s in symbols(&text) {
                match &s.children {
                    Some(children) if s.kind == SymbolKind::NAMESPACE => {
                        for c in children {
                            push(c, Some(&s.name));
                        }
                    }
                    _ => push(&s, None),
                }
            }
        }
        out
    }

    /// One lens per `@rule`: how often it fired on the demo facts and in which scenarios.
    fn code_lenses(&mut self, uri: &Uri) -> Vec<CodeLens> {
        let Some(doc) = self.docs.get_mut(uri.as_str()) else {
            return Vec::new();
        };
        if doc.fires_stale || doc.fires.is_none() {
            if let (Some(rules), Some(dir)) = (
                &doc.rules,
                path_of_str(uri.as_str()).and_then(|p| p.parent().map(|d| d.to_path_buf())),
            ) {
                doc.fires = Some(count_fires(rules, &dir, &self.limits));
                doc.fires_stale = false;
            }
        }
        let Some(fires) = &doc.fires else {
            return Vec::new();
        };
        let tokens = lex(&doc.text, &mut Vec::new());
        let mut out = Vec::new();
        for w in tokens.windows(2) {
            let (Tok::Annotation(a), Tok::Ident(id)) = (&w[0].tok, &w[1].tok) else {
                continue;
            };
            if a != "rule" {
                continue;
            }
            let Some(f) = fires.get(id) else { continue };
            out.push(CodeLens {
                range: range(&doc.text, w[0].span.to(w[1].span)),
                command: Some(Command {
                    title: lens_title(f),
                    command: String::new(),
                    arguments: None,
                }),
                data: None,
            });
        }
        out
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
fn check(name: &str, text: &str) -> (Vec<FileDiagnostic>, Option<Rulebase>, bool) {
    let alone = Rulebase::from_parts(&[(name.to_string(), text.to_string())]);
    let extension = match &alone {
        Err(d) if name != shipped_name() => !super::check::shipped_relations_used(d).is_empty(),
        _ => false,
    };
    let result = if extension {
        Rulebase::from_parts(&[
            (shipped_name().to_string(), shipped_text().to_string()),
            (name.to_string(), text.to_string()),
        ])
    } else {
        alone
    };
    let (diags, checked) = match result {
        Ok((rb, w)) => (w, Some(rb)),
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
        "nonnegative",
        "@nonnegative field, ...: number fields a fact may not give a negative value",
    ),
    (
        "reads",
        "@reads \"{model} has systemic risk\": the relation as a phrase, fields in braces, for explanations",
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

/// Runs the rules on the demo facts and every scenario beside the file (`facts/`,
/// `tests/scenarios/` or `scenarios/`) with the run-time evaluator.
fn count_fires(
    rules: &Rulebase,
    dir: &std::path::Path,
    limits: &lexproof::engine::RunOptions,
) -> HashMap<String, Fired> {
    use lexproof::engine::EngineKind;
    let n = rules.checked.rules.len();
    let mut demo: Option<Vec<usize>> = None;
    let facts = dir.join("facts");
    let mut demo_failed = false;
    if facts.is_dir() {
        let source = lexproof::facts::FactSource::Path(facts);
        match lexproof::engine::run_observed(
            EngineKind::Runtime,
            rules.clone(),
            &[source],
            limits,
            &lexproof::data::progress::Silent,
        ) {
            Ok((db, _)) => {
                demo = Some(
                    (0..n)
                        .map(|r| db.witnesses.get(r).map_or(0, |w| w.len()))
                        .collect(),
                )
            }
            Err(_) => demo_failed = true,
        }
    }
    let mut not_run = 0;
    let mut fired_in: Vec<Vec<String>> = vec![Vec::new(); n];
    let mut of = 0;
    let folder = [dir.join("tests/scenarios"), dir.join("scenarios")]
        .into_iter()
        .find(|d| d.is_dir());
    if let Some(folder) = folder {
        for f in lexproof::audit::scenario::files(&folder).unwrap_or_default() {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            let Ok(s) = lexproof::audit::scenario::parse(&f.display().to_string(), &text) else {
                continue;
            };
            of += 1;
            let shown = f.strip_prefix(&folder).unwrap_or(&f).display().to_string();
            let outcome = lexproof::audit::scenario::run(&s, rules, EngineKind::Runtime, limits);
            if outcome.loaded_error {
                not_run += 1;
            }
            for r in outcome.fired {
                fired_in[r].push(shown.clone());
            }
        }
    }
    rules
        .checked
        .rules
        .iter()
        .map(|r| {
            (
                r.id.clone(),
                Fired {
                    demo: demo.as_ref().map(|d| d[r.index]),
                    demo_failed,
                    scenarios: std::mem::take(&mut fired_in[r.index]),
                    of,
                    not_run,
                },
            )
        })
        .collect()
}

/// A lens's line: `fired 3× on the demo facts · in 2 of 138 scenarios: a.dl, b.dl`.
fn lens_title(f: &Fired) -> String {
    let demo = match f.demo {
        Some(0) => "never fired on the demo facts".to_string(),
        Some(k) => format!("fired {k}× on the demo facts"),
        None if f.demo_failed => {
            "not counted on the demo facts: they did not run (an error, or --max-facts / --max-memory)"
                .to_string()
        }
        None => "no demo facts".to_string(),
    };
    let scenarios = match f.scenarios.len() {
        0 if f.of == 0 => "no scenario folder".to_string(),
        0 => format!("in none of {} scenarios: untested", f.of),
        k => {
            let names: Vec<&str> = f.scenarios.iter().take(3).map(String::as_str).collect();
            let more = k.saturating_sub(names.len());
            let mut list = names.join(", ");
            if more > 0 {
                list.push_str(&format!(" and {more} more"));
            }
            format!("in {k} of {} scenarios: {list}", f.of)
        }
    };
    if f.not_run > 0 {
        format!("{demo} · {scenarios} ({} did not run)", f.not_run)
    } else {
        format!("{demo} · {scenarios}")
    }
}

/// Section headers: a comment line between two comment lines of `=` or `-` (ten or more), as
/// rules.dl separates its parts; (title, offset of the first rule line).
fn sections(text: &str) -> Vec<(String, usize)> {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        lines.push((at, l.trim_end()));
        at += l.len();
    }
    let is_bar = |l: &str| {
        l.strip_prefix("//").is_some_and(|r| {
            let r = r.trim();
            r.len() >= 10 && (r.chars().all(|c| c == '=') || r.chars().all(|c| c == '-'))
        })
    };
    let mut out = Vec::new();
    for i in 1..lines.len().saturating_sub(1) {
        let (_, l) = lines[i];
        if is_bar(lines[i - 1].1) && is_bar(lines[i + 1].1) && !is_bar(l) {
            if let Some(title) = l.strip_prefix("//") {
                out.push((title.trim().to_string(), lines[i - 1].0));
            }
        }
    }
    out
}

/// The document's outline: relations, parameters and types by declaration, rules by id, grouped
/// under the file's section comments.
#[allow(deprecated)]
fn symbols(text: &str) -> Vec<DocumentSymbol> {
    let flat = flat_symbols(text);
    let sections = sections(text);
    if sections.is_empty() {
        return flat;
    }
    let mut out: Vec<DocumentSymbol> = Vec::new();
    let mut rest = flat.into_iter().peekable();
    let offset = |s: &DocumentSymbol| offset_of(text, s.range.start);
    while let Some(s) = rest.next_if(|s| offset(s) < sections[0].1) {
        out.push(s);
    }
    for (k, (title, start)) in sections.iter().enumerate() {
        let end = sections.get(k + 1).map_or(text.len(), |n| n.1);
        let mut children = Vec::new();
        while let Some(s) = rest.next_if(|s| offset(s) < end) {
            children.push(s);
        }
        let title_start = start + text[*start..].find('\n').map_or(0, |i| i + 1);
        let title_end = title_start
            + text[title_start..]
                .find('\n')
                .unwrap_or(text.len() - title_start);
        out.push(DocumentSymbol {
            name: title.clone(),
            detail: Some("section".into()),
            kind: SymbolKind::NAMESPACE,
            tags: None,
            deprecated: None,
            range: Range::new(position(text, *start), position(text, end.max(*start))),
            selection_range: Range::new(position(text, title_start), position(text, title_end)),
            children: Some(children),
        });
    }
    out
}

#[allow(deprecated)]
fn flat_symbols(text: &str) -> Vec<DocumentSymbol> {
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
