//! Every IAM action of the Service Authorization Reference, embedded from
//! `data/aws/iam-actions.txt` and `data/aws/iam-actions.idx` (written by
//! `scripts/update-aws-data`).
//!
//! The text has four sections: `@services` (prefix TAB name), `@resources` and
//! `@conditions` (comma-joined sets) and `@actions` (`service:Action` TAB access level
//! L/R/W/T/P TAB byte offset of its resource set line TAB of its condition set line, `-`
//! for none), sorted case-insensitively (ASCII). The index holds, as little-endian u32, the
//! numbers of services and actions, the longest `service:Action`, and the byte offsets of
//! the service lines and of the action lines: lookups are binary searches over it, with
//! nothing to parse or build first.
//!
//! IAM compares action names case-insensitively, and so does everything here; results
//! carry the catalog's spelling.

use std::cmp::Ordering;
use std::ops::Range;
use std::sync::OnceLock;

use super::{field_at, line_at, partition_point, u32_at};

const TEXT: &str = include_str!("../../data/aws/iam-actions.txt");
const INDEX: &[u8] = include_bytes!("../../data/aws/iam-actions.idx");

/// The access level the Service Authorization Reference gives an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccessLevel {
    List,
    Read,
    Write,
    Tagging,
    PermissionsManagement,
}

impl AccessLevel {
    /// The name AWS uses: `List`, `Read`, `Write`, `Tagging`, `Permissions management`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::List => "List",
            AccessLevel::Read => "Read",
            AccessLevel::Write => "Write",
            AccessLevel::Tagging => "Tagging",
            AccessLevel::PermissionsManagement => "Permissions management",
        }
    }

    fn from_code(code: &str) -> Option<AccessLevel> {
        Some(match code {
            "L" => AccessLevel::List,
            "R" => AccessLevel::Read,
            "W" => AccessLevel::Write,
            "T" => AccessLevel::Tagging,
            "P" => AccessLevel::PermissionsManagement,
            _ => return None,
        })
    }
}

impl std::fmt::Display for AccessLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One action of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionInfo {
    /// `ssm:StartSession`, as the catalog spells it.
    pub full_name: &'static str,
    /// `ssm`.
    pub service: &'static str,
    /// `StartSession`.
    pub name: &'static str,
    pub level: AccessLevel,
    resources: &'static str,
    conditions: &'static str,
}

impl ActionInfo {
    /// The resource types the action can name (`document`, `instance`, ...; the service's
    /// own names), empty when it only takes `*`.
    pub fn resource_types(&self) -> impl Iterator<Item = &'static str> {
        self.resources.split(',').filter(|s| !s.is_empty())
    }

    /// The condition keys the action supports (`ssm:resourceTag/${TagKey}`, `aws:TagKeys`, ...).
    pub fn condition_keys(&self) -> impl Iterator<Item = &'static str> {
        self.conditions.split(',').filter(|s| !s.is_empty())
    }
}

/// The IAM action catalog: see [`actions`].
#[derive(Debug)]
pub struct ActionCatalog {
    text: &'static str,
    index: &'static [u8],
    services: usize,
    actions: usize,
    /// The longest `service:Action`.
    longest: usize,
}

/// The catalog. Nothing to build: the first call only reads the index's three counts.
pub fn actions() -> &'static ActionCatalog {
    static CATALOG: OnceLock<ActionCatalog> = OnceLock::new();
    CATALOG.get_or_init(|| ActionCatalog::new(TEXT, INDEX))
}

/// The parts of one action line.
struct Line {
    full: &'static str,
    colon: usize,
    level: AccessLevel,
    resources: Option<usize>,
    conditions: Option<usize>,
}

