//! Session Manager preferences and where session logs go, read once for the SSM30x rules.
//!
//! The preferences are an `AWS::SSM::Document` with `DocumentType: Session` whose content
//! has `sessionType: Standard_Stream` (or, as a standalone input file, that content
//! itself). `Content` may be a mapping, a JSON/YAML string (spans then point into the
//! string when it is a YAML block scalar) or a `!Sub` string. Each logging input is read
//! into its possible values ([`Setting`]), one per `Fn::If` branch, and the log bucket,
//! log group and KMS key are resolved to template resources or external names
//! ([`Dest`]).
//!
//! The permission questions SSM306 and SSM307 ask about the destinations are in
//! [`crate::policy::probes`].

pub use super::link::Link;
use super::Input as FileInput;
use crate::base::{Span, Tri};
use crate::diagnostic::emit::{Snippet, Style};
use crate::policy::refs;
use crate::syntax::{Entry, Items, Node, NodeKind};
use crate::template::eval::{Evaluator, Part, Resolved, Unknown, Value};
use crate::template::model::{Resource, Template};
use crate::template::When;

pub const DOCUMENT: &str = "AWS::SSM::Document";
pub const BUCKET: &str = "AWS::S3::Bucket";
pub const LOG_GROUP: &str = "AWS::Logs::LogGroup";
pub const KEY: &str = "AWS::KMS::Key";
pub const ALIAS: &str = "AWS::KMS::Alias";
/// The name Session Manager reads its preferences from.
pub const DEFAULT_DOCUMENT: &str = "SSM-SessionManagerRunShell";

/// The logging inputs of a preferences document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    S3Bucket,
    S3Prefix,
    S3Encryption,
    CloudWatchGroup,
    CloudWatchEncryption,
    KmsKey,
}

impl Key {
    pub const ALL: [Key; 6] = [
        Key::S3Bucket,
        Key::S3Prefix,
        Key::S3Encryption,
        Key::CloudWatchGroup,
        Key::CloudWatchEncryption,
        Key::KmsKey,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Key::S3Bucket => "s3BucketName",
            Key::S3Prefix => "s3KeyPrefix",
            Key::S3Encryption => "s3EncryptionEnabled",
            Key::CloudWatchGroup => "cloudWatchLogGroupName",
            Key::CloudWatchEncryption => "cloudWatchEncryptionEnabled",
            Key::KmsKey => "kmsKeyId",
        }
    }
}

/// One possible value of a logging input.
#[derive(Debug, Clone)]
pub enum Input<'a> {
    /// Not written, null or `AWS::NoValue`.
    Absent,
    /// An empty (or blank) string: the same as unset.
    Empty,
    Bool(bool),
    /// A literal string or number.
    Text(String),
    /// A string built by `!Sub`/`!Join` with unknown pieces (tokens, see
    /// [`crate::policy::refs`]); `None` when it cannot be rendered.
    Partial(Option<String>),
    /// `Ref`/`Fn::GetAtt` of a template resource.
    Ref {
        resource: &'a Resource<'a>,
        attribute: Option<String>,
    },
    /// `Ref`/`Fn::GetAtt` of a logical id the template does not define.
    Undefined(String),
    /// A value that cannot be known here, and why.
    Unknown(String),
}

impl PartialEq for Input<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (
                Input::Ref {
                    resource: a,
                    attribute: x,
                },
                Input::Ref {
                    resource: b,
                    attribute: y,
                },
            ) => a.id == b.id && x == y,
            (Input::Absent, Input::Absent) | (Input::Empty, Input::Empty) => true,
            (Input::Bool(a), Input::Bool(b)) => a == b,
            (Input::Text(a), Input::Text(b))
            | (Input::Undefined(a), Input::Undefined(b))
            | (Input::Unknown(a), Input::Unknown(b)) => a == b,
            (Input::Partial(a), Input::Partial(b)) => a == b,
            _ => false,
        }
    }
}

/// Whether an input turns its feature on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Unset,
    Set,
    Unknown,
}

