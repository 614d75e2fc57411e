//! The command line: arguments (clap derive) and [`run`], which turns them into output
//! and an exit code without printing anything itself.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use globset::Glob;

use std::sync::Arc;

use crate::engine::config::{self, Config};
use crate::engine::discover::{self, FilterLookup, InputSource, STDIN_NAME};
use crate::engine::settings::{ConfigChoice, Overrides, Resolver, Settings};
use crate::engine::{FileKind, FileReport, LintOptions};
use crate::report::{
    self, concise, github, human, json, junit, sarif, summary, EXIT_ERROR, EXIT_OK,
};
use crate::rules::{find_rule, RuleMeta, Severity, ALL_RULES};

mod adopt;
mod fix;
mod show;

/// Lint CloudFormation templates for AWS Systems Manager Session Manager readiness.
#[derive(Debug, Parser)]
#[command(
    name = "ssmlint",
    version,
    long_version = long_version(),
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

// Parsed once per run: the size of `Check` does not matter.
#[allow(clippy::large_enum_variant)]
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
    /// Write a commented starter `.ssmlint.yaml` in the current directory.
    Init,
    /// Print a shell completion script: `ssmlint completions bash > /etc/bash_completion.d/ssmlint`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads stdin.
    #[arg(value_name = "PATHS")]
    pub paths: Vec<PathBuf>,

    /// Output format: human (the default), concise (one line per finding), json, sarif,
    /// github, junit or summary (Markdown for a GitHub job summary); FORMAT=PATH writes
    /// it to a file, creating its directory.
    /// Repeatable; at most one format goes to stdout.
    #[arg(long, value_name = "FORMAT[=PATH]", value_parser = FormatParser)]
    pub format: Vec<FormatSpec>,

    /// Exit with status 1 when a finding is at least this severe [default: `fail_on` of
    /// the working directory's configuration file, else error].
    #[arg(long, value_name = "LEVEL", value_parser = level_parser())]
    pub fail_on: Option<Severity>,

    /// Read this configuration file for every file, instead of the nearest `.ssmlint.yaml`
    /// above each.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Read no configuration file.
    #[arg(long)]
    pub no_config: bool,

    /// Skip files that are neither templates nor policies even when they are named
    /// (pre-commit names every YAML and JSON file that changed).
    #[arg(long)]
    pub skip_unsupported: bool,

    /// Override a rule's severity; LEVEL is error, warning, info or off (repeatable).
    #[arg(long = "severity", value_name = "CODE=LEVEL", value_parser = parse_severity_override)]
    pub severity: Vec<(&'static str, Option<Severity>)>,

    /// Run only these rules, by code or name (repeatable, comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',', value_parser = parse_rule)]
    pub select: Vec<&'static str>,

    /// Never run these rules, by code or name (repeatable, comma-separated).
    #[arg(long, value_name = "CODE", value_delimiter = ',', value_parser = parse_rule)]
    pub ignore: Vec<&'static str>,

    /// Also run the Guard rules in this file, or in the `.guard` files below this
    /// directory (repeatable; adds to the configuration file's `guard_rules`).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,

    /// Set a template parameter's value (repeatable).
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = parse_parameter)]
    pub parameters: Vec<(String, String)>,

    /// Also lint files matching this glob when walking directories (repeatable; replaces
    /// the configuration file's `include`).
    #[arg(long, value_name = "GLOB", value_parser = parse_glob)]
    pub include: Vec<Glob>,

    /// Skip files and directories matching this glob, even when named (repeatable;
    /// replaces the configuration file's `exclude`).
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

    /// Link the summary format's findings to `URL/PATH#LLINE` [default on GitHub Actions:
    /// $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA].
    #[arg(long, value_name = "URL")]
    pub link_base: Option<String>,

    /// Count the findings by rule (code, name, severity, count, fixable): the human and
    /// concise formats print the table instead of each finding, JSON adds
    /// `summary.by_rule`.
    #[arg(long)]
    pub statistics: bool,

    /// Report only the findings this baseline file does not record, and how many of its
    /// entries are gone.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the findings in this baseline file; with --baseline, write that baseline
    /// without its entries that are gone (adding no new finding).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Exit with status 0 even when findings reach the --fail-on level (a usage error or
    /// a file that cannot be read or parsed still exits 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Print the settings that apply to this file, and where each comes from, then exit.
    #[arg(long, value_name = "FILE")]
    pub show_settings: Option<PathBuf>,

    /// List the files that would be linted, and why the others are skipped, then exit.
    #[arg(long)]
    pub show_files: bool,

    /// Apply the safe fixes in place (verified: a fix that does not remove its finding,
    /// or adds one, is rolled back), then report what remains; with `-`, print the fixed
    /// text to stdout and the report to stderr.
    #[arg(long)]
    pub fix: bool,

    /// With --fix or --diff, also apply the unsafe fixes (which change more than the
    /// finding: a removed key pair or ingress rule, a new role).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print the fixes as a unified diff and change nothing; exit 1 when a file would
    /// change.
    #[arg(long)]
    pub diff: bool,
}

