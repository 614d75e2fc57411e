use crate::base::Span;
use crate::diagnostic::emit::Snippet;
use crate::policy::effective::{Permissions, UnknownSource};
use crate::policy::probes::{
    bucket_arn, decide, document_arn, granting, key_arn, log_group_arn, log_stream_arn, object_arn,
    scenarios, scoped_here,
};
use crate::policy::{refs, statements_of, wildcard_match, Decision, Origin};
use crate::rules::{
    qualifiers, Context, Finding, OptionKey, OptionKind, OptionValue, OptionsSpec, Rule, RuleInfo,
    RuleOptions,
};
use crate::semantic::access::principal_kind;
use crate::semantic::logging::{s3_prefix, DestKind, Link, DEFAULT_DOCUMENT};
use crate::semantic::{Input, PolicyFile};
use crate::template::eval::Evaluator;
use crate::template::model::Resource;
use crate::template::When;

crate::declare_rule! {
    /// ## What it does
    /// Reports a human principal that can change or defeat the session audit trail: an
    /// identity policy of an `AWS::IAM::User`, an `AWS::IAM::Group`, or a role that
    /// people can assume (its trust policy names an AWS account, role, user or federated
    /// provider, not only services) — or a standalone identity policy file — that allows
    ///
    /// - `ssm:UpdateDocument`, `ssm:DeleteDocument`, `ssm:CreateDocument` or
    ///   `ssm:UpdateDocumentDefaultVersion` on the preferences document;
    /// - `logs:DeleteLogGroup`, `logs:DeleteLogStream`, `logs:PutRetentionPolicy`,
    ///   `logs:DeleteRetentionPolicy` or `logs:DisassociateKmsKey` on the session log group;
    /// - `s3:DeleteObject`, `s3:DeleteObjectVersion`, `s3:DeleteBucket`,
    ///   `s3:PutBucketPolicy`, `s3:DeleteBucketPolicy`, `s3:PutLifecycleConfiguration` or
    ///   `s3:PutBucketVersioning` on the log bucket;
    /// - `kms:ScheduleKeyDeletion`, `kms:DisableKey` or `kms:PutKeyPolicy` on the session
    ///   key.
    ///
    /// Wildcards, `NotAction`, group membership and permissions boundaries count; an
    /// explicit `Deny` of the same principal wins, and a region or account written in a
    /// policy — `${AWS::Region}` and `${AWS::AccountId}` included — is read as this stack's.
    /// Every AWS managed policy counts (AdministratorAccess, PowerUserAccess,
    /// AmazonSSMFullAccess, ...), from the embedded data. A policy ssmlint cannot read (a
    /// customer managed ARN, a parameter) is taken to possibly grant, never to deny: the
    /// finding names it, since a Deny in it would protect the trail.
    /// In a template the targets are its preferences documents and their destinations; a
    /// standalone policy file is checked against the default preferences document
    /// `SSM-SessionManagerRunShell`. Principals listed in `trusted_principals`
    /// (`.ssmlint.yaml`: logical ids, or ARNs / names with `*`) are exempt.
    ///
    /// ## Why is this bad?
    /// Whoever can edit the preferences can switch logging off before a session and back
    /// on after it; whoever can delete the logs or the key can erase what they did.
    /// AWS recommends denying users changes to the preferences document.
    ///
    /// ## Example
    /// ```yaml
    /// Operators:
    ///   Type: AWS::IAM::Group
    ///   Properties:
    ///     ManagedPolicyArns:
    ///       - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSSMFullAccess
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// Operators:
    ///   Type: AWS::IAM::Group
    ///   Properties:
    ///     ManagedPolicyArns:
    ///       - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSSMFullAccess
    ///     Policies:
    ///       - PolicyName: protect-session-preferences
    ///         PolicyDocument:
    ///           Version: "2012-10-17"
    ///           Statement:
    ///             - Effect: Deny
    ///               Action:
    ///                 - ssm:CreateDocument
    ///                 - ssm:GetDocument
    ///                 - ssm:UpdateDocument
    ///                 - ssm:DeleteDocument
    ///               Resource: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/SSM-SessionManagerRunShell
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/preference-setting-permissions.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html>
    pub struct SessionLoggingTamperable {
        code: "SSM307",
        name: "session-logging-tamperable",
        category: SessionLogging,
        severity: Error,
        summary: "A human principal may change the session preferences or delete the session logs or key.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/preference-setting-permissions.html",
    }
}

