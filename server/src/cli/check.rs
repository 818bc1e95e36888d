//! `logseq-lsp check`: human or JSON diagnostics; exit 1 when there are errors.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use rayon::prelude::*;
use serde_json::json;

use super::{session, CheckFormat, EXIT_FAILURE};
use crate::engine::analysis;
use crate::engine::diagnostic::{Diagnostic, Severity};
use crate::engine::text::{Encoding, LineIndex};

pub fn run(paths: &[PathBuf], format: CheckFormat) -> ExitCode {
    let sessions = match session::open(paths) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let mut counts = [0usize; 4];
    let mut json_out = Vec::new();
    let mut human = String::new();
    let mut files = 0;
    for s in &sessions {
        session::report_problems(s);
        let per_page: Vec<(&String, &str, Vec<Diagnostic>)> = s
            .pages
            .par_iter()
            .map(|(p, t, a)| {
                (
                    p,
                    &**t,
                    analysis::diagnostics(&s.graph, p, a, &s.loaded.settings),
                )
            })
            .collect();
        files += per_page.len();
        for (path, text, diags) in per_page {
            if diags.is_empty() {
                continue;
            }
            let idx = LineIndex::new(text);
            for d in &diags {
                counts[d.severity as usize] += 1;
                let (sl, sc) = idx.position(text, d.range.start, Encoding::Utf16);
                let (el, ec) = idx.position(text, d.range.end, Encoding::Utf16);
                match format {
                    CheckFormat::Json => json_out.push(json!({
                        "path": path,
                        "range": {"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}},
                        "severity": d.severity.as_str(),
                        "code": d.code.as_str(),
                        "message": d.message,
                    })),
                    CheckFormat::Human => {
                        let (l, c) = idx.position(text, d.range.start, Encoding::Utf32);
                        human.push_str(&format!(
                            "{}:{}:{}: {}[{}]: {}\n",
                            session::display_path(&s.loaded.root, path),
                            l + 1,
                            c + 1,
                            d.severity.as_str(),
                            d.code.as_str(),
                            d.message
                        ));
                    }
                }
            }
        }
    }
    let mut stdout = std::io::stdout().lock();
    let written = match format {
        CheckFormat::Json => writeln!(stdout, "{}", serde_json::Value::Array(json_out)),
        CheckFormat::Human => {
            let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
            write!(
                stdout,
                "{human}{}, {}, {} information, {} in {}\n",
                plural(counts[Severity::Error as usize], "error"),
                plural(counts[Severity::Warning as usize], "warning"),
                counts[Severity::Information as usize],
                plural(counts[Severity::Hint as usize], "hint"),
                plural(files, "page"),
            )
        }
    };
    if written.is_err() {
        return ExitCode::from(EXIT_FAILURE);
    }
    if counts[Severity::Error as usize] > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
