//! Rules from Apple's schema, applied to every key Apple defines: presence, type,
//! allowed values, ranges, and the macOS versions that introduced or deprecated it.

use plist::{Dictionary, Value};

use super::fix::{Fixer, Notes, platform_sso};
use super::{
    Applies, Context, Rule, RuleId, RuleSource, Severity, Sink, TargetSource, describe, microsoft,
};
use crate::catalog::apple::{self, AppleKey, Kind, Scope};
use crate::catalog::microsoft::REQUIRED;
use crate::model::{MacOs, MacOsRange};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::SchemaRequired,
        severity: Severity::Error,
        summary: "Keys Apple marks as required are present.",
        rationale: "Apple refuses a payload without its required keys (`ExtensionIdentifier`, `Type`).",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "add the key",
        check: required,
        repair: None,
    },
    Rule {
        id: RuleId::SchemaType,
        severity: Severity::Error,
        summary: "Every key Apple defines has the type Apple's schema gives it (arrays and their items included).",
        rationale: "macOS ignores or refuses a key of the wrong type, such as `URLs` as a string or `UseSharedDeviceKeys` as the string `true`.",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "write the value with the type Apple's schema gives",
        check: types,
        repair: None,
    },
    Rule {
        id: RuleId::SchemaValue,
        severity: Severity::Error,
        summary: "Keys with a list of allowed values hold one of them, spelled exactly as Apple spells it.",
        rationale: "Apple's `rangelist`s are exact; a misspelling such as `UserSecureEnclave` is not understood.",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "use one of Apple's values",
        check: values,
        repair: Some(fix_spelling),
    },
    Rule {
        id: RuleId::SchemaRange,
        severity: Severity::Error,
        summary: "Numbers respect Apple's bounds: `PlatformSSO.LoginFrequency` is at least 3600, the grace periods are not negative.",
        rationale: "Apple: the login frequency is at least one hour (3600 seconds); the default is 64800. A grace period is a length of time: a negative one means nothing.",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::from(MacOs::V14),
        fix: "use a value within Apple's bounds",
        check: ranges,
        repair: Some(fix_login_frequency),
    },
    Rule {
        id: RuleId::SchemaNewerThanTarget,
        severity: Severity::Info,
        summary: "Keys and values introduced after the oldest macOS of a fleet given by the caller are noted: older Macs ignore or lack them.",
        rationale: "A key newer than some Macs of the fleet has no effect on them, such as `FileVaultPolicy` (macOS 15) on macOS 14; a value newer than its key, such as the `OpenID` method or the `RequireTouchID` policy (macOS 27), does not exist there. Only a note: newer keys are how one profile serves several releases. Without a given fleet nothing is noted, since a profile read alone says nothing about which Macs it reaches.",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::from(MacOs::V13),
        fix: "raise the fleet's minimum macOS or accept that older Macs ignore the key or lack the value",
        check: newer_than_target,
        repair: None,
    },
    Rule {
        id: RuleId::SchemaDeprecatedKey,
        severity: Severity::Warning,
        summary: "Deprecated keys are flagged when no Mac of the fleet needs them.",
        rationale: "The top-level `AuthenticationMethod` is deprecated since macOS 14, which reads `PlatformSSO.AuthenticationMethod`; only macOS 13 needs it.",
        source: RuleSource::AppleSchema,
        applies: Applies::Sso,
        macos: MacOsRange::from(MacOs::V14),
        fix: "remove the key, or lower the fleet's minimum macOS to 13 if the fleet has macOS 13",
        check: deprecated,
        repair: Some(fix_deprecated),
    },
];

/// Keys whose presence and value the `profile.*` rules check.
const STRUCTURE_KEYS: [&str; 5] = [
    "PayloadIdentifier",
    "PayloadUUID",
    "PayloadType",
    "PayloadVersion",
    "PayloadContent",
];