impl Input<'_> {
    pub fn state(&self) -> State {
        match self {
            Input::Absent | Input::Empty => State::Unset,
            Input::Unknown(_) => State::Unknown,
            _ => State::Set,
        }
    }

    /// Whether a boolean input is `true` (`true` or `"true"`).
    pub fn is_true(&self) -> Tri {
        match self {
            Input::Bool(b) => Tri::from_bool(*b),
            Input::Text(t) => Tri::from_bool(t.trim().eq_ignore_ascii_case("true")),
            Input::Absent | Input::Empty => Tri::No,
            _ => Tri::Unknown,
        }
    }

    /// The value as written, for messages.
    pub fn describe(&self) -> String {
        match self {
            Input::Absent => "not set".into(),
            Input::Empty => "an empty string".into(),
            Input::Bool(b) => format!("`{b}`"),
            Input::Text(t) => format!("`{t}`"),
            Input::Partial(Some(p)) => format!("`{}`", refs::display(p)),
            Input::Partial(None) => "a partly unknown string".into(),
            Input::Ref {
                resource,
                attribute: None,
            } => format!("`!Ref {}`", resource.id),
            Input::Ref {
                resource,
                attribute: Some(a),
            } => format!("`!GetAtt {}.{a}`", resource.id),
            Input::Undefined(id) => format!("a reference to `{id}`"),
            Input::Unknown(why) => why.clone(),
        }
    }
}

/// One alternative of an input, with the `Fn::If` branches and parameter defaults it rests
/// on.
#[derive(Debug, Clone)]
pub struct Setting<'a> {
    pub input: Input<'a>,
    /// The value; for an absent input, the `inputs` key (or the document).
    pub span: Span,
    pub when: When<'a>,
    pub defaults: Vec<String>,
}

/// A destination a preferences document sets (see [`Preferences::configured`]): its
/// kind, the setting, the branches it rests on (the document's included), where it
/// leads, and its physical name (tokens for unknown pieces).
pub type Configured<'s, 'a> = (DestKind, &'s Setting<'a>, When<'a>, Link<'a>, String);

/// A Session Manager preferences document (`sessionType: Standard_Stream`).
#[derive(Debug)]
pub struct Preferences<'a> {
    /// The `AWS::SSM::Document` (none for a standalone document file).
    pub resource: Option<&'a Resource<'a>>,
    /// Its physical name (tokens for unknown pieces); the default preferences name for a
    /// standalone file.
    pub name: String,
    /// What to point at for the document as a whole: the `inputs` key, else `Content`,
    /// else the resource.
    pub anchor: Span,
    /// `Fn::If` branches of `Content` this alternative rests on.
    pub when: When<'a>,
    settings: [Vec<Setting<'a>>; 6],
}

impl<'a> Preferences<'a> {
    /// The alternatives of `key` (at least one: [`Input::Absent`] when not written).
    #[allow(
        clippy::indexing_slicing,
        reason = "the settings table has one slot per `Key` discriminant"
    )]
    pub fn setting(&self, key: Key) -> &[Setting<'a>] {
        &self.settings[key as usize]
    }

    /// The destinations the document sets, of `kinds` in that order: each alternative
    /// that is set, in the branches it rests on (with the document's), resolved, with
    /// its physical name.
    pub fn configured(&self, eval: &Evaluator<'a>, kinds: &[DestKind]) -> Vec<Configured<'_, 'a>> {
        let mut out = Vec::new();
        for &kind in kinds {
            for setting in self.setting(kind.key()) {
                if setting.input.state() != State::Set {
                    continue;
                }
                let Some(when) = self.when.merge(&setting.when) else {
                    continue;
                };
                let dest = destination(eval, kind, &setting.input);
                let Some(physical) = physical_name(eval, kind, &dest) else {
                    continue;
                };
                out.push((kind, setting, when, dest, physical));
            }
        }
        out
    }

    /// The snippet `inputs` with these values, in the file's style (JSON in a JSON file,
    /// YAML with the file's intrinsics otherwise).
    pub fn inputs_snippet(style: &Style, values: Vec<(&str, Snippet)>) -> String {
        style.show_pair("inputs", &Snippet::map(values))
    }

    /// The qualifiers of a finding on this document under `when`: its own `Condition:`
    /// is named as the resource condition, not as a branch.
    pub fn qualify(&self, when: &When<'_>, defaults: &[&str]) -> String {
        let condition = self.resource.and_then(|r| r.condition);
        let branches: Vec<(&str, bool)> = when
            .iter()
            .filter(|&&(c, b)| !(b && Some(c) == condition))
            .copied()
            .collect();
        crate::template::eval::qualifiers(&branches, condition, defaults)
    }

    /// "the preferences document `Prefs`" / "this preferences document".
    pub fn describe(&self) -> String {
        match self.resource {
            Some(r) => format!("preferences document `{}`", r.id),
            None => "this preferences document".into(),
        }
    }
}

/// The preferences documents of one input file.
#[derive(Debug, Default)]
pub struct Logging<'a> {
    pub documents: Vec<Preferences<'a>>,
    /// A Session document whose type or content cannot be read here.
    pub unknown_documents: bool,
}

