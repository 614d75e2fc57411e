//! IAM policy documents: statements, wildcard matching and allow/deny decisions.
//!
//! Statements are read from template nodes through the evaluator (so `Fn::If`, `!Sub`
//! and parameter defaults work inside policies) into an owned form, so the same engine
//! serves inline policies, policy resources and the AWS managed policies of the embedded
//! data ([`managed`]).

pub mod effective;
pub mod managed;
pub mod probes;
pub mod refs;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{LazyLock, OnceLock};

pub use crate::base::text::wildcard_match;
use crate::base::Span;
pub use crate::base::Tri;
use crate::syntax::{Node, NodeKind, Text};
use crate::template::eval::{Evaluator, Part, Resolved, Value};
use crate::template::When;

/// The actions the SSM Agent needs for Session Manager: registering with Systems Manager
/// and opening the session channels.
pub const SESSION_MANAGER_CORE_ACTIONS: [&str; 5] = [
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// A list of `Action`/`Resource`/principal patterns, some of which may be unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patterns {
    /// Exactly the known patterns: a literal is the template's own text (shared, not
    /// copied), a computed one a text of its own.
    pub known: Box<[Text]>,
    /// Some element could not be evaluated (parameter, import, …).
    pub unknown: bool,
}

impl Patterns {
    /// Whether any pattern matches `text` (case-insensitive wildcards).
    pub fn matches(&self, text: &str) -> Tri {
        if self.known.iter().any(|p| wildcard_match(p, text)) {
            Tri::Yes
        } else if self.unknown {
            Tri::Unknown
        } else {
            Tri::No
        }
    }
}

/// Where a statement came from, for labels and messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// In this template: the resource that holds it.
    /// (Shared texts: every statement of a document carries its origin.)
    Template { resource: crate::syntax::Text },
    /// An AWS managed policy known to the tool.
    Managed { name: crate::syntax::Text },
}

/// One statement of a policy. Statements live as long as the lint of their file (and a
/// managed policy's for the process), thousands at once: what most of them lack is boxed
/// ([`Extra`]), and every list is exactly its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<'a> {
    pub effect: Effect,
    pub actions: Patterns,
    /// `NotAction` instead of `Action`.
    pub not_action: bool,
    pub resources: Patterns,
    pub not_resource: bool,
    /// `Principal`, `Condition` and `Sid`, when the statement has any (trust and resource
    /// policies, conditional statements): most identity statements have none, and keep
    /// one word for them. Read through [`Statement::services`],
    /// [`Statement::condition_keys`] and the other accessors.
    pub extra: Option<Box<Extra>>,
    /// Spans of the `Action`/`NotAction` and `Resource`/`NotResource` values.
    pub action_span: Option<Span>,
    /// The span of each of `actions.known`, in order (none for a managed policy's).
    pub action_spans: Box<[Span]>,
    pub resource_span: Option<Span>,
    /// The statement node in the template (none for managed policies).
    pub span: Option<Span>,
    /// `Fn::If` branches this statement exists under.
    pub when: When<'a>,
    pub origin: Origin,
}

/// The parts of a statement that most identity statements do not have.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extra {
    /// `Principal` values (trust and resource policies).
    pub principals: Principals,
    /// `Principal: "*"` or `{"AWS": "*"}`.
    pub principal_anyone: bool,
    pub has_principal: bool,
    /// `NotPrincipal` instead of `Principal`.
    pub not_principal: bool,
    /// The span of the `Principal`/`NotPrincipal` value.
    pub principal_span: Option<Span>,
    /// Condition operators and keys (`StringLike:ssm:resourceTag/Env`), empty when the
    /// statement is unconditional.
    pub condition_keys: Box<[Text]>,
    /// Some condition value names the caller (`${aws:username}`, `${aws:userid}`).
    pub condition_names_caller: bool,
    pub sid: Option<Text>,
}

