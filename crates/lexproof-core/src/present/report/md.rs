use super::{ActorReport, ModelReport, Report};
use crate::data::value::Value;
use crate::db::Database;
use std::fmt::Write;

/// Rules named in a short proof before the rest are counted.
const SHORT_PROOF_RULES: usize = 4;

/// Markdown cells and text: characters that would change the layout are escaped.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&crate::data::value::printable(&c.to_string())),
            c => out.push(c),
        }
    }
    out
}

/// A code span around any text: the fence is one backtick longer than the longest run of
/// backticks inside (so the value cannot close it early and let markup out), padded with spaces
/// where the value starts or ends with a backtick; line breaks become spaces and other control
/// characters escapes.
pub fn code(s: &str) -> String {
    let s = crate::data::value::printable(&s.replace(['\n', '\r'], " "));
    let fence = "`".repeat(longest_backtick_run(&s) + 1);
    if s.starts_with('`') || s.ends_with('`') {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

pub fn plain(db: &Database, v: &Value) -> String {
    match v {
        Value::Num(n) => lexproof_lang::number::readable(*n),
        _ => db.interner.plain(v),
    }
}

fn longest_backtick_run(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// A date as a deadline is read (`Mon 15 Sep 2025`); other values as they are.
pub fn long(db: &Database, v: &Value) -> String {
    match v {
        Value::Date(d) => crate::present::timeline::long_date(*d),
        _ => plain(db, v),
    }
}

/// A duty's statuses in words (`met on time`), or `-`.
pub fn status_text(db: &Database, status: &[Value]) -> String {
    if status.is_empty() {
        return "-".to_string();
    }
    status
        .iter()
        .map(|s| plain(db, s).replace('_', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn markdown(db: &Database, r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Compliance report: EU AI Act duties for general-purpose AI models\n"
    );
    let _ = writeln!(out, "{}\n", md(&header(db, r)).replace("\\`", "`"));
    if let Some(a) = &r.unknown_actor {
        let _ = writeln!(
            out,
            "No fact and no rule mentions the actor {}: nothing is concluded about it.\n",
            md(&format!("\"{a}\""))
        );
    }
    summary_table(db, r, &mut out);
    for a in &r.actors {
        actor(db, a, &mut out);
    }
    if !r.unattributed.is_empty() {
        let _ = writeln!(
            out,
            "## Open questions about models no actor is named for\n"
        );
        for (m, q, needed) in &r.unattributed {
            let _ = writeln!(
                out,
                "- {}: {} is undetermined; supply {}.",
                code(&plain(db, m)),
                md(&plain(db, q)),
                code(&plain(db, needed))
            );
        }
        out.push('\n');
    }
    if !r.systems.is_empty() {
        let _ = writeln!(out, "## AI systems built on these models\n");
        for s in &r.systems {
            system(db, s, &mut out);
        }
    }
    out
}

fn system(db: &Database, s: &super::SystemReport, out: &mut String) {
    let list = |v: &[Value]| -> String {
        if v.is_empty() {
            "not given".to_string()
        } else {
            v.iter()
                .map(|x| code(&plain(db, x)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let _ = writeln!(out, "### System {}\n", code(&plain(db, &s.system)));
    let _ = writeln!(
        out,
        "- Downstream provider (Art. 3(68)): {}.",
        list(&s.providers)
    );
    for (m, p) in &s.builds_on {
        let _ = writeln!(
            out,
            "- Builds on the model {} of {}, which the AI Office supervises (Art. 88(1)).",
            code(&plain(db, m)),
            code(&plain(db, p))
        );
    }
    let _ = writeln!(
        out,
        "- Market surveillance of the system (Art. 79(1)): {}.{}",
        if s.supervised_in.is_empty() {
            "no Member State recorded where it is offered".to_string()
        } else {
            format!("the authorities of {}", list(&s.supervised_in))
        },
        if s.ai_office {
            " The AI Office has market surveillance powers too, as model and system share a provider (Art. 75(1))."
        } else {
            ""
        }
    );
    for c in &s.corrective_actions {
        let _ = writeln!(
            out,
            "- Corrective action required on {} (Art. 79(2)): {} must act by {}{}{}{}.",
            plain(db, &c.required_on),
            code(&plain(db, &c.actor)),
            long(db, &c.deadline),
            if c.overdue { " — **overdue**" } else { "" },
            done_text(db, c),
            if c.holidays_unknown {
                HOLIDAYS_UNKNOWN
            } else {
                ""
            }
        );
    }
    out.push('\n');
}

pub fn header(db: &Database, r: &Report) -> String {
    let as_of = match (&r.as_of, r.assessment_date) {
        (Some(x), _) => x.clone(),
        (None, Some(d)) => plain(db, &d),
        (None, None) => "no assessment date (every dated fact counts)".to_string(),
    };
    let changed = db.facts.changed_parameters();
    let params = if changed.is_empty() {
        String::new()
    } else {
        format!(
            " Parameters changed for this run (not the rules' values): {}.",
            changed.join(", ")
        )
    };
    format!(
        "Assessed as of {as_of}. Rules: {} (sha256 {}).{params} Facts: {} file{}. Produced by lexproof {}; every conclusion can be explained with `lexproof explain`.",
        db.rules.file.name,
        db.rules.sha256,
        db.facts.fact_files,
        if db.facts.fact_files == 1 { "" } else { "s" },
        env!("CARGO_PKG_VERSION")
    )
}

/// "; taken on D" (and "after the deadline" when so) for a corrective action on record.
pub fn done_text(db: &Database, c: &super::CorrectiveAction) -> String {
    match c.done_on {
        Some(d) if c.late => format!("; taken on {}, after the deadline", plain(db, &d)),
        Some(d) => format!("; taken on {}", plain(db, &d)),
        None => String::new(),
    }
}

/// The actors that owe corrective action, said under the summary table (they may owe nothing for a
/// model, so the table has no row for them).
pub fn corrective_line(db: &Database, r: &Report) -> Option<String> {
    let owers = super::corrective_owers(&r.systems);
    if owers.is_empty() {
        return None;
    }
    let parts: Vec<String> = owers
        .iter()
        .map(|(a, n, late)| {
            format!(
                "{} ({n} required{})",
                plain(db, a),
                if *late > 0 {
                    format!(", {late} overdue")
                } else {
                    String::new()
                }
            )
        })
        .collect();
    Some(format!(
        "Corrective action for AI systems (Art. 79(2)) is owed by: {}; see the AI systems section.",
        parts.join(", ")
    ))
}

fn summary_table(db: &Database, r: &Report, out: &mut String) {
    let _ = writeln!(
        out,
        "| Actor | Models provided | Duties | Overdue | Exemptions | Open questions | Past duties |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for a in &r.actors {
        let t = a.totals();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            code(&plain(db, &a.actor)).replace('|', "\\|"),
            a.provided(),
            t.duties,
            t.overdue,
            t.exemptions,
            t.open_questions,
            t.past
        );
    }
    out.push('\n');
    if let Some(line) = corrective_line(db, r) {
        let _ = writeln!(out, "{}\n", md(&line));
    }
}

fn actor(db: &Database, a: &ActorReport, out: &mut String) {
    let est: Vec<String> = a.established_in.iter().map(|c| plain(db, c)).collect();
    let _ = writeln!(
        out,
        "## {}{}\n",
        code(&plain(db, &a.actor)),
        if est.is_empty() && !a.closed.is_empty() {
            format!(
                " (no establishment left: {})",
                super::closed_text(db, &a.closed)
            )
        } else if est.is_empty() {
            " (place of establishment not given)".to_string()
        } else {
            format!(" (established in {})", est.join(", "))
        }
    );
    if a.provided() == 0 {
        let _ = writeln!(
            out,
            "Not concluded to be the provider of any general-purpose AI model.\n"
        );
    }
    for m in &a.models {
        model(db, m, out);
    }
    if !a.not_provider.is_empty() {
        let _ = writeln!(
            out,
            "### Models it develops, modifies or provided before, but does not provide now\n"
        );
        for n in &a.not_provider {
            let _ = writeln!(
                out,
                "- {}: not its provider, because {}.",
                code(&plain(db, &n.model)),
                md(&n.reason)
            );
            for p in &n.past {
                let _ = writeln!(
                    out,
                    "  - Owed {} from {} until {} (a period that is over; {}).",
                    code(&plain(db, &p.duty)),
                    plain(db, &p.from),
                    plain(db, &p.until),
                    p.reads
                );
            }
            for q in &n.open_questions {
                let _ = writeln!(
                    out,
                    "  - Open question: {} is undetermined; supply {} facts.{}",
                    md(&plain(db, &q.question)),
                    md(&plain(db, &q.needed)),
                    why(&q.why)
                );
            }
        }
        out.push('\n');
    }
}

fn model(db: &Database, m: &ModelReport, out: &mut String) {
    let _ = writeln!(
        out,
        "### Model {}: {}{}\n",
        code(&plain(db, &m.model)),
        md(&m.kind),
        m.placed_on_market.map_or(String::new(), |d| format!(
            ", placed on the market {}{}",
            plain(db, &d),
            m.lifecycle_placed.map_or(String::new(), |l| format!(
                " (as the same model as the provider's own version on the market since {}, its duties count from then)",
                plain(db, &l)
            ))
        ))
    );
    if let Some(why) = &m.not_provider {
        let _ = writeln!(
            out,
            "Not concluded to be its provider, because {}; it owes the duties below all the same.\n",
            md(why)
        );
    }
    for p in &m.pending {
        let _ = writeln!(out, "Not in effect yet: {}.\n", md(p));
    }
    duties(db, m, out);
    if !m.past.is_empty() {
        let _ = writeln!(out, "Owed in periods that are over:\n");
        for p in &m.past {
            let _ = writeln!(
                out,
                "- {} from {} until {} ({}).",
                code(&plain(db, &p.duty)),
                plain(db, &p.from),
                plain(db, &p.until),
                p.reads
            );
        }
        out.push('\n');
    }
    if !m.exemptions.is_empty() {
        let _ = writeln!(out, "Duties lifted:\n");
        for e in &m.exemptions {
            let _ = writeln!(
                out,
                "- {}: lifted by rule {} [{}] ({}): {}",
                code(&plain(db, &e.duty)),
                code(&e.rule),
                md(&e.citations.join("; ")),
                e.weakest.map_or("-", |a| a.as_str()),
                md(&e.says)
            );
        }
        out.push('\n');
    }
    if !m.not_concluded.is_empty() {
        let _ = writeln!(out, "Duties not concluded, and why not:\n");
        for n in &m.not_concluded {
            let duties: Vec<String> = n.duties.iter().map(|d| code(&plain(db, d))).collect();
            let _ = writeln!(out, "- {}: {}.", duties.join(", "), md(&n.reason));
        }
        out.push('\n');
    }
    if let Some(t) = &m.timeline {
        if !t.rows.is_empty() {
            let _ = writeln!(
                out,
                "Timeline (`lexproof timeline {}`):\n",
                plain(db, &m.model).replace('`', "'")
            );
            // A fence longer than any run of backticks in the text, so no value can close it.
            let text = crate::present::timeline::text(t);
            let fence = "`".repeat(3 + longest_backtick_run(&text));
            let _ = writeln!(out, "{fence}text\n{text}{fence}\n");
        }
    }
    if !m.open_questions.is_empty() {
        let _ = writeln!(out, "Open questions:\n");
        for q in &m.open_questions {
            let _ = writeln!(
                out,
                "- {} is undetermined: supply {} facts to decide it.{}",
                md(&plain(db, &q.question)),
                md(&plain(db, &q.needed)),
                why(&q.why)
            );
        }
        out.push('\n');
    }
}

/// The duties that bind: a table, then why each binds.
fn duties(db: &Database, m: &ModelReport, out: &mut String) {
    if m.duties.is_empty() {
        let _ = writeln!(out, "No duty binds this provider for this model.\n");
    } else {
        let _ = writeln!(
            out,
            "| Duty | What it requires | Source | Applies since | Deadline | Status | Weakest authority |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|---|---|");
        for d in &m.duties {
            let deadline = match (d.deadline, d.overdue) {
                (Some(x), true) => format!("**{} (overdue)**", long(db, &x)),
                (Some(x), false) => long(db, &x),
                (None, true) => "**overdue**".to_string(),
                (None, false) => "none set".to_string(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {deadline} | {} | {}{} |",
                code(&plain(db, &d.duty)).replace('|', "\\|"),
                md(&match &d.scope {
                    Some(s) => format!("{} Scope: {s}", d.says),
                    None => d.says.clone(),
                }),
                md(&d.citations.join("; ")),
                d.since.map_or("-".to_string(), |x| plain(db, &x)),
                md(&status_text(db, &d.status)),
                d.weakest.map_or("-", |a| a.as_str()),
                if d.ambiguous.is_empty() { "" } else { " ⚠" }
            );
        }
        out.push('\n');
        if super::needs_legend(m) {
            let _ = writeln!(out, "{}\n", md(super::AUTHORITY_LEGEND));
        }
        let _ = writeln!(out, "Why each duty binds (short proofs; the full proof: `lexproof explain` on the obligation):\n");
        for d in &m.duties {
            let mut rules: Vec<String> = d
                .rules
                .iter()
                .take(SHORT_PROOF_RULES)
                .map(|(id, c)| format!("{} [{}]", code(id), md(&c.join("; "))))
                .collect();
            if d.rules.len() > SHORT_PROOF_RULES {
                rules.push(format!("{} more", d.rules.len() - SHORT_PROOF_RULES));
            }
            let facts: Vec<String> = d
                .facts
                .iter()
                .map(|(f, at)| format!("{} ({})", code(f), md(at)))
                .collect();
            let _ = writeln!(
                out,
                "- {}: by {}.",
                code(&plain(db, &d.duty)),
                rules.join(" ← ")
            );
            if !facts.is_empty() {
                let _ = writeln!(out, "  Rests on the facts {}.", facts.join(", "));
            }
            if let Some((day, why)) = &d.unheeded {
                let _ = writeln!(
                    out,
                    "  Recorded as met on {}, which does not count: {}.",
                    plain(db, day),
                    md(why)
                );
            }
            if d.cut {
                let _ = writeln!(out, "  The proof is more than {} levels deep; the rules and facts above are those of its top levels (`lexproof explain` shows it whole).", super::PROOF_LEVELS);
            }
        }
        // Each unsettled rule once, with the duties resting on it (repeated under every duty it
        // buried the proofs).
        let mut unsettled: Vec<(&str, &str, Vec<String>)> = Vec::new();
        for d in &m.duties {
            let of_deadline = d.deadline_ambiguous.iter().map(|x| (x, true));
            for ((id, why), deadline) in d.ambiguous.iter().map(|x| (x, false)).chain(of_deadline) {
                let duty = if deadline {
                    format!("the deadline of {}", code(&plain(db, &d.duty)))
                } else {
                    code(&plain(db, &d.duty))
                };
                match unsettled.iter_mut().find(|u| u.0 == id) {
                    Some(u) => u.2.push(duty),
                    None => unsettled.push((id, why, vec![duty])),
                }
            }
        }
        if !unsettled.is_empty() {
            let _ = writeln!(out, "\n⚠ Unsettled law behind these duties:\n");
        }
        for (id, why, duties) in unsettled {
            let _ = writeln!(
                out,
                "- rule {} (behind {}): {}.",
                code(id),
                duties.join(", "),
                md(why.trim_end_matches('.'))
            );
        }
        out.push('\n');
    }
}

/// Said after a corrective-action deadline counted without the Member State's public holidays.
pub(super) const HOLIDAYS_UNKNOWN: &str = " (counted without that Member State's public holidays other than 1 January and 25 December, which the facts do not give: the deadline may be later; add them as `public_holiday` facts)";

/// " Why: ..." after an open question, in the words of the rule that raised it.
pub fn why(says: &str) -> String {
    if says.is_empty() {
        String::new()
    } else {
        format!(" Why: {}", md(says))
    }
}
