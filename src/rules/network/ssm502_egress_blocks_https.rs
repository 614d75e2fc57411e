//! SSM502: the instance's security groups allow no outbound HTTPS.

use std::collections::HashMap;

use ipnet::IpNet;

use crate::base::Tri;
use crate::diagnostic::emit::Snippet;
use crate::rules::{qualifiers, Context, Finding, Rule, RuleInfo};
use crate::semantic::network::{declared_groups, Groups, SECURITY_GROUP, SSM_SERVICES};
use crate::semantic::traffic::{admits, parse_cidr, Port, Protocol};
use crate::template::eval::{Resolved, Value};
use crate::template::model::Resource;

crate::declare_rule! {
    /// ## What it does
    /// Reports an EC2 instance, launch template or launch configuration whose security
    /// groups all define their own egress rules (`SecurityGroupEgress`, which replaces
    /// the default allow-all rule) and none of those rules — nor a standalone
    /// `AWS::EC2::SecurityGroupEgress` attached to the groups — allows TCP 443 to any
    /// real destination. A rule to loopback or link-local addresses (the common
    /// `127.0.0.1/32` "deny all egress" idiom) is no destination. Groups from outside the
    /// template, the VPC's default group, conditional rules and unknown ports or
    /// protocols report nothing.
    ///
    /// ## Why is this bad?
    /// The SSM Agent only ever connects out, over HTTPS (TCP 443), to the `ssm`,
    /// `ssmmessages` and `ec2messages` endpoints (public or VPC endpoints). Security
    /// groups are stateful but filter new outbound connections: with no egress rule for
    /// 443 the agent never registers and Session Manager cannot reach the instance, even
    /// with a perfect role and network path.
    ///
    /// ## Example
    /// ```yaml
    /// AppSecurityGroup:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: app
    ///     VpcId: !Ref Vpc
    ///     SecurityGroupEgress:
    ///       - IpProtocol: tcp
    ///         FromPort: 5432
    ///         ToPort: 5432
    ///         CidrIp: 10.0.0.0/16
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// AppSecurityGroup:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: app
    ///     VpcId: !Ref Vpc
    ///     SecurityGroupEgress:
    ///       - IpProtocol: tcp
    ///         FromPort: 5432
    ///         ToPort: 5432
    ///         CidrIp: 10.0.0.0/16
    ///       - IpProtocol: tcp
    ///         FromPort: 443
    ///         ToPort: 443
    ///         CidrIp: 0.0.0.0/0
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-minimum-s3-permissions.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html>
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-securitygroup.html#cfn-ec2-securitygroup-securitygroupegress>
    pub struct EgressBlocksHttps {
        code: "SSM502",
        name: "egress-blocks-https",
        category: Connectivity,
        severity: Warning,
        summary: "The instance's security groups define egress rules and none allows TCP 443, which the SSM Agent needs.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html",
    }
}

/// What a security group's egress rules do to outbound TCP 443.
#[derive(Clone)]
enum Egress {
    /// No `SecurityGroupEgress`: the default rule allows everything.
    Default,
    Allows,
    Unknown,
    /// Own rules, none of them for 443 to a real destination.
    Blocks {
        entry_span: crate::base::Span,
    },
}

impl Rule for EgressBlocksHttps {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let standalone = standalone_egress(cx);
        // Each group's egress is the same for every resource that uses it.
        let mut known: HashMap<&str, Egress> = HashMap::new();
        for r in cx.resources() {
            let Some((Groups::Known(groups), groups_node)) = declared_groups(cx.eval, r) else {
                continue;
            };
            if groups.is_empty() {
                continue;
            }
            let mut blocked = Vec::new();
            let mut open = false;
            for id in &groups {
                let state = known
                    .entry(id)
                    .or_insert_with(|| egress(cx, id, &standalone))
                    .clone();
                match state {
                    Egress::Blocks { entry_span } => blocked.push((*id, entry_span)),
                    _ => {
                        open = true;
                        break;
                    }
                }
            }
            if open {
                continue;
            }
            let what = match r.type_name {
                crate::semantic::network::LAUNCH_TEMPLATE => "launch template",
                crate::semantic::network::LAUNCH_CONFIGURATION => "launch configuration",
                _ => "instance",
            };
            let names: Vec<String> = blocked.iter().map(|(id, _)| format!("`{id}`")).collect();
            let message = format!(
                "{what} `{}` cannot reach Systems Manager: the egress rules of security group{} {} allow no HTTPS (TCP 443), the only port the SSM Agent connects out on{}",
                r.id,
                if names.len() == 1 { "" } else { "s" },
                names.join(", "),
                qualifiers(&[], r.condition, &[]),
            );
            let Some(&(first, span)) = blocked.first() else {
                continue;
            };
            let mut f = Finding::new(self.meta(), span, message)
                .label("no rule allows TCP 443 out")
                .resource(r.id);
            for (_, other) in blocked.iter().skip(1) {
                f = f.with_label(*other, "no rule allows TCP 443 out");
            }
            if let Some(node) = groups_node {
                f = f.with_label(node.span, format!("the security groups of `{}`", r.id));
            }
            out.push(f.help(help(cx, first)));
        }
    }
}

