//! Rules on the keys of a declaration that have no profile equivalent: its `Type`,
//! `Identifier`, `ServerToken` and `Payload`, the dictionaries that group the
//! `PlatformSSO` keys, keys Apple's declaration schema does not define, the composed
//! extension identifier, the macOS that reads it, and a legacy declaration's URL.
//! They report nothing for a profile; [`super::check_declaration`] runs them.

use plist::{Dictionary, Value};

use super::{
    Applies, Context, Declared, Report, Rule, RuleId, RuleSource, Severity, Sink, describe,
};
use crate::catalog::apple::Kind;
use crate::declaration::{self, map};
use crate::model::{MacOsRange, Target};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::DeclarationStructure,
        severity: Severity::Error,
        summary: "A declaration has its `Type`, `Identifier` and `ServerToken` strings and a `Payload` dictionary; the groups of `PlatformSSO` are dictionaries; `ExtensionComposedIdentifier` is `Bundle-ID (Team-ID)`.",
        rationale: "Apple: every declaration carries `Type`, `Identifier`, `ServerToken` and `Payload`; on macOS the extension is named by its composed identifier, the bundle identifier and the team identifier of its code signature, as in `com.example.app.sso-extension (ABCD1234)`.",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::ALL,
        fix: "write the key as Apple's declaration schema gives it",
        check: structure,
        applies: Applies::Profile,
        repair: None,
    },
    Rule {
        id: RuleId::DeclarationUnknownKey,
        severity: Severity::Warning,
        summary: "A declaration holds only keys Apple's declaration schema defines, where it defines them.",
        rationale: "A device ignores keys it does not know; a profile key name (`EnableCreateUserAtLogin`) in a declaration is a common slip, since the declaration names and groups the keys its own way (`UserCreation.EnableAtLogin`).",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::ALL,
        fix: "remove the key, or use the declaration's name for it",
        check: unknown_keys,
        applies: Applies::Profile,
        repair: None,
    },
    Rule {
        id: RuleId::DeclarationMacos,
        severity: Severity::Error,
        summary: "The `extensible-sso` declaration is for a fleet whose Macs all run macOS 27 or later.",
        rationale: "Macs before macOS 27 do not read `com.apple.configuration.extensible-sso`: they get no single sign-on from it. The declarative route for them is a `com.apple.configuration.legacy` declaration that installs the profile.",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::ALL,
        fix: "deliver the profile to Macs before macOS 27 (a legacy declaration or InstallProfile), or check for a fleet from macOS 27",
        check: macos,
        applies: Applies::Profile,
        repair: None,
    },
    Rule {
        id: RuleId::DeclarationProfileUrl,
        severity: Severity::Error,
        summary: "A legacy declaration's `ProfileURL` is a well-formed https URL.",
        rationale: "Apple: the URL of the profile to install \"needs to start with 'https://', and must be hosted by the MDM server\".",
        source: RuleSource::AppleSchema,
        macos: MacOsRange::ALL,
        fix: "set `ProfileURL` to the https URL where the MDM serves the profile",
        check: profile_url,
        applies: Applies::Profile,
        repair: None,
    },
];

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
    use crate::declaration as form;
    let sso = form::declaration_type(declaration_value) == Some(form::EXTENSIBLE_SSO);
    let checked = if sso {
        Target::new(target.min_macos.max(form::EXTENSIBLE_SSO_MACOS))
    } else {
        *target
    };
    let profile = form::to_profile(declaration_value);
    let mut context = Context::new(&profile, &super::Options::new(checked));
    context.declaration = Some(Declared {
        value: declaration_value,
        fleet: *target,
    });
    let own: Vec<RuleId> = RULES.iter().map(|r| r.id).collect();
    let mut findings = Vec::new();
    for rule in super::RULES
        .iter()
        .filter(|r| r.applies != Applies::Fleet && r.macos.applies_to(&checked))
    {
        let runs = if sso {
            !PROFILE_ONLY_RULES.contains(&rule.id)
        } else {
            own.contains(&rule.id)
        };
        if !runs {
            continue;
        }
        let start = findings.len();
        context.applies = rule.applies;
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
    for e in map::ENTRIES.iter() {
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

fn root<'a>(ctx: &Context<'a>) -> Option<(&'a Value, Option<&'a Dictionary>)> {
    let declared = ctx.declaration?;
    Some((declared.value, declared.value.as_dictionary()))
}

fn structure(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some((value, dict)) = root(ctx) else {
        return;
    };
    let Some(dict) = dict else {
        sink.emit(
            "",
            format!("is {}; a declaration is a JSON object", describe(value)),
        );
        return;
    };
    for key in ["Type", "Identifier", "ServerToken"] {
        match dict.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            Some(Value::String(_)) => sink.emit(key, "is empty; Apple requires a non-empty string"),
            Some(other) => sink.emit(key, format!("is {}; expected a string", describe(other))),
            None => sink.emit(key, "is missing; every declaration has it"),
        }
    }
    let payload = match dict.get("Payload") {
        Some(Value::Dictionary(p)) => p,
        Some(other) => {
            sink.emit(
                "Payload",
                format!("is {}; expected a dictionary", describe(other)),
            );
            return;
        }
        None => {
            sink.emit("Payload", "is missing; every declaration has it");
            return;
        }
    };
    if declaration::declaration_type(value) != Some(declaration::EXTENSIBLE_SSO) {
        return;
    }
    for e in map::ENTRIES.iter() {
        let Some(found) = lookup(payload, e.declaration) else {
            continue;
        };
        let path = format!("Payload.{}", e.declaration);
        match (e.profile, found) {
            (map::Counterpart::Group, Value::Dictionary(_)) => {}
            (map::Counterpart::Group, other) => sink.emit(
                path,
                format!(
                    "is {}; expected a dictionary of the `{}` settings",
                    describe(other),
                    e.name()
                ),
            ),
            (map::Counterpart::Composed, Value::String(text))
                if declaration::split_composed(text).1.is_none() =>
            {
                sink.emit_fix(
                    path,
                    format!("is `{text}`, without the `(Team-ID)` macOS needs in a composed identifier"),
                    format!("write it as `{} (TEAMID)`, with the team identifier of the extension's code signature", text.trim()),
                );
            }
            (map::Counterpart::Composed, Value::String(_)) => {}
            (map::Counterpart::Composed, other) => sink.emit(
                path,
                format!(
                    "is {}; expected a string `Bundle-ID (Team-ID)`",
                    describe(other)
                ),
            ),
            _ => {}
        }
    }
    if !payload.contains_key("ExtensionComposedIdentifier") {
        sink.emit_fix(
            "Payload.ExtensionComposedIdentifier",
            "is missing; Apple requires the extension's composed identifier",
            "set `ExtensionComposedIdentifier` to `Bundle-ID (Team-ID)`, such as `com.microsoft.CompanyPortalMac.ssoextension (UBF8T346G9)`",
        );
    }
}