const DOCUMENT_ACTIONS: [&str; 4] = [
    "ssm:UpdateDocument",
    "ssm:DeleteDocument",
    "ssm:CreateDocument",
    "ssm:UpdateDocumentDefaultVersion",
];
/// The Deny of the AWS documentation (preference-setting-permissions), with
/// `ssm:UpdateDocumentDefaultVersion`.
const DOCUMENT_DENY: [&str; 5] = [
    "ssm:CreateDocument",
    "ssm:GetDocument",
    "ssm:UpdateDocument",
    "ssm:DeleteDocument",
    "ssm:UpdateDocumentDefaultVersion",
];
const LOG_GROUP_ACTIONS: [&str; 4] = [
    "logs:DeleteLogGroup",
    "logs:PutRetentionPolicy",
    "logs:DeleteRetentionPolicy",
    "logs:DisassociateKmsKey",
];
const BUCKET_ACTIONS: [&str; 5] = [
    "s3:DeleteBucket",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
];
const KEY_ACTIONS: [&str; 3] = [
    "kms:ScheduleKeyDeletion",
    "kms:DisableKey",
    "kms:PutKeyPolicy",
];

/// Something of the audit trail, and the actions that threaten it.
struct Threat<'a> {
    /// "preferences document `SessionPreferences`"
    name: String,
    consequence: &'static str,
    resource: Option<&'a Resource<'a>>,
    /// Where the template sends logs to it (for destinations).
    setting: Option<Span>,
    when: When<'a>,
    actions: Vec<(&'static str, String)>,
    /// What the `setting` label says.
    setting_text: &'static str,
    /// How the help introduces the Deny statement.
    deny_intro: &'static str,
    /// The Deny statement, shown in the file's style.
    deny: Snippet,
}

/// A human principal of the template, or the standalone policy file.
struct Principal<'a> {
    resource: Option<&'a Resource<'a>>,
    /// "group `Operators`" / "this policy"
    name: String,
    perms: Permissions<'a>,
}

/// What one principal may do to one threat.
struct Hit<'a> {
    principals: Vec<String>,
    principal_spans: Vec<(Span, String)>,
    actions: Vec<&'static str>,
    when: When<'a>,
    statement: Option<Span>,
    condition: Option<String>,
    /// Policies of the principals the tool cannot read: one might hold a protecting Deny.
    unverified: Vec<(Span, String)>,
}

/// The options of SSM307 in `.ssmlint.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Principals exempt from the rule.
    pub trusted_principals: Vec<String>,
}

impl RuleOptions for Options {
    const KEYS: &'static [OptionKey] = &[OptionKey {
        name: "trusted_principals",
        kind: OptionKind::Strings,
        doc: "principals (logical ids, names or ARNs; wildcards allowed) allowed to change the audit trail, such as a break-glass role",
    }];

    fn set(&mut self, key: &str, value: OptionValue) {
        if let ("trusted_principals", OptionValue::Strings(list)) = (key, value) {
            self.trusted_principals = list;
        }
    }
}

impl Rule for SessionLoggingTamperable {
    fn uses_aws_data(&self) -> bool {
        true
    }

