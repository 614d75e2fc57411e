//! Evaluating Guard rule files on one template with the cfn-guard library, and turning
//! each failing clause into a [`Finding`].
//!
//! cfn-guard 3.2.1 is driven through its payload path (`ValidateBuilder::payload`,
//! structured JSON output): `run_checks` truncates reports over ~8 KiB. Its public API
//! cannot evaluate an already parsed rule file, so ssmlint parses (and validates) each
//! rule file once per run, and cfn-guard re-reads the rule text inside each evaluation.

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use cfn_guard::commands::validate::{OutputFormatType, ShowSummaryType};
use cfn_guard::commands::Executable;
use cfn_guard::utils::reader::{ReadBuffer, Reader};
use cfn_guard::utils::writer::{WriteBuffer, Writer};
use cfn_guard::CommandBuilder;
use serde_json::Value as Json;

use super::document::{keep_path, push_string, Keep, Located, Normaliser};
use super::header::{self, Header};
use crate::base::{SourceFile, Span};
use crate::diagnostic::{Category, Finding, RuleMeta, Severity};
use crate::rules::{label_defaults, qualifiers, Context};
use crate::template::eval::Evaluator;
use crate::template::model::{Resource, Template};
use crate::template::scenario;

/// At most this many conditions are expanded into variants (2^N documents); with more,
/// `Fn::If`s stay intrinsics (unknown to the rules).
const MAX_VARIANT_CONDITIONS: usize = 4;

/// cfn-guard's exit values.
const GUARD_PASS: i32 = 0;
const GUARD_FAIL: i32 = 19;
const GUARD_PARSE_ERROR: i32 = 5;

/// A parsed and validated `.guard` file.
#[derive(Debug)]
pub struct RuleFile {
    /// The path as shown in messages.
    pub shown: String,
    /// The text given to cfn-guard: comment lines emptied (they are parsed again on
    /// every evaluation).
    pub guard_text: String,
    pub rules: Vec<GuardRule>,
}

/// One named rule of a Guard file, with its ssmlint metadata.
#[derive(Debug)]
pub struct GuardRule {
    /// The name after `rule` in the Guard file.
    pub guard_name: String,
    pub meta: &'static RuleMeta,
    /// The resource types from the header: the rule sees only these resources, and a
    /// template without any is not evaluated. `None`: the whole template.
    pub types: Option<Vec<String>>,
    /// The properties the rule reads (with `types`: Guard is given only these).
    pub properties: Option<Vec<String>>,
    pub message: Option<String>,
    pub label: Option<String>,
    pub help: Option<String>,
}

/// Already-made metadata of user rules, by code: a code shared by several rules gets one.
pub type MetaCache = HashMap<String, &'static RuleMeta>;

