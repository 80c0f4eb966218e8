//! Hardening: the audit manifest, cycles in facts a rule recurses along, escaping round trips, and
//! the inputs the fuzzers found.

use super::*;

fn sha256_file(p: &Path) -> String {
    use std::io::Write as _;
    let o = Command::new("sha256sum")
        .arg(p)
        .output()
        .expect("sha256sum");
    let _ = std::io::stdout().flush();
    String::from_utf8(o.stdout).unwrap()[..64].to_string()
}

#[test]
fn manifest_records_versions_digests_counts_and_leaves_results_alone() {
    let dir = scratch("manifest");
    let m = dir.join("m.json");
    let plain = lexproof(&["-q", "derive", "--format", "json"]);
    let with = lexproof(&[
        "-q",
        "derive",
        "--format",
        "json",
        "--manifest",
        m.to_str().unwrap(),
    ]);
    assert!(with.status.success(), "{}", stderr(&with));
    assert_eq!(
        plain.stdout, with.stdout,
        "the manifest must not change the results"
    );
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&m).unwrap()).unwrap();
    assert_eq!(j["lexproof_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(j["engine"], "compiled");
    assert_eq!(j["exit_code"], 0);
    assert_eq!(j["assessment_date"], "2026-11-28");
    assert_eq!(j["counts"]["per_relation"]["obligation"], 92);
    assert_eq!(
        j["rules"]["sha256"].as_str().unwrap(),
        sha256_file(&root().join("rules.dl"))
    );
    let facts = j["facts"].as_array().unwrap();
    assert_eq!(facts.len(), 1);
    assert_eq!(facts[0]["file"], "facts/demo.dl");
    assert_eq!(
        facts[0]["sha256"].as_str().unwrap(),
        sha256_file(&root().join("facts/demo.dl"))
    );
    let started = j["started_at"].as_str().unwrap();
    assert!(started.len() == 24 && started.ends_with('Z'), "{started}");
    // Engine and exit code as they were; also for why-not and a failing explain.
    let m2 = dir.join("m2.json");
    let o = lexproof(&[
        "-q",
        "explain",
        r#"gpai_model("aurora-voice")"#,
        "--engine",
        "runtime",
        "--manifest",
        m2.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&m2).unwrap()).unwrap();
    assert_eq!(j["engine"], "runtime");
    assert_eq!(j["exit_code"], 1);
    // Scenario runs have their own manifest.
    let m3 = dir.join("m3.json");
    let o = lexproof(&["-q", "test", "--manifest", m3.to_str().unwrap()]);
    assert!(o.status.success());
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(&m3).unwrap()).unwrap();
    assert_eq!(j["failed"], 0);
    assert_eq!(
        j["scenarios"].as_array().unwrap().len(),
        j["passed"].as_u64().unwrap() as usize
    );
    // An unwritable manifest path is an error, not a silent skip.
    let o = lexproof(&["-q", "derive", "--manifest", "/nonexistent-dir/m.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot write the manifest"),
        "{}",
        stderr(&o)
    );
}

const CUMULATIVE: &str = ".decl modified_from(n: symbol, b: symbol)\n.decl own(n: symbol, c: number)\n.decl cum(n: symbol, c: number)\n.output cum\n\
@rule base\n@cite \"x\"\n@authority statute\n@says \"s\"\ncum(N, C) :- own(N, C), !modified_from(N, _).\n\
@rule sum\n@cite \"x\"\n@authority statute\n@says \"s\"\ncum(N, C + D) :- modified_from(N, B), cum(B, C), own(N, D).\n";