    fn options(&self) -> Option<OptionsSpec> {
        Some(OptionsSpec::of::<Options>())
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let threats = threats(cx);
        if threats.is_empty() {
            return;
        }
        let principals = principals(cx);
        // Findings keyed by the granting place and the threat: a group and its users
        // share one.
        let mut hits: Vec<((Span, usize), Hit)> = Vec::new();
        for principal in &principals {
            for (t, threat) in threats.iter().enumerate() {
                let Some((primary, hit)) = ask(cx.eval, principal, threat) else {
                    continue;
                };
                match hits.iter_mut().find(|(k, _)| *k == (primary, t)) {
                    Some((_, existing)) => {
                        existing.principals.extend(hit.principals);
                        existing.principal_spans.extend(hit.principal_spans);
                        for a in hit.actions {
                            if !existing.actions.contains(&a) {
                                existing.actions.push(a);
                            }
                        }
                        for u in hit.unverified {
                            if !existing.unverified.contains(&u) {
                                existing.unverified.push(u);
                            }
                        }
                    }
                    None => hits.push(((primary, t), hit)),
                }
            }
        }
        for ((primary, t), hit) in hits {
            let Some(threat) = threats.get(t) else {
                continue;
            };
            let when = hit.when.clone();
            let who = match hit.principals.as_slice() {
                [one] => one.clone(),
                [first, rest @ ..] => format!("{first} (and {})", rest.join(", ")),
                [] => continue,
            };
            let unless = match hit.unverified.len() {
                0 => "",
                1 => " (unless the policy that could not be verified denies it)",
                _ => " (unless one of the policies that could not be verified denies it)",
            };
            let mut finding = Finding::new(
                self.meta(),
                primary,
                format!(
                    "{who} may {} on {}{}: {}{unless}",
                    hit.actions.join(", "),
                    threat.name,
                    qualifiers(&when, hit.condition.as_deref(), &[]),
                    threat.consequence
                ),
            )
            .label("grants them")
            .help(format!(
                "{} to {}:\n\n{}",
                threat.deny_intro,
                if hit.principal_spans.is_empty() {
                    "this policy".to_string()
                } else {
                    format!("the policies of {who}")
                },
                cx.style().show(&Snippet::Seq(vec![threat.deny.clone()]))
            ));
            // The whole statement, when it spreads over more lines than the grant.
            let text = &cx.source.text;
            if let Some(s) = hit.statement.filter(|s| {
                *s != primary
                    && text
                        .get(s.start()..primary.start())
                        .is_some_and(|t| t.contains('\n'))
            }) {
                finding = finding.with_label(s, "this statement");
            }
            if let Some(r) = threat.resource {
                finding = finding.with_label(r.id_span, format!("the {}", threat.name));
                finding = finding.resource(r.id);
            }
            if let Some(s) = threat.setting {
                finding = finding.with_label(s, threat.setting_text);
            }
            for (span, text) in hit.principal_spans {
                finding = finding.with_label(span, text);
            }
            for (span, text) in hit.unverified {
                finding = finding.with_label(span, text);
            }
            out.push(finding);
        }
    }
}

