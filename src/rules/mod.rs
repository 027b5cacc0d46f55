//! The rule engine: [`check`] reads any profile tree (generated or foreign) and
//! returns a [`Report`] of [`Finding`]s. Rules are data ([`Rule`]) with stable ids
//! ([`RuleId`]), a severity, the macOS range where they apply, the facts they come
//! from and a fix hint; [`RULES`] lists them all. A rule whose findings can be
//! repaired with certainty carries its repair, which [`crate::lint::fix()`] runs.

mod combination;
mod context;
mod declaration;
mod enrollment;
mod extension_data;
pub(crate) mod fix;
mod macos27;
mod microsoft;
mod placement;
mod rule_id;
mod schema;
mod signature;
mod structure;

use serde::Serialize;

pub use context::{Context, Declared, EXTENSIBLE_SSO, SsoPayload};
pub use enrollment::ENROLLMENT_PAYLOAD_TYPES;
pub use rule_id::{RuleId, UnknownRuleId};

use crate::model::{MacOsRange, Target};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Info,
    /// Probably a mistake; fails a run only with `--strict`.
    Warning,
    /// The profile does not work as Microsoft and Apple require.
    Error,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Where the facts behind a rule come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleSource {
    /// Microsoft's table of required Platform SSO settings.
    MicrosoftRequiredTable,
    /// Microsoft's Platform SSO documentation beyond the required table.
    MicrosoftDocs,
    /// Apple's device-management schema for the payload or the profile.
    AppleSchema,
    /// A mistake documented in public profiles and Microsoft's troubleshooting pages.
    DocumentedPitfall,
}

impl std::fmt::Display for RuleSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RuleSource::MicrosoftRequiredTable => "Microsoft's required Platform SSO settings",
            RuleSource::MicrosoftDocs => "Microsoft's Platform SSO documentation",
            RuleSource::AppleSchema => "Apple's device-management schema",
            RuleSource::DocumentedPitfall => "a documented pitfall",
        })
    }
}

/// One rule: what it checks, why, and how to fix what it finds.
#[derive(Clone, Copy, Serialize)]
pub struct Rule {
    /// Stable id, such as `sso.screen-locked-behavior`.
    pub id: RuleId,
    /// The severity of its findings.
    pub severity: Severity,
    /// What the rule checks, in one line.
    pub summary: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// Where the facts come from.
    pub source: RuleSource,
    /// The macOS versions where it applies, such as `13+` or `13 only`: the rule
    /// runs only for a fleet where some Mac runs one of them.
    pub macos: MacOsRange,
    /// How to fix a finding.
    pub fix: &'static str,
    #[serde(skip)]
    check: fn(&Context<'_>, &mut Sink<'_>),
    /// The autofix of its findings, for the rules whose right value is certain.
    #[serde(skip)]
    repair: Option<fix::Repair>,
}

impl Rule {
    /// The rule's repair, if it has one.
    pub(crate) fn repair(&self) -> Option<fix::Repair> {
        self.repair
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("severity", &self.severity)
            .finish()
    }
}

/// One problem found in a profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The id of the rule that found it.
    pub rule: RuleId,
    /// How serious it is.
    pub severity: Severity,
    /// The key path, such as `PayloadContent[0].PlatformSSO.UseSharedDeviceKeys`
    /// (empty for the profile as a whole).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

/// The findings of one [`check`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Every finding, in rule order.
    pub findings: Vec<Finding>,
}

impl Report {
    /// The number of findings of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// Whether the report fails a run: errors, or warnings too when `strict`.
    pub fn fails(&self, strict: bool) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == Severity::Error || (strict && f.severity == Severity::Warning))
    }

    /// Whether a finding of `rule` is present.
    pub fn has(&self, rule: RuleId) -> bool {
        self.findings.iter().any(|f| f.rule == rule)
    }
}

/// Collects the findings of one rule.
pub struct Sink<'a> {
    rule: &'static Rule,
    findings: &'a mut Vec<Finding>,
}

impl Sink<'_> {
    /// Reports a problem at `path` with the rule's own fix hint.
    pub fn emit(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.emit_fix(path, message, self.rule.fix);
    }

    /// Reports a problem at `path` with a fix hint of its own.
    pub fn emit_fix(
        &mut self,
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.findings.push(Finding {
            rule: self.rule.id,
            severity: self.rule.severity,
            path: path.into(),
            message: message.into(),
            fix: fix.into(),
        });
    }
}

