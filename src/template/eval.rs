//! Intrinsic-function evaluation with three-valued results.
//!
//! [`Evaluator::eval`] turns a node into its possible values ([`Resolved`]): one per
//! `Fn::If` branch, each naming the conditions it rests on and the parameter defaults
//! it used. Anything that cannot be known statically is [`Value::Unknown`], and rules
//! never report a violation on an unknown alone.

use std::borrow::Cow;
use std::collections::HashMap;

use super::model::Template;
use super::sub::{split_sub, SubPiece};
use super::When;
use crate::syntax::{Node, NodeKind};

/// At most this many alternatives are kept per expression; more become unknown.
const MAX_ALTERNATIVES: usize = 32;
/// Guards recursion through nested intrinsics.
const MAX_EVAL_DEPTH: usize = 64;

/// Pseudo parameters with a value that is safe to assume for analysis.
/// `AWS::Partition` stands for any of aws / aws-cn / aws-us-gov: matchers that compare
/// ARNs accept every partition, so "aws" is used as its representative.
fn pseudo_parameter(name: &str) -> Option<Option<&'static str>> {
    Some(match name {
        "AWS::Partition" => Some("aws"),
        "AWS::URLSuffix" => Some("amazonaws.com"),
        "AWS::Region"
        | "AWS::AccountId"
        | "AWS::StackName"
        | "AWS::StackId"
        | "AWS::NotificationARNs" => None,
        _ => return None,
    })
}

/// A piece of a string that is only partly known.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Literal(String),
    /// An unknown piece, described as written (`${AWS::Region}`, `Ref AmiId`).
    Hole(String),
}

/// Why a value is unknown.
#[derive(Debug, Clone, PartialEq)]
pub enum Unknown {
    /// A parameter without default or override.
    Parameter(String),
    /// A pseudo parameter such as `AWS::Region`.
    Pseudo(String),
    ImportValue,
    /// A `Ref`/`GetAtt` of a logical id that is neither resource nor parameter.
    Undefined(String),
    /// An intrinsic the evaluator does not compute (`Fn::GetAZs`, `Fn::Cidr`, …).
    Unevaluated(String),
    /// A value under a preprocessor tag such as `!Rain::Module`.
    Opaque(String),
    /// A value of the wrong shape for its function (the template is invalid there).
    Malformed,
    TooComplex,
}

/// A `Ref` or `Fn::GetAtt` of a resource defined in the template.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceRef<'a> {
    pub id: &'a str,
    /// `None` for `Ref`, the attribute name for `Fn::GetAtt`.
    pub attribute: Option<Cow<'a, str>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    /// `Ref AWS::NoValue`: the property is treated as absent.
    NoValue,
    Bool(bool),
    /// A known string (numbers keep their text).
    Str(Cow<'a, str>),
    /// A string built from known and unknown pieces.
    Partial(Vec<Part>),
    /// A literal mapping or list in the template; navigate with [`Evaluator::field`] and
    /// [`Evaluator::items`].
    Node(&'a Node),
    /// A list computed by an intrinsic (`Fn::Split`, a list parameter).
    List(Vec<Value<'a>>),
    Ref(ResourceRef<'a>),
    Unknown(Unknown),
}

impl<'a> Value<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    pub fn as_ref(&self) -> Option<&ResourceRef<'a>> {
        match self {
            Value::Ref(r) => Some(r),
            _ => None,
        }
    }

    /// Literal prefix and suffix of a known or partial string, for pattern checks
    /// (`arn:aws:iam::aws:policy/X` with an unknown partition still ends in `/X`).
    pub fn string_parts(&self) -> Option<Vec<Part>> {
        match self {
            Value::Str(s) => Some(vec![Part::Literal(s.to_string())]),
            Value::Partial(parts) => Some(parts.clone()),
            _ => None,
        }
    }
}

/// One possible value of an expression, with what it depends on.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved<'a> {
    pub value: Value<'a>,
    /// The node the value was read from (the narrowest span to point at).
    pub node: &'a Node,
    /// The `Fn::If` branches taken to reach this value.
    pub when: When<'a>,
    /// Parameters whose `Default` this value rests on.
    pub defaults: Vec<&'a str>,
}

impl<'a> Resolved<'a> {
    fn new(value: Value<'a>, node: &'a Node) -> Self {
        Resolved {
            value,
            node,
            when: When::new(),
            defaults: Vec::new(),
        }
    }

    /// Combines the provenance of `outer` into `self`; `None` if the branches contradict.
    pub fn under(mut self, outer: &Resolved<'a>) -> Option<Self> {
        merge_provenance(
            &mut self.when,
            &mut self.defaults,
            &outer.when,
            &outer.defaults,
        )
        .then_some(self)
    }

    /// A literal mapping or list of the template, unconditional: the starting point for
    /// reading its fields with [`Evaluator::field`].
    pub fn literal(node: &'a Node) -> Self {
        Resolved::new(Value::Node(node), node)
    }

    /// The literal mapping or list this value is, if it is one.
    pub fn value_node(&self) -> Option<&'a Node> {
        match self.value {
            Value::Node(n) => Some(n),
            _ => None,
        }
    }

    /// "when condition `IsProd` is true" (empty when unconditional).
    pub fn condition_text(&self) -> String {
        describe_conditions(&self.when)
    }
}

