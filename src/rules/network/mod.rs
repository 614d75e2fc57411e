//! Rules on connectivity to Systems Manager (SSM5xx).

pub mod ssm500_no_path_to_ssm;
pub mod ssm501_ssm_endpoint_misconfigured;
pub mod ssm502_egress_blocks_https;

#[cfg(test)]
mod tests {
    use crate::rules::Finding;
    use crate::semantic::network::tests::{endpoint, states, BASE, IGW_ROUTE};

    fn run(code: &str, text: &str) -> Vec<Finding> {
        crate::rules::run(&[code], text)
    }

    #[test]
    fn launch_template_interfaces_and_auto_scaling_groups() {
        let text = format!("{BASE}{IGW_ROUTE}  Private:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.2.0/24\n  PrivateTable:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n  PrivateAssociation:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref Private\n      RouteTableId: !Ref PrivateTable\n  Lt:\n    Type: AWS::EC2::LaunchTemplate\n    Properties:\n      LaunchTemplateData:\n        NetworkInterfaces:\n          - DeviceIndex: 0\n            AssociatePublicIpAddress: true\n  Asg:\n    Type: AWS::AutoScaling::AutoScalingGroup\n    Properties:\n      MinSize: 1\n      MaxSize: 2\n      LaunchTemplate:\n        LaunchTemplateId: !Ref Lt\n        Version: 1\n      VPCZoneIdentifier: [!Ref Subnet, !Ref Private]\n");
        assert_eq!(
            states(&text),
            [
                "App@Subnet missing ssm,ssmmessages,ec2messages",
                "Asg@Private missing ssm,ssmmessages,ec2messages",
                "Asg@Subnet reachable",
            ]
        );
        let f = run("SSM500", &text);
        assert_eq!(f.len(), 2);
        assert!(f[1].message.starts_with("Auto Scaling group `Asg` in subnet `Private` cannot reach Systems Manager: no route to the internet and no endpoint for ssm, ssmmessages, ec2messages"), "{}", f[1].message);
        // An instance launched from the template into the public subnet gets its IP.
        let text = text.replace("      ImageId: ami-12345678\n      SubnetId: !Ref Subnet\n", "      ImageId: ami-12345678\n      SubnetId: !Ref Subnet\n      LaunchTemplate:\n        LaunchTemplateId: !Ref Lt\n        Version: 1\n");
        assert_eq!(states(&text)[0], "App@Subnet reachable");
        // A launch template from outside: its public IP setting is unknown.
        let text = text.replacen("LaunchTemplateId: !Ref Lt", "LaunchTemplateId: lt-0123", 1);
        assert_eq!(states(&text)[0], "App@Subnet unknown");
    }

