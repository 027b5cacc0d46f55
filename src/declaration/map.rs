//! The one mapping table between the keys of the `com.apple.extensiblesso` profile
//! payload and those of the `com.apple.configuration.extensible-sso` declaration's
//! `Payload`, and the keys of either form that the other has not, each with its reason.
//!
//! Both directions read [`ENTRIES`]: a declaration becomes a profile tree for the rules
//! ([`super::to_profile`]), a profile becomes a declaration ([`super::from_profile`]),
//! and findings on profile paths are told at declaration paths ([`declaration_path`]).
//! Tests keep it complete both ways: every key of Apple's declaration schema is an entry,
//! and every key of the payload is an entry or in [`PROFILE_ONLY`].

use crate::catalog::apple::{self, Kind, Scope};

/// What a declaration key corresponds to in the profile's Extensible SSO payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counterpart {
    /// The payload key at this path; the value is the same.
    Key(&'static str),
    /// The payload key at this path, whose value names another thing: in the
    /// profile the `PayloadUUID` of a payload of the same profile, in the declaration
    /// the `Identifier` of an asset declaration of these types.
    AssetReference {
        /// The payload key.
        profile: &'static str,
        /// The asset declaration types Apple allows.
        assets: &'static [&'static str],
    },
    /// `ExtensionIdentifier` and `TeamIdentifier`, composed as `Bundle-ID (Team-ID)`.
    Composed,
    /// A dictionary that groups declaration keys; the keys inside it have counterparts,
    /// it has none of its own.
    Group,
}

/// One key of the declaration's `Payload`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The key's path inside `Payload`, such as `PlatformSSO.UserCreation.EnableAtLogin`.
    pub declaration: &'static str,
    /// Its counterpart in the profile.
    pub profile: Counterpart,
}

impl Entry {
    /// The payload key path, for the entries that have one key of their own.
    pub fn profile_path(&self) -> Option<&'static str> {
        match self.profile {
            Counterpart::Key(path) | Counterpart::AssetReference { profile: path, .. } => {
                Some(path)
            }
            Counterpart::Composed | Counterpart::Group => None,
        }
    }

    /// The value's type: the catalog's for a key with a counterpart, a string for the
    /// composed identifier, a dictionary for a group.
    pub fn kind(&self) -> Kind {
        match self.profile {
            Counterpart::Composed => Kind::String,
            Counterpart::Group => Kind::Dictionary,
            _ => self
                .profile_path()
                .and_then(|p| apple::lookup(Scope::ExtensibleSso, p))
                .map_or(Kind::Any, |k| k.kind),
        }
    }

    /// The catalog entry of the payload key, when there is one.
    pub fn apple_key(&self) -> Option<&'static apple::AppleKey> {
        self.profile_path()
            .and_then(|p| apple::lookup(Scope::ExtensibleSso, p))
    }

    /// The key's own name: the last component of its path.
    pub fn name(&self) -> &'static str {
        self.declaration
            .rsplit_once('.')
            .map_or(self.declaration, |(_, n)| n)
    }

    /// The path of the dictionary holding the key (empty at `Payload`'s root).
    pub fn parent(&self) -> &'static str {
        self.declaration.rsplit_once('.').map_or("", |(p, _)| p)
    }
}

const fn key(declaration: &'static str, profile: &'static str) -> Entry {
    Entry {
        declaration,
        profile: Counterpart::Key(profile),
    }
}

const fn group(declaration: &'static str) -> Entry {
    Entry {
        declaration,
        profile: Counterpart::Group,
    }
}

/// The keys of the declaration's `Payload` that are not the counterpart of one payload
/// key: the composed identifier, the dictionaries that group keys, and the access
/// key's asset references. The others come from the Apple catalog
/// ([`crate::catalog::apple::AppleKey::declaration`]).
static SPECIAL: &[Entry] = &[
    Entry {
        declaration: "ExtensionComposedIdentifier",
        profile: Counterpart::Composed,
    },
    group("PlatformSSO.Account"),
    group("PlatformSSO.UserCreation"),
    group("PlatformSSO.Authorization"),
    group("PlatformSSO.AccessKey"),
    group("PlatformSSO.Policies"),
    group("PlatformSSO.WebAuthentication"),
    Entry {
        declaration: "PlatformSSO.AccessKey.TerminalIdentityAssetReference",
        profile: Counterpart::AssetReference {
            profile: "PlatformSSO.AccessKeyTerminalIdentityUUID",
            assets: &[
                "com.apple.asset.credential.identity",
                "com.apple.asset.credential.scep",
                "com.apple.asset.credential.acme",
            ],
        },
    },
    Entry {
        declaration: "PlatformSSO.AccessKey.ReaderIssuerCertificateAssetReference",
        profile: Counterpart::AssetReference {
            profile: "PlatformSSO.AccessKeyReaderIssuerCertificateUUID",
            assets: &["com.apple.asset.credential.certificate"],
        },
    },
];

/// Every key of the declaration's `Payload` (Apple's `extensible-sso.yaml`) with its
/// counterpart in the profile payload: the keys of no single payload key (groups before the keys
/// inside them), then each catalog key that has a declaration name, in the catalog's
/// order.
pub static ENTRIES: std::sync::LazyLock<Vec<Entry>> = std::sync::LazyLock::new(|| {
    SPECIAL
        .iter()
        .copied()
        .chain(
            apple::KEYS
                .iter()
                .filter(|k| k.scope == Scope::ExtensibleSso)
                .filter_map(|k| k.declaration.map(|d| key(d, k.path))),
        )
        .collect()
});

