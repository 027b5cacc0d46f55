//! The `ExtensionData` keys of the Microsoft Enterprise SSO plug-in (Microsoft's
//! "Microsoft Enterprise SSO plug-in for Apple devices" and the Platform SSO
//! scenario and troubleshooting pages). Apple does not define these keys.

/// The value type the plug-in expects for a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// A string; lists are comma-separated in one string.
    String,
    /// An integer flag, `0` or `1`.
    Flag,
    /// An integer in `min..=max`.
    IntegerRange {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
    /// A boolean.
    Boolean,
    /// A boolean or an integer flag; both are read.
    BooleanOrFlag,
}

impl ValueType {
    /// Whether `value` has this type.
    pub fn accepts(self, value: &plist::Value) -> bool {
        let int = || value.as_signed_integer();
        match self {
            ValueType::String => value.as_string().is_some(),
            ValueType::Flag => matches!(int(), Some(0 | 1)),
            ValueType::IntegerRange { min, max } => int().is_some_and(|i| (min..=max).contains(&i)),
            ValueType::Boolean => value.as_boolean().is_some(),
            ValueType::BooleanOrFlag => {
                value.as_boolean().is_some() || matches!(int(), Some(0 | 1))
            }
        }
    }

    /// Parses a command-line value (`KEY=VALUE`) into a property-list value of this type.
    pub fn parse(self, key: &str, text: &str) -> crate::Result<plist::Value> {
        let invalid = || crate::Error::InvalidValue {
            key: format!("ExtensionData.{key}"),
            value: text.to_string(),
            expected: self.to_string(),
        };
        let boolean = || match text.to_ascii_lowercase().as_str() {
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            _ => None,
        };
        match self {
            ValueType::String => Ok(plist::Value::String(text.to_string())),
            ValueType::Flag | ValueType::IntegerRange { .. } => {
                let value = plist::Value::Integer(
                    text.trim().parse::<i64>().map_err(|_| invalid())?.into(),
                );
                if self.accepts(&value) {
                    Ok(value)
                } else {
                    Err(invalid())
                }
            }
            ValueType::Boolean => boolean().map(plist::Value::Boolean).ok_or_else(invalid),
            ValueType::BooleanOrFlag => match text.trim() {
                "0" | "1" => ValueType::Flag.parse(key, text),
                _ => boolean().map(plist::Value::Boolean).ok_or_else(invalid),
            },
        }
    }
}

impl std::fmt::Display for ValueType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValueType::String => f.write_str("a string"),
            ValueType::Flag => f.write_str("an integer, 0 or 1"),
            ValueType::IntegerRange { min, max } => write!(f, "an integer from {min} to {max}"),
            ValueType::Boolean => f.write_str("a boolean"),
            ValueType::BooleanOrFlag => f.write_str("a boolean, or an integer 0 or 1"),
        }
    }
}

/// The platforms where a key has an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Platforms {
    /// macOS and iOS.
    Both,
    /// iOS and iPadOS only: no effect on macOS.
    IosOnly,
}

/// One `ExtensionData` key of the SSO plug-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ExtensionDataKey {
    /// The key, exactly as the plug-in reads it.
    pub key: &'static str,
    /// The value type.
    pub value_type: ValueType,
    /// The plug-in's default, when Microsoft states one.
    pub default: Option<&'static str>,
    /// The value Microsoft recommends, when it recommends one.
    pub recommended: Option<&'static str>,
    /// Where the key has an effect.
    pub platforms: Platforms,
    /// Whether Microsoft calls the key deprecated.
    pub deprecated: bool,
    /// What the key does.
    pub summary: &'static str,
}

const fn key(key: &'static str, value_type: ValueType, summary: &'static str) -> ExtensionDataKey {
    ExtensionDataKey {
        key,
        value_type,
        default: None,
        recommended: None,
        platforms: Platforms::Both,
        deprecated: false,
        summary,
    }
}
const fn with_default(k: ExtensionDataKey, default: &'static str) -> ExtensionDataKey {
    ExtensionDataKey {
        default: Some(default),
        ..k
    }
}
const fn recommended(k: ExtensionDataKey, value: &'static str) -> ExtensionDataKey {
    ExtensionDataKey {
        recommended: Some(value),
        ..k
    }
}
const fn ios_only(k: ExtensionDataKey) -> ExtensionDataKey {
    ExtensionDataKey {
        platforms: Platforms::IosOnly,
        ..k
    }
}

use ValueType::{Boolean, BooleanOrFlag, Flag, String as Str};

