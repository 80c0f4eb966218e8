//! A minimal work queue over the machine's cores, for independent jobs such as sorting tables.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The cap set by `set_threads`; 0: none.
static CAP: AtomicUsize = AtomicUsize::new(0);

/// Caps the threads of all parallel work (the CLI sets it from `LEXPROOF_THREADS`); results do not
/// depend on it. 0 removes the cap.
pub fn set_threads(n: usize) {
    CAP.store(n, Ordering::Relaxed);
}

/// How many threads parallel work may use (loading, stages, sorting, output): the cores available,
/// or the cap.
pub fn threads() -> usize {
    match CAP.load(Ordering::Relaxed) {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
}

/// Runs `f` on every job, on up to `threads()` threads. Jobs are taken in order, so putting the
/// largest first balances the load.
pub fn for_each<T: Send, F: Fn(T) + Sync>(jobs: Vec<T>, f: F) {
    let threads = threads().min(jobs.len().max(1));
    if threads <= 1 {
        jobs.into_iter().for_each(f);
        return;
    }
    let slots: Vec<Mutex<Option<T>>> = jobs.into_iter().map(|j| Mutex::new(Some(j))).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(slot) = slots.get(i) else { break };
                // Each slot is taken exactly once; a poisoned lock can only follow a panic elsewhere.
                if let Some(job) = slot.lock().map(|mut g| g.take()).unwrap_or(None) {
                    f(job);
                }
            });
        }
    });
}

/// `f` applied to every job on up to `threads()` threads, the results in the jobs' order.
pub fn map<T: Send, R: Send, F: Fn(T) -> R + Sync>(jobs: Vec<T>, f: F) -> Vec<R> {
    let slots: Vec<Mutex<Option<R>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    for_each(jobs.into_iter().enumerate().collect(), |(i, job)| {
        let r = f(job);
        if let Ok(mut slot) = slots[i].lock() {
            *slot = Some(r);
        }
    });
    slots
        .into_iter()
        .map(|s| {
            s.into_inner()
                .ok()
                .flatten()
                .expect("every job ran (a panic in one is propagated by the scope)")
        })
        .collect()
}
