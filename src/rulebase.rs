//! The rulebase compiled into this binary: its text (for showing rule source and its digest), its
//! checked form (for metadata and proofs), and the generated crepe program.

use lexproof_lang::{Checked, SourceFile};
use sha2::{Digest, Sha256};

#[allow(unused_variables, unused_parens, unused_imports, clippy::all)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/rulebase.rs"));
}

pub const RULES_TEXT: &str = include_str!(concat!(env!("OUT_DIR"), "/rules.dl"));
pub const RULES_NAME: &str = include_str!(concat!(env!("OUT_DIR"), "/rules_name.txt"));

/// A checked rulebase with its source.
pub struct Rulebase {
    pub file: SourceFile,
    pub checked: Checked,
    pub sha256: String,
}

impl Rulebase {
    /// The compiled-in rulebase. build.rs accepted this exact text with this exact checker, so it
    /// cannot fail here; if it ever did, the binary itself is broken.
    pub fn compiled() -> Rulebase {
        let file = SourceFile::new(RULES_NAME, RULES_TEXT);
        let (checked, _) =
            lexproof_lang::load_rules(&file).expect("build.rs checked this rulebase");
        assert_eq!(
            checked.rules.len(),
            generated::RULES,
            "generated program out of date"
        );
        assert_eq!(
            checked.relations.len(),
            generated::RELATIONS,
            "generated program out of date"
        );
        Rulebase {
            sha256: sha256_hex(RULES_TEXT.as_bytes()),
            file,
            checked,
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
