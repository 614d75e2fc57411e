//! Access paths for the GitHub step summary's diagrams: for each compute resource with a
//! finding, the chain a Session Manager connection depends on — the launch, its instance
//! profile, the role, the role's policies and trust, the subnets it launches into — with
//! each step marked broken where a finding says it is.
//!
//! Built after the rules ran, from the same semantic model they read, as plain data the
//! report layer can draw without knowing the model.

use crate::diagnostic::Finding;
use crate::semantic::identity::{Compute, Link};
use crate::semantic::Model;

/// At most this many paths per file are kept: a summary is read, not searched.
pub const MAX_PATHS: usize = 10;

/// One compute resource's access path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessPath {
    /// "instance `App`", "EKS node group `Nodes`".
    pub subject: String,
    pub steps: Vec<Step>,
}

/// One step of an access path; the first is the compute resource itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The step this one hangs from (an index into [`AccessPath::steps`]).
    pub parent: Option<usize>,
    pub label: String,
    /// A finding says the path breaks here: the codes.
    pub broken: Vec<&'static str>,
    /// The resource whose findings of these codes break the step.
    resource: String,
    watch: &'static [&'static str],
}

impl AccessPath {
    /// Marks the steps that `findings` (what is left after suppressions) break; `false`
    /// when none is.
    pub fn mark(&mut self, findings: &[Finding]) -> bool {
        for step in &mut self.steps {
            step.broken = findings
                .iter()
                .filter(|f| {
                    f.resource.as_deref() == Some(step.resource.as_str())
                        && step.watch.contains(&f.code)
                })
                .map(|f| f.code)
                .collect();
            step.broken.dedup();
        }
        self.steps.iter().any(|s| !s.broken.is_empty())
    }
}

/// The access paths of the compute resources that have a finding on their chain (at most
/// [`MAX_PATHS`]); [`AccessPath::mark`] then marks them with the findings that remain.
pub fn access_paths(model: &Model<'_>, findings: &[Finding]) -> Vec<AccessPath> {
    if findings.is_empty() || model.template().is_none() {
        return Vec::new();
    }
    let mut paths = Vec::new();
    for compute in &model.chains().computes {
        if paths.len() == MAX_PATHS {
            break;
        }
        let mut path = AccessPath {
            subject: compute.subject(),
            steps: vec![step(None, compute.subject(), compute.resource.id, LAUNCH)],
        };
        add_identity(model, compute, &mut path);
        add_network(model, compute, &mut path);
        if path.mark(findings) {
            paths.push(path);
        }
    }
    paths
}

/// The codes that break each kind of step.
const LAUNCH: &[&str] = &["SSM204", "SSM205"];
const PROFILE: &[&str] = &["SSM100", "SSM101", "SSM106"];
const PROFILE_ROLES: &[&str] = &["SSM102", "SSM106"];
const ROLE: &[&str] = &["SSM105", "SSM106"];
const POLICIES: &[&str] = &["SSM103", "SSM306"];
const TRUST: &[&str] = &["SSM104"];
const NETWORK: &[&str] = &["SSM500", "SSM501", "SSM502"];

fn step(
    parent: Option<usize>,
    label: String,
    resource: &str,
    watch: &'static [&'static str],
) -> Step {
    Step {
        parent,
        label,
        broken: Vec::new(),
        resource: resource.to_string(),
        watch,
    }
}

fn add_identity<'a>(model: &Model<'a>, compute: &Compute<'a>, path: &mut AccessPath) {
    let chains = model.chains();
    let mut roles = Vec::new();
    for link in &compute.links {
        let (label, profile) = match &link.target {
            Link::Resource(profile) => {
                (format!("instance profile `{}`", profile.id), Some(*profile))
            }
            Link::Missing => ("no instance profile".to_string(), None),
            Link::External(from) => (format!("instance profile from {from}"), None),
            Link::Wrong { resource, .. } => {
                (format!("`{}`: not an instance profile", resource.id), None)
            }
            Link::Undefined(name) => (format!("`{name}`: undefined"), None),
            Link::Unknown => (
                "an instance profile ssmlint cannot resolve".to_string(),
                None,
            ),
        };
        path.steps.push(match profile {
            Some(p) => step(Some(0), label, p.id, PROFILE_ROLES),
            None => step(Some(0), label, compute.resource.id, PROFILE),
        });
        let at = path.steps.len() - 1;
        if let Some(profile) = profile.and_then(|p| chains.roles_of_profile(p.id)) {
            for role in &profile.roles {
                if let Link::Resource(role) = role.target {
                    roles.push((at, role));
                }
            }
        }
    }
    for link in &compute.roles {
        if let Link::Resource(role) = link.target {
            roles.push((0, role));
        }
    }
    for (parent, role) in roles {
        path.steps.push(step(
            Some(parent),
            format!("role `{}`", role.id),
            role.id,
            ROLE,
        ));
        let at = path.steps.len() - 1;
        let permissions = model.permissions(role);
        let mut policies: Vec<String> = permissions
            .attached
            .iter()
            .filter_map(|a| a.aws_name.as_deref().map(str::to_string))
            .collect();
        if !permissions.statements.is_empty() {
            policies.push("statements of the template".into());
        }
        if !permissions.unknown_sources.is_empty() {
            policies.push(format!("{} unverified", permissions.unknown_sources.len()));
        }
        let shown = policies.len().min(3);
        let more = policies.len() - shown;
        let mut label = match policies.get(..shown) {
            Some([]) | None => "no policies".to_string(),
            Some(some) => format!("policies: {}", some.join(", ")),
        };
        if more > 0 {
            label.push_str(&format!(" and {more} more"));
        }
        path.steps.push(step(Some(at), label, role.id, POLICIES));
        path.steps
            .push(step(Some(at), "trust policy".into(), role.id, TRUST));
    }
}

fn add_network<'a>(model: &Model<'a>, compute: &Compute<'a>, path: &mut AccessPath) {
    let mut subnets: Vec<String> = model
        .network()
        .placements
        .iter()
        .filter(|p| std::ptr::eq(p.compute, compute.resource))
        .map(|p| match p.subnet {
            Some(id) => format!("subnet `{id}`"),
            None => "a subnet from outside the template".to_string(),
        })
        .collect();
    subnets.dedup();
    for label in subnets.into_iter().take(3) {
        path.steps
            .push(step(Some(0), label, compute.resource.id, NETWORK));
    }
}
