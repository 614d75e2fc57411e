//! The template's `Conditions` as formulas over the values of its parameters, and the
//! questions asked of them: can these conditions take these values in one deployment,
//! is a condition decided, and what does a set of branches imply about a parameter.
//!
//! A parameter's values are told apart only as far as the conditions compare them: each
//! literal a condition compares the parameter with is one class, every other value is
//! one more. `AllowedValues` and a `--parameter` value narrow the classes a parameter can
//! take; a `Default` does not (it can be overridden at deploy time). A comparison
//! ssmlint cannot read (two parameters, an intrinsic it does not compute) is a free
//! truth value. Searches are bounded: past the budget the answer is unknown, never a
//! pruned branch.

use std::cell::RefCell;
use std::collections::HashMap;

use super::When;
use crate::base::Tri;
use crate::syntax::{Node, NodeKind};

/// Steps one search may take before its answer is unknown.
const SEARCH_BUDGET: usize = 20_000;
/// Condition expressions nest at most this deep; deeper is unknown.
const MAX_DEPTH: usize = 64;
/// Answers remembered per template.
const MEMO_LIMIT: usize = 100_000;

#[derive(Debug, Clone)]
enum Formula {
    Const(bool),
    /// The parameter `param` is in class `class`.
    Is {
        param: usize,
        class: usize,
    },
    /// A comparison that cannot be read: any truth value.
    Free(usize),
    Not(Box<Formula>),
    And(Vec<Formula>),
    Or(Vec<Formula>),
    /// Another named condition, by index.
    Named(usize),
}

/// The classes one parameter (or pseudo parameter) can be told apart into.
#[derive(Debug)]
struct Domain<'a> {
    name: &'a str,
    /// Class `i` is `literals[i]`; class `literals.len()` is every other value.
    literals: Vec<String>,
    /// `AllowedValues`, as written.
    allowed: Option<Vec<String>>,
    /// The `--parameter` value.
    given: Option<String>,
    /// Which classes the parameter can take, computed once every condition is read.
    possible: Vec<bool>,
}

impl Domain<'_> {
    fn class_of(&self, value: &str) -> usize {
        self.literals
            .iter()
            .position(|l| l == value)
            .unwrap_or(self.literals.len())
    }

    fn settle(&mut self) {
        let n = self.literals.len() + 1;
        self.possible = match (&self.given, &self.allowed) {
            (Some(v), _) => {
                let mut p = vec![false; n];
                if let Some(slot) = p.get_mut(self.class_of(v)) {
                    *slot = true;
                }
                p
            }
            (None, Some(allowed)) if !allowed.is_empty() => {
                let mut p = vec![false; n];
                for v in allowed {
                    if let Some(slot) = p.get_mut(self.class_of(v)) {
                        *slot = true;
                    }
                }
                p
            }
            _ => vec![true; n],
        };
    }

    /// The allowed values no condition compares with (all of "every other value").
    fn others_allowed(&self) -> Vec<&str> {
        self.allowed
            .iter()
            .flatten()
            .filter(|v| !self.literals.contains(v))
            .map(String::as_str)
            .collect()
    }

    fn possible_classes(&self) -> impl Iterator<Item = usize> + '_ {
        self.possible
            .iter()
            .enumerate()
            .filter(|(_, p)| **p)
            .map(|(i, _)| i)
    }
}

/// What the branches a value rests on imply about one parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParameterValue<'c> {
    /// No condition constrains the parameter here: its default (or `--parameter`) stands.
    Free,
    /// The branches leave exactly this value.
    Exactly(&'c str),
    /// The branches rule out the default: the value is one given at deploy time.
    NotTheDefault,
}

/// One search's state: which class each parameter and which value each free atom has.
struct Assignment {
    params: Vec<Option<usize>>,
    free: Vec<Option<bool>>,
}

/// One question to [`Conditions::possible`]: sorted `(condition, value)` constraints, and
/// a pinned `(parameter domain, value)`.
type Question = (Vec<(usize, bool)>, Option<(usize, usize)>);

