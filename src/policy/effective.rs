//! Effective permissions of a role defined in a template.
//!
//! Effective = AWS managed policies (every one of the embedded data) + inline `Policies` +
//! `AWS::IAM::Policy` / `AWS::IAM::ManagedPolicy` / `AWS::IAM::RolePolicy` resources that
//! attach to the role, minus explicit `Deny`, intersected with `PermissionsBoundary`.
//!
//! A principal's own statements are held in [`Permissions::statements`]; an attached AWS
//! managed policy's are shared with every other principal that attaches it (see
//! [`super::managed`]) and held by its [`AttachedPolicy`]. [`Permissions::entries`] walks
//! both, and every question is decided over that walk.

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use super::managed::{self, ArnLookup};
use super::{decide_over, Decision, Documents, Origin, Statement, Target};
use crate::base::{Span, Tri};
use crate::template::eval::{Evaluator, Part, Resolved, Unknown, Value};
use crate::template::model::Resource;
use crate::template::{scenario, When};

/// At most this many conditions of a principal's statements are enumerated; beyond, every
/// answer that rests on them is unknown.
pub const MAX_SCENARIO_CONDITIONS: usize = 4;

/// A managed policy ARN attached to a principal, as written in the template.
#[derive(Debug, Clone)]
pub struct AttachedPolicy<'a> {
    /// The AWS managed policy name, when the ARN is an AWS one (known to the data or not).
    pub aws_name: Option<Cow<'static, str>>,
    /// The ARN in the template.
    pub span: Span,
    /// The `Fn::If` branches the attachment rests on.
    pub when: When<'a>,
    /// The policy's statements, shared with every principal that attaches it; `None` when
    /// the embedded data does not have the policy.
    pub statements: Option<Arc<[Statement<'static>]>>,
}

/// A policy attached to the principal whose content the tool cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownSource<'a> {
    /// How the template names it: the ARN, the parameter, the expression.
    pub name: String,
    /// Why it cannot be read: "a customer managed policy", "a parameter without default".
    pub note: String,
    /// Where the template names it.
    pub span: Span,
    pub when: When<'a>,
    /// The ARN of the AWS managed policy of that name, when the template gives it a
    /// path that is not its own (`service-role/AmazonSSMManagedInstanceCore`).
    pub did_you_mean: Option<String>,
}

impl UnknownSource<'_> {
    /// "`arn:aws:iam::111122223333:policy/Mine` (a customer managed policy)".
    pub fn describe(&self) -> String {
        format!("`{}` ({})", self.name, self.note)
    }
}

/// What [`Permissions::unverified`] finds: the unknown policies an answer rests on.
#[derive(Debug)]
pub struct Unverified<'s, 'a> {
    /// They are parts of the permissions boundary (which may remove an action the other
    /// policies allow), not identity policies (which may grant one the others do not).
    pub boundary: bool,
    pub sources: Vec<&'s UnknownSource<'a>>,
}

/// One statement of a principal's permissions, and the managed policy attachment that
/// brings it (none for the principal's own statements).
#[derive(Debug, Clone, Copy)]
pub struct Entry<'s, 'a> {
    pub statement: &'s Statement<'a>,
    pub attachment: Option<&'s AttachedPolicy<'a>>,
}

impl<'s, 'a> Entry<'s, 'a> {
    /// The `Fn::If` branches the statement reaches the principal under, besides its own.
    pub fn outer(&self) -> &'s When<'a> {
        static NONE: When<'static> = When::new();
        self.attachment.map_or(&NONE, |a| &a.when)
    }

    /// Whether the statement exists in `scenario` (its own branches and the attachment's).
    pub fn exists_in(&self, scenario: &When<'_>) -> Tri {
        self.statement
            .exists_in(scenario)
            .and(self.outer().holds_in(scenario))
    }

    /// [`Statement::applies_to`], with the attachment's branches.
    pub fn applies_to(&self, action: &str, target: Target<'_>, scenario: &When<'_>) -> Tri {
        self.statement
            .applies_under(action, target, scenario, self.outer())
    }

    /// The span to point at for this statement: its `Action` in the template, or the ARN
    /// of the managed policy that brings it.
    pub fn span(&self) -> Option<Span> {
        match self.attachment {
            Some(a) => Some(a.span),
            None => self.statement.span,
        }
    }
}

/// Where a finding labels an explicit Deny, and what it says: the statement in the
/// template, or the ARN of the AWS managed policy that holds it.
pub fn denier_label(entry: Entry<'_, '_>) -> Option<(Span, String)> {
    match (entry.attachment, &entry.statement.origin) {
        (Some(a), Origin::Managed { name }) => {
            Some((a.span, format!("AWS managed policy {name} denies them")))
        }
        (Some(a), _) => Some((a.span, "this policy denies them".into())),
        (None, _) => Some((entry.statement.span?, "this Deny removes them".into())),
    }
}

