//! Autofix: repairs what the rules find where the right value is certain, and
//! keeps everything else (UUIDs, identifiers, keys it does not understand) as it was.

use plist::{Dictionary, Value};
use serde::Serialize;

use crate::catalog::apple::{self, Kind, Scope};
use crate::catalog::extension_data;
use crate::catalog::microsoft::{self, URLS};
use crate::model::{MacOs, Target};
use crate::rules::{EXTENSIBLE_SSO, RuleId, normalize};

/// One repair made by [`fix`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The rule whose finding the repair resolves.
    pub rule: RuleId,
    /// The key path repaired.
    pub path: String,
    /// What was done.
    pub action: String,
}

struct Fixer {
    applied: Vec<Applied>,
}

impl Fixer {
    fn note(&mut self, rule: RuleId, path: String, action: String) {
        self.applied.push(Applied { rule, path, action });
    }
}

/// Repairs `profile` for the fleet `target` and lists what was done.
///
/// Repairs: the profile's `PayloadType` and `PayloadVersion`, `PayloadScope`
/// `System` where shared device keys need it; duplicate Microsoft SSO payloads
/// merged into the first; misplaced keys moved to where Apple defines them
/// (Platform SSO settings out of `ExtensionData` too); Microsoft's required values
/// (`TeamIdentifier`, `Type`, `ScreenLockedBehavior`, `UseSharedDeviceKeys`, the
/// seven `URLs`); the authentication method for the target (both keys on macOS 13,
/// agreeing; the deprecated key removed on 14+; `FileVaultPolicy`
/// `AttemptAuthentication` with Password on macOS 15+); Apple's spelling of allowed values;
/// `LoginFrequency` raised to Apple's minimum; `ExtensionData` flags written as
/// integers. What cannot be decided (a grace period, an invalid UUID) is left for
/// the report.
pub fn fix(profile: &mut Value, target: &Target) -> Vec<Applied> {
    let mut fixer = Fixer {
        applied: Vec::new(),
    };
    let Some(root) = profile.as_dictionary_mut() else {
        return fixer.applied;
    };
    fix_profile_keys(&mut fixer, root);
    let Some(Value::Array(payloads)) = root.get_mut("PayloadContent") else {
        return fixer.applied;
    };
    merge_duplicates(&mut fixer, payloads);
    let Some(index) = microsoft_payload(payloads) else {
        return fixer.applied;
    };
    let misplaced = take_profile_level_sso_keys(&mut fixer, root, index);
    let Some(Value::Array(payloads)) = root.get_mut("PayloadContent") else {
        return fixer.applied;
    };
    let Some(Value::Dictionary(sso)) = payloads.get_mut(index) else {
        return fixer.applied;
    };
    let base = format!("PayloadContent[{index}]");
    for (key, value) in misplaced {
        sso.entry(key).or_insert(value);
    }
    fix_sso(&mut fixer, sso, &base, target);
    let needs_system = sso
        .get("PlatformSSO")
        .and_then(Value::as_dictionary)
        .is_some_and(|p| p.contains_key("UseSharedDeviceKeys"));
    if needs_system && root.get("PayloadScope").and_then(Value::as_string) == Some("User") {
        root.insert("PayloadScope".into(), "System".into());
        fixer.note(
            RuleId::ProfileScopeUser,
            "PayloadScope".into(),
            "set to `System` (shared device keys need the device channel)".into(),
        );
    }
    fixer.applied
}

