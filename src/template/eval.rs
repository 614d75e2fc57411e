//! Intrinsic-function evaluation with three-valued results.
//!
//! [`Evaluator::eval`] turns a node into its possible values ([`Resolved`]): one per
//! `Fn::If` branch, each naming the conditions it rests on and the parameter defaults
//! it used. Anything that cannot be known statically is [`Value::Unknown`], and rules
//! never report a violation on an unknown alone.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{HashMap, HashSet};

use super::conditions::ParameterValue;
use super::model::Template;
use super::sub::{split_sub, SubPiece};
use super::When;
use crate::base::Tri;
use crate::syntax::{Node, NodeKind};

/// At most this many alternatives are kept per expression; more become unknown.
const MAX_ALTERNATIVES: usize = 32;
/// Guards recursion through nested intrinsics.
const MAX_EVAL_DEPTH: usize = 64;
/// Units of work one public call of the evaluator may spend (node visits and the
/// combinations of products); past it the value is unknown.
const FUEL: usize = 20_000;

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
    /// A resource whose `Condition:` the given parameters rule out.
    Absent(String),
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

// Debug for the analyses that hold one; its caches are not worth printing.
impl std::fmt::Debug for Evaluator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Evaluator").finish_non_exhaustive()
    }
}

/// Evaluates the nodes of one template (or of a document outside any template).
///
/// Evaluation is branch-aware: inside the `yes` branch of `!If [C, yes, no]` the
/// template's conditions are taken to make `C` true, so a branch the other branches (or
/// the resource's own `Condition:`) rule out is not evaluated, a condition they settle
/// takes one branch only, and a parameter reads as what the branch implies (not a default
/// the branch rules out). Each public call has a budget of work; past it the value is
/// [`Unknown::TooComplex`].
pub struct Evaluator<'a> {
    template: Option<&'a Template<'a>>,
    overrides: HashMap<String, String>,
    /// Work left in the current public call.
    fuel: Cell<usize>,
    /// Some value was cut short (too many alternatives, or the budget ran out).
    capped: Cell<bool>,
}

/// Where an evaluation is: how deep in nested intrinsics, and the branches taken to get
/// here (with the resource's own condition).
#[derive(Clone, Copy)]
struct At<'c, 'a> {
    depth: usize,
    when: &'c When<'a>,
}

impl<'c, 'a> At<'c, 'a> {
    fn deeper(self) -> Self {
        At {
            depth: self.depth + 1,
            ..self
        }
    }
}

type Alts<'a> = Vec<Resolved<'a>>;

impl<'a> Evaluator<'a> {
    pub fn new(template: &'a Template<'a>, overrides: &HashMap<String, String>) -> Self {
        Evaluator {
            template: Some(template),
            overrides: overrides.clone(),
            fuel: Cell::new(FUEL),
            capped: Cell::new(false),
        }
    }

