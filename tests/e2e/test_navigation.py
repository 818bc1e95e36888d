"""End-to-end tests of navigation and authoring over stdio (pytest-lsp): completion after `((`,
`[[`, `#`, property keys and values, `{{` macros; go to definition; find references; rename with
prepareRename; document and workspace symbols; folding ranges; inlay hints; code lenses; the
"create page" code action. On a copy of the example graph plus pages with emoji, names with
spaces, an alias, block ids and references to them, in each client's position encoding."""
import asyncio
import time
from urllib.parse import unquote

import pytest
from lsprotocol import types as T

from support import READWISE_PAGE, Session, apply_edits, index_of, position_of

CLIENTS = ["visual-studio-code", "neovim@v0.7.0", "emacs"]

ID = "11111111-2222-4333-8444-555555555555"
MY = "pages/My Page 😀.md"
REFS = "pages/Refs.md"
MY_TEXT = (
    "alias:: Mon Alias\n"
    "tags:: project\n"
    "\n"
    "- 😀 Target block with emoji\n"
    f"  id:: {ID}\n"
    "- Plain block without id\n"
    "\t- Child of plain\n"
    "- What is a pod? #card\n"
    "  The smallest deployable unit.\n"
    "- ```python\n"
    "  print('x')\n"
    "  ```\n"
)
REFS_TEXT = (
    f"- See (({ID})) and [[My Page 😀]]\n"
    "- Tag #[[My Page 😀]] and #[[Mon Alias]] and [[Missing Page]]\n"
    f"- {{{{embed (({ID}))}}}}\n"
)
TARGET_TITLE = "😀 Target block with emoji"


@pytest.fixture
def nav_graph(graph):
    (graph / MY).write_text(MY_TEXT, encoding="utf-8")
    (graph / REFS).write_text(REFS_TEXT, encoding="utf-8")
    return graph


@pytest.fixture
async def start(lsp_bin, nav_graph):
    sessions = []

    async def _start(caps="visual-studio-code", **kw) -> Session:
        s = await Session.start(lsp_bin, nav_graph, caps, **kw)
        sessions.append(s)
        await indexed(s)
        return s

    yield _start
    for s in sessions:
        await s.stop()


async def indexed(s: Session, timeout=20.0):
    """Waits for the server's "indexed N pages" log line: the graph is read."""
    deadline = time.monotonic() + timeout
    while not any("indexed" in m.message for m in s.client.log_messages):
        assert time.monotonic() < deadline, "the graph was not indexed"
        await asyncio.sleep(0.02)


def u(uri: str) -> str:
    """A URI without percent-encoding: clients and servers may escape emoji and spaces apart."""
    return unquote(uri)


def at(s: Session, uri: str, needle: str, delta: int = 0) -> T.Position:
    text = s.texts[uri]
    return position_of(text, text.index(needle) + delta, s.enc)


def end_of(s: Session, uri: str) -> T.Position:
    text = s.texts[uri].rstrip("\n")
    return position_of(s.texts[uri], len(text), s.enc)


async def complete(s: Session, uri: str, pos: T.Position) -> T.CompletionList:
    r = await s.client.text_document_completion_async(
        T.CompletionParams(T.TextDocumentIdentifier(uri), pos))
    assert isinstance(r, T.CompletionList), r
    return r


def accept(s: Session, uri: str, item: T.CompletionItem) -> str:
    """The document's text after accepting `item` (its edit and additional edits)."""
    edits = [T.TextEdit(item.text_edit.range, item.text_edit.new_text), *(item.additional_text_edits or [])]
    return apply_edits(s.texts[uri], edits, s.enc)


def item(res: T.CompletionList, label: str) -> T.CompletionItem:
    found = [i for i in res.items if i.label == label]
    assert found, f"{label!r} not in {[i.label for i in res.items]}"
    return found[0]


# --- completion ---------------------------------------------------------------------------------

