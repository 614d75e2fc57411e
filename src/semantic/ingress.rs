//! Inbound network rules, shared by the SSM20x rules.
//!
//! [`ingress_rules`] flattens every security group ingress rule of a template — inline
//! `SecurityGroupIngress` entries of `AWS::EC2::SecurityGroup` and standalone
//! `AWS::EC2::SecurityGroupIngress` resources — into one [`IngressRule`] per evaluated
//! alternative (one per combination of `Fn::If` branches), with protocol, ports and
//! source parsed. [`nacl_entries`] does the same for `AWS::EC2::NetworkAclEntry`.
//!
//! Everything is three-valued: a protocol, port or source that cannot be known
//! statically makes [`IngressRule::admits_tcp_port`] or [`Source::is_internet`] return
//! [`Tri::Unknown`](crate::base::Tri), and the rules report nothing on an unknown.

use std::collections::HashMap;

use ipnet::IpNet;

use super::launchers::{
    Launch, Locator, BEANSTALK_ENVIRONMENT, BEANSTALK_LAUNCH, BEANSTALK_TEMPLATE, CLOUD9,
    EKS_NODEGROUP, GAMELIFT_FLEET,
};
use super::traffic::{parse_bool, Port, Protocol, Source, Traffic};
use crate::base::Tri;
use crate::diagnostic::emit::{Snippet, Style};
use crate::syntax::Node;
use crate::template::eval::{merge_provenance, Evaluator, Resolved, Unknown, Value};
use crate::template::model::{Resource, Template};
use crate::template::When;

/// Which security group a standalone `AWS::EC2::SecurityGroupIngress` attaches to.
#[derive(Debug, Clone)]
pub enum GroupLink<'a> {
    /// A security group of the template (`!Ref SG`, `!GetAtt SG.GroupId`, `GroupName: !Ref SG`).
    Resource { id: &'a str, node: &'a Node },
    /// A group given literally (`sg-0123…`, a group name).
    Literal { text: String, node: &'a Node },
    /// Not known statically, or not given.
    Unknown,
}

/// One alternative of one ingress rule.
#[derive(Debug, Clone)]
pub struct IngressRule<'a> {
    /// The resource that declares the rule: the security group for inline rules, the
    /// `AWS::EC2::SecurityGroupIngress` otherwise.
    pub resource: &'a Resource<'a>,
    /// For standalone rules, the group they attach to; `None` for inline rules.
    pub group: Option<GroupLink<'a>>,
    /// The rule's mapping (the list entry, or the standalone resource's `Properties`).
    pub entry: &'a Node,
    pub traffic: Traffic<'a>,
    /// A security group rule, or an opening a launcher makes itself.
    pub origin: Origin,
}

/// Where an ingress rule comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A security group's `SecurityGroupIngress` entry, or an
    /// `AWS::EC2::SecurityGroupIngress`.
    SecurityGroup,
    /// A launcher that opens the port itself: an EKS node group's `RemoteAccess`, an
    /// Elastic Beanstalk key pair, a Cloud9 SSH environment, a GameLift fleet's
    /// `EC2InboundPermissions`.
    /// (Boxed: most rules are a group's, and the list of a large template is megabytes.)
    Launcher(Box<Opening>),
}

/// An opening a launcher makes itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    /// "EKS node group `Nodes` (`RemoteAccess` without `SourceSecurityGroups`)".
    pub subject: String,
    /// The primary label, when the default one does not fit.
    pub label: Option<&'static str>,
    /// How to close it.
    pub help: LauncherHelp,
}

impl<'a> std::ops::Deref for IngressRule<'a> {
    type Target = Traffic<'a>;

    fn deref(&self) -> &Traffic<'a> {
        &self.traffic
    }
}

impl<'a> IngressRule<'a> {
    /// "security group `WebSG`" or "ingress rule `SshIngress` of security group `WebSG`".
    pub fn subject(&self) -> String {
        if let Origin::Launcher(opening) = &self.origin {
            return opening.subject.clone();
        }
        match &self.group {
            None => format!("security group `{}`", self.resource.id),
            Some(GroupLink::Resource { id, .. }) => {
                format!(
                    "ingress rule `{}` of security group `{id}`",
                    self.resource.id
                )
            }
            Some(GroupLink::Literal { text, .. }) => {
                format!(
                    "ingress rule `{}` of security group `{text}`",
                    self.resource.id
                )
            }
            Some(GroupLink::Unknown) => format!("ingress rule `{}`", self.resource.id),
        }
    }