/// Whether `principal` may perform any of the threat's actions; the place that grants
/// them and what they are.
fn ask<'a>(
    eval: &Evaluator<'_>,
    principal: &Principal<'a>,
    threat: &Threat<'a>,
) -> Option<(Span, Hit<'a>)> {
    // A policy the tool cannot read (a customer managed ARN, a parameter) is taken to
    // possibly grant, never to deny: what the policies it can read allow is reported, and
    // the finding names the unread ones.
    let all = scenarios(eval, &principal.perms, &threat.when);
    let mut found: Option<(When, Vec<&'static str>, Vec<usize>)> = None;
    let mut everywhere = true;
    for scenario in &all {
        let mut allowed = Vec::new();
        let mut grants = Vec::new();
        for (action, arn) in &threat.actions {
            if decide(&principal.perms, action, arn, scenario) == Decision::Allowed {
                allowed.push(*action);
                grants.extend(granting(&principal.perms, action, arn, scenario));
            }
        }
        if allowed.is_empty() {
            everywhere = false;
            continue;
        }
        if found.is_none() {
            found = Some((scenario.clone(), allowed, grants));
        }
    }
    let (scenario, actions, grants) = found?;
    let when = if everywhere {
        threat.when.clone()
    } else {
        scenario
    };
    let entry = grants.first().and_then(|&i| principal.perms.entry(i))?;
    let (primary, statement_span) = match entry.attachment {
        None => {
            let statement = entry.statement;
            (statement.action_span.or(statement.span)?, statement.span)
        }
        Some(attached) => (attached.span, None),
    };
    let unverified = principal
        .perms
        .unknown_sources
        .iter()
        .filter(|u| u.when.compatible(&when))
        .map(|u| {
            (
                u.span,
                format!(
                    "could not verify this policy ({}): a Deny in it would protect the trail",
                    u.note
                ),
            )
        })
        .collect();
    let mut principal_spans = Vec::new();
    if let Some(r) = principal.resource {
        principal_spans.push((r.id_span, principal.name.clone()));
    }
    Some((
        primary,
        Hit {
            principals: vec![principal.name.clone()],
            principal_spans,
            actions,
            when,
            statement: statement_span,
            condition: principal
                .resource
                .and_then(|r| r.condition)
                .map(str::to_string),
            unverified,
        },
    ))
}

/// The preferences documents and log destinations of the template, or the default
/// preferences document for a standalone policy file.
fn threats<'a>(cx: &Context<'a>) -> Vec<Threat<'a>> {
    let mut out: Vec<Threat<'a>> = Vec::new();
    if let Input::Policy(file) = cx.input() {
        if !file.has_principal {
            let mut threat = document_threat(DEFAULT_DOCUMENT, None, When::new());
            let resource = format!("arn:aws:ssm:*:*:document/{DEFAULT_DOCUMENT}");
            threat.deny = super::statement("Deny", &DOCUMENT_DENY, vec![Snippet::str(resource)]);
            out.push(threat);
        }
        return out;
    }
    for prefs in cx.model.logging().iter() {
        if let Some(resource) = prefs.resource {
            if !out
                .iter()
                .any(|t| t.resource.is_some_and(|r| r.id == resource.id))
            {
                out.push(document_threat(
                    &prefs.name,
                    Some(resource),
                    prefs.when.clone(),
                ));
            }
        }
        let kinds = [DestKind::LogGroup, DestKind::Bucket, DestKind::Key];
        for (kind, setting, when, dest, physical) in prefs.configured(cx.eval, &kinds) {
            let resource = match dest {
                Link::Resource(r) => Some(r),
                _ => None,
            };
            let shown = refs::display(&physical);
            let name = match resource {
                Some(r) => format!("session {} `{}`", kind.noun(), r.id),
                None => format!("session {} `{shown}`", kind.noun()),
            };
            if out.iter().any(|t| t.name == name) {
                continue;
            }
            let arn_snippet = |fallback: Snippet| match resource {
                Some(r) => Snippet::get_att(r.id, "Arn"),
                None => fallback,
            };
            let (actions, consequence, deny): (Vec<(&'static str, String)>, _, _) = match kind {
                DestKind::LogGroup => {
                    let mut actions: Vec<(&'static str, String)> = LOG_GROUP_ACTIONS
                        .iter()
                        .map(|a| (*a, log_group_arn(&physical)))
                        .collect();
                    actions.insert(1, ("logs:DeleteLogStream", log_stream_arn(&physical)));
                    let resource = arn_snippet(super::log_group_arn(&shown));
                    (
                        actions,
                        "the session logs can be erased, or kept for less time",
                        super::statement(
                            "Deny",
                            &[
                                "logs:DeleteLogGroup",
                                "logs:DeleteLogStream",
                                "logs:PutRetentionPolicy",
                                "logs:DeleteRetentionPolicy",
                                "logs:DisassociateKmsKey",
                            ],
                            vec![resource],
                        ),
                    )
                }
                DestKind::Bucket => {
                    let prefix = s3_prefix(prefs, &when);
                    let object = object_arn(&physical, &prefix);
                    let mut actions: Vec<(&'static str, String)> = vec![
                        ("s3:DeleteObject", object.clone()),
                        ("s3:DeleteObjectVersion", object),
                    ];
                    actions.extend(BUCKET_ACTIONS.iter().map(|a| (*a, bucket_arn(&physical))));
                    let (bucket, objects) = match resource {
                        Some(r) => (
                            Snippet::get_att(r.id, "Arn"),
                            Snippet::sub(format!("${{{}.Arn}}/*", r.id)),
                        ),
                        None => (
                            Snippet::str(format!("arn:aws:s3:::{shown}")),
                            Snippet::str(format!("arn:aws:s3:::{shown}/*")),
                        ),
                    };
                    (
                        actions,
                        "the session logs can be deleted or exposed",
                        super::statement(
                            "Deny",
                            &[
                                "s3:DeleteObject",
                                "s3:DeleteObjectVersion",
                                "s3:DeleteBucket",
                                "s3:PutBucketPolicy",
                                "s3:DeleteBucketPolicy",
                                "s3:PutLifecycleConfiguration",
                                "s3:PutBucketVersioning",
                            ],
                            vec![bucket, objects],
                        ),
                    )
                }
                DestKind::Key => {
                    let Some(arn) = key_arn(&physical) else {
                        continue;
                    };
                    (
                        KEY_ACTIONS.iter().map(|a| (*a, arn.clone())).collect(),
                        "the encrypted sessions and logs can be made unreadable",
                        super::statement(
                            "Deny",
                            &KEY_ACTIONS,
                            vec![arn_snippet(Snippet::str(shown.clone()))],
                        ),
                    )
                }
            };
            out.push(Threat {
                name,
                consequence,
                resource,
                setting: Some(setting.span),
                when,
                actions,
                setting_text: match kind {
                    DestKind::Key => "sessions are encrypted with this key",
                    _ => "session logs go here",
                },
                deny_intro: "add an explicit Deny",
                deny,
            });
        }
    }
    out
}

fn document_threat<'a>(
    name: &str,
    resource: Option<&'a Resource<'a>>,
    when: When<'a>,
) -> Threat<'a> {
    let arn = document_arn(name);
    let shown = match resource {
        Some(r) if refs::has_token(name) => format!("${{{}}}", r.id),
        _ => refs::display(name),
    };
    Threat {
        name: match resource {
            Some(r) => format!("preferences document `{}`", r.id),
            None => format!("the preferences document `{name}`"),
        },
        consequence: "session logging can be turned off or redirected",
        resource,
        setting: None,
        when,
        actions: DOCUMENT_ACTIONS.iter().map(|a| (*a, arn.clone())).collect(),
        setting_text: "",
        deny_intro: "add the Deny the AWS documentation gives for the preferences document (with ssm:UpdateDocumentDefaultVersion, which also changes the preferences in force)",
        // The statement of the AWS documentation (preference-setting-permissions).
        deny: super::statement("Deny", 
            &DOCUMENT_DENY,
            vec![Snippet::sub(format!(
                "arn:${{AWS::Partition}}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:document/{shown}"
            ))],
        ),
    }
}

