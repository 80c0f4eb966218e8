use super::Report;
use crate::db::Database;
use crate::present::render::{rules_json, to_json, JsonValue, RulesJson, SCHEMA_VERSION};
use serde::Serialize;

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    rules: RulesJson,
    assessment_date: Option<JsonValue<'a>>,
    /// `--param NAME=VALUE` options the run was given, as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    parameters_changed: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unknown_actor: Option<&'a str>,
    actors: Vec<Actor<'a>>,
    systems: Vec<System<'a>>,
    /// Open questions about models no actor is shown for (e.g. no provider named).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unattributed_questions: Vec<UnattributedQuestion<'a>>,
}

#[derive(Serialize)]
struct UnattributedQuestion<'a> {
    model: JsonValue<'a>,
    question: JsonValue<'a>,
    supply: JsonValue<'a>,
}

#[derive(Serialize)]
struct System<'a> {
    system: JsonValue<'a>,
    downstream_providers: Vec<JsonValue<'a>>,
    builds_on: Vec<BuildsOn<'a>>,
    supervised_in: Vec<JsonValue<'a>>,
    supervised_by_ai_office: bool,
    corrective_actions: Vec<Corrective<'a>>,
}

#[derive(Serialize)]
struct BuildsOn<'a> {
    model: JsonValue<'a>,
    provider: JsonValue<'a>,
}

#[derive(Serialize)]
struct Corrective<'a> {
    actor: JsonValue<'a>,
    required_on: JsonValue<'a>,
    deadline: JsonValue<'a>,
    /// The first corrective action taken on or after the requirement, by the assessment date.
    done_on: Option<JsonValue<'a>>,
    overdue: bool,
    /// The action recorded came after the deadline.
    late: bool,
    /// The Member State's public holidays are not in the facts: the deadline may be later.
    holidays_unknown: bool,
}

#[derive(Serialize)]
struct Actor<'a> {
    actor: JsonValue<'a>,
    established_in: Vec<JsonValue<'a>>,
    models: Vec<Model<'a>>,
    not_provider: Vec<NotProvider<'a>>,
}

#[derive(Serialize)]
struct NotProvider<'a> {
    model: JsonValue<'a>,
    reason: &'a str,
    open_questions: Vec<Question<'a>>,
    past_duties: Vec<PastDuty<'a>>,
}

#[derive(Serialize)]
struct PastDuty<'a> {
    duty: JsonValue<'a>,
    from: JsonValue<'a>,
    until: JsonValue<'a>,
    /// The day the duty was met, where a `duty_met` or `notified` fact says so.
    met_on: Option<JsonValue<'a>>,
    /// The period in words: met on a day, not yet due when it ended (Art. 111(3)), owed on
    /// request, or no record that it was met.
    reads: &'a str,
}

#[derive(Serialize)]
struct Question<'a> {
    question: JsonValue<'a>,
    supply: JsonValue<'a>,
    /// Why it is open, in the words of the rule that raised it.
    why: &'a str,
}

#[derive(Serialize)]
struct Model<'a> {
    model: JsonValue<'a>,
    /// The actor owes duties for the model without being concluded its provider: why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    not_provider: Option<&'a str>,
    systemic_risk: bool,
    systemic_risk_since: Option<JsonValue<'a>>,
    placed_on_market: Option<JsonValue<'a>>,
    /// Set where the model counts as placed earlier, with the provider's own version.
    #[serde(skip_serializing_if = "Option::is_none")]
    lifecycle_placed: Option<JsonValue<'a>>,
    /// Decided but not in effect on the assessment date, in words; left out when empty.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pending: &'a [String],
    duties: Vec<Duty<'a>>,
    /// Duties owed in periods that are over, as for a former provider.
    past_duties: Vec<PastDuty<'a>>,
    exemptions: Vec<Exemption<'a>>,
    not_concluded: Vec<NotConcluded<'a>>,
    open_questions: Vec<Question<'a>>,
}

#[derive(Serialize)]
struct Duty<'a> {
    duty: JsonValue<'a>,
    says: &'a str,
    /// How far the duty reaches, where a rule of its proof limits it; left out otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'a str>,
    citations: &'a [String],
    applies_since: Option<JsonValue<'a>>,
    status: Vec<JsonValue<'a>>,
    deadline: Option<JsonValue<'a>>,
    overdue: bool,
    weakest_authority: Option<&'static str>,
    ambiguous: Vec<Ambiguous<'a>>,
    /// Unsettled rules behind the deadline only; left out when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    deadline_ambiguous: Vec<Ambiguous<'a>>,
    rules: Vec<&'a str>,
    facts: Vec<FactUse<'a>>,
    proof_cut: bool,
    /// A recorded fulfilment that does not count, and why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    unheeded: Option<Unheeded<'a>>,
}

#[derive(Serialize)]
struct Unheeded<'a> {
    met_on: JsonValue<'a>,
    reason: &'a str,
}

#[derive(Serialize)]
struct Ambiguous<'a> {
    rule: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct FactUse<'a> {
    fact: &'a str,
    origin: &'a str,
}

#[derive(Serialize)]
struct Exemption<'a> {
    duty: JsonValue<'a>,
    rule: &'a str,
    citations: &'a [String],
    says: &'a str,
    weakest_authority: Option<&'static str>,
}

