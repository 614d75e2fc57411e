//! SSM501: a Systems Manager VPC endpoint the agent cannot use.

use ipnet::IpNet;

use crate::base::Tri;
use crate::diagnostic::emit::Snippet;
use crate::rules::{label_defaults, qualifiers, Context, Finding, Fix, Rule, RuleInfo};
use crate::semantic::ingress::{GroupLink, IngressRule};
use crate::semantic::network::{
    resource_guard, Endpoint, Groups, Network, Placement, SSM_SERVICES,
};
use crate::semantic::traffic::Source;
use crate::template::eval::Value;

crate::declare_rule! {
    /// ## What it does
    /// Checks the interface VPC endpoints for `ssm`, `ssmmessages` and `ec2messages`
    /// (service names written any way) and reports one that
    ///
    /// - has `PrivateDnsEnabled` false or unset (CloudFormation's default is false), or
    /// - has security groups that do not admit TCP 443 from an instance or Auto Scaling
    ///   group of the template that launches into the endpoint's VPC: no ingress rule
    ///   whose source is a CIDR containing the instance's subnet, or one of the
    ///   instance's security groups.
    ///
    /// Sources, groups and subnets that cannot be known statically (parameters, imports,
    /// prefix lists, the VPC's default security group, conditional rules) report
    /// nothing.
    ///
    /// ## Why is this bad?
    /// The SSM Agent connects to the public service names (`ssmmessages.REGION.amazonaws.com`).
    /// Only private DNS makes those names resolve to the endpoint; without it the agent
    /// never uses the endpoint, and in a private subnet it cannot reach Systems Manager at
    /// all. With private DNS on, an endpoint security group that does not admit HTTPS from
    /// the instances drops every connection, and Session Manager cannot reach them.
    ///
    /// ## Example
    /// ```yaml
    /// SsmMessagesEndpoint:
    ///   Type: AWS::EC2::VPCEndpoint
    ///   Properties:
    ///     VpcEndpointType: Interface
    ///     ServiceName: !Sub com.amazonaws.${AWS::Region}.ssmmessages
    ///     VpcId: !Ref Vpc
    ///     SubnetIds: [!Ref PrivateSubnet]
    ///     SecurityGroupIds: [!Ref EndpointSecurityGroup]
    /// EndpointSecurityGroup:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: endpoints
    ///     VpcId: !Ref Vpc
    ///     SecurityGroupIngress:
    ///       - IpProtocol: tcp
    ///         FromPort: 80
    ///         ToPort: 80
    ///         CidrIp: 10.0.0.0/16
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// SsmMessagesEndpoint:
    ///   Type: AWS::EC2::VPCEndpoint
    ///   Properties:
    ///     VpcEndpointType: Interface
    ///     ServiceName: !Sub com.amazonaws.${AWS::Region}.ssmmessages
    ///     VpcId: !Ref Vpc
    ///     SubnetIds: [!Ref PrivateSubnet]
    ///     SecurityGroupIds: [!Ref EndpointSecurityGroup]
    ///     PrivateDnsEnabled: true
    /// EndpointSecurityGroup:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: endpoints
    ///     VpcId: !Ref Vpc
    ///     SecurityGroupIngress:
    ///       - IpProtocol: tcp
    ///         FromPort: 443
    ///         ToPort: 443
    ///         CidrIp: 10.0.0.0/16
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html>
    /// - <https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html>
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-vpcendpoint.html#cfn-ec2-vpcendpoint-privatednsenabled>
    pub struct SsmEndpointMisconfigured {
        code: "SSM501",
        name: "ssm-endpoint-misconfigured",
        category: Connectivity,
        severity: Warning,
        summary: "A Systems Manager VPC endpoint has private DNS off, or its security groups do not admit HTTPS from the instances.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html",
        fix: Sometimes,
    }
}

const DNS_FIX: &str = "set `PrivateDnsEnabled: true`";

impl Rule for SsmEndpointMisconfigured {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let net = cx.model.network();
        let endpoints: Vec<(&Endpoint<'_>, &str)> = net
            .endpoints
            .iter()
            .filter_map(|e| {
                let service = e.service_name()?;
                SSM_SERVICES.contains(&service).then_some((e, service))
            })
            .collect();
        for (e, service) in &endpoints {
            self.private_dns(cx, e, service, out);
        }
        self.security_groups(cx, net, &endpoints, out);
    }
}

