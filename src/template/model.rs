//! The template model: parameters, mappings, conditions, resources, and the reference
//! graph between resources (Ref, GetAtt, Sub, DependsOn).

use std::collections::HashMap;

use super::conditions::Conditions;
use super::When;
use crate::base::{Span, Tri};
use crate::syntax::{Entry, Node, NodeKind};

#[derive(Debug)]
pub struct Parameter<'a> {
    pub name: &'a str,
    /// The parameter's declaration (`Type`, `Default`, `AllowedValues`, ...).
    pub node: &'a Node,
    pub name_span: Span,
    pub type_name: Option<&'a str>,
    pub default: Option<&'a Node>,
}

#[derive(Debug)]
pub struct Resource<'a> {
    pub id: &'a str,
    pub id_span: Span,
    pub node: &'a Node,
    /// `Type`, or "" when missing.
    pub type_name: &'a str,
    pub properties: Option<&'a Node>,
    /// The name of the resource's `Condition:`, if any.
    pub condition: Option<&'a str>,
    pub metadata: Option<&'a Node>,
}

impl<'a> Resource<'a> {
    pub fn property(&self, name: &str) -> Option<&'a Node> {
        self.properties?.get(name)
    }

    pub fn property_entry(&self, name: &str) -> Option<&'a Entry> {
        self.properties?.entry(name)
    }
}

/// A use of one resource by another, found anywhere in the user's resource body.
#[derive(Debug, Clone, Copy)]
pub struct Reference<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub span: Span,
}

#[derive(Debug)]
pub struct Template<'a> {
    pub root: &'a Node,
    pub parameters: Vec<Parameter<'a>>,
    pub resources: Vec<Resource<'a>>,
    pub mappings: Option<&'a Node>,
    pub conditions: Option<&'a Node>,
    /// Every reference between resources as (index of the referring resource, span),
    /// grouped by the resource referred to (in template order within a group), so that
    /// [`Template::referrers`] reads one slice.
    references: Vec<(u32, Span)>,
    /// The file's text, when known: lets policies written as strings point into it.
    pub source_text: &'a str,
    resource_index: HashMap<&'a str, usize>,
    parameter_index: HashMap<&'a str, usize>,
    /// Indexes into `resources` by type, ascending.
    type_index: HashMap<&'a str, Vec<usize>>,
    /// Where the references to resource `i` start in `references` (they end where those
    /// to `i + 1` start): one number per resource, no map or list per resource.
    referrer_starts: Box<[u32]>,
    /// (type, name property, literal name) → the first resource with that name.
    name_index: HashMap<(&'a str, &'static str, &'a str), usize>,
    /// The conditions as formulas over the parameters.
    logic: Conditions<'a>,
    /// Resources whose `Condition:` is false in every deployment the parameters allow
    /// (sorted).
    absent: Vec<&'a str>,
    /// `(start, end, index)` of each resource's node, sorted: which resource a node is in.
    extents: Vec<(usize, usize, usize)>,
}

/// The properties that give a resource its physical name, indexed for
/// [`Template::named`].
const NAME_PROPERTIES: [&str; 9] = [
    "RoleName",
    "InstanceProfileName",
    "UserName",
    "GroupName",
    "ManagedPolicyName",
    "BucketName",
    "LogGroupName",
    "AliasName",
    "Name",
];

/// What kind of document a parsed file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Template,
    /// An IAM policy document: an identity policy, or a trust/resource policy when its
    /// statements name a `Principal`. `bare_statement`: a single statement object without
    /// the `Statement` wrapper.
    Policy {
        has_principal: bool,
        bare_statement: bool,
    },
    /// A standalone Session Manager document (the JSON or YAML given to
    /// `aws ssm create-document --document-type Session`): `schemaVersion` with
    /// `sessionType` or `inputs` at top level.
    SessionDocument,
    Unsupported,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Template => "template",
            DocumentKind::Policy {
                has_principal: false,
                ..
            } => "identity-policy",
            DocumentKind::Policy { .. } => "resource-policy",
            DocumentKind::SessionDocument => "session-document",
            DocumentKind::Unsupported => "unsupported",
        }
    }
}

/// Classifies a document: a template has `Resources` (or `AWSTemplateFormatVersion`);
/// a policy has `Statement`.
pub fn classify(root: &Node) -> DocumentKind {
    let Some(map) = root.as_map() else {
        return DocumentKind::Unsupported;
    };
    let has = |k: &str| map.iter().any(|e| e.key == k);
    if has("Resources") || has("AWSTemplateFormatVersion") {
        return DocumentKind::Template;
    }
    let names_principal = |statement: &Node| {
        statement.get("Principal").is_some() || statement.get("NotPrincipal").is_some()
    };
    if let Some(statements) = root.get("Statement") {
        let has_principal = match &statements.kind {
            NodeKind::Seq(items) => items.iter().any(names_principal),
            _ => names_principal(statements),
        };
        return DocumentKind::Policy {
            has_principal,
            bare_statement: false,
        };
    }
    if has("Effect") && (has("Action") || has("NotAction")) {
        return DocumentKind::Policy {
            has_principal: names_principal(root),
            bare_statement: true,
        };
    }
    if has("schemaVersion") && (has("sessionType") || has("inputs")) {
        return DocumentKind::SessionDocument;
    }
    DocumentKind::Unsupported
}

