//! Permission questions asked about **probe ARNs**: the ARN of a session log object,
//! log group, key or preferences document as the SSM Agent or a user would touch it. A
//! physical name known only at deploy time is a token (see [`super::refs`]) that the
//! policies' own `!GetAtt LogBucket.Arn` and `!Sub ...${LogBucket}/*` patterns match; a
//! literal pattern that might or might not match it makes the answer unknown.

use crate::template::eval::Evaluator;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use super::effective::{AttachedPolicy, Entry, Permissions};
use super::managed::Shared;
use super::refs;
use super::{variables_as_wildcards, Decision, Effect, Statement, Target};
use crate::base::Tri;
use crate::syntax::Text;
use crate::template::When;

/// Region and account of the probe ARNs; policies' own regions and accounts are read as
/// this stack's (see [`scoped_here`]).
const REGION: &str = "us-east-1";
const ACCOUNT: &str = "111122223333";
/// A session log object / stream name as the agent writes it (`<session-id>.log`).
const SESSION_ID: &str = "ssmlint-0123456789abcdef0";

pub fn document_arn(name: &str) -> String {
    format!("arn:aws:ssm:{REGION}:{ACCOUNT}:document/{name}")
}

pub fn bucket_arn(name: &str) -> String {
    format!("arn:aws:s3:::{name}")
}

/// A session log object: `<bucket>/<prefix>/<session-id>.log`.
pub fn object_arn(name: &str, prefix: &str) -> String {
    let prefix = prefix.trim_matches('/');
    if prefix.is_empty() {
        format!("arn:aws:s3:::{name}/{SESSION_ID}.log")
    } else {
        format!("arn:aws:s3:::{name}/{prefix}/{SESSION_ID}.log")
    }
}

/// The log group as IAM sees it for group actions (`log-group:NAME:*`).
pub fn log_group_arn(name: &str) -> String {
    format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}:*")
}

pub fn log_stream_arn(name: &str) -> String {
    format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{name}:log-stream:{SESSION_ID}")
}

/// `logs:DescribeLogGroups` is not scoped to one group.
pub fn any_log_group_arn() -> String {
    format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group::log-stream:")
}

/// The key ARN for a key id, key ARN, or `None` for an alias outside the template.
pub fn key_arn(id: &str) -> Option<String> {
    if id.starts_with("arn:") {
        return (!id.contains(":alias/")).then(|| id.to_string());
    }
    if id.starts_with("alias/") {
        return None;
    }
    Some(format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}"))
}

/// A copy of the permissions with every ARN's partition, region and account read as `*`:
/// a literal region or account in a policy is taken to be this stack's. An attached
/// managed policy's widened statements are made once per process and shared, like its
/// statements.
pub fn scoped_here<'a>(perms: &Permissions<'a>) -> Permissions<'a> {
    Permissions {
        statements: perms
            .statements
            .iter()
            .map(|st| std::rc::Rc::new(widen(st)))
            .collect(),
        attached: perms
            .attached
            .iter()
            .map(|a| AttachedPolicy {
                statements: a.statements.as_ref().map(|s| scoped_managed(a, s)),
                ..a.clone()
            })
            .collect(),
        unknown_sources: perms.unknown_sources.clone(),
        boundary: perms.boundary.as_ref().map(|b| Box::new(scoped_here(b))),
    }
}

fn widen<'a>(st: &Statement<'a>) -> Statement<'a> {
    let mut st = st.clone();
    for p in st.resources.known.iter_mut() {
        if let Some(wide) = any_scope(p) {
            *p = Text::from(wide);
        }
    }
    st
}

