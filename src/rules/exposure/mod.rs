//! Rules on network exposure and instance hardening (SSM2xx), and the finding builders
//! and fix snippets the security group rules share.

use std::fmt::Write as _;

use crate::base::{Span, Tri};
use crate::diagnostic::emit::Snippet;
use crate::rules::{label_defaults, qualifiers, Context, Distinct, Finding, RuleMeta};
use crate::semantic::ingress::{GroupLink, IngressRule, LauncherHelp, Origin};
use crate::semantic::traffic::{Port, PortMatch, Source};
use crate::syntax::{Node, NodeKind};
use crate::template::eval::{Resolved, Value};
use crate::template::model::Resource;

pub mod ssm200_ssh_open_to_internet;
pub mod ssm201_ssh_ingress;
pub mod ssm202_rdp_open_to_internet;
pub mod ssm203_nacl_allows_ssh_from_internet;
pub mod ssm204_ssh_key_pair;
pub mod ssm205_imdsv1_enabled;

// ---------------------------------------------------------------------------------
// Message helpers shared by the SSM20x rules

/// "SSH (TCP 22)", "all traffic, including SSH (TCP 22),", "TCP 0-65535, including SSH (22),".
pub fn describe_match(m: PortMatch, service: &str, port: i64) -> String {
    match m {
        PortMatch::AllTraffic => format!("all traffic, including {service} (TCP {port}),"),
        PortMatch::Range(from, to) if from == to => format!("{service} (TCP {port})"),
        PortMatch::Range(from, to) => format!("TCP {from}-{to}, including {service} ({port}),"),
    }
}

/// The secondary label explaining how the port is let in, and where.
pub fn port_label<'a>(
    m: PortMatch,
    protocol_node: Option<&'a Node>,
    from: Port<'a>,
    to: Port<'a>,
    port: i64,
) -> Option<(Span, String)> {
    match m {
        PortMatch::AllTraffic => {
            protocol_node.map(|n| (n.span, "protocol -1: all protocols and ports".to_string()))
        }
        PortMatch::Range(a, b) => {
            let node = from.node.or(to.node)?;
            let text = if a == b {
                format!("TCP port {port}")
            } else {
                format!("port range {a}-{b} includes {port}")
            };
            Some((node.span, text))
        }
    }
}

// ---------------------------------------------------------------------------------
// Reporting shared by SSM200-SSM202

/// How to reach the instance without inbound SSH, the last sentence of the help texts
/// (prose, not comments in a snippet: JSON has none).
pub const SSH_INSTEAD: &str = "Session Manager needs no inbound port: connect with `aws ssm start-session --target i-0123456789abcdef0` (SSH, if a tool needs it: ProxyCommand with the AWS-StartSSHSession document).";

/// How to reach the desktop without inbound RDP, the last sentence of the help texts.
pub const RDP_INSTEAD: &str = "Session Manager needs no inbound port: forward RDP with `aws ssm start-session --target i-0123456789abcdef0 --document-name AWS-StartPortForwardingSession --parameters portNumber=3389,localPortNumber=13389`, then connect the RDP client to localhost:13389.";

/// Whether `rule` lets TCP `port` in from the whole internet (SSM200/SSM202).
pub fn open_to_internet(rule: &IngressRule<'_>, port: i64) -> bool {
    rule.admits_tcp_port(port) == Tri::Yes && rule.source.is_internet() == Tri::Yes
}

