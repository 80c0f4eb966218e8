//! The shipped rulebase compiled into a program. It sits alone in this crate, which only the binary
//! depends on, so an edit of rules.dl rebuilds this crate and relinks the binary while the library
//! stays compiled. The binary hands the program to the library at start (`install`).

use lexproof_core::engine::compiled::CompiledProgram;

/// The generated code names the engine's interface as `crate::engine::api`.
mod engine {
    pub use lexproof_core::engine::api;
}

#[allow(
    unused_variables,
    unused_parens,
    unused_imports,
    unused_mut,
    dead_code,
    clippy::all
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/rulebase.rs"));
}

/// The shipped rules: the text build.rs checked, named as it was read (rules.dl, or LEXPROOF_RULES).
pub const TEXT: &str = include_str!(concat!(env!("OUT_DIR"), "/rules.dl"));
pub const NAME: &str = include_str!(concat!(env!("OUT_DIR"), "/rules_name.txt"));

/// The shipped rulebase's program.
pub static PROGRAM: CompiledProgram = CompiledProgram {
    name: NAME,
    text: TEXT,
    symbols: generated::SYMBOLS,
    evaluate: generated::evaluate,
    witnesses: generated::WITNESSES,
    rules: generated::RULES,
    relations: generated::RELATIONS,
};

/// Makes this program the library's shipped rulebase (`Rulebase::shipped`, the compiled engine).
pub fn install() {
    lexproof_core::engine::compiled::install(&PROGRAM);
}