/// Parses and validates a Guard file; its rules may not take the codes or names of
/// built-in rules. Errors are `file:line:col: message`.
pub fn parse_file(
    shown: &str,
    text: String,
    metas: &mut MetaCache,
) -> Result<RuleFile, Vec<String>> {
    // cfn-guard's parser descends recursively (and parses the text again on every
    // evaluation, on worker threads): refuse deep nesting before it sees the text.
    check_depth(shown, &text)?;
    if let Err(err) = cfn_guard::commands::validate::parse_rules(&text, shown) {
        return Err(vec![syntax_error(shown, &err.to_string())]);
    }
    let decls = header::scan(&text, shown)?;
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for decl in decls {
        let header = decl.header.clone().unwrap_or_default();
        let meta = match rule_meta(&decl.name, decl.header.as_ref(), metas) {
            Ok(meta) => meta,
            Err(message) => {
                errors.push(format!("{shown}:{}:1: {message}", decl.line));
                continue;
            }
        };
        let Header {
            types,
            properties,
            message,
            label,
            help,
            ..
        } = header;
        rules.push(GuardRule {
            guard_name: decl.name,
            meta,
            types,
            properties,
            message,
            label,
            help,
        });
    }
    if rules.is_empty() && errors.is_empty() {
        errors.push(format!(
            "{shown}: no named rule (`rule NAME {{ ... }}`): ssmlint reports named Guard rules"
        ));
    }
    if errors.is_empty() {
        let guard_text = text
            .lines()
            .map(|l| {
                if l.trim_start().starts_with('#') {
                    ""
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        Ok(RuleFile {
            shown: shown.to_string(),
            guard_text,
            rules,
        })
    } else {
        Err(errors)
    }
}

/// Guard files nested deeper than this (blocks, lists, parentheses) are refused: real
/// rules nest a few levels, and cfn-guard's recursive parser overflows the stack on
/// thousands.
pub const MAX_GUARD_DEPTH: usize = 64;

/// Refuses nesting deeper than [`MAX_GUARD_DEPTH`], as `file:line:col: ...`. Brackets in
/// comments, strings and regular expressions (`/.../`) do not count.
#[allow(
    clippy::indexing_slicing,
    reason = "byte offsets tested against the length before use"
)]
fn check_depth(shown: &str, text: &str) -> Result<(), Vec<String>> {
    let mut depth = 0usize;
    for (index, line) in text.lines().enumerate() {
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'#' => break,
                quote @ (b'"' | b'\'' | b'/') => {
                    i += 1;
                    while i < bytes.len() && bytes[i] != quote {
                        if bytes[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
                b'{' | b'[' | b'(' => {
                    depth += 1;
                    if depth > MAX_GUARD_DEPTH {
                        let column = line.get(..i).unwrap_or_default().chars().count() + 1;
                        return Err(vec![format!(
                            "{shown}:{}:{column}: nested deeper than {MAX_GUARD_DEPTH} levels",
                            index + 1
                        )]);
                    }
                }
                b'}' | b']' | b')' => depth = depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
        }
    }
    Ok(())
}

/// cfn-guard's parse error as `file:line:col: Guard syntax error: ...`.
fn syntax_error(shown: &str, message: &str) -> String {
    let number_after = |marker: &str| -> Option<usize> {
        let at = message.find(marker)? + marker.len();
        let digits: String = message
            .get(at..)
            .unwrap_or_default()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    let what = message
        .split_once("when handling ")
        .map(|(_, rest)| rest.split(", fragment").next().unwrap_or(rest).trim())
        .filter(|w| !w.is_empty())
        .map(|w| format!(": expecting {}", w.trim_start_matches("expecting ")))
        .unwrap_or_default();
    match (number_after(" at line "), number_after(" at column ")) {
        (Some(line), Some(column)) => {
            format!("{shown}:{line}:{column}: Guard syntax error{what}")
        }
        _ => format!("{shown}: Guard syntax error: {message}"),
    }
}

fn leak(text: &str) -> &'static str {
    Box::leak(text.to_string().into_boxed_str())
}

fn rule_meta(
    guard_name: &str,
    header: Option<&Header>,
    metas: &mut MetaCache,
) -> Result<&'static RuleMeta, String> {
    let code = match header.and_then(|h| h.code.clone()) {
        Some(code) => code,
        None => format!("GUARD:{guard_name}"),
    };
    if crate::rules::find_rule(&code).is_some() {
        return Err(format!(
            "`{code}` is the code of a built-in rule; give the Guard rule a code of its own"
        ));
    }
    if let Some(meta) = metas.get(&code.to_ascii_uppercase()) {
        return Ok(meta);
    }
    let name = header
        .and_then(|h| h.name.clone())
        .unwrap_or_else(|| guard_name.to_string());
    if crate::rules::find_rule(&name).is_some() {
        return Err(format!(
            "`{name}` is the name of a built-in rule; give the Guard rule a name of its own"
        ));
    }
    let summary = header
        .and_then(|h| h.message.clone())
        .unwrap_or_else(|| format!("Guard rule `{guard_name}`"));
    let meta: &'static RuleMeta = Box::leak(Box::new(RuleMeta {
        code: leak(&code),
        name: leak(&name),
        category: Category::Guard,
        severity: header.and_then(|h| h.severity).unwrap_or(Severity::Error),
        summary: leak(&summary),
        docs: "",
        url: leak(header.and_then(|h| h.url.as_deref()).unwrap_or("")),
        fix: crate::diagnostic::FixAvailability::None,
    }));
    metas.insert(code.to_ascii_uppercase(), meta);
    Ok(meta)
}

/// What cfn-guard said about a set of documents: `None` when every rule passed.
type Outcome = Result<Option<Arc<String>>, String>;

/// cfn-guard's answers within a run, by rule files and documents: evaluation is a pure
/// function of them, and templates often share their compute resources verbatim (the
/// documents hold only the targeted resources and the properties the rules read).
#[derive(Debug, Default)]
pub struct Cache {
    answers: Mutex<HashMap<String, Outcome>>,
}

