//! Rules on the profile's structure: its type and version, identifiers and UUIDs,
//! and the one payload for the Microsoft SSO plug-in.

use std::collections::HashMap;

use plist::{Dictionary, Value};

use super::PayloadKind;
use super::fix::{Fixer, is_microsoft};
use super::{Applies, Context, Rule, RuleId, RuleSource, Severity, Sink, describe};
use crate::catalog::microsoft::EXTENSION_IDENTIFIER;
use crate::model::{MacOs, MacOsRange};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::ProfileRoot,
        severity: Severity::Error,
        summary: "The profile is a dictionary with a `PayloadContent` array of payload dictionaries.",
        rationale: "A configuration profile is a property-list dictionary; its payloads are dictionaries inside `PayloadContent`.",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "start from `psso-profile generate` or wrap the payload in a configuration profile",
        check: root,
        repair: None,
    },
    Rule {
        id: RuleId::ProfilePayloadType,
        severity: Severity::Error,
        summary: "The profile's `PayloadType` is `Configuration` and every payload has a `PayloadType`.",
        rationale: "Apple: \"The only supported value is 'Configuration'.\" A payload without a type is refused at install.",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "set <key>PayloadType</key><string>Configuration</string> at the top level",
        check: payload_type,
        repair: Some(fix_payload_type),
    },
    Rule {
        id: RuleId::ProfileNestedConfiguration,
        severity: Severity::Warning,
        summary: "No dictionary of `PayloadContent` has the profile's own `PayloadType`, `Configuration`.",
        rationale: "Apple: `Configuration` is the type of the outer profile, and `PayloadContent` holds payloads; a profile header listed as a payload configures nothing (macOS takes it for a preference domain named `Configuration`).",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "remove the dictionary from PayloadContent, or merge its keys into the outer profile",
        check: nested_configuration,
        repair: None,
    },
    Rule {
        id: RuleId::ProfilePayloadVersion,
        severity: Severity::Error,
        summary: "`PayloadVersion` is the integer 1, in the profile and in every payload.",
        rationale: "Apple's schema requires the key and allows only 1.",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "set <key>PayloadVersion</key><integer>1</integer>",
        check: payload_version,
        repair: Some(fix_payload_version),
    },
    Rule {
        id: RuleId::ProfileIdentifier,
        severity: Severity::Error,
        summary: "The profile and every payload have a non-empty `PayloadIdentifier` without spaces; payload identifiers are unique within the profile.",
        rationale: "Apple: the identifier decides whether an install replaces an existing profile, and a payload identifier \"must be unique within the profile\".",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "set a reverse-DNS identifier, such as `com.contoso.platformsso`, and `<profile identifier>.sso` for the payload",
        check: identifiers,
        repair: None,
    },
    Rule {
        id: RuleId::ProfileUuid,
        severity: Severity::Error,
        summary: "The profile and every payload have a `PayloadUUID` string, and no two are the same.",
        rationale: "Apple requires the key and calls it globally unique; installs that find a duplicate replace the wrong payload.",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "set a fresh UUID (`uuidgen`), or let `psso-profile generate` derive one from the identifier",
        check: uuids,
        repair: None,
    },
    Rule {
        id: RuleId::ProfileUuidFormat,
        severity: Severity::Warning,
        summary: "Every `PayloadUUID` has the form of a UUID.",
        rationale: "Apple: \"The actual content is unimportant, but it must be globally unique.\" Profiles with other strings install, but a string that is not a UUID is easily copied from one profile to the next.",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "set a fresh UUID (`uuidgen`), or let `psso-profile generate` derive one from the identifier",
        check: uuid_format,
        repair: None,
    },
    Rule {
        id: RuleId::ProfileSsoPayloadCount,
        severity: Severity::Error,
        summary: "At most one `com.apple.extensiblesso` payload of the profile is for the Microsoft Enterprise SSO plug-in.",
        rationale: "With two, the plug-in fails with error 10002 \"multiple SSOe payloads configured\" (an older SSO extension payload beside the Platform SSO one is the usual cause).",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::Microsoft,
        macos: MacOsRange::ALL,
        fix: "keep one Extensible SSO payload for `com.microsoft.CompanyPortalMac.ssoextension` and merge the settings of the others into it",
        check: sso_payload_count,
        repair: Some(fix_sso_payload_count),
    },
    Rule {
        id: RuleId::ProfileMicrosoftPayload,
        severity: Severity::Info,
        summary: "The profile holds a payload for the Microsoft Enterprise SSO plug-in; without one, only Apple's schema applies.",
        rationale: "Microsoft deploys companion profiles on their own (Kerberos, associated domains), and other vendors' SSO profiles are valid: a profile without a Microsoft payload is a note, not a defect.",
        source: RuleSource::MicrosoftDocs,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "nothing to do unless this profile should configure the Microsoft plug-in",
        check: microsoft_payload,
        repair: None,
    },
    Rule {
        id: RuleId::ProfileScopeUser,
        severity: Severity::Error,
        summary: "A profile that sets device-channel-only keys (`PlatformSSO.UseSharedDeviceKeys`) is not `PayloadScope` `User`.",
        rationale: "Apple supports `UseSharedDeviceKeys` on the device channel only; a user-scoped profile cannot apply it.",
        source: RuleSource::AppleSchema,
        applies: Applies::PlatformSso,
        macos: MacOsRange::from(MacOs::V14),
        fix: "set <key>PayloadScope</key><string>System</string> and install the profile on the device channel",
        check: scope_user,
        repair: Some(fix_scope_user),
    },
];

