use clap::Parser;

fn main() -> std::process::ExitCode {
    logseq_lsp::cli::run(logseq_lsp::cli::Cli::parse())
}
