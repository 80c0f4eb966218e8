//! `lexproof report`: what a compliance officer hands to management. Per actor and model: the duties
//! that bind it (deadline, overdue, weakest authority, unsettled law, a short proof), the duties
//! lifted and by which rule, the duties a reader would expect that are not concluded and why not,
//! and the open questions (conclusions left undetermined, with the facts to supply).
//!
//! The report reads the public conclusion vocabulary (provider, obligation, exempt, deadline,
//! overdue, undetermined, ...); a rulebase without it gets a clear error.

mod html;
mod json;
mod md;

pub use html::html;
pub use json::json;
pub use md::markdown;
pub use md::{code, md as escape_md};

use crate::data::value::Value;
use crate::db::Database;
use crate::reason::proof::{best_derivation, build_proof, Node, Options, Proof};
use crate::reason::query::{Arg, Pattern};
use crate::reason::whynot::{self, Explanation, Status, Verdict};
use lexproof_lang::ast::Authority;
use lexproof_lang::check::{CLit, CTerm, Const, Rule};

pub use crate::reason::proof::PROOF_LEVELS;
const SHORT: Options = Options {
    all: false,
    depth: Some(PROOF_LEVELS),
};

/// The proof of a conclusion the report lists, cut at `PROOF_LEVELS`; built when a format draws it,
/// not kept with the report (a report over 10^4 models would hold 10^5 proof graphs).
pub fn short_proof(db: &Database, rel: usize, tuple: &[Value]) -> Proof {
    build_proof(db, rel, tuple, SHORT).expect("a conclusion in the report holds")
}

/// Rules that bind an actor to a duty only in part: a report that shows the duty's general words
/// must say so (a modifier asked to document the whole base model would be told a falsehood).
const SCOPE_RULES: &[&str] = &["art53_duties_bind_modifier"];

/// The relations the report reads, with their arities.
const NEEDS: &[(&str, usize)] = &[
    ("provider", 2),
    ("obligation", 3),
    ("exempt", 3),
    ("deadline", 4),
    ("overdue", 3),
    ("undetermined", 3),
    ("systemic_risk", 1),
    ("placed_on_market", 2),
];

struct Rels {
    provider: usize,
    obligation: usize,
    exempt: usize,
    deadline: usize,
    overdue: usize,
    undetermined: usize,
    systemic_risk: usize,
    placed_on_market: usize,
    /// Input relations naming an actor's models (model, actor), where the rules declare them.
    own: Vec<usize>,
    established_in: Option<usize>,
    /// Establishments closed by the assessment date (`established_in_until`), where declared.
    established_until: Option<usize>,
    as_of: Option<usize>,
    lifecycle_placed: Option<usize>,
    current_transfer: Option<usize>,
    duty_met: Option<usize>,
    met_on: Option<usize>,
    assessment_date: Option<usize>,
    /// The dated vocabulary, where the rules declare it.
    duty_applies_from: Option<usize>,
    duty_status: Option<usize>,
    /// Owed whether or not it applies yet (`duty_status` then says which).
    duty_owed: Option<usize>,
    obligation_period: Option<usize>,
    systemic_risk_since: Option<usize>,
    gpai_model: Option<usize>,
    first_threshold_trigger: Option<usize>,
}

fn relations(db: &Database) -> Result<Rels, String> {
    let mut ix = Vec::new();
    for (name, arity) in NEEDS {
        match db.relation_named(name, *arity) {
            Some(r) => ix.push(r),
            None => {
                return Err(format!(
                    "lexproof: report needs the relation {name}/{arity} of the conclusion vocabulary, which these rules do not declare\n  hint: report works with the shipped rulebase or one extending it (--extend); use derive or query for other rulebases\n"
                ))
            }
        }
    }
    let opt = |n: &str, a: usize| db.relation_named(n, a);
    Ok(Rels {
        provider: ix[0],
        obligation: ix[1],
        exempt: ix[2],
        deadline: ix[3],
        overdue: ix[4],
        undetermined: ix[5],
        systemic_risk: ix[6],
        placed_on_market: ix[7],
        own: ["developer", "modifier"]
            .iter()
            .filter_map(|n| opt(n, 2))
            .collect(),
        // Where establishments can be dated, the heading shows those counted on the assessment date.
        established_in: opt("established_as_of", 2).or(opt("established_in", 2)),
        established_until: opt("established_in_until", 3),
        as_of: opt("as_of", 1),
        lifecycle_placed: opt("lifecycle_placed", 2),
        current_transfer: opt("current_transfer", 3),
        duty_met: opt("duty_met", 4),
        met_on: opt("met_on", 4),
        assessment_date: opt("assessment_date", 1),
        duty_applies_from: opt("duty_applies_from", 4),
        duty_status: opt("duty_status", 4),
        duty_owed: opt("duty_owed", 3),
        obligation_period: opt("obligation_period", 5),
        systemic_risk_since: opt("systemic_risk_since", 2),
        gpai_model: opt("gpai_model", 1),
        first_threshold_trigger: opt("first_threshold_trigger", 2),
    })
}

pub struct Report {
    pub assessment_date: Option<Value>,
    /// Which date the run assessed as of, and where it came from.
    pub as_of: Option<String>,
    pub actors: Vec<ActorReport>,
    /// `--actor` named an actor that appears in no fact.
    pub unknown_actor: Option<String>,
    /// Why `unknown_actor` is not an actor, when it names something else (a model).
    pub actor_hint: Option<String>,
    /// AI systems built on the models (Art. 3(68), 75(1), 79), where the rules declare them.
    pub systems: Vec<SystemReport>,
    /// Open questions (model, question, input to supply) about models no actor section shows, such
    /// as a placed model whose provider the facts do not name: left out, they would read as "nothing
    /// is owed".
    pub unattributed: Vec<(Value, Value, Value)>,
}