    /// Whether the rule is an entry of a security group's `SecurityGroupIngress`.
    pub fn is_inline(&self) -> bool {
        self.group.is_none() && self.origin == Origin::SecurityGroup
    }
}
/// The keys of an ingress rule mapping.
struct RuleKeys {
    protocol: &'static str,
    sources: &'static [&'static str],
}

const SECURITY_GROUP_KEYS: RuleKeys = RuleKeys {
    protocol: "IpProtocol",
    sources: &[
        "CidrIp",
        "CidrIpv6",
        "SourceSecurityGroupId",
        "SourceSecurityGroupName",
        "SourcePrefixListId",
    ],
};

/// A GameLift fleet's `EC2InboundPermissions` entry.
const GAMELIFT_KEYS: RuleKeys = RuleKeys {
    protocol: "Protocol",
    sources: &["IpRange"],
};

/// Every alternative of every security group ingress rule of the template, and of every
/// opening a launcher makes itself.
pub fn ingress_rules<'a>(
    template: Option<&'a Template<'a>>,
    eval: &Evaluator<'a>,
    launches: &[Launch<'a>],
) -> Vec<IngressRule<'a>> {
    let Some(template) = template else {
        return Vec::new();
    };
    // Reserved for the rules as written (a few more for `Fn::If` alternatives and
    // launchers grow it): a large template's list is megabytes, and growing it by
    // doubling would hold the discarded halves as well.
    let written: usize = template
        .resources_of_type(&["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"])
        .map(
            |r| match r.property("SecurityGroupIngress").map(|p| p.as_seq()) {
                Some(Some(items)) => items.len(),
                Some(None) | None => 1,
            },
        )
        .sum();
    let mut out = Vec::with_capacity(written);
    let group_rule = Origin::SecurityGroup;
    for resource in &template.resources {
        match resource.type_name {
            "AWS::EC2::SecurityGroup" => {
                for item in eval.items_opt(resource.property("SecurityGroupIngress")) {
                    let keys = &SECURITY_GROUP_KEYS;
                    expand_rule(eval, resource, None, &item, keys, &group_rule, &mut out);
                }
            }
            "AWS::EC2::SecurityGroupIngress" => {
                let Some(props) = resource.properties else {
                    continue;
                };
                let group = group_link(eval, resource);
                let root = Resolved::literal(props);
                let keys = &SECURITY_GROUP_KEYS;
                expand_rule(
                    eval,
                    resource,
                    Some(group),
                    &root,
                    keys,
                    &group_rule,
                    &mut out,
                );
            }
            _ => {}
        }
    }
    for launch in launches {
        launcher_openings(eval, launch, &mut out);
    }
    out
}

fn group_link<'a>(eval: &Evaluator<'a>, resource: &Resource<'a>) -> GroupLink<'a> {
    for key in ["GroupId", "GroupName"] {
        let alts = eval.eval_opt(resource.property(key));
        let Some(first) = alts.first() else {
            continue;
        };
        return match &first.value {
            Value::Ref(r) => GroupLink::Resource {
                id: r.id,
                node: first.node,
            },
            Value::Str(s) => GroupLink::Literal {
                text: s.to_string(),
                node: first.node,
            },
            _ => GroupLink::Unknown,
        };
    }
    GroupLink::Unknown
}

/// `Fn::If` branches taken and parameter defaults used.
type Provenance<'a> = (When<'a>, Vec<&'a str>);

/// Merges the provenance of `b` into `a`; `None` when their `Fn::If` branches contradict.
fn merge<'a>(a: &Provenance<'a>, b: &Resolved<'a>) -> Option<Provenance<'a>> {
    let (mut when, mut defaults) = a.clone();
    merge_provenance(&mut when, &mut defaults, &b.when, &b.defaults).then_some((when, defaults))
}

