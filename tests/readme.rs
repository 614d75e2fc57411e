//! The README cannot go stale: every example in it is executed or checked here (issue 17).
//!
//! - Every ```` ```console ```` block is run, in trycmd's syntax: each `$ ssmlint ...`
//!   line is run in the repository's root, and the lines after it are what it prints
//!   (stdout, then stderr); a `? CODE` line right after the command is its exit code
//!   (without one, 0). `[..]` in a line matches any text and a `...` line any lines, for
//!   output that varies; the examples need none. (trycmd itself is not used: it rewrites
//!   `\\` to `/` in the output, for Windows paths, which breaks every JSON escape, and it
//!   needs a blank line at the end of each example.)
//! - Every other fenced block must say how it is tested, in an HTML comment on the line
//!   above it (invisible on GitHub): `<!-- file: PATH -->` (the block is that file),
//!   `<!-- excerpt: PATH -->` (the block is consecutive lines of that file, indented the
//!   same way relative to each other), or `<!-- check: NAME -->` (a check below: a
//!   configuration that ssmlint accepts, hooks and inputs that exist, command lines that
//!   parse). The blocks of "Adopting on an existing repository" are run by
//!   `tests/adopt.rs`, in a scratch copy, since they write a baseline.
//! - Every inline `` `ssmlint ...` `` command of the README, and every `ssmlint ...` line
//!   of an `ssmlint explain` page, parses as a command line; every option of
//!   `ssmlint --help` is documented in the Usage section, and every command in its
//!   synopsis.
//!
//! A block that is none of these fails the test, so a new example cannot go untested.

mod common;

use clap::Parser as _;
use ssmlint::syntax::Node;

const README: &str = "README.md";
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// One fenced code block of a Markdown file.
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    lang: String,
    /// The HTML comment on the line above the fence, without `<!--`/`-->`.
    marker: Option<String>,
    /// The `## ` section it is in.
    section: String,
    text: String,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let lines: Vec<&str> = markdown.lines().collect();
    let mut section = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(heading) = line.strip_prefix("## ") {
            section = heading.to_string();
        }
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            assert_eq!(
                trimmed.len(),
                line.len(),
                "{README}:{}: an indented code block (not run as an example; put it \
                 outside the list)",
                i + 1
            );
            let fence = &line[..line.len() - info.trim_start_matches('`').len()];
            let marker = i
                .checked_sub(1)
                .and_then(|p| lines[p].strip_prefix("<!-- "))
                .and_then(|m| m.strip_suffix(" -->"))
                .map(str::to_string);
            let start = i;
            let mut text = String::new();
            i += 1;
            while i < lines.len() && !lines[i].starts_with(fence) {
                text.push_str(lines[i]);
                text.push('\n');
                i += 1;
            }
            out.push(Block {
                line: start + 1,
                lang: info.trim_start_matches('`').trim().to_string(),
                marker,
                section: section.clone(),
                text,
            });
        }
        i += 1;
    }
    out
}

/// The README's `## ` section `heading`, up to the next one.
fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("{README}: no `## {heading}`"));
    let rest = &text[start + 1..];
    &rest[..rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3)]
}

/// One `$ ssmlint ...` command of a console block, and what it should print.
struct Step {
    /// 1-based line of the `$ ` line.
    line: usize,
    command: String,
    /// The exit code (`? CODE`; 0 without one).
    code: i32,
    /// Its 1-based line, when written.
    code_line: Option<usize>,
    /// The output lines (stdout, then stderr).
    output: Vec<String>,
}

