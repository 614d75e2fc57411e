//! The one engine that enumerates deployments: assignments of truth values to the
//! template's conditions, within a cap. Two ways in:
//!
//! - [`all`]: every assignment of a known list of conditions (the conditions an IAM
//!   policy's statements rest on, the conditions a Guard document varies on);
//! - [`explore`]: a question asked under a [`Scenario`] records the conditions it
//!   consults but the assignment leaves open, and is asked again under each value of the
//!   first of them, so only the conditions that matter are split on.
//!
//! Beyond the cap the answer is "unknown" ([`Leaf::outcome`] is `None`), never a guess.

use std::cell::RefCell;

use super::When;

/// Every assignment of `conditions`, the first one all false; just the empty assignment
/// when there are none, or more than `cap` (whose 2^n assignments are not enumerated).
pub fn all<'a>(conditions: &[&'a str], cap: usize) -> Vec<When<'a>> {
    if conditions.is_empty() || conditions.len() > cap {
        return vec![When::new()];
    }
    (0..1usize << conditions.len())
        .map(|bits| {
            conditions
                .iter()
                .enumerate()
                .map(|(i, c)| (*c, bits & (1 << i) != 0))
                .collect()
        })
        .collect()
}

/// Whether [`all`] gave up on `conditions` (more than `cap`).
pub fn capped(conditions: &[&str], cap: usize) -> bool {
    conditions.len() > cap
}

/// The fewest assignments that cover the same deployments as `scenarios`: two that
/// differ only in one condition's value become one without it, until none do. A finding
/// true "when A is false", whatever B, then says just that.
#[allow(clippy::indexing_slicing, reason = "i < j < out.len() by the loops")]
pub fn combine<'a>(scenarios: &[When<'a>]) -> Vec<When<'a>> {
    let mut out: Vec<When<'a>> = scenarios.to_vec();
    'again: loop {
        for i in 0..out.len() {
            for j in i + 1..out.len() {
                if let Some(merged) = differ_in_one(&out[i], &out[j]) {
                    out.swap_remove(j);
                    out[i] = merged;
                    continue 'again;
                }
            }
        }
        return out;
    }
}

/// `a` without the one condition it and `b` disagree on, when they agree on the rest.
fn differ_in_one<'a>(a: &When<'a>, b: &When<'a>) -> Option<When<'a>> {
    if a.len() != b.len() {
        return None;
    }
    let mut differing = None;
    for &(condition, value) in a.iter() {
        match b.get(condition) {
            Some(v) if v == value => {}
            Some(_) if differing.is_none() => differing = Some(condition),
            _ => return None,
        }
    }
    let differing = differing?;
    let mut merged = a.clone();
    merged.retain(|(c, _)| *c != differing);
    Some(merged)
}

/// Alternatives that hold in a scenario disagree: the value is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ambiguous;

/// One assignment of truth values to conditions, recording the conditions it was asked
/// about but does not assign.
pub struct Scenario<'a> {
    pub assignment: When<'a>,
    needed: RefCell<Vec<&'a str>>,
}

impl<'a> Scenario<'a> {
    pub fn new(assignment: When<'a>) -> Self {
        Scenario {
            assignment,
            needed: RefCell::new(Vec::new()),
        }
    }

    /// Whether a fact resting on `when` holds in the scenario. A condition the scenario
    /// leaves open does not make it false; it is recorded, and [`explore`] decides it.
    pub fn on(&self, when: &[(&'a str, bool)]) -> bool {
        let mut holds = true;
        for &(name, branch) in when {
            match self.assignment.get(name) {
                Some(value) => holds &= value == branch,
                None => {
                    let mut needed = self.needed.borrow_mut();
                    if !needed.contains(&name) {
                        needed.push(name);
                    }
                }
            }
        }
        holds
    }

    /// The one alternative that holds, as far as its value goes: `parts` gives each
    /// alternative's value and the branches it rests on; [`Ambiguous`] when alternatives
    /// that hold have different values.
    pub fn pick<'s, A, V: PartialEq + 's>(
        &self,
        alternatives: &'s [A],
        parts: impl Fn(&'s A) -> (&'s V, &'s [(&'a str, bool)]),
    ) -> Result<Option<&'s A>, Ambiguous>
    where
        'a: 's,
    {
        let mut found: Option<(&A, &V)> = None;
        for alt in alternatives {
            let (value, when) = parts(alt);
            if self.on(when) {
                match found {
                    Some((_, f)) if f != value => return Err(Ambiguous),
                    Some(_) => {}
                    None => found = Some((alt, value)),
                }
            }
        }
        Ok(found.map(|(alt, _)| alt))
    }
}

