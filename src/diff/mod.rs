//! Semantic diff of two profiles: what changes for the Macs, whatever the
//! encoding, key order or signature, and which changes make every user
//! register Platform SSO again.
//!
//! [`diff`] walks two [`plist::Value`]s:
//!
//! - dictionaries are compared key by key (order never matters);
//! - arrays are compared index by index, except the arrays that hold a set of
//!   strings ([`SET_KEYS`]: `URLs`, `Hosts`, groups, accounts, policies), where
//!   order means nothing to macOS: those are compared as sets, and each string
//!   added or removed is one change naming the array;
//! - values of different kinds are one change of the whole value.
//!
//! [`Diff::reregistration`] lists the changes that make users register Platform SSO
//! again, from the one list of them in the catalog
//! ([`crate::catalog::reregistration::TRIGGERS`], Microsoft's pitfalls): a changed
//! authentication method or `UseSharedDeviceKeys`, Platform SSO turned on or off,
//! a new `PayloadUUID` or `PayloadIdentifier` for the SSO payload, a new profile
//! identifier, the SSO payload removed, and the plug-in's key-storage settings.
//! [`Diff::kinds`] names the payloads whose kind changed ([`PayloadKind`]), in the
//! words `inspect` and `validate` use.

mod forms;

use plist::Value;
use serde::Serialize;

use crate::catalog::reregistration::{Change as Trigger, Place, TRIGGERS};
use crate::inspect::shown;
use crate::rules::{Context, Options, PayloadKind, SsoPayload};

pub use forms::{REASON_DECLARATION_ID, diff_inputs};

/// Keys whose arrays hold a set of strings: compared without regard to order.
pub const SET_KEYS: &[&str] = &[
    "URLs",
    "Hosts",
    "DeniedBundleIdentifiers",
    "AdministratorGroups",
    "AdditionalGroups",
    "NonPlatformSSOAccounts",
    "FileVaultPolicy",
    "LoginPolicy",
    "UnlockPolicy",
    "NewUserAuthenticationMethods",
];

/// What happened at a key path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Present only in the new profile (or a string added to a set).
    Added,
    /// Present only in the old profile (or a string removed from a set).
    Removed,
    /// Present in both with different values.
    Changed,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The key path, such as `PayloadContent[0].PlatformSSO.AuthenticationMethod`
    /// (for a set, the array's path).
    pub path: String,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// The old value (JSON mapping of [`crate::codec::to_json`]); `null` when added.
    pub old: serde_json::Value,
    /// The new value; `null` when removed.
    pub new: serde_json::Value,
}

/// A change that makes every user register Platform SSO again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reregistration {
    /// The key path that changed (in the new profile, or the old one when removed).
    pub path: String,
    /// Why it forces registration again.
    pub reason: &'static str,
    /// Where Microsoft (or Apple) says so.
    pub source: &'static str,
}

/// A payload whose kind changed between the two profiles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindChange {
    /// The payload's path (`PayloadContent[0]`).
    pub path: String,
    /// What it was.
    pub old: PayloadKind,
    /// What it is.
    pub new: PayloadKind,
}

/// The differences between two profiles.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    /// Every difference, sorted by key path.
    pub changes: Vec<Change>,
    /// The payloads whose kind changed, such as an SSO extension payload that now
    /// configures Platform SSO.
    pub kinds: Vec<KindChange>,
    /// The differences that make every user register again.
    pub reregistration: Vec<Reregistration>,
}

impl Diff {
    /// Whether the two profiles mean the same.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// One of the two profiles compared, as `diff --format json` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// The file as named.
    pub file: String,
    /// Whether it came wrapped in a CMS signature.
    pub signed: bool,
}

impl Side {
    /// The side for the profile read from `file`.
    pub fn new(file: impl Into<String>, decoded: &crate::codec::Decoded) -> Self {
        Side {
            file: file.into(),
            signed: decoded.signed.is_some(),
        }
    }
}

