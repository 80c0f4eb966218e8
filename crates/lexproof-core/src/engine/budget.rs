//! The run's resource budget, honoured by both engines: a cap on derived facts plus rule instances
//! (`--max-facts`) and a memory budget (`--max-memory`, by default a safe share of the smaller of
//! physical memory and the process's address-space limit). A runaway recursion or a quadratic join
//! thus stops with `error[fact_limit]` or `error[memory_limit]` naming the growing relation, instead
//! of exhausting memory (and, under `ulimit -v`, aborting without a word).
//!
//! The compiled engine's rules cannot be interrupted from outside crepe, so every generated rule
//! body ends with a `tick` guard: it counts the instance, and once the budget is spent it fails, so
//! crepe derives nothing more and reaches its fixpoint at once; the run then reports the trip. The
//! run-time evaluator counts its instances itself and reports them with `note`. Ticks are counted per thread and
//! added to the shared count in batches; memory is sampled every `MEMORY_EVERY` batches.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;

/// Instances counted on a thread before the shared count is updated.
const BATCH: u32 = 4096;
/// Batches between two samples of the process's memory.
const MEMORY_EVERY: usize = 16;

/// The share of the smaller of physical memory and the address-space limit a run may use.
const DEFAULT_SHARE: f64 = 0.8;

static MAX_FACTS: AtomicUsize = AtomicUsize::new(usize::MAX);
static MAX_RESIDENT: AtomicU64 = AtomicU64::new(u64::MAX);
static MAX_VIRTUAL: AtomicU64 = AtomicU64::new(u64::MAX);
static COUNT: AtomicUsize = AtomicUsize::new(0);
static BATCHES: AtomicUsize = AtomicUsize::new(0);
static TRIPPED: AtomicBool = AtomicBool::new(false);
static TRIP: Mutex<Option<Trip>> = Mutex::new(None);
/// The rule whose instances were counted last (for naming what grew when a big allocation fails).
static LAST_RULE: AtomicUsize = AtomicUsize::new(NO_RULE);
/// Per rule, the relation it derives (registered by `start`).
static HEADS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// `rule` of a trip before any rule ran (while loading facts).
pub const NO_RULE: usize = usize::MAX;
/// Allocations at least this large are checked against the budget before they are made: one such
/// allocation (a hash table doubling) can take the process past the limit between two samples.
const BIG_ALLOCATION: usize = 16 << 20;

thread_local! {
    static LOCAL: Cell<u32> = const { Cell::new(0) };
}

/// Why a run stopped early, and in which rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trip {
    /// More facts and rule instances than `max_facts`.
    Facts { rule: usize, limit: usize },
    /// The process used more memory than the budget (bytes).
    Memory { rule: usize, limit: u64, used: u64 },
}

/// The limits of one run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_facts: usize,
    /// Bytes; `None`: the default share of what the machine and the process limits allow.
    pub max_memory: Option<u64>,
}

/// Starts a run's count with these limits (a run at a time per process: the CLI runs one);
/// `heads` names, per rule, the relation it derives.
pub fn start(limits: Limits, heads: Vec<String>) {
    let (resident, virt) = match limits.max_memory {
        Some(m) => (m, address_space_limit().map_or(u64::MAX, share)),
        None => default_budget(),
    };
    MAX_FACTS.store(limits.max_facts, Ordering::Relaxed);
    MAX_RESIDENT.store(resident, Ordering::Relaxed);
    MAX_VIRTUAL.store(virt, Ordering::Relaxed);
    COUNT.store(0, Ordering::Relaxed);
    BATCHES.store(0, Ordering::Relaxed);
    TRIPPED.store(false, Ordering::Relaxed);
    if let Ok(mut t) = TRIP.lock() {
        *t = None;
    }
    LOCAL.with(|c| c.set(0));
    LAST_RULE.store(NO_RULE, Ordering::Relaxed);
    if let Ok(mut h) = HEADS.lock() {
        *h = heads;
    }
}

/// The trip of the run, if any; clears it.
pub fn take_trip() -> Option<Trip> {
    TRIP.lock().ok().and_then(|mut t| t.take())
}

