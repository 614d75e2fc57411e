//! Suppressions: `Metadata: {ssmlint: {ignore: [...]}}` on the template or on a resource,
//! and `# ssmlint: ignore[CODE, ...] reason` comments on the line above a key.
//!
//! A suppressed finding is not dropped: it moves to [`FileReport::suppressed`]
//! (crate::engine::FileReport) with the reason, so that SARIF can carry it as a suppression
//! and the summary can count it. A suppression that matches nothing, names an unknown
//! rule, or is malformed is reported as SSM002 `unused-suppression`.
//!
//! Whether a suppression is used does not depend on which rules the run selects: when
//! SSM002 is enabled, the rules named by suppressions run even if they are turned off,
//! and their findings are only used to tell stale suppressions from live ones.

use std::collections::{HashMap, HashSet};

use crate::base::{SourceFile, Span};
use crate::diagnostic::emit::{Snippet, Style};
use crate::engine::LintOptions;
use crate::rules::input::ssm002_unused_suppression::UnusedSuppression;
use crate::rules::{find_rule, Finding, RuleInfo, ALL_RULES};
use crate::syntax::{Node, NodeKind, Syntax};

/// The key under `Metadata` that holds ssmlint's settings.
pub const METADATA_KEY: &str = "ssmlint";

const METADATA_KEYS: &[&str] = &["ignore"];
const ENTRY_KEYS: &[&str] = &["rule", "reason"];
const COMMENT_SYNTAX: &str = "`# ssmlint: ignore[CODE] reason`";

/// Where a suppression is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A `# ssmlint: ignore[...]` comment on the line above a key.
    Comment,
    /// `Metadata: ssmlint: ignore` of a resource.
    Resource,
    /// The template's top-level `Metadata: ssmlint: ignore`.
    Template,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Comment => "comment",
            Origin::Resource => "resource-metadata",
            Origin::Template => "template-metadata",
        }
    }
}

/// A finding hidden by a suppression, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub finding: Finding,
    /// The reason written with the suppression.
    pub reason: Option<String>,
    pub origin: Origin,
    /// Where the suppression is written.
    pub span: Span,
}

#[derive(Debug, Clone)]
enum Scope {
    File,
    /// A resource: findings about it (by logical id) or inside it.
    Resource {
        id: String,
        extent: Span,
    },
    /// The key on `line` and everything nested under it (`extent`).
    Next {
        line: usize,
        extent: Option<Span>,
    },
}

/// One rule named by one suppression.
#[derive(Debug, Clone)]
struct Directive {
    /// The code or name as written.
    written: String,
    /// The rule's code, when it names one.
    code: Option<&'static str>,
    /// The rule's name, when it names one.
    name: &'static str,
    reason: Option<String>,
    span: Span,
    origin: Origin,
    scope: Scope,
    used: bool,
}

impl Directive {
    fn matches(&self, finding: &Finding, source: &SourceFile) -> bool {
        if self.code != Some(finding.code) {
            return false;
        }
        let inside = |extent: &Span| {
            extent.start() <= finding.span.start()
                && finding.span.start() < extent.end().max(extent.start() + 1)
        };
        match &self.scope {
            Scope::File => true,
            Scope::Resource { id, extent } => {
                finding.resource.as_deref() == Some(id.as_str()) || inside(extent)
            }
            Scope::Next { line, extent } => {
                extent.as_ref().is_some_and(inside) || source.line_of(finding.span.start()) == *line
            }
        }
    }

    fn resource(&self) -> Option<&str> {
        match &self.scope {
            Scope::Resource { id, .. } => Some(id),
            _ => None,
        }
    }

    /// "on resource `X`", "in this file", "on the next line".
    fn place(&self) -> String {
        match &self.scope {
            Scope::File => "in this template".to_string(),
            Scope::Resource { id, .. } => format!("on resource `{id}`"),
            Scope::Next {
                extent: Some(_), ..
            } => "on the key below it".to_string(),
            Scope::Next { extent: None, .. } => "(no key follows the comment)".to_string(),
        }
    }
}

/// Directives of one rule with the same scope: they match the same findings.
#[derive(Debug)]
struct Group {
    /// Indices into the directives, in their order.
    members: Vec<usize>,
    /// The first member with a reason.
    first_reason: Option<usize>,
    used: bool,
}

/// Where a scope is, to look its groups up.
#[derive(Debug, PartialEq, Eq, Hash)]
enum ScopeKey {
    File,
    Resource(String),
    Next(usize),
}

