//! The spanned document tree shared by the YAML and JSON parsers.
//!
//! Short-form YAML tags are normalised while parsing: `!Ref X` becomes the mapping
//! `{Ref: X}` and `!GetAtt A.B` becomes `{Fn::GetAtt: "A.B"}`, so every later stage sees
//! one model for both spellings. Tags CloudFormation does not know (`!Rain::Module`)
//! become [`NodeKind::Opaque`], which evaluates to unknown.

use std::collections::HashSet;

use arcstr::ArcStr;
use thin_vec::ThinVec;

use crate::base::Span;
use crate::diagnostic::emit::Snippet;

/// A string of the tree: exactly its text, no spare capacity, and shared between the
/// keys and short scalars that repeat (a template writes `Type` and `Properties`
/// thousands of times; see [`Interner`]). One word: the length is kept beside the text,
/// behind the pointer, so that an [`Entry`] and a [`NodeKind`] stay small.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Text(ArcStr);

/// Gives the equal keys and short scalars of one parse one shared text. Every scalar is
/// hashed: foldhash, not SipHash (no hash-flooding concern: a bad input costs only time
/// linear in its size, and the set lives for one parse).
#[derive(Default)]
pub(crate) struct Interner(HashSet<ArcStr, foldhash::fast::RandomState>);

impl Interner {
    /// Longer texts (scripts, policy JSON) rarely repeat: they are not looked up.
    const MAX_SHARED: usize = 64;

    pub(crate) fn text(&mut self, s: &str) -> Text {
        if s.len() > Self::MAX_SHARED {
            return Text(ArcStr::from(s));
        }
        if let Some(shared) = self.0.get(s) {
            return Text(ArcStr::clone(shared));
        }
        let shared = ArcStr::from(s);
        self.0.insert(ArcStr::clone(&shared));
        Text(shared)
    }
}

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(s.into())
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(s.into())
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.0.as_str().to_owned()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        **self == *other.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    /// A number, as written (`010`, `1e3` and `22` keep their text).
    Number(Text),
    String(Text),
    Seq(Items<Node>),
    Map(Items<Entry>),
    /// A value under a tag CloudFormation does not define (boxed: rare, and a
    /// [`NodeKind`] is then 16 bytes).
    Opaque(Box<Tagged>),
}

/// The value of a [`NodeKind::Opaque`] node, and its tag as written (`!Rain::Module`).
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged {
    pub tag: Text,
    pub value: Node,
}

/// The items of a sequence or the entries of a mapping: exactly them (the tree holds
/// many collections, none with spare capacity), behind one word (the length is kept
/// with the items). Reads as a slice; built from a `Vec`, an array or an iterator.
#[derive(Clone, PartialEq)]
pub struct Items<T>(ThinVec<T>);

impl<T> Default for Items<T> {
    fn default() -> Self {
        Items(ThinVec::new())
    }
}

impl<T> Items<T> {
    /// Collects `items`, `len` of them, stopping at the first error.
    pub(crate) fn try_collect<E>(
        len: usize,
        items: impl IntoIterator<Item = Result<T, E>>,
    ) -> Result<Self, E> {
        let mut out = ThinVec::with_capacity(len);
        for item in items {
            out.push(item?);
        }
        out.shrink_to_fit();
        Ok(Items(out))
    }
}

impl<T> std::ops::Deref for Items<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Items<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.0
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl<T> FromIterator<T> for Items<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        // Exact when the iterator knows its length, else shrunk to it.
        let mut items: ThinVec<T> = items.into_iter().collect();
        items.shrink_to_fit();
        Items(items)
    }
}

impl<T> From<Vec<T>> for Items<T> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

impl<T, const N: usize> From<[T; N]> for Items<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<T> IntoIterator for Items<T> {
    type Item = T;
    type IntoIter = thin_vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Items<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut Items<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// One `key: value` pair of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Text,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn new(kind: NodeKind, span: Span) -> Self {
        Node { kind, span }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// The scalar text of a string or number (booleans render as `true`/`false`).
    pub fn as_scalar(&self) -> Option<std::borrow::Cow<'_, str>> {
        match &self.kind {
            NodeKind::String(s) | NodeKind::Number(s) => Some(s.as_str().into()),
            NodeKind::Bool(b) => Some(if *b { "true" } else { "false" }.into()),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }

