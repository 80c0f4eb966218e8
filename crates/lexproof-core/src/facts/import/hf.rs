//! Hugging Face model cards: the YAML front matter of a `README.md` (docs/import.md §2–§8).

use super::{licence, Imported};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// A YAML value with the 1-based line of the file it starts on.
#[derive(Debug)]
enum Y {
    Scalar(String),
    Seq(Vec<(Y, usize)>),
    Map(Vec<(String, usize, Y, usize)>),
}

impl Y {
    fn text(&self) -> Option<&str> {
        match self {
            Y::Scalar(s) => Some(s.as_str()),
            _ => None,
        }
    }
}

#[derive(Default)]
struct Events(Vec<(Event, Marker)>);

impl MarkedEventReceiver for Events {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        self.0.push((ev, mark));
    }
}

/// A located error: `file:line:col: error[code]: message` and a hint.
fn error(file: &str, line: usize, col: usize, code: &str, msg: &str, hint: &str) -> String {
    format!(
        "{}:{line}:{col}: error[{code}]: {msg}\n  hint: {hint}\n",
        crate::data::value::printable(file)
    )
}

/// Whether a file's first line (a byte-order mark removed) opens a card's front matter.
pub fn opens_card(first_line: &str) -> bool {
    first_line.trim_end() == "---"
}

/// The front matter's text and the file line it starts on, or an error.
fn front_matter<'t>(file: &str, text: &'t str) -> Result<(&'t str, usize), String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if !opens_card(first) {
        return Err(error(
            file,
            1,
            1,
            "not_a_model_card",
            "no YAML front matter: a model card starts with a `---` line",
            "lexproof reads a `.md` file as a Hugging Face model card; put the card's metadata between `---` lines at the top, or move the file out of the facts directory",
        ));
    }
    let start = first.len();
    let mut at = start;
    for line in lines {
        if matches!(line.trim_end(), "---" | "...") {
            return Ok((&text[start..at], 2));
        }
        at += line.len();
    }
    Err(error(
        file,
        1,
        1,
        "not_a_model_card",
        "the front matter is never closed",
        "end the card's metadata with a `---` line",
    ))
}

fn parse(
    file: &str,
    yaml: &str,
    first_line: usize,
) -> Result<Vec<(String, usize, Y, usize)>, String> {
    let mut events = Events::default();
    let mut parser = Parser::new_from_str(yaml);
    if let Err(e) = parser.load(&mut events, false) {
        let m = e.marker();
        return Err(error(
            file,
            m.line() + first_line - 1,
            m.col() + 1,
            "yaml_syntax",
            &format!("the front matter is not valid YAML: {}", e.info()),
            "fix the YAML between the `---` lines",
        ));
    }
    let events = events.0;
    let mut at = 0;
    while at < events.len()
        && matches!(
            events[at].0,
            Event::StreamStart | Event::DocumentStart | Event::Nothing
        )
    {
        at += 1;
    }
    if at >= events.len() || matches!(events[at].0, Event::StreamEnd | Event::DocumentEnd) {
        return Ok(Vec::new());
    }
    let (root, line) = node(file, &events, &mut at, first_line)?;
    match root {
        Y::Map(m) => Ok(m),
        _ => Err(error(
            file,
            line,
            1,
            "not_a_model_card",
            "the front matter is not a mapping of fields",
            "write the card's metadata as `key: value` lines",
        )),
    }
}