/// Every rule, in the order they run and report.
pub static RULES: std::sync::LazyLock<Vec<Rule>> = std::sync::LazyLock::new(|| {
    let mut rules = Vec::new();
    rules.extend_from_slice(structure::RULES);
    rules.extend_from_slice(microsoft::RULES);
    rules.extend_from_slice(schema::RULES);
    rules.extend_from_slice(placement::RULES);
    rules.extend_from_slice(extension_data::RULES);
    rules.extend_from_slice(combination::RULES);
    rules.extend_from_slice(macos27::RULES);
    rules.extend_from_slice(enrollment::RULES);
    rules.extend_from_slice(declaration::RULES);
    rules.extend_from_slice(signature::RULES);
    rules
});

/// Checks a profile tree for the fleet `target` and reports every finding.
///
/// `check` never panics and accepts any [`plist::Value`]: a root that is not a
/// dictionary is itself a finding.
pub fn check(profile: &plist::Value, target: &Target) -> Report {
    check_signed(profile, target, None)
}

/// Checks beyond those every profile gets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checks {
    /// The profile is the one an MDM serves at `ProfileURL` after answering
    /// `com.apple.psso.required` during Automated Device Enrollment: the
    /// `enrollment.*` rules check the payload types Apple allows there,
    /// `EnableRegistrationDuringSetup`, the fleet (macOS 26+) and Microsoft's
    /// conditions for the flow.
    pub enrollment: bool,
}

/// [`check`] for a profile that came signed: the signature's problems become
/// `signature.*` findings.
pub fn check_signed(
    profile: &plist::Value,
    target: &Target,
    signature: Option<&crate::sign::Verification>,
) -> Report {
    check_with(profile, target, signature, Checks::default())
}

/// [`check_signed`] with the [`Checks`] asked for.
pub fn check_with(
    profile: &plist::Value,
    target: &Target,
    signature: Option<&crate::sign::Verification>,
    checks: Checks,
) -> Report {
    let mut context = Context::new(profile, *target);
    context.signature = signature;
    context.enrollment = checks.enrollment;
    let mut findings = Vec::new();
    for rule in RULES.iter().filter(|r| r.macos.applies_to(target)) {
        let mut sink = Sink {
            rule,
            findings: &mut findings,
        };
        (rule.check)(&context, &mut sink);
    }
    Report { findings }
}

/// The rules that judge what only a profile has, left out when checking a
/// declaration: the envelope [`check_declaration`] makes up (identifiers, UUIDs,
/// scope, the payload count), the deprecated key only macOS 13 reads, payload UUIDs
/// (a declaration names asset declarations instead), and the signature.
pub const PROFILE_ONLY_RULES: &[RuleId] = &[
    RuleId::ProfileRoot,
    RuleId::ProfilePayloadType,
    RuleId::ProfilePayloadVersion,
    RuleId::ProfileIdentifier,
    RuleId::ProfileUuid,
    RuleId::ProfileSsoPayloadCount,
    RuleId::ProfileScopeUser,
    RuleId::SsoAuthMethodMacos13,
    RuleId::SchemaDeprecatedKey,
    RuleId::PssoAccessKeyPayload,
    RuleId::SignatureInvalid,
    RuleId::SignatureWarning,
    RuleId::SignatureCertificatePolicy,
    RuleId::SignatureWeakAlgorithm,
    RuleId::SignaturePlaceholders,
];