/// The formats of `ssmlint rules`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Human,
    Json,
}

/// The report formats of `--format`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OutputFormat {
    #[default]
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Summary,
    /// One line per finding: `path:line:col: CODE name message`.
    Concise,
}

impl OutputFormat {
    pub const ALL: &'static [(&'static str, OutputFormat)] = &[
        ("human", OutputFormat::Human),
        ("concise", OutputFormat::Concise),
        ("json", OutputFormat::Json),
        ("sarif", OutputFormat::Sarif),
        ("github", OutputFormat::Github),
        ("junit", OutputFormat::Junit),
        ("summary", OutputFormat::Summary),
    ];
}

/// One `--format FORMAT[=PATH]`: where no path is given, the report goes to stdout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    pub format: OutputFormat,
    pub path: Option<PathBuf>,
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
        Some(Command::Init) => init(),
        Some(Command::Completions { shell }) => completions(shell),
        Some(Command::Check(args)) => check(args, terminal, stdin),
        None => check(cli.check, terminal, stdin),
    }
}

fn check(args: CheckArgs, terminal: &Terminal, stdin: &mut dyn Read) -> Outcome {
    let formats = if args.format.is_empty() {
        vec![FormatSpec {
            format: OutputFormat::Human,
            path: None,
        }]
    } else {
        args.format.clone()
    };
    if formats.iter().filter(|f| f.path.is_none()).count() > 1 {
        return usage_error(
            "at most one --format can go to stdout; write the others to files, \
             e.g. --format github --format sarif=ssmlint.sarif",
        );
    }
    let mut paths = args.paths.clone();
    if paths.is_empty() && args.show_settings.is_none() {
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
    let cwd = std::env::current_dir().ok();
    let choice = if args.no_config {
        ConfigChoice::NoConfig
    } else if let Some(path) = &args.config {
        ConfigChoice::Named(path.clone())
    } else {
        ConfigChoice::Nearest
    };
    let root = cwd.clone().unwrap_or_else(|| PathBuf::from("."));
    let resolver = match Resolver::new(root, choice, overrides(&args)) {
        Ok(resolver) => Arc::new(resolver),
        Err(err) => return errors_outcome(err.lines()),
    };
    let (fail_on, fail_on_origin) = resolver.fail_on();
    if let Some(file) = &args.show_settings {
        let settings = resolver.settings_for(file);
        let errors = resolver.errors();
        if !errors.is_empty() {
            return errors_outcome(errors.iter().map(String::as_str));
        }
        return show::show_settings(file, &settings, fail_on, &fail_on_origin);
    }
    let stdin_name = args.stdin_filename.as_deref().unwrap_or(STDIN_NAME);
    let lookup: Arc<dyn FilterLookup> = resolver.clone();
    let mut skipped = args.show_files.then(Vec::new);
    let inputs = discover::discover_with(&paths, stdin_name, &lookup, skipped.as_mut());
    let settings: Vec<Arc<Settings>> = inputs
        .iter()
        .map(|input| resolver.settings_for_input(input))
        .collect();
    // The rules that run anywhere (for SARIF's and JUnit's lists of rules that ran): those
    // of the files' settings, or, without files, of the working directory's.
    let mut distinct: Vec<Arc<Settings>> = Vec::new();
    for s in &settings {
        if !distinct.iter().any(|d| Arc::ptr_eq(d, s)) {
            distinct.push(Arc::clone(s));
        }
    }
    if distinct.is_empty() {
        distinct.push(resolver.settings_for(Path::new(stdin_name)));
    }
    let errors = resolver.errors();
    if !errors.is_empty() {
        return errors_outcome(errors.iter().map(String::as_str));
    }
    if let Some(skipped) = skipped {
        return show::show_files(&inputs, &settings, &skipped, args.skip_unsupported);
    }
    // A report never overwrites what the run reads: an input, a configuration, a Guard file.
    let read: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| match &i.source {
            InputSource::File(path) => Some(path.clone()),
            _ => None,
        })
        .chain(args.config.clone())
        .chain(args.rules.iter().cloned())
        .chain(distinct.iter().flat_map(|s| {
            let config = s.config.clone().map(PathBuf::from);
            let guards = s.origins.guard_rules.iter().map(|(p, _)| p.clone());
            config.into_iter().chain(guards).collect::<Vec<_>>()
        }))
        .collect();
    let read: Vec<&Path> = read.iter().map(PathBuf::as_path).collect();
    if let Err(message) = check_report_paths(&formats, &read) {
        return usage_error(&message);
    }
    let stdin_bytes = inputs
        .iter()
        .any(|i| i.source == InputSource::Stdin)
        .then(|| crate::base::io::read_limited(stdin));
    // One settings per input, in order; the fallback is never used.
    let fallback = LintOptions::default();
    let options_of = |i: usize| settings.get(i).map_or(&fallback, |s| &s.options);
    let mut reports = crate::engine::lint_inputs_with(&inputs, stdin_bytes.as_ref(), &options_of);
    let all_options: Vec<&LintOptions> = distinct.iter().map(|s| &s.options).collect();
    if args.skip_unsupported {
        reports.retain(|r| r.kind != FileKind::Unsupported);
    }
    let fixing = (args.fix || args.diff)
        .then(|| fix::fix_reports(&args, &inputs, &options_of, &mut reports));
    let fixing = match fixing {
        Some(run) if args.diff => return fix::diff_outcome(run, args.quiet),
        other => other,
    };

    let cwd_or_dot = cwd.clone().unwrap_or_else(|| PathBuf::from("."));
    let baseline = match adopt::apply_baseline(&args, &mut reports, &cwd_or_dot) {
        Ok(applied) => applied,
        Err(message) => return usage_error(&message),
    };
    let mut outcome = Outcome {
        stdout: String::new(),
        stderr: String::new(),
        code: adopt::exit_code(report::exit_code(&reports, fail_on), &args),
    };
    let link_base = args.link_base.clone().or_else(github_blob_base);
    for spec in &formats {
        let render = Render {
            reports: &reports,
            args: &args,
            options: &all_options,
            fail_on,
            cwd: cwd.as_deref(),
            link_base: link_base.as_deref(),
            baseline: baseline.as_ref(),
        };
        match &spec.path {
            None => outcome.stdout = render.render(spec.format, Some(terminal)),
            Some(path) => {
                let text = render.render(spec.format, None);
                // Like ruff and cfn-lint, create the directory the report goes in.
                let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
                let written = parent
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(path, text));
                if let Err(err) = written {
                    outcome.stderr.push_str(&format!(
                        "error: cannot write {}: {}\n",
                        path.display(),
                        crate::base::io_reason(&err)
                    ));
                    outcome.code = EXIT_ERROR;
                }
            }
        }
    }
    adopt::notes_to_stderr(&formats, &args, baseline.as_ref(), &reports, &mut outcome);
    if let Some(run) = fixing {
        let remaining: usize = reports.iter().map(|r| r.findings.len()).sum();
        let mut stderr = run.stderr;
        stderr.push_str(&format!("{} fixed, {remaining} remaining\n", run.fixed));
        if let Some(text) = run.stdin_text {
            // The fixed text is the output; the report goes to stderr.
            stderr.insert_str(0, &std::mem::take(&mut outcome.stdout));
            outcome.stdout = text;
        }
        outcome.stderr.push_str(&stderr);
        if run.failed {
            outcome.code = EXIT_ERROR;
        }
    }
    outcome
}