/// Adds another value's `Fn::If` branches and parameter defaults to these; false when the
/// branches contradict (the same condition both true and false), so the combination
/// cannot happen.
pub fn merge_provenance<'a>(
    when: &mut When<'a>,
    defaults: &mut Vec<&'a str>,
    other_when: &When<'a>,
    other_defaults: &[&'a str],
) -> bool {
    if !when.merge_from(other_when) {
        return false;
    }
    for d in other_defaults {
        if !defaults.contains(d) {
            defaults.push(d);
        }
    }
    true
}

/// Renders a list of `(condition, branch)` pairs for messages.
pub fn describe_conditions(when: &[(&str, bool)]) -> String {
    super::when::describe(when)
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
    let conditions = describe_conditions(when);
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

/// Evaluates the nodes of one template (or of a document outside any template).
pub struct Evaluator<'a> {
    template: Option<&'a Template<'a>>,
    overrides: HashMap<String, String>,
}

type Alts<'a> = Vec<Resolved<'a>>;

impl<'a> Evaluator<'a> {
    pub fn new(template: &'a Template<'a>, overrides: &HashMap<String, String>) -> Self {
        Evaluator {
            template: Some(template),
            overrides: overrides.clone(),
        }
    }

    /// An evaluator for a document outside any template (a policy file, a managed
    /// policy): every `Ref` and `Fn::GetAtt` is undefined.
    pub fn plain() -> Self {
        Evaluator {
            template: None,
            overrides: HashMap::new(),
        }
    }

    /// The template, when evaluating one.
    pub fn template(&self) -> Option<&'a Template<'a>> {
        self.template
    }

    /// A resource of the template.
    pub fn resource(&self, id: &str) -> Option<&'a super::model::Resource<'a>> {
        self.template?.resource(id)
    }

