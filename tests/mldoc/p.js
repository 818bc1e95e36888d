const { Mldoc } = require("mldoc");
const cfg = JSON.stringify({ toc:false, parse_outline_only:false, heading_number:false,
  keep_line_break:true, format:"Markdown", heading_to_list:false, export_md_remove_options:[] });
const txt = process.argv[2].replace(/\\n/g,"\n").replace(/\\t/g,"\t");
const out = Mldoc.parseJson(txt, cfg);
for (const [[type, val], pos] of JSON.parse(out)) console.log(pos.start_pos, pos.end_pos, type,
  type === "Heading" ? `level=${val.level} size=${val.size} unord=${val.unordered} title=${JSON.stringify(val.title)}` : JSON.stringify(val).slice(0, 200));
