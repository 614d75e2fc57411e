use crate::diagnostic::emit::Snippet;
use crate::policy::effective::UnknownSource;
use crate::policy::{Decision, SESSION_MANAGER_CORE_ACTIONS};
use crate::rules::{label_defaults, qualifiers, Context, Finding, Rule, RuleInfo};
use crate::semantic::identity::{InstanceRole, Link};

crate::declare_rule! {
    /// ## What it does
    /// Notes a compute resource whose instance profile, or a profile whose role, comes
    /// from outside the template: a parameter without default, `Fn::ImportValue`, or a
    /// literal name or ARN that no resource of the template defines. The same for a role
    /// a launcher names directly (an EKS node group's `NodeRole`), and for a Cloud9
    /// environment with `ConnectionType: CONNECT_SSM`, whose instance runs with
    /// `AWSCloud9SSMInstanceProfile`, made outside the template.
    ///
    /// Also notes each policy of an instance role that ssmlint cannot read (a customer
    /// managed policy ARN, a parameter, an import, an AWS managed policy ARN that the
    /// embedded data does not have) when it decides SSM103: "could not verify policy
    /// `X`". Such a policy is taken to possibly grant, never to deny, so it matters only
    /// when the policies ssmlint can read do not allow the Session Manager core actions;
    /// a permissions boundary ssmlint cannot read matters when they do (it may remove
    /// them).
    ///
    /// ## Why is this bad?
    /// It is not necessarily wrong, but the chain instance → profile → role →
    /// permissions cannot be verified here, so ssmlint cannot tell whether Session
    /// Manager will reach the instance. Lint the template that defines the profile too.
    ///
    /// ## Example
    /// ```yaml
    /// Parameters:
    ///   InstanceProfileName:
    ///     Type: String
    /// Resources:
    ///   WebServer:
    ///     Type: AWS::EC2::Instance
    ///     Properties:
    ///       IamInstanceProfile: !Ref InstanceProfileName
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// # Define the profile in this template, or lint the stack that exports it:
    /// IamInstanceProfile: !Ref SsmProfile
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html>
    pub struct ExternalInstanceProfile {
        code: "SSM106",
        name: "external-instance-profile",
        category: IdentityChain,
        severity: Info,
        summary: "The instance profile, its role or one of the role's policies comes from outside the template and cannot be verified here.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html",
    }
}

impl Rule for ExternalInstanceProfile {
    fn uses_aws_data(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let chains = cx.model.chains();
        for compute in &chains.computes {
            let resource = compute.resource;
            for link in &compute.links {
                let Link::External(from) = &link.target else {
                    continue;
                };
                let finding = Finding::new(
                    self.meta(),
                    link.span,
                    format!(
                        "the instance profile of {} comes from {from}{}: its role and permissions cannot be verified here",
                        subject(compute),
                        qualifiers(&link.when, resource.condition, &link.defaults)
                    ),
                )
                .label("defined outside this template")
                .resource(resource.id)
                .help(if compute.launch.launcher.type_name == crate::semantic::launchers::CLOUD9 {
                    "Cloud9 uses the account's AWSCloud9SSMInstanceProfile (created with the first CONNECT_SSM environment, or by you): make sure its role AWSCloud9SSMAccessRole has AmazonSSMManagedInstanceCore"
                } else {
                    "lint the template that defines the profile as well, or define the profile in this template"
                });
                out.push(label_defaults(finding, cx.template(), &link.defaults));
            }
        }
        // A role from outside: named directly (an EKS node group's `NodeRole`), or by an
        // instance profile of the template.
        let direct = chains.computes.iter().flat_map(|c| {
            c.roles
                .iter()
                .map(move |l| (l, c.subject(), c.resource.id, c.resource.condition))
        });
        let of_profiles = chains.profiles.iter().flat_map(|p| {
            p.roles.iter().map(move |l| {
                let subject = format!("instance profile `{}`", p.profile.id);
                (l, subject, p.profile.id, p.profile.condition)
            })
        });
        for (link, subject, id, condition) in direct.chain(of_profiles) {
            let Link::External(from) = &link.target else {
                continue;
            };
            out.push(
                Finding::new(
                    self.meta(),
                    link.span,
                    format!(
                        "the role of {subject} comes from {from}{}: its permissions cannot be verified here",
                        qualifiers(&link.when, condition, &[])
                    ),
                )
                .label("defined outside this template")
                .resource(id)
                .help("lint the template that defines the role as well, or define the role in this template"),
            );
        }
        for instance_role in &chains.instance_roles {
            for (source, boundary, actions) in unverified(instance_role) {
                out.push(self.unverified_finding(cx, instance_role, source, boundary, &actions));
            }
        }
    }
}

