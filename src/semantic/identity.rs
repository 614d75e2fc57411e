//! Instance → profile → role chains, shared by the SSM10x rules.
//!
//! Every compute resource's profile reference is resolved (per `Fn::If` branch) to a
//! [`ProfileLink`]; every instance profile's `Roles` to a [`RoleLink`]. Rules read these
//! instead of walking the template themselves.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::launchers::{Identity, Launch, Locator, Reached};
pub use super::link::Link;
use super::Model;
use crate::base::Span;
use crate::policy::effective::Permissions;
use crate::policy::{Decision, SESSION_MANAGER_CORE_ACTIONS};
use crate::syntax::Node;
use crate::template::eval::{Evaluator, Resolved, Unknown, Value};
use crate::template::model::{Resource, Template};
use crate::template::When;

pub use super::launchers::{Expects, INSTANCE, LAUNCH_CONFIGURATION, LAUNCH_TEMPLATE};
pub const INSTANCE_PROFILE: &str = "AWS::IAM::InstanceProfile";
pub const ROLE: &str = "AWS::IAM::Role";

/// Resource types that supply the instance profile of the launch template they use.
const SUPPLIES_OWN_PROFILE: &[&str] = &[
    super::launchers::EKS_NODEGROUP,
    super::launchers::BATCH_COMPUTE,
];

#[derive(Debug, Clone)]
pub struct ProfileLink<'a> {
    pub target: Link<'a>,
    /// The value node (or the resource id when the property is absent).
    pub span: Span,
    pub when: When<'a>,
    pub defaults: Vec<&'a str>,
}

/// A compute resource and where its identity reference leads.
#[derive(Debug)]
pub struct Compute<'a> {
    pub resource: &'a Resource<'a>,
    /// The launch: its kind, and the Spot Fleet launch specification it is.
    pub launch: Launch<'a>,
    pub expects: Expects,
    /// The node of the profile property, when the launch sets one.
    pub property: Option<&'a Node>,
    /// Where the instance profile reference leads (per `Fn::If` branch).
    pub links: Vec<ProfileLink<'a>>,
    /// Roles the launch names directly (an EKS node group's `NodeRole`).
    pub roles: Vec<RoleLink<'a>>,
}

impl Compute<'_> {
    /// "instance `App`", "EKS node group `Nodes`", …
    pub fn subject(&self) -> String {
        self.launch.subject()
    }

    pub fn kind(&self) -> &'static str {
        self.launch.kind()
    }
}

#[derive(Debug, Clone)]
pub struct RoleLink<'a> {
    pub target: Link<'a>,
    pub span: Span,
    pub when: When<'a>,
}

/// An instance profile and its roles.
#[derive(Debug)]
pub struct ProfileRoles<'a> {
    pub profile: &'a Resource<'a>,
    pub roles: Vec<RoleLink<'a>>,
}

/// A role used by instance profiles of the template, or named by a launch directly,
/// with its effective permissions.
#[derive(Debug)]
pub struct InstanceRole<'a> {
    pub role: &'a Resource<'a>,
    pub profiles: Vec<&'a Resource<'a>>,
    /// Indexes into [`Chains::computes`] of the launches that run with the role.
    pub users: Vec<usize>,
    pub permissions: Rc<Permissions<'a>>,
    eval: &'a Evaluator<'a>,
    core: OnceCell<Vec<CoreAccess<'a>>>,
}

/// IAM's answer to the Session Manager core actions for one role in one scenario of the
/// conditions its statements rest on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreAccess<'a> {
    pub scenario: When<'a>,
    /// The decision for each of [`SESSION_MANAGER_CORE_ACTIONS`], in order.
    pub decisions: Vec<(&'static str, Decision)>,
    /// Core actions the identity policies allow but the permissions boundary removes.
    pub boundary_removed: Vec<&'static str>,
}

