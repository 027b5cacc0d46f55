//! Rules on the `ExtensionData` of the Microsoft SSO payload, against the plug-in's
//! catalog of keys.

use plist::Value;

use super::placement::normalize;
use super::{Context, Rule, RuleId, RuleSource, Severity, Sink, SsoPayload, describe};
use crate::catalog::apple::{self, Scope};
use crate::catalog::extension_data::{self, Platforms};
use crate::model::{MacOs, MacOsRange};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::ExtPssoKey,
        severity: Severity::Error,
        summary: "Platform SSO settings are not put into `ExtensionData`.",
        rationale: "`ExtensionData` goes to the plug-in, not to macOS: `AuthenticationMethod`, `RegistrationToken` or `LoginFrequency` there configure nothing.",
        source: RuleSource::DocumentedPitfall,
        macos: MacOsRange::from(MacOs::V13),
        fix: "move the setting to the place Apple defines it",
        check: psso_key,
    },
    Rule {
        id: RuleId::ExtType,
        severity: Severity::Error,
        summary: "`ExtensionData` keys of the SSO plug-in have the type Microsoft documents.",
        rationale: "The plug-in reads flags as integers 0 or 1 and lists as one comma-separated string; another type is not understood.",
        source: RuleSource::MicrosoftDocs,
        macos: MacOsRange::from(MacOs::V13),
        fix: "write the value with the documented type",
        check: types,
    },
    Rule {
        id: RuleId::ExtIosOnly,
        severity: Severity::Warning,
        summary: "`ExtensionData` keys that work only on iOS and iPadOS are not used.",
        rationale: "Microsoft documents `AppCookieSSOAllowList`, `disable_inapp_sso_signin` and `device_registration` for iOS only; on macOS they do nothing.",
        source: RuleSource::MicrosoftDocs,
        macos: MacOsRange::from(MacOs::V13),
        fix: "remove the key from the macOS profile",
        check: ios_only,
    },
    Rule {
        id: RuleId::ExtDeprecated,
        severity: Severity::Warning,
        summary: "Deprecated `ExtensionData` keys are not used.",
        rationale: "Microsoft marks `browser_sso_disable_mfa` as deprecated; it has no effect.",
        source: RuleSource::MicrosoftDocs,
        macos: MacOsRange::from(MacOs::V13),
        fix: "remove the key",
        check: deprecated,
    },
    Rule {
        id: RuleId::ExtUnknownKey,
        severity: Severity::Warning,
        summary: "`ExtensionData` holds only keys the Microsoft SSO plug-in documents.",
        rationale: "Microsoft: \"Any undocumented Platform SSO settings aren't supported.\" Keys such as `tenant_id` or `platform_sso_enabled` do nothing.",
        source: RuleSource::MicrosoftDocs,
        macos: MacOsRange::from(MacOs::V13),
        fix: "remove the key, or correct its spelling",
        check: unknown,
    },
];

/// One `ExtensionData` entry of a Microsoft SSO payload.
struct Entry<'c> {
    payload: &'c SsoPayload<'c>,
    name: &'c str,
    value: &'c Value,
}

impl Entry<'_> {
    /// The entry's key path, made only for a finding.
    fn path(&self) -> String {
        self.payload.path(&format!("ExtensionData.{}", self.name))
    }
}

/// Each `ExtensionData` entry of the Microsoft SSO payloads.
fn entries<'c>(ctx: &'c Context<'_>) -> impl Iterator<Item = Entry<'c>> + 'c {
    ctx.sso
        .iter()
        .filter(|p| p.is_microsoft())
        .flat_map(|payload| {
            payload
                .get("ExtensionData")
                .and_then(Value::as_dictionary)
                .into_iter()
                .flat_map(move |d| {
                    d.iter().map(move |(k, value)| Entry {
                        payload,
                        name: k.as_str(),
                        value,
                    })
                })
        })
}

/// The Apple key a misplaced `ExtensionData` entry stands for, if any.
fn apple_key(name: &str) -> Option<&'static apple::AppleKey> {
    let wanted = normalize(name);
    apple::KEYS
        .iter()
        .filter(|k| k.scope == Scope::ExtensibleSso && k.path != "ExtensionData")
        .find(|k| normalize(k.name()) == wanted)
}

fn psso_key(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for entry in entries(ctx) {
        if extension_data::lookup(entry.name).is_some() {
            continue;
        }
        if let Some(key) = apple_key(entry.name) {
            sink.emit_fix(
                entry.path(),
                format!("is a Platform SSO setting, not a plug-in key; macOS reads `{}` only in the payload", key.path),
                format!("move it to the payload's `{}`", key.path),
            );
        }
    }
}

fn types(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for entry in entries(ctx) {
        if let Some(key) = extension_data::lookup(entry.name)
            && !key.value_type.accepts(entry.value)
        {
            sink.emit(
                entry.path(),
                format!(
                    "is {}; the plug-in reads {}",
                    describe(entry.value),
                    key.value_type
                ),
            );
        }
    }
}

fn ios_only(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for entry in entries(ctx) {
        if extension_data::lookup(entry.name).is_some_and(|k| k.platforms == Platforms::IosOnly) {
            sink.emit(
                entry.path(),
                "works on iOS and iPadOS only; the plug-in ignores it on macOS",
            );
        }
    }
}

fn deprecated(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for entry in entries(ctx) {
        if extension_data::lookup(entry.name).is_some_and(|k| k.deprecated) {
            sink.emit(entry.path(), "is deprecated by Microsoft and has no effect");
        }
    }
}

fn unknown(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for entry in entries(ctx) {
        if extension_data::lookup(entry.name).is_some() || apple_key(entry.name).is_some() {
            continue;
        }
        let wanted = normalize(entry.name);
        match extension_data::KEYS
            .iter()
            .find(|k| normalize(k.key) == wanted)
        {
            Some(k) => sink.emit_fix(
                entry.path(),
                format!(
                    "is not a key of the Microsoft SSO plug-in; did you mean `{}`?",
                    k.key
                ),
                format!("rename it to `{}`", k.key),
            ),
            None => sink.emit(
                entry.path(),
                "is not a key the Microsoft SSO plug-in documents; it does nothing",
            ),
        }
    }
}
