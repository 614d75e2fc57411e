//! SSM200: SSH open to the whole internet.

use super::{report_open_to_internet, SSH_INSTEAD};
use crate::rules::{Context, Finding, Rule, RuleInfo};

crate::declare_rule! {
    /// ## What it does
    /// Reports security group ingress rules that admit TCP port 22 (SSH) from the whole
    /// internet: `CidrIp` `0.0.0.0/0` or `CidrIpv6` `::/0` (any spelling with prefix
    /// length 0). Inline `SecurityGroupIngress` entries of `AWS::EC2::SecurityGroup`
    /// (a list or a single mapping) and standalone `AWS::EC2::SecurityGroupIngress`
    /// resources are checked. Protocol `tcp` (any case), `6` and `-1` (all traffic, ports
    /// ignored) count, as does any port range that contains 22; ports may be numbers or
    /// strings. Parameters are read from their `Default`, both branches of `Fn::If` are
    /// checked, and a source that cannot be known statically is never reported.
    ///
    /// Launchers that open SSH themselves count too: an EKS node group with
    /// `RemoteAccess.Ec2SshKey` and no `SourceSecurityGroups` (EKS opens port 22 to
    /// `0.0.0.0/0`), an Elastic Beanstalk environment with `EC2KeyName` and no
    /// `SSHSourceRestriction` (or one from `0.0.0.0/0`), and a GameLift fleet's
    /// `EC2InboundPermissions` entry from the whole internet.
    ///
    /// ## Why is this bad?
    /// An SSH port reachable from anywhere is scanned and brute-forced within minutes of
    /// launch, and every SSH vulnerability or leaked key becomes remotely exploitable.
    /// With Session Manager the instance needs no inbound port at all: the SSM Agent
    /// connects out, access is granted by IAM and sessions can be logged.
    ///
    /// ## Example
    /// ```yaml
    /// WebSG:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: Web server
    ///     SecurityGroupIngress:
    ///       - IpProtocol: tcp
    ///         FromPort: 22
    ///         ToPort: 22
    ///         CidrIp: 0.0.0.0/0
    ///       - IpProtocol: tcp
    ///         FromPort: 443
    ///         ToPort: 443
    ///         CidrIp: 0.0.0.0/0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// # No SSH rule: connect with `aws ssm start-session --target i-0123456789abcdef0`
    /// WebSG:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: Web server
    ///     SecurityGroupIngress:
    ///       - IpProtocol: tcp
    ///         FromPort: 443
    ///         ToPort: 443
    ///         CidrIp: 0.0.0.0/0
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/config/latest/developerguide/restricted-ssh.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html>
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-security-group-rule-1.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-enable-ssh-connections.html>
    pub struct SshOpenToInternet {
        code: "SSM200",
        name: "ssh-open-to-internet",
        category: NetworkExposure,
        severity: Error,
        summary: "A security group admits SSH (TCP 22) from the whole internet.",
        url: "https://docs.aws.amazon.com/config/latest/developerguide/restricted-ssh.html",
        fix: Sometimes,
    }
}

impl Rule for SshOpenToInternet {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        report_open_to_internet(cx, self.meta(), 22, "SSH", SSH_INSTEAD, out);
    }
}