/// The document of `diff --format json`: the two profiles, whether they mean the
/// same, and the [`Diff`]'s fields.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport<'a> {
    /// The old profile.
    pub old: Side,
    /// The new profile.
    pub new: Side,
    /// Whether they mean the same ([`Diff::is_empty`]).
    pub same: bool,
    /// The differences.
    #[serde(flatten)]
    pub diff: &'a Diff,
}

impl<'a> DiffReport<'a> {
    /// The report of `diff` between `old` and `new`.
    pub fn new(old: Side, new: Side, diff: &'a Diff) -> Self {
        DiffReport {
            old,
            new,
            same: diff.is_empty(),
            diff,
        }
    }
}

/// Compares `old` and `new`. Values of secret keys (see
/// [`crate::inspect::is_secret_key`]) are shown as [`crate::inspect::REDACTED`]
/// unless `show_secrets`; their changes are still listed. Never panics,
/// whatever the values.
pub fn diff(old: &Value, new: &Value, show_secrets: bool) -> Diff {
    let mut changes = Vec::new();
    let mut walker = Walker {
        show_secrets,
        out: &mut changes,
    };
    walker.walk(String::new(), None, old, new);
    changes.sort_by(|a, b| a.path.cmp(&b.path));
    let options = Options::default();
    let (a, b) = (Context::new(old, &options), Context::new(new, &options));
    Diff {
        changes,
        kinds: kinds(&a, &b),
        reregistration: reregistration_between(&a, &b),
    }
}

/// The payloads, by index, whose kind differs between `a` and `b`.
fn kinds(a: &Context<'_>, b: &Context<'_>) -> Vec<KindChange> {
    a.payloads
        .iter()
        .filter_map(|x| {
            let y = b.payloads.iter().find(|y| y.index == x.index)?;
            (x.kind != y.kind).then(|| KindChange {
                path: x.path(""),
                old: x.kind,
                new: y.kind,
            })
        })
        .collect()
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Real(x), Value::Real(y)) => x.to_bits() == y.to_bits() || x == y,
        (Value::Dictionary(x), Value::Dictionary(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        _ => a == b,
    }
}

struct Walker<'a> {
    show_secrets: bool,
    out: &'a mut Vec<Change>,
}

impl Walker<'_> {
    fn walk(&mut self, path: String, key: Option<&str>, old: &Value, new: &Value) {
        // What a secret key holds is compared whole and shown redacted: walking
        // into a dictionary it holds would show the strings under other keys.
        if !self.show_secrets && key.is_some_and(crate::inspect::is_secret_key) {
            if !same(old, new) {
                let key = key.unwrap_or_default();
                self.push(path, key, ChangeKind::Changed, Some(old), Some(new));
            }
            return;
        }
        match (old, new) {
            (Value::Dictionary(a), Value::Dictionary(b)) => {
                let mut keys: Vec<&String> = a
                    .keys()
                    .chain(b.keys().filter(|k| !a.contains_key(k)))
                    .collect();
                keys.sort();
                for k in keys {
                    let sub = join(&path, k);
                    match (a.get(k), b.get(k)) {
                        (Some(x), Some(y)) => self.walk(sub, Some(k), x, y),
                        (Some(x), None) => self.push(sub, k, ChangeKind::Removed, Some(x), None),
                        (None, Some(y)) => self.push(sub, k, ChangeKind::Added, None, Some(y)),
                        (None, None) => {}
                    }
                }
            }
            (Value::Array(a), Value::Array(b))
                if key.is_some_and(|k| SET_KEYS.contains(&k))
                    && all_strings(a)
                    && all_strings(b) =>
            {
                self.set_diff(&path, key.unwrap_or_default(), a, b);
            }
            (Value::Array(a), Value::Array(b)) => {
                let key = key.unwrap_or_default();
                for i in 0..a.len().max(b.len()) {
                    let sub = format!("{path}[{i}]");
                    match (a.get(i), b.get(i)) {
                        (Some(x), Some(y)) => self.walk(sub, Some(key), x, y),
                        (Some(x), None) => self.push(sub, key, ChangeKind::Removed, Some(x), None),
                        (None, Some(y)) => self.push(sub, key, ChangeKind::Added, None, Some(y)),
                        (None, None) => {}
                    }
                }
            }
            (a, b) if !same(a, b) => {
                self.push(
                    path,
                    key.unwrap_or_default(),
                    ChangeKind::Changed,
                    Some(a),
                    Some(b),
                );
            }
            _ => {}
        }
    }

    /// Compares two arrays of strings as multisets, reporting each string added
    /// or removed in the order it appears.
    fn set_diff(&mut self, path: &str, key: &str, a: &[Value], b: &[Value]) {
        let mut unmatched: Vec<&Value> = b.iter().collect();
        for x in a {
            match unmatched.iter().position(|y| same(x, y)) {
                Some(i) => {
                    unmatched.remove(i);
                }
                None => self.push(path.to_string(), key, ChangeKind::Removed, Some(x), None),
            }
        }
        for y in unmatched {
            self.push(path.to_string(), key, ChangeKind::Added, None, Some(y));
        }
    }

    fn push(
        &mut self,
        path: String,
        key: &str,
        kind: ChangeKind,
        old: Option<&Value>,
        new: Option<&Value>,
    ) {
        let show = self.show_secrets;
        let json = |v: Option<&Value>| v.map_or(serde_json::Value::Null, |v| shown(key, v, show));
        self.out.push(Change {
            path,
            kind,
            old: json(old),
            new: json(new),
        });
    }
}

