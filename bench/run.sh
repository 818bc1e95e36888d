#!/usr/bin/env bash
# Whole-process benchmark of `logseq-lsp check` against the floor of reading the same files.
#
#   bench/run.sh                 20,000-page graph (≈64 MB), 10 timed runs after 2 warm-ups
#   bench/run.sh --pages 1000    another size (1000, 10000, 20000 are the documented ones)
#   bench/run.sh --smoke         a 60-page graph, one run of each, plus every in-process
#                                benchmark once (`cargo bench -- --test`) and the server
#                                benchmark with 20 edits: proves it all still works
#   bench/run.sh --lsp           only the language-server benchmark (server/examples/lsp_bench/):
#                                keystroke and hover latency, first diagnostics, RSS, on the
#                                Readwise page (41 KB) and that page ×25 (1 MB), each as exported
#                                and after `logseq-lsp fix`; --edits N (500), --hovers N (500)
#
#   bench/run.sh --compare REV   also builds REV (any git revision: the previous release, main~3)
#                                from `git archive` into target/bench-compare/ and times its
#                                `check` in the same run, beside this build's; the table gains
#                                each `check`'s ratio to REV's
#   bench/run.sh --callgrind     also counts each `check --format json`'s instructions per byte of
#                                Markdown with valgrind's callgrind (exact whatever the load;
#                                slow: about 50× a run)
#
# Other options: --seed S (graph seed, default 1), --runs N, --bin PATH (a logseq-lsp binary to
# measure instead of building one; read_floor is still built), --no-build, --out FILE (also write
# the summary there). NO_HYPERFINE=1 in the environment forces the date loop.
#
# What it does, in order:
#   1. builds target/release/logseq-lsp and the example read_floor (server/examples/read_floor.rs:
#      the same walker and parallel reads as logseq-lsp, counting newlines instead of parsing);
#   2. generates the graph with tools/gen_graph.py into target/bench-graphs/pN-sS (kept);
#   3. warms the page cache (reads every file twice);
#   4. times, in the same run: read_floor GRAPH, `logseq-lsp check GRAPH` (human output) and
#      `logseq-lsp check GRAPH --format json`, stdout to /dev/null. With hyperfine (Debian package
#      `hyperfine`) when it is installed, else a loop over `date +%s.%N`; medians;
#   5. measures peak RSS and CPU time of each with /usr/bin/time -v (Debian package `time`);
#   6. prints wall time, MB/s (Markdown bytes / wall time), check/floor ratio, peak RSS and RSS
#      per byte of Markdown, with the machine and the load average before and after (the machine
#      is shared: compare CPU time when the load is above the core count).
#
# `check` exits 1 when it finds errors (the generated graphs have some on purpose); only exit
# codes above 1 count as failures.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PAGES=20000 SEED=1 RUNS=10 WARMUP=2 SMOKE=0 BUILD=1 BIN="" OUT="" LSP_ONLY=0 COMPARE="" CALLGRIND=0 EDITS=500 HOVERS=500 BIG_KB=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1; PAGES=60; RUNS=1; WARMUP=0; EDITS=20; HOVERS=20; BIG_KB=200 ;;
    --lsp) LSP_ONLY=1 ;;
    --compare) COMPARE=$2; shift ;;
    --callgrind) CALLGRIND=1 ;;
    --edits) EDITS=$2; shift ;;
    --hovers) HOVERS=$2; shift ;;
    --pages) PAGES=$2; shift ;;
    --seed) SEED=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --bin) BIN=$2; shift ;;
    --no-build) BUILD=0 ;;
    --out) OUT=$2; shift ;;
    -h|--help) sed -n '2,38p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$BUILD" = 1 ]; then
  if [ -z "$BIN" ]; then
    cargo build --release --locked --bin logseq-lsp --example read_floor --example lsp_bench
  else
    cargo build --release --locked --example read_floor --example lsp_bench
  fi
fi
BIN=${BIN:-$ROOT/target/release/logseq-lsp}
FLOOR=$ROOT/target/release/examples/read_floor
# The revision to compare with, built once per commit (its own target dir, shared between
# revisions so that dependencies are built once).
CMP_BIN="" CMP_REV=""
if [ -n "$COMPARE" ]; then
  CMP_REV=$(git rev-parse --short "$COMPARE^{commit}")
  CMP_SRC=$ROOT/target/bench-compare/src-$CMP_REV
  CMP_BIN=$ROOT/target/bench-compare/bin/logseq-lsp-$CMP_REV
  if [ ! -x "$CMP_BIN" ]; then
    echo "== building $COMPARE ($CMP_REV) for --compare"
    rm -rf "$CMP_SRC" && mkdir -p "$CMP_SRC" "$(dirname "$CMP_BIN")"
    git archive "$CMP_REV" | tar -x -C "$CMP_SRC"
    (cd "$CMP_SRC" && CARGO_TARGET_DIR=$ROOT/target/bench-compare/target \
      cargo build --release --locked --bin logseq-lsp)
    cp "$ROOT/target/bench-compare/target/release/logseq-lsp" "$CMP_BIN"
    rm -rf "$CMP_SRC"
  fi