/// One AI system: who answers for it, what it builds on, who supervises it, what it must correct.
pub struct SystemReport {
    pub system: Value,
    pub providers: Vec<Value>,
    /// (model, its provider)
    pub builds_on: Vec<(Value, Value)>,
    pub supervised_in: Vec<Value>,
    pub ai_office: bool,
    pub corrective_actions: Vec<CorrectiveAction>,
}

/// An Art. 79(2) requirement to take corrective action, and where it stands.
pub struct CorrectiveAction {
    pub actor: Value,
    pub required_on: Value,
    pub deadline: Value,
    pub overdue: bool,
    /// The Member State's public holidays are not in the facts: the deadline may be later.
    pub holidays_unknown: bool,
    /// The first corrective action taken on or after the requirement, by the assessment date.
    pub done_on: Option<Value>,
    /// That action came after the deadline (`corrective_action_late`).
    pub late: bool,
}

/// "closed in AT on 2026-03-02, ..." for an actor's closed establishments.
pub fn closed_text(db: &Database, closed: &[(Value, Value)]) -> String {
    closed
        .iter()
        .map(|(c, d)| {
            format!(
                "closed in {} on {}",
                db.interner.plain(c),
                db.interner.plain(d)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Corrective action owed by an actor for its AI systems (Art. 79(2)): (actor, how many, how many
/// overdue). Such an actor may owe nothing for a model, so the summary table would not show it.
pub fn corrective_owers(systems: &[SystemReport]) -> Vec<(Value, usize, usize)> {
    let mut out: Vec<(Value, usize, usize)> = Vec::new();
    for c in systems.iter().flat_map(|s| &s.corrective_actions) {
        match out.iter_mut().find(|x| x.0 == c.actor) {
            Some(x) => {
                x.1 += 1;
                x.2 += usize::from(c.overdue);
            }
            None => out.push((c.actor, 1, usize::from(c.overdue))),
        }
    }
    out
}

/// The AI systems that integrate a model, shown when `actor` (if any) provides them or a model in them.
fn systems(db: &Database, actor: Option<Value>) -> Vec<SystemReport> {
    let p = &db.rules.checked;
    let rel = |n: &str, a: usize| p.relation(n).filter(|&r| p.relations[r].arity() == a);
    let (Some(builds), Some(sys_provider)) =
        (rel("system_builds_on", 3), rel("system_provider", 2))
    else {
        return Vec::new();
    };
    let supervised = rel("system_supervised_in", 2);
    let office = rel("system_supervised_by_ai_office", 1);
    let deadlines = rel("corrective_action_deadline", 4);
    let overdue = rel("corrective_action_overdue", 3);
    let taken_late = rel("corrective_action_late", 3);
    let unknown_holidays = rel("corrective_action_holidays_unknown", 2);
    let done = rel("corrective_action_done", 2);
    let taken = rel("corrective_action_taken", 2);
    let mut names: Vec<Value> = db
        .sorted_rows(db.tuples(builds))
        .into_iter()
        .map(|t| t[0])
        .collect();
    names.dedup();
    names
        .into_iter()
        .map(|s| {
            // The rows of `r` about system `s` (in column `col`).
            let of = |r: Option<usize>, col: usize| -> Vec<Vec<Value>> {
                r.map(|r| db.rows_mentioning(r, s))
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|t| t[col] == s)
                    .collect()
            };
            let late = of(overdue, 1);
            let after_deadline = of(taken_late, 1);
            let unsure = of(unknown_holidays, 0);
            let answered = of(done, 0);
            let actions = of(taken, 0);
            let done_on = |required: Value| -> Option<Value> {
                if !answered.iter().any(|t| t[1] == required) {
                    return None;
                }
                actions
                    .iter()
                    .map(|t| t[1])
                    .filter(|d| db.interner.display_cmp(d, &required).is_ge())
                    .min_by(|x, y| db.interner.display_cmp(x, y))
            };
            SystemReport {
                system: s,
                providers: of(Some(sys_provider), 0)
                    .into_iter()
                    .map(|t| t[1])
                    .collect(),
                builds_on: of(Some(builds), 0)
                    .into_iter()
                    .map(|t| (t[1], t[2]))
                    .collect(),
                supervised_in: of(supervised, 0).into_iter().map(|t| t[1]).collect(),
                ai_office: !of(office, 0).is_empty(),
                corrective_actions: of(deadlines, 1)
                    .into_iter()
                    .map(|t| CorrectiveAction {
                        actor: t[0],
                        required_on: t[2],
                        deadline: t[3],
                        overdue: late.iter().any(|o| o[..3] == t[..3]),
                        holidays_unknown: unsure.iter().any(|u| u[1] == t[2]),
                        done_on: done_on(t[2]),
                        late: after_deadline.iter().any(|o| o[..3] == t[..3]),
                    })
                    .collect(),
            }
        })
        .filter(|x| {
            actor.is_none_or(|a| {
                x.providers.contains(&a) || x.builds_on.iter().any(|(_, p)| *p == a)
            })
        })
        .collect()
}

pub struct ActorReport {
    pub actor: Value,
    pub established_in: Vec<Value>,
    /// (country, day) of establishments closed by the assessment date: said when none is left, so
    /// that a known place is not read as one not given.
    pub closed: Vec<(Value, Value)>,
    pub models: Vec<ModelReport>,
    /// Models the actor develops or modifies without being concluded their provider: why not, and
    /// the open questions about them.
    pub not_provider: Vec<NotProvider>,
}

/// One actor's line in the summary table.
pub struct Totals {
    pub duties: usize,
    pub overdue: usize,
    pub exemptions: usize,
    pub open_questions: usize,
    /// Duties owed in periods that are over.
    pub past: usize,
}

impl ActorReport {
    /// The models the actor is concluded to provide (the others only owe it duties).
    pub fn provided(&self) -> usize {
        self.models
            .iter()
            .filter(|m| m.not_provider.is_none())
            .count()
    }

    pub fn totals(&self) -> Totals {
        let sum = |f: &dyn Fn(&ModelReport) -> usize| self.models.iter().map(f).sum::<usize>();
        Totals {
            duties: sum(&|m| m.duties.len()),
            overdue: sum(&|m| m.duties.iter().filter(|d| d.overdue).count()),
            exemptions: sum(&|m| m.exemptions.len()),
            past: sum(&|m| m.past.len())
                + self
                    .not_provider
                    .iter()
                    .map(|n| n.past.len())
                    .sum::<usize>(),
            open_questions: sum(&|m| m.open_questions.len())
                + self
                    .not_provider
                    .iter()
                    .map(|n| n.open_questions.len())
                    .sum::<usize>(),
        }
    }
}

/// Said under a duty table in which a duty rests on less than the Act itself, or on unsettled law.
pub const AUTHORITY_LEGEND: &str = "Weakest authority: the least binding kind of source among the rules a duty rests on: statute (the Act), recital, or guidelines (the Commission's Guidelines, which say how the Commission reads the Act but do not bind a court). ⚠: the proof passes through a rule where the law is unsettled (named below).";

/// Whether a duty table needs `AUTHORITY_LEGEND`.
pub fn needs_legend(m: &ModelReport) -> bool {
    m.duties
        .iter()
        .any(|d| !d.ambiguous.is_empty() || d.weakest.is_some_and(|a| a != Authority::Statute))
}

pub struct NotProvider {
    pub model: Value,
    pub reason: String,
    pub open_questions: Vec<OpenQuestion>,
    /// Duties it owed for the model in a period that is over (e.g. before the model passed to
    /// another actor): (duty, from, until, the day it was met if the facts say so). A one-off duty
    /// met in time (a notification) must not read as a breach that ran for the whole period.
    pub past: Vec<PastDuty>,
}

pub struct ModelReport {
    pub model: Value,
    /// Set when the actor owes duties for the model without being concluded its provider: why not.
    pub not_provider: Option<String>,
    pub systemic_risk: bool,
    pub systemic_risk_since: Option<Value>,
    /// What the model is, for the heading: a general-purpose AI model or not (yet), with systemic
    /// risk or the compute threshold met (a model in pre-market R&D can owe notification first).
    pub kind: String,
    /// The model's legal history, where the rules carry the dated vocabulary.
    pub timeline: Option<crate::reason::timeline::Timeline>,
    pub placed_on_market: Option<Value>,
    /// Where the model counts as placed earlier, with the provider's own version (Guidelines §2.2).
    pub lifecycle_placed: Option<Value>,
    /// What is decided about the model but does not count yet (a designation the provider is
    /// informed of after the assessment date), in words with the rule behind it.
    pub pending: Vec<String>,
    pub duties: Vec<Duty>,
    /// Duties the actor owed for the model in periods that are over (duty, from, until, met on):
    /// a stretch without the open-source exemption, a past period of systemic risk.
    pub past: Vec<PastDuty>,
    pub exemptions: Vec<Exemption>,
    pub not_concluded: Vec<NotConcluded>,
    /// (question, facts needed)
    pub open_questions: Vec<OpenQuestion>,
}

pub struct Duty {
    pub duty: Value,
    pub says: String,
    /// How far the duty reaches, where a rule of its proof limits it: a modifier's Art. 53 duties
    /// cover only its modification (Recital 109). The limiting rule's own words.
    pub scope: Option<String>,
    pub citations: Vec<String>,
    /// The day it has applied since.
    pub since: Option<Value>,
    /// A fulfilment the facts record that does not count (a mandate to a representative outside
    /// the Union, one that ended): the day and why not, so that "overdue" does not read as if
    /// nothing had been done.
    pub unheeded: Option<(Value, String)>,
    /// Where it stands on the assessment date (`duty_status`).
    pub status: Vec<Value>,
    pub deadline: Option<Value>,
    pub overdue: bool,
    pub weakest: Option<Authority>,
    /// (rule id, why the law is unsettled) for every ambiguous rule in the proof.
    pub ambiguous: Vec<(String, String)>,
    /// The same for the proof of its deadline, where not already in `ambiguous` (a deadline may
    /// rest on a reading the duty does not: the lifecycle placing, an assumed holiday list).
    pub deadline_ambiguous: Vec<(String, String)>,
    /// The rules of the proof, top down: (id, citations).
    pub rules: Vec<(String, Vec<String>)>,
    /// Input facts the proof rests on, with their origins.
    pub facts: Vec<(String, String)>,
    /// The proof goes deeper than `PROOF_LEVELS`: `rules` and `facts` cover its top only.
    pub cut: bool,
    /// The obligation: relation and tuple (`short_proof` draws its proof).
    pub rel: usize,
    pub tuple: Vec<Value>,
}

pub struct Exemption {
    pub duty: Value,
    pub rule: String,
    pub citations: Vec<String>,
    pub says: String,
    pub weakest: Option<Authority>,
    /// The exemption: relation and tuple (`short_proof` draws its proof).
    pub rel: usize,
    pub tuple: Vec<Value>,
}

pub struct NotConcluded {
    pub duties: Vec<Value>,
    pub reason: String,
}

pub fn build(db: &Database, actor: Option<&str>) -> Result<Report, String> {
    let rels = relations(db)?;
    let it = &db.interner;
    let rows = |rel: usize| db.sorted_rows(db.tuples(rel));
    let assessment_date = rels
        .assessment_date
        .and_then(|r| rows(r).into_iter().next().map(|t| t[0]));
    // Providers, and actors that develop or modify a model without being concluded its provider.
    let mut actors: Vec<Value> = Vec::new();
    for t in rows(rels.provider).into_iter().chain(rows(rels.obligation)) {
        if !actors.contains(&t[0]) {
            actors.push(t[0]);
        }
    }
    for &r in &rels.own {
        for t in rows(r) {
            if !actors.contains(&t[1]) {
                actors.push(t[1]);
            }
        }
    }
    // Former providers (an owner between two transfers develops and modifies nothing).
    for t in rels.obligation_period.map(rows).unwrap_or_default() {
        if !actors.contains(&t[0]) {
            actors.push(t[0]);
        }
    }
    let mut unknown_actor = None;
    let mut actor_hint = None;
    if let Some(a) = actor {
        match it.get(a) {
            Some(s)
                if actors.contains(&Value::Sym(s))
                    || holders(db, &rels, Value::Sym(s)).is_empty() =>
            {
                actors = vec![Value::Sym(s)]
            }
            // A model's id given for an actor: an empty section would read as "owes nothing".
            Some(s) => {
                actors.clear();
                unknown_actor = Some(a.to_string());
                let holders = holders(db, &rels, Value::Sym(s));
                actor_hint = Some(format!(
                    "\"{a}\" is a model, not an actor; report on an actor that develops or provides it: {}",
                    holders.join(", ")
                ));
            }
            None => {
                actors.clear();
                unknown_actor = Some(a.to_string());
            }
        }
    }
    actors.sort_by(|a, b| it.display_cmp(a, b));
    let duty_values = duty_values(db, rels.obligation);
    let as_of = rels.as_of.and_then(|r| {
        db.sorted_rows(db.tuples(r))
            .into_iter()
            .next()
            .map(|t| t[0])
    });
    let mut out = Vec::new();
    for a in actors {
        let mut models: Vec<Value> = db
            .rows_mentioning(rels.provider, a)
            .into_iter()
            .filter(|t| t[0] == a)
            .map(|t| t[1])
            .collect();
        models.dedup();
        let mut reports = Vec::new();
        for m in &models {
            reports.push(model_report(db, &rels, a, *m, &duty_values, None));
        }
        // Duties owed for a model the actor does not provide (yet): the notification of a model
        // not placed, above all. Left out, the report would show such an actor owing nothing.
        // Duties that do not apply yet, or were met before they applied, count too: a mandate due
        // before a launch after the assessment date is what a compliance officer must see coming.
        let mut owing: Vec<Value> = std::iter::once(rels.obligation)
            .chain(rels.duty_status)
            .flat_map(|r| db.rows_mentioning(r, a))
            .filter(|t| t[0] == a && !models.contains(&t[1]))
            .map(|t| t[1])
            .collect();
        owing.sort_by(|x, y| it.display_cmp(x, y));
        owing.dedup();
        let scheduled = db
            .rules
            .checked
            .relation("scheduled_placing")
            .filter(|&r| db.rules.checked.relations[r].arity() == 2);
        for m in &owing {
            let on = scheduled.and_then(|r| {
                db.rows_mentioning(r, *m)
                    .into_iter()
                    .find(|t| t[0] == *m)
                    .map(|t| t[1])
            });
            let why = match (on, represented(db, a, *m)) {
                (_, Some(p)) => format!(
                    "it is the authorised representative that {} mandated for it (Art. 3(5), Art. 54)",
                    db.interner.plain(&p)
                ),
                (Some(d), None) => format!(
                    "{} is to be placed on the Union market on {}, after the assessment date",
                    db.interner.plain(m),
                    db.interner.plain(&d)
                ),
                (None, None) => reason(db, rels.provider, &[a, *m]),
            };
            reports.push(model_report(db, &rels, a, *m, &duty_values, Some(why)));
        }
        models.extend(owing);
        // Models the actor develops or modifies but is not concluded to provide.
        let mut own: Vec<Value> = Vec::new();
        for &r in &rels.own {
            for t in db.rows_mentioning(r, a) {
                if t[1] == a && !models.contains(&t[0]) && !own.contains(&t[0]) {
                    own.push(t[0]);
                }
            }
        }
        if let Some(r) = rels.obligation_period {
            for t in db.rows_mentioning(r, a) {
                if t[0] == a && !models.contains(&t[1]) && !own.contains(&t[1]) {
                    own.push(t[1]);
                }
            }
        }
        own.sort_by(|x, y| it.display_cmp(x, y));
        let not_provider = own
            .into_iter()
            .map(|m| {
                let past = past_duties(db, &rels, a, m);
                // Past periods of a non-provider are those of a former provider: what ended its
                // time as provider says more than which premise of `provider` fails now.
                let ended = past
                    .iter()
                    .map(|p| p.until)
                    .max_by(|x, y| it.display_cmp(x, y));
                let reason = match (ended, represented(db, a, m)) {
                    (Some(d), Some(p)) => format!(
                        "it was the authorised representative that {} mandated for it, until the mandate ended on {}",
                        it.plain(&p),
                        it.plain(&d)
                    ),
                    (Some(d), None) => format!(
                        "it provided the model until {}, when the model passed to another actor",
                        it.plain(&d)
                    ),
                    (None, _) => decisive(db, a, m)
                        .unwrap_or_else(|| reason(db, rels.provider, &[a, m])),
                };
                NotProvider {
                    model: m,
                    reason,
                    open_questions: questions(db, rels.undetermined, m),
                    past,
                }
            })
            .collect();
        let established_in = rows_of(db, rels.established_in, a)
            .into_iter()
            .map(|t| t[1])
            .collect();
        let closed = rows_of(db, rels.established_until, a)
            .into_iter()
            .filter(|t| as_of.is_none_or(|d| db.interner.display_cmp(&t[2], &d).is_le()))
            .map(|t| (t[1], t[2]))
            .collect();
        out.push(ActorReport {
            actor: a,
            established_in,
            closed,
            models: reports,
            not_provider,
        });
    }
    let shown: std::collections::HashSet<Value> = out
        .iter()
        .flat_map(|a| {
            a.models
                .iter()
                .map(|m| m.model)
                .chain(a.not_provider.iter().map(|n| n.model))
        })
        .collect();
    let unattributed = if actor.is_some() {
        Vec::new()
    } else {
        rows(rels.undetermined)
            .into_iter()
            .filter(|t| !shown.contains(&t[0]))
            .map(|t| (t[0], t[1], t[2]))
            .collect()
    };
    Ok(Report {
        assessment_date,
        as_of: db.facts.as_of.describe(&db.facts.files),
        unattributed,
        actors: out,
        systems: if unknown_actor.is_some() {
            Vec::new()
        } else {
            systems(db, actor.and_then(|a| it.get(a)).map(Value::Sym))
        },
        unknown_actor,
        actor_hint,
    })
}

/// The rows of `rel` (if the rules have it) whose first argument is `a`.
fn rows_of(db: &Database, rel: Option<usize>, a: Value) -> Vec<Vec<Value>> {
    rel.map(|r| {
        db.rows_mentioning(r, a)
            .into_iter()
            .filter(|t| t[0] == a)
            .collect()
    })
    .unwrap_or_default()
}

/// The provider that named `a` its authorised representative for `m` (`named_representative`),
/// where `a` does not provide `m` itself.
fn represented(db: &Database, a: Value, m: Value) -> Option<Value> {
    let r = db
        .relation_named("named_representative", 3)
        .or_else(|| db.relation_named("authorised_representative", 3))?;
    db.rows_mentioning(r, a)
        .into_iter()
        .filter(|t| t[1] == m && t[2] == a && t[0] != a)
        .map(|t| t[0])
        .min_by(|x, y| db.interner.display_cmp(x, y))
}

/// The duties a reader expects of `a` for `m`: an authorised representative's own duties for a
/// model it represents (`representative_task`), otherwise the others; a provider told that it does
/// not owe a representative's tasks learns nothing.
fn expected_duties(
    db: &Database,
    a: Value,
    m: Value,
    not_provider: bool,
    all: &[Value],
) -> Vec<Value> {
    let Some(tasks) = db.relation_named("representative_task", 1) else {
        return all.to_vec();
    };
    let representative = not_provider && represented(db, a, m).is_some();
    all.iter()
        .copied()
        .filter(|d| db.holds(tasks, &[*d]) == representative)
        .collect()
}

/// The values the duty field of `obligation` can take: its enumeration, else the duties any
/// obligation rule names.
fn duty_values(db: &Database, obligation: usize) -> Vec<Value> {
    let p = &db.rules.checked;
    let mut out: Vec<Value> = Vec::new();
    if let Some(e) = p.relations[obligation].enums[2] {
        for s in &p.enums[e].values {
            if let Some(x) = db.interner.get(s) {
                out.push(Value::Sym(x));
            }
        }
    } else {
        for r in p.rules_for(obligation) {
            if let CTerm::Const(c) = &r.head.args[2] {
                if let Some(v) = crate::rules::eval::const_lookup(c, &db.interner) {
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
            }
        }
    }
    out
}

fn model_report(
    db: &Database,
    rels: &Rels,
    a: Value,
    m: Value,
    duties: &[Value],
    not_provider: Option<String>,
) -> ModelReport {
    let rows = |rel: usize| db.rows_mentioning(rel, m);
    let mine = |rel: usize| -> Vec<Vec<Value>> {
        rows(rel)
            .into_iter()
            .filter(|t| t[0] == a && t[1] == m)
            .collect()
    };
    let deadlines = mine(rels.deadline);
    let overdue = mine(rels.overdue);
    let since = rels.duty_applies_from.map(mine).unwrap_or_default();
    let statuses = rels.duty_status.map(mine).unwrap_or_default();
    // The day a duty applies from and where it stands.
    let recorded = rels.duty_met.map(mine).unwrap_or_default();
    let as_of = db.relation_named("as_of", 1).and_then(|r| {
        db.sorted_rows(db.tuples(r))
            .into_iter()
            .next()
            .map(|t| t[0])
    });
    let dated = |mut x: Duty| -> Duty {
        x.since = since.iter().find(|s| s[2] == x.duty).map(|s| s[3]);
        if let Some(y) = x.deadline {
            for found in ambiguous_in(db, rels.deadline, &[a, m, x.duty, y]) {
                if !x.ambiguous.iter().any(|(id, _)| *id == found.0)
                    && !x.deadline_ambiguous.iter().any(|(id, _)| *id == found.0)
                {
                    x.deadline_ambiguous.push(found);
                }
            }
        }
        if x.overdue {
            x.unheeded = rels.met_on.and_then(|met_on| {
                recorded
                    .iter()
                    .filter(|t| t[2] == x.duty && !db.holds(met_on, t))
                    .min_by(|p, q| db.interner.display_cmp(&p[3], &q[3]))
                    // Two steps: what the fulfilment lacks and the fact behind it; further down
                    // the search only picks an arbitrary Member State to be missing.
                    .map(|t| {
                        let later =
                            as_of.is_some_and(|a| db.interner.display_cmp(&t[3], &a).is_gt());
                        let why = if later {
                            "it is dated after the assessment date".to_string()
                        } else if let Some(found) = unfit(db, t[0], t[1]) {
                            found
                        } else {
                            reason_in(db, met_on, t, 2)
                        };
                        (t[3], why)
                    })
            });
        }
        x.status = statuses
            .iter()
            .filter(|s| s[2] == x.duty)
            .map(|s| s[3])
            .collect();
        x
    };
    let mut bound = Vec::new();
    for t in mine(rels.obligation) {
        bound.push(dated(duty(db, rels.obligation, &t, &deadlines, &overdue)));
    }
    // Owed but not (yet) an obligation: not applicable before the assessment date, or met before
    // it applied. Shown with the text of the duty's own obligation rule.
    if let Some(owed) = rels.duty_owed {
        for s in &statuses {
            let d = s[2];
            if bound.iter().any(|x| x.duty == d) || !db.holds(owed, &[a, m, d]) {
                continue;
            }
            let mut x = duty(db, owed, &[a, m, d], &deadlines, &overdue);
            if let Some(r) = obligation_rule(db, rels.obligation, d) {
                x.says = r.says.clone();
                x.citations = r.citations.clone();
            }
            bound.push(dated(x));
        }
    }
    let mut exemptions = Vec::new();
    for t in mine(rels.exempt) {
        let proof = short_proof(db, rels.exempt, &t);
        let Node::Derived { rule, .. } = proof.graph[proof.root] else {
            continue;
        };
        let r = &db.rules.checked.rules[rule];
        exemptions.push(Exemption {
            duty: t[2],
            rule: r.id.clone(),
            citations: r.citations.clone(),
            says: r.says.clone(),
            weakest: proof.weakest_authority(db, proof.root),
            rel: rels.exempt,
            tuple: t,
        });
    }
    // Expected duties neither bound nor lifted, grouped by the reason they are not concluded.
    let mut not_concluded: Vec<NotConcluded> = Vec::new();
    for d in expected_duties(db, a, m, not_provider.is_some(), duties) {
        if bound.iter().any(|x| x.duty == d) || exemptions.iter().any(|x| x.duty == d) {
            continue;
        }
        let why = reason(db, rels.obligation, &[a, m, d]);
        match not_concluded.iter_mut().find(|n| n.reason == why) {
            Some(n) => n.duties.push(d),
            None => not_concluded.push(NotConcluded {
                duties: vec![d],
                reason: why,
            }),
        }
    }
    let open_questions = questions(db, rels.undetermined, m);
    let mut past = past_duties(db, rels, a, m);
    let it = &db.interner;
    past.sort_by(|x, y| {
        it.display_cmp(&x.from, &y.from)
            .then_with(|| it.display_cmp(&x.duty, &y.duty))
            .then_with(|| it.display_cmp(&x.until, &y.until))
    });
    let systemic_risk = db.holds(rels.systemic_risk, &[m]);
    let systemic_risk_since = rels
        .systemic_risk_since
        .and_then(|r| rows(r).into_iter().find(|t| t[0] == m).map(|t| t[1]));
    let threshold_met = rels
        .first_threshold_trigger
        .and_then(|r| rows(r).into_iter().find(|t| t[0] == m).map(|t| t[1]));
    let kind = format!(
        "{}{}",
        if rels.gpai_model.is_none_or(|r| db.holds(r, &[m])) {
            "general-purpose AI model"
        } else {
            "not (yet) concluded a general-purpose AI model"
        },
        match (systemic_risk, systemic_risk_since, threshold_met) {
            (true, Some(d), _) => format!(" with systemic risk since {}", db.interner.plain(&d)),
            (true, None, _) => " with systemic risk".to_string(),
            (false, _, Some(d)) => format!(
                ", no systemic risk concluded, Art. 51(2) compute threshold met {}",
                db.interner.plain(&d)
            ),
            _ => ", no systemic risk concluded".to_string(),
        }
    );
    ModelReport {
        model: m,
        not_provider,
        systemic_risk,
        systemic_risk_since,
        kind,
        timeline: crate::reason::timeline::build(db, m).ok(),
        placed_on_market: rows(rels.placed_on_market)
            .into_iter()
            .find(|t| t[0] == m)
            .map(|t| t[1]),
        // Not for a buyer: its duties run from its acquisition, and the earlier version is not its.
        lifecycle_placed: rels
            .lifecycle_placed
            .filter(|_| {
                !rels
                    .current_transfer
                    .is_some_and(|r| rows(r).iter().any(|t| t[0] == m && t[1] == a))
            })
            .and_then(|r| {
                rows(r)
                    .into_iter()
                    .find(|t| t[0] == m && !db.holds(rels.placed_on_market, t))
                    .map(|t| t[1])
            }),
        pending: PENDING
            .iter()
            .filter_map(|(n, arity)| db.relation_named(n, *arity))
            .flat_map(|r| {
                db.rows_mentioning(r, m)
                    .into_iter()
                    .filter(|t| t[0] == m)
                    .map(move |t| holding(db, r, &t))
            })
            .collect(),
        duties: bound,
        past,
        exemptions,
        not_concluded,
        open_questions,
    }
}

/// A question about a model the facts leave open (`undetermined`), and why, in the words of the
/// rule that raised it.
pub struct OpenQuestion {
    pub question: Value,
    pub needed: Value,
    pub why: String,
}

fn questions(db: &Database, undetermined: usize, m: Value) -> Vec<OpenQuestion> {
    db.rows_mentioning(undetermined, m)
        .into_iter()
        .filter(|t| t[0] == m)
        .map(|t| OpenQuestion {
            question: t[1],
            needed: t[2],
            why: best_derivation(db, undetermined, &t)
                .map(|(r, _)| db.rules.checked.rules[r].says.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// The rule concluding `obligation` for exactly this duty (its head names the duty), if one does.
fn obligation_rule(db: &Database, obligation: usize, d: Value) -> Option<&Rule> {
    let name = db.interner.plain(&d);
    db.rules.checked.rules.iter().find(|r| {
        r.head.rel == obligation
            && matches!(r.head.args.get(2), Some(CTerm::Const(Const::Sym(s))) if *s == name)
    })
}

fn duty(
    db: &Database,
    rel: usize,
    tuple: &[Value],
    deadlines: &[Vec<Value>],
    overdue: &[Vec<Value>],
) -> Duty {
    let proof = short_proof(db, rel, tuple);
    let d = tuple[2];
    let Node::Derived { rule, .. } = proof.graph[proof.root] else {
        unreachable!("an obligation is derived")
    };
    let r = &db.rules.checked.rules[rule];
    let mut rules: Vec<(String, Vec<String>)> = Vec::new();
    let mut ambiguous = Vec::new();
    let mut facts = Vec::new();
    let mut cut = false;
    let mut scope = None;
    let rules_files = db.facts.rules_files;
    let mut bfs = petgraph::visit::Bfs::new(&proof.graph, proof.root);
    while let Some(ix) = bfs.next(&proof.graph) {
        match &proof.graph[ix] {
            Node::Derived { rule, .. } => {
                let r = &db.rules.checked.rules[*rule];
                if !rules.iter().any(|(id, _)| *id == r.id) {
                    if SCOPE_RULES.contains(&r.id.as_str()) {
                        scope = Some(r.says.clone());
                    }
                    rules.push((r.id.clone(), r.citations.clone()));
                    if let Some(why) = &r.ambiguous {
                        ambiguous.push((r.id.clone(), why.clone()));
                    }
                }
            }
            // Facts of the rules files (thresholds, lists) are part of the law, not of the case.
            Node::Fact {
                rel,
                values,
                origin,
            } if origin.file as usize >= rules_files => {
                let atom = db.interner.readable_atom(db.relation_name(*rel), values);
                let at = crate::present::explain::origin_text(db, origin);
                if !facts.iter().any(|(x, _)| *x == atom) {
                    facts.push((atom, at));
                }
            }
            Node::Truncated { .. } => cut = true,
            _ => {}
        }
    }
    Duty {
        duty: d,
        says: r.says.clone(),
        scope,
        citations: r.citations.clone(),
        since: None,
        unheeded: None,
        status: Vec::new(),
        deadline: deadlines.iter().find(|t| t[2] == d).map(|t| t[3]),
        overdue: overdue.iter().any(|t| t[2] == d),
        weakest: proof.weakest_authority(db, proof.root),
        deadline_ambiguous: Vec::new(),
        ambiguous,
        rules,
        facts,
        cut,
        rel,
        tuple: tuple.to_vec(),
    }
}

/// (rule id, why unsettled) for each ambiguous rule in the short proof of `rel(tuple)`.
fn ambiguous_in(db: &Database, rel: usize, tuple: &[Value]) -> Vec<(String, String)> {
    let Some(proof) = build_proof(db, rel, tuple, SHORT) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for n in proof.graph.node_weights() {
        if let Node::Derived { rule, .. } = n {
            let r = &db.rules.checked.rules[*rule];
            if let Some(why) = &r.ambiguous {
                if !out.iter().any(|(id, _)| *id == r.id) {
                    out.push((r.id.clone(), why.clone()));
                }
            }
        }
    }
    out
}

/// A duty owed in a period that is over.
pub struct PastDuty {
    pub duty: Value,
    pub from: Value,
    pub until: Value,
    /// The day it was met, if on record.
    pub met: Option<Value>,
    /// How the period reads: met on a day, not yet due, or no record (`reason::met::past`).
    pub reads: String,
}

/// The periods, now over, in which `actor` owed duties for `model` (`obligation_period`).
fn past_duties(db: &Database, rels: &Rels, actor: Value, model: Value) -> Vec<PastDuty> {
    rels.obligation_period
        .map(|r| {
            db.rows_mentioning(r, model)
                .into_iter()
                .filter(|t| t[0] == actor && t[1] == model)
                .map(|t| {
                    let (met, reads) = crate::reason::met::past(db, &t);
                    PastDuty {
                        duty: t[2],
                        from: t[3],
                        until: t[4],
                        met,
                        reads,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The actors that develop, modify or provide `v` as a model; empty when no fact or conclusion
/// names `v` as a model.
fn holders(db: &Database, rels: &Rels, v: Value) -> Vec<String> {
    let mut out: Vec<String> = rels
        .own
        .iter()
        .flat_map(|&r| db.rows_mentioning(r, v))
        .filter(|t| t[0] == v)
        .map(|t| db.interner.plain(&t[1]))
        .chain(
            db.rows_mentioning(rels.provider, v)
                .into_iter()
                .filter(|t| t[1] == v)
                .map(|t| db.interner.plain(&t[0])),
        )
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A conclusion or fact that holds, in words, with the rule (and whether it reads unsettled law)
/// or the fact behind it.
fn holding(db: &Database, rel: usize, row: &[Value]) -> String {
    let atom = db.interner.atom(db.relation_name(rel), row);
    let by = match best_derivation(db, rel, row) {
        Some((rule, _)) => {
            let r = &db.rules.checked.rules[rule];
            // A reading of unsettled law that rules a duty out is as much to be flagged as one
            // that concludes it.
            let unsettled = r
                .ambiguous
                .as_ref()
                .map_or(String::new(), |a| format!("; ⚠ unsettled: {a}"));
            format!(" (rule {} [{}]{unsettled})", r.id, r.citations.join("; "))
        }
        None => match db.input_origin(rel, row) {
            Some(o) => format!(" (fact, {})", crate::present::explain::origin_text(db, &o)),
            None => String::new(),
        },
    };
    let what =
        crate::present::explain::reads(db, rel, &row.iter().copied().map(Some).collect::<Vec<_>>())
            .unwrap_or(format!("{atom} holds"));
    format!("{what}{by}")
}

/// Conclusions that say why a recorded fulfilment of (actor, model) does not count, more directly
/// than the closest failing route to `met_on`: a mandate given only to representatives outside
/// the Union (Art. 3(5)).
const UNFIT: &[&str] = &["mandate_unfit"];

fn unfit(db: &Database, a: Value, m: Value) -> Option<String> {
    UNFIT
        .iter()
        .filter_map(|n| db.relation_named(n, 2))
        .find(|&r| db.holds(r, &[a, m]))
        .map(|r| holding(db, r, &[a, m]))
}

/// Conclusions about a model that is decided but does not count yet on the assessment date: left
/// out, a report would be silent on a designation already taken.
const PENDING: &[(&str, usize)] = &[("designation_pending", 3)];

/// Conclusions that, where they hold of a model, are why the actor that modified it or uses it is
/// not its provider: (relation, arity, the input relation tying the actor to the model). They say
/// more than the closest failing route to `provider` (a rare exception that happens to lack one
/// fact), and are what a lawyer looks for first: an insignificant fine-tune (Guidelines §3.2), a
/// purely internal use (Recital 97 S12).
const DECISIVE: &[(&str, usize, &str)] = &[
    ("insignificant_modification", 2, "modifier"),
    ("internal_conditions", 1, "internal_use"),
];

/// Why `a` is not the provider of `m` it modifies or uses, where a decisive conclusion says so;
/// for an internal use, also the day on which it is to become a placing, where the facts give one.
fn decisive(db: &Database, a: Value, m: Value) -> Option<String> {
    for (name, arity, tie_name) in DECISIVE {
        let (Some(rel), Some(tie)) = (
            db.relation_named(name, *arity),
            db.relation_named(tie_name, 2),
        ) else {
            continue;
        };
        if !db.holds(tie, &[m, a]) {
            continue;
        }
        let Some(row) = db.rows_mentioning(rel, m).into_iter().find(|t| t[0] == m) else {
            continue;
        };
        let mut out = holding(db, rel, &row);
        if *tie_name != "internal_use" {
            return Some(out);
        }
        let turned = db.relation_named("internal_use_turned", 2);
        let later = ["essential_for_third_parties_from", "affects_rights_from"]
            .iter()
            .filter_map(|n| db.relation_named(n, 2))
            .flat_map(|r| db.rows_mentioning(r, m))
            .filter(|t| t[0] == m && !turned.is_some_and(|r| db.holds(r, &[m, t[1]])))
            .map(|t| t[1])
            .min_by(|x, y| db.interner.display_cmp(x, y));
        if let Some(d) = later {
            out.push_str(&format!(
                "; from {} its use is recorded to become essential for third parties or to affect people's rights, which will make it a placing (Recital 97 S12)",
                db.interner.plain(&d)
            ));
        }
        return Some(out);
    }
    None
}

/// One line on why `rel(values)` is not concluded: the first failing premise of the closest rule,
/// followed down through missing conclusions (at most three steps) to what decides it.
pub fn reason(db: &Database, rel: usize, values: &[Value]) -> String {
    reason_in(db, rel, values, 3)
}

/// `reason`, followed down at most `depth` steps.
fn reason_in(db: &Database, rel: usize, values: &[Value], depth: usize) -> String {
    let p = Pattern {
        rel,
        args: values.iter().map(|v| Arg::Is(*v)).collect(),
        text: String::new(),
    };
    let limits = whynot::Limits {
        depth: 3,
        ..whynot::Limits::default()
    };
    let e = whynot::why_not(db, &p, limits);
    let mut steps = Vec::new();
    follow(db, &e, &mut steps, depth);
    if steps.is_empty() {
        return "no rule concludes it from these facts".to_string();
    }
    // Each step is why the one before fails.
    steps.join(", since ")
}

fn follow(db: &Database, e: &Explanation, steps: &mut Vec<String>, depth: usize) {
    let Verdict::Rules(rules) = &e.verdict else {
        return;
    };
    let Some(ra) = rules.first() else { return };
    let Some(a) = ra.attempts.first() else { return };
    let rule = &db.rules.checked.rules[ra.rule];
    let Some(li) = a.order.iter().copied().find(|&li| {
        !matches!(
            a.premises[li].status,
            Status::Holds(_) | Status::Absent(_) | Status::True(_)
        )
    }) else {
        return;
    };
    let rel = match &rule.body[li] {
        CLit::Pos(x) | CLit::Neg(x) => x.rel,
        _ => 0,
    };
    let premise = &a.premises[li];
    match &premise.status {
        Status::Missing(pat) => {
            steps.push(match crate::present::explain::reads(db, rel, pat) {
                Some(phrase) => format!("it is not shown that {phrase}"),
                None => format!(
                    "{} does not hold",
                    crate::present::explain::absent_atom(db, rel, pat)
                ),
            });
            if steps.len() < depth {
                if let Some(sub) = &premise.sub {
                    follow(db, sub, steps, depth);
                }
            }
        }
        Status::Blocked(row) => {
            steps.push(format!("{}, which rules it out", holding(db, rel, row)));
        }
        Status::False(t) => steps.push(format!("{t} is false")),
        Status::Unchecked(t, _) => steps.push(format!("{t} cannot be checked")),
        _ => {}
    }
}
