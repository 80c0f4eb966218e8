//! Tokens of rules.dl and `.dl` fact files. The lexer never stops at the first problem: it reports
//! and skips, so the parser can report every error in one run.

use crate::diag::Diagnostic;
use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A lower-case identifier: relation names, field names, types, ids, `not`.
    Ident(String),
    /// An identifier starting with an upper-case letter or `_` followed by more: a variable.
    Var(String),
    Underscore,
    Str(String),
    /// The raw text of a number literal, parsed exactly later.
    Num(String),
    /// `.decl` and other directives: the word after the dot.
    Directive(String),
    /// `@rule` and other annotations: the word after the `@`.
    Annotation(String),
    LParen,
    RParen,
    Comma,
    Dot,
    Colon,
    If,
    Bang,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Pipe,
}

impl Tok {
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("name `{s}`"),
            Tok::Var(s) => format!("variable `{s}`"),
            Tok::Underscore => "`_`".into(),
            Tok::Str(s) => format!("string \"{s}\""),
            Tok::Num(s) => format!("number `{s}`"),
            Tok::Directive(s) => format!("`.{s}`"),
            Tok::Annotation(s) => format!("`@{s}`"),
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::Comma => "`,`".into(),
            Tok::Dot => "`.`".into(),
            Tok::Colon => "`:`".into(),
            Tok::If => "`:-`".into(),
            Tok::Bang => "`!`".into(),
            Tok::Eq => "`=`".into(),
            Tok::Ne => "`!=`".into(),
            Tok::Lt => "`<`".into(),
            Tok::Le => "`<=`".into(),
            Tok::Gt => "`>`".into(),
            Tok::Ge => "`>=`".into(),
            Tok::Plus => "`+`".into(),
            Tok::Minus => "`-`".into(),
            Tok::Star => "`*`".into(),
            Tok::Slash => "`/`".into(),
            Tok::Pipe => "`|`".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

pub fn lex(text: &str, diags: &mut Vec<Diagnostic>) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    // A UTF-8 byte-order mark is harmless: editors on Windows write one.
    if text.starts_with('\u{feff}') {
        i = 3;
    }
    let ident_char = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let push = |toks: &mut Vec<Token>, tok: Tok, end: usize| {
            toks.push(Token {
                tok,
                span: Span::new(start, end),
            })
        };
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                // A lone CR ends a line too (old Mac line ends): the comment must not run on
                // over the facts after it.
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(end) => i = i + 2 + end + 2,
                None => {
                    diags.push(
                        Diagnostic::error(
                            "syntax_error",
                            Span::new(i, i + 2),
                            "this comment is never closed",
                        )
                        .label("comment starts here")
                        .hint("close the comment with `*/`"),
                    );
                    i = bytes.len();
                }
            },
            b'"' => {
                let mut s = String::new();
                let mut j = i + 1;
                let mut closed = false;
                while j < bytes.len() {
                    match bytes[j] {
                        b'"' => {
                            closed = true;
                            j += 1;
                            break;
                        }
                        b'\n' => break,
                        b'\\' if j + 1 < bytes.len() => {
                            // The escaped character may take several bytes: step over all of them.
                            let e = text[j + 1..].chars().next().unwrap_or('\u{fffd}');
                            match e {
                                '"' => s.push('"'),
                                '\\' => s.push('\\'),
                                'n' => s.push('\n'),
                                't' => s.push('\t'),
                                'r' => s.push('\r'),
                                'u' => {
                                    // `\u{1b}`: any character by its hexadecimal code, as lexproof
                                    // writes control characters back out.
                                    if let Some((c, len)) = unicode_escape(&text[j + 2..]) {
                                        s.push(c);
                                        j += len;
                                    } else {
                                        diags.push(
                                            Diagnostic::error("syntax_error", Span::new(j, j + 2), "malformed \\u escape in string")
                                                .label("expected `\\u{` hexadecimal digits `}`")
                                                .hint("write a character by its code as \\u{1b}, with 1 to 6 hexadecimal digits"),
                                        );
                                    }
                                }
                                _ => {
                                    diags.push(
                                        Diagnostic::error("syntax_error", Span::new(j, j + 1 + e.len_utf8()), "unknown escape in string")
                                            .label("not an escape lexproof knows")
                                            .hint("use \\\" for a quote, \\\\ for a backslash, \\n, \\t, \\r, or \\u{1b} for any character by its code"),
                                    );
                                }
                            }
                            j += 1 + e.len_utf8();
                        }
                        _ => {
                            let ch = text[j..].chars().next().unwrap_or('\u{fffd}');
                            s.push(ch);
                            j += ch.len_utf8();
                        }
                    }
                }
                if !closed {
                    diags.push(
                        Diagnostic::error(
                            "unterminated_string",
                            Span::new(i, i + 1),
                            "this string is never closed",
                        )
                        .label("string starts here")
                        .hint("add the closing `\"` on the same line; a quote inside a symbol is written \\\", e.g. \"O\\\"Brien\""),
                    );
                }
                push(&mut toks, Tok::Str(s), j);
                i = j;
            }
            b'0'..=b'9' => {
                let mut j = i;
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
                // A fraction only if a digit follows the dot: `1.` ends a statement.
                if j + 1 < bytes.len() && bytes[j] == b'.' && bytes[j + 1].is_ascii_digit() {
                    j += 1;
                    while j < bytes.len() && bytes[j].is_ascii_digit() {
                        j += 1;
                    }
                }
                if j < bytes.len() && (bytes[j] == b'e' || bytes[j] == b'E') {
                    let mut k = j + 1;
                    if k < bytes.len() && (bytes[k] == b'+' || bytes[k] == b'-') {
                        k += 1;
                    }
                    if k < bytes.len() && bytes[k].is_ascii_digit() {
                        while k < bytes.len() && bytes[k].is_ascii_digit() {
                            k += 1;
                        }
                        j = k;
                    }
                }
                push(&mut toks, Tok::Num(text[i..j].to_string()), j);
                i = j;
            }
            b'_' if !bytes.get(i + 1).copied().is_some_and(ident_char) => {
                push(&mut toks, Tok::Underscore, i + 1);
                i += 1;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = i;
                while j < bytes.len() && ident_char(bytes[j]) {
                    j += 1;
                }
                let word = text[i..j].to_string();
                let tok = if c.is_ascii_uppercase() || c == b'_' {
                    Tok::Var(word)
                } else {
                    Tok::Ident(word)
                };
                push(&mut toks, tok, j);
                i = j;
            }
            b'.' if bytes.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic()) => {
                let mut j = i + 1;
                while j < bytes.len() && ident_char(bytes[j]) {
                    j += 1;
                }
                push(&mut toks, Tok::Directive(text[i + 1..j].to_string()), j);
                i = j;
            }
            b'@' => {
                let mut j = i + 1;
                while j < bytes.len() && ident_char(bytes[j]) {
                    j += 1;
                }
                push(&mut toks, Tok::Annotation(text[i + 1..j].to_string()), j);
                i = j;
            }
            _ => {
                let two = bytes.get(i + 1).copied();
                let (tok, len) = match (c, two) {
                    (b':', Some(b'-')) => (Some(Tok::If), 2),
                    (b'!', Some(b'=')) => (Some(Tok::Ne), 2),
                    (b'<', Some(b'=')) => (Some(Tok::Le), 2),
                    (b'>', Some(b'=')) => (Some(Tok::Ge), 2),
                    (b'(', _) => (Some(Tok::LParen), 1),
                    (b')', _) => (Some(Tok::RParen), 1),
                    (b',', _) => (Some(Tok::Comma), 1),
                    (b'.', _) => (Some(Tok::Dot), 1),
                    (b':', _) => (Some(Tok::Colon), 1),
                    (b'!', _) => (Some(Tok::Bang), 1),
                    (b'=', _) => (Some(Tok::Eq), 1),
                    (b'<', _) => (Some(Tok::Lt), 1),
                    (b'>', _) => (Some(Tok::Gt), 1),
                    (b'+', _) => (Some(Tok::Plus), 1),
                    (b'-', _) => (Some(Tok::Minus), 1),
                    (b'*', _) => (Some(Tok::Star), 1),
                    (b'/', _) => (Some(Tok::Slash), 1),
                    (b'|', _) => (Some(Tok::Pipe), 1),
                    _ => (None, text[i..].chars().next().map_or(1, |ch| ch.len_utf8())),
                };
                match tok {
                    Some(t) => push(&mut toks, t, i + len),
                    None => {
                        let ch = &text[i..i + len];
                        diags.push(
                            Diagnostic::error("syntax_error", Span::new(i, i + len), format!("unexpected character `{ch}`"))
                                .label("not part of the rule language")
                                .hint("symbols are written in double quotes, e.g. \"text\"; comments start with //"),
                        );
                    }
                }
                i += len;
            }
        }
    }
    toks
}

/// `{hex}` after `\u`: the character and how many bytes the braces took.
fn unicode_escape(rest: &str) -> Option<(char, usize)> {
    let inner = rest.strip_prefix('{')?;
    let close = inner.find('}')?;
    let hex = &inner[..close];
    if hex.is_empty() || hex.len() > 6 {
        return None;
    }
    let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
    Some((c, close + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escape_before_a_multibyte_character_is_an_error_not_a_panic() {
        let mut diags = Vec::new();
        let toks = lex("p(\"a\\\u{7a3}b\").", &mut diags);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].message, "unknown escape in string");
        assert!(!toks.is_empty());
    }

    #[test]
    fn a_line_comment_ends_at_a_lone_carriage_return() {
        let mut diags = Vec::new();
        let toks = lex("a(\"x\"). // note\rb(\"y\").\r", &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(toks.len(), lex("a(\"x\").\nb(\"y\").\n", &mut diags).len());
    }
}
