//! What the rules and keys mean: [`explain`] answers `psso-profile explain`
//! from the rule list and the catalogs, with a "did you mean" for a near miss.

use serde::Serialize;

use crate::catalog::apple::{self, AppleKey, Scope};
use crate::catalog::extension_data::{self, ExtensionDataKey};
use crate::catalog::microsoft::{self, RequiredSetting};
use crate::error::{Error, Result};
use crate::rules::{Applies, RULES, Rule, RuleId, Severity};
use crate::settings::{self, Setting};

/// A rule in the overview list.
#[derive(Debug, Clone, Serialize)]
pub struct RuleLine {
    /// The stable id.
    pub id: RuleId,
    /// Its severity.
    pub severity: Severity,
    /// The payloads it reads.
    pub applies: Applies,
    /// What it checks.
    pub summary: &'static str,
}

/// One answer of [`explain`].
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Explanation {
    /// No argument: Microsoft's required settings and every rule.
    Overview {
        /// Microsoft's required-settings table.
        required: &'static [RequiredSetting],
        /// Every rule, in the order they run.
        rules: Vec<RuleLine>,
    },
    /// A rule.
    Rule {
        /// The rule.
        rule: Rule,
        /// The rows of Microsoft's table it checks.
        required: Vec<&'static RequiredSetting>,
    },
    /// One or more keys of Apple's schema with this path or name.
    Key {
        /// The matching keys (a bare name can match in several dictionaries).
        keys: Vec<KeyExplanation>,
    },
    /// A setting of `generate` (a spec-file key or a long option), and the key it writes.
    Setting {
        /// The setting.
        setting: &'static Setting,
        /// The Apple key it writes, when it writes one.
        key: Option<KeyExplanation>,
    },
    /// An `ExtensionData` key of the SSO plug-in.
    ExtensionData {
        /// The key.
        key: ExtensionDataKey,
        /// The rules that read it.
        rules: Vec<RuleId>,
    },
}

/// An Apple key, with what reads it.
#[derive(Debug, Clone, Serialize)]
pub struct KeyExplanation {
    /// The catalog entry.
    #[serde(flatten)]
    pub key: AppleKey,
    /// What Microsoft requires of it, when its table has a row.
    pub microsoft: Vec<&'static RequiredSetting>,
    /// The rules that read it (besides the `schema.*` rules, which read every key).
    pub rules: Vec<RuleId>,
    /// The setting of `generate` that writes it, if one does.
    pub setting: Option<&'static Setting>,
    /// The key's path in the `extensible-sso` declaration (`Payload.PlatformSSO.UserCreation.EnableAtLogin`),
    /// or `None` when the declaration has no such key.
    pub declaration: Option<String>,
}

/// Explains `topic`: nothing (the overview), a rule id, an Apple key path
/// (`PlatformSSO.UseSharedDeviceKeys`) or bare key name (`UseSharedDeviceKeys`),
/// or an `ExtensionData` key (optionally written `ExtensionData.KEY`). Exact
/// matches first, then the same ignoring case.
///
/// # Errors
///
/// [`Error::UnknownTopic`] with the closest rule id or key when one is close.
pub fn explain(topic: Option<&str>) -> Result<Explanation> {
    let Some(query) = topic.map(str::trim) else {
        return Ok(Explanation::Overview {
            required: microsoft::REQUIRED,
            rules: RULES
                .iter()
                .map(|r| RuleLine {
                    id: r.id,
                    severity: r.severity,
                    applies: r.applies,
                    summary: r.summary,
                })
                .collect(),
        });
    };
    for exact in [true, false] {
        let eq = |a: &str, b: &str| {
            if exact {
                a == b
            } else {
                a.eq_ignore_ascii_case(b)
            }
        };
        if let Some(rule) = RULES.iter().find(|r| eq(r.id.as_str(), query)) {
            return Ok(Explanation::Rule {
                rule: *rule,
                required: microsoft::REQUIRED
                    .iter()
                    .filter(|row| row.rule == rule.id)
                    .collect(),
            });
        }
        let mut keys: Vec<&AppleKey> = apple::KEYS
            .iter()
            .filter(|k| eq(k.path, query) || eq(k.name(), query))
            .collect();
        if keys.is_empty() {
            keys = declaration_keys(query, &eq);
        }
        if !keys.is_empty() {
            return Ok(Explanation::Key {
                keys: keys.into_iter().map(key_explanation).collect(),
            });
        }
        if let Some(setting) = settings::SETTINGS.iter().find(|s| {
            let option = format!("--{}", s.option());
            eq(&s.key(), query) || eq(&option, query)
        }) {
            return Ok(Explanation::Setting {
                setting,
                key: setting.apple_key().map(key_explanation),
            });
        }
        let name = query.strip_prefix("ExtensionData.").unwrap_or(query);
        if let Some(key) = extension_data::KEYS.iter().find(|k| eq(k.key, name)) {
            return Ok(Explanation::ExtensionData {
                key: *key,
                rules: vec![
                    RuleId::ExtType,
                    RuleId::ExtIosOnly,
                    RuleId::ExtDeprecated,
                    RuleId::ExtPssoKey,
                ],
            });
        }
    }
    Err(Error::UnknownTopic {
        query: query.to_string(),
        suggestion: suggest(query),
    })
}