/// Counts one instance of rule `rule`; false once the budget is spent (the instance is then not
/// derived).
#[inline]
pub fn tick(rule: usize) -> bool {
    if TRIPPED.load(Ordering::Relaxed) {
        return false;
    }
    LOCAL.with(|c| {
        let n = c.get() + 1;
        if n < BATCH {
            c.set(n);
            true
        } else {
            c.set(0);
            settle(rule)
        }
    })
}

#[cold]
fn settle(rule: usize) -> bool {
    LAST_RULE.store(rule, Ordering::Relaxed);
    let count = COUNT.fetch_add(BATCH as usize, Ordering::Relaxed) + BATCH as usize;
    let limit = MAX_FACTS.load(Ordering::Relaxed);
    if count > limit {
        trip(Trip::Facts { rule, limit });
        return false;
    }
    if BATCHES
        .fetch_add(1, Ordering::Relaxed)
        .is_multiple_of(MEMORY_EVERY)
    {
        if let Some(t) = memory_trip(rule) {
            trip(t);
            return false;
        }
    }
    true
}

/// Notes that rule `rule` is being evaluated (the run-time evaluator calls it as a rule or chunk starts; the
/// compiled engine's ticks note it per batch), so a memory trip can name what grew.
#[inline]
pub fn note(rule: usize) {
    LAST_RULE.store(rule, Ordering::Relaxed);
}

/// Checks memory now (between rounds or stages); false if the budget is spent.
pub fn check_memory(rule: usize) -> bool {
    if TRIPPED.load(Ordering::Relaxed) {
        return false;
    }
    LAST_RULE.store(rule, Ordering::Relaxed);
    match memory_trip(rule) {
        Some(t) => {
            trip(t);
            false
        }
        None => true,
    }
}

fn memory_trip(rule: usize) -> Option<Trip> {
    let (resident, virt) = usage()?;
    let max_resident = MAX_RESIDENT.load(Ordering::Relaxed);
    let max_virtual = MAX_VIRTUAL.load(Ordering::Relaxed);
    if resident > max_resident {
        Some(Trip::Memory {
            rule,
            limit: max_resident,
            used: resident,
        })
    } else if virt > max_virtual {
        Some(Trip::Memory {
            rule,
            limit: max_virtual,
            used: virt,
        })
    } else {
        None
    }
}

/// Records a trip found after the fact (the engine's exact count), unless one is recorded already.
pub fn record(t: Trip) {
    trip(t);
}

fn trip(t: Trip) {
    if !TRIPPED.swap(true, Ordering::Relaxed) {
        if let Ok(mut slot) = TRIP.lock() {
            *slot = Some(t);
        }
    }
}

fn share(bytes: u64) -> u64 {
    (bytes as f64 * DEFAULT_SHARE) as u64
}

/// (resident, virtual) budget by default: a share of physical memory, and a share of the address
/// space limit (`ulimit -v`) if one is set.
fn default_budget() -> (u64, u64) {
    let physical = physical_memory().unwrap_or(u64::MAX);
    let space = address_space_limit().unwrap_or(u64::MAX);
    let resident = share(physical.min(space));
    let virt = if space == u64::MAX {
        u64::MAX
    } else {
        share(space)
    };
    (resident, virt)
}