fn root(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(root) = ctx.root else {
        sink.emit("", "the profile's root is not a dictionary");
        return;
    };
    match root.get("PayloadContent") {
        None => sink.emit(
            "PayloadContent",
            "is missing; a profile carries its payloads in this array",
        ),
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                if item.as_dictionary().is_none() {
                    sink.emit(
                        format!("PayloadContent[{i}]"),
                        format!("is {}; a payload is a dictionary", describe(item)),
                    );
                }
            }
        }
        Some(other) => sink.emit(
            "PayloadContent",
            format!(
                "is {}; expected an array of payload dictionaries",
                describe(other)
            ),
        ),
    }
}

/// The profile's root and every payload, each with its path prefix.
fn dictionaries<'c>(ctx: &'c Context<'_>) -> impl Iterator<Item = (String, &'c Dictionary)> + 'c {
    ctx.root
        .map(|r| (String::new(), r))
        .into_iter()
        .chain(ctx.payloads.iter().map(|p| (p.path(""), p.dict)))
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn payload_type(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if let Some(root) = ctx.root {
        match root.get("PayloadType") {
            Some(Value::String(s)) if s == "Configuration" => {}
            Some(other) => sink.emit(
                "PayloadType",
                format!("is {}; Apple allows only `Configuration`", describe(other)),
            ),
            None => sink.emit("PayloadType", "is missing; Apple requires `Configuration`"),
        }
    }
    for p in &ctx.payloads {
        match p.get("PayloadType") {
            Some(Value::String(s)) if !s.is_empty() => {}
            Some(other) => sink.emit_fix(
                p.path("PayloadType"),
                format!(
                    "is {}; expected the payload's type, such as `com.apple.extensiblesso`",
                    describe(other)
                ),
                "set <key>PayloadType</key><string>com.apple.extensiblesso</string> in the payload",
            ),
            None => sink.emit_fix(
                p.path("PayloadType"),
                "is missing; every payload names its type",
                "set <key>PayloadType</key><string>com.apple.extensiblesso</string> in the payload",
            ),
        }
    }
}

fn payload_version(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for (prefix, dict) in dictionaries(ctx) {
        let path = join(&prefix, "PayloadVersion");
        match dict.get("PayloadVersion") {
            Some(Value::Integer(i)) if i.as_signed() == Some(1) => {}
            Some(other) => sink.emit(
                path,
                format!("is {}; Apple allows only the integer 1", describe(other)),
            ),
            None => sink.emit(path, "is missing; Apple requires the integer 1"),
        }
    }
}

fn identifiers(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let mut seen: HashMap<&str, String> = HashMap::new();
    for (prefix, dict) in dictionaries(ctx) {
        let path = join(&prefix, "PayloadIdentifier");
        match dict.get("PayloadIdentifier") {
            Some(Value::String(s))
                if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) =>
            {
                sink.emit(
                    path,
                    format!("is `{s}`; expected a non-empty reverse-DNS identifier without spaces"),
                );
            }
            Some(Value::String(s)) => {
                if prefix.is_empty() {
                    continue;
                }
                if let Some(first) = seen.get(s.as_str()) {
                    sink.emit(path, format!("`{s}` is also the identifier of {first}; payload identifiers must be unique within the profile"));
                } else {
                    seen.insert(s, prefix.clone());
                }
            }
            Some(other) => sink.emit(path, format!("is {}; expected a string", describe(other))),
            None => sink.emit(path, "is missing; Apple requires an identifier"),
        }
    }
}

