use crate::diagnostic::emit::Snippet;
use crate::policy::effective::{denier_label, Permissions};
use crate::policy::probes::{
    any_log_group_arn, bucket_arn, decide, key_arn, log_group_arn, log_stream_arn, object_arn,
    scenarios, scoped_here,
};
use crate::policy::{refs, Decision, Tri};
use crate::rules::{qualifiers, Context, Finding, Rule, RuleInfo};
use crate::semantic::identity::InstanceRole;
use crate::semantic::logging::{compatible, s3_prefix, DestKind, Key, Link, Preferences, Setting};
use crate::template::When;

crate::declare_rule! {
    /// ## What it does
    /// When a preferences document sends session logs somewhere, reports every instance
    /// role (from the instance → profile → role chains) whose effective permissions do
    /// not let the SSM Agent deliver them:
    ///
    /// - S3: `s3:PutObject` on `arn:aws:s3:::BUCKET/PREFIX/*`, and
    ///   `s3:GetEncryptionConfiguration` on the bucket when `s3EncryptionEnabled` is true;
    /// - CloudWatch Logs: `logs:CreateLogStream`, `logs:PutLogEvents`,
    ///   `logs:DescribeLogGroups`, `logs:DescribeLogStreams`;
    /// - a `kmsKeyId`: `kms:Decrypt` and `kms:GenerateDataKey` on the key.
    ///
    /// `AmazonSSMManagedInstanceCore` alone grants none of these. The questions are asked
    /// about the destination's ARN; a bucket or log group whose name is generated at
    /// deploy time is matched by the template's own `!GetAtt X.Arn` / `!Sub ...${X}...`
    /// patterns. A region or account written in a policy is read as this stack's. An
    /// answer that rests on something unknown (a customer managed policy, a parameter, a
    /// literal pattern that may or may not match a generated name) is not reported.
    ///
    /// ## Why is this bad?
    /// The agent writes session logs with the instance's credentials. Without these
    /// permissions the preferences promise an audit trail that never arrives — and with
    /// `cloudWatchStreamingEnabled` or encryption required, sessions can fail outright.
    ///
    /// ## Example
    /// ```yaml
    /// SsmRole:
    ///   Type: AWS::IAM::Role
    ///   Properties:
    ///     ManagedPolicyArns:
    ///       - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     Policies:
    ///       - PolicyName: session-logging
    ///         PolicyDocument:
    ///           Version: "2012-10-17"
    ///           Statement:
    ///             - Effect: Allow
    ///               Action: [logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogStreams]
    ///               Resource: !GetAtt SessionLogGroup.Arn
    ///             - Effect: Allow
    ///               Action: logs:DescribeLogGroups
    ///               Resource: "*"
    ///             - Effect: Allow
    ///               Action: [kms:Decrypt, kms:GenerateDataKey]
    ///               Resource: !GetAtt SessionKey.Arn
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html>
    pub struct InstanceCannotWriteSessionLogs {
        code: "SSM306",
        name: "instance-cannot-write-session-logs",
        category: SessionLogging,
        severity: Error,
        summary: "An instance role cannot deliver the session logs (S3, CloudWatch Logs, KMS permissions).",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html",
    }
}

