//! Every way a template launches EC2 instances, as one catalogue.
//!
//! An instance, a launch template or configuration, an EKS node group, a Batch compute
//! environment, a Spot Fleet's launch specifications, an Elastic Beanstalk environment,
//! an EMR cluster, an Image Builder infrastructure configuration, a Cloud9 environment,
//! OpsWorks stacks and instances: each is a [`Launcher`] that says where its instances'
//! identity, key pair, metadata options and network placement are set. [`launches`]
//! lists the template's [`Launch`]es (one per resource, one per Spot Fleet launch
//! specification); the identity chains, the key-pair and IMDS rules and the network
//! placements all read them, so a new launcher is one entry here.

use crate::base::Span;
use crate::syntax::Node;
use crate::template::eval::{Evaluator, Resolved, Value};
use crate::template::model::{Resource, Template};

/// Where a launcher keeps a setting.
#[derive(Debug, Clone, Copy)]
pub enum Locator {
    /// Keys from the launch's settings mapping.
    Path(&'static [&'static str]),
    /// An Elastic Beanstalk option: `OptionSettings` entry with this `Namespace` and
    /// `OptionName` (its `Value`).
    Option(&'static str, &'static str),
}

impl Locator {
    /// How a message names the setting: `KeyName`, `RemoteAccess.Ec2SshKey`, the
    /// `EC2KeyName` option.
    pub fn describe(&self) -> String {
        match self {
            Locator::Path(path) => path.join("."),
            Locator::Option(_, name) => name.to_string(),
        }
    }
}

/// What the property that names an instance profile expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expects {
    Name,
    Arn,
    NameOrArn,
}

impl Expects {
    pub fn describe(self) -> &'static str {
        match self {
            Expects::Name => "the instance profile's name (`!Ref Profile`)",
            Expects::Arn => "the instance profile's ARN (`!GetAtt Profile.Arn`)",
            Expects::NameOrArn => "the instance profile's name or ARN",
        }
    }
}

/// How a launcher gives its instances an identity.
#[derive(Debug, Clone, Copy)]
pub enum Identity {
    /// An instance profile at `at`. `required`: leaving it out leaves the instances
    /// without credentials (SSM100); otherwise it comes from elsewhere (a stack default).
    Profile {
        at: Locator,
        expects: Expects,
        required: bool,
    },
    /// A launch template's `IamInstanceProfile` object (`Arn` or `Name`).
    LaunchTemplateProfile,
    /// A role ARN: the service makes the instance profile itself (EKS node groups).
    Role { at: Locator },
    /// Cloud9: with `ConnectionType: CONNECT_SSM` the instance runs with
    /// `AWSCloud9SSMInstanceProfile`, which is made outside the template.
    Cloud9,
    /// The instances are the service's own (GameLift).
    None,
}

/// Where the instance metadata service options are set, and the value that requires
/// IMDSv2.
#[derive(Debug, Clone, Copy)]
pub struct Metadata {
    pub tokens: Locator,
    pub secure: &'static str,
    /// `HttpEndpoint: disabled` turns the service off.
    pub endpoint: Option<Locator>,
}

/// One kind of resource that launches EC2 instances.
#[derive(Debug)]
pub struct Launcher {
    pub type_name: &'static str,
    /// "EKS node group", for messages.
    pub kind: &'static str,
    /// The mapping the settings are read from, from the resource.
    pub settings: &'static [&'static str],
    /// `settings` is a list, one launch per item (Spot Fleet launch specifications).
    pub each: bool,
    pub identity: Identity,
    pub key_pairs: &'static [Locator],
    pub metadata: Option<Metadata>,
    /// A launch template reference: what the launch leaves out, the template gives.
    pub launch_template: Option<Locator>,
    pub subnets: Option<Locator>,
    pub security_groups: Option<Locator>,
}

const PROPERTIES: &[&str] = &["Properties"];
const EC2_METADATA: Metadata = Metadata {
    tokens: Locator::Path(&["MetadataOptions", "HttpTokens"]),
    secure: "required",
    endpoint: Some(Locator::Path(&["MetadataOptions", "HttpEndpoint"])),
};
pub const BEANSTALK_LAUNCH: &str = "aws:autoscaling:launchconfiguration";