    /// The entry for `key` in a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().find(|e| e.key == key)
    }

    /// The value for `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// A single-key mapping whose key is an intrinsic function or `Ref`/`Condition`:
    /// returns the function name and its argument.
    pub fn as_intrinsic(&self) -> Option<(&str, &Node)> {
        let entries = self.as_map()?;
        let [entry] = entries else { return None };
        let key = entry.key.as_str();
        (key == "Ref" || key == "Condition" || key.starts_with("Fn::"))
            .then_some((key, &entry.value))
    }

    /// The narrowest span that shows this value in a diagnostic: the value itself when
    /// it is a scalar, or an intrinsic on one line of `text` (or one whose value rests
    /// on a parameter default, `via_default`), else `key`, the key it is under.
    pub fn display_span(&self, text: &str, via_default: bool, key: Option<Span>) -> Span {
        let one_line = !text
            .get(self.span.start()..self.span.end())
            .unwrap_or_default()
            .contains('\n');
        let scalar = matches!(
            self.kind,
            NodeKind::Null | NodeKind::Bool(_) | NodeKind::Number(_) | NodeKind::String(_)
        );
        let compact = scalar || (self.as_intrinsic().is_some() && (one_line || via_default));
        match key {
            Some(key) if !compact || self.span.is_empty() => key,
            _ => self.span,
        }
    }

    /// Rewrites every span in the tree (keys included) through `map`.
    pub fn map_spans(&mut self, map: &impl Fn(usize) -> usize) {
        let mut todo = vec![self];
        while let Some(n) = todo.pop() {
            n.span = Span::new(map(n.span.start()), map(n.span.end()));
            match &mut n.kind {
                NodeKind::Seq(items) => todo.extend(items.iter_mut()),
                NodeKind::Map(entries) => {
                    for e in entries.iter_mut() {
                        e.key_span = Span::new(map(e.key_span.start()), map(e.key_span.end()));
                        todo.push(&mut e.value);
                    }
                }
                NodeKind::Opaque(tagged) => todo.push(&mut tagged.value),
                _ => {}
            }
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// The node as a help-text snippet (tags kept, spans dropped).
    pub fn to_snippet(&self) -> Snippet {
        match &self.kind {
            NodeKind::Null => Snippet::Null,
            NodeKind::Bool(b) => Snippet::Bool(*b),
            NodeKind::Number(n) => Snippet::Number(n.to_string()),
            NodeKind::String(s) => Snippet::Str(s.to_string()),
            NodeKind::Seq(items) => Snippet::Seq(items.iter().map(Node::to_snippet).collect()),
            NodeKind::Map(entries) => Snippet::Map(
                entries
                    .iter()
                    .map(|e| (e.key.to_string(), e.value.to_snippet()))
                    .collect(),
            ),
            NodeKind::Opaque(tagged) => {
                Snippet::Tagged(tagged.tag.to_string(), Box::new(tagged.value.to_snippet()))
            }
        }
    }

    /// The node as a snippet whose intrinsic functions are [`Snippet::Fn`], so that the
    /// emitter writes them in a file's own form (`!Ref X`, `Ref: X`, `{"Ref": "X"}`).
    pub fn to_styled_snippet(&self) -> Snippet {
        if let Some((name, arg)) = self.as_intrinsic() {
            if let Some(name) = static_intrinsic(name) {
                return Snippet::Fn(name, Box::new(arg.to_styled_snippet()));
            }
        }
        match &self.kind {
            NodeKind::Seq(items) => {
                Snippet::Seq(items.iter().map(Node::to_styled_snippet).collect())
            }
            NodeKind::Map(entries) => Snippet::Map(
                entries
                    .iter()
                    .map(|e| (e.key.to_string(), e.value.to_styled_snippet()))
                    .collect(),
            ),
            NodeKind::Opaque(tagged) => Snippet::Tagged(
                tagged.tag.to_string(),
                Box::new(tagged.value.to_styled_snippet()),
            ),
            _ => self.to_snippet(),
        }
    }

    /// Short human description of the node's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "boolean",
            NodeKind::Number(_) => "number",
            NodeKind::String(_) => "string",
            NodeKind::Seq(_) => "list",
            NodeKind::Map(_) => "mapping",
            NodeKind::Opaque(_) => "tagged value",
        }
    }
}

