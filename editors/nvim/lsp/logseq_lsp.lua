-- Neovim 0.11+: with this plugin on 'runtimepath', `vim.lsp.enable("logseq_lsp")` is enough (no
-- setup() call); settings then go through `vim.lsp.config("logseq_lsp", { settings = … })`.
return require("logseq_lsp").lsp_config()
