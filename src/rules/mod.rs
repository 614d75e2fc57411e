//! The rule framework: metadata, the [`Rule`] trait, findings and the registry.
//!
//! One rule, one file. A rule file declares its metadata and documentation with
//! [`declare_rule!`](crate::declare_rule) and implements [`Rule::check`]. Registering a
//! rule is one line in [`ALL_RULES`].

use std::cell::OnceCell;

use serde::Serialize;

use crate::source::{SourceFile, Span};
use crate::template::eval::Evaluator;
use crate::template::model::Template;

pub mod access;
pub mod identity;
pub mod logging;

pub(crate) mod ingress;
pub(crate) mod network;
mod ssm000_parse_error;
mod ssm001_unsupported_document;
pub(crate) mod ssm002_unused_suppression;
mod ssm100_instance_profile_missing;
mod ssm101_instance_profile_unresolved;
mod ssm102_instance_profile_without_role;
mod ssm103_role_lacks_ssm_permissions;
mod ssm104_role_not_trusted_by_ec2;
mod ssm105_deprecated_ssm_policy;
mod ssm106_external_instance_profile;
mod ssm200_ssh_open_to_internet;
mod ssm201_ssh_ingress;
mod ssm202_rdp_open_to_internet;
mod ssm203_nacl_allows_ssh_from_internet;
mod ssm300_session_logging_disabled;
mod ssm301_session_preferences_missing;
mod ssm302_session_logs_unencrypted;
mod ssm303_session_data_not_kms_encrypted;
mod ssm304_log_destination_mismatch;
mod ssm305_log_bucket_not_private;
mod ssm306_instance_cannot_write_session_logs;
mod ssm307_session_logging_tamperable;
mod ssm400_start_session_unrestricted;
mod ssm401_session_control_unscoped;
mod ssm402_trust_policy_allows_anyone;
mod ssm500_no_path_to_ssm;
mod ssm501_ssm_endpoint_misconfigured;
mod ssm502_egress_blocks_https;

pub use ssm000_parse_error::ParseErrorRule;
pub use ssm001_unsupported_document::UnsupportedDocument;

/// Every built-in rule, in code order.
pub static ALL_RULES: &[&dyn Rule] = &[
    &ssm000_parse_error::ParseErrorRule,
    &ssm001_unsupported_document::UnsupportedDocument,
    &ssm002_unused_suppression::UnusedSuppression,
    &ssm100_instance_profile_missing::InstanceProfileMissing,
    &ssm101_instance_profile_unresolved::InstanceProfileUnresolved,
    &ssm102_instance_profile_without_role::InstanceProfileWithoutRole,
    &ssm103_role_lacks_ssm_permissions::RoleLacksSsmPermissions,
    &ssm104_role_not_trusted_by_ec2::RoleNotTrustedByEc2,
    &ssm105_deprecated_ssm_policy::DeprecatedSsmPolicy,
    &ssm106_external_instance_profile::ExternalInstanceProfile,
    &ssm200_ssh_open_to_internet::SshOpenToInternet,
    &ssm201_ssh_ingress::SshIngress,
    &ssm202_rdp_open_to_internet::RdpOpenToInternet,
    &ssm203_nacl_allows_ssh_from_internet::NaclAllowsSshFromInternet,
    // Written in Guard (`rules/*.guard`), evaluated by `crate::guard`; absent without the
    // `guard` feature.
    #[cfg(feature = "guard")]
    &crate::guard::shipped::SshKeyPair,
    #[cfg(feature = "guard")]
    &crate::guard::shipped::Imdsv1Enabled,
    &ssm300_session_logging_disabled::SessionLoggingDisabled,
    &ssm301_session_preferences_missing::SessionPreferencesMissing,
    &ssm302_session_logs_unencrypted::SessionLogsUnencrypted,
    &ssm303_session_data_not_kms_encrypted::SessionDataNotKmsEncrypted,
    &ssm304_log_destination_mismatch::LogDestinationMismatch,
    &ssm305_log_bucket_not_private::LogBucketNotPrivate,
    &ssm306_instance_cannot_write_session_logs::InstanceCannotWriteSessionLogs,
    &ssm307_session_logging_tamperable::SessionLoggingTamperable,
    &ssm400_start_session_unrestricted::StartSessionUnrestricted,
    &ssm401_session_control_unscoped::SessionControlUnscoped,
    &ssm402_trust_policy_allows_anyone::TrustPolicyAllowsAnyone,
    &ssm500_no_path_to_ssm::NoPathToSsm,
    &ssm501_ssm_endpoint_misconfigured::SsmEndpointMisconfigured,
    &ssm502_egress_blocks_https::EgressBlocksHttps,
];

