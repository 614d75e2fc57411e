//! AWS managed policies as statements, from the embedded data ([`crate::aws_data`]):
//! every policy of every partition and path, AdministratorAccess and PowerUserAccess
//! included (kept by hand next to the data).
//!
//! A policy's document is parsed into statements once per process, on first use, and the
//! statements are shared (`Arc`) by every principal that attaches the policy: a template
//! with thousands of roles attaching `AmazonSSMManagedInstanceCore` holds its statements
//! once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::{statements_of_plain, Origin, Statement};
use crate::aws_data::{self, ManagedPolicy};

/// What a `ManagedPolicyArns` (or `PermissionsBoundary`) string names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnLookup {
    /// An AWS managed policy of the embedded data.
    Known(ManagedPolicy),
    /// An AWS managed policy ARN (account `aws`) that names no policy of the data: the
    /// name is unknown, or the path is not the policy's own.
    UnknownAws {
        name: String,
        /// The ARN of the policy of that name, when the path is what is wrong.
        did_you_mean: Option<String>,
    },
    /// A customer managed policy (an account number).
    Customer,
    /// Not the ARN of a managed policy at all.
    NotAPolicyArn,
}

/// Classifies an ARN string: every partition, the policy's own path.
pub fn lookup_arn(arn: &str) -> ArnLookup {
    if let Some(policy) = aws_data::managed_policy_by_arn(arn) {
        return ArnLookup::Known(policy);
    }
    if let Some(parsed) = aws_data::parse_policy_arn(arn) {
        let did_you_mean = aws_data::managed_policy(parsed.name)
            .or_else(|| aws_data::managed_policy_ignore_case(parsed.name))
            .and_then(|p| p.arn(parsed.partition));
        return ArnLookup::UnknownAws {
            name: parsed.name.to_string(),
            did_you_mean,
        };
    }
    match aws_data::iam_arn_parts(arn) {
        Some((_, _, resource)) if resource.starts_with("policy/") => ArnLookup::Customer,
        _ => ArnLookup::NotAPolicyArn,
    }
}

