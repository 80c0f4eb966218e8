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
