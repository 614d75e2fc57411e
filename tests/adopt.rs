//! Adopting ssmlint on an existing repository, end to end through the binary: the
//! concise format, `--statistics`, baselines (a round trip on a copy of a corpus folder),
//! `--exit-zero`, configuration per file (`per_file` sections, the nearest
//! `.ssmlint.yaml` above each file), `--show-settings` and `--show-files`.

mod common;

use std::path::{Path, PathBuf};

use common::{scratch_dir, ssmlint_in, write, Run};

/// The template of `tests/data/formats`: findings of all severities, suppressions.
const RULES: &str = "--select=SSM000,SSM002,SSM100,SSM106,SSM200,SSM201,SSM202";

fn formats_dir() -> PathBuf {
    common::manifest_dir().join("tests/data/formats")
}

fn data(name: &str) -> String {
    common::read_text(&format!("tests/data/{name}"))
}

#[test]
fn concise_prints_one_line_per_finding() {
    let args = [
        "--no-config",
        RULES,
        "--format",
        "concise",
        "stack.yaml",
        "broken.yaml",
    ];
    let run = ssmlint_in(&formats_dir(), &args);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    insta::assert_snapshot!("concise", run.stdout);
    for line in run.stdout.lines().filter(|l| l.contains(": SSM")) {
        let (place, rest) = line.split_once(": ").expect("path:line:col: ...");
        assert_eq!(place.split(':').count(), 3, "{line}");
        assert!(rest.starts_with("SSM"), "{line}");
    }
    assert!(!run.stdout.contains('\u{1b}'), "no colour on a pipe");
    let coloured = ssmlint_in(
        &formats_dir(),
        &[&args[..], &["--color", "always"]].concat(),
    );
    common::assert_contains(&coloured.stdout, "\u{1b}[");
    let quiet = ssmlint_in(&formats_dir(), &[&args[..], &["--quiet"]].concat());
    assert_eq!(quiet.stdout.lines().count(), run.stdout.lines().count() - 1);
}

