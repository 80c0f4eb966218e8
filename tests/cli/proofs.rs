//! Proof inspection: every demo conclusion in every format, golden files, why-not, report, and the
//! HTML pages driven in headless Chromium.

use super::*;
use lexproof::engine::{run, EngineKind, DEFAULT_MAX_FACTS};
use lexproof::facts::FactSource;
use lexproof::reason::proof::{build_proof, Options};

/// Every conclusion of the demo facts, each format, least-height and `--all`: renders, parses,
/// and the DOT of all of them is accepted by Graphviz in one run.
#[test]
fn every_demo_conclusion_renders_in_every_format() {
    let (db, _) = run(
        EngineKind::Compiled,
        lexproof::shipped(),
        &[FactSource::Path(root().join("facts"))],
        DEFAULT_MAX_FACTS,
    )
    .unwrap_or_else(|_| panic!("the demo facts load"));
    let mut dot_all = String::new();
    let mut n = 0;
    for &rel in &db.rules.checked.outputs {
        for row in db.sorted_rows(db.tuples(rel)) {
            let atom = db.interner.atom(db.relation_name(rel), &row);
            for all in [false, true] {
                let p = build_proof(&db, rel, &row, Options { all, depth: None })
                    .unwrap_or_else(|| panic!("{atom} holds but has no proof"));
                let text = lexproof::present::explain::text(&db, &p);
                assert!(text.starts_with(&atom), "{text}");
                let json: serde_json::Value =
                    serde_json::from_str(&lexproof::present::explain::json(&db, &p, &atom))
                        .unwrap();
                assert_eq!(json["proof"]["atom"], atom.as_str());
                let mermaid = lexproof::present::explain::mermaid(&db, &p);
                assert!(mermaid.starts_with("flowchart TD\n"));
                let prose = lexproof::present::explain::prose(&db, &p);
                assert!(prose.starts_with(&atom), "{prose}");
                let html = lexproof::present::explain::html(&db, &p, &atom);
                assert!(html.contains(&lexproof::present::html::esc(&atom)));
                assert!(html.contains("Content-Security-Policy"));
                dot_all.push_str(&lexproof::present::explain::dot(&db, &p));
                n += 1;
            }
            // A depth limit keeps the conclusion and the weakest authority of the whole proof.
            let full = build_proof(&db, rel, &row, Options::default()).unwrap();
            let cut = build_proof(
                &db,
                rel,
                &row,
                Options {
                    all: false,
                    depth: Some(1),
                },
            )
            .unwrap();
            assert_eq!(
                full.weakest_authority(&db, full.root),
                cut.weakest_authority(&db, cut.root),
                "{atom}"
            );
        }
    }
    assert!(n > 300, "only {n} proofs rendered");
    let dir = scratch("all-dot");
    let file = write(&dir, "all.dot", dot_all.as_bytes());
    let r = Command::new("dot")
        .args(["-Tsvg", &file, "-o"])
        .arg(dir.join("all.svg"))
        .output()
        .expect("Graphviz `dot` is installed (.ci/run installs it)");
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
}

const GOLDEN: &[(&str, &str, &[&str])] = &[
    (
        "aurora-art53-1-a.txt",
        EXPLAINED,
        &["explain", "--format", "text"],
    ),
    (
        "aurora-art53-1-a.json",
        EXPLAINED,
        &["explain", "--format", "json"],
    ),
    (
        "aurora-art53-1-a.prose",
        EXPLAINED,
        &["explain", "--format", "prose"],
    ),
    (
        "fjord-exempt.txt",
        r#"exempt("fjord-ai", "fjord-7b", "art53_1_a")"#,
        &["explain", "--format", "text"],
    ),
    (
        "borealis-systemic.prose",
        r#"systemic_risk("borealis-70")"#,
        &["explain", "--format", "prose"],
    ),
    (
        "fjord-why-not.txt",
        r#"obligation("fjord-ai", "fjord-7b", "art53_1_a")"#,
        &["why-not"],
    ),
    (
        "aurora-why-not-art55.txt",
        r#"obligation("aurora-labs", "aurora-m", "art55_1_a")"#,
        &["why-not"],
    ),
    (
        "aurora-report.md",
        "",
        &["report", "--actor", "aurora-labs"],
    ),
];

/// Key outputs pinned byte for byte. After a deliberate change, regenerate with
/// `LEXPROOF_UPDATE_GOLDEN=1 cargo test --release golden` and review the diff.
#[test]
fn golden_outputs() {
    let update = std::env::var_os("LEXPROOF_UPDATE_GOLDEN").is_some();
    let mut stale = Vec::new();
    for (file, atom, args) in GOLDEN {
        let mut a: Vec<&str> = vec!["-q"];
        a.push(args[0]);
        if !atom.is_empty() {
            a.push(atom);
        }
        a.extend(&args[1..]);
        let o = lexproof(&a);
        assert!(o.status.success(), "{a:?}: {}", stderr(&o));
        let path = root().join("tests/golden").join(file);
        if update {
            std::fs::write(&path, &o.stdout).unwrap();
            continue;
        }
        let want = std::fs::read(&path).unwrap_or_default();
        if want != o.stdout {
            stale.push(format!("{file}: got\n{}", stdout(&o)));
        }
    }
    assert!(
        stale.is_empty(),
        "golden files differ:\n{}",
        stale.join("\n")
    );
}

#[test]
fn proofs_why_not_and_reports_are_byte_identical_across_runs_and_engines() {
    let cases: &[&[&str]] = &[
        &["explain", EXPLAINED, "--format", "html", "--all"],
        &[
            "explain", EXPLAINED, "--format", "json", "--all", "--depth", "3",
        ],
        &[
            "why-not",
            r#"obligation(A, "aurora-m", "art55_1_b")"#,
            "--format",
            "json",
        ],
        &["report", "--format", "html"],
        &["report", "--format", "json"],
    ];
    for c in cases {
        let mut a = vec!["-q"];
        a.extend_from_slice(c);
        let first = lexproof(&a);
        assert!(first.status.success(), "{c:?}: {}", stderr(&first));
        assert_eq!(
            first.stdout,
            lexproof(&a).stdout,
            "{c:?} differs between runs"
        );
        a.extend(["--engine", "runtime"]);
        assert_eq!(
            first.stdout,
            lexproof(&a).stdout,
            "{c:?} differs between engines"
        );
    }
}

