use crate::rules::{label_defaults, qualifiers, Context, Finding, Rule, RuleInfo};
use crate::semantic::identity::Link;

crate::declare_rule! {
    /// ## What it does
    /// Notes a compute resource whose instance profile, or a profile whose role, comes
    /// from outside the template: a parameter without default, `Fn::ImportValue`, or a
    /// literal name or ARN that no resource of the template defines. The same for a role
    /// a launcher names directly (an EKS node group's `NodeRole`), and for a Cloud9
    /// environment with `ConnectionType: CONNECT_SSM`, whose instance runs with
    /// `AWSCloud9SSMInstanceProfile`, made outside the template.
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
        summary: "The instance profile or role comes from outside the template and cannot be verified here.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html",
    }
}

impl Rule for ExternalInstanceProfile {
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
        // A role named directly (an EKS node group's `NodeRole`).
        for compute in &chains.computes {
            for link in &compute.roles {
                let Link::External(from) = &link.target else {
                    continue;
                };
                out.push(
                    Finding::new(
                        self.meta(),
                        link.span,
                        format!(
                            "the role of {} comes from {from}{}: its permissions cannot be verified here",
                            compute.subject(),
                            qualifiers(&link.when, compute.resource.condition, &[])
                        ),
                    )
                    .label("defined outside this template")
                    .resource(compute.resource.id)
                    .help("lint the template that defines the role as well, or define the role in this template"),
                );
            }
        }
        for p in &chains.profiles {
            for link in &p.roles {
                let Link::External(from) = &link.target else {
                    continue;
                };
                out.push(
                    Finding::new(
                        self.meta(),
                        link.span,
                        format!(
                            "the role of instance profile `{}` comes from {from}{}: its permissions cannot be verified here",
                            p.profile.id,
                            qualifiers(&link.when, p.profile.condition, &[])
                        ),
                    )
                    .label("defined outside this template")
                    .resource(p.profile.id)
                    .help("lint the template that defines the role as well, or define the role in this template"),
                );
            }
        }
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