/// The widened statements of an attached managed policy, cached by policy name.
fn scoped_managed(
    attached: &AttachedPolicy<'_>,
    statements: &Arc<[Statement<'static>]>,
) -> Arc<[Statement<'static>]> {
    static CACHE: OnceLock<Mutex<HashMap<String, Shared>>> = OnceLock::new();
    let Some(name) = attached.aws_name.as_deref() else {
        return statements.iter().map(widen).collect::<Vec<_>>().into();
    };
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = map.get(name) {
        return Arc::clone(known);
    }
    let widened: Arc<[Statement<'static>]> =
        statements.iter().map(widen).collect::<Vec<_>>().into();
    map.insert(name.to_string(), Arc::clone(&widened));
    widened
}

/// The ARN `pattern` with its partition, region and account read as `*`; `None` when it
/// is no ARN (and stays as it is).
fn any_scope(pattern: &str) -> Option<String> {
    let fields: Vec<&str> = pattern.splitn(6, ':').collect();
    match fields.as_slice() {
        [arn, _, service, _, _, resource] if arn.eq_ignore_ascii_case("arn") => {
            Some(format!("arn:*:{service}:*:*:{resource}"))
        }
        _ => None,
    }
}

/// IAM's answer for `action` on the probe ARN `arn` in `scenario`. When the probe holds
/// tokens (a name known only at deploy time), an answer that a literal pattern might
/// overturn is unknown.
pub fn decide(perms: &Permissions<'_>, action: &str, arn: &str, scenario: &When<'_>) -> Decision {
    let decision = perms.decide_for(action, Target::Arn(arn), scenario);
    if !refs::has_token(arn) {
        return decision;
    }
    let might = |effect: Effect, e: Entry| {
        e.statement.effect == effect
            && e.exists_in(scenario) != Tri::No
            && e.statement.covers_action(action) != Tri::No
            && might_cover(e.statement, arn)
    };
    let boundary = perms.boundary.iter().flat_map(|b| b.entries());
    match decision {
        Decision::Allowed if perms.entries().any(|e| might(Effect::Deny, e)) => Decision::Unknown,
        Decision::NotAllowed
            if perms
                .entries()
                .chain(boundary)
                .any(|e| might(Effect::Allow, e)) =>
        {
            Decision::Unknown
        }
        d => d,
    }
}

/// Whether a pattern of the statement might match the probe, whose tokens stand for
/// unknown text. A token both hold is the same text on both sides; any other token of the
/// probe, and open tokens of the pattern, may be anything (`*`); a pattern holding another
/// resource's closed token names that resource, not this one.
fn might_cover(st: &Statement<'_>, probe: &str) -> bool {
    if st.not_resource {
        return true;
    }
    let probe_tokens = refs::tokens(probe);
    st.resources.known.iter().any(|pattern| {
        let pattern_tokens = refs::tokens(pattern);
        let mut p = String::from(&**pattern);
        for t in &pattern_tokens {
            if probe_tokens.contains(t) {
                continue;
            }
            if !refs::is_open(t) {
                return false;
            }
            p = p.replacen(t, "*", 1);
        }
        let mut wide = probe.to_string();
        for t in &probe_tokens {
            if !pattern_tokens.contains(t) {
                wide = wide.replacen(t, "*", 1);
            }
        }
        patterns_intersect(&variables_as_wildcards(&p), &wide)
    })
}

/// The Allow statements that grant `action` on `arn` in `scenario` (positions in
/// [`Permissions::entries`]).
pub fn granting(
    perms: &Permissions<'_>,
    action: &str,
    arn: &str,
    scenario: &When<'_>,
) -> Vec<usize> {
    perms
        .entries()
        .enumerate()
        .filter(|(_, e)| {
            e.statement.effect == Effect::Allow
                && e.applies_to(action, Target::Arn(arn), scenario) == Tri::Yes
        })
        .map(|(i, _)| i)
        .collect()
}

/// The scenarios to decide in: every assignment of the permissions' own template
/// conditions, each together with `when`.
pub fn scenarios<'a>(
    eval: &Evaluator<'_>,
    perms: &Permissions<'a>,
    when: &When<'a>,
) -> Vec<When<'a>> {
    let mut out: Vec<When<'a>> = perms
        .scenarios(eval)
        .iter()
        .filter_map(|s| s.merge(when))
        .collect();
    if out.is_empty() {
        out.push(when.clone());
    }
    out
}