fi
for b in "$BIN" "$FLOOR" $CMP_BIN; do
  [ -x "$b" ] || { echo "bench/run.sh: $b not built" >&2; exit 2; }
done
if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  echo "== installing Debian's time (for peak RSS)"
  (apt-get install -y -qq time > /dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; }) > /dev/null 2>&1 || true
fi
if [ ! -x /usr/bin/time ]; then
  echo "bench/run.sh: /usr/bin/time is missing (Debian: apt-get install time)" >&2
  exit 2
fi

GRAPH=$ROOT/target/bench-graphs/p$PAGES-s$SEED
if [ ! -f "$GRAPH/manifest.json" ]; then
  rm -rf "$GRAPH"
  python3 tools/gen_graph.py "$GRAPH" --pages "$PAGES" --seed "$SEED"
fi
BYTES=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$GRAPH/manifest.json")

# Warm the page cache.
for _ in 1 2; do find "$GRAPH" -type f -name '*.md' -print0 | xargs -0 cat > /dev/null; done

# The language server: the Readwise page as exported (144 diagnostics; ×25: 3,600) and after
# `logseq-lsp fix` (none), each at 41 KB and ×25 ≈ 1 MB, opened in the graph (never written).
lsp_bench() {
  local LB=$ROOT/target/release/examples/lsp_bench
  [ -x "$LB" ] || { echo "bench/run.sh: $LB not built" >&2; exit 2; }
  local PAGE="$ROOT/examples/readwise-export/pages/Kubernetes in Action.md"
  local LTMP; LTMP=$(mktemp -d)
  cp -r "$ROOT/examples/readwise-export" "$LTMP/fixed"
  "$BIN" fix "$LTMP/fixed" > /dev/null
  for variant in exported fixed; do
    local P=$PAGE
    [ "$variant" = fixed ] && P="$LTMP/fixed/pages/Kubernetes in Action.md"
    echo "== language server, Readwise page $variant (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "$LB" --server "$BIN" --graph "$GRAPH" --page "$P" --edits "$EDITS" --hovers "$HOVERS" \
      --big-kb "$BIG_KB" --json "$LTMP/$variant.json" || { rm -rf "$LTMP"; exit 2; }
    [ -z "$OUT" ] || cp "$LTMP/$variant.json" "$OUT.lsp-$variant.json"
  done
  rm -rf "$LTMP"
}
if [ "$LSP_ONLY" = 1 ]; then
  lsp_bench
  exit 0
fi

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# Wall times: hyperfine when present, else a date loop. Writes "name median_s" lines.
run_or_fail() { # a command; exit status 0 or 1 is success (check's "errors found")
  local rc=0
  "$@" > /dev/null 2>&1 || rc=$?
  if [ "$rc" -gt 1 ]; then echo "bench/run.sh: '$*' failed with exit $rc" >&2; exit 2; fi
}
NAMES=(floor check check-json)
CMDS=("$FLOOR $GRAPH" "$BIN check $GRAPH" "$BIN check $GRAPH --format json")
if [ -n "$CMP_BIN" ]; then
  NAMES+=("check@$CMP_REV" "check-json@$CMP_REV")
  CMDS+=("$CMP_BIN check $GRAPH" "$CMP_BIN check $GRAPH --format json")
fi
for i in "${!CMDS[@]}"; do run_or_fail ${CMDS[$i]}; done   # once each: fail early
if [ -z "${NO_HYPERFINE:-}" ] && command -v hyperfine > /dev/null; then
  TIMER="hyperfine $(hyperfine --version | cut -d' ' -f2)"
  HF=()
  for i in "${!CMDS[@]}"; do HF+=(-n "${NAMES[$i]}" "${CMDS[$i]}"); done
  hyperfine -N -i --warmup "$WARMUP" --runs "$RUNS" --export-json "$TMP/h.json" \
    "${HF[@]}" > "$TMP/h.txt" 2>&1 || { cat "$TMP/h.txt" >&2; exit 2; }
  python3 - "$TMP/h.json" > "$TMP/wall" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], r["median"], r["min"], r["max"])
EOF
else
  TIMER="date loop"
  for i in "${!CMDS[@]}"; do
    for _ in $(seq "$WARMUP"); do run_or_fail ${CMDS[$i]}; done
    for _ in $(seq "$RUNS"); do
      t0=$(date +%s.%N); run_or_fail ${CMDS[$i]}; t1=$(date +%s.%N)
      echo "$t0 $t1"
    done | python3 -c '
import sys, statistics
d = [float(b) - float(a) for a, b in (l.split() for l in sys.stdin)]
print(sys.argv[1], statistics.median(d), min(d), max(d))' "${NAMES[$i]}" >> "$TMP/wall"
  done
