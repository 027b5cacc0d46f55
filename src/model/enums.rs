//! One enum per Apple `rangelist` of the payload, spelled exactly as Apple spells the values.

use serde::{Deserialize, Serialize};

/// Generates `as_str`, `ALL`, `Display` and `FromStr` for a fieldless enum whose
/// variant names are Apple's spellings. Parsing is case-insensitive and accepts
/// kebab-case (`user-secure-enclave-key`).
macro_rules! apple_enum {
    ($name:ident { $($variant:ident),+ $(,)? }) => {
        impl $name {
            /// Every value, in Apple's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Apple's spelling of every value, in Apple's order: the catalog's
            /// allowed values.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($variant)),+];

            /// Apple's spelling of the value.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant)),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl crate::settings::Unset for $name {
            fn is_unset(&self) -> bool {
                false
            }
        }

        #[cfg(feature = "cli")]
        impl clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                Self::ALL
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(self.as_str()).alias(kebab_case(self.as_str())))
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::Error;

            fn from_str(s: &str) -> crate::Result<Self> {
                let wanted: String = s.chars().filter(|c| *c != '-' && *c != '_').collect();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(&wanted))
                    .ok_or_else(|| crate::Error::InvalidValue {
                        key: stringify!($name).to_string(),
                        value: s.to_string(),
                        expected: format!(
                            "one of {}",
                            Self::ALL.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
                        ),
                    })
            }
        }
    };
}

/// `UserSecureEnclaveKey` as `user-secure-enclave-key`, `OpenID` as `open-id`.
#[cfg(any(feature = "cli", test))]
pub(crate) fn kebab_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let boundary = i > 0
            && c.is_uppercase()
            && (chars[i - 1].is_lowercase() || chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
        if boundary {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `PlatformSSO.AuthenticationMethod` (macOS 14+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuthMethod {
    /// The user's Entra password is synchronised to the local account.
    Password,
    /// A Secure Enclave key; Microsoft's recommendation.
    UserSecureEnclaveKey,
    /// A smart card (macOS 14+ only).
    SmartCard,
}
apple_enum!(AuthMethod {
    Password,
    UserSecureEnclaveKey,
    SmartCard
});

impl AuthMethod {
    /// The same method for the deprecated top-level key that macOS 13 reads, if
    /// macOS 13 has it (`SmartCard` does not exist there).
    pub const fn legacy(self) -> Option<LegacyAuthMethod> {
        match self {
            AuthMethod::Password => Some(LegacyAuthMethod::Password),
            AuthMethod::UserSecureEnclaveKey => Some(LegacyAuthMethod::UserSecureEnclaveKey),
            AuthMethod::SmartCard => None,
        }
    }
}

/// The deprecated top-level `AuthenticationMethod` (macOS 13 only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LegacyAuthMethod {
    /// Password.
    Password,
    /// Secure Enclave key.
    UserSecureEnclaveKey,
}
apple_enum!(LegacyAuthMethod {
    Password,
    UserSecureEnclaveKey
});

/// `Type` of an Extensible SSO payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SsoType {
    /// Credential extension (Kerberos-style); uses `Hosts`.
    Credential,
    /// Redirect extension (OpenID Connect, SAML); uses `URLs`. Microsoft's type.
    Redirect,
}
apple_enum!(SsoType {
    Credential,
    Redirect
});

/// `ScreenLockedBehavior` (macOS 12+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ScreenLockedBehavior {
    /// Cancel authentication requests while the screen is locked (Apple's default).
    Cancel,
    /// Continue the request without SSO; what Microsoft requires.
    DoNotHandle,
}
apple_enum!(ScreenLockedBehavior {
    Cancel,
    DoNotHandle
});

/// `PlatformSSO.NewUserAuthorizationMode` and `PlatformSSO.UserAuthorizationMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AuthorizationMode {
    /// A standard user.
    Standard,
    /// An administrator.
    Admin,
    /// Permissions from `AdministratorGroups`, `AdditionalGroups` or
    /// `AuthorizationGroups` (Microsoft does not support it yet).
    Groups,
}
apple_enum!(AuthorizationMode {
    Standard,
    Admin,
    Groups
});

/// A value of `PlatformSSO.FileVaultPolicy` or `PlatformSSO.LoginPolicy` (macOS 15+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Policy {
    /// Try Platform SSO first; offline, a matching local password is enough.
    AttemptAuthentication,
    /// Platform SSO is required.
    RequireAuthentication,
    /// Allows `OfflineGracePeriod` under `RequireAuthentication`.
    AllowOfflineGracePeriod,
    /// Allows `AuthenticationGracePeriod` for unregistered local accounts.
    AllowAuthenticationGracePeriod,
}
apple_enum!(Policy {
    AttemptAuthentication,
    RequireAuthentication,
    AllowOfflineGracePeriod,
    AllowAuthenticationGracePeriod,
});