impl<'a> Logging<'a> {
    pub fn build(input: FileInput<'a>, eval: &Evaluator<'a>) -> Self {
        let mut logging = Logging::default();
        let template = match input {
            FileInput::Template(template) => template,
            FileInput::SessionDocument(root) => {
                logging.read_standalone(eval, root);
                return logging;
            }
            FileInput::Policy(_) => return logging,
        };
        for resource in template.resources_of_type(&[DOCUMENT]) {
            logging.read_resource(template, eval, resource);
        }
        logging
    }

    /// A standalone preferences document: its content at top level.
    fn read_standalone(&mut self, eval: &Evaluator<'a>, root: &Node) {
        let anchor = root.entry("inputs").map_or(root.span, |e| e.key_span);
        match read_plain(None, eval, root, None, anchor, &When::new()) {
            Some(settings) => self.documents.push(Preferences {
                resource: None,
                name: DEFAULT_DOCUMENT.into(),
                anchor,
                when: When::new(),
                settings,
            }),
            None => self.unknown_documents |= session_type_unknown(root),
        }
    }

    fn read_resource(
        &mut self,
        template: &'a Template<'a>,
        eval: &Evaluator<'a>,
        resource: &'a Resource<'a>,
    ) {
        let types = eval.eval_opt(resource.property("DocumentType"));
        if !types.iter().any(|t| t.value.as_str() == Some("Session")) {
            self.unknown_documents |= types.iter().any(|t| t.value.is_unknown());
            return;
        }
        let Some(content_entry) = resource.property_entry("Content") else {
            return;
        };
        let name = refs::name_of(eval, resource);
        for content in eval.eval(&content_entry.value) {
            // The document only exists under its resource condition.
            let guard = When::of_resource(resource.condition);
            let Some(when) = guard.merge(&content.when) else {
                continue;
            };
            let anchor = content
                .value_node()
                .and_then(|n| n.entry("inputs"))
                .map_or(content_entry.key_span, |e| e.key_span);
            let read = match &content.value {
                Value::Node(node) if node.as_map().is_some() => {
                    let types = eval.field(&content, "sessionType");
                    if !types
                        .iter()
                        .any(|t| t.value.as_str() == Some("Standard_Stream"))
                    {
                        self.unknown_documents |= types.iter().any(|t| t.value.is_unknown());
                        continue;
                    }
                    Some((read_mapping(template, eval, &content, anchor), anchor))
                }
                Value::Str(text) => {
                    self.read_string(template, eval, text, content.node, None, &when)
                }
                Value::Partial(_) => match sub_template(content.node) {
                    Some((raw, vars)) => {
                        self.read_string(template, eval, raw_text(raw), raw, Some(vars), &when)
                    }
                    None => {
                        self.unknown_documents = true;
                        None
                    }
                },
                Value::Unknown(_) => {
                    self.unknown_documents = true;
                    None
                }
                _ => None,
            };
            if let Some((settings, anchor)) = read {
                self.documents.push(Preferences {
                    resource: Some(resource),
                    name: name.clone(),
                    anchor,
                    when,
                    settings,
                });
            }
        }
    }

    /// Content written as a JSON/YAML string (or the text of a `!Sub`).
    fn read_string(
        &mut self,
        template: &'a Template<'a>,
        eval: &Evaluator<'a>,
        text: &str,
        node: &Node,
        sub_vars: Option<Option<&Node>>,
        when: &When<'a>,
    ) -> Option<([Vec<Setting<'a>>; 6], Span)> {
        let Ok(mut parsed) = crate::syntax::parse(text) else {
            self.unknown_documents = true;
            return None;
        };
        let lines = block_lines(template.source_text, node, text);
        let fallback = match &lines {
            Some(lines) => {
                parsed.map_spans(&|offset| crate::policy::map_block_offset(lines, offset));
                None
            }
            None => Some(node.span),
        };
        let anchor = match (fallback, parsed.entry("inputs")) {
            (None, Some(e)) => e.key_span,
            _ => node.span,
        };
        let sub = sub_vars.map(|vars| SubContext { vars });
        let settings = read_plain(Some(template), eval, &parsed, sub, anchor, when);
        if settings.is_none() {
            self.unknown_documents |= session_type_unknown(&parsed);
        }
        // Without a span mapping every place is the string itself.
        settings.map(|mut settings| {
            if let Some(span) = fallback {
                for s in settings.iter_mut().flatten() {
                    s.span = span;
                }
            }
            (settings, anchor)
        })
    }

    /// The VPC endpoint services the configured logging needs besides Systems Manager's
    /// own (`logs`, `s3`, `kms`), for the network rules
    /// (`crate::semantic::network::required_services`).
    pub fn required_endpoints(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        for (key, service) in [
            (Key::CloudWatchGroup, "logs"),
            (Key::S3Bucket, "s3"),
            (Key::KmsKey, "kms"),
        ] {
            let used = self
                .documents
                .iter()
                .any(|p| p.setting(key).iter().any(|s| s.input.state() == State::Set));
            if used {
                out.push(service);
            }
        }
        out
    }

    /// Every preferences document alternative (one per `Content` branch).
    pub fn iter(&self) -> impl Iterator<Item = &Preferences<'a>> {
        self.documents.iter()
    }
}

