//! The rules: one file per rule, grouped by family, and the registry.
//!
//! A rule file declares its metadata and documentation with
//! [`declare_rule!`](crate::declare_rule) and implements [`Rule::check`], reading the
//! file's semantic model through its [`Context`]. Registering a rule is one line in
//! [`ALL_RULES`]. Rules whose findings another stage emits (SSM000 and SSM001 by the
//! engine, SSM002 by the suppressions) are registered for their metadata only.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::base::{SourceFile, Span};
use crate::semantic::{Input, Model};
use crate::template::eval::Evaluator;
use crate::template::model::{Resource, Template};

pub use crate::diagnostic::{
    Applicability, Category, Edit, Finding, Fix, FixAvailability, Label, RuleMeta, Severity,
};
pub use crate::template::eval::qualifiers;

pub mod access;
pub mod exposure;
pub mod identity;
pub mod input;
pub mod logging;
pub mod network;

/// Every built-in rule, in code order.
pub static ALL_RULES: &[Registered] = &[
    Registered::emitted(&input::ssm000_parse_error::ParseErrorRule),
    Registered::emitted(&input::ssm001_unsupported_document::UnsupportedDocument),
    Registered::emitted(&input::ssm002_unused_suppression::UnusedSuppression),
    Registered::checked(&identity::ssm100_instance_profile_missing::InstanceProfileMissing),
    Registered::checked(&identity::ssm101_instance_profile_unresolved::InstanceProfileUnresolved),
    Registered::checked(
        &identity::ssm102_instance_profile_without_role::InstanceProfileWithoutRole,
    ),
    Registered::checked(&identity::ssm103_role_lacks_ssm_permissions::RoleLacksSsmPermissions),
    Registered::checked(&identity::ssm104_role_not_trusted_by_ec2::RoleNotTrustedByEc2),
    Registered::checked(&identity::ssm105_deprecated_ssm_policy::DeprecatedSsmPolicy),
    Registered::checked(&identity::ssm106_external_instance_profile::ExternalInstanceProfile),
    Registered::checked(&exposure::ssm200_ssh_open_to_internet::SshOpenToInternet),
    Registered::checked(&exposure::ssm201_ssh_ingress::SshIngress),
    Registered::checked(&exposure::ssm202_rdp_open_to_internet::RdpOpenToInternet),
    Registered::checked(&exposure::ssm203_nacl_allows_ssh_from_internet::NaclAllowsSshFromInternet),
    Registered::checked(&exposure::ssm204_ssh_key_pair::SshKeyPair),
    Registered::checked(&exposure::ssm205_imdsv1_enabled::Imdsv1Enabled),
    Registered::checked(&logging::ssm300_session_logging_disabled::SessionLoggingDisabled),
    Registered::checked(&logging::ssm301_session_preferences_missing::SessionPreferencesMissing),
    Registered::checked(&logging::ssm302_session_logs_unencrypted::SessionLogsUnencrypted),
    Registered::checked(
        &logging::ssm303_session_data_not_kms_encrypted::SessionDataNotKmsEncrypted,
    ),
    Registered::checked(&logging::ssm304_log_destination_mismatch::LogDestinationMismatch),
    Registered::checked(&logging::ssm305_log_bucket_not_private::LogBucketNotPrivate),
    Registered::checked(
        &logging::ssm306_instance_cannot_write_session_logs::InstanceCannotWriteSessionLogs,
    ),
    Registered::checked(&logging::ssm307_session_logging_tamperable::SessionLoggingTamperable),
    Registered::checked(&access::ssm400_start_session_unrestricted::StartSessionUnrestricted),
    Registered::checked(&access::ssm401_session_control_unscoped::SessionControlUnscoped),
    Registered::checked(&access::ssm402_trust_policy_allows_anyone::TrustPolicyAllowsAnyone),
    Registered::checked(&access::ssm403_unknown_iam_action::UnknownIamAction),
    Registered::checked(&network::ssm500_no_path_to_ssm::NoPathToSsm),
    Registered::checked(&network::ssm501_ssm_endpoint_misconfigured::SsmEndpointMisconfigured),
    Registered::checked(&network::ssm502_egress_blocks_https::EgressBlocksHttps),
];

