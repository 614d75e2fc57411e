use super::{CORE_POLICY_ARN, REACHABLE};
use crate::diagnostic::emit::Snippet;
use crate::policy::effective::denier_label;
use crate::rules::{qualifiers, Context, Finding, Fix, Rule, RuleInfo};
use crate::semantic::identity::{Compute, CoreAccess, InstanceRole};
use crate::template::model::Resource;
use crate::template::{scenario, When};

crate::declare_rule! {
    /// ## What it does
    /// Reports an instance role whose effective permissions do not allow the Session
    /// Manager core actions `ssm:UpdateInstanceInformation`,
    /// `ssmmessages:CreateControlChannel`, `ssmmessages:CreateDataChannel`,
    /// `ssmmessages:OpenControlChannel` and `ssmmessages:OpenDataChannel`.
    ///
    /// Instance roles are the roles of the template's instance profiles and the roles a
    /// launcher names directly (an EKS node group's `NodeRole`). Each is reported once,
    /// naming every compute resource that runs with it (instance, launch template or
    /// configuration, EKS node group, Batch compute environment, Spot Fleet, Elastic
    /// Beanstalk environment, EMR cluster, Image Builder infrastructure configuration —
    /// Image Builder itself drives the build through Systems Manager); a role whose
    /// profile nothing in the template uses is still checked, and said to be unused.
    ///
    /// Effective permissions are the attached AWS managed policies (every one of the
    /// embedded data, in any partition, at its own path: `service-role/` and the like),
    /// inline `Policies`, and `AWS::IAM::Policy`,
    /// `AWS::IAM::ManagedPolicy` and `AWS::IAM::RolePolicy` resources attached to the
    /// role, minus explicit `Deny`, intersected with the `PermissionsBoundary`. Wildcards
    /// and `NotAction` count. A policy the tool cannot read (a customer managed ARN, a
    /// parameter, an import) is taken to possibly grant, never to deny: when the
    /// policies it can read allow the actions, it does not matter; when they do not,
    /// SSM106 names it instead ("could not verify policy `X`"), since an unknown alone
    /// is never reported as a violation.
    ///
    /// ## Why is this bad?
    /// Without these actions the agent cannot register the instance or open the
    /// control and data channels a session runs over, so Session Manager cannot connect.
    ///
    /// ## Example
    /// ```yaml
    /// SsmRole:
    ///   Type: AWS::IAM::Role
    ///   Properties:
    ///     AssumeRolePolicyDocument: { ... }
    ///     ManagedPolicyArns:
    ///       - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// SsmRole:
    ///   Type: AWS::IAM::Role
    ///   Properties:
    ///     AssumeRolePolicyDocument: { ... }
    ///     ManagedPolicyArns:
    ///       - arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess
    ///       - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html>
    /// - <https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html>
    pub struct RoleLacksSsmPermissions {
        code: "SSM103",
        name: "role-lacks-ssm-permissions",
        category: IdentityChain,
        severity: Error,
        summary: "The instance role does not allow the Session Manager core actions.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html",
        fix: Sometimes,
    }
}

impl Rule for RoleLacksSsmPermissions {
    fn uses_aws_data(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for instance_role in &cx.model.chains().instance_roles {
            // Statements under `Fn::If`: each combination of their conditions is decided;
            // the combinations with the same gap are reported once, naming only the
            // conditions that make a difference.
            let access = instance_role.core_access();
            let gap = |a: &CoreAccess<'_>| (a.missing(), a.deniers(), a.boundary_removed.clone());
            let mut reported: Vec<usize> = Vec::new();
            for (i, a) in access.iter().enumerate() {
                if a.missing().is_empty()
                    || reported
                        .iter()
                        .any(|&r| access.get(r).is_some_and(|b| gap(b) == gap(a)))
                {
                    continue;
                }
                reported.push(i);
                let alike: Vec<When<'_>> = access
                    .iter()
                    .filter(|b| gap(b) == gap(a))
                    .map(|b| b.scenario.clone())
                    .collect();
                for when in scenario::combine(&alike) {
                    out.push(self.finding(cx, instance_role, &when, a));
                }
            }
        }
    }
}