fn all_strings(items: &[Value]) -> bool {
    items.iter().all(|v| v.as_string().is_some())
}

/// The Microsoft SSO payload a profile's registration hangs on: the first that
/// configures Platform SSO, else the first Microsoft payload.
fn registered<'c, 'a>(ctx: &'c Context<'a>) -> Option<&'c SsoPayload<'a>> {
    ctx.microsoft()
        .find(|p| p.kind == PayloadKind::MicrosoftPlatformSso)
        .or_else(|| ctx.microsoft().next())
}

/// Whether a value is "on": `true` or the integer 1.
fn on(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Boolean(b)) => *b,
        Some(Value::Integer(i)) => i.as_signed() == Some(1),
        _ => false,
    }
}

/// Whether `change` happened between `a` and `b`, the values of one key.
fn happened(change: Trigger, a: Option<&Value>, b: Option<&Value>) -> bool {
    match change {
        Trigger::Changed => matches!((a, b), (Some(x), Some(y)) if !same(x, y)),
        Trigger::BooleanChanged => {
            a.and_then(Value::as_boolean).unwrap_or(false)
                != b.and_then(Value::as_boolean).unwrap_or(false)
        }
        Trigger::TurnedOn => !on(a) && on(b),
        Trigger::Any => match (a, b) {
            (Some(x), Some(y)) => !same(x, y),
            (None, None) => false,
            _ => true,
        },
        Trigger::Added => a.is_none() && b.is_some(),
        Trigger::Removed => a.is_some() && b.is_none(),
    }
}

/// The changes from `old` to `new` that make users register Platform SSO again,
/// by Microsoft's list ([`TRIGGERS`]), in its order. The Microsoft SSO payload of
/// each profile is compared (other vendors document their own); nothing about the
/// deprecated top-level `AuthenticationMethod` is on the list. `validate --fix`
/// compares a profile before and after its repairs with this function.
pub fn reregistration(old: &Value, new: &Value) -> Vec<Reregistration> {
    let options = Options::default();
    reregistration_between(&Context::new(old, &options), &Context::new(new, &options))
}

