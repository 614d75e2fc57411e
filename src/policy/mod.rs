//! IAM policy documents: statements, wildcard matching and allow/deny decisions.
//!
//! Statements are read from template nodes through the evaluator (so `Fn::If`, `!Sub`
//! and parameter defaults work inside policies) into an owned form, so the same engine
//! serves inline policies, policy resources and the AWS managed policies shipped as data.

pub mod effective;
pub mod managed;

use crate::source::Span;
use crate::template::eval::{Evaluator, Resolved, Value};
use crate::template::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// Three-valued answer: unknowns never raise a violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

/// A list of `Action`/`Resource`/principal patterns, some of which may be unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patterns {
    pub known: Vec<String>,
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
    Template { resource: String },
    /// An AWS managed policy known to the tool.
    Managed { name: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub effect: Effect,
    pub actions: Patterns,
    /// `NotAction` instead of `Action`.
    pub not_action: bool,
    pub resources: Patterns,
    pub not_resource: bool,
    /// `Principal.Service` values (trust policies).
    pub services: Patterns,
    /// `Principal: "*"` or `{"AWS": "*"}`.
    pub principal_anyone: bool,
    pub has_principal: bool,
    /// Condition operators and keys, empty when the statement is unconditional.
    pub condition_keys: Vec<String>,
    pub sid: Option<String>,
    /// The statement node in the template (none for managed policies).
    pub span: Option<Span>,
    /// `Fn::If` branches this statement exists under.
    pub when: Vec<(String, bool)>,
    pub origin: Origin,
}

