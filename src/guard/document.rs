//! The JSON document Guard evaluates, built from ssmlint's own tree, and the way back
//! from a path in it to a span in the original file.
//!
//! Long-form intrinsics throughout; every intrinsic with exactly one known value is
//! replaced by that value (parameter defaults, `--parameter`, resolved `Fn::Sub`,
//! `Fn::Join`, `Fn::FindInMap`, ...), `Ref AWS::NoValue` removes its key or list item,
//! and everything else stays in intrinsic form — so a rule sees `{"Ref": "KeyName"}` for a
//! parameter without default, and can tell it is unknown. A *variant* fixes the branch
//! of every `Fn::If` over the conditions it assigns: one document per combination.
//!
//! [`Normaliser::emit`] and [`Normaliser::locate`] share [`Normaliser::resolve`], so a
//! path Guard reports always walks the same way through the original tree.

use crate::base::Span;
use std::collections::HashMap;

use crate::syntax::{Entry, Node, NodeKind};
use crate::template::eval::{Evaluator, Value};

/// How a node appears in the document.
enum Resolution<'a> {
    /// As written.
    Literal,
    /// An intrinsic without one known value: `{"Fn::X": args}`.
    Intrinsic,
    /// An `Fn::If` whose condition the variant fixes: the branch taken.
    Branch {
        cond: &'a str,
        value: bool,
        node: &'a Node,
    },
    /// `Ref AWS::NoValue`: the key or list item is left out.
    Omit,
    /// An intrinsic with one known value.
    Known {
        value: Value<'a>,
        defaults: Vec<&'a str>,
    },
}

/// The keys of a mapping to keep, each with the keys to keep below it (`None`: the
/// whole value).
#[derive(Debug, Clone, Default)]
pub struct Keep(pub Vec<(String, Option<Keep>)>);

/// Adds a dotted path (`LaunchTemplateData.MetadataOptions`) to `keep`.
pub fn keep_path(keep: &mut Keep, path: &str) {
    let (head, tail) = match path.split_once('.') {
        Some((head, tail)) => (head, Some(tail)),
        None => (path, None),
    };
    match keep.0.iter_mut().find(|(k, _)| k == head) {
        Some((_, children)) => match (children.as_mut(), tail) {
            (None, _) => {}
            (Some(_), None) => *children = None,
            (Some(below), Some(tail)) => keep_path(below, tail),
        },
        None => {
            let children = tail.map(|tail| {
                let mut below = Keep::default();
                keep_path(&mut below, tail);
                below
            });
            keep.0.push((head.to_string(), children));
        }
    }
}

/// Where a Guard path leads in the original file.
#[derive(Debug, Clone)]
pub struct Located<'a> {
    /// The deepest node reached (an intrinsic, when the path went into its value).
    pub node: &'a Node,
    /// The key of the last mapping entry on the way.
    pub key: Option<&'a str>,
    pub key_span: Option<Span>,
    /// The logical id, for paths under `/Resources/<id>`.
    pub resource: Option<&'a str>,
    /// The `Fn::If` branches taken on the way.
    pub when: Vec<(&'a str, bool)>,
    /// Parameters whose default the value at the end rests on.
    pub defaults: Vec<&'a str>,
}

pub struct Normaliser<'a, 'e> {
    eval: &'e Evaluator<'a>,
    /// The branches this variant takes.
    assignment: &'e [(&'a str, bool)],
    /// The entries of the large mappings met by [`Normaliser::locate`] (`Resources`), by
    /// key and by the mapping's address: a path is looked up, not compared with every key.
    keys: std::cell::RefCell<HashMap<usize, HashMap<&'a str, &'a Entry>>>,
}

/// Mappings with more entries than this are indexed by [`Normaliser::locate`].
const INDEXED_ENTRIES: usize = 16;

