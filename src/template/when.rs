//! [`When`]: the truth values of template conditions that something rests on — the
//! `Fn::If` branches a value was read through, a resource's own `Condition:`, or the
//! assignment a scenario explores. One type for all of them.

use std::ops::Deref;

use crate::base::Tri;

/// `(condition, truth value)` pairs, each condition at most once, in the order they were
/// met (messages name them in that order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct When<'a>(Vec<(&'a str, bool)>);

impl<'a> When<'a> {
    pub const fn new() -> Self {
        When(Vec::new())
    }

    /// One condition with one truth value.
    pub fn of(condition: &'a str, value: bool) -> Self {
        When(vec![(condition, value)])
    }

    /// A resource's `Condition:` (true), or nothing.
    pub fn of_resource(condition: Option<&'a str>) -> Self {
        condition.map_or_else(When::new, |c| When::of(c, true))
    }

    /// The truth value given to `condition`, if any.
    pub fn get(&self, condition: &str) -> Option<bool> {
        self.0
            .iter()
            .find(|(c, _)| *c == condition)
            .map(|&(_, value)| value)
    }

    /// Adds `condition = value`; false (and unchanged) when it contradicts what is there.
    pub fn insert(&mut self, condition: &'a str, value: bool) -> bool {
        match self.get(condition) {
            Some(known) => known == value,
            None => {
                self.0.push((condition, value));
                true
            }
        }
    }

    /// Adds every pair of `other`; false when they contradict (then `self` may hold part
    /// of `other` and should be dropped).
    pub fn merge_from(&mut self, other: &When<'a>) -> bool {
        other.0.iter().all(|&(c, v)| self.insert(c, v))
    }

    /// Both at once, or `None` when they contradict (the combination cannot happen).
    #[must_use]
    pub fn merge(&self, other: &When<'a>) -> Option<When<'a>> {
        let mut out = self.clone();
        out.merge_from(other).then_some(out)
    }

    /// Whether the two can hold together.
    pub fn compatible(&self, other: &When<'_>) -> bool {
        other
            .0
            .iter()
            .all(|&(c, v)| self.get(c).is_none_or(|known| known == v))
    }

    /// Whether something resting on `self` exists under `assignment`: `No` when the
    /// assignment contradicts it, `Yes` when it decides every condition the same way,
    /// `Unknown` when it leaves one open.
    pub fn holds_in(&self, assignment: &When<'_>) -> Tri {
        let mut open = false;
        for &(c, v) in &self.0 {
            match assignment.get(c) {
                Some(known) if known != v => return Tri::No,
                Some(_) => {}
                None => open = true,
            }
        }
        if open {
            Tri::Unknown
        } else {
            Tri::Yes
        }
    }

    /// Keeps the pairs for which `keep` is true.
    pub fn retain(&mut self, keep: impl FnMut(&(&'a str, bool)) -> bool) {
        self.0.retain(keep);
    }

    /// "when condition `IsProd` is true and condition `HasKey` is false" ("" when empty).
    pub fn describe(&self) -> String {
        describe(&self.0)
    }
}

/// [`When::describe`] of a list of pairs.
pub fn describe(pairs: &[(&str, bool)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = pairs
        .iter()
        .map(|(c, b)| format!("condition `{c}` is {b}"))
        .collect();
    format!("when {}", parts.join(" and "))
}

impl<'a> Deref for When<'a> {
    type Target = [(&'a str, bool)];

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'a> FromIterator<(&'a str, bool)> for When<'a> {
    /// Later pairs that contradict earlier ones are dropped.
    fn from_iter<I: IntoIterator<Item = (&'a str, bool)>>(iter: I) -> Self {
        let mut out = When::new();
        for (c, v) in iter {
            out.insert(c, v);
        }
        out
    }
}

impl<'a, const N: usize> From<[(&'a str, bool); N]> for When<'a> {
    fn from(pairs: [(&'a str, bool); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<const N: usize> PartialEq<[(&str, bool); N]> for When<'_> {
    fn eq(&self, other: &[(&str, bool); N]) -> bool {
        self.0.as_slice() == other.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_and_contradictions() {
        let a = When::of("A", true);
        let b = When::from([("B", false)]);
        let ab = a.merge(&b).expect("compatible");
        assert_eq!(ab, [("A", true), ("B", false)]);
        assert!(a.merge(&When::of("A", false)).is_none());
        assert!(ab.compatible(&a));
        assert!(!ab.compatible(&When::of("B", true)));
        assert_eq!(a.holds_in(&ab), Tri::Yes);
        assert_eq!(ab.holds_in(&a), Tri::Unknown);
        assert_eq!(a.holds_in(&When::of("A", false)), Tri::No);
        assert_eq!(
            ab.describe(),
            "when condition `A` is true and condition `B` is false"
        );
        assert_eq!(When::new().describe(), "");
        let collected: When<'_> = [("A", true), ("A", false)].into_iter().collect();
        assert_eq!(collected, [("A", true)]);
    }
}