impl<'a> Template<'a> {
    /// The template as written: every deployment its parameters allow.
    pub fn new(root: &'a Node) -> Self {
        Template::deployed(root, &HashMap::new())
    }

    /// The template deployed with the `given` parameter values (`--parameter`): the
    /// conditions they decide are decided, and a resource whose `Condition:` cannot hold
    /// does not exist.
    pub fn deployed(root: &'a Node, given: &HashMap<String, String>) -> Self {
        let logic = Conditions::new(root, given);
        let mut parameters = Vec::new();
        if let Some(entries) = root.get("Parameters").and_then(Node::as_map) {
            for entry in entries {
                parameters.push(Parameter {
                    name: &entry.key,
                    node: &entry.value,
                    name_span: entry.key_span,
                    type_name: entry.value.get("Type").and_then(Node::as_str),
                    default: entry.value.get("Default"),
                });
            }
        }
        let mut resources = Vec::new();
        let mut absent = Vec::new();
        if let Some(entries) = root.get("Resources").and_then(Node::as_map) {
            resources.reserve_exact(entries.len());
            for entry in entries {
                let node = &entry.value;
                let condition = node.get("Condition").and_then(Node::as_str);
                if condition.is_some_and(|c| logic.possible(&When::of(c, true)) == Tri::No) {
                    absent.push(entry.key.as_str());
                    continue;
                }
                resources.push(Resource {
                    id: &entry.key,
                    id_span: entry.key_span,
                    node,
                    type_name: node.get("Type").and_then(Node::as_str).unwrap_or(""),
                    properties: node.get("Properties").filter(|p| p.as_map().is_some()),
                    condition,
                    metadata: node.get("Metadata"),
                });
            }
        }
        absent.sort_unstable();
        let resource_index = resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i))
            .collect();
        let parameter_index = parameters
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name, i))
            .collect();
        let mut template = Template {
            root,
            parameters,
            resources,
            mappings: root.get("Mappings"),
            conditions: root.get("Conditions"),
            references: Vec::new(),
            source_text: "",
            resource_index,
            parameter_index,
            type_index: HashMap::new(),
            referrer_starts: Box::default(),
            name_index: HashMap::new(),
            logic,
            absent,
            extents: Vec::new(),
        };
        template.extents = template
            .resources
            .iter()
            .enumerate()
            .map(|(i, r)| (r.node.span.start(), r.node.span.end(), i))
            .collect();
        template.extents.sort_unstable();
        for (i, r) in template.resources.iter().enumerate() {
            template.type_index.entry(r.type_name).or_default().push(i);
        }
        for (i, r) in template.resources.iter().enumerate() {
            for entry in r.properties.and_then(Node::as_map).unwrap_or_default() {
                let Some(property) = NAME_PROPERTIES.iter().find(|p| **p == entry.key) else {
                    continue;
                };
                if let Some(name) = entry.value.as_str() {
                    template
                        .name_index
                        .entry((r.type_name, property, name))
                        .or_insert(i);
                }
            }
        }
        let mut references = template.collect_references();
        // Stable: each group keeps template order.
        references.sort_by_key(|&(to, _, _)| to);
        let mut starts = Vec::with_capacity(template.resources.len() + 1);
        let mut next = 0;
        for i in 0..=template.resources.len() {
            while references
                .get(next)
                .is_some_and(|&(to, _, _)| (to as usize) < i)
            {
                next += 1;
            }
            starts.push(u32::try_from(next).unwrap_or(u32::MAX));
        }
        template.referrer_starts = starts.into_boxed_slice();
        template.references = references
            .into_iter()
            .map(|(_, from, span)| (from, span))
            .collect();
        for list in template.type_index.values_mut() {
            list.shrink_to_fit();
        }
        template
    }

    /// Records the file's text (see [`Template::source_text`]).
    #[must_use]
    pub fn with_source_text(mut self, text: &'a str) -> Self {
        self.source_text = text;
        self
    }

    /// "parameter `P` (no default)", or "(a value given at deploy time)" when it has a
    /// default that the branches of the value rule out: how messages name a parameter
    /// whose value is not known here.
    pub fn describe_unknown_parameter(&self, name: &str) -> String {
        match self.parameter(name).and_then(|p| p.default) {
            Some(_) => format!("parameter `{name}` (a value given at deploy time)"),
            None => format!("parameter `{name}` (no default)"),
        }
    }

    /// The conditions, for the questions of the evaluator and the scenario engine.
    pub fn logic(&self) -> &Conditions<'a> {
        &self.logic
    }

    /// Whether `id` is a resource that the given parameters rule out (its `Condition:`
    /// cannot hold): it exists in no deployment analysed.
    pub fn is_absent(&self, id: &str) -> bool {
        self.absent.binary_search(&id).is_ok()
    }

    /// The resource whose definition contains the byte offset `at`.
    pub fn resource_at(&self, at: usize) -> Option<&Resource<'a>> {
        let after = self.extents.partition_point(|&(start, _, _)| start <= at);
        let (start, end, i) = *self.extents.get(after.checked_sub(1)?)?;
        (start <= at && at < end.max(start + 1))
            .then(|| self.resources.get(i))
            .flatten()
    }

    pub fn resource(&self, id: &str) -> Option<&Resource<'a>> {
        self.resource_index
            .get(id)
            .and_then(|&i| self.resources.get(i))
    }

    pub fn parameter(&self, name: &str) -> Option<&Parameter<'a>> {
        self.parameter_index
            .get(name)
            .and_then(|&i| self.parameters.get(i))
    }

    /// The first resource of `type_name` whose `name_property` is the literal `name`
    /// (`RoleName`, `InstanceProfileName`, `BucketName`, ...).
    pub fn named(
        &self,
        type_name: &str,
        name_property: &'static str,
        name: &str,
    ) -> Option<&Resource<'a>> {
        self.name_index
            .get(&(type_name, name_property, name))
            .and_then(|&i| self.resources.get(i))
    }

    /// The resources of one of `types`, in file order, at a cost in what they are (an
    /// index: rules ask per finding, and a template may hold 50,000 resources).
    pub fn resources_of_type<'s>(
        &'s self,
        types: &[&str],
    ) -> impl Iterator<Item = &'s Resource<'a>> + 's {
        let single = match types {
            [one] => self.type_index.get::<str>(one).map(Vec::as_slice),
            _ => None,
        };
        let mut merged: Vec<usize> = Vec::new();
        if types.len() > 1 {
            merged.extend(
                types
                    .iter()
                    .filter_map(|t| self.type_index.get::<str>(t))
                    .flatten(),
            );
            merged.sort_unstable();
            merged.dedup();
        }
        single
            .unwrap_or_default()
            .iter()
            .copied()
            .chain(merged)
            .filter_map(|i| self.resources.get(i))
    }

    /// Resources that refer to `id`.
    pub fn referrers<'s>(&'s self, id: &str) -> impl Iterator<Item = Reference<'a>> + 's {
        let found = self.resource_index.get(id).copied().and_then(|i| {
            let start = *self.referrer_starts.get(i)? as usize;
            let end = *self.referrer_starts.get(i + 1)? as usize;
            Some((self.resources.get(i)?.id, self.references.get(start..end)?))
        });
        let to = found.map_or("", |(to, _)| to);
        found
            .map(|(_, refs)| refs)
            .unwrap_or_default()
            .iter()
            .filter_map(move |&(from, span)| {
                let from = self.resources.get(usize::try_from(from).ok()?)?;
                Some(Reference {
                    from: from.id,
                    to,
                    span,
                })
            })
    }

    /// (referred resource, referring resource, span) of every reference, as indexes into
    /// `resources`.
    fn collect_references(&self) -> Vec<(u32, u32, Span)> {
        let mut out = Vec::new();
        for (from, resource) in self.resources.iter().enumerate() {
            let Ok(from) = u32::try_from(from) else {
                continue;
            };
            let mut todo: Vec<&'a Node> = vec![resource.node];
            while let Some(node) = todo.pop() {
                match &node.kind {
                    NodeKind::Map(entries) => {
                        for entry in entries {
                            for to in self.targets_of(&entry.key, &entry.value) {
                                out.push((to, from, entry.value.span));
                            }
                            todo.push(&entry.value);
                        }
                    }
                    NodeKind::Seq(items) => todo.extend(items),
                    NodeKind::Opaque(tagged) => todo.push(&tagged.value),
                    _ => {}
                }
            }
        }
        out
    }

    /// The resources (indexes into `resources`) named by one
    /// `Ref`/`Fn::GetAtt`/`Fn::Sub`/`DependsOn` entry.
    fn targets_of(&self, key: &str, value: &'a Node) -> Vec<u32> {
        let mut names: Vec<&'a str> = Vec::new();
        match key {
            "Ref" => names.extend(value.as_str()),
            "Fn::GetAtt" => match &value.kind {
                NodeKind::String(s) => names.extend(s.split('.').next()),
                NodeKind::Seq(items) => names.extend(items.first().and_then(Node::as_str)),
                _ => {}
            },
            "Fn::Sub" => {
                let text = match &value.kind {
                    NodeKind::String(s) => Some(s.as_str()),
                    NodeKind::Seq(items) => items.first().and_then(Node::as_str),
                    _ => None,
                };
                if let Some(text) = text {
                    for var in super::sub::sub_variables(text) {
                        names.push(var.split('.').next().unwrap_or(var));
                    }
                }
            }
            "DependsOn" => match &value.kind {
                NodeKind::String(s) => names.push(s),
                NodeKind::Seq(items) => names.extend(items.iter().filter_map(Node::as_str)),
                _ => {}
            },
            _ => {}
        }
        names
            .into_iter()
            .filter_map(|n| self.resource_index.get(n))
            .filter_map(|&i| u32::try_from(i).ok())
            .collect()
    }
}
