//! Rules on a signed profile's CMS signature, from [`crate::sign::verify`]: a
//! tampered or untrusted signed profile is a finding, not a silent pass.

use plist::Value;

use super::{Context, Rule, RuleId, RuleSource, Severity, Sink};
use crate::model::MacOsRange;
use crate::sign::Severity as ProblemSeverity;

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::SignatureInvalid,
        severity: Severity::Error,
        summary: "A signed profile's signature verifies: digest, signature, signer certificate, and the chain to the given CAs.",
        rationale: "macOS refuses a profile whose signature does not verify; a changed byte after signing is tampering or a broken pipeline.",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::ALL,
        fix: "sign the profile again (`psso-profile sign`), after the last change to it",
        check: invalid,
        repair: None,
    },
    Rule {
        id: RuleId::SignatureWarning,
        severity: Severity::Warning,
        summary: "A signed profile's signer certificate is valid now and at signing time.",
        rationale: "An expired or not-yet-valid signer shows as unverified on the Mac, and MDMs may refuse it.",
        source: RuleSource::DocumentedPitfall,
        macos: MacOsRange::ALL,
        fix: "sign again with a certificate that is valid",
        check: warnings,
        repair: None,
    },
    Rule {
        id: RuleId::SignaturePlaceholders,
        severity: Severity::Warning,
        summary: "A signed profile holds no MDM placeholders such as `{{DEVICEREGISTRATION}}`.",
        rationale: "An MDM substitutes placeholders after the profile is signed, which breaks the signature; sign after substitution, or deliver unsigned.",
        source: RuleSource::DocumentedPitfall,
        macos: MacOsRange::ALL,
        fix: "let the MDM substitute the placeholder and sign afterwards, or deliver the profile unsigned",
        check: placeholders,
        repair: None,
    },
];

fn invalid(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for problem in ctx.signature.iter().flat_map(|v| &v.problems) {
        if problem.severity == ProblemSeverity::Error {
            sink.emit("", format!("the signature is invalid: {}", problem.message));
        }
    }
}

fn warnings(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for problem in ctx.signature.iter().flat_map(|v| &v.problems) {
        if problem.severity == ProblemSeverity::Warning {
            sink.emit(
                "",
                format!("the signature has a problem: {}", problem.message),
            );
        }
    }
}

fn placeholders(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if ctx.signature.is_none() {
        return;
    }
    let Some(root) = ctx.root else { return };
    let mut found = Vec::new();
    strings(&Value::Dictionary(root.clone()), String::new(), &mut found);
    for (path, text) in found {
        if (text.contains("{{") && text.contains("}}")) || text.contains("$FLEET_VAR_") {
            sink.emit(path, format!("holds the MDM placeholder `{text}` in a signed profile; substituting it breaks the signature"));
        }
    }
}

fn strings(value: &Value, path: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) => out.push((path, s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(item, format!("{path}[{i}]"), out);
            }
        }
        Value::Dictionary(d) => {
            for (k, v) in d {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                strings(v, p, out);
            }
        }
        _ => {}
    }
}
