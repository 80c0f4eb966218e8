//! A model's legal history (`lexproof timeline MODEL`; drawn by `present::timeline`). One row per status and per duty
//! (for every actor bound), a bar from the day it started to the day it ended (or the assessment
//! date), the deadlines and events as marks, each followed by (text) or linked to (HTML, SVG) the
//! rule and citations behind it. Built from the dated conclusion vocabulary, so it shows exactly
//! what `derive` concludes.

use crate::data::value::{Date, Value};
use crate::db::Database;
use crate::reason::proof::best_derivation;

/// The rule behind a bar or a mark.
#[derive(Debug, Clone)]
pub struct Source {
    pub rule: String,
    pub citations: Vec<String>,
    pub says: String,
    /// Why the law is unsettled, where the rule reads it one way (`@ambiguous`).
    pub ambiguous: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Mark {
    pub date: Date,
    pub what: String,
    pub source: Option<Source>,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub label: String,
    /// The bar: from, and until (`None`: still running on the assessment date).
    pub span: Option<(Date, Option<Date>)>,
    pub source: Option<Source>,
    pub marks: Vec<Mark>,
    /// A closing word: the duty's status, or an exemption.
    pub note: String,
}

pub struct Timeline {
    pub model: String,
    pub as_of: Option<Date>,
    pub as_of_text: Option<String>,
    pub rows: Vec<Row>,
}

/// The relations a timeline reads, looked up by name (a rulebase without them gets an error).
const NEEDS: &[(&str, usize)] = &[
    ("placed_on_market", 2),
    ("systemic_risk_since", 2),
    ("systemic_risk_period", 3),
    ("duty_applies_from", 4),
    ("obligation_period", 5),
    ("deadline", 4),
    ("duty_status", 4),
    ("enforceable_from", 4),
    ("exempt", 3),
];

fn date(v: &Value) -> Option<Date> {
    match v {
        Value::Date(d) => Some(*d),
        _ => None,
    }
}

fn source(db: &Database, rel: usize, row: &[Value]) -> Option<Source> {
    let (rule, _) = best_derivation(db, rel, row)?;
    let r = &db.rules.checked.rules[rule];
    Some(Source {
        rule: r.id.clone(),
        citations: r.citations.clone(),
        says: r.says.clone(),
        ambiguous: r.ambiguous.clone(),
    })
}

/// `source`, and where its own rule is settled but a rule deeper in its proof that concludes a
/// date is not, that one's reason: a date ten years on rests on the Commission holidays assumed for
/// that year. (Rules without a date, such as whether the model is a general-purpose one, flag the
/// duty, not its date.)
fn source_through_proof(db: &Database, rel: usize, row: &[Value]) -> Option<Source> {
    use crate::reason::proof::{build_proof, Node, Options, PROOF_LEVELS};
    let mut s = source(db, rel, row)?;
    if s.ambiguous.is_none() {
        let opts = Options {
            all: false,
            depth: Some(PROOF_LEVELS),
        };
        let proof = build_proof(db, rel, row, opts)?;
        s.ambiguous = proof.graph.node_weights().find_map(|n| match n {
            Node::Derived { rule, .. } => {
                let r = &db.rules.checked.rules[*rule];
                let dated = db.rules.checked.relations[r.head.rel]
                    .types()
                    .contains(&lexproof_lang::ast::Type::Date);
                r.ambiguous
                    .as_ref()
                    .filter(|_| dated)
                    .map(|why| format!("its date rests on rule {}: {why}", r.id))
            }
            _ => None,
        });
    }
    Some(s)
}

/// The model a user named: an error says when no fact or rule mentions it, or when it is not a
/// model (a country code, an actor), and suggests a known model.
pub fn model_named(db: &Database, model: &str) -> Result<Value, String> {
    use super::suggest::{in_role, nearest_value, Place};
    let problem = match db.interner.get(model) {
        None => format!("no fact and no rule mentions the model \"{model}\""),
        Some(s) if in_role(db, s, "model") == Some(false) => {
            format!("\"{model}\" is not a model: no fact or conclusion names it as one")
        }
        Some(s) => return Ok(Value::Sym(s)),
    };
    let hint = nearest_value(db, model, Place::Role("model")).map_or(String::new(), |s| {
        format!("\n  hint: did you mean \"{s}\"?")
    });
    Err(format!("lexproof: {problem}{hint}\n"))
}

/// The timeline of the model `m`; an error names a relation of the vocabulary the rules lack.
pub fn build(db: &Database, m: Value) -> Result<Timeline, String> {
    let mut r = Vec::new();
    for (name, arity) in NEEDS {
        r.push(db.relation_named(name, *arity).ok_or_else(|| {
            format!("lexproof: timeline needs the relation {name}/{arity} of the conclusion vocabulary, which these rules do not declare\n  hint: timeline works with the shipped rulebase or one extending it (--extend)\n")
        })?);
    }
    let of = Of { db, m, r };
    let mut rows = of.status_rows();
    rows.extend(of.duty_rows());
    Ok(Timeline {
        model: match m {
            Value::Sym(s) => db.interner.resolve(s).to_string(),
            other => db.interner.plain(&other),
        },
        as_of: db.facts.as_of.date(),
        as_of_text: db.facts.as_of.describe(&db.facts.files),
        rows,
    })
}

/// The rows of one model: the database, the model, and the relations of `NEEDS` in that order.
struct Of<'a> {
    db: &'a Database,
    m: Value,
    r: Vec<usize>,
}

