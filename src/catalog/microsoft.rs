//! Microsoft's facts: the SSO plug-in's identity, the identity-provider URLs, and the
//! table of settings "the Microsoft Enterprise SSO plug-in requires" for Platform SSO
//! (Intune's Platform SSO guide and the MDM-vendor integration guide).

use crate::model::{MacOs, MacOsRange};
use crate::rules::RuleId;

/// `ExtensionIdentifier` of the Microsoft Enterprise SSO plug-in on macOS.
pub const EXTENSION_IDENTIFIER: &str = "com.microsoft.CompanyPortalMac.ssoextension";
/// `TeamIdentifier` of the Microsoft Enterprise SSO plug-in.
pub const TEAM_IDENTIFIER: &str = "UBF8T346G9";
/// `Type` of the Microsoft Enterprise SSO plug-in payload.
pub const SSO_TYPE: &str = "Redirect";
/// `ScreenLockedBehavior` Microsoft requires.
pub const SCREEN_LOCKED_BEHAVIOR: &str = "DoNotHandle";
/// The Intune registration-token placeholder, substituted by the MDM per device.
pub const DEVICE_REGISTRATION_PLACEHOLDER: &str = "{{DEVICEREGISTRATION}}";

/// A Microsoft cloud whose sign-in URLs the profile lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum Cloud {
    /// The commercial (global) cloud: always required.
    Commercial,
    /// Microsoft Azure operated by 21Vianet (China).
    China,
    /// Microsoft Azure Government (US).
    UsGovernment,
}

impl Cloud {
    /// Every cloud.
    pub const ALL: [Cloud; 3] = [Cloud::Commercial, Cloud::China, Cloud::UsGovernment];

    /// The name used on the command line and in spec files.
    pub const fn as_str(self) -> &'static str {
        match self {
            Cloud::Commercial => "commercial",
            Cloud::China => "china",
            Cloud::UsGovernment => "us-government",
        }
    }

    /// The cloud's sign-in URLs, in Microsoft's order.
    pub fn urls(self) -> impl Iterator<Item = &'static str> {
        URLS.iter().filter(move |u| u.cloud == self).map(|u| u.url)
    }
}

impl std::fmt::Display for Cloud {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Cloud {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        Cloud::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| crate::Error::InvalidValue {
                key: "clouds".to_string(),
                value: s.to_string(),
                expected: "`commercial`, `china` or `us-government`".to_string(),
            })
    }
}

/// One identity-provider URL of the profile's `URLs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SignInUrl {
    /// The URL prefix, exactly as Microsoft lists it.
    pub url: &'static str,
    /// The cloud it serves.
    pub cloud: Cloud,
}

/// The seven `URLs` of Microsoft's table: three commercial ones (required) and four
/// sovereign-cloud ones (add those of the clouds the tenant uses).
pub static URLS: &[SignInUrl] = &[
    SignInUrl {
        url: "https://login.microsoftonline.com",
        cloud: Cloud::Commercial,
    },
    SignInUrl {
        url: "https://login.microsoft.com",
        cloud: Cloud::Commercial,
    },
    SignInUrl {
        url: "https://sts.windows.net",
        cloud: Cloud::Commercial,
    },
    SignInUrl {
        url: "https://login.partner.microsoftonline.cn",
        cloud: Cloud::China,
    },
    SignInUrl {
        url: "https://login.chinacloudapi.cn",
        cloud: Cloud::China,
    },
    SignInUrl {
        url: "https://login.microsoftonline.us",
        cloud: Cloud::UsGovernment,
    },
    SignInUrl {
        url: "https://login-us.microsoftonline.com",
        cloud: Cloud::UsGovernment,
    },
];

/// URLs seen in public profiles that Microsoft does not list for the SSO payload.
pub static NOT_MICROSOFT_PROFILE_URLS: &[(&str, &str)] = &[
    (
        "https://login.windows.net",
        "Microsoft reviewers call it a URL customers never needed to configure (MicrosoftDocs/entra-docs#1688)",
    ),
    (
        "https://enterpriseregistration.windows.net",
        "a device-registration endpoint for the network allow list, not an SSO URL prefix",
    ),
    (
        "https://login.microsoftonline.de",
        "the retired Microsoft Cloud Germany",
    ),
];