#[test]
fn cycles_in_facts_a_rule_sums_along_are_rejected_naming_the_cycle() {
    let dir = scratch("cycles");
    let rules = write(&dir, "rules.dl", CUMULATIVE.as_bytes());
    let ok = write(&dir, "ok.dl", b"own(\"a\", 1).\nown(\"b\", 2).\nown(\"c\", 3).\nmodified_from(\"b\", \"a\").\nmodified_from(\"c\", \"b\").\n");
    let o = lexproof(&["-q", "derive", "--rules", &rules, "--facts", &ok]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("cum(\"c\", 6)."), "{}", stdout(&o));
    let bad = write(&dir, "bad.dl", b"own(\"a\", 1).\nmodified_from(\"a\", \"b\").\nmodified_from(\"b\", \"c\").\nmodified_from(\"c\", \"b\").\n");
    let o = lexproof(&["-q", "derive", "--rules", &rules, "--facts", &bad]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("bad.dl:3: error[cyclic_facts]: the `modified_from` facts form a cycle: \"b\" -> \"c\" -> \"b\""), "{e}");
    assert!(e.contains("bad.dl:4: modified_from(\"c\", \"b\")"), "{e}");
    assert!(
        e.contains("rule `sum` (") && e.contains("rules.dl:14)"),
        "{e}"
    );
    assert!(stdout(&o).is_empty());
    // A self-loop is a cycle too.
    let selfloop = write(&dir, "self.dl", b"modified_from(\"a\", \"a\").\n");
    let o = lexproof(&["-q", "derive", "--rules", &rules, "--facts", &selfloop]);
    assert!(
        stderr(&o).contains("cycle: \"a\" -> \"a\""),
        "{}",
        stderr(&o)
    );
    // The loader's guard makes the recursion finite, so the checker has nothing to warn about.
    let o = lexproof(&["check", "--rules", &rules]);
    assert!(stdout(&o).contains("0 warnings"), "{}", stdout(&o));
    assert!(
        !stderr(&o).contains("recursive_arithmetic"),
        "{}",
        stderr(&o)
    );
    // Stepping along an alias of `modified_from` is guarded by `modified_from` itself: no warning,
    // and the cycle is rejected as before (it used to slip through and derive without end).
    let alias = CUMULATIVE.replace(
        ".output cum\n",
        ".output cum\n.decl step(n: symbol, b: symbol)\n@rule step\n@cite \"x\"\n@authority statute\n@says \"s\"\nstep(N, B) :- modified_from(N, B).\n",
    )
    .replace("cum(N, C + D) :- modified_from(N, B)", "cum(N, C + D) :- step(N, B)");
    let rules2 = write(&dir, "rules2.dl", alias.as_bytes());
    let o = lexproof(&["check", "--rules", &rules2]);
    assert!(
        !stderr(&o).contains("recursive_arithmetic"),
        "{}",
        stderr(&o)
    );
    let o = lexproof(&["-q", "derive", "--rules", &rules2, "--facts", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("error[cyclic_facts]: the `modified_from` facts form a cycle"),
        "{}",
        stderr(&o)
    );

    // A step built from two input relations guards nothing (a cycle may mix both): still a warning.
    let mixed = alias.replace(
        "step(N, B) :- modified_from(N, B).\n",
        "step(N, B) :- modified_from(N, B).\n.decl merged_from(n: symbol, b: symbol)\n@rule step2\n@cite \"x\"\n@authority statute\n@says \"s\"\nstep(N, B) :- merged_from(N, B).\n",
    );
    let rules3 = write(&dir, "rules3.dl", mixed.as_bytes());
    let o = lexproof(&["check", "--rules", &rules3]);
    assert!(
        stderr(&o).contains("warning[recursive_arithmetic]") && stderr(&o).contains("`cum`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn symbols_with_tabs_newlines_quotes_and_backslashes_read_back_unchanged() {
    let dir = scratch("roundtrip");
    let weird = [
        "tab\there",
        "new\nline",
        "quote\"d",
        "back\\slash",
        "ünïcødé ✓",
        "tab\tand\\n literal",
        " lead and trail ",
    ];
    let mut facts = String::new();
    for (i, w) in weird.iter().enumerate() {
        let esc = w
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\t', "\\t")
            .replace('\n', "\\n");
        facts.push_str(&format!("developer(\"m{i}\", \"{esc}\").\n"));
    }
    let f = write(&dir, "weird.dl", facts.as_bytes());
    // JSON: every value reads back as it was.
    let o = lexproof(&[
        "-q",
        "query",
        "developer(M, A)",
        "--facts",
        &f,
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut got: Vec<String> = j["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["tuple"][1].as_str().unwrap().to_string())
        .collect();
    got.sort();
    let mut want: Vec<String> = weird.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(got, want);
    // TSV: one line per tuple, and the file loads back as Soufflé facts with the same values.
    let out = dir.join("out");
    let o = lexproof(&[
        "-q",
        "derive",
        "--all",
        "--facts",
        &f,
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let tsv = std::fs::read_to_string(out.join("developer.tsv")).unwrap();
    assert_eq!(tsv.lines().count(), weird.len(), "{tsv}");
    let back = dir.join("back");
    std::fs::create_dir_all(&back).unwrap();
    // An id with spaces around it is refused in TSV, where the spaces cannot be seen (in `.dl` and
    // JSON the quotes show them): read back, that line is an error, located.
    std::fs::write(back.join("developer.facts"), &tsv).unwrap();
    let refused = lexproof(&[
        "-q",
        "query",
        "developer(M, A)",
        "--facts",
        back.to_str().unwrap(),
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("developer.facts:7:4: error[id_spaces]"),
        "{}",
        stderr(&refused)
    );
    let tsv: String = tsv
        .lines()
        .filter(|l| !l.starts_with("m6\t"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(back.join("developer.facts"), &tsv).unwrap();
    let again = lexproof(&[
        "-q",
        "query",
        "developer(M, A)",
        "--facts",
        back.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(o.status.code(), Some(0));
    let spaced = |m: &serde_json::Value| m["tuple"][0] == "m6";
    let want: Vec<&serde_json::Value> = j["matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| !spaced(m))
        .collect();
    let back: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    let got: Vec<&serde_json::Value> = back["matches"].as_array().unwrap().iter().collect();
    assert_eq!(got, want, "TSV output read back differs");
}

/// Inputs the fuzzers produced that once crashed or hung lexproof (`tests/fuzz-regressions/<target>/`),
/// replayed through the binary: each must end with a result or a located error, never a panic.
#[test]
fn fuzz_regressions_end_cleanly() {
    let base = root().join("tests/fuzz-regressions");
    let mut n = 0;
    for target in ["rules", "facts_dl", "facts_tsv", "facts_json", "atom"] {
        let Ok(entries) = std::fs::read_dir(base.join(target)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let data = std::fs::read(&f).unwrap();
            let dir = scratch(&format!("fuzz-{target}-{n}"));
            let o = match target {
                "rules" => {
                    let p = write(&dir, "r.dl", &data);
                    lexproof(&["-q", "check", "--rules", &p])
                }
                "facts_dl" | "facts_json" => {
                    let p = write(
                        &dir,
                        if target == "facts_dl" {
                            "f.dl"
                        } else {
                            "f.json"
                        },
                        &data,
                    );
                    lexproof(&["-q", "derive", "--facts", &p])
                }
                "facts_tsv" => {
                    let rels = [
                        "developer",
                        "training_compute",
                        "made_available",
                        "generates",
                        "established_in",
                        "assessment_date",
                        "notified",
                        "no_such_relation",
                    ];
                    let rel = rels[data.first().copied().unwrap_or(0) as usize % rels.len()];
                    let p = write(&dir, &format!("{rel}.facts"), data.get(1..).unwrap_or(&[]));
                    lexproof(&["-q", "derive", "--facts", &p])
                }
                _ => {
                    // A command-line argument cannot hold NUL bytes; they play no part in the atoms.
                    let atom = String::from_utf8_lossy(&data).replace('\0', " ");
                    lexproof(&["-q", "why-not", &atom])
                }
            };
            let e = stderr(&o);
            assert!(!e.contains("panicked"), "{}: {e}", f.display());
            assert!(
                matches!(o.status.code(), Some(0..=2)),
                "{}: {:?}",
                f.display(),
                o.status
            );
            n += 1;
        }
    }
    eprintln!("{n} fuzz regression inputs replayed");
}
