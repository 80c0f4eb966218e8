//! Soufflé TSV fact files (`<relation>.facts`): the first byte picks the relation.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

const RELATIONS: &[&str] = &[
    "developer",
    "training_compute",
    "made_available",
    "generates",
    "established_in",
    "assessment_date",
    "notified",
    "no_such_relation",
];

fuzz_target!(|data: &[u8]| common::load_picked(data, RELATIONS, "facts"));
