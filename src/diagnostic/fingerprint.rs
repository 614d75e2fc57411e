//! Fingerprints: what identifies a finding across edits of its file. Made from the rule,
//! the resource and the message, not the position, so that a finding keeps its
//! fingerprint when lines are added above it. SARIF's `partialFingerprints` and the
//! baseline (`--write-baseline`) use the same ones.

use super::Finding;

/// The name of the recipe below; the suffix changes if the recipe does.
pub const KEY: &str = "ssmlintFingerprint/v1";

/// A stable 64-bit FNV-1a hash of the rule, the resource and the message.
pub fn base(finding: &Finding) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        finding.code,
        finding.resource.as_deref().unwrap_or(""),
        &finding.message,
    ] {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The fingerprints of the findings of one file — all of them, reported and suppressed —
/// in the order given: `{base:016x}:{n}`, where `n` counts the findings with the same
/// base in the file, by position (then code).
#[allow(
    clippy::indexing_slicing,
    reason = "`order` holds the indices of `findings`, and `out` has one slot per finding"
)]
pub fn fingerprints(findings: &[&Finding]) -> Vec<String> {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| (findings[i].span.start(), findings[i].code));
    let mut seen = std::collections::HashMap::new();
    let mut out = vec![String::new(); findings.len()];
    for i in order {
        let base = base(findings[i]);
        let occurrence = seen.entry(base).or_insert(0_usize);
        *occurrence += 1;
        out[i] = format!("{base:016x}:{occurrence}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::Span;
    use crate::diagnostic::{Category, RuleMeta, Severity};

    static META: RuleMeta = RuleMeta {
        code: "T001",
        name: "test",
        category: Category::Input,
        severity: Severity::Error,
        summary: "",
        docs: "",
        url: "",
        fix: crate::diagnostic::FixAvailability::None,
    };

    #[test]
    fn fingerprints_ignore_the_position_and_count_repeats() {
        let a = Finding::new(&META, Span::new(1, 2), "m").resource("X");
        let b = Finding::new(&META, Span::new(100, 200), "m").resource("X");
        let c = Finding::new(&META, Span::new(1, 2), "m").resource("Y");
        assert_eq!(base(&a), base(&b));
        assert_ne!(base(&a), base(&c));
        let prints = fingerprints(&[&b, &c, &a]);
        assert_eq!(prints[0], format!("{:016x}:2", base(&a)));
        assert_eq!(prints[2], format!("{:016x}:1", base(&a)));
        assert!(prints[1].ends_with(":1"));
    }
}