pub const INSTANCE: &str = "AWS::EC2::Instance";
pub const LAUNCH_TEMPLATE: &str = "AWS::EC2::LaunchTemplate";
pub const LAUNCH_CONFIGURATION: &str = "AWS::AutoScaling::LaunchConfiguration";
pub const EKS_NODEGROUP: &str = "AWS::EKS::Nodegroup";
pub const BATCH_COMPUTE: &str = "AWS::Batch::ComputeEnvironment";
pub const CLOUD9: &str = "AWS::Cloud9::EnvironmentEC2";
pub const GAMELIFT_FLEET: &str = "AWS::GameLift::Fleet";
pub const BEANSTALK_ENVIRONMENT: &str = "AWS::ElasticBeanstalk::Environment";
pub const BEANSTALK_TEMPLATE: &str = "AWS::ElasticBeanstalk::ConfigurationTemplate";

/// What a launcher leaves unset: settings in `Properties`, nothing else.
const NOTHING: Launcher = Launcher {
    type_name: "",
    kind: "",
    settings: PROPERTIES,
    each: false,
    identity: Identity::None,
    key_pairs: &[],
    metadata: None,
    launch_template: None,
    subnets: None,
    security_groups: None,
};

/// Every launcher ssmlint models.
pub const LAUNCHERS: &[Launcher] = &[
    Launcher {
        type_name: INSTANCE,
        kind: "instance",
        identity: Identity::Profile {
            at: Locator::Path(&["IamInstanceProfile"]),
            expects: Expects::Name,
            required: true,
        },
        key_pairs: &[Locator::Path(&["KeyName"])],
        metadata: Some(EC2_METADATA),
        launch_template: Some(Locator::Path(&["LaunchTemplate"])),
        ..NOTHING
    },
    Launcher {
        type_name: LAUNCH_TEMPLATE,
        kind: "launch template",
        settings: &["Properties", "LaunchTemplateData"],
        identity: Identity::LaunchTemplateProfile,
        key_pairs: &[Locator::Path(&["KeyName"])],
        metadata: Some(EC2_METADATA),
        ..NOTHING
    },
    Launcher {
        type_name: LAUNCH_CONFIGURATION,
        kind: "launch configuration",
        identity: Identity::Profile {
            at: Locator::Path(&["IamInstanceProfile"]),
            expects: Expects::NameOrArn,
            required: true,
        },
        key_pairs: &[Locator::Path(&["KeyName"])],
        metadata: Some(EC2_METADATA),
        ..NOTHING
    },
    Launcher {
        type_name: EKS_NODEGROUP,
        kind: "EKS node group",
        identity: Identity::Role {
            at: Locator::Path(&["NodeRole"]),
        },
        key_pairs: &[Locator::Path(&["RemoteAccess", "Ec2SshKey"])],
        launch_template: Some(Locator::Path(&["LaunchTemplate"])),
        subnets: Some(Locator::Path(&["Subnets"])),
        ..NOTHING
    },
    Launcher {
        type_name: BATCH_COMPUTE,
        kind: "Batch compute environment",
        settings: &["Properties", "ComputeResources"],
        identity: Identity::Profile {
            at: Locator::Path(&["InstanceRole"]),
            expects: Expects::NameOrArn,
            required: true,
        },
        key_pairs: &[Locator::Path(&["Ec2KeyPair"])],
        launch_template: Some(Locator::Path(&["LaunchTemplate"])),
        subnets: Some(Locator::Path(&["Subnets"])),
        security_groups: Some(Locator::Path(&["SecurityGroupIds"])),
        ..NOTHING
    },
    Launcher {
        type_name: "AWS::EC2::SpotFleet",
        kind: "Spot Fleet",
        settings: &[
            "Properties",
            "SpotFleetRequestConfigData",
            "LaunchSpecifications",
        ],
        each: true,
        identity: Identity::Profile {
            at: Locator::Path(&["IamInstanceProfile", "Arn"]),
            expects: Expects::Arn,
            required: true,
        },
        key_pairs: &[Locator::Path(&["KeyName"])],
        subnets: Some(Locator::Path(&["SubnetId"])),
        ..NOTHING
    },
    beanstalk(BEANSTALK_ENVIRONMENT, "Elastic Beanstalk environment"),
    beanstalk(
        BEANSTALK_TEMPLATE,
        "Elastic Beanstalk configuration template",
    ),
    Launcher {
        type_name: "AWS::EMR::Cluster",
        kind: "EMR cluster",
        identity: Identity::Profile {
            at: Locator::Path(&["JobFlowRole"]),
            expects: Expects::NameOrArn,
            required: true,
        },
        key_pairs: &[Locator::Path(&["Instances", "Ec2KeyName"])],
        subnets: Some(Locator::Path(&["Instances", "Ec2SubnetId"])),
        ..NOTHING
    },
    Launcher {
        type_name: "AWS::ImageBuilder::InfrastructureConfiguration",
        kind: "Image Builder infrastructure configuration",
        identity: Identity::Profile {
            at: Locator::Path(&["InstanceProfileName"]),
            expects: Expects::Name,
            required: true,
        },
        key_pairs: &[Locator::Path(&["KeyPair"])],
        metadata: Some(Metadata {
            tokens: Locator::Path(&["InstanceMetadataOptions", "HttpTokens"]),
            secure: "required",
            endpoint: None,
        }),
        subnets: Some(Locator::Path(&["SubnetId"])),
        security_groups: Some(Locator::Path(&["SecurityGroupIds"])),
        ..NOTHING
    },
    Launcher {
        type_name: CLOUD9,
        kind: "Cloud9 environment",
        identity: Identity::Cloud9,
        subnets: Some(Locator::Path(&["SubnetId"])),
        ..NOTHING
    },
    Launcher {
        type_name: "AWS::OpsWorks::Stack",
        kind: "OpsWorks stack",
        identity: Identity::Profile {
            at: Locator::Path(&["DefaultInstanceProfileArn"]),
            expects: Expects::Arn,
            required: true,
        },
        key_pairs: &[Locator::Path(&["DefaultSshKeyName"])],
        ..NOTHING
    },
    Launcher {
        type_name: "AWS::OpsWorks::Layer",
        kind: "OpsWorks layer",
        identity: Identity::Profile {
            at: Locator::Path(&["CustomInstanceProfileArn"]),
            expects: Expects::Arn,
            required: false,
        },
        ..NOTHING
    },
    Launcher {
        type_name: "AWS::OpsWorks::Instance",
        kind: "OpsWorks instance",
        key_pairs: &[Locator::Path(&["SshKeyName"])],
        subnets: Some(Locator::Path(&["SubnetId"])),
        ..NOTHING
    },
    Launcher {
        type_name: GAMELIFT_FLEET,
        kind: "GameLift fleet",
        ..NOTHING
    },
];

