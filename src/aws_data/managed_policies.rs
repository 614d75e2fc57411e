//! Every AWS managed policy, embedded from `data/aws/managed-policies.*`.
//!
//! Four files, written by `scripts/update-aws-data`:
//!
//! - `managed-policies.tsv`: one line per policy, sorted by name (byte order): name, path,
//!   version, update date, deprecated (0/1), source (`data` or `extra`), and the offset and
//!   length of its document in `managed-policies.docs`;
//! - `managed-policies.idx`: little-endian u32, the number of policies then the byte offset
//!   of each TSV line;
//! - `managed-policies.strings`: every distinct JSON string of the documents, JSON-escaped
//!   without quotes, one per line;
//! - `managed-policies.docs`: each document as minified JSON in which every string is
//!   replaced by the byte offset of its line in the string table, written in bytes >= 0x80
//!   that carry 6 bits each, most significant first, with 0x40 set on all but the last.
//!
//! Nothing is parsed ahead: a lookup is a binary search over the index that reads a dozen
//! TSV lines, then decodes that one policy's document, once per process.

use std::cmp::Ordering;
use std::sync::OnceLock;

use super::{field_at, line_at, partition_point, u32_at};

const TSV: &str = include_str!("../../data/aws/managed-policies.tsv");
const IDX: &[u8] = include_bytes!("../../data/aws/managed-policies.idx");
const STRINGS: &str = include_str!("../../data/aws/managed-policies.strings");
const DOCS: &[u8] = include_bytes!("../../data/aws/managed-policies.docs");

/// An AWS managed policy: its default version's document and facts about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManagedPolicy {
    /// The policy name, `AmazonSSMManagedInstanceCore`.
    pub name: &'static str,
    /// The IAM path: `/`, `/service-role/`, `/aws-service-role/`, `/job-function/`,
    /// `/root-task/`. Empty when the data does not know it (75 policies of the data set
    /// have no ARN, 74 of them deprecated); an ARN with any path then names the policy.
    pub path: &'static str,
    /// The default version, `v8`.
    pub version: &'static str,
    /// When the default version was created (`2019-01-24T19:20:51+00:00`); empty when the
    /// data does not say (deprecated policies, the hand-kept ones).
    pub updated: &'static str,
    /// AWS has deprecated the policy: it stays on the entities that had it, and can no
    /// longer be attached to anything else.
    pub deprecated: bool,
    /// Kept by hand in `data/aws/extra-managed-policies/` because the data set lacks it
    /// (AdministratorAccess, PowerUserAccess).
    pub hand_kept: bool,
    /// The policy document as minified JSON text, as AWS returns it (keys in the data set's
    /// order).
    pub document: &'static str,
}

impl ManagedPolicy {
    /// The policy's ARN in `partition` (`aws`, `aws-cn`, `aws-us-gov`, ...); `None` when its
    /// path is unknown.
    pub fn arn(&self, partition: &str) -> Option<String> {
        if self.path.is_empty() {
            return None;
        }
        Some(format!(
            "arn:{partition}:iam::aws:policy{}{}",
            self.path, self.name
        ))
    }
}

/// The parts of an AWS managed policy ARN, `arn:<partition>:iam::aws:policy<path><name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyArn<'a> {
    pub partition: &'a str,
    /// `/` or `/service-role/` and the like, always with both slashes.
    pub path: &'a str,
    pub name: &'a str,
}

/// The partition, account and resource of an IAM ARN,
/// `arn:<partition>:iam::<account>:<resource>`.
pub fn iam_arn_parts(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    Some((partition, account, resource))
}

/// Splits an AWS managed policy ARN (account `aws`) in any partition; `None` for anything
/// else, including customer managed policies (a numeric account).
pub fn parse_policy_arn(arn: &str) -> Option<PolicyArn<'_>> {
    let Some((partition, "aws", resource)) = iam_arn_parts(arn) else {
        return None;
    };
    if !is_partition(partition) {
        return None;
    }
    let rest = resource.strip_prefix("policy")?;
    if !rest.starts_with('/') {
        return None;
    }
    let (dir, name) = rest.rsplit_once('/')?;
    let path = rest.get(..dir.len().checked_add(1)?)?;
    if name.is_empty() || path.contains("//") {
        return None;
    }
    Some(PolicyArn {
        partition,
        path,
        name,
    })
}

