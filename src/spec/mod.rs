//! What a user asks for, written down once: the settings of `generate` as one
//! validated [`Spec`], and how a spec becomes a [`Profile`].
//!
//! Field names are `generate`'s long option names (`auth`, `min-macos`,
//! `registration-token`...), so the command line and spec files mean the same.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalog::extension_data;
use crate::catalog::microsoft::{self, Cloud};
use crate::model::{
    AuthMethod, ExtensibleSso, ExtensibleSsoType, Identifier, PayloadScope, PayloadUuid,
    PayloadVersion, Policy, Profile, ProfileType, ScreenLockedBehavior, SsoType, Target,
    TargetDeviceType, TokenToUserMapping,
};
use crate::rules::{self, Expect, Report};
use crate::settings::PlatformSso;
use crate::{Error, Result};

mod file;
pub(crate) mod lenient;
mod templates;
mod vars;

pub use crate::settings::Spec;
#[cfg(feature = "python")]
pub(crate) use file::deserialize;
pub use file::{RowSpec, SpecFile, keys};
pub use templates::{Template, template, templates};
pub use vars::{VarError, Vars, substitute};

/// The profile identifier used when none is given.
pub const DEFAULT_IDENTIFIER: &str = "com.psso-profile.platformsso";
/// The profile display name used when none is given.
pub const DEFAULT_DISPLAY_NAME: &str = "Microsoft Entra Platform SSO";
/// The profile description used when none is given.
pub const DEFAULT_DESCRIPTION: &str =
    "Turns on Platform SSO with Microsoft Entra ID through the Microsoft Enterprise SSO plug-in.";
/// The profile display name of an SSO-extension-only profile when none is given.
pub const SSO_EXTENSION_DISPLAY_NAME: &str = "Microsoft Enterprise SSO plug-in";
/// The profile description of an SSO-extension-only profile when none is given.
pub const SSO_EXTENSION_DESCRIPTION: &str = "Turns on single sign-on for apps and browsers through the Microsoft Enterprise SSO plug-in, without Platform SSO.";
/// The claim mapped to the local account name when none is given.
pub const DEFAULT_ACCOUNT_NAME_CLAIM: &str = "preferred_username";
/// The claim mapped to the local full name when none is given.
pub const DEFAULT_FULL_NAME_CLAIM: &str = "name";

/// What a registration token must be, for messages about a blank one.
const EMPTY_TOKEN_EXPECTED: &str =
    "a token, or an MDM placeholder such as `{{DEVICEREGISTRATION}}` (leave it out for none)";

/// The message of a registration token that is not a string in a spec file.
pub(crate) const TOKEN_NOT_TEXT: &str =
    "expected a string: a token, or an MDM placeholder such as `{{DEVICEREGISTRATION}}`";

/// The message of a blank registration token in a spec file.
pub(crate) const EMPTY_TOKEN: &str = "expected a token, or an MDM placeholder such as `{{DEVICEREGISTRATION}}`, found an empty value (leave the key out for none)";

/// How `PayloadUUID`s are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "kebab-case")]
pub enum UuidMode {
    /// v5 UUIDs derived from the payload identifiers: the same input gives the same bytes.
    #[default]
    Derived,
    /// Fresh random UUIDs on every run.
    Random,
}

impl std::str::FromStr for UuidMode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "derived" => Ok(UuidMode::Derived),
            "random" => Ok(UuidMode::Random),
            _ => Err(Error::InvalidValue {
                key: "uuid".to_string(),
                value: s.to_string(),
                expected: "`derived` or `random`".to_string(),
            }),
        }
    }
}

/// An `ExtensionData` value as given in a spec or on the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ExtensionValue {
    /// A boolean.
    Boolean(bool),
    /// An integer.
    Integer(i64),
    /// A string; typed by the plug-in's catalog when the key is known.
    String(String),
}

