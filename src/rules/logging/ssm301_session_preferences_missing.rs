use crate::rules::{
    Context, Finding, OptionKey, OptionKind, OptionValue, OptionsSpec, Rule, RuleInfo, RuleOptions,
    RuleSettings, Severity,
};
use crate::semantic::identity::{Chains, Compute, CoreAccess, Link};
use crate::semantic::Input;

crate::declare_rule! {
    /// ## What it does
    /// Reports a template whose instances can be reached by Session Manager (a compute
    /// resource of any kind → profile → role, or an EKS node group's role, allowing the
    /// Session Manager core actions) but which defines no
    /// preferences document (`AWS::SSM::Document` with `DocumentType: Session` and
    /// `sessionType: Standard_Stream`), so whether sessions are logged cannot be verified
    /// here. The preferences may well live in another stack: this is an `info` by
    /// default, and an `error` with `require_session_logging: true` in `.ssmlint.yaml`
    /// (an explicit severity for SSM301 still wins).
    ///
    /// ## Why is this bad?
    /// Session Manager logs nothing until its preferences name a destination. A stack that
    /// opens instances to sessions without its own preferences relies on someone else's
    /// configuration, which the template cannot show.
    ///
    /// ## Example
    /// ```yaml
    /// WebServer:
    ///   Type: AWS::EC2::Instance
    ///   Properties:
    ///     IamInstanceProfile: !Ref SsmProfile   # role with AmazonSSMManagedInstanceCore
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// SessionPreferences:
    ///   Type: AWS::SSM::Document
    ///   Properties:
    ///     Name: SSM-SessionManagerRunShell
    ///     DocumentType: Session
    ///     Content:
    ///       schemaVersion: "1.0"
    ///       sessionType: Standard_Stream
    ///       inputs:
    ///         cloudWatchLogGroupName: !Ref SessionLogGroup
    ///         cloudWatchEncryptionEnabled: true
    ///         cloudWatchStreamingEnabled: true
    ///         kmsKeyId: !Ref SessionKey
    /// ```
    ///
    /// ## References
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html>
    /// - <https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started-configure-preferences.html>
    pub struct SessionPreferencesMissing {
        code: "SSM301",
        name: "session-preferences-missing",
        category: SessionLogging,
        severity: Info,
        summary: "Instances are reachable by Session Manager but the template defines no preferences document.",
        url: "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html",
    }
}

/// The preferences, with the log group and the KMS key they name, in the file's style:
/// every resource the snippet refers to is in it.
fn help(cx: &Context<'_>) -> String {
    use crate::diagnostic::emit::Snippet;
    let s = Snippet::str;
    let fresh = |base: &str| crate::rules::fresh_id(cx.template(), base, &[]);
    let (prefs, group, key) = (
        fresh("SessionPreferences"),
        fresh("SessionLogGroup"),
        fresh("SessionKey"),
    );
    let inputs = Snippet::map([
        ("cloudWatchLogGroupName", Snippet::reference(&group)),
        ("cloudWatchEncryptionEnabled", Snippet::Bool(true)),
        ("cloudWatchStreamingEnabled", Snippet::Bool(true)),
        ("kmsKeyId", Snippet::reference(&key)),
    ]);
    let document = crate::rules::resource_snippet(
        crate::semantic::logging::DOCUMENT,
        Snippet::map([
            ("Name", s(crate::semantic::logging::DEFAULT_DOCUMENT)),
            ("DocumentType", s("Session")),
            (
                "Content",
                Snippet::map([
                    ("schemaVersion", s("1.0")),
                    ("sessionType", s("Standard_Stream")),
                    ("inputs", inputs),
                ]),
            ),
        ]),
    );
    let snippet = Snippet::map([
        (prefs.as_str(), document),
        (group.as_str(), super::log_group_resource(&key)),
        (key.as_str(), super::session_key_resource()),
    ]);
    format!(
        "define the Session Manager preferences, with logging, in this template:\n\n{}",
        cx.style().show(&snippet)
    )
}

/// Whether the profile's role allows the core actions in some scenario.
fn reaches(chains: &Chains<'_>, profile_id: &str) -> bool {
    let Some(profile) = chains.roles_of_profile(profile_id) else {
        return false;
    };
    profile.roles.iter().any(|link| {
        let Link::Resource(role) = link.target else {
            return false;
        };
        chains
            .instance_role(role.id)
            .is_some_and(|r| r.core_access().iter().any(CoreAccess::allows_all))
    })
}

fn reachable(chains: &Chains<'_>, compute: &Compute<'_>) -> bool {
    let allows = |role: &str| {
        chains
            .instance_role(role)
            .is_some_and(|r| r.core_access().iter().any(CoreAccess::allows_all))
    };
    compute
        .links
        .iter()
        .any(|l| matches!(l.target, Link::Resource(p) if reaches(chains, p.id)))
        // A role named directly (an EKS node group's `NodeRole`).
        || compute
            .roles
            .iter()
            .any(|l| matches!(l.target, Link::Resource(r) if allows(r.id)))
}

/// The options of SSM301 in `.ssmlint.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Whether a template must configure session logging (SSM301 is then an error).
    pub require_session_logging: bool,
}

impl RuleOptions for Options {
    const KEYS: &'static [OptionKey] = &[OptionKey {
        name: "require_session_logging",
        kind: OptionKind::Bool,
        doc: "report templates without session logging as errors rather than infos",
    }];

    fn set(&mut self, key: &str, value: OptionValue) {
        if let ("require_session_logging", OptionValue::Bool(b)) = (key, value) {
            self.require_session_logging = b;
        }
    }
}

impl Rule for SessionPreferencesMissing {
    fn uses_aws_data(&self) -> bool {
        true
    }

    fn options(&self) -> Option<OptionsSpec> {
        Some(OptionsSpec::of::<Options>())
    }

    fn default_severity(&self, settings: &RuleSettings) -> Severity {
        if settings
            .get::<Options>(self.meta().code)
            .require_session_logging
        {
            Severity::Error
        } else {
            self.meta().severity
        }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !matches!(cx.input(), Input::Template(_)) {
            return;
        }
        let logging = cx.model.logging();
        if !logging.documents.is_empty() || logging.unknown_documents {
            return;
        }
        let chains = cx.model.chains();
        let computes: Vec<&Compute<'_>> = chains
            .computes
            .iter()
            .filter(|c| reachable(chains, c))
            .collect();
        let Some((first, others)) = computes.split_first() else {
            return;
        };
        let what = match computes.len() {
            1 => format!("{} is", first.subject()),
            n => format!("{} and {} more are", first.subject(), n - 1),
        };
        let mut finding = Finding::new(
            self.meta(),
            first.resource.id_span,
            format!(
                "{what} reachable by Session Manager, but this template defines no preferences document (`AWS::SSM::Document` with `DocumentType: Session`): whether sessions are logged cannot be verified here"
            ),
        )
        .label("reachable by Session Manager")
        .resource(first.resource.id)
        .help(help(cx));
        for other in others {
            finding = finding.with_label(other.resource.id_span, "also reachable");
        }
        out.push(finding);
    }
}