@pytest.mark.parametrize("client", CLIENTS)
async def test_page_and_tag_completion_covers_the_trigger(start, client):
    s = await start(client)
    # The editor auto-closed the brackets: `]]` after the cursor is replaced too.
    uri = s.open("pages/new.md", "- 😀 [[my pa]]\n")
    res = await complete(s, uri, at(s, uri, "]]"))
    assert res.is_incomplete
    mine = item(res, "My Page 😀")
    assert mine.kind == T.CompletionItemKind.File
    assert mine.text_edit.range.start == at(s, uri, "[[")
    assert accept(s, uri, mine) == "- 😀 [[My Page 😀]]\n"
    # An alias, as a tag: brackets because of the space; `#` is replaced, not doubled.
    uri2 = s.open("pages/new2.md", "- 😀 #mon")
    res = await complete(s, uri2, end_of(s, uri2))
    alias = item(res, "Mon Alias")
    assert alias.detail == "alias of My Page 😀"
    assert accept(s, uri2, alias) == "- 😀 #[[Mon Alias]]"
    # A name only referenced so far, as a plain tag.
    uri3 = s.open("pages/new3.md", "- #proj")
    res = await complete(s, uri3, end_of(s, uri3))
    assert accept(s, uri3, item(res, "project")) == "- #project"


@pytest.mark.parametrize("client", CLIENTS)
async def test_block_ref_completion_inserts_the_id(start, client, nav_graph):
    s = await start(client)
    uri = s.open("pages/new.md", "- 😀 see ((target))\n")
    res = await complete(s, uri, at(s, uri, "))"))
    target = item(res, TARGET_TITLE)
    assert target.detail == "My Page 😀"
    assert accept(s, uri, target) == f"- 😀 see (({ID}))\n"
    assert target.command is None and not target.additional_text_edits
    # A block without an id: a fresh one in the reference, and a command that writes it under
    # the block, which the server sends back as workspace/applyEdit.
    uri2 = s.open("pages/new2.md", "- ((plain blo")
    res = await complete(s, uri2, end_of(s, uri2))
    plain = item(res, "Plain block without id")
    new_text = accept(s, uri2, plain)
    assert new_text.startswith("- ((") and new_text.endswith("))")
    new_id = new_text[4:-2]
    assert len(new_id) == 36 and new_id != ID
    assert plain.command.command == "logseq-lsp.addBlockId"
    await s.client.workspace_execute_command_async(T.ExecuteCommandParams(
        command=plain.command.command, arguments=plain.command.arguments))
    [edit] = s.client.applied_edits
    my_uri = s.uri(MY)
    if edit.document_changes:
        [doc] = edit.document_changes
        assert u(doc.text_document.uri) == u(my_uri) and doc.text_document.version is None
        edits = doc.edits
    else:
        [(uri_, edits)] = edit.changes.items()
        assert u(uri_) == u(my_uri)
    written = apply_edits(MY_TEXT, edits, s.enc)
    assert f"- Plain block without id\n  id:: {new_id}\n\t- Child of plain\n" in written
    # The server never wrote the file itself.
    assert (nav_graph / MY).read_text(encoding="utf-8") == MY_TEXT
    # The page open in the editor: the edit is for the editor's version of it.
    my = s.open(MY, MY_TEXT.replace("- Plain", "- 😀 new first\n- Plain"))
    s.insert(my, 0, "x")
    res = await complete(s, uri2, end_of(s, uri2))
    plain = item(res, "Plain block without id")
    await s.client.workspace_execute_command_async(T.ExecuteCommandParams(
        command=plain.command.command, arguments=plain.command.arguments))
    edit = s.client.applied_edits[-1]
    new_id = accept(s, uri2, plain)[4:-2]
    if edit.document_changes:
        [doc] = edit.document_changes
        assert doc.text_document.version == s.versions[my] == 2
        edits = doc.edits
    else:
        [edits] = edit.changes.values()
    written = apply_edits(s.texts[my], edits, s.enc)
    assert f"- Plain block without id\n  id:: {new_id}\n" in written