/// A `PayloadUUID` as compared for uniqueness: a UUID in any case and form, or the
/// string itself in upper case.
fn uuid_key(text: &str) -> String {
    uuid::Uuid::try_parse(text).map_or_else(
        |_| text.to_ascii_uppercase(),
        |u| u.hyphenated().to_string().to_ascii_uppercase(),
    )
}

fn uuids(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let mut seen: HashMap<String, String> = HashMap::new();
    for (prefix, dict) in dictionaries(ctx) {
        let path = join(&prefix, "PayloadUUID");
        match dict.get("PayloadUUID") {
            Some(Value::String(s)) => {
                let key = uuid_key(s);
                if let Some(first) = seen.get(&key) {
                    let owner = if first.is_empty() {
                        "the profile".to_string()
                    } else {
                        first.clone()
                    };
                    sink.emit(
                        path,
                        format!("`{s}` is also the UUID of {owner}; every UUID must be unique"),
                    );
                } else {
                    seen.insert(key, prefix.clone());
                }
            }
            Some(other) => sink.emit(
                path,
                format!("is {}; expected a UUID string", describe(other)),
            ),
            None => sink.emit(path, "is missing; Apple requires a UUID"),
        }
    }
}

fn uuid_format(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for (prefix, dict) in dictionaries(ctx) {
        if let Some(Value::String(s)) = dict.get("PayloadUUID")
            && uuid::Uuid::try_parse(s).is_err()
        {
            sink.emit(
                join(&prefix, "PayloadUUID"),
                format!("`{s}` is not a UUID; Apple only asks for a globally unique string, and a UUID such as `8C4B2B4E-2F0A-4B43-9D8E-1B0C6D1E2F3A` is the safe way to get one"),
            );
        }
    }
}

fn nested_configuration(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for p in &ctx.payloads {
        if p.string("PayloadType") == Some("Configuration") {
            sink.emit(
                p.path(""),
                "has PayloadType `Configuration`, the type of the outer profile; a profile header listed as a payload configures nothing",
            );
        }
    }
}

fn sso_payload_count(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let microsoft: Vec<_> = ctx.targets().collect();
    if microsoft.len() > 1 {
        let where_ = microsoft
            .iter()
            .map(|p| format!("{} ({})", p.path(""), short_kind(p.kind)))
            .collect::<Vec<_>>()
            .join(", ");
        for p in &microsoft[1..] {
            sink.emit(
                p.path(""),
                format!("is a second payload for the Microsoft SSO plug-in: {where_}; the plug-in fails with error 10002 (multiple SSOe payloads)"),
            );
        }
    }
}

/// A payload kind in a few words, for messages that list payloads.
fn short_kind(kind: PayloadKind) -> &'static str {
    match kind {
        PayloadKind::MicrosoftPlatformSso => "Platform SSO",
        PayloadKind::MicrosoftSsoExtension => "SSO extension only",
        _ => kind.as_str(),
    }
}

fn microsoft_payload(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if ctx.root.is_none() || ctx.microsoft().next().is_some() {
        return;
    }
    let kinds: Vec<&str> = ctx
        .payloads
        .iter()
        .filter(|p| p.kind.is_sso())
        .map(|p| p.kind.describe())
        .collect();
    let holds = if kinds.is_empty() {
        String::new()
    } else {
        format!(", only {}", kinds.join(", "))
    };
    sink.emit(
        "PayloadContent",
        format!("holds no payload for the Microsoft Enterprise SSO plug-in (`{EXTENSION_IDENTIFIER}`){holds}; Apple's schema was checked, Microsoft's settings were not"),
    );
}

fn scope_user(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(root) = ctx.root else { return };
    if root.get("PayloadScope").and_then(Value::as_string) != Some("User") {
        return;
    }
    for p in ctx.targets() {
        if p.get("PlatformSSO.UseSharedDeviceKeys").is_some() {
            sink.emit(
                "PayloadScope",
                format!(
                    "is `User`, but {} is supported on the device channel only",
                    p.path("PlatformSSO.UseSharedDeviceKeys")
                ),
            );
        }
    }
}

fn fix_payload_type(fixer: &mut Fixer<'_>) {
    let (root, notes) = fixer.root();
    if root.get("PayloadType").and_then(Value::as_string) != Some("Configuration") {
        root.insert("PayloadType".into(), "Configuration".into());
        notes.note(
            RuleId::ProfilePayloadType,
            "PayloadType",
            "set to `Configuration`",
            "macOS accepts the profile, which it refused with another type",
        );
    }
}