/// The directives of one rule code, grouped by scope and indexed by place.
#[derive(Debug, Default)]
struct CodeIndex {
    groups: Vec<Group>,
    by_scope: HashMap<ScopeKey, usize>,
    /// Groups by the line a comment points at.
    by_line: HashMap<usize, usize>,
    /// Groups by the extent (of a resource, or of the key below a comment) that holds
    /// their findings.
    extents: Stabbing,
}

impl CodeIndex {
    #[allow(
        clippy::indexing_slicing,
        reason = "group indices come from the index's own map"
    )]
    fn add(&mut self, i: usize, d: &Directive) {
        let key = match &d.scope {
            Scope::File => ScopeKey::File,
            Scope::Resource { id, .. } => ScopeKey::Resource(id.clone()),
            Scope::Next { line, .. } => ScopeKey::Next(*line),
        };
        let g = match self.by_scope.get(&key) {
            Some(&g) => g,
            None => {
                let g = self.groups.len();
                self.groups.push(Group {
                    members: Vec::new(),
                    first_reason: None,
                    used: false,
                });
                match &d.scope {
                    Scope::File => {}
                    Scope::Resource { extent, .. } => self.extents.add(*extent, g),
                    Scope::Next { line, extent } => {
                        self.by_line.insert(*line, g);
                        if let Some(extent) = extent {
                            self.extents.add(*extent, g);
                        }
                    }
                }
                self.by_scope.insert(key, g);
                g
            }
        };
        let group = &mut self.groups[g];
        group.members.push(i);
        if group.first_reason.is_none() && d.reason.is_some() {
            group.first_reason = Some(i);
        }
    }

    /// The groups that may match a finding (each checked with [`Directive::matches`]).
    fn candidates(&self, finding: &Finding, source: &SourceFile) -> Vec<usize> {
        let mut out = Vec::new();
        out.extend(self.by_scope.get(&ScopeKey::File));
        if let Some(id) = &finding.resource {
            out.extend(self.by_scope.get(&ScopeKey::Resource(id.clone())));
        }
        out.extend(self.by_line.get(&source.line_of(finding.span.start())));
        self.extents.containing(finding.span.start(), &mut out);
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Intervals, and the ones that hold a point: sorted by start, with the furthest end of
/// each range of them in a segment tree, so a query costs O(log n) per interval found.
#[derive(Debug, Default)]
struct Stabbing {
    /// (start, end, group), an empty extent holding its start.
    items: Vec<(usize, usize, usize)>,
    tree: Vec<usize>,
    size: usize,
}

impl Stabbing {
    fn add(&mut self, extent: Span, group: usize) {
        let end = extent.end().max(extent.start() + 1);
        self.items.push((extent.start(), end, group));
    }

    #[allow(
        clippy::indexing_slicing,
        reason = "a segment tree: nodes 1..2*size, leaves at size.."
    )]
    fn build(&mut self) {
        self.items.sort_unstable();
        self.size = self.items.len().next_power_of_two();
        self.tree = vec![0; 2 * self.size];
        for (i, item) in self.items.iter().enumerate() {
            self.tree[self.size + i] = item.1;
        }
        for node in (1..self.size).rev() {
            self.tree[node] = self.tree[2 * node].max(self.tree[2 * node + 1]);
        }
    }

    /// Adds the groups of the intervals holding `at`.
    #[allow(
        clippy::indexing_slicing,
        reason = "a segment tree: nodes 1..2*size, leaves at size.."
    )]
    fn containing(&self, at: usize, out: &mut Vec<usize>) {
        if self.items.is_empty() {
            return;
        }
        let starts_before = self.items.partition_point(|item| item.0 <= at);
        let mut todo = vec![(1usize, 0usize, self.size)];
        while let Some((node, lo, hi)) = todo.pop() {
            if lo >= starts_before || self.tree[node] <= at {
                continue;
            }
            if hi - lo == 1 {
                out.push(self.items[lo].2);
                continue;
            }
            let mid = (lo + hi) / 2;
            todo.push((2 * node, lo, mid));
            todo.push((2 * node + 1, mid, hi));
        }
    }
}

/// A malformed suppression.
#[derive(Debug, Clone)]
struct Problem {
    span: Span,
    message: String,
    label: String,
    resource: Option<String>,
}

/// The suppressions written in one file.
#[derive(Debug, Default)]
pub struct Suppressions {
    directives: Vec<Directive>,
    /// The directives of each rule code, grouped by scope and indexed by place: a finding
    /// is matched against the few groups that can hold it (matching every finding against
    /// every directive made 20,000 comments take minutes).
    by_code: HashMap<&'static str, CodeIndex>,
    problems: Vec<Problem>,
    /// The codes and names of the run's Guard rules (`--rules`), for "did you mean".
    guard_names: Vec<&'static str>,
    /// The file is JSON: help shows JSON, and no comment form.
    json: bool,
}