async def test_block_ref_completion_in_the_same_page_and_questions(start):
    s = await start("visual-studio-code")
    uri = s.open("pages/new.md", "- 😀 local target\n- here ((local")
    res = await complete(s, uri, end_of(s, uri))
    local = item(res, "😀 local target")
    after = accept(s, uri, local)
    assert local.command is None
    lines = after.split("\n")
    assert lines[0] == "- 😀 local target" and lines[1].startswith("  id:: ")
    assert lines[2] == f"- here (({lines[1][7:]}))"
    # A question puts cards first.
    uri2 = s.open("pages/q.md", "- ((what is a pod?")
    res = await complete(s, uri2, end_of(s, uri2))
    assert res.items[0].kind == T.CompletionItemKind.Event
    assert res.items[0].label == "What is a pod? #card"


@pytest.mark.parametrize("client", ["visual-studio-code", "neovim@v0.7.0"])
async def test_property_and_macro_completion(start, client):
    s = await start(client)
    uri = s.open("pages/new.md", "- a\n  ta")
    res = await complete(s, uri, end_of(s, uri))
    assert accept(s, uri, item(res, "tags")) == "- a\n  tags:: "
    uri2 = s.open("pages/new2.md", "- a\n  card-")
    labels = [i.label for i in (await complete(s, uri2, end_of(s, uri2))).items]
    assert {"card-next-schedule", "card-ease-factor"} <= set(labels)
    uri3 = s.open("pages/new3.md", "- a\n  tags:: pro")
    res = await complete(s, uri3, end_of(s, uri3))
    assert accept(s, uri3, item(res, "project")) == "- a\n  tags:: project"
    # Macros: a snippet with a tab stop only for clients that support snippets (VS Code does,
    # Neovim 0.7 does not); the auto-closed `}}` is replaced.
    uri4 = s.open("pages/new4.md", "- {{clo}}")
    res = await complete(s, uri4, at(s, uri4, "}}"))
    cloze = item(res, "cloze")
    if client == "visual-studio-code":
        assert cloze.insert_text_format == T.InsertTextFormat.Snippet
        assert cloze.text_edit.new_text == "{{cloze ${1:answer}}}$0"
    else:
        assert cloze.insert_text_format == T.InsertTextFormat.PlainText
        assert accept(s, uri4, cloze) == "- {{cloze }}"
    res = await complete(s, uri4, at(s, uri4, "clo"))
    assert {i.label for i in res.items} == {"cloze", "embed ((block))", "embed [[page]]"}


# --- definition, references ----------------------------------------------------------------------

@pytest.mark.parametrize("client", CLIENTS)
async def test_go_to_definition(start, client):
    s = await start(client)
    refs = s.open(REFS)
    my_uri = s.uri(MY)

    async def definition(pos):
        return await s.client.text_document_definition_async(
            T.DefinitionParams(T.TextDocumentIdentifier(refs), pos))

    d = await definition(at(s, refs, "((", 5))
    loc = d[0] if isinstance(d, list) else d
    assert u(loc.uri) == u(my_uri)
    line = MY_TEXT.split("\n")[3]
    assert loc.range.start == T.Position(3, 2)
    assert loc.range.end == position_of(MY_TEXT, MY_TEXT.index(line) + len(line), s.enc)
    # The embed too.
    d = await definition(at(s, refs, "embed ((", 10))
    assert u((d[0] if isinstance(d, list) else d).uri) == u(my_uri)
    # A page link, and an alias tag: the page's file.
    for needle in ("[[My Page", "#[[Mon Alias"):
        d = await definition(at(s, refs, needle, 4))
        loc = d[0] if isinstance(d, list) else d
        assert u(loc.uri) == u(my_uri) and loc.range.start == T.Position(0, 0)
    # A page that does not exist: nothing (a code action creates it).
    assert not await definition(at(s, refs, "[[Missing", 4))