/// An Elastic Beanstalk environment or configuration template: the options of the
/// `aws:autoscaling:launchconfiguration` namespace.
const fn beanstalk(type_name: &'static str, kind: &'static str) -> Launcher {
    Launcher {
        type_name,
        kind,
        settings: PROPERTIES,
        each: false,
        identity: Identity::Profile {
            at: Locator::Option(BEANSTALK_LAUNCH, "IamInstanceProfile"),
            expects: Expects::NameOrArn,
            required: true,
        },
        key_pairs: &[Locator::Option(BEANSTALK_LAUNCH, "EC2KeyName")],
        metadata: Some(Metadata {
            tokens: Locator::Option(BEANSTALK_LAUNCH, "DisableIMDSv1"),
            secure: "true",
            endpoint: None,
        }),
        launch_template: None,
        subnets: None,
        security_groups: None,
    }
}

/// The launcher of a resource type.
pub fn launcher(type_name: &str) -> Option<&'static Launcher> {
    LAUNCHERS.iter().find(|l| l.type_name == type_name)
}

/// "instance", "EKS node group", "Auto Scaling group", … for messages.
pub fn kind_of(type_name: &str) -> &'static str {
    match type_name {
        "AWS::AutoScaling::AutoScalingGroup" => "Auto Scaling group",
        "AWS::EC2::EC2Fleet" => "EC2 Fleet",
        _ => launcher(type_name).map_or("resource", |l| l.kind),
    }
}

