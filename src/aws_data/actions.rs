//! Every IAM action of the Service Authorization Reference, embedded from
//! `data/aws/iam-actions.txt` (written by `scripts/update-aws-data`).
//!
//! The file has four sections: `@services` (prefix TAB name), `@resources` and
//! `@conditions` (comma-joined sets, numbered from 1, 0 being the empty set) and
//! `@actions` (`service:Action` TAB access level L/R/W/T/P TAB resource set TAB condition
//! set), sorted case-insensitively (ASCII). [`actions`] indexes it once, on first use.
//!
//! IAM compares action names case-insensitively, and so does everything here; results
//! carry the catalog's spelling.

use std::cmp::Ordering;
use std::ops::Range;
use std::sync::OnceLock;

const CATALOG: &str = include_str!("../../data/aws/iam-actions.txt");

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

#[derive(Debug)]
struct Service {
    prefix: &'static str,
    name: &'static str,
    /// Its actions, a contiguous range of [`ActionCatalog::actions`].
    actions: Range<usize>,
}

#[derive(Debug)]
struct Entry {
    full: &'static str,
    /// Byte offset of the `:` in `full`.
    colon: usize,
    level: AccessLevel,
    resources: usize,
    conditions: usize,
}

impl Entry {
    fn action_name(&self) -> &'static str {
        self.full
            .get(self.colon.saturating_add(1)..)
            .unwrap_or_default()
    }
}

/// The IAM action catalog: see [`actions`].
#[derive(Debug)]
pub struct ActionCatalog {
    /// Sorted by prefix.
    services: Vec<Service>,
    /// Sorted by `service:Action`, ASCII case-insensitively.
    actions: Vec<Entry>,
    /// Resource and condition sets; index 0 is the empty set.
    resources: Vec<&'static str>,
    conditions: Vec<&'static str>,
    /// The longest `service:Action`.
    longest: usize,
}

/// The catalog, indexed on first use (once per process).
pub fn actions() -> &'static ActionCatalog {
    static CATALOG_INDEX: OnceLock<ActionCatalog> = OnceLock::new();
    CATALOG_INDEX.get_or_init(|| ActionCatalog::parse(CATALOG))
}