@pytest.mark.parametrize("client", ["visual-studio-code", "emacs"])
async def test_find_references(start, client):
    s = await start(client)
    my = s.open(MY)
    refs_uri = u(s.uri(REFS))

    async def references(uri, pos, decl=False):
        r = await s.client.text_document_references_async(T.ReferenceParams(
            text_document=T.TextDocumentIdentifier(uri), position=pos,
            context=T.ReferenceContext(include_declaration=decl)))
        return sorted((u(l.uri), l.range.start.line, l.range.start.character) for l in r)

    # On the id:: value: the inline reference and the embed.
    assert await references(my, at(s, my, ID, 3)) == [(refs_uri, 0, 6), (refs_uri, 2, 10)]
    # Anywhere in that block, with the declaration.
    r = await references(my, at(s, my, "Target", 2), decl=True)
    assert (u(my), 4, 7) in r and len(r) == 3
    # A page: links, tags and alias uses, wherever the cursor names it from.
    refs = s.open(REFS)
    r = await references(refs, at(s, refs, "[[My Page", 3))
    text = s.texts[refs]
    expected = sorted([
        (u(my), 0, 8),  # the alias declaration
        (refs_uri, 0, position_of(text, text.index("[[My Page"), s.enc).character),
        (refs_uri, 1, 6),
        (refs_uri, 1, position_of(text, text.index("#[[Mon"), s.enc).character),
    ])
    assert r == expected
    assert await references(my, at(s, my, "alias", 1)) == expected


# --- rename --------------------------------------------------------------------------------------

async def test_rename_a_page_renames_its_file_and_every_link(start):
    s = await start("visual-studio-code")
    refs = s.open(REFS)
    pos = at(s, refs, "[[My Page", 5)
    prep = await s.client.text_document_prepare_rename_async(
        T.PrepareRenameParams(T.TextDocumentIdentifier(refs), pos))
    assert prep.placeholder == "My Page 😀"
    assert prep.range == T.Range(at(s, refs, "My Page"), at(s, refs, "My Page", len("My Page 😀")))
    edit = await s.client.text_document_rename_async(
        T.RenameParams(T.TextDocumentIdentifier(refs), pos, "Our Page: 2"))
    ops = edit.document_changes
    texts = [o for o in ops if isinstance(o, T.TextDocumentEdit)]
    renames = [o for o in ops if isinstance(o, T.RenameFile)]
    assert [u(r.old_uri) for r in renames] == [u(s.uri(MY))]
    assert u(renames[0].new_uri) == u(s.uri("pages/Our Page%3A 2.md"))
    assert ops[-1] is renames[0], "the file is renamed after its text is edited"
    [refs_edit] = [t for t in texts if u(t.text_document.uri) == u(refs)]
    assert refs_edit.text_document.version == 1  # open: the editor's version
    after = apply_edits(s.texts[refs], refs_edit.edits, s.enc)
    assert after == (
        f"- See (({ID})) and [[Our Page: 2]]\n"
        "- Tag #[[Our Page: 2]] and #[[Mon Alias]] and [[Missing Page]]\n"
        f"- {{{{embed (({ID}))}}}}\n"
    )


async def test_rename_an_alias_and_refusals(start):
    s = await start("visual-studio-code")
    refs = s.open(REFS)
    edit = await s.client.text_document_rename_async(
        T.RenameParams(T.TextDocumentIdentifier(refs), at(s, refs, "Mon Alias", 2), "Mon Nom"))
    assert not [o for o in edit.document_changes if isinstance(o, T.RenameFile)]
    by_uri = {u(o.text_document.uri): o.edits for o in edit.document_changes}
    assert apply_edits(MY_TEXT, by_uri[u(s.uri(MY))], s.enc).startswith("alias:: Mon Nom\n")
    assert "#[[Mon Nom]]" in apply_edits(s.texts[refs], by_uri[u(refs)], s.enc)
    # A block id: refused with the reason, in prepareRename and in rename.
    my = s.open(MY)
    with pytest.raises(Exception, match="Block ids cannot be renamed"):
        await s.client.text_document_prepare_rename_async(
            T.PrepareRenameParams(T.TextDocumentIdentifier(my), at(s, my, ID, 4)))
    with pytest.raises(Exception, match="Block ids cannot be renamed"):
        await s.client.text_document_rename_async(
            T.RenameParams(T.TextDocumentIdentifier(refs), at(s, refs, "((", 4), "x"))
    # Onto an existing page: refused.
    with pytest.raises(Exception, match="already exists"):
        await s.client.text_document_rename_async(
            T.RenameParams(T.TextDocumentIdentifier(refs), at(s, refs, "[[My Page", 4), "Refs"))


