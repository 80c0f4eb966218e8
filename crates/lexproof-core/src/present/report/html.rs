use super::md::{header, plain};
use super::{ActorReport, ModelReport, Report};
use crate::db::Database;
use crate::present::explain::html::{tree_on_page, PageRefs};
use crate::present::html::{esc, page, toolbar};
use std::fmt::Write;

pub fn html(db: &Database, r: &Report) -> String {
    let mut body = String::new();
    body.push_str(
        "<header><h1>Compliance report: EU AI Act duties for general-purpose AI models</h1>",
    );
    let _ = write!(
        body,
        "<p class=\"meta\">{}</p></header>",
        esc(&header(db, r))
    );
    body.push_str(toolbar());
    if let Some(a) = &r.unknown_actor {
        let _ = write!(
            body,
            "<p>No fact and no rule mentions the actor <code>{}</code>: nothing is concluded about it.</p>",
            esc(a)
        );
    }
    body.push_str("<table class=\"duties\"><tr><th>Actor</th><th>Models provided</th><th>Duties</th><th>Overdue</th><th>Exemptions</th><th>Past duties</th></tr>");
    for a in &r.actors {
        let t = a.totals();
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&plain(db, &a.actor)),
            a.provided(),
            t.duties,
            if t.overdue > 0 {
                format!("<span class=\"overdue\">{}</span>", t.overdue)
            } else {
                "0".into()
            },
            t.exemptions,
            t.past
        );
    }
    body.push_str("</table>");
    if let Some(line) = super::md::corrective_line(db, r) {
        let _ = write!(body, "<p>{}</p>", esc(&line));
    }
    let mut n = 0;
    let mut drawn = PageRefs::default();
    for a in &r.actors {
        actor(db, a, &mut n, &mut drawn, &mut body);
    }
    if !r.unattributed.is_empty() {
        body.push_str("<section class=\"unattributed\"><h2>Open questions about models no actor is named for</h2><ul>");
        for (m, q, needed) in &r.unattributed {
            body.push_str(&format!(
                "<li><code>{}</code>: {} is undetermined; supply <code>{}</code>.</li>",
                esc(&db.interner.plain(m)),
                esc(&db.interner.plain(q)),
                esc(&db.interner.plain(needed))
            ));
        }
        body.push_str("</ul></section>");
    }
    if !r.systems.is_empty() {
        body.push_str("<section class=\"systems\"><h2>AI systems built on these models</h2>");
        for s in &r.systems {
            let list = |v: &[crate::data::value::Value]| -> String {
                v.iter()
                    .map(|x| format!("<code>{}</code>", esc(&plain(db, x))))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let _ = write!(
                body,
                "<h3>System <code>{}</code></h3><ul>",
                esc(&plain(db, &s.system))
            );
            let _ = write!(
                body,
                "<li>Downstream provider (Art. 3(68)): {}</li>",
                list(&s.providers)
            );
            for (m, p) in &s.builds_on {
                let _ = write!(
                    body,
                    "<li>Builds on the model <code>{}</code> of <code>{}</code>, which the AI Office supervises (Art. 88(1))</li>",
                    esc(&plain(db, m)),
                    esc(&plain(db, p))
                );
            }
            let _ = write!(
                body,
                "<li>Market surveillance of the system (Art. 79(1)): {}{}</li>",
                if s.supervised_in.is_empty() {
                    "no Member State recorded where it is offered".to_string()
                } else {
                    list(&s.supervised_in)
                },
                if s.ai_office {
                    "; the AI Office too, as model and system share a provider (Art. 75(1))"
                } else {
                    ""
                }
            );
            for c in &s.corrective_actions {
                let _ = write!(
                    body,
                    "<li>Corrective action required on {} (Art. 79(2)): <code>{}</code> must act by {}{}{}{}</li>",
                    esc(&plain(db, &c.required_on)),
                    esc(&plain(db, &c.actor)),
                    esc(&super::md::long(db, &c.deadline)),
                    if c.overdue { " <span class=\"overdue\">overdue</span>" } else { "" },
                    esc(&super::md::done_text(db, c)),
                    if c.holidays_unknown {
                        esc(&super::md::HOLIDAYS_UNKNOWN.replace('`', ""))
                    } else {
                        String::new()
                    }
                );
            }
            body.push_str("</ul>");
        }
        body.push_str("</section>");
    }
    page("lexproof compliance report", &body)
}

