//! What the rules' repairs work with: the [`Fixer`] over the profile being
//! repaired, the [`Applied`] record of each repair, and the helpers repairs share
//! (setting a string, moving a key, the `PlatformSSO` dictionary of a payload that
//! configures Platform SSO). Each repair lives beside its rule ([`super::Rule`]'s
//! `repair`); [`crate::lint::fix()`] runs them in order, on each payload the rule
//! applies to.

use plist::{Dictionary, Value};
use serde::Serialize;

use super::context::SsoPayload;
use super::{Applies, Options, PayloadKind, RuleId, configures_platform_sso};
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
    /// What it changes for the Macs.
    pub effect: String,
}

/// The repairs made so far, in order.
#[derive(Debug, Default)]
pub(crate) struct Notes(Vec<Applied>);

impl Notes {
    /// Records a repair of `rule`'s finding at `path`: what was done, and what it
    /// changes for the Macs.
    pub(crate) fn note(
        &mut self,
        rule: RuleId,
        path: impl Into<String>,
        action: impl Into<String>,
        effect: impl Into<String>,
    ) {
        self.0.push(Applied {
            rule,
            path: path.into(),
            action: action.into(),
            effect: effect.into(),
        });
    }
}

/// The payload the payload repairs work on, as it was when selected.
#[derive(Debug, Clone, Copy)]
struct Selected {
    index: usize,
    kind: PayloadKind,
    platform_rows: bool,
    has_platform_sso: bool,
}

/// The profile being repaired, with the options it was checked with.
pub(crate) struct Fixer<'a> {
    root: &'a mut Dictionary,
    options: Options,
    /// The payload selected for the payload repairs.
    selected: Option<Selected>,
    notes: Notes,
}

impl<'a> Fixer<'a> {
    /// Starts repairing the profile whose root dictionary is `root`.
    pub(crate) fn new(root: &'a mut Dictionary, options: Options) -> Self {
        Self {
            root,
            options,
            selected: None,
            notes: Notes::default(),
        }
    }

    /// The fleet the profile is repaired for.
    pub(crate) fn target(&self) -> &Target {
        &self.options.target
    }

    /// The options the profile is repaired with.
    pub(crate) fn options(&self) -> &Options {
        &self.options
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

    /// The indices of the Extensible SSO payloads, as the profile is now.
    pub(crate) fn sso_payloads(&self) -> Vec<usize> {
        match self.root.get("PayloadContent") {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    p.as_dictionary()
                        .is_some_and(|d| PayloadKind::of(d).is_sso())
                })
                .map(|(i, _)| i)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Selects the payload at `index` for the payload repairs, classified as the
    /// rules classify it now (a repair that adds keys does not change what the
    /// others see).
    pub(crate) fn select(&mut self, index: usize) {
        self.selected = SsoPayload::all_in(self.root, self.options.expect)
            .into_iter()
            .find(|p| p.index == index)
            .map(|p| Selected {
                index,
                kind: p.kind,
                platform_rows: p.platform_rows,
                has_platform_sso: p.has_platform_sso(),
            });
    }

    /// Whether the selected payload is one a rule that applies to `applies` reads.
    pub(crate) fn selected_in_scope(&self, applies: Applies) -> bool {
        self.selected
            .is_some_and(|s| applies.admits(s.kind, s.platform_rows, s.has_platform_sso))
    }

    /// The payload selected by [`Fixer::select`].
    pub(crate) fn payload(&mut self) -> Option<Payload<'_>> {
        let selected = self.selected?;
        let Some(Value::Array(items)) = self.root.get_mut("PayloadContent") else {
            return None;
        };
        let dict = items.get_mut(selected.index)?.as_dictionary_mut()?;
        Some(Payload {
            dict,
            notes: &mut self.notes,
            target: self.options.target,
            kind: selected.kind,
            index: selected.index,
        })
    }

    /// The repairs made, in order.
    pub(crate) fn finish(self) -> Vec<Applied> {
        self.notes.0
    }
}

/// The payload being repaired.
pub(crate) struct Payload<'f> {
    /// The payload dictionary.
    pub(crate) dict: &'f mut Dictionary,
    /// The notes to record repairs in.
    pub(crate) notes: &'f mut Notes,
    /// The fleet.
    pub(crate) target: Target,
    /// What the payload was when selected.
    pub(crate) kind: PayloadKind,
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

    /// Sets `key` of the payload to the string `value` unless it already is, and
    /// notes what it changes for the Macs.
    pub(crate) fn set_string(&mut self, rule: RuleId, key: &str, value: &str, effect: &str) {
        if self.dict.get(key).and_then(Value::as_string) != Some(value) {
            self.dict.insert(key.into(), value.into());
            let path = self.path(key);
            self.notes
                .note(rule, path, format!("set to `{value}`"), effect);
        }
    }

    /// The payload's `PlatformSSO` dictionary, when it is one.
    pub(crate) fn platform(&mut self) -> Option<&mut Dictionary> {
        self.dict
            .get_mut("PlatformSSO")
            .and_then(Value::as_dictionary_mut)
    }
}

/// The `PlatformSSO` dictionary of the payload `sso`, created (or replacing a value
/// of another type) only when the payload configures Platform SSO already (a
/// `PlatformSSO` key, the macOS 13 `AuthenticationMethod` or a `RegistrationToken`):
/// a repair never turns Platform SSO on.
pub(crate) fn platform_sso(sso: &mut Dictionary) -> Option<&mut Dictionary> {
    if !configures_platform_sso(sso) {
        return None;
    }
    if !matches!(sso.get("PlatformSSO"), Some(Value::Dictionary(_))) {
        sso.insert("PlatformSSO".into(), Value::Dictionary(Dictionary::new()));
    }
    sso.get_mut("PlatformSSO")
        .and_then(Value::as_dictionary_mut)
}

/// What moving a key to where Apple defines it changes for the Macs.
pub(crate) const MOVED_EFFECT: &str =
    "macOS reads the setting where it now is; before, it ignored it";

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
        notes.note(
            rule,
            from,
            format!("removed; {to} is already set"),
            "none: macOS ignored the removed copy and reads the one already in place",
        );
    } else {
        dict.insert(key.to_string(), value);
        notes.note(rule, from, format!("moved to {to}"), MOVED_EFFECT);
    }
}

/// Whether `p` is an Extensible SSO payload for the Microsoft plug-in (its
/// identifier possibly misspelt).
pub(crate) fn is_microsoft(p: &Value) -> bool {
    p.as_dictionary()
        .is_some_and(|d| PayloadKind::of(d).is_microsoft())
}
