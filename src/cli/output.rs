//! Writing to stdout and what exit codes mean.

use std::io::Write;
use std::process::ExitCode;

/// The number of one of lexproof's exit codes (0, 1 or 2).
pub fn code_number(c: ExitCode) -> u8 {
    (0..=2).find(|&n| ExitCode::from(n) == c).unwrap_or(2)
}

static STDERR_FAILED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Writes a message to stderr; if it cannot be written the run still goes on (its result may be
/// on stdout), but it ends with a non-zero exit.
pub fn to_stderr(s: &str) {
    let stderr = std::io::stderr();
    let mut lock = stderr.lock();
    if lock
        .write_all(s.as_bytes())
        .and_then(|_| lock.flush())
        .is_err()
    {
        STDERR_FAILED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Whether a message meant for stderr was lost.
pub fn stderr_failed() -> bool {
    STDERR_FAILED.load(std::sync::atomic::Ordering::Relaxed)
}

pub fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

pub fn print(s: &str) {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    if let Err(e) = lock.write_all(s.as_bytes()).and_then(|_| lock.flush()) {
        write_failed(&e);
    }
}

/// Output that could not be written is never reported as success. A closed pipe (`| head`) ends the
/// run quietly, as other Unix tools do, with the shell's status for it (128 + SIGPIPE); any other
/// failure (a full disk, a size limit) is an error.
pub fn write_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(141);
    }
    eprintln!("lexproof: error[write_failed]: cannot write the output: {e}\n  hint: check the disk space and where the output goes; what was written is incomplete");
    std::process::exit(2);
}
