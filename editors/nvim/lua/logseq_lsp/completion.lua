-- Completion through Neovim's own <C-x><C-o> (the 'omnifunc'), for `[[page`, `#tag`, `((block`,
-- `{{macro` and property names.
--
-- Why not vim.lsp.omnifunc: on Neovim 0.7-0.10 it starts the completion at the keyword before the
-- cursor whenever the server sets filterText (this server does: the items match the typed
-- `[[Kub`, not their label), then keeps only items whose inserted text starts with that keyword.
-- So `[[Kub` showed nothing and a bare `[[` inserted `[[[[page]]`. It also never applies
-- additionalTextEdits or an item's command, so a `((block` whose target had no `id::` yet was left
-- pointing nowhere. This omnifunc starts at the server's own range, keeps the server's order,
-- and when an item is accepted (CompleteDone) removes what the range covered after the cursor
-- (an auto-closed `]]`), applies the additional edits and runs the command.
local M = {}

local NAME = "logseq_lsp"

--- The last request's items, by buffer, for CompleteDone.
local pending = {}

local function client_of(bufnr)
  local all = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr })
    or vim.lsp.buf_get_clients(bufnr)
  for _, c in pairs(all) do
    if c.name == NAME then
      return c
    end
  end
end

--- Byte index in `line` of a position `char` in the client's encoding.
local function byteindex(line, char, enc)
  if enc == "utf-8" then
    return math.min(char, #line)
  end
  local ok, b
  if vim.fn.has("nvim-0.11") == 1 then
    ok, b = pcall(vim.str_byteindex, line, enc, char, false)
  else
    ok, b = pcall(vim.str_byteindex, line, char, enc == "utf-16")
  end
  return ok and b or #line
end

local function documentation(item)
  local d = item.documentation
  if type(d) == "table" then
    d = d.value
  end
  return type(d) == "string" and d or nil
end

--- Complete-items (|complete-items|) for the server's items, from `start` (0-based byte column).
local function to_complete_items(items, line, row, start, col, enc)
  local typed = line:sub(start + 1, col)
  local out = {}
  for i, item in ipairs(items) do
    local edit = item.textEdit
    local word = item.insertText or item.label
    local from = start
    if edit and edit.newText then
      local range = edit.range or edit.insert
      word = edit.newText
      if range and range.start.line == row then
        from = byteindex(line, range.start.character, enc)
      end
    end
    -- Items whose range starts later keep the text in between.
    word = line:sub(start + 1, from) .. word
    table.insert(out, {
      word = word,
      abbr = item.label,
      menu = item.detail,
      info = documentation(item),
      -- Typing more narrows the list case-insensitively; a block ref's text (its uuid) does not
      -- contain what was typed, so Neovim must not filter it away.
      icase = 1,
      equal = vim.startswith(word:lower(), typed:lower()) and 0 or 1,
      dup = 1,
      empty = 1,
      user_data = { logseq_lsp = i },
    })
  end
  return out
end

--- 'omnifunc': asks the server and fills the popup when the answer comes (returns -2 at once,
--- so the UI never waits).
function M.omnifunc(findstart, _)
  if findstart == 0 then
    return {}
  end
  local bufnr = vim.api.nvim_get_current_buf()
  local client = client_of(bufnr)
  if not client then
    return -3
  end
  local cursor = vim.api.nvim_win_get_cursor(0)
  local row, col = cursor[1] - 1, cursor[2]
  local line = vim.api.nvim_get_current_line()
  local enc = client.offset_encoding or "utf-16"
  local params = vim.lsp.util.make_position_params(0, enc)
  client.request("textDocument/completion", params, function(err, result)
    if err or not result or vim.fn.mode() ~= "i" then
      return
    end
    local now = vim.api.nvim_win_get_cursor(0)
    if vim.api.nvim_get_current_buf() ~= bufnr or now[1] - 1 ~= row or now[2] ~= col then
      return -- the user moved on; this answer is for another place
    end
    local items = result.items or result
    local start = col
    for _, item in ipairs(items) do
      local range = item.textEdit and (item.textEdit.range or item.textEdit.insert)
      if range and range.start.line == row then
        start = math.min(start, byteindex(line, range.start.character, enc))
      end
    end
    pending[bufnr] = { items = items, row = row, col = col, line = line, enc = enc, client = client }
    vim.fn.complete(start + 1, to_complete_items(items, line, row, start, col, enc))
  end, bufnr)
  return -2
end

--- CompleteDone: finishes what the accepted item's edits do beyond inserting its text.
function M.on_complete_done(bufnr)
  local done = vim.v.completed_item
  local p = pending[bufnr]
  if not (p and type(done) == "table" and type(done.user_data) == "table") then
    return
  end
  local item = p.items[done.user_data.logseq_lsp]
  pending[bufnr] = nil
  if not item then
    return
  end
  local range = item.textEdit and (item.textEdit.range or item.textEdit.replace)
  if range and range["end"].line == p.row then
    -- Text the range covered after the cursor (`]]` an auto-pair closed) is still there.
    local tail = p.line:sub(p.col + 1, byteindex(p.line, range["end"].character, p.enc))
    local cur = vim.api.nvim_win_get_cursor(0)
    local line = vim.api.nvim_get_current_line()
    if #tail > 0 and line:sub(cur[2] + 1, cur[2] + #tail) == tail then
      vim.api.nvim_buf_set_text(bufnr, cur[1] - 1, cur[2], cur[1] - 1, cur[2] + #tail, { "" })
    end
  end
  if item.additionalTextEdits and #item.additionalTextEdits > 0 then
    vim.lsp.util.apply_text_edits(item.additionalTextEdits, bufnr, p.enc)
  end
  if item.command then
    -- e.g. logseq-lsp.addBlockId: the server answers with workspace/applyEdit on another page.
    p.client.request("workspace/executeCommand", {
      command = item.command.command,
      arguments = item.command.arguments,
    }, function() end, bufnr)
  end
end

return M
