//! Cross-checks the Apple key catalog against Apple's own YAML schema at commit
//! 97a11a8 in `../shared/reference/apple-device-management-27/mdm/profiles/`
//! (present beside the checkout in CI; a user's clone skips with a message): every
//! key's type, presence, allowed values, versions, default, minimum and channel, and
//! the macOS version of each value Apple introduced after its key.

use psso_profile::catalog::apple::{self, AppleKey, Scope, Source};
use psso_profile::model::MacOs;
use serde_yaml::Value as Yaml;

use crate::support::shared_reference;

/// One key of Apple's YAML, flattened.
#[derive(Debug)]
struct YamlKey {
    path: String,
    kind: String,
    required: bool,
    allowed: Vec<String>,
    item: Option<String>,
    default: Option<String>,
    min: Option<i64>,
    introduced: String,
    deprecated: Option<String>,
    user_channel: bool,
    /// Values whose prose says "available in macOS N and later", with N.
    value_versions: Vec<(String, String)>,
}

/// The values of `allowed` that `content` dates: in each line (a bullet of a block
/// scalar, or a whole folded sentence), "available in macOS N and later" dates the
/// first value of the rangelist the line names in backticks.
fn dated_values(content: &str, allowed: &[String]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in content.lines() {
        let lower = line.to_ascii_lowercase();
        let Some(at) = lower.find("available in macos ") else {
            continue;
        };
        let version: String = lower[at + "available in macos ".len()..]
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let version = version.trim_end_matches('.');
        let version = if version.contains('.') {
            version.to_string()
        } else {
            format!("{version}.0")
        };
        let named = line
            .split('`')
            .skip(1)
            .step_by(2)
            .find(|word| allowed.iter().any(|a| a == word));
        if let Some(value) = named {
            out.push((value.to_string(), version));
        }
    }
    out
}

fn text(v: &Yaml) -> String {
    match v {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        other => panic!("unexpected scalar {other:?}"),
    }
}

fn macos<'a>(key: &'a Yaml, field: &str) -> Option<&'a Yaml> {
    key.get("supportedOS")?.get("macOS")?.get(field)
}

fn flatten(
    keys: &Yaml,
    parent: &str,
    introduced: &str,
    user_channel: bool,
    out: &mut Vec<YamlKey>,
) {
    for key in keys.as_sequence().unwrap() {
        let name = text(&key["key"]);
        let path = if parent.is_empty() {
            name.clone()
        } else {
            format!("{parent}.{name}")
        };
        let introduced = macos(key, "introduced").map_or(introduced.to_string(), text);
        let user_channel = macos(key, "userchannel").map_or(user_channel, |v| v.as_bool().unwrap());
        let kind = text(&key["type"]);
        let subkeys = key.get("subkeys");
        let item = match (kind.as_str(), subkeys) {
            ("<array>", Some(s)) => Some(&s[0]),
            ("<dictionary>", Some(s)) if s[0]["key"] == Yaml::String("ANY".into()) => Some(&s[0]),
            _ => None,
        };
        let allowed_from = |k: &Yaml| {
            k.get("rangelist")
                .map(|r| r.as_sequence().unwrap().iter().map(text).collect())
                .unwrap_or_default()
        };
        let allowed: Vec<String> = match (kind.as_str(), item) {
            ("<array>", Some(i)) => allowed_from(i),
            _ => allowed_from(key),
        };
        let content = |k: &Yaml| k.get("content").map(text).unwrap_or_default();
        let prose = format!(
            "{}\n{}",
            content(key),
            item.map(content).unwrap_or_default()
        );
        let value_versions = dated_values(&prose, &allowed);
        out.push(YamlKey {
            path: path.clone(),
            kind,
            required: key.get("presence").map(text).as_deref() == Some("required"),
            allowed,
            item: item.map(|i| text(&i["type"])),
            default: key.get("default").map(text),
            min: key
                .get("range")
                .and_then(|r| r.get("min"))
                .and_then(Yaml::as_i64),
            introduced: introduced.clone(),
            deprecated: macos(key, "deprecated").map(text),
            user_channel,
            value_versions,
        });
        if item.is_none()
            && let Some(sub) = subkeys
        {
            flatten(sub, &path, &introduced, user_channel, out);
        }
    }
}

fn version(v: MacOs) -> String {
    format!("{}.{}", v.major(), v.minor())
}

fn load(relative: &str, test: &str) -> Option<(Yaml, Vec<YamlKey>)> {
    let path = shared_reference(relative, test)?;
    let doc: Yaml = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let introduced = text(&doc["payload"]["supportedOS"]["macOS"]["introduced"]);
    let mut keys = Vec::new();
    flatten(&doc["payloadkeys"], "", &introduced, true, &mut keys);
    Some((doc, keys))
}

