//! Instance → profile → role chains, shared by the SSM10x rules.
//!
//! Every compute resource's profile reference is resolved (per `Fn::If` branch) to a
//! [`ProfileLink`]; every instance profile's `Roles` to a [`RoleLink`]. Rules read these
//! instead of walking the template themselves.

use std::cell::OnceCell;
use std::collections::HashMap;
use std::rc::Rc;

pub use super::link::Link;
use super::Model;
use crate::base::Span;
use crate::policy::effective::Permissions;
use crate::policy::{Decision, SESSION_MANAGER_CORE_ACTIONS};
use crate::syntax::Node;
use crate::template::eval::{Evaluator, Resolved, Unknown, Value};
use crate::template::model::{Resource, Template};
use crate::template::When;

pub const INSTANCE: &str = "AWS::EC2::Instance";
pub const LAUNCH_TEMPLATE: &str = "AWS::EC2::LaunchTemplate";
pub const LAUNCH_CONFIGURATION: &str = "AWS::AutoScaling::LaunchConfiguration";
pub const INSTANCE_PROFILE: &str = "AWS::IAM::InstanceProfile";
pub const ROLE: &str = "AWS::IAM::Role";

/// Resource types that supply the instance profile of the launch template they use.
const SUPPLIES_OWN_PROFILE: &[&str] = &["AWS::EKS::Nodegroup", "AWS::Batch::ComputeEnvironment"];

/// What the compute resource's profile property expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expects {
    Name,
    Arn,
    NameOrArn,
}

impl Expects {
    pub fn describe(self) -> &'static str {
        match self {
            Expects::Name => "the instance profile's name (`!Ref Profile`)",
            Expects::Arn => "the instance profile's ARN (`!GetAtt Profile.Arn`)",
            Expects::NameOrArn => "the instance profile's name or ARN",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ProfileLink<'a> {
    pub target: Link<'a>,
    /// The value node (or the resource id when the property is absent).
    pub span: Span,
    pub when: When<'a>,
    pub defaults: Vec<&'a str>,
}

/// A compute resource and where its profile reference leads.
#[derive(Debug)]
pub struct Compute<'a> {
    pub resource: &'a Resource<'a>,
    pub expects: Expects,
    /// The `IamInstanceProfile` property node, when present.
    pub property: Option<&'a Node>,
    pub links: Vec<ProfileLink<'a>>,
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

/// A role used by instance profiles of the template, with its effective permissions.
#[derive(Debug)]
pub struct InstanceRole<'a> {
    pub role: &'a Resource<'a>,
    pub profiles: Vec<&'a Resource<'a>>,
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
        let computes = template
            .resources
            .iter()
            .filter_map(|r| compute_of(template, eval, r))
            .collect();
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
        for (i, p) in chains.profiles.iter().enumerate() {
            chains.profile_index.entry(p.profile.id).or_insert(i);
            for link in &p.roles {
                if let Link::Resource(role) = link.target {
                    let existing = chains.role_index.get(role.id).copied();
                    match existing.and_then(|i| chains.instance_roles.get_mut(i)) {
                        Some(known) => known.profiles.push(p.profile),
                        None => {
                            chains
                                .role_index
                                .insert(role.id, chains.instance_roles.len());
                            chains.instance_roles.push(InstanceRole {
                                role,
                                profiles: vec![p.profile],
                                permissions: model.permissions(role),
                                eval,
                                core: OnceCell::new(),
                            });
                        }
                    }
                }
            }
        }
        chains
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
    resource: &'a Resource<'a>,
) -> Option<Compute<'a>> {
    let (expects, property) = match resource.type_name {
        INSTANCE => {
            let property = resource.property("IamInstanceProfile");
            // An instance launched from a launch template gets the profile from it.
            if property.is_none() && resource.property("LaunchTemplate").is_some() {
                return None;
            }
            (Expects::Name, property)
        }
        LAUNCH_CONFIGURATION => (Expects::NameOrArn, resource.property("IamInstanceProfile")),
        LAUNCH_TEMPLATE => {
            if profile_supplied_by_users(template, eval, resource.id) {
                return None;
            }
            let data = resource.property("LaunchTemplateData");
            let profile = data.and_then(|d| d.get("IamInstanceProfile"));
            match profile {
                // `Arn` and `Name` are alternatives inside the profile object.
                Some(p) if p.get("Arn").is_some() => (Expects::Arn, p.get("Arn")),
                Some(p) if p.get("Name").is_some() => (Expects::Name, p.get("Name")),
                Some(p) if p.as_map().is_some() => (Expects::Name, None),
                other => (Expects::Name, other),
            }
        }
        _ => return None,
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
    Some(Compute {
        resource,
        expects,
        property,
        links,
    })
}

/// True when every user of the launch template brings its own profile (EKS node groups,
/// Batch compute environments, or instances that set `IamInstanceProfile` themselves).
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

fn roles_of<'a>(
    template: &'a Template<'a>,
    eval: &Evaluator<'a>,
    profile: &'a Resource<'a>,
) -> Vec<RoleLink<'a>> {
    eval.items_opt(profile.property("Roles"))
        .into_iter()
        .map(|r| {
            let target = match &r.value {
                Value::Ref(reference) => match template.resource(reference.id) {
                    Some(res) if res.type_name == ROLE && reference.attribute.is_none() => {
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
                Value::Str(name) => {
                    // `Roles: [MyRoleName]` links by the role's literal RoleName.
                    match template.named(ROLE, "RoleName", name) {
                        Some(role) => Link::Resource(role),
                        None => Link::External(format!("the role named `{name}`")),
                    }
                }
                _ => Link::Unknown,
            };
            RoleLink {
                target,
                span: r.node.span,
                when: r.when.clone(),
            }
        })
        .collect()
}
