//! `lexproof timeline MODEL`: a model's legal history at a glance. One row per status and per duty
//! (for every actor bound), a bar from the day it started to the day it ended (or the assessment
//! date), the deadlines and events as marks, each followed by (text) or linked to (HTML, SVG) the
//! rule and citations behind it. Built from the dated conclusion vocabulary, so it shows exactly
//! what `derive` concludes.

use crate::db::Database;
use crate::html::esc;
use crate::proof::{least_height, Node};
use crate::value::{Date, Value};
use lexproof_lang::number::format_date;
use std::fmt::Write;

/// The rule behind a bar or a mark.
#[derive(Debug, Clone)]
pub struct Source {
    pub rule: String,
    pub citations: Vec<String>,
    pub says: String,
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

fn rel(db: &Database, name: &str, arity: usize) -> Option<usize> {
    let p = &db.rules.checked;
    p.relation(name)
        .filter(|&r| p.relations[r].arity() == arity)
}

fn date(v: &Value) -> Option<Date> {
    match v {
        Value::Date(d) => Some(*d),
        _ => None,
    }
}

/// `Mon 18 Aug 2025`: how a deadline is shown to a reader.
pub fn long_date(d: Date) -> String {
    lexproof_lang::number::readable_date(d.0)
}

fn source(db: &Database, rel: usize, row: &[Value]) -> Option<Source> {
    let proof = least_height(db, rel, row)?;
    match &proof.graph[proof.root] {
        Node::Derived { rule, .. } => {
            let r = &db.rules.checked.rules[*rule];
            Some(Source {
                rule: r.id.clone(),
                citations: r.citations.clone(),
                says: r.says.clone(),
            })
        }
        _ => None,
    }
}

/// The timeline of `model`; an error names a missing relation or suggests a known model.
pub fn build(db: &Database, model: &str) -> Result<Timeline, String> {
    let mut r = Vec::new();
    for (name, arity) in NEEDS {
        r.push(rel(db, name, *arity).ok_or_else(|| {
            format!("lexproof: timeline needs the relation {name}/{arity} of the conclusion vocabulary, which these rules do not declare\n  hint: timeline works with the shipped rulebase or one extending it (--extend)\n")
        })?);
    }
    let [placed, sr_since, sr_period, ob_since, ob_period, deadline, status, enforce, exempt] =
        r[..]
    else {
        unreachable!("one index per needed relation")
    };
    let Some(m) = db.interner.get(model).map(Value::Sym) else {
        let known =
            (0..db.interner.len() as u32).map(|i| db.interner.resolve(crate::value::Sym(i)));
        let hint = lexproof_lang::check::suggest(model, known).map_or(String::new(), |s| {
            format!("\n  hint: did you mean \"{s}\"?")
        });
        return Err(format!(
            "lexproof: no fact and no rule mentions the model \"{model}\"{hint}\n"
        ));
    };
    let rows_of = |rel: usize| -> Vec<Vec<Value>> {
        crate::render::sorted_rows(db, db.tuples(rel))
            .into_iter()
            .filter(|t| t.contains(&m))
            .collect()
    };
    let plain = |v: &Value| db.interner.plain(v);
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
        ("retention_until", 3, "documentation kept until"),
    ] {
        if let Some(x) = rel(db, opt.0, opt.1) {
            for t in rows_of(x) {
                let d = date(t.last().expect("a dated row")).expect("a date");
                rows.push(Row {
                    label: opt.2.into(),
                    span: None,
                    source: None,
                    marks: vec![Mark {
                        date: d,
                        what: opt.2.into(),
                        source: source(db, x, &t),
                    }],
                    note: String::new(),
                });
            }
        }
    }
    // Duties: one row per (actor, duty) that binds, bound once, or is owed from a later day.
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
                note: if mine(exempt).is_empty() {
                    "ended".into()
                } else {
                    "ended; now exempt".into()
                },
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
    Ok(Timeline {
        model: model.to_string(),
        as_of: db.facts.as_of.date(),
        as_of_text: db.facts.as_of.describe(&db.facts.files),
        rows,
    })
}

fn cite(s: &Option<Source>) -> String {
    match s {
        Some(s) => format!("[{}: {}]", s.rule, s.citations.join("; ")),
        None => String::new(),
    }
}