impl Suppressions {
    /// Reads the suppressions of a parsed file: metadata when `template` is true (the
    /// document is a CloudFormation template), comments when the file was read as YAML. Rules are
    /// named by built-in code or name, or by the code or name of one of the run's Guard
    /// rules (`options.guard`: `GUARD:<rule>` or a header's code).
    pub fn collect(
        source: &SourceFile,
        root: &Node,
        syntax: Syntax,
        template: bool,
        options: &LintOptions,
    ) -> Suppressions {
        let mut out = Suppressions {
            guard_names: options
                .guard
                .user_rules()
                .into_iter()
                .flat_map(|m| [m.code, m.name])
                .collect(),
            json: syntax == Syntax::Json,
            ..Suppressions::default()
        };
        if template {
            if let Some(metadata) = root.get("Metadata") {
                out.metadata(metadata, Scope::File, Origin::Template, None);
            }
            if let Some(resources) = root.get("Resources").and_then(Node::as_map) {
                for entry in resources {
                    if let Some(metadata) = entry.value.get("Metadata") {
                        let scope = Scope::Resource {
                            id: entry.key.to_string(),
                            extent: entry.key_span.join(entry.value.span),
                        };
                        out.metadata(metadata, scope, Origin::Resource, Some(&entry.key));
                    }
                }
            }
        }
        if syntax == Syntax::Yaml {
            out.comments(source, root);
        }
        for d in &mut out.directives {
            if let Some(meta) = find_rule(&d.written)
                .map(|r| r.meta())
                .or_else(|| options.guard.find(&d.written))
            {
                d.code = Some(meta.code);
                d.name = meta.name;
            }
        }
        // Most specific first: a comment's reason wins over the resource's and the file's.
        out.directives.sort_by_key(|d| (d.origin, d.span.start()));
        for (i, d) in out.directives.iter().enumerate() {
            if let Some(code) = d.code {
                out.by_code.entry(code).or_default().add(i, d);
            }
        }
        for index in out.by_code.values_mut() {
            index.extents.build();
        }
        out
    }

    /// True when the file has no suppression at all.
    pub fn is_empty(&self) -> bool {
        self.directives.is_empty() && self.problems.is_empty()
    }

    /// Whether `code` must run: it is enabled, or SSM002 is enabled and a suppression
    /// names it (so that its findings tell whether the suppression is still needed).
    pub fn should_run(&self, code: &str, options: &LintOptions) -> bool {
        options.is_enabled(code)
            || (options.is_enabled(UnusedSuppression.meta().code)
                && self.by_code.contains_key(code))
    }

    /// Splits `findings` into those reported and those suppressed, and adds an SSM002
    /// finding for each unused, unknown or malformed suppression (when SSM002 is enabled).
    /// Findings of rules that are not enabled are only used to mark suppressions as used.
    pub fn apply(
        mut self,
        findings: Vec<Finding>,
        source: &SourceFile,
        options: &LintOptions,
    ) -> (Vec<Finding>, Vec<Suppressed>) {
        let ssm002 = UnusedSuppression.meta().code;
        let mut kept = Vec::with_capacity(findings.len());
        let mut suppressed = Vec::new();
        for finding in findings {
            match self.suppress(finding, source, options, |d| d.code != Some(ssm002)) {
                Ok(Some(s)) => suppressed.push(s),
                Ok(None) => {}
                Err(finding) => kept.push(*finding),
            }
        }
        if options.is_enabled(ssm002) {
            for finding in self.unused_findings(|d| d.code != Some(ssm002)) {
                // `ignore: [SSM002]` silences these in its scope.
                match self.suppress(finding, source, options, |d| d.code == Some(ssm002)) {
                    Ok(Some(s)) => suppressed.push(s),
                    Ok(None) => {}
                    Err(finding) => kept.push(*finding),
                }
            }
            kept.extend(self.unused_findings(|d| d.code == Some(ssm002)));
        }
        suppressed.sort_by(|a, b| {
            (a.finding.span.start(), a.finding.code, &a.finding.message).cmp(&(
                b.finding.span.start(),
                b.finding.code,
                &b.finding.message,
            ))
        });
        suppressed.dedup();
        (kept, suppressed)
    }