/// Entries kept at most; later answers are not remembered.
const CACHE_ENTRIES: usize = 4096;

impl Cache {
    fn get(&self, key: &str) -> Option<Outcome> {
        self.answers.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: String, outcome: &Outcome) {
        if let Ok(mut answers) = self.answers.lock() {
            if answers.len() < CACHE_ENTRIES {
                answers.insert(key, outcome.clone());
            }
        }
    }
}

fn cache_key(call: &Call<'_>, documents: &[String]) -> String {
    let mut key = String::new();
    for file in &call.files {
        key.push_str(&file.shown);
        key.push('\0');
    }
    for doc in documents {
        key.push('\0');
        key.push_str(doc);
    }
    key
}

/// The rules of one cfn-guard evaluation: files whose rule names do not clash.
struct Call<'r> {
    files: Vec<&'r RuleFile>,
    rules: Vec<(&'r RuleFile, &'r GuardRule)>,
}

/// What the evaluation of one template sees.
struct Cx<'a> {
    source: &'a SourceFile,
    template: &'a Template<'a>,
    eval: &'a Evaluator<'a>,
}

/// Evaluates the rule files on the template of `cx`: rules for which `should_run` is
/// false, and rules whose `types` the template lacks, are left out.
#[allow(
    clippy::indexing_slicing,
    reason = "call indices come from the position of the call just found"
)]
pub fn check<'r>(
    cx: &Context<'_>,
    files: impl Iterator<Item = &'r RuleFile>,
    should_run: &dyn Fn(&str) -> bool,
    cache: &Cache,
    out: &mut Vec<Finding>,
) {
    let Some(template) = cx.template() else {
        return;
    };
    if template.resources.is_empty() {
        return;
    }
    let cx = &Cx {
        source: cx.source,
        template,
        eval: cx.eval,
    };
    let mut calls: Vec<Call<'r>> = Vec::new();
    for file in files {
        let applicable: Vec<&GuardRule> = file
            .rules
            .iter()
            .filter(|r| should_run(r.meta.code))
            .filter(|r| {
                r.types.as_ref().is_none_or(|types| {
                    template
                        .resources
                        .iter()
                        .any(|res| types.iter().any(|t| t == res.type_name))
                })
            })
            .collect();
        if applicable.is_empty() {
            continue;
        }
        let clashes = |call: &Call<'_>| {
            call.files.iter().any(|f| {
                f.rules
                    .iter()
                    .any(|a| file.rules.iter().any(|b| a.guard_name == b.guard_name))
            })
        };
        let call = match calls.iter().position(|c| !clashes(c)) {
            Some(i) => &mut calls[i],
            None => {
                calls.push(Call {
                    files: Vec::new(),
                    rules: Vec::new(),
                });
                calls.last_mut().expect("just pushed")
            }
        };
        call.files.push(file);
        call.rules.extend(applicable.into_iter().map(|r| (file, r)));
    }
    for call in &calls {
        evaluate(cx, call, cache, out);
    }
}

