//! Everything written for people or programs: derive/query formats (`render`), proofs (`explain`),
//! why-not answers, timelines, the compliance report, the shared HTML page, and safe file writing.

pub mod diff;
pub mod explain;
pub mod html;
pub mod outfile;
pub mod render;
pub mod report;
pub mod timeline;
pub mod whynot;
