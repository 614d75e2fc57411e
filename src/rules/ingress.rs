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
//! [`Tristate::Unknown`], and the rules report nothing on an unknown.

use std::fmt::Write as _;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::rules::{label_defaults, qualifiers, Context, Finding, RuleMeta};
use crate::source::Span;
use crate::template::eval::{merge_provenance, Resolved, Unknown, Value};
use crate::template::model::Resource;
use crate::template::{Node, NodeKind};

/// A three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tristate {
    Yes,
    No,
    Unknown,
}

/// The `IpProtocol` of an ingress rule (or `Protocol` of a NACL entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// `-1`: every protocol, every port.
    All,
    /// `tcp` (any case) or `6`: the port range applies.
    Tcp,
    /// Another protocol (`udp`, `icmp`, `icmpv6`, a protocol number): never TCP.
    Other,
    /// Not known statically, or not a value EC2 accepts.
    Unknown,
}

impl Protocol {
    pub(crate) fn parse(value: &Value<'_>) -> Protocol {
        let Some(text) = value.as_str() else {
            return Protocol::Unknown;
        };
        let text = text.trim().to_ascii_lowercase();
        if let Ok(n) = text.parse::<i64>() {
            return match n {
                -1 => Protocol::All,
                6 => Protocol::Tcp,
                0..=255 => Protocol::Other,
                _ => Protocol::Unknown,
            };
        }
        match text.as_str() {
            "tcp" => Protocol::Tcp,
            "udp" | "icmp" | "icmpv6" => Protocol::Other,
            // EC2 accepts only these names or a number: anything else (`all`, a typo)
            // would be rejected, so it is not evidence of an open port.
            _ => Protocol::Unknown,
        }
    }
}

/// Where an ingress rule lets traffic in from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// `CidrIp`/`CidrIpv6` (`CidrBlock`/`Ipv6CidrBlock` for NACLs), parsed; `text` as
    /// written.
    Cidr { net: IpNet, text: String },
    /// `SourceSecurityGroupId`/`SourceSecurityGroupName`, described for messages.
    SecurityGroup(String),
    /// `SourcePrefixListId`, described for messages.
    PrefixList(String),
    /// A CIDR that cannot be known statically (parameter without default, import,
    /// dynamic reference) or is malformed.
    Unknown,
}

impl Source {
    /// Whether the source is the whole internet (a CIDR with prefix length 0).
    pub(crate) fn is_internet(&self) -> Tristate {
        match self {
            Source::Cidr { net, .. } if net.prefix_len() == 0 => Tristate::Yes,
            Source::Cidr { .. } | Source::SecurityGroup(_) | Source::PrefixList(_) => Tristate::No,
            Source::Unknown => Tristate::Unknown,
        }
    }

    /// "the whole internet (0.0.0.0/0)", "10.0.0.0/16", "security group `BastionSG`".
    pub(crate) fn describe(&self) -> String {
        match self {
            Source::Cidr { net, text } if net.prefix_len() == 0 => {
                format!("the whole internet ({text})")
            }
            Source::Cidr { text, .. } => text.clone(),
            Source::SecurityGroup(d) | Source::PrefixList(d) => d.clone(),
            Source::Unknown => "an unknown source".to_string(),
        }
    }

    fn cidr(value: &Value<'_>) -> Source {
        match value.as_str().and_then(parse_cidr) {
            Some(net) => Source::Cidr {
                net,
                text: value.as_str().unwrap_or_default().trim().to_string(),
            },
            None => Source::Unknown,
        }
    }
}

/// Parses `a.b.c.d/n` or an IPv6 CIDR in any spelling (`::/0`, `0000::/0`,
/// `0000:0000:0000:0000:0000:0000:0000:0000/0`). An address without a prefix length is
/// not a CIDR to EC2, so it is not accepted here.
pub(crate) fn parse_cidr(text: &str) -> Option<IpNet> {
    let text = text.trim();
    let (addr, len) = text.split_once('/')?;
    let addr: IpAddr = addr.trim().parse().ok()?;
    let len: u8 = len.trim().parse().ok()?;
    IpNet::new(addr, len).ok()
}

/// A port number as evaluated: the number when known.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Port<'a> {
    pub value: Option<i64>,
    /// The node the port was read from (absent when the key is missing).
    pub node: Option<&'a Node>,
}

impl<'a> Port<'a> {
    pub(crate) fn parse(resolved: Option<&Resolved<'a>>) -> Port<'a> {
        Port {
            value: resolved
                .and_then(|r| r.value.as_str())
                .and_then(|s| s.trim().parse::<i64>().ok()),
            node: resolved.map(|r| r.node),
        }
    }
}

/// Which security group a standalone `AWS::EC2::SecurityGroupIngress` attaches to.
#[derive(Debug, Clone)]
pub(crate) enum GroupLink<'a> {
    /// A security group of the template (`!Ref SG`, `!GetAtt SG.GroupId`, `GroupName: !Ref SG`).
    Resource { id: &'a str, node: &'a Node },
    /// A group given literally (`sg-0123…`, a group name).
    Literal { text: String, node: &'a Node },
    /// Not known statically, or not given.
    Unknown,
}

/// One alternative of one ingress rule.
#[derive(Debug, Clone)]
pub(crate) struct IngressRule<'a> {
    /// The resource that declares the rule: the security group for inline rules, the
    /// `AWS::EC2::SecurityGroupIngress` otherwise.
    pub resource: &'a Resource<'a>,
    /// For standalone rules, the group they attach to; `None` for inline rules.
    pub group: Option<GroupLink<'a>>,
    /// The rule's mapping (the list entry, or the standalone resource's `Properties`).
    pub entry: &'a Node,
    pub protocol: Protocol,
    pub protocol_node: Option<&'a Node>,
    pub from: Port<'a>,
    pub to: Port<'a>,
    pub source: Source,
    /// The node holding the source value: the narrowest span to point at.
    pub source_node: &'a Node,
    /// `Fn::If` branches this alternative rests on.
    pub when: Vec<(&'a str, bool)>,
    /// Parameters whose `Default` this alternative rests on.
    pub defaults: Vec<&'a str>,
}

/// How a rule lets a given TCP port in, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PortMatch {
    /// Protocol `-1`: everything.
    AllTraffic,
    /// A TCP range `from..=to` that contains the port (`from == to` for a single port).
    Range(i64, i64),
}

