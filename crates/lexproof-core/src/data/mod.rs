//! Values, the symbol interner and columnar tables: what every other layer stores and passes.
//! Knows nothing of rules, facts files or engines.

pub mod parallel;
pub mod progress;
pub mod store;
pub mod value;

/// `n` zeros, written out. A vector of zeros taken from the allocator as zeroed memory is, where
/// the memory comes fresh from the system, mapped to the system's shared page of zeros until
/// written; a write after a read then has to replace that page and, with a thread on another
/// core, interrupt that core to flush its address cache (costly on a virtual machine). Arrays
/// that are read before they are written (counts, keys built by shifts, hash slots) are made here
/// instead.
pub fn written_zeros<T: Copy + Default>(n: usize) -> Vec<T> {
    // Hidden from the optimiser, which would otherwise turn the fill back into zeroed memory.
    let mut v: Vec<T> = std::hint::black_box(Vec::with_capacity(n));
    v.resize(n, T::default());
    v
}

/// `n` values made by `f`, written out (see `written_zeros`).
pub fn written<T>(n: usize, f: impl FnMut() -> T) -> Vec<T> {
    let mut v: Vec<T> = std::hint::black_box(Vec::with_capacity(n));
    v.resize_with(n, f);
    v
}
