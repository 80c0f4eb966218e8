//! End-to-end tests of the `lexproof` binary on the demo facts and on bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn lexproof(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lexproof"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("run lexproof")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    let d = root().join("target").join("test-scratch").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, content: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

const EXPLAINED: &str = r#"obligation("aurora-labs", "aurora-m", "art53_1_a")"#;

#[test]
fn derive_on_demo_facts_gives_the_expected_conclusions() {
    let o = lexproof(&["derive"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for line in [
        r#"gpai_model("aurora-m")."#,
        r#"provider("aurora-labs", "aurora-m")."#,
        r#"placed_on_market("aurora-m", "2025-09-15")."#,
        r#"obligation("aurora-labs", "aurora-m", "art53_1_d")."#,
        // Deemed placing through the provider's own AI system (Recital 97 S11).
        r#"placed_on_market("lumen-assist", "2026-02-10")."#,
        // Placed under another actor's name: that actor is the provider.
        r#"provider("meridian-media", "kestrel-vision")."#,
    ] {
        assert!(out.lines().any(|l| l == line), "missing {line} in\n{out}");
    }
    for absent in [
        r#"gpai_model("aurora-voice")"#,
        r#"gpai_model("lumen-lab-7")"#,
        r#"provider("kestrel-robotics", "kestrel-vision")"#,
        "pinecrest-next",
    ] {
        assert!(!out.contains(absent), "{absent} should not be concluded");
    }
    // The demo portfolio: every obligation line is one (actor, model, duty); compare with the JSON.
    let n_obligations = out.lines().filter(|l| l.starts_with("obligation(")).count();
    assert_eq!(n_obligations, 92);
    // Helper relations are shown only on request.
    assert!(!out.contains("placing_event("));
    assert!(stdout(&lexproof(&["derive", "--all"])).contains("placing_event("));
    let err = stderr(&o);
    assert!(err.contains("compiled engine"), "{err}");
    assert!(err.contains("sha256:"), "{err}");
    assert!(err.contains("rule instances recorded"), "{err}");
}

#[test]
fn thread_count_does_not_change_output() {
    let run = |threads: &str, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_lexproof"))
            .args(args)
            .current_dir(root())
            .env("LEXPROOF_THREADS", threads)
            .env("LEXPROOF_STAGE_TIMES", "1")
            .output()
            .expect("run lexproof")
    };
    let explain = [
        "explain",
        "--all",
        "--format",
        "json",
        r#"obligation("aurora-labs", "aurora-m", "art53_1_a")"#,
    ];
    for args in [&["derive", "--all"][..], &explain[..]] {
        let one = run("1", args);
        assert!(
            one.status.success(),
            "{}",
            String::from_utf8_lossy(&one.stderr)
        );
        // Each stage reports its time: the compiled engine ran in stages.
        let stderr = String::from_utf8_lossy(&one.stderr);
        assert!(
            stderr.contains("lexproof: stage") && stderr.contains("obligation"),
            "{stderr}"
        );
        for threads in ["2", "5"] {
            let many = run(threads, args);
            assert!(many.status.success());
            assert_eq!(
                one.stdout, many.stdout,
                "{args:?} differs with {threads} threads"
            );
        }
    }
}

#[test]
fn output_is_byte_identical_across_runs_and_formats_agree() {
    for format in ["text", "json", "tsv"] {
        let a = lexproof(&["derive", "--format", format]);
        let b = lexproof(&["derive", "--format", format]);
        assert!(a.status.success());
        assert_eq!(a.stdout, b.stdout, "format {format} differs between runs");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&lexproof(&["derive", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["schema_version"], 1);
    let rels = json["relations"].as_array().unwrap();
    let obligation = rels.iter().find(|r| r["name"] == "obligation").unwrap();
    assert_eq!(obligation["tuples"].as_array().unwrap().len(), 92);
    assert_eq!(obligation["fields"][2]["type"], "symbol");
    let tsv = stdout(&lexproof(&["derive", "--format", "tsv"]));
    assert!(tsv.contains("obligation\taurora-labs\taurora-m\tart53_1_a\n"));
}

#[test]
fn output_dir_writes_one_sorted_tsv_per_conclusion() {
    let dir = scratch("outdir");
    let o = lexproof(&["derive", "--output-dir", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let placed = std::fs::read_to_string(dir.join("placed_on_market.tsv")).unwrap();
    assert!(placed.starts_with("aurora-m\t2025-09-15\n"), "{placed}");
    let mut lines: Vec<&str> = placed.lines().collect();
    let before = lines.clone();
    lines.sort();
    assert_eq!(lines, before, "rows are sorted");
    // An empty relation gives an empty file.
    let empty = scratch("outdir-empty");
    let facts = write(&empty, "none.dl", b"// no facts\n");
    let o = lexproof(&[
        "derive",
        "--facts",
        &facts,
        "--output-dir",
        empty.join("out").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(empty.join("out/obligation.tsv")).unwrap(),
        ""
    );
}

#[test]
fn query_matches_patterns() {
    let o = lexproof(&["query", r#"obligation(A, "aurora-m", D)"#]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "obligation(\"aurora-labs\", \"aurora-m\", \"art53_1_a\").\nobligation(\"aurora-labs\", \"aurora-m\", \"art53_1_b\").\nobligation(\"aurora-labs\", \"aurora-m\", \"art53_1_c\").\nobligation(\"aurora-labs\", \"aurora-m\", \"art53_1_d\").\nobligation(\"aurora-labs\", \"aurora-m\", \"art53_3_cooperate\").\n"
    );
    let j: serde_json::Value = serde_json::from_slice(
        &lexproof(&[
            "query",
            r#"obligation(A, "aurora-m", D)"#,
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(j["variables"], serde_json::json!(["A", "D"]));
    assert_eq!(j["matches"][0]["bindings"]["A"], "aurora-labs");
    // Input relations can be queried too, and a repeated variable must match the same value.
    let o = lexproof(&["query", "placed_on_market(M, \"2025-09-15\")"]);
    assert_eq!(
        stdout(&o),
        "placed_on_market(\"aurora-m\", \"2025-09-15\").\n"
    );
    let o = lexproof(&["query", "provider(X, X)"]);
    assert_eq!(stdout(&o), "");
    // A mistyped relation gets a located error with a suggestion.
    let o = lexproof(&["query", "obligaton(A, M, D)"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `obligation`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn explain_shows_rules_citations_and_fact_origins() {
    let o = lexproof(&["explain", EXPLAINED]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "by rule art53_1_a_technical_documentation [Art. 53(1)(a)",
        "by rule provider_of_placed_gpai_model",
        "by rule gpai_indicative_criterion [Guidelines §2.1",
        "(guidelines)",
        "by rule placed_on_market_first_date",
        "by rule marketing_by_developer",
        "developer(\"aurora-m\", \"aurora-labs\")\n",
        "fact, from facts/demo.dl:",
        "made_available(\"aurora-m\", \"api\", \"2025-09-15\")",
        "not earlier_placing(\"aurora-m\", \"2025-09-15\")   (no such fact holds)",
        "generative_modality(\"code\")",
        "fact, from rules.dl:",
        "weakest authority in this proof: guidelines",
        "says: ",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    // The same proof every time.
    assert_eq!(o.stdout, lexproof(&["explain", EXPLAINED]).stdout);
}

#[test]
fn explain_json_follows_the_documented_schema() {
    let o = lexproof(&["explain", EXPLAINED, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["schema_version"], 1);
    assert_eq!(j["holds"], true);
    let p = &j["proof"];
    assert_eq!(p["kind"], "derived");
    assert_eq!(p["rule"]["id"], "art53_1_a_technical_documentation");
    assert_eq!(p["rule"]["authority"], "statute");
    assert_eq!(p["weakest_authority"], "guidelines");
    assert!(p["rule"]["source"]
        .as_str()
        .unwrap()
        .starts_with("obligation(A, M, \"art53_1_a\") :- "));
    // Walk to a leaf: every path ends in a fact with an origin, an absent fact or a condition.
    fn leaves(n: &serde_json::Value, out: &mut Vec<String>) {
        match n["kind"].as_str().unwrap() {
            "derived" => n["premises"]
                .as_array()
                .unwrap()
                .iter()
                .for_each(|c| leaves(c, out)),
            "fact" => out.push(format!(
                "{} @ {}:{}",
                n["atom"].as_str().unwrap(),
                n["origin"]["file"].as_str().unwrap(),
                n["origin"]["line"]
            )),
            "absent" | "condition" => {}
            k => panic!("unknown kind {k}"),
        }
    }
    let mut l = Vec::new();
    leaves(p, &mut l);
    assert!(
        l.iter().any(|x| x.starts_with(
            "training_compute(\"aurora-m\", 4000000000000000000000000) @ facts/demo.dl:"
        )),
        "{l:?}"
    );
}

#[test]
fn explain_dot_renders_with_graphviz() {
    let o = lexproof(&["explain", EXPLAINED, "--format", "dot"]);
    assert!(o.status.success());
    let dir = scratch("dot");
    let dot = write(&dir, "proof.dot", &o.stdout);
    let r = Command::new("dot")
        .args(["-Tsvg", &dot, "-o"])
        .arg(dir.join("proof.svg"))
        .output()
        .expect("Graphviz `dot` is installed (.ci/run installs it)");
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    assert!(std::fs::read_to_string(dir.join("proof.svg"))
        .unwrap()
        .contains("art53_1_a_technical_documentation"));
}

#[test]
fn explain_of_an_atom_that_does_not_hold_says_so() {
    let o = lexproof(&[
        "explain",
        r#"obligation("aurora-labs", "aurora-voice", "art53_1_a")"#,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("does not hold"));
    let o = lexproof(&["explain", r#"obligation(A, "aurora-m", "art53_1_a")"#]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("ground atom"));
}

#[test]
fn arithmetic_overflow_is_reported_the_same_by_both_engines_on_any_thread_count() {
    let dir = scratch("overflow");
    write(
        &dir,
        "f.dl",
        b"modified_from(\"ft\", \"base\").\nmodification_compute(\"ft\", 100000000000000000000000000000000000000).\ntraining_compute(\"base\", 5).\ntraining_compute(\"ft\", 5).\n",
    );
    let facts = dir.to_str().unwrap();
    let mut seen = Vec::new();
    for (threads, engine) in [("1", "compiled"), ("2", "compiled"), ("2", "runtime")] {
        let o = Command::new(env!("CARGO_BIN_EXE_lexproof"))
            .args(["-q", "derive", "--facts", facts, "--engine", engine])
            .current_dir(root())
            .env("LEXPROOF_THREADS", threads)
            .output()
            .expect("run lexproof");
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{engine} on {threads}: {err}");
        assert!(
            err.contains("error[arithmetic_error]: rule `modification_significant_relative`: 3 * 100000000000000000000000000000000000000 overflows")
                && err.contains("hint:"),
            "{err}"
        );
        assert!(!err.contains("panicked") && stdout(&o).is_empty(), "{err}");
        seen.push(err);
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
}

#[test]
fn commands_that_show_proofs_refuse_a_run_without_them() {
    let q = lexproof(&[
        "-q",
        "query",
        "obligation(A, M, D)",
        "--facts",
        "facts",
        "--format",
        "tsv",
    ]);
    let first = stdout(&q);
    let cells: Vec<&str> = first
        .lines()
        .next()
        .expect("an obligation")
        .split('\t')
        .collect();
    let atom = format!("obligation({:?}, {:?}, {:?})", cells[0], cells[1], cells[2]);
    let no_proofs = ["--facts", "facts", "--engine", "runtime", "--no-proofs"];
    for args in [
        vec!["report"],
        vec!["instances"],
        vec!["explain", atom.as_str()],
    ] {
        let o = lexproof(&[args.as_slice(), &no_proofs].concat());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("--no-proofs was given") && err.contains("hint: leave out --no-proofs"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert!(stdout(&o).is_empty());
    }
    // Derive needs no proofs: the same conclusions with or without them.
    let with = lexproof(&["-q", "derive", "--facts", "facts", "--engine", "runtime"]);
    let without = lexproof(&[&["-q", "derive"][..], &no_proofs].concat());
    assert_eq!(without.status.code(), Some(0), "{}", stderr(&without));
    assert_eq!(stdout(&with), stdout(&without));
}

#[test]
fn check_accepts_the_shipped_rules_and_rejects_broken_ones() {
    let o = lexproof(&["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("rules.dl: ok"));
    let o = lexproof(&["check", "--rules", "tests/rulebases/broken.dl"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(
            "tests/rulebases/broken.dl:8:22: error[unknown_relation]: unknown relation `c`"
        ),
        "{err}"
    );
    assert!(
        err.contains("b(X) :- a(X), !b(X), c(X)."),
        "source line shown: {err}"
    );
    assert!(err.contains("^"), "caret shown: {err}");
    let j: serde_json::Value = serde_json::from_slice(
        &lexproof(&[
            "check",
            "--rules",
            "tests/rulebases/broken.dl",
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap();
    assert_eq!(j["ok"], false);
    let codes: Vec<&str> = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"unknown_relation"), "{codes:?}");
    assert_eq!(j["diagnostics"][0]["line"], 8);
}

/// Loads one bad fact file and returns (exit code, stdout, stderr).
fn bad_facts(name: &str, content: &[u8]) -> (Option<i32>, String, String) {
    let dir = scratch(&format!("bad-{}", name.replace('.', "-")));
    let f = write(&dir, name, content);
    let o = lexproof(&["derive", "--facts", &f]);
    (o.status.code(), stdout(&o), stderr(&o))
}

#[test]
fn bad_fact_files_are_rejected_with_located_errors_and_nothing_loaded() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "a.dl",
            b"developer(\"m\", \"p\").\ndevelopr(\"m\", \"p\").\n",
            ":2:1: error[unknown_relation]: unknown relation `developr`",
        ),
        (
            "b.dl",
            b"developer(\"m\").\n",
            ":1:1: error[arity_mismatch]",
        ),
        (
            "c.dl",
            b"training_compute(\"m\", \"lots\").\n",
            ":1:23: error[type_mismatch]",
        ),
        (
            "d.dl",
            b"made_available(\"m\", \"api\", \"2025-02-30\").\n",
            ":1:28: error[invalid_date]",
        ),
        (
            "e.dl",
            b"training_compute(\"m\", 1e400).\n",
            "error[number_out_of_range]",
        ),
        (
            "f.dl",
            b"developer(\"m\", \"p\").\n\xff\xfe\n",
            ":2:1: error[invalid_utf8]",
        ),
        (
            "g.dl",
            b"obligation(\"p\", \"m\", \"art53_1_a\").\n",
            "error[derived_relation_fact]",
        ),
        (
            "developer.facts",
            b"m\tp\nm2\n",
            "developer.facts:2:1: error[arity_mismatch]",
        ),
        (
            "training_compute.facts",
            b"m\t12x\n",
            "training_compute.facts:1:3: error[invalid_number]",
        ),
        (
            "h.json",
            b"{\"developer\": [[\"m\", \"p\"], [\"m2\"]]}",
            "h.json:1:28: error[arity_mismatch]",
        ),
        ("i.json", b"[1, 2]", "error[json_shape]"),
        (
            "j.json",
            b"{\"developer\": [[\"m\", \"p\"]",
            "error[json_syntax]",
        ),
    ];
    for (name, content, want) in cases {
        let (code, out, err) = bad_facts(name, content);
        assert_eq!(code, Some(2), "{name}: {err}");
        assert!(err.contains(want), "{name}: expected {want:?} in\n{err}");
        assert!(err.contains("hint:"), "{name}: no hint in\n{err}");
        assert!(
            out.is_empty(),
            "{name}: nothing may be derived from a half-loaded fact base"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}

#[test]
fn all_fact_formats_load_exactly() {
    let dir = scratch("formats");
    write(&dir, "a.dl", b"/* block */ developer(\"m1\", \"p1\"). // line\nestablished_in(\"p1\", \"DE\").\ngenerates(\"m1\", \"text\").\nmade_available(\"m1\", \"api\", \"2025-09-01\").\n");
    write(
        &dir,
        "training_compute.facts",
        b"m2\t2.6e25\r\nm3\t26000000000000000000000001\n",
    );
    write(&dir, "b.json", b"{\"developer\": [[\"m2\", \"p1\"], [\"m3\", \"p1\"]], \"training_compute\": [[\"m1\", 2.6e25]], \"generates\": [[\"m2\", \"code\"], [\"m3\", \"code\"]], \"made_available\": [[\"m2\", \"download\", \"2025-10-01\"], [\"m3\", \"api\", \"2025-10-02\"], [\"m3\", \"api\", \"2025-10-02\"]], \"modification_compute\": [[\"m9\", \"123\"]]}");
    let o = lexproof(&[
        "query",
        "training_compute(M, F)",
        "--facts",
        dir.to_str().unwrap(),
        "--format",
        "tsv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Exact: a JSON 2.6e25 and a TSV 2.6e25 are the same integer, never a float.
    assert_eq!(stdout(&o), "m1\t26000000000000000000000000\nm2\t26000000000000000000000000\nm3\t26000000000000000000000001\n");
    let o = lexproof(&[
        "query",
        "obligation(P, M, \"art53_1_a\")",
        "--facts",
        dir.to_str().unwrap(),
        "--format",
        "tsv",
    ]);
    assert_eq!(
        stdout(&o),
        "p1\tm1\tart53_1_a\np1\tm2\tart53_1_a\np1\tm3\tart53_1_a\n"
    );
    // Origins point at the line each fact came from, in every format.
    let o = lexproof(&[
        "explain",
        "obligation(\"p1\", \"m3\", \"art53_1_a\")",
        "--facts",
        dir.to_str().unwrap(),
    ]);
    let out = stdout(&o);
    assert!(out.contains("training_compute.facts:2"), "{out}");
    assert!(out.contains("b.json:1"), "{out}");
    // A duplicate fact is accepted once.
    let o = lexproof(&[
        "query",
        "made_available(\"m3\", C, D)",
        "--facts",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(stdout(&o).lines().count(), 1);
}

/// `cargo check` with a broken rulebase must fail with rules.dl diagnostics, never rustc errors from
/// generated code; the edge-case rulebase must compile. Uses its own target directory.
#[test]
fn build_script_reports_rule_errors_and_compiles_edge_cases() {
    let target = root().join("target").join("build-check");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let run = |rules: &str| {
        Command::new(&cargo)
            .args(["check", "--lib", "--quiet"])
            .env("LEXPROOF_RULES", rules)
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(root())
            .output()
            .unwrap()
    };
    let o = run("tests/rulebases/broken.dl");
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.contains("tests/rulebases/broken.dl:8:22: error[unknown_relation]"),
        "{err}"
    );
    assert!(
        !err.contains("error[E0"),
        "rustc errors leaked from generated code:\n{err}"
    );
    let o = run("tests/rulebases/compiled/edge.dl");
    assert!(
        o.status.success(),
        "edge-case rulebase must compile:\n{}",
        stderr(&o)
    );
}

#[test]
fn scenario_runner_reports_passes_and_explains_failures() {
    let o = lexproof(&["test", "tests/scenario-fixtures/passing"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("1 passed, 0 failed\n"),
        "{}",
        stdout(&o)
    );
    let o = lexproof(&["test", "tests/scenario-fixtures/failing"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("FAIL tests/scenario-fixtures/failing/wrong_expectations.dl"),
        "{out}"
    );
    // A missing conclusion lists the rules that could have derived it.
    assert!(out.contains(":7: expect obligation(\"p\", \"m2\", \"art53_1_a\").\n      expected to hold, but it does not; rules that could derive it:"), "{out}");
    // An unexpected conclusion prints its proof.
    assert!(out.contains("expected not to hold, but it does:"), "{out}");
    assert!(
        out.contains("by rule art53_1_a_technical_documentation"),
        "{out}"
    );
    assert!(out.contains("no rule has the id `no_such_rule`"), "{out}");
    assert!(out.ends_with("0 passed, 1 failed\n"), "{out}");
}

#[test]
fn derive_json_weakest_authority_matches_each_explained_proof() {
    let j: serde_json::Value =
        serde_json::from_slice(&lexproof(&["-q", "derive", "--format", "json"]).stdout).unwrap();
    let mut checked = 0;
    for rel in j["relations"].as_array().unwrap() {
        let name = rel["name"].as_str().unwrap();
        for (tuple, weakest) in rel["tuples"]
            .as_array()
            .unwrap()
            .iter()
            .zip(rel["weakest_authority"].as_array().unwrap())
        {
            let args: Vec<String> = tuple
                .as_array()
                .unwrap()
                .iter()
                .map(|v| {
                    if v.is_string() {
                        format!("{v}")
                    } else {
                        v.to_string()
                    }
                })
                .collect();
            let atom = format!("{name}({})", args.join(", "));
            let e: serde_json::Value = serde_json::from_slice(
                &lexproof(&["-q", "explain", &atom, "--format", "json"]).stdout,
            )
            .unwrap_or_else(|_| panic!("explain {atom}"));
            assert_eq!(&e["proof"]["weakest_authority"], weakest, "{atom}");
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} conclusions checked");
}

#[test]
fn every_scenario_passes_and_every_provision_is_covered() {
    let o = lexproof(&["test"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    let last = out.lines().last().unwrap();
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(
        passed >= 40 && last.ends_with(" passed, 0 failed"),
        "{last}"
    );
    // The run-time evaluator runs the same scenarios to the same verdicts.
    let o = lexproof(&["test", "--engine", "runtime"]);
    assert!(o.status.success(), "{}", stdout(&o));
    let o = lexproof(&["coverage"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        !out.contains("UNCOVERED") && !out.contains("UNTESTED"),
        "{out}"
    );
}

#[test]
fn extend_and_rules_run_at_run_time_with_the_right_file_and_line() {
    let dir = scratch("extend");
    let ext = write(
        &dir,
        "ext.dl",
        b".decl flagged(model: symbol)\n@rule flag_large_providers\n@cite \"Internal policy 1\"\n@authority guidelines\n@says \"We flag every model with a provider.\"\nflagged(M) :- provider(_, M).\n",
    );
    let o = lexproof(&["explain", "flagged(\"aurora-m\")", "--extend", &ext]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!(
            "by rule flag_large_providers [Internal policy 1] (guidelines), {ext}:6"
        )),
        "{out}"
    );
    assert!(out.contains("by rule provider_"), "{out}");
    assert!(stderr(&o).contains("run-time evaluator"), "{}", stderr(&o));
    // An error in the extension points into the extension.
    let bad = write(
        &dir,
        "bad.dl",
        b"@rule x\n@cite \"y\"\n@authority statute\n@says \"z\"\nflag(M) :- provder(_, M).\n",
    );
    let o = lexproof(&["derive", "--extend", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!("{bad}:5:12: error[unknown_relation]")),
        "{}",
        stderr(&o)
    );
    // --rules runs any rules file; --engine compiled refuses it.
    let o = lexproof(&["derive", "--rules", "rules.dl", "--engine", "compiled"]);
    assert_eq!(o.status.code(), Some(2));
    let a = lexproof(&[
        "-q", "derive", "--rules", "rules.dl", "--facts", "facts", "--all", "--format", "tsv",
    ]);
    let b = lexproof(&["-q", "derive", "--all", "--format", "tsv"]);
    assert_eq!(a.stdout, b.stdout);
    // A rules file of one's own reads no facts but its own unless --facts names them.
    let c = lexproof(&["-q", "query", "developer(M, A)", "--rules", "rules.dl"]);
    assert!(c.status.success() && c.stdout.is_empty(), "{}", stderr(&c));
}

#[test]
fn runaway_recursion_stops_at_the_fact_limit() {
    let dir = scratch("limit");
    let rules = write(&dir, "count.dl", b".decl n(x: number)\nn(0).\n@rule up\n@cite \"x\"\n@authority statute\n@says \"s\"\nn(X + 1) :- n(X).\n");
    let o = lexproof(&["derive", "--rules", &rules, "--max-facts", "10000"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[fact_limit]"), "{}", stderr(&o));
}

#[test]
fn plain_datalog_files_are_accepted_with_inferred_declarations() {
    let dir = scratch("plain");
    let rules = write(&dir, "tc.dl", b"edge(\"a\", \"b\").\nedge(\"b\", \"c\").\npath(X, Y) :- edge(X, Y).\npath(X, Y) :- edge(X, Z), path(Z, Y).\nlonely(X) :- edge(X, _), not path(_, X).\nFib(0, 1).\nFib(n + 1, x) :- Fib(n, x), (n < 3).\n");
    let o = lexproof(&["-q", "derive", "--rules", &rules, "--all"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("path(\"a\", \"c\").")
            && out.contains("lonely(\"a\").")
            && !out.contains("lonely(\"b\")"),
        "{out}"
    );
    assert!(
        out.contains("Fib(3, 1).") && !out.contains("Fib(4, 1)"),
        "{out}"
    );
}

/// `tests/bad-input/{rules,facts}/NAME.expect` says what lexproof must do with the input NAME (a file
/// of any extension, or a directory): `exit: N`, then lines `stderr: fragment` / `stdout: fragment` that
/// must appear, and for facts optionally `query: ATOM` to run instead of derive.
#[test]
fn bad_input_corpus_gives_located_errors() {
    let mut checked = 0;
    for kind in ["rules", "facts"] {
        let dir = root().join("tests/bad-input").join(kind);
        let mut expects: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "expect"))
            .collect();
        expects.sort();
        for exp in expects {
            let stem = exp.file_stem().unwrap().to_str().unwrap().to_string();
            let input = std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| {
                    p != &exp
                        && (p.file_stem().and_then(|s| s.to_str()) == Some(&stem)
                            || p.file_name().and_then(|s| s.to_str()) == Some(&stem))
                })
                .unwrap_or_else(|| panic!("no input for {}", exp.display()));
            let rel = input
                .strip_prefix(root())
                .unwrap()
                .to_str()
                .unwrap()
                .to_string();
            let spec = std::fs::read_to_string(&exp).unwrap();
            let query = spec.lines().find_map(|l| l.strip_prefix("query: "));
            let o = match (kind, query) {
                ("rules", _) => lexproof(&["check", "--rules", &rel]),
                (_, Some(q)) => lexproof(&["-q", "query", q, "--facts", &rel]),
                _ => lexproof(&["derive", "--facts", &rel]),
            };
            let (out, err) = (stdout(&o), stderr(&o));
            for line in spec.lines() {
                if let Some(code) = line.strip_prefix("exit: ") {
                    assert_eq!(
                        o.status.code(),
                        Some(code.parse().unwrap()),
                        "{rel}: exit code; stderr:\n{err}"
                    );
                } else if let Some(f) = line.strip_prefix("stderr: ") {
                    assert!(err.contains(f), "{rel}: expected {f:?} in stderr:\n{err}");
                } else if let Some(f) = line.strip_prefix("stdout: ") {
                    assert!(out.contains(f), "{rel}: expected {f:?} in stdout:\n{out}");
                }
            }
            assert!(!err.contains("panicked"), "{rel}: {err}");
            if !o.status.success() {
                assert!(
                    out.is_empty(),
                    "{rel}: nothing may be printed as a result after an error:\n{out}"
                );
                assert!(
                    err.contains("hint:"),
                    "{rel}: every error carries a hint:\n{err}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 29, "only {checked} bad inputs checked");
}

/// The peer conformance suite (PyPI `datalog-conformance`), core folders, through the CLI. `.ci/run`
/// installs it; on a developer machine without it the test says how to install it and passes only
/// outside CI.
#[test]
fn datalog_conformance_core_folders_pass() {
    let have = Command::new("python3")
        .args(["-c", "import datalog_conformance"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        let msg = "datalog-conformance is not installed: pip install datalog-conformance==0.1.0";
        assert!(std::env::var_os("CI").is_none(), "{msg}");
        eprintln!("skipping: {msg}");
        return;
    }
    let o = Command::new("bash")
        .arg(root().join("tests/conformance/run.sh"))
        .env("LEXPROOF_BIN", env!("CARGO_BIN_EXE_lexproof"))
        .output()
        .unwrap();
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(o.status.success(), "{out}");
    assert!(out.contains("passed"), "{out}");
}

#[test]
fn explain_as_mermaid_and_prose() {
    let o = lexproof(&["-q", "explain", EXPLAINED, "--format", "mermaid"]);
    assert!(o.status.success());
    let m = stdout(&o);
    assert!(m.starts_with("flowchart TD\n"), "{m}");
    assert!(
        m.contains("rule art53_1_a_technical_documentation [Art. 53(1)(a)"),
        "{m}"
    );
    assert!(m.contains("n0 --> n"), "{m}");
    assert!(
        !m.contains("(\"aurora"),
        "quotes inside labels are escaped: {m}"
    );
    let o = lexproof(&["-q", "explain", EXPLAINED, "--format", "prose"]);
    let p = stdout(&o);
    assert!(p.starts_with("obligation(\"aurora-labs\", \"aurora-m\", \"art53_1_a\") holds: The provider must prepare"), "{p}");
    assert!(
        p.contains("[Art. 53(1)(a); Annex XI; Recital 97 S10; statute]"),
        "{p}"
    );
    assert!(p.contains("(given in facts/demo.dl:"), "{p}");
    assert!(p.contains("the law is unsettled here"), "{p}");
    assert!(p.trim_end().ends_with("The weakest authority this conclusion rests on is the Commission Guidelines (non-binding)."), "{p}");
}

#[path = "cli/proofs.rs"]
mod proofs;

#[path = "cli/hardening.rs"]
mod hardening;

#[path = "cli/timeline.rs"]
mod timeline;

#[path = "cli/formats.rs"]
mod formats;

#[path = "cli/hostile.rs"]
mod hostile;

/// docs/vocabulary.md is generated from the documentation in rules.dl; it must match what the
/// binary prints, and every input and conclusion relation must be documented with an example.
#[test]
fn vocabulary_doc_is_generated_from_the_rules_and_current() {
    let o = lexproof(&["vocab", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let fresh = stdout(&o);
    let on_disk = std::fs::read_to_string(root().join("docs/vocabulary.md")).unwrap();
    assert!(
        fresh == on_disk,
        "docs/vocabulary.md is stale: run `lexproof vocab --format md > docs/vocabulary.md`"
    );
    let all = stdout(&lexproof(&["vocab"]));
    for rel in [
        "developer",
        "made_available",
        "compute_reached",
        "obligation",
        "duty_status",
    ] {
        assert!(all.contains(&format!("\n{rel}(")), "{rel} missing:\n{all}");
    }
    // Every documented relation has a description, each field a meaning, and an example.
    let text = std::fs::read_to_string(root().join("rules.dl")).unwrap();
    let rb = lexproof::rules::rulebase::Rulebase::shipped();
    let p = &rb.checked;
    for rel in 0..p.relations.len() {
        if lexproof::rules::vocab::part_of(p, rel) == lexproof::rules::vocab::Part::Helpers {
            continue;
        }
        let r = &p.relations[rel];
        assert!(!r.doc.text.is_empty(), "{} has no @doc", r.name);
        assert!(!r.doc.examples.is_empty(), "{} has no @example", r.name);
        assert!(!r.doc.citations.is_empty(), "{} has no @cite", r.name);
        for (k, a) in r.doc.args.iter().enumerate() {
            assert!(
                !a.is_empty(),
                "{}: field {} has no @arg",
                r.name,
                r.fields[k].0
            );
        }
    }
    for e in &p.enums {
        assert!(!e.doc.is_empty(), "type {} has no @doc", e.name);
        if e.name != "country" {
            for v in &e.values {
                assert!(
                    e.value_docs.contains_key(v),
                    "{}: \"{v}\" has no @value",
                    e.name
                );
            }
        }
    }
    assert!(text.contains("@key model\n.decl training_compute"));
}

#[test]
fn vocab_prints_one_entry_with_its_values_and_suggests_names() {
    let o = lexproof(&["vocab", "made_available"]);
    let out = stdout(&o);
    assert!(o.status.success());
    assert!(
        out.starts_with("made_available(model: symbol, channel: channel, from: date)"),
        "{out}"
    );
    assert!(
        out.contains("\"app_store\"") && out.contains("Example: made_available("),
        "{out}"
    );
    let o = lexproof(&["vocab", "chanel"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `channel`?"),
        "{}",
        stderr(&o)
    );
    // Suggestions weigh case and the synonyms an enumeration lists.
    let d = scratch("vocab-suggest");
    let f = write(
        &d,
        "f.dl",
        b"established_in(\"acme\", \"de\").\nmade_available(\"m\", \"app\", \"2025-09-01\").\n",
    );
    let o = lexproof(&["-q", "derive", "--facts", &f]);
    let err = stderr(&o);
    assert!(err.contains("did you mean \"DE\"?"), "{err}");
    assert!(err.contains("did you mean \"app_store\"?"), "{err}");
}
