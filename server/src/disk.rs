//! Reading a graph from disk, shared by the command line and the server (the engine does no
//! I/O). Logseq's rules: the root is the folder holding `logseq/config.edn`;
//! `.md` (and, for their block ids only, `.org`) files anywhere below it, skipping dot-folders, symlinks, `node_modules`, `logseq/bak`,
//! `logseq/.recycle`, `logseq/version-files` and the config's `:hidden` entries.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use logseq_core::model::graph::GraphConfig;
use logseq_core::model::settings::{Settings, SETTINGS_FILE};

/// The graph root for a path: the nearest ancestor (or itself) holding `logseq/config.edn`,
/// else the folder given (a file's folder for a file).
pub fn find_root(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let start = if abs.is_file() {
        abs.parent().map(Path::to_path_buf).unwrap_or(abs.clone())
    } else {
        abs.clone()
    };
    let mut cur = Some(start.as_path());
    while let Some(d) = cur {
        if d.join("logseq").join("config.edn").is_file() {
            return d.to_path_buf();
        }
        cur = d.parent();
    }
    start
}

/// Why a folder is refused as a graph root: the file system root or the home folder would mean
/// indexing everything on the machine.
pub fn refuse_root(root: &Path) -> Option<String> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if root.parent().is_none() {
        return Some(format!(
            "{} is the file system root; open a Logseq graph folder instead",
            root.display()
        ));
    }
    if home.as_deref() == Some(root) && !root.join("logseq").join("config.edn").is_file() {
        return Some(format!(
            "{} is the home folder and not a Logseq graph; open a graph folder instead",
            root.display()
        ));
    }
    None
}

/// A file that could not be read as a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Loaded {
    pub root: PathBuf,
    pub config: GraphConfig,
    pub settings: Settings,
    /// Warnings about config.edn and logseq-lsp.toml.
    pub config_warnings: Vec<String>,
    /// (graph-relative path, text), sorted by path.
    pub files: Vec<(String, Arc<str>)>,
    /// Graph-relative paths of the files under `assets/` (for the asset rules), sorted.
    pub assets: Vec<String>,
    pub problems: Vec<Problem>,
}

/// Reads config, settings and every page of the graph at `root`, files in parallel.
pub fn load(root: &Path) -> Loaded {
    load_layered(root, &Settings::clone)
}

/// [`load`], with the pages listed and read under `layer(the file's settings)`: the server's
/// settings from the client (`maxFileSize`, `ignore`) apply to a full re-index as they do to a
/// single file's read. `Loaded::settings` stays the file's.
pub fn load_layered(root: &Path, layer: &dyn Fn(&Settings) -> Settings) -> Loaded {
    let (config, settings, config_warnings) = read_config(root);
    let effective = layer(&settings);
    let (paths, assets, listing_problems) = walk(root, &config, &effective);
    let results: Vec<Result<(String, Arc<str>), Problem>> = paths
        .par_iter()
        .map(|(rel, abs)| read_page(rel, abs, effective.max_file_bytes))
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut problems = listing_problems;
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(p) => problems.push(p),
        }
    }
    Loaded {
        root: root.to_path_buf(),
        config,
        settings,
        config_warnings,
        files,
        assets,
        problems,
    }
}

pub fn read_config(root: &Path) -> (GraphConfig, Settings, Vec<String>) {
    let mut warnings = Vec::new();
    let config = match std::fs::read_to_string(root.join("logseq").join("config.edn")) {
        Ok(t) => {
            let (c, err) = GraphConfig::from_edn(&t);
            if let Some(e) = err {
                warnings.push(format!("logseq/config.edn: {e}; using Logseq's defaults"));
            }
            c
        }
        Err(_) => GraphConfig::default(),
    };
    let mut settings = Settings {
        refs: config.refs.clone(),
        ..Settings::default()
    };
    if let Ok(t) = std::fs::read_to_string(root.join(SETTINGS_FILE)) {
        warnings.extend(
            settings
                .apply_toml(&t)
                .into_iter()
                .map(|w| format!("{SETTINGS_FILE}: {w}")),
        );
    }
    (config, settings, warnings)
}

/// Graph-relative `/`-separated path, or `None` for a path outside the root or not UTF-8.
pub fn rel_path(root: &Path, abs: &Path) -> Option<String> {
    // Paths from the walk are `root` + `/` + a `/`-separated path without `.` or empty parts:
    // that rest, as it is, equals the joined components (`strip_prefix` and collecting the
    // components was most of the walk's time).
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let (a, r) = (abs.as_os_str().as_bytes(), root.as_os_str().as_bytes());
        if !r.is_empty() && !r.ends_with(b"/") && a.starts_with(r) && a.get(r.len()) == Some(&b'/')
        {
            let rest = &a[r.len() + 1..];
            let clean = !rest.is_empty()
                && !rest.starts_with(b"/")
                && !rest.ends_with(b"/")
                && rest != b"."
                && !rest.starts_with(b"./")
                && !rest.ends_with(b"/.")
                && memchr::memmem::find(rest, b"//").is_none()
                && memchr::memmem::find(rest, b"/./").is_none();
            if clean {
                return std::str::from_utf8(rest).ok().map(str::to_string);
            }
        }
    }
    rel_path_by_components(root, abs)
}

fn rel_path_by_components(root: &Path, abs: &Path) -> Option<String> {
    let r = abs.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = r.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/"))
}