/// One launch: a resource, or one launch specification of a Spot Fleet.
#[derive(Debug, Clone)]
pub struct Launch<'a> {
    pub resource: &'a Resource<'a>,
    pub launcher: &'static Launcher,
    /// The settings mapping (its `Fn::If` branches in `when`).
    pub settings: Resolved<'a>,
    /// What to point at when a setting is missing: the settings' key, or the logical id.
    pub anchor: Span,
    /// The position of a Spot Fleet launch specification.
    pub item: Option<usize>,
}

impl<'a> Launch<'a> {
    /// "instance `App`", "EKS node group `Nodes`", "launch specification 2 of Spot
    /// Fleet `Fleet`".
    pub fn subject(&self) -> String {
        match self.item {
            Some(i) => format!(
                "launch specification {} of {} `{}`",
                i + 1,
                self.launcher.kind,
                self.resource.id
            ),
            None => format!("{} `{}`", self.launcher.kind, self.resource.id),
        }
    }

    pub fn kind(&self) -> &'static str {
        self.launcher.kind
    }

    /// Every alternative of a setting.
    pub fn locate(&self, eval: &Evaluator<'a>, locator: &Locator) -> Vec<Reached<'a>> {
        match locator {
            Locator::Path(path) => follow_from(eval, self.settings.clone(), self.anchor, path),
            Locator::Option(namespace, name) => beanstalk_option(eval, self, namespace, name),
        }
    }

    /// The alternatives of a setting that are present (a value or an unknown).
    pub fn values(&self, eval: &Evaluator<'a>, locator: &Locator) -> Vec<Resolved<'a>> {
        self.locate(eval, locator)
            .into_iter()
            .filter_map(|r| match r {
                Reached::Value { value, .. } | Reached::Unknown(value) => Some(value),
                Reached::Missing { .. } => None,
            })
            .collect()
    }

    /// Whether the launch names a launch template (which supplies what it leaves out).
    pub fn uses_launch_template(&self, eval: &Evaluator<'a>) -> bool {
        self.launcher
            .launch_template
            .is_some_and(|l| !self.values(eval, &l).is_empty())
    }
}

/// The launches of a template, in resource order.
pub fn launches<'a>(template: &'a Template<'a>, eval: &Evaluator<'a>) -> Vec<Launch<'a>> {
    let mut out = Vec::new();
    for resource in &template.resources {
        let Some(launcher) = launcher(resource.type_name) else {
            continue;
        };
        let Some((settings, anchor)) = settings_of(resource, launcher) else {
            continue;
        };
        if !launches_instances(eval, resource, settings) {
            continue;
        }
        if launcher.each {
            for (i, item) in eval.items(settings).into_iter().enumerate() {
                if item.value_node().and_then(Node::as_map).is_none() {
                    continue;
                }
                // Point at the specification's first key, not the whole mapping.
                let anchor = item
                    .value_node()
                    .and_then(Node::as_map)
                    .and_then(<[crate::syntax::Entry]>::first)
                    .map_or(item.node.span, |e| e.key_span);
                out.push(Launch {
                    resource,
                    launcher,
                    anchor,
                    settings: item,
                    item: Some(i),
                });
            }
        } else {
            out.push(Launch {
                resource,
                launcher,
                settings: Resolved::literal(settings),
                anchor,
                item: None,
            });
        }
    }
    out
}

/// The settings node and what to point at when a setting is missing.
fn settings_of<'a>(resource: &'a Resource<'a>, launcher: &Launcher) -> Option<(&'a Node, Span)> {
    let mut node = resource.node;
    let mut anchor = resource.id_span;
    for key in launcher.settings {
        match node.entry(key) {
            Some(entry) => {
                node = &entry.value;
                anchor = entry.key_span;
            }
            // A resource without `Properties` still launches with defaults.
            None if *key == "Properties" => return Some((resource.node, anchor)),
            None => return None,
        }
    }
    Some((node, anchor))
}

/// Whether the resource launches EC2 instances at all: a Batch compute environment on
/// Fargate does not; a Cloud9 environment always does.
fn launches_instances<'a>(
    eval: &Evaluator<'a>,
    resource: &'a Resource<'a>,
    settings: &'a Node,
) -> bool {
    match resource.type_name {
        BATCH_COMPUTE => !eval.eval_opt(settings.get("Type")).iter().all(|t| {
            t.value
                .as_str()
                .is_some_and(|t| t.trim().starts_with("FARGATE"))
        }),
        _ => true,
    }
}