    /// An evaluator for a document outside any template (a policy file, a managed
    /// policy): every `Ref` and `Fn::GetAtt` is undefined.
    pub fn plain() -> Self {
        Evaluator {
            template: None,
            overrides: HashMap::new(),
            fuel: Cell::new(FUEL),
            capped: Cell::new(false),
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

    /// Whether some value was cut short: more alternatives than are kept, or more work
    /// than one value may take (the answers that rest on it are unknown).
    pub fn capped(&self) -> bool {
        self.capped.get() || self.template.is_some_and(|t| t.logic().capped())
    }

    /// Whether the conditions can take the values of `when` together.
    pub fn possible(&self, when: &When<'_>) -> Tri {
        match self.template {
            Some(t) => t.logic().possible(when),
            None => Tri::Yes,
        }
    }

    /// The branches a node rests on before any `Fn::If`: its resource's `Condition:`.
    fn base_when(&self, node: &Node) -> When<'a> {
        let condition = self
            .template
            .and_then(|t| t.resource_at(node.span.start()))
            .and_then(|r| r.condition);
        When::of_resource(condition)
    }

    /// Starts a public call: a fresh budget.
    fn start(&self) {
        self.fuel.set(FUEL);
    }

    /// Spends one unit of work; false when the budget is spent.
    fn spend(&self) -> bool {
        match self.fuel.get().checked_sub(1) {
            Some(left) => {
                self.fuel.set(left);
                true
            }
            None => {
                self.capped.set(true);
                false
            }
        }
    }

    /// All possible values of a node.
    pub fn eval(&self, node: &'a Node) -> Alts<'a> {
        self.start();
        let when = self.base_when(node);
        self.eval_root(node, &when)
    }

    /// The possible values of a node in the branches `when` (an alternative's own
    /// provenance, say), on top of its resource's condition.
    pub fn eval_under(&self, node: &'a Node, when: &When<'a>) -> Alts<'a> {
        self.start();
        let mut under = self.base_when(node);
        if !under.merge_from(when) {
            return Vec::new();
        }
        self.eval_root(node, &under)
    }

    fn eval_root(&self, node: &'a Node, when: &When<'a>) -> Alts<'a> {
        let mut alts = self.eval_at(node, At { depth: 0, when });
        self.cap(&mut alts, node);
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
        self.start();
        let when = self.base_when(node);
        self.items_at(
            node,
            At {
                depth: 0,
                when: &when,
            },
        )
    }

