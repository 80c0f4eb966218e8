//! Loading facts from files: `.dl` ground atoms, `<relation>.facts`, `.tsv` and `.csv` tables, `.json`
//! tuples or CycloneDX BOMs, and `.md` model cards.
//! All files are read and checked before anything is used: one bad fact fails the whole load, with
//! every error located at file:line:column, so nothing is ever half-loaded.

pub mod as_of;
mod csv;
mod cycles;
mod dl;
pub mod import;
pub(crate) mod json;
mod keys;
pub mod params;
pub mod roles;
pub mod shared;
mod tsv;

use crate::data::store::{Table, Type};
use crate::data::value::{Date, Interner, Value};
use crate::rules::rulebase::Rulebase;
use lexproof_lang::check::{Checked, Const};
use lexproof_lang::diag::{render, Diagnostic};
use lexproof_lang::number::{parse_date, parse_number};
use lexproof_lang::source::Span;
use lexproof_lang::SourceFile;
use std::path::{Path, PathBuf};

/// Where a fact came from: an index into `FactSet::files` and a 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Origin {
    pub file: u32,
    pub line: u32,
}

pub struct FactSet {
    /// One table per relation, sorted and without duplicates.
    pub tables: Vec<Table>,
    pub origins: Vec<Vec<Origin>>,
    /// File names as given by the user; index 0 is the rules file.
    pub files: Vec<String>,
    /// Fact statements read, duplicates included.
    pub read: usize,
    /// Files skipped in directories because of their extension.
    pub skipped: Vec<String>,
    /// How many of `files` are fact files (the others are rules files holding ground facts).
    pub fact_files: usize,
    /// How many of `files`, from the first, are rules files. Options that stand for facts
    /// (`--as-of`, `--param`) come after the fact files.
    pub rules_files: usize,
    /// SHA-256 of each of `files` as read; `None` for rules files, or if not asked for.
    pub digests: Vec<Option<String>>,
    /// The date the run assesses as of, and where it came from (set by `as_of::settle`).
    pub as_of: as_of::AsOf,
}

impl FactSet {
    /// The `--param NAME=VALUE` options this run was given, as written: a report must say that its
    /// answers rest on values other than the rules'.
    pub fn changed_parameters(&self) -> Vec<&str> {
        self.files
            .iter()
            .filter_map(|f| f.strip_prefix(params::ORIGIN_PREFIX))
            .collect()
    }
}

/// What a fact reader works with: the rulebase (relations, types, enumerations) and its loading
/// thread's handle on the shared symbol table.
struct Loader<'a, 's> {
    program: &'a Checked,
    interner: &'a mut shared::Worker<'s>,
}

/// Every file's facts and every error, gathered in file order.
struct Gathered {
    tables: Vec<Table>,
    origins: Vec<Vec<Origin>>,
    files: Vec<String>,
    /// SHA-256 of each of `files` as read (`None` for rules files, or when not asked for).
    digests: Vec<Option<String>>,
    read: usize,
    errors: Vec<String>,
}

/// One file's facts, held apart until the whole file has loaded without error.
#[derive(Default)]
pub(crate) struct Staging {
    /// The file's index in `FactSet::files`.
    file: u32,
    tables: Vec<Option<(Table, Vec<Origin>)>>,
}

impl Staging {
    /// The table of `rel`'s facts from this file and each fact's origin, created empty if need be.
    pub(crate) fn table(&mut self, program: &Checked, rel: usize) -> &mut (Table, Vec<Origin>) {
        if self.tables.len() <= rel {
            self.tables.resize_with(rel + 1, || None);
        }
        self.tables[rel]
            .get_or_insert_with(|| (Table::new(&program.relations[rel].types()), Vec::new()))
    }
    /// Where line `line` of this file is.
    pub(crate) fn origin(&self, line: usize) -> Origin {
        Origin {
            file: self.file,
            line: line as u32,
        }
    }
    pub(crate) fn push(&mut self, program: &Checked, rel: usize, values: &[Value], line: usize) {
        let origin = self.origin(line);
        let (t, origins) = self.table(program, rel);
        t.push_row(values);
        origins.push(origin);
    }
}

/// One fact source to parse.
enum Job {
    File(PathBuf),
    Text { name: String, text: String },
    Bytes { name: String, bytes: Vec<u8> },
}

impl Job {
    /// Bytes to parse (0 for a file that cannot be read: its error is reported when it is).
    fn size(&self) -> u64 {
        match self {
            Job::File(path) => std::fs::metadata(path).map_or(0, |m| m.len()),
            Job::Text { text, .. } => text.len() as u64,
            Job::Bytes { bytes, .. } => bytes.len() as u64,
        }
    }
}

/// One parsed source: its facts or its rendered errors.
struct Parsed {
    name: String,
    /// False for in-memory bytes whose name has no fact-file extension: nothing to list or load.
    listed: bool,
    digest: Option<String>,
    result: Result<Staging, String>,
}

