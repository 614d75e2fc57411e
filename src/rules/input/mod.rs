//! Rules on the input itself (SSM0xx), whose findings the engine and the suppressions emit.

pub mod ssm000_parse_error;
pub mod ssm001_unsupported_document;
pub mod ssm002_unused_suppression;
