//! Apple's built-in Kerberos SSO extension: the payload values its schema pins and
//! the keys of its `ExtensionData` (`com.apple.extensiblesso(kerberos).yaml`, the
//! same `com.apple.extensiblesso` payload type as any Extensible SSO payload), and
//! the facts of Microsoft's Kerberos page for Platform SSO (microsoft-psso.md S10).
//!
//! A test cross-checks this table against Apple's YAML where the reference copy is
//! present (`tests/integration/catalog_kerberos.rs`).

use crate::catalog::apple::Kind;
use crate::model::MacOs;

/// `ExtensionIdentifier` of Apple's Kerberos extension.
pub const EXTENSION_IDENTIFIER: &str = "com.apple.AppSSOKerberos.KerberosExtension";
/// `TeamIdentifier` Apple's Kerberos schema requires.
pub const TEAM_IDENTIFIER: &str = "apple";
/// `Type` Apple's Kerberos schema requires.
pub const SSO_TYPE: &str = "Credential";

/// The payload keys Apple's Kerberos schema pins to one value, in its order.
pub static PINNED: &[(&str, &str)] = &[
    ("ExtensionIdentifier", EXTENSION_IDENTIFIER),
    ("TeamIdentifier", TEAM_IDENTIFIER),
    ("Type", SSO_TYPE),
];

/// The payload keys Apple's Kerberos schema requires (`Hosts` is optional there).
pub static REQUIRED: &[&str] = &["ExtensionIdentifier", "TeamIdentifier", "Type", "Realm"];

/// Microsoft Entra ID's cloud Kerberos realm (Microsoft's Kerberos page, S10).
pub const ENTRA_CLOUD_REALM: &str = "KERBEROS.MICROSOFTONLINE.COM";
/// The hosts Microsoft documents for its cloud realm (S10).
pub static ENTRA_CLOUD_HOSTS: &[&str] = &["windows.net", ".windows.net"];

/// One key of the Kerberos extension's `ExtensionData`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct KerberosKey {
    /// The key, spelled as Apple spells it.
    pub key: &'static str,
    /// Its type.
    pub kind: Kind,
    /// For arrays, the type of each item; for `domainRealmMapping`, of each value.
    pub item: Option<Kind>,
    /// Allowed values (`rangelist`).
    pub allowed: &'static [&'static str],
    /// Apple's default, as Apple writes it.
    pub default: Option<&'static str>,
    /// The macOS version that introduced the key, when Apple gives one.
    pub introduced: Option<MacOs>,
    /// The macOS version that deprecated the key.
    pub deprecated: Option<MacOs>,
}

const fn k(key: &'static str, kind: Kind) -> KerberosKey {
    KerberosKey {
        key,
        kind,
        item: None,
        allowed: &[],
        default: None,
        introduced: None,
        deprecated: None,
    }
}
const fn default(k: KerberosKey, value: &'static str) -> KerberosKey {
    KerberosKey {
        default: Some(value),
        ..k
    }
}
const fn since(k: KerberosKey, major: u16) -> KerberosKey {
    KerberosKey {
        introduced: Some(MacOs::new(major, 0)),
        ..k
    }
}
const fn deprecated(k: KerberosKey, major: u16) -> KerberosKey {
    KerberosKey {
        deprecated: Some(MacOs::new(major, 0)),
        ..k
    }
}
const fn items(k: KerberosKey, item: Kind) -> KerberosKey {
    KerberosKey {
        item: Some(item),
        ..k
    }
}

use Kind::{Array, Boolean, Data, Dictionary, Integer, String as Str};

/// Every key of the Kerberos extension's `ExtensionData`, in Apple's order.
pub static EXTENSION_DATA: &[KerberosKey] = &[
    deprecated(k("cacheName", Str), 12),
    k("principalName", Str),
    k("siteCode", Str),
    k("certificateUUID", Str),
    default(k("useSiteAutoDiscovery", Boolean), "true"),
    items(k("credentialBundleIdACL", Array), Str),
    since(
        default(k("includeManagedAppsInBundleIdACL", Boolean), "false"),
        12,
    ),
    since(
        default(k("includeKerberosAppsInBundleIdACL", Boolean), "false"),
        12,
    ),
    items(k("domainRealmMapping", Dictionary), Array),
    default(k("isDefaultRealm", Boolean), "false"),
    since(k("customUsernameLabel", Str), 11),
    since(k("helpText", Str), 11),
    default(k("allowPasswordChange", Boolean), "true"),
    default(k("allowAutomaticLogin", Boolean), "true"),
    default(k("requireUserPresence", Boolean), "false"),
    deprecated(k("pwExpireOverride", Integer), 12),
    default(k("pwNotificationDays", Integer), "15"),
    k("pwReqLength", Integer),
    default(k("pwReqComplexity", Boolean), "false"),
    k("pwReqMinAge", Integer),
    k("pwReqHistory", Integer),
    k("pwReqText", Str),
    since(k("pwReqRTFData", Data), 15),
    k("pwChangeURL", Str),
    default(k("syncLocalPassword", Boolean), "false"),
    deprecated(since(default(k("replicationTime", Integer), "900"), 11), 12),
    since(default(k("delayUserSetup", Boolean), "false"), 11),
    since(default(k("monitorCredentialsCache", Boolean), "true"), 11),
    since(default(k("requireTLSForLDAP", Boolean), "false"), 11),
    KerberosKey {
        allowed: &["always", "whenNotSpecified", "kerberosDefault"],
        ..since(default(k("credentialUseMode", Str), "always"), 11)
    },
    since(items(k("preferredKDCs", Array), Str), 12),
    since(default(k("usePlatformSSOTGT", Boolean), "false"), 13),
    since(
        default(k("allowPlatformSSOAuthFallback", Boolean), "true"),
        13,
    ),
    since(default(k("performKerberosOnly", Boolean), "false"), 13),
    since(k("identityIssuerAutoSelectFilter", Str), 15),
    since(default(k("allowSmartCard", Boolean), "true"), 15),
    since(default(k("allowPassword", Boolean), "true"), 15),
    since(default(k("startInSmartCardMode", Boolean), "false"), 15),
];

/// The `ExtensionData` key of the Kerberos extension spelled exactly `name`.
pub fn lookup(name: &str) -> Option<&'static KerberosKey> {
    EXTENSION_DATA.iter().find(|k| k.key == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_defaults_fit_their_type() {
        for (i, key) in EXTENSION_DATA.iter().enumerate() {
            assert!(
                !EXTENSION_DATA[..i].iter().any(|o| o.key == key.key),
                "{} twice",
                key.key
            );
            if let Some(d) = key.default {
                let fits = match key.kind {
                    Kind::Boolean => d == "true" || d == "false",
                    Kind::Integer => d.parse::<i64>().is_ok(),
                    Kind::String => key.allowed.is_empty() || key.allowed.contains(&d),
                    _ => false,
                };
                assert!(fits, "{}: default {d}", key.key);
            }
        }
        assert_eq!(lookup("usePlatformSSOTGT").unwrap().kind, Kind::Boolean);
        assert!(lookup("useplatformssotgt").is_none());
    }
}
