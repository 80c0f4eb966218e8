//! `lexproof test`: the scenario tests in a file or a directory, one line each, and a manifest on request.

use super::args::{resolve_rules, EngineArgs};
use super::output::print;
use lexproof::data::value::printable;
use lexproof::present::render;
use lexproof::rules::rulebase::sha256_hex;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// A scenario file, or a directory of them (read recursively).
    #[arg(default_value = "tests/scenarios", value_name = "PATH")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub engine: EngineArgs,
}

pub fn run(args: Args) -> ExitCode {
    let Args { dir, engine } = args;
    let (dir, engine) = (dir.as_path(), &engine);
    use lexproof::audit::scenario;
    let (rules, kind, _) = match resolve_rules(engine) {
        Ok(x) => x,
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    let files = match scenario::files(dir) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            eprintln!(
                "{}: error[no_scenarios]: no scenario files (*.dl) here
  hint: pass a scenario file or the directory that holds your scenarios",
                dir.display()
            );
            return ExitCode::from(2);
        }
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    };
    let (mut passed, mut failed) = (0, 0);
    let mut out = String::new();
    let wall = std::time::SystemTime::now();
    let started = Instant::now();
    let mut digests = Vec::new();
    for f in &files {
        if engine.manifest.is_some() {
            let bytes = std::fs::read(f).unwrap_or_default();
            digests.push(lexproof::audit::manifest::FileDigest {
                file: f.display().to_string(),
                sha256: sha256_hex(&bytes),
            });
        }
        let name = printable(&f.display().to_string());
        let parsed = std::fs::read(f)
            .map_err(|e| format!("{name}: error[unreadable_file]: {e}\n"))
            .and_then(|b| lexproof_lang::diag::decode_utf8(&name, b))
            .and_then(|t| scenario::parse(&name, &t));
        match parsed {
            Ok(s) => {
                let o = scenario::run(&s, &rules, kind, &engine.limits());
                if o.passed {
                    passed += 1;
                    out.push_str(&format!("PASS {name}  {}\n", printable(&s.title)));
                } else {
                    failed += 1;
                    out.push_str(&format!(
                        "FAIL {name}  {}\n{}",
                        printable(&s.title),
                        o.report
                    ));
                }
            }
            Err(e) => {
                failed += 1;
                out.push_str(&format!("FAIL {name}\n  {e}"));
            }
        }
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    print(&out);
    let code = u8::from(failed > 0);
    if let Some(path) = &engine.manifest {
        let m = lexproof::audit::manifest::ScenarioManifest {
            schema_version: render::SCHEMA_VERSION,
            lexproof_version: env!("CARGO_PKG_VERSION"),
            command: std::env::args().collect(),
            exit_code: code,
            engine: kind.name(),
            rules: lexproof::audit::manifest::FileDigest {
                file: rules.file.name.clone(),
                sha256: rules.sha256.clone(),
            },
            scenarios: digests,
            passed,
            failed,
            started_at: lexproof::audit::manifest::rfc3339(wall),
            total_ms: started.elapsed().as_secs_f64() * 1e3,
        };
        if let Err(e) = lexproof::audit::manifest::write(&m, path) {
            eprint!("{e}");
            return ExitCode::from(2);
        }
    }
    ExitCode::from(code)
}
