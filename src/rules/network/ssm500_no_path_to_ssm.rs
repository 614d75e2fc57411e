//! SSM500: a compute resource's subnet has no way to Systems Manager.

use crate::diagnostic::emit::Snippet;
use crate::rules::fresh_id;
use crate::rules::{
    label_defaults, qualifiers, resource_snippet, Context, Distinct, Finding, Rule, RuleInfo,
    RuleMeta,
};
use crate::semantic::network::{
    Groups, Missing, Network, PathState, Placement, PublicIpSource, Target, SECURITY_GROUP,
};

crate::declare_rule! {
    /// ## What it does
    /// Follows every EC2 instance and Auto Scaling group to the subnets it launches into
    /// (`SubnetId`, `NetworkInterfaces`, a launch template's network interfaces,
    /// `VPCZoneIdentifier`) — and EKS node groups, Batch compute environments (`Subnets`),
    /// Spot Fleet launch specifications, EMR clusters, Image Builder, Cloud9 and OpsWorks
    /// instances (`SubnetId`), whose instances take the subnet's public IP setting —
    /// each subnet to its route table
    /// (`AWS::EC2::SubnetRouteTableAssociation`), and reports a subnet from which the SSM
    /// Agent cannot reach Systems Manager: no `0.0.0.0/0` route to a NAT gateway, nor to
    /// an internet gateway with a public IP on the instance (`AssociatePublicIpAddress`,
    /// the subnet's `MapPublicIpOnLaunch`, or an Elastic IP), and no VPC endpoints for
    /// all of `ssm`, `ssmmessages` and `ec2messages` in the subnet's VPC. Endpoint service
    /// names are matched however they are written (`com.amazonaws.us-east-1.ssm`,
    /// `!Sub com.amazonaws.${AWS::Region}.ssm`, `!Join`). When the template's Session
    /// Manager preferences log to CloudWatch Logs, S3 or encrypt with KMS, a subnet with
    /// no way out also needs the `logs` and `kms` interface endpoints or an S3 gateway
    /// endpoint on its route table. The finding names what is missing.
    ///
    /// Only a path known to be missing is reported: a subnet or route table from outside
    /// the template, a subnet left on the VPC's main route table, routes propagated from
    /// a VPN gateway, and routes to a transit gateway, peering connection, appliance or
    /// prefix list could all lead to Systems Manager, so they report nothing. An instance
    /// without a subnet (the default VPC) is not checked. Both branches of `Fn::If` and
    /// resources with a `Condition:` are followed; a finding that holds in one branch
    /// names the condition.
    ///
    /// ## Why is this bad?
    /// The SSM Agent only connects out, over HTTPS, to the `ssm`, `ssmmessages` and
    /// `ec2messages` endpoints. An instance in a private subnet with no NAT gateway and
    /// no VPC endpoints never registers: it stays invisible to Systems Manager however
    /// good its role is, and Session Manager cannot open a shell on it. The same goes
    /// for an instance in a public subnet that gets no public IP.
    ///
    /// ## Example
    /// ```yaml
    /// PrivateSubnet:
    ///   Type: AWS::EC2::Subnet
    ///   Properties:
    ///     VpcId: !Ref Vpc
    ///     CidrBlock: 10.0.1.0/24
    /// PrivateRouteTable:
    ///   Type: AWS::EC2::RouteTable
    ///   Properties:
    ///     VpcId: !Ref Vpc
    /// PrivateSubnetRouteTable:
    ///   Type: AWS::EC2::SubnetRouteTableAssociation
    ///   Properties:
    ///     SubnetId: !Ref PrivateSubnet
    ///     RouteTableId: !Ref PrivateRouteTable
    /// App:
    ///   Type: AWS::EC2::Instance
    ///   Properties:
    ///     SubnetId: !Ref PrivateSubnet
    ///     IamInstanceProfile: !Ref SsmProfile
    ///     ImageId: !Ref AmiId
    /// ```
    ///
    /// ## Fix
    /// Add interface endpoints for the three services (or a `0.0.0.0/0` route to a NAT
    /// gateway):
    ///
    /// ```yaml
    /// SsmEndpoint:
    ///   Type: AWS::EC2::VPCEndpoint
    ///   Properties:
    ///     VpcEndpointType: Interface
    ///     ServiceName: !Sub com.amazonaws.${AWS::Region}.ssm
    ///     VpcId: !Ref Vpc
    ///     SubnetIds: [!Ref PrivateSubnet]
    ///     SecurityGroupIds: [!Ref EndpointSecurityGroup]
    ///     PrivateDnsEnabled: true
    /// # ... the same for ssmmessages and ec2messages
    /// EndpointSecurityGroup:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: HTTPS from the VPC to the Systems Manager endpoints
    ///     VpcId: !Ref Vpc
    ///     SecurityGroupIngress:
    ///       - IpProtocol: tcp
    ///         FromPort: 443
    ///         ToPort: 443
    ///         CidrIp: !GetAtt Vpc.CidrBlock
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html>
    /// - <https://repost.aws/knowledge-center/ec2-systems-manager-vpc-endpoints>
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html>
    pub struct NoPathToSsm {
        code: "SSM500",
        name: "no-path-to-ssm",
        category: Connectivity,
        severity: Error,
        summary: "A compute resource's subnet has no route to the internet and no VPC endpoints for ssm, ssmmessages and ec2messages (and logs, kms or s3 when sessions are logged).",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html",
    }
}