#[derive(Debug, Default)]
pub struct Permissions<'a> {
    /// The principal's own statements (inline policies, policy resources of the template),
    /// shared with the other readers of their documents.
    pub statements: Vec<Rc<Statement<'a>>>,
    /// Managed policy ARNs attached (AWS ones, known to the data or not).
    pub attached: Vec<AttachedPolicy<'a>>,
    /// Policies attached whose content is unknown (customer ARNs, parameters, …).
    pub unknown_sources: Vec<UnknownSource<'a>>,
    /// The permissions boundary: its own statements, managed policy and unknown sources.
    pub boundary: Option<Box<Permissions<'a>>>,
}

impl<'a> Permissions<'a> {
    /// Every statement: the principal's own, then those of each attached managed policy.
    /// [`Decision::Denied`] and [`Permissions::entry`] count positions in this order.
    pub fn entries(&self) -> impl Iterator<Item = Entry<'_, 'a>> + '_ {
        let own = self.statements.iter().map(|statement| Entry {
            statement,
            attachment: None,
        });
        let managed = self.attached.iter().flat_map(|attachment| {
            attachment
                .statements
                .iter()
                .flat_map(|s| s.iter())
                .map(move |statement| Entry {
                    statement,
                    attachment: Some(attachment),
                })
        });
        own.chain(managed)
    }

    /// Entry `i` of [`Permissions::entries`].
    pub fn entry(&self, i: usize) -> Option<Entry<'_, 'a>> {
        if let Some(statement) = self.statements.get(i) {
            return Some(Entry {
                statement,
                attachment: None,
            });
        }
        let mut rest = i - self.statements.len();
        for attachment in &self.attached {
            let statements = attachment.statements.as_deref().unwrap_or_default();
            match statements.get(rest) {
                Some(statement) => {
                    return Some(Entry {
                        statement,
                        attachment: Some(attachment),
                    })
                }
                None => rest -= statements.len(),
            }
        }
        None
    }

    /// Whether the role may perform `action` on every resource.
    pub fn decide(&self, action: &str) -> Decision {
        self.decide_in(action, &When::new())
    }

    /// [`Permissions::decide`] with the template conditions of `scenario` decided.
    pub fn decide_in(&self, action: &str, scenario: &When<'_>) -> Decision {
        self.decide_for(action, Target::All, scenario)
    }

    /// The identity policies' answer alone (no boundary). `with_unknown`: whether the
    /// unknown sources count (as possibly granting); without them, the answer of what the
    /// tool knows.
    pub fn decide_identity(
        &self,
        action: &str,
        target: Target<'_>,
        scenario: &When<'_>,
        with_unknown: bool,
    ) -> Decision {
        // An unknown source under `Fn::If` counts only where its branch can hold.
        let unknown = with_unknown
            && self
                .unknown_sources
                .iter()
                .any(|u| u.when.holds_in(scenario) != Tri::No);
        let entries = self.entries().map(|e| (e.statement, e.outer()));
        decide_over(entries, action, target, unknown, scenario)
    }

    /// Whether the principal may perform `action` on `target` (one ARN, or every
    /// resource) when the template's conditions take the values of `scenario`.
    pub fn decide_for(&self, action: &str, target: Target<'_>, scenario: &When<'_>) -> Decision {
        let identity = self.decide_identity(action, target, scenario, true);
        let boundary = self.boundary_in(scenario);
        match (boundary, identity) {
            (_, d @ (Decision::Denied(_) | Decision::NotAllowed)) => d,
            (None, d) => d,
            (Some(boundary), d) => {
                match (boundary.decide_identity(action, target, scenario, true), d) {
                    (Decision::Allowed, d) => d,
                    (Decision::Unknown, _) | (_, Decision::Unknown) => Decision::Unknown,
                    // The boundary does not allow it: the action is removed.
                    _ => Decision::NotAllowed,
                }
            }
        }
    }

    /// The permissions boundary, unless every alternative of it is `AWS::NoValue` in
    /// `scenario` (`!If [HasBoundary, !Ref Boundary, !Ref AWS::NoValue]`).
    fn boundary_in(&self, scenario: &When<'_>) -> Option<&Permissions<'a>> {
        let boundary = self.boundary.as_deref()?;
        let may_hold = |when: &When<'_>| when.holds_in(scenario) != Tri::No;
        let present = boundary
            .statements
            .iter()
            .any(|s| s.exists_in(scenario) != Tri::No)
            || boundary.attached.iter().any(|a| may_hold(&a.when))
            || boundary.unknown_sources.iter().any(|u| may_hold(&u.when));
        present.then_some(boundary)
    }

    /// Whether the boundary (and not the identity policies) is what removes `action`.
    pub fn boundary_removes(&self, action: &str, scenario: &When<'_>) -> bool {
        let identity = self.decide_identity(action, Target::All, scenario, true);
        identity == Decision::Allowed && self.decide_in(action, scenario) == Decision::NotAllowed
    }

    /// The policies the tool cannot read that alone keep `action` (on every resource, in
    /// `scenario`) from a definite answer: the unknown identity policies when the known
    /// ones do not allow it (one of them may), or the unknown parts of the permissions
    /// boundary when everything known allows it (the boundary may remove it). `None` when
    /// the answer is known, or unknown for another reason too (a condition, a resource
    /// the tool cannot match).
    pub fn unverified(&self, action: &str, scenario: &When<'_>) -> Option<Unverified<'_, 'a>> {
        if self.decide_in(action, scenario) != Decision::Unknown {
            return None;
        }
        fn applicable<'s, 'a>(
            boundary: bool,
            sources: &'s [UnknownSource<'a>],
            scenario: &When<'_>,
        ) -> Option<(bool, Vec<&'s UnknownSource<'a>>)> {
            let sources: Vec<&UnknownSource<'a>> = sources
                .iter()
                .filter(|u| u.when.holds_in(scenario) != Tri::No)
                .collect();
            (!sources.is_empty()).then_some((boundary, sources))
        }
        let (boundary, sources) = match self.decide_identity(action, Target::All, scenario, false) {
            Decision::NotAllowed => applicable(false, &self.unknown_sources, scenario)?,
            Decision::Allowed => {
                let b = self.boundary_in(scenario)?;
                if b.decide_identity(action, Target::All, scenario, false) != Decision::NotAllowed {
                    return None;
                }
                applicable(true, &b.unknown_sources, scenario)?
            }
            _ => return None,
        };
        Some(Unverified { boundary, sources })
    }

    /// The template conditions the statements rest on, each once, in order.
    pub fn conditions(&self) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        self.collect_conditions(&mut out);
        out
    }

    fn collect_conditions(&self, out: &mut Vec<&'a str>) {
        let own = self.statements.iter().map(|st| &st.when);
        let attached = self
            .attached
            .iter()
            .filter(|a| a.statements.is_some())
            .map(|a| &a.when);
        // Unknown sources too: where their branch does not hold, the answer is known.
        let unknown = self.unknown_sources.iter().map(|u| &u.when);
        for when in own.chain(attached).chain(unknown) {
            for &(c, _) in when.iter() {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        if let Some(b) = &self.boundary {
            b.collect_conditions(out);
        }
    }

    /// Every assignment of true/false to [`Permissions::conditions`], or just the empty
    /// scenario when there are none or too many to enumerate (then answers stay unknown).
    /// Assignments the template's conditions rule out (`C` true and `Not C` false) are
    /// left out: no deployment has them.
    pub fn scenarios(&self, eval: &Evaluator<'_>) -> Vec<When<'a>> {
        let mut all = scenario::all(&self.conditions(), MAX_SCENARIO_CONDITIONS);
        if all.len() > 1 {
            all.retain(|s| eval.possible(s) != Tri::No);
        }
        if all.is_empty() {
            all.push(When::new());
        }
        all
    }

    /// Cuts every list to its length (and the boundary's): a principal's permissions are
    /// kept for the whole lint, and were built an item at a time.
    fn shrink_to_fit(&mut self) {
        self.statements.shrink_to_fit();
        self.attached.shrink_to_fit();
        self.unknown_sources.shrink_to_fit();
        if let Some(boundary) = self.boundary.as_deref_mut() {
            boundary.shrink_to_fit();
        }
    }

    /// Adds what `other` grants and denies (a user's groups).
    fn extend(&mut self, other: Permissions<'a>) {
        self.statements.extend(other.statements);
        self.attached.extend(other.attached);
        self.unknown_sources.extend(other.unknown_sources);
    }
}

/// The IAM principal types a template can define, with the property holding their name
/// and the keys other resources use to attach policies to them.
struct PrincipalKind {
    type_name: &'static str,
    name_property: &'static str,
    /// List property of `AWS::IAM::Policy` / `AWS::IAM::ManagedPolicy`.
    list_key: &'static str,
    /// The single-principal policy resource (`AWS::IAM::RolePolicy`) and its key.
    single_policy: (&'static str, &'static str),
}

const KINDS: [PrincipalKind; 3] = [
    PrincipalKind {
        type_name: "AWS::IAM::Role",
        name_property: "RoleName",
        list_key: "Roles",
        single_policy: ("AWS::IAM::RolePolicy", "RoleName"),
    },
    PrincipalKind {
        type_name: "AWS::IAM::User",
        name_property: "UserName",
        list_key: "Users",
        single_policy: ("AWS::IAM::UserPolicy", "UserName"),
    },
    PrincipalKind {
        type_name: "AWS::IAM::Group",
        name_property: "GroupName",
        list_key: "Groups",
        single_policy: ("AWS::IAM::GroupPolicy", "GroupName"),
    },
];

/// Collects everything that grants or denies permissions to a role, user or group of
/// the template; a user also gets the permissions of its groups. Reads the template's
/// attachments first: to ask about many principals, build [`Attachments`] once and use
/// [`Attachments::permissions`].
pub fn principal_permissions<'a>(
    eval: &Evaluator<'a>,
    principal: &Resource<'a>,
) -> Permissions<'a> {
    Attachments::build(eval).permissions(eval, principal)
}

