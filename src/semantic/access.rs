//! The identity and trust policies a template (or a standalone policy file) defines,
//! read once for the SSM4xx access rules; the human principals and the AWS managed
//! policies they attach.

use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

use super::{Input, PolicyFile};
use crate::base::{Span, Tri};
use crate::policy::managed::{self, ArnLookup};
use crate::policy::{statements_of, wildcard_match, Documents, Effect, Origin, Statement};
use crate::syntax::Node;
use crate::template::eval::Evaluator;
use crate::template::model::{Resource, Template};
use crate::template::When;

/// Resource types whose `PolicyDocument` is an identity policy.
const POLICY_RESOURCES: &[&str] = &[
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::GroupPolicy",
];
const PRINCIPALS: &[&str] = &["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"];

/// A statement and the resource of the template that holds it (none in a policy file).
pub struct Located<'a> {
    pub holder: Option<&'a Resource<'a>>,
    /// Shared with the effective permissions that hold it too.
    pub statement: Rc<Statement<'a>>,
}

/// Every statement of every identity policy written in the template or the file, read
/// through `documents` (shared with the effective permissions of the principals).
pub fn identity_statements<'a>(
    input: Input<'a>,
    eval: &Evaluator<'a>,
    documents: &Documents<'a>,
) -> Vec<Located<'a>> {
    let mut out = Vec::new();
    let template = match input {
        Input::Template(template) => template,
        Input::Policy(PolicyFile {
            document,
            has_principal: false,
        }) => {
            push_document(eval, None, document, &mut out);
            return out;
        }
        Input::Policy(_) | Input::SessionDocument(_) => return out,
    };
    let mut push = |holder: &'a Resource<'a>, document: &'a Node| {
        let origin = Origin::Template {
            resource: holder.id.into(),
        };
        let read = documents.statements_under(eval, document, &When::new(), &origin);
        out.extend(read.statements.iter().map(|statement| Located {
            holder: Some(holder),
            statement: Rc::clone(statement),
        }));
    };
    for resource in &template.resources {
        if PRINCIPALS.contains(&resource.type_name) {
            for policy in eval.items_opt(resource.property("Policies")) {
                for doc in eval.field(&policy, "PolicyDocument") {
                    push(resource, doc.node);
                }
            }
        } else if POLICY_RESOURCES.contains(&resource.type_name) {
            if let Some(doc) = resource.property("PolicyDocument") {
                push(resource, doc);
            }
        }
    }
    out
}

/// Resource types with a resource-based policy, and the property that holds it.
const RESOURCE_POLICIES: &[(&str, &str)] = &[
    ("AWS::ApiGateway::RestApi", "Policy"),
    ("AWS::Backup::BackupVault", "AccessPolicy"),
    ("AWS::CodeArtifact::Domain", "PermissionsPolicyDocument"),
    ("AWS::CodeArtifact::Repository", "PermissionsPolicyDocument"),
    ("AWS::EC2::VPCEndpoint", "PolicyDocument"),
    ("AWS::ECR::RegistryPolicy", "PolicyText"),
    ("AWS::ECR::Repository", "RepositoryPolicyText"),
    ("AWS::EFS::FileSystem", "FileSystemPolicy"),
    ("AWS::Elasticsearch::Domain", "AccessPolicies"),
    ("AWS::KMS::Key", "KeyPolicy"),
    ("AWS::KMS::ReplicaKey", "KeyPolicy"),
    ("AWS::Logs::ResourcePolicy", "PolicyDocument"),
    ("AWS::OpenSearchService::Domain", "AccessPolicies"),
    ("AWS::S3::AccessPoint", "Policy"),
    ("AWS::S3::BucketPolicy", "PolicyDocument"),
    ("AWS::S3::MultiRegionAccessPointPolicy", "Policy"),
    ("AWS::SecretsManager::ResourcePolicy", "ResourcePolicy"),
    ("AWS::SNS::TopicPolicy", "PolicyDocument"),
    ("AWS::SQS::QueuePolicy", "PolicyDocument"),
    ("AWS::SSO::PermissionSet", "InlinePolicy"),
];

/// Every statement of every resource-based policy of the template (bucket, queue, topic
/// and key policies, VPC endpoint policies, ...): read for the action names only
/// (SSM403).
pub fn resource_statements<'a>(input: Input<'a>, eval: &Evaluator<'a>) -> Vec<Located<'a>> {
    let mut out = Vec::new();
    let Input::Template(template) = input else {
        return out;
    };
    for resource in &template.resources {
        let Some((_, property)) = RESOURCE_POLICIES
            .iter()
            .find(|(t, _)| *t == resource.type_name)
        else {
            continue;
        };
        if let Some(doc) = resource.property(property) {
            push_document(eval, Some(resource), doc, &mut out);
        }
    }
    out
}