/// The days the picture spans: every start, end and mark, and the assessment date.
fn range(t: &Timeline) -> Option<(Date, Date)> {
    let mut all: Vec<Date> = Vec::new();
    for r in &t.rows {
        if let Some((a, b)) = r.span {
            all.push(a);
            all.extend(b);
        }
        all.extend(r.marks.iter().map(|m| m.date));
    }
    all.extend(t.as_of);
    let lo = *all.iter().min()?;
    let hi = *all.iter().max()?;
    Some((lo, Date(hi.0.max(lo.0 + 1))))
}

const WIDTH: usize = 48;

fn column(d: Date, lo: Date, hi: Date) -> usize {
    let span = (hi.0 - lo.0) as f64;
    (((d.0 - lo.0) as f64 / span) * (WIDTH - 1) as f64).round() as usize
}

/// Text: a chart (bars `=`, marks `D` deadline / `E` enforceable / `*` event, the as-of day `|`),
/// then each row's dates with the rule and citations behind them.
pub fn text(t: &Timeline) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Timeline of model \"{}\"",
        crate::value::printable(&t.model)
    );
    if let Some(a) = &t.as_of_text {
        let _ = writeln!(out, "As of {a}");
    }
    if t.rows.is_empty() {
        out.push_str("Nothing dated is concluded about this model.\n");
        return out;
    }
    let labels: Vec<String> = t
        .rows
        .iter()
        .map(|r| crate::value::printable(&r.label))
        .collect();
    let lw = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    if let Some((lo, hi)) = range(t) {
        let _ = writeln!(
            out,
            "\n{:lw$}  {}{}{}",
            "",
            format_date(lo.0),
            " ".repeat(WIDTH.saturating_sub(20)),
            format_date(hi.0)
        );
        for (r, label) in t.rows.iter().zip(&labels) {
            let mut line = vec![' '; WIDTH];
            if let Some(a) = t.as_of {
                line[column(a, lo, hi)] = '|';
            }
            if let Some((a, b)) = r.span {
                let end = b.or(t.as_of).unwrap_or(hi);
                for c in line
                    .iter_mut()
                    .take(column(end.max(a), lo, hi) + 1)
                    .skip(column(a, lo, hi))
                {
                    *c = '=';
                }
            }
            for m in &r.marks {
                line[column(m.date, lo, hi)] = match m.what.as_str() {
                    "deadline" => 'D',
                    "enforceable from" => 'E',
                    _ => '*',
                };
            }
            let _ = writeln!(out, "{label:lw$}  {}", line.into_iter().collect::<String>());
        }
        let _ = writeln!(
            out,
            "{:lw$}  = in force  D deadline  E enforceable  * event  | as of\n",
            ""
        );
    }
    for (r, label) in t.rows.iter().zip(&labels) {
        let span = match r.span {
            Some((a, Some(b))) => format!("{} to {}", format_date(a.0), format_date(b.0)),
            Some((a, None)) => format!("since {}", format_date(a.0)),
            None => String::new(),
        };
        let mut line = label.clone();
        if !span.is_empty() {
            line = format!("{line}: {span}");
        }
        let c = cite(&r.source);
        if !c.is_empty() {
            line = format!("{line} {c}");
        }
        let _ = writeln!(out, "{line}");
        for m in &r.marks {
            let _ = writeln!(
                out,
                "  {} {} {}",
                m.what,
                long_date(m.date),
                cite(&m.source)
            );
        }
        if !r.note.is_empty() {
            let _ = writeln!(out, "  status: {}", r.note);
        }
    }
    out
}

