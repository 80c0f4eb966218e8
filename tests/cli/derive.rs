//! `lexproof derive` and `query`: the demo conclusions, byte-identical output across runs, thread counts and formats, output directories, query patterns, weakest authorities.

use super::*;

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
        r#"gpai_model("pinecrest-next")"#,
        r#"placed_on_market("pinecrest-next""#,
        r#"provider("pinecrest-ai", "pinecrest-next")"#,
        r#"obligation("pinecrest-ai", "pinecrest-next""#,
    ] {
        assert!(!out.contains(absent), "{absent} should not be concluded");
    }
    // A release after the assessment date is a scheduled placing: only the representative due the
    // day before it is shown, not yet applicable.
    assert!(out.contains(r#"scheduled_placing("pinecrest-next", "2027-01-10")."#));
    assert!(out.contains(r#"duty_status("pinecrest-ai", "pinecrest-next", "art54_1_authorised_representative", "not_yet_applicable")."#));
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
        // The run-time evaluator reports each component, its rounds and each rule's time.
        let mut rt = args.to_vec();
        rt.extend(["--engine", "runtime"]);
        let o = run("1", &rt);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            stderr.contains("round(s)  obligation")
                && stderr.contains("ms  art53_1_a_technical_documentation"),
            "{stderr}"
        );
        // Both engines say how many workers ran and what they did with nothing to start.
        assert!(
            stderr.contains("lexproof: workers 1, evaluation "),
            "{stderr}"
        );
        assert_eq!(o.stdout, one.stdout, "{args:?} differs between the engines");
        for threads in ["2", "5"] {
            let many = run(threads, args);
            assert!(many.status.success());
            let stderr = String::from_utf8_lossy(&many.stderr);
            assert!(
                stderr.contains(&format!("lexproof: workers {threads}, evaluation "))
                    && stderr.contains("with no part ready to start: waited "),
                "{stderr}"
            );
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
    // The rows are in the files; stdout lists the files with their row counts.
    let listed = stdout(&o);
    let placed_line = format!("{}\t", dir.join("placed_on_market.tsv").display());
    assert!(listed.contains(&placed_line), "{listed}");
    assert!(!listed.contains("aurora-m"), "{listed}");
    assert!(listed.trim_end().ends_with(" rows"), "{listed}");
    // With a format, the conclusions are printed as well.
    let o = lexproof(&[
        "derive",
        "--output-dir",
        dir.to_str().unwrap(),
        "--format",
        "tsv",
    ]);
    assert!(stdout(&o).contains("obligation\taurora-labs\taurora-m\tart53_1_a\n"));
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
fn cells_read_the_same_whichever_way_they_are_written() {
    // Dates at both ends of the span whose texts are worked out once (1900 to 2199) and beyond
    // it, and symbols that need an escape or quotes: the same text in every format.
    let d = scratch("cell-text");
    let facts = write(
        &d,
        "f.dl",
        concat!(
            "assessment_date(\"2026-11-28\").\n",
            "made_available(\"m\\\\x\", \"api\", \"1900-01-01\").\n",
            "made_available(\"q\\\"uote\", \"api\", \"2199-12-31\").\n",
            "made_available(\"m\", \"api\", \"2200-01-01\").\n",
            "made_available(\"m\", \"api\", \"2999-12-31\").\n",
        )
        .as_bytes(),
    );
    let text = stdout(&lexproof(&["-q", "derive", "--all", "--facts", &facts]));
    for line in [
        r#"made_available("m", "api", "2200-01-01")."#,
        r#"made_available("m", "api", "2999-12-31")."#,
        r#"made_available("m\\x", "api", "1900-01-01")."#,
        r#"made_available("q\"uote", "api", "2199-12-31")."#,
        r#"placed_on_market("m\\x", "1900-01-01")."#,
    ] {
        assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
    }
    let tsv = stdout(&lexproof(&[
        "-q", "derive", "--all", "--format", "tsv", "--facts", &facts,
    ]));
    for line in [
        "made_available\tm\tapi\t2200-01-01",
        "made_available\tm\\\\x\tapi\t1900-01-01",
        "made_available\tq\"uote\tapi\t2199-12-31",
    ] {
        assert!(tsv.lines().any(|l| l == line), "{line} in\n{tsv}");
    }
    let out = d.join("out");
    let o = lexproof(&[
        "-q",
        "derive",
        "--facts",
        &facts,
        "--output-dir",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("placed_on_market.tsv")).unwrap(),
        "m\\\\x\t1900-01-01\n"
    );
}

#[test]
fn rows_are_written_in_display_order_whatever_the_columns() {
    // Symbols first seen in another order than their texts', numbers beyond 64 bits of both
    // signs, dates: three shapes of table (symbols and dates; a number first; six columns), each
    // written sorted by text, then value, column by column.
    let d = scratch("display-order");
    let rules = write(
        &d,
        "r.dl",
        b".decl pair(a: symbol, d: date)\n.decl amount(n: number, a: symbol)\n\
          .decl wide(a: symbol, n: number, d: date, b: symbol, c: symbol, e: symbol)\n",
    );
    let mut facts = String::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    for _ in 0..300 {
        let sym = |k: u64| format!("s{k}");
        let (a, b, c, e) = (sym(next(40)), sym(next(3)), sym(next(3)), sym(next(500)));
        let n = (next(2_000) as i128 - 1_000) * 10i128.pow(next(28) as u32);
        let day = format!(
            "{}-{:02}-{:02}",
            1950 + next(200),
            1 + next(12),
            1 + next(28)
        );
        facts.push_str(&format!("pair(\"{a}\", \"{day}\").\n"));
        facts.push_str(&format!("amount({n}, \"{e}\").\n"));
        facts.push_str(&format!(
            "wide(\"{a}\", {n}, \"{day}\", \"{b}\", \"{c}\", \"{e}\").\n"
        ));
    }
    let facts = write(&d, "f.dl", facts.as_bytes());
    let o = lexproof(&[
        "-q", "derive", "--rules", &rules, "--all", "--format", "tsv", "--facts", &facts,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for (rel, numbers) in [("pair", vec![]), ("amount", vec![0]), ("wide", vec![1])] {
        let rows: Vec<Vec<&str>> = out
            .lines()
            .filter_map(|l| l.strip_prefix(rel)?.strip_prefix('\t'))
            .map(|l| l.split('\t').collect())
            .collect();
        assert!(rows.len() > 100, "{rel}: {} rows", rows.len());
        let mut sorted = rows.clone();
        sorted.sort_by(|p, q| {
            for c in 0..p.len() {
                let o = if numbers.contains(&c) {
                    p[c].parse::<i128>()
                        .unwrap()
                        .cmp(&q[c].parse::<i128>().unwrap())
                } else {
                    p[c].cmp(q[c])
                };
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            std::cmp::Ordering::Equal
        });
        sorted.dedup();
        assert_eq!(rows, sorted, "{rel} is not in display order");
    }
}

#[test]
fn tests_on_a_scanned_symbol_drop_the_rows_they_should() {
    // A membership test and a negation right after a scan, each on one symbol the scan binds:
    // the run-time evaluator asks them of the scanned column before binding the row.
    let d = scratch("symbol-tests");
    let meta = "@cite \"test\"\n@authority statute\n@says \"A pair of a kind, not excluded.\"\n";
    let rules = write(
        &d,
        "r.dl",
        format!(
            ".decl pair(x: symbol, d: symbol)\n.decl kind(d: symbol)\n.decl excluded(x: symbol)\n\
             .decl out(x: symbol, d: symbol)\n@rule out\n{meta}\
             out(X, D) :- pair(X, D), kind(D), !excluded(X).\n"
        )
        .as_bytes(),
    );
    let facts = write(
        &d,
        "f.dl",
        b"pair(\"a\", \"k1\").\npair(\"a\", \"k2\").\npair(\"b\", \"k1\").\npair(\"c\", \"k3\").\n\
          pair(\"d\", \"k9\").\nkind(\"k1\").\nkind(\"k3\").\nexcluded(\"c\").\nexcluded(\"k1\").\n",
    );
    let o = lexproof(&[
        "-q", "derive", "--rules", &rules, "--format", "tsv", "--facts", &facts,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(rows_of(&o, "out"), ["out\ta\tk1", "out\tb\tk1"]);
}

#[test]
fn tests_on_a_scanned_row_drop_the_rows_they_should_across_blocks() {
    // Membership tests and negations right after a first scan, keyed by two of its columns or by
    // a constant and a column: the run-time evaluator asks them of 64 scanned rows at a time
    // before binding any. 150 rows make two whole blocks and a part of one; `one` starts with the
    // 75 rows found by a constant, `out` with every row.
    let d = scratch("row-tests");
    let meta =
        "@cite \"test\"\n@authority statute\n@says \"A row allowed, not gone, not banned.\"\n";
    let rules = write(
        &d,
        "r.dl",
        format!(
            ".decl row(x: symbol, k: symbol, t: date)\n.decl ok(x: symbol, k: symbol)\n\
             .decl gone(k: symbol, t: date)\n.decl banned(by: symbol, x: symbol)\n\
             .decl out(x: symbol, k: symbol, t: date)\n@rule out\n{meta}\
             out(X, K, T) :- row(X, K, T), ok(X, K), !gone(K, T), !banned(\"z\", X).\n\
             .decl one(x: symbol, t: date)\n@rule one\n{meta}\
             one(X, T) :- row(X, \"k1\", T), ok(X, \"k1\"), !gone(\"k1\", T), !banned(\"z\", X).\n"
        )
        .as_bytes(),
    );
    let mut facts = String::new();
    let (mut want, mut want_one) = (Vec::new(), Vec::new());
    for i in 0..150 {
        let (x, k, t) = (
            format!("x{i:03}"),
            format!("k{}", i % 2),
            format!("2025-{:02}-{:02}", 1 + i / 28, 1 + i % 28),
        );
        facts += &format!("row(\"{x}\", \"{k}\", \"{t}\").\n");
        let ok = i % 3 != 0;
        let gone = i % 5 == 0;
        let banned = i % 11 == 0;
        if ok {
            facts += &format!("ok(\"{x}\", \"{k}\").\n");
        }
        if gone {
            facts += &format!("gone(\"{k}\", \"{t}\").\n");
        }
        // Banned by another: no effect.
        facts += &format!("banned(\"{}\", \"{x}\").\n", if banned { "z" } else { "y" });
        if ok && !gone && !banned {
            want.push(format!("out\t{x}\t{k}\t{t}"));
            if k == "k1" {
                want_one.push(format!("one\t{x}\t{t}"));
            }
        }
    }
    let facts = write(&d, "f.dl", facts.as_bytes());
    for threads in ["1", "2"] {
        let o = Command::new(env!("CARGO_BIN_EXE_lexproof"))
            .args([
                "-q", "derive", "--rules", &rules, "--format", "tsv", "--facts", &facts,
            ])
            .env("LEXPROOF_THREADS", threads)
            .output()
            .expect("run lexproof");
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(rows_of(&o, "out"), want, "{threads} thread(s)");
        assert_eq!(rows_of(&o, "one"), want_one, "{threads} thread(s)");
    }
}

#[test]
fn output_dir_names_the_same_failed_file_whatever_the_thread_count() {
    // Files are written several at once; the error must still be the first relation's.
    let dir = scratch("outdir-blocked");
    for name in ["provider.tsv", "obligation.tsv"] {
        std::fs::create_dir_all(dir.join(name).join("not-empty")).unwrap();
    }
    let run = |threads: &str| {
        Command::new(env!("CARGO_BIN_EXE_lexproof"))
            .args(["-q", "derive", "--output-dir", dir.to_str().unwrap()])
            .current_dir(root())
            .env("LEXPROOF_THREADS", threads)
            .output()
            .expect("run lexproof")
    };
    let one = run("1");
    assert_eq!(one.status.code(), Some(2), "{}", stderr(&one));
    let err = stderr(&one);
    // provider comes first in the rules' order of relations.
    assert!(err.contains("provider.tsv: it exists"), "{err}");
    assert!(!err.contains("obligation.tsv"), "{err}");
    for threads in ["2", "4"] {
        let many = run(threads);
        assert_eq!(many.status.code(), Some(2));
        assert_eq!(stderr(&many), err, "{threads} threads");
    }
    // Every other relation's file was written.
    assert!(dir.join("placed_on_market.tsv").is_file());
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
