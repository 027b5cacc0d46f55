//! Rules on the `ExtensionData` of the Microsoft SSO payload, against the plug-in's
//! catalog of keys.

use plist::Value;

use super::fix::{Fixer, place, platform_sso};
use super::placement::normalize;
use super::{
    Applies, Context, Rule, RuleId, RuleSource, Severity, Sink, SsoPayload,
    configures_platform_sso, describe,
};
use crate::catalog::apple::{self, Kind, Scope};
use crate::catalog::extension_data::{self, Platforms};
use crate::model::{MacOs, MacOsRange};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::ExtPssoKey,
        severity: Severity::Error,
        summary: "Platform SSO settings are not put into `ExtensionData`.",
        rationale: "`ExtensionData` goes to the plug-in, not to macOS: `AuthenticationMethod`, `RegistrationToken` or `LoginFrequency` there configure nothing.",
        source: RuleSource::DocumentedPitfall,
        applies: Applies::Microsoft,
        macos: MacOsRange::from(MacOs::V13),
        fix: "move the setting to the place Apple defines it",
        check: psso_key,
        repair: Some(fix_psso_key),
    },
    Rule {
        id: RuleId::ExtType,
        severity: Severity::Error,
        summary: "`ExtensionData` keys of the SSO plug-in have the type Microsoft documents.",
        rationale: "The plug-in reads flags as integers 0 or 1 and lists as one comma-separated string; another type is not understood.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::Microsoft,
        macos: MacOsRange::from(MacOs::V13),
        fix: "write the value with the documented type",
        check: types,
        repair: Some(fix_types),
    },
    Rule {
        id: RuleId::ExtIosOnly,
        severity: Severity::Warning,
        summary: "`ExtensionData` keys that work only on iOS and iPadOS are not used.",
        rationale: "Microsoft documents `AppCookieSSOAllowList`, `disable_inapp_sso_signin` and `device_registration` for iOS only; on macOS they do nothing.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::Microsoft,
        macos: MacOsRange::from(MacOs::V13),
        fix: "remove the key from the macOS profile",
        check: ios_only,
        repair: None,
    },
    Rule {
        id: RuleId::ExtDeprecated,
        severity: Severity::Warning,
        summary: "Deprecated `ExtensionData` keys are not used.",
        rationale: "Microsoft marks `browser_sso_disable_mfa` as deprecated; it has no effect.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::Microsoft,
        macos: MacOsRange::from(MacOs::V13),
        fix: "remove the key",
        check: deprecated,
        repair: None,
    },
    Rule {
        id: RuleId::ExtUnknownKey,
        severity: Severity::Warning,
        summary: "`ExtensionData` holds only keys the Microsoft SSO plug-in documents.",
        rationale: "Microsoft: \"Any undocumented Platform SSO settings aren't supported.\" Keys such as `tenant_id` or `platform_sso_enabled` do nothing.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::Microsoft,
        macos: MacOsRange::from(MacOs::V13),
        fix: "remove the key, or correct its spelling",
        check: unknown,
        repair: None,
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
    ctx.targets().flat_map(|payload| {
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

/// Moves Platform SSO settings out of `ExtensionData` to the place Apple defines
/// them (a value already there wins), or removes them when they are not valid
/// values of that key.
fn fix_psso_key(fixer: &mut Fixer<'_>) {
    let Some(p) = fixer.payload() else { return };
    let base = p.path("");
    let sso = p.dict;
    // A Platform SSO setting moves into PlatformSSO only where the payload
    // configures Platform SSO already: a repair never turns it on.
    let platform_ok = configures_platform_sso(sso);
    let Some(Value::Dictionary(ext)) = sso.get_mut("ExtensionData") else {
        return;
    };
    let stray: Vec<(String, &'static apple::AppleKey)> = ext
        .keys()
        .filter(|k| extension_data::lookup(k).is_none())
        .filter_map(|k| {
            let wanted = normalize(k);
            apple::KEYS
                .iter()
                .filter(|a| {
                    a.scope == Scope::ExtensibleSso
                        && a.path != "ExtensionData"
                        && a.kind != Kind::Dictionary
                })
                .find(|a| normalize(a.name()) == wanted)
                .map(|a| (k.clone(), a))
        })
        .filter(|(_, a)| {
            platform_ok
                || !(a.path.starts_with("PlatformSSO.")
                    || ["AuthenticationMethod", "RegistrationToken"].contains(&a.path))
        })
        .collect();
    let mut moved = Vec::new();
    for (key, apple_key) in stray {
        if let Some(value) = ext.remove(&key) {
            moved.push((key, apple_key, value));
        }
    }
    for (key, apple_key, value) in moved {
        let from = format!("{base}.ExtensionData.{key}");
        let fits = Kind::of(&value).is_some_and(|k| apple_key.kind.accepts(k))
            && (apple_key.allowed.is_empty()
                || value
                    .as_string()
                    .is_some_and(|s| apple_key.allowed.contains(&s)));
        if !fits {
            p.notes.note(
                RuleId::ExtPssoKey,
                from,
                format!(
                    "removed: not a valid `{}` (set that key in the payload instead)",
                    apple_key.path
                ),
                "none: neither macOS nor the plug-in read it in ExtensionData",
            );
            continue;
        }
        let (dict, name) = match apple_key.path.split_once('.') {
            Some(("PlatformSSO", rest)) if !rest.contains('.') => match platform_sso(sso) {
                Some(platform) => (platform, rest),
                None => continue,
            },
            None => (&mut *sso, apple_key.path),
            _ => continue,
        };
        let to = format!("{base}.{}", apple_key.path);
        place(p.notes, RuleId::ExtPssoKey, dict, name, value, from, to);
    }
}

/// Writes `ExtensionData` flags given as strings (`"1"`) or booleans as the
/// integers the plug-in reads.
fn fix_types(fixer: &mut Fixer<'_>) {
    let Some(p) = fixer.payload() else { return };
    let base = p.path("");
    let Some(Value::Dictionary(ext)) = p.dict.get_mut("ExtensionData") else {
        return;
    };
    for (key, value) in ext.iter_mut() {
        let Some(entry) = extension_data::lookup(key) else {
            continue;
        };
        if entry.value_type.accepts(value) {
            continue;
        }
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Boolean(b) => u8::from(*b).to_string(),
            Value::Integer(i) => i.to_string(),
            _ => continue,
        };
        if let Ok(typed) = entry.value_type.parse(key, &text) {
            p.notes.note(
                RuleId::ExtType,
                format!("{base}.ExtensionData.{key}"),
                format!("written as {}", entry.value_type),
                "the plug-in reads the setting, which it ignored with another type",
            );
            *value = typed;
        }
    }
}