/// The compiled conditions of one template.
#[derive(Debug, Default)]
pub struct Conditions<'a> {
    names: HashMap<&'a str, usize>,
    formulas: Vec<Formula>,
    domains: Vec<Domain<'a>>,
    domain_index: HashMap<&'a str, usize>,
    free_atoms: usize,
    /// Answers of [`Conditions::possible`], by sorted constraints and pin.
    memo: RefCell<HashMap<Question, Tri>>,
    /// Some search ran out of budget: its answer was unknown.
    capped: RefCell<bool>,
}

impl<'a> Conditions<'a> {
    /// Reads the `Conditions` and `Parameters` of a template root; `given` are the
    /// `--parameter` values.
    pub fn new(root: &'a Node, given: &HashMap<String, String>) -> Self {
        let mut out = Conditions::default();
        let Some(entries) = root.get("Conditions").and_then(Node::as_map) else {
            return out;
        };
        for (i, entry) in entries.iter().enumerate() {
            out.names.entry(&entry.key).or_insert(i);
        }
        let parameters = root.get("Parameters");
        let formulas: Vec<Formula> = entries
            .iter()
            .map(|e| out.compile(&e.value, parameters, given, 0))
            .collect();
        out.formulas = formulas;
        for d in &mut out.domains {
            d.settle();
        }
        out
    }

    /// Whether the template defines condition `name`.
    pub fn is_defined(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// Whether no condition is defined (every question then has a quick answer).
    pub fn is_empty(&self) -> bool {
        self.formulas.is_empty()
    }

    /// Whether some search gave up (its answer was unknown).
    pub fn capped(&self) -> bool {
        *self.capped.borrow()
    }

    fn compile(
        &mut self,
        node: &'a Node,
        parameters: Option<&'a Node>,
        given: &HashMap<String, String>,
        depth: usize,
    ) -> Formula {
        if depth > MAX_DEPTH {
            return self.free();
        }
        let Some((name, arg)) = node.as_intrinsic() else {
            return match &node.kind {
                NodeKind::Bool(b) => Formula::Const(*b),
                NodeKind::String(s) if s.as_str() == "true" => Formula::Const(true),
                NodeKind::String(s) if s.as_str() == "false" => Formula::Const(false),
                _ => self.free(),
            };
        };
        let args = arg.as_seq().unwrap_or_default();
        match name {
            "Condition" => match arg.as_str().and_then(|n| self.names.get(n)) {
                Some(&i) => Formula::Named(i),
                None => self.free(),
            },
            "Fn::Not" => match args {
                [only] => Formula::Not(Box::new(self.compile(only, parameters, given, depth + 1))),
                _ => self.free(),
            },
            "Fn::And" | "Fn::Or" if !args.is_empty() => {
                let parts = args
                    .iter()
                    .map(|a| self.compile(a, parameters, given, depth + 1))
                    .collect();
                if name == "Fn::And" {
                    Formula::And(parts)
                } else {
                    Formula::Or(parts)
                }
            }
            "Fn::Equals" => match args {
                [a, b] => self.equals(a, b, parameters, given),
                _ => self.free(),
            },
            _ => self.free(),
        }
    }

    fn free(&mut self) -> Formula {
        self.free_atoms += 1;
        Formula::Free(self.free_atoms - 1)
    }

    fn equals(
        &mut self,
        a: &'a Node,
        b: &'a Node,
        parameters: Option<&'a Node>,
        given: &HashMap<String, String>,
    ) -> Formula {
        match (operand(a, parameters, given), operand(b, parameters, given)) {
            (Operand::Literal(x), Operand::Literal(y)) => Formula::Const(x == y),
            (Operand::Parameter(p, param), Operand::Literal(v))
            | (Operand::Literal(v), Operand::Parameter(p, param)) => {
                let d = self.domain(p, param, given);
                let class = match self.domains.get_mut(d) {
                    Some(domain) => match domain.literals.iter().position(|l| *l == v) {
                        Some(i) => i,
                        None => {
                            domain.literals.push(v);
                            domain.literals.len() - 1
                        }
                    },
                    None => return self.free(),
                };
                Formula::Is { param: d, class }
            }
            _ => self.free(),
        }
    }

    fn domain(
        &mut self,
        name: &'a str,
        parameter: Option<&'a Node>,
        given: &HashMap<String, String>,
    ) -> usize {
        if let Some(&i) = self.domain_index.get(name) {
            return i;
        }
        let allowed = parameter
            .and_then(|p| p.get("AllowedValues"))
            .and_then(Node::as_seq)
            .map(|values| values.iter().filter_map(literal).collect());
        self.domains.push(Domain {
            name,
            literals: Vec::new(),
            allowed,
            given: given.get(name).cloned(),
            possible: Vec::new(),
        });
        self.domain_index.insert(name, self.domains.len() - 1);
        self.domains.len() - 1
    }

    /// Whether the conditions can take the values of `when` in one deployment.
    /// Conditions the template does not define are not constrained.
    pub fn possible(&self, when: &When<'_>) -> Tri {
        self.search(when, None)
    }

    /// Whether `when` settles condition `name`: `Some(value)` when every deployment the
    /// branches allow gives it that value.
    pub fn decided(&self, name: &str, when: &When<'_>) -> Option<bool> {
        if !self.is_defined(name) {
            return None;
        }
        let can = |value: bool| {
            let mut w = when.clone();
            w.insert(name, value) && self.possible(&w) != Tri::No
        };
        match (can(true), can(false)) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        }
    }

