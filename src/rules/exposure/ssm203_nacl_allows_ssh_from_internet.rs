//! SSM203: a network ACL entry allows SSH in from the whole internet.

use crate::syntax::Node;

use super::{describe_match, port_label};
use crate::base::Tri;
use crate::rules::{label_defaults, qualifiers};
use crate::rules::{Context, Distinct, Finding, Rule, RuleInfo};
use crate::semantic::ingress::{internet_denies, NaclEntry};

crate::declare_rule! {
    /// ## What it does
    /// Reports `AWS::EC2::NetworkAclEntry` resources that allow inbound TCP port 22 from
    /// the whole internet: `Egress` false or absent, `RuleAction: allow`, `Protocol` 6
    /// (with a `PortRange` containing 22) or -1 (all traffic), and a `CidrBlock` or
    /// `Ipv6CidrBlock` with prefix length 0. An entry is not reported when a
    /// lower-numbered, unconditional `deny` entry of the same ACL already blocks port 22
    /// from the whole internet (entries are evaluated in rule-number order).
    ///
    /// ## Why is this bad?
    /// Network ACLs are the subnet-wide second line of defence: when they let SSH in from
    /// anywhere, a single security group mistake exposes every instance of the subnet.
    /// With Session Manager no instance needs inbound SSH, so the ACL can deny it outright.
    ///
    /// ## Example
    /// ```yaml
    /// PublicInboundAll:
    ///   Type: AWS::EC2::NetworkAclEntry
    ///   Properties:
    ///     NetworkAclId: !Ref PublicAcl
    ///     RuleNumber: 100
    ///     Protocol: -1
    ///     RuleAction: allow
    ///     Egress: false
    ///     CidrBlock: 0.0.0.0/0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// # Deny SSH before the broad allow (a lower rule number is evaluated first)
    /// PublicInboundDenySsh:
    ///   Type: AWS::EC2::NetworkAclEntry
    ///   Properties:
    ///     NetworkAclId: !Ref PublicAcl
    ///     RuleNumber: 90
    ///     Protocol: 6
    ///     PortRange:
    ///       From: 22
    ///       To: 22
    ///     RuleAction: deny
    ///     Egress: false
    ///     CidrBlock: 0.0.0.0/0
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>
    /// - <https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html>
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-networkaclentry.html>
    pub struct NaclAllowsSshFromInternet {
        code: "SSM203",
        name: "nacl-allows-ssh-from-internet",
        category: NetworkExposure,
        severity: Warning,
        summary: "A network ACL entry allows SSH (TCP 22) in from the whole internet.",
        url: "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
    }
}

impl Rule for NaclAllowsSshFromInternet {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mut out = Distinct::new(out);
        let entries = cx.model.nacl_entries();
        let denies = internet_denies(entries, 22);
        for entry in entries {
            if entry.allows_from_internet(22) != Tri::Yes || entry.shadowed_in(&denies) {
                continue;
            }
            let Some(m) = entry.port_match(22) else {
                continue;
            };
            let message = format!(
                "network ACL entry `{}` allows {} in from {}{}",
                entry.resource.id,
                describe_match(m, "SSH", 22),
                entry.source.describe(),
                qualifiers(&entry.when, entry.resource.condition, &entry.defaults)
            );
            let mut finding = Finding::new(self.meta(), entry.source_node.span, message)
                .label("the whole internet")
                .resource(entry.resource.id);
            if let Some((span, text)) = port_label(m, entry.protocol_node, entry.from, entry.to, 22)
            {
                finding = finding.with_label(span, text);
            }
            if let Some(node) = entry.action_node {
                finding = finding.with_label(node.span, "allowed");
            }
            finding = label_defaults(finding, cx.template(), &entry.defaults);
            out.push(finding.help(deny_snippet(cx, entry)));
        }
    }
}

/// A lower-numbered deny entry for port 22 from the same internet range.
fn deny_snippet(cx: &Context<'_>, entry: &NaclEntry<'_>) -> String {
    use crate::diagnostic::emit::Snippet;
    let acl = entry.resource.property("NetworkAclId").map_or_else(
        || Snippet::reference("YourNetworkAcl"),
        Node::to_styled_snippet,
    );
    let rule_number = entry.rule_number.filter(|n| *n > 1).map_or(1, |n| n - 1);
    let (key, cidr) = match &entry.source {
        crate::semantic::traffic::Source::Cidr {
            net: ipnet::IpNet::V6(_),
            ..
        } => ("Ipv6CidrBlock", "::/0"),
        _ => ("CidrBlock", "0.0.0.0/0"),
    };
    let below = entry
        .rule_number
        .map_or_else(|| "the allow entry's".to_string(), |n| n.to_string());
    let number = |n: i64| Snippet::Number(n.to_string());
    let snippet = Snippet::map([(
        format!("{}DenySsh", entry.resource.id),
        crate::rules::resource_snippet(
            "AWS::EC2::NetworkAclEntry",
            Snippet::map([
                ("NetworkAclId", acl),
                ("RuleNumber", number(rule_number)),
                ("Protocol", number(6)),
                (
                    "PortRange",
                    Snippet::map([("From", number(22)), ("To", number(22))]),
                ),
                ("RuleAction", Snippet::str("deny")),
                ("Egress", Snippet::Bool(false)),
                (key, Snippet::str(cidr)),
            ]),
        ),
    )]);
    format!(
        "deny SSH before this entry with a lower-numbered rule (any free number below {below}), or remove the allow; Session Manager needs no inbound SSH:\n\n{}",
        cx.style().show(&snippet)
    )
}