/// A registered rule: its metadata, and the check that produces its findings (none when
/// another stage emits them).
pub struct Registered {
    info: &'static (dyn RuleInfo + Sync),
    check: Option<&'static dyn Rule>,
}

impl Registered {
    /// A rule whose findings its own [`Rule::check`] produces.
    pub const fn checked<R: Rule + 'static>(rule: &'static R) -> Registered {
        Registered {
            info: rule,
            check: Some(rule),
        }
    }

    /// A rule whose findings another stage emits (the engine, the suppressions).
    pub const fn emitted<R: RuleInfo + Sync + 'static>(rule: &'static R) -> Registered {
        Registered {
            info: rule,
            check: None,
        }
    }

    pub fn meta(&self) -> &'static RuleMeta {
        self.info.meta()
    }

    /// The check, for rules that have one.
    pub fn check(&self) -> Option<&'static dyn Rule> {
        self.check
    }

    /// Whether the rule's answers rest on the embedded AWS data ([`Rule::uses_aws_data`]).
    pub fn uses_aws_data(&self) -> bool {
        self.check.is_some_and(Rule::uses_aws_data)
    }

    /// The options the rule reads from `.ssmlint.yaml`.
    pub fn options(&self) -> Option<OptionsSpec> {
        self.check.and_then(Rule::options)
    }

    /// The severity of the rule's findings before `--severity`/`rules:` overrides: the
    /// documented default, unless one of the rule's options changes it.
    pub fn default_severity(&self, settings: &RuleSettings) -> Severity {
        self.check
            .map_or(self.meta().severity, |c| c.default_severity(settings))
    }
}

/// Finds a rule by code (`SSM100`, any case) or name (`instance-profile-missing`).
pub fn find_rule(code_or_name: &str) -> Option<&'static Registered> {
    ALL_RULES.iter().find(|r| {
        let m = r.meta();
        m.code.eq_ignore_ascii_case(code_or_name) || m.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// The findings of one check, each (place, message) once: several alternatives of a
/// value (one per `Fn::If` branch, per parameter default) can lead to the same finding.
pub struct Distinct<'o> {
    out: &'o mut Vec<Finding>,
    seen: HashSet<(Span, String)>,
}

impl<'o> Distinct<'o> {
    pub fn new(out: &'o mut Vec<Finding>) -> Self {
        Distinct {
            out,
            seen: HashSet::new(),
        }
    }

    /// Adds `finding` unless one with the same span and message is already there.
    pub fn push(&mut self, finding: Finding) {
        if self.seen.insert((finding.span, finding.message.clone())) {
            self.out.push(finding);
        }
    }
}

/// Metadata access, generated by [`declare_rule!`](crate::declare_rule).
pub trait RuleInfo {
    fn meta(&self) -> &'static RuleMeta;
}

pub trait Rule: RuleInfo + Sync {
    /// Reports the rule's findings on one file.
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>);

    /// The rule's options in `.ssmlint.yaml`, when it has any.
    fn options(&self) -> Option<OptionsSpec> {
        None
    }

    /// The severity before overrides (an option may raise it).
    fn default_severity(&self, _settings: &RuleSettings) -> Severity {
        self.meta().severity
    }

    /// Whether the rule's answers rest on the embedded AWS data (managed policies, the
    /// IAM action catalog): `ssmlint explain` then names its version.
    fn uses_aws_data(&self) -> bool {
        false
    }
}

// ---------------------------------------------------------------------------------------
// Rule options

/// What an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    Bool,
    /// A list of strings (a single string counts as a list of one).
    Strings,
}

