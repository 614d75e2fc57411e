//! Instance → profile → role chains, shared by the SSM10x rules.
//!
//! Every compute resource's profile reference is resolved (per `Fn::If` branch) to a
//! [`ProfileLink`]; every instance profile's `Roles` to a [`RoleLink`]. Rules read these
//! instead of walking the template themselves.

use std::rc::Rc;

use super::Model;
use crate::base::Span;
use crate::policy::effective::Permissions;
use crate::syntax::Node;
use crate::template::eval::{Evaluator, Resolved, Unknown, Value};
use crate::template::model::{Resource, Template};

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

/// Where one alternative of a profile reference leads.
#[derive(Debug, Clone)]
pub enum ProfileTarget<'a> {
    /// No profile in this branch (property absent, null, or `AWS::NoValue`).
    Missing,
    Profile(&'a Resource<'a>),
    /// A resource that is not an instance profile, or the wrong attribute of one.
    Wrong {
        resource: &'a Resource<'a>,
        attribute: Option<String>,
    },
    /// A logical id that is not defined in the template.
    Undefined(String),
    /// From outside the template (parameter, import, literal name or ARN).
    External(String),
    Unknown,
}

#[derive(Debug, Clone)]
pub struct ProfileLink<'a> {
    pub target: ProfileTarget<'a>,
    /// The value node (or the resource id when the property is absent).
    pub span: Span,
    pub when: Vec<(&'a str, bool)>,
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
pub enum RoleTarget<'a> {
    Role(&'a Resource<'a>),
    Wrong(&'a Resource<'a>),
    Undefined(String),
    External(String),
    Unknown,
}

#[derive(Debug, Clone)]
pub struct RoleLink<'a> {
    pub target: RoleTarget<'a>,
    pub span: Span,
    pub when: Vec<(&'a str, bool)>,
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
    pub permissions: Rc<Permissions>,
}

#[derive(Debug, Default)]
pub struct Chains<'a> {
    pub computes: Vec<Compute<'a>>,
    pub profiles: Vec<ProfileRoles<'a>>,
    /// Roles of the template's instance profiles, each once.
    pub instance_roles: Vec<InstanceRole<'a>>,
}

impl<'a> Chains<'a> {
    pub fn build(
        template: Option<&'a Template<'a>>,
        eval: &Evaluator<'a>,
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
            instance_roles: Vec::new(),
        };
        for p in &chains.profiles {
            for link in &p.roles {
                if let RoleTarget::Role(role) = link.target {
                    match chains
                        .instance_roles
                        .iter_mut()
                        .find(|r| r.role.id == role.id)
                    {
                        Some(existing) => existing.profiles.push(p.profile),
                        None => chains.instance_roles.push(InstanceRole {
                            role,
                            profiles: vec![p.profile],
                            permissions: model.permissions(role),
                        }),
                    }
                }
            }
        }
        chains
    }

    /// The roles reached from a profile (in this template).
    pub fn roles_of_profile(&self, profile_id: &str) -> Option<&ProfileRoles<'a>> {
        self.profiles.iter().find(|p| p.profile.id == profile_id)
    }

    /// Compute resources whose profile reference reaches `profile_id`.
    pub fn users_of_profile(&self, profile_id: &str) -> Vec<&Compute<'a>> {
        self.computes
            .iter()
            .filter(|c| {
                c.links
                    .iter()
                    .any(|l| matches!(l.target, ProfileTarget::Profile(p) if p.id == profile_id))
            })
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
            target: ProfileTarget::Missing,
            span: resource.id_span,
            when: Vec::new(),
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
        Value::NoValue | Value::Null => ProfileTarget::Missing,
        Value::Str(s) if s.trim().is_empty() => ProfileTarget::Missing,
        Value::Ref(reference) => {
            let Some(resource) = template.resource(reference.id) else {
                return link(ProfileTarget::Undefined(reference.id.to_string()), r);
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
                ProfileTarget::Profile(resource)
            } else {
                ProfileTarget::Wrong {
                    resource,
                    attribute: attribute.map(str::to_string),
                }
            }
        }
        Value::Unknown(Unknown::Undefined(name)) => ProfileTarget::Undefined(name.clone()),
        Value::Unknown(Unknown::Parameter(p)) => {
            ProfileTarget::External(format!("parameter `{p}` (no default)"))
        }
        Value::Unknown(Unknown::ImportValue) => {
            ProfileTarget::External("`Fn::ImportValue` (another stack)".to_string())
        }
        Value::Str(literal) => match profile_by_name(template, literal) {
            Some(profile) => ProfileTarget::Profile(profile),
            None => ProfileTarget::External(format!("the literal `{literal}`")),
        },
        Value::Partial(_) => ProfileTarget::External("a name built from unknown values".into()),
        _ => ProfileTarget::Unknown,
    };
    link(target, r)
}

fn link<'a>(target: ProfileTarget<'a>, r: &Resolved<'a>) -> ProfileLink<'a> {
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
    template
        .resources_of_type(&[INSTANCE_PROFILE])
        .find(|p| p.property("InstanceProfileName").and_then(Node::as_str) == Some(name))
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
                        RoleTarget::Role(res)
                    }
                    Some(res) => RoleTarget::Wrong(res),
                    None => RoleTarget::Undefined(reference.id.to_string()),
                },
                Value::Unknown(Unknown::Undefined(name)) => RoleTarget::Undefined(name.clone()),
                Value::Unknown(Unknown::Parameter(p)) => {
                    RoleTarget::External(format!("parameter `{p}` (no default)"))
                }
                Value::Unknown(Unknown::ImportValue) => {
                    RoleTarget::External("`Fn::ImportValue` (another stack)".into())
                }
                Value::Str(name) => {
                    // `Roles: [MyRoleName]` links by the role's literal RoleName.
                    let by_name = template.resources_of_type(&[ROLE]).find(|role| {
                        role.property("RoleName").and_then(Node::as_str) == Some(name.as_ref())
                    });
                    match by_name {
                        Some(role) => RoleTarget::Role(role),
                        None => RoleTarget::External(format!("the role named `{name}`")),
                    }
                }
                _ => RoleTarget::Unknown,
            };
            RoleLink {
                target,
                span: r.node.span,
                when: r.when.clone(),
            }
        })
        .collect()
}
