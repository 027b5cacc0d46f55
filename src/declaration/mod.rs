//! The Declarative Device Management declarations of the SSO extension: the profile's
//! second form.
//!
//! From macOS 27, the `com.apple.configuration.extensible-sso` declaration carries the
//! settings of the `com.apple.extensiblesso` payload under its own key names
//! (`PlatformSSO.UserCreation.EnableAtLogin` for `PlatformSSO.EnableCreateUserAtLogin`),
//! as JSON: `Type`, `Identifier`, `ServerToken` and `Payload`. [`map`] holds the one
//! table between the two forms. Before macOS 27, the declarative route to the same
//! settings is the `com.apple.configuration.legacy` declaration, which installs the
//! profile from an https URL ([`legacy`]).
//!
//! Both forms meet the same rules: [`from_profile`] makes a declaration from a checked
//! profile tree, and [`crate::rules::check_declaration`] reads a declaration into a
//! profile tree ([`to_profile`]), checks it, and reports at declaration paths.

pub mod map;

use std::path::Path;

use plist::{Dictionary, Value};
use uuid::Uuid;

use crate::catalog::apple::{self, Kind, Scope};
use crate::codec::{self, Decoded, InputFormat};
use crate::error::{Error, Result};
use crate::model::{Base64Data, MacOs, Target};
use map::{Counterpart, Entry};

/// The `Type` of the Extensible SSO declaration.
pub const EXTENSIBLE_SSO: &str = "com.apple.configuration.extensible-sso";
/// The `Type` of the declaration that installs a profile from a URL.
pub const LEGACY: &str = "com.apple.configuration.legacy";
/// The first macOS that reads [`EXTENSIBLE_SSO`].
pub const EXTENSIBLE_SSO_MACOS: MacOs = MacOs::V27;
/// The first macOS that reads [`LEGACY`].
pub const LEGACY_MACOS: MacOs = MacOs::V13;

/// The namespace of the v5 UUIDs that [`from_profile`] and [`legacy`] derive server
/// tokens with.
const SERVER_TOKEN_NAMESPACE: Uuid = Uuid::from_u128(0x9b2e_6c41_d05a_5f3e_8a71_c4e2_0f6d_93b8);

/// The `Identifier` and `ServerToken` of a declaration, when given; derived otherwise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options<'a> {
    /// The declaration's `Identifier` [default: the profile's `PayloadIdentifier`,
    /// `.extensible-sso` or `.legacy` appended].
    pub identifier: Option<&'a str>,
    /// The declaration's `ServerToken` [default: a v5 UUID of the declaration's
    /// content, so that it changes exactly when the content does].
    pub server_token: Option<&'a str>,
}

/// The `Type` of a declaration tree, when it has one.
pub fn declaration_type(value: &Value) -> Option<&str> {
    value.as_dictionary()?.get("Type")?.as_string()
}

/// Whether `bytes` look like JSON (the first character other than white space and a
/// byte-order mark is `{`), as a declaration is; profiles never start so.
pub fn looks_like_json(bytes: &[u8]) -> bool {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Reads a declaration: JSON whose `Type` is [`EXTENSIBLE_SSO`] or [`LEGACY`], as a
/// [`Decoded`] of [`InputFormat::Json`].
///
/// # Errors
///
/// Those of [`codec::parse_json`], and [`Error::NotADeclaration`] when `Type` is
/// missing or names another declaration.
pub fn parse(bytes: &[u8], origin: &Path) -> Result<Decoded> {
    let value = codec::parse_json(bytes, origin)?;
    let shown = if origin == Path::new("-") {
        Path::new("<stdin>")
    } else {
        origin
    };
    match declaration_type(&value) {
        Some(EXTENSIBLE_SSO | LEGACY) => Ok(Decoded {
            value,
            format: InputFormat::Json,
            content_format: InputFormat::Json,
            signed: None,
        }),
        Some(other) => Err(Error::NotADeclaration {
            path: shown.to_path_buf(),
            detail: format!("its `Type` is `{other}`, expected `{EXTENSIBLE_SSO}` or `{LEGACY}`"),
        }),
        None => Err(Error::NotADeclaration {
            path: shown.to_path_buf(),
            detail: format!("it has no `Type` string, expected `{EXTENSIBLE_SSO}` or `{LEGACY}`"),
        }),
    }
}

/// Sets `value` at the `.`-joined `path` of `dict`, making the dictionaries on the way.
fn set_path(dict: &mut Dictionary, path: &str, value: Value) {
    let mut parts = path.split('.').peekable();
    let mut cur = dict;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            cur.insert(part.to_string(), value);
            return;
        }
        let entry = cur
            .entry(part.to_string())
            .or_insert_with(|| Value::Dictionary(Dictionary::new()));
        if !matches!(entry, Value::Dictionary(_)) {
            *entry = Value::Dictionary(Dictionary::new());
        }
        let Value::Dictionary(next) = entry else {
            return;
        };
        cur = next;
    }
}