#[allow(
    clippy::indexing_slicing,
    reason = "variant indices come from the position of the variant just found"
)]
fn evaluate(cx: &Cx<'_>, call: &Call<'_>, cache: &Cache, out: &mut Vec<Finding>) {
    let template = cx.template;
    // Only the targeted resources when every rule names its types.
    let types: Option<Vec<&str>> = call
        .rules
        .iter()
        .map(|(_, r)| r.types.as_ref())
        .collect::<Option<Vec<_>>>()
        .map(|all| all.into_iter().flatten().map(String::as_str).collect());
    let fed: Vec<&Resource<'_>> = template
        .resources
        .iter()
        .filter(|r| types.as_ref().is_none_or(|t| t.contains(&r.type_name)))
        .collect();
    let mut conditions = Vec::new();
    for r in &fed {
        Normaliser::conditions(r.node, &mut conditions);
    }
    let assignments = scenario::all(&conditions, MAX_VARIANT_CONDITIONS);
    // Only the properties the rules read, when every rule says which.
    let keep: Option<Keep> = types.as_ref().and_then(|_| {
        let mut properties = Keep::default();
        for (_, rule) in &call.rules {
            for path in rule.properties.as_ref()? {
                keep_path(&mut properties, path);
            }
        }
        Some(Keep(vec![
            ("Type".to_string(), None),
            ("Condition".to_string(), None),
            ("Properties".to_string(), Some(properties)),
        ]))
    });
    // Variants that give the rules the same document are evaluated once (a condition
    // may decide only properties the rules are not given, or branches may not differ):
    // each document keeps the assignments that produce it.
    let mut documents: Vec<String> = Vec::new();
    let mut variants: Vec<Vec<&[(&str, bool)]>> = Vec::new();
    for assignment in &assignments {
        let doc = document(cx, &fed, types.is_some(), keep.as_ref(), assignment);
        match documents.iter().position(|d| *d == doc) {
            Some(i) => variants[i].push(assignment),
            None => {
                documents.push(doc);
                variants.push(vec![assignment]);
            }
        }
    }
    let texts: Vec<&str> = call.files.iter().map(|f| f.guard_text.as_str()).collect();
    let key = cache_key(call, &documents);
    let result = match cache.get(&key) {
        Some(result) => result,
        None => {
            let result = run_guard(&texts, &documents).map(|r| r.map(Arc::new));
            cache.put(key, &result);
            result
        }
    };
    let report = match result {
        Ok(None) => return,
        Ok(Some(report)) => report,
        Err(err) => {
            let span = fed.first().map_or(Span::default(), |r| r.id_span);
            for (_, rule) in &call.rules {
                out.push(
                    Finding::new(
                        rule.meta,
                        span,
                        format!(
                            "cfn-guard could not evaluate rule `{}` on this template: {}",
                            rule.guard_name,
                            err.trim()
                        ),
                    )
                    .label("not evaluated"),
                );
            }
            return;
        }
    };
    let Ok(Json::Array(files)) = serde_json::from_str::<Json>(&report) else {
        return;
    };
    for (i, file_report) in files.iter().enumerate() {
        // `DATA_STDIN[n]` is the n-th document.
        let index = file_report
            .get("name")
            .and_then(Json::as_str)
            .and_then(|n| n.strip_prefix("DATA_STDIN["))
            .and_then(|n| n.strip_suffix(']'))
            .and_then(|n| n.parse::<usize>().ok())
            .map_or(i, |n| n.saturating_sub(1));
        let Some(group) = variants.get(index) else {
            continue;
        };
        let normalisers: Vec<Normaliser<'_, '_>> = group
            .iter()
            .map(|assignment| Normaliser::new(cx.eval, assignment))
            .collect();
        let failing = file_report
            .get("not_compliant")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for item in failing {
            let Some(rule_report) = item.get("Rule") else {
                continue;
            };
            let name = rule_report.get("name").and_then(Json::as_str);
            let Some((file, rule)) = call
                .rules
                .iter()
                .find(|(_, r)| Some(r.guard_name.as_str()) == name)
            else {
                continue;
            };
            let mut leaves = Vec::new();
            gather(cx, item, &mut leaves);
            let rule_message = rule_report
                .pointer("/messages/custom_message")
                .and_then(Json::as_str)
                .map(str::trim)
                .filter(|m| !m.is_empty());
            let mut seen: std::collections::HashSet<Span> = std::collections::HashSet::new();
            for leaf in leaves.iter().filter(|l| !l.unknown) {
                let Some(path) = leaf.path else {
                    out.push(make_finding(cx, file, rule, leaf, None, rule_message));
                    continue;
                };
                // Where the path leads under each assignment of this document: one place
                // reached under several assignments holds under the branches they share.
                let mut places: Vec<(Span, Located<'_>)> = Vec::new();
                for normaliser in &normalisers {
                    let located = normaliser.locate(template.root, path);
                    let span = span_of(cx, &located);
                    match places.iter_mut().find(|(s, _)| *s == span) {
                        Some((_, known)) => known.when.retain(|w| located.when.contains(w)),
                        None => places.push((span, located)),
                    }
                }
                for (span, located) in places {
                    if seen.insert(span) {
                        out.push(make_finding(
                            cx,
                            file,
                            rule,
                            leaf,
                            Some(located),
                            rule_message,
                        ));
                    }
                }
            }
        }
    }
}

/// The JSON document of a variant: the targeted resources (`only_resources`) or the
/// whole template, with intrinsics resolved under `assignment`.
fn document(
    cx: &Cx<'_>,
    fed: &[&Resource<'_>],
    only_resources: bool,
    keep: Option<&Keep>,
    assignment: &[(&str, bool)],
) -> String {
    let normaliser = Normaliser::new(cx.eval, assignment);
    let mut out = String::with_capacity(1024);
    let resources = |out: &mut String| {
        out.push('{');
        for (i, r) in fed.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_string(out, r.id);
            out.push(':');
            match keep {
                Some(keep) => normaliser.emit_only(r.node, keep, out),
                None => normaliser.emit(r.node, false, out),
            }
        }
        out.push('}');
    };
    if only_resources {
        out.push_str("{\"Resources\":");
        resources(&mut out);
        out.push('}');
        return out;
    }
    out.push('{');
    for (i, entry) in cx
        .template
        .root
        .as_map()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if i > 0 {
            out.push(',');
        }
        push_string(&mut out, &entry.key);
        out.push(':');
        match entry.key.as_str() {
            "Resources" => resources(&mut out),
            // Sections that define rather than use values stay as written.
            "Outputs" => normaliser.emit(&entry.value, false, &mut out),
            _ => normaliser.emit(&entry.value, true, &mut out),
        }
    }
    out.push('}');
    out
}

