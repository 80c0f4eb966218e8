//! "Did you mean": values of the facts and rules nearest to a misspelt one.

use lexproof::db::Database;
use lexproof::reason::query;

/// An atom naming a value that no fact or rule mentions cannot hold; say which and suggest a spelling.
pub fn unknown_value_message(db: &Database, p: &query::Pattern, atom: &str) -> String {
    let file = lexproof_lang::SourceFile::new("atom", atom);
    let mut out = format!("{atom} does not hold: ");
    if let Ok(a) = lexproof_lang::parser::parse_atom(&file) {
        for (arg, term) in p.args.iter().zip(&a.args) {
            if let (query::Arg::Unknown, lexproof_lang::ast::Term::Str(s, _)) = (arg, term) {
                out.push_str(&format!(
                    "\"{s}\" appears in no fact and in no rule, so nothing is known about it."
                ));
                if let Some(best) = nearest_symbol(db, s) {
                    out.push_str(&format!("\n  hint: did you mean \"{best}\"?"));
                }
                break;
            }
        }
    }
    out.push('\n');
    out
}

/// The symbol of the facts and rules nearest to `s` in spelling or case (`"Aurora-M"` for
/// `"aurora-m"`), for "did you mean".
pub fn nearest_symbol(db: &Database, s: &str) -> Option<String> {
    let known = || {
        (0..db.interner.len() as u32).map(|i| db.interner.resolve(lexproof::data::value::Sym(i)))
    };
    if let Some(same) = known().find(|k| k.eq_ignore_ascii_case(s)) {
        return Some(same.to_string());
    }
    lexproof_lang::check::suggest(s, known())
}
