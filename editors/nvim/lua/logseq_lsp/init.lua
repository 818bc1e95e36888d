-- logseq-lsp for Neovim: starts the logseq-lsp language server for Markdown buffers inside a
-- Logseq graph (a folder holding logseq/config.edn), one server per graph.
--
--   require("logseq_lsp").setup({
--     cmd = { "logseq-lsp" },                 -- default: logseq-lsp from PATH
--     settings = {                            -- the server's settings (all optional)
--       cardTags = { "card", "flashcard" },
--       rules = { ["card-tag-not-native"] = "off", ["id-not-lowercase"] = "warning" },
--       ignore = { "archive" },
--     },
--     on_attach = function(client, bufnr) end, -- optional, runs after the plugin's own
--     capabilities = nil,                      -- optional, e.g. from nvim-cmp
--     omnifunc = true,                         -- <C-x><C-o> completes pages, tags and blocks
--     mappings = true,                         -- buffer-local K, gd, gr (false: none)
--   })
--
-- On Neovim 0.11+ this registers the server with vim.lsp.config() and vim.lsp.enable(); on older
-- versions (tested on 0.7.2) it starts clients itself with vim.lsp.start_client() and attaches
-- buffers from a FileType autocommand.
local M = {}

local NAME = "logseq_lsp"
-- The server reads its settings from this section (or "logseqLsp", or bare).
local SECTION = "logseq-lsp"

