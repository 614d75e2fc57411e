use crate::rules::{qualifiers, Context, Finding, Rule, RuleInfo};
use crate::semantic::identity::{Link, ROLE};

crate::declare_rule! {
    /// ## What it does
    /// Reports an `AWS::IAM::InstanceProfile` with no `Roles`, or whose role reference
    /// does not resolve to an `AWS::IAM::Role` (a missing logical id, another resource
    /// type, or `!GetAtt Role.Arn` where the role's name is expected).
    ///
    /// ## Why is this bad?
    /// A profile without a role gives the instance no credentials at all: the SSM Agent
    /// cannot register and Session Manager cannot reach the instance.
    ///
    /// ## Example
    /// ```yaml
    /// SsmProfile:
    ///   Type: AWS::IAM::InstanceProfile
    ///   Properties:
    ///     Path: /
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// SsmProfile:
    ///   Type: AWS::IAM::InstanceProfile
    ///   Properties:
    ///     Path: /
    ///     Roles: [!Ref SsmRole]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-instanceprofile.html>
    pub struct InstanceProfileWithoutRole {
        code: "SSM102",
        name: "instance-profile-without-role",
        category: IdentityChain,
        severity: Error,
        summary: "The instance profile has no role, or its role reference is not an AWS::IAM::Role.",
        url: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-iam-instanceprofile.html",
    }
}

impl Rule for InstanceProfileWithoutRole {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let chains = cx.model.chains();
        for p in &chains.profiles {
            let profile = p.profile;
            let users: Vec<_> = chains.users_of_profile(profile.id);
            let label_users = |mut f: Finding| {
                for u in &users {
                    f = f.with_label(
                        u.resource.id_span,
                        format!("`{}` uses this profile", u.resource.id),
                    );
                }
                f
            };
            if p.roles.is_empty() {
                let span = profile
                    .property_entry("Roles")
                    .map_or(profile.id_span, |e| e.key_span);
                let finding = Finding::new(
                    self.meta(),
                    span,
                    format!(
                        "instance profile `{}` has no role{}: instances using it get no credentials",
                        profile.id,
                        qualifiers(&[], profile.condition, &[])
                    ),
                )
                .label("no role here")
                .resource(profile.id)
                .help({
                    let (preamble, roles) = roles_snippet(cx, None);
                    format!("{preamble}add the role that has AmazonSSMManagedInstanceCore:\n\n{roles}")
                });
                out.push(label_users(finding));
                continue;
            }
            for link in &p.roles {
                let quals = qualifiers(&link.when, profile.condition, &[]);
                let (message, extra) = match &link.target {
                    Link::Wrong {
                        resource: target, ..
                    } => (
                        format!(
                            "instance profile `{}` lists `{}`, an {}, as its role{quals}",
                            profile.id, target.id, target.type_name
                        ),
                        Some((target.id_span, format!("`{}` is defined here", target.id))),
                    ),
                    Link::Undefined(name) => (
                        format!(
                            "instance profile `{}` lists `{name}`, which is not defined in this template{quals}",
                            profile.id
                        ),
                        None,
                    ),
                    Link::Missing => (
                        format!(
                            "instance profile `{}` lists an empty role name{quals}: instances using it get no credentials",
                            profile.id
                        ),
                        None,
                    ),
                    _ => continue,
                };
                let named = match &link.target {
                    Link::Wrong {
                        resource: target, ..
                    } if target.type_name == ROLE => Some(target.id),
                    _ => None,
                };
                let mut finding = Finding::new(self.meta(), link.span, message)
                    .label("not a role name")
                    .resource(profile.id)
                    .help({
                        let (preamble, roles) = roles_snippet(cx, named);
                        format!("`Roles` takes role names: {preamble}refer to the role with `Ref`:\n\n{roles}")
                    });
                if let Some((span, text)) = extra {
                    finding = finding.with_label(span, text);
                }
                out.push(label_users(finding));
            }
        }
    }
}

/// `Roles: [Ref: ROLE]` in the file's style: the role `named` (the one the profile gets
/// the wrong attribute of), else the template's only role, else a role with
/// AmazonSSMManagedInstanceCore, which the preamble returned first defines
/// ("define ...:\n\nSNIPPET\n\nthen ").
fn roles_snippet(cx: &Context<'_>, named: Option<&str>) -> (String, String) {
    use crate::diagnostic::emit::Snippet;
    let style = cx.style();
    let roles: Vec<&str> = cx.resources_of_type(&[ROLE]).map(|r| r.id).collect();
    let (role, preamble) = match (named, roles.as_slice()) {
        (Some(role), _) | (None, &[role]) => (role.to_string(), String::new()),
        _ => {
            let role = super::fresh_id(cx.template(), "SsmRole", &[]);
            let snippet = Snippet::map([(role.as_str(), super::core_role())]);
            let preamble = format!(
                "define a role EC2 may assume with AmazonSSMManagedInstanceCore:\n\n{}\n\nthen ",
                style.show(&snippet)
            );
            (role, preamble)
        }
    };
    let roles = style.show_pair("Roles", &Snippet::Seq(vec![Snippet::reference(&role)]));
    (preamble, roles)
}