/// The keys of the Extensible SSO payload that a declaration has not, and why.
pub static PROFILE_ONLY: &[(&str, &str)] = &[(
    "AuthenticationMethod",
    "the deprecated top-level method only macOS 13 reads; the declaration is for macOS 27 and later, which read PlatformSSO.AuthenticationMethod",
)];

/// Why the keys common to every payload, and the outer profile's keys, have no
/// counterpart in a declaration.
pub const ENVELOPE_REASON: &str = "a declaration is identified by its `Identifier` and `ServerToken` and scoped by the channel it is sent on, not by payload or profile keys";

/// The top-level keys of every declaration, around its `Payload`.
pub const DECLARATION_KEYS: [&str; 4] = ["Type", "Identifier", "ServerToken", "Payload"];

/// The entry of the declaration key at `path` (inside `Payload`).
pub fn entry(path: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.declaration == path)
}

/// The entry whose counterpart is the payload key at `path`.
pub fn entry_for_profile(path: &str) -> Option<&'static Entry> {
    ENTRIES.iter().find(|e| e.profile_path() == Some(path))
}

/// The entries directly inside the declaration dictionary at `parent`.
pub fn children(parent: &str) -> impl Iterator<Item = &'static Entry> + '_ {
    ENTRIES.iter().filter(move |e| e.parent() == parent)
}

/// The declaration path of a finding's path in the profile tree a declaration was
/// read into: `PayloadContent[0].PlatformSSO.EnableCreateUserAtLogin` is
/// `Payload.PlatformSSO.UserCreation.EnableAtLogin`, `PayloadContent[0].URLs[3]` is
/// `Payload.URLs[3]`, the identifiers are `Payload.ExtensionComposedIdentifier`. The
/// longest mapped prefix is replaced; a path outside the payload is kept.
pub fn declaration_path(profile_path: &str) -> String {
    let Some(rest) = profile_path.strip_prefix("PayloadContent[0]") else {
        return profile_path.to_string();
    };
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    if rest.is_empty() {
        return "Payload".to_string();
    }
    if rest == "ExtensionIdentifier" || rest == "TeamIdentifier" {
        return "Payload.ExtensionComposedIdentifier".to_string();
    }
    // Try the whole path, then shorter prefixes, at component boundaries (`.` or `[`).
    let mut cut = rest.len();
    loop {
        let (head, tail) = rest.split_at(cut);
        if let Some(e) = entry_for_profile(head) {
            return format!("Payload.{}{tail}", e.declaration);
        }
        match head.rfind(['.', '[']) {
            Some(i) => cut = i,
            None => return format!("Payload.{rest}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_with_a_counterpart_names_a_catalog_key_and_parents_exist() {
        for (i, e) in ENTRIES.iter().enumerate() {
            assert!(
                !ENTRIES[..i].iter().any(|o| o.declaration == e.declaration),
                "{} twice",
                e.declaration
            );
            if let Some(p) = e.profile_path() {
                assert!(e.apple_key().is_some(), "{p} is not in the catalog");
                assert_eq!(
                    ENTRIES
                        .iter()
                        .filter(|o| o.profile_path() == Some(p))
                        .count(),
                    1,
                    "{p} has one declaration key"
                );
            }
            if !e.parent().is_empty() {
                let parent = entry(e.parent()).expect("the parent is an entry");
                assert_eq!(parent.kind(), Kind::Dictionary, "{}", e.declaration);
            }
        }
    }

    /// Profile → declaration → profile is the identity on every mapped key, and the
    /// other way round.
    #[test]
    fn paths_map_both_ways() {
        for e in ENTRIES.iter() {
            if let Some(p) = e.profile_path() {
                assert_eq!(entry_for_profile(p), Some(e));
                assert_eq!(
                    declaration_path(&format!("PayloadContent[0].{p}")),
                    format!("Payload.{}", e.declaration)
                );
            }
        }
        assert_eq!(
            declaration_path("PayloadContent[0].PlatformSSO.FileVaultPolicy[1]"),
            "Payload.PlatformSSO.Policies.FileVault[1]"
        );
        assert_eq!(
            declaration_path("PayloadContent[0].ExtensionData.tenant_id"),
            "Payload.ExtensionData.tenant_id"
        );
        assert_eq!(
            declaration_path("PayloadContent[0].TeamIdentifier"),
            "Payload.ExtensionComposedIdentifier"
        );
        assert_eq!(declaration_path("PayloadContent[0]"), "Payload");
        assert_eq!(
            declaration_path("PayloadContent[0].PlatformSSO"),
            "Payload.PlatformSSO"
        );
        assert_eq!(declaration_path("PayloadIdentifier"), "PayloadIdentifier");
    }

    /// Every key of the Extensible SSO payload has a declaration key, or a reason
    /// why a declaration has none; every `PlatformSSO` key has one.
    #[test]
    fn every_payload_key_is_mapped_or_has_a_reason() {
        for k in apple::KEYS
            .iter()
            .filter(|k| k.scope == Scope::ExtensibleSso)
        {
            let composed = k.path == "ExtensionIdentifier" || k.path == "TeamIdentifier";
            let mapped = entry_for_profile(k.path).is_some() || composed;
            let reason = PROFILE_ONLY.iter().any(|(p, _)| *p == k.path);
            assert!(
                mapped != reason,
                "{}: mapped {mapped}, reason {reason}",
                k.path
            );
            if k.path.starts_with("PlatformSSO") {
                assert!(mapped, "{} has no declaration key", k.path);
            }
        }
    }
}
