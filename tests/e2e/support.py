"""Helpers for the end-to-end tests: start the real server under pytest-lsp, open pages, send
edits and wait for what the server publishes, with positions in the negotiated encoding."""
from __future__ import annotations

import os

import asyncio
import time
from pathlib import Path

from lsprotocol import types as T
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, LanguageClient, register_lsp_features

TIMEOUT = 15.0

READWISE_PAGE = "pages/Kubernetes in Action.md"
# Emoji before flagged text on the same line, so each position encoding gives other columns.
EMOJI_PAGE = "pages/emoji.md"
EMOJI_TEXT = (
    "- 😀 note\n"
    "  id:: 😀-not-a-uuid\n"
    "- 😀 What is a pod? #flashcard\n"
    "  The smallest deployable unit.\n"
)
# A block id of the Readwise page (line 15: `- id:: 63c66a0c-59bc-…`).
READWISE_ID = "63c66a0c-59bc-4f1b-9492-d21bd5eff3cc"


def _record_publish(client: LanguageClient, params: T.PublishDiagnosticsParams):
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append((time.monotonic(), params.uri, params.version, params.diagnostics))


def _record_apply_edit(client: LanguageClient, params: T.ApplyWorkspaceEditParams):
    """`workspace/applyEdit` from the server: recorded (the test applies it) and accepted."""
    client.applied_edits.append(params.edit)
    return T.ApplyWorkspaceEditResult(applied=True)