    fn items_at(&self, node: &'a Node, at: At<'_, 'a>) -> Alts<'a> {
        let mut out = Vec::new();
        let mut list = self.eval_at(node, at);
        self.cap(&mut list, node);
        for alt in list {
            match &alt.value {
                Value::Node(n) if n.as_seq().is_some() => {
                    let Some(under) = at.when.merge(&alt.when) else {
                        continue;
                    };
                    for item in n.as_seq().unwrap_or_default() {
                        let mut values = self.eval_at(item, At { when: &under, ..at });
                        self.cap(&mut values, item);
                        out.extend(values.into_iter().filter_map(|r| r.under(&alt)));
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

    /// The value of `key` in a mapping-valued alternative, with the provenance carried over
    /// (and evaluated in the branches the parent rests on). An unknown parent gives itself
    /// back (every key of an unknown mapping is unknown), so a present-but-unknown result
    /// does not mean the key is written.
    pub fn field(&self, parent: &Resolved<'a>, key: &str) -> Alts<'a> {
        match &parent.value {
            Value::Node(n) => match n.get(key) {
                Some(child) => self
                    .eval_under(child, &parent.when)
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

    fn eval_at(&self, node: &'a Node, at: At<'_, 'a>) -> Alts<'a> {
        if at.depth > MAX_EVAL_DEPTH || !self.spend() {
            self.capped.set(true);
            return vec![Resolved::new(Value::Unknown(Unknown::TooComplex), node)];
        }
        let one = |value| vec![Resolved::new(value, node)];
        match &node.kind {
            NodeKind::Null => one(Value::Null),
            NodeKind::Bool(b) => one(Value::Bool(*b)),
            NodeKind::String(s) | NodeKind::Number(s) => one(Value::Str(Cow::Borrowed(s))),
            NodeKind::Seq(_) => one(Value::Node(node)),
            NodeKind::Opaque(tagged) => {
                one(Value::Unknown(Unknown::Opaque(tagged.tag.to_string())))
            }
            NodeKind::Map(_) => match node.as_intrinsic() {
                Some((name, arg)) => self.intrinsic(name, arg, node, at.deeper()),
                None => one(Value::Node(node)),
            },
        }
    }

    fn intrinsic(&self, name: &str, arg: &'a Node, node: &'a Node, at: At<'_, 'a>) -> Alts<'a> {
        let one = |value| vec![Resolved::new(value, node)];
        match name {
            "Ref" => match arg.as_str() {
                Some(target) => self.reference(target, node, at),
                None => one(Value::Unknown(Unknown::Malformed)),
            },
            "Fn::GetAtt" => self.get_att(arg, node, at),
            "Fn::Sub" => self.sub(arg, node, at),
            "Fn::Join" => self.join(arg, node, at),
            "Fn::If" => self.if_(arg, node, at),
            "Fn::FindInMap" => self.find_in_map(arg, node, at),
            "Fn::Select" => self.select(arg, node, at),
            "Fn::Split" => self.split(arg, node, at),
            "Fn::Base64" => self
                .eval_at(arg, at)
                .into_iter()
                .map(|r| at_node(r, node))
                .collect(),
            "Fn::ImportValue" => one(Value::Unknown(Unknown::ImportValue)),
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" | "Condition" => {
                match self.condition_expr(node, at, &mut Vec::new()) {
                    Some(b) => one(Value::Bool(b)),
                    None => one(Value::Unknown(Unknown::Unevaluated(name.to_string()))),
                }
            }
            other => one(Value::Unknown(Unknown::Unevaluated(other.to_string()))),
        }
    }

    fn reference(&self, target: &'a str, node: &'a Node, at: At<'_, 'a>) -> Alts<'a> {
        let one = |value| vec![Resolved::new(value, node)];
        if target == "AWS::NoValue" {
            return one(Value::NoValue);
        }
        if let Some(pseudo) = pseudo_parameter(target) {
            return one(match pseudo {
                Some(v) => Value::Str(Cow::Borrowed(v)),
                None => match self.implied(target, None, at) {
                    Some(v) => Value::Str(Cow::Borrowed(v)),
                    None => Value::Unknown(Unknown::Pseudo(target.to_string())),
                },
            });
        }
        if let Some(resource) = self.resource(target) {
            return one(Value::Ref(ResourceRef {
                id: resource.id,
                attribute: None,
            }));
        }
        let Some(template) = self.template else {
            return one(Value::Unknown(Unknown::Undefined(target.to_string())));
        };
        if template.is_absent(target) {
            return one(Value::Unknown(Unknown::Absent(target.to_string())));
        }
        let Some(param) = template.parameter(target) else {
            return one(Value::Unknown(Unknown::Undefined(target.to_string())));
        };
        let is_list = param
            .type_name
            .is_some_and(|t| t.starts_with("List<") || t == "CommaDelimitedList");
        if let Some(value) = self.overrides.get(target) {
            return one(param_value(value.clone(), is_list));
        }
        let default_text = param.default.and_then(|d| match &d.kind {
            NodeKind::String(s) | NodeKind::Number(s) => Some(s.as_str()),
            NodeKind::Bool(true) => Some("true"),
            NodeKind::Bool(false) => Some("false"),
            _ => None,
        });
        // What the branches taken imply about the parameter comes first: a default they
        // rule out is not its value.
        if !is_list {
            match template.logic().parameter(target, default_text, at.when) {
                ParameterValue::Free => {}
                ParameterValue::Exactly(v) => return one(Value::Str(Cow::Owned(v.to_string()))),
                ParameterValue::NotTheDefault => {
                    return one(Value::Unknown(Unknown::Parameter(target.to_string())))
                }
            }
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

    /// The one value the branches of `at` leave a pseudo parameter (`AWS::Region` under
    /// `IsUsEast1`), if they leave one.
    fn implied(&self, name: &str, default: Option<&str>, at: At<'_, 'a>) -> Option<&'a str> {
        match self.template?.logic().parameter(name, default, at.when) {
            ParameterValue::Exactly(v) => Some(v),
            _ => None,
        }
    }

    fn get_att(&self, arg: &'a Node, node: &'a Node, at: At<'_, 'a>) -> Alts<'a> {
        let (id, attr): (&'a str, Alts<'a>) = match &arg.kind {
            NodeKind::String(s) => match s.split_once('.') {
                Some((id, attr)) => (id, vec![Resolved::new(Value::Str(attr.into()), arg)]),
                None => return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)],
            },
            NodeKind::Seq(items) => match &items[..] {
                [id, attr] => match id.as_str() {
                    Some(id) => (id, self.eval_at(attr, at)),
                    None => return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)],
                },
                _ => return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)],
            },
            _ => return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)],
        };
        let Some(resource) = self.resource(id) else {
            let why = match self.template {
                Some(t) if t.is_absent(id) => Unknown::Absent(id.to_string()),
                _ => Unknown::Undefined(id.to_string()),
            };
            return vec![Resolved::new(Value::Unknown(why), node)];
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
                    ..at_node(a, node)
                }
            })
            .collect()
    }

    fn sub(&self, arg: &'a Node, node: &'a Node, at: At<'_, 'a>) -> Alts<'a> {
        let (text, vars): (&'a str, Option<&'a Node>) = match &arg.kind {
            NodeKind::String(s) => (s, None),
            NodeKind::Seq(items) => match &items[..] {
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
                        Some(value) => self.eval_at(value, at),
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
                            _ => self.reference(var, node, at),
                        },
                    }
                }
            });
        }
        // `!Sub ${Profile}` is just a reference: keep it one, so links still resolve.
        if let [only] = pieces.as_slice() {
            if only.iter().all(|r| matches!(r.value, Value::Ref(_))) {
                return only.iter().cloned().map(|r| at_node(r, node)).collect();
            }
        }
        self.concat_product(pieces, node)
    }

    fn join(&self, arg: &'a Node, node: &'a Node, at: At<'_, 'a>) -> Alts<'a> {
        let Some([delimiter, list]) = arg.as_seq().and_then(two) else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        let Some(delimiter) = delimiter.as_scalar() else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        let mut out = Vec::new();
        for list_alt in self.eval_at(list, at) {
            let Some(under) = at.when.merge(&list_alt.when) else {
                continue;
            };
            let elements: Vec<Alts<'a>> = match &list_alt.value {
                Value::Node(n) if n.as_seq().is_some() => n
                    .as_seq()
                    .unwrap_or_default()
                    .iter()
                    .map(|item| self.eval_at(item, At { when: &under, ..at }))
                    .collect(),
                Value::List(values) => values
                    .iter()
                    .map(|v| vec![Resolved::new(v.clone(), node)])
                    .collect(),
                _ => {
                    out.push(Resolved {
                        value: Value::Unknown(Unknown::Unevaluated("Fn::Join".into())),
                        ..at_node(list_alt, node)
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
                self.concat_product(pieces, node)
                    .into_iter()
                    .filter_map(|r| r.under(&list_alt)),
            );
        }
        out
    }

    fn if_(&self, arg: &'a Node, node: &'a Node, at: At<'_, 'a>) -> Alts<'a> {
        let Some([cond, yes, no]) = arg.as_seq().and_then(three) else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        let Some(cond) = cond.as_str() else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        // Each branch that can happen given the branches taken so far; a condition they
        // settle takes its branch without naming it.
        let can = |value: bool| {
            let mut w = at.when.clone();
            (w.insert(cond, value) && self.possible(&w) != Tri::No).then_some(w)
        };
        let branches = [(yes, true, can(true)), (no, false, can(false))];
        let both = branches.iter().all(|(_, _, w)| w.is_some());
        let mut out = Vec::new();
        for (branch_node, branch, within) in branches {
            let Some(within) = within else {
                continue;
            };
            let guard = Resolved {
                when: if both {
                    When::of(cond, branch)
                } else {
                    When::new()
                },
                ..Resolved::new(Value::Null, branch_node)
            };
            out.extend(
                self.eval_at(
                    branch_node,
                    At {
                        when: &within,
                        ..at
                    },
                )
                .into_iter()
                .filter_map(|r| r.under(&guard)),
            );
        }
        out
    }

    fn find_in_map(&self, arg: &'a Node, node: &'a Node, at: At<'_, 'a>) -> Alts<'a> {
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
        let keys = |n| {
            let mut alts = self.eval_at(n, at);
            self.cap(&mut alts, n);
            alts
        };
        for m in keys(map_name) {
            for t in keys(top) {
                for s in keys(second) {
                    if out.len() > MAX_ALTERNATIVES || !self.spend() {
                        out.push(Resolved::new(Value::Unknown(Unknown::TooComplex), node));
                        self.capped.set(true);
                        return out;
                    }
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
                        Some(found) => self.eval_at(found, at),
                        None => vec![Resolved::new(
                            Value::Unknown(Unknown::Unevaluated("Fn::FindInMap".into())),
                            node,
                        )],
                    };
                    out.extend(
                        values
                            .into_iter()
                            .filter_map(|v| at_node(v, node).under(&m)?.under(&t)?.under(&s)),
                    );
                }
            }
        }
        out
    }

    fn select(&self, arg: &'a Node, node: &'a Node, at: At<'_, 'a>) -> Alts<'a> {
        let Some([index, list]) = arg.as_seq().and_then(two) else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        let mut out = Vec::new();
        for i in self.eval_at(index, at) {
            let Some(n) = i
                .value
                .as_str()
                .and_then(|s| s.trim().parse::<usize>().ok())
            else {
                out.push(Resolved {
                    value: Value::Unknown(Unknown::Unevaluated("Fn::Select".into())),
                    ..at_node(i, node)
                });
                continue;
            };
            let elements = self.items_at(list, at);
            // `items` flattens alternatives; only select when the list is unambiguous.
            let unconditional = elements.iter().all(|e| e.when.is_empty());
            match elements.into_iter().nth(n) {
                Some(e) if unconditional => out.extend(e.under(&i)),
                _ => out.push(Resolved {
                    value: Value::Unknown(Unknown::Unevaluated("Fn::Select".into())),
                    ..at_node(i, node)
                }),
            }
        }
        out
    }

    fn split(&self, arg: &'a Node, node: &'a Node, at: At<'_, 'a>) -> Alts<'a> {
        let Some([delimiter, text]) = arg.as_seq().and_then(two) else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        let Some(delimiter) = delimiter.as_scalar() else {
            return vec![Resolved::new(Value::Unknown(Unknown::Malformed), node)];
        };
        self.eval_at(text, at)
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
                    ..at_node(t, node)
                }
            })
            .collect()
    }

    /// The truth value of a named condition, if the parameters given decide it.
    pub fn condition(&self, name: &str) -> Option<bool> {
        self.template?.logic().decided(name, &When::new())
    }

    fn condition_expr(
        &self,
        node: &'a Node,
        at: At<'_, 'a>,
        visiting: &mut Vec<String>,
    ) -> Option<bool> {
        if at.depth > MAX_EVAL_DEPTH {
            return None;
        }
        let (name, arg) = node.as_intrinsic()?;
        let args = arg.as_seq().unwrap_or_default();
        match name {
            "Condition" => {
                let target = arg.as_str()?;
                if visiting.iter().any(|v| v == target) {
                    return None;
                }
                self.template?.logic().decided(target, at.when)
            }
            "Fn::Not" => self
                .condition_expr(args.first()?, at.deeper(), visiting)
                .map(|b| !b),
            "Fn::And" | "Fn::Or" => {
                let mut unknown = false;
                for a in args {
                    match self.condition_expr(a, at.deeper(), visiting) {
                        Some(b) if b == (name == "Fn::Or") => return Some(b),
                        Some(_) => {}
                        None => unknown = true,
                    }
                }
                (!unknown).then_some(name == "Fn::And")
            }
            "Fn::Equals" => {
                let [a, b] = two(args)?;
                let (a, b) = (self.single_string(a, at)?, self.single_string(b, at)?);
                Some(a == b)
            }
            _ => None,
        }
    }

    /// The value of an expression when it has exactly one known string value.
    fn single_string(&self, node: &'a Node, at: At<'_, 'a>) -> Option<String> {
        let alts = self.eval_at(node, at.deeper());
        match alts.as_slice() {
            [only] => only.value.as_str().map(str::to_string),
            _ => None,
        }
    }

    fn cap(&self, alts: &mut Alts<'a>, node: &'a Node) {
        if alts.len() > MAX_ALTERNATIVES {
            alts.truncate(MAX_ALTERNATIVES - 1);
            alts.push(Resolved::new(Value::Unknown(Unknown::TooComplex), node));
            self.capped.set(true);
        }
    }

    /// The string concatenations of every combination of piece alternatives. Linear when
    /// every piece has one value (the common case, and a 1,000-variable `!Sub`); capped
    /// otherwise.
    fn concat_product(&self, pieces: Vec<Alts<'a>>, node: &'a Node) -> Alts<'a> {
        if pieces.iter().all(|p| p.len() == 1) {
            return concat_single(pieces, node).into_iter().collect();
        }
        let mut acc: Alts<'a> = vec![Resolved::new(Value::Str(Cow::Borrowed("")), node)];
        for piece in pieces {
            let mut next = Vec::new();
            for left in &acc {
                for right in &piece {
                    if !self.spend() {
                        return vec![Resolved::new(Value::Unknown(Unknown::TooComplex), node)];
                    }
                    let Some(combined) = at_node(right.clone(), node).under(left) else {
                        continue;
                    };
                    let value = append(&left.value, &right.value, right.node);
                    next.push(Resolved { value, ..combined });
                }
            }
            self.cap(&mut next, node);
            acc = next;
        }
        acc
    }
}

