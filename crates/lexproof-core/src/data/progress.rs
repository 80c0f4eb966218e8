//! Progress of a long run (loading, deriving, indexing), reported to an observer. The CLI shows it as
//! a progress bar on stderr when stderr is a terminal; tests and pipes see nothing.

use std::time::Duration;

/// The stages of a run, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// About to read `files` fact files of `bytes` bytes in all.
    Loading {
        files: usize,
        bytes: u64,
    },
    Deriving,
    Indexing,
    Done,
}

/// Where the time of a run went, for profiling a rulebase or a fact base (the CLI prints these with
/// `LEXPROOF_STAGE_TIMES=1`).
#[derive(Debug, Clone)]
pub enum Timing {
    /// The steps of loading the facts.
    Load {
        parse_and_intern: Duration,
        final_ids: Duration,
        gather: Duration,
        sort: Duration,
        checks: Duration,
    },
    /// One stage of the compiled program: `index` in dependency order, `name` the relations it
    /// defines.
    Stage {
        index: usize,
        name: &'static str,
        run: Duration,
        sort: Duration,
        instances: Duration,
        derived_bytes: usize,
        instance_bytes: usize,
    },
    /// One component of the run-time evaluator, in evaluation order: the relations it defines,
    /// the semi-naive rounds it took (1 without recursion), the time spent bringing indexes up to
    /// date and adding the new rows, and each rule's time over all rounds.
    Component {
        index: usize,
        relations: String,
        rounds: usize,
        index_time: Duration,
        commit: Duration,
        rules: Vec<(String, Duration)>,
    },
    /// The evaluation as a whole, from either engine: its wall time on `threads` workers, and
    /// the time the workers spent, in all, with no part of it ready to start: waiting, or doing a
    /// share of a running part's work.
    Workers {
        threads: usize,
        wall: Duration,
        waited: Duration,
        helped: Duration,
    },
}

pub trait Observer: Sync {
    fn stage(&self, _stage: Stage) {}
    /// One fact file of `bytes` bytes was read.
    fn loaded(&self, _bytes: u64) {}
    /// A step finished (see `Timing`).
    fn timing(&self, _timing: Timing) {}
}

/// Reports nothing.
pub struct Silent;

impl Observer for Silent {}
