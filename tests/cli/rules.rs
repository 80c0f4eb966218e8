//! Rules files: `lexproof check`, the build script, `--rules` and `--extend` at run time, plain Datalog, the fact limit, arithmetic errors on both engines, and the peer conformance suite.

use super::*;

#[test]
fn arithmetic_overflow_is_reported_the_same_by_both_engines_on_any_thread_count() {
    let dir = scratch("overflow");
    write(
        &dir,
        "f.dl",
        b"modified_from(\"ft\", \"base\").\nmodification_compute(\"ft\", 100000000000000000000000000000000000000).\ntraining_compute(\"base\", 5).\ntraining_compute(\"ft\", 5).\n\
modified_from(\"ft2\", \"base2\").\ntraining_compute(\"base2\", 160000000000000000000000000000000000000).\nmodification_compute(\"ft2\", 20000000000000000000000000000000000000).\n",
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
        // Each error names the facts of an instance where it happened, with their lines.
        let f = dir.join("f.dl");
        let at = |line: usize| format!("({}:{line})", f.display());
        let first = err
            .find("rule `modification_significant_relative`")
            .expect("first error");
        assert!(
            err[first..].contains(&format!(
                "modification_compute(\"ft\", 100000000000000000000000000000000000000)  {}",
                at(2)
            )),
            "{err}"
        );
        // A second error in another rule comes after it, in rules-file order, on every engine.
        let second = err
            .find("rule `modified_model_cumulative_compute`")
            .expect("second error");
        assert!(first < second, "{err}");
        assert!(
            err[second..].contains(&format!("modified_from(\"ft2\", \"base2\")  {}", at(5)))
                && err[second..].contains(
                    "direct_compute(\"base2\", 160000000000000000000000000000000000000)  (derived)"
                )
                && err[second..].contains(&format!(
                    "modification_compute(\"ft2\", 20000000000000000000000000000000000000)  {}",
                    at(7)
                )),
            "{err}"
        );
        assert!(!err.contains("panicked") && stdout(&o).is_empty(), "{err}");
        seen.push(err);
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
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
    let rules = write(&dir, "tc.dl", b"edge(\"a\", \"b\").\nedge(\"b\", \"c\").\npath(X, Y) :- edge(X, Y).\npath(X, Y) :- edge(X, Z), path(Z, Y).\nlonely(X) :- edge(X, _), not path(_, X).\nFib(0, 1).\nFib(n + 1, x) :- Fib(n, x), (n < 3).\nnext(X) :- Fib(N, _), X = N + 1.\nsame(X) :- next(Y), X = Y, X > 3.\nfirst(S) :- edge(S, _), S = \"a\".\n");
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
    // A variable bound by `=` takes the type of what it equals.
    assert!(
        out.contains("next(4).") && out.contains("same(4).") && !out.contains("same(3)"),
        "{out}"
    );
    assert!(
        out.contains("first(\"a\").") && !out.contains("first(\"b\")"),
        "{out}"
    );
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
fn an_extension_checked_alone_is_told_to_use_extend() {
    let dir = scratch("check-extension");
    let ext = write(
        &dir,
        "ext.dl",
        b".decl registered_nationally(actor: symbol, model: symbol)\n@rule national_registration\n@cite \"National Act s. 1\"\n@authority statute\n@says \"A provider of a model with systemic risk registers it nationally.\"\nregistered_nationally(A, M) :- provider(A, M), systemic_risk(M).\n",
    );
    let o = lexproof(&["check", "--rules", &ext]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("uses relations of the shipped rules (`provider`, `systemic_risk`)")
            && err.contains(&format!("lexproof check --extend {ext}")),
        "{err}"
    );
    let o = lexproof(&["check", "--extend", &ext]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(" + "), "both files are checked as one");
}

#[test]
fn a_changed_rules_file_on_disk_is_reported_as_stale() {
    let dir = scratch("stale-rules");
    let shipped = std::fs::read_to_string(root().join("rules.dl")).unwrap();
    std::fs::copy(root().join("facts/demo.dl"), dir.join("demo.dl")).unwrap();
    let run = |rules: &str| {
        std::fs::write(dir.join("rules.dl"), rules).unwrap();
        Command::new(env!("CARGO_BIN_EXE_lexproof"))
            .args(["-q", "derive", "--facts", "demo.dl"])
            .current_dir(&dir)
            .output()
            .expect("run lexproof")
    };
    let same = run(&shipped);
    assert!(
        same.status.success() && !stderr(&same).contains("stale_rules"),
        "{}",
        stderr(&same)
    );
    let edited = run(&shipped.replacen("// ", "// edited: ", 1));
    let err = stderr(&edited);
    assert!(edited.status.success(), "{err}");
    assert_eq!(err.matches("warning[stale_rules]").count(), 1, "{err}");
    assert!(
        err.contains("rebuild") && err.contains("--rules rules.dl"),
        "{err}"
    );
    assert_eq!(
        stdout(&edited),
        stdout(&same),
        "the compiled rules still answer"
    );
}

#[test]
fn new_extension_writes_a_checked_file_and_scenarios_that_pass_and_refuses_to_overwrite() {
    let dir = scratch("new-extension");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let d = dir.to_str().unwrap();
    let o = lexproof(&["new-extension", "de_reg", "--dir", d]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rules = dir.join("de_reg.dl");
    let scen = dir.join("de_reg-scenarios");
    let (r, s) = (rules.to_str().unwrap(), scen.to_str().unwrap());
    assert!(
        stdout(&o).contains("lexproof check --extend"),
        "{}",
        stdout(&o)
    );
    let o = lexproof(&["check", "--extend", r]);
    assert!(
        o.status.success() && stdout(&o).contains("0 warnings"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    for engine in ["runtime", "auto"] {
        let o = lexproof(&["test", s, "--extend", r, "--engine", engine]);
        assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("2 passed, 0 failed"), "{}", stdout(&o));
    }
    // The scenarios test the extension's rule: without it they fail.
    let o = lexproof(&["test", s]);
    assert!(!o.status.success(), "{}", stdout(&o));
    // A second run never overwrites, and a name must be usable in relation names.
    let o = lexproof(&["new-extension", "de_reg", "--dir", d]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[exists]"), "{}", stderr(&o));
    let o = lexproof(&["new-extension", "De-Reg", "--dir", d]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[bad_name]"), "{}", stderr(&o));
}

#[test]
fn a_national_duty_added_by_an_extension_is_reported_explained_dated_and_covered_like_a_shipped_one(
) {
    let dir = scratch("national-duty");
    let d = dir.to_str().unwrap();
    let o = lexproof(&["new-extension", "de_reg", "--dir", d]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = dir.join("de_reg.dl").display().to_string();
    let s = dir.join("de_reg-scenarios").display().to_string();
    // The facts of the scenario where the duty binds (expect lines dropped), and the same model
    // below the Art. 51(2) threshold.
    let fires = std::fs::read_to_string(dir.join("de_reg-scenarios/fires.dl")).unwrap();
    let facts: String = fires
        .lines()
        .filter(|l| !l.starts_with("expect"))
        .map(|l| format!("{l}\n"))
        .collect();
    let big = write(&dir, "big.dl", facts.as_bytes());
    let small = write(&dir, "small.dl", facts.replace("3e25", "1e24").as_bytes());

    // The report in every format lists the national duty with its citation, deadline and status.
    for (format, deadline) in [
        ("md", "3 Mar 2026"),
        ("json", "2026-03-03"),
        ("html", "3 Mar 2026"),
    ] {
        let o = lexproof(&[
            "-q", "report", "--extend", &r, "--facts", &big, "--format", format,
        ]);
        let out = stdout(&o);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        for want in ["de_reg_register", "National law § 1", deadline, "overdue"] {
            assert!(out.contains(want), "{format} report lacks {want}:\n{out}");
        }
    }
    // Below the threshold the report lists it among the duties not concluded, with the reason.
    let o = lexproof(&["-q", "report", "--extend", &r, "--facts", &small]);
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| {
            l.contains("`de_reg_register`")
                && l.contains(
                    "it is not shown that big-m is a general-purpose AI model with systemic risk",
                )
        })
        .unwrap_or_else(|| panic!("no why-not line for the national duty:\n{out}"));
    assert!(!line.contains("overdue"), "{line}");
    // why-not names the missing systemic risk; the timeline dates the duty.
    let o = lexproof(&[
        "-q",
        "why-not",
        r#"obligation("big-labs", "big-m", "de_reg_register")"#,
        "--extend",
        &r,
        "--facts",
        &small,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("de_reg_register_applies"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("✗ systemic_risk(\"big-m\")"),
        "{}",
        stdout(&o)
    );
    let o = lexproof(&["-q", "timeline", "big-m", "--extend", &r, "--facts", &big]);
    let out = stdout(&o);
    assert!(
        out.contains("de_reg_register big-labs: since 2026-02-01")
            && out.contains("deadline Tue 3 Mar 2026 [de_reg_register_deadline"),
        "{out}"
    );
    // diff shows what the extension adds, with the proof.
    let o = lexproof(&["-q", "diff", "--extend", &r, "--facts", &big, "--exit-code"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(r#"+ obligation("big-labs", "big-m", "de_reg_register")"#)
            && out.contains("by de_reg_register_owed [National law § 1"),
        "{out}"
    );
    // Coverage lists the extension's own provisions: untested without its scenarios (exit 1),
    // tested with them.
    let o = lexproof(&["coverage", "--extend", &r]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let untested = stdout(&o);
    assert!(
        untested
            .lines()
            .any(|l| l.starts_with("UNTESTED") && l.contains("National law § 2")),
        "{untested}"
    );
    let o = lexproof(&[
        "coverage",
        "--extend",
        &r,
        "--scenarios",
        "tests/scenarios",
        "--scenarios",
        &s,
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let row = v["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["provision"] == "National law § 2 (replace with the provision)")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(row["status"], "ok");
    assert_eq!(
        row["rules"],
        serde_json::json!(["de_reg_register_deadline"])
    );
    assert_eq!(row["scenarios"], serde_json::json!(["fires.dl"]));
    assert_eq!(v["complete"], true);
}

#[test]
fn swapped_arguments_are_type_errors_in_an_extension_and_a_value_added_twice_is_refused() {
    let dir = scratch("roles");
    let ext = write(
        &dir,
        "swap.dl",
        r#"@doc "National duties."
.type duty += "nat_register"

@rule nat_register_applies
@cite "National law § 1"
@authority statute
@says "The provider of a systemic-risk model must register it."
applicable_duty(A, M, "nat_register") :- provider(M, A), systemic_risk(M).
"#
        .as_bytes(),
    );
    let o = lexproof(&["check", "--extend", &ext]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("swap.dl:8:") && err.contains("error[type_mismatch]") && err.contains("variable `M` is a model in field `model` of `applicable_duty` but an actor in field `actor` of `provider`"),
        "{err}"
    );
    assert!(
        err.contains("check the order of the arguments: `provider(actor: actor, model: model)`"),
        "{err}"
    );
    let twice = write(
        &dir,
        "twice.dl",
        b".type duty += \"art53_1_a\"\n.type dutty += \"x\"\n",
    );
    let o = lexproof(&["check", "--extend", &twice]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains(
            "twice.dl:1:15: error[duplicate_field]: \"art53_1_a\" is already a value of `duty`"
        ),
        "{err}"
    );
    assert!(
        err.contains("twice.dl:2:7: error[unknown_type]") && err.contains("did you mean `duty`?"),
        "{err}"
    );
}

#[test]
fn a_dated_parameter_value_applies_from_its_day_and_the_proof_names_its_line() {
    let dir = scratch("dated-param");
    // A delegated act (Art. 51(3)) raising the threshold, written as an extension.
    let ext = write(
        &dir,
        "amend.dl",
        "// A hypothetical delegated act raising the Art. 51(2) threshold.\n@cite \"Art. 51(3)\", \"Delegated act (hypothetical)\"\n.param art51_threshold = 5e25 from \"2027-06-01\"\n"
            .as_bytes(),
    );
    let facts = write(
        &dir,
        "m.dl",
        b"developer(\"m\", \"p\").\nestablished_in(\"p\", \"DE\").\ntraining_compute(\"m\", 3e25).\ngenerates(\"m\", \"text\").\nmade_available(\"m\", \"api\", \"2026-02-01\").\n",
    );
    let run = |as_of: &str, cmd: &[&str]| {
        let mut args = vec!["-q"];
        args.extend_from_slice(cmd);
        args.extend_from_slice(&["--extend", &ext, "--facts", &facts, "--as-of", as_of]);
        lexproof(&args)
    };
    for engine in ["runtime", "auto"] {
        // The day before, the Act's 10^25 applies: systemic risk, proved from the rules' own line.
        let o = run(
            "2027-05-31",
            &["explain", r#"systemic_risk("m")"#, "--engine", engine],
        );
        let out = stdout(&o);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(out.contains("art51_threshold(1×10^25)"), "{out}");
        assert!(out.contains("fact, from rules.dl:"), "{out}");
        // From the day the amendment applies, 3×10^25 is below it; why-not names the amending line.
        let o = run(
            "2027-06-01",
            &["why-not", r#"systemic_risk("m")"#, "--engine", engine],
        );
        let out = stdout(&o);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(out.contains("art51_threshold(5×10^25)"), "{out}");
        assert!(out.contains("amend.dl:3"), "{out}");
    }
    // vocab lists the later value with its source; a second value for the same day is an error.
    let o = lexproof(&["vocab", "art51_threshold", "--extend", &ext]);
    assert!(
        stdout(&o).contains(
            "Later value from 2027-06-01: 5e25 (Art. 51(3); Delegated act (hypothetical))"
        ),
        "{}",
        stdout(&o)
    );
    let twice = write(
        &dir,
        "twice.dl",
        b".param art51_threshold = 5e25 from \"2027-06-01\"\n.param art51_threshold = 6e25 from \"2027-06-01\"\n.param not_a_param = 1 from \"2027-01-01\"\n",
    );
    let o = lexproof(&["check", "--extend", &twice]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("twice.dl:2:8: error[parameter_redefined]: `art51_threshold` already takes a value from 2027-06-01"), "{err}");
    assert!(
        err.contains("twice.dl:3:8: error[unknown_relation]"),
        "{err}"
    );
}
