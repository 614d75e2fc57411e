//! The human output's places and wrapping: the header above a finding's first snippet is
//! the finding's own place, with its column in characters (as in JSON and SARIF), even
//! when a secondary label comes earlier in the file; long URLs and hyphenated words in
//! messages and help are never cut at 100 columns.

mod common;

use common::{scratch_dir, ssmlint_in, write};

/// The `╭─[...]` headers of a human report, in order.
fn headers(out: &str) -> Vec<&str> {
    out.lines()
        .filter_map(|l| l.trim_start().strip_prefix("╭─["))
        .map(|l| l.trim_end_matches(']'))
        .collect()
}

#[test]
fn the_header_is_the_findings_own_place_in_characters() {
    let root = scratch_dir("header");
    // Two-byte characters before the instance, on its line.
    write(
        &root.join("t.yaml"),
        "Resources: {Bücher: {Type: AWS::SNS::Topic}, Größe: {Type: AWS::SNS::Topic}, Web: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-1, MetadataOptions: {HttpTokens: required}}}}\n",
    );
    let run = ssmlint_in(
        &root,
        &["--no-config", "--select=SSM100", "--color=never", "t.yaml"],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    let json = ssmlint_in(
        &root,
        &["--no-config", "--select=SSM100", "--format=json", "t.yaml"],
    );
    let finding = &json.json()["findings"][0];
    let place = format!("t.yaml:{}:{}", finding["line"], finding["column"]);
    assert_eq!(place, "t.yaml:1:78", "characters, not bytes (81)");
    assert_eq!(headers(&run.stdout), [place.as_str()], "{}", run.stdout);

    // A secondary label before the finding (the parameter default it rests on): the
    // finding's own snippet comes first.
    let run = ssmlint_in(
        &common::manifest_dir().join("fixtures/guard"),
        &[
            "--no-config",
            "--rules",
            "rules",
            "--select",
            "ACME001",
            "--color=never",
            "templates/storage.yaml",
        ],
    );
    assert_eq!(
        headers(&run.stdout),
        [
            "templates/storage.yaml:15:17",
            "templates/storage.yaml:6:14"
        ],
        "{}",
        run.stdout
    );
}

#[test]
fn long_urls_and_hyphenated_words_are_not_cut() {
    let root = scratch_dir("urls");
    let long = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/manage-versioning-examples.html#enable-versioning-with-mfa-delete-on-the-bucket";
    let short = "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-getting-started.html";
    write(
        &root.join("rules/versioning.guard"),
        format!(
            "# ssmlint:\n#   code: ACME002\n#   name: versioned-buckets-with-a-long-help\n#   severity: warning\n#   types: [AWS::S3::Bucket]\n#   message: \"bucket `{{resource}}` is not versioned: the versioning guide of the platform team explains it, see {short}\"\n#   help: \"read {long} first, then the rest of the versioning and session-manager-getting-started pages\"\nrule versioned {{\n    Resources.*[ Type == 'AWS::S3::Bucket' ] {{\n        Properties.VersioningConfiguration.Status == \"Enabled\"\n    }}\n}}\n"
        ),
    );
    write(
        &root.join("t.yaml"),
        "Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n",
    );
    let run = ssmlint_in(
        &root,
        &[
            "--no-config",
            "--rules",
            "rules",
            "--select",
            "ACME002",
            "--color=never",
            "t.yaml",
        ],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    for url in [long, short, "session-manager-getting-started"] {
        assert!(
            run.stdout.lines().any(|l| l.contains(url)),
            "`{url}` is on one line:\n{}",
            run.stdout
        );
    }
    insta::assert_snapshot!("long_urls", run.stdout);
}