/// Resident and virtual size of this process in bytes (Linux; elsewhere unknown, so unchecked).
/// Reads into a buffer on the stack: it is called from the allocator, which must not allocate.
fn usage() -> Option<(u64, u64)> {
    use std::io::Read;
    let mut buf = [0u8; 128];
    let mut f = std::fs::File::open("/proc/self/statm").ok()?;
    let n = f.read(&mut buf).ok()?;
    let mut fields = buf[..n].split(|&b| b == b' ');
    let number = |f: &[u8]| -> Option<u64> {
        if f.is_empty() || !f.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(f.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0')))
    };
    let virt = number(fields.next()?)?;
    let resident = number(fields.next()?)?;
    const PAGE: u64 = 4096;
    Some((resident * PAGE, virt * PAGE))
}

/// The global allocator, checking allocations of `BIG_ALLOCATION` bytes or more against the
/// budget first: where one would take the process past it, the run stops with `error[memory_limit]`
/// naming the relation being derived, instead of the allocation failing and the process aborting
/// (under `ulimit -v`) or the machine swapping.
pub struct Budgeted<A>(pub A);

// A global allocator is `unsafe` by its trait; every method forwards to the wrapped one.
#[allow(unsafe_code)]
unsafe impl<A: std::alloc::GlobalAlloc> std::alloc::GlobalAlloc for Budgeted<A> {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.size() >= BIG_ALLOCATION {
            before_big_allocation(layout.size());
        }
        self.0.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        self.0.dealloc(ptr, layout)
    }
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.size() >= BIG_ALLOCATION {
            before_big_allocation(layout.size());
        }
        self.0.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if new_size >= BIG_ALLOCATION && new_size > layout.size() {
            before_big_allocation(new_size);
        }
        self.0.realloc(ptr, layout, new_size)
    }
}

/// Stops the run if allocating `size` more bytes would pass the budget. Allocates nothing itself.
fn before_big_allocation(size: usize) {
    let max_resident = MAX_RESIDENT.load(Ordering::Relaxed);
    let max_virtual = MAX_VIRTUAL.load(Ordering::Relaxed);
    if max_resident == u64::MAX && max_virtual == u64::MAX {
        return;
    }
    let Some((resident, virt)) = usage() else {
        return;
    };
    let size = size as u64;
    let (used, limit) = if resident.saturating_add(size) > max_resident {
        (resident.saturating_add(size), max_resident)
    } else if virt.saturating_add(size) > max_virtual {
        (virt.saturating_add(size), max_virtual)
    } else {
        return;
    };
    out_of_memory(used, limit);
}

/// Reports `error[memory_limit]` and ends the process (exit 2), from inside an allocation: no
/// allocation here, and nothing has been printed as a result yet (derivation precedes output).
#[cold]
fn out_of_memory(used: u64, limit: u64) -> ! {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
    let rule = LAST_RULE.load(Ordering::Relaxed);
    let _ = write!(
        err,
        "lexproof: error[memory_limit]: would need {:.2} GiB of memory, past the budget of {:.2} GiB",
        gib(used),
        gib(limit)
    );
    if let Ok(heads) = HEADS.try_lock() {
        if let Some(rel) = heads.get(rule) {
            let _ = write!(err, ", while deriving `{rel}`");
        }
    }
    let _ = writeln!(
        err,
        "\n  hint: a rule may recurse without end or join many facts with each other (e.g. thousands of dates for one model); check the facts it reads, or raise the budget with --max-memory (e.g. --max-memory 16G) if the machine has room"
    );
    let _ = err.flush();
    std::process::exit(2);
}

fn physical_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The soft `RLIMIT_AS` of this process, if any.
fn address_space_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max address space"))?;
    let soft = line
        .trim_start_matches("Max address space")
        .split_whitespace()
        .next()?;
    soft.parse().ok()
}

/// Parses a memory size as given on the command line: `512M`, `8G`, `1.5G` or a byte count.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let scale: f64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1.0,
        "K" | "KB" | "KIB" => 1024.0,
        "M" | "MB" | "MIB" => 1024.0 * 1024.0,
        "G" | "GB" | "GIB" => 1024.0 * 1024.0 * 1024.0,
        "T" | "TB" | "TIB" => 1024.0_f64.powi(4),
        _ => return Err(format!("unknown unit `{unit}`: use K, M, G or T")),
    };
    let n: f64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a size such as 512M or 8G"))?;
    if !n.is_finite() || n <= 0.0 {
        return Err(format!("`{s}` is not a positive size"));
    }
    Ok((n * scale) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("8G"), Ok(8 << 30));
        assert_eq!(parse_size("1.5g"), Ok(3 << 29));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("8 parsecs").is_err());
        assert!(parse_size("-1G").is_err());
    }
}