/// How a template names a principal: by `Ref`, or by its literal name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key<'a> {
    Ref(&'a str),
    Name(String),
}

impl<'a> Key<'a> {
    fn of(value: &Value<'a>) -> Option<Key<'a>> {
        match value {
            Value::Ref(r) if r.attribute.is_none() => Some(Key::Ref(r.id)),
            Value::Str(s) => Some(Key::Name(s.to_string())),
            _ => None,
        }
    }

    /// The keys that name `principal`: its logical id, and its literal name if it has one.
    fn naming(principal: &Resource<'a>, kind: &PrincipalKind) -> Vec<Key<'a>> {
        let mut keys = vec![Key::Ref(principal.id)];
        keys.extend(literal_name(principal, kind).map(|n| Key::Name(n.to_string())));
        keys
    }
}

/// Which policy resources, groups and group additions of a template name which principal,
/// read once: each principal's permissions then cost only its own policies.
#[derive(Debug, Default)]
pub struct Attachments<'a> {
    /// (principal type, key) → the template index and resource of each policy resource
    /// (`AWS::IAM::Policy`, `ManagedPolicy`, `RolePolicy`, ...) that names it.
    policies: HashMap<(&'static str, Key<'a>), Vec<(usize, &'a Resource<'a>)>>,
    /// Groups by key.
    groups: HashMap<Key<'a>, Vec<(usize, &'a Resource<'a>)>>,
    /// User key → the `GroupName` values of the `UserToGroupAddition`s that list the
    /// user, in template order.
    additions: HashMap<Key<'a>, Vec<(usize, Vec<Value<'a>>)>>,
    /// The policy documents read so far (see [`Documents`]).
    pub documents: Documents<'a>,
}