impl Rule for NoPathToSsm {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let net = cx.model.network();
        // Session logging configured in the template needs its own endpoints too
        // (`logs`, `kms`, the S3 gateway) when there is no way out to the internet.
        let extra = cx.model.logging().required_endpoints();
        let mut out = Distinct::new(out);
        for p in &net.placements {
            report_placement(self.meta(), cx, net, p, &extra, &mut out);
        }
    }
}

/// Reports the placement when its path is known to be missing, in every assignment of
/// the conditions it rests on or in one branch of a single condition. `extra` names
/// endpoints needed besides the three Session Manager ones (the session-logging hook,
/// see [`crate::semantic::network::required_services`]).
pub(crate) fn report_placement<'a>(
    meta: &'static RuleMeta,
    cx: &Context<'a>,
    net: &Network<'a>,
    p: &Placement<'a>,
    extra: &[&'static str],
    out: &mut Distinct<'_>,
) {
    let leaves = net.paths(p, extra);
    let missing: Vec<_> = leaves
        .iter()
        .filter_map(|(when, state)| match state {
            PathState::Missing(m) => Some((when, m)),
            _ => None,
        })
        .collect();
    let Some(&(_, first)) = missing.first() else {
        return;
    };
    if missing.len() == leaves.len() {
        let m = first;
        out.push(finding(meta, cx, net, p, m, &p.when));
        return;
    }
    // Conditions may be related in ways the template does not show; a finding that
    // needs more than one extra condition could describe a combination that never
    // happens, so only single-condition branches are reported.
    for (when, m) in missing {
        if when.len() == p.when.len() + 1 {
            out.push(finding(meta, cx, net, p, m, when));
        }
    }
}