/// The steps of a console block that starts at (1-based) `fence_line`.
fn steps(at: &str, fence_line: usize, text: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let number = fence_line + 1 + i;
        if let Some(command) = line.strip_prefix("$ ") {
            assert!(
                !command.contains(['\'', '"', '\\', '*', '$', '|', '>', '<']),
                "{at}: `{line}`: the examples are run without a shell (no quotes, globs, \
                 variables, pipes or redirections)"
            );
            steps.push(Step {
                line: number,
                command: command.to_string(),
                code: 0,
                code_line: None,
                output: Vec::new(),
            });
            continue;
        }
        let step = steps
            .last_mut()
            .unwrap_or_else(|| panic!("{at}: a console block starts with `$ `"));
        match line.strip_prefix("? ") {
            Some(code) if step.output.is_empty() && step.code_line.is_none() => {
                step.code = code
                    .parse()
                    .unwrap_or_else(|_| panic!("{at}: `{line}`: `? CODE`"));
                step.code_line = Some(number);
            }
            _ => step.output.push(line.to_string()),
        }
    }
    steps
}

/// `actual` matches the `expected` lines, where `[..]` in a line matches any text and a
/// line `...` any lines.
fn matches(expected: &[String], actual: &[&str]) -> bool {
    fn line_matches(pattern: &str, line: &str) -> bool {
        let mut parts = pattern.split("[..]");
        let first = parts.next().unwrap_or_default();
        let Some(mut rest) = line.strip_prefix(first) else {
            return false;
        };
        let parts: Vec<&str> = parts.collect();
        for (i, part) in parts.iter().enumerate() {
            if i + 1 == parts.len() {
                return rest.ends_with(part);
            }
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
        rest.is_empty()
    }
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, more)) if first == "..." => {
            (0..=actual.len()).any(|skip| matches(more, &actual[skip..]))
        }
        Some((first, more)) => actual
            .split_first()
            .is_some_and(|(line, rest)| line_matches(first, line) && matches(more, rest)),
    }
}

/// The README's console examples: each command is run in the repository's root, and what
/// it prints (stdout, then stderr) and its exit code are what the README shows.
/// `UPDATE_DOCS=1` rewrites the outputs and exit codes instead of failing.
#[test]
#[cfg_attr(
    not(feature = "guard"),
    ignore = "the README's Guard examples need the `guard` feature"
)]
fn readme_console_examples_are_what_ssmlint_prints() {
    let readme = common::read_text(README);
    let lines: Vec<&str> = readme.lines().collect();
    // (first line, lines replaced, new lines), for UPDATE_DOCS.
    let mut updates: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut failures = Vec::new();
    let mut count = 0;
    for block in blocks(&readme).iter().filter(|b| b.lang == "console") {
        let at = format!("{README}:{}", block.line);
        for step in steps(&at, block.line, &block.text) {
            count += 1;
            let args: Vec<&str> = step.command.split_whitespace().collect();
            assert_eq!(args.first(), Some(&"ssmlint"), "{README}:{}", step.line);
            let run = common::ssmlint(&args[1..]);
            let printed = format!("{}{}", run.stdout, run.stderr);
            let actual: Vec<&str> = printed.lines().collect();
            if run.code == step.code && matches(&step.output, &actual) {
                continue;
            }
            let mut new = Vec::new();
            if run.code != 0 {
                new.push(format!("? {}", run.code));
            }
            new.extend(actual.iter().map(|l| (*l).to_string()));
            let old = usize::from(step.code_line.is_some()) + step.output.len();
            updates.push((step.line, old, new));
            let first = (0..)
                .find(|&i| match (step.output.get(i), actual.get(i)) {
                    (Some(e), Some(a)) => !matches(std::slice::from_ref(e), &[a]) && e != "...",
                    (None, None) => true,
                    _ => true,
                })
                .unwrap_or(0);
            let shown =
                |line: Option<&str>| line.map_or("(nothing)".to_string(), |l| format!("`{l}`"));
            failures.push(format!(
                "{README}:{}: `$ {}`: exit {} (README: {}); output line {}: README {}, ssmlint {}\n\
                 ssmlint prints:\n{printed}",
                step.line,
                step.command,
                run.code,
                step.code,
                first + 1,
                shown(step.output.get(first).map(String::as_str)),
                shown(actual.get(first).copied()),
            ));
        }
    }
    assert!(count >= 14, "{count} console commands");
    if failures.is_empty() {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
        for (line, old, new) in updates.into_iter().rev() {
            // `line` is 1-based: the output starts at index `line`.
            out.splice(line..line + old, new);
        }
        common::write(&common::manifest_dir().join(README), out.join("\n") + "\n");
        return;
    }
    panic!(
        "{}\n\n{} README examples print something else; `UPDATE_DOCS=1 cargo test --test readme` \
         rewrites them (review the diff)",
        failures.join("\n\n"),
        failures.len()
    );
}