/// The profile keys of the declaration key `query` (its path inside `Payload`, with or
/// without `Payload.`, or its name): one key, both identifiers for the composed one,
/// the keys of a group.
fn declaration_keys(query: &str, eq: &dyn Fn(&str, &str) -> bool) -> Vec<&'static AppleKey> {
    use crate::declaration::map::{self, Counterpart};
    let query = query.strip_prefix("Payload.").unwrap_or(query);
    let in_platform_sso = format!("PlatformSSO.{query}");
    let Some(entry) = map::ENTRIES
        .iter()
        .find(|e| eq(e.declaration, query) || eq(e.declaration, &in_platform_sso))
        .or_else(|| map::ENTRIES.iter().find(|e| eq(e.name(), query)))
    else {
        return Vec::new();
    };
    let lookup = |path: &str| apple::lookup(Scope::ExtensibleSso, path);
    match entry.profile {
        Counterpart::Composed => ["ExtensionIdentifier", "TeamIdentifier"]
            .into_iter()
            .filter_map(lookup)
            .collect(),
        Counterpart::Group => map::children(entry.declaration)
            .filter_map(|e| e.apple_key())
            .collect(),
        _ => entry.apple_key().into_iter().collect(),
    }
}

/// The declaration path of a profile key, with `Payload.`.
fn declaration_name(key: &AppleKey) -> Option<String> {
    use crate::declaration::map;
    if key.scope != Scope::ExtensibleSso {
        return None;
    }
    if key.path == "ExtensionIdentifier" || key.path == "TeamIdentifier" {
        return Some("Payload.ExtensionComposedIdentifier".into());
    }
    map::entry_for_profile(key.path).map(|e| format!("Payload.{}", e.declaration))
}

fn key_explanation(key: &'static AppleKey) -> KeyExplanation {
    let in_sso = key.scope == Scope::ExtensibleSso;
    let required: Vec<&'static RequiredSetting> = microsoft::REQUIRED
        .iter()
        .filter(|row| in_sso && row.key == key.path)
        .collect();
    let mut rules: Vec<RuleId> = required.iter().map(|row| row.rule).collect();
    let name = key.name();
    for rule in RULES.iter() {
        let text = [rule.summary, rule.rationale, rule.fix];
        if text.iter().any(|t| mentions(t, name)) && !rules.contains(&rule.id) {
            rules.push(rule.id);
        }
    }
    if key.deprecated.is_some() && !rules.contains(&RuleId::SchemaDeprecatedKey) {
        rules.push(RuleId::SchemaDeprecatedKey);
    }
    let setting = match key.scope {
        Scope::Profile | Scope::ExtensibleSso => settings::setting_for_key(key.path),
        Scope::Payload => None,
    };
    KeyExplanation {
        key: *key,
        microsoft: required,
        rules,
        setting,
        declaration: declaration_name(key),
    }
}

/// Whether `text` names `word` as a whole word.
fn mentions(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        boundary(before) && boundary(after)
    })
}

/// Every name `explain` answers to.
fn candidates() -> impl Iterator<Item = String> {
    RuleId::ALL
        .iter()
        .map(|id| id.as_str())
        .chain(apple::KEYS.iter().flat_map(|k| [k.path, k.name()]))
        .chain(extension_data::KEYS.iter().map(|k| k.key))
        .chain(
            crate::declaration::map::ENTRIES
                .iter()
                .flat_map(|e| [e.declaration, e.name()]),
        )
        .map(str::to_string)
        .chain(settings::SETTINGS.iter().map(Setting::key))
}

