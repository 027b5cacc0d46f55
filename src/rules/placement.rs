//! Rules on where keys sit: keys Apple does not define in a dictionary, and known
//! keys put in the wrong dictionary (`RegistrationToken` inside `PlatformSSO`).

use plist::{Dictionary, Value};

use super::{Context, Rule, RuleSource, Severity, Sink};
use crate::catalog::apple::{self, AppleKey, Kind, Scope};

pub(super) static RULES: &[Rule] = &[
    Rule {
        id: "schema.misplaced-key",
        severity: Severity::Error,
        summary: "Known keys sit in the dictionary Apple defines them in.",
        rationale: "macOS reads each key in one place only: `RegistrationToken` inside `PlatformSSO`, or `UseSharedDeviceKeys` at the payload's top level, is ignored.",
        source: RuleSource::DocumentedPitfall,
        macos: "all",
        fix: "move the key to the place Apple defines it",
        check: misplaced,
    },
    Rule {
        id: "schema.unknown-key",
        severity: Severity::Warning,
        summary: "The profile, the Extensible SSO payload and its `PlatformSSO` dictionaries hold only keys Apple defines.",
        rationale: "macOS ignores keys it does not know; an unknown key is usually a typo or a setting meant for `ExtensionData`.",
        source: RuleSource::AppleSchema,
        macos: "all",
        fix: "remove the key, or correct its spelling",
        check: unknown,
    },
];

/// A dictionary whose keys Apple lists, with where it sits.
struct Place<'a> {
    scope: Scope,
    catalog: &'static str,
    path: String,
    dict: &'a Dictionary,
    /// The payload's path when the dictionary is inside an Extensible SSO payload.
    payload: Option<String>,
}

fn places<'a>(ctx: &Context<'a>) -> Vec<Place<'a>> {
    let mut out = Vec::new();
    if let Some(root) = ctx.root {
        out.push(Place {
            scope: Scope::Profile,
            catalog: "",
            path: String::new(),
            dict: root,
            payload: None,
        });
    }
    for p in ctx.extensible_sso() {
        let base = p.path("");
        out.push(Place {
            scope: Scope::ExtensibleSso,
            catalog: "",
            path: base.clone(),
            dict: p.dict,
            payload: Some(base.clone()),
        });
        for key in apple::KEYS.iter().filter(|k| {
            k.scope == Scope::ExtensibleSso && k.kind == Kind::Dictionary && k.item.is_none()
        }) {
            if let Some(Value::Dictionary(dict)) = p.get(key.path) {
                out.push(Place {
                    scope: Scope::ExtensibleSso,
                    catalog: key.path,
                    path: p.path(key.path),
                    dict,
                    payload: Some(base.clone()),
                });
            }
        }
    }
    out
}

impl Place<'_> {
    fn knows(&self, name: &str) -> bool {
        // A key's path is its parent's path and its name: one indexed lookup.
        apple::lookup(self.scope, &join(self.catalog, name)).is_some()
            || (self.scope == Scope::ExtensibleSso
                && self.catalog.is_empty()
                && apple::lookup(Scope::Payload, name).is_some())
    }

    /// Where a key of this name belongs, when it belongs somewhere else.
    fn home(&self, name: &str) -> Option<String> {
        let in_payload = |k: &AppleKey| match &self.payload {
            Some(payload) => format!("{payload}.{}", k.path),
            None => format!(
                "PayloadContent[n].{} (the com.apple.extensiblesso payload)",
                k.path
            ),
        };
        match self.scope {
            Scope::Profile => apple::sso_keys_named(name).next().map(in_payload),
            _ => apple::sso_keys_named(name)
                .find(|k| k.path != join(self.catalog, name))
                .map(in_payload)
                .or_else(|| {
                    apple::lookup(Scope::Profile, name)
                        .map(|k| format!("the profile's top level ({})", k.path))
                }),
        }
    }
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

fn key_path(place: &Place<'_>, key: &str) -> String {
    if place.path.is_empty() {
        key.to_string()
    } else {
        format!("{}.{key}", place.path)
    }
}

fn misplaced(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for place in places(ctx) {
        for name in place.dict.keys().filter(|k| !place.knows(k)) {
            if let Some(home) = place.home(name) {
                sink.emit_fix(
                    key_path(&place, name),
                    format!("is not read here; Apple defines `{name}` at {home}"),
                    format!("move `{name}` to {home}"),
                );
            }
        }
    }
}

fn unknown(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for place in places(ctx) {
        for name in place
            .dict
            .keys()
            .filter(|k| !place.knows(k) && place.home(k).is_none())
        {
            let near = apple::children(place.scope, place.catalog)
                .chain(
                    if place.scope == Scope::ExtensibleSso && place.catalog.is_empty() {
                        Some(apple::children(Scope::Payload, ""))
                    } else {
                        None
                    }
                    .into_iter()
                    .flatten(),
                )
                .find(|k| normalize(k.name()) == normalize(name));
            match near {
                Some(k) => sink.emit_fix(
                    key_path(&place, name),
                    format!(
                        "is not a key Apple defines here; did you mean `{}`?",
                        k.name()
                    ),
                    format!("rename it to `{}`", k.name()),
                ),
                None => sink.emit(
                    key_path(&place, name),
                    "is not a key Apple defines here; macOS ignores it",
                ),
            }
        }
    }
}

/// A key name without case, `_` or `-`, to find near misses (`authentication_method`).
pub(crate) fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}
