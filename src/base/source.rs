//! Source text of one input file and byte-offset → line/column conversion.

use std::sync::Arc;

/// A byte range in a source text, `start..end`, in 32 bits: the tree and every analysis
/// hold millions, and inputs are capped well below 4 GiB
/// ([`crate::base::io::MAX_INPUT_BYTES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    start: u32,
    end: u32,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span {
            start: narrow(start),
            end: narrow(end),
        }
    }

    pub const fn start(&self) -> usize {
        self.start as usize
    }

    pub const fn end(&self) -> usize {
        self.end as usize
    }

    /// `start..end`, to slice a text with.
    pub const fn range(&self) -> std::ops::Range<usize> {
        self.start()..self.end()
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// An offset in 32 bits; one past the cap (never reached: inputs are smaller) saturates.
const fn narrow(offset: usize) -> u32 {
    if offset > u32::MAX as usize {
        u32::MAX
    } else {
        offset as u32
    }
}

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One input file: its display name (as given on the command line) and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub name: String,
    /// Shared with the reports (a `String` behind the `Arc`: made from the text read
    /// without copying it).
    pub text: Arc<String>,
    line_starts: LineStarts,
    /// The number of characters before each multiple of [`CHAR_MARK_EVERY`] bytes (none
    /// for an ASCII text), so that a column costs at most that many bytes to count, not
    /// the length of its line (a minified template is one line).
    char_marks: Vec<usize>,
}

/// Where lines start, kept sparsely: a checkpoint at least every [`LINES_PER_CHECKPOINT`]
/// lines and every [`BYTES_PER_CHECKPOINT`] bytes (also inside a long line: a minified
/// template is one line of megabytes). A lookup scans at most that far from its
/// checkpoint, and the index is about a hundredth of one offset per line (a 50 MB
/// template has 1.5 million lines). Offsets in 32 bits: inputs are capped well below
/// 4 GiB ([`crate::base::io::MAX_INPUT_BYTES`]).
#[derive(Debug)]
struct LineStarts {
    checkpoints: Box<[Checkpoint]>,
}

/// At byte `at` the text is in line `line` (0-based), which starts at byte `line_start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Checkpoint {
    at: u32,
    line: u32,
    line_start: u32,
}

const LINES_PER_CHECKPOINT: u32 = 64;
const BYTES_PER_CHECKPOINT: u32 = 4096;

impl LineStarts {
    fn of(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut checkpoints = Vec::new();
        let zero = Checkpoint {
            at: 0,
            line: 0,
            line_start: 0,
        };
        checkpoints.push(zero);
        let mut last = zero;
        let (mut line, mut line_start) = (0u32, 0u32);
        let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
        for end in ends.map(narrow) {
            // Inside a long line: checkpoints every BYTES_PER_CHECKPOINT bytes.
            while end.saturating_sub(last.at) > BYTES_PER_CHECKPOINT {
                last = Checkpoint {
                    at: last.at + BYTES_PER_CHECKPOINT,
                    line,
                    line_start,
                };
                checkpoints.push(last);
            }
            if usize::try_from(end).is_ok_and(|e| e >= bytes.len()) {
                break;
            }
            line += 1;
            line_start = end + 1;
            if line - last.line >= LINES_PER_CHECKPOINT
                || line_start - last.at >= BYTES_PER_CHECKPOINT
            {
                last = Checkpoint {
                    at: line_start,
                    line,
                    line_start,
                };
                checkpoints.push(last);
            }
        }
        checkpoints.shrink_to_fit();
        LineStarts {
            checkpoints: checkpoints.into_boxed_slice(),
        }
    }

    /// The 0-based line holding `offset` (at most the text's length) and where it starts.
    fn line_at(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let after = self
            .checkpoints
            .partition_point(|c| c.at as usize <= offset);
        let Some(cp) = after.checked_sub(1).and_then(|i| self.checkpoints.get(i)) else {
            return (0, 0);
        };
        let from = cp.at as usize;
        let between = text.as_bytes().get(from..offset).unwrap_or_default();
        let newlines = memchr::memchr_iter(b'\n', between).count();
        let line_start = match memchr::memrchr(b'\n', between) {
            Some(i) => from + i + 1,
            None => cp.line_start as usize,
        };
        (cp.line as usize + newlines, line_start)
    }
}

/// Bytes between two character counts kept by [`SourceFile`].
const CHAR_MARK_EVERY: usize = 4096;