impl SsmEndpointMisconfigured {
    fn private_dns(
        &self,
        cx: &Context<'_>,
        e: &Endpoint<'_>,
        service: &str,
        out: &mut Vec<Finding>,
    ) {
        let r = e.resource;
        let consequence = format!(
            "the SSM Agent resolves the public {service} name and never uses this endpoint"
        );
        let fix = format!(
            "set private DNS (the VPC needs `EnableDnsSupport` and `EnableDnsHostnames` true):\n\n{}",
            cx.style().show_pair("PrivateDnsEnabled", &Snippet::Bool(true))
        );
        if e.private_dns.is_empty() {
            let message = format!(
                "endpoint `{}` for {service} does not enable private DNS: {consequence}{}",
                r.id,
                qualifiers(&[], r.condition, &[])
            );
            let editor = cx.editor();
            let edit = match r.properties {
                Some(props) => editor.ensure(props, &["PrivateDnsEnabled"], Snippet::Bool(true)),
                None => editor.ensure(
                    r.node,
                    &["Properties", "PrivateDnsEnabled"],
                    Snippet::Bool(true),
                ),
            };
            out.push(
                Finding::new(self.meta(), r.id_span, message)
                    .label("no `PrivateDnsEnabled: true` (the default is false)")
                    .resource(r.id)
                    .help(fix.clone())
                    .fix(edit.map(|e| Fix::safe(DNS_FIX, vec![e]))),
            );
            return;
        }
        let guard = resource_guard(r);
        for alt in &e.private_dns {
            if alt.value != Tri::No {
                continue;
            }
            let Some(node) = alt.node else { continue };
            let when: Vec<(&str, bool)> = alt
                .when
                .iter()
                .copied()
                .filter(|w| !guard.contains(w))
                .collect();
            let message = format!(
                "endpoint `{}` for {service} has private DNS off: {consequence}{}",
                r.id,
                qualifiers(&when, r.condition, &alt.defaults)
            );
            let certain = alt.when.is_empty()
                && alt.defaults.is_empty()
                && cx.written_in(r, node)
                && node.as_scalar().is_some();
            let edit = certain
                .then(|| cx.editor().replace(node, &Snippet::Bool(true)))
                .flatten();
            let f = Finding::new(self.meta(), node.span, message)
                .label("private DNS off")
                .resource(r.id)
                .help(fix.clone())
                .fix(edit.map(|e| Fix::safe(DNS_FIX, vec![e])));
            out.push(label_defaults(f, cx.template(), &alt.defaults));
        }
    }

