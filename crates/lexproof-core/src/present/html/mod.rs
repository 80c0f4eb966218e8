//! Self-contained HTML pages (proofs, reports): one file, no network access, every value from facts
//! or rules escaped. The Content-Security-Policy allows only this page's own style and script, by
//! hash, so even a value that slipped through escaping could not run script or fetch anything.

use base64::Engine as _;
use sha2::{Digest, Sha256};

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Input never steers a terminal that shows the page's source: ESC, CR and bidi
            // overrides are written as `\u{1b}`, as in text output; line breaks and tabs stay.
            '\n' | '\t' => out.push(c),
            c if lexproof_lang::diag::acts_on_terminal(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

fn csp_hash(s: &str) -> String {
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()))
    )
}

/// A complete page around `body` (already escaped HTML), with the shared style and script.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; script-src {}\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        csp_hash(STYLE),
        csp_hash(SCRIPT),
        esc(title)
    )
}

/// The search box and expand/collapse buttons every page has.
pub fn toolbar() -> &'static str {
    "<div class=\"toolbar\"><input id=\"search\" type=\"search\" placeholder=\"Search atoms, rules, citations, values\" aria-label=\"search\">\
<button id=\"expand-all\" type=\"button\">Expand all</button><button id=\"collapse-all\" type=\"button\">Collapse all</button>\
<span id=\"search-count\" aria-live=\"polite\"></span></div>"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<img src=x onerror=\"alert(1)\">&'"),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn policy_names_the_exact_script() {
        let p = page("t", "");
        assert!(p.contains(&csp_hash(SCRIPT)));
        assert!(!p.contains("unsafe-inline"));
    }
}
