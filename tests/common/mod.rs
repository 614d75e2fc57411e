//! Helpers shared by the integration tests (`mod common;`): running the binary, scratch
//! directories, and reading the crate's files and fixtures.

// Each test crate uses a different part of this module.
#![allow(dead_code)]

pub mod fixtures;
pub mod help;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What one run of the `ssmlint` binary printed, and its exit code.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as JSON (`--format json`).
    pub fn json(&self) -> serde_json::Value {
        parse_json(&self.stdout)
    }

    /// The `code` of every finding in a `--format json` report, in order.
    pub fn codes(&self) -> Vec<String> {
        self.strings("findings", "code")
    }

    /// The `path` of every file in a `--format json` report, in order.
    pub fn paths(&self) -> Vec<String> {
        self.strings("files", "path")
    }

    /// `key` of every item of the list `list` in a `--format json` report.
    fn strings(&self, list: &str, key: &str) -> Vec<String> {
        self.json()[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item[key].as_str().map(str::to_string))
            .collect()
    }

    /// Asserts a usage error: exit code 2 and `needle` in stderr.
    #[track_caller]
    pub fn assert_usage_error(&self, needle: &str) {
        assert_eq!(
            self.code, 2,
            "expected exit 2:\n{}{}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.contains(needle),
            "`{needle}` is not in stderr:\n{}",
            self.stderr
        );
    }
}

/// The crate's root directory.
/// Asserts that `text` contains `needle`, showing `text` when it does not.
#[track_caller]
pub fn assert_contains(text: &str, needle: &str) {
    assert!(text.contains(needle), "expected {needle:?} in:\n{text}");
}

/// Asserts that `text` does not contain `needle`, showing `text` when it does.
#[track_caller]
pub fn assert_lacks(text: &str, needle: &str) {
    assert!(
        !text.contains(needle),
        "did not expect {needle:?} in:\n{text}"
    );
}

/// A template with an instance without a profile (SSM100) and a security group that
/// admits SSH from `cidr_ip` (a CIDR, or an intrinsic such as `!Ref SshFrom`).
pub fn ssh_template(cidr_ip: &str) -> String {
    format!(
        "Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      MetadataOptions: {{HttpTokens: required}}
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh
      SecurityGroupIngress:
        - {{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: {cidr_ip}}}
"
    )
}

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the binary in the crate's root directory.
pub fn ssmlint(args: &[&str]) -> Run {
    ssmlint_in(manifest_dir(), args)
}

/// Runs the binary in `dir`, with an empty stdin.
pub fn ssmlint_in(dir: &Path, args: &[&str]) -> Run {
    run_ssmlint(dir, args, None)
}

/// Runs the binary in `dir`, feeding it `stdin`.
pub fn ssmlint_with_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    run_ssmlint(dir, args, Some(stdin))
}

/// Runs the binary with `NO_COLOR` unset (tests choose with `--color`), and fails the test
/// if it panicked.
fn run_ssmlint(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ssmlint"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        // The summary format links to GitHub when these are set (in GitHub Actions).
        .env_remove("GITHUB_SERVER_URL")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_SHA")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the ssmlint binary starts");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(bytes).expect("stdin accepts the input");
    }
    let output = child.wait_with_output().expect("ssmlint finishes");
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "ssmlint {args:?} panicked:\n{}",
        run.stderr
    );
    run
}

/// `text` as JSON, or a test failure that shows it.
pub fn parse_json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A fresh, empty directory for one test, outside any git repository (so `.gitignore`
/// must work without one): `$TMP/ssmlint-<test crate>-<pid>-<name>`, removed when the
/// value is dropped.
pub fn scratch_dir(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!(
        "ssmlint-{}-{}-{name}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    Scratch(dir)
}

/// A scratch directory (see [`scratch_dir`]); derefs to its path.
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes a file, creating its parent directories.
pub fn write(path: &Path, text: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create parent dir");
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// A file of the crate, by its path relative to the crate root.
pub fn read(relative: &str) -> Vec<u8> {
    let path = manifest_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A text file of the crate, by its path relative to the crate root.
pub fn read_text(relative: &str) -> String {
    String::from_utf8(read(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// Every rule fixture, as `build.rs` lists them.
pub fn rule_fixtures() -> Vec<fixtures::Fixture> {
    fixtures::rule_fixtures(manifest_dir())
}