/// Every statement of every trust policy: roles' `AssumeRolePolicyDocument`, or a
/// standalone policy file whose statements name a principal.
pub fn trust_statements<'a>(input: Input<'a>, eval: &Evaluator<'a>) -> Vec<Located<'a>> {
    let mut out = Vec::new();
    let template = match input {
        Input::Template(template) => template,
        Input::Policy(PolicyFile {
            document,
            has_principal: true,
        }) => {
            push_document(eval, None, document, &mut out);
            return out;
        }
        Input::Policy(_) | Input::SessionDocument(_) => return out,
    };
    for role in &template.resources {
        if role.type_name == "AWS::IAM::Role" {
            if let Some(doc) = role.property("AssumeRolePolicyDocument") {
                push_document(eval, Some(role), doc, &mut out);
            }
        }
    }
    out
}

fn push_document<'a>(
    eval: &Evaluator<'a>,
    holder: Option<&'a Resource<'a>>,
    document: &'a Node,
    out: &mut Vec<Located<'a>>,
) {
    let origin = Origin::Template {
        resource: holder.map_or_else(crate::syntax::Text::default, |r| r.id.into()),
    };
    let (statements, _) = statements_of(eval, document, &origin);
    out.extend(statements.into_iter().map(|statement| Located {
        holder,
        statement: Rc::new(statement),
    }));
}

/// Whether the statement's resources take in every EC2 instance (`*`,
/// `arn:aws:ec2:*:*:instance/*`, `arn:aws:ec2:us-east-1:111122223333:instance/*`).
pub fn covers_every_instance(st: &Statement) -> Tri {
    if st.not_resource {
        return st
            .covers_resource("arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0");
    }
    let every = st.resources.known.iter().any(|pattern| {
        if pattern == "*" {
            return true;
        }
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        match parts.as_slice() {
            [_, _, service, _, _, resource] => {
                wildcard_match(service, "ec2")
                    && wildcard_match(resource, "instance/i-0123456789abcdef0")
                    && wildcard_match(resource, "instance/i-0fedcba9876543210")
            }
            _ => false,
        }
    });
    if every {
        Tri::Yes
    } else if st.resources.unknown {
        Tri::Unknown
    } else {
        Tri::No
    }
}

/// Whether a condition of the statement restricts it by resource tag.
pub fn scoped_by_tag(st: &Statement) -> bool {
    st.condition_keys().iter().any(|k| {
        let k = k.to_ascii_lowercase();
        k.contains("ssm:resourcetag/") || k.contains("aws:resourcetag/")
    })
}

/// The kind of a human principal, for messages: `user`, `group` or `role`.
pub fn principal_kind(resource: &Resource<'_>) -> &'static str {
    match resource.type_name {
        "AWS::IAM::User" => "user",
        "AWS::IAM::Group" => "group",
        _ => "role",
    }
}

/// The principals of the template that people use: users, groups, and roles whose trust
/// policy lets an AWS account, role or user, or a federated identity, assume them (a
/// role trusted only by services is not a human principal). In template order.
pub fn human_principals<'a>(
    template: Option<&'a Template<'a>>,
    trust: &[Located<'a>],
) -> Vec<&'a Resource<'a>> {
    let Some(template) = template else {
        return Vec::new();
    };
    let assumable: HashSet<&str> = trust
        .iter()
        .filter(|l| {
            let st = &l.statement;
            st.effect == Effect::Allow
                && !st.not_principal()
                && (st.principal_anyone()
                    || !st.aws_principals().known.is_empty()
                    || !st.federated().known.is_empty())
        })
        .filter_map(|l| l.holder.map(|r| r.id))
        .collect();
    template
        .resources
        .iter()
        .filter(|r| match r.type_name {
            "AWS::IAM::User" | "AWS::IAM::Group" => true,
            "AWS::IAM::Role" => assumable.contains(r.id),
            _ => false,
        })
        .collect()
}

/// An AWS managed policy attached to a human principal by its own `ManagedPolicyArns`.
pub struct ManagedGrant<'a> {
    pub holder: &'a Resource<'a>,
    /// The policy name, `AdministratorAccess`.
    pub name: &'static str,
    /// The ARN in the template.
    pub span: Span,
    pub when: When<'a>,
    pub statements: Arc<[Statement<'static>]>,
}

/// The AWS managed policies of the embedded data that human principals attach
/// themselves (a user's group policies are the group's).
pub fn human_managed_policies<'a>(
    eval: &Evaluator<'a>,
    humans: &[&'a Resource<'a>],
) -> Vec<ManagedGrant<'a>> {
    let mut out = Vec::new();
    for &holder in humans {
        for item in eval.items_opt(holder.property("ManagedPolicyArns")) {
            let Some(arn) = item.value.as_str() else {
                continue;
            };
            if let ArnLookup::Known(policy) = managed::lookup_arn(arn) {
                out.push(ManagedGrant {
                    holder,
                    name: policy.name,
                    span: item.node.span,
                    when: item.when.clone(),
                    statements: managed::statements(&policy),
                });
            }
        }
    }
    out
}
