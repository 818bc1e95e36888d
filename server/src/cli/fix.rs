//! `logseq-lsp fix`: applies every safe fix to the files on disk (the server never writes; the
//! command line may). Each changed file is written atomically: a temporary file, then rename.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{session, EXIT_FAILURE};
use logseq_core::lint::analysis;
use logseq_core::lint::diagnostic::Code;
use logseq_core::lint::fixes;
use logseq_core::syntax::uuid::new_uuid;

pub fn run(paths: &[PathBuf], dry_run: bool) -> ExitCode {
    let sessions = match session::open(paths) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let mut out = std::io::stdout().lock();
    let (mut files, mut total) = (0usize, 0usize);
    let mut failed = false;
    for s in sessions {
        session::report_problems(&s);
        let settings = s.loaded.settings.clone();
        let mut graph = s.graph;
        for (path, text, _) in &s.pages {
            let (new, codes) =
                fixes::fix_page(Some((&mut graph, path)), text, &settings, &mut new_uuid);
            if codes.is_empty() || new == **text {
                continue;
            }
            files += 1;
            total += codes.len();
            let abs = s.loaded.root.join(path);
            let _ = writeln!(
                out,
                "{}: {}",
                session::display_path(&s.loaded.root, path),
                summary(&codes)
            );
            if dry_run {
                let diff = similar::TextDiff::from_lines(&**text, &new);
                let _ = write!(
                    out,
                    "{}",
                    diff.unified_diff().context_radius(1).header(path, path)
                );
            } else if let Err(e) = write_atomically(&abs, &new) {
                eprintln!("error: {}: {e}", abs.display());
                failed = true;
            }
        }
    }
    let verb = if dry_run { "would fix" } else { "fixed" };
    let _ = writeln!(
        out,
        "{verb} {total} problem{} in {files} file{}",
        if total == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" }
    );
    if failed {
        ExitCode::from(EXIT_FAILURE)
    } else {
        ExitCode::SUCCESS
    }
}

/// `fix --each`: every quick fix the editor would offer, each applied alone to its page, as one
/// JSON array `[{root, file, line, code, title, safe, text}]` (`line` 0-based, `text` the whole
/// page after the fix). Writes nothing: this is how tests hold each fix to Logseq's parser.
pub fn run_each(paths: &[PathBuf]) -> ExitCode {
    let sessions = match session::open(paths) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let mut all = Vec::new();
    for s in &sessions {
        session::report_problems(s);
        let root = s.loaded.root.display().to_string();
        for (path, text, a) in &s.pages {
            let ctx = fixes::FixCtx {
                src: text,
                analysis: a,
            };
            let index = logseq_core::syntax::text::LineIndex::new(text);
            for mut d in analysis::diagnostics(&s.graph, path, a, &s.loaded.settings) {
                logseq_core::lint::rules::suggest_assets(&s.graph, text, &mut d);
                let line = index
                    .position(
                        text,
                        d.range.start,
                        logseq_core::syntax::text::Encoding::Utf16,
                    )
                    .0;
                for f in fixes::fixes_for(&ctx, &d, &mut new_uuid) {
                    all.push(serde_json::json!({
                        "root": root, "file": path, "line": line, "code": f.code.as_str(),
                        "title": f.title, "safe": f.safe,
                        "text": logseq_core::syntax::edit::apply(text, &f.edits),
                    }));
                }
            }
        }
    }
    println!("{}", serde_json::Value::Array(all));
    ExitCode::SUCCESS
}

fn summary(codes: &[Code]) -> String {
    let mut counts: Vec<(Code, usize)> = Vec::new();
    for c in codes {
        match counts.iter_mut().find(|(k, _)| k == c) {
            Some((_, n)) => *n += 1,
            None => counts.push((*c, 1)),
        }
    }
    counts
        .iter()
        .map(|(c, n)| format!("{n} {}", c.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A uniquely named temporary file in the same directory (so the rename stays on one file
/// system), then `persist`: two writes of one file in one process no longer share a name.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut f = tempfile::Builder::new()
        .prefix(".logseq-lsp-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    f.write_all(text.as_bytes())?;
    f.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(f.path(), meta.permissions());
    }
    f.persist(path).map(|_| ()).map_err(|e| e.error)
}

#[cfg(test)]
mod write_tests {
    /// Two writers of one file in one process: with one temp name per process, one writer's
    /// rename took the other's file away (ENOENT). Each write now has its own temp file.
    #[test]
    fn concurrent_writes_of_one_file_do_not_collide() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("page.md");
        std::fs::write(&p, "- a\n").unwrap();
        std::thread::scope(|s| {
            for t in 0..2 {
                let p = &p;
                s.spawn(move || {
                    for i in 0..200 {
                        super::write_atomically(p, &format!("- {t} {i}\n")).unwrap();
                    }
                });
            }
        });
        assert!(std::fs::read_to_string(&p).unwrap().starts_with("- "));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
