//! `ssmlint completions SHELL`: a completion script for each shell, generated from the
//! clap definition, that offers every subcommand and long flag; the bash one passes
//! `bash -n`, and so do the zsh and fish ones where those shells are installed.

mod common;

use clap::CommandFactory as _;

/// Every long flag of the default command, and the subcommands.
fn words() -> Vec<String> {
    let command = ssmlint::cli::Cli::command();
    let mut words: Vec<String> = command
        .get_arguments()
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect();
    words.extend(command.get_subcommands().map(|s| s.get_name().to_string()));
    words
}

/// Runs `shell -n` on `script` when the shell is installed: `None` when it is not.
fn syntax_check(shell: &str, script: &str) -> Option<std::process::Output> {
    let dir = common::scratch_dir(&format!("completions-{shell}"));
    let path = dir.join("script");
    common::write(&path, script);
    std::process::Command::new(shell)
        .arg("-n")
        .arg(&path)
        .output()
        .ok()
}

#[test]
fn every_shell_gets_a_script_with_every_flag() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = common::ssmlint(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for word in words() {
            // fish writes `--format` as `-l format`.
            let word = match word.strip_prefix("--") {
                Some(long) if shell == "fish" => format!("-l {long}"),
                _ => word,
            };
            assert!(run.stdout.contains(&word), "{shell}: `{word}` is offered");
        }
        for format in ["concise", "sarif"] {
            assert!(
                run.stdout.contains(format) || shell == "elvish",
                "{shell}: {format}"
            );
        }
        if matches!(shell, "bash" | "zsh" | "fish") {
            if let Some(output) = syntax_check(shell, &run.stdout) {
                assert!(
                    output.status.success(),
                    "{shell} -n: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
            }
        }
    }
    let run = common::ssmlint(&["completions", "tcsh"]);
    run.assert_usage_error("invalid value 'tcsh'");
}
