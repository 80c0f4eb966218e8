//! One rule of a compiled stage on several cores. A stage written as plain loops hands a rule
//! whose plan starts by scanning a large table to `Share::rows`, which cuts the scan into chunks of
//! rows; a worker of the stage schedule with no stage to start takes chunks (`Share::help`), and
//! the stage's own thread takes them too. The chunks' witness rows are put together in the order
//! of the rows, so a stage's conclusions and the order of its instances do not depend on who
//! evaluated which chunk.
//!
//! The chunk size and the least size of a shared scan are also the run-time evaluator's
//! (`runtime/share.rs`).
//!
//! No lifetime is bent: the generated scan owns what it reads (`Arc`s of the stage's lookups and
//! tables) or borrows it for the whole run (the input tables), so an offer may outlive the call
//! that made it.

use crate::engine::schedule::{lock, Schedule};
use crate::rules::arith::{self, ArithError};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

/// Rows of the first scan per chunk: enough that a chunk's setup is lost in its work, few
/// enough that the last chunks leave little for one core alone.
const CHUNK_ROWS: usize = 1 << 14;

/// A scan is shared once it has this many chunks.
const MIN_CHUNKS: usize = 4;

static CHUNK: AtomicUsize = AtomicUsize::new(CHUNK_ROWS);

/// Chunks helpers have evaluated in this process.
static HELPED: AtomicUsize = AtomicUsize::new(0);

/// Sets the rows per chunk, for both engines (tests set few, so that small fact bases are shared
/// too).
pub fn set_chunk_rows(rows: usize) {
    CHUNK.store(rows.max(1), Ordering::Relaxed);
}

pub(crate) fn chunk_rows() -> usize {
    CHUNK.load(Ordering::Relaxed)
}

/// Whether a scan of this many rows is offered in chunks (in either engine).
pub(crate) fn worth_sharing(rows: usize) -> bool {
    rows >= MIN_CHUNKS * chunk_rows()
}

/// How many chunks workers have evaluated for other stages in this process (for tests).
pub fn chunks_helped() -> usize {
    HELPED.load(Ordering::Relaxed)
}

/// Scans offered by the stages running now, for the workers that have no stage to start.
pub struct Share<'s> {
    offers: Mutex<Vec<Arc<dyn Offer + 's>>>,
    /// Woken when a scan is offered; None on one thread, where nobody could help.
    schedule: Option<&'s Schedule<'s>>,
}

/// A scan open to helpers.
trait Offer: Send + Sync {
    /// Whether chunks are left to take.
    fn open(&self) -> bool;
    /// Evaluates one chunk, if one is left, and hands it back; false if none was.
    fn help(&self) -> bool;
}

impl<'s> Share<'s> {
    pub(crate) fn new(schedule: Option<&'s Schedule<'s>>) -> Share<'s> {
        Share {
            offers: Mutex::new(Vec::new()),
            schedule,
        }
    }

    /// `scan(0, rows)`, evaluated in chunks `scan(lo, hi)` by this thread and idle workers where
    /// the scan is large and another thread exists: the chunks' rows, in order. They are not
    /// joined into one vector: the caller moves them into a table, and a copy would only fill
    /// fresh memory on the path later stages wait for.
    pub fn rows<W, F>(&self, rows: usize, scan: F) -> Vec<Vec<W>>
    where
        W: Send + 's,
        F: Fn(usize, usize) -> Vec<W> + Send + Sync + 's,
    {
        let chunk = chunk_rows();
        let Some(schedule) = self.schedule.filter(|_| worth_sharing(rows)) else {
            return vec![scan(0, rows)];
        };
        let job = Arc::new(Rows {
            scan,
            rows,
            chunk,
            chunks: rows.div_ceil(chunk),
            state: Mutex::new(State {
                next: 0,
                running: 0,
                found: Vec::new(),
                errors: Vec::new(),
                lost: false,
            }),
            returned: Condvar::new(),
        });
        lock(&self.offers).push(Arc::clone(&job) as Arc<dyn Offer + 's>);
        schedule.offer();
        let mut parts: Vec<Vec<W>> = (0..job.chunks).map(|_| Vec::new()).collect();
        while let Some(i) = job.take(false) {
            parts[i] = (job.scan)(job.lo(i), job.hi(i));
        }
        lock(&self.offers).retain(|o| !std::ptr::addr_eq(Arc::as_ptr(o), Arc::as_ptr(&job)));
        let (found, errors) = job.returned();
        for (i, part) in found {
            parts[i] = part;
        }
        // Errors met in helpers' chunks fail this stage, as if met on its own thread.
        arith::record(errors);
        parts
    }

    /// For a worker with no stage to start: one chunk of an offered scan, if any is open.
    pub(crate) fn help(&self) -> bool {
        let job = lock(&self.offers).iter().find(|o| o.open()).cloned();
        job.is_some_and(|j| j.help())
    }
}