    /// The suppressed finding when a directive selected by `which` matches it (every
    /// such directive is marked used), `Ok(None)` when one does but the rule is not
    /// enabled (the finding is dropped), `Err(finding)` when none does.
    #[allow(
        clippy::indexing_slicing,
        reason = "group and directive indices come from the index built over `directives`, and groups are never empty"
    )]
    fn suppress(
        &mut self,
        mut finding: Finding,
        source: &SourceFile,
        options: &LintOptions,
        which: impl Fn(&Directive) -> bool,
    ) -> Result<Option<Suppressed>, Box<Finding>> {
        let Some(index) = self.by_code.get_mut(finding.code) else {
            return Err(Box::new(finding));
        };
        let mut groups = index.candidates(&finding, source);
        groups.retain(|&g| {
            let group = &index.groups[g];
            let d = &self.directives[group.members[0]];
            which(d) && d.matches(&finding, source)
        });
        // The first directive that matches names the suppression; the first with a reason
        // gives it.
        let mut first: Option<usize> = None;
        let mut with_reason: Option<usize> = None;
        for &g in &groups {
            let group = &mut index.groups[g];
            group.used = true;
            first = first.min(Some(group.members[0])).or(Some(group.members[0]));
            if let Some(r) = group.first_reason {
                with_reason = with_reason.min(Some(r)).or(Some(r));
            }
        }
        let Some(first) = first else {
            return Err(Box::new(finding));
        };
        let reason = with_reason.and_then(|r| self.directives[r].reason.clone());
        if !options.is_enabled(finding.code) {
            return Ok(None);
        }
        if let Some(rule) = find_rule(finding.code) {
            finding.severity = options.severity_of(rule.meta());
        } else if let Some(level) = options.severities.get(finding.code) {
            finding.severity = *level;
        }
        let d = &self.directives[first];
        Ok(Some(Suppressed {
            finding,
            reason,
            origin: d.origin,
            span: d.span,
        }))
    }

    /// How a suppression is written, in the file's language (JSON has no comments).
    fn how_to_write(&self) -> String {
        let style = Style {
            json: self.json,
            ..Style::default()
        };
        let code = || Snippet::str("CODE");
        let metadata = Snippet::map([(
            "ssmlint",
            Snippet::map([("ignore", Snippet::Seq(vec![code()]))]),
        )]);
        let entry = Snippet::map([("rule", code()), ("reason", Snippet::str("..."))]);
        let comment = if self.json {
            String::new()
        } else {
            format!(" or {COMMENT_SYNTAX}")
        };
        format!(
            "write `{}`{comment}; an entry is a rule code or name, or `{}`",
            style.inline_pair("Metadata", &metadata),
            style.inline(&entry)
        )
    }

    /// SSM002 findings for the malformed suppressions (on the first call) and for the
    /// directives selected by `which` that are unknown or unused.
    #[allow(
        clippy::indexing_slicing,
        reason = "indices of `directives` from its own enumeration"
    )]
    fn unused_findings(&mut self, which: impl Fn(&Directive) -> bool) -> Vec<Finding> {
        for index in self.by_code.values() {
            for group in index.groups.iter().filter(|g| g.used) {
                for &i in &group.members {
                    self.directives[i].used = true;
                }
            }
        }
        let meta = UnusedSuppression.meta();
        let how = self.how_to_write();
        let mut out: Vec<Finding> = std::mem::take(&mut self.problems)
            .into_iter()
            .map(|p| {
                let finding = Finding::new(meta, p.span, p.message)
                    .label(p.label)
                    .help(how.clone());
                match p.resource {
                    Some(id) => finding.resource(id),
                    None => finding,
                }
            })
            .collect();
        let mut closest: HashMap<&str, Option<&'static str>> = HashMap::new();
        for d in self.directives.iter().filter(|d| which(d) && !d.used) {
            let finding = match d.code {
                None => Finding::new(
                    meta,
                    d.span,
                    format!(
                        "suppression names `{}`, which is no ssmlint rule",
                        d.written
                    ),
                )
                .label("unknown rule")
                .help(
                    match *closest
                        .entry(d.written.as_str())
                        .or_insert_with(|| closest_rule(&d.written, &self.guard_names))
                    {
                        Some(best) => format!("did you mean `{best}`? `ssmlint rules` lists them"),
                        None => "`ssmlint rules` lists the rule codes and names".to_string(),
                    },
                ),
                Some(code) => {
                    let name = d.name;
                    Finding::new(
                        meta,
                        d.span,
                        format!(
                            "unused suppression: {code} {name} reports nothing {}",
                            d.place()
                        ),
                    )
                    .label("suppresses nothing")
                    .help("remove it, so that a finding it would hide in future is reported")
                }
            };
            out.push(match d.resource() {
                Some(id) => finding.resource(id),
                None => finding,
            });
        }
        out
    }

    /// Reads `Metadata: ssmlint: ignore: [...]`.
    fn metadata(&mut self, metadata: &Node, scope: Scope, origin: Origin, resource: Option<&str>) {
        let Some(ours) = metadata.entry(METADATA_KEY) else {
            return;
        };
        let problem = |span: Span, message: String, label: &str| Problem {
            span,
            message,
            label: label.to_string(),
            resource: resource.map(str::to_string),
        };
        let Some(map) = ours.value.as_map() else {
            self.problems.push(problem(
                ours.value.span,
                format!(
                    "`Metadata: ssmlint` must be a mapping with `ignore`, not a {}",
                    ours.value.type_name()
                ),
                "expected `ignore: [...]`",
            ));
            return;
        };
        for entry in map {
            if METADATA_KEYS.contains(&entry.key.as_str()) {
                continue;
            }
            let hint = did_you_mean(&entry.key, METADATA_KEYS);
            self.problems.push(problem(
                entry.key_span,
                format!("unknown key `{}` in `Metadata: ssmlint`{hint}", entry.key),
                "unknown key",
            ));
        }
        let Some(ignore) = ours.value.get("ignore") else {
            return;
        };
        let items: &[Node] = match &ignore.kind {
            NodeKind::Seq(items) => items,
            NodeKind::String(_) | NodeKind::Map(_) => std::slice::from_ref(ignore),
            _ => {
                self.problems.push(problem(
                    ignore.span,
                    format!(
                        "`ignore` must be a list of rule codes or names, not a {}",
                        ignore.type_name()
                    ),
                    "expected a list",
                ));
                return;
            }
        };
        for item in items {
            let (rule, reason) = match &item.kind {
                NodeKind::String(_) => (item, None),
                NodeKind::Map(entries) => {
                    for e in entries {
                        if !ENTRY_KEYS.contains(&e.key.as_str()) {
                            let hint = did_you_mean(&e.key, ENTRY_KEYS);
                            self.problems.push(problem(
                                e.key_span,
                                format!("unknown key `{}` in a suppression{hint}", e.key),
                                "unknown key",
                            ));
                        }
                    }
                    let Some(rule) = item.get("rule") else {
                        self.problems.push(problem(
                            item.span,
                            "a suppression entry needs `rule: CODE`".to_string(),
                            "no `rule`",
                        ));
                        continue;
                    };
                    let reason = item
                        .get("reason")
                        .and_then(Node::as_scalar)
                        .map(|r| r.trim().to_string())
                        .filter(|r| !r.is_empty());
                    (rule, reason)
                }
                _ => {
                    self.problems.push(problem(
                        item.span,
                        format!(
                            "a suppression entry is a rule code or name, not a {}",
                            item.type_name()
                        ),
                        "expected a rule code or name",
                    ));
                    continue;
                }
            };
            let Some(written) = rule.as_str() else {
                self.problems.push(problem(
                    rule.span,
                    format!(
                        "`rule` must be a rule code or name, not a {}",
                        rule.type_name()
                    ),
                    "expected a rule code or name",
                ));
                continue;
            };
            let written = written.trim();
            self.directives.push(Directive {
                written: written.to_string(),
                code: None,
                name: "",
                reason,
                span: rule.span,
                origin,
                scope: scope.clone(),
                used: false,
            });
        }
    }

    /// Reads `# ssmlint: ignore[...]` comments (full-line YAML comments, not text inside
    /// a multi-line string).
    #[allow(
        clippy::indexing_slicing,
        reason = "per-line tables sized to the line count, plus one"
    )]
    fn comments(&mut self, source: &SourceFile, root: &Node) {
        let text: &str = &source.text;
        if !text.contains("ssmlint") {
            return;
        }
        let mut multiline = Vec::new();
        multiline_scalars(root, text, &mut multiline);
        // Disjoint (strings do not nest): sorted, a line start is found by bisection.
        multiline.sort_unstable();
        let in_multiline = |at: usize| {
            let before = multiline.partition_point(|s: &Span| s.start() <= at);
            before > 0 && at < multiline[before - 1].end()
        };
        let lines: Vec<(usize, &str)> = line_offsets(text);
        let in_block = block_scalar_lines(&lines);
        let is_comment = |line: &str| line.trim_start().starts_with('#');
        // For each line, the index of the first line at or below it that is not a comment
        // (one pass from the end: a run of 20,000 comment lines is not walked 20,000 times).
        let mut next_code_line = vec![lines.len(); lines.len() + 1];
        for (index, &(_, line)) in lines.iter().enumerate().rev() {
            next_code_line[index] = if is_comment(line) {
                next_code_line[index + 1]
            } else {
                index
            };
        }
        // The lines the comments point at, and the largest key or item starting on each,
        // found in one walk of the tree.
        let mut targets: HashSet<usize> = HashSet::new();
        for (index, &(_, line)) in lines.iter().enumerate() {
            if line.trim_start().starts_with('#') && line.contains("ssmlint:") {
                let target = next_code_line[index + 1];
                if lines.get(target).is_some_and(|(_, l)| !l.trim().is_empty()) {
                    targets.insert(target + 1);
                }
            }
        }
        let extents = extents_on_lines(root, source, &targets);
        for (index, &(start, line)) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            let Some(body) = trimmed.strip_prefix('#') else {
                continue;
            };
            let body = body.trim_start();
            let Some(rest) = body.strip_prefix("ssmlint:") else {
                continue;
            };
            if in_block[index] || in_multiline(start) {
                continue;
            }
            let body_at = start + (line.len() - body.len());
            let rest_at = body_at + "ssmlint:".len() + (rest.len() - rest.trim_start().len());
            let rest = rest.trim_start().trim_end();
            let malformed = |message: String| Problem {
                span: Span::new(body_at, start + line.trim_end().len()),
                message,
                label: format!("expected {COMMENT_SYNTAX}"),
                resource: None,
            };
            let Some(list) = rest.strip_prefix("ignore") else {
                self.problems.push(malformed(format!(
                    "malformed suppression comment `{}`",
                    trimmed.trim_end()
                )));
                continue;
            };
            let list_at = rest_at + "ignore".len() + (list.len() - list.trim_start().len());
            let list = list.trim_start();
            let (Some(inner), Some(close)) = (list.strip_prefix('['), list.find(']')) else {
                self.problems.push(malformed(format!(
                    "malformed suppression comment `{}`: the rules go in brackets",
                    trimmed.trim_end()
                )));
                continue;
            };
            let inner = inner.get(..close - 1).unwrap_or_default();
            let reason = list
                .get(close + 1..)
                .unwrap_or_default()
                .trim()
                .trim_start_matches([':', '-', '—'])
                .trim();
            let reason = (!reason.is_empty()).then(|| reason.to_string());
            // The first line below that is not a comment; a blank line ends the search.
            let target = Some(next_code_line[index + 1])
                .filter(|&i| lines.get(i).is_some_and(|(_, l)| !l.trim().is_empty()))
                .map(|i| i + 1);
            let scope = Scope::Next {
                line: target.unwrap_or(0),
                extent: target.and_then(|line| extents.get(&line).copied()),
            };
            let mut any = false;
            let mut at = list_at + 1;
            for part in inner.split(',') {
                let written = part.trim();
                let part_start = at + (part.len() - part.trim_start().len());
                at += part.len() + 1;
                if written.is_empty() {
                    continue;
                }
                any = true;
                self.directives.push(Directive {
                    written: written.to_string(),
                    code: None,
                    name: "",
                    reason: reason.clone(),
                    span: Span::new(part_start, part_start + written.len()),
                    origin: Origin::Comment,
                    scope: scope.clone(),
                    used: false,
                });
            }
            if !any {
                self.problems.push(malformed(
                    "suppression comment names no rule: `ignore[]`".to_string(),
                ));
            }
        }
    }
}

