//! `--fix`, `--unsafe-fixes` and `--diff` on the command line: what is written, what is
//! printed, the exit codes, stdin, line endings and permissions.

mod common;

use common::{scratch_dir, ssmlint_in, ssmlint_with_stdin, write};

/// An instance without IMDSv2 (a safe fix) and with a key pair (an unsafe one).
const TEMPLATE: &str = "Resources:\n  App:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-0abcdef1234567890 # the AMI\n      KeyName: ops\n      IamInstanceProfile: !Ref Profile\n  Profile:\n    Type: AWS::IAM::InstanceProfile\n    Properties:\n      Roles: [!Ref Role]\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}\n      ManagedPolicyArns:\n        - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore\n";

const OPTIONS: &[&str] = &[
    "--no-config",
    "--select",
    "SSM204,SSM205",
    "--color",
    "never",
];

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    OPTIONS
        .iter()
        .copied()
        .chain(extra.iter().copied())
        .collect()
}

#[test]
fn diff_prints_and_writes_nothing() {
    let dir = scratch_dir("fix-diff");
    write(&dir.join("t.yaml"), TEMPLATE);
    let run = ssmlint_in(&dir, &args(&["--diff", "t.yaml"]));
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stdout.starts_with("--- a/t.yaml\n+++ b/t.yaml\n"),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("+      MetadataOptions:\n+        HttpTokens: required\n"));
    // Unsafe fixes only with --unsafe-fixes.
    common::assert_lacks(&run.stdout, "-      KeyName: ops");
    common::assert_contains(&run.stderr, "1 finding would be fixed");
    assert_eq!(
        std::fs::read_to_string(dir.join("t.yaml")).unwrap(),
        TEMPLATE
    );
    let run = ssmlint_in(&dir, &args(&["--diff", "--unsafe-fixes", "t.yaml"]));
    common::assert_contains(&run.stdout, "-      KeyName: ops\n");
    // Nothing to fix: exit 0, no diff.
    write(
        &dir.join("clean.yaml"),
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
    );
    let run = ssmlint_in(&dir, &args(&["--diff", "clean.yaml"]));
    assert_eq!((run.code, run.stdout.as_str()), (0, ""), "{run:?}");
}

#[test]
fn fix_writes_in_place_and_reports_what_remains() {
    let dir = scratch_dir("fix-write");
    let path = dir.join("t.yaml");
    write(&path, TEMPLATE);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let run = ssmlint_in(&dir, &args(&["--fix", "t.yaml"]));
    // SSM204 (a warning) remains: exit 0 at the default --fail-on error.
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr.ends_with("1 fixed, 1 remaining\n"),
        "{}",
        run.stderr
    );
    common::assert_contains(&run.stdout, "SSM204");
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(fixed.contains("      ImageId: ami-0abcdef1234567890 # the AMI\n"));
    assert!(fixed.contains("      MetadataOptions:\n        HttpTokens: required\n  Profile:"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(&*dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    let run = ssmlint_in(&dir, &args(&["--fix", "--unsafe-fixes", "t.yaml"]));
    assert!(
        run.stderr.ends_with("1 fixed, 0 remaining\n"),
        "{}",
        run.stderr
    );
    assert!(!std::fs::read_to_string(&path).unwrap().contains("KeyName"));
    // Nothing left: the file is not written again.
    let before = std::fs::metadata(&path).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let run = ssmlint_in(&dir, &args(&["--fix", "--unsafe-fixes", "t.yaml"]));
    assert!(
        run.stderr.ends_with("0 fixed, 0 remaining\n"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        before
    );
}

#[test]
fn fix_of_stdin_prints_the_fixed_text() {
    let dir = scratch_dir("fix-stdin");
    let run = ssmlint_with_stdin(&dir, &args(&["--fix", "-"]), TEMPLATE.as_bytes());
    assert!(run.stdout.starts_with("Resources:\n"), "{}", run.stdout);
    common::assert_contains(&run.stdout, "        HttpTokens: required\n");
    // The report goes to stderr.
    common::assert_contains(&run.stderr, "SSM204");
    assert!(
        run.stderr.ends_with("1 fixed, 1 remaining\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn crlf_json_and_long_forms_are_kept() {
    let dir = scratch_dir("fix-style");
    let crlf = TEMPLATE
        .replace("!Ref Profile", "{Ref: Profile}")
        .replace('\n', "\r\n");
    let crlf = crlf
        .replace("!Ref Role", "{Ref: Role}")
        .replace("!Sub arn", "{\"Fn::Sub\": 'arn")
        .replace("InstanceCore\r\n", "InstanceCore'}\r\n");
    write(&dir.join("crlf.yaml"), &crlf);
    let run = ssmlint_in(&dir, &args(&["--fix", "crlf.yaml"]));
    assert!(run.stderr.ends_with("1 fixed, 1 remaining\n"), "{run:?}");
    let fixed = std::fs::read_to_string(dir.join("crlf.yaml")).unwrap();
    assert!(fixed.contains("\r\n      MetadataOptions:\r\n        HttpTokens: required\r\n"));
    assert_eq!(fixed.matches('\n').count(), fixed.matches("\r\n").count());
    let json = "{\n    \"Resources\": {\n        \"App\": {\n            \"Type\": \"AWS::EC2::LaunchTemplate\",\n            \"Properties\": {\"LaunchTemplateData\": {\"ImageId\": \"ami-0abcdef1234567890\"}}\n        }\n    }\n}\n";
    write(&dir.join("t.json"), json);
    let run = ssmlint_in(&dir, &args(&["--diff", "t.json"]));
    common::assert_contains(&run.stdout, "+            \"Properties\": {\"LaunchTemplateData\": {\"ImageId\": \"ami-0abcdef1234567890\", \"MetadataOptions\": {\"HttpTokens\": \"required\"}}}\n");
}

#[test]
fn json_findings_carry_their_fix() {
    let dir = scratch_dir("fix-json");
    write(&dir.join("t.yaml"), TEMPLATE);
    let run = ssmlint_in(&dir, &args(&["--format", "json", "t.yaml"]));
    let json = run.json();
    let findings = json["findings"].as_array().unwrap();
    let imds = findings.iter().find(|f| f["code"] == "SSM205").unwrap();
    assert_eq!(imds["fix"]["applicability"], "safe");
    let edit = &imds["fix"]["edits"][0];
    assert_eq!(edit["start"], edit["end"]);
    assert_eq!(edit["line"], 7);
    assert!(edit["text"]
        .as_str()
        .unwrap()
        .contains("HttpTokens: required"));
    let key = findings.iter().find(|f| f["code"] == "SSM204").unwrap();
    assert_eq!(key["fix"]["applicability"], "unsafe");
}