impl<'a> IngressRule<'a> {
    /// Whether the rule admits TCP traffic to `port` (ignoring the source).
    pub(crate) fn admits_tcp_port(&self, port: i64) -> Tristate {
        admits(&self.protocol, self.from.value, self.to.value, port)
    }

    /// How the port is admitted, when [`admits_tcp_port`](Self::admits_tcp_port) is `Yes`.
    pub(crate) fn port_match(&self, port: i64) -> Option<PortMatch> {
        port_match(&self.protocol, self.from.value, self.to.value, port)
    }

    /// "security group `WebSG`" or "ingress rule `SshIngress` of security group `WebSG`".
    pub(crate) fn subject(&self) -> String {
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
    pub(crate) fn is_inline(&self) -> bool {
        self.group.is_none()
    }
}

pub(crate) fn admits(
    protocol: &Protocol,
    from: Option<i64>,
    to: Option<i64>,
    port: i64,
) -> Tristate {
    match protocol {
        Protocol::All => Tristate::Yes,
        Protocol::Other => Tristate::No,
        Protocol::Unknown => Tristate::Unknown,
        Protocol::Tcp => match (from, to) {
            // Negative or out-of-range TCP ports are rejected by EC2 ("TCP/UDP port (-1)
            // out of range"): such a rule never opens anything, but the template is
            // invalid there, so stay silent rather than claim either way.
            (Some(from), Some(to)) if (0..=65535).contains(&from) && (0..=65535).contains(&to) => {
                if from <= port && port <= to {
                    Tristate::Yes
                } else {
                    Tristate::No
                }
            }
            _ => Tristate::Unknown,
        },
    }
}

fn port_match(
    protocol: &Protocol,
    from: Option<i64>,
    to: Option<i64>,
    port: i64,
) -> Option<PortMatch> {
    match (admits(protocol, from, to, port), protocol) {
        (Tristate::Yes, Protocol::All) => Some(PortMatch::AllTraffic),
        (Tristate::Yes, _) => Some(PortMatch::Range(from?, to?)),
        _ => None,
    }
}

const SOURCE_KEYS: [&str; 5] = [
    "CidrIp",
    "CidrIpv6",
    "SourceSecurityGroupId",
    "SourceSecurityGroupName",
    "SourcePrefixListId",
];

/// Every alternative of every security group ingress rule of the template.
pub(crate) fn ingress_rules<'a>(cx: &Context<'a>) -> Vec<IngressRule<'a>> {
    let mut out = Vec::new();
    for resource in &cx.template.resources {
        match resource.type_name {
            "AWS::EC2::SecurityGroup" => {
                for item in cx.eval.items_opt(resource.property("SecurityGroupIngress")) {
                    expand_rule(cx, resource, None, &item, &mut out);
                }
            }
            "AWS::EC2::SecurityGroupIngress" => {
                let Some(props) = resource.properties else {
                    continue;
                };
                let group = group_link(cx, resource);
                let root = Resolved::literal(props);
                expand_rule(cx, resource, Some(group), &root, &mut out);
            }
            _ => {}
        }
    }
    out
}

fn group_link<'a>(cx: &Context<'a>, resource: &Resource<'a>) -> GroupLink<'a> {
    for key in ["GroupId", "GroupName"] {
        let alts = cx.eval.eval_opt(resource.property(key));
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
type Provenance<'a> = (Vec<(&'a str, bool)>, Vec<&'a str>);

/// Merges the provenance of `b` into `a`; `None` when their `Fn::If` branches contradict.
fn merge<'a>(a: &Provenance<'a>, b: &Resolved<'a>) -> Option<Provenance<'a>> {
    let (mut when, mut defaults) = a.clone();
    merge_provenance(&mut when, &mut defaults, &b.when, &b.defaults).then_some((when, defaults))
}

/// Alternatives of an optional field: `[None]` when absent, so products keep going.
fn field_alts<'a>(cx: &Context<'a>, parent: &Resolved<'a>, key: &str) -> Vec<Option<Resolved<'a>>> {
    let alts = cx.eval.field(parent, key);
    if alts.is_empty() {
        vec![None]
    } else {
        alts.into_iter().map(Some).collect()
    }
}

/// At most this many combinations are expanded per rule entry.
const MAX_COMBINATIONS: usize = 256;

fn expand_rule<'a>(
    cx: &Context<'a>,
    resource: &'a Resource<'a>,
    group: Option<GroupLink<'a>>,
    item: &Resolved<'a>,
    out: &mut Vec<IngressRule<'a>>,
) {
    let Value::Node(entry) = item.value else {
        return;
    };
    if entry.as_map().is_none() {
        return;
    }
    let protocols = field_alts(cx, item, "IpProtocol");
    let froms = field_alts(cx, item, "FromPort");
    let tos = field_alts(cx, item, "ToPort");
    let mut sources: Vec<(&'static str, Resolved<'a>)> = Vec::new();
    for key in SOURCE_KEYS {
        for alt in cx.eval.field(item, key) {
            sources.push((key, alt));
        }
    }
    let base = (item.when.clone(), item.defaults.clone());
    let mut produced = 0usize;
    for (key, src) in &sources {
        let is_cidr = matches!(*key, "CidrIp" | "CidrIpv6");
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
                        _ if is_cidr => Source::cidr(&src.value),
                        "SourcePrefixListId" => {
                            Source::PrefixList(describe_reference("prefix list", src))
                        }
                        _ => Source::SecurityGroup(describe_reference("security group", src)),
                    };
                    out.push(IngressRule {
                        resource,
                        group: group.clone(),
                        entry,
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
                    });
                }
            }
        }
    }
}