/// [`Evaluator::concat_product`] of pieces with one value each, in one pass: the value as
/// the repeated [`append`] would build it, the provenance as the repeated `under` would
/// (each later piece's first), `None` when the pieces' branches contradict.
fn concat_single<'a>(pieces: Vec<Alts<'a>>, node: &'a Node) -> Option<Resolved<'a>> {
    let singles: Vec<Resolved<'a>> = pieces.into_iter().flatten().collect();
    let mut parts: Vec<Part> = vec![Part::Literal(String::new())];
    for r in &singles {
        let push = |parts: &mut Vec<Part>, part: Part| match (parts.last_mut(), part) {
            (Some(Part::Literal(a)), Part::Literal(b)) => a.push_str(&b),
            (_, part) => parts.push(part),
        };
        match &r.value {
            Value::Str(s) => push(&mut parts, Part::Literal(s.to_string())),
            Value::Partial(p) => {
                for part in p {
                    push(&mut parts, part.clone());
                }
            }
            Value::Null | Value::NoValue => {}
            Value::Bool(b) => push(&mut parts, Part::Literal(b.to_string())),
            other => push(&mut parts, Part::Hole(describe_hole(other, r.node))),
        }
    }
    let mut when = When::new();
    let mut defaults: Vec<&'a str> = Vec::new();
    let mut seen: HashSet<&'a str> = HashSet::new();
    for r in singles.iter().rev() {
        if !when.merge_from(&r.when) {
            return None;
        }
        for d in &r.defaults {
            if seen.insert(d) {
                defaults.push(d);
            }
        }
    }
    let value = match parts.as_slice() {
        [] => Value::Str(Cow::Borrowed("")),
        [Part::Literal(s)] => Value::Str(Cow::Owned(s.clone())),
        _ => Value::Partial(parts),
    };
    Some(Resolved {
        value,
        node,
        when,
        defaults,
    })
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
fn at_node<'a>(mut r: Resolved<'a>, node: &'a Node) -> Resolved<'a> {
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