/// A documentation source, by the key the reference notes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DocSource {
    /// Short title.
    pub title: &'static str,
    /// Public address.
    pub url: &'static str,
}

/// Intune's Platform SSO configuration guide ("Other MDMs" lists the same values).
pub const INTUNE_GUIDE: DocSource = DocSource {
    title: "Platform SSO configuration guide for macOS devices using Microsoft Intune",
    url: "https://learn.microsoft.com/intune/intune-service/configuration/platform-sso-macos",
};
/// Microsoft's guide for MDM vendors, with its minimum required payload properties.
pub const MDM_VENDOR_GUIDE: DocSource = DocSource {
    title: "macOS Platform SSO integration guide for MDM vendors",
    url: "https://learn.microsoft.com/entra/identity/devices/macos-psso-integration-guide",
};
/// The Microsoft Enterprise SSO plug-in for Apple devices.
pub const SSO_PLUGIN_GUIDE: DocSource = DocSource {
    title: "Microsoft Enterprise SSO plug-in for Apple devices",
    url: "https://learn.microsoft.com/entra/identity-platform/apple-sso-plugin",
};
/// Common Platform SSO scenarios (optional settings Microsoft supports).
pub const SCENARIOS_GUIDE: DocSource = DocSource {
    title: "Common Platform SSO scenarios for macOS devices",
    url: "https://learn.microsoft.com/intune/intune-service/configuration/platform-sso-scenarios",
};

/// What Microsoft requires of a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Expected {
    /// Exactly this string.
    String(&'static str),
    /// This boolean.
    Boolean(bool),
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// An array holding these strings (more may be present).
    Contains(&'static [&'static str]),
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |v: &[&str]| {
            v.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Expected::String(s) => write!(f, "`{s}`"),
            Expected::Boolean(b) => write!(f, "`{b}`"),
            Expected::OneOf(v) => write!(f, "one of {}", list(v)),
            Expected::Contains(v) => write!(f, "an array holding {}", list(v)),
        }
    }
}

/// One row of Microsoft's required-settings table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequiredSetting {
    /// The setting's name in Intune's settings catalog.
    pub intune_name: &'static str,
    /// The key path inside the Extensible SSO payload.
    pub key: &'static str,
    /// The value Microsoft requires.
    pub expected: Expected,
    /// The macOS versions the row applies to.
    pub macos: MacOsRange,
    /// The id of the rule that checks the row.
    pub rule: RuleId,
    /// Whether every Platform SSO profile needs the setting (the MDM-vendor guide's
    /// minimum), its rule checking the key's type and value; `false` for the rows
    /// that apply to one method or that Microsoft recommends.
    pub essential: bool,
    /// Microsoft's note on the row.
    pub note: &'static str,
}

impl RequiredSetting {
    /// The macOS range as text, such as `13 only` or `14+`.
    pub fn macos_range(&self) -> String {
        self.macos.to_string()
    }

    /// The oldest macOS version the row applies to (the oldest release this crate
    /// knows when the row has no lower bound).
    pub fn since(&self) -> MacOs {
        self.macos.since.unwrap_or(MacOs::RELEASES[0])
    }
}

/// A row is written with its range as `from` (the oldest macOS) and `until` (the
/// newest major version, `null` for every later one), as `explain --format json`
/// documents it.
impl serde::Serialize for RequiredSetting {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut row = serializer.serialize_struct("RequiredSetting", 8)?;
        row.serialize_field("intune_name", self.intune_name)?;
        row.serialize_field("key", self.key)?;
        row.serialize_field("expected", &self.expected)?;
        row.serialize_field("from", &self.macos.since)?;
        row.serialize_field("until", &self.macos.until)?;
        row.serialize_field("rule", &self.rule)?;
        row.serialize_field("essential", &self.essential)?;
        row.serialize_field("note", self.note)?;
        row.end()
    }
}

