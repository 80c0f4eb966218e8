//! Values, the symbol interner and columnar tables: what every other layer stores and passes.
//! Knows nothing of rules, facts files or engines.

pub mod parallel;
pub mod progress;
pub mod store;
pub mod value;

/// Asks for the cache line holding `x`. Unlike a load, a prefetch does not hold up the
/// instructions after it, so the work in between goes on while the line arrives: loops that will
/// soon read memory at places no hardware prefetcher can guess (hash slots, lookups by key) ask
/// for it some iterations ahead. The project's `unsafe` besides the allocator wrapper: the
/// intrinsic is marked so, but a prefetch is a hint that cannot fault or read memory into the
/// program.
#[inline(always)]
#[allow(unsafe_code)]
pub fn prefetch<T>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: PREFETCHT0 has no architectural effect besides caching; it never faults.
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
            x as *const T as *const i8,
        )
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// Whether bit `i` of a set stored as 64-bit words is on (off past the last word).
#[inline]
pub fn has_bit(words: &[u64], i: usize) -> bool {
    words.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
}

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