impl std::fmt::Display for ExtensionValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExtensionValue::Boolean(b) => write!(f, "{b}"),
            ExtensionValue::Integer(i) => write!(f, "{i}"),
            ExtensionValue::String(s) => f.write_str(s),
        }
    }
}

/// One `ExtensionData` entry: `KEY=VALUE` on the command line (typed by the
/// plug-in's catalog), or `KEY:TYPE=VALUE` for a key the catalog does not know.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtensionEntry {
    /// The key.
    pub key: String,
    /// The value as given; typed by the catalog when the profile is built.
    pub value: ExtensionValue,
}

impl std::str::FromStr for ExtensionEntry {
    type Err = Error;

    /// Parses `KEY=VALUE` or `KEY:TYPE=VALUE` (TYPE is `string`, `integer` or
    /// `boolean`); a known key's value is checked at once.
    fn from_str(arg: &str) -> Result<Self> {
        let (key, value) = parse_extension_data(arg)?;
        Ok(ExtensionEntry { key, value })
    }
}

impl crate::settings::Keyed for ExtensionEntry {
    fn key(&self) -> &str {
        &self.key
    }
}

/// One `PlatformSSO.AuthorizationGroups` entry: an authorization right and the
/// group that holds it, `RIGHT=GROUP` on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationGroup {
    /// The authorization right, such as `system.preferences`.
    pub right: String,
    /// The group.
    pub group: String,
}

impl std::str::FromStr for AuthorizationGroup {
    type Err = Error;

    fn from_str(arg: &str) -> Result<Self> {
        arg.split_once('=')
            .filter(|(right, group)| !right.is_empty() && !group.is_empty())
            .map(|(right, group)| AuthorizationGroup {
                right: right.to_string(),
                group: group.to_string(),
            })
            .ok_or_else(|| Error::InvalidValue {
                key: "authorization-group".to_string(),
                value: arg.to_string(),
                expected: "`RIGHT=GROUP`, such as `system.preferences=mac-admins`".to_string(),
            })
    }
}

impl crate::settings::Keyed for AuthorizationGroup {
    fn key(&self) -> &str {
        &self.right
    }
}

/// The dictionary settings as spec files write them: a table of key to value.
pub(crate) mod entries {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::{AuthorizationGroup, ExtensionEntry, ExtensionValue};

    /// An entry that a table's key and value make.
    pub(crate) trait Entry: Sized {
        type Value: Serialize + for<'de> Deserialize<'de>;
        fn new(key: String, value: Self::Value) -> Self;
        fn parts(&self) -> (&str, &Self::Value);
    }

    impl Entry for ExtensionEntry {
        type Value = ExtensionValue;
        fn new(key: String, value: ExtensionValue) -> Self {
            ExtensionEntry { key, value }
        }
        fn parts(&self) -> (&str, &ExtensionValue) {
            (&self.key, &self.value)
        }
    }

    impl Entry for AuthorizationGroup {
        type Value = String;
        fn new(right: String, group: String) -> Self {
            AuthorizationGroup { right, group }
        }
        fn parts(&self) -> (&str, &String) {
            (&self.right, &self.group)
        }
    }

    pub(crate) fn serialize<E: Entry, S: Serializer>(
        entries: &[E],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(entries.iter().map(Entry::parts))
    }

    /// Entries sorted by key, as a table holds them.
    pub(crate) fn deserialize<'de, E: Entry, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<E>, D::Error> {
        let table = BTreeMap::<String, E::Value>::deserialize(deserializer)?;
        Ok(table.into_iter().map(|(k, v)| E::new(k, v)).collect())
    }
}

/// A generated profile and what the rules said of it.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The profile tree.
    pub value: plist::Value,
    /// The findings; an error among them refuses the profile.
    pub report: Report,
    /// The fleet it was checked for.
    pub target: Target,
}

impl Generated {
    /// Whether the rules refused the profile (a finding at error level): such a
    /// profile does not work as Microsoft and Apple require and is not written.
    pub fn is_refused(&self) -> bool {
        self.report.has_errors()
    }

