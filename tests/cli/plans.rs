//! The run-time evaluator's shortcuts through a rule's plan (premises settled before the rule
//! runs, lookups narrowed by the comparison after them): each must give what the plan gives
//! without it, checked here against answers worked out by hand from the facts.

use super::*;

const META: &str = "@cite \"test\"\n@authority statute\n@says \"A test rule.\"\n";

/// `rules` (one rule per line, each named by its head) with their metadata.
fn rules_file(dir: &Path, decls: &str, rules: &[&str]) -> String {
    let mut text = decls.to_string();
    for (i, r) in rules.iter().enumerate() {
        text += &format!("@rule r{i}\n{META}{r}\n");
    }
    write(dir, "r.dl", text.as_bytes())
}

/// Derives with the rules file `rules` on `facts` on `threads` threads, as TSV.
fn derive_on(rules: &str, facts: &str, threads: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lexproof"))
        .args([
            "-q", "derive", "--rules", rules, "--format", "tsv", "--facts", facts,
        ])
        .env("LEXPROOF_THREADS", threads)
        .output()
        .expect("run lexproof")
}

/// The TSV rows of relation `rel` a run printed, sorted.
fn sorted_rows(o: &Output, rel: &str) -> Vec<String> {
    let mut rows = rows_of(o, rel);
    rows.sort();
    rows
}

fn sorted(mut rows: Vec<String>) -> Vec<String> {
    rows.sort();
    rows.dedup();
    rows
}

/// Events: ten models, a hundred events, dates in 2025 with repeats.
fn events() -> Vec<(String, String)> {
    (0..100)
        .map(|i| {
            (
                format!("x{}", i % 10),
                format!("2025-{:02}-{:02}", 1 + (i * 7) % 12, 1 + (i * 3) % 28),
            )
        })
        .collect()
}