    /// What the branches of `when` imply about parameter `name`, whose default is
    /// `default` (if any).
    pub fn parameter(
        &self,
        name: &str,
        default: Option<&str>,
        when: &When<'_>,
    ) -> ParameterValue<'_> {
        let Some(&d) = self.domain_index.get(name) else {
            return ParameterValue::Free;
        };
        let Some(domain) = self.domains.get(d) else {
            return ParameterValue::Free;
        };
        let constrained = when.iter().any(|(c, _)| self.is_defined(c));
        if !constrained && domain.given.is_none() && domain.allowed.is_none() {
            return ParameterValue::Free;
        }
        let open: Vec<usize> = domain
            .possible_classes()
            .filter(|&class| self.search(when, Some((d, class))) != Tri::No)
            .collect();
        if let Some(default) = default {
            if open.contains(&domain.class_of(default)) {
                return ParameterValue::Free;
            }
        }
        match open.as_slice() {
            [only] => match domain.literals.get(*only) {
                Some(value) => ParameterValue::Exactly(value),
                // "Any other value", narrowed by `AllowedValues` to a single one.
                None => match domain.others_allowed().as_slice() {
                    [value] => ParameterValue::Exactly(value),
                    _ if default.is_some() => ParameterValue::NotTheDefault,
                    _ => ParameterValue::Free,
                },
            },
            _ if default.is_some() => ParameterValue::NotTheDefault,
            _ => ParameterValue::Free,
        }
    }

    /// The truth of a condition expression written as a value (`Fn::Equals` in a
    /// property) under `when`.
    pub fn truth_of(&self, name: &str, when: &When<'_>) -> Option<bool> {
        self.decided(name, when)
    }

    fn search(&self, when: &When<'_>, pin: Option<(usize, usize)>) -> Tri {
        let mut constraints: Vec<(usize, bool)> = when
            .iter()
            .filter_map(|(c, v)| self.names.get(c).map(|&i| (i, *v)))
            .collect();
        if constraints.is_empty() && pin.is_none() {
            return Tri::Yes;
        }
        constraints.sort_unstable();
        constraints.dedup();
        let key = (constraints, pin);
        if let Some(known) = self.memo.borrow().get(&key) {
            return *known;
        }
        let answer = self.solve(&key.0, pin);
        if answer == Tri::Unknown {
            *self.capped.borrow_mut() = true;
        }
        let mut memo = self.memo.borrow_mut();
        if memo.len() < MEMO_LIMIT {
            memo.insert(key, answer);
        }
        answer
    }

    /// Backtracking over the classes of the parameters and the free atoms the constraints
    /// read: `Yes` when an assignment satisfies them all, `No` when none does, `Unknown`
    /// when the budget runs out first.
    fn solve(&self, constraints: &[(usize, bool)], pin: Option<(usize, usize)>) -> Tri {
        let mut params = Vec::new();
        let mut free = Vec::new();
        let mut seen = vec![false; self.formulas.len()];
        for &(c, _) in constraints {
            if let Some(f) = self.formulas.get(c) {
                if let Some(s) = seen.get_mut(c) {
                    *s = true;
                }
                self.variables(f, &mut seen, &mut params, &mut free, 0);
            }
        }
        let mut assignment = Assignment {
            params: vec![None; self.domains.len()],
            free: vec![None; self.free_atoms],
        };
        if let Some((p, class)) = pin {
            if let Some(slot) = assignment.params.get_mut(p) {
                *slot = Some(class);
            }
            params.retain(|&q| q != p);
        }
        let mut budget = SEARCH_BUDGET;
        self.backtrack(constraints, &params, &free, &mut assignment, &mut budget)
    }

    fn backtrack(
        &self,
        constraints: &[(usize, bool)],
        params: &[usize],
        free: &[usize],
        a: &mut Assignment,
        budget: &mut usize,
    ) -> Tri {
        if *budget == 0 {
            return Tri::Unknown;
        }
        *budget -= 1;
        let mut all = Tri::Yes;
        for &(c, value) in constraints {
            let truth = match self.formulas.get(c) {
                Some(f) => self.eval(f, a, &mut vec![None; self.formulas.len()], 0),
                None => Tri::Unknown,
            };
            let holds = match truth.known() {
                Some(t) => Tri::from_bool(t == value),
                None => Tri::Unknown,
            };
            all = all.and(holds);
            if all == Tri::No {
                return Tri::No;
            }
        }
        if all == Tri::Yes {
            return Tri::Yes;
        }
        // Branch on the first unassigned variable.
        if let Some((&p, rest)) = params.split_first() {
            let classes: Vec<usize> = self
                .domains
                .get(p)
                .map(|d| d.possible_classes().collect())
                .unwrap_or_default();
            let mut answer = Tri::No;
            for class in classes {
                if let Some(slot) = a.params.get_mut(p) {
                    *slot = Some(class);
                }
                let r = self.backtrack(constraints, rest, free, a, budget);
                if let Some(slot) = a.params.get_mut(p) {
                    *slot = None;
                }
                answer = answer.or(r);
                if answer == Tri::Yes {
                    return Tri::Yes;
                }
            }
            return answer;
        }
        if let Some((&f, rest)) = free.split_first() {
            let mut answer = Tri::No;
            for value in [false, true] {
                if let Some(slot) = a.free.get_mut(f) {
                    *slot = Some(value);
                }
                let r = self.backtrack(constraints, params, rest, a, budget);
                if let Some(slot) = a.free.get_mut(f) {
                    *slot = None;
                }
                answer = answer.or(r);
                if answer == Tri::Yes {
                    return Tri::Yes;
                }
            }
            return answer;
        }
        // Every variable is set and still no answer: a cycle of conditions.
        Tri::Unknown
    }

    fn variables(
        &self,
        f: &Formula,
        seen: &mut Vec<bool>,
        params: &mut Vec<usize>,
        free: &mut Vec<usize>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        match f {
            Formula::Const(_) => {}
            Formula::Is { param, .. } => {
                if !params.contains(param) {
                    params.push(*param);
                }
            }
            Formula::Free(i) => {
                if !free.contains(i) {
                    free.push(*i);
                }
            }
            Formula::Not(inner) => self.variables(inner, seen, params, free, depth + 1),
            Formula::And(parts) | Formula::Or(parts) => {
                for p in parts {
                    self.variables(p, seen, params, free, depth + 1);
                }
            }
            Formula::Named(i) => {
                if seen.get(*i).copied().unwrap_or(true) {
                    return;
                }
                if let Some(s) = seen.get_mut(*i) {
                    *s = true;
                }
                if let Some(g) = self.formulas.get(*i) {
                    self.variables(g, seen, params, free, depth + 1);
                }
            }
        }
    }

    /// Kleene evaluation under a partial assignment; each named condition once per call.
    fn eval(&self, f: &Formula, a: &Assignment, memo: &mut Vec<Option<Tri>>, depth: usize) -> Tri {
        if depth > MAX_DEPTH {
            return Tri::Unknown;
        }
        match f {
            Formula::Const(b) => Tri::from_bool(*b),
            Formula::Is { param, class } => match a.params.get(*param).copied().flatten() {
                Some(c) => Tri::from_bool(c == *class),
                None => {
                    let Some(domain) = self.domains.get(*param) else {
                        return Tri::Unknown;
                    };
                    let mut classes = domain.possible_classes();
                    match (classes.next(), classes.next()) {
                        (Some(only), None) => Tri::from_bool(only == *class),
                        _ if !domain.possible.get(*class).copied().unwrap_or(false) => Tri::No,
                        _ => Tri::Unknown,
                    }
                }
            },
            Formula::Free(i) => Tri::from_option(a.free.get(*i).copied().flatten()),
            Formula::Not(inner) => self.eval(inner, a, memo, depth + 1).not(),
            Formula::And(parts) => parts.iter().fold(Tri::Yes, |acc, p| {
                if acc == Tri::No {
                    acc
                } else {
                    acc.and(self.eval(p, a, memo, depth + 1))
                }
            }),
            Formula::Or(parts) => parts.iter().fold(Tri::No, |acc, p| {
                if acc == Tri::Yes {
                    acc
                } else {
                    acc.or(self.eval(p, a, memo, depth + 1))
                }
            }),
            Formula::Named(i) => {
                if let Some(Some(known)) = memo.get(*i) {
                    return *known;
                }
                // Mark while computing: a cycle reads as unknown.
                if let Some(slot) = memo.get_mut(*i) {
                    *slot = Some(Tri::Unknown);
                }
                let value = match self.formulas.get(*i) {
                    Some(g) => self.eval(g, a, memo, depth + 1),
                    None => Tri::Unknown,
                };
                if let Some(slot) = memo.get_mut(*i) {
                    *slot = Some(value);
                }
                value
            }
        }
    }

    /// The parameters the conditions compare with literals.
    pub fn compared_parameters(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.domains.iter().map(|d| d.name)
    }
}