fn parse_line(line: &'static str) -> Option<Line> {
    let mut fields = line.split('\t');
    let full = fields.next()?;
    let colon = full.find(':')?;
    let level = AccessLevel::from_code(fields.next()?)?;
    let set = |field: &str| -> Option<Option<usize>> {
        match field {
            "-" => Some(None),
            offset => offset.parse().ok().map(Some),
        }
    };
    let resources = set(fields.next()?)?;
    let conditions = set(fields.next()?)?;
    Some(Line {
        full,
        colon,
        level,
        resources,
        conditions,
    })
}

impl ActionCatalog {
    /// A catalog over a text and its index; an index that does not fit the text's size is
    /// read as an empty catalog.
    fn new(text: &'static str, index: &'static [u8]) -> ActionCatalog {
        let services = u32_at(index, 0).unwrap_or(0);
        let actions = u32_at(index, 1).unwrap_or(0);
        let longest = u32_at(index, 2).unwrap_or(0);
        let expected = services
            .checked_add(actions)
            .and_then(|n| n.checked_add(3))
            .and_then(|n| n.checked_mul(4));
        if expected != Some(index.len()) {
            return ActionCatalog {
                text,
                index,
                services: 0,
                actions: 0,
                longest: 0,
            };
        }
        ActionCatalog {
            text,
            index,
            services,
            actions,
            longest,
        }
    }

    /// How many actions the catalog has.
    pub fn len(&self) -> usize {
        self.actions
    }

    pub fn is_empty(&self) -> bool {
        self.actions == 0
    }