/// An SVG picture: a lane per row, bars, marks and the as-of line, each with a tooltip naming its
/// rule and citations, and (inside an HTML page) a link to the rule's entry below the picture.
pub fn svg(t: &Timeline, links: bool) -> String {
    let Some((lo, hi)) = range(t) else {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" height=\"30\"><text x=\"4\" y=\"20\">nothing dated</text></svg>".to_string();
    };
    let (left, width, lane) = (260.0, 600.0, 26.0);
    let x = |d: Date| left + (d.0 - lo.0) as f64 / (hi.0 - lo.0) as f64 * width;
    let height = 40.0 + lane * t.rows.len() as f64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">",
        left + width + 20.0
    );
    let _ = write!(
        s,
        "<text x=\"{left}\" y=\"14\">{}</text><text x=\"{}\" y=\"14\" text-anchor=\"end\">{}</text>",
        format_date(lo.0),
        left + width,
        format_date(hi.0)
    );
    let link = |src: &Option<Source>, inner: String| -> String {
        match (links, src) {
            (true, Some(src)) => format!("<a href=\"#rule-{}\">{inner}</a>", esc(&src.rule)),
            _ => inner,
        }
    };
    let tip = |what: &str, src: &Option<Source>| -> String {
        format!("<title>{}</title>", esc(&format!("{what} {}", cite(src))))
    };
    for (i, r) in t.rows.iter().enumerate() {
        let y = 24.0 + lane * i as f64;
        let _ = write!(
            s,
            "<text x=\"4\" y=\"{}\">{}</text>",
            y + 15.0,
            esc(&r.label)
        );
        if let Some((a, b)) = r.span {
            let end = b.or(t.as_of).unwrap_or(hi).max(a);
            let what = match b {
                Some(b) => format!("{}: {} to {}", r.label, format_date(a.0), format_date(b.0)),
                None => format!("{}: since {}", r.label, format_date(a.0)),
            };
            let bar = format!(
                "<rect class=\"bar\" x=\"{:.1}\" y=\"{}\" width=\"{:.1}\" height=\"12\" fill=\"#4a78b5\">{}</rect>",
                x(a),
                y + 5.0,
                (x(end) - x(a)).max(2.0),
                tip(&what, &r.source)
            );
            s.push_str(&link(&r.source, bar));
        }
        for m in &r.marks {
            let color = match m.what.as_str() {
                "deadline" => "#c0392b",
                "enforceable from" => "#8e44ad",
                _ => "#222",
            };
            let what = format!("{} {}", m.what, long_date(m.date));
            let mark = format!(
                "<rect class=\"mark\" x=\"{:.1}\" y=\"{}\" width=\"4\" height=\"20\" fill=\"{color}\">{}</rect>",
                x(m.date) - 2.0,
                y + 1.0,
                tip(&what, &m.source)
            );
            s.push_str(&link(&m.source, mark));
        }
    }
    if let Some(a) = t.as_of {
        let _ = write!(
            s,
            "<line class=\"as-of\" x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"18\" y2=\"{height}\" stroke=\"#e67e22\" stroke-dasharray=\"4 3\"><title>as of {1}</title></line>",
            x(a),
            format_date(a.0)
        );
    }
    s.push_str("</svg>");
    s
}

/// One self-contained page: the picture, then every row with its dates and linked rules.
pub fn html(t: &Timeline) -> String {
    let mut body = format!("<h1>Timeline of model {}</h1>\n", esc(&t.model));
    if let Some(a) = &t.as_of_text {
        let _ = writeln!(body, "<p>As of {}.</p>", esc(a));
    }
    body.push_str(&svg(t, true));
    body.push_str("\n<table class=\"timeline-rows\"><tr><th>Status or duty</th><th>In force</th><th>Marks</th><th>Status</th></tr>\n");
    let rule_link = |s: &Option<Source>| match s {
        Some(s) => format!(
            " <a href=\"#rule-{}\">{}</a>",
            esc(&s.rule),
            esc(&s.citations.join("; "))
        ),
        None => String::new(),
    };
    let mut rules: Vec<Source> = Vec::new();
    for r in &t.rows {
        let span = match r.span {
            Some((a, Some(b))) => format!("{} to {}", format_date(a.0), format_date(b.0)),
            Some((a, None)) => format!("since {}", format_date(a.0)),
            None => String::new(),
        };
        let marks: Vec<String> = r
            .marks
            .iter()
            .map(|m| {
                format!(
                    "{} {}{}",
                    esc(&m.what),
                    esc(&long_date(m.date)),
                    rule_link(&m.source)
                )
            })
            .collect();
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.label),
            esc(&span),
            rule_link(&r.source),
            marks.join("<br>"),
            esc(&r.note)
        );
        for s in r
            .source
            .iter()
            .chain(r.marks.iter().filter_map(|m| m.source.as_ref()))
        {
            if !rules.iter().any(|x| x.rule == s.rule) {
                rules.push(s.clone());
            }
        }
    }
    body.push_str("</table>\n<h2>Rules behind the dates</h2>\n<dl class=\"timeline-rules\">\n");
    for s in &rules {
        let _ = writeln!(
            body,
            "<dt id=\"rule-{0}\">{0} [{1}]</dt><dd>{2}</dd>",
            esc(&s.rule),
            esc(&s.citations.join("; ")),
            esc(&s.says)
        );
    }
    body.push_str("</dl>");
    crate::html::page(&format!("Timeline of {}", t.model), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_read_with_their_weekday() {
        let d = |s: &str| Date(lexproof_lang::number::parse_date(s).unwrap());
        assert_eq!(long_date(d("2025-08-18")), "Mon 18 Aug 2025");
        assert_eq!(long_date(d("2026-02-28")), "Sat 28 Feb 2026");
    }
}
