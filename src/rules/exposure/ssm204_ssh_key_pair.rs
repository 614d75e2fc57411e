//! SSM204: a compute resource sets an SSH key pair.

use super::{merge_places, scalar_text, value_span};
use crate::rules::{label_defaults, qualifiers, Context, Finding, Fix, Rule, RuleInfo};
use crate::semantic::launchers::Launch;
use crate::semantic::launchers::{Locator, Reached};
use crate::syntax::Node;
use crate::template::eval::{Unknown, Value};
use crate::template::model::Template;

crate::declare_rule! {
    /// ## What it does
    /// Reports a compute resource that sets an EC2 key pair: an instance, launch
    /// configuration or Spot Fleet launch specification (`KeyName`), a launch template
    /// (`LaunchTemplateData.KeyName`), an EKS node group (`RemoteAccess.Ec2SshKey`), a
    /// Batch compute environment (`ComputeResources.Ec2KeyPair`), an Elastic Beanstalk
    /// environment or configuration template (the `EC2KeyName` option), an EMR cluster
    /// (`Instances.Ec2KeyName`), an Image Builder infrastructure configuration
    /// (`KeyPair`), an OpsWorks stack (`DefaultSshKeyName`) or instance (`SshKeyName`). A `KeyName` from a
    /// parameter default is reported (and the default labelled), and so is one from a
    /// parameter of type `AWS::EC2::KeyPair::KeyName` (CloudFormation accepts only an
    /// existing key pair there) or a `!Ref` to an `AWS::EC2::KeyPair` of the template;
    /// any other value ssmlint cannot know (a `String` parameter without default, an
    /// import) is not. With `!If`, each branch is checked and a finding names the
    /// condition; an empty string means no key pair.
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
        fix: Sometimes,
    }
}

/// The help: remove the setting, or keep it only where a parameter asks for one (with
/// the parameter and the condition that snippet needs), in the file's style.
fn help(cx: &Context<'_>, setting: &Locator) -> String {
    use crate::diagnostic::emit::Snippet;
    let name = setting.describe();
    let mut text =
        format!("remove `{name}`; connect with `aws ssm start-session --target <instance-id>`.");
    if let Locator::Path([.., last]) = setting {
        let f = |name: &'static str, arg: Snippet| Snippet::Fn(name, Box::new(arg));
        let key = Snippet::reference("KeyName");
        let mut sections = vec![
            (
                "Parameters",
                Snippet::map([(
                    "KeyName",
                    Snippet::map([
                        ("Type", Snippet::str("String")),
                        ("Default", Snippet::str("")),
                    ]),
                )]),
            ),
            (
                "Conditions",
                Snippet::map([(
                    "HasKeyName",
                    f(
                        "Fn::Not",
                        Snippet::Seq(vec![f(
                            "Fn::Equals",
                            Snippet::Seq(vec![key.clone(), Snippet::str("")]),
                        )]),
                    ),
                )]),
            ),
        ];
        // A parameter `KeyName` the template has already is the one to use.
        if cx
            .template()
            .is_some_and(|t| t.parameter("KeyName").is_some())
        {
            sections.remove(0);
        }
        let snippet = Snippet::map(sections);
        let property = f(
            "Fn::If",
            Snippet::Seq(vec![
                Snippet::str("HasKeyName"),
                key,
                Snippet::reference("AWS::NoValue"),
            ]),
        );
        let style = cx.style();
        text.push_str(&format!(
            "\nTo keep a key only where a parameter asks for one:\n\n{}\n\nand in the resource:\n\n{}",
            style.show(&snippet),
            style.show_pair(last, &property)
        ));
    }
    text
}