impl ActionCatalog {
    /// Indexes a catalog text. Malformed lines are skipped, never a panic; a test checks
    /// that the shipped file has none.
    fn parse(text: &'static str) -> ActionCatalog {
        let mut services = Vec::new();
        let mut actions = Vec::new();
        let mut resources = vec![""];
        let mut conditions = vec![""];
        let mut section = "";
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            if let Some(header) = line.strip_prefix('@') {
                section = header.split(' ').next().unwrap_or_default();
                continue;
            }
            match section {
                "services" => {
                    if let Some((prefix, name)) = line.split_once('\t') {
                        services.push(Service {
                            prefix,
                            name,
                            actions: 0..0,
                        });
                    }
                }
                "resources" => resources.push(line),
                "conditions" => conditions.push(line),
                "actions" => {
                    if let Some(entry) = parse_action(line) {
                        actions.push(entry);
                    }
                }
                _ => {}
            }
        }
        services.sort_by(|a, b| a.prefix.cmp(b.prefix));
        actions.sort_by(|a, b| cmp_ci(a.full, b.full));
        // Each service's actions are contiguous: they all start with `prefix:`.
        let mut start = 0;
        while let Some(first) = actions.get(start) {
            let prefix = first.full.get(..first.colon).unwrap_or_default();
            let len = actions
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|e| e.full.get(..e.colon) == Some(prefix))
                .count()
                .max(1);
            let end = start.saturating_add(len);
            if let Ok(i) = services.binary_search_by(|s| s.prefix.cmp(prefix)) {
                if let Some(service) = services.get_mut(i) {
                    service.actions = start..end;
                }
            }
            start = end;
        }
        let longest = actions.iter().map(|e| e.full.len()).max().unwrap_or(0);
        ActionCatalog {
            services,
            actions,
            resources,
            conditions,
            longest,
        }
    }

    /// How many actions the catalog has.
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// Every action, sorted case-insensitively.
    pub fn iter(&self) -> impl Iterator<Item = ActionInfo> + '_ {
        self.actions.iter().map(|e| self.info(e))
    }

    /// Every service prefix with its name (`ssm`, `AWS Systems Manager`), sorted by prefix.
    pub fn services(&self) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        self.services.iter().map(|s| (s.prefix, s.name))
    }

    /// Whether `prefix` (`ssm`, `SSM`) is a service prefix of the catalog.
    pub fn is_known_service(&self, prefix: &str) -> bool {
        self.service(prefix).is_some()
    }

    /// The name of the service with this prefix (`AWS Systems Manager` for `ssm`).
    pub fn service_name(&self, prefix: &str) -> Option<&'static str> {
        self.service(prefix).map(|s| s.name)
    }

    /// The actions of one service, sorted case-insensitively.
    pub fn service_actions(&self, prefix: &str) -> impl Iterator<Item = ActionInfo> + '_ {
        self.service(prefix)
            .and_then(|s| self.actions.get(s.actions.clone()))
            .unwrap_or_default()
            .iter()
            .map(|e| self.info(e))
    }

    /// The action `service:Action` (case-insensitive), with the catalog's spelling and its
    /// access level. A pattern with wildcards is not an action: see [`Self::expand`].
    pub fn lookup(&self, action: &str) -> Option<ActionInfo> {
        let at = self
            .actions
            .binary_search_by(|e| cmp_ci(e.full, action))
            .ok()?;
        self.actions.get(at).map(|e| self.info(e))
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
            .iter()
            .filter(|e| glob.matches(e.full))
            .map(|e| e.full)
            .collect()
    }

    /// Whether the pattern (or plain action) matches at least one action of the catalog.
    /// No allocation for a plain action; a pattern stops at its first match.
    pub fn matches_any(&self, pattern: &str) -> bool {
        if !has_wildcard(pattern) {
            return self.lookup(pattern).is_some();
        }
        let glob = Glob::new(pattern);
        self.candidates(&glob).iter().any(|e| glob.matches(e.full))
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
        let candidates: Vec<(usize, &Service)> = match self.service(service) {
            Some(known) => vec![(0, known)],
            None => {
                let limit = if service.len() <= 3 { 1 } else { 2 };
                self.services
                    .iter()
                    .filter_map(|s| distance(service, s.prefix, limit).map(|d| (d, s)))
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
            for (d, s) in candidates {
                let fixed = format!("{}:{name}", s.prefix);
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
            for (d, s) in candidates {
                let entries = self.actions.get(s.actions.clone()).unwrap_or_default();
                for e in entries {
                    let Some(ad) = distance(name, e.action_name(), limit) else {
                        continue;
                    };
                    let total = d.saturating_add(ad);
                    if total <= MAX_TOTAL {
                        consider(total, &|| e.full.to_string());
                    }
                }
            }
        }
        best.map(|(_, text)| text)
    }

    fn service(&self, prefix: &str) -> Option<&Service> {
        let at = self
            .services
            .binary_search_by(|s| cmp_ci(s.prefix, prefix))
            .ok()?;
        self.services.get(at)
    }

    fn info(&self, e: &Entry) -> ActionInfo {
        ActionInfo {
            full_name: e.full,
            service: e.full.get(..e.colon).unwrap_or_default(),
            name: e.action_name(),
            level: e.level,
            resources: self.resources.get(e.resources).copied().unwrap_or_default(),
            conditions: self
                .conditions
                .get(e.conditions)
                .copied()
                .unwrap_or_default(),
        }
    }

    /// The entries that can match: those starting with the pattern's literal prefix, and
    /// none when the pattern needs more characters than any action has.
    fn candidates(&self, glob: &Glob) -> &[Entry] {
        if glob.min_len > self.longest {
            return &[];
        }
        let literal = glob.literal_prefix();
        let start = self
            .actions
            .partition_point(|e| cmp_ci_bytes(e.full.as_bytes(), literal) == Ordering::Less);
        let rest = self.actions.get(start..).unwrap_or_default();
        let len = rest
            .iter()
            .take_while(|e| starts_with_ci(e.full, literal))
            .count();
        rest.get(..len).unwrap_or_default()
    }
}

fn parse_action(line: &'static str) -> Option<Entry> {
    let mut fields = line.split('\t');
    let full = fields.next()?;
    let colon = full.find(':')?;
    let level = AccessLevel::from_code(fields.next()?)?;
    let resources = fields.next()?.parse().ok()?;
    let conditions = fields.next()?.parse().ok()?;
    Some(Entry {
        full,
        colon,
        level,
        resources,
        conditions,
    })
}

fn has_wildcard(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?')
}

/// ASCII case-insensitive order (the catalog's).
fn cmp_ci(a: &str, b: &str) -> Ordering {
    cmp_ci_bytes(a.as_bytes(), b.as_bytes())
}

fn cmp_ci_bytes(a: &[u8], b: &[u8]) -> Ordering {
    a.iter()
        .map(u8::to_ascii_lowercase)
        .cmp(b.iter().map(u8::to_ascii_lowercase))
}

fn starts_with_ci(text: &str, prefix: &[u8]) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// An IAM wildcard pattern, matched on bytes (catalog names are ASCII; a `?` against a
/// non-ASCII character of the pattern side never matters since the text side is ASCII).
struct Glob {
    /// The pattern with runs of `*` collapsed to one.
    pattern: Vec<u8>,
    /// Characters a match needs at least: everything but `*`.
    min_len: usize,
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
        Glob {
            pattern: collapsed,
            min_len,
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
        let (mut pi, mut ti) = (0usize, 0usize);
        let mut star: Option<(usize, usize)> = None;
        loop {
            match (p.get(pi), t.get(ti)) {
                (Some(&b'*'), _) => {
                    pi += 1;
                    star = Some((pi, ti));
                    continue;
                }
                (Some(&pc), Some(&tc)) if pc == b'?' || pc.eq_ignore_ascii_case(&tc) => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                (None, None) => return true,
                _ => {}
            }
            match star {
                Some((after_star, from)) if from < t.len() => {
                    star = Some((after_star, from + 1));
                    pi = after_star;
                    ti = from + 1;
                }
                _ => return false,
            }
        }
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

    #[test]
    fn every_line_of_the_catalog_is_indexed() {
        let catalog = actions();
        assert_eq!(catalog.len(), 20455);
        assert_eq!(catalog.services().count(), 445);
        let declared: Vec<(String, usize)> = CATALOG
            .lines()
            .filter_map(|l| l.strip_prefix('@'))
            .filter_map(|h| h.split_once(' '))
            .map(|(s, n)| (s.to_string(), n.parse().unwrap()))
            .collect();
        for (section, count) in declared {
            let have = match section.as_str() {
                "services" => catalog.services.len(),
                "resources" => catalog.resources.len() - 1,
                "conditions" => catalog.conditions.len() - 1,
                "actions" => catalog.actions.len(),
                other => panic!("unknown section {other}"),
            };
            assert_eq!(have, count, "{section}");
        }
        // Every service has its actions, every action its service.
        let covered: usize = catalog.services.iter().map(|s| s.actions.len()).sum();
        assert_eq!(covered, catalog.len());
        assert!(catalog.services.iter().all(|s| !s.actions.is_empty()));
        assert!(catalog
            .actions
            .windows(2)
            .all(|w| cmp_ci(w[0].full, w[1].full) == Ordering::Less));
        assert!(catalog
            .actions
            .iter()
            .all(|e| e.resources < catalog.resources.len()
                && e.conditions < catalog.conditions.len()));
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
    fn malformed_catalog_lines_are_skipped() {
        let text = "@services 2\nssm\tAWS Systems Manager\nbroken\n@resources 0\n@conditions 0\n\
                    @actions 3\nssm:StartSession\tW\t0\t0\nssm:Bad\tX\t0\t0\nnocolon\tW\t0\t0\n\
                    ssm:Short\tW\n";
        let catalog = ActionCatalog::parse(text);
        assert_eq!(catalog.len(), 1);
        assert!(catalog.lookup("ssm:startsession").is_some());
        assert_eq!(catalog.expand("*"), ["ssm:StartSession"]);
        let empty = ActionCatalog::parse("");
        assert!(empty.is_empty() && empty.expand("*").is_empty() && empty.suggest("a:b").is_none());
    }
}
