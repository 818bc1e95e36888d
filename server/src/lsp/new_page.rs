//! The "create page" code action for links and tags to pages that do not exist: a `CreateFile`
//! in a WorkspaceEdit (the server never writes files).

use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, CreateFile, CreateFileOptions,
    ResourceOp,
};

use logseq_core::ide::navigation;

use super::documents::Snapshot;
use super::position::range_to_offsets;
use super::state::State;
use super::workspace_edit::EditBuilder;

/// "Create page" actions for links and tags to pages that do not exist, in `range`.
pub fn create_page_actions(
    st: &State,
    snap: &Snapshot,
    range: lsp::Range,
) -> Vec<CodeActionOrCommand> {
    let neg = st.negotiated();
    if !(neg.document_changes && neg.resource_create) || snap.path.is_org() {
        return Vec::new();
    }
    let r = range_to_offsets(&snap.text, &snap.index, range, st.encoding());
    let found = {
        let ix = st.index();
        navigation::missing_page_at(&ix.graph, &snap.text, &snap.analysis, r)
            .into_iter()
            .map(|(name, _)| {
                let path = navigation::new_page_path(&ix.graph.config, &name);
                (name, path)
            })
            .collect::<Vec<_>>()
    };
    found
        .into_iter()
        .filter_map(|(name, path)| {
            let new_uri = st.uri_of(&path)?;
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Create page “{name}” ({path})"),
                kind: Some(CodeActionKind::QUICKFIX),
                edit: Some({
                    let mut e = EditBuilder::new(st);
                    e.op(ResourceOp::Create(CreateFile {
                        uri: new_uri,
                        options: Some(CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(true),
                        }),
                        annotation_id: None,
                    }));
                    e.finish()
                }),
                ..Default::default()
            }))
        })
        .collect()
}