/// Where a property path leads, in one alternative.
#[derive(Debug, Clone)]
pub enum Reached<'a> {
    /// The value at the end of the path, and the key it is under.
    Value { value: Resolved<'a>, key: Span },
    /// The path stops at `anchor` (the last key present, or the resource's logical id):
    /// `missing` (dotted) is not there.
    Missing {
        missing: String,
        anchor: Span,
        at: Resolved<'a>,
    },
    /// A value on the way cannot be known statically.
    Unknown(Resolved<'a>),
}

/// Follows `path` from the resource's mapping through every `Fn::If` alternative:
/// `AWS::NoValue` is a missing key, an unknown value stops the walk.
pub fn follow<'a>(
    eval: &Evaluator<'a>,
    resource: &'a Resource<'a>,
    path: &[&str],
) -> Vec<Reached<'a>> {
    follow_from(
        eval,
        Resolved::literal(resource.node),
        resource.id_span,
        path,
    )
}

/// [`follow`] from any mapping alternative, `anchor` pointing at it.
pub fn follow_from<'a>(
    eval: &Evaluator<'a>,
    start: Resolved<'a>,
    anchor: Span,
    path: &[&str],
) -> Vec<Reached<'a>> {
    let mut current = vec![(start, anchor)];
    let mut out = Vec::new();
    for (i, key) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let rest = || path.get(i..).unwrap_or_default().join(".");
        let mut next = Vec::new();
        for (parent, anchor) in current {
            let entry = parent.value_node().and_then(|n| n.entry(key));
            let Some(entry) = entry else {
                out.push(Reached::Missing {
                    missing: rest(),
                    anchor,
                    at: parent,
                });
                continue;
            };
            for value in eval.eval_under(&entry.value, &parent.when) {
                let Some(value) = value.under(&parent) else {
                    continue;
                };
                match &value.value {
                    Value::NoValue => out.push(Reached::Missing {
                        missing: rest(),
                        anchor,
                        at: value,
                    }),
                    Value::Unknown(_) => out.push(Reached::Unknown(value)),
                    _ if last => out.push(Reached::Value {
                        value,
                        key: entry.key_span,
                    }),
                    Value::Node(n) if n.as_map().is_some() => next.push((value, entry.key_span)),
                    _ => out.push(Reached::Missing {
                        missing: path.get(i + 1..).unwrap_or_default().join("."),
                        anchor: entry.key_span,
                        at: value,
                    }),
                }
            }
        }
        current = next;
    }
    out
}

/// The `Value` of an Elastic Beanstalk option in `OptionSettings`, per alternative; one
/// `Missing` when no entry sets it. An environment built from a configuration template
/// (`TemplateName`) gets the options it leaves out from there: they are not missing.
fn beanstalk_option<'a>(
    eval: &Evaluator<'a>,
    launch: &Launch<'a>,
    namespace: &str,
    name: &str,
) -> Vec<Reached<'a>> {
    let settings = &launch.settings;
    let (mut out, unknown_entries) = option_values(eval, settings, (namespace, name));
    if !out.is_empty() || unknown_entries {
        return out;
    }
    // A configuration template is a partial set of options: the environments built from
    // it add theirs. An environment built from one gets what it leaves out from there.
    if launch.resource.type_name == BEANSTALK_TEMPLATE {
        return out;
    }
    let node = settings.value_node();
    if node.is_some_and(|n| n.get("SourceConfiguration").is_some()) {
        return out;
    }
    if let Some(template_name) = node.and_then(|n| n.get("TemplateName")) {
        let from = eval.eval(template_name);
        let [one] = from.as_slice() else {
            return out;
        };
        let Value::Ref(r) = &one.value else {
            return out;
        };
        let Some(template) = eval
            .resource(r.id)
            .filter(|t| t.type_name == BEANSTALK_TEMPLATE)
        else {
            return out;
        };
        let start = template.properties.map(Resolved::literal);
        let (found, unknown) = match &start {
            Some(start) => option_values(eval, start, (namespace, name)),
            None => (Vec::new(), false),
        };
        if !found.is_empty() || unknown {
            return found;
        }
    }
    let anchor = node
        .and_then(|n| n.entry("OptionSettings"))
        .map_or(launch.anchor, |e| e.key_span);
    out.push(Reached::Missing {
        missing: format!("`{namespace}` option `{name}`"),
        anchor,
        at: settings.clone(),
    });
    out
}

