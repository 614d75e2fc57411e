use super::{core_role_resources, fresh_id, REACHABLE};
use crate::diagnostic::emit::Snippet;
use crate::rules::{qualifiers, Context, Finding, Fix, Rule, RuleInfo};
use crate::semantic::identity::{Compute, Link, INSTANCE_PROFILE, LAUNCH_TEMPLATE};
use crate::semantic::launchers::{Expects, Identity, Locator};

crate::declare_rule! {
    /// ## What it does
    /// Reports a compute resource that has no instance profile, including an `Fn::If`
    /// branch that leaves it out with `AWS::NoValue`. Resource kinds: EC2 instance
    /// (`IamInstanceProfile`), launch template (`LaunchTemplateData.IamInstanceProfile`),
    /// launch configuration, each Spot Fleet launch specification
    /// (`IamInstanceProfile.Arn`), Elastic Beanstalk environment (the
    /// `aws:autoscaling:launchconfiguration` option `IamInstanceProfile`, also read from
    /// the configuration template it is built from), Batch compute environment
    /// (`ComputeResources.InstanceRole`), EMR cluster (`JobFlowRole`), Image Builder
    /// infrastructure configuration (`InstanceProfileName`) and OpsWorks stack
    /// (`DefaultInstanceProfileArn`).
    ///
    /// What a launch leaves out, its launch template gives: an instance or node group
    /// with `LaunchTemplate` is left to the launch template. A launch template used only
    /// by EKS node groups or Batch compute environments needs no profile (EKS rejects one;
    /// Batch uses `InstanceRole`), found through `Fn::If` and
    /// `Fn::GetAtt ... LatestVersionNumber` too. A launch template with no user in the
    /// template (exported for use elsewhere) is reported, and the help says that such
    /// consumers supply their own.
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
        fix: Sometimes,
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
                let message = format!(
                    "{} has no instance profile{}: the SSM Agent has no credentials, so Session Manager cannot reach it",
                    compute.subject(),
                    qualifiers(&link.when, resource.condition, &link.defaults),
                );
                let label = if compute.property.is_some() {
                    "no instance profile in this branch".to_string()
                } else {
                    match compute.launch.launcher.identity {
                        Identity::Profile { at, .. } => format!("no `{}` here", at.describe()),
                        _ => "no `IamInstanceProfile` here".to_string(),
                    }
                };
                let mut finding = Finding::new(self.meta(), link.span, message)
                    .label(label)
                    .resource(resource.id)
                    .help(if compute.property.is_some() {
                        let (profile, preamble) = snippet_profile(cx);
                        format!(
                            "{preamble}give every branch an instance profile; a condition that leaves it out leaves the instance unmanaged:\n\n{}",
                            cx.style().show_pair("IamInstanceProfile", &Snippet::reference(&profile))
                        )
                    } else {
                        fix_snippet(cx, compute)
                    });
                if compute.property.is_none() && link.when.is_empty() {
                    finding = finding.fix(fix(cx, compute));
                }
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

/// Adds the profile reference to the resource, and a role with the core policy and its
/// instance profile to the template (named so as not to collide; a profile `SsmProfile`
/// an earlier fix added is used again). Unsafe: it gives the instances a role.
fn fix(cx: &Context<'_>, compute: &Compute<'_>) -> Option<Fix> {
    let template = cx.template()?;
    let resource = compute.resource;
    if resource.condition.is_some() || !compute.launch.settings.when.is_empty() {
        return None;
    }
    let resources = template.root.get("Resources")?;
    let existing = template
        .resource("SsmProfile")
        .filter(|p| p.type_name == INSTANCE_PROFILE && p.condition.is_none());
    let (profile, new) = match existing {
        Some(p) => (p.id.to_string(), Vec::new()),
        None => {
            let role = fresh_id(Some(template), "SsmRole", &[]);
            let profile = fresh_id(Some(template), "SsmProfile", &[&role]);
            let new = core_role_resources(&role, &profile);
            (profile, new)
        }
    };
    let (path, value): (Vec<&str>, Snippet) = match compute.launch.launcher.identity {
        Identity::LaunchTemplateProfile => (
            vec!["IamInstanceProfile", "Arn"],
            Snippet::get_att(&profile, "Arn"),
        ),
        Identity::Profile {
            at: Locator::Path(path),
            expects,
            ..
        } => (
            path.to_vec(),
            match expects {
                Expects::Arn => Snippet::get_att(&profile, "Arn"),
                _ => Snippet::reference(&profile),
            },
        ),
        _ => return None,
    };
    let editor = cx.editor();
    let settings = compute.launch.settings.value_node()?;
    if !cx.written_in(resource, settings) {
        return None;
    }
    let property = if std::ptr::eq(settings, resource.node) {
        // A list of launch specifications cannot be made up here.
        if compute.launch.launcher.each {
            return None;
        }
        let mut full = compute.launch.launcher.settings.to_vec();
        full.extend(path);
        editor.ensure(resource.node, &full, value)?
    } else {
        editor.ensure(settings, &path, value)?
    };
    let mut edits = vec![property];
    if !new.is_empty() {
        let entries: Vec<(&str, Snippet)> =
            new.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        // The ids are fresh (`fresh_id`): no scan of `Resources` per fix.
        edits.push(editor.insert_new_entries(resources, &entries)?);
    }
    let title = if new.is_empty() {
        format!("use instance profile `{profile}`")
    } else {
        format!("add a role with AmazonSSMManagedInstanceCore and instance profile `{profile}`")
    };
    Some(Fix::unsafe_(title, edits).revealing(REACHABLE))
}

/// The instance profile a help snippet names: the template's only one, else a new one
/// (with its role), which the preamble returned defines ("create ...:\n\nSNIPPET\n\nthen ").
fn snippet_profile(cx: &Context<'_>) -> (String, String) {
    let style = cx.style();
    // Two tell "the only one" from "several".
    let profiles: Vec<_> = cx.resources_of_type(&[INSTANCE_PROFILE]).take(2).collect();
    match profiles.as_slice() {
        [only] => (only.id.to_string(), String::new()),
        _ => {
            let role = fresh_id(cx.template(), "SsmRole", &[]);
            let profile = fresh_id(cx.template(), "SsmProfile", &[&role]);
            let resources = Snippet::Map(core_role_resources(&role, &profile));
            let preamble = format!(
                "create an instance profile whose role has AmazonSSMManagedInstanceCore:\n\n{}\n\nthen ",
                style.show(&resources)
            );
            (profile, preamble)
        }
    }
}

/// The property to add, pointing at the template's only instance profile when it has one
/// (else the role and profile to add too), in the file's style.
fn fix_snippet(cx: &Context<'_>, compute: &Compute<'_>) -> String {
    let style = cx.style();
    let (profile, preamble) = snippet_profile(cx);
    let (property, place) = match compute.launch.launcher.identity {
        Identity::LaunchTemplateProfile => (
            style.show(&crate::syntax::edit::nest(
                &["LaunchTemplateData", "IamInstanceProfile", "Arn"],
                Snippet::get_att(&profile, "Arn"),
            )),
            "the resource's properties",
        ),
        Identity::Profile {
            at: Locator::Option(namespace, name),
            ..
        } => (
            style.show(&Snippet::Seq(vec![Snippet::map([
                ("Namespace", Snippet::str(namespace)),
                ("OptionName", Snippet::str(name)),
                ("Value", Snippet::reference(&profile)),
            ])])),
            "the environment's `OptionSettings`",
        ),
        Identity::Profile {
            at: Locator::Path(path),
            expects,
            ..
        } => {
            let value = match expects {
                Expects::Arn => Snippet::get_att(&profile, "Arn"),
                _ => Snippet::reference(&profile),
            };
            (
                style.show(&crate::syntax::edit::nest(path, value)),
                settings_place(compute),
            )
        }
        _ => (
            style.show_pair("IamInstanceProfile", &Snippet::reference(&profile)),
            "the resource's properties",
        ),
    };
    let mut text = format!("{preamble}add to {place}:\n\n{property}");
    if compute.launch.launcher.type_name == LAUNCH_TEMPLATE {
        text.push_str("\n\n(an EKS node group or Batch compute environment that uses the launch template supplies its own profile: then this is not needed)");
    }
    text
}

/// Where the launch's settings are, for the help.
fn settings_place(compute: &Compute<'_>) -> &'static str {
    match compute.launch.launcher.settings.last() {
        Some(&"LaunchSpecifications") => "the launch specification",
        Some(&"ComputeResources") => "`ComputeResources`",
        _ => "the resource's properties",
    }
}
