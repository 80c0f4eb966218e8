//! The input shapes people already have (issue: real inputs): CSV, headed TSV, keyed JSON, model
//! cards and CycloneDX BOMs give the same conclusions as the equivalent `.dl`, and their mistakes
//! are located errors.

use super::*;

fn derive_json(facts: &[&str]) -> Output {
    let mut args = vec!["-q", "derive", "--format", "json"];
    for f in facts {
        args.push("--facts");
        args.push(f);
    }
    lexproof(&args)
}

#[test]
fn csv_headed_tsv_and_keyed_json_conclude_exactly_what_the_dl_does() {
    let reference = derive_json(&["tests/formats/portfolio.dl"]);
    assert!(reference.status.success(), "{}", stderr(&reference));
    let text = stdout(&reference);
    assert!(
        text.contains("\"obligation\"") && text.contains("orca, inc."),
        "{text}"
    );
    for other in [
        "tests/formats/csv",
        "tests/formats/tsv",
        "tests/formats/keyed.json",
    ] {
        let o = derive_json(&[other]);
        assert!(o.status.success(), "{other}: {}", stderr(&o));
        assert!(
            o.stdout == reference.stdout,
            "{other} concludes differently"
        );
    }
    // Origins point into the CSV: the fact's line.
    let o = lexproof(&[
        "-q",
        "explain",
        "developer(\"orca-chat\", \"orca, inc.\")",
        "--facts",
        "tests/formats/csv",
    ]);
    assert!(
        stdout(&o).contains("tests/formats/csv/developer.csv:3"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn model_cards_and_boms_import_to_the_documented_facts_and_load_directly() {
    let o = lexproof(&["import", "hf-card", "examples/import/hf"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected =
        std::fs::read_to_string(root().join("examples/import/expected/hf-portfolio.dl")).unwrap();
    assert_eq!(stdout(&o), expected);
    let err = stderr(&o);
    assert!(
        err.contains(
            "acme--qwen-legal-7b/README.md:5: field `license`: not mapped: `cc-by-nc-4.0`"
        ),
        "{err}"
    );
    assert!(
        err.contains("not stated: developer, training_compute"),
        "{err}"
    );
    for card in ["acme--atlas-7b", "acme--qwen-legal-7b", "legal-merge"] {
        let o = lexproof(&[
            "import",
            "hf-card",
            &format!("examples/import/hf/{card}/README.md"),
        ]);
        let expected =
            std::fs::read_to_string(root().join(format!("examples/import/expected/{card}.dl")))
                .unwrap();
        assert_eq!(stdout(&o), expected, "{card}");
    }
    let o = lexproof(&["import", "cyclonedx", "examples/import/cyclonedx/bom.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected = std::fs::read_to_string(root().join("examples/import/expected/bom.dl")).unwrap();
    assert_eq!(stdout(&o), expected);
    assert!(
        stderr(&o).contains("field `supplier`: not mapped"),
        "{}",
        stderr(&o)
    );
    // Read directly under --facts, a card or a BOM concludes what its import does.
    let supplement = "tests/formats/import-supplement.dl";
    let direct = derive_json(&["examples/import/hf", supplement]);
    let imported = derive_json(&["examples/import/expected/hf-portfolio.dl", supplement]);
    assert!(direct.status.success(), "{}", stderr(&direct));
    assert!(stdout(&direct).contains("\"provider\""));
    assert!(direct.stdout == imported.stdout);
    let direct = derive_json(&["examples/import/cyclonedx", supplement]);
    let imported = derive_json(&["examples/import/expected/bom.dl", supplement]);
    assert!(direct.status.success(), "{}", stderr(&direct));
    assert!(direct.stdout == imported.stdout);
    // Every imported fact keeps its origin in the source.
    let o = lexproof(&[
        "-q",
        "explain",
        "modified_from(\"acme/qwen-legal-7b\", \"Qwen/Qwen2.5-7B-Instruct\")",
        "--facts",
        "examples/import/hf",
    ]);
    assert!(
        stdout(&o).contains("examples/import/hf/acme--qwen-legal-7b/README.md:3"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn bad_csv_cards_and_boms_are_located_errors() {
    let d = scratch("formats-bad");
    let csv = write(
        &d,
        "training_compute.csv",
        b"model,flop\nm1,\"3,000,000\"\nm2,4e24\n",
    );
    let o = lexproof(&["-q", "derive", "--facts", &csv]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("training_compute.csv:2:4: error[invalid_number]"),
        "{err}"
    );
    assert!(err.contains("thousands"), "{err}");
    let card = write(&d, "README.md", b"# Notes about this folder\n");
    let o = lexproof(&["-q", "derive", "--facts", &card]);
    assert!(
        stderr(&o).contains("README.md:1:1: error[not_a_model_card]"),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(2));
    // In a folder, --skip-unknown passes over notes that are not a card.
    let notes = scratch("formats-notes");
    write(&notes, "README.md", b"# Notes about this folder\n");
    write(&notes, "facts.dl", b"developer(\"m\", \"p\").\n");
    let o = lexproof(&[
        "-q",
        "derive",
        "--skip-unknown",
        "--facts",
        notes.to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("skipped 1 file(s)") && err.contains("README.md"),
        "{err}"
    );
    let bom = write(
        &d,
        "bom.json",
        b"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.4\"}\n",
    );
    let o = lexproof(&["-q", "derive", "--facts", &bom]);
    assert!(stderr(&o).contains("bom.json:1:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("error[not_a_bom]"), "{}", stderr(&o));
    let o = lexproof(&["import", "cyclonedx", &bom]);
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let keyed = write(
        &d,
        "k.json",
        b"{\"developer\": [{\"model\": \"m\", \"actr\": \"p\"}]}\n",
    );
    let o = lexproof(&["-q", "derive", "--facts", &keyed]);
    let err = stderr(&o);
    assert!(err.contains("k.json:1:31: error[unknown_field]"), "{err}");
    assert!(err.contains("did you mean `actor`?"), "{err}");
}

#[test]
fn people_read_numbers_as_powers_of_ten_and_machines_get_them_exact() {
    let atom = "exceeds_compute(\"borealis-70\", 1e23)";
    let text = stdout(&lexproof(&["-q", "explain", atom]));
    assert!(
        text.contains("training_compute(\"borealis-70\", 2.1×10^25)"),
        "{text}"
    );
    assert!(!text.contains("21000000000000000000000000"), "{text}");
    let prose = stdout(&lexproof(&["-q", "explain", atom, "--format", "prose"]));
    assert!(prose.contains("2.1×10^25"), "{prose}");
    let json = stdout(&lexproof(&["-q", "explain", atom, "--format", "json"]));
    // JSON atoms and values stay exact (a condition's text is prose, written as people read it).
    assert!(
        json.contains(
            "\"atom\": \"training_compute(\\\"borealis-70\\\", 21000000000000000000000000)\""
        ),
        "{json}"
    );
    let q = stdout(&lexproof(&[
        "-q",
        "query",
        "training_compute(\"borealis-70\", F)",
    ]));
    assert_eq!(
        q,
        "training_compute(\"borealis-70\", 21000000000000000000000000).\n"
    );
    // Deadlines are read with their weekday.
    let report = stdout(&lexproof(&["-q", "report"]));
    assert!(
        report.contains("Mon ") || report.contains("Tue ") || report.contains("Fri "),
        "{report}"
    );
}

#[test]
fn misspelt_models_and_actors_get_a_suggestion_from_the_facts() {
    let o = lexproof(&["-q", "query", "obligation(A, \"auroa-m\", D)"]);
    assert!(o.status.success() && o.stdout.is_empty());
    assert!(
        stderr(&o).contains("did you mean \"aurora-m\"?"),
        "{}",
        stderr(&o)
    );
    let o = lexproof(&["-q", "explain", "provider(\"aurora-labs\", \"Aurora-M\")"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("did you mean \"aurora-m\"?"),
        "{}",
        stderr(&o)
    );
    let o = lexproof(&["-q", "report", "--actor", "aurora-lab"]);
    assert!(
        stderr(&o).contains("did you mean \"aurora-labs\"?"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn suggestions_keep_to_the_role_of_the_argument_misspelt() {
    // "aurora-lab" is nearest to the actor "aurora-labs", but it is written where a model goes.
    let o = lexproof(&["-q", "query", "gpai_model(\"aurora-lab\")"]);
    let e = stderr(&o);
    assert!(e.contains("did you mean \"aurora-m\"?"), "{e}");
    assert!(!e.contains("aurora-labs"), "{e}");
    // A lower-case country code written as a model is not answered with the country.
    let o = lexproof(&["-q", "why-not", "gpai_model(\"at\")"]);
    assert!(
        stdout(&o).contains("\"at\" appears in no fact"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("\"AT\""), "{}", stdout(&o));
    // An actor's name misspelt after --actor gets the actor, not the nearest model.
    let o = lexproof(&["-q", "report", "--actor", "aurora-m-labs"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("did you mean \"aurora-labs\"?"),
        "{}",
        stderr(&o)
    );
    // A timeline of something that is not a model says so, and fails.
    let o = lexproof(&["-q", "timeline", "AT"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("\"AT\" is not a model"),
        "{}",
        stderr(&o)
    );
    // An expectation naming an unknown model suggests a model, not the nearer actor "acme".
    let dir = scratch("role-suggest");
    let f = write(
        &dir,
        "s.dl",
        b"developer(\"acme-1\", \"acme\").\nestablished_in(\"acme\", \"FR\").\nexpect not gpai_model(\"acmee\").\n",
    );
    let o = lexproof(&["test", &f]);
    assert!(!o.status.success());
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(out.contains("did you mean \"acme-1\"?"), "{out}");
}

#[test]
fn csv_from_a_spreadsheet_with_semicolons_reads_the_same() {
    let d = scratch("formats-semicolon");
    write(
        &d,
        "developer.csv",
        b"model;actor\r\naurora-m;aurora-labs\r\norca-chat;\"orca; inc.\"\r\n",
    );
    let o = lexproof(&[
        "-q",
        "query",
        "developer(M, A)",
        "--facts",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "developer(\"aurora-m\", \"aurora-labs\").\ndeveloper(\"orca-chat\", \"orca; inc.\").\n"
    );
}

#[test]
fn bom_countries_read_as_the_rulebase_writes_them() {
    let d = scratch("formats-bom-country");
    let bom = write(
        &d,
        "bom.json",
        br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"type": "machine-learning-model", "name": "m", "group": "acme",
   "manufacturer": {"name": "Acme", "address": {"country": "uk"}}},
  {"type": "machine-learning-model", "name": "n", "purl": "pkg:HuggingFace/Org/N@1",
   "manufacturer": {"name": "Org", "address": {"country": "Narnia"}}},
  {"type": "machine-learning-model", "name": "", "group": "g"}
]}
"#,
    );
    let o = lexproof(&["import", "cyclonedx", &bom]);
    let (out, err) = (stdout(&o), stderr(&o));
    assert!(o.status.success(), "{err}");
    assert!(out.contains("established_in(\"Acme\", \"GB\")."), "{out}");
    assert!(out.contains("developer(\"Org/N\", \"Org\")."), "{out}");
    assert!(!out.contains("\"g/\""), "{out}");
    assert!(
        err.contains("`Narnia` is not an ISO 3166-1 alpha-2 code"),
        "{err}"
    );
    let o = lexproof(&["-q", "derive", "--facts", &bom]);
    assert!(o.status.success(), "{}", stderr(&o));
}