fn run_guard(rules: &[&str], data: &[String]) -> Result<Option<String>, String> {
    #[derive(serde::Serialize)]
    struct Payload<'a> {
        rules: &'a [&'a str],
        data: &'a [String],
    }
    let payload = serde_json::to_vec(&Payload { rules, data }).map_err(|e| e.to_string())?;
    let command = cfn_guard::ValidateBuilder::default()
        .payload(true)
        .structured(true)
        .output_format(OutputFormatType::JSON)
        .show_summary(vec![ShowSummaryType::None])
        .try_build()
        .map_err(|e| e.to_string())?;
    let mut reader = Reader::new(ReadBuffer::Cursor(Cursor::new(payload)));
    let mut writer =
        Writer::new_with_err(WriteBuffer::Vec(Vec::new()), WriteBuffer::Vec(Vec::new()))
            .map_err(|e| e.to_string())?;
    let status = std::panic::catch_unwind(AssertUnwindSafe(|| {
        command.execute(&mut writer, &mut reader)
    }));
    match status {
        Err(_) => Err("cfn-guard panicked".to_string()),
        Ok(Err(err)) => Err(err.to_string()),
        Ok(Ok(GUARD_PASS)) => Ok(None),
        Ok(Ok(GUARD_FAIL)) => writer.into_string().map(Some).map_err(|e| e.to_string()),
        Ok(Ok(GUARD_PARSE_ERROR)) => Err(writer.err_to_stripped().unwrap_or_default()),
        Ok(Ok(code)) => Err(format!("cfn-guard exited with status {code}")),
    }
}

/// One failing clause of a Guard report.
#[derive(Debug)]
struct Leaf<'v> {
    /// Where the checked value is (for a missing value: where the query stopped).
    path: Option<&'v str>,
    /// The query that found nothing (`MetadataOptions.HttpTokens`).
    missing: Option<&'v str>,
    value: Option<&'v Json>,
    custom: Option<&'v str>,
    error: Option<&'v str>,
    context: Option<&'v str>,
    /// The clause failed on a value that is still an intrinsic: unknown, not a finding.
    unknown: bool,
    resource: Option<String>,
}

/// An unresolved intrinsic as it appears in the document.
fn is_intrinsic(value: &Json) -> bool {
    match value.as_object() {
        Some(map) if map.len() == 1 => map
            .keys()
            .all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::")),
        _ => false,
    }
}

/// The logical id a path is under: the longest id that the rest of the path is, or
/// starts with before a `/` (ids may hold `/`), looked up by hash, not by comparing the
/// path with every resource (which made 10,000 instances quadratic).
fn resource_of(cx: &Cx<'_>, path: &str) -> Option<String> {
    let rest = path.strip_prefix("/Resources/")?;
    std::iter::once(rest.len())
        .chain(rest.rmatch_indices('/').map(|(i, _)| i))
        .find_map(|end| cx.template.resource(rest.get(..end).unwrap_or_default()))
        .map(|r| r.id.to_string())
}

