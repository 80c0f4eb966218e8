//! Rules files: decoding, parsing, checking, diagnostics rendering and code generation must never
//! panic, whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = lexproof_lang::diag::decode_utf8("fuzz.dl", data.to_vec()) else {
        return;
    };
    match lexproof::rules::rulebase::Rulebase::from_parts(&[("fuzz.dl".to_string(), text)]) {
        Ok((rb, warnings)) => {
            let _ = lexproof::rules::rulebase::render_all(&warnings);
            let _ = lexproof_lang::codegen::generate(&rb.checked, true, "fuzz.dl");
        }
        Err(diags) => {
            let _ = lexproof::rules::rulebase::render_all(&diags);
        }
    }
});