fn fix_profile_keys(fixer: &mut Fixer, root: &mut Dictionary) {
    if root.get("PayloadType").and_then(Value::as_string) != Some("Configuration") {
        root.insert("PayloadType".into(), "Configuration".into());
        fixer.note(
            RuleId::ProfilePayloadType,
            "PayloadType".into(),
            "set to `Configuration`".into(),
        );
    }
    let version_ok =
        |d: &Dictionary| d.get("PayloadVersion").and_then(Value::as_signed_integer) == Some(1);
    if !version_ok(root) {
        root.insert("PayloadVersion".into(), Value::Integer(1.into()));
        fixer.note(
            RuleId::ProfilePayloadVersion,
            "PayloadVersion".into(),
            "set to 1".into(),
        );
    }
    if let Some(Value::Array(payloads)) = root.get_mut("PayloadContent") {
        for (i, p) in payloads.iter_mut().enumerate() {
            if let Value::Dictionary(p) = p
                && !version_ok(p)
            {
                p.insert("PayloadVersion".into(), Value::Integer(1.into()));
                fixer.note(
                    RuleId::ProfilePayloadVersion,
                    format!("PayloadContent[{i}].PayloadVersion"),
                    "set to 1".into(),
                );
            }
        }
    }
}

fn is_sso(p: &Value) -> bool {
    p.as_dictionary()
        .and_then(|d| d.get("PayloadType"))
        .and_then(Value::as_string)
        == Some(EXTENSIBLE_SSO)
}

fn is_microsoft(p: &Value) -> bool {
    is_sso(p)
        && p.as_dictionary()
            .and_then(|d| d.get("ExtensionIdentifier"))
            .and_then(Value::as_string)
            == Some(microsoft::EXTENSION_IDENTIFIER)
}

/// The index of the Microsoft SSO payload; a lone Extensible SSO payload for a
/// misspelt extension is taken to be it.
fn microsoft_payload(payloads: &[Value]) -> Option<usize> {
    payloads.iter().position(is_microsoft).or_else(|| {
        let candidates: Vec<usize> = payloads
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                is_sso(p)
                    && p.as_dictionary()
                        .and_then(|d| d.get("ExtensionIdentifier"))
                        .and_then(Value::as_string)
                        .is_none_or(|id| id.to_ascii_lowercase().contains("microsoft"))
            })
            .map(|(i, _)| i)
            .collect();
        (candidates.len() == 1).then(|| candidates[0])
    })
}