impl<'a, 'e> Normaliser<'a, 'e> {
    pub fn new(eval: &'e Evaluator<'a>, assignment: &'e [(&'a str, bool)]) -> Self {
        Normaliser {
            eval,
            assignment,
            keys: std::cell::RefCell::new(HashMap::new()),
        }
    }

    /// The entry of `entries` whose key is `rest`, or the longest one `rest` starts with
    /// before a `/` (keys are not escaped in Guard paths).
    fn entry_for(&self, entries: &'a [Entry], rest: &str) -> Option<&'a Entry> {
        let matches = |e: &Entry| {
            rest == e.key
                || rest
                    .strip_prefix(e.key.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        };
        if entries.len() <= INDEXED_ENTRIES {
            return entries
                .iter()
                .filter(|e| matches(e))
                .max_by_key(|e| e.key.len());
        }
        let mut keys = self.keys.borrow_mut();
        let index = keys.entry(entries.as_ptr() as usize).or_insert_with(|| {
            let mut index = HashMap::with_capacity(entries.len());
            for e in entries {
                index.entry(e.key.as_str()).or_insert(e);
            }
            index
        });
        std::iter::once(rest.len())
            .chain(rest.rmatch_indices('/').map(|(i, _)| i))
            .find_map(|end| index.get(rest.get(..end).unwrap_or_default()).copied())
    }

    /// `in_args`: inside an intrinsic kept as written, where `Fn::If` keeps both branches
    /// and `AWS::NoValue` stays a `Ref`.
    fn resolve(&self, node: &'a Node, in_args: bool) -> Resolution<'a> {
        let Some((name, arg)) = node.as_intrinsic() else {
            return Resolution::Literal;
        };
        if name == "Fn::If" && !in_args {
            if let Some([cond, yes, no]) = arg.as_seq() {
                if let Some(cond) = cond.as_str() {
                    if let Some(&(cond, value)) = self.assignment.iter().find(|(c, _)| *c == cond) {
                        let node = if value { yes } else { no };
                        return Resolution::Branch { cond, value, node };
                    }
                }
            }
        }
        let mut alternatives = self.eval.eval(node);
        if alternatives.len() != 1 {
            return Resolution::Intrinsic;
        }
        let only = alternatives.remove(0);
        let known = match &only.value {
            Value::Str(_) | Value::Bool(_) => true,
            Value::List(items) => items.iter().all(|v| matches!(v, Value::Str(_))),
            Value::Node(n) => !std::ptr::eq(*n, node),
            Value::NoValue => {
                return if in_args {
                    Resolution::Intrinsic
                } else {
                    Resolution::Omit
                }
            }
            _ => false,
        };
        if known {
            Resolution::Known {
                value: only.value,
                defaults: only.defaults,
            }
        } else {
            Resolution::Intrinsic
        }
    }

    /// Follows fixed `Fn::If` branches to the node that is emitted.
    fn settle(&self, mut node: &'a Node, in_args: bool) -> (&'a Node, Resolution<'a>) {
        loop {
            match self.resolve(node, in_args) {
                Resolution::Branch { node: next, .. } => node = next,
                other => return (node, other),
            }
        }
    }

    /// Appends `node` as JSON; `raw` writes it exactly as written (no evaluation).
    pub fn emit(&self, node: &'a Node, raw: bool, out: &mut String) {
        if raw {
            self.emit_literal(node, true, true, out);
            return;
        }
        let (node, resolution) = self.settle(node, false);
        self.emit_resolved(node, resolution, false, out);
    }

    /// Appends `node` as JSON keeping, in mappings, only the keys `keep` names. A node
    /// that is not a literal mapping is kept whole.
    pub fn emit_only(&self, node: &'a Node, keep: &Keep, out: &mut String) {
        let (node, resolution) = self.settle(node, false);
        let entries = match (&resolution, &node.kind) {
            (Resolution::Literal, NodeKind::Map(entries)) => entries,
            _ => return self.emit_resolved(node, resolution, false, out),
        };
        out.push('{');
        let mut first = true;
        for entry in entries {
            let Some((_, below)) = keep.0.iter().find(|(k, _)| *k == entry.key) else {
                continue;
            };
            let (child, resolution) = self.settle(&entry.value, false);
            if matches!(resolution, Resolution::Omit) {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            push_string(out, &entry.key);
            out.push(':');
            match below {
                None => self.emit_resolved(child, resolution, false, out),
                Some(below) => self.emit_only(child, below, out),
            }
        }
        out.push('}');
    }

    fn emit_resolved(
        &self,
        node: &'a Node,
        resolution: Resolution<'a>,
        in_args: bool,
        out: &mut String,
    ) {
        match resolution {
            Resolution::Omit => out.push_str("null"),
            Resolution::Known { value, .. } => self.emit_value(&value, out),
            Resolution::Intrinsic => self.emit_literal(node, true, false, out),
            Resolution::Literal | Resolution::Branch { .. } => {
                self.emit_literal(node, in_args, false, out)
            }
        }
    }

    fn emit_child(&self, node: &'a Node, in_args: bool, raw: bool, out: &mut String) -> bool {
        if raw {
            self.emit_literal(node, true, true, out);
            return true;
        }
        let (node, resolution) = self.settle(node, in_args);
        if matches!(resolution, Resolution::Omit) {
            return false;
        }
        self.emit_resolved(node, resolution, in_args, out);
        true
    }

    fn emit_literal(&self, node: &'a Node, in_args: bool, raw: bool, out: &mut String) {
        match &node.kind {
            NodeKind::Null => out.push_str("null"),
            NodeKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            NodeKind::Number(raw_text) if is_json_number(raw_text) => out.push_str(raw_text),
            NodeKind::Number(s) | NodeKind::String(s) => push_string(out, s),
            NodeKind::Seq(items) => {
                out.push('[');
                let mut first = true;
                for item in items {
                    let mark = out.len();
                    if !first {
                        out.push(',');
                    }
                    if self.emit_child(item, in_args, raw, out) {
                        first = false;
                    } else {
                        out.truncate(mark);
                    }
                }
                out.push(']');
            }
            NodeKind::Map(entries) => {
                out.push('{');
                let mut first = true;
                for entry in entries {
                    let mark = out.len();
                    if !first {
                        out.push(',');
                    }
                    push_string(out, &entry.key);
                    out.push(':');
                    if self.emit_child(&entry.value, in_args, raw, out) {
                        first = false;
                    } else {
                        out.truncate(mark);
                    }
                }
                out.push('}');
            }
            NodeKind::Opaque(tagged) => {
                out.push('{');
                push_string(out, &format!("!{}", tagged.tag));
                out.push(':');
                self.emit_literal(&tagged.value, true, raw, out);
                out.push('}');
            }
        }
    }

    fn emit_value(&self, value: &Value<'a>, out: &mut String) {
        match value {
            Value::Str(s) => push_string(out, s),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    self.emit_value(item, out);
                }
                out.push(']');
            }
            Value::Node(n) => self.emit_literal(n, false, false, out),
            _ => out.push_str("null"),
        }
    }

    /// Walks a Guard path (`/Resources/Web/Properties/KeyName`; `/` inside keys is not
    /// escaped) through the original tree.
    pub fn locate(&self, root: &'a Node, path: &str) -> Located<'a> {
        let mut located = Located {
            node: root,
            key: None,
            key_span: None,
            resource: None,
            when: Vec::new(),
            defaults: Vec::new(),
        };
        let mut rest = path.strip_prefix('/').unwrap_or(path);
        let mut node = root;
        let mut in_args = false;
        let mut depth = 0;
        let mut under_resources = false;
        loop {
            match self.resolve(node, in_args) {
                Resolution::Branch {
                    cond,
                    value,
                    node: next,
                } => {
                    located.when.push((cond, value));
                    node = next;
                    located.node = node;
                    continue;
                }
                Resolution::Known { defaults, .. } => {
                    located.defaults = defaults;
                    break;
                }
                Resolution::Intrinsic => in_args = true,
                Resolution::Omit | Resolution::Literal => {}
            }
            if rest.is_empty() {
                break;
            }
            let next = match &node.kind {
                NodeKind::Map(entries) => self.entry_for(entries, rest).map(|e| {
                    located.key = Some(&e.key);
                    located.key_span = Some(e.key_span);
                    if depth == 1 && under_resources {
                        located.resource = Some(&e.key);
                    }
                    if depth == 0 {
                        under_resources = e.key == "Resources";
                    }
                    (&e.value, e.key.len())
                }),
                NodeKind::Seq(items) => {
                    let segment = rest.split('/').next().unwrap_or_default();
                    segment.parse::<usize>().ok().and_then(|index| {
                        items
                            .iter()
                            .filter(|item| {
                                in_args || !matches!(self.settle(item, false).1, Resolution::Omit)
                            })
                            .nth(index)
                            .map(|item| (item, segment.len()))
                    })
                }
                NodeKind::Opaque(tagged) => rest
                    .strip_prefix('!')
                    .and_then(|r| r.strip_prefix(tagged.tag.as_str()))
                    .filter(|r| r.is_empty() || r.starts_with('/'))
                    .map(|_| (&tagged.value, tagged.tag.len() + 1)),
                _ => None,
            };
            let Some((child, consumed)) = next else {
                break;
            };
            rest = rest
                .get(consumed..)
                .unwrap_or_default()
                .strip_prefix('/')
                .unwrap_or_default();
            node = child;
            located.node = node;
            depth += 1;
        }
        located
    }

    /// The conditions of the `Fn::If`s that decide values under `node` (not those inside
    /// other intrinsics' arguments), in order of appearance.
    pub fn conditions(node: &'a Node, out: &mut Vec<&'a str>) {
        match &node.kind {
            NodeKind::Map(entries) => match node.as_intrinsic() {
                Some(("Fn::If", arg)) => {
                    if let Some([cond, yes, no]) = arg.as_seq() {
                        if let Some(cond) = cond.as_str() {
                            if !out.contains(&cond) {
                                out.push(cond);
                            }
                        }
                        Self::conditions(yes, out);
                        Self::conditions(no, out);
                    }
                }
                Some(_) => {}
                None => {
                    for e in entries {
                        Self::conditions(&e.value, out);
                    }
                }
            },
            NodeKind::Seq(items) => {
                for item in items {
                    Self::conditions(item, out);
                }
            }
            _ => {}
        }
    }
}

/// A number as YAML wrote it is kept when JSON reads it the same way.
fn is_json_number(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let (int, rest) = body.split_at(
        body.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(body.len()),
    );
    if int.is_empty() || (int.len() > 1 && int.starts_with('0')) {
        return false;
    }
    let rest = match rest.strip_prefix('.') {
        Some(frac) => {
            let digits = frac.len() - frac.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits == 0 {
                return false;
            }
            frac.get(digits..).unwrap_or_default()
        }
        None => rest,
    };
    match rest.strip_prefix(['e', 'E']) {
        Some(exp) => {
            let exp = exp.strip_prefix(['+', '-']).unwrap_or(exp);
            !exp.is_empty() && exp.bytes().all(|b| b.is_ascii_digit())
        }
        None => rest.is_empty(),
    }
}

pub(crate) fn push_string(out: &mut String, s: &str) {
    crate::diagnostic::emit::json_string(s, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::model::Template;
    use std::collections::HashMap;

    fn document(text: &str, assignment: &[(&str, bool)]) -> String {
        let root = crate::syntax::parse(text).unwrap();
        let template = Template::new(&root);
        let eval = Evaluator::new(&template, &HashMap::new());
        let assignment: Vec<(&str, bool)> = assignment.to_vec();
        let n = Normaliser::new(&eval, &assignment);
        let mut out = String::new();
        n.emit(root.get("Resources").unwrap(), false, &mut out);
        out
    }

    #[test]
    fn known_values_replace_intrinsics() {
        let text = "Parameters:\n  Key: {Type: String, Default: my-key}\n  Free: {Type: String}\nResources:\n  W:\n    Type: AWS::EC2::Instance\n    Properties:\n      KeyName: !Ref Key\n      Other: !Ref Free\n      Gone: !Ref AWS::NoValue\n      List: [a, !Ref AWS::NoValue, 010, 1.5]\n      Sub: !Sub 'x-${Key}'\n      If: !If [C, !Ref Key, !Ref AWS::NoValue]\n";
        assert_eq!(
            document(text, &[]),
            r#"{"W":{"Type":"AWS::EC2::Instance","Properties":{"KeyName":"my-key","Other":{"Ref":"Free"},"List":["a","010",1.5],"Sub":"x-my-key","If":{"Fn::If":["C","my-key",{"Ref":"AWS::NoValue"}]}}}}"#
        );
        assert!(document(text, &[("C", false)]).ends_with(r#""Sub":"x-my-key"}}}"#));
        assert!(document(text, &[("C", true)]).contains(r#""If":"my-key""#));
    }

    #[test]
    fn paths_lead_back_to_spans() {
        let text = "Resources:\n  A/B:\n    Type: AWS::EC2::Instance\n    Properties:\n      L: [!Ref AWS::NoValue, x, y]\n      T: !If [C, required, optional]\n";
        let root = crate::syntax::parse(text).unwrap();
        let template = Template::new(&root);
        let eval = Evaluator::new(&template, &HashMap::new());
        let assignment = [("C", false)];
        let n = Normaliser::new(&eval, &assignment);
        let at = |path: &str| {
            let l = n.locate(&root, path);
            (
                &text[l.node.span.start()..l.node.span.end()],
                l.resource,
                l.when,
            )
        };
        assert_eq!(
            at("/Resources/A/B/Properties/L/1"),
            ("y", Some("A/B"), vec![])
        );
        assert_eq!(
            at("/Resources/A/B/Properties/T"),
            ("optional", Some("A/B"), vec![("C", false)])
        );
    }

    #[test]
    fn json_numbers() {
        for ok in ["0", "-1", "1.5", "2e10", "1E-3"] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in ["010", ".5", "1.", "+1", "0x10", "1e", "inf"] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }
}
