//! CSV fact files (`<relation>.csv`, header required): the first byte picks the relation.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

const RELATIONS: &[&str] = &[
    "developer",
    "training_compute",
    "made_available",
    "compute_reached",
    "established_in",
    "no_such_relation",
];

fuzz_target!(|data: &[u8]| common::load_picked(data, RELATIONS, "csv"));