/// What `parse_all` sizes its buffers and table by.
struct Sizes<'a> {
    /// About how many distinct symbols the files hold.
    expected_symbols: usize,
    /// The largest file's size in bytes.
    largest: usize,
    /// Each job's size in bytes (`Job::size`), to parse the largest first.
    jobs: &'a [u64],
}

/// Parses every job on up to one thread per core, all interning into one shared table
/// (`shared::SharedInterner`, seeded with `global`'s symbols). Symbols are numbered in job order
/// as soon as the jobs before are parsed, by whichever worker finds the next job ready (so
/// numbering overlaps parsing); ids thus never depend on which worker parsed what. If every job
/// parsed, the tables are rewritten to those ids on every core and `global` takes the table;
/// otherwise `global` is left as it was.
fn parse_all(
    program: &Checked,
    jobs: &[Job],
    files: &[u32],
    digests: bool,
    obs: &dyn crate::data::progress::Observer,
    global: &mut Interner,
    sizes: Sizes<'_>,
) -> (Vec<Parsed>, std::time::Duration) {
    use shared::{Numbering, SharedInterner};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let workers = crate::data::parallel::threads().min(jobs.len()).max(1);
    let interner = SharedInterner::new(global, workers, sizes.expected_symbols);
    let slots: Vec<Mutex<Option<Parsed>>> = jobs.iter().map(|_| Mutex::new(None)).collect();
    // The next job to number, and the numbering so far.
    let numbering = Mutex::new((0usize, Numbering::new(global)));
    // Numbers, in job order, every job that is parsed, stopping at the first that is not (a
    // later finisher, or the sweep after parsing, numbers it).
    let number_ready = |(next, numbering): &mut (usize, Numbering)| {
        while let Some(slot) = slots.get(*next) {
            let Ok(parsed) = slot.lock() else { break };
            let Some(parsed) = parsed.as_ref() else { break };
            if let Ok(staging) = &parsed.result {
                for (table, _) in staging.tables.iter().flatten() {
                    numbering.number(interner.tids(), table);
                }
            }
            *next += 1;
        }
    };
    // Largest first, so that no big file is left for one core at the end (file order put the
    // largest fact file last in the bench's directories: one core parsed its fifth of the bytes
    // alone). Numbering stays in job order, so the ids do not depend on the schedule.
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sizes.jobs[i]));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut worker = interner.worker();
        // One read buffer per worker, reused for every file it reads: fresh memory is costly to
        // touch, and a file's bytes are not needed once it is parsed. Made large enough for any
        // file at once (capacity never written is never touched), so it is never replaced.
        let mut buffer = Vec::with_capacity(sizes.largest.saturating_add(1));
        while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let job = &jobs[i];
            let (parsed, bytes) =
                parse_job(program, job, files[i], digests, &mut worker, &mut buffer);
            obs.loaded(bytes);
            if let Ok(mut slot) = slots[i].lock() {
                *slot = Some(parsed);
            }
            if let Ok(mut n) = numbering.try_lock() {
                number_ready(&mut n);
            }
        }
    };
    if workers == 1 {
        work();
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers).map(|_| scope.spawn(work)).collect();
            for h in handles {
                h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
            }
        });
    }
    // What no worker got to: a job finished while another worker was numbering.
    let mut n = numbering.into_inner().unwrap_or_else(|p| p.into_inner());
    number_ready(&mut n);
    let (numbered, numbering) = n;
    assert_eq!(numbered, jobs.len(), "every job is numbered");
    let mut parsed: Vec<Parsed> = slots
        .into_iter()
        .map(|s| {
            s.into_inner()
                .ok()
                .flatten()
                .expect("every job is parsed by some worker")
        })
        .collect();
    let t_ids = std::time::Instant::now();
    if parsed.iter().any(|p| p.result.is_err()) {
        return (parsed, t_ids.elapsed());
    }
    // Rewriting the cells to their numbers is independent per table: done on every core.
    let mut tables: Vec<&mut Table> = parsed
        .iter_mut()
        .filter_map(|p| p.result.as_mut().ok())
        .flat_map(|staging| staging.tables.iter_mut().flatten().map(|(t, _)| t))
        .collect();
    tables.sort_by_key(|t| std::cmp::Reverse(t.len()));
    crate::data::parallel::for_each(tables, |table| table.map_syms(|s| numbering.id(s)));
    interner.into_interner(numbering, global);
    (parsed, t_ids.elapsed())
}

