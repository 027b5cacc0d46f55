//! What the rules' repairs work with: the [`Fixer`] over the profile being
//! repaired, the [`Applied`] record of each repair, and the helpers repairs share
//! (finding the Microsoft payload, setting a string, moving a key). Each repair
//! lives beside its rule ([`super::Rule`]'s `repair`); [`crate::lint::fix()`] runs
//! them in order.

use plist::{Dictionary, Value};
use serde::Serialize;

use super::{EXTENSIBLE_SSO, RuleId};
use crate::catalog::microsoft::EXTENSION_IDENTIFIER;
use crate::model::Target;

/// A repair: changes the profile where the right value is certain and notes
/// what it did.
pub(crate) type Repair = fn(&mut Fixer<'_>);

/// One repair made by [`crate::lint::fix()`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The rule whose finding the repair resolves.
    pub rule: RuleId,
    /// The key path repaired.
    pub path: String,
    /// What was done.
    pub action: String,
}

/// The repairs made so far, in order.
#[derive(Debug, Default)]
pub(crate) struct Notes(Vec<Applied>);

impl Notes {
    /// Records a repair of `rule`'s finding at `path`.
    pub(crate) fn note(
        &mut self,
        rule: RuleId,
        path: impl Into<String>,
        action: impl Into<String>,
    ) {
        self.0.push(Applied {
            rule,
            path: path.into(),
            action: action.into(),
        });
    }
}

/// The profile being repaired, for the fleet `target`.
pub(crate) struct Fixer<'a> {
    root: &'a mut Dictionary,
    target: Target,
    /// The index in `PayloadContent` of the Microsoft SSO payload, once found.
    payload: Option<usize>,
    notes: Notes,
}

impl<'a> Fixer<'a> {
    /// Starts repairing the profile whose root dictionary is `root`.
    pub(crate) fn new(root: &'a mut Dictionary, target: Target) -> Self {
        Self {
            root,
            target,
            payload: None,
            notes: Notes::default(),
        }
    }

    /// The fleet the profile is repaired for.
    pub(crate) fn target(&self) -> &Target {
        &self.target
    }

    /// The profile's root dictionary, and the notes to record repairs in.
    pub(crate) fn root(&mut self) -> (&mut Dictionary, &mut Notes) {
        (self.root, &mut self.notes)
    }

    /// The payloads of `PayloadContent`, when it is an array, and the notes.
    pub(crate) fn payloads(&mut self) -> Option<(&mut Vec<Value>, &mut Notes)> {
        match self.root.get_mut("PayloadContent") {
            Some(Value::Array(items)) => Some((items, &mut self.notes)),
            _ => None,
        }
    }

    /// Finds the payload the payload repairs work on: the Microsoft SSO payload,
    /// or a lone Extensible SSO payload for a misspelt extension. Returns whether
    /// there is one.
    pub(crate) fn find_payload(&mut self) -> bool {
        self.payload = match self.root.get("PayloadContent") {
            Some(Value::Array(items)) => microsoft_payload(items),
            _ => None,
        };
        self.payload.is_some()
    }

    /// The payload found by [`Fixer::find_payload`].
    pub(crate) fn payload(&mut self) -> Option<Payload<'_>> {
        let index = self.payload?;
        let Some(Value::Array(items)) = self.root.get_mut("PayloadContent") else {
            return None;
        };
        let dict = items.get_mut(index)?.as_dictionary_mut()?;
        Some(Payload {
            dict,
            notes: &mut self.notes,
            target: self.target,
            index,
        })
    }

    /// The repairs made, in order.
    pub(crate) fn finish(self) -> Vec<Applied> {
        self.notes.0
    }
}

/// The Microsoft SSO payload being repaired.
pub(crate) struct Payload<'f> {
    /// The payload dictionary.
    pub(crate) dict: &'f mut Dictionary,
    /// The notes to record repairs in.
    pub(crate) notes: &'f mut Notes,
    /// The fleet.
    pub(crate) target: Target,
    index: usize,
}

impl Payload<'_> {
    /// The key path of `key` (a `.`-joined path) in this payload, or of the
    /// payload itself for `""`.
    pub(crate) fn path(&self, key: &str) -> String {
        if key.is_empty() {
            format!("PayloadContent[{}]", self.index)
        } else {
            format!("PayloadContent[{}].{key}", self.index)
        }
    }

    /// Sets `key` of the payload to the string `value` unless it already is.
    pub(crate) fn set_string(&mut self, rule: RuleId, key: &str, value: &str) {
        if self.dict.get(key).and_then(Value::as_string) != Some(value) {
            self.dict.insert(key.into(), value.into());
            let path = self.path(key);
            self.notes.note(rule, path, format!("set to `{value}`"));
        }
    }

    /// The payload's `PlatformSSO` dictionary, when it is one.
    pub(crate) fn platform(&mut self) -> Option<&mut Dictionary> {
        self.dict
            .get_mut("PlatformSSO")
            .and_then(Value::as_dictionary_mut)
    }
}

/// The `PlatformSSO` dictionary of the payload `sso`, created (or replacing a
/// value of another type) when needed.
pub(crate) fn platform_sso(sso: &mut Dictionary) -> Option<&mut Dictionary> {
    if !matches!(sso.get("PlatformSSO"), Some(Value::Dictionary(_))) {
        sso.insert("PlatformSSO".into(), Value::Dictionary(Dictionary::new()));
    }
    sso.get_mut("PlatformSSO")
        .and_then(Value::as_dictionary_mut)
}

/// Puts a moved key into `dict`, unless a value is already there (which wins),
/// and notes it for `rule`: moved from `from` to `to`.
pub(crate) fn place(
    notes: &mut Notes,
    rule: RuleId,
    dict: &mut Dictionary,
    key: &str,
    value: Value,
    from: String,
    to: String,
) {
    if dict.contains_key(key) {
        notes.note(rule, from, format!("removed; {to} is already set"));
    } else {
        dict.insert(key.to_string(), value);
        notes.note(rule, from, format!("moved to {to}"));
    }
}

/// Whether `p` is an Extensible SSO payload.
pub(crate) fn is_sso(p: &Value) -> bool {
    p.as_dictionary()
        .and_then(|d| d.get("PayloadType"))
        .and_then(Value::as_string)
        == Some(EXTENSIBLE_SSO)
}

/// Whether `p` is an Extensible SSO payload for the Microsoft plug-in.
pub(crate) fn is_microsoft(p: &Value) -> bool {
    is_sso(p)
        && p.as_dictionary()
            .and_then(|d| d.get("ExtensionIdentifier"))
            .and_then(Value::as_string)
            == Some(EXTENSION_IDENTIFIER)
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