/// Finds a rule by code (`SSM100`, any case) or name (`instance-profile-missing`).
pub fn find_rule(code_or_name: &str) -> Option<&'static dyn Rule> {
    ALL_RULES.iter().copied().find(|r| {
        let m = r.meta();
        m.code.eq_ignore_ascii_case(code_or_name) || m.name.eq_ignore_ascii_case(code_or_name)
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "info" | "note" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Input,
    IdentityChain,
    NetworkExposure,
    SessionLogging,
    Access,
    Connectivity,
    /// The user's own Guard rules (`--rules PATH`).
    Guard,
}

impl Category {
    pub fn title(self) -> &'static str {
        match self {
            Category::Input => "input",
            Category::IdentityChain => "identity chain",
            Category::NetworkExposure => "network exposure and instance hardening",
            Category::SessionLogging => "session logging",
            Category::Connectivity => "connectivity to Systems Manager",
            Category::Access => "who may start sessions",
            Category::Guard => "your own Guard rules",
        }
    }
}

/// What every rule declares about itself; feeds `explain`, `rules`, and the outputs.
#[derive(Debug, Serialize)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub category: Category,
    #[serde(rename = "default_severity")]
    pub severity: Severity,
    pub summary: &'static str,
    /// The rule's doc comment (What it does / Why is this bad? / Example / Fix / References).
    #[serde(skip)]
    pub docs: &'static str,
    pub url: &'static str,
}

impl RuleMeta {
    /// The documentation as Markdown, with rustdoc's one-space indent removed.
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// Metadata access, generated by [`declare_rule!`](crate::declare_rule).
pub trait RuleInfo {
    fn meta(&self) -> &'static RuleMeta;
}

pub trait Rule: RuleInfo + Sync {
    /// Reports the rule's findings on one template.
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>);
}

/// Declares a rule: its doc comment (the documentation) and metadata.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct InstanceProfileMissing {
///         code: "SSM100", name: "instance-profile-missing", category: IdentityChain,
///         severity: Error, summary: "...", url: "https://docs.aws.amazon.com/...",
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rule_name:literal,
            category: $category:ident,
            severity: $severity:ident,
            summary: $summary:literal,
            url: $url:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $name;

        impl $crate::rules::RuleInfo for $name {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                static META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
                    code: $code,
                    name: $rule_name,
                    category: $crate::rules::Category::$category,
                    severity: $crate::rules::Severity::$severity,
                    summary: $summary,
                    docs: concat!($($doc, "\n"),*),
                    url: $url,
                };
                &META
            }
        }
    };
}

/// A secondary place in the same file that explains a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// The text under the primary underline.
    pub label: String,
    pub labels: Vec<Label>,
    /// The remedy, usually a snippet to paste.
    pub help: Option<String>,
    /// The logical id of the resource the finding is about.
    pub resource: Option<String>,
    pub url: &'static str,
}

impl Finding {
    pub fn new(meta: &'static RuleMeta, span: Span, message: impl Into<String>) -> Self {
        Finding {
            code: meta.code,
            name: meta.name,
            severity: meta.severity,
            message: message.into(),
            span,
            label: String::new(),
            labels: Vec::new(),
            help: None,
            resource: None,
            url: meta.url,
        }
    }

    #[must_use]
    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.label = text.into();
        self
    }

    #[must_use]
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        let text = text.into();
        if !self.labels.iter().any(|l| l.span == span && l.text == text) {
            self.labels.push(Label { span, text });
        }
        self
    }

    #[must_use]
    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    #[must_use]
    pub fn resource(mut self, id: impl Into<String>) -> Self {
        self.resource = Some(id.into());
        self
    }
}

/// What a rule sees: the file, the template model, the evaluator, and analyses shared
/// between rules (computed once, on first use).
pub struct Context<'a> {
    pub source: &'a SourceFile,
    pub template: &'a Template<'a>,
    pub eval: &'a Evaluator<'a>,
    /// A standalone policy file being linted (the template is then empty).
    pub policy_file: Option<PolicyFile<'a>>,
    /// A standalone Session Manager document being linted (the template is then empty).
    pub session_document: Option<&'a crate::template::Node>,
    /// The run's settings, for rules with options (`trusted_principals`).
    pub options: Option<&'a crate::lint::LintOptions>,
    chains: OnceCell<identity::Chains<'a>>,
    logging: OnceCell<logging::Logging<'a>>,
    network: OnceCell<network::Network<'a>>,
}