/// Reads and parses one source; also returns its size in bytes (0 if unreadable).
fn parse_job(
    program: &Checked,
    job: &Job,
    file: u32,
    want_digest: bool,
    interner: &mut shared::Worker,
    buffer: &mut Vec<u8>,
) -> (Parsed, u64) {
    let (name, path, bytes) = match job {
        Job::File(path) => {
            use std::io::Read;
            // A control character (a newline) in a file name would break `file:line:col`.
            let name = crate::data::value::printable(&path.display().to_string());
            buffer.clear();
            let read = |f: &mut std::fs::File, buffer: &mut Vec<u8>| {
                // A buffer too small for the file is replaced, not grown: growing would copy its
                // old bytes, and touching fresh memory twice is the costly part of reading.
                let size = f.metadata().map_or(0, |m| m.len() as usize);
                if buffer.capacity() < size.saturating_add(1) {
                    *buffer = Vec::with_capacity(size.saturating_add(1));
                }
                f.read_to_end(buffer)
            };
            match std::fs::File::open(path).and_then(|mut f| read(&mut f, buffer)) {
                Ok(_) => (name, path.clone(), std::mem::take(buffer)),
                Err(e) => {
                    let error = format!("{name}: error[unreadable_file]: cannot read facts: {e}\n  hint: check that the file exists and is readable\n");
                    return (
                        Parsed {
                            name,
                            listed: true,
                            digest: None,
                            result: Err(error),
                        },
                        0,
                    );
                }
            }
        }
        Job::Text { name, text } => (name.clone(), PathBuf::from(name), text.clone().into_bytes()),
        Job::Bytes { name, bytes } => (name.clone(), PathBuf::from(name), bytes.clone()),
    };
    let size = bytes.len() as u64;
    let kind = match job {
        Job::Text { .. } => Some(Kind::Dl),
        _ => kind(&path),
    };
    // The digest of exactly the bytes read, for the audit manifest.
    let digest = want_digest.then(|| crate::rules::rulebase::sha256_hex(&bytes));
    let result = match lexproof_lang::diag::decode_utf8(&name, bytes) {
        Err(e) => Err(e),
        Ok(text) => match kind {
            Some(kind) => {
                let (result, text) = parse_text(program, interner, &name, &path, kind, text, file);
                *buffer = text.into_bytes();
                result
            }
            None => Ok(Staging::default()),
        },
    };
    (
        Parsed {
            name,
            listed: kind.is_some(),
            digest,
            result,
        },
        size,
    )
}

/// Parses one source's text; hands the text back (its buffer is reused for the next file).
fn parse_text(
    program: &Checked,
    interner: &mut shared::Worker,
    name: &str,
    path: &Path,
    kind: Kind,
    text: String,
    file_idx: u32,
) -> (Result<Staging, String>, String) {
    let mut l = Loader { program, interner };
    let file = SourceFile::new(name, text);
    let mut diags = Vec::new();
    let mut facts = Staging {
        file: file_idx,
        tables: Vec::new(),
    };
    match kind {
        Kind::ModelCard => match crate::facts::import::hf::import(name, path, &file.text) {
            Ok(imported) => push_imported(&mut l, &file, &imported, &mut facts, &mut diags),
            Err(report) => return (Err(report), file.text),
        },
        Kind::Dl => dl::read(&mut l, &file, &mut facts, &mut diags),
        Kind::Tsv => tsv::read(&mut l, path, false, &file, &mut facts, &mut diags),
        Kind::HeadedTsv => tsv::read(&mut l, path, true, &file, &mut facts, &mut diags),
        Kind::Csv => csv::read(&mut l, path, &file, &mut facts, &mut diags),
        Kind::Json => json::read(&mut l, &file, &mut facts, &mut diags),
    }
    if diags.is_empty() {
        return (Ok(facts), file.text);
    }
    let n = diags.len();
    diags.truncate(MAX_ERRORS_PER_FILE);
    let mut report = render(&file, &diags);
    if n > MAX_ERRORS_PER_FILE {
        report.push_str(&format!(
            "{}: … and {} more errors in this file\n",
            crate::data::value::printable(&file.name),
            n - MAX_ERRORS_PER_FILE
        ));
    }
    (Err(report), file.text)
}

/// Stages the facts an importer found in `file`, each at its line, checked like any fact.
fn push_imported(
    l: &mut Loader,
    file: &SourceFile,
    imported: &crate::facts::import::Imported,
    facts: &mut Staging,
    diags: &mut Vec<Diagnostic>,
) {
    for f in &imported.facts {
        let line_text = file.line_text(f.line);
        let start = (line_text.as_ptr() as usize).saturating_sub(file.text.as_ptr() as usize);
        let span = Span::new(start, start + line_text.len());
        let rel = match l.relation(f.rel, span) {
            Ok(r) => r,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if let Err(d) = l.arity(rel, f.args.len(), span) {
            diags.push(d);
            continue;
        }
        let mut values = Vec::with_capacity(f.args.len());
        for (k, a) in f.args.iter().enumerate() {
            match l.scalar(rel, k, a, true, span) {
                Ok(v) => values.push(v),
                Err(d) => diags.push(d),
            }
        }
        if values.len() == f.args.len() {
            facts.push(l.program, rel, &values, f.line);
        }
    }
}

/// Stop listing a file's errors after this many: the first ones show the pattern.
const MAX_ERRORS_PER_FILE: usize = 20;

/// Where facts come from: a file or directory, or `.dl` text held in memory (a scenario's facts).
#[derive(Debug, Clone)]
pub enum FactSource {
    Path(PathBuf),
    DlText {
        name: String,
        text: String,
    },
    /// The contents of a fact file held in memory; its format comes from `name`'s extension
    /// (`.dl`, `.facts`, `.json`), as for a file on disk.
    Bytes {
        name: String,
        bytes: Vec<u8>,
    },
}

pub fn load(
    rules: &Rulebase,
    sources: &[FactSource],
    interner: &mut Interner,
) -> Result<FactSet, Vec<String>> {
    load_observed(
        rules,
        sources,
        interner,
        LoadOptions::default(),
        &crate::data::progress::Silent,
    )
}

/// How to load: whether to hash every file, and what to do with files no reader claims.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Compute each file's SHA-256, for the audit manifest (a pass over every byte).
    pub digests: bool,
    /// Skip files in fact directories that no reader claims (listed in `FactSet::skipped`)
    /// instead of failing the load.
    pub skip_unknown: bool,
}