/// [`reregistration`] between the contexts of the two profiles.
fn reregistration_between(a: &Context<'_>, b: &Context<'_>) -> Vec<Reregistration> {
    let (x, y) = (registered(a), registered(b));
    let was_psso = x.is_some_and(|x| x.kind == PayloadKind::MicrosoftPlatformSso);
    let platform_turned = match (x, y) {
        (Some(x), Some(y)) => x.has_platform_sso() != y.has_platform_sso(),
        _ => false,
    };
    let mut out = Vec::new();
    for t in TRIGGERS {
        let path = match (t.place, x, y) {
            (Place::Profile, _, _) => {
                let (ra, rb) = (
                    a.root.and_then(|r| r.get(t.key)),
                    b.root.and_then(|r| r.get(t.key)),
                );
                happened(t.change, ra, rb).then(|| t.key.to_string())
            }
            // The payload itself: gone when the old one configured Platform SSO.
            (Place::Payload, Some(x), None) if t.key.is_empty() => {
                (was_psso && t.change == Trigger::Removed).then(|| x.path(""))
            }
            (Place::Payload, Some(x), Some(y)) if !t.key.is_empty() => {
                let key = t.key;
                let inside_platform = key.starts_with("PlatformSSO.");
                // Turning Platform SSO on counts for an SSO extension payload too;
                // its settings count only once Platform SSO was configured, and not
                // when the change is Platform SSO itself turned on or off.
                let counts = if key == "PlatformSSO" {
                    was_psso || t.change == Trigger::Added
                } else {
                    was_psso && !(inside_platform && platform_turned)
                };
                (counts && happened(t.change, x.get(key), y.get(key))).then(|| y.path(key))
            }
            _ => None,
        };
        if let Some(path) = path {
            out.push(Reregistration {
                path,
                reason: t.reason,
                source: t.source,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use plist::Dictionary;

    use super::*;

    /// The reason the catalog gives for `change` of `key`.
    fn reason(key: &str, change: Trigger) -> &'static str {
        TRIGGERS
            .iter()
            .find(|t| t.key == key && t.change == change)
            .unwrap()
            .reason
    }

    fn dict(entries: Vec<(&str, Value)>) -> Value {
        let mut d = Dictionary::new();
        for (k, v) in entries {
            d.insert(k.to_string(), v);
        }
        Value::Dictionary(d)
    }

    fn s(text: &str) -> Value {
        Value::String(text.into())
    }

    fn profile(auth: &str, shared: Option<bool>, urls: &[&str], sso_uuid: &str) -> Value {
        let mut psso = vec![("AuthenticationMethod", s(auth))];
        if let Some(shared) = shared {
            psso.push(("UseSharedDeviceKeys", Value::Boolean(shared)));
        }
        let sso = dict(vec![
            ("PayloadType", s("com.apple.extensiblesso")),
            (
                "ExtensionIdentifier",
                s("com.microsoft.CompanyPortalMac.ssoextension"),
            ),
            ("PayloadIdentifier", s("com.contoso.psso.sso")),
            ("PayloadUUID", s(sso_uuid)),
            ("PlatformSSO", dict(psso)),
            ("URLs", Value::Array(urls.iter().map(|u| s(u)).collect())),
        ]);
        dict(vec![
            ("PayloadIdentifier", s("com.contoso.psso")),
            ("PayloadContent", Value::Array(vec![sso])),
        ])
    }

    #[test]
    fn same_profile_in_another_key_order_is_no_change() {
        let a = profile("Password", Some(true), &["https://a", "https://b"], "U1");
        let b = profile("Password", Some(true), &["https://b", "https://a"], "U1");
        let d = diff(&a, &b, false);
        assert!(d.is_empty(), "{d:?}");
        assert!(d.reregistration.is_empty());
    }

    #[test]
    fn auth_method_change_is_a_reregistration() {
        let a = profile("UserSecureEnclaveKey", Some(true), &["https://a"], "U1");
        let b = profile("Password", Some(true), &["https://a"], "U1");
        let d = diff(&a, &b, false);
        assert_eq!(
            d.changes,
            vec![Change {
                path: "PayloadContent[0].PlatformSSO.AuthenticationMethod".into(),
                kind: ChangeKind::Changed,
                old: serde_json::json!("UserSecureEnclaveKey"),
                new: serde_json::json!("Password"),
            }]
        );
        assert_eq!(
            d.reregistration
                .iter()
                .map(|r| (r.path.as_str(), r.reason))
                .collect::<Vec<_>>(),
            vec![(
                "PayloadContent[0].PlatformSSO.AuthenticationMethod",
                reason("PlatformSSO.AuthenticationMethod", Trigger::Changed)
            )]
        );
    }

    #[test]
    fn sets_report_each_string_and_shared_keys_default_to_false() {
        let a = profile("Password", None, &["https://a", "https://b"], "U1");
        let b = profile("Password", Some(true), &["https://c", "https://a"], "U2");
        let d = diff(&a, &b, false);
        let summary: Vec<(String, ChangeKind, String, String)> = d
            .changes
            .iter()
            .map(|c| (c.path.clone(), c.kind, c.old.to_string(), c.new.to_string()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "PayloadContent[0].PayloadUUID".into(),
                    ChangeKind::Changed,
                    "\"U1\"".into(),
                    "\"U2\"".into()
                ),
                (
                    "PayloadContent[0].PlatformSSO.UseSharedDeviceKeys".into(),
                    ChangeKind::Added,
                    "null".into(),
                    "true".into()
                ),
                (
                    "PayloadContent[0].URLs".into(),
                    ChangeKind::Removed,
                    "\"https://b\"".into(),
                    "null".into()
                ),
                (
                    "PayloadContent[0].URLs".into(),
                    ChangeKind::Added,
                    "null".into(),
                    "\"https://c\"".into()
                ),
            ]
        );
        let paths: Vec<(&str, &str)> = d
            .reregistration
            .iter()
            .map(|r| (r.path.as_str(), r.reason))
            .collect();
        assert_eq!(
            paths,
            vec![
                (
                    "PayloadContent[0].PayloadUUID",
                    reason("PayloadUUID", Trigger::Changed)
                ),
                (
                    "PayloadContent[0].PlatformSSO.UseSharedDeviceKeys",
                    reason("PlatformSSO.UseSharedDeviceKeys", Trigger::BooleanChanged)
                ),
            ]
        );
    }

    #[test]
    fn arrays_by_index_kinds_and_removed_payloads() {
        let a = dict(vec![
            ("X", Value::Array(vec![s("1"), s("2")])),
            ("Y", Value::Integer(1.into())),
            ("R", Value::Real(f64::NAN)),
        ]);
        let b = dict(vec![
            ("X", Value::Array(vec![s("2")])),
            ("Y", s("1")),
            ("R", Value::Real(f64::NAN)),
        ]);
        let d = diff(&a, &b, false);
        let paths: Vec<(&str, ChangeKind)> = d
            .changes
            .iter()
            .map(|c| (c.path.as_str(), c.kind))
            .collect();
        assert_eq!(
            paths,
            vec![
                ("X[0]", ChangeKind::Changed),
                ("X[1]", ChangeKind::Removed),
                ("Y", ChangeKind::Changed)
            ]
        );
        let old = profile("Password", Some(true), &[], "U1");
        let new = dict(vec![
            ("PayloadIdentifier", s("com.contoso.other")),
            ("PayloadContent", Value::Array(vec![])),
        ]);
        let reasons: Vec<&str> = diff(&old, &new, false)
            .reregistration
            .iter()
            .map(|r| r.reason)
            .collect();
        assert_eq!(
            reasons,
            vec![
                reason("PayloadIdentifier", Trigger::Changed),
                reason("", Trigger::Removed)
            ]
        );
        // Not dictionaries at all: one change of the whole value, no panic.
        assert_eq!(diff(&s("a"), &Value::Boolean(true), false).changes.len(), 1);
    }
}
