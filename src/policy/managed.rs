//! The AWS managed policies the engine knows, shipped as data in
//! `rules/aws-managed-policies/` and embedded in the binary.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{statements_of, Origin, Statement};
use crate::syntax::{Node, NodeKind};
use crate::template::eval::Evaluator;

/// `(file name, contents)` of every shipped managed policy.
const SOURCES: &[(&str, &str)] = &[
    (
        "AdministratorAccess",
        include_str!("../../rules/aws-managed-policies/AdministratorAccess.json"),
    ),
    (
        "AmazonEC2ContainerRegistryReadOnly",
        include_str!("../../rules/aws-managed-policies/AmazonEC2ContainerRegistryReadOnly.json"),
    ),
    (
        "AmazonEC2ContainerServiceforEC2Role",
        include_str!("../../rules/aws-managed-policies/AmazonEC2ContainerServiceforEC2Role.json"),
    ),
    (
        "AmazonEC2RoleforSSM",
        include_str!("../../rules/aws-managed-policies/AmazonEC2RoleforSSM.json"),
    ),
    (
        "AmazonEKSWorkerNodePolicy",
        include_str!("../../rules/aws-managed-policies/AmazonEKSWorkerNodePolicy.json"),
    ),
    (
        "AmazonS3FullAccess",
        include_str!("../../rules/aws-managed-policies/AmazonS3FullAccess.json"),
    ),
    (
        "AmazonSSMDirectoryServiceAccess",
        include_str!("../../rules/aws-managed-policies/AmazonSSMDirectoryServiceAccess.json"),
    ),
    (
        "AmazonSSMFullAccess",
        include_str!("../../rules/aws-managed-policies/AmazonSSMFullAccess.json"),
    ),
    (
        "AmazonSSMManagedEC2InstanceDefaultPolicy",
        include_str!(
            "../../rules/aws-managed-policies/AmazonSSMManagedEC2InstanceDefaultPolicy.json"
        ),
    ),
    (
        "AmazonSSMManagedInstanceCore",
        include_str!("../../rules/aws-managed-policies/AmazonSSMManagedInstanceCore.json"),
    ),
    (
        "AmazonSSMPatchAssociation",
        include_str!("../../rules/aws-managed-policies/AmazonSSMPatchAssociation.json"),
    ),
    (
        "AmazonSSMReadOnlyAccess",
        include_str!("../../rules/aws-managed-policies/AmazonSSMReadOnlyAccess.json"),
    ),
    (
        "CloudWatchAgentServerPolicy",
        include_str!("../../rules/aws-managed-policies/CloudWatchAgentServerPolicy.json"),
    ),
    (
        "CloudWatchLogsFullAccess",
        include_str!("../../rules/aws-managed-policies/CloudWatchLogsFullAccess.json"),
    ),
    (
        "EC2InstanceProfileForImageBuilder",
        include_str!("../../rules/aws-managed-policies/EC2InstanceProfileForImageBuilder.json"),
    ),
    (
        "PowerUserAccess",
        include_str!("../../rules/aws-managed-policies/PowerUserAccess.json"),
    ),
];

#[derive(Debug)]
pub struct ManagedPolicy {
    pub name: String,
    pub version: String,
    pub deprecated: bool,
    pub statements: Vec<Statement<'static>>,
}

fn registry() -> &'static HashMap<String, ManagedPolicy> {
    static REGISTRY: OnceLock<HashMap<String, ManagedPolicy>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut map = HashMap::new();
        for (file, text) in SOURCES {
            // Shipped data is checked by a test; a broken file is skipped, never a panic.
            let Ok(root) = crate::syntax::json::parse(text) else {
                continue;
            };
            let name = root
                .get("name")
                .and_then(Node::as_str)
                .unwrap_or(file)
                .to_string();
            let Some(document) = root.get("document") else {
                continue;
            };
            let origin = Origin::Managed { name: name.clone() };
            let (statements, _) = statements_of_plain(document, &origin);
            map.insert(
                name.to_ascii_lowercase(),
                ManagedPolicy {
                    version: root
                        .get("version")
                        .and_then(Node::as_str)
                        .unwrap_or("")
                        .to_string(),
                    deprecated: matches!(
                        root.get("deprecated").map(|n| &n.kind),
                        Some(NodeKind::Bool(true))
                    ),
                    statements,
                    name,
                },
            );
        }
        map
    })
}