/// The closest name to `query`: the shortest name it begins, or the name
/// within a third of its length in edits.
fn suggest(query: &str) -> Option<String> {
    let lower = query.to_ascii_lowercase();
    if lower.len() >= 4
        && let Some(prefixed) = candidates()
            .filter(|c| c.to_ascii_lowercase().starts_with(&lower))
            .min_by_key(String::len)
    {
        return Some(prefixed);
    }
    let limit = (query.chars().count() / 3).max(2);
    candidates()
        .map(|c| (distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_rules_paths_names_and_extension_keys() {
        assert!(matches!(
            explain(None).unwrap(),
            Explanation::Overview { .. }
        ));
        let Explanation::Rule { rule, required } =
            explain(Some("sso.use-shared-device-keys")).unwrap()
        else {
            panic!()
        };
        assert_eq!(rule.id, RuleId::SsoUseSharedDeviceKeys);
        assert_eq!(required.len(), 1);
        let Explanation::Key { keys } = explain(Some("PlatformSSO.UseSharedDeviceKeys")).unwrap()
        else {
            panic!()
        };
        assert_eq!(keys.len(), 1);
        assert!(keys[0].rules.contains(&RuleId::SsoUseSharedDeviceKeys));
        let Explanation::Key { keys } = explain(Some("authenticationmethod")).unwrap() else {
            panic!()
        };
        let paths: Vec<&str> = keys.iter().map(|k| k.key.path).collect();
        assert_eq!(
            paths,
            ["AuthenticationMethod", "PlatformSSO.AuthenticationMethod"]
        );
        assert!(matches!(
            explain(Some("ExtensionData.browser_sso_interaction_enabled")).unwrap(),
            Explanation::ExtensionData { .. }
        ));
    }

    #[test]
    fn settings_explain_the_key_they_write_and_keys_name_their_setting() {
        for query in ["login-frequency", "--login-frequency"] {
            let Explanation::Setting { setting, key } = explain(Some(query)).unwrap() else {
                panic!("{query}")
            };
            assert_eq!(setting.key(), "login-frequency");
            assert_eq!(key.unwrap().key.path, "PlatformSSO.LoginFrequency");
        }
        let Explanation::Setting { key, .. } = explain(Some("--administrator-group")).unwrap()
        else {
            panic!()
        };
        assert_eq!(key.unwrap().key.path, "PlatformSSO.AdministratorGroups");
        let Explanation::Key { keys } = explain(Some("LoginFrequency")).unwrap() else {
            panic!()
        };
        assert_eq!(
            keys[0].setting.map(Setting::key).as_deref(),
            Some("login-frequency")
        );
        assert!(matches!(
            explain(Some("min-macos")).unwrap(),
            Explanation::Setting { key: None, .. }
        ));
    }

    #[test]
    fn keys_show_their_declaration_name_and_declaration_names_find_keys() {
        let Explanation::Key { keys } = explain(Some("EnableCreateUserAtLogin")).unwrap() else {
            panic!()
        };
        assert_eq!(
            keys[0].declaration.as_deref(),
            Some("Payload.PlatformSSO.UserCreation.EnableAtLogin")
        );
        for query in [
            "Payload.PlatformSSO.UserCreation.EnableAtLogin",
            "UserCreation.EnableAtLogin",
            "PlatformSSO.UserCreation.EnableAtLogin",
            "EnableAtLogin",
        ] {
            let Explanation::Key { keys } = explain(Some(query)).unwrap() else {
                panic!("{query}")
            };
            assert_eq!(keys.len(), 1, "{query}");
            assert_eq!(keys[0].key.path, "PlatformSSO.EnableCreateUserAtLogin");
        }
        let Explanation::Key { keys } = explain(Some("ExtensionComposedIdentifier")).unwrap()
        else {
            panic!()
        };
        let paths: Vec<&str> = keys.iter().map(|k| k.key.path).collect();
        assert_eq!(paths, ["ExtensionIdentifier", "TeamIdentifier"]);
        let Explanation::Key { keys } = explain(Some("WebAuthentication")).unwrap() else {
            panic!()
        };
        assert_eq!(keys.len(), 2);
        let Explanation::Key { keys } = explain(Some("AuthenticationMethod")).unwrap() else {
            panic!()
        };
        assert_eq!(keys[0].declaration, None, "the deprecated top-level key");
        assert_eq!(
            keys[1].declaration.as_deref(),
            Some("Payload.PlatformSSO.AuthenticationMethod")
        );
    }

    #[test]
    fn unknown_topics_suggest_the_closest_name() {
        assert_eq!(
            explain(Some("UseSharedDeviceKey")).unwrap_err().to_string(),
            "`UseSharedDeviceKey` is not a rule id or a key of the profile; did you mean `UseSharedDeviceKeys`?"
        );
        assert_eq!(
            explain(Some("sso.screen-locked")).unwrap_err().to_string(),
            "`sso.screen-locked` is not a rule id or a key of the profile; did you mean `sso.screen-locked-behavior`?"
        );
        assert_eq!(
            explain(Some("zzzzzzzz")).unwrap_err().to_string(),
            "`zzzzzzzz` is not a rule id or a key of the profile"
        );
        assert_eq!(distance("kitten", "sitting"), 3);
        assert!(mentions(
            "set `UseSharedDeviceKeys` to true",
            "UseSharedDeviceKeys"
        ));
        assert!(!mentions("UseSharedDeviceKeysX", "UseSharedDeviceKeys"));
    }
}