/// What setting `PayloadVersion` changes for the Macs.
const VERSION_EFFECT: &str =
    "none for the settings: the profile now has the version Apple's schema requires";

fn fix_payload_version(fixer: &mut Fixer<'_>) {
    let version_ok =
        |d: &Dictionary| d.get("PayloadVersion").and_then(Value::as_signed_integer) == Some(1);
    let (root, notes) = fixer.root();
    if !version_ok(root) {
        root.insert("PayloadVersion".into(), Value::Integer(1.into()));
        notes.note(
            RuleId::ProfilePayloadVersion,
            "PayloadVersion",
            "set to 1",
            VERSION_EFFECT,
        );
    }
    let Some((payloads, notes)) = fixer.payloads() else {
        return;
    };
    for (i, p) in payloads.iter_mut().enumerate() {
        if let Value::Dictionary(p) = p
            && !version_ok(p)
        {
            p.insert("PayloadVersion".into(), Value::Integer(1.into()));
            notes.note(
                RuleId::ProfilePayloadVersion,
                format!("PayloadContent[{i}].PayloadVersion"),
                "set to 1",
                VERSION_EFFECT,
            );
        }
    }
}

/// Merges every further Microsoft SSO payload into one and removes them: the one
/// that configures Platform SSO (so its identity, and the Macs' registration,
/// stay), else the first. Keys the kept payload lacks are taken, dictionaries
/// merged key by key: two payloads for the plug-in are Microsoft's error 10002.
fn fix_sso_payload_count(fixer: &mut Fixer<'_>) {
    let Some((payloads, notes)) = fixer.payloads() else {
        return;
    };
    let indices: Vec<usize> = payloads
        .iter()
        .enumerate()
        .filter(|(_, p)| is_microsoft(p))
        .map(|(i, _)| i)
        .collect();
    if indices.len() < 2 {
        return;
    }
    let kept = indices
        .iter()
        .copied()
        .find(|&i| {
            payloads[i]
                .as_dictionary()
                .is_some_and(super::configures_platform_sso)
        })
        .unwrap_or(indices[0]);
    let mut extras = Vec::new();
    let mut at = kept;
    for &i in indices.iter().rev().filter(|&&i| i != kept) {
        if let Value::Dictionary(extra) = payloads.remove(i) {
            extras.push((i, extra));
        }
        if i < at {
            at -= 1;
        }
    }
    for (i, extra) in extras.into_iter().rev() {
        if let Some(Value::Dictionary(target)) = payloads.get_mut(at) {
            merge_into(target, extra);
        }
        notes.note(
            RuleId::ProfileSsoPayloadCount,
            format!("PayloadContent[{i}]"),
            format!("merged into PayloadContent[{kept}] and removed (one payload for the Microsoft plug-in)"),
            "the Macs get one payload for the plug-in instead of failing with error 10002; settings the kept payload lacked are taken from the removed one",
        );
    }
}

fn merge_into(target: &mut Dictionary, extra: Dictionary) {
    const OWN: [&str; 2] = ["PayloadIdentifier", "PayloadUUID"];
    for (key, value) in extra {
        if OWN.contains(&key.as_str()) {
            continue;
        }
        match (target.get_mut(&key), value) {
            (Some(Value::Dictionary(t)), Value::Dictionary(v)) => merge_into(t, v),
            (Some(Value::Array(t)), Value::Array(v)) if key == "URLs" => {
                for item in v {
                    if !t.contains(&item) {
                        t.push(item);
                    }
                }
            }
            (Some(_), _) => {}
            (None, value) => {
                target.insert(key, value);
            }
        }
    }
}

/// Sets `PayloadScope` to `System` when the repaired payload has shared device
/// keys, which need the device channel.
fn fix_scope_user(fixer: &mut Fixer<'_>) {
    let needs_system = fixer
        .payload()
        .and_then(|mut p| p.platform().map(|d| d.contains_key("UseSharedDeviceKeys")))
        .unwrap_or(false);
    let (root, notes) = fixer.root();
    if needs_system && root.get("PayloadScope").and_then(Value::as_string) == Some("User") {
        root.insert("PayloadScope".into(), "System".into());
        notes.note(
            RuleId::ProfileScopeUser,
            "PayloadScope",
            "set to `System` (shared device keys need the device channel)",
            "the profile installs on the device channel, where macOS applies shared device keys",
        );
    }
}
