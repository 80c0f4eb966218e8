//! The run budget's counters are global to the process, so the test that trips them runs in a
//! process of its own (an integration test binary), apart from the tests that run engines.

use lexproof::engine::budget::{check_memory, start, take_trip, tick, Limits, Trip};

#[test]
fn the_fact_limit_trips_and_names_the_rule() {
    start(
        Limits {
            max_facts: 10_000,
            max_memory: None,
        },
        Vec::new(),
    );
    let fired = (0..100_000).take_while(|_| tick(7)).count();
    assert!((10_000..=10_000 + 4096).contains(&fired), "{fired}");
    assert!(!tick(7));
    assert_eq!(
        take_trip(),
        Some(Trip::Facts {
            rule: 7,
            limit: 10_000
        })
    );
    start(
        Limits {
            max_facts: usize::MAX,
            max_memory: Some(1),
        },
        Vec::new(),
    );
    assert!(!check_memory(3), "a one-byte budget is spent at once");
    assert!(matches!(take_trip(), Some(Trip::Memory { rule: 3, .. })));
    // A new run starts with a clean slate.
    start(
        Limits {
            max_facts: usize::MAX,
            max_memory: None,
        },
        Vec::new(),
    );
    assert!(tick(1));
    assert_eq!(take_trip(), None);
}
