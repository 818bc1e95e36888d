//! The command line face: `check`, `fix`, `cards`, `outline`, `graph`, `rules`, `settings`, `serve`. Thin: argument parsing and
//! output formats over the engine.

mod cards;
mod check;
mod fix;
mod github;
mod graph;
mod graph_refs;
mod outline;
mod rule_options;
mod rules;
mod sarif;
/// Reading and analysing graphs for the commands (public for the benchmarks).
pub mod session;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use logseq_core::lint::diagnostic::{Code, Severity};

#[derive(Parser, Debug)]
#[command(
    name = "logseq-lsp",
    version,
    about = "Language server and linter for Logseq graphs: flashcards, block ids, references.\nWith no command, runs the language server on stdio."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the language server over stdio (the default).
    Serve {
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
    /// Report diagnostics for a graph, a folder or files.
    Check {
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Turn on exactly a preset's rules, each as an error, and every other rule off.
        /// `graph-validator`: the checks of logseq/graph-validator's default validations.
        #[arg(long, value_name = "NAME", value_parser = rule_options::preset_names())]
        preset: Option<String>,
        /// A rule's severity: error, warning, information, hint or off. Repeatable; applied
        /// after logseq-lsp.toml and --preset.
        #[arg(long = "rule", value_name = "RULE=SEVERITY", value_parser = rule_options::parse_rule)]
        rules: Vec<(Code, Option<Severity>)>,
        /// Turn rules off, by code or by graph-validator validation name (as its --exclude
        /// takes them): one or more values, each may hold several separated by spaces or
        /// commas. Applied last. Paths go before it, or after `--`.
        #[arg(long, short = 'e', value_name = "RULE", num_args = 1.., value_parser = rule_options::parse_excluded)]
        exclude: Vec<rule_options::Excluded>,
    },
    /// Apply every safe fix to the files and print what changed.
    Fix {
        paths: Vec<PathBuf>,
        /// Print the changes as a diff without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// Write nothing; print as JSON every quick fix offered (safe or not), one entry per
        /// fix with the page's whole text after that fix alone (how tests check each fix).
        #[arg(long, conflicts_with = "dry_run")]
        each: bool,
    },
    /// List every flashcard.
    Cards {
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = CardsFormat::Json)]
        format: CardsFormat,
    },
    /// Print a page's outline as Logseq reads it.
    Outline {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = OutlineFormat::Json)]
        format: OutlineFormat,
    },
    /// Print every page and block of a graph as Logseq's database holds them (names, levels,
    /// ids, page refs, markers, schedules, cards).
    Graph {
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t = OutlineFormat::Json)]
        format: OutlineFormat,
    },
    /// Print every rule: code, default severity, on by default, has a fix, summary.
    Rules {
        #[arg(long, value_enum, default_value_t = OutlineFormat::Json)]
        format: OutlineFormat,
    },
    /// Print the settings the server reads (name, kind, default, description) and the rules,
    /// as JSON.
    Settings,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    /// `path:line:column: severity[code]: message` lines and a summary.
    Human,
    /// A JSON list with LSP positions (0-based lines, UTF-16 columns).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`): annotations on the files.
    Github,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardsFormat {
    Json,
    Tsv,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutlineFormat {
    Json,
}

/// Runs a command; `serve` is the language server, which main passes in so that the command line
/// does not depend on the server.
pub fn run(cli: Cli, serve: impl FnOnce() -> ExitCode) -> ExitCode {
    match cli.command {
        None | Some(Command::Serve { .. }) => serve(),
        Some(Command::Check {
            paths,
            format,
            preset,
            rules,
            exclude,
        }) => match rule_options::overrides(preset.as_deref(), &rules, &exclude) {
            Ok(o) => check::run(&paths, format, &o),
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(EXIT_FAILURE)
            }
        },
        Some(Command::Fix {
            paths,
            dry_run: _,
            each: true,
        }) => fix::run_each(&paths),
        Some(Command::Fix { paths, dry_run, .. }) => fix::run(&paths, dry_run),
        Some(Command::Cards { paths, format }) => cards::run(&paths, format),
        Some(Command::Outline { file, format: _ }) => outline::run(&file),
        Some(Command::Graph { dir, format: _ }) => graph::run(&dir),
        Some(Command::Rules { format: _ }) => rules::run(),
        Some(Command::Settings) => settings::run(),
    }
}

/// Exit code for usage or I/O failures.
pub(crate) const EXIT_FAILURE: u8 = 2;