/// The principals a statement names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principals {
    /// `Principal.Service` values (trust policies).
    pub services: Patterns,
    /// `Principal.AWS` values (accounts, roles, users).
    pub aws_principals: Patterns,
    /// `Principal.Federated` values (identity providers).
    pub federated: Patterns,
}

/// What a statement without principals names (an empty `Box<[_]>` is not `const`).
static NO_PATTERNS: LazyLock<Patterns> = LazyLock::new(Patterns::default);

/// The empty `When`: what a principal's own statements rest on besides their own.
static NO_CONDITIONS: When<'static> = When::new();

impl Statement<'_> {
    /// `Principal.Service` values (trust policies).
    pub fn services(&self) -> &Patterns {
        self.extra
            .as_ref()
            .map_or(&NO_PATTERNS, |e| &e.principals.services)
    }

    /// `Principal.AWS` values (accounts, roles, users).
    pub fn aws_principals(&self) -> &Patterns {
        self.extra
            .as_ref()
            .map_or(&NO_PATTERNS, |e| &e.principals.aws_principals)
    }

    /// `Principal.Federated` values (identity providers).
    pub fn federated(&self) -> &Patterns {
        self.extra
            .as_ref()
            .map_or(&NO_PATTERNS, |e| &e.principals.federated)
    }

    /// `Principal: "*"` or `{"AWS": "*"}`.
    pub fn principal_anyone(&self) -> bool {
        self.extra.as_ref().is_some_and(|e| e.principal_anyone)
    }

    /// The statement has a `Principal` or a `NotPrincipal`.
    pub fn has_principal(&self) -> bool {
        self.extra.as_ref().is_some_and(|e| e.has_principal)
    }

    /// `NotPrincipal` instead of `Principal`.
    pub fn not_principal(&self) -> bool {
        self.extra.as_ref().is_some_and(|e| e.not_principal)
    }

    /// The span of the `Principal`/`NotPrincipal` value (none when the statement names no
    /// principal, and for a managed policy's).
    pub fn principal_span(&self) -> Option<Span> {
        self.extra.as_ref().and_then(|e| e.principal_span)
    }

    /// Condition operators and keys (`StringLike:ssm:resourceTag/Env`), empty when the
    /// statement is unconditional.
    pub fn condition_keys(&self) -> &[Text] {
        self.extra.as_ref().map_or(&[], |e| &e.condition_keys)
    }

    /// Some condition value names the caller (`${aws:username}`, `${aws:userid}`).
    pub fn condition_names_caller(&self) -> bool {
        self.extra
            .as_ref()
            .is_some_and(|e| e.condition_names_caller)
    }

    /// The `Sid`, when it is a string.
    pub fn sid(&self) -> Option<&str> {
        self.extra.as_ref().and_then(|e| e.sid.as_deref())
    }

    /// The statement on its own, under no `Fn::If` (for documents that have none: managed
    /// policies, documents written as strings).
    pub fn detach(self) -> Statement<'static> {
        Statement {
            effect: self.effect,
            actions: self.actions,
            not_action: self.not_action,
            resources: self.resources,
            not_resource: self.not_resource,
            extra: self.extra,
            action_span: self.action_span,
            action_spans: self.action_spans,
            resource_span: self.resource_span,
            span: self.span,
            when: When::new(),
            origin: self.origin,
        }
    }

    /// The statement without its spans (a managed policy's: they would point into its
    /// document, not into any file of the user's).
    pub fn without_spans(mut self) -> Self {
        self.action_span = None;
        self.resource_span = None;
        self.span = None;
        self.action_spans = Box::default();
        if let Some(extra) = self.extra.as_deref_mut() {
            extra.principal_span = None;
        }
        self
    }

    /// Whether the statement covers `action` (ignoring resource and condition).
    pub fn covers_action(&self, action: &str) -> Tri {
        match (self.actions.matches(action), self.not_action) {
            (Tri::Unknown, _) => Tri::Unknown,
            (Tri::Yes, false) | (Tri::No, true) => Tri::Yes,
            _ => Tri::No,
        }
    }

    /// Whether the statement covers the resource `arn` (wildcards; policy variables such as
    /// `${aws:username}` match any text, since they differ per caller).
    pub fn covers_resource(&self, arn: &str) -> Tri {
        let hit = self
            .resources
            .known
            .iter()
            .any(|p| wildcard_match(&variables_as_wildcards(p), arn));
        match (hit, self.not_resource, self.resources.unknown) {
            (true, false, _) | (false, true, false) => Tri::Yes,
            (true, true, _) | (false, false, false) => Tri::No,
            _ => Tri::Unknown,
        }
    }

    /// Whether the statement applies to every resource (`*`).
    pub fn covers_all_resources(&self) -> Tri {
        if self.not_resource {
            return if self.resources.known.is_empty() && !self.resources.unknown {
                Tri::Yes
            } else {
                Tri::Unknown
            };
        }
        if self.resources.known.iter().any(|r| r == "*") {
            Tri::Yes
        } else if self.resources.known.is_empty() && !self.resources.unknown {
            Tri::No
        } else {
            // A narrower resource may or may not be what the action needs.
            Tri::Unknown
        }
    }

    /// Whether the statement applies to `action` on all resources, unconditionally.
    pub fn applies(&self, action: &str) -> Tri {
        self.applies_in(action, &When::new())
    }

    /// Whether the statement exists when the template's conditions take the values of
    /// `scenario` (`Yes` when it is under no `Fn::If`, `Unknown` when it rests on a
    /// condition the scenario leaves open).
    pub fn exists_in(&self, scenario: &When<'_>) -> Tri {
        self.when.holds_in(scenario)
    }

    /// [`Statement::applies`] with the conditions of `scenario` decided.
    pub fn applies_in(&self, action: &str, scenario: &When<'_>) -> Tri {
        self.applies_to(action, Target::All, scenario)
    }

    /// Whether the statement applies to `action` on `target`, unconditionally, when the
    /// template's conditions take the values of `scenario`.
    pub fn applies_to(&self, action: &str, target: Target<'_>, scenario: &When<'_>) -> Tri {
        self.applies_under(action, target, scenario, &NO_CONDITIONS)
    }

    /// [`Statement::applies_to`] for a statement that reaches the principal under `outer`
    /// as well (the `Fn::If` branches of the managed policy attachment that brings it).
    pub fn applies_under(
        &self,
        action: &str,
        target: Target<'_>,
        scenario: &When<'_>,
        outer: &When<'_>,
    ) -> Tri {
        let exists = self.exists_in(scenario).and(outer.holds_in(scenario));
        if exists == Tri::No {
            return Tri::No;
        }
        let action_tri = self.covers_action(action);
        if action_tri == Tri::No {
            return Tri::No;
        }
        let resource_tri = match target {
            Target::All => self.covers_all_resources(),
            Target::Arn(arn) => self.covers_resource(arn),
        };
        if resource_tri == Tri::No {
            return Tri::No;
        }
        if action_tri == Tri::Yes
            && resource_tri == Tri::Yes
            && self.condition_keys().is_empty()
            && exists == Tri::Yes
        {
            Tri::Yes
        } else {
            Tri::Unknown
        }
    }
}