/// `load`, telling `obs` how many bytes there are to read and as each file is read.
pub fn load_observed(
    rules: &Rulebase,
    sources: &[FactSource],
    interner: &mut Interner,
    options: LoadOptions,
    obs: &dyn crate::data::progress::Observer,
) -> Result<FactSet, Vec<String>> {
    let program = &rules.checked;
    let mut l = Gathered::with_rule_facts(program, interner);
    let rules_files = l.files.len();
    let (expanded, skipped) = expand_sources(sources, options.skip_unknown, &mut l.errors);
    let jobs = jobs_in_order(sources, expanded);
    let job_sizes: Vec<u64> = jobs.iter().map(Job::size).collect();
    let file_sizes = || {
        jobs.iter()
            .zip(&job_sizes)
            .filter(|(job, _)| matches!(job, Job::File(_)))
            .map(|(_, &size)| size)
    };
    let bytes: u64 = file_sizes().sum();
    let largest = file_sizes().max().map_or(0, |n| n as usize);
    obs.stage(crate::data::progress::Stage::Loading {
        files: file_sizes().count(),
        bytes,
    });
    // Each step's time, for the observer.
    let t0 = std::time::Instant::now();
    let file_of_job = file_indexes(&jobs, l.files.len() as u32);
    // Sizes the shared symbol table for a symbol per 128 bytes of input, a density at which fact
    // files that repeat ids across files still fit with room; it grows if there are more.
    let expected_symbols = (bytes / 128).min(1 << 28) as usize;
    let (parsed, t_ids) = parse_all(
        program,
        &jobs,
        &file_of_job,
        options.digests,
        obs,
        interner,
        Sizes {
            expected_symbols,
            largest,
            jobs: &job_sizes,
        },
    );
    let t_parse = t0.elapsed();
    l.gather(parsed)?;
    let t_gather = t0.elapsed();
    let (mut tables, mut origins) = (l.tables, l.origins);
    sort_tables(&mut tables, &mut origins);
    let t_sort = t0.elapsed();
    let mut invalid = keys::check(program, &tables, &origins, &l.files, interner);
    invalid.extend(cycles::check(
        program, &tables, &origins, &l.files, interner,
    ));
    if !invalid.is_empty() {
        return Err(per_file(invalid, &l.files));
    }
    obs.timing(crate::data::progress::Timing::Load {
        parse_and_intern: t_parse - t_ids,
        final_ids: t_ids,
        gather: t_gather - t_parse,
        sort: t_sort - t_gather,
        checks: t0.elapsed() - t_sort,
    });
    Ok(FactSet {
        tables,
        origins,
        fact_files: l.files.len() - rules_files,
        rules_files,
        files: l.files,
        digests: l.digests,
        read: l.read,
        skipped,
        as_of: as_of::AsOf::NotApplicable,
    })
}

impl Gathered {
    /// Empty tables for every relation, holding the rules files' own facts.
    fn with_rule_facts(program: &Checked, interner: &mut Interner) -> Gathered {
        let mut l = Gathered {
            tables: program
                .relations
                .iter()
                .map(|r| Table::new(&r.types()))
                .collect(),
            origins: vec![Vec::new(); program.relations.len()],
            files: Vec::new(),
            digests: Vec::new(),
            read: 0,
            errors: Vec::new(),
        };
        // A parameter's dated values wait for the assessment date (`params::in_force`).
        for f in program.facts.iter().filter(|f| f.in_force_from.is_none()) {
            let values: Vec<Value> = f.values.iter().map(|c| const_value(c, interner)).collect();
            // Rules files come first in `files`; an extension's facts keep their own file name.
            let file = match l.files.iter().position(|n| *n == f.file) {
                Some(i) => i,
                None => {
                    l.files.push(f.file.clone());
                    l.digests.push(None);
                    l.files.len() - 1
                }
            };
            l.push(f.rel, &values, file as u32, f.line);
        }
        l
    }

