//! Jobs that depend on each other, run on every core: a job starts once the jobs it depends on
//! have ended. Both engines schedule their parts this way (the compiled engine its stages, the
//! run-time evaluator its components).

use crate::data::progress::Timing;
use std::sync::{Condvar, Mutex};

struct State {
    /// The jobs in the order to start them when several are ready (`critical_first`).
    order: Vec<usize>,
    started: Vec<bool>,
    done: Vec<bool>,
    /// Set when a job failed or a worker panicked, so the other workers stop waiting.
    failed: bool,
    /// Counts changes (a job done, help offered, the run failed), so that a worker that looked
    /// for a job and for help and found neither sleeps only if nothing changed meanwhile.
    changes: u64,
    /// What the workers did while no job was ready to start.
    idle: Idle,
}

/// The time the workers of a run spent with no job ready to start, in all: waiting, or doing a
/// share of a running job's work. Where the two-thread speed-up goes (`LEXPROOF_STAGE_TIMES=1`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Idle {
    pub waited: std::time::Duration,
    pub helped: std::time::Duration,
}

impl Idle {
    /// What an observer is told of a run on `threads` workers that took `wall`.
    pub fn timing(self, threads: usize, wall: std::time::Duration) -> Timing {
        Timing::Workers {
            threads,
            wall,
            waited: self.waited,
            helped: self.helped,
        }
    }
}

pub struct Schedule<'a> {
    deps: Vec<&'a [usize]>,
    state: Mutex<State>,
    wake: Condvar,
}

/// The data behind `m`, even if a thread panicked holding it (the run fails then anyway).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl<'a> Schedule<'a> {
    /// `deps[j]`: the jobs job `j` waits for (no cycle).
    pub fn new(deps: Vec<&'a [usize]>) -> Schedule<'a> {
        let n = deps.len();
        Schedule {
            state: Mutex::new(State {
                order: critical_first(&deps),
                started: vec![false; n],
                done: vec![false; n],
                failed: false,
                changes: 0,
                idle: Idle::default(),
            }),
            deps,
            wake: Condvar::new(),
        }
    }

    /// Takes the first job (in `order`) whose dependencies have ended. While none is, the
    /// worker runs `help` (a share of a running job's work, if one offers any: true if it did
    /// some) or waits. None once every job has ended, or the run failed.
    fn next(&self, help: &dyn Fn() -> bool) -> Option<usize> {
        let mut s = lock(&self.state);
        loop {
            if s.failed || s.done.iter().all(|x| *x) {
                return None;
            }
            let ready = s
                .order
                .iter()
                .copied()
                .find(|&j| !s.started[j] && self.deps[j].iter().all(|&d| s.done[d]));
            if let Some(j) = ready {
                s.started[j] = true;
                return Some(j);
            }
            let seen = s.changes;
            drop(s);
            let t0 = std::time::Instant::now();
            let helped = help();
            let t1 = std::time::Instant::now();
            s = lock(&self.state);
            if helped {
                s.idle.helped += t1 - t0;
            } else {
                s.idle.waited += t1 - t0;
                if s.changes == seen {
                    s = self.wake.wait(s).unwrap_or_else(|e| e.into_inner());
                    s.idle.waited += t1.elapsed();
                }
            }
        }
    }

    /// Jobs no worker starts: another job's thread ends each with `done` once what it stands for
    /// is ready (a stage's tables sorted, after the stages waiting on the stage itself started).
    pub fn hold(&self, jobs: std::ops::Range<usize>) {
        let mut s = lock(&self.state);
        for j in jobs {
            s.started[j] = true;
        }
    }

    /// A running job has work other workers may take (through `run`'s `help`): wakes them.
    pub fn offer(&self) {
        lock(&self.state).changes += 1;
        self.wake.notify_all();
    }

    /// Job `j` has ended: the jobs waiting on it may start.
    pub fn done(&self, j: usize) {
        let mut s = lock(&self.state);
        s.done[j] = true;
        s.changes += 1;
        drop(s);
        self.wake.notify_all();
    }

    /// No further job starts (one failed).
    pub fn fail(&self) {
        let mut s = lock(&self.state);
        s.failed = true;
        s.changes += 1;
        drop(s);
        self.wake.notify_all();
    }

    /// Runs `job` for every job on up to `threads` threads (on this thread if one); `job` calls
    /// `done` once the jobs waiting on it may start, and `fail` to stop the run. A worker with no
    /// job to start calls `help` (see `next`). Returns what the workers did while no job was ready.
    pub fn run(
        &self,
        threads: usize,
        job: impl Fn(usize) + Sync,
        help: impl Fn() -> bool + Sync,
    ) -> Idle {
        let worker = || {
            // Marks the run failed if this worker unwinds, so the others do not wait forever.
            struct OnPanic<'s, 'a>(&'s Schedule<'a>);
            impl Drop for OnPanic<'_, '_> {
                fn drop(&mut self) {
                    if std::thread::panicking() {
                        self.0.fail();
                    }
                }
            }
            let _guard = OnPanic(self);
            while let Some(j) = self.next(&help) {
                job(j);
            }
        };
        let threads = threads.min(self.deps.len()).max(1);
        if threads == 1 {
            worker();
        } else {
            std::thread::scope(|scope| {
                for _ in 0..threads {
                    scope.spawn(worker);
                }
            });
        }
        lock(&self.state).idle
    }
}

