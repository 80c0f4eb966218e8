//! `lexproof explain`: proofs with rules, citations and origins in every format, and the refusals (no such conclusion, no proofs recorded).

use super::*;

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