fn actor(db: &Database, a: &ActorReport, n: &mut usize, page: &mut PageRefs, out: &mut String) {
    let est: Vec<String> = a.established_in.iter().map(|c| plain(db, c)).collect();
    let _ = write!(
        out,
        "<section class=\"actor\"><h2>{}</h2><p class=\"meta\">{}</p>",
        esc(&plain(db, &a.actor)),
        esc(&if est.is_empty() && !a.closed.is_empty() {
            format!(
                "No establishment left: {}.",
                super::closed_text(db, &a.closed)
            )
        } else if est.is_empty() {
            "Place of establishment not given.".to_string()
        } else {
            format!("Established in {}.", est.join(", "))
        })
    );
    if a.provided() == 0 {
        out.push_str("<p>Not concluded to be the provider of any general-purpose AI model.</p>");
    }
    for m in &a.models {
        model(db, m, n, page, out);
    }
    if !a.not_provider.is_empty() {
        out.push_str("<h3>Models it develops, modifies or provided before, but does not provide now</h3><ul>");
        for np in &a.not_provider {
            let _ = write!(
                out,
                "<li><code>{}</code>: not its provider, because {}.",
                esc(&plain(db, &np.model)),
                esc(&np.reason)
            );
            for p in &np.past {
                let _ = write!(
                    out,
                    " Owed <code>{}</code> from {} until {} (a period that is over; {}).",
                    esc(&plain(db, &p.duty)),
                    esc(&plain(db, &p.from)),
                    esc(&plain(db, &p.until)),
                    esc(&p.reads)
                );
            }
            for q in &np.open_questions {
                let _ = write!(
                    out,
                    " Open question: <b>{}</b> is undetermined; supply <code>{}</code> facts. {}",
                    esc(&plain(db, &q.question)),
                    esc(&plain(db, &q.needed)),
                    esc(&q.why)
                );
            }
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
}

fn model(db: &Database, m: &ModelReport, n: &mut usize, page: &mut PageRefs, out: &mut String) {
    let _ = write!(
        out,
        "<h3>Model <code>{}</code>: {}{}</h3>",
        esc(&plain(db, &m.model)),
        esc(&m.kind),
        m.placed_on_market.map_or(String::new(), |d| format!(
            ", placed on the market {}{}",
            esc(&plain(db, &d)),
            m.lifecycle_placed.map_or(String::new(), |l| format!(
                " (as the same model as the provider's own version on the market since {}, its duties count from then)",
                esc(&plain(db, &l))
            ))
        ))
    );
    if let Some(why) = &m.not_provider {
        let _ = write!(
            out,
            "<p>Not concluded to be its provider, because {}; it owes the duties below all the same.</p>",
            esc(why)
        );
    }
    for p in &m.pending {
        let _ = write!(out, "<p>Not in effect yet: {}.</p>", esc(p));
    }
    if m.duties.is_empty() {
        out.push_str("<p>No duty binds this provider for this model.</p>");
    } else {
        out.push_str("<table class=\"duties\"><tr><th>Duty</th><th>What it requires</th><th>Source</th><th>Applies since</th><th>Deadline</th><th>Status</th><th>Weakest authority</th></tr>");
        for d in &m.duties {
            let deadline = match (d.deadline, d.overdue) {
                (Some(x), true) => format!(
                    "<span class=\"overdue\">{} (overdue)</span>",
                    esc(&super::md::long(db, &x))
                ),
                (Some(x), false) => esc(&super::md::long(db, &x)),
                (None, true) => "<span class=\"overdue\">overdue</span>".into(),
                (None, false) => "none set".into(),
            };
            let auth = d.weakest.map_or("-", |a| a.as_str());
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{deadline}</td><td>{}</td><td class=\"auth-{auth}\">{auth}{}</td></tr>",
                esc(&plain(db, &d.duty)),
                match &d.scope {
                    Some(s) => format!("{} <em>Scope: {}</em>", esc(&d.says), esc(s)),
                    None => esc(&d.says),
                },
                esc(&d.citations.join("; ")),
                esc(&d.since.map_or("-".to_string(), |x| plain(db, &x))),
                esc(&super::md::status_text(db, &d.status)),
                if d.ambiguous.is_empty() { "" } else { " ⚠" }
            );
        }
        out.push_str("</table>");
        if super::needs_legend(m) {
            let _ = write!(
                out,
                "<p class=\"legend\">{}</p>",
                esc(super::AUTHORITY_LEGEND)
            );
        }
        for d in &m.duties {
            *n += 1;
            let _ = write!(
                out,
                "<details class=\"duty-proof\"><summary>Why <code>{}</code> binds</summary>",
                esc(&plain(db, &d.duty))
            );
            if let Some((day, why)) = &d.unheeded {
                let _ = write!(
                    out,
                    "<p>Recorded as met on {}, which does not count: {}.</p>",
                    esc(&plain(db, day)),
                    esc(why)
                );
            }
            let of_deadline = d
                .deadline_ambiguous
                .iter()
                .map(|x| (x, " behind its deadline,"));
            for ((id, why), behind) in d.ambiguous.iter().map(|x| (x, "")).chain(of_deadline) {
                let _ = write!(
                    out,
                    "<p class=\"ambiguous\">Unsettled law{behind} in rule <code>{}</code>: {}</p>",
                    esc(id),
                    esc(why)
                );
            }
            let proof = super::short_proof(db, d.rel, &d.tuple);
            out.push_str(&tree_on_page(db, &proof, &format!("p{n}-"), page));
            out.push_str("</details>");
        }
    }
    if !m.past.is_empty() {
        out.push_str("<p>Owed in periods that are over:</p><ul>");
        for p in &m.past {
            let _ = write!(
                out,
                "<li><code>{}</code> from {} until {} ({}).</li>",
                esc(&plain(db, &p.duty)),
                esc(&plain(db, &p.from)),
                esc(&plain(db, &p.until)),
                esc(&p.reads)
            );
        }
        out.push_str("</ul>");
    }
    if !m.exemptions.is_empty() {
        out.push_str("<h4>Duties lifted</h4><ul>");
        for e in &m.exemptions {
            *n += 1;
            let _ = write!(
                out,
                "<li><code>{}</code>: lifted by rule <code>{}</code> [{}] ({}): {}<details><summary>proof</summary>{}</details></li>",
                esc(&plain(db, &e.duty)),
                esc(&e.rule),
                esc(&e.citations.join("; ")),
                e.weakest.map_or("-", |a| a.as_str()),
                esc(&e.says),
                tree_on_page(db, &super::short_proof(db, e.rel, &e.tuple), &format!("p{n}-"), page)
            );
        }
        out.push_str("</ul>");
    }
    if !m.not_concluded.is_empty() {
        out.push_str("<h4>Duties not concluded, and why not</h4><ul>");
        for nc in &m.not_concluded {
            let duties: Vec<String> = nc
                .duties
                .iter()
                .map(|d| format!("<code>{}</code>", esc(&plain(db, d))))
                .collect();
            let _ = write!(out, "<li>{}: {}.</li>", duties.join(", "), esc(&nc.reason));
        }
        out.push_str("</ul>");
    }
    if let Some(t) = &m.timeline {
        if !t.rows.is_empty() {
            out.push_str("<figure class=\"timeline\">");
            out.push_str(&crate::present::timeline::svg(t, false));
            out.push_str("<figcaption>Timeline: bars while a status or duty is in force, marks for deadlines and events, the dashed line for the assessment date (hover for the rule behind each).</figcaption></figure>");
        }
    }
    if !m.open_questions.is_empty() {
        out.push_str("<h4>Open questions</h4><ul>");
        for q in &m.open_questions {
            let _ = write!(
                out,
                "<li><b>{}</b> is undetermined: supply <code>{}</code> facts to decide it. {}</li>",
                esc(&plain(db, &q.question)),
                esc(&plain(db, &q.needed)),
                esc(&q.why)
            );
        }
        out.push_str("</ul>");
    }
}
