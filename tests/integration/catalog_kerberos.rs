//! Cross-checks the Kerberos catalog (`src/catalog/kerberos.rs`) against Apple's own
//! YAML, `com.apple.extensiblesso(kerberos).yaml` in
//! `../shared/reference/apple-device-management-27/` (present beside the checkout in
//! CI; a user's clone skips with a message).

use psso_profile::catalog::apple::Kind;
use psso_profile::catalog::kerberos::{self, EXTENSION_DATA, PINNED, REQUIRED};
use serde_yaml::Value as Yaml;

use crate::support::shared_reference;

const SCHEMA: &str =
    "apple-device-management-27/mdm/profiles/com.apple.extensiblesso(kerberos).yaml";

fn text(v: &Yaml) -> String {
    match v {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        other => panic!("unexpected scalar {other:?}"),
    }
}

fn kind(schema: &str) -> Kind {
    match schema {
        "<string>" => Kind::String,
        "<integer>" => Kind::Integer,
        "<boolean>" => Kind::Boolean,
        "<data>" => Kind::Data,
        "<array>" => Kind::Array,
        "<dictionary>" => Kind::Dictionary,
        other => panic!("unexpected type {other}"),
    }
}

fn macos(key: &Yaml, field: &str) -> Option<String> {
    key.get("supportedOS")?.get("macOS")?.get(field).map(text)
}

fn load(test: &str) -> Option<Yaml> {
    let path = shared_reference(SCHEMA, test)?;
    Some(serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
}

#[test]
fn kerberos_catalog_matches_apples_kerberos_schema() {
    let Some(yaml) = load("kerberos_catalog_matches_apples_kerberos_schema") else {
        return;
    };
    let keys = yaml["payloadkeys"].as_sequence().unwrap();
    let payload_key = |name: &str| {
        keys.iter()
            .find(|k| text(&k["key"]) == name)
            .unwrap_or_else(|| panic!("{name} is not in Apple's Kerberos schema"))
    };
    let mut problems = Vec::new();
    // The pinned payload values and the required keys.
    for (name, value) in PINNED {
        let allowed: Vec<String> = payload_key(name)["rangelist"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(text)
            .collect();
        if allowed != [value.to_string()] {
            problems.push(format!(
                "{name}: Apple pins {allowed:?}, the catalog `{value}`"
            ));
        }
    }
    let required: Vec<String> = keys
        .iter()
        .filter(|k| k.get("presence").map(text).as_deref() == Some("required"))
        .map(|k| text(&k["key"]))
        .collect();
    if required != REQUIRED {
        problems.push(format!(
            "required keys: Apple {required:?}, the catalog {REQUIRED:?}"
        ));
    }
    // Every ExtensionData key, in Apple's order, with its type, default, values and versions.
    let data = payload_key("ExtensionData")["subkeys"]
        .as_sequence()
        .unwrap();
    let names: Vec<String> = data.iter().map(|k| text(&k["key"])).collect();
    let ours: Vec<&str> = EXTENSION_DATA.iter().map(|k| k.key).collect();
    if names != ours {
        problems.push(format!(
            "ExtensionData keys: Apple {names:?}, the catalog {ours:?}"
        ));
    }
    for yaml_key in data {
        let name = text(&yaml_key["key"]);
        let Some(key) = kerberos::lookup(&name) else {
            continue;
        };
        let yaml_kind = kind(&text(&yaml_key["type"]));
        if yaml_kind != key.kind {
            problems.push(format!(
                "{name}: type {yaml_kind:?}, catalog {:?}",
                key.kind
            ));
        }
        let default = yaml_key.get("default").map(text);
        if default.as_deref() != key.default {
            problems.push(format!(
                "{name}: default {default:?}, catalog {:?}",
                key.default
            ));
        }
        let allowed: Vec<String> = yaml_key
            .get("rangelist")
            .map(|r| r.as_sequence().unwrap().iter().map(text).collect())
            .unwrap_or_default();
        if allowed != key.allowed {
            problems.push(format!(
                "{name}: values {allowed:?}, catalog {:?}",
                key.allowed
            ));
        }
        let version = |v: Option<psso_profile::model::MacOs>| v.map(|v| format!("{v:#}"));
        let introduced = macos(yaml_key, "introduced");
        if introduced != version(key.introduced) {
            problems.push(format!(
                "{name}: introduced {introduced:?}, catalog {:?}",
                version(key.introduced)
            ));
        }
        let deprecated = macos(yaml_key, "deprecated");
        if deprecated != version(key.deprecated) {
            problems.push(format!(
                "{name}: deprecated {deprecated:?}, catalog {:?}",
                version(key.deprecated)
            ));
        }
        let item = yaml_key
            .get("subkeys")
            .and_then(|s| s.as_sequence())
            .and_then(|s| s.first())
            .map(|i| kind(&text(&i["type"])));
        if item != key.item {
            problems.push(format!("{name}: items {item:?}, catalog {:?}", key.item));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}
