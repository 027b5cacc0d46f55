//! What every rule reads: the profile's root, its payloads, the Microsoft SSO
//! payload(s) and the target fleet.

use plist::{Dictionary, Value};

use crate::catalog::microsoft::EXTENSION_IDENTIFIER;
use crate::model::Target;

/// The `PayloadType` of Extensible SSO payloads.
pub const EXTENSIBLE_SSO: &str = "com.apple.extensiblesso";
/// Apple's built-in Kerberos SSO extension, which shares the payload type.
const KERBEROS_EXTENSION: &str = "com.apple.AppSSOKerberos.KerberosExtension";

/// A payload dictionary of `PayloadContent` and its key path.
#[derive(Debug, Clone, Copy)]
pub struct SsoPayload<'a> {
    /// The payload's index in `PayloadContent`.
    pub index: usize,
    /// The payload dictionary.
    pub dict: &'a Dictionary,
    /// Its `PlatformSSO` dictionary, which most rules read.
    platform: Option<&'a Dictionary>,
}

impl<'a> SsoPayload<'a> {
    /// The key path of `key` (a `.`-joined path) inside this payload.
    pub fn path(&self, key: &str) -> String {
        if key.is_empty() {
            format!("PayloadContent[{}]", self.index)
        } else {
            format!("PayloadContent[{}].{key}", self.index)
        }
    }

    /// The value at a `.`-joined path of nested dictionaries.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        match key.strip_prefix("PlatformSSO.") {
            Some(rest) => lookup(self.platform?, rest),
            None => lookup(self.dict, key),
        }
    }

    /// The value of `key` inside the payload's `PlatformSSO` dictionary (no
    /// path to build: the rules call this for every payload they check).
    pub fn platform(&self, key: &str) -> Option<&'a Value> {
        self.platform?.get(key)
    }

    /// The string at `key`, if it is one.
    pub fn string(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_string)
    }

    /// The boolean at `key`, if it is one.
    pub fn boolean(&self, key: &str) -> Option<bool> {
        self.get(key).and_then(Value::as_boolean)
    }

    /// The strings of the array at `key` (non-strings skipped).
    pub fn strings(&self, key: &str) -> Vec<&'a str> {
        self.get(key)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_string).collect())
            .unwrap_or_default()
    }

    /// Whether the payload is for the Microsoft Enterprise SSO plug-in.
    pub fn is_microsoft(&self) -> bool {
        self.string("ExtensionIdentifier") == Some(EXTENSION_IDENTIFIER)
    }
}

/// The value at a `.`-joined path of nested dictionaries.
pub fn lookup<'a>(dict: &'a Dictionary, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let mut value = dict.get(parts.next()?)?;
    for part in parts {
        value = value.as_dictionary()?.get(part)?;
    }
    Some(value)
}

/// A declaration being checked: its tree, and the fleet it was checked for (the
/// rules see at least the first macOS that reads the declaration).
#[derive(Debug, Clone, Copy)]
pub struct Declared<'a> {
    /// The declaration as read (JSON as a property-list tree).
    pub value: &'a Value,
    /// The fleet the caller asked about.
    pub fleet: Target,
}

/// What the rules read.
#[derive(Debug)]
pub struct Context<'a> {
    /// The profile's root dictionary (`None` when the root is something else).
    pub root: Option<&'a Dictionary>,
    /// The fleet the profile is for.
    pub target: Target,
    /// Every dictionary of `PayloadContent`, with its index.
    pub payloads: Vec<SsoPayload<'a>>,
    /// The payloads for the Microsoft SSO plug-in. When there is none, the
    /// Extensible SSO payloads that are not Apple's Kerberos extension stand in,
    /// so a misspelt extension identifier is reported on the payload itself.
    pub sso: Vec<SsoPayload<'a>>,
    /// Whether `sso` holds payloads of the Microsoft plug-in (not stand-ins).
    pub sso_is_microsoft: bool,
    /// The verified signature, when the profile came signed.
    pub signature: Option<&'a crate::sign::Verification>,
    /// The declaration the profile tree was read from, when checking a declaration
    /// ([`crate::rules::check_declaration`]).
    pub declaration: Option<Declared<'a>>,
    /// Whether the profile is the one served at `ProfileURL` during enrollment
    /// ([`crate::rules::Checks::enrollment`]).
    pub enrollment: bool,
    /// The schema walk, made on first use and shared by the rules.
    walk: std::cell::OnceCell<super::schema::Walk<'a>>,
}

impl<'a> Context<'a> {
    /// Gathers what the rules read from `profile`.
    pub fn new(profile: &'a Value, target: Target) -> Self {
        let root = profile.as_dictionary();
        let payloads: Vec<SsoPayload<'a>> = root
            .and_then(|r| r.get("PayloadContent"))
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(index, v)| {
                        v.as_dictionary().map(|dict| SsoPayload {
                            index,
                            dict,
                            platform: dict.get("PlatformSSO").and_then(Value::as_dictionary),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let extensible = || {
            payloads
                .iter()
                .copied()
                .filter(|p| p.string("PayloadType") == Some(EXTENSIBLE_SSO))
        };
        let microsoft: Vec<_> = extensible().filter(SsoPayload::is_microsoft).collect();
        let sso_is_microsoft = !microsoft.is_empty();
        let sso = if sso_is_microsoft {
            microsoft
        } else {
            extensible()
                .filter(|p| p.string("ExtensionIdentifier") != Some(KERBEROS_EXTENSION))
                .collect()
        };
        Self {
            root,
            target,
            payloads,
            sso,
            sso_is_microsoft,
            signature: None,
            declaration: None,
            enrollment: false,
            walk: std::cell::OnceCell::new(),
        }
    }

    /// The dictionaries Apple's schema describes and the known keys present in
    /// them, computed once.
    pub(super) fn walk(&self) -> &super::schema::Walk<'a> {
        self.walk.get_or_init(|| super::schema::Walk::new(self))
    }

    /// The Extensible SSO payloads of the profile, Microsoft's or not.
    pub fn extensible_sso(&self) -> impl Iterator<Item = &SsoPayload<'a>> {
        self.payloads
            .iter()
            .filter(|p| p.string("PayloadType") == Some(EXTENSIBLE_SSO))
    }
}