    /// Every action, sorted case-insensitively.
    pub fn iter(&self) -> impl Iterator<Item = ActionInfo> + '_ {
        (0..self.actions).filter_map(|i| self.info(i))
    }

    /// Every service prefix with its name (`ssm`, `AWS Systems Manager`), sorted by prefix.
    pub fn services(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        (0..self.services).filter_map(|i| self.service_line(i))
    }

    /// Whether `prefix` (`ssm`, `SSM`) is a service prefix of the catalog.
    pub fn is_known_service(&self, prefix: &str) -> bool {
        self.service(prefix).is_some()
    }

    /// The name of the service with this prefix (`AWS Systems Manager` for `ssm`).
    pub fn service_name(&self, prefix: &str) -> Option<&'static str> {
        self.service(prefix).map(|(_, name)| name)
    }

    /// The actions of one service, sorted case-insensitively.
    pub fn service_actions(&self, prefix: &str) -> impl Iterator<Item = ActionInfo> + '_ {
        let range = match self.service(prefix) {
            Some((canonical, _)) => self.service_range(canonical),
            None => 0..0,
        };
        range.filter_map(|i| self.info(i))
    }

    /// The action `service:Action` (case-insensitive), with the catalog's spelling and its
    /// access level. A pattern with wildcards is not an action: see [`Self::expand`].
    pub fn lookup(&self, action: &str) -> Option<ActionInfo> {
        let order = |i: usize| {
            self.name(i).map_or(Ordering::Less, |name| {
                cmp_ci(name.as_bytes(), action.as_bytes())
            })
        };
        let at = partition_point(self.actions, |i| order(i) == Ordering::Less);
        if order(at) != Ordering::Equal {
            return None;
        }
        self.info(at)
    }

    /// The actions an IAM pattern matches, with IAM's semantics: over the whole
    /// `service:Action` string, `*` for any run of characters (also across the `:`), `?`
    /// for one, case-insensitive. `ssm:Start*` gives `ssm:StartAutomationExecution`,
    /// `ssm:StartSession`, ...; `ssm*:*` the actions of `ssm`, `ssm-contacts`,
    /// `ssmmessages`, ...; `*` every action. Sorted case-insensitively.
    pub fn expand(&self, pattern: &str) -> Vec<&'static str> {
        if !has_wildcard(pattern) {
            return self
                .lookup(pattern)
                .map(|a| a.full_name)
                .into_iter()
                .collect();
        }
        let glob = Glob::new(pattern);
        self.candidates(&glob)
            .filter_map(|i| self.name(i))
            .filter(|name| glob.matches(name))
            .collect()
    }

    /// Whether the pattern (or plain action) matches at least one action of the catalog.
    /// No allocation for a plain action; a pattern stops at its first match.
    pub fn matches_any(&self, pattern: &str) -> bool {
        if !has_wildcard(pattern) {
            return self.lookup(pattern).is_some();
        }
        let glob = Glob::new(pattern);
        self.candidates(&glob)
            .filter_map(|i| self.name(i))
            .any(|name| glob.matches(name))
    }

    /// "Did you mean": the catalog action (or pattern) closest to an action that matches
    /// nothing. `ssm:StartSessions` → `ssm:StartSession`, `ssmmessage:CreateControlChannel`
    /// → `ssmmessages:CreateControlChannel`, `ssmmessage:*` → `ssmmessages:*`, `s3:PutObjects`
    /// → `s3:PutObject`. `None` when the action is known (or the pattern matches something),
    /// or when nothing is close.
    pub fn suggest(&self, action: &str) -> Option<String> {
        if self.matches_any(action) {
            return None;
        }
        let (service, name) = action.split_once(':')?;
        if service.is_empty() || name.is_empty() || has_wildcard(service) {
            return None;
        }
        let candidates: Vec<(usize, &'static str)> = match self.service(service) {
            Some((known, _)) => vec![(0, known)],
            None => {
                let limit = if service.len() <= 3 { 1 } else { 2 };
                self.services()
                    .filter_map(|(prefix, _)| distance(service, prefix, limit).map(|d| (d, prefix)))
                    .collect()
            }
        };
        let mut best: Option<(usize, String)> = None;
        let mut consider = |d: usize, text: &dyn Fn() -> String| {
            if best.as_ref().is_none_or(|(bd, _)| d < *bd) {
                best = Some((d, text()));
            }
        };
        if has_wildcard(name) {
            // Only the service can be corrected: `ssmmessage:*` → `ssmmessages:*`.
            for (d, prefix) in candidates {
                let fixed = format!("{prefix}:{name}");
                if d > 0 && self.matches_any(&fixed) {
                    consider(d, &|| fixed.clone());
                }
            }
        } else {
            const MAX_TOTAL: usize = 3;
            let limit = match name.len() {
                0..=4 => 1,
                5..=9 => 2,
                _ => 3,
            };
            for (d, prefix) in candidates {
                for i in self.service_range(prefix) {
                    let Some(full) = self.name(i) else {
                        continue;
                    };
                    let action_name = full.split_once(':').map_or(full, |(_, a)| a);
                    let Some(ad) = distance(name, action_name, limit) else {
                        continue;
                    };
                    let total = d.saturating_add(ad);
                    if total <= MAX_TOTAL {
                        consider(total, &|| full.to_string());
                    }
                }
            }
        }
        best.map(|(_, text)| text)
    }

    /// `(prefix, name)` of service line `i`.
    fn service_line(&self, i: usize) -> Option<(&'static str, &'static str)> {
        if i >= self.services {
            return None;
        }
        let line = line_at(self.text, u32_at(self.index, i.checked_add(3)?)?)?;
        line.split_once('\t')
    }

    fn service_prefix(&self, i: usize) -> Option<&'static str> {
        if i >= self.services {
            return None;
        }
        field_at(self.text, u32_at(self.index, i.checked_add(3)?)?)
    }

    /// `(prefix, name)` of the service `prefix` names, case-insensitively.
    fn service(&self, prefix: &str) -> Option<(&'static str, &'static str)> {
        let order = |i: usize| {
            self.service_prefix(i)
                .map_or(Ordering::Less, |p| cmp_ci(p.as_bytes(), prefix.as_bytes()))
        };
        let at = partition_point(self.services, |i| order(i) == Ordering::Less);
        if order(at) != Ordering::Equal {
            return None;
        }
        self.service_line(at)
    }

    /// Action line `i`.
    fn line(&self, i: usize) -> Option<&'static str> {
        let slot = i.checked_add(3)?.checked_add(self.services)?;
        if i >= self.actions {
            return None;
        }
        line_at(self.text, u32_at(self.index, slot)?)
    }

    /// `service:Action` of action line `i`.
    fn name(&self, i: usize) -> Option<&'static str> {
        let slot = i.checked_add(3)?.checked_add(self.services)?;
        if i >= self.actions {
            return None;
        }
        field_at(self.text, u32_at(self.index, slot)?)
    }

    fn info(&self, i: usize) -> Option<ActionInfo> {
        let line = parse_line(self.line(i)?)?;
        let set = |offset: Option<usize>| match offset {
            Some(at) => line_at(self.text, at).unwrap_or_default(),
            None => "",
        };
        Some(ActionInfo {
            full_name: line.full,
            service: line.full.get(..line.colon)?,
            name: line.full.get(line.colon.checked_add(1)?..)?,
            level: line.level,
            resources: set(line.resources),
            conditions: set(line.conditions),
        })
    }

    /// The action lines whose name starts with `prefix` (case-insensitively): a
    /// contiguous range, since the lines are sorted.
    fn prefix_range(&self, prefix: &[u8]) -> Range<usize> {
        let head = |i: usize| {
            self.name(i).map_or(Ordering::Less, |name| {
                let name = name.as_bytes();
                cmp_ci(name.get(..prefix.len()).unwrap_or(name), prefix)
            })
        };
        let start = partition_point(self.actions, |i| head(i) == Ordering::Less);
        let end = partition_point(self.actions, |i| head(i) != Ordering::Greater);
        start..end.max(start)
    }

    /// The actions of the service `prefix` (as the catalog spells it).
    fn service_range(&self, prefix: &str) -> Range<usize> {
        let mut key = Vec::with_capacity(prefix.len() + 1);
        key.extend_from_slice(prefix.as_bytes());
        key.push(b':');
        self.prefix_range(&key)
    }

    /// The action lines that can match: those starting with the pattern's literal prefix,
    /// and none when the pattern needs more characters than any action has.
    fn candidates(&self, glob: &Glob) -> Range<usize> {
        if glob.min_len > self.longest {
            return 0..0;
        }
        self.prefix_range(glob.literal_prefix())
    }
}

