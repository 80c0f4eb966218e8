//! CycloneDX 1.6/1.7 ML-BOMs (JSON): the components of type `machine-learning-model`
//! (docs/import.md §2–§8). Read with the fact loader's JSON reader, so every fact keeps the line
//! of the field it comes from.

use super::{hf::modality_of_task, licence, Imported};
use crate::facts::json::J;
use lexproof_lang::diag::Diagnostic;
use lexproof_lang::source::Span;
use lexproof_lang::SourceFile;

/// Whether a JSON document is a BOM (it says `"bomFormat"`), rather than facts.
pub(crate) fn is_bom(doc: &J) -> bool {
    matches!(doc, J::Obj(m) if m.iter().any(|x| x.0 == "bomFormat"))
}

fn member<'a>(j: &'a J, key: &str) -> Option<(&'a J, Span)> {
    match j {
        J::Obj(m) => m.iter().find(|x| x.0 == key).map(|x| (&x.2, x.3)),
        _ => None,
    }
}

fn string<'a>(j: &'a J, key: &str) -> Option<&'a str> {
    match member(j, key) {
        Some((J::Str(s), _)) => Some(s.as_str()),
        _ => None,
    }
}

fn items(j: Option<(&J, Span)>) -> &[(J, Span)] {
    match j {
        Some((J::Arr(a), _)) => a,
        _ => &[],
    }
}

fn bad(span: Span, msg: String, hint: &str) -> Diagnostic {
    Diagnostic::error("not_a_bom", span, msg)
        .label("here")
        .hint(hint)
}

/// A component's model id: a Hugging Face purl's `OWNER/NAME`, else `group/name`, else `name`.
fn id_of(c: &J) -> Option<String> {
    if let Some(id) = string(c, "purl")
        .and_then(hf_purl_path)
        .and_then(hf_purl_id)
    {
        return Some(id);
    }
    let name = string(c, "name")?.trim();
    if name.is_empty() {
        return None;
    }
    match string(c, "group").map(str::trim) {
        Some(g) if !g.is_empty() && !name.starts_with(&format!("{g}/")) => {
            Some(format!("{g}/{name}"))
        }
        _ => Some(name.to_string()),
    }
}

/// What follows `pkg:huggingface/` (in any case) in a Hugging Face purl.
fn hf_purl_path(purl: &str) -> Option<&str> {
    let prefix = "pkg:huggingface/";
    purl.get(..prefix.len())
        .filter(|p| p.eq_ignore_ascii_case(prefix))
        .and_then(|_| purl.get(prefix.len()..))
}

/// The `OWNER/NAME` (or `NAME`) of a Hugging Face purl's path, each segment decoded on its own. A path
/// that cannot be a model id (an empty segment, more than two, an escaped `/` or a control character
/// in one) gives none, and the component's name is used instead.
fn hf_purl_id(rest: &str) -> Option<String> {
    let path = rest.split(['@', '?', '#']).next().unwrap_or("");
    let segments: Vec<String> = path.split('/').map(percent_decode).collect();
    let fits = |s: &String| {
        !s.trim().is_empty()
            && s.trim() == s
            && !s.contains('/')
            && !s.chars().any(char::is_control)
    };
    (segments.len() <= 2 && segments.iter().all(fits)).then(|| segments.join("/"))
}

/// Undoes `%XX` escapes of a URI (`file:///a%20b`); a `%` not followed by two hex digits stays.
pub fn percent_decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An ISO 3166-1 alpha-2 code in the rulebase's `country` list (any case; the EU's "EL" and the
/// common "UK" read as "GR" and "GB").
fn country(cc: &str) -> Option<String> {
    let code = match cc.to_ascii_uppercase().as_str() {
        "EL" => "GR".to_string(),
        "UK" => "GB".to_string(),
        other => other.to_string(),
    };
    // The shipped rulebase's list, read once: checking the rules again per address would cost
    // milliseconds each in a BOM of many models.
    static COUNTRIES: std::sync::OnceLock<Option<lexproof_lang::check::EnumType>> =
        std::sync::OnceLock::new();
    let countries = COUNTRIES.get_or_init(|| {
        crate::rules::rulebase::Rulebase::shipped()
            .checked
            .enums
            .into_iter()
            .find(|e| e.name == "country")
    });
    countries
        .as_ref()
        .is_some_and(|e| e.contains(&code))
        .then_some(code)
}

fn is_model(c: &J) -> bool {
    string(c, "type") == Some("machine-learning-model")
}

/// Every model component: `metadata.component`, then `components` in order, nested ones after
/// their parent.
fn models<'a>(doc: &'a J, out: &mut Vec<(&'a J, Span)>) {
    if let Some((meta, _)) = member(doc, "metadata") {
        if let Some((c, span)) = member(meta, "component") {
            if is_model(c) {
                out.push((c, span));
            }
        }
    }
    fn walk<'a>(list: &'a [(J, Span)], out: &mut Vec<(&'a J, Span)>) {
        for (c, span) in list {
            if is_model(c) {
                out.push((c, *span));
            }
            walk(items(member(c, "components")), out);
        }
    }
    walk(items(member(doc, "components")), out);
}

