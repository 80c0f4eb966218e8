//! `lexproof diff`: every conclusion a change of facts or rules adds or removes, with its reason,
//! in text, JSON and Markdown, `--exit-code` for CI, the same on both engines.

use super::*;

/// The demo facts with aurora-m's training compute raised above 10^25 (systemic risk).
fn raised_compute(dir: &Path) -> String {
    let demo = std::fs::read_to_string(root().join("facts/demo.dl")).unwrap();
    let changed = demo.replace(
        "training_compute(\"aurora-m\", 4.0e24).",
        "training_compute(\"aurora-m\", 2e25).",
    );
    assert_ne!(
        demo, changed,
        "the demo facts still state aurora-m's compute"
    );
    write(dir, "demo.dl", changed.as_bytes())
}

/// The line after the one that reads `change` (trimmed): its reason.
fn reason_of<'a>(out: &'a str, change: &str) -> &'a str {
    let line = out
        .lines()
        .position(|l| l.trim() == change)
        .unwrap_or_else(|| panic!("{change} is not listed:\n{out}"));
    out.lines().nth(line + 1).unwrap()
}

#[test]
fn nothing_changed_is_said_and_exits_zero() {
    let o = lexproof(&["-q", "diff", "--exit-code"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("No conclusion changed."), "{out}");
    assert!(
        out.starts_with("baseline: rules rules.dl (sha256 "),
        "{out}"
    );
}

#[test]
fn added_conclusions_come_with_their_proof_and_removed_ones_with_why_not() {
    let dir = scratch("diff-compute");
    let raised = raised_compute(&dir);
    // New facts: aurora-m has systemic risk, so the Art. 55 duties are added.
    let o = lexproof(&[
        "-q",
        "diff",
        "--base-facts",
        "facts",
        "--facts",
        &raised,
        "--exit-code",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("obligation: "), "{out}");
    assert!(out.contains("  actor \"aurora-labs\":"), "{out}");
    let because = reason_of(
        &out,
        r#"+ obligation("aurora-labs", "aurora-m", "art55_1_a")"#,
    );
    assert!(
        because.trim_start().starts_with("because: by ") && because.contains("Art. 55"),
        "{because}"
    );
    // The other way round the same duties are removed, each with why it no longer holds.
    let o = lexproof(&["-q", "diff", "--base-facts", &raised, "--facts", "facts"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "without --exit-code a change is no failure"
    );
    let out = stdout(&o);
    let change = r#"- obligation("aurora-labs", "aurora-m", "art55_1_a")"#;
    let before = reason_of(&out, change);
    assert!(
        before.trim_start().starts_with("held before: by ") && before.contains("Art. 55"),
        "{before}"
    );
    let why = reason_of(&out, before.trim());
    assert!(
        why.trim_start().starts_with("why not now: ")
            && why.contains("is a general-purpose AI model with systemic risk"),
        "{why}"
    );
}

#[test]
fn json_and_markdown_agree_with_the_text_and_engines_agree() {
    let dir = scratch("diff-formats");
    let raised = raised_compute(&dir);
    let args = |fmt: &'static str| -> Vec<String> {
        [
            "-q",
            "diff",
            "--base-facts",
            "facts",
            "--facts",
            &raised,
            "--format",
            fmt,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let run = |a: Vec<String>| {
        let refs: Vec<&str> = a.iter().map(|s| s.as_str()).collect();
        let o = lexproof(&refs);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let j: serde_json::Value = serde_json::from_str(&run(args("json"))).unwrap();
    assert_eq!(j["schema_version"], 1);
    assert_eq!(j["changed"], true);
    let rels = j["relations"].as_array().unwrap();
    let obligation = rels
        .iter()
        .find(|r| r["relation"] == "obligation")
        .expect("obligation changed");
    let added = obligation["added"].as_array().unwrap();
    let a55 = added
        .iter()
        .find(|c| c["atom"] == r#"obligation("aurora-labs", "aurora-m", "art55_1_a")"#)
        .expect("the Art. 55(1)(a) duty is listed");
    assert_eq!(a55["actor"], "aurora-labs");
    assert_eq!(a55["tuple"][2], "art55_1_a");
    assert!(a55["reason"].as_str().unwrap().starts_with("by "));
    let total: usize = rels
        .iter()
        .map(|r| r["added"].as_array().unwrap().len())
        .sum();
    assert_eq!(j["added"].as_u64().unwrap() as usize, total);
    let md = run(args("md"));
    assert!(md.starts_with("# What changed\n"), "{md}");
    assert!(md.contains("\n## obligation ("), "{md}");
    assert!(
        md.contains("`obligation(\"aurora-labs\", \"aurora-m\", \"art55_1_a\")`; because: by "),
        "{md}"
    );
    // The run-time evaluator for the new run gives the same answer, byte for byte.
    let mut rt = args("text");
    rt.extend(["--engine".to_string(), "runtime".to_string()]);
    let mut text = args("text");
    text.truncate(text.len() - 2);
    assert_eq!(run(rt), run(text));
}

#[test]
fn an_extension_is_compared_with_the_shipped_rules() {
    let dir = scratch("diff-extension");
    // A national registration duty as a new conclusion relation of the extension.
    let ext = write(
        &dir,
        "ext.dl",
        b".decl registered_nationally(actor: symbol, model: symbol)\n.output registered_nationally\n@rule national_registration\n@cite \"National Act s. 1\"\n@authority statute\n@says \"A provider of a model with systemic risk registers it nationally.\"\nregistered_nationally(A, M) :- provider(A, M), systemic_risk(M).\n",
    );
    let o = lexproof(&["-q", "diff", "--extend", &ext, "--exit-code"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("registered_nationally: "), "{out}");
    assert!(
        out.contains("because: by national_registration [National Act s. 1]"),
        "{out}"
    );
    assert!(
        !out.contains("\n  - ") && !out.contains("\n    - "),
        "nothing is removed:\n{out}"
    );
}

/// The HTML page in headless Chromium: sections, an added conclusion's proof folded until opened,
/// removed ones with their why-not, search over changes and proofs; symbols carrying markup stay
/// text.
#[test]
fn the_html_page_works_in_a_real_browser_and_escapes_values() {
    let dir = scratch("diff-html");
    let raised = raised_compute(&dir);
    // Added (Art. 55 duties for aurora-m) and removed (a model's developer dropped) at once.
    let demo = std::fs::read_to_string(&raised).unwrap();
    let changed = demo.replace("developer(\"borealis-70\", \"borealis-collective\").", "");
    let both = write(&dir, "both.dl", changed.as_bytes());
    std::fs::remove_file(&raised).unwrap();
    let o = lexproof(&[
        "-q",
        "diff",
        "--base-facts",
        "facts",
        "--facts",
        &both,
        "--format",
        "html",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = dir.join("diff.html");
    std::fs::write(&page, &o.stdout).unwrap();
    super::proofs::browser("diff", &page, "art55_1_a");
    let payload = "<img src=x onerror=alert(1)>";
    let xss = write(
        &dir,
        "xss.dl",
        format!(
            "developer(\"{payload}\", \"acme\").\ntraining_compute(\"{payload}\", 2e25).\ngenerates(\"{payload}\", \"text\").\nmade_available(\"{payload}\", \"api\", \"2025-09-01\").\n"
        )
        .as_bytes(),
    );
    let o = lexproof(&[
        "-q",
        "diff",
        "--base-facts",
        &both,
        "--facts",
        &both,
        "--facts",
        &xss,
        "--format",
        "html",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = dir.join("diff-xss.html");
    std::fs::write(&page, &o.stdout).unwrap();
    assert!(stdout(&o).contains("&lt;img src=x onerror=alert(1)&gt;"));
    super::proofs::browser("xss", &page, payload);
}

#[test]
fn lowering_the_art51_threshold_with_param_is_explained_on_both_sides() {
    // aurora-m's compute (4×10^24) is under 10^25; with the threshold lowered to 10^24 (as a
    // delegated act under Art. 51(3) could do) it has systemic risk and the Art. 55 duties.
    for engine in ["compiled", "runtime"] {
        let o = lexproof(&[
            "-q",
            "diff",
            "--param",
            "art51_threshold=1e24",
            "--engine",
            engine,
            "--exit-code",
        ]);
        assert_eq!(o.status.code(), Some(1), "{engine}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(
            out.contains("+ systemic_risk(\"aurora-m\")"),
            "{engine}: {out}"
        );
        let because = reason_of(
            &out,
            r#"+ obligation("aurora-labs", "aurora-m", "art55_1_a")"#,
        );
        assert!(because.contains("Art. 55"), "{because}");
        // The proof of the new conclusion names the value used and where it came from.
        let o = lexproof(&[
            "-q",
            "explain",
            "systemic_risk(\"aurora-m\")",
            "--param",
            "art51_threshold=1e24",
            "--engine",
            engine,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let proof = stdout(&o);
        assert!(proof.contains("art51_threshold(1×10^24)"), "{proof}");
        assert!(proof.contains("--param art51_threshold=1e24"), "{proof}");
        // The rules' sentences show the value applied, not the rules file's.
        let o = lexproof(&[
            "-q",
            "explain",
            "systemic_risk(\"aurora-m\")",
            "--param",
            "art51_threshold=1e24",
            "--format",
            "prose",
            "--engine",
            engine,
        ]);
        let prose = stdout(&o);
        assert!(
            prose.contains("10^24 FLOP") && !prose.contains("10^25 FLOP"),
            "{prose}"
        );
    }
    // The unsettled-law notes name parameters too, and show the value of the run.
    let report = stdout(&lexproof(&[
        "-q",
        "report",
        "--param",
        "art51_threshold=1e24",
    ]));
    assert!(
        report.contains("only a plan reaching the 10^24 FLOP threshold")
            && !report.contains("{art51"),
        "{report}"
    );
    // Without the option the shipped value applies: no systemic risk, and the sentence says 10^25.
    let o = lexproof(&["-q", "why-not", "systemic_risk(\"aurora-m\")"]);
    assert!(stdout(&o).contains("10^25"), "{}", stdout(&o));
    // Raised above borealis-70's compute, the threshold no longer presumes its systemic risk: the
    // conclusion is removed with the proof it had under 10^25 and why the new value defeats it.
    let o = lexproof(&["-q", "diff", "--param", "art51_threshold=1e27"]);
    let out = stdout(&o);
    let change = r#"- systemic_risk("borealis-70")"#;
    let before = reason_of(&out, change);
    assert!(
        before.contains("held before: by ") && before.contains("Art. 51(2)"),
        "{out}"
    );
    let why = reason_of(&out, before.trim());
    assert!(
        why.contains("why not now: ")
            && why.contains("is presumed to have high-impact capabilities"),
        "{out}"
    );
    // The other way round (the baseline has the lowered threshold) the duties are removed.
    let o = lexproof(&[
        "-q",
        "query",
        "systemic_risk(M)",
        "--param",
        "art51_threshold=1e24",
        "--format",
        "tsv",
    ]);
    assert!(
        stdout(&o).lines().any(|l| l == "aurora-m"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_param_must_name_a_parameter_and_fit_its_type() {
    let o = lexproof(&["-q", "derive", "--param", "art51_treshold=1e24"]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("error[unknown_parameter]") && e.contains("did you mean `art51_threshold`?"),
        "{e}"
    );
    let o = lexproof(&["-q", "derive", "--param", "art51_threshold=ten"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("error[bad_param]") && stderr(&o).contains("is a number"),
        "{}",
        stderr(&o)
    );
    let o = lexproof(&["-q", "derive", "--param", "art51_threshold"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not NAME=VALUE"), "{}", stderr(&o));
    // A relation that is not a parameter cannot be set this way.
    let o = lexproof(&["-q", "derive", "--param", "compute_threshold=1e24"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no parameter `compute_threshold`"),
        "{}",
        stderr(&o)
    );
}

/// A run with a changed parameter says so in every report format; a parameter given twice, or a
/// positive one given as zero or less, is an error.
#[test]
fn a_changed_parameter_is_disclosed_and_odd_values_are_refused() {
    let o = lexproof(&["-q", "report", "--param", "art51_threshold=1e26"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(
            "Parameters changed for this run (not the rules' values): art51\\_threshold=1e26"
        ),
        "{}",
        &stdout(&o)[..600.min(stdout(&o).len())]
    );
    let o = lexproof(&[
        "-q",
        "report",
        "--param",
        "art51_threshold=1e26",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        doc["parameters_changed"],
        serde_json::json!(["art51_threshold=1e26"])
    );
    let o = lexproof(&["-q", "report", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(doc.get("parameters_changed").is_none());
    let o = lexproof(&[
        "-q",
        "report",
        "--param",
        "art51_threshold=1e26",
        "--format",
        "html",
    ]);
    assert!(stdout(&o).contains("Parameters changed for this run"));
    let o = lexproof(&[
        "-q",
        "derive",
        "--param",
        "art51_threshold=1e26",
        "--param",
        "art51_threshold=1e24",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("error[param_repeated]"),
        "{}",
        stderr(&o)
    );
    for bad in [
        "art52_1_notification_weeks=-3",
        "significant_modification_divisor=0",
    ] {
        let o = lexproof(&["-q", "derive", "--param", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(stderr(&o).contains("is not positive"), "{}", stderr(&o));
    }
}
