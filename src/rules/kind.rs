//! What each payload is, decided before any rule runs: [`PayloadKind`]. The rules
//! say which kinds they apply to ([`Applies`]), and `inspect`, `diff` and `explain`
//! use the same kinds and words.

use plist::{Dictionary, Value};
use serde::Serialize;

use crate::catalog::kerberos;
use crate::catalog::microsoft::{EXTENSION_IDENTIFIER, TEAM_IDENTIFIER, is_microsoft_url};

/// The `PayloadType` of Extensible SSO payloads.
pub const EXTENSIBLE_SSO: &str = "com.apple.extensiblesso";

/// What a payload of `PayloadContent` configures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PayloadKind {
    /// An Extensible SSO payload for the Microsoft Enterprise SSO plug-in that
    /// configures Platform SSO (`PlatformSSO`, the macOS 13 `AuthenticationMethod`
    /// or a `RegistrationToken`).
    MicrosoftPlatformSso,
    /// An Extensible SSO payload for the Microsoft Enterprise SSO plug-in without
    /// Platform SSO: single sign-on for apps and browsers, a supported deployment.
    MicrosoftSsoExtension,
    /// Another vendor's Extensible SSO payload, with or without `PlatformSSO`
    /// (Okta, Fleet, Keycloak...): only Apple's schema applies.
    OtherSso,
    /// Apple's built-in Kerberos extension (`com.apple.AppSSOKerberos.KerberosExtension`).
    Kerberos,
    /// Any other payload (certificates, associated domains, preferences...).
    Other,
}

impl PayloadKind {
    /// Classifies one payload dictionary.
    ///
    /// A payload whose `ExtensionIdentifier` is Microsoft's misspelt (it names
    /// Microsoft or Company Portal, or the payload carries Microsoft's team
    /// identifier, or it has no identifier but Microsoft's sign-in URLs) is taken
    /// to be Microsoft's, so the misspelling is reported.
    pub fn of(payload: &Dictionary) -> PayloadKind {
        if string(payload, "PayloadType") != Some(EXTENSIBLE_SSO) {
            return PayloadKind::Other;
        }
        let extension = string(payload, "ExtensionIdentifier");
        if extension == Some(kerberos::EXTENSION_IDENTIFIER) {
            return PayloadKind::Kerberos;
        }
        if !looks_microsoft(payload, extension) {
            return PayloadKind::OtherSso;
        }
        if configures_platform_sso(payload) {
            PayloadKind::MicrosoftPlatformSso
        } else {
            PayloadKind::MicrosoftSsoExtension
        }
    }

    /// The kind's stable name, as JSON writes it: `microsoft-platform-sso`,
    /// `microsoft-sso-extension`, `other-sso`, `kerberos`, `other`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PayloadKind::MicrosoftPlatformSso => "microsoft-platform-sso",
            PayloadKind::MicrosoftSsoExtension => "microsoft-sso-extension",
            PayloadKind::OtherSso => "other-sso",
            PayloadKind::Kerberos => "kerberos",
            PayloadKind::Other => "other",
        }
    }

    /// The kind in words, as `inspect`, `diff` and `explain` say it.
    pub const fn describe(self) -> &'static str {
        match self {
            PayloadKind::MicrosoftPlatformSso => {
                "Microsoft Platform SSO (the Microsoft Enterprise SSO plug-in with Platform SSO)"
            }
            PayloadKind::MicrosoftSsoExtension => {
                "Microsoft SSO extension without Platform SSO (single sign-on for apps and browsers)"
            }
            PayloadKind::OtherSso => "another vendor's Extensible SSO payload",
            PayloadKind::Kerberos => "Apple's Kerberos SSO extension",
            PayloadKind::Other => "not a single sign-on payload",
        }
    }

    /// Whether the payload is for the Microsoft Enterprise SSO plug-in.
    pub const fn is_microsoft(self) -> bool {
        matches!(
            self,
            PayloadKind::MicrosoftPlatformSso | PayloadKind::MicrosoftSsoExtension
        )
    }

    /// Whether the payload is an Extensible SSO payload (any vendor, Kerberos too).
    pub const fn is_sso(self) -> bool {
        !matches!(self, PayloadKind::Other)
    }
}

impl std::fmt::Display for PayloadKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

/// Which payloads a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applies {
    /// The profile as a whole and every payload in it.
    Profile,
    /// Every Extensible SSO payload, whatever the vendor (Apple's schema).
    Sso,
    /// Every Extensible SSO payload with a `PlatformSSO` dictionary (Apple's
    /// Platform SSO constraints), whatever the vendor.
    PlatformSso,
    /// The payloads for the Microsoft Enterprise SSO plug-in, with or without
    /// Platform SSO.
    Microsoft,
    /// The Microsoft payloads that configure Platform SSO, and every Microsoft
    /// payload when Platform SSO is expected.
    MicrosoftPlatformSso,
    /// Apple's Kerberos extension payloads.
    Kerberos,
    /// Profiles installed together (the fleet view), not one profile.
    Fleet,
}

impl Applies {
    /// Whether a rule that applies to `self` reads a payload of `kind`, whose
    /// Microsoft Platform SSO rows apply when `platform_rows`, and which has a
    /// `PlatformSSO` dictionary when `has_platform_sso`.
    pub const fn admits(
        self,
        kind: PayloadKind,
        platform_rows: bool,
        has_platform_sso: bool,
    ) -> bool {
        match self {
            Applies::Profile => true,
            Applies::Sso => kind.is_sso(),
            Applies::PlatformSso => kind.is_sso() && has_platform_sso,
            Applies::Microsoft => kind.is_microsoft(),
            Applies::MicrosoftPlatformSso => platform_rows,
            Applies::Kerberos => matches!(kind, PayloadKind::Kerberos),
            Applies::Fleet => false,
        }
    }

