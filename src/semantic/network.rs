//! The network model of a template, shared by the SSM50x rules.
//!
//! [`Network::build`] reads VPCs, subnets, route tables and their associations, routes,
//! internet gateway attachments, VPC endpoints, Elastic IPs and the placement of every
//! instance and Auto Scaling group (`SubnetId`, `NetworkInterfaces`, launch-template
//! network interfaces, `VPCZoneIdentifier`) into guarded facts: each fact carries the
//! `Fn::If` branches and resource `Condition:`s it rests on.
//!
//! [`Network::path`] answers, for one placement and one assignment of conditions
//! ([`Scenario`]), whether the SSM Agent has a way to Systems Manager:
//! [`PathState::Reachable`], [`PathState::Missing`] (known to be missing, with what is
//! missing) or [`PathState::Unknown`]. Anything from outside the template — a subnet or
//! route table given by a parameter or import, the VPC's main route table, a prefix-list
//! destination, a route to a transit gateway, peering connection or appliance — is
//! unknown, and the rules report nothing on an unknown. [`Network::paths`] runs `path` over
//! every assignment of the conditions it actually consults.

use super::launchers::{kind_of, Launch, Locator};
use std::collections::HashMap;

use ipnet::IpNet;

use super::traffic::{parse_bool, parse_cidr};
use crate::base::Tri;
use crate::syntax::Node;
use crate::template::eval::{merge_provenance, Evaluator, Part, Resolved, Value};
use crate::template::model::{Resource, Template};
use crate::template::scenario::{self, Ambiguous, Scenario};
use crate::template::When;

pub const VPC: &str = "AWS::EC2::VPC";
pub const SUBNET: &str = "AWS::EC2::Subnet";
pub const ROUTE_TABLE: &str = "AWS::EC2::RouteTable";
pub const ROUTE: &str = "AWS::EC2::Route";
pub const ASSOCIATION: &str = "AWS::EC2::SubnetRouteTableAssociation";
pub const INTERNET_GATEWAY: &str = "AWS::EC2::InternetGateway";
pub const GATEWAY_ATTACHMENT: &str = "AWS::EC2::VPCGatewayAttachment";
pub const VPN_PROPAGATION: &str = "AWS::EC2::VPNGatewayRoutePropagation";
pub const ENDPOINT: &str = "AWS::EC2::VPCEndpoint";
pub const SECURITY_GROUP: &str = "AWS::EC2::SecurityGroup";
pub const NETWORK_INTERFACE: &str = "AWS::EC2::NetworkInterface";
pub const INSTANCE: &str = "AWS::EC2::Instance";
pub const LAUNCH_TEMPLATE: &str = "AWS::EC2::LaunchTemplate";
pub const LAUNCH_CONFIGURATION: &str = "AWS::AutoScaling::LaunchConfiguration";
pub const AUTO_SCALING_GROUP: &str = "AWS::AutoScaling::AutoScalingGroup";

/// The endpoints the SSM Agent needs for Session Manager, in message order.
pub const SSM_SERVICES: [&str; 3] = ["ssm", "ssmmessages", "ec2messages"];

/// The services a private subnet needs endpoints for: the three Session Manager ones plus
/// `extra`.
///
/// This is the hook for session logging: when a Session document sends logs to
/// CloudWatch Logs or S3 or encrypts with KMS, the caller passes `["logs"]`, `["s3"]`,
/// `["kms"]` here (see [`Network::path`]); an `s3` gateway endpoint counts when it is
/// associated with the subnet's route table.
pub fn required_services(extra: &[&'static str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = SSM_SERVICES.to_vec();
    for service in extra {
        if !out.contains(service) {
            out.push(service);
        }
    }
    out
}

/// Computes the public-IP alternatives of a placement under a guard.
type PublicIpFn<'a, 'f> = Box<dyn Fn(&When<'a>) -> Vec<Alt<'a, PublicIp>> + 'f>;

/// One alternative value of a fact.
#[derive(Debug, Clone)]
pub struct Alt<'a, T> {
    pub value: T,
    /// The node the value was read from; `None` when the property is absent.
    pub node: Option<&'a Node>,
    pub when: When<'a>,
    pub defaults: Vec<&'a str>,
}

/// The endpoint service named by a `ServiceName`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Service {
    /// The part after the region: `ssm`, `ssmmessages`, `s3`, `vpce-svc-0123…`.
    Named(String),
    Unknown,
}

impl Service {
    pub fn name(&self) -> Option<&str> {
        match self {
            Service::Named(n) => Some(n),
            Service::Unknown => None,
        }
    }
}

/// The service of a `ServiceName` value written any way: `com.amazonaws.us-east-1.ssm`,
/// `!Sub com.amazonaws.${AWS::Region}.ssm`, `!Join ['', [com.amazonaws., !Ref
/// AWS::Region, .ssm]]`. Only the literal text after the last dot matters.
pub fn service_of(value: &Value<'_>) -> Service {
    let Some(parts) = value.string_parts() else {
        return Service::Unknown;
    };
    match parts.last() {
        Some(Part::Literal(text)) => match text.trim().rsplit_once('.') {
            Some((_, name)) if !name.is_empty() => Service::Named(name.to_ascii_lowercase()),
            _ => Service::Unknown,
        },
        _ => Service::Unknown,
    }
}

/// What an instance's (or launch template's) network interface says about a public IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicIp {
    /// `AssociatePublicIpAddress` set (or unknown), or an existing interface (no public IP).
    Explicit(Tri),
    /// Not set: the subnet's `MapPublicIpOnLaunch` decides.
    SubnetDefault,
}

/// The security groups of a compute resource or endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Groups<'a> {
    /// Security groups of this template.
    Known(Vec<&'a str>),
    /// None given: the VPC's default security group (from outside the template).
    Default,
    /// From outside the template, or conditional.
    Unknown,
}

#[derive(Debug)]
pub struct Subnet<'a> {
    pub resource: &'a Resource<'a>,
    pub vpc: Vec<Alt<'a, Option<&'a str>>>,
    pub cidr: Vec<Alt<'a, Option<IpNet>>>,
    /// `MapPublicIpOnLaunch`; no alternative means absent (false).
    pub map_public: Vec<Alt<'a, Tri>>,
}

#[derive(Debug)]
pub struct Association<'a> {
    pub subnet: &'a str,
    /// The route table, when it is one of this template.
    pub table: Option<&'a str>,
    pub when: When<'a>,
}

/// Where a route sends traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'a> {
    /// An internet gateway: of this template (`Some`) or a literal `igw-…`.
    InternetGateway(Option<&'a str>),
    NatGateway,
    /// Anything else (transit gateway, peering, VPN gateway, instance, interface,
    /// appliance endpoint, …) or a gateway that cannot be known.
    Other,
}

#[derive(Debug, Clone)]
pub struct Route<'a> {
    pub resource: &'a Resource<'a>,
    pub table: &'a str,
    /// Whether the destination is known to be `0.0.0.0/0` (false for anything else).
    pub default_ipv4: bool,
    pub target: Target<'a>,
    pub target_node: Option<&'a Node>,
    pub when: When<'a>,
}

#[derive(Debug)]
pub struct Attachment<'a> {
    pub gateway: &'a str,
    pub when: When<'a>,
}