    /// Appends each listed file's parsed tables in the order given; any file's error fails the load.
    fn gather(&mut self, parsed: Vec<Parsed>) -> Result<(), Vec<String>> {
        let l = self;
        let mut staged: Vec<Staging> = Vec::new();
        for file in parsed {
            if !file.listed {
                continue;
            }
            l.files.push(file.name);
            l.digests.push(file.digest);
            match file.result {
                Err(e) => l.errors.push(e),
                Ok(staging) => staged.push(staging),
            }
        }
        if !l.errors.is_empty() {
            return Err(std::mem::take(&mut l.errors));
        }
        for staging in staged {
            for (rel, staged) in staging.tables.into_iter().enumerate() {
                let Some((table, origins)) = staged else {
                    continue;
                };
                l.read += table.len();
                if l.tables[rel].is_empty() {
                    // One file per relation (TSV) is the common case: no copy.
                    l.tables[rel] = table;
                    l.origins[rel] = origins;
                } else {
                    l.tables[rel].append(&table);
                    l.origins[rel].extend(origins);
                }
            }
        }
        if !l.errors.is_empty() {
            return Err(std::mem::take(&mut l.errors));
        }
        Ok(())
    }
}

/// The files of every `--facts` path (directories walked once, hidden and unclaimed files
/// skipped or refused), in the order given, and the files skipped.
fn expand_sources(
    sources: &[FactSource],
    skip_unknown: bool,
    errors: &mut Vec<String>,
) -> (Vec<Vec<PathBuf>>, Vec<String>) {
    // Expand directories first, so the progress bar knows the total.
    let mut skipped = Vec::new();
    let mut expanded: Vec<Vec<PathBuf>> = Vec::new();
    let mut seen = Seen::default();
    for source in sources {
        if let FactSource::Path(p) = source {
            let errors_before = errors.len();
            let again = seen.reached(p);
            let (files, skip) = expand(p, skip_unknown, &mut seen, errors);
            if files.is_empty() && errors.len() == errors_before && !again {
                errors.push(path_error(
                    p,
                    "no_fact_files",
                    &format!("no fact file here: lexproof reads {READ_KINDS}"),
                    "pass the directory or file that holds the facts",
                ));
            }
            skipped.extend(skip);
            expanded.push(files);
        }
    }
    (expanded, skipped)
}

/// Every file (or in-memory text) in the order given; parsed on every core into one shared symbol
/// table, then numbered and gathered in this order so symbol ids and kept origins never depend on
/// timing.
fn jobs_in_order(sources: &[FactSource], expanded: Vec<Vec<PathBuf>>) -> Vec<Job> {
    let mut jobs: Vec<Job> = Vec::new();
    let mut expanded = expanded.into_iter();
    for source in sources {
        match source {
            FactSource::Path(_) => jobs.extend(
                expanded
                    .next()
                    .unwrap_or_default()
                    .into_iter()
                    .map(Job::File),
            ),
            FactSource::DlText { name, text } => jobs.push(Job::Text {
                name: name.clone(),
                text: text.clone(),
            }),
            FactSource::Bytes { name, bytes } => jobs.push(Job::Bytes {
                name: name.clone(),
                bytes: bytes.clone(),
            }),
        }
    }
    jobs
}

/// Each job's index in the list of files: the listed ones (fact files) follow the `first` rules
/// files in order.
fn file_indexes(jobs: &[Job], first: u32) -> Vec<u32> {
    // Each job's index in `files`: the listed ones (fact files) follow the rules files in order.
    let mut file_of_job = Vec::with_capacity(jobs.len());
    let mut listed = first;
    for job in jobs {
        file_of_job.push(listed);
        let is_listed = match job {
            Job::File(p) => kind(p).is_some(),
            Job::Text { .. } => true,
            Job::Bytes { name, .. } => kind(Path::new(name)).is_some(),
        };
        listed += is_listed as u32;
    }
    file_of_job
}

/// Sorts and deduplicates every table on all cores, largest first, keeping each kept fact's origin.
fn sort_tables(tables: &mut [Table], origins: &mut [Vec<Origin>]) {
    let mut jobs: Vec<(&mut Table, &mut Vec<Origin>)> =
        tables.iter_mut().zip(origins.iter_mut()).collect();
    jobs.sort_by_key(|(t, _)| std::cmp::Reverse(t.len()));
    crate::data::parallel::for_each(jobs, |(t, o)| {
        // Equal rows sort by position, so the first-loaded origin of a duplicate fact is kept.
        let keep = t.sort_dedup();
        *o = keep.iter().map(|&i| o[i as usize]).collect();
    });
}

pub fn const_value(c: &Const, interner: &mut Interner) -> Value {
    match c {
        Const::Sym(s) => Value::Sym(interner.intern(s)),
        Const::Num(n) => Value::Num(*n),
        Const::Date(d) => Value::Date(Date(*d)),
    }
}

/// A loader error about a path (not a place in its text): `path: error[code]: message` and a hint,
/// the path made safe to print.
fn path_error(p: &Path, code: &str, message: &str, hint: &str) -> String {
    format!(
        "{}: error[{code}]: {message}\n  hint: {hint}\n",
        crate::data::value::printable(&p.display().to_string())
    )
}