/// A policy's statements, shared by every principal that attaches it.
pub type Shared = Arc<[Statement<'static>]>;

/// The statements of an AWS managed policy, parsed on first use and shared. The
/// statements carry no spans (they point into no file of the user's) and no `Fn::If`
/// branches: the attachment brings those.
pub fn statements(policy: &ManagedPolicy) -> Arc<[Statement<'static>]> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, Shared>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    // A panic elsewhere while the lock was held leaves a map that is still sound.
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    Arc::clone(
        map.entry(policy.name)
            .or_insert_with(|| parse(policy.name, policy.document)),
    )
}

/// The statements of the managed policy called exactly `name`, if the data has it.
pub fn statements_by_name(name: &str) -> Option<Arc<[Statement<'static>]>> {
    aws_data::managed_policy(name).map(|p| statements(&p))
}

fn parse(name: &str, document: &str) -> Arc<[Statement<'static>]> {
    // The embedded documents are checked by a test; a broken one reads as no statements,
    // never a panic.
    let Ok(root) = crate::syntax::json::parse(document) else {
        return Arc::from(Vec::new());
    };
    let origin = Origin::Managed { name: name.into() };
    let (statements, _) = statements_of_plain(&root, &origin);
    statements
        .into_iter()
        .map(Statement::without_spans)
        .collect::<Vec<_>>()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{decide, Decision, SESSION_MANAGER_CORE_ACTIONS};

    #[test]
    fn arns_in_every_partition_and_path() {
        for arn in [
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
            "arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore",
            "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ] {
            assert!(
                matches!(lookup_arn(arn), ArnLookup::Known(p) if p.name == "AmazonSSMManagedInstanceCore"),
                "{arn}"
            );
        }
        assert!(matches!(
            lookup_arn("arn:aws-cn:iam::aws:policy/service-role/AmazonEC2RoleforSSM"),
            ArnLookup::Known(p) if p.path == "/service-role/"
        ));
        assert_eq!(
            lookup_arn("arn:aws:iam::aws:policy/AmazonEC2RoleforSSM"),
            ArnLookup::UnknownAws {
                name: "AmazonEC2RoleforSSM".into(),
                did_you_mean: Some(
                    "arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM".into()
                )
            }
        );
        assert_eq!(
            lookup_arn("arn:aws-cn:iam::aws:policy/amazonssmmanagedinstancecore"),
            ArnLookup::UnknownAws {
                name: "amazonssmmanagedinstancecore".into(),
                did_you_mean: Some(
                    "arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore".into()
                )
            }
        );
        assert_eq!(
            lookup_arn("arn:aws:iam::aws:policy/NoSuchPolicy"),
            ArnLookup::UnknownAws {
                name: "NoSuchPolicy".into(),
                did_you_mean: None
            }
        );
        assert_eq!(
            lookup_arn("arn:aws:iam::123456789012:policy/Mine"),
            ArnLookup::Customer
        );
        assert_eq!(
            lookup_arn("arn:aws:iam::123456789012:policy/team/Mine"),
            ArnLookup::Customer
        );
        assert_eq!(
            lookup_arn("AmazonSSMManagedInstanceCore"),
            ArnLookup::NotAPolicyArn
        );
    }

    #[test]
    fn statements_are_parsed_once_and_shared() {
        let core = statements_by_name("AmazonSSMManagedInstanceCore").unwrap();
        let again = statements_by_name("AmazonSSMManagedInstanceCore").unwrap();
        assert!(Arc::ptr_eq(&core, &again));
        assert!(core.iter().all(|s| s.span.is_none()
            && s.action_span.is_none()
            && s.when.is_empty()
            && s.origin
                == Origin::Managed {
                    name: "AmazonSSMManagedInstanceCore".into()
                }));
        for action in SESSION_MANAGER_CORE_ACTIONS {
            assert_eq!(decide(&core, action, false), Decision::Allowed, "{action}");
        }
        let admin = statements_by_name("AdministratorAccess").unwrap();
        assert_eq!(decide(&admin, "iam:CreateUser", false), Decision::Allowed);
        let power = statements_by_name("PowerUserAccess").unwrap();
        assert_eq!(decide(&power, "ssm:StartSession", false), Decision::Allowed);
        assert_eq!(
            decide(&power, "iam:CreateUser", false),
            Decision::NotAllowed
        );
    }

    /// Every managed policy of the embedded data parses into statements that the engine
    /// can decide on.
    #[test]
    fn every_managed_policy_parses_and_evaluates() {
        let mut count = 0;
        let mut allow_core = Vec::new();
        for policy in aws_data::managed_policies() {
            let statements = statements(&policy);
            assert!(!statements.is_empty(), "{}: no statements", policy.name);
            for st in statements.iter() {
                assert!(
                    !st.actions.known.is_empty() && !st.actions.unknown,
                    "{}: a statement without readable actions",
                    policy.name
                );
            }
            // A fixed question, decided without a panic; the answer is one of the four.
            let d = decide(&statements, "ssm:UpdateInstanceInformation", false);
            if SESSION_MANAGER_CORE_ACTIONS
                .iter()
                .all(|a| decide(&statements, a, false) == Decision::Allowed)
            {
                allow_core.push(policy.name);
            }
            assert!(matches!(
                d,
                Decision::Allowed | Decision::NotAllowed | Decision::Unknown | Decision::Denied(_)
            ));
            count += 1;
        }
        assert_eq!(count, 1641 + 2);
        for name in [
            "AdministratorAccess",
            "PowerUserAccess",
            "AmazonSSMManagedInstanceCore",
            "AmazonSSMManagedEC2InstanceDefaultPolicy",
            "AmazonEC2RoleforSSM",
        ] {
            assert!(allow_core.contains(&name), "{name}: {allow_core:?}");
        }
        for name in [
            "ReadOnlyAccess",
            "AmazonSSMReadOnlyAccess",
            "AmazonEKS_CNI_Policy",
        ] {
            assert!(!allow_core.contains(&name), "{name}");
        }
    }
}