#[test]
fn statistics_count_findings_by_rule() {
    let dir = formats_dir();
    let files = ["stack.yaml", "broken.yaml"];
    let run = ssmlint_in(
        &dir,
        &[&["--no-config", RULES, "--statistics"], &files[..]].concat(),
    );
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("statistics_human", run.stdout);
    let run = ssmlint_in(
        &dir,
        &[
            &["--no-config", RULES, "--statistics", "--format", "json"],
            &files[..],
        ]
        .concat(),
    );
    let value = run.json();
    let rows = value["summary"]["by_rule"]
        .as_array()
        .expect("summary.by_rule");
    let counts: Vec<(String, u64)> = rows
        .iter()
        .map(|r| {
            (
                r["code"].as_str().unwrap_or("").to_string(),
                r["count"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(counts.iter().map(|c| c.1).sum::<u64>(), 5, "{counts:?}");
    assert!(rows
        .iter()
        .all(|r| r["fixable"].is_boolean() && r["name"].is_string()));
    assert!(
        counts.windows(2).all(|w| w[0].1 >= w[1].1),
        "by count: {counts:?}"
    );
    assert_eq!(
        value["findings"].as_array().map(Vec::len),
        Some(5),
        "findings stay"
    );
    // Without --statistics the JSON report is as it was.
    let run = ssmlint_in(
        &dir,
        &[&["--no-config", RULES, "--format", "json"], &files[..]].concat(),
    );
    assert!(run.json()["summary"].get("by_rule").is_none());
    // With a machine format on stdout, the table goes to stderr.
    let run = ssmlint_in(
        &dir,
        &[
            &["--no-config", RULES, "--statistics", "--format", "github"],
            &files[..],
        ]
        .concat(),
    );
    assert!(run.stdout.starts_with("::"), "{}", run.stdout);
    assert!(run.stderr.starts_with("CODE    NAME"), "{}", run.stderr);
}

/// `ssmlint --no-config ARGS` in `dir`, as JSON.
fn json_in(dir: &Path, args: &[&str]) -> Run {
    ssmlint_in(dir, &[&["--no-config", "--format", "json"], args].concat())
}

fn count(run: &Run) -> usize {
    run.json()["findings"]
        .as_array()
        .map_or(usize::MAX, Vec::len)
}

#[test]
#[cfg_attr(ssmlint_no_corpus, ignore = "set SSMLINT_CORPUS to run")]
fn a_baseline_round_trip_on_a_corpus_folder() {
    let corpus = PathBuf::from(std::env::var_os("SSMLINT_CORPUS").expect("SSMLINT_CORPUS"));
    let root = scratch_dir("corpus-baseline");
    let estate = root.join("port22");
    for entry in std::fs::read_dir(corpus.join("port22"))
        .expect("port22")
        .flatten()
    {
        write(
            &estate.join(entry.file_name()),
            std::fs::read(entry.path()).expect("read"),
        );
    }
    let before = json_in(&estate, &["."]);
    assert_eq!(before.code, 1);
    let total = count(&before);
    assert!(total > 20, "{total}");

    // Record today's findings: the run then shows what the baseline leaves, nothing.
    let run = json_in(&estate, &["--write-baseline", "ssmlint-baseline.json", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(count(&run), 0);
    let value = run.json();
    assert_eq!(value["baseline"]["written"], total as u64);
    assert_eq!(value["baseline"]["matched"], total as u64);
    let text = std::fs::read_to_string(estate.join("ssmlint-baseline.json")).expect("written");
    assert_eq!(
        text.lines().filter(|l| l.contains("\"rule\":")).count(),
        total
    );
    assert!(!text.contains("\"line\""), "fingerprints, not lines");

    // Lines added above findings change nothing; neither does another working directory.
    let file = estate.join("awslabs-ec2-instance-with-sg-sample.yaml");
    let template = std::fs::read_to_string(&file).expect("template");
    write(
        &file,
        format!("# reviewed\n# by the platform team\n{template}"),
    );
    let run = json_in(&estate, &["--baseline", "ssmlint-baseline.json", "."]);
    assert_eq!((run.code, count(&run)), (0, 0), "{}", run.stdout);
    assert_eq!(run.json()["baseline"]["gone"], 0);
    let run = json_in(
        &root,
        &["--baseline", "port22/ssmlint-baseline.json", "port22"],
    );
    assert_eq!((run.code, count(&run)), (0, 0), "{}", run.stdout);

    // A change: SSH from a narrower range. The new finding (a warning) is reported and,
    // with `--fail-on warning`, fails the run; the old one's entry is gone.
    assert!(template.contains("Default: 0.0.0.0/0"));
    write(
        &file,
        template.replace("Default: 0.0.0.0/0", "Default: 10.0.0.0/8"),
    );
    let run = json_in(&estate, &["--baseline", "ssmlint-baseline.json", "."]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(count(&run), 1);
    let warn = "--fail-on=warning";
    let run = json_in(&estate, &[warn, "--baseline", "ssmlint-baseline.json", "."]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.codes(), ["SSM201"]);
    assert_eq!(run.json()["baseline"]["gone"], 1);
    let human = ssmlint_in(
        &estate,
        &["--no-config", "--baseline", "ssmlint-baseline.json", "."],
    );
    let note = human.stdout.lines().last().unwrap_or_default();
    assert_eq!(
        note,
        format!(
            "baseline ssmlint-baseline.json: {} known findings not shown; 1 entry is gone (fixed or changed): `--baseline ssmlint-baseline.json --write-baseline ssmlint-baseline.json` drops them",
            total - 1
        )
    );

    // Shrinking: the entry that is gone is dropped, the new finding is not added.
    let run = json_in(
        &estate,
        &[
            warn,
            "--baseline",
            "ssmlint-baseline.json",
            "--write-baseline",
            "ssmlint-baseline.json",
            ".",
        ],
    );
    assert_eq!((run.code, run.codes()), (1, vec!["SSM201".to_string()]));
    assert_eq!(run.json()["baseline"]["written"], (total - 1) as u64);
    let run = json_in(&estate, &["--baseline", "ssmlint-baseline.json", "."]);
    assert_eq!(
        (run.codes(), &run.json()["baseline"]["gone"]),
        (vec!["SSM201".to_string()], &0.into())
    );
    // --exit-zero: findings do not fail the run.
    let run = json_in(
        &estate,
        &[
            warn,
            "--baseline",
            "ssmlint-baseline.json",
            "--exit-zero",
            ".",
        ],
    );
    assert_eq!((run.code, count(&run)), (0, 1));
}

#[test]
fn a_baseline_works_with_every_format() {
    let root = scratch_dir("baseline-formats");
    write(&root.join("stacks/a.yaml"), data("missing-profile.yaml"));
    write(&root.join("stacks/b.yaml"), data("formats/stack.yaml"));
    let run = json_in(
        &root,
        &[RULES, "--write-baseline", "ci/baseline.json", "stacks"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    common::assert_contains(&run.stderr, "baseline ci/baseline.json: wrote 5 entries");
    let baseline = std::fs::read_to_string(root.join("ci/baseline.json")).expect("written");
    insta::assert_snapshot!("baseline_file", baseline);
    // A new finding in a file the baseline knows.
    write(
        &root.join("stacks/a.yaml"),
        format!(
            "{}  Open:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n      SecurityGroupIngress:\n        - {{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}}\n",
            data("missing-profile.yaml")
        ),
    );
    let args = |format: &str| {
        vec![
            "--no-config".to_string(),
            RULES.to_string(),
            "--baseline".to_string(),
            "ci/baseline.json".to_string(),
            "--format".to_string(),
            format.to_string(),
            "stacks".to_string(),
        ]
    };
    // How each format shows a finding of a rule: the new SSM200 is there, the SSM100s of
    // the baseline are not.
    type Shows = fn(&str) -> String;
    let shown: [(&str, Shows); 7] = [
        ("human", |code| format!("{code} ")),
        ("concise", |code| format!(": {code} ")),
        ("json", |code| format!("\"code\": \"{code}\"")),
        ("sarif", |code| format!("\"ruleId\": \"{code}\"")),
        ("github", |code| format!("title={code} ")),
        ("junit", |code| code.to_string()),
        ("summary", |code| format!("{code} `")),
    ];
    for (format, shows) in shown {
        let owned = args(format);
        let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
        let run = ssmlint_in(&root, &refs);
        assert_eq!(run.code, 1, "{format}: {}{}", run.stdout, run.stderr);
        let out = &run.stdout;
        if format == "junit" {
            assert!(
                out.contains("<failure message=\"security group `Open`"),
                "{out}"
            );
            assert!(!out.contains("<failure message=\"instance"), "{out}");
        } else {
            assert!(out.contains(&shows("SSM200")), "{format}: {out}");
            assert!(
                !out.contains(&shows("SSM100")),
                "{format}: the baseline has it: {out}"
            );
        }
        if format == "concise" {
            insta::assert_snapshot!("baseline_concise", run.stdout);
        }
    }
    // Mistakes are usage errors.
    let run = json_in(&root, &["--baseline", "missing.json", "stacks"]);
    run.assert_usage_error("missing.json: cannot read the baseline");
    write(&root.join("bad.json"), "{\"version\": 1}");
    let run = json_in(&root, &["--baseline", "bad.json", "stacks"]);
    run.assert_usage_error("bad.json: not an ssmlint baseline");
}

#[test]
fn exit_zero_passes_findings_but_not_input_errors() {
    let root = scratch_dir("exit-zero");
    write(&root.join("a.yaml"), data("missing-profile.yaml"));
    let run = ssmlint_in(&root, &["--no-config", "--exit-zero", "a.yaml"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("SSM100"),
        "the findings are still printed"
    );
    write(&root.join("broken.yaml"), "a: [");
    let run = ssmlint_in(
        &root,
        &["--no-config", "--exit-zero", "a.yaml", "broken.yaml"],
    );
    assert_eq!(run.code, 2, "a file that does not parse still exits 2");
}

/// A repository: a root configuration with a `per_file` section, a team directory with
/// its own configuration, and files to skip.
fn estate(name: &str) -> common::Scratch {
    let root = scratch_dir(name);
    write(
        &root.join(".ssmlint.yaml"),
        "rules: {SSM201: error}\nexclude: [\"vendor/**\"]\nper_file:\n  \"legacy/**\":\n    rules: {SSM201: off, SSM100: warning}\n  \"*.json\":\n    parameters: {Env: prod}\n",
    );
    for file in [
        "app/web.yaml",
        "legacy/old.yaml",
        "vendor/lib.yaml",
        "team/svc.yaml",
        "build/out.yaml",
    ] {
        write(&root.join(file), common::ssh_template("10.0.0.0/8"));
    }
    write(&root.join("team/.ssmlint.yaml"), "rules: {SSM100: off}\n");
    write(&root.join("notes.txt"), "not a template\n");
    write(&root.join("package.json"), "{\"name\": \"x\"}\n");
    write(&root.join(".gitignore"), "build/\n");
    root
}

/// `(file, code, severity)` of the SSM100 and SSM201 findings of a JSON run.
fn findings(run: &Run) -> Vec<(String, String, String)> {
    run.json()["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "SSM100" || f["code"] == "SSM201")
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("file"), s("code"), s("severity"))
        })
        .collect()
}

#[test]
fn each_file_gets_its_nearest_configuration_and_its_per_file_sections() {
    let root = estate("per-file");
    let run = ssmlint_in(&root, &["--format", "json", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let expected = [
        ("app/web.yaml", "SSM100", "error"),
        ("app/web.yaml", "SSM201", "error"),
        ("legacy/old.yaml", "SSM100", "warning"),
        ("team/svc.yaml", "SSM201", "warning"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(
        findings(&run),
        expected,
        "team/ has its own file: no SSM201 error there"
    );
    // The same from inside a directory, and with the files named.
    let run = ssmlint_in(&root.join("legacy"), &["--format", "json", "old.yaml"]);
    assert_eq!(
        findings(&run),
        [("old.yaml".into(), "SSM100".into(), "warning".into())]
    );
    // --config gives every file one configuration; flags still win.
    let run = ssmlint_in(
        &root,
        &["--format", "json", "--config", ".ssmlint.yaml", "team"],
    );
    assert_eq!(findings(&run).len(), 2, "{}", run.stdout);
    let run = ssmlint_in(
        &root,
        &[
            "--format",
            "json",
            "--severity",
            "SSM201=info",
            "legacy",
            "app",
        ],
    );
    let ssh: Vec<String> = findings(&run)
        .into_iter()
        .filter(|f| f.1 == "SSM201")
        .map(|f| f.2)
        .collect();
    assert_eq!(
        ssh,
        ["info", "info"],
        "--severity wins over the file, even its `off`"
    );
    // A mistake in any configuration that applies is a usage error with its place.
    write(
        &root.join("team/.ssmlint.yaml"),
        "per_file:\n  \"*.yaml\":\n    fail_on: info\n    rules: {SSM10: off}\n",
    );
    let run = ssmlint_in(&root, &["app", "team"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: team/.ssmlint.yaml:3:5: `fail_on` cannot be set per file; a `per_file` section sets `rules`, `parameters`, `require_session_logging`, `trusted_principals`\n\
         error: team/.ssmlint.yaml:4:13: unknown rule `SSM10`; did you mean `SSM100`?\n"
    );
    let run = ssmlint_in(&root, &["app"]);
    assert_eq!(
        run.code, 1,
        "a configuration that does not apply is not read: {}",
        run.stderr
    );
    // --select runs a rule that a file turns off.
    let run = ssmlint_in(&root, &["--format", "json", "--select=SSM201", "legacy"]);
    assert_eq!(run.codes(), ["SSM201"]);
}

#[test]
fn show_settings_says_where_each_setting_comes_from() {
    let root = estate("show-settings");
    let run = ssmlint_in(
        &root,
        &[
            "--show-settings",
            "legacy/old.yaml",
            "--parameter",
            "Vpc=vpc-1",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("show_settings", run.stdout);
    let run = ssmlint_in(&root, &["--show-settings", "team/svc.yaml"]);
    common::assert_contains(&run.stdout, "# configuration: team/.ssmlint.yaml\n");
    common::assert_contains(&run.stdout, "  SSM100: off");
    let run = ssmlint_in(&root, &["--no-config", "--show-settings", "team/svc.yaml"]);
    common::assert_contains(&run.stdout, "# configuration: none\n");
}

#[test]
fn show_files_lists_what_is_linted_and_why_the_rest_is_not() {
    let root = estate("show-files");
    let run = ssmlint_in(&root, &["--show-files", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("show_files", run.stdout);
    let run = ssmlint_in(
        &root,
        &[
            "--show-files",
            "--exclude",
            "app/**",
            "app/web.yaml",
            "legacy",
        ],
    );
    assert_eq!(
        run.stdout,
        "skip  app/web.yaml     excluded by `app/**` (--exclude)\n\
         lint  legacy/old.yaml  template; settings of .ssmlint.yaml, per_file legacy/** (.ssmlint.yaml:4:3)\n\
         1 file to lint, 1 skipped\n"
    );
}

/// Copies the directory `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            write(
                &to.join(entry.file_name()),
                std::fs::read(&path).expect("read"),
            );
        }
    }
}

/// The README's "Adopting on an existing repository": every `$ ssmlint ...` command of
/// its text blocks, run in order in a copy of `fixtures/adopt`, prints exactly what the
/// README shows after it, and its YAML block is the estate's `.ssmlint.yaml`.
#[test]
fn the_readme_adopting_examples_are_what_ssmlint_prints() {
    const HEADING: &str = "\n## Adopting on an existing repository\n";
    let readme = common::read_text("README.md");
    let start = readme.find(HEADING).expect("the README has the section") + 1;
    let end = readme[start..]
        .find("\n## ")
        .map_or(readme.len(), |i| start + i);
    let section = &readme[start..end];
    let root = scratch_dir("readme");
    copy_dir(
        &common::manifest_dir().join("fixtures/adopt"),
        &root.join("fixtures/adopt"),
    );
    let (mut commands, mut files) = (0, 0);
    let mut lines = section.lines();
    while let Some(line) = lines.next() {
        let Some(lang) = line.strip_prefix("```") else {
            continue;
        };
        let block: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
        match lang {
            "yaml" => {
                let path = block[0]
                    .strip_prefix("# ")
                    .expect("a YAML block names its file");
                let shown = block[1..].join("\n") + "\n";
                assert_eq!(
                    shown,
                    common::read_text(path),
                    "README: the YAML block is {path}"
                );
                files += 1;
            }
            "text" => {
                let mut i = 0;
                while i < block.len() {
                    let command = block[i]
                        .strip_prefix("$ ssmlint ")
                        .unwrap_or_else(|| panic!("README: not an ssmlint command: {}", block[i]));
                    let expected: Vec<&str> = block[i + 1..]
                        .iter()
                        .take_while(|l| !l.starts_with("$ "))
                        .copied()
                        .collect();
                    i += 1 + expected.len();
                    let args: Vec<&str> = command.split_whitespace().collect();
                    let run = ssmlint_in(&root, &args);
                    assert_eq!(run.stderr, "", "README: `ssmlint {command}`");
                    assert_eq!(
                        run.stdout.trim_end(),
                        expected.join("\n"),
                        "README: `ssmlint {command}` prints something else"
                    );
                    commands += 1;
                }
            }
            other => panic!("README: a `{other}` block in the adopting section"),
        }
    }
    assert!(
        commands >= 7 && files == 1,
        "{commands} commands, {files} files"
    );
}