/// One dictionary Apple's schema describes, and where it sits.
#[derive(Debug)]
pub(super) struct Dict<'a> {
    pub(super) scope: Scope,
    /// The catalog path of the dictionary inside its scope (`""` for the scope's root).
    pub(super) catalog: &'static str,
    /// The key path of the dictionary in the profile.
    pub(super) path: String,
    pub(super) dict: &'a Dictionary,
    /// Whether the dictionary is inside a Microsoft SSO payload.
    microsoft: bool,
    /// Whether Microsoft's Platform SSO rows apply to that payload.
    platform_rows: bool,
}

impl Dict<'_> {
    pub(super) fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Whether a more specific rule checks this key's presence and value.
    fn owned(&self, key: &AppleKey) -> bool {
        match key.scope {
            Scope::Profile | Scope::Payload => STRUCTURE_KEYS.contains(&key.path),
            Scope::ExtensibleSso => self.microsoft && microsoft::owns(key.path, self.platform_rows),
        }
    }
}

/// The dictionaries of a profile that Apple's schema describes, and the known keys
/// present in them: computed once per check and read by every schema rule.
#[derive(Debug, Default)]
pub(super) struct Walk<'a> {
    /// The profile, each payload (its common keys), and each Extensible SSO
    /// payload with the dictionaries nested in it.
    pub(super) dicts: Vec<Dict<'a>>,
    /// Each key Apple defines that is present: the index of its dictionary in
    /// `dicts`, the key, and its value.
    present: Vec<(usize, &'static AppleKey, &'a Value)>,
    /// Each key of a dictionary (not counting the common-key view of a payload)
    /// that Apple does not define there, with the index of its dictionary.
    pub(super) strangers: Vec<(usize, &'a str)>,
}

impl<'a> Walk<'a> {
    pub(super) fn new(ctx: &Context<'a>) -> Self {
        let mut dicts = Vec::new();
        if let Some(root) = ctx.root {
            dicts.push(Dict {
                scope: Scope::Profile,
                catalog: "",
                path: String::new(),
                dict: root,
                microsoft: false,
                platform_rows: false,
            });
        }
        for p in &ctx.payloads {
            dicts.push(Dict {
                scope: Scope::Payload,
                catalog: "",
                path: p.path(""),
                dict: p.dict,
                microsoft: false,
                platform_rows: false,
            });
            if p.kind.is_sso() {
                collect_sso(
                    &mut dicts,
                    "",
                    p.path(""),
                    p.dict,
                    (p.is_microsoft(), p.platform_rows),
                );
            }
        }
        let mut present = Vec::new();
        let mut strangers = Vec::new();
        let common: Vec<&str> = apple::children(Scope::Payload, "")
            .map(AppleKey::name)
            .collect();
        let mut found: Vec<(usize, &'static AppleKey, &'a Value)> = Vec::new();
        for (i, d) in dicts.iter().enumerate() {
            // Match the dictionary's entries against the keys Apple defines there
            // (a few dozen names: comparing them is cheaper than hashing each).
            let defined: Vec<&'static AppleKey> = apple::children(d.scope, d.catalog).collect();
            let payload_root = d.scope == Scope::ExtensibleSso && d.catalog.is_empty();
            found.clear();
            for (name, value) in d.dict {
                match defined.iter().position(|k| k.name() == name) {
                    Some(order) => found.push((order, defined[order], value)),
                    None if d.scope == Scope::Payload => {}
                    None if payload_root && common.contains(&name.as_str()) => {}
                    None => strangers.push((i, name.as_str())),
                }
            }
            found.sort_by_key(|&(order, _, _)| order);
            present.extend(found.iter().map(|&(_, key, value)| (i, key, value)));
        }
        Walk {
            dicts,
            present,
            strangers,
        }
    }
}

fn collect_sso<'a>(
    out: &mut Vec<Dict<'a>>,
    catalog: &'static str,
    path: String,
    dict: &'a Dictionary,
    owner: (bool, bool),
) {
    for key in apple::children(Scope::ExtensibleSso, catalog) {
        let nested = key.kind == Kind::Dictionary
            && apple::children(Scope::ExtensibleSso, key.path)
                .next()
                .is_some();
        if let (true, Some(Value::Dictionary(child))) = (nested, dict.get(key.name())) {
            collect_sso(
                out,
                key.path,
                format!("{path}.{}", key.name()),
                child,
                owner,
            );
        }
    }
    out.push(Dict {
        scope: Scope::ExtensibleSso,
        catalog,
        path,
        dict,
        microsoft: owner.0,
        platform_rows: owner.1,
    });
}

