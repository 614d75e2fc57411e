//! The command line: arguments (clap derive) and [`run`], which turns them into output
//! and an exit code without printing anything itself.

use std::collections::{HashMap, HashSet};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use globset::Glob;

use crate::discover::{self, Filters, InputSource, STDIN_NAME};
use crate::lint::LintOptions;
use crate::report::{self, human, json, EXIT_ERROR, EXIT_OK};
use crate::rules::{find_rule, RuleMeta, Severity, ALL_RULES};

/// Lint CloudFormation templates for AWS Systems Manager Session Manager readiness.
#[derive(Debug, Parser)]
#[command(
    name = "ssmlint",
    version,
    about,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    arg_required_else_help = true,
    after_help = "Exit status: 0 no findings at the --fail-on level, 1 findings, \
                  2 usage error or a file that cannot be read or parsed."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (the default command).
    Check(CheckArgs),
    /// Show the documentation of a rule.
    Explain {
        /// A rule code (SSM100) or name (instance-profile-missing).
        #[arg(value_name = "CODE|NAME")]
        rule: String,
    },
    /// List every rule.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads stdin.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Exit with status 1 when a finding is at least this severe.
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = Severity::Error)]
    pub fail_on: Severity,

    /// Override a rule's severity; LEVEL is error, warning, info or off (repeatable).
    #[arg(long = "severity", value_name = "CODE=LEVEL", value_parser = parse_severity_override)]
    pub severity: Vec<(&'static str, Option<Severity>)>,

    /// Run only these rules, by code or name (repeatable, comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',', value_parser = parse_rule)]
    pub select: Vec<&'static str>,

    /// Never run these rules, by code or name (repeatable, comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',', value_parser = parse_rule)]
    pub ignore: Vec<&'static str>,

    /// Set a template parameter's value (repeatable).
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = parse_parameter)]
    pub parameters: Vec<(String, String)>,

    /// Also lint files matching this glob when walking directories (repeatable).
    #[arg(long, value_name = "GLOB", value_parser = parse_glob)]
    pub include: Vec<Glob>,

    /// Skip files and directories matching this glob, even when named (repeatable).
    #[arg(long, value_name = "GLOB", value_parser = parse_glob)]
    pub exclude: Vec<Glob>,

    /// The file name to show for stdin (`-`).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// When to use colours; `auto` honours NO_COLOR and colours only a terminal.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Do not print the summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// What `run` needs to know about where its output goes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Terminal {
    pub stdout_is_terminal: bool,
    /// The terminal's width in columns, when stdout is a terminal.
    pub width: Option<usize>,
    /// `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
}

impl Terminal {
    pub fn detect() -> Terminal {
        let stdout = std::io::stdout();
        let stdout_is_terminal = stdout.is_terminal();
        let width = if stdout_is_terminal {
            terminal_size::terminal_size_of(&stdout).map(|(w, _)| usize::from(w.0))
        } else {
            None
        };
        Terminal {
            stdout_is_terminal,
            width,
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        }
    }
}

/// What to print and how to exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

/// Runs a parsed command line. `stdin` is read only when `-` is among the paths.
pub fn run(cli: Cli, terminal: &Terminal, stdin: &mut dyn Read) -> Outcome {
    match cli.command {
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Rules { format }) => rules(format),
        Some(Command::Check(args)) => check(args, terminal, stdin),
        None => check(cli.check, terminal, stdin),
    }
}

fn check(args: CheckArgs, terminal: &Terminal, stdin: &mut dyn Read) -> Outcome {
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        if args.stdin_filename.is_none() {
            let err = Cli::command().error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "no paths given: pass files, directories, or `-` for stdin",
            );
            return Outcome {
                stdout: String::new(),
                stderr: err.render().to_string(),
                code: EXIT_ERROR,
            };
        }
        paths.push(PathBuf::from("-"));
    }
    let options = lint_options(&args);
    let filters = match Filters::new(&args.include, &args.exclude) {
        Ok(filters) => filters,
        Err(err) => return usage_error(&format!("invalid glob: {err}")),
    };
    let stdin_name = args.stdin_filename.as_deref().unwrap_or(STDIN_NAME);
    let inputs = discover::discover(&paths, stdin_name, &filters);
    let stdin_bytes = inputs
        .iter()
        .any(|i| i.source == InputSource::Stdin)
        .then(|| {
            let mut bytes = Vec::new();
            stdin
                .read_to_end(&mut bytes)
                .map(|_| bytes)
                .map_err(|e| discover::io_reason(&e))
        });
    let reports = discover::lint_inputs(&inputs, stdin_bytes.as_ref(), &options);

    let stdout = match args.format {
        Format::Json => json::render_json(&reports),
        Format::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => terminal.stdout_is_terminal && !terminal.no_color,
            };
            let width = terminal.width.filter(|w| *w >= 40).unwrap_or(100);
            let options = human::HumanOptions { color, width };
            if args.quiet {
                human::render_findings(&reports, &options)
            } else {
                human::render_human(&reports, &options)
            }
        }
    };
    Outcome {
        stdout,
        stderr: String::new(),
        code: report::exit_code(&reports, args.fail_on),
    }
}