/// The rule code or name closest to `written`, among the built-in rules and `guard`.
fn closest_rule(written: &str, guard: &[&'static str]) -> Option<&'static str> {
    crate::base::text::closest(written, rule_names().chain(guard.iter().copied()))
}

/// Every rule code and name, for "did you mean".
fn rule_names() -> impl Iterator<Item = &'static str> {
    ALL_RULES
        .iter()
        .flat_map(|r| [r.meta().code, r.meta().name])
}

fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    match crate::base::text::closest(word, candidates.iter().copied()) {
        Some(best) => format!("; did you mean `{best}`?"),
        None => format!(
            "; expected {}",
            candidates
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ),
    }
}

/// Each line's byte offset and text (without its line break).
fn line_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push((start, line.trim_end_matches(['\n', '\r'])));
        start += line.len();
    }
    out
}

/// For each line, whether it is content of a block scalar (`key: |`, `- >-`): such a
/// line starting with `#` is text. Content is every following line that is blank or
/// indented past the column of the key (or of the `-` of a bare item).
#[allow(
    clippy::indexing_slicing,
    reason = "one flag per line, indices from the lines' enumeration"
)]
fn block_scalar_lines(lines: &[(usize, &str)]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut parent: Option<usize> = None;
    for (i, (_, line)) in lines.iter().enumerate() {
        let indent = line.len() - line.trim_start().len();
        if let Some(column) = parent {
            if line.trim().is_empty() || indent > column {
                out[i] = true;
                continue;
            }
            parent = None;
        }
        let content = line.trim_start();
        if content.starts_with('#') {
            continue;
        }
        // The column of the node the value belongs to: past any `- ` item markers.
        let mut column = indent;
        let mut rest = content;
        let mut dash = None;
        while let Some(after) = rest.strip_prefix('-').filter(|a| a.starts_with(' ')) {
            dash = Some(column);
            let skipped = after.len() - after.trim_start().len();
            column += 1 + skipped;
            rest = after.trim_start();
        }
        let value = if is_block_header(rest) {
            // `- |`: the item itself is the scalar.
            dash.map(|d| (d, rest))
        } else {
            split_key(rest).map(|(_, value)| (column, value))
        };
        if let Some((column, value)) = value {
            if is_block_header(value) {
                parent = Some(column);
            }
        }
    }
    out
}

