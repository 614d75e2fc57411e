//! What a firewall entry lets through: protocol, ports and source, parsed from the
//! template's values. One vocabulary for security group rules and network ACL entries.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::base::Tri;
use crate::syntax::Node;
use crate::template::eval::{Resolved, Unknown, Value};
use crate::template::When;

/// The `IpProtocol` of an ingress rule (or `Protocol` of a NACL entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protocol {
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
    pub fn parse(value: &Value<'_>) -> Protocol {
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
pub enum Source {
    /// `CidrIp`/`CidrIpv6` (`CidrBlock`/`Ipv6CidrBlock` for NACLs), parsed; `text` as
    /// written.
    Cidr { net: IpNet, text: String },
    /// `SourceSecurityGroupId`/`SourceSecurityGroupName`, described for messages.
    SecurityGroup(String),
    /// `SourcePrefixListId`, described for messages.
    PrefixList(String),
    /// A CIDR given by a parameter whose value is not known here (no default, or one its
    /// branch rules out): how wide it is is unknown, that the port is open is not.
    /// `world` is the first of its `AllowedValues` that is the whole internet.
    Parameter {
        name: String,
        world: Option<(IpNet, String)>,
    },
    /// A CIDR that cannot be known statically (import, dynamic reference) or is
    /// malformed.
    Unknown,
}

impl Source {
    /// Whether the source is the whole internet (a CIDR with prefix length 0).
    pub fn is_internet(&self) -> Tri {
        match self {
            Source::Cidr { net, .. } if net.prefix_len() == 0 => Tri::Yes,
            Source::Cidr { .. } | Source::SecurityGroup(_) | Source::PrefixList(_) => Tri::No,
            Source::Parameter { world: Some(_), .. } => Tri::Yes,
            Source::Parameter { world: None, .. } | Source::Unknown => Tri::Unknown,
        }
    }

    /// Whether the port is known to be open from here, however wide "here" is: every
    /// source but an unknown one.
    pub fn is_known(&self) -> bool {
        !matches!(self, Source::Unknown)
    }

    /// "the whole internet (0.0.0.0/0)", "10.0.0.0/16", "security group `BastionSG`".
    pub fn describe(&self) -> String {
        match self {
            Source::Cidr { net, text } if net.prefix_len() == 0 => {
                format!("the whole internet ({text})")
            }
            Source::Cidr { text, .. } => text.clone(),
            Source::SecurityGroup(d) | Source::PrefixList(d) => d.clone(),
            Source::Parameter {
                name,
                world: Some((_, text)),
            } => format!("the whole internet ({text}, which parameter `{name}` allows)"),
            Source::Parameter { name, world: None } => {
                format!("the CIDR given by parameter `{name}`")
            }
            Source::Unknown => "an unknown source".to_string(),
        }
    }

    /// The source a `CidrIp`-like value gives; `allowed` reads a parameter's
    /// `AllowedValues` (for a parameter whose value is not known).
    pub fn cidr(value: &Value<'_>, allowed: &dyn Fn(&str) -> Vec<String>) -> Source {
        if let Value::Unknown(Unknown::Parameter(name)) = value {
            let world = allowed(name).into_iter().find_map(|v| {
                parse_cidr(&v)
                    .filter(|n| n.prefix_len() == 0)
                    .map(|n| (n, v.trim().to_string()))
            });
            return Source::Parameter {
                name: name.clone(),
                world,
            };
        }
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
pub fn parse_cidr(text: &str) -> Option<IpNet> {
    let text = text.trim();
    let (addr, len) = text.split_once('/')?;
    let addr: IpAddr = addr.trim().parse().ok()?;
    let len: u8 = len.trim().parse().ok()?;
    IpNet::new(addr, len).ok()
}

/// A port number as evaluated: the number when known.
#[derive(Debug, Clone, Copy)]
pub struct Port<'a> {
    pub value: Option<i64>,
    /// The node the port was read from (absent when the key is missing).
    pub node: Option<&'a Node>,
}

impl<'a> Port<'a> {
    pub fn parse(resolved: Option<&Resolved<'a>>) -> Port<'a> {
        Port {
            value: resolved
                .and_then(|r| r.value.as_str())
                .and_then(|s| s.trim().parse::<i64>().ok()),
            node: resolved.map(|r| r.node),
        }
    }
}

/// What one alternative of a security group rule or a network ACL entry matches: the
/// shared core of [`IngressRule`](super::ingress::IngressRule) and
/// [`NaclEntry`](super::ingress::NaclEntry).
#[derive(Debug, Clone)]
pub struct Traffic<'a> {
    pub protocol: Protocol,
    pub protocol_node: Option<&'a Node>,
    pub from: Port<'a>,
    pub to: Port<'a>,
    pub source: Source,
    /// The node holding the source value: the narrowest span to point at.
    pub source_node: &'a Node,
    /// `Fn::If` branches this alternative rests on.
    pub when: When<'a>,
    /// Parameters whose `Default` this alternative rests on.
    pub defaults: Vec<&'a str>,
}

impl Traffic<'_> {
    /// Whether TCP traffic to `port` matches (ignoring the source and direction).
    pub fn admits_tcp_port(&self, port: i64) -> Tri {
        admits(&self.protocol, self.from.value, self.to.value, port)
    }

    /// How the port is admitted, when [`admits_tcp_port`](Self::admits_tcp_port) is `Yes`.
    pub fn port_match(&self, port: i64) -> Option<PortMatch> {
        port_match(&self.protocol, self.from.value, self.to.value, port)
    }
}

/// How a rule lets a given TCP port in, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortMatch {
    /// Protocol `-1`: everything.
    AllTraffic,
    /// A TCP range `from..=to` that contains the port (`from == to` for a single port).
    Range(i64, i64),
}

pub fn admits(protocol: &Protocol, from: Option<i64>, to: Option<i64>, port: i64) -> Tri {
    match protocol {
        Protocol::All => Tri::Yes,
        Protocol::Other => Tri::No,
        Protocol::Unknown => Tri::Unknown,
        Protocol::Tcp => match (from, to) {
            // Negative or out-of-range TCP ports are rejected by EC2 ("TCP/UDP port (-1)
            // out of range"): such a rule never opens anything, but the template is
            // invalid there, so stay silent rather than claim either way.
            (Some(from), Some(to)) if (0..=65535).contains(&from) && (0..=65535).contains(&to) => {
                if from <= port && port <= to {
                    Tri::Yes
                } else {
                    Tri::No
                }
            }
            _ => Tri::Unknown,
        },
    }
}

pub fn port_match(
    protocol: &Protocol,
    from: Option<i64>,
    to: Option<i64>,
    port: i64,
) -> Option<PortMatch> {
    match (admits(protocol, from, to, port), protocol) {
        (Tri::Yes, Protocol::All) => Some(PortMatch::AllTraffic),
        (Tri::Yes, _) => Some(PortMatch::Range(from?, to?)),
        _ => None,
    }
}

pub fn parse_bool(value: &Value<'_>) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Str(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::Str(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}