async def test_rename_without_file_operations_tells_the_user(start):
    # Emacs 29.1 (eglot) declares documentChanges but no resource operations.
    s = await start("emacs")
    refs = s.open(REFS)
    edit = await s.client.text_document_rename_async(
        T.RenameParams(T.TextDocumentIdentifier(refs), at(s, refs, "[[My Page", 4), "Our Page"))
    assert all(isinstance(o, T.TextDocumentEdit) for o in edit.document_changes)
    deadline = time.monotonic() + 5
    while not any("rename" in m.message and "yourself" in m.message for m in s.client.messages):
        assert time.monotonic() < deadline, [m.message for m in s.client.messages]
        await asyncio.sleep(0.02)


# --- symbols, folding ----------------------------------------------------------------------------

async def test_document_symbols_are_the_outline_with_cards_marked(start):
    s = await start("visual-studio-code")
    my = s.open(MY)
    syms = await s.client.text_document_document_symbol_async(
        T.DocumentSymbolParams(T.TextDocumentIdentifier(my)))
    names = [(x.name, x.kind) for x in syms]
    assert names[:4] == [
        ("page properties", T.SymbolKind.File),
        (TARGET_TITLE, T.SymbolKind.String),
        ("Plain block without id", T.SymbolKind.String),
        ("What is a pod?", T.SymbolKind.Event),
    ]
    assert syms[3].detail == "card"
    assert [c.name for c in syms[2].children] == ["Child of plain"]
    # Emoji: the selection range ends after the title in the negotiated encoding.
    line = MY_TEXT.split("\n")[3]
    assert syms[1].selection_range.end.character == position_of(MY_TEXT, MY_TEXT.index(line) + len(line), s.enc).character
    rw = s.open(READWISE_PAGE)
    syms = await s.client.text_document_document_symbol_async(
        T.DocumentSymbolParams(T.TextDocumentIdentifier(rw)))
    flat = []
    stack = list(syms)
    while stack:
        x = stack.pop()
        flat.append(x)
        stack.extend(x.children or [])
    cards = [x for x in flat if x.kind == T.SymbolKind.Event]
    assert len(cards) >= 50
    assert any(x.name == "Which two mechanisms make containers possible?" for x in cards)
    assert all("not shown by Logseq's review" in x.detail for x in cards)  # all #flashcard


async def test_workspace_symbols_pages_and_cards(start):
    s = await start("emacs")
    r = await s.client.workspace_symbol_async(T.WorkspaceSymbolParams(query="my page"))
    assert r[0].name == "My Page 😀" and u(r[0].location.uri) == u(s.uri(MY))
    r = await s.client.workspace_symbol_async(T.WorkspaceSymbolParams(query="what is a pod"))
    [card] = [x for x in r if x.kind == T.SymbolKind.Event and x.container_name == "My Page 😀"]
    assert card.name == "What is a pod?"
    assert u(card.location.uri) == u(s.uri(MY)) and card.location.range.start.line == 7
    r = await s.client.workspace_symbol_async(T.WorkspaceSymbolParams(query="two mechanisms"))
    assert any(x.name == "Which two mechanisms make containers possible?" for x in r)


async def test_folding_ranges(start):
    s = await start("neovim@v0.7.0")
    my = s.open(MY)
    r = await s.client.text_document_folding_range_async(
        T.FoldingRangeParams(T.TextDocumentIdentifier(my)))
    spans = {(f.start_line, f.end_line) for f in r}
    assert (0, 1) in spans  # page properties
    assert (5, 6) in spans  # a block with a child
    assert any(end == 11 and start in (9, 10) for start, end in spans)  # the code fence


