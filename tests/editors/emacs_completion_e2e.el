;;; emacs_completion_e2e.el --- completion through eglot in `emacs --batch'  -*- lexical-binding: t -*-
;; Run by tests/editors/test_emacs_completion.py:
;;   emacs --batch -l tests/editors/emacs_completion_e2e.el
;; It loads CONFIG_EL (the configuration documented in editors/README.md), visits MD_FILE (a page
;; of the graph), and for each line of CASES (a JSON list of strings; `|' marks the point if it
;; is not at the end): opens a new line at the end, types it, and completes as a user does with
;; the default UI: `completion-at-point' (C-M-i), which goes through eglot's capf (pressed again
;; after "Complete, but not unique"); if that shows *Completions*, `switch-to-completions' (the
;; first candidate) and `choose-completion' (RET). eglot asks before the server edits another
;; page ("Server wants to edit"): the answer is yes, and the question is recorded. What each case
;; showed and left goes to OUT_JSON, with the text of every buffer that visits a page.

(load (expand-file-name "emacs_e2e_support.el" (file-name-directory load-file-name)) nil t)

(defvar e2e-edit-prompts nil "The questions eglot asked before a server edit.")

(defun e2e-completions-shown ()
  "The candidates *Completions* lists, in order (without their annotations)."
  (when-let ((b (get-buffer "*Completions*")))
    (when (get-buffer-window b)
      (with-current-buffer b
        (save-excursion
          (goto-char (point-min))
          (let (out)
            (while (progn (next-completion 1)
                          (and (not (eobp)) (get-text-property (point) 'mouse-face)))
              (let ((end (next-single-property-change (point) 'mouse-face nil (point-max))))
                (push (buffer-substring-no-properties (point) end) out)
                (goto-char end)))
            (nreverse out)))))))

(defun e2e-line () (buffer-substring-no-properties (line-beginning-position) (line-end-position)))

(defun e2e-complete (typed)
  "Types TYPED on a new last line, completes it and accepts the first candidate; a plist."
  (let ((buf (current-buffer)) shown first)
    (goto-char (point-max))
    (unless (bolp) (insert "\n"))
    (insert (string-replace "|" "" typed))
    (when-let ((at (string-search "|" typed)))   ; `|' marks where the point is
      (backward-char (- (length typed) at 1)))
    ;; eglot sends didChange from an idle timer, which `--batch' never runs: do its work.
    (eglot--signal-textDocument/didChange)
    (let ((before (buffer-string)))
      (call-interactively #'completion-at-point)
      ;; "Complete, but not unique" (the typed name is a candidate too): the list comes with
      ;; the same key pressed again.
      (when (and (equal before (buffer-string)) (not (e2e-completions-shown)))
        (let ((last-command 'completion-at-point) (this-command 'completion-at-point))
          (call-interactively #'completion-at-point))))
    (setq shown (e2e-completions-shown))
    (when shown
      (setq first (car shown))
      (switch-to-completions)          ; M-v in the minibuffer; point on the first candidate
      (choose-completion)              ; RET
      (set-buffer buf))
    (list :typed typed :shown (vconcat (seq-take shown 10)) :first first
          :line (e2e-line) :line_number (line-number-at-pos))))

(defun e2e-page-texts ()
  "The text of every buffer visiting a file, by file name (what the editor holds, saved or not)."
  (let (out)
    (dolist (b (buffer-list))
      (when-let ((f (buffer-file-name b)))
        (push (cons (intern (file-name-nondirectory f))
                    (with-current-buffer b (buffer-substring-no-properties (point-min) (point-max))))
              out)))
    out))

(defun e2e-written-p (text dir)
  "Whether TEXT is in a buffer visiting a file, or in a file of DIR that no buffer visits."
  (or (cl-some (lambda (b) (string-search text (cdr b))) (e2e-page-texts))
      (cl-some (lambda (f)
                 (and (not (find-buffer-visiting f))
                      (with-temp-buffer (insert-file-contents f) (search-forward text nil t))))
               (directory-files dir t "\\`[^.#].*\\.md\\'"))))

(e2e-run
 (lambda ()
   (let ((file (expand-file-name (e2e-env "MD_FILE")))
         (cases (append (json-read-from-string (e2e-env "CASES")) nil))
         results server)
     (e2e-setup)
     (setq server (e2e-visit file))
     (e2e-step "eglot connected")
     ;; The graph is read in the background: wait until it answers a page completion.
     (unless (e2e-wait
              (lambda ()
                (goto-char (point-max))
                (let* ((start (point))
                       (_ (progn (insert "\n[[") (eglot--signal-textDocument/didChange)))
                       (r (jsonrpc-request server :textDocument/completion (eglot--CompletionParams))))
                  (delete-region start (point-max))
                  (eglot--signal-textDocument/didChange)
                  (cl-plusp (length (if (vectorp r) r (plist-get r :items))))))
              15)
       (error "the server offered no page names"))
     (e2e-step "graph indexed")
     (cl-letf (((symbol-function 'y-or-n-p)
                (lambda (prompt) (push prompt e2e-edit-prompts) t)))
       (dolist (typed cases)
         (push (e2e-complete typed) results)
         (e2e-step (format "completed %S" typed))
         ;; A reference to a block without an id: the server writes one (an applyEdit for
         ;; another page, or the item's additionalTextEdits for this one).
         (let ((line (plist-get (car results) :line)))
           (when (string-match "((\\([0-9a-f-]\\{36\\}\\)))" line)
             (let ((id (concat "id:: " (match-string 1 line))))
               (e2e-wait (lambda () (e2e-written-p id (file-name-directory file))) 10))))))
     (e2e-put :cases (vconcat (nreverse results)))
     (e2e-put :edit_prompts (vconcat (reverse e2e-edit-prompts)))
     (e2e-put :buffers (e2e-page-texts))
     (eglot-shutdown server)
     (e2e-step "shut down"))))
