//! The bottom layer: source text and spans, a three-valued truth, text helpers.
//! Everything else builds on these; nothing here knows about templates or rules.

pub mod io;
pub mod paths;
pub mod source;
pub mod text;
pub mod tri;

pub use source::{CharToByte, LineCol, SourceFile, Span};
pub use tri::Tri;

/// A short, lower-case reason for an I/O error.
pub fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::NotFound => "no such file or directory".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::IsADirectory => "is a directory".to_string(),
        _ => err.to_string(),
    }
}
