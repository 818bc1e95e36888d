;;; emacs_e2e_support.el --- shared by the eglot scripts run in `emacs --batch'  -*- lexical-binding: t -*-
;; Loaded by emacs_eglot_e2e.el and emacs_completion_e2e.el: the result plist written to
;; OUT_JSON, timed steps, waiting without a command loop, and the set-up both share (Emacs 28
;; has no Markdown mode of its own; the documented configuration from CONFIG_EL).

(require 'package)
(package-initialize)
(require 'eglot)
(require 'json)
(require 'cl-lib)
(require 'subr-x)

(defvar e2e-out nil)
(defvar e2e-t0 (float-time))
(defun e2e-put (k v) (setq e2e-out (plist-put e2e-out k v)))
(defun e2e-step (s)
  (e2e-put :steps (vconcat (plist-get e2e-out :steps)
                           (list (format "%d ms: %s" (* 1000 (- (float-time) e2e-t0)) s)))))
(defun e2e-env (k) (or (getenv k) (error "missing environment variable %s" k)))
(defun e2e-wait (pred secs)
  (let ((deadline (+ (float-time) secs)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall pred)))

(defun e2e-setup ()
  "Records the versions, makes sure there is a `markdown-mode', loads CONFIG_EL."
  (e2e-put :emacs emacs-version)
  (e2e-put :eglot (let ((d (cadr (assq 'eglot package-alist))))
                    (if d (package-version-join (package-desc-version d)) "built-in")))
  ;; Emacs 28 has no Markdown mode of its own (the markdown-mode package provides it).
  (e2e-put :markdown_mode (if (fboundp 'markdown-mode) "package" "stand-in"))
  (unless (fboundp 'markdown-mode)
    (define-derived-mode markdown-mode text-mode "Markdown")
    (add-to-list 'auto-mode-alist '("\\.md\\'" . markdown-mode)))
  (load (e2e-env "CONFIG_EL") nil t)
  (e2e-step "configuration loaded"))

(defun e2e-visit (file)
  "Visits FILE as a user would and waits for `eglot-ensure' to connect; returns the server."
  (find-file file)
  (run-hooks 'post-command-hook)   ; `eglot-ensure' connects from this hook
  (unless (e2e-wait (lambda () (and (bound-and-true-p eglot--managed-mode) (eglot-current-server))) 15)
    (error "eglot did not manage %s (eglot-ensure from markdown-mode-hook)" file))
  (eglot-current-server))

(defun e2e-run (body)
  "Calls BODY, writes the result to OUT_JSON and exits: 0 when BODY returned, else 1."
  (let (ok)
    (condition-case err
        (progn (funcall body) (setq ok t))
      (error (e2e-put :error (error-message-string err))))
    (e2e-put :ok (if ok t :json-false))
    (e2e-put :ms (round (* 1000 (- (float-time) e2e-t0))))
    (with-temp-file (e2e-env "OUT_JSON")
      (insert (json-encode e2e-out)))
    (kill-emacs (if ok 0 1))))
