-- Drives Neovim (0.7.2 and newer) headlessly through the logseq_lsp plugin, as a user would:
-- setup(), open a page of a graph, wait for diagnostics, hover a card (vim.lsp.buf.hover), run
-- vim.lsp.buf.code_action() and pick the quick fix, wait for the diagnostic to go away.
-- Run by tests/editors/test_nvim_plugin.py:
--   nvim --headless -u NONE -i NONE -n --cmd 'set rtp+=editors/nvim' -c 'luafile tests/editors/nvim_plugin_e2e.lua'
-- Environment: LSP_BIN, MD_FILE, OUTSIDE_FILE (a Markdown file outside any graph), HOVER_TEXT,
-- FIX_CODE, FIX_TITLE, OFF_RULE (a rule the settings turn off), OUT_JSON.
local out = { steps = {} }
local t0 = vim.loop.hrtime()
local function ms()
  return math.floor((vim.loop.hrtime() - t0) / 1e6)
end
local function step(s)
  table.insert(out.steps, ("%d ms: %s"):format(ms(), s))
end
local function env(k)
  local v = os.getenv(k)
  assert(v and v ~= "", "missing environment variable " .. k)
  return v
end

-- What the user sees: vim.diagnostic, filled by pushed (textDocument/publishDiagnostics) or, on
-- newer Neovim, pulled (textDocument/diagnostic) diagnostics.
local function diagnostics(buf)
  local ds = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.source == "logseq-lsp" then
      table.insert(ds, { code = d.code, lnum = d.lnum, col = d.col, severity = d.severity, message = d.message })
    end
  end
  return ds
end

-- Whether diagnostic d is rule `code`'s finding, alone or among a card's findings shown as one
-- (whose message lists the other rules).
local function about(d, code)
  return d.code == code or (d.message or ""):find(code, 1, true) ~= nil
end

local function count_code(diags, code)
  local n = 0
  for _, d in ipairs(diags or {}) do
    if about(d, code) then
      n = n + 1
    end
  end
  return n
end

local function find_text(buf, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then
      return i - 1, col - 1 -- 0-based line, byte column (ASCII here: = UTF-16 column)
    end
  end
  error("text not found in the buffer: " .. needle)
end

local function floating_lines()
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= "" then
      return vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(w), 0, -1, false), w
    end
  end
end