/// What a question is about: every resource (`*`), or one ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<'t> {
    All,
    Arn(&'t str),
}

/// The outcome of asking whether a set of statements allows an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Explicitly denied, by these statements (indices into the list asked).
    Denied(Vec<usize>),
    NotAllowed,
    Unknown,
}

/// IAM evaluation of `action` on all resources: explicit Deny wins, then Allow.
pub fn decide(statements: &[Statement<'_>], action: &str, sources_unknown: bool) -> Decision {
    decide_in(statements, action, sources_unknown, &When::new())
}

/// [`decide`] with the template conditions of `scenario` decided.
pub fn decide_in(
    statements: &[Statement<'_>],
    action: &str,
    sources_unknown: bool,
    scenario: &When<'_>,
) -> Decision {
    decide_for(statements, action, Target::All, sources_unknown, scenario)
}

/// IAM evaluation of `action` on `target`: explicit Deny wins, then Allow.
pub fn decide_for(
    statements: &[Statement<'_>],
    action: &str,
    target: Target<'_>,
    sources_unknown: bool,
    scenario: &When<'_>,
) -> Decision {
    let none: &When<'_> = &NO_CONDITIONS;
    let entries = statements.iter().map(|st| (st, none));
    decide_over(entries, action, target, sources_unknown, scenario)
}

/// [`decide_for`] over statements that each reach the principal under a `When` of their
/// own besides the statement's (empty for the principal's own statements, the
/// attachment's for a managed policy's). `Denied` lists positions in `entries`.
///
/// `sources_unknown`: some policy could not be read. It is taken to possibly grant, never
/// to deny: an action the known statements allow stays allowed; one they do not becomes
/// unknown.
pub fn decide_over<'s, 'a: 's>(
    entries: impl IntoIterator<Item = (&'s Statement<'a>, &'s When<'a>)>,
    action: &str,
    target: Target<'_>,
    sources_unknown: bool,
    scenario: &When<'_>,
) -> Decision {
    let mut deny_maybe = false;
    let mut allow_yes = false;
    let mut allow_maybe = sources_unknown;
    let mut denied_by = Vec::new();
    for (i, (st, outer)) in entries.into_iter().enumerate() {
        match (st.effect, st.applies_under(action, target, scenario, outer)) {
            (Effect::Deny, Tri::Yes) => denied_by.push(i),
            (Effect::Deny, Tri::Unknown) => deny_maybe = true,
            (Effect::Allow, Tri::Yes) => allow_yes = true,
            (Effect::Allow, Tri::Unknown) => allow_maybe = true,
            (_, Tri::No) => {}
        }
    }
    if !denied_by.is_empty() {
        Decision::Denied(denied_by)
    } else if allow_yes && !deny_maybe {
        Decision::Allowed
    } else if allow_yes || allow_maybe {
        Decision::Unknown
    } else {
        Decision::NotAllowed
    }
}

/// `${aws:username}` and other policy variables become `*` for matching.
pub fn variables_as_wildcards(pattern: &str) -> std::borrow::Cow<'_, str> {
    if !pattern.contains("${") {
        return pattern.into();
    }
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(start) = rest.find("${") {
        out.push_str(rest.get(..start).unwrap_or_default());
        match rest.get(start..).unwrap_or_default().find('}') {
            Some(end) => {
                out.push('*');
                rest = rest.get(start + end + 1..).unwrap_or_default();
            }
            None => {
                out.push_str(rest.get(start..).unwrap_or_default());
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// The statements of one policy document, read once and shared by every analysis that
/// asks for them ([`Documents`]).
#[derive(Debug)]
pub struct Document<'a> {
    pub statements: Vec<Rc<Statement<'a>>>,
    /// Part of the document is unknown.
    pub unknown: bool,
    origin: Origin,
}

/// The policy documents of one file read so far: the identity policies are asked for by
/// the effective permissions of their principal and by the access rules alike, and are
/// read once for both.
#[derive(Debug, Default)]
pub struct Documents<'a> {
    /// (document node address, the branches it rests on) → its statements.
    read: RefCell<HashMap<(usize, When<'a>), Rc<Document<'a>>>>,
}

impl<'a> Documents<'a> {
    /// [`statements_under`], read once per document, branches and origin.
    pub fn statements_under(
        &self,
        eval: &Evaluator<'a>,
        document: &'a Node,
        outer: &When<'a>,
        origin: &Origin,
    ) -> Rc<Document<'a>> {
        let key = (std::ptr::from_ref(document) as usize, outer.clone());
        if let Some(known) = self.read.borrow().get(&key) {
            if known.origin == *origin {
                return Rc::clone(known);
            }
        }
        let (statements, unknown) = statements_under(eval, document, outer, origin);
        // Not `into_iter().map(Rc::new).collect()`: that collects in place, and keeps the
        // allocation sized for whole statements to hold pointers (4 MB on 10,000 roles).
        let mut shared = Vec::with_capacity(statements.len());
        shared.extend(statements.into_iter().map(Rc::new));
        let read = Rc::new(Document {
            statements: shared,
            unknown,
            origin: origin.clone(),
        });
        self.read
            .borrow_mut()
            .entry(key)
            .or_insert_with(|| Rc::clone(&read));
        read
    }
}

/// Reads the statements of a policy document node (a mapping with `Statement`, or a
/// JSON string holding one). The flag is true when part of the document is unknown.
pub fn statements_of<'a>(
    eval: &Evaluator<'a>,
    document: &'a Node,
    origin: &Origin,
) -> (Vec<Statement<'a>>, bool) {
    statements_under(eval, document, &When::new(), origin)
}

/// [`statements_of`] for a document that exists only in the branches `outer` (an inline
/// policy under `Fn::If`): its statements rest on them too.
pub fn statements_under<'a>(
    eval: &Evaluator<'a>,
    document: &'a Node,
    outer: &When<'a>,
    origin: &Origin,
) -> (Vec<Statement<'a>>, bool) {
    let mut out = Vec::new();
    let mut unknown = false;
    for mut doc in eval.eval_under(document, outer) {
        // Alternatives carry only the branches they picked themselves.
        if !doc.when.merge_from(outer) {
            continue;
        }
        match &doc.value {
            Value::Node(_) => {
                for st in eval.items_opt(doc.value_node().and_then(|n| n.get("Statement"))) {
                    // A statement under contradicting branches cannot exist.
                    let Some(when) = st.when.merge(&doc.when) else {
                        continue;
                    };
                    let st = Resolved { when, ..st };
                    match read_statement(eval, &st, origin) {
                        Some(s) => out.push(s),
                        None => unknown = true,
                    }
                }
            }
            Value::Str(text) => match crate::syntax::parse(text) {
                // A document written as a JSON string: read it on its own. In a YAML block
                // scalar its spans are mapped back into the file; otherwise they point at
                // the whole string. Only a mapping is a document: a string that parses to
                // a scalar (`x`, `'"42"'`) would be read as a string document again, and
                // again, without end.
                Ok(mut parsed) if parsed.as_map().is_some() => {
                    let lines = block_scalar_lines(eval.source_text(), doc.node, text);
                    match &lines {
                        Some(lines) => parsed.map_spans(&|offset| map_block_offset(lines, offset)),
                        None => parsed.map_spans(&|_| doc.node.span.start()),
                    }
                    let (mut sts, u) = statements_of_plain(&parsed, origin);
                    for s in &mut sts {
                        if lines.is_none() {
                            s.span = Some(doc.node.span);
                            s.action_span = Some(doc.node.span);
                            s.resource_span = Some(doc.node.span);
                            s.action_spans.fill(doc.node.span);
                            if let Some(extra) = s.extra.as_deref_mut() {
                                extra.principal_span = extra.principal_span.map(|_| doc.node.span);
                            }
                        }
                        s.when = doc.when.clone();
                    }
                    out.extend(sts);
                    unknown |= u;
                }
                Ok(_) | Err(_) => unknown = true,
            },
            Value::NoValue | Value::Null => {}
            _ => unknown = true,
        }
    }
    (out, unknown)
}

/// Statements of a document that holds no intrinsics (managed policies, JSON strings).
pub fn statements_of_plain(document: &Node, origin: &Origin) -> (Vec<Statement<'static>>, bool) {
    let (statements, unknown) = statements_of(&Evaluator::plain(), document, origin);
    (
        statements.into_iter().map(Statement::detach).collect(),
        unknown,
    )
}

/// For a YAML literal block scalar (`|`) holding `value`, the start of each value line
/// paired with the start of its text in the file (after the indentation).
pub(crate) fn block_scalar_lines(
    text: &str,
    node: &Node,
    value: &str,
) -> Option<Vec<(usize, usize)>> {
    // saphyr's span of a block scalar starts at its first content character; the
    // header (`|`, `|-`, `|+`, `|2`) ends the text before it.
    let before = text.get(..node.span.start())?;
    let header = before.trim_end_matches([' ', '\n', '\r']);
    let indicator = header.rsplit([' ', ':', '\n']).next().unwrap_or("");
    if !indicator.starts_with('|') {
        return None;
    }
    let body_start = before.rfind('\n').map_or(0, |i| i + 1);
    let indent = node.span.start() - body_start;
    let body = text.get(body_start..node.span.end().max(body_start))?;
    let mut lines = Vec::new();
    let mut value_offset = 0;
    let mut file_offset = body_start;
    for line in body.split_inclusive('\n') {
        let content = line.get(indent.min(line.len())..).unwrap_or("");
        let trimmed = content.trim_end_matches('\n');
        // Each value line must be the file line minus its indentation (not so after a
        // `Fn::Sub` substitution: then no mapping at all).
        if !value
            .get(value_offset..)
            .is_some_and(|v| v.starts_with(trimmed))
        {
            return None;
        }
        lines.push((value_offset, file_offset + (line.len() - content.len())));
        value_offset += trimmed.len() + 1;
        file_offset += line.len();
        if value_offset >= value.trim_end_matches('\n').len() {
            return Some(lines);
        }
    }
    None
}

pub(crate) fn map_block_offset(lines: &[(usize, usize)], offset: usize) -> usize {
    let index = lines
        .partition_point(|&(v, _)| v <= offset)
        .saturating_sub(1);
    lines.get(index).map_or(offset, |&(v, f)| f + (offset - v))
}

fn read_statement<'a>(
    eval: &Evaluator<'a>,
    st: &Resolved<'a>,
    origin: &Origin,
) -> Option<Statement<'a>> {
    let node = st.value_node()?;
    let effect = match eval.field(st, "Effect").as_slice() {
        [e] => match e.value.as_str() {
            Some(s) if s.eq_ignore_ascii_case("allow") => Effect::Allow,
            Some(s) if s.eq_ignore_ascii_case("deny") => Effect::Deny,
            _ => return None,
        },
        _ => return None,
    };
    let mut action_spans = Vec::new();
    let (actions, not_action) = match (node.get("Action"), node.get("NotAction")) {
        (Some(_), _) => (
            patterns_at(eval, st, "Action", Some(&mut action_spans)),
            false,
        ),
        (None, Some(_)) => (
            patterns_at(eval, st, "NotAction", Some(&mut action_spans)),
            true,
        ),
        (None, None) => (Patterns::default(), false),
    };
    let (resources, not_resource) = match (node.get("Resource"), node.get("NotResource")) {
        (Some(_), _) => (patterns(eval, st, "Resource"), false),
        (None, Some(_)) => (patterns(eval, st, "NotResource"), true),
        // Trust policies have no Resource: they apply to the role itself.
        (None, None) => (
            Patterns {
                known: Box::new([any_resource()]),
                ..Patterns::default()
            },
            false,
        ),
    };
    let mut principals = Principals::default();
    let mut principal_anyone = false;
    let not_principal = node.get("Principal").is_none() && node.get("NotPrincipal").is_some();
    let principal_key = if not_principal {
        "NotPrincipal"
    } else {
        "Principal"
    };
    for principal in eval.field(st, principal_key) {
        match &principal.value {
            Value::Str(s) if s == "*" => principal_anyone = true,
            Value::Node(_) => {
                principals = Principals {
                    services: patterns(eval, &principal, "Service"),
                    aws_principals: patterns(eval, &principal, "AWS"),
                    federated: patterns(eval, &principal, "Federated"),
                };
                principal_anyone |= principals.aws_principals.known.iter().any(|a| a == "*");
            }
            _ => {
                principals.services.unknown = true;
                principals.aws_principals.unknown = true;
            }
        }
    }
    let condition_keys: Box<[Text]> = match node.get("Condition") {
        Some(condition) => match condition.as_map() {
            Some(ops) => ops
                .iter()
                .flat_map(|op| {
                    op.value
                        .as_map()
                        .unwrap_or_default()
                        .iter()
                        .map(move |k| Text::from(format!("{}:{}", &*op.key, &*k.key)))
                })
                .collect(),
            // A condition that is not a literal mapping is still a condition.
            None => Box::new([Text::from("?")]),
        },
        None => Box::default(),
    };
    let span_of = |keys: [&str; 2]| keys.iter().find_map(|k| node.get(k)).map(|n| n.span);
    let extra = Extra {
        principals,
        principal_anyone,
        has_principal: node.get("Principal").is_some() || node.get("NotPrincipal").is_some(),
        not_principal,
        principal_span: span_of(["Principal", "NotPrincipal"]),
        condition_keys,
        condition_names_caller: node.get("Condition").is_some_and(names_caller),
        sid: node.get("Sid").and_then(|sid| match &sid.kind {
            NodeKind::String(text) => Some(text.clone()),
            _ => None,
        }),
    };
    Some(Statement {
        effect,
        actions,
        not_action,
        resources,
        not_resource,
        extra: (extra != Extra::default()).then(|| Box::new(extra)),
        action_span: span_of(["Action", "NotAction"]),
        action_spans: action_spans.into_boxed_slice(),
        resource_span: span_of(["Resource", "NotResource"]),
        span: Some(node.span),
        when: st.when.clone(),
        origin: origin.clone(),
    })
}