/// Every fenced block of the README is run or checked.
#[test]
fn every_readme_block_is_tested() {
    let readme = common::read_text(README);
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for block in blocks(&readme) {
        let at = format!("{README}:{}", block.line);
        let kind = if block.lang == "console" {
            check_console(&at, &block.text);
            "console".to_string()
        } else if block.section == "Adopting on an existing repository" {
            // tests/adopt.rs runs them (`the_readme_adopting_examples_are_what_ssmlint_prints`).
            "adopt".to_string()
        } else {
            let marker = block.marker.as_deref().unwrap_or_else(|| {
                panic!(
                    "{at}: a ```{} block that no test runs: make it a ```console example, \
                     or say above it how it is checked (<!-- file: PATH -->, <!-- excerpt: \
                     PATH -->, <!-- check: NAME -->; see tests/readme.rs)",
                    block.lang
                )
            });
            let (what, arg) = marker
                .split_once(": ")
                .unwrap_or_else(|| panic!("{at}: a marker `{marker}` of no known form"));
            match what {
                "file" => assert_eq!(
                    block.text,
                    common::read_text(arg),
                    "{at}: the block is not {arg}"
                ),
                "excerpt" => check_excerpt(&at, &block.text, arg),
                "check" => match arg {
                    "install" => check_install(&at, &block.text),
                    "synopsis" => check_synopsis(&at, &block.text),
                    "configuration" => check_configuration(&at, &block.text),
                    "pre-commit" => check_pre_commit(&at, &block.text),
                    "action-workflow" => check_action_workflow(&at, &block.text, &readme),
                    other => panic!("{at}: no check `{other}` in tests/readme.rs"),
                },
                other => panic!("{at}: a marker `{other}` of no known form"),
            }
            marker.to_string()
        };
        *seen.entry(kind).or_default() += 1;
    }
    // The README's examples, by how they are tested: none may silently disappear.
    let count = |kind: &str| seen.get(kind).copied().unwrap_or(0);
    assert!(count("console") >= 12, "{seen:?}");
    assert!(count("adopt") >= 5, "{seen:?}");
    for marker in [
        "check: install",
        "check: synopsis",
        "check: configuration",
        "check: pre-commit",
        "check: action-workflow",
        "file: fixtures/examples/session-logging.yaml",
        "excerpt: fixtures/examples/suppressions.yaml",
    ] {
        assert!(count(marker) >= 1, "no `{marker}` block: {seen:?}");
    }
}

/// A console block runs ssmlint only, one command per `$ ` line.
fn check_console(at: &str, text: &str) {
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("$ "),
        "{at}: a console block starts with `$ `"
    );
    for line in text.lines().filter(|l| l.starts_with("$ ")) {
        assert!(
            line.starts_with("$ ssmlint "),
            "{at}: `{line}`: console examples run ssmlint only"
        );
    }
}

/// The block's lines are consecutive lines of `path`, each indented by the same amount
/// more than in the block.
fn check_excerpt(at: &str, text: &str, path: &str) {
    let file = common::read_text(path);
    let file: Vec<&str> = file.lines().collect();
    let block: Vec<&str> = text.lines().collect();
    let found = (0..file.len()).any(|start| {
        let Some(first) = file[start].strip_suffix(block[0].trim_start()) else {
            return false;
        };
        let extra = first.len() as isize - (block[0].len() - block[0].trim_start().len()) as isize;
        extra >= 0
            && first.trim().is_empty()
            && block.iter().enumerate().all(|(i, line)| {
                let Some(have) = file.get(start + i) else {
                    return false;
                };
                if line.is_empty() {
                    return have.trim().is_empty();
                }
                have.len() as isize == line.len() as isize + extra
                    && have.ends_with(line)
                    && have[..extra as usize].trim().is_empty()
            })
    });
    assert!(
        found,
        "{at}: the block is not an excerpt of {path}:\n{text}"
    );
}