/// Builds the finding for one rule alternative that admits `port`.
pub fn ingress_finding(
    cx: &Context<'_>,
    meta: &'static RuleMeta,
    rule: &IngressRule<'_>,
    port: i64,
    service: &str,
    session: &str,
) -> Option<Finding> {
    let m = rule.port_match(port)?;
    let internet = rule.source.is_internet() == Tri::Yes;
    let mut message = format!(
        "{} admits {} from {}{}",
        rule.subject(),
        describe_match(m, service, port),
        rule.source.describe(),
        qualifiers(&rule.when, rule.resource.condition, &rule.defaults)
    );
    if !internet {
        let _ = write!(
            message,
            "; Session Manager makes this {service} path unnecessary"
        );
    }
    let own_label = match &rule.origin {
        Origin::Launcher(opening) => opening.label,
        Origin::SecurityGroup => None,
    };
    let label = match own_label {
        Some(label) => label.to_string(),
        None if internet => "open to the whole internet".to_string(),
        None => format!("{service} allowed from here"),
    };
    let mut finding = Finding::new(meta, rule.source_node.span, message)
        .label(label)
        .resource(rule.resource.id);
    if let Some((span, text)) = port_label(m, rule.protocol_node, rule.from, rule.to, port) {
        finding = finding.with_label(span, text);
    }
    match &rule.group {
        Some(GroupLink::Resource { id, node }) => {
            finding = finding.with_label(node.span, format!("attaches to security group `{id}`"));
        }
        Some(GroupLink::Literal { text, node }) => {
            finding = finding.with_label(node.span, format!("attaches to security group `{text}`"));
        }
        _ => {}
    }
    finding = label_defaults(finding, cx.template(), &rule.defaults);
    finding = label_source_parameter(cx, finding, &rule.source);
    let help = match &rule.origin {
        Origin::Launcher(opening) if opening.help == LauncherHelp::Eks => {
            format!("{}\n\n{session}", eks_help(cx, rule))
        }
        Origin::Launcher(opening) => {
            format!("{}\n\n{session}", opening.help.text(cx.style()))
        }
        Origin::SecurityGroup => {
            format!("{}\n\n{session}", fix_snippet(cx, rule, m, port, service))
        }
    };
    Some(finding.help(help))
}

/// How to close the port an EKS node group's `RemoteAccess` opens: remove it, or keep
/// its key and admit only a security group, a parameter the snippet defines (the hosts
/// that may connect are the user's to name), in the file's style.
fn eks_help(cx: &Context<'_>, rule: &IngressRule<'_>) -> String {
    let style = cx.style();
    let key = rule
        .resource
        .property("RemoteAccess")
        .and_then(|r| r.get("Ec2SshKey"))
        .unwrap_or(rule.source_node);
    let group = crate::rules::fresh_id(cx.template(), "RemoteAccessSecurityGroup", &[]);
    let parameters = crate::rules::parameter_snippet(
        &group,
        "AWS::EC2::SecurityGroup::Id",
        "The security group of the hosts that may connect to the nodes",
    );
    let remote_access = Snippet::map([
        ("Ec2SshKey", key.to_styled_snippet()),
        (
            "SourceSecurityGroups",
            Snippet::Seq(vec![Snippet::reference(&group)]),
        ),
    ]);
    format!(
        "remove `RemoteAccess` and reach the nodes with Session Manager (the node role needs AmazonSSMManagedInstanceCore), or name who may connect, by the security group of their hosts:\n\n{}\n\nand in the node group:\n\n{}",
        style.show(&parameters),
        style.show_pair("RemoteAccess", &remote_access)
    )
}

