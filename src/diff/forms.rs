//! Diffs that involve a declaration: two declarations, compared by the settings they
//! carry and told at declaration paths, or a profile and a declaration, compared by
//! the settings of the SSO payload.

use plist::{Dictionary, Value};

use super::{Change, ChangeKind, Diff, KindChange, Reregistration, diff};
use crate::catalog::apple::{self, Scope};
use crate::codec::{Decoded, InputFormat};
use crate::declaration::{self, map};
use crate::inspect::shown;
use crate::model::Target;
use crate::rules::{Context, Options};

/// Why a new declaration `Identifier` forces registration again.
pub const REASON_DECLARATION_ID: &str = "a different declaration identifier is a different declaration: the Mac removes the old one with its SSO settings, so every user registers again";

/// Compares two inputs, each a profile or a declaration ([`crate::lint::read`]):
///
/// - two profiles: [`diff`];
/// - two declarations: the settings each carries (the profile trees they stand for,
///   [`declaration::to_profile`]) and their `Type`, `Identifier` and `ServerToken`,
///   at declaration paths (`Payload.PlatformSSO.Policies.FileVault`); a new
///   `Identifier` makes every user register again;
/// - a profile and a declaration: the settings of the profile's Microsoft SSO payload
///   against the declaration's, at the profile's paths, leaving out what only one
///   form has (the payload and profile keys, `Identifier`, `ServerToken`).
///
/// Never panics, whatever the values.
pub fn diff_inputs(old: &Decoded, new: &Decoded, show_secrets: bool) -> Diff {
    let is_declaration = |d: &Decoded| d.format == InputFormat::Json;
    match (is_declaration(old), is_declaration(new)) {
        (false, false) => diff(&old.value, &new.value, show_secrets),
        (true, true) => declarations(&old.value, &new.value, show_secrets),
        _ => mixed(old, new, show_secrets),
    }
}

/// Whether a profile-tree path is the envelope a declaration's profile tree makes up.
fn envelope(path: &str) -> bool {
    match path.strip_prefix("PayloadContent[0].") {
        Some(key) => {
            let first = key.split(['.', '[']).next().unwrap_or(key);
            apple::lookup(Scope::Payload, first).is_some()
        }
        None => !path.starts_with("PayloadContent[0]"),
    }
}

fn declarations(old: &Value, new: &Value, show_secrets: bool) -> Diff {
    let settings = diff(
        &declaration::to_profile(old),
        &declaration::to_profile(new),
        show_secrets,
    );
    let mut changes: Vec<Change> = settings
        .changes
        .into_iter()
        .filter(|c| !envelope(&c.path))
        .map(|c| Change {
            path: map::declaration_path(&c.path),
            ..c
        })
        .collect();
    let top = |v: &Value, key: &str| v.as_dictionary().and_then(|d| d.get(key)).cloned();
    let mut id_changed = false;
    for key in ["Type", "Identifier", "ServerToken"] {
        let (a, b) = (top(old, key), top(new, key));
        if a == b {
            continue;
        }
        id_changed |= key == "Identifier";
        let json = |v: &Option<Value>| {
            v.as_ref()
                .map_or(serde_json::Value::Null, |v| shown(key, v, show_secrets))
        };
        changes.push(Change {
            path: key.to_string(),
            kind: match (&a, &b) {
                (None, _) => ChangeKind::Added,
                (_, None) => ChangeKind::Removed,
                _ => ChangeKind::Changed,
            },
            old: json(&a),
            new: json(&b),
        });
    }
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    let mut reregistration: Vec<Reregistration> = settings
        .reregistration
        .into_iter()
        .filter(|r| !envelope(&r.path))
        .map(|r| Reregistration {
            path: map::declaration_path(&r.path),
            ..r
        })
        .collect();
    if id_changed {
        reregistration.insert(
            0,
            Reregistration {
                path: "Identifier".into(),
                reason: REASON_DECLARATION_ID,
                source: "Apple, declarative device management (a declaration is identified by its Identifier); Microsoft S2, §6 pitfall 3",
            },
        );
    }
    Diff {
        changes,
        kinds: settings
            .kinds
            .into_iter()
            .map(|k| KindChange {
                path: map::declaration_path(&k.path),
                ..k
            })
            .collect(),
        reregistration,
    }
}

/// The settings of a profile tree's Microsoft SSO payload (or its first Extensible
/// SSO payload), without the keys common to every payload, as a one-payload profile,
/// and the payload's index.
fn settings_of(profile: &Value) -> (Value, usize) {
    let context = Context::new(profile, &Options::new(Target::default()));
    let Some(p) = context
        .microsoft()
        .next()
        .or_else(|| context.extensible_sso().next())
    else {
        return (wrap(Dictionary::new()), 0);
    };
    let mut payload = Dictionary::new();
    for (k, v) in p.dict {
        let profile_only = map::PROFILE_ONLY.iter().any(|(key, _)| *key == k.as_str());
        if apple::lookup(Scope::Payload, k).is_none() && !profile_only {
            payload.insert(k.clone(), v.clone());
        }
    }
    (wrap(payload), p.index)
}

fn wrap(payload: Dictionary) -> Value {
    let mut root = Dictionary::new();
    root.insert(
        "PayloadContent".into(),
        Value::Array(vec![Value::Dictionary(payload)]),
    );
    Value::Dictionary(root)
}

fn mixed(old: &Decoded, new: &Decoded, show_secrets: bool) -> Diff {
    let profile_tree = |d: &Decoded| {
        if d.format == InputFormat::Json {
            declaration::to_profile(&d.value)
        } else {
            d.value.clone()
        }
    };
    let (a, index_a) = settings_of(&profile_tree(old));
    let (b, index_b) = settings_of(&profile_tree(new));
    let index = if old.format == InputFormat::Json {
        index_b
    } else {
        index_a
    };
    let at = |path: String| match path.strip_prefix("PayloadContent[0]") {
        Some(rest) => format!("PayloadContent[{index}]{rest}"),
        None => path,
    };
    let d = diff(&a, &b, show_secrets);
    Diff {
        changes: d
            .changes
            .into_iter()
            .map(|c| Change {
                path: at(c.path),
                ..c
            })
            .collect(),
        kinds: d
            .kinds
            .into_iter()
            .map(|k| KindChange {
                path: at(k.path),
                ..k
            })
            .collect(),
        reregistration: d
            .reregistration
            .into_iter()
            .filter(|r| !r.path.ends_with("PayloadIdentifier") && !r.path.ends_with("PayloadUUID"))
            .map(|r| Reregistration {
                path: at(r.path),
                ..r
            })
            .collect(),
    }
}
