-- Headless Neovim (0.7.2, Debian) as a real editor for logseq-lsp. Run by tests/e2e/test_nvim.py:
--   nvim --headless -u NONE -i NONE -n -c 'luafile tests/e2e/nvim/e2e.lua'
-- Environment: LOGSEQ_LSP_BIN, GRAPH_ROOT, MD_FILE (the Readwise page), EMOJI_FILE, OUT_JSON.
-- Steps: diagnostics arrive; hover a card shows question and answer; a code action applied by
-- Neovim itself (which then sends didChange) makes its diagnostic go away; on a page with an
-- emoji before the flagged text, columns are UTF-16 (all Neovim 0.7 speaks); completion after
-- `[[` and `((` applied by Neovim; go to definition of the page and of the block, and the jump.
-- Writes {ok, steps, error} as JSON; exits 0 only if every step passed.

local out = { ok = false, steps = {} }
local function passed(name, detail)
  table.insert(out.steps, name)
  if detail ~= nil then out[name] = detail end
end

local function main()
  local diags = {}
  local id = vim.lsp.start_client({
    name = 'logseq-lsp',
    cmd = { os.getenv('LOGSEQ_LSP_BIN') },
    root_dir = os.getenv('GRAPH_ROOT'),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, res, ctx, config)
        diags[res.uri] = res.diagnostics
        return vim.lsp.handlers['textDocument/publishDiagnostics'](err, res, ctx, config)
      end,
    },
  })
  assert(id, 'start_client failed')
  local client = vim.lsp.get_client_by_id(id)

  local function open(path)
    vim.cmd('edit ' .. vim.fn.fnameescape(path))
    local buf = vim.api.nvim_get_current_buf()
    vim.lsp.buf_attach_client(buf, id)
    return buf, vim.uri_from_bufnr(buf)
  end
  local function of(uri, code)
    local r = {}
    for _, d in ipairs(diags[uri] or {}) do
      if d.code == code then table.insert(r, d) end
    end
    return r
  end
  local function wait(what, cond)
    assert(vim.wait(15000, cond, 20), 'timed out waiting for ' .. what)
  end
  local function request(buf, method, params)
    local res = vim.lsp.buf_request_sync(buf, method, params, 10000)
    assert(res and res[id], method .. ': no answer')
    assert(not res[id].err, method .. ': ' .. vim.inspect(res[id].err))
    return res[id].result
  end
  -- Applies the first quick fix for diagnostic d and waits until d's code has one fewer.
  local function fix(buf, uri, d)
    local before = #of(uri, d.code)
    local actions = request(buf, 'textDocument/codeAction', {
      textDocument = { uri = uri }, range = d.range, context = { diagnostics = { d } } })
    assert(actions and actions[1] and actions[1].edit, 'no code action for ' .. d.code)
    diags[uri] = nil
    vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding)
    wait('republished diagnostics after the fix', function()
      return diags[uri] ~= nil and #of(uri, d.code) == before - 1
    end)
    return actions[1].title
  end

  -- 1. The Readwise page: diagnostics.
  local buf, uri = open(os.getenv('MD_FILE'))
  wait('initialize', function() return client.initialized end)
  wait('diagnostics', function() return #of(uri, 'card-tag-not-native') > 0 end)
  passed('diagnostics', #diags[uri])

  -- 2. Hover a card.
  local qline
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if l:find('Which two mechanisms', 1, true) then qline = i - 1; break end
  end
  assert(qline, 'card line not found')
  local h = request(buf, 'textDocument/hover', { textDocument = { uri = uri }, position = { line = qline, character = 4 } })
  local text = h and h.contents and h.contents.value or ''
  assert(text:find('Which two mechanisms make containers possible?', 1, true), 'hover lacks the question: ' .. text)
  assert(text:find('Linux Namespaces', 1, true), 'hover lacks the answer: ' .. text)
  passed('hover')

  -- 3. Fix an id on the bullet line; Neovim applies the edit and sends didChange.
  -- The editor shows a card's findings as one diagnostic at its tag (the server's default): the
  -- id's fix is offered on it.
  local d
  for _, x in ipairs(of(uri, 'card-tag-not-native')) do
    if not d and x.message:find('id-before-title', 1, true) then d = x end
  end
  assert(d, 'no card diagnostic that includes id-before-title')
  local line = d.range.start.line - 1
  local actions = request(buf, 'textDocument/codeAction', {
    textDocument = { uri = uri }, range = d.range, context = { diagnostics = { d } } })
  local move
  for _, a in ipairs(actions or {}) do
    if not move and a.title:find('Move the id under', 1, true) then move = a end
  end
  assert(move and move.edit, 'no id fix among ' .. vim.inspect(actions))
  diags[uri] = nil
  vim.lsp.util.apply_workspace_edit(move.edit, client.offset_encoding)
  wait('republished diagnostics after the fix', function() return diags[uri] ~= nil end)
  passed('fix_readwise', move.title)
  local fixed = vim.api.nvim_buf_get_lines(buf, line, line + 2, false)
  assert(not fixed[1]:find('^%- id::'), 'bullet line still starts with id:: ' .. fixed[1])
  assert(fixed[2]:find('^%s+id:: 63c66a0c%-'), 'id not moved under the title: ' .. vim.inspect(fixed))

  -- 4. A page with an emoji before the flagged text: UTF-16 columns, then its fix.
  local ebuf, euri = open(os.getenv('EMOJI_FILE'))
  wait('emoji page diagnostics', function() return #of(euri, 'id-invalid') == 1 end)
  local bad = of(euri, 'id-invalid')[1]
  assert(bad.range.start.line == 1 and bad.range.start.character == 7
    and bad.range['end'].character == 7 + 2 + 11, 'utf-16 range: ' .. vim.inspect(bad.range))
  local tag = of(euri, 'card-tag-not-native')[1]
  assert(tag and tag.range.start.character == 2 + 2 + 16, 'utf-16 tag range: ' .. vim.inspect(tag))
  passed('utf16_columns')
  passed('fix_emoji', fix(ebuf, euri, bad))
  local idline = vim.api.nvim_buf_get_lines(ebuf, 1, 2, false)[1]
  assert(idline:find('^  id:: %x+%-%x+%-%x+%-%x+%-%x+$'), 'new id: ' .. idline)

  -- 5. Completion: `[[` offers the page, and accepting it (Neovim applies the item's textEdit)
  -- replaces the trigger and the auto-closed brackets; then go to definition on the new link.
  local nbuf, nuri = open(os.getenv('GRAPH_ROOT') .. '/pages/nvim new.md')
  vim.api.nvim_buf_set_lines(nbuf, 0, -1, false, { '- 😀 [[kubern]]', '- ((😀 not' })
  local function complete_at(line, col, label)
    local res = request(nbuf, 'textDocument/completion', {
      textDocument = { uri = nuri }, position = { line = line, character = col } })
    local items = res and (res.items or res) or {}
    for _, it in ipairs(items) do
      if it.label == label then return it end
    end
    local labels = {}
    for _, it in ipairs(items) do table.insert(labels, it.label) end
    error('no completion ' .. label .. ' among ' .. vim.inspect(labels))
  end
  -- UTF-16 column of the cursor before `]]`: `- 😀 [[kubern` is 2 + 2 + 1 + 8 units.
  local item = complete_at(0, 13, 'Kubernetes in Action')
  vim.lsp.util.apply_text_edits({ item.textEdit }, nbuf, client.offset_encoding)
  local l1 = vim.api.nvim_buf_get_lines(nbuf, 0, 1, false)[1]
  assert(l1 == '- 😀 [[Kubernetes in Action]]', 'after completion: ' .. l1)
  -- `((`: the emoji page's block, whose id the quick fix above made valid.
  local bitem = complete_at(1, 10, '😀 note')
  vim.lsp.util.apply_text_edits({ bitem.textEdit }, nbuf, client.offset_encoding)
  local l2 = vim.api.nvim_buf_get_lines(nbuf, 1, 2, false)[1]
  assert(l2 == '- ((' .. idline:match('id:: (.*)$') .. '))', 'after block completion: ' .. l2)
  passed('completion', { l1, l2 })

  local function definition(line, col)
    local res = request(nbuf, 'textDocument/definition', {
      textDocument = { uri = nuri }, position = { line = line, character = col } })
    local loc = res and (res[1] or res)
    assert(loc and loc.uri, 'no definition: ' .. vim.inspect(res))
    return loc
  end
  local loc = definition(0, 10)
  assert(loc.uri == vim.uri_from_fname(os.getenv('MD_FILE')), 'page definition: ' .. vim.inspect(loc))
  local bloc = definition(1, 8)
  assert(bloc.uri == euri and bloc.range.start.line == 0 and bloc.range.start.character == 2,
    'block definition: ' .. vim.inspect(bloc))
  -- Neovim jumps there.
  vim.lsp.util.jump_to_location(bloc, client.offset_encoding)
  assert(vim.api.nvim_get_current_buf() == ebuf, 'did not jump to the emoji page')
  passed('definition', bloc.uri)

  vim.lsp.stop_client(id)
  wait('server stop', function() return client.is_stopped() end)
  passed('stopped')
  out.ok = true
end

local ok, err = pcall(main)
if not ok then out.error = tostring(err) end
vim.fn.writefile({ vim.fn.json_encode(out) }, os.getenv('OUT_JSON'))
vim.cmd(ok and 'qall!' or 'cquit 1')