/// Checks a declaration (its JSON read as a property-list tree) for the fleet
/// `target`, with the same rules as a profile, and reports at the declaration's own
/// key paths (`Payload.PlatformSSO.UserCreation.EnableAtLogin`).
///
/// An `extensible-sso` declaration is read into the profile tree it stands for
/// ([`crate::declaration::to_profile`]) and checked as a profile for a fleet from
/// macOS 27 at least (no older Mac reads it; `declaration.macos` says so when
/// `target` starts earlier), without [`PROFILE_ONLY_RULES`]; the `declaration.*`
/// rules check what has no profile equivalent. A `legacy` declaration gets the
/// `declaration.*` rules only. Never panics, whatever the value.
pub fn check_declaration(declaration_value: &plist::Value, target: &Target) -> Report {
    use crate::declaration::{self as form, map};
    let sso = form::declaration_type(declaration_value) == Some(form::EXTENSIBLE_SSO);
    let checked = if sso {
        Target::new(target.min_macos.max(form::EXTENSIBLE_SSO_MACOS))
    } else {
        *target
    };
    let profile = form::to_profile(declaration_value);
    let mut context = Context::new(&profile, checked);
    context.declaration = Some(Declared {
        value: declaration_value,
        fleet: *target,
    });
    let own: Vec<RuleId> = declaration::RULES.iter().map(|r| r.id).collect();
    let mut findings = Vec::new();
    for rule in RULES.iter().filter(|r| r.macos.applies_to(&checked)) {
        let runs = if sso {
            !PROFILE_ONLY_RULES.contains(&rule.id)
        } else {
            own.contains(&rule.id)
        };
        if !runs {
            continue;
        }
        let start = findings.len();
        let mut sink = Sink {
            rule,
            findings: &mut findings,
        };
        (rule.check)(&context, &mut sink);
        if own.contains(&rule.id) {
            continue;
        }
        for f in &mut findings[start..] {
            f.path = map::declaration_path(&f.path);
            if matches!(
                f.rule,
                RuleId::SsoExtensionIdentifier | RuleId::SsoTeamIdentifier
            ) {
                f.fix = "set `ExtensionComposedIdentifier` to `com.microsoft.CompanyPortalMac.ssoextension (UBF8T346G9)`".to_string();
            }
            f.message = in_declaration_terms(&f.message);
            f.fix = in_declaration_terms(&f.fix);
        }
    }
    Report { findings }
}

/// A message or fix of a profile rule in the declaration's terms: property-list
/// snippets (`<key>K</key><true/>`) as JSON (`"K": true`), and the profile's key
/// names that the declaration names otherwise as the declaration names them
/// (`EnableCreateUserAtLogin` as `UserCreation.EnableAtLogin`).
pub(crate) fn in_declaration_terms(text: &str) -> String {
    use crate::declaration::map;
    let mut out = text.to_string();
    if out.contains('<') {
        for (from, to) in [
            ("</string><string>", "</string>, <string>"),
            ("</string><key>", "</string>, <key>"),
            ("<true/><key>", "<true/>, <key>"),
            ("</array><key>", "</array>, <key>"),
        ] {
            out = out.replace(from, to);
        }
        for (from, to) in [
            ("<true/>", "true"),
            ("<false/>", "false"),
            ("<array>", "["),
            ("</array>", "]"),
            ("<dict>", "{"),
            ("</dict>", "}"),
            ("<string>", "\""),
            ("</string>", "\""),
            ("<integer>", ""),
            ("</integer>", ""),
            ("<key>", "\""),
            ("</key>", "\": "),
        ] {
            out = out.replace(from, to);
        }
    }
    for e in map::ENTRIES {
        let Some(profile) = e.profile_path() else {
            continue;
        };
        let profile_name = profile.rsplit('.').next().unwrap_or(profile);
        if profile_name == e.name() {
            continue;
        }
        let relative = e
            .declaration
            .strip_prefix("PlatformSSO.")
            .unwrap_or(e.declaration);
        out = replace_word(&out, profile_name, relative);
    }
    out
}

/// `text` with every whole-word `word` replaced by `with`.
fn replace_word(text: &str, word: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        out.push_str(&rest[..at]);
        if boundary(before) && boundary(after) {
            out.push_str(with);
        } else {
            out.push_str(word);
        }
        rest = &rest[at + word.len()..];
    }
    out.push_str(rest);
    out
}

/// Formats a plist value briefly for messages: `"Cancel"` as `` `Cancel` ``, a
/// dictionary as `a dictionary`.
pub(crate) fn describe(value: &plist::Value) -> String {
    match value {
        plist::Value::String(s) => format!("`{s}`"),
        plist::Value::Boolean(b) => format!("`{b}`"),
        plist::Value::Integer(i) => format!("`{i}`"),
        plist::Value::Real(r) => format!("`{r}`"),
        other => crate::catalog::apple::Kind::of(other)
            .map_or_else(|| "a UID".to_string(), |k| k.to_string()),
    }
}

#[cfg(test)]
mod tests;