/// The value at a `.`-joined path of nested dictionaries.
fn lookup<'a>(dict: &'a Dictionary, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut value = dict.get(parts.next()?)?;
    for part in parts {
        value = value.as_dictionary()?.get(part)?;
    }
    Some(value)
}

fn unknown_keys(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some((value, Some(dict))) = root(ctx) else {
        return;
    };
    for key in dict.keys() {
        if !map::DECLARATION_KEYS.contains(&key.as_str()) {
            sink.emit(key, "is not a key of a declaration; a device ignores it");
        }
    }
    let Some(Value::Dictionary(payload)) = dict.get("Payload") else {
        return;
    };
    match declaration::declaration_type(value) {
        Some(declaration::EXTENSIBLE_SSO) => walk(payload, "", sink),
        Some(declaration::LEGACY) => {
            for key in payload.keys().filter(|k| *k != "ProfileURL") {
                sink.emit(
                    format!("Payload.{key}"),
                    "is not a key of a legacy declaration, which has `ProfileURL` only",
                );
            }
        }
        _ => {}
    }
}

/// Reports the keys of the declaration dictionary at `path` (inside `Payload`) that
/// the declaration schema does not define there, and descends into those it does.
fn walk(dict: &Dictionary, path: &str, sink: &mut Sink<'_>) {
    for (name, value) in dict {
        let full = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        if let Some(e) = map::entry(&full) {
            let free = e.apple_key().is_some_and(|k| k.item.is_some());
            if let (Value::Dictionary(inner), Kind::Dictionary, false) = (value, e.kind(), free) {
                walk(inner, &full, sink);
            }
            continue;
        }
        let hint = suggestion(name, path);
        let (message, fix) = match hint {
            Some(home @ "ExtensionComposedIdentifier") => (
                format!("is not a key of the declaration; the declaration has it in `Payload.{home}`"),
                "write `Payload.ExtensionComposedIdentifier` as `Bundle-ID (Team-ID)` and remove this key".to_string(),
            ),
            Some(home) => (
                format!(
                    "is not a key of the declaration here; the declaration has it as `Payload.{home}`"
                ),
                format!("move it to `Payload.{home}`"),
            ),
            None => (
                "is not a key of the declaration; a device ignores it".to_string(),
                "remove the key, or use the declaration's name for it".to_string(),
            ),
        };
        sink.emit_fix(format!("Payload.{full}"), message, fix);
    }
}