/// Parses `line` (`ssmlint ARGS...`, a shell word per whitespace-separated word) with
/// ssmlint's own command line definition.
fn parses(at: &str, line: &str) {
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words.first(), Some(&"ssmlint"), "{at}: `{line}`");
    if let Err(e) = ssmlint::cli::Cli::try_parse_from(&words) {
        use clap::error::ErrorKind;
        if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
            return;
        }
        panic!("{at}: `{line}` is not an ssmlint command line:\n{e}");
    }
}

/// Install commands: this package, from PyPI or this repository.
fn check_install(at: &str, text: &str) {
    let name = env!("CARGO_PKG_NAME");
    let repository = env!("CARGO_PKG_REPOSITORY");
    let known = [
        format!("pip install {name}"),
        format!("pipx install {name}"),
        format!("uv tool install {name}"),
        format!("cargo install --locked --git {repository} {name}"),
        "cargo install --locked --path .".to_string(),
    ];
    for line in text.lines() {
        let command = line.split(" #").next().unwrap_or_default().trim();
        assert!(
            known.iter().any(|k| k == command),
            "{at}: `{command}` is none of {known:?}"
        );
    }
    // That pip gets the version Cargo.toml has, and the wheel carries the binary:
    // tests/dist.rs.
}

/// The Usage synopsis names every command of `ssmlint --help`, and only those.
fn check_synopsis(at: &str, text: &str) {
    let help = common::ssmlint(&["--help"]);
    assert_eq!(help.code, 0);
    let commands: Vec<&str> = help
        .stdout
        .split("Commands:\n")
        .nth(1)
        .expect("--help lists commands")
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    let mut shown = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        assert_eq!(words.next(), Some("ssmlint"), "{at}: `{line}`");
        let first = words.next().unwrap_or_default();
        if !first.starts_with('[') {
            shown.push(first);
        }
    }
    let mut expected = commands.clone();
    expected.sort_unstable();
    shown.sort_unstable();
    assert_eq!(shown, expected, "{at}: the synopsis's commands");
}

/// The configuration example is a valid `.ssmlint.yaml`: every key takes effect (shown
/// by `--show-settings` as set by the file) and a lint with it runs.
fn check_configuration(at: &str, text: &str) {
    let dir = common::scratch_dir("configuration");
    common::write(&dir.join(".ssmlint.yaml"), text);
    // What it names: a Guard rule directory, and a legacy template.
    common::write(
        &dir.join("policies/guard/imdsv1-enabled.guard"),
        common::read_text("examples/guard/imdsv1-enabled.guard"),
    );
    let template = common::read_text("fixtures/examples/session-manager-before.yaml");
    common::write(&dir.join("legacy/web.yaml"), &template);
    common::write(&dir.join("vendor/web.yaml"), &template);
    let run = common::ssmlint_in(&dir, &["--show-settings", "legacy/web.yaml"]);
    assert_eq!(run.code, 0, "{at}: {}", run.stderr);
    let config = ssmlint::syntax::yaml::parse(text).expect("the example parses");
    for entry in config.as_map().expect("a mapping") {
        let key = entry.key.as_str();
        if key == "per_file" || key == "rules" {
            continue;
        }
        // The key's line and the indented lines under it.
        let shown: Vec<&str> = run
            .stdout
            .lines()
            .skip_while(|l| !l.starts_with(&format!("{key}:")))
            .enumerate()
            .take_while(|(i, l)| *i == 0 || l.starts_with(' '))
            .map(|(_, l)| l)
            .collect();
        assert!(
            shown.iter().any(|l| l.contains("# .ssmlint.yaml")),
            "{at}: `{key}` does not come from the file:\n{}",
            run.stdout
        );
    }
    for (rule, source) in [
        ("SSM201: off", "# ssh-ingress; .ssmlint.yaml"),
        (
            "SSM106: warning",
            "# external-instance-profile; .ssmlint.yaml",
        ),
        ("SSM204: off", "per_file \"legacy/**\""),
    ] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(rule) && l.contains(source)),
            "{at}: `{rule}` from {source}:\n{}",
            run.stdout
        );
    }
    // "Every key": the same keys `ssmlint init` writes.
    let starter = common::scratch_dir("configuration-init");
    assert_eq!(common::ssmlint_in(&starter, &["init"]).code, 0);
    let keys = |text: &str| {
        let mut keys: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|l| l.split_once(':').map(|(k, _)| k.to_string()))
            .collect();
        keys.sort();
        keys
    };
    assert_eq!(
        keys(text),
        keys(&std::fs::read_to_string(starter.join(".ssmlint.yaml")).expect("init wrote it")),
        "{at}: the example's keys are not those of `ssmlint init`"
    );
    // A lint with it: the example's errors fail the run, and vendor/ is excluded.
    let run = common::ssmlint_in(&dir, &["--format", "json", "."]);
    assert_eq!(run.code, 1, "{at}: {}", run.stderr);
    assert_eq!(run.paths(), ["legacy/web.yaml"], "{at}");
}