#[derive(Debug)]
pub struct Endpoint<'a> {
    pub resource: &'a Resource<'a>,
    pub vpc: Vec<Alt<'a, Option<&'a str>>>,
    pub service: Vec<Alt<'a, Service>>,
    /// `VpcEndpointType: Gateway` (also the CloudFormation default when absent).
    pub gateway: bool,
    /// `RouteTableIds` of a gateway endpoint: route tables of this template, `None` for
    /// one that cannot be known.
    pub route_tables: Vec<Option<&'a str>>,
    /// `PrivateDnsEnabled`; no alternative means absent.
    pub private_dns: Vec<Alt<'a, Tri>>,
    pub groups: Groups<'a>,
    pub groups_node: Option<&'a Node>,
    pub guard: When<'a>,
}

impl<'a> Endpoint<'a> {
    /// The service when every alternative agrees on it.
    pub fn service_name(&self) -> Option<&str> {
        let first = self.service.first()?.value.name()?;
        self.service
            .iter()
            .all(|s| s.value.name() == Some(first))
            .then_some(first)
    }

    /// The VPC when every alternative agrees on one of this template.
    pub fn vpc_id(&self) -> Option<&'a str> {
        let first = self.vpc.first()?.value?;
        self.vpc
            .iter()
            .all(|v| v.value == Some(first))
            .then_some(first)
    }
}

/// What an Elastic IP (or its association) is attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EipTarget<'a> {
    Resource(&'a str),
    Unknown,
}

#[derive(Debug)]
pub struct Eip<'a> {
    pub target: EipTarget<'a>,
    pub when: When<'a>,
}

/// One subnet a compute resource may launch into.
#[derive(Debug)]
pub struct Placement<'a> {
    /// The instance or Auto Scaling group.
    pub compute: &'a Resource<'a>,
    /// The subnet, when it is one of this template.
    pub subnet: Option<&'a str>,
    /// The subnet reference (`SubnetId` value, `VPCZoneIdentifier` item).
    pub node: &'a Node,
    pub when: When<'a>,
    pub defaults: Vec<&'a str>,
    pub public_ip: Vec<Alt<'a, PublicIp>>,
    /// The instance and its network interfaces: Elastic IPs attached to these count.
    pub eip_holders: Vec<&'a str>,
    pub groups: Groups<'a>,
    pub groups_node: Option<&'a Node>,
}

impl Placement<'_> {
    /// "instance `App`" or "Auto Scaling group `Asg`".
    pub fn subject(&self) -> String {
        format!("{} `{}`", kind_of(self.compute.type_name), self.compute.id)
    }
}

/// Why an instance has no public IP, for labels.
#[derive(Debug, Clone)]
pub struct NoPublicIp<'a> {
    pub node: Option<&'a Node>,
    pub text: String,
    pub defaults: Vec<&'a str>,
    /// Where the public IP is turned off or left out.
    pub source: PublicIpSource,
}

/// What decides that an instance gets no public IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicIpSource {
    /// `AssociatePublicIpAddress: false` on the network interface or launch configuration.
    Interface,
    /// An existing network interface (`NetworkInterfaceId`).
    ExistingInterface,
    /// The subnet's `MapPublicIpOnLaunch` (false or absent).
    Subnet,
}

/// A path to Systems Manager that is known to be missing.
#[derive(Debug, Clone)]
pub struct Missing<'a> {
    pub subnet: &'a Resource<'a>,
    pub vpc: &'a str,
    pub route_table: &'a Resource<'a>,
    /// Routes to an internet gateway that the instance cannot use (no public IP).
    pub igw_routes: Vec<Route<'a>>,
    /// Routes of the table that do not exist in this scenario (their condition is off).
    pub inactive_routes: Vec<Route<'a>>,
    pub no_public_ip: Option<NoPublicIp<'a>>,
    /// Services without an endpoint, in [`required_services`] order.
    pub missing: Vec<&'static str>,
    /// Endpoints of the VPC that serve required services.
    pub endpoints: Vec<&'a Resource<'a>>,
}

#[derive(Debug, Clone)]
pub enum PathState<'a> {
    Reachable,
    Unknown,
    Missing(Box<Missing<'a>>),
}

/// At most this many conditions are split on per placement; more is unknown.
pub const MAX_CONDITIONS: usize = 5;

/// The one alternative of a fact that holds in the scenario (see [`Scenario::pick`]).
fn pick<'s, 'a, T: PartialEq>(
    s: &Scenario<'a>,
    alts: &'s [Alt<'a, T>],
) -> Result<Option<&'s Alt<'a, T>>, Ambiguous> {
    s.pick(alts, |a| (&a.value, &a.when[..]))
}

#[derive(Debug, Default)]
pub struct Network<'a> {
    pub subnets: HashMap<&'a str, Subnet<'a>>,
    pub tables: HashMap<&'a str, &'a Resource<'a>>,
    pub associations: Vec<Association<'a>>,
    pub routes: Vec<Route<'a>>,
    /// Route tables that receive routes propagated from a VPN gateway.
    pub propagations: Vec<(&'a str, When<'a>)>,
    pub attachments: Vec<Attachment<'a>>,
    pub endpoints: Vec<Endpoint<'a>>,
    pub eips: Vec<Eip<'a>>,
    pub placements: Vec<Placement<'a>>,
    index: Index<'a>,
}

/// Indexes into the lists of [`Network`], so a path costs what concerns its placement.
#[derive(Debug, Default)]
struct Index<'a> {
    /// Subnet → its associations.
    associations: HashMap<&'a str, Vec<usize>>,
    /// Route table → its routes.
    routes: HashMap<&'a str, Vec<usize>>,
    /// Internet gateway → its attachments.
    attachments: HashMap<&'a str, Vec<usize>>,
    /// VPC → the endpoints one of whose alternatives is in it; endpoints whose VPC
    /// alternatives disagree are in every list, since their VPC may be any.
    endpoints: HashMap<&'a str, Vec<usize>>,
    ambiguous_endpoints: Vec<usize>,
    /// Resource → the Elastic IPs attached to it; `unknown_eips` go anywhere.
    eips: HashMap<&'a str, Vec<usize>>,
    unknown_eips: Vec<usize>,
}

impl<'a> Index<'a> {
    fn build(net: &Network<'a>) -> Self {
        let mut index = Index::default();
        for (i, a) in net.associations.iter().enumerate() {
            index.associations.entry(a.subnet).or_default().push(i);
        }
        for (i, r) in net.routes.iter().enumerate() {
            index.routes.entry(r.table).or_default().push(i);
        }
        for (i, a) in net.attachments.iter().enumerate() {
            index.attachments.entry(a.gateway).or_default().push(i);
        }
        for (i, e) in net.endpoints.iter().enumerate() {
            let mut vpcs: Vec<&'a str> = e.vpc.iter().filter_map(|v| v.value).collect();
            vpcs.sort_unstable();
            vpcs.dedup();
            if vpcs.len() > 1 || (vpcs.len() == 1 && e.vpc.iter().any(|v| v.value.is_none())) {
                index.ambiguous_endpoints.push(i);
            } else if let Some(vpc) = vpcs.first() {
                index.endpoints.entry(vpc).or_default().push(i);
            }
        }
        for (i, eip) in net.eips.iter().enumerate() {
            match eip.target {
                EipTarget::Resource(id) => index.eips.entry(id).or_default().push(i),
                EipTarget::Unknown => index.unknown_eips.push(i),
            }
        }
        index
    }

    /// Indexes of `list[key]`, in order.
    fn of<'s>(list: &'s HashMap<&'a str, Vec<usize>>, key: &str) -> &'s [usize] {
        list.get(key).map_or(&[], Vec::as_slice)
    }
}

/// The resource's own `Condition:` as a guard.
pub fn resource_guard<'a>(resource: &Resource<'a>) -> When<'a> {
    When::of_resource(resource.condition)
}

