//! The rules.dl front end shared by `build.rs` and the `lexproof` binary: one parser and one checker, so
//! a rulebase is accepted or rejected with the same diagnostics whether it is compiled in or checked at
//! run time.

pub mod ast;
pub mod build_script;
pub mod check;
pub mod codegen;
pub mod diag;
pub mod infer;
pub mod lexer;
pub mod number;
pub mod parser;
pub mod plan;
pub mod source;

pub use check::{check_program, Checked};
pub use diag::{Diagnostic, Severity};
pub use source::SourceFile;

/// Parses and checks a rules file: the single entry point for every consumer.
pub fn load_rules(file: &SourceFile) -> Result<(Checked, Vec<Diagnostic>), Vec<Diagnostic>> {
    let (program, mut diags) = parser::parse_program(file);
    if diags.is_empty()
        && program.decls.is_empty()
        && program.clauses.is_empty()
        && program.enums.is_empty()
    {
        // Almost certainly the wrong file: running it would derive nothing, silently.
        diags.push(
            Diagnostic::error("empty_rules", source::Span::new(0, 0), "the rules file declares nothing and has no rules")
                .label("empty")
                .hint("check the path given to --rules or LEXPROOF_RULES; a rules file needs at least one declaration, fact or rule"),
        );
    }
    let (mut checked, check_diags) = check_program(&program, file);
    plan::order_rules(&mut checked);
    diags.extend(check_diags);
    if diags.iter().any(|d| d.severity == Severity::Error) {
        diags.sort_by_key(|d| (d.span.start, d.span.end));
        Err(diags)
    } else {
        Ok((checked, diags))
    }
}