/// The composed identifier `Bundle-ID (Team-ID)` split in two; the team is `None`
/// when the text has no `(Team-ID)` at its end.
pub fn split_composed(text: &str) -> (&str, Option<&str>) {
    match text
        .trim_end()
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once(" ("))
    {
        Some((bundle, team)) if !team.is_empty() && !team.contains(['(', ')']) => {
            (bundle.trim(), Some(team))
        }
        _ => (text.trim(), None),
    }
}

/// The `com.apple.configuration.extensible-sso` declaration of a profile's one
/// Extensible SSO payload, with every key of the payload at its declaration key
/// ([`map::ENTRIES`]): `ExtensionIdentifier` and `TeamIdentifier` composed as
/// `Bundle-ID (Team-ID)`, the registration token inside `PlatformSSO`, the keys
/// grouped in `Account`, `UserCreation`, `Authorization`, `AccessKey`, `Policies` and
/// `WebAuthentication`. The payload keys common to every payload and the keys of
/// [`map::PROFILE_ONLY`] are left out.
///
/// `profile` should be a profile that [`crate::rules::check`] passed: the mapping
/// copies values as they are.
///
/// # Errors
///
/// [`Error::DeclarationMacOs`] when the fleet starts before macOS 27 (older Macs do
/// not read the declaration: use [`legacy`] for them), [`Error::NotDeclarable`] when
/// the profile has no Extensible SSO payload, several, or a key the declaration has
/// no key for, and [`Error::Encode`] should the content not encode for its token.
pub fn from_profile(profile: &Value, target: &Target, options: &Options<'_>) -> Result<Value> {
    if target.min_macos < EXTENSIBLE_SSO_MACOS {
        return Err(Error::DeclarationMacOs {
            declaration: EXTENSIBLE_SSO,
            needs: EXTENSIBLE_SSO_MACOS,
            min_macos: target.min_macos,
        });
    }
    let not = |detail: String| Error::NotDeclarable { detail };
    let root = profile
        .as_dictionary()
        .ok_or_else(|| not("its root is not a dictionary".into()))?;
    let payloads: Vec<&Dictionary> = root
        .get("PayloadContent")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_dictionary)
                .filter(|d| {
                    d.get("PayloadType").and_then(Value::as_string)
                        == Some(crate::rules::EXTENSIBLE_SSO)
                })
                .collect()
        })
        .unwrap_or_default();
    let [sso] = payloads.as_slice() else {
        return Err(not(format!(
            "it has {} Extensible SSO payloads; a declaration carries one",
            payloads.len()
        )));
    };
    let mut payload = Dictionary::new();
    let mut unmapped = Vec::new();
    for (name, value) in sso.iter() {
        match name.as_str() {
            "ExtensionIdentifier" | "TeamIdentifier" => {}
            _ if apple::lookup(Scope::Payload, name).is_some() => {}
            _ if map::PROFILE_ONLY.iter().any(|(p, _)| p == name) => {}
            "PlatformSSO" => match value {
                Value::Dictionary(platform) => {
                    map_profile_dict(platform, "PlatformSSO", &mut payload, &mut unmapped)
                }
                other => set_path(&mut payload, "PlatformSSO", other.clone()),
            },
            _ => match map::entry_for_profile(name) {
                Some(e) => set_path(&mut payload, e.declaration, value.clone()),
                None => unmapped.push(name.clone()),
            },
        }
    }
    if !unmapped.is_empty() {
        return Err(not(format!(
            "the declaration has no key for {}",
            unmapped
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let text = |key: &str| sso.get(key).and_then(Value::as_string);
    let composed = match (text("ExtensionIdentifier"), text("TeamIdentifier")) {
        (Some(bundle), Some(team)) => format!("{bundle} ({team})"),
        (Some(bundle), None) => bundle.to_string(),
        (None, _) => {
            return Err(not(
                "its Extensible SSO payload has no `ExtensionIdentifier`".into(),
            ));
        }
    };
    payload.insert(
        "ExtensionComposedIdentifier".into(),
        Value::String(composed),
    );
    let identifier = match options.identifier {
        Some(id) => id.to_string(),
        None => format!("{}.extensible-sso", profile_identifier(root)?),
    };
    finish(
        EXTENSIBLE_SSO,
        identifier,
        payload,
        options.server_token,
        None,
    )
}

/// The profile's `PayloadIdentifier`, which derived identifiers start from.
fn profile_identifier(root: &Dictionary) -> Result<&str> {
    root.get("PayloadIdentifier")
        .and_then(Value::as_string)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::NotDeclarable {
            detail: "it has no `PayloadIdentifier` to derive the declaration's `Identifier` from; give one".into(),
        })
}

/// Copies the keys of the profile dictionary at `path` to their declaration keys.
fn map_profile_dict(
    dict: &Dictionary,
    path: &str,
    payload: &mut Dictionary,
    unmapped: &mut Vec<String>,
) {
    for (name, value) in dict {
        let full = format!("{path}.{name}");
        let Some(e) = map::entry_for_profile(&full) else {
            unmapped.push(full);
            continue;
        };
        let nested = map::children(e.declaration).next().is_some();
        match value {
            Value::Dictionary(inner) if nested => map_profile_dict(inner, &full, payload, unmapped),
            other => set_path(payload, e.declaration, other.clone()),
        }
    }
}

/// A declaration of `kind` with `payload`: its server token given, or derived from
/// the content (and `extra` bytes the content stands for, such as the profile a
/// legacy declaration installs).
fn finish(
    kind: &str,
    identifier: String,
    payload: Dictionary,
    server_token: Option<&str>,
    extra: Option<&[u8]>,
) -> Result<Value> {
    let mut declaration = Dictionary::new();
    declaration.insert("Type".into(), Value::String(kind.to_string()));
    declaration.insert("Identifier".into(), Value::String(identifier));
    declaration.insert("Payload".into(), Value::Dictionary(payload));
    let token = match server_token {
        Some(token) => token.to_string(),
        None => {
            let mut content =
                codec::write(&Value::Dictionary(declaration.clone()), codec::Format::Json)?;
            if let Some(extra) = extra {
                content.extend_from_slice(extra);
            }
            let mut buf = Uuid::encode_buffer();
            Uuid::new_v5(&SERVER_TOKEN_NAMESPACE, &content)
                .hyphenated()
                .encode_upper(&mut buf)
                .to_string()
        }
    };
    declaration.insert("ServerToken".into(), Value::String(token));
    Ok(Value::Dictionary(declaration))
}

/// The `com.apple.configuration.legacy` declaration that installs the profile served
/// at `profile_url`: `profile` is the profile (its identifier names the declaration),
/// `bytes` what the URL serves (the server token changes when they do).
///
/// # Errors
///
/// [`Error::InvalidValue`] for a `profile_url` that is not a well-formed https URL
/// ([`crate::url::check_https`]), [`Error::NotDeclarable`] when no identifier is
/// given and the profile has no `PayloadIdentifier`, and [`Error::Encode`].
pub fn legacy(
    profile: &Value,
    bytes: &[u8],
    profile_url: &str,
    options: &Options<'_>,
) -> Result<Value> {
    crate::url::check_https("ProfileURL", profile_url)?;
    let identifier = match options.identifier {
        Some(id) => id.to_string(),
        None => {
            let root = profile
                .as_dictionary()
                .ok_or_else(|| Error::NotDeclarable {
                    detail: "its root is not a dictionary".into(),
                })?;
            format!("{}.legacy", profile_identifier(root)?)
        }
    };
    let mut payload = Dictionary::new();
    payload.insert("ProfileURL".into(), Value::String(profile_url.to_string()));
    finish(
        LEGACY,
        identifier,
        payload,
        options.server_token,
        Some(bytes),
    )
}

/// The profile tree a declaration stands for, for the rules: one Extensible SSO
/// payload holding each declaration key at its payload key ([`map::ENTRIES`]), in an
/// envelope of the required profile keys (its identifiers derived from the
/// declaration's `Identifier`). Keys the declaration schema does not define, and
/// values of the wrong type for a group, are left out (the `declaration.*` rules
/// report them); base64 text at a `<data>` key becomes data. A legacy declaration, or
/// anything that is not a declaration, gives a profile with no payload.
pub fn to_profile(declaration: &Value) -> Value {
    let root = declaration.as_dictionary();
    let identifier = root
        .and_then(|r| r.get("Identifier"))
        .and_then(Value::as_string)
        .unwrap_or("declaration");
    let uuid = |id: &str| {
        let mut buf = Uuid::encode_buffer();
        Uuid::new_v5(&SERVER_TOKEN_NAMESPACE, id.as_bytes())
            .hyphenated()
            .encode_upper(&mut buf)
            .to_string()
    };
    let mut content = Vec::new();
    if declaration_type(declaration) == Some(EXTENSIBLE_SSO) {
        let mut payload = Dictionary::new();
        let sso_id = format!("{identifier}.sso");
        payload.insert("PayloadType".into(), crate::rules::EXTENSIBLE_SSO.into());
        payload.insert("PayloadVersion".into(), Value::Integer(1.into()));
        payload.insert("PayloadUUID".into(), Value::String(uuid(&sso_id)));
        payload.insert("PayloadIdentifier".into(), Value::String(sso_id));
        if let Some(Value::Dictionary(given)) = root.and_then(|r| r.get("Payload")) {
            map_declaration_dict(given, "", &mut payload);
        }
        content.push(Value::Dictionary(payload));
    }
    let mut profile = Dictionary::new();
    profile.insert("PayloadType".into(), "Configuration".into());
    profile.insert("PayloadVersion".into(), Value::Integer(1.into()));
    profile.insert(
        "PayloadIdentifier".into(),
        Value::String(identifier.to_string()),
    );
    profile.insert("PayloadUUID".into(), Value::String(uuid(identifier)));
    profile.insert("PayloadContent".into(), Value::Array(content));
    Value::Dictionary(profile)
}

/// Copies the keys of the declaration dictionary at `path` (inside `Payload`) to their
/// payload keys.
fn map_declaration_dict(dict: &Dictionary, path: &str, payload: &mut Dictionary) {
    for (name, value) in dict {
        let full = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        let Some(e) = map::entry(&full) else { continue };
        let nested = map::children(e.declaration).next().is_some();
        match (e.profile, value) {
            (Counterpart::Composed, Value::String(text)) => {
                let (bundle, team) = split_composed(text);
                payload.insert("ExtensionIdentifier".into(), bundle.into());
                if let Some(team) = team {
                    payload.insert("TeamIdentifier".into(), team.into());
                }
            }
            (Counterpart::Composed, other) => {
                payload.insert("ExtensionIdentifier".into(), other.clone());
            }
            (Counterpart::Group, Value::Dictionary(inner)) => {
                map_declaration_dict(inner, &full, payload)
            }
            (Counterpart::Group, _) => {}
            (_, Value::Dictionary(inner)) if nested => {
                if let Some(p) = e.profile_path() {
                    set_path(payload, p, Value::Dictionary(Dictionary::new()));
                }
                map_declaration_dict(inner, &full, payload)
            }
            (_, value) => {
                if let Some(p) = e.profile_path() {
                    set_path(payload, p, profile_value(e, value));
                }
            }
        }
    }
}

/// A declaration value as the payload key holds it: base64 text at a `<data>` key is
/// data (JSON has no data type), anything else as it is.
fn profile_value(e: &Entry, value: &Value) -> Value {
    match (e.kind(), value) {
        (Kind::Data, Value::String(text)) => text
            .parse::<Base64Data>()
            .map_or_else(|_| value.clone(), |d| Value::Data(d.0.into())),
        _ => value.clone(),
    }
}

/// Repairs an `extensible-sso` declaration with the profile's repairs
/// ([`crate::lint::fix()`]): it is read into its profile tree, repaired for a fleet from
/// macOS 27 at least, and mapped back, keeping its `Identifier` and the keys the
/// declaration schema does not define; the `ServerToken` is derived again when
/// something changed. The repairs are told at declaration paths. Other declarations
/// are returned as they are.
///
/// # Errors
///
/// Those of [`from_profile`], should a repaired tree not map back.
pub fn fix(declaration: &Value, target: &Target) -> Result<(Value, Vec<crate::lint::Applied>)> {
    if declaration_type(declaration) != Some(EXTENSIBLE_SSO) {
        return Ok((declaration.clone(), Vec::new()));
    }
    let checked = Target::new(target.min_macos.max(EXTENSIBLE_SSO_MACOS));
    let mut profile = to_profile(declaration);
    let mut fixes = crate::lint::fix(&mut profile, &checked);
    if fixes.is_empty() {
        return Ok((declaration.clone(), fixes));
    }
    for f in &mut fixes {
        f.path = map::declaration_path(&f.path);
        f.action = crate::rules::in_declaration_terms(&f.action);
    }
    let root = declaration.as_dictionary();
    let text = |key: &str| root.and_then(|r| r.get(key)).and_then(Value::as_string);
    let options = Options {
        identifier: Some(text("Identifier").unwrap_or("declaration")),
        server_token: None,
    };
    let mut fixed = from_profile(&profile, &checked, &options)?;
    if let (Some(Value::Dictionary(given)), Some(Value::Dictionary(out))) = (
        root.and_then(|r| r.get("Payload")),
        fixed.as_dictionary_mut().and_then(|r| r.get_mut("Payload")),
    ) {
        carry_unknown(given, "", out);
    }
    // The token covers the content, the carried keys included.
    if let Some(root) = fixed.as_dictionary_mut() {
        root.remove("ServerToken");
        let payload = match root.remove("Payload") {
            Some(Value::Dictionary(p)) => p,
            _ => Dictionary::new(),
        };
        let identifier = options.identifier.unwrap_or("declaration").to_string();
        fixed = finish(EXTENSIBLE_SSO, identifier, payload, None, None)?;
    }
    Ok((fixed, fixes))
}

/// Copies the keys of the declaration dictionary `given` at `path` that the
/// declaration schema does not define into `out`, where the repair left them out.
fn carry_unknown(given: &Dictionary, path: &str, out: &mut Dictionary) {
    for (name, value) in given {
        let full = if path.is_empty() {
            name.clone()
        } else {
            format!("{path}.{name}")
        };
        match map::entry(&full) {
            None => set_path(out, &full, value.clone()),
            Some(e)
                if e.profile == Counterpart::Group && !matches!(value, Value::Dictionary(_)) =>
            {
                set_path(out, &full, value.clone())
            }
            Some(e) => {
                let free = e.apple_key().is_some_and(|k| k.item.is_some());
                if let (Value::Dictionary(inner), Kind::Dictionary, false) = (value, e.kind(), free)
                {
                    carry_unknown(inner, &full, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