fn node(
    file: &str,
    ev: &[(Event, Marker)],
    at: &mut usize,
    first: usize,
) -> Result<(Y, usize), String> {
    let (e, m) = &ev[*at];
    let line = m.line() + first - 1;
    *at += 1;
    match e {
        Event::Scalar(s, ..) => Ok((Y::Scalar(s.clone()), line)),
        Event::Alias(_) => Err(error(
            file,
            line,
            m.col() + 1,
            "yaml_syntax",
            "a YAML alias (`*name`): lexproof reads card fields as written, not through anchors",
            "write the value itself in place of the alias",
        )),
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            while *at < ev.len() && !matches!(ev[*at].0, Event::SequenceEnd) {
                items.push(node(file, ev, at, first)?);
            }
            *at += 1;
            Ok((Y::Seq(items), line))
        }
        Event::MappingStart(..) => {
            let mut members: Vec<(String, usize, Y, usize)> = Vec::new();
            while *at < ev.len() && !matches!(ev[*at].0, Event::MappingEnd) {
                let (k, kline) = node(file, ev, at, first)?;
                let key = k.text().unwrap_or("").to_string();
                let (v, vline) = node(file, ev, at, first)?;
                if members.iter().any(|m| m.0 == key) {
                    return Err(error(
                        file,
                        kline,
                        1,
                        "yaml_syntax",
                        &format!("the field `{key}` is given twice"),
                        "keep one of the two",
                    ));
                }
                members.push((key, kline, v, vline));
            }
            *at += 1;
            Ok((Y::Map(members), line))
        }
        _ => Ok((Y::Scalar(String::new()), line)),
    }
}

/// The model's id when the card names none: the folder of a `README.md`, else the file's stem;
/// a Hub cache folder `models--OWNER--NAME` or `OWNER--NAME` reads as `OWNER/NAME`.
pub fn id_from_path(path: &std::path::Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    // A card named from inside its own folder (`README.md`, `./README.md`) is named after that
    // folder as well, not "README": the folder comes from the absolute path.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let name = if stem.eq_ignore_ascii_case("readme") {
        let mut dir = absolute.parent();
        // In the Hub cache the card sits in models--O--N/snapshots/REV/.
        let mut name = dir.and_then(|d| d.file_name()).and_then(|s| s.to_str());
        for _ in 0..3 {
            if name.is_some_and(|n| n.starts_with("models--")) {
                break;
            }
            dir = dir.and_then(|d| d.parent());
            let up = dir.and_then(|d| d.file_name()).and_then(|s| s.to_str());
            if up.is_some_and(|n| n.starts_with("models--")) {
                name = up;
                break;
            }
        }
        name.unwrap_or(stem)
    } else {
        stem
    };
    let name = name.strip_prefix("models--").unwrap_or(name);
    match name.split_once("--") {
        Some((owner, rest)) if !owner.is_empty() && !rest.is_empty() => format!("{owner}/{rest}"),
        _ => name.to_string(),
    }
}

const TASKS: &[(&str, &str)] = &[
    ("text-generation", "text"),
    ("text2text-generation", "text"),
    ("conversational", "text"),
    ("summarization", "text"),
    ("translation", "text"),
    ("image-to-text", "text"),
    ("image-text-to-text", "text"),
    ("audio-text-to-text", "text"),
    ("video-text-to-text", "text"),
    ("visual-question-answering", "text"),
    ("automatic-speech-recognition", "text"),
    ("text-to-speech", "speech"),
    ("text-to-audio", "audio"),
    ("audio-to-audio", "audio"),
    ("text-to-image", "image_from_text"),
    ("text-to-video", "video_from_text"),
    ("image-to-image", "image"),
    ("unconditional-image-generation", "image"),
    ("image-to-video", "other"),
    ("text-to-3d", "other"),
    ("image-to-3d", "other"),
];

/// The modality a task's model generates, if it generates content (docs/import.md §6).
pub fn modality_of_task(task: &str) -> Option<&'static str> {
    let t = task.trim().to_ascii_lowercase().replace([' ', '_'], "-");
    TASKS.iter().find(|(k, _)| *k == t).map(|(_, m)| *m)
}

const RELATIONS: &[(&str, &str)] = &[
    ("finetune", "fine_tune"),
    ("adapter", "adapter"),
    ("merge", "merge"),
    ("quantized", "quantisation"),
];