/// Whether Logseq would index this graph-relative path as a page (Markdown or Org).
pub fn is_page_path(rel: &str, config: &GraphConfig, settings: &Settings) -> bool {
    logseq_core::model::org::is_page_file(rel)
        && !rel
            .split('/')
            .any(|p| p.starts_with('.') || p == "node_modules")
        && !["logseq/bak/", "logseq/.recycle/", "logseq/version-files/"]
            .iter()
            .any(|p| rel.starts_with(p))
        && !config.is_hidden(rel)
        && !settings.is_ignored(rel)
}

/// Every page file of the graph, sorted: (graph-relative path, absolute path).
pub fn list_pages(
    root: &Path,
    config: &GraphConfig,
    settings: &Settings,
) -> Vec<(String, PathBuf)> {
    list_pages_and_problems(root, config, settings).0
}

/// [`list_pages`], plus what could not be listed: unreadable folders, file names that are not
/// UTF-8 (Logseq could not name such a page either).
pub fn list_pages_and_problems(
    root: &Path,
    config: &GraphConfig,
    settings: &Settings,
) -> (Vec<(String, PathBuf)>, Vec<Problem>) {
    let (pages, _, problems) = walk(root, config, settings);
    (pages, problems)
}

/// One walk of the graph folder: its pages, the files under `assets/` (dot-files and symlinks
/// skipped, as for pages), and the problems.
pub fn walk(
    root: &Path,
    config: &GraphConfig,
    settings: &Settings,
) -> (Vec<(String, PathBuf)>, Vec<String>, Vec<Problem>) {
    let mut out = Vec::new();
    let mut assets = Vec::new();
    let mut problems = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0
                || !e
                    .file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with('.') || n == "node_modules")
        });
    for e in walker {
        let e = match e {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .and_then(|p| p.strip_prefix(root).ok())
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                problems.push(Problem {
                    path,
                    message: format!("cannot list: {err}"),
                });
                continue;
            }
        };
        if !e.file_type().is_file() {
            continue; // symlinks are skipped, as Logseq skips them: nothing outside the root is read
        }
        let Some(rel) = rel_path(root, e.path()) else {
            let lossy = e
                .path()
                .strip_prefix(root)
                .unwrap_or(e.path())
                .to_string_lossy()
                .into_owned();
            if lossy.ends_with(".md") {
                problems.push(Problem {
                    path: lossy,
                    message: "file name is not UTF-8; skipped".into(),
                });
            }
            continue;
        };
        if rel.starts_with("assets/") {
            assets.push(rel.clone());
        }
        if is_page_path(&rel, config, settings) {
            out.push((rel, e.into_path()));
        }
    }
    out.sort();
    assets.sort();
    (out, assets, problems)
}

/// Reads a page; a file over `max` bytes (the setting `max_file_size`, the one cap of every
/// read: a full index, a changed file, a closed page, an opened one), unreadable or not UTF-8 is
/// a problem, not an error.
pub fn read_page(rel: &str, abs: &Path, max: usize) -> Result<(String, Arc<str>), Problem> {
    let problem = |message: String| Problem {
        path: rel.to_string(),
        message,
    };
    if let Ok(m) = std::fs::metadata(abs) {
        if m.len() as usize > max {
            return Err(problem(format!(
                "{} is over the size limit of {} (setting max_file_size); skipped",
                human_size(m.len() as usize),
                human_size(max)
            )));
        }
    }
    let bytes = std::fs::read(abs).map_err(|e| problem(format!("cannot read: {e}")))?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok((rel.to_string(), Arc::from(s))),
        Err(e) => Err(problem(format!(
            "not UTF-8 text (invalid byte at offset {}); skipped",
            e.utf8_error().valid_up_to()
        ))),
    }
}

fn human_size(n: usize) -> String {
    match n {
        n if n >= 1_000_000 => format!("{} MB", n / 1_000_000),
        n if n >= 1_000 => format!("{} KB", n / 1_000),
        n => format!("{n} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rel_path_fast_path_agrees_with_components() {
        for (root, abs) in [
            ("/g", "/g/pages/a.md"),
            ("/g", "/g"),
            ("/g", "/g/"),
            ("/g", "/gx/a.md"),
            ("/g", "/g//a.md"),
            ("/g", "/g/./a.md"),
            ("/g", "/g/a/./b.md"),
            ("/g", "/g/a/."),
            ("/g", "/g/../a.md"),
            ("/g/", "/g/a.md"),
            ("/g/.", "/g/./a.md"),
            (".", "./pages/a.md"),
            ("/", "/a.md"),
            ("/g", "/h/a.md"),
        ] {
            let (root, abs) = (Path::new(root), Path::new(abs));
            assert_eq!(
                rel_path(root, abs),
                rel_path_by_components(root, abs),
                "{root:?} {abs:?}"
            );
        }
    }

    #[test]
    fn a_page_deleted_between_listing_and_reading_is_a_problem() {
        let dir = std::env::temp_dir().join(format!("logseq-lsp-gone-{}", std::process::id()));
        let err = read_page("pages/gone.md", &dir.join("pages/gone.md"), 1 << 20).unwrap_err();
        assert_eq!(err.path, "pages/gone.md");
        assert!(err.message.starts_with("cannot read:"), "{}", err.message);
    }
}