/// The failing clauses under a report node. A disjunction fails for a resource only when
/// every alternative does: if one of them is unknown for it, none is reported.
#[allow(
    clippy::indexing_slicing,
    reason = "leaf indices come from the map of leaves already pushed"
)]
fn gather<'v>(cx: &Cx<'_>, node: &'v Json, out: &mut Vec<Leaf<'v>>) {
    let checks = |n: &'v Json| {
        n.get("checks")
            .and_then(Json::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    if let Some(rule) = node.get("Rule") {
        for c in checks(rule) {
            gather(cx, c, out);
        }
    } else if let Some(or) = node.get("Disjunctions") {
        let mut alternatives = Vec::new();
        for c in checks(or) {
            gather(cx, c, &mut alternatives);
        }
        let unknown: std::collections::HashSet<Option<String>> = alternatives
            .iter()
            .filter(|l| l.unknown)
            .map(|l| l.resource.clone())
            .collect();
        // One finding per resource: the last alternative is the requirement (those
        // before it are exemptions: `LaunchTemplate exists or HttpTokens == "required"`).
        let mut last: Vec<Leaf<'v>> = Vec::new();
        let mut at: HashMap<Option<String>, usize> = HashMap::new();
        for leaf in alternatives {
            if unknown.contains(&leaf.resource) {
                continue;
            }
            match at.get(&leaf.resource) {
                Some(&i) => last[i] = leaf,
                None => {
                    at.insert(leaf.resource.clone(), last.len());
                    last.push(leaf);
                }
            }
        }
        out.extend(last);
    } else if let Some(block) = node.get("Block") {
        let unresolved = block.get("unresolved").filter(|u| !u.is_null());
        out.push(leaf(cx, block, unresolved.map(|u| ("UnResolvedBlock", u))));
    } else if let Some(clause) = node.get("Clause") {
        let Some(inner) = clause.get("Unary").or_else(|| clause.get("Binary")) else {
            return;
        };
        let check = inner
            .get("check")
            .and_then(Json::as_object)
            .and_then(|c| c.iter().next())
            .map(|(kind, body)| (kind.as_str(), body));
        out.push(leaf(cx, inner, check));
    }
}

fn leaf<'v>(cx: &Cx<'_>, report: &'v Json, check: Option<(&str, &'v Json)>) -> Leaf<'v> {
    let text = |v: Option<&'v Json>| v.and_then(Json::as_str).filter(|s| !s.trim().is_empty());
    let mut leaf = Leaf {
        path: None,
        missing: None,
        value: None,
        custom: text(report.pointer("/messages/custom_message")),
        error: text(report.pointer("/messages/error_message")),
        context: text(report.get("context")),
        unknown: false,
        resource: None,
    };
    match check {
        Some(("Resolved", body)) if body.get("from").is_some() => {
            leaf.path = text(body.pointer("/from/path"));
            leaf.value = body.pointer("/from/value");
            leaf.unknown = leaf.value.is_some_and(is_intrinsic)
                || body.pointer("/to/value").is_some_and(is_intrinsic);
        }
        Some(("Resolved", body)) => {
            leaf.path = text(body.pointer("/value/path"));
            leaf.value = body.pointer("/value/value");
            let operator = body.pointer("/comparison/0").and_then(Json::as_str);
            leaf.unknown = !matches!(operator, Some("Exists" | "Empty"))
                && leaf.value.is_some_and(is_intrinsic);
        }
        Some(("InResolved", body)) => {
            leaf.path = text(body.pointer("/from/path"));
            leaf.value = body.pointer("/from/value");
            leaf.unknown = leaf.value.is_some_and(is_intrinsic);
        }
        Some(("UnResolved", body)) => {
            let unresolved = body.get("value").unwrap_or(body);
            unresolved_into(&mut leaf, unresolved);
        }
        Some(("UnResolvedBlock", unresolved)) => unresolved_into(&mut leaf, unresolved),
        _ => {}
    }
    leaf.resource = leaf.path.and_then(|p| resource_of(cx, p));
    leaf
}

fn unresolved_into<'v>(leaf: &mut Leaf<'v>, unresolved: &'v Json) {
    leaf.path = unresolved
        .pointer("/traversed_to/path")
        .and_then(Json::as_str)
        .filter(|p| !p.is_empty());
    leaf.missing = unresolved
        .get("remaining_query")
        .and_then(Json::as_str)
        .filter(|q| !q.is_empty());
    leaf.unknown = unresolved
        .pointer("/traversed_to/value")
        .is_some_and(is_intrinsic);
}

