;;; emacs_eglot_e2e.el --- drive eglot against logseq-lsp in `emacs --batch'  -*- lexical-binding: t -*-
;; Run by tests/editors/test_emacs_eglot.py:
;;   emacs --batch -l tests/editors/emacs_eglot_e2e.el
;; It loads CONFIG_EL (the Emacs configuration documented in editors/README.md, as a user would
;; put it in init.el), opens MD_FILE, lets `eglot-ensure' connect, and then, as a user would: waits
;; for flymake's diagnostics, asks eldoc's hover function about the card at HOVER_TEXT, runs
;; `eglot-code-actions' on the FIX_CODE diagnostic and picks the action titled FIX_TITLE, and waits
;; for the diagnostic to go away. OFF_RULE is a rule the documented configuration turns off.
;; Everything it saw goes to OUT_JSON; exit 0 on success, 1 on failure.

(load (expand-file-name "emacs_e2e_support.el" (file-name-directory load-file-name)) nil t)

(defvar e2e-raw nil "The last publishDiagnostics for the page, as eglot received it.")
(defvar e2e-publishes 0)

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics &allow-other-keys)
  (when (string-suffix-p (url-hexify-string (file-name-nondirectory (e2e-env "MD_FILE"))) uri)
    (setq e2e-publishes (1+ e2e-publishes))
    (setq e2e-raw diagnostics)))

(defun e2e-codes (diags)
  (mapcar (lambda (d) (plist-get d :code)) diags))

(defun e2e-about (d code)
  "Whether LSP diagnostic D is rule CODE's finding, alone or among a card's findings shown as
one (whose message lists the other rules)."
  (or (equal (plist-get d :code) code)
      (string-match-p (regexp-quote code) (or (plist-get d :message) ""))))

(defun e2e-count (diags code)
  (cl-count-if (lambda (d) (e2e-about d code)) diags))

(defun e2e-flymake-ours ()
  "Flymake's diagnostics that came from the server, as (BEG END LSP-DIAGNOSTIC), in buffer order."
  (sort (cl-loop for d in (flymake-diagnostics)
                 for lsp = (cdr (assoc 'eglot-lsp-diag (eglot--diag-data d)))
                 when lsp collect (list (flymake-diagnostic-beg d) (flymake-diagnostic-end d) lsp))
        (lambda (a b) (< (car a) (car b)))))

(e2e-run
 (lambda ()
   (let* ((file (expand-file-name (e2e-env "MD_FILE")))
          (fix-code (e2e-env "FIX_CODE"))
          (fix-title (e2e-env "FIX_TITLE"))
          (off-rule (e2e-env "OFF_RULE"))
          server)
     (e2e-setup)

     ;; A Markdown file outside any graph: it must get no server.
     (find-file (e2e-env "OUTSIDE_FILE"))
     (run-hooks 'post-command-hook)   ; what the command loop does after `find-file'
     (e2e-put :outside_managed (if (bound-and-true-p eglot--managed-mode) t :json-false))

     (setq server (e2e-visit file))
     (e2e-put :mode (symbol-name major-mode))
     (e2e-put :project_root (project-root (eglot--project server)))
     (e2e-step "eglot connected")

     (unless (e2e-wait (lambda () e2e-raw) 15) (error "no publishDiagnostics"))
     (flymake-start)                   ; batch mode: flymake never starts by itself
     (unless (e2e-wait (lambda () (e2e-flymake-ours)) 10) (error "flymake got no diagnostics"))
     (e2e-wait (lambda () nil) 0.3)    ; a late publish would change the count
     (e2e-put :diagnostics (vconcat e2e-raw))
     (e2e-put :flymake_count (length (e2e-flymake-ours)))
     (e2e-step (format "%d diagnostics" (length e2e-raw)))

     ;; Hover the card through eldoc's hover function, as eldoc-mode does when point rests there.
     (goto-char (point-min))
     (search-forward (e2e-env "HOVER_TEXT"))
     (goto-char (match-beginning 0))
     (let (info)
       (eglot-hover-eldoc-function (lambda (s &rest _) (setq info (or s ""))))
       (unless (e2e-wait (lambda () info) 10) (error "eldoc's hover function gave nothing"))
       (e2e-put :hover info))
     (e2e-put :hover_raw (plist-get (jsonrpc-request server :textDocument/hover
                                                     (eglot--TextDocumentPositionParams))
                                    :contents))
     (e2e-step "hover")

     ;; The quick fix: `M-x eglot-code-actions' on the diagnostic's text, choosing by title.
     (let* ((target (or (cl-find-if (lambda (d) (e2e-about (nth 2 d) fix-code))
                                    (e2e-flymake-ours))
                        (error "flymake has no %s diagnostic" fix-code)))
            (before (e2e-count e2e-raw fix-code))
            (publishes e2e-publishes)
            offered)
       (e2e-put :fix_count_before before)
       (goto-char (nth 0 target))
       (cl-letf (((symbol-function 'completing-read)
                  (lambda (_prompt collection &rest _)
                    (setq offered (mapcar #'car collection))
                    (or (cl-find-if (lambda (title) (string-prefix-p fix-title title)) offered)
                        (error "no action titled %s among %S" fix-title offered)))))
         (let ((last-nonmenu-event ?\r))  ; a keyboard event: eglot reads the choice, no menu
           (eglot-code-actions (nth 0 target) (nth 1 target) nil t)))
       (e2e-put :actions (vconcat offered))
       (e2e-step "quick fix applied")
       ;; eglot sends didChange from an idle timer, which `--batch' never runs: do its work.
       (unless (e2e-wait (lambda () (> e2e-publishes publishes)) 1)
         (eglot--signal-textDocument/didChange)
         (e2e-put :didchange_by_hand t))
       (unless (e2e-wait (lambda () (< (e2e-count e2e-raw fix-code) before)) 15)
         (error "the %s diagnostic did not go away" fix-code))
       (e2e-put :fix_count_after (e2e-count e2e-raw fix-code))
       (e2e-put :diagnostics_after (vconcat e2e-raw)))
     (e2e-put :text (buffer-substring-no-properties (point-min) (point-max)))
     (e2e-step "diagnostics updated")
     (eglot-shutdown server)
     (e2e-step "shut down")
     (ignore off-rule))))
