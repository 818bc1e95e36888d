//! `check --preset`, `--rule RULE=SEVERITY` and `--exclude RULE…`: rule severities from the
//! command line, laid over `logseq-lsp.toml`'s in that order whatever order they are given in.

use logseq_core::lint::diagnostic::{Code, Severity};
use logseq_core::lint::presets;

/// Severity overrides in the order they apply (a later one for the same rule wins).
pub type Overrides = Vec<(Code, Option<Severity>)>;

/// The rules one `--exclude` value names.
#[derive(Debug, Clone)]
pub struct Excluded(pub Vec<Code>);

pub fn preset_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(presets::PRESETS.iter().map(|(n, _)| *n))
}

/// `RULE=SEVERITY`, with the severities `logseq-lsp.toml`'s `[rules]` takes.
pub fn parse_rule(s: &str) -> Result<(Code, Option<Severity>), String> {
    let Some((rule, sev)) = s.split_once('=') else {
        return Err("expected RULE=SEVERITY, e.g. id-not-lowercase=off".into());
    };
    let code = code(rule.trim())?;
    let sev = match sev.trim() {
        "off" => None,
        s => Some(Severity::parse(s).ok_or_else(|| {
            format!("`{s}` is not a severity: error, warning, information, hint or off")
        })?),
    };
    Ok((code, sev))
}

/// One `--exclude` value: rule codes or graph-validator validation names, split on spaces and
/// commas (an action input or a shell variable passes several in one argument).
pub fn parse_excluded(s: &str) -> Result<Excluded, String> {
    let mut out = Vec::new();
    for name in s.split(|c: char| c.is_whitespace() || c == ',') {
        if name.is_empty() {
            continue;
        }
        match presets::validation(name) {
            Some(codes) => {
                for c in codes {
                    out.push(code(c)?);
                }
            }
            None if Code::parse(name).is_none() && std::path::Path::new(name).exists() => {
                return Err(format!(
                    "`{name}` is a path, not a rule: paths go before --exclude, or after `--`"
                ));
            }
            None => out.push(code(name)?),
        }
    }
    Ok(Excluded(out))
}

fn code(name: &str) -> Result<Code, String> {
    Code::parse(name).ok_or_else(|| {
        let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        format!("unknown rule `{name}`; the rules are {}", all.join(", "))
    })
}

/// The preset (every rule off, its rules on as errors: graph-validator fails a run on any of its
/// findings), then each `--rule`, then each `--exclude`.
pub fn overrides(
    preset: Option<&str>,
    rules: &[(Code, Option<Severity>)],
    exclude: &[Excluded],
) -> Result<Overrides, String> {
    let mut out = Overrides::new();
    if let Some(name) = preset {
        let validations =
            presets::preset(name).ok_or_else(|| format!("unknown preset `{name}`"))?;
        let on = presets::codes(validations).map_err(|e| format!("--preset {name}: {e}"))?;
        for &c in Code::ALL {
            // diagnostics-omitted is no check: it counts the findings a cut left out.
            if c != Code::DiagnosticsOmitted {
                out.push((c, on.contains(&c).then_some(Severity::Error)));
            }
        }
    }
    out.extend_from_slice(rules);
    out.extend(exclude.iter().flat_map(|e| e.0.iter().map(|&c| (c, None))));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_values_and_their_errors() {
        assert_eq!(
            parse_rule("id-not-lowercase=warning"),
            Ok((Code::IdNotLowercase, Some(Severity::Warning)))
        );
        assert_eq!(parse_rule("id-invalid = off"), Ok((Code::IdInvalid, None)));
        assert_eq!(
            parse_rule("id-invalid=info"),
            Ok((Code::IdInvalid, Some(Severity::Information)))
        );
        assert!(parse_rule("id-invalid")
            .unwrap_err()
            .contains("RULE=SEVERITY"));
        assert!(parse_rule("id-invalid=loud")
            .unwrap_err()
            .contains("`loud` is not a severity"));
        let e = parse_rule("no-such=off").unwrap_err();
        assert!(e.contains("unknown rule `no-such`") && e.contains("card-no-answer"));
    }

    #[test]
    fn exclude_takes_codes_and_validation_names_in_one_value() {
        let e =
            parse_excluded("id-invalid, block-refs-link-to-blocks-that-exist  id-ignored").unwrap();
        assert_eq!(
            e.0,
            [
                Code::IdInvalid,
                Code::BlockRefUnresolved,
                Code::BlockRefMalformed,
                Code::IdIgnored
            ]
        );
        assert!(parse_excluded("").unwrap().0.is_empty());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().to_str().unwrap();
        assert!(parse_excluded(p).unwrap_err().contains("is a path"));
    }

    #[test]
    fn later_options_win() {
        let o = overrides(
            None,
            &[(Code::IdInvalid, Some(Severity::Hint))],
            &[Excluded(vec![Code::IdInvalid])],
        )
        .unwrap();
        assert_eq!(o.last(), Some(&(Code::IdInvalid, None)));
    }
}
