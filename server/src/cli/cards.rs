//! `logseq-lsp cards`: every flashcard, as JSON or as TSV that Anki imports (question, answer, tags).

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{json, Value};

use super::{session, CardsFormat, EXIT_FAILURE};
use logseq_core::model::cards;
use logseq_core::syntax::text::{Encoding, LineIndex};

pub fn run(paths: &[PathBuf], format: CardsFormat) -> ExitCode {
    let sessions = match session::open(paths) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let now = chrono::Utc::now();
    let mut all = Vec::new();
    let mut tsv = String::new();
    for s in &sessions {
        session::report_problems(s);
        for (path, text, a) in &s.pages {
            let idx = LineIndex::new(text);
            for c in &a.cards {
                let b = &a.outline.blocks[c.block];
                let id = b.property("id").map(|p| p.value_str(text).to_string());
                let sc = &c.schedule(text, &a.outline);
                match format {
                    CardsFormat::Json => all.push(json!({
                        "path": path,
                        "line": idx.position(text, b.range.start, Encoding::Utf16).0,
                        "id": id,
                        "tags": c.tags,
                        "native": c.native,
                        "question": c.question(text),
                        "answer": c.answer(text, &a.outline),
                        "clozes": c.clozes.len(),
                        "schedule": if sc.is_new() { Value::Null } else { json!({
                            "last_interval": sc.last_interval, "repeats": sc.repeats, "ease_factor": sc.ease_factor,
                            "next_schedule": sc.next_schedule.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
                            "last_reviewed": sc.last_reviewed.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
                            "last_score": sc.last_score,
                        })},
                        "due": sc.is_due(now),
                    })),
                    CardsFormat::Tsv => {
                        let q = cards::masked(text, c);
                        let back = c.answer(text, &a.outline);
                        let ans = if c.clozes.is_empty() { back } else { cards::revealed(text, c) + if back.is_empty() { "" } else { "\n" } + &back };
                        let tags: Vec<String> = c.tags.iter().map(|t| t.replace(' ', "_")).collect();
                        tsv.push_str(&format!("{}\t{}\t{}\n", tsv_field(&q), tsv_field(&ans), tags.join(" ")));
                    }
                }
            }
        }
    }
    match format {
        CardsFormat::Json => println!("{}", Value::Array(all)),
        CardsFormat::Tsv => print!("{tsv}"),
    }
    ExitCode::SUCCESS
}

/// Anki's TSV import: fields are HTML, so newlines become `<br>` and tabs spaces.
fn tsv_field(s: &str) -> String {
    s.replace('\t', " ")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}