/// A pre-commit configuration: this version, a hook its repository's manifest has, and
/// arguments ssmlint accepts.
fn check_pre_commit(at: &str, text: &str) {
    // Commented lines are options the reader may turn on: they must work too.
    let uncommented: String = text
        .lines()
        .map(|l| match l.trim_start().strip_prefix("# ") {
            Some(rest) if rest.contains(": ") => {
                let indent = l.len() - l.trim_start().len();
                format!(
                    "{}{}\n",
                    " ".repeat(indent),
                    rest.split("  #").next().unwrap_or(rest).trim_end()
                )
            }
            _ => format!("{l}\n"),
        })
        .collect();
    let config = ssmlint::syntax::yaml::parse(&uncommented)
        .unwrap_or_else(|e| panic!("{at}: {e:?}:\n{uncommented}"));
    let repos = config.get("repos").and_then(Node::as_seq).expect("repos");
    for repo in repos {
        let field = |node: &Node, key: &str| {
            node.get(key)
                .and_then(Node::as_scalar)
                .map(|s| s.into_owned())
                .unwrap_or_else(|| panic!("{at}: no `{key}`"))
        };
        let url = field(repo, "repo");
        let manifest = match url.as_str() {
            "https://github.com/ssmlint/ssmlint-pre-commit" => "pre-commit/.pre-commit-hooks.yaml",
            env!("CARGO_PKG_REPOSITORY") => ".pre-commit-hooks.yaml",
            other => panic!("{at}: an unknown repository {other}"),
        };
        assert_eq!(field(repo, "rev"), format!("v{VERSION}"), "{at}");
        let hooks = ssmlint::syntax::yaml::parse(&common::read_text(manifest)).expect("manifest");
        let ids: Vec<String> = hooks
            .as_seq()
            .expect("hooks")
            .iter()
            .filter_map(|h| {
                h.get("id")
                    .and_then(Node::as_scalar)
                    .map(|s| s.into_owned())
            })
            .collect();
        for hook in repo.get("hooks").and_then(Node::as_seq).expect("hooks") {
            let id = field(hook, "id");
            assert!(ids.contains(&id), "{at}: {manifest} has no hook `{id}`");
            if let Some(args) = hook.get("args").and_then(Node::as_seq) {
                let args: Vec<String> = args
                    .iter()
                    .filter_map(|a| a.as_scalar().map(|s| s.into_owned()))
                    .collect();
                parses(at, &format!("ssmlint {} t.yaml", args.join(" ")));
            }
        }
    }
}

