//! Runs the compiled rulebase's stages. The code generator turns each component of the rules'
//! dependency graph into its own crepe program (a stage); a stage reads input tables and the
//! conclusions of earlier stages, and returns its conclusions and rule instances as tables. Running
//! them one by one frees every stage's hash sets and indexes as soon as it ends (crepe keeps all of
//! them until its run ends); running independent stages at the same time uses every core.
//!
//! A stage's conclusions are handed to the stages that read them as they come out of crepe; the
//! thread that ran the stage then sorts them (the database needs them sorted) and stores the rule
//! instances against the sorted tables while later stages already run. A sort before handing them
//! on would lie on the path every later stage waits for.

use crate::data::progress::{Observer, Timing};
use crate::data::store::Table;
use crate::db::instances::Instances;
use crate::engine::chunks::Share;
use crate::engine::schedule::{lock, Schedule};
use crate::rules::arith::{self, ArithError};
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// What one stage concludes: (relation, table) and (rule, witness table).
#[derive(Default)]
pub struct StageOut {
    pub derived: Vec<(usize, Table)>,
    pub witnesses: Vec<(usize, Table)>,
    /// (rule, relation, row): the rule's witness rows were projected onto its head relation's
    /// table, one head row each, from that row on (so each instance's head row is known without a
    /// search).
    pub heads: Vec<(usize, usize, usize)>,
    /// (rule, what builds its witness table): witness tables that only the stage's instances
    /// need, built once the stages waiting on this one may start.
    pub later: Vec<(usize, Later)>,
}

/// Builds a witness table (`StageOut::later`).
pub type Later = Box<dyn FnOnce() -> Table + Send>;

/// A stage's conclusions once sorted, for storing its rule instances against them.
pub struct Sorted {
    /// (relation, sorted table, and for tables that rows were projected onto, each original
    /// row's row in the sorted table).
    pub tables: Vec<(usize, Arc<Table>, Option<Vec<u32>>)>,
    /// `StageOut::heads`.
    pub projected: Vec<(usize, usize, usize)>,
}

/// What the engine makes of a stage's witness tables (`(rule, table)`), given the stage's sorted
/// conclusions: the rule instances as the database keeps them (`instances::finish`). Runs on the
/// stage's thread.
pub type Finish<'a> = dyn Fn(Vec<(usize, Table)>, &Sorted) -> Vec<(usize, Instances)> + Sync + 'a;

/// Per relation, its table if a stage has derived it.
pub type Done = Vec<Option<Arc<Table>>>;

/// One generated crepe program and the stages whose conclusions it reads.
pub struct Stage {
    /// The relations it defines.
    pub name: &'static str,
    pub deps: &'static [usize],
    /// The derived relations (of those stages) it reads.
    pub reads: &'static [usize],
    /// The lookups (hash sets, multimaps) it reads, by the names stages share them under.
    pub lookups: &'static [&'static str],
    /// Gets the tables of the relations in `reads` (it drops them once it has read them); they
    /// may be as the stage deriving them made them (unsorted, with duplicates) or sorted. Its large
    /// scans may be shared with idle workers through the `Share`.
    pub run: for<'s> fn(&'s [Table], Done, &LookupCache, &Share<'s>) -> StageOut,
}

/// A lookup the stages share, to build as soon as its relation is derived: on two cores a worker
/// with no stage to start builds it, instead of the first stage that reads it, which would build
/// it on the chain of stages the run waits for.
pub struct Prebuild {
    pub key: &'static str,
    pub rel: usize,
    /// The stage deriving `rel`; None for input facts.
    pub stage: Option<usize>,
    /// Builds it into the cache (`LookupCache::get`) from `rel`'s table.
    pub build: fn(&[Table], &Done, &LookupCache),
}

type Shared = Arc<OnceLock<Arc<dyn Any + Send + Sync>>>;