/// `aws` or `aws-<something>` (`aws-cn`, `aws-us-gov`, `aws-iso-b`, `aws-eusc`, ...).
fn is_partition(partition: &str) -> bool {
    partition == "aws"
        || partition.strip_prefix("aws-").is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// The managed policy called exactly `name` (IAM names are compared as written).
pub fn managed_policy(name: &str) -> Option<ManagedPolicy> {
    policy_at(index_of(name)?)
}

/// The managed policy whose name equals `name` ignoring ASCII case (a linear scan of the
/// names; for messages like "did you mean", lookups should use [`managed_policy`]).
pub fn managed_policy_ignore_case(name: &str) -> Option<ManagedPolicy> {
    let index = (0..count()).find(|&i| name_at(i).is_some_and(|n| n.eq_ignore_ascii_case(name)))?;
    policy_at(index)
}

/// The managed policy an ARN names: `arn:<partition>:iam::aws:policy[/path]/Name` in any
/// partition. The path must be the policy's own (`service-role/AmazonEC2RoleforSSM`, not
/// `AmazonEC2RoleforSSM`), unless the data does not know the path.
pub fn managed_policy_by_arn(arn: &str) -> Option<ManagedPolicy> {
    let parsed = parse_policy_arn(arn)?;
    let index = index_of(parsed.name)?;
    let row = row_at(index)?;
    if !row.path.is_empty() && row.path != parsed.path {
        return None;
    }
    policy_at(index)
}

/// The names of all managed policies, sorted (byte order).
pub fn managed_policy_names() -> impl Iterator<Item = &'static str> {
    (0..count()).filter_map(name_at)
}

/// All managed policies, sorted by name; each document is decoded as the iterator reaches it.
pub fn managed_policies() -> impl Iterator<Item = ManagedPolicy> {
    (0..count()).filter_map(policy_at)
}

/// One line of the TSV.
#[derive(Debug)]
struct Row {
    name: &'static str,
    path: &'static str,
    version: &'static str,
    updated: &'static str,
    deprecated: bool,
    hand_kept: bool,
    offset: usize,
    len: usize,
}

fn parse_row(line: &'static str) -> Option<Row> {
    let mut fields = line.split('\t');
    let mut next = || fields.next();
    let row = Row {
        name: next()?,
        path: next()?,
        version: next()?,
        updated: next()?,
        deprecated: next()? == "1",
        hand_kept: next()? == "extra",
        offset: next()?.parse().ok()?,
        len: next()?.parse().ok()?,
    };
    Some(row)
}

/// How many policies the index lists.
fn count() -> usize {
    u32_at(IDX, 0).unwrap_or(0)
}

/// TSV line `index` (0-based, header excluded).
fn line(index: usize) -> Option<&'static str> {
    line_at(TSV, u32_at(IDX, index.checked_add(1)?)?)
}

fn name_at(index: usize) -> Option<&'static str> {
    field_at(TSV, u32_at(IDX, index.checked_add(1)?)?)
}

/// A malformed line reads as `None`, never a panic; a test checks that none is.
fn row_at(index: usize) -> Option<Row> {
    parse_row(line(index)?)
}

fn index_of(name: &str) -> Option<usize> {
    let order = |i: usize| name_at(i).map_or(Ordering::Less, |n| n.cmp(name));
    let at = partition_point(count(), |i| order(i) == Ordering::Less);
    (order(at) == Ordering::Equal).then_some(at)
}

fn policy_at(index: usize) -> Option<ManagedPolicy> {
    let row = row_at(index)?;
    Some(ManagedPolicy {
        name: row.name,
        path: row.path,
        version: row.version,
        updated: row.updated,
        deprecated: row.deprecated,
        hand_kept: row.hand_kept,
        document: document_at(index)?,
    })
}

/// The decoded document of row `index`, decoded on first use and kept for the process.
fn document_at(index: usize) -> Option<&'static str> {
    static CACHE: OnceLock<Vec<OnceLock<Option<Box<str>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| (0..count()).map(|_| OnceLock::new()).collect());
    let row = row_at(index)?;
    cache
        .get(index)?
        .get_or_init(|| {
            let stream = DOCS.get(row.offset..row.offset.checked_add(row.len)?)?;
            decode(stream).map(String::into_boxed_str)
        })
        .as_deref()
}