/// `*`, the resource of a statement that names none (a trust policy's), one text for all
/// of them.
fn any_resource() -> Text {
    static ANY: OnceLock<Text> = OnceLock::new();
    ANY.get_or_init(|| Text::from("*")).clone()
}

/// The text of a known string read from `node`: the tree's own when `node` is the
/// literal that holds it (shared, no copy), a new one when it was computed (`!Sub`, a
/// parameter's default).
fn text_at(node: &Node, value: &str) -> Text {
    match &node.kind {
        NodeKind::String(text) | NodeKind::Number(text) if **text == *value => text.clone(),
        _ => Text::from(value),
    }
}

/// An ARN whose only unknown pieces are its partition, region or account
/// (`arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*`) names the same
/// resources wherever the stack is deployed: read those pieces as `*`. An unknown piece
/// in the resource part (`instance/${InstanceId}`) stays unknown.
fn arn_with_unknown_scope(parts: &[Part]) -> Option<String> {
    const HOLE: char = '\u{0}';
    let text: String = parts
        .iter()
        .map(|p| match p {
            Part::Literal(l) => l.clone(),
            Part::Hole(_) => HOLE.to_string(),
        })
        .collect();
    let fields: Vec<&str> = text.splitn(6, ':').collect();
    let [arn, scope @ .., resource] = fields.as_slice() else {
        return None;
    };
    if *arn != "arn" || scope.len() != 4 || resource.contains(HOLE) {
        return None;
    }
    Some(text.replace(HOLE, "*"))
}