/// Whether some text matches both wildcard patterns (`*`, `?`; case-insensitive).
pub fn patterns_intersect(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut seen = HashSet::new();
    let mut todo = vec![(0usize, 0usize)];
    while let Some((i, j)) = todo.pop() {
        if !seen.insert((i, j)) {
            continue;
        }
        if i == a.len() && j == b.len() {
            return true;
        }
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        if x == Some('*') {
            todo.push((i + 1, j));
            if j < b.len() {
                todo.push((i, j + 1));
            }
        }
        if y == Some('*') {
            todo.push((i, j + 1));
            if i < a.len() {
                todo.push((i + 1, j));
            }
        }
        if let (Some(x), Some(y)) = (x, y) {
            if x != '*' && y != '*' && (x == y || x == '?' || y == '?') {
                todo.push((i + 1, j + 1));
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::effective::principal_permissions;
    use crate::template::with_template;

    const DEFAULT_DOCUMENT: &str = "SSM-SessionManagerRunShell";

    /// A role whose policies name the log bucket and group by `!GetAtt`/`!Sub` is asked
    /// about probe ARNs built from the same generated names.
    #[test]
    fn probes_match_the_templates_own_references() {
        let yaml = "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n  Group:\n    Type: AWS::Logs::LogGroup\n  Other:\n    Type: AWS::S3::Bucket\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - {Effect: Allow, Action: s3:PutObject, Resource: !Sub '${Logs.Arn}/sessions/*'}\n              - {Effect: Allow, Action: s3:GetEncryptionConfiguration, Resource: !GetAtt Other.Arn}\n              - Effect: Allow\n                Action: [logs:CreateLogStream, logs:PutLogEvents]\n                Resource: !Sub arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Group}:*\n              - {Effect: Allow, Action: s3:DeleteBucket, Resource: 'arn:aws:s3:::my-stack-*'}\n";
        with_template(yaml, |template, eval| {
            let role = template
                .resource("Role")
                .unwrap_or_else(|| panic!("no role"));
            let perms = scoped_here(&principal_permissions(eval, role));
            let bucket = refs::name_of(eval, template.resource("Logs").unwrap_or_else(|| panic!()));
            let group = refs::name_of(eval, template.resource("Group").unwrap_or_else(|| panic!()));
            let none = When::new();
            let ask = |action: &str, arn: &str| decide(&perms, action, arn, &none);
            assert_eq!(
                ask("s3:PutObject", &object_arn(&bucket, "sessions")),
                Decision::Allowed
            );
            assert_eq!(
                ask("s3:PutObject", &object_arn(&bucket, "other")),
                Decision::NotAllowed
            );
            // `Other.Arn` names another generated bucket: it does not cover this one.
            assert_eq!(
                ask("s3:GetEncryptionConfiguration", &bucket_arn(&bucket)),
                Decision::NotAllowed
            );
            assert_eq!(
                ask("logs:PutLogEvents", &log_stream_arn(&group)),
                Decision::Allowed
            );
            assert_eq!(
                ask("logs:CreateLogStream", &log_group_arn(&group)),
                Decision::Allowed
            );
            assert_eq!(
                ask("logs:DescribeLogGroups", &any_log_group_arn()),
                Decision::NotAllowed
            );
            // A literal wildcard might match the generated name: unknown, never a finding.
            assert_eq!(
                ask("s3:DeleteBucket", &bucket_arn(&bucket)),
                Decision::Unknown
            );
        });
    }

    #[test]
    fn a_deny_in_another_region_or_account_is_read_as_this_stacks() {
        let yaml = "Resources:\n  U:\n    Type: AWS::IAM::User\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Statement:\n              - {Effect: Allow, Action: 'ssm:*', Resource: '*'}\n              - {Effect: Deny, Action: 'ssm:UpdateDocument', Resource: 'arn:aws:ssm:us-east-2:123456789012:document/SSM-SessionManagerRunShell'}\n";
        with_template(yaml, |template, eval| {
            let user = template.resource("U").unwrap_or_else(|| panic!("no user"));
            let perms = scoped_here(&principal_permissions(eval, user));
            let arn = document_arn(DEFAULT_DOCUMENT);
            let none = When::new();
            assert!(matches!(
                decide(&perms, "ssm:UpdateDocument", &arn, &none),
                Decision::Denied(_)
            ));
            assert_eq!(
                decide(&perms, "ssm:DeleteDocument", &arn, &none),
                Decision::Allowed
            );
            assert_eq!(granting(&perms, "ssm:DeleteDocument", &arn, &none), [0]);
        });
    }

    #[test]
    fn glob_intersection() {
        assert!(patterns_intersect("arn:aws:s3:::my-*", "arn:aws:s3:::*"));
        assert!(patterns_intersect("a*c", "ab*"));
        assert!(!patterns_intersect(
            "arn:aws:s3:::logs/*",
            "arn:aws:s3:::other/*"
        ));
        assert!(patterns_intersect("a?c", "*"));
        assert!(!patterns_intersect("abc", "abd"));
    }
}