fn make_finding(
    cx: &Cx<'_>,
    file: &RuleFile,
    rule: &GuardRule,
    leaf: &Leaf<'_>,
    located: Option<Located<'_>>,
    rule_message: Option<&str>,
) -> Finding {
    let template = cx.template;
    let resource = located
        .as_ref()
        .and_then(|l| l.resource)
        .and_then(|id| template.resource(id));
    let (when, defaults) = located
        .as_ref()
        .map(|l| (l.when.clone(), l.defaults.clone()))
        .unwrap_or_default();
    let when_text = qualifiers(&when, resource.and_then(|r| r.condition), &defaults);
    let key = located.as_ref().and_then(|l| l.key).unwrap_or("value");
    let found = match (leaf.missing, leaf.value) {
        (Some(missing), _) => format!("no `{missing}`"),
        (None, Some(Json::String(s))) => format!("`{key}: {s}`"),
        (None, Some(v @ (Json::Number(_) | Json::Bool(_)))) => format!("`{key}: {v}`"),
        (None, Some(Json::Null)) => format!("`{key}: null`"),
        (None, Some(_)) => format!("`{key}`"),
        (None, None) => String::new(),
    };
    let fill = |t: &str| {
        let mut text = t
            .replace("{resource}", resource.map_or("", |r| r.id))
            .replace("{type}", resource.map_or("", |r| r.type_name))
            .replace(
                "{kind}",
                resource.map_or("resource", |r| {
                    crate::semantic::launchers::kind_of(r.type_name)
                }),
            )
            .replace("{found}", &found)
            .replace("{rule}", &rule.guard_name);
        if text.contains("{when}") {
            text = text.replace("{when}", &when_text);
        } else {
            text.push_str(&when_text);
        }
        text
    };
    let message = match (&rule.message, leaf.custom.or(rule_message)) {
        (Some(template), _) => fill(template),
        (None, Some(custom)) => fill(custom.trim()),
        (None, None) => {
            let detail = leaf
                .error
                .map(clean_guard_message)
                .map(|e| format!(": {e}"))
                .unwrap_or_default();
            fill(&format!(
                "Guard rule `{}` is not satisfied{{when}}{detail}",
                rule.guard_name
            ))
        }
    };
    let label = match &rule.label {
        Some(label) => fill(label).trim_end_matches(&when_text).to_string(),
        None if !found.is_empty() => found.clone(),
        None => "fails here".to_string(),
    };
    let span = located.as_ref().map_or_else(
        || {
            template
                .root
                .entry("Resources")
                .map_or(Span::default(), |e| e.key_span)
        },
        |l| span_of(cx, l),
    );
    let help = match &rule.help {
        Some(help) => help.clone(),
        None => format!(
            "Guard rule `{}` in {}{}",
            rule.guard_name,
            file.shown,
            leaf.context
                .map(|c| format!(": `{}`", c.split_whitespace().collect::<Vec<_>>().join(" ")))
                .unwrap_or_default()
        ),
    };
    let mut finding = Finding::new(rule.meta, span, message)
        .label(label)
        .help(help);
    if let Some(r) = resource {
        finding = finding.resource(r.id);
    }
    label_defaults(finding, Some(template), &defaults)
}

/// The narrowest span to show: a scalar value, an intrinsic on one line, or a value
/// computed from one (`!Ref Param`); otherwise the key a mapping or list is under.
fn span_of(cx: &Cx<'_>, located: &Located<'_>) -> Span {
    let via_default = !located.defaults.is_empty();
    located
        .node
        .display_span(&cx.source.text, via_default, located.key_span)
}

/// cfn-guard's error message without its `[L:0,C:0]` positions (of the JSON it was fed).
fn clean_guard_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("[L:") {
        out.push_str(rest.get(..at).unwrap_or_default());
        match rest.get(at..).unwrap_or_default().find(']') {
            Some(end) => rest = rest.get(at + end + 1..).unwrap_or_default(),
            None => {
                rest = rest.get(at..).unwrap_or_default();
                break;
            }
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_have_line_and_column() {
        let message = "Parser Error when parsing `Parsing Error Error parsing file x.guard at line 9 at column 26, when handling expecting either a property access \"engine.core\", fragment \n}\n`";
        assert_eq!(
            syntax_error("x.guard", message),
            "x.guard:9:26: Guard syntax error: expecting either a property access \"engine.core\""
        );
    }

    #[test]
    fn guard_positions_are_removed() {
        assert_eq!(
            clean_guard_message("property [/Resources/A/P[L:0,C:79]] existed."),
            "property [/Resources/A/P] existed."
        );
    }
}