/// [`crate::policy::block_scalar_lines`], also for a tagged block scalar (`!Sub |`), whose
/// span starts at the tag.
fn block_lines(source: &str, node: &Node, value: &str) -> Option<Vec<(usize, usize)>> {
    let start = node.span.start();
    let rest = source.get(start..node.span.end())?;
    if !rest.starts_with('!') {
        return crate::policy::block_scalar_lines(source, node, value);
    }
    let header = rest.find('\n')?;
    if !rest.get(..header).unwrap_or_default().contains('|') {
        return None;
    }
    let line = rest.get(header + 1..).unwrap_or_default();
    let indent = line.len() - line.trim_start_matches(' ').len();
    let content = Node::new(
        NodeKind::Null,
        Span::new(start + header + 1 + indent, node.span.end()),
    );
    crate::policy::block_scalar_lines(source, &content, value)
}

fn session_type_unknown(root: &Node) -> bool {
    root.get("sessionType")
        .and_then(Node::as_str)
        .is_some_and(|t| t.contains("{{"))
}

/// `Fn::Sub` content: its template string node and its variable map.
fn sub_template(node: &Node) -> Option<(&Node, Option<&Node>)> {
    let (name, arg) = node.as_intrinsic()?;
    if name != "Fn::Sub" {
        return None;
    }
    match &arg.kind {
        NodeKind::String(_) => Some((arg, None)),
        NodeKind::Seq(items) => match &items[..] {
            [text, vars] if text.as_str().is_some() => Some((text, Some(vars))),
            [text] if text.as_str().is_some() => Some((text, None)),
            _ => None,
        },
        _ => None,
    }
}

fn raw_text(node: &Node) -> &str {
    node.as_str().unwrap_or("")
}

/// Strings of a `!Sub` content are substituted one by one.
#[derive(Clone, Copy)]
struct SubContext<'n> {
    vars: Option<&'n Node>,
}

/// Reads the inputs of a content mapping in the template, through the evaluator.
#[allow(
    clippy::indexing_slicing,
    reason = "the settings table has one slot per `Key` discriminant"
)]
fn read_mapping<'a>(
    template: &'a Template<'a>,
    eval: &Evaluator<'a>,
    content: &Resolved<'a>,
    anchor: Span,
) -> [Vec<Setting<'a>>; 6] {
    let mut settings: [Vec<Setting<'a>>; 6] = Default::default();
    let inputs = eval.field(content, "inputs");
    let absent = |when: &When<'a>| Setting {
        input: Input::Absent,
        span: anchor,
        when: when.clone(),
        defaults: Vec::new(),
    };
    if inputs.is_empty() {
        for slot in &mut settings {
            slot.push(absent(&content.when));
        }
        return settings;
    }
    for alt in &inputs {
        for key in Key::ALL {
            let slot = &mut settings[key as usize];
            match &alt.value {
                // Not `eval.field`: an `AWS::NoValue` branch is an absent input to keep.
                Value::Node(n) => match n.get(key.name()) {
                    None => slot.push(absent(&alt.when)),
                    Some(child) => slot.extend(
                        eval.eval(child)
                            .into_iter()
                            .filter_map(|v| v.under(alt))
                            .map(|v| setting_of(Some(template), eval, &v)),
                    ),
                },
                Value::Unknown(_) => slot.push(setting_of(Some(template), eval, alt)),
                _ => slot.push(absent(&alt.when)),
            }
        }
    }
    settings
}

fn setting_of<'a>(
    template: Option<&'a Template<'a>>,
    eval: &Evaluator<'_>,
    r: &Resolved<'a>,
) -> Setting<'a> {
    Setting {
        input: input_of(template, eval, r),
        span: r.node.span,
        when: r.when.clone(),
        defaults: r.defaults.iter().map(|d| d.to_string()).collect(),
    }
}