/// A parse failure with the place it happened and, for duplicate keys, the first place.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    pub label: String,
    pub related: Vec<(Span, String)>,
}

impl ParseError {
    pub fn new(message: impl Into<String>, span: Span, label: impl Into<String>) -> Self {
        ParseError {
            message: message.into(),
            span,
            label: label.into(),
            related: Vec::new(),
        }
    }
}

/// The long name of an intrinsic function, as a static string (`Condition` is no
/// function of a value: not one).
fn static_intrinsic(name: &str) -> Option<&'static str> {
    let short = name.strip_prefix("Fn::").unwrap_or(name);
    long_form_of_tag(short).filter(|long| *long == name && *long != "Condition")
}

/// The short-form tags CloudFormation defines, and the long-form key each stands for.
pub fn long_form_of_tag(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => "Fn::GetAtt",
        "Sub" => "Fn::Sub",
        "Join" => "Fn::Join",
        "If" => "Fn::If",
        "FindInMap" => "Fn::FindInMap",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "ImportValue" => "Fn::ImportValue",
        "Base64" => "Fn::Base64",
        "GetAZs" => "Fn::GetAZs",
        "Cidr" => "Fn::Cidr",
        "Equals" => "Fn::Equals",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "Not" => "Fn::Not",
        "Transform" => "Fn::Transform",
        "ToJsonString" => "Fn::ToJsonString",
        "Length" => "Fn::Length",
        "ForEach" => "Fn::ForEach",
        "Contains" => "Fn::Contains",
        "EachMemberEquals" => "Fn::EachMemberEquals",
        "EachMemberIn" => "Fn::EachMemberIn",
        "RefAll" => "Fn::RefAll",
        "ValueOf" => "Fn::ValueOf",
        "ValueOfAll" => "Fn::ValueOfAll",
        "Implies" => "Fn::Implies",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_handle_of_the_tree_is_one_word() {
        use std::mem::size_of;
        assert_eq!(size_of::<Text>(), 8);
        assert_eq!(size_of::<Option<Text>>(), 8);
        assert_eq!(size_of::<Items<Node>>(), 8);
        assert_eq!(size_of::<Items<Entry>>(), 8);
        assert_eq!(size_of::<NodeKind>(), 16);
        assert_eq!(size_of::<Node>(), 24);
        assert_eq!(size_of::<Entry>(), 40);
    }

    #[test]
    fn items_hold_no_spare_capacity() {
        let exact = |items: &Items<u32>| items.0.capacity() == items.len();
        assert!(exact(&(0..5).filter(|i| i % 2 == 0).collect()));
        assert!(exact(&Items::from(vec![1, 2, 3])));
        assert!(exact(&Items::from([1])));
        let collected = Items::try_collect(3, (0..3).map(Ok::<u32, ()>));
        assert!(collected.is_ok_and(|items| exact(&items) && *items == [0, 1, 2]));
        assert_eq!(Items::try_collect(3, [Ok(1), Err("no"), Ok(3)]), Err("no"));
        assert_eq!(Items::<u32>::default().0.capacity(), 0);
    }

    #[test]
    fn text_reads_as_its_str() {
        let t = Text::from("Ref");
        assert_eq!(format!("{t:?} {t}"), "\"Ref\" Ref");
        assert_eq!(t, "Ref");
        assert_eq!(String::from(t.clone()), "Ref");
        assert!(Text::default().is_empty());
        let mut interner = Interner::default();
        let (a, b) = (interner.text("Type"), interner.text("Type"));
        assert!(ArcStr::ptr_eq(&a.0, &b.0));
        let long = "x".repeat(Interner::MAX_SHARED + 1);
        assert!(!ArcStr::ptr_eq(
            &interner.text(&long).0,
            &interner.text(&long).0
        ));
    }
}
