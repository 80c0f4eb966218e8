//! `--as-of`, the assessment-date checks and `lexproof timeline`.

use super::*;

const FACTS: &str = "established_in(\"o\", \"FR\").\n\
developer(\"m\", \"o\").\n\
generates(\"m\", \"text\").\n\
compute_reached(\"m\", 5e24, \"2025-08-20\").\n\
compute_reached(\"m\", 2e25, \"2026-03-03\").\n\
made_available(\"m\", \"download\", \"2025-09-01\").\n";

fn facts(name: &str, extra: &str) -> (PathBuf, String) {
    let dir = scratch(name);
    let f = write(&dir, "f.dl", format!("{FACTS}{extra}").as_bytes());
    (dir, f)
}

#[test]
fn as_of_decides_what_has_happened_and_overrides_the_facts() {
    let (_d, f) = facts("as-of", "assessment_date(\"2026-11-28\").\n");
    let q = |as_of: &str| {
        let o = lexproof(&["query", "systemic_risk(M)", "--facts", &f, "--as-of", as_of]);
        assert!(o.status.success(), "{}", stderr(&o));
        (stdout(&o), stderr(&o))
    };
    // Before the post-training run ends, no systemic risk; after it, systemic risk.
    let (before, err) = q("2026-02-01");
    assert_eq!(before, "", "{before}");
    assert!(
        err.contains("assessed as of 2026-02-01 (from --as-of)"),
        "{err}"
    );
    let (after, _) = q("2026-03-03");
    assert_eq!(after, "systemic_risk(\"m\").\n");
    // Without --as-of the fact's date is used, and the summary says where it came from.
    let o = lexproof(&["query", "systemic_risk_since(M, D)", "--facts", &f]);
    assert_eq!(stdout(&o), "systemic_risk_since(\"m\", \"2026-03-03\").\n");
    assert!(
        stderr(&o).contains("assessed as of 2026-11-28 (from the assessment_date fact at"),
        "{}",
        stderr(&o)
    );
    // A date that is not one: exit 2 with a hint.
    let o = lexproof(&["derive", "--facts", &f, "--as-of", "2026-02-30"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[bad_date]"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
}

#[test]
fn two_assessment_dates_are_an_error_naming_both_unless_as_of_chooses() {
    let (dir, f) = facts("two-dates", "assessment_date(\"2026-11-28\").\n");
    let g = write(&dir, "g.dl", b"assessment_date(\"2020-01-01\").\n");
    let o = lexproof(&["report", "--facts", &f, "--facts", &g]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("error[conflicting_assessment_date]"), "{e}");
    assert!(e.contains("2020-01-01") && e.contains("2026-11-28"), "{e}");
    assert!(e.contains("g.dl:1") && e.contains("f.dl:7"), "{e}");
    assert!(o.stdout.is_empty(), "nothing is reported on half an answer");
    // The same date twice is one date.
    let h = write(&dir, "h.dl", b"assessment_date(\"2026-11-28\").\n");
    let o = lexproof(&["-q", "derive", "--facts", &f, "--facts", &h]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = lexproof(&[
        "-q",
        "report",
        "--facts",
        &f,
        "--facts",
        &g,
        "--as-of",
        "2026-12-01",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Assessed as of 2026-12-01 (from --as-of)"));
}

#[test]
fn no_assessment_date_warns_without_changing_the_exit_code() {
    let (_d, f) = facts("no-date", "");
    let o = lexproof(&["-q", "derive", "--facts", &f]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("warning: no assessment date"),
        "{}",
        stderr(&o)
    );
    let o = lexproof(&["-q", "derive", "--facts", &f, "--as-of", "2026-11-28"]);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}

#[test]
fn timeline_shows_each_status_and_duty_with_its_dates_and_rules() {
    let (_d, f) = facts("timeline", "assessment_date(\"2026-11-28\").\n");
    let o = lexproof(&["-q", "timeline", "m", "--facts", &f]);
    assert!(o.status.success(), "{}", stderr(&o));
    let t = stdout(&o);
    for needle in [
        "Timeline of model \"m\"",
        "As of 2026-11-28",
        "systemic risk: since 2026-03-03 [systemic_risk_start_date: Art. 51(1); Art. 51(2); Art. 52(4)]",
        "art52_1_notify o",
        "deadline Tue 17 Mar 2026 [deadline_art52_1_notify: Art. 52(1); Reg. 1182/71 Art. 3(4)]",
        "art55_1_a o: since 2026-03-03",
        "placed Mon 1 Sep 2025 [placed_on_market_first_date",
        "status: overdue",
    ] {
        assert!(t.contains(needle), "missing {needle:?} in\n{t}");
    }
    // Every chart line is as wide as the others: bars and marks stay in their columns.
    let chart: Vec<&str> = t
        .lines()
        .skip_while(|l| !l.starts_with("placed on the Union market"))
        .take_while(|l| !l.contains("= holds (a status)"))
        .collect();
    assert!(chart.len() > 3, "{t}");
    let width = chart[0].chars().count();
    assert!(chart.iter().all(|l| l.chars().count() == width), "{t}");
    // SVG and HTML: well formed enough for a browser, values escaped, as-of line drawn.
    let o = lexproof(&["-q", "timeline", "m", "--facts", &f, "--format", "svg"]);
    let s = stdout(&o);
    assert!(
        s.starts_with("<svg") && s.trim_end().ends_with("</svg>"),
        "{s}"
    );
    assert!(s.contains("class=\"as-of\""));
    // An unknown model: exit 2 and a suggestion.
    let o = lexproof(&["-q", "timeline", "n", "--facts", &f]);
    assert_eq!(o.status.code(), Some(2));
    let o = lexproof(&["-q", "timeline", "aurora-n"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean \"aurora-m\""),
        "{}",
        stderr(&o)
    );
}

/// A date that rests on a reading of unsettled law is flagged where it is shown: the earliest day
/// of an Art. 52(5) reassessment request (the day after the six months end) in text and HTML.
#[test]
fn timeline_flags_dates_that_rest_on_unsettled_law() {
    let (_d, f) = facts(
        "timeline-unsettled",
        "assessment_date(\"2026-11-28\").\ncommission_designated(\"m\", \"2025-08-31\").\ndesignation_informed(\"m\", \"2025-09-02\").\n",
    );
    let t = stdout(&lexproof(&["-q", "timeline", "m", "--facts", &f]));
    for needle in [
        "reassessment may be requested Sun 1 Mar 2026 [art52_5_reassessment_after_six_months: Art. 52(5); Reg. 1182/71 Art. 3(1); Reg. 1182/71 Art. 3(2)(c)] ⚠",
        "⚠ Unsettled law behind these dates (the rule reads it one way):",
        "  art52_5_reassessment_after_six_months: Art. 52(5) allows a request at the earliest six months",
    ] {
        assert!(t.contains(needle), "missing {needle:?} in\n{t}");
    }
    let h = stdout(&lexproof(&[
        "-q", "timeline", "m", "--facts", &f, "--format", "html",
    ]));
    assert!(
        h.contains("<span class=\"unsettled\">⚠ unsettled: Art. 52(5) allows"),
        "{h}"
    );
}

#[test]
fn timeline_escapes_values_from_the_facts() {
    let dir = scratch("timeline-xss");
    let f = write(
        &dir,
        "x.dl",
        b"assessment_date(\"2026-11-28\").\nestablished_in(\"<b>p</b>\", \"DE\").\ndeveloper(\"<i>m</i>\", \"<b>p</b>\").\ngenerates(\"<i>m</i>\", \"text\").\ntraining_compute(\"<i>m</i>\", 2e24).\nmade_available(\"<i>m</i>\", \"api\", \"2025-09-01\").\n",
    );
    for fmt in ["html", "svg"] {
        let o = lexproof(&["-q", "timeline", "<i>m</i>", "--facts", &f, "--format", fmt]);
        assert!(o.status.success(), "{}", stderr(&o));
        let s = stdout(&o);
        assert!(!s.contains("<i>") && !s.contains("<b>"), "{s}");
        assert!(s.contains("&lt;b&gt;p&lt;/b&gt;"), "{s}");
    }
}

#[test]
fn report_has_a_section_per_ai_system() {
    let dir = scratch("report-systems");
    let f = write(
        &dir,
        "s.dl",
        b"assessment_date(\"2026-11-28\").\nestablished_in(\"mp\", \"US\").\nestablished_in(\"co\", \"FR\").\ndeveloper(\"m\", \"mp\").\ntraining_compute(\"m\", 5e24).\ngenerates(\"m\", \"text\").\nmade_available(\"m\", \"api\", \"2025-09-01\").\nai_system(\"app\").\nsystem_provider(\"app\", \"co\").\nintegrates(\"app\", \"m\").\nsystem_made_available(\"app\", \"2026-01-12\").\nsystem_offered_in(\"app\", \"FR\").\ncorrective_action_required(\"app\", \"FR\", \"2026-09-01\").\n",
    );
    let o = lexproof(&["-q", "report", "--facts", &f]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = stdout(&o);
    for needle in [
        "## AI systems built on these models",
        "### System `app`",
        "Downstream provider (Art. 3(68)): `co`.",
        "Builds on the model `m` of `mp`",
        "the authorities of `FR`",
        "must act by Tue 22 Sep 2026 — **overdue**",
    ] {
        assert!(r.contains(needle), "missing {needle:?} in\n{r}");
    }
    // The model's provider sees the systems built on its model; an unrelated actor does not.
    let o = lexproof(&["-q", "report", "--facts", &f, "--actor", "mp"]);
    assert!(stdout(&o).contains("### System `app`"));
    let o = lexproof(&["-q", "report", "--facts", &f, "--format", "json"]);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        j["systems"][0]["corrective_actions"][0]["deadline"],
        "2026-09-22"
    );
    assert_eq!(j["systems"][0]["supervised_by_ai_office"], false);
}

/// Output that cannot be written is an error, never a success (a full disk), and a closed pipe ends
/// the run quietly with a non-zero status.
#[test]
fn failed_writes_are_not_success() {
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full");
    if full().is_err() {
        return; // no /dev/full on this system
    }
    for args in [
        &["-q", "report"][..],
        &["-q", "derive"][..],
        &["-q", "derive", "--format", "json"][..],
        &["check"][..],
        &["-q", "timeline", "aurora-m"][..],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_lexproof"))
            .args(args)
            .current_dir(root())
            .stdout(full().unwrap())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("error[write_failed]"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    // A reader that goes away: no panic, no message, no success.
    let mut child = Command::new(env!("CARGO_BIN_EXE_lexproof"))
        .args(["-q", "derive", "--all"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_ne!(o.status.code(), Some(0));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}
