//! Document symbols (the block outline, cards marked), workspace symbols (pages, and cards by
//! question) and folding ranges: engine::symbols and engine::folding decide, this converts.

use tower_lsp_server::ls_types::{
    self as lsp, DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, FoldingRange,
    FoldingRangeKind, FoldingRangeParams, Location, SymbolInformation, SymbolKind,
    WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

use logseq_core::ide::folding::{self, FoldKind};
use logseq_core::ide::symbols::{self, Symbol};
use logseq_core::syntax::text::{Encoding, LineIndex};

use super::navigation::Texts;
use super::position::range_to_lsp;
use super::state::State;

/// The one thread workspace-symbol searches run on: a search of a big graph (~200 ms on 20,000
/// pages) leaves the other core to completions and hovers, which the user waits for while
/// typing (issue 16's load test), instead of taking the whole shared rayon pool.
pub fn symbol_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "logseq-lsp-symbols".to_string())
            .build()
            .expect("a one-thread pool can be built")
    })
}

/// How many workspace symbols one query returns at most.
const WORKSPACE_LIMIT: usize = 200;

fn kind(k: symbols::SymbolKind) -> SymbolKind {
    match k {
        symbols::SymbolKind::Page => SymbolKind::FILE,
        symbols::SymbolKind::Block => SymbolKind::STRING,
        symbols::SymbolKind::Heading => SymbolKind::NAMESPACE,
        symbols::SymbolKind::Card | symbols::SymbolKind::OtherCard => SymbolKind::EVENT,
    }
}

pub fn document_symbols(st: &State, p: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let snap = st.docs.get(&p.text_document.uri)?.snapshot();
    if snap.path.is_org() {
        return None;
    }
    let enc = st.encoding();
    let syms = symbols::document_symbols(&snap.text, &snap.analysis);
    let conv = |r: &std::ops::Range<usize>| range_to_lsp(&snap.text, &snap.index, r, enc);
    if st.negotiated().hierarchical_symbols {
        fn nest(s: Symbol, conv: &dyn Fn(&std::ops::Range<usize>) -> lsp::Range) -> DocumentSymbol {
            #[allow(deprecated)]
            DocumentSymbol {
                name: s.name,
                detail: s.detail,
                kind: kind(s.kind),
                tags: None,
                deprecated: None,
                range: conv(&s.range),
                selection_range: conv(&s.selection),
                children: (!s.children.is_empty())
                    .then(|| s.children.into_iter().map(|c| nest(c, conv)).collect()),
            }
        }
        Some(DocumentSymbolResponse::Nested(
            syms.into_iter().map(|s| nest(s, &conv)).collect(),
        ))
    } else {
        // Flat, with each block's parent as its container.
        let mut out = Vec::new();
        fn flatten(
            s: Symbol,
            parent: Option<&str>,
            uri: &lsp::Uri,
            conv: &dyn Fn(&std::ops::Range<usize>) -> lsp::Range,
            out: &mut Vec<SymbolInformation>,
        ) {
            #[allow(deprecated)]
            out.push(SymbolInformation {
                name: s.name.clone(),
                kind: kind(s.kind),
                tags: None,
                deprecated: None,
                location: Location {
                    uri: uri.clone(),
                    range: conv(&s.range),
                },
                container_name: parent.map(str::to_string),
            });
            for c in s.children {
                flatten(c, Some(&s.name), uri, conv, out);
            }
        }
        for s in syms {
            flatten(s, None, &p.text_document.uri, &conv, &mut out);
        }
        Some(DocumentSymbolResponse::Flat(out))
    }
}

pub fn workspace_symbols(st: &State, p: WorkspaceSymbolParams) -> Option<WorkspaceSymbolResponse> {
    let enc = st.encoding();
    let settings = st.settings();
    let mut texts = Texts::default();
    // The names and texts are copied under the index's lock (shared texts: a few ms on 20,000
    // pages); the search (~100 ms there) runs without it.
    let (pages, refs) = {
        let ix = st.index();
        let pages = super::state::lock(&st.page_names).names(&ix.graph).pages;
        (pages, ix.graph.config.refs.clone())
    };
    let found = symbol_pool().install(|| {
        symbols::workspace_symbols(
            &pages,
            &p.query,
            &settings.card_tags,
            &refs,
            WORKSPACE_LIMIT,
        )
    });
    for s in &found {
        // In path order, as the graph keeps its pages.
        if let Ok(i) = pages.binary_search_by(|p| p.path.as_str().cmp(&s.path)) {
            texts.insert(&s.path, pages[i].text.clone());
        }
    }
    let out = found
        .into_iter()
        .filter_map(|s| {
            #[allow(deprecated)]
            Some(SymbolInformation {
                location: Location {
                    uri: st.uri_of(&s.path)?,
                    range: texts.range(&s.path, &s.range, enc)?,
                },
                name: s.name,
                kind: kind(s.kind),
                tags: None,
                deprecated: None,
                container_name: s.container,
            })
        })
        .collect();
    Some(WorkspaceSymbolResponse::Flat(out))
}

pub fn folding_ranges(st: &State, p: FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let snap = st.docs.get(&p.text_document.uri)?.snapshot();
    if snap.path.is_org() {
        return None;
    }
    let line = |o: usize| line_of(&snap.text, &snap.index, o, st.encoding());
    Some(
        folding::folding_ranges(&snap.text, &snap.analysis.outline)
            .into_iter()
            .filter_map(|f| {
                let (a, b) = (line(f.start), line(f.end));
                (b > a).then_some(FoldingRange {
                    start_line: a,
                    start_character: None,
                    end_line: b,
                    end_character: None,
                    kind: match f.kind {
                        FoldKind::Block => None,
                        FoldKind::Properties | FoldKind::Code => Some(FoldingRangeKind::Region),
                    },
                    collapsed_text: None,
                })
            })
            .collect(),
    )
}

fn line_of(src: &str, idx: &LineIndex, offset: usize, enc: Encoding) -> u32 {
    idx.position(src, offset, enc).0
}