#[test]
fn premises_settled_before_a_rule_runs_give_the_rules_answers() {
    // One-row relations (a cut-off day, a keyed pair) become constants, a comparison of
    // constants and premises on an empty relation hold or fail once: the answers stay those of
    // the rules read literally, and a proof still names the one-row fact.
    let d = scratch("settled-premises");
    let rules = rules_file(
        &d,
        ".decl event(x: symbol, on: date)\n.decl cutoff(on: date)\n.decl limit(on: date)\n\
         .decl nobody(x: symbol)\n.decl pair(k: symbol, on: date)\n\
         .decl before_cutoff(x: symbol, on: date)\n.decl before_a_limit(x: symbol, on: date)\n\
         .decl counted(x: symbol)\n.decl with_nobody(x: symbol)\n.decl late_cutoff(x: symbol)\n\
         .decl paired(x: symbol, on: date)\n.decl unpaired(x: symbol, on: date)\n\
         .decl gone(x: symbol, on: date, why: symbol)\n.decl after_cutoff(x: symbol, on: date)\n",
        &[
            "before_cutoff(X, D) :- event(X, D), cutoff(C), D < C.",
            "before_a_limit(X, D) :- event(X, D), limit(L), D < L.",
            "counted(X) :- event(X, _), !nobody(X).",
            "with_nobody(X) :- event(X, _), nobody(X).",
            "late_cutoff(X) :- event(X, _), cutoff(C), C > \"2030-01-01\".",
            "paired(X, D) :- event(X, D), pair(\"a\", P), D = P.",
            "unpaired(X, D) :- event(X, D), pair(\"b\", P), D = P.",
            // Starts with the one-row relation: the negation after the scan of `event` is
            // answered as the indexes built for the plan as written expect.
            "after_cutoff(X, D) :- cutoff(C), event(X, D), !gone(X, D, _), C < D.",
        ],
    );
    let ev = events();
    let mut facts: String = ev
        .iter()
        .map(|(x, t)| format!("event(\"{x}\", \"{t}\").\n"))
        .collect();
    facts += "cutoff(\"2025-06-01\").\nlimit(\"2025-03-01\").\nlimit(\"2025-09-01\").\n\
              pair(\"a\", \"2025-08-04\").\n";
    let gone = |i: usize| i.is_multiple_of(4);
    for (i, (x, t)) in ev.iter().enumerate().filter(|&(i, _)| gone(i)) {
        facts += &format!("gone(\"{x}\", \"{t}\", \"w{i}\").\n");
    }
    let facts = write(&d, "f.dl", facts.as_bytes());
    let want = |rel: &str, keep: &dyn Fn(&str) -> bool, with_day: bool| {
        sorted(
            ev.iter()
                .filter(|(_, t)| keep(t))
                .map(|(x, t)| match with_day {
                    true => format!("{rel}\t{x}\t{t}"),
                    false => format!("{rel}\t{x}"),
                })
                .collect(),
        )
    };
    let before = want("before_cutoff", &|t| t < "2025-06-01", true);
    let paired = want("paired", &|t| t == "2025-08-04", true);
    let gone_days: Vec<&(String, String)> = ev
        .iter()
        .enumerate()
        .filter(|&(i, _)| gone(i))
        .map(|(_, e)| e)
        .collect();
    let after = sorted(
        ev.iter()
            .filter(|e| e.1.as_str() > "2025-06-01" && !gone_days.contains(e))
            .map(|(x, t)| format!("after_cutoff\t{x}\t{t}"))
            .collect(),
    );
    assert!(!before.is_empty() && !paired.is_empty() && before.len() < ev.len());
    for threads in ["1", "2"] {
        let o = derive_on(&rules, &facts, threads);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(sorted_rows(&o, "before_cutoff"), before, "{threads}");
        assert_eq!(
            sorted_rows(&o, "before_a_limit"),
            want("before_a_limit", &|t| t < "2025-09-01", true),
            "{threads}"
        );
        assert_eq!(
            sorted_rows(&o, "counted"),
            want("counted", &|_| true, false),
            "{threads}"
        );
        assert_eq!(sorted_rows(&o, "paired"), paired, "{threads}");
        assert_eq!(sorted_rows(&o, "after_cutoff"), after, "{threads}");
        for none in ["with_nobody", "late_cutoff", "unpaired"] {
            assert_eq!(sorted_rows(&o, none), Vec::<String>::new(), "{none}");
        }
    }
    // The instance records the cut-off its comparison read.
    let (x, t) = ev.iter().find(|(_, t)| t.as_str() < "2025-06-01").unwrap();
    let o = lexproof(&[
        "-q",
        "explain",
        "--rules",
        &rules,
        "--facts",
        &facts,
        &format!("before_cutoff(\"{x}\", \"{t}\")"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("cutoff(\"2025-06-01\")"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn arithmetic_before_a_premise_on_an_empty_relation_still_fails() {
    // The rule finds nothing (`nobody` is empty), but its plan squares a number first, for each
    // row of the one-row `big`: the overflow is reported as it is without the shortcut.
    let d = scratch("settled-arithmetic");
    let rules = rules_file(
        &d,
        ".decl big(n: number)\n.decl event(x: symbol, on: date)\n.decl nobody(x: symbol)\n\
         .decl squared(x: symbol, m: number)\n",
        &["squared(X, M) :- big(N), M = N * N, event(X, _), nobody(X)."],
    );
    let facts = write(
        &d,
        "f.dl",
        b"big(100000000000000000000000000000).\nevent(\"x\", \"2025-01-01\").\n",
    );
    let o = derive_on(&rules, &facts, "1");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("error[arithmetic_error]: rule `r0`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn lookups_narrowed_by_the_comparison_after_them_keep_the_rows_they_should() {
    // A lookup of a model's events followed by a comparison with a day in hand: the evaluator
    // reads the events in date order and keeps the part the comparison allows. Every operator,
    // the event's day on either side, equal days, a compared column that is not next to the key,
    // a recursive component, and a relation looked up while it grows.
    let d = scratch("narrowed-lookups");
    let rules = rules_file(
        &d,
        ".decl ev(x: symbol, on: date)\n.decl ev3(x: symbol, k: symbol, on: date)\n\
         .decl first(x: symbol, on: date)\n\
         .decl lt(x: symbol, d: date, e: date)\n.decl le(x: symbol, d: date, e: date)\n\
         .decl gt(x: symbol, d: date, e: date)\n.decl ge(x: symbol, d: date, e: date)\n\
         .decl eq(x: symbol, d: date, e: date)\n.decl ne(x: symbol, d: date, e: date)\n\
         .decl after3(x: symbol, d: date, e: date)\n.decl later(x: symbol, on: date)\n\
         .decl gap(x: symbol, d: date, e: date)\n\
         .decl back(x: symbol, on: date)\n.decl last(x: symbol, on: date)\n\
         .decl step(x: symbol, from: date, to: date)\n",
        &[
            "lt(X, D, E) :- ev(X, D), ev(X, E), E < D.",
            "le(X, D, E) :- ev(X, D), ev(X, E), E <= D.",
            "gt(X, D, E) :- ev(X, D), ev(X, E), D < E.",
            "ge(X, D, E) :- ev(X, D), ev(X, E), D <= E.",
            "eq(X, D, E) :- ev(X, D), ev3(X, _, E), E = D.",
            "ne(X, D, E) :- ev(X, D), ev(X, E), E != D.",
            "after3(X, D, E) :- ev(X, D), ev3(X, _, E), E > D.",
            "later(X, D) :- first(X, D).",
            "later(X, D) :- ev(X, D), later(X, E), E < D.",
            // `back` grows by one earlier day per model and round; `gap` is in its component (it
            // adds nothing to it), so its lookups of `back` read a relation still growing.
            "back(X, D) :- last(X, D).",
            "back(X, E) :- back(X, D), step(X, D, E).",
            "gap(X, D, E) :- back(X, D), back(X, E), E < D.",
            "back(X, D) :- gap(X, D, _).",
        ],
    );
    // Models with one event each come first, so that the ids of the others are sparse: `back`'s
    // lookups then go through a sorted index, merged with each round's new rows.
    let ev: Vec<(String, String)> = (0..400)
        .map(|i| (format!("m{i:03}"), "2025-01-01".to_string()))
        .chain(events())
        .collect();
    let ev3: Vec<(String, String, String)> = (0..60)
        .map(|i| {
            (
                format!("x{}", i % 10),
                format!("k{}", (i * 7) % 5),
                format!("2025-{:02}-{:02}", 1 + (i * 5) % 12, 1 + (i * 3) % 28),
            )
        })
        .collect();
    let first: Vec<(String, String)> = (0..10)
        .filter(|i| i % 3 != 0)
        .map(|i| {
            let x = format!("x{i}");
            let days: Vec<&String> = ev.iter().filter(|(y, _)| *y == x).map(|(_, t)| t).collect();
            (x, days[i % days.len()].clone())
        })
        .collect();
    let mut facts = String::new();
    for (x, t) in &ev {
        facts += &format!("ev(\"{x}\", \"{t}\").\n");
    }
    for (x, k, t) in &ev3 {
        facts += &format!("ev3(\"{x}\", \"{k}\", \"{t}\").\n");
    }
    for (x, t) in &first {
        facts += &format!("first(\"{x}\", \"{t}\").\n");
    }
    // Each model's days from the last back to the first, one step each.
    let mut back = Vec::new();
    for (x, _) in &first {
        let days = sorted(
            ev.iter()
                .filter(|(y, _)| y == x)
                .map(|(_, t)| t.clone())
                .collect(),
        );
        facts += &format!("last(\"{x}\", \"{}\").\n", days[days.len() - 1]);
        for w in days.windows(2) {
            facts += &format!("step(\"{x}\", \"{}\", \"{}\").\n", w[1], w[0]);
        }
        back.extend(days.into_iter().map(|t| (x.clone(), t)));
    }
    let facts = write(&d, "f.dl", facts.as_bytes());
    let pairs = |rel: &str, keep: &dyn Fn(&str, &str) -> bool| {
        let mut rows = Vec::new();
        for (x, dd) in &ev {
            for (y, e) in &ev {
                if x == y && keep(dd, e) {
                    rows.push(format!("{rel}\t{x}\t{dd}\t{e}"));
                }
            }
        }
        sorted(rows)
    };
    let with3 = |rel: &str, keep: &dyn Fn(&str, &str) -> bool| {
        let mut rows = Vec::new();
        for (x, dd) in &ev {
            for (y, _, e) in &ev3 {
                if x == y && keep(dd, e) {
                    rows.push(format!("{rel}\t{x}\t{dd}\t{e}"));
                }
            }
        }
        sorted(rows)
    };
    // `later`: a model's first day, and every event day after it.
    let later = sorted(
        first
            .iter()
            .flat_map(|(x, f)| {
                std::iter::once(format!("later\t{x}\t{f}")).chain(
                    ev.iter()
                        .filter(move |(y, t)| y == x && t > f)
                        .map(|(y, t)| format!("later\t{y}\t{t}")),
                )
            })
            .collect(),
    );
    let mut gap = Vec::new();
    for (x, dd) in &back {
        for (y, e) in &back {
            if x == y && e < dd {
                gap.push(format!("gap\t{x}\t{dd}\t{e}"));
            }
        }
    }
    let expected = [
        ("lt", pairs("lt", &|d, e| e < d)),
        ("le", pairs("le", &|d, e| e <= d)),
        ("gt", pairs("gt", &|d, e| d < e)),
        ("ge", pairs("ge", &|d, e| d <= e)),
        ("ne", pairs("ne", &|d, e| e != d)),
        ("eq", with3("eq", &|d, e| e == d)),
        ("after3", with3("after3", &|d, e| e > d)),
        ("later", later),
        ("gap", sorted(gap)),
    ];
    for (rel, rows) in &expected {
        assert!(!rows.is_empty(), "{rel} has answers to check");
    }
    for threads in ["1", "2"] {
        let o = derive_on(&rules, &facts, threads);
        assert!(o.status.success(), "{}", stderr(&o));
        for (rel, rows) in &expected {
            assert_eq!(&sorted_rows(&o, rel), rows, "{rel} on {threads} thread(s)");
        }
    }
}

#[test]
fn instances_added_a_lookup_at_a_time_are_each_recorded() {
    // The plan ends with the lookup of a model's earlier events: the rows it finds become
    // instances at once, all with the one head the rule gives the event. Each is a proof.
    let d = scratch("instances-at-once");
    let rules = rules_file(
        &d,
        ".decl ev(x: symbol, on: date)\n.decl later(x: symbol, on: date)\n\
         .decl copied(x: symbol, on: date)\n",
        &[
            "later(X, D) :- ev(X, D), ev(X, E), E < D.",
            "copied(X, D) :- ev(X, D).",
        ],
    );
    let ev = events();
    let facts: String = ev
        .iter()
        .map(|(x, t)| format!("ev(\"{x}\", \"{t}\").\n"))
        .collect();
    let facts = write(&d, "f.dl", facts.as_bytes());
    let (x, t) = ev
        .iter()
        .max_by_key(|(x, t)| ev.iter().filter(|(y, e)| y == x && e < t).count())
        .unwrap();
    let earlier = sorted(
        ev.iter()
            .filter(|(y, e)| y == x && e < t)
            .map(|(_, e)| e.clone())
            .collect(),
    );
    assert!(earlier.len() > 2, "several instances to check");
    for threads in ["1", "2"] {
        let o = Command::new(env!("CARGO_BIN_EXE_lexproof"))
            .args([
                "-q", "explain", "--all", "--rules", &rules, "--facts", &facts,
            ])
            .arg(format!("later(\"{x}\", \"{t}\")"))
            .env("LEXPROOF_THREADS", threads)
            .output()
            .expect("run lexproof");
        assert!(o.status.success(), "{}", stderr(&o));
        let text = stdout(&o);
        let instances: Vec<&str> = text.lines().filter(|l| l.contains("instance:")).collect();
        assert_eq!(instances.len(), earlier.len(), "{text}");
        for e in &earlier {
            let one = format!("ev(\"{x}\", \"{t}\"), ev(\"{x}\", \"{e}\"), \"{e}\" < \"{t}\".");
            assert!(
                instances.iter().any(|l| l.ends_with(&one)),
                "{one} in {text}"
            );
        }
        let o = derive_on(&rules, &facts, threads);
        assert!(o.status.success(), "{}", stderr(&o));
        let want = sorted(
            ev.iter()
                .map(|(x, t)| format!("copied\t{x}\t{t}"))
                .collect(),
        );
        assert_eq!(sorted_rows(&o, "copied"), want);
    }
}

#[test]
fn a_growing_relation_looked_up_by_two_columns_keeps_every_row() {
    // `r` is looked up by its first two columns while it grows, one day a round: its index starts
    // grouped by the column with the most values (the second), then has too many rows a value for
    // that and is sorted by both columns; every row must still be found.
    let d = scratch("growing-two-column-index");
    let rules = rules_file(
        &d,
        ".decl seed(x: symbol, y: symbol, on: date)\n.decl next(on: date, then: date)\n\
         .decl r(x: symbol, y: symbol, on: date)\n\
         .decl pair(x: symbol, y: symbol, d: date, e: date)\n",
        &[
            "r(X, Y, D) :- seed(X, Y, D).",
            "r(X, Y, E) :- r(X, Y, D), next(D, E).",
            "pair(X, Y, D, E) :- r(X, Y, D), r(X, Y, E), D < E.",
            "r(X, Y, E) :- pair(X, Y, _, E).",
        ],
    );
    let day = |i: usize| format!("2025-01-{:02}", i + 1);
    let mut facts = String::new();
    for x in 0..2 {
        for y in 0..10 {
            facts += &format!("seed(\"a{x}\", \"b{y}\", \"{}\").\n", day(0));
        }
    }
    for i in 0..20 {
        facts += &format!("next(\"{}\", \"{}\").\n", day(i), day(i + 1));
    }
    let facts = write(&d, "f.dl", facts.as_bytes());
    let mut want = Vec::new();
    for x in 0..2 {
        for y in 0..10 {
            for i in 0..21 {
                for j in i + 1..21 {
                    want.push(format!("pair\ta{x}\tb{y}\t{}\t{}", day(i), day(j)));
                }
            }
        }
    }
    for threads in ["1", "2"] {
        let o = derive_on(&rules, &facts, threads);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(sorted_rows(&o, "pair"), sorted(want.clone()), "{threads}");
    }
}

#[test]
fn lookups_and_tests_by_keys_in_order_find_what_the_rules_say() {
    // A rule that reads a relation whole and looks another up by the first columns of each row
    // (or tests them) asks for its keys in order: the evaluator then walks the other relation
    // forward instead of probing an index. Lookups of several columns, a lookup narrowed by the
    // day after it, negations and membership tests right after the first scan and later in the
    // plan, a relation derived by recursion read so, and a key in another order (an index, as
    // before) must all give what the rules say.
    let d = scratch("keys-in-order");
    let rules = rules_file(
        &d,
        ".decl duty(a: symbol, m: symbol, d: symbol)\n\
         .decl due(a: symbol, m: symbol, d: symbol, on: date)\n\
         .decl met(a: symbol, m: symbol, d: symbol)\n.decl waived(a: symbol, m: symbol)\n\
         .decl link(x: symbol, y: symbol)\n.decl reach(x: symbol, y: symbol)\n\
         .decl due_before(a: symbol, m: symbol, d: symbol, on: date)\n\
         .decl open(a: symbol, m: symbol, d: symbol, on: date)\n\
         .decl spared(a: symbol, m: symbol, d: symbol)\n\
         .decl early(a: symbol, m: symbol, d: symbol, on: date)\n\
         .decl first_due(a: symbol, m: symbol, d: symbol, on: date)\n\
         .decl unmet_late(a: symbol, m: symbol, d: symbol, n: number)\n\
         .decl far(a: symbol, m: symbol, d: symbol)\n\
         .decl swapped(a: symbol, m: symbol, d: symbol)\n\
         .decl unmet_anywhere(a: symbol, m: symbol, d: symbol)\n\
         .decl held(z: symbol, a: symbol, m: symbol)\n.decl unheld(a: symbol, m: symbol, d: symbol)\n",
        &[
            "open(A, M, D, T) :- duty(A, M, D), !met(A, M, D), due(A, M, D, T).",
            "spared(A, M, D) :- duty(A, M, D), waived(A, M).",
            "early(A, M, D, T) :- duty(A, M, D), due(A, M, D, T), T < \"2025-06-15\".",
            "due_before(A, M, D, T) :- due(A, M, D, T), due(A, M, D, S), S < T.",
            "first_due(A, M, D, T) :- due(A, M, D, T), !due_before(A, M, D, T).",
            "unmet_late(A, M, D, N) :- duty(A, M, D), N = 1, !met(A, M, D), !waived(A, M).",
            "reach(X, Y) :- link(X, Y).",
            "reach(X, Z) :- reach(X, Y), link(Y, Z).",
            "far(A, M, D) :- duty(A, M, D), reach(A, M).",
            "swapped(A, M, D) :- duty(A, M, D), waived(M, A).",
            "unmet_anywhere(A, M, D) :- duty(A, M, D), !met(_, M, D).",
            // The key is the scan's first columns, but not the negated relation's.
            "unheld(A, M, D) :- duty(A, M, D), !held(_, A, M).",
        ],
    );
    let day = |i: usize| format!("2025-{:02}-{:02}", 1 + i % 12, 1 + (i * 7) % 28);
    let mut duty = Vec::new();
    for i in 0..700usize {
        duty.push((
            format!("a{}", i % 23),
            format!("m{}", (i * 7) % 31),
            format!("d{}", (i * 3) % 5),
        ));
    }
    duty.sort();
    duty.dedup();
    let due: Vec<_> = duty
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 4 != 1)
        .flat_map(|(i, (a, m, dd))| {
            (0..1 + i % 3).map(move |j| (a.clone(), m.clone(), dd.clone(), day(i + 5 * j)))
        })
        .collect();
    let met: Vec<_> = duty
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 == 0)
        .map(|(_, x)| x.clone())
        .collect();
    let waived: Vec<(String, String)> = (0..60usize)
        .map(|i| (format!("a{}", (i * 5) % 23), format!("m{}", (i * 11) % 31)))
        .chain((0..20usize).map(|i| (format!("m{}", (i * 3) % 31), format!("a{}", i % 23))))
        .collect();
    let link: Vec<(String, String)> = (0..23usize)
        .map(|i| (format!("a{i}"), format!("a{}", (i + 1) % 23)))
        .chain(
            (0..23usize)
                .filter(|i| i % 4 == 0)
                .map(|i| (format!("a{i}"), format!("m{}", (i * 13) % 31))),
        )
        .collect();
    // Facts in a shuffled order, so that symbol ids (the order relations are sorted by) follow
    // neither the text nor the order of the rows.
    let mut lines = Vec::new();
    for (a, m, dd) in &duty {
        lines.push(format!("duty(\"{a}\", \"{m}\", \"{dd}\")."));
    }
    for (a, m, dd, t) in &due {
        lines.push(format!("due(\"{a}\", \"{m}\", \"{dd}\", \"{t}\")."));
    }
    for (a, m, dd) in &met {
        lines.push(format!("met(\"{a}\", \"{m}\", \"{dd}\")."));
    }
    for (a, m) in &waived {
        lines.push(format!("waived(\"{a}\", \"{m}\")."));
    }
    for (x, y) in &link {
        lines.push(format!("link(\"{x}\", \"{y}\")."));
    }
    let held: Vec<(String, String)> = waived.iter().skip(7).cloned().collect();
    for (a, m) in &held {
        lines.push(format!("held(\"z\", \"{a}\", \"{m}\")."));
    }
    let n = lines.len();
    let mut facts = String::new();
    for i in 0..n {
        facts += &lines[(i * 7919) % n];
        facts += "\n";
    }
    assert!(n % 7919 != 0, "the order above is a permutation");
    let facts = write(&d, "f.dl", facts.as_bytes());

    let mut reach: Vec<(String, String)> = link.clone();
    loop {
        let mut more = reach.clone();
        for (x, y) in &reach {
            for (y2, z) in &link {
                if y == y2 {
                    more.push((x.clone(), z.clone()));
                }
            }
        }
        more.sort();
        more.dedup();
        if more.len() == reach.len() {
            break;
        }
        reach = more;
    }
    let is_met = |x: &(String, String, String)| met.contains(x);
    let is_waived = |a: &String, m: &String| waived.contains(&(a.clone(), m.clone()));
    let mut want: Vec<(&str, Vec<String>)> = Vec::new();
    let mut open = Vec::new();
    let mut early = Vec::new();
    let mut first_due = Vec::new();
    for (a, m, dd, t) in &due {
        let x = (a.clone(), m.clone(), dd.clone());
        if duty.contains(&x) && !is_met(&x) {
            open.push(format!("open\t{a}\t{m}\t{dd}\t{t}"));
        }
        if duty.contains(&x) && t.as_str() < "2025-06-15" {
            early.push(format!("early\t{a}\t{m}\t{dd}\t{t}"));
        }
        if !due
            .iter()
            .any(|(b, n, e, s)| (b, n, e) == (a, m, dd) && s < t)
        {
            first_due.push(format!("first_due\t{a}\t{m}\t{dd}\t{t}"));
        }
    }
    let each = |rel: &str, keep: &dyn Fn(&(String, String, String)) -> bool| -> Vec<String> {
        duty.iter()
            .filter(|x| keep(x))
            .map(|(a, m, dd)| format!("{rel}\t{a}\t{m}\t{dd}"))
            .collect()
    };
    want.push(("open", sorted(open)));
    want.push(("early", sorted(early)));
    want.push(("first_due", sorted(first_due)));
    want.push((
        "spared",
        sorted(each("spared", &|(a, m, _)| is_waived(a, m))),
    ));
    want.push((
        "unmet_late",
        sorted(
            duty.iter()
                .filter(|x| !is_met(x) && !is_waived(&x.0, &x.1))
                .map(|(a, m, dd)| format!("unmet_late\t{a}\t{m}\t{dd}\t1"))
                .collect(),
        ),
    ));
    want.push((
        "far",
        sorted(each("far", &|(a, m, _)| {
            reach.contains(&(a.clone(), m.clone()))
        })),
    ));
    want.push((
        "swapped",
        sorted(each("swapped", &|(a, m, _)| is_waived(m, a))),
    ));
    want.push((
        "unmet_anywhere",
        sorted(each("unmet_anywhere", &|(_, m, dd)| {
            !met.iter().any(|(_, n, e)| (n, e) == (m, dd))
        })),
    ));
    want.push((
        "unheld",
        sorted(each("unheld", &|(a, m, _)| {
            !held.contains(&(a.clone(), m.clone()))
        })),
    ));
    for (rel, rows) in &want {
        assert!(!rows.is_empty(), "{rel} has answers to check");
        // Every rule keeps some rows and drops others.
        let most = if rel.ends_with("due") || *rel == "open" || *rel == "early" {
            due.len()
        } else {
            duty.len()
        };
        assert!(rows.len() < most, "{rel} leaves some out");
    }
    for threads in ["1", "2"] {
        let o = derive_on(&rules, &facts, threads);
        assert!(o.status.success(), "{}", stderr(&o));
        for (rel, rows) in &want {
            assert_eq!(&sorted_rows(&o, rel), rows, "{rel} on {threads} thread(s)");
        }
    }
}

#[test]
fn heads_computed_from_rows_added_at_once_are_each_rows_own() {
    // A plan that ends with a scan adds its rows as instances at once even where the head
    // computes the later or earlier of two dates, from the row and from what was bound before:
    // each head must be the one its own row gives, into the relation, into a recursive
    // component's round, and on two threads.
    let d = scratch("computed-heads-at-once");
    let rules = rules_file(
        &d,
        ".decl ev(x: symbol, on: date)\n.decl first(x: symbol, on: date)\n.decl cut(on: date)\n\
         .decl start(x: symbol, on: date)\n.decl since(x: symbol, d: date, on: date)\n\
         .decl reach(x: symbol, on: date)\n",
        &[
            "start(X, latest(D, C)) :- ev(X, D), cut(C).",
            "since(X, D, earliest(latest(D, E), C)) :- ev(X, D), first(X, E), cut(C).",
            "reach(X, latest(D, C)) :- first(X, D), cut(C).",
            "reach(X, E) :- reach(X, D), ev(X, E), D < E.",
        ],
    );
    let ev = events();
    let cut = "2025-06-01".to_string();
    let cut = &cut;
    let first: Vec<(String, String)> = (0..10)
        .map(|i| (format!("x{i}"), format!("2025-{:02}-15", 1 + (i * 5) % 12)))
        .collect();
    let mut facts: String = ev
        .iter()
        .map(|(x, t)| format!("ev(\"{x}\", \"{t}\").\n"))
        .collect();
    for (x, t) in &first {
        facts += &format!("first(\"{x}\", \"{t}\").\n");
    }
    facts += &format!("cut(\"{cut}\").\n");
    let facts = write(&d, "f.dl", facts.as_bytes());
    let later = |a: &String, b: &String| a.max(b).clone();
    let start = sorted(
        ev.iter()
            .map(|(x, t)| format!("start\t{x}\t{}", later(t, cut)))
            .collect(),
    );
    let since = sorted(
        ev.iter()
            .flat_map(|(x, t)| {
                first
                    .iter()
                    .filter(move |(y, _)| y == x)
                    .map(move |(_, e)| format!("since\t{x}\t{t}\t{}", later(t, e).min(cut.clone())))
            })
            .collect(),
    );
    let reach = sorted(
        first
            .iter()
            .flat_map(|(x, f)| {
                let from = later(f, cut);
                std::iter::once(format!("reach\t{x}\t{from}")).chain(
                    ev.iter()
                        .filter(move |(y, t)| y == x && *t > from)
                        .map(|(y, t)| format!("reach\t{y}\t{t}")),
                )
            })
            .collect(),
    );
    // Some heads take the row's day, some the other one.
    assert!(start.iter().any(|r| r.ends_with(cut.as_str())) && start.len() > 10);
    assert!(
        since.iter().any(|r| r.ends_with(cut.as_str()))
            && since.iter().any(|r| !r.ends_with(cut.as_str()))
    );
    for threads in ["1", "2"] {
        let o = derive_on(&rules, &facts, threads);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(sorted_rows(&o, "start"), start, "{threads}");
        assert_eq!(sorted_rows(&o, "since"), since, "{threads}");
        assert_eq!(sorted_rows(&o, "reach"), reach, "{threads}");
    }
}
