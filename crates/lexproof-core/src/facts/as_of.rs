//! The assessment date a run answers for: `--as-of` overrides the `assessment_date` facts; two
//! different dates in the facts are an error naming both, since every "as of" conclusion would
//! silently depend on which one a rule happened to join with.

use super::{FactSet, Origin};
use crate::data::store::Table;
use crate::data::value::{Date, Value};
use lexproof_lang::number::format_date;
use lexproof_lang::Checked;

/// The relation that carries the assessment date, when the rulebase has one.
pub const RELATION: &str = "assessment_date";

/// Where the date a run assessed as of came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AsOf {
    /// `--as-of DATE`.
    Option(Date),
    /// An `assessment_date` fact, at this origin.
    Fact(Date, Origin),
    /// Neither: every dated fact counts, and nothing can be overdue.
    Unset,
    /// The rulebase has no `assessment_date(date)` relation, so the question does not arise.
    NotApplicable,
}

impl AsOf {
    pub fn date(&self) -> Option<Date> {
        match self {
            AsOf::Option(d) | AsOf::Fact(d, _) => Some(*d),
            AsOf::Unset | AsOf::NotApplicable => None,
        }
    }

    /// One line for the run summary and reports: `2026-11-28 (from --as-of)`.
    pub fn describe(&self, files: &[String]) -> Option<String> {
        match self {
            AsOf::Option(d) => Some(format!("{} (from --as-of)", format_date(d.0))),
            AsOf::Fact(d, o) => Some(format!(
                "{} (from the assessment_date fact at {}:{})",
                format_date(d.0),
                files[o.file as usize],
                o.line
            )),
            AsOf::Unset => Some(
                "none: no --as-of and no assessment_date fact, so every dated fact counts and nothing is reported overdue"
                    .to_string(),
            ),
            AsOf::NotApplicable => None,
        }
    }
}

/// Settles the assessment date of `facts`: with `option`, the facts' dates are replaced by it (its
/// origin is the pseudo-file `--as-of`); without, at most one distinct date may be given.
pub fn settle(
    program: &Checked,
    facts: &mut FactSet,
    option: Option<Date>,
) -> Result<AsOf, String> {
    let Some(rel) = program.relations.iter().position(|r| {
        r.name == RELATION && r.fields.len() == 1 && r.fields[0].1 == lexproof_lang::ast::Type::Date
    }) else {
        return Ok(AsOf::NotApplicable);
    };
    if let Some(d) = option {
        let file = facts.files.len() as u32;
        facts.files.push("--as-of".to_string());
        facts.digests.push(None);
        let mut t = Table::new(&[lexproof_lang::ast::Type::Date]);
        t.push_row(&[Value::Date(d)]);
        facts.tables[rel] = t;
        let origin = Origin { file, line: 1 };
        facts.origins[rel] = vec![origin];
        return Ok(AsOf::Option(d));
    }
    let table = &facts.tables[rel];
    let origins = &facts.origins[rel];
    match table.len() {
        0 => Ok(AsOf::Unset),
        1 => match table.get(0, 0) {
            Value::Date(d) => Ok(AsOf::Fact(d, origins[0])),
            _ => Ok(AsOf::Unset),
        },
        _ => {
            let at = |i: usize| {
                let o = origins[i];
                let date = match table.get(i, 0) {
                    Value::Date(d) => format_date(d.0),
                    other => format!("{other:?}"),
                };
                (format!("{}:{}", facts.files[o.file as usize], o.line), date)
            };
            let (first_at, first) = at(0);
            let (second_at, second) = at(1);
            Err(format!(
                "{first_at}:1: error[conflicting_assessment_date]: two different assessment dates: {first} here and {second} at {second_at}\n  hint: keep one assessment_date fact, or pass --as-of DATE to choose the date for this run (it overrides the facts)\n"
            ))
        }
    }
}

/// Reads `--as-of`'s value: an ISO calendar date.
pub fn parse_option(text: &str) -> Result<Date, String> {
    lexproof_lang::number::parse_date(text.trim())
        .map(Date)
        .ok_or_else(|| {
            format!(
                "lexproof: error[bad_date]: --as-of {text:?} is not a calendar date\n  hint: write it as YYYY-MM-DD, e.g. --as-of 2026-11-28\n"
            )
        })
}
