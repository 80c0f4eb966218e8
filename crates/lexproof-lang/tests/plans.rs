//! Snapshots of the plans both engines follow, for the fixed test rulebases: a change in how a rule
//! runs shows up here as a diff to review (`LEXPROOF_UPDATE_GOLDEN=1` rewrites the snapshots).

use std::path::Path;

#[test]
fn plans_of_the_test_rulebases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut failures = Vec::new();
    for name in ["edge", "graph", "joins"] {
        let path = root.join(format!("tests/rulebases/compiled/{name}.dl"));
        let text = std::fs::read_to_string(&path).unwrap();
        let file = lexproof_lang::SourceFile::new(format!("{name}.dl"), text);
        let (checked, _) = lexproof_lang::load_rules(&file).expect("the test rulebase checks");
        let got = lexproof_lang::plan::describe(&checked);
        let golden = root.join(format!("tests/golden/plans/{name}.txt"));
        if std::env::var_os("LEXPROOF_UPDATE_GOLDEN").is_some() {
            std::fs::write(&golden, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if got != want {
            failures.push(format!("{}:\n{got}", golden.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "plans differ from the snapshots (review, then LEXPROOF_UPDATE_GOLDEN=1):\n{}",
        failures.join("\n")
    );
}

#[test]
fn a_membership_test_goes_before_the_negations_ready_with_it() {
    let text = r#".decl r(a: symbol, d: symbol)
.decl x(a: symbol)
.decl kind(d: symbol)
.decl flag(a: symbol)
.decl h(a: symbol)

@rule h
@cite "test"
@authority statute
@says "A row of a kind, not excepted, while the flag is on."
h(A) :- r(A, D), !x(A), kind(D), flag("on").
"#;
    let file = lexproof_lang::SourceFile::new("t.dl".to_string(), text.to_string());
    let (checked, _) = lexproof_lang::load_rules(&file).expect("the rules check");
    let plan = lexproof_lang::plan::describe(&checked);
    let step = |prefix: &str| {
        plan.lines()
            .position(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("no `{prefix}` step in\n{plan}"))
    };
    // After the scan, the test on what it bound comes before the negation written before it.
    assert!(step("scan r") < step("member kind"), "{plan}");
    assert!(step("member kind") < step("absent x"), "{plan}");
}