/// One option of a rule, as documented and validated.
#[derive(Debug, Clone, Copy)]
pub struct OptionKey {
    pub name: &'static str,
    pub kind: OptionKind,
    pub doc: &'static str,
}

/// A value read from the configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    Bool(bool),
    Strings(Vec<String>),
}

/// A rule's typed options: a struct in the rule's file, filled key by key from
/// `.ssmlint.yaml` (keys and kinds already validated against [`RuleOptions::KEYS`]).
pub trait RuleOptions: Any + Send + Sync + Default + Clone {
    const KEYS: &'static [OptionKey];
    fn set(&mut self, key: &str, value: OptionValue);
}

/// Options of one rule, type-erased: the rule reads them back with
/// [`RuleSettings::get`].
type ErasedOptions = Arc<dyn Any + Send + Sync>;

/// The erased form of a rule's [`RuleOptions`], for the engine and the config reader.
#[derive(Clone, Copy)]
pub struct OptionsSpec {
    pub keys: &'static [OptionKey],
    build: fn(&[(String, OptionValue)]) -> ErasedOptions,
}

impl OptionsSpec {
    pub fn of<T: RuleOptions>() -> OptionsSpec {
        OptionsSpec {
            keys: T::KEYS,
            build: |values| {
                let mut options = T::default();
                for (key, value) in values {
                    options.set(key, value.clone());
                }
                Arc::new(options)
            },
        }
    }
}

/// The options of every rule for one run: each rule's typed options, built from the
/// `(key, value)` pairs the configuration gives it.
#[derive(Clone, Default)]
pub struct RuleSettings {
    by_code: HashMap<&'static str, ErasedOptions>,
}

impl std::fmt::Debug for RuleSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut codes: Vec<&&str> = self.by_code.keys().collect();
        codes.sort();
        f.debug_struct("RuleSettings")
            .field("rules", &codes)
            .finish()
    }
}

impl RuleSettings {
    /// Sets the options of the rule `code` from `values` (unknown codes are ignored).
    pub fn set(&mut self, code: &str, values: &[(String, OptionValue)]) {
        let Some(rule) = find_rule(code) else { return };
        if let Some(spec) = rule.options() {
            self.by_code.insert(rule.meta().code, (spec.build)(values));
        }
    }

    /// The options of the rule `code`, or their defaults.
    pub fn get<T: RuleOptions>(&self, code: &str) -> T {
        self.by_code
            .get(code)
            .and_then(|o| o.downcast_ref::<T>())
            .cloned()
            .unwrap_or_default()
    }
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
    (@fix) => { $crate::diagnostic::FixAvailability::None };
    (@fix $fix:ident) => { $crate::diagnostic::FixAvailability::$fix };
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $rule_name:literal,
            category: $category:ident,
            severity: $severity:ident,
            summary: $summary:literal,
            url: $url:literal
            $(, fix: $fix:ident)? $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $name;

        impl $crate::rules::RuleInfo for $name {
            fn meta(&self) -> &'static $crate::diagnostic::RuleMeta {
                static META: $crate::diagnostic::RuleMeta = $crate::diagnostic::RuleMeta {
                    code: $code,
                    name: $rule_name,
                    category: $crate::diagnostic::Category::$category,
                    severity: $crate::diagnostic::Severity::$severity,
                    summary: $summary,
                    docs: concat!($($doc, "\n"),*),
                    url: $url,
                    fix: $crate::declare_rule!(@fix $($fix)?),
                };
                &META
            }
        }
    };
}

/// What a rule sees: the file, what it holds, the evaluator, the semantic model (built
/// once, on first use) and the rules' options.
pub struct Context<'a> {
    pub source: &'a SourceFile,
    pub eval: &'a Evaluator<'a>,
    pub model: &'a Model<'a>,
    pub settings: &'a RuleSettings,
    /// The syntax the file was read in.
    syntax: crate::syntax::Syntax,
    /// Writes the edits of fixes in the file's style (made on first use).
    editor: std::sync::OnceLock<crate::syntax::edit::Editor<'a>>,
}

