//! What every rule reads: the profile's root, its payloads with their
//! [`PayloadKind`], the target fleet and the expectation, and which payloads the
//! rule being run applies to ([`Context::targets`]).

use plist::{Dictionary, Value};

use super::kind::{Applies, EXTENSIBLE_SSO, PayloadKind};
use super::options::{Expect, Options, TargetSource};
use crate::model::Target;

/// A payload dictionary of `PayloadContent`, its key path and its kind.
#[derive(Debug, Clone, Copy)]
pub struct SsoPayload<'a> {
    /// The payload's index in `PayloadContent`.
    pub index: usize,
    /// The payload dictionary.
    pub dict: &'a Dictionary,
    /// What the payload configures.
    pub kind: PayloadKind,
    /// Whether Microsoft's Platform SSO rows apply: a Microsoft payload that
    /// configures Platform SSO, or any Microsoft payload when Platform SSO is expected.
    pub platform_rows: bool,
    /// Its `PlatformSSO` dictionary, which most rules read.
    platform: Option<&'a Dictionary>,
}

impl<'a> SsoPayload<'a> {
    /// The payload at `index` of `PayloadContent`, classified by what it configures.
    pub fn new(index: usize, dict: &'a Dictionary) -> Self {
        let kind = PayloadKind::of(dict);
        Self {
            index,
            dict,
            kind,
            platform_rows: kind == PayloadKind::MicrosoftPlatformSso,
            platform: dict.get("PlatformSSO").and_then(Value::as_dictionary),
        }
    }

    /// The payloads of a profile's `PayloadContent`, classified for `expect`: when
    /// Platform SSO is expected and no Microsoft payload of the profile configures
    /// it, its Microsoft SSO extension payloads are judged as Platform SSO payloads
    /// (beside a Platform SSO payload, such a payload is the duplicate that
    /// `profile.sso-payload-count` reports).
    pub fn all(profile: &'a Value, expect: Expect) -> Vec<SsoPayload<'a>> {
        profile
            .as_dictionary()
            .map(|root| SsoPayload::all_in(root, expect))
            .unwrap_or_default()
    }

    /// [`SsoPayload::all`] of the profile whose root dictionary is `root`.
    pub(crate) fn all_in(root: &'a Dictionary, expect: Expect) -> Vec<SsoPayload<'a>> {
        let mut payloads: Vec<SsoPayload<'a>> = root
            .get("PayloadContent")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(index, v)| v.as_dictionary().map(|d| SsoPayload::new(index, d)))
                    .collect()
            })
            .unwrap_or_default();
        let has_platform = payloads
            .iter()
            .any(|p| p.kind == PayloadKind::MicrosoftPlatformSso);
        if expect == Expect::PlatformSso && !has_platform {
            for p in payloads
                .iter_mut()
                .filter(|p| p.kind == PayloadKind::MicrosoftSsoExtension)
            {
                p.platform_rows = true;
            }
        }
        payloads
    }

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

    /// Whether the payload has a `PlatformSSO` dictionary.
    pub fn has_platform_sso(&self) -> bool {
        self.platform.is_some()
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
        self.kind.is_microsoft()
    }

    /// Whether a rule that applies to `applies` reads this payload.
    pub fn in_scope(&self, applies: Applies) -> bool {
        applies.admits(self.kind, self.platform_rows, self.platform.is_some())
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
    /// Whether the target was given or read from the profile.
    pub target_source: TargetSource,
    /// What the Microsoft SSO payloads are meant to configure.
    pub expect: Expect,
    /// Every dictionary of `PayloadContent`, with its index and kind.
    pub payloads: Vec<SsoPayload<'a>>,
    /// The verified signature, when the profile came signed.
    pub signature: Option<&'a crate::sign::Verification>,
    /// The payloads of the rule being run ([`Context::targets`]); the engine sets it.
    pub(super) applies: Applies,
    /// The declaration the profile tree was read from, when checking a declaration
    /// ([`crate::rules::check_declaration`]).
    pub declaration: Option<Declared<'a>>,
    /// Whether the profile is the one served at `ProfileURL` during enrollment
    /// ([`crate::rules::Options::enrollment`]).
    pub enrollment: bool,
    /// The schema walk, made on first use and shared by the rules.
    walk: std::cell::OnceCell<super::schema::Walk<'a>>,
}

impl<'a> Context<'a> {
    /// Gathers what the rules read from `profile`, for a check with `options`.
    pub fn new(profile: &'a Value, options: &Options) -> Self {
        Self {
            root: profile.as_dictionary(),
            target: options.target,
            target_source: options.source,
            expect: options.expect,
            payloads: SsoPayload::all(profile, options.expect),
            signature: None,
            applies: Applies::Profile,
            declaration: None,
            enrollment: false,
            walk: std::cell::OnceCell::new(),
        }
    }

    /// The schema walk over the dictionaries Apple's schema describes, made once.
    pub(super) fn walk(&self) -> &super::schema::Walk<'a> {
        self.walk.get_or_init(|| super::schema::Walk::new(self))
    }

    /// The payloads the rule being run applies to (its [`Applies`]).
    pub fn targets(&self) -> impl Iterator<Item = &SsoPayload<'a>> {
        let applies = self.applies;
        self.payloads.iter().filter(move |p| p.in_scope(applies))
    }

    /// The Extensible SSO payloads of the profile, whatever the vendor.
    pub fn extensible_sso(&self) -> impl Iterator<Item = &SsoPayload<'a>> {
        self.payloads
            .iter()
            .filter(|p| p.string("PayloadType") == Some(EXTENSIBLE_SSO))
    }

    /// The payloads for the Microsoft Enterprise SSO plug-in.
    pub fn microsoft(&self) -> impl Iterator<Item = &SsoPayload<'a>> {
        self.payloads.iter().filter(|p| p.kind.is_microsoft())
    }
}
