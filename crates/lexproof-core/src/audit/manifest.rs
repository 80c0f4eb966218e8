//! The audit manifest (`--manifest FILE`): what ran on what, so a result can be reproduced and
//! checked later. It is a separate file, written only when asked, so the results themselves stay
//! byte-identical across runs.

use crate::db::Database;
use crate::engine::Timings;
use crate::present::render::{to_json, SCHEMA_VERSION};
use serde::Serialize;
use std::time::{Duration, SystemTime};

#[derive(Serialize)]
pub struct Manifest {
    pub schema_version: u32,
    pub lexproof_version: &'static str,
    /// The command line, program name first.
    pub command: Vec<String>,
    pub exit_code: u8,
    /// `compiled` or `runtime`.
    pub engine: &'static str,
    pub witnesses_recorded: bool,
    pub rules: FileDigest,
    pub facts: Vec<FileDigest>,
    /// The `assessment_date` fact, if the facts give one.
    pub assessment_date: Option<String>,
    pub counts: Counts,
    /// When the run started, UTC, RFC 3339.
    pub started_at: String,
    pub timings_ms: TimingsMs,
}

#[derive(Serialize)]
pub struct FileDigest {
    pub file: String,
    pub sha256: String,
}

#[derive(Serialize)]
pub struct Counts {
    pub input_facts: usize,
    pub conclusions: usize,
    pub rule_instances: usize,
    /// Tuples per conclusion relation named by `.output` (all derived relations if none).
    pub per_relation: std::collections::BTreeMap<String, usize>,
}

#[derive(Serialize)]
pub struct TimingsMs {
    pub load: f64,
    pub derive: f64,
    pub index: f64,
    pub total: f64,
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

pub fn for_run(
    db: &Database,
    t: &Timings,
    started_at: SystemTime,
    total: Duration,
    exit_code: u8,
    command: Vec<String>,
) -> Manifest {
    let program = &db.rules.checked;
    let outputs: Vec<usize> = if program.outputs.is_empty() {
        (0..program.relations.len())
            .filter(|&r| program.relations[r].derived)
            .collect()
    } else {
        program.outputs.clone()
    };
    let assessment_date = program
        .relation("assessment_date")
        .filter(|&r| program.relations[r].arity() == 1)
        .and_then(|r| {
            let t = db.tuples(r);
            (!t.is_empty()).then(|| db.interner.plain(&t.get(0, 0)))
        });
    Manifest {
        schema_version: SCHEMA_VERSION,
        lexproof_version: env!("CARGO_PKG_VERSION"),
        command,
        exit_code,
        engine: db.engine.name(),
        witnesses_recorded: db.witnesses_recorded,
        rules: FileDigest {
            file: db.rules.file.name.clone(),
            sha256: db.rules.sha256.clone(),
        },
        facts: db
            .facts
            .files
            .iter()
            .zip(&db.facts.digests)
            .filter_map(|(f, d)| {
                d.as_ref().map(|d| FileDigest {
                    file: f.clone(),
                    sha256: d.clone(),
                })
            })
            .collect(),
        assessment_date,
        counts: Counts {
            input_facts: db.facts.tables.iter().map(|t| t.len()).sum(),
            conclusions: db.conclusion_count(),
            rule_instances: db.witness_count(),
            per_relation: outputs
                .iter()
                .map(|&r| (db.relation_name(r).to_string(), db.tuples(r).len()))
                .collect(),
        },
        started_at: rfc3339(started_at),
        timings_ms: TimingsMs {
            load: ms(t.load),
            derive: ms(t.derive),
            index: ms(t.index),
            total: ms(total),
        },
    }
}

/// The manifest of a `lexproof test` run: the rules, the scenario files with their digests, results.
#[derive(Serialize)]
pub struct ScenarioManifest {
    pub schema_version: u32,
    pub lexproof_version: &'static str,
    pub command: Vec<String>,
    pub exit_code: u8,
    pub engine: &'static str,
    pub rules: FileDigest,
    pub scenarios: Vec<FileDigest>,
    pub passed: usize,
    pub failed: usize,
    pub started_at: String,
    pub total_ms: f64,
}

pub fn write<T: Serialize>(m: &T, path: &std::path::Path) -> Result<(), String> {
    crate::present::outfile::write_with(path, |w| w.write_all(to_json(m).as_bytes())).map_err(|e| {
        format!(
            "lexproof: cannot write the manifest {}: {e}\n  hint: check that the directory exists and is writable\n",
            path.display()
        )
    })
}

/// `2026-11-29T02:15:00.123Z`
pub fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs();
    let days = (secs / 86_400) as i32;
    let rem = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}.{:03}Z",
        lexproof_lang::number::format_date(days),
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_764_382_500_123);
        assert_eq!(rfc3339(t), "2025-11-29T02:15:00.123Z");
    }
}