/// Refuses report paths that would overwrite a file the run reads (a template, the
/// configuration, a Guard rule file), or another report of the run.
fn check_report_paths(formats: &[FormatSpec], read: &[&Path]) -> Result<(), String> {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    let inputs: Vec<PathBuf> = read.iter().filter_map(|p| canonical(p)).collect();
    let mut reports: Vec<(PathBuf, &Path)> = Vec::new();
    for spec in formats {
        let Some(path) = spec.path.as_deref() else {
            continue;
        };
        // A report that does not exist yet cannot be an input; two reports are compared
        // by where they will be.
        let resolved = canonical(path).unwrap_or_else(|| {
            let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
            let dir = parent.map_or_else(|| std::env::current_dir().ok(), canonical);
            match (dir, path.file_name()) {
                (Some(dir), Some(name)) => dir.join(name),
                _ => path.to_path_buf(),
            }
        });
        if inputs.contains(&resolved) {
            return Err(format!(
                "--format {}={}: the report would overwrite `{}`, which this run reads",
                format_name(spec.format),
                path.display(),
                path.display()
            ));
        }
        if let Some((_, other)) = reports.iter().find(|(r, _)| *r == resolved) {
            return Err(format!(
                "two reports would be written to the same file: `{}` and `{}`",
                other.display(),
                path.display()
            ));
        }
        reports.push((resolved, path));
    }
    Ok(())
}