/// A value of `PlatformSSO.UnlockPolicy` (macOS 15+): the policies plus Touch ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UnlockPolicy {
    /// See [`Policy::AttemptAuthentication`].
    AttemptAuthentication,
    /// See [`Policy::RequireAuthentication`].
    RequireAuthentication,
    /// See [`Policy::AllowOfflineGracePeriod`].
    AllowOfflineGracePeriod,
    /// See [`Policy::AllowAuthenticationGracePeriod`].
    AllowAuthenticationGracePeriod,
    /// Touch ID or Apple Watch may unlock instead of Platform SSO.
    AllowTouchIDOrWatchForUnlock,
}
apple_enum!(UnlockPolicy {
    AttemptAuthentication,
    RequireAuthentication,
    AllowOfflineGracePeriod,
    AllowAuthenticationGracePeriod,
    AllowTouchIDOrWatchForUnlock,
});

/// A value of `PlatformSSO.NewUserAuthenticationMethods` (macOS 26+).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NewUserAuthMethod {
    /// Password.
    Password,
    /// Smart card.
    SmartCard,
    /// Access key.
    AccessKey,
    /// OpenID.
    OpenID,
}
apple_enum!(NewUserAuthMethod {
    Password,
    SmartCard,
    AccessKey,
    OpenID
});

/// `PayloadScope` of the outer profile (macOS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PayloadScope {
    /// Installed for the whole device (device channel). Shared device keys need it.
    System,
    /// Installed for one user (user channel).
    User,
}
apple_enum!(PayloadScope { System, User });

/// `TargetDeviceType` of the outer profile; serialized as Apple's integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetDeviceType {
    /// `0`: any device.
    Any = 0,
    /// `1`: iPhone, iPad or iPod touch.
    IPhoneIPad = 1,
    /// `2`: Apple Watch.
    Watch = 2,
    /// `3`: HomePod.
    HomePod = 3,
    /// `4`: Apple TV.
    AppleTv = 4,
    /// `5`: Mac.
    Mac = 5,
    /// `6`: Apple Vision Pro.
    VisionPro = 6,
}

impl TargetDeviceType {
    /// Apple's integer for the device type.
    pub const fn code(self) -> i64 {
        self as i64
    }
}

impl Serialize for TargetDeviceType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for TargetDeviceType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const ALL: [TargetDeviceType; 7] = [
            TargetDeviceType::Any,
            TargetDeviceType::IPhoneIPad,
            TargetDeviceType::Watch,
            TargetDeviceType::HomePod,
            TargetDeviceType::AppleTv,
            TargetDeviceType::Mac,
            TargetDeviceType::VisionPro,
        ];
        let code = i64::deserialize(deserializer)?;
        ALL.into_iter().find(|t| t.code() == code).ok_or_else(|| {
            serde::de::Error::custom(format!("`{code}` is not a TargetDeviceType (0 to 6)"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_apple_spelling_case_insensitively_and_kebab_case() {
        for s in [
            "UserSecureEnclaveKey",
            "usersecureenclavekey",
            "user-secure-enclave-key",
        ] {
            assert_eq!(
                s.parse::<AuthMethod>().unwrap(),
                AuthMethod::UserSecureEnclaveKey
            );
        }
        assert_eq!(
            "smart-card".parse::<AuthMethod>().unwrap(),
            AuthMethod::SmartCard
        );
    }

    #[test]
    fn kebab_case_aliases() {
        assert_eq!(
            kebab_case("UserSecureEnclaveKey"),
            "user-secure-enclave-key"
        );
        assert_eq!(
            kebab_case("AllowTouchIDOrWatchForUnlock"),
            "allow-touch-id-or-watch-for-unlock"
        );
        assert_eq!(kebab_case("OpenID"), "open-id");
        assert_eq!(kebab_case("Password"), "password");
    }

    #[test]
    fn unknown_value_lists_the_choices() {
        let err = "UserSecureEnclave".parse::<AuthMethod>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid value `UserSecureEnclave` for `AuthMethod`: expected one of `Password`, \
             `UserSecureEnclaveKey`, `SmartCard`"
        );
    }

    #[test]
    fn smart_card_has_no_macos_13_spelling() {
        assert_eq!(AuthMethod::SmartCard.legacy(), None);
        assert_eq!(
            AuthMethod::Password.legacy(),
            Some(LegacyAuthMethod::Password)
        );
    }
}