impl<'a> Attachments<'a> {
    pub fn build(eval: &Evaluator<'a>) -> Self {
        let mut out = Attachments::default();
        let Some(template) = eval.template() else {
            return out;
        };
        let group_kind = &KINDS[2];
        for (i, resource) in template.resources.iter().enumerate() {
            for kind in &KINDS {
                let targets = match resource.type_name {
                    "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => {
                        eval.items_opt(resource.property(kind.list_key))
                    }
                    t if t == kind.single_policy.0 => {
                        eval.eval_opt(resource.property(kind.single_policy.1))
                    }
                    _ => continue,
                };
                for key in targets.iter().filter_map(|t| Key::of(&t.value)) {
                    let list = out.policies.entry((kind.type_name, key)).or_default();
                    if list.last().is_none_or(|(j, _)| *j != i) {
                        list.push((i, resource));
                    }
                }
            }
            if resource.type_name == group_kind.type_name {
                for key in Key::naming(resource, group_kind) {
                    out.groups.entry(key).or_default().push((i, resource));
                }
            }
            if resource.type_name == "AWS::IAM::UserToGroupAddition" {
                let groups: Vec<Value<'a>> = eval
                    .eval_opt(resource.property("GroupName"))
                    .into_iter()
                    .map(|g| g.value)
                    .collect();
                for user in eval.items_opt(resource.property("Users")) {
                    if let Some(key) = Key::of(&user.value) {
                        let list = out.additions.entry(key).or_default();
                        if list.last().is_none_or(|(j, _)| *j != i) {
                            list.push((i, groups.clone()));
                        }
                    }
                }
            }
        }
        out
    }

    /// Everything that grants or denies permissions to a role, user or group of the
    /// template; a user also gets the permissions of its groups.
    pub fn permissions(&self, eval: &Evaluator<'a>, principal: &Resource<'a>) -> Permissions<'a> {
        let mut perms = self.own_permissions(eval, principal);
        if principal.type_name == "AWS::IAM::User" {
            for group in self.groups_of_user(eval, principal) {
                // A group's boundary does not apply to its users (groups have none).
                perms.extend(self.own_permissions(eval, group));
            }
        }
        perms.shrink_to_fit();
        perms
    }

    /// The groups of the template a user belongs to (`Groups`, `UserToGroupAddition`).
    pub fn groups_of_user(
        &self,
        eval: &Evaluator<'a>,
        user: &Resource<'a>,
    ) -> Vec<&'a Resource<'a>> {
        let mut out: Vec<&'a Resource<'a>> = Vec::new();
        let mut add = |value: &Value<'a>| {
            let found = Key::of(value).and_then(|k| self.groups.get(&k));
            for (_, g) in found.into_iter().flatten() {
                if !out.iter().any(|o| o.id == g.id) {
                    out.push(g);
                }
            }
        };
        for item in eval.items_opt(user.property("Groups")) {
            add(&item.value);
        }
        let mut additions: Vec<&(usize, Vec<Value<'a>>)> = Key::naming(user, &KINDS[1])
            .iter()
            .filter_map(|k| self.additions.get(k))
            .flatten()
            .collect();
        additions.sort_by_key(|(i, _)| *i);
        additions.dedup_by_key(|(i, _)| *i);
        for (_, groups) in additions {
            for g in groups {
                add(g);
            }
        }
        out
    }

    /// Policies attached to the principal itself (not through groups).
    fn own_permissions(&self, eval: &Evaluator<'a>, principal: &Resource<'a>) -> Permissions<'a> {
        let mut perms = Permissions::default();
        let Some(kind) = KINDS.iter().find(|k| k.type_name == principal.type_name) else {
            return perms;
        };
        let origin = Origin::Template {
            resource: principal.id.into(),
        };
        for item in eval.items_opt(principal.property("ManagedPolicyArns")) {
            attach_managed(&self.documents, eval, &item, &mut perms);
        }
        for policy in eval.items_opt(principal.property("Policies")) {
            // The document of a policy under `Fn::If` exists only in its branch.
            for d in eval.field(&policy, "PolicyDocument") {
                add_document(&self.documents, eval, d.node, &d.when, &origin, &mut perms);
            }
        }
        // Policy resources that name this principal (by Ref or by its literal name), in
        // template order.
        let mut resources: Vec<&(usize, &'a Resource<'a>)> = Key::naming(principal, kind)
            .into_iter()
            .filter_map(|k| self.policies.get(&(kind.type_name, k)))
            .flatten()
            .collect();
        resources.sort_by_key(|(i, _)| *i);
        resources.dedup_by_key(|(i, _)| *i);
        for (_, resource) in resources {
            let origin = Origin::Template {
                resource: resource.id.into(),
            };
            if let Some(doc) = resource.property("PolicyDocument") {
                let none = When::new();
                add_document(&self.documents, eval, doc, &none, &origin, &mut perms);
            }
        }
        if let Some(boundary) = principal.property("PermissionsBoundary") {
            let mut inner = Permissions::default();
            for b in eval.eval(boundary) {
                attach_managed(&self.documents, eval, &b, &mut inner);
            }
            perms.boundary = Some(Box::new(inner));
        }
        perms
    }
}

