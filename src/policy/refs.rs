//! References to template resources inside policy `Resource` values.
//!
//! `!GetAtt LogBucket.Arn` or `!Sub arn:${AWS::Partition}:s3:::${LogBucket}/*` name a
//! resource whose physical name may only be known at deploy time. Such a value is read as
//! a pattern in which each unknown piece is a **token**: a *closed* token for the
//! generated name of a template resource (no literal ARN names it, so the pattern is
//! known: it matches exactly the questions asked about that resource), an *open* token for
//! a parameter or pseudo parameter (which may equal any text, so the pattern also stays
//! unknown). A question asked about the same resource, with an ARN built by
//! [`name_of`]/[`reference_value`] from the same pieces, matches it: equal expressions
//! denote equal strings at deploy time. Tokens never occur in a real ARN.

use crate::template::eval::{Evaluator, Part, ResourceRef, Value};
use crate::template::model::Resource;

/// Brackets a **closed** token: the generated name (or another attribute) of a resource
/// of the template, which no literal ARN names.
pub const CLOSED: char = '\u{1}';
/// Brackets an **open** token: a parameter or pseudo parameter, which may equal any text.
pub const OPEN: char = '\u{2}';
/// Stands for `:` inside a token, so that ARNs holding tokens still split on `:`.
const COLON: char = '\u{3}';

fn bracket(mark: char, inner: &str) -> String {
    format!("{mark}{}{mark}", inner.replace(':', &COLON.to_string()))
}

/// A closed token for the physical value of a template resource (`LogBucket`,
/// `LogBucket.DomainName`).
pub fn token(inner: &str) -> String {
    bracket(CLOSED, inner)
}

/// An open token for a value given at deploy time (`AWS::StackName`, a parameter).
pub fn open_token(inner: &str) -> String {
    bracket(OPEN, inner)
}

/// Whether `text` holds a token (part of its value is not known).
pub fn has_token(text: &str) -> bool {
    text.contains([CLOSED, OPEN])
}

/// Whether `text` holds an open token (it may equal some literal text).
pub fn is_open(text: &str) -> bool {
    text.contains(OPEN)
}

/// The tokens of `text`, each with its brackets.
pub fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<(usize, char)> = None;
    for (i, c) in text.char_indices() {
        match (start, c) {
            (None, CLOSED | OPEN) => start = Some((i, c)),
            (Some((s, mark)), c) if c == mark => {
                out.push(text.get(s..i + c.len_utf8()).unwrap_or_default());
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// `text` with every token replaced by `*`: the patterns a token could stand for.
pub fn tokens_as_wildcards(text: &str) -> String {
    let mut out = text.to_string();
    for t in tokens(text) {
        out = out.replacen(t, "*", 1);
    }
    out
}

/// `text` with every token shown as `${inner}`, for messages.
pub fn display(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in text.chars() {
        match c {
            CLOSED | OPEN => {
                out.push_str(if inside { "}" } else { "${" });
                inside = !inside;
            }
            COLON => out.push(':'),
            c => out.push(c),
        }
    }
    out
}

/// The property that holds the physical name of a resource type, when it has one.
fn name_property(type_name: &str) -> Option<&'static str> {
    Some(match type_name {
        "AWS::S3::Bucket" => "BucketName",
        "AWS::Logs::LogGroup" => "LogGroupName",
        "AWS::SSM::Document" => "Name",
        "AWS::KMS::Alias" => "AliasName",
        "AWS::IAM::Role" => "RoleName",
        "AWS::IAM::User" => "UserName",
        "AWS::IAM::Group" => "GroupName",
        _ => return None,
    })
}

/// The physical name of a template resource: its literal name property, the name built
/// by `!Sub` with tokens for the unknown pieces, or a token for a generated name.
pub fn name_of(eval: &Evaluator<'_>, resource: &Resource<'_>) -> String {
    let node = name_property(resource.type_name).and_then(|p| resource.property(p));
    if let Some(node) = node {
        if let [only] = eval.eval(node).as_slice() {
            match &only.value {
                Value::Str(s) if !s.trim().is_empty() => return s.to_string(),
                Value::Partial(parts) => {
                    if let Some(text) = render_parts(eval, parts, false) {
                        return text;
                    }
                }
                _ => {}
            }
        }
    }
    token(resource.id)
}

/// What `Ref` (attribute `None`) or `Fn::GetAtt` of a template resource gives, as policies
/// spell it: names for `Ref` of named types, canonical ARNs for `Arn` of buckets, log
/// groups and keys, a token otherwise.
pub fn reference_value(eval: &Evaluator<'_>, reference: &ResourceRef<'_>) -> String {
    let Some(resource) = eval.resource(reference.id) else {
        return token(reference.id);
    };
    match (resource.type_name, reference.attribute.as_deref()) {
        (t, None) if name_property(t).is_some() => name_of(eval, resource),
        ("AWS::S3::Bucket", Some("Arn")) => format!("arn:*:s3:::{}", name_of(eval, resource)),
        ("AWS::Logs::LogGroup", Some("Arn")) => {
            format!("arn:*:logs:*:*:log-group:{}:*", name_of(eval, resource))
        }
        ("AWS::KMS::Key", None | Some("KeyId")) => token(resource.id),
        ("AWS::KMS::Key", Some("Arn")) => format!("arn:*:kms:*:*:key/{}", token(resource.id)),
        (_, None) => token(resource.id),
        (_, Some(attribute)) => token(&format!("{}.{attribute}", resource.id)),
    }
}

/// A value that refers to template resources, parameters or pseudo parameters, rendered
/// as a pattern with tokens; `None` for anything else (a literal, an import, …).
pub fn render(eval: &Evaluator<'_>, value: &Value<'_>) -> Option<String> {
    match value {
        Value::Ref(reference) => Some(reference_value(eval, reference)),
        Value::Partial(parts) => render_parts(eval, parts, true),
        Value::Unknown(
            crate::template::eval::Unknown::Parameter(name)
            | crate::template::eval::Unknown::Pseudo(name),
        ) => Some(open_token(name)),
        _ => None,
    }
}

/// Renders a partly known string; `resolve` turns `${Resource}` holes into names/ARNs
/// (off inside names, to avoid following references in circles).
fn render_parts(eval: &Evaluator<'_>, parts: &[Part], resolve: bool) -> Option<String> {
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Literal(text) => out.push_str(text),
            Part::Hole(description) => {
                let inner = description.strip_prefix("${")?.strip_suffix('}')?;
                if inner == "…" || inner.is_empty() {
                    return None;
                }
                let (id, attribute) = match inner.split_once('.') {
                    Some((id, attribute)) => (id, Some(attribute)),
                    None => (inner, None),
                };
                match eval.resource(id) {
                    Some(resource) if resolve => out.push_str(&reference_value(
                        eval,
                        &ResourceRef {
                            id: resource.id,
                            attribute: attribute.map(|a| a.to_string().into()),
                        },
                    )),
                    Some(_) => out.push_str(&token(inner)),
                    None => out.push_str(&open_token(inner)),
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_render_and_widen() {
        let arn = format!(
            "arn:aws:s3:::{}/{}/*",
            token("LogBucket"),
            open_token("AWS::AccountId")
        );
        assert!(has_token(&arn));
        assert!(is_open(&arn));
        assert_eq!(arn.split(':').count(), 6);
        assert_eq!(tokens(&arn).len(), 2);
        assert_eq!(tokens_as_wildcards(&arn), "arn:aws:s3:::*/*/*");
        assert_eq!(
            display(&arn),
            "arn:aws:s3:::${LogBucket}/${AWS::AccountId}/*"
        );
    }
}