/// What one evaluated value means as a logging input.
fn input_of<'a>(
    template: Option<&'a Template<'a>>,
    eval: &Evaluator<'_>,
    r: &Resolved<'_>,
) -> Input<'a> {
    match &r.value {
        Value::Null | Value::NoValue => Input::Absent,
        Value::Bool(b) => Input::Bool(*b),
        Value::Str(s) => text_input(s),
        Value::Partial(parts) => match undefined_hole(template, parts) {
            Some(id) => Input::Undefined(id),
            None => Input::Partial(refs::render(eval, &r.value)),
        },
        Value::Ref(reference) => match template.and_then(|t| t.resource(reference.id)) {
            Some(resource) => Input::Ref {
                resource,
                attribute: reference.attribute.as_deref().map(str::to_string),
            },
            None => Input::Undefined(reference.id.to_string()),
        },
        Value::Unknown(Unknown::Undefined(id)) => Input::Undefined(id.clone()),
        Value::Unknown(Unknown::Parameter(p)) => Input::Unknown(match template {
            Some(t) => t.describe_unknown_parameter(p),
            None => format!("parameter `{p}` (no default)"),
        }),
        Value::Unknown(Unknown::ImportValue) => Input::Unknown("an `Fn::ImportValue`".into()),
        Value::Unknown(_) => Input::Unknown("a value that cannot be evaluated".into()),
        Value::Node(_) | Value::List(_) => Input::Unknown("not a string".into()),
    }
}

/// A `${Name}` of a `!Sub` that is neither resource, parameter nor pseudo parameter.
fn undefined_hole(template: Option<&Template<'_>>, parts: &[Part]) -> Option<String> {
    parts.iter().find_map(|p| {
        let Part::Hole(description) = p else {
            return None;
        };
        let inner = description.strip_prefix("${")?.strip_suffix('}')?;
        let id = inner.split('.').next().unwrap_or(inner);
        let known = inner == "…"
            || id.starts_with("AWS::")
            || template.is_some_and(|t| t.resource(id).is_some() || t.parameter(id).is_some());
        (!known).then(|| id.to_string())
    })
}

fn text_input<'a>(s: &str) -> Input<'a> {
    if s.trim().is_empty() {
        Input::Empty
    } else if s.contains("{{") {
        Input::Unknown(format!("`{s}`, filled in when the document is used"))
    } else {
        Input::Text(s.to_string())
    }
}

/// Reads a content tree that is not evaluated by CloudFormation (a standalone document or
/// a string): `None` unless its `sessionType` is `Standard_Stream`.
#[allow(
    clippy::indexing_slicing,
    reason = "the settings table has one slot per `Key` discriminant"
)]
fn read_plain<'a>(
    template: Option<&'a Template<'a>>,
    eval: &Evaluator<'_>,
    root: &Node,
    sub: Option<SubContext<'_>>,
    anchor: Span,
    when: &When<'a>,
) -> Option<[Vec<Setting<'a>>; 6]> {
    if root.get("sessionType").and_then(Node::as_str) != Some("Standard_Stream") {
        return None;
    }
    let inputs = root.get("inputs");
    let mut settings: [Vec<Setting<'a>>; 6] = Default::default();
    for key in Key::ALL {
        let node = inputs.and_then(|i| i.get(key.name()));
        let (input, defaults) = match node {
            None => (Input::Absent, Vec::new()),
            Some(n) => plain_input(template, eval, n, sub),
        };
        settings[key as usize].push(Setting {
            input,
            span: node.map_or(anchor, |n| n.span),
            when: when.clone(),
            defaults,
        });
    }
    Some(settings)
}

fn plain_input<'a>(
    template: Option<&'a Template<'a>>,
    eval: &Evaluator<'_>,
    node: &Node,
    sub: Option<SubContext<'_>>,
) -> (Input<'a>, Vec<String>) {
    match &node.kind {
        NodeKind::Null => (Input::Absent, Vec::new()),
        NodeKind::Bool(b) => (Input::Bool(*b), Vec::new()),
        NodeKind::Number(s) => (text_input(s), Vec::new()),
        NodeKind::String(s) => match sub {
            Some(sub) if s.contains("${") => substitute(template, eval, s, sub, node.span),
            _ => (text_input(s), Vec::new()),
        },
        _ => (Input::Unknown("not a string".into()), Vec::new()),
    }
}

/// Evaluates one string of a `!Sub` content as `!Sub` of that string.
fn substitute<'a>(
    template: Option<&'a Template<'a>>,
    eval: &Evaluator<'_>,
    text: &str,
    sub: SubContext<'_>,
    span: Span,
) -> (Input<'a>, Vec<String>) {
    let string = Node::new(NodeKind::String(text.into()), span);
    let arg = match sub.vars {
        Some(vars) => Node::new(NodeKind::Seq(Items::from([string, vars.clone()])), span),
        None => string,
    };
    let node = Node::new(
        NodeKind::Map(Items::from([Entry {
            key: "Fn::Sub".into(),
            key_span: span,
            value: arg,
        }])),
        span,
    );
    match eval.eval(&node).as_slice() {
        [only] => {
            let input = input_of(template, eval, only);
            (input, only.defaults.iter().map(|d| d.to_string()).collect())
        }
        _ => (
            Input::Unknown("a value that cannot be evaluated".into()),
            Vec::new(),
        ),
    }
}