fn help(cx: &Context<'_>, group: &str) -> String {
    // With endpoints, the endpoints' security group is the narrowest destination.
    let endpoint_group = cx.model.network().endpoints.iter().find_map(|e| {
        let service = e.service_name()?;
        if !SSM_SERVICES.contains(&service) {
            return None;
        }
        match &e.groups {
            Groups::Known(ids) => ids.first().copied(),
            _ => None,
        }
    });
    let destination = match endpoint_group {
        Some(id) => ("DestinationSecurityGroupId", Snippet::reference(id)),
        None => ("CidrIp", Snippet::str("0.0.0.0/0")),
    };
    let rule = Snippet::map([
        ("IpProtocol", Snippet::str("tcp")),
        ("FromPort", Snippet::Number("443".into())),
        ("ToPort", Snippet::Number("443".into())),
        destination,
    ]);
    format!(
        "add to `SecurityGroupEgress` of `{group}`:\n\n{}",
        cx.style().show(&Snippet::Seq(vec![rule]))
    )
}

/// The standalone `AWS::EC2::SecurityGroupEgress` resources of the template, by the
/// security group they attach to.
fn standalone_egress<'a>(cx: &Context<'a>) -> HashMap<&'a str, Vec<&'a Resource<'a>>> {
    let mut out: HashMap<&'a str, Vec<&'a Resource<'a>>> = HashMap::new();
    for standalone in cx.resources_of_type(&["AWS::EC2::SecurityGroupEgress"]) {
        for g in cx.eval.eval_opt(standalone.property("GroupId")) {
            if let Value::Ref(r) = &g.value {
                let list = out.entry(r.id).or_default();
                if !list.iter().any(|s| s.id == standalone.id) {
                    list.push(standalone);
                }
            }
        }
    }
    out
}

fn egress<'a>(
    cx: &Context<'a>,
    id: &str,
    standalone: &HashMap<&'a str, Vec<&'a Resource<'a>>>,
) -> Egress {
    let Some(group) = cx.resource(id) else {
        return Egress::Unknown;
    };
    let Some(entry) = group.property_entry("SecurityGroupEgress") else {
        return Egress::Default;
    };
    let items = cx.eval.items(&entry.value);
    if items.is_empty() {
        return Egress::Default;
    }
    let mut state = Tri::No;
    for item in &items {
        if !item.when.is_empty() {
            return Egress::Unknown;
        }
        state = state.or(rule_allows(cx, item));
    }
    // Standalone egress rules attached to the group add to its own.
    for standalone in standalone.get(id).into_iter().flatten() {
        let Some(props) = standalone.properties else {
            continue;
        };
        let root = Resolved::literal(props);
        state = state.or(rule_allows(cx, &root));
    }
    match state {
        Tri::No => Egress::Blocks {
            entry_span: entry.key_span,
        },
        Tri::Yes => Egress::Allows,
        Tri::Unknown => Egress::Unknown,
    }
}

/// One value of a field of a rule, when unambiguous and unconditional.
fn single<'a>(
    cx: &Context<'a>,
    item: &Resolved<'a>,
    key: &str,
) -> Result<Option<Resolved<'a>>, ()> {
    let alts = cx.eval.field(item, key);
    match alts.as_slice() {
        [] => Ok(None),
        [one] if one.when.len() == item.when.len() => Ok(Some(one.clone())),
        _ => Err(()),
    }
}

/// Whether one egress rule allows TCP 443 to a real destination.
fn rule_allows<'a>(cx: &Context<'a>, item: &Resolved<'a>) -> Tri {
    let Value::Node(node) = item.value else {
        return Tri::Unknown;
    };
    if node.as_map().is_none() {
        return Tri::Unknown;
    }
    let (Ok(protocol), Ok(from), Ok(to)) = (
        single(cx, item, "IpProtocol"),
        single(cx, item, "FromPort"),
        single(cx, item, "ToPort"),
    ) else {
        return Tri::Unknown;
    };
    let protocol = protocol.map_or(Protocol::Unknown, |p| Protocol::parse(&p.value));
    let port = admits(
        &protocol,
        Port::parse(from.as_ref()).value,
        Port::parse(to.as_ref()).value,
        443,
    );
    if port == Tri::No {
        return Tri::No;
    }
    let mut destination = Tri::No;
    for key in [
        "CidrIp",
        "CidrIpv6",
        "DestinationSecurityGroupId",
        "DestinationPrefixListId",
    ] {
        let Ok(value) = single(cx, item, key) else {
            return Tri::Unknown;
        };
        let Some(value) = value else { continue };
        destination = Tri::or(
            destination,
            match key {
                "CidrIp" | "CidrIpv6" => match value.value.as_str().and_then(parse_cidr) {
                    Some(net) if is_local(&net) => Tri::No,
                    Some(_) => Tri::Yes,
                    None => Tri::Unknown,
                },
                "DestinationSecurityGroupId" => match &value.value {
                    Value::Ref(r)
                        if cx
                            .resource(r.id)
                            .is_some_and(|g| g.type_name == SECURITY_GROUP) =>
                    {
                        Tri::Yes
                    }
                    _ => Tri::Unknown,
                },
                _ => Tri::Unknown,
            },
        );
    }
    match (port, destination) {
        (_, Tri::No) => Tri::No,
        (Tri::Yes, Tri::Yes) => Tri::Yes,
        _ => Tri::Unknown,
    }
}

/// Loopback and link-local networks: traffic there never leaves the host's link.
fn is_local(net: &IpNet) -> bool {
    let local: [IpNet; 3] = [
        "127.0.0.0/8".parse().expect("cidr"),
        "169.254.0.0/16".parse().expect("cidr"),
        "::1/128".parse().expect("cidr"),
    ];
    local.iter().any(|l| l.contains(net))
}
