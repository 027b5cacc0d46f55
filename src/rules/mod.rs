//! The rule engine: [`check`] reads any profile tree (generated or foreign) and
//! returns a [`Report`] of [`Finding`]s. Every payload is classified first
//! ([`PayloadKind`]); rules are data ([`Rule`]) with stable ids ([`RuleId`]), a
//! severity, the payloads they apply to ([`Applies`]), the macOS range where they
//! apply, the facts they come from and a fix hint; [`RULES`] lists them all. A rule
//! whose findings can be repaired with certainty carries its repair, which
//! [`crate::lint::fix()`] runs. [`check_fleet`] checks profiles installed together.

mod combination;
mod context;
mod declaration;
mod enrollment;
mod extension_data;
pub(crate) mod fix;
mod fleet;
mod kerberos;
mod kind;
mod macos27;
mod microsoft;
mod options;
mod placement;
mod rule_id;
mod schema;
mod signature;
mod structure;

use serde::Serialize;

pub use context::{Context, Declared, SsoPayload};
pub(crate) use declaration::in_declaration_terms;
pub use declaration::{PROFILE_ONLY_RULES, check_declaration};
pub use enrollment::ENROLLMENT_PAYLOAD_TYPES;
pub use fleet::{FleetFinding, FleetMember, Location, check_fleet};
pub use kind::{Applies, EXTENSIBLE_SSO, PayloadKind, configures_platform_sso};
pub use options::{Expect, Options, TargetReason, TargetSource, infer_target};
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
    /// The payloads it reads.
    pub applies: Applies,
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
            .field("applies", &self.applies)
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
    rules.extend_from_slice(kerberos::RULES);
    rules.extend_from_slice(macos27::RULES);
    rules.extend_from_slice(enrollment::RULES);
    rules.extend_from_slice(declaration::RULES);
    rules.extend_from_slice(signature::RULES);
    rules.extend_from_slice(fleet::RULES);
    rules
});

/// Checks a profile tree for the fleet `target`, judging each payload by what it
/// configures, and reports every finding.
///
/// `check` never panics and accepts any [`plist::Value`]: a root that is not a
/// dictionary is itself a finding.
pub fn check(profile: &plist::Value, target: &Target) -> Report {
    check_with(profile, &Options::new(*target), None)
}

/// [`check`] for a profile that came signed: the signature's problems become
/// `signature.*` findings.
pub fn check_signed(
    profile: &plist::Value,
    target: &Target,
    signature: Option<&crate::sign::Verification>,
) -> Report {
    check_with(profile, &Options::new(*target), signature)
}

/// Checks a profile with `options` (the fleet, where it came from, and what the
/// profile is meant to configure); `signature` is the verified signature of a
/// profile that came signed.
pub fn check_with(
    profile: &plist::Value,
    options: &Options,
    signature: Option<&crate::sign::Verification>,
) -> Report {
    let mut context = Context::new(profile, options);
    context.signature = signature;
    context.enrollment = options.enrollment;
    let mut findings = Vec::new();
    for rule in RULES
        .iter()
        .filter(|r| r.applies != Applies::Fleet && r.macos.applies_to(&options.target))
    {
        context.applies = rule.applies;
        let mut sink = Sink {
            rule,
            findings: &mut findings,
        };
        (rule.check)(&context, &mut sink);
    }
    // No finding quotes a secret (a registration token, a password).
    crate::inspect::redact_findings(profile, &mut findings);
    Report { findings }
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
