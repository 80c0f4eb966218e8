//! The `lexproof` command line (see `cli`).

mod cli;

use std::process::ExitCode;

#[global_allocator]
static GLOBAL: lexproof::engine::budget::Budgeted<mimalloc::MiMalloc> =
    lexproof::engine::budget::Budgeted(mimalloc::MiMalloc);

/// The stack of the thread that runs a command. Proof walks (building, rendering) recurse once per
/// level of a proof, and `proof::MAX_LEVELS` levels need far more than the main thread's 8 MiB; the
/// memory is reserved, and only what a walk touches is used.
const STACK_BYTES: usize = 512 << 20;

fn main() -> ExitCode {
    lexproof::install();
    match std::thread::Builder::new()
        .name("lexproof".into())
        .stack_size(STACK_BYTES)
        .spawn(cli::run)
    {
        Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
        Err(_) => cli::run(),
    }
}