fn format_name(format: OutputFormat) -> &'static str {
    OutputFormat::ALL
        .iter()
        .find(|(_, f)| *f == format)
        .map_or("human", |(name, _)| name)
}

/// What rendering a report needs.
struct Render<'a> {
    reports: &'a [FileReport],
    args: &'a CheckArgs,
    /// The options of the files (each distinct one once).
    options: &'a [&'a LintOptions],
    fail_on: Severity,
    cwd: Option<&'a Path>,
    link_base: Option<&'a str>,
    baseline: Option<&'a crate::engine::baseline::Applied>,
}

/// `$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/blob/$GITHUB_SHA` when all three are set (in a
/// GitHub Actions job): where the summary format links findings to.
fn github_blob_base() -> Option<String> {
    let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    Some(format!(
        "{}/{}/blob/{}",
        var("GITHUB_SERVER_URL")?.trim_end_matches('/'),
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_SHA")?
    ))
}

impl Render<'_> {
    /// Renders one format; `terminal` is set when it goes to stdout.
    fn render(&self, format: OutputFormat, terminal: Option<&Terminal>) -> String {
        let reports = self.reports;
        match format {
            OutputFormat::Json => json::render_json_with(
                reports,
                json::JsonExtras {
                    statistics: self.args.statistics,
                    baseline: self.baseline,
                },
            ),
            OutputFormat::Sarif => {
                let mut user_rules: Vec<&'static RuleMeta> = Vec::new();
                for meta in self.options.iter().flat_map(|o| o.guard.user_rules()) {
                    if !user_rules.iter().any(|m| std::ptr::eq(*m, meta)) {
                        user_rules.push(meta);
                    }
                }
                sarif::render_sarif(reports, self.cwd, &|code| self.enabled(code), &user_rules)
            }
            OutputFormat::Github => github::render_github(reports),
            OutputFormat::Junit => {
                junit::render_junit(reports, self.fail_on, &|code| self.enabled(code))
            }
            OutputFormat::Summary => summary::render_summary(
                reports,
                &summary::SummaryOptions {
                    link_base: self.link_base,
                    root: self.cwd,
                    fail_on: self.fail_on,
                    top: summary::DEFAULT_TOP,
                },
            ),
            OutputFormat::Human | OutputFormat::Concise
                if self.args.statistics || self.baseline.is_some() =>
            {
                adopt::render_text(self, format, terminal)
            }
            OutputFormat::Concise => {
                let color = self.color(terminal);
                if self.args.quiet {
                    concise::render_concise_findings(reports, color)
                } else {
                    concise::render_concise(reports, color)
                }
            }
            OutputFormat::Human => {
                let options = self.human_options(terminal);
                if self.args.quiet {
                    human::render_findings(reports, &options)
                } else {
                    human::render_human(reports, &options)
                }
            }
        }
    }
}

impl Render<'_> {
    /// Whether the rule ran on some file.
    fn enabled(&self, code: &str) -> bool {
        self.options.iter().any(|o| o.is_enabled(code))
    }

    /// Colours: `--color always`, or `auto` on a terminal without `NO_COLOR`.
    fn color(&self, terminal: Option<&Terminal>) -> bool {
        match (self.args.color, terminal) {
            (ColorChoice::Always, _) => true,
            (ColorChoice::Auto, Some(t)) => t.stdout_is_terminal && !t.no_color,
            _ => false,
        }
    }

    fn human_options(&self, terminal: Option<&Terminal>) -> human::HumanOptions {
        let width = terminal
            .and_then(|t| t.width)
            .filter(|w| *w >= 40)
            .unwrap_or(100);
        human::HumanOptions {
            color: self.color(terminal),
            width,
        }
    }
}