fn add_document<'a>(
    documents: &Documents<'a>,
    eval: &Evaluator<'a>,
    doc: &'a crate::syntax::Node,
    when: &When<'a>,
    origin: &Origin,
    perms: &mut Permissions<'a>,
) {
    let read = documents.statements_under(eval, doc, when, origin);
    perms.statements.extend(read.statements.iter().cloned());
    if read.unknown {
        perms.unknown_sources.push(UnknownSource {
            name: origin_name(origin).to_string(),
            note: "part of its document cannot be evaluated".into(),
            span: doc.span,
            when: when.clone(),
            did_you_mean: None,
        });
    }
}

/// The groups of the template a user belongs to (`Groups`, `UserToGroupAddition`).
pub fn groups_of_user<'a>(eval: &Evaluator<'a>, user: &Resource<'a>) -> Vec<&'a Resource<'a>> {
    Attachments::build(eval).groups_of_user(eval, user)
}

fn literal_name<'a>(principal: &Resource<'a>, kind: &PrincipalKind) -> Option<&'a str> {
    principal
        .property(kind.name_property)
        .and_then(|n| n.as_str())
}

fn origin_name(origin: &Origin) -> &str {
    match origin {
        Origin::Template { resource } => resource,
        Origin::Managed { name } => name,
    }
}