/// A standalone IAM policy document given as an input file.
#[derive(Debug, Clone, Copy)]
pub struct PolicyFile<'a> {
    /// The document (a bare statement is wrapped in a `Statement` mapping).
    pub document: &'a crate::template::Node,
    /// Its statements name a `Principal`: a trust or resource policy.
    pub has_principal: bool,
}

impl<'a> Context<'a> {
    pub fn new(
        source: &'a SourceFile,
        template: &'a Template<'a>,
        eval: &'a Evaluator<'a>,
    ) -> Self {
        Context {
            source,
            template,
            eval,
            policy_file: None,
            session_document: None,
            options: None,
            chains: OnceCell::new(),
            logging: OnceCell::new(),
            network: OnceCell::new(),
        }
    }

    /// The context for a standalone policy file: an empty template and the document.
    pub fn for_policy(
        source: &'a SourceFile,
        template: &'a Template<'a>,
        eval: &'a Evaluator<'a>,
        document: &'a crate::template::Node,
        has_principal: bool,
    ) -> Self {
        Context {
            policy_file: Some(PolicyFile {
                document,
                has_principal,
            }),
            ..Context::new(source, template, eval)
        }
    }

    /// The context for a standalone Session Manager document: an empty template and the
    /// document.
    pub fn for_session_document(
        source: &'a SourceFile,
        template: &'a Template<'a>,
        eval: &'a Evaluator<'a>,
        document: &'a crate::template::Node,
    ) -> Self {
        Context {
            session_document: Some(document),
            ..Context::new(source, template, eval)
        }
    }

    /// The same context, with the run's settings.
    #[must_use]
    pub fn with_options(mut self, options: &'a crate::lint::LintOptions) -> Self {
        self.options = Some(options);
        self
    }

    /// The Session Manager preferences documents and where their logs go.
    pub fn logging(&self) -> &logging::Logging<'a> {
        self.logging.get_or_init(|| logging::Logging::build(self))
    }

    /// The instance → profile → role chains of every compute resource.
    pub fn chains(&self) -> &identity::Chains<'a> {
        self.chains
            .get_or_init(|| identity::Chains::build(self.template, self.eval))
    }

    /// The network model: subnets, routes, endpoints and where compute resources launch.
    pub(crate) fn network(&self) -> &network::Network<'a> {
        self.network
            .get_or_init(|| network::Network::build(self.template, self.eval))
    }
}

/// Labels the `Default` of each parameter a finding rests on, with its value.
pub fn label_defaults(mut finding: Finding, template: &Template<'_>, defaults: &[&str]) -> Finding {
    for name in defaults {
        if let Some(default) = template.parameter(name).and_then(|p| p.default) {
            let text = match default.as_scalar() {
                Some(v) => format!("parameter `{name}` defaults to `{v}`"),
                None => format!("default of parameter `{name}`"),
            };
            finding = finding.with_label(default.span, text);
        }
    }
    finding
}

/// The qualifiers a message needs: the `Fn::If` branches taken, the parameter defaults
/// it rests on, and the resource's own `Condition:` — e.g. " when condition `IsProd` is
/// true (from the default of parameter `SSHLocation`) (resource condition `HasSsh`)".
/// Starts with a space when not empty.
pub fn qualifiers(
    when: &[(&str, bool)],
    resource_condition: Option<&str>,
    defaults: &[&str],
) -> String {
    let mut out = String::new();
    let conditions = crate::template::eval::describe_conditions(when);
    if !conditions.is_empty() {
        out.push(' ');
        out.push_str(&conditions);
    }
    match defaults {
        [] => {}
        [one] => out.push_str(&format!(" (from the default of parameter `{one}`)")),
        many => {
            let names: Vec<String> = many.iter().map(|p| format!("`{p}`")).collect();
            out.push_str(&format!(
                " (from the defaults of parameters {})",
                names.join(", ")
            ));
        }
    }
    if let Some(c) = resource_condition {
        out.push_str(&format!(" (resource condition `{c}`)"));
    }
    out
}