/// Files to load, in a stable order: explicit files as given, directories walked recursively in
/// name order. Each file is read once however often it is reached (the same path given twice, a
/// symlink to a file already listed); a directory reached again through a symlink is not walked
/// again, which also ends symlink loops. Only regular files are read: a FIFO would block, a device
/// would never end.
fn expand(
    p: &Path,
    skip_unknown: bool,
    seen: &mut Seen,
    errors: &mut Vec<String>,
) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    match std::fs::metadata(p) {
        Ok(m) if m.is_dir() => walk(p, skip_unknown, seen, &mut files, &mut skipped, errors),
        Ok(m) => {
            if kind(p).is_none() {
                errors.push(unknown_kind(p));
            } else if let Some(e) = not_regular(p, &m) {
                errors.push(e);
            } else if seen.file(p) {
                files.push(p.to_path_buf());
            }
        }
        Err(e) => errors.push(path_error(
            p,
            "unreadable_file",
            &format!("cannot read facts: {e}"),
            "check the path given to --facts",
        )),
    }
    (files, skipped)
}

/// The file kinds lexproof reads, for messages.
pub const READ_KINDS: &str = "`.dl` (facts as in rules files), `.facts`, `.tsv` and `.csv` (named after the relation), `.json` (facts, or a CycloneDX BOM) and `.md` (a Hugging Face model card) files";

fn unknown_kind(p: &Path) -> String {
    path_error(
        p,
        "unknown_file_kind",
        &format!("no reader claims this file: lexproof reads {READ_KINDS}"),
        "rename the file if it holds facts, move it out of the facts directory, or pass --skip-unknown to skip such files with a warning",
    )
}

/// The files and directories already reached, by their identity on disk (device and inode where
/// the platform has them, else the canonical path). Resolving a canonical path costs one lookup per
/// level of the path, which made a walk down deeply nested folders cubic in their depth.
#[derive(Default)]
struct Seen {
    files: std::collections::HashSet<Identity>,
    dirs: std::collections::HashSet<Identity>,
}

#[derive(PartialEq, Eq, Hash)]
pub(crate) enum Identity {
    Inode(u64, u64),
    Path(PathBuf),
}

pub(crate) fn identity(p: &Path) -> Identity {
    #[cfg(unix)]
    if let Ok(m) = std::fs::metadata(p) {
        use std::os::unix::fs::MetadataExt;
        return Identity::Inode(m.dev(), m.ino());
    }
    Identity::Path(std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf()))
}

impl Seen {
    /// Whether `p` is reached for the first time.
    fn file(&mut self, p: &Path) -> bool {
        self.files.insert(identity(p))
    }
    fn dir(&mut self, p: &Path) -> bool {
        self.dirs.insert(identity(p))
    }
    /// Whether `p` was reached already (a path given to --facts twice, or inside another).
    fn reached(&self, p: &Path) -> bool {
        let c = identity(p);
        self.files.contains(&c) || self.dirs.contains(&c)
    }
}

/// The bytes of a file named on the command line (a rules file, an extension, a file to import):
/// only a regular file is read, since a FIFO would block and a device (`/dev/zero`) never end.
pub fn read_regular(p: &Path) -> std::io::Result<Vec<u8>> {
    if !std::fs::metadata(p)?.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file (a directory, pipe, socket or device)",
        ));
    }
    std::fs::read(p)
}

/// The error for a fact path that is not a regular file (a FIFO, socket or device).
fn not_regular(p: &Path, m: &std::fs::Metadata) -> Option<String> {
    (!m.is_file()).then(|| {
        path_error(
            p,
            "not_a_regular_file",
            "this is not a regular file (a pipe, socket or device), so lexproof does not read it",
            "copy the facts into an ordinary file, or remove it from the facts directory",
        )
    })
}

fn walk(
    dir: &Path,
    skip_unknown: bool,
    seen: &mut Seen,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<String>,
    errors: &mut Vec<String>,
) {
    if !seen.dir(dir) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(path_error(
                dir,
                "unreadable_file",
                &format!("cannot read the directory: {e}"),
                "check its permissions",
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        let m = match std::fs::metadata(&p) {
            Ok(m) => m,
            // A dangling symlink named as a fact file is an error: facts were meant to be there.
            Err(e) if kind(&p).is_some() => {
                errors.push(path_error(
                    &p,
                    "unreadable_file",
                    &format!("cannot read facts: {e}"),
                    "check that the file exists and is readable",
                ));
                continue;
            }
            Err(_) => {
                skipped.push(crate::data::value::printable(&p.display().to_string()));
                continue;
            }
        };
        // Hidden files and folders (`.git`, `.DS_Store`) are never facts.
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            skipped.push(crate::data::value::printable(&p.display().to_string()));
        } else if m.is_dir() {
            walk(&p, skip_unknown, seen, files, skipped, errors);
        } else if skip_unknown
            && m.is_file()
            && matches!(kind(&p), Some(Kind::ModelCard))
            && !has_front_matter(&p)
        {
            // A folder's own notes (README.md without a card's metadata) are not a model card.
            skipped.push(crate::data::value::printable(&p.display().to_string()));
        } else if kind(&p).is_some() {
            if let Some(e) = not_regular(&p, &m) {
                errors.push(e);
            } else if seen.file(&p) {
                files.push(p);
            }
        } else if skip_unknown {
            skipped.push(crate::data::value::printable(&p.display().to_string()));
        } else {
            errors.push(unknown_kind(&p));
        }
    }
}

