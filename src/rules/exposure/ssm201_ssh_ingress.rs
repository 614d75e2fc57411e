//! SSM201: SSH admitted from a narrower source.

use super::{ingress_finding, open_to_internet, SSH_INSTEAD};
use crate::base::Tri;
use crate::rules::{Context, Distinct, Finding, Rule, RuleInfo};

crate::declare_rule! {
    /// ## What it does
    /// Reports security group ingress rules that admit TCP port 22 (SSH) from a source
    /// narrower than the whole internet: a CIDR with a prefix length above 0, a source
    /// security group (`SourceSecurityGroupId`/`SourceSecurityGroupName`) or a prefix
    /// list (`SourcePrefixListId`). Rules are read like `ssh-open-to-internet` (SSM200);
    /// a rule that SSM200 already reports (in any `Fn::If` branch) is not reported again.
    /// A CIDR that cannot be known statically is not reported; one from a parameter with
    /// no known value is (the breadth is unknown, the open port is not).
    ///
    /// Also reported: a Cloud9 environment that connects over SSH (`CONNECT_SSH`, the
    /// default), which opens inbound SSH from the Cloud9 service's IP ranges, and an
    /// Elastic Beanstalk `SSHSourceRestriction` narrower than the internet.
    ///
    /// ## Why is this bad?
    /// Even a restricted SSH path keeps keys to distribute and rotate, a daemon to patch,
    /// and access that bypasses IAM and session logging. Session Manager gives shell
    /// access without any inbound port, authorised and audited through IAM; SSH itself
    /// can be tunnelled through it when a tool needs it.
    ///
    /// ## Example
    /// ```yaml
    /// AppSG:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: App servers
    ///     SecurityGroupIngress:
    ///       - IpProtocol: tcp
    ///         FromPort: 22
    ///         ToPort: 22
    ///         SourceSecurityGroupId: !Ref BastionSG
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// # No SSH rule and no bastion: `aws ssm start-session --target i-0123456789abcdef0`
    /// # (SSH, if needed, through the AWS-StartSSHSession document as ProxyCommand)
    /// AppSG:
    ///   Type: AWS::EC2::SecurityGroup
    ///   Properties:
    ///     GroupDescription: App servers
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-enable-ssh-connections.html>
    /// - <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-ec2-security-group-rule-1.html>
    pub struct SshIngress {
        code: "SSM201",
        name: "ssh-ingress",
        category: NetworkExposure,
        severity: Warning,
        summary: "A security group admits SSH (TCP 22) from a narrower source; Session Manager makes it unnecessary.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html",
    }
}

impl Rule for SshIngress {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let mut out = Distinct::new(out);
        let rules = cx.model.ingress_rules();
        // Entries SSM200 reports in some alternative are left to it.
        let reported: Vec<*const _> = rules
            .iter()
            .filter(|r| open_to_internet(r, 22))
            .map(|r| std::ptr::from_ref(r.entry))
            .collect();
        for rule in rules {
            // A narrower source, or one whose breadth is unknown but which is a source
            // (a CIDR parameter): the port is open all the same.
            let narrower = rule.source.is_internet() == Tri::No
                || (rule.source.is_internet() == Tri::Unknown && rule.source.is_known());
            if rule.admits_tcp_port(22) != Tri::Yes
                || !narrower
                || reported.contains(&std::ptr::from_ref(rule.entry))
            {
                continue;
            }
            if let Some(f) = ingress_finding(cx, self.meta(), rule, 22, "SSH", SSH_INSTEAD) {
                out.push(f);
            }
        }
    }
}