/// One destination of one preferences document, with what the agent must be allowed.
struct Need<'p, 'a> {
    prefs: &'p Preferences<'a>,
    setting: &'p Setting<'a>,
    kind: DestKind,
    /// How messages name it: "log group `SessionLogGroup`".
    name: String,
    when: When<'a>,
    actions: Vec<(&'static str, String)>,
    /// The `Resource` to grant (the bucket's, for a bucket).
    resource_snippet: Snippet,
    /// The objects to grant `s3:PutObject` on, for a bucket.
    object_snippet: Option<Snippet>,
}

impl Rule for InstanceCannotWriteSessionLogs {
    fn uses_aws_data(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let logging = cx.model.logging();
        if logging.documents.is_empty() {
            return;
        }
        let roles: Vec<(&InstanceRole<'_>, Permissions)> = cx
            .model
            .chains()
            .instance_roles
            .iter()
            .map(|r| (r, scoped_here(&r.permissions)))
            .collect();
        if roles.is_empty() {
            return;
        }
        let needs = needs(cx, logging.iter());
        for (role, perms) in &roles {
            for need in &needs {
                let results: Vec<(When, Vec<&str>, Vec<usize>)> =
                    scenarios(cx.eval, perms, &need.when)
                        .into_iter()
                        .map(|scenario| {
                            let mut missing = Vec::new();
                            let mut deniers = Vec::new();
                            for (action, arn) in &need.actions {
                                match decide(perms, action, arn, &scenario) {
                                    Decision::NotAllowed => missing.push(*action),
                                    Decision::Denied(by) => {
                                        missing.push(*action);
                                        deniers.extend(by);
                                    }
                                    Decision::Allowed | Decision::Unknown => {}
                                }
                            }
                            (scenario, missing, deniers)
                        })
                        .collect();
                let same = results
                    .windows(2)
                    .all(|w| matches!(w, [a, b] if a.1 == b.1));
                for (scenario, missing, deniers) in &results {
                    if missing.is_empty() {
                        continue;
                    }
                    let when = if same { &need.when } else { scenario };
                    let help = help(cx, need, missing, !deniers.is_empty());
                    out.push(
                        self.finding(role, perms, need, when, missing, deniers)
                            .help(help),
                    );
                    if same {
                        break;
                    }
                }
            }
        }
    }
}

/// Every destination the logs are sent to, with the actions and probe ARNs.
fn needs<'p, 'a>(
    cx: &Context<'a>,
    documents: impl Iterator<Item = &'p Preferences<'a>>,
) -> Vec<Need<'p, 'a>>
where
    'a: 'p,
{
    let mut out = Vec::new();
    for prefs in documents {
        let kinds = [DestKind::Bucket, DestKind::LogGroup, DestKind::Key];
        for (kind, setting, when, dest, physical) in prefs.configured(cx.eval, &kinds) {
            let (name, resource_snippet) = match &dest {
                Link::Resource(r) => (
                    format!("{} `{}`", kind.noun(), r.id),
                    Snippet::get_att(r.id, "Arn"),
                ),
                _ => {
                    let shown = refs::display(&physical);
                    let arn = match kind {
                        DestKind::Bucket => Snippet::str(format!("arn:aws:s3:::{shown}")),
                        DestKind::LogGroup => super::log_group_arn(&shown),
                        DestKind::Key => Snippet::str(shown.clone()),
                    };
                    (format!("{} `{shown}`", kind.noun()), arn)
                }
            };
            let mut actions: Vec<(&'static str, String)> = Vec::new();
            let mut object_snippet = None;
            match kind {
                DestKind::Bucket => {
                    let prefix = s3_prefix(prefs, &when);
                    actions.push(("s3:PutObject", object_arn(&physical, &prefix)));
                    let encrypted = compatible(prefs, Key::S3Encryption, &when)
                        .iter()
                        .any(|(s, _)| s.input.is_true() == Tri::Yes);
                    if encrypted {
                        actions.push(("s3:GetEncryptionConfiguration", bucket_arn(&physical)));
                    }
                    let prefix = refs::display(prefix.trim_matches('/'));
                    let tail = if prefix.is_empty() {
                        "/*".to_string()
                    } else {
                        format!("/{prefix}/*")
                    };
                    object_snippet = Some(match &dest {
                        Link::Resource(r) => Snippet::sub(format!("${{{}.Arn}}{tail}", r.id)),
                        _ => {
                            Snippet::str(format!("arn:aws:s3:::{}{tail}", refs::display(&physical)))
                        }
                    });
                }
                DestKind::LogGroup => {
                    actions.push(("logs:CreateLogStream", log_group_arn(&physical)));
                    actions.push(("logs:PutLogEvents", log_stream_arn(&physical)));
                    actions.push(("logs:DescribeLogGroups", any_log_group_arn()));
                    actions.push(("logs:DescribeLogStreams", log_group_arn(&physical)));
                }
                DestKind::Key => {
                    let Some(arn) = key_arn(&physical) else {
                        continue;
                    };
                    actions.push(("kms:Decrypt", arn.clone()));
                    actions.push(("kms:GenerateDataKey", arn));
                }
            }
            out.push(Need {
                prefs,
                setting,
                kind,
                name,
                when,
                actions,
                resource_snippet,
                object_snippet,
            });
        }
    }
    out
}

impl InstanceCannotWriteSessionLogs {
    fn finding(
        &self,
        instance_role: &InstanceRole<'_>,
        perms: &Permissions,
        need: &Need<'_, '_>,
        when: &When,
        missing: &[&str],
        deniers: &[usize],
    ) -> Finding {
        let role = instance_role.role;
        let span = ["Policies", "ManagedPolicyArns"]
            .iter()
            .find_map(|k| role.property_entry(k))
            .map_or(role.id_span, |e| e.key_span);
        let borrowed = when.clone();
        let verb = match need.kind {
            DestKind::Key => "encrypt sessions and their logs with",
            _ => "write session logs to",
        };
        let mut finding = Finding::new(
            self.meta(),
            span,
            format!(
                "instance role `{}` cannot {verb} {}: it is not allowed {}{}",
                role.id,
                need.name,
                missing.join(", "),
                qualifiers(&borrowed, role.condition, &[])
            ),
        )
        .label(if span == role.id_span {
            "no policy grants them"
        } else {
            "these policies do not grant them"
        })
        .with_label(
            need.setting.span,
            match need.kind {
                DestKind::Key => {
                    format!("{} encrypts sessions with this key", need.prefs.describe())
                }
                _ => format!("{} sends logs here", need.prefs.describe()),
            },
        )
        .resource(role.id);
        for &i in deniers {
            if let Some((span, text)) = perms.entry(i).and_then(denier_label) {
                finding = finding.with_label(span, text);
            }
        }
        for profile in &instance_role.profiles {
            finding = finding.with_label(
                profile.id_span,
                format!("instance profile `{}` uses this role", profile.id),
            );
        }
        finding
    }
}

/// A policy to add to the role's `Policies`, granting exactly what is missing, in the
/// file's style.
fn help(cx: &Context<'_>, need: &Need<'_, '_>, missing: &[&str], denied: bool) -> String {
    let mut statements = Vec::new();
    let mut push = |actions: &[&str], resource: Option<&Snippet>| {
        let actions: Vec<&str> = actions
            .iter()
            .copied()
            .filter(|a| missing.contains(a))
            .collect();
        if let (false, Some(resource)) = (actions.is_empty(), resource) {
            statements.push(super::statement("Allow", &actions, vec![resource.clone()]));
        }
    };
    match need.kind {
        DestKind::Bucket => {
            push(&["s3:PutObject"], need.object_snippet.as_ref());
            push(
                &["s3:GetEncryptionConfiguration"],
                Some(&need.resource_snippet),
            );
        }
        DestKind::LogGroup => {
            push(
                &[
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogStreams",
                ],
                Some(&need.resource_snippet),
            );
            push(&["logs:DescribeLogGroups"], Some(&Snippet::str("*")));
        }
        DestKind::Key => push(missing, Some(&need.resource_snippet)),
    }
    let policy = Snippet::map([
        ("PolicyName", Snippet::str("session-logging")),
        (
            "PolicyDocument",
            Snippet::map([
                ("Version", Snippet::str("2012-10-17")),
                ("Statement", Snippet::Seq(statements)),
            ]),
        ),
    ]);
    let intro = if denied {
        "narrow the Deny that removes them, and allow"
    } else {
        "allow"
    };
    format!(
        "{intro} the agent to deliver the logs, in the role's `Policies`:\n\n{}",
        cx.style().show(&Snippet::Seq(vec![policy]))
    )
}
