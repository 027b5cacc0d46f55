//! One enum per Apple `rangelist` of the payload, spelled exactly as Apple spells the values.
//!
//! A value newer than its key says so: `OpenID @ (27, 0)` in [`apple_enum!`] gives the
//! macOS version that introduced it, which the catalog's rangelist carries
//! ([`crate::catalog::apple::Rangelist`]) and the schema rules check against the fleet.

use serde::{Deserialize, Serialize};

/// Generates `as_str`, `ALL`, `NAMES`, `RANGELIST`, `introduced`, `Display` and
/// `FromStr` for a fieldless enum whose variant names are Apple's spellings. A
/// variant written `Name @ (major, minor)` is a value Apple introduced after its key.
/// Parsing is case-insensitive and accepts kebab-case (`user-secure-enclave-key`).
macro_rules! apple_enum {
    ($name:ident { $($variant:ident $(@ ($major:literal, $minor:literal))?),+ $(,)? }) => {
        impl $name {
            /// Every value, in Apple's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Apple's spelling of every value, in Apple's order: the catalog's
            /// allowed values.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($variant)),+];

            /// The catalog's rangelist: the values and the macOS versions of those
            /// newer than their key.
            pub const RANGELIST: crate::catalog::apple::Rangelist = crate::catalog::apple::Rangelist {
                names: Self::NAMES,
                introduced: &[$($( (stringify!($variant), crate::model::MacOs::new($major, $minor)), )?)+],
            };

            /// Apple's spelling of the value.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant)),+
                }
            }

            /// The macOS version that introduced the value, when it is newer than
            /// the keys that take it.
            pub const fn introduced(self) -> Option<crate::model::MacOs> {
                match self {
                    $($name::$variant => apple_enum!(@since $($major, $minor)?)),+
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
    (@since $major:literal, $minor:literal) => { Some(crate::model::MacOs::new($major, $minor)) };
    (@since) => { None };
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
    /// Web login with OpenID (macOS 27+); needs `WebLoginURLAllowList`.
    OpenID,
}
apple_enum!(AuthMethod {
    Password,
    UserSecureEnclaveKey,
    SmartCard,
    OpenID @ (27, 0),
});

impl AuthMethod {
    /// The same method for the deprecated top-level key that macOS 13 reads, if
    /// macOS 13 has it (`SmartCard` and `OpenID` do not exist there).
    pub const fn legacy(self) -> Option<LegacyAuthMethod> {
        match self {
            AuthMethod::Password => Some(LegacyAuthMethod::Password),
            AuthMethod::UserSecureEnclaveKey => Some(LegacyAuthMethod::UserSecureEnclaveKey),
            AuthMethod::SmartCard | AuthMethod::OpenID => None,
        }
    }
}

/// The methods the deprecated top-level `AuthenticationMethod` takes on macOS 13, the
/// only release that reads it (Apple's rangelist of the key is [`AuthMethod`]'s, but
/// macOS 13 has neither `SmartCard` nor `OpenID`).
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

/// `PlatformSSO.UserAuthorizationMode`.
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

/// `PlatformSSO.NewUserAuthorizationMode`: the modes of [`AuthorizationMode`] and
/// temporary sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NewUserAuthorizationMode {
    /// A standard user.
    Standard,
    /// An administrator.
    Admin,
    /// Permissions from the group keys (Microsoft does not support it yet).
    Groups,
    /// A temporary session, erased after use (Authenticated Guest Mode).
    Temporary,
}
apple_enum!(NewUserAuthorizationMode {
    Standard,
    Admin,
    Groups,
    Temporary
});

/// A value of `PlatformSSO.FileVaultPolicy` or `PlatformSSO.LoginPolicy` (macOS 15+;
/// the Touch ID values macOS 27+).
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
    /// Touch ID (not Apple Watch) is required (macOS 27+).
    RequireTouchID,
    /// Touch ID or Apple Watch is required (macOS 27+).
    RequireTouchIDOrWatch,
    /// Web login when Touch ID fails or is missing (macOS 27+).
    AllowOpenIDForTouchIDFallback,
}
apple_enum!(Policy {
    AttemptAuthentication,
    RequireAuthentication,
    AllowOfflineGracePeriod,
    AllowAuthenticationGracePeriod,
    RequireTouchID @ (27, 0),
    RequireTouchIDOrWatch @ (27, 0),
    AllowOpenIDForTouchIDFallback @ (27, 0),
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
    /// See [`Policy::RequireTouchID`] (macOS 27+).
    RequireTouchID,
    /// See [`Policy::RequireTouchIDOrWatch`] (macOS 27+).
    RequireTouchIDOrWatch,
    /// See [`Policy::AllowOpenIDForTouchIDFallback`] (macOS 27+).
    AllowOpenIDForTouchIDFallback,
}
apple_enum!(UnlockPolicy {
    AttemptAuthentication,
    RequireAuthentication,
    AllowOfflineGracePeriod,
    AllowAuthenticationGracePeriod,
    AllowTouchIDOrWatchForUnlock,
    RequireTouchID @ (27, 0),
    RequireTouchIDOrWatch @ (27, 0),
    AllowOpenIDForTouchIDFallback @ (27, 0),
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
    /// OpenID (macOS 27+); needs `WebLoginURLAllowList`.
    OpenID,
}
apple_enum!(NewUserAuthMethod {
    Password,
    SmartCard,
    AccessKey,
    OpenID @ (27, 0),
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
             `UserSecureEnclaveKey`, `SmartCard`, `OpenID`"
        );
    }

    #[test]
    fn values_newer_than_their_key_know_their_version() {
        use crate::model::MacOs;
        assert_eq!(AuthMethod::OpenID.introduced(), Some(MacOs::V27));
        assert_eq!(AuthMethod::Password.introduced(), None);
        assert_eq!(
            AuthMethod::RANGELIST.introduced,
            [("OpenID", MacOs::V27)].as_slice()
        );
        assert_eq!(Policy::RANGELIST.introduced.len(), 3);
        assert_eq!(UnlockPolicy::RequireTouchID.introduced(), Some(MacOs::V27));
        assert_eq!(NewUserAuthMethod::OpenID.introduced(), Some(MacOs::V27));
        assert_eq!(NewUserAuthMethod::AccessKey.introduced(), None);
        assert_eq!("open-id".parse::<AuthMethod>().unwrap(), AuthMethod::OpenID);
    }

    #[test]
    fn smart_card_has_no_macos_13_spelling() {
        assert_eq!(AuthMethod::SmartCard.legacy(), None);
        assert_eq!(AuthMethod::OpenID.legacy(), None);
        assert_eq!(
            AuthMethod::Password.legacy(),
            Some(LegacyAuthMethod::Password)
        );
    }
}