/// Labels the parameter a CIDR comes from when its value is not known: its
/// `AllowedValues` entry that is the whole internet, or its name.
pub fn label_source_parameter(cx: &Context<'_>, finding: Finding, source: &Source) -> Finding {
    let Source::Parameter { name, world } = source else {
        return finding;
    };
    let Some(parameter) = cx.template().and_then(|t| t.parameter(name)) else {
        return finding;
    };
    match world {
        Some((_, text)) => {
            let allowed = parameter
                .node
                .get("AllowedValues")
                .and_then(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .find(|v| v.as_scalar().is_some_and(|s| s.trim() == text));
            match allowed {
                Some(value) => {
                    finding.with_label(value.span, format!("parameter `{name}` may be `{text}`"))
                }
                None => finding,
            }
        }
        None => finding.with_label(
            parameter.name_span,
            format!("parameter `{name}`: the CIDR is given at deploy time"),
        ),
    }
}

/// SSM200 and SSM202: `port` open to the whole internet.
pub fn report_open_to_internet(
    cx: &Context<'_>,
    meta: &'static RuleMeta,
    port: i64,
    service: &str,
    session: &str,
    out: &mut Vec<Finding>,
) {
    let mut out = Distinct::new(out);
    for rule in cx.model.ingress_rules() {
        if open_to_internet(rule, port) {
            if let Some(f) = ingress_finding(cx, meta, rule, port, service, session) {
                out.push(f.fix(remove_rule(cx, rule, port, service)));
            }
        }
    }
}

/// Removes an ingress rule that admits only `port` (a range or all traffic admits more:
/// that needs a decision): its entry of the group's `SecurityGroupIngress` (the whole
/// property for its only entry), or the `AWS::EC2::SecurityGroupIngress` resource when
/// nothing refers to it. Only for a rule written as such, in every deployment. Unsafe:
/// whoever connects that way loses the path.
fn remove_rule(
    cx: &Context<'_>,
    rule: &IngressRule<'_>,
    port: i64,
    service: &str,
) -> Option<crate::rules::Fix> {
    if rule.origin != Origin::SecurityGroup
        || !rule.when.is_empty()
        || !rule.defaults.is_empty()
        || rule.port_match(port) != Some(PortMatch::Range(port, port))
    {
        return None;
    }
    let editor = cx.editor();
    let resource = rule.resource;
    let edit = if rule.group.is_some() {
        let template = cx.template()?;
        let referred = template.referrers(resource.id).next().is_some()
            || template.root.get("Outputs").is_some_and(|o| {
                cx.source
                    .text
                    .get(o.span.start()..o.span.end())
                    .is_none_or(|t| t.contains(resource.id))
            });
        if referred || !std::ptr::eq(resource.properties?, rule.entry) {
            return None;
        }
        editor.remove_entry(template.root.get("Resources")?, resource.id)?
    } else {
        let props = resource.properties?;
        let ingress = props.get("SecurityGroupIngress")?;
        match ingress.as_seq() {
            Some(items) => {
                let index = items.iter().position(|i| std::ptr::eq(i, rule.entry))?;
                if items.len() > 1 {
                    editor.remove_item(ingress, index)?
                } else {
                    editor.remove_entry(props, "SecurityGroupIngress")?
                }
            }
            None if std::ptr::eq(ingress, rule.entry) => {
                editor.remove_entry(props, "SecurityGroupIngress")?
            }
            None => return None,
        }
    };
    Some(crate::rules::Fix::unsafe_(
        format!("remove the rule that admits {service} from the internet"),
        vec![edit],
    ))
}

// ---------------------------------------------------------------------------------
// Fix snippets

/// The replacement for a rule entry that admits `port`: nothing for a single-port rule,
/// the rest of the range for a range, and a placeholder service port for `-1`.
fn replacement_entries(rule: &IngressRule<'_>, m: PortMatch, port: i64) -> Vec<Snippet> {
    let mut out = Vec::new();
    match m {
        PortMatch::Range(from, to) if from == to => {}
        PortMatch::Range(from, to) => {
            if from < port {
                out.push(emit_entry(rule.entry, Some((from, port - 1))));
            }
            if port < to {
                out.push(emit_entry(rule.entry, Some((port + 1, to))));
            }
        }
        PortMatch::AllTraffic => {
            out.push(emit_entry(rule.entry, Some((443, 443))));
        }
    }
    out
}

/// How to remove `port` from the rule, in the file's language and style: the security
/// group with its `SecurityGroupIngress` minus the rule (other entries kept), or the
/// standalone resource reduced to the remaining ports; a sentence alone when there is
/// nothing to show.
pub fn fix_snippet(
    cx: &Context<'_>,
    rule: &IngressRule<'_>,
    m: PortMatch,
    port: i64,
    service: &str,
) -> String {
    let style = cx.style();
    let replacements = replacement_entries(rule, m, port);
    let what = match m {
        PortMatch::Range(a, b) if a == b => format!("remove the {service} rule"),
        PortMatch::Range(..) => format!("split the port range around {port}"),
        PortMatch::AllTraffic => {
            "replace the all-traffic rule with the ports the service needs (443 shown)".to_string()
        }
    };
    let id = rule.resource.id;
    if !rule.is_inline() {
        if replacements.is_empty() {
            return format!("{what}: delete the `{id}` resource (AWS::EC2::SecurityGroupIngress).");
        }
        // The rest of a split range goes into a new resource, under an id not yet used.
        let resources = replacements.into_iter().enumerate().map(|(i, entry)| {
            let name = match i {
                0 => id.to_string(),
                _ => crate::rules::fresh_id(cx.template(), id, &[]),
            };
            (
                name,
                crate::rules::resource_snippet("AWS::EC2::SecurityGroupIngress", entry),
            )
        });
        return format!("{what}:\n\n{}", style.show(&Snippet::map(resources)));
    }
    let property = rule.resource.property("SecurityGroupIngress");
    let siblings: Option<Vec<&Node>> = property.and_then(|p| match &p.kind {
        NodeKind::Seq(items) if items.iter().any(|i| std::ptr::eq(i, rule.entry)) => {
            Some(items.iter().collect())
        }
        NodeKind::Map(_) if std::ptr::eq(p, rule.entry) => Some(vec![p]),
        _ => None,
    });
    match siblings {
        Some(items) => {
            let mut entries = Vec::new();
            for item in items {
                if std::ptr::eq(item, rule.entry) {
                    entries.extend(replacements.iter().cloned());
                } else {
                    entries.push(emit_entry(item, None));
                }
            }
            let (group, others) = emit_group(rule.resource, entries);
            let others = if others {
                " (its other resource attributes unchanged)"
            } else {
                ""
            };
            format!("{what}{others}:\n\n{}", style.show(&group))
        }
        // The entry sits under an intrinsic: show only what replaces it.
        None if replacements.is_empty() => {
            format!("{what}: delete this entry of `SecurityGroupIngress` in `{id}`.")
        }
        None => format!(
            "{what}: in `{id}`, replace this entry of `SecurityGroupIngress` with:\n\n{}",
            style.show(&Snippet::Seq(replacements))
        ),
    }
}

/// The security group resource with `SecurityGroupIngress` set to `entries` (dropped
/// when empty); `Type`, `Condition` and the other properties as they are. True when the
/// resource has other attributes, which the snippet leaves out.
fn emit_group(resource: &Resource<'_>, entries: Vec<Snippet>) -> (Snippet, bool) {
    let mut attributes = Vec::new();
    let mut others = false;
    let mut entries = Some(entries).filter(|e| !e.is_empty());
    for e in resource.node.as_map().unwrap_or_default() {
        match e.key.as_str() {
            "Properties" => {
                let mut properties = Vec::new();
                for p in e.value.as_map().unwrap_or_default() {
                    if p.key != "SecurityGroupIngress" {
                        properties.push((p.key.to_string(), p.value.to_styled_snippet()));
                    } else if let Some(entries) = entries.take() {
                        properties.push((p.key.to_string(), Snippet::Seq(entries)));
                    }
                }
                attributes.push((e.key.to_string(), Snippet::Map(properties)));
            }
            "Type" | "Condition" => {
                attributes.push((e.key.to_string(), e.value.to_styled_snippet()));
            }
            _ => others = true,
        }
    }
    let group = Snippet::map([(resource.id, Snippet::Map(attributes))]);
    (group, others)
}

/// A rule mapping as a snippet, optionally with TCP and the ports `(from, to)`.
fn emit_entry(entry: &Node, ports: Option<(i64, i64)>) -> Snippet {
    let (Some(entries), Some((from, to))) = (entry.as_map(), ports) else {
        return entry.to_styled_snippet();
    };
    let port_entries = [
        ("FromPort".to_string(), Snippet::Number(from.to_string())),
        ("ToPort".to_string(), Snippet::Number(to.to_string())),
    ];
    let mut out = Vec::new();
    let mut wrote_ports = false;
    for e in entries {
        match e.key.as_str() {
            "IpProtocol" => out.push((e.key.to_string(), Snippet::str("tcp"))),
            "FromPort" | "ToPort" => {
                if !wrote_ports {
                    out.extend(port_entries.iter().cloned());
                    wrote_ports = true;
                }
            }
            _ => out.push((e.key.to_string(), e.value.to_styled_snippet())),
        }
    }
    if !wrote_ports {
        out.extend(port_entries);
    }
    Snippet::Map(out)
}

// ---------------------------------------------------------------------------------
// Compute resource settings (SSM204, SSM205): read through `semantic::launchers`.

/// The narrowest span that shows a value: the value itself when it is a scalar or an
/// intrinsic on one line (or one that rests on a parameter default), else its key.
pub fn value_span(cx: &Context<'_>, value: &Resolved<'_>, key: Span) -> Span {
    let via_default = !value.defaults.is_empty();
    value
        .node
        .display_span(&cx.source.text, via_default, Some(key))
}

/// One place a setting is reported at: where, what was found, and the alternative it
/// rests on. The same place reached in several alternatives is reported once, under
/// the branches they share.
pub fn merge_places<'a>(
    places: Vec<(Span, String, Resolved<'a>)>,
) -> Vec<(Span, String, Resolved<'a>)> {
    let mut out: Vec<(Span, String, Resolved<'a>)> = Vec::new();
    for (span, found, value) in places {
        match out.iter_mut().find(|(s, f, _)| *s == span && *f == found) {
            Some((_, _, known)) => known.when.retain(|w| value.when.contains(w)),
            None => out.push((span, found, value)),
        }
    }
    out
}

/// A known scalar value as text (`required`, `true`, `22`).
pub fn scalar_text(value: &Value<'_>) -> Option<String> {
    match value {
        Value::Str(s) => Some(s.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::run;
    use crate::semantic::traffic::{parse_cidr, Protocol};
    use crate::template::eval::Value;

    fn all(text: &str) -> Vec<Finding> {
        run(&["SSM200", "SSM201", "SSM202", "SSM203"], text)
    }

    fn codes(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.code).collect()
    }

    fn spanned(text: &str, span: Span) -> &str {
        &text[span.start()..span.end()]
    }

    fn sg(ingress: &str) -> String {
        format!(
            "Resources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n{ingress}"
        )
    }

    #[test]
    fn cidr_parsing() {
        for any in [
            "0.0.0.0/0",
            "::/0",
            "0000::/0",
            "0000:0000:0000:0000:0000:0000:0000:0000/0",
            " 0.0.0.0/0 ",
        ] {
            assert_eq!(parse_cidr(any).map(|n| n.prefix_len()), Some(0), "{any}");
        }
        assert_eq!(
            parse_cidr("2001:800::/21").map(|n| n.prefix_len()),
            Some(21)
        );
        assert_eq!(parse_cidr("10.0.0.0"), None);
        assert_eq!(parse_cidr("{{resolve:ssm:mysubnet}}"), None);
        assert_eq!(parse_cidr("10.0.0.0/33"), None);
    }

    #[test]
    fn protocols() {
        let p = |s: &str| Protocol::parse(&Value::Str(s.into()));
        assert_eq!(p("tcp"), Protocol::Tcp);
        assert_eq!(p("TCP"), Protocol::Tcp);
        assert_eq!(p("6"), Protocol::Tcp);
        assert_eq!(p("-1"), Protocol::All);
        assert_eq!(p("udp"), Protocol::Other);
        assert_eq!(p("1"), Protocol::Other);
        assert_eq!(p("all"), Protocol::Unknown);
    }

    #[test]
    fn single_port_world() {
        let text = sg("        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM200"]);
        assert_eq!(
            f[0].message,
            "security group `WebSG` admits SSH (TCP 22) from the whole internet (0.0.0.0/0)"
        );
        assert_eq!(spanned(&text, f[0].span), "0.0.0.0/0");
        assert_eq!(f[0].resource.as_deref(), Some("WebSG"));
        assert!(f[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("aws ssm start-session"));
    }

    #[test]
    fn port_range() {
        let text = sg("        - IpProtocol: tcp\n          FromPort: 20\n          ToPort: 25\n          CidrIp: 0.0.0.0/0\n");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM200"]);
        assert!(
            f[0].message.contains("TCP 20-25, including SSH (22)"),
            "{}",
            f[0].message
        );
        assert!(f[0]
            .labels
            .iter()
            .any(|l| spanned(&text, l.span) == "20" && l.text.contains("20-25")));
        let help = f[0].help.clone().unwrap_or_default();
        assert!(help.contains("FromPort: 20\n        ToPort: 21"), "{help}");
        assert!(help.contains("FromPort: 23\n        ToPort: 25"), "{help}");
        // A range that stops short of 22 is fine.
        let text = sg("        - IpProtocol: tcp\n          FromPort: 23\n          ToPort: 25\n          CidrIp: 0.0.0.0/0\n");
        assert!(all(&text).is_empty());
    }

    #[test]
    fn all_protocols_ignore_ports() {
        let text = sg("        - IpProtocol: -1\n          FromPort: 80\n          ToPort: 80\n          CidrIp: 0.0.0.0/0\n");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM200", "SSM202"]);
        assert!(
            f[0].message
                .contains("all traffic, including SSH (TCP 22), from"),
            "{}",
            f[0].message
        );
        assert!(f[0].labels.iter().any(|l| spanned(&text, l.span) == "-1"));
        let text = sg("        - IpProtocol: '-1'\n          CidrIp: 0.0.0.0/0\n");
        assert_eq!(codes(&all(&text)), ["SSM200", "SSM202"]);
    }

    #[test]
    fn string_ports_and_upper_case_tcp() {
        let text = sg("        - IpProtocol: TCP\n          FromPort: '22'\n          ToPort: \"22\"\n          CidrIp: 0.0.0.0/0\n");
        assert_eq!(codes(&all(&text)), ["SSM200"]);
        let text = sg("        - IpProtocol: 6\n          FromPort: '3389'\n          ToPort: '3389'\n          CidrIp: 0.0.0.0/0\n");
        assert_eq!(codes(&all(&text)), ["SSM202"]);
    }

    #[test]
    fn other_protocols_and_invalid_ports() {
        for rule in [
            "        - IpProtocol: udp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n",
            "        - IpProtocol: icmp\n          FromPort: -1\n          ToPort: -1\n          CidrIp: 0.0.0.0/0\n",
            "        - IpProtocol: tcp\n          FromPort: -1\n          ToPort: -1\n          CidrIp: 0.0.0.0/0\n",
            "        - IpProtocol: tcp\n          FromPort: 23\n          ToPort: 21\n          CidrIp: 0.0.0.0/0\n",
            "        - IpProtocol: tcp\n          CidrIp: 0.0.0.0/0\n",
        ] {
            assert!(all(&sg(rule)).is_empty(), "{rule}");
        }
    }

    #[test]
    fn ipv6_any_spellings() {
        for cidr in [
            "'::/0'",
            "0000::/0",
            "0000:0000:0000:0000:0000:0000:0000:0000/0",
        ] {
            let text = sg(&format!(
                "        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIpv6: {cidr}\n"
            ));
            let f = all(&text);
            assert_eq!(codes(&f), ["SSM200"], "{cidr}");
            assert!(f[0].message.contains("whole internet"), "{}", f[0].message);
        }
        let text = sg("        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIpv6: 2001:800::/21\n");
        assert_eq!(codes(&all(&text)), ["SSM201"]);
    }

    #[test]
    fn parameter_default_is_named_and_labelled() {
        let text = "Parameters:\n  SSHLocation:\n    Type: String\n    Default: 0.0.0.0/0\nResources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: !Ref SSHLocation\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM200"]);
        assert!(
            f[0].message
                .ends_with("(from the default of parameter `SSHLocation`)"),
            "{}",
            f[0].message
        );
        assert_eq!(spanned(text, f[0].span), "!Ref SSHLocation");
        let label = f[0]
            .labels
            .iter()
            .find(|l| l.text.contains("SSHLocation"))
            .expect("label");
        assert_eq!(spanned(text, label.span), "0.0.0.0/0");
        assert_eq!(text[..label.span.start()].matches('\n').count(), 3);
    }

    #[test]
    fn parameter_without_default_opens_the_port_to_an_unknown_range() {
        // The breadth is unknown (never SSM200); the open port is not (SSM201).
        let text = "Parameters:\n  SSHLocation:\n    Type: String\nResources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: !Ref SSHLocation\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM201"], "{f:#?}");
        assert!(f[0].message.contains("SSHLocation"), "{}", f[0].message);
    }

    #[test]
    fn fn_if_on_cidr_names_the_condition() {
        let text = "Conditions:\n  IsDev: !Equals [!Ref 'AWS::Region', eu-west-1]\nResources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: !If [IsDev, 0.0.0.0/0, 10.0.0.0/16]\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM200"], "{f:#?}");
        assert!(
            f[0].message.contains("when condition `IsDev` is true"),
            "{}",
            f[0].message
        );
        assert_eq!(spanned(text, f[0].span), "0.0.0.0/0");
        // Without the world branch, the narrower branch is SSM201 and names its condition.
        let text = text.replace("0.0.0.0/0", "192.168.0.0/24");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM201", "SSM201"]);
        assert!(f
            .iter()
            .any(|f| f.message.contains("condition `IsDev` is false")));
    }

    #[test]
    fn fn_if_on_list_and_resource_condition() {
        let text = "Conditions:\n  HasSsh: !Equals [!Ref 'AWS::Region', eu-west-1]\nResources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Condition: HasSsh\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress: !If\n        - HasSsh\n        - - IpProtocol: tcp\n            FromPort: 22\n            ToPort: 22\n            CidrIp: 0.0.0.0/0\n        - !Ref AWS::NoValue\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM200"]);
        assert!(
            // The resource exists only under `HasSsh`: its own `!If` on it needs no naming.
            f[0].message.ends_with(" (resource condition `HasSsh`)")
                && !f[0].message.contains("when condition"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn standalone_ingress() {
        let text = "Resources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n  SshIngress:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !GetAtt WebSG.GroupId\n      IpProtocol: tcp\n      FromPort: \"22\"\n      ToPort: \"22\"\n      CidrIp: 0.0.0.0/0\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM200"]);
        assert_eq!(
            f[0].message,
            "ingress rule `SshIngress` of security group `WebSG` admits SSH (TCP 22) from the whole internet (0.0.0.0/0)"
        );
        assert_eq!(f[0].resource.as_deref(), Some("SshIngress"));
        assert!(f[0]
            .labels
            .iter()
            .any(|l| spanned(text, l.span) == "!GetAtt WebSG.GroupId"));
        assert!(f[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("delete the `SshIngress` resource"));
    }

    #[test]
    fn single_map_instead_of_list() {
        let text = "Resources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress:\n        IpProtocol: tcp\n        FromPort: 22\n        ToPort: 22\n        CidrIp: 0.0.0.0/0\n";
        assert_eq!(codes(&all(text)), ["SSM200"]);
    }

    #[test]
    fn source_security_group_is_ssm201_only() {
        let text = "Resources:\n  BastionSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: bastion\n  AppSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: app\n      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          SourceSecurityGroupId: !Ref BastionSG\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM201"]);
        assert!(
            f[0].message.contains("from security group `BastionSG`"),
            "{}",
            f[0].message
        );
        assert_eq!(spanned(text, f[0].span), "!Ref BastionSG");
        let text = text.replace(
            "SourceSecurityGroupId: !Ref BastionSG",
            "SourcePrefixListId: pl-0123abcd",
        );
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM201"]);
        assert!(f[0].message.contains("prefix list `pl-0123abcd`"));
    }

    #[test]
    fn source_from_parameter_is_described_by_name() {
        let text = "Parameters:\n  Access:\n    Type: String\n    Default: disabled\n  Bastion:\n    Type: AWS::EC2::SecurityGroup::Id\nResources:\n  In1:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: sg-0123\n      IpProtocol: tcp\n      FromPort: 22\n      ToPort: 22\n      SourcePrefixListId: !Ref Access\n  In2:\n    Type: AWS::EC2::SecurityGroupIngress\n    Properties:\n      GroupId: !ImportValue shared-sg\n      IpProtocol: tcp\n      FromPort: 22\n      ToPort: 22\n      SourceSecurityGroupId: !Ref Bastion\n";
        let f = all(text);
        assert_eq!(codes(&f), ["SSM201", "SSM201"]);
        assert_eq!(
            f[0].message,
            "ingress rule `In1` of security group `sg-0123` admits SSH (TCP 22) from the prefix list given by parameter `Access`; Session Manager makes this SSH path unnecessary"
        );
        assert!(f[1].message.starts_with(
            "ingress rule `In2` admits SSH (TCP 22) from the security group given by parameter `Bastion`;"
        ), "{}", f[1].message);
    }

    #[test]
    fn narrower_cidr_and_no_double_report() {
        let text = sg("        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 10.0.0.0/8\n        - IpProtocol: tcp\n          FromPort: 80\n          ToPort: 80\n          CidrIp: 0.0.0.0/0\n");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM201"]);
        assert_eq!(f[0].severity, crate::Severity::Warning);
        // The fix keeps the other rule.
        let help = f[0].help.clone().unwrap_or_default();
        assert!(help.contains("FromPort: 80"), "{help}");
        assert!(!help.contains("FromPort: 22"), "{help}");
        let text = sg("        - IpProtocol: tcp\n          FromPort: 22\n          ToPort: 22\n          CidrIp: 0.0.0.0/0\n");
        assert_eq!(codes(&all(&text)), ["SSM200"]);
    }

    #[test]
    fn rdp_from_internet() {
        let text = sg("        - IpProtocol: tcp\n          FromPort: 3389\n          ToPort: 3389\n          CidrIp: 0.0.0.0/0\n");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM202"]);
        assert!(f[0].message.contains("RDP (TCP 3389)"), "{}", f[0].message);
        let text = sg("        - IpProtocol: tcp\n          FromPort: 3389\n          ToPort: 3389\n          CidrIp: 10.0.0.0/8\n");
        assert!(all(&text).is_empty());
    }

    fn nacl(entries: &str) -> String {
        format!("Resources:\n  Acl:\n    Type: AWS::EC2::NetworkAcl\n    Properties:\n      VpcId: vpc-1\n{entries}")
    }

    #[test]
    fn nacl_entries_allowing_ssh() {
        let entry = "  InSsh:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: 100\n      Protocol: 6\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n      PortRange:\n        From: 22\n        To: 22\n";
        let text = nacl(entry);
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM203"]);
        assert_eq!(spanned(&text, f[0].span), "0.0.0.0/0");
        assert!(f[0]
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("RuleAction: deny"));
        // Egress, deny, UDP, narrower CIDR and other ports are fine.
        for (from, to) in [
            ("RuleAction: allow", "RuleAction: deny"),
            ("Protocol: 6", "Protocol: 17"),
            ("CidrBlock: 0.0.0.0/0", "CidrBlock: 10.0.0.0/8"),
            ("From: 22", "From: 23"),
            ("RuleNumber: 100", "RuleNumber: 100\n      Egress: true"),
        ] {
            assert!(all(&nacl(&entry.replace(from, to))).is_empty(), "{to}");
        }
        // All protocols from IPv6 anywhere.
        let text = nacl("  InAll:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: 100\n      Protocol: -1\n      RuleAction: allow\n      Egress: false\n      Ipv6CidrBlock: ::/0\n");
        assert_eq!(codes(&all(&text)), ["SSM203"]);
    }

    #[test]
    fn nacl_allow_shadowed_by_lower_deny() {
        let text = nacl("  DenySsh:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: 90\n      Protocol: 6\n      RuleAction: deny\n      CidrBlock: 0.0.0.0/0\n      PortRange: {From: 22, To: 22}\n  InAll:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: 100\n      Protocol: -1\n      RuleAction: allow\n      CidrBlock: 0.0.0.0/0\n");
        assert!(all(&text).is_empty());
        // A deny with a higher number comes too late.
        let text = text.replace("RuleNumber: 90", "RuleNumber: 110");
        assert_eq!(codes(&all(&text)), ["SSM203"]);
    }

    #[test]
    fn malformed_ingress_is_ignored() {
        let text = "Resources:\n  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: web\n      SecurityGroupIngress: 'hello22'\n";
        assert!(all(text).is_empty());
    }

    #[test]
    fn emitted_snippets_parse_back() {
        let text = sg("        - IpProtocol: tcp\n          FromPort: 0\n          ToPort: 65535\n          CidrIp: 0.0.0.0/0\n          Description: !Sub '${AWS::StackName} all'\n        - IpProtocol: tcp\n          FromPort: '443'\n          ToPort: '443'\n          CidrIpv6: '::/0'\n");
        let f = all(&text);
        assert_eq!(codes(&f), ["SSM200", "SSM202"]);
        let help = f[0].help.clone().unwrap_or_default();
        let yaml = help.split("\n\n").nth(1).unwrap_or_default();
        let node = crate::syntax::parse(yaml).expect("snippet parses");
        let items = node
            .get("WebSG")
            .and_then(|r| r.get("Properties"))
            .and_then(|p| p.get("SecurityGroupIngress"))
            .and_then(Node::as_seq)
            .expect("list");
        assert_eq!(items.len(), 3, "{yaml}");
        assert_eq!(
            items[2].get("FromPort").and_then(Node::as_str),
            Some("443"),
            "{yaml}"
        );
        assert_eq!(
            items[2].get("CidrIpv6").and_then(Node::as_str),
            Some("::/0"),
            "{yaml}"
        );
    }
}
