//! Loads the graphs the given paths belong to and analyses every page in parallel.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::disk::{self, Loaded};
use logseq_core::lint::analysis::{self, PageAnalysis};
use logseq_core::lint::diagnostic::{Code, Diagnostic, Severity};
use logseq_core::model::graph::{Graph, Prepared};
use logseq_core::model::org;
use logseq_core::syntax::outline::Outline;

pub struct Session {
    pub loaded: Loaded,
    pub graph: Graph,
    /// (path, text, analysis) for the Markdown pages under the requested paths.
    pub pages: Vec<(String, Arc<str>, PageAnalysis)>,
    /// How many Org pages are under the requested paths: in the graph, but no rule reads them.
    pub org_pages: usize,
    /// The whole graph was asked for (its root), so graph-level findings about files that are
    /// no page (asset-unused) are reported too.
    pub whole_graph: bool,
    /// Files asked for by name that are not pages of the graph (not `.md`/`.org`, hidden or
    /// ignored; a file too big or unreadable is a problem, reported as such).
    pub not_pages: Vec<PathBuf>,
}

/// What a command needs of each page's analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Everything: outline, cards, facts, page diagnostics.
    All,
    /// Page diagnostics only (`check`): each outline and card list is dropped as soon as the
    /// page is analysed, so a 20,000-page graph's outlines are never all in memory, and the facts
    /// move into the graph (`graph.page(path).facts`) instead of being copied.
    Diagnostics,
}

/// One session per graph root among `paths` (default: the current folder).
pub fn open(paths: &[PathBuf]) -> Result<Vec<Session>, String> {
    open_with(paths, Keep::All, &[])
}

/// [`open`], keeping only what `keep` says of each page's analysis, with rule severities from
/// the command line laid over each graph's settings.
pub fn open_with(
    paths: &[PathBuf],
    keep: Keep,
    severities: &[(Code, Option<Severity>)],
) -> Result<Vec<Session>, String> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut groups: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    for p in &paths {
        if !p.exists() {
            return Err(format!("{}: no such file or folder", p.display()));
        }
        let abs = std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let root = disk::find_root(&abs);
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        let abs = std::fs::canonicalize(&abs).unwrap_or(abs);
        if let Some(why) = disk::refuse_root(&root) {
            return Err(why);
        }
        match groups.iter_mut().find(|(r, _)| *r == root) {
            Some((_, v)) => v.push(abs),
            None => groups.push((root, vec![abs])),
        }
    }
    Ok(groups
        .into_iter()
        .map(|(root, wanted)| analyse(&root, &wanted, keep, severities))
        .collect())
}

/// A page's path, text and analysis.
type Analysed = (String, Arc<str>, PageAnalysis);

fn analyse(
    root: &Path,
    wanted: &[PathBuf],
    keep: Keep,
    severities: &[(Code, Option<Severity>)],
) -> Session {
    let mut loaded = disk::load(root);
    loaded.settings.severity.extend(severities.iter().copied());
    from_loaded(loaded, wanted, keep)
}

/// A graph read from disk, analysed: every Markdown page in parallel, then the graph, for the
/// pages under `wanted` (absolute paths; the root for all). Public so that the benchmarks time
/// this and not a copy of it.
pub fn from_loaded(loaded: Loaded, wanted: &[PathBuf], keep: Keep) -> Session {
    let root = loaded.root.clone();
    let root = root.as_path();
    let settings = &loaded.settings;
    let (md, org): (Vec<_>, Vec<_>) = loaded.files.iter().partition(|(p, _)| p.ends_with(".md"));
    // Each page's graph entry (title, name keys, its copy of the facts) is prepared in the
    // parallel step too: the graph is updated on one thread, and that was a tenth of `check`.
    let config = &loaded.config;
    let (analysed, prepared): (Vec<Analysed>, Vec<Prepared>) = md
        .par_iter()
        .map(|(p, t)| {
            let mut a = analysis::analyze(t, settings);
            let facts = match keep {
                Keep::All => a.facts.clone(),
                Keep::Diagnostics => {
                    a.outline = Outline::default();
                    a.cards = Vec::new();
                    // Held until the page is written: no room for more (a pushed vector's
                    // spare capacity was ~1 % of the peak of a 20,000-page `check`).
                    a.local.shrink_to_fit();
                    std::mem::take(&mut a.facts)
                }
            };
            let entry = Prepared::new(config, p.clone(), t.clone(), facts);
            ((p.clone(), t.clone(), a), entry)
        })
        .unzip();
    let mut graph = Graph::new(loaded.config.clone());
    graph.set_assets(loaded.assets.iter().cloned());
    for entry in prepared {
        graph.upsert_prepared(entry);
    }
    for (p, t) in &org {
        graph.upsert(p.clone(), t.clone(), org::facts(t));
    }
    let wanted_rel: Vec<String> = wanted
        .iter()
        .filter_map(|w| disk::rel_path(root, w))
        .collect();
    let is_wanted = |p: &str| {
        wanted_rel
            .iter()
            .any(|w| w.is_empty() || p == w || p.starts_with(&format!("{w}/")))
    };
    let org_pages = org.iter().filter(|(p, _)| is_wanted(p)).count();
    let pages: Vec<Analysed> = analysed
        .into_iter()
        .filter(|(p, _, _)| is_wanted(p))
        .collect();
    // A file asked for by name that is no page at all would otherwise be "0 pages", silently.
    let not_pages = wanted
        .iter()
        .filter(|w| w.is_file())
        .filter(|w| {
            let rel = disk::rel_path(root, w).unwrap_or_default();
            !pages.iter().any(|(p, _, _)| *p == rel)
                && !org.iter().any(|(p, _)| *p == rel)
                && !loaded.problems.iter().any(|p| p.path == rel)
        })
        .cloned()
        .collect();
    Session {
        loaded,
        graph,
        pages,
        org_pages,
        whole_graph: wanted_rel.iter().any(String::is_empty),
        not_pages,
    }
}

impl Session {
    /// The diagnostics of one of [`Session::pages`]: its page rules' and the graph's.
    pub fn diagnostics(&self, path: &str, a: &PageAnalysis) -> Vec<Diagnostic> {
        // `Keep::Diagnostics` moved the page's facts into the graph.
        let facts = &self
            .graph
            .page(path)
            .expect("every page is in the graph")
            .facts;
        analysis::diagnostics_of(&self.graph, path, &a.local, facts, &self.loaded.settings)
    }
}

/// How to show a page's path to the user: relative to the current folder when it is below it.
pub fn display_path(root: &Path, rel: &str) -> String {
    // Resolved once per process: resolving it per call cost two system calls per path segment
    // for every diagnostic `check` printed.
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    let cwd = CWD.get_or_init(|| {
        std::env::current_dir()
            .ok()
            .and_then(|c| std::fs::canonicalize(c).ok())
    });
    let abs = root.join(rel);
    match cwd.as_deref().and_then(|c| abs.strip_prefix(c).ok()) {
        Some(r) => r.display().to_string(),
        None => abs.display().to_string(),
    }
}

pub fn report_problems(s: &Session) {
    for w in &s.loaded.config_warnings {
        eprintln!("warning: {w}");
    }
    for p in &s.loaded.problems {
        eprintln!("warning: {}: {}", p.path, p.message);
    }
}
