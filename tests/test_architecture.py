"""The layout ARCHITECTURE.md promises, held by tests: the core crate has no dependency that
speaks LSP or runs async, no module of either crate is in a cycle with another, no source file
in server/ is over 500 lines, and the code map names every Rust file there is and none that is
not."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CRATES = {"logseq-lsp-core": REPO / "server/core/src", "logseq-lsp": REPO / "server/src"}
MAX_LINES = 500


def rust_files():
    return sorted(p for p in (REPO / "server").rglob("*.rs") if "target" not in p.parts)


def strip_comments_and_tests(src):
    # Doc links (`[`crate::x`]`) are no dependency, and unit tests may reach anywhere.
    src = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", src, flags=re.S)
    src = re.sub(r"//[^\n]*", "", src)
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', src)


def module_graph(root):
    """Module path -> the modules of the same crate it names (`crate::a::b`, `super::x`,
    `super::{x, y}`), leaving out its own ancestors (a child reading its parent is no cycle)."""
    mods = {}
    for p in root.rglob("*.rs"):
        parts = list(p.relative_to(root).with_suffix("").parts)
        if parts[-1] in ("mod", "lib", "main"):
            parts = parts[:-1]
        mods[tuple(parts)] = p
    graph = {}
    for m, p in mods.items():
        src = strip_comments_and_tests(p.read_text(encoding="utf-8"))
        named = []
        for base, rest in re.findall(r"\b(crate|super(?:::super)*)((?:::[a-z_][a-z0-9_]*)*)", src):
            start = [] if base == "crate" else list(m)[: len(m) - base.count("super")]
            named.append(start + [x for x in rest.split("::") if x])
        for base, inner in re.findall(r"\b(crate|super(?:::super)*)::\{([^}]*)\}", src):
            start = [] if base == "crate" else list(m)[: len(m) - base.count("super")]
            named += [start + [n] for n in re.findall(r"\b([a-z_][a-z0-9_]*)\b", inner)]
        deps = set()
        for path in named:
            while path and tuple(path) not in mods:
                path = path[:-1]
            t = tuple(path)
            if t and t != m and m[: len(t)] != t:
                deps.add(t)
        graph[m] = deps
    return graph


def cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    sys.setrecursionlimit(10_000)
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            c = []
            while True:
                w = stack.pop()
                on.discard(w)
                c.append(w)
                if w == v:
                    break
            if len(c) > 1:
                out.append(sorted("::".join(x) for x in c))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_the_cycle_finder_finds_a_cycle(tmp_path):
    (tmp_path / "a.rs").write_text("use super::b::X; // crate::c in a comment\n")
    (tmp_path / "b.rs").write_text("use super::{a, c};\n")
    (tmp_path / "c.rs").write_text('const S: &str = "crate::a";\n')
    (tmp_path / "lib.rs").write_text("mod a; mod b; mod c;\n")
    g = module_graph(tmp_path)
    assert g[("a",)] == {("b",)} and g[("b",)] == {("a",), ("c",)} and g[("c",)] == set()
    assert cycles(g) == [["a", "b"]]


@pytest.mark.parametrize("crate", sorted(CRATES))
def test_no_module_cycles(crate):
    assert cycles(module_graph(CRATES[crate])) == []


def test_no_file_over_500_lines():
    long = {str(p.relative_to(REPO)): n for p in rust_files()
            if (n := p.read_text(encoding="utf-8").count("\n")) > MAX_LINES}
    assert long == {}, f"split these (each over {MAX_LINES} lines): {long}"


def code_map():
    """ARCHITECTURE.md's code map: each `### `folder/`` section's text by its folder."""
    arch = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    sections = {}
    for head, body in re.findall(r"^### ([^\n]*)\n(.*?)(?=^##)", arch + "\n##", flags=re.S | re.M):
        folder = re.match(r"`([^`]+/)`", head)
        sections[folder.group(1) if folder else ""] = body
    return sections


def test_the_code_map_names_every_rust_file_and_only_those():
    sections = code_map()
    assert {"server/core/src/syntax/", "server/core/src/lint/", "server/"} <= set(sections)
    unnamed, missing = [], []
    for p in rust_files():
        rel = p.relative_to(REPO).as_posix()
        folder = max((f for f in sections if f and rel.startswith(f)), key=len)
        # A folder module's own files (`mod.rs`, `tests.rs`) are named by the folder.
        name = p.parent.name + "/" if p.name in ("mod.rs", "lib.rs", "main.rs", "tests.rs") else p.name
        if p.name == "lib.rs" or (p.name == "mod.rs" and rel == folder + "mod.rs"):
            continue  # the section's own folder
        if not re.search(r"(?<![a-z0-9_])" + re.escape(name), sections[folder]):
            unnamed.append(rel)
    for folder, body in sections.items():
        base = REPO / folder
        for name in set(re.findall(r"(?<![a-z0-9_./])([a-z_][a-z0-9_/]*\.rs)\b", body)):
            # A bare name is a file of the section's folder; a path may lead anywhere.
            where = base if "/" not in name else REPO
            if not any(p.as_posix().endswith("/" + name) for p in where.rglob(name.split("/")[-1])
                       if "target" not in p.parts):
                missing.append(f"{folder or '(around the crates)'} {name}")
    assert unnamed == [], "files the code map does not name: " + ", ".join(unnamed)
    assert missing == [], "files the code map names that do not exist: " + ", ".join(missing)


def test_the_core_depends_on_nothing_that_speaks_lsp_or_runs_async():
    cargo = shutil.which("cargo")
    if cargo is None:
        pytest.fail("cargo is not on PATH")
    out = subprocess.run([cargo, "tree", "-p", "logseq-lsp-core", "-e", "normal,build",
                          "--prefix", "none", "--offline"], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    crates = {line.split()[0] for line in out.stdout.splitlines() if line.strip()}
    assert "logseq-lsp-core" in crates and "memchr" in crates, crates
    assert crates & {"tower-lsp-server", "ls-types", "lsp-types", "tokio", "ropey",
                     "tree-sitter", "tree-sitter-md", "dashmap"} == set()
