//! Small text helpers shared by messages ("did you mean").

/// Levenshtein distance between two short strings.
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
mod tests {
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
