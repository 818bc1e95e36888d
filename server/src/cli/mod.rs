//! The command line face: `check`, `fix`, `cards`, `outline`, `graph`, `settings`, `serve`. Thin: argument parsing and
//! output formats over the engine.

mod cards;
mod check;
mod fix;
mod graph;
mod graph_refs;
mod outline;
mod session;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

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
    /// Print the settings the server reads (name, kind, default, description) and the rules,
    /// as JSON.
    Settings,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckFormat {
    Human,
    Json,
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

pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        None | Some(Command::Serve { .. }) => crate::lsp::serve(),
        Some(Command::Check { paths, format }) => check::run(&paths, format),
        Some(Command::Fix {
            paths,
            dry_run: _,
            each: true,
        }) => fix::run_each(&paths),
        Some(Command::Fix { paths, dry_run, .. }) => fix::run(&paths, dry_run),
        Some(Command::Cards { paths, format }) => cards::run(&paths, format),
        Some(Command::Outline { file, format: _ }) => outline::run(&file),
        Some(Command::Graph { dir, format: _ }) => graph::run(&dir),
        Some(Command::Settings) => settings::run(),
    }
}

/// Exit code for usage or I/O failures.
pub(crate) const EXIT_FAILURE: u8 = 2;
