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

/// The byte offset where each line starts, in 32 bits when the text allows (inputs are
/// capped well below 4 GiB: [`crate::base::io::MAX_INPUT_BYTES`]), with no spare capacity.
#[derive(Debug)]
enum LineStarts {
    Narrow(Box<[u32]>),
    Wide(Box<[usize]>),
}

impl LineStarts {
    fn of(text: &str) -> Self {
        let bytes = text.as_bytes();
        let starts = || std::iter::once(0).chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1));
        if u32::try_from(text.len()).is_ok() {
            let lines = 1 + memchr::memchr_iter(b'\n', bytes).count();
            let mut narrow = Vec::with_capacity(lines);
            narrow.extend(starts().map(|s| u32::try_from(s).unwrap_or(u32::MAX)));
            LineStarts::Narrow(narrow.into_boxed_slice())
        } else {
            LineStarts::Wide(starts().collect())
        }
    }

    /// The index of the line holding `offset` (at most the text's length).
    fn line_index(&self, offset: usize) -> usize {
        let found = match self {
            LineStarts::Narrow(starts) => match u32::try_from(offset) {
                Ok(offset) => starts.binary_search(&offset),
                Err(_) => Err(starts.len()),
            },
            LineStarts::Wide(starts) => starts.binary_search(&offset),
        };
        match found {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    fn get(&self, index: usize) -> Option<usize> {
        match self {
            LineStarts::Narrow(starts) => starts.get(index).map(|&s| s as usize),
            LineStarts::Wide(starts) => starts.get(index).copied(),
        }
    }

    /// The number of lines that start at or before `offset`.
    fn starting_by(&self, offset: usize) -> usize {
        match self {
            LineStarts::Narrow(starts) => match u32::try_from(offset) {
                Ok(offset) => starts.partition_point(|&s| s <= offset),
                Err(_) => starts.len(),
            },
            LineStarts::Wide(starts) => starts.partition_point(|&s| s <= offset),
        }
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
        let line_index = self.line_starts.line_index(offset);
        let line_start = self.line_starts.get(line_index).unwrap_or(0);
        let column = self.chars_before(offset) - self.chars_before(line_start.min(offset));
        LineCol {
            line: line_index + 1,
            column: column + 1,
        }
    }

    /// The 1-based line of a byte offset (clamped to the text), without the column's cost.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts.starting_by(offset).max(1)
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