impl CoreAccess<'_> {
    /// The core actions known not to be allowed (unknown ones are not).
    pub fn missing(&self) -> Vec<&'static str> {
        self.decisions
            .iter()
            .filter(|(_, d)| matches!(d, Decision::NotAllowed | Decision::Denied(_)))
            .map(|(a, _)| *a)
            .collect()
    }

    /// The statements whose explicit `Deny` removes a core action, each once.
    pub fn deniers(&self) -> Vec<usize> {
        let mut out: Vec<usize> = self
            .decisions
            .iter()
            .flat_map(|(_, d)| match d {
                Decision::Denied(by) => by.clone(),
                _ => Vec::new(),
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether every core action is known to be allowed.
    pub fn allows_all(&self) -> bool {
        self.decisions.iter().all(|(_, d)| *d == Decision::Allowed)
    }
}

impl<'a> InstanceRole<'a> {
    /// The core actions' answers in every scenario of the role's conditions, computed
    /// once (the identity-chain and logging rules both ask).
    pub fn core_access(&self) -> &[CoreAccess<'a>] {
        self.core.get_or_init(|| {
            let perms = &self.permissions;
            perms
                .scenarios(self.eval)
                .into_iter()
                .map(|scenario| {
                    let decisions: Vec<(&'static str, Decision)> = SESSION_MANAGER_CORE_ACTIONS
                        .iter()
                        .map(|&a| (a, perms.decide_in(a, &scenario)))
                        .collect();
                    let boundary_removed = decisions
                        .iter()
                        .filter(|(a, d)| {
                            *d == Decision::NotAllowed && perms.boundary_removes(a, &scenario)
                        })
                        .map(|(a, _)| *a)
                        .collect();
                    CoreAccess {
                        scenario,
                        decisions,
                        boundary_removed,
                    }
                })
                .collect()
        })
    }
}

#[derive(Debug, Default)]
pub struct Chains<'a> {
    pub computes: Vec<Compute<'a>>,
    pub profiles: Vec<ProfileRoles<'a>>,
    /// Roles of the template's instance profiles, each once.
    pub instance_roles: Vec<InstanceRole<'a>>,
    /// Indexes into `profiles` and `instance_roles` by logical id.
    profile_index: HashMap<&'a str, usize>,
    role_index: HashMap<&'a str, usize>,
    /// Profile logical id → indexes into `computes` of the resources that use it.
    users_index: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Chains<'a> {
    pub fn build(
        template: Option<&'a Template<'a>>,
        eval: &'a Evaluator<'a>,
        model: &Model<'a>,
    ) -> Self {
        let Some(template) = template else {
            return Chains::default();
        };
        // Lists of a large template are megabytes: reserved, not grown by doubling.
        let launches = model.launches();
        let mut computes = Vec::with_capacity(launches.len());
        computes.extend(
            launches
                .iter()
                .filter_map(|launch| compute_of(template, eval, launch)),
        );
        let profiles = template
            .resources_of_type(&[INSTANCE_PROFILE])
            .map(|profile| ProfileRoles {
                profile,
                roles: roles_of(template, eval, profile),
            })
            .collect();
        let mut chains = Chains {
            computes,
            profiles,
            ..Chains::default()
        };
        for (i, compute) in chains.computes.iter().enumerate() {
            for link in &compute.links {
                if let Link::Resource(profile) = link.target {
                    let users = chains.users_index.entry(profile.id).or_default();
                    if users.last() != Some(&i) {
                        users.push(i);
                    }
                }
            }
        }
        let mut profile_roles = Vec::new();
        for (i, p) in chains.profiles.iter().enumerate() {
            chains.profile_index.entry(p.profile.id).or_insert(i);
            for link in &p.roles {
                if let Link::Resource(role) = link.target {
                    profile_roles.push((p.profile, role));
                }
            }
        }
        chains.instance_roles.reserve(profile_roles.len());
        for (profile, role) in profile_roles {
            let record = chains.record(role, model, eval);
            if let Some(r) = chains.instance_roles.get_mut(record) {
                r.profiles.push(profile);
            }
        }
        // Who runs with each role: through a profile, or naming it directly.
        for i in 0..chains.computes.len() {
            let mut roles: Vec<&'a Resource<'a>> = Vec::new();
            if let Some(compute) = chains.computes.get(i) {
                for link in &compute.links {
                    if let Link::Resource(profile) = link.target {
                        let of_profile = chains.roles_of_profile(profile.id);
                        for role_link in of_profile.into_iter().flat_map(|p| &p.roles) {
                            if let Link::Resource(role) = role_link.target {
                                roles.push(role);
                            }
                        }
                    }
                }
                roles.extend(compute.roles.iter().filter_map(|l| match l.target {
                    Link::Resource(role) => Some(role),
                    _ => None,
                }));
            }
            for role in roles {
                let record = chains.record(role, model, eval);
                if let Some(r) = chains.instance_roles.get_mut(record) {
                    if r.users.last() != Some(&i) {
                        r.users.push(i);
                    }
                }
            }
        }
        // Kept for the whole lint: no spare capacity (most lists hold one link).
        chains.computes.shrink_to_fit();
        for compute in &mut chains.computes {
            compute.links.shrink_to_fit();
            compute.roles.shrink_to_fit();
        }
        chains.profiles.shrink_to_fit();
        for profile in &mut chains.profiles {
            profile.roles.shrink_to_fit();
        }
        chains.instance_roles.shrink_to_fit();
        for role in &mut chains.instance_roles {
            role.profiles.shrink_to_fit();
            role.users.shrink_to_fit();
        }
        for users in chains.users_index.values_mut() {
            users.shrink_to_fit();
        }
        chains
    }

    /// The index of `role`'s record in [`Chains::instance_roles`], made on first use.
    fn record(
        &mut self,
        role: &'a Resource<'a>,
        model: &Model<'a>,
        eval: &'a Evaluator<'a>,
    ) -> usize {
        if let Some(&i) = self.role_index.get(role.id) {
            return i;
        }
        let i = self.instance_roles.len();
        self.role_index.insert(role.id, i);
        self.instance_roles.push(InstanceRole {
            role,
            profiles: Vec::new(),
            users: Vec::new(),
            permissions: model.permissions(role),
            eval,
            core: OnceCell::new(),
        });
        i
    }

    /// The launches that run with an instance role.
    pub fn users_of_role(&self, role: &InstanceRole<'_>) -> Vec<&Compute<'a>> {
        role.users
            .iter()
            .filter_map(|&i| self.computes.get(i))
            .collect()
    }

    /// The roles reached from a profile (in this template).
    pub fn roles_of_profile(&self, profile_id: &str) -> Option<&ProfileRoles<'a>> {
        self.profile_index
            .get(profile_id)
            .and_then(|&i| self.profiles.get(i))
    }

    /// The instance role record of a role, when a profile of the template uses it.
    pub fn instance_role(&self, role_id: &str) -> Option<&InstanceRole<'a>> {
        self.role_index
            .get(role_id)
            .and_then(|&i| self.instance_roles.get(i))
    }

    /// Compute resources whose profile reference reaches `profile_id`.
    pub fn users_of_profile(&self, profile_id: &str) -> Vec<&Compute<'a>> {
        self.users_index
            .get(profile_id)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.computes.get(i))
            .collect()
    }
}

