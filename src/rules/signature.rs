//! Rules on a signed profile's CMS signature, from [`crate::sign::verify`]: a
//! tampered or untrusted signed profile is a finding, not a silent pass.

use plist::Value;

use super::{Applies, Context, Rule, RuleId, RuleSource, Severity, Sink};
use crate::model::MacOsRange;
use crate::sign::{Problem, ProblemKind, Severity as ProblemSeverity};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::SignatureInvalid,
        severity: Severity::Error,
        summary: "A signed profile's signature verifies: digest, signature, signer certificate, and the chain to the given CAs.",
        rationale: "macOS refuses a profile whose signature does not verify; a changed byte after signing is tampering or a broken pipeline.",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
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
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "sign again with a certificate that is valid",
        check: warnings,
        repair: None,
    },
    Rule {
        id: RuleId::SignatureCertificatePolicy,
        severity: Severity::Error,
        summary: "The certificates from the signer to the given CA may sign profiles: issuers are CAs within their path length and may sign certificates; the signer's key usage and extended key usage allow S/MIME signing.",
        rationale: "A chain through a certificate that is not a CA lets anyone with an end-entity certificate forge signers; OpenSSL and macOS refuse such chains.",
        source: RuleSource::DocumentedPitfall,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "sign with a certificate issued for signing (digitalSignature, emailProtection) by a CA certificate (basicConstraints cA:TRUE, keyCertSign)",
        check: certificate_policy,
        repair: None,
    },
    Rule {
        id: RuleId::SignatureWeakAlgorithm,
        severity: Severity::Warning,
        summary: "A signed profile's signature and chain use neither SHA-1 nor RSA keys under 2048 bits.",
        rationale: "SHA-1 collisions can be computed and short RSA keys factored; the signature verifies, but proves less.",
        source: RuleSource::DocumentedPitfall,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "sign again with SHA-256 and an RSA key of 2048 bits or more, or an ECDSA key (`psso-profile sign` does)",
        check: weak_algorithm,
        repair: None,
    },
    Rule {
        id: RuleId::SignaturePlaceholders,
        severity: Severity::Warning,
        summary: "A signed profile holds no MDM placeholders such as `{{DEVICEREGISTRATION}}`.",
        rationale: "An MDM substitutes placeholders after the profile is signed, which breaks the signature; sign after substitution, or deliver unsigned.",
        source: RuleSource::DocumentedPitfall,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "let the MDM substitute the placeholder and sign afterwards, or deliver the profile unsigned",
        check: placeholders,
        repair: None,
    },
];

/// Whether a problem is a certificate of the chain unfit for signing.
fn is_policy(problem: &Problem) -> bool {
    matches!(
        problem.kind,
        ProblemKind::NotACa
            | ProblemKind::PathLengthExceeded
            | ProblemKind::IssuerKeyUsage
            | ProblemKind::SignerKeyUsage
            | ProblemKind::ExtendedKeyUsage
            | ProblemKind::InvalidExtension
    ) && problem.severity == ProblemSeverity::Error
}

/// Whether a problem is a weak algorithm that still verified.
fn is_weak(problem: &Problem) -> bool {
    matches!(problem.kind, ProblemKind::WeakDigest | ProblemKind::WeakKey)
        && problem.severity == ProblemSeverity::Warning
}

fn invalid(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for problem in ctx.signature.iter().flat_map(|v| &v.problems) {
        if problem.severity == ProblemSeverity::Error && !is_policy(problem) {
            sink.emit("", format!("the signature is invalid: {}", problem.message));
        }
    }
}

fn certificate_policy(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for problem in ctx.signature.iter().flat_map(|v| &v.problems) {
        if is_policy(problem) {
            sink.emit("", format!("the signature is invalid: {}", problem.message));
        }
    }
}

fn weak_algorithm(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for problem in ctx.signature.iter().flat_map(|v| &v.problems) {
        if is_weak(problem) {
            sink.emit("", format!("the signature is weak: {}", problem.message));
        }
    }
}

fn warnings(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for problem in ctx.signature.iter().flat_map(|v| &v.problems) {
        if problem.severity == ProblemSeverity::Warning && !is_weak(problem) {
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