fn compare(scope: Scope, yaml: &[YamlKey], check_items: bool) -> Vec<String> {
    let mut problems = Vec::new();
    // A value Apple dates in one key is the same value in another key of the same
    // rangelist (the deprecated top-level `AuthenticationMethod` takes `OpenID` too,
    // without saying so again).
    let dated_anywhere = |value: &str| {
        yaml.iter()
            .flat_map(|y| &y.value_versions)
            .find(|(v, _)| v == value)
            .map(|(_, version)| version.clone())
    };
    for y in yaml {
        let Some(k) = apple::lookup(scope, &y.path) else {
            problems.push(format!(
                "{}: in Apple's schema but not in the catalog",
                y.path
            ));
            continue;
        };
        let mut differ = |what: &str, ours: String, apple: String| {
            if ours != apple {
                problems.push(format!(
                    "{}: {what} is {ours} in the catalog, {apple} in Apple's schema",
                    y.path
                ));
            }
        };
        differ("type", k.kind.schema_name().to_string(), y.kind.clone());
        differ("presence", k.required.to_string(), y.required.to_string());
        differ(
            "allowed values",
            format!("{:?}", k.allowed),
            format!("{:?}", y.allowed),
        );
        differ("introduced", version(k.introduced), y.introduced.clone());
        differ(
            "deprecated",
            format!("{:?}", k.deprecated.map(version)),
            format!("{:?}", y.deprecated),
        );
        differ(
            "default",
            format!("{:?}", k.default),
            format!("{:?}", y.default),
        );
        differ("minimum", format!("{:?}", k.min), format!("{:?}", y.min));
        differ(
            "user channel",
            k.user_channel.to_string(),
            y.user_channel.to_string(),
        );
        for value in &y.allowed {
            let apple = y
                .value_versions
                .iter()
                .find(|(v, _)| v == value)
                .map(|(_, version)| version.clone())
                .or_else(|| dated_anywhere(value))
                .filter(|version| *version != y.introduced);
            differ(
                &format!("the version of value `{value}`"),
                format!("{:?}", k.value_introduced(value).map(version)),
                format!("{apple:?}"),
            );
        }
        if check_items {
            differ(
                "item type",
                format!("{:?}", k.item.map(|i| i.schema_name())),
                format!("{:?}", y.item),
            );
        }
    }
    for k in apple::KEYS.iter().filter(|k| k.scope == scope) {
        let in_yaml = yaml.iter().any(|y| y.path == k.path);
        match (k.source, in_yaml) {
            (Source::AppleSchema, false) => problems.push(format!(
                "{}: in the catalog but not in Apple's schema",
                k.path
            )),
            (Source::AppleDocumentation, true) => problems.push(format!(
                "{}: marked as newer than the schema, but the schema has it",
                k.path
            )),
            _ => {}
        }
    }
    problems
}

/// The folder of Apple's profile schemas at commit 97a11a8.
const PROFILES: &str = "apple-device-management-27/mdm/profiles";