struct Rows<W, F> {
    scan: F,
    rows: usize,
    chunk: usize,
    chunks: usize,
    state: Mutex<State<W>>,
    /// Signalled when a helper hands a chunk back.
    returned: Condvar,
}

struct State<W> {
    /// The next chunk to take.
    next: usize,
    /// Chunks helpers are evaluating.
    running: usize,
    /// Chunks helpers have evaluated: (chunk, its rows).
    found: Vec<(usize, Vec<W>)>,
    /// Arithmetic errors met in helpers' chunks.
    errors: Vec<ArithError>,
    /// A helper panicked: its chunk is lost.
    lost: bool,
}

impl<W, F> Rows<W, F> {
    fn lo(&self, i: usize) -> usize {
        i * self.chunk
    }

    fn hi(&self, i: usize) -> usize {
        (self.lo(i) + self.chunk).min(self.rows)
    }

    /// The next chunk, counted as running if a helper takes it.
    fn take(&self, helper: bool) -> Option<usize> {
        let mut s = lock(&self.state);
        if s.next >= self.chunks {
            return None;
        }
        s.next += 1;
        s.running += usize::from(helper);
        Some(s.next - 1)
    }

    /// Waits until every helper has handed its chunk back; the chunks and their errors.
    fn returned(&self) -> (Vec<(usize, Vec<W>)>, Vec<ArithError>) {
        let mut s = lock(&self.state);
        while s.running > 0 {
            s = self.returned.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        assert!(!s.lost, "a worker helping with this stage's scan panicked");
        (std::mem::take(&mut s.found), std::mem::take(&mut s.errors))
    }
}

/// A chunk a helper is evaluating: handed back when dropped, even if evaluating it panicked, so
/// the stage's thread never waits for it forever.
struct HandBack<'r, W, F> {
    job: &'r Rows<W, F>,
    chunk: usize,
    rows: Option<Vec<W>>,
}

impl<W, F> Drop for HandBack<'_, W, F> {
    fn drop(&mut self) {
        let errors = arith::take_errors();
        let mut s = lock(&self.job.state);
        s.running -= 1;
        match self.rows.take() {
            Some(rows) => s.found.push((self.chunk, rows)),
            None => s.lost = true,
        }
        s.errors.extend(errors);
        drop(s);
        self.job.returned.notify_all();
    }
}

impl<W, F> Offer for Rows<W, F>
where
    W: Send,
    F: Fn(usize, usize) -> Vec<W> + Send + Sync,
{
    fn open(&self) -> bool {
        lock(&self.state).next < self.chunks
    }

    fn help(&self) -> bool {
        let Some(chunk) = self.take(true) else {
            return false;
        };
        let mut back = HandBack {
            job: self,
            chunk,
            rows: None,
        };
        back.rows = Some((self.scan)(self.lo(chunk), self.hi(chunk)));
        HELPED.fetch_add(1, Ordering::Relaxed);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `f` as the first of two jobs on two threads with chunks of three rows, the other worker
    /// free to help: its result.
    fn as_a_stage<R: Send>(f: impl for<'s> Fn(&Share<'s>) -> R + Sync) -> R {
        let schedule = Schedule::new(vec![&[][..], &[]]);
        let share = Share::new(Some(&schedule));
        set_chunk_rows(3);
        let out = Mutex::new(None);
        schedule.run(
            2,
            |j| {
                if j == 0 {
                    *lock(&out) = Some(f(&share));
                }
                schedule.done(j);
            },
            || share.help(),
        );
        set_chunk_rows(CHUNK_ROWS);
        out.into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .expect("the stage ran")
    }

    #[test]
    fn chunks_come_back_in_the_order_of_their_rows() {
        let data: Arc<Vec<usize>> = Arc::new((0..100).collect());
        let got = as_a_stage(|share| {
            let data = Arc::clone(&data);
            share.rows(data.len(), move |lo, hi| {
                std::thread::sleep(std::time::Duration::from_millis(1));
                data[lo..hi].iter().map(|x| x * 2).collect()
            })
        });
        assert_eq!(got.concat(), (0..100).map(|x| x * 2).collect::<Vec<_>>());
    }

    #[test]
    fn an_arithmetic_error_in_any_chunk_is_the_stage_threads() {
        let errors = as_a_stage(|share| {
            arith::take_errors();
            let got = share.rows(60, |lo, hi| {
                std::thread::sleep(std::time::Duration::from_millis(1));
                // Every chunk overflows once, whichever thread evaluates it.
                (lo..hi)
                    .filter_map(|x| arith::num_add(7, i128::MAX, 1 + x as i128))
                    .collect::<Vec<i128>>()
            });
            assert_eq!(got.concat(), Vec::<i128>::new());
            arith::take_errors()
        });
        assert_eq!(errors.len(), 1, "one error per rule is kept");
        assert_eq!(errors[0].rule, 7);
    }
}