    #[test]
    fn one_condition_is_named_several_are_not_reported() {
        let nat = "  Default:\n    Type: AWS::EC2::Route\n    Condition: HasNat\n    Properties:\n      RouteTableId: !Ref Table\n      DestinationCidrBlock: 0.0.0.0/0\n      NatGatewayId: nat-0123\n";
        let f = run("SSM500", &format!("{BASE}{nat}"));
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.ends_with("when condition `HasNat` is false"),
            "{}",
            f[0].message
        );
        assert!(f[0].labels.iter().any(|l| l
            .text
            .contains("only created when condition `HasNat` is true")));
        // Two conditions that may be related: the failing combination might never happen.
        let two = format!(
            "{BASE}{nat}{}",
            nat.replace("  Default:", "  Other:")
                .replace("HasNat", "NoNat")
                .replace("nat-0123", "nat-4567")
        );
        assert!(run("SSM500", &two).is_empty());
    }

    #[test]
    fn finding_points_at_the_subnet_reference_and_labels_subnet_and_table() {
        let text = format!("{BASE}{IGW_ROUTE}");
        let f = run("SSM500", &text);
        assert_eq!(f.len(), 1);
        assert_eq!(&text[f[0].span.start()..f[0].span.end()], "!Ref Subnet");
        let labelled: Vec<&str> = f[0]
            .labels
            .iter()
            .map(|l| &text[l.span.start()..l.span.end()])
            .collect();
        assert!(
            labelled.contains(&"Subnet")
                && labelled.contains(&"Table")
                && labelled.contains(&"!Ref Igw"),
            "{labelled:?}"
        );
        assert!(
            f[0].message
                .contains("no public IP for the route to internet gateway `Igw`"),
            "{}",
            f[0].message
        );
        let help = f[0].help.clone().unwrap_or_default();
        assert!(help.contains("MapPublicIpOnLaunch: true"), "{help}");
        // The snippet parses and names the VPC and subnet.
        let yaml = help.split_once(":\n\n").map(|(_, y)| y).unwrap_or_default();
        let node = crate::syntax::parse(yaml).expect("snippet parses");
        assert!(
            node.get("SsmMessagesEndpoint").is_some()
                && node.get("EndpointSecurityGroup").is_some(),
            "{yaml}"
        );
    }

    #[test]
    fn endpoint_security_group_and_private_dns() {
        let mut text = BASE.replace("      SubnetId: !Ref Subnet\n", "      SubnetId: !Ref Subnet\n      SecurityGroupIds: [!Ref AppSg]\n").replacen("      SubnetId: !Ref Subnet\n      SecurityGroupIds: [!Ref AppSg]\n      RouteTableId", "      SubnetId: !Ref Subnet\n      RouteTableId", 1);
        text.push_str("  AppSg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: app\n  EpSg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: ep\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n          CidrIp: 10.0.200.0/24\n");
        for (id, s) in [("E1", "ssm"), ("E2", "ssmmessages"), ("E3", "ec2messages")] {
            text.push_str(&endpoint(id, &format!("com.amazonaws.us-east-1.{s}")));
            text.push_str("      SecurityGroupIds: [!Ref EpSg]\n");
        }
        let f = run("SSM501", &text);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(f[0].message.starts_with("security group `EpSg` of Systems Manager endpoints `E1`, `E2`, `E3` does not admit HTTPS (TCP 443) from instance `App` (subnet `Subnet`, 10.0.1.0/24)"), "{}", f[0].message);
        assert!(f[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("SourceSecurityGroupId: !Ref AppSg"));
        for fixed in [
            "CidrIp: 10.0.0.0/16",
            "CidrIp: 10.0.1.0/24",
            "SourceSecurityGroupId: !Ref AppSg",
            "CidrIp: 10.0.0.0/20",
        ] {
            let text = text.replace("CidrIp: 10.0.200.0/24", fixed);
            assert!(run("SSM501", &text).is_empty(), "{fixed}");
        }
        // A CIDR that only partly covers the subnet, or an unknown one: no finding.
        for unsure in [
            "CidrIp: 10.0.1.0/25",
            "CidrIp: !Ref Cidr",
            "SourcePrefixListId: pl-1",
        ] {
            let text = text.replace("CidrIp: 10.0.200.0/24", unsure);
            assert!(run("SSM501", &text).is_empty(), "{unsure}");
        }
        let off = text
            .replacen(
                "PrivateDnsEnabled: true",
                "PrivateDnsEnabled: !If [Dns, true, false]",
                1,
            )
            .replace("CidrIp: 10.0.200.0/24", "CidrIp: 10.0.0.0/16");
        let f = run("SSM501", &off);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].message, "endpoint `E1` for ssm has private DNS off: the SSM Agent resolves the public ssm name and never uses this endpoint when condition `Dns` is false");
    }

    #[test]
    fn egress_without_https() {
        let text = "Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: app\n      SecurityGroupEgress:\n        - IpProtocol: tcp\n          FromPort: 80\n          ToPort: 80\n          CidrIp: 0.0.0.0/0\n  App:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n      SecurityGroupIds: [!GetAtt Sg.GroupId]\n";
        let f = run("SSM502", text);
        assert_eq!(f.len(), 1);
        assert_eq!(
            &text[f[0].span.start()..f[0].span.end()],
            "SecurityGroupEgress"
        );
        for ok in [
            ("ToPort: 80", "ToPort: 443"),
            ("IpProtocol: tcp", "IpProtocol: -1"),
            ("FromPort: 80", "FromPort: !Ref Port"),
            (
                "SecurityGroupIds: [!GetAtt Sg.GroupId]",
                "SecurityGroupIds: [!GetAtt Sg.GroupId, sg-0123]",
            ),
            ("SecurityGroupEgress:", "Tags: []\n      Other:"),
        ] {
            assert!(
                run("SSM502", &text.replace(ok.0, ok.1)).is_empty(),
                "{ok:?}"
            );
        }
        // 443 only to loopback is no destination.
        let text = text.replace(
            "ToPort: 80\n          CidrIp: 0.0.0.0/0",
            "ToPort: 443\n          CidrIp: 127.0.0.1/32",
        );
        assert_eq!(run("SSM502", &text).len(), 1);
    }
}