pub(crate) fn import(name: &str, file: &SourceFile, doc: &J) -> Result<Imported, Diagnostic> {
    let line = |span: Span| file.line_of(span.start);
    check_header(doc)?;
    // A `components` object (not a list) would yield no model and no notice at all.
    if let Some((c, span)) = member(doc, "components") {
        if !matches!(c, J::Arr(_)) {
            return Err(bad(
                span,
                "`components` is not a list, so no component can be read".into(),
                "CycloneDX lists components in an array: \"components\": [{...}, ...]",
            ));
        }
    }
    let mut out = Imported::default();
    let mut found = Vec::new();
    models(doc, &mut found);
    let mut ids: Vec<String> = Vec::new();
    // Models with a component whose licences do not qualify: components sharing an id are one
    // model, so one such component withholds the licence fact from all.
    let mut unlicensed: Vec<String> = Vec::new();
    for (c, cspan) in found {
        let Some(id) = id_of(c) else {
            out.note(
                name,
                line(cspan),
                "name",
                "not mapped: a model component without a name",
            );
            continue;
        };
        if let Some((J::Str(purl), pspan)) = member(c, "purl") {
            if hf_purl_path(purl).is_some_and(|p| hf_purl_id(p).is_none()) {
                out.note(name, line(pspan), "purl", format!("not mapped: not a model id (`OWNER/NAME`), so the component's name gives the id {}", crate::data::value::quote(&id)));
            }
        }
        manufacturer(&mut out, name, file, c, &id);
        if let Some((_, s)) = member(c, "supplier") {
            out.note(name, line(s), "supplier", "not mapped: a supplier may be a distributor; supplying shows neither development nor placing under one's own name (Guidelines §3.1.1)");
        }
        if !licence(&mut out, name, file, c, &id) {
            unlicensed.push(id.clone());
        }
        if let Some((card, _)) = member(c, "modelCard") {
            if let Some((params, _)) = member(card, "modelParameters") {
                if let Some((J::Str(task), tspan)) = member(params, "task") {
                    match modality_of_task(task) {
                        Some(m) => out.fact("generates", &[&id, m], line(tspan), "modelCard.modelParameters.task"),
                        None => out.note(name, line(tspan), "modelCard.modelParameters.task", format!("not mapped: `{task}` does not name generated content (docs/import.md §6)")),
                    }
                }
            }
        }
        if let Some((ped, _)) = member(c, "pedigree") {
            for (a, aspan) in items(member(ped, "ancestors")) {
                if !is_model(a) {
                    continue;
                }
                if let Some(base) = id_of(a).filter(|b| *b != id) {
                    out.fact(
                        "modified_from",
                        &[&id, &base],
                        line(*aspan),
                        "pedigree.ancestors",
                    );
                }
            }
        }
        properties(&mut out, name, file, c, &id);
        if let Some((_, s)) = member(c, "version") {
            out.note(name, line(s), "version", "not mapped: a provider's versions are one model over its lifecycle (Guidelines §2.2)");
        }
        if ids.contains(&id) {
            out.note(
                name,
                line(cspan),
                "name",
                format!("warning: another component already describes {}; both are read as one model (a provider's versions are one model, Guidelines §2.2), whose licence fact needs every one of them to qualify", crate::data::value::quote(&id)),
            );
        } else {
            ids.push(id);
        }
    }
    out.facts
        .retain(|f| f.rel != "free_open_source_licence" || !unlicensed.contains(&f.args[0]));
    for id in &ids {
        out.not_stated(name, id);
    }
    Ok(out)
}

/// The document is a CycloneDX 1.6 or 1.7 BOM.
fn check_header(doc: &J) -> Result<(), Diagnostic> {
    let whole = Span::new(0, 0);
    match member(doc, "bomFormat") {
        Some((J::Str(f), _)) if f == "CycloneDX" => {}
        Some((_, span)) => return Err(bad(
            span,
            "`bomFormat` is not \"CycloneDX\"".into(),
            "lexproof reads CycloneDX BOMs; other JSON files hold facts as {\"relation\": [...]}",
        )),
        None => {
            return Err(bad(
                whole,
                "no `bomFormat`".into(),
                "a CycloneDX BOM says \"bomFormat\": \"CycloneDX\"",
            ))
        }
    }
    match member(doc, "specVersion") {
        Some((J::Str(v), _)) if v == "1.6" || v == "1.7" => {}
        Some((_, span)) => {
            return Err(bad(
                span,
                "lexproof reads CycloneDX 1.6 and 1.7 BOMs, which describe ML models".into(),
                "export the BOM as CycloneDX 1.6 or 1.7",
            ))
        }
        None => {
            return Err(bad(
                whole,
                "no `specVersion`".into(),
                "a CycloneDX BOM says \"specVersion\": \"1.6\"",
            ))
        }
    }
    Ok(())
}