/// The jobs, those with the longest chain of jobs waiting on them first (then in dependency
/// order): on two cores a job that many later ones wait for should not queue behind one that
/// nothing needs soon, or one core idles at the end of the run.
fn critical_first(deps: &[&[usize]]) -> Vec<usize> {
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); deps.len()];
    for (j, ds) in deps.iter().enumerate() {
        for &d in *ds {
            dependents[d].push(j);
        }
    }
    // Chains are summed from the jobs nothing waits for back to their dependencies, each job
    // once all its dependents have their chain.
    let mut waiting: Vec<usize> = dependents.iter().map(Vec::len).collect();
    let mut ready: Vec<usize> = (0..deps.len()).filter(|&j| waiting[j] == 0).collect();
    let mut chain = vec![0usize; deps.len()];
    while let Some(j) = ready.pop() {
        chain[j] = 1 + dependents[j].iter().map(|&t| chain[t]).max().unwrap_or(0);
        for &d in deps[j] {
            waiting[d] -= 1;
            if waiting[d] == 0 {
                ready.push(d);
            }
        }
    }
    let mut order: Vec<usize> = (0..deps.len()).collect();
    order.sort_by_key(|&j| (std::cmp::Reverse(chain[j]), j));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_may_wait_for_one_listed_after_it() {
        // Job 0 waits for job 2 (as a stage waits for a lookup built ahead of it).
        let deps: Vec<&[usize]> = vec![&[2], &[], &[]];
        assert_eq!(critical_first(&deps), vec![2, 0, 1]);
        let schedule = Schedule::new(deps);
        let ran = Mutex::new(Vec::new());
        schedule.run(
            1,
            |j| {
                ran.lock().unwrap().push(j);
                schedule.done(j);
            },
            || false,
        );
        assert_eq!(ran.into_inner().unwrap(), vec![2, 0, 1]);
    }

    #[test]
    fn a_held_job_is_ended_by_another_and_never_started() {
        // Job 1 is held: job 0 ends it; job 2 waits for it.
        let deps: Vec<&[usize]> = vec![&[], &[0], &[1]];
        for threads in [1, 2] {
            let schedule = Schedule::new(deps.clone());
            schedule.hold(1..2);
            let ran = Mutex::new(Vec::new());
            schedule.run(
                threads,
                |j| {
                    ran.lock().unwrap().push(j);
                    schedule.done(j);
                    if j == 0 {
                        schedule.done(1);
                    }
                },
                || false,
            );
            assert_eq!(ran.into_inner().unwrap(), vec![0, 2], "{threads} thread(s)");
        }
    }

    #[test]
    fn a_worker_with_nothing_to_start_counts_its_wait() {
        // Job 1 waits for job 0: on two threads one worker has nothing to do while job 0 runs.
        let deps: Vec<&[usize]> = vec![&[], &[0]];
        let schedule = Schedule::new(deps.clone());
        let nap = std::time::Duration::from_millis(40);
        let job = |j: usize| {
            if j == 0 {
                std::thread::sleep(nap);
            }
            schedule.done(j);
        };
        let idle = schedule.run(2, job, || false);
        assert!(idle.waited >= nap / 2, "{idle:?}");
        assert_eq!(idle.helped, std::time::Duration::ZERO);
        // One thread always has the next job ready.
        let alone = Schedule::new(deps);
        let idle = alone.run(1, |j| alone.done(j), || false);
        assert_eq!(idle, Idle::default());
    }
}