/// Removes the setting from the launch's settings (and a mapping it leaves empty, such
/// as an EKS node group's `RemoteAccess`). Unsafe: whoever uses the key loses SSH.
fn fix(cx: &Context<'_>, launch: &Launch<'_>, path: &[&str]) -> Option<Fix> {
    if !launch.settings.when.is_empty() {
        return None;
    }
    let mut maps: Vec<&Node> = vec![launch.settings.value_node()?];
    for key in path.iter().take(path.len().saturating_sub(1)) {
        let next = maps.last()?.get(key)?;
        next.as_map()?;
        maps.push(next);
    }
    if !cx.written_in(launch.resource, maps.first()?) {
        return None;
    }
    let editor = cx.editor();
    // An EKS node group's `RemoteAccess` needs its `Ec2SshKey`: it goes as a whole.
    let deepest = if path.first() == Some(&"RemoteAccess") {
        1
    } else {
        maps.len()
    };
    // From the deepest mapping up: the first whose entry can go without leaving it empty.
    for (depth, map) in maps.iter().enumerate().take(deepest).rev() {
        let key = path.get(depth)?;
        if let Some(edit) = editor.remove_entry(map, key) {
            let name = path.join(".");
            return Some(Fix::unsafe_(format!("remove `{name}`"), vec![edit]));
        }
        if map.as_map().is_some_and(|e| e.len() > 1) {
            return None;
        }
    }
    None
}

/// The type of parameter CloudFormation fills with the name of an existing key pair.
const KEY_PAIR_PARAMETER: &str = "AWS::EC2::KeyPair::KeyName";

/// What shows that `value` names a key pair: a non-empty name, a `KeyPair` resource of
/// the template, or a parameter of the key-pair type (whose value must be an existing
/// key pair, so it is one even when unknown). An empty name is no key pair; any other
/// value ssmlint cannot know is not reported.
fn key_pair(template: &Template<'_>, value: &Value<'_>, setting: &str) -> Option<String> {
    match value {
        Value::Ref(r) if r.attribute.is_none() => template
            .resource(r.id)
            .filter(|k| k.type_name == "AWS::EC2::KeyPair")
            .map(|k| format!("`{setting}: !Ref {}`", k.id)),
        Value::Unknown(Unknown::Parameter(p)) => template
            .parameter(p)
            .filter(|param| param.type_name == Some(KEY_PAIR_PARAMETER))
            .map(|_| format!("`{setting}` from parameter `{p}`")),
        _ => scalar_text(value)
            .filter(|n| !n.trim().is_empty())
            .map(|name| format!("`{setting}: {name}`")),
    }
}

impl Rule for SshKeyPair {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(template) = cx.template() else {
            return;
        };
        for launch in cx.model.launches() {
            for setting in launch.launcher.key_pairs {
                let name = match setting {
                    Locator::Path([.., last]) => last.to_string(),
                    other => other.describe(),
                };
                let mut places = Vec::new();
                for reached in launch.locate(cx.eval, setting) {
                    let (value, key) = match reached {
                        Reached::Value { value, key } => (value, Some(key)),
                        Reached::Unknown(value) => (value, None),
                        Reached::Missing { .. } => continue,
                    };
                    let Some(found) = key_pair(template, &value.value, &name) else {
                        continue;
                    };
                    let span = key.map_or(value.node.span, |key| value_span(cx, &value, key));
                    places.push((span, found, value));
                }
                for (span, found, value) in merge_places(places) {
                    let resource = launch.resource;
                    let message = format!(
                        "{} sets an SSH key pair ({found}){}: Session Manager needs none, and the key keeps an SSH path alive",
                        launch.subject(),
                        qualifiers(&value.when, resource.condition, &value.defaults),
                    );
                    let fixed = match setting {
                        Locator::Path(path) => fix(cx, launch, path),
                        Locator::Option(..) => None,
                    };
                    let mut finding = Finding::new(self.meta(), span, message)
                        .label(found)
                        .help(help(cx, setting))
                        .fix(fixed)
                        .resource(resource.id);
                    if let Value::Unknown(Unknown::Parameter(p)) = &value.value {
                        if let Some(parameter) = template.parameter(p) {
                            finding = finding.with_label(
                                parameter.name_span,
                                format!("parameter `{p}` is an EC2 key pair name"),
                            );
                        }
                    }
                    out.push(label_defaults(finding, cx.template(), &value.defaults));
                }
            }
        }
    }
}