/// Turns `--select`, `--ignore`, `--severity` and `--parameter` into lint options. Later
/// `--severity` flags for the same rule win.
pub fn lint_options(args: &CheckArgs) -> LintOptions {
    let mut severities = HashMap::new();
    let mut off = HashSet::new();
    for &(code, level) in &args.severity {
        match level {
            Some(level) => {
                severities.insert(code, level);
                off.remove(code);
            }
            None => {
                off.insert(code);
            }
        }
    }
    let mut ignore = args.ignore.clone();
    ignore.extend(
        ALL_RULES
            .iter()
            .map(|r| r.meta().code)
            .filter(|c| off.contains(c)),
    );
    ignore.sort_unstable();
    ignore.dedup();
    let select = (!args.select.is_empty()).then(|| {
        let mut select = args.select.clone();
        select.sort_unstable();
        select.dedup();
        select
    });
    LintOptions {
        parameters: args.parameters.iter().cloned().collect(),
        severities,
        select,
        ignore,
    }
}

fn explain(rule: &str) -> Outcome {
    let Some(rule) = find_rule(rule.trim()) else {
        return usage_error(&unknown_rule(rule));
    };
    let meta = rule.meta();
    let stdout = format!(
        "{code} {name}\n\nDefault severity: {severity}\nCategory: {category}\n\n{summary}\n\n{docs}\nDocumentation: {url}\n",
        code = meta.code,
        name = meta.name,
        severity = meta.severity,
        category = meta.category.title(),
        summary = meta.summary,
        docs = meta.documentation().trim_end().to_string() + "\n",
        url = meta.url,
    );
    Outcome {
        stdout,
        stderr: String::new(),
        code: EXIT_OK,
    }
}

fn rules(format: Format) -> Outcome {
    let metas: Vec<&RuleMeta> = ALL_RULES.iter().map(|r| r.meta()).collect();
    let stdout = match format {
        Format::Json => json::to_pretty(&metas),
        Format::Human => rules_table(&metas),
    };
    Outcome {
        stdout,
        stderr: String::new(),
        code: EXIT_OK,
    }
}

fn rules_table(metas: &[&RuleMeta]) -> String {
    let header = ("CODE", "NAME", "SEVERITY", "SUMMARY");
    let name_width = metas
        .iter()
        .map(|m| m.name.len())
        .chain([header.1.len()])
        .max()
        .unwrap_or(0);
    let severity_width = "SEVERITY".len();
    let mut out = String::new();
    let rows = std::iter::once(header).chain(
        metas
            .iter()
            .map(|m| (m.code, m.name, m.severity.as_str(), m.summary)),
    );
    for (code, name, severity, summary) in rows {
        out.push_str(&format!(
            "{code:<6}  {name:<name_width$}  {severity:<severity_width$}  {summary}\n"
        ));
    }
    out
}

fn usage_error(message: &str) -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: format!("error: {message}\n"),
        code: EXIT_ERROR,
    }
}

/// "unknown rule `X`" with a "did you mean" hint over codes and names.
pub fn unknown_rule(text: &str) -> String {
    let candidates = ALL_RULES
        .iter()
        .flat_map(|r| [r.meta().code, r.meta().name]);
    match crate::text::closest(text, candidates) {
        Some(best) => format!("unknown rule `{text}`; did you mean `{best}`?"),
        None => format!("unknown rule `{text}`; `ssmlint rules` lists them"),
    }
}

fn parse_rule(text: &str) -> Result<&'static str, String> {
    let text = text.trim();
    find_rule(text)
        .map(|r| r.meta().code)
        .ok_or_else(|| unknown_rule(text))
}

fn parse_severity_override(text: &str) -> Result<(&'static str, Option<Severity>), String> {
    let (rule, level) = text
        .split_once('=')
        .ok_or_else(|| format!("expected CODE=LEVEL, got `{text}`"))?;
    let code = parse_rule(rule)?;
    let level = level.trim();
    if level.eq_ignore_ascii_case("off") {
        return Ok((code, None));
    }
    Severity::parse(level)
        .map(|s| (code, Some(s)))
        .ok_or_else(|| format!("unknown level `{level}`; expected error, warning, info or off"))
}

fn parse_parameter(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.trim().is_empty() => {
            Ok((key.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected KEY=VALUE, got `{text}`")),
    }
}

fn parse_glob(text: &str) -> Result<Glob, String> {
    Glob::new(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn severity_off_ignores_and_later_flags_win() {
        let cli = Cli::try_parse_from([
            "ssmlint",
            "--severity",
            "instance-profile-missing=off",
            "--severity",
            "SSM105=error",
            "--select",
            "SSM100,ssm105",
            "x.yaml",
        ])
        .unwrap();
        let options = lint_options(&cli.check);
        assert_eq!(options.ignore, vec!["SSM100"]);
        assert_eq!(options.severities.get("SSM105"), Some(&Severity::Error));
        assert_eq!(options.select, Some(vec!["SSM100", "SSM105"]));
    }

    #[test]
    fn unknown_rules_are_usage_errors_with_a_hint() {
        let err = Cli::try_parse_from(["ssmlint", "--select", "SSM10", "x.yaml"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("did you mean"), "{err}");
    }

    #[test]
    fn a_bare_path_is_the_check_command() {
        let cli = Cli::try_parse_from(["ssmlint", "a.yaml", "b"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.check.paths.len(), 2);
    }
}
