//! `initialize`: what the client supports (`negotiate`) and what the server offers in return
//! (`capabilities`).

use tower_lsp_server::ls_types::*;

use super::state::Negotiated;
use super::{code_action, completion, convert, position, promises};

pub fn negotiate(caps: &ClientCapabilities) -> Negotiated {
    let td = caps.text_document.as_ref();
    let ws = caps.workspace.as_ref();
    let publish = td.and_then(|t| t.publish_diagnostics.as_ref());
    Negotiated {
        encoding: position::negotiate(
            caps.general
                .as_ref()
                .and_then(|g| g.position_encodings.as_deref()),
        ),
        pull: td.and_then(|t| t.diagnostic.as_ref()).is_some(),
        refresh: ws
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false),
        related_information: publish.and_then(|p| p.related_information).unwrap_or(false),
        code_description: publish
            .and_then(|p| p.code_description_support)
            .unwrap_or(false),
        work_done_progress: caps
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        watch_dynamic: ws
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
        configuration_request: ws.and_then(|w| w.configuration).unwrap_or(false),
        snippets: td
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false),
        completion_markdown: td
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.documentation_format.as_ref())
            .is_some_and(|f| f.contains(&MarkupKind::Markdown)),
        // File operations exist only inside `documentChanges`: a client listing them supports
        // it even when it does not say so (Neovim 0.7 lists them and applies documentChanges).
        document_changes: ws
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false)
            || resource_op(ws, ResourceOperationKind::Create)
            || resource_op(ws, ResourceOperationKind::Rename),
        resource_create: resource_op(ws, ResourceOperationKind::Create),
        resource_rename: resource_op(ws, ResourceOperationKind::Rename),
        apply_edit: ws.and_then(|w| w.apply_edit).unwrap_or(false),
        hierarchical_symbols: td
            .and_then(|t| t.document_symbol.as_ref())
            .and_then(|d| d.hierarchical_document_symbol_support)
            .unwrap_or(false),
        prepare_rename: td
            .and_then(|t| t.rename.as_ref())
            .and_then(|r| r.prepare_support)
            .unwrap_or(false),
        code_action_resolve: td
            .and_then(|t| t.code_action.as_ref())
            .and_then(|c| c.resolve_support.as_ref())
            .is_some_and(|r| r.properties.iter().any(|p| p == "edit")),
        inlay_hint_refresh: ws
            .and_then(|w| w.inlay_hint.as_ref())
            .and_then(|h| h.refresh_support)
            .unwrap_or(false),
        code_lens_refresh: ws
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false),
    }
}

fn resource_op(ws: Option<&WorkspaceClientCapabilities>, kind: ResourceOperationKind) -> bool {
    ws.and_then(|w| w.workspace_edit.as_ref())
        .and_then(|e| e.resource_operations.as_ref())
        .is_some_and(|ops| ops.contains(&kind))
}

pub fn capabilities(neg: &Negotiated, literal_actions: bool) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(position::encoding_kind(neg.encoding)),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(if literal_actions {
            CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(code_action::kinds()),
                resolve_provider: Some(neg.code_action_resolve),
                work_done_progress_options: Default::default(),
            })
        } else {
            CodeActionProviderCapability::Simple(true)
        }),
        selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(completion::trigger_characters()),
            resolve_provider: Some(false),
            ..Default::default()
        }),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        rename_provider: Some(if neg.prepare_rename {
            OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })
        } else {
            OneOf::Left(true)
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![promises::ADD_BLOCK_ID.to_string()],
            work_done_progress_options: Default::default(),
        }),
        diagnostic_provider: neg.pull.then(|| {
            DiagnosticServerCapabilities::Options(DiagnosticOptions {
                identifier: Some(convert::SOURCE.to_string()),
                inter_file_dependencies: true,
                workspace_diagnostics: true,
                work_done_progress_options: Default::default(),
            })
        }),
        ..Default::default()
    }
}
