//! What the build scripts of `lexproof-rules` (the shipped program) and `lexproof-core` (the test
//! programs) share: check a rules file as `lexproof check` would, generate its program, and fail the
//! build with rules.dl diagnostics (never rustc errors from generated code).

use std::path::Path;

/// Checks one rules file and generates its program; a broken file fails the build with its
/// diagnostics. Only the shipped rules pass on their warnings (test rulebases exercise warned-about
/// constructs on purpose).
pub fn compile(display: &str, text: &str, witnesses: bool, show_warnings: bool) -> String {
    let file = crate::SourceFile::new(display, text);
    let checked = match crate::load_rules(&file) {
        Ok((checked, warnings)) => {
            if show_warnings {
                for line in crate::diag::render(&file, &warnings).lines() {
                    println!("cargo:warning={line}");
                }
            }
            checked
        }
        Err(diags) => {
            let n = diags
                .iter()
                .filter(|d| d.severity == crate::Severity::Error)
                .count();
            fail(&format!(
                "{}\n{display}: {n} error{} in the rulebase; fix them (or run `lexproof check --rules {display}`) and build again\n",
                crate::diag::render(&file, &diags),
                if n == 1 { "" } else { "s" }
            ))
        }
    };
    crate::codegen::generate(&checked, witnesses, display).code
}

/// Reads a rules file as UTF-8, failing the build with a located message.
pub fn read(path: &Path, display: &str) -> String {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => fail(&format!("{display}: error: cannot read the rules file: {e}\n  hint: set LEXPROOF_RULES to an existing rules file, or restore rules.dl\n")),
    };
    crate::diag::decode_utf8(display, bytes).unwrap_or_else(|e| fail(&e))
}

/// Writes a generated file; an unchanged file keeps its timestamp, so cargo does not rebuild for
/// nothing.
pub fn write(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return;
    }
    if let Err(e) = std::fs::write(path, text) {
        fail(&format!("error: cannot write {}: {e}\n", path.display()));
    }
}

/// Whether the build asked for programs without witness relations (the `no-witnesses` feature).
pub fn witnesses() -> bool {
    std::env::var_os("CARGO_FEATURE_NO_WITNESSES").is_none()
}

pub fn fail(msg: &str) -> ! {
    eprint!("{msg}");
    std::process::exit(1);
}
