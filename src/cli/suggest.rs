//! "Did you mean": values of the facts and rules nearest to a misspelt one.

use lexproof::db::Database;
use lexproof::reason::query;
use lexproof::reason::suggest::{nearest_value, Place};

/// An atom naming a value that no fact or rule mentions cannot hold; say which and suggest a spelling.
pub fn unknown_value_message(db: &Database, p: &query::Pattern, atom: &str) -> String {
    let file = lexproof_lang::SourceFile::new("atom", atom);
    let mut out = format!("{atom} does not hold: ");
    if let Ok(a) = lexproof_lang::parser::parse_atom(&file) {
        for (col, (arg, term)) in p.args.iter().zip(&a.args).enumerate() {
            if let (query::Arg::Unknown, lexproof_lang::ast::Term::Str(s, _)) = (arg, term) {
                out.push_str(&format!(
                    "\"{s}\" appears in no fact and in no rule, so nothing is known about it."
                ));
                if let Some(best) = nearest_value(db, s, Place::Field { rel: p.rel, col }) {
                    out.push_str(&format!("\n  hint: did you mean \"{best}\"?"));
                }
                break;
            }
        }
    }
    out.push('\n');
    out
}
