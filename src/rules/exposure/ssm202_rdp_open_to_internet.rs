//! SSM202: RDP open to the whole internet.

use super::{report_open_to_internet, RDP_INSTEAD};
use crate::rules::{Context, Finding, Rule, RuleInfo};

crate::declare_rule! {
    /// ## What it does
    /// Reports security group ingress rules that admit TCP port 3389 (RDP) from the whole
    /// internet (`0.0.0.0/0`, `::/0` or any other prefix length 0), exactly as
    /// `ssh-open-to-internet` (SSM200) does for port 22: inline and standalone ingress
    /// rules, protocol `tcp`/`6`/`-1`, port ranges containing 3389, ports as numbers or
    /// strings, parameter defaults and both `Fn::If` branches. Also a Windows EKS node
    /// group (`AmiType: WINDOWS_*`) with `RemoteAccess` and no `SourceSecurityGroups`, and
    /// a GameLift fleet's `EC2InboundPermissions` entry for 3389 from the whole internet.
    ///
    /// ## Why is this bad?
    /// Internet-facing RDP is one of the most attacked services: password spraying and
    /// RDP vulnerabilities lead straight to a Windows desktop. Session Manager reaches
    /// Windows instances without any inbound port (PowerShell sessions, port forwarding
    /// of 3389 to your workstation, or Fleet Manager Remote Desktop).
    ///
    /// ## Example
    /// ```yaml
    /// WindowsSG:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: Windows host
    ///     SecurityGroupIngress:
    ///       - IpProtocol: tcp
    ///         FromPort: '3389'
    ///         ToPort: '3389'
    ///         CidrIp: 0.0.0.0/0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// # No inbound rule; forward RDP through Session Manager:
    /// #   aws ssm start-session --target i-0123456789abcdef0 \
    /// #     --document-name AWS-StartPortForwardingSession \
    /// #     --parameters portNumber=3389,localPortNumber=13389
    /// WindowsSG:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: Windows host
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-sessions-start.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/fleet-rdp.html>
    pub struct RdpOpenToInternet {
        code: "SSM202",
        name: "rdp-open-to-internet",
        category: NetworkExposure,
        severity: Error,
        summary: "A security group admits RDP (TCP 3389) from the whole internet.",
        url: "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
        fix: Sometimes,
    }
}

impl Rule for RdpOpenToInternet {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        report_open_to_internet(cx, self.meta(), 3389, "RDP", RDP_INSTEAD, out);
    }
}