/// The completion script for `shell`, generated from the clap definition.
fn completions(shell: clap_complete::Shell) -> Outcome {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "ssmlint", &mut script);
    Outcome {
        stdout: String::from_utf8_lossy(&script).into_owned(),
        stderr: String::new(),
        code: EXIT_OK,
    }
}

fn init() -> Outcome {
    let dir = match std::env::current_dir() {
        Ok(dir) => dir,
        Err(err) => return usage_error(&format!("cannot find the current directory: {err}")),
    };
    match config::init(&dir) {
        Ok(path) => Outcome {
            stdout: format!(
                "Wrote {}: every setting is listed there with its default.\n",
                config::shown_path(&path, &dir)
            ),
            stderr: String::new(),
            code: EXIT_OK,
        },
        Err(message) => usage_error(&message),
    }
}

/// The command line's settings, which override every configuration file.
fn overrides(args: &CheckArgs) -> Overrides {
    Overrides {
        fail_on: args.fail_on,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        severity: args.severity.clone(),
        parameters: args.parameters.clone(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        guard_rules: args.rules.clone(),
    }
}

/// Turns the configuration's settings, then `--select`, `--ignore`, `--severity` and
/// `--parameter`, into lint options (see [`crate::engine::settings::options_for`]).
pub fn lint_options(args: &CheckArgs, config: &Config) -> LintOptions {
    crate::engine::settings::options_for(config, &[], &overrides(args)).0
}

/// A usage error of several lines (a configuration's mistakes).
fn errors_outcome<'a>(lines: impl Iterator<Item = &'a str>) -> Outcome {
    Outcome {
        stdout: String::new(),
        stderr: lines.map(|line| format!("error: {line}\n")).collect(),
        code: EXIT_ERROR,
    }
}

/// `ssmlint --version`: the version, and the embedded AWS data's.
fn long_version() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{}\nAWS data: {}",
            env!("CARGO_PKG_VERSION"),
            crate::aws_data::data_version()
        )
    })
}

fn explain(rule: &str) -> Outcome {
    let Some(rule) = find_rule(rule.trim()) else {
        return usage_error(&unknown_rule(rule));
    };
    let meta = rule.meta();
    let data = if rule.uses_aws_data() {
        format!("Embedded AWS data: {}\n", crate::aws_data::data_version())
    } else {
        String::new()
    };
    let stdout = format!(
        "{code} {name}\n\nDefault severity: {severity}\nCategory: {category}\nFix: {fix}\n{data}\n{summary}\n\n{docs}\nDocumentation: {url}\n",
        fix = match meta.fix {
            crate::diagnostic::FixAvailability::None => "none (the remedy needs a human decision)",
            crate::diagnostic::FixAvailability::Sometimes => "sometimes (`ssmlint --fix`, where the template allows a certain edit)",
            crate::diagnostic::FixAvailability::Always => "always (`ssmlint --fix`)",
        },
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
    let header = ("CODE", "NAME", "SEVERITY", "FIX", "SUMMARY");
    let name_width = metas
        .iter()
        .map(|m| m.name.len())
        .chain([header.1.len()])
        .max()
        .unwrap_or(0);
    let severity_width = "SEVERITY".len();
    let mut out = String::new();
    let rows = std::iter::once(header).chain(metas.iter().map(|m| {
        (
            m.code,
            m.name,
            m.severity.as_str(),
            m.fix.as_str(),
            m.summary,
        )
    }));
    for (code, name, severity, fix, summary) in rows {
        out.push_str(&format!(
            "{code:<6}  {name:<name_width$}  {severity:<severity_width$}  {fix:<9}  {summary}\n"
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
    match crate::base::text::closest(text, candidates) {
        Some(best) => format!("unknown rule `{text}`; did you mean `{best}`?"),
        None => format!("unknown rule `{text}`; `ssmlint rules` lists them"),
    }
}

fn parse_rule(text: &str) -> Result<&'static str, String> {
    let text = text.trim();
    if let Some(rule) = find_rule(text) {
        return Ok(rule.meta().code);
    }
    // Maybe a Guard rule of `--rules` (`GUARD:name`, a header's code or name): checked by
    // `resolve_guard_codes` once the rule files are read. A near miss of a built-in rule,
    // or an `SSMnnn` code, is a mistake now.
    let candidates = ALL_RULES
        .iter()
        .flat_map(|r| [r.meta().code, r.meta().name]);
    // `get`, not `[..3]`: the text is the user's, and may not be ASCII (`aa€`).
    let ssm_code = text.len() > 3
        && text.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("SSM"))
        && text.bytes().skip(3).all(|b| b.is_ascii_digit());
    if text.is_empty() || ssm_code || crate::base::text::closest(text, candidates).is_some() {
        return Err(unknown_rule(text));
    }
    Ok(Box::leak(text.to_string().into_boxed_str()))
}

/// `info`, `warning` or `error`, listed in `--help`.
fn level_parser() -> impl clap::builder::TypedValueParser<Value = Severity> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(["info", "warning", "error"])
        .map(|level| Severity::parse(&level).unwrap_or(Severity::Error))
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

/// `FORMAT[=PATH]`, whose formats shell completions offer.
#[derive(Debug, Clone, Copy)]
struct FormatParser;

impl clap::builder::TypedValueParser for FormatParser {
    type Value = FormatSpec;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<FormatSpec, clap::Error> {
        let parse: fn(&str) -> Result<FormatSpec, String> = parse_format_spec;
        parse.parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            OutputFormat::ALL
                .iter()
                .map(|(name, _)| clap::builder::PossibleValue::new(*name)),
        ))
    }
}