/// Every documented `ExtensionData` key of the Microsoft Enterprise SSO plug-in.
pub static KEYS: &[ExtensionDataKey] = &[
    recommended(
        with_default(
            key(
                "AppPrefixAllowList",
                Str,
                "Comma-separated bundle-identifier prefixes of non-MSAL apps allowed to use SSO.",
            ),
            "com.apple.,com.microsoft.",
        ),
        "com.microsoft.,com.apple.",
    ),
    key(
        "AppAllowList",
        Str,
        "Comma-separated bundle identifiers of non-MSAL apps allowed to use SSO.",
    ),
    key(
        "AppBlockList",
        Str,
        "Comma-separated bundle identifiers of apps excluded from SSO (Safari is allowed unless listed as `com.apple.Safari`).",
    ),
    ios_only(key(
        "AppCookieSSOAllowList",
        Str,
        "Apps that share SSO through cookies; iOS only.",
    )),
    with_default(
        key(
            "Enable_SSO_On_All_ManagedApps",
            Flag,
            "Give SSO to every MDM-managed app not in `AppBlockList`.",
        ),
        "0",
    ),
    recommended(
        with_default(
            key(
                "browser_sso_interaction_enabled",
                Flag,
                "Let non-MSAL apps and Safari bootstrap the shared credential; needed for Conditional Access.",
            ),
            "1",
        ),
        "1",
    ),
    recommended(
        with_default(
            key(
                "disable_explicit_app_prompt",
                Flag,
                "Reduce protocol-level prompts in non-MSAL apps.",
            ),
            "1",
        ),
        "1",
    ),
    with_default(
        key(
            "disable_explicit_app_prompt_and_autologin",
            Flag,
            "Also select the account automatically in non-MSAL apps.",
        ),
        "0",
    ),
    with_default(
        key(
            "disable_explicit_native_app_prompt",
            Flag,
            "Reduce prompts in MSAL apps; not recommended with app-protection policies.",
        ),
        "0",
    ),
    with_default(
        key(
            "disable_explicit_native_app_prompt_and_autologin",
            Flag,
            "Also select the account automatically in MSAL apps.",
        ),
        "0",
    ),
    ios_only(with_default(
        key(
            "disable_inapp_sso_signin",
            Flag,
            "iOS MSAL apps sign in through Authenticator; no effect on macOS.",
        ),
        "0",
    )),
    key(
        "admin_debug_mode_enabled",
        Flag,
        "Temporarily log the bundle identifiers the plug-in sees.",
    ),
    ios_only(key(
        "device_registration",
        Str,
        "Just-in-time registration token for iOS and iPadOS with Intune (`{{DEVICEREGISTRATION}}`).",
    )),
    key(
        "use_most_secure_storage",
        BooleanOrFlag,
        "Store device-identity keys in the Secure Enclave; affects new registrations only.",
    ),
    key(
        "enable_se_key_biometric_policy",
        Boolean,
        "Require biometrics for the Secure Enclave key (macOS 14.6+, Company Portal 2504+); enabling after registration needs re-registration.",
    ),
    with_default(
        key(
            "custom_tgt_setting",
            ValueType::IntegerRange { min: 0, max: 3 },
            "Kerberos TGTs: 0 both, 1 on-premises only, 2 cloud only, 3 none (Company Portal 2508+).",
        ),
        "0",
    ),
    ExtensionDataKey {
        deprecated: true,
        ..with_default(
            key(
                "browser_sso_disable_mfa",
                Flag,
                "Deprecated by Microsoft; has no effect.",
            ),
            "0",
        )
    },
];

/// The plug-in key named `name`, if Microsoft documents it (exact spelling).
pub fn lookup(name: &str) -> Option<&'static ExtensionDataKey> {
    KEYS.iter().find(|k| k.key == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_typed_values() {
        let flag = lookup("browser_sso_interaction_enabled").unwrap();
        assert_eq!(
            flag.value_type.parse("k", "1").unwrap(),
            plist::Value::Integer(1.into())
        );
        assert_eq!(
            flag.value_type
                .parse("browser_sso_interaction_enabled", "2")
                .unwrap_err()
                .to_string(),
            "invalid value `2` for `ExtensionData.browser_sso_interaction_enabled`: expected an integer, 0 or 1"
        );
        let either = lookup("use_most_secure_storage").unwrap();
        assert_eq!(
            either.value_type.parse("k", "true").unwrap(),
            plist::Value::Boolean(true)
        );
        assert_eq!(
            either.value_type.parse("k", "0").unwrap(),
            plist::Value::Integer(0.into())
        );
        let tgt = lookup("custom_tgt_setting").unwrap();
        assert!(tgt.value_type.parse("k", "4").is_err());
        assert!(tgt.value_type.accepts(&plist::Value::Integer(3.into())));
    }

    #[test]
    fn keys_are_unique() {
        for (i, k) in KEYS.iter().enumerate() {
            assert!(!KEYS[..i].iter().any(|o| o.key == k.key), "{}", k.key);
        }
    }
}
