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
//! [`Diff::reregistration`] lists the changes Microsoft documents as forcing
//! every device and user to register again (`microsoft-psso` pitfalls 3 and 4):
//! a changed authentication method or `UseSharedDeviceKeys`, a new
//! `PayloadUUID` or `PayloadIdentifier` for the SSO payload, a new profile
//! identifier, or the SSO payload removed.

mod forms;

use std::cmp::Ordering;

use plist::Value;
use serde::Serialize;

use crate::inspect::shown;
use crate::model::Target;
use crate::rules::{Context, SsoPayload};

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
}

/// The differences between two profiles.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    /// Every difference, sorted by key path.
    pub changes: Vec<Change>,
    /// The differences that make every user register again.
    pub reregistration: Vec<Reregistration>,
}

impl Diff {
    /// Whether the two profiles mean the same.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Why a changed authentication method forces registration again.
pub const REASON_AUTH_METHOD: &str = "changing the authentication method of a deployed profile makes every Mac and user register again";
/// Why a changed `UseSharedDeviceKeys` forces registration again.
pub const REASON_SHARED_KEYS: &str = "changing UseSharedDeviceKeys makes every user register again; Microsoft asks for it to be on from the start";
/// Why a new identity of the SSO payload forces registration again.
pub const REASON_SSO_PAYLOAD: &str = "macOS sees a different SSO payload: it removes the old one and installs the new one, so every user registers again";
/// Why a new profile identifier forces registration again.
pub const REASON_PROFILE_ID: &str = "a different profile identifier is a different profile: replacing the old one removes its SSO payload, so every user registers again";
/// Why a removed SSO payload forces registration again.
pub const REASON_SSO_REMOVED: &str = "the Platform SSO payload is gone: Macs drop their registration and must register again when it returns";

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
    Diff {
        changes,
        reregistration: reregistration(old, new),
    }
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

fn reregistration(old: &Value, new: &Value) -> Vec<Reregistration> {
    let target = Target::default();
    let (a, b) = (Context::new(old, target), Context::new(new, target));
    let mut out = Vec::new();
    let root_id = |c: &Context<'_>| c.root.and_then(|r| r.get("PayloadIdentifier")).cloned();
    if let (Some(x), Some(y)) = (root_id(&a), root_id(&b))
        && !same(&x, &y)
    {
        out.push(Reregistration {
            path: "PayloadIdentifier".into(),
            reason: REASON_PROFILE_ID,
        });
    }
    match (a.sso.first(), b.sso.first()) {
        (Some(x), Some(y)) => sso_changes(x, y, &mut out),
        (Some(x), None) => out.push(Reregistration {
            path: x.path(""),
            reason: REASON_SSO_REMOVED,
        }),
        _ => {}
    }
    out
}

fn sso_changes(old: &SsoPayload<'_>, new: &SsoPayload<'_>, out: &mut Vec<Reregistration>) {
    let differs = |key: &str| match (old.get(key), new.get(key)) {
        (Some(x), Some(y)) => !same(x, y),
        (None, None) => false,
        _ => true,
    };
    for (key, reason) in [
        ("PayloadIdentifier", REASON_SSO_PAYLOAD),
        ("PayloadUUID", REASON_SSO_PAYLOAD),
        ("PlatformSSO.AuthenticationMethod", REASON_AUTH_METHOD),
        ("AuthenticationMethod", REASON_AUTH_METHOD),
    ] {
        if differs(key) {
            out.push(Reregistration {
                path: new.path(key),
                reason,
            });
        }
    }
    // Absent means Apple's default, false.
    let shared = |p: &SsoPayload<'_>| {
        p.boolean("PlatformSSO.UseSharedDeviceKeys")
            .unwrap_or(false)
    };
    if shared(old) != shared(new) {
        out.push(Reregistration {
            path: new.path("PlatformSSO.UseSharedDeviceKeys"),
            reason: REASON_SHARED_KEYS,
        });
    }
    out.sort_by(|a, b| match (a.path.as_str(), b.path.as_str()) {
        ("PayloadIdentifier", _) => Ordering::Less,
        (_, "PayloadIdentifier") => Ordering::Greater,
        (x, y) => x.cmp(y),
    });
}

#[cfg(test)]
mod tests {
    use plist::Dictionary;

    use super::*;

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
            d.reregistration,
            vec![Reregistration {
                path: "PayloadContent[0].PlatformSSO.AuthenticationMethod".into(),
                reason: REASON_AUTH_METHOD,
            }]
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
                ("PayloadContent[0].PayloadUUID", REASON_SSO_PAYLOAD),
                (
                    "PayloadContent[0].PlatformSSO.UseSharedDeviceKeys",
                    REASON_SHARED_KEYS
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
        assert_eq!(reasons, vec![REASON_PROFILE_ID, REASON_SSO_REMOVED]);
        // Not dictionaries at all: one change of the whole value, no panic.
        assert_eq!(diff(&s("a"), &Value::Boolean(true), false).changes.len(), 1);
    }
}