/// The workflow uses this version of the action, with inputs it has (commented ones
/// too), and the SARIF file it writes is the one uploaded; the section names every input
/// of action.yml.
fn check_action_workflow(at: &str, text: &str, readme: &str) {
    let action =
        ssmlint::syntax::yaml::parse(&common::read_text("action.yml")).expect("action.yml");
    let inputs: Vec<String> = action
        .get("inputs")
        .and_then(Node::as_map)
        .expect("inputs")
        .iter()
        .map(|e| e.key.as_str().to_string())
        .collect();
    let uses = format!("- uses: ssmlint/ssmlint@v{VERSION}");
    let mut lines = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with(&uses));
    let step = lines
        .next()
        .unwrap_or_else(|| panic!("{at}: no `{uses}` step"));
    let indent = step.len() - step.trim_start().len() + 2;
    let mut with = Vec::new();
    for line in lines.skip_while(|l| l.trim() != "with:").skip(1) {
        if line.len() - line.trim_start().len() <= indent {
            break;
        }
        let item = line.trim_start();
        let item = item.strip_prefix("# ").unwrap_or(item);
        let (key, value) = item.split_once(':').expect("key: value");
        let value = value.split("  #").next().unwrap_or_default().trim();
        assert!(
            inputs.iter().any(|i| i == key),
            "{at}: action.yml has no input `{key}`"
        );
        with.push((key.to_string(), value.to_string()));
    }
    assert!(!with.is_empty(), "{at}: the step has no `with:`");
    let value = |key: &str| {
        with.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    parses(at, &format!("ssmlint {} t.yaml", value("args")));
    assert_eq!(value("only-changed"), "true", "{at}");
    assert!(
        text.contains(&format!("sarif_file: {}", value("sarif-file"))),
        "{at}: the SARIF file uploaded is not the one the action writes"
    );
    let section = section(readme, "GitHub Action");
    for input in &inputs {
        assert!(
            section.contains(&format!("`{input}`"))
                || section.contains(&format!("`{input}:"))
                || section.contains(&format!(" {input}:")),
            "README: the GitHub Action section does not name the input `{input}`"
        );
    }
    for output in action
        .get("outputs")
        .and_then(Node::as_map)
        .expect("outputs")
    {
        let name = output.key.as_str();
        assert!(
            section.contains(&format!("`{name}`")),
            "README: the GitHub Action section does not name the output `{name}`"
        );
    }
    // What it says of annotations is what scripts/action.sh does (tests/action.rs:
    // `annotations_put_errors_first_then_the_files_the_pull_request_changed`,
    // `more_than_ten_annotations_of_a_level_are_announced`).
    for claim in [
        "GitHub shows at most 10 annotations of each level per step",
        "errors first, then warnings, then notices",
        "the findings in files the pull request changed first",
        "whether or not the pull\n  request changed that line",
    ] {
        assert!(
            section.contains(claim),
            "README: the GitHub Action section lacks `{claim}`"
        );
    }
    let script = common::read_text("scripts/action.sh");
    assert!(script.contains("GitHub shows the first 10 of each level"));
    assert!(
        !section.contains("version:"),
        "the action has no `version` input"
    );
}

/// Inline code spans of `text` (outside fenced blocks), with runs of whitespace as one
/// space.
fn inline_code(text: &str) -> Vec<String> {
    let mut prose = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    let mut spans = Vec::new();
    let mut rest = prose.as_str();
    while let Some(open) = rest.find('`') {
        let ticks = rest[open..].len() - rest[open..].trim_start_matches('`').len();
        let fence = &rest[open..open + ticks];
        let body = &rest[open + ticks..];
        let Some(close) = body.find(fence) else {
            break;
        };
        spans.push(
            body[..close]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        );
        rest = &body[close + ticks..];
    }
    spans
}

/// Every `ssmlint ...` command written inline in the README parses (up to a pipe or a
/// redirection).
#[test]
fn inline_commands_of_the_readme_parse() {
    let readme = common::read_text(README);
    let mut count = 0;
    for span in inline_code(&readme) {
        if !span.starts_with("ssmlint ") {
            continue;
        }
        let command = span
            .split(" | ")
            .next()
            .and_then(|c| c.split(" > ").next())
            .unwrap_or_default();
        // `ssmlint explain` in a sentence names a command; it need not be a whole one.
        let words: Vec<&str> = command.split_whitespace().collect();
        if let [_, name] = words[..] {
            use clap::CommandFactory as _;
            if ssmlint::cli::Cli::command().find_subcommand(name).is_some() {
                count += 1;
                continue;
            }
        }
        parses(README, command);
        count += 1;
    }
    assert!(count >= 10, "{count} inline commands");
}