local ok, err = pcall(function()
  local md_file = vim.fn.fnamemodify(env("MD_FILE"), ":p")
  local fix_code, fix_title, off_rule = env("FIX_CODE"), env("FIX_TITLE"), env("OFF_RULE")
  vim.cmd("filetype on")
  local v = vim.version()
  out.nvim = ("%d.%d.%d"):format(v.major, v.minor, v.patch)
  out.native_config = type(vim.lsp.config) ~= "nil" and type(vim.lsp.enable) == "function"

  local plugin = require("logseq_lsp")
  plugin.setup({
    cmd = { env("LSP_BIN") },
    settings = { rules = { [off_rule] = "off" } },
  })
  step("setup() done")

  -- A Markdown file outside any graph: the plugin must leave it alone.
  vim.cmd("edit " .. vim.fn.fnameescape(env("OUTSIDE_FILE")))
  local outside = vim.api.nvim_get_current_buf()
  out.outside_filetype = vim.bo[outside].filetype

  vim.cmd("edit " .. vim.fn.fnameescape(md_file))
  local buf = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(buf)
  out.filetype = vim.bo[buf].filetype
  out.root = plugin.find_root(buf)

  local client
  assert(vim.wait(15000, function()
    local ids = plugin.client_ids()
    if #ids > 0 then
      client = vim.lsp.get_client_by_id(ids[1])
    end
    return client ~= nil and client.initialized and vim.lsp.buf_is_attached(buf, client.id)
  end, 20), "the plugin did not start and attach the server")
  out.clients = #plugin.client_ids()
  out.client_root = client.config.root_dir
  out.offset_encoding = client.offset_encoding
  step("client " .. client.id .. " attached")

  local diags
  assert(vim.wait(15000, function()
    diags = diagnostics(buf)
    return #diags > 0
  end, 20), "no diagnostics for " .. uri)
  vim.wait(300) -- let a late publish land, so the count is final
  diags = diagnostics(buf)
  out.diagnostics = diags
  out.outside_attached = #(vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = outside }) or vim.lsp.buf_get_clients(outside))
  step(#diags .. " diagnostics")

  -- Hover on the card line, as `K` does (vim.lsp.buf.hover opens a floating window).
  local hl, hc = find_text(buf, env("HOVER_TEXT"))
  vim.api.nvim_win_set_cursor(0, { hl + 1, hc })
  local raw = vim.lsp.buf_request_sync(buf, "textDocument/hover", vim.lsp.util.make_position_params(0, client.offset_encoding), 5000)
  assert(raw and raw[client.id] and raw[client.id].result, "no hover result")
  out.hover = raw[client.id].result.contents
  vim.lsp.buf.hover()
  local lines
  assert(vim.wait(5000, function()
    lines = floating_lines()
    return lines ~= nil
  end, 20), "vim.lsp.buf.hover() opened no window")
  out.hover_window = lines
  step("hover window with " .. #lines .. " lines")
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= "" then
      vim.api.nvim_win_close(w, true)
    end
  end

  -- Quick fix: cursor on the diagnostic, vim.lsp.buf.code_action(), choose by title.
  local target
  for _, d in ipairs(diags) do
    if about(d, fix_code) then
      target = d
      break
    end
  end
  assert(target, "no " .. fix_code .. " diagnostic")
  out.fix_target = target
  out.fix_count_before = count_code(diags, fix_code)
  vim.api.nvim_win_set_cursor(0, { target.lnum + 1, target.col })
  local offered
  vim.ui.select = function(items, opts, on_choice)
    offered = {}
    local choice
    for _, item in ipairs(items) do
      local title = opts.format_item and opts.format_item(item) or tostring(item)
      table.insert(offered, title)
      if not choice and title:sub(1, #fix_title) == fix_title then
        choice = item
      end
    end
    on_choice(choice)
  end
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  vim.lsp.buf.code_action()
  assert(vim.wait(10000, function()
    return offered ~= nil
  end, 20), "vim.lsp.buf.code_action() offered nothing")
  out.actions = offered
  assert(vim.wait(5000, function()
    return vim.api.nvim_buf_get_changedtick(buf) ~= tick
  end, 20), "the quick fix did not change the buffer (offered: " .. table.concat(offered, " | ") .. ")")
  step("quick fix applied")
  local after
  assert(vim.wait(15000, function()
    after = diagnostics(buf)
    return #after > 0 and count_code(after, fix_code) < out.fix_count_before
  end, 20), "the fixed diagnostic did not go away")
  out.diagnostics_after = after
  out.fix_count_after = count_code(after, fix_code)
  out.text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
  step("diagnostics updated: " .. #after)

  -- :LogseqLspRestart stops the server and attaches the graph's buffers to a new one.
  vim.cmd("LogseqLspRestart")
  local new
  assert(vim.wait(10000, function()
    local ids = plugin.client_ids()
    new = ids[1] and vim.lsp.get_client_by_id(ids[1])
    return #ids == 1 and ids[1] ~= client.id and new.initialized and vim.lsp.buf_is_attached(buf, new.id)
  end, 20), "LogseqLspRestart did not start a new server")
  assert(client:is_stopped(), "the old server still runs after LogseqLspRestart")
  out.restarted = true
  step("restarted: client " .. new.id)

  vim.cmd("LogseqLspStop")
  assert(vim.wait(5000, function()
    return new:is_stopped() and #plugin.client_ids() == 0
  end, 20), "the server did not stop")
  step("server stopped")
end)

out.ok = ok
if not ok then
  out.error = tostring(err)
end
out.ms = ms()
vim.fn.writefile({ vim.fn.json_encode(out) }, env("OUT_JSON"))
vim.cmd(ok and "qall!" or "cquit 1")