def _make_client() -> LanguageClient:
    """pytest-lsp's test client, also keeping every publish with its version and arrival time,
    and every edit the server asks the client to apply."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []
    client.applied_edits = []
    register_lsp_features(
        client, {**DEFAULT_CLIENT_FEATURES, T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record_publish,
                 T.WORKSPACE_APPLY_EDIT: _record_apply_edit}
    )
    return client


# --- positions ---------------------------------------------------------------------------------

def _units(ch: str, enc: str) -> int:
    if enc == "utf-8":
        return len(ch.encode("utf-8"))
    if enc == "utf-16":
        return len(ch.encode("utf-16-le")) // 2
    return 1


def split_lines(text: str) -> list[tuple[int, int]]:
    """(start, end-of-content) index of each line; LSP breaks at \\n, \\r\\n and \\r."""
    out, start, i = [], 0, 0
    while i < len(text):
        c = text[i]
        if c in "\r\n":
            end = i
            i += 2 if text[i : i + 2] == "\r\n" else 1
            out.append((start, end))
            start = i
        else:
            i += 1
    out.append((start, len(text)))
    return out


def index_of(text: str, pos: T.Position, enc: str) -> int:
    lines = split_lines(text)
    if pos.line >= len(lines):
        return len(text)
    start, end = lines[pos.line]
    units = 0
    for i in range(start, end):
        if units >= pos.character:
            return i
        units += _units(text[i], enc)
    return end


def position_of(text: str, index: int, enc: str) -> T.Position:
    for n, (start, end) in enumerate(split_lines(text)):
        if start <= index <= end:
            return T.Position(n, sum(_units(c, enc) for c in text[start:index]))
    raise ValueError(index)


def range_of(text: str, needle: str, enc: str, nth: int = 0) -> T.Range:
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    return T.Range(position_of(text, i, enc), position_of(text, i + len(needle), enc))


def apply_edits(text: str, edits: list[T.TextEdit], enc: str) -> str:
    spans = sorted(
        ((index_of(text, e.range.start, enc), index_of(text, e.range.end, enc), e.new_text) for e in edits),
        reverse=True,
    )
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


# --- a session ---------------------------------------------------------------------------------

class Session:
    """One server process driven by a pytest-lsp client with a recorded editor's capabilities."""

    def __init__(self, client: LanguageClient, result: T.InitializeResult, root: Path):
        self.client = client
        self.result = result
        self.root = root
        self.enc = result.capabilities.position_encoding or "utf-16"
        self.texts: dict[str, str] = {}
        self.versions: dict[str, int] = {}

    @classmethod
    async def start(cls, bin_path, root: Path, caps: str | T.ClientCapabilities,
                    init_options=None, patch=None, args=(), workspace=True, env=None) -> "Session":
        server_env = {**os.environ, **env} if env else None
        client = await ClientServerConfig(server_command=[str(bin_path), *args],
                                          client_factory=_make_client, server_env=server_env).start()
        capabilities = client_capabilities(caps) if isinstance(caps, str) else caps
        if patch:
            patch(capabilities)
        result = await client.initialize_session(T.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri() if workspace else None,
            workspace_folders=[T.WorkspaceFolder(uri=root.as_uri(), name=root.name)] if workspace else None,
            initialization_options=init_options,
        ))
        return cls(client, result, root)

    async def stop(self) -> int | None:
        await self.client.shutdown_session()
        code = self.client._server.returncode if self.client._server else None
        await self.client.stop()
        return code

    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    def open(self, rel: str, text: str | None = None) -> str:
        uri = self.uri(rel)
        text = (self.root / rel).read_text(encoding="utf-8") if text is None else text
        self.texts[uri], self.versions[uri] = text, 1
        self.client.text_document_did_open(T.DidOpenTextDocumentParams(
            T.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
        return uri

    def close(self, uri: str):
        self.client.text_document_did_close(T.DidCloseTextDocumentParams(T.TextDocumentIdentifier(uri)))
        self.texts.pop(uri, None)

    def edit(self, uri: str, edits: list[T.TextEdit]) -> int:
        """Applies edits the way an editor does: locally, and as incremental changes (in reverse
        document order, so each range is valid in the text the server has at that point)."""
        text = self.texts[uri]
        ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
        self.texts[uri] = apply_edits(text, edits, self.enc)
        self.versions[uri] += 1
        self.client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            content_changes=[T.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in ordered],
        ))
        return self.versions[uri]

    def insert(self, uri: str, index: int, new: str) -> int:
        p = position_of(self.texts[uri], index, self.enc)
        return self.edit(uri, [T.TextEdit(T.Range(p, p), new)])

    def delete(self, uri: str, start: int, end: int) -> int:
        t = self.texts[uri]
        return self.edit(uri, [T.TextEdit(T.Range(position_of(t, start, self.enc), position_of(t, end, self.enc)), "")])

    async def diags(self, uri: str, pred=lambda ds: True, version: int | None = None,
                    timeout: float = TIMEOUT) -> list[T.Diagnostic]:
        """Waits until the latest publish for `uri` (of `version`, if given) satisfies `pred`."""
        deadline = time.monotonic() + timeout
        while True:
            last = next((p for p in reversed(self.client.published) if p[1] == uri), None)
            if last is not None and (version is None or last[2] == version) and pred(last[3]):
                return list(last[3])
            if time.monotonic() > deadline:
                got = None if last is None else (last[2], [(d.code, d.range) for d in last[3]])
                raise AssertionError(f"no matching diagnostics for {uri} within {timeout}s; last: {got}")
            await asyncio.sleep(0.005)

    async def hover(self, uri: str, pos: T.Position):
        return await self.client.text_document_hover_async(
            T.HoverParams(T.TextDocumentIdentifier(uri), pos))

    async def code_actions(self, uri: str, rng: T.Range, diagnostics=(), only=None):
        return await self.client.text_document_code_action_async(T.CodeActionParams(
            T.TextDocumentIdentifier(uri), rng, T.CodeActionContext(diagnostics=list(diagnostics), only=only)))


def edits_in(edit: T.WorkspaceEdit, uri: str, version=None) -> list[T.TextEdit]:
    """The edits of `uri` in a WorkspaceEdit, plain (`changes`) or versioned (`documentChanges`);
    a versioned one must be for `version` when given."""
    if edit.document_changes:
        [doc] = [d for d in edit.document_changes if d.text_document.uri == uri]
        if version is not None:
            assert doc.text_document.version == version
        return list(doc.edits)
    return edit.changes[uri]


def codes(ds) -> list[str]:
    return [d.code for d in ds]


def of(ds, code: str) -> list[T.Diagnostic]:
    return [d for d in ds if d.code == code]