/// Users, groups and roles people can assume (not exempted by `trusted_principals`), or
/// the standalone identity policy file.
fn principals<'a>(cx: &Context<'a>) -> Vec<Principal<'a>> {
    match cx.input() {
        Input::Template(_) => {}
        Input::SessionDocument(_) => return Vec::new(),
        Input::Policy(file) => return policy_file_principal(cx, file),
    }
    let mut out = Vec::new();
    for &resource in cx.model.human_principals() {
        let kind = principal_kind(resource);
        if trusted(cx, resource, kind) {
            continue;
        }
        out.push(Principal {
            resource: Some(resource),
            name: format!("{kind} `{}`", resource.id),
            perms: scoped_here(&cx.model.permissions(resource)),
        });
    }
    out
}

/// The standalone identity policy file as the principal that holds it.
fn policy_file_principal<'a>(cx: &Context<'a>, file: PolicyFile<'a>) -> Vec<Principal<'a>> {
    if file.has_principal {
        return Vec::new();
    }
    let origin = Origin::Template {
        resource: Default::default(),
    };
    let (statements, unknown) = statements_of(cx.eval, file.document, &origin);
    let perms = Permissions {
        statements: statements.into_iter().map(std::rc::Rc::new).collect(),
        unknown_sources: if unknown {
            vec![UnknownSource {
                name: "this policy".into(),
                note: "part of it cannot be evaluated".into(),
                span: file.document.span,
                when: When::new(),
                did_you_mean: None,
            }]
        } else {
            Vec::new()
        },
        ..Permissions::default()
    };
    vec![Principal {
        resource: None,
        name: "this policy".into(),
        perms: scoped_here(&perms),
    }]
}

/// Whether `trusted_principals` names the principal: its logical id, or an ARN / name
/// (wildcards allowed) matching its literal name.
fn trusted(cx: &Context<'_>, resource: &Resource<'_>, kind: &str) -> bool {
    let options: Options = cx.options(SessionLoggingTamperable.meta());
    let name = refs::name_of(cx.eval, resource);
    options.trusted_principals.iter().any(|entry| {
        if entry == resource.id {
            return true;
        }
        let (entry_kind, entry_name) = match entry.rsplit_once(":user/") {
            Some((_, n)) => (Some("user"), n),
            None => match entry.rsplit_once(":group/") {
                Some((_, n)) => (Some("group"), n),
                None => match entry.rsplit_once(":role/") {
                    Some((_, n)) => (Some("role"), n),
                    None => (None, entry.as_str()),
                },
            },
        };
        let entry_name = entry_name.rsplit('/').next().unwrap_or(entry_name);
        entry_kind.is_none_or(|k| k == kind)
            && !refs::has_token(&name)
            && wildcard_match(entry_name, &name)
    })
}