/// Calls `f` for every key Apple defines that is present in the profile.
fn each_present(ctx: &Context<'_>, mut f: impl FnMut(&Dict<'_>, &'static AppleKey, &Value)) {
    let walk = ctx.walk();
    for &(i, key, value) in &walk.present {
        f(&walk.dicts[i], key, value);
    }
}

fn required(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for d in &ctx.walk().dicts {
        for key in apple::children(d.scope, d.catalog) {
            if key.required && !d.owned(key) && !d.dict.contains_key(key.name()) {
                sink.emit(
                    d.key_path(key.name()),
                    format!("is missing; Apple requires it ({})", key.summary),
                );
            }
        }
    }
}

fn types(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    each_present(ctx, |d, key, value| {
        let path = || d.key_path(key.name());
        let Some(kind) = Kind::of(value) else {
            sink.emit(path(), format!("is a UID; expected {}", key.kind));
            return;
        };
        if !key.kind.accepts(kind) {
            if !d.owned(key) {
                sink.emit_fix(
                    path(),
                    format!("is {}; expected {}", describe(value), key.kind),
                    format!("write `{}` as {}", key.name(), key.kind.schema_name()),
                );
            }
            return;
        }
        let Some(item_kind) = key.item else { return };
        if d.owned(key) && key.scope != Scope::ExtensibleSso {
            return; // `profile.root` checks the items of `PayloadContent`
        }
        let wrong = |v: &Value| Kind::of(v).is_none_or(|k| !item_kind.accepts(k));
        match value {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate().filter(|(_, v)| wrong(v)) {
                    sink.emit(
                        format!("{}[{i}]", path()),
                        format!(
                            "is {}; each item of `{}` is {}",
                            describe(item),
                            key.name(),
                            item_kind
                        ),
                    );
                }
            }
            Value::Dictionary(entries) => {
                for (name, item) in entries.iter().filter(|(_, v)| wrong(v)) {
                    sink.emit(
                        format!("{}.{name}", path()),
                        format!(
                            "is {}; each value of `{}` is {}",
                            describe(item),
                            key.name(),
                            item_kind
                        ),
                    );
                }
            }
            _ => {}
        }
    });
}

/// A policy value that only `UnlockPolicy` allows; `psso.touch-id-unlock-only` reports it.
const UNLOCK_ONLY: &str = "AllowTouchIDOrWatchForUnlock";

fn values(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    each_present(ctx, |d, key, value| {
        if key.allowed.is_empty() || d.owned(key) {
            return;
        }
        // The path is made only for a finding: most values are allowed.
        let mut check = |index: Option<usize>, v: &Value| {
            let text: std::borrow::Cow<'_, str> = match v {
                Value::String(s) => s.as_str().into(),
                Value::Integer(i) => i.to_string().into(),
                _ => return, // schema.type reports the type
            };
            if key.allowed.contains(&text.as_ref()) || (text == UNLOCK_ONLY && key.item.is_some()) {
                return;
            }
            let choices = key
                .allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let fix = match key.allowed.iter().find(|a| a.eq_ignore_ascii_case(&text)) {
                Some(spelling) => format!("write it as Apple spells it: `{spelling}`"),
                None => format!("use one of {choices}"),
            };
            let path = match index {
                Some(i) => format!("{}[{i}]", d.key_path(key.name())),
                None => d.key_path(key.name()),
            };
            sink.emit_fix(path, format!("is `{text}`; Apple allows {choices}"), fix);
        };
        match value {
            Value::Array(items) if key.kind == Kind::Array => {
                for (i, item) in items.iter().enumerate() {
                    check(Some(i), item);
                }
            }
            other => check(None, other),
        }
    });
}