/// The lookups of one run, each built once by the first stage that needs it and shared with the
/// stages that read the same relation by the same columns (the shipped rulebase builds a
/// multimap of `developer` by model in ten stages); each is freed when the last of them has run.
pub struct LookupCache {
    /// Per key: the stages still to use it, and the lookup once built.
    slots: Mutex<HashMap<&'static str, (usize, Shared)>>,
}

impl LookupCache {
    fn new(stages: &[Stage]) -> LookupCache {
        let mut slots: HashMap<&'static str, (usize, Shared)> = HashMap::new();
        for s in stages {
            for &k in s.lookups {
                slots.entry(k).or_default().0 += 1;
            }
        }
        LookupCache {
            slots: Mutex::new(slots),
        }
    }

    /// The lookup named `key`, built by `build` unless a stage has built it already (a stage
    /// asking while another builds it waits for that one).
    pub fn get<T: Any + Send + Sync>(
        &self,
        key: &'static str,
        build: impl FnOnce() -> T,
    ) -> Arc<T> {
        let slot = lock(&self.slots)
            .entry(key)
            .or_insert_with(|| (1, Shared::default()))
            .1
            .clone();
        let any = slot.get_or_init(|| Arc::new(build()));
        Arc::clone(any)
            .downcast::<T>()
            .unwrap_or_else(|_| panic!("lookup {key} is built with one type only"))
    }

    /// A stage has run: drops the lookups no later stage reads.
    fn release(&self, keys: &[&'static str]) {
        let mut slots = lock(&self.slots);
        for k in keys {
            if let Some(e) = slots.get_mut(k) {
                e.0 = e.0.saturating_sub(1);
                if e.0 == 0 {
                    slots.remove(k);
                }
            }
        }
    }
}

/// What the workers of one run share: the stages, their inputs and outputs, and the schedule.
struct StageRun<'a, 's> {
    stages: &'a [Stage],
    prebuilds: &'a [Prebuild],
    inputs: &'s [Table],
    share: &'a Share<'s>,
    /// Per relation: its conclusions once the stage deriving it has ended, first as they came,
    /// then sorted (stages that took the first keep it alive until they have read it).
    derived: Vec<Mutex<Option<Arc<Table>>>>,
    witnesses: Vec<OnceLock<Instances>>,
    finish: &'a Finish<'a>,
    schedule: &'a Schedule<'a>,
    /// The arithmetic errors the stages recorded, gathered from the workers' threads.
    errors: Mutex<Vec<ArithError>>,
    /// Told each stage's time and memory.
    obs: &'a dyn Observer,
    lookups: LookupCache,
}

impl StageRun<'_, '_> {
    /// Job `j` of the schedule: a stage, or after the stages, a lookup to build ahead.
    fn job(&self, j: usize) {
        match j.checked_sub(self.stages.len()) {
            None => self.stage(j),
            // Held (`Schedule::hold`): its stage ends it.
            Some(p) if p >= self.prebuilds.len() => {}
            Some(p) => {
                let prebuild = &self.prebuilds[p];
                let mut snapshot: Done = vec![None; self.derived.len()];
                snapshot[prebuild.rel] = lock(&self.derived[prebuild.rel]).clone();
                (prebuild.build)(self.inputs, &snapshot, &self.lookups);
                self.schedule.done(j);
            }
        }
    }