/// A managed policy reference (`ManagedPolicyArns` item, `PermissionsBoundary`).
fn attach_managed<'a>(
    documents: &Documents<'a>,
    eval: &Evaluator<'a>,
    item: &Resolved<'a>,
    perms: &mut Permissions<'a>,
) {
    let (value, span, when) = (&item.value, item.node.span, &item.when);
    let written = eval
        .source_text()
        .get(span.start()..span.end())
        .filter(|t| !t.is_empty() && !t.contains('\n') && t.len() <= 120);
    let mut unknown = |name: String, note: String, did_you_mean: Option<String>| {
        perms.unknown_sources.push(UnknownSource {
            name,
            note,
            span,
            when: when.clone(),
            did_you_mean,
        });
    };
    match value {
        // An empty default under `Fn::If` (`!If [HasBoundary, !Ref Boundary, !Ref
        // AWS::NoValue]` with `Default: ''`): the branch is taken when a value is given at
        // deploy time, which the tool cannot know.
        Value::Str(arn) if arn.trim().is_empty() => {
            if !item.defaults.is_empty() && !when.is_empty() {
                let name = written.map_or_else(|| item.defaults.join(", "), str::to_string);
                let note = "given at deploy time; the parameter's default is empty";
                unknown(name, note.into(), None);
            }
        }
        Value::Str(arn) => match managed::lookup_arn(arn) {
            ArnLookup::Known(policy) => perms.attached.push(AttachedPolicy {
                aws_name: Some(Cow::Borrowed(policy.name)),
                span,
                when: when.clone(),
                statements: Some(managed::statements(&policy)),
            }),
            ArnLookup::UnknownAws { name, did_you_mean } => {
                let did_you_mean = did_you_mean.filter(|there| there != arn.as_ref());
                let note = match &did_you_mean {
                    Some(_) => "no AWS managed policy has this ARN".to_string(),
                    None => "an AWS managed policy the embedded data does not have".into(),
                };
                unknown(arn.to_string(), note, did_you_mean);
                perms.attached.push(AttachedPolicy {
                    aws_name: Some(Cow::Owned(name)),
                    span,
                    when: when.clone(),
                    statements: None,
                });
            }
            ArnLookup::Customer => {
                unknown(arn.to_string(), "a customer managed policy".into(), None)
            }
            ArnLookup::NotAPolicyArn => unknown(
                arn.to_string(),
                "not the ARN of a managed policy".into(),
                None,
            ),
        },
        // A customer managed policy defined in this template.
        Value::Ref(r) if r.attribute.is_none() => match eval.resource(r.id) {
            Some(res) if res.type_name == "AWS::IAM::ManagedPolicy" => {
                if let Some(doc) = res.property("PolicyDocument") {
                    let origin = Origin::Template {
                        resource: res.id.into(),
                    };
                    add_document(documents, eval, doc, when, &origin, perms);
                }
            }
            _ => unknown(
                r.id.to_string(),
                "not an `AWS::IAM::ManagedPolicy` of this template".into(),
                None,
            ),
        },
        Value::NoValue | Value::Null => {}
        other => {
            let (name, note) = describe_unknown(eval, other);
            unknown(written.map_or(name, str::to_string), note, None);
        }
    }
}

