//! Small text helpers: IAM-style wildcard matching, and "did you mean".

/// Levenshtein distance between two short strings.
#[allow(
    clippy::indexing_slicing,
    reason = "the two DP rows have one slot per character of `b`, plus one"
)]
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The closest candidate within distance 2 (ignoring case), for "did you mean" hints.
/// Candidates whose length differs by more than 2 cannot be that close and are not
/// compared, and nothing is allocated per candidate (a suppression naming 100,000
/// unknown rules asks this 100,000 times).
#[allow(
    clippy::indexing_slicing,
    reason = "the two DP rows have one slot per byte of `word`, plus one"
)]
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
    let mut prev: Vec<usize> = Vec::with_capacity(word.len() + 1);
    let mut cur: Vec<usize> = Vec::with_capacity(word.len() + 1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate.chars().count().abs_diff(word.len()) > 2 {
            continue;
        }
        // Levenshtein distance, rows over the word, the candidate lowercased as read.
        prev.clear();
        prev.extend(0..=word.len());
        for (i, c) in candidate.chars().flat_map(char::to_lowercase).enumerate() {
            cur.clear();
            cur.push(i + 1);
            for (j, w) in word.iter().enumerate() {
                let cost = usize::from(c != *w);
                let value = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
                cur.push(value);
            }
            std::mem::swap(&mut prev, &mut cur);
        }
        let distance = prev[word.len()];
        if distance <= 2 && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod closest_tests {
    use super::*;

    #[test]
    fn closest_ignores_case_and_far_candidates() {
        let names = ["SSM100", "instance-profile-missing", "ssh-open-to-internet"];
        assert_eq!(closest("ssm10", names), Some("SSM100"));
        assert_eq!(
            closest("Instance-Profile-Misssing", names),
            Some("instance-profile-missing")
        );
        assert_eq!(closest("x", names), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}

/// Case-insensitive match with `*` (any run, `:` and `/` included) and `?` (one
/// character), as IAM matches actions and resource ARNs. Linear in practice: one
/// backtrack point, the last `*`. Allocation-free for ASCII, which ARNs and actions are.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        return glob(pattern.as_bytes(), text.as_bytes(), |p, t| {
            p.eq_ignore_ascii_case(t)
        });
    }
    let p: Vec<char> = pattern.chars().flat_map(char::to_lowercase).collect();
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    glob(&p, &t, |a, b| a == b)
}

/// Glob matching over any symbols: `star` and `any` are the wildcards' symbols.
fn glob<T: Copy + PartialEq + Wildcards>(p: &[T], t: &[T], same: impl Fn(&T, &T) -> bool) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        match (p.get(pi), t.get(ti)) {
            (Some(pc), _) if pc.is_star() => {
                pi += 1;
                star = Some((pi, ti));
                continue;
            }
            (Some(pc), Some(tc)) if pc.is_any() || same(pc, tc) => {
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

/// The wildcard symbols of a pattern alphabet.
trait Wildcards {
    fn is_star(&self) -> bool;
    fn is_any(&self) -> bool;
}

impl Wildcards for u8 {
    fn is_star(&self) -> bool {
        *self == b'*'
    }
    fn is_any(&self) -> bool {
        *self == b'?'
    }
}

impl Wildcards for char {
    fn is_star(&self) -> bool {
        *self == '*'
    }
    fn is_any(&self) -> bool {
        *self == '?'
    }
}

/// [`wildcard_match`] on bytes, for callers that hold ASCII names as bytes.
pub fn wildcard_match_bytes(pattern: &[u8], text: &[u8]) -> bool {
    glob(pattern, text, |p, t| p.eq_ignore_ascii_case(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_case_insensitively() {
        assert!(wildcard_match("ssm:*", "ssm:UpdateInstanceInformation"));
        assert!(wildcard_match(
            "SSMMessages:Open*",
            "ssmmessages:OpenDataChannel"
        ));
        assert!(wildcard_match("*", "anything"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("ssm:Start?ession", "ssm:StartSession"));
        assert!(!wildcard_match("ssm:Get*", "ssm:UpdateInstanceInformation"));
        assert!(wildcard_match("a*b*c", "aXXbYYc"));
        assert!(!wildcard_match("a*b*c", "aXXbYY"));
        assert!(wildcard_match("arn:aws:s3:::é*", "arn:aws:s3:::Éte"));
        assert!(!wildcard_match("abc", "ab"));
        assert!(!wildcard_match("ab", "abc"));
        assert!(wildcard_match("ab**", "ab"));
    }

    #[test]
    fn many_stars_stay_linear() {
        let pattern = "*a".repeat(200) + "b";
        let text = "a".repeat(5000);
        assert!(!wildcard_match(&pattern, &text));
    }
}