/// Every alternative of a present property, under `guard` (absent gives none;
/// `AWS::NoValue` alternatives are kept so their branch is not lost).
fn values<'a>(eval: &Evaluator<'a>, guard: &When<'a>, node: Option<&'a Node>) -> Vec<Resolved<'a>> {
    let Some(node) = node else {
        return Vec::new();
    };
    eval.eval(node)
        .into_iter()
        .filter_map(|mut r| merge_provenance(&mut r.when, &mut r.defaults, guard, &[]).then_some(r))
        .collect()
}

/// The template resource a value refers to (`Ref` or `GetAtt`), when of one of `types`.
fn link<'a>(template: &'a Template<'a>, value: &Value<'a>, types: &[&str]) -> Option<&'a str> {
    let Value::Ref(r) = value else {
        return None;
    };
    template
        .resource(r.id)
        .filter(|res| types.contains(&res.type_name))
        .map(|res| res.id)
}

fn alt<'a, T>(value: T, r: &Resolved<'a>) -> Alt<'a, T> {
    Alt {
        value,
        node: Some(r.node),
        when: r.when.clone(),
        defaults: r.defaults.clone(),
    }
}

fn links<'a>(
    template: &'a Template<'a>,
    eval: &Evaluator<'a>,
    guard: &When<'a>,
    node: Option<&'a Node>,
    types: &[&str],
) -> Vec<Alt<'a, Option<&'a str>>> {
    values(eval, guard, node)
        .iter()
        .map(|r| alt(link(template, &r.value, types), r))
        .collect()
}

fn tristate(value: &Value<'_>) -> Tri {
    Tri::from_option(parse_bool(value))
}

/// A boolean property: absent and `AWS::NoValue` give no alternative.
fn flags<'a>(eval: &Evaluator<'a>, guard: &When<'a>, node: Option<&'a Node>) -> Vec<Alt<'a, Tri>> {
    values(eval, guard, node)
        .iter()
        .filter(|r| !matches!(r.value, Value::NoValue | Value::Null))
        .map(|r| alt(tristate(&r.value), r))
        .collect()
}

/// The primary network interface of a literal `NetworkInterfaces` list: `DeviceIndex` 0,
/// or the first entry.
/// The branches and defaults of `value` taken under `guard`; `None` when they contradict.
fn under<'a>(guard: &When<'a>, value: &Resolved<'a>) -> Option<(When<'a>, Vec<&'a str>)> {
    let mut when = guard.clone();
    let mut defaults = value.defaults.clone();
    merge_provenance(&mut when, &mut defaults, &value.when, &[]).then_some((when, defaults))
}

/// The network interface of the template an interface entry attaches
/// (`NetworkInterfaceId: !Ref Eni`).
fn existing_interface<'a>(
    template: &'a Template<'a>,
    eval: &Evaluator<'a>,
    interface: Option<&'a Node>,
) -> Option<&'a Resource<'a>> {
    let id = interface?.get("NetworkInterfaceId")?;
    match eval.eval(id).as_slice() {
        [one] => link(template, &one.value, &[NETWORK_INTERFACE]),
        _ => None,
    }
    .and_then(|id| template.resource(id))
}

fn primary_interface(list: Option<&Node>) -> Option<&Node> {
    let items = list?.as_seq()?;
    items
        .iter()
        .find(|i| {
            i.get("DeviceIndex")
                .and_then(Node::as_scalar)
                .is_some_and(|d| d.trim() == "0")
        })
        .or_else(|| items.first())
}

/// Security groups named by the first of `keys` present in `parent` (each a list).
fn groups_in<'a>(
    template: &'a Template<'a>,
    eval: &Evaluator<'a>,
    parent: Option<&'a Node>,
    keys: &[&str],
) -> Option<(Groups<'a>, &'a Node)> {
    let parent = parent?;
    for key in keys {
        let Some(node) = parent.get(key) else {
            continue;
        };
        let items = eval.items(node);
        if items.is_empty() {
            continue;
        }
        let mut ids = Vec::new();
        for item in &items {
            match link(template, &item.value, &[SECURITY_GROUP]) {
                Some(id) if item.when.is_empty() => {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                _ => return Some((Groups::Unknown, node)),
            }
        }
        return Some((Groups::Known(ids), node));
    }
    None
}

/// The launch template a `LaunchTemplate` specification names, if it is one of this
/// template; `Err(())` when it names one from outside.
fn launch_template<'a>(
    template: &'a Template<'a>,
    eval: &Evaluator<'a>,
    spec: Option<&'a Node>,
) -> Result<Option<&'a Resource<'a>>, ()> {
    let Some(spec) = spec else {
        return Ok(None);
    };
    for key in ["LaunchTemplateId", "LaunchTemplateName"] {
        if let Some(node) = spec.get(key) {
            let alts = eval.eval(node);
            return match alts.as_slice() {
                [one] => link(template, &one.value, &[LAUNCH_TEMPLATE])
                    .and_then(|id| template.resource(id))
                    .map(Some)
                    .ok_or(()),
                _ => Err(()),
            };
        }
    }
    Err(())
}

/// `AssociatePublicIpAddress` of a network interface entry (or launch configuration).
fn public_ip_of<'a>(
    eval: &Evaluator<'a>,
    guard: &When<'a>,
    parent: Option<&'a Node>,
) -> Vec<Alt<'a, PublicIp>> {
    let node = parent.and_then(|p| p.get("AssociatePublicIpAddress"));
    let alts: Vec<_> = values(eval, guard, node)
        .iter()
        .map(|r| {
            let value = match r.value {
                Value::NoValue | Value::Null => PublicIp::SubnetDefault,
                _ => PublicIp::Explicit(tristate(&r.value)),
            };
            alt(value, r)
        })
        .collect();
    if alts.is_empty() {
        vec![Alt {
            value: PublicIp::SubnetDefault,
            node: None,
            when: guard.clone(),
            defaults: Vec::new(),
        }]
    } else {
        alts
    }
}

fn unknown_public_ip<'a>(guard: &When<'a>) -> Vec<Alt<'a, PublicIp>> {
    vec![Alt {
        value: PublicIp::Explicit(Tri::Unknown),
        node: None,
        when: guard.clone(),
        defaults: Vec::new(),
    }]
}