/// `key: value` → the value, for a plain or quoted key.
fn split_key(text: &str) -> Option<(&str, &str)> {
    let end = if text.starts_with(['"', '\'']) {
        let quote = text.chars().next()?;
        text.get(1..)
            .unwrap_or_default()
            .find(quote)
            .map(|i| i + 2)?
    } else {
        0
    };
    let colon = text
        .get(end..)
        .unwrap_or_default()
        .find(": ")
        .map(|i| i + end)?;
    Some((
        text.get(..colon).unwrap_or_default(),
        text.get(colon + 2..).unwrap_or_default().trim(),
    ))
}

/// A block scalar header: `|` or `>` with optional chomping and indentation indicators,
/// maybe a tag before it and a comment after it.
fn is_block_header(value: &str) -> bool {
    let value = match value.strip_prefix('!') {
        Some(tagged) => tagged.split_once(' ').map_or("", |(_, v)| v.trim_start()),
        None => value,
    };
    let header = value.split(" #").next().unwrap_or("").trim_end();
    let mut chars = header.chars();
    matches!(chars.next(), Some('|' | '>')) && chars.all(|c| matches!(c, '-' | '+' | '1'..='9'))
}

/// Spans of string values written over several lines (block scalars, folded quotes):
/// a `#` line inside one is text, not a comment.
fn multiline_scalars(node: &Node, text: &str, out: &mut Vec<Span>) {
    match &node.kind {
        NodeKind::String(_) => {
            if text
                .get(node.span.start()..node.span.end())
                .is_some_and(|s| s.contains('\n'))
            {
                out.push(node.span);
            }
        }
        NodeKind::Seq(items) => {
            for item in items {
                multiline_scalars(item, text, out);
            }
        }
        NodeKind::Map(entries) => {
            for entry in entries {
                multiline_scalars(&entry.value, text, out);
            }
        }
        NodeKind::Opaque(tagged) => multiline_scalars(&tagged.value, text, out),
        NodeKind::Null | NodeKind::Bool(_) | NodeKind::Number(_) => {}
    }
}

