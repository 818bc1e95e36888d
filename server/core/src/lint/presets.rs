//! Rule presets: a named set of rules that `check --preset NAME` turns on, every other rule off.

use crate::lint::diagnostic::Code;

/// A check of another tool (its name) and the rules that report what it finds.
pub type Validation = (&'static str, &'static [&'static str]);

/// logseq/graph-validator's default validations and the rules that report what each finds.
/// From v0.5.0, its last release for file graphs (later ones are for DB graphs),
/// `src/logseq/graph_validator/default_validations.cljs`; its optional class and property
/// validations (`add-namespaces`) are not defaults and not here.
///
/// - `block-refs-…`/`embed-block-refs-…` take every mldoc `Block_ref` (and `{{embed ((…))}}`
///   argument) and report those that are no block's `id::`: `((foo))` and `(( uuid ))` too,
///   which mldoc 1.5.7 reads as block refs (to `foo`, to ` uuid `), hence block-ref-malformed.
/// - `advanced-queries-…` reports queries that are not EDN or lack `:query`, not unknown keys
///   (so not query-unknown-key).
/// - `assets-exist-and-are-used` asserts both halves.
///
/// - `invalid-properties-dont-exist` takes graph-parser's `:block/invalid-properties`
///   (property-invalid); `tags-and-page-refs-have-pages` is page-missing, off by default here
///   because Logseq creates the page a reference names.
pub const GRAPH_VALIDATOR: &[Validation] = &[
    (
        "block-refs-link-to-blocks-that-exist",
        &["block-ref-unresolved", "block-ref-malformed"],
    ),
    (
        "embed-block-refs-link-to-blocks-that-exist",
        &["block-ref-unresolved", "block-ref-malformed"],
    ),
    ("advanced-queries-have-valid-schema", &["query-invalid"]),
    ("invalid-properties-dont-exist", &["property-invalid"]),
    (
        "assets-exist-and-are-used",
        &["asset-missing", "asset-unused"],
    ),
    ("tags-and-page-refs-have-pages", &["page-missing"]),
];

/// Every preset by name.
pub const PRESETS: &[(&str, &[Validation])] = &[("graph-validator", GRAPH_VALIDATOR)];

/// The preset's validations (name, rule codes), or `None` for an unknown preset.
pub fn preset(name: &str) -> Option<&'static [Validation]> {
    PRESETS.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
}

/// The rules a preset turns on, each once, in the preset's order; an error names a code the
/// rule table does not have.
pub fn codes(validations: &[Validation]) -> Result<Vec<Code>, String> {
    let mut out: Vec<Code> = Vec::new();
    for (_, codes) in validations {
        for c in *codes {
            let code = Code::parse(c).ok_or_else(|| {
                format!("the preset names rule `{c}`, which this build of logseq-lsp does not have")
            })?;
            if !out.contains(&code) {
                out.push(code);
            }
        }
    }
    Ok(out)
}

/// The rules a validation name of any preset stands for (`--exclude
/// tags-and-page-refs-have-pages`, as graph-validator's own `--exclude` takes).
pub fn validation(name: &str) -> Option<&'static [&'static str]> {
    PRESETS
        .iter()
        .flat_map(|(_, v)| v.iter())
        .find(|(n, _)| *n == name)
        .map(|(_, c)| *c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fails until the gvrules branch (the rules for graph-validator's other checks) is merged.
    #[test]
    fn every_preset_code_is_a_rule() {
        for (name, validations) in PRESETS {
            for (v, codes) in *validations {
                for c in *codes {
                    assert!(
                        Code::parse(c).is_some(),
                        "preset {name}: validation {v} names `{c}`, not a rule"
                    );
                }
            }
        }
    }

    #[test]
    fn validation_names_are_not_rule_codes() {
        // `--exclude` takes both; one name must not mean two things.
        for (_, validations) in PRESETS {
            for (v, _) in *validations {
                assert!(Code::parse(v).is_none(), "{v}");
            }
        }
    }

    #[test]
    fn codes_are_listed_once_and_unknown_ones_named() {
        let known: &[Validation] = &[
            ("a", &["block-ref-unresolved", "id-invalid"]),
            ("b", &["block-ref-unresolved"]),
        ];
        assert_eq!(
            codes(known).unwrap(),
            [Code::BlockRefUnresolved, Code::IdInvalid]
        );
        let unknown: &[Validation] = &[("a", &["no-such-rule"])];
        assert!(codes(unknown).unwrap_err().contains("`no-such-rule`"));
        assert_eq!(validation("assets-exist-and-are-used").unwrap().len(), 2);
        assert!(preset("graph-validator").is_some() && preset("eslint").is_none());
    }
}