const COMMERCIAL_URLS: &[&str] = &[
    "https://login.microsoftonline.com",
    "https://login.microsoft.com",
    "https://sts.windows.net",
];
const SOVEREIGN_URLS: &[&str] = &[
    "https://login.partner.microsoftonline.cn",
    "https://login.chinacloudapi.cn",
    "https://login.microsoftonline.us",
    "https://login-us.microsoftonline.com",
];

/// Microsoft's required Platform SSO settings, in the order of its table: the
/// MDM-vendor guide's minimum ([`RequiredSetting::essential`]) and Intune's rows for
/// the FileVault policy, the registration token and the token-to-user mapping.
pub static REQUIRED: &[RequiredSetting] = &[
    RequiredSetting {
        intune_name: "Extension Identifier",
        key: "ExtensionIdentifier",
        expected: Expected::String(EXTENSION_IDENTIFIER),
        macos: MacOsRange::from(MacOs::V13),
        rule: RuleId::SsoExtensionIdentifier,
        essential: true,
        note: "works together with the team identifier",
    },
    RequiredSetting {
        intune_name: "Team Identifier",
        key: "TeamIdentifier",
        expected: Expected::String(TEAM_IDENTIFIER),
        macos: MacOsRange::from(MacOs::V13),
        rule: RuleId::SsoTeamIdentifier,
        essential: true,
        note: "Apple requires it on macOS",
    },
    RequiredSetting {
        intune_name: "Type",
        key: "Type",
        expected: Expected::String(SSO_TYPE),
        macos: MacOsRange::from(MacOs::V13),
        rule: RuleId::SsoType,
        essential: true,
        note: "the plug-in is a redirect extension",
    },
    RequiredSetting {
        intune_name: "URLs",
        key: "URLs",
        expected: Expected::Contains(COMMERCIAL_URLS),
        macos: MacOsRange::from(MacOs::V13),
        rule: RuleId::SsoUrlsCommercial,
        essential: true,
        note: "required for every tenant",
    },
    RequiredSetting {
        intune_name: "URLs (sovereign clouds)",
        key: "URLs",
        expected: Expected::Contains(SOVEREIGN_URLS),
        macos: MacOsRange::from(MacOs::V13),
        rule: RuleId::SsoUrlsSovereign,
        essential: true,
        note: "add the URLs of the sovereign clouds the tenant uses; the MDM-vendor guide lists all seven",
    },
    RequiredSetting {
        intune_name: "Screen Locked Behavior",
        key: "ScreenLockedBehavior",
        expected: Expected::String(SCREEN_LOCKED_BEHAVIOR),
        macos: MacOsRange::from(MacOs::V13),
        rule: RuleId::SsoScreenLockedBehavior,
        essential: true,
        note: "Apple's default when absent is `Cancel`",
    },
    RequiredSetting {
        intune_name: "Authentication Method (Deprecated)",
        key: "AuthenticationMethod",
        expected: Expected::OneOf(&["Password", "UserSecureEnclaveKey"]),
        macos: MacOsRange::only(MacOs::V13),
        rule: RuleId::SsoAuthMethodMacos13,
        essential: true,
        note: "macOS 13 reads only this key; a fleet with macOS 13 and 14+ sets both, with the same value",
    },
    RequiredSetting {
        intune_name: "Platform SSO > Authentication Method",
        key: "PlatformSSO.AuthenticationMethod",
        expected: Expected::OneOf(&["Password", "UserSecureEnclaveKey", "SmartCard"]),
        macos: MacOsRange::from(MacOs::V14),
        rule: RuleId::SsoAuthMethod,
        essential: true,
        note: "Microsoft recommends `UserSecureEnclaveKey`; `SmartCard` does not exist on macOS 13",
    },
    RequiredSetting {
        intune_name: "Platform SSO > Use Shared Device Keys",
        key: "PlatformSSO.UseSharedDeviceKeys",
        expected: Expected::Boolean(true),
        macos: MacOsRange::from(MacOs::V14),
        rule: RuleId::SsoUseSharedDeviceKeys,
        essential: true,
        note: "enabling it later forces every user to register again",
    },
    RequiredSetting {
        intune_name: "Platform SSO > FileVault Policy",
        key: "PlatformSSO.FileVaultPolicy",
        expected: Expected::Contains(&["AttemptAuthentication"]),
        macos: MacOsRange::from(MacOs::V15),
        rule: RuleId::PssoPasswordFilevaultPolicy,
        essential: false,
        note: "with the `Password` method only (MicrosoftDocs/memdocs#4824)",
    },
    RequiredSetting {
        intune_name: "Registration Token",
        key: "RegistrationToken",
        expected: Expected::String(DEVICE_REGISTRATION_PLACEHOLDER),
        macos: MacOsRange::from(MacOs::V13),
        rule: RuleId::SsoRegistrationTokenAbsent,
        essential: false,
        note: "Intune's value, substituted per device; needs an authentication method; not in the MDM-vendor minimum table",
    },
    RequiredSetting {
        intune_name: "Token To User Mapping > Account Name",
        key: "PlatformSSO.TokenToUserMapping.AccountName",
        expected: Expected::OneOf(&[
            "com.apple.PlatformSSO.AccountShortName",
            "preferred_username",
        ]),
        macos: MacOsRange::from(MacOs::V14),
        rule: RuleId::PssoTokenToUserMapping,
        essential: false,
        note: "Microsoft's 2026 guide recommends `com.apple.PlatformSSO.AccountShortName` (the UPN prefix)",
    },
    RequiredSetting {
        intune_name: "Token To User Mapping > Full Name",
        key: "PlatformSSO.TokenToUserMapping.FullName",
        expected: Expected::String("name"),
        macos: MacOsRange::from(MacOs::V14),
        rule: RuleId::PssoTokenToUserMapping,
        essential: false,
        note: "the claim for the local account's full name",
    },
];