/// Every option of `ssmlint --help` is documented in the README's Usage section (or, for
/// the ones whose section is elsewhere, in that section).
#[test]
fn every_option_is_documented() {
    let readme = common::read_text(README);
    let help = common::ssmlint(&["--help"]);
    let usage = section(&readme, "Usage");
    for line in help.stdout.lines() {
        let Some(at) = line.find("--") else {
            continue;
        };
        if !line.trim_start().starts_with('-') {
            continue;
        }
        let flag: String = line[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if flag == "--help" || flag == "--version" {
            continue;
        }
        assert!(
            usage.contains(&format!("`{flag}")) || usage.contains(&format!("/`{flag}")),
            "README: the Usage section does not document `{flag}`"
        );
        if let Some(short) = line
            .trim_start()
            .strip_prefix('-')
            .filter(|s| !s.starts_with('-'))
        {
            let short = format!("`-{}`", &short[..1]);
            assert!(
                usage.contains(&short),
                "README: the Usage section does not show {short}"
            );
        }
    }
}

/// Command lines in `ssmlint explain` pages (`# ssmlint --exclude ...` in a fix) parse.
#[test]
fn commands_in_explain_pages_parse() {
    let rules = common::ssmlint(&["rules", "--format", "json"]);
    let mut count = 0;
    for rule in rules.json().as_array().expect("rules") {
        let code = rule["code"].as_str().expect("code");
        let page = common::ssmlint(&["explain", code]);
        assert_eq!(page.code, 0, "{}", page.stderr);
        for line in page.stdout.lines() {
            let line = line.trim_start().trim_start_matches("# ").trim_start();
            if line.starts_with("ssmlint ") {
                parses(&format!("ssmlint explain {code}"), line);
                count += 1;
            }
        }
    }
    assert!(count >= 1, "no command in any explain page");
}

/// SSM001's page: `--exclude` skips a file that is no template, even one named.
#[test]
fn the_ssm001_page_command_skips_the_file() {
    let dir = common::scratch_dir("ssm001");
    common::write(
        &dir.join("docker-compose.yaml"),
        "services:\n  web:\n    image: nginx\n",
    );
    common::write(
        &dir.join("template.yaml"),
        common::read_text("fixtures/examples/session-logging.yaml"),
    );
    let run = common::ssmlint_in(&dir, &["docker-compose.yaml", "template.yaml"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    common::assert_contains(&run.stdout, "SSM001");
    for args in [
        &["--exclude", "docker-compose.yaml", "."][..],
        &[
            "--exclude",
            "docker-compose.yaml",
            "docker-compose.yaml",
            "template.yaml",
        ],
    ] {
        let run = common::ssmlint_in(&dir, args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stdout);
        assert!(!run.stdout.contains("SSM001"), "{args:?}: {}", run.stdout);
    }
}

/// Issue 17, item 6: without `SSMLINT_CORPUS` the corpus tests are listed by `cargo test`
/// as ignored, with the reason (not passed with a notice nobody sees).
#[test]
fn corpus_tests_are_ignored_with_a_reason_without_the_corpus() {
    let source = common::read_text("tests/corpus.rs");
    let lines: Vec<&str> = source.lines().collect();
    let mut tests = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.trim() == "#[test]" {
            tests += 1;
            assert_eq!(
                lines.get(i + 1).map(|l| l.trim()),
                Some("#[cfg_attr(ssmlint_no_corpus, ignore = \"set SSMLINT_CORPUS to run\")]"),
                "tests/corpus.rs:{}: a corpus test that is not ignored without the corpus",
                i + 1
            );
        }
    }
    assert!(tests >= 3);
    let build = common::read_text("build.rs");
    assert!(build.contains("cargo::rustc-cfg=ssmlint_no_corpus"));
    assert!(build.contains("cargo::rerun-if-env-changed=SSMLINT_CORPUS"));
}
