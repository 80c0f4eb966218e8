//! Which declared licences meet Art. 53(2)'s free and open-source conditions (Recital 102;
//! Guidelines §4.2.1): access, use, modification and redistribution for anyone, conditions limited
//! to credit and same or comparable terms. The importer reads identifiers, never licence texts, so
//! only the families reviewed in docs/import.md §5 qualify; everything else gives no fact.

/// Identifiers (lower case) whose terms meet the conditions.
const QUALIFYING: &[&str] = &[
    // Permissive: notice and credit only.
    "apache-2.0",
    "mit",
    "mit-0",
    "0bsd",
    "bsd-2-clause",
    "bsd-3-clause",
    "bsd-3-clause-clear",
    "isc",
    "zlib",
    "bsl-1.0",
    "postgresql",
    "ncsa",
    // Public-domain dedications.
    "unlicense",
    "cc0-1.0",
    "pddl-1.0",
    "pddl",
    // Credit, and share-alike (comparable terms).
    "cc-by-2.0",
    "cc-by-2.5",
    "cc-by-3.0",
    "cc-by-4.0",
    "cc-by-sa-3.0",
    "cc-by-sa-4.0",
    // Copyleft: same terms.
    "gpl-2.0",
    "gpl-2.0-only",
    "gpl-2.0-or-later",
    "gpl-3.0",
    "gpl-3.0-only",
    "gpl-3.0-or-later",
    "lgpl-2.1",
    "lgpl-2.1-only",
    "lgpl-2.1-or-later",
    "lgpl-3.0",
    "lgpl-3.0-only",
    "lgpl-3.0-or-later",
    "agpl-3.0",
    "agpl-3.0-only",
    "agpl-3.0-or-later",
    "mpl-2.0",
    "epl-1.0",
    "epl-2.0",
    "eupl-1.1",
    "eupl-1.2",
    "osl-3.0",
    "afl-3.0",
    "artistic-2.0",
    "ecl-2.0",
    "ms-pl",
    // Permissive terms written for data or model materials.
    "cdla-permissive-1.0",
    "cdla-permissive-2.0",
    "openmdw-1.0",
    "openmdw-1.1",
];

/// Why a licence known not to qualify fails, for the importer's notice.
pub fn why_not(id: &str) -> &'static str {
    let id = id.to_ascii_lowercase();
    let id = id.as_str();
    if id.starts_with("cc-by-nc") {
        "non-commercial use only (Guidelines §4.2.1)"
    } else if id.starts_with("cc-by-nd") {
        "modified versions may not be shared (Art. 53(2))"
    } else if id.starts_with("llama") {
        "a separate licence above a user threshold and a use policy (Guidelines §4.2.1)"
    } else if id == "gemma" {
        "a changeable prohibited-use policy and a reserved right to restrict use (Guidelines §4.2.1)"
    } else if id.contains("openrail") || id.contains("rail") {
        "binding use restrictions: only a reading of them can tell whether all are proportionate and safety-oriented (Guidelines §4.2.1); add the fact by hand if they are"
    } else if id == "other" || id == "unknown" || id.starts_with("licenseref-") {
        "custom terms: Art. 53(2) turns on their content; add the fact by hand if they allow access, use, modification and distribution"
    } else if id.contains("research")
        || id.contains("noncommercial")
        || id.contains("non-commercial")
    {
        "research or non-commercial use only (Guidelines §4.2.1)"
    } else {
        "not among the licences reviewed as meeting Art. 53(2) (docs/import.md §5)"
    }
}

/// Whether one identifier qualifies (case aside; a trailing `+` names the same licence).
pub fn qualifies(id: &str) -> bool {
    let id = id.trim().trim_end_matches('+').to_ascii_lowercase();
    QUALIFYING.contains(&id.as_str())
}

/// Whether an SPDX expression qualifies: `OR` needs one qualifying side, `AND` all, `L WITH E` is
/// decided by `L` (exceptions add permissions). `Err` for an expression that does not parse.
pub fn expression_qualifies(expr: &str) -> Result<bool, String> {
    let spaced = expr.replace('(', " ( ").replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut at = 0;
    let v = or_expr(&tokens, &mut at)?;
    if at != tokens.len() {
        return Err(format!("unexpected `{}`", tokens[at]));
    }
    Ok(v)
}

fn or_expr(t: &[&str], at: &mut usize) -> Result<bool, String> {
    let mut v = and_expr(t, at)?;
    while t.get(*at).is_some_and(|s| s.eq_ignore_ascii_case("or")) {
        *at += 1;
        v |= and_expr(t, at)?;
    }
    Ok(v)
}

fn and_expr(t: &[&str], at: &mut usize) -> Result<bool, String> {
    let mut v = with_expr(t, at)?;
    while t.get(*at).is_some_and(|s| s.eq_ignore_ascii_case("and")) {
        *at += 1;
        v &= with_expr(t, at)?;
    }
    Ok(v)
}

fn with_expr(t: &[&str], at: &mut usize) -> Result<bool, String> {
    let v = match t.get(*at) {
        Some(&"(") => {
            *at += 1;
            let v = or_expr(t, at)?;
            if t.get(*at) != Some(&")") {
                return Err("a `(` is not closed".into());
            }
            *at += 1;
            v
        }
        Some(&")") | None => return Err("a licence identifier is missing".into()),
        Some(id) => {
            if ["and", "or", "with"].contains(&id.to_ascii_lowercase().as_str()) {
                return Err(format!("a licence identifier is missing before `{id}`"));
            }
            *at += 1;
            qualifies(id)
        }
    };
    if t.get(*at).is_some_and(|s| s.eq_ignore_ascii_case("with")) {
        *at += 2;
        if *at > t.len() {
            return Err("`WITH` names no exception".into());
        }
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licences_and_expressions() {
        assert!(qualifies("Apache-2.0") && qualifies("apache-2.0") && qualifies("GPL-2.0+"));
        assert!(!qualifies("cc-by-nc-4.0") && !qualifies("llama3.1") && !qualifies("other"));
        assert_eq!(expression_qualifies("MIT OR LicenseRef-x"), Ok(true));
        assert_eq!(expression_qualifies("MIT AND cc-by-nc-4.0"), Ok(false));
        assert_eq!(
            expression_qualifies("(Apache-2.0 WITH LLVM-exception) AND MIT"),
            Ok(true)
        );
        assert!(expression_qualifies("MIT AND").is_err());
        assert!(expression_qualifies("(MIT").is_err());
    }
}