#[test]
fn apple_catalog_matches_the_extensiblesso_schema() {
    let Some((doc, keys)) = load(
        &format!("{PROFILES}/com.apple.extensiblesso.yaml"),
        "apple_catalog_matches_the_extensiblesso_schema",
    ) else {
        return;
    };
    assert_eq!(
        doc["payload"]["payloadtype"],
        Yaml::String("com.apple.extensiblesso".into())
    );
    assert!(keys.len() > 40, "the schema was read: {} keys", keys.len());
    // The prose was read: the values Apple dates are found.
    let dated: Vec<(&str, &str, &str)> = keys
        .iter()
        .flat_map(|k| {
            k.value_versions
                .iter()
                .map(move |(v, m)| (k.path.as_str(), v.as_str(), m.as_str()))
        })
        .collect();
    for expected in [
        ("PlatformSSO.AuthenticationMethod", "OpenID", "27.0"),
        ("PlatformSSO.NewUserAuthenticationMethods", "OpenID", "27.0"),
        ("PlatformSSO.FileVaultPolicy", "RequireTouchID", "27.0"),
        ("PlatformSSO.LoginPolicy", "RequireTouchIDOrWatch", "27.0"),
        (
            "PlatformSSO.UnlockPolicy",
            "AllowOpenIDForTouchIDFallback",
            "27.0",
        ),
    ] {
        assert!(dated.contains(&expected), "{expected:?} not in {dated:?}");
    }
    assert_eq!(dated.len(), 11, "{dated:?}");
    let problems = compare(Scope::ExtensibleSso, &keys, true);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn apple_catalog_matches_the_top_level_schema() {
    let Some((_, keys)) = load(
        &format!("{PROFILES}/TopLevel.yaml"),
        "apple_catalog_matches_the_top_level_schema",
    ) else {
        return;
    };
    // Apple's TopLevel nests PayloadContent and ConsentText items in placeholder
    // dictionaries; the catalog records the value type directly.
    let keys: Vec<YamlKey> = keys.into_iter().filter(|k| !k.path.contains('.')).collect();
    let problems = compare(Scope::Profile, &keys, false);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn apple_catalog_matches_the_common_payload_keys() {
    let Some((_, keys)) = load(
        &format!("{PROFILES}/CommonPayloadKeys.yaml"),
        "apple_catalog_matches_the_common_payload_keys",
    ) else {
        return;
    };
    let problems = compare(Scope::Payload, &keys, true);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_comparison_catches_a_difference() {
    let yaml = [YamlKey {
        path: "PlatformSSO.LoginFrequency".into(),
        kind: "<integer>".into(),
        required: false,
        allowed: vec![],
        item: None,
        default: Some("64800".into()),
        min: Some(60),
        introduced: "14.0".into(),
        deprecated: None,
        user_channel: true,
        value_versions: vec![],
    }];
    let problems = compare(Scope::ExtensibleSso, &yaml, true);
    assert!(
        problems.contains(&"PlatformSSO.LoginFrequency: minimum is Some(3600) in the catalog, Some(60) in Apple's schema".to_string()),
        "{problems:?}"
    );
    // A value's version: the catalog dates `OpenID` 27.0, a schema that says 26.0 differs.
    let yaml = [YamlKey {
        path: "PlatformSSO.AuthenticationMethod".into(),
        kind: "<string>".into(),
        required: false,
        allowed: ["Password", "UserSecureEnclaveKey", "SmartCard", "OpenID"]
            .map(String::from)
            .to_vec(),
        item: None,
        default: None,
        min: None,
        introduced: "14.0".into(),
        deprecated: None,
        user_channel: true,
        value_versions: dated_values(
            "Requires that the extension support it. `OpenID` is available in macOS 26 and later.",
            &["OpenID".to_string()],
        ),
    }];
    let problems = compare(Scope::ExtensibleSso, &yaml, true);
    assert_eq!(
        problems[0],
        "PlatformSSO.AuthenticationMethod: the version of value `OpenID` is Some(\"27.0\") in the catalog, Some(\"26.0\") in Apple's schema"
    );
    let _: Option<&AppleKey> = None;
}

/// Apple's declaration schemas at commit 97a11a8 (extensible-sso) and 39e2a82 (legacy).
const DECLARATIONS: &str = "apple-device-management-27/declarative/declarations/configurations";

/// The declaration mapping table covers Apple's `extensible-sso.yaml` exactly: every
/// key of the schema is an entry and every entry a key of the schema, with the same
/// type, and for keys with a profile counterpart the same allowed values, default and
/// minimum as the profile key in the Apple catalog.
#[test]
fn declaration_table_matches_the_extensible_sso_declaration_schema() {
    use psso_profile::declaration::{self, map};
    let Some((doc, keys)) = load(
        &format!("{DECLARATIONS}/extensible-sso.yaml"),
        "declaration_table_matches_the_extensible_sso_declaration_schema",
    ) else {
        return;
    };
    assert_eq!(
        doc["payload"]["declarationtype"],
        Yaml::String(declaration::EXTENSIBLE_SSO.into())
    );
    assert_eq!(
        keys[0].introduced,
        version(declaration::EXTENSIBLE_SSO_MACOS),
        "the declaration's first macOS"
    );
    assert!(keys.len() > 45, "the schema was read: {} keys", keys.len());
    let mut problems = Vec::new();
    for y in &keys {
        let Some(e) = map::entry(&y.path) else {
            problems.push(format!(
                "{}: in Apple's schema but not in the table",
                y.path
            ));
            continue;
        };
        if e.kind().schema_name() != y.kind {
            problems.push(format!(
                "{}: {} in the table, {} in Apple's schema",
                y.path,
                e.kind().schema_name(),
                y.kind
            ));
        }
        if let Some(k) = e.apple_key() {
            for (what, ours, apple) in [
                (
                    "allowed values",
                    format!("{:?}", k.allowed),
                    format!("{:?}", y.allowed),
                ),
                (
                    "default",
                    format!("{:?}", k.default),
                    format!("{:?}", y.default),
                ),
                ("minimum", format!("{:?}", k.min), format!("{:?}", y.min)),
                (
                    "item type",
                    format!("{:?}", k.item.map(|i| i.schema_name())),
                    format!("{:?}", y.item),
                ),
            ] {
                if ours != apple {
                    problems.push(format!(
                        "{}: {what} of {} is {ours} in the catalog, {apple} in the declaration schema",
                        y.path, k.path
                    ));
                }
            }
        }
    }
    for e in map::ENTRIES.iter() {
        if !keys.iter().any(|y| y.path == e.declaration) {
            problems.push(format!(
                "{}: in the table but not in Apple's schema",
                e.declaration
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_legacy_declaration_schema_is_the_one_the_tool_writes() {
    use psso_profile::declaration;
    let Some((doc, keys)) = load(
        &format!("{DECLARATIONS}/legacy.yaml"),
        "the_legacy_declaration_schema_is_the_one_the_tool_writes",
    ) else {
        return;
    };
    assert_eq!(
        doc["payload"]["declarationtype"],
        Yaml::String(declaration::LEGACY.into())
    );
    assert_eq!(keys[0].introduced, version(declaration::LEGACY_MACOS));
    let paths: Vec<(&str, bool, &str)> = keys
        .iter()
        .map(|k| (k.path.as_str(), k.required, k.kind.as_str()))
        .collect();
    assert_eq!(paths, [("ProfileURL", true, "<string>")]);
}