impl Of<'_> {
    /// The tuples of `rel` that mention the model, in display order.
    fn rows_of(&self, rel: usize) -> Vec<Vec<Value>> {
        self.db.rows_mentioning(rel, self.m)
    }

    /// Placing, systemic risk (running or ended), and the reassessment and retention dates.
    fn status_rows(&self) -> Vec<Row> {
        let (db, rows_of) = (self.db, |rel| self.rows_of(rel));
        let [placed, sr_since, sr_period, ..] = self.r[..] else {
            unreachable!("one index per needed relation")
        };
        let mut rows = Vec::new();
        for t in rows_of(placed) {
            let d = date(&t[1]).expect("placing carries a date");
            rows.push(Row {
                label: "placed on the Union market".into(),
                span: None,
                source: None,
                marks: vec![Mark {
                    date: d,
                    what: "placed".into(),
                    source: source(db, placed, &t),
                }],
                note: String::new(),
            });
        }
        for t in rows_of(sr_since) {
            rows.push(Row {
                label: "systemic risk".into(),
                span: date(&t[1]).map(|d| (d, None)),
                source: source(db, sr_since, &t),
                marks: Vec::new(),
                note: String::new(),
            });
        }
        for t in rows_of(sr_period) {
            rows.push(Row {
                label: "systemic risk (ended)".into(),
                span: date(&t[1]).map(|d| (d, date(&t[2]))),
                source: source(db, sr_period, &t),
                marks: Vec::new(),
                note: "ended".into(),
            });
        }
        for opt in [
            (
                "reassessment_request_from",
                2,
                "reassessment may be requested",
            ),
            (
                "retention_until",
                3,
                "its representative keeps the documentation until",
            ),
        ] {
            if let Some(x) = db.relation_named(opt.0, opt.1) {
                for t in rows_of(x) {
                    let d = date(t.last().expect("a dated row")).expect("a date");
                    rows.push(Row {
                        label: opt.2.into(),
                        span: None,
                        source: None,
                        marks: vec![Mark {
                            date: d,
                            what: opt.2.into(),
                            source: source_through_proof(db, x, &t),
                        }],
                        note: String::new(),
                    });
                }
            }
        }
        rows
    }

    /// Duties: one row per (actor, duty) that binds, bound once, or is owed from a later day.
    fn duty_rows(&self) -> Vec<Row> {
        let (db, m, rows_of) = (self.db, self.m, |rel| self.rows_of(rel));
        let [_, _, _, ob_since, ob_period, deadline, status, enforce, exempt] = self.r[..] else {
            unreachable!("one index per needed relation")
        };
        let plain = |v: &Value| db.interner.plain(v);
        let mut rows = Vec::new();
        let mut keys: Vec<(Value, Value)> = Vec::new();
        for x in [ob_since, ob_period, deadline, status] {
            for t in rows_of(x) {
                if t[1] == m && !keys.contains(&(t[0], t[2])) {
                    keys.push((t[0], t[2]));
                }
            }
        }
        keys.sort_by(|a, b| {
            db.interner
                .display_cmp(&a.0, &b.0)
                .then(db.interner.display_cmp(&a.1, &b.1))
        });
        for (a, d) in keys {
            let mine = |x: usize| -> Vec<Vec<Value>> {
                rows_of(x)
                    .into_iter()
                    .filter(|t| t[0] == a && t[1] == m && t[2] == d)
                    .collect()
            };
            let label = format!("{} {}", plain(&d), plain(&a));
            let mut marks = Vec::new();
            for t in mine(deadline) {
                marks.push(Mark {
                    date: date(&t[3]).expect("a deadline is a date"),
                    what: "deadline".into(),
                    source: source(db, deadline, &t),
                });
            }
            for t in mine(enforce) {
                marks.push(Mark {
                    date: date(&t[3]).expect("a date"),
                    what: "enforceable from".into(),
                    source: source(db, enforce, &t),
                });
            }
            let statuses: Vec<String> = mine(status).iter().map(|t| plain(&t[3])).collect();
            let note = statuses.join(", ").replace('_', " ");
            let since = mine(ob_since);
            for t in &since {
                rows.push(Row {
                    label: label.clone(),
                    span: date(&t[3]).map(|x| (x, None)),
                    source: source(db, ob_since, t),
                    marks: marks.clone(),
                    note: note.clone(),
                });
            }
            for t in mine(ob_period) {
                rows.push(Row {
                    label: format!("{label} (ended)"),
                    span: date(&t[3]).map(|x| (x, date(&t[4]))),
                    source: source(db, ob_period, &t),
                    marks: Vec::new(),
                    note: format!(
                        "ended{}; {}",
                        if mine(exempt).is_empty() {
                            ""
                        } else {
                            "; now exempt"
                        },
                        crate::reason::met::past(db, &t).1
                    ),
                });
            }
            if since.is_empty() && !marks.is_empty() {
                rows.push(Row {
                    label,
                    span: None,
                    source: None,
                    marks,
                    note,
                });
            }
        }
        rows
    }
}