/// One explored assignment and the answer under it; `None` when the answer needed more
/// conditions than the cap allows.
#[derive(Debug)]
pub struct Leaf<'a, R> {
    pub assignment: When<'a>,
    pub outcome: Option<R>,
}

/// Asks `question` under `initial` and, for each condition it consults that is open,
/// under both of its values (at most `cap` conditions beyond `initial`). The leaves come
/// in a stable order.
pub fn explore<'a, R>(
    initial: &When<'a>,
    cap: usize,
    question: &dyn Fn(&Scenario<'a>) -> R,
) -> Vec<Leaf<'a, R>> {
    let mut out = Vec::new();
    let mut todo = vec![initial.clone()];
    while let Some(assignment) = todo.pop() {
        let scenario = Scenario::new(assignment);
        let outcome = question(&scenario);
        let Scenario { assignment, needed } = scenario;
        match needed.into_inner().first() {
            None => out.push(Leaf {
                assignment,
                outcome: Some(outcome),
            }),
            Some(&name) if assignment.len() < initial.len() + cap => {
                for value in [false, true] {
                    let mut next = assignment.clone();
                    next.insert(name, value);
                    todo.push(next);
                }
            }
            Some(_) => out.push(Leaf {
                assignment,
                outcome: None,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_assignments_within_the_cap() {
        assert_eq!(all(&[], 4), [When::new()]);
        let two = all(&["A", "B"], 4);
        assert_eq!(two.len(), 4);
        assert_eq!(two[0], [("A", false), ("B", false)]);
        assert_eq!(two[3], [("A", true), ("B", true)]);
        assert_eq!(all(&["A", "B", "C"], 2), [When::new()]);
        assert!(capped(&["A", "B", "C"], 2));
    }

    #[test]
    fn explore_splits_only_on_consulted_conditions() {
        // The answer depends on A, and on B only when A is true.
        let leaves = explore(&When::new(), 5, &|s: &Scenario<'_>| {
            if s.on(&[("A", true)]) {
                s.on(&[("B", true)])
            } else {
                false
            }
        });
        let mut seen: Vec<(String, Option<bool>)> = leaves
            .iter()
            .map(|l| (l.assignment.describe(), l.outcome))
            .collect();
        seen.sort();
        assert_eq!(seen.len(), 3, "{seen:?}");
        // Past the cap, the answer is unknown.
        let capped = explore(&When::new(), 1, &|s: &Scenario<'_>| {
            s.on(&[("A", true)]) && s.on(&[("B", true)])
        });
        assert!(capped.iter().any(|l| l.outcome.is_none()));
    }

    #[test]
    fn pick_needs_one_value() {
        let s = Scenario::new(When::of("A", true));
        let alternatives = [(1, vec![("A", true)]), (2, vec![("A", false)])];
        fn parts<'s>(
            (v, w): &'s (i32, Vec<(&'static str, bool)>),
        ) -> (&'s i32, &'s [(&'static str, bool)]) {
            (v, w.as_slice())
        }
        assert_eq!(s.pick(&alternatives, parts), Ok(Some(&alternatives[0])));
        let open = Scenario::new(When::new());
        assert_eq!(open.pick(&alternatives, parts), Err(Ambiguous));
    }

    #[test]
    fn combine_drops_the_conditions_that_do_not_matter() {
        let a_false = [
            When::from([("A", false), ("B", false)]),
            When::from([("A", false), ("B", true)]),
        ];
        assert_eq!(combine(&a_false), [When::from([("A", false)])]);
        let everywhere: Vec<When<'_>> = all(&["A", "B"], 4);
        assert_eq!(combine(&everywhere), [When::new()]);
        // A diagonal has nothing in common.
        let diagonal = [
            When::from([("A", false), ("B", false)]),
            When::from([("A", true), ("B", true)]),
        ];
        assert_eq!(combine(&diagonal).len(), 2);
    }
}
