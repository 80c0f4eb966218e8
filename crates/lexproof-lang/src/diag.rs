//! Diagnostics with stable codes, rendered as `file:line:col: error[code]: …`
//! followed by the source line, a caret and a hint, or serialised as JSON.

use crate::source::{SourceFile, Span};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Stable machine-readable code, e.g. `arity_mismatch`; listed in docs/rule-language.md.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub label: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: tame(&message.into()),
            span,
            label: String::new(),
            hint: None,
        }
    }
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }
    pub fn label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = tame(&label.into());
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(tame(&hint.into()));
        self
    }
}

/// The longest piece of input quoted in a message (between backticks) before it is cut.
pub const QUOTE_WIDTH: usize = 80;
/// The longest message, label or hint kept whole; a message quoting input can be any length.
pub const MESSAGE_WIDTH: usize = 4000;

/// A message with each backtick-quoted piece of input cut to `QUOTE_WIDTH` characters and the
/// whole to `MESSAGE_WIDTH`: a diagnostic about a 10 MB value must not print it (twice).
pub fn tame(s: &str) -> String {
    if s.len() <= QUOTE_WIDTH {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len().min(MESSAGE_WIDTH + 8));
    for (i, piece) in s.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(&shorten(piece, QUOTE_WIDTH));
        } else {
            out.push_str(piece);
        }
    }
    shorten(&out, MESSAGE_WIDTH)
}

/// A diagnostic located in a file, as written to JSON output.
#[derive(Debug, Clone, Serialize)]
pub struct LocatedDiagnostic {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

pub fn locate(file: &SourceFile, d: &Diagnostic) -> LocatedDiagnostic {
    let (line, column) = file.line_col(d.span.start);
    LocatedDiagnostic {
        file: file.name.clone(),
        line,
        column,
        severity: d.severity,
        code: d.code,
        message: d.message.clone(),
        hint: d.hint.clone(),
    }
}

/// The widest excerpt of a source line shown under a diagnostic; a longer line (minified JSON, a
/// generated rule) is cut around the error with `...` marks, so a huge line never floods the output.
pub const EXCERPT_WIDTH: usize = 100;

/// Renders diagnostics for a terminal or log: a `file:line:col: error[code]: message` line (the form
/// editors and grep understand), then the source line (cut to `EXCERPT_WIDTH` characters around the
/// error), a caret under the error with its label, and the hint. Control characters from the input
/// are shown escaped, never sent to the terminal.
pub fn render(file: &SourceFile, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    let name = printable(&file.name);
    for d in diags {
        let (line, col) = file.line_col(d.span.start);
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "{name}:{line}:{col}: {sev}[{}]: {}\n",
            d.code,
            printable_lines(&d.message)
        ));
        let gutter = " ".repeat(line.to_string().len());
        out.push_str(&format!("{gutter} --> {name}:{line}:{col}\n{gutter} |\n"));
        let (text, caret_at, carets) = excerpt(file, d.span, line, col);
        out.push_str(&format!("{line} | {text}\n"));
        let label = printable_lines(&d.label);
        let marks = format!("{}{}", " ".repeat(caret_at), "^".repeat(carets));
        if label.is_empty() {
            out.push_str(&format!("{gutter} | {marks}\n"));
        } else {
            out.push_str(&format!("{gutter} | {marks} {label}\n"));
        }
        if let Some(h) = &d.hint {
            out.push_str(&format!(
                "{gutter} |\n{gutter} = hint: {}\n",
                printable_lines(h)
            ));
        }
        out.push('\n');
    }
    out
}

/// The shown part of line `line` (where the span starts, at 1-based column `col`), where the caret
/// starts in it and how many carets mark the span (at least one; a span running past the line or
/// the window is marked to its edge).
fn excerpt(file: &SourceFile, span: Span, line: usize, col: usize) -> (String, usize, usize) {
    let full = file.line_text(line);
    // A reader may end a span inside a multi-byte character (a number cut short by `Ϣ`): mark
    // from the character it falls in.
    let mut start = (span.start as usize).min(file.text.len());
    while !file.text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (span.end as usize).clamp(start, file.text.len());
    while !file.text.is_char_boundary(end) {
        end += 1;
    }
    let span_chars = file.text[start..end]
        .chars()
        .take_while(|&c| c != '\n')
        .take(EXCERPT_WIDTH)
        .count();
    let before = col - 1;
    // Characters left out at the front: enough to bring the caret into view with some context.
    let skip = before.saturating_sub(EXCERPT_WIDTH / 3);
    let mut shown: String = full
        .chars()
        .skip(skip)
        .take(EXCERPT_WIDTH)
        .map(visible)
        .collect();
    let mut caret_at = before - skip;
    if skip > 0 {
        shown.insert_str(0, "...");
        caret_at += 3;
    }
    let shown_chars = full.chars().skip(skip).take(EXCERPT_WIDTH + 1).count();
    if shown_chars > EXCERPT_WIDTH {
        shown.push_str("...");
    }
    let room = EXCERPT_WIDTH.saturating_sub(before - skip);
    (shown, caret_at, span_chars.min(room).max(1))
}

/// One character of a source excerpt as one terminal column: a tab as a space, any other control
/// character as `?` (it would move the cursor or change the terminal).
fn visible(c: char) -> char {
    match c {
        '\t' => ' ',
        c if c.is_control() => '?',
        c => c,
    }
}

/// `s` with control characters written as `\u{..}` escapes, so input can never steer a terminal.
pub fn printable(s: &str) -> String {
    if !s.chars().any(acts_on_terminal) {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if acts_on_terminal(c) {
                format!("\\u{{{:x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A character that changes how a terminal shows what follows instead of showing itself: a
/// control character, or a bidirectional formatting character (which can make text read in
/// another order than it is stored, e.g. U+202E).
pub fn acts_on_terminal(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` cut to at most `max` characters, with `...` where it was cut: for echoing input that may be
/// huge (a generated line) in a message.
pub fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}...", &s[..at]),
        None => s.to_string(),
    }
}

/// `printable` for a message of several lines: its own line breaks stay.
fn printable_lines(s: &str) -> String {
    s.split('\n').map(printable).collect::<Vec<_>>().join("\n")
}

/// Decodes a file's bytes as UTF-8; if they are not, returns the rendered `invalid_utf8` error located
/// at the first bad byte.
pub fn decode_utf8(name: &str, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
        // The replacement character stands in for the bad bytes, so the caret has a place to point.
        let file = SourceFile::new(name, prefix.clone() + "\u{fffd}");
        let d = Diagnostic::error(
            "invalid_utf8",
            Span::new(prefix.len(), prefix.len()),
            "the file is not valid UTF-8 here",
        )
        .label("invalid byte sequence")
        .hint("save the file as UTF-8");
        render(&file, &[d])
    })
}