impl RoleLacksSsmPermissions {
    fn finding(
        &self,
        cx: &Context<'_>,
        instance_role: &InstanceRole<'_>,
        when: &When<'_>,
        access: &CoreAccess<'_>,
    ) -> Finding {
        let role = instance_role.role;
        let users = cx.model.chains().users_of_role(instance_role);
        let of = users_phrase(&users, &instance_role.profiles);
        let perms = &instance_role.permissions;
        let span = ["ManagedPolicyArns", "Policies"]
            .iter()
            .find_map(|k| role.property_entry(k))
            .map_or(role.id_span, |e| e.key_span);
        let mut finding = Finding::new(
            self.meta(),
            span,
            format!(
                "role `{}`{of} does not allow {}{}: the SSM Agent cannot register or open a session",
                role.id,
                access.missing().join(", "),
                qualifiers(when, role.condition, &[])
            ),
        )
        .label(if span == role.id_span {
            "no policy grants the Session Manager actions"
        } else {
            "these policies do not grant the Session Manager actions"
        })
        .resource(role.id)
        .help(format!(
            "attach the AWS managed policy for Systems Manager instances:\n\n{}",
            super::core_policy_arns(cx.style())
        ));
        if access.deniers().is_empty() && access.boundary_removed.is_empty() {
            finding = finding.fix(fix(cx, role));
        }
        for i in access.deniers() {
            if let Some((span, text)) = perms.entry(i).and_then(denier_label) {
                finding = finding.with_label(span, text);
            }
        }
        if !access.boundary_removed.is_empty() {
            if let Some(b) = role.property_entry("PermissionsBoundary") {
                finding = finding.with_label(
                    b.value.span,
                    format!(
                        "the permissions boundary removes {}",
                        access.boundary_removed.join(", ")
                    ),
                );
            }
        }
        for profile in &instance_role.profiles {
            finding = finding.with_label(
                profile.id_span,
                format!("instance profile `{}` uses this role", profile.id),
            );
        }
        let mut labelled = Vec::new();
        for user in &users {
            if !labelled.contains(&user.resource.id) {
                labelled.push(user.resource.id);
                finding = finding.with_label(
                    user.resource.id_span,
                    format!("{} runs with this role", user.subject()),
                );
            }
        }
        finding
    }
}

/// Attaches AmazonSSMManagedInstanceCore: appended to `ManagedPolicyArns`, or the
/// property added. Not when the role names the policy already (under a condition, say)
/// or its list is not written as one. Unsafe: the role gets more permissions.
fn fix(cx: &Context<'_>, role: &Resource<'_>) -> Option<Fix> {
    let text = cx
        .source
        .text
        .get(role.node.span.start()..role.node.span.end())?;
    if text.contains("AmazonSSMManagedInstanceCore") {
        return None;
    }
    let props = role.properties?;
    let core = Snippet::sub(CORE_POLICY_ARN);
    let editor = cx.editor();
    let edit = match props.get("ManagedPolicyArns") {
        Some(list) => editor.append_item(list, &core)?,
        None => editor.ensure(props, &["ManagedPolicyArns"], Snippet::Seq(vec![core]))?,
    };
    Some(
        Fix::unsafe_(
            "attach AmazonSSMManagedInstanceCore to the role",
            vec![edit],
        )
        .revealing(REACHABLE),
    )
}

/// " of instance `App` and EKS node group `Nodes`", or, for a role no launch uses,
/// " of instance profile `P`, not used by a resource in this template,".
fn users_phrase(users: &[&Compute<'_>], profiles: &[&Resource<'_>]) -> String {
    let mut names: Vec<String> = Vec::new();
    for user in users {
        let name = format!("{} `{}`", user.kind(), user.resource.id);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.is_empty() {
        return match profiles {
            [] => String::new(),
            [one] => format!(
                " of instance profile `{}`, not used by a resource in this template,",
                one.id
            ),
            many => format!(
                " of instance profiles {}, not used by a resource in this template,",
                many.iter()
                    .map(|p| format!("`{}`", p.id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
    }
    const SHOWN: usize = 3;
    let more = names.len().saturating_sub(SHOWN);
    names.truncate(SHOWN);
    let mut text = match names.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    if more > 0 {
        text = format!("{} and {more} more", names.join(", "));
    }
    format!(" of {text}")
}