impl Statement {
    /// Whether the statement covers `action` (ignoring resource and condition).
    pub fn covers_action(&self, action: &str) -> Tri {
        match (self.actions.matches(action), self.not_action) {
            (Tri::Unknown, _) => Tri::Unknown,
            (Tri::Yes, false) | (Tri::No, true) => Tri::Yes,
            _ => Tri::No,
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
        let action_tri = self.covers_action(action);
        if action_tri == Tri::No {
            return Tri::No;
        }
        let resource_tri = self.covers_all_resources();
        if resource_tri == Tri::No {
            return Tri::No;
        }
        if action_tri == Tri::Yes
            && resource_tri == Tri::Yes
            && self.condition_keys.is_empty()
            && self.when.is_empty()
        {
            Tri::Yes
        } else {
            Tri::Unknown
        }
    }
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
pub fn decide(statements: &[Statement], action: &str, sources_unknown: bool) -> Decision {
    let mut deny_maybe = false;
    let mut allow_yes = false;
    let mut allow_maybe = sources_unknown;
    let mut denied_by = Vec::new();
    for (i, st) in statements.iter().enumerate() {
        match (st.effect, st.applies(action)) {
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

/// Case-insensitive match with `*` (any run) and `?` (one character), as IAM does for
/// actions and resource ARNs.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Reads the statements of a policy document node (a mapping with `Statement`, or a
/// JSON string holding one). The flag is true when part of the document is unknown.
pub fn statements_of<'a>(
    eval: &Evaluator<'a>,
    document: &'a Node,
    origin: &Origin,
) -> (Vec<Statement>, bool) {
    let mut out = Vec::new();
    let mut unknown = false;
    for doc in eval.eval(document) {
        match &doc.value {
            Value::Node(_) => {
                for st in eval.items_opt(doc.value_node().and_then(|n| n.get("Statement"))) {
                    let st = Resolved {
                        when: merge_when(&doc, &st),
                        ..st
                    };
                    match read_statement(eval, &st, origin) {
                        Some(s) => out.push(s),
                        None => unknown = true,
                    }
                }
            }
            Value::Str(text) => match crate::template::parse(text) {
                // A document written as a JSON string: read it on its own; its statements
                // point at the string.
                Ok(parsed) => {
                    let (mut sts, u) = managed::statements_of_plain(&parsed, origin);
                    for s in &mut sts {
                        s.span = Some(doc.node.span);
                    }
                    out.extend(sts);
                    unknown |= u;
                }
                Err(_) => unknown = true,
            },
            Value::NoValue | Value::Null => {}
            _ => unknown = true,
        }
    }
    (out, unknown)
}

fn merge_when<'a>(outer: &Resolved<'a>, inner: &Resolved<'a>) -> Vec<(&'a str, bool)> {
    let mut when = inner.when.clone();
    for w in &outer.when {
        if !when.contains(w) {
            when.push(*w);
        }
    }
    when
}

fn read_statement<'a>(
    eval: &Evaluator<'a>,
    st: &Resolved<'a>,
    origin: &Origin,
) -> Option<Statement> {
    let node = st.value_node()?;
    let effect = match eval.field(st, "Effect").as_slice() {
        [e] => match e.value.as_str() {
            Some(s) if s.eq_ignore_ascii_case("allow") => Effect::Allow,
            Some(s) if s.eq_ignore_ascii_case("deny") => Effect::Deny,
            _ => return None,
        },
        _ => return None,
    };
    let (actions, not_action) = match (node.get("Action"), node.get("NotAction")) {
        (Some(_), _) => (patterns(eval, st, "Action"), false),
        (None, Some(_)) => (patterns(eval, st, "NotAction"), true),
        (None, None) => (Patterns::default(), false),
    };
    let (resources, not_resource) = match (node.get("Resource"), node.get("NotResource")) {
        (Some(_), _) => (patterns(eval, st, "Resource"), false),
        (None, Some(_)) => (patterns(eval, st, "NotResource"), true),
        // Trust policies have no Resource: they apply to the role itself.
        (None, None) => (
            Patterns {
                known: vec!["*".into()],
                unknown: false,
            },
            false,
        ),
    };
    let mut services = Patterns::default();
    let mut principal_anyone = false;
    for principal in eval.field(st, "Principal") {
        match &principal.value {
            Value::Str(s) if s == "*" => principal_anyone = true,
            Value::Node(_) => {
                services = patterns(eval, &principal, "Service");
                let aws = patterns(eval, &principal, "AWS");
                principal_anyone |= aws.known.iter().any(|a| a == "*");
            }
            _ => services.unknown = true,
        }
    }
    let condition_keys = node
        .get("Condition")
        .and_then(Node::as_map)
        .map(|ops| {
            ops.iter()
                .flat_map(|op| {
                    op.value
                        .as_map()
                        .unwrap_or_default()
                        .iter()
                        .map(move |k| format!("{}:{}", op.key, k.key))
                })
                .collect()
        })
        .unwrap_or_else(|| {
            // A condition that is not a literal mapping is still a condition.
            node.get("Condition")
                .map(|_| vec!["?".to_string()])
                .unwrap_or_default()
        });
    Some(Statement {
        effect,
        actions,
        not_action,
        resources,
        not_resource,
        services,
        principal_anyone,
        has_principal: node.get("Principal").is_some() || node.get("NotPrincipal").is_some(),
        condition_keys,
        sid: node.get("Sid").and_then(Node::as_str).map(str::to_string),
        span: Some(node.span),
        when: st.when.iter().map(|(c, b)| (c.to_string(), *b)).collect(),
        origin: origin.clone(),
    })
}

/// The string elements of `key` (a string or list), unknown ones flagged.
fn patterns<'a>(eval: &Evaluator<'a>, parent: &Resolved<'a>, key: &str) -> Patterns {
    let mut out = Patterns::default();
    for field in eval.field(parent, key) {
        let items = match &field.value {
            Value::Node(n) if n.as_seq().is_some() => eval.items(n),
            _ => vec![field],
        };
        for item in items {
            match item.value.as_str() {
                Some(s) => out.known.push(s.to_string()),
                None => out.unknown = true,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_case_insensitively() {
        assert!(wildcard_match("ssm:*", "ssm:UpdateInstanceInformation"));
        assert!(wildcard_match(
            "SSMMessages:Open*",
            "ssmmessages:OpenDataChannel"
        ));
        assert!(wildcard_match("*", "anything"));
        assert!(wildcard_match("ssm:Start?ession", "ssm:StartSession"));
        assert!(!wildcard_match("ssm:Get*", "ssm:UpdateInstanceInformation"));
        assert!(wildcard_match("a*b*c", "aXXbYYc"));
        assert!(!wildcard_match("a*b*c", "aXXbYY"));
    }
}
