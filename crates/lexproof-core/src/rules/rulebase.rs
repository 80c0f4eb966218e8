//! The rulebase compiled into this binary: its text (for showing rule source and its digest), its
//! checked form (for metadata and proofs); its generated program is the engine's (`engine::compiled`).

use lexproof_lang::{Checked, SourceFile};
use sha2::{Digest, Sha256};

use std::sync::OnceLock;

/// The shipped rules (name, text). They live in the `lexproof-rules` crate, which the library must
/// not depend on (an edit of rules.dl would rebuild it), so the binary installs them at start.
static SHIPPED: OnceLock<(&'static str, &'static str)> = OnceLock::new();

/// Installs the shipped rules' name and text; the first installation wins. Called by
/// `engine::compiled::install` together with their program.
pub fn install_shipped(name: &'static str, text: &'static str) {
    let _ = SHIPPED.get_or_init(|| (name, text));
}

/// The shipped rules' name and text.
pub fn shipped_source() -> (&'static str, &'static str) {
    if let Some(s) = SHIPPED.get() {
        return *s;
    }
    #[cfg(test)]
    {
        // The library's own unit tests run without the binary: they read the workspace's rules.dl.
        (
            "rules.dl",
            include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules.dl")),
        )
    }
    #[cfg(not(test))]
    panic!("the shipped rules are not installed: call lexproof_rules::install() first (the binary does at start)")
}

/// The shipped rules' text.
pub fn shipped_text() -> &'static str {
    shipped_source().1
}

/// The name the shipped rules were read under (rules.dl, or the LEXPROOF_RULES file).
pub fn shipped_name() -> &'static str {
    shipped_source().0
}

/// A checked rulebase with its source.
#[derive(Clone)]
pub struct Rulebase {
    /// The rules text (several files joined, for `--extend`), named for display.
    pub file: SourceFile,
    pub checked: Checked,
    pub sha256: String,
    /// The compiled-in rules text this rulebase was made from, if any: the compiled engine finds
    /// its program by it (`engine::compiled::program_for`); rules read at run time have none.
    pub built_in: Option<&'static str>,
}

impl Rulebase {
    /// The rulebase compiled into this binary.
    pub fn shipped() -> Rulebase {
        Rulebase::built_in(shipped_name(), shipped_text())
    }

    /// A rulebase whose text build.rs compiled in: build.rs accepted this exact text with this exact
    /// checker, so it cannot fail here; if it ever did, the binary itself is broken.
    pub fn built_in(name: &'static str, text: &'static str) -> Rulebase {
        let file = SourceFile::new(name, text);
        let (checked, _) =
            lexproof_lang::load_rules(&file).expect("build.rs checked this rulebase");
        Rulebase {
            sha256: sha256_hex(text.as_bytes()),
            file,
            checked,
            built_in: Some(text),
        }
    }

    /// A rulebase from one or more rules files, checked at run time. Several files are checked as
    /// one program (an extension may use the shipped rules' relations); every diagnostic, rule and
    /// fact keeps the file and line it was written in. Warnings come with the rulebase.
    pub fn from_parts(
        parts: &[(String, String)],
    ) -> Result<(Rulebase, Vec<FileDiagnostic>), Vec<FileDiagnostic>> {
        let mut text = String::new();
        let mut starts = Vec::new();
        for (_, t) in parts {
            starts.push((text.len(), text.matches('\n').count()));
            text.push_str(t);
            if !t.ends_with('\n') {
                text.push('\n');
            }
        }
        let name = parts
            .iter()
            .map(|p| p.0.as_str())
            .collect::<Vec<_>>()
            .join(" + ");
        let combined = SourceFile::new(name, text.clone());
        let relocate_diags = |diags: Vec<lexproof_lang::Diagnostic>| -> Vec<FileDiagnostic> {
            diags
                .into_iter()
                .map(|mut d| {
                    let p = starts
                        .iter()
                        .rposition(|&(s, _)| s <= d.span.start as usize)
                        .unwrap_or(0);
                    let shift = starts[p].0 as u32;
                    let len = parts[p].1.len() as u32;
                    d.span.start = (d.span.start - shift).min(len);
                    d.span.end = (d.span.end - shift).min(len);
                    FileDiagnostic {
                        file: SourceFile::new(parts[p].0.clone(), parts[p].1.clone()),
                        diag: d,
                    }
                })
                .collect()
        };
        let (mut checked, warnings) =
            lexproof_lang::load_rules(&combined).map_err(relocate_diags)?;
        let relocate = |line: usize| -> (String, usize) {
            let p = starts.iter().rposition(|&(_, l)| l < line).unwrap_or(0);
            (parts[p].0.clone(), line - starts[p].1)
        };
        for r in &mut checked.rules {
            (r.file, r.line) = relocate(r.line);
        }
        for f in &mut checked.facts {
            (f.file, f.line) = relocate(f.line);
        }
        let rb = Rulebase {
            sha256: sha256_hex(text.as_bytes()),
            file: combined,
            checked,
            built_in: None,
        };
        Ok((rb, relocate_diags(warnings)))
    }
}

/// A diagnostic with the rules file it belongs to.
pub struct FileDiagnostic {
    pub file: SourceFile,
    pub diag: lexproof_lang::Diagnostic,
}

pub fn render_all(diags: &[FileDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| lexproof_lang::diag::render(&d.file, std::slice::from_ref(&d.diag)))
        .collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
