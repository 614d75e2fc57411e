//! ssmlint: checks that the EC2 instances of a CloudFormation template can be reached by
//! AWS Systems Manager Session Manager, and that this access is locked down and audited.
//!
//! Layers, each using only those below it:
//!
//! - [`cli`]: arguments, reports to stdout and files, the exit code;
//! - [`report`]: human, JSON, SARIF, GitHub and JUnit renderings of file reports;
//! - [`engine`]: one file or many, options, suppressions, input discovery, config;
//! - [`guard`]: rules written in the Guard DSL, a second source of rules;
//! - [`rules`]: one file per rule, reading the semantic model;
//! - [`semantic`]: identity chains, ingress, network paths, logging, access — built once
//!   per file;
//! - [`policy`]: IAM documents and their evaluation;
//! - [`template`]: the CloudFormation model and intrinsic evaluation;
//! - [`syntax`]: spanned YAML and JSON;
//! - [`diagnostic`]: findings, severities, rule metadata, snippets;
//! - [`aws_data`]: every AWS managed policy and IAM action, embedded;
//! - [`base`]: spans, source files, a three-valued truth.
//!
//! The library never prints and never exits: [`engine::lint_source`] turns one file into
//! a [`engine::FileReport`], and the `report` module renders reports.

// Data from the input never makes ssmlint panic: slices and indices go through `get`,
// or through an `allow` that names the invariant that bounds them.
#![cfg_attr(not(test), warn(clippy::string_slice, clippy::indexing_slicing))]

pub mod aws_data;
pub mod base;
pub mod cli;
pub mod diagnostic;
pub mod engine;
pub mod guard;
pub mod policy;
pub mod report;
pub mod rules;
pub mod semantic;
pub mod syntax;
pub mod template;

pub use base::SourceFile;
pub use diagnostic::{Finding, Severity};
pub use engine::{lint_source, FileReport, LintOptions};
