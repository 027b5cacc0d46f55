//! Cross-checks the Apple key catalog against Apple's own YAML schema in
//! `../shared/reference/apple-device-management/` (present beside the checkout in
//! CI; a user's clone skips with a message).

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
        let allowed = match (kind.as_str(), item) {
            ("<array>", Some(i)) => allowed_from(i),
            _ => allowed_from(key),
        };
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

#[test]
fn apple_catalog_matches_the_extensiblesso_schema() {
    let Some((doc, keys)) = load(
        "apple-device-management/com.apple.extensiblesso.yaml",
        "apple_catalog_matches_the_extensiblesso_schema",
    ) else {
        return;
    };
    assert_eq!(
        doc["payload"]["payloadtype"],
        Yaml::String("com.apple.extensiblesso".into())
    );
    assert!(keys.len() > 30, "the schema was read: {} keys", keys.len());
    let problems = compare(Scope::ExtensibleSso, &keys, true);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn apple_catalog_matches_the_top_level_schema() {
    let Some((_, keys)) = load(
        "apple-device-management/TopLevel.yaml",
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
        "apple-device-management/CommonPayloadKeys.yaml",
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
    }];
    let problems = compare(Scope::ExtensibleSso, &yaml, true);
    assert!(
        problems.contains(&"PlatformSSO.LoginFrequency: minimum is Some(3600) in the catalog, Some(60) in Apple's schema".to_string()),
        "{problems:?}"
    );
    let _: Option<&AppleKey> = None;
}