/// Alternatives of an optional field: `[None]` when absent, so products keep going.
fn field_alts<'a>(
    eval: &Evaluator<'a>,
    parent: &Resolved<'a>,
    key: &str,
) -> Vec<Option<Resolved<'a>>> {
    let alts = eval.field(parent, key);
    if alts.is_empty() {
        vec![None]
    } else {
        alts.into_iter().map(Some).collect()
    }
}

/// At most this many combinations are expanded per rule entry.
const MAX_COMBINATIONS: usize = 256;

fn expand_rule<'a>(
    eval: &Evaluator<'a>,
    resource: &'a Resource<'a>,
    group: Option<GroupLink<'a>>,
    item: &Resolved<'a>,
    keys: &RuleKeys,
    origin: &Origin,
    out: &mut Vec<IngressRule<'a>>,
) {
    let Value::Node(entry) = item.value else {
        return;
    };
    if entry.as_map().is_none() {
        return;
    }
    let protocols = field_alts(eval, item, keys.protocol);
    let froms = field_alts(eval, item, "FromPort");
    let tos = field_alts(eval, item, "ToPort");
    let mut sources: Vec<(&'static str, Resolved<'a>)> = Vec::new();
    for &key in keys.sources {
        for alt in eval.field(item, key) {
            sources.push((key, alt));
        }
    }
    let base = (item.when.clone(), item.defaults.clone());
    let mut produced = 0usize;
    for (key, src) in &sources {
        let is_cidr = matches!(*key, "CidrIp" | "CidrIpv6" | "IpRange");
        // Any security group or prefix list is reported, whatever its value: the finding
        // does not rest on a parameter default that supplies it.
        let src_prov = if is_cidr {
            src.clone()
        } else {
            Resolved {
                defaults: Vec::new(),
                ..src.clone()
            }
        };
        let Some(prov) = merge(&base, &src_prov) else {
            continue;
        };
        for p in &protocols {
            let Some(prov) = with(&prov, p.as_ref()) else {
                continue;
            };
            for f in &froms {
                let Some(prov) = with(&prov, f.as_ref()) else {
                    continue;
                };
                for t in &tos {
                    let Some((when, defaults)) = with(&prov, t.as_ref()) else {
                        continue;
                    };
                    produced += 1;
                    if produced > MAX_COMBINATIONS {
                        return;
                    }
                    let source = match *key {
                        _ if is_cidr => Source::cidr(&src.value, &|p| allowed_values(eval, p)),
                        "SourcePrefixListId" => {
                            Source::PrefixList(describe_reference("prefix list", src))
                        }
                        _ => Source::SecurityGroup(describe_reference("security group", src)),
                    };
                    out.push(IngressRule {
                        resource,
                        group: group.clone(),
                        entry,
                        traffic: Traffic {
                            protocol: p
                                .as_ref()
                                .map_or(Protocol::Unknown, |p| Protocol::parse(&p.value)),
                            protocol_node: p.as_ref().map(|p| p.node),
                            from: Port::parse(f.as_ref()),
                            to: Port::parse(t.as_ref()),
                            source,
                            source_node: src.node,
                            when,
                            defaults,
                        },
                        origin: origin.clone(),
                    });
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Openings a launcher makes itself

/// How to close the opening a launcher makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LauncherHelp {
    Eks,
    Beanstalk,
    Cloud9,
    GameLift,
}

impl LauncherHelp {
    /// The help text, its snippet in the file's style.
    pub fn text(self, style: &Style) -> String {
        match self {
            // The rules build the EKS snippet themselves: it names the node group's own
            // key and a parameter the template must not already use.
            LauncherHelp::Eks => "remove `RemoteAccess` and reach the nodes with Session Manager (the node role needs AmazonSSMManagedInstanceCore), or name who may connect in its `SourceSecurityGroups`".to_string(),
            LauncherHelp::Beanstalk => format!(
                "drop `EC2KeyName` and reach the instances with Session Manager, or limit SSH to a narrow source:\n\n{}",
                style.show(&Snippet::Seq(vec![Snippet::map([
                    ("Namespace", Snippet::str("aws:autoscaling:launchconfiguration")),
                    ("OptionName", Snippet::str("SSHSourceRestriction")),
                    ("Value", Snippet::str("tcp, 22, 22, 10.0.0.0/16")),
                ])]))
            ),
            LauncherHelp::Cloud9 => format!(
                "connect through Session Manager instead: no inbound SSH (the environment then uses the AWSCloud9SSMInstanceProfile instance profile):\n\n{}",
                style.show_pair("ConnectionType", &Snippet::str("CONNECT_SSM"))
            ),
            LauncherHelp::GameLift => "remove the entry: reach fleet instances with `aws gamelift get-compute-access`, which connects through Session Manager".to_string(),
        }
    }
}

/// The SSH (or RDP) a launcher opens by itself, as ingress rules.
fn launcher_openings<'a>(
    eval: &Evaluator<'a>,
    launch: &Launch<'a>,
    out: &mut Vec<IngressRule<'a>>,
) {
    let resource = launch.resource;
    let path = |keys: &'static [&'static str]| launch.values(eval, &Locator::Path(keys));
    match resource.type_name {
        GAMELIFT_FLEET => {
            let origin = Origin::Launcher(Box::new(Opening {
                subject: format!("GameLift fleet `{}`", resource.id),
                label: None,
                help: LauncherHelp::GameLift,
            }));
            for list in path(&["EC2InboundPermissions"]) {
                let Some(node) = list.value_node() else {
                    continue;
                };
                for item in eval.items(node) {
                    let Some(item) = item.under(&list) else {
                        continue;
                    };
                    // GameLift's own remote access: only the world-open entries are
                    // reported (SSM200/SSM202), a narrower one is the fleet's business.
                    let mut entries = Vec::new();
                    expand_rule(
                        eval,
                        resource,
                        None,
                        &item,
                        &GAMELIFT_KEYS,
                        &origin,
                        &mut entries,
                    );
                    out.extend(
                        entries
                            .into_iter()
                            .filter(|r| r.source.is_internet() == Tri::Yes),
                    );
                }
            }
        }
        EKS_NODEGROUP => {
            // With a key and no `SourceSecurityGroups`, EKS opens the port to 0.0.0.0/0
            // (3389 for Windows node groups).
            let windows = path(&["AmiType"]).iter().any(|t| {
                t.value
                    .as_str()
                    .is_some_and(|t| t.trim().starts_with("WINDOWS"))
            });
            let port = if windows { 3389 } else { 22 };
            let sources = path(&["RemoteAccess", "SourceSecurityGroups"]);
            for key in path(&["RemoteAccess", "Ec2SshKey"]) {
                // Any `SourceSecurityGroups` that can hold with the key: not the world.
                if sources.iter().any(|s| s.when.compatible(&key.when)) {
                    continue;
                }
                let origin = Origin::Launcher(Box::new(Opening {
                    subject: format!(
                        "EKS node group `{}` (`RemoteAccess` without `SourceSecurityGroups`)",
                        resource.id
                    ),
                    label: None,
                    help: LauncherHelp::Eks,
                }));
                out.push(opening(resource, &key, port, world(), origin));
            }
        }
        BEANSTALK_ENVIRONMENT | BEANSTALK_TEMPLATE => {
            let option = |name| launch.values(eval, &Locator::Option(BEANSTALK_LAUNCH, name));
            let restriction = option("SSHSourceRestriction");
            let subject = format!("{} `{}`", launch.kind(), resource.id);
            for r in &restriction {
                // `protocol, fromPort, toPort, source`.
                let Some(text) = r.value.as_str() else {
                    continue;
                };
                let parts: Vec<&str> = text.split(',').map(str::trim).collect();
                let [protocol, from, to, source] = parts.as_slice() else {
                    continue;
                };
                let source = match crate::semantic::traffic::parse_cidr(source) {
                    Some(net) => Source::Cidr {
                        net,
                        text: source.to_string(),
                    },
                    None => Source::SecurityGroup(format!("security group `{source}`")),
                };
                let mut rule = opening(
                    resource,
                    r,
                    22,
                    source,
                    Origin::Launcher(Box::new(Opening {
                        subject: format!("{subject} (`SSHSourceRestriction`)"),
                        label: None,
                        help: LauncherHelp::Beanstalk,
                    })),
                );
                rule.traffic.protocol = Protocol::parse(&Value::Str((*protocol).into()));
                rule.traffic.from.value = from.parse().ok();
                rule.traffic.to.value = to.parse().ok();
                out.push(rule);
            }
            if restriction.is_empty() {
                // A key pair without a restriction: Beanstalk's security group admits
                // SSH from anywhere.
                for key in option("EC2KeyName") {
                    if key.value.as_str().is_some_and(|k| k.trim().is_empty()) {
                        continue;
                    }
                    let origin = Origin::Launcher(Box::new(Opening {
                        subject: format!("{subject} (`EC2KeyName` without `SSHSourceRestriction`)"),
                        label: None,
                        help: LauncherHelp::Beanstalk,
                    }));
                    out.push(opening(resource, &key, 22, world(), origin));
                }
            }
        }
        CLOUD9 => {
            let connection = path(&["ConnectionType"]);
            let type_node = resource.node.get("Type");
            let ssh: Vec<Resolved<'a>> = if connection.is_empty() {
                type_node.map(Resolved::literal).into_iter().collect()
            } else {
                connection
                    .into_iter()
                    .filter(|c| c.value.as_str().is_some_and(|t| t.trim() == "CONNECT_SSH"))
                    .collect()
            };
            for at in ssh {
                let origin = Origin::Launcher(Box::new(Opening {
                    subject: format!("Cloud9 environment `{}` (`CONNECT_SSH`)", resource.id),
                    label: type_node
                        .is_some_and(|t| std::ptr::eq(t, at.node))
                        .then_some("no `ConnectionType`: CONNECT_SSH, inbound SSH"),
                    help: LauncherHelp::Cloud9,
                }));
                let source = Source::PrefixList("the AWS Cloud9 service's IP ranges".into());
                out.push(opening(resource, &at, 22, source, origin));
            }
        }
        _ => {}
    }
}

fn world() -> Source {
    Source::Cidr {
        net: "0.0.0.0/0".parse().unwrap_or_default(),
        text: "0.0.0.0/0".into(),
    }
}

/// A TCP `port` opening from `source`, pointing at `at`.
fn opening<'a>(
    resource: &'a Resource<'a>,
    at: &Resolved<'a>,
    port: i64,
    source: Source,
    origin: Origin,
) -> IngressRule<'a> {
    let port = Port {
        value: Some(port),
        node: None,
    };
    IngressRule {
        resource,
        group: None,
        entry: at.node,
        traffic: Traffic {
            protocol: Protocol::Tcp,
            protocol_node: None,
            from: port,
            to: port,
            source,
            source_node: at.node,
            when: at.when.clone(),
            defaults: at.defaults.clone(),
        },
        origin,
    }
}

