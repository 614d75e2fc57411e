use super::{ec2_trust_policy, ec2_trust_statement, REACHABLE};
use crate::diagnostic::emit::Snippet;
use crate::policy::{statements_of, Effect, Origin, Tri};
use crate::rules::{qualifiers, Context, Finding, Fix, Rule, RuleInfo};
use crate::syntax::{Node, NodeKind};

/// Corrects a near miss where it is written once (`ec2.amazon.com` →
/// `ec2.amazonaws.com`), else appends the statement that trusts EC2. Not when the
/// policy denies EC2 (that needs a decision) or its statements are not a written list.
/// Unsafe: the role becomes assumable by instances.
fn fix(cx: &Context<'_>, document: &Node, near_miss: Option<&str>, denied: bool) -> Option<Fix> {
    if denied {
        return None;
    }
    let editor = cx.editor();
    if let Some(miss) = near_miss {
        let mut found = Vec::new();
        let mut todo = vec![document];
        while let Some(node) = todo.pop() {
            match &node.kind {
                NodeKind::String(s) if s == miss => found.push(node),
                NodeKind::Map(entries) => todo.extend(entries.iter().map(|e| &e.value)),
                NodeKind::Seq(items) => todo.extend(items),
                _ => {}
            }
        }
        if let [node] = found.as_slice() {
            let edit = editor.replace(node, &Snippet::str("ec2.amazonaws.com"))?;
            return Some(
                Fix::unsafe_(
                    format!("write `ec2.amazonaws.com` for `{miss}`"),
                    vec![edit],
                )
                .revealing(REACHABLE),
            );
        }
        return None;
    }
    let statements = document.get("Statement")?;
    statements.as_seq()?;
    let statement = ec2_trust_statement(Snippet::str("ec2.amazonaws.com"));
    let edit = editor.append_item(statements, &statement)?;
    Some(Fix::unsafe_("let ec2.amazonaws.com assume the role", vec![edit]).revealing(REACHABLE))
}

const EC2_SERVICES: [&str; 2] = ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"];

crate::declare_rule! {
    /// ## What it does
    /// Reports an instance role whose trust policy (`AssumeRolePolicyDocument`) has no
    /// `Allow` of `sts:AssumeRole` for the service principal `ec2.amazonaws.com`
    /// (`ec2.${AWS::URLSuffix}` and `ec2.amazonaws.com.cn` count). A near miss such as
    /// `ec2.amazon.com` or `ec2` is named in the help.
    ///
    /// ## Why is this bad?
    /// EC2 can only hand the role's credentials to the instance if the role trusts EC2.
    /// Otherwise the instance profile is attached but the SSM Agent gets no credentials,
    /// and the instance never registers with Systems Manager.
    ///
    /// ## Example
    /// ```yaml
    /// AssumeRolePolicyDocument:
    ///   Statement:
    ///     - Effect: Allow
    ///       Principal: { Service: ec2.amazon.com }
    ///       Action: sts:AssumeRole
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// AssumeRolePolicyDocument:
    ///   Version: "2012-10-17"
    ///   Statement:
    ///     - Effect: Allow
    ///       Principal: { Service: !Sub "ec2.${AWS::URLSuffix}" }
    ///       Action: sts:AssumeRole
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html>
    /// - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services>
    pub struct RoleNotTrustedByEc2 {
        code: "SSM104",
        name: "role-not-trusted-by-ec2",
        category: IdentityChain,
        severity: Error,
        summary: "The instance role's trust policy does not let ec2.amazonaws.com assume it.",
        url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html",
        fix: Sometimes,
    }
}

impl Rule for RoleNotTrustedByEc2 {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for instance_role in &cx.model.chains().instance_roles {
            let role = instance_role.role;
            let Some(entry) = role.property_entry("AssumeRolePolicyDocument") else {
                continue; // CloudFormation itself rejects a role without one.
            };
            let origin = Origin::Template {
                resource: role.id.into(),
            };
            let (statements, unknown) = statements_of(cx.eval, &entry.value, &origin);
            if unknown {
                continue;
            }
            let mut trusted = Tri::No;
            let mut near_misses = Vec::new();
            for st in statements.iter().filter(|s| s.effect == Effect::Allow) {
                if st.covers_action("sts:AssumeRole") == Tri::No {
                    continue;
                }
                let by_ec2 = if st.principal_anyone() {
                    Tri::Yes
                } else {
                    EC2_SERVICES
                        .iter()
                        .map(|s| st.services().matches(s))
                        .fold(Tri::No, |acc, t| match (acc, t) {
                            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
                            (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
                            _ => Tri::No,
                        })
                };
                trusted = match (trusted, by_ec2) {
                    (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
                    (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
                    _ => Tri::No,
                };
                near_misses.extend(
                    st.services()
                        .known
                        .iter()
                        .filter(|s| is_near_miss(s))
                        .map(|s| &**s),
                );
            }
            let denied = statements.iter().any(|st| {
                st.effect == Effect::Deny
                    && st.applies("sts:AssumeRole") == Tri::Yes
                    && (st.principal_anyone()
                        || EC2_SERVICES
                            .iter()
                            .any(|s| st.services().matches(s) == Tri::Yes))
            });
            if trusted != Tri::No && !denied {
                continue;
            }
            let mut help = String::new();
            if let Some(miss) = near_misses.first() {
                help.push_str(&format!(
                    "`{miss}` is not the EC2 service principal: write `ec2.amazonaws.com`; "
                ));
            }
            help.push_str("let EC2 assume the role:\n\n");
            help.push_str(&cx.style().show_pair(
                "AssumeRolePolicyDocument",
                &ec2_trust_policy(Snippet::sub("ec2.${AWS::URLSuffix}")),
            ));
            let reason = if denied { "denies" } else { "does not allow" };
            let mut finding = Finding::new(
                self.meta(),
                entry.key_span,
                format!(
                    "the trust policy of role `{}` {reason} `sts:AssumeRole` for ec2.amazonaws.com{}: instances cannot use the role",
                    role.id,
                    qualifiers(&[], role.condition, &[])
                ),
            )
            .label("EC2 is not trusted here")
            .resource(role.id)
            .help(help)
            .fix(fix(cx, &entry.value, near_misses.first().copied(), denied));
            for st in &statements {
                if st.services().known.iter().any(|s| is_near_miss(s)) {
                    if let Some(span) = st.span {
                        finding = finding.with_label(span, "near miss of ec2.amazonaws.com");
                    }
                }
            }
            for profile in &instance_role.profiles {
                finding = finding.with_label(
                    profile.id_span,
                    format!("instance profile `{}` uses this role", profile.id),
                );
            }
            out.push(finding);
        }
    }
}

/// A service principal that looks like a misspelling of EC2's.
fn is_near_miss(service: &str) -> bool {
    let s = service.to_ascii_lowercase();
    if EC2_SERVICES.contains(&s.as_str()) {
        return false;
    }
    s == "ec2"
        || s.starts_with("ec2.")
        || EC2_SERVICES
            .iter()
            .any(|e| crate::base::text::edit_distance(&s, e) <= 3)
}