/// The string-table line at byte `offset`: a JSON string's escaped content, without quotes.
fn string(offset: usize) -> Option<&'static str> {
    line_at(STRINGS, offset)
}

/// Rebuilds a document's JSON text from its token stream; `None` if the stream is corrupt.
fn decode(stream: &[u8]) -> Option<String> {
    let mut out = String::with_capacity(stream.len().saturating_mul(7));
    let mut bytes = stream.iter().copied();
    while let Some(byte) = bytes.next() {
        if byte < 0x80 {
            out.push(char::from(byte));
            continue;
        }
        let mut offset = usize::from(byte & 0x3F);
        let mut more = byte & 0x40 != 0;
        while more {
            let next = bytes.next()?;
            if next < 0x80 || offset > usize::MAX >> 12 {
                return None;
            }
            offset = (offset << 6) | usize::from(next & 0x3F);
            more = next & 0x40 != 0;
        }
        out.push('"');
        out.push_str(string(offset)?);
        out.push('"');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_index_lists_every_line_of_the_tsv() {
        let lines: Vec<&str> = TSV.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(count(), lines.len());
        assert_eq!(IDX.len(), 4 * (count() + 1));
        for (i, expected) in lines.iter().enumerate() {
            assert_eq!(line(i), Some(*expected));
            let row = row_at(i).unwrap_or_else(|| panic!("malformed: {expected}"));
            assert!(row.offset + row.len <= DOCS.len());
        }
        let names: Vec<&str> = managed_policy_names().collect();
        assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert_eq!(line(count()), None);
        assert_eq!(index_of(""), None);
        assert_eq!(index_of("\u{10FFFF}"), None);
    }

    #[test]
    fn counts_are_the_data_set_plus_the_hand_kept_policies() {
        assert_eq!(managed_policy_names().count(), 1641 + 2);
        let hand_kept: Vec<&str> = managed_policies()
            .filter(|p| p.hand_kept)
            .map(|p| p.name)
            .collect();
        assert_eq!(hand_kept, ["AdministratorAccess", "PowerUserAccess"]);
    }

    #[test]
    fn every_document_parses_and_has_statements() {
        let mut count = 0;
        for policy in managed_policies() {
            let doc: Value = serde_json::from_str(policy.document)
                .unwrap_or_else(|e| panic!("{}: {e}", policy.name));
            let statements = doc
                .get("Statement")
                .unwrap_or_else(|| panic!("{}", policy.name));
            match statements {
                Value::Array(list) => assert!(!list.is_empty(), "{}", policy.name),
                Value::Object(_) => {}
                other => panic!("{}: Statement is {other}", policy.name),
            }
            assert!(
                doc.get("Version").and_then(Value::as_str) == Some("2012-10-17"),
                "{}",
                policy.name
            );
            assert!(policy.version.starts_with('v'), "{}", policy.name);
            count += 1;
        }
        assert_eq!(count, 1643);
    }

    #[test]
    fn lookups_by_name() {
        let core = managed_policy("AmazonSSMManagedInstanceCore").unwrap();
        assert_eq!(core.path, "/");
        assert_eq!(core.version, "v2");
        assert!(!core.deprecated && !core.hand_kept);
        assert!(core
            .document
            .contains("\"ssmmessages:CreateControlChannel\""));
        assert!(managed_policy("amazonssmmanagedinstancecore").is_none());
        assert_eq!(
            managed_policy_ignore_case("amazonssmmanagedinstancecore").map(|p| p.name),
            Some("AmazonSSMManagedInstanceCore")
        );
        assert!(managed_policy("").is_none());
        assert!(managed_policy("NoSuchPolicy").is_none());

        let admin = managed_policy("AdministratorAccess").unwrap();
        assert!(admin.hand_kept);
        assert_eq!(
            admin.document,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        );
        let power = managed_policy("PowerUserAccess").unwrap();
        assert!(power
            .document
            .contains(r#""NotAction":["iam:*","organizations:*","account:*"]"#));

        // The same document twice is the same text, decoded once.
        let again = managed_policy("AmazonSSMManagedInstanceCore").unwrap();
        assert!(std::ptr::eq(core.document, again.document));
    }

    #[test]
    fn lookups_by_arn_in_every_partition_and_path() {
        for partition in [
            "aws",
            "aws-cn",
            "aws-us-gov",
            "aws-iso",
            "aws-iso-b",
            "aws-eusc",
        ] {
            let arn = format!("arn:{partition}:iam::aws:policy/service-role/AmazonEC2RoleforSSM");
            let p = managed_policy_by_arn(&arn).unwrap_or_else(|| panic!("{arn}"));
            assert_eq!((p.name, p.path), ("AmazonEC2RoleforSSM", "/service-role/"));
            assert_eq!(p.arn(partition).as_deref(), Some(arn.as_str()));
        }
        let slr = managed_policy_by_arn(
            "arn:aws:iam::aws:policy/aws-service-role/AmazonSSMServiceRolePolicy",
        )
        .unwrap();
        assert_eq!(slr.path, "/aws-service-role/");
        assert!(
            managed_policy_by_arn("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess").is_some()
        );
        assert!(managed_policy_by_arn("arn:aws:iam::aws:policy/ReadOnlyAccess").is_some());
        assert!(managed_policy_by_arn("arn:aws:iam::aws:policy/AdministratorAccess").is_some());
        // Wrong or missing path, wrong account, wrong shape.
        for arn in [
            "arn:aws:iam::aws:policy/AmazonEC2RoleforSSM",
            "arn:aws:iam::aws:policy/aws-service-role/AmazonEC2RoleforSSM",
            "arn:aws:iam::aws:policy/service-role/AmazonSSMManagedInstanceCore",
            "arn:aws:iam::aws:policy/AmazonSSMServiceRolePolicy",
            "arn:aws:iam::123456789012:policy/AmazonSSMManagedInstanceCore",
            "arn:aws:iam:us-east-1:aws:policy/AmazonSSMManagedInstanceCore",
            "arn:aws:s3::aws:policy/AmazonSSMManagedInstanceCore",
            "arn:azure:iam::aws:policy/AmazonSSMManagedInstanceCore",
            "arn:aws-:iam::aws:policy/AmazonSSMManagedInstanceCore",
            "arn:aws:iam::aws:policy//AmazonSSMManagedInstanceCore",
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore/",
            "arn:aws:iam::aws:policyAmazonSSMManagedInstanceCore",
            "arn:aws:iam::aws:role/AmazonSSMManagedInstanceCore",
            "arn:aws:iam::aws:policy/amazonssmmanagedinstancecore",
            "AmazonSSMManagedInstanceCore",
            "",
            "arn:aws:iam::aws:policy/",
        ] {
            assert!(managed_policy_by_arn(arn).is_none(), "{arn}");
        }
        // The data has no ARN for these: any path names them.
        let unknown = managed_policy("AWSDataPipelineRole").unwrap();
        assert_eq!(unknown.path, "");
        assert!(unknown.deprecated && unknown.arn("aws").is_none());
        assert!(
            managed_policy_by_arn("arn:aws:iam::aws:policy/service-role/AWSDataPipelineRole")
                .is_some()
        );
    }

    #[test]
    fn parse_arns() {
        assert_eq!(
            parse_policy_arn("arn:aws-cn:iam::aws:policy/a/b/Name"),
            Some(PolicyArn {
                partition: "aws-cn",
                path: "/a/b/",
                name: "Name"
            })
        );
        assert_eq!(
            parse_policy_arn("arn:aws:iam::aws:policy/Name").map(|a| a.path),
            Some("/")
        );
        for bad in [
            "arn:aws:iam::aws:policy",
            "arn:aws:iam::aws",
            "arn:é:iam::aws:policy/X",
        ] {
            assert_eq!(parse_policy_arn(bad), None, "{bad}");
        }
    }

    #[test]
    fn corrupt_streams_decode_to_none_not_a_panic() {
        assert_eq!(decode(b"{"), Some("{".to_string()));
        assert_eq!(decode(&[0xC0]), None, "continuation missing");
        assert_eq!(decode(&[0xC0, 0x01]), None, "continuation below 0x80");
        assert_eq!(
            decode(&[0xFF, 0xFF, 0xFF, 0xBF]),
            None,
            "offset beyond the table"
        );
        assert_eq!(decode(&[0xFF; 64]), None, "overflow");
        assert_eq!(decode(&[0x80]).as_deref(), Some("\"Effect\""));
        assert_eq!(
            decode(&[0x81]).as_deref(),
            Some("\"ffect\""),
            "any offset is a line end"
        );
    }
}