    /// The profile as the `com.apple.configuration.extensible-sso` declaration
    /// ([`crate::declaration::from_profile`]), for the fleet it was checked for.
    ///
    /// # Errors
    ///
    /// [`Error::DeclarationMacOs`] for a fleet from before macOS 27, and the other
    /// errors of [`crate::declaration::from_profile`].
    pub fn to_declaration(
        &self,
        options: &crate::declaration::Options<'_>,
    ) -> Result<plist::Value> {
        crate::declaration::from_profile(&self.value, &self.target, options)
    }
}

impl Spec {
    /// The declaration's `Identifier` and `ServerToken` this spec gives.
    pub fn declaration_options(&self) -> crate::declaration::Options<'_> {
        crate::declaration::Options {
            identifier: self.declaration_identifier.as_deref(),
            server_token: self.server_token.as_deref(),
        }
    }

    /// The fleet this spec is for.
    pub fn target(&self) -> Target {
        Target::new(self.min_macos.unwrap_or_default())
    }

    /// What the generated profile configures: Platform SSO unless the spec asks for
    /// the SSO extension without it.
    pub fn expect(&self) -> Expect {
        match self.expect {
            Some(Expect::SsoExtension) => Expect::SsoExtension,
            _ => Expect::PlatformSso,
        }
    }

    /// Builds the typed profile.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyValue`] for a blank registration token (leave it out for
    /// none), [`Error::InvalidValue`] for an identifier or an `ExtensionData`
    /// value the profile cannot hold; [`Error::PlatformSsoNotExpected`] for a
    /// Platform SSO setting (or a registration token) in a spec that expects the
    /// SSO extension without Platform SSO.
    pub fn to_profile(&self) -> Result<Profile> {
        if self
            .registration_token
            .as_deref()
            .is_some_and(|t| t.trim().is_empty())
        {
            return Err(Error::EmptyValue {
                key: "registration-token".to_string(),
                expected: EMPTY_TOKEN_EXPECTED.to_string(),
            });
        }
        let sso_extension_only = self.expect() == Expect::SsoExtension;
        if sso_extension_only {
            self.refuse_platform_sso_settings()?;
        }
        let auth = self.auth.unwrap_or(AuthMethod::UserSecureEnclaveKey);
        let target = self.target();
        let identifier = Identifier::new(
            self.identifier
                .clone()
                .unwrap_or_else(|| DEFAULT_IDENTIFIER.to_string()),
        )?;
        let sso_identifier = identifier.child("sso");
        let uuid = |id: &Identifier| match self.uuid.unwrap_or_default() {
            UuidMode::Derived => PayloadUuid::derived(id),
            UuidMode::Random => PayloadUuid::random(),
        };
        let mut platform_sso = self.platform_sso();
        if platform_sso.filevault_policy.is_none() && auth == AuthMethod::Password {
            // Microsoft's table: FileVault policy `AttemptAuthentication` with
            // `Password` on macOS 15+ (older Macs of the fleet ignore it).
            platform_sso.filevault_policy = Some(vec![Policy::AttemptAuthentication]);
        }
        if platform_sso.enable_registration_during_setup == Some(true)
            && platform_sso.enable_create_first_user_during_setup.is_none()
            && auth != AuthMethod::Password
        {
            // Apple's default is true; Microsoft creates the first user during
            // setup with the Password method only.
            platform_sso.enable_create_first_user_during_setup = Some(false);
        }
        platform_sso.authentication_method = Some(auth);
        platform_sso.use_shared_device_keys = Some(true);
        platform_sso.token_to_user_mapping = Some(TokenToUserMapping {
            account_name: Some(
                self.account_name_claim
                    .clone()
                    .unwrap_or_else(|| DEFAULT_ACCOUNT_NAME_CLAIM.to_string()),
            ),
            full_name: Some(
                self.full_name_claim
                    .clone()
                    .unwrap_or_else(|| DEFAULT_FULL_NAME_CLAIM.to_string()),
            ),
        });
        platform_sso.authorization_groups = self
            .authorization_groups
            .iter()
            .map(|g| (g.right.clone(), g.group.clone()))
            .collect();
        let sso = ExtensibleSso {
            payload_uuid: uuid(&sso_identifier),
            payload_identifier: sso_identifier,
            payload_type: ExtensibleSsoType::ExtensibleSso,
            payload_version: PayloadVersion,
            payload_display_name: Some("Microsoft Enterprise SSO plug-in".to_string()),
            payload_description: None,
            payload_organization: self.org.clone(),
            extension_identifier: microsoft::EXTENSION_IDENTIFIER.to_string(),
            team_identifier: Some(microsoft::TEAM_IDENTIFIER.to_string()),
            sso_type: SsoType::Redirect,
            realm: None,
            extension_data: self.extension_data()?,
            urls: self.urls(),
            hosts: Vec::new(),
            screen_locked_behavior: Some(ScreenLockedBehavior::DoNotHandle),
            denied_bundle_identifiers: Vec::new(),
            authentication_method: if target.includes_macos_13() && !sso_extension_only {
                auth.legacy()
            } else {
                None
            },
            registration_token: self.registration_token.clone(),
            platform_sso: (!sso_extension_only).then_some(platform_sso),
        };
        let (display_name, description) = if sso_extension_only {
            (SSO_EXTENSION_DISPLAY_NAME, SSO_EXTENSION_DESCRIPTION)
        } else {
            (DEFAULT_DISPLAY_NAME, DEFAULT_DESCRIPTION)
        };
        Ok(Profile {
            payload_content: vec![sso],
            payload_uuid: uuid(&identifier),
            payload_identifier: identifier,
            payload_type: ProfileType::Configuration,
            payload_version: PayloadVersion,
            payload_display_name: Some(
                self.display_name
                    .clone()
                    .unwrap_or_else(|| display_name.to_string()),
            ),
            payload_description: Some(
                self.description
                    .clone()
                    .unwrap_or_else(|| description.to_string()),
            ),
            payload_organization: self.org.clone(),
            payload_scope: Some(self.scope.unwrap_or(PayloadScope::System)),
            payload_removal_disallowed: self.removal_disallowed,
            has_removal_passcode: None,
            target_device_type: Some(TargetDeviceType::Mac),
            removal_date: None,
            duration_until_removal: None,
            payload_expiration_date: None,
            consent_text: BTreeMap::new(),
        })
    }

    /// Builds the profile tree and checks it. A profile with error findings is
    /// refused ([`Generated::is_refused`]): `generate` and `batch` never write one.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidValue`] for an identifier or an `ExtensionData` value the
    /// profile cannot hold, [`Error::Encode`] when the model cannot be encoded.
    pub fn generate(&self) -> Result<Generated> {
        let value = self.to_profile()?.to_value()?;
        let target = self.target();
        let options = rules::Options {
            expect: self.expect(),
            ..rules::Options::new(target)
        };
        let report = rules::check_with(&value, &options, None);
        Ok(Generated {
            value,
            report,
            target,
        })
    }

    /// With `expect = sso-extension`, the settings that would configure Platform
    /// SSO are refused rather than dropped.
    fn refuse_platform_sso_settings(&self) -> Result<()> {
        let refuse = |key: &str| {
            Err(Error::PlatformSsoNotExpected {
                key: key.to_string(),
            })
        };
        if self.auth.is_some() {
            return refuse("auth");
        }
        if self.registration_token.is_some() {
            return refuse("registration-token");
        }
        if self.account_name_claim.is_some() || self.full_name_claim.is_some() {
            return refuse("account-name-claim");
        }
        if !self.authorization_groups.is_empty() {
            return refuse("authorization-groups");
        }
        if self.platform_sso() != PlatformSso::default() {
            // The first PlatformSSO setting given, by its spec key.
            let key = plist::to_value(&self.platform_sso())
                .ok()
                .and_then(|v| v.into_dictionary())
                .and_then(|d| d.keys().next().cloned())
                .and_then(|k| crate::settings::setting_for_key(&format!("PlatformSSO.{k}")))
                .map_or_else(|| "PlatformSSO".to_string(), crate::settings::Setting::key);
            return refuse(&key);
        }
        Ok(())
    }

    fn urls(&self) -> Vec<String> {
        let clouds = self.clouds.as_deref().unwrap_or(&Cloud::ALL);
        microsoft::URLS
            .iter()
            .filter(|u| u.cloud == Cloud::Commercial || clouds.contains(&u.cloud))
            .map(|u| u.url.to_string())
            .collect()
    }

    fn extension_data(&self) -> Result<Option<plist::Dictionary>> {
        if self.extension_data.is_empty() {
            return Ok(None);
        }
        let mut dict = plist::Dictionary::new();
        for entry in &self.extension_data {
            dict.insert(
                entry.key.clone(),
                typed_extension_value(&entry.key, &entry.value)?,
            );
        }
        Ok(Some(dict))
    }
}