/// Whether a byte starts a character (is not a UTF-8 continuation byte).
const fn starts_char(b: u8) -> bool {
    b & 0xC0 != 0x80
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        let text = Arc::new(text.into());
        let line_starts = LineStarts::of(&text);
        let mut char_marks = Vec::new();
        if !text.is_ascii() {
            let mut chars = 0;
            for block in text.as_bytes().chunks(CHAR_MARK_EVERY) {
                char_marks.push(chars);
                chars += block.iter().filter(|&&b| starts_char(b)).count();
            }
            char_marks.push(chars);
        }
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            char_marks,
        }
    }

    /// The number of characters before byte `offset` (a character boundary), counting
    /// at most [`CHAR_MARK_EVERY`] bytes.
    pub fn chars_before(&self, offset: usize) -> usize {
        if self.char_marks.is_empty() {
            return offset;
        }
        let block = offset / CHAR_MARK_EVERY;
        let from = block * CHAR_MARK_EVERY;
        let counted = self
            .text
            .as_bytes()
            .get(from..offset)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| starts_char(b))
            .count();
        self.char_marks.get(block).copied().unwrap_or(0) + counted
    }

    /// Line and column of a byte offset (clamped to the text, snapped to a char boundary).
    pub fn line_col(&self, offset: usize) -> LineCol {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (line_index, line_start) = self.line_starts.line_at(&self.text, offset);
        let column = self.chars_before(offset) - self.chars_before(line_start.min(offset));
        LineCol {
            line: line_index + 1,
            column: column + 1,
        }
    }

    /// The 1-based line of a byte offset (clamped to the text), without the column's cost.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts.line_at(&self.text, offset).0 + 1
    }

    /// Byte offset of the `index`-th character (saphyr counts characters).
    pub fn byte_of_char(&self, index: usize) -> usize {
        self.text
            .char_indices()
            .nth(index)
            .map_or(self.text.len(), |(b, _)| b)
    }
}

/// Converts character indices to byte offsets in one forward pass (indices must not decrease
/// much between calls for this to be cheap; it restarts from the beginning when they do).
pub struct CharToByte<'a> {
    text: &'a str,
    /// Checked once: for ASCII text character and byte offsets coincide.
    ascii: bool,
    char_pos: usize,
    byte_pos: usize,
}

impl<'a> CharToByte<'a> {
    pub fn new(text: &'a str) -> Self {
        CharToByte {
            text,
            ascii: text.is_ascii(),
            char_pos: 0,
            byte_pos: 0,
        }
    }

    pub fn byte(&mut self, char_index: usize) -> usize {
        if self.ascii {
            return char_index.min(self.text.len());
        }
        if char_index < self.char_pos {
            self.char_pos = 0;
            self.byte_pos = 0;
        }
        let rest = self.text.get(self.byte_pos..).unwrap_or("");
        for (b, _) in rest.char_indices() {
            if self.char_pos == char_index {
                self.byte_pos += b;
                return self.byte_pos;
            }
            self.char_pos += 1;
        }
        self.byte_pos = self.text.len();
        self.char_pos = char_index;
        self.byte_pos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every offset of texts with short, long, empty and CRLF lines, against a plain count.
    #[test]
    fn sparse_line_index_agrees_with_a_scan() {
        let long = "x".repeat(3 * BYTES_PER_CHECKPOINT as usize + 17);
        let many: String = (0..300).map(|i| format!("line {i}\n")).collect();
        let texts = [
            String::new(),
            "\n".into(),
            "a".into(),
            "a\n\n\nb".into(),
            "ab\r\ncd\r\n".into(),
            format!("{long}\n{long}"),
            format!("{many}{long}\nend\n"),
            format!("é{many}\n\n{long}é"),
        ];
        for text in &texts {
            let index = LineStarts::of(text);
            let (mut line, mut start) = (0, 0);
            for offset in 0..=text.len() {
                assert_eq!(
                    index.line_at(text, offset),
                    (line, start),
                    "{offset} of {text:?}"
                );
                if text.as_bytes().get(offset) == Some(&b'\n') {
                    line += 1;
                    start = offset + 1;
                }
            }
            assert_eq!(index.line_at(text, text.len() + 5), (line, start));
            assert!(
                index.checkpoints.len() <= 2 + text.len() / 64,
                "{}",
                index.checkpoints.len()
            );
        }
    }

    #[test]
    fn line_col_counts_characters() {
        let f = SourceFile::new("t", "ab\ncé d\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // 'd' is at byte 7 (é is two bytes) and column 4
        assert_eq!(f.line_col(7), LineCol { line: 2, column: 4 });
        assert_eq!(f.line_col(1000).line, 3);
    }

    #[test]
    fn columns_on_long_lines_count_characters() {
        let text = format!("{}\n{}x", "é".repeat(10_000), "aé".repeat(5_000));
        let f = SourceFile::new("t", text.as_str());
        let x = text.len() - 1;
        assert_eq!(
            f.line_col(x),
            LineCol {
                line: 2,
                column: 10_001
            }
        );
        assert_eq!(f.line_col(2 * 9_999).column, 10_000);
        assert_eq!(f.line_of(x), 2);
        assert_eq!(f.line_of(0), 1);
    }

    #[test]
    fn char_to_byte_handles_multibyte() {
        let text = "aé b";
        let mut c = CharToByte::new(text);
        assert_eq!(c.byte(0), 0);
        assert_eq!(c.byte(2), 3);
        assert_eq!(c.byte(3), 4);
        assert_eq!(c.byte(10), 5);
        assert_eq!(c.byte(1), 1);
    }
}