fi

# Peak RSS and CPU time, one run each.
for i in "${!CMDS[@]}"; do
  rc=0
  /usr/bin/time -v ${CMDS[$i]} > /dev/null 2> "$TMP/time.${NAMES[$i]}" || rc=$?
  [ "$rc" -le 1 ] || { cat "$TMP/time.${NAMES[$i]}" >&2; exit 2; }
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# Instructions of `check --format json` (callgrind counts them exactly, whatever the load).
if [ "$CALLGRIND" = 1 ]; then
  command -v valgrind > /dev/null || { echo "bench/run.sh: --callgrind needs valgrind (Debian: apt-get install valgrind)" >&2; exit 2; }
  for i in "${!CMDS[@]}"; do
    case "${NAMES[$i]}" in check-json*) ;; *) continue ;; esac
    rc=0
    valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" ${CMDS[$i]} > /dev/null 2> "$TMP/cg.err" || rc=$?
    [ "$rc" -le 1 ] || { cat "$TMP/cg.err" >&2; exit 2; }
    echo "${NAMES[$i]} $(sed -n 's/^summary: *//p' "$TMP/cg.out")" >> "$TMP/instructions"
  done
fi

python3 - "$TMP" "$BYTES" "$PAGES" "$SEED" "$RUNS" "$TIMER" "$LOAD_BEFORE" "$LOAD_AFTER" "$BIN" "$CMP_REV" "${NAMES[@]}" > "$TMP/summary" <<'EOF'
import os, platform, re, subprocess, sys
tmp, nbytes, pages, seed, runs, timer, load0, load1, binary, cmp_rev, *names = sys.argv[1:]
nbytes = int(nbytes)
wall = {}
for line in open(os.path.join(tmp, "wall")):
    name, med, lo, hi = line.split()
    wall[name] = (float(med), float(lo), float(hi))
def tv(name):
    t = open(os.path.join(tmp, "time." + name)).read()
    get = lambda k: re.search(re.escape(k) + r":\s*([\d.:]+)", t).group(1)
    return int(get("Maximum resident set size (kbytes)")) * 1024, float(get("User time (seconds)")) + float(get("System time (seconds)"))
cpu = open("/proc/cpuinfo").read()
model = re.search(r"model name\s*:\s*(.*)", cpu).group(1)
mem = int(re.search(r"MemTotal:\s*(\d+)", open("/proc/meminfo").read()).group(1)) / 1024**2
try:
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
except OSError:
    rustc = "?"
print(f"machine: {os.cpu_count()} cores, {model}, {mem:.1f} GiB RAM, Linux {platform.release()}, {rustc}")
print(f"graph: tools/gen_graph.py --pages {pages} --seed {seed}: {nbytes:,} bytes ({nbytes/1e6:.2f} MB)")
print(f"timer: {timer}, {runs} run(s); load average before {load0}, after {load1}; binary {binary}")
print()
instr = {}
if os.path.exists(os.path.join(tmp, "instructions")):
    for line in open(os.path.join(tmp, "instructions")):
        name, n = line.split()
        instr[name] = int(n)
cols = ["command", "wall median (min–max)", "MB/s", "× floor", "CPU (user+sys)", "peak RSS", "RSS / byte"]
if cmp_rev:
    cols.append(f"wall × {cmp_rev}")
if instr:
    cols.append("instructions / byte")
print("| " + " | ".join(cols) + " |")
print("|" + "---|" * len(cols))
floor = wall["floor"][0]
label = {"floor": "read_floor (walk + read + count lines)", "check": "logseq-lsp check",
         "check-json": "logseq-lsp check --format json"}
for name in names:
    med, lo, hi = wall[name]
    rss, cpu_s = tv(name)
    base, _, rev = name.partition("@")
    row = [label[base] + (f" ({rev})" if rev else ""), f"{med*1e3:.0f} ms ({lo*1e3:.0f}–{hi*1e3:.0f})",
           f"{nbytes/1e6/med:.0f}", f"{med/floor:.2f}", f"{cpu_s*1e3:.0f} ms", f"{rss/2**20:.1f} MiB",
           f"{rss/nbytes:.2f}"]
    if cmp_rev:
        other = wall.get(f"{base}@{cmp_rev}")
        row.append(f"{med/other[0]:.2f}" if other and not rev else "")
    if instr:
        row.append(f"{instr[name]/nbytes:.1f}" if name in instr else "")
    print("| " + " | ".join(row) + " |")
EOF
cat "$TMP/summary"
[ -z "$OUT" ] || cp "$TMP/summary" "$OUT"

if [ "$SMOKE" = 1 ]; then
  # The in-process benchmarks, each run once, on a small generated graph.
  mkdir -p target/bench-graphs
  LOGSEQ_BENCH_GRAPH=$GRAPH cargo bench --locked --bench engine -- --test
  lsp_bench
fi