fn compute_of<'a>(
    template: &'a Template<'a>,
    eval: &Evaluator<'a>,
    launch: &Launch<'a>,
) -> Option<Compute<'a>> {
    let resource = launch.resource;
    let compute = |expects, property, links, roles| Compute {
        resource,
        launch: launch.clone(),
        expects,
        property,
        links,
        roles,
    };
    match launch.launcher.identity {
        Identity::None => None,
        Identity::Profile {
            at,
            expects,
            required,
        } => {
            let reached = launch.locate(eval, &at);
            let property = reached.iter().find_map(|r| match r {
                Reached::Value { value, .. } | Reached::Unknown(value) => Some(value.node),
                Reached::Missing { .. } => None,
            });
            // What the launch leaves out, its launch template gives (checked itself).
            if property.is_none() && (!required || launch.uses_launch_template(eval)) {
                return None;
            }
            let links = reached
                .iter()
                .filter_map(|r| match r {
                    Reached::Value { value, .. } | Reached::Unknown(value) => {
                        Some(profile_link(template, value, expects))
                    }
                    Reached::Missing { .. } if !required => None,
                    Reached::Missing { anchor, at, .. } => Some(ProfileLink {
                        target: Link::Missing,
                        // The `!Ref AWS::NoValue` of a branch; a resource's own property
                        // at its logical id.
                        span: if matches!(at.value, Value::NoValue) {
                            at.node.span
                        } else if launch.launcher.settings == ["Properties"] {
                            resource.id_span
                        } else {
                            *anchor
                        },
                        when: at.when.clone(),
                        defaults: at.defaults.clone(),
                    }),
                })
                .collect();
            Some(compute(expects, property, links, Vec::new()))
        }
        Identity::LaunchTemplateProfile => {
            if profile_supplied_by_users(template, eval, resource.id) {
                return None;
            }
            let data = launch.settings.value_node();
            let profile = data.and_then(|d| d.get("IamInstanceProfile"));
            let (expects, property) = match profile {
                // `Arn` and `Name` are alternatives inside the profile object.
                Some(p) if p.get("Arn").is_some() => (Expects::Arn, p.get("Arn")),
                Some(p) if p.get("Name").is_some() => (Expects::Name, p.get("Name")),
                Some(p) if p.as_map().is_some() => (Expects::Name, None),
                other => (Expects::Name, other),
            };
            let links = match property {
                None => vec![ProfileLink {
                    target: Link::Missing,
                    span: resource.id_span,
                    when: When::new(),
                    defaults: Vec::new(),
                }],
                Some(node) => eval
                    .eval(node)
                    .into_iter()
                    .map(|r| profile_link(template, &r, expects))
                    .collect(),
            };
            Some(compute(expects, property, links, Vec::new()))
        }
        Identity::Role { at } => {
            let values = launch.values(eval, &at);
            let roles = values
                .iter()
                .map(|r| RoleLink {
                    target: role_target(template, r, RoleBy::Arn),
                    span: r.node.span,
                    when: r.when.clone(),
                })
                .collect();
            let property = values.first().map(|r| r.node);
            Some(compute(Expects::Arn, property, Vec::new(), roles))
        }
        Identity::Cloud9 => {
            // `CONNECT_SSM` runs the instance with a profile made outside the template;
            // `CONNECT_SSH` (the default) needs none, and opens SSH instead (SSM201).
            let connection = launch.values(eval, &Locator::Path(&["ConnectionType"]));
            let links: Vec<ProfileLink<'a>> = connection
                .iter()
                .filter(|c| c.value.as_str().is_some_and(|t| t.trim() == "CONNECT_SSM"))
                .map(|c| ProfileLink {
                    target: Link::External(
                        "`AWSCloud9SSMInstanceProfile`, the profile Cloud9 uses with `CONNECT_SSM` (made outside this template)".into(),
                    ),
                    span: c.node.span,
                    when: c.when.clone(),
                    defaults: c.defaults.clone(),
                })
                .collect();
            if links.is_empty() {
                return None;
            }
            Some(compute(
                Expects::Name,
                connection.first().map(|c| c.node),
                links,
                Vec::new(),
            ))
        }
    }
}