#[derive(Serialize)]
struct NotConcluded<'a> {
    duties: Vec<JsonValue<'a>>,
    reason: &'a str,
}

pub fn json(db: &Database, r: &Report) -> String {
    let v = |x: &crate::data::value::Value| JsonValue(&db.interner, *x);
    fn questions<'a>(db: &'a Database, qs: &'a [super::OpenQuestion]) -> Vec<Question<'a>> {
        qs.iter()
            .map(|q| Question {
                question: JsonValue(&db.interner, q.question),
                supply: JsonValue(&db.interner, q.needed),
                why: &q.why,
            })
            .collect()
    }
    fn past_duties<'a>(db: &'a Database, ps: &'a [super::PastDuty]) -> Vec<PastDuty<'a>> {
        let v = |x: &crate::data::value::Value| JsonValue(&db.interner, *x);
        ps.iter()
            .map(|p| PastDuty {
                duty: v(&p.duty),
                from: v(&p.from),
                until: v(&p.until),
                met_on: p.met.as_ref().map(v),
                reads: &p.reads,
            })
            .collect()
    }
    let doc = Doc {
        unattributed_questions: r
            .unattributed
            .iter()
            .map(|(m, q, n)| UnattributedQuestion {
                model: v(m),
                question: v(q),
                supply: v(n),
            })
            .collect(),
        schema_version: SCHEMA_VERSION,
        rules: rules_json(db),
        assessment_date: r.assessment_date.as_ref().map(v),
        parameters_changed: db.facts.changed_parameters(),
        unknown_actor: r.unknown_actor.as_deref(),
        actors: r
            .actors
            .iter()
            .map(|a| Actor {
                actor: v(&a.actor),
                established_in: a.established_in.iter().map(v).collect(),
                not_provider: a
                    .not_provider
                    .iter()
                    .map(|n| NotProvider {
                        model: v(&n.model),
                        reason: &n.reason,
                        open_questions: questions(db, &n.open_questions),
                        past_duties: past_duties(db, &n.past),
                    })
                    .collect(),
                models: a
                    .models
                    .iter()
                    .map(|m| Model {
                        model: v(&m.model),
                        not_provider: m.not_provider.as_deref(),
                        systemic_risk: m.systemic_risk,
                        systemic_risk_since: m.systemic_risk_since.as_ref().map(v),
                        placed_on_market: m.placed_on_market.as_ref().map(v),
                        lifecycle_placed: m.lifecycle_placed.as_ref().map(v),
                        pending: &m.pending,
                        duties: m
                            .duties
                            .iter()
                            .map(|d| Duty {
                                duty: v(&d.duty),
                                says: &d.says,
                                scope: d.scope.as_deref(),
                                citations: &d.citations,
                                applies_since: d.since.as_ref().map(v),
                                status: d.status.iter().map(v).collect(),
                                deadline: d.deadline.as_ref().map(v),
                                overdue: d.overdue,
                                weakest_authority: d.weakest.map(|a| a.as_str()),
                                ambiguous: d
                                    .ambiguous
                                    .iter()
                                    .map(|(rule, reason)| Ambiguous { rule, reason })
                                    .collect(),
                                deadline_ambiguous: d
                                    .deadline_ambiguous
                                    .iter()
                                    .map(|(rule, reason)| Ambiguous { rule, reason })
                                    .collect(),
                                rules: d.rules.iter().map(|(id, _)| id.as_str()).collect(),
                                facts: d
                                    .facts
                                    .iter()
                                    .map(|(fact, origin)| FactUse { fact, origin })
                                    .collect(),
                                proof_cut: d.cut,
                                unheeded: d.unheeded.as_ref().map(|(day, why)| Unheeded {
                                    met_on: v(day),
                                    reason: why,
                                }),
                            })
                            .collect(),
                        past_duties: past_duties(db, &m.past),
                        exemptions: m
                            .exemptions
                            .iter()
                            .map(|e| Exemption {
                                duty: v(&e.duty),
                                rule: &e.rule,
                                citations: &e.citations,
                                says: &e.says,
                                weakest_authority: e.weakest.map(|a| a.as_str()),
                            })
                            .collect(),
                        not_concluded: m
                            .not_concluded
                            .iter()
                            .map(|n| NotConcluded {
                                duties: n.duties.iter().map(v).collect(),
                                reason: &n.reason,
                            })
                            .collect(),
                        open_questions: questions(db, &m.open_questions),
                    })
                    .collect(),
            })
            .collect(),
        systems: r
            .systems
            .iter()
            .map(|x| System {
                system: v(&x.system),
                downstream_providers: x.providers.iter().map(v).collect(),
                builds_on: x
                    .builds_on
                    .iter()
                    .map(|(m, p)| BuildsOn {
                        model: v(m),
                        provider: v(p),
                    })
                    .collect(),
                supervised_in: x.supervised_in.iter().map(v).collect(),
                supervised_by_ai_office: x.ai_office,
                corrective_actions: x
                    .corrective_actions
                    .iter()
                    .map(|c| Corrective {
                        actor: v(&c.actor),
                        required_on: v(&c.required_on),
                        deadline: v(&c.deadline),
                        done_on: c.done_on.as_ref().map(v),
                        overdue: c.overdue,
                        late: c.late,
                        holidays_unknown: c.holidays_unknown,
                    })
                    .collect(),
            })
            .collect(),
    };
    to_json(&doc)
}