local defaults = {
  cmd = { "logseq-lsp" },
  settings = {},
  filetypes = { "markdown" },
  on_attach = nil,
  capabilities = nil,
  handlers = nil,
  -- Use vim.lsp.config/vim.lsp.enable when Neovim has them (0.11+). false: always the 0.7 path.
  use_native_config = true,
  -- Set the buffer's 'omnifunc' to this plugin's (see completion.lua for why not vim.lsp's).
  omnifunc = true,
  -- Buffer-local mappings, only where the user has none: K hover, gd definition, gr references.
  mappings = true,
}

M.config = vim.deepcopy(defaults)

--- Clients started on the legacy path, by graph root.
local clients = {}

local uv = vim.loop

local function is_file(p)
  local st = uv.fs_stat(p)
  return st ~= nil and st.type == "file"
end

--- The nearest folder at or above `path` (a file or folder name, or a buffer number) that holds
--- logseq/config.edn, or nil.
function M.find_root(path)
  if type(path) == "number" then
    path = vim.api.nvim_buf_get_name(path)
  end
  if path == nil or path == "" then
    return nil
  end
  path = vim.fn.fnamemodify(path, ":p")
  local dir = vim.fn.isdirectory(path) == 1 and path or vim.fn.fnamemodify(path, ":h")
  dir = dir:gsub("[/\\]+$", "")
  if dir == "" then
    dir = "/"
  end
  while true do
    if is_file(dir .. "/logseq/config.edn") then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir or parent == "" then
      return nil
    end
    dir = parent
  end
end

local function has_native_config()
  return M.config.use_native_config and type(vim.lsp.config) ~= "nil" and type(vim.lsp.enable) == "function"
end

--- Settings as the server receives them; never an empty Lua table (it would be sent as `[]`).
local function settings_section()
  local s = M.config.settings or {}
  if next(s) == nil then
    s = vim.empty_dict()
  end
  return { [SECTION] = s }
end

local function is_markdown(bufnr)
  local ft = vim.bo[bufnr].filetype
  for _, f in ipairs(M.config.filetypes) do
    if f == ft then
      return true
    end
  end
  return false
end

local function check_cmd()
  local exe = M.config.cmd[1]
  if vim.fn.executable(exe) == 1 then
    return true
  end
  vim.notify(
    ("logseq_lsp: the language server `%s` was not found. Install it with `cargo install --path server` "
      .. "from a clone of the logseq-lsp repository, or pass `cmd` to setup()."):format(exe),
    vim.log.levels.ERROR
  )
  return false
end

--- 'omnifunc' for the buffers this plugin attaches (v:lua.require'logseq_lsp'.omnifunc).
function M.omnifunc(findstart, base)
  return require("logseq_lsp.completion").omnifunc(findstart, base)
end

local MAPPINGS = {
  { "K", function() vim.lsp.buf.hover() end, "logseq-lsp: hover (a card's question and answer)" },
  { "gd", function() vim.lsp.buf.definition() end, "logseq-lsp: go to the page or block" },
  { "gr", function() vim.lsp.buf.references() end, "logseq-lsp: references" },
}

--- What the plugin sets up in a buffer it attaches, before the user's on_attach.
local function on_attach(client, bufnr)
  if M.config.omnifunc then
    vim.bo[bufnr].omnifunc = "v:lua.require'logseq_lsp'.omnifunc"
    local group = vim.api.nvim_create_augroup("logseq_lsp_buffer_" .. bufnr, { clear = true })
    vim.api.nvim_create_autocmd("CompleteDone", {
      group = group,
      buffer = bufnr,
      callback = function()
        require("logseq_lsp.completion").on_complete_done(bufnr)
      end,
    })
  end
  if M.config.mappings then
    for _, m in ipairs(MAPPINGS) do
      -- A mapping the user made for this buffer wins.
      if vim.fn.maparg(m[1], "n", false, true).buffer ~= 1 then
        vim.keymap.set("n", m[1], m[2], { buffer = bufnr, desc = m[3] })
      end
    end
  end
  if M.config.on_attach then
    M.config.on_attach(client, bufnr)
  end
end

-- Neovim 0.7–0.10 -----------------------------------------------------------------------------

local function start_client(root)
  local id = clients[root]
  if id then
    local c = vim.lsp.get_client_by_id(id)
    if c and not c:is_stopped() then
      return id
    end
  end
  if not check_cmd() then
    return nil
  end
  local settings = settings_section()
  id = vim.lsp.start_client({
    name = NAME,
    cmd = M.config.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = settings,
    -- Answers the server's workspace/configuration requests.
    settings = settings,
    capabilities = M.config.capabilities,
    handlers = M.config.handlers,
    on_attach = on_attach,
    on_init = function(client)
      -- Neovim 0.10+ sends this by itself when `settings` is not empty.
      if vim.fn.has("nvim-0.10") == 0 then
        client.notify("workspace/didChangeConfiguration", { settings = client.config.settings })
      end
    end,
    on_exit = function()
      if clients[root] == id then
        clients[root] = nil
      end
    end,
  })
  clients[root] = id
  return id
end

--- Starts (or reuses) the server of the buffer's graph and attaches the buffer. Returns the client
--- id, or nil when the buffer is not a Markdown file in a graph.
function M.attach(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  if not is_markdown(bufnr) then
    return nil
  end
  local root = M.find_root(bufnr)
  if not root then
    return nil
  end
  local id = start_client(root)
  if id and not vim.lsp.buf_is_attached(bufnr, id) then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

-- Neovim 0.11+ -------------------------------------------------------------------------------

--- The vim.lsp.config() table for this server (0.11+).
function M.lsp_config()
  local settings = settings_section()
  return {
    cmd = M.config.cmd,
    filetypes = M.config.filetypes,
    root_dir = function(bufnr, on_dir)
      local root = M.find_root(bufnr)
      if root then
        on_dir(root)
      end
    end,
    init_options = settings,
    settings = settings,
    capabilities = M.config.capabilities,
    handlers = M.config.handlers,
    on_attach = on_attach,
  }
end

-- Both ----------------------------------------------------------------------------------------

--- Client ids of the running logseq-lsp servers.
function M.client_ids()
  local ids = {}
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, c in ipairs(all) do
    if c.name == NAME then
      table.insert(ids, c.id)
    end
  end
  return ids
end

local function reattach_all()
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) then
      if has_native_config() then
        -- vim.lsp.enable's FileType autocommand starts servers: re-run it for this buffer.
        vim.api.nvim_exec_autocmds("FileType", { buffer = b, modeline = false })
      else
        M.attach(b)
      end
    end
  end
end

--- Stops every logseq-lsp client; with `restart`, attaches the open graph buffers again once the
--- old servers have exited (polled on a timer: the UI never waits).
function M.stop(restart)
  local ids = M.client_ids()
  for _, id in ipairs(ids) do
    vim.lsp.stop_client(id)
  end
  clients = {}
  if not restart then
    return
  end
  local tries = 0
  local function again()
    tries = tries + 1
    for _, id in ipairs(ids) do
      local c = vim.lsp.get_client_by_id(id)
      if c and not c:is_stopped() and tries < 250 then
        vim.defer_fn(again, 20)
        return
      end
    end
    reattach_all()
  end
  again()
end

--- Opens Neovim's LSP log, where the server's log messages go.
function M.open_log()
  vim.cmd("edit " .. vim.fn.fnameescape(vim.lsp.get_log_path()))
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  if opts and opts.cmd then
    M.config.cmd = opts.cmd -- lists are replaced, not merged
  end
  if opts and opts.filetypes then
    M.config.filetypes = opts.filetypes
  end

  vim.api.nvim_create_user_command("LogseqLspRestart", function()
    M.stop(true)
  end, { desc = "Restart the logseq-lsp servers" })
  vim.api.nvim_create_user_command("LogseqLspStop", function()
    M.stop(false)
  end, { desc = "Stop the logseq-lsp servers" })
  vim.api.nvim_create_user_command("LogseqLspLog", M.open_log, { desc = "Open the LSP log" })

  if has_native_config() then
    vim.lsp.config(NAME, M.lsp_config())
    vim.lsp.enable(NAME)
    return
  end

  local group = vim.api.nvim_create_augroup("logseq_lsp", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(ev)
      M.attach(ev.buf)
    end,
  })
  -- Buffers opened before setup().
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) then
      M.attach(b)
    end
  end
end

return M
