//! Fact files: located errors with nothing loaded, every format loading exactly, and the bad-input corpus.

use super::*;

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

#[test]
fn a_scenario_given_as_facts_points_at_its_expect_lines() {
    let o = lexproof(&[
        "derive",
        "--facts",
        "tests/scenarios/art79_2_working_days_over_christmas.dl",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("error[not_a_fact]: `expect` lines belong to scenario files")
            && err.contains("art79_2_working_days_over_christmas.dl:37:1")
            && err.contains("lexproof test FILE"),
        "{err}"
    );
    assert!(!err.contains("syntax_error"), "{err}");
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

/// A `.dl` fact file larger than one parse part (8 MiB) is read part by part: every fact counts,
/// and an error far into it is located by its line and column in the whole file.
#[test]
fn large_dl_file_is_read_in_parts_with_errors_located() {
    let dir = scratch("large-dl");
    let mut text = String::from(
        "/* a comment over\n two lines with a fact in it: developer(\"x\", \"y\").\n */\n",
    );
    let n = 400_000;
    for i in 0..n {
        text.push_str(&format!(
            "generates(\"model-{i:07}\", \"text\"). // note \").\n"
        ));
    }
    text.push_str("generates(\"late\", 42).\n");
    assert!(text.len() > 2 * (8 << 20), "{}", text.len());
    let bad = write(&dir, "big.dl", text.as_bytes());
    let o = lexproof(&["derive", "--facts", &bad]);
    assert!(!o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let line = n + 4;
    assert!(
        err.contains(&format!("big.dl:{line}:19: error[type_mismatch]")),
        "{err}"
    );
    let good = write(
        &dir,
        "good.dl",
        text.replace("generates(\"late\", 42).\n", "").as_bytes(),
    );
    // Input facts counted, less those of the rules file: one fact read alone gives that count.
    let inputs = |facts: &str| -> usize {
        let o = lexproof(&["derive", "--facts", facts]);
        assert!(o.status.success(), "{}", stderr(&o));
        let err = stderr(&o);
        let at = err
            .find(" input facts from 1 file")
            .expect("a summary line");
        let digits: String = err[..at]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.chars().rev().collect::<String>().parse().unwrap()
    };
    let one = write(&dir, "one.dl", b"generates(\"z\", \"text\").\n");
    assert_eq!(inputs(&good), inputs(&one) - 1 + n);
}

/// A fact with its model and actor swapped loads (an id may lawfully name two things) but is
/// pointed at with its file and line, and the fixed file gives no warning.
#[test]
fn swapped_arguments_are_warned_about_where_they_stand() {
    let dir = scratch("mixed-roles");
    let body = "assessment_date(\"2026-06-01\").\ndeveloper(\"x-m\", \"x-co\").\nestablished_in(\"x-co\", \"US\").\ngenerates(\"x-m\", \"text\").\nmade_available(\"x-m\", \"api\", \"2025-09-15\").\n";
    let f = write(
        &dir,
        "swapped.dl",
        format!("{body}representative_mandate_ended(\"x-m\", \"x-co\", \"2026-01-01\").\n")
            .as_bytes(),
    );
    let o = lexproof(&["-q", "derive", "--facts", &f]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("swapped.dl:6: \"x-m\" stands as an actor (field 1, `actor`) in this `representative_mandate_ended` fact, while 3 facts use it as a model"),
        "{err}"
    );
    assert!(err.contains("hint: check the order of the arguments: representative_mandate_ended(actor: actor, model: model, on: date)"), "{err}");
    let g = write(
        &dir,
        "fixed.dl",
        format!("{body}representative_mandate_ended(\"x-co\", \"x-m\", \"2026-01-01\").\n")
            .as_bytes(),
    );
    let o = lexproof(&["-q", "derive", "--facts", &g]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("mixed_roles"), "{}", stderr(&o));
}

/// A representative whose only establishment closed is not reported as one whose place is not
/// given: the report says where it was and when it closed.
#[test]
fn a_closed_establishment_is_named_in_the_report_heading() {
    let dir = scratch("closed-establishment");
    let f = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-05-04\").\nestablished_in(\"uz\", \"US\").\nestablished_in(\"rep-x\", \"AT\").\nestablished_in_until(\"rep-x\", \"AT\", \"2026-03-02\").\ndeveloper(\"m\", \"uz\").\ntraining_compute(\"m\", 3e24).\ngenerates(\"m\", \"text\").\nmade_available(\"m\", \"api\", \"2025-11-03\").\nmandate_given(\"uz\", \"m\", \"rep-x\", \"2025-10-20\").\n",
    );
    let o = lexproof(&["-q", "report", "--facts", &f]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        md.contains("## `rep-x` (no establishment left: closed in AT on 2026-03-02)"),
        "{md}"
    );
    assert!(
        !md.contains("`rep-x` (place of establishment not given)"),
        "{md}"
    );
}

/// An open question in the report says why it is open, in the words of the rule that raised it.
#[test]
fn report_open_questions_say_why() {
    let dir = scratch("open-question-why");
    let f = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-09-01\").\nestablished_in(\"kappa\", \"NL\").\ndeveloper(\"kp\", \"kappa\").\ngenerates(\"kp\", \"text\").\ncompute_reached(\"kp\", 1.5e25, \"2025-10-01\").\nnotified(\"kp\", \"2025-10-10\").\nmade_available(\"kp\", \"api\", \"2025-11-03\").\nrebuttal_accepted(\"kp\", \"2026-02-02\").\ncompute_reached(\"kp\", 4e25, \"2026-07-06\").\n",
    );
    let o = lexproof(&["-q", "report", "--facts", &f]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        md.contains("- systemic\\_risk is undetermined: supply notified facts to decide it. Why: A model whose rebuttal was accepted and that then reached more compute than before may have to be notified again"),
        "{md}"
    );
    let o = lexproof(&["-q", "report", "--facts", &f, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let q = &json["actors"][0]["models"][0]["open_questions"][0];
    assert_eq!(q["question"], "systemic_risk", "{json}");
    assert!(
        q["why"]
            .as_str()
            .unwrap_or_default()
            .starts_with("A model whose rebuttal"),
        "{json}"
    );
}
