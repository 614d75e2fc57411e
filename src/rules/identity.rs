//! Instance → profile → role chains (shared by the SSM10x rules).

use crate::template::eval::Evaluator;
use crate::template::model::Template;

pub struct Chains<'a> {
    pub template: &'a Template<'a>,
}

impl<'a> Chains<'a> {
    pub fn build(template: &'a Template<'a>, _eval: &Evaluator<'a>) -> Self {
        Chains { template }
    }
}