    /// The text of the template's file ("" outside a template).
    pub fn source_text(&self) -> &'a str {
        self.template.map_or("", |t| t.source_text)
    }

    /// All possible values of a node.
    pub fn eval(&self, node: &'a Node) -> Alts<'a> {
        let mut alts = self.eval_at(node, 0);
        cap(&mut alts, node);
        alts
    }

    /// Evaluates an optional property: absent, null and `AWS::NoValue` give no alternatives.
    pub fn eval_opt(&self, node: Option<&'a Node>) -> Alts<'a> {
        node.map(|n| self.eval(n))
            .unwrap_or_default()
            .into_iter()
            .filter(|r| !matches!(r.value, Value::NoValue | Value::Null))
            .collect()
    }

    /// The elements of a list-valued expression, each with its own alternatives and
    /// provenance. A single non-list value counts as a one-element list (CloudFormation
    /// accepts e.g. `SecurityGroupIngress` as a single mapping); `AWS::NoValue` elements
    /// are dropped.
    pub fn items(&self, node: &'a Node) -> Alts<'a> {
        let mut out = Vec::new();
        for alt in self.eval(node) {
            match &alt.value {
                Value::Node(n) if n.as_seq().is_some() => {
                    for item in n.as_seq().unwrap_or_default() {
                        out.extend(self.eval(item).into_iter().filter_map(|r| r.under(&alt)));
                    }
                }
                Value::List(values) => {
                    for v in values {
                        let r = Resolved {
                            value: v.clone(),
                            ..alt.clone()
                        };
                        out.push(r);
                    }
                }
                Value::NoValue | Value::Null => {}
                _ => out.push(alt),
            }
        }
        out.retain(|r| !matches!(r.value, Value::NoValue));
        out
    }

    /// `items` of an optional property.
    pub fn items_opt(&self, node: Option<&'a Node>) -> Alts<'a> {
        node.map(|n| self.items(n)).unwrap_or_default()
    }

    /// The value of `key` in a mapping-valued alternative, with the provenance carried over.
    /// An unknown parent gives itself back (every key of an unknown mapping is unknown), so
    /// a present-but-unknown result does not mean the key is written.
    pub fn field(&self, parent: &Resolved<'a>, key: &str) -> Alts<'a> {
        match &parent.value {
            Value::Node(n) => match n.get(key) {
                Some(child) => self
                    .eval(child)
                    .into_iter()
                    .filter(|r| !matches!(r.value, Value::NoValue))
                    .filter_map(|r| r.under(parent))
                    .collect(),
                None => Vec::new(),
            },
            Value::Unknown(_) => vec![parent.clone()],
            _ => Vec::new(),
        }
    }

    fn eval_at(&self, node: &'a Node, depth: usize) -> Alts<'a> {
        if depth > MAX_EVAL_DEPTH {
            return vec![Resolved::new(Value::Unknown(Unknown::TooComplex), node)];
        }
        let one = |value| vec![Resolved::new(value, node)];
        match &node.kind {
            NodeKind::Null => one(Value::Null),
            NodeKind::Bool(b) => one(Value::Bool(*b)),
            NodeKind::String(s) | NodeKind::Number(s) => one(Value::Str(Cow::Borrowed(s))),
            NodeKind::Seq(_) => one(Value::Node(node)),
            NodeKind::Opaque { tag, .. } => one(Value::Unknown(Unknown::Opaque(tag.to_string()))),
            NodeKind::Map(_) => match node.as_intrinsic() {
                Some((name, arg)) => self.intrinsic(name, arg, node, depth + 1),
                None => one(Value::Node(node)),
            },
        }
    }

    fn intrinsic(&self, name: &str, arg: &'a Node, node: &'a Node, depth: usize) -> Alts<'a> {
        let one = |value| vec![Resolved::new(value, node)];
        match name {
            "Ref" => match arg.as_str() {
                Some(target) => self.reference(target, node),
                None => one(Value::Unknown(Unknown::Malformed)),
            },
            "Fn::GetAtt" => self.get_att(arg, node, depth),
            "Fn::Sub" => self.sub(arg, node, depth),
            "Fn::Join" => self.join(arg, node, depth),
            "Fn::If" => self.if_(arg, node, depth),
            "Fn::FindInMap" => self.find_in_map(arg, node, depth),
            "Fn::Select" => self.select(arg, node, depth),
            "Fn::Split" => self.split(arg, node, depth),
            "Fn::Base64" => self
                .eval_at(arg, depth)
                .into_iter()
                .map(|r| at(r, node))
                .collect(),
            "Fn::ImportValue" => one(Value::Unknown(Unknown::ImportValue)),
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" | "Condition" => {
                match self.condition_expr(node, depth, &mut Vec::new()) {
                    Some(b) => one(Value::Bool(b)),
                    None => one(Value::Unknown(Unknown::Unevaluated(name.to_string()))),
                }
            }
            other => one(Value::Unknown(Unknown::Unevaluated(other.to_string()))),
        }
    }

    fn reference(&self, target: &'a str, node: &'a Node) -> Alts<'a> {
        let one = |value| vec![Resolved::new(value, node)];
        if target == "AWS::NoValue" {
            return one(Value::NoValue);
        }
        if let Some(pseudo) = pseudo_parameter(target) {
            return one(match pseudo {
                Some(v) => Value::Str(Cow::Borrowed(v)),
                None => Value::Unknown(Unknown::Pseudo(target.to_string())),
            });
        }
        if let Some(resource) = self.resource(target) {
            return one(Value::Ref(ResourceRef {
                id: resource.id,
                attribute: None,
            }));
        }
        let Some(param) = self.template.and_then(|t| t.parameter(target)) else {
            return one(Value::Unknown(Unknown::Undefined(target.to_string())));
        };
        let is_list = param
            .type_name
            .is_some_and(|t| t.starts_with("List<") || t == "CommaDelimitedList");
        if let Some(value) = self.overrides.get(target) {
            return one(param_value(value.clone(), is_list));
        }
        let Some(default) = param.default else {
            return one(Value::Unknown(Unknown::Parameter(target.to_string())));
        };
        let value = match &default.kind {
            NodeKind::String(s) | NodeKind::Number(s) if is_list => {
                param_value(s.to_string(), true)
            }
            NodeKind::String(s) | NodeKind::Number(s) => Value::Str(Cow::Borrowed(s.as_str())),
            NodeKind::Bool(b) => Value::Str(Cow::Owned(b.to_string())),
            NodeKind::Seq(_) => Value::Node(default),
            _ => Value::Unknown(Unknown::Parameter(target.to_string())),
        };
        let mut r = Resolved::new(value, node);
        r.defaults.push(param.name);
        vec![r]
    }

    fn get_att(&self, arg: &'a Node, node: &'a Node, depth: usize) -> Alts<'a> {
        let (id, attr): (&'a str, Alts<'a>) = match &arg.kind {
            NodeKind::String(s) => match s.split_once('.') {
                Some((id, attr)) => (id, vec![Resolved::new(Value::Str(attr.into()), arg)]),
                None => return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)],
            },
            NodeKind::Seq(items) => match items.as_slice() {
                [id, attr] => match id.as_str() {
                    Some(id) => (id, self.eval_at(attr, depth)),
                    None => return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)],
                },
                _ => return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)],
            },
            _ => return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)],
        };
        let Some(resource) = self.resource(id) else {
            return vec![Resolved::new(
                Value::Unknown(Unknown::Undefined(id.to_string())),
                node,
            )];
        };
        attr.into_iter()
            .map(|a| {
                let value = match &a.value {
                    Value::Str(name) => Value::Ref(ResourceRef {
                        id: resource.id,
                        attribute: Some(Cow::Owned(name.to_string())),
                    }),
                    _ => Value::Unknown(Unknown::Unevaluated("Fn::GetAtt".into())),
                };
                Resolved {
                    value,
                    ..at(a, node)
                }
            })
            .collect()
    }

    fn sub(&self, arg: &'a Node, node: &'a Node, depth: usize) -> Alts<'a> {
        let (text, vars): (&'a str, Option<&'a Node>) = match &arg.kind {
            NodeKind::String(s) => (s, None),
            NodeKind::Seq(items) => match items.as_slice() {
                [text, vars] => match text.as_str() {
                    Some(t) => (t, Some(vars)),
                    None => return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)],
                },
                _ => return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)],
            },
            _ => return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)],
        };
        // Each piece of the string as alternatives, then their product.
        let mut pieces: Vec<Alts<'a>> = Vec::new();
        for piece in split_sub(text) {
            pieces.push(match piece {
                SubPiece::Literal(l) => vec![Resolved::new(Value::Str(Cow::Owned(l)), node)],
                SubPiece::Variable(var) => {
                    let from_map = vars.and_then(|v| v.get(var));
                    match from_map {
                        Some(value) => self.eval_at(value, depth),
                        None => match var.split_once('.') {
                            Some((id, attr)) if self.resource(id).is_some() => {
                                match self.resource(id) {
                                    Some(r) => vec![Resolved::new(
                                        Value::Ref(ResourceRef {
                                            id: r.id,
                                            attribute: Some(Cow::Owned(attr.to_string())),
                                        }),
                                        node,
                                    )],
                                    None => Vec::new(),
                                }
                            }
                            _ => self.reference(var, node),
                        },
                    }
                }
            });
        }
        // `!Sub ${Profile}` is just a reference: keep it one, so links still resolve.
        if let [only] = pieces.as_slice() {
            if only.iter().all(|r| matches!(r.value, Value::Ref(_))) {
                return only.iter().cloned().map(|r| at(r, node)).collect();
            }
        }
        concat_product(pieces, node)
    }

    fn join(&self, arg: &'a Node, node: &'a Node, depth: usize) -> Alts<'a> {
        let Some([delimiter, list]) = arg.as_seq().and_then(two) else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        let Some(delimiter) = delimiter.as_scalar() else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        let mut out = Vec::new();
        for list_alt in self.eval_at(list, depth) {
            let elements: Vec<Alts<'a>> = match &list_alt.value {
                Value::Node(n) if n.as_seq().is_some() => n
                    .as_seq()
                    .unwrap_or_default()
                    .iter()
                    .map(|item| self.eval_at(item, depth))
                    .collect(),
                Value::List(values) => values
                    .iter()
                    .map(|v| vec![Resolved::new(v.clone(), node)])
                    .collect(),
                _ => {
                    out.push(Resolved {
                        value: Value::Unknown(Unknown::Unevaluated("Fn::Join".into())),
                        ..at(list_alt, node)
                    });
                    continue;
                }
            };
            let mut pieces = Vec::new();
            for (i, element) in elements.into_iter().enumerate() {
                if i > 0 && !delimiter.is_empty() {
                    pieces.push(vec![Resolved::new(
                        Value::Str(Cow::Owned(delimiter.to_string())),
                        node,
                    )]);
                }
                pieces.push(element);
            }
            out.extend(
                concat_product(pieces, node)
                    .into_iter()
                    .filter_map(|r| r.under(&list_alt)),
            );
        }
        out
    }

    fn if_(&self, arg: &'a Node, node: &'a Node, depth: usize) -> Alts<'a> {
        let Some([cond, yes, no]) = arg.as_seq().and_then(three) else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        let Some(cond) = cond.as_str() else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        let mut out = Vec::new();
        for (branch_node, branch) in [(yes, true), (no, false)] {
            let guard = Resolved {
                when: When::of(cond, branch),
                ..Resolved::new(Value::Null, branch_node)
            };
            out.extend(
                self.eval_at(branch_node, depth)
                    .into_iter()
                    .filter_map(|r| r.under(&guard)),
            );
        }
        out
    }

    fn find_in_map(&self, arg: &'a Node, node: &'a Node, depth: usize) -> Alts<'a> {
        let unknown = |u| vec![Resolved::new(Value::Unknown(u), node)];
        let Some(args) = arg.as_seq() else {
            return unknown(Unknown::Malformed);
        };
        let (Some(map_name), Some(top), Some(second)) = (args.first(), args.get(1), args.get(2))
        else {
            return unknown(Unknown::Malformed);
        };
        let default = args.get(3).and_then(|d| d.get("DefaultValue"));
        let mut out = Vec::new();
        for m in self.eval_at(map_name, depth) {
            for t in self.eval_at(top, depth) {
                for s in self.eval_at(second, depth) {
                    let found = match (m.value.as_str(), t.value.as_str(), s.value.as_str()) {
                        (Some(m), Some(t), Some(s)) => self
                            .template
                            .and_then(|template| template.mappings)
                            .and_then(|maps| maps.get(m))
                            .and_then(|map| map.get(t))
                            .and_then(|entry| entry.get(s))
                            .or(default),
                        _ => None,
                    };
                    let values = match found {
                        Some(found) => self.eval_at(found, depth),
                        None => vec![Resolved::new(
                            Value::Unknown(Unknown::Unevaluated("Fn::FindInMap".into())),
                            node,
                        )],
                    };
                    out.extend(
                        values
                            .into_iter()
                            .filter_map(|v| at(v, node).under(&m)?.under(&t)?.under(&s)),
                    );
                }
            }
        }
        out
    }

    fn select(&self, arg: &'a Node, node: &'a Node, depth: usize) -> Alts<'a> {
        let Some([index, list]) = arg.as_seq().and_then(two) else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        let mut out = Vec::new();
        for i in self.eval_at(index, depth) {
            let Some(n) = i
                .value
                .as_str()
                .and_then(|s| s.trim().parse::<usize>().ok())
            else {
                out.push(Resolved {
                    value: Value::Unknown(Unknown::Unevaluated("Fn::Select".into())),
                    ..at(i, node)
                });
                continue;
            };
            let elements = self.items(list);
            // `items` flattens alternatives; only select when the list is unambiguous.
            let unconditional = elements.iter().all(|e| e.when.is_empty());
            match elements.into_iter().nth(n) {
                Some(e) if unconditional => out.extend(e.under(&i)),
                _ => out.push(Resolved {
                    value: Value::Unknown(Unknown::Unevaluated("Fn::Select".into())),
                    ..at(i, node)
                }),
            }
        }
        out
    }

    fn split(&self, arg: &'a Node, node: &'a Node, depth: usize) -> Alts<'a> {
        let Some([delimiter, text]) = arg.as_seq().and_then(two) else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        let Some(delimiter) = delimiter.as_scalar() else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        self.eval_at(text, depth)
            .into_iter()
            .map(|t| {
                let value = match t.value.as_str() {
                    Some(s) if !delimiter.is_empty() => Value::List(
                        s.split(delimiter.as_ref())
                            .map(|p| Value::Str(Cow::Owned(p.to_string())))
                            .collect(),
                    ),
                    _ => Value::Unknown(Unknown::Unevaluated("Fn::Split".into())),
                };
                Resolved {
                    value,
                    ..at(t, node)
                }
            })
            .collect()
    }

    /// The truth value of a named condition, if it can be known statically.
    pub fn condition(&self, name: &str) -> Option<bool> {
        self.condition_named(name, 0, &mut Vec::new())
    }

    fn condition_named(
        &self,
        name: &str,
        depth: usize,
        visiting: &mut Vec<String>,
    ) -> Option<bool> {
        if visiting.iter().any(|v| v == name) {
            return None;
        }
        let expr = self.template?.conditions?.get(name)?;
        visiting.push(name.to_string());
        let result = self.condition_expr(expr, depth + 1, visiting);
        visiting.pop();
        result
    }

    fn condition_expr(
        &self,
        node: &'a Node,
        depth: usize,
        visiting: &mut Vec<String>,
    ) -> Option<bool> {
        if depth > MAX_EVAL_DEPTH {
            return None;
        }
        let (name, arg) = node.as_intrinsic()?;
        let args = arg.as_seq().unwrap_or_default();
        match name {
            "Condition" => self.condition_named(arg.as_str()?, depth, visiting),
            "Fn::Not" => self
                .condition_expr(args.first()?, depth + 1, visiting)
                .map(|b| !b),
            "Fn::And" | "Fn::Or" => {
                let mut unknown = false;
                for a in args {
                    match self.condition_expr(a, depth + 1, visiting) {
                        Some(b) if b == (name == "Fn::Or") => return Some(b),
                        Some(_) => {}
                        None => unknown = true,
                    }
                }
                (!unknown).then_some(name == "Fn::And")
            }
            "Fn::Equals" => {
                let [a, b] = two(args)?;
                let (a, b) = (self.single_string(a, depth)?, self.single_string(b, depth)?);
                Some(a == b)
            }
            _ => None,
        }
    }

    /// The value of an expression when it has exactly one known string value.
    fn single_string(&self, node: &'a Node, depth: usize) -> Option<String> {
        let alts = self.eval_at(node, depth + 1);
        match alts.as_slice() {
            [only] => only.value.as_str().map(str::to_string),
            _ => None,
        }
    }
}