impl<'a> Network<'a> {
    pub fn build(
        template: Option<&'a Template<'a>>,
        eval: &Evaluator<'a>,
        launches: &[Launch<'a>],
    ) -> Self {
        let mut net = Network::default();
        let Some(template) = template else {
            return net;
        };
        // Launchers other than instances and Auto Scaling groups: their subnets.
        for launch in launches {
            net.add_launch(template, eval, launch);
        }
        for r in &template.resources {
            let guard = resource_guard(r);
            match r.type_name {
                SUBNET => {
                    let subnet = Subnet {
                        resource: r,
                        vpc: links(template, eval, &guard, r.property("VpcId"), &[VPC]),
                        cidr: values(eval, &guard, r.property("CidrBlock"))
                            .iter()
                            .map(|v| alt(v.value.as_str().and_then(parse_cidr), v))
                            .collect(),
                        map_public: flags(eval, &guard, r.property("MapPublicIpOnLaunch")),
                    };
                    net.subnets.insert(r.id, subnet);
                }
                ROUTE_TABLE => {
                    net.tables.insert(r.id, r);
                }
                ASSOCIATION => {
                    for s in values(eval, &guard, r.property("SubnetId")) {
                        let Some(subnet) = link(template, &s.value, &[SUBNET]) else {
                            continue;
                        };
                        for t in values(eval, &s.when, r.property("RouteTableId")) {
                            net.associations.push(Association {
                                subnet,
                                table: link(template, &t.value, &[ROUTE_TABLE]),
                                when: t.when.clone(),
                            });
                        }
                    }
                }
                ROUTE => net.add_route(template, eval, r, &guard),
                VPN_PROPAGATION => {
                    for t in eval.items_opt(r.property("RouteTableIds")) {
                        if let Some(table) = link(template, &t.value, &[ROUTE_TABLE]) {
                            let mut when = guard.clone();
                            if merge_provenance(&mut when, &mut Vec::new(), &t.when, &[]) {
                                net.propagations.push((table, when));
                            }
                        }
                    }
                }
                GATEWAY_ATTACHMENT => {
                    for g in values(eval, &guard, r.property("InternetGatewayId")) {
                        if let Some(gateway) = link(template, &g.value, &[INTERNET_GATEWAY]) {
                            net.attachments.push(Attachment {
                                gateway,
                                when: g.when.clone(),
                            });
                        }
                    }
                }
                ENDPOINT => net.add_endpoint(template, eval, r, guard),
                "AWS::EC2::EIP" | "AWS::EC2::EIPAssociation" => {
                    for key in ["InstanceId", "NetworkInterfaceId"] {
                        for v in values(eval, &guard, r.property(key)) {
                            let target = match &v.value {
                                Value::NoValue | Value::Null => continue,
                                Value::Ref(reference) => EipTarget::Resource(reference.id),
                                _ => EipTarget::Unknown,
                            };
                            net.eips.push(Eip {
                                target,
                                when: v.when.clone(),
                            });
                        }
                    }
                }
                INSTANCE => net.add_instance(template, eval, r, &guard),
                AUTO_SCALING_GROUP => net.add_auto_scaling_group(template, eval, r, &guard),
                _ => {}
            }
        }
        net.index = Index::build(&net);
        net
    }

    fn add_route(
        &mut self,
        template: &'a Template<'a>,
        eval: &Evaluator<'a>,
        r: &'a Resource<'a>,
        guard: &When<'a>,
    ) {
        const TARGETS: [&str; 12] = [
            "GatewayId",
            "NatGatewayId",
            "TransitGatewayId",
            "VpcPeeringConnectionId",
            "InstanceId",
            "NetworkInterfaceId",
            "VpcEndpointId",
            "EgressOnlyInternetGatewayId",
            "CarrierGatewayId",
            "LocalGatewayId",
            "CoreNetworkArn",
            "VpnGatewayId",
        ];
        for t in values(eval, guard, r.property("RouteTableId")) {
            let Some(table) = link(template, &t.value, &[ROUTE_TABLE]) else {
                continue;
            };
            // The destination: only a known `0.0.0.0/0` counts as the default route.
            let mut destinations: Vec<(bool, When<'a>)> = Vec::new();
            for key in [
                "DestinationCidrBlock",
                "DestinationIpv6CidrBlock",
                "DestinationPrefixListId",
            ] {
                for d in values(eval, &t.when, r.property(key)) {
                    let default_ipv4 = key == "DestinationCidrBlock"
                        && d.value
                            .as_str()
                            .and_then(parse_cidr)
                            .is_some_and(|n| matches!(n, IpNet::V4(_)) && n.prefix_len() == 0);
                    destinations.push((default_ipv4, d.when.clone()));
                }
            }
            if destinations.is_empty() {
                destinations.push((false, t.when.clone()));
            }
            let mut targets: Vec<(Target<'a>, Option<&'a Node>, When<'a>)> = Vec::new();
            for key in TARGETS {
                for v in values(eval, &t.when, r.property(key)) {
                    let target = match (key, &v.value) {
                        (_, Value::NoValue | Value::Null) => continue,
                        ("NatGatewayId", _) => Target::NatGateway,
                        ("GatewayId", value) => match value {
                            Value::Ref(_) => match link(template, value, &[INTERNET_GATEWAY]) {
                                Some(id) => Target::InternetGateway(Some(id)),
                                None => Target::Other,
                            },
                            Value::Str(s) if s.trim().starts_with("igw-") => {
                                Target::InternetGateway(None)
                            }
                            _ => Target::Other,
                        },
                        _ => Target::Other,
                    };
                    targets.push((target, Some(v.node), v.when.clone()));
                }
            }
            if targets.is_empty() {
                targets.push((Target::Other, None, t.when.clone()));
            }
            for (default_ipv4, dwhen) in &destinations {
                for (target, node, twhen) in &targets {
                    let mut when = dwhen.clone();
                    if !merge_provenance(&mut when, &mut Vec::new(), twhen, &[]) {
                        continue;
                    }
                    self.routes.push(Route {
                        resource: r,
                        table,
                        default_ipv4: *default_ipv4,
                        target: *target,
                        target_node: *node,
                        when,
                    });
                }
            }
        }
    }

    fn add_endpoint(
        &mut self,
        template: &'a Template<'a>,
        eval: &Evaluator<'a>,
        r: &'a Resource<'a>,
        guard: When<'a>,
    ) {
        let gateway = eval
            .eval_opt(r.property("VpcEndpointType"))
            .first()
            .and_then(|v| {
                v.value
                    .as_str()
                    .map(|s| s.trim().eq_ignore_ascii_case("gateway"))
            })
            .unwrap_or(true);
        let (groups, groups_node) = groups_in(template, eval, r.properties, &["SecurityGroupIds"])
            .map_or((Groups::Default, None), |(g, n)| (g, Some(n)));
        self.endpoints.push(Endpoint {
            resource: r,
            vpc: links(template, eval, &guard, r.property("VpcId"), &[VPC]),
            service: values(eval, &guard, r.property("ServiceName"))
                .iter()
                .map(|v| alt(service_of(&v.value), v))
                .collect(),
            gateway,
            route_tables: eval
                .items_opt(r.property("RouteTableIds"))
                .iter()
                .map(|t| link(template, &t.value, &[ROUTE_TABLE]))
                .collect(),
            private_dns: flags(eval, &guard, r.property("PrivateDnsEnabled")),
            groups,
            groups_node,
            guard,
        });
    }

    fn add_instance(
        &mut self,
        template: &'a Template<'a>,
        eval: &Evaluator<'a>,
        r: &'a Resource<'a>,
        guard: &When<'a>,
    ) {
        let lt = launch_template(template, eval, r.property("LaunchTemplate"));
        let lt_data = match lt {
            Ok(Some(lt)) => lt.property("LaunchTemplateData"),
            _ => None,
        };
        let lt_interface = primary_interface(lt_data.and_then(|d| d.get("NetworkInterfaces")));
        let interface = primary_interface(r.property("NetworkInterfaces"));
        let eni = existing_interface(template, eval, interface);
        let lt_public = |guard: &When<'a>| match lt {
            Err(()) => unknown_public_ip(guard),
            Ok(_) => public_ip_of(eval, guard, lt_interface),
        };
        // Where the subnet is given, and what decides the public IP.
        let (subnet_node, public): (Option<&'a Node>, PublicIpFn<'a, '_>) =
            if let Some(node) = r.property("SubnetId") {
                (Some(node), Box::new(lt_public))
            } else if let Some(node) = interface.and_then(|i| i.get("SubnetId")) {
                (
                    Some(node),
                    Box::new(|g: &When<'a>| public_ip_of(eval, g, interface)),
                )
            } else if let Some(eni) = eni {
                // An existing interface never gets an automatic public IP.
                (
                    eni.property("SubnetId"),
                    Box::new(|g: &When<'a>| {
                        vec![Alt {
                            value: PublicIp::Explicit(Tri::No),
                            node: None,
                            when: g.clone(),
                            defaults: Vec::new(),
                        }]
                    }),
                )
            } else if let Some(node) = lt_interface.and_then(|i| i.get("SubnetId")) {
                (Some(node), Box::new(lt_public))
            } else {
                // No subnet: the default VPC, or a launch template from outside.
                (None, Box::new(lt_public))
            };
        let Some(subnet_node) = subnet_node else {
            return;
        };
        let mut holders = vec![r.id];
        if let Some(eni) = eni {
            holders.push(eni.id);
        }
        let (groups, groups_node) =
            instance_groups(template, eval, r, interface, eni, lt, lt_data, lt_interface);
        for s in values(eval, guard, Some(subnet_node)) {
            self.placements.push(Placement {
                compute: r,
                subnet: link(template, &s.value, &[SUBNET]),
                node: s.node,
                public_ip: public(&s.when),
                when: s.when,
                defaults: s.defaults,
                eip_holders: holders.clone(),
                groups: groups.clone(),
                groups_node,
            });
        }
    }

    /// A launcher that names its subnets (EKS, Batch, Spot Fleet, EMR, Image Builder,
    /// Cloud9, OpsWorks): its instances take the subnet's public IP setting.
    fn add_launch(
        &mut self,
        template: &'a Template<'a>,
        eval: &Evaluator<'a>,
        launch: &Launch<'a>,
    ) {
        let Some(subnets) = launch.launcher.subnets else {
            return;
        };
        let r = launch.resource;
        let guard = resource_guard(r);
        let groups = launch
            .launcher
            .security_groups
            .and_then(|locator| match locator {
                Locator::Path(path) => {
                    let (parent, key) = match path {
                        [key] => (launch.settings.value_node(), *key),
                        _ => return None,
                    };
                    groups_in(template, eval, parent, &[key])
                }
                Locator::Option(..) => None,
            });
        let (groups, groups_node) = groups.map_or((Groups::Unknown, None), |(g, n)| (g, Some(n)));
        for value in launch.values(eval, &subnets) {
            let Some(list) = value.value_node() else {
                self.push_launch_placement(template, r, &guard, &value, &groups, groups_node);
                continue;
            };
            for s in eval.items(list) {
                if let Some(s) = s.under(&value) {
                    self.push_launch_placement(template, r, &guard, &s, &groups, groups_node);
                }
            }
        }
    }

    fn push_launch_placement(
        &mut self,
        template: &'a Template<'a>,
        r: &'a Resource<'a>,
        guard: &When<'a>,
        s: &Resolved<'a>,
        groups: &Groups<'a>,
        groups_node: Option<&'a Node>,
    ) {
        let Some((when, defaults)) = under(guard, s) else {
            return;
        };
        self.placements.push(Placement {
            compute: r,
            subnet: link(template, &s.value, &[SUBNET]),
            node: s.node,
            public_ip: vec![Alt {
                value: PublicIp::SubnetDefault,
                node: None,
                when: when.clone(),
                defaults: Vec::new(),
            }],
            when,
            defaults,
            eip_holders: vec![r.id],
            groups: groups.clone(),
            groups_node,
        });
    }

    fn add_auto_scaling_group(
        &mut self,
        template: &'a Template<'a>,
        eval: &Evaluator<'a>,
        r: &'a Resource<'a>,
        guard: &When<'a>,
    ) {
        let mixed = r
            .property("MixedInstancesPolicy")
            .and_then(|m| m.get("LaunchTemplate"))
            .and_then(|l| l.get("LaunchTemplateSpecification"));
        let spec = r.property("LaunchTemplate").or(mixed);
        let lc = r
            .property("LaunchConfigurationName")
            .map(|n| match eval.eval(n).as_slice() {
                [one] => link(template, &one.value, &[LAUNCH_CONFIGURATION])
                    .and_then(|id| template.resource(id))
                    .ok_or(()),
                _ => Err(()),
            });
        let (public, groups): (PublicIpFn<'a, '_>, Option<(Groups<'a>, &'a Node)>) =
            match (lc, spec) {
                (Some(Ok(lc)), _) => (
                    Box::new(move |g: &When<'a>| public_ip_of(eval, g, lc.properties)),
                    groups_in(template, eval, lc.properties, &["SecurityGroups"]),
                ),
                (None, Some(spec)) => match launch_template(template, eval, Some(spec)) {
                    Ok(Some(lt)) => {
                        let data = lt.property("LaunchTemplateData");
                        let interface =
                            primary_interface(data.and_then(|d| d.get("NetworkInterfaces")));
                        (
                            Box::new(move |g: &When<'a>| public_ip_of(eval, g, interface)),
                            groups_in(
                                template,
                                eval,
                                data,
                                &["SecurityGroupIds", "SecurityGroups"],
                            )
                            .or_else(|| groups_in(template, eval, interface, &["Groups"])),
                        )
                    }
                    _ => (Box::new(unknown_public_ip), Some((Groups::Unknown, spec))),
                },
                _ => (Box::new(unknown_public_ip), None),
            };
        let (groups, groups_node) = groups.map_or((Groups::Unknown, None), |(g, n)| (g, Some(n)));
        for s in eval.items_opt(r.property("VPCZoneIdentifier")) {
            let Some((when, defaults)) = under(guard, &s) else {
                continue;
            };
            self.placements.push(Placement {
                compute: r,
                subnet: link(template, &s.value, &[SUBNET]),
                node: s.node,
                public_ip: public(&when),
                when,
                defaults,
                eip_holders: Vec::new(),
                groups: groups.clone(),
                groups_node,
            });
        }
    }

    /// Whether the placement gets a public IP in the scenario, with the reason when not.
    fn public_ip(
        &self,
        p: &Placement<'a>,
        subnet: &Subnet<'a>,
        s: &Scenario<'a>,
    ) -> (Tri, Option<NoPublicIp<'a>>) {
        let Ok(setting) = pick(s, &p.public_ip) else {
            return (Tri::Unknown, None);
        };
        let (state, reason) = match setting.map(|a| (a.value, a)) {
            Some((PublicIp::Explicit(Tri::No), a)) => {
                let text = match a.node {
                    Some(_) => "`AssociatePublicIpAddress` is false: no public IP".to_string(),
                    None => "an existing network interface gets no public IP".to_string(),
                };
                (
                    Tri::No,
                    NoPublicIp {
                        node: a.node,
                        text,
                        defaults: a.defaults.clone(),
                        source: if a.node.is_some() {
                            PublicIpSource::Interface
                        } else {
                            PublicIpSource::ExistingInterface
                        },
                    },
                )
            }
            Some((PublicIp::Explicit(state), _)) => return (state, None),
            None | Some((PublicIp::SubnetDefault, _)) => match pick(s, &subnet.map_public) {
                Err(Ambiguous) => return (Tri::Unknown, None),
                Ok(Some(a)) if a.value != Tri::No => return (a.value, None),
                Ok(Some(a)) => (
                    Tri::No,
                    NoPublicIp {
                        node: a.node,
                        text: "`MapPublicIpOnLaunch` is false: no public IP on launch".into(),
                        defaults: a.defaults.clone(),
                        source: PublicIpSource::Subnet,
                    },
                ),
                Ok(None) => (
                    Tri::No,
                    NoPublicIp {
                        node: None,
                        text: "no `MapPublicIpOnLaunch`: no public IP on launch".into(),
                        defaults: Vec::new(),
                        source: PublicIpSource::Subnet,
                    },
                ),
            },
        };
        // An Elastic IP on the instance or one of its interfaces.
        let mut candidates: Vec<usize> = p
            .eip_holders
            .iter()
            .flat_map(|holder| Index::of(&self.index.eips, holder).iter().copied())
            .collect();
        if !p.eip_holders.is_empty() {
            candidates.extend(&self.index.unknown_eips);
        }
        candidates.sort_unstable();
        candidates.dedup();
        for eip in candidates.iter().filter_map(|&i| self.eips.get(i)) {
            if !s.on(&eip.when) {
                continue;
            }
            match eip.target {
                EipTarget::Resource(id) if p.eip_holders.contains(&id) => return (Tri::Yes, None),
                EipTarget::Unknown if !p.eip_holders.is_empty() => return (Tri::Unknown, None),
                _ => {}
            }
        }
        (state, Some(reason))
    }

    /// Whether the placement has a path to Systems Manager in the scenario. `extra`
    /// names endpoints needed besides ssm, ssmmessages and ec2messages (see
    /// [`required_services`]).
    pub fn path(
        &self,
        p: &Placement<'a>,
        s: &Scenario<'a>,
        extra: &[&'static str],
    ) -> PathState<'a> {
        let Some(subnet) = p.subnet.and_then(|id| self.subnets.get(id)) else {
            return PathState::Unknown;
        };
        if !s.on(&resource_guard(subnet.resource)) {
            return PathState::Unknown;
        }
        let associations: Vec<&Association<'a>> =
            Index::of(&self.index.associations, subnet.resource.id)
                .iter()
                .filter_map(|&i| self.associations.get(i))
                .filter(|a| s.on(&a.when))
                .collect();
        // No association: the VPC's main route table, which the template cannot show.
        let [association] = associations.as_slice() else {
            return PathState::Unknown;
        };
        let Some(table) = association.table else {
            return PathState::Unknown;
        };
        if self
            .propagations
            .iter()
            .any(|(t, when)| *t == table && s.on(when))
        {
            return PathState::Unknown;
        }
        let (public, no_public_ip) = self.public_ip(p, subnet, s);
        let mut igw_routes = Vec::new();
        let mut inactive_routes: Vec<Route<'a>> = Vec::new();
        let routes = Index::of(&self.index.routes, table)
            .iter()
            .filter_map(|&i| self.routes.get(i));
        for route in routes {
            if !s.on(&route.when) {
                if !inactive_routes
                    .iter()
                    .any(|r| r.resource.id == route.resource.id)
                {
                    inactive_routes.push(route.clone());
                }
                continue;
            }
            match (route.target, route.default_ipv4, public) {
                // Without a public IP an internet gateway forwards nothing.
                (Target::InternetGateway(_), _, Tri::No) => igw_routes.push(route.clone()),
                (Target::InternetGateway(Some(igw)), true, Tri::Yes) => {
                    let attachments: Vec<_> = Index::of(&self.index.attachments, igw)
                        .iter()
                        .filter_map(|&i| self.attachments.get(i))
                        .collect();
                    if attachments.is_empty() || attachments.iter().any(|a| s.on(&a.when)) {
                        return PathState::Reachable;
                    }
                    return PathState::Unknown;
                }
                (Target::InternetGateway(None), true, Tri::Yes) => return PathState::Reachable,
                (Target::NatGateway, true, _) => return PathState::Reachable,
                _ => return PathState::Unknown,
            }
        }
        let Ok(Some(Alt {
            value: Some(vpc), ..
        })) = pick(s, &subnet.vpc)
        else {
            return PathState::Unknown;
        };
        let wanted = required_services(extra);
        let mut present: Vec<&str> = Vec::new();
        let mut endpoints = Vec::new();
        let mut candidates: Vec<usize> = Index::of(&self.index.endpoints, vpc).to_vec();
        candidates.extend(&self.index.ambiguous_endpoints);
        candidates.sort_unstable();
        for e in candidates.iter().filter_map(|&i| self.endpoints.get(i)) {
            if !s.on(&e.guard) {
                continue;
            }
            match pick(s, &e.vpc) {
                Ok(Some(Alt { value: Some(v), .. })) if v == vpc => {}
                Ok(_) => continue,
                Err(Ambiguous) => return PathState::Unknown,
            }
            let Ok(Some(Alt {
                value: Service::Named(name),
                ..
            })) = pick(s, &e.service)
            else {
                return PathState::Unknown;
            };
            let Some(&service) = wanted.iter().find(|w| **w == name.as_str()) else {
                continue;
            };
            // Only S3 and DynamoDB have gateway endpoints; for the others the type is
            // a mistake CloudFormation rejects, not a missing path.
            if e.gateway
                && matches!(service, "s3" | "dynamodb")
                && !e
                    .route_tables
                    .iter()
                    .any(|t| t.is_none() || *t == Some(table))
            {
                continue;
            }
            if !present.contains(&service) {
                present.push(service);
            }
            endpoints.push(e.resource);
        }
        let missing: Vec<&'static str> = wanted
            .into_iter()
            .filter(|w| !present.contains(w))
            .collect();
        if missing.is_empty() {
            return PathState::Reachable;
        }
        let Some(&route_table) = self.tables.get(table) else {
            return PathState::Unknown;
        };
        PathState::Missing(Box::new(Missing {
            subnet: subnet.resource,
            vpc,
            route_table,
            igw_routes,
            inactive_routes,
            no_public_ip,
            missing,
            endpoints,
        }))
    }

    /// The path of the placement in every assignment of the conditions it consults (at
    /// most [`MAX_CONDITIONS`] beyond its own; past that, unknown).
    pub fn paths(
        &self,
        p: &Placement<'a>,
        extra: &[&'static str],
    ) -> Vec<(When<'a>, PathState<'a>)> {
        scenario::explore(&p.when, MAX_CONDITIONS, &|s| self.path(p, s, extra))
            .into_iter()
            .map(|leaf| (leaf.assignment, leaf.outcome.unwrap_or(PathState::Unknown)))
            .collect()
    }

    /// The single unconditional value of a subnet's VPC.
    pub fn subnet_vpc(&self, subnet: &str) -> Option<&'a str> {
        match self.subnets.get(subnet)?.vpc.as_slice() {
            [only] if only.when.is_empty() => only.value,
            _ => None,
        }
    }

    /// The single unconditional CIDR of a subnet, with the parameter defaults it rests on.
    pub fn subnet_cidr(&self, subnet: &str) -> Option<(IpNet, Vec<&'a str>)> {
        match self.subnets.get(subnet)?.cidr.as_slice() {
            [only] if only.when.is_empty() => only.value.map(|n| (n, only.defaults.clone())),
            _ => None,
        }
    }
}

/// The security groups an instance launches with: its own, its primary interface's, its
/// existing interface's, or its launch template's.
#[allow(clippy::too_many_arguments)]
fn instance_groups<'a>(
    template: &'a Template<'a>,
    eval: &Evaluator<'a>,
    r: &'a Resource<'a>,
    interface: Option<&'a Node>,
    eni: Option<&'a Resource<'a>>,
    lt: Result<Option<&'a Resource<'a>>, ()>,
    lt_data: Option<&'a Node>,
    lt_interface: Option<&'a Node>,
) -> (Groups<'a>, Option<&'a Node>) {
    let found = own_instance_groups(template, eval, r, interface, eni)
        .or_else(|| launch_template_groups(template, eval, lt_data, lt_interface));
    match (found, lt) {
        (Some((g, n)), _) => (g, Some(n)),
        (None, Err(())) => (Groups::Unknown, None),
        (None, Ok(_)) => (Groups::Default, None),
    }
}

/// The groups an instance names itself: on the instance, its primary interface, or the
/// existing interface that one attaches.
fn own_instance_groups<'a>(
    template: &'a Template<'a>,
    eval: &Evaluator<'a>,
    r: &'a Resource<'a>,
    interface: Option<&'a Node>,
    eni: Option<&'a Resource<'a>>,
) -> Option<(Groups<'a>, &'a Node)> {
    groups_in(
        template,
        eval,
        r.properties,
        &["SecurityGroupIds", "SecurityGroups"],
    )
    .or_else(|| groups_in(template, eval, interface, &["GroupSet"]))
    .or_else(|| {
        groups_in(
            template,
            eval,
            eni.and_then(|e| e.properties),
            &["GroupSet"],
        )
    })
}

/// The groups a launch template's data names, directly or on its primary interface.
fn launch_template_groups<'a>(
    template: &'a Template<'a>,
    eval: &Evaluator<'a>,
    data: Option<&'a Node>,
    interface: Option<&'a Node>,
) -> Option<(Groups<'a>, &'a Node)> {
    groups_in(
        template,
        eval,
        data,
        &["SecurityGroupIds", "SecurityGroups"],
    )
    .or_else(|| groups_in(template, eval, interface, &["Groups"]))
}

/// The security groups a compute resource declares itself, for the egress check: an
/// instance (its own, its primary interface's, its existing interface's), a launch
/// template, a launch configuration. `None` when the resource is not one of these, or is
/// an instance that takes its groups from a launch template (the template is checked).
pub fn declared_groups<'a>(
    eval: &Evaluator<'a>,
    r: &'a Resource<'a>,
) -> Option<(Groups<'a>, Option<&'a Node>)> {
    let template = eval.template()?;
    let found = match r.type_name {
        INSTANCE => {
            let interface = primary_interface(r.property("NetworkInterfaces"));
            let eni = existing_interface(template, eval, interface);
            let found = own_instance_groups(template, eval, r, interface, eni);
            if found.is_none() && r.property("LaunchTemplate").is_some() {
                return None;
            }
            if found.is_none()
                && interface
                    .and_then(|i| i.get("NetworkInterfaceId"))
                    .is_some()
                && eni.is_none()
            {
                return Some((Groups::Unknown, None));
            }
            found
        }
        LAUNCH_TEMPLATE => {
            let data = r.property("LaunchTemplateData");
            let interface = primary_interface(data.and_then(|d| d.get("NetworkInterfaces")));
            launch_template_groups(template, eval, data, interface)
        }
        LAUNCH_CONFIGURATION => groups_in(template, eval, r.properties, &["SecurityGroups"]),
        _ => return None,
    };
    Some(found.map_or((Groups::Default, None), |(g, n)| (g, Some(n))))
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::template::eval::Evaluator;

    pub(crate) const BASE: &str = "Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  Table:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  Association:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref Subnet
      RouteTableId: !Ref Table
  Igw:
    Type: AWS::EC2::InternetGateway
  Attachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref Igw
  App:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      SubnetId: !Ref Subnet
";

    pub(crate) const IGW_ROUTE: &str = "  Default:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Table
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref Igw
";

    /// The path states of every placement, one per explored assignment.
    pub(crate) fn states(text: &str) -> Vec<String> {
        let root = crate::syntax::parse(text).expect("parses");
        let template = Template::new(&root);
        let eval = Evaluator::new(&template, &HashMap::new());
        let launches = crate::semantic::launchers::launches(&template, &eval);
        let net = Network::build(Some(&template), &eval, &launches);
        let mut out = Vec::new();
        for p in &net.placements {
            for (when, state) in net.paths(p, &[]) {
                let state = match state {
                    PathState::Reachable => "reachable".to_string(),
                    PathState::Unknown => "unknown".to_string(),
                    PathState::Missing(m) => format!("missing {}", m.missing.join(",")),
                };
                let extra: Vec<String> = when[p.when.len()..]
                    .iter()
                    .map(|(c, b)| format!("{c}={b}"))
                    .collect();
                out.push(
                    format!(
                        "{}@{} {state} {}",
                        p.compute.id,
                        p.subnet.unwrap_or("?"),
                        extra.join(" ")
                    )
                    .trim_end()
                    .to_string(),
                );
            }
        }
        out.sort();
        out
    }

    pub(crate) fn one(text: &str) -> String {
        let s = states(text);
        assert_eq!(s.len(), 1, "{s:?}");
        s[0].clone()
    }

    pub(crate) fn endpoint(id: &str, service: &str) -> String {
        format!(
            "  {id}:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      VpcEndpointType: Interface\n      VpcId: !Ref Vpc\n      ServiceName: {service}\n      PrivateDnsEnabled: true\n"
        )
    }

    #[test]
    fn service_names_written_any_way() {
        let text = "Resources:\n  X:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      ServiceName: [com.amazonaws.us-east-1.ssm, !Sub 'com.amazonaws.${AWS::Region}.ssmmessages', !Join ['', [com.amazonaws., !Ref 'AWS::Region', .EC2Messages]], !Join ['.', [com.amazonaws, !Ref 'AWS::Region', s3]], !Sub 'com.amazonaws.${AWS::Region}.${Svc}', !Ref Svc, cn.com.amazonaws.cn-north-1.ssm]\n";
        let root = crate::syntax::parse(text).expect("parses");
        let template = Template::new(&root);
        let eval = Evaluator::new(&template, &HashMap::new());
        let list = root
            .get("Resources")
            .and_then(|r| r.get("X"))
            .and_then(|x| x.get("Properties"))
            .and_then(|p| p.get("ServiceName"))
            .and_then(Node::as_seq)
            .expect("list");
        let names: Vec<Option<String>> = list
            .iter()
            .map(|n| {
                service_of(&eval.eval(n)[0].value)
                    .name()
                    .map(str::to_string)
            })
            .collect();
        assert_eq!(
            names,
            [
                Some("ssm".into()),
                Some("ssmmessages".into()),
                Some("ec2messages".into()),
                Some("s3".into()),
                None,
                None,
                Some("ssm".into()),
            ]
        );
    }

    #[test]
    fn private_subnet_without_routes_misses_all_three() {
        assert_eq!(one(BASE), "App@Subnet missing ssm,ssmmessages,ec2messages");
    }

    #[test]
    fn endpoints_complete_the_path() {
        let mut text = BASE.to_string();
        text.push_str(&endpoint("E1", "com.amazonaws.eu-west-1.ssm"));
        assert_eq!(one(&text), "App@Subnet missing ssmmessages,ec2messages");
        text.push_str(&endpoint(
            "E2",
            "!Sub com.amazonaws.${AWS::Region}.ssmmessages",
        ));
        text.push_str(&endpoint(
            "E3",
            "!Join ['', [com.amazonaws., !Ref 'AWS::Region', .ec2messages]]",
        ));
        assert_eq!(one(&text), "App@Subnet reachable");
        // An endpoint whose service cannot be known could be the missing one.
        let mut text = BASE.to_string();
        text.push_str(&endpoint("E1", "!Ref ServiceParam"));
        assert_eq!(one(&text), "App@Subnet unknown");
        // Extra services (the session-logging hook) must be there too; an S3 gateway
        // endpoint counts when associated with the route table.
        let mut text = BASE.to_string();
        for (id, s) in [("E1", "ssm"), ("E2", "ssmmessages"), ("E3", "ec2messages")] {
            text.push_str(&endpoint(id, &format!("com.amazonaws.us-east-1.{s}")));
        }
        text.push_str("  S3:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      VpcId: !Ref Vpc\n      ServiceName: com.amazonaws.us-east-1.s3\n      RouteTableIds: [!Ref Table]\n");
        let root = crate::syntax::parse(&text).expect("parses");
        let template = Template::new(&root);
        let eval = Evaluator::new(&template, &HashMap::new());
        let launches = crate::semantic::launchers::launches(&template, &eval);
        let net = Network::build(Some(&template), &eval, &launches);
        let p = &net.placements[0];
        let s = Scenario::new(When::new());
        assert!(matches!(net.path(p, &s, &["s3"]), PathState::Reachable));
        match net.path(p, &s, &["logs", "kms"]) {
            PathState::Missing(m) => assert_eq!(m.missing, ["logs", "kms"]),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            required_services(&["logs", "ssm"]),
            ["ssm", "ssmmessages", "ec2messages", "logs"]
        );
    }

    #[test]
    fn nat_and_other_routes() {
        let nat = "  Default:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref Table\n      DestinationCidrBlock: 0.0.0.0/0\n      NatGatewayId: nat-0123\n";
        assert_eq!(one(&format!("{BASE}{nat}")), "App@Subnet reachable");
        // Transit gateway, peering, prefix lists: unknown, never a finding.
        for route in [
            nat.replace("NatGatewayId: nat-0123", "TransitGatewayId: tgw-0123"),
            nat.replace(
                "DestinationCidrBlock: 0.0.0.0/0",
                "DestinationCidrBlock: 10.1.0.0/16",
            )
            .replace("NatGatewayId: nat-0123", "VpcPeeringConnectionId: pcx-0123"),
            nat.replace(
                "DestinationCidrBlock: 0.0.0.0/0",
                "DestinationPrefixListId: pl-0123",
            ),
        ] {
            assert_eq!(
                one(&format!("{BASE}{route}")),
                "App@Subnet unknown",
                "{route}"
            );
        }
        // Routes propagated from a VPN gateway: unknown.
        let vgw = "  Propagation:\n    Type: AWS::EC2::VPNGatewayRoutePropagation\n    Properties:\n      RouteTableIds: [!Ref Table]\n      VpnGatewayId: vgw-0123\n";
        assert_eq!(one(&format!("{BASE}{vgw}")), "App@Subnet unknown");
    }

    #[test]
    fn main_route_table_and_external_subnets_are_unknown() {
        let image = "      ImageId: ami-12345678\n";
        let cases = [
            (
                "      SubnetId: !Ref Subnet\n      RouteTableId: !Ref Table\n",
                "      SubnetId: !Ref Other\n      RouteTableId: !Ref Table\n",
                "App@Subnet unknown",
            ),
            (
                "      RouteTableId: !Ref Table\n",
                "      RouteTableId: !ImportValue shared-rt\n",
                "App@Subnet unknown",
            ),
            (
                "      SubnetId: !Ref Subnet\n",
                "      SubnetId: subnet-0123\n",
                "App@? unknown",
            ),
        ];
        for (from, to, expected) in cases {
            let from = if from.contains("RouteTableId") {
                from.to_string()
            } else {
                format!("{image}{from}")
            };
            let to = if to.contains("RouteTableId") {
                to.to_string()
            } else {
                format!("{image}{to}")
            };
            assert_eq!(one(&BASE.replace(&from, &to)), expected, "{to}");
        }
        // No subnet at all: the default VPC, not a placement.
        let text = BASE.replace(
            "      ImageId: ami-12345678\n      SubnetId: !Ref Subnet\n",
            "      ImageId: ami-12345678\n",
        );
        assert!(states(&text).is_empty());
    }

    /// Applies `(from, to)` replacements in order; an empty `from` appends `to`.
    fn edited(text: &str, edits: &[(&str, &str)]) -> String {
        edits.iter().fold(text.to_string(), |t, (from, to)| {
            if from.is_empty() {
                t + to
            } else {
                t.replace(from, to)
            }
        })
    }

    /// What a case does, its `(from, to)` edits, and the states expected.
    type Case<'s> = (&'s str, Vec<(&'s str, &'s str)>, Vec<&'s str>);

    /// Every case, on `text`.
    fn check_cases(text: &str, cases: &[Case<'_>]) {
        for (what, edits, expected) in cases {
            assert_eq!(states(&edited(text, edits)), *expected, "{what}");
        }
    }

    #[test]
    fn internet_gateway_needs_a_public_ip() {
        let cidr = "      CidrBlock: 10.0.1.0/24\n";
        let mapped = format!("{cidr}      MapPublicIpOnLaunch: true\n");
        let by_ref = format!("{cidr}      MapPublicIpOnLaunch: !Ref Public\n");
        let eip = "  Eip:\n    Type: AWS::EC2::EIP\n    Properties:\n      InstanceId: !Ref App\n";
        let assoc = "  Assoc:\n    Type: AWS::EC2::EIPAssociation\n    Properties:\n      AllocationId: eipalloc-0123\n      InstanceId: !Ref App\n";
        let other = assoc.replace("InstanceId: !Ref App", "InstanceId: !Ref SomeInstance");
        let attachment = "  Attachment:\n    Type: AWS::EC2::VPCGatewayAttachment\n";
        let conditional = format!("{attachment}    Condition: Attach\n");
        let missing = "App@Subnet missing ssm,ssmmessages,ec2messages";
        let reachable = "App@Subnet reachable";
        let unknown = "App@Subnet unknown";
        check_cases(
            &format!("{BASE}{IGW_ROUTE}"),
            &[
                ("no public IP", vec![], vec![missing]),
                (
                    "MapPublicIpOnLaunch",
                    vec![(cidr, &mapped)],
                    vec![reachable],
                ),
                (
                    "MapPublicIpOnLaunch unknown",
                    vec![(cidr, &by_ref)],
                    vec![unknown],
                ),
                ("an Elastic IP", vec![("", eip)], vec![reachable]),
                ("an EIP association", vec![("", assoc)], vec![reachable]),
                (
                    "an association to another instance",
                    vec![("", &other)],
                    vec![unknown],
                ),
                (
                    "a conditional gateway attachment",
                    vec![(cidr, &mapped), (attachment, &conditional)],
                    vec![
                        "App@Subnet reachable Attach=true",
                        "App@Subnet unknown Attach=false",
                    ],
                ),
            ],
        );
    }

    #[test]
    fn associate_public_ip_address_in_network_interfaces() {
        let instance_subnet = "      ImageId: ami-12345678\n      SubnetId: !Ref Subnet\n";
        let interface = "      ImageId: ami-12345678\n      NetworkInterfaces:\n        - DeviceIndex: 0\n          SubnetId: !Ref Subnet\n          AssociatePublicIpAddress: true\n";
        let text = format!("{BASE}{IGW_ROUTE}").replace(instance_subnet, interface);
        let public = "AssociatePublicIpAddress: true";
        let cidr = "      CidrBlock: 10.0.1.0/24\n";
        let mapped = format!("{cidr}      MapPublicIpOnLaunch: true\n");
        check_cases(
            &text,
            &[
                (
                    "public address on the interface",
                    vec![],
                    vec!["App@Subnet reachable"],
                ),
                (
                    "the interface's false wins over the subnet's mapping",
                    vec![
                        (public, "AssociatePublicIpAddress: \"false\""),
                        (cidr, &mapped),
                    ],
                    vec!["App@Subnet missing ssm,ssmmessages,ec2messages"],
                ),
                (
                    "conditional",
                    vec![(
                        public,
                        "AssociatePublicIpAddress: !If [Public, true, false]",
                    )],
                    vec![
                        "App@Subnet missing ssm,ssmmessages,ec2messages Public=false",
                        "App@Subnet reachable Public=true",
                    ],
                ),
            ],
        );
    }
}