/// For each of `lines` (1-based), the largest key (with its value) or list item that
/// starts on it: one walk of the tree.
fn extents_on_lines(
    root: &Node,
    source: &SourceFile,
    lines: &HashSet<usize>,
) -> HashMap<usize, Span> {
    let mut best: HashMap<usize, Span> = HashMap::new();
    if lines.is_empty() {
        return best;
    }
    let mut consider = |start: usize, span: Span| {
        let line = source.line_of(start);
        if lines.contains(&line) {
            // The largest; of two as large, the first (as a walk in document order finds).
            let slot = best.entry(line).or_insert(span);
            if (span.len(), std::cmp::Reverse(span.start()))
                > (slot.len(), std::cmp::Reverse(slot.start()))
            {
                *slot = span;
            }
        }
    };
    let mut todo = vec![root];
    while let Some(node) = todo.pop() {
        match &node.kind {
            NodeKind::Map(entries) => {
                for entry in entries {
                    consider(
                        entry.key_span.start(),
                        entry.key_span.join(entry.value.span),
                    );
                    todo.push(&entry.value);
                }
            }
            NodeKind::Seq(items) => {
                for item in items {
                    consider(item.span.start(), item.span);
                    todo.push(item);
                }
            }
            NodeKind::Opaque(tagged) => todo.push(&tagged.value),
            _ => {}
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Severity;

    fn lint(text: &str, options: &LintOptions) -> crate::engine::FileReport {
        crate::engine::lint_source(SourceFile::new("t.yaml", text), true, options)
    }

    const BARE: &str =
        "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n";

    #[test]
    fn resource_metadata_suppresses_by_logical_id_with_reason() {
        let text = format!(
            "{BARE}    Metadata:\n      ssmlint:\n        ignore:\n          - rule: SSM100\n            reason: reached through a bastion\n"
        );
        let report = lint(&text, &LintOptions::default());
        assert!(
            report.findings.iter().all(|f| f.code != "SSM100"),
            "{:?}",
            report.findings
        );
        assert_eq!(report.suppressed.len(), 1);
        let s = &report.suppressed[0];
        assert_eq!(s.finding.code, "SSM100");
        assert_eq!(s.reason.as_deref(), Some("reached through a bastion"));
        assert_eq!(s.origin, Origin::Resource);
        assert!(report.findings.iter().all(|f| f.code != "SSM002"));
    }

    #[test]
    fn comment_above_a_key_suppresses_what_is_under_it() {
        let text = "Resources:\n  # ssmlint: ignore[instance-profile-missing] lab machine\n  Web:\n    Type: AWS::EC2::Instance\n    Properties: {MetadataOptions: {HttpTokens: required}}\n";
        let report = lint(text, &LintOptions::default());
        assert_eq!(report.suppressed.len(), 1, "{:?}", report.findings);
        assert_eq!(report.suppressed[0].reason.as_deref(), Some("lab machine"));
        assert_eq!(report.suppressed[0].origin, Origin::Comment);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }

    #[test]
    fn unused_unknown_and_malformed_suppressions_are_ssm002() {
        let text = "Metadata:\n  ssmlint:\n    ignore: [SSM200, SSM999]\n    ignroe: []\nResources:\n  # ssmlint: ignore[SSM100]\n  Web:\n    Type: AWS::EC2::Instance\n  # ssmlint: ignore SSM105\n  Bucket:\n    Type: AWS::S3::Bucket\n";
        let report = lint(text, &LintOptions::default());
        let messages: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.code == "SSM002")
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(messages.len(), 4, "{messages:#?}");
        assert!(messages
            .iter()
            .any(|m| m.contains("unused suppression: SSM200")));
        assert!(messages.iter().any(|m| m.contains("`SSM999`")));
        assert!(messages.iter().any(|m| m.contains("did you mean `ignore`")));
        assert!(messages.iter().any(|m| m.contains("malformed")));
        assert!(report
            .findings
            .iter()
            .all(|f| f.severity == Severity::Info || f.code != "SSM002"));
    }

    #[test]
    fn a_suppression_of_a_disabled_rule_is_still_checked() {
        let text = format!("{BARE}    Metadata: {{ssmlint: {{ignore: [SSM100, SSM105]}}}}\n");
        let options = LintOptions {
            select: Some(vec!["SSM002"]),
            ..LintOptions::default()
        };
        let report = lint(&text, &options);
        // SSM100 fires (so its suppression is used) but is not enabled: not counted.
        assert!(report.suppressed.is_empty());
        let codes: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(codes.len(), 1, "{codes:?}");
        assert!(codes[0].contains("SSM105"));
    }

    #[test]
    fn comments_inside_block_scalars_are_text() {
        let text = "Resources:\n  Web:\n    Type: AWS::EC2::Instance\n    Properties:\n      UserData: |\n        # ssmlint: ignore[SSM100]\n        echo hi\n";
        let report = lint(text, &LintOptions::default());
        assert!(report.suppressed.is_empty());
        assert!(report.findings.iter().all(|f| f.code != "SSM002"));
    }

    #[test]
    fn block_scalar_content_is_found_by_indentation() {
        let text = "a: |\n  # x\n\n  y\nb: 1\nc:\n  - >-\n    # z\n  # real\n  - k: |+ # note\n      # w\n    m: 2\n";
        let lines = line_offsets(text);
        let found: Vec<usize> = block_scalar_lines(&lines)
            .iter()
            .enumerate()
            .filter(|(_, b)| **b)
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(found, [2, 3, 4, 8, 11]);
    }

    #[test]
    fn ssm002_can_itself_be_suppressed() {
        let text = format!(
            "Metadata: {{ssmlint: {{ignore: [SSM002]}}}}\n{BARE}    Metadata: {{ssmlint: {{ignore: [SSM105]}}}}\n"
        );
        let report = lint(&text, &LintOptions::default());
        assert!(
            report.findings.iter().all(|f| f.code != "SSM002"),
            "{:?}",
            report.findings
        );
        assert_eq!(report.suppressed.len(), 1);
        assert_eq!(report.suppressed[0].finding.code, "SSM002");
    }
}
