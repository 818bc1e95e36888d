#!/usr/bin/env node
// Test oracle: the block outline Logseq 0.10.9 builds for Markdown files, computed with
// Logseq's own parser (npm mldoc 1.5.7, the version Logseq 0.10.x pins) plus a JS
// re-expression of the graph-parser steps that turn mldoc's flat AST into blocks.
//
//   node outline.js FILE...   → one JSON line per FILE, in order:
//   {"path":F,"blocks":[{start,end,level,pre_block,properties,title_empty,unordered,mldoc_level}]}
//   or {"path":F,"error":msg} when the file cannot be read or mldoc does not return JSON.
//
// Sources read (logseq/logseq, deps/graph-parser/src/logseq/graph_parser/):
//   extract.cljc  `extract`: blank content (string/blank?) → no blocks at all.
//   mldoc.cljc    `->edn` (blank → []), `collect-page-properties`: every Directive node in the
//                 file is removed from its place and folded into ONE ["Properties" …] node put
//                 in front of the AST.
//   block.cljs    `extract-blocks`: walks the AST backwards; each properties node
//                 (Property_Drawer or Properties) overwrites the pending one, so the FIRST one
//                 after a heading (or before the first heading) wins, wherever it sits.
//                 `with-pre-block-if-exists`: pre-block (level 1) when the first heading's
//                 start_pos > 0 or there is no heading.
//                 `construct-block`: a Markdown heading with a size (`#`) gets
//                 level = mldoc level if it is a bullet (unordered), else 1.
//                 `with-parent-and-left`: nesting by comparing those levels (see `nest`).
// (Read at commit 001e0d30 of block.cljs; master's `with-parent-and-order` has the same logic.)
// Positions are UTF-8 byte offsets into the file as read (a BOM is kept, as Logseq's
// `(.toString (fs/readFileSync path))` keeps it).
// It ran on mldoc 1.6.0 before; cases/README.md lists the differences between the two
// (`#+KEY: v` lines, table rows on a bullet line), and 1.5.7 is the one followed.
"use strict";
const fs = require("fs");
const { Mldoc } = require("mldoc");

// GP/mldoc.cljc `default-config` with nil keys dropped.
const CFG = JSON.stringify({ toc: false, parse_outline_only: false, heading_number: false,
  keep_line_break: true, format: "Markdown", heading_to_list: false, export_md_remove_options: [] });

// Brief's contract for keys: lower-case, `_` and space → `-`. (graph-parser additionally
// strips `"|^(){}`, maps custom-id → id, drops keys with a backtick and blank values; those
// rules are left to the semantic layer, the outline keeps every key and "" values.)
const normKey = (k) => k.toLowerCase().replace(/[_ ]/g, "-");

function toProps(pairs) {
  const out = {};
  for (const [k, v] of pairs) out[normKey(k)] = (v ?? "").trim(); // `into {}`: last dup wins
  return out;
}

// GP/block.cljs `with-parent-and-left`, reduced to the depth it assigns. `spaces` is the
// block's :block/level (mldoc level, forced to 1 for non-bullet headings and pre-blocks);
// the page is a root with spaces 0, depth 0. The stack's spaces strictly increase.
function nest(blocks) {
  let stack = [{ spaces: 0, depth: 0 }];
  for (const b of blocks) {
    const s = b.spaces;
    for (;;) {
      const top = stack[stack.length - 1];
      if (s === top.spaces) { b.level = top.depth; stack[stack.length - 1] = { spaces: s, depth: b.level }; break; }
      if (s > top.spaces) { b.level = top.depth + 1; stack.push({ spaces: s, depth: b.level }); break; }
      if (stack.some((p) => p.spaces === s)) { stack = stack.filter((p) => p.spaces <= s); continue; } // outdent, then sibling
      // No open parent has this count: the block takes over the place (depth AND spaces) of
      // the shallowest open block deeper than it, so later blocks compare against that count.
      const i = stack.findIndex((p) => p.spaces > s);
      b.level = stack[i].depth;
      stack = stack.slice(0, i).concat([{ spaces: stack[i].spaces, depth: b.level }]);
      break;
    }
  }
}

function outline(buf) {
  const text = buf.toString("utf8");
  // cljs string/blank? = goog.string.isEmptyOrWhitespace, /^[\s\xa0]*$/: JS \s includes
  // BOM and NBSP, so an empty, whitespace-only or BOM-only file has no blocks at all (even
  // though mldoc itself returns a Paragraph for whitespace).
  if (/^[\s\xa0]*$/.test(text)) return [];
  const out = Mldoc.parseJson(text, CFG);
  if (!out.startsWith("[")) throw new Error("mldoc did not return JSON: " + out.slice(0, 120));
  const ast = JSON.parse(out);

  // collect-page-properties: all Directives (YAML front matter) become one leading node.
  const directives = [];
  const nodes = [];
  for (const [node, pos] of ast) {
    if (node[0].toLowerCase() === "directive") directives.push([node[1], node[2]]);
    else nodes.push({ node, pos });
  }
  if (directives.length) nodes.unshift({ node: ["Properties", directives], pos: null });

  // Segments: [before first heading], then one per heading up to the next heading.
  const segs = [{ heading: null, props: null }];
  for (const { node, pos } of nodes) {
    if (node[0] === "Heading") segs.push({ heading: node[1], start: pos.start_pos, props: null });
    else if ((node[0] === "Property_Drawer" || node[0] === "Properties") && !segs[segs.length - 1].props)
      segs[segs.length - 1].props = node[1]; // first drawer wins (extract-blocks)
  }

  const len = buf.length;
  const heads = segs.slice(1);
  const blocks = [];
  const firstStart = heads.length ? heads[0].start : len;
  if (firstStart > 0 || heads.length === 0) {
    // Pre-block. Its properties may come from front matter even when it holds nothing else.
    blocks.push({ start: 0, end: firstStart, spaces: 1, pre_block: true, properties: toProps(segs[0].props || []) });
  }
  heads.forEach((h, i) => {
    const md = h.heading;
    const forced = md.size != null && !md.unordered; // construct-block: `:level (if unordered? level 1)`
    blocks.push({
      start: h.start, end: i + 1 < heads.length ? heads[i + 1].start : len,
      spaces: forced ? 1 : md.level, pre_block: false, properties: toProps(h.props || []),
      title_empty: md.title.length === 0, unordered: md.unordered, mldoc_level: md.level,
    });
  });
  nest(blocks);
  return blocks.map(({ spaces, ...b }) => ({ start: b.start, end: b.end, level: b.level, ...b }));
}

for (const path of process.argv.slice(2)) {
  let line;
  try {
    line = { path, blocks: outline(fs.readFileSync(path)) };
  } catch (e) {
    line = { path, error: String(e && e.message ? e.message : e) };
  }
  process.stdout.write(JSON.stringify(line) + "\n");
}
