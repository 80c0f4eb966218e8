//! `lexproof vocab`: the generated vocabulary page is current, entries and suggestions.

use super::*;

/// docs/vocabulary.md is generated from the documentation in rules.dl; it must match what the
/// binary prints, and every input and conclusion relation must be documented with an example.
#[test]
fn vocabulary_doc_is_generated_from_the_rules_and_current() {
    let o = lexproof(&["vocab", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let fresh = stdout(&o);
    let on_disk = std::fs::read_to_string(root().join("docs/vocabulary.md")).unwrap();
    assert!(
        fresh == on_disk,
        "docs/vocabulary.md is stale: run `lexproof vocab --format md > docs/vocabulary.md`"
    );
    let all = stdout(&lexproof(&["vocab"]));
    for rel in [
        "developer",
        "made_available",
        "compute_reached",
        "obligation",
        "duty_status",
    ] {
        assert!(all.contains(&format!("\n{rel}(")), "{rel} missing:\n{all}");
    }
    // Every documented relation has a description, each field a meaning, and an example.
    let text = std::fs::read_to_string(root().join("rules.dl")).unwrap();
    let rb = lexproof::shipped();
    let p = &rb.checked;
    for rel in 0..p.relations.len() {
        if lexproof::rules::vocab::part_of(p, rel) == lexproof::rules::vocab::Part::Helpers {
            continue;
        }
        let r = &p.relations[rel];
        assert!(!r.doc.text.is_empty(), "{} has no @doc", r.name);
        assert!(!r.doc.citations.is_empty(), "{} has no @cite", r.name);
        // A parameter's value is its example, and its one field is the value its @doc describes.
        if r.param {
            assert_eq!(
                p.facts.iter().filter(|f| f.rel == rel).count(),
                1,
                "{}",
                r.name
            );
            continue;
        }
        assert!(!r.doc.examples.is_empty(), "{} has no @example", r.name);
        for (k, a) in r.doc.args.iter().enumerate() {
            assert!(
                !a.is_empty(),
                "{}: field {} has no @arg",
                r.name,
                r.fields[k].0
            );
        }
    }
    for e in &p.enums {
        assert!(!e.doc.is_empty(), "type {} has no @doc", e.name);
        if e.name != "country" {
            for v in &e.values {
                assert!(
                    e.value_docs.contains_key(v),
                    "{}: \"{v}\" has no @value",
                    e.name
                );
            }
        }
    }
    assert!(text.contains("@key model\n.decl training_compute"));
}

#[test]
fn vocab_prints_one_entry_with_its_values_and_suggests_names() {
    let o = lexproof(&["vocab", "made_available"]);
    let out = stdout(&o);
    assert!(o.status.success());
    assert!(
        out.starts_with("made_available(model: model, channel: channel, from: date)"),
        "{out}"
    );
    assert!(
        out.contains("\"app_store\"") && out.contains("Example: made_available("),
        "{out}"
    );
    let o = lexproof(&["vocab", "chanel"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `channel`?"),
        "{}",
        stderr(&o)
    );
    // Suggestions weigh case and the synonyms an enumeration lists.
    let d = scratch("vocab-suggest");
    let f = write(
        &d,
        "f.dl",
        b"established_in(\"acme\", \"de\").\nmade_available(\"m\", \"app\", \"2025-09-01\").\n",
    );
    let o = lexproof(&["-q", "derive", "--facts", &f]);
    let err = stderr(&o);
    assert!(err.contains("did you mean \"DE\"?"), "{err}");
    assert!(err.contains("did you mean \"app_store\"?"), "{err}");
}
