//! The semantic model every rule reads: identity chains, ingress and NACL entries,
//! network paths, session logging, and the policies that grant access. Each analysis is
//! built once per file, on first use, and shared by the rules that need it.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use crate::policy::effective::{Attachments, Permissions};
use crate::syntax::Node;
use crate::template::eval::Evaluator;
use crate::template::model::{Resource, Template};

pub mod access;
pub mod identity;
pub mod ingress;
pub mod launchers;
pub mod link;
pub mod logging;
pub mod network;
pub mod traffic;

/// What one input file holds.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    Template(&'a Template<'a>),
    /// A standalone IAM policy document.
    Policy(PolicyFile<'a>),
    /// A standalone Session Manager document (`aws ssm create-document` input).
    SessionDocument(&'a Node),
}

/// A standalone IAM policy document given as an input file.
#[derive(Debug, Clone, Copy)]
pub struct PolicyFile<'a> {
    /// The document (a bare statement is wrapped in a `Statement` mapping).
    pub document: &'a Node,
    /// Its statements name a `Principal`: a trust or resource policy.
    pub has_principal: bool,
}

/// The analyses of one file, each computed on first use.
pub struct Model<'a> {
    input: Input<'a>,
    eval: &'a Evaluator<'a>,
    launches: OnceCell<Vec<launchers::Launch<'a>>>,
    chains: OnceCell<identity::Chains<'a>>,
    ingress: OnceCell<Vec<ingress::IngressRule<'a>>>,
    nacl: OnceCell<Vec<ingress::NaclEntry<'a>>>,
    network: OnceCell<network::Network<'a>>,
    logging: OnceCell<logging::Logging<'a>>,
    identity_statements: OnceCell<Vec<access::Located<'a>>>,
    trust_statements: OnceCell<Vec<access::Located<'a>>>,
    resource_statements: OnceCell<Vec<access::Located<'a>>>,
    attachments: OnceCell<Attachments<'a>>,
    permissions: RefCell<HashMap<&'a str, Rc<Permissions<'a>>>>,
    human_principals: OnceCell<Vec<&'a Resource<'a>>>,
    human_managed_policies: OnceCell<Vec<access::ManagedGrant<'a>>>,
}

impl<'a> Model<'a> {
    pub fn new(input: Input<'a>, eval: &'a Evaluator<'a>) -> Self {
        Model {
            input,
            eval,
            launches: OnceCell::new(),
            chains: OnceCell::new(),
            ingress: OnceCell::new(),
            nacl: OnceCell::new(),
            network: OnceCell::new(),
            logging: OnceCell::new(),
            identity_statements: OnceCell::new(),
            trust_statements: OnceCell::new(),
            resource_statements: OnceCell::new(),
            attachments: OnceCell::new(),
            permissions: RefCell::new(HashMap::new()),
            human_principals: OnceCell::new(),
            human_managed_policies: OnceCell::new(),
        }
    }