/// Settings of `key` that can hold together with `when`, each with the merged branches.
pub fn compatible<'s, 'a>(
    prefs: &'s Preferences<'a>,
    key: Key,
    when: &When<'a>,
) -> Vec<(&'s Setting<'a>, When<'a>)> {
    prefs
        .setting(key)
        .iter()
        .filter_map(|s| when.merge(&s.when).map(|w| (s, w)))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Destinations

/// What a log destination input leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DestKind {
    Bucket,
    LogGroup,
    Key,
}

impl DestKind {
    pub fn key(self) -> Key {
        match self {
            DestKind::Bucket => Key::S3Bucket,
            DestKind::LogGroup => Key::CloudWatchGroup,
            DestKind::Key => Key::KmsKey,
        }
    }

    pub fn type_name(self) -> &'static str {
        match self {
            DestKind::Bucket => BUCKET,
            DestKind::LogGroup => LOG_GROUP,
            DestKind::Key => KEY,
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            DestKind::Bucket => "log bucket",
            DestKind::LogGroup => "log group",
            DestKind::Key => "KMS key",
        }
    }
}

/// Resolves a destination input to a resource of the template or an external name.
pub fn destination<'a>(eval: &Evaluator<'a>, kind: DestKind, input: &Input<'a>) -> Link<'a> {
    match input {
        Input::Ref {
            resource,
            attribute,
        } => match (kind, resource.type_name, attribute.as_deref()) {
            (DestKind::Bucket, BUCKET, None)
            | (DestKind::LogGroup, LOG_GROUP, None)
            | (DestKind::Key, KEY, None | Some("Arn" | "KeyId")) => Link::Resource(resource),
            (DestKind::Key, ALIAS, None) => alias_target(eval, resource),
            // kmsKeyId has no mismatch rule: anything else is just not known.
            (DestKind::Key, _, _) => Link::Unknown,
            _ => Link::Wrong {
                resource,
                attribute: attribute.clone(),
            },
        },
        Input::Undefined(id) if kind != DestKind::Key => Link::Undefined(id.clone()),
        Input::Text(name) => {
            by_name(eval, kind, name).unwrap_or_else(|| Link::External(name.clone()))
        }
        Input::Partial(Some(rendered)) => {
            by_name(eval, kind, rendered).unwrap_or_else(|| Link::External(rendered.clone()))
        }
        _ => Link::Unknown,
    }
}

/// A bucket or log group of the template with this physical name, or a key by alias.
fn by_name<'a>(eval: &Evaluator<'a>, kind: DestKind, name: &str) -> Option<Link<'a>> {
    let template = eval.template()?;
    if kind == DestKind::Key {
        let alias = name.rsplit_once(":alias/").map_or(name, |(_, a)| a);
        let alias = alias.strip_prefix("alias/").map(|a| format!("alias/{a}"))?;
        let resource = template
            .resources_of_type(&[ALIAS])
            .find(|a| refs::name_of(eval, a) == alias)?;
        return Some(alias_target(eval, resource));
    }
    let types = [kind.type_name()];
    let found = template
        .resources_of_type(&types)
        .find(|r| refs::name_of(eval, r) == name)?;
    template.resource(found.id).map(Link::Resource)
}

fn alias_target<'a>(eval: &Evaluator<'a>, alias: &'a Resource<'a>) -> Link<'a> {
    let targets = eval.eval_opt(alias.property("TargetKeyId"));
    match targets.as_slice() {
        [one] => match &one.value {
            Value::Ref(r) => match eval.resource(r.id) {
                Some(key) if key.type_name == KEY => Link::Resource(key),
                _ => Link::Unknown,
            },
            Value::Str(id) => Link::External(id.to_string()),
            _ => Link::Unknown,
        },
        _ => Link::Unknown,
    }
}

/// The physical name (or key id / key ARN) of a destination, tokens for unknown pieces.
pub fn physical_name(eval: &Evaluator<'_>, kind: DestKind, dest: &Link<'_>) -> Option<String> {
    match dest {
        Link::Resource(r) if kind == DestKind::Key => Some(refs::token(r.id)),
        Link::Resource(r) => Some(refs::name_of(eval, r)),
        Link::External(name) => Some(name.clone()),
        _ => None,
    }
}