fn param_value<'a>(text: String, is_list: bool) -> Value<'a> {
    if is_list {
        Value::List(
            text.split(',')
                .map(|s| Value::Str(Cow::Owned(s.trim().to_string())))
                .collect(),
        )
    } else {
        Value::Str(Cow::Owned(text))
    }
}

/// Re-points a resolved value at the node of the expression that produced it.
fn at<'a>(mut r: Resolved<'a>, node: &'a Node) -> Resolved<'a> {
    r.node = node;
    r
}

fn two(items: &[Node]) -> Option<[&Node; 2]> {
    match items {
        [a, b] => Some([a, b]),
        _ => None,
    }
}

fn three(items: &[Node]) -> Option<[&Node; 3]> {
    match items {
        [a, b, c] => Some([a, b, c]),
        _ => None,
    }
}

fn cap<'a>(alts: &mut Alts<'a>, node: &'a Node) {
    if alts.len() > MAX_ALTERNATIVES {
        alts.truncate(MAX_ALTERNATIVES - 1);
        alts.push(Resolved::new(Value::Unknown(Unknown::TooComplex), node));
    }
}

/// The string concatenations of every combination of piece alternatives.
fn concat_product<'a>(pieces: Vec<Alts<'a>>, node: &'a Node) -> Alts<'a> {
    let mut acc: Alts<'a> = vec![Resolved::new(Value::Str(Cow::Borrowed("")), node)];
    for piece in pieces {
        let mut next = Vec::new();
        for left in &acc {
            for right in &piece {
                let Some(combined) = at(right.clone(), node).under(left) else {
                    continue;
                };
                let value = append(&left.value, &right.value, right.node);
                next.push(Resolved { value, ..combined });
            }
        }
        cap(&mut next, node);
        acc = next;
    }
    acc
}