fn with<'a>(prov: &Provenance<'a>, alt: Option<&Resolved<'a>>) -> Option<Provenance<'a>> {
    match alt {
        Some(alt) => merge(prov, alt),
        None => Some(prov.clone()),
    }
}

/// "security group `BastionSG`", "prefix list `pl-0123`", "the security group given by
/// parameter `P`", "an imported security group".
fn describe_reference(kind: &str, source: &Resolved<'_>) -> String {
    match &source.value {
        Value::Ref(r) => format!("{kind} `{}`", r.id),
        Value::Str(_) | Value::Unknown(Unknown::Parameter(_)) if !source.defaults.is_empty() => {
            format!("the {kind} given by parameter `{}`", source.defaults[0])
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
pub(crate) struct NaclEntry<'a> {
    pub resource: &'a Resource<'a>,
    /// The ACL it belongs to, as a comparable key (`Ref` target or literal text).
    pub acl: Option<String>,
    /// `Egress`: `Some(false)` for inbound (also when absent), `None` when unknown.
    pub egress: Option<bool>,
    /// `RuleAction`: `Some(true)` for allow, `Some(false)` for deny, `None` when unknown.
    pub allow: Option<bool>,
    pub action_node: Option<&'a Node>,
    pub rule_number: Option<i64>,
    pub protocol: Protocol,
    pub protocol_node: Option<&'a Node>,
    pub from: Port<'a>,
    pub to: Port<'a>,
    pub source: Source,
    pub source_node: &'a Node,
    pub when: Vec<(&'a str, bool)>,
    pub defaults: Vec<&'a str>,
}

impl<'a> NaclEntry<'a> {
    /// Whether the entry matches inbound TCP traffic to `port` (ignoring source and action).
    pub(crate) fn matches_inbound_tcp_port(&self, port: i64) -> Tristate {
        match self.egress {
            Some(false) => admits(&self.protocol, self.from.value, self.to.value, port),
            Some(true) => Tristate::No,
            None => Tristate::Unknown,
        }
    }

    pub(crate) fn port_match(&self, port: i64) -> Option<PortMatch> {
        port_match(&self.protocol, self.from.value, self.to.value, port)
    }

    /// Whether the entry allows inbound TCP `port` from the whole internet.
    pub(crate) fn allows_from_internet(&self, port: i64) -> Tristate {
        and(
            and(
                self.matches_inbound_tcp_port(port),
                self.source.is_internet(),
            ),
            match self.allow {
                Some(true) => Tristate::Yes,
                Some(false) => Tristate::No,
                None => Tristate::Unknown,
            },
        )
    }

    fn is_ipv6(&self) -> Option<bool> {
        match &self.source {
            Source::Cidr { net, .. } => Some(matches!(net, IpNet::V6(_))),
            _ => None,
        }
    }

    /// A lower-numbered, unconditional deny entry of the same ACL that blocks inbound
    /// TCP `port` from the whole internet of the same address family, so this entry
    /// never gets to allow it (NACL entries are evaluated in rule-number order).
    pub(crate) fn shadowed_by<'e>(
        &self,
        entries: &'e [NaclEntry<'a>],
        port: i64,
    ) -> Option<&'e NaclEntry<'a>> {
        let (Some(acl), Some(number), Some(v6)) = (&self.acl, self.rule_number, self.is_ipv6())
        else {
            return None;
        };
        entries.iter().find(|deny| {
            deny.acl.as_ref() == Some(acl)
                && deny.rule_number.is_some_and(|n| n < number)
                && deny.allow == Some(false)
                && deny.when.is_empty()
                && deny.resource.condition.is_none()
                && deny.is_ipv6() == Some(v6)
                && deny.source.is_internet() == Tristate::Yes
                && deny.matches_inbound_tcp_port(port) == Tristate::Yes
        })
    }
}

fn and(a: Tristate, b: Tristate) -> Tristate {
    match (a, b) {
        (Tristate::No, _) | (_, Tristate::No) => Tristate::No,
        (Tristate::Yes, Tristate::Yes) => Tristate::Yes,
        _ => Tristate::Unknown,
    }
}

/// Every alternative of every `AWS::EC2::NetworkAclEntry` of the template.
pub(crate) fn nacl_entries<'a>(cx: &Context<'a>) -> Vec<NaclEntry<'a>> {
    let mut out = Vec::new();
    for resource in cx
        .template
        .resources_of_type(&["AWS::EC2::NetworkAclEntry"])
    {
        let Some(props) = resource.properties else {
            continue;
        };
        let root = Resolved::literal(props);
        let acl = cx
            .eval
            .eval_opt(resource.property("NetworkAclId"))
            .first()
            .and_then(|r| match &r.value {
                Value::Ref(r) => Some(format!("ref:{}", r.id)),
                Value::Str(s) => Some(format!("lit:{s}")),
                _ => None,
            });
        let egress = field_alts(cx, &root, "Egress");
        let actions = field_alts(cx, &root, "RuleAction");
        let numbers = field_alts(cx, &root, "RuleNumber");
        let protocols = field_alts(cx, &root, "Protocol");
        let mut ranges: Vec<(Option<Resolved<'a>>, Option<Resolved<'a>>)> = Vec::new();
        let range_alts = cx.eval.field(&root, "PortRange");
        if range_alts.is_empty() {
            ranges.push((None, None));
        }
        for range in &range_alts {
            for f in field_alts(cx, range, "From") {
                for t in field_alts(cx, range, "To") {
                    // Carry the range's own provenance even when a bound is missing.
                    let f = f.clone().or_else(|| Some(missing(range)));
                    let t = t.or_else(|| Some(missing(range)));
                    ranges.push((f, t));
                }
            }
        }
        let mut sources = Vec::new();
        for key in ["CidrBlock", "Ipv6CidrBlock"] {
            sources.extend(cx.eval.field(&root, key));
        }
        let base = (Vec::new(), Vec::new());
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
                                    protocol: p
                                        .as_ref()
                                        .map_or(Protocol::Unknown, |p| Protocol::parse(&p.value)),
                                    protocol_node: p.as_ref().map(|p| p.node),
                                    from: Port::parse(
                                        f.as_ref().filter(|f| !matches!(f.value, Value::Null)),
                                    ),
                                    to: Port::parse(
                                        t.as_ref().filter(|t| !matches!(t.value, Value::Null)),
                                    ),
                                    source: Source::cidr(&src.value),
                                    source_node: src.node,
                                    when,
                                    defaults,
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

pub(crate) fn parse_bool(value: &Value<'_>) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::Str(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------
// Message helpers shared by the SSM20x rules

/// "SSH (TCP 22)", "all traffic, including SSH (TCP 22),", "TCP 0-65535, including SSH (22),".
pub(crate) fn describe_match(m: PortMatch, service: &str, port: i64) -> String {
    match m {
        PortMatch::AllTraffic => format!("all traffic, including {service} (TCP {port}),"),
        PortMatch::Range(from, to) if from == to => format!("{service} (TCP {port})"),
        PortMatch::Range(from, to) => format!("TCP {from}-{to}, including {service} ({port}),"),
    }
}

/// The secondary label explaining how the port is let in, and where.
pub(crate) fn port_label<'a>(
    m: PortMatch,
    protocol_node: Option<&'a Node>,
    from: Port<'a>,
    to: Port<'a>,
    port: i64,
) -> Option<(Span, String)> {
    match m {
        PortMatch::AllTraffic => {
            protocol_node.map(|n| (n.span, "protocol -1: all protocols and ports".to_string()))
        }
        PortMatch::Range(a, b) => {
            let node = from.node.or(to.node)?;
            let text = if a == b {
                format!("TCP port {port}")
            } else {
                format!("port range {a}-{b} includes {port}")
            };
            Some((node.span, text))
        }
    }
}

// ---------------------------------------------------------------------------------
// Reporting shared by SSM200-SSM202

/// How to reach the instance without inbound SSH, as YAML comments for help snippets
/// (short lines: renderers wrap long help lines, which would break the comments).
pub(crate) const SSH_INSTEAD: &str = "\
# shell:  aws ssm start-session --target i-0123456789abcdef0
# SSH, if a tool needs it: ProxyCommand with AWS-StartSSHSession";

/// How to reach the desktop without inbound RDP, as YAML comments for help snippets.
pub(crate) const RDP_INSTEAD: &str = "\
# RDP:  aws ssm start-session --target i-0123456789abcdef0 \\
#         --document-name AWS-StartPortForwardingSession \\
#         --parameters portNumber=3389,localPortNumber=13389
# then connect the RDP client to localhost:13389";

/// Whether `rule` lets TCP `port` in from the whole internet (SSM200/SSM202).
pub(crate) fn open_to_internet(rule: &IngressRule<'_>, port: i64) -> bool {
    rule.admits_tcp_port(port) == Tristate::Yes && rule.source.is_internet() == Tristate::Yes
}

/// Builds the finding for one rule alternative that admits `port`.
pub(crate) fn ingress_finding(
    cx: &Context<'_>,
    meta: &'static RuleMeta,
    rule: &IngressRule<'_>,
    port: i64,
    service: &str,
    session: &str,
) -> Option<Finding> {
    let m = rule.port_match(port)?;
    let internet = rule.source.is_internet() == Tristate::Yes;
    let mut message = format!(
        "{} admits {} from {}{}",
        rule.subject(),
        describe_match(m, service, port),
        rule.source.describe(),
        qualifiers(&rule.when, rule.resource.condition, &rule.defaults)
    );
    if !internet {
        let _ = write!(
            message,
            "; Session Manager makes this {service} path unnecessary"
        );
    }
    let label = if internet {
        "open to the whole internet".to_string()
    } else {
        format!("{service} allowed from here")
    };
    let mut finding = Finding::new(meta, rule.source_node.span, message)
        .label(label)
        .resource(rule.resource.id);
    if let Some((span, text)) = port_label(m, rule.protocol_node, rule.from, rule.to, port) {
        finding = finding.with_label(span, text);
    }
    match &rule.group {
        Some(GroupLink::Resource { id, node }) => {
            finding = finding.with_label(node.span, format!("attaches to security group `{id}`"));
        }
        Some(GroupLink::Literal { text, node }) => {
            finding = finding.with_label(node.span, format!("attaches to security group `{text}`"));
        }
        _ => {}
    }
    finding = label_defaults(finding, cx.template, &rule.defaults);
    Some(finding.help(fix_snippet(rule, m, port, service, session)))
}

/// Pushes `finding` unless an identical one (same span and message) is already there.
pub(crate) fn push_unique(out: &mut Vec<Finding>, finding: Finding) {
    if !out
        .iter()
        .any(|f| f.code == finding.code && f.span == finding.span && f.message == finding.message)
    {
        out.push(finding);
    }
}

/// SSM200 and SSM202: `port` open to the whole internet.
pub(crate) fn report_open_to_internet(
    cx: &Context<'_>,
    meta: &'static RuleMeta,
    port: i64,
    service: &str,
    session: &str,
    out: &mut Vec<Finding>,
) {
    for rule in ingress_rules(cx) {
        if open_to_internet(&rule, port) {
            if let Some(f) = ingress_finding(cx, meta, &rule, port, service, session) {
                push_unique(out, f);
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Fix snippets

/// The replacement for a rule entry that admits `port`: nothing for a single-port rule,
/// the rest of the range for a range, and a placeholder service port for `-1`.
fn replacement_entries(rule: &IngressRule<'_>, m: PortMatch, port: i64) -> Vec<String> {
    let mut out = Vec::new();
    match m {
        PortMatch::Range(from, to) if from == to => {}
        PortMatch::Range(from, to) => {
            if from < port {
                out.push(emit_entry(rule.entry, Some(("tcp", from, port - 1)), 0));
            }
            if port < to {
                out.push(emit_entry(rule.entry, Some(("tcp", port + 1, to)), 0));
            }
        }
        PortMatch::AllTraffic => {
            out.push(emit_entry(rule.entry, Some(("tcp", 443, 443)), 0));
        }
    }
    out
}

/// A paste-ready YAML snippet that removes `port` from the rule: the security group
/// with its `SecurityGroupIngress` minus the rule (other entries kept), or the
/// standalone resource reduced to the remaining ports. `session` (YAML comments) says
/// how to connect through Session Manager instead.
pub(crate) fn fix_snippet(
    rule: &IngressRule<'_>,
    m: PortMatch,
    port: i64,
    service: &str,
    session: &str,
) -> String {
    let replacements = replacement_entries(rule, m, port);
    let what = match m {
        PortMatch::Range(a, b) if a == b => format!("remove the {service} rule"),
        PortMatch::Range(..) => format!("split the port range around {port}"),
        PortMatch::AllTraffic => {
            "replace the all-traffic rule with the ports the service needs (443 shown)".to_string()
        }
    };
    let mut text = format!("{what}; Session Manager needs no inbound port:\n\n");
    if rule.is_inline() {
        let property = rule.resource.property("SecurityGroupIngress");
        let siblings: Option<Vec<&Node>> = property.and_then(|p| match &p.kind {
            NodeKind::Seq(items) if items.iter().any(|i| std::ptr::eq(i, rule.entry)) => {
                Some(items.iter().collect())
            }
            NodeKind::Map(_) if std::ptr::eq(p, rule.entry) => Some(vec![p]),
            _ => None,
        });
        match siblings {
            Some(items) => {
                let mut entries = Vec::new();
                for item in items {
                    if std::ptr::eq(item, rule.entry) {
                        entries.extend(replacements.iter().cloned());
                    } else {
                        entries.push(emit_entry(item, None, 0));
                    }
                }
                text.push_str(&emit_group(rule.resource, &entries));
            }
            // The entry sits under an intrinsic: show only what replaces it.
            None if replacements.is_empty() => {
                let _ = writeln!(
                    text,
                    "# in `{}`, delete this entry of SecurityGroupIngress",
                    rule.resource.id
                );
            }
            None => {
                let _ = writeln!(
                    text,
                    "# in `{}`, replace this entry of SecurityGroupIngress with:",
                    rule.resource.id
                );
                for e in &replacements {
                    text.push_str(&as_list_item(e, 0));
                    text.push('\n');
                }
            }
        }
    } else if replacements.is_empty() {
        let _ = writeln!(
            text,
            "# delete the `{}` resource (AWS::EC2::SecurityGroupIngress)",
            rule.resource.id
        );
    } else {
        for (i, e) in replacements.iter().enumerate() {
            let suffix = if i == 0 {
                String::new()
            } else {
                (i + 1).to_string()
            };
            let _ = writeln!(
                text,
                "{}{suffix}:\n  Type: AWS::EC2::SecurityGroupIngress\n  Properties:\n{}",
                rule.resource.id,
                indent(e, 4)
            );
        }
    }
    text.push_str(session);
    text
}

/// The security group resource with `SecurityGroupIngress` set to `entries` (dropped
/// when empty); `Type`, `Condition` and the other properties as they are.
fn emit_group(resource: &Resource<'_>, entries: &[String]) -> String {
    let mut out = format!("{}:\n", scalar_text(resource.id, false));
    let mut others = false;
    for e in resource.node.as_map().unwrap_or_default() {
        match e.key.as_str() {
            "Properties" => {
                out.push_str("  Properties:\n");
                for p in e.value.as_map().unwrap_or_default() {
                    if p.key != "SecurityGroupIngress" {
                        emit_entry_pair(&p.key, &p.value, 4, &mut out);
                    } else if !entries.is_empty() {
                        out.push_str("    SecurityGroupIngress:\n");
                        for entry in entries {
                            out.push_str(&as_list_item(entry, 6));
                            out.push('\n');
                        }
                    }
                }
            }
            "Type" | "Condition" => emit_entry_pair(&e.key, &e.value, 2, &mut out),
            _ => others = true,
        }
    }
    if others {
        out.push_str("  # other resource attributes unchanged\n");
    }
    out
}

fn indent(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    text.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Turns an emitted mapping into a `- ` list item indented by `by`.
fn as_list_item(text: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            out.push(format!("{pad}- {line}"));
        } else {
            out.push(format!("{pad}  {line}"));
        }
    }
    out.join("\n")
}

/// Emits a rule mapping as block YAML, optionally with protocol and ports replaced.
fn emit_entry(entry: &Node, ports: Option<(&str, i64, i64)>, indent: usize) -> String {
    let mut out = String::new();
    let Some(entries) = entry.as_map() else {
        emit_block(entry, indent, &mut out);
        return out;
    };
    let pad = " ".repeat(indent);
    let mut wrote_ports = false;
    for e in entries {
        if let Some((protocol, from, to)) = ports {
            match e.key.as_str() {
                "IpProtocol" => {
                    let _ = writeln!(out, "{pad}IpProtocol: {protocol}");
                    continue;
                }
                "FromPort" | "ToPort" => {
                    if !wrote_ports {
                        let _ = writeln!(out, "{pad}FromPort: {from}\n{pad}ToPort: {to}");
                        wrote_ports = true;
                    }
                    continue;
                }
                _ => {}
            }
        }
        emit_entry_pair(&e.key, &e.value, indent, &mut out);
    }
    if let Some((_, from, to)) = ports {
        if !wrote_ports {
            let _ = writeln!(out, "{pad}FromPort: {from}\n{pad}ToPort: {to}");
        }
    }
    out
}

fn emit_entry_pair(key: &str, value: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let _ = write!(out, "{pad}{}:", scalar_text(key, false));
    match inline_value(value) {
        Some(v) => {
            let _ = writeln!(out, " {v}");
        }
        None => {
            out.push('\n');
            emit_block(value, indent + 2, out);
        }
    }
}

/// A value that fits on its key's line: scalars and empty collections.
fn inline_value(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Null => Some("null".into()),
        NodeKind::Bool(b) => Some(b.to_string()),
        NodeKind::Number(n) => Some(n.clone()),
        NodeKind::String(s) => Some(scalar_text(s, true)),
        NodeKind::Seq(items) if items.is_empty() => Some("[]".into()),
        NodeKind::Map(entries) if entries.is_empty() => Some("{}".into()),
        NodeKind::Opaque { tag, value } => inline_value(value).map(|v| format!("!{tag} {v}")),
        _ => None,
    }
}

fn emit_block(node: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match &node.kind {
        NodeKind::Map(entries) if !entries.is_empty() => {
            for e in entries {
                emit_entry_pair(&e.key, &e.value, indent, out);
            }
        }
        NodeKind::Seq(items) if !items.is_empty() => {
            for item in items {
                match inline_value(item) {
                    Some(v) => {
                        let _ = writeln!(out, "{pad}- {v}");
                    }
                    None => {
                        let mut inner = String::new();
                        emit_block(item, indent + 2, &mut inner);
                        let inner = inner.strip_prefix(&format!("{pad}  ")).unwrap_or(&inner);
                        let _ = write!(out, "{pad}- {inner}");
                    }
                }
            }
        }
        NodeKind::Opaque { value, .. } => emit_block(value, indent, out),
        _ => {
            let _ = writeln!(out, "{pad}{}", inline_value(node).unwrap_or_default());
        }
    }
}

/// A string as a YAML scalar: plain when that reads back as the same string, else
/// single-quoted. `as_value` also quotes texts that would read back as numbers etc.
fn scalar_text(s: &str, as_value: bool) -> String {
    let plain_chars = s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, '.' | '/' | '-' | '_' | ':' | '$' | '{' | '}' | '@' | '+')
    });
    let first_ok = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '_'));
    let ambiguous = as_value
        && (s.parse::<f64>().is_ok()
            || s.starts_with("0x")
            || s.starts_with("0o")
            || matches!(
                s.to_ascii_lowercase().as_str(),
                "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
            ));
    let plain = plain_chars && first_ok && !s.ends_with(':') && !s.contains('{') && !ambiguous;
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::rules::{find_rule, Finding};
    use crate::source::SourceFile;
    use crate::template::eval::Evaluator;
    use crate::template::model::Template;

    fn run(codes: &[&str], text: &str) -> Vec<Finding> {
        let source = SourceFile::new("t.yaml", text);
        let root = crate::template::parse(text).expect("parses");
        let template = Template::new(&root);
        let eval = Evaluator::new(&template, &HashMap::new());
        let cx = Context::new(&source, &template, &eval);
        let mut out = Vec::new();
        for code in codes {
            find_rule(code).expect("rule").check(&cx, &mut out);
        }
        out
    }

    fn all(text: &str) -> Vec<Finding> {
        run(&["SSM200", "SSM201", "SSM202", "SSM203"], text)
    }

    fn codes(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.code).collect()
    }

    fn spanned(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    fn sg(ingress: &str) -> String {
        format!(
            "Resources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n{ingress}"
        )
    }

    #[test]
    fn cidr_parsing() {
        for any in [
            "0.0.0.0/0",
            "::/0",
            "0000::/0",
            "0000:0000:0000:0000:0000:0000:0000:0000/0",
            " 0.0.0.0/0 ",
        ] {
            assert_eq!(parse_cidr(any).map(|n| n.prefix_len()), Some(0), "{any}");
        }
        assert_eq!(
            parse_cidr("2001:800::/21").map(|n| n.prefix_len()),
            Some(21)
        );
        assert_eq!(parse_cidr("10.0.0.0"), None);
        assert_eq!(parse_cidr("{{resolve:ssm:mysubnet}}"), None);
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
    }

    #[test]
    fn protocols() {
        let p = |s: &str| Protocol::parse(&Value::Str(s.into()));
        assert_eq!(p("tcp"), Protocol::Tcp);
        assert_eq!(p("TCP"), Protocol::Tcp);
        assert_eq!(p("6"), Protocol::Tcp);
        assert_eq!(p("-1"), Protocol::All);
        assert_eq!(p("udp"), Protocol::Other);
        assert_eq!(p("1"), Protocol::Other);
        assert_eq!(p("all"), Protocol::Unknown);
    }

    #[test]
    fn single_port_world() {
        let text = sg("        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM200"]);
        assert_eq!(
            f[0].message,
            "security group `WebSG` admits SSH (TCP 22) from the whole internet (0.0.0.0/0)"
        );
        assert_eq!(spanned(&text, f[0].span), "0.0.0.0/0");
        assert_eq!(f[0].resource.as_deref(), Some("WebSG"));
        assert!(f[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("aws ssm start-session"));
    }

    #[test]
    fn port_range() {
        let text = sg("        - IpProtocol: tcp\n          FromPort: 20\n          ToPort: 25\n          CidrIp: 0.0.0.0/0\n");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM200"]);
        assert!(
            f[0].message.contains("TCP 20-25, including SSH (22)"),
            "{}",
            f[0].message
        );
        assert!(f[0]
            .labels
            .iter()
            .any(|l| spanned(&text, l.span) == "20" && l.text.contains("20-25")));
        let help = f[0].help.clone().unwrap_or_default();
        assert!(help.contains("FromPort: 20\n        ToPort: 21"), "{help}");
        assert!(help.contains("FromPort: 23\n        ToPort: 25"), "{help}");
        // A range that stops short of 22 is fine.
        let text = sg("        - IpProtocol: tcp\n          FromPort: 23\n          ToPort: 25\n          CidrIp: 0.0.0.0/0\n");
        assert!(all(&text).is_empty());
    }

    #[test]
    fn all_protocols_ignore_ports() {
        let text = sg("        - IpProtocol: -1\n          FromPort: 80\n          ToPort: 80\n          CidrIp: 0.0.0.0/0\n");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM200", "SSM202"]);
        assert!(
            f[0].message
                .contains("all traffic, including SSH (TCP 22), from"),
            "{}",
            f[0].message
        );
        assert!(f[0].labels.iter().any(|l| spanned(&text, l.span) == "-1"));
        let text = sg("        - IpProtocol: '-1'\n          CidrIp: 0.0.0.0/0\n");
        assert_eq!(codes(&all(&text)), ["SSM200", "SSM202"]);
    }

    #[test]
    fn string_ports_and_upper_case_tcp() {
        let text = sg("        - IpProtocol: TCP\n          FromPort: '22'\n          ToPort: \"22\"\n          CidrIp: 0.0.0.0/0\n");
        assert_eq!(codes(&all(&text)), ["SSM200"]);
        let text = sg("        - IpProtocol: 6\n          FromPort: '3389'\n          ToPort: '3389'\n          CidrIp: 0.0.0.0/0\n");
        assert_eq!(codes(&all(&text)), ["SSM202"]);
    }

    #[test]
    fn other_protocols_and_invalid_ports() {
        for rule in [
            "        - IpProtocol: udp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n",
            "        - IpProtocol: icmp\n          FromPort: -1\n          ToPort: -1\n          CidrIp: 0.0.0.0/0\n",
            "        - IpProtocol: tcp\n          FromPort: -1\n          ToPort: -1\n          CidrIp: 0.0.0.0/0\n",
            "        - IpProtocol: tcp\n          FromPort: 23\n          ToPort: 21\n          CidrIp: 0.0.0.0/0\n",
            "        - IpProtocol: tcp\n          CidrIp: 0.0.0.0/0\n",
        ] {
            assert!(all(&sg(rule)).is_empty(), "{rule}");
        }
    }

    #[test]
    fn ipv6_any_spellings() {
        for cidr in [
            "'::/0'",
            "0000::/0",
            "0000:0000:0000:0000:0000:0000:0000:0000/0",
        ] {
            let text = sg(&format!(
                "        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIpv6: {cidr}\n"
            ));
            let f = all(&text);
            assert_eq!(codes(&f), ["SSM200"], "{cidr}");
            assert!(f[0].message.contains("whole internet"), "{}", f[0].message);
        }
        let text = sg("        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIpv6: 2001:800::/21\n");
        assert_eq!(codes(&all(&text)), ["SSM201"]);
    }

    #[test]
    fn parameter_default_is_named_and_labelled() {
        let text = "Parameters:\n  SSHLocation:\n    Type: String\n    Default: 0.0.0.0/0\nResources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: !Ref SSHLocation\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM200"]);
        assert!(
            f[0].message
                .ends_with("(from the default of parameter `SSHLocation`)"),
            "{}",
            f[0].message
        );
        assert_eq!(spanned(text, f[0].span), "!Ref SSHLocation");
        let label = f[0]
            .labels
            .iter()
            .find(|l| l.text.contains("SSHLocation"))
            .expect("label");
        assert_eq!(spanned(text, label.span), "0.0.0.0/0");
        assert_eq!(text[..label.span.start].matches('\n').count(), 3);
    }

    #[test]
    fn parameter_without_default_is_unknown() {
        let text = "Parameters:\n  SSHLocation:\n    Type: String\nResources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: !Ref SSHLocation\n";
        assert!(all(text).is_empty());
    }

    #[test]
    fn fn_if_on_cidr_names_the_condition() {
        let text = "Conditions:\n  IsDev: !Equals [!Ref 'AWS::Region', eu-west-1]\nResources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: !If [IsDev, 0.0.0.0/0, 10.0.0.0/16]\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM200"], "{f:#?}");
        assert!(
            f[0].message.contains("when condition `IsDev` is true"),
            "{}",
            f[0].message
        );
        assert_eq!(spanned(text, f[0].span), "0.0.0.0/0");
        // Without the world branch, the narrower branch is SSM201 and names its condition.
        let text = text.replace("0.0.0.0/0", "192.168.0.0/24");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM201", "SSM201"]);
        assert!(f
            .iter()
            .any(|f| f.message.contains("condition `IsDev` is false")));
    }

    #[test]
    fn fn_if_on_list_and_resource_condition() {
        let text = "Conditions:\n  HasSsh: !Equals [!Ref 'AWS::Region', eu-west-1]\nResources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Condition: HasSsh\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress: !If\n        - HasSsh\n        - - IpProtocol: tcp\n            FromPort: 22\n            ToPort: 22\n            CidrIp: 0.0.0.0/0\n        - !Ref AWS::NoValue\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM200"]);
        assert!(
            f[0].message
                .ends_with("when condition `HasSsh` is true (resource condition `HasSsh`)"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn standalone_ingress() {
        let text = "Resources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n  SshIngress:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !GetAtt WebSG.GroupId\n      IpProtocol: tcp\n      FromPort: \"22\"\n      ToPort: \"22\"\n      CidrIp: 0.0.0.0/0\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM200"]);
        assert_eq!(
            f[0].message,
            "ingress rule `SshIngress` of security group `WebSG` admits SSH (TCP 22) from the whole internet (0.0.0.0/0)"
        );
        assert_eq!(f[0].resource.as_deref(), Some("SshIngress"));
        assert!(f[0]
            .labels
            .iter()
            .any(|l| spanned(text, l.span) == "!GetAtt WebSG.GroupId"));
        assert!(f[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("delete the `SshIngress` resource"));
    }

    #[test]
    fn single_map_instead_of_list() {
        let text = "Resources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        IpProtocol: tcp\n        FromPort: 22\n        ToPort: 22\n        CidrIp: 0.0.0.0/0\n";
        assert_eq!(codes(&all(text)), ["SSM200"]);
    }

    #[test]
    fn source_security_group_is_ssm201_only() {
        let text = "Resources:\n  BastionSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: bastion\n  AppSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: app\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          SourceSecurityGroupId: !Ref BastionSG\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM201"]);
        assert!(
            f[0].message.contains("from security group `BastionSG`"),
            "{}",
            f[0].message
        );
        assert_eq!(spanned(text, f[0].span), "!Ref BastionSG");
        let text = text.replace(
            "SourceSecurityGroupId: !Ref BastionSG",
            "SourcePrefixListId: pl-0123abcd",
        );
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM201"]);
        assert!(f[0].message.contains("prefix list `pl-0123abcd`"));
    }

    #[test]
    fn source_from_parameter_is_described_by_name() {
        let text = "Parameters:\n  Access:\n    Type: String\n    Default: disabled\n  Bastion:\n    Type: AWS::EC2::SecurityGroup::Id\nResources:\n  In1:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: sg-0123\n      IpProtocol: tcp\n      FromPort: 22\n      ToPort: 22\n      SourcePrefixListId: !Ref Access\n  In2:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !ImportValue shared-sg\n      IpProtocol: tcp\n      FromPort: 22\n      ToPort: 22\n      SourceSecurityGroupId: !Ref Bastion\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM201", "SSM201"]);
        assert_eq!(
            f[0].message,
            "ingress rule `In1` of security group `sg-0123` admits SSH (TCP 22) from the prefix list given by parameter `Access`; Session Manager makes this SSH path unnecessary"
        );
        assert!(f[1].message.starts_with(
            "ingress rule `In2` admits SSH (TCP 22) from the security group given by parameter `Bastion`;"
        ), "{}", f[1].message);
    }

    #[test]
    fn narrower_cidr_and_no_double_report() {
        let text = sg("        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 10.0.0.0/8\n        - IpProtocol: tcp\n          FromPort: 80\n          ToPort: 80\n          CidrIp: 0.0.0.0/0\n");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM201"]);
        assert_eq!(f[0].severity, crate::Severity::Warning);
        // The fix keeps the other rule.
        let help = f[0].help.clone().unwrap_or_default();
        assert!(help.contains("FromPort: 80"), "{help}");
        assert!(!help.contains("FromPort: 22"), "{help}");
        let text = sg("        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n");
        assert_eq!(codes(&all(&text)), ["SSM200"]);
    }

    #[test]
    fn rdp_from_internet() {
        let text = sg("        - IpProtocol: tcp\n          FromPort: 3389\n          ToPort: 3389\n          CidrIp: 0.0.0.0/0\n");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM202"]);
        assert!(f[0].message.contains("RDP (TCP 3389)"), "{}", f[0].message);
        let text = sg("        - IpProtocol: tcp\n          FromPort: 3389\n          ToPort: 3389\n          CidrIp: 10.0.0.0/8\n");
        assert!(all(&text).is_empty());
    }

    fn nacl(entries: &str) -> String {
        format!("Resources:\n  Acl:\n    Type: AWS::EC2::NetworkAcl\n    Properties:\n      VpcId: vpc-1\n{entries}")
    }

    #[test]
    fn nacl_entries_allowing_ssh() {
        let entry = "  InSsh:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: 100\n      Protocol: 6\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n      PortRange:\n        From: 22\n        To: 22\n";
        let text = nacl(entry);
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM203"]);
        assert_eq!(spanned(&text, f[0].span), "0.0.0.0/0");
        assert!(f[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("RuleAction: deny"));
        // Egress, deny, UDP, narrower CIDR and other ports are fine.
        for (from, to) in [
            ("RuleAction: allow", "RuleAction: deny"),
            ("Protocol: 6", "Protocol: 17"),
            ("CidrBlock: 0.0.0.0/0", "CidrBlock: 10.0.0.0/8"),
            ("From: 22", "From: 23"),
            ("RuleNumber: 100", "RuleNumber: 100\n      Egress: true"),
        ] {
            assert!(all(&nacl(&entry.replace(from, to))).is_empty(), "{to}");
        }
        // All protocols from IPv6 anywhere.
        let text = nacl("  InAll:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: 100\n      Protocol: -1\n      RuleAction: allow\n      Egress: false\n      Ipv6CidrBlock: ::/0\n");
        assert_eq!(codes(&all(&text)), ["SSM203"]);
    }

    #[test]
    fn nacl_allow_shadowed_by_lower_deny() {
        let text = nacl("  DenySsh:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: 90\n      Protocol: 6\n      RuleAction: deny\n      CidrBlock: 0.0.0.0/0\n      PortRange: {From: 22, To: 22}\n  InAll:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: 100\n      Protocol: -1\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n");
        assert!(all(&text).is_empty());
        // A deny with a higher number comes too late.
        let text = text.replace("RuleNumber: 90", "RuleNumber: 110");
        assert_eq!(codes(&all(&text)), ["SSM203"]);
    }

    #[test]
    fn malformed_ingress_is_ignored() {
        let text = "Resources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress: 'hello22'\n";
        assert!(all(text).is_empty());
    }

    #[test]
    fn emitted_snippets_parse_back() {
        let text = sg("        - IpProtocol: tcp\n          FromPort: 0\n          ToPort: 65535\n          CidrIp: 0.0.0.0/0\n          Description: !Sub '${AWS::StackName} all'\n        - IpProtocol: tcp\n          FromPort: '443'\n          ToPort: '443'\n          CidrIpv6: '::/0'\n");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM200", "SSM202"]);
        let help = f[0].help.clone().unwrap_or_default();
        let yaml = help.split_once("\n\n").map(|(_, y)| y).unwrap_or_default();
        let node = crate::template::parse(yaml).expect("snippet parses");
        let items = node
            .get("WebSG")
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get("SecurityGroupIngress"))
            .and_then(Node::as_seq)
            .expect("list");
        assert_eq!(items.len(), 3, "{yaml}");
        assert_eq!(
            items[2].get("FromPort").and_then(Node::as_str),
            Some("443"),
            "{yaml}"
        );
        assert_eq!(
            items[2].get("CidrIpv6").and_then(Node::as_str),
            Some("::/0"),
            "{yaml}"
        );
    }
}
