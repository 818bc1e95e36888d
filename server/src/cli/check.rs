//! `logseq-lsp check`: diagnostics as human lines, JSON, SARIF or GitHub annotations; exit 1
//! when there are errors.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use rayon::prelude::*;

use super::{github, rule_options::Overrides, sarif, session, CheckFormat, EXIT_FAILURE};
use logseq_core::lint::diagnostic::{capped, Diagnostic, Severity};
use logseq_core::syntax::text::{Encoding, LineIndex, Positions};

pub fn run(paths: &[PathBuf], format: CheckFormat, severities: &Overrides) -> ExitCode {
    let mut sessions = match session::open_with(paths, session::Keep::Diagnostics, severities) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let mut counts = [0usize; 4];
    let mut files = 0;
    // Written as it is produced (JSON item by item: the same bytes as one serde_json array), not
    // gathered first: on a 20,000-page graph the gathered output took a fifth of the memory.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut written: std::io::Result<()> = Ok(());
    let mut emit = |r: std::io::Result<()>| {
        if written.is_ok() {
            written = r;
        }
    };
    let mut first = true;
    // JSON and SARIF are one document: items joined with commas inside a head and a tail.
    let joined = matches!(format, CheckFormat::Json | CheckFormat::Sarif);
    match format {
        CheckFormat::Json => emit(out.write_all(b"[")),
        CheckFormat::Sarif => emit(out.write_all(sarif::header(&sessions).as_bytes())),
        CheckFormat::Human | CheckFormat::Github => {}
    }
    let mut org_pages = 0;
    for (i, s) in sessions.iter_mut().enumerate() {
        // Each chunk's pages are dropped once written: their diagnostics are not held to the
        // end beside the output buffers (that was the peak of a 20,000-page `check`).
        let pages = std::mem::take(&mut s.pages);
        let s = &*s;
        let base = sarif::base_id(i);
        session::report_problems(s);
        org_pages += s.org_pages;
        for f in &s.not_pages {
            eprintln!(
                "warning: {}: not a page of the graph at {} (pages are its .md and .org files that are not hidden or ignored); not checked",
                f.display(),
                s.loaded.root.display()
            );
        }
        // Pages in parallel, a chunk at a time, each page's diagnostics formatted in the parallel
        // step too (that was a sixth of the run, on one core): the output keeps the pages' order
        // and only one chunk's text is held at once.
        let mut pages = pages.into_iter();
        loop {
            let chunk: Vec<_> = pages.by_ref().take(256).collect();
            if chunk.is_empty() {
                break;
            }
            let per_page: Vec<([usize; 4], Vec<u8>)> = chunk
                .into_par_iter()
                .map(|(p, t, a)| format_page(s, &base, &p, &t, s.diagnostics(&p, &a), format))
                .collect();
            files += per_page.len();
            for (n, text) in per_page {
                for (total, k) in counts.iter_mut().zip(n) {
                    *total += k;
                }
                if text.is_empty() {
                    continue;
                }
                if joined && !first {
                    emit(out.write_all(b","));
                }
                first = false;
                emit(out.write_all(&text));
            }
        }
        for (n, text) in graph_files(s, &base, format) {
            for (total, k) in counts.iter_mut().zip(n) {
                *total += k;
            }
            if joined && !first {
                emit(out.write_all(b","));
            }
            first = false;
            emit(out.write_all(text.as_bytes()));
        }
    }
    match format {
        CheckFormat::Json => emit(writeln!(out, "]")),
        CheckFormat::Sarif => emit(out.write_all(sarif::footer(&sessions).as_bytes())),
        CheckFormat::Human | CheckFormat::Github => {
            let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
            emit(writeln!(
                out,
                "{}, {}, {} information, {} in {}",
                plural(counts[Severity::Error as usize], "error"),
                plural(counts[Severity::Warning as usize], "warning"),
                counts[Severity::Information as usize],
                plural(counts[Severity::Hint as usize], "hint"),
                plural(files, "page"),
            ));
            if org_pages > 0 {
                // Said, not left as "0 pages": Org pages are read (for links and ids) but no rule
                // checks them.
                emit(writeln!(
                    out,
                    "{} read for the graph, not checked: the rules are for Markdown pages",
                    plural(org_pages, "Org page")
                ));
            }
        }
    }
    emit(out.flush());
    if joined && org_pages > 0 {
        // Human output says it in its summary line; JSON and SARIF output is the document alone.
        eprintln!("note: {org_pages} Org page(s) read for the graph, not checked: the rules are for Markdown pages");
    }
    // Freeing every page's analysis one by one took 7% of the run; the process ends here anyway.
    std::mem::forget(sessions);
    if written.is_err() {
        return ExitCode::from(EXIT_FAILURE);
    }
    if counts[Severity::Error as usize] > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `s` as a JSON string, the bytes serde_json writes: a message or path needs no escape almost
/// always, found by a test of 32 bytes at a time (it vectorizes; serde_json's byte-by-byte
/// escaping was a tenth of a JSON `check`), and serde_json writes the rest.
fn json_str(out: &mut Vec<u8>, s: &str) {
    let plain = s.as_bytes().chunks(32).all(|c| {
        !c.iter().fold(false, |bad, &b| {
            bad | (b < 0x20) | (b == b'"') | (b == b'\\')
        })
    });
    if plain {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
    }
}

/// Findings about files that are no page (asset-unused), once per session, when the whole graph
/// is checked: as lines `path: severity[code]: message` (no line and column), or JSON items with
/// the range 0:0–0:0 (the file's start), so the JSON keeps one shape; SARIF results and GitHub
/// annotations name the file with no region.
fn graph_files(s: &session::Session, base: &str, format: CheckFormat) -> Vec<([usize; 4], String)> {
    if !s.whole_graph {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (path, d) in logseq_core::lint::rules::unused_assets(&s.graph) {
        for d in logseq_core::lint::rules::finish(vec![d], &s.loaded.settings) {
            let mut counts = [0usize; 4];
            counts[d.severity as usize] += 1;
            let text = match format {
                CheckFormat::Json => serde_json::json!({
                    "path": path,
                    "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                    "severity": d.severity.as_str(),
                    "code": d.code.as_str(),
                    "message": d.message,
                })
                .to_string(),
                CheckFormat::Sarif => sarif::result(&d, &path, base, None),
                CheckFormat::Github => {
                    github::annotation(&d, &session::display_path(&s.loaded.root, &path), None)
                }
                CheckFormat::Human => format!(
                    "{}: {}[{}]: {}\n",
                    session::display_path(&s.loaded.root, &path),
                    d.severity.as_str(),
                    d.code.as_str(),
                    d.message
                ),
            };
            out.push((counts, text));
        }
    }
    out
}

/// One page's diagnostics as output text (lines, or JSON items joined with commas; at most
/// `MAX_PER_LINE` per line and `MAX_PER_PAGE` per page, the rest counted) and their number per
/// severity (all of them: a cut never turns an error into a pass). `base` is the page's graph
/// root's SARIF `uriBaseId`.
fn format_page(
    s: &session::Session,
    base: &str,
    path: &str,
    text: &str,
    diags: Vec<Diagnostic>,
    format: CheckFormat,
) -> ([usize; 4], Vec<u8>) {
    let mut counts = [0usize; 4];
    let mut out = Vec::new();
    if diags.is_empty() {
        return (counts, out);
    }
    for d in &diags {
        counts[d.severity as usize] += 1;
    }
    let idx = LineIndex::new(text);
    let shown = match format {
        CheckFormat::Human | CheckFormat::Github => session::display_path(&s.loaded.root, path),
        CheckFormat::Json | CheckFormat::Sarif => String::new(),
    };
    // Positions from the previous one (linear on a long line), in one unit per format.
    let mut pos = Positions::new(
        text,
        &idx,
        match format {
            // LSP's default unit, and SARIF's (`columnKind` utf16CodeUnits).
            CheckFormat::Json | CheckFormat::Sarif => Encoding::Utf16,
            // Characters, as editors and terminals count columns.
            CheckFormat::Human | CheckFormat::Github => Encoding::Utf32,
        },
    );
    let mut path_json = Vec::new();
    json_str(&mut path_json, path);
    for d in capped(diags, &idx) {
        match format {
            CheckFormat::Json => {
                let (sl, sc) = pos.at(d.range.start);
                let (el, ec) = pos.at(d.range.end);
                if !out.is_empty() {
                    out.push(b',');
                }
                // serde_json's `json!` order (its maps sort keys), which the output has always had.
                out.extend_from_slice(b"{\"code\":");
                json_str(&mut out, d.code.as_str());
                out.extend_from_slice(b",\"message\":");
                json_str(&mut out, &d.message);
                out.extend_from_slice(b",\"path\":");
                out.extend_from_slice(&path_json);
                let _ = write!(
                    out,
                    ",\"range\":{{\"end\":{{\"character\":{ec},\"line\":{el}}},\"start\":{{\"character\":{sc},\"line\":{sl}}}}},\"severity\":"
                );
                json_str(&mut out, d.severity.as_str());
                out.push(b'}');
            }
            CheckFormat::Sarif => {
                let start = pos.at(d.range.start);
                let end = pos.at(d.range.end);
                if !out.is_empty() {
                    out.push(b',');
                }
                out.extend_from_slice(sarif::result(&d, path, base, Some((start, end))).as_bytes());
            }
            CheckFormat::Github => {
                let start = pos.at(d.range.start);
                let end = pos.at(d.range.end);
                out.extend_from_slice(
                    github::annotation(&d, &shown, Some((start, end))).as_bytes(),
                );
            }
            CheckFormat::Human => {
                let (l, c) = pos.at(d.range.start);
                let _ = writeln!(
                    out,
                    "{}:{}:{}: {}[{}]: {}",
                    shown,
                    l + 1,
                    c + 1,
                    d.severity.as_str(),
                    d.code.as_str(),
                    d.message
                );
            }
        }
    }
    (counts, out)
}

#[cfg(test)]
mod tests {
    use super::json_str;

    /// The fast path writes what serde_json writes, for plain text and for every byte that
    /// needs an escape, at chunk edges too.
    #[test]
    fn json_str_is_serde_json() {
        let long = "x".repeat(31) + "\"" + &"y".repeat(40);
        for s in [
            "",
            "plain message 😀 with `code` and 'quotes'",
            "a \"quoted\" value",
            "back\\slash",
            "tab\there, newline\nand \r and \u{1} and \u{7f} and \u{1f}",
            "éèê ✓ 𝄞",
            &long,
        ] {
            let mut ours = Vec::new();
            json_str(&mut ours, s);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }
}
