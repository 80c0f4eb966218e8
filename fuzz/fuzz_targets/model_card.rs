//! Hugging Face model cards (YAML front matter), loaded as facts and imported.
#![no_main]
use libfuzzer_sys::fuzz_target;
mod common;

fuzz_target!(|data: &[u8]| {
    common::load_both("cards/acme--m/README.md", data);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = lexproof::facts::import::hf::import("README.md", std::path::Path::new("README.md"), text);
    }
});
