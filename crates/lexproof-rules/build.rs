//! Compiles the shipped rulebase: checks rules.dl at the workspace root (or the file named by
//! LEXPROOF_RULES, relative to that root) with the same front end as `lexproof check`, and writes
//! its program and text into OUT_DIR.

use lexproof_lang::build_script::{compile, read, witnesses, write};
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=LEXPROOF_RULES");
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.join("../..");
    let (path, display) = match std::env::var("LEXPROOF_RULES") {
        Ok(p) if !p.is_empty() => (root.join(&p), p),
        _ => (root.join("rules.dl"), "rules.dl".to_string()),
    };
    println!("cargo:rerun-if-changed={}", path.display());
    let text = read(&path, &display);
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    write(
        &out.join("rulebase.rs"),
        &compile(&display, &text, witnesses(), true),
    );
    write(&out.join("rules.dl"), &text);
    write(&out.join("rules_name.txt"), &display);
}