/// Maps one card. `file` is the name printed in origins; `path` gives the id when the card has
/// none.
pub fn import(file: &str, path: &std::path::Path, text: &str) -> Result<Imported, String> {
    let (yaml, first_line) = front_matter(file, text)?;
    let fields = parse(file, yaml, first_line)?;
    let mut out = Imported::default();
    let get = |k: &str| fields.iter().find(|m| m.0 == k);
    let id = match (get("model_name"), get("model-index")) {
        (Some((_, _, Y::Scalar(n), _)), _) if !n.trim().is_empty() => n.trim().to_string(),
        (_, Some((_, _, Y::Seq(items), _))) => match items.first() {
            Some((Y::Map(m), _)) => m
                .iter()
                .find(|x| x.0 == "name")
                .and_then(|x| x.2.text())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| id_from_path(path)),
            _ => id_from_path(path),
        },
        _ => id_from_path(path),
    };
    if !id.contains('/') {
        out.notes.push(format!(
            "{file}: model {}: warning: the id has no owner (`owner/name`), so other cards' base_model entries will not meet it; correct it in the output if needed",
            crate::data::value::shorten(&crate::data::value::quote(&id), 80)
        ));
    }
    let mut bases = 0;
    // The kind of modification, written once a base model is (the order of fields is free).
    let mut relation: Option<(&str, usize)> = None;
    for (key, kline, value, vline) in &fields {
        let (key, kline) = (key.as_str(), *kline);
        match key {
            "model_name" => {
                let why = match value {
                    Y::Scalar(n) if !n.trim().is_empty() => None,
                    Y::Scalar(_) => Some("empty"),
                    _ => Some("not a single name (a card describes one model)"),
                };
                if let Some(why) = why {
                    let id = crate::data::value::quote(&id);
                    out.note(file, kline, key, format!("not mapped: {why}, so the id {id} is used"));
                }
            }
            "model-index" => {}
            "base_model" => {
                let entries: Vec<(&str, usize, String)> = match value {
                    Y::Scalar(s) => vec![(s.as_str(), *vline, "base_model".to_string())],
                    Y::Seq(items) => items
                        .iter()
                        .enumerate()
                        .filter_map(|(i, (y, l))| match y.text() {
                            Some(t) => Some((t, *l, format!("base_model[{i}]"))),
                            None => {
                                out.note(file, *l, &format!("base_model[{i}]"), "not mapped: a list or mapping, where a model id is due");
                                None
                            }
                        })
                        .collect(),
                    Y::Map(_) => {
                        out.note(file, kline, key, "not mapped: a mapping, where a model id or a list of them is due");
                        Vec::new()
                    }
                };
                for (base, line, field) in entries {
                    let base = base.trim();
                    if base.is_empty() {
                        out.note(file, line, &field, "not mapped: empty, so no base model is named");
                        continue;
                    }
                    // Hub ids are matched without regard to case.
                    if base.eq_ignore_ascii_case(&id) {
                        out.note(file, line, &field, "warning: names the model itself; skipped");
                        continue;
                    }
                    out.fact("modified_from", &[&id, base], line, field);
                    bases += 1;
                }
            }
            "base_model_relation" => match value.text().map(str::trim) {
                Some(r) => match RELATIONS.iter().find(|(k, _)| *k == r) {
                    Some((_, kind)) => relation = Some((*kind, kline)),
                    None => out.note(file, kline, key, format!("not mapped: `{r}` is not one of finetune, adapter, merge, quantized")),
                },
                None => out.note(file, kline, key, "not mapped: not a single value"),
            },
            "license" => {
                let ids: Vec<&str> = match value {
                    Y::Scalar(s) => vec![s.as_str()],
                    Y::Seq(items) => items.iter().filter_map(|(y, _)| y.text()).collect(),
                    Y::Map(_) => Vec::new(),
                };
                let failing: Vec<&str> = ids.iter().copied().filter(|l| !licence::qualifies(l)).collect();
                if !ids.is_empty() && failing.is_empty() {
                    out.fact("free_open_source_licence", &[&id], kline, key);
                } else {
                    let shown = failing.first().copied().unwrap_or("");
                    let extra = match (get("license_name").and_then(|m| m.2.text()), shown) {
                        (Some(n), "other") => format!(" (license_name: {n})"),
                        _ => String::new(),
                    };
                    out.note(file, kline, key, format!("not mapped: `{shown}`{extra}: {}", licence::why_not(shown)));
                }
            }
            "license_name" | "license_link" => {}
            "pipeline_tag" => match value.text().and_then(modality_of_task) {
                Some(m) => out.fact("generates", &[&id, m], kline, key),
                None => out.note(file, kline, key, format!("not mapped: `{}` does not name generated content (docs/import.md §6)", value.text().unwrap_or(""))),
            },
            "library_name" => out.note(file, kline, key, "not mapped: the software that loads the model, not a channel of supply (made_available needs a date)"),
            "datasets" | "metrics" => out.note(file, kline, key, "not mapped: training data and evaluations have no input relation and give no compute"),
            "co2_eq_emissions" => out.note(file, kline, key, "not mapped: emissions do not give FLOP without assumptions (Guidelines Annex A)"),
            k if k.starts_with("extra_gated") => out.note(file, kline, key, "not mapped: access conditions bear on the open-source access freedom; collecting personal data for access may be monetisation(\"personal_data_for_access\") (Guidelines §4.2.1, §4.2.2)"),
            "language" | "tags" | "thumbnail" | "widget" | "inference" | "new_version" => {}
            _ => out.note(file, kline, key, "not mapped: not a field lexproof reads"),
        }
    }
    match relation {
        Some((kind, line)) if bases > 0 => {
            out.fact("modification_kind", &[&id, kind], line, "base_model_relation")
        }
        Some((_, line)) => out.note(
            file,
            line,
            "base_model_relation",
            "not mapped: no base model is named (base_model is missing, empty, or names the model itself)",
        ),
        None => {}
    }
    out.not_stated(file, &id);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn ids_lines_and_mapping() {
        let card = "---\nbase_model:\n- Qwen/Qwen2.5-7B-Instruct\nbase_model_relation: finetune\nlicense: cc-by-nc-4.0\npipeline_tag: text-generation\n---\n# x\n";
        let i = import("c/README.md", Path::new("x/acme--ft/README.md"), card).unwrap();
        let mut facts: Vec<(&str, Vec<&str>, usize)> = i
            .facts
            .iter()
            .map(|f| (f.rel, f.args.iter().map(|s| s.as_str()).collect(), f.line))
            .collect();
        facts.sort_by_key(|f| f.2);
        assert_eq!(
            facts,
            vec![
                (
                    "modified_from",
                    vec!["acme/ft", "Qwen/Qwen2.5-7B-Instruct"],
                    3
                ),
                ("modification_kind", vec!["acme/ft", "fine_tune"], 4),
                ("generates", vec!["acme/ft", "text"], 6),
            ]
        );
        assert!(i
            .notes
            .iter()
            .any(|n| n.starts_with("c/README.md:5: field `license`: not mapped")));
        assert_eq!(
            id_from_path(Path::new("models--a--b/snapshots/123/README.md")),
            "a/b"
        );
        assert_eq!(id_from_path(Path::new("cards/my-model.md")), "my-model");
        assert!(import("r.md", Path::new("r.md"), "# no card\n")
            .unwrap_err()
            .contains("error[not_a_model_card]"));
        let e = import("r.md", Path::new("r.md"), "---\na: [\n---\n").unwrap_err();
        assert!(
            e.starts_with("r.md:") && e.contains("error[yaml_syntax]"),
            "{e}"
        );
        assert!(import("r.md", Path::new("r.md"), "---\na: 1\na: 2\n---\n")
            .unwrap_err()
            .contains("given twice"));
    }
}
