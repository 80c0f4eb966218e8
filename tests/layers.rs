//! The library's layers depend one way (ARCHITECTURE.md, "Code map"): a file of one layer names only
//! its own layer and those before it, and nothing below the command line reads the environment,
//! prints or exits.

use std::path::{Path, PathBuf};

/// Where the library lives (the root crate holds the command line and re-exports it).
const LIB: &str = "crates/lexproof-core";

/// Bottom to top, as in ARCHITECTURE.md.
const LAYERS: &[&str] = &[
    "data", "rules", "facts", "db", "engine", "reason", "present", "audit",
];

/// Library files allowed one of the forbidden calls, and why.
const EXCEPTIONS: &[(&str, &str, &str)] = &[(
    "src/engine/budget.rs",
    "process::exit",
    "the global allocator cannot unwind: past the memory budget it writes the error and exits",
)];

fn library_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            library_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The file's code without its `#[cfg(test)]` module (tests may print and read the environment).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn layer_of(rel: &str) -> Option<usize> {
    let first = rel.strip_prefix("src/")?.split('/').next()?;
    LAYERS.iter().position(|l| *l == first)
}

#[test]
fn layers_depend_only_on_earlier_layers_and_the_library_does_no_io_of_its_own() {
    let root = &Path::new(env!("CARGO_MANIFEST_DIR")).join(LIB);
    let mut files = Vec::new();
    library_files(&root.join("src"), &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut checked = 0;
    for path in &files {
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "src/lib.rs" {
            continue;
        }
        let Some(own) = layer_of(&rel) else {
            problems.push(format!("{rel}: in no layer (put it in one of {LAYERS:?})"));
            continue;
        };
        checked += 1;
        let text = code(path);
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            let mut rest = line;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if let Some(l) = LAYERS.iter().position(|x| *x == name) {
                    if l > own {
                        problems.push(format!(
                            "{rel}:{}: the {} layer names the later layer {name}",
                            n + 1,
                            LAYERS[own]
                        ));
                    }
                }
            }
            for call in [
                "std::env::",
                "print!(",
                "println!(",
                "eprint!(",
                "eprintln!(",
                "dbg!(",
                "process::exit",
            ] {
                let excepted = EXCEPTIONS.iter().any(|(f, c, _)| *f == rel && *c == call);
                if line.contains(call) && !excepted {
                    problems.push(format!(
                        "{rel}:{}: `{call}` below the command line (return the data; let the command line (src/cli/) read, print or exit)",
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(checked > 40, "only {checked} library files found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_architecture_map_names_every_layer_in_order() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let mut at = 0;
    for l in LAYERS {
        let heading = format!("### `{LIB}/src/{l}/`");
        let i = map[at..].find(&heading).unwrap_or_else(|| {
            panic!("ARCHITECTURE.md has no `{heading}` after the previous layer")
        });
        at += i;
    }
    let lib = std::fs::read_to_string(root.join(LIB).join("src/lib.rs")).unwrap();
    for l in LAYERS {
        assert!(
            lib.contains(&format!("pub mod {l};")),
            "{LIB}/src/lib.rs does not declare {l}"
        );
    }
}
