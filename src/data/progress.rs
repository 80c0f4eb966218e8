//! Progress of a long run (loading, deriving, indexing), reported to an observer. The CLI shows it as
//! a progress bar on stderr when stderr is a terminal; tests and pipes see nothing.

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

pub trait Observer: Sync {
    fn stage(&self, _stage: Stage) {}
    /// One fact file of `bytes` bytes was read.
    fn loaded(&self, _bytes: u64) {}
}

/// Reports nothing.
pub struct Silent;

impl Observer for Silent {}
