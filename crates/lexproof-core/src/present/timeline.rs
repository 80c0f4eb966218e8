//! Timelines drawn: text (a chart, then each row's dates with the rule and citations behind them),
//! SVG and a self-contained HTML page.

use crate::data::value::Date;
use crate::present::html::esc;
use crate::reason::timeline::{Source, Timeline};
use lexproof_lang::number::format_date;
use std::fmt::Write;

/// `Mon 18 Aug 2025`: how a deadline is shown to a reader.
pub fn long_date(d: Date) -> String {
    lexproof_lang::number::readable_date(d.0)
}

fn cite(s: &Option<Source>) -> String {
    match s {
        Some(s) => format!(
            "[{}: {}]{}",
            s.rule,
            s.citations.join("; "),
            if s.ambiguous.is_some() { " ⚠" } else { "" }
        ),
        None => String::new(),
    }
}

/// The rules behind the timeline's bars and marks that read unsettled law, each once, in order.
fn unsettled(t: &Timeline) -> Vec<&Source> {
    let mut out: Vec<&Source> = Vec::new();
    let sources = t.rows.iter().flat_map(|r| {
        r.source
            .iter()
            .chain(r.marks.iter().flat_map(|m| &m.source))
    });
    for s in sources {
        if s.ambiguous.is_some() && !out.iter().any(|x| x.rule == s.rule) {
            out.push(s);
        }
    }
    out
}

/// The mark of Art. 54(3)(b)'s retention, ten years on: drawn at the right edge, off the scale, so
/// that it does not squeeze a model's first years into a few columns.
const OFF_SCALE: &str = "its representative keeps the documentation until";

/// The days the picture spans: every start, end and mark (but the retention's end), and the
/// assessment date.
fn range(t: &Timeline) -> Option<(Date, Date)> {
    let mut all: Vec<Date> = Vec::new();
    for r in &t.rows {
        if let Some((a, b)) = r.span {
            all.push(a);
            all.extend(b);
        }
        all.extend(
            r.marks
                .iter()
                .filter(|m| m.what != OFF_SCALE)
                .map(|m| m.date),
        );
    }
    all.extend(t.as_of);
    let lo = *all.iter().min()?;
    let hi = *all.iter().max()?;
    Some((lo, Date(hi.0.max(lo.0 + 1))))
}

const WIDTH: usize = 48;

fn column(d: Date, lo: Date, hi: Date) -> usize {
    let span = (hi.0 - lo.0) as f64;
    let d = d.0.clamp(lo.0, hi.0);
    (((d - lo.0) as f64 / span) * (WIDTH - 1) as f64).round() as usize
}

/// Text: a chart (bars `=`, marks `D` deadline / `E` enforceable / `*` event, the as-of day `|`),
/// then each row's dates with the rule and citations behind them.
pub fn text(t: &Timeline) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Timeline of model \"{}\"",
        crate::data::value::printable(&t.model)
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
        .map(|r| crate::data::value::printable(&r.label))
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
                    _ if m.date > hi => '>',
                    "deadline" => 'D',
                    "enforceable from" => 'E',
                    _ => '*',
                };
            }
            let _ = writeln!(out, "{label:lw$}  {}", line.into_iter().collect::<String>());
        }
        let _ = writeln!(
            out,
            "{:lw$}  = holds (a status) or owed (a duty)  D deadline  E enforceable  * event  > later, off the scale  | as of\n",
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
    let flagged = unsettled(t);
    if !flagged.is_empty() {
        out.push_str("\n⚠ Unsettled law behind these dates (the rule reads it one way):\n");
        for s in flagged {
            let _ = writeln!(
                out,
                "  {}: {}",
                s.rule,
                s.ambiguous.as_deref().unwrap_or_default()
            );
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
    let x = |d: Date| left + (d.0.clamp(lo.0, hi.0) - lo.0) as f64 / (hi.0 - lo.0) as f64 * width;
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
            " <a href=\"#rule-{}\">{}</a>{}",
            esc(&s.rule),
            esc(&s.citations.join("; ")),
            if s.ambiguous.is_some() { " ⚠" } else { "" }
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
            "<dt id=\"rule-{0}\">{0} [{1}]</dt><dd>{2}{3}</dd>",
            esc(&s.rule),
            esc(&s.citations.join("; ")),
            esc(&s.says),
            s.ambiguous.as_ref().map_or(String::new(), |a| format!(
                "<br><span class=\"unsettled\">⚠ unsettled: {}</span>",
                esc(a)
            ))
        );
    }
    body.push_str("</dl>");
    crate::present::html::page(&format!("Timeline of {}", t.model), &body)
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