/// Keys that hold a length of time, which Apple's schema gives no minimum but
/// which cannot be negative (`generate` takes them as whole numbers of 0 or more).
const LENGTHS_OF_TIME: &[&str] = &[
    "PlatformSSO.OfflineGracePeriod",
    "PlatformSSO.AuthenticationGracePeriod",
];

fn ranges(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    each_present(ctx, |d, key, value| {
        if key.min.is_none()
            && LENGTHS_OF_TIME.contains(&key.path)
            && let Some(i) = value.as_signed_integer()
            && i < 0
        {
            sink.emit_fix(
                d.key_path(key.name()),
                format!("is {i}; a length of time cannot be negative"),
                "set 0 or more, or remove the key",
            );
        }
        if let (Some(min), Some(i)) = (key.min, value.as_signed_integer())
            && i < min
        {
            sink.emit_fix(
                d.key_path(key.name()),
                format!("is {i}; Apple's minimum is {min}"),
                format!(
                    "set at least {min}, or remove the key for Apple's default ({})",
                    key.default.unwrap_or("none")
                ),
            );
        }
    });
}

/// Whether Microsoft's table sets the key, or a key inside it, for some Macs of
/// any fleet (so a fleet from macOS 13 carries `PlatformSSO`, and a Password
/// profile for a fleet from 14 carries `FileVaultPolicy`, on purpose).
fn required_by_microsoft(path: &str) -> bool {
    REQUIRED.iter().any(|row| {
        row.key == path
            || row
                .key
                .strip_prefix(path)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

fn newer_than_target(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if ctx.target_source != TargetSource::Given {
        return;
    }
    let oldest = ctx.target.min_macos;
    each_present(ctx, |d, key, value| {
        newer_values(ctx, sink, d, key, value);
        let parent_introduced = apple::lookup(key.scope, key.parent()).map(|p| p.introduced);
        if key.introduced <= oldest
            || parent_introduced.is_some_and(|p| key.introduced <= p)
            || required_by_microsoft(key.path)
        {
            return;
        }
        sink.emit(
            d.key_path(key.name()),
            format!(
                "was introduced in macOS {:#}; Macs of the fleet on macOS {} ignore it",
                key.introduced, ctx.target.min_macos
            ),
        );
    });
}

/// Values of `key` (or of its items) that Apple introduced after the key and after
/// the fleet's oldest macOS, such as `OpenID` for a fleet from macOS 15.
fn newer_values(
    ctx: &Context<'_>,
    sink: &mut Sink<'_>,
    d: &Dict<'_>,
    key: &'static AppleKey,
    value: &Value,
) {
    let oldest = ctx.target.min_macos;
    // A key newer than the fleet is reported itself; its values with it.
    if key.value_introduced.is_empty() || key.introduced > oldest {
        return;
    }
    let mut check = |index: Option<usize>, v: &Value| {
        let Some(text) = v.as_string() else { return };
        let Some(since) = key.value_introduced(text).filter(|since| *since > oldest) else {
            return;
        };
        let path = match index {
            Some(i) => format!("{}[{i}]", d.key_path(key.name())),
            None => d.key_path(key.name()),
        };
        sink.emit_fix(
            path,
            format!(
                "is `{text}`, which macOS {since:#} introduced; Macs of the fleet on macOS {oldest} do not have it"
            ),
            format!(
                "raise the fleet's minimum macOS to {since}, or use a value older Macs have"
            ),
        );
    };
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                check(Some(i), item);
            }
        }
        other => check(None, other),
    }
}

fn deprecated(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let oldest = ctx.target.min_macos;
    each_present(ctx, |d, key, _| {
        if d.scope != Scope::ExtensibleSso {
            return;
        }
        if let Some(since) = key.deprecated
            && since <= oldest
        {
            let replacement = apple::sso_keys_named(key.name())
                .find(|k| k.path != key.path && k.deprecated.is_none());
            let instead = replacement.map_or_else(String::new, |r| {
                format!("; macOS {since:#} and later read `{}`", r.path)
            });
            sink.emit(
                d.key_path(key.name()),
                format!(
                    "is deprecated since macOS {since:#} and the fleet starts at macOS {}{instead}",
                    ctx.target.min_macos
                ),
            );
        }
    });
}

