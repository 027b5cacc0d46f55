//! Rules on where keys sit: keys Apple does not define in a dictionary, and known
//! keys put in the wrong dictionary (`RegistrationToken` inside `PlatformSSO`).

use plist::Value;

use super::fix::{Fixer, MOVED_EFFECT, place, platform_sso};
use super::schema::Dict;
use super::{Applies, Context, Rule, RuleId, RuleSource, Severity, Sink, configures_platform_sso};
use crate::catalog::apple::{self, AppleKey, Scope};
use crate::model::MacOsRange;

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: RuleId::SchemaMisplacedKey,
        severity: Severity::Error,
        summary: "Known keys sit in the dictionary Apple defines them in.",
        rationale: "macOS reads each key in one place only: `RegistrationToken` inside `PlatformSSO`, or `UseSharedDeviceKeys` at the payload's top level, is ignored.",
        source: RuleSource::DocumentedPitfall,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "move the key to the place Apple defines it",
        check: misplaced,
        repair: Some(fix_misplaced),
    },
    Rule {
        id: RuleId::SchemaUnknownKey,
        severity: Severity::Warning,
        summary: "The profile, the Extensible SSO payload and its `PlatformSSO` dictionaries hold only keys Apple defines.",
        rationale: "macOS ignores keys it does not know; an unknown key is usually a typo or a setting meant for `ExtensionData`.",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "remove the key, or correct its spelling",
        check: unknown,
        repair: None,
    },
    Rule {
        id: RuleId::SchemaToolKey,
        severity: Severity::Info,
        summary: "Keys that profile editors write but Apple's schema does not define (`PayloadEnabled`) are noted.",
        rationale: "Apple Configurator, iMazing Profile Editor and many MDMs write `PayloadEnabled`; macOS ignores it, so it is harmless, but it does not switch anything off.",
        source: RuleSource::AppleSchema,
        applies: Applies::Profile,
        macos: MacOsRange::ALL,
        fix: "remove the key, or leave it: macOS ignores it",
        check: tool_keys,
        repair: None,
    },
];

/// Keys profile editors write that Apple's schema does not define, and that macOS
/// ignores: `schema.tool-key` notes them instead of `schema.unknown-key`.
const TOOL_KEYS: &[&str] = &["PayloadEnabled"];

/// The keys Apple defines directly in the dictionary `d`.
fn defined<'d>(d: &'d Dict<'_>) -> impl Iterator<Item = &'static AppleKey> + 'd {
    let payload_root = d.scope == Scope::ExtensibleSso && d.catalog.is_empty();
    apple::children(d.scope, d.catalog).chain(
        payload_root
            .then(|| apple::children(Scope::Payload, ""))
            .into_iter()
            .flatten(),
    )
}

/// Where a key named `name` belongs, when Apple defines it in another dictionary.
fn home(d: &Dict<'_>, name: &str) -> Option<String> {
    let in_payload = |k: &AppleKey| match d.scope {
        Scope::ExtensibleSso => {
            let payload = d.path.split('.').next().unwrap_or_default();
            format!("{payload}.{}", k.path)
        }
        _ => format!(
            "PayloadContent[n].{} (the com.apple.extensiblesso payload)",
            k.path
        ),
    };
    let here = if d.catalog.is_empty() {
        name.to_string()
    } else {
        format!("{}.{name}", d.catalog)
    };
    match d.scope {
        Scope::Profile => apple::sso_keys_named(name).next().map(in_payload),
        _ => apple::sso_keys_named(name)
            .find(|k| k.path != here)
            .map(in_payload)
            .or_else(|| {
                apple::lookup(Scope::Profile, name)
                    .map(|k| format!("the profile's top level ({})", k.path))
            }),
    }
}

/// Each key that sits where Apple does not define it, with its dictionary.
fn strangers<'c>(ctx: &'c Context<'_>) -> impl Iterator<Item = (&'c Dict<'c>, &'c str)> + 'c {
    let walk = ctx.walk();
    walk.strangers
        .iter()
        .map(move |&(i, name)| (&walk.dicts[i], name))
}

fn misplaced(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for (place, name) in strangers(ctx) {
        if let Some(home) = home(place, name) {
            sink.emit_fix(
                place.key_path(name),
                format!("is not read here; Apple defines `{name}` at {home}"),
                format!("move `{name}` to {home}"),
            );
        }
    }
}

fn unknown(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for (place, name) in
        strangers(ctx).filter(|(place, k)| home(place, k).is_none() && !TOOL_KEYS.contains(k))
    {
        match defined(place).find(|k| normalize(k.name()) == normalize(name)) {
            Some(k) => sink.emit_fix(
                place.key_path(name),
                format!(
                    "is not a key Apple defines here; did you mean `{}`?",
                    k.name()
                ),
                format!("rename it to `{}`", k.name()),
            ),
            None => sink.emit(
                place.key_path(name),
                "is not a key Apple defines here; macOS ignores it",
            ),
        }
    }
}

fn tool_keys(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for (place, name) in strangers(ctx).filter(|(_, k)| TOOL_KEYS.contains(k)) {
        sink.emit(
            place.key_path(name),
            format!(
                "`{name}` is written by profile editors but not defined by Apple; macOS ignores it"
            ),
        );
    }
}

/// A key name without case, `_` or `-`, to find near misses (`authentication_method`).
pub(crate) fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Moves keys to the dictionary Apple defines them in, without overwriting a
/// value already there: Extensible SSO keys from the profile's top level into
/// the payload, payload keys out of `PlatformSSO`, and `PlatformSSO` keys from
/// the payload's top level into it.
fn fix_misplaced(fixer: &mut Fixer<'_>) {
    // Extensible SSO keys at the profile's top level go to the Microsoft payload.
    let Some((base, microsoft)) = fixer.payload().map(|p| (p.path(""), p.kind.is_microsoft()))
    else {
        return;
    };
    let (root, notes) = fixer.root();
    let names: Vec<String> = root
        .keys()
        .filter(|k| {
            microsoft
                && apple::lookup(Scope::Profile, k).is_none()
                && apple::lookup(Scope::ExtensibleSso, k).is_some()
        })
        .cloned()
        .collect();
    let mut moved = Vec::new();
    for name in names {
        if let Some(value) = root.remove(&name) {
            notes.note(
                RuleId::SchemaMisplacedKey,
                name.clone(),
                format!("moved to {base}.{name}"),
                MOVED_EFFECT,
            );
            moved.push((name, value));
        }
    }
    let Some(p) = fixer.payload() else { return };
    let sso = p.dict;
    for (key, value) in moved {
        sso.entry(key).or_insert(value);
    }
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
                p.notes,
                RuleId::SchemaMisplacedKey,
                sso,
                &key,
                value,
                from,
                to,
            );
        }
    }
    // PlatformSSO keys at the payload's top level, when the payload configures
    // Platform SSO (moving them into a new PlatformSSO dictionary would turn it on).
    if !configures_platform_sso(sso) {
        return;
    }
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
                p.notes,
                RuleId::SchemaMisplacedKey,
                platform,
                &key,
                value,
                from,
                to,
            );
        }
    }
}