# --- inlay hints, code lens, create page ---------------------------------------------------------

@pytest.mark.parametrize("client", ["visual-studio-code", "emacs"])
async def test_inlay_hints_show_the_target_title(start, client):
    s = await start(client)
    refs = s.open(REFS)
    whole = T.Range(T.Position(0, 0), T.Position(3, 0))

    async def hints():
        return await s.client.text_document_inlay_hint_async(
            T.InlayHintParams(T.TextDocumentIdentifier(refs), whole)) or []

    h = await hints()
    assert [x.label for x in h] == [TARGET_TITLE, TARGET_TITLE]
    text = s.texts[refs]
    first_ref_end = text.index("))") + 2
    assert h[0].position == position_of(text, first_ref_end, s.enc)
    assert "My Page 😀" in h[0].tooltip
    # Titles longer than the limit are cut with `…` (the tooltip keeps the whole title); off
    # altogether with inlayHints = false.
    s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
        settings={"logseq-lsp": {"inlayHintMaxLength": 10}}))
    deadline = time.monotonic() + 5
    while [x.label for x in await hints()] == [TARGET_TITLE, TARGET_TITLE]:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    h = await hints()
    assert all(x.label.endswith("…") and len(x.label) <= 10 for x in h), [x.label for x in h]
    assert TARGET_TITLE in h[0].tooltip
    s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
        settings={"logseq-lsp": {"inlayHints": False}}))
    deadline = time.monotonic() + 5
    while await hints() != []:
        assert time.monotonic() < deadline, "inlay hints still shown 5 s after inlayHints: false"
        await asyncio.sleep(0.05)


async def test_code_lens_counts_cards(start):
    s = await start("visual-studio-code")
    my = s.open(MY)

    async def lenses(uri):
        return await s.client.text_document_code_lens_async(
            T.CodeLensParams(T.TextDocumentIdentifier(uri))) or []

    [lens] = await lenses(my)
    assert lens.command.title == "1 card · 0 due · 1 new"
    assert lens.range.start == T.Position(0, 0)
    rw = s.open(READWISE_PAGE)
    [lens] = await lenses(rw)
    assert lens.command.title.startswith("58 cards · 0 due · 58 new · 58 not shown")
    assert await lenses(s.open("pages/plain.md", "- no cards\n")) == []
    s.client.workspace_did_change_configuration(T.DidChangeConfigurationParams(
        settings={"logseq-lsp": {"codeLens": False}}))
    deadline = time.monotonic() + 5
    while await lenses(my):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("client", ["visual-studio-code", "neovim@v0.7.0", "emacs"])
async def test_code_action_creates_a_missing_page(start, client):
    s = await start(client)
    refs = s.open(REFS)
    pos = at(s, refs, "[[Missing", 4)
    acts = await s.code_actions(refs, T.Range(pos, pos))
    create = [a for a in acts or [] if a.title.startswith("Create page")]
    if client == "emacs":  # no file operations declared
        assert create == []
        return
    [a] = create
    assert a.title == "Create page “Missing Page” (pages/Missing Page.md)"
    [op] = a.edit.document_changes
    assert isinstance(op, T.CreateFile) and u(op.uri) == u(s.uri("pages/Missing Page.md"))
    assert op.options.ignore_if_exists and not op.options.overwrite
    # Nothing on an existing page's link.
    pos = at(s, refs, "[[My Page", 4)
    acts = await s.code_actions(refs, T.Range(pos, pos))
    assert not [a for a in acts or [] if a.title.startswith("Create page")]


