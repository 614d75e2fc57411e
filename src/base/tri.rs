//! A three-valued truth: what the template proves, what it rules out, and what it
//! leaves open. Rules report on `Yes` only; `Unknown` never alarms.

/// Yes, no, or unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

impl Tri {
    pub const fn from_bool(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }

    /// `None` is unknown.
    pub const fn from_option(b: Option<bool>) -> Tri {
        match b {
            Some(b) => Tri::from_bool(b),
            None => Tri::Unknown,
        }
    }

    /// Kleene conjunction: `No` wins, then `Unknown`.
    #[must_use]
    pub const fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Unknown,
        }
    }

    /// Kleene disjunction: `Yes` wins, then `Unknown`.
    #[must_use]
    pub const fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Unknown,
        }
    }

    #[must_use]
    pub const fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Unknown => Tri::Unknown,
        }
    }

    pub const fn is_yes(self) -> bool {
        matches!(self, Tri::Yes)
    }

    pub const fn is_no(self) -> bool {
        matches!(self, Tri::No)
    }

    /// The known answer, if any.
    pub const fn known(self) -> Option<bool> {
        match self {
            Tri::Yes => Some(true),
            Tri::No => Some(false),
            Tri::Unknown => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Tri::{self, No, Unknown, Yes};

    #[test]
    fn kleene_tables() {
        let all = [Yes, No, Unknown];
        for a in all {
            for b in all {
                assert_eq!(a.and(b), b.and(a));
                assert_eq!(a.or(b), b.or(a));
                assert_eq!(a.and(b).not(), a.not().or(b.not()));
            }
        }
        assert_eq!(Yes.and(Unknown), Unknown);
        assert_eq!(No.and(Unknown), No);
        assert_eq!(Yes.or(Unknown), Yes);
        assert_eq!(Tri::from_option(None), Unknown);
        assert_eq!(Tri::from_bool(true).known(), Some(true));
    }
}