/// Whether a file starts with a `---` line, as a model card's front matter does.
fn has_front_matter(p: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    let n = std::fs::File::open(p)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..n]);
    let head = head.strip_prefix('\u{feff}').unwrap_or(&head);
    crate::facts::import::hf::opens_card(head.split('\n').next().unwrap_or(""))
}

#[derive(Clone, Copy)]
enum Kind {
    Dl,
    Tsv,
    HeadedTsv,
    Csv,
    Json,
    ModelCard,
}

fn kind(p: &Path) -> Option<Kind> {
    match p.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "dl" => Some(Kind::Dl),
        "facts" => Some(Kind::Tsv),
        "tsv" => Some(Kind::HeadedTsv),
        "csv" => Some(Kind::Csv),
        "md" => Some(Kind::ModelCard),
        "json" => Some(Kind::Json),
        _ => None,
    }
}

impl Gathered {
    fn push(&mut self, rel: usize, values: &[Value], file: u32, line: usize) {
        self.tables[rel].push_row(values);
        self.origins[rel].push(Origin {
            file,
            line: line as u32,
        });
        self.read += 1;
    }
}

impl Loader<'_, '_> {
    /// Resolves a relation named in a fact file: it must be declared and be an input relation.
    fn relation(&self, name: &str, span: Span) -> Result<usize, Diagnostic> {
        let Some(rel) = self.program.relation(name) else {
            let d = Diagnostic::error(
                "unknown_relation",
                span,
                format!("unknown relation `{name}`"),
            )
            .label("not in the rulebase's vocabulary");
            return Err(match self.program.suggest(name) {
                Some(s) => d.hint(format!(
                    "did you mean `{s}`? The relations are declared in the rules file"
                )),
                None => d.hint("use a relation of the vocabulary: `lexproof vocab` lists them"),
            });
        };
        if self.program.relations[rel].derived {
            return Err(Diagnostic::error("derived_relation_fact", span, format!("`{name}` is a conclusion; lexproof derives it from the rules"))
                .label("facts cannot assert a conclusion")
                .hint("give the input facts it follows from instead (e.g. developer, made_available, training_compute)"));
        }
        if self.program.relations[rel].param {
            return Err(Diagnostic::error("parameter_fact", span, format!("`{name}` is a parameter of the rules; a fact file cannot give it a second value"))
                .label("a parameter's value is set in the rules")
                .hint(format!("to assess with another value, pass `--param {name}=VALUE`")));
        }
        Ok(rel)
    }

    fn arity(&self, rel: usize, found: usize, span: Span) -> Result<(), Diagnostic> {
        let r = &self.program.relations[rel];
        if r.arity() == found {
            return Ok(());
        }
        let fields: Vec<String> = r.fields.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        Err(Diagnostic::error(
            "arity_mismatch",
            span,
            format!(
                "`{}` has {} field{}, but {} value{} given",
                r.name,
                r.arity(),
                plural(r.arity()),
                found,
                if found == 1 { " is" } else { "s are" }
            ),
        )
        .label(format!("{found} value{}", plural(found)))
        .hint(format!("write {}({})", r.name, fields.join(", "))))
    }

    fn number(&self, text: &str, fname: &str, rname: &str, span: Span) -> Result<i128, Diagnostic> {
        parse_number(text).map_err(|e| {
            let code = if matches!(e, lexproof_lang::number::NumberError::OutOfRange) {
                "number_out_of_range"
            } else {
                "invalid_number"
            };
            Diagnostic::error(
                code,
                span,
                format!(
                    "field `{fname}` of `{rname}` is a number: {}",
                    e.describe(text)
                ),
            )
            .label("not an exact whole number in range")
            .hint(format!(
                "write a whole number such as 40000 or 2.6e25, within {}",
                lexproof_lang::number::NUMBER_RANGE
            ))
        })
    }