/// Where the declaration keeps a key named `name` found in the dictionary at `path`:
/// a declaration key of that name elsewhere, or the declaration key of the profile
/// key of that name (`EnableCreateUserAtLogin` is `PlatformSSO.UserCreation.EnableAtLogin`).
fn suggestion(name: &str, path: &str) -> Option<&'static str> {
    if matches!(name, "ExtensionIdentifier" | "TeamIdentifier") {
        return Some("ExtensionComposedIdentifier");
    }
    let here = |e: &map::Entry| e.parent() == path;
    map::ENTRIES
        .iter()
        .find(|e| e.name() == name && !here(e))
        .or_else(|| {
            map::ENTRIES.iter().find(|e| {
                e.profile_path()
                    .is_some_and(|p| p.rsplit('.').next() == Some(name))
            })
        })
        .map(|e| e.declaration)
}

fn macos(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(declared) = ctx.declaration else {
        return;
    };
    if declaration::declaration_type(declared.value) != Some(declaration::EXTENSIBLE_SSO) {
        return;
    }
    let oldest = declared.fleet.min_macos;
    if oldest < declaration::EXTENSIBLE_SSO_MACOS {
        sink.emit(
            "Type",
            format!(
                "is `{}`, which macOS {} and later read, but the fleet starts at macOS {oldest}: older Macs get no single sign-on from it",
                declaration::EXTENSIBLE_SSO,
                declaration::EXTENSIBLE_SSO_MACOS
            ),
        );
    }
}

fn profile_url(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some((value, Some(dict))) = root(ctx) else {
        return;
    };
    if declaration::declaration_type(value) != Some(declaration::LEGACY) {
        return;
    }
    let Some(Value::Dictionary(payload)) = dict.get("Payload") else {
        return;
    };
    match payload.get("ProfileURL") {
        Some(Value::String(url)) => {
            if let Err(crate::Error::InvalidValue { expected, .. }) =
                crate::url::check_https("ProfileURL", url)
            {
                sink.emit(
                    "Payload.ProfileURL",
                    format!("is `{url}`; expected {expected}"),
                );
            }
        }
        Some(other) => sink.emit(
            "Payload.ProfileURL",
            format!("is {}; expected an https URL string", describe(other)),
        ),
        None => sink.emit(
            "Payload.ProfileURL",
            "is missing; Apple requires the URL of the profile to install",
        ),
    }
}