/// Removes the deprecated top-level `AuthenticationMethod` of a Microsoft payload
/// when no Mac of the fleet reads it: the fleet was given as starting after the
/// version that deprecated it (a fleet read from the profile includes macOS 13
/// whenever the key is there, so the key is then kept).
fn fix_deprecated(fixer: &mut Fixer<'_>) {
    if fixer.options().source != TargetSource::Given {
        return;
    }
    let Some(p) = fixer.payload() else { return };
    if !p.kind.is_microsoft() {
        return;
    }
    let Some(since) = apple::lookup(Scope::ExtensibleSso, "AuthenticationMethod")
        .and_then(|k| k.deprecated)
        .filter(|since| *since <= p.target.min_macos)
    else {
        return;
    };
    if p.dict
        .get("AuthenticationMethod")
        .and_then(Value::as_string)
        .is_none()
    {
        return;
    }
    p.dict.remove("AuthenticationMethod");
    let path = p.path("AuthenticationMethod");
    p.notes.note(
        RuleId::SchemaDeprecatedKey,
        path,
        format!(
            "removed: deprecated since macOS {since}, and the fleet starts at macOS {}",
            p.target.min_macos
        ),
        "none on macOS 14 and later, which read PlatformSSO.AuthenticationMethod; a Mac still on macOS 13 would lose Platform SSO",
    );
}

/// Raises `PlatformSSO.LoginFrequency` of a Microsoft payload to Apple's minimum
/// (in another vendor's payload the right value is the vendor's to choose).
fn fix_login_frequency(fixer: &mut Fixer<'_>) {
    let Some(p) = fixer.payload() else { return };
    if !p.kind.is_microsoft() {
        return;
    }
    let path = p.path("PlatformSSO.LoginFrequency");
    let Some(platform) = platform_sso(p.dict) else {
        return;
    };
    if let Some(freq) = platform
        .get("LoginFrequency")
        .and_then(Value::as_signed_integer)
        && freq < 3600
    {
        platform.insert("LoginFrequency".into(), Value::Integer(3600.into()));
        p.notes.note(
            RuleId::SchemaRange,
            path,
            format!("raised from {freq} to Apple's minimum 3600"),
            "users sign in fully at most every hour instead of at an interval macOS refuses",
        );
    }
}

/// Rewrites allowed values of the payload in Apple's spelling (`standard` as
/// `Standard`), whatever the vendor: Apple's schema has one right spelling.
fn fix_spelling(fixer: &mut Fixer<'_>) {
    let Some(p) = fixer.payload() else { return };
    let base = p.path("");
    respell_dict(p.notes, p.dict, "", &base);
}

fn respell_dict(notes: &mut Notes, dict: &mut Dictionary, catalog: &str, base: &str) {
    for key in apple::children(Scope::ExtensibleSso, catalog) {
        let path = format!("{base}.{}", key.name());
        match dict.get_mut(key.name()) {
            Some(Value::Dictionary(child)) if key.item.is_none() => {
                respell_dict(notes, child, key.path, &path)
            }
            Some(Value::String(s)) => respell(notes, s, key.allowed, path),
            Some(Value::Array(items)) => {
                for (i, item) in items.iter_mut().enumerate() {
                    if let Value::String(s) = item {
                        respell(notes, s, key.allowed, format!("{path}[{i}]"));
                    }
                }
            }
            _ => {}
        }
    }
}

fn respell(notes: &mut Notes, s: &mut String, allowed: &[&str], path: String) {
    if allowed.contains(&s.as_str()) {
        return;
    }
    if let Some(spelling) = allowed.iter().find(|a| a.eq_ignore_ascii_case(s)) {
        notes.note(
            RuleId::SchemaValue,
            path,
            format!("`{s}` written as Apple spells it: `{spelling}`"),
            "macOS reads the value, which it did not understand misspelt",
        );
        *s = spelling.to_string();
    }
}
