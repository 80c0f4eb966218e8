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

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let rel = RELATIONS[pick as usize % RELATIONS.len()];
    common::load_both(&format!("{rel}.csv"), rest);
});
