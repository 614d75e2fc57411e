//! Reading inputs: regular files only, and no more than [`MAX_INPUT_BYTES`].
//!
//! A FIFO, a device or a socket given as an input, as `--config` or inside a `--rules`
//! directory would block the run forever or never end (`/dev/zero`); they are refused
//! with "not a regular file". Standard input is read through [`read_limited`].

use std::io::Read;
use std::path::Path;

use super::io_reason;

/// The largest input read, in bytes: templates, policies, configuration and Guard rule
/// files, and standard input. CloudFormation's own limit for a template body is 1 MB;
/// 64 MiB leaves room for anything real and keeps a run's memory bounded.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Why an input is too large.
pub fn too_large() -> String {
    format!(
        "larger than {} MiB, the limit for one input",
        MAX_INPUT_BYTES / (1024 * 1024)
    )
}

/// Reads a regular file (symbolic links followed) of at most [`MAX_INPUT_BYTES`]; the
/// error is a short reason (`not a regular file`, `no such file or directory`, ...).
pub fn read_regular_file(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if meta.is_dir() {
        return Err("is a directory".to_string());
    }
    if !meta.is_file() {
        return Err("not a regular file".to_string());
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    let mut file = std::fs::File::open(path).map_err(|e| io_reason(&e))?;
    // The file may have been replaced since: check what was opened.
    let opened = file.metadata().map_err(|e| io_reason(&e))?;
    if !opened.is_file() {
        return Err("not a regular file".to_string());
    }
    // Sized once from the metadata: a buffer grown by doubling would hold a large
    // template up to three times while it is read.
    let expected = usize::try_from(opened.len().min(MAX_INPUT_BYTES)).unwrap_or(0);
    read_limited_into(&mut file, Vec::with_capacity(expected.saturating_add(1)))
}

/// Reads to the end, at most [`MAX_INPUT_BYTES`].
pub fn read_limited(reader: &mut dyn Read) -> Result<Vec<u8>, String> {
    read_limited_into(reader, Vec::new())
}

fn read_limited_into(reader: &mut dyn Read, mut bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_limit() {
        let mut endless = std::io::repeat(b'a');
        assert_eq!(read_limited(&mut endless), Err(too_large()));
        let mut short: &[u8] = b"abc";
        assert_eq!(read_limited(&mut short).as_deref(), Ok(&b"abc"[..]));
    }

    #[test]
    fn only_regular_files_are_read() {
        assert_eq!(
            read_regular_file(Path::new("/")).unwrap_err(),
            "is a directory"
        );
        if Path::new("/dev/null").exists() {
            assert_eq!(
                read_regular_file(Path::new("/dev/null")).unwrap_err(),
                "not a regular file"
            );
        }
    }
}