/// The `PlatformSSO` keys Microsoft documents for its plug-in (the required table and
/// "Common Platform SSO scenarios"); "any undocumented Platform SSO settings aren't
/// supported".
pub static DOCUMENTED_PLATFORM_SSO_KEYS: &[&str] = &[
    "AuthenticationMethod",
    "UseSharedDeviceKeys",
    "AccountDisplayName",
    "EnableCreateUserAtLogin",
    "EnableAuthorization",
    "TokenToUserMapping",
    "NewUserAuthorizationMode",
    "UserAuthorizationMode",
    "FileVaultPolicy",
    "NonPlatformSSOAccounts",
    "EnableRegistrationDuringSetup",
    "EnableCreateFirstUserDuringSetup",
];

/// Whether `url` is one of the seven URLs Microsoft lists for the profile.
pub fn is_microsoft_url(url: &str) -> bool {
    URLS.iter()
        .any(|u| u.url.eq_ignore_ascii_case(url.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_urls_three_commercial() {
        assert_eq!(URLS.len(), 7);
        assert_eq!(
            Cloud::Commercial.urls().collect::<Vec<_>>(),
            COMMERCIAL_URLS
        );
        let sovereign: Vec<_> = Cloud::China
            .urls()
            .chain(Cloud::UsGovernment.urls())
            .collect();
        assert_eq!(sovereign, SOVEREIGN_URLS);
    }

    #[test]
    fn cloud_names_round_trip() {
        for cloud in Cloud::ALL {
            assert_eq!(cloud.as_str().parse::<Cloud>().unwrap(), cloud);
        }
        assert!("germany".parse::<Cloud>().is_err());
    }

    #[test]
    fn every_required_key_is_an_apple_key() {
        for row in REQUIRED {
            assert!(
                crate::catalog::apple::lookup(crate::catalog::apple::Scope::ExtensibleSso, row.key)
                    .is_some(),
                "{}",
                row.key
            );
        }
    }
}