fn finding<'a>(
    meta: &'static RuleMeta,
    cx: &Context<'a>,
    net: &Network<'a>,
    p: &Placement<'a>,
    m: &Missing<'a>,
    when: &[(&'a str, bool)],
) -> Finding {
    let condition = p.compute.condition;
    let shown: Vec<(&str, bool)> = when
        .iter()
        .copied()
        .filter(|(c, b)| !(Some(*c) == condition && *b))
        .collect();
    let mut defaults = p.defaults.clone();
    if let Some(np) = &m.no_public_ip {
        for d in &np.defaults {
            if !defaults.contains(d) {
                defaults.push(d);
            }
        }
    }
    let services = m.missing.join(", ");
    let reason = match m.igw_routes.first() {
        Some(route) => format!(
            "it gets no public IP for the route to {}, and there is no endpoint for {services}",
            gateway_name(cx, route.target, route.target_node)
        ),
        None => format!("no route to the internet and no endpoint for {services}"),
    };
    let message = format!(
        "{} in subnet `{}` cannot reach Systems Manager: {reason}{}",
        p.subject(),
        m.subnet.id,
        qualifiers(&shown, condition, &defaults),
    );
    let label = match p.compute.type_name {
        crate::semantic::network::AUTO_SCALING_GROUP => "launches instances into this subnet",
        _ => "launches into this subnet",
    };
    let mut subnet_text = format!(
        "subnet `{}` uses route table `{}`",
        m.subnet.id, m.route_table.id
    );
    if let Some(np) = &m.no_public_ip {
        if np.node.is_none() && !m.igw_routes.is_empty() {
            subnet_text = format!("{subnet_text}; {}", np.text);
        }
    }
    let table_text = if m.igw_routes.is_empty() {
        "no route to a NAT gateway, internet gateway or transit gateway".to_string()
    } else {
        "its only way out is an internet gateway, which needs a public IP".to_string()
    };
    let mut f = Finding::new(meta, p.node.span, message)
        .label(label)
        .resource(p.compute.id)
        .with_label(m.subnet.id_span, subnet_text)
        .with_label(m.route_table.id_span, table_text);
    for route in &m.igw_routes {
        if let Some(node) = route.target_node {
            f = f.with_label(
                node.span,
                format!("route `{}` to the internet gateway", route.resource.id),
            );
        }
    }
    for route in &m.inactive_routes {
        let text = match route.resource.condition {
            Some(c) if shown.iter().any(|(n, _)| *n == c) => {
                format!(
                    "route `{}` is only created when condition `{c}` is true",
                    route.resource.id
                )
            }
            _ => format!("route `{}` does not exist in this case", route.resource.id),
        };
        f = f.with_label(route.resource.id_span, text);
    }
    if let Some(np) = &m.no_public_ip {
        if let (Some(node), false) = (np.node, m.igw_routes.is_empty()) {
            f = f.with_label(node.span, np.text.clone());
        }
    }
    for e in &m.endpoints {
        let service = net
            .endpoints
            .iter()
            .find(|x| x.resource.id == e.id)
            .and_then(|x| x.service_name())
            .unwrap_or("a required service");
        f = f.with_label(e.id_span, format!("endpoint for {service}"));
    }
    f = label_defaults(f, cx.template(), &defaults);
    f.help(help(cx, net, m))
}

/// "internet gateway `Igw`" or the literal gateway id.
fn gateway_name(
    cx: &Context<'_>,
    target: Target<'_>,
    node: Option<&crate::syntax::Node>,
) -> String {
    match target {
        Target::InternetGateway(Some(id)) => format!("internet gateway `{id}`"),
        _ => match node.and_then(|n| {
            cx.eval
                .eval(n)
                .first()
                .and_then(|r| r.value.as_str().map(str::to_string))
        }) {
            Some(text) => format!("internet gateway `{text}`"),
            None => "an internet gateway".to_string(),
        },
    }
}

/// `ssmmessages` → `SsmMessages`.
fn camel(service: &str) -> String {
    match service {
        "ssm" => "Ssm".into(),
        "ssmmessages" => "SsmMessages".into(),
        "ec2messages" => "Ec2Messages".into(),
        other => {
            let mut chars = other.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        }
    }
}

fn help(cx: &Context<'_>, net: &Network<'_>, m: &Missing<'_>) -> String {
    // Reuse the security group of an endpoint the VPC already has.
    let existing_group = net
        .endpoints
        .iter()
        .filter(|e| e.vpc_id() == Some(m.vpc))
        .find_map(|e| match &e.groups {
            Groups::Known(ids) => ids.first().copied(),
            _ => None,
        });
    let group = existing_group
        .map(str::to_string)
        .unwrap_or_else(|| fresh_id(cx.template(), "EndpointSecurityGroup", &[]));
    let services = m.missing.join(", ");
    let style = cx.style();
    let set_true = |key: &str| format!("`{}`", style.inline_pair(key, &Snippet::Bool(true)));
    let mut out = if m.igw_routes.is_empty() {
        format!("add VPC endpoints for {services}:\n\n")
    } else {
        let how = match m.no_public_ip.as_ref().map(|n| n.source) {
            Some(PublicIpSource::Interface) => {
                format!(
                    "set {} where it is false",
                    set_true("AssociatePublicIpAddress")
                )
            }
            Some(PublicIpSource::ExistingInterface) => {
                "associate an Elastic IP with its network interface".to_string()
            }
            _ => format!(
                "set {} on subnet `{}`, or {} on the primary network interface",
                set_true("MapPublicIpOnLaunch"),
                m.subnet.id,
                set_true("AssociatePublicIpAddress")
            ),
        };
        format!("give it a public IP ({how}), or add VPC endpoints for {services}:\n\n")
    };
    let refs = |id: &str| Snippet::Seq(vec![Snippet::reference(id)]);
    let mut resources = Vec::new();
    for service in &m.missing {
        let id = fresh_id(cx.template(), &format!("{}Endpoint", camel(service)), &[]);
        let name = Snippet::sub(format!("com.amazonaws.${{AWS::Region}}.{service}"));
        let properties = if *service == "s3" {
            Snippet::map([
                ("VpcEndpointType", Snippet::str("Gateway")),
                ("ServiceName", name),
                ("VpcId", Snippet::reference(m.vpc)),
                ("RouteTableIds", refs(m.route_table.id)),
            ])
        } else {
            Snippet::map([
                ("VpcEndpointType", Snippet::str("Interface")),
                ("ServiceName", name),
                ("VpcId", Snippet::reference(m.vpc)),
                ("SubnetIds", refs(m.subnet.id)),
                ("SecurityGroupIds", refs(&group)),
                ("PrivateDnsEnabled", Snippet::Bool(true)),
            ])
        };
        resources.push((id, resource_snippet("AWS::EC2::VPCEndpoint", properties)));
    }
    if existing_group.is_none() {
        let https = Snippet::map([
            ("IpProtocol", Snippet::str("tcp")),
            ("FromPort", Snippet::Number("443".into())),
            ("ToPort", Snippet::Number("443".into())),
            ("CidrIp", Snippet::get_att(m.vpc, "CidrBlock")),
        ]);
        let properties = Snippet::map([
            (
                "GroupDescription",
                Snippet::str("HTTPS from the VPC to the Systems Manager endpoints"),
            ),
            ("VpcId", Snippet::reference(m.vpc)),
            ("SecurityGroupIngress", Snippet::Seq(vec![https])),
        ]);
        resources.push((group, resource_snippet(SECURITY_GROUP, properties)));
    }
    out.push_str(&style.show(&Snippet::Map(resources)));
    if m.igw_routes.is_empty() {
        // The template's NAT gateway, else one the user names: a parameter the snippet
        // defines (a NAT gateway needs a public subnet and an Elastic IP of theirs).
        let (nat, parameter) = match cx.resources_of_type(&["AWS::EC2::NatGateway"]).next() {
            Some(n) => (n.id.to_string(), None),
            None => {
                let id = fresh_id(cx.template(), "NatGatewayId", &[]);
                let parameter = crate::rules::parameter_snippet(
                    &id,
                    "String",
                    "The NAT gateway (nat-...) of a public subnet of the VPC",
                );
                (id, Some(parameter))
            }
        };
        let route = fresh_id(
            cx.template(),
            &format!("{}NatRoute", m.route_table.id),
            &[&nat],
        );
        let properties = Snippet::map([
            ("RouteTableId", Snippet::reference(m.route_table.id)),
            ("DestinationCidrBlock", Snippet::str("0.0.0.0/0")),
            ("NatGatewayId", Snippet::reference(&nat)),
        ]);
        let resource = Snippet::map([(route, resource_snippet("AWS::EC2::Route", properties))]);
        match parameter {
            Some(parameter) => out.push_str(&format!(
                "\n\nor route 0.0.0.0/0 through a NAT gateway in a public subnet, given as a parameter:\n\n{}\n\nand the route:\n\n{}",
                style.show(&parameter),
                style.show(&resource)
            )),
            None => out.push_str(&format!(
                "\n\nor route 0.0.0.0/0 through the NAT gateway `{nat}`:\n\n{}",
                style.show(&resource)
            )),
        }
    }
    out
}