    /// A few words for tables: `profile`, `any SSO`, `any Platform SSO`,
    /// `Microsoft`, `Microsoft PSSO`, `Kerberos`, `fleet`.
    pub const fn short(self) -> &'static str {
        match self {
            Applies::Profile => "profile",
            Applies::Sso => "any SSO",
            Applies::PlatformSso => "any Platform SSO",
            Applies::Microsoft => "Microsoft",
            Applies::MicrosoftPlatformSso => "Microsoft PSSO",
            Applies::Kerberos => "Kerberos",
            Applies::Fleet => "fleet",
        }
    }

    /// What the rule applies to, in words, as `explain` says it.
    pub const fn describe(self) -> &'static str {
        match self {
            Applies::Profile => "the profile and every payload in it",
            Applies::Sso => "every Extensible SSO payload, whatever the vendor",
            Applies::PlatformSso => {
                "every Extensible SSO payload that configures Platform SSO, whatever the vendor"
            }
            Applies::Microsoft => {
                "payloads for the Microsoft Enterprise SSO plug-in, with or without Platform SSO"
            }
            Applies::MicrosoftPlatformSso => {
                "Microsoft Platform SSO payloads (and Microsoft SSO extension payloads when Platform SSO is expected)"
            }
            Applies::Kerberos => "Apple's Kerberos SSO extension payloads",
            Applies::Fleet => "profiles checked together (the fleet view)",
        }
    }
}

impl std::fmt::Display for Applies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

fn string<'a>(dict: &'a Dictionary, key: &str) -> Option<&'a str> {
    dict.get(key).and_then(Value::as_string)
}

/// Whether an Extensible SSO payload configures Platform SSO: a `PlatformSSO`
/// dictionary, the macOS 13 top-level `AuthenticationMethod`, or a
/// `RegistrationToken` (which only Platform SSO reads).
pub fn configures_platform_sso(payload: &Dictionary) -> bool {
    ["PlatformSSO", "AuthenticationMethod", "RegistrationToken"]
        .iter()
        .any(|k| payload.contains_key(k))
}

/// Whether an Extensible SSO payload is meant for the Microsoft plug-in.
fn looks_microsoft(payload: &Dictionary, extension: Option<&str>) -> bool {
    if let Some(id) = extension {
        let lower = id.to_ascii_lowercase();
        return id == EXTENSION_IDENTIFIER
            || lower.contains("microsoft")
            || lower.contains("companyportal")
            || string(payload, "TeamIdentifier") == Some(TEAM_IDENTIFIER);
    }
    string(payload, "TeamIdentifier") == Some(TEAM_IDENTIFIER)
        || payload
            .get("URLs")
            .and_then(Value::as_array)
            .is_some_and(|urls| {
                urls.iter()
                    .filter_map(Value::as_string)
                    .any(is_microsoft_url)
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(entries: &[(&str, Value)]) -> Dictionary {
        let mut d = Dictionary::new();
        d.insert("PayloadType".into(), EXTENSIBLE_SSO.into());
        for (k, v) in entries {
            d.insert((*k).to_string(), v.clone());
        }
        d
    }

    #[test]
    fn kinds_by_extension_and_what_the_payload_configures() {
        let ms = ("ExtensionIdentifier", Value::from(EXTENSION_IDENTIFIER));
        assert_eq!(
            PayloadKind::of(&payload(std::slice::from_ref(&ms))),
            PayloadKind::MicrosoftSsoExtension
        );
        for key in ["PlatformSSO", "AuthenticationMethod", "RegistrationToken"] {
            let with = payload(&[ms.clone(), (key, Value::from("x"))]);
            assert_eq!(
                PayloadKind::of(&with),
                PayloadKind::MicrosoftPlatformSso,
                "{key}"
            );
        }
        let okta = payload(&[
            (
                "ExtensionIdentifier",
                "com.okta.mobile.auth-service-extension".into(),
            ),
            ("PlatformSSO", Value::Dictionary(Dictionary::new())),
        ]);
        assert_eq!(PayloadKind::of(&okta), PayloadKind::OtherSso);
        let kerberos = payload(&[("ExtensionIdentifier", kerberos::EXTENSION_IDENTIFIER.into())]);
        assert_eq!(PayloadKind::of(&kerberos), PayloadKind::Kerberos);
        let mut scep = Dictionary::new();
        scep.insert("PayloadType".into(), "com.apple.security.scep".into());
        assert_eq!(PayloadKind::of(&scep), PayloadKind::Other);
    }

    #[test]
    fn misspelt_microsoft_identifiers_stay_microsoft() {
        for id in [
            "com.microsoft.CompanyPortal.ssoextension",
            "com.microsoft.azureauthenticator.ssoextension",
            "COM.MICROSOFT.COMPANYPORTALMAC.SSOEXTENSION",
        ] {
            let p = payload(&[("ExtensionIdentifier", id.into())]);
            assert!(PayloadKind::of(&p).is_microsoft(), "{id}");
        }
        let by_team = payload(&[
            ("ExtensionIdentifier", "com.contoso.sso".into()),
            ("TeamIdentifier", TEAM_IDENTIFIER.into()),
        ]);
        assert!(PayloadKind::of(&by_team).is_microsoft());
        let by_urls = payload(&[(
            "URLs",
            Value::Array(vec!["https://login.microsoftonline.com".into()]),
        )]);
        assert!(PayloadKind::of(&by_urls).is_microsoft());
        assert_eq!(PayloadKind::of(&payload(&[])), PayloadKind::OtherSso);
    }
}
