//! Compiles the rulebase into the binary: parses and checks rules.dl (or the file named by
//! LEXPROOF_RULES) with the same front end as `lexproof check`, and on success writes the crepe
//! program and the rules text into OUT_DIR. A broken rulebase fails the build with rules.dl
//! diagnostics, never with rustc errors from generated code.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=LEXPROOF_RULES");
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let (path, display) = match std::env::var("LEXPROOF_RULES") {
        Ok(p) if !p.is_empty() => (manifest.join(&p), p),
        _ => (manifest.join("rules.dl"), "rules.dl".to_string()),
    };
    println!("cargo:rerun-if-changed={}", path.display());
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => fail(&format!("{display}: error: cannot read the rules file: {e}\n  hint: set LEXPROOF_RULES to an existing rules file, or restore rules.dl\n")),
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).to_string();
            let line = prefix.matches('\n').count() + 1;
            let col = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            fail(&format!("{display}:{line}:{col}: error[invalid_utf8]: the rules file is not valid UTF-8\n  hint: save the file as UTF-8\n"))
        }
    };
    let file = lexproof_lang::SourceFile::new(display.clone(), text.clone());
    let checked = match lexproof_lang::load_rules(&file) {
        Ok((checked, warnings)) => {
            for line in lexproof_lang::diag::render(&file, &warnings).lines() {
                println!("cargo:warning={line}");
            }
            checked
        }
        Err(diags) => {
            let n = diags
                .iter()
                .filter(|d| d.severity == lexproof_lang::Severity::Error)
                .count();
            fail(&format!(
                "{}\n{display}: {n} error{} in the rulebase; fix them (or run `lexproof check --rules {display}`) and build again\n",
                lexproof_lang::diag::render(&file, &diags),
                if n == 1 { "" } else { "s" }
            ))
        }
    };
    let witnesses = std::env::var_os("CARGO_FEATURE_NO_WITNESSES").is_none();
    let generated = lexproof_lang::codegen::generate(&checked, witnesses, &display);
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    write(&out.join("rulebase.rs"), &generated.code);
    write(&out.join("rules.dl"), &text);
    write(&out.join("rules_name.txt"), &display);
}

fn write(path: &std::path::Path, text: &str) {
    // Unchanged files keep their timestamps, so cargo does not rebuild for nothing.
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return;
    }
    if let Err(e) = std::fs::write(path, text) {
        fail(&format!("error: cannot write {}: {e}\n", path.display()));
    }
}

fn fail(msg: &str) -> ! {
    eprint!("{msg}");
    std::process::exit(1);
}