/// Types an `ExtensionData` value by the plug-in's catalog; a key the catalog does
/// not know keeps the type it was given.
fn typed_extension_value(key: &str, value: &ExtensionValue) -> Result<plist::Value> {
    match (extension_data::lookup(key), value) {
        (Some(entry), value) => entry.value_type.parse(key, &value.to_string()),
        (None, ExtensionValue::Boolean(b)) => Ok(plist::Value::Boolean(*b)),
        (None, ExtensionValue::Integer(i)) => Ok(plist::Value::Integer((*i).into())),
        (None, ExtensionValue::String(s)) => Ok(plist::Value::String(s.clone())),
    }
}

/// Parses a command-line `KEY=VALUE` (typed by the plug-in's catalog) or
/// `KEY:TYPE=VALUE` (TYPE is `string`, `integer` or `boolean`) into the spec's
/// `ExtensionData`. Known keys are checked at once.
pub fn parse_extension_data(arg: &str) -> Result<(String, ExtensionValue)> {
    let invalid = |expected: &str| Error::InvalidValue {
        key: "extension-data".to_string(),
        value: arg.to_string(),
        expected: expected.to_string(),
    };
    let (name, text) = arg
        .split_once('=')
        .ok_or_else(|| invalid("`KEY=VALUE` or `KEY:TYPE=VALUE`"))?;
    let (key, explicit) = match name.split_once(':') {
        Some((key, ty)) => (key, Some(ty)),
        None => (name, None),
    };
    if key.is_empty() {
        return Err(invalid("a key before `=`"));
    }
    let value = match explicit {
        None if extension_data::lookup(key).is_none() => {
            return Err(Error::InvalidValue {
                key: "extension-data".to_string(),
                value: arg.to_string(),
                expected: format!(
                    "a key of the Microsoft SSO plug-in ({}), or a type for another key, as in `{key}:string=VALUE`",
                    extension_data::KEYS
                        .iter()
                        .map(|k| format!("`{}`", k.key))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        None => {
            typed_extension_value(key, &ExtensionValue::String(text.to_string()))?;
            ExtensionValue::String(text.to_string())
        }
        Some("string") => ExtensionValue::String(text.to_string()),
        Some("integer") => ExtensionValue::Integer(
            text.trim()
                .parse()
                .map_err(|_| invalid("an integer after `=`"))?,
        ),
        Some("boolean") => ExtensionValue::Boolean(match text.trim() {
            "true" => true,
            "false" => false,
            _ => return Err(invalid("`true` or `false` after `=`")),
        }),
        Some(_) => return Err(invalid("a type of `string`, `integer` or `boolean`")),
    };
    Ok((key.to_string(), value))
}

#[cfg(test)]
mod tests;
