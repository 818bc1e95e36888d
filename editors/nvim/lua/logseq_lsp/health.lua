-- :checkhealth logseq_lsp — is the server there, does it run, is this buffer in a graph.
local M = {}

-- vim.health (0.10: start/ok/warn/error; 0.8-0.9: report_*), or the 0.7 `health` module.
local h = vim.health or require("health")
local start = h.start or h.report_start
local ok = h.ok or h.report_ok
local warn = h.warn or h.report_warn
local err = h.error or h.report_error
local info = h.info or h.report_info

function M.check()
  local plugin = require("logseq_lsp")
  start("logseq-lsp server")
  local exe = plugin.config.cmd[1]
  local path = vim.fn.exepath(exe)
  if path == "" then
    err(("`%s` was not found on PATH"):format(exe), {
      "Install it: `cargo install --path server` in a clone of logseq-lsp",
      "or pass its path: require('logseq_lsp').setup({ cmd = { '/path/to/logseq-lsp' } })",
    })
  else
    local out = vim.fn.system({ path, "--version" })
    if vim.v.shell_error == 0 then
      ok(("%s (%s)"):format(vim.trim(out), path))
    else
      err(("`%s --version` failed: %s"):format(path, vim.trim(out)))
    end
  end

  -- :checkhealth runs in a buffer of its own, so look at every open file.
  start("open Markdown buffers")
  local ids = plugin.client_ids()
  local seen = 0
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    local name = vim.api.nvim_buf_get_name(b)
    if vim.api.nvim_buf_is_loaded(b) and name ~= "" and vim.bo[b].filetype == "markdown" then
      seen = seen + 1
      local root = plugin.find_root(b)
      local attached = false
      for _, id in ipairs(ids) do
        attached = attached or vim.lsp.buf_is_attached(b, id)
      end
      if not root then
        info(name .. ": not inside a Logseq graph (no logseq/config.edn above it), so no server")
      elseif attached then
        ok(name .. ": in the graph " .. root .. ", server attached")
        local omni = vim.bo[b].omnifunc
        if plugin.config.omnifunc and not omni:find("logseq_lsp", 1, true) then
          warn(name .. ": 'omnifunc' is '" .. omni .. "', so <C-x><C-o> does not ask logseq-lsp")
        end
      else
        warn(name .. ": in the graph " .. root .. " but no server is attached",
          { "Was setup() called before the file was opened? Does `cmd` run?" })
      end
    end
  end
  if seen == 0 then
    info("no Markdown buffer is open")
  end
end

return M
