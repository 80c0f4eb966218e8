//! Diagnostics with stable codes, rendered by codespan-reporting as `file:line:col: error[code]: …`
//! followed by the source line, a caret and a hint, or serialised as JSON.

use crate::source::{SourceFile, Span};
use codespan_reporting::diagnostic::{
    Diagnostic as CsDiagnostic, Label, LabelStyle, Severity as CsSeverity,
};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, DisplayStyle};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Stable machine-readable code, e.g. `arity_mismatch`; listed in the README.
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
            message: message.into(),
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
        self.label = label.into();
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }
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

fn to_codespan(d: &Diagnostic) -> CsDiagnostic<()> {
    let severity = match d.severity {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
    };
    let mut cs = CsDiagnostic::new(severity)
        .with_code(d.code)
        .with_message(&d.message)
        .with_labels(vec![Label::new(
            LabelStyle::Primary,
            (),
            d.span.start as usize..d.span.end as usize,
        )
        .with_message(&d.label)]);
    if let Some(h) = &d.hint {
        cs = cs.with_notes(vec![format!("hint: {h}")]);
    }
    cs
}

/// Renders diagnostics for a terminal or log: a `file:line:col: error[code]: message` line (the form
/// editors and grep understand), then codespan's source excerpt with a caret and the hint.
pub fn render(file: &SourceFile, diags: &[Diagnostic]) -> String {
    let files = SimpleFile::new(file.name.as_str(), file.text.as_str());
    let config = Config {
        display_style: DisplayStyle::Rich,
        chars: term::Chars::ascii(),
        ..Config::default()
    };
    let mut out = String::new();
    for d in diags {
        let (line, col) = file.line_col(d.span.start);
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "{}:{line}:{col}: {sev}[{}]: {}\n",
            file.name, d.code, d.message
        ));
        // codespan's own header repeats the message; the located line above replaces it. A render
        // error could only come from a span outside the file: then the excerpt is left out.
        if let Ok(rich) = term::emit_into_string(&config, &files, &to_codespan(d)) {
            out.push_str(rich.split_once('\n').map(|x| x.1).unwrap_or(""));
        }
    }
    out
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
