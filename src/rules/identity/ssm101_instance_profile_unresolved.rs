use crate::base::Span;
use crate::diagnostic::emit::Snippet;
use crate::rules::{
    label_defaults, qualifiers, resource_snippet, Context, Finding, Rule, RuleInfo,
};
use crate::semantic::identity::{Expects, Link, INSTANCE_PROFILE, ROLE};

crate::declare_rule! {
    /// ## What it does
    /// Reports an instance profile reference that does not resolve to an
    /// `AWS::IAM::InstanceProfile` of the template: a role (the classic
    /// `IamInstanceProfile: !Ref MyRole`), a logical id that does not exist, or the wrong
    /// attribute (`!GetAtt Profile.Arn` where an instance wants the profile's name).
    ///
    /// ## Why is this bad?
    /// EC2 attaches instance profiles, not roles. A role name or a profile ARN in
    /// `AWS::EC2::Instance.IamInstanceProfile` fails the deployment or, when a profile
    /// with the role's name happens to exist, silently attaches a different identity.
    ///
    /// ## Example
    /// ```yaml
    /// WebServer:
    ///   Type: AWS::EC2::Instance
    ///   Properties:
    ///     IamInstanceProfile: !Ref SsmRole   # a role, not a profile
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// SsmProfile:
    ///   Type: AWS::IAM::InstanceProfile
    ///   Properties:
    ///     Roles: [!Ref SsmRole]
    /// WebServer:
    ///   Type: AWS::EC2::Instance
    ///   Properties:
    ///     IamInstanceProfile: !Ref SsmProfile
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html#cfn-ec2-instance-iaminstanceprofile>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html>
    pub struct InstanceProfileUnresolved {
        code: "SSM101",
        name: "instance-profile-unresolved",
        category: IdentityChain,
        severity: Error,
        summary: "The instance profile reference does not resolve to an AWS::IAM::InstanceProfile.",
        url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html#cfn-ec2-instance-iaminstanceprofile",
    }
}

impl Rule for InstanceProfileUnresolved {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let template = cx.template();
        for compute in &cx.model.chains().computes {
            let resource = compute.resource;
            for link in &compute.links {
                let quals = qualifiers(&link.when, resource.condition, &link.defaults);
                let finding = match &link.target {
                    Link::Undefined(name) => {
                        let profiles: Vec<&str> = cx
                            .resources_of_type(&[INSTANCE_PROFILE])
                            .map(|p| p.id)
                            .collect();
                        let suggestion = crate::base::text::closest(name, profiles.iter().copied())
                            .or(match profiles.as_slice() {
                                [only] => Some(*only),
                                _ => None,
                            });
                        let mut finding = undefined(self, link.span, name, &quals);
                        if let Some(s) = suggestion {
                            finding = finding.help(format!(
                                "did you mean `{s}`? Refer to it by `Ref`:\n\n{}",
                                profile_ref(cx, s)
                            ));
                        }
                        finding
                    }
                    Link::Wrong {
                        resource: target,
                        attribute,
                    } => {
                        let written = written(target.id, attribute.as_deref());
                        let (message, help) = if target.type_name == INSTANCE_PROFILE {
                            (
                                format!(
                                    "`{written}` does not give what `{}` expects here: {}{quals}",
                                    resource.id,
                                    compute.expects.describe()
                                ),
                                match compute.expects {
                                    Expects::Arn => format!(
                                        "refer to the instance profile's ARN:\n\n{}",
                                        cx.style().show_pair("Arn", &Snippet::get_att(target.id, "Arn"))
                                    ),
                                    _ => format!(
                                        "refer to the instance profile by `Ref`, which gives its name:\n\n{}",
                                        profile_ref(cx, target.id)
                                    ),
                                },
                            )
                        } else {
                            let profile_help = if target.type_name == ROLE {
                                let profile = format!("{}Profile", target.id);
                                let resource = Snippet::map([(
                                    profile.as_str(),
                                    resource_snippet(
                                        INSTANCE_PROFILE,
                                        Snippet::map([(
                                            "Roles",
                                            Snippet::Seq(vec![Snippet::reference(target.id)]),
                                        )]),
                                    ),
                                )]);
                                format!(
                                    "wrap the role in an instance profile:\n\n{}\n\nand refer to that:\n\n{}",
                                    cx.style().show(&resource),
                                    profile_ref(cx, &profile)
                                )
                            } else {
                                format!(
                                    "refer to an AWS::IAM::InstanceProfile:\n\n{}",
                                    profile_ref(cx, "MyProfile")
                                )
                            };
                            (
                                format!(
                                    "`{written}` refers to `{}`, an {}, not an instance profile{quals}",
                                    target.id,
                                    if target.type_name.is_empty() { "untyped resource" } else { target.type_name }
                                ),
                                profile_help,
                            )
                        };
                        Finding::new(self.meta(), link.span, message)
                            .label("not an instance profile reference")
                            .with_label(target.id_span, format!("`{}` is defined here", target.id))
                            .help(help)
                    }
                    _ => continue,
                };
                out.push(label_defaults(
                    finding.resource(resource.id),
                    template,
                    &link.defaults,
                ));
            }
            // A role named directly: EKS makes the instance profile from its ARN.
            for link in &compute.roles {
                let quals = qualifiers(&link.when, resource.condition, &[]);
                let finding = match &link.target {
                    Link::Undefined(name) => undefined(self, link.span, name, &quals),
                    Link::Wrong {
                        resource: target,
                        attribute,
                    } => {
                        let written = written(target.id, attribute.as_deref());
                        let what = if target.type_name == ROLE {
                            "the role's name".to_string()
                        } else {
                            format!("`{}`, an {}", target.id, target.type_name)
                        };
                        Finding::new(
                            self.meta(),
                            link.span,
                            format!(
                                "`{written}` gives {what}, but {} expects a role ARN{quals}",
                                compute.subject()
                            ),
                        )
                        .label("not a role ARN")
                        .with_label(target.id_span, format!("`{}` is defined here", target.id))
                        .help(if target.type_name == ROLE {
                            format!(
                                "refer to the role's ARN:\n\n{}",
                                node_role(cx, target.id)
                            )
                        } else {
                            format!(
                                "refer to the ARN of an AWS::IAM::Role trusted by ec2.amazonaws.com (EKS makes the instance profile):\n\n{}",
                                node_role(cx, "NodeRole")
                            )
                        })
                    }
                    _ => continue,
                };
                out.push(finding.resource(resource.id));
            }
        }
    }
}

/// `IamInstanceProfile: !Ref id`, in the file's style.
fn profile_ref(cx: &Context<'_>, id: &str) -> String {
    cx.style()
        .show_pair("IamInstanceProfile", &Snippet::reference(id))
}

/// `NodeRole: !GetAtt id.Arn`, in the file's style.
fn node_role(cx: &Context<'_>, id: &str) -> String {
    cx.style()
        .show_pair("NodeRole", &Snippet::get_att(id, "Arn"))
}

/// A reference to a logical id the template does not define.
fn undefined(rule: &InstanceProfileUnresolved, at: Span, name: &str, quals: &str) -> Finding {
    Finding::new(
        rule.meta(),
        at,
        format!("`{name}` is not a resource or parameter of this template{quals}"),
    )
    .label("undefined logical id")
}

/// How a reference to `id` is written: `!Ref Id` or `!GetAtt Id.Attribute`.
fn written(id: &str, attribute: Option<&str>) -> String {
    match attribute {
        Some(a) => format!("!GetAtt {id}.{a}"),
        None => format!("!Ref {id}"),
    }
}