    fn security_groups<'a>(
        &self,
        cx: &Context<'a>,
        net: &Network<'a>,
        endpoints: &[(&Endpoint<'a>, &str)],
        out: &mut Vec<Finding>,
    ) {
        // Endpoints sharing a VPC and a set of security groups are reported together.
        let mut sets: Vec<(&'a str, Vec<&'a str>, Vec<&Endpoint<'a>>)> = Vec::new();
        for (e, _) in endpoints {
            let (Some(vpc), Groups::Known(groups)) = (e.vpc_id(), &e.groups) else {
                continue;
            };
            if !e.guard.is_empty() {
                continue;
            }
            let mut groups = groups.clone();
            groups.sort_unstable();
            match sets.iter_mut().find(|(v, g, _)| *v == vpc && *g == groups) {
                Some((_, _, list)) => list.push(e),
                None => sets.push((vpc, groups, vec![e])),
            }
        }
        if sets.is_empty() {
            return;
        }
        let rules = cx.model.ingress_rules();
        for (vpc, groups, members) in &sets {
            let rules: Vec<&IngressRule<'a>> = rules
                .iter()
                .filter(|rule| match &rule.group {
                    None => groups.contains(&rule.resource.id),
                    Some(GroupLink::Resource { id, .. }) => groups.contains(id),
                    _ => false,
                })
                .collect();
            let mut refused: Vec<Refused<'_, 'a>> = Vec::new();
            for p in &net.placements {
                let Some(subnet) = p.subnet else { continue };
                if net.subnet_vpc(subnet) != Some(*vpc)
                    || !p.when.iter().all(|w| resource_guard(p.compute).contains(w))
                    || refused.iter().any(|(q, _)| q.compute.id == p.compute.id)
                {
                    continue;
                }
                let cidr = net.subnet_cidr(subnet);
                let admitted = rules
                    .iter()
                    .map(|rule| admits(cx, rule, cidr.as_ref().map(|c| c.0), &p.groups))
                    .fold(Tri::No, Tri::or);
                if admitted == Tri::No {
                    refused.push((p, cidr));
                }
            }
            if refused.is_empty() {
                continue;
            }
            out.extend(self.refusal(cx, vpc, groups, members, &refused));
        }
    }

    fn refusal<'a>(
        &self,
        cx: &Context<'a>,
        vpc: &str,
        groups: &[&'a str],
        members: &[&Endpoint<'a>],
        refused: &[Refused<'_, 'a>],
    ) -> Option<Finding> {
        let (Some(&group), Some(member), Some(first_refused)) =
            (groups.first(), members.first(), refused.first())
        else {
            return None;
        };
        let group_names = list(groups);
        let endpoint_names = list(&members.iter().map(|e| e.resource.id).collect::<Vec<_>>());
        let subjects: Vec<String> = refused
            .iter()
            .map(|(p, cidr)| {
                let mut s = format!("{} (subnet `{}`", p.subject(), p.subnet.unwrap_or("?"));
                if let Some((net, _)) = cidr {
                    s.push_str(&format!(", {net}"));
                }
                s.push(')');
                s
            })
            .collect();
        let mut defaults: Vec<&str> = Vec::new();
        for (_, cidr) in refused {
            for d in cidr.iter().flat_map(|c| c.1.iter()) {
                if !defaults.contains(d) {
                    defaults.push(d);
                }
            }
        }
        let plural = if groups.len() == 1 { "" } else { "s" };
        let endpoints_word = if members.len() == 1 {
            "endpoint"
        } else {
            "endpoints"
        };
        let message = format!(
            "security group{plural} {group_names} of Systems Manager {endpoints_word} {endpoint_names} do{} not admit HTTPS (TCP 443) from {}: the SSM Agent cannot reach the {endpoints_word}{}",
            if groups.len() == 1 { "es" } else { "" },
            subjects.join(", "),
            qualifiers(&[], None, &defaults),
        );
        let first = cx.resource(group);
        let (span, has_ingress) = match first.and_then(|g| g.property_entry("SecurityGroupIngress"))
        {
            Some(entry) => (entry.key_span, true),
            None => (first.map_or(member.resource.id_span, |g| g.id_span), false),
        };
        let mut f = Finding::new(self.meta(), span, message)
            .label("no rule admits TCP 443 from the instances")
            .resource(group);
        for e in members {
            if let Some(node) = e.groups_node {
                f = f.with_label(node.span, format!("endpoint `{}` uses this", e.resource.id));
            }
        }
        for (p, _) in refused {
            f = f.with_label(p.node.span, format!("{} launches here", p.subject()));
            if let Some(node) = p.groups_node {
                f = f.with_label(node.span, format!("security groups of {}", p.subject()));
            }
        }
        f = label_defaults(f, cx.template(), &defaults);
        let source = match &first_refused.0.groups {
            Groups::Known(ids) => match ids.first() {
                Some(id) => ("SourceSecurityGroupId", Snippet::reference(*id)),
                None => ("CidrIp", Snippet::get_att(vpc, "CidrBlock")),
            },
            _ => ("CidrIp", Snippet::get_att(vpc, "CidrBlock")),
        };
        let port = || Snippet::Number("443".into());
        let rule = Snippet::Seq(vec![Snippet::map([
            ("IpProtocol", Snippet::str("tcp")),
            ("FromPort", port()),
            ("ToPort", port()),
            source,
        ])]);
        let style = cx.style();
        let help = if has_ingress {
            format!(
                "add to `SecurityGroupIngress` of `{group}`:\n\n{}",
                style.show(&rule)
            )
        } else {
            format!(
                "add to the properties of `{group}`:\n\n{}",
                style.show_pair("SecurityGroupIngress", &rule)
            )
        };
        Some(f.help(help))
    }
}

/// A placement whose instances the endpoints refuse, with its subnet CIDR.
type Refused<'p, 'a> = (&'p Placement<'a>, Option<(IpNet, Vec<&'a str>)>);

fn list(ids: &[&str]) -> String {
    ids.iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether an ingress rule of the endpoint's groups admits HTTPS from an instance in a
/// subnet with this CIDR and with these security groups.
fn admits(
    cx: &Context<'_>,
    rule: &IngressRule<'_>,
    subnet: Option<IpNet>,
    groups: &Groups<'_>,
) -> Tri {
    let port = rule.admits_tcp_port(443);
    let source = match &rule.source {
        Source::Cidr { net, .. } => match subnet {
            Some(subnet) if net.contains(&subnet) => Tri::Yes,
            Some(subnet)
                if !net.contains(&subnet.network()) && !subnet.contains(&net.network()) =>
            {
                Tri::No
            }
            _ => Tri::Unknown,
        },
        Source::SecurityGroup(_) => {
            let alts = cx.eval.eval(rule.source_node);
            match (alts.as_slice(), groups) {
                ([one], Groups::Known(ids)) => match &one.value {
                    Value::Ref(r) if ids.contains(&r.id) => Tri::Yes,
                    Value::Ref(r)
                        if cx.resource(r.id).is_some_and(|g| {
                            g.type_name == crate::semantic::network::SECURITY_GROUP
                        }) =>
                    {
                        Tri::No
                    }
                    _ => Tri::Unknown,
                },
                _ => Tri::Unknown,
            }
        }
        Source::PrefixList(_) | Source::Parameter { .. } | Source::Unknown => Tri::Unknown,
    };
    let result = Tri::and(port, source);
    // A conditional rule may be absent: it can only make the answer unknown.
    if result == Tri::Yes && (!rule.when.is_empty() || rule.resource.condition.is_some()) {
        return Tri::Unknown;
    }
    result
}
