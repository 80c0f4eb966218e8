//! `--param NAME=VALUE`: a run with another value for one of the rules' parameters (declared with
//! `.param`). The value replaces the rules file's fact for that run on either engine (both read
//! the rules' facts at run time), its origin is the pseudo-file `--param NAME=VALUE`, so proofs
//! say which value applied; `{NAME}` in `@says` lines then reads the value used.

use super::{FactSet, Origin};
use crate::data::store::Table;
use crate::data::value::{Date, Interner, Value};
use lexproof_lang::ast::Type;
use lexproof_lang::check::{fill_placeholders, readable_const, suggest, Const};
use lexproof_lang::Checked;

/// The pseudo-file a `--param` value comes from starts so: proofs show it, and reports find the
/// changed parameters by it (`FactSet::changed_parameters`).
pub const ORIGIN_PREFIX: &str = "--param ";

/// Splits `NAME=VALUE`.
pub fn parse_option(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((n, v)) if !n.trim().is_empty() && !v.trim().is_empty() => {
            Ok((n.trim().to_string(), v.trim().to_string()))
        }
        _ => Err(format!(
            "lexproof: error[bad_param]: --param {text:?} is not NAME=VALUE\n  hint: e.g. --param art51_threshold=1e24; `lexproof vocab` lists the parameters\n"
        )),
    }
}

/// Each parameter with dated values (`.param name = value from "date"`) takes the latest one in
/// force on the assessment date (every one, when the run has none: then every dated fact counts);
/// its origin is that line of the rules file, so a proof says which value applied.
pub fn in_force(program: &Checked, facts: &mut FactSet, interner: &mut Interner) {
    let as_of = facts.as_of.date();
    for rel in (0..program.relations.len()).filter(|&r| program.relations[r].param) {
        let chosen = program
            .facts
            .iter()
            .filter(|f| f.rel == rel)
            .filter_map(|f| f.in_force_from.as_ref().map(|(day, _)| (*day, f)))
            .filter(|(day, _)| as_of.is_none_or(|d| *day <= d.0))
            .max_by_key(|(day, _)| *day);
        let Some((_, f)) = chosen else {
            continue;
        };
        let file = match facts.files.iter().position(|n| *n == f.file) {
            Some(i) => i as u32,
            None => {
                facts.files.push(f.file.clone());
                facts.digests.push(None);
                (facts.files.len() - 1) as u32
            }
        };
        let r = &program.relations[rel];
        let mut t = Table::new(&r.types());
        t.push_row(&[super::const_value(&f.values[0], interner)]);
        facts.tables[rel] = t;
        facts.origins[rel] = vec![Origin {
            file,
            line: f.line as u32,
        }];
    }
}

/// Replaces each named parameter's value in `facts`; an unknown name or a value of the wrong type
/// is an error naming the option.
pub fn apply(
    program: &Checked,
    facts: &mut FactSet,
    interner: &mut Interner,
    overrides: &[(String, String)],
) -> Result<(), String> {
    for (i, (name, text)) in overrides.iter().enumerate() {
        if let Some((_, first)) = overrides[..i].iter().find(|(n, _)| n == name) {
            return Err(format!(
                "lexproof: error[param_repeated]: --param {name} is given twice ({first} and {text})\n  hint: give each parameter once\n"
            ));
        }
        let Some(rel) = program
            .relation(name)
            .filter(|&r| program.relations[r].param)
        else {
            let params: Vec<&str> = program.parameters().collect();
            let hint = match suggest(name, params.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if params.is_empty() => "these rules declare no parameters".to_string(),
                None => format!("the parameters are {}", params.join(", ")),
            };
            return Err(format!(
                "lexproof: error[unknown_parameter]: --param {name}={text}: these rules have no parameter `{name}`\n  hint: {hint}\n"
            ));
        };
        let r = &program.relations[rel];
        let ty = r.fields[0].1;
        let bad = |what: &str| {
            format!(
                "lexproof: error[bad_param]: --param {name}={text}: `{name}` is a {what}, and {text:?} is not one\n  hint: {}\n",
                match ty {
                    Type::Number => "write a whole number, e.g. 1e24 or 3000000",
                    Type::Date => "write a date as YYYY-MM-DD",
                    Type::Symbol => "write one of the values its type lists",
                }
            )
        };
        let value = match ty {
            Type::Number => {
                let n = lexproof_lang::number::parse_number(text).map_err(|_| bad("number"))?;
                let declared = program.facts.iter().find_map(|f| match f.values.first() {
                    Some(Const::Num(d)) if f.rel == rel && f.in_force_from.is_none() => Some(*d),
                    _ => None,
                });
                if declared.is_some_and(|d| d > 0) && n <= 0 {
                    return Err(format!(
                        "lexproof: error[bad_param]: --param {name}={text}: `{name}` is a positive number in the rules ({}), and {text} is not positive\n  hint: a threshold, a ratio or a period cannot be zero or negative; give a positive value\n",
                        declared.unwrap_or_default()
                    ));
                }
                Value::Num(n)
            }
            Type::Date => Value::Date(Date(
                lexproof_lang::number::parse_date(text).ok_or_else(|| bad("date"))?,
            )),
            Type::Symbol => {
                if let Some(e) = r.enums[0] {
                    if !program.enums[e].values.iter().any(|v| v == text) {
                        return Err(bad(&format!("value of `{}`", program.enums[e].name)));
                    }
                }
                Value::Sym(interner.intern(text))
            }
        };
        let file = facts.files.len() as u32;
        facts.files.push(format!("{ORIGIN_PREFIX}{name}={text}"));
        facts.digests.push(None);
        let mut t = Table::new(&[ty]);
        t.push_row(&[value]);
        facts.tables[rel] = t;
        facts.origins[rel] = vec![Origin { file, line: 1 }];
    }
    Ok(())
}

/// Each rule's `@says` (and `@ambiguous`) with `{name}` replaced by the value parameter `name` has in this run.
pub fn interpolate_says(program: &mut Checked, facts: &FactSet, interner: &Interner) {
    let values: Vec<(String, String)> = program
        .relations
        .iter()
        .enumerate()
        .filter(|(_, r)| r.param)
        .filter_map(|(i, r)| {
            let t = &facts.tables[i];
            (t.len() == 1).then(|| (r.name.clone(), readable(interner, &t.get(0, 0))))
        })
        .collect();
    for rule in &mut program.rules {
        if let Some(template) = &rule.says_template {
            rule.says = fill_placeholders(template, &values);
        }
        if let Some(template) = &rule.ambiguous_template {
            rule.ambiguous = Some(fill_placeholders(template, &values));
        }
    }
}

fn readable(interner: &Interner, v: &Value) -> String {
    readable_const(&match v {
        Value::Num(n) => Const::Num(*n),
        Value::Sym(s) => Const::Sym(interner.resolve(*s).to_string()),
        Value::Date(d) => Const::Date(d.0),
    })
}