fn append<'a>(left: &Value<'a>, right: &Value<'a>, right_node: &Node) -> Value<'a> {
    let mut parts = match left {
        Value::Str(s) => vec![Part::Literal(s.to_string())],
        Value::Partial(p) => p.clone(),
        other => return other.clone(),
    };
    match right {
        Value::Str(s) => parts.push(Part::Literal(s.to_string())),
        Value::Partial(p) => parts.extend(p.iter().cloned()),
        Value::Null | Value::NoValue => {}
        Value::Bool(b) => parts.push(Part::Literal(b.to_string())),
        other => parts.push(Part::Hole(describe_hole(other, right_node))),
    }
    // Merge neighbouring literals; a fully literal result is a plain string.
    let mut merged: Vec<Part> = Vec::new();
    for part in parts {
        match (merged.last_mut(), part) {
            (Some(Part::Literal(a)), Part::Literal(b)) => a.push_str(&b),
            (_, part) => merged.push(part),
        }
    }
    match merged.as_slice() {
        [] => Value::Str(Cow::Borrowed("")),
        [Part::Literal(s)] => Value::Str(Cow::Owned(s.clone())),
        _ => Value::Partial(merged),
    }
}

fn describe_hole(value: &Value<'_>, _node: &Node) -> String {
    match value {
        Value::Ref(r) => match &r.attribute {
            Some(a) => format!("${{{}.{a}}}", r.id),
            None => format!("${{{}}}", r.id),
        },
        Value::Unknown(Unknown::Parameter(p) | Unknown::Pseudo(p) | Unknown::Undefined(p)) => {
            format!("${{{p}}}")
        }
        _ => "${…}".to_string(),
    }
}

#[cfg(test)]
#[path = "eval_tests.rs"]
mod eval_tests;