/// The known AWS managed policy called `name` (case-insensitive).
pub fn lookup(name: &str) -> Option<&'static ManagedPolicy> {
    registry().get(&name.to_ascii_lowercase())
}

/// Names of all known managed policies.
pub fn known_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = registry().values().map(|p| p.name.as_str()).collect();
    names.sort_unstable();
    names
}

/// What a `ManagedPolicyArns` entry names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManagedArn {
    /// `arn:<partition>:iam::aws:policy/[path/]Name` — an AWS managed policy.
    Aws(String),
    /// A customer managed policy (another account id), unknown to the tool.
    Customer,
    NotAnArn,
}

/// Classifies an ARN string, accepting every partition and any path.
pub fn classify_arn(arn: &str) -> ManagedArn {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(rest)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return ManagedArn::NotAnArn;
    };
    if !partition.starts_with("aws") {
        return ManagedArn::NotAnArn;
    }
    let Some(path) = rest.strip_prefix("policy/") else {
        return ManagedArn::NotAnArn;
    };
    if account == "aws" {
        let name = path.rsplit('/').next().unwrap_or(path);
        ManagedArn::Aws(name.to_string())
    } else {
        ManagedArn::Customer
    }
}

/// Statements of a document that holds no intrinsics (managed policies, JSON strings).
pub fn statements_of_plain(document: &Node, origin: &Origin) -> (Vec<Statement<'static>>, bool) {
    let (statements, unknown) = statements_of(&Evaluator::plain(), document, origin);
    (
        statements.into_iter().map(Statement::detach).collect(),
        unknown,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_in_every_partition_and_path() {
        assert_eq!(
            classify_arn("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"),
            ManagedArn::Aws("AmazonSSMManagedInstanceCore".into())
        );
        assert_eq!(
            classify_arn("arn:aws-cn:iam::aws:policy/service-role/AmazonEC2RoleforSSM"),
            ManagedArn::Aws("AmazonEC2RoleforSSM".into())
        );
        assert_eq!(
            classify_arn("arn:aws:iam::123456789012:policy/Mine"),
            ManagedArn::Customer
        );
        assert_eq!(
            classify_arn("AmazonSSMManagedInstanceCore"),
            ManagedArn::NotAnArn
        );
    }
}

#[cfg(test)]
mod data_tests {
    use super::*;

    #[test]
    fn every_shipped_policy_parses_with_statements() {
        for (file, text) in SOURCES {
            let root = crate::syntax::json::parse(text)
                .unwrap_or_else(|e| panic!("{file}: {}", e.message));
            let name = root.get("name").and_then(Node::as_str);
            assert_eq!(name, Some(*file), "{file}: name must match the file name");
            let policy = lookup(file).unwrap_or_else(|| panic!("{file} not registered"));
            assert!(!policy.statements.is_empty(), "{file}: no statements");
        }
        assert_eq!(known_names().len(), SOURCES.len());
    }

    #[test]
    fn core_policy_allows_session_manager_actions() {
        let core = lookup("AmazonSSMManagedInstanceCore").map(|p| &p.statements);
        let core = core.map(Vec::as_slice).unwrap_or_default();
        for action in [
            "ssm:UpdateInstanceInformation",
            "ssmmessages:OpenDataChannel",
        ] {
            assert_eq!(
                super::super::decide(core, action, false),
                super::super::Decision::Allowed
            );
        }
        assert!(lookup("AmazonEC2RoleforSSM").is_some_and(|p| p.deprecated));
    }
}