impl<'a> Context<'a> {
    pub fn new(
        source: &'a SourceFile,
        eval: &'a Evaluator<'a>,
        model: &'a Model<'a>,
        settings: &'a RuleSettings,
    ) -> Self {
        Context {
            source,
            eval,
            model,
            settings,
            syntax: crate::syntax::detect_syntax(&source.text),
            editor: std::sync::OnceLock::new(),
        }
    }

    /// The same context for a file read in `syntax` (the engine knows; [`Context::new`]
    /// guesses from the content).
    #[must_use]
    pub fn with_syntax(mut self, syntax: crate::syntax::Syntax) -> Self {
        self.syntax = syntax;
        self
    }

    /// The template, when the file is one.
    pub fn template(&self) -> Option<&'a Template<'a>> {
        self.model.template()
    }

    /// The resources of the template (none for other files).
    pub fn resources(&self) -> &'a [Resource<'a>] {
        self.template().map_or(&[], |t| t.resources.as_slice())
    }

    /// The resources of the template of one of `types`.
    pub fn resources_of_type<'s>(
        &self,
        types: &'s [&str],
    ) -> impl Iterator<Item = &'a Resource<'a>> + 's
    where
        'a: 's,
    {
        self.template()
            .into_iter()
            .flat_map(|t| t.resources_of_type(types))
    }

    /// A resource of the template.
    pub fn resource(&self, id: &str) -> Option<&'a Resource<'a>> {
        self.template()?.resource(id)
    }

    /// What the file holds.
    pub fn input(&self) -> Input<'a> {
        self.model.input()
    }

    /// The syntax the file is written in, for help snippets.
    pub fn syntax(&self) -> crate::syntax::Syntax {
        self.syntax
    }

    /// Writes edits of this file in its style, for fixes.
    pub fn editor(&self) -> &crate::syntax::edit::Editor<'a> {
        self.editor.get_or_init(|| {
            crate::syntax::edit::Editor::new(
                &self.source.text,
                self.syntax == crate::syntax::Syntax::Json,
            )
        })
    }

    /// The style of the file, for help snippets.
    pub fn style(&self) -> &crate::diagnostic::emit::Style {
        &self.editor().style
    }

    /// Whether `node` is written inside `resource` (not in a parameter's default or a
    /// mapping elsewhere), so that an edit of it changes just that resource.
    pub fn written_in(&self, resource: &Resource<'_>, node: &crate::syntax::Node) -> bool {
        resource.node.span.start() <= node.span.start()
            && node.span.end() <= resource.node.span.end()
    }

    /// The options of the rule `meta`.
    pub fn options<T: RuleOptions>(&self, meta: &RuleMeta) -> T {
        self.settings.get(meta.code)
    }
}

/// A logical id starting with `base` that the template does not use, nor `taken`
/// (`SsmRole`, `SsmRole2`, …), not even a resource that no deployment creates: what a
/// fix or help snippet adds never collides. Index lookups: one per fix stays cheap.
pub fn fresh_id(template: Option<&Template<'_>>, base: &str, taken: &[&str]) -> String {
    let free = |id: &str| {
        template.is_none_or(|t| {
            t.resource(id).is_none() && t.parameter(id).is_none() && !t.is_absent(id)
        }) && !taken.contains(&id)
    };
    if free(base) {
        return base.to_string();
    }
    (2..10_000)
        .map(|n| format!("{base}{n}"))
        .find(|id| free(id))
        .unwrap_or_else(|| format!("{base}Ssmlint"))
}

