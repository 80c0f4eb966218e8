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

/// mimalloc's option `purge_delay` (its number in `mi_option_e`, mimalloc.h) and its default in
/// milliseconds, by which the number is checked before it is set.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const PURGE_DELAY_DEFAULT: std::ffi::c_long = 1000;

/// Keeps memory the run frees for the allocations that follow instead of giving it back to the
/// system a second later. A run frees and allocates hundreds of MiB per stage: memory given back must
/// be mapped and zeroed again page by page, and on two threads each return also interrupts the
/// other core to flush its address cache. The memory is returned when the process ends.
fn keep_freed_memory() {
    // SAFETY: both functions only read and write mimalloc's option table; the option is set
    // only if its number reads back the documented default, so another version's numbering
    // cannot set something else.
    #[allow(unsafe_code)]
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == PURGE_DELAY_DEFAULT {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, -1);
        }
    }
}

fn main() -> ExitCode {
    keep_freed_memory();
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