    pub fn input(&self) -> Input<'a> {
        self.input
    }

    /// The template, when the file is one.
    pub fn template(&self) -> Option<&'a Template<'a>> {
        match self.input {
            Input::Template(t) => Some(t),
            _ => None,
        }
    }

    pub fn eval(&self) -> &'a Evaluator<'a> {
        self.eval
    }

    /// Every launch of EC2 instances in the template (see [`launchers`]).
    pub fn launches(&self) -> &[launchers::Launch<'a>] {
        self.launches.get_or_init(|| match self.template() {
            Some(t) => exact(launchers::launches(t, self.eval)),
            None => Vec::new(),
        })
    }

    /// The instance → profile → role chains of every compute resource.
    pub fn chains(&self) -> &identity::Chains<'a> {
        self.chains
            .get_or_init(|| identity::Chains::build(self.template(), self.eval, self))
    }

    /// Every alternative of every security group ingress rule.
    pub fn ingress_rules(&self) -> &[ingress::IngressRule<'a>] {
        self.ingress.get_or_init(|| {
            exact(ingress::ingress_rules(
                self.template(),
                self.eval,
                self.launches(),
            ))
        })
    }

    /// Every alternative of every network ACL entry.
    pub fn nacl_entries(&self) -> &[ingress::NaclEntry<'a>] {
        self.nacl
            .get_or_init(|| exact(ingress::nacl_entries(self.template(), self.eval)))
    }

    /// Subnets, routes, endpoints and where compute resources launch.
    pub fn network(&self) -> &network::Network<'a> {
        self.network
            .get_or_init(|| network::Network::build(self.template(), self.eval, self.launches()))
    }

    /// The Session Manager preferences documents and where their logs go.
    pub fn logging(&self) -> &logging::Logging<'a> {
        self.logging
            .get_or_init(|| logging::Logging::build(self.input, self.eval))
    }

    /// Every statement of every identity policy written in the file.
    pub fn identity_statements(&self) -> &[access::Located<'a>] {
        self.identity_statements.get_or_init(|| {
            exact(access::identity_statements(
                self.input,
                self.eval,
                &self.attachments().documents,
            ))
        })
    }

    /// Every statement of every trust policy written in the file.
    pub fn trust_statements(&self) -> &[access::Located<'a>] {
        self.trust_statements
            .get_or_init(|| exact(access::trust_statements(self.input, self.eval)))
    }

    /// Every statement of every resource-based policy written in the template.
    pub fn resource_statements(&self) -> &[access::Located<'a>] {
        self.resource_statements
            .get_or_init(|| exact(access::resource_statements(self.input, self.eval)))
    }

    /// Users, groups and roles that people can assume (see [`access::human_principals`]).
    pub fn human_principals(&self) -> &[&'a Resource<'a>] {
        self.human_principals
            .get_or_init(|| access::human_principals(self.template(), self.trust_statements()))
    }

    /// The AWS managed policies the human principals attach themselves.
    pub fn human_managed_policies(&self) -> &[access::ManagedGrant<'a>] {
        self.human_managed_policies
            .get_or_init(|| access::human_managed_policies(self.eval, self.human_principals()))
    }

    /// Which policies attach to which principal, and the policy documents read so far.
    fn attachments(&self) -> &Attachments<'a> {
        self.attachments
            .get_or_init(|| Attachments::build(self.eval))
    }

    /// The effective permissions of a role, user or group of the template.
    pub fn permissions(&self, principal: &'a Resource<'a>) -> Rc<Permissions<'a>> {
        if let Some(known) = self.permissions.borrow().get(principal.id) {
            return Rc::clone(known);
        }
        let computed = Rc::new(self.attachments().permissions(self.eval, principal));
        self.permissions
            .borrow_mut()
            .insert(principal.id, Rc::clone(&computed));
        computed
    }
}

/// Test support: the model of `text`, a template, policy or session document.
#[cfg(test)]
pub(crate) fn with_model<R>(text: &str, ask: impl FnOnce(&Model<'_>) -> R) -> R {
    use crate::template::model::{classify, DocumentKind};
    let root = crate::syntax::parse(text).unwrap_or_else(|e| panic!("{}", e.message));
    match classify(&root) {
        DocumentKind::SessionDocument => {
            let eval = Evaluator::plain();
            ask(&Model::new(Input::SessionDocument(&root), &eval))
        }
        DocumentKind::Policy { has_principal, .. } => {
            let eval = Evaluator::plain();
            let file = PolicyFile {
                document: &root,
                has_principal,
            };
            ask(&Model::new(Input::Policy(file), &eval))
        }
        _ => {
            let template = Template::new(&root).with_source_text(text);
            let eval = Evaluator::new(&template, &HashMap::new());
            ask(&Model::new(Input::Template(&template), &eval))
        }
    }
}

/// A cached analysis without spare capacity: it lives as long as the file's lint, and
/// a vector grown by doubling holds up to twice what it needs.
fn exact<T>(mut items: Vec<T>) -> Vec<T> {
    items.shrink_to_fit();
    items
}
