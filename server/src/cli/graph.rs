//! `logseq-lsp graph DIR --format json`: the whole graph as Logseq's database names it, in the
//! shape of the graph-parser oracle's dump (tests/test_graph_parser_differential.py compares the
//! two): pages with a file, and every block by page and pre-order position.

use std::path::Path;
use std::process::ExitCode;

use serde_json::{json, Value};

use super::{graph_refs, EXIT_FAILURE};
use crate::engine::graph::{names, Graph, GraphConfig, PageFacts};
use crate::engine::org;
use crate::engine::outline::{self, BlockKind, Outline};
use crate::engine::task;

pub fn run(dir: &Path) -> ExitCode {
    if let Some(e) = crate::disk::refuse_root(dir) {
        eprintln!("error: {e}");
        return ExitCode::from(EXIT_FAILURE);
    }
    let loaded = crate::disk::load(dir);
    for w in &loaded.config_warnings {
        eprintln!("warning: {w}");
    }
    for p in &loaded.problems {
        eprintln!("warning: {}: {}", p.path, p.message);
    }
    let graph = Graph::new(loaded.config.clone());
    let mut pages = Vec::new();
    let mut blocks = Vec::new();
    for (path, text) in &loaded.files {
        // The engine reads no Org outline (engine/org.rs: only its ids), so an Org page is listed
        // without blocks.
        if path.ends_with(".org") {
            pages.push(page_json(&graph, &loaded.config, path, &org::facts(text)).1);
            continue;
        }
        let o = outline::parse(text);
        let facts = PageFacts::from_outline(text, &o);
        let (name, page) = page_json(&graph, &loaded.config, path, &facts);
        blocks.extend(blocks_json(text, &o, &facts, &loaded.config.refs, &name));
        pages.push(page);
    }
    println!("{}", json!({ "pages": pages, "blocks": blocks }));
    ExitCode::SUCCESS
}

/// (page name, page object). Journals are named by Logseq's default `:journal/page-title-format`
/// "MMM do, yyyy" (graph-parser extract.cljc `get-page-name` → date/journal-title-formatters).
fn page_json(
    graph: &Graph,
    config: &GraphConfig,
    path: &str,
    facts: &PageFacts,
) -> (String, Value) {
    let aliases: Vec<String> = facts.aliases.iter().map(|a| names::page_key(a)).collect();
    // block.cljs@0.10.9 `convert-page-if-journal`: the name (a title, or the file's) that reads
    // as a journal title makes a journal page, wherever the file is.
    let day = match &facts.title_property {
        Some(t) => journal_title_day(t),
        None => journal_day(config, path),
    };
    let title = match day {
        Some(d) => journal_title(d),
        None => graph.title_for(path, facts),
    };
    let name = names::page_key(&title);
    // extract.cljc `build-page-map`: a title with `/` (not a journal) belongs to its parent.
    let namespace = match day {
        Some(_) => None,
        None => name.rsplit_once('/').map(|(p, _)| p.to_string()),
    };
    let page = json!({
        "name": name, "original_name": title, "file": path,
        "journal_day": day, "namespace": namespace, "aliases": aliases,
    });
    (name, page)
}

fn blocks_json(
    src: &str,
    o: &Outline,
    facts: &PageFacts,
    cfg: &crate::engine::refs::RefConfig,
    page: &str,
) -> Vec<Value> {
    let refs = graph_refs::refs_and_cards(src, o, cfg);
    o.blocks
        .iter()
        .enumerate()
        .zip(refs)
        .map(|((pos, b), (refs, card))| {
            let planning = task::planning(src, b);
            json!({
                "page": page,
                "pos": pos,
                "level": b.level,
                "parent_pos": b.parent,
                "pre_block": b.kind == BlockKind::Pre,
                // The engine's id sites: `id::`, `custom-id::`/`custom_id::` and page-level ids.
                "uuid": facts.ids.iter().find(|s| s.block == pos).map(|s| &s.id),
                "refs": refs,
                "marker": task::task(src, b).marker.map(|m| m.0),
                "scheduled": planning.scheduled,
                "deadline": planning.deadline,
                "card": card,
                // block.cljs@0.10.9 `extract-properties`: the first group's names Logseq drops.
                "invalid_properties": invalid_properties(b),
            })
        })
        .collect()
}

/// The block's `:block/invalid-properties`, sorted and once each (a set), or null for none.
fn invalid_properties(b: &crate::engine::outline::Block) -> Option<Vec<&str>> {
    let mut v: Vec<&str> = b
        .properties()?
        .props
        .iter()
        .filter(|p| !crate::engine::properties::valid_name(&p.name))
        .map(|p| p.name.as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    (!v.is_empty()).then_some(v)
}

fn ymd(s: &str, sep: char) -> Option<u32> {
    let mut it = s.split(sep);
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 || it.next().is_some() {
        return None;
    }
    let (y, m, d): (u32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(y as i32, m, d)?;
    Some(y * 10000 + m * 100 + d)
}

/// A file `journals/2024_01_31.md` or `.org` (Logseq's default `:journal/file-name-format` yyyy_MM_dd).
fn journal_day(config: &GraphConfig, path: &str) -> Option<u32> {
    let rest = path
        .strip_prefix(config.journals_dir.as_str())?
        .strip_prefix('/')?;
    let stem = rest
        .strip_suffix(".md")
        .or_else(|| rest.strip_suffix(".org"))?;
    ymd(stem, '_')
}

/// The day of a title written as [`journal_title`] writes it (any case: the name is
/// lower-cased first).
fn journal_title_day(t: &str) -> Option<u32> {
    let (md, y) = t.split_once(", ")?;
    let (m, d) = md.split_once(' ')?;
    let m = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(m))? as u32 + 1;
    let d: u32 = d.get(..d.len().checked_sub(2)?)?.parse().ok()?;
    let y: u32 = y.parse().ok()?;
    chrono::NaiveDate::from_ymd_opt(y as i32, m, d)?;
    let day = y * 10000 + m * 100 + d;
    journal_title(day).eq_ignore_ascii_case(t).then_some(day)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "MMM do, yyyy": `Jan 31st, 2024`.
fn journal_title(day: u32) -> String {
    let (y, m, d) = (day / 10000, (day / 100) % 100, day % 100);
    let suffix = match d {
        11..=13 => "th",
        _ if d % 10 == 1 => "st",
        _ if d % 10 == 2 => "nd",
        _ if d % 10 == 3 => "rd",
        _ => "th",
    };
    format!("{} {d}{suffix}, {y}", MONTHS[(m - 1) as usize])
}