/// The values of one option in a mapping's `OptionSettings`, and whether some entry
/// could not be read (then the option may be among them).
fn option_values<'a>(
    eval: &Evaluator<'a>,
    settings: &Resolved<'a>,
    (namespace, name): (&str, &str),
) -> (Vec<Reached<'a>>, bool) {
    let options = eval.field(settings, "OptionSettings");
    let mut out = Vec::new();
    let mut unknown_entries = false;
    for list in &options {
        let Some(list_node) = list.value_node() else {
            unknown_entries = true;
            continue;
        };
        for item in eval.items_opt(Some(list_node)) {
            let Some(item) = item.under(list) else {
                continue;
            };
            let text = |key: &str| -> Option<String> {
                let alts = eval.field(&item, key);
                match alts.as_slice() {
                    [one] => one.value.as_str().map(|s| s.trim().to_string()),
                    _ => None,
                }
            };
            match (text("Namespace"), text("OptionName")) {
                (Some(ns), Some(option)) if ns == namespace && option == name => {}
                (Some(_), Some(_)) => continue,
                _ => {
                    unknown_entries = true;
                    continue;
                }
            }
            let key = item
                .value_node()
                .and_then(|n| n.entry("Value"))
                .map_or(item.node.span, |e| e.key_span);
            for value in eval.field(&item, "Value") {
                out.push(match value.value {
                    Value::Unknown(_) => Reached::Unknown(value),
                    _ => Reached::Value { value, key },
                });
            }
        }
    }
    (out, unknown_entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::model::Template;

    fn with_launches(yaml: &str, check: impl FnOnce(&Evaluator<'_>, &[Launch<'_>])) {
        let root = crate::syntax::parse(yaml).expect("parses");
        let template = Template::new(&root);
        let eval = Evaluator::new(&template, &Default::default());
        let launches = launches(&template, &eval);
        check(&eval, &launches);
    }

    #[test]
    fn every_launch_specification_is_a_launch() {
        let yaml = "Resources:\n  Fleet:\n    Type: AWS::EC2::SpotFleet\n    Properties:\n      SpotFleetRequestConfigData:\n        LaunchSpecifications:\n          - ImageId: ami-1\n            KeyName: ops\n          - ImageId: ami-2\n";
        with_launches(yaml, |eval, launches| {
            let subjects: Vec<String> = launches.iter().map(Launch::subject).collect();
            assert_eq!(
                subjects,
                [
                    "launch specification 1 of Spot Fleet `Fleet`",
                    "launch specification 2 of Spot Fleet `Fleet`"
                ]
            );
            let keys = launches[0].values(eval, &Locator::Path(&["KeyName"]));
            assert_eq!(keys.len(), 1);
            assert!(launches[1]
                .values(eval, &Locator::Path(&["KeyName"]))
                .is_empty());
        });
    }

    #[test]
    fn beanstalk_options_are_read_from_option_settings() {
        let yaml = "Resources:\n  Env:\n    Type: AWS::ElasticBeanstalk::Environment\n    Properties:\n      OptionSettings:\n        - Namespace: aws:autoscaling:launchconfiguration\n          OptionName: EC2KeyName\n          Value: ops\n";
        with_launches(yaml, |eval, launches| {
            let [env] = launches else {
                panic!("one launch: {launches:?}");
            };
            let key = env.values(eval, &Locator::Option(BEANSTALK_LAUNCH, "EC2KeyName"));
            assert_eq!(key.first().and_then(|k| k.value.as_str()), Some("ops"));
            let profile = env.locate(
                eval,
                &Locator::Option(BEANSTALK_LAUNCH, "IamInstanceProfile"),
            );
            assert!(matches!(profile.as_slice(), [Reached::Missing { .. }]));
        });
    }

    #[test]
    fn a_fargate_compute_environment_launches_no_instances() {
        let yaml = "Resources:\n  Compute:\n    Type: AWS::Batch::ComputeEnvironment\n    Properties:\n      Type: MANAGED\n      ComputeResources:\n        Type: FARGATE\n        MaxvCpus: 4\n";
        with_launches(yaml, |_, launches| assert!(launches.is_empty()));
    }
}