fn parse_format_spec(text: &str) -> Result<FormatSpec, String> {
    let (name, path) = match text.split_once('=') {
        Some((name, path)) if !path.is_empty() => (name, Some(PathBuf::from(path))),
        Some(_) => return Err(format!("expected FORMAT=PATH, got `{text}`")),
        None => (text, None),
    };
    let name = name.trim().to_ascii_lowercase();
    let names = OutputFormat::ALL.iter().map(|(n, _)| *n);
    let Some(&(_, format)) = OutputFormat::ALL.iter().find(|(n, _)| *n == name) else {
        let hint = match crate::base::text::closest(&name, names) {
            Some(best) => format!("; did you mean `{best}`?"),
            None => String::new(),
        };
        return Err(format!(
            "unknown format `{name}`{hint} (expected human, concise, json, sarif, github, junit or summary)"
        ));
    };
    Ok(FormatSpec { format, path })
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
        let options = lint_options(&cli.check, &Config::default());
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
    fn the_file_is_overridden_by_flags() {
        let config = Config::from_text(
            "rules: {SSM100: off, SSM105: error, SSM106: off}\nparameters: {A: file, B: file}\n",
            "c.yaml",
        )
        .unwrap();
        let cli = Cli::try_parse_from([
            "ssmlint",
            "--severity",
            "SSM105=info",
            "--select",
            "SSM106,SSM105,SSM100",
            "--parameter",
            "B=flag",
            "x.yaml",
        ])
        .unwrap();
        let options = lint_options(&cli.check, &config);
        assert!(
            options.ignore.is_empty(),
            "--select enables rules the file turns off"
        );
        let cli = Cli::try_parse_from(["ssmlint", "x.yaml"]).unwrap();
        assert_eq!(
            lint_options(&cli.check, &config).ignore,
            ["SSM100", "SSM106"]
        );
        assert_eq!(options.severities.get("SSM105"), Some(&Severity::Info));
        assert_eq!(options.parameters["A"], "file");
        assert_eq!(options.parameters["B"], "flag");
    }

    #[test]
    fn formats_take_an_optional_path() {
        let cli = Cli::try_parse_from([
            "ssmlint",
            "--format",
            "github",
            "--format",
            "sarif=out/x.sarif",
            "x.yaml",
        ])
        .unwrap();
        assert_eq!(
            cli.check.format,
            [
                FormatSpec {
                    format: OutputFormat::Github,
                    path: None
                },
                FormatSpec {
                    format: OutputFormat::Sarif,
                    path: Some(PathBuf::from("out/x.sarif"))
                }
            ]
        );
        let err = Cli::try_parse_from(["ssmlint", "--format", "sarff", "x"]).unwrap_err();
        assert!(err.to_string().contains("did you mean `sarif`"), "{err}");
    }

    #[test]
    fn a_bare_path_is_the_check_command() {
        let cli = Cli::try_parse_from(["ssmlint", "a.yaml", "b"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.check.paths.len(), 2);
    }
}
