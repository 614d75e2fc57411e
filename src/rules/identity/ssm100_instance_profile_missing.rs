use crate::rules::{qualifiers, Context, Finding, Rule, RuleInfo};
use crate::semantic::identity::{Link, INSTANCE_PROFILE, LAUNCH_TEMPLATE};

crate::declare_rule! {
    /// ## What it does
    /// Reports an EC2 instance, launch template or launch configuration that has no
    /// instance profile (`IamInstanceProfile`), including an `Fn::If` branch that leaves it
    /// out with `AWS::NoValue`.
    ///
    /// ## Why is this bad?
    /// The SSM Agent on the instance gets its credentials from the instance profile's
    /// role. Without a profile the agent cannot register with Systems Manager, so the
    /// instance never shows up as a managed node and Session Manager cannot reach it —
    /// which usually ends with someone opening port 22 "just for now".
    ///
    /// ## Example
    /// ```yaml
    /// WebServer:
    ///   Type: AWS::EC2::Instance
    ///   Properties:
    ///     ImageId: !Ref AmiId
    ///     InstanceType: t3.micro
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// SsmRole:
    ///   Type: AWS::IAM::Role
    ///   Properties:
    ///     AssumeRolePolicyDocument:
    ///       Version: "2012-10-17"
    ///       Statement:
    ///         - Effect: Allow
    ///           Principal: { Service: ec2.amazonaws.com }
    ///           Action: sts:AssumeRole
    ///     ManagedPolicyArns:
    ///       - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore
    /// SsmProfile:
    ///   Type: AWS::IAM::InstanceProfile
    ///   Properties:
    ///     Roles: [!Ref SsmRole]
    /// WebServer:
    ///   Type: AWS::EC2::Instance
    ///   Properties:
    ///     IamInstanceProfile: !Ref SsmProfile
    ///     ImageId: !Ref AmiId
    ///     InstanceType: t3.micro
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html>
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-instance.html#cfn-ec2-instance-iaminstanceprofile>
    pub struct InstanceProfileMissing {
        code: "SSM100",
        name: "instance-profile-missing",
        category: IdentityChain,
        severity: Error,
        summary: "A compute resource has no instance profile, so the SSM Agent has no credentials.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html",
    }
}

impl Rule for InstanceProfileMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let chains = cx.model.chains();
        for compute in &chains.computes {
            let resource = compute.resource;
            for link in &compute.links {
                if !matches!(link.target, Link::Missing) {
                    continue;
                }
                let what = match resource.type_name {
                    LAUNCH_TEMPLATE => "launch template",
                    crate::semantic::identity::LAUNCH_CONFIGURATION => "launch configuration",
                    _ => "instance",
                };
                let message = format!(
                    "{what} `{}` has no instance profile{}: the SSM Agent has no credentials, so Session Manager cannot reach it",
                    resource.id,
                    qualifiers(&link.when, resource.condition, &link.defaults),
                );
                let label = if compute.property.is_some() {
                    "no instance profile in this branch"
                } else {
                    "no `IamInstanceProfile` here"
                };
                let mut finding = Finding::new(self.meta(), link.span, message)
                    .label(label)
                    .resource(resource.id)
                    .help(if compute.property.is_some() {
                        "give every branch an instance profile; a condition that leaves it out leaves the instance unmanaged:\n\nIamInstanceProfile: !Ref SsmProfile".to_string()
                    } else {
                        fix_snippet(cx, resource.type_name)
                    });
                if let (Some(data), true) = (
                    resource.property_entry("LaunchTemplateData"),
                    compute.property.is_none(),
                ) {
                    finding = finding.with_label(data.key_span, "add `IamInstanceProfile` here");
                }
                out.push(finding);
            }
        }
    }
}

/// The property to add, pointing at the template's only instance profile when it has one.
fn fix_snippet(cx: &Context<'_>, type_name: &str) -> String {
    let profiles: Vec<_> = cx.resources_of_type(&[INSTANCE_PROFILE]).collect();
    let (profile, preamble) = match profiles.as_slice() {
        [only] => (only.id, String::new()),
        _ => (
            "SsmProfile",
            "create an instance profile whose role has AmazonSSMManagedInstanceCore:\n\n\
SsmRole:\n  Type: AWS::IAM::Role\n  Properties:\n    AssumeRolePolicyDocument:\n      Version: \"2012-10-17\"\n      Statement:\n        - Effect: Allow\n          Principal: { Service: ec2.amazonaws.com }\n          Action: sts:AssumeRole\n    ManagedPolicyArns:\n      - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore\nSsmProfile:\n  Type: AWS::IAM::InstanceProfile\n  Properties:\n    Roles: [!Ref SsmRole]\n\nthen "
                .to_string(),
        ),
    };
    let property = match type_name {
        LAUNCH_TEMPLATE => {
            format!("LaunchTemplateData:\n  IamInstanceProfile:\n    Arn: !GetAtt {profile}.Arn")
        }
        _ => format!("IamInstanceProfile: !Ref {profile}"),
    };
    format!("{preamble}add to the resource's properties:\n\n{property}")
}