/// `developer` and `established_in` from a component's manufacturer.
fn manufacturer(out: &mut Imported, name: &str, file: &SourceFile, c: &J, id: &str) {
    let line = |span: Span| file.line_of(span.start);
    if let Some((m, mspan)) = member(c, "manufacturer") {
        if let Some(who) = string(m, "name").map(str::trim).filter(|s| !s.is_empty()) {
            out.fact("developer", &[id, who], line(mspan), "manufacturer.name");
            if let Some((addr, aspan)) = member(m, "address") {
                if let Some(cc) = string(addr, "country").map(str::trim) {
                    match country(cc) {
                        Some(code) => out.fact(
                            "established_in",
                            &[who, &code],
                            line(aspan),
                            "manufacturer.address.country",
                        ),
                        None => out.note(
                            name,
                            line(aspan),
                            "manufacturer.address.country",
                            format!("not mapped: `{cc}` is not an ISO 3166-1 alpha-2 code"),
                        ),
                    }
                }
            }
        }
    }
}

/// `free_open_source_licence` when every licence listed qualifies; whether it did.
fn licence(out: &mut Imported, name: &str, file: &SourceFile, c: &J, id: &str) -> bool {
    let line = |span: Span| file.line_of(span.start);
    match member(c, "licenses") {
        Some((lic, lspan)) => match licences_qualify(lic) {
            Ok(true) => {
                out.fact("free_open_source_licence", &[id], line(lspan), "licenses");
                true
            }
            Ok(false) => {
                out.note(
                    name,
                    line(lspan),
                    "licenses",
                    "not mapped: not every licence listed meets Art. 53(2) (docs/import.md §5)",
                );
                false
            }
            Err(e) => {
                out.note(name, line(lspan), "licenses", format!("not mapped: {e}"));
                false
            }
        },
        None => false,
    }
}

/// The `lexproof:` properties a BOM may carry (public weights, architecture, usage information, the
/// kind of modification).
fn properties(out: &mut Imported, name: &str, file: &SourceFile, c: &J, id: &str) {
    let line = |span: Span| file.line_of(span.start);
    for (p, pspan) in items(member(c, "properties")) {
        let (Some(k), Some(v)) = (string(p, "name"), string(p, "value")) else {
            continue;
        };
        let rel = match k {
            "lexproof:weights_public" => "weights_public",
            "lexproof:architecture_public" => "architecture_public",
            "lexproof:usage_information_public" => "usage_information_public",
            "lexproof:modification_kind" => {
                const KINDS: [&str; 6] = [
                    "fine_tune",
                    "adapter",
                    "merge",
                    "quantisation",
                    "distillation",
                    "continued_training",
                ];
                match KINDS.iter().find(|x| **x == v.trim()) {
                    Some(kind) => out.fact("modification_kind", &[id, kind], line(*pspan), k),
                    None => out.note(
                        name,
                        line(*pspan),
                        k,
                        format!("not mapped: `{v}` is not one of {}", KINDS.join(", ")),
                    ),
                }
                continue;
            }
            _ => continue,
        };
        if v.trim() == "true" {
            out.fact(rel, &[id], line(*pspan), k);
        } else {
            out.note(
                name,
                line(*pspan),
                k,
                "not mapped: only the value \"true\" states it",
            );
        }
    }
}

/// Whether every entry of a `licenses` array qualifies (an id, a name equal to an id, or an
/// SPDX expression).
fn licences_qualify(lic: &J) -> Result<bool, String> {
    let J::Arr(entries) = lic else {
        return Err("`licenses` is not an array".into());
    };
    if entries.is_empty() {
        return Ok(false);
    }
    for (e, _) in entries {
        let ok = if let Some(expr) = string(e, "expression") {
            licence::expression_qualifies(expr)
                .map_err(|m| format!("the licence expression `{expr}` does not parse: {m}"))?
        } else if let Some((l, _)) = member(e, "license") {
            string(l, "id")
                .or_else(|| string(l, "name"))
                .is_some_and(licence::qualifies)
        } else {
            false
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn percent_escapes_decode_and_anything_else_stays() {
        assert_eq!(percent_decode("/a%20b/%C3%A9.dl"), "/a b/é.dl");
        assert_eq!(percent_decode("100%"), "100%");
        // A `%` before a multi-byte character is kept as it is (no slicing inside the character).
        assert_eq!(percent_decode("%aé"), "%aé");
    }

    #[test]
    fn hugging_face_purls_give_an_id_only_when_they_can_name_a_model() {
        use super::hf_purl_id;
        assert_eq!(
            hf_purl_id("acme/m%C3%A9@v1?x=1").as_deref(),
            Some("acme/mé")
        );
        assert_eq!(hf_purl_id("distilgpt2@abc").as_deref(), Some("distilgpt2"));
        for odd in [
            "",
            "@v1",
            "acme/",
            "/m",
            "acme//m",
            "a/b/c",
            "acme/a%2Fb",
            "acme/%00m",
            "acme/%20",
        ] {
            assert_eq!(hf_purl_id(odd), None, "{odd}");
        }
    }
}