/// Merges every further Microsoft SSO payload into the first (keys the first
/// lacks are taken, dictionaries merged key by key) and removes them: two
/// payloads for the plug-in are Microsoft's error 10002.
fn merge_duplicates(fixer: &mut Fixer, payloads: &mut Vec<Value>) {
    let indices: Vec<usize> = payloads
        .iter()
        .enumerate()
        .filter(|(_, p)| is_microsoft(p))
        .map(|(i, _)| i)
        .collect();
    let Some((&first, rest)) = indices.split_first() else {
        return;
    };
    for &i in rest.iter().rev() {
        let Value::Dictionary(extra) = payloads.remove(i) else {
            continue;
        };
        if let Some(Value::Dictionary(target)) = payloads.get_mut(first) {
            merge_into(target, extra);
        }
        fixer.note(
            RuleId::ProfileSsoPayloadCount,
            format!("PayloadContent[{i}]"),
            format!("merged into PayloadContent[{first}] and removed (one payload for the Microsoft plug-in)"),
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

/// Removes keys of the Extensible SSO payload from the profile's top level, to be
/// put into the payload.
fn take_profile_level_sso_keys(
    fixer: &mut Fixer,
    root: &mut Dictionary,
    index: usize,
) -> Vec<(String, Value)> {
    let names: Vec<String> = root
        .keys()
        .filter(|k| {
            apple::lookup(Scope::Profile, k).is_none()
                && apple::lookup(Scope::ExtensibleSso, k).is_some()
        })
        .cloned()
        .collect();
    let mut moved = Vec::new();
    for name in names {
        if let Some(value) = root.remove(&name) {
            fixer.note(
                RuleId::SchemaMisplacedKey,
                name.clone(),
                format!("moved to PayloadContent[{index}].{name}"),
            );
            moved.push((name, value));
        }
    }
    moved
}

/// The payload's `PlatformSSO` dictionary, created (or replacing a value of
/// another type) when needed.
fn platform_sso(sso: &mut Dictionary) -> Option<&mut Dictionary> {
    if !matches!(sso.get("PlatformSSO"), Some(Value::Dictionary(_))) {
        sso.insert("PlatformSSO".into(), Value::Dictionary(Dictionary::new()));
    }
    sso.get_mut("PlatformSSO")
        .and_then(Value::as_dictionary_mut)
}

fn set_string(
    fixer: &mut Fixer,
    dict: &mut Dictionary,
    key: &str,
    value: &str,
    rule: RuleId,
    path: String,
) {
    if dict.get(key).and_then(Value::as_string) != Some(value) {
        dict.insert(key.into(), value.into());
        fixer.note(rule, path, format!("set to `{value}`"));
    }
}

fn fix_sso(fixer: &mut Fixer, sso: &mut Dictionary, base: &str, target: &Target) {
    let at = |key: &str| format!("{base}.{key}");
    move_misplaced(fixer, sso, base);
    set_string(
        fixer,
        sso,
        "ExtensionIdentifier",
        microsoft::EXTENSION_IDENTIFIER,
        RuleId::SsoExtensionIdentifier,
        at("ExtensionIdentifier"),
    );
    set_string(
        fixer,
        sso,
        "TeamIdentifier",
        microsoft::TEAM_IDENTIFIER,
        RuleId::SsoTeamIdentifier,
        at("TeamIdentifier"),
    );
    set_string(
        fixer,
        sso,
        "Type",
        microsoft::SSO_TYPE,
        RuleId::SsoType,
        at("Type"),
    );
    set_string(
        fixer,
        sso,
        "ScreenLockedBehavior",
        microsoft::SCREEN_LOCKED_BEHAVIOR,
        RuleId::SsoScreenLockedBehavior,
        at("ScreenLockedBehavior"),
    );
    fix_urls(fixer, sso, base);
    fix_auth_method(fixer, sso, base, target);
    let Some(platform) = platform_sso(sso) else {
        return;
    };
    if platform
        .get("UseSharedDeviceKeys")
        .and_then(Value::as_boolean)
        != Some(true)
    {
        platform.insert("UseSharedDeviceKeys".into(), Value::Boolean(true));
        fixer.note(
            RuleId::SsoUseSharedDeviceKeys,
            at("PlatformSSO.UseSharedDeviceKeys"),
            "set to true".into(),
        );
    }
    if let Some(freq) = platform
        .get("LoginFrequency")
        .and_then(Value::as_signed_integer)
        && freq < 3600
    {
        platform.insert("LoginFrequency".into(), Value::Integer(3600.into()));
        fixer.note(
            RuleId::SchemaRange,
            at("PlatformSSO.LoginFrequency"),
            format!("raised from {freq} to Apple's minimum 3600"),
        );
    }
    fix_spelling(fixer, sso, "", base);
    fix_extension_data(fixer, sso, base);
}

fn fix_urls(fixer: &mut Fixer, sso: &mut Dictionary, base: &str) {
    let entry = sso
        .entry("URLs".to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !matches!(entry, Value::Array(_)) {
        let old = std::mem::replace(entry, Value::Array(Vec::new()));
        if let (Value::String(s), Value::Array(items)) = (old, &mut *entry) {
            items.push(Value::String(s));
        }
    }
    let Value::Array(items) = entry else { return };
    for url in URLS {
        let present = items
            .iter()
            .filter_map(Value::as_string)
            .any(|u| u.trim_end_matches('/').eq_ignore_ascii_case(url.url));
        if !present {
            items.push(url.url.into());
            fixer.note(
                if url.cloud == microsoft::Cloud::Commercial {
                    RuleId::SsoUrlsCommercial
                } else {
                    RuleId::SsoUrlsSovereign
                },
                format!("{base}.URLs"),
                format!("added `{}`", url.url),
            );
        }
    }
}

const METHODS: [&str; 3] = ["Password", "UserSecureEnclaveKey", "SmartCard"];

fn fix_auth_method(fixer: &mut Fixer, sso: &mut Dictionary, base: &str, target: &Target) {
    let legacy = sso
        .get("AuthenticationMethod")
        .and_then(Value::as_string)
        .map(str::to_string);
    let Some(platform) = platform_sso(sso) else {
        return;
    };
    let current = platform
        .get("AuthenticationMethod")
        .and_then(Value::as_string)
        .map(str::to_string);
    let method = match current.as_deref().and_then(canonical_method) {
        Some(m) => m,
        None => {
            let chosen = legacy
                .as_deref()
                .and_then(canonical_method)
                .unwrap_or("UserSecureEnclaveKey");
            platform.insert("AuthenticationMethod".into(), chosen.into());
            let why = if legacy.is_some() {
                "from the top-level key"
            } else {
                "Microsoft's recommendation"
            };
            fixer.note(
                RuleId::SsoAuthMethod,
                format!("{base}.PlatformSSO.AuthenticationMethod"),
                format!("set to `{chosen}` ({why})"),
            );
            chosen
        }
    };
    if current.as_deref().is_some_and(|c| c != method) {
        platform.insert("AuthenticationMethod".into(), method.into());
        fixer.note(
            RuleId::SchemaValue,
            format!("{base}.PlatformSSO.AuthenticationMethod"),
            format!("written as Apple spells it: `{method}`"),
        );
    }
    let path = format!("{base}.AuthenticationMethod");
    if method == "Password"
        && target.min_macos >= MacOs::V15
        && !platform.contains_key("FileVaultPolicy")
    {
        platform.insert(
            "FileVaultPolicy".into(),
            Value::Array(vec!["AttemptAuthentication".into()]),
        );
        fixer.note(
            RuleId::PssoPasswordFilevaultPolicy,
            format!("{base}.PlatformSSO.FileVaultPolicy"),
            "set to [`AttemptAuthentication`], as Microsoft's table says for Password on macOS 15+"
                .into(),
        );
    }
    if target.includes_macos_13() {
        if method != "SmartCard" && legacy.as_deref() != Some(method) {
            sso.insert("AuthenticationMethod".into(), method.into());
            fixer.note(
                RuleId::SsoAuthMethodMacos13,
                path,
                format!("set to `{method}` for macOS 13, the same as PlatformSSO"),
            );
        }
    } else if legacy.is_some() {
        sso.remove("AuthenticationMethod");
        fixer.note(
            RuleId::SchemaDeprecatedKey,
            path,
            format!(
                "removed: deprecated since macOS 14, and the fleet starts at macOS {}",
                target.min_macos
            ),
        );
    }
}

fn canonical_method(text: &str) -> Option<&'static str> {
    METHODS
        .iter()
        .copied()
        .find(|m| m.eq_ignore_ascii_case(text))
}

/// Moves keys out of the wrong dictionary of the payload, and Platform SSO
/// settings out of `ExtensionData`, without overwriting a value already in place.
fn move_misplaced(fixer: &mut Fixer, sso: &mut Dictionary, base: &str) {
    // RegistrationToken and the other payload-level keys inside PlatformSSO.
    if let Some(Value::Dictionary(platform)) = sso.get_mut("PlatformSSO") {
        let stray: Vec<String> = platform
            .keys()
            .filter(|k| {
                apple::lookup(Scope::ExtensibleSso, &format!("PlatformSSO.{k}")).is_none()
                    && apple::lookup(Scope::ExtensibleSso, k).is_some()
            })
            .cloned()
            .collect();
        let mut moved = Vec::new();
        for key in stray {
            if let Some(value) = platform.remove(&key) {
                moved.push((key, value));
            }
        }
        for (key, value) in moved {
            let (from, to) = (format!("{base}.PlatformSSO.{key}"), format!("{base}.{key}"));
            place(
                fixer,
                RuleId::SchemaMisplacedKey,
                sso,
                &key,
                value,
                from,
                to,
            );
        }
    }
    // PlatformSSO keys at the payload's top level.
    let stray: Vec<String> = sso
        .keys()
        .filter(|k| {
            apple::lookup(Scope::ExtensibleSso, k).is_none()
                && apple::lookup(Scope::Payload, k).is_none()
        })
        .filter(|k| apple::lookup(Scope::ExtensibleSso, &format!("PlatformSSO.{k}")).is_some())
        .cloned()
        .collect();
    for key in stray {
        if let Some(value) = sso.remove(&key)
            && let Some(platform) = platform_sso(sso)
        {
            let (from, to) = (format!("{base}.{key}"), format!("{base}.PlatformSSO.{key}"));
            place(
                fixer,
                RuleId::SchemaMisplacedKey,
                platform,
                &key,
                value,
                from,
                to,
            );
        }
    }
    // Platform SSO settings inside ExtensionData.
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
        .collect();
    let mut moved = Vec::new();
    for (key, apple_key) in stray {
        if let Some(value) = ext.remove(&key) {
            moved.push((key, apple_key, value));
        }
    }
    for (key, apple_key, value) in moved {
        let from = format!("{base}.ExtensionData.{key}");
        let fits = crate::catalog::apple::Kind::of(&value)
            .is_some_and(|k| apple_key.kind.accepts(k))
            && (apple_key.allowed.is_empty()
                || value
                    .as_string()
                    .is_some_and(|s| apple_key.allowed.contains(&s)));
        if !fits {
            fixer.note(
                RuleId::ExtPssoKey,
                from,
                format!(
                    "removed: not a valid `{}` (set that key in the payload instead)",
                    apple_key.path
                ),
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
        place(fixer, RuleId::ExtPssoKey, dict, name, value, from, to);
    }
}

/// Puts a moved key into `dict`, unless a value is already there (which wins).
fn place(
    fixer: &mut Fixer,
    rule: RuleId,
    dict: &mut Dictionary,
    key: &str,
    value: Value,
    from: String,
    to: String,
) {
    if dict.contains_key(key) {
        fixer.note(rule, from, format!("removed; {to} is already set"));
    } else {
        dict.insert(key.to_string(), value);
        fixer.note(rule, from, format!("moved to {to}"));
    }
}

/// Rewrites allowed values in Apple's spelling (`standard` as `Standard`).
fn fix_spelling(fixer: &mut Fixer, dict: &mut Dictionary, catalog: &str, base: &str) {
    for key in apple::children(Scope::ExtensibleSso, catalog) {
        let path = format!("{base}.{}", key.name());
        match dict.get_mut(key.name()) {
            Some(Value::Dictionary(child)) if key.item.is_none() => {
                fix_spelling(fixer, child, key.path, &path)
            }
            Some(Value::String(s)) => respell(fixer, s, key.allowed, path),
            Some(Value::Array(items)) => {
                for (i, item) in items.iter_mut().enumerate() {
                    if let Value::String(s) = item {
                        respell(fixer, s, key.allowed, format!("{path}[{i}]"));
                    }
                }
            }
            _ => {}
        }
    }
}

fn respell(fixer: &mut Fixer, s: &mut String, allowed: &[&str], path: String) {
    if allowed.contains(&s.as_str()) {
        return;
    }
    if let Some(spelling) = allowed.iter().find(|a| a.eq_ignore_ascii_case(s)) {
        fixer.note(
            RuleId::SchemaValue,
            path,
            format!("`{s}` written as Apple spells it: `{spelling}`"),
        );
        *s = spelling.to_string();
    }
}

/// Writes `ExtensionData` flags given as strings (`"1"`) or booleans as the
/// integers the plug-in reads.
fn fix_extension_data(fixer: &mut Fixer, sso: &mut Dictionary, base: &str) {
    let Some(Value::Dictionary(ext)) = sso.get_mut("ExtensionData") else {
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
            fixer.note(
                RuleId::ExtType,
                format!("{base}.ExtensionData.{key}"),
                format!("written as {}", entry.value_type),
            );
            *value = typed;
        }
    }
}