fn has_wildcard(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?')
}

/// ASCII case-insensitive order (the catalog's).
fn cmp_ci(a: &[u8], b: &[u8]) -> Ordering {
    a.iter()
        .map(u8::to_ascii_lowercase)
        .cmp(b.iter().map(u8::to_ascii_lowercase))
}

/// An IAM wildcard pattern, matched on bytes (catalog names are ASCII; a `?` against a
/// non-ASCII character of the pattern side never matters since the text side is ASCII).
struct Glob {
    /// The pattern with runs of `*` collapsed to one.
    pattern: Vec<u8>,
    /// Characters a match needs at least: everything but `*`.
    min_len: usize,
    /// What follows the last `*`, which a match must end with (empty without a `*`).
    suffix: Vec<u8>,
}

impl Glob {
    fn new(pattern: &str) -> Glob {
        let mut collapsed: Vec<u8> = Vec::with_capacity(pattern.len());
        for b in pattern.bytes() {
            if !(b == b'*' && collapsed.last() == Some(&b'*')) {
                collapsed.push(b);
            }
        }
        let min_len = collapsed.iter().filter(|&&b| b != b'*').count();
        let suffix = match collapsed.iter().rposition(|&b| b == b'*') {
            Some(star) => collapsed.get(star + 1..).unwrap_or_default().to_vec(),
            None => Vec::new(),
        };
        Glob {
            pattern: collapsed,
            min_len,
            suffix,
        }
    }

    /// The bytes before the first wildcard.
    fn literal_prefix(&self) -> &[u8] {
        let end = self
            .pattern
            .iter()
            .position(|&b| b == b'*' || b == b'?')
            .unwrap_or(self.pattern.len());
        self.pattern.get(..end).unwrap_or_default()
    }