async def test_a_space_asks_again_only_inside_a_reference(start, nav_graph):
    """A space is a trigger character (VS Code closed its list at the space of `((what is a`),
    answered only where a `((` or `[[` query goes on past it (issue 12)."""
    s = await start("visual-studio-code")
    await indexed(s)
    assert " " in s.result.capabilities.completion_provider.trigger_characters

    async def by_space(uri, pos):
        ctx = T.CompletionContext(T.CompletionTriggerKind.TriggerCharacter, trigger_character=" ")
        return await s.client.text_document_completion_async(
            T.CompletionParams(T.TextDocumentIdentifier(uri), pos, context=ctx))
    uri = s.open("pages/spaces.md", "- 😀 plain words \n  \n- ((target \n- [[my \n")
    assert await by_space(uri, at(s, uri, "words ", 6)) is None
    assert await by_space(uri, position_of(s.texts[uri], s.texts[uri].index("\n  \n") + 3, s.enc)) is None
    res = await by_space(uri, at(s, uri, "((target ", 9))
    assert res.items and all(i.text_edit.new_text.startswith("((") for i in res.items), res
    res = await by_space(uri, at(s, uri, "[[my ", 5))
    assert "My Page 😀" in [i.label for i in res.items], res


async def test_capabilities_are_declared(start):
    s = await start("visual-studio-code")
    c = s.result.capabilities
    assert set(c.completion_provider.trigger_characters) >= {"(", "[", "#", "{"}
    assert c.definition_provider and c.references_provider
    assert c.rename_provider.prepare_provider
    assert c.document_symbol_provider and c.workspace_symbol_provider
    assert c.folding_range_provider and c.inlay_hint_provider and c.code_lens_provider
    assert list(c.execute_command_provider.commands) == ["logseq-lsp.addBlockId"]


# --- document links and highlights (issue 14) ------------------------------------------------------

LINKS_TEXT = (
    "- 😀 [docs](https://docs.logseq.com/#/page/a) and ![🐳](../assets/my%20pic.png)\n"
    "- see [[My Page 😀]], #[[Mon Alias]], [[Missing Page]] and https://logseq.com/blog.\n"
    "- `[not](a link)` {{pdf ../assets/book.pdf}}\n"
)


@pytest.mark.parametrize("client", CLIENTS)
async def test_document_links_to_urls_assets_and_pages(start, nav_graph, client):
    s = await start(client)
    uri = s.open("pages/Links.md", LINKS_TEXT)
    links = await s.client.text_document_document_link_async(
        T.DocumentLinkParams(T.TextDocumentIdentifier(uri)))
    text = s.texts[uri]
    got = [(text[index_of(text, l.range.start, s.enc):index_of(text, l.range.end, s.enc)], u(l.target)) for l in links]
    assert got == [
        ("https://docs.logseq.com/#/page/a", "https://docs.logseq.com/#/page/a"),
        ("../assets/my%20pic.png", u((nav_graph / "assets" / "my pic.png").as_uri())),
        ("[[My Page 😀]]", u((nav_graph / MY).as_uri())),
        ("#[[Mon Alias]]", u((nav_graph / MY).as_uri())),   # an alias links to its page
        ("https://logseq.com/blog", "https://logseq.com/blog"),
        ("../assets/book.pdf", u((nav_graph / "assets" / "book.pdf").as_uri())),
    ], got
    assert not any("Missing" in t for t, _ in got), "a page that does not exist got a link"


@pytest.mark.parametrize("client", CLIENTS)
async def test_document_highlight_marks_the_other_uses_here(start, client):
    s = await start(client)
    uri = s.open(REFS, REFS_TEXT)
    hs = await s.client.text_document_document_highlight_async(
        T.DocumentHighlightParams(T.TextDocumentIdentifier(uri), at(s, uri, "[[My Page", 3)))
    text = s.texts[uri]
    got = sorted(text[index_of(text, h.range.start, s.enc):index_of(text, h.range.end, s.enc)] for h in hs)
    assert got == sorted(["[[My Page 😀]]", "#[[My Page 😀]]", "#[[Mon Alias]]"]), got
    # On the block ref: it and the embed of the same id.
    hs = await s.client.text_document_document_highlight_async(
        T.DocumentHighlightParams(T.TextDocumentIdentifier(uri), at(s, uri, f"(({ID}", 4)))
    assert len(hs) == 2 and all(h.kind == T.DocumentHighlightKind.Read for h in hs), hs
