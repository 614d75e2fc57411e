//! ssmlint: checks that the EC2 instances of a CloudFormation template can be reached by
//! AWS Systems Manager Session Manager, and that this access is locked down and audited.
//!
//! The library never prints and never exits: [`lint::lint_source`] turns one file into a
//! [`lint::FileReport`], and the `report` module renders reports.

pub mod aws_data;
pub mod cli;
pub mod config;
pub mod discover;
pub mod guard;
pub mod lint;
pub mod policy;
pub mod report;
pub mod rules;
pub mod source;
pub mod suppress;
pub mod template;
pub mod text;

pub use lint::{lint_source, FileReport, LintOptions};
pub use rules::{Finding, Severity};
pub use source::SourceFile;