    /// Runs stage `s` and hands its conclusions on; its rule instances are stored after the
    /// stages waiting on it may start.
    fn stage(&self, s: usize) {
        let t0 = std::time::Instant::now();
        // Only what it reads: a table held here is kept alive until the stage has read it.
        let mut snapshot: Done = vec![None; self.derived.len()];
        for &r in self.stages[s].reads {
            snapshot[r] = lock(&self.derived[r]).clone();
        }
        let StageOut {
            derived,
            mut witnesses,
            heads,
            later,
        } = (self.stages[s].run)(self.inputs, snapshot, &self.lookups, self.share);
        self.lookups.release(self.stages[s].lookups);
        let t1 = std::time::Instant::now();
        let derived: Vec<(usize, Arc<Table>)> =
            derived.into_iter().map(|(r, t)| (r, Arc::new(t))).collect();
        for (r, t) in &derived {
            *lock(&self.derived[*r]) = Some(Arc::clone(t));
        }
        // Arithmetic errors are recorded per thread; gather them for the caller's thread.
        let errors = arith::take_errors();
        let failed = !errors.is_empty();
        lock(&self.errors).extend(errors);
        self.schedule.done(s);
        witnesses.extend(later.into_iter().map(|(r, build)| (r, build())));
        // Later stages may start now. Each table is replaced by its sorted copy; the one as it
        // came is freed when the last stage that took it has read it.
        let tables = derived
            .into_iter()
            .map(|(r, t)| {
                let (sorted, origin) = if heads.iter().any(|h| h.1 == r) {
                    let (t, o) = t.sorted_with_origin();
                    (t, Some(o))
                } else {
                    (t.sorted(), None)
                };
                let sorted = Arc::new(sorted);
                *lock(&self.derived[r]) = Some(Arc::clone(&sorted));
                (r, sorted, origin)
            })
            .collect();
        if !self.prebuilds.is_empty() {
            // The lookups of these tables may be built now, from the sorted tables.
            self.schedule
                .done(sorted_job(self.stages, self.prebuilds, s));
        }
        let sorted = Sorted {
            tables,
            projected: heads,
        };
        let t2 = std::time::Instant::now();
        // A stage whose arithmetic failed fails the run (some heads are missing): its
        // instances are never shown.
        let instances = if failed {
            witnesses
                .into_iter()
                .map(|(r, _)| (r, Instances::default()))
                .collect()
        } else {
            (self.finish)(witnesses, &sorted)
        };
        let mut instance_bytes = 0;
        for (r, inst) in instances {
            instance_bytes += inst.allocated_bytes();
            assert!(
                self.witnesses[r].set(inst).is_ok(),
                "rule {r} recorded twice"
            );
        }
        self.obs.timing(Timing::Stage {
            index: s,
            name: self.stages[s].name,
            run: t1 - t0,
            sort: t2 - t1,
            instances: t2.elapsed(),
            derived_bytes: sorted.tables.iter().map(|t| t.1.allocated_bytes()).sum(),
            instance_bytes,
        });
    }
}

/// Runs every stage, independent ones in parallel, each finished by `finish` on its thread, and
/// returns the derived table of each derived relation (None for input relations) and the instances
/// of each of `rules` rules (0 when the program records none). Arithmetic errors of all stages end
/// up recorded on the calling thread.
pub fn run(
    stages: &[Stage],
    prebuilds: &[Prebuild],
    inputs: &[Table],
    relations: usize,
    rules: usize,
    finish: &Finish,
    obs: &dyn Observer,
) -> (Vec<Option<Table>>, Vec<Instances>) {
    let threads = crate::data::parallel::threads();
    // On one thread, building a lookup ahead only keeps it in memory longer.
    let prebuilds = if threads > 1 { prebuilds } else { &[] };
    let deps = jobs(stages, prebuilds);
    let schedule = Schedule::new(deps.iter().map(Vec::as_slice).collect());
    schedule.hold(stages.len() + prebuilds.len()..deps.len());
    let share = Share::new((threads > 1).then_some(&schedule));
    let shared = StageRun {
        stages,
        prebuilds,
        inputs,
        share: &share,
        derived: (0..relations).map(|_| Mutex::new(None)).collect(),
        witnesses: (0..rules).map(|_| OnceLock::new()).collect(),
        finish,
        schedule: &schedule,
        errors: Mutex::new(Vec::new()),
        obs,
        lookups: LookupCache::new(stages),
    };
    let t0 = std::time::Instant::now();
    let idle = shared
        .schedule
        .run(threads, |j| shared.job(j), || share.help());
    obs.timing(idle.timing(threads, t0.elapsed()));
    let mut errors = shared
        .errors
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    errors.sort_by_key(|e| e.rule);
    arith::record(errors);
    // Every stage has ended, so each slot holds the only reference to its sorted table.
    let derived = shared
        .derived
        .into_iter()
        .map(|slot| {
            let t = slot.into_inner().unwrap_or_else(|e| e.into_inner())?;
            Some(Arc::try_unwrap(t).unwrap_or_else(|shared| (*shared).clone()))
        })
        .collect();
    let witnesses = shared
        .witnesses
        .into_iter()
        .map(|t| t.into_inner().expect("every rule belongs to a stage"))
        .collect();
    (derived, witnesses)
}

/// The jobs of a run and what each waits for: the stages, the lookups to build ahead, then (with
/// lookups) one held job per stage that its thread ends once its tables are sorted. A lookup
/// waits for the tables of the stage deriving its relation to be sorted, so it is built from
/// sorted keys (the stages reading the tables start before, with the tables as they came), and
/// every stage reading the lookup waits for it.
fn jobs(stages: &[Stage], prebuilds: &[Prebuild]) -> Vec<Vec<usize>> {
    let mut deps: Vec<Vec<usize>> = stages.iter().map(|s| s.deps.to_vec()).collect();
    let sorted = |s: usize| sorted_job(stages, prebuilds, s);
    for (p, prebuild) in prebuilds.iter().enumerate() {
        let job = stages.len() + p;
        for (s, stage) in stages.iter().enumerate() {
            if stage.lookups.contains(&prebuild.key) {
                deps[s].push(job);
            }
        }
        deps.push(prebuild.stage.map(sorted).into_iter().collect());
    }
    if !prebuilds.is_empty() {
        deps.extend((0..stages.len()).map(|s| vec![s]));
    }
    deps
}

/// The held job that stage `s`'s thread ends once its tables are sorted (`jobs`).
fn sorted_job(stages: &[Stage], prebuilds: &[Prebuild], s: usize) -> usize {
    stages.len() + prebuilds.len() + s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop(_: &[Table], _: Done, _: &LookupCache, _: &Share) -> StageOut {
        StageOut::default()
    }

    #[test]
    fn a_lookup_is_built_after_its_relation_is_sorted_and_before_its_readers() {
        let stage = |deps: &'static [usize], lookups: &'static [&'static str]| Stage {
            name: "s",
            deps,
            reads: &[],
            lookups,
            run: noop,
        };
        fn build(_: &[Table], _: &Done, _: &LookupCache) {}
        let stages = [
            stage(&[], &[]),
            stage(&[0], &["r1k0s"]),
            stage(&[], &["r1k0s"]),
        ];
        let prebuilds = [Prebuild {
            key: "r1k0s",
            rel: 1,
            stage: Some(0),
            build,
        }];
        // Stages 0-2, the lookup (3), the held jobs of the stages' sorted tables (4-6).
        assert_eq!(
            jobs(&stages, &prebuilds),
            vec![
                vec![],
                vec![0, 3],
                vec![3],
                vec![4],
                vec![0],
                vec![1],
                vec![2]
            ]
        );
        assert_eq!(jobs(&stages, &[]), vec![vec![], vec![0], vec![]]);
    }

    #[test]
    fn a_shared_lookup_is_built_once_and_freed_after_its_last_reader() {
        let stages = [
            Stage {
                name: "a",
                deps: &[],
                reads: &[],
                lookups: &["r1k0s"],
                run: noop,
            },
            Stage {
                name: "b",
                deps: &[],
                reads: &[],
                lookups: &["r1k0s"],
                run: noop,
            },
        ];
        let cache = LookupCache::new(&stages);
        let builds = std::sync::atomic::AtomicUsize::new(0);
        let build = || {
            builds.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            vec![1u32, 2, 3]
        };
        let first = cache.get("r1k0s", build);
        cache.release(stages[0].lookups);
        let second = cache.get("r1k0s", build);
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(builds.load(std::sync::atomic::Ordering::SeqCst), 1);
        cache.release(stages[1].lookups);
        assert!(
            lock(&cache.slots).is_empty(),
            "freed once no stage reads it"
        );
        drop(first);
        assert_eq!(Arc::strong_count(&second), 1);
    }
}