    /// Iterative matching with one backtrack point (the last `*`): O(pattern × text) at
    /// worst, never exponential.
    fn matches(&self, text: &str) -> bool {
        let (p, t) = (self.pattern.as_slice(), text.as_bytes());
        if t.len() < self.min_len {
            return false;
        }
        // Cheap rejection first (`*Session` against most names).
        let tail = t
            .get(t.len().saturating_sub(self.suffix.len())..)
            .unwrap_or_default();
        let same = |(&pc, &tc): (&u8, &u8)| pc == b'?' || pc.eq_ignore_ascii_case(&tc);
        if !self.suffix.iter().zip(tail).all(same) {
            return false;
        }
        crate::base::text::wildcard_match_bytes(p, t)
    }
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions), ASCII
/// case-insensitive; `None` when it exceeds `limit`.
fn distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<u8> = a.bytes().map(|c| c.to_ascii_lowercase()).collect();
    let b: Vec<u8> = b.bytes().map(|c| c.to_ascii_lowercase()).collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let width = b.len() + 1;
    let mut before: Vec<usize> = vec![0; width];
    let mut previous: Vec<usize> = (0..width).collect();
    let mut current: Vec<usize> = vec![0; width];
    for (i, &ca) in a.iter().enumerate() {
        let mut row_min = i + 1;
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let deletion = previous.get(j + 1).map_or(usize::MAX, |v| v + 1);
            let insertion = current.get(j).map_or(usize::MAX, |v| v + 1);
            let substitution = previous.get(j).map_or(usize::MAX, |v| v + cost);
            let mut value = deletion.min(insertion).min(substitution);
            let transposed = i > 0
                && j > 0
                && a.get(i - 1) == Some(&cb)
                && b.get(j - 1) == Some(&ca)
                && ca != cb;
            if transposed {
                if let Some(v) = before.get(j - 1) {
                    value = value.min(v + 1);
                }
            }
            if let Some(slot) = current.get_mut(j + 1) {
                *slot = value;
            }
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().filter(|&d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds the index of a catalog text the way the generator does (for tests on
    /// hand-written catalogs).
    fn index_of(text: &str) -> Vec<u8> {
        let mut section = "";
        let (mut services, mut actions) = (Vec::new(), Vec::new());
        let mut longest = 0;
        let mut at = 0usize;
        for line in text.split_inclusive('\n') {
            let body = line.trim_end_matches('\n');
            if let Some(header) = body.strip_prefix('@') {
                section = header.split(' ').next().unwrap();
            } else if !body.starts_with('#') {
                match section {
                    "services" => services.push(at as u32),
                    "actions" => {
                        actions.push(at as u32);
                        longest = longest.max(body.split('\t').next().unwrap().len());
                    }
                    _ => {}
                }
            }
            at += line.len();
        }
        let mut out = Vec::new();
        for v in [services.len() as u32, actions.len() as u32, longest as u32]
            .into_iter()
            .chain(services)
            .chain(actions)
        {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    fn catalog_of(text: &str) -> ActionCatalog {
        let text: &'static str = Box::leak(text.to_string().into_boxed_str());
        let index: &'static [u8] = Box::leak(index_of(text).into_boxed_slice());
        ActionCatalog::new(text, index)
    }

    #[test]
    fn the_index_lists_every_line_of_the_catalog() {
        assert!(
            INDEX == index_of(TEXT).as_slice(),
            "iam-actions.idx fits iam-actions.txt"
        );
        let catalog = actions();
        assert_eq!(catalog.len(), 20455);
        assert_eq!(catalog.services().count(), 445);
        let declared: Vec<(String, usize)> = TEXT
            .lines()
            .filter_map(|l| l.strip_prefix('@'))
            .filter_map(|h| h.split_once(' '))
            .map(|(s, n)| (s.to_string(), n.parse().unwrap()))
            .collect();
        assert_eq!(declared.len(), 4);
        assert_eq!(
            declared[0],
            ("services".to_string(), catalog.services().count())
        );
        assert_eq!(declared[3], ("actions".to_string(), catalog.len()));
        // Every line parses, is sorted, and names sets that are set lines.
        let all: Vec<ActionInfo> = catalog.iter().collect();
        assert_eq!(all.len(), catalog.len());
        assert!(all
            .windows(2)
            .all(
                |w| cmp_ci(w[0].full_name.as_bytes(), w[1].full_name.as_bytes()) == Ordering::Less
            ));
        for i in 0..catalog.len() {
            let line = parse_line(catalog.line(i).unwrap()).unwrap();
            for offset in [line.resources, line.conditions].into_iter().flatten() {
                assert!(offset == 0 || TEXT.as_bytes()[offset - 1] == b'\n');
                assert!(!line_at(TEXT, offset).unwrap().is_empty());
            }
        }
        assert_eq!(catalog.line(catalog.len()), None);
        assert_eq!(
            catalog.longest,
            all.iter().map(|a| a.full_name.len()).max().unwrap()
        );
        // Every service has actions, and they add up.
        let covered: usize = catalog
            .services()
            .map(|(p, _)| {
                let n = catalog.service_actions(p).count();
                assert!(n > 0, "{p}");
                n
            })
            .sum();
        assert_eq!(covered, catalog.len());
    }

    #[test]
    fn services_are_case_insensitive() {
        let catalog = actions();
        for prefix in [
            "ssm",
            "SSM",
            "Ssm",
            "ssmmessages",
            "ec2messages",
            "s3",
            "iam",
            "sts",
        ] {
            assert!(catalog.is_known_service(prefix), "{prefix}");
        }
        for prefix in ["ssmmessage", "", "ssm:", "*", "ssm*", "s"] {
            assert!(!catalog.is_known_service(prefix), "{prefix}");
        }
        assert_eq!(catalog.service_name("SSM"), Some("AWS Systems Manager"));
        assert!(catalog
            .service_actions("ssmmessages")
            .any(|a| a.full_name == "ssmmessages:OpenDataChannel"));
    }

    #[test]
    fn lookups_are_case_insensitive_and_canonical() {
        let catalog = actions();
        for spelling in ["ssm:StartSession", "SSM:startsession", "ssm:STARTSESSION"] {
            let info = catalog.lookup(spelling).unwrap();
            assert_eq!(info.full_name, "ssm:StartSession");
            assert_eq!((info.service, info.name), ("ssm", "StartSession"));
            assert_eq!(info.level, AccessLevel::Write);
        }
        let info = catalog.lookup("ssm:StartSession").unwrap();
        assert!(info.resource_types().any(|r| r == "instance"));
        assert!(info.resource_types().any(|r| r == "document"));
        assert!(info
            .condition_keys()
            .any(|c| c == "ssm:SessionDocumentAccessCheck"));
        // The reference files PassRole under permissions management.
        assert_eq!(
            catalog.lookup("iam:PassRole").map(|a| a.level),
            Some(AccessLevel::PermissionsManagement)
        );
        assert_eq!(
            catalog
                .lookup("iam:PutRolePolicy")
                .map(|a| a.level.as_str()),
            Some("Permissions management")
        );
        assert_eq!(
            catalog.lookup("s3:ListAllMyBuckets").map(|a| a.level),
            Some(AccessLevel::List)
        );
        let cancel = catalog.lookup("ssm:CancelCommand").unwrap();
        assert_eq!(cancel.condition_keys().count(), 0);
        for missing in [
            "ssm:StartSessions",
            "ssm:Start*",
            "ssm:",
            ":StartSession",
            "ssm",
            "",
            "ssmStartSession",
            "ssm:StartSession ",
            "ssm::StartSession",
            "ſsm:StartSession",
        ] {
            assert!(catalog.lookup(missing).is_none(), "{missing}");
        }
    }

    #[test]
    fn wildcards_expand_against_the_catalog() {
        let catalog = actions();
        let start = catalog.expand("ssm:Start*");
        for expected in [
            "ssm:StartAutomationExecution",
            "ssm:StartSession",
            "ssm:StartAssociationsOnce",
        ] {
            assert!(start.contains(&expected), "{expected}");
        }
        assert!(start.iter().all(|a| a.starts_with("ssm:Start")));
        assert_eq!(start, catalog.expand("SSM:start*"));

        let ssm_any = catalog.expand("ssm*:*");
        for service in [
            "ssm:",
            "ssmmessages:",
            "ssm-incidents:",
            "ssm-contacts:",
            "ssm-sap:",
        ] {
            assert!(ssm_any.iter().any(|a| a.starts_with(service)), "{service}");
        }
        assert!(ssm_any.iter().all(|a| a.starts_with("ssm")));
        assert!(!ssm_any.iter().any(|a| a.starts_with("ec2messages:")));
        assert_eq!(
            catalog.expand("ssmmessages:*"),
            [
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel"
            ]
        );

        assert_eq!(catalog.expand("*").len(), catalog.len());
        assert_eq!(catalog.expand("*:*").len(), catalog.len());
        assert_eq!(catalog.expand("ssm:StartSession"), ["ssm:StartSession"]);
        assert_eq!(catalog.expand("ssm:startsession"), ["ssm:StartSession"]);
        assert_eq!(catalog.expand("ssm:St?rtSession"), ["ssm:StartSession"]);
        assert!(catalog
            .expand("*:StartSession")
            .contains(&"ssm:StartSession"));
        assert!(catalog.expand("*Session").contains(&"ssm:TerminateSession"));
        assert!(catalog.expand("ssm:StartSessions*").is_empty());
        assert!(catalog.expand("ssmmessage:*").is_empty());
        assert!(catalog.expand("").is_empty());
        assert!(catalog.expand("?").is_empty());
        // `*` also spans the colon, as in IAM.
        assert!(catalog.expand("ssm*Session").contains(&"ssm:StartSession"));
    }

    #[test]
    fn matches_any() {
        let catalog = actions();
        for yes in [
            "ssm:StartSession",
            "SSM:*",
            "*",
            "ssm*:*",
            "ssm:Start*",
            "s3:PutObject",
        ] {
            assert!(catalog.matches_any(yes), "{yes}");
        }
        for no in [
            "ssm:StartSessions",
            "ssmmessage:*",
            "s3:PutObjects",
            "",
            "ssm",
            "x:*",
        ] {
            assert!(!catalog.matches_any(no), "{no}");
        }
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let catalog = actions();
        let started = std::time::Instant::now();
        let nasty = format!("{}b", "*a".repeat(40));
        assert!(catalog.expand(&nasty).is_empty());
        let long = "*".repeat(100_000);
        assert_eq!(catalog.expand(&long).len(), catalog.len());
        let too_long = "a?".repeat(10_000);
        assert!(!catalog.matches_any(&too_long));
        // Not a timing assertion: this only has to finish.
        eprintln!("pathological patterns: {:?}", started.elapsed());
    }

    #[test]
    fn glob_semantics() {
        let m = |p: &str, t: &str| Glob::new(p).matches(t);
        assert!(m("*", ""));
        assert!(m("*", "abc"));
        assert!(m("a*c", "abc"));
        assert!(m("a*c", "ac"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
        assert!(m("A*C", "abc"));
        assert!(!m("a*d", "abc"));
        assert!(m("*a*a*a", "aaa"));
        assert!(!m("*a*a*a*a", "aaa"));
        assert!(m("a**b", "axxb"));
        assert!(!m("", "a"));
        assert!(m("", ""));
        assert!(!m("é", "e"));
    }

    #[test]
    fn suggestions() {
        let catalog = actions();
        let s = |a: &str| catalog.suggest(a);
        assert_eq!(s("ssm:StartSessions").as_deref(), Some("ssm:StartSession"));
        assert_eq!(s("ssm:startsessions").as_deref(), Some("ssm:StartSession"));
        assert_eq!(
            s("ssmmessage:CreateControlChannel").as_deref(),
            Some("ssmmessages:CreateControlChannel")
        );
        assert_eq!(
            s("ssmmessage:CreateControlChanel").as_deref(),
            Some("ssmmessages:CreateControlChannel")
        );
        assert_eq!(s("ssmmessage:*").as_deref(), Some("ssmmessages:*"));
        assert_eq!(s("s3:PutObjects").as_deref(), Some("s3:PutObject"));
        assert_eq!(
            s("ec2:DescribeInstance").as_deref(),
            Some("ec2:DescribeInstances")
        );
        assert_eq!(s("ssm:SatrtSession").as_deref(), Some("ssm:StartSession"));
        // Known actions and matching patterns need no suggestion; far-off names get none.
        for none in [
            "ssm:StartSession",
            "ssm:Start*",
            "ssm:CompletelyUnrelatedName",
            "nosuchservice:StartSession",
            "ssm",
            "",
            ":",
            "ssm:",
            ":StartSession",
            "ssm*:Nothing",
            "ssm:Nothing*Here",
            "é:é",
        ] {
            assert_eq!(s(none), None, "{none}");
        }
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("abc", "abc", 2), Some(0));
        assert_eq!(distance("abc", "ABC", 2), Some(0));
        assert_eq!(distance("abc", "acb", 2), Some(1));
        assert_eq!(distance("abc", "abcd", 2), Some(1));
        assert_eq!(distance("", "ab", 2), Some(2));
        assert_eq!(distance("abc", "xyz", 2), None);
        assert_eq!(distance("kitten", "sitting", 3), Some(3));
        assert_eq!(distance("a", "abcdef", 2), None);
    }

    #[test]
    fn malformed_catalogs_read_as_less_never_a_panic() {
        let head = "@services 2\nssm\tAWS Systems Manager\nbroken\n@resources 1\n";
        let text = format!(
            "{head}instance\n@conditions 0\n@actions 4\nssm:Bad\tX\t-\t-\n\
             ssm:StartSession\tW\t{}\t-\nssm:Z\tW\nssm:ZZ\tW\t99999\tx\n",
            head.len()
        );
        let catalog = catalog_of(&text);
        let info = catalog.lookup("ssm:startsession").unwrap();
        assert_eq!(info.resource_types().collect::<Vec<_>>(), ["instance"]);
        assert_eq!(
            catalog.iter().count(),
            1,
            "the malformed lines read as nothing"
        );
        assert_eq!(
            catalog.expand("*"),
            ["ssm:Bad", "ssm:StartSession", "ssm:Z", "ssm:ZZ"]
        );
        assert!(!catalog.is_known_service("broken"));
        assert_eq!(
            catalog.suggest("ssm:StartSessions").as_deref(),
            Some("ssm:StartSession")
        );
        // An index that does not fit is an empty catalog.
        let text: &'static str = "@actions 1\nssm:StartSession\tW\t-\t-\n";
        for index in [&[][..], &[1, 0, 0, 0][..], &[0xFF; 16][..]] {
            let empty = ActionCatalog::new(text, index);
            assert!(empty.is_empty() && empty.expand("*").is_empty());
            assert!(empty.lookup("ssm:StartSession").is_none() && empty.suggest("a:b").is_none());
        }
        let offsets_out_of_range: &'static [u8] =
            &[0, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 0xFF, 0xFF, 0, 0];
        let odd = ActionCatalog::new(text, offsets_out_of_range);
        assert!(odd.lookup("ssm:StartSession").is_none() && odd.expand("*").is_empty());
    }
}
