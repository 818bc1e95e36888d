//! `logseq-lsp outline FILE --format json`: the page as Logseq reads it (the mldoc differential
//! test compares this with Logseq's own parser).

use std::path::Path;
use std::process::ExitCode;

use serde_json::{json, Map, Value};

use super::EXIT_FAILURE;
use logseq_core::model::cards::{self, Card};
use logseq_core::model::settings::Settings;
use logseq_core::syntax::inline::InlineKind;
use logseq_core::syntax::outline::{self, BlockKind, Outline};

pub fn run(file: &Path) -> ExitCode {
    let text = match std::fs::read(file) {
        Ok(b) => match String::from_utf8(b) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "error: {}: not UTF-8 text (invalid byte at offset {})",
                    file.display(),
                    e.utf8_error().valid_up_to()
                );
                return ExitCode::from(EXIT_FAILURE);
            }
        },
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    let settings = crate::disk::read_config(&crate::disk::find_root(file)).1;
    println!("{}", outline_json(&text, &settings));
    ExitCode::SUCCESS
}

pub fn outline_json(src: &str, settings: &Settings) -> Value {
    let o = outline::parse(src);
    let cards = cards::cards_configured(src, &o, &settings.card_tags, &settings.refs);
    let blocks: Vec<Value> = o
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let mut props = Map::new();
            if let Some(g) = b.properties() {
                for p in &g.props {
                    props.insert(p.name.clone(), Value::String(p.value_str(src).to_string()));
                }
            }
            let refs: Vec<Value> = b
                .inlines
                .iter()
                .filter_map(|x| match &x.kind {
                    InlineKind::PageRef { name } => Some(json!({"kind": "page", "target": &src[name.clone()]})),
                    InlineKind::Tag { name, .. } => Some(json!({"kind": "tag", "target": &src[name.clone()]})),
                    InlineKind::BlockRef { inner, in_embed } => {
                        Some(json!({"kind": if *in_embed { "embed" } else { "block" }, "target": &src[inner.clone()]}))
                    }
                    _ => None,
                })
                .collect();
            let mut m = Map::new();
            m.insert("start".into(), json!(b.range.start));
            m.insert("end".into(), json!(b.range.end));
            m.insert("level".into(), json!(b.level));
            if b.kind == BlockKind::Pre {
                m.insert("pre_block".into(), json!(true));
            }
            if let BlockKind::Heading { size } = b.kind {
                m.insert("heading".into(), json!(size));
            }
            m.insert("title".into(), json!(&src[b.title.clone()]));
            m.insert("properties".into(), Value::Object(props));
            m.insert("refs".into(), Value::Array(refs));
            // `:block/refs` as graph-parser builds them (lower-case page names).
            let db: Vec<String> = logseq_core::model::refs::page_refs(src, &o, i, &settings.refs)
                .into_iter()
                .map(|r| r.name)
                .collect();
            m.insert("refs_db".into(), json!(db));
            m.insert("card".into(), cards.iter().find(|c| c.block == i).map_or(Value::Null, |c| card_json(src, &o, c)));
            Value::Object(m)
        })
        .collect();
    json!({ "blocks": blocks })
}

pub fn card_json(src: &str, o: &Outline, c: &Card) -> Value {
    json!({
        "tags": c.tags,
        "native": c.native,
        "question": c.question(src),
        "answer": c.answer(src, o),
        "clozes": c.clozes.iter().map(|z| json!({"answer": z.answer, "cue": z.cue})).collect::<Vec<_>>(),
        "masked_question": cards::masked(src, c),
    })
}