/// True when every user of the launch template brings its own profile (EKS node groups,
/// Batch compute environments, or instances that set `IamInstanceProfile` themselves),
/// through `Fn::If` and `Fn::GetAtt ... LatestVersionNumber` alike.
fn profile_supplied_by_users<'a>(
    template: &'a Template<'a>,
    _eval: &Evaluator<'a>,
    lt: &str,
) -> bool {
    let mut users = template.referrers(lt).map(|r| r.from).peekable();
    if users.peek().is_none() {
        return false;
    }
    users.all(|user| match template.resource(user) {
        Some(u) if SUPPLIES_OWN_PROFILE.contains(&u.type_name) => true,
        Some(u) if u.type_name == INSTANCE => u.property("IamInstanceProfile").is_some(),
        _ => false,
    })
}

fn profile_link<'a>(
    template: &'a Template<'a>,
    r: &Resolved<'a>,
    expects: Expects,
) -> ProfileLink<'a> {
    let target = match &r.value {
        Value::NoValue | Value::Null => Link::Missing,
        Value::Str(s) if s.trim().is_empty() => Link::Missing,
        Value::Ref(reference) => {
            let Some(resource) = template.resource(reference.id) else {
                return link(Link::Undefined(reference.id.to_string()), r);
            };
            let attribute = reference.attribute.as_deref();
            let right_kind = resource.type_name == INSTANCE_PROFILE;
            let right_attribute = matches!(
                (expects, attribute),
                (Expects::Name, None)
                    | (Expects::Arn, Some("Arn"))
                    | (Expects::NameOrArn, None | Some("Arn"))
            );
            if right_kind && right_attribute {
                Link::Resource(resource)
            } else {
                Link::Wrong {
                    resource,
                    attribute: attribute.map(str::to_string),
                }
            }
        }
        Value::Unknown(Unknown::Undefined(name)) => Link::Undefined(name.clone()),
        Value::Unknown(Unknown::Parameter(p)) => {
            Link::External(template.describe_unknown_parameter(p))
        }
        Value::Unknown(Unknown::ImportValue) => {
            Link::External("`Fn::ImportValue` (another stack)".to_string())
        }
        Value::Str(literal) => match profile_by_name(template, literal) {
            Some(profile) => Link::Resource(profile),
            None => Link::External(format!("the literal `{literal}`")),
        },
        Value::Partial(_) => Link::External("a name built from unknown values".into()),
        _ => Link::Unknown,
    };
    link(target, r)
}

