//! SSM204: a compute resource sets an SSH key pair.

use super::{follow, kind_of, merge_places, scalar_text, value_span, Reached, COMPUTE_SETTINGS};
use crate::rules::{label_defaults, qualifiers, Context, Finding, Rule, RuleInfo};

crate::declare_rule! {
    /// ## What it does
    /// Reports an instance, launch configuration (`KeyName`) or launch template
    /// (`LaunchTemplateData.KeyName`) that sets an EC2 key pair. A `KeyName` from a
    /// parameter default is reported (and the default labelled); one ssmlint cannot know
    /// (a parameter without default, an import) is not. With `!If`, each branch is
    /// checked and a finding names the condition; an empty string means no key pair.
    ///
    /// The same check, written in the Guard DSL, ships as an example of a user rule:
    /// `examples/guard/ssh-key-pair.guard`.
    ///
    /// ## Why is this bad?
    /// With Session Manager, nobody needs an SSH key to reach the instance. A key pair
    /// keeps a second way in alive: a private key that can leak, be copied, and is not
    /// tied to an IAM identity, so its use is not audited like a session is.
    ///
    /// ## Example
    /// ```yaml
    /// WebServer:
    ///   Type: AWS::EC2::Instance
    ///   Properties:
    ///     KeyName: !Ref KeyName        # parameter with Default: ops-key
    /// ```
    ///
    /// ## Fix
    /// Remove `KeyName` and connect with `aws ssm start-session --target <instance-id>`;
    /// or keep a key only where a parameter asks for one:
    /// ```yaml
    /// KeyName: !If [HasKeyName, !Ref KeyName, !Ref AWS::NoValue]
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html>
    /// - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-key-pairs.html>
    pub struct SshKeyPair {
        code: "SSM204",
        name: "ssh-key-pair",
        category: NetworkExposure,
        severity: Warning,
        summary: "A compute resource sets `KeyName`: Session Manager needs no SSH key, and one keeps an SSH path alive.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html",
    }
}

const HELP: &str = "remove `KeyName`; connect with `aws ssm start-session --target <instance-id>`.
To keep a key only where a parameter asks for one:

KeyName: !If [HasKeyName, !Ref KeyName, !Ref AWS::NoValue]";

impl Rule for SshKeyPair {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(template) = cx.template() else {
            return;
        };
        for (type_name, base) in COMPUTE_SETTINGS {
            for resource in template.resources_of_type(&[type_name]) {
                let path = [base, &["KeyName"][..]].concat();
                let mut places = Vec::new();
                for reached in follow(cx.eval, resource, &path) {
                    let Reached::Value { value, key } = reached else {
                        continue;
                    };
                    // An empty name is no key pair; a value that is not known is not
                    // reported.
                    let Some(name) = scalar_text(&value.value).filter(|n| !n.is_empty()) else {
                        continue;
                    };
                    let found = format!("`KeyName: {name}`");
                    places.push((value_span(cx, &value, key), found, value));
                }
                for (span, found, value) in merge_places(places) {
                    let message = format!(
                        "{} `{}` sets an SSH key pair ({found}){}: Session Manager needs none, and the key keeps an SSH path alive",
                        kind_of(resource.type_name),
                        resource.id,
                        qualifiers(&value.when, resource.condition, &value.defaults),
                    );
                    let finding = Finding::new(self.meta(), span, message)
                        .label(found)
                        .help(HELP)
                        .resource(resource.id);
                    out.push(label_defaults(finding, cx.template(), &value.defaults));
                }
            }
        }
    }
}