fn with<'a>(prov: &Provenance<'a>, alt: Option<&Resolved<'a>>) -> Option<Provenance<'a>> {
    match alt {
        Some(alt) => merge(prov, alt),
        None => Some(prov.clone()),
    }
}

/// The `AllowedValues` of a parameter of the template.
fn allowed_values(eval: &Evaluator<'_>, parameter: &str) -> Vec<String> {
    eval.template()
        .and_then(|t| t.parameter(parameter))
        .and_then(|p| p.node.get("AllowedValues"))
        .and_then(Node::as_seq)
        .map(|values| {
            values
                .iter()
                .filter_map(|v| v.as_scalar())
                .map(|v| v.to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// "security group `BastionSG`", "prefix list `pl-0123`", "the security group given by
/// parameter `P`", "an imported security group".
fn describe_reference(kind: &str, source: &Resolved<'_>) -> String {
    match &source.value {
        Value::Ref(r) => format!("{kind} `{}`", r.id),
        Value::Str(_) | Value::Unknown(Unknown::Parameter(_)) if !source.defaults.is_empty() => {
            let parameter = source.defaults.first().copied().unwrap_or_default();
            format!("the {kind} given by parameter `{parameter}`")
        }
        Value::Unknown(Unknown::Parameter(p)) => format!("the {kind} given by parameter `{p}`"),
        Value::Str(s) => format!("{kind} `{s}`"),
        Value::Unknown(Unknown::ImportValue) => format!("an imported {kind}"),
        _ => format!("a {kind}"),
    }
}

// ---------------------------------------------------------------------------------
// Network ACL entries

/// One alternative of one `AWS::EC2::NetworkAclEntry`.
#[derive(Debug, Clone)]
pub struct NaclEntry<'a> {
    pub resource: &'a Resource<'a>,
    /// The ACL it belongs to, as a comparable key (`Ref` target or literal text).
    pub acl: Option<String>,
    /// `Egress`: `Some(false)` for inbound (also when absent), `None` when unknown.
    pub egress: Option<bool>,
    /// `RuleAction`: `Some(true)` for allow, `Some(false)` for deny, `None` when unknown.
    pub allow: Option<bool>,
    pub action_node: Option<&'a Node>,
    pub rule_number: Option<i64>,
    pub traffic: Traffic<'a>,
}

impl<'a> std::ops::Deref for NaclEntry<'a> {
    type Target = Traffic<'a>;

    fn deref(&self) -> &Traffic<'a> {
        &self.traffic
    }
}

impl<'a> NaclEntry<'a> {
    /// Whether the entry matches inbound TCP traffic to `port` (ignoring source and action).
    pub fn matches_inbound_tcp_port(&self, port: i64) -> Tri {
        match self.egress {
            Some(false) => self.admits_tcp_port(port),
            Some(true) => Tri::No,
            None => Tri::Unknown,
        }
    }

    /// Whether the entry allows inbound TCP `port` from the whole internet.
    pub fn allows_from_internet(&self, port: i64) -> Tri {
        self.matches_inbound_tcp_port(port)
            .and(self.source.is_internet())
            .and(Tri::from_option(self.allow))
    }

    fn is_ipv6(&self) -> Option<bool> {
        match &self.source {
            Source::Cidr { net, .. } => Some(matches!(net, IpNet::V6(_))),
            _ => None,
        }
    }

    /// Whether a lower-numbered, unconditional deny entry of the same ACL (in
    /// `denies`, from [`internet_denies`]) blocks the port from the whole internet of the
    /// same address family, so this entry never gets to allow it (NACL entries are
    /// evaluated in rule-number order).
    pub fn shadowed_in(&self, denies: &InternetDenies) -> bool {
        let (Some(acl), Some(number), Some(v6)) = (&self.acl, self.rule_number, self.is_ipv6())
        else {
            return false;
        };
        denies
            .get(&(acl.clone(), v6))
            .is_some_and(|&lowest| lowest < number)
    }
}

/// The lowest rule number of an unconditional deny of inbound TCP `port` from the whole
/// internet, per ACL and address family (`true` for IPv6).
pub type InternetDenies = HashMap<(String, bool), i64>;

/// [`InternetDenies`] of `entries` for `port`: one pass, so checking every entry against
/// them stays linear.
pub fn internet_denies(entries: &[NaclEntry<'_>], port: i64) -> InternetDenies {
    let mut out = InternetDenies::new();
    for deny in entries {
        let (Some(acl), Some(number), Some(v6)) = (&deny.acl, deny.rule_number, deny.is_ipv6())
        else {
            continue;
        };
        if deny.allow == Some(false)
            && deny.when.is_empty()
            && deny.resource.condition.is_none()
            && deny.source.is_internet() == Tri::Yes
            && deny.matches_inbound_tcp_port(port) == Tri::Yes
        {
            let lowest = out.entry((acl.clone(), v6)).or_insert(number);
            *lowest = (*lowest).min(number);
        }
    }
    out
}

/// Every alternative of every `AWS::EC2::NetworkAclEntry` of the template.
pub fn nacl_entries<'a>(
    template: Option<&'a Template<'a>>,
    eval: &Evaluator<'a>,
) -> Vec<NaclEntry<'a>> {
    let mut out = Vec::new();
    let Some(template) = template else {
        return out;
    };
    for resource in template.resources_of_type(&["AWS::EC2::NetworkAclEntry"]) {
        let Some(props) = resource.properties else {
            continue;
        };
        let root = Resolved::literal(props);
        let acl = eval
            .eval_opt(resource.property("NetworkAclId"))
            .first()
            .and_then(|r| match &r.value {
                Value::Ref(r) => Some(format!("ref:{}", r.id)),
                Value::Str(s) => Some(format!("lit:{s}")),
                _ => None,
            });
        let egress = field_alts(eval, &root, "Egress");
        let actions = field_alts(eval, &root, "RuleAction");
        let numbers = field_alts(eval, &root, "RuleNumber");
        let protocols = field_alts(eval, &root, "Protocol");
        let mut ranges: Vec<(Option<Resolved<'a>>, Option<Resolved<'a>>)> = Vec::new();
        let range_alts = eval.field(&root, "PortRange");
        if range_alts.is_empty() {
            ranges.push((None, None));
        }
        for range in &range_alts {
            for f in field_alts(eval, range, "From") {
                for t in field_alts(eval, range, "To") {
                    // Carry the range's own provenance even when a bound is missing.
                    let f = f.clone().or_else(|| Some(missing(range)));
                    let t = t.or_else(|| Some(missing(range)));
                    ranges.push((f, t));
                }
            }
        }
        let mut sources = Vec::new();
        for key in ["CidrBlock", "Ipv6CidrBlock"] {
            sources.extend(eval.field(&root, key));
        }
        let base = (When::new(), Vec::new());
        let mut produced = 0usize;
        for src in &sources {
            let Some(prov) = merge(&base, src) else {
                continue;
            };
            for e in &egress {
                let Some(prov) = with(&prov, e.as_ref()) else {
                    continue;
                };
                for a in &actions {
                    let Some(prov) = with(&prov, a.as_ref()) else {
                        continue;
                    };
                    for n in &numbers {
                        let Some(prov) = with(&prov, n.as_ref()) else {
                            continue;
                        };
                        for p in &protocols {
                            let Some(prov) = with(&prov, p.as_ref()) else {
                                continue;
                            };
                            for (f, t) in &ranges {
                                let Some(prov) = with(&prov, f.as_ref()) else {
                                    continue;
                                };
                                let Some((when, defaults)) = with(&prov, t.as_ref()) else {
                                    continue;
                                };
                                produced += 1;
                                if produced > MAX_COMBINATIONS {
                                    break;
                                }
                                out.push(NaclEntry {
                                    resource,
                                    acl: acl.clone(),
                                    egress: match e.as_ref().map(|e| &e.value) {
                                        None => Some(false),
                                        Some(v) => parse_bool(v),
                                    },
                                    allow: a.as_ref().and_then(|a| match a.value.as_str() {
                                        Some(s) if s.trim().eq_ignore_ascii_case("allow") => {
                                            Some(true)
                                        }
                                        Some(s) if s.trim().eq_ignore_ascii_case("deny") => {
                                            Some(false)
                                        }
                                        _ => None,
                                    }),
                                    action_node: a.as_ref().map(|a| a.node),
                                    rule_number: n
                                        .as_ref()
                                        .and_then(|n| n.value.as_str())
                                        .and_then(|s| s.trim().parse().ok()),
                                    traffic: Traffic {
                                        protocol: p.as_ref().map_or(Protocol::Unknown, |p| {
                                            Protocol::parse(&p.value)
                                        }),
                                        protocol_node: p.as_ref().map(|p| p.node),
                                        from: Port::parse(
                                            f.as_ref().filter(|f| !matches!(f.value, Value::Null)),
                                        ),
                                        to: Port::parse(
                                            t.as_ref().filter(|t| !matches!(t.value, Value::Null)),
                                        ),
                                        source: Source::cidr(&src.value, &|p| {
                                            allowed_values(eval, p)
                                        }),
                                        source_node: src.node,
                                        when,
                                        defaults,
                                    },
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// A stand-in for a missing `From`/`To` that keeps the `PortRange` alternative's provenance.
fn missing<'a>(range: &Resolved<'a>) -> Resolved<'a> {
    Resolved {
        value: Value::Null,
        ..range.clone()
    }
}