/// Whether any string under `node` mentions the calling user (`${aws:username}`,
/// `${aws:userid}`).
fn names_caller(node: &Node) -> bool {
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        match &n.kind {
            crate::syntax::NodeKind::String(s) => {
                let s = s.to_ascii_lowercase();
                if s.contains("${aws:username}") || s.contains("${aws:userid}") {
                    return true;
                }
            }
            crate::syntax::NodeKind::Seq(items) => todo.extend(items),
            crate::syntax::NodeKind::Map(entries) => todo.extend(entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    false
}

/// The string elements of `key` (a string or list), unknown ones flagged. In `Resource`
/// and `NotResource`, an element that refers to template resources or parameters is kept
/// as a pattern with tokens ([`refs`]): it matches questions asked about the same
/// resource; one that rests on a parameter also stays unknown for every other question.
fn patterns<'a>(eval: &Evaluator<'a>, parent: &Resolved<'a>, key: &str) -> Patterns {
    patterns_at(eval, parent, key, None)
}

/// [`patterns`], and the span of each known element in `spans`.
fn patterns_at<'a>(
    eval: &Evaluator<'a>,
    parent: &Resolved<'a>,
    key: &str,
    mut spans: Option<&mut Vec<Span>>,
) -> Patterns {
    let resource_key = matches!(key, "Resource" | "NotResource");
    let mut known = Vec::new();
    let mut unknown = false;
    for field in eval.field(parent, key) {
        let items = match &field.value {
            Value::Node(n) if n.as_seq().is_some() => eval.items(n),
            _ => vec![field],
        };
        // Room for every item at once: statements live for the whole lint, and the lists
        // are cut to their length below.
        known.reserve_exact(items.len());
        if let Some(spans) = spans.as_deref_mut() {
            spans.reserve_exact(items.len());
        }
        for item in items {
            let text = match &item.value {
                Value::Str(s) => Some(text_at(item.node, s)),
                Value::Partial(parts) => arn_with_unknown_scope(parts).map(Text::from),
                _ => None,
            };
            if let Some(text) = text {
                known.push(text);
                if let Some(spans) = spans.as_deref_mut() {
                    spans.push(item.node.span);
                }
                continue;
            }
            match resource_key
                .then(|| refs::render(eval, &item.value))
                .flatten()
            {
                // A generated name is no literal's: only an open token stays unknown.
                Some(pattern) => {
                    unknown |= refs::is_open(&pattern);
                    known.push(Text::from(pattern));
                }
                None => unknown = true,
            }
        }
    }
    Patterns {
        known: known.into_boxed_slice(),
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::template::model::Template;

    /// Statements are held by the ten thousand (three per role of a large template, and
    /// the trust statements): what most lack is boxed, every list is exact.
    #[test]
    fn a_statement_stays_small() {
        assert_eq!(std::mem::size_of::<Statement<'static>>(), 152);
        assert_eq!(std::mem::size_of::<Patterns>(), 24);
    }

    #[test]
    fn literal_patterns_share_the_text_of_the_tree() {
        let yaml = "Statement:\n  - Effect: Allow\n    Sid: Read\n    Action: [s3:GetObject, !Sub 's3:${AWS::Partition}']\n    Resource: arn:aws:s3:::bucket/*\n";
        let root = crate::syntax::parse(yaml).unwrap_or_else(|e| panic!("{}", e.message));
        let template = Template::new(&root).with_source_text(yaml);
        let eval = Evaluator::new(&template, &HashMap::new());
        let origin = Origin::Template {
            resource: "R".into(),
        };
        let (statements, unknown) = statements_of(&eval, &root, &origin);
        assert!(!unknown);
        let [st] = statements.as_slice() else {
            panic!("{statements:?}")
        };
        let node = root.get("Statement").and_then(Node::as_seq).unwrap()[0].clone();
        let tree_text = |key: &str| match &node.get(key).unwrap().kind {
            NodeKind::String(t) => t.as_ptr(),
            NodeKind::Seq(items) => match &items[0].kind {
                NodeKind::String(t) => t.as_ptr(),
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        };
        assert_eq!(*st.actions.known, ["s3:GetObject", "s3:aws"]);
        assert_eq!(st.actions.known[0].as_ptr(), tree_text("Action"));
        assert_eq!(st.resources.known[0].as_ptr(), tree_text("Resource"));
        assert_eq!(st.sid().map(str::as_ptr), Some(tree_text("Sid")));
        assert_eq!(st.action_spans.len(), 2);
        assert!(st.principal_span().is_none() && st.condition_keys().is_empty());
    }
}