/// One side of an `Fn::Equals`.
enum Operand<'a> {
    Literal(String),
    /// A parameter (or pseudo parameter) and its declaration.
    Parameter(&'a str, Option<&'a Node>),
    Other,
}

fn operand<'a>(
    node: &'a Node,
    parameters: Option<&'a Node>,
    given: &HashMap<String, String>,
) -> Operand<'a> {
    if let Some(text) = literal(node) {
        return Operand::Literal(text);
    }
    let Some(("Ref", target)) = node.as_intrinsic() else {
        return Operand::Other;
    };
    let Some(name) = target.as_str() else {
        return Operand::Other;
    };
    if let Some(value) = given.get(name) {
        return Operand::Literal(value.clone());
    }
    let declared = parameters.and_then(|p| p.get(name));
    let is_list = declared
        .and_then(|p| p.get("Type"))
        .and_then(Node::as_str)
        .is_some_and(|t| t.starts_with("List<") || t == "CommaDelimitedList");
    if is_list {
        return Operand::Other;
    }
    match declared {
        Some(p) => Operand::Parameter(name, Some(p)),
        None if name.starts_with("AWS::") && name != "AWS::NoValue" => {
            Operand::Parameter(name, None)
        }
        None => Operand::Other,
    }
}

/// A scalar as the text CloudFormation compares (`true` is "true").
fn literal(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::String(s) | NodeKind::Number(s) => Some(s.to_string()),
        NodeKind::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conditions(text: &str, given: &[(&str, &str)]) -> (Node, HashMap<String, String>) {
        let root = crate::syntax::parse(text).unwrap_or_else(|e| panic!("{}", e.message));
        let given = given
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        (root, given)
    }

    const ENV: &str = "Parameters:\n  Env:\n    Type: String\n    Default: dev\n  Role:\n    Type: String\n    Default: ''\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  IsDev: !Equals [dev, !Ref Env]\n  HasRole: !Not [!Equals [!Ref Role, '']]\n  ProdWithRole: !And [!Condition IsProd, !Condition HasRole]\n  Anywhere: !Or [!Condition IsProd, !Not [!Condition IsProd]]\n  Region: !Equals [!Ref AWS::Region, us-east-1]\n  Opaque: !Equals [!Select [0, !Ref AWS::NotificationARNs], x]\nResources: {}\n";

    #[test]
    fn exclusive_values_cannot_hold_together() {
        let (root, given) = conditions(ENV, &[]);
        let c = Conditions::new(&root, &given);
        assert_eq!(c.possible(&When::from([("IsProd", true)])), Tri::Yes);
        assert_eq!(
            c.possible(&When::from([("IsProd", true), ("IsDev", true)])),
            Tri::No
        );
        assert_eq!(
            c.possible(&When::from([("IsProd", false), ("IsDev", false)])),
            Tri::Yes
        );
        assert_eq!(
            c.possible(&When::from([("ProdWithRole", true), ("HasRole", false)])),
            Tri::No
        );
        assert_eq!(c.possible(&When::from([("Anywhere", false)])), Tri::No);
        assert_eq!(c.decided("Anywhere", &When::new()), Some(true));
        assert_eq!(c.decided("IsProd", &When::new()), None);
        assert_eq!(
            c.decided("IsDev", &When::from([("IsProd", true)])),
            Some(false)
        );
        assert_eq!(
            c.possible(&When::from([("Opaque", true), ("Region", true)])),
            Tri::Yes
        );
        assert!(c.compared_parameters().any(|p| p == "AWS::Region"));
    }

    #[test]
    fn branches_imply_parameter_values() {
        let (root, given) = conditions(ENV, &[]);
        let c = Conditions::new(&root, &given);
        let has_role = When::from([("HasRole", true)]);
        assert_eq!(
            c.parameter("Role", Some(""), &has_role),
            ParameterValue::NotTheDefault
        );
        assert_eq!(
            c.parameter("Role", Some(""), &When::new()),
            ParameterValue::Free
        );
        assert_eq!(
            c.parameter("Role", Some(""), &When::from([("HasRole", false)])),
            ParameterValue::Free
        );
        let prod = When::from([("IsProd", true)]);
        assert_eq!(
            c.parameter("Env", Some("dev"), &prod),
            ParameterValue::Exactly("prod")
        );
        assert_eq!(c.parameter("Unrelated", None, &prod), ParameterValue::Free);
    }

    #[test]
    fn given_values_and_allowed_values_decide() {
        let (root, given) = conditions(ENV, &[("Env", "prod")]);
        let c = Conditions::new(&root, &given);
        assert_eq!(c.decided("IsProd", &When::new()), Some(true));
        assert_eq!(c.decided("IsDev", &When::new()), Some(false));
        let allowed = ENV.replace(
            "    Default: dev\n",
            "    Default: dev\n    AllowedValues: [dev, test]\n",
        );
        let (root, given) = conditions(&allowed, &[]);
        let c = Conditions::new(&root, &given);
        assert_eq!(c.decided("IsProd", &When::new()), Some(false));
        assert_eq!(c.decided("IsDev", &When::new()), None);
        assert_eq!(
            c.parameter("Env", Some("dev"), &When::from([("IsDev", false)])),
            ParameterValue::Exactly("test")
        );
    }

    #[test]
    fn deep_and_wide_conditions_stay_cheap() {
        // 30 levels, each condition naming the one below twice: linear, not 2^30.
        let mut text = String::from(
            "Parameters:\n  P:\n    Type: String\nConditions:\n  C0: !Equals [!Ref P, x]\n",
        );
        for i in 1..30 {
            text.push_str(&format!(
                "  C{i}: !And [!Condition C{}, !Or [!Condition C{}, !Equals [!Ref P, y]]]\n",
                i - 1,
                i - 1
            ));
        }
        text.push_str("Resources: {}\n");
        let (root, given) = conditions(&text, &[]);
        let c = Conditions::new(&root, &given);
        assert_eq!(c.possible(&When::from([("C29", true)])), Tri::Yes);
        assert_eq!(
            c.possible(&When::from([("C29", true), ("C0", false)])),
            Tri::No
        );
    }
}