#[test]
fn explain_all_shows_every_derivation_and_depth_cuts() {
    let o = lexproof(&["-q", "explain", EXPLAINED, "--all"]);
    let all = stdout(&o);
    assert!(
        all.contains("holds by 2 rule instances, best first:"),
        "{all}"
    );
    assert!(all.contains("derivation 2 of 2"), "{all}");
    assert!(all.contains("(shown above as #1)"), "{all}");
    let o = lexproof(&["-q", "explain", EXPLAINED, "--depth", "1"]);
    let cut = stdout(&o);
    assert!(cut.contains("not expanded: below the depth limit"), "{cut}");
    assert!(
        !cut.contains("by rule provider_of_placed_gpai_model"),
        "{cut}"
    );
    assert!(
        cut.contains("weakest authority in this proof: guidelines"),
        "{cut}"
    );
    // Recursion under --all: a cycle is shown once and referred to.
    let dir = scratch("all-cycle");
    let rules = write(
        &dir,
        "tc.dl",
        b"edge(\"a\",\"b\"). edge(\"b\",\"a\").\npath(X,Y) :- edge(X,Y).\npath(X,Z) :- path(X,Y), edge(Y,Z).\n",
    );
    let facts = write(&dir, "f.dl", b"edge(\"b\",\"c\").\n");
    for format in ["text", "json", "dot", "mermaid", "prose", "html"] {
        let o = lexproof(&[
            "-q",
            "explain",
            "path(\"a\", \"a\")",
            "--rules",
            &rules,
            "--facts",
            &facts,
            "--all",
            "--format",
            format,
        ]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
    }
    let o = lexproof(&[
        "-q",
        "explain",
        "path(\"a\", \"b\")",
        "--rules",
        &rules,
        "--facts",
        &facts,
        "--all",
    ]);
    let t = stdout(&o);
    assert!(
        t.contains("derivation 2 of 2") && t.contains("shown above as #1"),
        "{t}"
    );
}

#[test]
fn why_not_names_blocking_exemptions_missing_facts_and_unknown_values() {
    let o = lexproof(&[
        "-q",
        "why-not",
        r#"obligation("fjord-ai", "fjord-7b", "art53_1_a")"#,
    ]);
    assert_eq!(o.status.code(), Some(0));
    let t = stdout(&o);
    assert!(
        t.contains(
            "✗ !exempt(\"fjord-ai\", \"fjord-7b\", \"art53_1_a\")   (blocked: this fact holds)"
        ),
        "{t}"
    );
    assert!(
        t.contains("by rule art53_2_open_source_exemption [Art. 53(2)"),
        "{t}"
    );
    assert!(
        t.contains("instance: exempt(\"fjord-ai\", \"fjord-7b\", \"art53_1_a\") :- "),
        "{t}"
    );
    // Down to a missing input fact.
    let o = lexproof(&["-q", "why-not", r#"gpai_model("aurora-voice")"#]);
    let t = stdout(&o);
    assert!(
        t.contains("capability_assessment(\"aurora-voice\", \"narrow\")"),
        "{t}"
    );
    let o = lexproof(&["-q", "why-not", r#"made_available("aurora-m", "cloud", _)"#]);
    assert!(
        stdout(&o).contains("is an input relation"),
        "{}",
        stdout(&o)
    );
    // JSON carries the same structure.
    let o = lexproof(&[
        "-q",
        "why-not",
        r#"obligation("fjord-ai", "fjord-7b", "art53_1_a")"#,
        "--format",
        "json",
    ]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["holds"], false);
    let premises = &j["why_not"]["rules"][0]["closest"][0]["premises"];
    assert_eq!(premises[1]["status"], "blocked", "{j}");
    // An atom that holds: exit 1, pointing to explain.
    let o = lexproof(&["-q", "why-not", EXPLAINED]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("holds; see `lexproof explain`"));
    // A value nobody mentions, with a spelling hint.
    let o = lexproof(&["-q", "why-not", r#"gpai_model("aurora-mm")"#]);
    let t = stdout(&o);
    assert!(
        t.contains("\"aurora-mm\" appears in no fact and in no rule"),
        "{t}"
    );
    assert!(t.contains("did you mean \"aurora-m\"?"), "{t}");
    // Bad atoms are located errors.
    let o = lexproof(&["-q", "why-not", r#"obligaton("a", "b", "c")"#]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `obligation`?"));
}

#[test]
fn report_lists_duties_exemptions_reasons_and_open_questions() {
    let o = lexproof(&["-q", "report"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.contains("## `fjord-ai` (established in"), "{md}");
    assert!(
        md.contains("lifted by rule `art53_2_open_source_exemption`"),
        "{md}"
    );
    assert!(
        md.contains(
            "it is not shown that aurora-m is a general-purpose AI model with systemic risk"
        ),
        "{md}"
    );
    assert!(md.contains("(overdue)"), "{md}");
    assert!(md.contains("Open questions"), "{md}");
    assert!(
        md.contains("supply `training_compute` facts") || md.contains("supply training\\_compute"),
        "{md}"
    );
    let j: serde_json::Value =
        serde_json::from_slice(&lexproof(&["-q", "report", "--format", "json"]).stdout).unwrap();
    let actors = j["actors"].as_array().unwrap();
    let duties: usize = actors
        .iter()
        .flat_map(|a| a["models"].as_array().unwrap())
        .map(|m| m["duties"].as_array().unwrap().len())
        .sum();
    // 92 obligations, and pinecrest-next's representative, owed before a launch after the
    // assessment date (not yet applicable).
    assert_eq!(duties, 93, "the report lists every duty owed in the demo");
    // An unknown actor, or a model's id given as one, fails the run with no report (an empty
    // one would read as an actor that owes nothing).
    let o = lexproof(&["-q", "report", "--actor", "nobody-co"]);
    assert_eq!(stdout(&o), "");
    assert_eq!(o.status.code(), Some(2), "an unknown actor fails the run");
    let m = lexproof(&["-q", "report", "--actor", "aurora-m"]);
    assert_eq!((m.status.code(), stdout(&m).as_str()), (Some(2), ""));
    assert!(
        stderr(&m).contains("\"aurora-m\" is a model, not an actor; report on an actor that develops or provides it: aurora-labs"),
        "{}",
        stderr(&m)
    );
    assert!(
        stderr(&o).contains("error[unknown_actor]"),
        "{}",
        stderr(&o)
    );
    let o = lexproof(&["-q", "report", "--actor", "aurora-lab"]);
    assert!(
        stderr(&o).contains("did you mean \"aurora-labs\"?"),
        "{}",
        stderr(&o)
    );
    // A rulebase without the vocabulary gets a clear error.
    let dir = scratch("report-norules");
    let rules = write(&dir, "r.dl", b"p(\"a\").\nq(X) :- p(X).\n");
    let facts = write(&dir, "f.dl", b"p(\"b\").\n");
    let o = lexproof(&["-q", "report", "--rules", &rules, "--facts", &facts]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("report needs the relation provider/2"),
        "{}",
        stderr(&o)
    );
}

/// An actor that owes a duty for a model it does not (yet) provide, the notification before placing
/// above all, is shown with that duty: left out, the report read "owes nothing".
#[test]
fn report_shows_duties_owed_before_placing() {
    let dir = scratch("report-before-placing");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-06-01\").\nestablished_in(\"sakura\", \"JP\").\ndeveloper(\"sakura-x\", \"sakura\").\ngenerates(\"sakura-x\", \"text\").\ncompute_known_to_exceed(\"sakura-x\", 2e25, \"2026-05-04\").\n",
    );
    let o = lexproof(&["-q", "report", "--facts", &facts]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.contains("| `sakura` | 0 | 1 | 1 | 0 | 0 |"), "{md}");
    assert!(
        md.contains("Not concluded to be its provider, because"),
        "{md}"
    );
    assert!(md.contains("`art52_1_notify`"), "{md}");
    assert!(md.contains("Mon 18 May 2026 (overdue)"), "{md}");
    let j: serde_json::Value = serde_json::from_slice(
        &lexproof(&["-q", "report", "--facts", &facts, "--format", "json"]).stdout,
    )
    .unwrap();
    let m = &j["actors"][0]["models"][0];
    assert_eq!(m["model"], "sakura-x");
    assert!(
        m["not_provider"]
            .as_str()
            .unwrap()
            .contains("was placed on the Union market"),
        "{m}"
    );
    assert_eq!(m["duties"][0]["duty"], "art52_1_notify");
    assert_eq!(m["duties"][0]["overdue"], true);
    assert!(j["actors"][0]["not_provider"]
        .as_array()
        .unwrap()
        .is_empty());
    let html = stdout(&lexproof(&[
        "-q", "report", "--facts", &facts, "--format", "html",
    ]));
    assert!(html.contains("Not concluded to be its provider"), "{html}");
}

/// The actor a model was transferred from keeps its past duties in the report.
#[test]
fn report_shows_a_former_providers_past_duties() {
    let dir = scratch("report-transfer");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-11-30\").\nestablished_in(\"seller\", \"DE\").\nestablished_in(\"buyer\", \"FR\").\ndeveloper(\"sold-lm\", \"seller\").\ntraining_compute(\"sold-lm\", 3e24).\ngenerates(\"sold-lm\", \"text\").\nmade_available(\"sold-lm\", \"api\", \"2025-09-15\").\nmodel_transferred(\"sold-lm\", \"buyer\", \"2026-03-02\").\n",
    );
    let o = lexproof(&["-q", "report", "--facts", &facts]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(
        md.contains("- `sold-lm`: not its provider, because it provided the model until 2026-03-02, when the model passed to another actor."),
        "{md}"
    );
    assert!(
        md.contains(
            "  - Owed `art53_1_a` from 2025-09-15 until 2026-03-02 (a period that is over; no record that it was met)."
        ),
        "{md}"
    );
    let j: serde_json::Value = serde_json::from_slice(
        &lexproof(&["-q", "report", "--facts", &facts, "--format", "json"]).stdout,
    )
    .unwrap();
    let seller = j["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "seller")
        .unwrap();
    let past = &seller["not_provider"][0]["past_duties"];
    assert_eq!(past[0]["from"], "2025-09-15", "{past}");
    assert_eq!(past[0]["until"], "2026-03-02", "{past}");
    // Sold on again: the owner in the middle, which neither develops nor modifies the model, has a
    // section of its own with its duties from its purchase to its sale.
    let twice = write(
        &dir,
        "twice.dl",
        b"assessment_date(\"2026-11-30\").\nestablished_in(\"seller\", \"DE\").\nestablished_in(\"buyer\", \"FR\").\nestablished_in(\"third\", \"NL\").\ndeveloper(\"sold-lm\", \"seller\").\ntraining_compute(\"sold-lm\", 3e24).\ngenerates(\"sold-lm\", \"text\").\nmade_available(\"sold-lm\", \"api\", \"2025-09-15\").\nmodel_transferred(\"sold-lm\", \"buyer\", \"2026-03-02\").\nmodel_transferred(\"sold-lm\", \"third\", \"2026-07-01\").\n",
    );
    // A notification made in time, and a duty met, say so: the period is no running breach.
    let met = write(
        &dir,
        "met.dl",
        b"assessment_date(\"2026-11-30\").\nestablished_in(\"seller\", \"DE\").\nestablished_in(\"buyer\", \"FR\").\ndeveloper(\"m2\", \"seller\").\ngenerates(\"m2\", \"text\").\ncompute_reached(\"m2\", 3e24, \"2025-09-01\").\ncompute_reached(\"m2\", 2e25, \"2026-01-12\").\nmade_available(\"m2\", \"api\", \"2025-09-15\").\nnotified(\"m2\", \"2026-01-20\").\nduty_met(\"seller\", \"m2\", \"art53_1_d\", \"2025-09-15\").\nmodel_transferred(\"m2\", \"buyer\", \"2026-03-02\").\n",
    );
    let md = stdout(&lexproof(&["-q", "report", "--facts", &met]));
    for line in [
        "  - Owed `art52_1_notify` from 2026-01-12 until 2026-03-02 (a period that is over; met on 2026-01-20).",
        "  - Owed `art53_1_d` from 2025-09-15 until 2026-03-02 (a period that is over; met on 2025-09-15).",
        "  - Owed `art53_1_a` from 2025-09-15 until 2026-03-02 (a period that is over; no record that it was met).",
    ] {
        assert!(md.contains(line), "{line}\n{md}");
    }
    let md = stdout(&lexproof(&["-q", "report", "--facts", &twice]));
    assert!(md.contains("| `buyer` | 0 | 0 | 0 | 0 | 0 | 5 |"), "{md}");
    let buyer = md
        .split("## `buyer`")
        .nth(1)
        .expect("a section for the middle owner");
    assert!(
        buyer.contains(
            "- `sold-lm`: not its provider, because it provided the model until 2026-07-01"
        ) && buyer.contains(
            "  - Owed `art53_1_a` from 2026-03-02 until 2026-07-01 (a period that is over; no record that it was met)."
        ),
        "{md}"
    );
}

pub(crate) fn browser(mode: &str, page: &Path, term: &str) {
    let script = root().join("tests/browser/check.mjs");
    assert!(
        root()
            .join("tests/browser/node_modules/playwright-core")
            .is_dir(),
        "playwright-core is missing: run `npm ci` in tests/browser (.ci/run does)"
    );
    let o = Command::new("node")
        .arg(&script)
        .arg(mode)
        .arg(page)
        .arg(term)
        .output()
        .expect("node is installed");
    assert!(
        o.status.success(),
        "{mode} {}: {}{}",
        page.display(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The HTML pages as a reader uses them, in headless Chromium: tree, expanding, search, graph
/// links, no errors, no network; and a symbol carrying markup renders as text, running nothing.
#[test]
fn html_pages_work_in_a_real_browser_and_escape_values() {
    let dir = scratch("browser");
    let proof = lexproof(&["-q", "explain", EXPLAINED, "--format", "html", "--all"]);
    let proof_page = dir.join("proof.html");
    std::fs::write(&proof_page, &proof.stdout).unwrap();
    browser("proof", &proof_page, "Art. 53");
    let report = lexproof(&["-q", "report", "--format", "html"]);
    let report_page = dir.join("report.html");
    std::fs::write(&report_page, &report.stdout).unwrap();
    browser("report", &report_page, "copyright");
    let timeline = lexproof(&["-q", "timeline", "aurora-m", "--format", "html"]);
    assert!(timeline.status.success(), "{}", stderr(&timeline));
    let timeline_page = dir.join("timeline.html");
    std::fs::write(&timeline_page, &timeline.stdout).unwrap();
    browser("timeline", &timeline_page, "art53_1_b aurora-labs");

    let payload = "<img src=x onerror=alert(1)>";
    let facts = write(
        &dir,
        "xss.dl",
        format!(
            "developer(\"{payload}\", \"<script>alert(2)</script>\").\n\
             established_in(\"<script>alert(2)</script>\", \"DE\").\n\
             training_compute(\"{payload}\", 2e25).\n\
             generates(\"{payload}\", \"text\").\n\
             made_available(\"{payload}\", \"api\", \"2025-09-01\").\n"
        )
        .as_bytes(),
    );
    let atom = format!("systemic_risk(\"{payload}\")");
    let o = lexproof(&[
        "-q", "explain", &atom, "--facts", &facts, "--format", "html", "--all",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = dir.join("xss-proof.html");
    std::fs::write(&page, &o.stdout).unwrap();
    browser("xss", &page, payload);
    let o = lexproof(&["-q", "report", "--facts", &facts, "--format", "html"]);
    let page = dir.join("xss-report.html");
    std::fs::write(&page, &o.stdout).unwrap();
    assert!(stdout(&o).contains("&lt;script&gt;alert(2)&lt;/script&gt;"));
    browser("xss", &page, "<script>alert(2)</script>");
}

#[test]
fn report_shows_a_providers_own_past_duties_and_counts_them() {
    // Weights withdrawn for two months: the lifted duties bound then, and the report says so under
    // the model, in the summary's Past duties column and in JSON.
    let dir = scratch("report-own-past");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-03-02\").\nestablished_in(\"moss-org\", \"CH\").\ndeveloper(\"moss\", \"moss-org\").\ntraining_compute(\"moss\", 4e23).\ngenerates(\"moss\", \"text\").\nmade_available(\"moss\", \"download\", \"2025-09-01\").\nopen_source_condition_from(\"moss\", \"free_open_source_licence\", \"2025-09-01\").\nopen_source_condition_from(\"moss\", \"architecture_public\", \"2025-09-01\").\nopen_source_condition_from(\"moss\", \"usage_information_public\", \"2025-09-01\").\nopen_source_condition_from(\"moss\", \"weights_public\", \"2025-09-01\").\nopen_source_condition_ended(\"moss\", \"weights_public\", \"2025-12-01\").\nopen_source_condition_from(\"moss\", \"weights_public\", \"2026-02-02\").\nduty_met(\"moss-org\", \"moss\", \"art53_1_a\", \"2025-12-15\").\n",
    );
    let o = lexproof(&["-q", "report", "--facts", &facts]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.contains("Owed in periods that are over:"), "{md}");
    assert!(
        md.contains("- `art53_1_a` from 2025-12-01 until 2026-02-02 (met on 2025-12-15)."),
        "{md}"
    );
    assert!(
        md.contains("- `art54_1_authorised_representative` from 2025-12-01 until 2026-02-02 (no record that it was met)."),
        "{md}"
    );
    assert!(
        md.contains("| `moss-org` | 1 | 3 | 2 | 3 | 0 | 3 |"),
        "{md}"
    );
    let j: serde_json::Value = serde_json::from_slice(
        &lexproof(&["-q", "report", "--facts", &facts, "--format", "json"]).stdout,
    )
    .unwrap();
    let past = &j["actors"][0]["models"][0]["past_duties"];
    assert_eq!(past.as_array().map(|a| a.len()), Some(3), "{past}");
    assert_eq!(past[0]["from"], "2025-12-01", "{past}");
    let html = stdout(&lexproof(&[
        "-q", "report", "--facts", &facts, "--format", "html",
    ]));
    assert!(
        html.contains("<li><code>art53_1_b</code> from 2025-12-01 until 2026-02-02 (no record that it was met).</li>"),
        "{html}"
    );
    // The timeline says the same of each past period as the report.
    let tl = stdout(&lexproof(&["-q", "timeline", "moss", "--facts", &facts]));
    for line in [
        "art53_1_a moss-org (ended): 2025-12-01 to 2026-02-02",
        "  status: ended; now exempt; met on 2025-12-15",
        "  status: ended; now exempt; no record that it was met",
    ] {
        assert!(tl.contains(line), "{line}\n{tl}");
    }
}

#[test]
fn report_names_who_owes_corrective_action_and_when_it_was_taken() {
    // An integrator owes only Art. 79(2) corrective action: the summary says so (the actor table has
    // no row for it), and an action taken in time is shown as taken, not as still to do.
    let dir = scratch("report-corrective");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-12-01\").\nestablished_in(\"gpx-inc\", \"US\").\ndeveloper(\"gp-x\", \"gpx-inc\").\ntraining_compute(\"gp-x\", 4e24).\ngenerates(\"gp-x\", \"text\").\nmade_available(\"gp-x\", \"api\", \"2025-10-01\").\nai_system(\"medbot\").\nsystem_provider(\"medbot\", \"helix\").\nestablished_in(\"helix\", \"NL\").\nintegrates(\"medbot\", \"gp-x\").\nsystem_made_available(\"medbot\", \"2026-01-12\").\nsystem_offered_in(\"medbot\", \"DE\").\npublic_holiday(\"DE\", \"2026-10-03\").\ncorrective_action_required(\"medbot\", \"DE\", \"2026-10-01\").\ncorrective_action_period(\"medbot\", \"DE\", \"2026-10-01\", 2).\ncorrective_action_required(\"medbot\", \"DE\", \"2026-11-02\").\ncorrective_action_period(\"medbot\", \"DE\", \"2026-11-02\", 5).\ncorrective_action_taken(\"medbot\", \"2026-10-05\").\n",
    );
    let md = stdout(&lexproof(&["-q", "report", "--facts", &facts]));
    assert!(
        md.contains("Corrective action for AI systems (Art. 79(2)) is owed by: helix (2 required, 1 overdue)"),
        "{md}"
    );
    assert!(md.contains("; taken on 2026-10-05."), "{md}");
    let j: serde_json::Value = serde_json::from_slice(
        &lexproof(&["-q", "report", "--facts", &facts, "--format", "json"]).stdout,
    )
    .unwrap();
    let done: Vec<&serde_json::Value> = j["systems"][0]["corrective_actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["done_on"])
        .collect();
    assert!(done.contains(&&serde_json::json!("2026-10-05")), "{j}");
    assert!(done.contains(&&serde_json::Value::Null), "{j}");
}

#[test]
fn report_shows_duties_due_before_a_launch_after_the_assessment_date() {
    // A third-country actor launching after the assessment date owes its representative the day
    // before: the report lists that duty (not yet applicable, or met on time when the mandate came
    // early) instead of a row of zeros and "not the provider".
    let dir = scratch("report-upcoming");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-10-15\").\nestablished_in(\"zayit\", \"IL\").\ndeveloper(\"zay-1\", \"zayit\").\ngenerates(\"zay-1\", \"text\").\ntraining_compute(\"zay-1\", 2e24).\nmade_available(\"zay-1\", \"api\", \"2026-11-03\").\nduty_met(\"zayit\", \"zay-1\", \"art54_1_authorised_representative\", \"2026-10-05\").\ndeveloper(\"zay-2\", \"zayit\").\ngenerates(\"zay-2\", \"text\").\ntraining_compute(\"zay-2\", 2e24).\nmade_available(\"zay-2\", \"api\", \"2026-11-05\").\n",
    );
    let md = stdout(&lexproof(&["-q", "report", "--facts", &facts]));
    assert!(md.contains("| `zayit` | 0 | 2 | 0 | 0 | 0 | 0 |"), "{md}");
    assert!(md.contains("| Mon 2 Nov 2026 | met on time |"), "{md}");
    assert!(
        md.contains("| Wed 4 Nov 2026 | not yet applicable |"),
        "{md}"
    );
    assert!(
        md.contains("because zay-2 is to be placed on the Union market on 2026-11-05"),
        "{md}"
    );
    let j: serde_json::Value = serde_json::from_slice(
        &lexproof(&["-q", "report", "--facts", &facts, "--format", "json"]).stdout,
    )
    .unwrap();
    assert_eq!(
        j["actors"][0]["models"].as_array().map(|a| a.len()),
        Some(2),
        "{j}"
    );
}

#[test]
fn report_shows_the_days_without_a_representative_after_a_mandate_ended() {
    // Art. 54(5): the representative ended the mandate on 2 Mar 2026 and a new one came on 1 Apr 2026:
    // the duty was met on time, and the gap is a past period met by the new mandate (not by the one
    // that ended).
    let dir = scratch("report-mandate-gap");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-04-15\").\nestablished_in(\"maple\", \"CA\").\ndeveloper(\"maple-7\", \"maple\").\ntraining_compute(\"maple-7\", 2e24).\ngenerates(\"maple-7\", \"text\").\nmade_available(\"maple-7\", \"api\", \"2025-10-01\").\nduty_met(\"maple\", \"maple-7\", \"art54_1_authorised_representative\", \"2025-09-15\").\nrepresentative_mandate_ended(\"maple\", \"maple-7\", \"2026-03-02\").\nduty_met(\"maple\", \"maple-7\", \"art54_1_authorised_representative\", \"2026-04-01\").\n",
    );
    let md = stdout(&lexproof(&["-q", "report", "--facts", &facts]));
    assert!(
        md.contains("- `art54_1_authorised_representative` from 2026-03-02 until 2026-04-01 (met on 2026-04-01)."),
        "{md}"
    );
    assert!(md.contains("| Tue 30 Sep 2025 | met on time |"), "{md}");
}

/// An authorised representative owes duties of its own (Art. 54(3), 54(5)): the report gives it a
/// section that says why (it represents the provider, not "it does not develop the model"), lists as
/// not concluded only a representative's duties, and the provider's section does not list them.
#[test]
fn report_shows_an_authorised_representatives_own_duties() {
    let dir = scratch("report-representative");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-11-30\").\nestablished_in(\"pine\", \"US\").\nestablished_in(\"eurorep\", \"DE\").\ndeveloper(\"m1\", \"pine\").\ngenerates(\"m1\", \"text\").\ntraining_compute(\"m1\", 2e24).\nmade_available(\"m1\", \"api\", \"2025-10-01\").\nauthorised_representative(\"pine\", \"m1\", \"eurorep\").\nduty_met(\"pine\", \"m1\", \"art54_1_authorised_representative\", \"2025-09-15\").\nrepresentative_ended_for_breach(\"pine\", \"m1\", \"2026-06-03\").\n",
    );
    let rep = stdout(&lexproof(&[
        "-q", "report", "--facts", &facts, "--actor", "eurorep",
    ]));
    for line in [
        "Not concluded to be its provider, because it is the authorised representative that pine mandated for it (Art. 3(5), Art. 54); it owes the duties below all the same.",
        "| `art54_5_inform_ai_office` |",
        "| **Wed 3 Jun 2026 (overdue)** | overdue |",
        "- `art54_3_representative_tasks` from 2025-09-30 until 2026-06-03 (owed on request, no compliance date).",
    ] {
        assert!(rep.contains(line), "{line}\n{rep}");
    }
    assert!(!rep.contains("- `art53_1_a`:"), "{rep}");
    let provider = stdout(&lexproof(&[
        "-q", "report", "--facts", &facts, "--actor", "pine",
    ]));
    assert!(
        provider.contains("| `art54_1_authorised_representative` |"),
        "{provider}"
    );
    assert!(
        !provider.contains("- `art54_3_representative_tasks`:"),
        "{provider}"
    );
    assert!(
        !provider.contains("- `art54_5_inform_ai_office`:"),
        "{provider}"
    );
}

/// A reading of unsettled law that rules a duty out is flagged in the reason, and one that cannot
/// apply is not: a provider established in the US and in France owes no representative on a
/// flagged reading; one established only in the US owes one, with no flag about dual establishment.
#[test]
fn report_flags_unsettled_law_that_rules_a_duty_out_and_only_where_it_applies() {
    let dir = scratch("report-dual-establishment");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-11-30\").\nestablished_in(\"p\", \"US\").\nestablished_in(\"p\", \"FR\").\ndeveloper(\"m\", \"p\").\ngenerates(\"m\", \"text\").\ntraining_compute(\"m\", 2e24).\nmade_available(\"m\", \"api\", \"2025-10-01\").\nestablished_in(\"q\", \"US\").\ndeveloper(\"n\", \"q\").\ngenerates(\"n\", \"text\").\ntraining_compute(\"n\", 2e24).\nmade_available(\"n\", \"api\", \"2025-10-01\").\n",
    );
    let p = stdout(&lexproof(&[
        "-q", "report", "--facts", &facts, "--actor", "p",
    ]));
    assert!(
        p.contains("since p has an establishment in a Member State as well as outside the Union (rule union\\_establishment\\_outweighs\\_third\\_country \\[Art. 54(1); Art. 2(1)(a)\\]; ⚠ unsettled: Art. 54(1) speaks of providers established in third countries"),
        "{p}"
    );
    let q = stdout(&lexproof(&[
        "-q", "report", "--facts", &facts, "--actor", "q",
    ]));
    assert!(q.contains("| `art54_1_authorised_representative` |"), "{q}");
    assert!(
        !q.contains("union_establishment_outweighs_third_country"),
        "{q}"
    );
    assert!(
        !q.contains("an actor also established in a Member State"),
        "{q}"
    );
}

/// A downstream modifier's Art. 53 duties reach only its modification (Recital 109, Guidelines
/// §3.2.1): the report says so beside the duty's general words, in markdown and JSON; the original
/// provider's duties carry no such limit.
#[test]
fn report_limits_a_modifiers_duties_to_its_modification() {
    let dir = scratch("report-modifier-scope");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-12-01\").\nestablished_in(\"cedar\", \"FR\").\ndeveloper(\"base\", \"cedar\").\ntraining_compute(\"base\", 6e24).\ngenerates(\"base\", \"text\").\nmade_available(\"base\", \"api\", \"2025-09-01\").\nestablished_in(\"finely\", \"DE\").\nmodified_from(\"legal\", \"base\").\nmodifier(\"legal\", \"finely\").\nmodification_kind(\"legal\", \"fine_tune\").\nmodification_compute(\"legal\", 2.5e24).\nmade_available(\"legal\", \"api\", \"2026-02-02\").\n",
    );
    let md = stdout(&lexproof(&[
        "-q", "report", "--facts", &facts, "--actor", "finely",
    ]));
    assert!(
        md.contains("Scope: A downstream modifier that became provider owes the Art. 53 duties, but only as to its modification"),
        "{md}"
    );
    let json = stdout(&lexproof(&[
        "-q", "report", "--facts", &facts, "--format", "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let duties = |actor: &str| -> Vec<serde_json::Value> {
        v["actors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["actor"] == actor)
            .flat_map(|a| a["models"].as_array().unwrap().clone())
            .flat_map(|m| m["duties"].as_array().unwrap().clone())
            .collect()
    };
    let finely = duties("finely");
    assert!(
        finely
            .iter()
            .any(|d| d["duty"] == "art53_1_a" && d["scope"].is_string()),
        "{json}"
    );
    assert!(!duties("cedar").is_empty(), "{json}");
    assert!(
        duties("cedar").iter().all(|d| d.get("scope").is_none()),
        "{json}"
    );
}

/// Why a modifier or an internal user is not a provider, in the terms a lawyer looks for: an
/// insignificant fine-tune (Guidelines §3.2), not a missing Union exclusion upstream; a purely
/// internal use (Recital 97 S12), with the day it is recorded to turn into a placing.
#[test]
fn report_says_why_a_modifier_or_internal_user_is_not_provider() {
    let dir = scratch("report-decisive-reason");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-02-01\").\nestablished_in(\"cedar\", \"US\").\ndeveloper(\"base\", \"cedar\").\ntraining_compute(\"base\", 6e24).\ngenerates(\"base\", \"text\").\nmade_available(\"base\", \"api\", \"2025-09-01\").\nestablished_in(\"tiny\", \"BE\").\nmodified_from(\"hr\", \"base\").\nmodifier(\"hr\", \"tiny\").\nmodification_compute(\"hr\", 2e24).\nmade_available(\"hr\", \"api\", \"2026-01-05\").\nestablished_in(\"bank\", \"NL\").\ndeveloper(\"ledger\", \"bank\").\ngenerates(\"ledger\", \"text\").\ntraining_compute(\"ledger\", 2e24).\ninternal_use(\"ledger\", \"bank\").\nessential_for_third_parties_from(\"ledger\", \"2026-03-02\").\n",
    );
    let md = stdout(&lexproof(&["-q", "report", "--facts", &facts]));
    for line in [
        "- `hr`: not its provider, because hr is not a significant modification of base: the compute used to modify it is not above the Guidelines' one-third share of its reference compute (rule modification\\_insignificant\\_relative",
        "- `ledger`: not its provider, because ledger is used purely internally by the actor that has it, not essential for third parties and affecting no natural person's rights, so that use is no placing on the market (rule s12\\_conditions\\_of\\_internal\\_use \\[Recital 97 S12; Guidelines §3.1.2\\]); from 2026-03-02 its use is recorded to become essential for third parties",
    ] {
        assert!(md.contains(line), "{line}\n{md}");
    }
    // why-not puts the route through Union exclusion, which no fact here uses, after the others.
    let w = stdout(&lexproof(&[
        "-q",
        "why-not",
        "--facts",
        &facts,
        "provider(\"tiny\", \"hr\")",
    ]));
    let order: Vec<&str> = w.lines().filter(|l| l.starts_with("• rule ")).collect();
    let at = |id: &str| order.iter().position(|l| l.contains(id)).expect(id);
    assert!(
        at("provider_downstream_modifier") < at("provider_modifier_when_union_excluded"),
        "{w}"
    );
}

/// A designation decided by the assessment date but in effect only when the provider is informed,
/// afterwards (Guidelines §2.3.4), is not passed over in silence: the report says it is pending.
#[test]
fn report_names_a_designation_not_yet_in_effect() {
    let facts = "tests/scenarios/art52_4_designation_decided_not_yet_effective.dl";
    let dir = scratch("report-designation-pending");
    let text = std::fs::read_to_string(facts).unwrap();
    let plain: String = text
        .lines()
        .filter(|l| !l.starts_with("expect"))
        .map(|l| format!("{l}\n"))
        .collect();
    let f = write(&dir, "f.dl", plain.as_bytes());
    let md = stdout(&lexproof(&["-q", "report", "--facts", &f]));
    assert!(
        md.contains("Not in effect yet: the Commission designated m on 2026-08-31; the designation takes effect when the provider is informed, on 2026-09-03, after the assessment date (rule designation\\_decided\\_not\\_yet\\_effective"),
        "{md}"
    );
    assert_eq!(md.matches("Not in effect yet").count(), 1, "{md}");
    let json = stdout(&lexproof(&[
        "-q", "report", "--facts", &f, "--format", "json",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let pending: Vec<&serde_json::Value> = v["actors"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["models"].as_array().unwrap())
        .filter_map(|m| m.get("pending"))
        .collect();
    assert_eq!(pending.len(), 1, "{json}");
    assert!(
        pending[0][0]
            .as_str()
            .unwrap()
            .starts_with("the Commission designated m on 2026-08-31"),
        "{json}"
    );
}

/// The report's one-line "why not" follows the rule the case is about: a model below 10^25 is
/// told about its compute, not about a modification route that binds some other systemic-risk
/// model through the threshold parameters; a model scheduled for a later placing is told that it
/// is not placed yet, not that it was not modified.
#[test]
fn report_why_not_follows_the_general_route() {
    let dir = scratch("report-why-not-route");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-08-01\").\nestablished_in(\"bank\", \"NL\").\nestablished_in(\"us1\", \"US\").\ndeveloper(\"small\", \"bank\").\ngenerates(\"small\", \"text\").\ntraining_compute(\"small\", 2e24).\nmade_available(\"small\", \"api\", \"2025-10-01\").\ndeveloper(\"big\", \"bank\").\ngenerates(\"big\", \"text\").\ntraining_compute(\"big\", 2e25).\nmade_available(\"big\", \"api\", \"2025-10-01\").\ndeveloper(\"later\", \"us1\").\ngenerates(\"later\", \"text\").\ntraining_compute(\"later\", 2e24).\nmade_available(\"later\", \"api\", \"2026-08-03\").\n",
    );
    let o = lexproof(&["-q", "report", "--facts", &facts]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    for line in [
        "- `art52_1_notify`: it is not shown that art52\\_1\\_notify applies to bank for small, since it is not shown that small is presumed to have high-impact capabilities, since it is not shown that small's training compute exceeds, or is known to be going to exceed, 1×10^25 FLOP.",
        "- `art53_1_a`: it is not shown that art53\\_1\\_a applies to us1 for later, since it is not shown that us1 is the provider of later, since it is not shown that later was placed on the Union market on some day.",
    ] {
        assert!(md.contains(line), "{line}\n{md}");
    }
}

/// A past period says what the facts show of it: a mandate that ended with no new one, a duty not
/// yet due under Art. 111(3) when the period ended, a duty owed only on request.
#[test]
fn past_periods_say_what_the_facts_show() {
    let dir = scratch("past-period-words");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-06-01\").\nestablished_in(\"rep\", \"IE\").\nestablished_in(\"elm\", \"US\").\nestablished_in_from(\"elm\", \"IE\", \"2026-04-01\").\ndeveloper(\"elm-1\", \"elm\").\ntraining_compute(\"elm-1\", 3e24).\ngenerates(\"elm-1\", \"text\").\nmade_available(\"elm-1\", \"api\", \"2026-01-12\").\nduty_met(\"elm\", \"elm-1\", \"art54_1_authorised_representative\", \"2026-01-09\").\nauthorised_representative(\"elm\", \"elm-1\", \"rep\").\nrepresentative_mandate_ended(\"elm\", \"elm-1\", \"2026-03-02\").\nestablished_in(\"cyp\", \"US\").\nestablished_in_from(\"cyp\", \"IE\", \"2026-05-04\").\ndeveloper(\"cyp-1\", \"cyp\").\ntraining_compute(\"cyp-1\", 3e24).\ngenerates(\"cyp-1\", \"text\").\nmade_available(\"cyp-1\", \"api\", \"2025-03-03\").\nestablished_in(\"s\", \"SE\").\nestablished_in(\"b\", \"DE\").\ndeveloper(\"old\", \"s\").\ntraining_compute(\"old\", 3e24).\ngenerates(\"old\", \"text\").\nmade_available(\"old\", \"api\", \"2025-03-03\").\nmodel_transferred(\"old\", \"b\", \"2026-03-02\").\n",
    );
    let o = lexproof(&["-q", "report", "--facts", &facts]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    for line in [
        "- `art54_1_authorised_representative` from 2026-01-11 until 2026-04-01 (met on 2026-01-09; that mandate ended on 2026-03-02, with no record of a new one before the period ended).",
        "- `art54_1_authorised_representative` from 2025-08-02 until 2026-05-04 (not yet due when the period ended: Art. 111(3) allowed until 2027-08-02).",
        "  - Owed `art53_1_a` from 2025-08-02 until 2026-03-02 (a period that is over; not yet due when the period ended: Art. 111(3) allowed until 2027-08-02).",
        "  - Owed `art53_3_cooperate` from 2025-08-02 until 2026-03-02 (a period that is over; owed on request, no compliance date).",
    ] {
        assert!(md.contains(line), "{line}\n{md}");
    }
    // A seller whose two weeks to notify had not run out when it sold the model.
    let sold = write(
        &dir,
        "sold.dl",
        b"assessment_date(\"2027-01-06\").\nestablished_in(\"nordwind\", \"DE\").\nestablished_in(\"quill\", \"FR\").\ndeveloper(\"nw-l\", \"nordwind\").\ngenerates(\"nw-l\", \"text\").\ncompute_reached(\"nw-l\", 5e24, \"2026-08-20\").\nmade_available(\"nw-l\", \"api\", \"2026-09-01\").\ncompute_known_to_exceed(\"nw-l\", 3e25, \"2026-12-18\").\nmodel_transferred(\"nw-l\", \"quill\", \"2026-12-28\").\nnotified(\"nw-l\", \"2027-01-05\").\n",
    );
    let md = stdout(&lexproof(&["-q", "report", "--facts", &sold]));
    assert!(
        md.contains("  - Owed `art52_1_notify` from 2026-12-18 until 2026-12-28 (a period that is over; not yet due when the period ended: its deadline was 2027-01-04)."),
        "{md}"
    );
    let j: serde_json::Value = serde_json::from_slice(
        &lexproof(&["-q", "report", "--facts", &facts, "--format", "json"]).stdout,
    )
    .unwrap();
    let reads: Vec<String> = j["actors"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["models"].as_array().unwrap().clone())
        .flat_map(|m| m["past_duties"].as_array().unwrap().clone())
        .map(|p| p["reads"].as_str().unwrap().to_string())
        .collect();
    assert!(
        reads
            .iter()
            .any(|r| r.starts_with("met on 2026-01-09; that mandate ended")),
        "{reads:?}"
    );
}

/// An overdue duty with a recorded fulfilment that does not count says so and why; a model placed
/// with the provider's own earlier version says from when its duties count.
#[test]
fn report_names_unheeded_fulfilments_and_lifecycle_placing() {
    let dir = scratch("report-unheeded");
    let facts = write(
        &dir,
        "f.dl",
        b"assessment_date(\"2026-06-01\").\nestablished_in(\"jay\", \"US\").\nestablished_in(\"oslo-rep\", \"NO\").\ndeveloper(\"jay-1\", \"jay\").\ntraining_compute(\"jay-1\", 3e24).\ngenerates(\"jay-1\", \"text\").\nmade_available(\"jay-1\", \"api\", \"2026-03-02\").\nduty_met(\"jay\", \"jay-1\", \"art54_1_authorised_representative\", \"2026-02-27\").\nauthorised_representative(\"jay\", \"jay-1\", \"oslo-rep\").\nduty_met(\"jay\", \"jay-1\", \"art53_1_a\", \"2026-07-01\").\nestablished_in(\"corvid\", \"FR\").\ndeveloper(\"cb\", \"corvid\").\ntraining_compute(\"cb\", 4e24).\ngenerates(\"cb\", \"text\").\nmade_available(\"cb\", \"download\", \"2026-05-04\").\nmodified_from(\"cc\", \"cb\").\nmodifier(\"cc\", \"corvid\").\nmodification_compute(\"cc\", 1e23).\nmade_available(\"cc\", \"api\", \"2026-02-02\").\n",
    );
    let md = stdout(&lexproof(&["-q", "report", "--facts", &facts]));
    for line in [
        "  Recorded as met on 2026-02-27, which does not count: every authorised representative jay named for jay-1 is established outside the Union (rule representative\\_outside\\_union \\[Art. 3(5); Art. 54(1)\\]).",
        "  Recorded as met on 2026-07-01, which does not count: it is dated after the assessment date.",
        "### Model `cb`: general-purpose AI model, no systemic risk concluded, placed on the market 2026-05-04 (as the same model as the provider's own version on the market since 2026-02-02, its duties count from then)",
    ] {
        assert!(md.contains(line), "{line}\n{md}");
    }
    let j: serde_json::Value = serde_json::from_slice(
        &lexproof(&["-q", "report", "--facts", &facts, "--format", "json"]).stdout,
    )
    .unwrap();
    let text = j.to_string();
    assert!(
        text.contains("\"lifecycle_placed\":\"2026-02-02\""),
        "{text}"
    );
    assert!(
        text.contains("\"unheeded\":{\"met_on\":\"2026-02-27\""),
        "{text}"
    );
    let html = stdout(&lexproof(&[
        "-q", "report", "--facts", &facts, "--format", "html",
    ]));
    assert!(
        html.contains("<p>Recorded as met on 2026-02-27, which does not count:"),
        "{html}"
    );
    // The flagged reading behind the deadlines is listed with the unsettled law.
    assert!(
        md.contains(
            "- rule `lifecycle_placing_through_own_version` (behind the deadline of `art53_1_a`, "
        ),
        "{md}"
    );
    // Sold on: the buyer's heading does not date its duties from the seller's own version.
    let sold = write(
        &dir,
        "sold.dl",
        b"assessment_date(\"2026-09-01\").\nestablished_in(\"corvid\", \"FR\").\nestablished_in(\"redwood\", \"FR\").\ndeveloper(\"cb\", \"corvid\").\ntraining_compute(\"cb\", 4e24).\ngenerates(\"cb\", \"text\").\nmade_available(\"cb\", \"download\", \"2026-05-04\").\nmodified_from(\"cc\", \"cb\").\nmodifier(\"cc\", \"corvid\").\nmodification_compute(\"cc\", 1e23).\nmade_available(\"cc\", \"api\", \"2026-02-02\").\nmodel_transferred(\"cb\", \"redwood\", \"2026-07-01\").\n",
    );
    let md = stdout(&lexproof(&["-q", "report", "--facts", &sold]));
    assert!(
        md.contains("### Model `cb`: general-purpose AI model, no systemic risk concluded, placed on the market 2026-05-04\n"),
        "{md}"
    );
    // A mandate terminated since: the reason names the termination, not a comparison of the duty
    // with itself from a rule about other duties.
    let ended = write(
        &dir,
        "ended.dl",
        b"assessment_date(\"2026-06-01\").\nestablished_in(\"pine\", \"US\").\ndeveloper(\"m2\", \"pine\").\ntraining_compute(\"m2\", 3e24).\ngenerates(\"m2\", \"text\").\nmade_available(\"m2\", \"api\", \"2025-10-01\").\nduty_met(\"pine\", \"m2\", \"art54_1_authorised_representative\", \"2025-09-20\").\nrepresentative_mandate_ended(\"pine\", \"m2\", \"2026-03-02\").\n",
    );
    let md = stdout(&lexproof(&["-q", "report", "--facts", &ended]));
    assert!(
        md.contains("  Recorded as met on 2025-09-20, which does not count: the mandate pine gave for m2 on 2025-09-20 was terminated afterwards (rule representative\\_mandate\\_terminated \\[Art. 54(5)\\]), which rules it out."),
        "{md}"
    );
}
