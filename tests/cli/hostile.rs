//! Hostile and huge inputs (issue: reliability): each ends with a located error or a correct
//! result, never a crash, a hang, a flood of output or an answer with exit 0 built on half the input.

use super::*;
use std::os::unix::fs::FileTypeExt;

/// A rules file with one rule whose body is `body`.
fn rules_with_body(body: &str) -> String {
    format!(
        ".decl a(x: number)\n.decl b(x: number)\n@rule r\n@cite \"Art. 1\"\n@authority statute\n@says \"s\"\nb(X) :- {body}.\n"
    )
}

/// Asserts a run failed with exit 2 and said each of `needles` on stderr; gives stderr back.
fn assert_error(o: &Output, needles: &[&str]) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for n in needles {
        assert!(err.contains(n), "expected {n:?} in:\n{err}");
    }
    err
}

fn assert_too_deep(o: &Output, what: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{what}: {err}");
    assert!(err.contains("error[too_deep]"), "{what}: {err}");
    assert!(err.contains("hint:"), "{what}: {err}");
    assert!(
        err.len() < 4000,
        "{what}: the error echoes the input: {} bytes",
        err.len()
    );
}

#[test]
fn deep_nesting_is_a_located_error_not_a_stack_overflow() {
    let d = scratch("hostile-nesting");
    let n = 100_000;
    let parens = format!("a(Y), X = {}Y{}", "(".repeat(n), ")".repeat(n));
    let minus = format!("a(Y), X = {}Y", "-".repeat(n));
    let chain = format!("a(Y), X = Y{}", "+1".repeat(n));
    let premise = format!("{}a(X){}", "(".repeat(n), ")".repeat(n));
    for (name, body) in [
        ("parens", parens),
        ("minus", minus),
        ("chain", chain),
        ("premise", premise),
    ] {
        let f = write(&d, &format!("{name}.dl"), rules_with_body(&body).as_bytes());
        assert_too_deep(&lexproof(&["check", "--rules", &f]), name);
    }
    // In a fact file, a query atom and a scenario's `expect` line.
    let facts = d.join("facts");
    std::fs::create_dir_all(&facts).unwrap();
    write(
        &facts,
        "x.dl",
        format!("training_compute(\"m\", {}1).\n", "-".repeat(n)).as_bytes(),
    );
    assert_too_deep(
        &lexproof(&["derive", "--facts", facts.to_str().unwrap()]),
        "fact",
    );
    // (An argument of the command line holds at most 128 KiB.)
    let q = format!(
        "obligation({}A{}, M, D)",
        "(".repeat(30_000),
        ")".repeat(30_000)
    );
    assert_too_deep(&lexproof(&["query", &q]), "query");
    let sc = d.join("scenarios");
    std::fs::create_dir_all(&sc).unwrap();
    write(
        &sc,
        "deep.dl",
        format!(
            "developer(\"m\", \"a\").\nexpect obligation(\"a\", \"m\", {}\"x\"{}).\n",
            "(".repeat(n),
            ")".repeat(n)
        )
        .as_bytes(),
    );
    let o = lexproof(&["test", sc.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("deep.dl:2:") && out.contains("error[too_deep]"),
        "{out}"
    );
    assert!(
        out.len() < 4000,
        "the failure echoes the input: {} bytes",
        out.len()
    );
    // Nesting within the bound still works: 50 levels of parentheses.
    let f = write(
        &d,
        "fine.dl",
        rules_with_body(&format!("a(Y), X = {}Y{}", "(".repeat(50), ")".repeat(50))).as_bytes(),
    );
    let o = lexproof(&["check", "--rules", &f]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_huge_line_is_cut_around_the_error_in_diagnostics() {
    let d = scratch("hostile-long-line");
    let mut line = "developer(\"m\", \"p\"). ".repeat(500_000);
    line.push_str("developer(\"m\" \"p\").\n");
    let f = write(&d, "one-line.dl", line.as_bytes());
    let o = lexproof(&["derive", "--facts", &f]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", &err[..err.len().min(2000)]);
    assert!(
        err.contains("one-line.dl:1:10500015: error[syntax_error]"),
        "{}",
        &err[..err.len().min(2000)]
    );
    assert!(
        err.len() < 2000,
        "stderr is {} bytes for one error",
        err.len()
    );
    assert!(
        err.contains("1 | ...") && err.contains("developer(\"m\" \"p\")."),
        "{err}"
    );
}

#[test]
fn an_unknown_symbol_of_any_length_gets_an_answer_at_once() {
    let long = "x".repeat(100_000);
    let o = lexproof(&["query", &format!("obligation(A, \"m\", \"{long}\")")]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{}", &err[..err.len().min(2000)]);
    assert!(
        err.contains("error[not_in_enumeration]"),
        "{}",
        &err[..err.len().min(2000)]
    );
    assert!(err.len() < 4000, "{} bytes", err.len());
}

#[test]
fn misspelt_enumeration_values_in_queries_and_expectations_are_errors() {
    let o = lexproof(&["query", r#"obligation(A, M, "art53_1a")"#]);
    assert_error(
        &o,
        &["error[not_in_enumeration]", "did you mean \"art53_1_a\"?"],
    );
    let d = scratch("hostile-expect-typo");
    write(
        &d,
        "typo.dl",
        b"developer(\"m\", \"p\").\nexpect not obligation(\"p\", \"m\", \"art53_1a\").\n",
    );
    let o = lexproof(&["test", d.to_str().unwrap()]);
    let out = stdout(&o);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a test that cannot fail passed:\n{out}"
    );
    assert!(
        out.contains("typo.dl:2:33: error[not_in_enumeration]"),
        "{out}"
    );
}

#[test]
fn control_characters_never_reach_the_terminal_and_read_back() {
    let d = scratch("hostile-control");
    let facts = d.join("facts");
    std::fs::create_dir_all(&facts).unwrap();
    write(
        &facts,
        "x.dl",
        "developer(\"m\u{1b}]0;pwned\u{7}\", \"p\rq\u{0}\").\n".as_bytes(),
    );
    let o = lexproof(&[
        "-q",
        "query",
        "developer(M, A)",
        "--facts",
        facts.to_str().unwrap(),
    ]);
    let out = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        out,
        "developer(\"m\\u{1b}]0;pwned\\u{7}\", \"p\\rq\\u{0}\").\n"
    );
    // What lexproof prints reads back as the same facts, in `.dl` and as TSV.
    let again = d.join("again");
    std::fs::create_dir_all(&again).unwrap();
    write(&again, "x.dl", out.as_bytes());
    let o = lexproof(&[
        "-q",
        "query",
        "developer(M, A)",
        "--facts",
        again.to_str().unwrap(),
    ]);
    assert_eq!(stdout(&o), out);
    let o = lexproof(&[
        "-q",
        "query",
        "developer(M, A)",
        "--facts",
        facts.to_str().unwrap(),
        "--format",
        "tsv",
    ]);
    let tsv = stdout(&o);
    assert!(!tsv.contains('\u{1b}') && tsv.contains("\\u{1b}"), "{tsv}");
    // A control character in a fact file's content reaches diagnostics only escaped.
    write(
        &facts,
        "bad.dl",
        "develope\u{1b}[2J(\"m\", \"p\").\n".as_bytes(),
    );
    let o = lexproof(&["derive", "--facts", facts.to_str().unwrap()]);
    let err = assert_error(&o, &[]);
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn markdown_code_spans_hold_any_run_of_backticks() {
    let d = scratch("hostile-markdown");
    let model = "m``<img src=x onerror=alert(1)>``";
    write(
        &d,
        "x.dl",
        format!("developer(\"{model}\", \"p\").\ntraining_compute(\"{model}\", 4.0e24).\ngenerates(\"{model}\", \"text\").\nmade_available(\"{model}\", \"api\", \"2025-09-01\").\nassessment_date(\"2026-01-01\").\n").as_bytes(),
    );
    let o = lexproof(&[
        "-q",
        "report",
        "--facts",
        d.to_str().unwrap(),
        "--format",
        "md",
    ]);
    let md = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    // The value ends with backticks, so the fence is padded with a space each side.
    let span = format!("``` {model} ```");
    assert!(md.contains(&span), "{md}");
    for line in md.lines().filter(|l| l.contains("<img")) {
        let code = code_span_bytes(line);
        for (at, _) in line.match_indices("<img") {
            let escaped = at > 0 && line.as_bytes()[at - 1] == b'\\';
            assert!(code[at] || escaped, "markup outside a code span: {line}");
        }
    }
}

/// Which bytes of a markdown line lie inside a code span, as CommonMark reads them: a run of N
/// backticks opens a span that the next run of exactly N backticks closes.
fn code_span_bytes(line: &str) -> Vec<bool> {
    let b = line.as_bytes();
    let mut inside = vec![false; b.len()];
    let run_at = |i: usize| b[i..].iter().take_while(|&&c| c == b'`').count();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let mut close = None;
        while j < b.len() {
            if b[j] == b'`' {
                let m = run_at(j);
                if m == n {
                    close = Some(j);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match close {
            Some(j) => {
                inside[i + n..j].iter_mut().for_each(|x| *x = true);
                i = j + n;
            }
            None => i += n,
        }
    }
    inside
}

#[test]
fn directory_walks_read_each_regular_file_once_and_end() {
    let d = scratch("hostile-walk");
    let facts = d.join("facts");
    std::fs::create_dir_all(&facts).unwrap();
    std::fs::copy(root().join("facts/demo.dl"), facts.join("demo.dl")).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(".", facts.join("a")).unwrap();
        std::os::unix::fs::symlink(".", facts.join("b")).unwrap();
        std::os::unix::fs::symlink("demo.dl", facts.join("again.dl")).unwrap();
    }
    let p = facts.to_str().unwrap();
    let o = lexproof(&[
        "derive",
        "--facts",
        p,
        "--facts",
        p,
        "--facts",
        &format!("{p}/demo.dl"),
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("from 1 file and the rules file"), "{err}");
    #[cfg(unix)]
    {
        let fifo = facts.join("pipe.dl");
        let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let o = lexproof(&["derive", "--facts", p]);
        assert_error(&o, &["pipe.dl: error[not_a_regular_file]"]);
        std::fs::remove_file(&fifo).unwrap();
        std::os::unix::fs::symlink("/dev/zero", facts.join("zero.facts")).unwrap();
        let o = lexproof(&["derive", "--facts", p]);
        assert_error(&o, &["zero.facts: error[not_a_regular_file]"]);
    }
}

#[cfg(unix)]
#[test]
fn output_dir_replaces_symlinks_instead_of_writing_through_them() {
    let d = scratch("hostile-output-dir");
    let precious = write(&d, "precious.txt", b"keep me");
    let out = d.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(&precious, out.join("provider.tsv")).unwrap();
    let o = lexproof(&["-q", "derive", "--output-dir", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me");
    let written = std::fs::read_to_string(out.join("provider.tsv")).unwrap();
    assert!(written.contains("aurora-labs"), "{written}");
    assert!(!std::fs::symlink_metadata(out.join("provider.tsv"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn one_line_files_load_every_tuple() {
    let d = scratch("hostile-one-line");
    let rows: Vec<String> = (0..200_000)
        .map(|i| format!("[\"m{i}\", \"p{i}\"]"))
        .collect();
    write(
        &d,
        "x.json",
        format!("{{\"developer\": [{}]}}", rows.join(",")).as_bytes(),
    );
    let dl: Vec<String> = (0..100_000)
        .map(|i| format!("developer(\"n{i}\", \"q{i}\")."))
        .collect();
    write(&d, "y.dl", dl.join(" ").as_bytes());
    let o = lexproof(&[
        "query",
        "developer(M, A)",
        "--facts",
        d.to_str().unwrap(),
        "--format",
        "tsv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 300_000);
}

/// A fine-tune chain `c0 <- c1 <- ... <- c{n-1}`, each step adding compute.
fn chain_facts(n: usize) -> String {
    let mut s = String::from("assessment_date(\"2026-06-01\").\ndeveloper(\"c0\", \"a0\").\ntraining_compute(\"c0\", 3.0e24).\ngenerates(\"c0\", \"text\").\nmade_available(\"c0\", \"api\", \"2025-09-01\").\n");
    for i in 1..n {
        s.push_str(&format!(
            "modified_from(\"c{i}\", \"c{}\").\nmodifier(\"c{i}\", \"a{i}\").\nmodification_compute(\"c{i}\", 1.5e24).\n",
            i - 1
        ));
    }
    s
}

#[test]
fn a_long_fine_tune_chain_explains_in_every_format_in_linear_size() {
    let n = 20_000;
    let d = scratch("hostile-chain");
    write(&d, "chain.dl", chain_facts(n).as_bytes());
    let facts = d.to_str().unwrap();
    let total =
        3_000_000_000_000_000_000_000_000i128 + 1_500_000_000_000_000_000_000_000 * (n as i128 - 1);
    let atom = format!("cumulative_compute(\"c{}\", {total})", n - 1);
    for engine in ["compiled", "runtime"] {
        for format in ["text", "json", "dot", "mermaid", "prose", "html"] {
            let o = lexproof(&[
                "-q", "explain", &atom, "--facts", facts, "--engine", engine, "--format", format,
            ]);
            assert!(o.status.success(), "{engine} {format}: {}", stderr(&o));
            let per_level = o.stdout.len() / n;
            assert!(
                per_level < 6_000,
                "{engine} {format}: {per_level} bytes per level"
            );
        }
    }
    let o = lexproof(&[
        "-q",
        "why-not",
        &format!("cumulative_compute(\"c{}\", 1)", n - 1),
        "--facts",
        facts,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A chain in which every modification is significant (the original's compute unknown, each
/// step above the Guidelines' fallback), so every model has its own provider and duties.
fn provider_chain_facts(n: usize) -> String {
    let mut s = String::from("developer(\"c0\", \"p0\").\nmade_available(\"c0\", \"api\", \"2025-09-01\").\nestablished_in(\"p0\", \"DE\").\ngenerates(\"c0\", \"text\").\ncapability_assessment(\"c0\", \"general\").\n");
    for i in 1..n {
        s.push_str(&format!(
            "modified_from(\"c{i}\", \"c{}\").\nmodifier(\"c{i}\", \"p{i}\").\nmodification_compute(\"c{i}\", 4e22).\nmade_available(\"c{i}\", \"download\", \"2025-10-01\").\nestablished_in(\"p{i}\", \"FR\").\n",
            i - 1
        ));
    }
    s
}

#[test]
fn a_report_over_a_chain_of_providers_grows_linearly_with_the_chain() {
    // Each model's duties rest on the whole chain below it; the report used to build and keep a
    // full proof per duty (5,000 models: killed after 17 minutes at 24 GB).
    let d = scratch("hostile-report-chain");
    let mut sizes = Vec::new();
    for n in [300, 600] {
        let facts = write(
            &d,
            &format!("chain{n}.dl"),
            provider_chain_facts(n).as_bytes(),
        );
        let mut per_format = Vec::new();
        for format in ["md", "json", "html"] {
            let o = lexproof(&[
                "-q",
                "report",
                "--as-of",
                "2026-01-01",
                "--facts",
                &facts,
                "--format",
                format,
            ]);
            assert!(o.status.success(), "{format}: {}", stderr(&o));
            per_format.push(o.stdout.len());
            let out = stdout(&o);
            let deep = format!("c{}", n - 1);
            assert!(out.contains(&deep), "{format}: the last model is reported");
            match format {
                "md" => assert!(
                    out.contains("The proof is more than 24 levels deep"),
                    "cut proofs are said to be cut"
                ),
                "json" => assert!(
                    out.contains("\"proof_cut\": true") && out.contains("\"proof_cut\": false")
                ),
                _ => assert!(
                    out.contains("shown above</a>"),
                    "subproofs drawn once per page"
                ),
            }
        }
        sizes.push(per_format);
    }
    for (i, format) in ["md", "json", "html"].iter().enumerate() {
        let ratio = sizes[1][i] as f64 / sizes[0][i] as f64;
        assert!(
            ratio < 2.3,
            "{format}: twice the chain gives {ratio:.2} times the report"
        );
    }
}

#[test]
fn runaway_recursion_and_quadratic_joins_stop_within_the_budget_on_both_engines() {
    let d = scratch("hostile-budget");
    let rules = write(
        &d,
        "runaway.dl",
        b".decl n(x: number)\n@rule base\n@cite \"Art. 1\"\n@authority statute\n@says \"s\"\nn(0).\n@rule step\n@cite \"Art. 1\"\n@authority statute\n@says \"s\"\nn(X + 1) :- n(X).\n",
    );
    let o = lexproof(&["-q", "derive", "--rules", &rules, "--max-memory", "300M"]);
    assert_error(&o, &["error[memory_limit]", "`n`"]);
    assert!(o.stdout.is_empty());
    // The compiled engine honours --max-facts too.
    let o = lexproof(&["-q", "derive", "--max-facts", "50"]);
    assert_error(&o, &["error[fact_limit]"]);
    assert!(o.stdout.is_empty());
    // Thousands of placing dates for one model: the comparison of every date with every other
    // stops at the memory budget, naming the relation.
    let mut dates = String::from(
        "developer(\"m\", \"p\").\ntraining_compute(\"m\", 4.0e24).\ngenerates(\"m\", \"text\").\n",
    );
    for i in 0..40_000 {
        dates.push_str(&format!(
            "made_available(\"m\", \"api\", \"{}\").\n",
            day(i)
        ));
    }
    let facts = d.join("dates");
    std::fs::create_dir_all(&facts).unwrap();
    write(&facts, "x.dl", dates.as_bytes());
    let o = lexproof(&[
        "-q",
        "derive",
        "--facts",
        facts.to_str().unwrap(),
        "--max-memory",
        "1G",
    ]);
    assert_error(&o, &["error[memory_limit]", "earlier_placing"]);
    assert!(o.stdout.is_empty());
}

/// The `i`th day from 1 Jan 2000 as `YYYY-MM-DD` (proleptic Gregorian).
fn day(i: i64) -> String {
    // Civil-from-days (H. Hinnant), from 2000-03-01 = day 0 of era arithmetic.
    let z = i + 10_957 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[test]
fn the_most_negative_number_reads_back_and_quiet_runs_still_warn_of_skipped_files() {
    // A number field without `@nonnegative` (the shipped compute fields refuse a negative figure).
    let d = scratch("hostile-min-skipped");
    let rules = scratch("hostile-min-rules").join("figures.dl");
    std::fs::write(&rules, ".decl figure(name: symbol, n: number)\n").unwrap();
    write(
        &d,
        "x.dl",
        format!("figure(\"m\", {}).\n", i128::MIN).as_bytes(),
    );
    write(&d, "notes.txt", b"not facts");
    let o = lexproof(&[
        "-q",
        "query",
        "figure(M, C)",
        "--rules",
        rules.to_str().unwrap(),
        "--skip-unknown",
        "--facts",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), format!("figure(\"m\", {}).\n", i128::MIN));
    let err = stderr(&o);
    assert!(
        err.contains("warning: skipped 1 file(s)") && err.contains("notes.txt"),
        "{err}"
    );
}

#[test]
fn wide_relations_check_and_report_a_repeated_field() {
    let d = scratch("hostile-wide");
    let n = 5_000;
    let decl = |name: &str, repeat: bool| {
        let mut fields: Vec<String> = (0..n).map(|i| format!("a{i}: symbol")).collect();
        if repeat {
            fields.push("a7: symbol".into());
        }
        format!(".decl {name}({})\n", fields.join(", "))
    };
    let vars: Vec<String> = (0..n).map(|i| format!("X{i}")).collect();
    let rule = format!(
        "@rule wide\n@cite \"Art. 1\"\n@authority statute\n@says \"s\"\ns({0}) :- r({0}).\n",
        vars.join(", ")
    );
    let ok = write(
        &d,
        "ok.dl",
        format!("{}{}{rule}", decl("r", false), decl("s", false)).as_bytes(),
    );
    let o = lexproof(&["check", "--rules", &ok]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bad = write(
        &d,
        "bad.dl",
        format!("{}{}", decl("r", true), decl("s", false)).as_bytes(),
    );
    let o = lexproof(&["check", "--rules", &bad]);
    assert_error(
        &o,
        &["error[duplicate_field]: field `a7` appears twice in `r`"],
    );
}

#[test]
fn red_team_round_two_inputs_are_refused_or_escaped() {
    let d = scratch("red-team-2");
    // A FIFO in place of an output file is refused, not replaced by a file; a FIFO as the rules
    // file is refused instead of blocking.
    let fifo = d.join("pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let o = lexproof(&["-q", "derive", "--manifest", fifo.to_str().unwrap()]);
    assert_ne!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    let o = lexproof(&["-q", "derive", "--rules", fifo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    // A comment before a lone carriage return does not swallow the facts after it.
    let cr = write(
        &d,
        "cr.dl",
        b"assessment_date(\"2026-11-28\"). // as of\rdeveloper(\"m\", \"p\").\r",
    );
    let o = lexproof(&["-q", "query", "developer(M, A)", "--facts", &cr]);
    assert_eq!(stdout(&o), "developer(\"m\", \"p\").\n", "{}", stderr(&o));
    // ESC and a right-to-left override in a symbol are escaped in derive's text and TSV.
    let esc = write(
        &d,
        "esc.dl",
        "developer(\"a\u{1b}]0;x\u{7}b\", \"p\u{202e}q\").\n".as_bytes(),
    );
    for fmt in ["text", "tsv"] {
        let o = lexproof(&["-q", "derive", "--all", "--format", fmt, "--facts", &esc]);
        let out = stdout(&o);
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}') && out.contains("\\u{1b}"),
            "{out}"
        );
    }
}

#[test]
fn red_team_round_three_inputs_fail_cleanly() {
    let d = scratch("red-team-3");
    let full = || std::fs::OpenOptions::new().write(true).open("/dev/full");
    // Help, version and stderr written to a full disk: an error exit, never 0 and never a panic.
    if let Ok(f) = full() {
        for args in [&["--help"][..], &["--version"]] {
            let o = Command::new(env!("CARGO_BIN_EXE_lexproof"))
                .args(args)
                .stdout(f.try_clone().unwrap())
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        }
        let o = Command::new(env!("CARGO_BIN_EXE_lexproof"))
            .args(["derive", "--facts", "facts"])
            .current_dir(root())
            .stderr(full().unwrap())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
    }
    // A value thousands of characters long is quoted cut short in the message, not whole.
    let long = "x".repeat(5000);
    let f = write(
        &d,
        "long.dl",
        format!("made_available(\"m\", \"api\", \"{long}\").\n{long}(\"m\").\n").as_bytes(),
    );
    let o = lexproof(&["-q", "derive", "--facts", &f]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("error[invalid_date]") && err.contains("error[unknown_relation]"),
        "{err}"
    );
    assert!(err.len() < 2500, "{} bytes of diagnostics", err.len());
    // Errors in hundreds of files: the first twenty shown, the rest counted.
    let many = d.join("many");
    std::fs::create_dir_all(&many).unwrap();
    for i in 0..300 {
        write(&many, &format!("f{i:03}.dl"), b"developer(\"m\").\n");
    }
    let o = lexproof(&["-q", "derive", "--facts", many.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.matches("error[arity_mismatch]").count(), 20, "{err}");
    assert!(err.contains("… and 280 more files with errors"), "{err}");
    // A spreadsheet's column titles on the first line of a `.facts` file are not a fact.
    let sheet = d.join("sheet");
    std::fs::create_dir_all(&sheet).unwrap();
    write(
        &sheet,
        "developer.facts",
        b"Model ID\tProvider Name\nm1\tp1\n",
    );
    let o = lexproof(&[
        "-q",
        "query",
        "developer(M, A)",
        "--facts",
        sheet.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("error[bad_header]"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("put the header model<TAB>actor above it"),
        "{}",
        stderr(&o)
    );
    // The prose explanation of a fact says where it was given.
    let o = lexproof(&[
        "-q",
        "explain",
        r#"developer("aurora-m", "aurora-labs")"#,
        "--format",
        "prose",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).starts_with(
            r#"developer("aurora-m", "aurora-labs") holds: it is given as a fact in facts/demo.dl:"#
        ),
        "{}",
        stdout(&o)
    );
    // An extension named so that its relations are the shipped ones is refused before writing.
    let o = lexproof(&["new-extension", "duty", "--dir", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("error[name_taken]") && stderr(&o).contains("`duty_applies_from`"));
    assert!(!d.join("duty.dl").exists());
    // A name too long for a file name is refused as a name, before anything is written.
    let long = "a".repeat(300);
    let o = lexproof(&["new-extension", &long, "--dir", d.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("error[bad_name]") && stderr(&o).contains("300 characters"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join(format!("{long}-scenarios")).exists());
    // An empty base_model is said to be left out, not dropped in silence.
    let card = d.join("card");
    std::fs::create_dir_all(&card).unwrap();
    let c = write(
        &card,
        "README.md",
        b"---\nbase_model: \"\"\npipeline_tag: text-generation\n---\n# x\n",
    );
    let o = lexproof(&["import", "hf-card", &c]);
    assert!(
        stderr(&o).contains("field `base_model`: not mapped: empty"),
        "{}",
        stderr(&o)
    );
    // A list under model_name is said to be left out, with the id used instead.
    let c = write(
        &card,
        "README.md",
        b"---\nmodel_name:\n  - one\n  - two\npipeline_tag: text-generation\n---\n# x\n",
    );
    let o = lexproof(&["import", "hf-card", &c]);
    assert!(
        stderr(&o).contains("field `model_name`: not mapped: not a single name")
            && stderr(&o).contains("the id \"card\" is used"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn scenarios_honour_the_limits_and_coverage_refuses_a_scenario_that_does_not_run() {
    let d = scratch("scenario-limits");
    write(
        &d,
        "grows.dl",
        b"// A model's facts\ndeveloper(\"m\", \"p\").\ntraining_compute(\"m\", 2e25).\nexpect gpai_model(\"m\").\n",
    );
    let o = lexproof(&["test", d.to_str().unwrap(), "--max-facts", "3"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("error[fact_limit]"), "{}", stdout(&o));
    let o = lexproof(&[
        "coverage",
        "--scenarios",
        d.to_str().unwrap(),
        "--max-facts",
        "3",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("error[scenario_not_run]"),
        "{}",
        stderr(&o)
    );
    let bad = scratch("scenario-unloadable");
    write(
        &bad,
        "bad.dl",
        b"developer(\"m\").\nexpect gpai_model(\"m\").\n",
    );
    let o = lexproof(&["coverage", "--scenarios", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("error[arity_mismatch]"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn red_team_round_four_inputs_fail_cleanly() {
    let d = scratch("red-team-4");
    // --manifest through a symlink to a device is refused; the link is left alone.
    let link = d.join("out-link");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let o = lexproof(&["-q", "derive", "--manifest", link.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    // Dates at the ends of the calendar are refused where they are written.
    let f = write(
        &d,
        "edge.dl",
        b"developer(\"m\", \"p\").\nmade_available(\"m\", \"api\", \"0000-01-01\").\n",
    );
    let o = lexproof(&["-q", "derive", "--facts", &f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("edge.dl:2:28: error[date_out_of_range]"),
        "{}",
        stderr(&o)
    );
    // Two transfers of one model on one day are conflicting facts, not two providers.
    let f = write(
        &d,
        "sameday.dl",
        b"model_transferred(\"m\", \"a\", \"2026-03-02\").\nmodel_transferred(\"m\", \"b\", \"2026-03-02\").\n",
    );
    let o = lexproof(&["-q", "derive", "--facts", &f]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("error[conflicting_facts]"),
        "{}",
        stderr(&o)
    );
    // A cycle through many models is named by its first facts and counted.
    let mut cycle = String::new();
    for i in 0..5000 {
        cycle.push_str(&format!(
            "modified_from(\"m{i}\", \"m{}\").\n",
            (i + 1) % 5000
        ));
    }
    let f = write(&d, "cycle.dl", cycle.as_bytes());
    let o = lexproof(&["-q", "derive", "--facts", &f]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("error[cyclic_facts]") && err.contains("more facts of the cycle"));
    assert!(err.len() < 10_000, "{} bytes", err.len());
    // A scenario title and a timeline page never carry raw ESC.
    let s = write(
        &d,
        "s.dl",
        b"// title \x1b[31mRED\ndeveloper(\"m\", \"p\").\nexpect developer(\"m\", \"p\").\n",
    );
    let o = lexproof(&["test", &s]);
    assert!(
        !stdout(&o).contains('\u{1b}') && stdout(&o).contains("\\u{1b}"),
        "{}",
        stdout(&o)
    );
    let o = lexproof(&["-q", "timeline", "m\u{1b}[31m", "--format", "html"]);
    assert!(!String::from_utf8_lossy(&o.stdout).contains('\u{1b}'));
    // An option's error names the option, not the facts.
    let o = lexproof(&["diff", "-q", "--base-as-of", "2025-02-29"]);
    assert!(
        stderr(&o).contains("--base-as-of \"2025-02-29\" is not a calendar date"),
        "{}",
        stderr(&o)
    );
    let o = lexproof(&["derive", "-q", "--param", "nope=1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("lexproof: 1 error in the options; nothing was derived"),
        "{}",
        stderr(&o)
    );
    // A card imported from inside its own folder is named after the folder, not "README".
    let card = d.join("acme--atlas");
    std::fs::create_dir_all(&card).unwrap();
    write(
        &card,
        "README.md",
        b"---\npipeline_tag: text-generation\n---\n# atlas\n",
    );
    let o = Command::new(env!("CARGO_BIN_EXE_lexproof"))
        .args(["import", "hf-card", "README.md"])
        .current_dir(&card)
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("generates(\"acme/atlas\", \"text\")"),
        "{}",
        stdout(&o)
    );
    // A BOM whose components are an object, not a list, is an error, not an empty import.
    let bom = write(
        &d,
        "bom.json",
        br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":{"type":"machine-learning-model","name":"m"}}"#,
    );
    let o = lexproof(&["import", "cyclonedx", &bom]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("error[not_a_bom]: `components` is not a list"),
        "{}",
        stderr(&o)
    );
    // A scenario that is not UTF-8 is located.
    let bad = write(&d, "bad.dl", b"developer(\"m\", \"p\xff\").\n");
    let o = lexproof(&["test", &bad]);
    assert!(
        stdout(&o).contains("bad.dl:1:18: error[invalid_utf8]"),
        "{}",
        stdout(&o)
    );
}