/// The key prefix of the S3 logs compatible with `when`: literal, rendered, or a token.
pub fn s3_prefix<'a>(prefs: &Preferences<'a>, when: &When<'a>) -> String {
    let alternatives = compatible(prefs, Key::S3Prefix, when);
    match alternatives.as_slice() {
        [(s, _)] => match &s.input {
            Input::Absent | Input::Empty => String::new(),
            Input::Text(t) => t.clone(),
            Input::Partial(Some(p)) => p.clone(),
            _ => refs::token("s3KeyPrefix"),
        },
        _ => refs::token("s3KeyPrefix"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::with_model;

    fn text_at(yaml: &str, span: Span) -> &str {
        yaml.get(span.start()..span.end()).unwrap_or("?")
    }

    const PREFS_HEAD: &str = "Resources:\n  Prefs:\n    Type: AWS::SSM::Document\n    Properties:\n      Name: SSM-SessionManagerRunShell\n      DocumentType: Session\n";

    #[test]
    fn content_as_a_mapping_with_if_and_novalue() {
        let yaml = format!("Parameters:\n  P: {{Type: String}}\nConditions:\n  Cw: !Equals [!Ref P, b]\n{PREFS_HEAD}      Content:\n        schemaVersion: '1.0'\n        sessionType: Standard_Stream\n        inputs:\n          s3BucketName: ''\n          cloudWatchLogGroupName: !If [Cw, !Ref Logs, !Ref AWS::NoValue]\n  Logs:\n    Type: AWS::Logs::LogGroup\n");
        with_model(&yaml, |model| {
            let logging = model.logging();
            assert_eq!(logging.documents.len(), 1);
            let prefs = &logging.documents[0];
            assert_eq!(prefs.name, "SSM-SessionManagerRunShell");
            assert_eq!(prefs.setting(Key::S3Bucket)[0].input, Input::Empty);
            let cw = prefs.setting(Key::CloudWatchGroup);
            assert_eq!(cw.len(), 2);
            assert!(matches!(cw[0].input, Input::Ref { resource, .. } if resource.id == "Logs"));
            assert_eq!(cw[0].when, [("Cw", true)]);
            assert_eq!(cw[1].input, Input::Absent);
            assert_eq!(cw[1].when, [("Cw", false)]);
            assert_eq!(text_at(&yaml, prefs.anchor), "inputs");
            assert_eq!(prefs.setting(Key::KmsKey)[0].input, Input::Absent);
        });
    }

    #[test]
    fn a_content_branch_the_resource_condition_excludes_is_dropped() {
        let yaml = "Parameters:\n  P: {Type: String}\nConditions:\n  Prod: !Equals [!Ref P, b]\nResources:\n  Prefs:\n    Type: AWS::SSM::Document\n    Condition: Prod\n    Properties:\n      DocumentType: Session\n      Content: !If\n        - Prod\n        - {sessionType: Standard_Stream, inputs: {s3BucketName: logs}}\n        - {sessionType: Standard_Stream, inputs: {s3BucketName: ''}}\n";
        with_model(yaml, |model| {
            let documents = &model.logging().documents;
            assert_eq!(documents.len(), 1);
            assert_eq!(documents[0].when, [("Prod", true)]);
            assert_eq!(
                documents[0].qualify(&documents[0].when, &[]),
                " (resource condition `Prod`)"
            );
            assert_eq!(model.logging().required_endpoints(), ["s3"]);
        });
    }

    #[test]
    fn content_as_a_json_block_scalar_points_into_the_string() {
        let yaml = format!("{PREFS_HEAD}      Content: |\n        {{\"schemaVersion\": \"1.0\", \"sessionType\": \"Standard_Stream\",\n         \"inputs\": {{\"s3BucketName\": \"my-logs\", \"s3EncryptionEnabled\": true}}}}\n");
        with_model(&yaml, |model| {
            let prefs = &model.logging().documents[0];
            let s3 = &prefs.setting(Key::S3Bucket)[0];
            assert_eq!(s3.input, Input::Text("my-logs".into()));
            assert_eq!(text_at(&yaml, s3.span), "\"my-logs\"");
            assert_eq!(
                prefs.setting(Key::S3Encryption)[0].input.is_true(),
                Tri::Yes
            );
            assert_eq!(text_at(&yaml, prefs.anchor), "\"inputs\"");
        });
    }

    #[test]
    fn content_as_a_json_string_in_json_points_at_the_string() {
        let json = "{\"Resources\": {\"Prefs\": {\"Type\": \"AWS::SSM::Document\", \"Properties\": {\"DocumentType\": \"Session\", \"Content\": \"{\\\"schemaVersion\\\": \\\"1.0\\\", \\\"sessionType\\\": \\\"Standard_Stream\\\", \\\"inputs\\\": {\\\"s3BucketName\\\": \\\"\\\"}}\"}}}}";
        with_model(json, |model| {
            let prefs = &model.logging().documents[0];
            let s3 = &prefs.setting(Key::S3Bucket)[0];
            assert_eq!(s3.input, Input::Empty);
            assert!(text_at(json, s3.span).starts_with("\"{\\\"schemaVersion"));
        });
    }

    #[test]
    fn sub_content_substitutes_each_string() {
        let yaml = format!("{PREFS_HEAD}      Content: !Sub |\n        {{\"schemaVersion\": \"1.0\", \"sessionType\": \"Standard_Stream\",\n         \"inputs\": {{\"s3BucketName\": \"${{Logs}}\", \"s3KeyPrefix\": \"${{AWS::AccountId}}/\"}}}}\n  Logs:\n    Type: AWS::S3::Bucket\n");
        with_model(&yaml, |model| {
            let prefs = &model.logging().documents[0];
            let s3 = &prefs.setting(Key::S3Bucket)[0];
            assert!(matches!(s3.input, Input::Ref { resource, .. } if resource.id == "Logs"));
            assert_eq!(text_at(&yaml, s3.span), "\"${Logs}\"");
            let prefix = s3_prefix(prefs, &When::new());
            assert_eq!(refs::display(&prefix), "${AWS::AccountId}/");
        });
    }

    #[test]
    fn standalone_documents_and_document_parameters() {
        let yaml = "schemaVersion: '1.0'\nsessionType: Standard_Stream\ninputs:\n  s3BucketName: '{{s3BucketName}}'\n  cloudWatchLogGroupName: ''\n";
        with_model(yaml, |model| {
            let prefs = &model.logging().documents[0];
            assert!(prefs.resource.is_none());
            assert_eq!(
                prefs.setting(Key::S3Bucket)[0].input.state(),
                State::Unknown
            );
            assert_eq!(
                prefs.setting(Key::CloudWatchGroup)[0].input.state(),
                State::Unset
            );
        });
        let other = "schemaVersion: '1.0'\nsessionType: InteractiveCommands\nproperties: {}\n";
        with_model(other, |model| assert!(model.logging().documents.is_empty()));
    }

    #[test]
    fn other_session_types_and_document_types_are_not_preferences() {
        let yaml = "Resources:\n  Port:\n    Type: AWS::SSM::Document\n    Properties:\n      DocumentType: Session\n      Content: {schemaVersion: '1.0', sessionType: Port}\n  Cmd:\n    Type: AWS::SSM::Document\n    Properties:\n      Content: {schemaVersion: '2.2', sessionType: Standard_Stream}\n";
        with_model(yaml, |model| {
            assert!(model.logging().documents.is_empty());
            assert!(!model.logging().unknown_documents);
        });
    }

    #[test]
    fn destinations_resolve_by_ref_name_alias_or_stay_external() {
        let yaml = format!("Parameters:\n  Ext: {{Type: String}}\n{PREFS_HEAD}      Content:\n        sessionType: Standard_Stream\n        inputs:\n          s3BucketName: named-logs\n          cloudWatchLogGroupName: !GetAtt Logs.Arn\n          kmsKeyId: alias/sessions\n  Named:\n    Type: AWS::S3::Bucket\n    Properties: {{BucketName: named-logs}}\n  Logs:\n    Type: AWS::Logs::LogGroup\n  Key:\n    Type: AWS::KMS::Key\n  Alias:\n    Type: AWS::KMS::Alias\n    Properties: {{AliasName: alias/sessions, TargetKeyId: !Ref Key}}\n");
        with_model(&yaml, |model| {
            let prefs = &model.logging().documents[0];
            let dest = |kind: DestKind| {
                destination(model.eval(), kind, &prefs.setting(kind.key())[0].input)
            };
            assert!(matches!(dest(DestKind::Bucket), Link::Resource(r) if r.id == "Named"));
            assert!(
                matches!(dest(DestKind::LogGroup), Link::Wrong { resource, attribute: Some(a) } if resource.id == "Logs" && a == "Arn")
            );
            assert!(matches!(dest(DestKind::Key), Link::Resource(r) if r.id == "Key"));
            assert_eq!(
                destination(
                    model.eval(),
                    DestKind::Bucket,
                    &Input::Text("elsewhere".into())
                ),
                Link::External("elsewhere".into())
            );
            assert_eq!(
                destination(
                    model.eval(),
                    DestKind::Bucket,
                    &Input::Undefined("Nope".into())
                ),
                Link::Undefined("Nope".into())
            );
            assert_eq!(
                destination(
                    model.eval(),
                    DestKind::Bucket,
                    &Input::Unknown("parameter `Ext`".into())
                ),
                Link::Unknown
            );
        });
    }
}
