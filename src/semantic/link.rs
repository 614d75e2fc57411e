//! [`Link`]: where a reference in the template leads — a resource of the type it should
//! name, the wrong resource, a logical id that does not exist, or something outside the
//! template. The identity chain (profiles, roles) and the log destinations (bucket, log
//! group, key) resolve their references to it.

use crate::template::model::Resource;

#[derive(Debug, Clone)]
pub enum Link<'a> {
    /// No value in this alternative (absent, null, `AWS::NoValue`, an empty string).
    Missing,
    /// A resource of the template of the expected type, referred to the expected way.
    Resource(&'a Resource<'a>),
    /// A resource of another type, or the wrong attribute of the right one.
    Wrong {
        resource: &'a Resource<'a>,
        attribute: Option<String>,
    },
    /// A logical id the template does not define.
    Undefined(String),
    /// From outside the template (a parameter without default, an import, a literal name
    /// or ARN), described for messages.
    External(String),
    Unknown,
}

impl PartialEq for Link<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Link::Missing, Link::Missing) | (Link::Unknown, Link::Unknown) => true,
            (Link::Resource(a), Link::Resource(b)) => a.id == b.id,
            (
                Link::Wrong {
                    resource: a,
                    attribute: x,
                },
                Link::Wrong {
                    resource: b,
                    attribute: y,
                },
            ) => a.id == b.id && x == y,
            (Link::Undefined(a), Link::Undefined(b)) | (Link::External(a), Link::External(b)) => {
                a == b
            }
            _ => false,
        }
    }
}
