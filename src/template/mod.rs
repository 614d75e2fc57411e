//! The CloudFormation model (parameters, conditions, resources, references) and the
//! evaluation of intrinsic functions over it.

pub mod conditions;
pub mod eval;
pub mod model;
pub mod scenario;
pub mod sub;
pub mod when;

pub use model::{Parameter, Resource, Template};
pub use when::When;

/// Test support: parses `text` as a template and evaluates in it.
#[cfg(test)]
pub(crate) fn with_template<R>(
    text: &str,
    ask: impl FnOnce(&Template<'_>, &eval::Evaluator<'_>) -> R,
) -> R {
    let root = crate::syntax::parse(text).unwrap_or_else(|e| panic!("{}", e.message));
    let template = Template::new(&root).with_source_text(text);
    let eval = eval::Evaluator::new(&template, &std::collections::HashMap::new());
    ask(&template, &eval)
}