/// A resource of type `type_name` with `properties`, for a help snippet.
pub fn resource_snippet(
    type_name: &str,
    properties: crate::diagnostic::emit::Snippet,
) -> crate::diagnostic::emit::Snippet {
    use crate::diagnostic::emit::Snippet;
    Snippet::map([
        ("Type", Snippet::str(type_name)),
        ("Properties", properties),
    ])
}

/// A `Parameters` section with the one parameter `id`, for a help snippet whose value
/// only the user can name (a NAT gateway, the security group of the hosts that may
/// connect).
pub fn parameter_snippet(
    id: &str,
    type_name: &str,
    description: &str,
) -> crate::diagnostic::emit::Snippet {
    use crate::diagnostic::emit::Snippet;
    Snippet::map([(
        "Parameters",
        Snippet::map([(
            id,
            Snippet::map([
                ("Type", Snippet::str(type_name)),
                ("Description", Snippet::str(description)),
            ]),
        )]),
    )])
}

/// Labels the `Default` of each parameter a finding rests on, with its value.
pub fn label_defaults(
    mut finding: Finding,
    template: Option<&Template<'_>>,
    defaults: &[&str],
) -> Finding {
    let Some(template) = template else {
        return finding;
    };
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

/// Test support: the findings of the rules `codes` on `text` (a template, policy or
/// session document), with default options.
#[cfg(test)]
pub(crate) fn run(codes: &[&str], text: &str) -> Vec<Finding> {
    use crate::semantic::PolicyFile;
    use crate::template::model::{classify, DocumentKind};
    let source = SourceFile::new("t.yaml", text);
    let root = crate::syntax::parse(text).unwrap_or_else(|e| panic!("{}", e.message));
    let template = Template::new(&root).with_source_text(text);
    let (eval, input) = match classify(&root) {
        DocumentKind::SessionDocument => (Evaluator::plain(), Input::SessionDocument(&root)),
        DocumentKind::Policy { has_principal, .. } => (
            Evaluator::plain(),
            Input::Policy(PolicyFile {
                document: &root,
                has_principal,
            }),
        ),
        _ => (
            Evaluator::new(&template, &HashMap::new()),
            Input::Template(&template),
        ),
    };
    let model = Model::new(input, &eval);
    let settings = RuleSettings::default();
    let cx = Context::new(&source, &eval, &model, &settings);
    let mut out = Vec::new();
    for code in codes {
        let rule = find_rule(code).unwrap_or_else(|| panic!("no rule {code}"));
        if let Some(check) = rule.check() {
            check.check(&cx, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    /// Every action a permission rule asks about is an action of the embedded catalog: a
    /// pattern that matches no catalog action (SSM403) then matches none of the questions
    /// either, so a misspelt action grants (and denies) nothing.
    #[test]
    fn the_permission_rules_ask_about_catalog_actions() {
        let sources = [
            include_str!("../policy/mod.rs"),
            include_str!("identity/ssm103_role_lacks_ssm_permissions.rs"),
            include_str!("logging/ssm306_instance_cannot_write_session_logs.rs"),
            include_str!("logging/ssm307_session_logging_tamperable.rs"),
            include_str!("access/ssm400_start_session_unrestricted.rs"),
            include_str!("access/ssm401_session_control_unscoped.rs"),
        ];
        let catalog = crate::aws_data::actions();
        let mut asked = Vec::new();
        for source in sources {
            // String literals that look like `service:Action`.
            for literal in source.split('"').skip(1).step_by(2) {
                let Some((service, action)) = literal.split_once(':') else {
                    continue;
                };
                let looks_like = !service.is_empty()
                    && service
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && action.starts_with(|c: char| c.is_ascii_uppercase())
                    && action.bytes().all(|b| b.is_ascii_alphanumeric());
                if looks_like {
                    asked.push(literal);
                }
            }
        }
        assert!(asked.len() > 30, "{asked:?}");
        for action in asked {
            assert!(
                catalog.lookup(action).is_some(),
                "{action} is not in the catalog"
            );
        }
    }
}
