//! What the user sees of a long run on stderr: a progress bar, and each step's time with
//! `LEXPROOF_STAGE_TIMES=1`.

use lexproof::data::progress::Timing;

/// A progress bar on stderr for long runs: bytes of facts read, then a spinner while deriving and
/// indexing. Only on a terminal and without -q, so pipes, files and tests see nothing.
pub struct TermProgress {
    bar: Option<indicatif::ProgressBar>,
    /// Print each step's time (`LEXPROOF_STAGE_TIMES=1`).
    times: bool,
}

impl TermProgress {
    pub fn new(quiet: bool, times: bool) -> TermProgress {
        use std::io::IsTerminal;
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let b = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr_with_hz(8),
            );
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} reading the rules and facts")
                    .expect("static template"),
            );
            b.enable_steady_tick(std::time::Duration::from_millis(120));
            b
        });
        TermProgress { bar, times }
    }
    pub fn clear(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl lexproof::data::progress::Observer for TermProgress {
    fn stage(&self, stage: lexproof::data::progress::Stage) {
        use lexproof::data::progress::Stage;
        let Some(b) = &self.bar else { return };
        let spinner = |msg: &'static str| {
            b.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .expect("static template"),
            );
            b.set_message(msg);
        };
        match stage {
            Stage::Loading { files, bytes } => {
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} loading {msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}, eta {eta})",
                    )
                    .expect("static template")
                    .progress_chars("=> "),
                );
                b.set_length(bytes);
                b.set_message(format!(
                    "{files} fact file{}",
                    if files == 1 { "" } else { "s" }
                ));
            }
            Stage::Deriving => spinner("deriving conclusions and recording rule instances"),
            Stage::Indexing => spinner("indexing proofs"),
            Stage::Done => b.finish_and_clear(),
        }
    }
    fn loaded(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.inc(bytes);
        }
    }
    fn timing(&self, timing: Timing) {
        if !self.times {
            return;
        }
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        let mib = |b: usize| b as f64 / (1 << 20) as f64;
        match timing {
            Timing::Load {
                parse_and_intern,
                final_ids,
                gather,
                sort,
                checks,
            } => eprintln!(
                "lexproof: load steps: parse and intern {:.1} ms, final ids {:.1} ms, gather {:.1} ms, sort {:.1} ms, cycle check {:.1} ms",
                ms(parse_and_intern),
                ms(final_ids),
                ms(gather),
                ms(sort),
                ms(checks)
            ),
            Timing::Stage {
                index,
                name,
                run,
                sort,
                instances,
                derived_bytes,
                instance_bytes,
            } => eprintln!(
                "lexproof: stage {index:>3} {:>9.1} ms, sort {:>6.1} ms, instances {:>6.1} ms; {:>6.1} MiB derived, {:>6.1} MiB instances  {name}",
                ms(run),
                ms(sort),
                ms(instances),
                mib(derived_bytes),
                mib(instance_bytes)
            ),
            Timing::Component {
                index,
                relations,
                rounds,
                index_time,
                commit,
                rules,
            } => {
                let run: std::time::Duration = rules.iter().map(|(_, d)| *d).sum();
                eprintln!(
                    "lexproof: component {index:>3} {:>9.1} ms, indexes {:>6.1} ms, commit {:>6.1} ms, {rounds} round(s)  {relations}",
                    ms(run),
                    ms(index_time),
                    ms(commit)
                );
                for (id, d) in rules {
                    eprintln!("lexproof:   rule {:>9.1} ms  {id}", ms(d));
                }
            }
            Timing::Workers {
                threads,
                wall,
                waited,
                helped,
            } => eprintln!(
                "lexproof: workers {threads}, evaluation {:.1} ms; with no part ready to start: waited {:.1} ms, helped {:.1} ms (all workers)",
                ms(wall),
                ms(waited),
                ms(helped)
            ),
        }
    }
}