    /// Converts one cell of text to a value of the column's type.
    fn scalar(
        &mut self,
        rel: usize,
        col: usize,
        text: &str,
        quoted: bool,
        span: Span,
    ) -> Result<Value, Diagnostic> {
        let (fname, ty) = &self.program.relations[rel].fields[col];
        let (fname, ty) = (fname.as_str(), *ty);
        let rname = &self.program.relations[rel].name;
        match ty {
            Type::Symbol if quoted => {
                if self.program.relations[rel].roles[col].is_some() && text.is_empty() {
                    return Err(Diagnostic::error(
                        "empty_id",
                        span,
                        format!("field `{fname}` of `{rname}` is an id, but it is empty"),
                    )
                    .label("empty")
                    .hint(
                        "give the id, or delete the row (an empty row of a spreadsheet export?)",
                    ));
                }
                if let Some(e) = self.program.relations[rel].enums[col] {
                    let e = &self.program.enums[e];
                    if !e.contains(text) {
                        return Err(e.reject(text, span, &format!("field `{fname}` of `{rname}`")));
                    }
                }
                Ok(Value::Sym(self.interner.intern(text)))
            }
            Type::Symbol => Err(Diagnostic::error(
                "type_mismatch",
                span,
                format!("field `{fname}` of `{rname}` is a symbol, but this is a number"),
            )
            .label("expected a symbol")
            .hint("write symbols in double quotes, e.g. \"text\"")),
            Type::Number => {
                let n = self.number(text, fname, rname, span)?;
                if n < 0
                    && self.program.relations[rel]
                        .nonnegative
                        .get(col)
                        .copied()
                        .unwrap_or(false)
                {
                    return Err(Diagnostic::error(
                        "negative_number",
                        span,
                        format!("field `{fname}` of `{rname}` is `{text}`, a negative number, which it cannot be"),
                    )
                    .label("negative")
                    .hint("check the sign: this field counts something (FLOP of compute, days) and is zero or more, e.g. 4e24"));
                }
                Ok(Value::Num(n))
            }
            Type::Date => {
                let d = parse_date(text).ok_or_else(|| {
                    Diagnostic::error("invalid_date", span, format!("field `{fname}` of `{rname}` is a date, but `{text}` is not a calendar date"))
                        .label("expected YYYY-MM-DD")
                        .hint("write dates as YYYY-MM-DD with a day that exists, e.g. 2025-08-02")
                })?;
                // The rules count periods of months and years from these dates; near the ends of
                // the calendar that would leave it (and a year such as 0025 is a typo).
                let year: i32 = text[..4].parse().unwrap_or(0);
                if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
                    return Err(Diagnostic::error("date_out_of_range", span, format!("field `{fname}` of `{rname}` is the date `{text}`, outside the years {FIRST_YEAR} to {LAST_YEAR} that lexproof reasons about"))
                        .label("year out of range")
                        .hint("check the year: the AI Act's dates run from 2024"));
                }
                Ok(Value::Date(Date(d)))
            }
        }
    }
}

/// The years a date in a fact may have.
pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2999;

/// A TSV cell for an id (a model, actor or system) that is surely a slip of the spreadsheet: still
/// in quotes, or with spaces around it. Taken as written, it would name a different model or actor
/// from the one meant, and the answer would quietly leave it out. (In `.dl` and JSON the quotes
/// show exactly what the value is.)
fn suspicious_cell(text: &str, span: Span, field: &str, rel: &str) -> Option<Diagnostic> {
    let at = format!("field `{field}` of `{rel}`");
    if text.len() >= 2 && text.starts_with('"') && text.ends_with('"') {
        return Some(
            Diagnostic::error(
                "quoted_id",
                span,
                format!("{at} is an id written inside quotes: `{text}`"),
            )
            .label("quotes kept as part of the id")
            .hint(format!(
                "TSV cells take no quotes: write `{}`",
                &text[1..text.len() - 1]
            )),
        );
    }
    if !text.is_empty() && text.trim() != text {
        return Some(
            Diagnostic::error(
                "id_spaces",
                span,
                format!("{at} is an id with spaces around it: `{text}`"),
            )
            .label("leading or trailing space")
            .hint(format!(
                "write `{}`; with the spaces it names another model or actor than the one meant",
                text.trim()
            )),
        );
    }
    None
}

impl Loader<'_, '_> {
    /// A TSV cell of a symbol field: an id cell is checked for spreadsheet slips first.
    fn tsv_symbol(
        &mut self,
        rel: usize,
        col: usize,
        text: &str,
        span: Span,
    ) -> Result<Value, Diagnostic> {
        let r = &self.program.relations[rel];
        if r.roles[col].is_some() {
            if let Some(d) = suspicious_cell(text, span, &r.fields[col].0, &r.name) {
                return Err(d);
            }
        }
        self.scalar(rel, col, text, true, span)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The checks' messages joined into one per file they point at (each starts with `file:line`), so
/// that the summary counts files with errors, as it does for errors found while reading.
fn per_file(messages: Vec<String>, files: &[String]) -> Vec<String> {
    let mut grouped: Vec<(Option<usize>, String)> = Vec::new();
    for m in messages {
        let file = files
            .iter()
            .enumerate()
            .filter(|(_, f)| m.starts_with(f.as_str()) && m[f.len()..].starts_with(':'))
            .max_by_key(|(_, f)| f.len())
            .map(|(i, _)| i);
        match grouped.iter_mut().find(|g| g.0 == file) {
            Some(g) => g.1.push_str(&m),
            None => grouped.push((file, m)),
        }
    }
    grouped.into_iter().map(|(_, m)| m).collect()
}
