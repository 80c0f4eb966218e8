//! `.json` fact files: any bytes give facts or located errors, never a panic, and both engines agree.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| common::load_read("fuzz.json", data));
