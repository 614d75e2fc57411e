//! Effective permissions of a role defined in a template.
//!
//! Effective = AWS managed policies known to the tool + inline `Policies` +
//! `AWS::IAM::Policy` / `AWS::IAM::ManagedPolicy` / `AWS::IAM::RolePolicy` resources that
//! attach to the role, minus explicit `Deny`, intersected with `PermissionsBoundary`.

use super::managed::{self, ManagedArn};
use super::{decide, statements_of, Decision, Origin, Statement};
use crate::source::Span;
use crate::template::eval::{Evaluator, Value};
use crate::template::model::Resource;

/// A managed policy attached to a role, as written in the template.
#[derive(Debug, Clone)]
pub struct AttachedPolicy {
    /// The AWS managed policy name, when the ARN is an AWS one.
    pub aws_name: Option<String>,
    pub span: Span,
    pub when: Vec<(String, bool)>,
}

#[derive(Debug, Default)]
pub struct Permissions {
    pub statements: Vec<Statement>,
    /// Policies attached whose content is unknown (customer ARNs, parameters, …).
    pub unknown_sources: Vec<String>,
    pub attached: Vec<AttachedPolicy>,
    /// Boundary statements, and whether part of the boundary is unknown.
    pub boundary: Option<(Vec<Statement>, bool)>,
}

impl Permissions {
    /// Whether the role may perform `action` on every resource.
    pub fn decide(&self, action: &str) -> Decision {
        let identity = decide(&self.statements, action, !self.unknown_sources.is_empty());
        match (&self.boundary, identity) {
            (_, d @ (Decision::Denied(_) | Decision::NotAllowed)) => d,
            (None, d) => d,
            (Some((boundary, unknown)), d) => match (decide(boundary, action, *unknown), d) {
                (Decision::Allowed, d) => d,
                (Decision::Unknown, _) | (_, Decision::Unknown) => Decision::Unknown,
                // The boundary does not allow it: the action is removed.
                _ => Decision::NotAllowed,
            },
        }
    }

    /// Whether the boundary (and not the identity policies) is what removes `action`.
    pub fn boundary_removes(&self, action: &str) -> bool {
        let identity = decide(&self.statements, action, !self.unknown_sources.is_empty());
        identity == Decision::Allowed && self.decide(action) == Decision::NotAllowed
    }
}

/// Collects everything that grants or denies permissions to `role`.
pub fn role_permissions<'a>(eval: &Evaluator<'a>, role: &Resource<'a>) -> Permissions {
    let template = eval.template();
    let mut perms = Permissions::default();
    let origin = Origin::Template {
        resource: role.id.to_string(),
    };

    for item in eval.items_opt(role.property("ManagedPolicyArns")) {
        attach_managed(eval, &item.value, item.node.span, &item.when, &mut perms);
    }
    for policy in eval.items_opt(role.property("Policies")) {
        let doc = eval.field(&policy, "PolicyDocument");
        for d in doc {
            add_document(eval, d.node, &origin, &mut perms);
        }
    }
    let role_name = role
        .property("RoleName")
        .and_then(|n| n.as_str())
        .map(str::to_string);
    // Policy resources that name this role (by Ref or by its literal RoleName).
    for resource in &template.resources {
        let (list_key, single_key) = match resource.type_name {
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => ("Roles", None),
            "AWS::IAM::RolePolicy" => ("", Some("RoleName")),
            _ => continue,
        };
        let targets = match single_key {
            Some(key) => eval.eval_opt(resource.property(key)),
            None => eval.items_opt(resource.property(list_key)),
        };
        let names_role = targets.iter().any(|t| match &t.value {
            Value::Ref(r) => r.id == role.id && r.attribute.is_none(),
            Value::Str(s) => role_name.as_deref() == Some(s.as_ref()),
            _ => false,
        });
        if names_role {
            let origin = Origin::Template {
                resource: resource.id.to_string(),
            };
            if let Some(doc) = resource.property("PolicyDocument") {
                add_document(eval, doc, &origin, &mut perms);
            }
        }
    }
    if let Some(boundary) = role.property("PermissionsBoundary") {
        let mut inner = Permissions::default();
        for b in eval.eval(boundary) {
            attach_managed(eval, &b.value, b.node.span, &b.when, &mut inner);
        }
        perms.boundary = Some((inner.statements, !inner.unknown_sources.is_empty()));
    }
    perms
}

fn add_document<'a>(
    eval: &Evaluator<'a>,
    doc: &'a crate::template::Node,
    origin: &Origin,
    perms: &mut Permissions,
) {
    let (statements, unknown) = statements_of(eval, doc, origin);
    perms.statements.extend(statements);
    if unknown {
        perms
            .unknown_sources
            .push(format!("a policy of `{}`", origin_name(origin)));
    }
}

fn origin_name(origin: &Origin) -> &str {
    match origin {
        Origin::Template { resource } => resource,
        Origin::Managed { name } => name,
    }
}

fn attach_managed<'a>(
    eval: &Evaluator<'a>,
    value: &Value<'a>,
    span: Span,
    when: &[(&'a str, bool)],
    perms: &mut Permissions,
) {
    let when: Vec<(String, bool)> = when.iter().map(|(c, b)| (c.to_string(), *b)).collect();
    match value {
        Value::Str(arn) => match managed::classify_arn(arn) {
            ManagedArn::Aws(name) => {
                match managed::lookup(&name) {
                    Some(policy) => perms.statements.extend(policy.statements.iter().map(|s| {
                        let mut s = s.clone();
                        s.when.clone_from(&when);
                        s
                    })),
                    None => perms
                        .unknown_sources
                        .push(format!("AWS managed policy {name}")),
                }
                perms.attached.push(AttachedPolicy {
                    aws_name: Some(name),
                    span,
                    when,
                });
            }
            _ => perms.unknown_sources.push(arn.to_string()),
        },
        // A customer managed policy defined in this template.
        Value::Ref(r) if r.attribute.is_none() => match eval.template().resource(r.id) {
            Some(res) if res.type_name == "AWS::IAM::ManagedPolicy" => {
                if let Some(doc) = res.property("PolicyDocument") {
                    let origin = Origin::Template {
                        resource: res.id.to_string(),
                    };
                    add_document(eval, doc, &origin, perms);
                }
            }
            _ => perms.unknown_sources.push(r.id.to_string()),
        },
        Value::NoValue | Value::Null => {}
        _ => perms
            .unknown_sources
            .push("a policy ARN that cannot be evaluated".into()),
    }
}