/// How a message names a policy reference the tool cannot evaluate, and why.
fn describe_unknown(eval: &Evaluator<'_>, value: &Value<'_>) -> (String, String) {
    // A parameter with a default its branch rules out is given at deploy time too.
    let parameter_note = |p: &str| match eval.template().and_then(|t| t.parameter(p)) {
        Some(param) if param.default.is_some() => "a value given at deploy time",
        _ => "a parameter without default",
    };
    let (name, note) = match value {
        Value::Partial(parts) => {
            let text: String = parts
                .iter()
                .map(|p| match p {
                    Part::Literal(l) => l.as_str(),
                    Part::Hole(h) => h.as_str(),
                })
                .collect();
            (text, "built from values known only at deploy time")
        }
        Value::Unknown(Unknown::Parameter(p)) => (p.clone(), parameter_note(p)),
        Value::Unknown(Unknown::ImportValue) => ("Fn::ImportValue".into(), "from another stack"),
        Value::Unknown(Unknown::Undefined(name)) => (name.clone(), "not defined"),
        Value::Ref(r) => (
            match &r.attribute {
                Some(a) => format!("{}.{a}", r.id),
                None => r.id.to_string(),
            },
            "not a policy ARN",
        ),
        _ => ("…".into(), "cannot be evaluated"),
    };
    (name, note.to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::policy::Tri;
    use crate::template::model::Template;

    /// Parses `yaml`, then asks about the principal `id`.
    fn with_permissions<R>(yaml: &str, id: &str, ask: impl FnOnce(&Permissions) -> R) -> R {
        let root = crate::syntax::parse(yaml).unwrap_or_else(|e| panic!("{}", e.message));
        let template = Template::new(&root).with_source_text(yaml);
        let eval = Evaluator::new(&template, &HashMap::new());
        let principal = template
            .resource(id)
            .unwrap_or_else(|| panic!("no resource {id}"));
        ask(&principal_permissions(&eval, principal))
    }

    fn role(statements: &str) -> String {
        format!(
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n{statements}"
        )
    }

    #[test]
    fn not_action_with_allow_grants_everything_else() {
        let yaml = role("              - Effect: Allow\n                NotAction: iam:*\n                Resource: '*'\n");
        with_permissions(&yaml, "R", |p| {
            assert_eq!(p.decide("ssmmessages:OpenDataChannel"), Decision::Allowed);
            assert_eq!(p.decide("iam:CreateUser"), Decision::NotAllowed);
        });
    }

    #[test]
    fn actions_no_service_has_grant_and_deny_nothing() {
        let yaml = role("              - Effect: Allow\n                Action: [ssm:StartSessions, 'ssmmessage:*', ssm:UpdateInstanceInformation, 'ec2messages:*']\n                Resource: '*'\n              - Effect: Deny\n                Action: ec2message:GetMessages\n                Resource: '*'\n");
        with_permissions(&yaml, "R", |p| {
            assert_eq!(p.decide("ssm:StartSession"), Decision::NotAllowed);
            assert_eq!(
                p.decide("ssmmessages:OpenDataChannel"),
                Decision::NotAllowed
            );
            assert_eq!(p.decide("ssm:UpdateInstanceInformation"), Decision::Allowed);
            assert_eq!(p.decide("ec2messages:GetMessages"), Decision::Allowed);
        });
    }

    #[test]
    fn managed_policy_statements_are_shared_and_rest_on_the_attachment() {
        let yaml = "Parameters:\n  P: {Type: String}\nConditions:\n  C: !Equals [!Ref P, b]\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns:\n        - !If [C, arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore, !Ref AWS::NoValue]\n        - arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore\n        - arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM\n";
        with_permissions(yaml, "R", |p| {
            assert!(p.statements.is_empty());
            assert_eq!(p.attached.len(), 3);
            let [a, b, _] = p.attached.as_slice() else {
                panic!("{:?}", p.attached)
            };
            let (a, b) = (
                a.statements.as_ref().unwrap(),
                b.statements.as_ref().unwrap(),
            );
            assert!(Arc::ptr_eq(a, b), "one copy per process");
            assert_eq!(p.conditions(), ["C"]);
            let first = p.entries().next().unwrap();
            assert_eq!(first.outer(), &When::from([("C", true)]));
            assert_eq!(first.exists_in(&When::from([("C", false)])), Tri::No);
            assert_eq!(p.decide("ssmmessages:OpenDataChannel"), Decision::Allowed);
            let count = p.entries().count();
            assert!(p.entry(count - 1).is_some() && p.entry(count).is_none());
        });
    }

    #[test]
    fn deny_through_a_wildcard_wins() {
        let yaml = role("              - Effect: Allow\n                Action: '*'\n                Resource: '*'\n              - Effect: Deny\n                Action: ssmmessages:Open*\n                Resource: '*'\n");
        with_permissions(&yaml, "R", |p| {
            assert!(matches!(
                p.decide("ssmmessages:OpenControlChannel"),
                Decision::Denied(_)
            ));
            assert_eq!(
                p.decide("ssmmessages:CreateControlChannel"),
                Decision::Allowed
            );
        });
    }

    #[test]
    fn boundary_removes_what_it_does_not_allow() {
        let yaml = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore]\n      PermissionsBoundary: arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess\n";
        with_permissions(yaml, "R", |p| {
            assert_eq!(
                p.decide("ssm:UpdateInstanceInformation"),
                Decision::NotAllowed
            );
            assert!(p.boundary_removes("ssm:UpdateInstanceInformation", &When::new()));
            assert_eq!(p.decide("ssm:GetDocument"), Decision::Allowed);
        });
    }

    #[test]
    fn conditions_make_the_answer_unknown() {
        let yaml = role("              - Effect: Allow\n                Action: ssm:*\n                Resource: '*'\n                Condition: {Bool: {aws:SecureTransport: 'true'}}\n");
        with_permissions(&yaml, "R", |p| {
            assert_eq!(p.decide("ssm:UpdateInstanceInformation"), Decision::Unknown);
            assert_eq!(
                *p.statements[0].condition_keys(),
                ["Bool:aws:SecureTransport"]
            );
        });
    }

    #[test]
    fn policy_variables_match_any_user() {
        let yaml = role("              - Effect: Allow\n                Action: ssm:TerminateSession\n                Resource: !Sub arn:aws:ssm:*:*:session/${!aws:username}-*\n");
        with_permissions(&yaml, "R", |p| {
            let st = &p.statements[0];
            assert_eq!(
                *st.resources.known,
                ["arn:aws:ssm:*:*:session/${aws:username}-*"]
            );
            assert_eq!(
                st.covers_resource("arn:aws:ssm:us-east-1:1:session/alice-0abc"),
                Tri::Yes
            );
            assert_eq!(
                st.covers_resource("arn:aws:ssm:us-east-1:1:document/x"),
                Tri::No
            );
        });
    }

    #[test]
    fn statements_inside_fn_if_are_conditional() {
        let yaml = "Parameters:\n  P: {Type: String}\nConditions:\n  C: !Equals [!Ref P, b]\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - !If [C, {Effect: Allow, Action: 'ssm:*', Resource: '*'}, !Ref AWS::NoValue]\n";
        with_permissions(yaml, "R", |p| {
            assert_eq!(p.statements.len(), 1);
            assert_eq!(p.statements[0].when, [("C", true)]);
            assert_eq!(p.decide("ssm:UpdateInstanceInformation"), Decision::Unknown);
            let yes = When::from([("C", true)]);
            let no = When::from([("C", false)]);
            assert_eq!(
                p.decide_in("ssm:UpdateInstanceInformation", &yes),
                Decision::Allowed
            );
            assert_eq!(
                p.decide_in("ssm:UpdateInstanceInformation", &no),
                Decision::NotAllowed
            );
            assert_eq!(p.scenarios(&Evaluator::plain()).len(), 2);
        });
    }

    #[test]
    fn an_inline_policy_under_fn_if_is_conditional() {
        let yaml = "Parameters:\n  P: {Type: String}\nConditions:\n  C: !Equals [!Ref P, b]\nResources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - !If\n          - C\n          - PolicyName: p\n            PolicyDocument:\n              Statement:\n                - {Effect: Allow, Action: 'ssm:*', Resource: '*'}\n          - !Ref AWS::NoValue\n";
        with_permissions(yaml, "R", |p| {
            assert_eq!(p.statements.len(), 1);
            assert_eq!(p.statements[0].when, [("C", true)]);
            let no = When::from([("C", false)]);
            assert_eq!(
                p.decide_in("ssm:UpdateInstanceInformation", &no),
                Decision::NotAllowed
            );
        });
    }

    #[test]
    fn a_policy_given_as_a_json_string_points_into_the_file() {
        let yaml = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument: |\n            {\"Statement\": [{\"Effect\": \"Allow\",\n              \"Action\": \"ssmmessages:*\", \"Resource\": \"*\"}]}\n";
        with_permissions(yaml, "R", |p| {
            assert_eq!(p.decide("ssmmessages:OpenDataChannel"), Decision::Allowed);
            let span = p.statements[0].action_span.unwrap_or_default();
            assert_eq!(
                yaml.get(span.start()..span.end()),
                Some("\"ssmmessages:*\"")
            );
        });
    }

    #[test]
    fn users_get_their_groups_policies() {
        let yaml = "Resources:\n  G:\n    Type: AWS::IAM::Group\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - {Effect: Allow, Action: 'ssm:StartSession', Resource: '*'}\n  U:\n    Type: AWS::IAM::User\n  Add:\n    Type: AWS::IAM::UserToGroupAddition\n    Properties:\n      GroupName: !Ref G\n      Users: [!Ref U]\n  Deny:\n    Type: AWS::IAM::UserPolicy\n    Properties:\n      UserName: !Ref U\n      PolicyName: d\n      PolicyDocument:\n        Statement:\n          - {Effect: Deny, Action: 'ssm:Start*', Resource: '*'}\n";
        with_permissions(yaml, "U", |p| {
            assert_eq!(p.statements.len(), 2);
            assert!(matches!(p.decide("ssm:StartSession"), Decision::Denied(_)));
        });
        with_permissions(yaml, "G", |p| {
            assert_eq!(p.decide("ssm:StartSession"), Decision::Allowed);
        });
    }

    #[test]
    fn questions_about_one_arn_honour_a_deny_scoped_to_this_stack() {
        let yaml = "Resources:\n  U:\n    Type: AWS::IAM::User\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - {Effect: Allow, Action: 'ssm:*', Resource: '*'}\n              - Effect: Deny\n                Action: ssm:UpdateDocument\n                Resource: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:document/SSM-SessionManagerRunShell\n";
        with_permissions(yaml, "U", |p| {
            let prefs = "arn:aws:ssm:eu-west-1:123456789012:document/SSM-SessionManagerRunShell";
            let other = "arn:aws:ssm:eu-west-1:123456789012:document/Other";
            let ask = |arn| p.decide_for("ssm:UpdateDocument", Target::Arn(arn), &When::new());
            assert!(matches!(ask(prefs), Decision::Denied(_)));
            assert_eq!(ask(other), Decision::Allowed);
        });
    }
}