fn link<'a>(target: Link<'a>, r: &Resolved<'a>) -> ProfileLink<'a> {
    ProfileLink {
        target,
        span: r.node.span,
        when: r.when.clone(),
        defaults: r.defaults.clone(),
    }
}

/// A profile of this template named by a literal name or ARN.
fn profile_by_name<'a>(template: &'a Template<'a>, literal: &str) -> Option<&'a Resource<'a>> {
    let name = literal
        .rsplit_once(":instance-profile/")
        .map_or(literal, |(_, path)| path.rsplit('/').next().unwrap_or(path));
    template.named(INSTANCE_PROFILE, "InstanceProfileName", name)
}

/// How a reference names a role.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RoleBy {
    /// `Roles: [!Ref Role]`, or the role's literal `RoleName`.
    Name,
    /// `NodeRole: !GetAtt Role.Arn`, or a literal ARN.
    Arn,
}

fn role_target<'a>(template: &'a Template<'a>, r: &Resolved<'a>, by: RoleBy) -> Link<'a> {
    match &r.value {
        Value::Ref(reference) => match template.resource(reference.id) {
            Some(res)
                if res.type_name == ROLE
                    && match by {
                        RoleBy::Name => reference.attribute.is_none(),
                        RoleBy::Arn => reference.attribute.as_deref() == Some("Arn"),
                    } =>
            {
                Link::Resource(res)
            }
            Some(res) => Link::Wrong {
                resource: res,
                attribute: reference.attribute.as_deref().map(str::to_string),
            },
            None => Link::Undefined(reference.id.to_string()),
        },
        Value::Unknown(Unknown::Undefined(name)) => Link::Undefined(name.clone()),
        Value::Unknown(Unknown::Parameter(p)) => {
            Link::External(template.describe_unknown_parameter(p))
        }
        Value::Unknown(Unknown::ImportValue) => {
            Link::External("`Fn::ImportValue` (another stack)".into())
        }
        Value::Str(text) => {
            // A literal name, or the name at the end of a literal ARN.
            let name = match by {
                RoleBy::Name => text.as_ref(),
                RoleBy::Arn => text.rsplit('/').next().unwrap_or(text),
            };
            // An empty name (or an ARN ending in `/`) names no role: the link is missing.
            if name.trim().is_empty() {
                return Link::Missing;
            }
            match template.named(ROLE, "RoleName", name) {
                Some(role) => Link::Resource(role),
                None => Link::External(format!("the role named `{name}`")),
            }
        }
        Value::Partial(_) => Link::External("a role built from unknown values".into()),
        _ => Link::Unknown,
    }
}

fn roles_of<'a>(
    template: &'a Template<'a>,
    eval: &Evaluator<'a>,
    profile: &'a Resource<'a>,
) -> Vec<RoleLink<'a>> {
    eval.items_opt(profile.property("Roles"))
        .into_iter()
        .map(|r| RoleLink {
            target: role_target(template, &r, RoleBy::Name),
            span: r.node.span,
            when: r.when.clone(),
        })
        .collect()
}