/// The policies of the role ssmlint cannot read that decide whether it allows the core
/// actions, each once, with the actions that rest on it (over every scenario).
fn unverified<'r, 'a>(
    instance_role: &'r InstanceRole<'a>,
) -> Vec<(&'r UnknownSource<'a>, bool, Vec<&'static str>)> {
    let perms = &instance_role.permissions;
    let mut out: Vec<(&UnknownSource<'a>, bool, Vec<&'static str>)> = Vec::new();
    for access in instance_role.core_access() {
        for (action, decision) in &access.decisions {
            if *decision != Decision::Unknown {
                continue;
            }
            let Some(found) = perms.unverified(action, &access.scenario) else {
                continue;
            };
            for source in found.sources {
                match out.iter_mut().find(|(s, _, _)| std::ptr::eq(*s, source)) {
                    Some((_, _, actions)) => {
                        if !actions.contains(action) {
                            actions.push(action);
                        }
                    }
                    None => out.push((source, found.boundary, vec![*action])),
                }
            }
        }
    }
    out
}

impl ExternalInstanceProfile {
    fn unverified_finding(
        &self,
        cx: &Context<'_>,
        instance_role: &InstanceRole<'_>,
        source: &UnknownSource<'_>,
        boundary: bool,
        actions: &[&str],
    ) -> Finding {
        let role = instance_role.role;
        let qualifiers = qualifiers(&source.when, role.condition, &[]);
        let all = actions.len() == SESSION_MANAGER_CORE_ACTIONS.len();
        let actions = match (all, boundary) {
            (true, true) => "them".to_string(),
            (true, false) => "the Session Manager actions".to_string(),
            _ => actions.join(", "),
        };
        let (message, label, help) = if boundary {
            (
                format!(
                    "could not verify permissions boundary {} of role `{}`{qualifiers}: the role's policies allow the Session Manager actions, but the boundary may remove {actions}",
                    source.describe(),
                    role.id,
                ),
                "could not verify this boundary",
                "lint the template that defines the boundary as well, and make sure it allows ssm:UpdateInstanceInformation and ssmmessages:*".to_string(),
            )
        } else {
            (
                format!(
                    "could not verify policy {} of role `{}`{qualifiers}: the policies ssmlint can read do not allow {actions}, so whether the SSM Agent can reach Session Manager rests on this one",
                    source.describe(),
                    role.id,
                ),
                "could not verify this policy",
                match &source.did_you_mean {
                    Some(arn) => format!(
                        "no AWS managed policy has this ARN, so CloudFormation cannot attach it; the policy's ARN is:\n\n{}",
                        cx.style().show(&Snippet::Seq(vec![Snippet::str(arn)]))
                    ),
                    None => format!(
                        "lint the template that defines the policy as well, or attach the AWS managed policy that grants the Session Manager actions:\n\n{}",
                        super::core_policy_arns(cx.style())
                    ),
                },
            )
        };
        let mut finding = Finding::new(self.meta(), source.span, message)
            .label(label)
            .resource(role.id)
            .help(help);
        for profile in &instance_role.profiles {
            finding = finding.with_label(
                profile.id_span,
                format!("instance profile `{}` uses role `{}`", profile.id, role.id),
            );
        }
        finding
    }
}

/// "`App`" for the EC2 kinds (as before launchers), the launcher named otherwise.
fn subject(compute: &crate::semantic::identity::Compute<'_>) -> String {
    match compute.launch.launcher.type_name {
        crate::semantic::launchers::INSTANCE
        | crate::semantic::launchers::LAUNCH_TEMPLATE
        | crate::semantic::launchers::LAUNCH_CONFIGURATION => format!("`{}`", compute.resource.id),
        _ => compute.subject(),
    }
}
