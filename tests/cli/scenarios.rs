//! `lexproof test` and `coverage`: the scenario runner, every scenario passing, every provision covered.

use super::*;

#[test]
fn scenario_runner_reports_passes_and_explains_failures() {
    let o = lexproof(&["test", "tests/scenario-fixtures/passing"]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with("1 passed, 0 failed\n"),
        "{}",
        stdout(&o)
    );
    let o = lexproof(&["test", "tests/scenario-fixtures/failing"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("FAIL tests/scenario-fixtures/failing/wrong_expectations.dl"),
        "{out}"
    );
    // A missing conclusion lists the rules that could have derived it.
    assert!(out.contains(":7: expect obligation(\"p\", \"m2\", \"art53_1_a\").\n      expected to hold, but it does not; rules that could derive it:"), "{out}");
    // An unexpected conclusion prints its proof.
    assert!(out.contains("expected not to hold, but it does:"), "{out}");
    assert!(
        out.contains("by rule art53_1_a_technical_documentation"),
        "{out}"
    );
    assert!(out.contains("no rule has the id `no_such_rule`"), "{out}");
    assert!(
        out.contains("\"M\" appears in no fact and in no rule, so this can never hold")
            && out.contains("did you mean \"m\"?"),
        "{out}"
    );
    assert!(out.ends_with("0 passed, 1 failed\n"), "{out}");
}

#[test]
fn scenario_runner_takes_one_file_and_walks_each_folder_once() {
    let o = lexproof(&[
        "test",
        "tests/scenario-fixtures/passing/../failing/wrong_expectations.dl",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stdout(&o).ends_with("0 passed, 1 failed\n"),
        "{}",
        stdout(&o)
    );
    // A symlink back into the folder is not followed round and round, nor a FIFO opened.
    let d = scratch("scenario-walk");
    std::fs::copy(
        "tests/scenario-fixtures/passing/deemed_placing.dl",
        d.join("deemed_placing.dl"),
    )
    .unwrap();
    std::os::unix::fs::symlink(".", d.join("again")).unwrap();
    let fifo = d.join("blocked.dl");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let o = lexproof(&["test", d.to_str().unwrap()]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).ends_with("1 passed, 0 failed\n"),
        "{}",
        stdout(&o)
    );
    let o = lexproof(&["test", d.join("missing").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("error[unreadable_file]"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn every_scenario_passes_and_every_provision_is_covered() {
    let o = lexproof(&["test"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    let last = out.lines().last().unwrap();
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(
        passed >= 40 && last.ends_with(" passed, 0 failed"),
        "{last}"
    );
    // The run-time evaluator runs the same scenarios to the same verdicts.
    let o = lexproof(&["test", "--engine", "runtime"]);
    assert!(o.status.success(), "{}", stdout(&o));
    let o = lexproof(&["coverage"]);
    let out = stdout(&o);
    assert!(o.status.success(), "{out}");
    assert!(
        !out.contains("UNCOVERED") && !out.contains("UNTESTED"),
        "{out}"
    );
}

#[test]
fn coverage_reads_several_scenario_folders() {
    let dir = scratch("coverage-folders");
    // One more scenario in a folder of its own: its file is counted with the shipped ones.
    write(
        &dir,
        "extra.dl",
        b"// An extra scenario: a developer whose model is never placed is no provider.\nassessment_date(\"2026-11-28\").\ndeveloper(\"m\", \"a\").\nexpect not provider(\"a\", \"m\").\n",
    );
    let extra = dir.to_str().unwrap();
    let count = |out: &str| -> usize {
        // "105 provisions: 105 cited and tested by 107 scenarios, ..."
        let line = out
            .lines()
            .find(|l| l.contains(" scenarios, "))
            .unwrap_or_else(|| panic!("coverage counts its scenarios:\n{out}"));
        let after = line
            .split("tested by ")
            .nth(1)
            .unwrap_or_else(|| panic!("{line}"));
        after.split_whitespace().next().unwrap().parse().unwrap()
    };
    let one = lexproof(&["coverage"]);
    let two = lexproof(&[
        "coverage",
        "--scenarios",
        "tests/scenarios",
        "--scenarios",
        extra,
    ]);
    assert!(two.status.success(), "{}", stderr(&two));
    assert_eq!(count(&stdout(&two)), count(&stdout(&one)) + 1);
}
